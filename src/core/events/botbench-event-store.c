/* botbench-event-store.c: durable SQLite store of received events
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Threads and connections
 *   One writer thread owns the only writing connection.  insert_async() and
 *   the other writing calls push a Job onto a GAsyncQueue; the writer pops
 *   one job (blocking), drains up to MAX_BATCH more queued inserts, and
 *   writes them in one BEGIN IMMEDIATE … COMMIT (group commit).  Only then
 *   does each event get its id and its GTask return, so a caller that
 *   answers "200" from its callback never acknowledges an event that is not
 *   in the database.  Readers borrow a connection from a small pool (one
 *   connection is used by one thread at a time) with cached prepared
 *   statements; in WAL mode they never block the writer or each other.
 *
 * Durability
 *   journal_mode=WAL with synchronous=NORMAL.  COMMIT appends the
 *   transaction to the -wal file with write(2) before it returns, so once
 *   an insert has completed the event survives the process being killed
 *   (kill -9, crash, OOM killer): the next open replays the WAL.  Only an
 *   operating-system crash or power loss can lose the last transactions
 *   (never corrupt the file), because the WAL is fsync()ed at checkpoints
 *   rather than at every COMMIT; synchronous=FULL would close that window
 *   at the price of one fsync per group commit.
 *
 * Notifications
 *   The writer never emits signals.  After a COMMIT it sets an atomic
 *   "pending" flag and, unless one is already scheduled, attaches one
 *   timeout source to the main context that created the store.  The source
 *   fires no sooner than NOTIFY_INTERVAL after the previous emission and no
 *   later than NOTIFY_INTERVAL after the commit, so "events-added" and
 *   "events-removed" come at most ~10 times a second under any load.
 *
 * This file is the GObject: properties, signals, open and close, the
 * writing entry points (which queue jobs for the writer) and the writer's
 * test hooks.  The rest is split by job, see the list in
 * botbench-event-store-internal.h: the queue and its back-pressure, the
 * schema, the writer thread, the full-text index, retention and clear,
 * and the readers.
 */

#define G_LOG_DOMAIN "botbench-event-store"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "botbench-event-private.h"
#include "botbench-event-store-internal.h"

#define NOTIFY_INTERVAL_US       (100 * G_TIME_SPAN_MILLISECOND)

/* Back-pressure defaults (the properties). */
#define DEFAULT_MAX_QUEUED_EVENTS 10000
#define DEFAULT_MAX_QUEUED_BYTES  (G_GUINT64_CONSTANT (64) * 1024 * 1024)
#define DEFAULT_QUEUE_WAIT_MS     2000

G_DEFINE_FINAL_TYPE (BotbenchEventStore, botbench_event_store, G_TYPE_OBJECT)

G_DEFINE_QUARK (botbench-event-store-error-quark, botbench_event_store_error)

enum {
  EVENTS_ADDED,
  EVENTS_REMOVED,
  FORWARD_RECORDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

enum {
  PROP_0,
  PROP_MAX_QUEUED_EVENTS,
  PROP_MAX_QUEUED_BYTES,
  PROP_QUEUE_WAIT_MS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
botbench_event_store_notify_cb (gpointer data)
{
  g_autoptr(BotbenchEventStore) self = g_object_ref (data);
  gboolean added;
  gboolean removed;

  /* Clear the source first: a commit from now on schedules a new one. */
  g_mutex_lock (&self->notify_lock);
  g_clear_pointer (&self->notify_source, g_source_unref);
  self->last_notify_us = g_get_monotonic_time ();
  g_mutex_unlock (&self->notify_lock);

  removed = g_atomic_int_exchange (&self->removed_pending, FALSE);
  added = g_atomic_int_exchange (&self->added_pending, FALSE);

  if (removed)
    g_signal_emit (self, signals[EVENTS_REMOVED], 0);
  if (added)
    g_signal_emit (self, signals[EVENTS_ADDED], 0, botbench_event_store_get_last_id (self));

  return G_SOURCE_REMOVE;
}

/* Any thread.  At most one source is pending; it fires NOTIFY_INTERVAL
 * after the previous emission, or at once if that is past. */
void
_botbench_event_store_schedule_notify (BotbenchEventStore *self)
{
  g_mutex_lock (&self->notify_lock);

  if (self->notify_source == NULL && !self->disposed)
    {
      gint64 now = g_get_monotonic_time ();
      gint64 due = self->last_notify_us + NOTIFY_INTERVAL_US;
      guint delay_ms = 0;

      if (due > now)
        delay_ms = (guint)MIN ((due - now + 999) / 1000, NOTIFY_INTERVAL_US / 1000);

      self->notify_source = g_timeout_source_new (delay_ms);
      g_source_set_priority (self->notify_source, G_PRIORITY_DEFAULT);
      g_source_set_callback (self->notify_source, botbench_event_store_notify_cb, self, NULL);
      g_source_set_static_name (self->notify_source, "[botbench] event store notify");
      g_source_attach (self->notify_source, self->main_context);
    }

  g_mutex_unlock (&self->notify_lock);
}

static gboolean
botbench_event_store_forward_recorded_cb (gpointer data)
{
  g_autoptr(BotbenchEventStore) self = g_object_ref (data);
  g_autoptr(GArray) ids = NULL;

  g_mutex_lock (&self->notify_lock);
  g_clear_pointer (&self->forward_source, g_source_unref);
  ids = g_steal_pointer (&self->forward_ids);
  self->forward_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_mutex_unlock (&self->notify_lock);

  for (guint i = 0; i < ids->len; i++)
    g_signal_emit (self, signals[FORWARD_RECORDED], 0, g_array_index (ids, gint64, i));

  return G_SOURCE_REMOVE;
}

void
_botbench_event_store_emit_forward_recorded (BotbenchEventStore *self,
                                             gint64              event_id)
{
  g_mutex_lock (&self->notify_lock);

  if (!self->disposed)
    {
      g_array_append_val (self->forward_ids, event_id);
      if (self->forward_source == NULL)
        {
          self->forward_source = g_idle_source_new ();
          g_source_set_priority (self->forward_source, G_PRIORITY_DEFAULT);
          g_source_set_callback (self->forward_source, botbench_event_store_forward_recorded_cb,
                                 self, NULL);
          g_source_set_static_name (self->forward_source, "[botbench] forward recorded");
          g_source_attach (self->forward_source, self->main_context);
        }
    }

  g_mutex_unlock (&self->notify_lock);
}

static void
botbench_event_store_dispose (GObject *object)
{
  BotbenchEventStore *self = (BotbenchEventStore *)object;

  botbench_event_store_close (self);

  g_mutex_lock (&self->notify_lock);
  self->disposed = TRUE;
  if (self->notify_source != NULL)
    {
      g_source_destroy (self->notify_source);
      g_clear_pointer (&self->notify_source, g_source_unref);
    }
  if (self->forward_source != NULL)
    {
      g_source_destroy (self->forward_source);
      g_clear_pointer (&self->forward_source, g_source_unref);
    }
  g_mutex_unlock (&self->notify_lock);

  G_OBJECT_CLASS (botbench_event_store_parent_class)->dispose (object);
}

static void
botbench_event_store_finalize (GObject *object)
{
  BotbenchEventStore *self = (BotbenchEventStore *)object;

  /* Only set when opening failed before the writer took the connection. */
  g_clear_pointer (&self->insert_stmt, sqlite3_finalize);
  g_clear_pointer (&self->insert_fts_stmt, sqlite3_finalize);
  g_clear_pointer (&self->fts_scan_stmt, sqlite3_finalize);
  g_clear_pointer (&self->fts_row_stmt, sqlite3_finalize);
  g_clear_pointer (&self->forward_stmt, sqlite3_finalize);
  g_clear_pointer (&self->fetch_seen_stmt, sqlite3_finalize);
  g_clear_pointer (&self->fetch_state_stmt, sqlite3_finalize);
  g_clear_pointer (&self->wdb, sqlite3_close);
  g_queue_clear_full (&self->fts_pending, (GDestroyNotify)_botbench_event_store_job_free);
  g_assert (self->waiting.length == 0);

  g_clear_pointer (&self->forward_ids, g_array_unref);
  g_clear_pointer (&self->idle_readers, g_ptr_array_unref);
  g_clear_pointer (&self->queue, g_async_queue_unref);
  g_clear_pointer (&self->main_context, g_main_context_unref);
  g_clear_pointer (&self->path, g_free);
  g_mutex_clear (&self->lock);
  g_mutex_clear (&self->state_lock);
  g_mutex_clear (&self->notify_lock);
  g_cond_clear (&self->room_cond);
  g_cond_clear (&self->indexed_cond);

  G_OBJECT_CLASS (botbench_event_store_parent_class)->finalize (object);
}

static void
botbench_event_store_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  BotbenchEventStore *self = BOTBENCH_EVENT_STORE (object);

  g_mutex_lock (&self->lock);
  switch (prop_id)
    {
    case PROP_MAX_QUEUED_EVENTS:
      g_value_set_uint (value, self->max_queued_events);
      break;

    case PROP_MAX_QUEUED_BYTES:
      g_value_set_uint64 (value, self->max_queued_bytes);
      break;

    case PROP_QUEUE_WAIT_MS:
      g_value_set_uint (value, self->queue_wait_ms);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
  g_mutex_unlock (&self->lock);
}

static void
botbench_event_store_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  BotbenchEventStore *self = BOTBENCH_EVENT_STORE (object);
  gboolean changed = FALSE;

  g_mutex_lock (&self->lock);
  switch (prop_id)
    {
    case PROP_MAX_QUEUED_EVENTS:
      changed = self->max_queued_events != g_value_get_uint (value);
      self->max_queued_events = g_value_get_uint (value);
      break;

    case PROP_MAX_QUEUED_BYTES:
      changed = self->max_queued_bytes != g_value_get_uint64 (value);
      self->max_queued_bytes = g_value_get_uint64 (value);
      break;

    case PROP_QUEUE_WAIT_MS:
      changed = self->queue_wait_ms != g_value_get_uint (value);
      self->queue_wait_ms = g_value_get_uint (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
  /* A higher limit may let waiting inserts in. */
  if (changed && !self->closed)
    {
      _botbench_event_store_admit_waiting_locked (self, FALSE);
      g_cond_broadcast (&self->room_cond);
    }
  g_mutex_unlock (&self->lock);

  if (changed)
    g_object_notify_by_pspec (object, pspec);
}

static void
botbench_event_store_class_init (BotbenchEventStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = botbench_event_store_dispose;
  object_class->finalize = botbench_event_store_finalize;
  object_class->get_property = botbench_event_store_get_property;
  object_class->set_property = botbench_event_store_set_property;

  /**
   * BotbenchEventStore:max-queued-events:
   *
   * How many inserts may be queued for the writer (or in its current
   * transaction); more wait for room, then fail with BUSY.
   */
  properties[PROP_MAX_QUEUED_EVENTS] =
    g_param_spec_uint ("max-queued-events", NULL, NULL,
                       1, G_MAXUINT, DEFAULT_MAX_QUEUED_EVENTS,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * BotbenchEventStore:max-queued-bytes:
   *
   * The same limit for the bodies of the queued events, in bytes.  An
   * empty queue always takes one event, whatever its size.
   */
  properties[PROP_MAX_QUEUED_BYTES] =
    g_param_spec_uint64 ("max-queued-bytes", NULL, NULL,
                         1, G_MAXUINT64, DEFAULT_MAX_QUEUED_BYTES,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * BotbenchEventStore:queue-wait-ms:
   *
   * How long an insert waits for room in a full queue before it fails
   * with BUSY (0: at once).  The calling thread is not blocked meanwhile
   * (except by botbench_event_store_insert()).
   */
  properties[PROP_QUEUE_WAIT_MS] =
    g_param_spec_uint ("queue-wait-ms", NULL, NULL,
                       0, G_MAXUINT, DEFAULT_QUEUE_WAIT_MS,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * BotbenchEventStore::events-added:
   * @last_id: the highest id committed so far
   *
   * Events were committed.  Batched: at most about ten emissions a second
   * and never later than about 100 ms after a commit.
   */
  signals[EVENTS_ADDED] =
    g_signal_new ("events-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);

  /**
   * BotbenchEventStore::events-removed:
   *
   * Retention or clear deleted events.
   */
  signals[EVENTS_REMOVED] =
    g_signal_new ("events-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * BotbenchEventStore::forward-recorded:
   * @event_id: the event whose forward (or replay) answer was stored
   *
   * Emitted once per recorded answer, after its commit.
   */
  signals[FORWARD_RECORDED] =
    g_signal_new ("forward-recorded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
}

static void
botbench_event_store_init (BotbenchEventStore *self)
{
  g_mutex_init (&self->lock);
  g_mutex_init (&self->state_lock);
  g_mutex_init (&self->notify_lock);
  g_cond_init (&self->room_cond);
  g_cond_init (&self->indexed_cond);
  g_queue_init (&self->waiting);
  g_queue_init (&self->fts_pending);
  self->forward_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->max_queued_events = DEFAULT_MAX_QUEUED_EVENTS;
  self->max_queued_bytes = DEFAULT_MAX_QUEUED_BYTES;
  self->queue_wait_ms = DEFAULT_QUEUE_WAIT_MS;
  self->main_context = g_main_context_ref_thread_default ();
  self->queue = g_async_queue_new ();
  self->idle_readers =
    g_ptr_array_new_with_free_func ((GDestroyNotify)_botbench_event_store_read_conn_free);
  /* Until the writer runs there is nothing to close. */
  self->closed = TRUE;
}

/* The database holds webhook tokens: a new file is created 0600 whatever the
 * umask says (SQLite would use 0644), and SQLite gives the -wal and -shm
 * files the mode of the main file.  An existing file is left as it is. */
static gboolean
create_private_file (const char  *path,
                     GError     **error)
{
  int fd;

  if (g_strcmp0 (path, ":memory:") == 0)
    return TRUE;

  fd = g_open (path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0)
    {
      close (fd);
      return TRUE;
    }

  if (errno == EEXIST)
    return TRUE;

  {
    int saved_errno = errno;

    g_set_error (error, BOTBENCH_EVENT_STORE_ERROR, BOTBENCH_EVENT_STORE_ERROR_OPEN,
                 _("Cannot open the event database “%s”: %s"), path, g_strerror (saved_errno));
  }
  return FALSE;
}

char *
botbench_event_store_dup_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "botbench", "events.db", NULL);
}

BotbenchEventStore *
botbench_event_store_new (const char  *path,
                          GError     **error)
{
  g_autoptr(BotbenchEventStore) self = NULL;
  g_autofree char *dir = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (BOTBENCH_TYPE_EVENT_STORE, NULL);
  self->path = path != NULL ? g_strdup (path) : botbench_event_store_dup_default_path ();

  dir = g_path_get_dirname (self->path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, BOTBENCH_EVENT_STORE_ERROR, BOTBENCH_EVENT_STORE_ERROR_OPEN,
                   _("Cannot create the folder “%s”: %s"), dir, g_strerror (saved_errno));
      return NULL;
    }

  if (!create_private_file (self->path, error))
    return NULL;

  self->wdb = _botbench_event_store_open_connection (self->path, error);
  if (self->wdb == NULL || !_botbench_event_store_prepare_writer (self, error))
    return NULL;

  /* After a crash between a commit and its indexing transaction: index the
   * rest now, so that a search right after open finds everything. */
  if (self->fts_dirty)
    {
      g_autoptr(GError) index_error = NULL;

      g_debug ("%s: indexing events %" G_GINT64_FORMAT "…%" G_GINT64_FORMAT,
               self->path, self->indexed_id + 1, self->last_id);
      if (!_botbench_event_store_writer_index_all (self, &index_error))
        g_debug ("Indexing at open failed, the writer retries: %s", index_error->message);
    }

  self->last_retention_us = g_get_monotonic_time ();
  self->closed = FALSE;
  self->writer = g_thread_new ("bb-store-writer", _botbench_event_store_writer_thread, self);

  g_debug ("Opened %s (last id %" G_GINT64_FORMAT ")", self->path, self->last_id);

  return g_steal_pointer (&self);
}

const char *
botbench_event_store_get_path (BotbenchEventStore *self)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENT_STORE (self), NULL);

  return self->path;
}

void
botbench_event_store_close (BotbenchEventStore *self)
{
  g_autoptr(GPtrArray) readers = NULL;
  GThread *writer;

  g_return_if_fail (BOTBENCH_IS_EVENT_STORE (self));

  g_mutex_lock (&self->lock);
  if (self->closed)
    {
      g_mutex_unlock (&self->lock);
      return;
    }
  /* Jobs queued before STOP are still written: close() flushes, and that
   * includes the inserts waiting for room. */
  _botbench_event_store_admit_waiting_locked (self, TRUE);
  g_async_queue_push (self->queue, _botbench_event_store_job_new (JOB_STOP));
  self->closed = TRUE;
  g_cond_broadcast (&self->room_cond);
  writer = g_steal_pointer (&self->writer);
  readers = g_steal_pointer (&self->idle_readers);
  self->idle_readers =
    g_ptr_array_new_with_free_func ((GDestroyNotify)_botbench_event_store_read_conn_free);
  g_mutex_unlock (&self->lock);

  g_thread_join (writer);

  g_debug ("Closed %s", self->path);
}

void
botbench_event_store_insert_async (BotbenchEventStore  *self,
                                   BotbenchEvent       *event,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Job *job;

  g_return_if_fail (BOTBENCH_IS_EVENT_STORE (self));
  g_return_if_fail (BOTBENCH_IS_EVENT (event));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, botbench_event_store_insert_async);
  g_task_set_task_data (task, g_object_ref (event), g_object_unref);
  /* Once committed, the event is stored: report that even if the caller
   * cancelled meanwhile. */
  g_task_set_check_cancellable (task, FALSE);

  job = _botbench_event_store_job_new_insert (event);
  job->task = g_steal_pointer (&task);

  g_mutex_lock (&self->lock);
  if (self->closed)
    {
      g_mutex_unlock (&self->lock);
      g_task_return_new_error (job->task, BOTBENCH_EVENT_STORE_ERROR,
                               BOTBENCH_EVENT_STORE_ERROR_CLOSED,
                               _("The event store is closed"));
      _botbench_event_store_job_free (job);
      return;
    }

  /* Those already waiting go first. */
  if (self->waiting.head == NULL && _botbench_event_store_has_room_locked (self, job->bytes))
    {
      _botbench_event_store_admit_locked (self, job);
      job = NULL;
    }
  else if (self->queue_wait_ms > 0)
    {
      _botbench_event_store_wait_for_room_locked (self, job);
      job = NULL;
    }
  g_mutex_unlock (&self->lock);

  if (job != NULL)
    {
      g_task_return_error (job->task, _botbench_event_store_new_busy_error ());
      _botbench_event_store_job_free (job);
    }
}

gint64
botbench_event_store_insert_finish (BotbenchEventStore  *self,
                                    GAsyncResult        *result,
                                    GError             **error)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENT_STORE (self), 0);
  g_return_val_if_fail (g_task_is_valid (result, self), 0);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == botbench_event_store_insert_async, 0);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return 0;

  return botbench_event_get_id (g_task_get_task_data (G_TASK (result)));
}

gint64
botbench_event_store_insert (BotbenchEventStore  *self,
                             BotbenchEvent       *event,
                             GError             **error)
{
  gint64 id;

  g_return_val_if_fail (BOTBENCH_IS_EVENT_STORE (self), 0);
  g_return_val_if_fail (BOTBENCH_IS_EVENT (event), 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);

  id = _botbench_event_store_run_job_sync (self,
                                           _botbench_event_store_job_new_insert (event), error);
  return MAX (id, 0);
}

static Job *
job_new_forward (gint64                 event_id,
                 BotbenchForwardResult *result)
{
  Job *job = _botbench_event_store_job_new (JOB_FORWARD);

  job->id = event_id;
  job->forward = botbench_forward_result_ref (result);
  return job;
}

void
botbench_event_store_record_forward_async (BotbenchEventStore    *self,
                                           gint64                 event_id,
                                           BotbenchForwardResult *result,
                                           GCancellable          *cancellable,
                                           GAsyncReadyCallback    callback,
                                           gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  Job *job;

  g_return_if_fail (BOTBENCH_IS_EVENT_STORE (self));
  g_return_if_fail (result != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, botbench_event_store_record_forward_async);
  g_task_set_check_cancellable (task, FALSE);

  job = job_new_forward (event_id, result);
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

gboolean
botbench_event_store_record_forward_finish (BotbenchEventStore  *self,
                                            GAsyncResult        *result,
                                            GError             **error)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENT_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == botbench_event_store_record_forward_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
botbench_event_store_record_forward (BotbenchEventStore     *self,
                                     gint64                  event_id,
                                     BotbenchForwardResult  *result,
                                     GError                **error)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENT_STORE (self), FALSE);
  g_return_val_if_fail (result != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return _botbench_event_store_run_job_sync (self, job_new_forward (event_id, result), error) >= 0;
}

BotbenchEvent *
botbench_event_store_get_event (BotbenchEventStore  *self,
                                gint64               id,
                                GError             **error)
{
  return botbench_event_store_get (self, id, error);
}

gint64
botbench_event_store_get_last_id (BotbenchEventStore *self)
{
  gint64 last_id;

  g_return_val_if_fail (BOTBENCH_IS_EVENT_STORE (self), 0);

  g_mutex_lock (&self->state_lock);
  last_id = self->last_id;
  g_mutex_unlock (&self->state_lock);

  return last_id;
}

void
botbench_event_store_set_retention (BotbenchEventStore *self,
                                    guint               keep_count,
                                    guint               keep_days)
{
  Job *job;

  g_return_if_fail (BOTBENCH_IS_EVENT_STORE (self));

  g_mutex_lock (&self->state_lock);
  self->keep_count = keep_count;
  self->keep_days = keep_days;
  g_mutex_unlock (&self->state_lock);

  /* Let the writer apply the new limits soon, without waiting for it. */
  job = _botbench_event_store_job_new (JOB_RETENTION);
  if (!_botbench_event_store_push_job (self, job))
    _botbench_event_store_job_free (job);
}

gint64
botbench_event_store_apply_retention (BotbenchEventStore  *self,
                                      GError             **error)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENT_STORE (self), -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  return _botbench_event_store_run_job_sync (self,
                                             _botbench_event_store_job_new (JOB_RETENTION), error);
}

gboolean
botbench_event_store_clear (BotbenchEventStore  *self,
                            GError             **error)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENT_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return _botbench_event_store_run_job_sync (self,
                                             _botbench_event_store_job_new (JOB_CLEAR), error) >= 0;
}

void
_botbench_event_store_simulate_disk_full (BotbenchEventStore *self,
                                          gboolean            full)
{
  Job *job;

  g_return_if_fail (BOTBENCH_IS_EVENT_STORE (self));

  job = _botbench_event_store_job_new (JOB_DISK_FULL);
  job->flag = !!full;
  _botbench_event_store_run_job_sync (self, job, NULL);
}

void
_botbench_event_store_set_writer_delay (BotbenchEventStore *self,
                                        guint               delay_ms)
{
  g_return_if_fail (BOTBENCH_IS_EVENT_STORE (self));

  g_atomic_int_set (&self->writer_delay_ms, (gint)delay_ms);
}
