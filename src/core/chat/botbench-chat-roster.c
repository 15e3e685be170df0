/* botbench-chat-roster.c: the sandbox's users and bots as plain records
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * USER and BOT objects, type-checked into reference-counted structs.
 */
#define G_LOG_DOMAIN "botbench-chat"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "botbench-chat-json-private.h"
#include "botbench-chat-roster.h"

G_DEFINE_BOXED_TYPE (BotbenchChatUser, botbench_chat_user, botbench_chat_user_ref, botbench_chat_user_unref)
G_DEFINE_BOXED_TYPE (BotbenchChatBot, botbench_chat_bot, botbench_chat_bot_ref, botbench_chat_bot_unref)

#define MAX_COMMANDS 1000

static void
user_clear (gpointer data)
{
  BotbenchChatUser *user = data;

  g_free (user->name);
  g_free (user->first_name);
  g_free (user->last_name);
  g_free (user->work_position);
  g_free (user->gender);
}

BotbenchChatUser *
botbench_chat_user_new_from_json (JsonObject *object)
{
  BotbenchChatUser *user;
  gint64 id;

  g_return_val_if_fail (object != NULL, NULL);

  id = _botbench_chat_json_get_int (object, "ID", 0);
  if (id <= 0)
    return NULL;

  user = g_rc_box_new0 (BotbenchChatUser);
  user->id = id;
  user->first_name = _botbench_chat_json_dup_string (object, "FIRST_NAME", "");
  user->last_name = _botbench_chat_json_dup_string (object, "LAST_NAME", "");
  user->name = _botbench_chat_json_dup_string (object, "NAME", "");
  if (*user->name == '\0')
    {
      g_free (user->name);
      user->name = g_strstrip (g_strdup_printf ("%s %s", user->first_name, user->last_name));
    }
  if (*user->name == '\0')
    {
      g_free (user->name);
      user->name = g_strdup_printf (_("User %lld"), (long long) id);
    }
  user->work_position = _botbench_chat_json_dup_string (object, "WORK_POSITION", "");
  user->gender = _botbench_chat_json_dup_string (object, "GENDER", "");
  return user;
}

BotbenchChatUser *
botbench_chat_user_ref (BotbenchChatUser *user)
{
  g_return_val_if_fail (user != NULL, NULL);
  return g_rc_box_acquire (user);
}

void
botbench_chat_user_unref (BotbenchChatUser *user)
{
  g_return_if_fail (user != NULL);
  g_rc_box_release_full (user, user_clear);
}

static void
command_free (gpointer data)
{
  BotbenchChatCommand *command = data;

  g_free (command->command);
  g_free (command->title);
  g_free (command->params);
  g_free (command);
}

static void
bot_clear (gpointer data)
{
  BotbenchChatBot *bot = data;

  g_free (bot->code);
  g_free (bot->name);
  g_free (bot->last_name);
  g_free (bot->type);
  g_free (bot->color);
  g_free (bot->work_position);
  g_hash_table_unref (bot->handlers);
  g_ptr_array_unref (bot->commands);
}

BotbenchChatBot *
botbench_chat_bot_new_from_json (JsonObject *object)
{
  BotbenchChatBot *bot;
  JsonObject *handlers;
  JsonArray *commands;
  gint64 id;

  g_return_val_if_fail (object != NULL, NULL);

  id = _botbench_chat_json_get_int (object, "ID", 0);
  if (id <= 0)
    return NULL;

  bot = g_rc_box_new0 (BotbenchChatBot);
  bot->id = id;
  bot->code = _botbench_chat_json_dup_string (object, "CODE", "");
  bot->name = _botbench_chat_json_dup_string (object, "NAME", "");
  bot->last_name = _botbench_chat_json_dup_string (object, "LAST_NAME", "");
  bot->type = _botbench_chat_json_dup_string (object, "TYPE", "B");
  bot->openline = _botbench_chat_json_get_flag (object, "OPENLINE");
  bot->color = _botbench_chat_json_dup_string (object, "COLOR", "");
  bot->work_position = _botbench_chat_json_dup_string (object, "WORK_POSITION", "");
  bot->handlers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  bot->commands = g_ptr_array_new_with_free_func (command_free);

  handlers = _botbench_chat_json_get_object (object, "HANDLERS");
  if (handlers != NULL)
    {
      JsonObjectIter iter;
      const char *key;
      JsonNode *value;

      json_object_iter_init (&iter, handlers);
      while (json_object_iter_next (&iter, &key, &value))
        if (g_hash_table_size (bot->handlers) < 64)
          g_hash_table_insert (bot->handlers, g_ascii_strup (key, -1),
                               _botbench_chat_json_dup_string (handlers, key, ""));
    }

  commands = _botbench_chat_json_get_array (object, "COMMANDS");
  for (guint i = 0; commands != NULL && i < json_array_get_length (commands) && i < MAX_COMMANDS; i++)
    {
      JsonNode *element = json_array_get_element (commands, i);
      JsonObject *c;
      BotbenchChatCommand *command;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      c = json_node_get_object (element);
      command = g_new0 (BotbenchChatCommand, 1);
      command->id = _botbench_chat_json_get_int (c, "ID", 0);
      command->command = _botbench_chat_json_dup_string (c, "COMMAND", "");
      command->common = _botbench_chat_json_get_flag (c, "COMMON");
      command->hidden = _botbench_chat_json_get_flag (c, "HIDDEN");
      command->title = _botbench_chat_json_dup_string (c, "TITLE", "");
      command->params = _botbench_chat_json_dup_string (c, "PARAMS", "");
      g_ptr_array_add (bot->commands, command);
    }

  return bot;
}

BotbenchChatBot *
botbench_chat_bot_ref (BotbenchChatBot *bot)
{
  g_return_val_if_fail (bot != NULL, NULL);
  return g_rc_box_acquire (bot);
}

void
botbench_chat_bot_unref (BotbenchChatBot *bot)
{
  g_return_if_fail (bot != NULL);
  g_rc_box_release_full (bot, bot_clear);
}

char *
botbench_chat_bot_dup_display_name (BotbenchChatBot *bot)
{
  g_autofree char *joined = NULL;

  g_return_val_if_fail (bot != NULL, NULL);

  joined = g_strstrip (g_strdup_printf ("%s %s", bot->name, bot->last_name));
  if (*joined != '\0')
    return g_steal_pointer (&joined);
  return g_strdup_printf (_("Bot %lld"), (long long) bot->id);
}

const char *
botbench_chat_bot_get_handler (BotbenchChatBot *bot,
                               const char      *event)
{
  const char *url;

  g_return_val_if_fail (bot != NULL, "");
  g_return_val_if_fail (event != NULL, "");

  url = g_hash_table_lookup (bot->handlers, event);
  return url != NULL ? url : "";
}

const BotbenchChatCommand *
botbench_chat_bot_lookup_command (BotbenchChatBot *bot,
                                  const char      *command)
{
  g_return_val_if_fail (bot != NULL, NULL);
  g_return_val_if_fail (command != NULL, NULL);

  if (command[0] == '/')
    command++;
  for (guint i = 0; i < bot->commands->len; i++)
    {
      BotbenchChatCommand *c = bot->commands->pdata[i];

      if (g_ascii_strcasecmp (c->command, command) == 0)
        return c;
    }
  return NULL;
}
