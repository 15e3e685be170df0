/* botbench-sandbox-v2-objects.c: what every imbot.v2 method shares
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Parameters (camelCase with UPPER_SNAKE aliases, the server's booleans),
 * the owner of a v2 call (the OAuth app, or "custom" + botToken) and the
 * §2.0 checks of bot-scoped methods, and the Bot and User objects of
 * answers and events (reference v2 §2.0, §2.1, §5.1).
 */
#define G_LOG_DOMAIN "botbench-sandbox"

#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "botbench-sandbox-v2-private.h"
#include "botbench-sandbox-php-private.h"

/* properties.color codes (chat-add table) and the colour they show. */
static const struct { const char *code; const char *hex; } colors[] = {
  { "RED", "#df532d" }, { "GREEN", "#29ad49" }, { "MINT", "#4ba984" }, { "LIGHT_BLUE", "#4ba5c3" },
  { "DARK_BLUE", "#4162be" }, { "PURPLE", "#9f5cc2" }, { "AQUA", "#00a0c6" }, { "PINK", "#e36ba5" },
  { "LIME", "#85cb2e" }, { "BROWN", "#ab7761" }, { "AZURE", "#2f7ed9" }, { "KHAKI", "#b3a46f" },
  { "SAND", "#e8ac3b" }, { "MARENGO", "#6b7a8e" }, { "GRAY", "#8d9399" }, { "GRAPHITE", "#53595e" },
};

/* ------------------------------------------------------------------------ */
/* Parameters                                                                */

JsonNode *
_botbench_sandbox_v2_member (JsonObject *object,
                             const char *camel,
                             const char *upper)
{
  if (object == NULL)
    return NULL;
  if (camel != NULL && json_object_has_member (object, camel))
    return json_object_get_member (object, camel);
  if (upper != NULL && json_object_has_member (object, upper))
    return json_object_get_member (object, upper);

  return NULL;
}

char *
_botbench_sandbox_v2_string (JsonObject *object,
                             const char *camel,
                             const char *upper)
{
  return _botbench_php_string (_botbench_sandbox_v2_member (object, camel, upper));
}

JsonObject *
_botbench_sandbox_v2_object (JsonObject *object,
                             const char *camel,
                             const char *upper)
{
  JsonNode *node = _botbench_sandbox_v2_member (object, camel, upper);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

gboolean
_botbench_sandbox_v2_boolean (JsonNode *node)
{
  g_autofree char *text = NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  if (json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    return json_node_get_boolean (node);
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return json_node_get_int (node) != 0;

  text = _botbench_php_string (node);
  return text != NULL && (g_ascii_strcasecmp (text, "Y") == 0 || g_str_equal (text, "1") ||
                          g_ascii_strcasecmp (text, "TRUE") == 0);
}

glong
_botbench_sandbox_v2_length (const char *text)
{
  return g_utf8_validate (text, -1, NULL) ? g_utf8_strlen (text, -1) : (glong)strlen (text);
}

gpointer
_botbench_sandbox_v2_fail (ApiError   *error,
                           const char *code,
                           const char *description)
{
  return _botbench_sandbox_api_fail (error, SOUP_STATUS_BAD_REQUEST, code, description);
}

gboolean
_botbench_sandbox_v2_refuse (ApiError   *error,
                             const char *code,
                             const char *description)
{
  return _botbench_sandbox_api_refuse (error, SOUP_STATUS_BAD_REQUEST, code, description);
}

/* A non-empty string member (trimmed), or NULL. */
char *
_botbench_sandbox_v2_nonempty (JsonObject *object,
                               const char *camel,
                               const char *upper)
{
  JsonNode *node = _botbench_sandbox_v2_member (object, camel, upper);
  char *text;

  if (_botbench_php_empty (node))
    return NULL;
  /* (string) of a PHP array is "Array" */
  text = _botbench_php_string (node);
  return text != NULL ? text : g_strdup ("Array");
}

/* ------------------------------------------------------------------------ */
/* Owner                                                                     */

gboolean
_botbench_sandbox_v2_resolve_owner (BotbenchSandbox *self,
                                    const Auth      *auth,
                                    JsonObject      *params,
                                    JsonObject      *register_fields,
                                    Owner           *owner,
                                    ApiError        *error)
{
  g_autofree char *token = NULL;
  g_autofree char *id = NULL;

  if (!auth->webhook)
    {
      _botbench_sandbox_owner_init_from_id (self, auth->client_id != NULL ? auth->client_id : self->client_id,
                                            owner);
      return TRUE;
    }

  token = _botbench_sandbox_v2_nonempty (params, "botToken", "BOT_TOKEN");
  if (token == NULL)
    token = _botbench_sandbox_v2_nonempty (params, "clientId", "CLIENT_ID");
  if (token == NULL && register_fields != NULL)
    token = _botbench_sandbox_v2_nonempty (register_fields, "botToken", "BOT_TOKEN");
  if (token == NULL)
    return _botbench_sandbox_v2_refuse (error, "BOT_TOKEN_NOT_SPECIFIED",
                                      "Bot token not specified (botToken is required for webhook auth)");

  /* Enforced on register since 06.08.2026 (§2.1, §6 item 6). */
  if (register_fields != NULL && _botbench_sandbox_v2_length (token) > BOTBENCH_SANDBOX_V2_TOKEN_MAX)
    return _botbench_sandbox_v2_refuse (error, "BOT_TOKEN_INVALID_LENGTH",
                                      "Bot token must not be longer than 40 characters");

  id = g_strconcat ("custom", token, NULL);
  _botbench_sandbox_owner_init_from_id (self, id, owner);

  return TRUE;
}

gint64
_botbench_sandbox_v2_check_bot (BotbenchSandbox *self,
                                const Auth      *auth,
                                JsonObject      *params,
                                Owner           *owner,
                                ApiError        *error)
{
  g_autofree char *bot_owner = NULL;
  gint64 bot_id;

  if (!_botbench_sandbox_v2_resolve_owner (self, auth, params, NULL, owner, error))
    return 0;

  bot_id = _botbench_php_intval (_botbench_sandbox_v2_member (params, "botId", "BOT_ID"));
  if (bot_id <= 0)
    return _botbench_sandbox_v2_refuse (error, "BOT_ID_REQUIRED", "botId is required");
  if (!_botbench_sandbox_lookup_bot (self, bot_id, &bot_owner, NULL))
    return _botbench_sandbox_v2_refuse (error, "BOT_NOT_FOUND", "Bot not found");
  if (g_strcmp0 (bot_owner, owner->id) != 0)
    return _botbench_sandbox_v2_refuse (error, "BOT_OWNERSHIP_ERROR", "Bot was installed by another rest application");

  return bot_id;
}

/* ------------------------------------------------------------------------ */
/* Objects                                                                   */

gboolean
_botbench_sandbox_v2_is_v2_bot (BotbenchSandbox *self,
                                gint64           bot_id)
{
  return botbench_sandbox_state_query_int (self->state, 0, "SELECT api FROM bots WHERE id = ?", "i", bot_id) == 2;
}

/* The REST type name of a row: v2_type, else from the v1 letter. */
static const char *
type_name (const char *v2_type,
           const char *letter)
{
  if (v2_type != NULL && *v2_type != '\0')
    return v2_type;
  if (g_strcmp0 (letter, "S") == 0)
    return "supervisor";
  if (g_strcmp0 (letter, "O") == 0)
    return "openline";

  return "bot";
}

static void
set_bool (JsonObject *object,
          const char *key,
          gboolean    value)
{
  json_object_set_boolean_member (object, key, value);
}

JsonObject *
_botbench_sandbox_v2_bot_object (BotbenchSandbox *self,
                                 gint64           bot_id,
                                 gboolean         extended)
{
  JsonObject *bot = json_object_new ();
  sqlite3_stmt *stmt;

  stmt = botbench_sandbox_state_query (self->state,
                                       "SELECT code, v2_type, type, is_hidden, is_openline, openline, is_reactions,"
                                       " background_id, api, event_mode FROM bots WHERE id = ?", "i", bot_id);
  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *letter = (const char *)sqlite3_column_text (stmt, 2);
      gboolean v2 = sqlite3_column_int64 (stmt, 8) == 2;

      json_object_set_int_member (bot, "id", bot_id);
      json_object_set_string_member (bot, "code", (const char *)sqlite3_column_text (stmt, 0));
      json_object_set_string_member (bot, "type", type_name ((const char *)sqlite3_column_text (stmt, 1), letter));
      set_bool (bot, "isHidden", v2 ? sqlite3_column_int64 (stmt, 3) != 0 : g_strcmp0 (letter, "H") == 0);
      set_bool (bot, "isSupportOpenline", v2 ? sqlite3_column_int64 (stmt, 4) != 0
                                             : g_strcmp0 ((const char *)sqlite3_column_text (stmt, 5), "Y") == 0);
      set_bool (bot, "isReactionsEnabled", v2 ? sqlite3_column_int64 (stmt, 6) != 0 : TRUE);
      if (sqlite3_column_type (stmt, 7) == SQLITE_NULL)
        json_object_set_null_member (bot, "backgroundId");
      else
        json_object_set_string_member (bot, "backgroundId", (const char *)sqlite3_column_text (stmt, 7));
      json_object_set_string_member (bot, "language", "en");
      if (extended)
        {
          const char *mode = (const char *)sqlite3_column_text (stmt, 9);

          json_object_set_string_member (bot, "moduleId", "rest");
          /* A v1 bot has no EVENT_MODE; its events are POSTed. */
          json_object_set_string_member (bot, "eventMode", v2 && mode != NULL && *mode ? mode : "webhook");
          json_object_set_int_member (bot, "countMessage",
                                      botbench_sandbox_state_query_int (self->state, 0,
                                                                        "SELECT COUNT(*) FROM messages WHERE author_id = ?",
                                                                        "i", bot_id));
          json_object_set_int_member (bot, "countCommand",
                                      botbench_sandbox_state_query_int (self->state, 0,
                                                                        "SELECT COUNT(*) FROM commands WHERE bot_id = ?",
                                                                        "i", bot_id));
          json_object_set_int_member (bot, "countChat",
                                      botbench_sandbox_state_query_int (self->state, 0,
                                                                        "SELECT COUNT(*) FROM chat_members m JOIN chats c"
                                                                        " ON c.id = m.chat_id WHERE m.user_id = ?"
                                                                        " AND c.type != 'P'", "i", bot_id));
          json_object_set_int_member (bot, "countUser",
                                      botbench_sandbox_state_query_int (self->state, 0,
                                                                        "SELECT COUNT(*) FROM chats WHERE type = 'P'"
                                                                        " AND (user_a = ?1 OR user_b = ?1)",
                                                                        "i", bot_id));
        }
    }
  sqlite3_finalize (stmt);

  return bot;
}

static const char *
color_hex (const char *code,
           gint64      user_id)
{
  for (guint i = 0; code != NULL && i < G_N_ELEMENTS (colors); i++)
    if (g_ascii_strcasecmp (colors[i].code, code) == 0)
      return colors[i].hex;

  /* Auto-assigned when none was given (§2.1). */
  return colors[(guint64)user_id % G_N_ELEMENTS (colors)].hex;
}

JsonObject *
_botbench_sandbox_v2_user_object (BotbenchSandbox *self,
                                  gint64           user_id)
{
  JsonObject *user = json_object_new ();
  g_autofree char *first_name = NULL;
  g_autofree char *last_name = NULL;
  g_autofree char *position = NULL;
  g_autofree char *gender = NULL;
  g_autofree char *color = NULL;
  g_autofree char *name = NULL;
  g_autofree char *date = _botbench_sandbox_format_date (_botbench_sandbox_now (self));
  gboolean bot = FALSE;
  sqlite3_stmt *stmt;
  JsonArray *departments;

  stmt = botbench_sandbox_state_query (self->state,
                                       "SELECT coalesce (name, ''), coalesce (last_name, ''),"
                                       " coalesce (work_position, ''), coalesce (gender, ''), color"
                                       " FROM bots WHERE id = ?", "i", user_id);
  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      bot = TRUE;
      first_name = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
      last_name = g_strdup ((const char *)sqlite3_column_text (stmt, 1));
      position = g_strdup ((const char *)sqlite3_column_text (stmt, 2));
      gender = g_strdup ((const char *)sqlite3_column_text (stmt, 3));
      color = g_strdup ((const char *)sqlite3_column_text (stmt, 4));
    }
  sqlite3_finalize (stmt);

  if (!bot)
    _botbench_sandbox_portal_user_names (self, user_id, &first_name, &last_name, &position, &gender);
  name = g_strstrip (g_strdup_printf ("%s %s", first_name, last_name));

  json_object_set_int_member (user, "id", user_id);
  json_object_set_boolean_member (user, "active", TRUE);
  json_object_set_string_member (user, "name", name);
  json_object_set_string_member (user, "firstName", first_name);
  json_object_set_string_member (user, "lastName", last_name);
  json_object_set_string_member (user, "workPosition", position);
  json_object_set_string_member (user, "color", color_hex (color, user_id));
  json_object_set_string_member (user, "avatar", "");
  json_object_set_string_member (user, "gender", gender);
  json_object_set_string_member (user, "birthday", "");
  json_object_set_boolean_member (user, "extranet", FALSE);
  json_object_set_boolean_member (user, "bot", bot);
  json_object_set_boolean_member (user, "connector", FALSE);
  json_object_set_string_member (user, "externalAuthId", bot ? "bot" : "default");
  json_object_set_string_member (user, "status", "online");
  json_object_set_boolean_member (user, "idle", FALSE);
  json_object_set_string_member (user, "lastActivityDate", date);
  json_object_set_boolean_member (user, "absent", FALSE);
  departments = json_array_new ();
  json_array_add_int_element (departments, 1);
  json_object_set_array_member (user, "departments", departments);
  json_object_set_boolean_member (user, "phones", FALSE);
  json_object_set_string_member (user, "type", bot ? "bot" : "employee");

  return user;
}

/* {bot, users: [bot user]} of register, update and get. */
JsonNode *
_botbench_sandbox_v2_bot_answer (BotbenchSandbox *self,
                                 gint64           bot_id,
                                 gboolean         extended)
{
  JsonObject *answer = json_object_new ();
  JsonArray *users = json_array_new ();

  json_object_set_object_member (answer, "bot", _botbench_sandbox_v2_bot_object (self, bot_id, extended));
  json_array_add_object_element (users, _botbench_sandbox_v2_user_object (self, bot_id));
  json_object_set_array_member (answer, "users", users);

  return _botbench_php_object_node (answer);
}

/* camelCase → UPPER_SNAKE; unknown codes become "" (normalizeColorCode). */
char *
_botbench_sandbox_v2_normalize_color (const char *value)
{
  GString *out;

  if (value == NULL)
    return NULL;

  out = g_string_new (NULL);
  for (const char *p = value; *p != '\0'; p++)
    {
      if (g_ascii_isupper (*p) && p != value && g_ascii_islower (p[-1]))
        g_string_append_c (out, '_');
      g_string_append_c (out, g_ascii_toupper (*p));
    }
  for (guint i = 0; i < G_N_ELEMENTS (colors); i++)
    if (g_str_equal (colors[i].code, out->str))
      return g_string_free (out, FALSE);

  g_string_free (out, TRUE);
  return g_strdup ("");
}
