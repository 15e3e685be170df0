/* botbench-bot-v2-command.c: the imbot.v2.Command request bodies
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Command.register/update/unregister/list/answer (reference v2 §4.2) for a
 * v2 bot, from the same BotbenchBotCommand v1 bots use.
 */
#define G_LOG_DOMAIN "botbench-bot"

#include "config.h"

#include "botbench-bot-private.h"
#include "botbench-bot-v2.h"

/* Commands (§4.2): a BotbenchBotCommand's LANG list becomes title and
 * params maps {language: text}. */

static JsonObject *
build_command_fields (BotbenchBotCommand *command)
{
  JsonObject *fields = json_object_new ();
  JsonObject *title = json_object_new ();
  JsonObject *params = json_object_new ();
  guint n = botbench_bot_command_get_n_langs (command);

  _botbench_bot_set_nullable (fields, "command", botbench_bot_command_get_command (command));
  for (guint i = 0; i < n; i++)
    {
      const BotbenchBotCommandLang *lang = botbench_bot_command_get_lang (command, i);

      if (lang->language_id == NULL)
        continue;
      _botbench_bot_set_nullable (title, lang->language_id, lang->title);
      _botbench_bot_set_nullable (params, lang->language_id, lang->params);
    }
  if (json_object_get_size (title) > 0)
    json_object_set_object_member (fields, "title", title);
  else
    json_object_unref (title);
  if (json_object_get_size (params) > 0)
    json_object_set_object_member (fields, "params", params);
  else
    json_object_unref (params);
  json_object_set_boolean_member (fields, "common", botbench_bot_command_get_common (command));
  json_object_set_boolean_member (fields, "hidden", botbench_bot_command_get_hidden (command));
  json_object_set_boolean_member (fields, "extranetSupport", botbench_bot_command_get_extranet_support (command));

  return fields;
}

JsonNode *
botbench_bot_v2_build_command_register_body (BotbenchBot        *bot,
                                             BotbenchBotCommand *command,
                                             gboolean            webhook_auth)
{
  JsonObject *object;

  g_return_val_if_fail (BOTBENCH_IS_BOT (bot), NULL);
  g_return_val_if_fail (BOTBENCH_IS_BOT_COMMAND (command), NULL);

  object = _botbench_bot_v2_scoped_object (bot, webhook_auth);
  json_object_set_object_member (object, BOTBENCH_BOT_V2_FIELDS_KEY, build_command_fields (command));

  return _botbench_bot_v2_object_node (object);
}

JsonNode *
botbench_bot_v2_build_command_update_body (BotbenchBot        *bot,
                                           BotbenchBotCommand *command,
                                           gboolean            webhook_auth)
{
  JsonObject *object;

  g_return_val_if_fail (BOTBENCH_IS_BOT (bot), NULL);
  g_return_val_if_fail (BOTBENCH_IS_BOT_COMMAND (command), NULL);

  object = _botbench_bot_v2_scoped_object (bot, webhook_auth);
  json_object_set_int_member (object, "commandId", botbench_bot_command_get_command_id (command));
  json_object_set_object_member (object, BOTBENCH_BOT_V2_FIELDS_KEY, build_command_fields (command));

  return _botbench_bot_v2_object_node (object);
}

JsonNode *
botbench_bot_v2_build_command_unregister_body (BotbenchBot *bot,
                                               gint64       command_id,
                                               gboolean     webhook_auth)
{
  JsonObject *object;

  g_return_val_if_fail (BOTBENCH_IS_BOT (bot), NULL);

  object = _botbench_bot_v2_scoped_object (bot, webhook_auth);
  json_object_set_int_member (object, "commandId", command_id);

  return _botbench_bot_v2_object_node (object);
}

JsonNode *
botbench_bot_v2_build_command_list_body (BotbenchBot *bot,
                                         gboolean     webhook_auth)
{
  g_return_val_if_fail (BOTBENCH_IS_BOT (bot), NULL);
  return _botbench_bot_v2_object_node (_botbench_bot_v2_scoped_object (bot, webhook_auth));
}

JsonNode *
botbench_bot_v2_build_command_answer_body (BotbenchBot *bot,
                                           gint64       command_id,
                                           gint64       message_id,
                                           const char  *dialog_id,
                                           const char  *message,
                                           gboolean     webhook_auth)
{
  JsonObject *object;
  JsonObject *fields;

  g_return_val_if_fail (BOTBENCH_IS_BOT (bot), NULL);
  g_return_val_if_fail (dialog_id != NULL, NULL);
  g_return_val_if_fail (message != NULL, NULL);

  object = _botbench_bot_v2_scoped_object (bot, webhook_auth);
  json_object_set_int_member (object, "commandId", command_id);
  json_object_set_int_member (object, "messageId", message_id);
  json_object_set_string_member (object, "dialogId", dialog_id);
  fields = json_object_new ();
  json_object_set_string_member (fields, "message", message);
  json_object_set_object_member (object, BOTBENCH_BOT_V2_FIELDS_KEY, fields);

  return _botbench_bot_v2_object_node (object);
}
