/* test-form.c: BotbenchFormNode and the form decoders
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The expected values here were checked against PHP 8.2: the edge-case
 * table tests/php/form-cases.txt is also run through php by
 * test-form-php.c, and the multipart expectations were taken from a real
 * $_POST (php -S).
 */
#define G_LOG_DOMAIN "test-form"

#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "botbench-post-decoder.h"
#include "botbench-test-utils.h"

typedef struct
{
  guint  line;
  char  *content_type;      /* multipart/cases.txt only */
  char  *body;
  gsize  body_len;
  char  *expected;
} FormCase;

/* Helpers {{{ */

static char *
decode_to_json (const char *body,
                gsize       len)
{
  g_autoptr(BotbenchFormNode) root = botbench_post_decode_urlencoded (body, len);

  g_assert_nonnull (root);
  g_assert_cmpint (botbench_form_node_get_node_type (root), ==, BOTBENCH_FORM_NODE_ARRAY);

  return botbench_form_node_to_json (root);
}

static void
assert_decodes_to (const char *body,
                   const char *expected)
{
  g_autofree char *json = decode_to_json (body, strlen (body));

  g_assert_cmpstr (json, ==, expected);
}

static BotbenchFormNode *
decode_fixture (const char *name)
{
  g_autoptr(GBytes) bytes = botbench_test_load_fixture (name);
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  return botbench_post_decode (data, len, "application/x-www-form-urlencoded", NULL);
}

static BotbenchFormNode *
lookup_path (BotbenchFormNode  *node,
             const char *const *path)
{
  for (guint i = 0; node != NULL && path[i] != NULL; i++)
    node = botbench_form_node_lookup (node, path[i]);

  return node;
}

/* Undoes the \xHH and \\ escapes of form-cases.txt (and \r, \n of
 * multipart/cases.txt). */
static char *
unescape_body (const char *text,
               gsize      *len)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (p[0] == '\\' && p[1] == '\\')
        {
          g_string_append_c (out, '\\');
          p++;
        }
      else if (p[0] == '\\' && (p[1] == 'r' || p[1] == 'n'))
        {
          g_string_append_c (out, p[1] == 'r' ? '\r' : '\n');
          p++;
        }
      else if (p[0] == '\\' && p[1] == 'x' &&
               g_ascii_isxdigit (p[2]) && g_ascii_isxdigit (p[3]))
        {
          g_string_append_c (out, (char)(g_ascii_xdigit_value (p[2]) * 16 +
                                         g_ascii_xdigit_value (p[3])));
          p += 3;
        }
      else
        {
          g_assert_false (p[0] == '\\');
          g_string_append_c (out, *p);
        }
    }

  *len = out->len;
  return g_string_free (out, FALSE);
}

static void
form_case_free (gpointer data)
{
  FormCase *fc = data;

  g_free (fc->content_type);
  g_free (fc->body);
  g_free (fc->expected);
  g_free (fc);
}

static GPtrArray *
load_form_cases (void)
{
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  GPtrArray *cases = g_ptr_array_new_with_free_func (form_case_free);

  path = g_test_build_filename (G_TEST_DIST, "php", "form-cases.txt", NULL);
  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);

  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      FormCase *fc;
      char *tab;

      if (lines[i][0] == '#' || lines[i][0] == '\0')
        continue;

      tab = strchr (lines[i], '\t');
      g_assert_nonnull (tab);
      *tab = '\0';

      fc = g_new0 (FormCase, 1);
      fc->line = i + 1;
      fc->body = unescape_body (lines[i], &fc->body_len);
      fc->expected = g_strdup (tab + 1);
      g_ptr_array_add (cases, fc);
    }

  return cases;
}

/* tests/fixtures/multipart/cases.txt: CONTENT-TYPE <TAB> BODY <TAB> EXPECTED */
static GPtrArray *
load_multipart_cases (void)
{
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  GPtrArray *cases = g_ptr_array_new_with_free_func (form_case_free);

  path = g_test_build_filename (G_TEST_DIST, "fixtures", "multipart", "cases.txt", NULL);
  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);

  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      FormCase *fc;
      gsize ct_len;
      char *tab;
      char *tab2;

      if (lines[i][0] == '#' || lines[i][0] == '\0')
        continue;

      tab = strchr (lines[i], '\t');
      g_assert_nonnull (tab);
      tab2 = strchr (tab + 1, '\t');
      g_assert_nonnull (tab2);
      *tab = '\0';
      *tab2 = '\0';

      fc = g_new0 (FormCase, 1);
      fc->line = i + 1;
      fc->content_type = unescape_body (lines[i], &ct_len);
      fc->body = unescape_body (tab + 1, &fc->body_len);
      fc->expected = g_strdup (tab2 + 1);
      g_ptr_array_add (cases, fc);
    }

  return cases;
}

/* Decodes a copy of body in a block of exactly len bytes, so that a read
 * past the end shows up under ASan and valgrind.  An error (PHP refuses
 * the Content-Type and leaves $_POST empty) is "[]". */
static char *
multipart_decode_exact (const char *body,
                        gsize       len,
                        const char *content_type)
{
  g_autofree char *copy = len > 0 ? g_memdup2 (body, len) : NULL;
  g_autoptr(BotbenchFormNode) root = NULL;
  g_autoptr(GError) error = NULL;

  root = botbench_post_decode (copy, len, content_type, &error);
  if (root == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (g_error_matches (error, BOTBENCH_POST_ERROR, BOTBENCH_POST_ERROR_MALFORMED) ||
                     g_error_matches (error, BOTBENCH_POST_ERROR, BOTBENCH_POST_ERROR_UNSUPPORTED));
      return g_strdup ("[]");
    }

  g_assert_no_error (error);
  g_assert_cmpint (botbench_form_node_get_node_type (root), ==, BOTBENCH_FORM_NODE_ARRAY);
  return botbench_form_node_to_json (root);
}

static GString *
multipart_body (const char *boundary,
                ...)
{
  GString *out = g_string_new (NULL);
  const char *headers;
  va_list args;

  /* pairs of (part headers, part body), NULL-terminated */
  va_start (args, boundary);
  while ((headers = va_arg (args, const char *)) != NULL)
    {
      const char *value = va_arg (args, const char *);

      g_string_append_printf (out, "--%s\r\n%s\r\n\r\n%s\r\n", boundary, headers, value);
    }
  va_end (args);
  g_string_append_printf (out, "--%s--\r\n", boundary);

  return out;
}

static char *
multipart_to_json (GString    *body,
                   const char *content_type)
{
  g_autoptr(BotbenchFormNode) root = NULL;
  g_autoptr(GError) error = NULL;

  root = botbench_post_decode (body->str, body->len, content_type, &error);
  g_assert_no_error (error);
  g_assert_nonnull (root);

  return botbench_form_node_to_json (root);
}

/* }}} */

/* Fixtures {{{ */

typedef struct
{
  const char *fixture;
  const char *path[6];
  const char *expected;   /* a string leaf; or "{}" / "[]" for an object / a list */
} FixtureCheck;

static const FixtureCheck fixture_checks[] = {
  { "ONIMBOTMESSAGEADD", { "event" }, "ONIMBOTMESSAGEADD" },
  { "ONIMBOTMESSAGEADD", { "event_handler_id" }, "403" },
  { "ONIMBOTMESSAGEADD", { "data", "BOT", "567", "BOT_CODE" }, "echo_bot" },
  { "ONIMBOTMESSAGEADD", { "data", "BOT", "567", "BOT_ID" }, "567" },
  { "ONIMBOTMESSAGEADD", { "data", "BOT", "567", "AUTH", "user_id" }, "567" },
  { "ONIMBOTMESSAGEADD", { "data", "BOT" }, "{}" },
  { "ONIMBOTMESSAGEADD", { "data", "PARAMS", "MESSAGE" }, "Hello, bot!" },
  { "ONIMBOTMESSAGEADD", { "data", "PARAMS", "DIALOG_ID" }, "27" },
  { "ONIMBOTMESSAGEADD", { "data", "USER", "NAME" }, "Svetlana Ivanova" },
  { "ONIMBOTMESSAGEADD", { "data", "USER", "WORK_POSITION" }, "" },
  { "ONIMBOTMESSAGEADD", { "auth", "client_endpoint" }, "https://example.bitrix24.com/rest/" },
  { "ONIMBOTMESSAGEADD", { "ts" }, "1771928985" },
  { "ONIMBOTMESSAGEUPDATE", { "data", "PARAMS", "MESSAGE" }, "How to add an observer to the task?" },
  { "ONIMBOTMESSAGEUPDATE", { "data", "PARAMS", "ID" }, "84531" },
  { "ONIMBOTMESSAGEUPDATE", { "data", "BOT", "567", "BOT_CODE" }, "echo_bot" },
  { "ONIMBOTMESSAGEDELETE", { "data", "PARAMS", "MESSAGE" }, "Message from 02/26/2026 09:27:30 has been deleted" },
  { "ONIMBOTMESSAGEDELETE", { "data", "PARAMS", "CHAT_ENTITY_ID" }, "" },
  { "ONIMBOTJOINCHAT", { "data", "PARAMS", "CHAT_TYPE" }, "P" },
  { "ONIMBOTJOINCHAT", { "data", "PARAMS", "USER_ID" }, "27" },
  { "ONIMBOTJOINCHAT", { "data", "BOT", "567", "BOT_CODE" }, "echo_bot" },
  { "ONIMBOTDELETE", { "data", "BOT_ID" }, "567" },
  { "ONIMBOTDELETE", { "data", "BOT_CODE" }, "echo_bot" },
  { "ONIMBOTDELETE", { "data" }, "{}" },
  { "ONIMCOMMANDADD", { "data", "PARAMS", "MESSAGE" }, "/echo test" },
  { "ONIMCOMMANDADD", { "data", "COMMAND", "103", "COMMAND" }, "echo" },
  { "ONIMCOMMANDADD", { "data", "COMMAND", "103", "COMMAND_PARAMS" }, "test" },
  { "ONIMCOMMANDADD", { "data", "COMMAND", "103", "BOT_CODE" }, "echo_bot" },
  { "ONIMCOMMANDADD", { "data", "COMMAND" }, "{}" },
  { "ONAPPINSTALL", { "data", "VERSION" }, "1" },
  { "ONAPPINSTALL", { "data", "LANGUAGE_ID" }, "en" },
  { "ONAPPINSTALL", { "auth", "application_token" }, NULL },   /* present, any value */
};

static void
test_fixtures_all (void)
{
  g_auto(GStrv) names = botbench_test_list_fixtures ();

  g_assert_cmpuint (g_strv_length (names), >=, 7);

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autoptr(BotbenchFormNode) root = decode_fixture (names[i]);
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      g_autofree char *json = NULL;
      JsonObject *object;
      guint n_checks = 0;

      g_test_message ("fixture %s", names[i]);
      g_assert_nonnull (root);

      /* every event has these, as strings or arrays */
      g_assert_cmpstr (botbench_form_node_lookup_string (root, "event", NULL), ==, names[i]);
      g_assert_nonnull (botbench_form_node_lookup_string (root, "ts", NULL));
      g_assert_nonnull (botbench_form_node_lookup_string (root, "auth", "domain", NULL));
      g_assert_nonnull (botbench_form_node_lookup (root, "data"));
      g_assert_cmpint (botbench_form_node_get_node_type (botbench_form_node_lookup (root, "data")),
                       ==, BOTBENCH_FORM_NODE_ARRAY);
      g_assert_cmpstr (botbench_form_node_get_child_key (root, 0), ==, "event");

      /* the JSON is valid, and an object at the top */
      json = botbench_form_node_to_json (root);
      json_parser_load_from_data (parser, json, -1, &error);
      g_assert_no_error (error);
      g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
      object = json_node_get_object (json_parser_get_root (parser));
      g_assert_cmpstr (json_object_get_string_member (object, "event"), ==, names[i]);
      g_assert_true (JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, "data")));

      for (guint j = 0; j < G_N_ELEMENTS (fixture_checks); j++)
        {
          const FixtureCheck *check = &fixture_checks[j];
          BotbenchFormNode *node;

          if (g_strcmp0 (check->fixture, names[i]) != 0)
            continue;

          n_checks++;
          node = lookup_path (root, check->path);
          g_assert_nonnull (node);

          if (check->expected == NULL)
            {
              g_assert_cmpint (botbench_form_node_get_node_type (node), ==, BOTBENCH_FORM_NODE_STRING);
            }
          else if (g_str_equal (check->expected, "{}") || g_str_equal (check->expected, "[]"))
            {
              g_autofree char *sub = botbench_form_node_to_json (node);

              g_assert_cmpint (botbench_form_node_get_node_type (node), ==, BOTBENCH_FORM_NODE_ARRAY);
              g_assert_cmpint (sub[0], ==, check->expected[0]);
            }
          else
            {
              g_assert_cmpint (botbench_form_node_get_node_type (node), ==, BOTBENCH_FORM_NODE_STRING);
              g_assert_cmpstr (botbench_form_node_get_string (node, NULL), ==, check->expected);
            }
        }

      /* every fixture we ship is covered by the table */
      g_assert_cmpuint (n_checks, >, 0);
    }
}

static void
test_fixture_message_add (void)
{
  g_autoptr(BotbenchFormNode) root = decode_fixture ("ONIMBOTMESSAGEADD");
  BotbenchFormNode *bot;
  BotbenchFormNode *entry;

  g_assert_cmpstr (botbench_form_node_lookup_string (root, "data", "BOT", "567", "BOT_CODE", NULL),
                   ==, "echo_bot");
  g_assert_cmpstr (botbench_form_node_lookup_string (root, "data", "PARAMS", "MESSAGE", NULL),
                   ==, "Hello, bot!");

  /* data[BOT] is keyed by the bot id: one integer key, not a list */
  bot = lookup_path (root, (const char *[]) { "data", "BOT", NULL });
  g_assert_cmpuint (botbench_form_node_get_n_children (bot), ==, 1);
  g_assert_cmpstr (botbench_form_node_get_child_key (bot, 0), ==, "567");
  g_assert_true (botbench_form_node_child_key_is_int (bot, 0));
  entry = botbench_form_node_get_child (bot, 0);
  g_assert_true (entry == botbench_form_node_lookup (bot, "567"));
  g_assert_cmpstr (botbench_form_node_get_child_key (entry, 0), ==, "access_token");
  g_assert_false (botbench_form_node_child_key_is_int (entry, 0));

  /* wrong paths */
  g_assert_null (botbench_form_node_lookup_string (root, "data", "BOT", NULL));
  g_assert_null (botbench_form_node_lookup_string (root, "data", "PARAMS", "MESSAGE", "x", NULL));
  g_assert_null (botbench_form_node_lookup_string (root, "data", "bot", "567", "BOT_CODE", NULL));
  g_assert_null (botbench_form_node_lookup_string (root, "data", "BOT", "0567", "BOT_CODE", NULL));
}

/* }}} */

/* Edge cases, checked against PHP {{{ */

static void
test_form_case (gconstpointer data)
{
  const FormCase *fc = data;
  g_autofree char *json = decode_to_json (fc->body, fc->body_len);

  if (g_strcmp0 (json, fc->expected) != 0)
    g_test_message ("form-cases.txt line %u", fc->line);
  g_assert_cmpstr (json, ==, fc->expected);
}

static void
test_lists_and_objects (void)
{
  assert_decodes_to ("a[]=x&a[]=y", "{\"a\":[\"x\",\"y\"]}");
  assert_decodes_to ("a[0]=x&a[1]=y", "{\"a\":[\"x\",\"y\"]}");
  assert_decodes_to ("a[1]=x&a[0]=y", "{\"a\":{\"1\":\"x\",\"0\":\"y\"}}");
  assert_decodes_to ("a[1]=x", "{\"a\":{\"1\":\"x\"}}");
  assert_decodes_to ("a[0]=x&a[b]=y", "{\"a\":{\"0\":\"x\",\"b\":\"y\"}}");
  assert_decodes_to ("0=x", "[\"x\"]");
  assert_decodes_to ("", "[]");
}

static void
test_max_input_vars (void)
{
  g_autoptr(GString) body = g_string_new (NULL);
  g_autoptr(BotbenchFormNode) root = NULL;
  g_autoptr(BotbenchFormNode) root2 = NULL;
  g_autoptr(BotbenchFormNode) root3 = NULL;

  /* $_POST registers the 1001st variable, then stops */
  for (guint i = 0; i < 1005; i++)
    g_string_append_printf (body, "%sv%u=%u", i ? "&" : "", i, i);
  root = botbench_post_decode_urlencoded (body->str, body->len);
  g_assert_cmpuint (botbench_form_node_get_n_children (root), ==, 1001);
  g_assert_cmpstr (botbench_form_node_lookup_string (root, "v1000", NULL), ==, "1000");
  g_assert_null (botbench_form_node_lookup (root, "v1001"));

  /* empty segments, nameless pairs and pairs without '=' all count */
  g_string_prepend (body, "&=x&y&");
  root2 = botbench_post_decode_urlencoded (body->str, body->len);
  g_assert_cmpuint (botbench_form_node_get_n_children (root2), ==, 1001 - 3 + 1);
  g_assert_cmpstr (botbench_form_node_lookup_string (root2, "y", NULL), ==, "");
  g_assert_cmpstr (botbench_form_node_lookup_string (root2, "v997", NULL), ==, "997");
  g_assert_null (botbench_form_node_lookup (root2, "v998"));

  /* a trailing '&' is not a segment */
  g_string_truncate (body, 0);
  for (guint i = 0; i < 1001; i++)
    g_string_append_printf (body, "a[]=%u&", i);
  g_string_append (body, "b=1");
  root3 = botbench_post_decode_urlencoded (body->str, body->len);
  g_assert_cmpuint (botbench_form_node_get_n_children (
                      botbench_form_node_lookup (root3, "a")), ==, 1001);
  g_assert_null (botbench_form_node_lookup (root3, "b"));
}

static void
test_nesting_limit (void)
{
  g_autoptr(GString) body = g_string_new ("a=0&b[0]=x&");
  g_autoptr(BotbenchFormNode) root = NULL;
  g_autoptr(BotbenchFormNode) deep = NULL;
  BotbenchFormNode *node;

  for (guint i = 0; i < 20; i++)
    g_string_append_printf (body, "k%u=%u&", i, i);

  /* 64 levels are fine ... */
  g_string_append (body, "c");
  for (guint i = 0; i < 64; i++)
    g_string_append_printf (body, "[%u]", i);
  g_string_append (body, "=ok&a");
  /* ... 65 drop the whole top-level variable (also its earlier value) */
  for (guint i = 0; i < 65; i++)
    g_string_append (body, "[]");
  g_string_append (body, "=lost&z=1");

  root = botbench_post_decode_urlencoded (body->str, body->len);
  g_assert_null (botbench_form_node_lookup (root, "a"));
  g_assert_cmpstr (botbench_form_node_get_child_key (root, 0), ==, "b");
  g_assert_cmpstr (botbench_form_node_lookup_string (root, "k19", NULL), ==, "19");
  g_assert_cmpstr (botbench_form_node_lookup_string (root, "z", NULL), ==, "1");
  g_assert_cmpuint (botbench_form_node_get_n_children (root), ==, 1 + 20 + 1 + 1);

  node = botbench_form_node_lookup (root, "c");
  for (guint i = 0; i < 63; i++)
    {
      g_autofree char *key = g_strdup_printf ("%u", i);

      g_assert_nonnull (node);
      g_assert_cmpint (botbench_form_node_get_node_type (node), ==, BOTBENCH_FORM_NODE_ARRAY);
      node = botbench_form_node_lookup (node, key);
    }
  g_assert_cmpstr (botbench_form_node_lookup_string (node, "63", NULL), ==, "ok");

  /* hash-indexed root (more than a few children): deletion keeps order */
  deep = botbench_form_node_new_array ();
  for (guint i = 0; i < 30; i++)
    {
      g_autofree char *name = g_strdup_printf ("n%u", i);

      botbench_form_node_register_variable (deep, name, strlen (name), "v", 1);
    }
  g_string_assign (body, "n7");
  for (guint i = 0; i < 65; i++)
    g_string_append (body, "[x]");
  botbench_form_node_register_variable (deep, body->str, body->len, "v", 1);
  g_assert_cmpuint (botbench_form_node_get_n_children (deep), ==, 29);
  g_assert_null (botbench_form_node_lookup (deep, "n7"));
  g_assert_cmpstr (botbench_form_node_get_child_key (deep, 7), ==, "n8");
  for (guint i = 0; i < 30; i++)
    {
      g_autofree char *name = g_strdup_printf ("n%u", i);

      if (i != 7)
        g_assert_cmpstr (botbench_form_node_lookup_string (deep, name, NULL), ==, "v");
    }
}

static void
test_big_arrays (void)
{
  g_autoptr(GString) body = g_string_new (NULL);
  g_autoptr(GString) expected = g_string_new ("{\"a\":{");
  g_autoptr(BotbenchFormNode) root = NULL;
  g_autofree char *json = NULL;
  BotbenchFormNode *a;

  /* enough keys for the hash index; then overwrite some */
  for (guint i = 0; i < 300; i++)
    g_string_append_printf (body, "a[k%u]=%u&", i, i);
  for (guint i = 0; i < 300; i += 7)
    g_string_append_printf (body, "a[k%u]=x%u&", i, i);

  for (guint i = 0; i < 300; i++)
    {
      if (i % 7 == 0)
        g_string_append_printf (expected, "%s\"k%u\":\"x%u\"", i ? "," : "", i, i);
      else
        g_string_append_printf (expected, "%s\"k%u\":\"%u\"", i ? "," : "", i, i);
    }
  g_string_append (expected, "}}");

  root = botbench_post_decode_urlencoded (body->str, body->len);
  a = botbench_form_node_lookup (root, "a");
  g_assert_cmpuint (botbench_form_node_get_n_children (a), ==, 300);
  g_assert_cmpstr (botbench_form_node_lookup_string (a, "k299", NULL), ==, "299");
  g_assert_cmpstr (botbench_form_node_lookup_string (a, "k294", NULL), ==, "x294");
  g_assert_null (botbench_form_node_lookup (a, "k300"));
  json = botbench_form_node_to_json (root);
  g_assert_cmpstr (json, ==, expected->str);
}

/* }}} */

/* Tree API {{{ */

static void
test_tree_api (void)
{
  static const char body[] = "s=x%00y&a[5]=five&a[-1]=m&a[x]=y&a[]=six&e[]=";
  g_autoptr(BotbenchFormNode) root = botbench_post_decode_urlencoded (body, sizeof body - 1);
  BotbenchFormNode *s;
  BotbenchFormNode *a;
  const char *str;
  gsize len;

  g_assert_cmpuint (botbench_form_node_get_n_children (root), ==, 3);

  s = botbench_form_node_lookup (root, "s");
  g_assert_cmpint (botbench_form_node_get_node_type (s), ==, BOTBENCH_FORM_NODE_STRING);
  str = botbench_form_node_get_string (s, &len);
  g_assert_cmpmem (str, len, "x\0y", 3);
  g_assert_cmpint (str[len], ==, '\0');
  g_assert_cmpuint (botbench_form_node_get_n_children (s), ==, 0);
  g_assert_null (botbench_form_node_lookup (s, "x"));

  a = botbench_form_node_lookup (root, "a");
  g_assert_cmpuint (botbench_form_node_get_n_children (a), ==, 4);
  g_assert_cmpstr (botbench_form_node_get_child_key (a, 0), ==, "5");
  g_assert_true (botbench_form_node_child_key_is_int (a, 0));
  g_assert_cmpstr (botbench_form_node_get_child_key (a, 1), ==, "-1");
  g_assert_true (botbench_form_node_child_key_is_int (a, 1));
  g_assert_cmpstr (botbench_form_node_get_child_key (a, 2), ==, "x");
  g_assert_false (botbench_form_node_child_key_is_int (a, 2));
  g_assert_cmpstr (botbench_form_node_get_child_key (a, 3), ==, "6");
  g_assert_true (botbench_form_node_child_key_is_int (a, 3));
  g_assert_cmpstr (botbench_form_node_get_string (botbench_form_node_get_child (a, 3), NULL), ==, "six");
  g_assert_cmpstr (botbench_form_node_lookup_string (a, "-1", NULL), ==, "m");
  g_assert_null (botbench_form_node_lookup (a, "05"));
  g_assert_null (botbench_form_node_lookup (a, "y"));

  g_assert_cmpstr (botbench_form_node_lookup_string (root, "e", "0", NULL), ==, "");
  g_assert_cmpstr (botbench_form_node_lookup_string (root, "s", NULL), ==, "x");
}

static void
test_register_variable (void)
{
  g_autoptr(BotbenchFormNode) root = botbench_form_node_new_array ();
  g_autofree char *json = NULL;

  /* the name is a C string for PHP: cut at NUL; name_len is honoured */
  botbench_form_node_register_variable (root, "a\0b", 3, "1\0002", 3);
  botbench_form_node_register_variable (root, "b[c]xyz", 4, "v", 1);
  botbench_form_node_register_variable (root, " x.y[]", 6, "", 0);
  botbench_form_node_register_variable (root, "", 0, "ignored", 7);
  botbench_form_node_register_variable (root, "b[c]", 4, "w", 1);

  json = botbench_form_node_to_json (root);
  g_assert_cmpstr (json, ==, "{\"a\":\"1\\u00002\",\"b\":{\"c\":\"w\"},\"x_y\":[\"\"]}");
}

static void
test_register_after_decode (void)
{
  static const char body[] = "a[x]=1&b=2&c[0]=z";
  g_autoptr(GString) expected = g_string_new ("{\"a\":{\"x\":\"1\"");
  g_autofree char *json = NULL;
  BotbenchFormNode *root = botbench_post_decode_urlencoded (body, sizeof body - 1);
  BotbenchFormNode *c = botbench_form_node_ref (botbench_form_node_lookup (root, "c"));

  /* grow decoded arrays with new (heap) nodes, long keys and an index */
  for (guint i = 0; i < 40; i++)
    {
      g_autofree char *name = g_strdup_printf ("a[a_rather_long_key_number_%02u]", i);

      botbench_form_node_register_variable (root, name, strlen (name), "v", 1);
      g_string_append_printf (expected, ",\"a_rather_long_key_number_%02u\":\"v\"", i);
    }
  botbench_form_node_register_variable (root, "a[x]", 4, "2", 1);
  botbench_form_node_register_variable (root, "b[]", 3, "n", 1);
  botbench_form_node_register_variable (root, "c[]", 3, "y", 1);
  g_string_append (expected, "},\"b\":[\"n\"],\"c\":[\"z\",\"y\"]}");
  g_string_replace (expected, "\"x\":\"1\"", "\"x\":\"2\"", 1);

  json = botbench_form_node_to_json (root);
  g_assert_cmpstr (json, ==, expected->str);
  g_assert_cmpstr (botbench_form_node_lookup_string (root, "a", "a_rather_long_key_number_39", NULL), ==, "v");

  /* a subtree outlives the tree it was decoded with */
  botbench_form_node_unref (root);
  g_assert_cmpuint (botbench_form_node_get_n_children (c), ==, 2);
  g_assert_cmpstr (botbench_form_node_lookup_string (c, "1", NULL), ==, "y");
  botbench_form_node_unref (c);
}

static void
test_json_escaping (void)
{
  static const struct
  {
    const char *in;
    gsize       len;
    const char *out;
  } cases[] = {
    { "", 0, "\"\"" },
    { "plain / text", 12, "\"plain / text\"" },
    { "\"\\\b\f\n\r\t", 7, "\"\\\"\\\\\\b\\f\\n\\r\\t\"" },
    { "\x01\x1f\x7f", 3, "\"\\u0001\\u001f\x7f\"" },
    { "\0", 1, "\"\\u0000\"" },
    { "<>&'", 4, "\"<>&'\"" },
    { "\xe2\x80\xa8\xe2\x80\xa9", 6, "\"\\u2028\\u2029\"" },
    { "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9, "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"" },
    /* PHP's substitution: one U+FFFD per maximal invalid prefix */
    { "\xff", 1, "\"\xef\xbf\xbd\"" },
    { "\xe2\x82", 2, "\"\xef\xbf\xbd\"" },
    { "\xe2\x82x", 3, "\"\xef\xbf\xbdx\"" },
    { "\xe2" "A", 2, "\"\xef\xbf\xbd" "A\"" },
    { "\xc0\xaf", 2, "\"\xef\xbf\xbd\xef\xbf\xbd\"" },
    { "\xed\xa0\x80", 3, "\"\xef\xbf\xbd\"" },
    { "\xf4\x90\x80\x80", 4, "\"\xef\xbf\xbd\"" },
    { "\xf0\x9f\x98", 3, "\"\xef\xbf\xbd\"" },
    { "\xf0\x9f\xc3\xa9", 4, "\"\xef\xbf\xbd\xc3\xa9\"" },
    { "\xc3\xff" "A", 3, "\"\xef\xbf\xbd" "A\"" },
    { "\xe2\x82\xff" "A", 4, "\"\xef\xbf\xbd" "A\"" },
    { "\xf0\x9f\x98\xff" "A", 5, "\"\xef\xbf\xbd" "A\"" },
    { "\xf8\x88", 2, "\"\xef\xbf\xbd\xef\xbf\xbd\"" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(BotbenchFormNode) leaf = botbench_form_node_new_string (cases[i].in, cases[i].len);
      g_autoptr(GString) out = g_string_new ("prefix:");
      g_autofree char *json = botbench_form_node_to_json (leaf);

      g_assert_cmpstr (json, ==, cases[i].out);
      botbench_form_node_append_json (leaf, out);
      g_assert_true (g_str_has_prefix (out->str, "prefix:"));
      g_assert_cmpstr (out->str + 7, ==, cases[i].out);
    }
}

static gpointer
unref_in_thread (gpointer data)
{
  BotbenchFormNode *node = data;
  const char *message;

  message = botbench_form_node_lookup_string (node, "data", "PARAMS", "MESSAGE", NULL);
  g_assert_cmpstr (message, ==, "Hello, bot!");
  botbench_form_node_unref (node);

  return NULL;
}

static void
test_refcounting (void)
{
  BotbenchFormNode *root = decode_fixture ("ONIMBOTMESSAGEADD");
  BotbenchFormNode *params;
  BotbenchFormNode *copy;
  GThread *threads[8];

  g_assert_true (G_TYPE_IS_BOXED (BOTBENCH_TYPE_FORM_NODE));
  g_assert_cmpstr (g_type_name (BOTBENCH_TYPE_FORM_NODE), ==, "BotbenchFormNode");

  /* boxed copy is a ref */
  copy = g_boxed_copy (BOTBENCH_TYPE_FORM_NODE, root);
  g_assert_true (copy == root);
  g_boxed_free (BOTBENCH_TYPE_FORM_NODE, copy);

  /* a child outlives its parent while it holds a ref */
  params = botbench_form_node_ref (lookup_path (root, (const char *[]) { "data", "PARAMS", NULL }));

  /* refs dropped concurrently from other threads */
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("unref", unref_in_thread, botbench_form_node_ref (root));
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);

  g_assert_true (botbench_form_node_ref (root) == root);
  botbench_form_node_unref (root);
  botbench_form_node_unref (root);

  g_assert_cmpstr (botbench_form_node_lookup_string (params, "MESSAGE", NULL), ==, "Hello, bot!");
  botbench_form_node_unref (params);
}

/* }}} */

/* Content types and multipart {{{ */

static void
test_decode_dispatch (void)
{
  static const char body[] = "a=1&b[]=2";
  static const char *const form_types[] = {
    "application/x-www-form-urlencoded",
    "application/x-www-form-urlencoded; charset=UTF-8",
    "Application/X-WWW-Form-URLEncoded;charset=utf-8",
    " application/x-www-form-urlencoded ; foo=bar",
    /* PHP's media type also ends at ',' */
    "application/x-www-form-urlencoded,charset=UTF-8",
  };
  static const char *const other_types[] = {
    "application/json",
    "application/x-www-form-urlencodedx",
    "text/plain; charset=UTF-8",
    "",
    /* but not at a tab: PHP leaves $_POST empty */
    "application/x-www-form-urlencoded\t; charset=UTF-8",
  };

  for (guint i = 0; i < G_N_ELEMENTS (form_types); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(BotbenchFormNode) root = botbench_post_decode (body, sizeof body - 1, form_types[i], &error);
      g_autofree char *json = NULL;

      g_assert_no_error (error);
      json = botbench_form_node_to_json (root);
      g_assert_cmpstr (json, ==, "{\"a\":\"1\",\"b\":[\"2\"]}");
    }

  for (guint i = 0; i < G_N_ELEMENTS (other_types); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(BotbenchFormNode) root = botbench_post_decode (body, sizeof body - 1, other_types[i], &error);

      g_assert_null (root);
      g_assert_error (error, BOTBENCH_POST_ERROR, BOTBENCH_POST_ERROR_UNSUPPORTED);
    }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(BotbenchFormNode) root = botbench_post_decode (body, sizeof body - 1, NULL, &error);

    g_assert_null (root);
    g_assert_error (error, BOTBENCH_POST_ERROR, BOTBENCH_POST_ERROR_UNSUPPORTED);
  }
}

static void
test_multipart (void)
{
  g_autoptr(GString) body = NULL;
  g_autofree char *json = NULL;
  g_autofree char *json2 = NULL;
  g_autofree char *json3 = NULL;

  /* expected values from php 8.2 $_POST: names are registered as is
   * (brackets, '.' and ' ' rules apply), file parts are not in $_POST,
   * parts without Content-Disposition are skipped */
  body = multipart_body ("XyZ",
                         "Content-Disposition: form-data; name=\"event\"", "ONIMBOTMESSAGEADD",
                         "Content-Disposition: form-data; name=\"data[PARAMS][MESSAGE]\"", "Hello,\r\nbot!",
                         "Content-Disposition: form-data; name=\"upload\"; filename=\"a.txt\"\r\n"
                         "Content-Type: text/plain", "file contents",
                         "Content-Type: text/plain", "no disposition",
                         "Content-Disposition: form-data; name=\" a.b[ x]\"", "1",
                         "Content-Disposition: form-data; name=\"l[ ]\"", "2",
                         "Content-Disposition: form-data; name=\"l[]\"", "3",
                         "Content-Disposition: form-data; name=\"empty\"; filename=\"\"", "",
                         "Content-Disposition: form-data; name=\"\"", "nameless",
                         "Content-Disposition: form-data; name=\"upload\"", "not a file",
                         NULL);
  json = multipart_to_json (body, "multipart/form-data; boundary=XyZ");
  g_assert_cmpstr (json, ==,
                   "{\"event\":\"ONIMBOTMESSAGEADD\",\"data\":{\"PARAMS\":{\"MESSAGE\":\"Hello,\\r\\nbot!\"}},"
                   "\"a_b\":{\" x\":\"1\"},\"l\":[\"2\",\"3\"],\"upload\":\"not a file\"}");

  /* content type is case-insensitive, quoted boundary */
  json2 = multipart_to_json (body, "Multipart/Form-Data; charset=UTF-8; boundary=\"XyZ\"");
  g_assert_cmpstr (json2, ==, json);

  /* a part with neither name nor filename ends the parsing, as in PHP */
  g_string_free (body, TRUE);
  body = multipart_body ("b",
                         "Content-Disposition: form-data; name=\"a\"", "1",
                         "Content-Disposition: form-data", "garbled",
                         "Content-Disposition: form-data; name=\"c\"", "3",
                         NULL);
  json3 = multipart_to_json (body, "multipart/form-data; boundary=b");
  g_assert_cmpstr (json3, ==, "{\"a\":\"1\"}");
}

static void
test_multipart_limits (void)
{
  g_autoptr(GString) body = g_string_new (NULL);
  g_autoptr(BotbenchFormNode) root = NULL;
  g_autoptr(BotbenchFormNode) root2 = NULL;
  g_autoptr(GError) error = NULL;

  /* only 1000 fields are registered (not 1001 as for urlencoded) */
  for (guint i = 0; i < 1005; i++)
    g_string_append_printf (body, "--B\r\nContent-Disposition: form-data; name=\"v%u\"\r\n\r\n%u\r\n", i, i);
  g_string_append (body, "--B--\r\n");
  root = botbench_post_decode_multipart (body->str, body->len, "multipart/form-data; boundary=B", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (botbench_form_node_get_n_children (root), ==, 1000);
  g_assert_cmpstr (botbench_form_node_lookup_string (root, "v999", NULL), ==, "999");
  g_assert_null (botbench_form_node_lookup (root, "v1000"));

  /* file parts count towards max_multipart_body_parts (1000 + 20) */
  g_string_truncate (body, 0);
  for (guint i = 0; i < 21; i++)
    g_string_append_printf (body, "--B\r\nContent-Disposition: form-data; name=\"f%u\"; filename=\"f\"\r\n\r\nx\r\n", i);
  for (guint i = 0; i < 1000; i++)
    g_string_append_printf (body, "--B\r\nContent-Disposition: form-data; name=\"v%u\"\r\n\r\n%u\r\n", i, i);
  g_string_append (body, "--B--\r\n");
  root2 = botbench_post_decode_multipart (body->str, body->len, "multipart/form-data; boundary=B", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (botbench_form_node_get_n_children (root2), ==, 999);
  g_assert_cmpstr (botbench_form_node_lookup_string (root2, "v998", NULL), ==, "998");
  g_assert_null (botbench_form_node_lookup (root2, "v999"));
}

static void
test_multipart_malformed (void)
{
  g_autofree char *long_boundary = g_strdup_printf ("multipart/form-data; boundary=%0*d", 5117, 0);
  /* where PHP warns and leaves $_POST empty: a Content-Type without a
   * usable boundary.  Broken bodies are not errors: PHP keeps what it
   * parsed (see multipart/cases.txt) */
  const struct
  {
    const char *content_type;
    const char *body;
  } cases[] = {
    { "multipart/form-data", "--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--B--\r\n" },
    { "multipart/form-data; boundary", "--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--B--\r\n" },
    { "multipart/form-data; boundary=\"B", "--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--B--\r\n" },
    /* PHP's limit is 5116 bytes (FILLUNIT - strlen ("\r\n--")) */
    { long_boundary, "--0\r\n" },
    /* no HTTP header can carry a line break */
    { "multipart/form-data; boundary=\"a\nb\"", "--a\nb\r\n" },
    { "multipart/form-data; boundary=a\rb", "--a\rb\r\n" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GError) error2 = NULL;
      g_autoptr(BotbenchFormNode) root = NULL;
      g_autoptr(BotbenchFormNode) root2 = NULL;

      root = botbench_post_decode_multipart (cases[i].body, strlen (cases[i].body),
                                             cases[i].content_type, &error);
      g_assert_null (root);
      g_assert_error (error, BOTBENCH_POST_ERROR, BOTBENCH_POST_ERROR_MALFORMED);
      g_assert_true (error->message != NULL && error->message[0] != '\0');

      root2 = botbench_post_decode (cases[i].body, strlen (cases[i].body),
                                    cases[i].content_type, &error2);
      g_assert_null (root2);
      g_assert_error (error2, BOTBENCH_POST_ERROR, BOTBENCH_POST_ERROR_MALFORMED);
    }
}

static void
test_multipart_case (gconstpointer data)
{
  const FormCase *fc = data;
  g_autofree char *json = multipart_decode_exact (fc->body, fc->body_len, fc->content_type);

  if (g_strcmp0 (json, fc->expected) != 0)
    g_test_message ("multipart/cases.txt line %u", fc->line);
  g_assert_cmpstr (json, ==, fc->expected);
}

/* A body (56 bytes) for which libsoup 3.2.3 returned a part of size -2,
 * which crashed the listener when it still parsed multipart with libsoup.
 * PHP's answer: the body of "a" runs to the cut-off "\n" at the end (no
 * "\n--b" follows the empty line), minus the CR before it. */
static void
test_multipart_issue_8_item_1 (void)
{
  static const char body[] = "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n--b--\r\n";
  g_autofree char *copy = g_memdup2 (body, sizeof body - 1);
  g_autoptr(BotbenchFormNode) root = NULL;
  g_autoptr(BotbenchFormNode) root2 = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  gsize len = 0;

  root = botbench_post_decode_multipart (copy, sizeof body - 1, "multipart/form-data; boundary=b", &error);
  g_assert_no_error (error);
  json = botbench_form_node_to_json (root);
  g_assert_cmpstr (json, ==, "{\"a\":\"--b--\"}");
  g_assert_cmpstr (botbench_form_node_get_string (botbench_form_node_lookup (root, "a"), &len), ==, "--b--");
  g_assert_cmpuint (len, ==, 5);

  /* the same through the dispatcher, and every prefix of the body */
  root2 = botbench_post_decode (copy, sizeof body - 1, "multipart/form-data; boundary=b", &error);
  g_assert_no_error (error);
  g_assert_nonnull (root2);
  for (gsize cut = 0; cut < sizeof body - 1; cut++)
    {
      g_autofree char *prefix_json = multipart_decode_exact (body, cut, "multipart/form-data; boundary=b");

      /* the headers are complete (with their LF) from byte 47 on */
      if (cut < 47)
        g_assert_cmpstr (prefix_json, ==, "[]");
      else
        g_assert_true (g_str_has_prefix (prefix_json, "{\"a\":\""));
    }
}

/* What depends on PHP's 5120-byte read buffer (values checked with php -S) */
static void
test_multipart_buffer_edges (void)
{
  static const char tail[] = "\r\n\r\n1\r\n--b\r\nContent-Disposition: form-data; name=\"c\"\r\n\r\n3\r\n--b--\r\n";

  /* a part body ends right before "\r\n--b" wherever it falls */
  for (guint n = 5115; n <= 5125; n++)
    {
      g_autoptr(GString) body = g_string_new ("--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n");
      g_autoptr(BotbenchFormNode) root = NULL;
      g_autoptr(GError) error = NULL;
      const char *value;
      gsize len = 0;

      for (guint i = 0; i < n; i++)
        g_string_append_c (body, i % 64 == 63 ? '\n' : 'x');
      g_string_append (body, "\r\n--b--\r\n");
      root = botbench_post_decode_multipart (body->str, body->len, "multipart/form-data; boundary=b", &error);
      g_assert_no_error (error);
      value = botbench_form_node_get_string (botbench_form_node_lookup (root, "a"), &len);
      g_assert_cmpuint (len, ==, n);
      g_assert_cmpmem (value, len, body->str + body->len - n - 9, n);
    }

  /* a header line longer than the buffer comes in two lines: the second
   * one continues the header, unless it has a ':' and starts another */
  for (guint pad = 5100; pad <= 12100; pad += 1000)
    {
      g_autoptr(GString) body = g_string_new ("--b\r\nContent-Disposition: form-data; x=\"");
      g_autoptr(GString) body2 = NULL;
      g_autofree char *json = NULL;
      g_autofree char *json2 = NULL;

      for (guint i = 0; i < pad; i++)
        g_string_append_c (body, 'p');
      g_string_append (body, "\"; name=\"a\"");
      body2 = g_string_new (body->str);
      g_string_append (body, tail);
      g_string_append (body2, "; y=name:z");
      g_string_append (body2, tail);

      json = multipart_decode_exact (body->str, body->len, "multipart/form-data; boundary=b");
      g_assert_cmpstr (json, ==, "{\"a\":\"1\",\"c\":\"3\"}");
      json2 = multipart_decode_exact (body2->str, body2->len, "multipart/form-data; boundary=b");
      /* "pp...\"; name=\"a\"; y=name" is a header of its own, and the
       * Content-Disposition without a name ends the parsing */
      g_assert_cmpstr (json2, ==, "[]");
    }

  /* a line of 5120 bytes without LF is a line of its own: the delimiter
   * right after it is found (not so after 5119 bytes) */
  for (guint n = 5119; n <= 5120; n++)
    {
      g_autoptr(GString) body = g_string_new ("--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"\"\r\n\r\n");
      g_autofree char *json = NULL;

      for (guint i = 0; i < n; i++)
        g_string_append_c (body, 'q');
      g_string_append (body, "--b\r\nContent-Disposition: form-data; name=\"c\"\r\n\r\n3\r\n--b--\r\n");
      json = multipart_decode_exact (body->str, body->len, "multipart/form-data; boundary=b");
      g_assert_cmpstr (json, ==, n == 5120 ? "{\"c\":\"3\"}" : "[]");
    }
}

/* File parts never reach $_POST, but how much of one PHP reads decides
 * where it looks for the next delimiter */
static void
test_multipart_uploads (void)
{
  g_autoptr(GString) body = g_string_new (NULL);
  g_autofree char *json = NULL;

  /* the 21st file (max_file_uploads = 20) is not read: its body is
   * searched for delimiter lines; the first 20 swallow "inN" */
  for (guint i = 0; i < 21; i++)
    g_string_append_printf (body, "--b\r\nContent-Disposition: form-data; name=\"f%u\"; filename=\"f\"\r\n\r\n"
                            "--b\r\nContent-Disposition: form-data; name=\"in%u\"\r\n\r\nI\r\n", i, i);
  g_string_append (body, "--b--\r\n");
  json = multipart_decode_exact (body->str, body->len, "multipart/form-data; boundary=b");
  g_assert_cmpstr (json, ==, "{\"in20\":\"I\"}");

  /* MAX_FILE_SIZE stops the reading after the piece that goes over it
   * and one more: "evil" right after the first 5119 bytes is passed */
  for (guint pad = 5118; pad <= 5120; pad++)
    for (guint limit = 0; limit < 2; limit++)
      {
        g_autoptr(GString) body2 = g_string_new (NULL);
        g_autofree char *json2 = NULL;

        g_string_append_printf (body2, "--b\r\nContent-Disposition: form-data; name=\"MAX_FILE_SIZE\"\r\n\r\n%u\r\n"
                                "--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"f\"\r\n\r\n", limit);
        for (guint i = 0; i < pad; i++)
          g_string_append_c (body2, 'x');
        g_string_append (body2, "--b\r\nContent-Disposition: form-data; name=\"evil\"\r\n\r\nE\r\n"
                         "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--b--\r\n");
        json2 = multipart_decode_exact (body2->str, body2->len, "multipart/form-data; boundary=b");
        g_assert_cmpstr (json2, ==, limit == 0 ? "{\"MAX_FILE_SIZE\":\"0\",\"a\":\"1\"}"
                                               : "{\"MAX_FILE_SIZE\":\"1\",\"a\":\"1\"}");
      }
}

/* Bodies of almost 8 MiB (PHP's post_max_size is 8M) built to make a
 * naive parser slow or read past the end; each must give what php -S
 * gives (checked with php 8.2; a long result by its length and SHA-256).
 * How fast is for bench/, here they only must not time out. */
static void
test_multipart_hostile (void)
{
  static const struct
  {
    const char *unit;
    gsize       unit_len;
    const char *prefix;
    const char *expected;
    gsize       expected_len;
    const char *expected_sha256;
  } cases[] = {
    { "--b", 3, NULL, "[]", 0, NULL },
    { "\r\n", 2, NULL, "[]", 0, NULL },
    { "\n", 1, NULL, "[]", 0, NULL },
    { "--b\r\n", 5, NULL, "[]", 0, NULL },
    { "\n--", 3, NULL, "[]", 0, NULL },
    { "\0", 1, NULL, "[]", 0, NULL },
    { "\r\n--b", 5, "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n", "{\"a\":\"\"}", 0, NULL },
    { "\n--bx", 5, "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n", "{\"a\":\"\"}", 0, NULL },
    /* an 8 MiB header, folded */
    { " x\r\n", 4, "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n", "{\"a\":\"\"}", 0, NULL },
    { "--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"\"\r\n\r\n", 63, NULL, "[]", 0, NULL },
    /* a cut-off "\n--b" at every other byte: all but the last one are data */
    { "\n-", 2, "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n", NULL, 12576701,
      "780ff98d66b0898a86954d9499cdb92731531561dadf919379511623d91bbdd6" },
    /* 1020 parts read (max_multipart_body_parts), 1000 registered; each
     * body is the next part's head, up to the "\n--b" after it */
    { "--b\r\nContent-Disposition: form-data; name=\"a[]\"\r\n\r\n", 51, NULL, NULL, 58007,
      "16cd6635917be9e2aa4463ac9b80b6068c3fcb693908c6b46aee56b18eb7bbf8" },
    /* one header line of 8 MiB, no LF anywhere */
    { "[", 1, "--b\r\nContent-Disposition: form-data; name=\"a", NULL, 8384476,
      "f72429368ec2092d6fb17ab9bf9d88d785172638e728d4aa4e72c6f18b38b5fd" },
  };
  const gsize size = 8 * 1024 * 1024 - 4096;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GString) body = g_string_sized_new (size + 64);
      g_autofree char *json = NULL;

      if (cases[i].prefix != NULL)
        g_string_append (body, cases[i].prefix);
      while (body->len < size)
        g_string_append_len (body, cases[i].unit, cases[i].unit_len);

      json = multipart_decode_exact (body->str, body->len, "multipart/form-data; boundary=b");
      if (cases[i].expected != NULL)
        {
          g_assert_cmpstr (json, ==, cases[i].expected);
        }
      else
        {
          g_autofree char *sha256 = g_compute_checksum_for_string (G_CHECKSUM_SHA256, json, -1);

          g_assert_cmpuint (strlen (json), ==, cases[i].expected_len);
          g_assert_true (g_str_has_prefix (sha256, cases[i].expected_sha256));
        }
    }

  /* the longest boundary, with fake delimiters that match all but its
   * last byte, one after the other: all data */
  {
    g_autofree char *boundary = g_strnfill (5116, 'B');
    g_autofree char *content_type = g_strconcat ("multipart/form-data; boundary=", boundary, NULL);
    g_autoptr(GString) body = g_string_new (NULL);
    g_autoptr(BotbenchFormNode) root = NULL;
    g_autoptr(GError) error = NULL;
    gsize start;
    gsize len = 0;

    g_string_append_printf (body, "--%s\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n", boundary);
    start = body->len;
    while (body->len < size)
      g_string_append_printf (body, "\n--%.*sx", 5115, boundary);
    root = botbench_post_decode_multipart (body->str, body->len, content_type, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (botbench_form_node_get_string (botbench_form_node_lookup (root, "a"), &len), ==,
                     body->str + start);
    g_assert_cmpuint (len, ==, body->len - start);
  }
}

/* Mutations of a good body: whatever comes out is an array, and its JSON
 * parses */
static void
test_multipart_mutations (void)
{
  static const char *const inserts[] = { "\r", "\n", "\r\n", "--b", "\r\n--b\r\n", "\0", "\"", ";", ":", "\\", "[", " " };
  static const char good[] =
    "preamble\r\n--b\r\nContent-Disposition: form-data; name=\"data[PARAMS][MESSAGE]\"\r\n\r\nHello\r\n"
    "--b\r\nContent-Type: text/plain\r\nContent-Disposition: form-data;\r\n name=\"x\"; filename=\"a\\\"b\"\r\n\r\nfile\r\n"
    "--b\r\ncontent-disposition: form-data; name='l[]'\r\n\r\n1\r\n--b--\r\n";
  g_autoptr(GRand) rand = g_rand_new_with_seed (8);

  for (guint i = 0; i < 3000; i++)
    {
      g_autoptr(GString) body = g_string_new_len (good, sizeof good - 1);
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      g_autofree char *json = NULL;

      for (guint m = g_rand_int_range (rand, 1, 6); m > 0; m--)
        {
          gsize at = g_rand_int_range (rand, 0, body->len + 1);

          switch (g_rand_int_range (rand, 0, 4))
            {
            case 0:
              {
                gsize n = g_rand_int_range (rand, 1, 8);

                if (at < body->len)
                  g_string_erase (body, at, MIN (body->len - at, n));
              }
              break;
            case 1:
              if (at < body->len)
                body->str[at] = (char)g_rand_int_range (rand, 0, 256);
              break;
            case 2:
              {
                const char *ins = inserts[g_rand_int_range (rand, 0, G_N_ELEMENTS (inserts))];

                g_string_insert_len (body, at, ins, ins[0] != '\0' ? (gssize)strlen (ins) : 1);
              }
              break;
            default:
              g_string_truncate (body, at);
              break;
            }
        }

      json = multipart_decode_exact (body->str, body->len, "multipart/form-data; boundary=b");
      g_assert_true (json[0] == '{' || json[0] == '[');
      json_parser_load_from_data (parser, json, -1, &error);
      g_assert_no_error (error);
    }
}

/* }}} */

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GPtrArray) cases = NULL;
  g_autoptr(GPtrArray) mp_cases = NULL;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/form/fixtures/all", test_fixtures_all);
  g_test_add_func ("/form/fixtures/message-add", test_fixture_message_add);

  cases = load_form_cases ();
  g_assert_cmpuint (cases->len, >=, 50);
  for (guint i = 0; i < cases->len; i++)
    {
      const FormCase *fc = g_ptr_array_index (cases, i);
      g_autofree char *path = g_strdup_printf ("/form/cases/line-%u", fc->line);

      g_test_add_data_func (path, fc, test_form_case);
    }

  g_test_add_func ("/form/lists-and-objects", test_lists_and_objects);
  g_test_add_func ("/form/max-input-vars", test_max_input_vars);
  g_test_add_func ("/form/nesting-limit", test_nesting_limit);
  g_test_add_func ("/form/big-arrays", test_big_arrays);
  g_test_add_func ("/form/tree-api", test_tree_api);
  g_test_add_func ("/form/register-variable", test_register_variable);
  g_test_add_func ("/form/register-after-decode", test_register_after_decode);
  g_test_add_func ("/form/json-escaping", test_json_escaping);
  g_test_add_func ("/form/refcounting", test_refcounting);
  g_test_add_func ("/form/decode-dispatch", test_decode_dispatch);
  g_test_add_func ("/form/multipart/fields", test_multipart);
  g_test_add_func ("/form/multipart/issue-8-item-1", test_multipart_issue_8_item_1);
  mp_cases = load_multipart_cases ();
  g_assert_cmpuint (mp_cases->len, >=, 50);
  for (guint i = 0; i < mp_cases->len; i++)
    {
      const FormCase *fc = g_ptr_array_index (mp_cases, i);
      g_autofree char *path = g_strdup_printf ("/form/multipart/cases/line-%u", fc->line);

      g_test_add_data_func (path, fc, test_multipart_case);
    }
  g_test_add_func ("/form/multipart/buffer-edges", test_multipart_buffer_edges);
  g_test_add_func ("/form/multipart/uploads", test_multipart_uploads);
  g_test_add_func ("/form/multipart/hostile", test_multipart_hostile);
  g_test_add_func ("/form/multipart/mutations", test_multipart_mutations);
  g_test_add_func ("/form/multipart/limits", test_multipart_limits);
  g_test_add_func ("/form/multipart/malformed", test_multipart_malformed);

  return g_test_run ();
}
