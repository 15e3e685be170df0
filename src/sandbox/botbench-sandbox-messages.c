/* botbench-sandbox-messages.c: chats, messages and imbot.message.add
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Private dialogs and group chats ("chatN"), the messages stored in them,
 * and imbot.message.add with its ATTACH/KEYBOARD/MENU checks.
 */
#define G_LOG_DOMAIN "botbench-sandbox"

#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "botbench-sandbox-private.h"
#include "botbench-sandbox-php-private.h"

gint64
_botbench_sandbox_private_chat (BotbenchSandbox *self,
                                gint64           a,
                                gint64           b)
{
  gint64 lo = MIN (a, b), hi = MAX (a, b);
  gint64 id;

  id = botbench_sandbox_state_query_int (self->state, 0,
                                         "SELECT id FROM chats WHERE type = 'P' AND user_a = ? AND user_b = ?",
                                         "ii", lo, hi);
  if (id > 0)
    return id;

  botbench_sandbox_state_exec (self->state,
                               "INSERT INTO chats (type, title, author_id, user_a, user_b) VALUES ('P', '', ?, ?, ?)",
                               "iii", a, lo, hi);
  id = botbench_sandbox_state_last_insert_id (self->state);
  botbench_sandbox_state_exec (self->state, "INSERT OR IGNORE INTO chat_members VALUES (?, ?), (?, ?)",
                               "iiii", id, lo, id, hi);
  _botbench_sandbox_chats_changed (self, id);
  return id;
}

static gboolean
chat_exists (BotbenchSandbox *self,
             gint64           chat_id)
{
  return botbench_sandbox_state_query_int (self->state, 0,
                                           "SELECT COUNT(*) FROM chats WHERE id = ? AND type = 'C'",
                                           "i", chat_id) > 0;
}

static gboolean
chat_has_member (BotbenchSandbox *self,
                 gint64           chat_id,
                 gint64           user_id)
{
  return botbench_sandbox_state_query_int (self->state, 0,
                                           "SELECT COUNT(*) FROM chat_members WHERE chat_id = ? AND user_id = ?",
                                           "ii", chat_id, user_id) > 0;
}

/* Group chat chatN, created on first use with author as its first member.
 * Chat ids are shared with private dialogs, as on a portal, so chatN of a
 * private dialog is refused. */
gboolean
_botbench_sandbox_ensure_group_chat (BotbenchSandbox *self,
                                     gint64           chat_id,
                                     gint64           author_id,
                                     ApiError        *error)
{
  if (botbench_sandbox_state_query_int (self->state, 0,
                                        "SELECT COUNT(*) FROM chats WHERE id = ? AND type = 'P'",
                                        "i", chat_id) > 0)
    return _botbench_sandbox_api_refuse (error, SOUP_STATUS_BAD_REQUEST, "DIALOG_ID_ERROR",
                                         "This chat is a private dialog; address it by user id");

  if (!chat_exists (self, chat_id))
    {
      g_autofree char *title = g_strdup_printf ("Chat %" G_GINT64_FORMAT, chat_id);

      botbench_sandbox_state_exec (self->state,
                                   "INSERT INTO chats (id, type, title, author_id) VALUES (?, 'C', ?, ?)",
                                   "isi", chat_id, title, author_id);
    }
  _botbench_sandbox_add_member (self, chat_id, author_id);
  return TRUE;
}

/* TRUE if user_id was not a member yet. */
gboolean
_botbench_sandbox_add_member (BotbenchSandbox *self,
                              gint64           chat_id,
                              gint64           user_id)
{
  botbench_sandbox_state_exec (self->state, "INSERT OR IGNORE INTO chat_members VALUES (?, ?)",
                               "ii", chat_id, user_id);
  if (botbench_sandbox_state_changes (self->state) == 0)
    return FALSE;

  _botbench_sandbox_chats_changed (self, chat_id);
  return TRUE;
}

gint64
_botbench_sandbox_add_message (BotbenchSandbox *self,
                               gint64           chat_id,
                               gint64           author_id,
                               const char      *text,
                               gboolean         system)
{
  gint64 rev = _botbench_sandbox_bump_rev (self);

  botbench_sandbox_state_exec (self->state,
                               "INSERT INTO messages (chat_id, author_id, text, system, created, rev)"
                               " VALUES (?, ?, ?, ?, ?, ?)",
                               "iissii", chat_id, author_id, text, system ? "Y" : "N", _botbench_sandbox_now (self), rev);
  return botbench_sandbox_state_last_insert_id (self->state);
}

/* "chat12" → 12; 0 if dialog is not a chat. */
gint64
_botbench_sandbox_dialog_chat_id (const char *dialog)
{
  if (dialog == NULL || g_ascii_strncasecmp (dialog, "chat", 4) != 0)
    return 0;

  return MAX (g_ascii_strtoll (dialog + 4, NULL, 10), 0);
}

/* ATTACH / KEYBOARD / MENU: an array, or a JSON string holding one. */
static gboolean
rich_param_ok (JsonObject *params,
               const char *key)
{
  JsonNode *node = _botbench_php_param (params, key);
  g_autoptr(JsonNode) parsed = NULL;

  if (_botbench_php_empty (node) || _botbench_php_is_array (node))
    return TRUE;
  if (json_node_get_value_type (node) != G_TYPE_STRING)
    return FALSE;

  parsed = _botbench_php_json_decode (json_node_get_string (node), -1);
  return parsed != NULL && _botbench_php_is_array (parsed);
}

/* ATTACH_ERROR, KEYBOARD_ERROR, MENU_ERROR in that order (§2.4). */
gboolean
_botbench_sandbox_check_rich_params (JsonObject *params,
                                     ApiError   *error)
{
  if (!rich_param_ok (params, "ATTACH"))
    return _botbench_sandbox_api_refuse (error, SOUP_STATUS_BAD_REQUEST, "ATTACH_ERROR", "Incorrect attach params");
  if (!rich_param_ok (params, "KEYBOARD"))
    return _botbench_sandbox_api_refuse (error, SOUP_STATUS_BAD_REQUEST, "KEYBOARD_ERROR", "Incorrect keyboard params");
  if (!rich_param_ok (params, "MENU"))
    return _botbench_sandbox_api_refuse (error, SOUP_STATUS_BAD_REQUEST, "MENU_ERROR", "Incorrect menu params");
  return TRUE;
}

/* imbot.message.add, §2.4 */
JsonNode *
_botbench_sandbox_imbot_message_add (BotbenchSandbox *self,
                                     const Auth      *auth,
                                     JsonObject      *params,
                                     ApiError        *error)
{
  g_auto(Owner) owner = { 0 };
  g_autofree char *dialog = NULL;
  g_autofree char *message = NULL;
  gint64 bot_id;
  gint64 from_user, to_user;
  gint64 chat_id = 0;
  gint64 message_id;
  gboolean system;

  if (!_botbench_sandbox_resolve_owner (self, auth, params, &owner, error))
    return NULL;

  if (_botbench_php_empty (_botbench_php_param (params, "BOT_ID")))
    {
      bot_id = botbench_sandbox_state_query_int (self->state, 0,
                                                 "SELECT id FROM bots WHERE owner = ? ORDER BY id LIMIT 1",
                                                 "s", owner.id);
      if (bot_id == 0)
        return _botbench_sandbox_api_fail (error, SOUP_STATUS_BAD_REQUEST, "BOT_ID_ERROR", "Bot not found");
    }
  else
    {
      bot_id = _botbench_php_intval (_botbench_php_param (params, "BOT_ID"));
      if (!_botbench_sandbox_check_bot_owner (self, bot_id, &owner, NULL, error))
        return NULL;
    }

  system = _botbench_php_param_is_y (params, "SYSTEM");
  from_user = _botbench_php_intval (_botbench_php_param (params, "FROM_USER_ID"));
  to_user = _botbench_php_intval (_botbench_php_param (params, "TO_USER_ID"));
  if (from_user > 0 && to_user > 0)
    {
      system = TRUE;
      chat_id = -1;
    }
  else
    {
      dialog = _botbench_php_param_trimmed (params, "DIALOG_ID");
      if (_botbench_sandbox_dialog_chat_id (dialog) == 0 && g_ascii_strtoll (dialog, NULL, 10) <= 0)
        return _botbench_sandbox_api_fail (error, SOUP_STATUS_BAD_REQUEST, "DIALOG_ID_EMPTY",
                                           "Dialog ID can't be empty");
    }

  message = _botbench_php_param_trimmed (params, "MESSAGE");
  if (*message == '\0')
    return _botbench_sandbox_api_fail (error, SOUP_STATUS_BAD_REQUEST, "MESSAGE_EMPTY", "Message can't be empty");

  if (!_botbench_sandbox_check_rich_params (params, error))
    return NULL;

  if (chat_id == -1)
    chat_id = _botbench_sandbox_private_chat (self, from_user, to_user);
  else if (_botbench_sandbox_dialog_chat_id (dialog) > 0)
    {
      chat_id = _botbench_sandbox_dialog_chat_id (dialog);
      if (!chat_exists (self, chat_id) || !chat_has_member (self, chat_id, bot_id))
        return _botbench_sandbox_api_fail (error, SOUP_STATUS_BAD_REQUEST, "WRONG_REQUEST", "Message isn't added");
    }
  else
    chat_id = _botbench_sandbox_private_chat (self, bot_id, g_ascii_strtoll (dialog, NULL, 10));

  message_id = _botbench_sandbox_add_message (self, chat_id, from_user > 0 && to_user > 0 ? from_user : bot_id,
                                              message, system);
  _botbench_sandbox_store_bot_call (self, message_id, auth, "imbot.message.add", params, TRUE);

  return _botbench_php_int_node (message_id);
}
