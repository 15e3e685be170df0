/* botbench-chat-conversation-row.h: a conversation in the Chat page's list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "botbench-core.h"

G_BEGIN_DECLS

#define BOTBENCH_TYPE_CHAT_CONVERSATION_ROW (botbench_chat_conversation_row_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchChatConversationRow, botbench_chat_conversation_row, BOTBENCH, CHAT_CONVERSATION_ROW, GtkListBoxRow)

GtkWidget                *botbench_chat_conversation_row_new              (BotbenchChatSession         *session,
                                                                           BotbenchChatConversation    *conversation);
BotbenchChatConversation *botbench_chat_conversation_row_get_conversation (BotbenchChatConversationRow *self);
/* Marks the conversation: its last delivery had a problem. */
void                      botbench_chat_conversation_row_set_problem      (BotbenchChatConversationRow *self,
                                                                           gboolean                     problem);
/* Re-reads the title and the last message. */
void                      botbench_chat_conversation_row_update           (BotbenchChatConversationRow *self);

G_END_DECLS
