/* test-sandbox-updates.c: the sandbox's long poll and its state file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * /_sandbox/updates held and answered (a change, the timeout, stop(), many
 * at once, paging), REV across a restart, and a state file of schema 1
 * (what main wrote before) opened and upgraded.
 */
#include "config.h"

#include <sqlite3.h>

#include "sandbox-chat-fixture.h"

typedef struct
{
  JsonObject *result;
  gint64      done_us;
} Poll;

static void
poll_done_cb (GObject      *source,
              GAsyncResult *res,
              gpointer      user_data)
{
  Poll *poll = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), res, &error);
  g_autoptr(JsonNode) root = NULL;

  g_assert_no_error (error);
  root = parse_json (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  poll->result = json_object_ref (json_object_get_object_member (json_node_get_object (root), "result"));
  poll->done_us = g_get_monotonic_time ();
}

static SoupSession *
poll_session (void)
{
  return soup_session_new_with_options ("timeout", 60, "max-conns", 200, "max-conns-per-host", 200, NULL);
}

static void
start_poll (Fixture     *f,
            SoupSession *session,
            const char  *query,
            Poll        *poll)
{
  g_autofree char *url = g_strconcat (f->url, "_sandbox/updates?", query, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);

  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, poll_done_cb, poll);
}

static void
poll_clear (Poll *poll)
{
  g_clear_pointer (&poll->result, json_object_unref);
}

typedef struct
{
  Fixture *f;
  guint    n;
} HeldWait;

/* The server thread's list of held requests, looked at from the test. */
static gboolean
held_at_least (gpointer data)
{
  HeldWait *wait = data;
  GPtrArray *waiters = g_atomic_pointer_get (&wait->f->sandbox->waiters);

  return waiters != NULL && g_atomic_int_get ((int *)&waiters->len) >= (int)wait->n;
}

static void
wait_held (Fixture *f,
           guint    n)
{
  HeldWait wait = { f, n };

  wait_polling (held_at_least, &wait, "requests to be held");
}

typedef struct
{
  Poll  *polls;
  guint  n;
} DoneWait;

static gboolean
all_done (gpointer data)
{
  DoneWait *wait = data;

  for (guint i = 0; i < wait->n; i++)
    if (wait->polls[i].result == NULL)
      return FALSE;
  return TRUE;
}

static void
wait_done (Poll  *polls,
           guint  n)
{
  DoneWait wait = { polls, n };

  botbench_test_assert_wait_until_full (all_done, &wait, WAIT_MS, "held requests to be answered");
}

/* ------------------------------------------------------------------------ */

static void
test_held_answers_on_change (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(SoupSession) session = poll_session ();
  g_autofree char *query = NULL;
  g_autoptr(JsonObject) sent = NULL;
  Poll poll = { 0 };
  JsonArray *messages;
  gint64 rev, sent_us;

  register_bot (f, "p", "poll", "B", "\"EVENT_HANDLER\":\"" DEAD_HANDLER "\",");
  rev = get_rev (f);
  query = g_strdup_printf ("AFTER_REV=%" G_GINT64_FORMAT "&TIMEOUT=20", rev);
  start_poll (f, session, query, &poll);
  wait_held (f, 1);
  g_assert_null (poll.result);

  sent_us = g_get_monotonic_time ();
  sent = control_ok (f, "message", "{\"DIALOG_ID\":\"100\",\"MESSAGE\":\"wake up\"}");
  wait_done (&poll, 1);

  /* Answered as soon as the change is made (~100 ms; slack for ASan). */
  g_assert_cmpint (poll.done_us - sent_us, <, 500 * 1000);
  g_assert_cmpint (json_object_get_int_member (poll.result, "REV"), >, rev);
  messages = json_object_get_array_member (poll.result, "MESSAGES");
  g_assert_cmpuint (json_array_get_length (messages), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (messages, 0), "MESSAGE"),
                   ==, "wake up");
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (poll.result, "DELIVERIES")), >=, 1);
  /* A new private dialog: the chat list changed too */
  g_assert_cmpstr (json_object_get_string_member (poll.result, "CHATS_CHANGED"), ==, "Y");
  poll_clear (&poll);

  /* Only a message in a known dialog: no chat change */
  g_free (query);
  query = g_strdup_printf ("AFTER_REV=%" G_GINT64_FORMAT "&TIMEOUT=0", get_rev (f));
  json_object_unref (control_ok (f, "message", "{\"DIALOG_ID\":\"100\",\"MESSAGE\":\"again\"}"));
  start_poll (f, session, query, &poll);
  wait_done (&poll, 1);
  g_assert_cmpstr (json_object_get_string_member (poll.result, "CHATS_CHANGED"), ==, "N");
  poll_clear (&poll);
}

static void
test_timeout_answers_empty (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(SoupSession) session = poll_session ();
  g_autofree char *query = NULL;
  Poll poll = { 0 };
  gint64 rev = get_rev (f);
  gint64 start_us;

  query = g_strdup_printf ("AFTER_REV=%" G_GINT64_FORMAT "&TIMEOUT=1", rev);
  start_us = g_get_monotonic_time ();
  start_poll (f, session, query, &poll);
  wait_done (&poll, 1);

  g_assert_cmpint (poll.done_us - start_us, >=, 900 * 1000);
  g_assert_cmpint (json_object_get_int_member (poll.result, "REV"), ==, rev);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (poll.result, "MESSAGES")), ==, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (poll.result, "DELIVERIES")), ==, 0);
  g_assert_cmpstr (json_object_get_string_member (poll.result, "CHATS_CHANGED"), ==, "N");
  poll_clear (&poll);

  /* TIMEOUT=0, or not a number: at once */
  g_free (query);
  query = g_strdup_printf ("AFTER_REV=%" G_GINT64_FORMAT "&TIMEOUT=abc", rev);
  start_us = g_get_monotonic_time ();
  start_poll (f, session, query, &poll);
  wait_done (&poll, 1);
  g_assert_cmpint (poll.done_us - start_us, <, 900 * 1000);
  poll_clear (&poll);

  /* A client ahead of the state (it was reset): at once, reload everything */
  start_poll (f, session, "AFTER_REV=999999&TIMEOUT=20", &poll);
  wait_done (&poll, 1);
  g_assert_cmpint (json_object_get_int_member (poll.result, "REV"), ==, rev);
  g_assert_cmpstr (json_object_get_string_member (poll.result, "CHATS_CHANGED"), ==, "Y");
  poll_clear (&poll);

  /* Negative AFTER_REV counts as 0 */
  start_poll (f, session, "AFTER_REV=-7&TIMEOUT=0", &poll);
  wait_done (&poll, 1);
  g_assert_cmpint (json_object_get_int_member (poll.result, "REV"), ==, rev);
  poll_clear (&poll);
}

static void
test_stop_answers_held (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(SoupSession) session = poll_session ();
  g_autofree char *query = g_strdup_printf ("AFTER_REV=%" G_GINT64_FORMAT "&TIMEOUT=25", get_rev (f));
  Poll polls[3] = { { 0 } };

  for (guint i = 0; i < G_N_ELEMENTS (polls); i++)
    start_poll (f, session, query, &polls[i]);
  wait_held (f, G_N_ELEMENTS (polls));

  botbench_sandbox_stop (f->sandbox);
  wait_done (polls, G_N_ELEMENTS (polls));
  for (guint i = 0; i < G_N_ELEMENTS (polls); i++)
    {
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (polls[i].result, "MESSAGES")), ==, 0);
      poll_clear (&polls[i]);
    }
}

static void
test_fifty_held (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(SoupSession) session = poll_session ();
  g_autofree char *query = g_strdup_printf ("AFTER_REV=%" G_GINT64_FORMAT "&TIMEOUT=25", get_rev (f));
  Poll polls[50] = { { 0 } };

  for (guint i = 0; i < G_N_ELEMENTS (polls); i++)
    start_poll (f, session, query, &polls[i]);
  wait_held (f, G_N_ELEMENTS (polls));

  /* The control API still answers while they wait. */
  g_assert_cmpint (get_rev (f), ==, 0);
  json_object_unref (control_ok (f, "chat", "{\"TITLE\":\"Wake\"}"));
  wait_done (polls, G_N_ELEMENTS (polls));
  for (guint i = 0; i < G_N_ELEMENTS (polls); i++)
    {
      g_assert_cmpstr (json_object_get_string_member (polls[i].result, "CHATS_CHANGED"), ==, "Y");
      poll_clear (&polls[i]);
    }
}

static gboolean
two_done (gpointer data)
{
  Poll *polls = data;
  guint n = 0;

  for (guint i = 0; i < 6; i++)
    n += polls[i].result != NULL;
  return n >= 2;
}

/* The gate's idle timeout does not cut a held request; held requests leave
 * room for others (half the connections at most: the oldest is answered). */
static void
test_gate_spares_held (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(SoupSession) session = poll_session ();
  g_autofree char *query = NULL;
  Poll polls[6] = { { 0 } };
  gint64 start_us;
  guint n_early = 0;

  botbench_sandbox_set_idle_timeout (f->sandbox, 1);
  botbench_sandbox_set_max_connections (f->sandbox, 8);
  fixture_start (f);

  query = g_strdup_printf ("AFTER_REV=%" G_GINT64_FORMAT "&TIMEOUT=3", get_rev (f));
  start_us = g_get_monotonic_time ();
  for (guint i = 0; i < G_N_ELEMENTS (polls); i++)
    start_poll (f, session, query, &polls[i]);
  wait_held (f, 4);
  wait_polling (two_done, polls, "two held requests to give way");

  /* Room for a control call while four are held */
  json_object_unref (control_ok (f, "chat", "{}"));
  wait_done (polls, G_N_ELEMENTS (polls));
  for (guint i = 0; i < G_N_ELEMENTS (polls); i++)
    {
      n_early += json_array_get_length (json_object_get_array_member (polls[i].result, "MESSAGES")) == 0 &&
                 g_str_equal (json_object_get_string_member (polls[i].result, "CHATS_CHANGED"), "N");
      poll_clear (&polls[i]);
    }
  /* Two answered early with nothing; four woken by the new chat */
  g_assert_cmpuint (n_early, ==, 2);

  /* Held past the idle timeout (1 s), answered at its TIMEOUT (2 s) */
  g_free (query);
  query = g_strdup_printf ("AFTER_REV=%" G_GINT64_FORMAT "&TIMEOUT=2", get_rev (f));
  start_us = g_get_monotonic_time ();
  start_poll (f, session, query, &polls[0]);
  wait_done (polls, 1);
  g_assert_cmpint (polls[0].done_us - start_us, >=, 1900 * 1000);
  g_assert_cmpint (json_object_get_int_member (polls[0].result, "REV"), ==, get_rev (f));
  poll_clear (&polls[0]);
}

/* A client that half-closes while held is answered at once (what the
 * fuzz target does); one that hangs up frees its place. */
static void
test_hangup_answers (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *head = NULL;
  g_autoptr(GString) reply = g_string_new (NULL);
  GSocket *socket;
  gint64 start_us;
  char buffer[4096];
  gssize n;

  connection = g_socket_client_connect_to_host (client, "127.0.0.1",
                                                botbench_sandbox_get_bound_port (f->sandbox), NULL, &error);
  g_assert_no_error (error);
  socket = g_socket_connection_get_socket (connection);
  g_socket_set_timeout (socket, 10);
  head = g_strdup_printf ("GET /_sandbox/updates?AFTER_REV=%" G_GINT64_FORMAT "&TIMEOUT=25 HTTP/1.1\r\n"
                          "Host: 127.0.0.1\r\n\r\n", get_rev (f));
  g_assert_cmpint (g_socket_send (socket, head, strlen (head), NULL, &error), ==, (gssize)strlen (head));
  wait_held (f, 1);

  start_us = g_get_monotonic_time ();
  g_assert_true (g_socket_shutdown (socket, FALSE, TRUE, &error));
  while ((n = g_socket_receive (socket, buffer, sizeof buffer, NULL, &error)) > 0)
    g_string_append_len (reply, buffer, n);
  g_assert_no_error (error);
  g_assert_cmpint (g_get_monotonic_time () - start_us, <, 5 * G_USEC_PER_SEC);
  g_assert_true (g_str_has_prefix (reply->str, "HTTP/1.1 200"));
  g_assert_nonnull (strstr (reply->str, "\"CHATS_CHANGED\":\"N\""));
}

/* More than 500 changes come in steps, oldest first. */
static void
test_paging (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(JsonObject) second = NULL;
  g_autofree char *query = NULL;
  JsonArray *messages;
  gint64 rev;

  for (guint i = 0; i < 510; i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"DIALOG_ID\":\"chat77\",\"MESSAGE\":\"m%u\"}", i);

      json_object_unref (control_ok (f, "message", json));
    }
  rev = get_rev (f);

  first = control_get (f, "updates?AFTER_REV=0&TIMEOUT=0");
  messages = json_object_get_array_member (first, "MESSAGES");
  g_assert_cmpuint (json_array_get_length (messages), ==, 500);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (messages, 0), "MESSAGE"), ==, "m0");
  g_assert_cmpint (json_object_get_int_member (first, "REV"), ==,
                   json_object_get_int_member (json_array_get_object_element (messages, 499), "REV"));
  g_assert_cmpint (json_object_get_int_member (first, "REV"), <, rev);

  query = g_strdup_printf ("updates?AFTER_REV=%" G_GINT64_FORMAT "&TIMEOUT=0", json_object_get_int_member (first, "REV"));
  second = control_get (f, query);
  messages = json_object_get_array_member (second, "MESSAGES");
  g_assert_cmpuint (json_array_get_length (messages), ==, 10);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (messages, 9), "MESSAGE"), ==, "m509");
  g_assert_cmpint (json_object_get_int_member (second, "REV"), ==, rev);

  /* /_sandbox/messages AFTER_REV: the same cut */
  {
    g_autofree char *after = g_strdup_printf ("messages?DIALOG_ID=chat77&AFTER_REV=%" G_GINT64_FORMAT,
                                              json_object_get_int_member (first, "REV"));
    g_autoptr(JsonObject) tail = control_get (f, after);

    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (tail, "MESSAGES")), ==, 10);
    g_assert_cmpint (json_object_get_int_member (tail, "REV"), ==, rev);
  }
}

static void
test_rev_survives_restart (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(JsonObject) updates = NULL;
  gint64 rev;

  register_bot (f, "s", "keep", "S", "\"EVENT_HANDLER\":\"" DEAD_HANDLER "\",");
  json_object_unref (control_ok (f, "message", "{\"DIALOG_ID\":\"100\",\"MESSAGE\":\"remember\"}"));
  rev = get_rev (f);
  g_assert_cmpint (rev, >, 0);

  botbench_sandbox_stop (f->sandbox);
  fixture_start (f);
  g_assert_cmpint (get_rev (f), >=, rev);   /* the delivery may have finished since */

  updates = control_get (f, "updates?AFTER_REV=0&TIMEOUT=0");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (updates, "MESSAGES"), 0),
                                                  "MESSAGE"), ==, "remember");
  json_object_unref (control_ok (f, "message", "{\"DIALOG_ID\":\"100\",\"MESSAGE\":\"later\"}"));
  g_assert_cmpint (get_rev (f), >, rev);
}

/* The schema of main before this change, with a bot and a message in it. */
static const char v1_sql[] =
  "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
  "CREATE TABLE bots (id INTEGER PRIMARY KEY, code TEXT NOT NULL, owner TEXT NOT NULL,"
  "  webhook INTEGER NOT NULL, app_token TEXT NOT NULL, client_id TEXT NOT NULL,"
  "  type TEXT NOT NULL, openline TEXT NOT NULL, name TEXT, last_name TEXT,"
  "  color TEXT, email TEXT, birthday TEXT, work_position TEXT, www TEXT,"
  "  gender TEXT, has_avatar INTEGER NOT NULL DEFAULT 0, created INTEGER NOT NULL);"
  "CREATE TABLE handlers (id INTEGER PRIMARY KEY AUTOINCREMENT, owner TEXT NOT NULL, event TEXT NOT NULL,"
  "  url TEXT NOT NULL, UNIQUE (owner, event));"
  "CREATE TABLE commands (id INTEGER PRIMARY KEY AUTOINCREMENT, bot_id INTEGER NOT NULL, owner TEXT NOT NULL,"
  "  command TEXT NOT NULL, common TEXT NOT NULL, hidden TEXT NOT NULL,"
  "  extranet TEXT NOT NULL, lang TEXT NOT NULL);"
  "CREATE TABLE chats (id INTEGER PRIMARY KEY AUTOINCREMENT, type TEXT NOT NULL, title TEXT,"
  "  author_id INTEGER NOT NULL DEFAULT 0, user_a INTEGER, user_b INTEGER);"
  "CREATE TABLE chat_members (chat_id INTEGER NOT NULL, user_id INTEGER NOT NULL, PRIMARY KEY (chat_id, user_id));"
  "CREATE TABLE messages (id INTEGER PRIMARY KEY AUTOINCREMENT, chat_id INTEGER NOT NULL,"
  "  author_id INTEGER NOT NULL, text TEXT NOT NULL, system TEXT NOT NULL,"
  "  created INTEGER NOT NULL, params TEXT);"
  "CREATE TABLE tokens (access_token TEXT PRIMARY KEY, refresh_token TEXT UNIQUE, user_id INTEGER NOT NULL,"
  "  scope TEXT NOT NULL, expires INTEGER NOT NULL, refresh_expires INTEGER NOT NULL,"
  "  refresh_used INTEGER NOT NULL DEFAULT 0);"
  "CREATE TABLE codes (code TEXT PRIMARY KEY, user_id INTEGER NOT NULL, expires INTEGER NOT NULL);"
  "INSERT INTO meta VALUES ('next_user_id', '101');"
  "INSERT INTO bots (id, code, owner, webhook, app_token, client_id, type, openline, name, last_name,"
  "  work_position, gender, created) VALUES (100, 'old', 'customold', 1, 'tok', 'old', 'B', 'N', 'Old', '',"
  "  'Chat bot', '', 1700000000);"
  "INSERT INTO handlers (owner, event, url) VALUES ('customold', 'ONIMBOTMESSAGEADD', 'http://127.0.0.1:9/bot');"
  "INSERT INTO chats (id, type, title, author_id, user_a, user_b) VALUES (1, 'P', '', 1, 1, 100);"
  "INSERT INTO chat_members VALUES (1, 1), (1, 100);"
  "INSERT INTO messages (chat_id, author_id, text, system, created) VALUES (1, 1, 'from v1', 'N', 1700000000);"
  "PRAGMA user_version = 1;";

static void
test_state_v1_upgrade (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *dir = g_path_get_dirname (f->state_path);
  g_autoptr(JsonObject) chats = NULL;
  g_autoptr(JsonObject) messages = NULL;
  g_autoptr(JsonObject) users = NULL;
  JsonObject *message;
  sqlite3 *db = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_cmpint (sqlite3_open (f->state_path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, v1_sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  fixture_start (f);
  chats = control_get (f, "chats?USER_ID=1");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (chats, "BOTS"), 0),
                                                  "CODE"), ==, "old");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (chats, "CHATS")), ==, 1);

  messages = control_get (f, "messages?DIALOG_ID=100&USER_ID=1");
  message = json_array_get_object_element (json_object_get_array_member (messages, "MESSAGES"), 0);
  g_assert_cmpstr (json_object_get_string_member (message, "MESSAGE"), ==, "from v1");
  g_assert_cmpstr (json_object_get_string_member (message, "EDITED"), ==, "N");
  g_assert_cmpint (json_object_get_int_member (message, "REV"), ==, 0);
  g_assert_true (json_object_get_null_member (message, "SOURCE"));

  users = control_get (f, "users");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (users, "USERS")), ==, 4);
  g_assert_cmpint (get_rev (f), ==, 0);

  /* It works on: the old bot gets a new message */
  json_object_unref (control_ok (f, "message", "{\"DIALOG_ID\":\"100\",\"MESSAGE\":\"after\"}"));
  g_assert_cmpint (get_rev (f), >, 0);

  botbench_sandbox_stop (f->sandbox);
  g_assert_cmpint (sqlite3_open (f->state_path, &db), ==, SQLITE_OK);
  {
    sqlite3_stmt *stmt = NULL;

    sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, BOTBENCH_SANDBOX_STATE_SCHEMA_VERSION);
    sqlite3_finalize (stmt);
  }
  sqlite3_close (db);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/sandbox-updates/held-answers-on-change", Fixture, NULL, fixture_setup,
              test_held_answers_on_change, fixture_teardown);
  g_test_add ("/sandbox-updates/timeout-answers-empty", Fixture, NULL, fixture_setup,
              test_timeout_answers_empty, fixture_teardown);
  g_test_add ("/sandbox-updates/stop-answers-held", Fixture, NULL, fixture_setup,
              test_stop_answers_held, fixture_teardown);
  g_test_add ("/sandbox-updates/fifty-held", Fixture, NULL, fixture_setup, test_fifty_held, fixture_teardown);
  g_test_add ("/sandbox-updates/gate-spares-held", Fixture, GINT_TO_POINTER ('n'), fixture_setup,
              test_gate_spares_held, fixture_teardown);
  g_test_add ("/sandbox-updates/hangup-answers", Fixture, NULL, fixture_setup, test_hangup_answers,
              fixture_teardown);
  g_test_add ("/sandbox-updates/paging", Fixture, NULL, fixture_setup, test_paging, fixture_teardown);
  g_test_add ("/sandbox-updates/rev-survives-restart", Fixture, NULL, fixture_setup,
              test_rev_survives_restart, fixture_teardown);
  g_test_add ("/sandbox-updates/state-v1-upgrade", Fixture, GINT_TO_POINTER ('n'), fixture_setup,
              test_state_v1_upgrade, fixture_teardown);

  return g_test_run ();
}
