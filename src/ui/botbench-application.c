/* botbench-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "botbench-application"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "botbench-application-private.h"
#include "botbench-preferences-window.h"
#include "botbench-resources.h"
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
  BotbenchListener   *listener;
  guint               restart_source;
};

G_DEFINE_FINAL_TYPE (BotbenchApplication, botbench_application, ADW_TYPE_APPLICATION)

enum {
  LISTENER_FAILED,
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
  else if (g_str_equal (key, "listener-host") ||
           g_str_equal (key, "listener-port") ||
           g_str_equal (key, "max-body"))
    {
      g_clear_handle_id (&self->restart_source, g_source_remove);
      self->restart_source = g_timeout_add (LISTENER_RESTART_DELAY_MS,
                                            botbench_application_restart_listener_cb, self);
    }
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

static const GActionEntry app_actions[] = {
  { "quit", botbench_application_quit_action },
  { "about", botbench_application_about_action },
  { "preferences", botbench_application_preferences_action },
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
}

static void
botbench_application_shutdown (GApplication *app)
{
  BotbenchApplication *self = BOTBENCH_APPLICATION (app);

  g_clear_handle_id (&self->restart_source, g_source_remove);

  if (self->listener != NULL)
    botbench_listener_stop (self->listener);
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
  g_clear_object (&self->store);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (botbench_application_parent_class)->dispose (object);
}

static void
botbench_application_finalize (GObject *object)
{
  BotbenchApplication *self = (BotbenchApplication *)object;

  g_clear_error (&self->store_error);

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
