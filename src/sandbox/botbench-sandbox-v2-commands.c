/* botbench-sandbox-v2-commands.c: imbot.v2.Command.register, update, unregister, list and answer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A v2 bot's slash commands (reference v2 §4.2).  They share the commands
 * table with v1 (lang keeps v1's LANG list, so the chat page shows their
 * titles) and keep their title and params maps {lang: text} besides.  A
 * user's "/command" reaches a v2 bot as ONIMBOTV2COMMANDADD.
 */
#define G_LOG_DOMAIN "botbench-sandbox"

#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "botbench-sandbox-v2-private.h"
#include "botbench-sandbox-php-private.h"

/* {lang: text} of a member, as JSON text; NULL when absent or not a map. */
static char *
lang_map (JsonObject *fields,
          const char *camel,
          const char *upper)
{
  JsonNode *node = _botbench_sandbox_v2_member (fields, camel, upper);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;

  return json_to_string (node, FALSE);
}

/* v1's LANG list [{LANGUAGE_ID, TITLE, PARAMS}] from the two maps. */
static char *
v1_lang (const char *title_json,
         const char *params_json)
{
  g_autoptr(JsonNode) title = title_json ? _botbench_php_json_decode (title_json, -1) : NULL;
  g_autoptr(JsonNode) params = params_json ? _botbench_php_json_decode (params_json, -1) : NULL;
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);
  JsonArray *list = json_array_new ();
  g_autoptr(GList) languages = NULL;

  json_node_take_array (root, list);
  if (title != NULL && JSON_NODE_HOLDS_OBJECT (title))
    languages = json_object_get_members (json_node_get_object (title));
  for (const GList *l = languages; l != NULL; l = l->next)
    {
      JsonObject *entry = json_object_new ();
      g_autofree char *text = _botbench_php_string (json_object_get_member (json_node_get_object (title), l->data));
      g_autofree char *hint = NULL;

      if (params != NULL && JSON_NODE_HOLDS_OBJECT (params))
        hint = _botbench_php_string (json_object_get_member (json_node_get_object (params), l->data));
      json_object_set_string_member (entry, "LANGUAGE_ID", l->data);
      json_object_set_string_member (entry, "TITLE", text ? text : "");
      json_object_set_string_member (entry, "PARAMS", hint ? hint : "");
      json_array_add_object_element (list, entry);
    }

  return json_to_string (root, FALSE);
}

/* A command name: no leading "/", no blanks (COMMAND_NAME_INVALID [inf]). */
static gboolean
name_is_valid (const char *name)
{
  for (const char *p = name; *p != '\0'; p++)
    if (g_ascii_isspace (*p) || g_ascii_iscntrl (*p) || *p == '/')
      return FALSE;

  return g_utf8_validate (name, -1, NULL);
}

static char *
command_name (JsonObject *fields)
{
  g_autofree char *value = _botbench_sandbox_v2_string (fields, "command", "COMMAND");

  if (value == NULL)
    return NULL;
  g_strstrip (value);
  /* A leading "/" is stripped. */
  return g_strdup (value[0] == '/' ? value + 1 : value);
}

static JsonObject *
command_object (BotbenchSandbox *self,
                gint64           command_id,
                gboolean         full)
{
  JsonObject *object = json_object_new ();
  sqlite3_stmt *stmt;

  stmt = botbench_sandbox_state_query (self->state,
                                       "SELECT bot_id, command, common, hidden, extranet, title, params FROM commands"
                                       " WHERE id = ?", "i", command_id);
  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autofree char *name = g_strconcat ("/", (const char *)sqlite3_column_text (stmt, 1), NULL);

      json_object_set_int_member (object, "id", command_id);
      json_object_set_int_member (object, "botId", sqlite3_column_int64 (stmt, 0));
      json_object_set_string_member (object, "command", name);
      json_object_set_boolean_member (object, "common", g_strcmp0 ((const char *)sqlite3_column_text (stmt, 2), "Y") == 0);
      json_object_set_boolean_member (object, "hidden", g_strcmp0 ((const char *)sqlite3_column_text (stmt, 3), "Y") == 0);
      json_object_set_boolean_member (object, "extranetSupport",
                                      g_strcmp0 ((const char *)sqlite3_column_text (stmt, 4), "Y") == 0);
      if (full)
        {
          for (int column = 5; column <= 6; column++)
            {
              const char *text = (const char *)sqlite3_column_text (stmt, column);
              JsonNode *map = text ? _botbench_php_json_decode (text, -1) : NULL;

              json_object_set_member (object, column == 5 ? "title" : "params",
                                      map ? map : _botbench_php_object_node (json_object_new ()));
            }
          json_object_set_string_member (object, "category", "");
          json_object_set_string_member (object, "context", "");
        }
    }
  sqlite3_finalize (stmt);

  return object;
}

static JsonNode *
command_answer (BotbenchSandbox *self,
                gint64           command_id)
{
  JsonObject *answer = json_object_new ();

  json_object_set_object_member (answer, "command", command_object (self, command_id, FALSE));
  return _botbench_php_object_node (answer);
}

static JsonNode *
result_true (void)
{
  JsonObject *answer = json_object_new ();

  json_object_set_boolean_member (answer, "result", TRUE);
  return _botbench_php_object_node (answer);
}

static const char *
flag_yn (JsonObject *fields,
    const char *camel,
    const char *upper)
{
  return _botbench_sandbox_v2_boolean (_botbench_sandbox_v2_member (fields, camel, upper)) ? "Y" : "N";
}

JsonNode *
_botbench_sandbox_v2_command_register (BotbenchSandbox *self,
                                       const Auth      *auth,
                                       JsonObject      *params,
                                       ApiError        *error)
{
  g_auto(Owner) owner = { 0 };
  g_autofree char *name = NULL;
  g_autofree char *title = NULL;
  g_autofree char *hints = NULL;
  g_autofree char *lang = NULL;
  JsonObject *fields;
  gint64 bot_id, command_id;

  bot_id = _botbench_sandbox_v2_check_bot (self, auth, params, &owner, error);
  if (bot_id == 0)
    return NULL;

  /* Flat legacy parameters (no fields) are still accepted. */
  fields = _botbench_sandbox_v2_object (params, "fields", "FIELDS");
  if (fields == NULL)
    fields = params;

  name = command_name (fields);
  if (name == NULL || *name == '\0')
    return _botbench_sandbox_v2_fail (error, "COMMAND_REQUIRED", "Command is required");
  if (!name_is_valid (name))
    return _botbench_sandbox_v2_fail (error, "COMMAND_NAME_INVALID", "Command name is invalid");
  title = lang_map (fields, "title", "TITLE");
  if (g_strcmp0 (flag_yn (fields, "hidden", "HIDDEN"), "N") == 0 && (title == NULL || g_str_equal (title, "{}")))
    return _botbench_sandbox_v2_fail (error, "COMMAND_TITLE_REQUIRED", "Command title is required");
  hints = lang_map (fields, "params", "PARAMS");
  lang = v1_lang (title, hints);

  /* Idempotent per bot + command + owner. */
  command_id = botbench_sandbox_state_query_int (self->state, 0,
                                                 "SELECT id FROM commands WHERE bot_id = ? AND command = ? AND owner = ?",
                                                 "iss", bot_id, name, owner.id);
  if (command_id > 0)
    return command_answer (self, command_id);

  botbench_sandbox_state_exec (self->state,
                               "INSERT INTO commands (bot_id, owner, command, common, hidden, extranet, lang, title,"
                               " params) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                               "issssssss", bot_id, owner.id, name, flag_yn (fields, "common", "COMMON"),
                               flag_yn (fields, "hidden", "HIDDEN"), flag_yn (fields, "extranetSupport", "EXTRANET_SUPPORT"),
                               lang, title, hints);
  command_id = botbench_sandbox_state_last_insert_id (self->state);
  _botbench_sandbox_chats_changed (self, 0);

  return command_answer (self, command_id);
}

/* The bot's command commandId: COMMAND_NOT_FOUND otherwise. */
static gint64
check_command (BotbenchSandbox *self,
               const Auth      *auth,
               JsonObject      *params,
               gint64          *bot_id,
               ApiError        *error)
{
  g_auto(Owner) owner = { 0 };
  gint64 command_id, command_bot;

  *bot_id = _botbench_sandbox_v2_check_bot (self, auth, params, &owner, error);
  if (*bot_id == 0)
    return 0;

  command_id = _botbench_php_intval (_botbench_sandbox_v2_member (params, "commandId", "COMMAND_ID"));
  command_bot = command_id > 0 ? botbench_sandbox_state_query_int (self->state, 0,
                                                                   "SELECT bot_id FROM commands WHERE id = ?",
                                                                   "i", command_id) : 0;
  if (command_bot == 0)
    return _botbench_sandbox_v2_refuse (error, "COMMAND_NOT_FOUND", "Command not found");
  if (command_bot != *bot_id)
    return _botbench_sandbox_v2_refuse (error, "COMMAND_NOT_FOUND", "Command belongs to a different bot");

  return command_id;
}

JsonNode *
_botbench_sandbox_v2_command_update (BotbenchSandbox *self,
                                     const Auth      *auth,
                                     JsonObject      *params,
                                     ApiError        *error)
{
  static const struct { const char *camel; const char *upper; const char *column; } flags[] = {
    { "common", "COMMON", "common" }, { "hidden", "HIDDEN", "hidden" },
    { "extranetSupport", "EXTRANET_SUPPORT", "extranet" },
  };
  g_autofree char *name = NULL;
  JsonObject *fields;
  gint64 bot_id, command_id;

  command_id = check_command (self, auth, params, &bot_id, error);
  if (command_id == 0)
    return NULL;

  fields = _botbench_sandbox_v2_object (params, "fields", "FIELDS");
  if (_botbench_sandbox_v2_member (fields, "command", "COMMAND") != NULL)
    {
      name = command_name (fields);
      if (name == NULL || *name == '\0')
        return _botbench_sandbox_v2_fail (error, "COMMAND_NAME_EMPTY", "Command name is empty");
      if (!name_is_valid (name))
        return _botbench_sandbox_v2_fail (error, "COMMAND_NAME_INVALID", "Command name is invalid");
      if (botbench_sandbox_state_query_int (self->state, 0,
                                            "SELECT COUNT(*) FROM commands WHERE bot_id = ? AND command = ? AND id != ?",
                                            "isi", bot_id, name, command_id) > 0)
        return _botbench_sandbox_v2_fail (error, "COMMAND_ALREADY_EXISTS", "Command already exists");
    }

  if (name != NULL)
    botbench_sandbox_state_exec (self->state, "UPDATE commands SET command = ? WHERE id = ?", "si", name, command_id);
  for (guint i = 0; i < G_N_ELEMENTS (flags); i++)
    if (_botbench_sandbox_v2_member (fields, flags[i].camel, flags[i].upper) != NULL)
      {
        g_autofree char *sql = g_strdup_printf ("UPDATE commands SET %s = ? WHERE id = ?", flags[i].column);

        botbench_sandbox_state_exec (self->state, sql, "si", flag_yn (fields, flags[i].camel, flags[i].upper), command_id);
      }

  /* title / params: merged per language; a null text deletes a language. */
  for (int which = 0; which < 2; which++)
    {
      JsonObject *changes = _botbench_sandbox_v2_object (fields, which == 0 ? "title" : "params",
                                                         which == 0 ? "TITLE" : "PARAMS");
      const char *column = which == 0 ? "title" : "params";
      g_autofree char *sql = g_strdup_printf ("SELECT %s FROM commands WHERE id = ?", column);
      g_autofree char *stored = botbench_sandbox_state_query_text (self->state, sql, "i", command_id);
      g_autoptr(JsonNode) map = stored ? _botbench_php_json_decode (stored, -1) : NULL;
      g_autoptr(GList) members = NULL;
      g_autofree char *text = NULL;
      g_autofree char *update = NULL;

      if (changes == NULL)
        continue;
      if (map == NULL || !JSON_NODE_HOLDS_OBJECT (map))
        {
          g_clear_pointer (&map, json_node_unref);
          map = _botbench_php_object_node (json_object_new ());
        }
      members = json_object_get_members (changes);
      for (const GList *l = members; l != NULL; l = l->next)
        {
          JsonNode *value = json_object_get_member (changes, l->data);

          if (JSON_NODE_HOLDS_NULL (value))
            json_object_remove_member (json_node_get_object (map), l->data);
          else
            {
              g_autofree char *string = _botbench_php_string (value);

              json_object_set_string_member (json_node_get_object (map), l->data, string ? string : "");
            }
        }
      text = json_to_string (map, FALSE);
      update = g_strdup_printf ("UPDATE commands SET %s = ? WHERE id = ?", column);
      botbench_sandbox_state_exec (self->state, update, "si", text, command_id);
    }
  {
    g_autofree char *title = botbench_sandbox_state_query_text (self->state, "SELECT title FROM commands WHERE id = ?",
                                                                "i", command_id);
    g_autofree char *hints = botbench_sandbox_state_query_text (self->state, "SELECT params FROM commands WHERE id = ?",
                                                                "i", command_id);
    g_autofree char *lang = v1_lang (title, hints);

    botbench_sandbox_state_exec (self->state, "UPDATE commands SET lang = ? WHERE id = ?", "si", lang, command_id);
  }
  _botbench_sandbox_chats_changed (self, 0);

  return command_answer (self, command_id);
}

JsonNode *
_botbench_sandbox_v2_command_unregister (BotbenchSandbox *self,
                                         const Auth      *auth,
                                         JsonObject      *params,
                                         ApiError        *error)
{
  gint64 bot_id, command_id;

  command_id = check_command (self, auth, params, &bot_id, error);
  if (command_id == 0)
    return NULL;

  botbench_sandbox_state_exec (self->state, "DELETE FROM commands WHERE id = ?", "i", command_id);
  _botbench_sandbox_chats_changed (self, 0);

  return result_true ();
}

JsonNode *
_botbench_sandbox_v2_command_list (BotbenchSandbox *self,
                                   const Auth      *auth,
                                   JsonObject      *params,
                                   ApiError        *error)
{
  g_auto(Owner) owner = { 0 };
  JsonObject *answer;
  JsonArray *list;
  sqlite3_stmt *stmt;
  gint64 bot_id;

  bot_id = _botbench_sandbox_v2_check_bot (self, auth, params, &owner, error);
  if (bot_id == 0)
    return NULL;

  list = json_array_new ();
  stmt = botbench_sandbox_state_query (self->state, "SELECT id FROM commands WHERE bot_id = ? ORDER BY id",
                                       "i", bot_id);
  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    json_array_add_object_element (list, command_object (self, sqlite3_column_int64 (stmt, 0), TRUE));
  sqlite3_finalize (stmt);

  answer = json_object_new ();
  json_object_set_array_member (answer, "commands", list);
  return _botbench_php_object_node (answer);
}

/* Command.answer: the answer goes into the dialog of the command's message,
 * a system message where the bot is no member (§4.2). */
JsonNode *
_botbench_sandbox_v2_command_answer (BotbenchSandbox *self,
                                     const Auth      *auth,
                                     JsonObject      *params,
                                     ApiError        *error)
{
  g_autofree char *text = NULL;
  g_autofree char *dialog = NULL;
  JsonObject *fields;
  gint64 bot_id, command_id, message_id, chat_id, answer_id;
  gboolean member;

  command_id = check_command (self, auth, params, &bot_id, error);
  if (command_id == 0)
    return NULL;

  message_id = _botbench_php_intval (_botbench_sandbox_v2_member (params, "messageId", "MESSAGE_ID"));
  dialog = _botbench_sandbox_v2_string (params, "dialogId", "DIALOG_ID");
  fields = _botbench_sandbox_v2_object (params, "fields", "FIELDS");
  text = _botbench_sandbox_v2_string (fields, "message", "MESSAGE");
  chat_id = message_id > 0 ? botbench_sandbox_state_query_int (self->state, 0,
                                                               "SELECT chat_id FROM messages WHERE id = ?",
                                                               "i", message_id) : 0;
  if (chat_id == 0 || dialog == NULL || *g_strstrip (dialog) == '\0' || text == NULL || *g_strstrip (text) == '\0' ||
      _botbench_sandbox_v2_length (text) > BOTBENCH_SANDBOX_V2_MESSAGE_MAX)
    return _botbench_sandbox_v2_fail (error, "COMMAND_ANSWER_FAILED", "Command answer failed");

  member = botbench_sandbox_state_query_int (self->state, 0,
                                             "SELECT COUNT(*) FROM chat_members WHERE chat_id = ? AND user_id = ?",
                                             "ii", chat_id, bot_id) > 0;
  answer_id = _botbench_sandbox_add_message (self, chat_id, bot_id, text,
                                             !member || _botbench_sandbox_v2_boolean (_botbench_sandbox_v2_member (fields, "system", "SYSTEM")));
  botbench_sandbox_state_exec (self->state, "UPDATE messages SET command_id = ?, reply_to = ? WHERE id = ?", "iii",
                               command_id, message_id, answer_id);
  _botbench_sandbox_store_bot_call (self, answer_id, auth, "imbot.v2.Command.answer", params, FALSE);

  return result_true ();
}
