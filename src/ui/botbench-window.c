/* botbench-window.c: the main window, the shell around the pages
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The sidebar of pages and their header widgets, the listener switch and
 * URL, the profile switcher, the banners (listener error, keyring) and the
 * toasts, and the win.* actions.  Each page is a widget of its own:
 * BotbenchEventsPage, BotbenchProfilesPage, BotbenchBotsPage,
 * BotbenchChatPage and BotbenchRequestsPage.
 */
#define G_LOG_DOMAIN "botbench-window"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "botbench-application-private.h"
#include "botbench-bots-page.h"
#include "botbench-chat-page.h"
#include "botbench-doctor-dialog.h"
#include "botbench-events-page-private.h"
#include "botbench-profiles-page.h"
#include "botbench-requests-page.h"
#include "botbench-sidebar-row.h"
#include "botbench-window-private.h"

/* Narrower than this, the page sidebar folds away first, so that the log
 * and the detail pane stay side by side (libadwaita 1.2 has no
 * breakpoints; the list pane folds by itself below about 720 px). */
#define SIDEBAR_FOLD_WIDTH 920

#define TRY_COMMAND_BODY "event=ONIMBOTMESSAGEADD&data[PARAMS][MESSAGE]=Hello"

G_DEFINE_FINAL_TYPE (BotbenchWindow, botbench_window, ADW_TYPE_APPLICATION_WINDOW)

/* Screen readers present an alert as it is shown (GTK 4.8 has no
 * gtk_accessible_announce()): the hidden alert label takes the text and is
 * shown again.  It sits in a revealer that is never revealed, so nothing
 * changes on screen. */
void
_botbench_window_announce (BotbenchWindow *self,
                           const char     *text)
{
  g_return_if_fail (BOTBENCH_IS_WINDOW (self));

  gtk_label_set_label (self->announce_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->announce_label), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->announce_label), TRUE);
}

void
_botbench_window_toast (BotbenchWindow *self,
                        const char     *title)
{
  AdwToast *toast = adw_toast_new (title);
  g_autofree char *plain = NULL;

  adw_toast_set_timeout (toast, 2);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);

  /* A toast's title is markup */
  if (!pango_parse_markup (title, -1, 0, NULL, &plain, NULL, NULL))
    plain = g_strdup (title);
  _botbench_window_announce (self, plain);
}

static void
botbench_window_copy_text (BotbenchWindow *self,
                           const char     *text,
                           const char     *toast)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
  _botbench_window_toast (self, toast);
}

/* The shell command shown on the empty page, for the listener's address. */
static char *
botbench_window_dup_try_command (BotbenchWindow *self)
{
  BotbenchApplication *app = BOTBENCH_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  g_autofree char *base_url = botbench_application_dup_listener_base_url (app);

  return g_strdup_printf ("curl -d '" TRY_COMMAND_BODY "' %s/", base_url);
}

static void
botbench_window_update_listener (BotbenchWindow *self)
{
  g_autofree char *url = NULL;
  g_autofree char *try_command = NULL;
  gboolean running;

  g_assert (BOTBENCH_IS_WINDOW (self));

  running = self->listener != NULL && botbench_listener_get_running (self->listener);

  self->updating_switch = TRUE;
  gtk_switch_set_active (self->listener_switch, running);
  gtk_switch_set_state (self->listener_switch, running);
  self->updating_switch = FALSE;

  if (running)
    {
      url = botbench_listener_dup_url (self->listener);
      gtk_label_set_label (self->url_label, url);
      gtk_widget_add_css_class (GTK_WIDGET (self->url_label), "url");
      gtk_widget_remove_css_class (GTK_WIDGET (self->url_button), "dim-label");
      gtk_revealer_set_reveal_child (self->banner_revealer, FALSE);
    }
  else
    {
      gtk_label_set_label (self->url_label, _("Not Listening"));
      gtk_widget_remove_css_class (GTK_WIDGET (self->url_label), "url");
      gtk_widget_add_css_class (GTK_WIDGET (self->url_button), "dim-label");
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.copy-url", running);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->listener_switch),
                               running ? _("Stop Receiving Events") : _("Receive Events"));

  try_command = botbench_window_dup_try_command (self);
  botbench_events_page_set_try_command (self->events_page, try_command);
}

static void
listener_running_cb (BotbenchWindow   *self,
                     GParamSpec       *pspec,
                     BotbenchListener *listener)
{
  botbench_window_update_listener (self);
}

static void
listener_failed_cb (BotbenchWindow      *self,
                    const GError        *error,
                    BotbenchApplication *app)
{
  g_autofree char *message = NULL;

  g_assert (BOTBENCH_IS_WINDOW (self));

  /* Translators: %s is why the listener could not start, e.g. "Port 8024 is already in use" */
  message = g_strdup_printf (_("Not receiving events: %s"), error->message);
  gtk_label_set_label (self->banner_label, message);
  gtk_revealer_set_reveal_child (self->banner_revealer, TRUE);

  botbench_window_update_listener (self);
}

static void
botbench_window_start_listener (BotbenchWindow *self)
{
  BotbenchApplication *app = BOTBENCH_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));

  /* Failures arrive through "listener-failed". */
  if (botbench_application_start_listener (app, NULL))
    gtk_revealer_set_reveal_child (self->banner_revealer, FALSE);

  botbench_window_update_listener (self);
}

static void
listener_switch_active_cb (BotbenchWindow *self,
                           GParamSpec     *pspec,
                           GtkSwitch      *toggle)
{
  BotbenchApplication *app;
  gboolean active;

  g_assert (BOTBENCH_IS_WINDOW (self));

  if (self->updating_switch || self->listener == NULL)
    return;

  /* GtkSwitch defers notifications while it changes, so a correction made
   * after a failed start arrives here later; it changes nothing. */
  active = gtk_switch_get_active (toggle);
  if (active == botbench_listener_get_running (self->listener))
    return;

  app = BOTBENCH_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));

  if (active)
    {
      botbench_window_start_listener (self);
    }
  else
    {
      botbench_application_stop_listener (app);
      gtk_revealer_set_reveal_child (self->banner_revealer, FALSE);
      botbench_window_update_listener (self);
    }
}

static void
events_page_selected_event_cb (BotbenchWindow     *self,
                               GParamSpec         *pspec,
                               BotbenchEventsPage *page)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.copy-curl",
                                 botbench_events_page_get_selected_event (page) != NULL);
}

static GtkWidget *
sidebar_create_row_cb (gpointer item,
                       gpointer user_data)
{
  return botbench_sidebar_row_new (item);
}

static void
sidebar_row_activated_cb (BotbenchWindow *self,
                          GtkListBoxRow  *row,
                          GtkListBox     *list)
{
  GtkStackPage *page = botbench_sidebar_row_get_page (BOTBENCH_SIDEBAR_ROW (row));

  g_assert (BOTBENCH_IS_WINDOW (self));

  gtk_stack_set_visible_child (self->page_stack, gtk_stack_page_get_child (page));
  adw_leaflet_set_visible_child_name (self->leaflet, "content");
}

static void
page_stack_visible_child_cb (BotbenchWindow *self,
                             GParamSpec     *pspec,
                             GtkStack       *stack)
{
  const char *name = gtk_stack_get_visible_child_name (stack);
  GtkWidget *header_child = NULL;

  g_assert (BOTBENCH_IS_WINDOW (self));

  if (name != NULL)
    header_child = gtk_stack_get_child_by_name (self->header_stack, name);

  if (header_child != NULL)
    gtk_stack_set_visible_child (self->header_stack, header_child);
  gtk_widget_set_visible (GTK_WIDGET (self->header_stack), header_child != NULL);

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->sidebar_list));
       row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      GtkStackPage *page = botbench_sidebar_row_get_page (BOTBENCH_SIDEBAR_ROW (row));

      if (gtk_stack_page_get_child (page) == gtk_stack_get_visible_child (stack))
        gtk_list_box_select_row (self->sidebar_list, GTK_LIST_BOX_ROW (row));
    }
}

static void
botbench_window_copy_url (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  BotbenchWindow *self = BOTBENCH_WINDOW (widget);
  g_autofree char *url = NULL;

  if (self->listener == NULL || (url = botbench_listener_dup_url (self->listener)) == NULL)
    return;

  botbench_window_copy_text (self, url, _("Listener URL copied"));
}

static void
botbench_window_copy_curl (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  BotbenchWindow *self = BOTBENCH_WINDOW (widget);
  BotbenchApplication *app = BOTBENCH_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  BotbenchEvent *event = botbench_events_page_get_selected_event (self->events_page);
  g_autofree char *base_url = NULL;
  g_autofree char *command = NULL;

  if (event == NULL)
    return;

  base_url = botbench_application_dup_listener_base_url (app);
  command = botbench_event_dup_curl_command (event, base_url);
  botbench_window_copy_text (self, command, _("Copied"));
}

static void
botbench_window_copy_try_command (GtkWidget  *widget,
                                  const char *action_name,
                                  GVariant   *parameter)
{
  BotbenchWindow *self = BOTBENCH_WINDOW (widget);
  g_autofree char *command = botbench_window_dup_try_command (self);

  botbench_window_copy_text (self, command, _("Command copied"));
}

static void
botbench_window_start_listener_action (GtkWidget  *widget,
                                       const char *action_name,
                                       GVariant   *parameter)
{
  botbench_window_start_listener (BOTBENCH_WINDOW (widget));
}

static void
botbench_window_show_sidebar (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  BotbenchWindow *self = BOTBENCH_WINDOW (widget);

  adw_leaflet_set_visible_child_name (self->leaflet, "sidebar");
}

static void
botbench_window_show_event_list (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  BotbenchWindow *self = BOTBENCH_WINDOW (widget);

  botbench_events_page_show_list (self->events_page);
}

static void
botbench_window_focus_search (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  BotbenchWindow *self = BOTBENCH_WINDOW (widget);

  if (self->store == NULL)
    return;

  gtk_stack_set_visible_child_name (self->page_stack, "events");
  adw_leaflet_set_visible_child_name (self->leaflet, "content");
  botbench_events_page_focus_search (self->events_page);
}

static void
botbench_window_announce_action (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  _botbench_window_announce (BOTBENCH_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

/* Alt+1…: the page of that place in the sidebar */
static void
botbench_window_show_page (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  BotbenchWindow *self = BOTBENCH_WINDOW (widget);
  g_autoptr(GObject) page = NULL;
  g_autoptr(GtkSelectionModel) pages = NULL;
  GtkWidget *child;

  if (self->store == NULL)
    return;

  pages = gtk_stack_get_pages (self->page_stack);
  page = g_list_model_get_item (G_LIST_MODEL (pages), g_variant_get_uint32 (parameter));
  if (page == NULL)
    return;

  /* The sidebar follows the stack (page_stack_visible_child_cb); the
   * focus goes to the page, not left on the one now hidden. */
  child = gtk_stack_page_get_child (GTK_STACK_PAGE (page));
  gtk_stack_set_visible_child (self->page_stack, child);
  adw_leaflet_set_visible_child_name (self->leaflet, "content");
  gtk_widget_child_focus (child, GTK_DIR_TAB_FORWARD);
}

/* Ctrl+R on the Events page */
static void
botbench_window_replay_selected (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  BotbenchWindow *self = BOTBENCH_WINDOW (widget);

  if (gtk_stack_get_visible_child (self->page_stack) == GTK_WIDGET (self->events_page))
    gtk_widget_activate_action (GTK_WIDGET (self->events_page), "events.replay-selected", NULL);
}

static void
botbench_window_toast_action (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  g_autofree char *escaped = g_markup_escape_text (g_variant_get_string (parameter, NULL), -1);

  _botbench_window_toast (BOTBENCH_WINDOW (widget), escaped);
}

static void
botbench_window_try_sandbox (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  BotbenchWindow *self = BOTBENCH_WINDOW (widget);
  BotbenchApplication *app = BOTBENCH_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  g_autoptr(GError) error = NULL;
  BotbenchProfile *profile;

  /* The built-in portal: no Bitrix24 account needed to try everything. */
  if (!botbench_application_start_sandbox (app, &error))
    {
      g_autofree char *text = g_strdup_printf (_("The sandbox portal cannot start: %s"), error->message);

      gtk_widget_activate_action (widget, "win.toast", "s", text);
      return;
    }

  profile = botbench_application_get_sandbox_profile (app);
  if (profile != NULL &&
      !botbench_profile_manager_set_active (botbench_application_get_profile_manager (app), profile, &error))
    g_debug ("Cannot make the sandbox profile active: %s", error->message);

  gtk_widget_activate_action (widget, "win.show-bots", NULL);
}

static void
botbench_window_show_profiles (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  BotbenchWindow *self = BOTBENCH_WINDOW (widget);

  gtk_stack_set_visible_child_name (self->page_stack, "profiles");
  adw_leaflet_set_visible_child_name (self->leaflet, "content");
  botbench_profiles_page_show_list (self->profiles_page);
}

static void
botbench_window_add_profile (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  BotbenchWindow *self = BOTBENCH_WINDOW (widget);

  gtk_stack_set_visible_child_name (self->page_stack, "profiles");
  adw_leaflet_set_visible_child_name (self->leaflet, "content");
  botbench_profiles_page_add_profile (self->profiles_page);
}

static void
botbench_window_clear_requests (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *parameter)
{
  BotbenchApplication *app = BOTBENCH_APPLICATION (gtk_window_get_application (GTK_WINDOW (widget)));

  if (app != NULL)
    botbench_request_history_clear (botbench_application_get_request_history (app));
}

static void
botbench_window_export_requests (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  botbench_requests_page_export (BOTBENCH_WINDOW (widget)->requests_page);
}

/* GtkWindow:application is not a construct property, so this runs after
 * g_object_new() rather than in constructed(). */
static void
botbench_window_setup (BotbenchWindow      *self,
                       BotbenchApplication *app)
{
  g_autoptr(GtkSelectionModel) pages = NULL;
  const GError *store_error;

  g_assert (BOTBENCH_IS_WINDOW (self));
  g_assert (BOTBENCH_IS_APPLICATION (app));
  g_assert (gtk_window_get_application (GTK_WINDOW (self)) == GTK_APPLICATION (app));

  self->settings = g_object_ref (botbench_application_get_settings (app));
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
  else
    adw_leaflet_set_can_unfold (self->leaflet,
                                g_settings_get_int (self->settings, "window-width") >= SIDEBAR_FOLD_WIDTH);

  pages = gtk_stack_get_pages (self->page_stack);
  gtk_list_box_bind_model (self->sidebar_list, G_LIST_MODEL (pages),
                           sidebar_create_row_cb, NULL, NULL);
  page_stack_visible_child_cb (self, NULL, self->page_stack);

  _botbench_window_setup_profiles (self, app);
  botbench_chat_page_set_application (self->chat_page, app);

  self->store = botbench_application_get_store (app);
  if (self->store == NULL)
    {
      g_autofree char *description = NULL;

      /* The description is markup; a path may hold "&" or "<". */
      store_error = botbench_application_get_store_error (app);
      if (store_error != NULL)
        description = g_markup_escape_text (store_error->message, -1);
      adw_status_page_set_description (self->store_error_page, description);
      gtk_stack_set_visible_child_name (self->main_stack, "error");
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.copy-url", FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.start-listener", FALSE);
      return;
    }

  g_object_ref (self->store);
  botbench_events_page_set_store (self->events_page, self->store);

  self->listener = g_object_ref (botbench_application_get_listener (app));
  g_signal_connect_object (self->listener, "notify::running",
                           G_CALLBACK (listener_running_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (app, "listener-failed",
                           G_CALLBACK (listener_failed_cb), self, G_CONNECT_SWAPPED);

  if (g_settings_get_boolean (self->settings, "listener-enabled"))
    botbench_window_start_listener (self);
  else
    botbench_window_update_listener (self);
}

static gboolean
botbench_window_update_fold_cb (gpointer user_data)
{
  BotbenchWindow *self = user_data;

  self->fold_source = 0;
  adw_leaflet_set_can_unfold (self->leaflet,
                              gtk_widget_get_width (GTK_WIDGET (self)) >= SIDEBAR_FOLD_WIDTH);

  return G_SOURCE_REMOVE;
}

static void
botbench_window_size_allocate (GtkWidget *widget,
                               int        width,
                               int        height,
                               int        baseline)
{
  BotbenchWindow *self = BOTBENCH_WINDOW (widget);

  GTK_WIDGET_CLASS (botbench_window_parent_class)->size_allocate (widget, width, height, baseline);

  /* Changing the layout while it is being allocated leaves the frame half
   * done, so the change waits for the next main loop iteration. */
  if (adw_leaflet_get_can_unfold (self->leaflet) != (width >= SIDEBAR_FOLD_WIDTH) &&
      self->fold_source == 0)
    self->fold_source = g_idle_add_full (G_PRIORITY_HIGH_IDLE, botbench_window_update_fold_cb,
                                         self, NULL);
}

static gboolean
botbench_window_close_request (GtkWindow *window)
{
  BotbenchWindow *self = BOTBENCH_WINDOW (window);
  int width;
  int height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_delay (self->settings);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  g_settings_apply (self->settings);

  return GTK_WINDOW_CLASS (botbench_window_parent_class)->close_request (window);
}

/* Bots */

/* "Why No Events?": parameter the bot id, 0 for every bot of the profile. */
static void
botbench_window_doctor (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  BotbenchWindow *self = BOTBENCH_WINDOW (widget);
  BotbenchApplication *app = BOTBENCH_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  GtkWidget *dialog;

  dialog = botbench_doctor_dialog_new (app, GTK_WINDOW (self), g_variant_get_int64 (parameter));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
botbench_window_show_bots (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  BotbenchWindow *self = BOTBENCH_WINDOW (widget);

  gtk_stack_set_visible_child_name (self->page_stack, "bots");
  adw_leaflet_set_visible_child_name (self->leaflet, "content");
  botbench_bots_page_show_list (self->bots_page);
}

static void
botbench_window_new_bot (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  BotbenchWindow *self = BOTBENCH_WINDOW (widget);

  gtk_stack_set_visible_child_name (self->page_stack, "bots");
  adw_leaflet_set_visible_child_name (self->leaflet, "content");
  botbench_bots_page_new_bot (self->bots_page);
}

static void
botbench_window_import_bot (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  botbench_bots_page_import (BOTBENCH_WINDOW (widget)->bots_page);
}

static void
botbench_window_refresh_bots (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  botbench_bots_page_refresh (BOTBENCH_WINDOW (widget)->bots_page);
}

/* Chat */

static void
botbench_window_show_chat (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  BotbenchWindow *self = BOTBENCH_WINDOW (widget);

  gtk_stack_set_visible_child_name (self->page_stack, "chat");
  adw_leaflet_set_visible_child_name (self->leaflet, "content");
}

static void
botbench_window_chat_with (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  BotbenchWindow *self = BOTBENCH_WINDOW (widget);
  gint64 bot_id = g_variant_get_int64 (parameter);

  botbench_window_show_chat (widget, NULL, NULL);
  if (bot_id > 0)
    botbench_chat_page_open_bot (self->chat_page, bot_id);
  botbench_chat_page_focus_composer (self->chat_page);
}

static void
botbench_window_focus_composer (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *parameter)
{
  BotbenchWindow *self = BOTBENCH_WINDOW (widget);

  botbench_window_show_chat (widget, NULL, NULL);
  botbench_chat_page_focus_composer (self->chat_page);
}

static void
botbench_window_show_event (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  BotbenchWindow *self = BOTBENCH_WINDOW (widget);

  if (self->store == NULL)
    return;

  gtk_stack_set_visible_child_name (self->page_stack, "events");
  adw_leaflet_set_visible_child_name (self->leaflet, "content");
  if (!botbench_events_page_show_event (self->events_page, g_variant_get_int64 (parameter)))
    _botbench_window_toast (self, _("The event is no longer in the log"));
}

/* The empty event log offers to chat with the sandbox's first bot. */
static void
chat_page_first_bot_cb (BotbenchWindow   *self,
                        GParamSpec       *pspec,
                        BotbenchChatPage *page)
{
  g_autofree char *name = botbench_chat_page_dup_first_bot_name (page);

  botbench_events_page_set_chat_bot (self->events_page, botbench_chat_page_get_first_bot_id (page), name);
}

static void
botbench_window_dispose (GObject *object)
{
  BotbenchWindow *self = (BotbenchWindow *)object;

  g_clear_handle_id (&self->fold_source, g_source_remove);

  gtk_widget_dispose_template (GTK_WIDGET (self), BOTBENCH_TYPE_WINDOW);

  g_clear_object (&self->listener);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_object (&self->profiles);
  g_clear_object (&self->active_profile_action);

  G_OBJECT_CLASS (botbench_window_parent_class)->dispose (object);
}

static void
botbench_window_class_init (BotbenchWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = botbench_window_dispose;

  widget_class->size_allocate = botbench_window_size_allocate;

  window_class->close_request = botbench_window_close_request;

  g_type_ensure (BOTBENCH_TYPE_EVENTS_PAGE);
  g_type_ensure (BOTBENCH_TYPE_PROFILES_PAGE);
  g_type_ensure (BOTBENCH_TYPE_REQUESTS_PAGE);
  g_type_ensure (BOTBENCH_TYPE_BOTS_PAGE);
  g_type_ensure (BOTBENCH_TYPE_CHAT_PAGE);

  _botbench_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/botbench/Botbench/botbench-window.ui");
  gtk_widget_class_bind_template_child (widget_class, BotbenchWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, BotbenchWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, BotbenchWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, BotbenchWindow, sidebar_list);
  gtk_widget_class_bind_template_child (widget_class, BotbenchWindow, listener_switch);
  gtk_widget_class_bind_template_child (widget_class, BotbenchWindow, url_button);
  gtk_widget_class_bind_template_child (widget_class, BotbenchWindow, url_label);
  gtk_widget_class_bind_template_child (widget_class, BotbenchWindow, header_stack);
  gtk_widget_class_bind_template_child (widget_class, BotbenchWindow, banner_revealer);
  gtk_widget_class_bind_template_child (widget_class, BotbenchWindow, banner_label);
  gtk_widget_class_bind_template_child (widget_class, BotbenchWindow, page_stack);
  gtk_widget_class_bind_template_child (widget_class, BotbenchWindow, store_error_page);
  gtk_widget_class_bind_template_child (widget_class, BotbenchWindow, events_page);
  gtk_widget_class_bind_template_child (widget_class, BotbenchWindow, announce_label);
  gtk_widget_class_bind_template_child (widget_class, BotbenchWindow, profile_section);
  gtk_widget_class_bind_template_child (widget_class, BotbenchWindow, profile_button);
  gtk_widget_class_bind_template_child (widget_class, BotbenchWindow, profile_label);
  gtk_widget_class_bind_template_child (widget_class, BotbenchWindow, secrets_revealer);
  gtk_widget_class_bind_template_child (widget_class, BotbenchWindow, secrets_label);
  gtk_widget_class_bind_template_child (widget_class, BotbenchWindow, keep_secrets_button);
  gtk_widget_class_bind_template_child (widget_class, BotbenchWindow, profiles_page);
  gtk_widget_class_bind_template_child (widget_class, BotbenchWindow, requests_page);
  gtk_widget_class_bind_template_child (widget_class, BotbenchWindow, bots_page);
  gtk_widget_class_bind_template_child (widget_class, BotbenchWindow, chat_page);
  gtk_widget_class_bind_template_callback (widget_class, listener_switch_active_cb);
  gtk_widget_class_bind_template_callback (widget_class, sidebar_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, page_stack_visible_child_cb);

  gtk_widget_class_install_action (widget_class, "win.copy-url", NULL, botbench_window_copy_url);
  gtk_widget_class_install_action (widget_class, "win.copy-curl", NULL, botbench_window_copy_curl);
  gtk_widget_class_install_action (widget_class, "win.copy-try-command", NULL,
                                   botbench_window_copy_try_command);
  gtk_widget_class_install_action (widget_class, "win.start-listener", NULL,
                                   botbench_window_start_listener_action);
  gtk_widget_class_install_action (widget_class, "win.show-sidebar", NULL,
                                   botbench_window_show_sidebar);
  gtk_widget_class_install_action (widget_class, "win.show-event-list", NULL,
                                   botbench_window_show_event_list);
  gtk_widget_class_install_action (widget_class, "win.focus-search", NULL,
                                   botbench_window_focus_search);
  gtk_widget_class_install_action (widget_class, "win.toast", "s", botbench_window_toast_action);
  gtk_widget_class_install_action (widget_class, "win.announce", "s", botbench_window_announce_action);
  gtk_widget_class_install_action (widget_class, "win.show-page", "u", botbench_window_show_page);
  gtk_widget_class_install_action (widget_class, "win.replay-selected", NULL, botbench_window_replay_selected);
  gtk_widget_class_install_action (widget_class, "win.show-profiles", NULL,
                                   botbench_window_show_profiles);
  gtk_widget_class_install_action (widget_class, "win.add-profile", NULL,
                                   botbench_window_add_profile);
  gtk_widget_class_install_action (widget_class, "win.clear-requests", NULL,
                                   botbench_window_clear_requests);
  gtk_widget_class_install_action (widget_class, "win.export-requests", NULL,
                                   botbench_window_export_requests);
  gtk_widget_class_install_action (widget_class, "win.show-bots", NULL, botbench_window_show_bots);
  gtk_widget_class_install_action (widget_class, "win.doctor", "x", botbench_window_doctor);
  gtk_widget_class_install_action (widget_class, "win.try-sandbox", NULL, botbench_window_try_sandbox);
  gtk_widget_class_install_action (widget_class, "win.new-bot", NULL, botbench_window_new_bot);
  gtk_widget_class_install_action (widget_class, "win.refresh-bots", NULL, botbench_window_refresh_bots);
  gtk_widget_class_install_action (widget_class, "win.import-bot", NULL, botbench_window_import_bot);

  gtk_widget_class_install_action (widget_class, "win.show-chat", NULL, botbench_window_show_chat);
  gtk_widget_class_install_action (widget_class, "win.chat-with", "x", botbench_window_chat_with);
  gtk_widget_class_install_action (widget_class, "win.focus-composer", NULL, botbench_window_focus_composer);
  gtk_widget_class_install_action (widget_class, "win.show-event", "x", botbench_window_show_event);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, GDK_CONTROL_MASK,
                                       "win.focus-composer", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK,
                                       "win.focus-search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.copy-curl", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "win.new-bot", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK,
                                       "win.replay-selected", NULL);
  /* Alt+1… in sidebar order (GtkStack's page order) */
  for (guint i = 0; i < 9; i++)
    {
      gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1 + i, GDK_ALT_MASK,
                                           "win.show-page", "u", i);
      gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_1 + i, GDK_ALT_MASK,
                                           "win.show-page", "u", i);
    }
}

static void
botbench_window_init (BotbenchWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* The events page's search and filter go in the header bar, shown
   * with the page like the other pages' header widgets. */
  gtk_stack_add_named (self->header_stack, botbench_events_page_get_header (self->events_page), "events");
  g_signal_connect_object (self->events_page, "notify::selected-event",
                           G_CALLBACK (events_page_selected_event_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->chat_page, "notify::first-bot-id",
                           G_CALLBACK (chat_page_first_bot_cb), self, G_CONNECT_SWAPPED);

#ifdef BOTBENCH_DEVELOPMENT
  /* libadwaita's striped header bars: this is not the installed app */
  gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
#endif

  _botbench_window_init_profiles (self);

  /* Folded, the window opens on the log, not on the list of pages. */
  adw_leaflet_set_visible_child_name (self->leaflet, "content");

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.copy-curl", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.copy-url", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export-requests", FALSE);
}

BotbenchWindow *
botbench_window_new (BotbenchApplication *application)
{
  BotbenchWindow *self;

  g_return_val_if_fail (BOTBENCH_IS_APPLICATION (application), NULL);

  self = g_object_new (BOTBENCH_TYPE_WINDOW,
                       "application", application,
                       NULL);
  botbench_window_setup (self, application);

  return self;
}
