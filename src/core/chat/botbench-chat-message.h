/* botbench-chat-message.h: one message of a sandbox chat (a MESSAGE object)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Built from the control API's MESSAGE object; every member's type is
 * checked (a missing or mistyped member reads as 0, "" or NULL).  The
 * session keeps one object per message id and calls _update_from() when a
 * newer version arrives, so views bound to it see property notifications.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "botbench-chat-rich.h"

G_BEGIN_DECLS

#define BOTBENCH_TYPE_CHAT_MESSAGE (botbench_chat_message_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchChatMessage, botbench_chat_message, BOTBENCH, CHAT_MESSAGE, GObject)

/* NULL when @object has no positive integer "ID". */
BotbenchChatMessage *botbench_chat_message_new_from_json  (JsonObject          *object);

gint64        botbench_chat_message_get_id           (BotbenchChatMessage *self);
gint64        botbench_chat_message_get_chat_id      (BotbenchChatMessage *self);
/* "chatN", or the bot id for a private dialog (as the portal user sees it). */
const char   *botbench_chat_message_get_dialog_id    (BotbenchChatMessage *self);
/* A user or bot id; 0 for a system message of the portal. */
gint64        botbench_chat_message_get_author_id    (BotbenchChatMessage *self);
/* As stored: BB-code for bots, the user's text as typed. Never NULL. */
const char   *botbench_chat_message_get_text         (BotbenchChatMessage *self);
gboolean      botbench_chat_message_get_system       (BotbenchChatMessage *self);
/* (nullable) */
GDateTime    *botbench_chat_message_get_date         (BotbenchChatMessage *self);
gint64        botbench_chat_message_get_rev          (BotbenchChatMessage *self);
gboolean      botbench_chat_message_get_edited       (BotbenchChatMessage *self);
gboolean      botbench_chat_message_get_deleted      (BotbenchChatMessage *self);
/* (nullable): the raw values as the bot gave them. */
JsonNode     *botbench_chat_message_get_attach_json  (BotbenchChatMessage *self);
JsonNode     *botbench_chat_message_get_keyboard_json (BotbenchChatMessage *self);
JsonNode     *botbench_chat_message_get_menu_json    (BotbenchChatMessage *self);
/* Parsed on first use, never NULL (empty when there is none). */
BotbenchAttach   *botbench_chat_message_get_attach   (BotbenchChatMessage *self);
BotbenchKeyboard *botbench_chat_message_get_keyboard (BotbenchChatMessage *self);
gint64        botbench_chat_message_get_command_id   (BotbenchChatMessage *self);
gint64        botbench_chat_message_get_reply_to     (BotbenchChatMessage *self);
/* (nullable): {"METHOD", "DATE", "AUTH", "PARAMS"} for bot messages. */
JsonObject   *botbench_chat_message_get_source       (BotbenchChatMessage *self);
/* "imbot.message.add"..., or NULL for a user message. */
const char   *botbench_chat_message_get_source_method (BotbenchChatMessage *self);
/* The ids of the deliveries this (user) message caused. */
const gint64 *botbench_chat_message_get_deliveries   (BotbenchChatMessage *self,
                                                      guint               *n_deliveries);
/* TRUE for a message that has not reached the sandbox yet (the session's
 * local echo while sending); such a message has a negative id. */
gboolean      botbench_chat_message_get_pending      (BotbenchChatMessage *self);

/* Takes every field of @other (same id), notifying the properties that
 * changed. Returns TRUE when something changed. */
gboolean      botbench_chat_message_update_from      (BotbenchChatMessage *self,
                                                      BotbenchChatMessage *other);

/* The JSON line `botbench-cli chat` prints (no newline):
 * {"message_id", "author_id", "dialog_id", "text", "attach", "keyboard"} */
char         *botbench_chat_message_to_json_line     (BotbenchChatMessage *self);

G_END_DECLS
