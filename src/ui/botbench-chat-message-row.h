/* botbench-chat-message-row.h: one message in the Chat page's list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "botbench-core.h"

G_BEGIN_DECLS

/* Messages are cut for display beyond this many characters. */
#define BOTBENCH_CHAT_TEXT_MAX_CHARS 20000

#define BOTBENCH_TYPE_CHAT_MESSAGE_ROW (botbench_chat_message_row_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchChatMessageRow, botbench_chat_message_row, BOTBENCH, CHAT_MESSAGE_ROW, GtkWidget)

GtkWidget           *botbench_chat_message_row_new         (void);
/* Shows @message (names and deliveries from @session) and follows its
 * changes until unbind().  Deliveries to a handler URL starting with one
 * of @listener_urls (Botbench's listener: the event is in the log) get
 * "Show in Events". */
void                 botbench_chat_message_row_bind        (BotbenchChatMessageRow *self,
                                                            BotbenchChatSession    *session,
                                                            BotbenchChatMessage    *message,
                                                            const char * const     *listener_urls);
void                 botbench_chat_message_row_unbind      (BotbenchChatMessageRow *self);
BotbenchChatMessage *botbench_chat_message_row_get_message (BotbenchChatMessageRow *self);

G_END_DECLS
