/* botbench-forward-tracker.c: event rows kept in step with recorded forwards
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The list model's cached pages hold events as they were read; a forward
 * recorded later ("forward-recorded") is read again for the row showing
 * it, and kept (the FRESH_EVENTS_MAX latest) for rows bound to it later.
 * Events out of sight are only noted and read when a row binds them.
 * Reads never run on the main thread: the ids wanting one are gathered
 * and read in a worker, one read at a time, so a burst of forwards costs
 * the list one read of the rows in sight, not one per forward.
 */
#define G_LOG_DOMAIN "botbench-events-page"

#include "config.h"

#include "botbench-event-row.h"
#include "botbench-forward-tracker.h"

/* About the list model's cache (16 pages of 64). */
#define FRESH_EVENTS_MAX 1024
/* Ids read by one worker run; more wait for the next. */
#define READ_BATCH_MAX 256

struct _BotbenchForwardTracker
{
  BotbenchEventStore         *store;
  BotbenchForwardTrackerFunc  refreshed;
  gpointer                    user_data;
  /* Cancelled by free: a read finishing later touches nothing. */
  GCancellable               *cancellable;
  /* Event id (gint64 *) → the BotbenchEventRow showing it (not owned). */
  GHashTable                 *bound_rows;
  /* Event id → BotbenchEvent read after its forward was recorded, and the
   * ids in the order they came (oldest dropped beyond FRESH_EVENTS_MAX). */
  GHashTable                 *fresh_events;
  GQueue                      fresh_order;
  /* Ids whose forward was recorded while no row showed them. */
  GHashTable                 *recorded_ids;
  /* Ids to read (in sight), and whether a worker reads now. */
  GHashTable                 *pending_ids;
  gboolean                    reading;
};

typedef struct
{
  BotbenchEventStore *store;
  GArray             *ids;
} ReadData;

static void botbench_forward_tracker_read (BotbenchForwardTracker *self);

static gint64 *
dup_id (gint64 id)
{
  return g_memdup2 (&id, sizeof id);
}

static void
read_data_free (ReadData *data)
{
  g_clear_object (&data->store);
  g_clear_pointer (&data->ids, g_array_unref);
  g_free (data);
}

static int
compare_id (gconstpointer a,
            gconstpointer b)
{
  return *(const gint64 *)a == *(const gint64 *)b ? 0 : 1;
}

/* The event read before is older than a forward recorded since. */
static void
forget_fresh (BotbenchForwardTracker *self,
              gint64                  id)
{
  GList *link;

  if (!g_hash_table_remove (self->fresh_events, &id))
    return;

  link = g_queue_find_custom (&self->fresh_order, &id, compare_id);
  if (link != NULL)
    {
      g_free (link->data);
      g_queue_delete_link (&self->fresh_order, link);
    }
}

static void
remember_fresh (BotbenchForwardTracker *self,
                BotbenchEvent          *event)
{
  gint64 id = botbench_event_get_id (event);

  if (!g_hash_table_contains (self->fresh_events, &id))
    {
      g_queue_push_tail (&self->fresh_order, dup_id (id));
      while (self->fresh_order.length > FRESH_EVENTS_MAX)
        {
          g_autofree gint64 *oldest = g_queue_pop_head (&self->fresh_order);

          g_hash_table_remove (self->fresh_events, oldest);
        }
    }

  g_hash_table_replace (self->fresh_events, dup_id (id), g_object_ref (event));
}

static void
read_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  ReadData *data = task_data;
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < data->ids->len && !g_cancellable_is_cancelled (cancellable); i++)
    {
      gint64 id = g_array_index (data->ids, gint64, i);
      g_autoptr(GError) error = NULL;
      BotbenchEvent *event;

      event = botbench_event_store_get_event (data->store, id, &error);
      if (event != NULL)
        g_ptr_array_add (events, event);
      else
        g_debug ("Cannot read event %" G_GINT64_FORMAT " again: %s", id, error->message);
    }

  g_task_return_pointer (task, g_steal_pointer (&events), (GDestroyNotify)g_ptr_array_unref);
}

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  BotbenchForwardTracker *self = user_data;
  g_autoptr(GPtrArray) events = NULL;

  /* Freed since: self is gone (free cancelled the task first). */
  if (g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    return;

  events = g_task_propagate_pointer (G_TASK (result), NULL);
  self->reading = FALSE;

  for (guint i = 0; events != NULL && i < events->len; i++)
    {
      BotbenchEvent *event = g_ptr_array_index (events, i);
      gint64 id = botbench_event_get_id (event);

      /* Recorded again out of sight while it was read: read it later. */
      if (g_hash_table_contains (self->recorded_ids, &id))
        continue;

      remember_fresh (self, event);
      self->refreshed (event, g_hash_table_lookup (self->bound_rows, &id), self->user_data);
    }

  botbench_forward_tracker_read (self);
}

/* Starts a worker for the pending ids, unless one runs. */
static void
botbench_forward_tracker_read (BotbenchForwardTracker *self)
{
  g_autoptr(GTask) task = NULL;
  GHashTableIter iter;
  gpointer key;
  ReadData *data;

  if (self->reading || g_hash_table_size (self->pending_ids) == 0)
    return;

  data = g_new0 (ReadData, 1);
  data->store = g_object_ref (self->store);
  data->ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_hash_table_iter_init (&iter, self->pending_ids);
  while (data->ids->len < READ_BATCH_MAX && g_hash_table_iter_next (&iter, &key, NULL))
    {
      g_array_append_val (data->ids, *(gint64 *)key);
      g_hash_table_iter_remove (&iter);
    }

  self->reading = TRUE;
  task = g_task_new (NULL, self->cancellable, read_cb, self);
  g_task_set_source_tag (task, botbench_forward_tracker_read);
  g_task_set_task_data (task, data, (GDestroyNotify)read_data_free);
  g_task_run_in_thread (task, read_thread);
}

static void
botbench_forward_tracker_want (BotbenchForwardTracker *self,
                               gint64                  id)
{
  g_hash_table_remove (self->recorded_ids, &id);
  g_hash_table_add (self->pending_ids, dup_id (id));
  botbench_forward_tracker_read (self);
}

BotbenchForwardTracker *
_botbench_forward_tracker_new (BotbenchEventStore         *store,
                               BotbenchForwardTrackerFunc  refreshed,
                               gpointer                    user_data)
{
  BotbenchForwardTracker *self;

  g_return_val_if_fail (BOTBENCH_IS_EVENT_STORE (store), NULL);
  g_return_val_if_fail (refreshed != NULL, NULL);

  self = g_new0 (BotbenchForwardTracker, 1);
  self->store = g_object_ref (store);
  self->refreshed = refreshed;
  self->user_data = user_data;
  self->cancellable = g_cancellable_new ();
  self->bound_rows = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->fresh_events = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  self->recorded_ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->pending_ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_queue_init (&self->fresh_order);

  return self;
}

void
_botbench_forward_tracker_free (BotbenchForwardTracker *self)
{
  if (self == NULL)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_clear_pointer (&self->bound_rows, g_hash_table_unref);
  g_clear_pointer (&self->fresh_events, g_hash_table_unref);
  g_clear_pointer (&self->recorded_ids, g_hash_table_unref);
  g_clear_pointer (&self->pending_ids, g_hash_table_unref);
  g_queue_clear_full (&self->fresh_order, g_free);
  g_free (self);
}

BotbenchEvent *
_botbench_forward_tracker_get_fresh (BotbenchForwardTracker *self,
                                     BotbenchEvent          *event)
{
  BotbenchEvent *fresh;
  gint64 id;

  if (self == NULL || event == NULL)
    return event;

  id = botbench_event_get_id (event);
  fresh = g_hash_table_lookup (self->fresh_events, &id);
  if (fresh != NULL)
    return fresh;

  /* Shown now as the list read it; the newer read follows. */
  if (g_hash_table_contains (self->recorded_ids, &id))
    botbench_forward_tracker_want (self, id);

  return event;
}

void
_botbench_forward_tracker_bind (BotbenchForwardTracker *self,
                                GtkWidget              *row,
                                BotbenchEvent          *event)
{
  if (self != NULL && event != NULL)
    g_hash_table_replace (self->bound_rows, dup_id (botbench_event_get_id (event)), row);
}

void
_botbench_forward_tracker_unbind (BotbenchForwardTracker *self,
                                  GtkWidget              *row)
{
  BotbenchEvent *event = botbench_event_row_get_event (BOTBENCH_EVENT_ROW (row));
  gint64 id;

  if (self == NULL || event == NULL)
    return;

  id = botbench_event_get_id (event);
  if (g_hash_table_lookup (self->bound_rows, &id) == row)
    g_hash_table_remove (self->bound_rows, &id);
}

void
_botbench_forward_tracker_recorded (BotbenchForwardTracker *self,
                                    gint64                  event_id,
                                    gint64                  shown_id)
{
  g_return_if_fail (self != NULL);

  forget_fresh (self, event_id);

  /* Out of sight: read it again only when a row shows it. */
  if (!g_hash_table_contains (self->bound_rows, &event_id) && shown_id != event_id)
    {
      g_hash_table_remove (self->pending_ids, &event_id);
      g_hash_table_add (self->recorded_ids, dup_id (event_id));
      return;
    }

  botbench_forward_tracker_want (self, event_id);
}

gboolean
_botbench_forward_tracker_is_reading (BotbenchForwardTracker *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->reading || g_hash_table_size (self->pending_ids) > 0;
}
