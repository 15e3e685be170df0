/* botbench-bot.c: a chat-bot definition, the body of imbot.register
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The model: its fields, GObject properties and accessors, and the names
 * of its enumerations.  Reading and writing it as JSON is in
 * botbench-bot-json.c.
 */
#define G_LOG_DOMAIN "botbench-bot"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "botbench-bot.h"
#include "botbench-bot-private.h"
#include "botbench-json.h"

G_DEFINE_FINAL_TYPE (BotbenchBot, botbench_bot, G_TYPE_OBJECT)
G_DEFINE_QUARK (botbench-bot-error-quark, botbench_bot_error)

enum {
  PROP_0,
  PROP_CODE,
  PROP_BOT_TYPE,
  PROP_OPENLINE,
  PROP_EVENT_HANDLER,
  PROP_HANDLER_FIRST,
  PROP_HANDLER_LAST = PROP_HANDLER_FIRST + BOTBENCH_BOT_N_HANDLERS - 1,
  PROP_PROPERTY_FIRST,
  PROP_PROPERTY_LAST = PROP_PROPERTY_FIRST + BOTBENCH_BOT_N_PROPERTIES - 1,
  PROP_COLOR,
  PROP_PERSONAL_GENDER,
  PROP_BOT_ID,
  PROP_PROFILE_UUID,
  PROP_COMMANDS,
  PROP_V2_FIRST,
  PROP_V2_LAST = PROP_V2_FIRST + _BOTBENCH_BOT_V2_N_PROPS - 1,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const struct {
  const char *code;
  const char *label;
  const char *description;
} bot_types[BOTBENCH_BOT_N_TYPES] = {
  [BOTBENCH_BOT_TYPE_BOT] = {
    "B", N_("Ordinary bot"),
    N_("Answers at once; in group chats it sees only messages addressed to it") },
  [BOTBENCH_BOT_TYPE_OPENLINE] = {
    "O", N_("Open Channels bot"),
    N_("Serves Open Channel conversations; Open Channel support is always on") },
  [BOTBENCH_BOT_TYPE_HUMAN] = {
    "H", N_("Human-like bot"),
    N_("Shows “typing…” before it answers, like a person") },
  [BOTBENCH_BOT_TYPE_SUPERVISOR] = {
    "S", N_("Supervisor bot"),
    N_("Sees every message in the chats it is in; with history access also the earlier ones") },
};

/* Names from the imbot.register docs (§1.1); swatch colours from
 * Bitrix\Im\Color::$colors of the im module. */
static const struct {
  const char *name;
  const char *rgb;
  const char *label;
} bot_colors[BOTBENCH_BOT_N_COLORS + 1] = {
  [BOTBENCH_BOT_COLOR_NONE]       = { NULL, NULL, NULL },
  [BOTBENCH_BOT_COLOR_RED]        = { "RED", "#df532d", NC_("bot color", "Red") },
  [BOTBENCH_BOT_COLOR_GREEN]      = { "GREEN", "#aac337", NC_("bot color", "Green") },
  [BOTBENCH_BOT_COLOR_MINT]       = { "MINT", "#4ba984", NC_("bot color", "Mint") },
  [BOTBENCH_BOT_COLOR_LIGHT_BLUE] = { "LIGHT_BLUE", "#6fc8e5", NC_("bot color", "Light blue") },
  [BOTBENCH_BOT_COLOR_DARK_BLUE]  = { "DARK_BLUE", "#3e99ce", NC_("bot color", "Dark blue") },
  [BOTBENCH_BOT_COLOR_PURPLE]     = { "PURPLE", "#8474c8", NC_("bot color", "Purple") },
  [BOTBENCH_BOT_COLOR_AQUA]       = { "AQUA", "#1eb4aa", NC_("bot color", "Aqua") },
  [BOTBENCH_BOT_COLOR_PINK]       = { "PINK", "#e98fa6", NC_("bot color", "Pink") },
  [BOTBENCH_BOT_COLOR_LIME]       = { "LIME", "#85cb7b", NC_("bot color", "Lime") },
  [BOTBENCH_BOT_COLOR_BROWN]      = { "BROWN", "#ab7761", NC_("bot color", "Brown") },
  [BOTBENCH_BOT_COLOR_AZURE]      = { "AZURE", "#29619b", NC_("bot color", "Azure") },
  [BOTBENCH_BOT_COLOR_KHAKI]      = { "KHAKI", "#728f7a", NC_("bot color", "Khaki") },
  [BOTBENCH_BOT_COLOR_SAND]       = { "SAND", "#ba9c7b", NC_("bot color", "Sand") },
  [BOTBENCH_BOT_COLOR_MARENGO]    = { "MARENGO", "#556574", NC_("bot color", "Marengo") },
  [BOTBENCH_BOT_COLOR_GRAY]       = { "GRAY", "#77828e", NC_("bot color", "Gray") },
  [BOTBENCH_BOT_COLOR_GRAPHITE]   = { "GRAPHITE", "#3a403e", NC_("bot color", "Graphite") },
};

static const struct {
  const char *param;
  const char *event;
  const char *property;
} bot_handlers[BOTBENCH_BOT_N_HANDLERS] = {
  { "EVENT_MESSAGE_ADD", "ONIMBOTMESSAGEADD", "event-message-add" },
  { "EVENT_MESSAGE_UPDATE", "ONIMBOTMESSAGEUPDATE", "event-message-update" },
  { "EVENT_MESSAGE_DELETE", "ONIMBOTMESSAGEDELETE", "event-message-delete" },
  { "EVENT_WELCOME_MESSAGE", "ONIMBOTJOINCHAT", "event-welcome-message" },
  { "EVENT_BOT_DELETE", "ONIMBOTDELETE", "event-bot-delete" },
};

static const struct {
  const char *key;
  const char *property;
} bot_props[BOTBENCH_BOT_N_PROPERTIES] = {
  { "NAME", "name" },
  { "LAST_NAME", "last-name" },
  { "EMAIL", "email" },
  { "PERSONAL_BIRTHDAY", "personal-birthday" },
  { "WORK_POSITION", "work-position" },
  { "PERSONAL_WWW", "personal-www" },
  { "PERSONAL_PHOTO", "personal-photo" },
};


GType
botbench_bot_type_get_type (void)
{
  static gsize type = 0;

  if (g_once_init_enter (&type))
    {
      static const GEnumValue values[] = {
        { BOTBENCH_BOT_TYPE_BOT, "BOTBENCH_BOT_TYPE_BOT", "bot" },
        { BOTBENCH_BOT_TYPE_OPENLINE, "BOTBENCH_BOT_TYPE_OPENLINE", "openline" },
        { BOTBENCH_BOT_TYPE_HUMAN, "BOTBENCH_BOT_TYPE_HUMAN", "human" },
        { BOTBENCH_BOT_TYPE_SUPERVISOR, "BOTBENCH_BOT_TYPE_SUPERVISOR", "supervisor" },
        { 0, NULL, NULL },
      };
      GType t = g_enum_register_static ("BotbenchBotType", values);

      g_once_init_leave (&type, t);
    }

  return type;
}

GType
botbench_bot_color_get_type (void)
{
  static gsize type = 0;

  if (g_once_init_enter (&type))
    {
      static const GEnumValue values[] = {
        { BOTBENCH_BOT_COLOR_NONE, "BOTBENCH_BOT_COLOR_NONE", "none" },
        { BOTBENCH_BOT_COLOR_RED, "BOTBENCH_BOT_COLOR_RED", "red" },
        { BOTBENCH_BOT_COLOR_GREEN, "BOTBENCH_BOT_COLOR_GREEN", "green" },
        { BOTBENCH_BOT_COLOR_MINT, "BOTBENCH_BOT_COLOR_MINT", "mint" },
        { BOTBENCH_BOT_COLOR_LIGHT_BLUE, "BOTBENCH_BOT_COLOR_LIGHT_BLUE", "light-blue" },
        { BOTBENCH_BOT_COLOR_DARK_BLUE, "BOTBENCH_BOT_COLOR_DARK_BLUE", "dark-blue" },
        { BOTBENCH_BOT_COLOR_PURPLE, "BOTBENCH_BOT_COLOR_PURPLE", "purple" },
        { BOTBENCH_BOT_COLOR_AQUA, "BOTBENCH_BOT_COLOR_AQUA", "aqua" },
        { BOTBENCH_BOT_COLOR_PINK, "BOTBENCH_BOT_COLOR_PINK", "pink" },
        { BOTBENCH_BOT_COLOR_LIME, "BOTBENCH_BOT_COLOR_LIME", "lime" },
        { BOTBENCH_BOT_COLOR_BROWN, "BOTBENCH_BOT_COLOR_BROWN", "brown" },
        { BOTBENCH_BOT_COLOR_AZURE, "BOTBENCH_BOT_COLOR_AZURE", "azure" },
        { BOTBENCH_BOT_COLOR_KHAKI, "BOTBENCH_BOT_COLOR_KHAKI", "khaki" },
        { BOTBENCH_BOT_COLOR_SAND, "BOTBENCH_BOT_COLOR_SAND", "sand" },
        { BOTBENCH_BOT_COLOR_MARENGO, "BOTBENCH_BOT_COLOR_MARENGO", "marengo" },
        { BOTBENCH_BOT_COLOR_GRAY, "BOTBENCH_BOT_COLOR_GRAY", "gray" },
        { BOTBENCH_BOT_COLOR_GRAPHITE, "BOTBENCH_BOT_COLOR_GRAPHITE", "graphite" },
        { 0, NULL, NULL },
      };
      GType t = g_enum_register_static ("BotbenchBotColor", values);

      g_once_init_leave (&type, t);
    }

  return type;
}

GType
botbench_bot_gender_get_type (void)
{
  static gsize type = 0;

  if (g_once_init_enter (&type))
    {
      static const GEnumValue values[] = {
        { BOTBENCH_BOT_GENDER_NONE, "BOTBENCH_BOT_GENDER_NONE", "none" },
        { BOTBENCH_BOT_GENDER_MALE, "BOTBENCH_BOT_GENDER_MALE", "male" },
        { BOTBENCH_BOT_GENDER_FEMALE, "BOTBENCH_BOT_GENDER_FEMALE", "female" },
        { 0, NULL, NULL },
      };
      GType t = g_enum_register_static ("BotbenchBotGender", values);

      g_once_init_leave (&type, t);
    }

  return type;
}

const char *
botbench_bot_type_to_code (BotbenchBotType type)
{
  g_return_val_if_fail ((guint)type < BOTBENCH_BOT_N_TYPES, "B");
  return bot_types[type].code;
}

gboolean
botbench_bot_type_from_code (const char      *code,
                             BotbenchBotType *type)
{
  for (guint i = 0; code != NULL && i < BOTBENCH_BOT_N_TYPES; i++)
    if (g_str_equal (code, bot_types[i].code))
      {
        if (type != NULL)
          *type = i;
        return TRUE;
      }

  return FALSE;
}

const char *
botbench_bot_type_get_label (BotbenchBotType type)
{
  g_return_val_if_fail ((guint)type < BOTBENCH_BOT_N_TYPES, NULL);
  return _(bot_types[type].label);
}

const char *
botbench_bot_type_get_description (BotbenchBotType type)
{
  g_return_val_if_fail ((guint)type < BOTBENCH_BOT_N_TYPES, NULL);
  return _(bot_types[type].description);
}

const char *
botbench_bot_color_to_name (BotbenchBotColor color)
{
  g_return_val_if_fail ((guint)color <= BOTBENCH_BOT_N_COLORS, NULL);
  return bot_colors[color].name;
}

gboolean
botbench_bot_color_from_name (const char       *name,
                              BotbenchBotColor *color)
{
  for (guint i = 1; name != NULL && i <= BOTBENCH_BOT_N_COLORS; i++)
    if (g_str_equal (name, bot_colors[i].name))
      {
        if (color != NULL)
          *color = i;
        return TRUE;
      }

  return FALSE;
}

const char *
botbench_bot_color_get_rgb (BotbenchBotColor color)
{
  g_return_val_if_fail ((guint)color <= BOTBENCH_BOT_N_COLORS, NULL);
  return bot_colors[color].rgb;
}

const char *
botbench_bot_color_get_label (BotbenchBotColor color)
{
  g_return_val_if_fail ((guint)color <= BOTBENCH_BOT_N_COLORS, NULL);
  if (bot_colors[color].label == NULL)
    return NULL;
  return g_dpgettext2 (GETTEXT_PACKAGE, "bot color", bot_colors[color].label);
}

const char *
botbench_bot_gender_to_code (BotbenchBotGender gender)
{
  switch (gender)
    {
    case BOTBENCH_BOT_GENDER_MALE:
      return "M";
    case BOTBENCH_BOT_GENDER_FEMALE:
      return "F";
    case BOTBENCH_BOT_GENDER_NONE:
    default:
      return NULL;
    }
}

const char *
botbench_bot_handler_to_param (BotbenchBotHandler handler)
{
  g_return_val_if_fail ((guint)handler < BOTBENCH_BOT_N_HANDLERS, NULL);
  return bot_handlers[handler].param;
}

const char *
botbench_bot_handler_to_event (BotbenchBotHandler handler)
{
  g_return_val_if_fail ((guint)handler < BOTBENCH_BOT_N_HANDLERS, NULL);
  return bot_handlers[handler].event;
}

const char *
botbench_bot_property_to_key (BotbenchBotProperty property)
{
  g_return_val_if_fail ((guint)property < BOTBENCH_BOT_N_PROPERTIES, NULL);
  return bot_props[property].key;
}

/* Private helpers shared with the command and validator files */

gboolean
_botbench_bot_php_empty (const char *value)
{
  return value == NULL || *value == '\0' || g_str_equal (value, "0");
}

void
_botbench_bot_warn (GPtrArray  *warnings,
                    const char *format,
                    ...)
{
  va_list args;

  if (warnings == NULL)
    return;

  va_start (args, format);
  g_ptr_array_add (warnings, g_strdup_vprintf (format, args));
  va_end (args);
}

JsonObject *
_botbench_bot_upper_keys (JsonObject *object,
                          GPtrArray  *warnings)
{
  JsonObject *upper = json_object_new ();
  g_autoptr(GList) members = json_object_get_members (object);

  for (const GList *l = members; l != NULL; l = l->next)
    {
      g_autofree char *key = g_ascii_strup (l->data, -1);

      if (json_object_has_member (upper, key))
        _botbench_bot_warn (warnings,
                            _("“%s” is given more than once (top-level keys are case-insensitive): "
                              "the last one, “%s”, is used"),
                            key, (const char *)l->data);
      json_object_set_member (upper, key, json_node_copy (json_object_get_member (object, l->data)));
    }

  return upper;
}

char *
_botbench_bot_node_dup_string (JsonNode *node,
                               gboolean *ok)
{
  *ok = TRUE;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;

  if (!JSON_NODE_HOLDS_VALUE (node))
    {
      *ok = FALSE;
      return NULL;
    }

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return g_strdup (json_node_get_string (node));

    case G_TYPE_INT64:
      return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));

    case G_TYPE_BOOLEAN:
      return g_strdup (json_node_get_boolean (node) ? "1" : "");

    case G_TYPE_DOUBLE:
      {
        char buf[G_ASCII_DTOSTR_BUF_SIZE];

        return g_strdup (g_ascii_dtostr (buf, sizeof buf, json_node_get_double (node)));
      }

    default:
      *ok = FALSE;
      return NULL;
    }
}

gboolean
_botbench_bot_node_is_y (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_STRING &&
         g_strcmp0 (json_node_get_string (node), "Y") == 0;
}

void
_botbench_bot_set_nullable (JsonObject *object,
                            const char *key,
                            const char *value)
{
  if (value != NULL)
    json_object_set_string_member (object, key, value);
}

/* Fields */

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

static void
botbench_bot_dispose (GObject *object)
{
  BotbenchBot *self = (BotbenchBot *)object;

  g_clear_object (&self->commands);

  G_OBJECT_CLASS (botbench_bot_parent_class)->dispose (object);
}

static void
botbench_bot_finalize (GObject *object)
{
  BotbenchBot *self = (BotbenchBot *)object;

  g_clear_pointer (&self->code, g_free);
  g_clear_pointer (&self->event_handler, g_free);
  for (guint i = 0; i < BOTBENCH_BOT_N_HANDLERS; i++)
    g_clear_pointer (&self->handlers[i], g_free);
  for (guint i = 0; i < BOTBENCH_BOT_N_PROPERTIES; i++)
    g_clear_pointer (&self->props[i], g_free);
  g_clear_pointer (&self->profile_uuid, g_free);
  _botbench_bot_v2_clear (self);

  G_OBJECT_CLASS (botbench_bot_parent_class)->finalize (object);
}

static void
botbench_bot_get_gproperty (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  BotbenchBot *self = BOTBENCH_BOT (object);

  if (prop_id >= PROP_V2_FIRST && prop_id <= PROP_V2_LAST)
    {
      _botbench_bot_v2_get_property (self, prop_id - PROP_V2_FIRST, value);
      return;
    }

  if (prop_id >= PROP_HANDLER_FIRST && prop_id <= PROP_HANDLER_LAST)
    {
      g_value_set_string (value, self->handlers[prop_id - PROP_HANDLER_FIRST]);
      return;
    }

  if (prop_id >= PROP_PROPERTY_FIRST && prop_id <= PROP_PROPERTY_LAST)
    {
      g_value_set_string (value, self->props[prop_id - PROP_PROPERTY_FIRST]);
      return;
    }

  switch (prop_id)
    {
    case PROP_CODE:
      g_value_set_string (value, self->code);
      break;

    case PROP_BOT_TYPE:
      g_value_set_enum (value, self->type);
      break;

    case PROP_OPENLINE:
      g_value_set_boolean (value, self->openline);
      break;

    case PROP_EVENT_HANDLER:
      g_value_set_string (value, self->event_handler);
      break;

    case PROP_COLOR:
      g_value_set_enum (value, self->color);
      break;

    case PROP_PERSONAL_GENDER:
      g_value_set_enum (value, self->gender);
      break;

    case PROP_BOT_ID:
      g_value_set_int64 (value, self->bot_id);
      break;

    case PROP_PROFILE_UUID:
      g_value_set_string (value, self->profile_uuid);
      break;

    case PROP_COMMANDS:
      g_value_set_object (value, self->commands);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
botbench_bot_set_gproperty (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  BotbenchBot *self = BOTBENCH_BOT (object);

  if (prop_id >= PROP_V2_FIRST && prop_id <= PROP_V2_LAST)
    {
      _botbench_bot_v2_set_property (self, prop_id - PROP_V2_FIRST, value);
      return;
    }

  if (prop_id >= PROP_HANDLER_FIRST && prop_id <= PROP_HANDLER_LAST)
    {
      botbench_bot_set_handler (self, prop_id - PROP_HANDLER_FIRST, g_value_get_string (value));
      return;
    }

  if (prop_id >= PROP_PROPERTY_FIRST && prop_id <= PROP_PROPERTY_LAST)
    {
      botbench_bot_set_property_value (self, prop_id - PROP_PROPERTY_FIRST, g_value_get_string (value));
      return;
    }

  switch (prop_id)
    {
    case PROP_CODE:
      botbench_bot_set_code (self, g_value_get_string (value));
      break;

    case PROP_BOT_TYPE:
      botbench_bot_set_bot_type (self, g_value_get_enum (value));
      break;

    case PROP_OPENLINE:
      botbench_bot_set_openline (self, g_value_get_boolean (value));
      break;

    case PROP_EVENT_HANDLER:
      botbench_bot_set_event_handler (self, g_value_get_string (value));
      break;

    case PROP_COLOR:
      botbench_bot_set_color (self, g_value_get_enum (value));
      break;

    case PROP_PERSONAL_GENDER:
      botbench_bot_set_gender (self, g_value_get_enum (value));
      break;

    case PROP_BOT_ID:
      botbench_bot_set_bot_id (self, g_value_get_int64 (value));
      break;

    case PROP_PROFILE_UUID:
      botbench_bot_set_profile_uuid (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
botbench_bot_class_init (BotbenchBotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = botbench_bot_dispose;
  object_class->finalize = botbench_bot_finalize;
  object_class->get_property = botbench_bot_get_gproperty;
  object_class->set_property = botbench_bot_set_gproperty;

  properties[PROP_CODE] = g_param_spec_string ("code", NULL, NULL, NULL, flags);
  properties[PROP_BOT_TYPE] =
    g_param_spec_enum ("bot-type", NULL, NULL, BOTBENCH_TYPE_BOT_TYPE, BOTBENCH_BOT_TYPE_BOT, flags);
  properties[PROP_OPENLINE] = g_param_spec_boolean ("openline", NULL, NULL, FALSE, flags);
  properties[PROP_EVENT_HANDLER] = g_param_spec_string ("event-handler", NULL, NULL, NULL, flags);
  for (guint i = 0; i < BOTBENCH_BOT_N_HANDLERS; i++)
    properties[PROP_HANDLER_FIRST + i] =
      g_param_spec_string (bot_handlers[i].property, NULL, NULL, NULL, flags);
  for (guint i = 0; i < BOTBENCH_BOT_N_PROPERTIES; i++)
    properties[PROP_PROPERTY_FIRST + i] =
      g_param_spec_string (bot_props[i].property, NULL, NULL, NULL, flags);
  properties[PROP_COLOR] =
    g_param_spec_enum ("color", NULL, NULL, BOTBENCH_TYPE_BOT_COLOR, BOTBENCH_BOT_COLOR_NONE, flags);
  properties[PROP_PERSONAL_GENDER] =
    g_param_spec_enum ("personal-gender", NULL, NULL, BOTBENCH_TYPE_BOT_GENDER, BOTBENCH_BOT_GENDER_NONE, flags);
  properties[PROP_BOT_ID] = g_param_spec_int64 ("bot-id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_PROFILE_UUID] = g_param_spec_string ("profile-uuid", NULL, NULL, NULL, flags);
  properties[PROP_COMMANDS] =
    g_param_spec_object ("commands", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  _botbench_bot_v2_class_init (properties + PROP_V2_FIRST);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
botbench_bot_init (BotbenchBot *self)
{
  self->commands = g_list_store_new (BOTBENCH_TYPE_BOT_COMMAND);
  _botbench_bot_v2_init (self);
}

BotbenchBot *
botbench_bot_new (void)
{
  return g_object_new (BOTBENCH_TYPE_BOT, NULL);
}

BotbenchBot *
botbench_bot_copy (BotbenchBot *self)
{
  BotbenchBot *copy;
  guint n;

  g_return_val_if_fail (BOTBENCH_IS_BOT (self), NULL);

  copy = botbench_bot_new ();
  copy->code = g_strdup (self->code);
  copy->type = self->type;
  copy->openline = self->openline;
  copy->event_handler = g_strdup (self->event_handler);
  for (guint i = 0; i < BOTBENCH_BOT_N_HANDLERS; i++)
    copy->handlers[i] = g_strdup (self->handlers[i]);
  for (guint i = 0; i < BOTBENCH_BOT_N_PROPERTIES; i++)
    copy->props[i] = g_strdup (self->props[i]);
  copy->color = self->color;
  copy->gender = self->gender;
  copy->bot_id = self->bot_id;
  copy->profile_uuid = g_strdup (self->profile_uuid);
  _botbench_bot_v2_copy (self, copy);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->commands));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BotbenchBotCommand) command = g_list_model_get_item (G_LIST_MODEL (self->commands), i);
      g_autoptr(BotbenchBotCommand) command_copy = botbench_bot_command_copy (command);

      g_list_store_append (copy->commands, command_copy);
    }

  return copy;
}

const char *
botbench_bot_get_code (BotbenchBot *self)
{
  g_return_val_if_fail (BOTBENCH_IS_BOT (self), NULL);
  return self->code;
}

void
botbench_bot_set_code (BotbenchBot *self,
                       const char  *code)
{
  g_return_if_fail (BOTBENCH_IS_BOT (self));
  if (set_string (&self->code, code))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CODE]);
}

BotbenchBotType
botbench_bot_get_bot_type (BotbenchBot *self)
{
  g_return_val_if_fail (BOTBENCH_IS_BOT (self), BOTBENCH_BOT_TYPE_BOT);
  return self->type;
}

void
botbench_bot_set_bot_type (BotbenchBot     *self,
                           BotbenchBotType  type)
{
  g_return_if_fail (BOTBENCH_IS_BOT (self));
  g_return_if_fail ((guint)type < BOTBENCH_BOT_N_TYPES);
  if (self->type == type)
    return;
  self->type = type;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BOT_TYPE]);
}

gboolean
botbench_bot_get_openline (BotbenchBot *self)
{
  g_return_val_if_fail (BOTBENCH_IS_BOT (self), FALSE);
  return self->openline;
}

void
botbench_bot_set_openline (BotbenchBot *self,
                           gboolean     openline)
{
  g_return_if_fail (BOTBENCH_IS_BOT (self));
  openline = !!openline;
  if (self->openline == openline)
    return;
  self->openline = openline;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OPENLINE]);
}

const char *
botbench_bot_get_event_handler (BotbenchBot *self)
{
  g_return_val_if_fail (BOTBENCH_IS_BOT (self), NULL);
  return self->event_handler;
}

void
botbench_bot_set_event_handler (BotbenchBot *self,
                                const char  *url)
{
  g_return_if_fail (BOTBENCH_IS_BOT (self));
  if (set_string (&self->event_handler, url))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EVENT_HANDLER]);
}

const char *
botbench_bot_get_handler (BotbenchBot        *self,
                          BotbenchBotHandler  handler)
{
  g_return_val_if_fail (BOTBENCH_IS_BOT (self), NULL);
  g_return_val_if_fail ((guint)handler < BOTBENCH_BOT_N_HANDLERS, NULL);
  return self->handlers[handler];
}

void
botbench_bot_set_handler (BotbenchBot        *self,
                          BotbenchBotHandler  handler,
                          const char         *url)
{
  g_return_if_fail (BOTBENCH_IS_BOT (self));
  g_return_if_fail ((guint)handler < BOTBENCH_BOT_N_HANDLERS);
  if (set_string (&self->handlers[handler], url))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HANDLER_FIRST + handler]);
}

const char *
botbench_bot_get_effective_handler (BotbenchBot        *self,
                                    BotbenchBotHandler  handler)
{
  g_return_val_if_fail (BOTBENCH_IS_BOT (self), NULL);
  g_return_val_if_fail ((guint)handler < BOTBENCH_BOT_N_HANDLERS, NULL);

  if (!_botbench_bot_php_empty (self->event_handler))
    return self->event_handler;
  if (!_botbench_bot_php_empty (self->handlers[handler]))
    return self->handlers[handler];

  return NULL;
}

gboolean
botbench_bot_get_effective_openline (BotbenchBot *self)
{
  g_return_val_if_fail (BOTBENCH_IS_BOT (self), FALSE);
  return self->openline || self->type == BOTBENCH_BOT_TYPE_OPENLINE;
}

gboolean
botbench_bot_handler_is_kept (BotbenchBot        *self,
                              BotbenchBotHandler  handler)
{
  g_return_val_if_fail (BOTBENCH_IS_BOT (self), FALSE);

  if (handler != BOTBENCH_BOT_HANDLER_MESSAGE_UPDATE && handler != BOTBENCH_BOT_HANDLER_MESSAGE_DELETE)
    return TRUE;

  return self->type == BOTBENCH_BOT_TYPE_SUPERVISOR || botbench_bot_get_effective_openline (self);
}

const char *
botbench_bot_get_property_value (BotbenchBot         *self,
                                 BotbenchBotProperty  property)
{
  g_return_val_if_fail (BOTBENCH_IS_BOT (self), NULL);
  g_return_val_if_fail ((guint)property < BOTBENCH_BOT_N_PROPERTIES, NULL);
  return self->props[property];
}

void
botbench_bot_set_property_value (BotbenchBot         *self,
                                 BotbenchBotProperty  property,
                                 const char          *value)
{
  g_return_if_fail (BOTBENCH_IS_BOT (self));
  g_return_if_fail ((guint)property < BOTBENCH_BOT_N_PROPERTIES);
  if (set_string (&self->props[property], value))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROPERTY_FIRST + property]);
}

const char *
botbench_bot_get_name (BotbenchBot *self)
{
  return botbench_bot_get_property_value (self, BOTBENCH_BOT_PROPERTY_NAME);
}

void
botbench_bot_set_name (BotbenchBot *self,
                       const char  *name)
{
  botbench_bot_set_property_value (self, BOTBENCH_BOT_PROPERTY_NAME, name);
}

const char *
botbench_bot_get_last_name (BotbenchBot *self)
{
  return botbench_bot_get_property_value (self, BOTBENCH_BOT_PROPERTY_LAST_NAME);
}

void
botbench_bot_set_last_name (BotbenchBot *self,
                            const char  *last_name)
{
  botbench_bot_set_property_value (self, BOTBENCH_BOT_PROPERTY_LAST_NAME, last_name);
}

BotbenchBotColor
botbench_bot_get_color (BotbenchBot *self)
{
  g_return_val_if_fail (BOTBENCH_IS_BOT (self), BOTBENCH_BOT_COLOR_NONE);
  return self->color;
}

void
botbench_bot_set_color (BotbenchBot      *self,
                        BotbenchBotColor  color)
{
  g_return_if_fail (BOTBENCH_IS_BOT (self));
  g_return_if_fail ((guint)color <= BOTBENCH_BOT_N_COLORS);
  if (self->color == color)
    return;
  self->color = color;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COLOR]);
}

BotbenchBotGender
botbench_bot_get_gender (BotbenchBot *self)
{
  g_return_val_if_fail (BOTBENCH_IS_BOT (self), BOTBENCH_BOT_GENDER_NONE);
  return self->gender;
}

void
botbench_bot_set_gender (BotbenchBot       *self,
                         BotbenchBotGender  gender)
{
  g_return_if_fail (BOTBENCH_IS_BOT (self));
  g_return_if_fail (gender <= BOTBENCH_BOT_GENDER_FEMALE);
  if (self->gender == gender)
    return;
  self->gender = gender;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PERSONAL_GENDER]);
}

gint64
botbench_bot_get_bot_id (BotbenchBot *self)
{
  g_return_val_if_fail (BOTBENCH_IS_BOT (self), 0);
  return self->bot_id;
}

void
botbench_bot_set_bot_id (BotbenchBot *self,
                         gint64       bot_id)
{
  g_return_if_fail (BOTBENCH_IS_BOT (self));
  g_return_if_fail (bot_id >= 0);
  if (self->bot_id == bot_id)
    return;
  self->bot_id = bot_id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BOT_ID]);
}

const char *
botbench_bot_get_profile_uuid (BotbenchBot *self)
{
  g_return_val_if_fail (BOTBENCH_IS_BOT (self), NULL);
  return self->profile_uuid;
}

void
botbench_bot_set_profile_uuid (BotbenchBot *self,
                               const char  *profile_uuid)
{
  g_return_if_fail (BOTBENCH_IS_BOT (self));
  if (set_string (&self->profile_uuid, profile_uuid))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROFILE_UUID]);
}

GListModel *
botbench_bot_get_commands (BotbenchBot *self)
{
  g_return_val_if_fail (BOTBENCH_IS_BOT (self), NULL);
  return G_LIST_MODEL (self->commands);
}

void
botbench_bot_add_command (BotbenchBot        *self,
                          BotbenchBotCommand *command)
{
  g_return_if_fail (BOTBENCH_IS_BOT (self));
  g_return_if_fail (BOTBENCH_IS_BOT_COMMAND (command));
  g_list_store_append (self->commands, command);
}

void
botbench_bot_remove_command (BotbenchBot        *self,
                             BotbenchBotCommand *command)
{
  guint position;

  g_return_if_fail (BOTBENCH_IS_BOT (self));
  g_return_if_fail (BOTBENCH_IS_BOT_COMMAND (command));

  if (g_list_store_find (self->commands, command, &position))
    g_list_store_remove (self->commands, position);
}

BotbenchBotCommand *
botbench_bot_lookup_command (BotbenchBot *self,
                             const char  *command)
{
  guint n;

  g_return_val_if_fail (BOTBENCH_IS_BOT (self), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->commands));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BotbenchBotCommand) item = g_list_model_get_item (G_LIST_MODEL (self->commands), i);

      if (g_strcmp0 (botbench_bot_command_get_command (item), command) == 0)
        return item;   /* the store keeps its reference */
    }

  return NULL;
}
