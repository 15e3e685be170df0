/* botbench-sandbox-control.c: the control API: act as portal users
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * /_sandbox/message, /_sandbox/join and /_sandbox/messages: what tests and
 * the app use to make a portal user write to a bot, add a bot to a chat, or
 * read a dialog.  Each may deliver events to the bots' handlers.
 */
#define G_LOG_DOMAIN "botbench-sandbox"

#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "botbench-sandbox-private.h"
#include "botbench-sandbox-php-private.h"

/* [USER=id]…[/USER] mentions and a comma right after them are removed from
 * the text the bots get; ids are collected in order (§3.1). */
static char *
strip_mentions (const char *text,
                GArray     *mentions)
{
  g_autoptr(GRegex) regex = g_regex_new ("\\[USER=([0-9]+)(?: REPLACE)?\\](.*?)\\[/USER\\],?",
                                         G_REGEX_CASELESS | G_REGEX_DOTALL, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  char *stripped;

  g_regex_match (regex, text, 0, &match);
  while (g_match_info_matches (match))
    {
      g_autofree char *id = g_match_info_fetch (match, 1);
      gint64 value = g_ascii_strtoll (id, NULL, 10);
      gboolean seen = FALSE;

      for (guint i = 0; i < mentions->len; i++)
        seen |= g_array_index (mentions, gint64, i) == value;
      if (!seen)
        g_array_append_val (mentions, value);
      g_match_info_next (match, NULL);
    }

  stripped = g_regex_replace_literal (regex, text, -1, 0, "", 0, NULL);
  return g_strstrip (stripped);
}

static JsonNode *
control_message (BotbenchSandbox *self,
                 JsonObject      *params,
                 ApiError        *error)
{
  g_autofree char *text = _botbench_php_param_trimmed (params, "MESSAGE");
  g_autofree char *dialog = _botbench_php_param_trimmed (params, "DIALOG_ID");
  g_autofree char *stripped = NULL;
  g_autofree char *user_dialog = NULL;
  g_autoptr(GArray) mentions = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_auto(Command) command = { 0 };
  JsonObject *result;
  UserMessage m = { 0 };
  guint n_events = 0;
  gint64 from = _botbench_php_intval (_botbench_php_param (params, "FROM_USER_ID"));

  if (from <= 0)
    from = self->run.webhook_user;
  if (_botbench_sandbox_is_bot (self, from))
    return _botbench_sandbox_api_fail (error, SOUP_STATUS_BAD_REQUEST, "FROM_USER_ID_ERROR",
                                       "FROM_USER_ID must be a portal user, not a bot");
  if (*text == '\0')
    return _botbench_sandbox_api_fail (error, SOUP_STATUS_BAD_REQUEST, "MESSAGE_EMPTY", "Message can't be empty");

  m.from_user = from;
  m.mentions = mentions;
  m.chat_id = _botbench_sandbox_dialog_chat_id (dialog);
  m.group = m.chat_id > 0;

  if (m.group)
    {
      if (!_botbench_sandbox_ensure_group_chat (self, m.chat_id, from, error))
        return NULL;
      stripped = strip_mentions (text, mentions);
      m.text = stripped;
      m.original = text;
      m.to_user = mentions->len > 0 ? g_array_index (mentions, gint64, 0) : 0;
      user_dialog = g_strdup (dialog);
    }
  else
    {
      m.bot_id = _botbench_php_intval (_botbench_php_param (params, "BOT_ID"));
      if (m.bot_id <= 0)
        m.bot_id = g_ascii_strtoll (dialog, NULL, 10);
      if (!_botbench_sandbox_lookup_bot (self, m.bot_id, NULL, NULL))
        return _botbench_sandbox_api_fail (error, SOUP_STATUS_BAD_REQUEST, "BOT_ID_ERROR", "Bot not found");
      m.chat_id = _botbench_sandbox_private_chat (self, from, m.bot_id);
      m.text = text;
      user_dialog = g_strdup_printf ("%" G_GINT64_FORMAT, m.bot_id);
    }

  m.message_id = _botbench_sandbox_add_message (self, m.chat_id, from, text, FALSE);

  /* A registered /command goes to ONIMCOMMANDADD instead. */
  if (text[0] == '/')
    {
      g_autofree char *word = g_strndup (text + 1, strcspn (text + 1, " \t\n"));
      const char *rest = text + 1 + strlen (word);
      g_autofree char *command_params = g_strstrip (g_strdup (rest));
      sqlite3_stmt *stmt;

      if (m.group)
        stmt = botbench_sandbox_state_query (self->state,
                                             COMMAND_COLUMNS "WHERE lower(command) = lower(?) AND (common = 'Y'"
                                             " OR bot_id IN (SELECT user_id FROM chat_members WHERE chat_id = ?))"
                                             " ORDER BY id LIMIT 1", "si", word, m.chat_id);
      else
        stmt = botbench_sandbox_state_query (self->state,
                                             COMMAND_COLUMNS "WHERE lower(command) = lower(?) AND bot_id = ?"
                                             " ORDER BY id LIMIT 1", "si", word, m.bot_id);

      if (_botbench_sandbox_command_from_stmt (stmt, &command))
        {
          m.original = text;
          n_events += _botbench_sandbox_deliver_command_add (self, &command, command_params, &m);
        }
    }

  if (command.id == 0)
    {
      g_autoptr(GPtrArray) owners = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GHashTable) by_owner = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                              (GDestroyNotify)g_array_unref);
      sqlite3_stmt *stmt;

      /* Private: the bot addressed.  Group: mentioned member bots and every
       * member bot of type S (§3.1). */
      if (m.group)
        stmt = botbench_sandbox_state_query (self->state,
                                             "SELECT b.id, b.owner, b.type FROM bots b JOIN chat_members cm"
                                             " ON cm.user_id = b.id WHERE cm.chat_id = ? ORDER BY b.id",
                                             "i", m.chat_id);
      else
        stmt = botbench_sandbox_state_query (self->state, "SELECT id, owner, type FROM bots WHERE id = ?",
                                             "i", m.bot_id);

      while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
        {
          gint64 bot_id = sqlite3_column_int64 (stmt, 0);
          const char *owner_id = (const char *)sqlite3_column_text (stmt, 1);
          gboolean wanted = !m.group || g_str_equal ((const char *)sqlite3_column_text (stmt, 2), "S");
          GArray *ids;

          for (guint i = 0; m.group && i < mentions->len; i++)
            wanted |= g_array_index (mentions, gint64, i) == bot_id;
          if (!wanted)
            continue;

          ids = g_hash_table_lookup (by_owner, owner_id);
          if (ids == NULL)
            {
              char *key = g_strdup (owner_id);

              ids = g_array_new (FALSE, FALSE, sizeof (gint64));
              g_ptr_array_add (owners, key);
              g_hash_table_insert (by_owner, key, ids);
            }
          g_array_append_val (ids, bot_id);
        }
      sqlite3_finalize (stmt);

      for (guint i = 0; i < owners->len; i++)
        n_events += _botbench_sandbox_deliver_message_add (self, owners->pdata[i],
                                                           g_hash_table_lookup (by_owner, owners->pdata[i]), &m);
    }

  result = json_object_new ();
  json_object_set_int_member (result, "MESSAGE_ID", m.message_id);
  json_object_set_int_member (result, "CHAT_ID", m.chat_id);
  json_object_set_string_member (result, "DIALOG_ID", user_dialog);
  if (command.id != 0)
    json_object_set_int_member (result, "COMMAND_ID", command.id);
  json_object_set_int_member (result, "EVENTS", n_events);

  return _botbench_php_object_node (result);
}

static JsonNode *
control_join (BotbenchSandbox *self,
              JsonObject      *params,
              ApiError        *error)
{
  g_autofree char *dialog = _botbench_php_param_trimmed (params, "DIALOG_ID");
  gint64 bot_id = _botbench_php_intval (_botbench_php_param (params, "BOT_ID"));
  gint64 user_id = _botbench_php_intval (_botbench_php_param (params, "USER_ID"));
  gint64 chat_id = _botbench_sandbox_dialog_chat_id (dialog);
  JsonObject *result;
  gboolean sent;

  if (user_id <= 0)
    user_id = self->run.webhook_user;
  if (!_botbench_sandbox_lookup_bot (self, bot_id, NULL, NULL))
    return _botbench_sandbox_api_fail (error, SOUP_STATUS_BAD_REQUEST, "BOT_ID_ERROR", "Bot not found");

  if (chat_id > 0)
    {
      if (!_botbench_sandbox_ensure_group_chat (self, chat_id, user_id, error))
        return NULL;
      botbench_sandbox_state_exec (self->state, "INSERT OR IGNORE INTO chat_members VALUES (?, ?)",
                                   "ii", chat_id, bot_id);
    }
  else
    _botbench_sandbox_private_chat (self, user_id, bot_id);

  sent = _botbench_sandbox_deliver_join (self, bot_id, user_id, chat_id);

  result = json_object_new ();
  json_object_set_int_member (result, "BOT_ID", bot_id);
  json_object_set_int_member (result, "CHAT_ID",
                              chat_id > 0 ? chat_id : _botbench_sandbox_private_chat (self, user_id, bot_id));
  json_object_set_int_member (result, "EVENTS", sent ? 1 : 0);

  return _botbench_php_object_node (result);
}

static JsonNode *
control_messages (BotbenchSandbox *self,
                  JsonObject      *params,
                  ApiError        *error)
{
  g_autofree char *dialog = _botbench_php_param_trimmed (params, "DIALOG_ID");
  gint64 user_id = _botbench_php_intval (_botbench_php_param (params, "USER_ID"));
  gint64 chat_id = _botbench_sandbox_dialog_chat_id (dialog);
  JsonArray *list = json_array_new ();
  JsonObject *result;
  sqlite3_stmt *stmt;

  if (user_id <= 0)
    user_id = self->run.webhook_user;

  if (chat_id == 0)
    {
      gint64 other = g_ascii_strtoll (dialog, NULL, 10);

      if (other <= 0)
        {
          json_array_unref (list);
          return _botbench_sandbox_api_fail (error, SOUP_STATUS_BAD_REQUEST, "DIALOG_ID_EMPTY",
                                             "Dialog ID can't be empty");
        }
      chat_id = botbench_sandbox_state_query_int (self->state, 0,
                                                  "SELECT id FROM chats WHERE type = 'P' AND user_a = ? AND user_b = ?",
                                                  "ii", MIN (user_id, other), MAX (user_id, other));
    }

  stmt = botbench_sandbox_state_query (self->state,
                                       "SELECT id, author_id, text, system, created FROM messages"
                                       " WHERE chat_id = ? ORDER BY id", "i", chat_id);
  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      JsonObject *message = json_object_new ();
      g_autoptr(GDateTime) date = g_date_time_new_from_unix_local (sqlite3_column_int64 (stmt, 4));
      g_autofree char *iso = g_date_time_format (date, "%FT%T%:z");

      json_object_set_int_member (message, "ID", sqlite3_column_int64 (stmt, 0));
      json_object_set_int_member (message, "AUTHOR_ID", sqlite3_column_int64 (stmt, 1));
      json_object_set_string_member (message, "MESSAGE", (const char *)sqlite3_column_text (stmt, 2));
      json_object_set_string_member (message, "SYSTEM", (const char *)sqlite3_column_text (stmt, 3));
      json_object_set_string_member (message, "DATE", iso);
      json_array_add_object_element (list, message);
    }
  sqlite3_finalize (stmt);

  result = json_object_new ();
  json_object_set_string_member (result, "DIALOG_ID", dialog);
  json_object_set_int_member (result, "CHAT_ID", chat_id);
  json_object_set_array_member (result, "MESSAGES", list);

  return _botbench_php_object_node (result);
}

void
_botbench_sandbox_handle_control (BotbenchSandbox   *self,
                                  SoupServerMessage *msg,
                                  const char        *path)
{
  g_auto(ApiError) error = { 0 };
  g_autoptr(JsonObject) raw = _botbench_sandbox_request_params (msg);
  g_autoptr(JsonObject) params = _botbench_php_upper_case_keys (raw);
  const char *method = soup_server_message_get_method (msg);
  const char *name = path + strlen ("/_sandbox/");
  JsonNode *result = NULL;
  gint64 start_us = _botbench_sandbox_now_us (self);

  if (g_str_equal (name, "message") && method == SOUP_METHOD_POST)
    result = control_message (self, params, &error);
  else if (g_str_equal (name, "join") && method == SOUP_METHOD_POST)
    result = control_join (self, params, &error);
  else if (g_str_equal (name, "messages") && (method == SOUP_METHOD_GET || method == SOUP_METHOD_POST))
    result = control_messages (self, params, &error);
  else
    _botbench_sandbox_api_fail (&error, SOUP_STATUS_NOT_FOUND, "ERROR_METHOD_NOT_FOUND", "Method not found!");

  if (result != NULL)
    _botbench_sandbox_reply_result (self, msg, result, start_us);
  else
    _botbench_sandbox_reply_error (msg, &error);
}
