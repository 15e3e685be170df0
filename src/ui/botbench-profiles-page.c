/* botbench-profiles-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "botbench-profiles-page"

#include "config.h"

#include <glib/gi18n.h>

#include "botbench-application-private.h"
#include "botbench-install-local-app.h"
#include "botbench-profile-editor.h"
#include "botbench-profiles-page.h"

struct _BotbenchProfilesPage
{
  GtkWidget              parent_instance;

  BotbenchApplication   *app;
  guint                  updating_switch : 1;
  GCancellable          *install_cancellable;  /* "Install a Local Application" under way */

  /* Template widgets */
  GtkStack              *stack;
  AdwActionRow          *sandbox_row;
  GtkImage              *sandbox_icon;
  GtkSwitch             *sandbox_switch;
  AdwActionRow          *install_row;
  AdwPreferencesGroup   *profiles_group;
  GtkStack              *list_stack;
  AdwStatusPage         *empty_page;
  GtkListBox            *profile_list;
  BotbenchProfileEditor *editor;
};

G_DEFINE_FINAL_TYPE (BotbenchProfilesPage, botbench_profiles_page, GTK_TYPE_WIDGET)

static void
profile_row_update (AdwActionRow *row)
{
  BotbenchProfile *profile = g_object_get_data (G_OBJECT (row), "profile");
  BotbenchProfileManager *manager = g_object_get_data (G_OBJECT (row), "manager");
  GtkWidget *check = g_object_get_data (G_OBJECT (row), "check");
  g_autofree char *subtitle = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *title = NULL;
  g_autofree char *escaped = NULL;

  if (botbench_profile_get_kind (profile) == BOTBENCH_PROFILE_KIND_OAUTH)
    {
      const char *portal = botbench_profile_get_portal_url (profile);

      if (botbench_profile_get_uninstalled (profile))
        /* Translators: the subtitle of an OAuth profile whose application was removed from the portal */
        subtitle = g_strdup_printf (_("Uninstalled from %s: its tokens no longer work"), portal != NULL ? portal : "");
      else
        /* Translators: the subtitle of an OAuth profile, %s is its portal URL */
        subtitle = g_strdup_printf (_("OAuth application · %s"), portal != NULL ? portal : "");
    }
  else
    {
      shown = botbench_profile_dup_display_url (profile);
      if (botbench_profile_is_builtin_sandbox (profile))
        /* Translators: the subtitle of the sandbox profile, %s its URL with the secret masked */
        subtitle = g_strdup_printf (_("Sandbox · %s"), shown != NULL ? shown : "");
      else
        /* Translators: the subtitle of a webhook profile, %s its URL with the secret masked */
        subtitle = g_strdup_printf (_("Webhook · %s"), shown != NULL ? shown : "");
    }

  /* Titles and subtitles of rows are markup. */
  title = g_markup_escape_text (botbench_profile_get_name (profile), -1);
  escaped = g_markup_escape_text (subtitle, -1);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (row, escaped);
  gtk_widget_set_opacity (check, botbench_profile_manager_get_active (manager) == profile ? 1.0 : 0.0);
}

static void
profile_notify_cb (AdwActionRow *row)
{
  profile_row_update (row);
}

static GtkWidget *
profile_create_row_cb (gpointer item,
                       gpointer user_data)
{
  BotbenchProfile *profile = item;
  BotbenchProfileManager *manager = user_data;
  GtkWidget *row;
  GtkWidget *check;
  GtkWidget *arrow;

  row = adw_action_row_new ();
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 1);

  check = gtk_image_new_from_icon_name ("object-select-symbolic");
  gtk_widget_set_tooltip_text (check, _("Active Profile"));
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);

  arrow = gtk_image_new_from_icon_name ("go-next-symbolic");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), arrow);

  g_object_set_data_full (G_OBJECT (row), "profile", g_object_ref (profile), g_object_unref);
  g_object_set_data (G_OBJECT (row), "manager", manager);
  g_object_set_data (G_OBJECT (row), "check", check);
  g_signal_connect_object (profile, "notify", G_CALLBACK (profile_notify_cb), row, G_CONNECT_SWAPPED);
  profile_row_update (ADW_ACTION_ROW (row));

  return row;
}

static void
botbench_profiles_page_update_rows (BotbenchProfilesPage *self)
{
  BotbenchProfileManager *manager = botbench_application_get_profile_manager (self->app);

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->profile_list));
       row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (ADW_IS_ACTION_ROW (row))
      profile_row_update (ADW_ACTION_ROW (row));

  gtk_stack_set_visible_child_name (self->list_stack,
                                    g_list_model_get_n_items (G_LIST_MODEL (manager)) > 0
                                    ? "list" : "empty");
}

static void
botbench_profiles_page_update_sandbox (BotbenchProfilesPage *self,
                                       const GError         *error)
{
  BotbenchSandbox *sandbox = botbench_application_get_sandbox (self->app);
  gboolean running = botbench_sandbox_get_running (sandbox);
  g_autofree char *subtitle = NULL;
  g_autofree char *escaped = NULL;

  self->updating_switch = TRUE;
  gtk_switch_set_active (self->sandbox_switch, running);
  gtk_switch_set_state (self->sandbox_switch, running);
  self->updating_switch = FALSE;

  if (running)
    {
      g_autofree char *url = botbench_sandbox_dup_url (sandbox);

      /* Translators: %s is the sandbox's address, e.g. http://127.0.0.1:8124/ */
      subtitle = g_strdup_printf (_("Running at %s"), url);
    }
  else if (error != NULL)
    {
      /* Translators: %s says why the sandbox could not start */
      subtitle = g_strdup_printf (_("Cannot start: %s"), error->message);
    }
  else
    {
      subtitle = g_strdup (_("Stopped. Turn it on to add a “Sandbox” profile that works offline."));
    }

  escaped = g_markup_escape_text (subtitle, -1);
  adw_action_row_set_subtitle (self->sandbox_row, escaped);
  gtk_widget_remove_css_class (GTK_WIDGET (self->sandbox_icon), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (self->sandbox_icon), "error");
  if (running)
    gtk_widget_add_css_class (GTK_WIDGET (self->sandbox_icon), "success");
  else if (error != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->sandbox_icon), "error");

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "profiles.install-local-app",
                                 running && self->install_cancellable == NULL);
}

static void
secrets_session_only_cb (BotbenchProfilesPage *self,
                         GParamSpec           *pspec,
                         BotbenchSecretStore  *secrets)
{
  if (botbench_secret_store_get_session_only (secrets))
    adw_preferences_group_set_description (self->profiles_group,
                                           _("Shared with botbench-cli. No keyring is available: "
                                             "secrets are kept in memory until Botbench quits."));
  else
    adw_preferences_group_set_description (self->profiles_group,
                                           _("Shared with botbench-cli. Secrets stay in the keyring."));
}

static void
sandbox_running_cb (BotbenchProfilesPage *self)
{
  botbench_profiles_page_update_sandbox (self, NULL);
}

static void
sandbox_failed_cb (BotbenchProfilesPage *self,
                   const GError         *error)
{
  botbench_profiles_page_update_sandbox (self, error);
}

static void
sandbox_switch_active_cb (BotbenchProfilesPage *self,
                          GParamSpec           *pspec,
                          GtkSwitch            *toggle)
{
  BotbenchSandbox *sandbox;

  if (self->updating_switch || self->app == NULL)
    return;

  sandbox = botbench_application_get_sandbox (self->app);
  if (gtk_switch_get_active (toggle) == botbench_sandbox_get_running (sandbox))
    return;

  /* Failures arrive through "sandbox-failed". */
  if (gtk_switch_get_active (toggle))
    botbench_application_start_sandbox (self->app, NULL);
  else
    botbench_application_stop_sandbox (self->app);

  botbench_profiles_page_update_sandbox (self, NULL);
}

static void
profile_row_activated_cb (BotbenchProfilesPage *self,
                          GtkListBoxRow        *row)
{
  BotbenchProfile *profile = g_object_get_data (G_OBJECT (row), "profile");

  if (profile != NULL)
    botbench_profiles_page_edit_profile (self, profile);
}

static void
editor_closed_cb (BotbenchProfilesPage *self)
{
  botbench_profiles_page_show_list (self);
}

static void
botbench_profiles_page_add_action (GtkWidget  *widget,
                                   const char *action_name,
                                   GVariant   *parameter)
{
  botbench_profiles_page_add_profile (BOTBENCH_PROFILES_PAGE (widget));
}

static void
install_subtitle (BotbenchProfilesPage *self,
                  const char           *text,
                  gboolean              error)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  adw_action_row_set_subtitle (self->install_row, escaped);
  if (error)
    gtk_widget_add_css_class (GTK_WIDGET (self->install_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->install_row), "error");
}

static void
install_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(BotbenchProfilesPage) self = user_data;
  g_autoptr(BotbenchProfile) profile = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  profile = botbench_install_local_app_finish (BOTBENCH_APPLICATION (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->install_cancellable);
  botbench_profiles_page_update_sandbox (self, NULL);

  if (profile == NULL)
    {
      /* Translators: %s says why, e.g. "Start the listener first: …" */
      text = g_strdup_printf (_("Not installed: %s"), error->message);
      install_subtitle (self, text, TRUE);
      gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", text);
      return;
    }

  /* Translators: %s is the new profile's name, e.g. "Sandbox App" */
  text = g_strdup_printf (_("Installed: profile “%s” is active"), botbench_profile_get_name (profile));
  install_subtitle (self, text, FALSE);
  g_clear_pointer (&text, g_free);
  /* Translators: %s is the new profile's name */
  text = g_strdup_printf (_("Local application installed: profile “%s” created and selected"),
                          botbench_profile_get_name (profile));
  gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", text);
}

static void
botbench_profiles_page_install_action (GtkWidget  *widget,
                                       const char *action_name,
                                       GVariant   *parameter)
{
  BotbenchProfilesPage *self = BOTBENCH_PROFILES_PAGE (widget);

  if (self->app == NULL || self->install_cancellable != NULL)
    return;

  self->install_cancellable = g_cancellable_new ();
  gtk_widget_action_set_enabled (widget, "profiles.install-local-app", FALSE);
  install_subtitle (self, _("Installing…"), FALSE);
  botbench_install_local_app_async (self->app, self->install_cancellable, install_done_cb, g_object_ref (self));
}

static void
botbench_profiles_page_dispose (GObject *object)
{
  BotbenchProfilesPage *self = (BotbenchProfilesPage *)object;

  if (self->install_cancellable != NULL)
    g_cancellable_cancel (self->install_cancellable);
  g_clear_object (&self->install_cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), BOTBENCH_TYPE_PROFILES_PAGE);
  g_clear_object (&self->app);

  G_OBJECT_CLASS (botbench_profiles_page_parent_class)->dispose (object);
}

static void
botbench_profiles_page_class_init (BotbenchProfilesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = botbench_profiles_page_dispose;

  g_type_ensure (BOTBENCH_TYPE_PROFILE_EDITOR);

  _botbench_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/botbench/Botbench/botbench-profiles-page.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfilesPage, stack);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfilesPage, sandbox_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfilesPage, sandbox_icon);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfilesPage, sandbox_switch);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfilesPage, install_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfilesPage, profiles_group);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfilesPage, list_stack);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfilesPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfilesPage, profile_list);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfilesPage, editor);
  gtk_widget_class_bind_template_callback (widget_class, sandbox_switch_active_cb);
  gtk_widget_class_bind_template_callback (widget_class, profile_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, editor_closed_cb);

  gtk_widget_class_install_action (widget_class, "profiles.add", NULL,
                                   botbench_profiles_page_add_action);
  gtk_widget_class_install_action (widget_class, "profiles.install-local-app", NULL,
                                   botbench_profiles_page_install_action);
}

static void
botbench_profiles_page_init (BotbenchProfilesPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "profiles.install-local-app", FALSE);
}

void
botbench_profiles_page_set_application (BotbenchProfilesPage *self,
                                        BotbenchApplication  *app)
{
  BotbenchProfileManager *manager;

  g_return_if_fail (BOTBENCH_IS_PROFILES_PAGE (self));
  g_return_if_fail (BOTBENCH_IS_APPLICATION (app));
  g_return_if_fail (self->app == NULL);

  self->app = g_object_ref (app);
  manager = botbench_application_get_profile_manager (app);

  gtk_list_box_bind_model (self->profile_list, G_LIST_MODEL (manager),
                           profile_create_row_cb, manager, NULL);
  g_signal_connect_object (manager, "items-changed",
                           G_CALLBACK (botbench_profiles_page_update_rows), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (manager, "notify::active",
                           G_CALLBACK (botbench_profiles_page_update_rows), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (botbench_application_get_sandbox (app), "notify::running",
                           G_CALLBACK (sandbox_running_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (app, "sandbox-failed",
                           G_CALLBACK (sandbox_failed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (botbench_application_get_secret_store (app), "notify::session-only",
                           G_CALLBACK (secrets_session_only_cb), self, G_CONNECT_SWAPPED);
  secrets_session_only_cb (self, NULL, botbench_application_get_secret_store (app));

  botbench_profiles_page_update_rows (self);
  botbench_profiles_page_update_sandbox (self, NULL);
}

void
botbench_profiles_page_add_profile (BotbenchProfilesPage *self)
{
  g_return_if_fail (BOTBENCH_IS_PROFILES_PAGE (self));

  if (self->app == NULL)
    return;

  botbench_profile_editor_edit (self->editor, self->app, NULL);
  gtk_stack_set_visible_child_name (self->stack, "editor");
  botbench_profile_editor_focus_name (self->editor);
}

void
botbench_profiles_page_edit_profile (BotbenchProfilesPage *self,
                                     BotbenchProfile      *profile)
{
  g_return_if_fail (BOTBENCH_IS_PROFILES_PAGE (self));
  g_return_if_fail (BOTBENCH_IS_PROFILE (profile));

  if (self->app == NULL)
    return;

  botbench_profile_editor_edit (self->editor, self->app, profile);
  gtk_stack_set_visible_child_name (self->stack, "editor");
}

void
botbench_profiles_page_show_list (BotbenchProfilesPage *self)
{
  g_return_if_fail (BOTBENCH_IS_PROFILES_PAGE (self));

  gtk_stack_set_visible_child_name (self->stack, "list");
}
