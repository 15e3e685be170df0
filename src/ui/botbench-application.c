/* botbench-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "botbench-application"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "botbench-application-private.h"
#include "botbench-forward-settings.h"
#include "botbench-preferences-window.h"
#include "botbench-resources.h"
#include "botbench-token-sync.h"
#include "botbench-window.h"

/* Settings edits (a port typed digit by digit) restart a running listener
 * once they have settled. */
#define LISTENER_RESTART_DELAY_MS 500

struct _BotbenchApplication
{
  AdwApplication      parent_instance;

  GSettings          *settings;
  BotbenchEventStore *store;
  GError             *store_error;
  GError             *profiles_error;
  BotbenchListener   *listener;
  BotbenchForwarder  *forwarder;
  guint               restart_source;
  BotbenchTokenSync  *token_sync;

  BotbenchProfileManager *profiles;
  BotbenchSecretStore    *secrets;
  BotbenchRequestHistory *history;
  /* profile UUID → BotbenchRestClient */
  GHashTable             *clients;
  BotbenchSandbox        *sandbox;
  GCancellable           *cancellable;
  /* The sandbox secret could not be stored: retry in session-only mode. */
  guint                   sandbox_secret_pending : 1;
};

G_DEFINE_FINAL_TYPE (BotbenchApplication, botbench_application, ADW_TYPE_APPLICATION)

enum {
  LISTENER_FAILED,
  SANDBOX_FAILED,
  SECRETS_UNAVAILABLE,
  N_SIGNALS
};

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

/* BOTBENCH_LISTENER_PORT overrides the listener-port setting (tests and
 * screenshots use 0, a free port). */
static guint
botbench_application_get_configured_port (BotbenchApplication *self)
{
  const char *env = g_getenv ("BOTBENCH_LISTENER_PORT");
  guint64 port;

  if (env != NULL && *env != '\0' &&
      g_ascii_string_to_unsigned (env, 10, 0, G_MAXUINT16, &port, NULL))
    return (guint)port;

  return g_settings_get_uint (self->settings, "listener-port");
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
botbench_application_configure_listener (BotbenchApplication *self)
{
  g_autofree char *host = NULL;

  g_assert (BOTBENCH_IS_APPLICATION (self));
  g_assert (self->listener != NULL);

  host = g_settings_get_string (self->settings, "listener-host");
  botbench_listener_set_host (self->listener, host);
  botbench_listener_set_port (self->listener, botbench_application_get_configured_port (self));
  botbench_listener_set_max_body (self->listener, g_settings_get_uint (self->settings, "max-body"));
}

static gboolean
botbench_application_restart_listener_cb (gpointer user_data)
{
  BotbenchApplication *self = user_data;

  self->restart_source = 0;

  if (self->listener != NULL && botbench_listener_get_running (self->listener))
    {
      g_debug ("Restarting the listener with new settings");
      botbench_listener_stop (self->listener);
      botbench_application_start_listener (self, NULL);
    }

  return G_SOURCE_REMOVE;
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
  else if (g_str_equal (key, "listener-host") ||
           g_str_equal (key, "listener-port") ||
           g_str_equal (key, "max-body"))
    {
      g_clear_handle_id (&self->restart_source, g_source_remove);
      self->restart_source = g_timeout_add (LISTENER_RESTART_DELAY_MS,
                                            botbench_application_restart_listener_cb, self);
    }
}

static guint
botbench_application_get_sandbox_port (gboolean *fixed)
{
  const char *env = g_getenv ("BOTBENCH_SANDBOX_PORT");
  guint64 port;

  *fixed = FALSE;
  if (env != NULL && *env != '\0' &&
      g_ascii_string_to_unsigned (env, 10, 0, G_MAXUINT16, &port, NULL))
    {
      *fixed = TRUE;
      return (guint)port;
    }

  return BOTBENCH_SANDBOX_DEFAULT_PORT;
}

static void botbench_application_store_sandbox_secret (BotbenchApplication *self);

static void
sandbox_secret_stored_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(BotbenchApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  if (botbench_secret_store_store_finish (BOTBENCH_SECRET_STORE (object), result, &error))
    {
      self->sandbox_secret_pending = FALSE;
      return;
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_debug ("Cannot store the sandbox secret: %s", error->message);

  /* The window works on the held copy; only botbench-cli needs the keyring,
   * and a keyring made later gets the secret at the sandbox's next start. */
  if (botbench_secret_store_is_held (BOTBENCH_SECRET_STORE (object), BOTBENCH_PROFILE_SANDBOX_UUID,
                                     BOTBENCH_SECRET_KIND_WEBHOOK_SECRET))
    return;

  /* Session-only was chosen while this store was under way. */
  if (botbench_secret_store_get_session_only (BOTBENCH_SECRET_STORE (object)))
    {
      botbench_application_store_sandbox_secret (self);
      return;
    }

  self->sandbox_secret_pending = TRUE;
  botbench_application_report_secret_error (self, error);
}

static void
botbench_application_store_sandbox_secret (BotbenchApplication *self)
{
  g_autofree char *url = NULL;
  g_autoptr(BotbenchWebhookUrl) parsed = NULL;

  if (!botbench_sandbox_get_running (self->sandbox))
    return;

  url = botbench_sandbox_dup_webhook_url (self->sandbox);
  parsed = botbench_webhook_url_parse (url, NULL);
  if (parsed == NULL)
    return;

  /* Held first, so the sandbox profile works at once, before (and
   * without) any keyring: a first run may have none yet, and making one
   * asks the user.  The keyring copy is for botbench-cli. */
  botbench_secret_store_hold (self->secrets, BOTBENCH_PROFILE_SANDBOX_UUID,
                              BOTBENCH_SECRET_KIND_WEBHOOK_SECRET, parsed->secret);
  botbench_secret_store_store_async (self->secrets, BOTBENCH_PROFILE_SANDBOX_UUID,
                                     BOTBENCH_SECRET_KIND_WEBHOOK_SECRET, parsed->secret,
                                     self->cancellable, sandbox_secret_stored_cb,
                                     g_object_ref (self));
}

/* Points the sandbox profile at the running sandbox, making it if needed. */
static gboolean
botbench_application_update_sandbox_profile (BotbenchApplication  *self,
                                             GError              **error)
{
  g_autofree char *url = NULL;
  g_autoptr(BotbenchWebhookUrl) parsed = NULL;
  BotbenchProfile *profile;

  url = botbench_sandbox_dup_webhook_url (self->sandbox);
  parsed = botbench_webhook_url_parse (url, error);
  if (parsed == NULL)
    return FALSE;

  profile = botbench_profile_manager_lookup (self->profiles, BOTBENCH_PROFILE_SANDBOX_UUID);
  if (profile == NULL)
    {
      g_autoptr(BotbenchProfile) created = NULL;
      g_autofree char *name = g_strdup (_("Sandbox"));

      created = botbench_profile_new (BOTBENCH_PROFILE_KIND_WEBHOOK, BOTBENCH_PROFILE_SANDBOX_UUID);
      for (guint i = 2; !botbench_profile_manager_check_name (self->profiles, name, NULL, NULL); i++)
        {
          g_free (name);
          /* Translators: the sandbox profile's name when "Sandbox" is taken */
          name = g_strdup_printf (_("Sandbox %u"), i);
        }
      botbench_profile_set_name (created, name);
      botbench_profile_apply_webhook_url (created, parsed);
      if (self->listener != NULL && botbench_listener_get_running (self->listener))
        {
          g_autofree char *base = botbench_application_dup_listener_base_url (self);
          g_autofree char *public_url = g_strconcat (base, "/", NULL);

          botbench_profile_set_public_base_url (created, public_url);
        }
      if (!botbench_profile_manager_add (self->profiles, created, error))
        return FALSE;
    }
  else
    {
      botbench_profile_set_kind (profile, BOTBENCH_PROFILE_KIND_WEBHOOK);
      botbench_profile_apply_webhook_url (profile, parsed);
    }

  botbench_application_store_sandbox_secret (self);

  return TRUE;
}

static void
secrets_session_only_cb (BotbenchApplication *self,
                         GParamSpec          *pspec,
                         BotbenchSecretStore *secrets)
{
  if (self->sandbox_secret_pending && botbench_secret_store_get_session_only (secrets))
    botbench_application_store_sandbox_secret (self);
}

static void
token_sync_secret_error_cb (BotbenchApplication *self,
                            const GError        *error,
                            BotbenchTokenSync   *sync)
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
                           G_CALLBACK (secrets_session_only_cb), self, G_CONNECT_SWAPPED);
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
}

static void
botbench_application_shutdown (GApplication *app)
{
  BotbenchApplication *self = BOTBENCH_APPLICATION (app);

  g_clear_handle_id (&self->restart_source, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  if (self->token_sync != NULL)
    botbench_token_sync_stop (self->token_sync);

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
  g_clear_object (&self->listener);
  g_clear_object (&self->forwarder);
  g_clear_object (&self->token_sync);
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
}

static void
botbench_application_init (BotbenchApplication *self)
{
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

BotbenchListener *
botbench_application_get_listener (BotbenchApplication *self)
{
  g_return_val_if_fail (BOTBENCH_IS_APPLICATION (self), NULL);

  return self->listener;
}

gboolean
botbench_application_start_listener (BotbenchApplication  *self,
                                     GError              **error)
{
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (BOTBENCH_IS_APPLICATION (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->listener == NULL)
    {
      g_set_error_literal (&local_error, BOTBENCH_LISTENER_ERROR, BOTBENCH_LISTENER_ERROR_FAILED,
                           _("The listener is not available because the event log could not be opened"));
    }
  else if (botbench_listener_get_running (self->listener))
    {
      return TRUE;
    }
  else
    {
      botbench_application_configure_listener (self);
      if (botbench_listener_start (self->listener, &local_error))
        return TRUE;
    }

  g_signal_emit (self, signals[LISTENER_FAILED], 0, local_error);
  g_propagate_error (error, g_steal_pointer (&local_error));

  return FALSE;
}

void
botbench_application_stop_listener (BotbenchApplication *self)
{
  g_return_if_fail (BOTBENCH_IS_APPLICATION (self));

  g_clear_handle_id (&self->restart_source, g_source_remove);

  if (self->listener != NULL)
    botbench_listener_stop (self->listener);
}

char *
botbench_application_dup_listener_base_url (BotbenchApplication *self)
{
  g_autofree char *url = NULL;
  g_autofree char *host = NULL;
  gsize len;

  g_return_val_if_fail (BOTBENCH_IS_APPLICATION (self), NULL);

  if (self->listener != NULL)
    url = botbench_listener_dup_url (self->listener);

  if (url == NULL)
    {
      host = g_settings_get_string (self->settings, "listener-host");
      if (strchr (host, ':') != NULL)
        url = g_strdup_printf ("http://[%s]:%u", host, botbench_application_get_configured_port (self));
      else
        url = g_strdup_printf ("http://%s:%u", host, botbench_application_get_configured_port (self));
    }

  len = strlen (url);
  while (len > 0 && url[len - 1] == '/')
    url[--len] = '\0';

  return g_steal_pointer (&url);
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

BotbenchSandbox *
botbench_application_get_sandbox (BotbenchApplication *self)
{
  g_return_val_if_fail (BOTBENCH_IS_APPLICATION (self), NULL);

  return self->sandbox;
}

gboolean
botbench_application_start_sandbox (BotbenchApplication  *self,
                                    GError              **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *state_path = NULL;
  gboolean fixed;
  guint port;

  g_return_val_if_fail (BOTBENCH_IS_APPLICATION (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!botbench_sandbox_get_running (self->sandbox))
    {
      state_path = botbench_sandbox_dup_default_state_path ();
      botbench_sandbox_set_state_path (self->sandbox, state_path);
      botbench_sandbox_set_host (self->sandbox, BOTBENCH_SANDBOX_DEFAULT_HOST);
      botbench_sandbox_set_tls (self->sandbox, FALSE);

      /* The usual port keeps the profile's URL from run to run; when it is
       * taken, any free port does. */
      port = botbench_application_get_sandbox_port (&fixed);
      botbench_sandbox_set_port (self->sandbox, port);
      if (!botbench_sandbox_start (self->sandbox, &local_error) && !fixed &&
          g_error_matches (local_error, BOTBENCH_SANDBOX_ERROR, BOTBENCH_SANDBOX_ERROR_ADDRESS_IN_USE))
        {
          g_clear_error (&local_error);
          botbench_sandbox_set_port (self->sandbox, 0);
          botbench_sandbox_start (self->sandbox, &local_error);
        }
    }

  if (local_error == NULL)
    botbench_application_update_sandbox_profile (self, &local_error);

  if (local_error == NULL)
    return TRUE;

  g_debug ("Cannot start the sandbox: %s", local_error->message);
  g_signal_emit (self, signals[SANDBOX_FAILED], 0, local_error);
  g_propagate_error (error, g_steal_pointer (&local_error));

  return FALSE;
}

void
botbench_application_stop_sandbox (BotbenchApplication *self)
{
  g_return_if_fail (BOTBENCH_IS_APPLICATION (self));

  botbench_sandbox_stop (self->sandbox);
}

BotbenchProfile *
botbench_application_get_sandbox_profile (BotbenchApplication *self)
{
  g_return_val_if_fail (BOTBENCH_IS_APPLICATION (self), NULL);

  return botbench_profile_manager_lookup (self->profiles, BOTBENCH_PROFILE_SANDBOX_UUID);
}

