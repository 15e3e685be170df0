/* bench-ui-latency.c: how late the window's main loop runs under load
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Opens the real window (temporary database, listener on a free loopback
 * port) and, while a load generator POSTs the event fixtures at a fixed
 * rate (5,000 events/s for 5 s by default), measures how late a 10 ms
 * repeating timeout fires on the main loop.  Prints p50/p99/max lateness,
 * the frame rate, the UI thread's CPU time and how many events reached the
 * log.  Run it under Xvfb:
 *
 *   xvfb-run -a -s '-screen 0 1280x800x24' _build/bench/bench-ui-latency
 *
 * The load comes from wrk in a separate process (--driver=wrk, the default
 * when wrk is installed: one connection per simulated sender, each pausing
 * so that all of them together make the target rate), or from threads with
 * a synchronous SoupSession each (--driver=soup, open loop).
 */
#define _GNU_SOURCE  /* RUSAGE_THREAD */

#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "botbench-application.h"
#include "botbench-window-private.h"

#define TICK_MS        10
#define TARGET_P99_MS  50.0

/* wrk: each connection waits this long after a reply before its next
 * request, so rate = connections / (pause + latency). */
#define WRK_PAUSE_MS   80

static int    opt_rate = 5000;
static double opt_duration = 5.0;
static int    opt_threads = 32;
static char  *opt_driver = NULL;

static const char wrk_script[] =
  "local bodies = {}\n"
  "local n = 0\n"
  "local pause = 0\n"
  "function init (args)\n"
  "  pause = tonumber (args[1])\n"
  "  for i = 2, #args do\n"
  "    local f = assert (io.open (args[i], 'rb'))\n"
  "    bodies[#bodies + 1] = f:read ('*a')\n"
  "    f:close ()\n"
  "  end\n"
  "end\n"
  "function request ()\n"
  "  n = n + 1\n"
  "  return wrk.format ('POST', nil,\n"
  "                     { ['Content-Type'] = 'application/x-www-form-urlencoded' },\n"
  "                     bodies[(n % #bodies) + 1])\n"
  "end\n"
  "function delay ()\n"
  "  return pause\n"
  "end\n";

typedef struct
{
  BotbenchApplication *app;
  BotbenchWindow      *window;
  char                *url;
  char                *tmp_dir;
  GPtrArray           *fixture_paths;   /* char * */
  GPtrArray           *bodies;          /* GBytes */

  /* Main-loop lateness, in µs, one sample per tick. */
  GArray              *lateness;
  gint64               last_tick;
  guint                n_frames;
  gint64               max_frame_gap;
  gint64               last_frame;

  /* Load */
  gint64               start_us;
  guint                n_total;
  gint                 next_index;      /* atomic */
  gint                 n_ok;            /* atomic */
  gint                 n_failed;        /* atomic */
  gint                 n_running;       /* atomic */
  char                *wrk_output;
} Bench;

/* Time the calling thread spent runnable but waiting for a CPU, in µs. */
static gint64
thread_run_delay_us (void)
{
  g_autofree char *contents = NULL;
  guint64 cpu_ns;
  guint64 wait_ns;

  if (!g_file_get_contents ("/proc/thread-self/schedstat", &contents, NULL, NULL) ||
      sscanf (contents, "%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT, &cpu_ns, &wait_ns) != 2)
    return 0;

  return wait_ns / 1000;
}

/* CPU time used by the calling thread, in µs. */
static gint64
thread_cpu_us (void)
{
  struct rusage usage;

  if (getrusage (RUSAGE_THREAD, &usage) != 0)
    return 0;

  return (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * G_USEC_PER_SEC +
         usage.ru_utime.tv_usec + usage.ru_stime.tv_usec;
}

static gboolean
tick_cb (gpointer user_data)
{
  Bench *b = user_data;
  gint64 now = g_get_monotonic_time ();
  gint64 late = now - b->last_tick - TICK_MS * 1000;

  g_array_append_val (b->lateness, late);
  b->last_tick = now;

  return G_SOURCE_CONTINUE;
}

static gboolean
frame_cb (GtkWidget     *widget,
          GdkFrameClock *clock,
          gpointer       user_data)
{
  Bench *b = user_data;
  gint64 now = g_get_monotonic_time ();

  if (b->last_frame != 0)
    b->max_frame_gap = MAX (b->max_frame_gap, now - b->last_frame);
  b->last_frame = now;
  b->n_frames++;

  return G_SOURCE_CONTINUE;
}

static gboolean
set_flag_cb (gpointer data)
{
  *(gboolean *)data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop for ms milliseconds. */
static void
spin_for_ms (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, set_flag_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* ---- soup driver: open loop, request i is due at start + i / rate ------- */

static gpointer
soup_driver_thread (gpointer user_data)
{
  Bench *b = user_data;
  g_autoptr(SoupSession) session = soup_session_new ();

  for (;;)
    {
      g_autoptr(SoupMessage) msg = NULL;
      g_autoptr(GBytes) reply = NULL;
      g_autoptr(GError) error = NULL;
      gint index = g_atomic_int_add (&b->next_index, 1);
      gint64 due;
      gint64 now;

      if ((guint)index >= b->n_total)
        break;

      due = b->start_us + (gint64)((double)index * G_USEC_PER_SEC / opt_rate);
      now = g_get_monotonic_time ();
      if (due > now)
        g_usleep (due - now);

      msg = soup_message_new (SOUP_METHOD_POST, b->url);
      /* libsoup opens a new connection for every non-idempotent request;
       * a portal keeps its connections alive, so do the same. */
      soup_message_add_flags (msg, SOUP_MESSAGE_IDEMPOTENT);
      soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded",
                                                g_ptr_array_index (b->bodies, index % b->bodies->len));
      reply = soup_session_send_and_read (session, msg, NULL, &error);
      if (error == NULL && soup_message_get_status (msg) == SOUP_STATUS_OK)
        g_atomic_int_inc (&b->n_ok);
      else
        g_atomic_int_inc (&b->n_failed);
    }

  g_atomic_int_add (&b->n_running, -1);
  return NULL;
}

static void
run_soup_driver (Bench *b)
{
  g_autoptr(GPtrArray) threads = g_ptr_array_new ();

  b->n_total = (guint)(opt_rate * opt_duration);
  b->n_running = opt_threads;
  b->start_us = g_get_monotonic_time () + 20 * 1000;

  for (int i = 0; i < opt_threads; i++)
    g_ptr_array_add (threads, g_thread_new ("bench-driver", soup_driver_thread, b));

  while (g_atomic_int_get (&b->n_running) > 0)
    g_main_context_iteration (NULL, TRUE);

  for (guint i = 0; i < threads->len; i++)
    g_thread_join (g_ptr_array_index (threads, i));
}

/* ---- wrk driver: a separate process ------------------------------------- */

static void
wrk_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Bench *b = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_subprocess_communicate_utf8_finish (G_SUBPROCESS (object), result,
                                             &b->wrk_output, NULL, &error))
    g_error ("wrk failed: %s", error->message);

  g_atomic_int_set (&b->n_running, 0);
}

static void
run_wrk_driver (Bench *b)
{
  g_autoptr(GSubprocess) wrk = NULL;
  g_autoptr(GStrvBuilder) argv_builder = g_strv_builder_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *script = g_build_filename (b->tmp_dir, "post.lua", NULL);
  g_auto(GStrv) argv = NULL;
  char connections[16];
  char duration[16];
  char pause[16];
  const char *line;
  int n_connections;

  g_file_set_contents (script, wrk_script, -1, &error);
  g_assert_no_error (error);

  /* rate = connections / (pause + latency); latency is a few ms. */
  n_connections = CLAMP ((int)(opt_rate * (WRK_PAUSE_MS + 2) / 1000.0), 1, 4000);
  g_snprintf (connections, sizeof connections, "%d", n_connections);
  g_snprintf (duration, sizeof duration, "%.0fs", MAX (1.0, opt_duration));
  g_snprintf (pause, sizeof pause, "%d", WRK_PAUSE_MS);

  /* The senders stand for portals on other machines: keep them from
   * taking the UI's CPU time on a small test box. */
  g_strv_builder_add_many (argv_builder, "nice", "-n", "19",
                           "wrk", "--threads", "2", "--connections", connections,
                           "--duration", duration, "--timeout", "10s", "--script", script,
                           b->url, "--", pause, NULL);
  for (guint i = 0; i < b->fixture_paths->len; i++)
    g_strv_builder_add (argv_builder, g_ptr_array_index (b->fixture_paths, i));
  argv = g_strv_builder_end (argv_builder);

  b->n_running = 1;
  b->start_us = g_get_monotonic_time ();
  wrk = g_subprocess_newv ((const char * const *)argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  if (wrk == NULL)
    g_error ("Cannot run wrk: %s", error->message);
  g_subprocess_communicate_utf8_async (wrk, NULL, NULL, wrk_done_cb, b);

  while (g_atomic_int_get (&b->n_running) > 0)
    g_main_context_iteration (NULL, TRUE);

  /* "  12345 requests in 5.00s, …" and "Non-2xx or 3xx responses: N" */
  line = strstr (b->wrk_output, " requests in ");
  while (line != NULL && line > b->wrk_output && g_ascii_isdigit (line[-1]))
    line--;
  b->n_total = line != NULL ? (guint)g_ascii_strtoull (line, NULL, 10) : 0;
  line = strstr (b->wrk_output, "Non-2xx or 3xx responses:");
  b->n_failed = line != NULL ? (int)g_ascii_strtoull (line + strlen ("Non-2xx or 3xx responses:"), NULL, 10) : 0;
  b->n_ok = (int)b->n_total - b->n_failed;
  opt_threads = n_connections;
}

/* ---- measurement -------------------------------------------------------- */

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *)a;
  gint64 y = *(const gint64 *)b;

  return x < y ? -1 : x > y;
}

static double
percentile_ms (GArray *sorted,
               double  p)
{
  guint index;

  if (sorted->len == 0)
    return 0;

  index = MIN (sorted->len - 1, (guint)(p * sorted->len));
  return MAX (0, g_array_index (sorted, gint64, index)) / 1000.0;
}

static void
run_bench (Bench *b)
{
  GListModel *model = G_LIST_MODEL (_botbench_events_page_get_shown_model (b->window->events_page));
  BotbenchListener *listener = botbench_application_get_listener (b->app);
  g_autoptr(GArray) sorted = NULL;
  gboolean use_wrk;
  guint tick_source;
  guint64 n_stored;
  gint64 end_us;
  gint64 cpu_start_us;
  gint64 cpu_us;
  gint64 wait_start_us;
  gint64 wait_us;
  gint64 caught_up_us;
  guint n_shown;
  double elapsed;
  double p99;

  use_wrk = g_strcmp0 (opt_driver, "wrk") == 0 ||
            (opt_driver == NULL && g_find_program_in_path ("wrk") != NULL);

  b->lateness = g_array_sized_new (FALSE, FALSE, sizeof (gint64), 1024);

  /* Let the window settle first. */
  gtk_test_widget_wait_for_draw (GTK_WIDGET (b->window));
  spin_for_ms (300);

  gtk_widget_add_tick_callback (GTK_WIDGET (b->window), frame_cb, b, NULL);
  b->last_tick = g_get_monotonic_time ();
  tick_source = g_timeout_add (TICK_MS, tick_cb, b);
  cpu_start_us = thread_cpu_us ();
  wait_start_us = thread_run_delay_us ();

  if (use_wrk)
    run_wrk_driver (b);
  else
    run_soup_driver (b);

  end_us = g_get_monotonic_time ();
  cpu_us = thread_cpu_us () - cpu_start_us;
  wait_us = thread_run_delay_us () - wait_start_us;

  /* Wait (bounded) for the log to show every stored event; the tick
   * timeout keeps the loop waking up. */
  while (g_list_model_get_n_items (model) < (n_stored = botbench_listener_get_n_events (listener)) &&
         g_get_monotonic_time () - end_us < 10 * G_USEC_PER_SEC)
    g_main_context_iteration (NULL, TRUE);
  caught_up_us = g_get_monotonic_time () - end_us;
  n_shown = g_list_model_get_n_items (model);

  g_clear_handle_id (&tick_source, g_source_remove);

  elapsed = (end_us - b->start_us) / (double)G_USEC_PER_SEC;
  sorted = g_array_copy (b->lateness);
  g_array_sort (sorted, compare_gint64);
  p99 = percentile_ms (sorted, 0.99);

  g_print ("bench-ui-latency: target %d events/s for %.1f s, driver %s (%d %s), %u fixtures\n",
           opt_rate, opt_duration, use_wrk ? "wrk" : "soup", opt_threads,
           use_wrk ? "connections" : "threads", b->bodies->len);
  g_print ("  sent           %u in %.2f s = %.0f/s (%.0f%% of target), 200 OK %d, failed %d\n",
           b->n_total, elapsed, b->n_total / elapsed, 100.0 * b->n_total / elapsed / opt_rate,
           b->n_ok, b->n_failed);
  g_print ("  in the log     %u of %" G_GUINT64_FORMAT " stored (%.0f ms after the load ended)\n",
           n_shown, n_stored, caught_up_us / 1000.0);
  g_print ("  main loop      %u ticks of a %d ms timer, lateness p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
           sorted->len, TICK_MS, percentile_ms (sorted, 0.50), p99, percentile_ms (sorted, 1.0));
  g_print ("  UI thread      %.2f s on a CPU = %.0f%% of one core (%u cores); %.2f s waiting for one\n",
           cpu_us / (double)G_USEC_PER_SEC, 100.0 * cpu_us / (end_us - b->start_us),
           g_get_num_processors (), wait_us / (double)G_USEC_PER_SEC);
  g_print ("  frames         %u = %.0f/s, longest gap %.1f ms\n",
           b->n_frames, b->n_frames / elapsed, b->max_frame_gap / 1000.0);
  g_print ("  target         p99 ≤ %.0f ms: %s (%.2fx)\n",
           TARGET_P99_MS, p99 <= TARGET_P99_MS ? "met" : "MISSED", p99 > 0 ? TARGET_P99_MS / p99 : 0);

  g_array_unref (b->lateness);
}

static void
activate_cb (GApplication *app,
             Bench        *b)
{
  BotbenchListener *listener;

  b->window = BOTBENCH_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  listener = botbench_application_get_listener (b->app);
  if (listener == NULL || !botbench_listener_get_running (listener))
    g_error ("The listener did not start");

  b->url = botbench_listener_dup_url (listener);
  g_application_hold (app);
  run_bench (b);
  g_application_release (app);

  gtk_window_destroy (GTK_WINDOW (b->window));
}

static char *
find_next_to_exe (const char *relative)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;

  if (exe == NULL)
    return NULL;

  dir = g_path_get_dirname (exe);
  path = g_build_filename (dir, relative, NULL);
  return g_canonicalize_filename (path, NULL);
}

static void
load_fixtures (Bench *b)
{
  g_autofree char *dir = NULL;
  g_autoptr(GDir) d = NULL;
  const char *name;

  if (g_getenv ("BOTBENCH_FIXTURES_DIR") != NULL)
    dir = g_build_filename (g_getenv ("BOTBENCH_FIXTURES_DIR"), "events", NULL);
  else
    dir = find_next_to_exe ("../../tests/fixtures/events");

  d = g_dir_open (dir, 0, NULL);
  if (d == NULL)
    g_error ("No fixtures in %s; set BOTBENCH_FIXTURES_DIR", dir);

  b->fixture_paths = g_ptr_array_new_with_free_func (g_free);
  b->bodies = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);

  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = NULL;
      char *contents;
      gsize len;

      if (!g_str_has_suffix (name, ".form"))
        continue;
      path = g_build_filename (dir, name, NULL);
      if (g_file_get_contents (path, &contents, &len, NULL))
        {
          g_ptr_array_add (b->bodies, g_bytes_new_take (contents, len));
          g_ptr_array_add (b->fixture_paths, g_steal_pointer (&path));
        }
    }

  if (b->bodies->len == 0)
    g_error ("No fixtures in %s", dir);
}

static void
remove_tmp_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tmp_dir (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

int
main (int   argc,
      char *argv[])
{
  const GOptionEntry entries[] = {
    { "rate", 'r', 0, G_OPTION_ARG_INT, &opt_rate, "Events per second (5000)", "N" },
    { "duration", 'd', 0, G_OPTION_ARG_DOUBLE, &opt_duration, "Seconds of load (5)", "S" },
    { "driver", 0, 0, G_OPTION_ARG_STRING, &opt_driver, "Load generator: wrk or soup", "NAME" },
    { "threads", 't', 0, G_OPTION_ARG_INT, &opt_threads, "Sender threads of the soup driver (32)", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- main-loop lateness under load");
  g_autoptr(GError) error = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *schema_dir = NULL;
  Bench b = { 0 };
  int status;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return EXIT_FAILURE;
    }
  if (opt_rate <= 0 || opt_duration <= 0 || opt_threads <= 0 ||
      (opt_driver != NULL && !g_str_equal (opt_driver, "wrk") && !g_str_equal (opt_driver, "soup")))
    {
      g_printerr ("rate, duration and threads must be positive, the driver wrk or soup\n");
      return EXIT_FAILURE;
    }

  b.tmp_dir = g_dir_make_tmp ("botbench-bench-XXXXXX", &error);
  g_assert_no_error (error);
  db_path = g_build_filename (b.tmp_dir, "events.db", NULL);

  /* A private database, a free port, and settings that touch nothing. */
  g_setenv ("BOTBENCH_DB", db_path, TRUE);
  g_setenv ("XDG_DATA_HOME", b.tmp_dir, TRUE);
  g_setenv ("BOTBENCH_LISTENER_PORT", "0", TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  schema_dir = find_next_to_exe ("../data");
  if (g_getenv ("GSETTINGS_SCHEMA_DIR") == NULL && schema_dir != NULL)
    g_setenv ("GSETTINGS_SCHEMA_DIR", schema_dir, TRUE);

  load_fixtures (&b);

  b.app = botbench_application_new ();
  g_application_set_flags (G_APPLICATION (b.app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (b.app, "activate", G_CALLBACK (activate_cb), &b);
  status = g_application_run (G_APPLICATION (b.app), 0, NULL);

  g_clear_object (&b.app);
  g_ptr_array_unref (b.bodies);
  g_ptr_array_unref (b.fixture_paths);
  g_free (b.url);
  g_free (b.wrk_output);
  remove_tmp_dir (b.tmp_dir);
  g_free (b.tmp_dir);
  g_free (opt_driver);

  return status;
}
