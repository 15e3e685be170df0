/* sandbox-chat-fixture.h: a sandbox and an event receiver for the control API tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shared by test-sandbox-chat.c and test-sandbox-updates.c: a started
 * sandbox with a state file, a SoupServer on loopback that keeps every event
 * POSTed to it (and answers with f->answer_status), and helpers for control
 * and REST calls.  All static inline: each test uses what it needs.
 */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "botbench-core.h"
#include "botbench-sandbox.h"
#include "botbench-sandbox-private.h"
#include "botbench-test-utils.h"

#define WAIT_MS 10000
/* A loopback port that refuses connections. */
#define DEAD_HANDLER "http://127.0.0.1:9/bot"

typedef struct
{
  char            *tmp_dir;
  char            *state_path;
  BotbenchSandbox *sandbox;
  SoupSession     *session;
  char            *url;
  char            *webhook;

  SoupServer      *receiver;
  char            *receiver_url;
  guint            answer_status;
  GPtrArray       *received;    /* BotbenchFormNode*, in arrival order */
  GPtrArray       *paths;       /* char*: the path each one came to */
} Fixture;

static inline void
receiver_cb (SoupServer        *server,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  Fixture *f = user_data;
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);

  g_ptr_array_add (f->received, botbench_post_decode_urlencoded (g_bytes_get_data (bytes, NULL),
                                                                 g_bytes_get_size (bytes)));
  g_ptr_array_add (f->paths, g_strdup (path));
  soup_server_message_set_status (msg, f->answer_status, NULL);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "ok", 2);
}

static inline void
fixture_start (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  botbench_sandbox_start (f->sandbox, &error);
  g_assert_no_error (error);
  g_clear_pointer (&f->url, g_free);
  g_clear_pointer (&f->webhook, g_free);
  f->url = botbench_sandbox_dup_url (f->sandbox);
  f->webhook = botbench_sandbox_dup_webhook_url (f->sandbox);
}

static inline void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  guint port;

  f->tmp_dir = botbench_test_make_tmp_dir ();
  f->state_path = g_build_filename (f->tmp_dir, "sandbox", "state.db", NULL);
  f->sandbox = botbench_sandbox_new ();
  botbench_sandbox_set_port (f->sandbox, 0);
  botbench_sandbox_set_state_path (f->sandbox, f->state_path);
  botbench_sandbox_set_rate_limit (f->sandbox, FALSE);
  botbench_sandbox_set_bot_limit (f->sandbox, 0);
  f->session = soup_session_new_with_options ("timeout", 30, NULL);

  f->answer_status = 200;
  f->received = g_ptr_array_new_with_free_func ((GDestroyNotify)botbench_form_node_unref);
  f->paths = g_ptr_array_new_with_free_func (g_free);
  f->receiver = soup_server_new (NULL, NULL);
  soup_server_add_handler (f->receiver, NULL, receiver_cb, f, NULL);
  port = botbench_test_serve_loopback (f->receiver);
  f->receiver_url = g_strdup_printf ("http://127.0.0.1:%u/", port);

  if (data == NULL || GPOINTER_TO_INT (data) != 'n')
    fixture_start (f);
}

static inline void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->session);
  botbench_sandbox_stop (f->sandbox);
  botbench_test_iterate_pending (0);
  g_assert_finalize_object (g_steal_pointer (&f->sandbox));
  g_clear_object (&f->receiver);
  botbench_test_iterate_pending (0);

  botbench_test_rm_rf (f->tmp_dir);
  g_clear_pointer (&f->tmp_dir, g_free);
  g_clear_pointer (&f->state_path, g_free);
  g_clear_pointer (&f->url, g_free);
  g_clear_pointer (&f->webhook, g_free);
  g_clear_pointer (&f->receiver_url, g_free);
  g_clear_pointer (&f->received, g_ptr_array_unref);
  g_clear_pointer (&f->paths, g_ptr_array_unref);
}

/* ------------------------------------------------------------------------ */

static inline JsonNode *
parse_json (const char *text,
            gssize      len)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, len, &error);
  g_assert_no_error (error);

  return json_node_copy (json_parser_get_root (parser));
}

/* method "GET" (no body) or "POST" (a JSON body); *status: HTTP status. */
static inline JsonNode *
request (Fixture    *f,
         const char *method,
         const char *url,
         const char *json,
         guint      *status)
{
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (msg);
  if (json != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (json, strlen (json));

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  reply = soup_session_send_and_read (f->session, msg, NULL, &error);
  g_assert_no_error (error);
  *status = soup_message_get_status (msg);

  return parse_json (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply));
}

/* POST /_sandbox/<what> with a JSON body; the reply. */
static inline JsonNode *
control_raw (Fixture    *f,
             const char *what,
             const char *json,
             guint      *status)
{
  g_autofree char *url = g_strconcat (f->url, "_sandbox/", what, NULL);

  return request (f, "POST", url, json, status);
}

/* The "result" object of a control call that must succeed (a new ref). */
static inline JsonObject *
control_ok (Fixture    *f,
            const char *what,
            const char *json)
{
  g_autoptr(JsonNode) reply = NULL;
  JsonObject *object;
  guint status;

  reply = control_raw (f, what, json, &status);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (reply));
  object = json_node_get_object (reply);
  if (json_object_has_member (object, "error"))
    g_error ("%s: unexpected %s: %s", what, json_object_get_string_member (object, "error"),
             json_object_get_string_member (object, "error_description"));
  g_assert_cmpuint (status, ==, 200);
  g_assert_true (json_object_has_member (object, "time"));

  return json_object_ref (json_object_get_object_member (object, "result"));
}

static inline JsonObject *
control_get (Fixture    *f,
             const char *what_and_query)
{
  g_autofree char *url = g_strconcat (f->url, "_sandbox/", what_and_query, NULL);
  g_autoptr(JsonNode) reply = NULL;
  guint status;

  reply = request (f, "GET", url, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (reply));
  g_assert_true (json_object_has_member (json_node_get_object (reply), "result"));

  return json_object_ref (json_object_get_object_member (json_node_get_object (reply), "result"));
}

static inline void
assert_error (JsonNode   *reply,
              guint       status,
              guint       expected_status,
              const char *code,
              const char *description)
{
  JsonObject *object;

  g_assert_true (JSON_NODE_HOLDS_OBJECT (reply));
  object = json_node_get_object (reply);
  g_assert_cmpstr (json_object_get_string_member_with_default (object, "error", "(none)"), ==, code);
  g_assert_cmpstr (json_object_get_string_member_with_default (object, "error_description", "(none)"),
                   ==, description);
  g_assert_cmpuint (status, ==, expected_status);
  g_assert_false (json_object_has_member (object, "result"));
}

static inline void
assert_control_error (Fixture    *f,
                      const char *what,
                      const char *json,
                      guint       expected_status,
                      const char *code,
                      const char *description)
{
  g_autoptr(JsonNode) reply = NULL;
  guint status;

  reply = control_raw (f, what, json, &status);
  assert_error (reply, status, expected_status, code, description);
}

/* A webhook REST call; the reply. */
static inline JsonNode *
rest_raw (Fixture    *f,
          const char *method,
          const char *json,
          guint      *status)
{
  g_autofree char *url = g_strconcat (f->webhook, method, NULL);

  return request (f, "POST", url, json, status);
}

static inline JsonNode *
rest_ok (Fixture    *f,
         const char *method,
         const char *json)
{
  g_autoptr(JsonNode) reply = NULL;
  JsonObject *object;
  guint status;

  reply = rest_raw (f, method, json, &status);
  object = json_node_get_object (reply);
  if (json_object_has_member (object, "error"))
    g_error ("%s: unexpected %s: %s", method, json_object_get_string_member (object, "error"),
             json_object_get_string_member (object, "error_description"));
  g_assert_cmpuint (status, ==, 200);

  return json_node_copy (json_object_get_member (object, "result"));
}

static inline gint64
rest_int (Fixture    *f,
          const char *method,
          const char *json)
{
  g_autoptr(JsonNode) result = rest_ok (f, method, json);

  return json_node_get_int (result);
}

/* A webhook-mode bot of client_id; handlers: extra JSON members (with a
 * trailing comma), or NULL for EVENT_HANDLER = the receiver. */
static inline gint64
register_bot (Fixture    *f,
              const char *client_id,
              const char *code,
              const char *type,
              const char *handlers)
{
  g_autofree char *json = NULL;
  g_autofree char *all = g_strdup_printf ("\"EVENT_HANDLER\":\"%sbot/%s\",", f->receiver_url, code);

  json = g_strdup_printf ("{\"CODE\":\"%s\",\"TYPE\":\"%s\",%s\"CLIENT_ID\":\"%s\","
                          "\"PROPERTIES\":{\"NAME\":\"Bot %s\"}}",
                          code, type, handlers ? handlers : all, client_id, code);
  return rest_int (f, "imbot.register", json);
}

static inline gboolean
tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Waits for a condition the sandbox's thread makes true: the main context
 * is woken every few milliseconds to look again. */
static inline void
wait_polling (gboolean  (*func) (gpointer data),
              gpointer    data,
              const char *what)
{
  guint ticker = g_timeout_add (5, tick_cb, NULL);

  botbench_test_assert_wait_until_full (func, data, WAIT_MS, what);
  g_source_remove (ticker);
}

static inline gboolean
received_at_least_cb (gpointer data)
{
  Fixture *f = ((gpointer *)data)[0];
  guint n = GPOINTER_TO_UINT (((gpointer *)data)[1]);

  return f->received->len >= n;
}

static inline void
wait_received (Fixture *f,
               guint    n)
{
  gpointer data[2] = { f, GUINT_TO_POINTER (n) };
  g_autofree char *what = g_strdup_printf ("%u events to arrive", n);

  botbench_test_assert_wait_until_full (received_at_least_cb, data, WAIT_MS, what);
}

static inline gint64
get_rev (Fixture *f)
{
  g_autoptr(JsonObject) info = control_get (f, "info");

  return json_object_get_int_member (info, "REV");
}

static inline gint64
send_message (Fixture    *f,
              gint64      from,
              const char *dialog,
              const char *text)
{
  g_autofree char *json = g_strdup_printf ("{\"FROM_USER_ID\":%" G_GINT64_FORMAT ",\"DIALOG_ID\":\"%s\","
                                           "\"MESSAGE\":\"%s\"}", from, dialog, text);
  g_autoptr(JsonObject) result = control_ok (f, "message", json);

  return json_object_get_int_member (result, "MESSAGE_ID");
}

static inline JsonObject *
find_message (Fixture    *f,
              const char *dialog,
              gint64      user_id,
              gint64      id)
{
  g_autofree char *query = g_strdup_printf ("messages?DIALOG_ID=%s&USER_ID=%" G_GINT64_FORMAT, dialog, user_id);
  g_autoptr(JsonObject) result = control_get (f, query);
  JsonArray *messages = json_object_get_array_member (result, "MESSAGES");

  for (guint i = 0; i < json_array_get_length (messages); i++)
    if (json_object_get_int_member (json_array_get_object_element (messages, i), "ID") == id)
      return json_object_ref (json_array_get_object_element (messages, i));

  g_error ("message %" G_GINT64_FORMAT " not in %s", id, dialog);
}
