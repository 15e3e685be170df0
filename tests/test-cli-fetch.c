/* test-cli-fetch.c: botbench-cli fetch against the in-process sandbox, including kill -9
 *
 * Runs under tests/with-keyring.sh (a private D-Bus session with its own
 * gnome-keyring, XDG directories in a temporary directory): the profile
 * and the bot are made with botbench-cli itself (register keeps the
 * botToken in the keyring), a sandbox user writes, `fetch` drains.  Then
 * `fetch --follow` is killed with SIGKILL right after it printed (so
 * stored) events and before the call that acknowledges them; a new run
 * stores every event exactly once.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <sqlite3.h>
#include <string.h>

#include "sandbox-v2-fixture.h"

#define CLI_WAIT_MS 120000


#define CLI(out, err, ...) \
  botbench_test_run_cli (NULL, NULL, CLI_WAIT_MS, out, err, (const char * const[]) { __VA_ARGS__, NULL })

static guint
count_lines (const char *text)
{
  guint n = 0;

  for (const char *p = text; (p = strchr (p, '\n')) != NULL; p++)
    n++;
  return n;
}

static gint64
queued (Fixture *f,
        gint64   bot_id)
{
  g_autofree char *path = g_strdup_printf ("v2/events?BOT_ID=%" G_GINT64_FORMAT, bot_id);
  g_autoptr(JsonObject) result = control_get (f, path);

  return json_array_get_length (json_object_get_array_member (result, "EVENTS"));
}

/* profiles add + register of a fetch-mode bot; its id. */
static gint64
cli_register (Fixture    *f,
              const char *code)
{
  g_autofree char *file = g_build_filename (f->tmp_dir, "bot.json", NULL);
  g_autofree char *json = g_strdup_printf ("{\"fields\": {\"code\": \"%s\", \"properties\": {\"name\": \"F\"}}}",
                                           code);
  g_autofree char *out = NULL;
  g_autoptr(JsonNode) node = NULL;

  g_assert_true (g_file_set_contents (file, json, -1, NULL));
  g_assert_cmpint (CLI (NULL, NULL, "profiles", "add", "sb", "--webhook", f->webhook), ==, 0);
  g_assert_cmpint (CLI (&out, NULL, "register", file), ==, 0);
  node = parse_json (out, -1);

  return json_object_get_int_member (json_object_get_object_member (json_node_get_object (node), "bot"), "id");
}

static void
write_to (Fixture    *f,
          gint64      bot_id,
          const char *text)
{
  g_autofree char *dialog = g_strdup_printf ("%" G_GINT64_FORMAT, bot_id);

  send_message (f, 1, dialog, text);
}

/* Every stored event of bot_id: fetched, each portal event id once. */
static guint
assert_stored_once (const char *db,
                    gint64      bot_id)
{
  g_autoptr(BotbenchEventStore) store = NULL;
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GError) error = NULL;
  BotbenchEventQuery query = { .limit = 1000 };

  store = botbench_event_store_new (db, &error);
  g_assert_no_error (error);
  page = botbench_event_store_query (store, &query, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < page->len; i++)
    {
      BotbenchEvent *event = g_ptr_array_index (page, i);
      gint64 *id = g_new (gint64, 1);

      *id = botbench_event_get_fetch_event_id (event);
      g_assert_cmpint (botbench_event_get_source (event), ==, BOTBENCH_EVENT_SOURCE_FETCHED);
      g_assert_cmpint (botbench_event_get_fetch_bot_id (event), ==, bot_id);
      g_assert_false (g_hash_table_contains (seen, id));
      g_hash_table_add (seen, id);
    }
  botbench_event_store_close (store);

  return page->len;
}

/* One integer from the event database, read behind the store's back. */
static gint64
db_int (const char *db,
        const char *sql)
{
  sqlite3 *conn = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_open_v2 (db, &conn, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (conn, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (conn);

  return value;
}

static void
test_drain (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *db = g_build_filename (f->tmp_dir, "events.db", NULL);
  g_autofree char *out = NULL, *err = NULL, *empty = NULL, *bad = NULL, *usage = NULL;
  g_autoptr(JsonNode) line = NULL;
  char id_text[32];
  gint64 bot_id;

  if (g_getenv ("BOTBENCH_PRIVATE_BUS") == NULL)
    {
      g_test_skip ("needs the private keyring of with-keyring.sh");
      return;
    }

  bot_id = cli_register (f, "drainer");
  g_snprintf (id_text, sizeof id_text, "%" G_GINT64_FORMAT, bot_id);
  write_to (f, bot_id, "first words");
  write_to (f, bot_id, "second words");
  g_assert_cmpint (queued (f, bot_id), ==, 2);

  /* No BOT_ID: every v2 fetch-mode bot of the profile; drained, acknowledged, exit 0. */
  g_assert_cmpint (CLI (&out, &err, "fetch", "--db", db), ==, 0);
  g_assert_cmpuint (count_lines (out), ==, 2);
  line = parse_json (out, strchr (out, '\n') - out);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (line), "source"), ==, "fetched");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (line), "event"), ==, "ONIMBOTV2MESSAGEADD");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (line), "bot_id"), ==, id_text);
  g_assert_true (json_object_has_member (json_node_get_object (line), "data"));
  g_assert_true (json_object_has_member (json_node_get_object (line), "forward"));
  g_assert_nonnull (strstr (out, "first words"));
  g_assert_nonnull (strstr (out, "second words"));
  g_assert_cmpint (queued (f, bot_id), ==, 0);
  g_assert_cmpuint (assert_stored_once (db, bot_id), ==, 2);

  /* Nothing queued: nothing printed, exit 0, nothing stored twice. */
  g_assert_cmpint (CLI (&empty, NULL, "fetch", "--profile", "sb", id_text, "--db", db), ==, 0);
  g_assert_cmpstr (empty, ==, "");
  g_assert_cmpuint (assert_stored_once (db, bot_id), ==, 2);

  /* A bot id the profile does not know: no botToken to call with. */
  g_assert_cmpint (CLI (NULL, &bad, "fetch", "987654", "--db", db), ==, 1);
  g_assert_nonnull (strstr (bad, "987654"));
  g_assert_cmpint (CLI (NULL, &usage, "fetch", "--interval", "1", "--db", db), ==, 2);
  g_assert_nonnull (strstr (usage, "--interval"));
}

typedef struct
{
  GDataInputStream *lines;
  GPtrArray        *got;
  gboolean          eof;
  gboolean          pending;
} LineReader;

static void
read_line_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  LineReader *r = user_data;
  char *line = g_data_input_stream_read_line_finish_utf8 (r->lines, result, NULL, NULL);

  r->pending = FALSE;
  if (line == NULL)
    {
      r->eof = TRUE;
      return;
    }
  g_ptr_array_add (r->got, line);
}

static gboolean
has_lines (gpointer data)
{
  LineReader *r = data;

  if (r->eof)
    return TRUE;
  if (r->got->len >= 3)
    return TRUE;
  if (!r->pending)
    {
      r->pending = TRUE;
      g_data_input_stream_read_line_async (r->lines, G_PRIORITY_DEFAULT, NULL, read_line_cb, r);
    }
  return FALSE;
}

static void
test_kill_between_commit_and_ack (Fixture       *f,
                                  gconstpointer  data)
{
  g_autofree char *db = g_build_filename (f->tmp_dir, "events.db", NULL);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) got = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDataInputStream) lines = NULL;
  g_autofree char *out = NULL;
  LineReader r = { NULL };
  gint64 bot_id;

  if (g_getenv ("BOTBENCH_PRIVATE_BUS") == NULL)
    {
      g_test_skip ("needs the private keyring of with-keyring.sh");
      return;
    }

  bot_id = cli_register (f, "killed");
  for (guint i = 0; i < 3; i++)
    write_to (f, bot_id, "before the kill");

  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                           g_getenv ("BOTBENCH_CLI"), "fetch", "--follow", "--db", db, NULL);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
  r.lines = lines;
  r.got = got;
  botbench_test_assert_wait_until_full (has_lines, &r, CLI_WAIT_MS, "fetch --follow printed 3 events");
  g_assert_cmpuint (got->len, ==, 3);

  /* Printed means committed; the acknowledging call waits 2 s: kill now. */
  g_subprocess_send_signal (proc, SIGKILL);
  g_subprocess_wait (proc, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (g_subprocess_get_if_exited (proc));
  /* still queued on the portal: never acknowledged */
  g_assert_cmpint (queued (f, bot_id), ==, 3);
  g_assert_cmpuint (assert_stored_once (db, bot_id), ==, 3);
  /* ... but the offset that acknowledges them was committed with them */
  g_assert_cmpint (db_int (db, "SELECT next_offset FROM fetch_state"), ==,
                   db_int (db, "SELECT max (fetch_event_id) + 1 FROM events"));

  /* Restarted: the stored offset acknowledges the three; only the new one is stored. */
  write_to (f, bot_id, "after the kill");
  g_assert_cmpint (CLI (&out, NULL, "fetch", "--db", db), ==, 0);
  g_assert_cmpuint (count_lines (out), ==, 1);
  g_assert_nonnull (strstr (out, "after the kill"));
  g_assert_cmpint (queued (f, bot_id), ==, 0);
  g_assert_cmpuint (assert_stored_once (db, bot_id), ==, 4);
}

static void
cli_fixture_setup (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *config = g_build_filename (g_get_user_config_dir (), "botbench", NULL);

  botbench_test_rm_rf (config);
  fixture_setup (f, data);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/cli-fetch/drain", Fixture, NULL, cli_fixture_setup, test_drain, fixture_teardown);
  g_test_add ("/cli-fetch/kill-between-commit-and-ack", Fixture, NULL,
              cli_fixture_setup, test_kill_between_commit_and_ack, fixture_teardown);

  return g_test_run ();
}
