/* botbench-sandbox-edits.c: edited and deleted messages
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A portal user edits or deletes their message (/_sandbox/message/update,
 * /_sandbox/message/delete): the row changes and ONIMBOTMESSAGEUPDATE /
 * ONIMBOTMESSAGEDELETE go to the bots concerned (§3.3, §3.4.3, §3.4.4).
 * A bot edits or deletes its own message (imbot.message.update,
 * imbot.message.delete): the row changes, no event (bots never get bots'
 * messages).
 */
#define G_LOG_DOMAIN "botbench-sandbox"

#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "botbench-sandbox-private.h"
#include "botbench-sandbox-v2-private.h"
#include "botbench-sandbox-php-private.h"

typedef struct
{
  gint64   id;
  gint64   chat_id;
  gint64   author_id;
  gint64   created;
  gboolean group;
  gint64   chat_author;
  gint64   private_bot;     /* private dialogs: the bot (user_b) */
} MessageRow;

/* An id parameter: intval of a scalar; 0 for arrays and objects (PHP's
 * intval would make a non-empty array 1, a real message id). */
gint64
_botbench_sandbox_id_param (JsonObject *params,
                            const char *key)
{
  JsonNode *node = _botbench_php_param (params, key);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return 0;

  return _botbench_php_intval (node);
}

/* FALSE when there is no such message, or it was deleted. */
static gboolean
load_message (BotbenchSandbox *self,
              gint64           message_id,
              MessageRow      *row)
{
  sqlite3_stmt *stmt;
  gboolean found = FALSE;

  if (message_id <= 0)
    return FALSE;

  stmt = botbench_sandbox_state_query (self->state,
                                       "SELECT m.id, m.chat_id, m.author_id, m.created, c.type, c.author_id,"
                                       " IFNULL(c.user_b, 0) FROM messages m JOIN chats c ON c.id = m.chat_id"
                                       " WHERE m.id = ? AND m.deleted = 'N'", "i", message_id);
  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      row->id = sqlite3_column_int64 (stmt, 0);
      row->chat_id = sqlite3_column_int64 (stmt, 1);
      row->author_id = sqlite3_column_int64 (stmt, 2);
      row->created = sqlite3_column_int64 (stmt, 3);
      row->group = g_strcmp0 ((const char *)sqlite3_column_text (stmt, 4), "C") == 0;
      row->chat_author = sqlite3_column_int64 (stmt, 5);
      row->private_bot = row->group ? 0 : sqlite3_column_int64 (stmt, 6);
      found = TRUE;
    }
  sqlite3_finalize (stmt);

  return found;
}

/* [USER=id] mentions of text, in order. */
static GArray *
mentions_of (const char *text)
{
  g_autoptr(GRegex) regex = g_regex_new ("\\[USER=([0-9]+)(?: REPLACE)?\\]", G_REGEX_CASELESS, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  GArray *mentions = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_regex_match (regex, text, 0, &match);
  while (g_match_info_matches (match))
    {
      g_autofree char *id = g_match_info_fetch (match, 1);
      gint64 value = g_ascii_strtoll (id, NULL, 10);

      g_array_append_val (mentions, value);
      g_match_info_next (match, NULL);
    }

  return mentions;
}

static char *
strip_mentions (const char *text)
{
  g_autoptr(GRegex) regex = g_regex_new ("\\[USER=([0-9]+)(?: REPLACE)?\\](.*?)\\[/USER\\],?",
                                         G_REGEX_CASELESS | G_REGEX_DOTALL, 0, NULL);
  char *stripped = g_regex_replace_literal (regex, text, -1, 0, "", 0, NULL);

  return g_strstrip (stripped);
}

/* data[PARAMS] of §3.4.3 (update) and §3.4.4 (delete), in that order. */
static JsonObject *
edit_params (BotbenchSandbox  *self,
             const MessageRow *row,
             const char       *text,
             gint64            to_user,
             gboolean          deleted)
{
  JsonObject *params = json_object_new ();
  g_autofree char *dialog = row->group ? g_strdup_printf ("chat%" G_GINT64_FORMAT, row->chat_id)
                                       : g_strdup_printf ("%" G_GINT64_FORMAT, row->author_id);

  _botbench_php_set_int_string (params, "ID", row->id);
  _botbench_php_set_int_string (params, "CHAT_ID", row->chat_id);
  _botbench_php_set_int_string (params, "AUTHOR_ID", row->author_id);
  json_object_set_string_member (params, "MESSAGE", text);
  json_object_set_string_member (params, "MESSAGE_TYPE", row->group ? "C" : "P");
  _botbench_php_set_int_string (params, "CHAT_AUTHOR_ID", row->chat_author);
  json_object_set_string_member (params, "CHAT_ENTITY_ID", "");
  json_object_set_string_member (params, "CHAT_ENTITY_DATA_1", "");
  json_object_set_string_member (params, "CHAT_ENTITY_DATA_2", "");
  json_object_set_string_member (params, "CHAT_ENTITY_DATA_3", "");
  _botbench_php_set_int_string (params, "FROM_USER_ID", row->author_id);
  _botbench_php_set_int_string (params, "TO_USER_ID", to_user);
  if (!deleted)
    {
      _botbench_php_set_int_string (params, "CHAT_USER_COUNT",
                                    botbench_sandbox_state_query_int (self->state, 0,
                                                                      "SELECT COUNT(*) FROM chat_members WHERE chat_id = ?",
                                                                      "i", row->chat_id));
      json_object_set_string_member (params, "PLATFORM_CONTEXT", "web");
    }
  json_object_set_string_member (params, "DIALOG_ID", dialog);
  _botbench_php_set_int_string (params, "MESSAGE_ID", row->id);
  json_object_set_string_member (params, "CHAT_TYPE", row->group ? "C" : "P");
  json_object_set_string_member (params, "LANGUAGE", "en");

  return params;
}

static guint
deliver_edit (BotbenchSandbox  *self,
              const MessageRow *row,
              const char       *event,
              const char       *text,
              GArray           *mentions)
{
  g_autoptr(GPtrArray) owners = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) by_owner = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                          (GDestroyNotify)g_array_unref);
  gint64 to_user = row->group ? (mentions->len > 0 ? g_array_index (mentions, gint64, 0) : 0) : row->private_bot;
  sqlite3_stmt *stmt;
  guint n_events = 0;

  /* The bots that got the message: private, the bot; group, the mentioned
   * member bots and every member bot of type S (§3.1). */
  if (row->group)
    stmt = botbench_sandbox_state_query (self->state,
                                         "SELECT b.id, b.owner, b.type, b.openline FROM bots b JOIN chat_members cm"
                                         " ON cm.user_id = b.id WHERE cm.chat_id = ? ORDER BY b.id",
                                         "i", row->chat_id);
  else
    stmt = botbench_sandbox_state_query (self->state, "SELECT id, owner, type, openline FROM bots WHERE id = ?",
                                         "i", row->private_bot);

  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 bot_id = sqlite3_column_int64 (stmt, 0);
      const char *owner_id = (const char *)sqlite3_column_text (stmt, 1);
      const char *type = (const char *)sqlite3_column_text (stmt, 2);
      gboolean openline = g_strcmp0 ((const char *)sqlite3_column_text (stmt, 3), "Y") == 0;
      gboolean concerned = !row->group || g_strcmp0 (type, "S") == 0;
      GArray *ids;

      for (guint i = 0; row->group && i < mentions->len; i++)
        concerned |= g_array_index (mentions, gint64, i) == bot_id;
      if (!concerned)
        continue;

      /* imbot.v2 bots get ONIMBOTV2MESSAGEUPDATE/DELETE whatever their type. */
      if (_botbench_sandbox_v2_is_v2_bot (self, bot_id))
        {
          if (g_str_equal (event, "ONIMBOTMESSAGEDELETE"))
            n_events += _botbench_sandbox_v2_deliver_delete (self, bot_id, row->id, row->chat_id, row->author_id);
          else
            n_events += _botbench_sandbox_v2_deliver_message (self, bot_id, "ONIMBOTV2MESSAGEUPDATE", row->id,
                                                              row->chat_id, row->author_id, NULL);
          continue;
        }

      /* §3.3: only S, O and OPENLINE=Y bots get edits and deletions. */
      if (g_strcmp0 (type, "S") != 0 && g_strcmp0 (type, "O") != 0 && !openline)
        {
          _botbench_sandbox_record_skipped_bot (self, row->id, row->chat_id, bot_id, event, "NOT_FOR_TYPE");
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
      g_array_append_val (ids, bot_id);
    }
  sqlite3_finalize (stmt);

  for (guint o = 0; o < owners->len; o++)
    {
      GArray *ids = g_hash_table_lookup (by_owner, owners->pdata[o]);
      g_auto(Owner) owner = { 0 };
      g_autofree char *url = NULL;
      RecordTarget record = { row->id, row->chat_id, ids };
      JsonObject *data, *bots;
      gint64 handler_id;

      if (!_botbench_sandbox_lookup_handler (self, owners->pdata[o], event, &handler_id, &url))
        {
          for (guint i = 0; i < ids->len; i++)
            _botbench_sandbox_record_skipped_bot (self, row->id, row->chat_id, g_array_index (ids, gint64, i),
                                                  event, "NO_HANDLER");
          continue;
        }

      _botbench_sandbox_owner_init_from_id (self, owners->pdata[o], &owner);
      data = json_object_new ();
      bots = json_object_new ();
      for (guint i = 0; i < ids->len; i++)
        {
          gint64 bot_id = g_array_index (ids, gint64, i);
          g_autofree char *code = NULL;
          g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT, bot_id);

          _botbench_sandbox_lookup_bot (self, bot_id, NULL, &code);
          json_object_set_object_member (bots, key, _botbench_sandbox_bot_entry (self, &owner, bot_id, code ? code : ""));
        }
      json_object_set_object_member (data, "BOT", bots);
      json_object_set_object_member (data, "PARAMS",
                                     edit_params (self, row, text, to_user,
                                                  g_str_equal (event, "ONIMBOTMESSAGEDELETE")));
      /* The reference's group examples carry no data[USER]. */
      if (!row->group)
        json_object_set_object_member (data, "USER",
                                       _botbench_sandbox_user_object (self, row->author_id, TRUE, TRUE));

      n_events += _botbench_sandbox_send_event (self, event, handler_id, url, data,
                                                _botbench_sandbox_event_auth (self, &owner, row->author_id, TRUE),
                                                &record);
    }

  return n_events;
}

JsonNode *
_botbench_sandbox_user_edits (BotbenchSandbox *self,
                              JsonObject      *params,
                              gboolean         delete,
                              ApiError        *error)
{
  g_autofree char *text = _botbench_php_param_trimmed (params, "MESSAGE");
  g_autofree char *original = NULL;
  g_autofree char *event_text = NULL;
  g_autoptr(GArray) mentions = NULL;
  gint64 from = _botbench_php_intval (_botbench_php_param (params, "FROM_USER_ID"));
  MessageRow row = { 0 };
  JsonObject *result;
  guint n_events;

  if (from <= 0)
    from = self->run.webhook_user;
  if (!load_message (self, _botbench_sandbox_id_param (params, "MESSAGE_ID"), &row))
    return _botbench_sandbox_api_fail (error, SOUP_STATUS_BAD_REQUEST, "MESSAGE_ID_ERROR", "Message not found");
  if (row.author_id != from)
    return _botbench_sandbox_api_fail (error, SOUP_STATUS_FORBIDDEN, "ACCESS_DENIED",
                                       delete ? "Only the author can delete a message"
                                              : "Only the author can edit a message");

  original = botbench_sandbox_state_query_text (self->state, "SELECT text FROM messages WHERE id = ?", "i", row.id);
  if (delete)
    {
      g_autoptr(GDateTime) date = g_date_time_new_from_unix_local (row.created);
      g_autofree char *when = g_date_time_format (date, "%m/%d/%Y %H:%M:%S");

      event_text = g_strdup_printf ("Message from %s has been deleted", when);
      mentions = mentions_of (original ? original : "");
      botbench_sandbox_state_exec (self->state, "UPDATE messages SET text = '', deleted = 'Y', rev = ? WHERE id = ?",
                                   "ii", _botbench_sandbox_bump_rev (self), row.id);
    }
  else
    {
      if (*text == '\0')
        return _botbench_sandbox_api_fail (error, SOUP_STATUS_BAD_REQUEST, "MESSAGE_EMPTY", "Message can't be empty");
      if (strlen (text) > BOTBENCH_SANDBOX_MAX_MESSAGE)
        return _botbench_sandbox_api_fail (error, SOUP_STATUS_BAD_REQUEST, "MESSAGE_TOO_LONG", "Message is too long");
      event_text = row.group ? strip_mentions (text) : g_strdup (text);
      mentions = mentions_of (text);
      botbench_sandbox_state_exec (self->state, "UPDATE messages SET text = ?, edited = 'Y', rev = ? WHERE id = ?",
                                   "sii", text, _botbench_sandbox_bump_rev (self), row.id);
    }

  n_events = deliver_edit (self, &row, delete ? "ONIMBOTMESSAGEDELETE" : "ONIMBOTMESSAGEUPDATE",
                           event_text, mentions);

  result = json_object_new ();
  json_object_set_int_member (result, "MESSAGE_ID", row.id);
  json_object_set_int_member (result, "EVENTS", n_events);

  return _botbench_php_object_node (result);
}

/* ------------------------------------------------------------------------ */
/* imbot.message.update / imbot.message.delete                               */

/* The bot's own, not deleted, message: MESSAGE_ID_ERROR / ACCESS_DENIED. */
static gboolean
check_bot_message (BotbenchSandbox *self,
                   const Auth      *auth,
                   JsonObject      *params,
                   gint64          *message_id,
                   ApiError        *error)
{
  g_auto(Owner) owner = { 0 };
  MessageRow row = { 0 };
  gint64 bot_id;

  if (!_botbench_sandbox_resolve_owner (self, auth, params, &owner, error))
    return FALSE;

  if (_botbench_php_empty (_botbench_php_param (params, "BOT_ID")))
    {
      bot_id = botbench_sandbox_state_query_int (self->state, 0,
                                                 "SELECT id FROM bots WHERE owner = ? ORDER BY id LIMIT 1",
                                                 "s", owner.id);
      if (bot_id == 0)
        return _botbench_sandbox_api_refuse (error, SOUP_STATUS_BAD_REQUEST, "BOT_ID_ERROR", "Bot not found");
    }
  else
    {
      bot_id = _botbench_php_intval (_botbench_php_param (params, "BOT_ID"));
      if (!_botbench_sandbox_check_bot_owner (self, bot_id, &owner, NULL, error))
        return FALSE;
    }

  if (!load_message (self, _botbench_sandbox_id_param (params, "MESSAGE_ID"), &row))
    return _botbench_sandbox_api_refuse (error, SOUP_STATUS_BAD_REQUEST, "MESSAGE_ID_ERROR", "Message not found");
  if (row.author_id != bot_id)
    return _botbench_sandbox_api_refuse (error, SOUP_STATUS_FORBIDDEN, "ACCESS_DENIED",
                                         "A bot can change only its own messages");

  *message_id = row.id;
  return TRUE;
}

static gboolean
removes (JsonNode *node)
{
  return node != NULL && json_node_get_value_type (node) == G_TYPE_STRING &&
         g_ascii_strcasecmp (json_node_get_string (node), "N") == 0;
}

JsonNode *
_botbench_sandbox_imbot_message_update (BotbenchSandbox *self,
                                        const Auth      *auth,
                                        JsonObject      *params,
                                        ApiError        *error)
{
  static const struct { const char *key; const char *column; } rich[] = {
    { "ATTACH", "attach" }, { "KEYBOARD", "keyboard" }, { "MENU", "menu" },
  };
  gint64 message_id;

  g_autoptr(JsonObject) checked = json_object_new ();

  if (!check_bot_message (self, auth, params, &message_id, error))
    return NULL;

  /* All checked before anything changes; "N" removes one. */
  for (guint i = 0; i < G_N_ELEMENTS (rich); i++)
    if (!removes (_botbench_php_param (params, rich[i].key)) &&
        _botbench_php_isset (_botbench_php_param (params, rich[i].key)))
      json_object_set_member (checked, rich[i].key, json_node_copy (_botbench_php_param (params, rich[i].key)));
  if (!_botbench_sandbox_check_rich_params (checked, error))
    return NULL;

  if (_botbench_php_isset (_botbench_php_param (params, "MESSAGE")))
    {
      g_autofree char *text = _botbench_php_param_trimmed (params, "MESSAGE");

      botbench_sandbox_state_exec (self->state, "UPDATE messages SET text = ? WHERE id = ?", "si", text, message_id);
    }

  for (guint i = 0; i < G_N_ELEMENTS (rich); i++)
    {
      JsonNode *node = _botbench_php_param (params, rich[i].key);
      g_autofree char *sql = g_strdup_printf ("UPDATE messages SET %s = ? WHERE id = ?", rich[i].column);
      g_autofree char *value = NULL;

      if (!_botbench_php_isset (node))
        continue;
      if (!removes (node))
        value = _botbench_sandbox_rich_json (params, rich[i].key);
      botbench_sandbox_state_exec (self->state, sql, "si", value, message_id);
    }

  botbench_sandbox_state_exec (self->state, "UPDATE messages SET edited = 'Y' WHERE id = ?", "i", message_id);
  _botbench_sandbox_store_bot_call (self, message_id, auth, "imbot.message.update", params, FALSE);

  return _botbench_php_bool_node (TRUE);
}

JsonNode *
_botbench_sandbox_imbot_message_delete (BotbenchSandbox *self,
                                        const Auth      *auth,
                                        JsonObject      *params,
                                        ApiError        *error)
{
  gint64 message_id;

  if (!check_bot_message (self, auth, params, &message_id, error))
    return NULL;

  botbench_sandbox_state_exec (self->state,
                               "UPDATE messages SET text = '', deleted = 'Y', attach = NULL, keyboard = NULL,"
                               " menu = NULL, rev = ? WHERE id = ?",
                               "ii", _botbench_sandbox_bump_rev (self), message_id);

  return _botbench_php_bool_node (TRUE);
}
