/* botbench-event-store-retention.c: deleting events: retention and clear
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs on the writer thread.  Retention keeps at most keep_count events
 * and none older than keep_days, deleting in chunks of RETENTION_CHUNK
 * rows per transaction so that inserts are not held up; clear empties the
 * table and the full-text index at once.
 */

#define G_LOG_DOMAIN "botbench-event-store"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "botbench-event-private.h"
#include "botbench-event-store-internal.h"

#define RETENTION_EVERY_INSERTS  1000

#define RETENTION_CHUNK          5000

static gboolean
collect_ids (sqlite3       *db,
             const char    *sql,
             gint64         param1,
             gint64         param2,
             guint          limit,
             GArray        *ids,
             GError       **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      /* Parameters a statement lacks are ignored (SQLITE_RANGE). */
      sqlite3_bind_int64 (stmt, 1, param1);
      sqlite3_bind_int64 (stmt, 2, param2);
      sqlite3_bind_int64 (stmt, 3, limit);

      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          gint64 id = sqlite3_column_int64 (stmt, 0);
          g_array_append_val (ids, id);
        }

      if (rc == SQLITE_DONE)
        rc = SQLITE_OK;
    }

  if (rc != SQLITE_OK)
    _botbench_event_store_set_sqlite_error (error, db, rc, BOTBENCH_EVENT_STORE_ERROR_WRITE,
                                            _("Cannot apply retention"));

  sqlite3_finalize (stmt);
  return rc == SQLITE_OK;
}

/* Deletes at most max_rows events that the retention settings drop, in one
 * transaction.  Returns the number deleted or -1; *more tells whether
 * another step may find more. */
static gint64
writer_retention_step (BotbenchEventStore  *self,
                       guint                max_rows,
                       gboolean            *more,
                       GError             **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *del_events = NULL;
  sqlite3_stmt *del_fts = NULL;
  sqlite3_stmt *del_forwards = NULL;
  gint64 cutoff_id = 0;
  guint keep_count;
  guint keep_days;
  int rc;

  *more = FALSE;

  g_mutex_lock (&self->state_lock);
  keep_count = self->keep_count;
  keep_days = self->keep_days;
  g_mutex_unlock (&self->state_lock);

  if (keep_count == 0 && keep_days == 0)
    return 0;

  if (!_botbench_event_store_exec_sql (self->wdb, "BEGIN IMMEDIATE",
                                       BOTBENCH_EVENT_STORE_ERROR_WRITE, error))
    return -1;

  /* By count: everything up to the newest event beyond the first keep_count. */
  if (keep_count > 0)
    {
      g_autoptr(GArray) cutoff = g_array_new (FALSE, FALSE, sizeof (gint64));

      if (!collect_ids (self->wdb,
                        "SELECT id FROM events INDEXED BY events_id "
                        "ORDER BY id DESC LIMIT ?3 OFFSET ?1",
                        keep_count, 0, 1, cutoff, error))
        goto failed;

      if (cutoff->len > 0)
        {
          cutoff_id = g_array_index (cutoff, gint64, 0);
          if (!collect_ids (self->wdb,
                            "SELECT id FROM events INDEXED BY events_id "
                            "WHERE id <= ?1 ORDER BY id LIMIT ?3",
                            cutoff_id, 0, max_rows, ids, error))
            goto failed;
        }
    }

  /* By age: whatever is left that was received before the cut-off time,
   * read off the time index (a table scan would read every body). */
  if (keep_days > 0 && ids->len < max_rows)
    {
      gint64 since = g_get_real_time () - (gint64)keep_days * G_TIME_SPAN_DAY;

      if (!collect_ids (self->wdb,
                        "SELECT id FROM events INDEXED BY events_received "
                        "WHERE received < ?1 AND id > ?2 LIMIT ?3",
                        since, cutoff_id, max_rows - ids->len, ids, error))
        goto failed;
    }

  if (ids->len == 0)
    {
      _botbench_event_store_rollback (self->wdb);
      return 0;
    }

  rc = sqlite3_prepare_v2 (self->wdb, "DELETE FROM events_fts WHERE rowid = ?1", -1,
                           &del_fts, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (self->wdb, "DELETE FROM events WHERE id = ?1", -1,
                             &del_events, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (self->wdb, "DELETE FROM forwards WHERE event_id = ?1", -1,
                             &del_forwards, NULL);

  for (guint i = 0; rc == SQLITE_OK && i < ids->len; i++)
    {
      gint64 id = g_array_index (ids, gint64, i);

      sqlite3_bind_int64 (del_fts, 1, id);
      rc = sqlite3_step (del_fts);
      sqlite3_reset (del_fts);
      if (rc != SQLITE_DONE)
        break;

      sqlite3_bind_int64 (del_forwards, 1, id);
      rc = sqlite3_step (del_forwards);
      sqlite3_reset (del_forwards);
      if (rc != SQLITE_DONE)
        break;

      sqlite3_bind_int64 (del_events, 1, id);
      rc = sqlite3_step (del_events);
      sqlite3_reset (del_events);
      rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
    }

  if (rc == SQLITE_OK)
    rc = sqlite3_exec (self->wdb, "COMMIT", NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      _botbench_event_store_set_sqlite_error (error, self->wdb, rc,
                                              BOTBENCH_EVENT_STORE_ERROR_WRITE,
                                              _("Cannot apply retention"));
      goto failed;
    }

  sqlite3_finalize (del_fts);
  sqlite3_finalize (del_forwards);
  sqlite3_finalize (del_events);

  g_debug ("Retention removed %u events", ids->len);

  *more = ids->len >= max_rows;
  g_atomic_int_set (&self->removed_pending, TRUE);
  _botbench_event_store_schedule_notify (self);

  return ids->len;

failed:
  sqlite3_finalize (del_fts);
  sqlite3_finalize (del_forwards);
  sqlite3_finalize (del_events);
  _botbench_event_store_rollback (self->wdb);
  return -1;
}

gint64
_botbench_event_store_writer_retention_all (BotbenchEventStore  *self,
                                            GError             **error)
{
  gint64 total = 0;
  gboolean more = TRUE;

  while (more)
    {
      gint64 n = writer_retention_step (self, RETENTION_CHUNK, &more, error);

      if (n < 0)
        return -1;
      total += n;
    }

  self->retention_more = FALSE;
  self->inserts_since_retention = 0;
  self->last_retention_us = g_get_monotonic_time ();

  return total;
}

/* Called after commits and when the writer has been idle for a while. */
void
_botbench_event_store_writer_maybe_retention (BotbenchEventStore *self,
                                              gboolean            force)
{
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_monotonic_time ();

  if (!force &&
      self->inserts_since_retention < RETENTION_EVERY_INSERTS &&
      now - self->last_retention_us < RETENTION_EVERY_US)
    return;

  self->inserts_since_retention = 0;
  self->last_retention_us = now;

  if (writer_retention_step (self, RETENTION_CHUNK, &self->retention_more, &error) < 0)
    g_debug ("Retention failed: %s", error->message);
}

gint64
_botbench_event_store_writer_clear (BotbenchEventStore  *self,
                                    GError             **error)
{
  gint64 indexed_id = 0;
  gint64 n = 0;

  if (!_botbench_event_store_exec_sql (self->wdb, "BEGIN IMMEDIATE",
                                       BOTBENCH_EVENT_STORE_ERROR_WRITE, error))
    return -1;

  /* No triggers on events, so DELETE without WHERE truncates; the FTS
   * table is dropped and recreated rather than emptied row by row. */
  if (!_botbench_event_store_query_int64 (self->wdb, "SELECT count(*) FROM events", &n,
                                          BOTBENCH_EVENT_STORE_ERROR_WRITE, error) ||
      !_botbench_event_store_exec_sql (self->wdb,
                                       "DELETE FROM events;\n"
                                       "DELETE FROM forwards;\n"
                                       "DROP TABLE events_fts;\n"
                                       FTS_TABLE_SQL
                                       "UPDATE fts_state SET indexed_id = max (indexed_id, coalesce ("
                                       "(SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0));\n",
                                       BOTBENCH_EVENT_STORE_ERROR_WRITE, error) ||
      !_botbench_event_store_query_int64 (self->wdb,
                                          "SELECT indexed_id FROM fts_state", &indexed_id,
                                          BOTBENCH_EVENT_STORE_ERROR_WRITE, error) ||
      !_botbench_event_store_exec_sql (self->wdb, "COMMIT",
                                       BOTBENCH_EVENT_STORE_ERROR_WRITE, error))
    {
      _botbench_event_store_rollback (self->wdb);
      return -1;
    }

  self->retention_more = FALSE;
  /* Nothing is left to index. */
  g_queue_clear_full (&self->fts_pending, (GDestroyNotify)_botbench_event_store_job_free);
  self->fts_dirty = FALSE;
  _botbench_event_store_publish_indexed_id (self, indexed_id);

  if (n > 0)
    {
      g_atomic_int_set (&self->removed_pending, TRUE);
      _botbench_event_store_schedule_notify (self);
    }

  return n;
}
