/* botbench-sandbox-chat.c: the control API paths a chat client needs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * /_sandbox/info, users, chats, chat (create a group chat),
 * message/update, message/delete and button: what the app's chat page
 * does as a portal user.  Edits and deletions deliver their events through
 * botbench-sandbox-edits.c; a button runs a command or writes a message.
 */
#define G_LOG_DOMAIN "botbench-sandbox"

#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "botbench-sandbox-private.h"
#include "botbench-sandbox-php-private.h"

static JsonNode *
control_info (BotbenchSandbox *self)
{
  JsonObject *result = json_object_new ();

  json_object_set_string_member (result, "PRODUCT", "Botbench sandbox");
  json_object_set_string_member (result, "VERSION", PACKAGE_VERSION);
  json_object_set_string_member (result, "DOMAIN", self->domain);
  json_object_set_int_member (result, "WEBHOOK_USER", self->run.webhook_user);
  json_object_set_int_member (result, "REV", _botbench_sandbox_get_rev (self));
  json_object_set_string_member (result, "APPLICATION_TOKEN", self->app_token ? self->app_token : "");

  return _botbench_php_object_node (result);
}

static JsonObject *
user_object (BotbenchSandbox *self,
             gint64           user_id)
{
  g_autoptr(JsonObject) event_user = _botbench_sandbox_user_object (self, user_id, TRUE, FALSE);
  JsonObject *user = json_object_new ();

  json_object_set_int_member (user, "ID", user_id);
  json_object_set_string_member (user, "NAME", json_object_get_string_member (event_user, "NAME"));
  json_object_set_string_member (user, "FIRST_NAME", json_object_get_string_member (event_user, "FIRST_NAME"));
  json_object_set_string_member (user, "LAST_NAME", json_object_get_string_member (event_user, "LAST_NAME"));
  json_object_set_string_member (user, "WORK_POSITION", json_object_get_string_member (event_user, "WORK_POSITION"));
  json_object_set_string_member (user, "GENDER", json_object_get_string_member (event_user, "GENDER"));

  return user;
}

static JsonNode *
control_users (BotbenchSandbox *self)
{
  JsonObject *result = json_object_new ();
  JsonArray *users = json_array_new ();
  sqlite3_stmt *stmt = botbench_sandbox_state_query (self->state, "SELECT id FROM users ORDER BY id", NULL);

  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    json_array_add_object_element (users, user_object (self, sqlite3_column_int64 (stmt, 0)));
  sqlite3_finalize (stmt);
  json_object_set_array_member (result, "USERS", users);

  return _botbench_php_object_node (result);
}

/* ------------------------------------------------------------------------ */
/* Chats and bots                                                            */

static const char * const bot_events[] = {
  "ONIMBOTMESSAGEADD", "ONIMBOTMESSAGEUPDATE", "ONIMBOTMESSAGEDELETE",
  "ONIMBOTJOINCHAT", "ONIMBOTDELETE", "ONIMCOMMANDADD",
};

/* TITLE / PARAMS of a command's LANG: "en", else the first entry. */
static void
command_lang (const char  *lang,
              char       **title,
              char       **params)
{
  g_autoptr(JsonNode) node = lang ? _botbench_php_json_decode (lang, -1) : NULL;
  g_autoptr(JsonObject) entries = NULL;
  g_autoptr(GList) members = NULL;
  JsonNode *chosen = NULL;

  *title = NULL;
  *params = NULL;
  if (node == NULL || !_botbench_php_is_array (node))
    return;

  entries = _botbench_php_array_to_object (node);
  members = json_object_get_members (entries);
  for (const GList *l = members; l != NULL; l = l->next)
    {
      JsonNode *entry = json_object_get_member (entries, l->data);
      g_autofree char *language = _botbench_php_is_array (entry)
                                  ? _botbench_php_array_get_string (entry, "LANGUAGE_ID") : NULL;

      if (!_botbench_php_is_array (entry))
        continue;
      if (chosen == NULL || g_strcmp0 (language, "en") == 0)
        chosen = entry;
      if (g_strcmp0 (language, "en") == 0)
        break;
    }
  if (chosen != NULL)
    {
      *title = _botbench_php_array_get_string (chosen, "TITLE");
      *params = _botbench_php_array_get_string (chosen, "PARAMS");
    }
}

static JsonObject *
bot_object (BotbenchSandbox *self,
            sqlite3_stmt    *row)
{
  JsonObject *bot = json_object_new ();
  JsonObject *handlers = json_object_new ();
  JsonArray *commands = json_array_new ();
  gint64 bot_id = sqlite3_column_int64 (row, 0);
  const char *owner = (const char *)sqlite3_column_text (row, 1);
  static const char * const columns[] = { "CODE", "NAME", "LAST_NAME", "TYPE", "OPENLINE", "COLOR", "WORK_POSITION" };
  sqlite3_stmt *stmt;

  json_object_set_int_member (bot, "ID", bot_id);
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      const char *value = (const char *)sqlite3_column_text (row, 2 + i);

      json_object_set_string_member (bot, columns[i], value ? value : "");
    }

  for (guint i = 0; i < G_N_ELEMENTS (bot_events); i++)
    {
      g_autofree char *url = NULL;
      gint64 handler_id;

      _botbench_sandbox_lookup_handler (self, owner, bot_events[i], &handler_id, &url);
      json_object_set_string_member (handlers, bot_events[i], url ? url : "");
    }
  json_object_set_object_member (bot, "HANDLERS", handlers);
  /* imbot.v2 bots: API 2, their EVENT_MODE and WEBHOOK_URL instead of handlers. */
  {
    sqlite3_stmt *v2 = botbench_sandbox_state_query (self->state,
                                                     "SELECT api, event_mode, webhook_url FROM bots WHERE id = ?",
                                                     "i", bot_id);

    if (v2 != NULL && sqlite3_step (v2) == SQLITE_ROW && sqlite3_column_int64 (v2, 0) == 2)
      {
        json_object_set_int_member (bot, "API", 2);
        json_object_set_string_member (bot, "EVENT_MODE", (const char *)sqlite3_column_text (v2, 1));
        json_object_set_string_member (bot, "WEBHOOK_URL", (const char *)sqlite3_column_text (v2, 2));
      }
    else
      json_object_set_int_member (bot, "API", 1);
    sqlite3_finalize (v2);
  }

  stmt = botbench_sandbox_state_query (self->state,
                                       "SELECT id, command, common, hidden, lang FROM commands WHERE bot_id = ? ORDER BY id",
                                       "i", bot_id);
  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      JsonObject *command = json_object_new ();
      g_autofree char *title = NULL;
      g_autofree char *params = NULL;

      command_lang ((const char *)sqlite3_column_text (stmt, 4), &title, &params);
      json_object_set_int_member (command, "ID", sqlite3_column_int64 (stmt, 0));
      json_object_set_string_member (command, "COMMAND", (const char *)sqlite3_column_text (stmt, 1));
      json_object_set_string_member (command, "COMMON", (const char *)sqlite3_column_text (stmt, 2));
      json_object_set_string_member (command, "HIDDEN", (const char *)sqlite3_column_text (stmt, 3));
      json_object_set_string_member (command, "TITLE", title ? title : "");
      json_object_set_string_member (command, "PARAMS", params ? params : "");
      json_array_add_object_element (commands, command);
    }
  sqlite3_finalize (stmt);
  json_object_set_array_member (bot, "COMMANDS", commands);

  return bot;
}

static JsonObject *
chat_object (BotbenchSandbox *self,
             sqlite3_stmt    *row)
{
  JsonObject *chat = json_object_new ();
  JsonArray *members = json_array_new ();
  gint64 chat_id = sqlite3_column_int64 (row, 0);
  gboolean group = g_str_equal ((const char *)sqlite3_column_text (row, 1), "C");
  gint64 bot_id = group ? 0 : sqlite3_column_int64 (row, 3);
  g_autofree char *dialog = group ? g_strdup_printf ("chat%" G_GINT64_FORMAT, chat_id)
                                  : g_strdup_printf ("%" G_GINT64_FORMAT, bot_id);
  g_autofree char *title = NULL;
  sqlite3_stmt *stmt;

  if (group)
    title = g_strdup ((const char *)sqlite3_column_text (row, 2));
  else
    title = botbench_sandbox_state_query_text (self->state,
                                               "SELECT trim(IFNULL(name, '') || ' ' || IFNULL(last_name, ''))"
                                               " FROM bots WHERE id = ?", "i", bot_id);

  json_object_set_int_member (chat, "CHAT_ID", chat_id);
  json_object_set_string_member (chat, "DIALOG_ID", dialog);
  json_object_set_string_member (chat, "TYPE", group ? "C" : "P");
  json_object_set_string_member (chat, "TITLE", title ? title : "");
  json_object_set_int_member (chat, "BOT_ID", bot_id);

  stmt = botbench_sandbox_state_query (self->state,
                                       "SELECT user_id FROM chat_members WHERE chat_id = ? ORDER BY user_id",
                                       "i", chat_id);
  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    json_array_add_int_element (members, sqlite3_column_int64 (stmt, 0));
  sqlite3_finalize (stmt);
  json_object_set_array_member (chat, "MEMBERS", members);
  json_object_set_int_member (chat, "LAST_MESSAGE_ID", sqlite3_column_int64 (row, 4));
  json_object_set_int_member (chat, "REV", sqlite3_column_int64 (row, 5));

  return chat;
}

static JsonNode *
control_chats (BotbenchSandbox *self,
               JsonObject      *params)
{
  gint64 user_id = _botbench_php_intval (_botbench_php_param (params, "USER_ID"));
  JsonObject *result = json_object_new ();
  JsonArray *chats = json_array_new ();
  JsonArray *bots = json_array_new ();
  sqlite3_stmt *stmt;

  if (user_id <= 0)
    user_id = self->run.webhook_user;

  /* Group chats of the user, and the user's private dialogs with bots
   * (user_b is the larger id: the bot's), by last activity. */
  stmt = botbench_sandbox_state_query (self->state,
                                       "SELECT c.id, c.type, c.title, IFNULL(c.user_b, 0),"
                                       " IFNULL((SELECT MAX(id) FROM messages WHERE chat_id = c.id), 0) AS last,"
                                       " MAX(c.rev, IFNULL((SELECT MAX(rev) FROM messages WHERE chat_id = c.id), 0))"
                                       "   AS activity"
                                       " FROM chats c WHERE"
                                       " (c.type = 'C' AND c.id IN (SELECT chat_id FROM chat_members WHERE user_id = ?1))"
                                       " OR (c.type = 'P' AND c.user_a = ?1 AND c.user_b IN (SELECT id FROM bots))"
                                       " ORDER BY activity DESC, c.id DESC", "i", user_id);
  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    json_array_add_object_element (chats, chat_object (self, stmt));
  sqlite3_finalize (stmt);

  stmt = botbench_sandbox_state_query (self->state,
                                       "SELECT id, owner, code, name, last_name, type, openline, color, work_position"
                                       " FROM bots ORDER BY id", NULL);
  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    json_array_add_object_element (bots, bot_object (self, stmt));
  sqlite3_finalize (stmt);

  json_object_set_array_member (result, "CHATS", chats);
  json_object_set_array_member (result, "BOTS", bots);
  json_object_set_int_member (result, "REV", _botbench_sandbox_get_rev (self));

  return _botbench_php_object_node (result);
}

/* USERS: a list, or a comma-separated string. */
static gboolean
collect_users (BotbenchSandbox *self,
               JsonNode        *node,
               GArray          *users,
               ApiError        *error)
{
  g_auto(GStrv) parts = NULL;

  if (_botbench_php_empty (node))
    return TRUE;

  if (_botbench_php_is_array (node))
    {
      g_autoptr(JsonObject) object = _botbench_php_array_to_object (node);
      g_autoptr(GList) members = json_object_get_members (object);
      GPtrArray *values = g_ptr_array_new ();

      for (const GList *l = members; l != NULL; l = l->next)
        {
          char *value = _botbench_php_string (json_object_get_member (object, l->data));

          /* null or a nested list: not a user id */
          g_ptr_array_add (values, value ? value : g_strdup (""));
        }
      g_ptr_array_add (values, NULL);
      parts = (char **)g_ptr_array_free (values, FALSE);
    }
  else
    {
      g_autofree char *text = _botbench_php_string (node);

      parts = g_strsplit (text ? text : "", ",", -1);
    }

  for (guint i = 0; parts[i] != NULL; i++)
    {
      gint64 id = g_ascii_strtoll (g_strstrip (parts[i]), NULL, 10);

      if (id <= 0 || _botbench_sandbox_is_bot (self, id))
        return _botbench_sandbox_api_refuse (error, SOUP_STATUS_BAD_REQUEST, "USER_ID_ERROR",
                                             "USERS must list portal users, not bots");
      g_array_append_val (users, id);
    }

  return TRUE;
}

static JsonNode *
control_create_chat (BotbenchSandbox *self,
                     JsonObject      *params,
                     ApiError        *error)
{
  g_autofree char *title = _botbench_php_param_trimmed (params, "TITLE");
  g_autoptr(GArray) users = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 author = _botbench_php_intval (_botbench_php_param (params, "USER_ID"));
  g_autofree char *dialog = NULL;
  JsonObject *result;
  gint64 chat_id;

  if (author <= 0)
    author = self->run.webhook_user;
  if (_botbench_sandbox_is_bot (self, author))
    return _botbench_sandbox_api_fail (error, SOUP_STATUS_BAD_REQUEST, "USER_ID_ERROR",
                                       "USER_ID must be a portal user, not a bot");
  if (!collect_users (self, _botbench_php_param (params, "USERS"), users, error))
    return NULL;

  botbench_sandbox_state_exec (self->state, "INSERT INTO chats (type, title, author_id) VALUES ('C', ?, ?)",
                               "si", title, author);
  chat_id = botbench_sandbox_state_last_insert_id (self->state);
  if (*title == '\0')
    {
      g_autofree char *fallback = g_strdup_printf ("Chat %" G_GINT64_FORMAT, chat_id);

      botbench_sandbox_state_exec (self->state, "UPDATE chats SET title = ? WHERE id = ?", "si", fallback, chat_id);
    }
  _botbench_sandbox_add_member (self, chat_id, author);
  for (guint i = 0; i < users->len; i++)
    _botbench_sandbox_add_member (self, chat_id, g_array_index (users, gint64, i));
  _botbench_sandbox_chats_changed (self, chat_id);

  dialog = g_strdup_printf ("chat%" G_GINT64_FORMAT, chat_id);
  result = json_object_new ();
  json_object_set_int_member (result, "CHAT_ID", chat_id);
  json_object_set_string_member (result, "DIALOG_ID", dialog);
  json_object_set_int_member (result, "REV", _botbench_sandbox_get_rev (self));

  return _botbench_php_object_node (result);
}

gboolean
_botbench_sandbox_handle_chat_path (BotbenchSandbox *self,
                                    const char      *name,
                                    gboolean         get,
                                    gboolean         post,
                                    JsonObject      *params,
                                    JsonNode       **result,
                                    gboolean        *acts,
                                    ApiError        *error)
{
  if (g_str_equal (name, "info") && get)
    *result = control_info (self);
  else if (g_str_equal (name, "users") && get)
    *result = control_users (self);
  else if (g_str_equal (name, "chats") && get)
    *result = control_chats (self, params);
  else if (g_str_equal (name, "chat") && post)
    *result = control_create_chat (self, params, error);
  else if (g_str_equal (name, "message/update") && post)
    *result = _botbench_sandbox_user_edits (self, params, FALSE, error), *acts = TRUE;
  else if (g_str_equal (name, "message/delete") && post)
    *result = _botbench_sandbox_user_edits (self, params, TRUE, error), *acts = TRUE;
  else if (g_str_equal (name, "button") && post)
    *result = _botbench_sandbox_press_button (self, params, error), *acts = TRUE;
  else
    return FALSE;

  return TRUE;
}
