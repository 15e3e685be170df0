/* botbench-listener-private.h: what the listener's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "botbench-listener.h"
#include "botbench-acceptor-private.h"
#include "botbench-listener-token.h"
#include "botbench-forwarder.h"

G_BEGIN_DECLS

typedef struct _ListenerConnection ListenerConnection;

/* The part of the listener its server thread works with.  Set before the
 * thread starts and read-only afterwards, except where noted. */
typedef struct
{
  BotbenchEventStore *store;
  gsize               max_body;
  gint64              idle_timeout_us;
  gsize               body_budget;      /* bytes of bodies being read, all connections */

  /* server thread only */
  BotbenchAcceptor   *acceptor;
  GQueue              connections;      /* of ListenerConnection, oldest first */
  gsize               buffered;         /* bytes held by connections reading bodies */
  guint               n_pending;        /* events handed to the store, not yet answered */
  gboolean            stopping;

  gsize              *n_events;         /* atomic counter in the listener */
  ListenerToken      *token;            /* the listener's; locks itself */
  BotbenchListener   *listener;         /* for what may change while running */
  char                scratch[64 * 1024]; /* every read lands here first */
} ListenerServer;

/* Any thread: the forwarder set now (a new reference), NULL if none. */
BotbenchForwarder *_botbench_listener_dup_forwarder (BotbenchListener *self);

void     _botbench_listener_connection_accept (ListenerServer *server,
                                               GSocket        *socket);
/* Closes the connection idle longest; FALSE if none is idle. */
gboolean _botbench_listener_connection_evict  (ListenerServer *server);
/* Closes connections whose deadline has passed (408 if a request was under way). */
void     _botbench_listener_connection_sweep  (ListenerServer *server,
                                               gint64          now);
/* Closes every connection; those waiting for the store finish later. */
void     _botbench_listener_connection_close_all (ListenerServer *server);

G_END_DECLS
