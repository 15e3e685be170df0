/* botbench-application-notify.c: desktop notifications of new events
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * With the "notify-events" setting on (off by default), events stored
 * while no Botbench window is focused are announced with one
 * GNotification ("new-events"), replaced as more arrive: the newest
 * event's name and message, and how many came.  Clicking it shows that
 * event.  Focusing a window withdraws it.  The store is read on a worker
 * thread, one look at a time.
 */
#define G_LOG_DOMAIN "botbench-application"

#include "config.h"

#include <glib/gi18n.h>

#include "botbench-application-internal.h"

#define NOTIFICATION_ID "new-events"

typedef struct
{
  gint64         after_id;
  gint64         count;
  BotbenchEvent *newest;
} NotifyLook;

static void
notify_look_free (gpointer data)
{
  NotifyLook *look = data;

  g_clear_object (&look->newest);
  g_free (look);
}

static gboolean
botbench_application_has_focus (BotbenchApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (gtk_window_is_active (l->data))
      return TRUE;
  return FALSE;
}

static void
notify_look_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  BotbenchEventStore *store = source_object;
  NotifyLook *look = task_data;
  BotbenchEventQuery query = { .after_id = look->after_id, .limit = 1 };
  g_autoptr(GPtrArray) events = NULL;
  GError *error = NULL;

  look->count = botbench_event_store_count (store, &query, &error);
  if (look->count < 0 || error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  events = botbench_event_store_query (store, &query, &error);
  if (events == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (events->len > 0)
    look->newest = g_object_ref (g_ptr_array_index (events, 0));
  g_task_return_boolean (task, TRUE);
}

static void botbench_application_notify_look (BotbenchApplication *self);

static void
botbench_application_send_notification (BotbenchApplication *self,
                                        NotifyLook          *look)
{
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *title = NULL;
  const char *name = botbench_event_get_event_name (look->newest);
  const char *message = botbench_event_get_message (look->newest);
  g_autofree char *body = NULL;

  if (*name == '\0')
    name = _("Unnamed event");
  if (look->count <= 1)
    {
      /* Translators: %s is the event's name, e.g. ONIMBOTMESSAGEADD */
      title = g_strdup_printf (_("New event: %s"), name);
      body = g_strdup (message);
    }
  else
    {
      /* Translators: the title of a notification */
      title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u new event", "%u new events",
                                            (gulong)MIN (look->count, G_MAXUINT)),
                               (guint)MIN (look->count, G_MAXUINT));
      if (*message != '\0')
        /* Translators: the newest of several events: its name, then its message */
        body = g_strdup_printf (_("Newest: %s — %s"), name, message);
      else
        /* Translators: the newest of several events; %s is its name */
        body = g_strdup_printf (_("Newest: %s"), name);
    }

  notification = g_notification_new (title);
  if (body != NULL && *body != '\0')
    g_notification_set_body (notification, body);
  g_notification_set_default_action_and_target (notification, "app.show-event", "x",
                                                botbench_event_get_id (look->newest));
  g_application_send_notification (G_APPLICATION (self), NOTIFICATION_ID, notification);
}

static void
notify_look_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(BotbenchApplication) self = user_data;
  NotifyLook *look = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  self->notify_busy = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_debug ("Cannot read the new events for a notification: %s", error->message);
  else if (look->newest != NULL && !self->shutting_down &&
           g_settings_get_boolean (self->settings, "notify-events") &&
           !botbench_application_has_focus (self))
    botbench_application_send_notification (self, look);

  if (self->notify_again && !self->shutting_down)
    {
      self->notify_again = FALSE;
      botbench_application_notify_look (self);
    }
}

/* Counts what came since the last focus, and the newest of it. */
static void
botbench_application_notify_look (BotbenchApplication *self)
{
  g_autoptr(GTask) task = NULL;
  NotifyLook *look = g_new0 (NotifyLook, 1);

  look->after_id = self->notify_seen_id;
  self->notify_busy = TRUE;
  task = g_task_new (self->store, NULL, notify_look_cb, g_object_ref (self));
  g_task_set_source_tag (task, botbench_application_notify_look);
  g_task_set_task_data (task, look, notify_look_free);
  g_task_run_in_thread (task, notify_look_thread);
}

static void
store_events_added_cb (BotbenchApplication *self,
                       gint64               last_id)
{
  /* Off, or seen in a focused window: nothing to announce. */
  if (!g_settings_get_boolean (self->settings, "notify-events") ||
      botbench_application_has_focus (self))
    {
      self->notify_seen_id = MAX (self->notify_seen_id, last_id);
      return;
    }

  if (self->notify_busy)
    self->notify_again = TRUE;
  else
    botbench_application_notify_look (self);
}

/* A window got the focus: what came is seen. */
static void
window_active_cb (BotbenchApplication *self,
                  GParamSpec          *pspec,
                  GtkWindow           *window)
{
  if (!gtk_window_is_active (window) || self->store == NULL)
    return;

  self->notify_seen_id = MAX (self->notify_seen_id, botbench_event_store_get_last_id (self->store));
  g_application_withdraw_notification (G_APPLICATION (self), NOTIFICATION_ID);
}

static void
window_added_cb (BotbenchApplication *self,
                 GtkWindow           *window)
{
  g_signal_connect_object (window, "notify::is-active", G_CALLBACK (window_active_cb),
                           self, G_CONNECT_SWAPPED);
}

static void
botbench_application_show_event_action (GSimpleAction *action,
                                        GVariant      *parameter,
                                        gpointer       user_data)
{
  BotbenchApplication *self = user_data;
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (window == NULL)
    {
      g_application_activate (G_APPLICATION (self));
      window = gtk_application_get_active_window (GTK_APPLICATION (self));
    }
  if (window == NULL)
    return;
  gtk_window_present (window);
  gtk_widget_activate_action_variant (GTK_WIDGET (window), "win.show-event", parameter);
}

static const GActionEntry notify_actions[] = {
  { "show-event", botbench_application_show_event_action, "x" },
};

void
_botbench_application_setup_notifications (BotbenchApplication *self)
{
  g_assert (BOTBENCH_IS_APPLICATION (self));

  g_action_map_add_action_entries (G_ACTION_MAP (self), notify_actions,
                                   G_N_ELEMENTS (notify_actions), self);
  g_signal_connect_swapped (self, "window-added", G_CALLBACK (window_added_cb), self);
  if (self->store == NULL)
    return;

  self->notify_seen_id = botbench_event_store_get_last_id (self->store);
  g_signal_connect_object (self->store, "events-added", G_CALLBACK (store_events_added_cb),
                           self, G_CONNECT_SWAPPED);
}
