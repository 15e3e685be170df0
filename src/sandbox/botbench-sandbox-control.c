/* botbench-sandbox-control.c: the control API: act as portal users
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * /_sandbox/message, /_sandbox/join and /_sandbox/messages: what tests and
 * the app use to make a portal user write to a bot, add a bot to a chat, or
 * read a dialog.  Each may deliver events to the bots' handlers.  The
 * routing of every /_sandbox/ path is here; the newer paths live in
 * botbench-sandbox-chat.c and botbench-sandbox-updates.c.
 */
#define G_LOG_DOMAIN "botbench-sandbox"

#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "botbench-sandbox-private.h"
#include "botbench-sandbox-v2-private.h"
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

/* A portal user writes text into dialog ("<bot id>" or "chatN"; bot_id
 * wins for a private dialog when > 0): stored, then delivered. */
JsonNode *
_botbench_sandbox_user_writes (BotbenchSandbox *self,
                               gint64           from,
                               const char      *dialog,
                               gint64           bot_id,
                               const char      *text,
                               ApiError        *error)
{
  g_autofree char *stripped = NULL;
  g_autofree char *user_dialog = NULL;
  g_autoptr(GArray) mentions = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_auto(Command) command = { 0 };
  JsonObject *result;
  UserMessage m = { 0 };
  guint n_events = 0;

  if (from <= 0)
    from = self->run.webhook_user;
  if (_botbench_sandbox_is_bot (self, from))
    return _botbench_sandbox_api_fail (error, SOUP_STATUS_BAD_REQUEST, "FROM_USER_ID_ERROR",
                                       "FROM_USER_ID must be a portal user, not a bot");
  if (*text == '\0')
    return _botbench_sandbox_api_fail (error, SOUP_STATUS_BAD_REQUEST, "MESSAGE_EMPTY", "Message can't be empty");
  if (strlen (text) > BOTBENCH_SANDBOX_MAX_MESSAGE)
    return _botbench_sandbox_api_fail (error, SOUP_STATUS_BAD_REQUEST, "MESSAGE_TOO_LONG", "Message is too long");

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
      m.bot_id = bot_id;
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
          n_events += _botbench_sandbox_deliver_command_add (self, &command, command_params, "TEXTAREA", &m);
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
          gint64 member = sqlite3_column_int64 (stmt, 0);
          const char *owner_id = (const char *)sqlite3_column_text (stmt, 1);
          gboolean wanted = !m.group || g_str_equal ((const char *)sqlite3_column_text (stmt, 2), "S");
          GArray *ids;

          for (guint i = 0; m.group && i < mentions->len; i++)
            wanted |= g_array_index (mentions, gint64, i) == member;
          if (!wanted)
            {
              _botbench_sandbox_record_skipped_bot (self, m.message_id, m.chat_id, member,
                                                    "ONIMBOTMESSAGEADD", "NOT_MENTIONED");
              continue;
            }

          ids = g_hash_table_lookup (by_owner, owner_id);
          if (ids == NULL)
            {
              char *key = g_strdup (owner_id);

              ids = g_array_new (FALSE, FALSE, sizeof (gint64));
              g_ptr_array_add (owners, key);
              g_hash_table_insert (by_owner, key, ids);
            }
          g_array_append_val (ids, member);
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
control_message (BotbenchSandbox *self,
                 JsonObject      *params,
                 ApiError        *error)
{
  g_autofree char *text = _botbench_php_param_trimmed (params, "MESSAGE");
  g_autofree char *dialog = _botbench_php_param_trimmed (params, "DIALOG_ID");

  return _botbench_sandbox_user_writes (self, _botbench_php_intval (_botbench_php_param (params, "FROM_USER_ID")),
                                        dialog, _botbench_php_intval (_botbench_php_param (params, "BOT_ID")),
                                        text, error);
}

/* The chat shows who opened a dialog or added a bot (a system message, as
 * the portal writes when a chat's members change); the join's delivery
 * records point at it, so clients show its outcome there. */
static gint64
join_message (BotbenchSandbox *self,
              gint64           bot_id,
              gint64           user_id,
              gint64           chat_id)
{
  g_autofree char *user = botbench_sandbox_state_query_text (self->state,
                                                             "SELECT trim (first_name || ' ' || last_name)"
                                                             " FROM users WHERE id = ?", "i", user_id);
  g_autofree char *bot = botbench_sandbox_state_query_text (self->state,
                                                            "SELECT trim (coalesce (name, '') || ' ' ||"
                                                            " coalesce (last_name, '')) FROM bots WHERE id = ?",
                                                            "i", bot_id);
  g_autofree char *text = NULL;

  if (user == NULL || *user == '\0')
    g_free (user), user = g_strdup_printf ("User %" G_GINT64_FORMAT, user_id);
  if (bot == NULL || *bot == '\0')
    g_free (bot), bot = g_strdup_printf ("Bot %" G_GINT64_FORMAT, bot_id);

  /* Portal texts, in the portal's language (en), like the events' LANGUAGE. */
  if (chat_id > 0)
    text = g_strdup_printf ("%s added %s to the chat", user, bot);
  else
    text = g_strdup_printf ("%s opened the dialog with %s", user, bot);

  return _botbench_sandbox_add_message (self, chat_id > 0 ? chat_id : _botbench_sandbox_private_chat (self, user_id, bot_id),
                                        user_id, text, TRUE);
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
  gint64 message_id;
  gboolean sent;

  if (user_id <= 0)
    user_id = self->run.webhook_user;
  if (!_botbench_sandbox_lookup_bot (self, bot_id, NULL, NULL))
    return _botbench_sandbox_api_fail (error, SOUP_STATUS_BAD_REQUEST, "BOT_ID_ERROR", "Bot not found");

  if (chat_id > 0)
    {
      if (!_botbench_sandbox_ensure_group_chat (self, chat_id, user_id, error))
        return NULL;
      _botbench_sandbox_add_member (self, chat_id, bot_id);
    }
  else
    _botbench_sandbox_private_chat (self, user_id, bot_id);

  message_id = join_message (self, bot_id, user_id, chat_id);
  sent = _botbench_sandbox_deliver_join (self, bot_id, user_id, chat_id, message_id);

  result = json_object_new ();
  json_object_set_int_member (result, "BOT_ID", bot_id);
  json_object_set_int_member (result, "CHAT_ID",
                              chat_id > 0 ? chat_id : _botbench_sandbox_private_chat (self, user_id, bot_id));
  json_object_set_int_member (result, "MESSAGE_ID", message_id);
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
  JsonArray *list;
  JsonObject *result;

  if (user_id <= 0)
    user_id = self->run.webhook_user;

  if (chat_id == 0)
    {
      gint64 other = g_ascii_strtoll (dialog, NULL, 10);

      if (other <= 0)
        return _botbench_sandbox_api_fail (error, SOUP_STATUS_BAD_REQUEST, "DIALOG_ID_EMPTY",
                                           "Dialog ID can't be empty");
      chat_id = botbench_sandbox_state_query_int (self->state, 0,
                                                  "SELECT id FROM chats WHERE type = 'P' AND user_a = ? AND user_b = ?",
                                                  "ii", MIN (user_id, other), MAX (user_id, other));
    }

  /* Without AFTER_REV: all, also rows older than REV (a schema 1 state). */
  list = _botbench_sandbox_messages_in_chat (self, chat_id,
                                             _botbench_php_isset (_botbench_php_param (params, "AFTER_REV"))
                                             ? MAX (_botbench_php_intval (_botbench_php_param (params, "AFTER_REV")), 0)
                                             : -1);

  result = json_object_new ();
  json_object_set_string_member (result, "DIALOG_ID", dialog);
  json_object_set_int_member (result, "CHAT_ID", chat_id);
  json_object_set_array_member (result, "MESSAGES", list);
  json_object_set_int_member (result, "REV", _botbench_sandbox_get_rev (self));

  return _botbench_php_object_node (result);
}

/* POST /_sandbox/clock: ADVANCE seconds (0 or more) moves the portal's
 * time forward for everything that reads it (token expiry, event dates,
 * the 24 h retention of imbot.v2 events); NOW is the portal's time. */
static JsonNode *
control_clock (BotbenchSandbox *self,
               JsonObject      *params,
               ApiError        *error)
{
  gint64 advance = _botbench_php_intval (_botbench_php_param (params, "ADVANCE"));
  JsonObject *result;

  if (advance < 0 || advance > (gint64)100 * 365 * 24 * 3600)
    return _botbench_sandbox_api_fail (error, SOUP_STATUS_BAD_REQUEST, "ADVANCE_ERROR",
                                       "ADVANCE must be 0 or more seconds (at most 100 years)");

  self->clock_offset_us += advance * G_USEC_PER_SEC;
  result = json_object_new ();
  json_object_set_int_member (result, "NOW", _botbench_sandbox_now (self));
  json_object_set_int_member (result, "OFFSET", self->clock_offset_us / G_USEC_PER_SEC);

  return _botbench_php_object_node (result);
}

/* The answers of paths that act: the delivery records made, and REV. */
static void
add_deliveries (BotbenchSandbox *self,
                JsonNode        *result)
{
  JsonObject *object = json_node_get_object (result);

  json_object_set_array_member (object, "DELIVERIES", _botbench_sandbox_delivery_list (self, self->recorded));
  json_object_set_int_member (object, "REV", _botbench_sandbox_get_rev (self));
}

void
_botbench_sandbox_handle_control (BotbenchSandbox   *self,
                                  SoupServerMessage *msg,
                                  const char        *path)
{
  g_auto(ApiError) error = { 0 };
  g_autoptr(JsonObject) raw = _botbench_sandbox_request_params (msg);
  g_autoptr(JsonObject) params = _botbench_php_upper_case_keys (raw);
  g_autoptr(GArray) recorded = g_array_new (FALSE, FALSE, sizeof (gint64));
  const char *method = soup_server_message_get_method (msg);
  const char *name = path + strlen ("/_sandbox/");
  gboolean get = method == SOUP_METHOD_GET || method == SOUP_METHOD_POST;
  gboolean post = method == SOUP_METHOD_POST;
  JsonNode *result = NULL;
  gboolean acts = FALSE;
  gint64 start_us = _botbench_sandbox_now_us (self);

  if (g_str_equal (name, "updates") && get)
    {
      _botbench_sandbox_handle_updates (self, msg, params, start_us);
      return;
    }
  if (g_str_equal (name, "install") && post)
    {
      _botbench_sandbox_handle_install (self, msg, params, start_us);
      return;
    }
  if (g_str_equal (name, "uninstall") && post)
    {
      _botbench_sandbox_handle_uninstall (self, msg, params, start_us);
      return;
    }

  self->recorded = recorded;
  if (g_str_equal (name, "message") && post)
    result = control_message (self, params, &error), acts = TRUE;
  else if (g_str_equal (name, "join") && post)
    result = control_join (self, params, &error), acts = TRUE;
  else if (g_str_equal (name, "messages") && get)
    result = control_messages (self, params, &error);
  else if (g_str_equal (name, "clock") && post)
    result = control_clock (self, params, &error);
  else if (g_str_equal (name, "v2/events") && get)
    result = _botbench_sandbox_v2_control_events (self, params, &error);
  else if (!_botbench_sandbox_handle_chat_path (self, name, get, post, params, &result, &acts, &error))
    _botbench_sandbox_api_fail (&error, SOUP_STATUS_NOT_FOUND, "ERROR_METHOD_NOT_FOUND", "Method not found!");

  if (result != NULL && acts && JSON_NODE_HOLDS_OBJECT (result))
    add_deliveries (self, result);
  self->recorded = NULL;

  if (result != NULL)
    _botbench_sandbox_reply_result (self, msg, result, start_us);
  else
    _botbench_sandbox_reply_error (msg, &error);
}
