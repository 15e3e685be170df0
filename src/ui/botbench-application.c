/* botbench-application.c: the application: its objects, actions and signals
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Owns the settings, the event store, the listener and forwarder, the
 * profiles, secrets and REST clients, and the sandbox, and hands them to
 * the windows; app.* actions.  The listener's settings and start/stop
 * live in botbench-application-listener.c, the built-in sandbox and its
 * profile in botbench-application-sandbox.c.
 */
#define G_LOG_DOMAIN "botbench-application"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "botbench-application-internal.h"
#include "botbench-forward-settings.h"
#include "botbench-preferences-window.h"
#include "botbench-resources.h"
#include "botbench-token-sync.h"
#include "botbench-window.h"

G_DEFINE_FINAL_TYPE (BotbenchApplication, botbench_application, ADW_TYPE_APPLICATION)

static guint signals[N_SIGNALS];

void
_botbench_ensure_resources (void)
{
  static gsize registered;

  if (g_once_init_enter (&registered))
    {
      botbench_register_resource ();
      g_once_init_leave (&registered, 1);
    }
}

static char *
botbench_application_dup_db_path (void)
{
  const char *env = g_getenv ("BOTBENCH_DB");

  if (env != NULL && *env != '\0')
    return g_strdup (env);

  return botbench_event_store_dup_default_path ();
}

static void
botbench_application_apply_retention (BotbenchApplication *self)
{
  g_assert (BOTBENCH_IS_APPLICATION (self));

  if (self->store == NULL)
    return;

  botbench_event_store_set_retention (self->store,
                                      g_settings_get_uint (self->settings, "retention-count"),
                                      g_settings_get_uint (self->settings, "retention-days"));
}

/* The forwarder follows "forward-rules" and "forward-timeout" live. */
static void
botbench_application_apply_forwarding (BotbenchApplication *self)
{
  g_autoptr(GPtrArray) rules = NULL;

  g_assert (BOTBENCH_IS_APPLICATION (self));

  if (self->forwarder == NULL)
    return;

  rules = botbench_forward_settings_dup_rules (self->settings);
  botbench_forwarder_set_rules (self->forwarder, rules);
  botbench_forwarder_set_timeout (self->forwarder,
                                  CLAMP (g_settings_get_uint (self->settings, "forward-timeout"), 1, 600));
}

static void
botbench_application_settings_changed_cb (BotbenchApplication *self,
                                          const char          *key,
                                          GSettings           *settings)
{
  g_assert (BOTBENCH_IS_APPLICATION (self));

  if (g_str_equal (key, "retention-count") || g_str_equal (key, "retention-days"))
    {
      botbench_application_apply_retention (self);
    }
  else if (g_str_equal (key, "forward-rules") || g_str_equal (key, "forward-timeout"))
    {
      botbench_application_apply_forwarding (self);
    }
  else if (g_str_equal (key, "fetch-interval"))
    {
      _botbench_application_apply_fetch_interval (self);
    }
  else if (g_str_equal (key, "listener-host") ||
           g_str_equal (key, "listener-port") ||
           g_str_equal (key, "max-body"))
    {
      _botbench_application_restart_listener_later (self);
    }
}

static void
token_sync_secret_error_cb (BotbenchApplication *self,
                            const GError        *error,
                            GObject             *source)
{
  botbench_application_report_secret_error (self, error);
}

void
botbench_application_update_token_check (BotbenchApplication *self)
{
  g_return_if_fail (BOTBENCH_IS_APPLICATION (self));

  if (self->token_sync != NULL)
    botbench_token_sync_update (self->token_sync);
}

static void
profiles_active_cb (BotbenchApplication    *self,
                    GParamSpec             *pspec,
                    BotbenchProfileManager *profiles)
{
  BotbenchProfile *active = botbench_profile_manager_get_active (profiles);

  botbench_application_update_token_check (self);
  _botbench_application_load_active_bots (self);

  /* Switching to the sandbox profile runs the sandbox. */
  if (active != NULL && botbench_profile_is_builtin_sandbox (active) &&
      !botbench_sandbox_get_running (self->sandbox))
    botbench_application_start_sandbox (self, NULL);
}

static void
botbench_application_keep_secrets_action (GSimpleAction *action,
                                          GVariant      *parameter,
                                          gpointer       user_data)
{
  BotbenchApplication *self = user_data;

  botbench_secret_store_set_session_only (self->secrets, TRUE);
}

static void
botbench_application_quit_action (GSimpleAction *action,
                                  GVariant      *parameter,
                                  gpointer       user_data)
{
  BotbenchApplication *self = user_data;
  GList *windows;

  /* Closing the windows saves their state; the last one ends the app. */
  windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));
  for (const GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (GTK_WINDOW (l->data));
  g_list_free (windows);

  g_application_quit (G_APPLICATION (self));
}

static void
botbench_application_about_action (GSimpleAction *action,
                                   GVariant      *parameter,
                                   gpointer       user_data)
{
  BotbenchApplication *self = user_data;
  static const char *developers[] = { "The Botbench developers", NULL };
  GtkWindow *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (GTK_APPLICATION (self)),
                        "application-name", _("Botbench"),
                        "application-icon", APP_ID,
                        "version", PACKAGE_VERSION,
                        "developer-name", _("The Botbench developers"),
                        "developers", developers,
                        "comments", _("Register Bitrix24 chatbots and watch their events live"),
                        "website", "https://github.com/botbench/botbench",
                        "issue-url", "https://github.com/botbench/botbench/issues",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        /* Translators: put your names here, one per line */
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (about);
}

static void
botbench_application_preferences_action (GSimpleAction *action,
                                         GVariant      *parameter,
                                         gpointer       user_data)
{
  BotbenchApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWindow *preferences;

  preferences = GTK_WINDOW (botbench_preferences_window_new (self->settings));
  gtk_window_set_transient_for (preferences, parent);
  gtk_window_present (preferences);
}

static void
botbench_application_forwarding_preferences_action (GSimpleAction *action,
                                                    GVariant      *parameter,
                                                    gpointer       user_data)
{
  BotbenchApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWindow *preferences;

  preferences = GTK_WINDOW (botbench_preferences_window_new (self->settings));
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (preferences), "forwarding");
  gtk_window_set_transient_for (preferences, parent);
  gtk_window_present (preferences);
}

static const GActionEntry app_actions[] = {
  { "quit", botbench_application_quit_action },
  { "about", botbench_application_about_action },
  { "preferences", botbench_application_preferences_action },
  { "forwarding-preferences", botbench_application_forwarding_preferences_action },
  { "keep-secrets-in-session", botbench_application_keep_secrets_action },
};

static void
botbench_application_activate (GApplication *app)
{
  BotbenchApplication *self = BOTBENCH_APPLICATION (app);
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (window == NULL)
    window = GTK_WINDOW (botbench_window_new (self));

  gtk_window_present (window);
}

static void
botbench_application_startup (GApplication *app)
{
  BotbenchApplication *self = BOTBENCH_APPLICATION (app);
  g_autofree char *path = NULL;

  _botbench_ensure_resources ();

  G_APPLICATION_CLASS (botbench_application_parent_class)->startup (app);

  gtk_window_set_default_icon_name (APP_ID);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit",
                                         (const char *[]) { "<Control>q", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences",
                                         (const char *[]) { "<Control>comma", NULL });

  self->cancellable = g_cancellable_new ();
  self->history = botbench_request_history_new ();
  self->clients = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->secrets = botbench_secret_store_new ();
  g_signal_connect_object (self->secrets, "notify::session-only",
                           G_CALLBACK (_botbench_application_secrets_session_only_cb), self, G_CONNECT_SWAPPED);
  self->sandbox = botbench_sandbox_new ();
  self->profiles = botbench_profile_manager_new (NULL);
  if (!botbench_profile_manager_load (self->profiles, &self->profiles_error))
    g_debug ("Cannot load profiles: %s", self->profiles_error->message);
  g_signal_connect_object (self->profiles, "notify::active",
                           G_CALLBACK (profiles_active_cb), self, G_CONNECT_SWAPPED);

  self->settings = g_settings_new (APP_ID);
  g_signal_connect_object (self->settings, "changed",
                           G_CALLBACK (botbench_application_settings_changed_cb),
                           self, G_CONNECT_SWAPPED);

  path = botbench_application_dup_db_path ();
  self->store = botbench_event_store_new (path, &self->store_error);
  if (self->store == NULL)
    {
      g_debug ("Cannot open the event store at %s: %s", path, self->store_error->message);
      _botbench_application_setup_notifications (self);
      _botbench_application_load_active_bots (self);
      return;
    }

  botbench_application_apply_retention (self);
  self->listener = botbench_listener_new (self->store);
  self->forwarder = botbench_forwarder_new (self->store);
  self->token_sync = botbench_token_sync_new (self->listener, self->store, self->profiles, self->secrets);
  g_signal_connect_object (self->token_sync, "secret-error",
                           G_CALLBACK (token_sync_secret_error_cb), self, G_CONNECT_SWAPPED);
  botbench_application_apply_forwarding (self);
  botbench_listener_set_forwarder (self->listener, self->forwarder);
  botbench_application_update_token_check (self);
  self->auth_follower = botbench_auth_follower_new (self->store, self->profiles, self->secrets);
  g_signal_connect_object (self->auth_follower, "secret-error",
                           G_CALLBACK (token_sync_secret_error_cb), self, G_CONNECT_SWAPPED);
  _botbench_application_setup_notifications (self);
  _botbench_application_load_active_bots (self);
}

static void
botbench_application_shutdown (GApplication *app)
{
  BotbenchApplication *self = BOTBENCH_APPLICATION (app);

  g_clear_handle_id (&self->restart_source, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  self->shutting_down = TRUE;
  /* Before the forwarder and the store: no poll stores or forwards from now on. */
  _botbench_application_stop_fetching (self);
  /* The public URL stops working with the tunnel: the profile forgets it. */
  botbench_application_stop_tunnel (self);
  if (self->token_sync != NULL)
    botbench_token_sync_stop (self->token_sync);
  if (self->auth_follower != NULL)
    botbench_auth_follower_stop (self->auth_follower);

  if (self->sandbox != NULL)
    botbench_sandbox_stop (self->sandbox);
  if (self->listener != NULL)
    botbench_listener_stop (self->listener);
  /* Forwards under way are recorded as interrupted while the store is open. */
  if (self->forwarder != NULL)
    botbench_forwarder_stop (self->forwarder);
  if (self->store != NULL)
    botbench_event_store_close (self->store);

  G_APPLICATION_CLASS (botbench_application_parent_class)->shutdown (app);
}

static void
botbench_application_dispose (GObject *object)
{
  BotbenchApplication *self = (BotbenchApplication *)object;

  g_clear_handle_id (&self->restart_source, g_source_remove);
  _botbench_application_dispose_bots (self);
  g_clear_object (&self->tunnel);
  g_clear_object (&self->tunnel_profile);
  g_clear_pointer (&self->tunnel_url, g_free);
  g_clear_pointer (&self->tunnel_previous_url, g_free);
  g_clear_object (&self->listener);
  g_clear_object (&self->forwarder);
  g_clear_object (&self->token_sync);
  g_clear_object (&self->auth_follower);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->clients, g_hash_table_unref);
  g_clear_object (&self->sandbox);
  g_clear_object (&self->profiles);
  g_clear_object (&self->secrets);
  g_clear_object (&self->history);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (botbench_application_parent_class)->dispose (object);
}

static void
botbench_application_finalize (GObject *object)
{
  BotbenchApplication *self = (BotbenchApplication *)object;

  g_clear_error (&self->store_error);
  g_clear_error (&self->profiles_error);

  G_OBJECT_CLASS (botbench_application_parent_class)->finalize (object);
}

static void
botbench_application_class_init (BotbenchApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = botbench_application_dispose;
  object_class->finalize = botbench_application_finalize;

  app_class->activate = botbench_application_activate;
  app_class->startup = botbench_application_startup;
  app_class->shutdown = botbench_application_shutdown;

  signals[LISTENER_FAILED] =
    g_signal_new ("listener-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
  signals[SANDBOX_FAILED] =
    g_signal_new ("sandbox-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
  signals[SECRETS_UNAVAILABLE] =
    g_signal_new ("secrets-unavailable", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
  signals[TUNNEL_FAILED] =
    g_signal_new ("tunnel-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
  signals[TUNNEL_CHANGED] =
    g_signal_new ("tunnel-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[BOT_STORE_CHANGED] =
    g_signal_new ("bot-store-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
botbench_application_init (BotbenchApplication *self)
{
}

void
_botbench_application_emit_error (BotbenchApplication *self,
                                  ApplicationSignal    signal,
                                  const GError        *error)
{
  g_assert (BOTBENCH_IS_APPLICATION (self));
  g_assert (signal < N_SIGNALS && signal != BOT_STORE_CHANGED && signal != TUNNEL_CHANGED);

  g_signal_emit (self, signals[signal], 0, error);
}

void
_botbench_application_emit_tunnel_changed (BotbenchApplication *self)
{
  g_assert (BOTBENCH_IS_APPLICATION (self));

  g_signal_emit (self, signals[TUNNEL_CHANGED], 0);
}

void
_botbench_application_emit_bot_store_changed (BotbenchApplication *self)
{
  g_assert (BOTBENCH_IS_APPLICATION (self));

  g_signal_emit (self, signals[BOT_STORE_CHANGED], 0);
}

BotbenchApplication *
botbench_application_new (void)
{
  return g_object_new (BOTBENCH_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/io/github/botbench/Botbench",
                       NULL);
}

GSettings *
botbench_application_get_settings (BotbenchApplication *self)
{
  g_return_val_if_fail (BOTBENCH_IS_APPLICATION (self), NULL);

  return self->settings;
}

BotbenchEventStore *
botbench_application_get_store (BotbenchApplication *self)
{
  g_return_val_if_fail (BOTBENCH_IS_APPLICATION (self), NULL);

  return self->store;
}

const GError *
botbench_application_get_store_error (BotbenchApplication *self)
{
  g_return_val_if_fail (BOTBENCH_IS_APPLICATION (self), NULL);

  return self->store_error;
}

BotbenchForwarder *
botbench_application_get_forwarder (BotbenchApplication *self)
{
  g_return_val_if_fail (BOTBENCH_IS_APPLICATION (self), NULL);

  return self->forwarder;
}

BotbenchProfileManager *
botbench_application_get_profile_manager (BotbenchApplication *self)
{
  g_return_val_if_fail (BOTBENCH_IS_APPLICATION (self), NULL);

  return self->profiles;
}

const GError *
botbench_application_get_profiles_error (BotbenchApplication *self)
{
  g_return_val_if_fail (BOTBENCH_IS_APPLICATION (self), NULL);

  return self->profiles_error;
}

BotbenchSecretStore *
botbench_application_get_secret_store (BotbenchApplication *self)
{
  g_return_val_if_fail (BOTBENCH_IS_APPLICATION (self), NULL);

  return self->secrets;
}

BotbenchRequestHistory *
botbench_application_get_request_history (BotbenchApplication *self)
{
  g_return_val_if_fail (BOTBENCH_IS_APPLICATION (self), NULL);

  return self->history;
}

BotbenchRestClient *
botbench_application_get_rest_client (BotbenchApplication *self,
                                      BotbenchProfile     *profile)
{
  BotbenchRestClient *client;
  const char *uuid;

  g_return_val_if_fail (BOTBENCH_IS_APPLICATION (self), NULL);
  g_return_val_if_fail (BOTBENCH_IS_PROFILE (profile), NULL);

  uuid = botbench_profile_get_uuid (profile);
  client = g_hash_table_lookup (self->clients, uuid);

  /* A profile removed and made again under the same UUID gets a new client. */
  if (client == NULL || botbench_rest_client_get_profile (client) != profile)
    {
      client = botbench_rest_client_new (profile, self->secrets, self->history);
      g_hash_table_replace (self->clients, g_strdup (uuid), client);
    }

  return client;
}

void
botbench_application_report_secret_error (BotbenchApplication *self,
                                          const GError        *error)
{
  g_return_if_fail (BOTBENCH_IS_APPLICATION (self));
  g_return_if_fail (error != NULL);

  if (g_error_matches (error, BOTBENCH_SECRET_STORE_ERROR, BOTBENCH_SECRET_STORE_ERROR_UNAVAILABLE))
    g_signal_emit (self, signals[SECRETS_UNAVAILABLE], 0, error);
}

