/* botbench-sandbox-v2-bots.c: imbot.v2.Bot.* and imbot.v2.Revision.get
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Bot.register/update/unregister/list/get with their checks in the
 * server's order (reference v2 §2.1–§2.6).  v1 bots share the bots table
 * and are visible here; a bot registered here has api = 2.
 */
#define G_LOG_DOMAIN "botbench-sandbox"

#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "botbench-sandbox-v2-private.h"
#include "botbench-sandbox-php-private.h"

static const char *backgrounds[] = {
  "azure", "mint", "steel", "slate", "teal", "cornflower", "sky", "peach", "frost",
};

static const char *types[] = { "bot", "supervisor", "personal", "openline", "network" };

/* ------------------------------------------------------------------------ */
/* Avatar (base64 without a data: prefix, an image, 1…5000 px)                 */

typedef enum
{
  AVATAR_NONE,
  AVATAR_OK,
  AVATAR_BAD_TYPE,
  AVATAR_BAD_SIZE,
} AvatarCheck;

static AvatarCheck
check_avatar (JsonObject *properties)
{
  g_autofree char *content = _botbench_sandbox_v2_string (properties, "avatar", "PERSONAL_PHOTO");
  guint32 width = 0, height = 0;

  if (_botbench_php_empty (_botbench_sandbox_v2_member (properties, "avatar", "PERSONAL_PHOTO")))
    return AVATAR_NONE;
  if (content == NULL)
    return AVATAR_BAD_TYPE;

  /* Any image the sniffer knows, BMP too (image/bmp, §2.1 row 9). */
  if (_botbench_sandbox_sniff_image (content, &width, &height) == SANDBOX_IMAGE_NONE)
    return AVATAR_BAD_TYPE;

  if (width == 0 || height == 0 || width > 5000 || height > 5000)
    return AVATAR_BAD_SIZE;

  return AVATAR_OK;
}

static gboolean
avatar_ok (JsonObject *properties,
           gboolean   *has_avatar,
           ApiError   *error)
{
  switch (check_avatar (properties))
    {
    case AVATAR_NONE:
      return TRUE;
    case AVATAR_OK:
      *has_avatar = TRUE;
      return TRUE;
    case AVATAR_BAD_TYPE:
      return _botbench_sandbox_v2_refuse (error, "BOT_AVATAR_INCORRECT_TYPE", "Avatar must be an image file");
    case AVATAR_BAD_SIZE:
    default:
      return _botbench_sandbox_v2_refuse (error, "BOT_AVATAR_INCORRECT_SIZE",
                                        "Avatar image exceeds maximum dimensions (5000x5000)");
    }
}

/* A listed backgroundId, else NULL (invalid ones silently, §2.1). */
static const char *
background (JsonObject *fields)
{
  g_autofree char *value = _botbench_sandbox_v2_string (fields, "backgroundId", NULL);

  for (guint i = 0; value != NULL && i < G_N_ELEMENTS (backgrounds); i++)
    if (g_str_equal (backgrounds[i], value))
      return backgrounds[i];

  return NULL;
}

/* lower-cased eventMode; FALSE (BOT_INVALID_EVENT_MODE) when not fetch/webhook. */
static gboolean
event_mode (JsonObject  *fields,
            const char  *upper,
            char       **mode,
            ApiError    *error)
{
  JsonNode *node = _botbench_sandbox_v2_member (fields, "eventMode", upper);
  g_autofree char *value = NULL;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  value = _botbench_php_string (node);
  g_free (*mode);
  *mode = g_ascii_strdown (value ? value : "", -1);
  if (!g_str_equal (*mode, "fetch") && !g_str_equal (*mode, "webhook"))
    return _botbench_sandbox_v2_refuse (error, "BOT_INVALID_EVENT_MODE", "Invalid event mode");

  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Bot.register, §2.1                                                        */

static const char *
v1_letter (const char *type)
{
  if (g_str_equal (type, "supervisor") || g_str_equal (type, "personal"))
    return "S";   /* every message in member chats (§3.1) */
  if (g_str_equal (type, "openline"))
    return "O";

  return "B";
}

JsonNode *
_botbench_sandbox_v2_bot_register (BotbenchSandbox *self,
                                   const Auth      *auth,
                                   JsonObject      *params,
                                   ApiError        *error)
{
  g_auto(Owner) owner = { 0 };
  g_autofree char *code = NULL;
  g_autofree char *name = NULL;
  g_autofree char *mode = NULL;
  g_autofree char *url = NULL;
  g_autofree char *type = NULL;
  g_autofree char *existing_owner = NULL;
  JsonObject *fields = _botbench_sandbox_v2_object (params, "fields", "FIELDS");
  JsonObject *props;
  gboolean has_avatar = FALSE;
  gboolean valid_type = FALSE;
  gint64 bot_id;

  if (!_botbench_sandbox_v2_resolve_owner (self, auth, params, fields, &owner, error))
    return NULL;

  code = _botbench_sandbox_v2_nonempty (fields, "code", "CODE");
  if (code == NULL)
    return _botbench_sandbox_v2_fail (error, "BOT_CODE_REQUIRED", "Bot code is required");

  props = _botbench_sandbox_v2_object (fields, "properties", "PROPERTIES");
  name = _botbench_sandbox_v2_nonempty (props, "name", "NAME");
  if (name == NULL)
    return _botbench_sandbox_v2_fail (error, "BOT_PROPERTIES_REQUIRED", "Bot properties are required");

  mode = g_strdup ("fetch");
  if (!event_mode (fields, "EVENT_MODE", &mode, error))
    return NULL;

  if (g_str_equal (mode, "webhook"))
    {
      url = _botbench_sandbox_v2_nonempty (fields, "webhookUrl", "WEBHOOK_URL");
      if (url == NULL)
        return _botbench_sandbox_v2_fail (error, "BOT_WEBHOOK_URL_REQUIRED",
                                          "Webhook URL is required for webhook event mode");
      if (_botbench_sandbox_check_handler_url (url) != NULL)
        return _botbench_sandbox_v2_fail (error, "BOT_INVALID_CALLBACK", "Invalid callback URL");
    }

  /* §2.1 step 6: the same code across all REST bots; the owner's own bot
   * comes back unchanged, before the type and avatar checks. */
  bot_id = botbench_sandbox_state_query_int (self->state, 0, "SELECT id FROM bots WHERE code = ?", "s", code);
  if (bot_id > 0)
    {
      _botbench_sandbox_lookup_bot (self, bot_id, &existing_owner, NULL);
      if (g_strcmp0 (existing_owner, owner.id) != 0)
        return _botbench_sandbox_v2_fail (error, "BOT_CODE_ALREADY_TAKEN", "Bot with this code already exists");
      return _botbench_sandbox_v2_bot_answer (self, bot_id, TRUE);
    }

  if (self->run.bot_limit > 0 &&
      botbench_sandbox_state_query_int (self->state, 0, "SELECT COUNT(*) FROM bots WHERE owner = ?",
                                        "s", owner.id) >= self->run.bot_limit)
    return _botbench_sandbox_v2_fail (error, "BOT_LIMIT_EXCEEDED", "Bot registration limit exceeded");

  {
    g_autofree char *value = _botbench_sandbox_v2_string (fields, "type", "TYPE");

    type = g_ascii_strdown (value != NULL && *value != '\0' ? value : "bot", -1);
    for (guint i = 0; i < G_N_ELEMENTS (types); i++)
      valid_type |= g_str_equal (types[i], type);
    if (!valid_type)
      return _botbench_sandbox_v2_fail (error, "BOT_INVALID_TYPE", "Invalid bot type");
  }

  if (!avatar_ok (props, &has_avatar, error))
    return NULL;

  {
    g_autofree char *last_name = _botbench_sandbox_v2_string (props, "lastName", "LAST_NAME");
    g_autofree char *position = _botbench_sandbox_v2_string (props, "workPosition", "WORK_POSITION");
    g_autofree char *gender = _botbench_sandbox_v2_string (props, "gender", "PERSONAL_GENDER");
    g_autofree char *color_value = _botbench_sandbox_v2_string (props, "color", "COLOR");
    g_autofree char *color = _botbench_sandbox_v2_normalize_color (color_value);
    gboolean openline = _botbench_sandbox_v2_boolean (_botbench_sandbox_v2_member (fields, "isSupportOpenline",
                                                                                   "IS_SUPPORT_OPENLINE"));
    gboolean hidden = _botbench_sandbox_v2_boolean (_botbench_sandbox_v2_member (fields, "isHidden", "IS_HIDDEN"));
    JsonNode *reactions = _botbench_sandbox_v2_member (fields, "isReactionsEnabled", "IS_REACTIONS_ENABLED");
    g_autofree char *stored_url = url ? g_strdup (url) : _botbench_sandbox_v2_string (fields, "webhookUrl", "WEBHOOK_URL");

    if (gender != NULL && !g_str_equal (gender, "M") && !g_str_equal (gender, "F"))
      g_clear_pointer (&gender, g_free);

    bot_id = botbench_sandbox_state_next_id (self->state, "next_user_id", FIRST_BOT_ID);
    botbench_sandbox_state_exec (self->state,
                                 "INSERT INTO bots (id, code, owner, webhook, app_token, client_id, type,"
                                 " openline, name, last_name, color, work_position, gender, has_avatar, created,"
                                 " api, v2_type, event_mode, webhook_url, is_hidden, is_reactions, is_openline,"
                                 " background_id)"
                                 " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 2, ?, ?, ?, ?, ?, ?, ?)",
                                 "issssssssssssiisssiiis",
                                 bot_id, code, owner.id, owner.webhook ? "1" : "0", owner.app_token,
                                 owner.client_id, v1_letter (type),
                                 openline || g_str_equal (type, "openline") ? "Y" : "N", name,
                                 last_name ? last_name : "", color && *color ? color : NULL,
                                 position ? position : "", gender ? gender : "", (gint64)has_avatar,
                                 _botbench_sandbox_now (self), type, mode, stored_url ? stored_url : "",
                                 (gint64)hidden, (gint64)(reactions == NULL || _botbench_sandbox_v2_boolean (reactions)),
                                 (gint64)openline, background (fields));
  }

  _botbench_sandbox_chats_changed (self, 0);
  return _botbench_sandbox_v2_bot_answer (self, bot_id, TRUE);
}

/* ------------------------------------------------------------------------ */
/* Bot.update, §2.2                                                          */

JsonNode *
_botbench_sandbox_v2_bot_update (BotbenchSandbox *self,
                                 const Auth      *auth,
                                 JsonObject      *params,
                                 ApiError        *error)
{
  static const struct { const char *camel; const char *upper; const char *column; } columns[] = {
    { "lastName", "LAST_NAME", "last_name" }, { "workPosition", "WORK_POSITION", "work_position" },
    { "gender", "PERSONAL_GENDER", "gender" },
  };
  g_auto(Owner) owner = { 0 };
  g_autofree char *mode = NULL;
  g_autofree char *token = NULL;
  g_autofree char *url = NULL;
  g_autofree char *new_owner = NULL;
  JsonObject *fields, *props;
  gboolean has_avatar = FALSE;
  gint64 bot_id;

  bot_id = _botbench_sandbox_v2_check_bot (self, auth, params, &owner, error);
  if (bot_id == 0)
    return NULL;

  fields = _botbench_sandbox_v2_object (params, "fields", "FIELDS");
  props = _botbench_sandbox_v2_object (fields, "properties", "PROPERTIES");

  if (!avatar_ok (props, &has_avatar, error))
    return NULL;
  if (!event_mode (fields, NULL, &mode, error))
    return NULL;

  token = _botbench_sandbox_v2_nonempty (fields, "botToken", "BOT_TOKEN");
  if (token != NULL)
    {
      g_strstrip (token);
      if (*token == '\0')
        g_clear_pointer (&token, g_free);
    }
  if (token != NULL && _botbench_sandbox_v2_length (token) > BOTBENCH_SANDBOX_V2_TOKEN_MAX)
    return _botbench_sandbox_v2_fail (error, "BOT_TOKEN_INVALID_LENGTH",
                                      "Bot token must not be longer than 40 characters");
  if (token != NULL && !owner.webhook)
    return _botbench_sandbox_v2_fail (error, "BOT_TOKEN_ROTATION_FAILED", "Bot token rotation failed");

  url = _botbench_sandbox_v2_nonempty (fields, "webhookUrl", "WEBHOOK_URL");
  if (url != NULL && _botbench_sandbox_check_handler_url (url) != NULL)
    return _botbench_sandbox_v2_fail (error, "BOT_INVALID_CALLBACK", "Invalid callback URL");

  if (token != NULL)
    {
      new_owner = g_strconcat ("custom", token, NULL);
      if (!g_str_equal (new_owner, owner.id) &&
          botbench_sandbox_state_query_int (self->state, 0, "SELECT COUNT(*) FROM bots WHERE owner = ? AND id != ?",
                                            "si", new_owner, bot_id) > 0)
        return _botbench_sandbox_v2_fail (error, "BOT_TOKEN_ROTATION_FAILED", "Bot token rotation failed");
    }

  /* Apply: properties, flags, mode, URL, then the token (atomically). */
  botbench_sandbox_state_exec (self->state, "BEGIN", NULL);
  if (props != NULL)
    {
      g_autofree char *name = _botbench_sandbox_v2_nonempty (props, "name", "NAME");
      JsonNode *color = _botbench_sandbox_v2_member (props, "color", "COLOR");

      if (name != NULL)
        botbench_sandbox_state_exec (self->state, "UPDATE bots SET name = ? WHERE id = ?", "si", name, bot_id);
      for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
        {
          g_autofree char *value = _botbench_sandbox_v2_string (props, columns[i].camel, columns[i].upper);
          g_autofree char *sql = NULL;

          if (value == NULL)
            continue;
          if (g_str_equal (columns[i].column, "gender") && !g_str_equal (value, "M") && !g_str_equal (value, "F"))
            continue;
          sql = g_strdup_printf ("UPDATE bots SET %s = ? WHERE id = ?", columns[i].column);
          botbench_sandbox_state_exec (self->state, sql, "si", value, bot_id);
        }
      if (color != NULL)
        {
          g_autofree char *text = _botbench_php_string (color);
          g_autofree char *code = _botbench_sandbox_v2_normalize_color (text);

          botbench_sandbox_state_exec (self->state, "UPDATE bots SET color = ? WHERE id = ?", "si",
                                       code && *code ? code : NULL, bot_id);
        }
      if (has_avatar)
        botbench_sandbox_state_exec (self->state, "UPDATE bots SET has_avatar = 1 WHERE id = ?", "i", bot_id);
    }
  if (_botbench_sandbox_v2_member (fields, "isHidden", NULL) != NULL)
    botbench_sandbox_state_exec (self->state, "UPDATE bots SET is_hidden = ? WHERE id = ?", "ii",
                                 (gint64)_botbench_sandbox_v2_boolean (_botbench_sandbox_v2_member (fields, "isHidden", NULL)),
                                 bot_id);
  if (_botbench_sandbox_v2_member (fields, "isReactionsEnabled", NULL) != NULL)
    botbench_sandbox_state_exec (self->state, "UPDATE bots SET is_reactions = ? WHERE id = ?", "ii",
                                 (gint64)_botbench_sandbox_v2_boolean (_botbench_sandbox_v2_member (fields, "isReactionsEnabled", NULL)),
                                 bot_id);
  if (_botbench_sandbox_v2_member (fields, "isSupportOpenline", NULL) != NULL)
    {
      gboolean openline = _botbench_sandbox_v2_boolean (_botbench_sandbox_v2_member (fields, "isSupportOpenline", NULL));

      botbench_sandbox_state_exec (self->state, "UPDATE bots SET is_openline = ?, openline = ? WHERE id = ?", "isi",
                                   (gint64)openline, openline ? "Y" : "N", bot_id);
    }
  if (_botbench_sandbox_v2_member (fields, "backgroundId", NULL) != NULL)
    botbench_sandbox_state_exec (self->state, "UPDATE bots SET background_id = ? WHERE id = ?", "si",
                                 background (fields), bot_id);
  /* A v1 bot updated through v2 stays a v1 bot; it gets a mode all the same. */
  if (mode != NULL)
    botbench_sandbox_state_exec (self->state, "UPDATE bots SET event_mode = ? WHERE id = ?", "si", mode, bot_id);
  if (url != NULL)
    botbench_sandbox_state_exec (self->state, "UPDATE bots SET webhook_url = ? WHERE id = ?", "si", url, bot_id);
  if (new_owner != NULL)
    {
      g_auto(Owner) rotated = { 0 };

      _botbench_sandbox_owner_init_from_id (self, new_owner, &rotated);
      botbench_sandbox_state_exec (self->state,
                                   "UPDATE bots SET owner = ?, client_id = ?, app_token = ? WHERE id = ?", "sssi",
                                   rotated.id, rotated.client_id, rotated.app_token, bot_id);
      botbench_sandbox_state_exec (self->state, "UPDATE commands SET owner = ? WHERE bot_id = ?", "si",
                                   rotated.id, bot_id);
    }
  botbench_sandbox_state_exec (self->state, "COMMIT", NULL);

  _botbench_sandbox_chats_changed (self, 0);
  return _botbench_sandbox_v2_bot_answer (self, bot_id, TRUE);
}

/* ------------------------------------------------------------------------ */
/* Bot.unregister, list, get; Revision.get                                   */

JsonNode *
_botbench_sandbox_v2_bot_unregister (BotbenchSandbox *self,
                                     const Auth      *auth,
                                     JsonObject      *params,
                                     ApiError        *error)
{
  g_auto(Owner) owner = { 0 };
  g_autofree char *code = NULL;
  JsonObject *answer;
  gint64 bot_id;

  bot_id = _botbench_sandbox_v2_check_bot (self, auth, params, &owner, error);
  if (bot_id == 0)
    return NULL;

  /* ONIMBOTV2DELETE first, while the bot still exists (§6 item 11); a v1
   * bot gets its v1 ONIMBOTDELETE. */
  _botbench_sandbox_lookup_bot (self, bot_id, NULL, &code);
  _botbench_sandbox_unregister_bot (self, &owner, bot_id, code, auth->user_id);
  _botbench_sandbox_chats_changed (self, 0);

  answer = json_object_new ();
  json_object_set_boolean_member (answer, "result", TRUE);
  return _botbench_php_object_node (answer);
}

JsonNode *
_botbench_sandbox_v2_bot_list (BotbenchSandbox *self,
                               const Auth      *auth,
                               JsonObject      *params,
                               ApiError        *error)
{
  g_auto(Owner) owner = { 0 };
  g_autofree char *type = NULL;
  JsonObject *filter = _botbench_sandbox_v2_object (params, "filter", "FILTER");
  JsonNode *limit_node = _botbench_sandbox_v2_member (params, "limit", "LIMIT");
  JsonObject *answer;
  JsonArray *bots, *users;
  sqlite3_stmt *stmt;
  gint64 limit = 50, offset;
  gboolean known = FALSE;
  gboolean nothing = FALSE;
  gint64 n = 0;

  if (!_botbench_sandbox_v2_resolve_owner (self, auth, params, NULL, &owner, error))
    return NULL;

  if (limit_node != NULL && _botbench_php_intval (limit_node) > 0)
    limit = _botbench_php_intval (limit_node);
  offset = MAX (_botbench_php_intval (_botbench_sandbox_v2_member (params, "offset", "OFFSET")), 0);

  /* An unknown filter.type is ignored, as the source does, or matches
   * nothing, as the docs say (§7 item 4; v2-strict-list-filter). */
  type = _botbench_sandbox_v2_string (filter, "type", "TYPE");
  if (type != NULL)
    {
      char *lower = g_ascii_strdown (type, -1);

      g_free (type);
      type = lower;
      for (guint i = 0; i < G_N_ELEMENTS (types); i++)
        known |= g_str_equal (types[i], type);
      nothing = !known && self->run.v2_strict_list_filter;
    }

  bots = json_array_new ();
  users = json_array_new ();
  stmt = botbench_sandbox_state_query (self->state,
                                       "SELECT id FROM bots WHERE owner = ?1 AND (?2 IS NULL OR"
                                       " (CASE WHEN v2_type != '' THEN v2_type WHEN type = 'S' THEN 'supervisor'"
                                       "  WHEN type = 'O' THEN 'openline' ELSE 'bot' END) = ?2)"
                                       " ORDER BY id LIMIT ?3 OFFSET ?4",
                                       "ssii", owner.id, known ? type : NULL, nothing ? 0 : limit, offset);
  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 bot_id = sqlite3_column_int64 (stmt, 0);

      json_array_add_object_element (bots, _botbench_sandbox_v2_bot_object (self, bot_id, TRUE));
      json_array_add_object_element (users, _botbench_sandbox_v2_user_object (self, bot_id));
      n++;
    }
  sqlite3_finalize (stmt);

  answer = json_object_new ();
  json_object_set_array_member (answer, "bots", bots);
  json_object_set_array_member (answer, "users", users);
  json_object_set_boolean_member (answer, "hasNextPage", !nothing && n == limit);

  return _botbench_php_object_node (answer);
}

JsonNode *
_botbench_sandbox_v2_bot_get (BotbenchSandbox *self,
                              const Auth      *auth,
                              JsonObject      *params,
                              ApiError        *error)
{
  g_auto(Owner) owner = { 0 };
  g_autofree char *bot_owner = NULL;
  gint64 bot_id;

  if (!_botbench_sandbox_v2_resolve_owner (self, auth, params, NULL, &owner, error))
    return NULL;

  bot_id = _botbench_php_intval (_botbench_sandbox_v2_member (params, "botId", "BOT_ID"));
  if (bot_id > 0)
    {
      if (!_botbench_sandbox_lookup_bot (self, bot_id, NULL, NULL))
        return _botbench_sandbox_v2_fail (error, "BOT_NOT_FOUND", "Bot not found");
    }
  else
    {
      g_autofree char *code = _botbench_sandbox_v2_nonempty (params, "code", "CODE");

      if (code == NULL)
        return _botbench_sandbox_v2_fail (error, "PARAMS_REQUIRED", "botId or code is required");
      bot_id = botbench_sandbox_state_query_int (self->state, 0, "SELECT id FROM bots WHERE code = ?", "s", code);
      if (bot_id <= 0)
        return _botbench_sandbox_v2_fail (error, "BOT_NOT_FOUND", "Bot not found");
    }

  /* No ownership error: others get the brief format. */
  _botbench_sandbox_lookup_bot (self, bot_id, &bot_owner, NULL);
  return _botbench_sandbox_v2_bot_answer (self, bot_id, g_strcmp0 (bot_owner, owner.id) == 0);
}

JsonNode *
_botbench_sandbox_v2_revision_get (BotbenchSandbox *self,
                                   const Auth      *auth,
                                   JsonObject      *params,
                                   ApiError        *error)
{
  JsonObject *answer = json_object_new ();

  json_object_set_int_member (answer, "rest", BOTBENCH_SANDBOX_V2_REST_REVISION);
  json_object_set_int_member (answer, "web", 130);
  json_object_set_int_member (answer, "mobile", 23);
  json_object_set_int_member (answer, "desktop", 6);

  return _botbench_php_object_node (answer);
}
