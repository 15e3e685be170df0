/* botbench-chat-message-private.h: what the session does to messages
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "botbench-chat-message.h"

G_BEGIN_DECLS

/* A local echo shown while sending: negative @local_id, pending = TRUE. */
BotbenchChatMessage *_botbench_chat_message_new_pending    (gint64               local_id,
                                                            const char          *dialog_id,
                                                            gint64               author_id,
                                                            const char          *text);
/* Adds delivery ids not yet known, notifying "n-deliveries". */
void                 _botbench_chat_message_add_deliveries (BotbenchChatMessage *self,
                                                            const gint64        *ids,
                                                            guint                n_ids);

G_END_DECLS
