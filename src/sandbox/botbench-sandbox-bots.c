/* botbench-sandbox-bots.c: imbot.register, imbot.unregister, imbot.update and imbot.bot.list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The bot methods in the order a portal checks their parameters,
 * including its checks of PERSONAL_PHOTO, PERSONAL_BIRTHDAY and EMAIL.
 */
#define G_LOG_DOMAIN "botbench-sandbox"

#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "botbench-sandbox-v2-private.h"
#include "botbench-sandbox-php-private.h"

/* Handler parameters of imbot.register and the REST events they bind (§1.1). */
static const struct {
  const char *param;
  const char *event;
  const char *error;
  const char *missing;   /* NULL: optional */
} handler_params[] = {
  { "EVENT_MESSAGE_ADD", "ONIMBOTMESSAGEADD", "EVENT_MESSAGE_ADD_ERROR",
    "Handler for \"Message add\" event isn't specified" },
  { "EVENT_MESSAGE_UPDATE", "ONIMBOTMESSAGEUPDATE", "EVENT_MESSAGE_UPDATE_ERROR", NULL },
  { "EVENT_MESSAGE_DELETE", "ONIMBOTMESSAGEDELETE", "EVENT_MESSAGE_DELETE_ERROR", NULL },
  { "EVENT_WELCOME_MESSAGE", "ONIMBOTJOINCHAT", "EVENT_WELCOME_MESSAGE_ERROR",
    "Handler for \"Welcome message\" event isn't specified" },
  { "EVENT_BOT_DELETE", "ONIMBOTDELETE", "EVENT_BOT_DELETE_ERROR",
    "Handler for \"Bot delete\" event isn't specified" },
};

/* The bot's owner id and code; FALSE if there is no such bot. */
gboolean
_botbench_sandbox_lookup_bot (BotbenchSandbox  *self,
                              gint64            bot_id,
                              char            **owner_id,
                              char            **code)
{
  sqlite3_stmt *stmt;
  gboolean found = FALSE;

  if (bot_id <= 0)
    return FALSE;

  stmt = botbench_sandbox_state_query (self->state, "SELECT owner, code FROM bots WHERE id = ?", "i", bot_id);
  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      if (owner_id)
        *owner_id = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
      if (code)
        *code = g_strdup ((const char *)sqlite3_column_text (stmt, 1));
      found = TRUE;
    }
  sqlite3_finalize (stmt);

  return found;
}

/* BOT_ID_ERROR / APP_ID_ERROR (§2.1). */
gboolean
_botbench_sandbox_check_bot_owner (BotbenchSandbox  *self,
                                   gint64            bot_id,
                                   const Owner      *owner,
                                   char            **code,
                                   ApiError         *error)
{
  g_autofree char *bot_owner = NULL;

  if (!_botbench_sandbox_lookup_bot (self, bot_id, &bot_owner, code))
    return _botbench_sandbox_api_refuse (error, SOUP_STATUS_BAD_REQUEST, "BOT_ID_ERROR", "Bot not found");

  if (g_strcmp0 (bot_owner, owner->id) != 0)
    {
      if (code)
        g_clear_pointer (code, g_free);
      return _botbench_sandbox_api_refuse (error, SOUP_STATUS_BAD_REQUEST, "APP_ID_ERROR",
                                           "Bot was installed by another rest application");
    }

  return TRUE;
}

static gboolean
birthday_is_valid (const char *value)
{
  g_autoptr(GRegex) regex = g_regex_new ("^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}$", 0, 0, NULL);

  return g_regex_match (regex, value, 0, NULL);
}

static gboolean
email_is_valid (const char *value)
{
  g_autoptr(GRegex) regex = g_regex_new ("^[^@\\s]+@[^@\\s]+\\.[^@\\s.]+$", 0, 0, NULL);

  return g_regex_match (regex, value, 0, NULL);
}

static guint32
read_le (const guchar *p,
         guint         n)
{
  guint32 v = 0;

  for (guint i = n; i > 0; i--)
    v = (v << 8) | p[i - 1];
  return v;
}

static guint32
read_be32 (const guchar *p)
{
  return ((guint32)p[0] << 24) | ((guint32)p[1] << 16) | ((guint32)p[2] << 8) | p[3];
}

SandboxImage
_botbench_sandbox_sniff_image (const char *base64,
                               guint32    *width,
                               guint32    *height)
{
  g_autoptr(GString) filtered = g_string_new (NULL);
  g_autofree guchar *bytes = NULL;
  gsize len = 0;

  *width = *height = 0;
  for (const char *p = base64; *p != '\0'; p++)
    if (g_ascii_isalnum (*p) || *p == '+' || *p == '/')
      g_string_append_c (filtered, *p);
  while (filtered->len % 4 != 0)
    g_string_append_c (filtered, '=');
  bytes = g_base64_decode (filtered->str, &len);

  if (len >= 24 && memcmp (bytes, "\x89PNG\r\n\x1a\n", 8) == 0)
    {
      *width = read_be32 (bytes + 16);
      *height = read_be32 (bytes + 20);
      return SANDBOX_IMAGE_PNG;
    }
  if (len >= 10 && (memcmp (bytes, "GIF87a", 6) == 0 || memcmp (bytes, "GIF89a", 6) == 0))
    {
      *width = read_le (bytes + 6, 2);
      *height = read_le (bytes + 8, 2);
      return SANDBOX_IMAGE_GIF;
    }
  if (len >= 26 && bytes[0] == 'B' && bytes[1] == 'M')
    {
      *width = read_le (bytes + 18, 4);
      *height = ABS ((gint32)read_le (bytes + 22, 4));
      return SANDBOX_IMAGE_BMP;
    }
  /* JPEG and WEBP: size not parsed; taken as valid */
  if (len >= 4 && bytes[0] == 0xff && bytes[1] == 0xd8 && bytes[2] == 0xff)
    {
      *width = *height = 1;
      return SANDBOX_IMAGE_JPEG;
    }
  if (len >= 16 && memcmp (bytes, "RIFF", 4) == 0 && memcmp (bytes + 8, "WEBP", 4) == 0)
    {
      *width = *height = 1;
      return SANDBOX_IMAGE_WEBP;
    }

  return SANDBOX_IMAGE_NONE;
}

typedef enum
{
  PHOTO_NONE,       /* nothing usable: dropped silently (§1.8) */
  PHOTO_OK,
  PHOTO_BAD_NAME,   /* an image whose file name CUser::Add refuses */
} PhotoCheck;

/* CRestUtil::saveFile + getimagesize + CFile::CheckImageFile, §1.8. */
static PhotoCheck
check_photo (JsonNode   *value,
             const char *code)
{
  static const char *extensions[] = { "jpg", "bmp", "jpeg", "jpe", "gif", "png", "webp" };
  g_autofree char *name = NULL;
  g_autofree char *content = NULL;
  guint32 width = 0, height = 0;
  const char *dot;
  gboolean name_ok = FALSE;

  if (value == NULL)
    return PHOTO_NONE;

  if (_botbench_php_is_array (value))
    {
      g_autoptr(JsonObject) array = _botbench_php_array_to_object (value);
      g_autoptr(GList) values = json_object_get_values (array);

      if (g_list_length (values) < 2)
        return PHOTO_NONE;
      name = _botbench_php_string (values->data);
      content = _botbench_php_string (values->next->data);
    }
  else
    {
      content = _botbench_php_string (value);
      name = g_strconcat (code, ".png", NULL);
    }

  if (content == NULL || *content == '\0' || g_str_equal (content, "false"))
    return PHOTO_NONE;

  _botbench_sandbox_sniff_image (content, &width, &height);

  if (width == 0 || height == 0 || width > 5000 || height > 5000)
    return PHOTO_NONE;

  dot = name ? strrchr (name, '.') : NULL;
  for (guint i = 0; dot != NULL && i < G_N_ELEMENTS (extensions); i++)
    if (g_ascii_strcasecmp (dot + 1, extensions[i]) == 0)
      name_ok = TRUE;

  return name_ok ? PHOTO_OK : PHOTO_BAD_NAME;
}

/* imbot.register, §1.3 in order. */
JsonNode *
_botbench_sandbox_imbot_register (BotbenchSandbox *self,
                                  const Auth      *auth,
                                  JsonObject      *params,
                                  ApiError        *error)
{
  g_auto(Owner) owner = { 0 };
  char *urls[G_N_ELEMENTS (handler_params)] = { NULL, };
  g_autofree char *code = NULL;
  g_autofree char *type = NULL;
  g_autofree char *birthday = NULL;
  g_autofree char *email = NULL;
  JsonNode *props;
  JsonNode *result = NULL;
  gboolean openline;
  PhotoCheck photo;
  gint64 bot_id;

  if (!_botbench_sandbox_resolve_owner (self, auth, params, &owner, error))
    return NULL;

  /* 3: EVENT_HANDLER overrides all five */
  if (!_botbench_php_empty (_botbench_php_param (params, "EVENT_HANDLER")))
    for (guint i = 0; i < G_N_ELEMENTS (handler_params); i++)
      json_object_set_member (params, handler_params[i].param,
                              json_node_copy (_botbench_php_param (params, "EVENT_HANDLER")));

  /* 4–8 */
  for (guint i = 0; i < G_N_ELEMENTS (handler_params); i++)
    {
      g_autofree char *value = _botbench_php_param_string (params, handler_params[i].param);
      const char *problem;

      if (_botbench_php_empty (_botbench_php_param (params, handler_params[i].param)))
        {
          if (handler_params[i].missing != NULL)
            {
              _botbench_sandbox_api_fail (error, SOUP_STATUS_BAD_REQUEST, handler_params[i].error,
                                          handler_params[i].missing);
              goto out;
            }
          continue;
        }

      urls[i] = owner.webhook ? _botbench_sandbox_append_client_id (value ? value : "", owner.client_id)
                              : g_strdup (value ? value : "");
      if ((problem = _botbench_sandbox_check_handler_url (urls[i])) != NULL)
        {
          _botbench_sandbox_api_fail (error, SOUP_STATUS_BAD_REQUEST, handler_params[i].error, problem);
          goto out;
        }
    }

  /* 9 */
  if (_botbench_php_empty (_botbench_php_param (params, "CODE")))
    {
      _botbench_sandbox_api_fail (error, SOUP_STATUS_BAD_REQUEST, "CODE_ERROR", "Bot code isn't specified");
      goto out;
    }
  code = _botbench_php_param_string (params, "CODE");
  if (code == NULL)
    code = g_strdup ("Array");

  /* 10: before the CODE dedupe, so even a re-register fails at the limit */
  if (self->run.bot_limit > 0 &&
      botbench_sandbox_state_query_int (self->state, 0, "SELECT COUNT(*) FROM bots WHERE owner = ?",
                                        "s", owner.id) >= self->run.bot_limit)
    {
      g_autofree char *message = g_strdup_printf ("Has reached the maximum number of bots for application (max: %u)",
                                                  self->run.bot_limit);

      _botbench_sandbox_api_fail (error, SOUP_STATUS_BAD_REQUEST, "MAX_COUNT_ERROR", message);
      goto out;
    }

  /* 11 */
  type = _botbench_php_param_string (params, "TYPE");
  if (type == NULL || !(g_str_equal (type, "O") || g_str_equal (type, "B") ||
                        g_str_equal (type, "H") || g_str_equal (type, "S")))
    {
      g_free (type);
      type = g_strdup ("B");
    }
  openline = _botbench_php_param_is_y (params, "OPENLINE") || g_str_equal (type, "O");
  if (!(g_str_equal (type, "S") || g_str_equal (type, "O") || openline))
    {
      g_clear_pointer (&urls[1], g_free);
      g_clear_pointer (&urls[2], g_free);
    }

  /* 12 */
  props = _botbench_php_param (params, "PROPERTIES");
  if (!_botbench_php_is_array (props) ||
      (!_botbench_php_isset (_botbench_php_array_get (props, "NAME")) &&
       !_botbench_php_isset (_botbench_php_array_get (props, "LAST_NAME"))))
    {
      _botbench_sandbox_api_fail (error, SOUP_STATUS_BAD_REQUEST, "NAME_ERROR", "Bot name isn't specified");
      goto out;
    }

  /* 13 [inf]: Bitrix\Main\Type\DateTime throws, REST reports ERROR_CORE */
  if (_botbench_php_isset (_botbench_php_array_get (props, "PERSONAL_BIRTHDAY")))
    {
      birthday = _botbench_php_array_get_string (props, "PERSONAL_BIRTHDAY");
      if (birthday == NULL || !birthday_is_valid (birthday))
        {
          g_autofree char *message = g_strdup_printf ("Incorrect date/time: %s 19:45:00",
                                                      birthday ? birthday : "Array");

          _botbench_sandbox_api_fail (error, SOUP_STATUS_BAD_REQUEST, "ERROR_CORE", message);
          goto out;
        }
    }

  /* 14, 15: a bad photo is dropped; CUser::Add refusals fail the call */
  photo = check_photo (_botbench_php_array_get (props, "PERSONAL_PHOTO"), code);
  email = _botbench_php_array_get_string (props, "EMAIL");
  if (photo == PHOTO_BAD_NAME || (email != NULL && *email != '\0' && !email_is_valid (email)))
    {
      _botbench_sandbox_api_fail (error, SOUP_STATUS_BAD_REQUEST, "WRONG_REQUEST", "Bot can't be created");
      goto out;
    }

  /* §1.6: the same CODE anywhere on the portal returns that bot, unchanged */
  bot_id = botbench_sandbox_state_query_int (self->state, 0, "SELECT id FROM bots WHERE code = ?", "s", code);
  if (bot_id == 0)
    {
      g_autofree char *name = _botbench_php_array_get_string (props, "NAME");
      g_autofree char *last_name = _botbench_php_array_get_string (props, "LAST_NAME");
      g_autofree char *color = _botbench_php_array_get_string (props, "COLOR");
      g_autofree char *position = _botbench_php_array_get_string (props, "WORK_POSITION");
      g_autofree char *www = _botbench_php_array_get_string (props, "PERSONAL_WWW");
      g_autofree char *gender = _botbench_php_array_get_string (props, "PERSONAL_GENDER");

      if (gender != NULL && !g_str_equal (gender, "M") && !g_str_equal (gender, "F"))
        g_clear_pointer (&gender, g_free);
      if (position == NULL || *g_strstrip (position) == '\0')
        {
          g_free (position);
          position = g_strdup ("Chat bot");
        }

      bot_id = botbench_sandbox_state_next_id (self->state, "next_user_id", FIRST_BOT_ID);
      botbench_sandbox_state_exec (self->state,
                                   "INSERT INTO bots (id, code, owner, webhook, app_token, client_id, type,"
                                   " openline, name, last_name, color, email, birthday, work_position, www,"
                                   " gender, has_avatar, created)"
                                   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                   "isssssssssssssssii",
                                   bot_id, code, owner.id, owner.webhook ? "1" : "0", owner.app_token,
                                   owner.client_id, type, openline ? "Y" : "N", name ? name : "",
                                   last_name ? last_name : "", color, email, birthday, position, www,
                                   gender ? gender : "", (gint64)(photo == PHOTO_OK), _botbench_sandbox_now (self));
    }

  /* 16, §1.7: one handler set per owner, rebound on every success */
  for (guint i = 0; i < G_N_ELEMENTS (handler_params); i++)
    if (urls[i] != NULL)
      _botbench_sandbox_bind_handler (self, owner.id, handler_params[i].event, urls[i]);

  _botbench_sandbox_chats_changed (self, 0);
  result = _botbench_php_int_node (bot_id);

out:
  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    g_free (urls[i]);

  return result;
}

/* The bot, its private dialogs, memberships and commands. */
void
_botbench_sandbox_delete_bot (BotbenchSandbox *self,
                              gint64           bot_id)
{
  botbench_sandbox_state_exec (self->state,
                               "DELETE FROM messages WHERE chat_id IN"
                               " (SELECT id FROM chats WHERE type = 'P' AND (user_a = ?1 OR user_b = ?1))",
                               "i", bot_id);
  botbench_sandbox_state_exec (self->state,
                               "DELETE FROM chat_members WHERE chat_id IN"
                               " (SELECT id FROM chats WHERE type = 'P' AND (user_a = ?1 OR user_b = ?1))",
                               "i", bot_id);
  botbench_sandbox_state_exec (self->state,
                               "DELETE FROM chats WHERE type = 'P' AND (user_a = ?1 OR user_b = ?1)",
                               "i", bot_id);
  botbench_sandbox_state_exec (self->state, "DELETE FROM chat_members WHERE user_id = ?", "i", bot_id);
  botbench_sandbox_state_exec (self->state, "DELETE FROM commands WHERE bot_id = ?", "i", bot_id);
  botbench_sandbox_state_exec (self->state, "DELETE FROM bots WHERE id = ?", "i", bot_id);
}

/* imbot.unregister, §2.1 */
JsonNode *
_botbench_sandbox_imbot_unregister (BotbenchSandbox *self,
                                    const Auth      *auth,
                                    JsonObject      *params,
                                    ApiError        *error)
{
  g_auto(Owner) owner = { 0 };
  g_autofree char *code = NULL;
  gint64 bot_id;

  if (!_botbench_sandbox_resolve_owner (self, auth, params, &owner, error))
    return NULL;

  bot_id = _botbench_php_intval (_botbench_php_param (params, "BOT_ID"));
  if (!_botbench_sandbox_check_bot_owner (self, bot_id, &owner, &code, error))
    return NULL;

  _botbench_sandbox_unregister_bot (self, &owner, bot_id, code, auth->user_id);
  _botbench_sandbox_chats_changed (self, 0);

  return _botbench_php_bool_node (TRUE);
}

void
_botbench_sandbox_unregister_bot (BotbenchSandbox *self,
                                  const Owner     *owner,
                                  gint64           bot_id,
                                  const char      *code,
                                  gint64           user_id)
{
  if (_botbench_sandbox_v2_is_v2_bot (self, bot_id))
    {
      /* A v2 bot gets its events as v2 whichever API removes it (§1). */
      _botbench_sandbox_v2_emit (self, bot_id, "ONIMBOTV2DELETE", json_object_new (), user_id, 0, 0);
      _botbench_sandbox_delete_bot (self, bot_id);
      return;
    }

  /* The handler rows still exist when ONIMBOTDELETE fires. */
  _botbench_sandbox_deliver_bot_delete (self, owner, bot_id, code, user_id);
  _botbench_sandbox_delete_bot (self, bot_id);

  if (owner->webhook)
    {
      /* Webhook mode unbinds all five, even if bots remain [inf]. */
      for (guint i = 0; i < G_N_ELEMENTS (handler_params); i++)
        _botbench_sandbox_unbind_handler (self, owner->id, handler_params[i].event);
    }
  else if (botbench_sandbox_state_query_int (self->state, 0, "SELECT COUNT(*) FROM bots WHERE owner = ?",
                                             "s", owner->id) == 0)
    {
      _botbench_sandbox_unbind_handler (self, owner->id, "ONIMBOTMESSAGEADD");
      _botbench_sandbox_unbind_handler (self, owner->id, "ONIMBOTJOINCHAT");
      _botbench_sandbox_unbind_handler (self, owner->id, "ONIMBOTDELETE");
    }
}

/* imbot.update, §2.2 */
JsonNode *
_botbench_sandbox_imbot_update (BotbenchSandbox *self,
                                const Auth      *auth,
                                JsonObject      *params,
                                ApiError        *error)
{
  static const struct { const char *key; const char *column; } columns[] = {
    { "NAME", "name" }, { "LAST_NAME", "last_name" }, { "COLOR", "color" }, { "EMAIL", "email" },
    { "PERSONAL_BIRTHDAY", "birthday" }, { "WORK_POSITION", "work_position" },
    { "PERSONAL_WWW", "www" }, { "PERSONAL_GENDER", "gender" },
  };
  g_auto(Owner) owner = { 0 };
  char *urls[G_N_ELEMENTS (handler_params)] = { NULL, };
  g_autoptr(JsonObject) fields = NULL;
  g_autofree char *code = NULL;
  g_autofree char *new_code = NULL;
  JsonNode *fields_node;
  JsonNode *props;
  JsonNode *result = NULL;
  gboolean changed = FALSE;
  gint64 bot_id;

  if (!_botbench_sandbox_resolve_owner (self, auth, params, &owner, error))
    return NULL;

  bot_id = _botbench_php_intval (_botbench_php_param (params, "BOT_ID"));
  if (!_botbench_sandbox_check_bot_owner (self, bot_id, &owner, &code, error))
    return NULL;

  fields_node = _botbench_php_param (params, "FIELDS");
  fields = _botbench_php_array_to_object (_botbench_php_is_array (fields_node) ? fields_node : NULL);

  if (!_botbench_php_empty (_botbench_php_param (fields, "EVENT_HANDLER")))
    for (guint i = 0; i < G_N_ELEMENTS (handler_params); i++)
      json_object_set_member (fields, handler_params[i].param,
                              json_node_copy (_botbench_php_param (fields, "EVENT_HANDLER")));

  for (guint i = 0; i < G_N_ELEMENTS (handler_params); i++)
    {
      g_autofree char *value = NULL;
      const char *problem;

      if (_botbench_php_empty (_botbench_php_param (fields, handler_params[i].param)))
        continue;

      /* The check runs on the URL without CLIENT_ID; the stored one has it. */
      value = _botbench_php_param_string (fields, handler_params[i].param);
      if ((problem = _botbench_sandbox_check_handler_url (value ? value : "")) != NULL)
        {
          _botbench_sandbox_api_fail (error, SOUP_STATUS_BAD_REQUEST, handler_params[i].error, problem);
          goto out;
        }
      urls[i] = owner.webhook ? _botbench_sandbox_append_client_id (value, owner.client_id) : g_strdup (value);
      changed = TRUE;
    }

  if (!_botbench_php_empty (_botbench_php_param (fields, "CODE")))
    {
      new_code = _botbench_php_param_string (fields, "CODE");
      changed = TRUE;
    }

  props = _botbench_php_param (fields, "PROPERTIES");
  if (_botbench_php_is_array (props))
    {
      JsonNode *name = _botbench_php_array_get (props, "NAME");
      JsonNode *last_name = _botbench_php_array_get (props, "LAST_NAME");

      if (_botbench_php_isset (name) && _botbench_php_isset (last_name) &&
          _botbench_php_empty (name) && _botbench_php_empty (last_name))
        {
          _botbench_sandbox_api_fail (error, SOUP_STATUS_BAD_REQUEST, "NAME_ERROR", "Bot name isn't specified");
          goto out;
        }

      for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
        if (_botbench_php_isset (_botbench_php_array_get (props, columns[i].key)))
          changed = TRUE;
      if (check_photo (_botbench_php_array_get (props, "PERSONAL_PHOTO"), code) == PHOTO_OK)
        changed = TRUE;
    }

  if (!changed)
    {
      _botbench_sandbox_api_fail (error, SOUP_STATUS_BAD_REQUEST, "WRONG_REQUEST", "Update fields can't be empty");
      goto out;
    }

  if (new_code != NULL)
    botbench_sandbox_state_exec (self->state, "UPDATE bots SET code = ? WHERE id = ?", "si", new_code, bot_id);

  for (guint i = 0; _botbench_php_is_array (props) && i < G_N_ELEMENTS (columns); i++)
    {
      g_autofree char *value = _botbench_php_array_get_string (props, columns[i].key);
      g_autofree char *sql = NULL;

      if (value == NULL)
        continue;
      /* Bot::update ignores an empty NAME and resets an empty WORK_POSITION. */
      if (g_str_equal (columns[i].key, "NAME") && *value == '\0')
        continue;
      if (g_str_equal (columns[i].key, "WORK_POSITION") && *g_strstrip (value) == '\0')
        {
          g_free (value);
          value = g_strdup ("Chat bot");
        }

      sql = g_strdup_printf ("UPDATE bots SET %s = ? WHERE id = ?", columns[i].column);
      botbench_sandbox_state_exec (self->state, sql, "si", value, bot_id);
    }
  if (_botbench_php_is_array (props) &&
      check_photo (_botbench_php_array_get (props, "PERSONAL_PHOTO"), code) == PHOTO_OK)
    botbench_sandbox_state_exec (self->state, "UPDATE bots SET has_avatar = 1 WHERE id = ?", "i", bot_id);

  for (guint i = 0; i < G_N_ELEMENTS (handler_params); i++)
    if (urls[i] != NULL)
      _botbench_sandbox_bind_handler (self, owner.id, handler_params[i].event, urls[i]);
  _botbench_sandbox_chats_changed (self, 0);

  result = _botbench_php_bool_node (TRUE);

out:
  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    g_free (urls[i]);

  return result;
}

/* imbot.bot.list, §2.3: every bot of the portal, keyed by id. */
JsonNode *
_botbench_sandbox_imbot_bot_list (BotbenchSandbox *self,
                                  const Auth      *auth,
                                  JsonObject      *params,
                                  ApiError        *error)
{
  g_autoptr(JsonObject) list = json_object_new ();
  sqlite3_stmt *stmt;

  stmt = botbench_sandbox_state_query (self->state,
                                       "SELECT id, trim(name || ' ' || last_name), code, openline"
                                       " FROM bots ORDER BY id", NULL);
  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      JsonObject *bot = json_object_new ();
      g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT, (gint64)sqlite3_column_int64 (stmt, 0));

      json_object_set_int_member (bot, "ID", sqlite3_column_int64 (stmt, 0));
      json_object_set_string_member (bot, "NAME", (const char *)sqlite3_column_text (stmt, 1));
      json_object_set_string_member (bot, "CODE", (const char *)sqlite3_column_text (stmt, 2));
      json_object_set_string_member (bot, "OPENLINE", (const char *)sqlite3_column_text (stmt, 3));
      json_object_set_object_member (list, key, bot);
    }
  sqlite3_finalize (stmt);

  /* PHP prints an empty array as [] */
  return _botbench_php_array_node (list);
}
