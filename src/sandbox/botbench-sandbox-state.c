/* botbench-sandbox-state.c: the sandbox portal's SQLite state
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "botbench-sandbox-state"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/random.h>

#include "botbench-sandbox.h"
#include "botbench-sandbox-state.h"

struct _BotbenchSandboxState
{
  sqlite3 *db;
  char    *path;
};

static const char schema_sql[] =
  "CREATE TABLE IF NOT EXISTS meta ("
  "  key TEXT PRIMARY KEY, value TEXT NOT NULL);"
  /* owner: the OAuth client id, or "custom" + CLIENT_ID in webhook mode */
  "CREATE TABLE IF NOT EXISTS bots ("
  "  id INTEGER PRIMARY KEY, code TEXT NOT NULL, owner TEXT NOT NULL,"
  "  webhook INTEGER NOT NULL, app_token TEXT NOT NULL, client_id TEXT NOT NULL,"
  "  type TEXT NOT NULL, openline TEXT NOT NULL, name TEXT, last_name TEXT,"
  "  color TEXT, email TEXT, birthday TEXT, work_position TEXT, www TEXT,"
  "  gender TEXT, has_avatar INTEGER NOT NULL DEFAULT 0, created INTEGER NOT NULL);"
  "CREATE TABLE IF NOT EXISTS handlers ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT, owner TEXT NOT NULL, event TEXT NOT NULL,"
  "  url TEXT NOT NULL, UNIQUE (owner, event));"
  "CREATE TABLE IF NOT EXISTS commands ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT, bot_id INTEGER NOT NULL, owner TEXT NOT NULL,"
  "  command TEXT NOT NULL, common TEXT NOT NULL, hidden TEXT NOT NULL,"
  "  extranet TEXT NOT NULL, lang TEXT NOT NULL);"
  "CREATE TABLE IF NOT EXISTS chats ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT, type TEXT NOT NULL, title TEXT,"
  "  author_id INTEGER NOT NULL DEFAULT 0, user_a INTEGER, user_b INTEGER);"
  "CREATE TABLE IF NOT EXISTS chat_members ("
  "  chat_id INTEGER NOT NULL, user_id INTEGER NOT NULL, PRIMARY KEY (chat_id, user_id));"
  "CREATE TABLE IF NOT EXISTS messages ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT, chat_id INTEGER NOT NULL,"
  "  author_id INTEGER NOT NULL, text TEXT NOT NULL, system TEXT NOT NULL,"
  "  created INTEGER NOT NULL, params TEXT);"
  "CREATE TABLE IF NOT EXISTS tokens ("
  "  access_token TEXT PRIMARY KEY, refresh_token TEXT UNIQUE, user_id INTEGER NOT NULL,"
  "  scope TEXT NOT NULL, expires INTEGER NOT NULL, refresh_expires INTEGER NOT NULL,"
  "  refresh_used INTEGER NOT NULL DEFAULT 0);"
  "CREATE TABLE IF NOT EXISTS codes ("
  "  code TEXT PRIMARY KEY, user_id INTEGER NOT NULL, expires INTEGER NOT NULL);";

/* Version 2: what the chat view needs (REV counter, message history with
 * rich params and their source, delivery records, named users). */
static const char migrate_v2_sql[] =
  "ALTER TABLE messages ADD COLUMN rev INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE messages ADD COLUMN edited TEXT NOT NULL DEFAULT 'N';"
  "ALTER TABLE messages ADD COLUMN deleted TEXT NOT NULL DEFAULT 'N';"
  "ALTER TABLE messages ADD COLUMN attach TEXT;"
  "ALTER TABLE messages ADD COLUMN keyboard TEXT;"
  "ALTER TABLE messages ADD COLUMN menu TEXT;"
  "ALTER TABLE messages ADD COLUMN source TEXT;"
  "ALTER TABLE messages ADD COLUMN command_id INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE messages ADD COLUMN reply_to INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE chats ADD COLUMN rev INTEGER NOT NULL DEFAULT 0;"
  "CREATE TABLE IF NOT EXISTS users ("
  "  id INTEGER PRIMARY KEY, first_name TEXT NOT NULL, last_name TEXT NOT NULL,"
  "  work_position TEXT NOT NULL, gender TEXT NOT NULL);"
  "INSERT OR IGNORE INTO users VALUES"
  "  (1, 'Svetlana', 'Ivanova', 'Sales manager', 'F'),"
  "  (2, 'Dmitry', 'Sokolov', 'Developer', 'M'),"
  "  (3, 'Anna', 'Kuznetsova', 'Support', 'F'),"
  "  (4, 'Pavel', 'Orlov', 'Accountant', 'M');"
  "CREATE TABLE IF NOT EXISTS deliveries ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT, message_id INTEGER NOT NULL, chat_id INTEGER NOT NULL,"
  "  bot_id INTEGER NOT NULL, bot_ids TEXT NOT NULL, event TEXT NOT NULL, url TEXT NOT NULL,"
  "  state TEXT NOT NULL, status INTEGER NOT NULL DEFAULT 0, duration_ms INTEGER NOT NULL DEFAULT 0,"
  "  error TEXT NOT NULL DEFAULT '', reason TEXT NOT NULL DEFAULT '', reason_text TEXT NOT NULL DEFAULT '',"
  "  created INTEGER NOT NULL, rev INTEGER NOT NULL);"
  "CREATE INDEX IF NOT EXISTS messages_rev ON messages (rev);"
  "CREATE INDEX IF NOT EXISTS messages_chat ON messages (chat_id);"
  "CREATE INDEX IF NOT EXISTS deliveries_rev ON deliveries (rev);"
  "CREATE INDEX IF NOT EXISTS deliveries_message ON deliveries (message_id);"
  "INSERT OR IGNORE INTO meta (key, value) VALUES ('rev', '0');"
  "PRAGMA user_version = 2;";

/* Version 3: imbot.v2.  A bot row says which API registered it (api 1 or
 * 2); v2 bots keep their event mode, webhook URL, flags and REST type name
 * (type keeps the v1 letter the routing uses).  v2_events is the portal's
 * one event-log table: its AUTOINCREMENT id is the Event.get event id,
 * shared by all bots and never reused. */
static const char migrate_v3_sql[] =
  "ALTER TABLE bots ADD COLUMN api INTEGER NOT NULL DEFAULT 1;"
  "ALTER TABLE bots ADD COLUMN v2_type TEXT NOT NULL DEFAULT '';"
  "ALTER TABLE bots ADD COLUMN event_mode TEXT NOT NULL DEFAULT '';"
  "ALTER TABLE bots ADD COLUMN webhook_url TEXT NOT NULL DEFAULT '';"
  "ALTER TABLE bots ADD COLUMN is_hidden INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE bots ADD COLUMN is_reactions INTEGER NOT NULL DEFAULT 1;"
  "ALTER TABLE bots ADD COLUMN is_openline INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE bots ADD COLUMN background_id TEXT;"
  "ALTER TABLE commands ADD COLUMN title TEXT;"
  "ALTER TABLE commands ADD COLUMN params TEXT;"
  "CREATE TABLE IF NOT EXISTS v2_events ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT, bot_id INTEGER NOT NULL, type TEXT NOT NULL,"
  "  json TEXT NOT NULL, created INTEGER NOT NULL);"
  "CREATE INDEX IF NOT EXISTS v2_events_bot ON v2_events (bot_id, id);"
  "CREATE INDEX IF NOT EXISTS v2_events_created ON v2_events (created);"
  "PRAGMA user_version = 3;";

/* Version 4: local applications installed through POST /_sandbox/install
 * (their handler, secret, scope and current application_token; installed
 * 0 after /_sandbox/uninstall), and which application a token belongs to
 * ('' for the sandbox's own application). */
static const char migrate_v4_sql[] =
  "CREATE TABLE IF NOT EXISTS apps ("
  "  client_id TEXT PRIMARY KEY, client_secret TEXT NOT NULL, handler TEXT NOT NULL,"
  "  scope TEXT NOT NULL, app_token TEXT NOT NULL, user_id INTEGER NOT NULL,"
  "  installed INTEGER NOT NULL, updated INTEGER NOT NULL);"
  "ALTER TABLE tokens ADD COLUMN client_id TEXT NOT NULL DEFAULT '';"
  "CREATE INDEX IF NOT EXISTS tokens_client ON tokens (client_id);"
  "PRAGMA user_version = 4;";

/* 2024-01-01T00:00:00Z, the epoch of a fresh portal's event id base. */
#define EVENT_ID_EPOCH G_GINT64_CONSTANT (1704067200)

static gboolean
migrate (sqlite3     *db,
         const char  *sql,
         char       **errmsg)
{
  if (sqlite3_exec (db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
    return FALSE;
  if (sqlite3_exec (db, sql, NULL, NULL, errmsg) != SQLITE_OK ||
      sqlite3_exec (db, "COMMIT", NULL, NULL, errmsg) != SQLITE_OK)
    {
      sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }

  return TRUE;
}

static gboolean
bind_va (sqlite3_stmt *stmt,
         const char   *format,
         va_list       args)
{
  int i = 1;

  for (const char *f = format ? format : ""; *f != '\0'; f++, i++)
    {
      int rc;

      if (*f == 'i')
        rc = sqlite3_bind_int64 (stmt, i, va_arg (args, gint64));
      else if (*f == 's')
        {
          const char *s = va_arg (args, const char *);

          rc = s ? sqlite3_bind_text (stmt, i, s, -1, SQLITE_TRANSIENT) : sqlite3_bind_null (stmt, i);
        }
      else
        g_return_val_if_reached (FALSE);

      if (rc != SQLITE_OK)
        return FALSE;
    }

  return TRUE;
}

static sqlite3_stmt *
query_va (BotbenchSandboxState *state,
          const char           *sql,
          const char           *format,
          va_list               args)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (state->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      g_warning ("Cannot prepare “%s”: %s", sql, sqlite3_errmsg (state->db));
      return NULL;
    }

  if (!bind_va (stmt, format, args))
    {
      g_warning ("Cannot bind “%s”: %s", sql, sqlite3_errmsg (state->db));
      sqlite3_finalize (stmt);
      return NULL;
    }

  return stmt;
}

/* A real portal never hands out an event id twice, but a fresh sandbox
 * (--memory, or a deleted state file) on the same URL would start again at
 * 1, and a fetcher that keys its offset and events by (portal, bot, event
 * id) would take events 1..N as seen.  So a fresh state's v2_events counter
 * starts at the microseconds since 2024 of the real clock (not the portal's
 * test clock): a later fresh sandbox starts above every id an earlier one
 * gave out unless that one made more than an event per microsecond.  The
 * counter then lives in the state (sqlite_sequence, as AUTOINCREMENT keeps
 * it); a state that has handed out ids keeps its counter. */
static void
seed_event_ids (BotbenchSandboxState *state)
{
  gint64 base = MAX (g_get_real_time () - EVENT_ID_EPOCH * G_USEC_PER_SEC, 0);

  botbench_sandbox_state_exec (state,
                               "INSERT INTO sqlite_sequence (name, seq) SELECT 'v2_events', ?"
                               " WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'v2_events')",
                               "i", base);
}

char *
botbench_sandbox_random_hex (guint n_bytes)
{
  g_autofree guchar *bytes = g_malloc (n_bytes);
  GString *out = g_string_sized_new (n_bytes * 2);
  gsize done = 0;

  while (done < n_bytes)
    {
      gssize n = getrandom (bytes + done, n_bytes - done, 0);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          /* No kernel randomness (very old kernel): not a secret then, but unique. */
          for (; done < n_bytes; done++)
            bytes[done] = g_random_int_range (0, 256);
          break;
        }
      done += n;
    }

  for (guint i = 0; i < n_bytes; i++)
    g_string_append_printf (out, "%02x", bytes[i]);

  return g_string_free (out, FALSE);
}

BotbenchSandboxState *
botbench_sandbox_state_open (const char  *path,
                             GError     **error)
{
  g_autofree BotbenchSandboxState *state = g_new0 (BotbenchSandboxState, 1);
  char *errmsg = NULL;
  gint64 version;

  if (path != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (path);

      if (g_mkdir_with_parents (dir, 0700) != 0)
        {
          int saved_errno = errno;

          g_set_error (error, BOTBENCH_SANDBOX_ERROR, BOTBENCH_SANDBOX_ERROR_STATE,
                       _("Cannot create the sandbox directory %s: %s"), dir, g_strerror (saved_errno));
          return NULL;
        }
    }

  if (sqlite3_open_v2 (path ? path : ":memory:", &state->db,
                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                       NULL) != SQLITE_OK)
    {
      g_set_error (error, BOTBENCH_SANDBOX_ERROR, BOTBENCH_SANDBOX_ERROR_STATE,
                   _("Cannot open the sandbox state %s: %s"), path ? path : ":memory:",
                   state->db ? sqlite3_errmsg (state->db) : g_strerror (ENOMEM));
      g_clear_pointer (&state->db, sqlite3_close);
      return NULL;
    }

  sqlite3_busy_timeout (state->db, 5000);
  state->path = g_strdup (path);

  if (sqlite3_exec (state->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                    NULL, NULL, NULL) != SQLITE_OK ||
      sqlite3_exec (state->db, schema_sql, NULL, NULL, &errmsg) != SQLITE_OK)
    {
      g_set_error (error, BOTBENCH_SANDBOX_ERROR, BOTBENCH_SANDBOX_ERROR_STATE,
                   _("The sandbox state %s is not usable: %s"), path ? path : ":memory:",
                   errmsg ? errmsg : sqlite3_errmsg (state->db));
      sqlite3_free (errmsg);
      botbench_sandbox_state_close (g_steal_pointer (&state));
      return NULL;
    }

  version = botbench_sandbox_state_query_int (state, 0, "PRAGMA user_version", NULL);
  if (version > BOTBENCH_SANDBOX_STATE_SCHEMA_VERSION)
    {
      g_set_error (error, BOTBENCH_SANDBOX_ERROR, BOTBENCH_SANDBOX_ERROR_STATE,
                   _("The sandbox state %s was written by a newer Botbench"), path);
      botbench_sandbox_state_close (g_steal_pointer (&state));
      return NULL;
    }
  if ((version < 2 && !migrate (state->db, migrate_v2_sql, &errmsg)) ||
      (version < 3 && !migrate (state->db, migrate_v3_sql, &errmsg)) ||
      (version < 4 && !migrate (state->db, migrate_v4_sql, &errmsg)))
    {
      g_set_error (error, BOTBENCH_SANDBOX_ERROR, BOTBENCH_SANDBOX_ERROR_STATE,
                   _("The sandbox state %s cannot be upgraded: %s"), path ? path : ":memory:",
                   errmsg ? errmsg : sqlite3_errmsg (state->db));
      sqlite3_free (errmsg);
      botbench_sandbox_state_close (g_steal_pointer (&state));
      return NULL;
    }

  seed_event_ids (state);

  return g_steal_pointer (&state);
}

void
botbench_sandbox_state_close (BotbenchSandboxState *state)
{
  if (state == NULL)
    return;

  g_clear_pointer (&state->db, sqlite3_close);
  g_free (state->path);
  g_free (state);
}

const char *
botbench_sandbox_state_get_path (BotbenchSandboxState *state)
{
  return state->path;
}

char *
botbench_sandbox_state_dup_meta (BotbenchSandboxState *state,
                                 const char           *key)
{
  return botbench_sandbox_state_query_text (state, "SELECT value FROM meta WHERE key = ?", "s", key);
}

void
botbench_sandbox_state_set_meta (BotbenchSandboxState *state,
                                 const char           *key,
                                 const char           *value)
{
  botbench_sandbox_state_exec (state, "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                               "ss", key, value);
}

char *
botbench_sandbox_state_ensure_meta (BotbenchSandboxState *state,
                                    const char           *key,
                                    const char           *value)
{
  botbench_sandbox_state_exec (state, "INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)",
                               "ss", key, value);
  return botbench_sandbox_state_dup_meta (state, key);
}

gint64
botbench_sandbox_state_next_id (BotbenchSandboxState *state,
                                const char           *key,
                                gint64                first)
{
  g_autofree char *value = botbench_sandbox_state_dup_meta (state, key);
  g_autofree char *next = NULL;
  gint64 id = value ? g_ascii_strtoll (value, NULL, 10) : first;

  next = g_strdup_printf ("%" G_GINT64_FORMAT, id + 1);
  botbench_sandbox_state_set_meta (state, key, next);

  return id;
}

gboolean
botbench_sandbox_state_exec (BotbenchSandboxState *state,
                             const char           *sql,
                             const char           *format,
                             ...)
{
  sqlite3_stmt *stmt;
  va_list args;
  int rc;

  va_start (args, format);
  stmt = query_va (state, sql, format, args);
  va_end (args);

  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    ;
  if (rc != SQLITE_DONE)
    g_debug ("“%s” failed: %s", sql, sqlite3_errmsg (state->db));
  sqlite3_finalize (stmt);

  return rc == SQLITE_DONE;
}

sqlite3_stmt *
botbench_sandbox_state_query (BotbenchSandboxState *state,
                              const char           *sql,
                              const char           *format,
                              ...)
{
  sqlite3_stmt *stmt;
  va_list args;

  va_start (args, format);
  stmt = query_va (state, sql, format, args);
  va_end (args);

  return stmt;
}

gint64
botbench_sandbox_state_query_int (BotbenchSandboxState *state,
                                  gint64                fallback,
                                  const char           *sql,
                                  const char           *format,
                                  ...)
{
  sqlite3_stmt *stmt;
  gint64 value = fallback;
  va_list args;

  va_start (args, format);
  stmt = query_va (state, sql, format, args);
  va_end (args);

  if (stmt == NULL)
    return fallback;
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  return value;
}

char *
botbench_sandbox_state_query_text (BotbenchSandboxState *state,
                                   const char           *sql,
                                   const char           *format,
                                   ...)
{
  sqlite3_stmt *stmt;
  char *value = NULL;
  va_list args;

  va_start (args, format);
  stmt = query_va (state, sql, format, args);
  va_end (args);

  if (stmt == NULL)
    return NULL;
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    value = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);

  return value;
}

gint64
botbench_sandbox_state_last_insert_id (BotbenchSandboxState *state)
{
  return sqlite3_last_insert_rowid (state->db);
}

int
botbench_sandbox_state_changes (BotbenchSandboxState *state)
{
  return sqlite3_changes (state->db);
}
