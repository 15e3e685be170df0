/* botbench-event-store-query.c: reading events back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Readers borrow a read-only connection from a small pool (one connection
 * is used by one thread at a time) with cached prepared statements; in
 * WAL mode they never block the writer or each other.  The SELECTs are
 * built from a BotbenchEventQuery: keyset paging by id, filters, and the
 * full-text search joined with the table.
 */

#define G_LOG_DOMAIN "botbench-event-store"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "botbench-event-private.h"
#include "botbench-event-store-internal.h"

#define MAX_IDLE_READERS         8

#define DEFAULT_LIMIT            100

typedef enum
{
  SELECT_ROWS,
  SELECT_COUNT,
  SELECT_ID,
} SelectKind;

/* Parameter numbers of the generated SELECTs. */
enum
{
  PARAM_MATCH = 1,
  PARAM_EVENT_NAME,
  PARAM_BOT_ID,
  PARAM_BEFORE,
  PARAM_AFTER,
  PARAM_SINCE,
  PARAM_LIMIT,
  PARAM_OFFSET,
  PARAM_VERIFIED,
  PARAM_SOURCE,
};

void
_botbench_event_store_read_conn_free (ReadConn *conn)
{
  g_clear_pointer (&conn->stmts, g_hash_table_unref);
  sqlite3_close (conn->db);
  g_free (conn);
}

static ReadConn *
reader_acquire (BotbenchEventStore  *self,
                GError             **error)
{
  ReadConn *conn = NULL;
  sqlite3 *db;

  g_mutex_lock (&self->lock);
  if (self->closed)
    {
      g_mutex_unlock (&self->lock);
      _botbench_event_store_set_closed_error (error);
      return NULL;
    }
  if (self->idle_readers->len > 0)
    conn = g_ptr_array_steal_index_fast (self->idle_readers, self->idle_readers->len - 1);
  g_mutex_unlock (&self->lock);

  if (conn != NULL)
    return conn;

  db = _botbench_event_store_open_connection (self->path, error);
  if (db == NULL)
    return NULL;

  if (!_botbench_event_store_exec_sql (db, "PRAGMA query_only = 1",
                                       BOTBENCH_EVENT_STORE_ERROR_QUERY, error))
    {
      sqlite3_close (db);
      return NULL;
    }

  conn = g_new0 (ReadConn, 1);
  conn->db = db;
  conn->stmts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify)sqlite3_finalize);
  return conn;
}

static void
reader_release (BotbenchEventStore *self,
                ReadConn           *conn)
{
  g_mutex_lock (&self->lock);
  if (!self->closed && self->idle_readers->len < MAX_IDLE_READERS)
    {
      g_ptr_array_add (self->idle_readers, conn);
      conn = NULL;
    }
  g_mutex_unlock (&self->lock);

  if (conn != NULL)
    _botbench_event_store_read_conn_free (conn);
}

/* The cached statement for sql, reset and unbound. */
static sqlite3_stmt *
reader_prepare (ReadConn    *conn,
                const char  *sql,
                GError     **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (conn->stmts, sql);
  int rc;

  if (stmt != NULL)
    return stmt;

  rc = sqlite3_prepare_v3 (conn->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      _botbench_event_store_set_sqlite_error (error, conn->db, rc, BOTBENCH_EVENT_STORE_ERROR_QUERY,
                                              _("Cannot read the event database"));
      return NULL;
    }

  g_hash_table_insert (conn->stmts, g_strdup (sql), stmt);
  return stmt;
}

static void
stmt_done (sqlite3_stmt *stmt)
{
  /* Resetting ends the read transaction, so checkpoints can proceed. */
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

char *
_botbench_event_store_build_match (const char *search)
{
  g_autofree char *valid = NULL;
  g_auto(GStrv) words = NULL;
  g_autoptr(GPtrArray) kept = NULL;
  GString *match;

  if (!is_set (search))
    return NULL;

  valid = g_utf8_make_valid (search, -1);
  words = g_strsplit_set (valid, " \t\n\r\f\v", -1);
  kept = g_ptr_array_new ();

  /* A word without letters or digits has no token for unicode61: it would
   * make the whole query match nothing, so it is left out. */
  for (guint i = 0; words[i] != NULL; i++)
    {
      for (const char *p = words[i]; *p != '\0'; p = g_utf8_next_char (p))
        {
          if (g_unichar_isalnum (g_utf8_get_char (p)))
            {
              g_ptr_array_add (kept, words[i]);
              break;
            }
        }
    }

  if (kept->len == 0)
    return NULL;

  /* Each word becomes a quoted FTS5 string ("" escapes a quote), so no
   * user text is ever read as FTS5 syntax; the last one is a prefix. */
  match = g_string_new (NULL);
  for (guint i = 0; i < kept->len; i++)
    {
      const char *word = g_ptr_array_index (kept, i);

      if (i > 0)
        g_string_append (match, " AND ");
      g_string_append_c (match, '"');
      for (const char *p = word; *p != '\0'; p++)
        {
          if (*p == '"')
            g_string_append_c (match, '"');
          g_string_append_c (match, *p);
        }
      g_string_append_c (match, '"');
    }
  g_string_append_c (match, '*');

  return g_string_free (match, FALSE);
}

static void
append_condition (GString    *sql,
                  const char *condition)
{
  g_string_append (sql, strstr (sql->str, " WHERE ") == NULL ? " WHERE " : " AND ");
  g_string_append (sql, condition);
}

static char *
build_select (SelectKind                kind,
              const BotbenchEventQuery *query,
              gboolean                  has_match)
{
  GString *sql = g_string_new ("SELECT ");
  gboolean filtered = is_set (query->event_name) || is_set (query->bot_id) || query->since_us != 0 ||
                      is_set (query->verified) || is_set (query->source);
  const char *key = has_match ? "f.rowid" : "e.id";

  /* "How many up to id N" (a list model's snapshot): a plain count(*) is
   * answered by counting index pages, a bounded one walks every entry;
   * total minus the few newer rows is the same number from the same
   * snapshot (one statement), several times faster. */
  if (kind == SELECT_COUNT && !has_match && !filtered &&
      query->before_id != 0 && query->after_id == 0)
    {
      g_string_append (sql,
                       "(SELECT count(*) FROM events INDEXED BY events_id) - "
                       "(SELECT count(*) FROM events INDEXED BY events_id WHERE id >= ?4)");
      return g_string_free (sql, FALSE);
    }

  switch (kind)
    {
    case SELECT_ROWS:
      g_string_append (sql, ROW_COLUMNS);
      break;
    case SELECT_COUNT:
      g_string_append (sql, "count(*)");
      break;
    case SELECT_ID:
      g_string_append (sql, key);
      break;
    default:
      g_assert_not_reached ();
    }

  /* Search: FTS5 drives the loop in rowid order and the matching rows are
   * fetched by primary key.  Otherwise: the table by rowid, an index for a
   * filter, or the narrow id index when only ids are read. */
  if (has_match && (kind == SELECT_ROWS || filtered))
    g_string_append (sql, " FROM events_fts f CROSS JOIN events e NOT INDEXED ON e.id = f.rowid");
  else if (has_match)
    g_string_append (sql, " FROM events_fts f");
  else if (kind != SELECT_ROWS && !filtered)
    g_string_append (sql, " FROM events e INDEXED BY events_id");
  else if (!filtered)
    g_string_append (sql, " FROM events e NOT INDEXED");
  else
    g_string_append (sql, " FROM events e");
  if (kind == SELECT_ROWS)
    g_string_append (sql, ROW_JOIN);

  /* No "WHERE 1": any WHERE clause turns off the fast count(*). */
  if (has_match)
    append_condition (sql, "f.events_fts MATCH ?1");
  if (is_set (query->event_name))
    append_condition (sql, "e.event_name = ?2");
  if (is_set (query->bot_id))
    append_condition (sql, "e.bot_id = ?3");
  if (is_set (query->verified))
    append_condition (sql, "e.verified = ?9");
  if (is_set (query->source))
    append_condition (sql, "e.source = ?10");
  if (query->before_id != 0)
    append_condition (sql, has_match ? "f.rowid < ?4" : "e.id < ?4");
  if (query->after_id != 0)
    append_condition (sql, has_match ? "f.rowid > ?5" : "e.id > ?5");
  if (query->since_us != 0)
    append_condition (sql, "e.received >= ?6");

  if (kind != SELECT_COUNT)
    g_string_append_printf (sql, " ORDER BY %s %s", key, query->ascending ? "ASC" : "DESC");
  if (kind == SELECT_ROWS)
    g_string_append (sql, " LIMIT ?7");
  else if (kind == SELECT_ID)
    g_string_append (sql, " LIMIT 1 OFFSET ?8");

  return g_string_free (sql, FALSE);
}

static void
bind_query (sqlite3_stmt             *stmt,
            SelectKind                kind,
            const BotbenchEventQuery *query,
            const char               *match,
            gint64                    offset)
{
  if (match != NULL)
    sqlite3_bind_text (stmt, PARAM_MATCH, match, -1, SQLITE_TRANSIENT);
  if (is_set (query->event_name))
    sqlite3_bind_text (stmt, PARAM_EVENT_NAME, query->event_name, -1, SQLITE_TRANSIENT);
  if (is_set (query->bot_id))
    sqlite3_bind_text (stmt, PARAM_BOT_ID, query->bot_id, -1, SQLITE_TRANSIENT);
  if (is_set (query->verified))
    sqlite3_bind_text (stmt, PARAM_VERIFIED, query->verified, -1, SQLITE_TRANSIENT);
  if (is_set (query->source))
    sqlite3_bind_text (stmt, PARAM_SOURCE, query->source, -1, SQLITE_TRANSIENT);
  if (query->before_id != 0)
    sqlite3_bind_int64 (stmt, PARAM_BEFORE, query->before_id);
  if (query->after_id != 0)
    sqlite3_bind_int64 (stmt, PARAM_AFTER, query->after_id);
  if (query->since_us != 0)
    sqlite3_bind_int64 (stmt, PARAM_SINCE, query->since_us);
  if (kind == SELECT_ROWS)
    sqlite3_bind_int64 (stmt, PARAM_LIMIT, query->limit != 0 ? query->limit : DEFAULT_LIMIT);
  else if (kind == SELECT_ID)
    sqlite3_bind_int64 (stmt, PARAM_OFFSET, offset);
}

/* Borrows a connection and returns the bound statement for the query. */
static sqlite3_stmt *
select_begin (BotbenchEventStore        *self,
              SelectKind                 kind,
              const BotbenchEventQuery  *query,
              gint64                     offset,
              ReadConn                 **out_conn,
              GError                   **error)
{
  g_autofree char *match = _botbench_event_store_build_match (query->search);
  g_autofree char *sql = build_select (kind, query, match != NULL);
  sqlite3_stmt *stmt;
  ReadConn *conn;

  conn = reader_acquire (self, error);
  if (conn == NULL)
    return NULL;

  stmt = reader_prepare (conn, sql, error);
  if (stmt == NULL)
    {
      reader_release (self, conn);
      return NULL;
    }

  bind_query (stmt, kind, query, match, offset);
  *out_conn = conn;
  return stmt;
}

/* Columns 17…26 of ROW_COLUMNS: the forwards row, if any. */
static BotbenchForwardResult *
forward_from_row (sqlite3_stmt *stmt)
{
  BotbenchForwardResult *forward;
  BotbenchForwardState state = BOTBENCH_FORWARD_STATE_FAILED;

  if (sqlite3_column_type (stmt, 17) == SQLITE_NULL)
    return NULL;

  forward = botbench_forward_result_new (column_text (stmt, 18));
  botbench_forward_state_from_string (column_text (stmt, 19), &state);
  if (sqlite3_column_type (stmt, 20) != SQLITE_NULL)
    botbench_forward_result_set_status (forward, (guint)CLAMP (sqlite3_column_int64 (stmt, 20), 0, 999));
  if (sqlite3_column_type (stmt, 21) != SQLITE_NULL)
    botbench_forward_result_set_duration_ms (forward, MAX (sqlite3_column_int64 (stmt, 21), 0));
  botbench_forward_result_set_error (forward, column_text (stmt, 22));
  botbench_forward_result_set_state (forward, state);
  botbench_forward_result_set_headers_json (forward, column_text (stmt, 23));
  if (sqlite3_column_type (stmt, 24) != SQLITE_NULL)
    {
      const void *blob = sqlite3_column_blob (stmt, 24);
      int len = sqlite3_column_bytes (stmt, 24);
      g_autoptr(GBytes) body = g_bytes_new (blob, blob != NULL ? len : 0);

      botbench_forward_result_set_response_body (forward, body,
                                                 MAX (sqlite3_column_int64 (stmt, 25), 0));
    }
  botbench_forward_result_set_finished (forward, sqlite3_column_int64 (stmt, 26));

  return forward;
}

BotbenchEvent *
_botbench_event_store_event_from_row (sqlite3_stmt *stmt)
{
  g_auto(GStrv) headers = _botbench_event_headers_from_json (column_text (stmt, 6));
  g_autoptr(GBytes) body = NULL;
  g_autoptr(BotbenchForwardResult) forward = NULL;
  BotbenchTokenState token_state = BOTBENCH_TOKEN_STATE_UNKNOWN;
  BotbenchEventSource source = BOTBENCH_EVENT_SOURCE_LISTENER;
  BotbenchEvent *event;
  const void *blob = sqlite3_column_blob (stmt, 8);
  int len = sqlite3_column_bytes (stmt, 8);

  body = g_bytes_new (blob, blob != NULL ? len : 0);

  event = _botbench_event_new_stored (sqlite3_column_int64 (stmt, 0),
                                     sqlite3_column_int64 (stmt, 1),
                                     column_text (stmt, 2),
                                     column_text (stmt, 3),
                                     column_text (stmt, 4),
                                     column_text (stmt, 5),
                                     (const char * const *)headers,
                                     column_text (stmt, 7),
                                     body,
                                     column_text (stmt, 10),
                                     column_text (stmt, 11),
                                     column_text (stmt, 12),
                                     column_text (stmt, 13));

  botbench_event_set_replay_of (event, sqlite3_column_int64 (stmt, 14));
  botbench_token_state_from_string (column_text (stmt, 15), &token_state);
  botbench_event_set_token_state (event, token_state);
  botbench_event_set_rejected (event, sqlite3_column_int64 (stmt, 16) != 0);
  forward = forward_from_row (stmt);
  botbench_event_set_forward (event, forward);

  /* Columns 27…30: the source, and what a fetched event came from. */
  if (botbench_event_source_from_string (column_text (stmt, 27), &source))
    botbench_event_set_source (event, source);
  if (source == BOTBENCH_EVENT_SOURCE_FETCHED && column_text (stmt, 28) != NULL)
    botbench_event_set_fetched (event, column_text (stmt, 28),
                                sqlite3_column_int64 (stmt, 29),
                                sqlite3_column_int64 (stmt, 30));

  return event;
}

GPtrArray *
botbench_event_store_query (BotbenchEventStore        *self,
                            const BotbenchEventQuery  *query,
                            GError                   **error)
{
  g_autoptr(GPtrArray) events = NULL;
  ReadConn *conn = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (BOTBENCH_IS_EVENT_STORE (self), NULL);
  g_return_val_if_fail (query != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  stmt = select_begin (self, SELECT_ROWS, query, 0, &conn, error);
  if (stmt == NULL)
    return NULL;

  events = g_ptr_array_new_with_free_func (g_object_unref);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (events, _botbench_event_store_event_from_row (stmt));

  if (rc != SQLITE_DONE)
    {
      _botbench_event_store_set_sqlite_error (error, conn->db, rc, BOTBENCH_EVENT_STORE_ERROR_QUERY,
                                              _("Cannot read events"));
      g_clear_pointer (&events, g_ptr_array_unref);
    }

  stmt_done (stmt);
  reader_release (self, conn);

  return g_steal_pointer (&events);
}

/* Runs a one-value SELECT; *found tells whether a row came back. */
static gboolean
select_int64 (BotbenchEventStore        *self,
              SelectKind                 kind,
              const BotbenchEventQuery  *query,
              gint64                     offset,
              gint64                    *out,
              GError                   **error)
{
  ReadConn *conn = NULL;
  sqlite3_stmt *stmt;
  int rc;

  *out = 0;

  stmt = select_begin (self, kind, query, offset, &conn, error);
  if (stmt == NULL)
    return FALSE;

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *out = sqlite3_column_int64 (stmt, 0);
  else if (rc != SQLITE_DONE)
    _botbench_event_store_set_sqlite_error (error, conn->db, rc, BOTBENCH_EVENT_STORE_ERROR_QUERY,
                                            _("Cannot read events"));

  stmt_done (stmt);
  reader_release (self, conn);

  return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

gint64
botbench_event_store_count (BotbenchEventStore        *self,
                            const BotbenchEventQuery  *query,
                            GError                   **error)
{
  gint64 n;

  g_return_val_if_fail (BOTBENCH_IS_EVENT_STORE (self), -1);
  g_return_val_if_fail (query != NULL, -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  if (!select_int64 (self, SELECT_COUNT, query, 0, &n, error))
    return -1;

  return n;
}

gint64
botbench_event_store_id_at_offset (BotbenchEventStore        *self,
                                   const BotbenchEventQuery  *query,
                                   gint64                     offset,
                                   GError                   **error)
{
  gint64 id;

  g_return_val_if_fail (BOTBENCH_IS_EVENT_STORE (self), 0);
  g_return_val_if_fail (query != NULL, 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);

  if (offset < 0)
    return 0;

  if (!select_int64 (self, SELECT_ID, query, offset, &id, error))
    return 0;

  return id;
}

BotbenchEvent *
botbench_event_store_get (BotbenchEventStore  *self,
                          gint64               id,
                          GError             **error)
{
  BotbenchEvent *event = NULL;
  ReadConn *conn;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (BOTBENCH_IS_EVENT_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  conn = reader_acquire (self, error);
  if (conn == NULL)
    return NULL;

  stmt = reader_prepare (conn, "SELECT " ROW_COLUMNS " FROM events e" ROW_JOIN " WHERE e.id = ?1", error);
  if (stmt == NULL)
    {
      reader_release (self, conn);
      return NULL;
    }

  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    event = _botbench_event_store_event_from_row (stmt);
  else if (rc == SQLITE_DONE)
    g_set_error (error, BOTBENCH_EVENT_STORE_ERROR, BOTBENCH_EVENT_STORE_ERROR_NOT_FOUND,
                 _("There is no event %lld"), (long long) id);
  else
    _botbench_event_store_set_sqlite_error (error, conn->db, rc, BOTBENCH_EVENT_STORE_ERROR_QUERY,
                                            _("Cannot read the event"));

  stmt_done (stmt);
  reader_release (self, conn);

  return event;
}

gboolean
botbench_event_store_get_fetch_offset (BotbenchEventStore  *self,
                                       const char          *portal,
                                       gint64               bot_id,
                                       gint64              *next_offset,
                                       gint64              *last_event_id,
                                       GError             **error)
{
  ReadConn *conn;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (BOTBENCH_IS_EVENT_STORE (self), FALSE);
  g_return_val_if_fail (portal != NULL, FALSE);
  g_return_val_if_fail (next_offset != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  *next_offset = 0;
  if (last_event_id != NULL)
    *last_event_id = 0;

  conn = reader_acquire (self, error);
  if (conn == NULL)
    return FALSE;

  stmt = reader_prepare (conn, "SELECT next_offset, last_event_id FROM fetch_state "
                               "WHERE portal = ?1 AND bot_id = ?2", error);
  if (stmt == NULL)
    {
      reader_release (self, conn);
      return FALSE;
    }

  sqlite3_bind_text (stmt, 1, portal, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, bot_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *next_offset = MAX (sqlite3_column_int64 (stmt, 0), 0);
      if (last_event_id != NULL)
        *last_event_id = MAX (sqlite3_column_int64 (stmt, 1), 0);
    }
  else if (rc != SQLITE_DONE)
    _botbench_event_store_set_sqlite_error (error, conn->db, rc, BOTBENCH_EVENT_STORE_ERROR_QUERY,
                                            _("Cannot read the fetch state"));

  stmt_done (stmt);
  reader_release (self, conn);

  return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

gint64
botbench_event_store_find_same (BotbenchEventStore  *self,
                                BotbenchEvent       *event,
                                GError             **error)
{
  GBytes *body;
  gint64 id = 0;
  ReadConn *conn;
  sqlite3_stmt *stmt;
  gsize len = 0;
  const void *data;
  int rc;

  g_return_val_if_fail (BOTBENCH_IS_EVENT_STORE (self), -1);
  g_return_val_if_fail (BOTBENCH_IS_EVENT (event), -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  conn = reader_acquire (self, error);
  if (conn == NULL)
    return -1;

  /* events_received narrows it to the events of that microsecond. */
  stmt = reader_prepare (conn,
                         "SELECT e.id FROM events e WHERE e.received = ?1 AND e.method IS ?2"
                         " AND e.path IS ?3 AND e.query IS ?4 AND e.body = ?5 LIMIT 1",
                         error);
  if (stmt == NULL)
    {
      reader_release (self, conn);
      return -1;
    }

  body = botbench_event_get_body (event);
  data = g_bytes_get_data (body, &len);
  sqlite3_bind_int64 (stmt, 1, botbench_event_get_received (event));
  sqlite3_bind_text (stmt, 2, botbench_event_get_method (event), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, botbench_event_get_path (event), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, botbench_event_get_query (event), -1, SQLITE_TRANSIENT);
  sqlite3_bind_blob64 (stmt, 5, data != NULL ? data : "", len, SQLITE_TRANSIENT);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  else if (rc != SQLITE_DONE)
    {
      _botbench_event_store_set_sqlite_error (error, conn->db, rc, BOTBENCH_EVENT_STORE_ERROR_QUERY,
                                              _("Cannot read the event database"));
      id = -1;
    }

  stmt_done (stmt);
  reader_release (self, conn);

  return id;
}

char **
botbench_event_store_list_event_names (BotbenchEventStore  *self,
                                       GError             **error)
{
  g_autoptr(GPtrArray) names = NULL;
  ReadConn *conn;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (BOTBENCH_IS_EVENT_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  conn = reader_acquire (self, error);
  if (conn == NULL)
    return NULL;

  /* A loose index scan: one index seek per distinct name, not per row. */
  stmt = reader_prepare (conn,
                         "WITH RECURSIVE names (name) AS ("
                         "  SELECT min (event_name) FROM events WHERE event_name > ''"
                         "  UNION ALL"
                         "  SELECT (SELECT min (event_name) FROM events WHERE event_name > names.name)"
                         "  FROM names WHERE names.name IS NOT NULL"
                         ") SELECT name FROM names WHERE name IS NOT NULL",
                         error);
  if (stmt == NULL)
    {
      reader_release (self, conn);
      return NULL;
    }

  names = g_ptr_array_new_with_free_func (g_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (names, g_strdup (column_text (stmt, 0)));

  if (rc != SQLITE_DONE)
    {
      _botbench_event_store_set_sqlite_error (error, conn->db, rc, BOTBENCH_EVENT_STORE_ERROR_QUERY,
                                              _("Cannot read event names"));
      g_clear_pointer (&names, g_ptr_array_unref);
    }

  stmt_done (stmt);
  reader_release (self, conn);

  if (names == NULL)
    return NULL;

  g_ptr_array_add (names, NULL);
  g_ptr_array_set_free_func (names, NULL);
  return (char **)g_ptr_array_free (g_steal_pointer (&names), FALSE);
}

char *
_botbench_event_store_explain_query (BotbenchEventStore        *self,
                                     const BotbenchEventQuery  *query,
                                     GError                   **error)
{
  g_autofree char *match = NULL;
  g_autofree char *select = NULL;
  g_autofree char *sql = NULL;
  GString *plan;
  ReadConn *conn;
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (BOTBENCH_IS_EVENT_STORE (self), NULL);
  g_return_val_if_fail (query != NULL, NULL);

  match = _botbench_event_store_build_match (query->search);
  select = build_select (SELECT_ROWS, query, match != NULL);
  sql = g_strconcat ("EXPLAIN QUERY PLAN ", select, NULL);

  conn = reader_acquire (self, error);
  if (conn == NULL)
    return NULL;

  rc = sqlite3_prepare_v2 (conn->db, sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      _botbench_event_store_set_sqlite_error (error, conn->db, rc, BOTBENCH_EVENT_STORE_ERROR_QUERY,
                                              _("Cannot read events"));
      reader_release (self, conn);
      return NULL;
    }

  bind_query (stmt, SELECT_ROWS, query, match, 0);
  plan = g_string_new (NULL);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (plan->len > 0)
        g_string_append_c (plan, '\n');
      g_string_append (plan, column_text (stmt, 3));
    }

  sqlite3_finalize (stmt);
  reader_release (self, conn);

  return g_string_free (plan, FALSE);
}
