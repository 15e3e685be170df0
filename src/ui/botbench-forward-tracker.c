/* botbench-forward-tracker.c: event rows kept in step with recorded forwards
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The list model's cached pages hold events as they were read; a forward
 * recorded later ("forward-recorded") is read again for the row showing
 * it, and kept (the FRESH_EVENTS_MAX latest) for rows bound to it later.
 * Events out of sight are only noted and read when a row binds them.
 */
#define G_LOG_DOMAIN "botbench-events-page"

#include "config.h"

#include "botbench-event-row.h"
#include "botbench-forward-tracker.h"

/* About the list model's cache (16 pages of 64). */
#define FRESH_EVENTS_MAX 1024

struct _BotbenchForwardTracker
{
  BotbenchEventStore *store;
  /* Event id (gint64 *) → the BotbenchEventRow showing it (not owned). */
  GHashTable         *bound_rows;
  /* Event id → BotbenchEvent read after its forward was recorded, and the
   * ids in the order they came (oldest dropped beyond FRESH_EVENTS_MAX). */
  GHashTable         *fresh_events;
  GQueue              fresh_order;
  /* Ids whose forward was recorded while no row showed them. */
  GHashTable         *recorded_ids;
};

static gint64 *
dup_id (gint64 id)
{
  return g_memdup2 (&id, sizeof id);
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
  g_hash_table_remove (self->recorded_ids, &id);
}

BotbenchForwardTracker *
_botbench_forward_tracker_new (BotbenchEventStore *store)
{
  BotbenchForwardTracker *self = g_new0 (BotbenchForwardTracker, 1);

  self->store = g_object_ref (store);
  self->bound_rows = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->fresh_events = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  self->recorded_ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_queue_init (&self->fresh_order);

  return self;
}

void
_botbench_forward_tracker_free (BotbenchForwardTracker *self)
{
  if (self == NULL)
    return;

  g_clear_object (&self->store);
  g_clear_pointer (&self->bound_rows, g_hash_table_unref);
  g_clear_pointer (&self->fresh_events, g_hash_table_unref);
  g_clear_pointer (&self->recorded_ids, g_hash_table_unref);
  g_queue_clear_full (&self->fresh_order, g_free);
  g_free (self);
}

BotbenchEvent *
_botbench_forward_tracker_get_fresh (BotbenchForwardTracker *self,
                                     BotbenchEvent          *event)
{
  g_autoptr(BotbenchEvent) reread = NULL;
  BotbenchEvent *fresh;
  gint64 id;

  if (self == NULL || event == NULL)
    return event;

  id = botbench_event_get_id (event);
  fresh = g_hash_table_lookup (self->fresh_events, &id);
  if (fresh != NULL)
    return fresh;

  if (!g_hash_table_contains (self->recorded_ids, &id))
    return event;

  reread = botbench_event_store_get_event (self->store, id, NULL);
  if (reread == NULL)
    return event;

  remember_fresh (self, reread);

  /* The table holds it now. */
  return reread;
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

BotbenchEvent *
_botbench_forward_tracker_recorded (BotbenchForwardTracker  *self,
                                    gint64                   event_id,
                                    gint64                   shown_id,
                                    GtkWidget              **row)
{
  g_autoptr(BotbenchEvent) event = NULL;
  g_autoptr(GError) error = NULL;

  *row = g_hash_table_lookup (self->bound_rows, &event_id);

  /* Out of sight: read it again only when a row shows it. */
  if (*row == NULL && shown_id != event_id)
    {
      g_hash_table_remove (self->fresh_events, &event_id);
      g_hash_table_add (self->recorded_ids, dup_id (event_id));
      return NULL;
    }

  event = botbench_event_store_get_event (self->store, event_id, &error);
  if (event == NULL)
    {
      g_debug ("Cannot read event %" G_GINT64_FORMAT " again: %s", event_id, error->message);
      return NULL;
    }

  remember_fresh (self, event);

  return g_steal_pointer (&event);
}
