/* botbench-sandbox-button.c: /_sandbox/button, a portal user presses a keyboard button
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The keyboard is the KEYBOARD a bot gave its message (a list of buttons,
 * or an object with BUTTONS), as stored.  BUTTON counts its buttons in
 * order; NEWLINE entries and entries that are not objects do not count.
 * A COMMAND button fires ONIMCOMMANDADD (COMMAND_CONTEXT=KEYBOARD), an
 * ACTION=SEND button writes ACTION_VALUE as the user; LINK and the other
 * actions are the client's to carry out and only say what they are.
 */
#define G_LOG_DOMAIN "botbench-sandbox"

#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "botbench-sandbox-private.h"
#include "botbench-sandbox-php-private.h"

/* The button list of a stored keyboard, or NULL if it is not one. */
static JsonArray *
keyboard_buttons (JsonNode *keyboard,
                  gint64   *keyboard_bot)
{
  if (keyboard == NULL)
    return NULL;

  if (JSON_NODE_HOLDS_OBJECT (keyboard))
    {
      JsonObject *object = json_node_get_object (keyboard);
      JsonNode *buttons = json_object_get_member (object, "BUTTONS");
      JsonNode *bot = json_object_get_member (object, "BOT_ID");

      if (bot != NULL)
        *keyboard_bot = _botbench_php_intval (bot);
      return buttons != NULL && JSON_NODE_HOLDS_ARRAY (buttons) ? json_node_get_array (buttons) : NULL;
    }

  return JSON_NODE_HOLDS_ARRAY (keyboard) ? json_node_get_array (keyboard) : NULL;
}

static JsonObject *
nth_button (JsonArray *buttons,
            gint64     index)
{
  gint64 n = 0;

  for (guint i = 0; i < json_array_get_length (buttons); i++)
    {
      JsonNode *node = json_array_get_element (buttons, i);
      g_autofree char *type = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      type = _botbench_php_array_get_string (node, "TYPE");
      if (g_strcmp0 (type, "NEWLINE") == 0)
        continue;
      if (n++ == index)
        return json_node_get_object (node);
    }

  return NULL;
}

/* BUTTON: a non-negative integer, or a string of digits. */
static gboolean
button_index (JsonNode *node,
              gint64   *index)
{
  g_autofree char *text = NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    {
      *index = json_node_get_int (node);
      return *index >= 0;
    }
  if (json_node_get_value_type (node) != G_TYPE_STRING)
    return FALSE;

  text = g_strstrip (g_strdup (json_node_get_string (node)));
  if (*text == '\0' || strlen (text) > 9 || strspn (text, "0123456789") != strlen (text))
    return FALSE;
  *index = g_ascii_strtoll (text, NULL, 10);
  return TRUE;
}

static char *
button_string (JsonObject *button,
               const char *key)
{
  JsonNode *node = json_object_get_member (button, key);
  g_autofree char *value = node != NULL ? _botbench_php_string (node) : NULL;

  return g_strdup (value ? value : "");
}

static JsonNode *
button_result (const char *action,
               const char *value,
               gint64      message_id,
               gint64      n_events)
{
  JsonObject *result = json_object_new ();

  json_object_set_string_member (result, "ACTION", action);
  json_object_set_string_member (result, "VALUE", value);
  json_object_set_int_member (result, "MESSAGE_ID", message_id);
  json_object_set_int_member (result, "EVENTS", n_events);

  return _botbench_php_object_node (result);
}

static JsonNode *
press_command (BotbenchSandbox *self,
               JsonObject      *button,
               gint64           keyboard_bot,
               gint64           message_id,
               gint64           from,
               ApiError        *error)
{
  g_autofree char *name = button_string (button, "COMMAND");
  g_autofree char *command_params = button_string (button, "COMMAND_PARAMS");
  g_autofree char *text = NULL;
  g_autoptr(GArray) mentions = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_auto(Command) command = { 0 };
  UserMessage m = { 0 };
  sqlite3_stmt *stmt;
  gint64 bot_id = _botbench_php_intval (json_object_get_member (button, "BOT_ID"));
  gint64 author;

  author = botbench_sandbox_state_query_int (self->state, 0, "SELECT author_id FROM messages WHERE id = ?",
                                             "i", message_id);
  if (bot_id <= 0)
    bot_id = keyboard_bot > 0 ? keyboard_bot : author;

  stmt = botbench_sandbox_state_query (self->state,
                                       COMMAND_COLUMNS "WHERE lower(command) = lower(?) AND bot_id = ?"
                                       " ORDER BY id LIMIT 1", "si", name[0] == '/' ? name + 1 : name, bot_id);
  if (!_botbench_sandbox_command_from_stmt (stmt, &command))
    return _botbench_sandbox_api_fail (error, SOUP_STATUS_BAD_REQUEST, "COMMAND_ERROR", "Command not found");

  text = botbench_sandbox_state_query_text (self->state, "SELECT text FROM messages WHERE id = ?", "i", message_id);
  m.message_id = message_id;
  m.chat_id = botbench_sandbox_state_query_int (self->state, 0, "SELECT chat_id FROM messages WHERE id = ?",
                                                "i", message_id);
  m.from_user = from;
  m.group = botbench_sandbox_state_query_int (self->state, 0, "SELECT COUNT(*) FROM chats WHERE id = ? AND type = 'C'",
                                              "i", m.chat_id) > 0;
  m.bot_id = m.group ? 0 : author;
  m.text = text ? text : "";
  m.original = m.text;
  m.mentions = mentions;

  return button_result ("COMMAND", command.command, 0,
                        _botbench_sandbox_deliver_command_add (self, &command, command_params, "KEYBOARD", &m));
}

JsonNode *
_botbench_sandbox_press_button (BotbenchSandbox *self,
                                JsonObject      *params,
                                ApiError        *error)
{
  g_autofree char *keyboard_json = NULL;
  g_autofree char *action = NULL;
  g_autofree char *link = NULL;
  g_autoptr(JsonNode) keyboard = NULL;
  gint64 from = _botbench_php_intval (_botbench_php_param (params, "FROM_USER_ID"));
  gint64 message_id = _botbench_sandbox_id_param (params, "MESSAGE_ID");
  gint64 keyboard_bot = 0;
  gint64 chat_id;
  gint64 index;
  JsonArray *buttons;
  JsonObject *button;

  if (from <= 0)
    from = self->run.webhook_user;

  /* A message the user can see: in a chat they are a member of. */
  chat_id = message_id <= 0 ? 0
    : botbench_sandbox_state_query_int (self->state, 0,
                                        "SELECT m.chat_id FROM messages m JOIN chat_members cm"
                                        " ON cm.chat_id = m.chat_id AND cm.user_id = ?"
                                        " WHERE m.id = ? AND m.deleted = 'N'", "ii", from, message_id);
  if (chat_id == 0)
    return _botbench_sandbox_api_fail (error, SOUP_STATUS_BAD_REQUEST, "MESSAGE_ID_ERROR", "Message not found");

  keyboard_json = botbench_sandbox_state_query_text (self->state, "SELECT keyboard FROM messages WHERE id = ?",
                                                     "i", message_id);
  if (keyboard_json == NULL)
    return _botbench_sandbox_api_fail (error, SOUP_STATUS_BAD_REQUEST, "KEYBOARD_ERROR", "The message has no keyboard");
  keyboard = _botbench_php_json_decode (keyboard_json, -1);
  buttons = keyboard_buttons (keyboard, &keyboard_bot);
  if (buttons == NULL)
    return _botbench_sandbox_api_fail (error, SOUP_STATUS_BAD_REQUEST, "KEYBOARD_ERROR", "Incorrect keyboard params");

  if (!button_index (_botbench_php_param (params, "BUTTON"), &index) || !(button = nth_button (buttons, index)))
    return _botbench_sandbox_api_fail (error, SOUP_STATUS_BAD_REQUEST, "BUTTON_ERROR", "Button not found");
  if (_botbench_php_param_is_y (button, "DISABLED"))
    return _botbench_sandbox_api_fail (error, SOUP_STATUS_BAD_REQUEST, "BUTTON_ERROR", "Button is disabled");

  {
    g_autofree char *command = button_string (button, "COMMAND");

    if (*command != '\0')
      return press_command (self, button, keyboard_bot, message_id, from, error);
  }

  {
    g_autofree char *given = button_string (button, "ACTION");

    action = g_ascii_strup (given, -1);
  }
  if (g_str_equal (action, "SEND"))
    {
      g_autofree char *value = button_string (button, "ACTION_VALUE");
      g_autofree char *dialog = NULL;
      g_autofree char *trimmed = g_strstrip (g_strdup (value));
      g_autoptr(JsonNode) sent = NULL;
      JsonObject *object;

      if (botbench_sandbox_state_query_int (self->state, 0, "SELECT COUNT(*) FROM chats WHERE id = ? AND type = 'C'",
                                            "i", chat_id) > 0)
        dialog = g_strdup_printf ("chat%" G_GINT64_FORMAT, chat_id);
      else
        dialog = g_strdup_printf ("%" G_GINT64_FORMAT,
                                  botbench_sandbox_state_query_int (self->state, 0,
                                                                    "SELECT user_b FROM chats WHERE id = ?",
                                                                    "i", chat_id));
      sent = _botbench_sandbox_user_writes (self, from, dialog, 0, trimmed, error);
      if (sent == NULL)
        return NULL;
      object = json_node_get_object (sent);
      return button_result ("SEND", value, json_object_get_int_member (object, "MESSAGE_ID"),
                            json_object_get_int_member (object, "EVENTS"));
    }
  if (g_str_equal (action, "PUT") || g_str_equal (action, "COPY") || g_str_equal (action, "CALL") ||
      g_str_equal (action, "DIALOG"))
    {
      g_autofree char *value = button_string (button, "ACTION_VALUE");

      return button_result (action, value, 0, 0);
    }

  link = button_string (button, "LINK");
  if (*link != '\0')
    return button_result ("LINK", link, 0, 0);

  return _botbench_sandbox_api_fail (error, SOUP_STATUS_BAD_REQUEST, "BUTTON_ERROR", "The button does nothing");
}
