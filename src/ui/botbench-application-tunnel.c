/* botbench-application-tunnel.c: "Make the listener public" for a profile
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One tunnel at a time, to the listener's port, through a program the user
 * has (BotbenchTunnel).  Its URL becomes the profile's public base URL
 * while it runs (the profile manager saves it).  Stopped, or at quit, the
 * profile gets back the public base URL it had before; when the tunnel
 * dies on its own the public URL is cleared and "tunnel-failed" says why.  "tunnel-changed" follows every step,
 * "tunnel-failed" says why a tunnel could not start or stopped by itself.
 */
#define G_LOG_DOMAIN "botbench-application"

#include "config.h"

#include <glib/gi18n.h>

#include "botbench-application-internal.h"

static guint
listener_port (BotbenchApplication *self)
{
  g_autofree char *base = botbench_application_dup_listener_base_url (self);
  g_autoptr(GUri) uri = g_uri_parse (base, G_URI_FLAGS_NONE, NULL);

  return uri != NULL && g_uri_get_port (uri) > 0 ? (guint)g_uri_get_port (uri) : BOTBENCH_LISTENER_DEFAULT_PORT;
}

/* The profile forgets the tunnel's URL (if it still has it) and gets back
 * the public base URL it had before. */
static void
forget_url (BotbenchApplication *self)
{
  if (self->tunnel_profile != NULL && self->tunnel_url != NULL &&
      g_strcmp0 (botbench_profile_get_public_base_url (self->tunnel_profile), self->tunnel_url) == 0)
    botbench_profile_set_public_base_url (self->tunnel_profile, self->tunnel_previous_url);
  g_clear_pointer (&self->tunnel_url, g_free);
  g_clear_pointer (&self->tunnel_previous_url, g_free);
}

static void
tunnel_started_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(BotbenchApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  url = botbench_tunnel_start_finish (BOTBENCH_TUNNEL (source), result, &error);
  if (BOTBENCH_TUNNEL (source) != self->tunnel)
    return;   /* an older tunnel, stopped meanwhile */

  if (url == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _botbench_application_emit_error (self, TUNNEL_FAILED, error);
    }
  else if (self->tunnel_profile != NULL)
    {
      g_free (self->tunnel_previous_url);
      self->tunnel_previous_url = g_strdup (botbench_profile_get_public_base_url (self->tunnel_profile));
      self->tunnel_url = g_strdup (url);
      botbench_profile_set_public_base_url (self->tunnel_profile, url);
    }

  _botbench_application_emit_tunnel_changed (self);
}

static void
tunnel_died_cb (BotbenchApplication *self,
                GError              *error,
                BotbenchTunnel      *tunnel)
{
  /* Died on its own: the public URL is cleared (whatever was there before
   * the tunnel did not reach the listener either, or it was not needed). */
  g_clear_pointer (&self->tunnel_previous_url, g_free);
  forget_url (self);
  _botbench_application_emit_error (self, TUNNEL_FAILED, error);
  _botbench_application_emit_tunnel_changed (self);
}

void
botbench_application_start_tunnel (BotbenchApplication *self,
                                   BotbenchProfile     *profile,
                                   BotbenchTunnelVia    via,
                                   const char          *ssh_host)
{
  g_return_if_fail (BOTBENCH_IS_APPLICATION (self));
  g_return_if_fail (BOTBENCH_IS_PROFILE (profile));

  botbench_application_stop_tunnel (self);

  self->tunnel = botbench_tunnel_new (via, listener_port (self), ssh_host);
  g_set_object (&self->tunnel_profile, profile);
  g_signal_connect_object (self->tunnel, "died", G_CALLBACK (tunnel_died_cb), self, G_CONNECT_SWAPPED);
  botbench_tunnel_start_async (self->tunnel, NULL, tunnel_started_cb, g_object_ref (self));
  _botbench_application_emit_tunnel_changed (self);
}

void
botbench_application_stop_tunnel (BotbenchApplication *self)
{
  g_autoptr(BotbenchTunnel) tunnel = NULL;

  g_return_if_fail (BOTBENCH_IS_APPLICATION (self));

  if (self->tunnel == NULL)
    return;

  tunnel = g_steal_pointer (&self->tunnel);
  g_signal_handlers_disconnect_by_data (tunnel, self);
  botbench_tunnel_stop (tunnel);
  forget_url (self);
  g_clear_object (&self->tunnel_profile);
  _botbench_application_emit_tunnel_changed (self);
}

BotbenchTunnel *
botbench_application_get_tunnel (BotbenchApplication *self)
{
  g_return_val_if_fail (BOTBENCH_IS_APPLICATION (self), NULL);

  return self->tunnel;
}

BotbenchProfile *
botbench_application_get_tunnel_profile (BotbenchApplication *self)
{
  g_return_val_if_fail (BOTBENCH_IS_APPLICATION (self), NULL);

  return self->tunnel != NULL ? self->tunnel_profile : NULL;
}
