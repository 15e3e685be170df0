/* test-fetch-store.c: fetched events in the event store, and Event.get answers parsed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Schema v4: a re-delivered event is stored once (unique per portal, bot
 * and portal event id), the fetch state is committed with the events and
 * never goes back, a v3 file migrates (replays get source "replay").  The
 * answer of imbot.v2.Event.get, hostile or not, becomes events or an error.
 */
#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "botbench-core.h"
#include "botbench-fetcher-private.h"
#include "botbench-test-utils.h"

/* ---- the answer, hostile or not -------------------------------------------------------- */

static JsonNode *
parse (const char *json)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (json, &error);

  g_assert_no_error (error);
  return node;
}

static void
test_parse_answer (void)
{
  static const char * const bad[] = {
    "[]", "1", "null", "{}", "{\"events\":{}}", "{\"events\":\"x\"}",
  };
  g_autoptr(JsonNode) good = NULL;
  g_autoptr(GPtrArray) events = NULL;
  gint64 next = 0;
  gboolean more = TRUE;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonNode) node = parse (bad[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) none = _botbench_fetcher_parse_answer (node, "http://127.0.0.1:1", 5, 7,
                                                                   &next, &more, &error);

      g_assert_null (none);
      g_assert_error (error, BOTBENCH_REST_ERROR, BOTBENCH_REST_ERROR_BAD_RESPONSE);
      g_assert_cmpint (next, ==, 7);
    }

  /* Junk entries skipped; nextOffset missing: computed; hasMore a string: false. */
  good = parse ("{\"events\":[1,null,{\"eventId\":0,\"type\":\"X\"},{\"eventId\":\"9\",\"type\":\"ONIMBOTV2JOINCHAT\","
                "\"data\":{\"bot\":{\"id\":5,\"code\":\"c\"}}},{\"eventId\":12,\"type\":7},"
                "{\"eventId\":11,\"type\":\"ONIMBOTV2DELETE\",\"data\":\"x\"}],\"hasMore\":\"Y\"}");
  events = _botbench_fetcher_parse_answer (good, "http://127.0.0.1:1/", 5, 3, &next, &more, NULL);
  g_assert_nonnull (events);
  g_assert_cmpuint (events->len, ==, 2);
  g_assert_cmpint (next, ==, 12);
  g_assert_false (more);
  g_assert_cmpint (botbench_event_get_fetch_event_id (g_ptr_array_index (events, 0)), ==, 9);
  g_assert_cmpstr (botbench_event_get_event_name (g_ptr_array_index (events, 0)), ==, "ONIMBOTV2JOINCHAT");
  g_assert_cmpstr (botbench_event_get_bot_id (g_ptr_array_index (events, 0)), ==, "5");
  g_assert_cmpstr (botbench_event_get_bot_code (g_ptr_array_index (events, 0)), ==, "c");
  g_assert_cmpstr (botbench_event_get_remote_address (g_ptr_array_index (events, 0)), ==, "127.0.0.1");
  g_assert_cmpstr (botbench_event_get_event_name (g_ptr_array_index (events, 1)), ==, "ONIMBOTV2DELETE");

  /* nextOffset never goes back */
  {
    g_autoptr(JsonNode) back = parse ("{\"events\":[],\"nextOffset\":2,\"hasMore\":true}");
    g_autoptr(GPtrArray) empty = _botbench_fetcher_parse_answer (back, "x", 5, 40, &next, &more, NULL);

    g_assert_cmpuint (empty->len, ==, 0);
    g_assert_cmpint (next, ==, 40);
    g_assert_true (more);
  }
}

/* ---- the store ------------------------------------------------------------------------- */

static BotbenchEvent *
fetched_event (gint64 bot_id,
               gint64 event_id)
{
  g_autofree char *body = g_strdup_printf ("{\"event\":\"ONIMBOTV2MESSAGEADD\",\"eventId\":%" G_GINT64_FORMAT ","
                                           "\"data\":{\"message\":{\"text\":\"m%" G_GINT64_FORMAT "\"}}}",
                                           event_id, event_id);
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
  BotbenchEvent *event = botbench_event_new (g_get_real_time (), "portal", "POST", "/", "", NULL,
                                             "application/json", bytes);

  botbench_event_set_fetched (event, "https://p.example", bot_id, event_id);
  return event;
}

static void
test_store_redelivery (void)
{
  g_autofree char *dir = botbench_test_make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "events.db", NULL);
  g_autoptr(BotbenchEventStore) store = NULL;
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) again = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(GPtrArray) stored2 = NULL;
  g_autoptr(GPtrArray) other = NULL;
  g_autoptr(GError) error = NULL;
  gint64 offset = 0, last = 0;

  store = botbench_event_store_new (path, &error);
  g_assert_no_error (error);
  g_assert_true (botbench_event_store_get_fetch_offset (store, "https://p.example", 5, &offset, &last, &error));
  g_assert_cmpint (offset, ==, 0);

  g_ptr_array_add (batch, fetched_event (5, 10));
  g_ptr_array_add (batch, fetched_event (5, 11));
  stored = botbench_event_store_commit_fetched (store, "https://p.example", 5, batch, 12, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stored->len, ==, 2);
  g_assert_cmpint (botbench_event_get_id (g_ptr_array_index (stored, 0)), >, 0);

  /* Re-delivered (11 again) with a new one: only 12 is stored. */
  g_ptr_array_add (again, fetched_event (5, 11));
  g_ptr_array_add (again, fetched_event (5, 12));
  stored2 = botbench_event_store_commit_fetched (store, "https://p.example", 5, again, 13, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stored2->len, ==, 1);
  g_assert_cmpint (botbench_event_get_fetch_event_id (g_ptr_array_index (stored2, 0)), ==, 12);

  /* The same ids of another bot are other events. */
  g_clear_pointer (&batch, g_ptr_array_unref);
  batch = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (batch, fetched_event (6, 11));
  other = botbench_event_store_commit_fetched (store, "https://p.example", 6, batch, 12, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (other->len, ==, 1);

  /* An older offset committed late never moves it back. */
  g_clear_pointer (&stored, g_ptr_array_unref);
  stored = botbench_event_store_commit_fetched (store, "https://p.example", 5, NULL, 4, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stored->len, ==, 0);
  g_assert_true (botbench_event_store_get_fetch_offset (store, "https://p.example", 5, &offset, &last, &error));
  g_assert_cmpint (offset, ==, 13);
  g_assert_cmpint (last, ==, 12);
  g_assert_true (botbench_event_store_get_fetch_offset (store, "https://other.example", 5, &offset, NULL, &error));
  g_assert_cmpint (offset, ==, 0);

  /* The source filter: four fetched (two bots), one from the listener. */
  {
    g_autoptr(GBytes) body = g_bytes_new_static ("event=ONIMBOTJOINCHAT", 21);
    g_autoptr(BotbenchEvent) posted = botbench_event_new (g_get_real_time (), "127.0.0.1", "POST", "/", "",
                                                          NULL, "application/x-www-form-urlencoded", body);
    BotbenchEventQuery query = { .source = "fetched" };

    g_assert_cmpint (botbench_event_store_insert (store, posted, &error), ==, 5);
    g_assert_cmpint (botbench_event_store_count (store, &query, &error), ==, 4);
    query.source = "listener";
    g_assert_cmpint (botbench_event_store_count (store, &query, &error), ==, 1);
    query.event_name = "ONIMBOTV2MESSAGEADD";
    g_assert_cmpint (botbench_event_store_count (store, &query, &error), ==, 0);
    query.source = "fetched";
    g_assert_cmpint (botbench_event_store_count (store, &query, &error), ==, 4);
    g_assert_no_error (error);
  }

  g_assert_finalize_object (g_steal_pointer (&store));

  /* Read back after a reopen: source and fetch ids kept. */
  store = botbench_event_store_new (path, &error);
  g_assert_no_error (error);
  {
    g_autoptr(BotbenchEvent) got = botbench_event_store_get (store, 3, &error);

    g_assert_no_error (error);
    g_assert_cmpint (botbench_event_get_source (got), ==, BOTBENCH_EVENT_SOURCE_FETCHED);
    g_assert_cmpstr (botbench_event_get_fetch_portal (got), ==, "https://p.example");
    g_assert_cmpint (botbench_event_get_fetch_event_id (got), ==, 12);
    g_assert_cmpstr (botbench_event_get_message (got), ==, "m12");
  }
  g_assert_finalize_object (g_steal_pointer (&store));
  botbench_test_rm_rf (dir);
}

static void
test_store_migrate_v3 (void)
{
  g_autofree char *dir = botbench_test_make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "events.db", NULL);
  g_autoptr(BotbenchEventStore) store = NULL;
  g_autoptr(BotbenchEvent) listener = NULL;
  g_autoptr(BotbenchEvent) replay = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;

  /* A current store, its two events, then the file turned back into v3. */
  store = botbench_event_store_new (path, &error);
  g_assert_no_error (error);
  {
    g_autoptr(GBytes) body = g_bytes_new_static ("event=ONIMBOTMESSAGEADD", 23);
    g_autoptr(BotbenchEvent) a = botbench_event_new (1, "127.0.0.1", "POST", "/", "", NULL,
                                                     "application/x-www-form-urlencoded", body);
    g_autoptr(BotbenchEvent) b = botbench_event_new (2, "127.0.0.1", "POST", "/", "", NULL,
                                                     "application/x-www-form-urlencoded", body);

    g_assert_cmpint (botbench_event_store_insert (store, a, &error), ==, 1);
    botbench_event_set_replay_of (b, 1);
    g_assert_cmpint (botbench_event_store_insert (store, b, &error), ==, 2);
  }
  g_assert_finalize_object (g_steal_pointer (&store));

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "DROP INDEX events_fetched; DROP TABLE fetch_state; "
                                     "ALTER TABLE events DROP COLUMN source; "
                                     "ALTER TABLE events DROP COLUMN fetch_portal; "
                                     "ALTER TABLE events DROP COLUMN fetch_bot; "
                                     "ALTER TABLE events DROP COLUMN fetch_event_id; "
                                     "PRAGMA user_version = 3;", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  store = botbench_event_store_new (path, &error);
  g_assert_no_error (error);
  listener = botbench_event_store_get (store, 1, &error);
  g_assert_no_error (error);
  replay = botbench_event_store_get (store, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpint (botbench_event_get_source (listener), ==, BOTBENCH_EVENT_SOURCE_LISTENER);
  g_assert_cmpint (botbench_event_get_source (replay), ==, BOTBENCH_EVENT_SOURCE_REPLAY);
  {
    gint64 offset = -1;

    g_assert_true (botbench_event_store_get_fetch_offset (store, "p", 1, &offset, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpint (offset, ==, 0);
  }
  g_assert_finalize_object (g_steal_pointer (&store));

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  {
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT group_concat (source) FROM events ORDER BY id",
                                         -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpstr ((const char *)sqlite3_column_text (stmt, 0), ==, "listener,replay");
    sqlite3_finalize (stmt);
  }
  sqlite3_close (db);
  botbench_test_rm_rf (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/fetch-store/answer/hostile", test_parse_answer);
  g_test_add_func ("/fetch-store/redelivery", test_store_redelivery);
  g_test_add_func ("/fetch-store/migrate-v3", test_store_migrate_v3);

  return g_test_run ();
}
