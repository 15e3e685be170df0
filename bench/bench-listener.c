/* bench-listener.c: listener throughput vs a bare SoupServer, same load
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * All servers run on their own thread and main context on 127.0.0.1 and
 * are driven by the same wrk invocation POSTing a real ONIMBOTMESSAGEADD
 * body.  The references answer 200 and do nothing else, once with
 * keep-alive and once closing each connection as the listener does;
 * Botbench decodes, group-commits to SQLite and answers after COMMIT.
 * Target: >= 0.75x.
 *
 *   bench-listener [--duration SECONDS] [--connections N] [--threads N]
 */
#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <stdio.h>
#include <string.h>

#include "botbench-core.h"

static int duration = 5;
static int connections = 64;
static int threads = 1;

typedef struct
{
  GMainContext *context;
  GMainLoop    *loop;
  SoupServer   *server;
  guint         port;
  GMutex        mutex;
  GCond         cond;
  gboolean      ready;
} BareServer;

static gboolean bare_close;

static void
bare_handler (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  if (bare_close)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                  "Connection", "close");
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, "{}", 2);
}

static gpointer
bare_thread (gpointer data)
{
  BareServer *bare = data;
  g_autoptr(GError) error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (bare->context);
  bare->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (bare->server, NULL, bare_handler, NULL, NULL);
  soup_server_listen_local (bare->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (bare->server);
  bare->port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);

  g_mutex_lock (&bare->mutex);
  bare->ready = TRUE;
  g_cond_signal (&bare->cond);
  g_mutex_unlock (&bare->mutex);

  g_main_loop_run (bare->loop);

  soup_server_disconnect (bare->server);
  g_clear_object (&bare->server);
  g_main_context_pop_thread_default (bare->context);
  return NULL;
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static char *
find_fixture (void)
{
  const char *candidates[] = {
    "tests/fixtures/events/ONIMBOTMESSAGEADD.form",
    "../tests/fixtures/events/ONIMBOTMESSAGEADD.form",
    "../../tests/fixtures/events/ONIMBOTMESSAGEADD.form",
  };
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *exe_dir = g_path_get_dirname (exe ? exe : ".");

  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    if (g_file_test (candidates[i], G_FILE_TEST_EXISTS))
      return g_canonicalize_filename (candidates[i], NULL);

  {
    char *path = g_build_filename (exe_dir, "..", "..", "tests", "fixtures", "events",
                                   "ONIMBOTMESSAGEADD.form", NULL);
    if (g_file_test (path, G_FILE_TEST_EXISTS))
      return path;
    g_free (path);
  }

  return NULL;
}

/* Runs wrk against port; returns requests/s and the count of non-2xx. */
static double
run_wrk (const char *script,
         guint       port,
         gint64     *non_2xx,
         gint64     *total)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/bot/events", port);
  g_autofree char *d = g_strdup_printf ("%ds", duration);
  g_autofree char *c = g_strdup_printf ("%d", connections);
  g_autofree char *t = g_strdup_printf ("%d", threads);
  const char *argv[] = { "wrk", "-t", t, "-c", c, "-d", d, "-s", script, url, NULL };
  double rps = 0;
  int status = 0;
  const char *p;

  if (!g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                     &out, &err, &status, &error))
    {
      g_printerr ("cannot run wrk: %s (apt-get install wrk)\n", error->message);
      exit (1);
    }

  if ((p = strstr (out, "Requests/sec:")) != NULL)
    rps = g_ascii_strtod (p + strlen ("Requests/sec:"), NULL);

  *non_2xx = 0;
  if ((p = strstr (out, "Non-2xx or 3xx responses:")) != NULL)
    *non_2xx = g_ascii_strtoll (p + strlen ("Non-2xx or 3xx responses:"), NULL, 10);

  *total = 0;
  if ((p = strstr (out, "requests in")) != NULL)
    {
      const char *start = p;
      while (start > out && start[-1] != '\n')
        start--;
      *total = g_ascii_strtoll (start, NULL, 10);
    }

  return rps;
}

/* Reference: a bare SoupServer on its own thread, as the listener has. */
static double
run_bare (const char *script,
          gint64     *bad,
          gint64     *total)
{
  BareServer bare = { 0 };
  GThread *thread;
  double rps;

  g_mutex_init (&bare.mutex);
  g_cond_init (&bare.cond);
  bare.context = g_main_context_new ();
  bare.loop = g_main_loop_new (bare.context, FALSE);
  thread = g_thread_new ("bare", bare_thread, &bare);
  g_mutex_lock (&bare.mutex);
  while (!bare.ready)
    g_cond_wait (&bare.cond, &bare.mutex);
  g_mutex_unlock (&bare.mutex);

  rps = run_wrk (script, bare.port, bad, total);

  g_main_context_invoke (bare.context, quit_cb, bare.loop);
  g_thread_join (thread);
  g_main_loop_unref (bare.loop);
  g_main_context_unref (bare.context);
  g_mutex_clear (&bare.mutex);
  g_cond_clear (&bare.cond);

  return rps;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *fixture = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *script = NULL;
  g_autofree char *lua = NULL;
  g_autofree char *db = NULL;
  g_autoptr(BotbenchEventStore) store = NULL;
  g_autoptr(BotbenchListener) listener = NULL;
  gint64 bare_bad, bare_total, bare_close_bad, bare_close_total, bb_bad, bb_total, stored;
  double bare_rps, bare_close_rps, bb_rps;
  BotbenchEventQuery all = { 0 };
  const GOptionEntry entries[] = {
    { "duration", 0, 0, G_OPTION_ARG_INT, &duration, "Seconds per run (default 5)", "S" },
    { "connections", 0, 0, G_OPTION_ARG_INT, &connections, "Concurrent connections (default 64)", "N" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, "wrk threads (default 1)", "N" },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  fixture = find_fixture ();
  if (fixture == NULL)
    {
      g_printerr ("cannot find tests/fixtures/events/ONIMBOTMESSAGEADD.form; run from the source tree\n");
      return 1;
    }

  tmp = g_dir_make_tmp ("bench-listener-XXXXXX", &error);
  g_assert_no_error (error);
  script = g_build_filename (tmp, "post.lua", NULL);
  lua = g_strdup_printf ("local f = io.open(\"%s\", \"rb\")\n"
                         "wrk.method = \"POST\"\n"
                         "wrk.body = f:read(\"*a\")\n"
                         "f:close()\n"
                         "wrk.headers[\"Content-Type\"] = \"application/x-www-form-urlencoded\"\n"
                         "wrk.headers[\"User-Agent\"] = \"Bitrix24 Webhook Engine\"\n",
                         fixture);
  g_file_set_contents (script, lua, -1, &error);
  g_assert_no_error (error);

  bare_close = FALSE;
  bare_rps = run_bare (script, &bare_bad, &bare_total);
  bare_close = TRUE;
  bare_close_rps = run_bare (script, &bare_close_bad, &bare_close_total);

  /* Botbench: decode + group commit + 200 after COMMIT. */
  db = g_build_filename (tmp, "events.db", NULL);
  store = botbench_event_store_new (db, &error);
  g_assert_no_error (error);
  listener = botbench_listener_new (store);
  botbench_listener_set_port (listener, 0);
  botbench_listener_start (listener, &error);
  g_assert_no_error (error);

  bb_rps = run_wrk (script, botbench_listener_get_bound_port (listener), &bb_bad, &bb_total);

  botbench_listener_stop (listener);
  botbench_event_store_close (store);
  {
    g_autoptr(BotbenchEventStore) reopened = botbench_event_store_new (db, &error);
    g_assert_no_error (error);
    stored = botbench_event_store_count (reopened, &all, &error);
    g_assert_no_error (error);
    botbench_event_store_close (reopened);
  }

  printf ("listener benchmark: wrk -t%d -c%d -d%ds, body %s\n", threads, connections, duration, fixture);
  printf ("  bare SoupServer, keep-alive:         %10.0f req/s  (%" G_GINT64_FORMAT " requests, %" G_GINT64_FORMAT " non-2xx)\n",
          bare_rps, bare_total, bare_bad);
  printf ("  bare SoupServer, Connection: close:  %10.0f req/s  (%" G_GINT64_FORMAT " requests, %" G_GINT64_FORMAT " non-2xx)\n",
          bare_close_rps, bare_close_total, bare_close_bad);
  printf ("  Botbench listener (decode+persist):  %10.0f req/s  (%" G_GINT64_FORMAT " requests, %" G_GINT64_FORMAT " non-2xx, %" G_GINT64_FORMAT " stored)\n",
          bb_rps, bb_total, bb_bad, stored);
  printf ("  ratio vs bare keep-alive:        %.2fx (target >= 0.75x)\n", bare_rps > 0 ? bb_rps / bare_rps : 0.0);
  printf ("  ratio vs bare, same close policy: %.2fx (target >= 0.75x)\n",
          bare_close_rps > 0 ? bb_rps / bare_close_rps : 0.0);
  printf ("  (the listener closes every connection after its response: libsoup 3.2\n"
          "   leaks kept-alive connections that the peer closes while idle)\n");

  {
    char *files[] = { g_strdup (script), g_strdup (db),
                                 g_strconcat (db, "-wal", NULL), g_strconcat (db, "-shm", NULL) };
    for (guint i = 0; i < G_N_ELEMENTS (files); i++)
      {
        g_remove (files[i]);
        g_free (files[i]);
      }
    g_rmdir (tmp);
  }

  return 0;
}
