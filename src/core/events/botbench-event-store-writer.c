/* botbench-event-store-writer.c: the writer thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The one thread that writes: it pops jobs off the queue, writes inserts
 * in group commits (one BEGIN IMMEDIATE ... COMMIT for up to MAX_BATCH
 * queued events) and answers each caller only after the COMMIT, and
 * between jobs takes turns with the full-text index
 * (botbench-event-store-index.c) and retention
 * (botbench-event-store-retention.c).
 */

#define G_LOG_DOMAIN "botbench-event-store"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "botbench-event-private.h"
#include "botbench-event-store-internal.h"

#define MAX_BATCH                512

static int writer_forward_row (BotbenchEventStore    *self,
                               gint64                 id,
                               BotbenchForwardResult *forward);

int
_botbench_event_store_writer_insert_one (BotbenchEventStore *self,
                                         Job                *job)
{
  BotbenchEvent *event = job->event;
  sqlite3_stmt *stmt = self->insert_stmt;
  GBytes *body = botbench_event_get_body (event);
  gconstpointer data = NULL;
  gsize len = 0;
  int rc;

  if (body != NULL)
    data = g_bytes_get_data (body, &len);

  sqlite3_bind_int64 (stmt, 1, botbench_event_get_received (event));
  bind_text (stmt, 2, botbench_event_get_remote_address (event));
  bind_text (stmt, 3, botbench_event_get_method (event));
  bind_text (stmt, 4, botbench_event_get_path (event));
  bind_text (stmt, 5, botbench_event_get_query (event));
  if (job->headers_json == NULL)
    job->headers_json = _botbench_event_dup_headers_json (event);
  bind_text (stmt, 6, job->headers_json);
  bind_text (stmt, 7, botbench_event_get_content_type (event));
  /* A NULL pointer would store SQL NULL; an empty body is a zero-length blob. */
  sqlite3_bind_blob64 (stmt, 8, data != NULL ? data : "", len, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 9, len);
  bind_text (stmt, 10, botbench_event_get_event_name (event));
  bind_text (stmt, 11, botbench_event_get_bot_id (event));
  bind_text (stmt, 12, botbench_event_get_bot_code (event));
  bind_text (stmt, 13, botbench_event_get_message (event));
  if (botbench_event_get_replay_of (event) > 0)
    sqlite3_bind_int64 (stmt, 14, botbench_event_get_replay_of (event));
  else
    sqlite3_bind_null (stmt, 14);
  bind_text (stmt, 15, botbench_token_state_to_string (botbench_event_get_token_state (event)));
  sqlite3_bind_int (stmt, 16, botbench_event_get_rejected (event) ? 1 : 0);
  bind_text (stmt, 17, botbench_event_source_to_string (botbench_event_get_source (event)));
  if (botbench_event_get_source (event) == BOTBENCH_EVENT_SOURCE_FETCHED &&
      botbench_event_get_fetch_portal (event) != NULL)
    {
      bind_text (stmt, 18, botbench_event_get_fetch_portal (event));
      sqlite3_bind_int64 (stmt, 19, botbench_event_get_fetch_bot_id (event));
      sqlite3_bind_int64 (stmt, 20, botbench_event_get_fetch_event_id (event));
    }
  else
    {
      sqlite3_bind_null (stmt, 18);
      sqlite3_bind_null (stmt, 19);
      sqlite3_bind_null (stmt, 20);
    }

  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  if (rc != SQLITE_DONE)
    return rc;

  job->id = sqlite3_last_insert_rowid (self->wdb);

  /* A forward the event already has (the listener's pending one, an
   * import's answer) is stored in the same transaction: a forward cut
   * short by a crash stays visible as pending. */
  if (botbench_event_get_forward (event) != NULL)
    return writer_forward_row (self, job->id, botbench_event_get_forward (event));

  return SQLITE_OK;
}

/* One group commit; takes the jobs out of batch.  Either every job in the
 * batch gets its id, or every job gets the same WRITE error: nothing is
 * dropped silently.  Committed jobs move on to fts_pending. */
static void
writer_insert_batch (BotbenchEventStore *self,
                     GPtrArray          *batch)
{
  g_autofree char *message = NULL;
  guint64 bytes = 0;
  guint n_counted = 0;
  guint n_rows = 0;
  guint delay_ms;
  int rc;

  /* Cancelled before it reached the database: not stored, say so. */
  for (guint i = 0; i < batch->len; i++)
    {
      Job *job = g_ptr_array_index (batch, i);

      if (job->counted)
        {
          n_counted++;
          bytes += job->bytes;
        }
      if (job->task != NULL && g_cancellable_is_cancelled (g_task_get_cancellable (job->task)))
        _botbench_event_store_job_finish (job, 0,
                                          g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                               _("The event was not stored: the operation was cancelled")));
    }

  delay_ms = (guint)g_atomic_int_get (&self->writer_delay_ms);
  if (delay_ms > 0)
    g_usleep (delay_ms * G_TIME_SPAN_MILLISECOND);

  rc = sqlite3_exec (self->wdb, "BEGIN IMMEDIATE", NULL, NULL, NULL);

  for (guint i = 0; rc == SQLITE_OK && i < batch->len; i++)
    {
      Job *job = g_ptr_array_index (batch, i);

      if (job->finished)
        continue;

      rc = _botbench_event_store_writer_insert_one (self, job);
      n_rows++;
    }

  if (rc == SQLITE_OK)
    rc = sqlite3_exec (self->wdb, "COMMIT", NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      message = g_strdup (sqlite3_errmsg (self->wdb));
      _botbench_event_store_rollback (self->wdb);
      g_debug ("Group commit of %u events failed: %s", batch->len, message);

      for (guint i = 0; i < batch->len; i++)
        {
          Job *job = g_ptr_array_index (batch, i);

          if (!job->finished)
            _botbench_event_store_job_finish (job, 0,
                                              g_error_new (BOTBENCH_EVENT_STORE_ERROR,
                                                           BOTBENCH_EVENT_STORE_ERROR_WRITE,
                                                           _("Could not store the event: %s"),
                                                           message));
        }
      g_ptr_array_set_size (batch, 0);
      _botbench_event_store_release_room (self, n_counted, bytes);
      return;
    }

  _botbench_event_store_writer_committed (self, batch, n_rows);
  _botbench_event_store_release_room (self, n_counted, bytes);
}

void
_botbench_event_store_writer_committed (BotbenchEventStore *self,
                                        GPtrArray          *batch,
                                        guint               n_rows)
{
  gint64 last_id = 0;
  gint64 now;

  for (guint i = 0; i < batch->len; i++)
    {
      Job *job = g_ptr_array_index (batch, i);

      if (!job->finished)
        last_id = MAX (last_id, job->id);
    }

  /* Publish the id before any caller learns about it. */
  g_mutex_lock (&self->state_lock);
  self->last_id = MAX (self->last_id, last_id);
  g_mutex_unlock (&self->state_lock);

  now = g_get_monotonic_time ();
  for (guint i = 0; i < batch->len; i++)
    {
      Job *job = g_ptr_array_index (batch, i);

      if (job->finished)
        continue;

      _botbench_event_set_id (job->event, job->id);
      _botbench_event_store_job_finish (job, job->id, NULL);
    }

  self->inserts_since_retention += n_rows;

  if (n_rows > 0)
    {
      g_atomic_int_set (&self->added_pending, TRUE);
      _botbench_event_store_schedule_notify (self);
    }

  /* Every caller has its answer.  Keep the text for the full-text batch
   * while the event is decoded anyway; ids grow within a batch and from
   * batch to batch. */
  for (guint i = 0; i < batch->len; i++)
    {
      Job *job = g_ptr_array_index (batch, i);

      if (job->id == 0)
        continue;

      job->committed_us = now;
      job->fts_event_name = g_strdup (botbench_event_get_event_name (job->event));
      job->fts_message = g_strdup (botbench_event_get_message (job->event));
      job->fts_search_text = _botbench_event_dup_search_text (job->event);
      g_clear_object (&job->event);
      g_clear_pointer (&job->headers_json, g_free);
      g_queue_push_tail (&self->fts_pending, job);
      batch->pdata[i] = NULL;
    }
  g_ptr_array_set_size (batch, 0);
}

/* Upserts event id's forwards row (nothing when the event is gone). */
static int
writer_forward_row (BotbenchEventStore    *self,
                    gint64                 id,
                    BotbenchForwardResult *forward)
{
  sqlite3_stmt *stmt = self->forward_stmt;
  g_autofree char *headers_json = botbench_forward_result_dup_headers_json (forward);
  GBytes *body = botbench_forward_result_get_response_body (forward);
  const char *error = botbench_forward_result_get_error (forward);
  int rc;

  sqlite3_bind_int64 (stmt, 1, id);
  bind_text (stmt, 2, botbench_forward_result_get_url (forward));
  bind_text (stmt, 3, botbench_forward_state_to_string (botbench_forward_result_get_state (forward)));
  if (botbench_forward_result_get_status (forward) != 0)
    sqlite3_bind_int64 (stmt, 4, botbench_forward_result_get_status (forward));
  else
    sqlite3_bind_null (stmt, 4);
  if (botbench_forward_result_get_duration_ms (forward) >= 0)
    sqlite3_bind_int64 (stmt, 5, botbench_forward_result_get_duration_ms (forward));
  else
    sqlite3_bind_null (stmt, 5);
  bind_text (stmt, 6, error);
  bind_text (stmt, 7, headers_json);
  if (body != NULL)
    {
      gsize len = 0;
      gconstpointer data = g_bytes_get_data (body, &len);

      sqlite3_bind_blob64 (stmt, 8, data != NULL ? data : "", len, SQLITE_STATIC);
    }
  else
    sqlite3_bind_null (stmt, 8);
  sqlite3_bind_int64 (stmt, 9, (sqlite3_int64)botbench_forward_result_get_response_size (forward));
  sqlite3_bind_int64 (stmt, 10, botbench_forward_result_get_finished (forward));

  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);

  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static int
writer_forward_one (BotbenchEventStore *self,
                    Job                *job)
{
  return writer_forward_row (self, job->id, job->forward);
}

/* Upserts the forwards rows of a run of JOB_FORWARD jobs in one
 * transaction, then tells each caller and emits "forward-recorded". */
static void
writer_forward_batch (BotbenchEventStore *self,
                      GPtrArray          *batch)
{
  g_autofree char *message = NULL;
  int rc;

  rc = sqlite3_exec (self->wdb, "BEGIN IMMEDIATE", NULL, NULL, NULL);
  for (guint i = 0; rc == SQLITE_OK && i < batch->len; i++)
    rc = writer_forward_one (self, g_ptr_array_index (batch, i));
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (self->wdb, "COMMIT", NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      message = g_strdup (sqlite3_errmsg (self->wdb));
      _botbench_event_store_rollback (self->wdb);
      g_debug ("Recording %u forwards failed: %s", batch->len, message);
    }

  for (guint i = 0; i < batch->len; i++)
    {
      Job *job = g_ptr_array_index (batch, i);

      if (rc != SQLITE_OK)
        {
          _botbench_event_store_job_finish (job, 0,
                                            g_error_new (BOTBENCH_EVENT_STORE_ERROR,
                                                         BOTBENCH_EVENT_STORE_ERROR_WRITE,
                                                         _("Could not store the handler’s answer: %s"),
                                                         message));
          continue;
        }

      _botbench_event_store_emit_forward_recorded (self, job->id);
      _botbench_event_store_job_finish (job, job->id, NULL);
    }

  g_ptr_array_set_size (batch, 0);
}

static void
writer_disk_full (BotbenchEventStore *self,
                  gboolean            full)
{
  g_autofree char *sql = NULL;
  gint64 pages = self->default_max_page_count;

  if (full)
    _botbench_event_store_query_int64 (self->wdb, "PRAGMA page_count", &pages,
                                       BOTBENCH_EVENT_STORE_ERROR_WRITE, NULL);

  sql = g_strdup_printf ("PRAGMA max_page_count = %" G_GINT64_FORMAT, pages);
  _botbench_event_store_exec_sql (self->wdb, sql, BOTBENCH_EVENT_STORE_ERROR_WRITE, NULL);
}

gpointer
_botbench_event_store_writer_thread (gpointer data)
{
  BotbenchEventStore *self = data;
  g_autoptr(GPtrArray) batch =
    g_ptr_array_new_with_free_func ((GDestroyNotify)_botbench_event_store_job_free);
  Job *deferred = NULL;
  gboolean running = TRUE;
  gboolean indexed_last = FALSE;

  while (running)
    {
      GError *error = NULL;
      gint64 now = g_get_monotonic_time ();
      gint64 index_due = G_MAXINT64;
      Job *job;
      gint64 n;

      /* Forced indexing takes turns with queued work, so that neither
       * waits for long under sustained load. */
      if (deferred != NULL)
        job = g_steal_pointer (&deferred);
      else if (!indexed_last && _botbench_event_store_writer_index_forced (self, now))
        {
          _botbench_event_store_writer_index_some (self, FTS_BUSY_CHUNK);
          indexed_last = TRUE;
          continue;
        }
      else
        {
          /* Wait for a job, but no longer than until indexing or a
           * retention step is due. */
          gint64 wake = now + RETENTION_EVERY_US;

          index_due = _botbench_event_store_writer_index_due_us (self);
          if (self->retention_more)
            wake = now;
          wake = MIN (wake, index_due);

          if (wake <= now)
            job = g_async_queue_try_pop (self->queue);
          else
            job = g_async_queue_timeout_pop (self->queue, wake - now);

          if (job == NULL)
            {
              /* Idle: index a short chunk, then look at the queue again;
               * otherwise a retention step (idle for RETENTION_EVERY_US,
               * or the last step left more to delete). */
              if (_botbench_event_store_writer_index_due_us (self) <= g_get_monotonic_time ())
                _botbench_event_store_writer_index_some (self, FTS_IDLE_CHUNK);
              else if (self->retention_more || index_due >= now + RETENTION_EVERY_US)
                _botbench_event_store_writer_maybe_retention (self, TRUE);
              continue;
            }
        }

      indexed_last = FALSE;

      switch (job->kind)
        {
        case JOB_INSERT:
          g_ptr_array_add (batch, job);
          while (batch->len < MAX_BATCH)
            {
              Job *next = g_async_queue_try_pop (self->queue);

              if (next == NULL)
                break;
              if (next->kind != JOB_INSERT)
                {
                  deferred = next;
                  break;
                }
              g_ptr_array_add (batch, next);
            }
          writer_insert_batch (self, batch);
          _botbench_event_store_writer_maybe_retention (self, FALSE);
          continue;

        case JOB_RETENTION:
          if (job->waiter != NULL)
            {
              n = _botbench_event_store_writer_retention_all (self, &error);
              _botbench_event_store_job_finish (job, n, error);
            }
          else
            {
              _botbench_event_store_writer_maybe_retention (self, TRUE);
              _botbench_event_store_job_finish (job, 0, NULL);
            }
          break;

        case JOB_CLEAR:
          n = _botbench_event_store_writer_clear (self, &error);
          _botbench_event_store_job_finish (job, n, error);
          break;

        case JOB_DISK_FULL:
          writer_disk_full (self, job->flag);
          _botbench_event_store_job_finish (job, 0, NULL);
          break;

        case JOB_FORWARD:
          {
            g_autoptr(GPtrArray) forwards =
              g_ptr_array_new_with_free_func ((GDestroyNotify)_botbench_event_store_job_free);

            g_ptr_array_add (forwards, job);
            while (forwards->len < MAX_BATCH)
              {
                Job *next = g_async_queue_try_pop (self->queue);

                if (next == NULL)
                  break;
                if (next->kind != JOB_FORWARD)
                  {
                    deferred = next;
                    break;
                  }
                g_ptr_array_add (forwards, next);
              }
            writer_forward_batch (self, forwards);
          }
          continue;

        case JOB_FETCHED:
          _botbench_event_store_writer_fetched (self, job);
          _botbench_event_store_writer_maybe_retention (self, FALSE);
          break;

        case JOB_WAKE:
          /* Only to look at the index state again. */
          _botbench_event_store_job_finish (job, 0, NULL);
          break;

        case JOB_STOP:
          /* A clean close leaves nothing for the next open to index. */
          if (!g_atomic_int_get (&self->index_paused) &&
              (self->fts_pending.length > 0 || self->fts_dirty) &&
              !_botbench_event_store_writer_index_all (self, &error))
            {
              g_debug ("Indexing at close failed; the next open catches up: %s", error->message);
              g_clear_error (&error);
            }
          running = FALSE;
          _botbench_event_store_job_finish (job, 0, NULL);
          break;

        default:
          g_assert_not_reached ();
        }

      _botbench_event_store_job_free (job);
    }

  g_queue_clear_full (&self->fts_pending, (GDestroyNotify)_botbench_event_store_job_free);
  g_clear_pointer (&self->insert_stmt, sqlite3_finalize);
  g_clear_pointer (&self->insert_fts_stmt, sqlite3_finalize);
  g_clear_pointer (&self->fts_scan_stmt, sqlite3_finalize);
  g_clear_pointer (&self->fts_row_stmt, sqlite3_finalize);
  g_clear_pointer (&self->forward_stmt, sqlite3_finalize);
  g_clear_pointer (&self->fetch_seen_stmt, sqlite3_finalize);
  g_clear_pointer (&self->fetch_state_stmt, sqlite3_finalize);
  g_clear_pointer (&self->wdb, sqlite3_close);

  return NULL;
}
