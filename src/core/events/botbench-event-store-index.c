/* botbench-event-store-index.c: the full-text index, written after the commit
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The writer's side of the FTS5 index, and the hooks that let a search
 * (or a test) wait for it.
 *
 * Full-text index
 *   The FTS5 rows are not part of the acknowledged transaction.  Committed
 *   events wait in fts_pending (their text, taken from the decoded event
 *   after the callers got their answer) and the same writer indexes
 *   them in later transactions: as soon as the insert queue is empty, and
 *   under sustained load at least every FTS_FORCE_DELAY_US or
 *   FTS_FORCE_ROWS events.  The table fts_state holds the watermark: every
 *   event with id <= indexed_id is indexed.  An indexing transaction reads
 *   the watermark, indexes the stored rows above it in id order (from
 *   fts_pending, or read back from the table when not there: after a crash,
 *   or rows of another process) and moves it, so the index never holds a
 *   row twice and catches up at open after a kill -9.  A search joins the
 *   index with the table, so a row not indexed yet is missing from results,
 *   never wrong.  Retention deletes both rows (deleting an FTS row that is
 *   not there yet is a no-op); clear empties both and moves the watermark.
 */

#define G_LOG_DOMAIN "botbench-event-store"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "botbench-event-private.h"
#include "botbench-event-store-internal.h"

static gboolean
writer_has_index_work (BotbenchEventStore *self)
{
  return (self->fts_pending.length > 0 || self->fts_dirty) &&
         !g_atomic_int_get (&self->index_paused);
}

/* When the writer should index: now if it may (an empty insert queue),
 * G_MAXINT64 if there is nothing to index. */
gint64
_botbench_event_store_writer_index_due_us (BotbenchEventStore *self)
{
  if (!writer_has_index_work (self))
    return G_MAXINT64;

  return self->fts_retry_us;
}

/* Whether indexing goes before queued inserts: it lagged long enough, or
 * too many events wait, or a search waits for it. */
gboolean
_botbench_event_store_writer_index_forced (BotbenchEventStore *self,
                                           gint64              now)
{
  Job *oldest;

  if (!writer_has_index_work (self) || now < self->fts_retry_us)
    return FALSE;

  if (g_atomic_int_get (&self->index_urgent) || self->fts_dirty ||
      self->fts_pending.length >= FTS_FORCE_ROWS)
    return TRUE;

  oldest = g_queue_peek_head (&self->fts_pending);
  return oldest != NULL && now - oldest->committed_us >= FTS_FORCE_DELAY_US;
}

void
_botbench_event_store_publish_indexed_id (BotbenchEventStore *self,
                                          gint64              indexed_id)
{
  g_mutex_lock (&self->state_lock);
  if (indexed_id > self->indexed_id)
    {
      self->indexed_id = indexed_id;
      g_cond_broadcast (&self->indexed_cond);
    }
  g_mutex_unlock (&self->state_lock);
}

static int
writer_index_row (BotbenchEventStore *self,
                  gint64              id,
                  const char         *event_name,
                  const char         *message,
                  const char         *search_text)
{
  sqlite3_stmt *stmt = self->insert_fts_stmt;
  int rc;

  sqlite3_bind_int64 (stmt, 1, id);
  bind_text (stmt, 2, event_name);
  bind_text (stmt, 3, message);
  bind_text (stmt, 4, search_text);

  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);

  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* A stored row, read back for indexing. */
static BotbenchEvent *
writer_load_row (BotbenchEventStore *self,
                 gint64              id,
                 int                *rc)
{
  sqlite3_stmt *stmt = self->fts_row_stmt;
  BotbenchEvent *event = NULL;

  sqlite3_bind_int64 (stmt, 1, id);
  *rc = sqlite3_step (stmt);
  if (*rc == SQLITE_ROW)
    event = _botbench_event_store_event_from_row (stmt);
  if (*rc == SQLITE_ROW || *rc == SQLITE_DONE)
    *rc = SQLITE_OK;
  sqlite3_reset (stmt);

  return event;
}

/* Indexes up to max_rows stored events above the watermark, in id order, in
 * one transaction.  Returns the number indexed or -1; *complete tells
 * whether every stored event is indexed now. */
static gint64
writer_index_step (BotbenchEventStore  *self,
                   guint                max_rows,
                   gboolean            *complete,
                   GError             **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) used =
    g_ptr_array_new_with_free_func ((GDestroyNotify)_botbench_event_store_job_free);
  sqlite3_stmt *scan = self->fts_scan_stmt;
  gint64 watermark = 0;
  gint64 new_watermark;
  gint64 seq = 0;
  int rc;

  *complete = FALSE;

  if (!_botbench_event_store_exec_sql (self->wdb, "BEGIN IMMEDIATE",
                                       BOTBENCH_EVENT_STORE_ERROR_WRITE, error))
    return -1;

  /* Read inside the transaction: another process may have indexed. */
  if (!_botbench_event_store_query_int64 (self->wdb, "SELECT indexed_id FROM fts_state", &watermark,
                                          BOTBENCH_EVENT_STORE_ERROR_WRITE, error))
    goto failed;

  sqlite3_bind_int64 (scan, 1, watermark);
  sqlite3_bind_int64 (scan, 2, max_rows);
  while ((rc = sqlite3_step (scan)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (scan, 0);
      g_array_append_val (ids, id);
    }
  sqlite3_reset (scan);
  if (rc != SQLITE_DONE)
    {
      _botbench_event_store_set_sqlite_error (error, self->wdb, rc,
                                              BOTBENCH_EVENT_STORE_ERROR_WRITE,
                                              _("Cannot update the search index"));
      goto failed;
    }

  for (guint i = 0; i < ids->len; i++)
    {
      gint64 id = g_array_index (ids, gint64, i);
      Job *pending = NULL;
      Job *head;

      /* Pending jobs below this id were deleted (retention, clear) or
       * indexed by another process: nothing to do for them. */
      while ((head = g_queue_peek_head (&self->fts_pending)) != NULL && head->id <= id)
        {
          g_ptr_array_add (used, g_queue_pop_head (&self->fts_pending));
          if (head->id == id)
            pending = head;
        }

      if (pending != NULL)
        {
          rc = writer_index_row (self, id, pending->fts_event_name, pending->fts_message,
                                 pending->fts_search_text);
        }
      else
        {
          g_autoptr(BotbenchEvent) loaded = writer_load_row (self, id, &rc);

          if (loaded != NULL)
            {
              g_autofree char *search_text = _botbench_event_dup_search_text (loaded);

              rc = writer_index_row (self, id, botbench_event_get_event_name (loaded),
                                     botbench_event_get_message (loaded), search_text);
            }
        }

      if (rc != SQLITE_OK)
        break;
    }

  if (ids->len > 0 && rc != SQLITE_OK)
    {
      _botbench_event_store_set_sqlite_error (error, self->wdb, rc,
                                              BOTBENCH_EVENT_STORE_ERROR_WRITE,
                                              _("Cannot update the search index"));
      goto failed;
    }

  /* Fewer rows than asked for: every stored event is indexed, and the
   * watermark can cover the newest id even if that row is gone. */
  *complete = ids->len < max_rows;
  new_watermark = ids->len > 0 ? g_array_index (ids, gint64, ids->len - 1) : watermark;
  if (*complete)
    {
      if (!_botbench_event_store_query_int64 (self->wdb,
                                              "SELECT seq FROM sqlite_sequence WHERE name = 'events'",
                                              &seq, BOTBENCH_EVENT_STORE_ERROR_WRITE, error))
        goto failed;
      new_watermark = MAX (new_watermark, seq);
    }

  if (new_watermark != watermark)
    {
      g_autofree char *sql = g_strdup_printf ("UPDATE fts_state SET indexed_id = %" G_GINT64_FORMAT,
                                              new_watermark);

      if (!_botbench_event_store_exec_sql (self->wdb, sql, BOTBENCH_EVENT_STORE_ERROR_WRITE, error))
        goto failed;
    }

  if (!_botbench_event_store_exec_sql (self->wdb, "COMMIT",
                                       BOTBENCH_EVENT_STORE_ERROR_WRITE, error))
    goto failed;

  if (*complete)
    {
      /* What is left was deleted before it was indexed. */
      g_queue_clear_full (&self->fts_pending, (GDestroyNotify)_botbench_event_store_job_free);
      self->fts_dirty = FALSE;
    }

  _botbench_event_store_publish_indexed_id (self, new_watermark);

  if (ids->len > 0)
    {
      /* A list model showing a search counts the new matches now. */
      g_atomic_int_set (&self->added_pending, TRUE);
      _botbench_event_store_schedule_notify (self);
    }

  return ids->len;

failed:
  _botbench_event_store_rollback (self->wdb);
  /* The jobs taken off fts_pending were not indexed: the table has them. */
  if (used->len > 0)
    self->fts_dirty = TRUE;
  return -1;
}

/* One indexing transaction from the writer loop; failures are retried
 * later (the events are stored, only the index lags). */
void
_botbench_event_store_writer_index_some (BotbenchEventStore *self,
                                         guint               max_rows)
{
  g_autoptr(GError) error = NULL;
  gboolean complete = FALSE;

  if (writer_index_step (self, max_rows, &complete, &error) < 0)
    {
      g_debug ("Indexing failed, retrying later: %s", error->message);
      self->fts_retry_us = g_get_monotonic_time () + FTS_RETRY_US;
      return;
    }

  self->fts_retry_us = 0;
  if (complete)
    g_atomic_int_set (&self->index_urgent, FALSE);
}

/* Everything, in chunks: at open and before the writer stops. */
gboolean
_botbench_event_store_writer_index_all (BotbenchEventStore  *self,
                                        GError             **error)
{
  gboolean complete = FALSE;

  while (!complete)
    {
      if (writer_index_step (self, FTS_CATCHUP_CHUNK, &complete, error) < 0)
        return FALSE;
    }

  return TRUE;
}

static void
wake_writer (BotbenchEventStore *self)
{
  Job *job = _botbench_event_store_job_new (JOB_WAKE);

  if (!_botbench_event_store_push_job (self, job))
    _botbench_event_store_job_free (job);
}

void
_botbench_event_store_set_index_paused (BotbenchEventStore *self,
                                        gboolean            paused)
{
  g_return_if_fail (BOTBENCH_IS_EVENT_STORE (self));

  g_atomic_int_set (&self->index_paused, !!paused);
  if (!paused)
    wake_writer (self);
}

gint64
_botbench_event_store_get_indexed_id (BotbenchEventStore *self)
{
  gint64 indexed_id;

  g_return_val_if_fail (BOTBENCH_IS_EVENT_STORE (self), 0);

  g_mutex_lock (&self->state_lock);
  indexed_id = self->indexed_id;
  g_mutex_unlock (&self->state_lock);

  return indexed_id;
}

gboolean
_botbench_event_store_wait_indexed (BotbenchEventStore *self,
                                    gint64              id,
                                    guint               timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64)timeout_ms * G_TIME_SPAN_MILLISECOND;
  gboolean done;

  g_return_val_if_fail (BOTBENCH_IS_EVENT_STORE (self), FALSE);

  g_mutex_lock (&self->state_lock);
  done = self->indexed_id >= id;
  g_mutex_unlock (&self->state_lock);
  if (done)
    return TRUE;

  /* Index before the queued inserts; the writer may be waiting for work. */
  g_atomic_int_set (&self->index_urgent, TRUE);
  wake_writer (self);

  g_mutex_lock (&self->state_lock);
  while (self->indexed_id < id)
    {
      if (!g_cond_wait_until (&self->indexed_cond, &self->state_lock, deadline))
        break;
    }
  done = self->indexed_id >= id;
  g_mutex_unlock (&self->state_lock);

  return done;
}
