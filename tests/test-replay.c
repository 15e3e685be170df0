/* test-replay.c: replaying stored events, with edits
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * decode (original) with the edits applied == decode (replayed), for a
 * replay sent to a loopback handler and to a running listener; the replay
 * is stored once, marked with the event it replays, with the answer.
 */
#include "config.h"

#include <string.h>

#include "botbench-core.h"
#include "botbench-form-edit.h"
#include "botbench-replay.h"
#include "botbench-test-utils.h"

typedef struct
{
  char               *dir;
  BotbenchEventStore *store;
  SoupSession        *session;

  /* the loopback handler */
  SoupServer         *server;
  char               *handler_url;
  guint               handler_status;
  guint               n_received;
  GBytes             *received_body;
  char               *received_replay_of;
  char               *received_path;
} Fixture;

static void
handler_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  Fixture *f = user_data;
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  f->n_received++;
  g_clear_pointer (&f->received_body, g_bytes_unref);
  f->received_body = g_bytes_new (body->data, body->length);
  g_free (f->received_replay_of);
  f->received_replay_of = g_strdup (soup_message_headers_get_one (headers, "X-Botbench-Replay-Of"));
  g_free (f->received_path);
  f->received_path = g_strdup (path);

  soup_server_message_set_status (msg, f->handler_status, NULL);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "handled", 7);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  guint port;

  f->dir = botbench_test_make_tmp_dir ();
  path = g_build_filename (f->dir, "events.db", NULL);
  f->store = botbench_event_store_new (path, &error);
  g_assert_no_error (error);
  f->session = soup_session_new ();

  f->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (f->server, NULL, handler_cb, f, NULL);
  port = botbench_test_serve_loopback (f->server);
  f->handler_url = g_strdup_printf ("http://127.0.0.1:%u/bot.php", port);
  f->handler_status = 200;
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->session);
  g_clear_object (&f->server);
  botbench_event_store_close (f->store);
  g_clear_object (&f->store);
  botbench_test_iterate_pending (0);
  botbench_test_rm_rf (f->dir);
  g_clear_pointer (&f->dir, g_free);
  g_clear_pointer (&f->handler_url, g_free);
  g_clear_pointer (&f->received_body, g_bytes_unref);
  g_clear_pointer (&f->received_replay_of, g_free);
  g_clear_pointer (&f->received_path, g_free);
}

static gint64
count_events (Fixture *f)
{
  BotbenchEventQuery all = { 0 };

  return botbench_event_store_count (f->store, &all, NULL);
}

/* The fixture as a stored event (id > 0). */
static BotbenchEvent *
store_fixture (Fixture    *f,
               const char *name)
{
  g_autoptr(GBytes) body = botbench_test_load_fixture (name);
  g_autofree char *length = g_strdup_printf ("%" G_GSIZE_FORMAT, g_bytes_get_size (body));
  const char *headers[] = {
    "Host", "bot.example.com",
    "User-Agent", "Bitrix24 Webhook Engine",
    "Content-Type", "application/x-www-form-urlencoded",
    "Content-Length", length,
    NULL
  };
  g_autoptr(BotbenchEvent) event = botbench_event_new (g_get_real_time (), "203.0.113.7", "POST", "/bot/events",
                                                       "CLIENT_ID=mybot01", headers,
                                                       "application/x-www-form-urlencoded", body);
  g_autoptr(GError) error = NULL;
  gint64 id = botbench_event_store_insert (f->store, event, &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);

  return botbench_event_store_get_event (f->store, id, &error);
}

static BotbenchFormNode *
decode_bytes (GBytes *bytes)
{
  return botbench_post_decode_urlencoded (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

/* decode (original) + sets == decode (body), compared as PHP's JSON. */
static void
assert_edited (BotbenchEvent      *original,
               const char * const *sets,
               GBytes             *body)
{
  g_autoptr(BotbenchFormNode) expected = decode_bytes (botbench_event_get_body (original));
  g_autoptr(BotbenchFormNode) got = decode_bytes (body);
  g_autofree char *expected_json = NULL;
  g_autofree char *got_json = NULL;

  for (guint i = 0; sets != NULL && sets[i] != NULL; i++)
    {
      g_autofree char *key = NULL;
      g_autofree char *value = NULL;

      g_assert_true (botbench_form_edit_parse_assignment (sets[i], &key, &value, NULL));
      g_assert_true (botbench_form_edit_set (&expected, key, value, NULL));
    }

  expected_json = botbench_form_node_to_json (expected);
  got_json = botbench_form_node_to_json (got);
  g_assert_cmpstr (got_json, ==, expected_json);
}

static void
test_build_unchanged (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(BotbenchEvent) original = store_fixture (f, "ONIMBOTMESSAGEADD");
  g_autoptr(BotbenchEvent) replay = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *diff = NULL;

  replay = botbench_replay_build (original, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (botbench_event_get_body (replay), botbench_event_get_body (original)));
  g_assert_cmpint (botbench_event_get_replay_of (replay), ==, botbench_event_get_id (original));
  g_assert_cmpint (botbench_event_get_id (replay), ==, 0);
  g_assert_cmpstr (botbench_event_get_method (replay), ==, "POST");
  g_assert_cmpstr (botbench_event_get_path (replay), ==, "/bot/events");
  g_assert_cmpstr (botbench_event_get_query (replay), ==, "CLIENT_ID=mybot01");
  g_assert_cmpstr (botbench_event_get_remote_address (replay), ==, BOTBENCH_REPLAY_REMOTE);
  g_assert_cmpstr (botbench_event_get_header (replay, "User-Agent"), ==, "Bitrix24 Webhook Engine");

  diff = botbench_replay_dup_event_diff (original, replay);
  g_assert_cmpstr (diff, ==, "");
}

static void
test_build_edits (Fixture       *f,
                  gconstpointer  data)
{
  const char *sets[] = { "data[PARAMS][MESSAGE]=Edited & re-encoded, 100%", "data[PARAMS][NEW][x]=y", NULL };
  g_autoptr(BotbenchEvent) original = store_fixture (f, "ONIMBOTMESSAGEADD");
  g_autoptr(BotbenchEvent) replay = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *length = NULL;
  g_autofree char *diff = NULL;

  replay = botbench_replay_build (original, sets, &error);
  g_assert_no_error (error);
  assert_edited (original, sets, botbench_event_get_body (replay));
  length = g_strdup_printf ("%" G_GSIZE_FORMAT, g_bytes_get_size (botbench_event_get_body (replay)));
  g_assert_cmpstr (botbench_event_get_header (replay, "Content-Length"), ==, length);
  g_assert_cmpstr (botbench_event_get_message (replay), ==, "Edited & re-encoded, 100%");

  /* the original's decoded tree is untouched */
  g_assert_cmpstr (botbench_form_node_lookup_string (botbench_event_get_form (original), "data", "PARAMS",
                                                     "MESSAGE", NULL), ==, "Hello, bot!");

  diff = botbench_replay_dup_event_diff (original, replay);
  g_assert_cmpstr (diff, ==,
                   "- data[PARAMS][MESSAGE]=Hello, bot!\n"
                   "+ data[PARAMS][MESSAGE]=Edited & re-encoded, 100%\n"
                   "+ data[PARAMS][NEW][x]=y\n");
}

static void
test_build_errors (Fixture       *f,
                   gconstpointer  data)
{
  const char *bad_key[] = { "data[PARAMS=x", NULL };
  const char *no_equals[] = { "data[PARAMS][MESSAGE]", NULL };
  const char *fine[] = { "a=b", NULL };
  g_autoptr(BotbenchEvent) original = store_fixture (f, "ONIMBOTDELETE");
  g_autoptr(BotbenchEvent) json_event = NULL;
  g_autoptr(GBytes) json_body = g_bytes_new_static ("{\"a\":1}", 7);
  g_autoptr(GError) error = NULL;
  BotbenchEvent *replay;

  replay = botbench_replay_build (original, bad_key, &error);
  g_assert_null (replay);
  g_assert_error (error, BOTBENCH_FORM_EDIT_ERROR, BOTBENCH_FORM_EDIT_ERROR_INVALID_KEY);
  g_clear_error (&error);

  replay = botbench_replay_build (original, no_equals, &error);
  g_assert_null (replay);
  g_assert_error (error, BOTBENCH_FORM_EDIT_ERROR, BOTBENCH_FORM_EDIT_ERROR_INVALID_KEY);
  g_clear_error (&error);

  json_event = botbench_event_new (g_get_real_time (), "127.0.0.1", "POST", "/", "", NULL, "application/json",
                                   json_body);
  replay = botbench_replay_build (json_event, fine, &error);
  g_assert_null (replay);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
}

static BotbenchForwardResult *
send_replay (Fixture       *f,
             BotbenchEvent *replay,
             const char    *url,
             gint64        *out_id)
{
  g_auto(BotbenchTestResult) r = { NULL };
  g_autoptr(GError) error = NULL;
  BotbenchForwardResult *result;

  botbench_replay_send_async (f->store, f->session, replay, url, 5, NULL, botbench_test_result_cb, &r);
  result = botbench_replay_send_finish (botbench_test_result_wait (&r, 0), out_id, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);

  return result;
}

static void
test_send_to_handler (Fixture       *f,
                      gconstpointer  data)
{
  const char *sets[] = { "data[PARAMS][MESSAGE]=Replayed", "auth[application_token]=other", NULL };
  g_autoptr(BotbenchEvent) original = store_fixture (f, "ONIMBOTMESSAGEADD");
  g_autoptr(BotbenchEvent) replay = botbench_replay_build (original, sets, NULL);
  g_autoptr(BotbenchForwardResult) result = NULL;
  g_autoptr(BotbenchEvent) stored = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *original_id = g_strdup_printf ("%" G_GINT64_FORMAT, botbench_event_get_id (original));
  BotbenchForwardResult *forward;
  gint64 id = 0;

  result = send_replay (f, replay, f->handler_url, &id);
  g_assert_cmpuint (botbench_forward_result_get_status (result), ==, 200);
  g_assert_true (botbench_forward_result_is_success (result));

  /* the handler got the edited body, byte for byte, marked as a replay */
  g_assert_cmpuint (f->n_received, ==, 1);
  g_assert_true (g_bytes_equal (f->received_body, botbench_event_get_body (replay)));
  assert_edited (original, sets, f->received_body);
  g_assert_cmpstr (f->received_replay_of, ==, original_id);
  g_assert_cmpstr (f->received_path, ==, "/bot.php");

  /* stored as a new event from "replay", with the handler's answer */
  g_assert_cmpint (id, >, botbench_event_get_id (original));
  stored = botbench_event_store_get_event (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_nonnull (stored);
  g_assert_cmpint (botbench_event_get_replay_of (stored), ==, botbench_event_get_id (original));
  g_assert_cmpstr (botbench_event_get_remote_address (stored), ==, BOTBENCH_REPLAY_REMOTE);
  assert_edited (original, sets, botbench_event_get_body (stored));
  forward = botbench_event_get_forward (stored);
  g_assert_nonnull (forward);
  g_assert_cmpuint (botbench_forward_result_get_status (forward), ==, 200);
  g_assert_cmpmem (g_bytes_get_data (botbench_forward_result_get_response_body (forward), NULL),
                   g_bytes_get_size (botbench_forward_result_get_response_body (forward)), "handled", 7);
  g_assert_cmpint (count_events (f), ==, 2);
}

static void
test_send_refused (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(BotbenchEvent) original = store_fixture (f, "ONIMBOTDELETE");
  g_autoptr(BotbenchEvent) replay = botbench_replay_build (original, NULL, NULL);
  g_autoptr(BotbenchForwardResult) result = NULL;
  g_autoptr(BotbenchEvent) stored = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autofree char *url = NULL;
  gint64 id = 0;

  /* a port that was free a moment ago */
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  address = g_inet_socket_address_new (loopback, 0);
  g_assert_true (g_socket_bind (socket, address, TRUE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  url = g_strdup_printf ("http://127.0.0.1:%u/", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  g_socket_close (socket, NULL);

  result = send_replay (f, replay, url, &id);
  g_assert_cmpint (botbench_forward_result_get_state (result), ==, BOTBENCH_FORWARD_STATE_FAILED);
  g_assert_cmpuint (botbench_forward_result_get_status (result), ==, 0);
  g_assert_nonnull (botbench_forward_result_get_error (result));
  g_assert_false (botbench_forward_result_is_success (result));

  /* the replay is stored all the same, with the failure */
  g_assert_cmpint (id, >, 0);
  stored = botbench_event_store_get_event (f->store, id, NULL);
  g_assert_nonnull (stored);
  g_assert_cmpint (botbench_event_get_replay_of (stored), ==, botbench_event_get_id (original));
  g_assert_nonnull (botbench_event_get_forward (stored));
  g_assert_cmpstr (botbench_forward_result_get_error (botbench_event_get_forward (stored)), ==,
                   botbench_forward_result_get_error (result));
}

/* To a running listener: the listener stores the replay (once), marked
 * with the event it replays, and the edit survives the trip. */
static void
test_send_to_listener (Fixture       *f,
                       gconstpointer  data)
{
  const char *sets[] = { "data[PARAMS][MESSAGE]=Through the listener", "data[USER][ID]=99", NULL };
  g_autoptr(BotbenchEvent) original = store_fixture (f, "ONIMBOTMESSAGEADD");
  g_autoptr(BotbenchEvent) replay = botbench_replay_build (original, sets, NULL);
  g_autoptr(BotbenchListener) listener = botbench_listener_new (f->store);
  g_autoptr(BotbenchForwardResult) result = NULL;
  g_autoptr(BotbenchEvent) stored = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *base = NULL;
  g_autofree char *url = NULL;
  gint64 id = 0;

  botbench_listener_set_host (listener, "127.0.0.1");
  botbench_listener_set_port (listener, 0);
  botbench_listener_start (listener, &error);
  g_assert_no_error (error);
  base = botbench_listener_dup_url (listener);
  url = g_strdup_printf ("%s%sbot/events", base, g_str_has_suffix (base, "/") ? "" : "/");

  result = send_replay (f, replay, url, &id);
  g_assert_cmpuint (botbench_forward_result_get_status (result), ==, 200);
  g_assert_cmpint (id, >, botbench_event_get_id (original));
  g_assert_cmpint (id, ==, botbench_replay_get_listener_id (result));

  stored = botbench_event_store_get_event (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_nonnull (stored);
  g_assert_true (g_bytes_equal (botbench_event_get_body (stored), botbench_event_get_body (replay)));
  assert_edited (original, sets, botbench_event_get_body (stored));
  g_assert_cmpstr (botbench_event_get_query (stored), ==, "CLIENT_ID=mybot01");

  /* stored once: by the listener, not again by the replay */
  g_assert_cmpint (count_events (f), ==, 2);

  /* marked by the listener from X-Botbench-Replay-Of */
  g_assert_cmpint (botbench_event_get_replay_of (stored), ==, botbench_event_get_id (original));

  /* A strict listener answers 401 to a wrong token but stores the event
   * (rejected) and says its id: the replay is not stored a second time. */
  {
    g_autoptr(BotbenchForwardResult) rejected_result = NULL;
    g_autoptr(BotbenchEvent) rejected = NULL;
    g_autoptr(BotbenchEvent) again = botbench_replay_build (original, sets, NULL);
    gint64 rejected_id = 0;

    botbench_listener_set_expected_token (listener, "not-the-fixture-token");
    botbench_listener_set_strict_token (listener, TRUE);
    rejected_result = send_replay (f, again, url, &rejected_id);
    g_assert_cmpuint (botbench_forward_result_get_status (rejected_result), ==, 401);
    g_assert_cmpint (rejected_id, ==, botbench_replay_get_listener_id (rejected_result));
    g_assert_cmpint (count_events (f), ==, 3);
    rejected = botbench_event_store_get_event (f->store, rejected_id, &error);
    g_assert_no_error (error);
    g_assert_true (botbench_event_get_rejected (rejected));
    g_assert_cmpint (botbench_event_get_replay_of (rejected), ==, botbench_event_get_id (original));
  }

  botbench_listener_stop (listener);
}

/* Only a Botbench listener's answer counts as "stored there". */
static void
test_listener_id (void)
{
  static const char *botbench[] = { "Server", "Botbench/1.0", NULL };
  static const char *other[] = { "Server", "nginx", NULL };
  const struct { const char * const *headers; const char *body; gint64 id; } cases[] = {
    { botbench, "{\"ok\":true,\"id\":42}", 42 },
    { other, "{\"ok\":true,\"id\":42}", 0 },
    { botbench, "{\"ok\":true,\"id\":\"42\"}", 0 },
    { botbench, "{\"ok\":true,\"id\":-3}", 0 },
    { botbench, "[42]", 0 },
    { botbench, "{\"id\":", 0 },
    { botbench, "", 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(BotbenchForwardResult) result = botbench_forward_result_new ("http://x/");
      g_autoptr(GBytes) body = g_bytes_new (cases[i].body, strlen (cases[i].body));

      botbench_forward_result_set_state (result, BOTBENCH_FORWARD_STATE_DONE);
      botbench_forward_result_set_status (result, 200);
      botbench_forward_result_set_response_headers (result, cases[i].headers);
      botbench_forward_result_set_response_body (result, body, g_bytes_get_size (body));
      g_assert_cmpint (botbench_replay_get_listener_id (result), ==, cases[i].id);
    }
}

static void
test_diff (void)
{
  g_autoptr(GBytes) a = g_bytes_new_static ("x=1&y%5Ba%5D=2&y%5Bb%5D=3&z=4", 29);
  g_autoptr(GBytes) b = g_bytes_new_static ("x=1&y%5Ba%5D=two%0Alines&z=4&w=5", 33);
  g_autofree char *diff = botbench_replay_dup_diff (a, b);
  g_autofree char *same = botbench_replay_dup_diff (a, a);

  g_assert_cmpstr (diff, ==,
                   "- y[a]=2\n"
                   "- y[b]=3\n"
                   "+ y[a]=two\\nlines\n"
                   "+ w=5\n");
  g_assert_cmpstr (same, ==, "");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/replay/build/unchanged", Fixture, NULL, fixture_setup, test_build_unchanged, fixture_teardown);
  g_test_add ("/replay/build/edits", Fixture, NULL, fixture_setup, test_build_edits, fixture_teardown);
  g_test_add ("/replay/build/errors", Fixture, NULL, fixture_setup, test_build_errors, fixture_teardown);
  g_test_add ("/replay/send/handler", Fixture, NULL, fixture_setup, test_send_to_handler, fixture_teardown);
  g_test_add ("/replay/send/refused", Fixture, NULL, fixture_setup, test_send_refused, fixture_teardown);
  g_test_add ("/replay/send/listener", Fixture, NULL, fixture_setup, test_send_to_listener, fixture_teardown);
  g_test_add_func ("/replay/send/listener-id", test_listener_id);
  g_test_add_func ("/replay/diff/lines", test_diff);

  return g_test_run ();
}
