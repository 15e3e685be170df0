/* bench-listener-rss.c: the listener's memory over many events
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * BotbenchListener + BotbenchEventStore on a temporary database, in this
 * process (the main thread iterating the main context, as in the
 * application), driven by wrk (a separate process: its memory is not
 * counted) POSTing the real ONIMBOTMESSAGEADD body, until the listener has
 * committed --events events; once with keep-alive, once with
 * "Connection: close" on every request (one accepted connection per event,
 * which is where libsoup 3.2 used to leak).  The process's VmRSS is sampled
 * when 50,000 events have been committed, at checkpoints after that, at
 * the end (still under load), and after two idle seconds.  Target (issue 8):
 * RSS growth <= 10 MiB between 50,000 and 1,000,000 events, in both modes.
 *
 *   bench-listener-rss                    # 200,000 events per mode
 *   bench-listener-rss --events 1000000   # the target's run (a few minutes)
 *   bench-listener-rss --mode close --dir /var/tmp
 *
 * Also printed: the heap in use (glibc's mallinfo2, all arenas) and
 * SQLite's own allocations, which tell a leak (growing in use) from
 * fragmentation (RSS growing, in use flat).  Exit status 1 if a run failed
 * or the database does not hold exactly the events the listener committed.
 */
#define G_LOG_DOMAIN "bench-listener"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <malloc.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "botbench-core.h"
#include "listener-load.h"

#define FIRST_CHECKPOINT 50000
#define TARGET_MIB       10.0
#define SAMPLE_MS        5

static gint64 opt_events = 200000;
static int opt_connections = 64;
static int opt_threads = 1;
static char *opt_mode = NULL;
static char *opt_dir = NULL;

static const GOptionEntry entries[] = {
  { "events", 'n', 0, G_OPTION_ARG_INT64, &opt_events, "Events per mode (default 200000; the target is for 1000000)", "N" },
  { "connections", 0, 0, G_OPTION_ARG_INT, &opt_connections, "wrk connections (default 64)", "N" },
  { "threads", 0, 0, G_OPTION_ARG_INT, &opt_threads, "wrk threads (default 1)", "N" },
  { "mode", 0, 0, G_OPTION_ARG_STRING, &opt_mode, "keep-alive, close or both (default both)", "MODE" },
  { "dir", 0, 0, G_OPTION_ARG_FILENAME, &opt_dir, "Where the temporary database goes (default $TMPDIR)", "DIR" },
  { NULL }
};

typedef struct
{
  gint64 events;
  double elapsed_s;
  gint64 rss_kib;
  gint64 heap_kib;
  gint64 sqlite_kib;
} Sample;

typedef struct
{
  BotbenchListener *listener;
  LoadRun          *load;
  gint64            start_us;
  gint64            next;        /* next checkpoint */
  gint64            step;
  GArray           *samples;     /* of Sample */
  gboolean          reached;     /* the last checkpoint was sampled */
} RssRun;

static Sample
take_sample (gint64 events,
             gint64 start_us)
{
  struct mallinfo2 info = mallinfo2 ();
  Sample sample = {
    .events = events,
    .elapsed_s = (g_get_monotonic_time () - start_us) / (double)G_USEC_PER_SEC,
    .rss_kib = load_rss_kib (),
    .heap_kib = (gint64)((info.uordblks + info.hblkhd) / 1024),
    .sqlite_kib = sqlite3_memory_used () / 1024,
  };

  return sample;
}

static gboolean
sample_cb (gpointer user_data)
{
  RssRun *run = user_data;
  gint64 n = (gint64)botbench_listener_get_n_events (run->listener);
  Sample sample;

  if (n < run->next)
    {
      if (!load_is_running (run->load))
        return G_SOURCE_REMOVE;   /* wrk gave up; reported by the caller */
      return G_SOURCE_CONTINUE;
    }

  sample = take_sample (n, run->start_us);
  g_array_append_val (run->samples, sample);

  if (run->next >= opt_events)
    {
      run->reached = TRUE;
      load_interrupt (run->load);
      return G_SOURCE_REMOVE;
    }

  /* 50,000, then every step, then the end */
  run->next = MIN ((run->next / run->step + 1) * run->step, opt_events);
  while (n >= run->next && run->next < opt_events)
    run->next = MIN (run->next + run->step, opt_events);

  return G_SOURCE_CONTINUE;
}

static gboolean
idle_over_cb (gpointer user_data)
{
  *(gboolean *)user_data = TRUE;
  g_main_context_wakeup (NULL);
  return G_SOURCE_REMOVE;
}

static double
mib (gint64 kib)
{
  return kib / 1024.0;
}

static gboolean
run_mode (const char *dir,
          const char *script,
          gboolean    close)
{
  const char *mode = close ? "Connection: close" : "keep-alive";
  g_autofree char *db = g_build_filename (dir, close ? "rss-close.db" : "rss-keep-alive.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(BotbenchEventStore) store = NULL;
  g_autoptr(BotbenchEventStore) reopened = NULL;
  g_autoptr(BotbenchListener) listener = NULL;
  g_autoptr(GArray) samples = g_array_new (FALSE, TRUE, sizeof (Sample));
  g_autofree char *load_before = load_dup_loadavg ();
  g_autofree char *load_after = NULL;
  BotbenchEventQuery all = { 0 };
  RssRun run = { 0 };
  LoadResult result = { 0 };
  Sample start, idle;
  const Sample *first = NULL, *last = NULL;
  gboolean idle_over = FALSE, ok = TRUE;
  gint64 committed, rows = -1;
  double growth;

  load_remove_db (db);
  store = botbench_event_store_new (db, &error);
  if (store == NULL)
    {
      g_printerr ("%s: %s\n", mode, error->message);
      return FALSE;
    }
  listener = botbench_listener_new (store);
  botbench_listener_set_port (listener, 0);
  if (!botbench_listener_start (listener, &error))
    {
      g_printerr ("%s: %s\n", mode, error->message);
      botbench_event_store_close (store);
      load_remove_db (db);
      return FALSE;
    }

  run.listener = listener;
  run.samples = samples;
  run.next = MIN (FIRST_CHECKPOINT, opt_events);
  run.step = MAX (FIRST_CHECKPOINT, opt_events / 10 / FIRST_CHECKPOINT * FIRST_CHECKPOINT);
  run.start_us = g_get_monotonic_time ();
  start = take_sample (0, run.start_us);

  run.load = load_start (script, botbench_listener_get_bound_port (listener), close,
                         opt_connections, opt_threads, 0, &error);
  if (run.load == NULL)
    {
      g_printerr ("%s: %s\n", mode, error->message);
      ok = FALSE;
    }
  else
    {
      g_autoptr(GSource) sampler = g_timeout_source_new (SAMPLE_MS);

      g_source_set_callback (sampler, sample_cb, &run, NULL);
      g_source_attach (sampler, NULL);
      if (!load_finish (run.load, &result, &error))
        {
          g_printerr ("%s: %s\n", mode, error->message);
          ok = FALSE;
        }
      g_source_destroy (sampler);
    }

  /* what is left once the load has gone and the writer caught up */
  g_timeout_add_seconds (2, idle_over_cb, &idle_over);
  while (!idle_over)
    g_main_context_iteration (NULL, TRUE);
  committed = (gint64)botbench_listener_get_n_events (listener);
  idle = take_sample (committed, run.start_us);
  load_after = load_dup_loadavg ();

  botbench_listener_stop (listener);
  committed = (gint64)botbench_listener_get_n_events (listener);
  botbench_event_store_close (store);
  reopened = botbench_event_store_new (db, &error);
  if (reopened != NULL)
    {
      rows = botbench_event_store_count (reopened, &all, &error);
      botbench_event_store_close (reopened);
    }
  if (rows < 0)
    {
      g_printerr ("%s: cannot count the events: %s\n", mode, error->message);
      ok = FALSE;
    }
  load_remove_db (db);

  if (!run.reached)
    {
      g_printerr ("%s: wrk stopped after %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT " events\n",
                  mode, committed, opt_events);
      ok = FALSE;
    }

  printf ("%s: wrk -t%d -c%d until %" G_GINT64_FORMAT " events committed; load average %s before, %s after\n",
          mode, opt_threads, opt_connections, opt_events, load_before, load_after);
  printf ("  %10s %9s %10s %14s %11s\n", "events", "seconds", "RSS MiB", "heap in use", "SQLite MiB");
  printf ("  %10s %9.1f %10.1f %14.1f %11.1f\n", "(started)", start.elapsed_s, mib (start.rss_kib),
          mib (start.heap_kib), mib (start.sqlite_kib));
  for (guint i = 0; i < samples->len; i++)
    {
      const Sample *s = &g_array_index (samples, Sample, i);

      printf ("  %10" G_GINT64_FORMAT " %9.1f %10.1f %14.1f %11.1f\n", s->events, s->elapsed_s,
              mib (s->rss_kib), mib (s->heap_kib), mib (s->sqlite_kib));
    }
  printf ("  %10s %9.1f %10.1f %14.1f %11.1f\n", "(idle 2 s)", idle.elapsed_s, mib (idle.rss_kib),
          mib (idle.heap_kib), mib (idle.sqlite_kib));

  if (samples->len > 0)
    {
      first = &g_array_index (samples, Sample, 0);
      last = &g_array_index (samples, Sample, samples->len - 1);
    }
  if (ok && first != NULL && last != NULL && first->events >= FIRST_CHECKPOINT && last != first)
    {
      growth = mib (last->rss_kib - first->rss_kib);
      printf ("  RSS growth from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT " events: %+.1f MiB "
              "(%+.1f bytes/event; heap in use %+.1f MiB)",
              first->events, last->events, growth,
              (last->rss_kib - first->rss_kib) * 1024.0 / (last->events - first->events),
              mib (last->heap_kib - first->heap_kib));
      if (last->events >= 1000000)
        printf ("  target <= %.0f MiB: %s\n", TARGET_MIB, growth <= TARGET_MIB ? "met" : "MISSED");
      else
        printf ("  (the %.0f MiB target is for 1,000,000 events: --events 1000000)\n", TARGET_MIB);
    }
  printf ("  %.0f events/s; wrk: %" G_GINT64_FORMAT " answers, %" G_GINT64_FORMAT " non-2xx, "
          "socket errors %" G_GINT64_FORMAT " (connect %" G_GINT64_FORMAT ", read %" G_GINT64_FORMAT
          ", write %" G_GINT64_FORMAT ", timeout %" G_GINT64_FORMAT ")\n",
          last != NULL && last->elapsed_s > 0 ? last->events / last->elapsed_s : 0.0,
          result.requests, result.non_2xx, load_socket_errors (&result), result.connect_errors,
          result.read_errors, result.write_errors, result.timeouts);
  printf ("  %" G_GINT64_FORMAT " rows in the database, %" G_GINT64_FORMAT
          " events committed and answered 200 by the listener: %s\n",
          rows, committed, rows == committed ? "consistent" : "INCONSISTENT");

  return ok && rows == committed;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("- the listener's RSS over many events");
  g_autoptr(GError) error = NULL;
  g_autofree char *fixture = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *script = NULL;
  gboolean keep_alive, close, ok = TRUE;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  keep_alive = opt_mode == NULL || g_str_equal (opt_mode, "both") || g_str_equal (opt_mode, "keep-alive");
  close = opt_mode == NULL || g_str_equal (opt_mode, "both") || g_str_equal (opt_mode, "close");
  if ((!keep_alive && !close) || opt_events < 1 || opt_connections < 1 || opt_threads < 1 ||
      opt_threads > opt_connections)
    {
      g_printerr ("--mode is keep-alive, close or both; --events, --connections and --threads are positive, "
                  "threads <= connections\n");
      return 2;
    }

  fixture = load_find_source_file (LOAD_FIXTURE);
  if (fixture == NULL)
    {
      g_printerr ("cannot find %s; run from the source tree\n", LOAD_FIXTURE);
      return 1;
    }

  signal (SIGPIPE, SIG_IGN);
  /* figures appear as they are measured, also into a file */
  setvbuf (stdout, NULL, _IOLBF, 0);

  if (opt_dir != NULL)
    {
      g_autofree char *template = g_build_filename (opt_dir, "bench-listener-rss-XXXXXX", NULL);
      tmp = g_mkdtemp (g_steal_pointer (&template));
    }
  else
    tmp = g_dir_make_tmp ("bench-listener-rss-XXXXXX", &error);
  if (tmp == NULL || (script = load_write_script (tmp, fixture, &error)) == NULL)
    {
      g_printerr ("cannot make a temporary directory: %s\n", error != NULL ? error->message : g_strerror (errno));
      return 1;
    }

  printf ("listener RSS benchmark: POST %s, %" G_GINT64_FORMAT " events per mode\n", LOAD_FIXTURE, opt_events);
  if (keep_alive)
    ok &= run_mode (tmp, script, FALSE);
  if (close)
    ok &= run_mode (tmp, script, TRUE);

  g_remove (script);
  g_rmdir (tmp);

  return ok ? 0 : 1;
}
