/* bench-memory.c: memory and speed of the event store and list model
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Stores --rows events (default 100,000) built from the fixture bodies with
 * small variations, then lists every one through BotbenchEventListModel, and
 * prints the resident set size at each step against the 50 MiB target, the
 * insert throughput (acknowledged = committed, and searchable = in the
 * full-text index, which the writer fills after the commit), the writer
 * thread's CPU time per event, and the time of typical page queries.
 *
 *   bench-memory                    # 100,000 rows, temporary database
 *   bench-memory --rows 1000000     # page query times on a big store
 *   bench-memory --rows 1000000 --db /var/tmp/big.db   # keep and reuse it
 *
 * Fixtures are read from $BOTBENCH_FIXTURES_DIR/events, ./tests/fixtures/events
 * or ../tests/fixtures/events.
 */

#define G_LOG_DOMAIN "bench-memory"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "botbench-event-list-model.h"
#include "botbench-event-store.h"
#include "botbench-event-store-private.h"

#define TARGET_MIB   50.0
#define WINDOW       512

static gint64 opt_rows = 100000;
static char *opt_db = NULL;
static gboolean opt_skip_listing = FALSE;

static const GOptionEntry entries[] = {
  { "rows", 'n', 0, G_OPTION_ARG_INT64, &opt_rows, "Number of events to store (default 100000)", "N" },
  { "db", 0, 0, G_OPTION_ARG_FILENAME, &opt_db, "Use and keep this database (reused if it holds enough rows)", "PATH" },
  { "skip-listing", 0, 0, G_OPTION_ARG_NONE, &opt_skip_listing, "Do not list every row through the model", NULL },
  { NULL }
};

static double
rss_mib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) ||
      (line = strstr (status, "VmRSS:")) == NULL)
    return -1;

  return g_ascii_strtod (line + strlen ("VmRSS:"), NULL) / 1024.0;
}

static double
now_s (void)
{
  return g_get_monotonic_time () / (double)G_USEC_PER_SEC;
}

/* CPU time (user + system) of the store writer threads so far, in seconds:
 * unlike wall time, hardly disturbed by other processes on the machine. */
static double
writer_cpu_s (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/task", 0, NULL);
  const char *tid;
  double ticks = 0;

  if (dir == NULL)
    return 0;

  while ((tid = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *comm_path = g_build_filename ("/proc/self/task", tid, "comm", NULL);
      g_autofree char *stat_path = g_build_filename ("/proc/self/task", tid, "stat", NULL);
      g_autofree char *comm = NULL;
      g_autofree char *stat = NULL;
      g_auto(GStrv) fields = NULL;
      const char *after_name;

      if (!g_file_get_contents (comm_path, &comm, NULL, NULL) ||
          !g_str_has_prefix (comm, "bb-store-writer") ||
          !g_file_get_contents (stat_path, &stat, NULL, NULL) ||
          (after_name = strrchr (stat, ')')) == NULL)
        continue;

      /* After "pid (comm) ": state is field 3, utime 14, stime 15. */
      fields = g_strsplit (after_name + 2, " ", -1);
      if (g_strv_length (fields) > 12)
        ticks += g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL);
    }

  return ticks / sysconf (_SC_CLK_TCK);
}

/* Waits until every committed event is in the full-text index. */
static void
wait_searchable (BotbenchEventStore *store)
{
  while (!_botbench_event_store_wait_indexed (store, botbench_event_store_get_last_id (store), 10000))
    ;
}

/* ---- fixtures ------------------------------------------------------------------ */

static GPtrArray *
load_fixtures (void)
{
  const char *env = g_getenv ("BOTBENCH_FIXTURES_DIR");
  g_autofree char *from_env = env != NULL ? g_build_filename (env, "events", NULL) : NULL;
  const char *candidates[] = { from_env, "tests/fixtures/events", "../tests/fixtures/events" };
  GPtrArray *bodies = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);

  for (guint i = 0; i < G_N_ELEMENTS (candidates) && bodies->len == 0; i++)
    {
      g_autoptr(GDir) dir = NULL;
      const char *name;

      if (candidates[i] == NULL || (dir = g_dir_open (candidates[i], 0, NULL)) == NULL)
        continue;

      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = g_build_filename (candidates[i], name, NULL);
          char *contents;
          gsize len;

          if (g_str_has_suffix (name, ".form") && g_file_get_contents (path, &contents, &len, NULL))
            g_ptr_array_add (bodies, g_bytes_new_take (contents, len));
        }
      if (bodies->len > 0)
        g_print ("fixtures: %u bodies from %s\n", bodies->len, candidates[i]);
    }

  if (bodies->len == 0)
    {
      static const char fallback[] =
        "event=ONIMBOTMESSAGEADD&data%5BBOT%5D%5B567%5D%5BBOT_ID%5D=567"
        "&data%5BBOT%5D%5B567%5D%5BBOT_CODE%5D=echo_bot"
        "&data%5BPARAMS%5D%5BMESSAGE%5D=Hello%2C+bot%21&data%5BPARAMS%5D%5BDIALOG_ID%5D=27"
        "&auth%5Bdomain%5D=example.bitrix24.com&auth%5Bmember_id%5D=bac1cd5c8940947a75e0d71b1a84e348";

      g_print ("fixtures: not found, using a built-in body\n");
      g_ptr_array_add (bodies, g_bytes_new_static (fallback, sizeof fallback - 1));
    }

  return bodies;
}

static const char * const words[] = {
  "hello", "deploy", "status", "ticket", "invoice", "report", "meeting", "error", "order", "ping",
};

/* The fixture body with a varied message (or an extra field without one). */
static BotbenchEvent *
make_event (GPtrArray *bodies,
            guint64    i)
{
  static const char * const headers[] = {
    "Content-Type", "application/x-www-form-urlencoded",
    "User-Agent", "Bitrix24 Webhook Engine",
    NULL
  };
  GBytes *base = g_ptr_array_index (bodies, i % bodies->len);
  g_autoptr(GString) body = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *variation = NULL;
  gsize len;
  const char *data = g_bytes_get_data (base, &len);
  const char *marker = "%5BMESSAGE%5D=";
  const char *at;

  body = g_string_new_len (data, len);
  variation = g_strdup_printf ("%s+%s+no+%" G_GUINT64_FORMAT "+",
                               words[i % G_N_ELEMENTS (words)],
                               words[(i / 7) % G_N_ELEMENTS (words)], i);

  at = strstr (body->str, marker);
  if (at != NULL)
    g_string_insert (body, (at - body->str) + strlen (marker), variation);
  else
    g_string_append_printf (body, "&bench=%s", variation);

  bytes = g_bytes_new (body->str, body->len);
  return botbench_event_new (g_get_real_time (), "127.0.0.1", "POST", "/", "", headers,
                             "application/x-www-form-urlencoded", bytes);
}

/* ---- storing ------------------------------------------------------------------- */

typedef struct
{
  guint64 queued;
  guint64 done;
  guint64 failed;
} FillState;

static void
insert_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  FillState *state = user_data;
  g_autoptr(GError) error = NULL;

  if (botbench_event_store_insert_finish (BOTBENCH_EVENT_STORE (object), result, &error) <= 0)
    {
      if (state->failed++ == 0)
        g_printerr ("insert failed: %s\n", error->message);
    }
  state->done++;
}

static void
wait_until_done (FillState *state,
                 guint64    max_in_flight)
{
  while (state->queued - state->done > max_in_flight)
    g_main_context_iteration (NULL, TRUE);
}

static void
fill (BotbenchEventStore *store,
      GPtrArray          *bodies,
      guint64             from,
      guint64             n)
{
  FillState state = { 0 };
  double start = now_s ();
  double cpu_start = writer_cpu_s ();
  double elapsed;
  double searchable;

  for (guint64 i = from; i < from + n; i++)
    {
      g_autoptr(BotbenchEvent) event = make_event (bodies, i);

      botbench_event_store_insert_async (store, event, NULL, insert_done_cb, &state);
      state.queued++;
      wait_until_done (&state, WINDOW);

      if ((i - from + 1) % 100000 == 0 && n > 200000)
        g_print ("  ... %" G_GUINT64_FORMAT " stored (%.0f events/s)\n",
                 i - from + 1, (i - from + 1) / (now_s () - start));
    }
  wait_until_done (&state, 0);

  elapsed = now_s () - start;
  wait_searchable (store);
  searchable = now_s () - start;
  g_print ("insert: %" G_GUINT64_FORMAT " events in %.2f s = %.0f events/s "
           "(building + decoding the events included; %" G_GUINT64_FORMAT " failed)\n",
           n, elapsed, n / elapsed, state.failed);
  g_print ("insert: all searchable after %.2f s = %.0f events/s; writer CPU %.1f us/event\n",
           searchable, n / searchable, (writer_cpu_s () - cpu_start) * 1e6 / n);
}

/* ---- timing ------------------------------------------------------------------- */

typedef gboolean (*TimedFunc) (BotbenchEventStore *store, gpointer data);

/* Runs func 5 times; prints the first (cold) and the best (warm) time. */
static void
timed (const char         *label,
       BotbenchEventStore *store,
       TimedFunc           func,
       gpointer            data)
{
  double first = 0;
  double best = G_MAXDOUBLE;

  for (guint i = 0; i < 5; i++)
    {
      double start = now_s ();
      double t;

      if (!func (store, data))
        {
          g_print ("  %-44s FAILED\n", label);
          return;
        }
      t = (now_s () - start) * 1000.0;
      if (i == 0)
        first = t;
      best = MIN (best, t);
    }

  g_print ("  %-44s first %8.2f ms   best %8.2f ms\n", label, first, best);
}

typedef struct
{
  BotbenchEventQuery query;
  gint64             offset;   /* -1: no jump */
} PageSpec;

static gboolean
run_page (BotbenchEventStore *store,
          gpointer            data)
{
  PageSpec *spec = data;
  BotbenchEventQuery query = spec->query;
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(GError) error = NULL;

  if (spec->offset >= 0)
    {
      gint64 id = botbench_event_store_id_at_offset (store, &query, spec->offset, &error);

      if (id <= 0)
        return FALSE;
      query.before_id = id + 1;
    }

  query.limit = 64;
  page = botbench_event_store_query (store, &query, &error);
  if (page == NULL)
    g_printerr ("%s\n", error->message);

  return page != NULL && page->len > 0;
}

static gboolean
run_count (BotbenchEventStore *store,
           gpointer            data)
{
  PageSpec *spec = data;

  return botbench_event_store_count (store, &spec->query, NULL) >= 0;
}

typedef struct
{
  BotbenchEventListModel *model;
  guint                   position;
} ItemSpec;

static gboolean
run_model_item (BotbenchEventStore *store,
                gpointer            data)
{
  ItemSpec *spec = data;
  g_autoptr(BotbenchEvent) event = NULL;

  /* A reload empties the cache, so every run is a real fetch. */
  botbench_event_list_model_reload (spec->model);
  event = g_list_model_get_item (G_LIST_MODEL (spec->model), spec->position);

  return event != NULL;
}

static void
report_queries (BotbenchEventStore *store,
                gint64              n)
{
  g_autoptr(BotbenchEventListModel) model = NULL;
  g_auto(GStrv) names = botbench_event_store_list_event_names (store, NULL);
  const char *name = names != NULL && names[0] != NULL ? names[0] : "ONIMBOTMESSAGEADD";
  PageSpec first = { { 0 }, -1 };
  PageSpec middle = { { 0 }, n / 2 };
  PageSpec last = { { 0 }, n - 1 };
  PageSpec filtered = { { .event_name = name }, -1 };
  PageSpec filtered_middle = { { .event_name = name }, -1 };
  PageSpec search = { { .search = "deploy" }, -1 };
  PageSpec search_prefix = { { .search = "hello dep" }, -1 };
  PageSpec search_filtered = { { .search = "invoice", .event_name = name }, -1 };
  gint64 n_filtered;
  double start;

  g_print ("queries on %" G_GINT64_FORMAT " rows (page = 64 events, newest first):\n", n);
  timed ("first page", store, run_page, &first);
  timed ("middle page (id_at_offset + keyset)", store, run_page, &middle);
  timed ("last page (id_at_offset + keyset)", store, run_page, &last);

  n_filtered = botbench_event_store_count (store, &filtered.query, NULL);
  filtered_middle.offset = n_filtered / 2;
  g_print ("  filter event_name=%s matches %" G_GINT64_FORMAT "\n", name, n_filtered);
  timed ("filtered first page", store, run_page, &filtered);
  timed ("filtered middle page", store, run_page, &filtered_middle);
  timed ("search \"deploy\" first page", store, run_page, &search);
  timed ("search \"hello dep\" (prefix) first page", store, run_page, &search_prefix);
  timed ("search \"invoice\" + filter first page", store, run_page, &search_filtered);
  timed ("count (all)", store, run_count, &first);
  timed ("count (filtered)", store, run_count, &filtered);
  timed ("count (search \"deploy\")", store, run_count, &search);

  start = now_s ();
  model = botbench_event_list_model_new (store);
  g_print ("  %-44s %8.2f ms\n", "model: new (count)", (now_s () - start) * 1000.0);
  {
    ItemSpec top = { model, 0 };
    ItemSpec mid = { model, g_list_model_get_n_items (G_LIST_MODEL (model)) / 2 };
    ItemSpec bottom = { model, g_list_model_get_n_items (G_LIST_MODEL (model)) - 1 };

    timed ("model: reload + get_item (top)", store, run_model_item, &top);
    timed ("model: reload + get_item (middle)", store, run_model_item, &mid);
    timed ("model: reload + get_item (bottom)", store, run_model_item, &bottom);
    botbench_event_list_model_set_event_name (model, name);
    mid.position = g_list_model_get_n_items (G_LIST_MODEL (model)) / 2;
    timed ("model: filtered reload + get_item (middle)", store, run_model_item, &mid);
  }
}

/* The writer alone: events built beforehand, then queued all at once. */
static void
report_writer (GPtrArray *bodies)
{
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(BotbenchEventStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bench-memory-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "events.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  FillState state = { 0 };
  double start;
  double acked;
  double searchable;
  double cpu_start;
  guint n = 20000;

  store = botbench_event_store_new (path, &error);
  g_assert_no_error (error);
  /* All n are queued at once, beyond the queue limit: they wait for room
   * however slow a loaded machine makes the writer (no BUSY here). */
  g_object_set (store, "queue-wait-ms", 600000, NULL);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (events, make_event (bodies, i));

  cpu_start = writer_cpu_s ();
  start = now_s ();
  for (guint i = 0; i < n; i++)
    {
      botbench_event_store_insert_async (store, g_ptr_array_index (events, i), NULL,
                                         insert_done_cb, &state);
      state.queued++;
    }
  wait_until_done (&state, 0);
  acked = now_s () - start;
  wait_searchable (store);
  searchable = now_s () - start;

  g_print ("writer alone: %u pre-built events acknowledged in %.2f s = %.0f events/s "
           "(%" G_GUINT64_FORMAT " failed)\n",
           n, acked, n / acked, state.failed);
  g_print ("writer alone: all searchable after %.2f s = %.0f events/s; writer CPU %.1f us/event\n",
           searchable, n / searchable, (writer_cpu_s () - cpu_start) * 1e6 / n);

  /* The same again with the full-text index held back, then let go: the
   * acknowledged path (row, indexes, COMMIT) and the indexing apart. */
  g_ptr_array_set_size (events, 0);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (events, make_event (bodies, n + i));
  state = (FillState) { 0 };
  _botbench_event_store_set_index_paused (store, TRUE);
  cpu_start = writer_cpu_s ();
  start = now_s ();
  for (guint i = 0; i < n; i++)
    {
      botbench_event_store_insert_async (store, g_ptr_array_index (events, i), NULL,
                                         insert_done_cb, &state);
      state.queued++;
    }
  wait_until_done (&state, 0);
  acked = now_s () - start;
  g_print ("  commit path alone (index held back): %.0f events/s; writer CPU %.1f us/event\n",
           n / acked, (writer_cpu_s () - cpu_start) * 1e6 / n);
  cpu_start = writer_cpu_s ();
  start = now_s ();
  _botbench_event_store_set_index_paused (store, FALSE);
  wait_searchable (store);
  searchable = now_s () - start;
  g_print ("  full-text index alone (catching up):  %.0f events/s; writer CPU %.1f us/event\n",
           n / searchable, (writer_cpu_s () - cpu_start) * 1e6 / n);

  botbench_event_store_close (store);
  g_clear_object (&store);
  g_unlink (path);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("- event store memory and speed");
  g_autoptr(GError) error = NULL;
  g_autoptr(BotbenchEventStore) store = NULL;
  g_autoptr(GPtrArray) bodies = NULL;
  g_autofree char *tmp_dir = NULL;
  g_autofree char *path = NULL;
  double rss_empty, rss_stored, rss_listed;
  gint64 existing;
  gint64 n;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return EXIT_FAILURE;
    }

  bodies = load_fixtures ();

  if (opt_db != NULL)
    path = g_strdup (opt_db);
  else
    {
      tmp_dir = g_dir_make_tmp ("bench-memory-XXXXXX", &error);
      g_assert_no_error (error);
      path = g_build_filename (tmp_dir, "events.db", NULL);
    }

  store = botbench_event_store_new (path, &error);
  if (store == NULL)
    {
      g_printerr ("%s\n", error->message);
      return EXIT_FAILURE;
    }

  {
    BotbenchEventQuery all = { 0 };

    existing = botbench_event_store_count (store, &all, NULL);
  }

  rss_empty = rss_mib ();
  g_print ("database: %s (%" G_GINT64_FORMAT " rows already)\n", path, existing);
  g_print ("RSS at start (store open):        %8.1f MiB\n", rss_empty);

  if (existing < opt_rows)
    fill (store, bodies, existing, opt_rows - existing);

  {
    BotbenchEventQuery all = { 0 };

    n = botbench_event_store_count (store, &all, NULL);
  }

  rss_stored = rss_mib ();
  g_print ("RSS after storing %" G_GINT64_FORMAT " events: %8.1f MiB  (+%.1f)\n",
           n, rss_stored, rss_stored - rss_empty);

  if (!opt_skip_listing)
    {
      g_autoptr(BotbenchEventListModel) model = botbench_event_list_model_new (store);
      guint n_items = g_list_model_get_n_items (G_LIST_MODEL (model));
      double start = now_s ();
      guint64 bytes = 0;

      for (guint i = 0; i < n_items; i++)
        {
          g_autoptr(BotbenchEvent) event = g_list_model_get_item (G_LIST_MODEL (model), i);

          bytes += botbench_event_get_size (event);
        }

      g_print ("listing: %u items through the model in %.2f s (%.0f items/s, %.1f MiB of bodies)\n",
               n_items, now_s () - start, n_items / (now_s () - start), bytes / 1048576.0);
      rss_listed = rss_mib ();
      g_print ("RSS after listing all (model alive): %6.1f MiB  (+%.1f)\n",
               rss_listed, rss_listed - rss_empty);
    }
  else
    rss_listed = rss_stored;

  g_print ("RSS delta vs start: %.1f MiB, target <= %.0f MiB: %s\n",
           MAX (rss_stored, rss_listed) - rss_empty, TARGET_MIB,
           MAX (rss_stored, rss_listed) - rss_empty <= TARGET_MIB ? "OK" : "OVER");

  report_queries (store, n);
  report_writer (bodies);

  botbench_event_store_close (store);
  g_clear_object (&store);

  if (tmp_dir != NULL)
    {
      g_autofree char *wal = g_strconcat (path, "-wal", NULL);
      g_autofree char *shm = g_strconcat (path, "-shm", NULL);

      g_unlink (path);
      g_unlink (wal);
      g_unlink (shm);
      g_rmdir (tmp_dir);
    }

  return EXIT_SUCCESS;
}
