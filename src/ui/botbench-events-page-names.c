/* botbench-events-page-names.c: the event log's event type filter
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The drop-down of event names ("All" and every name stored): re-read in
 * a thread as events arrive, at most once a second, keeping the chosen
 * name selected; choosing one filters the list.
 */
#define G_LOG_DOMAIN "botbench-events-page"

#include "config.h"

#include "botbench-events-page-internal.h"

/* The list of event names is re-read at most this often while events arrive. */
#define NAMES_REFRESH_INTERVAL_US (1 * G_USEC_PER_SEC)

void
_botbench_events_page_event_type_selected_cb (BotbenchEventsPage *self,
                                              GParamSpec         *pspec,
                                              GtkDropDown        *dropdown)
{
  guint selected;
  const char *name = NULL;

  g_assert (BOTBENCH_IS_EVENTS_PAGE (self));

  if (self->updating_event_types || self->event_model == NULL)
    return;

  selected = gtk_drop_down_get_selected (dropdown);
  if (selected != 0 && selected != GTK_INVALID_LIST_POSITION)
    name = gtk_string_list_get_string (self->event_types, selected);

  self->follow_head = TRUE;
  botbench_event_list_model_set_event_name (self->event_model, name);
  _botbench_events_page_update_state (self);
}

static void
botbench_events_page_set_event_names (BotbenchEventsPage *self,
                                      const char * const *names)
{
  g_autofree char *selected_name = NULL;
  guint n_items;
  guint n_names;
  guint selected;
  gboolean same = TRUE;

  g_assert (BOTBENCH_IS_EVENTS_PAGE (self));

  n_items = g_list_model_get_n_items (G_LIST_MODEL (self->event_types));
  n_names = g_strv_length ((char **)names);

  if (n_items == n_names + 1)
    {
      for (guint i = 0; i < n_names && same; i++)
        same = g_strcmp0 (gtk_string_list_get_string (self->event_types, i + 1), names[i]) == 0;
    }
  else
    same = FALSE;

  if (same)
    return;

  selected = gtk_drop_down_get_selected (self->event_type_dropdown);
  if (selected != 0 && selected != GTK_INVALID_LIST_POSITION)
    selected_name = g_strdup (gtk_string_list_get_string (self->event_types, selected));

  self->updating_event_types = TRUE;
  gtk_string_list_splice (self->event_types, 1, n_items - 1, names);

  selected = 0;
  if (selected_name != NULL)
    {
      for (guint i = 0; i < n_names; i++)
        {
          if (g_str_equal (names[i], selected_name))
            {
              selected = i + 1;
              break;
            }
        }
    }
  gtk_drop_down_set_selected (self->event_type_dropdown, selected);
  self->updating_event_types = FALSE;

  /* The filtered name may be gone after retention; show everything then. */
  if (selected_name != NULL && selected == 0)
    _botbench_events_page_event_type_selected_cb (self, NULL, self->event_type_dropdown);
}

static void
load_event_names_thread (GTask        *task,
                         gpointer      source_object,
                         gpointer      task_data,
                         GCancellable *cancellable)
{
  BotbenchEventStore *store = task_data;
  g_autoptr(GError) error = NULL;
  char **names;

  names = botbench_event_store_list_event_names (store, &error);
  if (names == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, names, (GDestroyNotify)g_strfreev);
}

static void
load_event_names_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GWeakRef *weak = user_data;
  g_autoptr(BotbenchEventsPage) self = g_weak_ref_get (weak);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) names = NULL;

  g_weak_ref_clear (weak);
  g_free (weak);

  names = g_task_propagate_pointer (G_TASK (result), &error);

  /* Closed while the read ran: nothing to show it on. */
  if (self == NULL)
    return;

  self->names_loading = FALSE;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_cancellable_is_cancelled (self->cancellable))
    {
      _botbench_events_page_update_loading_names (self);
      return;
    }

  if (names == NULL)
    g_debug ("Cannot list event names: %s", error->message);
  else
    botbench_events_page_set_event_names (self, (const char * const *)names);

  if (self->names_pending)
    {
      self->names_pending = FALSE;
      _botbench_events_page_load_event_names (self);
    }

  _botbench_events_page_update_loading_names (self);
}

static gboolean
load_event_names_timeout_cb (gpointer user_data)
{
  BotbenchEventsPage *self = user_data;

  self->names_timeout = 0;
  _botbench_events_page_load_event_names (self);
  _botbench_events_page_update_loading_names (self);

  return G_SOURCE_REMOVE;
}

/* Reads the distinct event names in a thread; calls arriving while a read
 * runs, or within NAMES_REFRESH_INTERVAL_US of the last, are merged. */
void
_botbench_events_page_load_event_names (BotbenchEventsPage *self)
{
  g_autoptr(GTask) task = NULL;
  GWeakRef *weak;
  gint64 now;

  g_assert (BOTBENCH_IS_EVENTS_PAGE (self));

  if (self->store == NULL || self->names_timeout != 0)
    return;

  if (self->names_loading)
    {
      self->names_pending = TRUE;
      return;
    }

  now = g_get_monotonic_time ();
  if (self->names_last_load != 0 && now - self->names_last_load < NAMES_REFRESH_INTERVAL_US)
    {
      guint delay_ms = (NAMES_REFRESH_INTERVAL_US - (now - self->names_last_load)) / 1000;

      self->names_timeout = g_timeout_add (MAX (delay_ms, 1), load_event_names_timeout_cb, self);
      _botbench_events_page_update_loading_names (self);
      return;
    }

  self->names_last_load = now;
  self->names_loading = TRUE;
  _botbench_events_page_update_loading_names (self);

  /* The read must not keep a closed page alive: a weak reference. */
  weak = g_new0 (GWeakRef, 1);
  g_weak_ref_init (weak, self);
  task = g_task_new (NULL, self->cancellable, load_event_names_cb, weak);
  g_task_set_source_tag (task, _botbench_events_page_load_event_names);
  g_task_set_task_data (task, g_object_ref (self->store), g_object_unref);
  g_task_run_in_thread (task, load_event_names_thread);
}

gboolean
botbench_events_page_get_loading_names (BotbenchEventsPage *self)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENTS_PAGE (self), FALSE);

  return self->loading_names;
}
