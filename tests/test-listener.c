/* test-listener.c: BotbenchListener over loopback
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <libsoup/soup.h>
#include <string.h>
#include <unistd.h>

#include "botbench-core.h"
#include "botbench-event-store-private.h"
#include "botbench-test-utils.h"

typedef struct
{
  char               *tmp_dir;
  BotbenchEventStore *store;
  BotbenchListener   *listener;
  SoupSession        *session;
  char               *base_url;
} ListenerFixture;

static void
listener_setup (ListenerFixture *f,
                gconstpointer    data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;

  f->tmp_dir = botbench_test_make_tmp_dir ();
  db = g_build_filename (f->tmp_dir, "events.db", NULL);
  f->store = botbench_event_store_new (db, &error);
  g_assert_no_error (error);

  f->listener = botbench_listener_new (f->store);
  botbench_listener_set_port (f->listener, 0);
  if (data != NULL)
    botbench_listener_set_max_body (f->listener, GPOINTER_TO_SIZE (data));

  botbench_listener_start (f->listener, &error);
  g_assert_no_error (error);
  g_assert_true (botbench_listener_get_running (f->listener));
  g_assert_cmpuint (botbench_listener_get_bound_port (f->listener), >, 0);

  f->base_url = botbench_listener_dup_url (f->listener);
  f->session = soup_session_new_with_options ("timeout", 30, NULL);
}

static void
listener_teardown (ListenerFixture *f,
                   gconstpointer    data)
{
  g_clear_object (&f->session);
  botbench_listener_stop (f->listener);
  g_assert_finalize_object (g_steal_pointer (&f->listener));
  botbench_event_store_close (f->store);
  g_clear_object (&f->store);
  botbench_test_rm_rf (f->tmp_dir);
  g_clear_pointer (&f->tmp_dir, g_free);
  g_clear_pointer (&f->base_url, g_free);
}

static SoupMessage *
new_post (ListenerFixture *f,
          const char      *path_and_query,
          const char      *content_type,
          GBytes          *body)
{
  g_autofree char *url = g_strconcat (f->base_url, path_and_query[0] == '/' ? path_and_query + 1 : path_and_query, NULL);
  SoupMessage *msg = soup_message_new ("POST", url);

  g_assert_nonnull (msg);
  if (body != NULL)
    soup_message_set_request_body_from_bytes (msg, content_type, body);

  return msg;
}

/* Sends and returns the response body; *status gets the HTTP status. */
static GBytes *
send_sync (ListenerFixture *f,
           SoupMessage     *msg,
           guint           *status)
{
  g_autoptr(GError) error = NULL;
  GBytes *response;

  response = soup_session_send_and_read (f->session, msg, NULL, &error);
  g_assert_no_error (error);
  *status = soup_message_get_status (msg);

  return response;
}

static gint64
response_id (GBytes *response)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *object;

  json_parser_load_from_data (parser, g_bytes_get_data (response, NULL),
                              g_bytes_get_size (response), &error);
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_true (json_object_get_boolean_member (object, "ok"));

  return json_object_get_int_member (object, "id");
}

static void
test_fixtures_round_trip (ListenerFixture *f,
                          gconstpointer    data)
{
  g_auto(GStrv) names = botbench_test_list_fixtures ();

  g_assert_cmpuint (g_strv_length (names), >=, 7);

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autoptr(GBytes) body = botbench_test_load_fixture (names[i]);
      g_autoptr(SoupMessage) msg = NULL;
      g_autoptr(GBytes) response = NULL;
      g_autoptr(BotbenchEvent) stored = NULL;
      g_autoptr(BotbenchFormNode) expected = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *expected_json = NULL;
      g_autofree char *stored_json = NULL;
      guint status;
      gint64 id;

      msg = new_post (f, "/bot/events?CLIENT_ID=abcdef0123456789", "application/x-www-form-urlencoded", body);
      soup_message_headers_replace (soup_message_get_request_headers (msg),
                                    "User-Agent", "Bitrix24 Webhook Engine");
      response = send_sync (f, msg, &status);
      g_assert_cmpuint (status, ==, 200);
      id = response_id (response);
      g_assert_cmpint (id, >, 0);

      /* Acknowledged means committed: it is readable right away. */
      stored = botbench_event_store_get (f->store, id, &error);
      g_assert_no_error (error);
      g_assert_nonnull (stored);

      g_assert_true (g_bytes_equal (botbench_event_get_body (stored), body));
      g_assert_cmpstr (botbench_event_get_event_name (stored), ==, names[i]);
      g_assert_cmpstr (botbench_event_get_method (stored), ==, "POST");
      g_assert_cmpstr (botbench_event_get_path (stored), ==, "/bot/events");
      g_assert_cmpstr (botbench_event_get_query (stored), ==, "CLIENT_ID=abcdef0123456789");
      g_assert_cmpstr (botbench_event_get_remote_address (stored), ==, "127.0.0.1");
      g_assert_cmpstr (botbench_event_get_content_type (stored), ==, "application/x-www-form-urlencoded");
      g_assert_cmpstr (botbench_event_get_header (stored, "User-Agent"), ==, "Bitrix24 Webhook Engine");
      g_assert_cmpint (botbench_event_get_received (stored), >, g_get_real_time () - 60 * G_USEC_PER_SEC);
      g_assert_cmpint (botbench_event_get_received (stored), <=, g_get_real_time ());

      expected = botbench_post_decode_urlencoded (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
      expected_json = botbench_form_node_to_json (expected);
      stored_json = botbench_event_dup_data_json (stored);
      g_assert_cmpstr (stored_json, ==, expected_json);
    }

  g_assert_cmpuint (botbench_listener_get_n_events (f->listener), ==, g_strv_length (names));
}

static void
test_message_fields (ListenerFixture *f,
                     gconstpointer    data)
{
  g_autoptr(GBytes) body = botbench_test_load_fixture ("ONIMBOTMESSAGEADD");
  g_autoptr(SoupMessage) msg = new_post (f, "/", "application/x-www-form-urlencoded", body);
  g_autoptr(GBytes) response = NULL;
  g_autoptr(BotbenchEvent) stored = NULL;
  guint status;

  response = send_sync (f, msg, &status);
  g_assert_cmpuint (status, ==, 200);

  stored = botbench_event_store_get (f->store, response_id (response), NULL);
  g_assert_nonnull (stored);
  g_assert_cmpstr (botbench_event_get_bot_id (stored), ==, "567");
  g_assert_cmpstr (botbench_event_get_bot_code (stored), ==, "echo_bot");
  g_assert_cmpstr (botbench_event_get_message (stored), ==, "Hello, bot!");
  g_assert_cmpstr (botbench_form_node_lookup_string (botbench_event_get_form (stored),
                                                     "data", "USER", "NAME", NULL),
                   ==, "Svetlana Ivanova");
}

static void
test_json_body (ListenerFixture *f,
                gconstpointer    data)
{
  static const char json[] = "{\"event\":\"ONIMBOTMESSAGEADD\",\"data\":{\"PARAMS\":{\"MESSAGE\":\"from json\"}}}";
  g_autoptr(GBytes) body = g_bytes_new_static (json, strlen (json));
  g_autoptr(SoupMessage) msg = new_post (f, "/json", "application/json", body);
  g_autoptr(GBytes) response = NULL;
  g_autoptr(BotbenchEvent) stored = NULL;
  guint status;

  response = send_sync (f, msg, &status);
  g_assert_cmpuint (status, ==, 200);

  stored = botbench_event_store_get (f->store, response_id (response), NULL);
  g_assert_nonnull (stored);
  g_assert_null (botbench_event_get_form (stored));
  g_assert_nonnull (botbench_event_get_json (stored));
  g_assert_cmpstr (botbench_event_get_event_name (stored), ==, "ONIMBOTMESSAGEADD");
  g_assert_cmpstr (botbench_event_get_message (stored), ==, "from json");
}

static void
test_multipart_body (ListenerFixture *f,
                     gconstpointer    data)
{
  g_autoptr(SoupMultipart) multipart = soup_multipart_new (SOUP_FORM_MIME_TYPE_MULTIPART);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) response = NULL;
  g_autoptr(BotbenchEvent) stored = NULL;
  guint status;

  soup_multipart_append_form_string (multipart, "event", "ONIMCOMMANDADD");
  soup_multipart_append_form_string (multipart, "data[PARAMS][MESSAGE]", "/echo multipart");
  msg = soup_message_new_from_multipart (f->base_url, multipart);

  response = send_sync (f, msg, &status);
  g_assert_cmpuint (status, ==, 200);

  stored = botbench_event_store_get (f->store, response_id (response), NULL);
  g_assert_nonnull (stored);
  g_assert_cmpstr (botbench_event_get_event_name (stored), ==, "ONIMCOMMANDADD");
  g_assert_cmpstr (botbench_event_get_message (stored), ==, "/echo multipart");
}

static gint64
store_count (BotbenchEventStore *store)
{
  BotbenchEventQuery query = { 0 };
  g_autoptr(GError) error = NULL;
  gint64 n = botbench_event_store_count (store, &query, &error);

  g_assert_no_error (error);
  return n;
}

#define SMALL_CAP 1024

static void
test_too_large (ListenerFixture *f,
                gconstpointer    data)
{
  g_autofree char *big = g_malloc (SMALL_CAP + 1);
  g_autoptr(GBytes) over = NULL;
  g_autoptr(GBytes) exact = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(SoupMessage) msg2 = NULL;
  g_autoptr(GBytes) response = NULL;
  g_autoptr(GBytes) response2 = NULL;
  guint status;

  memset (big, 'a', SMALL_CAP + 1);
  memcpy (big, "x=", 2);
  over = g_bytes_new (big, SMALL_CAP + 1);
  exact = g_bytes_new (big, SMALL_CAP);

  msg = new_post (f, "/", "application/x-www-form-urlencoded", over);
  response = send_sync (f, msg, &status);
  g_assert_cmpuint (status, ==, 413);
  g_assert_cmpint (store_count (f->store), ==, 0);

  /* The cap is inclusive, like post_max_size. */
  msg2 = new_post (f, "/", "application/x-www-form-urlencoded", exact);
  response2 = send_sync (f, msg2, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpint (store_count (f->store), ==, 1);
}

static void
test_too_large_chunked (ListenerFixture *f,
                        gconstpointer    data)
{
  gsize len = SMALL_CAP * 4;
  char *big = g_malloc (len);
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = g_strdup (f->base_url);

  memset (big, 'b', len);
  stream = g_memory_input_stream_new_from_data (big, len, g_free);
  msg = soup_message_new ("POST", url);
  /* Unknown length: libsoup sends it chunked. */
  soup_message_set_request_body (msg, "application/x-www-form-urlencoded", stream, -1);

  response = soup_session_send_and_read (f->session, msg, NULL, &error);
  /* The listener may close the connection while we are still sending. */
  if (error == NULL)
    g_assert_cmpuint (soup_message_get_status (msg), ==, 413);
  g_assert_cmpint (store_count (f->store), ==, 0);
}

static void
test_chunked_small (ListenerFixture *f,
                    gconstpointer    data)
{
  static const char body[] = "event=ONIMBOTJOINCHAT&data[BOT_ID]=5";
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_data (body, strlen (body), NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", f->base_url);
  g_autoptr(GBytes) response = NULL;
  g_autoptr(BotbenchEvent) stored = NULL;
  guint status;

  soup_message_set_request_body (msg, "application/x-www-form-urlencoded", stream, -1);
  response = send_sync (f, msg, &status);
  g_assert_cmpuint (status, ==, 200);

  stored = botbench_event_store_get (f->store, response_id (response), NULL);
  g_assert_nonnull (stored);
  g_assert_cmpmem (g_bytes_get_data (botbench_event_get_body (stored), NULL),
                   g_bytes_get_size (botbench_event_get_body (stored)), body, strlen (body));
  g_assert_cmpstr (botbench_event_get_event_name (stored), ==, "ONIMBOTJOINCHAT");
}

static void
test_method_not_allowed (ListenerFixture *f,
                         gconstpointer    data)
{
  static const struct { const char *method; const char *path; const char *allow; } cases[] = {
    { "GET", "hook", "POST" },
    { "PUT", "", "GET, HEAD, POST" },
    { "DELETE", "bot/events", "POST" },
    { "PATCH", "", "GET, HEAD, POST" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *url = g_strconcat (f->base_url, cases[i].path, NULL);
      g_autoptr(SoupMessage) msg = soup_message_new (cases[i].method, url);
      g_autoptr(GBytes) response = NULL;
      guint status;

      response = send_sync (f, msg, &status);
      g_assert_cmpuint (status, ==, 405);
      g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_response_headers (msg), "Allow"),
                       ==, cases[i].allow);
    }

  g_assert_cmpint (store_count (f->store), ==, 0);
}

static void
test_status (ListenerFixture *f,
             gconstpointer    data)
{
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", f->base_url);
  g_autoptr(GBytes) response = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *object;
  guint status;

  response = send_sync (f, msg, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL),
                   ==, "application/json");

  json_parser_load_from_data (parser, g_bytes_get_data (response, NULL), g_bytes_get_size (response), &error);
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (object, "name"), ==, "Botbench");
  g_assert_cmpstr (json_object_get_string_member (object, "status"), ==, "listening");
  g_assert_cmpint (json_object_get_int_member (object, "events"), ==, 0);
  g_assert_cmpint (store_count (f->store), ==, 0);
}

static void
test_malformed_bodies (ListenerFixture *f,
                       gconstpointer    data)
{
  static const struct { const char *type; const char *body; gsize len; } cases[] = {
    { "application/x-www-form-urlencoded", "%%%&&&==[[]]", 12 },
    { "application/x-www-form-urlencoded", "a[b=1&a]=2&[x]=3", 16 },
    { "application/x-www-form-urlencoded", "bad=\xff\xfe\x00zz", 9 },
    { "application/x-www-form-urlencoded", "", 0 },
    { "application/json", "{\"unterminated", 14 },
    { "multipart/form-data; boundary=zzz", "--zzz\r\nbroken", 13 },
    { "multipart/form-data", "no boundary at all", 18 },
    { "application/octet-stream", "\x00\x01\x02\x03", 4 },
    { NULL, "event=NO_CONTENT_TYPE", 21 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) body = g_bytes_new (cases[i].body, cases[i].len);
      g_autoptr(SoupMessage) msg = soup_message_new ("POST", f->base_url);
      g_autoptr(GBytes) response = NULL;
      g_autoptr(BotbenchEvent) stored = NULL;
      g_autofree char *data_json = NULL;
      guint status;

      if (cases[i].type != NULL)
        soup_message_set_request_body_from_bytes (msg, cases[i].type, body);
      else
        {
          soup_message_set_request_body_from_bytes (msg, NULL, body);
          soup_message_headers_remove (soup_message_get_request_headers (msg), "Content-Type");
        }

      response = send_sync (f, msg, &status);
      /* Whatever arrives is kept byte-exact for inspection. */
      g_assert_cmpuint (status, ==, 200);
      stored = botbench_event_store_get (f->store, response_id (response), NULL);
      g_assert_nonnull (stored);
      g_assert_cmpmem (g_bytes_get_data (botbench_event_get_body (stored), NULL),
                       g_bytes_get_size (botbench_event_get_body (stored)),
                       cases[i].body, cases[i].len);
      data_json = botbench_event_dup_data_json (stored);
      g_assert_true (g_utf8_validate (data_json, -1, NULL));
    }

  g_assert_cmpint (store_count (f->store), ==, G_N_ELEMENTS (cases));
}

typedef struct
{
  ListenerFixture *f;
  guint            client;
  guint            n_requests;
  GPtrArray       *ids;   /* of gint64* */
  guint            failures;
} ClientData;

static gpointer
client_thread (gpointer data)
{
  ClientData *client = data;
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 60, NULL);

  for (guint i = 0; i < client->n_requests; i++)
    {
      g_autofree char *text = g_strdup_printf ("event=ONIMBOTMESSAGEADD&data[PARAMS][MESSAGE]=client+%u+message+%u",
                                               client->client, i);
      g_autoptr(GBytes) body = g_bytes_new (text, strlen (text));
      g_autoptr(SoupMessage) msg = soup_message_new ("POST", client->f->base_url);
      g_autoptr(GBytes) response = NULL;
      g_autoptr(GError) error = NULL;

      soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", body);
      response = soup_session_send_and_read (session, msg, NULL, &error);
      if (error != NULL || soup_message_get_status (msg) != 200)
        {
          g_printerr ("client %u request %u: %s (status %u)\n", client->client, i,
                      error ? error->message : "no error", soup_message_get_status (msg));
          client->failures++;
          continue;
        }

      g_ptr_array_add (client->ids, g_memdup2 (&(gint64){ response_id (response) }, sizeof (gint64)));
    }

  return NULL;
}

static void
test_concurrent_clients (ListenerFixture *f,
                         gconstpointer    data)
{
  enum { N_CLIENTS = 50, N_REQUESTS = 20 };
  ClientData clients[N_CLIENTS];
  GThread *threads[N_CLIENTS];
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, NULL);

  for (guint i = 0; i < N_CLIENTS; i++)
    {
      clients[i] = (ClientData) { f, i, N_REQUESTS, g_ptr_array_new_with_free_func (g_free), 0 };
      threads[i] = g_thread_new ("client", client_thread, &clients[i]);
    }

  for (guint i = 0; i < N_CLIENTS; i++)
    {
      g_thread_join (threads[i]);
      g_assert_cmpuint (clients[i].failures, ==, 0);
      g_assert_cmpuint (clients[i].ids->len, ==, N_REQUESTS);

      for (guint j = 0; j < clients[i].ids->len; j++)
        {
          gint64 *id = g_ptr_array_index (clients[i].ids, j);
          g_autoptr(BotbenchEvent) stored = botbench_event_store_get (f->store, *id, NULL);
          g_autofree char *expected = g_strdup_printf ("client %u message %u", i, j);

          g_assert_false (g_hash_table_contains (seen, id));
          g_hash_table_add (seen, id);
          g_assert_nonnull (stored);
          g_assert_cmpstr (botbench_event_get_message (stored), ==, expected);
        }
    }

  g_assert_cmpint (store_count (f->store), ==, N_CLIENTS * N_REQUESTS);

  for (guint i = 0; i < N_CLIENTS; i++)
    g_ptr_array_unref (clients[i].ids);
}

static void
test_port_in_use (ListenerFixture *f,
                  gconstpointer    data)
{
  g_autoptr(BotbenchListener) second = botbench_listener_new (f->store);
  g_autoptr(GError) error = NULL;

  botbench_listener_set_port (second, botbench_listener_get_bound_port (f->listener));
  g_assert_false (botbench_listener_start (second, &error));
  g_assert_error (error, BOTBENCH_LISTENER_ERROR, BOTBENCH_LISTENER_ERROR_ADDRESS_IN_USE);
  g_assert_nonnull (strstr (error->message, "already in use"));
  g_assert_false (botbench_listener_get_running (second));
  g_assert_null (botbench_listener_dup_url (second));

  /* The first one still serves. */
  {
    g_autoptr(SoupMessage) msg = soup_message_new ("GET", f->base_url);
    g_autoptr(GBytes) response = NULL;
    guint status;

    response = send_sync (f, msg, &status);
    g_assert_cmpuint (status, ==, 200);
  }
}

static void
test_invalid_address (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = botbench_test_make_tmp_dir ();
  g_autofree char *db = g_build_filename (dir, "e.db", NULL);
  g_autoptr(BotbenchEventStore) store = botbench_event_store_new (db, &error);
  g_autoptr(BotbenchListener) listener = NULL;

  g_assert_no_error (error);
  listener = botbench_listener_new (store);
  botbench_listener_set_host (listener, "not-an-address");
  botbench_listener_set_port (listener, 0);
  g_assert_false (botbench_listener_start (listener, &error));
  g_assert_error (error, BOTBENCH_LISTENER_ERROR, BOTBENCH_LISTENER_ERROR_INVALID_ADDRESS);
  g_clear_error (&error);

  /* 192.0.2.1 (TEST-NET-1) is not an address of this machine. */
  botbench_listener_set_host (listener, "192.0.2.1");
  g_assert_false (botbench_listener_start (listener, &error));
  g_assert_nonnull (error);
  g_assert_true (error->domain == BOTBENCH_LISTENER_ERROR);

  botbench_event_store_close (store);
  botbench_test_rm_rf (dir);
}

static void
test_permission_denied (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *dir = botbench_test_make_tmp_dir ();
      g_autofree char *db = g_build_filename (dir, "e.db", NULL);
      g_autoptr(BotbenchEventStore) store = botbench_event_store_new (db, &error);
      g_autoptr(BotbenchListener) listener = NULL;

      g_assert_no_error (error);
      /* Ports below 1024 need privileges: drop root's first. */
      if (getuid () == 0)
        g_assert_cmpint (setuid (65534), ==, 0);

      listener = botbench_listener_new (store);
      botbench_listener_set_port (listener, 80);
      g_assert_false (botbench_listener_start (listener, &error));
      g_assert_error (error, BOTBENCH_LISTENER_ERROR, BOTBENCH_LISTENER_ERROR_PERMISSION_DENIED);
      g_print ("%s\n", error->message);
      return;
    }

  {
    g_autofree char *start = NULL;

    if (g_file_get_contents ("/proc/sys/net/ipv4/ip_unprivileged_port_start", &start, NULL, NULL) &&
        g_ascii_strtoull (start, NULL, 10) <= 80)
      {
        g_test_skip ("this kernel lets unprivileged processes bind port 80 (ip_unprivileged_port_start)");
        return;
      }
  }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("*privileges*");
}

static void
test_running_notify (ListenerFixture *f,
                     gconstpointer    data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autoptr(BotbenchSignalCounter) running = botbench_test_count_signal (f->listener, "notify::running");
  g_autoptr(BotbenchSignalCounter) port = botbench_test_count_signal (f->listener, "notify::port");

  botbench_listener_stop (f->listener);
  g_assert_cmpuint (botbench_signal_counter_get (running), ==, 1);
  g_assert_false (botbench_listener_get_running (f->listener));
  g_assert_null (botbench_listener_dup_url (f->listener));
  botbench_listener_stop (f->listener);
  g_assert_cmpuint (botbench_signal_counter_get (running), ==, 1);

  botbench_listener_set_port (f->listener, 0);
  g_assert_cmpuint (botbench_signal_counter_get (port), ==, 0);

  g_assert_true (botbench_listener_start (f->listener, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (botbench_signal_counter_get (running), ==, 2);
  url = botbench_listener_dup_url (f->listener);
  g_assert_true (g_str_has_prefix (url, "http://127.0.0.1:"));
  g_assert_true (g_str_has_suffix (url, "/"));
}

static void
test_curl_replay (ListenerFixture *f,
                  gconstpointer    data)
{
  static const struct { const char *path; const char *type; const char *body; gsize len; } cases[] = {
    { "/bot/events?CLIENT_ID=abc&x=1", "application/x-www-form-urlencoded", NULL, 0 },
    { "/q", "application/x-www-form-urlencoded", "msg=it's+%22quoted%22&a[]=$(echo no)&b=`x`", 43 },
    { "/bin", "application/octet-stream", "\x00\x01'%\\\xff\n@x", 9 },
    { "/at", "text/plain", "@/etc/passwd", 12 },
  };
  g_autofree char *curl = g_find_program_in_path ("curl");

  if (curl == NULL)
    {
      g_test_fail_printf ("curl is not installed (build-aux/dev test installs it)");
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) body = cases[i].body ? g_bytes_new (cases[i].body, cases[i].len)
                                             : botbench_test_load_fixture ("ONIMBOTMESSAGEADD");
      g_autoptr(SoupMessage) msg = new_post (f, cases[i].path, cases[i].type, body);
      g_autoptr(GBytes) response = NULL;
      g_autoptr(BotbenchEvent) original = NULL;
      g_autoptr(BotbenchEvent) replayed = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *command = NULL;
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      const char *argv[] = { "/bin/sh", "-c", NULL, NULL };
      int wait_status = 0;
      guint status;

      soup_message_headers_replace (soup_message_get_request_headers (msg), "X-Trace", "it's \"me\"");
      response = send_sync (f, msg, &status);
      g_assert_cmpuint (status, ==, 200);
      original = botbench_event_store_get (f->store, response_id (response), NULL);
      g_assert_nonnull (original);

      command = botbench_event_dup_curl_command (original, f->base_url);
      argv[2] = g_strconcat (command, " --silent --show-error", NULL);
      g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &wait_status, &error);
      g_free ((char *)argv[2]);
      g_assert_no_error (error);
      if (!g_spawn_check_wait_status (wait_status, NULL))
        g_error ("replay failed: %s\n%s", command, err);

      {
        g_autoptr(GBytes) replay_response = g_bytes_new (out, strlen (out));
        replayed = botbench_event_store_get (f->store, response_id (replay_response), NULL);
      }
      g_assert_nonnull (replayed);
      g_assert_cmpint (botbench_event_get_id (replayed), >, botbench_event_get_id (original));
      if (!g_bytes_equal (botbench_event_get_body (replayed), botbench_event_get_body (original)))
        g_error ("case %u: replayed body differs\ncommand: %s\nreplayed %u bytes", i, command,
                 (guint)g_bytes_get_size (botbench_event_get_body (replayed)));
      g_assert_cmpstr (botbench_event_get_path (replayed), ==, botbench_event_get_path (original));
      g_assert_cmpstr (botbench_event_get_query (replayed), ==, botbench_event_get_query (original));
      g_assert_cmpstr (botbench_event_get_content_type (replayed), ==, botbench_event_get_content_type (original));
      g_assert_cmpstr (botbench_event_get_header (replayed, "X-Trace"), ==, "it's \"me\"");
    }
}

static guint
count_open_fds (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;

  return n;
}

static void
test_connections_closed (ListenerFixture *f,
                         gconstpointer    data)
{
  enum { N_CONNECTIONS = 200 };
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  guint port = botbench_listener_get_bound_port (f->listener);
  guint baseline = count_open_fds ();
  gint64 deadline;
  guint now;

  /* Senders that keep the connection alive and hang up afterwards, the way
   * curl and most HTTP clients do. */
  for (guint i = 0; i < N_CONNECTIONS; i++)
    {
      g_autoptr(GSocketConnection) connection = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *request = NULL;
      char response[1024];
      gssize n;

      connection = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, &error);
      g_assert_no_error (error);
      request = g_strdup_printf ("POST /hook HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                 "Content-Type: application/x-www-form-urlencoded\r\n"
                                 "Content-Length: 9\r\n\r\nevent=X%02u", i % 100);
      g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                                 request, strlen (request), NULL, NULL, &error);
      g_assert_no_error (error);
      n = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (connection)),
                               response, sizeof response - 1, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (n, >, 12);
      response[n] = '\0';
      g_assert_true (g_str_has_prefix (response, "HTTP/1.1 200"));
      g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
    }

  g_assert_cmpint (store_count (f->store), ==, N_CONNECTIONS);

  /* The listener's thread closes its ends soon after; none may linger. */
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while ((now = count_open_fds ()) > baseline + 4 && g_get_monotonic_time () < deadline)
    g_usleep (10000);

  g_assert_cmpuint (now, <=, baseline + 4);
}

/* A writer that cannot keep up: the queue fills, requests wait a bounded
 * time, then get 503 with Retry-After; every 200 is in the store, no 503
 * is. */
static void
test_store_busy (ListenerFixture *f,
                 gconstpointer    data)
{
  enum { N_REQUESTS = 12 };
  g_autoptr(GPtrArray) connections = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  guint port = botbench_listener_get_bound_port (f->listener);
  guint n_ok = 0, n_busy = 0;

  g_object_set (f->store, "max-queued-events", 2, "queue-wait-ms", 200, NULL);
  _botbench_event_store_set_writer_delay (f->store, 400);

  for (guint i = 0; i < N_REQUESTS; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *request = NULL;
      GSocketConnection *connection;

      connection = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, &error);
      g_assert_no_error (error);
      request = g_strdup_printf ("POST /hook HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                                 "Content-Type: application/x-www-form-urlencoded\r\n"
                                 "Content-Length: 9\r\n\r\nevent=B%02u", i);
      g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                                 request, strlen (request), NULL, NULL, &error);
      g_assert_no_error (error);
      g_ptr_array_add (connections, connection);
    }

  for (guint i = 0; i < connections->len; i++)
    {
      GIOStream *stream = connections->pdata[i];
      g_autoptr(GError) error = NULL;
      char response[2048];
      gsize n = 0;

      g_input_stream_read_all (g_io_stream_get_input_stream (stream), response,
                               sizeof response - 1, &n, NULL, &error);
      g_assert_no_error (error);
      response[n] = '\0';
      if (g_str_has_prefix (response, "HTTP/1.1 200"))
        n_ok++;
      else
        {
          g_assert_true (g_str_has_prefix (response, "HTTP/1.1 503"));
          g_assert_nonnull (strstr (response, "\r\nRetry-After: 1\r\n"));
          n_busy++;
        }
    }

  g_assert_cmpuint (n_busy, >, 0);
  g_assert_cmpuint (n_ok, >, 0);
  _botbench_event_store_set_writer_delay (f->store, 0);
  g_assert_cmpint (store_count (f->store), ==, n_ok);
}

/* Reads one answer from a kept-alive connection: 200, not closing; returns
 * the event id it gives. */
static gint64
read_kept_answer (GDataInputStream *in)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *status = g_data_input_stream_read_line (in, NULL, NULL, &error);
  g_autoptr(GBytes) body = NULL;
  gsize length = 0;
  char buffer[128];
  gsize n = 0;

  g_assert_no_error (error);
  g_assert_cmpstr (status, ==, "HTTP/1.1 200 OK");
  while (TRUE)
    {
      g_autofree char *line = g_data_input_stream_read_line (in, NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (line);
      if (*line == '\0')
        break;
      g_assert_cmpstr (line, !=, "Connection: close");
      if (g_ascii_strncasecmp (line, "Content-Length: ", 16) == 0)
        length = g_ascii_strtoull (line + 16, NULL, 10);
    }

  g_assert_cmpuint (length, >, 0);
  g_assert_cmpuint (length, <, sizeof buffer);
  g_input_stream_read_all (G_INPUT_STREAM (in), buffer, length, &n, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, length);
  body = g_bytes_new (buffer, n);

  return response_id (body);
}

/* HTTP/1.1 clients keep their connection: many requests on one connection,
 * then pipelined ones, answered in order. */
static void
test_keep_alive (ListenerFixture *f,
                 gconstpointer    data)
{
  enum { N_SEQUENTIAL = 50, N_PIPELINED = 5 };
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GDataInputStream) in = NULL;
  g_autoptr(GString) pipelined = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  GOutputStream *out;
  gint64 last_id = 0;

  connection = g_socket_client_connect_to_host (client, "127.0.0.1",
                                                botbench_listener_get_bound_port (f->listener),
                                                NULL, &error);
  g_assert_no_error (error);
  out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (connection)));
  g_data_input_stream_set_newline_type (in, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);

  for (guint i = 0; i < N_SEQUENTIAL + N_PIPELINED; i++)
    {
      g_autofree char *request = g_strdup_printf ("POST /k HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                                  "Content-Type: application/x-www-form-urlencoded\r\n"
                                                  "Content-Length: 11\r\n\r\nevent=K%04u", i);
      gint64 id;

      if (i >= N_SEQUENTIAL)
        {
          g_string_append (pipelined, request);
          continue;
        }

      g_output_stream_write_all (out, request, strlen (request), NULL, NULL, &error);
      g_assert_no_error (error);
      id = read_kept_answer (in);
      g_assert_cmpint (id, >, last_id);
      last_id = id;
    }

  g_output_stream_write_all (out, pipelined->str, pipelined->len, NULL, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < N_PIPELINED; i++)
    {
      gint64 id = read_kept_answer (in);

      g_assert_cmpint (id, >, last_id);
      last_id = id;
    }

  g_assert_cmpint (store_count (f->store), ==, N_SEQUENTIAL + N_PIPELINED);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, data) \
  g_test_add (path, ListenerFixture, data, listener_setup, func, listener_teardown)

  ADD ("/listener/fixtures-round-trip", test_fixtures_round_trip, NULL);
  ADD ("/listener/message-fields", test_message_fields, NULL);
  ADD ("/listener/json-body", test_json_body, NULL);
  ADD ("/listener/multipart-body", test_multipart_body, NULL);
  ADD ("/listener/too-large", test_too_large, GSIZE_TO_POINTER (SMALL_CAP));
  ADD ("/listener/too-large-chunked", test_too_large_chunked, GSIZE_TO_POINTER (SMALL_CAP));
  ADD ("/listener/chunked-small", test_chunked_small, NULL);
  ADD ("/listener/method-not-allowed", test_method_not_allowed, NULL);
  ADD ("/listener/status", test_status, NULL);
  ADD ("/listener/malformed-bodies", test_malformed_bodies, NULL);
  ADD ("/listener/concurrent-clients", test_concurrent_clients, NULL);
  ADD ("/listener/connections-closed", test_connections_closed, NULL);
  ADD ("/listener/keep-alive", test_keep_alive, NULL);
  ADD ("/listener/store-busy", test_store_busy, NULL);
  ADD ("/listener/curl-replay", test_curl_replay, NULL);
  ADD ("/listener/port-in-use", test_port_in_use, NULL);
  ADD ("/listener/running-notify", test_running_notify, NULL);
  g_test_add_func ("/listener/invalid-address", test_invalid_address);
  g_test_add_func ("/listener/permission-denied", test_permission_denied);

  return g_test_run ();
}
