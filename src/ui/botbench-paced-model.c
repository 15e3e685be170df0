/* botbench-paced-model.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Under a flood of events every batch from the event list model replaces
 * the rows in view, and each of those costs the UI thread a bind and a
 * layout.  Showing the new head at a steady pace keeps the window as live
 * as a reader can follow while bounding that work.
 */
#define G_LOG_DOMAIN "botbench-paced-model"

#include "config.h"

#include "botbench-paced-model.h"

struct _BotbenchPacedModel
{
  GObject     parent_instance;

  GListModel *model;
  guint       interval_ms;

  /* Items at the head of model not shown yet; we show model[n_pending:]. */
  guint       n_pending;
  guint       n_shown;
  gint64      last_flush;
  guint       flush_source;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (BotbenchPacedModel, botbench_paced_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static gboolean
botbench_paced_model_flush_cb (gpointer user_data)
{
  BotbenchPacedModel *self = user_data;

  self->flush_source = 0;
  botbench_paced_model_flush (self);

  return G_SOURCE_REMOVE;
}

static void
botbench_paced_model_items_changed_cb (BotbenchPacedModel *self,
                                       guint               position,
                                       guint               removed,
                                       guint               added,
                                       GListModel         *model)
{
  guint n_shown_before;
  gint64 now;

  g_assert (BOTBENCH_IS_PACED_MODEL (self));

  if (position == 0 && removed == 0)
    {
      self->n_pending += added;

      now = g_get_monotonic_time ();
      if (now - self->last_flush >= (gint64)self->interval_ms * 1000)
        {
          botbench_paced_model_flush (self);
        }
      else if (self->flush_source == 0)
        {
          guint delay_ms = self->interval_ms - (now - self->last_flush) / 1000;

          self->flush_source = g_timeout_add (MAX (delay_ms, 1), botbench_paced_model_flush_cb, self);
        }
      return;
    }

  if (position >= self->n_pending)
    {
      self->n_shown = self->n_shown - removed + added;
      g_list_model_items_changed (G_LIST_MODEL (self), position - self->n_pending, removed, added);
      return;
    }

  /* A change inside the pending head (a reload): show everything. */
  g_clear_handle_id (&self->flush_source, g_source_remove);
  n_shown_before = self->n_shown;
  self->n_pending = 0;
  self->n_shown = g_list_model_get_n_items (model);
  self->last_flush = g_get_monotonic_time ();
  g_list_model_items_changed (G_LIST_MODEL (self), 0, n_shown_before, self->n_shown);
}

static GType
botbench_paced_model_get_item_type (GListModel *model)
{
  BotbenchPacedModel *self = BOTBENCH_PACED_MODEL (model);

  return g_list_model_get_item_type (self->model);
}

static guint
botbench_paced_model_get_n_items (GListModel *model)
{
  return BOTBENCH_PACED_MODEL (model)->n_shown;
}

static gpointer
botbench_paced_model_get_item (GListModel *model,
                               guint       position)
{
  BotbenchPacedModel *self = BOTBENCH_PACED_MODEL (model);

  if (position >= self->n_shown)
    return NULL;

  return g_list_model_get_item (self->model, position + self->n_pending);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = botbench_paced_model_get_item_type;
  iface->get_n_items = botbench_paced_model_get_n_items;
  iface->get_item = botbench_paced_model_get_item;
}

static void
botbench_paced_model_dispose (GObject *object)
{
  BotbenchPacedModel *self = (BotbenchPacedModel *)object;

  g_clear_handle_id (&self->flush_source, g_source_remove);
  if (self->model != NULL)
    g_signal_handlers_disconnect_by_func (self->model, botbench_paced_model_items_changed_cb, self);
  g_clear_object (&self->model);

  G_OBJECT_CLASS (botbench_paced_model_parent_class)->dispose (object);
}

static void
botbench_paced_model_class_init (BotbenchPacedModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = botbench_paced_model_dispose;
}

static void
botbench_paced_model_init (BotbenchPacedModel *self)
{
}

BotbenchPacedModel *
botbench_paced_model_new (GListModel *model,
                          guint       interval_ms)
{
  BotbenchPacedModel *self;

  g_return_val_if_fail (G_IS_LIST_MODEL (model), NULL);

  self = g_object_new (BOTBENCH_TYPE_PACED_MODEL, NULL);
  self->model = g_object_ref (model);
  self->interval_ms = interval_ms;
  self->n_shown = g_list_model_get_n_items (model);
  g_signal_connect_object (model, "items-changed",
                           G_CALLBACK (botbench_paced_model_items_changed_cb),
                           self, G_CONNECT_SWAPPED);

  return self;
}

guint
botbench_paced_model_get_n_pending (BotbenchPacedModel *self)
{
  g_return_val_if_fail (BOTBENCH_IS_PACED_MODEL (self), 0);

  return self->n_pending;
}

void
botbench_paced_model_flush (BotbenchPacedModel *self)
{
  guint n_pending;

  g_return_if_fail (BOTBENCH_IS_PACED_MODEL (self));

  g_clear_handle_id (&self->flush_source, g_source_remove);
  self->last_flush = g_get_monotonic_time ();

  if (self->n_pending == 0)
    return;

  n_pending = self->n_pending;
  self->n_pending = 0;
  self->n_shown += n_pending;
  g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, n_pending);
}
