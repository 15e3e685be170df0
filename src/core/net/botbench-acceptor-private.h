/* botbench-acceptor-private.h: accepting connections that cannot wedge a server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The listener and the sandbox accept their connections here instead of in
 * libsoup 3.2, whose listener keeps a reference to every accepted GSocket
 * (fixed in 3.4) and stops accepting for good after one failed accept()
 * (EMFILE).  The acceptor caps the connections open at once, asks its owner
 * to close an idle one when the cap (or the fd limit) is reached, and after a
 * failed accept() waits a moment and tries again.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _BotbenchAcceptor BotbenchAcceptor;

/* A new connection: client is non-blocking, with TCP_NODELAY; the callee
 * owns the reference and calls _botbench_acceptor_release() once it has
 * closed the connection. */
typedef void     (*BotbenchAcceptorFunc)      (GSocket  *client,
                                               gpointer  user_data);
/* Asked to close the connection that has been idle longest, to make room.
 * Returns TRUE if it closed one (and released it), FALSE if none is idle. */
typedef gboolean (*BotbenchAcceptorEvictFunc) (gpointer  user_data);

/* The default cap: a third of what RLIMIT_NOFILE leaves after 64 fds for
 * everything else, at most 512 and at least 8. */
guint             _botbench_acceptor_default_max_connections (void);

/* Starts accepting on listening (made non-blocking) from the thread-default
 * main context of the caller; callbacks run there. */
BotbenchAcceptor *_botbench_acceptor_new        (GSocket                   *listening,
                                                 guint                      max_connections,
                                                 BotbenchAcceptorFunc       accept_func,
                                                 BotbenchAcceptorEvictFunc  evict_func,
                                                 gpointer                   user_data);
/* One accepted connection has been closed. */
void              _botbench_acceptor_release    (BotbenchAcceptor          *self);
guint             _botbench_acceptor_get_n_open (BotbenchAcceptor          *self);
/* Stops accepting; connections still open are the owner's to close. */
void              _botbench_acceptor_free       (BotbenchAcceptor          *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BotbenchAcceptor, _botbench_acceptor_free)

G_END_DECLS
