/* bench-forward.c: listener throughput with forwarding against without
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The same wrk load (keep-alive, POSTing the real ONIMBOTMESSAGEADD body)
 * against BotbenchListener + BotbenchEventStore twice in one run: without
 * forwarding, then forwarding every event to a loopback handler (a
 * SoupServer on its own thread answering 200 "ok" at once).  With
 * forwarding two figures count: the acknowledged requests/s wrk sees, and
 * the end-to-end rate, events whose forward was recorded divided by the
 * time until the last one was (the forwarder drains its queue after the
 * load).  The ratio against no forwarding is printed for both (target of
 * issue 11: >= 0.5x).  Every event must be stored and, with forwarding,
 * have its answer recorded (none "Forward queue full").
 *
 *   bench-forward [--duration SECONDS] [--connections N]
 */
#define G_LOG_DOMAIN "bench-forward"

#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "botbench-core.h"
#include "listener-load.h"

#define TARGET 0.5

static int opt_duration = 5;
static int opt_connections = 64;

static const GOptionEntry entries[] = {
  { "duration", 0, 0, G_OPTION_ARG_INT, &opt_duration, "Seconds of load per run (default 5)", "S" },
  { "connections", 0, 0, G_OPTION_ARG_INT, &opt_connections, "wrk connections (default 64)", "N" },
  { NULL }
};

typedef struct
{
  GMainContext *context;
  GMainLoop    *loop;
  SoupServer   *server;
  guint         port;
  GMutex        mutex;
  GCond         cond;
  gboolean      ready;
  gsize         handled;   /* atomic */
} Handler;

typedef struct
{
  gboolean forward;
  double   rps;            /* acknowledged, as wrk saw them */
  double   e2e_rps;        /* forwarded and recorded, to the last one */
  gint64   acked;
  gint64   stored;
  gint64   forwarded_ok;
  gint64   handled;
  double   drain_s;
} Result;

static void
handler_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  Handler *h = user_data;

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "ok", 2);
  g_atomic_pointer_add (&h->handled, 1);
}

static gpointer
handler_thread (gpointer data)
{
  Handler *h = data;
  GSList *uris;

  g_main_context_push_thread_default (h->context);
  h->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (h->server, NULL, handler_cb, h, NULL);
  if (soup_server_listen_local (h->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, NULL))
    {
      uris = soup_server_get_uris (h->server);
      h->port = g_uri_get_port (uris->data);
      g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);
    }

  g_mutex_lock (&h->mutex);
  h->ready = TRUE;
  g_cond_signal (&h->cond);
  g_mutex_unlock (&h->mutex);

  if (h->port != 0)
    g_main_loop_run (h->loop);

  soup_server_disconnect (h->server);
  g_clear_object (&h->server);
  while (g_main_context_iteration (h->context, FALSE))
    ;
  g_main_context_pop_thread_default (h->context);

  return NULL;
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static void
count_ok_cb (BotbenchForwarder     *forwarder,
             BotbenchEvent         *event,
             BotbenchForwardResult *result,
             gint64                *n_ok)
{
  if (botbench_forward_result_is_success (result))
    (*n_ok)++;
}

static gboolean
run_once (const char  *tmp,
          const char  *script,
          Handler     *h,
          Result      *res,
          GError     **error)
{
  g_autofree char *db = g_build_filename (tmp, res->forward ? "forward.db" : "plain.db", NULL);
  g_autofree char *target = g_strdup_printf ("http://127.0.0.1:%u/bot.php", h->port);
  g_autoptr(BotbenchEventStore) store = NULL;
  g_autoptr(BotbenchListener) listener = NULL;
  g_autoptr(BotbenchForwarder) forwarder = NULL;
  BotbenchEventQuery all = { 0 };
  LoadResult load = { 0 };
  LoadRun *run;
  gint64 start, handled_before;
  gboolean ok;

  store = botbench_event_store_new (db, error);
  if (store == NULL)
    return FALSE;
  listener = botbench_listener_new (store);
  botbench_listener_set_port (listener, 0);
  if (res->forward)
    {
      g_autoptr(GPtrArray) rules = g_ptr_array_new_with_free_func ((GDestroyNotify)botbench_forward_rule_unref);

      g_ptr_array_add (rules, botbench_forward_rule_new ("/", target, TRUE));
      forwarder = botbench_forwarder_new (store);
      botbench_forwarder_set_rules (forwarder, rules);
      /* Nothing is dropped for the figure: the queue holds the whole load. */
      botbench_forwarder_set_max_queued (forwarder, G_MAXUINT);
      botbench_forwarder_set_max_queued_bytes (forwarder, G_MAXUINT64);
      g_signal_connect (forwarder, "forwarded", G_CALLBACK (count_ok_cb), &res->forwarded_ok);
      botbench_listener_set_forwarder (listener, forwarder);
    }
  if (!botbench_listener_start (listener, error))
    return FALSE;

  handled_before = (gint64)(gsize)g_atomic_pointer_get (&h->handled);
  start = g_get_monotonic_time ();
  run = load_start (script, botbench_listener_get_bound_port (listener), FALSE,
                    (guint)opt_connections, 1, (guint)opt_duration, error);
  ok = run != NULL && load_finish (run, &load, error);
  botbench_listener_stop (listener);
  res->rps = load.rps;
  res->acked = load.requests - load.non_2xx;

  if (ok && forwarder != NULL)
    {
      gint64 load_end = g_get_monotonic_time ();

      ok = botbench_forwarder_flush (forwarder, 120000);
      res->drain_s = (g_get_monotonic_time () - load_end) / 1e6;
      res->e2e_rps = (double)botbench_listener_get_n_events (listener) /
                     ((g_get_monotonic_time () - start) / 1e6);
      /* "forwarded" lands on this context */
      while (g_main_context_iteration (NULL, FALSE))
        ;
      res->handled = (gint64)(gsize)g_atomic_pointer_get (&h->handled) - handled_before;
      botbench_forwarder_stop (forwarder);
    }

  res->stored = botbench_event_store_count (store, &all, NULL);
  botbench_event_store_close (store);
  load_remove_db (db);

  return ok;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("- listener throughput with forwarding vs without");
  g_autoptr(GError) error = NULL;
  g_autofree char *fixture = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *script = NULL;
  Handler h = { 0 };
  GThread *thread;
  Result plain = { FALSE }, fwd = { TRUE };
  gboolean ok;
  double ratio, e2e_ratio;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || opt_duration < 1 || opt_connections < 1)
    {
      g_printerr ("%s\n", error ? error->message : "--duration and --connections must be positive");
      return 2;
    }

  fixture = load_find_source_file (LOAD_FIXTURE);
  if (fixture == NULL)
    {
      g_printerr ("cannot find %s; run from the source tree\n", LOAD_FIXTURE);
      return 1;
    }
  signal (SIGPIPE, SIG_IGN);
  setvbuf (stdout, NULL, _IOLBF, 0);
  tmp = g_dir_make_tmp ("bench-forward-XXXXXX", &error);
  if (tmp == NULL || (script = load_write_script (tmp, fixture, &error)) == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  g_mutex_init (&h.mutex);
  g_cond_init (&h.cond);
  h.context = g_main_context_new ();
  h.loop = g_main_loop_new (h.context, FALSE);
  thread = g_thread_new ("bench-handler", handler_thread, &h);
  g_mutex_lock (&h.mutex);
  while (!h.ready)
    g_cond_wait (&h.cond, &h.mutex);
  g_mutex_unlock (&h.mutex);
  if (h.port == 0)
    {
      g_printerr ("the loopback handler could not listen\n");
      return 1;
    }

  g_printerr ("bench-forward: without forwarding...\n");
  ok = run_once (tmp, script, &h, &plain, &error);
  if (ok)
    {
      g_printerr ("bench-forward: forwarding to the loopback handler...\n");
      ok = run_once (tmp, script, &h, &fwd, &error);
    }

  g_main_context_invoke (h.context, quit_cb, h.loop);
  g_thread_join (thread);
  g_main_loop_unref (h.loop);
  g_main_context_unref (h.context);
  g_rmdir (tmp);

  if (!ok)
    {
      g_printerr ("bench-forward failed: %s\n", error->message);
      return 1;
    }

  ratio = plain.rps > 0 ? fwd.rps / plain.rps : 0;
  e2e_ratio = plain.rps > 0 ? fwd.e2e_rps / plain.rps : 0;
  printf ("forward benchmark: wrk -t1 -c%d -d%ds keep-alive, POST %s\n", opt_connections, opt_duration, LOAD_FIXTURE);
  printf ("  %-36s %9.0f req/s acknowledged (%" G_GINT64_FORMAT " stored)\n",
          "without forwarding", plain.rps, plain.stored);
  printf ("  %-36s %9.0f req/s acknowledged (%" G_GINT64_FORMAT " stored)\n",
          "forwarding to a 200 handler", fwd.rps, fwd.stored);
  printf ("  %-36s %9.0f events/s forwarded end to end (%" G_GINT64_FORMAT " answered 200, "
          "handler saw %" G_GINT64_FORMAT ", queue drained %.2f s after the load)\n",
          "", fwd.e2e_rps, fwd.forwarded_ok, fwd.handled, fwd.drain_s);
  printf ("ratios (same run):\n");
  printf ("  acknowledged, forwarding / without   %5.2fx  target >= %.2gx: %s\n",
          ratio, TARGET, ratio >= TARGET ? "met" : "MISSED");
  printf ("  end to end, forwarding / without     %5.2fx  target >= %.2gx: %s\n",
          e2e_ratio, TARGET, e2e_ratio >= TARGET ? "met" : "MISSED");

  if (fwd.forwarded_ok != fwd.stored || fwd.handled != fwd.stored)
    {
      printf ("  INCONSISTENT: %" G_GINT64_FORMAT " stored, %" G_GINT64_FORMAT " forwarded\n",
              fwd.stored, fwd.forwarded_ok);
      return 1;
    }

  return 0;
}
