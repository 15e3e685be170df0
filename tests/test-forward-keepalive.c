/* test-forward-keepalive.c: at most once on kept-alive connections (part of test-forward)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A raw HTTP/1.1 handler that keeps connections alive, as PHP-FPM behind
 * nginx or a Node.js handler does, and hangs up without answering on any
 * request whose body says "hangup", after reading all of it.  Such a
 * request reached the handler: sending it again (on a fresh connection,
 * by Botbench or by libsoup) would deliver the event twice.
 */
#define G_LOG_DOMAIN "test-forward"

#include "config.h"

#include <string.h>

#include "botbench-test-utils.h"
#include "test-forward.h"

typedef struct
{
  GSocketService *service;
  char           *url;
  GMutex          lock;
  GPtrArray      *bodies;         /* char *, in arrival order */
  guint           n_connections;
  guint           n_active;
} RawHandler;

/* Blocking, on the service's worker thread: one connection, requests until
 * EOF or a hangup. */
static gboolean
raw_handler_run_cb (GThreadedSocketService *service,
                    GSocketConnection      *connection,
                    GObject                *source_object,
                    gpointer                user_data)
{
  RawHandler *h = user_data;
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  g_autoptr(GDataInputStream) in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (connection)));

  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (in), FALSE);
  g_data_input_stream_set_newline_type (in, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);

  g_mutex_lock (&h->lock);
  h->n_connections++;
  h->n_active++;
  g_mutex_unlock (&h->lock);

  for (;;)
    {
      g_autofree char *request_line = g_data_input_stream_read_line (in, NULL, NULL, NULL);
      static const char answer[] = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok";
      g_autofree char *body = NULL;
      gsize length = 0;
      gboolean hangup;

      if (request_line == NULL || *request_line == '\0')
        break;

      for (;;)
        {
          g_autofree char *header = g_data_input_stream_read_line (in, NULL, NULL, NULL);

          if (header == NULL || *header == '\0')
            break;
          if (g_ascii_strncasecmp (header, "Content-Length:", 15) == 0)
            length = (gsize)g_ascii_strtoull (header + 15, NULL, 10);
        }

      g_assert_cmpuint (length, <, 1024 * 1024);
      body = g_malloc0 (length + 1);
      if (!g_input_stream_read_all (G_INPUT_STREAM (in), body, length, NULL, NULL, NULL))
        break;

      hangup = strstr (body, "hangup") != NULL;
      g_mutex_lock (&h->lock);
      g_ptr_array_add (h->bodies, g_steal_pointer (&body));
      g_mutex_unlock (&h->lock);

      /* Read it all, then hang up: the handler has the event. */
      if (hangup ||
          !g_output_stream_write_all (out, answer, sizeof answer - 1, NULL, NULL, NULL))
        break;
    }

  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);

  g_mutex_lock (&h->lock);
  h->n_active--;
  g_mutex_unlock (&h->lock);

  return TRUE;
}

static RawHandler *
raw_handler_new (void)
{
  RawHandler *h = g_new0 (RawHandler, 1);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  g_mutex_init (&h->lock);
  h->bodies = g_ptr_array_new_with_free_func (g_free);
  h->service = g_threaded_socket_service_new (4);
  g_socket_listener_add_address (G_SOCKET_LISTENER (h->service), address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error);
  g_assert_no_error (error);
  g_signal_connect (h->service, "run", G_CALLBACK (raw_handler_run_cb), h);
  g_socket_service_start (h->service);
  h->url = g_strdup_printf ("http://127.0.0.1:%u/bot.php",
                            g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));

  return h;
}

static gboolean
raw_handler_idle (gpointer data)
{
  RawHandler *h = data;
  gboolean idle;

  g_mutex_lock (&h->lock);
  idle = h->n_active == 0;
  g_mutex_unlock (&h->lock);

  return idle;
}

/* After the client's session is gone (its connections closed). */
static void
raw_handler_free (RawHandler *h)
{
  g_socket_service_stop (h->service);
  g_socket_listener_close (G_SOCKET_LISTENER (h->service));
  botbench_test_assert_wait_until (raw_handler_idle, h, "the raw handler's connections to end");
  g_clear_object (&h->service);
  g_ptr_array_unref (h->bodies);
  g_mutex_clear (&h->lock);
  g_free (h->url);
  g_free (h);
}

/* How many requests whose body has text the handler got. */
static guint
raw_handler_count (RawHandler *h,
                   const char *text)
{
  guint n = 0;

  g_mutex_lock (&h->lock);
  for (guint i = 0; i < h->bodies->len; i++)
    n += strstr (g_ptr_array_index (h->bodies, i), text) != NULL;
  g_mutex_unlock (&h->lock);

  return n;
}

static BotbenchEvent *
make_event (const char *method,
            const char *message)
{
  g_autoptr(BotbenchEvent) post = test_forward_make_event ("/hook", NULL, message);

  return botbench_event_new (botbench_event_get_received (post), "127.0.0.1", method, "/hook", "",
                             NULL, botbench_event_get_content_type (post), botbench_event_get_body (post));
}

static BotbenchForwardResult *
send_sync (SoupSession   *session,
           const char    *url,
           BotbenchEvent *event)
{
  g_auto(BotbenchTestResult) r = { NULL };

  botbench_http_send_async (session, url, event, 10, NULL, botbench_test_result_cb, &r);
  return botbench_http_send_finish (botbench_test_result_wait (&r, 20000));
}

/* method: POST (Botbench's own retry sent it again) or PUT (libsoup's
 * restart of an idempotent method sent it again). */
static void
test_hangup_on_reused_connection (gconstpointer data)
{
  const char *method = data;
  RawHandler *h = raw_handler_new ();
  SoupSession *session = soup_session_new ();
  g_autoptr(BotbenchEvent) first = make_event (method, "first");
  g_autoptr(BotbenchEvent) hangup = make_event (method, "hangup");
  g_autoptr(BotbenchEvent) third = make_event (method, "third");
  g_autoptr(BotbenchForwardResult) r1 = NULL;
  g_autoptr(BotbenchForwardResult) r2 = NULL;
  g_autoptr(BotbenchForwardResult) r3 = NULL;

  r1 = send_sync (session, h->url, first);
  g_assert_cmpuint (botbench_forward_result_get_status (r1), ==, 200);

  /* Read whole by the handler, never answered: reported, never sent twice. */
  r2 = send_sync (session, h->url, hangup);
  g_assert_cmpint (botbench_forward_result_get_state (r2), ==, BOTBENCH_FORWARD_STATE_FAILED);
  g_assert_cmpstr (botbench_forward_result_get_error (r2), ==, "Connection closed without an answer");
  g_assert_cmpuint (raw_handler_count (h, "hangup"), ==, 1);

  /* The next one gets through. */
  r3 = send_sync (session, h->url, third);
  g_assert_cmpuint (botbench_forward_result_get_status (r3), ==, 200);
  g_assert_cmpuint (raw_handler_count (h, "first"), ==, 1);
  g_assert_cmpuint (raw_handler_count (h, "hangup"), ==, 1);
  g_assert_cmpuint (raw_handler_count (h, "third"), ==, 1);

  /* A POST goes on the kept-alive connection (the fast path stays). */
  if (g_str_equal (method, "POST"))
    g_assert_cmpuint (h->n_connections, ==, 2);

  g_object_unref (session);
  raw_handler_free (h);
}

/* The forwarder over the same handler: each event once, in order, the
 * hung-up one recorded as such, the connection reused for the others. */
static void
test_forwarder_hangup (void)
{
  g_autofree char *dir = botbench_test_make_tmp_dir ();
  g_autofree char *db = g_build_filename (dir, "events.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(BotbenchEventStore) store = botbench_event_store_new (db, &error);
  g_autoptr(BotbenchForwarder) forwarder = NULL;
  g_autoptr(GPtrArray) rules = g_ptr_array_new_with_free_func ((GDestroyNotify)botbench_forward_rule_unref);
  g_autoptr(BotbenchSignalCounter) forwarded = NULL;
  RawHandler *h = raw_handler_new ();
  const char *messages[] = { "one", "two-hangup", "three", "four" };

  g_assert_no_error (error);
  forwarder = botbench_forwarder_new (store);
  forwarded = botbench_test_count_signal (forwarder, "forwarded");
  g_ptr_array_add (rules, botbench_forward_rule_new ("/", h->url, TRUE));
  botbench_forwarder_set_rules (forwarder, rules);

  for (guint i = 0; i < G_N_ELEMENTS (messages); i++)
    {
      g_autoptr(BotbenchEvent) event = make_event ("POST", messages[i]);

      g_assert_true (botbench_forwarder_prepare (forwarder, event));
      botbench_event_store_insert (store, event, &error);
      g_assert_no_error (error);
      g_assert_true (botbench_forwarder_submit (forwarder, event));
    }
  botbench_signal_counter_assert_wait (forwarded, G_N_ELEMENTS (messages));

  for (guint i = 0; i < G_N_ELEMENTS (messages); i++)
    {
      g_autoptr(BotbenchEvent) stored = botbench_event_store_get (store, i + 1, &error);
      BotbenchForwardResult *fw;

      g_assert_no_error (error);
      fw = botbench_event_get_forward (stored);
      g_assert_cmpuint (raw_handler_count (h, messages[i]), ==, 1);
      if (strstr (messages[i], "hangup") != NULL)
        g_assert_cmpstr (botbench_forward_result_get_error (fw), ==, "Connection closed without an answer");
      else
        g_assert_cmpuint (botbench_forward_result_get_status (fw), ==, 200);
    }
  /* Kept alive: a connection per forward would be four (two when all
   * goes well: one until the hangup, one after). */
  g_assert_cmpuint (h->n_connections, <, G_N_ELEMENTS (messages));

  botbench_forwarder_stop (forwarder);
  g_assert_finalize_object (g_steal_pointer (&forwarder));
  botbench_event_store_close (store);
  raw_handler_free (h);
  botbench_test_rm_rf (dir);
}

void
test_forward_add_keepalive_tests (void)
{
  g_test_add_data_func ("/forward/send/keep-alive-hangup/post", "POST", test_hangup_on_reused_connection);
  g_test_add_data_func ("/forward/send/keep-alive-hangup/put", "PUT", test_hangup_on_reused_connection);
  g_test_add_func ("/forward/forwarder/keep-alive-hangup", test_forwarder_hangup);
}
