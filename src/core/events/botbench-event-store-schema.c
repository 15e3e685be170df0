/* botbench-event-store-schema.c: the event database file and its schema
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Opening a connection, turning SQLite errors into
 * BOTBENCH_EVENT_STORE_ERROR, checking whose database a file is, the
 * migrations, and the set-up of the writer's connection (WAL, prepared
 * statements) at open.
 *
 * Schema
 *   Versioned with PRAGMA user_version and tagged with PRAGMA
 *   application_id.  migrations[] lists the steps; all missing steps run in
 *   one transaction at open.  Ids use AUTOINCREMENT so they never go back,
 *   even after retention or clear removed the newest rows.
 */

#define G_LOG_DOMAIN "botbench-event-store"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "botbench-event-private.h"
#include "botbench-event-store-internal.h"

#define BUSY_TIMEOUT_MS          10000

#define JOURNAL_SIZE_LIMIT       (32 * 1024 * 1024)

/* "BtBE": PRAGMA application_id of a Botbench event database. */
#define APPLICATION_ID           0x42744245

typedef struct
{
  int         version;   /* user_version once this step is applied */
  const char *sql;
} Migration;

/* Append new steps; never edit a step that has shipped. */
static const Migration migrations[] = {
  { 1,
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
    /* Narrow rowid-ordered index: counts and deep offsets scan it instead
     * of the table, whose rows are kilobytes long. */
    "CREATE INDEX events_id ON events (id);\n"
    "CREATE INDEX events_event_name ON events (event_name);\n"
    "CREATE INDEX events_bot_id ON events (bot_id);\n"
    "CREATE INDEX events_received ON events (received);\n"
    FTS_TABLE_SQL },
  { 2,
    /* No caller filters by bot id; the index cost every insert (~2 µs).
     * events_id stays although it repeats the rowid: counts and deep
     * offsets (id_at_offset, retention by count) scan it instead of the
     * table, whose rows are kilobytes long (50× faster at 150,000 rows). */
    "DROP INDEX events_bot_id;\n"
    /* The full-text index is written after the commit that acknowledges
     * an event; every event up to indexed_id is indexed.  Version 1
     * indexed in the same transaction, so everything stored is. */
    "CREATE TABLE fts_state (\n"
    "  id         INTEGER PRIMARY KEY CHECK (id = 1),\n"
    "  indexed_id INTEGER NOT NULL\n"
    ");\n"
    "INSERT INTO fts_state (id, indexed_id) VALUES (1, max ("
    "coalesce ((SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0), "
    "coalesce ((SELECT max (id) FROM events), 0)));\n" },
  { 3,
    /* Issue 11: replays, token verification, strict mode and the
     * handler's answer to a forward (the latest one per event). */
    "ALTER TABLE events ADD COLUMN replay_of INTEGER;\n"
    "ALTER TABLE events ADD COLUMN verified TEXT NOT NULL DEFAULT 'unknown';\n"
    "ALTER TABLE events ADD COLUMN rejected INTEGER NOT NULL DEFAULT 0;\n"
    "CREATE TABLE forwards (\n"
    "  event_id         INTEGER PRIMARY KEY,\n"
    "  url              TEXT NOT NULL,\n"
    "  state            TEXT NOT NULL,\n"
    "  status           INTEGER,\n"
    "  duration_ms      INTEGER,\n"
    "  error            TEXT,\n"
    "  response_headers TEXT,\n"
    "  response_body    BLOB,\n"
    "  response_size    INTEGER,\n"
    "  finished         INTEGER\n"
    ");\n"
    "CREATE INDEX events_verified ON events (verified);\n" },
  { 4,
    /* Issue 12: where an event came from, and fetch mode (imbot.v2
     * Event.get).  A fetched event keeps its portal, bot and portal
     * event id; the unique index stores a re-delivered event once.
     * fetch_state holds, per portal and bot, the offset to send next
     * (committed with the events it follows). */
    "ALTER TABLE events ADD COLUMN source TEXT NOT NULL DEFAULT 'listener';\n"
    "ALTER TABLE events ADD COLUMN fetch_portal TEXT;\n"
    "ALTER TABLE events ADD COLUMN fetch_bot INTEGER;\n"
    "ALTER TABLE events ADD COLUMN fetch_event_id INTEGER;\n"
    "UPDATE events SET source = 'replay' WHERE replay_of IS NOT NULL;\n"
    "CREATE UNIQUE INDEX events_fetched ON events (fetch_portal, fetch_bot, fetch_event_id) "
    "WHERE fetch_event_id IS NOT NULL;\n"
    "CREATE TABLE fetch_state (\n"
    "  portal        TEXT NOT NULL,\n"
    "  bot_id        INTEGER NOT NULL,\n"
    "  next_offset   INTEGER NOT NULL,\n"
    "  last_event_id INTEGER NOT NULL DEFAULT 0,\n"
    "  updated       INTEGER NOT NULL,\n"
    "  PRIMARY KEY (portal, bot_id)\n"
    ");\n" },
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == BOTBENCH_EVENT_STORE_SCHEMA_VERSION);

static int
sqlite_error_to_code (int rc,
                      int fallback)
{
  switch (rc & 0xff)
    {
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return BOTBENCH_EVENT_STORE_ERROR_CORRUPT;
    default:
      return fallback;
    }
}

void
_botbench_event_store_set_sqlite_error (GError     **error,
                                        sqlite3     *db,
                                        int          rc,
                                        int          code,
                                        const char  *what)
{
  code = sqlite_error_to_code (rc, code);
  g_set_error (error, BOTBENCH_EVENT_STORE_ERROR, code, "%s: %s", what,
               db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
}

gboolean
_botbench_event_store_exec_sql (sqlite3     *db,
                                const char  *sql,
                                int          code,
                                GError     **error)
{
  int rc = sqlite3_exec (db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      _botbench_event_store_set_sqlite_error (error, db, rc, code, _("Database error"));
      return FALSE;
    }

  return TRUE;
}

void
_botbench_event_store_rollback (sqlite3 *db)
{
  if (!sqlite3_get_autocommit (db))
    sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
}

/* Runs a statement that returns one integer (a PRAGMA, a count). */
gboolean
_botbench_event_store_query_int64 (sqlite3     *db,
                                   const char  *sql,
                                   gint64      *out,
                                   int          code,
                                   GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  *out = 0;
  rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          *out = sqlite3_column_int64 (stmt, 0);
          rc = SQLITE_OK;
        }
      else if (rc == SQLITE_DONE)
        rc = SQLITE_OK;
    }

  if (rc != SQLITE_OK)
    _botbench_event_store_set_sqlite_error (error, db, rc, code, _("Database error"));

  sqlite3_finalize (stmt);
  return rc == SQLITE_OK;
}

sqlite3 *
_botbench_event_store_open_connection (const char  *path,
                                       GError     **error)
{
  sqlite3 *db = NULL;
  int rc;

  rc = sqlite3_open_v2 (path, &db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, BOTBENCH_EVENT_STORE_ERROR, BOTBENCH_EVENT_STORE_ERROR_OPEN,
                   _("Cannot open the event database “%s”: %s"), path,
                   db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
      sqlite3_close (db);
      return NULL;
    }

  sqlite3_extended_result_codes (db, 1);
  sqlite3_busy_timeout (db, BUSY_TIMEOUT_MS);

  return db;
}

static gboolean
has_foreign_tables (sqlite3  *db,
                    gboolean *out,
                    GError  **error)
{
  gint64 n;

  if (!_botbench_event_store_query_int64 (db, "SELECT count(*) FROM sqlite_master", &n,
                                          BOTBENCH_EVENT_STORE_ERROR_OPEN, error))
    return FALSE;

  *out = n > 0;
  return TRUE;
}

/* Reads the version stamps; fails with CORRUPT for a file that is not an
 * SQLite database or belongs to another program, TOO_NEW for a newer
 * schema.  *is_ours is FALSE for an empty database. */
static gboolean
check_schema (sqlite3     *db,
              const char  *path,
              gint64      *version,
              GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  gint64 app_id;
  gboolean foreign = FALSE;

  if (!_botbench_event_store_query_int64 (db, "PRAGMA application_id", &app_id,
                                          BOTBENCH_EVENT_STORE_ERROR_OPEN, &local_error) ||
      !_botbench_event_store_query_int64 (db, "PRAGMA user_version", version,
                                          BOTBENCH_EVENT_STORE_ERROR_OPEN, &local_error))
    {
      if (g_error_matches (local_error, BOTBENCH_EVENT_STORE_ERROR,
                           BOTBENCH_EVENT_STORE_ERROR_CORRUPT))
        g_set_error (error, BOTBENCH_EVENT_STORE_ERROR, BOTBENCH_EVENT_STORE_ERROR_CORRUPT,
                     _("“%s” is not a Botbench event database, or it is damaged (%s)"),
                     path, local_error->message);
      else
        g_set_error (error, BOTBENCH_EVENT_STORE_ERROR, BOTBENCH_EVENT_STORE_ERROR_OPEN,
                     _("Cannot read the event database “%s”: %s"),
                     path, local_error->message);
      return FALSE;
    }

  if (app_id != APPLICATION_ID)
    {
      if (app_id == 0 && *version == 0 && !has_foreign_tables (db, &foreign, error))
        return FALSE;

      if (app_id != 0 || *version != 0 || foreign)
        {
          g_set_error (error, BOTBENCH_EVENT_STORE_ERROR, BOTBENCH_EVENT_STORE_ERROR_CORRUPT,
                       _("“%s” is an SQLite database of another program, not a Botbench event database"),
                       path);
          return FALSE;
        }
    }

  if (*version > BOTBENCH_EVENT_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, BOTBENCH_EVENT_STORE_ERROR, BOTBENCH_EVENT_STORE_ERROR_TOO_NEW,
                   _("The event database “%s” was written by a newer version of Botbench "
                     "(schema version %lld, this version knows up to %d)"),
                   path, (long long) (*version), BOTBENCH_EVENT_STORE_SCHEMA_VERSION);
      return FALSE;
    }

  return TRUE;
}

/* Brings the schema up to date: every missing migration step, the version
 * stamps, all in one transaction. */
static gboolean
migrate (sqlite3     *db,
         const char  *path,
         GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *stamp = NULL;
  gint64 version = 0;

  if (!check_schema (db, path, &version, error))
    return FALSE;

  if (version == BOTBENCH_EVENT_STORE_SCHEMA_VERSION)
    return TRUE;

  if (!_botbench_event_store_exec_sql (db, "BEGIN IMMEDIATE",
                                       BOTBENCH_EVENT_STORE_ERROR_OPEN, &local_error))
    goto failed;

  /* Another process may have migrated while we were looking. */
  if (!check_schema (db, path, &version, error))
    {
      _botbench_event_store_rollback (db);
      return FALSE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (migrations); i++)
    {
      if (migrations[i].version <= version)
        continue;

      g_debug ("Migrating %s to schema version %d", path, migrations[i].version);
      if (!_botbench_event_store_exec_sql (db, migrations[i].sql,
                                           BOTBENCH_EVENT_STORE_ERROR_OPEN, &local_error))
        goto failed;
    }

  stamp = g_strdup_printf ("PRAGMA application_id = %d; PRAGMA user_version = %d;",
                           APPLICATION_ID, BOTBENCH_EVENT_STORE_SCHEMA_VERSION);
  if (!_botbench_event_store_exec_sql (db, stamp, BOTBENCH_EVENT_STORE_ERROR_OPEN, &local_error) ||
      !_botbench_event_store_exec_sql (db, "COMMIT", BOTBENCH_EVENT_STORE_ERROR_OPEN, &local_error))
    goto failed;

  return TRUE;

failed:
  _botbench_event_store_rollback (db);
  g_set_error (error, BOTBENCH_EVENT_STORE_ERROR, local_error->code,
               _("Cannot update the event database “%s” to schema version %d: %s"),
               path, BOTBENCH_EVENT_STORE_SCHEMA_VERSION, local_error->message);
  return FALSE;
}

gboolean
_botbench_event_store_prepare_writer (BotbenchEventStore  *self,
                                      GError             **error)
{
  g_autofree char *size_limit = NULL;
  const char *mode;
  sqlite3_stmt *stmt = NULL;
  gint64 seq = 0;
  int rc;

  /* Nothing is written before the version stamps are checked. */
  if (!migrate (self->wdb, self->path, error))
    return FALSE;

  rc = sqlite3_prepare_v2 (self->wdb, "PRAGMA journal_mode = WAL", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      _botbench_event_store_set_sqlite_error (error, self->wdb, rc, BOTBENCH_EVENT_STORE_ERROR_OPEN,
                                              _("Cannot enable write-ahead logging"));
      sqlite3_finalize (stmt);
      return FALSE;
    }
  mode = column_text (stmt, 0);
  if (g_strcmp0 (mode, "wal") != 0)
    g_debug ("%s: journal mode is %s, not wal (file system without shared memory?)",
             self->path, mode);
  sqlite3_finalize (stmt);

  size_limit = g_strdup_printf ("PRAGMA journal_size_limit = %d", JOURNAL_SIZE_LIMIT);
  if (!_botbench_event_store_exec_sql (self->wdb, "PRAGMA synchronous = NORMAL",
                                       BOTBENCH_EVENT_STORE_ERROR_OPEN, error) ||
      /* Checkpoint (and fsync) every 32 MiB of WAL rather than 4 MiB: a
       * flood of events stalls the writer on eight times fewer fsyncs. */
      !_botbench_event_store_exec_sql (self->wdb, "PRAGMA wal_autocheckpoint = 8192",
                                       BOTBENCH_EVENT_STORE_ERROR_OPEN, error) ||
      !_botbench_event_store_exec_sql (self->wdb, size_limit,
                                       BOTBENCH_EVENT_STORE_ERROR_OPEN, error) ||
      !_botbench_event_store_query_int64 (self->wdb, "PRAGMA max_page_count",
                                          &self->default_max_page_count,
                                          BOTBENCH_EVENT_STORE_ERROR_OPEN, error) ||
      !_botbench_event_store_query_int64 (self->wdb,
                                          "SELECT seq FROM sqlite_sequence WHERE name = 'events'",
                                          &seq, BOTBENCH_EVENT_STORE_ERROR_OPEN, error) ||
      !_botbench_event_store_query_int64 (self->wdb,
                                          "SELECT indexed_id FROM fts_state", &self->indexed_id,
                                          BOTBENCH_EVENT_STORE_ERROR_OPEN, error))
    return FALSE;

  self->last_id = seq;
  /* Rows above the watermark: a crash (or another process) left them
   * unindexed; they are indexed right after this. */
  self->fts_dirty = self->indexed_id < seq;

  rc = sqlite3_prepare_v3 (self->wdb,
                           "INSERT INTO events (received, remote, method, path, query, headers, "
                           "content_type, body, size, event_name, bot_id, bot_code, message, "
                           "replay_of, verified, rejected, source, fetch_portal, fetch_bot, "
                           "fetch_event_id) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
                           "?14, ?15, ?16, ?17, ?18, ?19, ?20)",
                           -1, SQLITE_PREPARE_PERSISTENT, &self->insert_stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v3 (self->wdb,
                             "INSERT INTO events_fts (rowid, event_name, message, search_text) "
                             "VALUES (?1, ?2, ?3, ?4)",
                             -1, SQLITE_PREPARE_PERSISTENT, &self->insert_fts_stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v3 (self->wdb,
                             "SELECT id FROM events WHERE id > ?1 ORDER BY id LIMIT ?2",
                             -1, SQLITE_PREPARE_PERSISTENT, &self->fts_scan_stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v3 (self->wdb,
                             "SELECT " ROW_COLUMNS " FROM events e" ROW_JOIN " WHERE e.id = ?1",
                             -1, SQLITE_PREPARE_PERSISTENT, &self->fts_row_stmt, NULL);
  /* The latest answer wins; an event deleted meanwhile gets no row. */
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v3 (self->wdb,
                             "INSERT INTO forwards (event_id, url, state, status, duration_ms, "
                             "error, response_headers, response_body, response_size, finished) "
                             "SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10 "
                             "WHERE EXISTS (SELECT 1 FROM events WHERE id = ?1) "
                             "ON CONFLICT (event_id) DO UPDATE SET url = excluded.url, "
                             "state = excluded.state, status = excluded.status, "
                             "duration_ms = excluded.duration_ms, error = excluded.error, "
                             "response_headers = excluded.response_headers, "
                             "response_body = excluded.response_body, "
                             "response_size = excluded.response_size, "
                             "finished = excluded.finished",
                             -1, SQLITE_PREPARE_PERSISTENT, &self->forward_stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v3 (self->wdb,
                             "SELECT id FROM events WHERE fetch_portal = ?1 AND fetch_bot = ?2 "
                             "AND fetch_event_id = ?3",
                             -1, SQLITE_PREPARE_PERSISTENT, &self->fetch_seen_stmt, NULL);
  /* The offset never goes back (a late commit of an older batch). */
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v3 (self->wdb,
                             "INSERT INTO fetch_state (portal, bot_id, next_offset, last_event_id, updated) "
                             "VALUES (?1, ?2, ?3, ?4, ?5) "
                             "ON CONFLICT (portal, bot_id) DO UPDATE SET "
                             "next_offset = max (next_offset, excluded.next_offset), "
                             "last_event_id = max (last_event_id, excluded.last_event_id), "
                             "updated = excluded.updated",
                             -1, SQLITE_PREPARE_PERSISTENT, &self->fetch_state_stmt, NULL);
  if (rc != SQLITE_OK)
    {
      _botbench_event_store_set_sqlite_error (error, self->wdb, rc, BOTBENCH_EVENT_STORE_ERROR_OPEN,
                                              _("Cannot prepare the event database"));
      return FALSE;
    }

  return TRUE;
}
