/* botbench-socket.c: listening sockets for the listener and the sandbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "botbench-socket"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "botbench-socket-private.h"

/* GSocket's default backlog of 10 resets bursts of new connections. */
#define LISTEN_BACKLOG 1024

GInetAddress *
_botbench_socket_resolve_host (const char                 *host,
                               const BotbenchSocketErrors *errors,
                               GError                    **error)
{
  GInetAddress *address;

  if (host == NULL || *host == '\0' || g_ascii_strcasecmp (host, "localhost") == 0)
    return g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);

  if (host[0] == '[' && host[strlen (host) - 1] == ']')
    {
      g_autofree char *inner = g_strndup (host + 1, strlen (host) - 2);
      address = g_inet_address_new_from_string (inner);
    }
  else
    address = g_inet_address_new_from_string (host);

  if (address == NULL)
    g_set_error (error, errors->domain, errors->invalid_address,
                 _("“%s” is not an IP address to listen on; use for example 127.0.0.1, ::1 or 0.0.0.0"),
                 host);

  return address;
}

GSocket *
_botbench_socket_listen (const char                 *host,
                         guint                       port,
                         guint                      *bound_port,
                         const BotbenchSocketErrors *errors,
                         GError                    **error)
{
  g_autoptr(GInetAddress) address = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;
  g_autoptr(GSocketAddress) local = NULL;
  g_autoptr(GError) local_error = NULL;

  if (!(address = _botbench_socket_resolve_host (host, errors, error)))
    return NULL;

  socket = g_socket_new (g_inet_address_get_family (address), G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_TCP, &local_error);
  if (socket != NULL)
    {
      g_socket_set_listen_backlog (socket, LISTEN_BACKLOG);
      socket_address = g_inet_socket_address_new (address, port);
      if (g_socket_bind (socket, socket_address, TRUE, &local_error) &&
          g_socket_listen (socket, &local_error) &&
          (local = g_socket_get_local_address (socket, &local_error)) != NULL)
        {
          *bound_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
          return g_steal_pointer (&socket);
        }
    }

  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
    g_set_error (error, errors->domain, errors->address_in_use,
                 _("Port %u on %s is already in use by another program; stop it or choose another port"),
                 port, host);
  else if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED))
    g_set_error (error, errors->domain, errors->permission_denied,
                 _("Not allowed to listen on port %u of %s; ports below 1024 need special privileges, choose a higher port"),
                 port, host);
  else if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED) ||
           g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT) ||
           (local_error != NULL && strstr (local_error->message, "assign") != NULL))
    g_set_error (error, errors->domain, errors->invalid_address,
                 _("Cannot listen on %s: %s"), host, local_error->message);
  else
    g_set_error (error, errors->domain, errors->failed,
                 _("Cannot listen on %s port %u: %s"), host, port,
                 local_error ? local_error->message : _("unknown error"));

  return NULL;
}
