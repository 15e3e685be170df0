/* botbench-sandbox-commands.c: the imbot.command.* methods
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * imbot.command.register, .unregister, .update and .answer, and the
 * command rows the control API looks up for "/command" messages.
 */
#define G_LOG_DOMAIN "botbench-sandbox"

#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "botbench-sandbox-private.h"
#include "botbench-sandbox-php-private.h"

void
_botbench_sandbox_command_clear (Command *command)
{
  g_clear_pointer (&command->owner, g_free);
  g_clear_pointer (&command->command, g_free);
}

gboolean
_botbench_sandbox_command_from_stmt (sqlite3_stmt *stmt,
                                     Command      *command)
{
  gboolean found = FALSE;

  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      command->id = sqlite3_column_int64 (stmt, 0);
      command->bot_id = sqlite3_column_int64 (stmt, 1);
      command->owner = g_strdup ((const char *)sqlite3_column_text (stmt, 2));
      command->command = g_strdup ((const char *)sqlite3_column_text (stmt, 3));
      found = TRUE;
    }
  sqlite3_finalize (stmt);

  return found;
}

/* COMMAND_ID_ERROR / APP_ID_ERROR of the command methods (§2.5). */
static gboolean
check_command_owner (BotbenchSandbox *self,
                     gint64           command_id,
                     const Owner     *owner,
                     Command         *command,
                     ApiError        *error)
{
  if (command_id <= 0 ||
      !_botbench_sandbox_command_from_stmt (botbench_sandbox_state_query (self->state, COMMAND_COLUMNS "WHERE id = ?",
                                                                          "i", command_id), command))
    return _botbench_sandbox_api_refuse (error, SOUP_STATUS_BAD_REQUEST, "COMMAND_ID_ERROR", "Command not found");

  if (g_strcmp0 (command->owner, owner->id) != 0)
    return _botbench_sandbox_api_refuse (error, SOUP_STATUS_BAD_REQUEST, "APP_ID_ERROR",
                                         "Command was installed by another rest application");

  return TRUE;
}

static gboolean
check_command_handler (JsonObject  *params,
                       const Owner *owner,
                       gboolean     required,
                       char       **url,
                       ApiError    *error)
{
  g_autofree char *value = NULL;
  const char *problem;

  if (_botbench_php_empty (_botbench_php_param (params, "EVENT_COMMAND_ADD")))
    {
      if (required)
        return _botbench_sandbox_api_refuse (error, SOUP_STATUS_BAD_REQUEST, "EVENT_COMMAND_ADD_ERROR",
                                             "Handler for \"Command add\" event isn't specified");
      return TRUE;
    }

  value = _botbench_php_param_string (params, "EVENT_COMMAND_ADD");
  *url = owner->webhook ? _botbench_sandbox_append_client_id (value, owner->client_id) : g_strdup (value);
  if ((problem = _botbench_sandbox_check_handler_url (*url)) != NULL)
    {
      g_clear_pointer (url, g_free);
      return _botbench_sandbox_api_refuse (error, SOUP_STATUS_BAD_REQUEST, "EVENT_COMMAND_ADD_ERROR", problem);
    }

  return TRUE;
}

/* imbot.command.register, §2.5 */
JsonNode *
_botbench_sandbox_imbot_command_register (BotbenchSandbox *self,
                                          const Auth      *auth,
                                          JsonObject      *params,
                                          ApiError        *error)
{
  g_auto(Owner) owner = { 0 };
  g_autofree char *url = NULL;
  g_autofree char *command = NULL;
  g_autofree char *lang = NULL;
  gint64 bot_id;
  gint64 command_id;

  if (!_botbench_sandbox_resolve_owner (self, auth, params, &owner, error))
    return NULL;
  if (!check_command_handler (params, &owner, TRUE, &url, error))
    return NULL;

  command = _botbench_php_param_trimmed (params, "COMMAND");
  if (*command == '\0')
    return _botbench_sandbox_api_fail (error, SOUP_STATUS_BAD_REQUEST, "COMMAND_ERROR", "Command isn't specified");

  bot_id = _botbench_php_intval (_botbench_php_param (params, "BOT_ID"));
  if (!_botbench_sandbox_check_bot_owner (self, bot_id, &owner, NULL, error))
    return NULL;

  if (_botbench_php_empty (_botbench_php_param (params, "LANG")) ||
      !_botbench_php_is_array (_botbench_php_param (params, "LANG")))
    return _botbench_sandbox_api_fail (error, SOUP_STATUS_BAD_REQUEST, "LANG_ERROR", "Lang set can't be empty");
  lang = json_to_string (_botbench_php_param (params, "LANG"), FALSE);

  /* The same command of the same bot is updated in place [inf]. */
  command_id = botbench_sandbox_state_query_int (self->state, 0,
                                                 "SELECT id FROM commands WHERE bot_id = ? AND command = ?",
                                                 "is", bot_id, command);
  if (command_id > 0)
    botbench_sandbox_state_exec (self->state,
                                 "UPDATE commands SET common = ?, hidden = ?, extranet = ?, lang = ? WHERE id = ?",
                                 "ssssi", _botbench_php_param_is_y (params, "COMMON") ? "Y" : "N",
                                 _botbench_php_param_is_y (params, "HIDDEN") ? "Y" : "N",
                                 _botbench_php_param_is_y (params, "EXTRANET_SUPPORT") ? "Y" : "N", lang, command_id);
  else
    {
      botbench_sandbox_state_exec (self->state,
                                   "INSERT INTO commands (bot_id, owner, command, common, hidden, extranet, lang)"
                                   " VALUES (?, ?, ?, ?, ?, ?, ?)",
                                   "issssss", bot_id, owner.id, command,
                                   _botbench_php_param_is_y (params, "COMMON") ? "Y" : "N",
                                   _botbench_php_param_is_y (params, "HIDDEN") ? "Y" : "N",
                                   _botbench_php_param_is_y (params, "EXTRANET_SUPPORT") ? "Y" : "N", lang);
      command_id = botbench_sandbox_state_last_insert_id (self->state);
    }

  _botbench_sandbox_bind_handler (self, owner.id, "ONIMCOMMANDADD", url);

  _botbench_sandbox_chats_changed (self, 0);
  return _botbench_php_int_node (command_id);
}

JsonNode *
_botbench_sandbox_imbot_command_unregister (BotbenchSandbox *self,
                                            const Auth      *auth,
                                            JsonObject      *params,
                                            ApiError        *error)
{
  g_auto(Owner) owner = { 0 };
  g_auto(Command) command = { 0 };

  if (!_botbench_sandbox_resolve_owner (self, auth, params, &owner, error) ||
      !check_command_owner (self, _botbench_php_intval (_botbench_php_param (params, "COMMAND_ID")),
                            &owner, &command, error))
    return NULL;

  botbench_sandbox_state_exec (self->state, "DELETE FROM commands WHERE id = ?", "i", command.id);
  _botbench_sandbox_chats_changed (self, 0);

  return _botbench_php_bool_node (TRUE);
}

JsonNode *
_botbench_sandbox_imbot_command_update (BotbenchSandbox *self,
                                        const Auth      *auth,
                                        JsonObject      *params,
                                        ApiError        *error)
{
  static const struct { const char *key; const char *column; } flags[] = {
    { "COMMON", "common" }, { "HIDDEN", "hidden" }, { "EXTRANET_SUPPORT", "extranet" },
  };
  g_auto(Owner) owner = { 0 };
  g_auto(Command) command = { 0 };
  g_autoptr(JsonObject) fields = NULL;
  g_autofree char *url = NULL;
  g_autofree char *new_command = NULL;
  gboolean changed = FALSE;

  if (!_botbench_sandbox_resolve_owner (self, auth, params, &owner, error) ||
      !check_command_owner (self, _botbench_php_intval (_botbench_php_param (params, "COMMAND_ID")),
                            &owner, &command, error))
    return NULL;

  fields = _botbench_php_array_to_object (_botbench_php_is_array (_botbench_php_param (params, "FIELDS"))
                                          ? _botbench_php_param (params, "FIELDS") : NULL);
  if (!check_command_handler (fields, &owner, FALSE, &url, error))
    return NULL;
  changed = url != NULL;

  new_command = _botbench_php_param_trimmed (fields, "COMMAND");
  if (*new_command != '\0')
    {
      botbench_sandbox_state_exec (self->state, "UPDATE commands SET command = ? WHERE id = ?",
                                   "si", new_command, command.id);
      changed = TRUE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (flags); i++)
    if (_botbench_php_isset (_botbench_php_param (fields, flags[i].key)))
      {
        g_autofree char *sql = g_strdup_printf ("UPDATE commands SET %s = ? WHERE id = ?", flags[i].column);

        botbench_sandbox_state_exec (self->state, sql, "si",
                                     _botbench_php_param_is_y (fields, flags[i].key) ? "Y" : "N", command.id);
        changed = TRUE;
      }
  if (_botbench_php_is_array (_botbench_php_param (fields, "LANG")) &&
      !_botbench_php_empty (_botbench_php_param (fields, "LANG")))
    {
      g_autofree char *lang = json_to_string (_botbench_php_param (fields, "LANG"), FALSE);

      botbench_sandbox_state_exec (self->state, "UPDATE commands SET lang = ? WHERE id = ?", "si", lang, command.id);
      changed = TRUE;
    }

  if (!changed)
    return _botbench_sandbox_api_fail (error, SOUP_STATUS_BAD_REQUEST, "WRONG_REQUEST", "Update fields can't be empty");

  if (url != NULL)
    _botbench_sandbox_bind_handler (self, owner.id, "ONIMCOMMANDADD", url);
  _botbench_sandbox_chats_changed (self, 0);

  return _botbench_php_bool_node (TRUE);
}

JsonNode *
_botbench_sandbox_imbot_command_answer (BotbenchSandbox *self,
                                        const Auth      *auth,
                                        JsonObject      *params,
                                        ApiError        *error)
{
  g_auto(Owner) owner = { 0 };
  g_auto(Command) command = { 0 };
  g_autofree char *message = NULL;
  gint64 command_id;
  gint64 message_id;
  gint64 answer_id;
  gint64 chat_id;

  if (!_botbench_sandbox_resolve_owner (self, auth, params, &owner, error))
    return NULL;

  command_id = _botbench_php_intval (_botbench_php_param (params, "COMMAND_ID"));
  if (command_id <= 0 && !_botbench_php_empty (_botbench_php_param (params, "COMMAND")))
    {
      g_autofree char *name = _botbench_php_param_trimmed (params, "COMMAND");

      command_id = botbench_sandbox_state_query_int (self->state, 0,
                                                     "SELECT id FROM commands WHERE command = ? AND owner = ?"
                                                     " ORDER BY id LIMIT 1", "ss", name, owner.id);
    }
  if (!check_command_owner (self, command_id, &owner, &command, error))
    return NULL;

  message_id = _botbench_php_intval (_botbench_php_param (params, "MESSAGE_ID"));
  if (message_id <= 0)
    return _botbench_sandbox_api_fail (error, SOUP_STATUS_BAD_REQUEST, "MESSAGE_ID_EMPTY", "Message ID can't be empty");

  message = _botbench_php_param_trimmed (params, "MESSAGE");
  if (*message == '\0')
    return _botbench_sandbox_api_fail (error, SOUP_STATUS_BAD_REQUEST, "MESSAGE_EMPTY", "Message can't be empty");

  if (!_botbench_sandbox_check_rich_params (params, error))
    return NULL;

  chat_id = botbench_sandbox_state_query_int (self->state, 0, "SELECT chat_id FROM messages WHERE id = ?",
                                              "i", message_id);
  if (chat_id == 0)
    return _botbench_sandbox_api_fail (error, SOUP_STATUS_BAD_REQUEST, "WRONG_REQUEST", "Message isn't added");

  answer_id = _botbench_sandbox_add_message (self, chat_id, command.bot_id, message,
                                             _botbench_php_param_is_y (params, "SYSTEM"));
  botbench_sandbox_state_exec (self->state, "UPDATE messages SET command_id = ?, reply_to = ? WHERE id = ?",
                               "iii", command.id, message_id, answer_id);
  _botbench_sandbox_store_bot_call (self, answer_id, auth, "imbot.command.answer", params, TRUE);

  return _botbench_php_int_node (answer_id);
}
