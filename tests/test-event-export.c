/* test-event-export.c: JSON Lines export and import, HAR 1.2 export
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "botbench-core.h"
#include "botbench-test-utils.h"

typedef struct
{
  char               *dir;
  BotbenchEventStore *store;   /* the one exported from */
  BotbenchEventStore *fresh;   /* the one imported into */
  GPtrArray          *sent;    /* BotbenchEvent *, in insert order */
} ExportFixture;

static const char binary_body[] = "a\0b\xff\xfe\r\n\x01 end";

static BotbenchEvent *
make_event (gint64      received,
            const char *path,
            const char *query,
            const char *content_type,
            const char *body,
            gsize       len)
{
  g_autoptr(GBytes) bytes = g_bytes_new (body, len);
  const char * const headers[] = {
    "Host", "bot.example.com:8443",
    "User-Agent", "Bitrix24 Webhook Engine",
    "Content-Type", content_type ? content_type : "text/plain",
    "X-Odd", "tab\there \"quoted\" \\ back",
    NULL
  };

  return botbench_event_new (received, "10.1.2.3", "POST", path, query, headers, content_type, bytes);
}

static void
export_setup (ExportFixture *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_auto(GStrv) names = botbench_test_list_fixtures ();
  gint64 received = 1772090363000000;
  const char *json = "{\"event\":\"ONIMBOTMESSAGEADD\",\"data\":{\"PARAMS\":{\"MESSAGE\":\"Привет\\n\"}}}";
  const char *text = "line one\r\nline two\u2028 \x7f";

  f->dir = botbench_test_make_tmp_dir ();
  a = g_build_filename (f->dir, "a.db", NULL);
  b = g_build_filename (f->dir, "b.db", NULL);
  f->store = botbench_event_store_new (a, &error);
  g_assert_no_error (error);
  f->fresh = botbench_event_store_new (b, &error);
  g_assert_no_error (error);
  f->sent = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autoptr(GBytes) body = botbench_test_load_fixture (names[i]);
      gsize len;
      const char *bytes = g_bytes_get_data (body, &len);

      g_ptr_array_add (f->sent, make_event (received + i * 1000, "/bot.php", "CLIENT_ID=abc&x=%20y",
                                            "application/x-www-form-urlencoded", bytes, len));
    }
  g_ptr_array_add (f->sent, make_event (received + 100000, "/bin", "", "application/octet-stream",
                                        binary_body, sizeof binary_body - 1));
  g_ptr_array_add (f->sent, make_event (received + 100001, "/json", "", "application/json",
                                        json, strlen (json)));
  g_ptr_array_add (f->sent, make_event (received + 100002, "/text", "a=1", NULL, text, strlen (text)));
  g_ptr_array_add (f->sent, make_event (received + 100003, "/empty", "", NULL, "", 0));
  /* The same microsecond as the one before, another body: not a duplicate. */
  g_ptr_array_add (f->sent, make_event (received + 100003, "/empty", "", NULL, "x", 1));

  /* What the listener and the forwarder add travels too. */
  botbench_event_set_token_state (g_ptr_array_index (f->sent, 0), BOTBENCH_TOKEN_STATE_VERIFIED);
  botbench_event_set_token_state (g_ptr_array_index (f->sent, 1), BOTBENCH_TOKEN_STATE_WRONG);
  botbench_event_set_rejected (g_ptr_array_index (f->sent, 1), TRUE);
  botbench_event_set_token_state (g_ptr_array_index (f->sent, 2), BOTBENCH_TOKEN_STATE_MISSING);
  botbench_event_set_replay_of (g_ptr_array_index (f->sent, 3), 1);

  for (guint i = 0; i < f->sent->len; i++)
    {
      gint64 id = botbench_event_store_insert (f->store, g_ptr_array_index (f->sent, i), &error);

      g_assert_no_error (error);
      if (i == 0 || i == 2)
        {
          g_autoptr(BotbenchForwardResult) result = botbench_forward_result_new ("http://127.0.0.1:8000/bot.php");

          if (i == 0)
            {
              g_autoptr(GBytes) answer = g_bytes_new_static ("{\"ok\":1}", 8);

              botbench_forward_result_set_state (result, BOTBENCH_FORWARD_STATE_DONE);
              botbench_forward_result_set_status (result, 201);
              botbench_forward_result_set_duration_ms (result, 35);
              botbench_forward_result_set_response_body (result, answer, 8);
            }
          else
            {
              botbench_forward_result_set_duration_ms (result, 2);
              botbench_forward_result_set_error (result, "Connection refused");
            }
          botbench_event_store_record_forward (f->store, id, result, &error);
          g_assert_no_error (error);
        }
    }
}

static void
export_teardown (ExportFixture *f,
                 gconstpointer  data)
{
  botbench_event_store_close (f->store);
  botbench_event_store_close (f->fresh);
  g_clear_object (&f->store);
  g_clear_object (&f->fresh);
  g_clear_pointer (&f->sent, g_ptr_array_unref);
  botbench_test_rm_rf (f->dir);
  g_free (f->dir);
}

static GPtrArray *
all_events (BotbenchEventStore *store,
            gboolean            ascending)
{
  g_autoptr(GError) error = NULL;
  BotbenchEventQuery query = { .limit = 1000, .ascending = ascending };
  GPtrArray *events = botbench_event_store_query (store, &query, &error);

  g_assert_no_error (error);
  return events;
}

/* What `botbench-cli events` prints: newest first, a line each. */
static char *
export_jsonl (BotbenchEventStore *store)
{
  g_autoptr(GPtrArray) events = all_events (store, FALSE);
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < events->len; i++)
    {
      g_autofree char *line = botbench_event_to_json_line (g_ptr_array_index (events, i));

      g_assert_null (strchr (line, '\n'));
      g_string_append (out, line);
      g_string_append_c (out, '\n');
    }

  return g_string_free (out, FALSE);
}

static BotbenchEventImportSummary *
import_text (BotbenchEventStore *store,
             const char         *text)
{
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_data (g_strdup (text), strlen (text), g_free);
  g_autoptr(GError) error = NULL;
  BotbenchEventImportSummary *summary;

  summary = botbench_event_import_stream (store, stream, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (summary);
  return summary;
}

static void
assert_same_event (BotbenchEvent *a,
                   BotbenchEvent *b)
{
  const char * const *ha = botbench_event_get_headers (a);
  const char * const *hb = botbench_event_get_headers (b);
  BotbenchForwardResult *fa, *fb;

  g_assert_cmpint (botbench_event_get_received (a), ==, botbench_event_get_received (b));
  g_assert_cmpstr (botbench_event_get_remote_address (a), ==, botbench_event_get_remote_address (b));
  g_assert_cmpstr (botbench_event_get_method (a), ==, botbench_event_get_method (b));
  g_assert_cmpstr (botbench_event_get_path (a), ==, botbench_event_get_path (b));
  g_assert_cmpstr (botbench_event_get_query (a), ==, botbench_event_get_query (b));
  g_assert_cmpstr (botbench_event_get_content_type (a), ==, botbench_event_get_content_type (b));
  g_assert_cmpstrv (ha, hb);
  g_assert_true (g_bytes_equal (botbench_event_get_body (a), botbench_event_get_body (b)));
  g_assert_cmpstr (botbench_event_get_event_name (a), ==, botbench_event_get_event_name (b));
  g_assert_cmpint (botbench_event_get_token_state (a), ==, botbench_event_get_token_state (b));
  g_assert_cmpint (botbench_event_get_rejected (a), ==, botbench_event_get_rejected (b));
  g_assert_cmpint (botbench_event_get_replay_of (a), ==, botbench_event_get_replay_of (b));

  fa = botbench_event_get_forward (a);
  fb = botbench_event_get_forward (b);
  g_assert_true ((fa == NULL) == (fb == NULL));
  if (fa != NULL)
    {
      GBytes *ba = botbench_forward_result_get_response_body (fa);
      GBytes *bb = botbench_forward_result_get_response_body (fb);

      g_assert_cmpstr (botbench_forward_result_get_url (fa), ==, botbench_forward_result_get_url (fb));
      g_assert_cmpint (botbench_forward_result_get_state (fa), ==, botbench_forward_result_get_state (fb));
      g_assert_cmpuint (botbench_forward_result_get_status (fa), ==, botbench_forward_result_get_status (fb));
      g_assert_cmpint (botbench_forward_result_get_duration_ms (fa), ==, botbench_forward_result_get_duration_ms (fb));
      g_assert_cmpstr (botbench_forward_result_get_error (fa), ==, botbench_forward_result_get_error (fb));
      g_assert_cmpuint (botbench_forward_result_get_response_size (fa), ==,
                        botbench_forward_result_get_response_size (fb));
      g_assert_true ((ba == NULL) == (bb == NULL));
      if (ba != NULL)
        g_assert_true (g_bytes_equal (ba, bb));
    }
}

static void
test_jsonl_round_trip (ExportFixture *f,
                       gconstpointer  data)
{
  g_autofree char *jsonl = export_jsonl (f->store);
  g_autofree char *again = NULL;
  g_autoptr(BotbenchEventImportSummary) first = NULL;
  g_autoptr(BotbenchEventImportSummary) second = NULL;
  g_autoptr(GPtrArray) before = all_events (f->store, TRUE);
  g_autoptr(GPtrArray) after = NULL;

  /* A binary body is carried as base64, text as text. */
  g_assert_nonnull (strstr (jsonl, "\"body_base64\":\"YQBi//4NCgEgZW5k\""));
  g_assert_nonnull (strstr (jsonl, "\"body\":\"line one\\r\\nline two\u2028 \\u007f\""));
  g_assert_nonnull (strstr (jsonl, "\"headers\":[[\"Host\",\"bot.example.com:8443\"]"));

  g_assert_nonnull (strstr (jsonl, "\"verified\":\"wrong-token\""));
  g_assert_nonnull (strstr (jsonl, "\"rejected\":true"));
  g_assert_nonnull (strstr (jsonl, "\"replay_of\":1,"));
  g_assert_nonnull (strstr (jsonl, "\"error\":\"Connection refused\""));

  first = import_text (f->fresh, jsonl);
  g_assert_cmpuint (first->imported, ==, f->sent->len);
  g_assert_cmpuint (first->duplicates, ==, 0);
  g_assert_cmpuint (first->failed, ==, 0);
  g_assert_cmpuint (first->errors->len, ==, 0);

  /* Same events, byte-exact, and in the same order of ids (the file is
   * newest first, the store gets them oldest first). */
  after = all_events (f->fresh, TRUE);
  g_assert_cmpuint (after->len, ==, before->len);
  for (guint i = 0; i < before->len; i++)
    assert_same_event (g_ptr_array_index (before, i), g_ptr_array_index (after, i));

  /* The fresh store exports the same lines, but for the ids. */
  again = export_jsonl (f->fresh);
  g_assert_cmpuint (strlen (again), ==, strlen (jsonl));

  /* Twice: nothing new. */
  second = import_text (f->fresh, jsonl);
  g_assert_cmpuint (second->imported, ==, 0);
  g_assert_cmpuint (second->duplicates, ==, f->sent->len);
  g_clear_pointer (&after, g_ptr_array_unref);
  after = all_events (f->fresh, TRUE);
  g_assert_cmpuint (after->len, ==, before->len);
}

static gboolean
result_is_set (gpointer data)
{
  return *(GAsyncResult **)data != NULL;
}

static void
store_result_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

/* The window's way: a file, on a worker thread. */
static void
test_jsonl_import_file_async (ExportFixture *f,
                              gconstpointer  data)
{
  g_autofree char *jsonl = export_jsonl (f->store);
  g_autofree char *path = g_build_filename (f->dir, "export.jsonl", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(BotbenchEventImportSummary) summary = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) after = NULL;

  g_file_set_contents (path, jsonl, -1, &error);
  g_assert_no_error (error);

  botbench_event_import_file_async (f->fresh, file, NULL, store_result_cb, &result);
  botbench_test_assert_wait_until (result_is_set, &result, "the import");
  summary = botbench_event_import_file_finish (f->fresh, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (summary->imported, ==, f->sent->len);
  after = all_events (f->fresh, TRUE);
  g_assert_cmpuint (after->len, ==, f->sent->len);

  /* A file that is not there: an error, nothing imported. */
  {
    g_autoptr(GFile) missing = g_file_new_for_path ("/nonexistent/botbench.jsonl");
    g_autoptr(GAsyncResult) failed = NULL;
    g_autoptr(BotbenchEventImportSummary) none = NULL;
    g_autoptr(GError) missing_error = NULL;

    botbench_event_import_file_async (f->fresh, missing, NULL, store_result_cb, &failed);
    botbench_test_assert_wait_until (result_is_set, &failed, "the failed import");
    none = botbench_event_import_file_finish (f->fresh, failed, &missing_error);
    g_assert_null (none);
    g_assert_error (missing_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  }
}

/* Into the store the lines came from: every one is there already. */
static void
test_jsonl_reimport_same_store (ExportFixture *f,
                                gconstpointer  data)
{
  g_autofree char *jsonl = export_jsonl (f->store);
  g_autoptr(BotbenchEventImportSummary) summary = import_text (f->store, jsonl);

  g_assert_cmpuint (summary->imported, ==, 0);
  g_assert_cmpuint (summary->duplicates, ==, f->sent->len);
}

static void
test_jsonl_bad_lines (ExportFixture *f,
                      gconstpointer  data)
{
  g_autoptr(GPtrArray) events = all_events (f->store, FALSE);
  g_autofree char *good = botbench_event_to_json_line (g_ptr_array_index (events, 0));
  g_autofree char *text = NULL;
  g_autoptr(BotbenchEventImportSummary) summary = NULL;
  g_autoptr(GPtrArray) imported = NULL;

  /* CRLF line ends, blank lines, a bad line between good ones, no final newline. */
  text = g_strdup_printf ("\r\n%s\r\n{\"received\":\"soon\"}\n   \nnot json\n%s", good, good);
  summary = import_text (f->fresh, text);
  g_assert_cmpuint (summary->imported, ==, 1);
  g_assert_cmpuint (summary->duplicates, ==, 1);
  g_assert_cmpuint (summary->failed, ==, 2);
  g_assert_cmpuint (summary->errors->len, ==, 2);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (summary->errors, 0), "Line 3: "));
  g_assert_nonnull (strstr (g_ptr_array_index (summary->errors, 0), "received"));
  g_assert_true (g_str_has_prefix (g_ptr_array_index (summary->errors, 1), "Line 5: "));

  imported = all_events (f->fresh, TRUE);
  g_assert_cmpuint (imported->len, ==, 1);
  assert_same_event (g_ptr_array_index (events, 0), g_ptr_array_index (imported, 0));
}

/* Hostile lines: each one an error naming what is wrong, never a crash. */
static void
test_jsonl_hostile (void)
{
  static const char * const lines[] = {
    "",
    "null",
    "[]",
    "\"x\"",
    "{}",
    "{\"received\":1}",
    "{\"received\":-1,\"method\":\"POST\",\"path\":\"/\",\"body\":\"\"}",
    "{\"received\":1.5,\"method\":\"POST\",\"path\":\"/\",\"body\":\"\"}",
    "{\"received\":\"1\",\"method\":\"POST\",\"path\":\"/\",\"body\":\"\"}",
    "{\"received\":1,\"method\":7,\"path\":\"/\",\"body\":\"\"}",
    "{\"received\":1,\"method\":\"\",\"path\":\"/\",\"body\":\"\"}",
    "{\"received\":1,\"method\":\"POST\",\"path\":\"x\",\"body\":\"\"}",
    "{\"received\":1,\"method\":\"POST\",\"path\":null,\"body\":\"\"}",
    "{\"received\":1,\"method\":\"POST\",\"path\":\"/\"}",
    "{\"received\":1,\"method\":\"POST\",\"path\":\"/\",\"body\":{}}",
    "{\"received\":1,\"method\":\"POST\",\"path\":\"/\",\"body\":\"\",\"body_base64\":\"\"}",
    "{\"received\":1,\"method\":\"POST\",\"path\":\"/\",\"body_base64\":\"***\"}",
    "{\"received\":1,\"method\":\"POST\",\"path\":\"/\",\"body_base64\":\"YQ=\"}",
    "{\"received\":1,\"method\":\"POST\",\"path\":\"/\",\"body_base64\":\"Y=Q=\"}",
    "{\"received\":1,\"method\":\"POST\",\"path\":\"/\",\"body_base64\":12}",
    "{\"received\":1,\"method\":\"POST\",\"path\":\"/\",\"body\":\"\",\"headers\":{}}",
    "{\"received\":1,\"method\":\"POST\",\"path\":\"/\",\"body\":\"\",\"headers\":[[\"a\"]]}",
    "{\"received\":1,\"method\":\"POST\",\"path\":\"/\",\"body\":\"\",\"headers\":[[\"a\",1]]}",
    "{\"received\":1,\"method\":\"POST\",\"path\":\"/\",\"body\":\"\",\"headers\":[\"a\",\"b\"]}",
    "{\"received\":1,\"method\":\"POST\",\"path\":\"/\",\"body\":\"\",\"query\":[]}",
    "{\"received\":1,\"method\":\"POST\",\"path\":\"/\",\"body\":\"\",\"remote\":false}",
    "{\"received\":1,\"method\":\"POST\",\"path\":\"/\",\"body\":\"\",\"content_type\":{}}",
    "{\"received\":1,\"method\":\"POST\",\"path\":\"/\",\"body\":\"\"} {}",
    "{\"received\":1,\"method\":\"POST\",\"path\":\"/\",\"body\":\"\"",
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
    "{\"received\":1,\"method\":\"POST\",\"path\":\"/\",\"body\":\"\",\"verified\":\"yes\"}",
    "{\"received\":1,\"method\":\"POST\",\"path\":\"/\",\"body\":\"\",\"verified\":1}",
    "{\"received\":1,\"method\":\"POST\",\"path\":\"/\",\"body\":\"\",\"rejected\":1}",
    "{\"received\":1,\"method\":\"POST\",\"path\":\"/\",\"body\":\"\",\"replay_of\":0}",
    "{\"received\":1,\"method\":\"POST\",\"path\":\"/\",\"body\":\"\",\"replay_of\":\"2\"}",
    "{\"received\":1,\"method\":\"POST\",\"path\":\"/\",\"body\":\"\",\"forward\":[]}",
    "{\"received\":1,\"method\":\"POST\",\"path\":\"/\",\"body\":\"\",\"forward\":{}}",
    "{\"received\":1,\"method\":\"POST\",\"path\":\"/\",\"body\":\"\",\"forward\":{\"url\":\"u\",\"status\":99999}}",
    "{\"received\":1,\"method\":\"POST\",\"path\":\"/\",\"body\":\"\",\"forward\":{\"url\":\"u\",\"state\":\"gone\"}}",
    "{\"received\":1,\"method\":\"POST\",\"path\":\"/\",\"body\":\"\",\"forward\":{\"url\":\"u\",\"response_body\":5}}",
    "{\"received\":1,\"method\":\"POST\",\"path\":\"/\",\"body\":\"\",\"forward\":{\"url\":\"u\",\"duration_ms\":-4}}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(BotbenchEvent) event = NULL;

      g_test_message ("%s", lines[i]);
      event = botbench_event_from_json_line (lines[i], strlen (lines[i]), &error);
      g_assert_null (event);
      g_assert_error (error, BOTBENCH_EVENT_IMPORT_ERROR, BOTBENCH_EVENT_IMPORT_ERROR_MALFORMED);
    }

  /* A deep nesting is refused before json-glib recurses into it. */
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *deep = g_strnfill (100000, '[');
    g_autoptr(BotbenchEvent) event = botbench_event_from_json_line (deep, strlen (deep), &error);

    g_assert_null (event);
    g_assert_error (error, BOTBENCH_EVENT_IMPORT_ERROR, BOTBENCH_EVENT_IMPORT_ERROR_MALFORMED);
  }
}

/* The smallest line that imports; optional members may be null or absent. */
static void
test_jsonl_minimal (void)
{
  const char *line = "{\"received\":5,\"method\":\"PUT\",\"path\":\"/p\",\"query\":null,"
                     "\"content_type\":\"\",\"body_base64\":\"AP8=\"}";
  g_autoptr(GError) error = NULL;
  g_autoptr(BotbenchEvent) event = botbench_event_from_json_line (line, strlen (line), &error);
  gsize len;
  const guchar *data;

  g_assert_no_error (error);
  g_assert_cmpint (botbench_event_get_received (event), ==, 5);
  g_assert_cmpstr (botbench_event_get_method (event), ==, "PUT");
  g_assert_cmpstr (botbench_event_get_query (event), ==, "");
  g_assert_null (botbench_event_get_content_type (event));
  g_assert_null (botbench_event_get_headers (event)[0]);
  data = g_bytes_get_data (botbench_event_get_body (event), &len);
  g_assert_cmpuint (len, ==, 2);
  g_assert_cmpuint (data[0], ==, 0);
  g_assert_cmpuint (data[1], ==, 0xff);
}

/* ---- HAR ---------------------------------------------------------------- */

static JsonObject *
member_object (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_node_get_object (node);
}

static JsonArray *
member_array (JsonObject *object,
              const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  return json_node_get_array (node);
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_VALUE (node));
  g_assert_true (json_node_get_value_type (node) == G_TYPE_STRING);
  return json_node_get_string (node);
}

static gint64
member_int (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_VALUE (node));
  g_assert_true (json_node_get_value_type (node) == G_TYPE_INT64 ||
                 json_node_get_value_type (node) == G_TYPE_DOUBLE);
  return json_node_get_int (node);
}

static void
assert_name_values (JsonArray *array)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
      member_string (json_node_get_object (node), "name");
      member_string (json_node_get_object (node), "value");
    }
}

static const char *
find_value (JsonArray  *array,
            const char *name)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *pair = json_array_get_object_element (array, i);

      if (g_strcmp0 (json_object_get_string_member (pair, "name"), name) == 0)
        return json_object_get_string_member (pair, "value");
    }

  return NULL;
}

static void
assert_har_entry (JsonObject *entry)
{
  JsonObject *request, *response, *content, *timings, *post;
  const char *started = member_string (entry, "startedDateTime");
  g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601 (started, NULL);

  g_assert_nonnull (dt);
  g_assert_cmpint (member_int (entry, "time"), >=, 0);

  request = member_object (entry, "request");
  member_string (request, "method");
  g_assert_true (g_str_has_prefix (member_string (request, "url"), "http://"));
  g_assert_true (g_uri_is_valid (member_string (request, "url"), G_URI_FLAGS_NONE, NULL));
  g_assert_cmpstr (member_string (request, "httpVersion"), ==, "HTTP/1.1");
  member_array (request, "cookies");
  assert_name_values (member_array (request, "headers"));
  assert_name_values (member_array (request, "queryString"));
  g_assert_cmpint (member_int (request, "headersSize"), ==, -1);
  g_assert_cmpint (member_int (request, "bodySize"), >=, 0);
  post = member_object (request, "postData");
  member_string (post, "mimeType");
  member_string (post, "text");
  assert_name_values (member_array (post, "params"));

  response = member_object (entry, "response");
  g_assert_cmpint (member_int (response, "status"), >=, 0);
  member_string (response, "statusText");
  member_string (response, "httpVersion");
  member_array (response, "cookies");
  assert_name_values (member_array (response, "headers"));
  content = member_object (response, "content");
  g_assert_cmpint (member_int (content, "size"), >=, 0);
  member_string (content, "mimeType");
  member_string (response, "redirectURL");
  member_int (response, "headersSize");
  member_int (response, "bodySize");

  member_object (entry, "cache");
  timings = member_object (entry, "timings");
  g_assert_cmpint (member_int (timings, "send"), >=, 0);
  g_assert_cmpint (member_int (timings, "wait"), >=, 0);
  g_assert_cmpint (member_int (timings, "receive"), >=, 0);
}

static void
test_har_required_fields (ExportFixture *f,
                          gconstpointer  data)
{
  g_autoptr(GPtrArray) events = all_events (f->store, FALSE);
  g_autofree char *har = botbench_event_har_build (events);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *log, *creator, *first_form = NULL, *bin = NULL;
  JsonArray *entries;

  json_parser_load_from_data (parser, har, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));

  log = member_object (json_node_get_object (json_parser_get_root (parser)), "log");
  g_assert_cmpstr (member_string (log, "version"), ==, "1.2");
  creator = member_object (log, "creator");
  g_assert_cmpstr (member_string (creator, "name"), ==, "Botbench");
  g_assert_cmpstr (member_string (creator, "version"), ==, PACKAGE_VERSION);

  entries = member_array (log, "entries");
  g_assert_cmpuint (json_array_get_length (entries), ==, events->len);
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *entry;
      JsonObject *request;

      g_assert_true (JSON_NODE_HOLDS_OBJECT (json_array_get_element (entries, i)));
      entry = json_array_get_object_element (entries, i);
      assert_har_entry (entry);

      request = member_object (entry, "request");
      if (g_str_has_suffix (member_string (request, "url"), "/bin"))
        bin = entry;
      if (first_form == NULL && strstr (member_string (request, "url"), "/bot.php") != NULL)
        first_form = entry;
    }

  /* The form event: url from the Host header, the query decoded, the
   * body's pairs decoded in order. */
  g_assert_nonnull (first_form);
  {
    JsonObject *request = member_object (first_form, "request");
    JsonObject *post = member_object (request, "postData");
    JsonArray *params = member_array (post, "params");

    g_assert_cmpstr (member_string (request, "url"), ==, "http://bot.example.com:8443/bot.php?CLIENT_ID=abc&x=%20y");
    g_assert_cmpstr (find_value (member_array (request, "queryString"), "x"), ==, " y");
    g_assert_cmpstr (member_string (post, "mimeType"), ==, "application/x-www-form-urlencoded");
    g_assert_cmpuint (json_array_get_length (params), >, 10);
    g_assert_cmpstr (find_value (params, "auth[application_token]"), ==, "831c76b092f9f135d9b6b36c3a720757");
    g_assert_cmpstr (find_value (member_array (request, "headers"), "User-Agent"), ==, "Bitrix24 Webhook Engine");
  }

  /* The answer shown is the handler's when forwarded, a 401 when rejected,
   * else the listener's 200 (ids 1, 2, 3 are sent[0], [1], [2]). */
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *entry = json_array_get_object_element (entries, i);
      JsonObject *response = member_object (entry, "response");
      gint64 id = member_int (entry, "_botbenchId");

      if (id == 1)
        {
          g_assert_cmpint (member_int (response, "status"), ==, 201);
          g_assert_cmpstr (member_string (member_object (response, "content"), "text"), ==, "{\"ok\":1}");
          g_assert_cmpint (member_int (member_object (entry, "timings"), "wait"), ==, 35);
          g_assert_cmpint (member_int (entry, "time"), ==, 35);
          g_assert_cmpstr (member_string (entry, "_verified"), ==, "verified");
        }
      else if (id == 2)
        {
          g_assert_cmpint (member_int (response, "status"), ==, 401);
          g_assert_cmpstr (member_string (entry, "_verified"), ==, "wrong-token");
        }
      else if (id == 3)
        {
          g_assert_cmpint (member_int (response, "status"), ==, 0);
          g_assert_cmpstr (member_string (response, "_error"), ==, "Connection refused");
        }
      else
        {
          g_assert_cmpint (member_int (response, "status"), ==, 200);
          g_assert_cmpstr (member_string (response, "statusText"), ==, "OK");
        }
    }

  /* Binary: still JSON, the size is the real one. */
  g_assert_nonnull (bin);
  g_assert_cmpint (member_int (member_object (bin, "request"), "bodySize"), ==, sizeof binary_body - 1);
}

static void
test_har_empty (void)
{
  g_autoptr(GPtrArray) none = g_ptr_array_new ();
  g_autofree char *har = botbench_event_har_build (none);
  g_autoptr(JsonNode) root = botbench_json_parse (har, strlen (har), NULL);
  JsonObject *log;

  g_assert_nonnull (root);
  log = member_object (json_node_get_object (root), "log");
  g_assert_cmpuint (json_array_get_length (member_array (log, "entries")), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/event-export/jsonl/round-trip", ExportFixture, NULL,
              export_setup, test_jsonl_round_trip, export_teardown);
  g_test_add ("/event-export/jsonl/reimport-same-store", ExportFixture, NULL,
              export_setup, test_jsonl_reimport_same_store, export_teardown);
  g_test_add ("/event-export/jsonl/import-file-async", ExportFixture, NULL,
              export_setup, test_jsonl_import_file_async, export_teardown);
  g_test_add ("/event-export/jsonl/bad-lines", ExportFixture, NULL,
              export_setup, test_jsonl_bad_lines, export_teardown);
  g_test_add_func ("/event-export/jsonl/hostile", test_jsonl_hostile);
  g_test_add_func ("/event-export/jsonl/minimal", test_jsonl_minimal);
  g_test_add ("/event-export/har/required-fields", ExportFixture, NULL,
              export_setup, test_har_required_fields, export_teardown);
  g_test_add_func ("/event-export/har/empty", test_har_empty);

  return g_test_run ();
}
