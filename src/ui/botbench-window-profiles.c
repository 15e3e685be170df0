/* botbench-window-profiles.c: the window's profile switcher and what it
 * says about profiles, secrets and the sandbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The header bar's menu of profiles (win.active-profile), the keyring
 * banner, the toasts for a profile save or a sandbox start that failed,
 * and handing the application to the Profiles, Requests and Bots pages.
 */
#define G_LOG_DOMAIN "botbench-window"

#include "config.h"

#include <glib/gi18n.h>

#include "botbench-application-private.h"
#include "botbench-window-private.h"

static void
botbench_window_update_profiles (BotbenchWindow *self)
{
  BotbenchProfile *active;
  guint n;

  g_assert (BOTBENCH_IS_WINDOW (self));

  if (self->profiles == NULL)
    return;

  active = botbench_profile_manager_get_active (self->profiles);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->profiles));

  g_menu_remove_all (self->profile_section);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BotbenchProfile) profile = g_list_model_get_item (G_LIST_MODEL (self->profiles), i);
      g_autoptr(GMenuItem) item = NULL;

      item = g_menu_item_new (botbench_profile_get_name (profile), NULL);
      g_menu_item_set_action_and_target_value (item, "win.active-profile",
                                               g_variant_new_string (botbench_profile_get_uuid (profile)));
      g_menu_append_item (self->profile_section, item);
    }

  g_simple_action_set_state (self->active_profile_action,
                             g_variant_new_string (active != NULL ? botbench_profile_get_uuid (active) : ""));

  if (active != NULL)
    {
      g_autofree char *tooltip = NULL;

      gtk_label_set_label (self->profile_label, botbench_profile_get_name (active));
      /* Translators: %s is the active profile's name */
      tooltip = g_strdup_printf (_("Active Profile: %s"), botbench_profile_get_name (active));
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->profile_button), tooltip);
    }
  else
    {
      gtk_label_set_label (self->profile_label, _("No Profile"));
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->profile_button), _("Switch Profile"));
    }
}

static void
profile_notify_cb (BotbenchWindow *self,
                   GParamSpec     *pspec,
                   GObject        *profile)
{
  if (pspec == NULL || g_str_equal (pspec->name, "name"))
    botbench_window_update_profiles (self);
}

static void
profiles_items_changed_cb (BotbenchWindow *self,
                           guint           position,
                           guint           removed,
                           guint           added,
                           GListModel     *model)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(GObject) profile = g_list_model_get_item (model, i);

      g_signal_connect_object (profile, "notify::name",
                               G_CALLBACK (profile_notify_cb), self, G_CONNECT_SWAPPED);
    }

  botbench_window_update_profiles (self);
}

static void
active_profile_change_state_cb (GSimpleAction *action,
                                GVariant      *state,
                                gpointer       user_data)
{
  BotbenchWindow *self = user_data;
  BotbenchProfile *profile;
  g_autoptr(GError) error = NULL;

  profile = botbench_profile_manager_lookup (self->profiles, g_variant_get_string (state, NULL));
  if (profile == NULL)
    return;

  if (!botbench_profile_manager_set_active (self->profiles, profile, &error))
    _botbench_window_toast (self, error->message);

  botbench_window_update_profiles (self);
}

/* A save after a profile changed failed (a full disk, a config directory
 * that is not one): the profiles are still in memory, but not on disk. */
static void
profiles_save_failed_cb (BotbenchWindow *self,
                         const GError   *error)
{
  g_autofree char *escaped = g_markup_escape_text (error->message, -1);
  g_autofree char *message = NULL;
  AdwToast *toast;

  /* Translators: %s says why, e.g. "Cannot create /home/me/.config/botbench: Not a directory" */
  message = g_strdup_printf (_("Cannot save profiles: %s"), escaped);
  toast = adw_toast_new (message);
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
  _botbench_window_announce (self, message);
}

static void
secrets_unavailable_cb (BotbenchWindow *self,
                        const GError   *error)
{
  gtk_label_set_label (self->secrets_label, error->message);
  gtk_revealer_set_reveal_child (self->secrets_revealer, TRUE);
}

static void
secrets_session_only_cb (BotbenchWindow      *self,
                         GParamSpec          *pspec,
                         BotbenchSecretStore *secrets)
{
  if (!botbench_secret_store_get_session_only (secrets))
    return;

  gtk_revealer_set_reveal_child (self->secrets_revealer, FALSE);
  _botbench_window_toast (self, _("Secrets are kept in memory until Botbench quits"));
}

static void
sandbox_failed_cb (BotbenchWindow *self,
                   const GError   *error)
{
  g_autofree char *message = NULL;
  g_autofree char *escaped = g_markup_escape_text (error->message, -1);

  /* Translators: %s says why the sandbox portal could not start */
  message = g_strdup_printf (_("Sandbox not started: %s"), escaped);
  _botbench_window_toast (self, message);
}

static void
tunnel_failed_cb (BotbenchWindow *self,
                  const GError   *error)
{
  g_autofree char *escaped = g_markup_escape_text (error->message, -1);

  /* The message says what happened; the profile's public URL is cleared. */
  _botbench_window_toast (self, escaped);
}

/* Folded (narrow), the switcher shows only its icon; the tooltip names
 * the active profile. */
static void
leaflet_folded_cb (BotbenchWindow *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->profile_label), !adw_leaflet_get_folded (self->leaflet));
}

static void
botbench_window_update_requests (BotbenchWindow *self)
{
  GListModel *shown = botbench_requests_page_get_model (self->requests_page);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export-requests",
                                 shown != NULL && g_list_model_get_n_items (shown) > 0);
}

void
_botbench_window_setup_profiles (BotbenchWindow      *self,
                                 BotbenchApplication *app)
{
  BotbenchSecretStore *secrets = botbench_application_get_secret_store (app);
  const GError *profiles_error;
  BotbenchProfile *active;

  self->profiles = g_object_ref (botbench_application_get_profile_manager (app));
  g_signal_connect_object (self->profiles, "items-changed",
                           G_CALLBACK (profiles_items_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->profiles, "notify::active",
                           G_CALLBACK (botbench_window_update_profiles), self, G_CONNECT_SWAPPED);
  profiles_items_changed_cb (self, 0, 0, g_list_model_get_n_items (G_LIST_MODEL (self->profiles)),
                             G_LIST_MODEL (self->profiles));
  g_signal_connect_object (self->profiles, "save-failed",
                           G_CALLBACK (profiles_save_failed_cb), self, G_CONNECT_SWAPPED);

  g_signal_connect_object (app, "secrets-unavailable",
                           G_CALLBACK (secrets_unavailable_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (secrets, "notify::session-only",
                           G_CALLBACK (secrets_session_only_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (app, "sandbox-failed",
                           G_CALLBACK (sandbox_failed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (app, "tunnel-failed",
                           G_CALLBACK (tunnel_failed_cb), self, G_CONNECT_SWAPPED);

  g_signal_connect_object (self->leaflet, "notify::folded",
                           G_CALLBACK (leaflet_folded_cb), self, G_CONNECT_SWAPPED);
  leaflet_folded_cb (self);

  botbench_profiles_page_set_application (self->profiles_page, app);
  botbench_requests_page_set_application (self->requests_page, app);
  botbench_bots_page_set_application (self->bots_page, app);
  g_signal_connect_object (botbench_requests_page_get_model (self->requests_page), "items-changed",
                           G_CALLBACK (botbench_window_update_requests), self, G_CONNECT_SWAPPED);
  botbench_window_update_requests (self);

  profiles_error = botbench_application_get_profiles_error (app);
  if (profiles_error != NULL)
    {
      g_autofree char *escaped = g_markup_escape_text (profiles_error->message, -1);

      _botbench_window_toast (self, escaped);
    }

  /* The sandbox profile works only while the sandbox runs. */
  active = botbench_profile_manager_get_active (self->profiles);
  if (active != NULL && botbench_profile_is_builtin_sandbox (active) &&
      !botbench_sandbox_get_running (botbench_application_get_sandbox (app)))
    botbench_application_start_sandbox (app, NULL);
}

void
_botbench_window_init_profiles (BotbenchWindow *self)
{
  /* Stateful, so the profile menu shows the active profile checked. */
  self->active_profile_action = g_simple_action_new_stateful ("active-profile", G_VARIANT_TYPE_STRING,
                                                              g_variant_new_string (""));
  g_signal_connect (self->active_profile_action, "change-state",
                    G_CALLBACK (active_profile_change_state_cb), self);
  g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (self->active_profile_action));
}
