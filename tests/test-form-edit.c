/* test-form-edit.c: editing decoded forms by PHP-style keys
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The invariant: decode (encode (edit (decode (fixture)))) == edit (decode
 * (fixture)) after every edit, for every fixture; plus where edits put
 * keys, copy on write, and the keys PHP would mangle or drop.
 */
#include "config.h"

#include <string.h>

#include "botbench-core.h"
#include "botbench-form-edit.h"
#include "botbench-test-utils.h"

static void
assert_trees_equal (const BotbenchFormNode *a,
                    const BotbenchFormNode *b)
{
  g_assert_cmpint (botbench_form_node_get_node_type (a), ==, botbench_form_node_get_node_type (b));

  if (botbench_form_node_get_node_type (a) == BOTBENCH_FORM_NODE_STRING)
    {
      gsize a_len, b_len;
      const char *a_str = botbench_form_node_get_string (a, &a_len);
      const char *b_str = botbench_form_node_get_string (b, &b_len);

      g_assert_cmpmem (a_str, a_len, b_str, b_len);
      return;
    }

  g_assert_cmpuint (botbench_form_node_get_n_children (a), ==, botbench_form_node_get_n_children (b));
  for (guint i = 0; i < botbench_form_node_get_n_children (a); i++)
    {
      g_assert_cmpstr (botbench_form_node_get_child_key (a, i), ==, botbench_form_node_get_child_key (b, i));
      g_assert_cmpint (botbench_form_node_child_key_is_int (a, i), ==, botbench_form_node_child_key_is_int (b, i));
      assert_trees_equal (botbench_form_node_get_child (a, i), botbench_form_node_get_child (b, i));
    }
}

/* decode (encode (tree)) == tree */
static void
assert_round_trip (const BotbenchFormNode *tree)
{
  g_autofree char *body = botbench_form_encode (tree);
  g_autoptr(BotbenchFormNode) again = botbench_post_decode_urlencoded (body, strlen (body));

  assert_trees_equal (tree, again);
}

static BotbenchFormNode *
decode_fixture (const char *name)
{
  g_autoptr(GBytes) bytes = botbench_test_load_fixture (name);
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  return botbench_post_decode_urlencoded (data, len);
}

static BotbenchFormNode *
decode_text (const char *body)
{
  return botbench_post_decode_urlencoded (body, strlen (body));
}

static void
set_ok (BotbenchFormNode **tree,
        const char        *key,
        const char        *value)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (botbench_form_edit_set (tree, key, value, &error));
  g_assert_no_error (error);
  assert_round_trip (*tree);
}

static void
remove_ok (BotbenchFormNode **tree,
           const char        *key)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (botbench_form_edit_remove (tree, key, &error));
  g_assert_no_error (error);
  assert_round_trip (*tree);
}

static const char *
last_key (const BotbenchFormNode *node)
{
  guint n = botbench_form_node_get_n_children (node);

  g_assert_cmpuint (n, >, 0);
  return botbench_form_node_get_child_key (node, n - 1);
}

static void
test_fixtures_round_trip (void)
{
  g_auto(GStrv) names = botbench_test_list_fixtures ();

  g_assert_cmpuint (g_strv_length (names), >=, 7);

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autoptr(BotbenchFormNode) tree = decode_fixture (names[i]);
      g_autoptr(BotbenchFormNode) original = decode_fixture (names[i]);
      g_autoptr(BotbenchFormNode) shared = botbench_form_node_ref (tree);
      g_auto(GStrv) pairs = botbench_form_edit_dup_pairs (tree);
      guint n_top = botbench_form_node_get_n_children (tree);
      g_autofree char *first_key = g_strdup (botbench_form_node_get_child_key (tree, 0));
      BotbenchFormNode *data;
      BotbenchFormNode *auth;

      g_test_message ("fixture %s", names[i]);
      g_assert_cmpuint (g_strv_length (pairs) % 2, ==, 0);

      /* change a value: it keeps its place */
      set_ok (&tree, "event", "ONIMBOTMESSAGEADD & friends = 100% \"edited\"");
      g_assert_cmpstr (botbench_form_node_get_child_key (tree, 0), ==, first_key);
      g_assert_cmpstr (botbench_form_node_lookup_string (tree, "event", NULL), ==,
                       "ONIMBOTMESSAGEADD & friends = 100% \"edited\"");
      g_assert_cmpuint (botbench_form_node_get_n_children (tree), ==, n_top);

      /* change a nested value, by the key dup_pairs gives */
      set_ok (&tree, pairs[2], "Привет, [b]мир[/b]\r\n+%2B");
      g_assert_cmpuint (botbench_form_node_get_n_children (tree), ==, n_top);

      /* add a nested key: appended at the end of its (new) parents */
      set_ok (&tree, "data[PARAMS][NEW_KEY][deep]", "x y");
      data = botbench_form_node_lookup (tree, "data");
      g_assert_cmpstr (last_key (botbench_form_node_lookup (data, "PARAMS")), ==, "NEW_KEY");
      g_assert_cmpstr (botbench_form_node_lookup_string (tree, "data", "PARAMS", "NEW_KEY", "deep", NULL), ==, "x y");

      /* append with [] */
      set_ok (&tree, "data[LIST][]", "a");
      set_ok (&tree, "data[LIST][]", "b");
      g_assert_cmpstr (botbench_form_node_lookup_string (tree, "data", "LIST", "1", NULL), ==, "b");

      /* remove a key */
      remove_ok (&tree, "ts");
      g_assert_null (botbench_form_node_lookup (tree, "ts"));

      /* remove a whole subtree */
      auth = botbench_form_node_lookup (tree, "auth");
      g_assert_nonnull (auth);
      remove_ok (&tree, "auth");
      g_assert_null (botbench_form_node_lookup (tree, "auth"));
      g_assert_cmpuint (botbench_form_node_get_n_children (tree), ==, n_top - 2);

      /* the other owner's tree did not change (copy on write) */
      g_assert_true (shared != tree);
      assert_trees_equal (shared, original);
    }
}

/* Editing a tree someone else holds copies the path, never the original. */
static void
test_copy_on_write (void)
{
  g_autoptr(BotbenchFormNode) tree = decode_fixture ("ONIMBOTMESSAGEADD");
  g_autoptr(BotbenchFormNode) pristine = decode_fixture ("ONIMBOTMESSAGEADD");
  BotbenchFormNode *held = botbench_form_node_ref (tree);
  BotbenchFormNode *params = botbench_form_node_ref (botbench_form_node_lookup (
                                                       botbench_form_node_lookup (held, "data"), "PARAMS"));

  set_ok (&tree, "data[PARAMS][MESSAGE]", "changed");
  remove_ok (&tree, "data[USER]");
  g_assert_true (tree != held);
  assert_trees_equal (held, pristine);
  g_assert_cmpstr (botbench_form_node_lookup_string (params, "MESSAGE", NULL), ==, "Hello, bot!");
  g_assert_cmpstr (botbench_form_node_lookup_string (tree, "data", "PARAMS", "MESSAGE", NULL), ==, "changed");

  /* a tree held once is edited in place */
  {
    BotbenchFormNode *before = tree;

    set_ok (&tree, "data[PARAMS][MESSAGE]", "again");
    g_assert_true (tree == before);
  }

  botbench_form_node_unref (params);
  botbench_form_node_unref (held);
}

static void
test_new_tree (void)
{
  g_autoptr(BotbenchFormNode) tree = NULL;
  g_autofree char *body = NULL;

  set_ok (&tree, "event", "ONIMBOTDELETE");
  set_ok (&tree, "data[BOT_ID]", "567");
  set_ok (&tree, "data[BOT_CODE]", "echo bot");
  set_ok (&tree, "auth[application_token]", "t");
  body = botbench_form_encode (tree);
  g_assert_cmpstr (body, ==, "event=ONIMBOTDELETE&data%5BBOT_ID%5D=567&data%5BBOT_CODE%5D=echo+bot&auth%5Bapplication_token%5D=t");
}

/* Removing the last child of an array removes the array (the encoder would
 * drop it), up to the first ancestor with other children. */
static void
test_remove_prunes (void)
{
  g_autoptr(BotbenchFormNode) tree = decode_text ("a%5Bb%5D%5Bc%5D=1&d=2");
  g_autoptr(GError) error = NULL;

  remove_ok (&tree, "a[b][c]");
  g_assert_null (botbench_form_node_lookup (tree, "a"));
  g_assert_cmpuint (botbench_form_node_get_n_children (tree), ==, 1);

  g_assert_false (botbench_form_edit_remove (&tree, "a[b]", &error));
  g_assert_error (error, BOTBENCH_FORM_EDIT_ERROR, BOTBENCH_FORM_EDIT_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* through a string */
  g_assert_false (botbench_form_edit_remove (&tree, "d[x]", &error));
  g_assert_error (error, BOTBENCH_FORM_EDIT_ERROR, BOTBENCH_FORM_EDIT_ERROR_NOT_FOUND);
  g_clear_error (&error);

  remove_ok (&tree, "d");
  g_assert_cmpuint (botbench_form_node_get_n_children (tree), ==, 0);
}

static void
test_odd_keys (void)
{
  static const char *invalid[] = {
    "a[b",            /* PHP: a_b */
    "a[b]c",          /* PHP: ignores c */
    "a[b][c",         /* PHP: a[b] with the rest lost */
    "",
    "   ",
    "[x]",            /* empty name: PHP drops it */
    "a[__Host-x]",    /* cookie prefix below the top: dropped */
    "a[__Secure-x]",
  };
  g_autoptr(BotbenchFormNode) tree = decode_fixture ("ONIMBOTDELETE");
  g_autoptr(GString) deep = g_string_new ("a");
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  g_autofree char *value = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_test_message ("key “%s”", invalid[i]);
      g_assert_false (botbench_form_edit_set (&tree, invalid[i], "v", &error));
      g_assert_error (error, BOTBENCH_FORM_EDIT_ERROR, BOTBENCH_FORM_EDIT_ERROR_INVALID_KEY);
      g_clear_error (&error);
      g_assert_false (botbench_form_edit_remove (&tree, invalid[i], &error));
      g_assert_error (error, BOTBENCH_FORM_EDIT_ERROR, BOTBENCH_FORM_EDIT_ERROR_INVALID_KEY);
      g_clear_error (&error);
    }

  /* 64 levels are fine, 65 are too deep */
  for (guint i = 0; i < BOTBENCH_POST_DEFAULT_MAX_NESTING_LEVEL; i++)
    g_string_append (deep, "[k]");
  set_ok (&tree, deep->str, "deep");
  g_string_append (deep, "[k]");
  g_assert_false (botbench_form_edit_set (&tree, deep->str, "v", &error));
  g_assert_error (error, BOTBENCH_FORM_EDIT_ERROR, BOTBENCH_FORM_EDIT_ERROR_INVALID_KEY);
  g_clear_error (&error);

  /* remove refuses appends */
  g_assert_false (botbench_form_edit_remove (&tree, "data[]", &error));
  g_assert_error (error, BOTBENCH_FORM_EDIT_ERROR, BOTBENCH_FORM_EDIT_ERROR_INVALID_KEY);
  g_clear_error (&error);

  /* what PHP does to names: spaces and dots become '_' at the top level
   * only, leading spaces go, brackets inside a key stay */
  set_ok (&tree, " x.y z", "1");
  g_assert_cmpstr (botbench_form_node_lookup_string (tree, "x_y_z", NULL), ==, "1");
  set_ok (&tree, "data[a.b c]", "2");
  g_assert_cmpstr (botbench_form_node_lookup_string (tree, "data", "a.b c", NULL), ==, "2");
  set_ok (&tree, "data[b[c]", "3");
  g_assert_cmpstr (botbench_form_node_lookup_string (tree, "data", "b[c", NULL), ==, "3");
  set_ok (&tree, "q]r[s]", "4");
  g_assert_cmpstr (botbench_form_node_lookup_string (tree, "q]r", "s", NULL), ==, "4");
  set_ok (&tree, "__Host-top", "5");
  g_assert_cmpstr (botbench_form_node_lookup_string (tree, "__Host-top", NULL), ==, "5");
  set_ok (&tree, "data[ ]", "appended");
  set_ok (&tree, "n[5]", "int key");
  g_assert_true (botbench_form_node_child_key_is_int (botbench_form_node_lookup (tree, "n"), 0));
  set_ok (&tree, "n[05]", "string key");
  g_assert_false (botbench_form_node_child_key_is_int (botbench_form_node_lookup (tree, "n"), 1));
  set_ok (&tree, "n[]", "after 5");
  g_assert_cmpstr (botbench_form_node_lookup_string (tree, "n", "6", NULL), ==, "after 5");

  /* a value over an array replaces it in place; a key under a string
   * turns the string into an array */
  set_ok (&tree, "auth", "flat");
  g_assert_cmpstr (botbench_form_node_lookup_string (tree, "auth", NULL), ==, "flat");
  set_ok (&tree, "auth[x]", "nested");
  g_assert_cmpstr (botbench_form_node_lookup_string (tree, "auth", "x", NULL), ==, "nested");
  remove_ok (&tree, "x_y_z");
  remove_ok (&tree, "data[b[c]");
  g_assert_null (botbench_form_node_lookup (botbench_form_node_lookup (tree, "data"), "b[c"));

  /* KEY=VALUE */
  g_assert_true (botbench_form_edit_parse_assignment ("data[PARAMS][MESSAGE]=Hi=there", &key, &value, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (key, ==, "data[PARAMS][MESSAGE]");
  g_assert_cmpstr (value, ==, "Hi=there");
  g_clear_pointer (&key, g_free);
  g_clear_pointer (&value, g_free);
  g_assert_true (botbench_form_edit_parse_assignment ("empty=", &key, &value, &error));
  g_assert_cmpstr (value, ==, "");
  g_assert_false (botbench_form_edit_parse_assignment ("no-equals", &key, &value, &error));
  g_assert_error (error, BOTBENCH_FORM_EDIT_ERROR, BOTBENCH_FORM_EDIT_ERROR_INVALID_KEY);
  g_clear_error (&error);
  g_assert_false (botbench_form_edit_parse_assignment ("a[b=c", &key, &value, &error));
  g_assert_error (error, BOTBENCH_FORM_EDIT_ERROR, BOTBENCH_FORM_EDIT_ERROR_INVALID_KEY);
  g_clear_error (&error);
}

/* dup_pairs () and set () are inverses. */
static void
test_pairs_rebuild (void)
{
  g_auto(GStrv) names = botbench_test_list_fixtures ();

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autoptr(BotbenchFormNode) tree = decode_fixture (names[i]);
      g_autoptr(BotbenchFormNode) rebuilt = NULL;
      g_auto(GStrv) pairs = botbench_form_edit_dup_pairs (tree);

      for (guint j = 0; pairs[j] != NULL; j += 2)
        set_ok (&rebuilt, pairs[j], pairs[j + 1]);
      assert_trees_equal (tree, rebuilt);
    }
}

/* More values than max_input_vars would not survive a decode. */
static void
test_too_many (void)
{
  g_autoptr(BotbenchFormNode) tree = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < BOTBENCH_POST_DEFAULT_MAX_INPUT_VARS; i++)
    {
      g_autofree char *key = g_strdup_printf ("v[%u]", i);

      g_assert_true (botbench_form_edit_set (&tree, key, "x", NULL));
    }
  assert_round_trip (tree);

  g_assert_false (botbench_form_edit_set (&tree, "v[]", "x", &error));
  g_assert_error (error, BOTBENCH_FORM_EDIT_ERROR, BOTBENCH_FORM_EDIT_ERROR_TOO_MANY);
  g_clear_error (&error);
  g_assert_false (botbench_form_edit_set (&tree, "w", "x", &error));
  g_assert_error (error, BOTBENCH_FORM_EDIT_ERROR, BOTBENCH_FORM_EDIT_ERROR_TOO_MANY);
  g_clear_error (&error);

  /* changing an existing value is fine */
  set_ok (&tree, "v[999]", "changed");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/form-edit/fixtures/round-trip", test_fixtures_round_trip);
  g_test_add_func ("/form-edit/tree/copy-on-write", test_copy_on_write);
  g_test_add_func ("/form-edit/tree/new", test_new_tree);
  g_test_add_func ("/form-edit/remove/prunes-empty-arrays", test_remove_prunes);
  g_test_add_func ("/form-edit/keys/odd", test_odd_keys);
  g_test_add_func ("/form-edit/pairs/rebuild", test_pairs_rebuild);
  g_test_add_func ("/form-edit/limits/max-input-vars", test_too_many);

  return g_test_run ();
}
