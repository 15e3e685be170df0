/* test-event.c: BotbenchEvent summary, JSON line, headers, curl command
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "botbench-core.h"
#include "botbench-event-private.h"
#include "botbench-test-utils.h"

static BotbenchEvent *
event_from_fixture (const char *name)
{
  g_autoptr(GBytes) body = botbench_test_load_fixture (name);
  const char * const headers[] = { "Content-Type", "application/x-www-form-urlencoded",
                                   "User-Agent", "Bitrix24 Webhook Engine", NULL };

  return botbench_event_new (1772090363000000, "10.1.2.3", "POST", "/bot", "CLIENT_ID=abc",
                             headers, "application/x-www-form-urlencoded", body);
}

static void
test_summary_from_fixtures (void)
{
  static const struct { const char *name; const char *bot_id; const char *bot_code; const char *message; } cases[] = {
    { "ONIMBOTMESSAGEADD", "567", "echo_bot", "Hello, bot!" },
    { "ONIMBOTMESSAGEUPDATE", "567", "echo_bot", "How to add an observer to the task?" },
    { "ONIMBOTMESSAGEDELETE", "567", "echo_bot", "Message from 02/26/2026 09:27:30 has been deleted" },
    { "ONIMBOTJOINCHAT", "567", "echo_bot", "" },
    { "ONIMBOTDELETE", "567", "echo_bot", "" },
    { "ONIMCOMMANDADD", "567", "echo_bot", "/echo test" },
    { "ONAPPINSTALL", "", "", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(BotbenchEvent) event = event_from_fixture (cases[i].name);

      g_assert_cmpint (botbench_event_get_id (event), ==, 0);
      g_assert_cmpstr (botbench_event_get_event_name (event), ==, cases[i].name);
      g_assert_cmpstr (botbench_event_get_bot_id (event), ==, cases[i].bot_id);
      g_assert_cmpstr (botbench_event_get_bot_code (event), ==, cases[i].bot_code);
      g_assert_cmpstr (botbench_event_get_message (event), ==, cases[i].message);
      g_assert_nonnull (botbench_event_get_form (event));
      g_assert_null (botbench_event_get_json (event));
    }
}

static void
test_accessors (void)
{
  g_autoptr(BotbenchEvent) event = event_from_fixture ("ONIMBOTJOINCHAT");
  g_autoptr(GBytes) body = botbench_test_load_fixture ("ONIMBOTJOINCHAT");

  g_assert_cmpint (botbench_event_get_received (event), ==, 1772090363000000);
  g_assert_cmpstr (botbench_event_get_remote_address (event), ==, "10.1.2.3");
  g_assert_cmpstr (botbench_event_get_method (event), ==, "POST");
  g_assert_cmpstr (botbench_event_get_path (event), ==, "/bot");
  g_assert_cmpstr (botbench_event_get_query (event), ==, "CLIENT_ID=abc");
  g_assert_cmpstr (botbench_event_get_header (event, "user-agent"), ==, "Bitrix24 Webhook Engine");
  g_assert_null (botbench_event_get_header (event, "X-Missing"));
  g_assert_cmpuint (botbench_event_get_size (event), ==, g_bytes_get_size (body));
  g_assert_true (g_bytes_equal (botbench_event_get_body (event), body));

  _botbench_event_set_id (event, 42);
  g_assert_cmpint (botbench_event_get_id (event), ==, 42);
}

static void
test_json_line (void)
{
  g_autoptr(BotbenchEvent) event = event_from_fixture ("ONIMCOMMANDADD");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *data_json = NULL;
  g_autofree char *data_generated = NULL;
  JsonObject *object;
  JsonNode *data;

  _botbench_event_set_id (event, 7);
  line = botbench_event_to_json_line (event);
  g_assert_null (strchr (line, '\n'));

  json_parser_load_from_data (parser, line, -1, &error);
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (object, "id"), ==, 7);
  g_assert_cmpint (json_object_get_int_member (object, "received"), ==, 1772090363000000);
  g_assert_cmpstr (json_object_get_string_member (object, "time"), ==, "2026-02-26T07:19:23.000000Z");
  g_assert_cmpstr (json_object_get_string_member (object, "method"), ==, "POST");
  g_assert_cmpstr (json_object_get_string_member (object, "path"), ==, "/bot");
  g_assert_cmpstr (json_object_get_string_member (object, "query"), ==, "CLIENT_ID=abc");
  g_assert_cmpstr (json_object_get_string_member (object, "event"), ==, "ONIMCOMMANDADD");

  /* "data" is exactly the PHP json_encode of the decoded form. */
  data = json_object_get_member (object, "data");
  data_json = botbench_event_dup_data_json (event);
  g_assert_nonnull (strstr (line, data_json));
  data_generated = json_to_string (data, FALSE);
  g_assert_nonnull (strstr (data_generated, "\"COMMAND\":\"echo\""));
}

static void
test_invalid_utf8 (void)
{
  static const char raw[] = "event=ONIMBOTMESSAGEADD&data[PARAMS][MESSAGE]=bad%FF%FEbytes";
  g_autoptr(GBytes) body = g_bytes_new_static (raw, strlen (raw));
  g_autoptr(BotbenchEvent) event = NULL;
  g_autofree char *line = NULL;
  gsize len;
  const char *leaf;

  event = botbench_event_new (1, "127.0.0.1", "POST", "/", "", NULL,
                              "application/x-www-form-urlencoded", body);

  /* The leaf keeps the bytes, the summary and JSON are valid UTF-8. */
  leaf = botbench_form_node_get_string (botbench_form_node_lookup (
             botbench_form_node_lookup (botbench_form_node_lookup (botbench_event_get_form (event), "data"),
                                        "PARAMS"), "MESSAGE"), &len);
  g_assert_cmpmem (leaf, len, "bad\xff\xfe" "bytes", 10);
  g_assert_true (g_utf8_validate (botbench_event_get_message (event), -1, NULL));
  line = botbench_event_to_json_line (event);
  g_assert_true (g_utf8_validate (line, -1, NULL));
  g_assert_nonnull (strstr (line, "bad\xef\xbf\xbd"));
}

static void
test_json_body (void)
{
  static const char raw[] = "{\"event\":\"ONIMBOTJOINCHAT\",\"data\":{\"BOT_ID\":\"9\",\"PARAMS\":{\"MESSAGE\":\"hi\"}}}";
  g_autoptr(GBytes) body = g_bytes_new_static (raw, strlen (raw));
  g_autoptr(BotbenchEvent) event = NULL;
  g_autofree char *data = NULL;
  g_autofree char *text = NULL;

  event = botbench_event_new (1, "127.0.0.1", "POST", "/", "", NULL, "application/json; charset=utf-8", body);
  g_assert_null (botbench_event_get_form (event));
  g_assert_nonnull (botbench_event_get_json (event));
  g_assert_cmpstr (botbench_event_get_event_name (event), ==, "ONIMBOTJOINCHAT");
  g_assert_cmpstr (botbench_event_get_bot_id (event), ==, "9");
  g_assert_cmpstr (botbench_event_get_message (event), ==, "hi");

  data = botbench_event_dup_data_json (event);
  g_assert_cmpstr (data, ==, raw);

  text = _botbench_event_dup_search_text (event);
  g_assert_nonnull (strstr (text, "hi"));
}

static char *
nested_json (guint       depth,
             const char *inner)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < depth; i++)
    g_string_append (out, "{\"a\":[");
  g_string_append (out, inner);
  for (guint i = 0; i < depth; i++)
    g_string_append (out, "]}");

  return g_string_free (out, FALSE);
}

/* Every lazy path of an event whose JSON body is refused: it behaves like
 * any body that is not JSON, and json-glib never sees it. */
static void
assert_refused_json_body (BotbenchEvent *event)
{
  g_autofree char *data = NULL;
  g_autofree char *line = NULL;
  g_autofree char *text = NULL;
  g_autofree char *curl = NULL;
  g_autoptr(JsonNode) parsed_line = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_null (botbench_event_get_json (event));
  g_assert_cmpstr (botbench_event_get_event_name (event), ==, "");
  g_assert_cmpstr (botbench_event_get_bot_id (event), ==, "");
  g_assert_cmpstr (botbench_event_get_message (event), ==, "");

  data = botbench_event_dup_data_json (event);
  if (botbench_event_get_form (event) == NULL)
    g_assert_cmpstr (data, ==, "[]");

  line = botbench_event_to_json_line (event);
  parsed_line = botbench_json_parse (line, strlen (line), &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (parsed_line));

  text = _botbench_event_dup_search_text (event);
  g_assert_nonnull (text);
  curl = botbench_event_dup_curl_command (event, NULL);
  g_assert_nonnull (curl);
}

/* issue 8: python3 -c "print('['*100000+']'*100000)" as an event body */
static void
test_json_bomb_body (void)
{
  static const char * const content_types[] = { "application/json", "text/json; charset=utf-8", NULL };
  GString *bomb = g_string_new (NULL);
  g_autoptr(GBytes) body = NULL;

  for (guint i = 0; i < 100000; i++)
    g_string_append_c (bomb, '[');
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (bomb, ']');
  g_string_append_c (bomb, '\n');
  body = g_bytes_new_take (bomb->str, bomb->len);
  g_string_free (bomb, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (content_types); i++)
    {
      g_autoptr(BotbenchEvent) event = NULL;
      g_autoptr(BotbenchEvent) stored = NULL;

      g_test_message ("Content-Type: %s", content_types[i] ? content_types[i] : "(none)");
      event = botbench_event_new (1, "127.0.0.1", "POST", "/", "", NULL, content_types[i], body);
      assert_refused_json_body (event);
      g_assert_cmpuint (botbench_event_get_size (event), ==, 200001);

      /* The same body read back from the store. */
      stored = _botbench_event_new_stored (7, 1, "127.0.0.1", "POST", "/", "", NULL,
                                           content_types[i], body, "", "", "", "");
      g_assert_null (botbench_event_get_json (stored));
      g_assert_cmpint (botbench_event_get_id (stored), ==, 7);
      assert_refused_json_body (stored);
    }

  /* The check's own limit is what the event keeps. */
  {
    g_autofree char *deep_ok = nested_json (256, "\"x\"");
    g_autofree char *deep_bad = nested_json (256, "[\"x\"]");
    g_autoptr(GBytes) ok_body = g_bytes_new (deep_ok, strlen (deep_ok));
    g_autoptr(GBytes) bad_body = g_bytes_new (deep_bad, strlen (deep_bad));
    g_autoptr(BotbenchEvent) ok = botbench_event_new (1, "127.0.0.1", "POST", "/", "", NULL,
                                                      "application/json", ok_body);
    g_autoptr(BotbenchEvent) bad = botbench_event_new (1, "127.0.0.1", "POST", "/", "", NULL,
                                                       "application/json", bad_body);
    g_autofree char *data = NULL;
    g_autofree char *text = NULL;

    g_assert_nonnull (botbench_event_get_json (ok));
    data = botbench_event_dup_data_json (ok);
    g_assert_cmpstr (data, ==, deep_ok);
    text = _botbench_event_dup_search_text (ok);
    g_assert_cmpstr (text, ==, "x");
    assert_refused_json_body (bad);
  }
}

/* json-glib 1.6 keeps the second value of "{..}{..}" (and leaks the first). */
static void
test_json_trailing_body (void)
{
  static const char raw[] = "{\"event\":\"ONIMBOTJOINCHAT\"}{\"event\":\"ONIMBOTDELETE\"}";
  g_autoptr(GBytes) body = g_bytes_new_static (raw, strlen (raw));
  g_autoptr(BotbenchEvent) event = NULL;
  g_autoptr(BotbenchEvent) sniffed = NULL;

  event = botbench_event_new (1, "127.0.0.1", "POST", "/", "", NULL, "application/json", body);
  assert_refused_json_body (event);
  g_assert_null (botbench_event_get_form (event));

  /* No content type: not JSON, so PHP's form rules apply (a key made of braces). */
  sniffed = botbench_event_new (1, "127.0.0.1", "POST", "/", "", NULL, NULL, body);
  assert_refused_json_body (sniffed);
}

static void
test_json_content_types (void)
{
  g_assert_true (botbench_event_content_type_is_json ("application/json"));
  g_assert_true (botbench_event_content_type_is_json ("Application/JSON; charset=UTF-8"));
  g_assert_true (botbench_event_content_type_is_json ("  text/json"));
  g_assert_false (botbench_event_content_type_is_json ("application/jsonp"));
  g_assert_false (botbench_event_content_type_is_json ("application/x-www-form-urlencoded"));
  g_assert_false (botbench_event_content_type_is_json ("multipart/form-data; boundary=b"));
  g_assert_false (botbench_event_content_type_is_json (""));
  g_assert_false (botbench_event_content_type_is_json (NULL));
}

static void
test_not_a_form (void)
{
  static const char raw[] = "\x00\x01\x02";
  g_autoptr(GBytes) body = g_bytes_new_static (raw, 3);
  g_autoptr(BotbenchEvent) event = NULL;
  g_autofree char *data = NULL;

  event = botbench_event_new (1, "127.0.0.1", "POST", "/", "", NULL, "application/octet-stream", body);
  g_assert_null (botbench_event_get_form (event));
  g_assert_null (botbench_event_get_json (event));
  g_assert_cmpstr (botbench_event_get_event_name (event), ==, "");
  data = botbench_event_dup_data_json (event);
  g_assert_cmpstr (data, ==, "[]");
}

static void
test_headers_json_round_trip (void)
{
  const char * const headers[] = { "X-A", "va\"lue", "X-\xc3\xa9", "line\\back", "X-A", "second", NULL };
  g_autoptr(BotbenchEvent) event = NULL;
  g_autofree char *json = NULL;
  g_auto(GStrv) back = NULL;

  event = botbench_event_new (1, "127.0.0.1", "POST", "/", "", headers, NULL, NULL);
  json = _botbench_event_dup_headers_json (event);
  back = _botbench_event_headers_from_json (json);
  g_assert_cmpstrv (back, headers);

  g_clear_pointer (&back, g_strfreev);
  back = _botbench_event_headers_from_json ("not json");
  g_assert_cmpuint (g_strv_length (back), ==, 0);

  /* A database edited by someone else: no crash, no headers. */
  {
    g_autoptr(GString) deep = g_string_new (NULL);

    for (guint i = 0; i < 100000; i++)
      g_string_append_c (deep, '[');
    for (guint i = 0; i < 100000; i++)
      g_string_append_c (deep, ']');

    g_clear_pointer (&back, g_strfreev);
    back = _botbench_event_headers_from_json (deep->str);
    g_assert_cmpuint (g_strv_length (back), ==, 0);

    g_clear_pointer (&back, g_strfreev);
    back = _botbench_event_headers_from_json ("[[\"X-A\",\"1\"]][[\"X-B\",\"2\"]]");
    g_assert_cmpuint (g_strv_length (back), ==, 0);
  }
}

static void
test_search_text (void)
{
  g_autoptr(BotbenchEvent) event = event_from_fixture ("ONIMBOTMESSAGEADD");
  g_autofree char *text = _botbench_event_dup_search_text (event);

  g_assert_nonnull (strstr (text, "Hello, bot!"));
  g_assert_nonnull (strstr (text, "Svetlana Ivanova"));
  g_assert_nonnull (strstr (text, "ONIMBOTMESSAGEADD"));
  g_assert_nonnull (strstr (text, "831c76b092f9f135d9b6b36c3a720757"));   /* application_token */
  /* Secrets stay out of the index. */
  g_assert_null (strstr (text, "a98b9d690000071b00000844000002370000b1"));   /* access_token */
  g_assert_null (strstr (text, "990ac5690000071b0000084400000237"));         /* refresh_token */
}

static void
test_curl_command_shape (void)
{
  g_autoptr(BotbenchEvent) event = event_from_fixture ("ONIMBOTDELETE");
  g_autofree char *cmd = botbench_event_dup_curl_command (event, "http://127.0.0.1:9999/");
  g_autoptr(GBytes) body = NULL;
  g_autoptr(BotbenchEvent) binary = NULL;
  g_autofree char *bin_cmd = NULL;

  g_assert_true (g_str_has_prefix (cmd, "curl -X 'POST'"));
  g_assert_true (g_str_has_suffix (cmd, " 'http://127.0.0.1:9999/bot?CLIENT_ID=abc'"));
  g_assert_nonnull (strstr (cmd, "-H 'User-Agent: Bitrix24 Webhook Engine'"));
  g_assert_nonnull (strstr (cmd, "--data-binary 'event=ONIMBOTDELETE&"));

  body = g_bytes_new ("a\0b", 3);
  binary = botbench_event_new (1, "127.0.0.1", "POST", "/", "", NULL, "application/octet-stream", body);
  bin_cmd = botbench_event_dup_curl_command (binary, NULL);
  g_assert_true (g_str_has_prefix (bin_cmd, "printf 'a\\000b' | curl"));
  g_assert_nonnull (strstr (bin_cmd, "--data-binary @-"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/event/summary-from-fixtures", test_summary_from_fixtures);
  g_test_add_func ("/event/accessors", test_accessors);
  g_test_add_func ("/event/json-line", test_json_line);
  g_test_add_func ("/event/invalid-utf8", test_invalid_utf8);
  g_test_add_func ("/event/json-body", test_json_body);
  g_test_add_func ("/event/json-bomb-body", test_json_bomb_body);
  g_test_add_func ("/event/json-trailing-body", test_json_trailing_body);
  g_test_add_func ("/event/json-content-types", test_json_content_types);
  g_test_add_func ("/event/not-a-form", test_not_a_form);
  g_test_add_func ("/event/headers-json-round-trip", test_headers_json_round_trip);
  g_test_add_func ("/event/search-text", test_search_text);
  g_test_add_func ("/event/curl-command-shape", test_curl_command_shape);

  return g_test_run ();
}
