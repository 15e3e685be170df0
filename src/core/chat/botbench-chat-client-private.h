/* botbench-chat-client-private.h: the request machinery the calls share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "botbench-chat-client.h"

G_BEGIN_DECLS

/* One request: @method GET or POST, @path under the base URL ("_sandbox/info"),
 * @params (transfer full) (nullable): GET: the query; POST: a JSON body.
 * @extra_timeout_s: added to BOTBENCH_CHAT_CLIENT_TIMEOUT_S (the long poll's hold). */
void        _botbench_chat_client_call_async  (BotbenchChatClient  *self,
                                               const char          *method,
                                               const char          *path,
                                               JsonObject          *params,
                                               guint                extra_timeout_s,
                                               gpointer             source_tag,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
/* The "result" object (transfer full), or NULL and @error. */
JsonObject *_botbench_chat_client_call_finish (BotbenchChatClient  *self,
                                               GAsyncResult        *result,
                                               gpointer             source_tag,
                                               GError             **error);

G_END_DECLS
