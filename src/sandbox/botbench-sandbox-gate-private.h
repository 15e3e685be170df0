/* botbench-sandbox-gate-private.h: the sandbox's connections, before libsoup sees them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The sandbox speaks HTTP through SoupServer, but does not let libsoup 3.2
 * accept its connections (a GSocket leaked per connection, accepting stops
 * for good after EMFILE, no timeouts, TLS handshakes without a deadline).
 * The gate accepts them with BotbenchAcceptor, does the TLS handshake itself
 * with a deadline, hands the stream to soup_server_accept_iostream(), and
 * watches each request through the server's signals: a request head (and a
 * handshake) must be complete within idle-timeout seconds of the accept, a
 * body must progress once per timeout.  A connection past its deadline is
 * shut down, and libsoup closes it.
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct _BotbenchSandboxGate BotbenchSandboxGate;

/* Call on the server's thread, with its main context as thread default. */
BotbenchSandboxGate *_botbench_sandbox_gate_new        (SoupServer          *server,
                                                        guint                max_connections,
                                                        guint                idle_timeout);
/* Serves listening: over TLS with certificate, plain HTTP if NULL. */
void                 _botbench_sandbox_gate_add_socket (BotbenchSandboxGate *self,
                                                        GSocket             *listening,
                                                        GTlsCertificate     *certificate);
/* The client's socket behind msg (TCP, under any TLS), or NULL. */
GSocket             *_botbench_sandbox_gate_get_socket (BotbenchSandboxGate *self,
                                                        SoupServerMessage   *msg);
/* Stops accepting and shuts every connection down. */
void                 _botbench_sandbox_gate_free       (BotbenchSandboxGate *self);

G_END_DECLS
