/* botbench-bot-json.c: a bot definition read from and written as JSON
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Import reads a definition file or an imbot.register body the way the
 * portal reads its parameters (PHP's loose strings, upper-cased keys,
 * warnings for what it would ignore); export builds the canonical
 * register body, the definition file, and the FIELDS of an imbot.update
 * with only what changed.
 */
#define G_LOG_DOMAIN "botbench-bot"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "botbench-bot.h"
#include "botbench-bot-private.h"
#include "botbench-json.h"

/* The order of PROPERTIES in the canonical body, as the docs list them. */
static const char *canonical_props[] = {
  "NAME", "LAST_NAME", "COLOR", "EMAIL", "PERSONAL_BIRTHDAY", "WORK_POSITION",
  "PERSONAL_WWW", "PERSONAL_GENDER", "PERSONAL_PHOTO",
};

/* JSON import: what v1 and v2 definitions share */

gboolean
_botbench_bot_json_read_string (JsonNode    *node,
                                const char  *shown,
                                char       **out,
                                GError     **error)
{
  gboolean ok = TRUE;
  char *value;

  if (node == NULL)
    return TRUE;

  value = _botbench_bot_node_dup_string (node, &ok);
  if (!ok)
    {
      g_set_error (error, BOTBENCH_BOT_ERROR, BOTBENCH_BOT_ERROR_BAD_VALUE,
                   _("“%s” must be a string"), shown);
      return FALSE;
    }

  g_free (*out);
  *out = value;

  return TRUE;
}

gboolean
_botbench_bot_json_get_object (JsonNode    *node,
                               const char  *shown,
                               JsonObject **out,
                               GError     **error)
{
  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, BOTBENCH_BOT_ERROR, BOTBENCH_BOT_ERROR_BAD_VALUE,
                   _("“%s” must be an object"), shown);
      return FALSE;
    }

  *out = json_node_get_object (node);
  return TRUE;
}

gboolean
_botbench_bot_set_gender_text (BotbenchBot *self,
                               const char  *gender)
{
  if (g_strcmp0 (gender, "M") == 0)
    self->gender = BOTBENCH_BOT_GENDER_MALE;
  else if (g_strcmp0 (gender, "F") == 0)
    self->gender = BOTBENCH_BOT_GENDER_FEMALE;
  else if (gender != NULL && *gender != '\0')
    return FALSE;

  return TRUE;
}

/* JSON import: v1 */

static gboolean
read_string (JsonObject  *object,
             const char  *key,
             const char  *shown_key,
             char       **out,
             GError     **error)
{
  return _botbench_bot_json_read_string (json_object_get_member (object, key), shown_key, out, error);
}

static gboolean
read_properties (BotbenchBot  *self,
                 JsonNode     *node,
                 GPtrArray    *warnings,
                 GError      **error)
{
  JsonObject *object;
  g_autoptr(GList) members = NULL;
  g_autofree char *color = NULL;
  g_autofree char *gender = NULL;

  if (!_botbench_bot_json_get_object (node, "PROPERTIES", &object, error))
    return FALSE;
  if (object == NULL)
    return TRUE;

  for (guint i = 0; i < BOTBENCH_BOT_N_PROPERTIES; i++)
    {
      g_autofree char *shown = g_strconcat ("PROPERTIES.", botbench_bot_property_to_key (i), NULL);

      if (i == BOTBENCH_BOT_PROPERTY_PERSONAL_PHOTO)
        {
          JsonNode *photo = json_object_get_member (object, botbench_bot_property_to_key (i));

          /* The array form [file name, base64] (§1.8): keep the content. */
          if (photo != NULL && JSON_NODE_HOLDS_ARRAY (photo))
            {
              JsonArray *array = json_node_get_array (photo);
              gboolean ok = TRUE;

              if (json_array_get_length (array) >= 2)
                self->props[i] = _botbench_bot_node_dup_string (json_array_get_element (array, 1), &ok);
              if (!ok || json_array_get_length (array) < 2)
                {
                  g_set_error (error, BOTBENCH_BOT_ERROR, BOTBENCH_BOT_ERROR_BAD_VALUE,
                               _("“%s” must be base64 text or [file name, base64 text]"), shown);
                  return FALSE;
                }
              _botbench_bot_warn (warnings,
                                  _("PROPERTIES.PERSONAL_PHOTO: the file name of the [name, content] form "
                                    "is not kept; the avatar is sent as base64 text"));
              continue;
            }
        }

      if (!read_string (object, botbench_bot_property_to_key (i), shown, &self->props[i], error))
        return FALSE;
    }

  if (!read_string (object, "COLOR", "PROPERTIES.COLOR", &color, error) ||
      !read_string (object, "PERSONAL_GENDER", "PROPERTIES.PERSONAL_GENDER", &gender, error))
    return FALSE;

  if (color != NULL && *color != '\0' && !botbench_bot_color_from_name (color, &self->color))
    _botbench_bot_warn (warnings,
                        _("PROPERTIES.COLOR: “%s” is not one of the 16 documented colours and was ignored"),
                        color);

  if (!_botbench_bot_set_gender_text (self, gender))
    _botbench_bot_warn (warnings,
                        _("PROPERTIES.PERSONAL_GENDER: “%s” is neither M nor F; the portal stores it as empty"),
                        gender);

  members = json_object_get_members (object);
  for (const GList *l = members; l != NULL; l = l->next)
    {
      const char *key = l->data;
      g_autofree char *upper = g_ascii_strup (key, -1);

      if (g_strv_contains (canonical_props, key))
        continue;

      if (g_strv_contains (canonical_props, upper))
        _botbench_bot_warn (warnings,
                            _("PROPERTIES.%s is ignored by the portal: keys inside PROPERTIES are "
                              "case-sensitive, write %s"),
                            key, upper);
      else
        _botbench_bot_warn (warnings, _("PROPERTIES.%s is not a bot property and was ignored"), key);
    }

  return TRUE;
}

gboolean
_botbench_bot_read_extension (BotbenchBot  *self,
                              JsonNode     *node,
                              GPtrArray    *warnings,
                              GError      **error)
{
  JsonObject *object;
  JsonNode *commands;

  if (!_botbench_bot_json_get_object (node, BOTBENCH_BOT_JSON_EXTENSION_KEY, &object, error))
    return FALSE;
  if (object == NULL)
    return TRUE;

  if (json_object_has_member (object, "BOT_ID"))
    {
      g_autofree char *text = NULL;
      gboolean ok = TRUE;
      gint64 value = 0;

      text = _botbench_bot_node_dup_string (json_object_get_member (object, "BOT_ID"), &ok);
      if (!ok || (text != NULL && !g_ascii_string_to_signed (text, 10, 0, G_MAXINT64, &value, NULL)))
        {
          g_set_error (error, BOTBENCH_BOT_ERROR, BOTBENCH_BOT_ERROR_BAD_VALUE,
                       _("“%s” must be a positive integer"), BOTBENCH_BOT_JSON_EXTENSION_KEY ".BOT_ID");
          return FALSE;
        }
      self->bot_id = value;
    }

  if (!read_string (object, "PROFILE_UUID", BOTBENCH_BOT_JSON_EXTENSION_KEY ".PROFILE_UUID",
                    &self->profile_uuid, error))
    return FALSE;

  commands = json_object_get_member (object, "COMMANDS");
  if (commands != NULL && JSON_NODE_HOLDS_ARRAY (commands))
    {
      JsonArray *array = json_node_get_array (commands);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          g_autoptr(BotbenchBotCommand) command = NULL;

          command = botbench_bot_command_new_from_json (json_array_get_element (array, i), warnings, error);
          if (command == NULL)
            return FALSE;
          g_list_store_append (self->commands, command);
        }
    }
  else if (commands != NULL && !JSON_NODE_HOLDS_NULL (commands))
    {
      g_set_error (error, BOTBENCH_BOT_ERROR, BOTBENCH_BOT_ERROR_BAD_VALUE,
                   _("“%s” must be an array"), BOTBENCH_BOT_JSON_EXTENSION_KEY ".COMMANDS");
      return FALSE;
    }

  return TRUE;
}

BotbenchBot *
botbench_bot_new_from_json (JsonNode   *node,
                            GPtrArray  *warnings,
                            GError    **error)
{
  static const char *known[] = {
    "CODE", "TYPE", "OPENLINE", "EVENT_HANDLER", "EVENT_MESSAGE_ADD", "EVENT_MESSAGE_UPDATE",
    "EVENT_MESSAGE_DELETE", "EVENT_WELCOME_MESSAGE", "EVENT_BOT_DELETE", "CLIENT_ID", "PROPERTIES",
    BOTBENCH_BOT_JSON_EXTENSION_KEY, NULL
  };
  g_autoptr(BotbenchBot) self = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GList) members = NULL;
  g_autofree char *type = NULL;

  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, BOTBENCH_BOT_ERROR, BOTBENCH_BOT_ERROR_NOT_AN_OBJECT,
                   _("A bot definition must be a JSON object (the imbot.register parameters)"));
      return NULL;
    }

  /* A top-level "fields" is an imbot.v2.Bot.register body. */
  if (json_object_has_member (json_node_get_object (node), BOTBENCH_BOT_V2_FIELDS_KEY))
    return _botbench_bot_v2_new_from_object (json_node_get_object (node), FALSE, warnings, error);

  /* §1.1: the server upper-cases the top-level keys only */
  object = _botbench_bot_upper_keys (json_node_get_object (node), warnings);
  self = botbench_bot_new ();

  if (!read_string (object, "CODE", "CODE", &self->code, error) ||
      !read_string (object, "TYPE", "TYPE", &type, error) ||
      !read_string (object, "EVENT_HANDLER", "EVENT_HANDLER", &self->event_handler, error))
    return NULL;

  for (guint i = 0; i < BOTBENCH_BOT_N_HANDLERS; i++)
    if (!read_string (object, botbench_bot_handler_to_param (i), botbench_bot_handler_to_param (i), &self->handlers[i], error))
      return NULL;

  if (type != NULL && !botbench_bot_type_from_code (type, &self->type))
    _botbench_bot_warn (warnings,
                        _("TYPE “%s” is not B, O, H or S: the portal registers an ordinary bot (B)"),
                        type);

  self->openline = _botbench_bot_node_is_y (json_object_get_member (object, "OPENLINE"));
  if (json_object_has_member (object, "OPENLINE") && !self->openline)
    {
      gboolean ok = TRUE;
      g_autofree char *openline = _botbench_bot_node_dup_string (json_object_get_member (object, "OPENLINE"), &ok);

      if (openline != NULL && !g_str_equal (openline, "N"))
        _botbench_bot_warn (warnings, _("OPENLINE “%s” is not Y: Open Channel support stays off"), openline);
    }

  if (!read_properties (self, json_object_get_member (object, "PROPERTIES"), warnings, error) ||
      !_botbench_bot_read_extension (self, json_object_get_member (object, BOTBENCH_BOT_JSON_EXTENSION_KEY), warnings, error))
    return NULL;

  members = json_object_get_members (object);
  for (const GList *l = members; l != NULL; l = l->next)
    if (!g_strv_contains (known, l->data))
      _botbench_bot_warn (warnings, _("Unknown key “%s” is not an imbot.register parameter and was ignored"),
                          (const char *)l->data);

  return g_steal_pointer (&self);
}

BotbenchBot *
botbench_bot_new_from_data (const char  *data,
                            gssize       length,
                            GPtrArray   *warnings,
                            GError     **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize len;
  gsize i = 0;

  g_return_val_if_fail (data != NULL, NULL);

  len = length < 0 ? strlen (data) : (gsize)length;

  if (len > BOTBENCH_BOT_MAX_FILE_SIZE)
    {
      g_autofree char *have = g_format_size_full (len, G_FORMAT_SIZE_IEC_UNITS);
      g_autofree char *limit = g_format_size_full (BOTBENCH_BOT_MAX_FILE_SIZE, G_FORMAT_SIZE_IEC_UNITS);

      g_set_error (error, BOTBENCH_JSON_ERROR, BOTBENCH_JSON_ERROR_TOO_LARGE,
                   _("A bot definition of %s is more than the %s allowed"), have, limit);
      return NULL;
    }

  /* Nothing at all is not a definition, rather than broken JSON. */
  while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r'))
    i++;
  if (i == len)
    {
      g_set_error (error, BOTBENCH_BOT_ERROR, BOTBENCH_BOT_ERROR_NOT_AN_OBJECT,
                   _("A bot definition must be a JSON object (the imbot.register parameters)"));
      return NULL;
    }

  /* Checked before json-glib sees it: nesting depth, one value only. */
  root = botbench_json_parse (data, len, &local_error);
  if (root == NULL)
    {
      g_set_error_literal (error, BOTBENCH_BOT_ERROR, BOTBENCH_BOT_ERROR_PARSE, local_error->message);
      return NULL;
    }

  return botbench_bot_new_from_json (root, warnings, error);
}

BotbenchBot *
botbench_bot_new_from_file (const char  *path,
                            GPtrArray   *warnings,
                            GError     **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GBytes) bytes = NULL;
  const char *data;
  gsize length = 0;

  g_return_val_if_fail (path != NULL, NULL);

  /* Refused from its size before anything is read, and again while reading. */
  file = g_file_new_for_path (path);
  bytes = botbench_json_read_file (file, BOTBENCH_BOT_MAX_FILE_SIZE, NULL, error);
  if (bytes == NULL)
    return NULL;

  data = g_bytes_get_data (bytes, &length);
  return botbench_bot_new_from_data (data != NULL ? data : "", length, warnings, error);
}

/* JSON export */

static const char *
property_for_key (BotbenchBot *self,
                  const char  *key)
{
  if (g_str_equal (key, "COLOR"))
    return botbench_bot_color_to_name (self->color);
  if (g_str_equal (key, "PERSONAL_GENDER"))
    return botbench_bot_gender_to_code (self->gender);

  for (guint i = 0; i < BOTBENCH_BOT_N_PROPERTIES; i++)
    if (g_str_equal (key, botbench_bot_property_to_key (i)))
      return self->props[i];

  g_assert_not_reached ();
  return NULL;
}

static JsonObject *
build_register_object (BotbenchBot *self,
                       const char  *client_id)
{
  JsonObject *object = json_object_new ();
  JsonObject *props = json_object_new ();

  _botbench_bot_set_nullable (object, "CODE", self->code);
  json_object_set_string_member (object, "TYPE", botbench_bot_type_to_code (self->type));
  json_object_set_string_member (object, "OPENLINE", self->openline ? "Y" : "N");
  _botbench_bot_set_nullable (object, "EVENT_HANDLER", self->event_handler);
  for (guint i = 0; i < BOTBENCH_BOT_N_HANDLERS; i++)
    _botbench_bot_set_nullable (object, botbench_bot_handler_to_param (i), self->handlers[i]);

  for (guint i = 0; i < G_N_ELEMENTS (canonical_props); i++)
    _botbench_bot_set_nullable (props, canonical_props[i], property_for_key (self, canonical_props[i]));
  json_object_set_object_member (object, "PROPERTIES", props);

  _botbench_bot_set_nullable (object, "CLIENT_ID", client_id);

  return object;
}

JsonNode *
botbench_bot_build_register_body (BotbenchBot *self,
                                  const char  *client_id)
{
  JsonNode *node;

  g_return_val_if_fail (BOTBENCH_IS_BOT (self), NULL);

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, build_register_object (self, client_id));

  return node;
}

JsonObject *
_botbench_bot_build_extension (BotbenchBot *self)
{
  JsonObject *extension;
  JsonArray *commands;
  guint n;

  extension = json_object_new ();
  commands = json_array_new ();

  if (self->bot_id > 0)
    json_object_set_int_member (extension, "BOT_ID", self->bot_id);
  _botbench_bot_set_nullable (extension, "PROFILE_UUID", self->profile_uuid);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->commands));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BotbenchBotCommand) command = g_list_model_get_item (G_LIST_MODEL (self->commands), i);

      json_array_add_element (commands, botbench_bot_command_to_json (command));
    }

  if (n > 0)
    json_object_set_array_member (extension, "COMMANDS", commands);
  else
    json_array_unref (commands);

  return extension;
}

JsonNode *
botbench_bot_to_json (BotbenchBot *self)
{
  JsonObject *object;
  JsonObject *extension;
  JsonNode *node;

  g_return_val_if_fail (BOTBENCH_IS_BOT (self), NULL);

  if (self->api == BOTBENCH_BOT_API_V2)
    return _botbench_bot_v2_to_json (self);

  object = build_register_object (self, NULL);
  extension = _botbench_bot_build_extension (self);

  if (json_object_get_size (extension) > 0)
    json_object_set_object_member (object, BOTBENCH_BOT_JSON_EXTENSION_KEY, extension);
  else
    json_object_unref (extension);

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, object);

  return node;
}

char *
botbench_bot_to_data (BotbenchBot *self)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonGenerator) generator = NULL;
  g_autofree char *data = NULL;

  g_return_val_if_fail (BOTBENCH_IS_BOT (self), NULL);

  node = botbench_bot_to_json (self);
  generator = json_generator_new ();
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, node);
  data = json_generator_to_data (generator, NULL);

  return g_strconcat (data, "\n", NULL);
}

static gboolean
same_effective_handlers (BotbenchBot *a,
                         BotbenchBot *b)
{
  for (guint i = 0; i < BOTBENCH_BOT_N_HANDLERS; i++)
    if (g_strcmp0 (botbench_bot_get_effective_handler (a, i), botbench_bot_get_effective_handler (b, i)) != 0)
      return FALSE;

  return TRUE;
}

JsonNode *
botbench_bot_build_update_fields (BotbenchBot *old,
                                  BotbenchBot *new_,
                                  const char  *client_id)
{
  g_autoptr(JsonObject) fields = NULL;
  g_autoptr(JsonObject) props = NULL;
  JsonObject *object;
  JsonNode *node;

  g_return_val_if_fail (BOTBENCH_IS_BOT (old), NULL);
  g_return_val_if_fail (BOTBENCH_IS_BOT (new_), NULL);

  fields = json_object_new ();
  props = json_object_new ();

  /* CODE is collected only when non-empty (§2.2) */
  if (g_strcmp0 (old->code, new_->code) != 0 && !_botbench_bot_php_empty (new_->code))
    json_object_set_string_member (fields, "CODE", new_->code);

  /* Handlers: an empty one is skipped by the server, so a handler can be
   * changed but not removed. */
  if (!_botbench_bot_php_empty (new_->event_handler))
    {
      if (!same_effective_handlers (old, new_))
        json_object_set_string_member (fields, "EVENT_HANDLER", new_->event_handler);
    }
  else
    {
      for (guint i = 0; i < BOTBENCH_BOT_N_HANDLERS; i++)
        {
          const char *url = botbench_bot_get_effective_handler (new_, i);

          if (url != NULL && g_strcmp0 (url, botbench_bot_get_effective_handler (old, i)) != 0)
            json_object_set_string_member (fields, botbench_bot_handler_to_param (i), url);
        }
    }

  for (guint i = 0; i < G_N_ELEMENTS (canonical_props); i++)
    {
      const char *key = canonical_props[i];
      const char *before = property_for_key (old, key);
      const char *after = property_for_key (new_, key);

      if (g_strcmp0 (before, after) == 0)
        continue;

      if (after != NULL)
        json_object_set_string_member (props, key, after);
      else if (!g_str_equal (key, "PERSONAL_BIRTHDAY") && !g_str_equal (key, "PERSONAL_PHOTO"))
        json_object_set_string_member (props, key, "");
    }

  if (json_object_get_size (props) > 0)
    json_object_set_object_member (fields, "PROPERTIES", g_steal_pointer (&props));

  if (json_object_get_size (fields) == 0)
    return NULL;

  object = json_object_new ();
  json_object_set_int_member (object, "BOT_ID", new_->bot_id > 0 ? new_->bot_id : old->bot_id);
  json_object_set_object_member (object, "FIELDS", g_steal_pointer (&fields));
  _botbench_bot_set_nullable (object, "CLIENT_ID", client_id);

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, object);

  return node;
}

JsonNode *
botbench_bot_build_unregister_body (BotbenchBot *self,
                                    const char  *client_id)
{
  JsonObject *object;
  JsonNode *node;

  g_return_val_if_fail (BOTBENCH_IS_BOT (self), NULL);

  object = json_object_new ();
  json_object_set_int_member (object, "BOT_ID", self->bot_id);
  _botbench_bot_set_nullable (object, "CLIENT_ID", client_id);

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, object);

  return node;
}
