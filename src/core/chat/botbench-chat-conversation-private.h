/* botbench-chat-conversation-private.h: what the session does to conversations
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "botbench-chat-conversation.h"

G_BEGIN_DECLS

/* A message arrived: raises last-message-id and last-activity (unix time). */
void _botbench_chat_conversation_note_message (BotbenchChatConversation *self,
                                               gint64                    message_id,
                                               gint64                    unix_time);

/* A private dialog gets its chat when the user first writes. */
void _botbench_chat_conversation_set_chat_id  (BotbenchChatConversation *self,
                                               gint64                    chat_id);

G_END_DECLS
