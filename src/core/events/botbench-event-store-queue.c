/* botbench-event-store-queue.c: jobs for the writer and its bounded queue
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every writing call becomes a Job on the writer's GAsyncQueue; a job ends
 * by returning its GTask on the caller's context, or by waking a
 * synchronous caller (Waiter).
 *
 * Back-pressure
 *   At most max_queued_events inserts (and max_queued_bytes of bodies) are
 *   queued or being written.  Beyond that an async insert waits in the
 *   waiting list, in order, with a timer on the caller's main context: the
 *   writer admits waiting inserts as it commits, and the timer fails those
 *   still waiting with BUSY.  Whoever takes the job off the list under the
 *   lock decides its fate, so a BUSY insert never reaches the database.
 */

#define G_LOG_DOMAIN "botbench-event-store"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "botbench-event-private.h"
#include "botbench-event-store-internal.h"

/* An insert waiting for room in the queue.  Two references: the waiting
 * list's and the timer's; job is NULL once someone took it.  No reference
 * on the store (its last one could then go on the writer, under the lock):
 * while the job waits its task holds one, and once the job is taken the
 * timer is destroyed before the task can complete on the same context. */
typedef struct
{
  gint                ref_count;   /* atomic */
  BotbenchEventStore *store;
  Job                *job;
  GSource            *timer;
  GList               link;        /* in waiting; data = the entry */
} WaitEntry;

static void
waiter_init (Waiter *waiter)
{
  memset (waiter, 0, sizeof *waiter);
  g_mutex_init (&waiter->mutex);
  g_cond_init (&waiter->cond);
}

static void
waiter_clear (Waiter *waiter)
{
  g_mutex_clear (&waiter->mutex);
  g_cond_clear (&waiter->cond);
  g_clear_error (&waiter->error);
}

static void
waiter_wait (Waiter *waiter)
{
  g_mutex_lock (&waiter->mutex);
  while (!waiter->done)
    g_cond_wait (&waiter->cond, &waiter->mutex);
  g_mutex_unlock (&waiter->mutex);
}

/* Takes error.  The waiter must not be touched afterwards: it lives on
 * the waiting thread's stack. */
static void
waiter_complete (Waiter *waiter,
                 gint64  result,
                 GError *error)
{
  g_mutex_lock (&waiter->mutex);
  waiter->result = result;
  waiter->error = error;
  waiter->done = TRUE;
  g_cond_signal (&waiter->cond);
  g_mutex_unlock (&waiter->mutex);
}

Job *
_botbench_event_store_job_new (JobKind kind)
{
  Job *job = g_new0 (Job, 1);

  job->kind = kind;
  return job;
}

/* Cheap on the caller's thread (the listener's): decoding the body for the
 * summary and the search text is left to the writer, which has a core of
 * its own.  BotbenchEvent decodes once, whichever thread asks first. */
Job *
_botbench_event_store_job_new_insert (BotbenchEvent *event)
{
  Job *job = _botbench_event_store_job_new (JOB_INSERT);
  GBytes *body = botbench_event_get_body (event);

  job->event = g_object_ref (event);
  job->bytes = body != NULL ? g_bytes_get_size (body) : 0;

  return job;
}

void
_botbench_event_store_job_free (Job *job)
{
  if (job == NULL)
    return;

  g_clear_object (&job->event);
  g_clear_object (&job->task);
  g_free (job->headers_json);
  g_free (job->fts_event_name);
  g_free (job->fts_message);
  g_free (job->fts_search_text);
  g_clear_pointer (&job->forward, botbench_forward_result_unref);
  g_clear_pointer (&job->fetch, _botbench_event_store_fetch_commit_free);
  g_free (job);
}

typedef struct
{
  GTask  *task;
  GError *error;
} TaskReturn;

static gboolean
task_return_cb (gpointer data)
{
  TaskReturn *ret = data;

  if (ret->error != NULL)
    g_task_return_error (ret->task, g_steal_pointer (&ret->error));
  else
    g_task_return_boolean (ret->task, TRUE);

  return G_SOURCE_REMOVE;
}

static void
task_return_free (gpointer data)
{
  TaskReturn *ret = data;

  g_clear_error (&ret->error);
  g_clear_object (&ret->task);
  g_free (ret);
}

/* Returns the task from its own context, and drops it there.  Were the
 * writer to return it and then unref it, its unref could be the last one
 * (the callback may already have run), finalizing the task on the writer
 * thread, and with it possibly the store, whose dispose joins the writer. */
static void
task_return_on_context (GTask  *task,
                        GError *error)
{
  TaskReturn *ret = g_new0 (TaskReturn, 1);
  GSource *source;

  ret->task = task;
  ret->error = error;

  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, task_return_cb, ret, task_return_free);
  g_source_set_static_name (source, "[botbench] event stored");
  g_source_attach (source, g_task_get_context (task));
  g_source_unref (source);
}

/* Ends a job with a result or an error (taken). */
void
_botbench_event_store_job_finish (Job    *job,
                                  gint64  result,
                                  GError *error)
{
  g_assert (!job->finished);

  job->finished = TRUE;

  if (job->task != NULL)
    {
      task_return_on_context (g_steal_pointer (&job->task), error);
    }
  else if (job->waiter != NULL)
    {
      waiter_complete (g_steal_pointer (&job->waiter), result, error);
    }
  else if (error != NULL)
    {
      g_debug ("Background job failed: %s", error->message);
      g_error_free (error);
    }
}

gboolean
_botbench_event_store_push_job (BotbenchEventStore *self,
                                Job                *job)
{
  gboolean pushed = FALSE;

  g_mutex_lock (&self->lock);
  if (!self->closed)
    {
      g_async_queue_push (self->queue, job);
      pushed = TRUE;
    }
  g_mutex_unlock (&self->lock);

  return pushed;
}

void
_botbench_event_store_set_closed_error (GError **error)
{
  g_set_error_literal (error, BOTBENCH_EVENT_STORE_ERROR, BOTBENCH_EVENT_STORE_ERROR_CLOSED,
                       _("The event store is closed"));
}

GError *
_botbench_event_store_new_busy_error (void)
{
  return g_error_new_literal (BOTBENCH_EVENT_STORE_ERROR, BOTBENCH_EVENT_STORE_ERROR_BUSY,
                              _("The event was not stored: the writer is behind, try again later"));
}

/* With lock held.  An empty queue always takes one event, however big. */
gboolean
_botbench_event_store_has_room_locked (BotbenchEventStore *self,
                                       gsize               bytes)
{
  return self->queued_events == 0 ||
         (self->queued_events < self->max_queued_events &&
          self->queued_bytes + bytes <= self->max_queued_bytes);
}

/* With lock held: counts an insert and hands it to the writer. */
void
_botbench_event_store_admit_locked (BotbenchEventStore *self,
                                    Job                *job)
{
  job->counted = TRUE;
  self->queued_events++;
  self->queued_bytes += job->bytes;
  g_async_queue_push (self->queue, job);
}

static void
wait_entry_unref (gpointer data)
{
  WaitEntry *entry = data;

  if (!g_atomic_int_dec_and_test (&entry->ref_count))
    return;

  g_assert (entry->job == NULL);
  g_clear_pointer (&entry->timer, g_source_unref);
  g_free (entry);
}

/* With lock held: takes the entry off the waiting list and stops its timer
 * (the callback, if it is running already, finds no job).  Returns the job. */
static Job *
wait_entry_take_locked (BotbenchEventStore *self,
                        WaitEntry          *entry)
{
  Job *job = g_steal_pointer (&entry->job);

  g_queue_unlink (&self->waiting, &entry->link);
  g_source_destroy (entry->timer);
  wait_entry_unref (entry);

  return job;
}

/* With lock held: lets waiting inserts in, oldest first, while there is room. */
void
_botbench_event_store_admit_waiting_locked (BotbenchEventStore *self,
                                            gboolean            force)
{
  while (self->waiting.head != NULL)
    {
      WaitEntry *entry = self->waiting.head->data;

      if (!force && !_botbench_event_store_has_room_locked (self, entry->job->bytes))
        break;

      _botbench_event_store_admit_locked (self, wait_entry_take_locked (self, entry));
    }
}

/* On the caller's context: the insert waited long enough. */
static gboolean
wait_entry_expired_cb (gpointer data)
{
  WaitEntry *entry = data;
  BotbenchEventStore *self = entry->store;
  Job *job;

  g_mutex_lock (&self->lock);
  job = g_steal_pointer (&entry->job);
  if (job != NULL)
    {
      g_queue_unlink (&self->waiting, &entry->link);
      g_debug ("Insert queue full (%u events, %" G_GUINT64_FORMAT " bytes) for %u ms: busy",
               self->queued_events, self->queued_bytes, self->queue_wait_ms);
    }
  g_mutex_unlock (&self->lock);

  if (job != NULL)
    {
      _botbench_event_store_job_finish (job, 0, _botbench_event_store_new_busy_error ());
      _botbench_event_store_job_free (job);
      /* The waiting list's reference. */
      wait_entry_unref (entry);
    }

  return G_SOURCE_REMOVE;
}

/* With lock held: queues an insert that found no room. */
void
_botbench_event_store_wait_for_room_locked (BotbenchEventStore *self,
                                            Job                *job)
{
  WaitEntry *entry = g_new0 (WaitEntry, 1);

  entry->ref_count = 2;
  entry->store = self;
  entry->job = job;
  entry->link.data = entry;
  entry->timer = g_timeout_source_new (self->queue_wait_ms);
  g_source_set_priority (entry->timer, G_PRIORITY_DEFAULT);
  g_source_set_callback (entry->timer, wait_entry_expired_cb, entry, wait_entry_unref);
  g_source_set_static_name (entry->timer, "[botbench] insert waits for room");
  g_queue_push_tail_link (&self->waiting, &entry->link);
  g_source_attach (entry->timer, g_task_get_context (job->task));
}

/* Writer: n inserts and their bytes left the queue (written or failed). */
void
_botbench_event_store_release_room (BotbenchEventStore *self,
                                    guint               n,
                                    guint64             bytes)
{
  if (n == 0)
    return;

  g_mutex_lock (&self->lock);
  g_assert (self->queued_events >= n && self->queued_bytes >= bytes);
  self->queued_events -= n;
  self->queued_bytes -= bytes;
  _botbench_event_store_admit_waiting_locked (self, FALSE);
  g_cond_broadcast (&self->room_cond);
  g_mutex_unlock (&self->lock);
}

/* Pushes a job and waits for the writer to finish it.  An insert first
 * waits for room, as long as an async one would. */
gint64
_botbench_event_store_run_job_sync (BotbenchEventStore  *self,
                                    Job                 *job,
                                    GError             **error)
{
  Waiter waiter;
  gint64 result;
  gboolean closed;
  gboolean busy = FALSE;

  waiter_init (&waiter);
  job->waiter = &waiter;

  g_mutex_lock (&self->lock);
  if (job->kind == JOB_INSERT)
    {
      gint64 deadline = g_get_monotonic_time () + (gint64)self->queue_wait_ms * G_TIME_SPAN_MILLISECOND;

      while (!self->closed &&
             (self->waiting.head != NULL ||
              !_botbench_event_store_has_room_locked (self, job->bytes)))
        {
          if (!g_cond_wait_until (&self->room_cond, &self->lock, deadline))
            {
              busy = !self->closed &&
                     (self->waiting.head != NULL ||
                      !_botbench_event_store_has_room_locked (self, job->bytes));
              break;
            }
        }
    }
  closed = self->closed;
  if (!closed && !busy)
    {
      if (job->kind == JOB_INSERT)
        _botbench_event_store_admit_locked (self, job);
      else
        g_async_queue_push (self->queue, job);
    }
  g_mutex_unlock (&self->lock);

  if (closed || busy)
    {
      _botbench_event_store_job_free (job);
      waiter_clear (&waiter);
      if (closed)
        _botbench_event_store_set_closed_error (error);
      else
        g_propagate_error (error, _botbench_event_store_new_busy_error ());
      return -1;
    }

  waiter_wait (&waiter);

  result = waiter.result;
  if (waiter.error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&waiter.error));
      result = -1;
    }

  waiter_clear (&waiter);
  return result;
}
