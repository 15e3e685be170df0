/* botbench-chat-conversation.h: one chat of the sandbox (a CHAT object)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A private dialog of the speaking user with a bot, or a group chat.  The
 * session owns the conversations; its message list is created by the
 * session on first use (botbench_chat_session_get_messages()).
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum
{
  BOTBENCH_CHAT_CONVERSATION_PRIVATE,  /* "P" */
  BOTBENCH_CHAT_CONVERSATION_GROUP,    /* "C" */
} BotbenchChatConversationType;

#define BOTBENCH_TYPE_CHAT_CONVERSATION_TYPE (botbench_chat_conversation_type_get_type ())
#define BOTBENCH_TYPE_CHAT_CONVERSATION (botbench_chat_conversation_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchChatConversation, botbench_chat_conversation, BOTBENCH, CHAT_CONVERSATION, GObject)

GType botbench_chat_conversation_type_get_type (void) G_GNUC_CONST;

/* NULL when @object has no DIALOG_ID string, or no positive CHAT_ID for a
 * group chat (a private dialog not opened yet may have CHAT_ID 0). */
BotbenchChatConversation *botbench_chat_conversation_new_from_json (JsonObject *object);

gint64        botbench_chat_conversation_get_chat_id        (BotbenchChatConversation *self);
/* "chatN", or the bot id ("100") for a private dialog. */
const char   *botbench_chat_conversation_get_dialog_id      (BotbenchChatConversation *self);
BotbenchChatConversationType
              botbench_chat_conversation_get_conversation_type (BotbenchChatConversation *self);
/* Private: the bot's name. */
const char   *botbench_chat_conversation_get_title          (BotbenchChatConversation *self);
/* Private: the bot; group: 0. */
gint64        botbench_chat_conversation_get_bot_id         (BotbenchChatConversation *self);
/* Users and bots. */
const gint64 *botbench_chat_conversation_get_members        (BotbenchChatConversation *self,
                                                             guint                    *n_members);
gboolean      botbench_chat_conversation_has_member         (BotbenchChatConversation *self,
                                                             gint64                    id);
gint64        botbench_chat_conversation_get_last_message_id (BotbenchChatConversation *self);
/* Unix time of the last message (or of creation), for sorting; 0 if none. */
gint64        botbench_chat_conversation_get_last_activity  (BotbenchChatConversation *self);
gint64        botbench_chat_conversation_get_rev            (BotbenchChatConversation *self);

/* Takes every field of @other (same CHAT_ID), notifying what changed. */
gboolean      botbench_chat_conversation_update_from        (BotbenchChatConversation *self,
                                                             BotbenchChatConversation *other);

G_END_DECLS
