/* botbench-bot-v2-json.c: v2 definitions read and written as JSON, and the imbot.v2 request bodies
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A v2 definition is the imbot.v2.Bot.register body (reference v2 §2.1):
 * {"fields": {code, botToken, type, eventMode, webhookUrl, isHidden,
 * isReactionsEnabled, isSupportOpenline, backgroundId, properties {name,
 * lastName, workPosition, color, gender, avatar}}} plus the "BOTBENCH"
 * extension v1 files have (BOT_ID, PROFILE_UUID, COMMANDS).  The
 * Command bodies are in botbench-bot-v2-command.c.  Keys are read
 * camelCase first, then their UPPER_SNAKE alias, as the server does; a
 * top-level botToken wins over fields.botToken.  The written form never
 * holds the botToken: only the request bodies do.
 */
#define G_LOG_DOMAIN "botbench-bot"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "botbench-bot-private.h"
#include "botbench-bot-v2.h"
#include "botbench-secret-store.h"

/* fields keys: camelCase, UPPER_SNAKE alias */
static const char * const field_keys[][2] = {
  { "code", "CODE" }, { "botToken", "BOT_TOKEN" }, { "type", "TYPE" }, { "eventMode", "EVENT_MODE" },
  { "webhookUrl", "WEBHOOK_URL" }, { "isHidden", "IS_HIDDEN" },
  { "isReactionsEnabled", "IS_REACTIONS_ENABLED" }, { "isSupportOpenline", "IS_SUPPORT_OPENLINE" },
  { "backgroundId", "BACKGROUND_ID" }, { "properties", "PROPERTIES" },
};

/* properties keys; the BotbenchBotProperty they map to (-1: enum fields) */
static const struct {
  const char *camel;
  const char *upper;
  int         property;
} property_keys[] = {
  { "name", "NAME", BOTBENCH_BOT_PROPERTY_NAME },
  { "lastName", "LAST_NAME", BOTBENCH_BOT_PROPERTY_LAST_NAME },
  { "workPosition", "WORK_POSITION", BOTBENCH_BOT_PROPERTY_WORK_POSITION },
  { "color", "COLOR", -1 },
  { "gender", "PERSONAL_GENDER", -1 },
  { "avatar", "PERSONAL_PHOTO", BOTBENCH_BOT_PROPERTY_PERSONAL_PHOTO },
};

/* Import */

static JsonNode *
member (JsonObject *object,
        const char *camel,
        const char *upper,
        const char **shown)
{
  if (json_object_has_member (object, camel))
    {
      *shown = camel;
      return json_object_get_member (object, camel);
    }
  if (upper != NULL && json_object_has_member (object, upper))
    {
      *shown = upper;
      return json_object_get_member (object, upper);
    }
  return NULL;
}

static gboolean
read_string (JsonObject  *object,
             const char  *camel,
             const char  *upper,
             const char  *prefix,
             char       **out,
             GError     **error)
{
  const char *shown = camel;
  JsonNode *node = member (object, camel, upper, &shown);
  g_autofree char *name = NULL;

  if (node == NULL)
    return TRUE;

  name = g_strconcat (prefix, shown, NULL);
  return _botbench_bot_json_read_string (node, name, out, error);
}

/* The server's booleans: JSON true/false, non-zero numbers, "Y"/"1"/"TRUE"
 * in any case; anything else false.  JSON null leaves @out alone. */
static gboolean
read_boolean (JsonObject  *object,
              const char  *camel,
              const char  *upper,
              gboolean    *out,
              GError     **error)
{
  const char *shown = camel;
  JsonNode *node = member (object, camel, upper, &shown);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node))
    {
      g_set_error (error, BOTBENCH_BOT_ERROR, BOTBENCH_BOT_ERROR_BAD_VALUE,
                   _("“fields.%s” must be true or false"), shown);
      return FALSE;
    }

  if (json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    *out = json_node_get_boolean (node);
  else if (json_node_get_value_type (node) == G_TYPE_STRING)
    {
      const char *text = json_node_get_string (node);

      *out = g_ascii_strcasecmp (text, "Y") == 0 || g_str_equal (text, "1") ||
             g_ascii_strcasecmp (text, "TRUE") == 0;
    }
  else
    *out = json_node_get_double (node) != 0.0;

  return TRUE;
}

static gboolean
read_properties (BotbenchBot  *self,
                 JsonNode     *node,
                 GPtrArray    *warnings,
                 GError      **error)
{
  g_autofree char *color = NULL;
  g_autofree char *gender = NULL;
  g_autoptr(GList) members = NULL;
  JsonObject *object;

  if (!_botbench_bot_json_get_object (node, "fields.properties", &object, error))
    return FALSE;
  if (object == NULL)
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (property_keys); i++)
    {
      char **out;

      if (property_keys[i].property < 0)
        continue;
      out = &self->props[property_keys[i].property];
      if (!read_string (object, property_keys[i].camel, property_keys[i].upper, "fields.properties.", out, error))
        return FALSE;
    }

  if (!read_string (object, "color", "COLOR", "fields.properties.", &color, error) ||
      !read_string (object, "gender", "PERSONAL_GENDER", "fields.properties.", &gender, error))
    return FALSE;

  if (color != NULL && *color != '\0' && !botbench_bot_color_from_v2_name (color, &self->color))
    _botbench_bot_warn (warnings,
                        _("fields.properties.color: “%s” is not one of the 16 colour codes; "
                          "the portal picks a colour itself"),
                        color);

  if (!_botbench_bot_set_gender_text (self, gender))
    _botbench_bot_warn (warnings,
                        _("fields.properties.gender: “%s” is neither M nor F and was ignored"), gender);

  members = json_object_get_members (object);
  for (const GList *l = members; l != NULL; l = l->next)
    {
      gboolean known = FALSE;

      for (guint i = 0; i < G_N_ELEMENTS (property_keys) && !known; i++)
        known = g_str_equal (l->data, property_keys[i].camel) || g_str_equal (l->data, property_keys[i].upper);
      if (!known)
        _botbench_bot_warn (warnings, _("fields.properties.%s is not a v2 bot property and was ignored"),
                            (const char *)l->data);
    }

  return TRUE;
}

static gboolean
read_fields (BotbenchBot  *self,
             JsonObject   *fields,
             gboolean      bare,
             GPtrArray    *warnings,
             GError      **error)
{
  const char *shown = NULL;
  g_autoptr(GList) members = NULL;

  if (!read_string (fields, "code", "CODE", "fields.", &self->code, error) ||
      !read_string (fields, "botToken", "BOT_TOKEN", "fields.", &self->v2.bot_token, error) ||
      !read_string (fields, "type", "TYPE", "fields.", &self->v2.type, error) ||
      !read_string (fields, "eventMode", "EVENT_MODE", "fields.", &self->v2.event_mode, error) ||
      !read_string (fields, "webhookUrl", "WEBHOOK_URL", "fields.", &self->v2.webhook_url, error) ||
      !read_string (fields, "backgroundId", "BACKGROUND_ID", "fields.", &self->v2.background_id, error) ||
      !read_boolean (fields, "isHidden", "IS_HIDDEN", &self->v2.is_hidden, error) ||
      !read_boolean (fields, "isReactionsEnabled", "IS_REACTIONS_ENABLED", &self->v2.is_reactions_enabled, error) ||
      !read_boolean (fields, "isSupportOpenline", "IS_SUPPORT_OPENLINE", &self->v2.is_support_openline, error) ||
      !read_properties (self, member (fields, "properties", "PROPERTIES", &shown), warnings, error))
    return FALSE;

  if (self->v2.background_id != NULL && !botbench_bot_v2_background_is_known (self->v2.background_id))
    _botbench_bot_warn (warnings,
                        _("fields.backgroundId: “%s” is not one of the portal’s backgrounds; it stores none"),
                        self->v2.background_id);

  members = json_object_get_members (fields);
  for (const GList *l = members; l != NULL; l = l->next)
    {
      gboolean known = bare && g_str_equal (l->data, BOTBENCH_BOT_JSON_EXTENSION_KEY);

      for (guint i = 0; i < G_N_ELEMENTS (field_keys) && !known; i++)
        known = g_str_equal (l->data, field_keys[i][0]) || g_str_equal (l->data, field_keys[i][1]);
      if (!known)
        _botbench_bot_warn (warnings,
                            _("fields.%s is not an imbot.v2.Bot.register field and was ignored"),
                            (const char *)l->data);
    }

  return TRUE;
}

BotbenchBot *
_botbench_bot_v2_new_from_object (JsonObject  *object,
                                  gboolean     bare,
                                  GPtrArray   *warnings,
                                  GError     **error)
{
  g_autoptr(BotbenchBot) self = botbench_bot_new ();
  g_autofree char *top_token = NULL;
  JsonNode *fields;

  self->api = BOTBENCH_BOT_API_V2;

  fields = bare ? NULL : json_object_get_member (object, BOTBENCH_BOT_V2_FIELDS_KEY);
  if (!bare && (fields == NULL || !JSON_NODE_HOLDS_OBJECT (fields)))
    {
      g_set_error (error, BOTBENCH_BOT_ERROR, BOTBENCH_BOT_ERROR_BAD_VALUE,
                   _("“%s” must be an object"), BOTBENCH_BOT_V2_FIELDS_KEY);
      return NULL;
    }

  if (!read_fields (self, bare ? object : json_node_get_object (fields), bare, warnings, error))
    return NULL;

  if (!bare)
    {
      g_autoptr(GList) members = json_object_get_members (object);

      /* §2.1: a top-level botToken wins over fields.botToken */
      if (!read_string (object, "botToken", "BOT_TOKEN", "", &top_token, error))
        return NULL;
      if (top_token != NULL)
        botbench_bot_set_bot_token (self, top_token);

      for (const GList *l = members; l != NULL; l = l->next)
        if (!g_str_equal (l->data, BOTBENCH_BOT_V2_FIELDS_KEY) && !g_str_equal (l->data, "botToken") &&
            !g_str_equal (l->data, "BOT_TOKEN") && !g_str_equal (l->data, BOTBENCH_BOT_JSON_EXTENSION_KEY))
          _botbench_bot_warn (warnings,
                              _("Unknown key “%s” is not an imbot.v2.Bot.register parameter and was ignored"),
                              (const char *)l->data);
    }

  if (top_token != NULL)
    memset (top_token, 0, strlen (top_token));

  if (!_botbench_bot_read_extension (self, json_object_get_member (object, BOTBENCH_BOT_JSON_EXTENSION_KEY),
                                     warnings, error))
    return NULL;

  return g_steal_pointer (&self);
}

BotbenchBot *
botbench_bot_new_v2_from_json (JsonNode   *node,
                               GPtrArray  *warnings,
                               GError    **error)
{
  JsonObject *object;

  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, BOTBENCH_BOT_ERROR, BOTBENCH_BOT_ERROR_NOT_AN_OBJECT,
                   _("A v2 bot definition must be a JSON object (the imbot.v2.Bot.register parameters)"));
      return NULL;
    }

  object = json_node_get_object (node);
  return _botbench_bot_v2_new_from_object (object, !json_object_has_member (object, BOTBENCH_BOT_V2_FIELDS_KEY),
                                           warnings, error);
}

/* Export */

static JsonObject *
build_properties (BotbenchBot *self)
{
  JsonObject *props = json_object_new ();

  for (guint i = 0; i < G_N_ELEMENTS (property_keys); i++)
    {
      const char *value;

      if (g_str_equal (property_keys[i].camel, "color"))
        value = botbench_bot_color_to_v2_name (self->color);
      else if (g_str_equal (property_keys[i].camel, "gender"))
        value = botbench_bot_gender_to_code (self->gender);
      else
        value = self->props[property_keys[i].property];

      _botbench_bot_set_nullable (props, property_keys[i].camel, value);
    }

  return props;
}

static JsonObject *
build_fields (BotbenchBot *self,
              gboolean     with_token)
{
  JsonObject *fields = json_object_new ();

  _botbench_bot_set_nullable (fields, "code", self->code);
  if (with_token)
    _botbench_bot_set_nullable (fields, "botToken", self->v2.bot_token);
  _botbench_bot_set_nullable (fields, "type", self->v2.type);
  _botbench_bot_set_nullable (fields, "eventMode", self->v2.event_mode);
  _botbench_bot_set_nullable (fields, "webhookUrl", self->v2.webhook_url);
  json_object_set_boolean_member (fields, "isHidden", self->v2.is_hidden);
  json_object_set_boolean_member (fields, "isReactionsEnabled", self->v2.is_reactions_enabled);
  json_object_set_boolean_member (fields, "isSupportOpenline", self->v2.is_support_openline);
  _botbench_bot_set_nullable (fields, "backgroundId", self->v2.background_id);
  json_object_set_object_member (fields, "properties", build_properties (self));

  return fields;
}

JsonNode *
_botbench_bot_v2_object_node (JsonObject *object)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, object);
  return node;
}

JsonNode *
_botbench_bot_v2_to_json (BotbenchBot *self)
{
  JsonObject *object = json_object_new ();
  JsonObject *extension;

  /* Never the token: this is what the bot store writes. */
  json_object_set_object_member (object, BOTBENCH_BOT_V2_FIELDS_KEY, build_fields (self, FALSE));

  extension = _botbench_bot_build_extension (self);
  if (json_object_get_size (extension) > 0)
    json_object_set_object_member (object, BOTBENCH_BOT_JSON_EXTENSION_KEY, extension);
  else
    json_object_unref (extension);

  return _botbench_bot_v2_object_node (object);
}

/* Request bodies */

JsonNode *
botbench_bot_v2_build_register_body (BotbenchBot *self,
                                     gboolean     webhook_auth)
{
  JsonObject *object;

  g_return_val_if_fail (BOTBENCH_IS_BOT (self), NULL);

  /* The token in fields (documented) and at the top level, which the
   * server reads first: so it owns the bot even when a CLIENT_ID goes
   * with the call (§2.1, owner resolution; §7 item 1). */
  object = json_object_new ();
  if (webhook_auth)
    _botbench_bot_set_nullable (object, "botToken", self->v2.bot_token);
  json_object_set_object_member (object, BOTBENCH_BOT_V2_FIELDS_KEY, build_fields (self, webhook_auth));

  return _botbench_bot_v2_object_node (object);
}

JsonObject *
_botbench_bot_v2_scoped_object (BotbenchBot *self,
                                gboolean     webhook_auth)
{
  JsonObject *object = json_object_new ();

  json_object_set_int_member (object, "botId", self->bot_id);
  if (webhook_auth)
    _botbench_bot_set_nullable (object, "botToken", self->v2.bot_token);

  return object;
}

static void
set_changed_string (JsonObject *object,
                    const char *key,
                    const char *before,
                    const char *after)
{
  if (g_strcmp0 (before, after) == 0)
    return;
  json_object_set_string_member (object, key, after != NULL ? after : "");
}

JsonNode *
botbench_bot_v2_build_update_body (BotbenchBot *old,
                                   BotbenchBot *new_,
                                   gboolean     webhook_auth)
{
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autoptr(JsonObject) props = json_object_new ();
  JsonObject *object;

  g_return_val_if_fail (BOTBENCH_IS_BOT (old), NULL);
  g_return_val_if_fail (BOTBENCH_IS_BOT (new_), NULL);

  for (guint i = 0; i < G_N_ELEMENTS (property_keys); i++)
    {
      int p = property_keys[i].property;

      if (g_str_equal (property_keys[i].camel, "color"))
        {
          if (old->color != new_->color && new_->color != BOTBENCH_BOT_COLOR_NONE)
            json_object_set_string_member (props, "color", botbench_bot_color_to_v2_name (new_->color));
        }
      else if (g_str_equal (property_keys[i].camel, "gender"))
        set_changed_string (props, "gender", botbench_bot_gender_to_code (old->gender),
                            botbench_bot_gender_to_code (new_->gender));
      else if (p == BOTBENCH_BOT_PROPERTY_PERSONAL_PHOTO)
        {
          /* an avatar cannot be removed through an update */
          if (new_->props[p] != NULL && *new_->props[p] != '\0' && g_strcmp0 (old->props[p], new_->props[p]) != 0)
            json_object_set_string_member (props, "avatar", new_->props[p]);
        }
      else
        set_changed_string (props, property_keys[i].camel, old->props[p], new_->props[p]);
    }
  if (json_object_get_size (props) > 0)
    json_object_set_object_member (fields, "properties", g_steal_pointer (&props));

  if (old->v2.is_hidden != new_->v2.is_hidden)
    json_object_set_boolean_member (fields, "isHidden", new_->v2.is_hidden);
  if (old->v2.is_reactions_enabled != new_->v2.is_reactions_enabled)
    json_object_set_boolean_member (fields, "isReactionsEnabled", new_->v2.is_reactions_enabled);
  if (old->v2.is_support_openline != new_->v2.is_support_openline)
    json_object_set_boolean_member (fields, "isSupportOpenline", new_->v2.is_support_openline);
  if (g_strcmp0 (old->v2.background_id, new_->v2.background_id) != 0)
    {
      if (new_->v2.background_id != NULL)
        json_object_set_string_member (fields, "backgroundId", new_->v2.background_id);
      else
        json_object_set_null_member (fields, "backgroundId");   /* null resets (§2.2) */
    }
  if (g_strcmp0 (old->v2.event_mode, new_->v2.event_mode) != 0 &&
      (new_->v2.event_mode != NULL ||
       botbench_bot_get_effective_event_mode (old) != BOTBENCH_BOT_EVENT_MODE_FETCH))
    json_object_set_string_member (fields, "eventMode",
                                   new_->v2.event_mode != NULL ? new_->v2.event_mode : "fetch");
  if (new_->v2.webhook_url != NULL && g_strcmp0 (old->v2.webhook_url, new_->v2.webhook_url) != 0)
    json_object_set_string_member (fields, "webhookUrl", new_->v2.webhook_url);
  /* Rotation: the current token authenticates, the new one is in fields */
  if (webhook_auth && new_->v2.bot_token != NULL && *new_->v2.bot_token != '\0' &&
      g_strcmp0 (old->v2.bot_token, new_->v2.bot_token) != 0)
    json_object_set_string_member (fields, "botToken", new_->v2.bot_token);

  if (json_object_get_size (fields) == 0)
    return NULL;

  object = _botbench_bot_v2_scoped_object (old, webhook_auth);
  json_object_set_int_member (object, "botId", new_->bot_id > 0 ? new_->bot_id : old->bot_id);
  json_object_set_object_member (object, BOTBENCH_BOT_V2_FIELDS_KEY, g_steal_pointer (&fields));

  return _botbench_bot_v2_object_node (object);
}

JsonNode *
botbench_bot_v2_build_unregister_body (BotbenchBot *self,
                                       gboolean     webhook_auth)
{
  g_return_val_if_fail (BOTBENCH_IS_BOT (self), NULL);
  return _botbench_bot_v2_object_node (_botbench_bot_v2_scoped_object (self, webhook_auth));
}

JsonNode *
botbench_bot_v2_build_get_body (BotbenchBot *self,
                                gboolean     webhook_auth)
{
  JsonObject *object;

  g_return_val_if_fail (BOTBENCH_IS_BOT (self), NULL);

  /* botId wins; else the code (§2.5) */
  object = json_object_new ();
  if (self->bot_id > 0)
    json_object_set_int_member (object, "botId", self->bot_id);
  else
    _botbench_bot_set_nullable (object, "code", self->code);
  if (webhook_auth)
    _botbench_bot_set_nullable (object, "botToken", self->v2.bot_token);

  return _botbench_bot_v2_object_node (object);
}

JsonNode *
botbench_bot_v2_build_list_body (const char *bot_token,
                                 guint       limit,
                                 guint       offset)
{
  JsonObject *object = json_object_new ();

  _botbench_bot_set_nullable (object, "botToken", bot_token);
  if (limit > 0)
    json_object_set_int_member (object, "limit", limit);
  if (offset > 0)
    json_object_set_int_member (object, "offset", offset);

  return _botbench_bot_v2_object_node (object);
}
