/* test-json.c: botbench_json_check/parse, the gate before json-glib
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every input is checked from an exact-length g_malloc() copy (ASan sees a
 * read past the end) and from a copy that ends where an unreadable page
 * starts (any build crashes on such a read).
 */
#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "botbench-core.h"
#include "botbench-test-utils.h"

/* Checks data[0..len) both ways; both must agree.  Returns the error code, -1 when accepted. */
static int
check_len (const char *data,
           gsize       len,
           guint       max_depth,
           char      **message)
{
  g_autofree char *exact = g_malloc (MAX (len, 1));
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) guarded_error = NULL;
  gboolean ok, guarded_ok;
  BotbenchGuarded g;

  if (len > 0)
    memcpy (exact, data, len);
  ok = botbench_json_check (exact, len, max_depth, &error);
  g_assert_true (ok == (error == NULL));

  botbench_test_guarded_init (&g, data, len);
  guarded_ok = botbench_json_check (g.data, len, max_depth, &guarded_error);
  botbench_test_guarded_clear (&g);
  g_assert_true (ok == guarded_ok);

  if (ok)
    return -1;

  g_assert_true (error->domain == BOTBENCH_JSON_ERROR);
  g_assert_cmpint (error->code, ==, guarded_error->code);
  g_assert_cmpstr (error->message, ==, guarded_error->message);
  if (message != NULL)
    *message = g_strdup (error->message);
  return error->code;
}

static int
check (const char *json)
{
  return check_len (json, strlen (json), BOTBENCH_JSON_MAX_DEPTH, NULL);
}

#define assert_valid(json) g_assert_cmpint (check (json), ==, -1)
#define assert_refused(json, code) g_assert_cmpint (check (json), ==, BOTBENCH_JSON_ERROR_##code)

static char *
nested (const char *open,
        const char *close,
        guint       depth,
        const char *inner)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < depth; i++)
    g_string_append (out, open);
  g_string_append (out, inner);
  for (guint i = 0; i < depth; i++)
    g_string_append (out, close);

  return g_string_free (out, FALSE);
}

/* Nesting depth of a json-glib tree, without recursion. */
static guint
tree_depth (JsonNode *root)
{
  g_autoptr(GPtrArray) nodes = g_ptr_array_new ();
  g_autoptr(GArray) depths = g_array_new (FALSE, FALSE, sizeof (guint));
  guint deepest = 0;
  guint zero = 0;

  g_ptr_array_add (nodes, root);
  g_array_append_val (depths, zero);

  while (nodes->len > 0)
    {
      JsonNode *node = g_ptr_array_steal_index (nodes, nodes->len - 1);
      guint depth = g_array_index (depths, guint, depths->len - 1);
      g_autoptr(GList) values = NULL;

      g_array_set_size (depths, depths->len - 1);

      if (JSON_NODE_HOLDS_ARRAY (node))
        {
          JsonArray *array = json_node_get_array (node);

          depth++;
          for (guint i = 0; i < json_array_get_length (array); i++)
            {
              g_ptr_array_add (nodes, json_array_get_element (array, i));
              g_array_append_val (depths, depth);
            }
        }
      else if (JSON_NODE_HOLDS_OBJECT (node))
        {
          depth++;
          values = json_object_get_values (json_node_get_object (node));
          for (const GList *l = values; l != NULL; l = l->next)
            {
              g_ptr_array_add (nodes, l->data);
              g_array_append_val (depths, depth);
            }
        }

      deepest = MAX (deepest, depth);
    }

  return deepest;
}

static void
test_valid (void)
{
  static const char * const docs[] = {
    "{}", "[]", "0", "-0", "1", "-1.5", "1e10", "1E-10", "2.5e+3", "123456789",
    "true", "false", "null", "\"\"", "\"text\"",
    " \t\r\n[ 1 , 2 ] \t\r\n",
    "{\"a\":1,\"b\":[true,false,null],\"c\":{\"d\":\"e\"}}",
    "[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"]",
    "[\"\\u0041\\u00e9\\u20AC\\ud83d\\ude00\"]",
    "[\"\\u0000\"]",
    "[\"é€😀\"]",
    "{\"\":{\"\":[]}}",
    "[[],[[]],{}]",
    "\xef\xbb\xbf{\"bom\":true}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (docs); i++)
    {
      g_autoptr(JsonNode) node = NULL;
      g_autoptr(GError) error = NULL;

      g_autofree char *escaped = g_strescape (docs[i], NULL);

      g_test_message ("%s", escaped);
      assert_valid (docs[i]);

      node = botbench_json_parse (docs[i], strlen (docs[i]), &error);
      g_assert_no_error (error);
      g_assert_nonnull (node);
    }
}

static void
test_parse_values (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) scalar = NULL;
  const char *text = "{\"CODE\":\"echo\",\"N\":[1,2.5,true,null],\"S\":\"a\\\"b\\u00e9\\ud83d\\ude00\"}";
  JsonObject *object;
  JsonArray *array;

  node = botbench_json_parse (text, strlen (text), &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  object = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (object, "CODE"), ==, "echo");
  g_assert_cmpstr (json_object_get_string_member (object, "S"), ==, "a\"bé😀");
  array = json_object_get_array_member (object, "N");
  g_assert_cmpuint (json_array_get_length (array), ==, 4);
  g_assert_cmpint (json_array_get_int_element (array, 0), ==, 1);
  g_assert_cmpfloat (json_array_get_double_element (array, 1), ==, 2.5);
  g_assert_true (json_array_get_boolean_element (array, 2));
  g_assert_true (json_array_get_null_element (array, 3));

  /* The root is ours and mutable. */
  json_object_set_string_member (object, "ADDED", "yes");
  g_assert_cmpstr (json_object_get_string_member (object, "ADDED"), ==, "yes");

  scalar = botbench_json_parse ("  42  ", 6, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_node_get_int (scalar), ==, 42);
}

static void
test_depth_limit (void)
{
  g_autofree char *arrays_512 = nested ("[", "]", 512, "");
  g_autofree char *arrays_513 = nested ("[", "]", 513, "");
  g_autofree char *objects_512 = nested ("{\"a\":", "}", 511, "{}");
  g_autofree char *objects_513 = nested ("{\"a\":", "}", 512, "{}");
  g_autofree char *mixed_513 = nested ("[{\"k\":", "}]", 256, "[1]");
  g_autofree char *message = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  assert_valid (arrays_512);
  assert_valid (objects_512);
  assert_refused (arrays_513, TOO_DEEP);
  assert_refused (objects_513, TOO_DEEP);
  assert_refused (mixed_513, TOO_DEEP);

  g_assert_cmpint (check_len (arrays_513, strlen (arrays_513), BOTBENCH_JSON_MAX_DEPTH, &message),
                   ==, BOTBENCH_JSON_ERROR_TOO_DEEP);
  g_assert_nonnull (strstr (message, "JSON nested deeper than 512 levels"));
  g_assert_nonnull (strstr (message, "byte 513"));

  /* The limit is the parameter; a scalar has no depth. */
  g_assert_cmpint (check_len ("[[]]", 4, 2, NULL), ==, -1);
  g_assert_cmpint (check_len ("[[]]", 4, 1, NULL), ==, BOTBENCH_JSON_ERROR_TOO_DEEP);
  g_assert_cmpint (check_len ("[]", 2, 0, NULL), ==, BOTBENCH_JSON_ERROR_TOO_DEEP);
  g_assert_cmpint (check_len ("\"[[[\"", 5, 0, NULL), ==, -1);
  g_assert_cmpint (check_len ("7", 1, 0, NULL), ==, -1);
  /* Siblings do not add up. */
  g_assert_cmpint (check_len ("[[],[],[[]]]", 12, 3, NULL), ==, -1);
  /* Far more levels than a stack of 512 bits, with a larger limit. */
  {
    g_autofree char *deep_5000 = nested ("[", "]", 5000, "");

    g_assert_cmpint (check_len (deep_5000, strlen (deep_5000), 5000, NULL), ==, -1);
    g_assert_cmpint (check_len (deep_5000, strlen (deep_5000), 4999, NULL), ==, BOTBENCH_JSON_ERROR_TOO_DEEP);
  }

  /* json-glib gets what the check let through, and builds exactly that. */
  node = botbench_json_parse (arrays_512, strlen (arrays_512), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tree_depth (node), ==, 512);
  g_clear_pointer (&node, json_node_unref);

  node = botbench_json_parse (objects_513, strlen (objects_513), &error);
  g_assert_null (node);
  g_assert_error (error, BOTBENCH_JSON_ERROR, BOTBENCH_JSON_ERROR_TOO_DEEP);
}

/* The reproducer of issue 8: python3 -c "print('['*100000+']'*100000)" */
static void
test_bomb (void)
{
  g_autofree char *bomb = nested ("[", "]", 100000, "");
  g_autofree char *bomb_nl = g_strconcat (bomb, "\n", NULL);
  g_autofree char *objects = nested ("{\"a\":", "}", 100000, "1");
  g_autofree char *unclosed = g_strnfill (100000, '[');
  g_autoptr(GError) error = NULL;
  JsonNode *node;

  g_assert_cmpint (check (bomb_nl), ==, BOTBENCH_JSON_ERROR_TOO_DEEP);
  g_assert_cmpint (check (objects), ==, BOTBENCH_JSON_ERROR_TOO_DEEP);
  g_assert_cmpint (check (unclosed), ==, BOTBENCH_JSON_ERROR_TOO_DEEP);

  node = botbench_json_parse (bomb_nl, strlen (bomb_nl), &error);
  g_assert_null (node);
  g_assert_error (error, BOTBENCH_JSON_ERROR, BOTBENCH_JSON_ERROR_TOO_DEEP);
  g_clear_error (&error);

  /* With no limit at all it is still one pass, no recursion, no crash. */
  g_assert_cmpint (check_len (bomb, strlen (bomb), G_MAXUINT, NULL), ==, -1);
  g_assert_cmpint (check_len (unclosed, strlen (unclosed), G_MAXUINT, NULL), ==, BOTBENCH_JSON_ERROR_INVALID);
}

static void
test_strings_hide_brackets (void)
{
  g_autofree char *deep_text = nested ("[", "]", 100000, "");
  g_autofree char *in_string = g_strconcat ("\"", deep_text, "\"", NULL);
  g_autofree char *in_key = g_strconcat ("{\"", deep_text, "\":[\"", deep_text, "\"]}", NULL);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  assert_valid ("[\"[\", \"]\", \"{\", \"}\"]");
  assert_valid ("{\"]}\":\"[{\"}");
  assert_valid (in_string);
  assert_valid (in_key);

  node = botbench_json_parse (in_key, strlen (in_key), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tree_depth (node), ==, 2);

  /* A bracket in a string closes nothing. */
  assert_refused ("[\"]\"", INVALID);
  assert_refused ("{\"a\":\"}\"", INVALID);
}

static void
test_escaped_quotes (void)
{
  g_autofree char *deep = nested ("[", "]", 600, "");
  g_autofree char *after_escaped_quote = g_strconcat ("[\"\\\"\",", deep, "]", NULL);
  g_autofree char *after_backslash = g_strconcat ("[\"\\\\\",", deep, "]", NULL);

  assert_valid ("[\"a\\\"b\"]");
  assert_valid ("[\"\\\\\"]");
  assert_valid ("[\"\\\\\\\"\"]");
  assert_valid ("{\"\\\"\":\"\\\\\"}");
  /* "\"] is an unterminated string: the quote is escaped. */
  assert_refused ("[\"\\\"]", INVALID);
  assert_refused ("\"\\\"", INVALID);

  /* An escaped quote does not end the string; an escaped backslash does
   * not escape the quote after it.  Either way the brackets are counted. */
  assert_refused (after_escaped_quote, TOO_DEEP);
  assert_refused (after_backslash, TOO_DEEP);
}

/* What json-glib 1.6 reads differently: refused before it gets a chance. */
static void
test_lenient_forms_refused (void)
{
  static const char * const docs[] = {
    "{'a':1}", "['[']", "/* c */[]", "// c\n[]", "[] /* c */", "var x = [];",
    "0x10", "[0x10]", "[01]", "[.5]", "[+1]", "[1.]", "[1e]", "[-]", "[NaN]", "[Infinity]",
    "[1,]", "{\"a\":1,}", "[,1]", "[1 2]", "{\"a\" 1}", "{1:2}", "{\"a\"}", "{\"a\":}",
    "[True]", "[nul]", "[truex]", "[nullnull]", "[undefined]", "abc",
    "[\"\\x41\"]", "[\"\\u12\"]", "[\"\\u12G4\"]", "[\"\\U0041\"]", "[\"\\'\"]",
    "[\"\\uD800\"]", "[\"\\uDC00\"]", "[\"\\uD800\\u0041\"]", "[\"\\uD800x\"]", "[\"\\uDBFF\\uDBFF\"]",
    "[\"a\tb\"]", "[\"a\nb\"]", "[\"\x01\"]", "[\"\x1f\"]",
    "[\"\xff\"]", "[\"\xc0\xaf\"]", "[\"\xe0\x80\xaf\"]", "[\"\xed\xa0\x80\"]", "[\"\xf4\x90\x80\x80\"]",
    "[\"\xf8\x88\x80\x80\x80\"]", "[\"\x80\"]", "[\"\xc3\"]", "[\xc3\xa9]", "\xef\xbb[]",
    "]", "}", ",", ":", "[}", "{]", "[[]", "[]]",
  };

  for (guint i = 0; i < G_N_ELEMENTS (docs); i++)
    {
      g_autofree char *escaped = g_strescape (docs[i], NULL);
      int code = check (docs[i]);

      g_test_message ("%s", escaped);
      g_assert_cmpint (code, !=, -1);
      g_assert_true (code == BOTBENCH_JSON_ERROR_INVALID || code == BOTBENCH_JSON_ERROR_TRAILING_DATA);
    }

  /* The divergences that would hide nesting from a lax scanner: json-glib
   * reads "\uD800", as a string that swallows its closing quote, and
   * '"' as a string; either way the brackets after it are structure. */
  {
    g_autofree char *deep = nested ("[", "]", 100000, "");
    g_autofree char *lone = g_strconcat ("[\"\\uD800\", \"", deep, "\"]", NULL);
    g_autofree char *short_u = g_strconcat ("[\"\\u12\", \"", deep, "\"]", NULL);
    g_autofree char *single = g_strconcat ("['\"', ", deep, ", '\"']", NULL);
    g_autofree char *comment = g_strconcat ("[/* \" */ ", deep, " /* \" */]", NULL);
    g_autoptr(GError) error = NULL;

    assert_refused (lone, INVALID);
    assert_refused (short_u, INVALID);
    assert_refused (single, INVALID);
    assert_refused (comment, INVALID);
    g_assert_null (botbench_json_parse (lone, strlen (lone), &error));
    g_assert_error (error, BOTBENCH_JSON_ERROR, BOTBENCH_JSON_ERROR_INVALID);
  }
}

static void
test_trailing_data (void)
{
  g_autofree char *message = NULL;
  g_autofree char *nl_message = NULL;
  g_autoptr(GError) error = NULL;

  assert_valid ("{} ");
  assert_valid ("[]\n\n\t\r\n  ");
  assert_valid ("  \"x\"  ");

  assert_refused ("{}{}", TRAILING_DATA);
  assert_refused ("{\"a\":1}{\"b\":2}", TRAILING_DATA);
  assert_refused ("[] []", TRAILING_DATA);
  assert_refused ("1 2", TRAILING_DATA);
  assert_refused ("\"a\"\"b\"", TRAILING_DATA);
  assert_refused ("null,", TRAILING_DATA);
  assert_refused ("{}]", TRAILING_DATA);
  assert_refused ("[] // comment", TRAILING_DATA);
  assert_refused ("[];", TRAILING_DATA);
  assert_refused ("[]\x0b", TRAILING_DATA);

  g_assert_cmpint (check_len ("{}{}", 4, BOTBENCH_JSON_MAX_DEPTH, &message), ==,
                   BOTBENCH_JSON_ERROR_TRAILING_DATA);
  g_assert_nonnull (strstr (message, "Unexpected data after the JSON value at byte 3"));

  g_assert_cmpint (check_len ("[1]\n  x", 7, BOTBENCH_JSON_MAX_DEPTH, &nl_message), ==,
                   BOTBENCH_JSON_ERROR_TRAILING_DATA);
  g_assert_nonnull (strstr (nl_message, "byte 7 (line 2, column 3)"));

  /* json-glib would keep the second value and leak the first. */
  g_assert_null (botbench_json_parse ("{\"a\":1}{\"b\":2}", 14, &error));
  g_assert_error (error, BOTBENCH_JSON_ERROR, BOTBENCH_JSON_ERROR_TRAILING_DATA);
}

static void
test_nul_bytes (void)
{
  static const struct { const char *data; gsize len; int code; } cases[] = {
    { "\0", 1, BOTBENCH_JSON_ERROR_INVALID },
    { "\0[]", 3, BOTBENCH_JSON_ERROR_INVALID },
    { "[\0]", 3, BOTBENCH_JSON_ERROR_INVALID },
    { "[1,\0 2]", 7, BOTBENCH_JSON_ERROR_INVALID },
    { "\"a\0b\"", 5, BOTBENCH_JSON_ERROR_INVALID },
    { "{\"a\0\":1}", 8, BOTBENCH_JSON_ERROR_INVALID },
    { "[]\0", 3, BOTBENCH_JSON_ERROR_TRAILING_DATA },
    { "{}\0{}", 5, BOTBENCH_JSON_ERROR_TRAILING_DATA },
    { "tr\0e", 4, BOTBENCH_JSON_ERROR_INVALID },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *message = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_cmpint (check_len (cases[i].data, cases[i].len, BOTBENCH_JSON_MAX_DEPTH, &message),
                       ==, cases[i].code);
      g_assert_null (botbench_json_parse (cases[i].data, cases[i].len, &error));
      g_assert_nonnull (error);
      if (cases[i].code == BOTBENCH_JSON_ERROR_INVALID)
        g_assert_nonnull (strstr (message, "NUL"));
    }
}

static void
test_empty (void)
{
  g_autofree char *message = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (check_len (NULL, 0, BOTBENCH_JSON_MAX_DEPTH, &message), ==, BOTBENCH_JSON_ERROR_INVALID);
  g_assert_nonnull (strstr (message, "empty"));
  assert_refused (" ", INVALID);
  assert_refused (" \t\r\n ", INVALID);
  assert_refused ("\xef\xbb\xbf", INVALID);
  assert_refused ("\xef\xbb\xbf  ", INVALID);

  g_assert_null (botbench_json_parse (NULL, 0, &error));
  g_assert_error (error, BOTBENCH_JSON_ERROR, BOTBENCH_JSON_ERROR_INVALID);
}

/* Every proper prefix of a document that cannot end early is refused, and
 * no byte past the prefix is read (the guarded copy would fault). */
static void
test_truncated (void)
{
  static const char * const docs[] = {
    "{\"CODE\":\"echo\",\"LIST\":[1,-2.5e+3,true,false,null,\"\\u00e9\\ud83d\\ude00\\\"\"],\"X\":{}}",
    "[\"é€😀\", {\"k\": [[[]]]}]",
    "\"\\\\\\\"\"",
    "\xef\xbb\xbf[{}]",
  };

  for (guint d = 0; d < G_N_ELEMENTS (docs); d++)
    {
      gsize len = strlen (docs[d]);

      g_assert_cmpint (check_len (docs[d], len, BOTBENCH_JSON_MAX_DEPTH, NULL), ==, -1);
      for (gsize n = 0; n < len; n++)
        {
          g_autofree char *message = NULL;

          g_assert_cmpint (check_len (docs[d], n, BOTBENCH_JSON_MAX_DEPTH, &message),
                           ==, BOTBENCH_JSON_ERROR_INVALID);
        }
    }

  {
    g_autofree char *message = NULL;

    g_assert_cmpint (check_len ("[\"abc", 5, BOTBENCH_JSON_MAX_DEPTH, &message), ==, BOTBENCH_JSON_ERROR_INVALID);
    g_assert_nonnull (strstr (message, "inside a string"));
  }
}

static void
test_error_positions (void)
{
  g_autofree char *message = NULL;
  g_autofree char *message2 = NULL;

  const char *doc = "{\n  \"a\": 1,\n  'b': 2\n}";

  g_assert_cmpint (check_len (doc, strlen (doc), BOTBENCH_JSON_MAX_DEPTH, &message),
                   ==, BOTBENCH_JSON_ERROR_INVALID);
  g_assert_nonnull (strstr (message, "byte 15 (line 3, column 3)"));

  g_assert_cmpint (check_len ("[1, 2", 5, BOTBENCH_JSON_MAX_DEPTH, &message2), ==, BOTBENCH_JSON_ERROR_INVALID);
  g_assert_nonnull (strstr (message2, "after 5 bytes"));
}

/* Random short strings over JSON's own alphabet: whatever the check
 * accepts, json-glib parses, never deeper than the limit. */
static void
test_random_agreement (void)
{
  static const char * const pieces[] = {
    "[", "]", "{", "}", "\"", "\\", ",", ":", " ", "1", "0", "-", ".", "e",
    "true", "null", "\\u", "D8", "00", "'", "/", "*", "x",
  };
  GRand *rand = g_rand_new_with_seed (8);
  guint accepted = 0;

  for (guint n = 0; n < 20000; n++)
    {
      g_autoptr(GString) doc = g_string_new (NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonParser) parser = json_parser_new ();
      guint pieces_n = g_rand_int_range (rand, 1, 14);

      for (guint k = 0; k < pieces_n; k++)
        g_string_append (doc, pieces[g_rand_int_range (rand, 0, G_N_ELEMENTS (pieces))]);

      if (check_len (doc->str, doc->len, 3, NULL) != -1)
        continue;

      accepted++;
      json_parser_load_from_data (parser, doc->str, doc->len, &error);
      g_assert_no_error (error);
      g_assert_nonnull (json_parser_get_root (parser));
      g_assert_cmpuint (tree_depth (json_parser_get_root (parser)), <=, 3);
    }

  g_test_message ("%u of 20000 random strings were JSON", accepted);
  g_assert_cmpuint (accepted, >, 100);
  g_rand_free (rand);
}

static void
test_read_file (void)
{
  g_autofree char *dir = botbench_test_make_tmp_dir ();
  g_autofree char *small = g_build_filename (dir, "small.json", NULL);
  g_autofree char *exact = g_build_filename (dir, "exact.json", NULL);
  g_autofree char *sparse = g_build_filename (dir, "sparse.json", NULL);
  g_autofree char *deep = g_build_filename (dir, "deep.json", NULL);
  g_autofree char *twice = g_build_filename (dir, "twice.json", NULL);
  g_autofree char *bomb = nested ("[", "]", 100000, "\n");
  g_autoptr(GFile) small_file = g_file_new_for_path (small);
  g_autoptr(GFile) exact_file = g_file_new_for_path (exact);
  g_autoptr(GFile) sparse_file = g_file_new_for_path (sparse);
  g_autoptr(GFile) deep_file = g_file_new_for_path (deep);
  g_autoptr(GFile) twice_file = g_file_new_for_path (twice);
  g_autoptr(GFile) missing = g_file_new_for_path ("/nonexistent/x.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonNode) node = NULL;
  int fd;

  g_assert_true (g_file_set_contents (small, "{\"a\":[1,2]}", -1, NULL));
  g_assert_true (g_file_set_contents (exact, "[1,2,3,4]", -1, NULL));
  g_assert_true (g_file_set_contents (deep, bomb, -1, NULL));
  g_assert_true (g_file_set_contents (twice, "{\"a\":1}\n{\"a\":2}\n", -1, NULL));

  node = botbench_json_parse_file (small_file, 1024, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  g_clear_pointer (&node, json_node_unref);

  /* Exactly the limit is fine; one byte less than the file is not. */
  bytes = botbench_json_read_file (exact_file, 9, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (bytes), ==, 9);
  g_assert_null (botbench_json_read_file (exact_file, 8, NULL, &error));
  g_assert_error (error, BOTBENCH_JSON_ERROR, BOTBENCH_JSON_ERROR_TOO_LARGE);
  g_clear_error (&error);

  /* 1 GiB of nothing: refused from its size, not read. */
  fd = g_open (sparse, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, (off_t)1 << 30), ==, 0);
  close (fd);
  g_assert_null (botbench_json_read_file (sparse_file, 16 * 1024 * 1024, NULL, &error));
  g_assert_error (error, BOTBENCH_JSON_ERROR, BOTBENCH_JSON_ERROR_TOO_LARGE);
  /* GLib puts a no-break space between number and unit. */
  g_assert_nonnull (strstr (error->message, "1.0\u00a0GiB"));
  g_assert_nonnull (strstr (error->message, "16.0\u00a0MiB"));
  g_clear_error (&error);

  g_assert_null (botbench_json_parse_file (deep_file, 1024 * 1024, NULL, &error));
  g_assert_error (error, BOTBENCH_JSON_ERROR, BOTBENCH_JSON_ERROR_TOO_DEEP);
  g_assert_true (g_str_has_prefix (error->message, deep));
  g_clear_error (&error);

  g_assert_null (botbench_json_parse_file (twice_file, 1024, NULL, &error));
  g_assert_error (error, BOTBENCH_JSON_ERROR, BOTBENCH_JSON_ERROR_TRAILING_DATA);
  g_clear_error (&error);

  g_assert_null (botbench_json_parse_file (missing, 1024, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);

  botbench_test_rm_rf (dir);
}

static gpointer
fifo_writer (gpointer data)
{
  const char *path = data;
  g_autofree char *doc = g_strnfill (302, ' ');
  int fd = g_open (path, O_WRONLY, 0);

  doc[0] = '[';
  doc[301] = ']';
  g_assert_cmpint (fd, >=, 0);
  /* One write under PIPE_BUF: all in the pipe before the reader can give
   * up and close its end (no SIGPIPE). */
  g_assert_cmpint (write (fd, doc, 302), ==, 302);
  close (fd);
  return NULL;
}

/* A FIFO says it is empty; the cap holds while reading. */
static void
test_read_fifo (void)
{
  g_autofree char *dir = botbench_test_make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "pipe.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  GThread *writer;

  g_assert_cmpint (mkfifo (path, 0600), ==, 0);

  writer = g_thread_new ("fifo-writer", fifo_writer, path);
  g_assert_null (botbench_json_read_file (file, 100, NULL, &error));
  g_assert_error (error, BOTBENCH_JSON_ERROR, BOTBENCH_JSON_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "holds more than"));
  g_thread_join (writer);
  g_clear_error (&error);

  writer = g_thread_new ("fifo-writer", fifo_writer, path);
  {
    g_autoptr(GBytes) bytes = botbench_json_read_file (file, 302, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (g_bytes_get_size (bytes), ==, 302);
  }
  g_thread_join (writer);

  botbench_test_rm_rf (dir);
}

/* The one escaper: valid JSON for any bytes, never read past len. */
static void
test_append_string (void)
{
  static const char bytes[] = "a\0b\xff\\\"\n\x01\x7f\xc3\xa9";
  GString *out = g_string_new (NULL);
  g_autofree char *pairs = NULL;
  g_auto(GStrv) back = NULL;
  const char * const headers[] = { "X-A", "1\t2", "X-\"B\"", "", NULL };

  botbench_json_append_string (out, bytes, sizeof bytes - 1);
  g_assert_cmpstr (out->str, ==, "\"a\xef\xbf\xbd" "b\xef\xbf\xbd\\\\\\\"\\n\\u0001\\u007f\xc3\xa9\"");
  g_assert_true (botbench_json_check (out->str, out->len, 1, NULL));

  /* len stops before the end of the string. */
  g_string_truncate (out, 0);
  botbench_json_append_string (out, "abcdef", 3);
  botbench_json_append_string (out, NULL, -1);
  g_assert_cmpstr (out->str, ==, "\"abc\"\"\"");
  g_string_free (out, TRUE);

  pairs = botbench_json_dup_string_pairs (headers);
  g_assert_cmpstr (pairs, ==, "[[\"X-A\",\"1\\t2\"],[\"X-\\\"B\\\"\",\"\"]]");
  back = botbench_json_parse_string_pairs (pairs);
  g_assert_cmpstrv (back, headers);
  g_clear_pointer (&back, g_strfreev);
  back = botbench_json_parse_string_pairs ("[[\"a\",1],[\"b\",\"c\"],7]");
  g_assert_cmpuint (g_strv_length (back), ==, 2);
  g_assert_cmpstr (back[0], ==, "b");
  g_clear_pointer (&back, g_strfreev);
  back = botbench_json_parse_string_pairs ("not json");
  g_assert_cmpuint (g_strv_length (back), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/json/valid", test_valid);
  g_test_add_func ("/json/parse-values", test_parse_values);
  g_test_add_func ("/json/depth-limit", test_depth_limit);
  g_test_add_func ("/json/bomb", test_bomb);
  g_test_add_func ("/json/strings-hide-brackets", test_strings_hide_brackets);
  g_test_add_func ("/json/escaped-quotes", test_escaped_quotes);
  g_test_add_func ("/json/lenient-forms-refused", test_lenient_forms_refused);
  g_test_add_func ("/json/trailing-data", test_trailing_data);
  g_test_add_func ("/json/nul-bytes", test_nul_bytes);
  g_test_add_func ("/json/empty", test_empty);
  g_test_add_func ("/json/truncated", test_truncated);
  g_test_add_func ("/json/error-positions", test_error_positions);
  g_test_add_func ("/json/random-agreement", test_random_agreement);
  g_test_add_func ("/json/read-file", test_read_file);
  g_test_add_func ("/json/read-fifo", test_read_fifo);
  g_test_add_func ("/json/write/string", test_append_string);

  return g_test_run ();
}
