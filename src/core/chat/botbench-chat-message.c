/* botbench-chat-message.c: one message of a sandbox chat (a MESSAGE object)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Read-only properties built from a MESSAGE object (every member type
 * checked), updated in place by _update_from() with one notification per
 * property that changed.  ATTACH and KEYBOARD are parsed on first use.
 */
#define G_LOG_DOMAIN "botbench-chat"

#include "config.h"

#include "botbench-chat-json-private.h"
#include "botbench-chat-message.h"
#include "botbench-chat-message-private.h"

struct _BotbenchChatMessage
{
  GObject           parent_instance;

  gint64            id;
  gint64            chat_id;
  char             *dialog_id;
  gint64            author_id;
  char             *text;
  gboolean          system;
  GDateTime        *date;
  gint64            rev;
  gboolean          edited;
  gboolean          deleted;
  JsonNode         *attach_json;
  JsonNode         *keyboard_json;
  JsonNode         *menu_json;
  BotbenchAttach   *attach;     /* parsed on first use */
  BotbenchKeyboard *keyboard;
  gint64            command_id;
  gint64            reply_to;
  JsonObject       *source;
  GArray           *deliveries;
  gboolean          pending;
};

G_DEFINE_FINAL_TYPE (BotbenchChatMessage, botbench_chat_message, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_CHAT_ID,
  PROP_DIALOG_ID,
  PROP_AUTHOR_ID,
  PROP_TEXT,
  PROP_SYSTEM,
  PROP_DATE,
  PROP_REV,
  PROP_EDITED,
  PROP_DELETED,
  PROP_ATTACH,
  PROP_KEYBOARD,
  PROP_COMMAND_ID,
  PROP_REPLY_TO,
  PROP_N_DELIVERIES,
  PROP_PENDING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static JsonNode *
dup_rich (JsonObject *object,
          const char *key)
{
  JsonNode *node = _botbench_chat_json_member (object, key);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;
  return json_node_copy (node);
}

static void
botbench_chat_message_finalize (GObject *object)
{
  BotbenchChatMessage *self = (BotbenchChatMessage *)object;

  g_free (self->dialog_id);
  g_free (self->text);
  g_clear_pointer (&self->date, g_date_time_unref);
  g_clear_pointer (&self->attach_json, json_node_unref);
  g_clear_pointer (&self->keyboard_json, json_node_unref);
  g_clear_pointer (&self->menu_json, json_node_unref);
  g_clear_pointer (&self->attach, botbench_attach_unref);
  g_clear_pointer (&self->keyboard, botbench_keyboard_unref);
  g_clear_pointer (&self->source, json_object_unref);
  g_clear_pointer (&self->deliveries, g_array_unref);

  G_OBJECT_CLASS (botbench_chat_message_parent_class)->finalize (object);
}

static void
botbench_chat_message_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  BotbenchChatMessage *self = BOTBENCH_CHAT_MESSAGE (object);

  switch (prop_id)
    {
    case PROP_ID: g_value_set_int64 (value, self->id); break;
    case PROP_CHAT_ID: g_value_set_int64 (value, self->chat_id); break;
    case PROP_DIALOG_ID: g_value_set_string (value, self->dialog_id); break;
    case PROP_AUTHOR_ID: g_value_set_int64 (value, self->author_id); break;
    case PROP_TEXT: g_value_set_string (value, self->text); break;
    case PROP_SYSTEM: g_value_set_boolean (value, self->system); break;
    case PROP_DATE: g_value_set_boxed (value, self->date); break;
    case PROP_REV: g_value_set_int64 (value, self->rev); break;
    case PROP_EDITED: g_value_set_boolean (value, self->edited); break;
    case PROP_DELETED: g_value_set_boolean (value, self->deleted); break;
    case PROP_ATTACH: g_value_set_boxed (value, botbench_chat_message_get_attach (self)); break;
    case PROP_KEYBOARD: g_value_set_boxed (value, botbench_chat_message_get_keyboard (self)); break;
    case PROP_COMMAND_ID: g_value_set_int64 (value, self->command_id); break;
    case PROP_REPLY_TO: g_value_set_int64 (value, self->reply_to); break;
    case PROP_N_DELIVERIES: g_value_set_uint (value, self->deliveries->len); break;
    case PROP_PENDING: g_value_set_boolean (value, self->pending); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
botbench_chat_message_class_init (BotbenchChatMessageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = botbench_chat_message_finalize;
  object_class->get_property = botbench_chat_message_get_property;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  properties[PROP_CHAT_ID] = g_param_spec_int64 ("chat-id", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  properties[PROP_DIALOG_ID] = g_param_spec_string ("dialog-id", NULL, NULL, "", flags);
  properties[PROP_AUTHOR_ID] = g_param_spec_int64 ("author-id", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  properties[PROP_TEXT] = g_param_spec_string ("text", NULL, NULL, "", flags);
  properties[PROP_SYSTEM] = g_param_spec_boolean ("system", NULL, NULL, FALSE, flags);
  properties[PROP_DATE] = g_param_spec_boxed ("date", NULL, NULL, G_TYPE_DATE_TIME, flags);
  properties[PROP_REV] = g_param_spec_int64 ("rev", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  properties[PROP_EDITED] = g_param_spec_boolean ("edited", NULL, NULL, FALSE, flags);
  properties[PROP_DELETED] = g_param_spec_boolean ("deleted", NULL, NULL, FALSE, flags);
  properties[PROP_ATTACH] = g_param_spec_boxed ("attach", NULL, NULL, BOTBENCH_TYPE_ATTACH, flags);
  properties[PROP_KEYBOARD] = g_param_spec_boxed ("keyboard", NULL, NULL, BOTBENCH_TYPE_KEYBOARD, flags);
  properties[PROP_COMMAND_ID] = g_param_spec_int64 ("command-id", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  properties[PROP_REPLY_TO] = g_param_spec_int64 ("reply-to", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  properties[PROP_N_DELIVERIES] = g_param_spec_uint ("n-deliveries", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_PENDING] = g_param_spec_boolean ("pending", NULL, NULL, FALSE, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
botbench_chat_message_init (BotbenchChatMessage *self)
{
  self->dialog_id = g_strdup ("");
  self->text = g_strdup ("");
  self->deliveries = g_array_new (FALSE, FALSE, sizeof (gint64));
}

BotbenchChatMessage *
botbench_chat_message_new_from_json (JsonObject *object)
{
  BotbenchChatMessage *self;
  JsonObject *source;
  gint64 id;

  g_return_val_if_fail (object != NULL, NULL);

  id = _botbench_chat_json_get_int (object, "ID", 0);
  if (id <= 0)
    return NULL;

  self = g_object_new (BOTBENCH_TYPE_CHAT_MESSAGE, NULL);
  self->id = id;
  self->chat_id = _botbench_chat_json_get_int (object, "CHAT_ID", 0);
  g_free (self->dialog_id);
  self->dialog_id = _botbench_chat_json_dup_string (object, "DIALOG_ID", "");
  self->author_id = _botbench_chat_json_get_int (object, "AUTHOR_ID", 0);
  g_free (self->text);
  self->text = _botbench_chat_json_dup_string (object, "MESSAGE", "");
  self->system = _botbench_chat_json_get_flag (object, "SYSTEM");
  self->date = _botbench_chat_json_get_date (object, "DATE");
  self->rev = _botbench_chat_json_get_int (object, "REV", 0);
  self->edited = _botbench_chat_json_get_flag (object, "EDITED");
  self->deleted = _botbench_chat_json_get_flag (object, "DELETED");
  self->attach_json = dup_rich (object, "ATTACH");
  self->keyboard_json = dup_rich (object, "KEYBOARD");
  self->menu_json = dup_rich (object, "MENU");
  self->command_id = _botbench_chat_json_get_int (object, "COMMAND_ID", 0);
  self->reply_to = _botbench_chat_json_get_int (object, "REPLY_TO", 0);
  source = _botbench_chat_json_get_object (object, "SOURCE");
  self->source = source != NULL ? json_object_ref (source) : NULL;
  g_array_unref (self->deliveries);
  self->deliveries = _botbench_chat_json_get_ids (object, "DELIVERIES");

  return self;
}

BotbenchChatMessage *
_botbench_chat_message_new_pending (gint64      local_id,
                                    const char *dialog_id,
                                    gint64      author_id,
                                    const char *text)
{
  BotbenchChatMessage *self = g_object_new (BOTBENCH_TYPE_CHAT_MESSAGE, NULL);

  self->id = local_id;
  g_free (self->dialog_id);
  self->dialog_id = g_strdup (dialog_id);
  self->author_id = author_id;
  g_free (self->text);
  self->text = g_utf8_make_valid (text, -1);
  self->date = g_date_time_new_now_local ();
  self->pending = TRUE;
  return self;
}

#define GETTER(type, name, field, fallback) \
  type \
  botbench_chat_message_get_##name (BotbenchChatMessage *self) \
  { \
    g_return_val_if_fail (BOTBENCH_IS_CHAT_MESSAGE (self), fallback); \
    return self->field; \
  }

GETTER (gint64, id, id, 0)
GETTER (gint64, chat_id, chat_id, 0)
GETTER (const char *, dialog_id, dialog_id, NULL)
GETTER (gint64, author_id, author_id, 0)
GETTER (const char *, text, text, NULL)
GETTER (gboolean, system, system, FALSE)
GETTER (GDateTime *, date, date, NULL)
GETTER (gint64, rev, rev, 0)
GETTER (gboolean, edited, edited, FALSE)
GETTER (gboolean, deleted, deleted, FALSE)
GETTER (JsonNode *, attach_json, attach_json, NULL)
GETTER (JsonNode *, keyboard_json, keyboard_json, NULL)
GETTER (JsonNode *, menu_json, menu_json, NULL)
GETTER (gint64, command_id, command_id, 0)
GETTER (gint64, reply_to, reply_to, 0)
GETTER (JsonObject *, source, source, NULL)
GETTER (gboolean, pending, pending, FALSE)

#undef GETTER

BotbenchAttach *
botbench_chat_message_get_attach (BotbenchChatMessage *self)
{
  g_return_val_if_fail (BOTBENCH_IS_CHAT_MESSAGE (self), NULL);

  if (self->attach == NULL)
    self->attach = botbench_attach_parse (self->attach_json);
  return self->attach;
}

BotbenchKeyboard *
botbench_chat_message_get_keyboard (BotbenchChatMessage *self)
{
  g_return_val_if_fail (BOTBENCH_IS_CHAT_MESSAGE (self), NULL);

  if (self->keyboard == NULL)
    self->keyboard = botbench_keyboard_parse (self->keyboard_json);
  return self->keyboard;
}

const char *
botbench_chat_message_get_source_method (BotbenchChatMessage *self)
{
  g_return_val_if_fail (BOTBENCH_IS_CHAT_MESSAGE (self), NULL);

  if (self->source == NULL)
    return NULL;
  return _botbench_chat_json_get_string (self->source, "METHOD");
}

const gint64 *
botbench_chat_message_get_deliveries (BotbenchChatMessage *self,
                                      guint               *n_deliveries)
{
  g_return_val_if_fail (BOTBENCH_IS_CHAT_MESSAGE (self), NULL);

  if (n_deliveries != NULL)
    *n_deliveries = self->deliveries->len;
  return (const gint64 *)(gpointer)self->deliveries->data;
}

void
_botbench_chat_message_add_deliveries (BotbenchChatMessage *self,
                                       const gint64        *ids,
                                       guint                n_ids)
{
  guint before = self->deliveries->len;

  for (guint i = 0; i < n_ids; i++)
    {
      gboolean known = FALSE;

      for (guint j = 0; j < self->deliveries->len && !known; j++)
        known = g_array_index (self->deliveries, gint64, j) == ids[i];
      if (!known)
        g_array_append_val (self->deliveries, ids[i]);
    }
  if (self->deliveries->len != before)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_DELIVERIES]);
}

static gboolean
set_int (BotbenchChatMessage *self,
         gint64              *field,
         gint64               value,
         guint                prop)
{
  if (*field == value)
    return FALSE;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
  return TRUE;
}

static gboolean
set_bool (BotbenchChatMessage *self,
          gboolean            *field,
          gboolean             value,
          guint                prop)
{
  if (!*field == !value)
    return FALSE;
  *field = !!value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
  return TRUE;
}

static gboolean
set_str (BotbenchChatMessage  *self,
         char                **field,
         const char           *value,
         guint                 prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
  return TRUE;
}

gboolean
botbench_chat_message_update_from (BotbenchChatMessage *self,
                                   BotbenchChatMessage *other)
{
  gboolean changed = FALSE;

  g_return_val_if_fail (BOTBENCH_IS_CHAT_MESSAGE (self), FALSE);
  g_return_val_if_fail (BOTBENCH_IS_CHAT_MESSAGE (other), FALSE);

  g_object_freeze_notify (G_OBJECT (self));

  changed |= set_int (self, &self->id, other->id, PROP_ID);
  changed |= set_int (self, &self->chat_id, other->chat_id, PROP_CHAT_ID);
  changed |= set_str (self, &self->dialog_id, other->dialog_id, PROP_DIALOG_ID);
  changed |= set_int (self, &self->author_id, other->author_id, PROP_AUTHOR_ID);
  changed |= set_str (self, &self->text, other->text, PROP_TEXT);
  changed |= set_bool (self, &self->system, other->system, PROP_SYSTEM);
  changed |= set_int (self, &self->rev, other->rev, PROP_REV);
  changed |= set_bool (self, &self->edited, other->edited, PROP_EDITED);
  changed |= set_bool (self, &self->deleted, other->deleted, PROP_DELETED);
  changed |= set_int (self, &self->command_id, other->command_id, PROP_COMMAND_ID);
  changed |= set_int (self, &self->reply_to, other->reply_to, PROP_REPLY_TO);
  changed |= set_bool (self, &self->pending, other->pending, PROP_PENDING);

  if ((self->date == NULL) != (other->date == NULL) ||
      (self->date != NULL && !g_date_time_equal (self->date, other->date)))
    {
      g_clear_pointer (&self->date, g_date_time_unref);
      self->date = other->date != NULL ? g_date_time_ref (other->date) : NULL;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DATE]);
      changed = TRUE;
    }

  if (!_botbench_chat_json_node_equal (self->attach_json, other->attach_json))
    {
      g_clear_pointer (&self->attach_json, json_node_unref);
      g_clear_pointer (&self->attach, botbench_attach_unref);
      self->attach_json = other->attach_json != NULL ? json_node_copy (other->attach_json) : NULL;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ATTACH]);
      changed = TRUE;
    }

  if (!_botbench_chat_json_node_equal (self->keyboard_json, other->keyboard_json))
    {
      g_clear_pointer (&self->keyboard_json, json_node_unref);
      g_clear_pointer (&self->keyboard, botbench_keyboard_unref);
      self->keyboard_json = other->keyboard_json != NULL ? json_node_copy (other->keyboard_json) : NULL;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KEYBOARD]);
      changed = TRUE;
    }

  g_clear_pointer (&self->menu_json, json_node_unref);
  self->menu_json = other->menu_json != NULL ? json_node_copy (other->menu_json) : NULL;
  g_clear_pointer (&self->source, json_object_unref);
  self->source = other->source != NULL ? json_object_ref (other->source) : NULL;

  _botbench_chat_message_add_deliveries (self, (const gint64 *)(gpointer)other->deliveries->data,
                                         other->deliveries->len);

  g_object_thaw_notify (G_OBJECT (self));

  return changed;
}

char *
botbench_chat_message_to_json_line (BotbenchChatMessage *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (BOTBENCH_IS_CHAT_MESSAGE (self), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "message_id");
  json_builder_add_int_value (builder, self->id);
  json_builder_set_member_name (builder, "author_id");
  json_builder_add_int_value (builder, self->author_id);
  json_builder_set_member_name (builder, "dialog_id");
  json_builder_add_string_value (builder, self->dialog_id);
  json_builder_set_member_name (builder, "text");
  json_builder_add_string_value (builder, self->text);
  json_builder_set_member_name (builder, "attach");
  json_builder_add_value (builder, self->attach_json != NULL ? json_node_copy (self->attach_json)
                                                             : json_node_new (JSON_NODE_NULL));
  json_builder_set_member_name (builder, "keyboard");
  json_builder_add_value (builder, self->keyboard_json != NULL ? json_node_copy (self->keyboard_json)
                                                               : json_node_new (JSON_NODE_NULL));
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return _botbench_chat_json_node_to_string (root, FALSE);
}
