/* botbench-application-listener.c: the application's listener
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The listener's host, port and body limit from the settings (a port
 * from BOTBENCH_LISTENER_PORT first), start and stop, a restart once
 * edits of those settings have settled, and the base URL it answers on.
 */
#define G_LOG_DOMAIN "botbench-application"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "botbench-application-internal.h"

/* Settings edits (a port typed digit by digit) restart a running listener
 * once they have settled. */
#define LISTENER_RESTART_DELAY_MS 500

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

  _botbench_application_emit_error (self, LISTENER_FAILED, local_error);
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

void
_botbench_application_restart_listener_later (BotbenchApplication *self)
{
  g_assert (BOTBENCH_IS_APPLICATION (self));

  g_clear_handle_id (&self->restart_source, g_source_remove);
  self->restart_source = g_timeout_add (LISTENER_RESTART_DELAY_MS,
                                        botbench_application_restart_listener_cb, self);
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
