/* bench-listener.c: the listener against bare libsoup and a PHP handler
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One wrk load (wrk -t1 -c64 -d5s, a Lua script POSTing the real
 * ONIMBOTMESSAGEADD body as application/x-www-form-urlencoded) against, in
 * turn, with keep-alive and with "Connection: close" on every request:
 *
 *   - a bare SoupServer answering 200 "{}" and nothing else (the reference;
 *     it repeats a request's "Connection: close" in its answer);
 *   - the PHP handler a developer would write (bench/php/handler.php under
 *     `php -S`, PHP_CLI_SERVER_WORKERS=2: json_encode($_POST) appended to a
 *     file under LOCK_EX; php -S closes every connection, whatever the
 *     client asks);
 *   - Botbench: BotbenchListener + BotbenchEventStore on a temporary
 *     database, in this process, answering 200 after the event's COMMIT.
 *
 * In-process servers run on their own thread while the main thread iterates
 * the main context (where the store's signals land), as in the application.
 * Before each load a probe tells whether the server really keeps the
 * connection.  Printed: requests/s,
 * answers, non-2xx, wrk's socket errors, what the server counted (requests
 * handled, lines written, events committed), server CPU per request, and
 * the ratios against the targets of issue 8: Botbench >= 0.75x bare libsoup
 * (keep-alive), >= 2x the PHP handler.  Botbench's database must hold
 * exactly the events its listener committed and answered 200.
 *
 *   bench-listener [--duration SECONDS] [--connections N] [--threads N] [--rounds N]
 *
 * On a busy machine, --rounds 3 runs the six measurements three times in
 * turn and reports, for each, its best round: other work only ever takes
 * throughput away.  The CPU time per request moves much less with load.
 *
 * Exit status 1 if a server failed or the counts disagree (not for a
 * missed target).
 */
#define G_LOG_DOMAIN "bench-listener"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "botbench-core.h"
#include "listener-load.h"

#define TARGET_BARE 0.75
#define TARGET_PHP  2.0

static int opt_duration = 5;
static int opt_connections = 64;
static int opt_threads = 1;
static int opt_rounds = 1;

static const GOptionEntry entries[] = {
  { "duration", 0, 0, G_OPTION_ARG_INT, &opt_duration, "Seconds of load per server and mode (default 5)", "S" },
  { "connections", 0, 0, G_OPTION_ARG_INT, &opt_connections, "wrk connections (default 64)", "N" },
  { "threads", 0, 0, G_OPTION_ARG_INT, &opt_threads, "wrk threads (default 1)", "N" },
  { "rounds", 0, 0, G_OPTION_ARG_INT, &opt_rounds, "Measure everything N times, interleaved, and report the best round of each (default 1)", "N" },
  { NULL }
};

typedef enum
{
  SERVER_BARE,
  SERVER_PHP,
  SERVER_BOTBENCH,
} ServerKind;

typedef struct
{
  const char *label;
  ServerKind  kind;
  gboolean    close;

  gboolean    measured;
  double     *rps_rounds;      /* rounds measured, by requests/s */
  guint       n_rounds;
  LoadResult  load;
  gboolean    kept_alive;      /* the probe's second request was answered */
  guint       probe_status;
  gint64      server_count;    /* during the load: handled / lines / committed */
  double      cpu_s;           /* server CPU during the load */
  guint       n_processes;     /* PHP: master + workers seen */
  gint64      db_rows;         /* Botbench: rows in the database after close */
  gint64      committed;       /* Botbench: the listener's count since start */
} Run;

typedef struct
{
  const char *script;
  GBytes     *body;
  const char *tmp;
  const char *php;
  const char *handler;
} Bench;

/* The probe before the load: a POST must get 200. */
static gboolean
probe (Bench   *bench,
       Run     *run,
       guint    port,
       GError **error)
{
  if (!load_probe (port, run->close, bench->body, &run->kept_alive, &run->probe_status, error))
    {
      g_prefix_error (error, "probe: ");
      return FALSE;
    }
  if (run->probe_status != 200)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "probe: answered %u, not 200", run->probe_status);
      return FALSE;
    }

  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* bare libsoup                                                             */

typedef struct
{
  GMainContext *context;
  GMainLoop    *loop;
  SoupServer   *server;
  guint         port;
  GError       *error;
  GMutex        mutex;
  GCond         cond;
  gboolean      ready;
  gsize         handled;   /* atomic */
} BareServer;

static void
bare_handler (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  BareServer *bare = user_data;

  /* libsoup 3.2 closes after a request that said "Connection: close" but
   * does not say so in its answer; say it, as Botbench does, so that the
   * client reconnects at once instead of finding the connection closed
   * under its next request. */
  if (soup_message_headers_header_contains (soup_server_message_get_request_headers (msg),
                                            "Connection", "close"))
    soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                  "Connection", "close");
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, "{}", 2);
  g_atomic_pointer_add (&bare->handled, 1);
}

static gboolean
quit_loop_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static gpointer
bare_thread (gpointer data)
{
  BareServer *bare = data;
  GSList *uris;

  g_main_context_push_thread_default (bare->context);
  bare->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (bare->server, NULL, bare_handler, bare, NULL);
  if (soup_server_listen_local (bare->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &bare->error))
    {
      uris = soup_server_get_uris (bare->server);
      bare->port = g_uri_get_port (uris->data);
      g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);
    }

  g_mutex_lock (&bare->mutex);
  bare->ready = TRUE;
  g_cond_signal (&bare->cond);
  g_mutex_unlock (&bare->mutex);

  if (bare->error == NULL)
    g_main_loop_run (bare->loop);

  soup_server_disconnect (bare->server);
  g_clear_object (&bare->server);
  while (g_main_context_iteration (bare->context, FALSE))
    ;
  g_main_context_pop_thread_default (bare->context);

  return NULL;
}

static gboolean
run_bare (Bench   *bench,
          Run     *run,
          GError **error)
{
  BareServer bare = { 0 };
  GThread *thread;
  gboolean ok = FALSE;
  gint64 before = 0;
  double cpu = 0;

  g_mutex_init (&bare.mutex);
  g_cond_init (&bare.cond);
  bare.context = g_main_context_new ();
  bare.loop = g_main_loop_new (bare.context, FALSE);
  thread = g_thread_new ("bare-soup", bare_thread, &bare);
  g_mutex_lock (&bare.mutex);
  while (!bare.ready)
    g_cond_wait (&bare.cond, &bare.mutex);
  g_mutex_unlock (&bare.mutex);

  if (bare.error != NULL)
    g_propagate_error (error, g_steal_pointer (&bare.error));
  else
    {
      /* the probe's requests are not part of the load */
      ok = probe (bench, run, bare.port, error);
      if (ok)
        {
          LoadRun *load;

          before = (gint64)(gsize)g_atomic_pointer_get (&bare.handled);
          cpu = load_self_cpu_s ();
          load = load_start (bench->script, bare.port, run->close, opt_connections, opt_threads,
                             opt_duration, error);
          ok = load != NULL && load_finish (load, &run->load, error);
          run->cpu_s = load_self_cpu_s () - cpu;
        }
    }

  g_main_context_invoke (bare.context, quit_loop_cb, bare.loop);
  g_thread_join (thread);
  run->server_count = (gint64)(gsize)g_atomic_pointer_get (&bare.handled) - before;

  g_main_loop_unref (bare.loop);
  g_main_context_unref (bare.context);
  g_mutex_clear (&bare.mutex);
  g_cond_clear (&bare.cond);

  return ok;
}

/* ------------------------------------------------------------------------ */
/* the PHP handler                                                          */

static void
php_child_setup (gpointer data)
{
  /* its own process group: the master and its workers are stopped together */
  setpgid (0, 0);
}

static gint64
count_lines (const char *path)
{
  g_autofree char *text = NULL;
  gsize len = 0;
  gint64 n = 0;

  if (!g_file_get_contents (path, &text, &len, NULL))
    return 0;
  for (gsize i = 0; i < len; i++)
    n += text[i] == '\n';

  return n;
}

/* SIGTERM to the group, then reap it all (this process is a subreaper, so
 * workers whose master exited first are its children). */
static void
php_stop (GPid pid)
{
  gint64 kill_at = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  gboolean killed = FALSE;

  kill (-pid, SIGTERM);
  for (;;)
    {
      int status;
      pid_t r = waitpid (-pid, &status, WNOHANG);

      if (r > 0)
        continue;
      if (r < 0 && errno == ECHILD)
        break;
      if (!killed && g_get_monotonic_time () > kill_at)
        {
          kill (-pid, SIGKILL);
          killed = TRUE;
        }
      g_usleep (10 * 1000);
    }
}

static gboolean
run_php (Bench   *bench,
         Run     *run,
         GError **error)
{
  g_autofree char *events = g_build_filename (bench->tmp, run->close ? "php-close.jsonl" : "php-keep-alive.jsonl", NULL);
  g_autofree char *address = NULL;
  g_auto(GStrv) envp = g_get_environ ();
  const char *argv[] = { bench->php, "-S", NULL, bench->handler, NULL };
  gboolean ok;
  gint64 before;
  double cpu;
  guint port;
  GPid pid;

  port = load_free_port (error);
  if (port == 0)
    return FALSE;
  address = g_strdup_printf ("127.0.0.1:%u", port);
  argv[2] = address;
  envp = g_environ_setenv (g_steal_pointer (&envp), "PHP_CLI_SERVER_WORKERS", "2", TRUE);
  envp = g_environ_setenv (g_steal_pointer (&envp), "BENCH_EVENTS_FILE", events, TRUE);

  /* php -S logs a line per request on stderr; a terminal would slow it */
  if (!g_spawn_async (bench->tmp, (char **)argv, envp,
                      G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                      php_child_setup, NULL, &pid, error))
    return FALSE;
  setpgid (pid, pid);

  if (!load_wait_port (port, 10000))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "php -S %s did not start", address);
      php_stop (pid);
      return FALSE;
    }

  ok = probe (bench, run, port, error);
  if (ok)
    {
      LoadRun *load;
      guint n;

      before = count_lines (events);
      cpu = load_group_cpu_s (pid, &n);
      load = load_start (bench->script, port, run->close, opt_connections, opt_threads, opt_duration, error);
      ok = load != NULL && load_finish (load, &run->load, error);
      /* requests wrk left behind are still in the workers' queue */
      g_usleep (G_USEC_PER_SEC / 2);
      run->cpu_s = load_group_cpu_s (pid, &run->n_processes) - cpu;
      php_stop (pid);
      run->server_count = count_lines (events) - before;
    }
  else
    php_stop (pid);

  g_remove (events);

  return ok;
}

/* ------------------------------------------------------------------------ */
/* Botbench                                                                 */

static gboolean
run_botbench (Bench   *bench,
              Run     *run,
              GError **error)
{
  g_autofree char *db = g_build_filename (bench->tmp, run->close ? "close.db" : "keep-alive.db", NULL);
  g_autoptr(BotbenchEventStore) store = NULL;
  g_autoptr(BotbenchEventStore) reopened = NULL;
  g_autoptr(BotbenchListener) listener = NULL;
  BotbenchEventQuery all = { 0 };
  gboolean ok;
  gint64 before;
  double cpu;

  store = botbench_event_store_new (db, error);
  if (store == NULL)
    return FALSE;
  listener = botbench_listener_new (store);
  botbench_listener_set_port (listener, 0);
  if (!botbench_listener_start (listener, error))
    {
      botbench_event_store_close (store);
      load_remove_db (db);
      return FALSE;
    }

  ok = probe (bench, run, botbench_listener_get_bound_port (listener), error);
  if (ok)
    {
      LoadRun *load;

      before = (gint64)botbench_listener_get_n_events (listener);
      cpu = load_self_cpu_s ();
      load = load_start (bench->script, botbench_listener_get_bound_port (listener), run->close,
                         opt_connections, opt_threads, opt_duration, error);
      ok = load != NULL && load_finish (load, &run->load, error);
      run->cpu_s = load_self_cpu_s () - cpu;
      /* stop() waits for the events still being committed */
      botbench_listener_stop (listener);
      run->committed = (gint64)botbench_listener_get_n_events (listener);
      run->server_count = run->committed - before;
    }
  else
    botbench_listener_stop (listener);
  botbench_event_store_close (store);

  if (ok)
    {
      reopened = botbench_event_store_new (db, error);
      ok = reopened != NULL &&
           (run->db_rows = botbench_event_store_count (reopened, &all, error)) >= 0;
      if (reopened != NULL)
        botbench_event_store_close (reopened);
    }

  load_remove_db (db);

  return ok;
}

/* ------------------------------------------------------------------------ */
/* report                                                                   */

static int
compare_rps (gconstpointer a,
             gconstpointer b)
{
  double x = (*(Run * const *)a)->load.rps;
  double y = (*(Run * const *)b)->load.rps;

  return x < y ? -1 : x > y;
}

static double
ratio (const Run *a,
       const Run *b)
{
  return a->measured && b->measured && b->load.rps > 0 ? a->load.rps / b->load.rps : 0;
}

static void
print_row (const Run *run)
{
  gint64 ok_answers = run->load.requests - run->load.non_2xx;

  if (!run->measured)
    {
      printf ("  %-44s %s\n", run->label, "not measured");
      return;
    }

  printf ("  %-44s %8.0f %9" G_GINT64_FORMAT " %7" G_GINT64_FORMAT " %8" G_GINT64_FORMAT
          " %9" G_GINT64_FORMAT "  %-6s %7.1f %7.1f %8.1f\n",
          run->label, run->load.rps, run->load.requests, run->load.non_2xx,
          load_socket_errors (&run->load), run->server_count,
          run->kept_alive ? "kept" : "closed",
          run->load.latency_p50_us / 1000.0, run->load.latency_p99_us / 1000.0,
          ok_answers > 0 ? run->cpu_s * 1e6 / ok_answers : 0.0);
}

static void
print_ratio (const char *mode,
             const char *what,
             double      value,
             double      target,
             const char *note)
{
  printf ("  %-20s %-28s %6.2fx", mode, what, value);
  if (value <= 0)
    printf ("  (not measured)\n");
  else if (note != NULL)
    printf ("  %s\n", note);
  else
    printf ("  target >= %.2gx: %s\n", target, value >= target ? "met" : "MISSED");
}

/* Botbench's answers against its database; FALSE if they disagree. */
static gboolean
check_botbench (const Run *run)
{
  gint64 ok_answers = run->load.requests - run->load.non_2xx;
  gint64 in_flight = run->server_count - ok_answers;
  gboolean ok = run->db_rows == run->committed && in_flight >= 0 && in_flight <= opt_connections;

  printf ("  %s: %" G_GINT64_FORMAT " rows in the database %s %" G_GINT64_FORMAT
          " events committed and answered 200 (%" G_GINT64_FORMAT " under load, the rest the probe's);"
          " wrk read %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT " in flight at its stop: %s\n",
          run->label, run->db_rows, run->db_rows == run->committed ? "=" : "!=", run->committed,
          run->server_count, ok_answers, in_flight, ok ? "consistent" : "INCONSISTENT");

  return ok;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("- listener throughput against bare libsoup and PHP");
  g_autoptr(GError) error = NULL;
  g_autofree char *fixture = NULL;
  g_autofree char *handler = NULL;
  g_autofree char *php = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *script = NULL;
  g_autofree char *load_before = NULL;
  g_autofree char *load_after = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree Run *all = NULL;
  Bench bench = { 0 };
  gboolean ok = TRUE;
  Run runs[] = {
    { "bare libsoup, keep-alive", SERVER_BARE, FALSE },
    { "bare libsoup, Connection: close", SERVER_BARE, TRUE },
    { "PHP handler (php -S, 2 workers), keep-alive", SERVER_PHP, FALSE },
    { "PHP handler (php -S, 2 workers), close", SERVER_PHP, TRUE },
    { "Botbench, keep-alive", SERVER_BOTBENCH, FALSE },
    { "Botbench, Connection: close", SERVER_BOTBENCH, TRUE },
  };
  Run *bare_ka = &runs[0], *bare_close = &runs[1], *php_ka = &runs[2], *php_close = &runs[3];
  Run *bb_ka = &runs[4], *bb_close = &runs[5];

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (opt_duration < 1 || opt_connections < 1 || opt_threads < 1 || opt_threads > opt_connections ||
      opt_rounds < 1)
    {
      g_printerr ("--duration, --connections, --threads and --rounds must be positive, threads <= connections\n");
      return 2;
    }

  fixture = load_find_source_file (LOAD_FIXTURE);
  if (fixture == NULL)
    {
      g_printerr ("cannot find %s; run from the source tree\n", LOAD_FIXTURE);
      return 1;
    }
  {
    char *data;
    gsize len;

    if (!g_file_get_contents (fixture, &data, &len, &error))
      {
        g_printerr ("%s\n", error->message);
        return 1;
      }
    body = g_bytes_new_take (data, len);
  }
  handler = load_find_source_file ("bench/php/handler.php");
  php = g_find_program_in_path ("php");

  /* php -S workers whose master exits first become our children, to reap */
  prctl (PR_SET_CHILD_SUBREAPER, 1);
  /* a client that hangs up must not kill the benchmark */
  signal (SIGPIPE, SIG_IGN);
  /* figures appear as they are measured, also into a file */
  setvbuf (stdout, NULL, _IOLBF, 0);

  tmp = g_dir_make_tmp ("bench-listener-XXXXXX", &error);
  if (tmp == NULL || (script = load_write_script (tmp, fixture, &error)) == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  bench.script = script;
  bench.body = body;
  bench.tmp = tmp;
  bench.php = php;
  bench.handler = handler;

  all = g_new0 (Run, (gsize)opt_rounds * G_N_ELEMENTS (runs));
  load_before = load_dup_loadavg ();
  for (guint k = 0; k < opt_rounds * G_N_ELEMENTS (runs); k++)
    {
      Run *run = &all[k];

      *run = runs[k % G_N_ELEMENTS (runs)];
      if (opt_rounds > 1 && k % G_N_ELEMENTS (runs) == 0)
        g_printerr ("bench-listener: round %u of %d\n", k / (guint)G_N_ELEMENTS (runs) + 1, opt_rounds);

      g_printerr ("bench-listener: %s...\n", run->label);
      switch (run->kind)
        {
        case SERVER_BARE:
          run->measured = run_bare (&bench, run, &error);
          break;
        case SERVER_PHP:
          if (php == NULL || handler == NULL)
            {
              g_printerr ("  skipped: %s\n", php == NULL ? "no php (apt-get install php-cli)"
                                                         : "bench/php/handler.php not found");
              continue;
            }
          run->measured = run_php (&bench, run, &error);
          break;
        case SERVER_BOTBENCH:
          run->measured = run_botbench (&bench, run, &error);
          break;
        default:
          g_assert_not_reached ();
        }
      if (!run->measured)
        {
          g_printerr ("  %s failed: %s\n", run->label, error->message);
          g_clear_error (&error);
          ok = FALSE;
        }
    }
  load_after = load_dup_loadavg ();

  /* each row is the round with the most requests/s */
  for (guint i = 0; i < G_N_ELEMENTS (runs); i++)
    {
      g_autoptr(GPtrArray) measured = g_ptr_array_new ();

      for (int r = 0; r < opt_rounds; r++)
        if (all[r * G_N_ELEMENTS (runs) + i].measured)
          g_ptr_array_add (measured, &all[r * G_N_ELEMENTS (runs) + i]);
      if (measured->len == 0)
        continue;
      g_ptr_array_sort (measured, compare_rps);
      runs[i] = *(Run *)measured->pdata[measured->len - 1];
      runs[i].n_rounds = measured->len;
      runs[i].rps_rounds = g_new (double, measured->len);
      for (guint r = 0; r < measured->len; r++)
        runs[i].rps_rounds[r] = ((Run *)measured->pdata[r])->load.rps;
    }

  printf ("listener benchmark: wrk -t%d -c%d -d%ds, POST %s (%" G_GSIZE_FORMAT " bytes, form-urlencoded)%s\n",
          opt_threads, opt_connections, opt_duration, LOAD_FIXTURE, g_bytes_get_size (body),
          opt_rounds > 1 ? ", best of the rounds" : "");
  printf ("load average before %s, after %s (%ld CPUs)\n", load_before, load_after,
          sysconf (_SC_NPROCESSORS_ONLN));
  if (g_ascii_strtod (load_before, NULL) > sysconf (_SC_NPROCESSORS_ONLN))
    printf ("  (other work was running: figures move; on a quiet machine --rounds 3 settles them)\n");
  printf ("  %-44s %8s %9s %7s %8s %9s  %-6s %7s %7s %8s\n", "", "req/s", "answers", "non-2xx",
          "sock-err", "server", "conn", "p50 ms", "p99 ms", "CPU us/r");
  for (guint i = 0; i < G_N_ELEMENTS (runs); i++)
    print_row (&runs[i]);
  printf ("  (server: requests handled by libsoup, lines written by PHP, events committed by\n"
          "   Botbench; conn: whether a probe's second request on one connection was answered;\n"
          "   CPU: the server's user+system time per 2xx answer)\n");
  if (php_ka->measured && !php_ka->kept_alive)
    printf ("  php -S answers \"Connection: close\" and closes even when the client asks for\n"
            "  keep-alive: both PHP rows are one connection per request (%u processes).\n",
            php_ka->n_processes);

  for (guint i = 0; i < G_N_ELEMENTS (runs); i++)
    if (runs[i].measured && load_socket_errors (&runs[i].load) > 0)
      printf ("  %s: socket errors: connect %" G_GINT64_FORMAT ", read %" G_GINT64_FORMAT
              ", write %" G_GINT64_FORMAT ", timeout %" G_GINT64_FORMAT "\n",
              runs[i].label, runs[i].load.connect_errors, runs[i].load.read_errors,
              runs[i].load.write_errors, runs[i].load.timeouts);

  if (opt_rounds > 1)
    for (guint i = 0; i < G_N_ELEMENTS (runs); i++)
      if (runs[i].n_rounds > 0)
        {
          printf ("  %s: req/s in %u rounds:", runs[i].label, runs[i].n_rounds);
          for (guint r = 0; r < runs[i].n_rounds; r++)
            printf (" %.0f", runs[i].rps_rounds[r]);
          printf ("\n");
        }

  /* every round of Botbench, not only the best one */
  for (guint k = 0; k < opt_rounds * G_N_ELEMENTS (runs); k++)
    if (all[k].kind == SERVER_BOTBENCH && all[k].measured)
      ok &= check_botbench (&all[k]);

  printf ("ratios (same load, this run%s):\n", opt_rounds > 1 ? ", best rounds" : "");
  print_ratio ("keep-alive", "Botbench / bare libsoup", ratio (bb_ka, bare_ka), TARGET_BARE, NULL);
  print_ratio ("keep-alive", "Botbench / PHP handler", ratio (bb_ka, php_ka), TARGET_PHP, NULL);
  print_ratio ("Connection: close", "Botbench / bare libsoup", ratio (bb_close, bare_close), TARGET_BARE,
               "(issue 8's 0.75x target is for keep-alive)");
  print_ratio ("Connection: close", "Botbench / PHP handler", ratio (bb_close, php_close), TARGET_PHP, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (runs); i++)
    g_free (runs[i].rps_rounds);
  g_remove (script);
  g_rmdir (tmp);

  return ok ? 0 : 1;
}
