/* test-handler-probe.c: the handler URL check, over loopback
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "botbench-core.h"
#include "botbench-test-utils.h"

typedef struct
{
  char               *dir;
  BotbenchEventStore *store;
  BotbenchListener   *listener;
  SoupServer         *other;      /* a server that is not Botbench */
  char               *other_url;
} ProbeFixture;

static void
other_handler (SoupServer        *server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  if (g_str_has_prefix (path, "/missing"))
    soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
  else
    soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
}

static void
probe_setup (ProbeFixture  *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;

  f->dir = botbench_test_make_tmp_dir ();
  db = g_build_filename (f->dir, "events.db", NULL);
  f->store = botbench_event_store_new (db, &error);
  g_assert_no_error (error);

  f->listener = botbench_listener_new (f->store);
  botbench_listener_set_port (f->listener, 0);
  g_assert_true (botbench_listener_start (f->listener, &error));
  g_assert_no_error (error);

  f->other = soup_server_new (NULL, NULL);
  soup_server_add_handler (f->other, NULL, other_handler, NULL, NULL);
  f->other_url = g_strdup_printf ("http://127.0.0.1:%u/", botbench_test_serve_loopback (f->other));
}

static void
probe_teardown (ProbeFixture  *f,
                gconstpointer  data)
{
  soup_server_disconnect (f->other);
  g_clear_object (&f->other);
  botbench_listener_stop (f->listener);
  g_clear_object (&f->listener);
  botbench_event_store_close (f->store);
  g_clear_object (&f->store);
  botbench_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->other_url);
}

static gint64
run_probe (ProbeFixture  *f,
           const char    *url,
           GError       **error)
{
  BotbenchTestResult w = { NULL };
  gint64 ret;

  botbench_handler_probe_async (f->store, url, 5000, NULL, botbench_test_result_cb, &w);
  botbench_test_result_wait (&w, 20000);
  ret = botbench_handler_probe_finish (f->store, w.result, error);
  botbench_test_result_clear (&w);

  return ret;
}

static void
test_reaches_listener (ProbeFixture  *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *base = botbench_listener_dup_url (f->listener);
  g_autofree char *url = g_strconcat (base, "bot/events?CLIENT_ID=abc", NULL);
  g_autoptr(GPtrArray) events = NULL;
  BotbenchEventQuery query = { .event_name = BOTBENCH_HANDLER_PROBE_EVENT };
  gint64 took;

  took = run_probe (f, url, &error);
  g_assert_no_error (error);
  g_assert_cmpint (took, >, 0);

  /* The probe is in the log, at the path the portal would use. */
  events = botbench_event_store_query (f->store, &query, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (events->len, ==, 1);
  g_assert_cmpstr (botbench_event_get_path (g_ptr_array_index (events, 0)), ==, "/bot/events");
  g_assert_cmpstr (botbench_event_get_query (g_ptr_array_index (events, 0)), ==, "CLIENT_ID=abc");
}

static void
test_other_server (ProbeFixture  *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  /* 200 from somebody else: the tunnel points elsewhere. */
  g_assert_cmpint (run_probe (f, f->other_url, &error), ==, -1);
  g_assert_error (error, BOTBENCH_HANDLER_PROBE_ERROR, BOTBENCH_HANDLER_PROBE_ERROR_NOT_RECEIVED);
  g_assert_nonnull (strstr (error->message, "never received"));
}

static void
test_http_error (ProbeFixture  *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = g_strconcat (f->other_url, "missing", NULL);

  g_assert_cmpint (run_probe (f, url, &error), ==, -1);
  g_assert_error (error, BOTBENCH_HANDLER_PROBE_ERROR, BOTBENCH_HANDLER_PROBE_ERROR_HTTP);
  g_assert_nonnull (strstr (error->message, "404"));
}

static void
test_unreachable (ProbeFixture  *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autofree char *url = NULL;
  guint port;

  /* A port that was free a moment ago: bind, read it, close. */
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  address = g_inet_socket_address_new (loopback, 0);
  g_assert_true (g_socket_bind (socket, address, FALSE, &error));
  bound = g_socket_get_local_address (socket, &error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (socket, NULL);

  url = g_strdup_printf ("http://127.0.0.1:%u/", port);
  g_assert_cmpint (run_probe (f, url, &error), ==, -1);
  g_assert_error (error, BOTBENCH_HANDLER_PROBE_ERROR, BOTBENCH_HANDLER_PROBE_ERROR_UNREACHABLE);
}

static void
test_invalid_url (ProbeFixture  *f,
                  gconstpointer  data)
{
  static const char * const urls[] = { "ftp://example.com/", "not a url", "http:///path" };

  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_cmpint (run_probe (f, urls[i], &error), ==, -1);
      g_assert_error (error, BOTBENCH_HANDLER_PROBE_ERROR, BOTBENCH_HANDLER_PROBE_ERROR_INVALID_URL);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, ProbeFixture, NULL, probe_setup, func, probe_teardown)

  ADD ("/handler-probe/reaches-listener", test_reaches_listener);
  ADD ("/handler-probe/other-server", test_other_server);
  ADD ("/handler-probe/http-error", test_http_error);
  ADD ("/handler-probe/unreachable", test_unreachable);
  ADD ("/handler-probe/invalid-url", test_invalid_url);

  return g_test_run ();
}
