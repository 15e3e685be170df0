/* botbench-sandbox-records.c: the change counter, delivery records and the control API's objects
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * REV is one counter in meta('rev'): every change a chat view can show
 * bumps it, and the changed row keeps the value.  meta('chats_rev') is the
 * REV of the last change to chats, members, bots or commands.  Delivery
 * records say what became of each event (pending, done, failed, skipped).
 * The MESSAGE, DELIVERY, CHAT, BOT and USER objects of the control API are
 * built here from the rows (see botbench-sandbox.h for their fields).
 */
#define G_LOG_DOMAIN "botbench-sandbox"

#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "botbench-sandbox-private.h"
#include "botbench-sandbox-php-private.h"

gint64
_botbench_sandbox_get_rev (BotbenchSandbox *self)
{
  g_autofree char *value = botbench_sandbox_state_dup_meta (self->state, "rev");

  return value ? g_ascii_strtoll (value, NULL, 10) : 0;
}

gint64
_botbench_sandbox_bump_rev (BotbenchSandbox *self)
{
  gint64 rev = _botbench_sandbox_get_rev (self) + 1;
  g_autofree char *value = g_strdup_printf ("%" G_GINT64_FORMAT, rev);

  botbench_sandbox_state_set_meta (self->state, "rev", value);
  _botbench_sandbox_updates_wake (self);

  return rev;
}

gint64
_botbench_sandbox_chats_changed (BotbenchSandbox *self,
                                 gint64           chat_id)
{
  gint64 rev = _botbench_sandbox_bump_rev (self);
  g_autofree char *value = g_strdup_printf ("%" G_GINT64_FORMAT, rev);

  botbench_sandbox_state_set_meta (self->state, "chats_rev", value);
  if (chat_id > 0)
    botbench_sandbox_state_exec (self->state, "UPDATE chats SET rev = ? WHERE id = ?", "ii", rev, chat_id);

  return rev;
}

gint64
_botbench_sandbox_get_chats_rev (BotbenchSandbox *self)
{
  g_autofree char *value = botbench_sandbox_state_dup_meta (self->state, "chats_rev");

  return value ? g_ascii_strtoll (value, NULL, 10) : 0;
}

char *
_botbench_sandbox_format_date (gint64 unix_time)
{
  g_autoptr(GDateTime) date = g_date_time_new_from_unix_local (unix_time);

  return date ? g_date_time_format (date, "%FT%T%:z") : g_strdup ("");
}

/* ------------------------------------------------------------------------ */
/* Delivery records                                                          */

static const struct { const char *event; const char *param; } event_params[] = {
  { "ONIMBOTMESSAGEADD", "EVENT_MESSAGE_ADD" },
  { "ONIMBOTMESSAGEUPDATE", "EVENT_MESSAGE_UPDATE" },
  { "ONIMBOTMESSAGEDELETE", "EVENT_MESSAGE_DELETE" },
  { "ONIMBOTJOINCHAT", "EVENT_WELCOME_MESSAGE" },
  { "ONIMCOMMANDADD", "EVENT_COMMAND_ADD" },
};

static char *
reason_text (BotbenchSandbox *self,
             const char      *reason,
             const char      *event,
             gint64           bot_id)
{
  if (g_str_equal (reason, "NO_HANDLER") && g_str_has_prefix (event, "ONIMBOTV2"))
    return g_strdup_printf ("No webhookUrl for %s (the bot is in webhook mode)", event);
  if (g_str_equal (reason, "NO_HANDLER"))
    {
      const char *param = "EVENT_HANDLER";

      for (guint i = 0; i < G_N_ELEMENTS (event_params); i++)
        if (g_str_equal (event_params[i].event, event))
          param = event_params[i].param;
      return g_strdup_printf ("No handler for %s (%s is empty)", event, param);
    }
  if (g_str_equal (reason, "NOT_MENTIONED"))
    {
      g_autofree char *type = botbench_sandbox_state_query_text (self->state, "SELECT type FROM bots WHERE id = ?",
                                                                 "i", bot_id);

      return g_strdup_printf ("Bot of type %s ignores group messages that do not mention it", type ? type : "B");
    }
  if (g_str_equal (reason, "NOT_FOR_TYPE"))
    return g_strdup ("Only bots of type S or O get edits and deletions");
  if (g_str_equal (reason, "BOT_AUTHOR"))
    return g_strdup ("Bots never get messages written by bots");
  if (g_str_equal (reason, "FETCH_QUEUED"))
    return g_strdup ("Queued for imbot.v2.Event.get (the bot is in fetch mode)");

  return g_strdup ("");
}

gint64
_botbench_sandbox_record_delivery (BotbenchSandbox *self,
                                   gint64           message_id,
                                   gint64           chat_id,
                                   GArray          *bot_ids,
                                   const char      *event,
                                   const char      *url,
                                   const char      *reason)
{
  g_autoptr(JsonArray) ids = json_array_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *ids_json = NULL;
  g_autofree char *text = NULL;
  gint64 first = bot_ids != NULL && bot_ids->len > 0 ? g_array_index (bot_ids, gint64, 0) : 0;
  gint64 rev = _botbench_sandbox_bump_rev (self);
  gint64 id;

  for (guint i = 0; bot_ids != NULL && i < bot_ids->len; i++)
    json_array_add_int_element (ids, g_array_index (bot_ids, gint64, i));
  node = json_node_init_array (json_node_alloc (), ids);
  ids_json = json_to_string (node, FALSE);
  text = reason != NULL ? reason_text (self, reason, event, first) : g_strdup ("");

  botbench_sandbox_state_exec (self->state,
                               "INSERT INTO deliveries (message_id, chat_id, bot_id, bot_ids, event, url, state,"
                               " reason, reason_text, created, rev) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                               "iiissssssii", message_id, chat_id, first, ids_json, event,
                               reason != NULL ? "" : url, reason != NULL ? "skipped" : "pending",
                               reason != NULL ? reason : "", text, _botbench_sandbox_now (self), rev);
  id = botbench_sandbox_state_last_insert_id (self->state);

  if (self->recorded != NULL)
    g_array_append_val (self->recorded, id);

  return id;
}

void
_botbench_sandbox_record_skipped_bot (BotbenchSandbox *self,
                                      gint64           message_id,
                                      gint64           chat_id,
                                      gint64           bot_id,
                                      const char      *event,
                                      const char      *reason)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_array_append_val (ids, bot_id);
  _botbench_sandbox_record_delivery (self, message_id, chat_id, ids, event, "", reason);
}

void
_botbench_sandbox_finish_delivery (BotbenchSandbox *self,
                                   gint64           id,
                                   guint            status,
                                   gint64           duration_ms,
                                   const char      *error)
{
  if (id <= 0 || self->state == NULL)
    return;

  botbench_sandbox_state_exec (self->state,
                               "UPDATE deliveries SET state = ?, status = ?, duration_ms = ?, error = ?, rev = ?"
                               " WHERE id = ?",
                               "siisii", status > 0 ? "done" : "failed", (gint64)status, duration_ms,
                               error ? error : "", _botbench_sandbox_bump_rev (self), id);
}

#define DELIVERY_COLUMNS \
  "SELECT id, message_id, chat_id, bot_id, bot_ids, event, url, state, status, duration_ms, error," \
  " reason, reason_text, created, rev FROM deliveries "

static JsonObject *
delivery_from_stmt (sqlite3_stmt *stmt)
{
  JsonObject *object = json_object_new ();
  g_autoptr(JsonNode) ids = _botbench_php_json_decode ((const char *)sqlite3_column_text (stmt, 4), -1);
  g_autofree char *date = _botbench_sandbox_format_date (sqlite3_column_int64 (stmt, 13));

  json_object_set_int_member (object, "ID", sqlite3_column_int64 (stmt, 0));
  json_object_set_int_member (object, "MESSAGE_ID", sqlite3_column_int64 (stmt, 1));
  json_object_set_int_member (object, "CHAT_ID", sqlite3_column_int64 (stmt, 2));
  json_object_set_int_member (object, "BOT_ID", sqlite3_column_int64 (stmt, 3));
  if (ids != NULL && JSON_NODE_HOLDS_ARRAY (ids))
    json_object_set_member (object, "BOT_IDS", g_steal_pointer (&ids));
  else
    json_object_set_array_member (object, "BOT_IDS", json_array_new ());
  json_object_set_string_member (object, "EVENT", (const char *)sqlite3_column_text (stmt, 5));
  json_object_set_string_member (object, "URL", (const char *)sqlite3_column_text (stmt, 6));
  json_object_set_string_member (object, "STATE", (const char *)sqlite3_column_text (stmt, 7));
  json_object_set_int_member (object, "STATUS", sqlite3_column_int64 (stmt, 8));
  json_object_set_int_member (object, "DURATION_MS", sqlite3_column_int64 (stmt, 9));
  json_object_set_string_member (object, "ERROR", (const char *)sqlite3_column_text (stmt, 10));
  json_object_set_string_member (object, "REASON", (const char *)sqlite3_column_text (stmt, 11));
  json_object_set_string_member (object, "REASON_TEXT", (const char *)sqlite3_column_text (stmt, 12));
  json_object_set_string_member (object, "DATE", date);
  json_object_set_int_member (object, "REV", sqlite3_column_int64 (stmt, 14));

  return object;
}

JsonArray *
_botbench_sandbox_delivery_list (BotbenchSandbox *self,
                                 GArray          *ids)
{
  JsonArray *list = json_array_new ();

  for (guint i = 0; ids != NULL && i < ids->len; i++)
    {
      sqlite3_stmt *stmt = botbench_sandbox_state_query (self->state, DELIVERY_COLUMNS "WHERE id = ?",
                                                         "i", g_array_index (ids, gint64, i));

      if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
        json_array_add_object_element (list, delivery_from_stmt (stmt));
      sqlite3_finalize (stmt);
    }

  return list;
}

JsonArray *
_botbench_sandbox_deliveries_after (BotbenchSandbox *self,
                                    gint64           after_rev,
                                    gint64           upto_rev)
{
  JsonArray *list = json_array_new ();
  sqlite3_stmt *stmt = botbench_sandbox_state_query (self->state, DELIVERY_COLUMNS
                                                     "WHERE rev > ? AND rev <= ? ORDER BY rev",
                                                     "ii", after_rev, upto_rev);

  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    json_array_add_object_element (list, delivery_from_stmt (stmt));
  sqlite3_finalize (stmt);

  return list;
}

/* ------------------------------------------------------------------------ */
/* Messages                                                                  */

static JsonNode *
take_object (JsonObject *object)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, object);
  return node;
}

static JsonNode *
take_array (JsonArray *array)
{
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  json_node_take_array (node, array);
  return node;
}

/* What a bot gave as ATTACH/KEYBOARD/MENU, as JSON text for the row; NULL
 * when empty.  Form bodies make PHP arrays of lists: they are lists again. */
static JsonNode *
normalize (JsonNode *node)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      g_autoptr(GList) members = json_object_get_members (object);
      JsonObject *copy = json_object_new ();
      JsonNode *result;

      for (const GList *l = members; l != NULL; l = l->next)
        json_object_set_member (copy, l->data, normalize (json_object_get_member (object, l->data)));
      /* {} stays an object; {"0": …, "1": …} (a form's list) is a list */
      if (json_object_get_size (copy) == 0)
        return take_object (copy);
      result = _botbench_php_array_node (copy);
      json_object_unref (copy);
      return result;
    }
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      JsonArray *copy = json_array_new ();

      for (guint i = 0; i < json_array_get_length (array); i++)
        json_array_add_element (copy, normalize (json_array_get_element (array, i)));
      return take_array (copy);
    }

  return json_node_copy (node);
}

char *
_botbench_sandbox_rich_json (JsonObject *params,
                             const char *key)
{
  JsonNode *node = _botbench_php_param (params, key);
  g_autoptr(JsonNode) value = NULL;

  if (_botbench_php_empty (node))
    return NULL;
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    value = _botbench_php_json_decode (json_node_get_string (node), -1);
  if (value == NULL)
    value = normalize (node);
  else
    {
      JsonNode *plain = normalize (value);

      json_node_unref (value);
      value = plain;
    }

  return json_to_string (value, FALSE);
}

static gboolean
is_secret_key (const char *key)
{
  g_autofree char *lower = g_ascii_strdown (key, -1);

  return g_str_equal (lower, "auth") || strstr (lower, "token") != NULL || strstr (lower, "secret") != NULL;
}

static JsonNode *
mask_secrets (JsonNode *node)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      g_autoptr(GList) members = json_object_get_members (object);
      JsonObject *copy = json_object_new ();

      for (const GList *l = members; l != NULL; l = l->next)
        {
          if (is_secret_key (l->data))
            json_object_set_string_member (copy, l->data, "***");
          else
            json_object_set_member (copy, l->data, mask_secrets (json_object_get_member (object, l->data)));
        }
      return take_object (copy);
    }
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      JsonArray *copy = json_array_new ();

      for (guint i = 0; i < json_array_get_length (array); i++)
        json_array_add_element (copy, mask_secrets (json_array_get_element (array, i)));
      return take_array (copy);
    }

  return json_node_copy (node);
}

/* Stores what a bot's REST call gave a message: ATTACH, KEYBOARD, MENU and
 * the call itself (SOURCE, secrets masked); bumps the message's REV. */
void
_botbench_sandbox_store_bot_call (BotbenchSandbox *self,
                                  gint64           message_id,
                                  const Auth      *auth,
                                  const char      *method,
                                  JsonObject      *params,
                                  gboolean         rich)
{
  g_autoptr(JsonNode) params_node = json_node_init_object (json_node_alloc (), params);
  g_autoptr(JsonNode) masked = mask_secrets (params_node);
  g_autofree char *date = _botbench_sandbox_format_date (_botbench_sandbox_now (self));
  g_autoptr(JsonNode) source_node = NULL;
  g_autofree char *source = NULL;
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "METHOD", method);
  json_object_set_string_member (object, "DATE", date);
  json_object_set_string_member (object, "AUTH", auth->webhook ? "webhook" : "oauth");
  json_object_set_member (object, "PARAMS", g_steal_pointer (&masked));
  source_node = json_node_init_object (json_node_alloc (), object);
  json_object_unref (object);
  source = json_to_string (source_node, FALSE);

  if (rich)
    {
      g_autofree char *attach = _botbench_sandbox_rich_json (params, "ATTACH");
      g_autofree char *keyboard = _botbench_sandbox_rich_json (params, "KEYBOARD");
      g_autofree char *menu = _botbench_sandbox_rich_json (params, "MENU");

      botbench_sandbox_state_exec (self->state, "UPDATE messages SET attach = ?, keyboard = ?, menu = ? WHERE id = ?",
                                   "sssi", attach, keyboard, menu, message_id);
    }
  botbench_sandbox_state_exec (self->state, "UPDATE messages SET source = ?, rev = ? WHERE id = ?",
                               "sii", source, _botbench_sandbox_bump_rev (self), message_id);
}

static void
set_json_column (JsonObject   *object,
                 const char   *key,
                 sqlite3_stmt *stmt,
                 int           column)
{
  const char *text = (const char *)sqlite3_column_text (stmt, column);
  JsonNode *node = text != NULL ? _botbench_php_json_decode (text, -1) : NULL;

  if (node == NULL)
    json_object_set_null_member (object, key);
  else
    json_object_set_member (object, key, node);
}

static JsonObject *
message_from_stmt (BotbenchSandbox *self,
                   sqlite3_stmt    *stmt)
{
  JsonObject *object = json_object_new ();
  JsonArray *deliveries = json_array_new ();
  g_autofree char *date = _botbench_sandbox_format_date (sqlite3_column_int64 (stmt, 5));
  gint64 id = sqlite3_column_int64 (stmt, 0);
  gint64 author = sqlite3_column_int64 (stmt, 2);

  json_object_set_int_member (object, "ID", id);
  json_object_set_int_member (object, "CHAT_ID", sqlite3_column_int64 (stmt, 1));
  json_object_set_string_member (object, "DIALOG_ID", (const char *)sqlite3_column_text (stmt, 15));
  json_object_set_int_member (object, "AUTHOR_ID", author);
  json_object_set_string_member (object, "MESSAGE", (const char *)sqlite3_column_text (stmt, 3));
  json_object_set_string_member (object, "SYSTEM", (const char *)sqlite3_column_text (stmt, 4));
  json_object_set_string_member (object, "DATE", date);
  json_object_set_int_member (object, "REV", sqlite3_column_int64 (stmt, 6));
  json_object_set_string_member (object, "EDITED", (const char *)sqlite3_column_text (stmt, 7));
  json_object_set_string_member (object, "DELETED", (const char *)sqlite3_column_text (stmt, 8));
  set_json_column (object, "ATTACH", stmt, 9);
  set_json_column (object, "KEYBOARD", stmt, 10);
  set_json_column (object, "MENU", stmt, 11);
  json_object_set_int_member (object, "COMMAND_ID", sqlite3_column_int64 (stmt, 13));
  json_object_set_int_member (object, "REPLY_TO", sqlite3_column_int64 (stmt, 14));
  set_json_column (object, "SOURCE", stmt, 12);

  if (author > 0 && !_botbench_sandbox_is_bot (self, author))
    {
      sqlite3_stmt *ids = botbench_sandbox_state_query (self->state,
                                                        "SELECT id FROM deliveries WHERE message_id = ? ORDER BY id",
                                                        "i", id);

      while (ids != NULL && sqlite3_step (ids) == SQLITE_ROW)
        json_array_add_int_element (deliveries, sqlite3_column_int64 (ids, 0));
      sqlite3_finalize (ids);
    }
  json_object_set_array_member (object, "DELIVERIES", deliveries);

  return object;
}

/* The dialog as the portal user sees it: chatN, or the bot's id. */
#define MESSAGE_COLUMNS \
  "SELECT m.id, m.chat_id, m.author_id, m.text, m.system, m.created, m.rev, m.edited, m.deleted," \
  " m.attach, m.keyboard, m.menu, m.source, m.command_id, m.reply_to," \
  " CASE WHEN c.type = 'C' THEN 'chat' || c.id" \
  "      WHEN c.user_b IN (SELECT id FROM bots) THEN CAST(c.user_b AS TEXT)" \
  "      ELSE CAST(IFNULL(c.user_a, 0) AS TEXT) END" \
  " FROM messages m LEFT JOIN chats c ON c.id = m.chat_id "

JsonObject *
_botbench_sandbox_message_object (BotbenchSandbox *self,
                                  gint64           message_id)
{
  sqlite3_stmt *stmt = botbench_sandbox_state_query (self->state, MESSAGE_COLUMNS "WHERE m.id = ?",
                                                     "i", message_id);
  JsonObject *object = NULL;

  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    object = message_from_stmt (self, stmt);
  sqlite3_finalize (stmt);

  return object;
}

JsonArray *
_botbench_sandbox_messages_in_chat (BotbenchSandbox *self,
                                    gint64           chat_id,
                                    gint64           after_rev)
{
  JsonArray *list = json_array_new ();
  sqlite3_stmt *stmt = botbench_sandbox_state_query (self->state,
                                                     MESSAGE_COLUMNS "WHERE m.chat_id = ? AND m.rev > ? ORDER BY m.id",
                                                     "ii", chat_id, after_rev);

  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    json_array_add_object_element (list, message_from_stmt (self, stmt));
  sqlite3_finalize (stmt);

  return list;
}

JsonArray *
_botbench_sandbox_messages_after (BotbenchSandbox *self,
                                  gint64           after_rev,
                                  gint64           upto_rev)
{
  JsonArray *list = json_array_new ();
  sqlite3_stmt *stmt = botbench_sandbox_state_query (self->state,
                                                     MESSAGE_COLUMNS "WHERE m.rev > ? AND m.rev <= ? ORDER BY m.rev",
                                                     "ii", after_rev, upto_rev);

  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    json_array_add_object_element (list, message_from_stmt (self, stmt));
  sqlite3_finalize (stmt);

  return list;
}
