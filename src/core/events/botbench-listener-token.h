/* botbench-listener-token.h: the listener's application_token check
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Private to the listener's files.  The expected token and strict mode
 * may change while the server thread reads them, hence the lock.
 */
#pragma once

#include "botbench-listener.h"

G_BEGIN_DECLS

/* error_description of the 401 a rejected event gets. */
#define BOTBENCH_LISTENER_TOKEN_REJECTED "Wrong or missing application_token"

typedef struct _ListenerToken ListenerToken;

ListenerToken *_botbench_listener_token_new   (void);
void           _botbench_listener_token_free  (ListenerToken    *token);
/* Marks event's token state, and rejected in strict mode when its token is
 * wrong or missing; TRUE when it is rejected (answer 401 after the commit,
 * never forward it).  Any thread. */
gboolean       _botbench_listener_token_apply (ListenerToken    *token,
                                               BotbenchEvent    *event);

/* botbench-listener.c: the listener's ListenerToken. */
ListenerToken *_botbench_listener_get_token   (BotbenchListener *self);

G_END_DECLS
