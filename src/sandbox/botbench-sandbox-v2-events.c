/* botbench-sandbox-v2-events.c: ONIMBOTV2* events, the event log and imbot.v2.Event.get
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a user action means for a v2 bot (reference v2 §3.3): a row in the
 * portal's one event-log table when the bot is in fetch mode, read and
 * acknowledged by Event.get (§3.2), or a form-encoded POST to its webhookUrl
 * in webhook mode (§3.4).  Rows older than 24 hours are dropped, read or not.
 */
#define G_LOG_DOMAIN "botbench-sandbox"

#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "botbench-sandbox-v2-private.h"
#include "botbench-sandbox-php-private.h"

#define DEFAULT_LIMIT 100
#define MAX_LIMIT     1000

void
_botbench_sandbox_v2_expire_events (BotbenchSandbox *self)
{
  botbench_sandbox_state_exec (self->state, "DELETE FROM v2_events WHERE created < ?", "i",
                               _botbench_sandbox_now (self) - BOTBENCH_SANDBOX_V2_RETENTION_SECONDS);
}

/* ------------------------------------------------------------------------ */
/* §3.3 objects                                                              */

JsonObject *
_botbench_sandbox_v2_message_object (BotbenchSandbox *self,
                                     gint64           message_id)
{
  JsonObject *message = json_object_new ();
  sqlite3_stmt *stmt;

  stmt = botbench_sandbox_state_query (self->state,
                                       "SELECT chat_id, author_id, text, system, created FROM messages WHERE id = ?",
                                       "i", message_id);
  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      gboolean system = g_strcmp0 ((const char *)sqlite3_column_text (stmt, 3), "Y") == 0;
      g_autofree char *date = _botbench_sandbox_format_date (sqlite3_column_int64 (stmt, 4));

      json_object_set_int_member (message, "id", message_id);
      json_object_set_int_member (message, "chatId", sqlite3_column_int64 (stmt, 0));
      json_object_set_int_member (message, "authorId", sqlite3_column_int64 (stmt, 1));
      json_object_set_string_member (message, "date", date);
      json_object_set_string_member (message, "text", (const char *)sqlite3_column_text (stmt, 2));
      json_object_set_boolean_member (message, "isSystem", system);
      json_object_set_string_member (message, "uuid", "");
      json_object_set_null_member (message, "forward");
      json_object_set_object_member (message, "params", json_object_new ());
      json_object_set_boolean_member (message, "viewedByOthers", FALSE);
    }
  sqlite3_finalize (stmt);

  return message;
}

JsonObject *
_botbench_sandbox_v2_chat_object (BotbenchSandbox *self,
                                  gint64           chat_id,
                                  gint64           bot_id)
{
  JsonObject *chat = json_object_new ();
  sqlite3_stmt *stmt;

  stmt = botbench_sandbox_state_query (self->state,
                                       "SELECT type, coalesce (title, ''), author_id, user_a, user_b FROM chats WHERE id = ?",
                                       "i", chat_id);
  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      gboolean private = g_strcmp0 ((const char *)sqlite3_column_text (stmt, 0), "P") == 0;
      gint64 a = sqlite3_column_int64 (stmt, 3), b = sqlite3_column_int64 (stmt, 4);
      gint64 other = a == bot_id ? b : a;
      g_autofree char *dialog = private ? g_strdup_printf ("%" G_GINT64_FORMAT, other)
                                        : g_strdup_printf ("chat%" G_GINT64_FORMAT, chat_id);
      g_autoptr(JsonObject) counterpart = private ? _botbench_sandbox_v2_user_object (self, other) : NULL;

      json_object_set_int_member (chat, "id", chat_id);
      /* Private dialogs: as the recipient sees them (personalizeDialogId). */
      json_object_set_string_member (chat, "dialogId", dialog);
      json_object_set_string_member (chat, "type", private ? "private" : "chat");
      json_object_set_string_member (chat, "name", private ? json_object_get_string_member (counterpart, "name")
                                                           : (const char *)sqlite3_column_text (stmt, 1));
      json_object_set_string_member (chat, "entityType", "");
      json_object_set_int_member (chat, "owner", sqlite3_column_int64 (stmt, 2));
      json_object_set_string_member (chat, "avatar", "");
      json_object_set_string_member (chat, "color", "#ab7761");
    }
  sqlite3_finalize (stmt);

  return chat;
}

/* ------------------------------------------------------------------------ */
/* Queue or POST                                                             */

/* http_build_query's view of a value (§3.4): scalars as strings, true/false
 * as "1"/"0", nulls and empty arrays left out; NULL when left out. */
static JsonNode *
wire_node (JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;

  if (JSON_NODE_HOLDS_OBJECT (node) || JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonObject *out = json_object_new ();

      if (JSON_NODE_HOLDS_OBJECT (node))
        {
          g_autoptr(GList) members = json_object_get_members (json_node_get_object (node));

          for (const GList *l = members; l != NULL; l = l->next)
            {
              JsonNode *child = wire_node (json_object_get_member (json_node_get_object (node), l->data));

              if (child != NULL)
                json_object_set_member (out, l->data, child);
            }
        }
      else
        for (guint i = 0; i < json_array_get_length (json_node_get_array (node)); i++)
          {
            JsonNode *child = wire_node (json_array_get_element (json_node_get_array (node), i));
            g_autofree char *key = g_strdup_printf ("%u", i);

            if (child != NULL)
              json_object_set_member (out, key, child);
          }

      if (json_object_get_size (out) == 0)
        {
          json_object_unref (out);
          return NULL;
        }
      return _botbench_php_object_node (out);
    }

  if (json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    return json_node_init_string (json_node_alloc (), json_node_get_boolean (node) ? "1" : "0");

  {
    g_autofree char *text = _botbench_php_string (node);

    return json_node_init_string (json_node_alloc (), text ? text : "");
  }
}

static JsonObject *
wire_object (JsonObject *object)
{
  g_autoptr(JsonNode) node = _botbench_php_object_node (object);
  JsonNode *wire = wire_node (node);
  JsonObject *out;

  if (wire == NULL)
    return json_object_new ();
  out = json_object_ref (json_node_get_object (wire));
  json_node_unref (wire);
  return out;
}

static void
record_fetch (BotbenchSandbox *self,
              gint64           message_id,
              gint64           chat_id,
              gint64           bot_id,
              const char      *type,
              const char      *reason)
{
  if (message_id > 0 || chat_id > 0)
    _botbench_sandbox_record_skipped_bot (self, message_id, chat_id, bot_id, type, reason);
}

gboolean
_botbench_sandbox_v2_emit (BotbenchSandbox *self,
                           gint64           bot_id,
                           const char      *type,
                           JsonObject      *data,
                           gint64           user_id,
                           gint64           message_id,
                           gint64           chat_id)
{
  g_autoptr(JsonObject) payload = data;
  g_autoptr(GList) members = NULL;
  g_autofree char *mode = NULL;
  g_autofree char *url = NULL;
  g_autofree char *owner_id = NULL;
  g_autofree char *code = NULL;
  JsonObject *full;
  sqlite3_stmt *stmt;
  gboolean v2 = FALSE;

  stmt = botbench_sandbox_state_query (self->state,
                                       "SELECT api, event_mode, webhook_url, owner, code FROM bots WHERE id = ?",
                                       "i", bot_id);
  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      v2 = sqlite3_column_int64 (stmt, 0) == 2;
      mode = g_strdup ((const char *)sqlite3_column_text (stmt, 1));
      url = g_strdup ((const char *)sqlite3_column_text (stmt, 2));
      owner_id = g_strdup ((const char *)sqlite3_column_text (stmt, 3));
      code = g_strdup ((const char *)sqlite3_column_text (stmt, 4));
    }
  sqlite3_finalize (stmt);
  if (!v2)
    return FALSE;

  full = json_object_new ();
  members = json_object_get_members (payload);

  if (g_strcmp0 (mode, "webhook") != 0)
    {
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;

      /* Fetch mode: the full Bot object as it is now (§3.2). */
      json_object_set_object_member (full, "bot", _botbench_sandbox_v2_bot_object (self, bot_id, TRUE));
      for (const GList *l = members; l != NULL; l = l->next)
        json_object_set_member (full, l->data, json_node_copy (json_object_get_member (payload, l->data)));
      root = _botbench_php_object_node (full);
      text = json_to_string (root, FALSE);

      _botbench_sandbox_v2_expire_events (self);
      botbench_sandbox_state_exec (self->state, "INSERT INTO v2_events (bot_id, type, json, created) VALUES (?, ?, ?, ?)",
                                   "issi", bot_id, type, text, _botbench_sandbox_now (self));
      g_debug ("%s queued for bot %" G_GINT64_FORMAT " as event %" G_GINT64_FORMAT, type, bot_id,
               botbench_sandbox_state_last_insert_id (self->state));
      record_fetch (self, message_id, chat_id, bot_id, type, "FETCH_QUEUED");
      return TRUE;
    }

  if (url == NULL || *url == '\0')
    {
      /* Bot.update accepts webhook mode without a URL (§7 item 14). */
      json_object_unref (full);
      record_fetch (self, message_id, chat_id, bot_id, type, "NO_HANDLER");
      return FALSE;
    }

  {
    g_auto(Owner) owner = { 0 };
    g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
    RecordTarget record = { message_id, chat_id, ids };
    g_autofree char *application_token = NULL;
    JsonObject *bot = json_object_new ();
    JsonObject *auth;

    _botbench_sandbox_owner_init_from_id (self, owner_id, &owner);
    g_array_append_val (ids, bot_id);

    json_object_set_int_member (bot, "id", bot_id);
    json_object_set_string_member (bot, "code", code);
    json_object_set_object_member (bot, "auth", _botbench_sandbox_event_auth (self, &owner, bot_id, TRUE));
    json_object_set_object_member (full, "bot", bot);
    for (const GList *l = members; l != NULL; l = l->next)
      json_object_set_member (full, l->data, json_node_copy (json_object_get_member (payload, l->data)));

    auth = _botbench_sandbox_event_auth (self, &owner, user_id, FALSE);
    /* The subscriptions' APPLICATION_TOKEN: the owner id's first 50 chars (§3.4). */
    application_token = g_utf8_validate (owner.id, -1, NULL)
                        ? g_utf8_substring (owner.id, 0, MIN (g_utf8_strlen (owner.id, -1), 50))
                        : g_strndup (owner.id, 50);
    json_object_set_string_member (auth, "application_token", application_token);

    return _botbench_sandbox_send_event (self, type, 0, url, wire_object (full), wire_object (auth),
                                         message_id > 0 || chat_id > 0 ? &record : NULL);
  }
}

/* ------------------------------------------------------------------------ */
/* User actions                                                              */

static JsonObject *
action_data (BotbenchSandbox *self,
             gint64           bot_id,
             gint64           message_id,
             gint64           chat_id,
             gint64           user_id)
{
  JsonObject *data = json_object_new ();

  if (message_id > 0)
    json_object_set_object_member (data, "message", _botbench_sandbox_v2_message_object (self, message_id));
  json_object_set_object_member (data, "chat", _botbench_sandbox_v2_chat_object (self, chat_id, bot_id));
  json_object_set_object_member (data, "user", _botbench_sandbox_v2_user_object (self, user_id));
  json_object_set_string_member (data, "language", "en");

  return data;
}

gboolean
_botbench_sandbox_v2_deliver_message (BotbenchSandbox *self,
                                      gint64           bot_id,
                                      const char      *type,
                                      gint64           message_id,
                                      gint64           chat_id,
                                      gint64           author_id,
                                      const char      *text)
{
  JsonObject *data = action_data (self, bot_id, message_id, chat_id, author_id);

  if (text != NULL)
    json_object_set_string_member (json_object_get_object_member (data, "message"), "text", text);

  return _botbench_sandbox_v2_emit (self, bot_id, type, data, author_id, message_id, chat_id);
}

gboolean
_botbench_sandbox_v2_deliver_delete (BotbenchSandbox *self,
                                     gint64           bot_id,
                                     gint64           message_id,
                                     gint64           chat_id,
                                     gint64           author_id)
{
  JsonObject *data = json_object_new ();
  JsonObject *rest = action_data (self, bot_id, 0, chat_id, author_id);
  g_autoptr(GList) members = json_object_get_members (rest);

  json_object_set_int_member (data, "messageId", message_id);
  for (const GList *l = members; l != NULL; l = l->next)
    json_object_set_member (data, l->data, json_node_copy (json_object_get_member (rest, l->data)));
  json_object_unref (rest);

  return _botbench_sandbox_v2_emit (self, bot_id, "ONIMBOTV2MESSAGEDELETE", data, author_id, message_id, chat_id);
}

gboolean
_botbench_sandbox_v2_deliver_join (BotbenchSandbox *self,
                                   gint64           bot_id,
                                   gint64           user_id,
                                   gint64           chat_id,
                                   gint64           message_id)
{
  gint64 record_chat = chat_id > 0 ? chat_id : _botbench_sandbox_private_chat (self, user_id, bot_id);
  g_autofree char *dialog = chat_id > 0 ? g_strdup_printf ("chat%" G_GINT64_FORMAT, chat_id)
                                        : g_strdup_printf ("%" G_GINT64_FORMAT, user_id);
  JsonObject *data = json_object_new ();
  JsonObject *rest = action_data (self, bot_id, 0, record_chat, user_id);
  g_autoptr(GList) members = json_object_get_members (rest);

  json_object_set_string_member (data, "dialogId", dialog);
  for (const GList *l = members; l != NULL; l = l->next)
    json_object_set_member (data, l->data, json_node_copy (json_object_get_member (rest, l->data)));
  json_object_unref (rest);

  return _botbench_sandbox_v2_emit (self, bot_id, "ONIMBOTV2JOINCHAT", data, user_id, message_id, record_chat);
}

gboolean
_botbench_sandbox_v2_deliver_command (BotbenchSandbox *self,
                                      const Command   *command,
                                      const char      *command_params,
                                      const char      *context,
                                      gint64           message_id,
                                      gint64           chat_id,
                                      gint64           author_id)
{
  JsonObject *data = json_object_new ();
  JsonObject *entry = json_object_new ();
  JsonObject *rest = action_data (self, command->bot_id, message_id, chat_id, author_id);
  g_autoptr(GList) members = json_object_get_members (rest);
  g_autofree char *name = g_strconcat ("/", command->command, NULL);
  g_autofree char *lower = g_ascii_strdown (context, -1);

  json_object_set_int_member (entry, "id", command->id);
  json_object_set_string_member (entry, "command", name);
  json_object_set_string_member (entry, "params", command_params ? command_params : "");
  json_object_set_string_member (entry, "context", lower);
  json_object_set_object_member (data, "command", entry);
  for (const GList *l = members; l != NULL; l = l->next)
    json_object_set_member (data, l->data, json_node_copy (json_object_get_member (rest, l->data)));
  json_object_unref (rest);

  return _botbench_sandbox_v2_emit (self, command->bot_id, "ONIMBOTV2COMMANDADD", data, author_id,
                                    message_id, chat_id);
}

/* ------------------------------------------------------------------------ */
/* Event.get, §3.2                                                           */

static JsonArray *
read_events (BotbenchSandbox *self,
             gint64           bot_id,
             gint64           offset,
             gint64           limit,
             gint64          *last_id)
{
  JsonArray *events = json_array_new ();
  sqlite3_stmt *stmt;

  stmt = botbench_sandbox_state_query (self->state,
                                       "SELECT id, type, json, created FROM v2_events WHERE bot_id = ? AND id >= ?"
                                       " ORDER BY id LIMIT ?", "iii", bot_id, offset, limit);
  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      JsonObject *event = json_object_new ();
      const char *text = (const char *)sqlite3_column_text (stmt, 2);
      JsonNode *data = _botbench_php_json_decode (text, -1);
      g_autofree char *date = _botbench_sandbox_format_date (sqlite3_column_int64 (stmt, 3));

      *last_id = sqlite3_column_int64 (stmt, 0);
      json_object_set_int_member (event, "eventId", *last_id);
      json_object_set_string_member (event, "type", (const char *)sqlite3_column_text (stmt, 1));
      json_object_set_string_member (event, "date", date);
      json_object_set_member (event, "data", data ? data : json_node_new (JSON_NODE_NULL));
      json_array_add_object_element (events, event);
    }
  sqlite3_finalize (stmt);

  return events;
}

JsonNode *
_botbench_sandbox_v2_event_get (BotbenchSandbox *self,
                                const Auth      *auth,
                                JsonObject      *params,
                                ApiError        *error)
{
  g_auto(Owner) owner = { 0 };
  JsonNode *limit_node = _botbench_sandbox_v2_member (params, "limit", "LIMIT");
  JsonObject *answer;
  JsonArray *events;
  gint64 bot_id, offset, limit, last_id = 0;

  bot_id = _botbench_sandbox_v2_check_bot (self, auth, params, &owner, error);
  if (bot_id == 0)
    return NULL;

  if (_botbench_sandbox_v2_boolean (_botbench_sandbox_v2_member (params, "withUserEvents", "WITH_USER_EVENTS")))
    {
      g_auto(GStrv) scopes = g_strsplit (auth->scope ? auth->scope : "", ",", -1);
      gboolean im = FALSE;

      for (guint i = 0; scopes[i] != NULL; i++)
        im |= g_str_equal (g_strstrip (scopes[i]), "im");
      if (!im)
        return _botbench_sandbox_v2_fail (error, "SCOPE_ERROR", "Scope 'im' is required to fetch user events");
      if (auth->user_id <= 0)
        return _botbench_sandbox_v2_fail (error, "AUTH_ERROR", "Authorization required for user events");
      /* The sandbox has no im.v2.Event.subscribe: nobody is subscribed. */
      return _botbench_sandbox_v2_fail (error, "USER_NOT_SUBSCRIBED",
                                        "User is not subscribed. Call im.v2.Event.subscribe first");
    }

  offset = MAX (_botbench_php_intval (_botbench_sandbox_v2_member (params, "offset", "OFFSET")), 0);
  limit = limit_node != NULL && !JSON_NODE_HOLDS_NULL (limit_node) ? _botbench_php_intval (limit_node) : DEFAULT_LIMIT;
  limit = CLAMP (limit, 1, MAX_LIMIT);

  _botbench_sandbox_v2_expire_events (self);
  /* Acknowledgement is destructive: everything below offset goes. */
  if (offset > 0)
    botbench_sandbox_state_exec (self->state, "DELETE FROM v2_events WHERE bot_id = ? AND id < ?", "ii",
                                 bot_id, offset);

  events = read_events (self, bot_id, offset, limit, &last_id);

  answer = json_object_new ();
  json_object_set_array_member (answer, "events", events);
  json_object_set_int_member (answer, "nextOffset", MAX (offset, last_id > 0 ? last_id + 1 : 0));
  json_object_set_boolean_member (answer, "hasMore", json_array_get_length (events) >= (guint64)limit);

  return _botbench_php_object_node (answer);
}

/* GET /_sandbox/v2/events?BOT_ID=: what is queued, without acknowledging. */
JsonNode *
_botbench_sandbox_v2_control_events (BotbenchSandbox *self,
                                     JsonObject      *params,
                                     ApiError        *error)
{
  gint64 bot_id = _botbench_php_intval (_botbench_php_param (params, "BOT_ID"));
  JsonObject *result;
  gint64 last_id = 0;

  if (bot_id <= 0)
    return _botbench_sandbox_api_fail (error, SOUP_STATUS_BAD_REQUEST, "BOT_ID_ERROR", "Bot not found");

  _botbench_sandbox_v2_expire_events (self);
  result = json_object_new ();
  json_object_set_int_member (result, "BOT_ID", bot_id);
  json_object_set_array_member (result, "EVENTS", read_events (self, bot_id, 0, G_MAXINT64, &last_id));
  json_object_set_int_member (result, "LAST_EVENT_ID",
                              botbench_sandbox_state_query_int (self->state, 0,
                                                                "SELECT seq FROM sqlite_sequence WHERE name = 'v2_events'",
                                                                NULL));

  return _botbench_php_object_node (result);
}
