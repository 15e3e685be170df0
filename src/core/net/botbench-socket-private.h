/* botbench-socket-private.h: listening sockets for the listener and the sandbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The error codes a caller's domain uses for each failure. */
typedef struct
{
  GQuark domain;
  int    address_in_use;
  int    permission_denied;
  int    invalid_address;
  int    failed;
} BotbenchSocketErrors;

/* An IP literal ("127.0.0.1", "::1", "[::1]", "0.0.0.0") or "localhost". */
GInetAddress *_botbench_socket_resolve_host (const char                 *host,
                                             const BotbenchSocketErrors *errors,
                                             GError                    **error);
/* Binds and listens on host:port (0 = a free port), on the caller's thread
 * so that the caller can report port in use or permission denied at once;
 * *bound_port gets the port.  Messages say what to do about the failure. */
GSocket      *_botbench_socket_listen       (const char                 *host,
                                             guint                       port,
                                             guint                      *bound_port,
                                             const BotbenchSocketErrors *errors,
                                             GError                    **error);

G_END_DECLS
