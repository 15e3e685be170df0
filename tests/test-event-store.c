/* test-event-store.c: the SQLite event store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-event-store"

#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "botbench-event-list-model.h"
#include "botbench-event-store.h"
#include "botbench-event-store-private.h"
#include "botbench-test-utils.h"

typedef struct
{
  char               *dir;
  char               *path;
  BotbenchEventStore *store;
} StoreFixture;

static void
store_setup (StoreFixture  *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = botbench_test_make_tmp_dir ();
  f->path = g_build_filename (f->dir, "events.db", NULL);
  f->store = botbench_event_store_new (f->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->store);
}

static void
store_teardown (StoreFixture  *f,
                gconstpointer  data)
{
  if (f->store != NULL)
    g_assert_finalize_object (g_steal_pointer (&f->store));
  botbench_test_rm_rf (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

static void
store_reopen (StoreFixture *f)
{
  g_autoptr(GError) error = NULL;

  botbench_event_store_close (f->store);
  g_assert_finalize_object (g_steal_pointer (&f->store));
  f->store = botbench_event_store_new (f->path, &error);
  g_assert_no_error (error);
}

/* ---- helpers ----------------------------------------------------------------- */

static const char * const default_headers[] = {
  "Content-Type", "application/x-www-form-urlencoded",
  "User-Agent", "Bitrix24 Webhook Engine",
  NULL
};

static BotbenchEvent *
make_event_full (gint64      received_us,
                 const char *event_name,
                 const char *bot_id,
                 const char *message)
{
  g_autoptr(GString) body = g_string_new (NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *escaped = g_uri_escape_string (message, NULL, FALSE);

  g_string_append_printf (body,
                          "event=%s&data[BOT][%s][BOT_ID]=%s&data[BOT][%s][BOT_CODE]=bot_%s"
                          "&data[PARAMS][MESSAGE]=%s&auth[domain]=example.bitrix24.com",
                          event_name, bot_id, bot_id, bot_id, bot_id, escaped);
  bytes = g_bytes_new (body->str, body->len);

  return botbench_event_new (received_us, "127.0.0.1", "POST", "/", "", default_headers,
                             "application/x-www-form-urlencoded", bytes);
}

static BotbenchEvent *
make_event (const char *message)
{
  return make_event_full (g_get_real_time (), "ONIMBOTMESSAGEADD", "42", message);
}

static gint64
insert_event (BotbenchEventStore *store,
              BotbenchEvent      *event)
{
  g_autoptr(GError) error = NULL;
  gint64 id;

  id = botbench_event_store_insert (store, event, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  g_assert_cmpint (botbench_event_get_id (event), ==, id);

  return id;
}

static gint64
insert_message (BotbenchEventStore *store,
                const char         *message)
{
  g_autoptr(BotbenchEvent) event = make_event (message);

  return insert_event (store, event);
}

static gint64
count_query (BotbenchEventStore       *store,
             const BotbenchEventQuery *query)
{
  g_autoptr(GError) error = NULL;
  gint64 n;

  n = botbench_event_store_count (store, query, &error);
  g_assert_no_error (error);
  return n;
}

static gint64
count_all (BotbenchEventStore *store)
{
  BotbenchEventQuery query = { 0 };

  return count_query (store, &query);
}

static GPtrArray *
run_query (BotbenchEventStore       *store,
           const BotbenchEventQuery *query)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *events;

  events = botbench_event_store_query (store, query, &error);
  g_assert_no_error (error);
  g_assert_nonnull (events);
  return events;
}

/* Number of events a search finds, once the full-text index has caught up
 * with every committed event; asserts count and query agree. */
static guint
search_count (BotbenchEventStore *store,
              const char         *search)
{
  g_autoptr(GPtrArray) events = NULL;
  BotbenchEventQuery query = { .search = search, .limit = 1000 };

  g_assert_true (_botbench_event_store_wait_indexed (store, botbench_event_store_get_last_id (store), 10000));
  events = run_query (store, &query);
  g_assert_cmpint (count_query (store, &query), ==, events->len);
  return events->len;
}

typedef struct
{
  gboolean  done;
  gint64    id;
  GError   *error;
  GThread  *thread;
} InsertResult;

static void
insert_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  InsertResult *r = user_data;

  r->id = botbench_event_store_insert_finish (BOTBENCH_EVENT_STORE (object), result, &r->error);
  r->thread = g_thread_self ();
  r->done = TRUE;
}

static sqlite3 *
open_raw (const char *path)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  return db;
}

static void
exec_raw (sqlite3    *db,
          const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

static gint64
pragma_raw (const char *path,
            const char *pragma)
{
  sqlite3 *db = open_raw (path);
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

  g_assert_cmpint (sqlite3_prepare_v2 (db, pragma, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return value;
}

/* ---- insert ---------------------------------------------------------------------- */

static void
test_insert_roundtrip (StoreFixture  *f,
                       gconstpointer  data)
{
  static const char raw[] = "\xff\xfe\x00binary\x00\x80 body\xc3";
  static const char * const headers[] = {
    "Content-Type", "application/octet-stream",
    "X-Dup", "one",
    "X-Dup", "two",
    "X-Unicode", "зна́чение",
    NULL
  };
  g_autoptr(GBytes) fixture = botbench_test_load_fixture ("ONIMBOTMESSAGEADD");
  g_autoptr(GBytes) raw_body = g_bytes_new (raw, sizeof raw - 1);
  g_autoptr(BotbenchEvent) form_event = NULL;
  g_autoptr(BotbenchEvent) raw_event = NULL;
  g_autoptr(BotbenchEvent) empty_event = NULL;
  g_autoptr(BotbenchEvent) got = NULL;
  g_autoptr(GError) error = NULL;
  InsertResult r = { 0 };
  gint64 id1, id2, id3;
  GBytes *body;

  form_event = botbench_event_new (1700000000123456, "192.0.2.7", "POST", "/hook/bot",
                                   "a=1&b=%20", default_headers,
                                   "application/x-www-form-urlencoded", fixture);
  raw_event = botbench_event_new (1700000000999999, "::1", "PUT", "/raw", "", headers,
                                  "application/octet-stream", raw_body);
  empty_event = botbench_event_new (5, "127.0.0.1", "POST", "/", "", NULL, NULL, NULL);

  /* Async: the callback runs on this thread, after the commit. */
  botbench_event_store_insert_async (f->store, form_event, NULL, insert_done_cb, &r);
  g_assert_cmpint (botbench_event_get_id (form_event), ==, 0);
  botbench_test_assert_wait_for (&r.done, 10000, "the insert to finish");
  g_assert_no_error (r.error);
  g_assert_true (r.thread == g_thread_self ());
  id1 = r.id;
  g_assert_cmpint (id1, >, 0);
  g_assert_cmpint (botbench_event_get_id (form_event), ==, id1);
  g_assert_cmpint (botbench_event_store_get_last_id (f->store), ==, id1);

  /* Sync */
  id2 = insert_event (f->store, raw_event);
  id3 = insert_event (f->store, empty_event);
  g_assert_cmpint (id2, >, id1);
  g_assert_cmpint (id3, >, id2);
  g_assert_cmpint (botbench_event_store_get_last_id (f->store), ==, id3);

  got = botbench_event_store_get (f->store, id1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (botbench_event_get_id (got), ==, id1);
  g_assert_cmpint (botbench_event_get_received (got), ==, 1700000000123456);
  g_assert_cmpstr (botbench_event_get_remote_address (got), ==, "192.0.2.7");
  g_assert_cmpstr (botbench_event_get_method (got), ==, "POST");
  g_assert_cmpstr (botbench_event_get_path (got), ==, "/hook/bot");
  g_assert_cmpstr (botbench_event_get_query (got), ==, "a=1&b=%20");
  g_assert_cmpstrv (botbench_event_get_headers (got), default_headers);
  g_assert_cmpstr (botbench_event_get_content_type (got), ==, "application/x-www-form-urlencoded");
  g_assert_true (g_bytes_equal (botbench_event_get_body (got), fixture));
  g_assert_cmpuint (botbench_event_get_size (got), ==, g_bytes_get_size (fixture));
  g_assert_cmpstr (botbench_event_get_event_name (got), ==, "ONIMBOTMESSAGEADD");
  g_assert_cmpstr (botbench_event_get_event_name (got), ==, botbench_event_get_event_name (form_event));
  g_assert_cmpstr (botbench_event_get_bot_id (got), ==, botbench_event_get_bot_id (form_event));
  g_assert_cmpstr (botbench_event_get_bot_code (got), ==, botbench_event_get_bot_code (form_event));
  g_assert_cmpstr (botbench_event_get_message (got), ==, botbench_event_get_message (form_event));
  g_assert_cmpstr (botbench_event_get_message (got), !=, "");
  g_clear_object (&got);

  got = botbench_event_store_get (f->store, id2, &error);
  g_assert_no_error (error);
  body = botbench_event_get_body (got);
  g_assert_cmpmem (g_bytes_get_data (body, NULL), g_bytes_get_size (body), raw, sizeof raw - 1);
  g_assert_cmpuint (botbench_event_get_size (got), ==, sizeof raw - 1);
  g_assert_cmpstrv (botbench_event_get_headers (got), headers);
  g_assert_cmpstr (botbench_event_get_header (got, "X-Unicode"), ==, "зна́чение");
  g_assert_cmpstr (botbench_event_get_method (got), ==, "PUT");
  g_assert_cmpstr (botbench_event_get_remote_address (got), ==, "::1");
  g_clear_object (&got);

  got = botbench_event_store_get (f->store, id3, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (botbench_event_get_body (got)), ==, 0);
  g_assert_cmpuint (botbench_event_get_size (got), ==, 0);
  g_assert_cmpstr (botbench_event_get_event_name (got), ==, "");
  g_clear_object (&got);

  got = botbench_event_store_get (f->store, id3 + 100, &error);
  g_assert_error (error, BOTBENCH_EVENT_STORE_ERROR, BOTBENCH_EVENT_STORE_ERROR_NOT_FOUND);
  g_assert_null (got);
}

static void
test_insert_cancelled (StoreFixture  *f,
                       gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(BotbenchEvent) event = make_event ("never stored");
  InsertResult r = { 0 };

  g_cancellable_cancel (cancellable);
  botbench_event_store_insert_async (f->store, event, cancellable, insert_done_cb, &r);
  botbench_test_assert_wait_for (&r.done, 10000, "the insert to finish");
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&r.error);
  g_assert_cmpint (r.id, ==, 0);
  g_assert_cmpint (botbench_event_get_id (event), ==, 0);
  g_assert_cmpint (count_all (f->store), ==, 0);
}

static void
test_default_path (void)
{
  g_autofree char *path = botbench_event_store_dup_default_path ();
  g_autofree char *expected = g_build_filename (g_get_user_data_dir (), "botbench", "events.db", NULL);

  g_assert_cmpstr (path, ==, expected);
}

static void
test_creates_directories (void)
{
  g_autofree char *dir = botbench_test_make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "a", "b", "events.db", NULL);
  g_autoptr(BotbenchEventStore) store = NULL;
  g_autoptr(GError) error = NULL;

  store = botbench_event_store_new (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (botbench_event_store_get_path (store), ==, path);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  insert_message (store, "hi");
  g_assert_finalize_object (g_steal_pointer (&store));

  /* WAL mode is persistent in the file. */
  g_assert_cmpint (pragma_raw (path, "PRAGMA user_version"), ==, BOTBENCH_EVENT_STORE_SCHEMA_VERSION);
  {
    sqlite3 *db = open_raw (path);
    sqlite3_stmt *stmt = NULL;

    sqlite3_prepare_v2 (db, "PRAGMA journal_mode", -1, &stmt, NULL);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpstr ((const char *)sqlite3_column_text (stmt, 0), ==, "wal");
    sqlite3_finalize (stmt);
    sqlite3_close (db);
  }

  botbench_test_rm_rf (dir);
}

/* ---- paging and filters ---------------------------------------------------------- */

static void
insert_many (BotbenchEventStore *store,
             guint               n,
             GArray             *ids)
{
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *message = g_strdup_printf ("message number %u", i);
      gint64 id = insert_message (store, message);

      if (ids != NULL)
        g_array_append_val (ids, id);
    }
}

static void
test_keyset_paging (StoreFixture  *f,
                    gconstpointer  data)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GError) error = NULL;
  BotbenchEventQuery query = { .limit = 37 };
  guint seen = 0;

  insert_many (f->store, 1000, ids);
  g_assert_cmpint (count_all (f->store), ==, 1000);

  /* Newest first, pages of 37, each page continuing before the last id. */
  for (;;)
    {
      g_autoptr(GPtrArray) page = run_query (f->store, &query);

      for (guint i = 0; i < page->len; i++)
        {
          gint64 id = botbench_event_get_id (g_ptr_array_index (page, i));

          g_assert_cmpint (id, ==, g_array_index (ids, gint64, 999 - seen));
          seen++;
        }
      if (page->len < query.limit)
        break;
      query.before_id = botbench_event_get_id (g_ptr_array_index (page, page->len - 1));
    }
  g_assert_cmpuint (seen, ==, 1000);

  /* Oldest first with after_id. */
  memset (&query, 0, sizeof query);
  query.limit = 64;
  query.ascending = TRUE;
  seen = 0;
  for (;;)
    {
      g_autoptr(GPtrArray) page = run_query (f->store, &query);

      for (guint i = 0; i < page->len; i++)
        {
          gint64 id = botbench_event_get_id (g_ptr_array_index (page, i));

          g_assert_cmpint (id, ==, g_array_index (ids, gint64, seen));
          seen++;
        }
      if (page->len < query.limit)
        break;
      query.after_id = botbench_event_get_id (g_ptr_array_index (page, page->len - 1));
    }
  g_assert_cmpuint (seen, ==, 1000);

  /* Default limit */
  {
    BotbenchEventQuery all = { 0 };
    g_autoptr(GPtrArray) page = run_query (f->store, &all);

    g_assert_cmpuint (page->len, ==, 100);
  }

  /* Offsets in both orders, and counts bounded by ids. */
  memset (&query, 0, sizeof query);
  g_assert_cmpint (botbench_event_store_id_at_offset (f->store, &query, 0, &error), ==,
                   g_array_index (ids, gint64, 999));
  g_assert_cmpint (botbench_event_store_id_at_offset (f->store, &query, 500, &error), ==,
                   g_array_index (ids, gint64, 499));
  g_assert_cmpint (botbench_event_store_id_at_offset (f->store, &query, 1000, &error), ==, 0);
  g_assert_no_error (error);
  query.ascending = TRUE;
  g_assert_cmpint (botbench_event_store_id_at_offset (f->store, &query, 10, &error), ==,
                   g_array_index (ids, gint64, 10));
  query.before_id = g_array_index (ids, gint64, 600);
  g_assert_cmpint (count_query (f->store, &query), ==, 600);
  query.after_id = g_array_index (ids, gint64, 99);
  g_assert_cmpint (count_query (f->store, &query), ==, 500);
  g_assert_cmpint (botbench_event_store_id_at_offset (f->store, &query, 0, &error), ==,
                   g_array_index (ids, gint64, 100));
  g_assert_no_error (error);
}

static void
test_filters (StoreFixture  *f,
              gconstpointer  data)
{
  static const char * const names[] = { "ONIMBOTMESSAGEADD", "ONIMBOTJOINCHAT", "ONAPPINSTALL" };
  static const char * const bots[] = { "7", "8" };
  g_auto(GStrv) seen_names = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time ();
  gint64 since = 0;

  for (guint i = 0; i < 60; i++)
    {
      g_autoptr(BotbenchEvent) event = NULL;

      if (i == 30)
        since = now + i;
      event = make_event_full (now + i, names[i % 3], bots[i % 2], "text");
      insert_event (f->store, event);
    }

  {
    BotbenchEventQuery query = { .event_name = "ONIMBOTJOINCHAT", .limit = 100 };
    g_autoptr(GPtrArray) events = run_query (f->store, &query);

    g_assert_cmpuint (events->len, ==, 20);
    g_assert_cmpint (count_query (f->store, &query), ==, 20);
    for (guint i = 0; i < events->len; i++)
      g_assert_cmpstr (botbench_event_get_event_name (g_ptr_array_index (events, i)), ==,
                       "ONIMBOTJOINCHAT");
  }

  {
    BotbenchEventQuery query = { .bot_id = "8", .limit = 100 };
    g_autoptr(GPtrArray) events = run_query (f->store, &query);

    g_assert_cmpuint (events->len, ==, 30);
    for (guint i = 0; i < events->len; i++)
      g_assert_cmpstr (botbench_event_get_bot_id (g_ptr_array_index (events, i)), ==, "8");
  }

  {
    /* i % 3 == 0 and i % 2 == 1: i = 3, 9, 15, … */
    BotbenchEventQuery query = { .event_name = "ONIMBOTMESSAGEADD", .bot_id = "8", .limit = 100 };

    g_assert_cmpint (count_query (f->store, &query), ==, 10);
    query.since_us = since;
    g_assert_cmpint (count_query (f->store, &query), ==, 5);
  }

  {
    BotbenchEventQuery query = { .since_us = since, .limit = 100 };
    g_autoptr(GPtrArray) events = run_query (f->store, &query);

    g_assert_cmpuint (events->len, ==, 30);
    for (guint i = 0; i < events->len; i++)
      g_assert_cmpint (botbench_event_get_received (g_ptr_array_index (events, i)), >=, since);
  }

  {
    BotbenchEventQuery query = { .event_name = "ONIMBOTDELETE" };

    g_assert_cmpint (count_query (f->store, &query), ==, 0);
  }

  {
    /* Empty strings are no filter. */
    BotbenchEventQuery query = { .event_name = "", .bot_id = "", .search = "" };

    g_assert_cmpint (count_query (f->store, &query), ==, 60);
  }

  seen_names = botbench_event_store_list_event_names (f->store, &error);
  g_assert_no_error (error);
  {
    const char * const expected[] = { "ONAPPINSTALL", "ONIMBOTJOINCHAT", "ONIMBOTMESSAGEADD", NULL };

    g_assert_cmpstrv (seen_names, expected);
  }
}

static void
test_query_plans (StoreFixture  *f,
                  gconstpointer  data)
{
  static const struct {
    BotbenchEventQuery  query;
    const char         *expect;
  } cases[] = {
    { { .before_id = 100, .limit = 64 }, "USING INTEGER PRIMARY KEY" },
    { { .after_id = 100, .ascending = TRUE }, "USING INTEGER PRIMARY KEY" },
    { { .event_name = "ONIMBOTMESSAGEADD", .before_id = 100 }, "INDEX events_event_name" },
    { { .event_name = "ONIMBOTMESSAGEADD", .after_id = 10, .ascending = TRUE }, "INDEX events_event_name" },
    { { .search = "hello", .before_id = 100 }, "VIRTUAL TABLE" },
    { { .search = "hello", .event_name = "ONIMBOTMESSAGEADD" }, "VIRTUAL TABLE" },
  };

  insert_many (f->store, 50, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *plan = NULL;

      plan = _botbench_event_store_explain_query (f->store, &cases[i].query, &error);
      g_assert_no_error (error);
      g_test_message ("plan %u:\n%s", i, plan);
      g_assert_nonnull (strstr (plan, cases[i].expect));
      /* Pages come straight off an index in order: no sort, no full scan. */
      g_assert_null (strstr (plan, "TEMP B-TREE"));
      g_assert_false (g_regex_match_simple ("SCAN e( |$)", plan, G_REGEX_MULTILINE, 0) &&
                      strstr (plan, "VIRTUAL TABLE") == NULL);
    }
}

/* ---- full-text search -------------------------------------------------------------- */

static void
test_build_match (void)
{
  static const struct {
    const char *search;
    const char *match;
  } cases[] = {
    { "hello", "\"hello\"*" },
    { "  hello   wor ", "\"hello\" AND \"wor\"*" },
    { "say \"hi\"", "\"say\" AND \"\"\"hi\"\"\"*" },
    { "a AND b", "\"a\" AND \"AND\" AND \"b\"*" },
    { "col:foo", "\"col:foo\"*" },
    { "\"", NULL },
    { "* ( ) \" - ^ :", NULL },
    { "", NULL },
    { NULL, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *match = _botbench_event_store_build_match (cases[i].search);

      g_assert_cmpstr (match, ==, cases[i].match);
    }
}

static void
test_search (StoreFixture  *f,
             gconstpointer  data)
{
  static const char * const hostile[] = {
    "\"", "\"\"", "*", "**", "AND", "OR", "NOT", "NEAR", "NEAR(", "(", ")", "()", "-", "^",
    ":", "+", "'", "\\", "{", "}", "{message}: hello", "message:hello", "hello OR world",
    "hello NOT world", "\"unterminated", "a\"b", "hello*", "*hello", "NEAR(hello world, 2)",
    "\xff\xfe", "hello \xc3", "\t\n", "e\xcc\x81", ".", "%", "_", "hello -world",
  };
  g_autoptr(GError) error = NULL;

  insert_message (f->store, "Hello, world!");
  insert_message (f->store, "hello there");
  insert_message (f->store, "goodbye and thanks for all the fish");
  insert_message (f->store, "price (USD) is 5*3 \"quoted\"");
  insert_message (f->store, "Привет, мир");
  insert_message (f->store, "café crème");

  g_assert_cmpuint (search_count (f->store, "hello"), ==, 2);
  g_assert_cmpuint (search_count (f->store, "HELLO"), ==, 2);
  g_assert_cmpuint (search_count (f->store, "hel"), ==, 2);           /* prefix */
  g_assert_cmpuint (search_count (f->store, "hello wor"), ==, 1);     /* AND, last is prefix */
  g_assert_cmpuint (search_count (f->store, "world hel"), ==, 1);     /* any order */
  g_assert_cmpuint (search_count (f->store, "wor hello"), ==, 0);     /* only the last is a prefix */
  g_assert_cmpuint (search_count (f->store, "hello fish"), ==, 0);
  g_assert_cmpuint (search_count (f->store, "and"), ==, 1);           /* a word, not an operator */
  g_assert_cmpuint (search_count (f->store, "\"quoted\""), ==, 1);
  g_assert_cmpuint (search_count (f->store, "(USD)"), ==, 1);
  g_assert_cmpuint (search_count (f->store, "5*3"), ==, 1);
  g_assert_cmpuint (search_count (f->store, "привет"), ==, 1);
  g_assert_cmpuint (search_count (f->store, "cafe"), ==, 1);          /* diacritics folded */
  g_assert_cmpuint (search_count (f->store, "ONIMBOTMESSAGEADD"), ==, 6); /* event name */
  g_assert_cmpuint (search_count (f->store, "bitrix24"), ==, 6);      /* body text */
  g_assert_cmpuint (search_count (f->store, "nothingmatches"), ==, 0);

  /* Text with no word in it searches for nothing in particular. */
  g_assert_cmpuint (search_count (f->store, "\""), ==, 6);
  g_assert_cmpuint (search_count (f->store, "( * )"), ==, 6);

  for (guint i = 0; i < G_N_ELEMENTS (hostile); i++)
    {
      BotbenchEventQuery query = { .search = hostile[i] };
      g_autoptr(GPtrArray) events = NULL;

      events = botbench_event_store_query (f->store, &query, &error);
      g_assert_no_error (error);
      g_assert_nonnull (events);
      g_assert_cmpint (botbench_event_store_count (f->store, &query, &error), ==, events->len);
      g_assert_no_error (error);
      botbench_event_store_id_at_offset (f->store, &query, 1, &error);
      g_assert_no_error (error);
    }

  /* Search combines with the other filters and keyset bounds. */
  {
    BotbenchEventQuery query = { .search = "hello", .limit = 1 };
    g_autoptr(GPtrArray) first = run_query (f->store, &query);
    g_autoptr(GPtrArray) second = NULL;

    g_assert_cmpuint (first->len, ==, 1);
    g_assert_cmpstr (botbench_event_get_message (g_ptr_array_index (first, 0)), ==, "hello there");
    query.before_id = botbench_event_get_id (g_ptr_array_index (first, 0));
    second = run_query (f->store, &query);
    g_assert_cmpuint (second->len, ==, 1);
    g_assert_cmpstr (botbench_event_get_message (g_ptr_array_index (second, 0)), ==, "Hello, world!");

    query.before_id = 0;
    query.event_name = "ONIMBOTJOINCHAT";
    g_assert_cmpint (count_query (f->store, &query), ==, 0);
  }
}

/* ---- retention and clear -------------------------------------------------------------- */

static void
test_retention_count (StoreFixture  *f,
                      gconstpointer  data)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GError) error = NULL;
  g_autoptr(BotbenchSignalCounter) removed = botbench_test_count_signal (f->store, "events-removed");
  gint64 n;

  insert_many (f->store, 50, ids);

  /* Nothing to do without limits. */
  n = botbench_event_store_apply_retention (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 0);

  /* set_retention queues a background pass, which the writer runs before
   * this apply_retention: the 30 oldest are gone either way. */
  botbench_event_store_set_retention (f->store, 20, 0);
  n = botbench_event_store_apply_retention (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 0);
  g_assert_cmpint (count_all (f->store), ==, 20);

  /* The newest 20 are the ones kept. */
  {
    BotbenchEventQuery query = { .ascending = TRUE };
    g_autoptr(GPtrArray) events = run_query (f->store, &query);

    g_assert_cmpuint (events->len, ==, 20);
    for (guint i = 0; i < 20; i++)
      g_assert_cmpint (botbench_event_get_id (g_ptr_array_index (events, i)), ==,
                       g_array_index (ids, gint64, 30 + i));
  }

  /* The FTS index lost the deleted rows too. */
  g_assert_cmpuint (search_count (f->store, "message"), ==, 20);
  g_assert_cmpuint (search_count (f->store, "message number 5"), ==, 0);
  g_assert_cmpuint (search_count (f->store, "message number 45"), ==, 1);

  botbench_signal_counter_assert_wait (removed, 1);
  g_assert_cmpuint (botbench_signal_counter_get (removed), ==, 1);

  /* No background pass pending now: apply_retention does all the work. */
  insert_many (f->store, 10, ids);
  n = botbench_event_store_apply_retention (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 10);
  g_assert_cmpint (count_all (f->store), ==, 20);
  botbench_signal_counter_assert_wait (removed, 2);

  /* Automatic: set_retention lets the writer apply it without being asked. */
  botbench_event_store_set_retention (f->store, 5, 0);
  botbench_signal_counter_assert_wait (removed, 3);
  g_assert_cmpint (count_all (f->store), ==, 5);

  /* Ids keep growing after deletions. */
  g_assert_cmpint (insert_message (f->store, "after"), >, g_array_index (ids, gint64, 59));
}

static void
test_retention_days (StoreFixture  *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time ();
  gint64 n;

  for (guint i = 0; i < 10; i++)
    {
      g_autoptr(BotbenchEvent) old = make_event_full (now - 10 * G_TIME_SPAN_DAY - i, "OLD", "1", "old");
      g_autoptr(BotbenchEvent) recent = make_event_full (now - 2 * G_TIME_SPAN_DAY, "RECENT", "1", "recent");

      insert_event (f->store, old);
      insert_event (f->store, recent);
    }

  botbench_event_store_set_retention (f->store, 0, 30);
  n = botbench_event_store_apply_retention (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 0);

  /* The pass queued by set_retention runs before apply_retention (the
   * writer's queue is FIFO), so here apply_retention finds nothing left. */
  botbench_event_store_set_retention (f->store, 0, 5);
  n = botbench_event_store_apply_retention (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 0);

  {
    BotbenchEventQuery query = { .event_name = "OLD" };

    g_assert_cmpint (count_query (f->store, &query), ==, 0);
    query.event_name = "RECENT";
    g_assert_cmpint (count_query (f->store, &query), ==, 10);
  }

  /* Old events stored later are deleted by the next pass. */
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(BotbenchEvent) old = make_event_full (now - 6 * G_TIME_SPAN_DAY, "OLD", "1", "old");

      insert_event (f->store, old);
    }
  n = botbench_event_store_apply_retention (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 3);
  g_assert_cmpint (count_all (f->store), ==, 10);

  /* Both limits together: 4 by count, and those are 2 days old. */
  botbench_event_store_set_retention (f->store, 4, 1);
  n = botbench_event_store_apply_retention (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 0);
  g_assert_cmpint (count_all (f->store), ==, 0);
}

static void
test_retention_large (StoreFixture  *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 n;

  /* More rows than one retention step deletes (RETENTION_CHUNK). */
  insert_many (f->store, 12000, NULL);
  botbench_event_store_set_retention (f->store, 100, 0);
  n = botbench_event_store_apply_retention (f->store, &error);
  g_assert_no_error (error);
  /* The background pass queued by set_retention may have gone first. */
  g_assert_cmpint (count_all (f->store), ==, 100);
  g_assert_cmpint (n, <=, 11900);
  g_assert_cmpuint (search_count (f->store, "message"), ==, 100);
}

static void
test_clear (StoreFixture  *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BotbenchSignalCounter) removed = botbench_test_count_signal (f->store, "events-removed");
  gint64 last;

  insert_many (f->store, 30, NULL);
  last = botbench_event_store_get_last_id (f->store);

  g_assert_true (botbench_event_store_clear (f->store, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_all (f->store), ==, 0);
  g_assert_cmpuint (search_count (f->store, "message"), ==, 0);
  botbench_signal_counter_assert_wait (removed, 1);

  /* Still searchable, and ids never go back. */
  g_assert_cmpint (insert_message (f->store, "fresh start"), >, last);
  g_assert_cmpuint (search_count (f->store, "fresh"), ==, 1);

  store_reopen (f);
  g_assert_cmpint (insert_message (f->store, "after reopen"), ==, last + 2);
}

/* ---- open, close, schema ---------------------------------------------------------- */

static void
test_reopen (StoreFixture  *f,
             gconstpointer  data)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GError) error = NULL;
  g_autoptr(BotbenchEvent) got = NULL;
  g_autoptr(BotbenchEvent) pending = make_event ("queued before close");
  InsertResult r = { 0 };

  insert_many (f->store, 25, ids);

  /* close() flushes what is queued. */
  botbench_event_store_insert_async (f->store, pending, NULL, insert_done_cb, &r);
  botbench_event_store_close (f->store);
  g_assert_cmpint (botbench_event_get_id (pending), >, 0);
  botbench_test_assert_wait_for (&r.done, 5000, "the insert to finish");
  g_assert_no_error (r.error);

  store_reopen (f);
  g_assert_cmpint (count_all (f->store), ==, 26);
  g_assert_cmpint (botbench_event_store_get_last_id (f->store), ==, botbench_event_get_id (pending));
  got = botbench_event_store_get (f->store, g_array_index (ids, gint64, 7), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (botbench_event_get_message (got), ==, "message number 7");
  g_assert_cmpuint (search_count (f->store, "queued"), ==, 1);
  g_assert_cmpint (insert_message (f->store, "next"), ==, botbench_event_get_id (pending) + 1);
}

static void
test_closed (StoreFixture  *f,
             gconstpointer  data)
{
  g_autoptr(BotbenchEvent) event = make_event ("late");
  g_autoptr(GError) error = NULL;
  BotbenchEventQuery query = { 0 };
  InsertResult r = { 0 };

  botbench_event_store_close (f->store);
  botbench_event_store_close (f->store);

  g_assert_cmpint (botbench_event_store_insert (f->store, event, &error), ==, 0);
  g_assert_error (error, BOTBENCH_EVENT_STORE_ERROR, BOTBENCH_EVENT_STORE_ERROR_CLOSED);
  g_clear_error (&error);

  botbench_event_store_insert_async (f->store, event, NULL, insert_done_cb, &r);
  botbench_test_assert_wait_for (&r.done, 5000, "the insert to finish");
  g_assert_error (r.error, BOTBENCH_EVENT_STORE_ERROR, BOTBENCH_EVENT_STORE_ERROR_CLOSED);
  g_clear_error (&r.error);

  g_assert_null (botbench_event_store_query (f->store, &query, &error));
  g_assert_error (error, BOTBENCH_EVENT_STORE_ERROR, BOTBENCH_EVENT_STORE_ERROR_CLOSED);
  g_clear_error (&error);
  g_assert_cmpint (botbench_event_store_count (f->store, &query, &error), ==, -1);
  g_assert_error (error, BOTBENCH_EVENT_STORE_ERROR, BOTBENCH_EVENT_STORE_ERROR_CLOSED);
  g_clear_error (&error);
  g_assert_false (botbench_event_store_clear (f->store, &error));
  g_assert_error (error, BOTBENCH_EVENT_STORE_ERROR, BOTBENCH_EVENT_STORE_ERROR_CLOSED);
  g_clear_error (&error);
  g_assert_cmpint (botbench_event_store_apply_retention (f->store, &error), ==, -1);
  g_assert_error (error, BOTBENCH_EVENT_STORE_ERROR, BOTBENCH_EVENT_STORE_ERROR_CLOSED);
}

static void
test_migrate_version0 (void)
{
  g_autofree char *dir = botbench_test_make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "events.db", NULL);
  g_autoptr(BotbenchEventStore) store = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db;

  /* A hand-made, version-0 SQLite file: valid but without any schema. */
  db = open_raw (path);
  exec_raw (db, "PRAGMA user_version = 0; PRAGMA page_size = 8192; VACUUM;");
  sqlite3_close (db);
  g_assert_cmpint (pragma_raw (path, "PRAGMA user_version"), ==, 0);

  store = botbench_event_store_new (path, &error);
  g_assert_no_error (error);
  insert_message (store, "migrated");
  g_assert_finalize_object (g_steal_pointer (&store));

  g_assert_cmpint (pragma_raw (path, "PRAGMA user_version"), ==, BOTBENCH_EVENT_STORE_SCHEMA_VERSION);
  g_assert_cmpint (pragma_raw (path, "PRAGMA application_id"), !=, 0);
  g_assert_cmpint (pragma_raw (path, "SELECT count(*) FROM events"), ==, 1);
  g_assert_cmpint (pragma_raw (path, "SELECT count(*) FROM events_fts WHERE events_fts MATCH 'migrated'"), ==, 1);
  g_assert_cmpint (pragma_raw (path, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN "
                                      "('events_id', 'events_event_name', 'events_received')"), ==, 3);
  g_assert_cmpint (pragma_raw (path, "SELECT count(*) FROM sqlite_master WHERE name = 'events_bot_id'"), ==, 0);
  g_assert_cmpint (pragma_raw (path, "SELECT indexed_id FROM fts_state"), ==, 1);

  /* An up-to-date file opens without changes. */
  store = botbench_event_store_new (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (count_all (store), ==, 1);
  g_assert_finalize_object (g_steal_pointer (&store));

  botbench_test_rm_rf (dir);
}

static void
test_foreign_database (void)
{
  g_autofree char *dir = botbench_test_make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "other.db", NULL);
  g_autoptr(BotbenchEventStore) store = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db;

  db = open_raw (path);
  exec_raw (db, "CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('x');");
  sqlite3_close (db);

  store = botbench_event_store_new (path, &error);
  g_assert_error (error, BOTBENCH_EVENT_STORE_ERROR, BOTBENCH_EVENT_STORE_ERROR_CORRUPT);
  g_assert_null (store);
  g_assert_nonnull (strstr (error->message, path));

  /* Left untouched. */
  g_assert_cmpint (pragma_raw (path, "PRAGMA user_version"), ==, 0);
  g_assert_cmpint (pragma_raw (path, "SELECT count(*) FROM sqlite_master WHERE name = 'events'"), ==, 0);

  botbench_test_rm_rf (dir);
}

static void
test_too_new (StoreFixture  *f,
              gconstpointer  data)
{
  g_autoptr(BotbenchEventStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;
  sqlite3 *db;

  insert_message (f->store, "from this version");
  botbench_event_store_close (f->store);
  g_assert_finalize_object (g_steal_pointer (&f->store));

  db = open_raw (f->path);
  sql = g_strdup_printf ("PRAGMA user_version = %d", BOTBENCH_EVENT_STORE_SCHEMA_VERSION + 1);
  exec_raw (db, sql);
  sqlite3_close (db);

  store = botbench_event_store_new (f->path, &error);
  g_assert_error (error, BOTBENCH_EVENT_STORE_ERROR, BOTBENCH_EVENT_STORE_ERROR_TOO_NEW);
  g_assert_null (store);
  g_assert_nonnull (strstr (error->message, "newer"));

  /* Not downgraded. */
  g_assert_cmpint (pragma_raw (f->path, "PRAGMA user_version"), ==,
                   BOTBENCH_EVENT_STORE_SCHEMA_VERSION + 1);
}

static void
test_corrupt (void)
{
  g_autofree char *dir = botbench_test_make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "events.db", NULL);
  g_autoptr(BotbenchEventStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) junk = g_string_new (NULL);
  g_autofree char *after = NULL;
  gsize len = 0;

  for (guint i = 0; i < 500; i++)
    g_string_append (junk, "this is not an SQLite database. ");
  g_assert_true (g_file_set_contents (path, junk->str, junk->len, NULL));

  store = botbench_event_store_new (path, &error);
  g_assert_error (error, BOTBENCH_EVENT_STORE_ERROR, BOTBENCH_EVENT_STORE_ERROR_CORRUPT);
  g_assert_null (store);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, "not a Botbench event database"));

  /* Never overwritten. */
  g_assert_true (g_file_get_contents (path, &after, &len, NULL));
  g_assert_cmpmem (after, len, junk->str, junk->len);

  botbench_test_rm_rf (dir);
}

static gboolean
all_inserted (gpointer data)
{
  InsertResult *r = data;

  for (guint i = 0; i < 50; i++)
    if (!r[i].done)
      return FALSE;
  return TRUE;
}

/* WAL + synchronous=NORMAL: once the insert callback ran (when the listener
 * answers 200), the event survives the process being killed outright. */
static void
test_survives_kill (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(BotbenchEventStore) store = NULL;
  g_autoptr(GError) error = NULL;

  if (g_test_subprocess ())
    {
      InsertResult r[50] = { { 0 } };

      path = g_build_filename (g_getenv ("BOTBENCH_TEST_KILL_DIR"), "events.db", NULL);
      store = botbench_event_store_new (path, &error);
      g_assert_no_error (error);

      for (guint i = 0; i < 50; i++)
        {
          g_autofree char *message = g_strdup_printf ("acknowledged %u", i);
          g_autoptr(BotbenchEvent) event = make_event (message);

          botbench_event_store_insert_async (store, event, NULL, insert_done_cb, &r[i]);
        }
      botbench_test_assert_wait_until_full (all_inserted, r, 10000, "the inserts to finish");
      for (guint i = 0; i < 50; i++)
        g_assert_no_error (r[i].error);

      /* No close, no atexit, no flush: gone. */
      kill (getpid (), SIGKILL);
      g_assert_not_reached ();
    }

  dir = botbench_test_make_tmp_dir ();
  path = g_build_filename (dir, "events.db", NULL);
  g_setenv ("BOTBENCH_TEST_KILL_DIR", dir, TRUE);
  g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_unsetenv ("BOTBENCH_TEST_KILL_DIR");

  /* The WAL was not checkpointed: the events are only in it. */
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));

  store = botbench_event_store_new (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (count_all (store), ==, 50);
  g_assert_cmpuint (search_count (store, "acknowledged 49"), ==, 1);
  g_assert_finalize_object (g_steal_pointer (&store));

  botbench_test_rm_rf (dir);
}

/* ---- notifications ------------------------------------------------------------- */

typedef struct
{
  guint  n_emissions;
  gint64 last_id;
  guint  n_done;
  guint  n_failed;
} BatchState;

static void
events_added_cb (BotbenchEventStore *store,
                 gint64              last_id,
                 BatchState         *state)
{
  g_assert_cmpint (last_id, >=, state->last_id);
  state->n_emissions++;
  state->last_id = last_id;
}

static void
batch_insert_done_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  BatchState *state = user_data;
  g_autoptr(GError) error = NULL;

  if (botbench_event_store_insert_finish (BOTBENCH_EVENT_STORE (object), result, &error) > 0)
    state->n_done++;
  else
    state->n_failed++;
}

static gboolean
batch_all_done (gpointer data)
{
  BatchState *state = data;

  return state->n_done + state->n_failed == 2000;
}

typedef struct
{
  BatchState *state;
  gint64      last_id;
} LastIdWait;

static gboolean
last_id_seen (gpointer data)
{
  LastIdWait *w = data;

  return w->state->last_id == w->last_id;
}

typedef struct
{
  BotbenchEventStore *store;
  gint                done;   /* atomic */
} CommitThread;

static gpointer
commit_thread (gpointer data)
{
  CommitThread *ct = data;

  for (guint i = 0; i < 2000; i++)
    {
      g_autofree char *message = g_strdup_printf ("commit %u", i);

      insert_message (ct->store, message);
    }

  g_atomic_int_set (&ct->done, TRUE);
  g_main_context_wakeup (NULL);
  return NULL;
}

static gboolean
commit_thread_done (gpointer data)
{
  CommitThread *ct = data;

  return g_atomic_int_get (&ct->done);
}

static void
test_events_added_batched (StoreFixture  *f,
                           gconstpointer  data)
{
  BatchState state = { 0 };
  g_autoptr(BotbenchSignalCounter) added = NULL;
  gint64 start;
  gint64 elapsed_ms;
  gint64 last_id;
  guint bound;

  g_signal_connect (f->store, "events-added", G_CALLBACK (events_added_cb), &state);
  added = botbench_test_count_signal (f->store, "events-added");

  /* One event: one emission, carrying its id. */
  last_id = insert_message (f->store, "first");
  botbench_signal_counter_assert_wait (added, 1);
  g_assert_cmpuint (state.n_emissions, ==, 1);
  g_assert_cmpint (state.last_id, ==, last_id);
  state.n_emissions = 0;

  start = g_get_monotonic_time ();
  for (guint i = 0; i < 2000; i++)
    {
      g_autofree char *message = g_strdup_printf ("burst %u", i);
      g_autoptr(BotbenchEvent) event = make_event (message);

      botbench_event_store_insert_async (f->store, event, NULL, batch_insert_done_cb, &state);
    }
  botbench_test_assert_wait_until_full (batch_all_done, &state, 60000, "the 2000 inserts to finish");
  g_assert_cmpuint (state.n_failed, ==, 0);

  last_id = botbench_event_store_get_last_id (f->store);
  g_assert_cmpint (last_id, ==, 2001);
  {
    LastIdWait w = { &state, last_id };

    botbench_test_assert_wait_until_full (last_id_seen, &w, 5000, "events-added to announce the last id");
  }
  elapsed_ms = (g_get_monotonic_time () - start) / 1000;

  /* At most one emission per ~100 ms, plus the first and the last. */
  bound = elapsed_ms / 100 + 2;
  g_test_message ("%u emissions for 2000 events in %" G_GINT64_FORMAT " ms (bound %u)",
                  state.n_emissions, elapsed_ms, bound);
  g_assert_cmpuint (state.n_emissions, >=, 1);
  g_assert_cmpuint (state.n_emissions, <=, bound);
  g_assert_cmpuint (state.n_emissions, <, 2000 / 10);

  /* 2000 separate commits from another thread, as a busy listener makes. */
  {
    CommitThread ct = { f->store, 0 };
    GThread *thread;
    LastIdWait w = { &state, 0 };

    state.n_emissions = 0;
    start = g_get_monotonic_time ();
    thread = g_thread_new ("committer", commit_thread, &ct);
    botbench_test_assert_wait_until_full (commit_thread_done, &ct, 60000, "the committing thread");
    g_thread_join (thread);

    w.last_id = botbench_event_store_get_last_id (f->store);
    g_assert_cmpint (w.last_id, ==, 4001);
    botbench_test_assert_wait_until_full (last_id_seen, &w, 5000, "events-added to announce the last id");
    elapsed_ms = (g_get_monotonic_time () - start) / 1000;
    bound = elapsed_ms / 100 + 2;
    g_test_message ("%u emissions for 2000 commits in %" G_GINT64_FORMAT " ms (bound %u)",
                    state.n_emissions, elapsed_ms, bound);
    g_assert_cmpuint (state.n_emissions, >=, 1);
    g_assert_cmpuint (state.n_emissions, <=, bound);
  }
}

/* ---- threads ------------------------------------------------------------------------ */

#define N_THREADS 4
#define N_PER_THREAD 250

typedef struct
{
  BotbenchEventStore *store;
  guint               index;
  gboolean            use_async;
  gint64              ids[N_PER_THREAD];
  gboolean            callbacks_on_thread;
} ThreadData;

static gboolean
thread_async_done (gpointer data)
{
  InsertResult *results = data;

  for (guint i = 0; i < N_PER_THREAD; i++)
    if (!results[i].done)
      return FALSE;
  return TRUE;
}

static gpointer
insert_thread (gpointer user_data)
{
  ThreadData *td = user_data;

  if (td->use_async)
    {
      /* Like the listener: a thread with its own main context. */
      g_autoptr(GMainContext) context = g_main_context_new ();
      g_autofree InsertResult *results = g_new0 (InsertResult, N_PER_THREAD);

      g_main_context_push_thread_default (context);
      for (guint i = 0; i < N_PER_THREAD; i++)
        {
          g_autofree char *message = g_strdup_printf ("thread %u event %u", td->index, i);
          g_autoptr(BotbenchEvent) event = make_event (message);

          botbench_event_store_insert_async (td->store, event, NULL, insert_done_cb, &results[i]);
        }
      botbench_test_assert_wait_until_full (thread_async_done, results, 60000,
                                            "this thread's inserts to finish");
      td->callbacks_on_thread = TRUE;
      for (guint i = 0; i < N_PER_THREAD; i++)
        {
          g_assert_no_error (results[i].error);
          td->ids[i] = results[i].id;
          if (results[i].thread != g_thread_self ())
            td->callbacks_on_thread = FALSE;
        }
      g_main_context_pop_thread_default (context);
    }
  else
    {
      for (guint i = 0; i < N_PER_THREAD; i++)
        {
          g_autofree char *message = g_strdup_printf ("thread %u event %u", td->index, i);
          g_autoptr(BotbenchEvent) event = make_event (message);

          td->ids[i] = insert_event (td->store, event);
        }
      td->callbacks_on_thread = TRUE;
    }

  /* Readers on this thread too, while others write. */
  {
    BotbenchEventQuery query = { .limit = 10 };
    g_autoptr(GPtrArray) page = run_query (td->store, &query);

    g_assert_cmpuint (page->len, ==, 10);
  }

  return NULL;
}

static void
test_concurrent_inserts (StoreFixture  *f,
                         gconstpointer  data)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  ThreadData td[N_THREADS];
  GThread *threads[N_THREADS];

  for (guint t = 0; t < N_THREADS; t++)
    {
      memset (&td[t], 0, sizeof td[t]);
      td[t].store = f->store;
      td[t].index = t;
      td[t].use_async = t % 2 == 1;
      threads[t] = g_thread_new ("inserter", insert_thread, &td[t]);
    }

  for (guint t = 0; t < N_THREADS; t++)
    {
      g_thread_join (threads[t]);
      g_assert_true (td[t].callbacks_on_thread);
      for (guint i = 0; i < N_PER_THREAD; i++)
        {
          g_assert_cmpint (td[t].ids[i], >, 0);
          /* Each thread's own events are in order. */
          if (i > 0)
            g_assert_cmpint (td[t].ids[i], >, td[t].ids[i - 1]);
          g_assert_true (g_hash_table_add (seen, g_memdup2 (&td[t].ids[i], sizeof (gint64))));
        }
    }

  g_assert_cmpuint (g_hash_table_size (seen), ==, N_THREADS * N_PER_THREAD);
  g_assert_cmpint (count_all (f->store), ==, N_THREADS * N_PER_THREAD);
  g_assert_cmpint (botbench_event_store_get_last_id (f->store), ==, N_THREADS * N_PER_THREAD);
  g_assert_cmpuint (search_count (f->store, "thread 3 event 249"), ==, 1);
}

/* ---- full-text index after the commit ------------------------------------------ */

static gint64
raw_count (const char *path,
           const char *sql)
{
  return pragma_raw (path, sql);
}

static void
test_index_lag (StoreFixture  *f,
                gconstpointer  data)
{
  BatchState state = { 0 };
  g_autoptr(BotbenchSignalCounter) added = NULL;
  gint64 old_id;
  gint64 new_id;
  guint emissions;

  g_signal_connect (f->store, "events-added", G_CALLBACK (events_added_cb), &state);
  added = botbench_test_count_signal (f->store, "events-added");

  old_id = insert_message (f->store, "apple pie");
  g_assert_cmpuint (search_count (f->store, "apple"), ==, 1);
  g_assert_cmpint (_botbench_event_store_get_indexed_id (f->store), ==, old_id);

  /* Committed but not indexed: acknowledged, readable, not found yet. */
  _botbench_event_store_set_index_paused (f->store, TRUE);
  new_id = insert_message (f->store, "apple tart");
  g_assert_cmpint (count_all (f->store), ==, 2);
  g_assert_cmpint (_botbench_event_store_get_indexed_id (f->store), ==, old_id);
  g_assert_false (_botbench_event_store_wait_indexed (f->store, new_id, 50));
  {
    BotbenchEventQuery query = { .search = "apple", .limit = 10 };
    g_autoptr(GPtrArray) events = run_query (f->store, &query);

    /* Only the indexed event, and the right one. */
    g_assert_cmpuint (events->len, ==, 1);
    g_assert_cmpint (botbench_event_get_id (g_ptr_array_index (events, 0)), ==, old_id);
    g_assert_cmpstr (botbench_event_get_message (g_ptr_array_index (events, 0)), ==, "apple pie");
    g_assert_cmpint (count_query (f->store, &query), ==, 1);
    query.search = "tart";
    g_assert_cmpint (count_query (f->store, &query), ==, 0);
  }
  g_assert_cmpint (raw_count (f->path, "SELECT indexed_id FROM fts_state"), ==, old_id);

  /* The commit was announced (nothing is indexed meanwhile, so nothing
   * else is pending after that emission)… */
  {
    LastIdWait w = { &state, new_id };

    botbench_test_assert_wait_until_full (last_id_seen, &w, 10000, "events-added to announce the last id");
  }
  emissions = botbench_signal_counter_get (added);

  /* …and indexing announces itself again; nobody asks, the writer
   * indexes on its own. */
  _botbench_event_store_set_index_paused (f->store, FALSE);
  botbench_signal_counter_assert_wait (added, emissions + 1);
  g_assert_cmpint (state.last_id, ==, new_id);
  g_assert_cmpint (_botbench_event_store_get_indexed_id (f->store), ==, new_id);
  g_assert_cmpint (raw_count (f->path, "SELECT indexed_id FROM fts_state"), ==, new_id);
  g_assert_cmpuint (search_count (f->store, "tart"), ==, 1);
  g_assert_cmpuint (search_count (f->store, "apple"), ==, 2);
}

static void
test_index_retention_clear (StoreFixture  *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 n;

  /* Retention deletes events that were never indexed. */
  insert_many (f->store, 10, NULL);
  g_assert_cmpuint (search_count (f->store, "message"), ==, 10);
  _botbench_event_store_set_index_paused (f->store, TRUE);
  insert_many (f->store, 20, NULL);
  botbench_event_store_set_retention (f->store, 5, 0);
  n = botbench_event_store_apply_retention (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n, >=, 0);
  g_assert_cmpint (count_all (f->store), ==, 5);
  _botbench_event_store_set_index_paused (f->store, FALSE);
  g_assert_cmpuint (search_count (f->store, "message"), ==, 5);
  g_assert_cmpint (raw_count (f->path, "SELECT count(*) FROM events_fts"), ==, 5);
  g_assert_cmpint (raw_count (f->path, "SELECT count(*) FROM events e JOIN events_fts f ON f.rowid = e.id"), ==, 5);

  /* Clear with events waiting for the index: none comes back. */
  botbench_event_store_set_retention (f->store, 0, 0);
  _botbench_event_store_set_index_paused (f->store, TRUE);
  insert_many (f->store, 7, NULL);
  g_assert_true (botbench_event_store_clear (f->store, &error));
  g_assert_no_error (error);
  g_assert_cmpint (_botbench_event_store_get_indexed_id (f->store), ==,
                   botbench_event_store_get_last_id (f->store));
  _botbench_event_store_set_index_paused (f->store, FALSE);
  insert_message (f->store, "after clear");
  g_assert_cmpuint (search_count (f->store, "message"), ==, 0);
  g_assert_cmpuint (search_count (f->store, "after"), ==, 1);
  g_assert_cmpint (raw_count (f->path, "SELECT count(*) FROM events_fts"), ==, 1);
}

/* A list model showing a search gains an event once it is indexed. */
static void
test_index_list_model (StoreFixture  *f,
                       gconstpointer  data)
{
  g_autoptr(BotbenchEventListModel) model = NULL;
  g_autoptr(BotbenchEvent) first = NULL;
  g_autoptr(BotbenchSignalCounter) n_notify = NULL;
  gint64 id;

  insert_message (f->store, "kiwi one");
  insert_message (f->store, "melon");

  /* A fresh search waits for the index of what is already stored. */
  _botbench_event_store_set_index_paused (f->store, TRUE);
  insert_message (f->store, "kiwi two");
  _botbench_event_store_set_index_paused (f->store, FALSE);
  model = botbench_event_list_model_new (f->store);
  botbench_event_list_model_set_search (model, "kiwi");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 2);

  n_notify = botbench_test_count_signal (model, "notify::n-items");

  /* Stored, announced, not indexed: not in the list (and not lost). */
  _botbench_event_store_set_index_paused (f->store, TRUE);
  id = insert_message (f->store, "kiwi three");
  {
    BatchState state = { 0 };
    LastIdWait w = { &state, id };
    gulong handler = g_signal_connect (f->store, "events-added", G_CALLBACK (events_added_cb), &state);

    botbench_test_assert_wait_until_full (last_id_seen, &w, 10000, "events-added to announce the last id");
    g_signal_handler_disconnect (f->store, handler);
  }
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 2);
  g_assert_cmpuint (botbench_signal_counter_get (n_notify), ==, 0);

  _botbench_event_store_set_index_paused (f->store, FALSE);
  botbench_signal_counter_assert_wait (n_notify, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 3);
  first = g_list_model_get_item (G_LIST_MODEL (model), 0);
  g_assert_cmpint (botbench_event_get_id (first), ==, id);
}

/* kill -9 between the commit and the indexing transaction: the next open
 * indexes what is missing before it returns. */
static void
test_index_catch_up_after_kill (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(BotbenchEventStore) store = NULL;
  g_autoptr(GError) error = NULL;

  if (g_test_subprocess ())
    {
      InsertResult r[50] = { { 0 } };

      path = g_build_filename (g_getenv ("BOTBENCH_TEST_KILL_DIR"), "events.db", NULL);
      store = botbench_event_store_new (path, &error);
      g_assert_no_error (error);
      insert_message (store, "indexed before");
      g_assert_true (_botbench_event_store_wait_indexed (store, 1, 10000));
      _botbench_event_store_set_index_paused (store, TRUE);

      for (guint i = 0; i < 50; i++)
        {
          g_autofree char *message = g_strdup_printf ("unindexed %u", i);
          g_autoptr(BotbenchEvent) event = make_event (message);

          botbench_event_store_insert_async (store, event, NULL, insert_done_cb, &r[i]);
        }
      botbench_test_assert_wait_until_full (all_inserted, r, 10000, "the inserts to finish");
      for (guint i = 0; i < 50; i++)
        g_assert_no_error (r[i].error);

      kill (getpid (), SIGKILL);
      g_assert_not_reached ();
    }

  dir = botbench_test_make_tmp_dir ();
  path = g_build_filename (dir, "events.db", NULL);
  g_setenv ("BOTBENCH_TEST_KILL_DIR", dir, TRUE);
  g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_unsetenv ("BOTBENCH_TEST_KILL_DIR");

  /* As the crash left it: 51 events, one of them indexed. */
  g_assert_cmpint (raw_count (path, "SELECT count(*) FROM events"), ==, 51);
  g_assert_cmpint (raw_count (path, "SELECT count(*) FROM events_fts"), ==, 1);
  g_assert_cmpint (raw_count (path, "SELECT indexed_id FROM fts_state"), ==, 1);

  store = botbench_event_store_new (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (_botbench_event_store_get_indexed_id (store), ==, 51);
  {
    /* No waiting: found right after open. */
    BotbenchEventQuery query = { .search = "unindexed", .limit = 100 };

    g_assert_cmpint (count_query (store, &query), ==, 50);
    query.search = "unindexed 49";
    g_assert_cmpint (count_query (store, &query), ==, 1);
  }
  g_assert_cmpint (raw_count (path, "SELECT count(*) FROM events_fts"), ==, 51);
  g_assert_cmpint (raw_count (path, "SELECT indexed_id FROM fts_state"), ==, 51);
  g_assert_cmpint (insert_message (store, "after the crash"), ==, 52);
  g_assert_cmpuint (search_count (store, "crash"), ==, 1);
  g_assert_finalize_object (g_steal_pointer (&store));

  /* Nothing indexed twice. */
  g_assert_cmpint (raw_count (path, "SELECT count(*) FROM events_fts"), ==, 52);

  botbench_test_rm_rf (dir);
}

/* The version-1 schema as main (28ee72c) created it, verbatim. */
static const char schema_v1[] =
  "CREATE TABLE events (\n"
  "  id           INTEGER PRIMARY KEY AUTOINCREMENT,\n"
  "  received     INTEGER NOT NULL,\n"
  "  remote       TEXT,\n"
  "  method       TEXT,\n"
  "  path         TEXT,\n"
  "  query        TEXT,\n"
  "  headers      TEXT NOT NULL DEFAULT '[]',\n"
  "  content_type TEXT,\n"
  "  body         BLOB NOT NULL,\n"
  "  size         INTEGER NOT NULL,\n"
  "  event_name   TEXT NOT NULL DEFAULT '',\n"
  "  bot_id       TEXT NOT NULL DEFAULT '',\n"
  "  bot_code     TEXT NOT NULL DEFAULT '',\n"
  "  message      TEXT NOT NULL DEFAULT ''\n"
  ");\n"
  "CREATE INDEX events_id ON events (id);\n"
  "CREATE INDEX events_event_name ON events (event_name);\n"
  "CREATE INDEX events_bot_id ON events (bot_id);\n"
  "CREATE INDEX events_received ON events (received);\n"
  "CREATE VIRTUAL TABLE events_fts USING fts5 (\n"
  "  event_name, message, search_text,\n"
  "  tokenize = 'unicode61 remove_diacritics 2'\n"
  ");\n";

static void
test_migrate_version1 (void)
{
  g_autofree char *dir = botbench_test_make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "events.db", NULL);
  g_autoptr(BotbenchEventStore) store = NULL;
  g_autoptr(BotbenchEvent) got = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db;

  /* A version-1 database with 40 events (ids 1…40 after retention took
   * 1…5 away: 35 rows) as version 1 wrote them, index rows included. */
  db = open_raw (path);
  exec_raw (db, "PRAGMA journal_mode = WAL; BEGIN;");
  exec_raw (db, schema_v1);
  for (guint i = 1; i <= 40; i++)
    {
      g_autofree char *sql = NULL;

      sql = g_strdup_printf ("INSERT INTO events (received, remote, method, path, query, headers, "
                             "content_type, body, size, event_name, bot_id, bot_code, message) "
                             "VALUES (%u, '127.0.0.1', 'POST', '/', '', '[]', "
                             "'application/x-www-form-urlencoded', CAST ('event=ONIMBOTMESSAGEADD' AS BLOB), 22, "
                             "'%s', '42', 'bot_42', 'old message %u');"
                             "INSERT INTO events_fts (rowid, event_name, message, search_text) "
                             "VALUES (%u, '%s', 'old message %u', 'old message %u');",
                             1700000000 + i, i % 2 ? "ONIMBOTMESSAGEADD" : "ONIMBOTJOINCHAT", i,
                             i, i % 2 ? "ONIMBOTMESSAGEADD" : "ONIMBOTJOINCHAT", i, i);
      exec_raw (db, sql);
    }
  exec_raw (db, "DELETE FROM events WHERE id <= 5; DELETE FROM events_fts WHERE rowid <= 5;");
  exec_raw (db, "PRAGMA application_id = 1114915397; PRAGMA user_version = 1; COMMIT;");
  sqlite3_close (db);
  g_assert_cmpint (pragma_raw (path, "PRAGMA application_id"), ==, 0x42744245);

  store = botbench_event_store_new (path, &error);
  g_assert_no_error (error);

  g_assert_cmpint (pragma_raw (path, "PRAGMA user_version"), ==, BOTBENCH_EVENT_STORE_SCHEMA_VERSION);
  g_assert_cmpint (BOTBENCH_EVENT_STORE_SCHEMA_VERSION, ==, 4);
  g_assert_cmpint (pragma_raw (path, "SELECT count(*) FROM events WHERE source = 'listener'"), ==, 35);
  g_assert_cmpint (pragma_raw (path, "SELECT count(*) FROM sqlite_master WHERE name = 'events_bot_id'"), ==, 0);
  g_assert_cmpint (pragma_raw (path, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN "
                                      "('events_id', 'events_event_name', 'events_received')"), ==, 3);
  /* Version 1 indexed every row: nothing to catch up, nothing indexed twice. */
  g_assert_cmpint (pragma_raw (path, "SELECT indexed_id FROM fts_state"), ==, 40);
  g_assert_cmpint (_botbench_event_store_get_indexed_id (store), ==, 40);
  g_assert_cmpint (pragma_raw (path, "SELECT count(*) FROM events_fts"), ==, 35);

  /* Every event kept, readable, filterable and searchable. */
  g_assert_cmpint (count_all (store), ==, 35);
  g_assert_cmpint (botbench_event_store_get_last_id (store), ==, 40);
  got = botbench_event_store_get (store, 17, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (botbench_event_get_message (got), ==, "old message 17");
  {
    BotbenchEventQuery query = { .event_name = "ONIMBOTJOINCHAT" };

    g_assert_cmpint (count_query (store, &query), ==, 18);   /* even ids 6…40 */
    query.event_name = NULL;
    query.search = "old message";
    g_assert_cmpint (count_query (store, &query), ==, 35);
    query.bot_id = "42";
    g_assert_cmpint (count_query (store, &query), ==, 35);
  }
  g_assert_cmpuint (search_count (store, "message 33"), ==, 1);

  /* New events continue the ids and are indexed. */
  g_assert_cmpint (insert_message (store, "new message"), ==, 41);
  g_assert_cmpuint (search_count (store, "message"), ==, 36);
  g_assert_finalize_object (g_steal_pointer (&store));

  /* And it opens again as the latest version, unchanged. */
  store = botbench_event_store_new (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (count_all (store), ==, 36);
  g_assert_cmpint (pragma_raw (path, "SELECT indexed_id FROM fts_state"), ==, 41);
  g_assert_finalize_object (g_steal_pointer (&store));

  botbench_test_rm_rf (dir);
}

/* ---- file mode ----------------------------------------------------------------------- */

static void
assert_mode (const char *path,
             guint       mode)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 0777, ==, mode);
}

static void
test_private_mode (StoreFixture  *f,
                   gconstpointer  data)
{
  g_autofree char *wal = g_strconcat (f->path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (f->path, "-shm", NULL);
  g_autofree char *nested_dir = g_build_filename (f->dir, "new", "dir", NULL);
  g_autofree char *nested = g_build_filename (nested_dir, "custom.sqlite", NULL);
  g_autoptr(BotbenchEventStore) store = NULL;
  g_autoptr(GError) error = NULL;
  mode_t old_umask = umask (0022);

  /* The fixture's store lives at a custom path in a temporary directory. */
  insert_message (f->store, "a token inside");
  assert_mode (f->path, 0600);
  assert_mode (wal, 0600);
  assert_mode (shm, 0600);

  /* Folders it creates are 0700, the file 0600, even with umask 0. */
  umask (0);
  store = botbench_event_store_new (nested, &error);
  g_assert_no_error (error);
  insert_message (store, "a token inside");
  assert_mode (nested_dir, 0700);
  assert_mode (nested, 0600);
  g_assert_finalize_object (g_steal_pointer (&store));
  umask (old_umask);
}

/* ---- bounded insert queue ------------------------------------------------------------- */

typedef struct
{
  guint     n;
  guint     n_done;
  gboolean *done;
  gint64   *ids;
  GError  **errors;
} Many;

typedef struct
{
  Many  *many;
  guint  index;
} ManyItem;

static void
many_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  ManyItem *item = user_data;
  Many *many = item->many;

  g_assert_false (many->done[item->index]);
  many->ids[item->index] = botbench_event_store_insert_finish (BOTBENCH_EVENT_STORE (object), result,
                                                               &many->errors[item->index]);
  many->done[item->index] = TRUE;
  many->n_done++;
  g_free (item);
}

static gboolean
many_all_done (gpointer data)
{
  Many *many = data;

  return many->n_done == many->n;
}

static void
many_init (Many  *many,
           guint  n)
{
  many->n = n;
  many->n_done = 0;
  many->done = g_new0 (gboolean, n);
  many->ids = g_new0 (gint64, n);
  many->errors = g_new0 (GError *, n);
}

static void
many_clear (Many *many)
{
  for (guint i = 0; i < many->n; i++)
    g_clear_error (&many->errors[i]);
  g_free (many->done);
  g_free (many->ids);
  g_free (many->errors);
}

static void
many_insert (BotbenchEventStore *store,
             Many               *many,
             const char         *prefix)
{
  for (guint i = 0; i < many->n; i++)
    {
      g_autofree char *message = g_strdup_printf ("%s %u", prefix, i);
      g_autoptr(BotbenchEvent) event = make_event (message);
      ManyItem *item = g_new0 (ManyItem, 1);

      item->many = many;
      item->index = i;
      botbench_event_store_insert_async (store, event, NULL, many_done_cb, item);
    }
}

static gboolean
flag_true_cb (gpointer data)
{
  *(gboolean *)data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Every successful insert is stored under its id, in call order; every
 * failed one is absent.  Returns the number of successes. */
static guint
assert_stored_exactly (BotbenchEventStore *store,
                       Many               *many,
                       const char         *prefix)
{
  gint64 previous = 0;
  guint n_ok = 0;

  for (guint i = 0; i < many->n; i++)
    {
      g_autofree char *message = g_strdup_printf ("%s %u", prefix, i);
      BotbenchEventQuery query = { .search = message };
      g_autoptr(GPtrArray) found = NULL;

      g_assert_true (_botbench_event_store_wait_indexed (store, botbench_event_store_get_last_id (store), 10000));
      found = run_query (store, &query);

      if (many->errors[i] == NULL)
        {
          g_autoptr(BotbenchEvent) got = NULL;
          g_autoptr(GError) error = NULL;

          g_assert_cmpint (many->ids[i], >, previous);
          previous = many->ids[i];
          got = botbench_event_store_get (store, many->ids[i], &error);
          g_assert_no_error (error);
          g_assert_cmpstr (botbench_event_get_message (got), ==, message);
          n_ok++;
        }
      else
        {
          g_assert_error (many->errors[i], BOTBENCH_EVENT_STORE_ERROR, BOTBENCH_EVENT_STORE_ERROR_BUSY);
          g_assert_cmpint (many->ids[i], ==, 0);
          for (guint j = 0; j < found->len; j++)
            g_assert_cmpstr (botbench_event_get_message (g_ptr_array_index (found, j)), !=, message);
        }
    }

  return n_ok;
}

static void
test_queue_busy (StoreFixture  *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  Many many = { 0 };
  gboolean idle_ran = FALSE;
  guint n_ok;
  guint n_busy = 0;
  guint max_events;
  guint wait_ms;

  /* The defaults. */
  g_object_get (f->store, "max-queued-events", &max_events, "queue-wait-ms", &wait_ms, NULL);
  g_assert_cmpuint (max_events, ==, 10000);
  g_assert_cmpuint (wait_ms, ==, 2000);

  /* A writer that needs 2 s per transaction, a queue of 4, 100 ms of
   * patience: 4 inserts get in, the other 16 give up long before. */
  g_object_set (f->store, "max-queued-events", 4, "queue-wait-ms", 100, NULL);
  _botbench_event_store_set_writer_delay (f->store, 2000);

  many_init (&many, 20);
  many_insert (f->store, &many, "busy");

  /* Waiting inserts do not hold up this thread or its main context. */
  g_idle_add (flag_true_cb, &idle_ran);
  botbench_test_assert_wait_for (&idle_ran, 10000, "an idle callback");
  g_assert_cmpuint (many.n_done, <, many.n);

  /* A blocking insert waits as long, then is turned away too. */
  {
    g_autoptr(BotbenchEvent) event = make_event ("busy sync");

    g_assert_cmpint (botbench_event_store_insert (f->store, event, &error), ==, 0);
    g_assert_error (error, BOTBENCH_EVENT_STORE_ERROR, BOTBENCH_EVENT_STORE_ERROR_BUSY);
    g_assert_nonnull (strstr (error->message, "try again"));
    g_assert_cmpint (botbench_event_get_id (event), ==, 0);
    g_clear_error (&error);
  }

  botbench_test_assert_wait_until_full (many_all_done, &many, 30000, "the inserts to finish");
  _botbench_event_store_set_writer_delay (f->store, 0);

  for (guint i = 0; i < many.n; i++)
    if (many.errors[i] != NULL)
      n_busy++;
  n_ok = assert_stored_exactly (f->store, &many, "busy");
  g_test_message ("%u stored, %u busy", n_ok, n_busy);
  g_assert_cmpuint (n_ok, ==, 4);
  g_assert_cmpuint (n_busy, ==, 16);
  g_assert_cmpint (count_all (f->store), ==, 4);
  g_assert_cmpuint (search_count (f->store, "busy"), ==, 4);
  many_clear (&many);

  /* Room again: inserts go through at once. */
  g_assert_cmpint (insert_message (f->store, "room again"), >, 0);
}

static void
test_queue_drains (StoreFixture  *f,
                   gconstpointer  data)
{
  g_autoptr(GBytes) probe = NULL;
  Many many = { 0 };
  guint64 body_size;

  /* A slow writer and a queue of 5: 40 inserts all wait their turn, are
   * let in as the writer commits (oldest first) and all succeed. */
  g_object_set (f->store, "max-queued-events", 5, "queue-wait-ms", 20000, NULL);
  _botbench_event_store_set_writer_delay (f->store, 20);

  many_init (&many, 40);
  many_insert (f->store, &many, "drain");
  botbench_test_assert_wait_until_full (many_all_done, &many, 30000, "the inserts to finish");
  g_assert_cmpuint (assert_stored_exactly (f->store, &many, "drain"), ==, 40);
  many_clear (&many);

  /* The byte budget: two bodies at a time. */
  {
    g_autoptr(BotbenchEvent) event = make_event ("bytes 0");

    body_size = g_bytes_get_size (botbench_event_get_body (event));
  }
  g_object_set (f->store, "max-queued-events", 1000, "max-queued-bytes", 2 * body_size + 1, NULL);
  many_init (&many, 20);
  many_insert (f->store, &many, "bytes");
  botbench_test_assert_wait_until_full (many_all_done, &many, 30000, "the inserts to finish");
  g_assert_cmpuint (assert_stored_exactly (f->store, &many, "bytes"), ==, 20);
  many_clear (&many);

  _botbench_event_store_set_writer_delay (f->store, 0);
  g_assert_cmpint (count_all (f->store), ==, 60);
}

/* close() flushes: inserts still waiting for room are stored too. */
static void
test_queue_close_flushes (StoreFixture  *f,
                          gconstpointer  data)
{
  Many many = { 0 };

  g_object_set (f->store, "max-queued-events", 2, "queue-wait-ms", 20000, NULL);
  _botbench_event_store_set_writer_delay (f->store, 300);

  many_init (&many, 10);
  many_insert (f->store, &many, "flushed");
  botbench_event_store_close (f->store);
  botbench_test_assert_wait_until_full (many_all_done, &many, 30000, "the inserts to finish");
  for (guint i = 0; i < many.n; i++)
    {
      g_assert_no_error (many.errors[i]);
      g_assert_cmpint (many.ids[i], ==, i + 1);
    }
  many_clear (&many);

  store_reopen (f);
  g_assert_cmpint (count_all (f->store), ==, 10);
  g_assert_cmpuint (search_count (f->store, "flushed"), ==, 10);
}

/* ---- write failure ---------------------------------------------------------------------- */

static BotbenchEvent *
make_big_event (guint i)
{
  g_autoptr(GString) body = g_string_new ("event=ONIMBOTMESSAGEADD&data[PARAMS][MESSAGE]=");
  g_autoptr(GBytes) bytes = NULL;

  g_string_append_printf (body, "big%u+", i);
  for (guint j = 0; j < 64 * 1024; j++)
    g_string_append_c (body, 'a' + (j % 26));
  bytes = g_bytes_new (body->str, body->len);

  return botbench_event_new (g_get_real_time (), "127.0.0.1", "POST", "/", "", default_headers,
                             "application/x-www-form-urlencoded", bytes);
}

static void
test_write_failure (StoreFixture  *f,
                    gconstpointer  data)
{
  InsertResult r[5] = { { 0 } };
  g_autoptr(GError) error = NULL;
  gint64 before;

  insert_many (f->store, 10, NULL);
  before = botbench_event_store_get_last_id (f->store);

  _botbench_event_store_simulate_disk_full (f->store, TRUE);

  /* Sync */
  {
    g_autoptr(BotbenchEvent) event = make_big_event (100);

    g_assert_cmpint (botbench_event_store_insert (f->store, event, &error), ==, 0);
    g_assert_error (error, BOTBENCH_EVENT_STORE_ERROR, BOTBENCH_EVENT_STORE_ERROR_WRITE);
    g_test_message ("%s", error->message);
    g_assert_nonnull (strstr (error->message, "full"));
    g_assert_cmpint (botbench_event_get_id (event), ==, 0);
    g_clear_error (&error);
  }

  /* Async: every task of the batch reports the failure. */
  for (guint i = 0; i < G_N_ELEMENTS (r); i++)
    {
      g_autoptr(BotbenchEvent) event = make_big_event (i);

      botbench_event_store_insert_async (f->store, event, NULL, insert_done_cb, &r[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (r); i++)
    {
      botbench_test_assert_wait_for (&r[i].done, 10000, "the insert to finish");
      g_assert_error (r[i].error, BOTBENCH_EVENT_STORE_ERROR, BOTBENCH_EVENT_STORE_ERROR_WRITE);
      g_assert_cmpint (r[i].id, ==, 0);
      g_clear_error (&r[i].error);
    }

  g_assert_cmpint (count_all (f->store), ==, 10);
  g_assert_cmpint (botbench_event_store_get_last_id (f->store), ==, before);

  /* Space again: writes resume, nothing half-written is visible. */
  _botbench_event_store_simulate_disk_full (f->store, FALSE);
  {
    g_autoptr(BotbenchEvent) event = make_big_event (200);

    g_assert_cmpint (insert_event (f->store, event), ==, before + 1);
  }
  g_assert_cmpint (count_all (f->store), ==, 11);
  g_assert_cmpuint (search_count (f->store, "big200"), ==, 1);
  g_assert_cmpuint (search_count (f->store, "big1"), ==, 0);
}

/* ---- schema v3: replays, token states, forwards ---------------------------------------- */

/* The version-2 schema as main (9a72b36) left it: version 1, then step 2. */
static const char schema_v2_step[] =
  "DROP INDEX events_bot_id;\n"
  "CREATE TABLE fts_state (\n"
  "  id         INTEGER PRIMARY KEY CHECK (id = 1),\n"
  "  indexed_id INTEGER NOT NULL\n"
  ");\n";

static void
test_migrate_version2 (void)
{
  g_autofree char *dir = botbench_test_make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "events.db", NULL);
  g_autoptr(BotbenchEventStore) store = NULL;
  g_autoptr(BotbenchEvent) got = NULL;
  g_autoptr(BotbenchEvent) fresh = NULL;
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(GError) error = NULL;
  BotbenchEventQuery all = { .ascending = TRUE };
  sqlite3 *db;

  db = open_raw (path);
  exec_raw (db, "PRAGMA journal_mode = WAL; BEGIN;");
  exec_raw (db, schema_v1);
  exec_raw (db, schema_v2_step);
  for (guint i = 1; i <= 12; i++)
    {
      g_autofree char *sql = NULL;

      sql = g_strdup_printf ("INSERT INTO events (received, remote, method, path, query, headers, "
                             "content_type, body, size, event_name, bot_id, bot_code, message) "
                             "VALUES (%u, '127.0.0.1', 'POST', '/hook', 'a=%u', "
                             "'[[\"User-Agent\",\"Bitrix24 Webhook Engine\"]]', "
                             "'application/x-www-form-urlencoded', CAST ('event=ONIMBOTMESSAGEADD&n=%u' AS BLOB), 24, "
                             "'ONIMBOTMESSAGEADD', '42', 'bot_42', 'v2 message %u');"
                             "INSERT INTO events_fts (rowid, event_name, message, search_text) "
                             "VALUES (%u, 'ONIMBOTMESSAGEADD', 'v2 message %u', 'v2 message %u');",
                             1700000000 + i, i, i, i, i, i, i);
      exec_raw (db, sql);
    }
  exec_raw (db, "INSERT INTO fts_state (id, indexed_id) VALUES (1, 12);");
  exec_raw (db, "PRAGMA application_id = 1114915397; PRAGMA user_version = 2; COMMIT;");
  sqlite3_close (db);

  store = botbench_event_store_new (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (pragma_raw (path, "PRAGMA user_version"), ==, BOTBENCH_EVENT_STORE_SCHEMA_VERSION);
  g_assert_cmpint (pragma_raw (path, "SELECT count(*) FROM sqlite_master WHERE name = 'forwards'"), ==, 1);
  g_assert_cmpint (pragma_raw (path, "SELECT count(*) FROM sqlite_master WHERE name = 'events_verified'"), ==, 1);
  g_assert_cmpint (pragma_raw (path, "SELECT count(*) FROM events WHERE verified = 'unknown' "
                                      "AND rejected = 0 AND replay_of IS NULL"), ==, 12);

  /* Old rows read back whole, with the new fields at their defaults. */
  got = botbench_event_store_get_event (store, 7, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (botbench_event_get_message (got), ==, "v2 message 7");
  g_assert_cmpstr (botbench_event_get_path (got), ==, "/hook");
  g_assert_cmpstr (botbench_event_get_query (got), ==, "a=7");
  g_assert_cmpstr (botbench_event_get_header (got, "User-Agent"), ==, "Bitrix24 Webhook Engine");
  g_assert_cmpmem (g_bytes_get_data (botbench_event_get_body (got), NULL),
                   g_bytes_get_size (botbench_event_get_body (got)),
                   "event=ONIMBOTMESSAGEADD&n=7", 27);
  g_assert_cmpint (botbench_event_get_replay_of (got), ==, 0);
  g_assert_cmpint (botbench_event_get_token_state (got), ==, BOTBENCH_TOKEN_STATE_UNKNOWN);
  g_assert_false (botbench_event_get_rejected (got));
  g_assert_null (botbench_event_get_forward (got));
  page = botbench_event_store_query (store, &all, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->len, ==, 12);
  g_assert_cmpuint (search_count (store, "v2 message"), ==, 12);

  /* New rows carry the new columns. */
  fresh = make_event ("after v3");
  botbench_event_set_replay_of (fresh, 7);
  botbench_event_set_token_state (fresh, BOTBENCH_TOKEN_STATE_WRONG);
  botbench_event_set_rejected (fresh, TRUE);
  g_assert_cmpint (insert_event (store, fresh), ==, 13);
  g_assert_finalize_object (g_steal_pointer (&store));

  g_assert_cmpint (pragma_raw (path, "SELECT replay_of FROM events WHERE id = 13"), ==, 7);
  g_assert_cmpint (pragma_raw (path, "SELECT count(*) FROM events WHERE id = 13 AND "
                                      "verified = 'wrong-token' AND rejected = 1"), ==, 1);

  botbench_test_rm_rf (dir);
}

static BotbenchForwardResult *
make_forward (const char *url,
              guint       status,
              const char *body)
{
  BotbenchForwardResult *result = botbench_forward_result_new (url);
  const char * const headers[] = { "Content-Type", "text/plain", "X-Handler", "php", NULL };
  g_autoptr(GBytes) bytes = body != NULL ? g_bytes_new (body, strlen (body)) : NULL;

  if (status != 0)
    {
      botbench_forward_result_set_state (result, BOTBENCH_FORWARD_STATE_DONE);
      botbench_forward_result_set_status (result, status);
      botbench_forward_result_set_response_headers (result, headers);
      botbench_forward_result_set_response_body (result, bytes, bytes ? g_bytes_get_size (bytes) : 0);
    }
  else
    botbench_forward_result_set_error (result, "Connection refused");
  botbench_forward_result_set_duration_ms (result, 35);
  botbench_forward_result_set_finished (result, 1700000000000000);

  return result;
}

static void
test_event_fields (StoreFixture  *f,
                   gconstpointer  data)
{
  g_autoptr(BotbenchEvent) event = make_event ("replayed");
  g_autoptr(BotbenchEvent) got = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;

  botbench_event_set_replay_of (event, 3);
  botbench_event_set_token_state (event, BOTBENCH_TOKEN_STATE_VERIFIED);
  id = insert_event (f->store, event);

  store_reopen (f);
  got = botbench_event_store_get (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (botbench_event_get_replay_of (got), ==, 3);
  g_assert_cmpint (botbench_event_get_token_state (got), ==, BOTBENCH_TOKEN_STATE_VERIFIED);
  g_assert_false (botbench_event_get_rejected (got));

  {
    g_autofree char *line = botbench_event_to_json_line (got);

    g_assert_nonnull (strstr (line, ",\"replay_of\":3,"));
    g_assert_nonnull (strstr (line, ",\"rejected\":false,"));
    g_assert_true (g_str_has_suffix (line, ",\"forward\":null}"));
  }

  for (guint i = 0; i < 4; i++)
    {
      BotbenchTokenState state = BOTBENCH_TOKEN_STATE_UNKNOWN;

      g_assert_true (botbench_token_state_from_string (botbench_token_state_to_string (i), &state));
      g_assert_cmpint (state, ==, i);
    }
  g_assert_cmpstr (botbench_token_state_to_string (BOTBENCH_TOKEN_STATE_WRONG), ==, "wrong-token");
  g_assert_cmpstr (botbench_token_state_to_string (BOTBENCH_TOKEN_STATE_MISSING), ==, "no-token");
  g_assert_false (botbench_token_state_from_string ("bogus", NULL));
}

static void
test_forward_record (StoreFixture  *f,
                     gconstpointer  data)
{
  g_autoptr(BotbenchSignalCounter) recorded = botbench_test_count_signal (f->store, "forward-recorded");
  g_autoptr(BotbenchForwardResult) ok = make_forward ("http://127.0.0.1:8000/bot.php", 200, "{\"ok\":1}");
  g_autoptr(BotbenchForwardResult) refused = make_forward ("http://127.0.0.1:8000/bot.php", 0, NULL);
  g_autoptr(BotbenchEvent) got = NULL;
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(BotbenchTestResult) r = { NULL };
  BotbenchEventQuery all = { .ascending = TRUE };
  BotbenchForwardResult *fw;
  gint64 id1, id2;

  id1 = insert_message (f->store, "one");
  id2 = insert_message (f->store, "two");

  /* Async, then read back with its event. */
  botbench_event_store_record_forward_async (f->store, id1, ok, NULL, botbench_test_result_cb, &r);
  g_assert_true (botbench_event_store_record_forward_finish (f->store, botbench_test_result_wait (&r, 0), &error));
  g_assert_no_error (error);
  botbench_signal_counter_assert_wait (recorded, 1);

  got = botbench_event_store_get_event (f->store, id1, &error);
  g_assert_no_error (error);
  fw = botbench_event_get_forward (got);
  g_assert_nonnull (fw);
  g_assert_cmpstr (botbench_forward_result_get_url (fw), ==, "http://127.0.0.1:8000/bot.php");
  g_assert_cmpint (botbench_forward_result_get_state (fw), ==, BOTBENCH_FORWARD_STATE_DONE);
  g_assert_cmpuint (botbench_forward_result_get_status (fw), ==, 200);
  g_assert_cmpint (botbench_forward_result_get_duration_ms (fw), ==, 35);
  g_assert_null (botbench_forward_result_get_error (fw));
  g_assert_true (botbench_forward_result_is_success (fw));
  g_assert_cmpstr (botbench_forward_result_get_response_headers (fw)[2], ==, "X-Handler");
  g_assert_cmpmem (g_bytes_get_data (botbench_forward_result_get_response_body (fw), NULL),
                   g_bytes_get_size (botbench_forward_result_get_response_body (fw)), "{\"ok\":1}", 8);
  g_assert_cmpuint (botbench_forward_result_get_response_size (fw), ==, 8);
  g_assert_cmpint (botbench_forward_result_get_finished (fw), ==, 1700000000000000);
  {
    g_autofree char *line = botbench_event_to_json_line (got);

    g_assert_nonnull (strstr (line, ",\"forward\":{\"url\":\"http://127.0.0.1:8000/bot.php\","
                                    "\"state\":\"done\",\"status\":200,\"duration_ms\":35,"
                                    "\"error\":null,\"response_body\":\"{\\\"ok\\\":1}\""));
  }
  g_clear_object (&got);

  /* Blocking; the event without a forward reads NULL in a page. */
  page = botbench_event_store_query (f->store, &all, &error);
  g_assert_no_error (error);
  g_assert_nonnull (botbench_event_get_forward (g_ptr_array_index (page, 0)));
  g_assert_null (botbench_event_get_forward (g_ptr_array_index (page, 1)));
  g_clear_pointer (&page, g_ptr_array_unref);

  /* The latest answer replaces the earlier one. */
  g_assert_true (botbench_event_store_record_forward (f->store, id1, refused, &error));
  g_assert_no_error (error);
  got = botbench_event_store_get (f->store, id1, &error);
  fw = botbench_event_get_forward (got);
  g_assert_cmpint (botbench_forward_result_get_state (fw), ==, BOTBENCH_FORWARD_STATE_FAILED);
  g_assert_cmpuint (botbench_forward_result_get_status (fw), ==, 0);
  g_assert_cmpstr (botbench_forward_result_get_error (fw), ==, "Connection refused");
  g_assert_null (botbench_forward_result_get_response_body (fw));
  g_assert_false (botbench_forward_result_is_success (fw));
  g_assert_cmpint (raw_count (f->path, "SELECT count(*) FROM forwards"), ==, 1);
  g_clear_object (&got);
  botbench_signal_counter_assert_wait (recorded, 2);

  /* No orphan for an event that is not there. */
  g_assert_true (botbench_event_store_record_forward (f->store, 999, ok, &error));
  g_assert_cmpint (raw_count (f->path, "SELECT count(*) FROM forwards"), ==, 1);

  /* Searches read it too. */
  g_assert_true (botbench_event_store_record_forward (f->store, id2, ok, &error));
  g_assert_true (_botbench_event_store_wait_indexed (f->store, id2, 5000));
  {
    BotbenchEventQuery query = { .search = "two" };

    page = botbench_event_store_query (f->store, &query, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (page->len, ==, 1);
    g_assert_nonnull (botbench_event_get_forward (g_ptr_array_index (page, 0)));
    g_clear_pointer (&page, g_ptr_array_unref);
  }

  /* Retention and clear take the forwards rows along. */
  botbench_event_store_set_retention (f->store, 1, 0);
  g_assert_cmpint (botbench_event_store_apply_retention (f->store, &error), >=, 0);
  g_assert_no_error (error);
  g_assert_cmpint (count_all (f->store), ==, 1);
  g_assert_cmpint (raw_count (f->path, "SELECT count(*) FROM forwards WHERE event_id = 1"), ==, 0);
  g_assert_cmpint (raw_count (f->path, "SELECT count(*) FROM forwards"), ==, 1);
  g_assert_true (botbench_event_store_clear (f->store, &error));
  g_assert_cmpint (raw_count (f->path, "SELECT count(*) FROM forwards"), ==, 0);
}

static void
test_forward_json (void)
{
  g_autoptr(BotbenchForwardResult) result = botbench_forward_result_new ("http://h/x");
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GBytes) body = g_bytes_new ("a\"\xff\0b", 5);
  g_autoptr(GBytes) big = g_bytes_new_take (g_malloc0 (BOTBENCH_FORWARD_MAX_BODY + 10),
                                            BOTBENCH_FORWARD_MAX_BODY + 10);

  botbench_forward_result_append_json (result, out);
  g_assert_cmpstr (out->str, ==, "{\"url\":\"http://h/x\",\"state\":\"pending\",\"status\":null,"
                                 "\"duration_ms\":null,\"error\":null,\"response_body\":null,"
                                 "\"response_size\":0}");
  g_string_truncate (out, 0);
  botbench_forward_result_set_state (result, BOTBENCH_FORWARD_STATE_DONE);
  botbench_forward_result_set_status (result, 500);
  botbench_forward_result_set_duration_ms (result, 0);
  botbench_forward_result_set_response_body (result, body, 5);
  botbench_forward_result_append_json (result, out);
  g_assert_cmpstr (out->str, ==, "{\"url\":\"http://h/x\",\"state\":\"done\",\"status\":500,"
                                 "\"duration_ms\":0,\"error\":null,"
                                 "\"response_body\":\"a\\\"\xef\xbf\xbd\xef\xbf\xbd" "b\","
                                 "\"response_size\":5}");

  /* Longer bodies are cut at 1 MiB, their size kept. */
  botbench_forward_result_set_response_body (result, big, BOTBENCH_FORWARD_MAX_BODY + 10);
  g_assert_cmpuint (g_bytes_get_size (botbench_forward_result_get_response_body (result)), ==,
                    BOTBENCH_FORWARD_MAX_BODY);
  g_assert_cmpuint (botbench_forward_result_get_response_size (result), ==, BOTBENCH_FORWARD_MAX_BODY + 10);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add ("/event-store/" name, StoreFixture, NULL, store_setup, func, store_teardown)

  ADD ("insert/roundtrip", test_insert_roundtrip);
  ADD ("insert/cancelled", test_insert_cancelled);
  g_test_add_func ("/event-store/open/default-path", test_default_path);
  g_test_add_func ("/event-store/open/creates-directories", test_creates_directories);
  ADD ("query/keyset-paging", test_keyset_paging);
  ADD ("query/filters", test_filters);
  ADD ("query/plans", test_query_plans);
  g_test_add_func ("/event-store/search/build-match", test_build_match);
  ADD ("search/fts", test_search);
  ADD ("retention/count", test_retention_count);
  ADD ("retention/days", test_retention_days);
  ADD ("retention/large", test_retention_large);
  ADD ("clear", test_clear);
  ADD ("open/reopen", test_reopen);
  ADD ("open/closed", test_closed);
  g_test_add_func ("/event-store/open/survives-kill", test_survives_kill);
  g_test_add_func ("/event-store/schema/migrate-version-0", test_migrate_version0);
  g_test_add_func ("/event-store/schema/foreign-database", test_foreign_database);
  ADD ("schema/too-new", test_too_new);
  g_test_add_func ("/event-store/schema/corrupt", test_corrupt);
  ADD ("signals/events-added-batched", test_events_added_batched);
  ADD ("threads/concurrent-inserts", test_concurrent_inserts);
  ADD ("write-failure", test_write_failure);
  ADD ("index/lag", test_index_lag);
  ADD ("index/retention-clear", test_index_retention_clear);
  ADD ("index/list-model", test_index_list_model);
  g_test_add_func ("/event-store/index/catch-up-after-kill", test_index_catch_up_after_kill);
  g_test_add_func ("/event-store/schema/migrate-version-1", test_migrate_version1);
  g_test_add_func ("/event-store/schema/migrate-version-2", test_migrate_version2);
  ADD ("schema/event-fields", test_event_fields);
  ADD ("forward/record", test_forward_record);
  g_test_add_func ("/event-store/forward/json", test_forward_json);
  ADD ("open/private-mode", test_private_mode);
  ADD ("queue/busy", test_queue_busy);
  ADD ("queue/drains", test_queue_drains);
  ADD ("queue/close-flushes", test_queue_close_flushes);

#undef ADD

  return g_test_run ();
}
