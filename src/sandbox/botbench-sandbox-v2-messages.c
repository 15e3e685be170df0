/* botbench-sandbox-v2-messages.c: imbot.v2.Chat.Message.send, update and delete
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A v2 bot writes as itself (reference v2 §4.1, §4.2): the message is stored
 * like a v1 bot's, with the call as its SOURCE, so /_sandbox/messages and
 * the chat page show it.  fields.forwardIds {uuid: messageId} copies
 * messages of the bot's chats into the dialog, answered in uuidMap.
 */
#define G_LOG_DOMAIN "botbench-sandbox"

#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "botbench-sandbox-v2-private.h"
#include "botbench-sandbox-php-private.h"

/* fields.attach / keyboard (or their UPPER_SNAKE names) as v1 parameters. */
static JsonObject *
rich_fields (JsonObject *fields)
{
  static const struct { const char *camel; const char *upper; } keys[] = {
    { "attach", "ATTACH" }, { "keyboard", "KEYBOARD" },
  };
  JsonObject *rich = json_object_new ();

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      JsonNode *node = _botbench_sandbox_v2_member (fields, keys[i].camel, keys[i].upper);

      if (node != NULL)
        json_object_set_member (rich, keys[i].upper, json_node_copy (node));
    }

  return rich;
}

static gboolean
removes (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING &&
         g_ascii_strcasecmp (json_node_get_string (node), "N") == 0;
}

/* The rich parameters' checks (ATTACH_ERROR, KEYBOARD_ERROR), then the
 * serialised ATTACH's size (§4.1). */
static gboolean
check_rich (JsonObject *rich,
            ApiError   *error)
{
  g_autoptr(JsonObject) checked = json_object_new ();
  g_autofree char *attach = NULL;
  g_autoptr(GList) members = json_object_get_members (rich);

  for (const GList *l = members; l != NULL; l = l->next)
    if (!removes (json_object_get_member (rich, l->data)) && !_botbench_php_empty (json_object_get_member (rich, l->data)))
      json_object_set_member (checked, l->data, json_node_copy (json_object_get_member (rich, l->data)));
  if (!_botbench_sandbox_check_rich_params (checked, error))
    return FALSE;

  attach = _botbench_sandbox_rich_json (checked, "ATTACH");
  if (attach != NULL && strlen (attach) > BOTBENCH_SANDBOX_V2_ATTACH_MAX)
    return _botbench_sandbox_v2_refuse (error, "ATTACH_OVERSIZE", "Attach is too big");

  return TRUE;
}

/* fields.message cut to 20,000 characters and " (...)" (§4.1). */
static char *
message_text (JsonObject *fields)
{
  g_autofree char *text = _botbench_sandbox_v2_string (fields, "message", "MESSAGE");

  if (text == NULL)
    return NULL;
  if (!g_utf8_validate (text, -1, NULL))
    {
      char *valid = g_utf8_make_valid (text, -1);

      g_free (text);
      text = valid;
    }
  if (g_utf8_strlen (text, -1) > BOTBENCH_SANDBOX_V2_MESSAGE_MAX)
    {
      g_autofree char *cut = g_utf8_substring (text, 0, BOTBENCH_SANDBOX_V2_MESSAGE_MAX);

      return g_strconcat (cut, " (...)", NULL);
    }

  return g_steal_pointer (&text);
}

/* fields.forwardIds {uuid: messageId} (a list counts with its indexes as
 * uuids): each message must be one the bot can see (not deleted, in a chat
 * it belongs to), at most BOTBENCH_SANDBOX_V2_FORWARD_MAX.  NULL and no
 * error when there are none. */
static JsonObject *
forward_ids (BotbenchSandbox *self,
             JsonObject      *fields,
             gint64           bot_id,
             ApiError        *error)
{
  JsonNode *node = _botbench_sandbox_v2_member (fields, "forwardIds", "FORWARD_IDS");
  g_autoptr(JsonObject) ids = NULL;
  g_autoptr(GList) members = NULL;

  if (node == NULL || !_botbench_php_is_array (node))
    return NULL;
  ids = _botbench_php_array_to_object (node);
  if (json_object_get_size (ids) == 0)
    return NULL;
  /* The code string of MessageError::TOO_MANY_MESSAGES is not in the
   * reference; the constant's name is taken (§4.1). */
  if (json_object_get_size (ids) > BOTBENCH_SANDBOX_V2_FORWARD_MAX)
    return _botbench_sandbox_v2_fail (error, "TOO_MANY_MESSAGES", "Too many messages to forward");

  members = json_object_get_members (ids);
  for (const GList *l = members; l != NULL; l = l->next)
    {
      gint64 id = _botbench_php_intval (json_object_get_member (ids, l->data));

      if (id <= 0 ||
          botbench_sandbox_state_query_int (self->state, 0,
                                            "SELECT COUNT(*) FROM messages m JOIN chats c ON c.id = m.chat_id"
                                            " WHERE m.id = ?1 AND m.deleted = 'N' AND"
                                            " (c.user_a = ?2 OR c.user_b = ?2 OR EXISTS (SELECT 1 FROM chat_members"
                                            "  WHERE chat_id = c.id AND user_id = ?2))", "ii", id, bot_id) == 0)
        return _botbench_sandbox_v2_fail (error, "ACCESS_DENIED", "Access denied");
    }

  return g_steal_pointer (&ids);
}

/* Copies of the forwarded messages (text and ATTACH) as the bot's, in
 * order; uuidMap {uuid: new message id}. */
static JsonObject *
forward (BotbenchSandbox *self,
         const Auth      *auth,
         JsonObject      *params,
         JsonObject      *ids,
         gint64           chat_id,
         gint64           bot_id)
{
  JsonObject *map = json_object_new ();
  g_autoptr(GList) members = ids != NULL ? json_object_get_members (ids) : NULL;

  for (const GList *l = members; l != NULL; l = l->next)
    {
      gint64 id = _botbench_php_intval (json_object_get_member (ids, l->data));
      g_autofree char *text = botbench_sandbox_state_query_text (self->state, "SELECT text FROM messages WHERE id = ?",
                                                                 "i", id);
      gint64 copy = _botbench_sandbox_add_message (self, chat_id, bot_id, text ? text : "", FALSE);

      _botbench_sandbox_store_bot_call (self, copy, auth, "imbot.v2.Chat.Message.send", params, FALSE);

      botbench_sandbox_state_exec (self->state,
                                   "UPDATE messages SET attach = (SELECT attach FROM messages WHERE id = ?) WHERE id = ?",
                                   "ii", id, copy);
      json_object_set_int_member (map, l->data, copy);
    }

  return map;
}

JsonNode *
_botbench_sandbox_v2_message_send (BotbenchSandbox *self,
                                   const Auth      *auth,
                                   JsonObject      *params,
                                   ApiError        *error)
{
  g_auto(Owner) owner = { 0 };
  g_autofree char *dialog = NULL;
  g_autofree char *text = NULL;
  g_autoptr(JsonObject) rich = NULL;
  g_autoptr(JsonObject) forwards = NULL;
  JsonObject *fields, *answer;
  gint64 bot_id, chat_id, message_id;
  gboolean system, empty;

  bot_id = _botbench_sandbox_v2_check_bot (self, auth, params, &owner, error);
  if (bot_id == 0)
    return NULL;

  fields = _botbench_sandbox_v2_object (params, "fields", "FIELDS");
  dialog = _botbench_sandbox_v2_string (params, "dialogId", "DIALOG_ID");
  if (dialog != NULL)
    g_strstrip (dialog);

  /* The dialog from the bot's side: "chatN" must have it as a member; a
   * user id opens (or finds) the private dialog. */
  chat_id = _botbench_sandbox_dialog_chat_id (dialog);
  if (chat_id > 0)
    {
      if (botbench_sandbox_state_query_int (self->state, 0,
                                            "SELECT COUNT(*) FROM chat_members WHERE chat_id = ? AND user_id = ?",
                                            "ii", chat_id, bot_id) == 0)
        return _botbench_sandbox_v2_fail (error, "ACCESS_DENIED", "Access denied");
    }
  else
    {
      gint64 user_id = dialog != NULL ? g_ascii_strtoll (dialog, NULL, 10) : 0;

      if (user_id <= 0 || user_id == bot_id)
        return _botbench_sandbox_v2_fail (error, "ACCESS_DENIED", "Access denied");
    }

  forwards = forward_ids (self, fields, bot_id, error);
  if (forwards == NULL && error->code != NULL)
    return NULL;
  text = message_text (fields);
  rich = rich_fields (fields);
  empty = (text == NULL || *g_strstrip (text) == '\0') &&
          _botbench_php_empty (json_object_get_member (rich, "ATTACH"));
  if (empty && forwards == NULL)
    return _botbench_sandbox_v2_fail (error, "EMPTY_MESSAGE", "Message is empty");
  if (!check_rich (rich, error))
    return NULL;

  if (chat_id == 0)
    chat_id = _botbench_sandbox_private_chat (self, bot_id, g_ascii_strtoll (dialog, NULL, 10));
  system = _botbench_sandbox_v2_boolean (_botbench_sandbox_v2_member (fields, "system", "SYSTEM"));

  answer = json_object_new ();
  if (!empty)
    {
      g_autofree char *attach = _botbench_sandbox_rich_json (rich, "ATTACH");
      g_autofree char *keyboard = _botbench_sandbox_rich_json (rich, "KEYBOARD");

      message_id = _botbench_sandbox_add_message (self, chat_id, bot_id, text ? text : "", system);
      _botbench_sandbox_store_bot_call (self, message_id, auth, "imbot.v2.Chat.Message.send", params, FALSE);
      botbench_sandbox_state_exec (self->state, "UPDATE messages SET attach = ?, keyboard = ? WHERE id = ?",
                                   "ssi", attach, keyboard, message_id);
      json_object_set_int_member (answer, "id", message_id);
    }
  else
    /* Nothing but forwards: no message of its own (§4.1). */
    json_object_set_null_member (answer, "id");
  json_object_set_object_member (answer, "uuidMap", forward (self, auth, params, forwards, chat_id, bot_id));

  return _botbench_php_object_node (answer);
}

/* The bot's own, undeleted message messageId; ACCESS_DENIED otherwise. */
static gint64
own_message (BotbenchSandbox *self,
             const Auth      *auth,
             JsonObject      *params,
             ApiError        *error)
{
  g_auto(Owner) owner = { 0 };
  gint64 bot_id, message_id;

  bot_id = _botbench_sandbox_v2_check_bot (self, auth, params, &owner, error);
  if (bot_id == 0)
    return 0;

  message_id = _botbench_php_intval (_botbench_sandbox_v2_member (params, "messageId", "MESSAGE_ID"));
  if (message_id <= 0 ||
      botbench_sandbox_state_query_int (self->state, 0,
                                        "SELECT COUNT(*) FROM messages WHERE id = ? AND author_id = ?"
                                        " AND deleted = 'N' AND system = 'N'", "ii", message_id, bot_id) == 0)
    return _botbench_sandbox_v2_refuse (error, "ACCESS_DENIED", "Access denied");

  return message_id;
}

static JsonNode *
result_true (void)
{
  JsonObject *answer = json_object_new ();

  json_object_set_boolean_member (answer, "result", TRUE);
  return _botbench_php_object_node (answer);
}

JsonNode *
_botbench_sandbox_v2_message_update (BotbenchSandbox *self,
                                     const Auth      *auth,
                                     JsonObject      *params,
                                     ApiError        *error)
{
  static const struct { const char *key; const char *column; } columns[] = {
    { "ATTACH", "attach" }, { "KEYBOARD", "keyboard" },
  };
  g_autoptr(JsonObject) rich = NULL;
  g_autofree char *text = NULL;
  JsonObject *fields;
  gint64 message_id;

  message_id = own_message (self, auth, params, error);
  if (message_id == 0)
    return NULL;

  fields = _botbench_sandbox_v2_object (params, "fields", "FIELDS");
  rich = rich_fields (fields);
  if (!check_rich (rich, error))
    return NULL;

  text = message_text (fields);
  if (text != NULL)
    botbench_sandbox_state_exec (self->state, "UPDATE messages SET text = ? WHERE id = ?", "si", text, message_id);
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      JsonNode *node = json_object_get_member (rich, columns[i].key);
      g_autofree char *sql = g_strdup_printf ("UPDATE messages SET %s = ? WHERE id = ?", columns[i].column);
      g_autofree char *value = NULL;

      if (node == NULL)
        continue;
      /* "N" or empty removes it. */
      if (!removes (node) && !_botbench_php_empty (node))
        value = _botbench_sandbox_rich_json (rich, columns[i].key);
      botbench_sandbox_state_exec (self->state, sql, "si", value, message_id);
    }
  botbench_sandbox_state_exec (self->state, "UPDATE messages SET edited = 'Y' WHERE id = ?", "i", message_id);
  _botbench_sandbox_store_bot_call (self, message_id, auth, "imbot.v2.Chat.Message.update", params, FALSE);

  return result_true ();
}

JsonNode *
_botbench_sandbox_v2_message_delete (BotbenchSandbox *self,
                                     const Auth      *auth,
                                     JsonObject      *params,
                                     ApiError        *error)
{
  gint64 message_id;

  message_id = own_message (self, auth, params, error);
  if (message_id == 0)
    return NULL;

  botbench_sandbox_state_exec (self->state,
                               "UPDATE messages SET text = '', deleted = 'Y', attach = NULL, keyboard = NULL,"
                               " menu = NULL, rev = ? WHERE id = ?",
                               "ii", _botbench_sandbox_bump_rev (self), message_id);

  return result_true ();
}
