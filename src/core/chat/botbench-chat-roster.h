/* botbench-chat-roster.h: the sandbox's users and bots as plain records
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * USER and BOT objects of the control API, type-checked, as reference
 * counted boxed structs (immutable once built; the session replaces them
 * when the sandbox says chats or bots changed).  Strings are never NULL.
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct
{
  gint64  id;
  char   *name;           /* "First Last" */
  char   *first_name;
  char   *last_name;
  char   *work_position;
  char   *gender;         /* "M", "F" or "" */
} BotbenchChatUser;

typedef struct
{
  gint64    id;
  char     *command;      /* without "/" */
  gboolean  common;
  gboolean  hidden;
  char     *title;
  char     *params;
} BotbenchChatCommand;

typedef struct
{
  gint64      id;
  char       *code;
  char       *name;
  char       *last_name;
  char       *type;          /* "B", "H", "S", "O" */
  gboolean    openline;
  char       *color;
  char       *work_position;
  GHashTable *handlers;      /* event name ("ONIMBOTMESSAGEADD"...) -> URL or "" */
  GPtrArray  *commands;      /* (element-type BotbenchChatCommand) */
} BotbenchChatBot;

#define BOTBENCH_TYPE_CHAT_USER (botbench_chat_user_get_type ())
#define BOTBENCH_TYPE_CHAT_BOT  (botbench_chat_bot_get_type ())

GType             botbench_chat_user_get_type      (void) G_GNUC_CONST;
GType             botbench_chat_bot_get_type       (void) G_GNUC_CONST;

/* NULL when @object has no positive integer "ID". */
BotbenchChatUser *botbench_chat_user_new_from_json (JsonObject       *object);
BotbenchChatUser *botbench_chat_user_ref           (BotbenchChatUser *user);
void              botbench_chat_user_unref         (BotbenchChatUser *user);

BotbenchChatBot  *botbench_chat_bot_new_from_json  (JsonObject       *object);
BotbenchChatBot  *botbench_chat_bot_ref            (BotbenchChatBot  *bot);
void              botbench_chat_bot_unref          (BotbenchChatBot  *bot);
/* "Name Last_name" trimmed, or "Bot N" when the bot has no name. */
char             *botbench_chat_bot_dup_display_name (BotbenchChatBot *bot);
/* The handler URL for @event, "" when none.  Never NULL. */
const char       *botbench_chat_bot_get_handler    (BotbenchChatBot  *bot,
                                                    const char       *event);
/* The command named @command (without "/", case-insensitive), or NULL. */
const BotbenchChatCommand *
                  botbench_chat_bot_lookup_command (BotbenchChatBot  *bot,
                                                    const char       *command);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BotbenchChatUser, botbench_chat_user_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BotbenchChatBot, botbench_chat_bot_unref)

G_END_DECLS
