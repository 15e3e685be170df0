/* botbench-event-store-fetch.c: fetched events and the fetch state, committed together
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Fetch mode (imbot.v2.Event.get) acknowledges events by the offset of the
 * next call, and the portal deletes what it acknowledges.  Exactly-once
 * into the store therefore needs the events and the offset that follows
 * them in one transaction: a JOB_FETCHED job inserts the events not seen
 * before (the UNIQUE (fetch_portal, fetch_bot, fetch_event_id) index and a
 * look-up skip a re-delivered one) and upserts fetch_state, on the writer
 * thread, then answers the caller; only then does the poller send the
 * offset.  A crash before the COMMIT leaves the old offset (the portal
 * re-delivers); a crash after it leaves the new one (nothing is lost, the
 * next call acknowledges).
 */

#define G_LOG_DOMAIN "botbench-event-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "botbench-event-private.h"
#include "botbench-event-store-internal.h"

void
_botbench_event_store_fetch_commit_free (FetchCommit *fetch)
{
  if (fetch == NULL)
    return;

  g_free (fetch->portal);
  g_clear_pointer (&fetch->events, g_ptr_array_unref);
  g_clear_pointer (&fetch->stored, g_ptr_array_unref);
  g_free (fetch);
}

/* SQLITE_ROW when the bot's portal event id is stored already. */
static int
writer_fetch_seen (BotbenchEventStore *self,
                   BotbenchEvent      *event)
{
  sqlite3_stmt *stmt = self->fetch_seen_stmt;
  int rc;

  bind_text (stmt, 1, botbench_event_get_fetch_portal (event));
  sqlite3_bind_int64 (stmt, 2, botbench_event_get_fetch_bot_id (event));
  sqlite3_bind_int64 (stmt, 3, botbench_event_get_fetch_event_id (event));
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);

  return rc;
}

static int
writer_fetch_state (BotbenchEventStore *self,
                    FetchCommit        *fetch,
                    gint64              last_event_id)
{
  sqlite3_stmt *stmt = self->fetch_state_stmt;
  int rc;

  bind_text (stmt, 1, fetch->portal);
  sqlite3_bind_int64 (stmt, 2, fetch->bot_id);
  sqlite3_bind_int64 (stmt, 3, fetch->next_offset);
  sqlite3_bind_int64 (stmt, 4, last_event_id);
  sqlite3_bind_int64 (stmt, 5, g_get_real_time ());
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);

  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

void
_botbench_event_store_writer_fetched (BotbenchEventStore *self,
                                      Job                *job)
{
  FetchCommit *fetch = job->fetch;
  g_autoptr(GPtrArray) batch =
    g_ptr_array_new_with_free_func ((GDestroyNotify)_botbench_event_store_job_free);
  g_autofree char *message = NULL;
  gint64 last_event_id = 0;
  guint n_rows = 0;
  int rc;

  rc = sqlite3_exec (self->wdb, "BEGIN IMMEDIATE", NULL, NULL, NULL);

  for (guint i = 0; rc == SQLITE_OK && i < fetch->events->len; i++)
    {
      BotbenchEvent *event = g_ptr_array_index (fetch->events, i);
      Job *child = _botbench_event_store_job_new_insert (event);

      g_ptr_array_add (batch, child);
      last_event_id = MAX (last_event_id, botbench_event_get_fetch_event_id (event));

      rc = writer_fetch_seen (self, event);
      if (rc == SQLITE_ROW)
        {
          /* A re-delivery: stored before, skipped now. */
          child->finished = TRUE;
          rc = SQLITE_OK;
          continue;
        }
      if (rc != SQLITE_DONE)
        break;

      rc = _botbench_event_store_writer_insert_one (self, child);
      n_rows++;
    }

  if (rc == SQLITE_OK)
    rc = writer_fetch_state (self, fetch, last_event_id);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (self->wdb, "COMMIT", NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      message = g_strdup (sqlite3_errmsg (self->wdb));
      _botbench_event_store_rollback (self->wdb);
      g_debug ("Storing %u fetched events failed: %s", fetch->events->len, message);
      _botbench_event_store_job_finish (job, 0,
                                        g_error_new (BOTBENCH_EVENT_STORE_ERROR,
                                                     BOTBENCH_EVENT_STORE_ERROR_WRITE,
                                                     _("Could not store the fetched events: %s"),
                                                     message));
      return;
    }

  for (guint i = 0; i < batch->len; i++)
    {
      Job *child = g_ptr_array_index (batch, i);

      if (!child->finished)
        g_ptr_array_add (fetch->stored, g_object_ref (child->event));
    }

  _botbench_event_store_writer_committed (self, batch, n_rows);
  _botbench_event_store_job_finish (job, n_rows, NULL);
}

static Job *
job_new_fetched (const char *portal,
                 gint64      bot_id,
                 GPtrArray  *events,
                 gint64      next_offset)
{
  Job *job = _botbench_event_store_job_new (JOB_FETCHED);
  FetchCommit *fetch = g_new0 (FetchCommit, 1);

  fetch->portal = g_strdup (portal);
  fetch->bot_id = bot_id;
  fetch->next_offset = MAX (next_offset, 0);
  fetch->events = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; events != NULL && i < events->len; i++)
    {
      BotbenchEvent *event = g_ptr_array_index (events, i);

      g_return_val_if_fail (botbench_event_get_source (event) == BOTBENCH_EVENT_SOURCE_FETCHED, NULL);
      g_ptr_array_add (fetch->events, g_object_ref (event));
    }
  fetch->stored = g_ptr_array_new_with_free_func (g_object_unref);
  job->fetch = fetch;

  return job;
}

void
botbench_event_store_commit_fetched_async (BotbenchEventStore  *self,
                                           const char          *portal,
                                           gint64               bot_id,
                                           GPtrArray           *events,
                                           gint64               next_offset,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Job *job;

  g_return_if_fail (BOTBENCH_IS_EVENT_STORE (self));
  g_return_if_fail (portal != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, botbench_event_store_commit_fetched_async);
  /* Once committed, the offset moved: report it even if cancelled. */
  g_task_set_check_cancellable (task, FALSE);

  job = job_new_fetched (portal, bot_id, events, next_offset);
  if (job == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "An event to commit was not marked as fetched");
      return;
    }
  g_task_set_task_data (task, g_ptr_array_ref (job->fetch->stored),
                        (GDestroyNotify)g_ptr_array_unref);
  job->task = g_object_ref (task);

  if (!_botbench_event_store_push_job (self, job))
    {
      g_clear_object (&job->task);
      _botbench_event_store_job_free (job);
      g_task_return_new_error (task, BOTBENCH_EVENT_STORE_ERROR,
                               BOTBENCH_EVENT_STORE_ERROR_CLOSED,
                               _("The event store is closed"));
    }
}

GPtrArray *
botbench_event_store_commit_fetched_finish (BotbenchEventStore  *self,
                                            GAsyncResult        *result,
                                            GError             **error)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENT_STORE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        botbench_event_store_commit_fetched_async, NULL);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;

  return g_ptr_array_ref (g_task_get_task_data (G_TASK (result)));
}

GPtrArray *
botbench_event_store_commit_fetched (BotbenchEventStore  *self,
                                     const char          *portal,
                                     gint64               bot_id,
                                     GPtrArray           *events,
                                     gint64               next_offset,
                                     GError             **error)
{
  g_autoptr(GPtrArray) stored = NULL;
  Job *job;

  g_return_val_if_fail (BOTBENCH_IS_EVENT_STORE (self), NULL);
  g_return_val_if_fail (portal != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  job = job_new_fetched (portal, bot_id, events, next_offset);
  g_return_val_if_fail (job != NULL, NULL);
  stored = g_ptr_array_ref (job->fetch->stored);

  if (_botbench_event_store_run_job_sync (self, job, error) < 0)
    return NULL;

  return g_steal_pointer (&stored);
}
