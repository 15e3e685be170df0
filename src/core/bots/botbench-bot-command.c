/* botbench-bot-command.c: a slash command of a bot (imbot.command.register)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "botbench-bot-command"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "botbench-bot.h"
#include "botbench-bot-command.h"
#include "botbench-bot-private.h"

struct _BotbenchBotCommand
{
  GObject    parent_instance;

  char      *command;
  gboolean   common;
  gboolean   hidden;
  gboolean   extranet_support;
  char      *event_command_add;
  gint64     command_id;
  GPtrArray *langs;   /* of BotbenchBotCommandLang */
};

G_DEFINE_FINAL_TYPE (BotbenchBotCommand, botbench_bot_command, G_TYPE_OBJECT)
G_DEFINE_BOXED_TYPE (BotbenchBotCommandLang, botbench_bot_command_lang,
                     botbench_bot_command_lang_copy, botbench_bot_command_lang_free)

enum {
  PROP_0,
  PROP_COMMAND,
  PROP_COMMON,
  PROP_HIDDEN,
  PROP_EXTRANET_SUPPORT,
  PROP_EVENT_COMMAND_ADD,
  PROP_COMMAND_ID,
  PROP_N_LANGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

BotbenchBotCommandLang *
botbench_bot_command_lang_new (const char *language_id,
                               const char *title,
                               const char *params)
{
  BotbenchBotCommandLang *lang = g_new0 (BotbenchBotCommandLang, 1);

  lang->language_id = g_strdup (language_id);
  lang->title = g_strdup (title);
  lang->params = g_strdup (params);

  return lang;
}

BotbenchBotCommandLang *
botbench_bot_command_lang_copy (const BotbenchBotCommandLang *lang)
{
  g_return_val_if_fail (lang != NULL, NULL);

  return botbench_bot_command_lang_new (lang->language_id, lang->title, lang->params);
}

void
botbench_bot_command_lang_free (BotbenchBotCommandLang *lang)
{
  if (lang == NULL)
    return;

  g_free (lang->language_id);
  g_free (lang->title);
  g_free (lang->params);
  g_free (lang);
}

static gboolean
set_string (char       **field,
            const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;

  g_free (*field);
  *field = g_strdup (value);

  return TRUE;
}

static JsonNode *
langs_to_json (BotbenchBotCommand *self)
{
  JsonArray *array = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; i < self->langs->len; i++)
    {
      const BotbenchBotCommandLang *lang = g_ptr_array_index (self->langs, i);
      JsonObject *object = json_object_new ();

      json_object_set_string_member (object, "LANGUAGE_ID", lang->language_id ? lang->language_id : "");
      json_object_set_string_member (object, "TITLE", lang->title ? lang->title : "");
      _botbench_bot_set_nullable (object, "PARAMS", lang->params);
      json_array_add_object_element (array, object);
    }

  json_node_take_array (node, array);

  return node;
}

static gboolean
langs_equal (BotbenchBotCommand *a,
             BotbenchBotCommand *b)
{
  if (a->langs->len != b->langs->len)
    return FALSE;

  for (guint i = 0; i < a->langs->len; i++)
    {
      const BotbenchBotCommandLang *la = g_ptr_array_index (a->langs, i);
      const BotbenchBotCommandLang *lb = g_ptr_array_index (b->langs, i);

      if (g_strcmp0 (la->language_id, lb->language_id) != 0 ||
          g_strcmp0 (la->title, lb->title) != 0 ||
          g_strcmp0 (la->params, lb->params) != 0)
        return FALSE;
    }

  return TRUE;
}

static void
botbench_bot_command_finalize (GObject *object)
{
  BotbenchBotCommand *self = (BotbenchBotCommand *)object;

  g_clear_pointer (&self->command, g_free);
  g_clear_pointer (&self->event_command_add, g_free);
  g_clear_pointer (&self->langs, g_ptr_array_unref);

  G_OBJECT_CLASS (botbench_bot_command_parent_class)->finalize (object);
}

static void
botbench_bot_command_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  BotbenchBotCommand *self = BOTBENCH_BOT_COMMAND (object);

  switch (prop_id)
    {
    case PROP_COMMAND:
      g_value_set_string (value, self->command);
      break;

    case PROP_COMMON:
      g_value_set_boolean (value, self->common);
      break;

    case PROP_HIDDEN:
      g_value_set_boolean (value, self->hidden);
      break;

    case PROP_EXTRANET_SUPPORT:
      g_value_set_boolean (value, self->extranet_support);
      break;

    case PROP_EVENT_COMMAND_ADD:
      g_value_set_string (value, self->event_command_add);
      break;

    case PROP_COMMAND_ID:
      g_value_set_int64 (value, self->command_id);
      break;

    case PROP_N_LANGS:
      g_value_set_uint (value, self->langs->len);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
botbench_bot_command_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  BotbenchBotCommand *self = BOTBENCH_BOT_COMMAND (object);

  switch (prop_id)
    {
    case PROP_COMMAND:
      botbench_bot_command_set_command (self, g_value_get_string (value));
      break;

    case PROP_COMMON:
      botbench_bot_command_set_common (self, g_value_get_boolean (value));
      break;

    case PROP_HIDDEN:
      botbench_bot_command_set_hidden (self, g_value_get_boolean (value));
      break;

    case PROP_EXTRANET_SUPPORT:
      botbench_bot_command_set_extranet_support (self, g_value_get_boolean (value));
      break;

    case PROP_EVENT_COMMAND_ADD:
      botbench_bot_command_set_event_command_add (self, g_value_get_string (value));
      break;

    case PROP_COMMAND_ID:
      botbench_bot_command_set_command_id (self, g_value_get_int64 (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
botbench_bot_command_class_init (BotbenchBotCommandClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = botbench_bot_command_finalize;
  object_class->get_property = botbench_bot_command_get_property;
  object_class->set_property = botbench_bot_command_set_property;

  properties[PROP_COMMAND] =
    g_param_spec_string ("command", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_COMMON] =
    g_param_spec_boolean ("common", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HIDDEN] =
    g_param_spec_boolean ("hidden", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_EXTRANET_SUPPORT] =
    g_param_spec_boolean ("extranet-support", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_EVENT_COMMAND_ADD] =
    g_param_spec_string ("event-command-add", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_COMMAND_ID] =
    g_param_spec_int64 ("command-id", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Notified on every change of the LANG list, not only of its length. */
  properties[PROP_N_LANGS] =
    g_param_spec_uint ("n-langs", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
botbench_bot_command_init (BotbenchBotCommand *self)
{
  self->langs = g_ptr_array_new_with_free_func ((GDestroyNotify)botbench_bot_command_lang_free);
}

BotbenchBotCommand *
botbench_bot_command_new (const char *command)
{
  return g_object_new (BOTBENCH_TYPE_BOT_COMMAND, "command", command, NULL);
}

BotbenchBotCommand *
botbench_bot_command_copy (BotbenchBotCommand *self)
{
  BotbenchBotCommand *copy;

  g_return_val_if_fail (BOTBENCH_IS_BOT_COMMAND (self), NULL);

  copy = botbench_bot_command_new (self->command);
  copy->common = self->common;
  copy->hidden = self->hidden;
  copy->extranet_support = self->extranet_support;
  copy->event_command_add = g_strdup (self->event_command_add);
  copy->command_id = self->command_id;
  for (guint i = 0; i < self->langs->len; i++)
    g_ptr_array_add (copy->langs, botbench_bot_command_lang_copy (g_ptr_array_index (self->langs, i)));

  return copy;
}

const char *
botbench_bot_command_get_command (BotbenchBotCommand *self)
{
  g_return_val_if_fail (BOTBENCH_IS_BOT_COMMAND (self), NULL);
  return self->command;
}

void
botbench_bot_command_set_command (BotbenchBotCommand *self,
                                  const char         *command)
{
  g_return_if_fail (BOTBENCH_IS_BOT_COMMAND (self));
  if (set_string (&self->command, command))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMMAND]);
}

gboolean
botbench_bot_command_get_common (BotbenchBotCommand *self)
{
  g_return_val_if_fail (BOTBENCH_IS_BOT_COMMAND (self), FALSE);
  return self->common;
}

void
botbench_bot_command_set_common (BotbenchBotCommand *self,
                                 gboolean            common)
{
  g_return_if_fail (BOTBENCH_IS_BOT_COMMAND (self));
  common = !!common;
  if (self->common == common)
    return;
  self->common = common;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMMON]);
}

gboolean
botbench_bot_command_get_hidden (BotbenchBotCommand *self)
{
  g_return_val_if_fail (BOTBENCH_IS_BOT_COMMAND (self), FALSE);
  return self->hidden;
}

void
botbench_bot_command_set_hidden (BotbenchBotCommand *self,
                                 gboolean            hidden)
{
  g_return_if_fail (BOTBENCH_IS_BOT_COMMAND (self));
  hidden = !!hidden;
  if (self->hidden == hidden)
    return;
  self->hidden = hidden;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HIDDEN]);
}

gboolean
botbench_bot_command_get_extranet_support (BotbenchBotCommand *self)
{
  g_return_val_if_fail (BOTBENCH_IS_BOT_COMMAND (self), FALSE);
  return self->extranet_support;
}

void
botbench_bot_command_set_extranet_support (BotbenchBotCommand *self,
                                           gboolean            extranet_support)
{
  g_return_if_fail (BOTBENCH_IS_BOT_COMMAND (self));
  extranet_support = !!extranet_support;
  if (self->extranet_support == extranet_support)
    return;
  self->extranet_support = extranet_support;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EXTRANET_SUPPORT]);
}

const char *
botbench_bot_command_get_event_command_add (BotbenchBotCommand *self)
{
  g_return_val_if_fail (BOTBENCH_IS_BOT_COMMAND (self), NULL);
  return self->event_command_add;
}

void
botbench_bot_command_set_event_command_add (BotbenchBotCommand *self,
                                            const char         *url)
{
  g_return_if_fail (BOTBENCH_IS_BOT_COMMAND (self));
  if (set_string (&self->event_command_add, url))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EVENT_COMMAND_ADD]);
}

gint64
botbench_bot_command_get_command_id (BotbenchBotCommand *self)
{
  g_return_val_if_fail (BOTBENCH_IS_BOT_COMMAND (self), 0);
  return self->command_id;
}

void
botbench_bot_command_set_command_id (BotbenchBotCommand *self,
                                     gint64              command_id)
{
  g_return_if_fail (BOTBENCH_IS_BOT_COMMAND (self));
  g_return_if_fail (command_id >= 0);
  if (self->command_id == command_id)
    return;
  self->command_id = command_id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMMAND_ID]);
}

guint
botbench_bot_command_get_n_langs (BotbenchBotCommand *self)
{
  g_return_val_if_fail (BOTBENCH_IS_BOT_COMMAND (self), 0);
  return self->langs->len;
}

const BotbenchBotCommandLang *
botbench_bot_command_get_lang (BotbenchBotCommand *self,
                               guint               index)
{
  g_return_val_if_fail (BOTBENCH_IS_BOT_COMMAND (self), NULL);
  g_return_val_if_fail (index < self->langs->len, NULL);
  return g_ptr_array_index (self->langs, index);
}

void
botbench_bot_command_set_lang (BotbenchBotCommand *self,
                               const char         *language_id,
                               const char         *title,
                               const char         *params)
{
  g_return_if_fail (BOTBENCH_IS_BOT_COMMAND (self));
  g_return_if_fail (language_id != NULL);

  for (guint i = 0; i < self->langs->len; i++)
    {
      BotbenchBotCommandLang *lang = g_ptr_array_index (self->langs, i);

      if (g_strcmp0 (lang->language_id, language_id) == 0)
        {
          gboolean changed = set_string (&lang->title, title);

          changed |= set_string (&lang->params, params);
          if (changed)
            g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_LANGS]);
          return;
        }
    }

  g_ptr_array_add (self->langs, botbench_bot_command_lang_new (language_id, title, params));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_LANGS]);
}

gboolean
botbench_bot_command_remove_lang (BotbenchBotCommand *self,
                                  const char         *language_id)
{
  g_return_val_if_fail (BOTBENCH_IS_BOT_COMMAND (self), FALSE);

  for (guint i = 0; i < self->langs->len; i++)
    {
      BotbenchBotCommandLang *lang = g_ptr_array_index (self->langs, i);

      if (g_strcmp0 (lang->language_id, language_id) == 0)
        {
          g_ptr_array_remove_index (self->langs, i);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_LANGS]);
          return TRUE;
        }
    }

  return FALSE;
}

static gboolean
read_string (JsonObject  *object,
             const char  *key,
             char       **out,
             GError     **error)
{
  JsonNode *node = json_object_get_member (object, key);
  gboolean ok = TRUE;
  char *value;

  if (node == NULL)
    return TRUE;

  value = _botbench_bot_node_dup_string (node, &ok);
  if (!ok)
    {
      g_set_error (error, BOTBENCH_BOT_ERROR, BOTBENCH_BOT_ERROR_BAD_VALUE,
                   _("“%s” must be a string"), key);
      return FALSE;
    }

  g_free (*out);
  *out = value;

  return TRUE;
}

BotbenchBotCommand *
botbench_bot_command_new_from_json (JsonNode   *node,
                                    GPtrArray  *warnings,
                                    GError    **error)
{
  g_autoptr(BotbenchBotCommand) self = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GList) members = NULL;
  JsonNode *langs;

  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, BOTBENCH_BOT_ERROR, BOTBENCH_BOT_ERROR_NOT_AN_OBJECT,
                   _("A command must be a JSON object"));
      return NULL;
    }

  object = _botbench_bot_upper_keys (json_node_get_object (node), warnings);
  self = botbench_bot_command_new (NULL);

  if (!read_string (object, "COMMAND", &self->command, error) ||
      !read_string (object, "EVENT_COMMAND_ADD", &self->event_command_add, error))
    return NULL;

  self->common = _botbench_bot_node_is_y (json_object_get_member (object, "COMMON"));
  self->hidden = _botbench_bot_node_is_y (json_object_get_member (object, "HIDDEN"));
  self->extranet_support = _botbench_bot_node_is_y (json_object_get_member (object, "EXTRANET_SUPPORT"));

  if (json_object_has_member (object, "COMMAND_ID"))
    {
      JsonNode *id = json_object_get_member (object, "COMMAND_ID");
      g_autofree char *text = NULL;
      gboolean ok = TRUE;
      gint64 value = 0;

      text = _botbench_bot_node_dup_string (id, &ok);
      if (!ok || (text != NULL && !g_ascii_string_to_signed (text, 10, 0, G_MAXINT64, &value, NULL)))
        {
          g_set_error (error, BOTBENCH_BOT_ERROR, BOTBENCH_BOT_ERROR_BAD_VALUE,
                       _("“%s” must be a positive integer"), "COMMAND_ID");
          return NULL;
        }
      self->command_id = value;
    }

  langs = json_object_get_member (object, "LANG");
  if (langs != NULL && JSON_NODE_HOLDS_ARRAY (langs))
    {
      JsonArray *array = json_node_get_array (langs);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          g_autofree char *language_id = NULL;
          g_autofree char *title = NULL;
          g_autofree char *params = NULL;
          JsonObject *lang;

          if (!JSON_NODE_HOLDS_OBJECT (element))
            {
              g_set_error (error, BOTBENCH_BOT_ERROR, BOTBENCH_BOT_ERROR_BAD_VALUE,
                           _("Each “LANG” entry must be an object with LANGUAGE_ID, TITLE and PARAMS"));
              return NULL;
            }

          lang = json_node_get_object (element);
          if (!read_string (lang, "LANGUAGE_ID", &language_id, error) ||
              !read_string (lang, "TITLE", &title, error) ||
              !read_string (lang, "PARAMS", &params, error))
            return NULL;

          if (language_id == NULL)
            {
              _botbench_bot_warn (warnings, _("A “LANG” entry of command “%s” has no LANGUAGE_ID and was ignored"),
                                  self->command ? self->command : "");
              continue;
            }
          botbench_bot_command_set_lang (self, language_id, title, params);
        }
    }
  else if (langs != NULL && !JSON_NODE_HOLDS_NULL (langs))
    {
      g_set_error (error, BOTBENCH_BOT_ERROR, BOTBENCH_BOT_ERROR_BAD_VALUE,
                   _("“%s” must be an array"), "LANG");
      return NULL;
    }

  members = json_object_get_members (object);
  for (const GList *l = members; l != NULL; l = l->next)
    {
      static const char *known[] = {
        "COMMAND", "COMMON", "HIDDEN", "EXTRANET_SUPPORT", "LANG", "EVENT_COMMAND_ADD",
        "COMMAND_ID", "BOT_ID", "CLIENT_ID",
      };

      if (!g_strv_contains (known, l->data))
        _botbench_bot_warn (warnings, _("Unknown key “%s” of command “%s” was ignored"),
                            (const char *)l->data, self->command ? self->command : "");
    }

  return g_steal_pointer (&self);
}

static void
add_command_fields (BotbenchBotCommand *self,
                    JsonObject         *object)
{
  json_object_set_string_member (object, "COMMAND", self->command ? self->command : "");
  json_object_set_string_member (object, "COMMON", self->common ? "Y" : "N");
  json_object_set_string_member (object, "HIDDEN", self->hidden ? "Y" : "N");
  json_object_set_string_member (object, "EXTRANET_SUPPORT", self->extranet_support ? "Y" : "N");
  json_object_set_member (object, "LANG", langs_to_json (self));
  _botbench_bot_set_nullable (object, "EVENT_COMMAND_ADD", self->event_command_add);
}

JsonNode *
botbench_bot_command_to_json (BotbenchBotCommand *self)
{
  JsonObject *object;
  JsonNode *node;

  g_return_val_if_fail (BOTBENCH_IS_BOT_COMMAND (self), NULL);

  object = json_object_new ();
  add_command_fields (self, object);
  if (self->command_id > 0)
    json_object_set_int_member (object, "COMMAND_ID", self->command_id);

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, object);

  return node;
}

JsonNode *
botbench_bot_command_build_register_body (BotbenchBotCommand *self,
                                          gint64              bot_id,
                                          const char         *client_id)
{
  JsonObject *object;
  JsonNode *node;

  g_return_val_if_fail (BOTBENCH_IS_BOT_COMMAND (self), NULL);

  object = json_object_new ();
  json_object_set_int_member (object, "BOT_ID", bot_id);
  add_command_fields (self, object);
  _botbench_bot_set_nullable (object, "CLIENT_ID", client_id);

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, object);

  return node;
}

JsonNode *
botbench_bot_command_build_update_body (BotbenchBotCommand *old,
                                        BotbenchBotCommand *new_,
                                        const char         *client_id)
{
  g_autoptr(JsonObject) fields = NULL;
  JsonObject *object;
  JsonNode *node;
  gint64 command_id;

  g_return_val_if_fail (BOTBENCH_IS_BOT_COMMAND (old), NULL);
  g_return_val_if_fail (BOTBENCH_IS_BOT_COMMAND (new_), NULL);

  fields = json_object_new ();
  if (g_strcmp0 (old->command, new_->command) != 0)
    json_object_set_string_member (fields, "COMMAND", new_->command ? new_->command : "");
  if (old->hidden != new_->hidden)
    json_object_set_string_member (fields, "HIDDEN", new_->hidden ? "Y" : "N");
  if (old->extranet_support != new_->extranet_support)
    json_object_set_string_member (fields, "EXTRANET_SUPPORT", new_->extranet_support ? "Y" : "N");
  if (!langs_equal (old, new_))
    json_object_set_member (fields, "LANG", langs_to_json (new_));
  if (g_strcmp0 (old->event_command_add, new_->event_command_add) != 0 &&
      !_botbench_bot_php_empty (new_->event_command_add))
    json_object_set_string_member (fields, "EVENT_COMMAND_ADD", new_->event_command_add);

  if (json_object_get_size (fields) == 0)
    return NULL;

  command_id = new_->command_id > 0 ? new_->command_id : old->command_id;
  object = json_object_new ();
  json_object_set_int_member (object, "COMMAND_ID", command_id);
  json_object_set_object_member (object, "FIELDS", g_steal_pointer (&fields));
  _botbench_bot_set_nullable (object, "CLIENT_ID", client_id);

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, object);

  return node;
}

JsonNode *
botbench_bot_command_build_unregister_body (BotbenchBotCommand *self,
                                            const char         *client_id)
{
  JsonObject *object;
  JsonNode *node;

  g_return_val_if_fail (BOTBENCH_IS_BOT_COMMAND (self), NULL);

  object = json_object_new ();
  json_object_set_int_member (object, "COMMAND_ID", self->command_id);
  _botbench_bot_set_nullable (object, "CLIENT_ID", client_id);

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, object);

  return node;
}
