/* botbench-chat-conversation.c: one chat of the sandbox (a CHAT object)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Read-only properties from a CHAT object, updated in place by
 * _update_from(); the session sets the last activity as messages arrive.
 */
#define G_LOG_DOMAIN "botbench-chat"

#include "config.h"

#include <string.h>

#include "botbench-chat-conversation.h"
#include "botbench-chat-conversation-private.h"
#include "botbench-chat-json-private.h"

struct _BotbenchChatConversation
{
  GObject                       parent_instance;

  gint64                        chat_id;
  char                         *dialog_id;
  BotbenchChatConversationType  type;
  char                         *title;
  gint64                        bot_id;
  GArray                       *members;
  gint64                        last_message_id;
  gint64                        last_activity;
  gint64                        rev;
};

G_DEFINE_FINAL_TYPE (BotbenchChatConversation, botbench_chat_conversation, G_TYPE_OBJECT)
G_DEFINE_ENUM_TYPE (BotbenchChatConversationType, botbench_chat_conversation_type,
                    G_DEFINE_ENUM_VALUE (BOTBENCH_CHAT_CONVERSATION_PRIVATE, "private"),
                    G_DEFINE_ENUM_VALUE (BOTBENCH_CHAT_CONVERSATION_GROUP, "group"))

enum
{
  PROP_0,
  PROP_CHAT_ID,
  PROP_DIALOG_ID,
  PROP_CONVERSATION_TYPE,
  PROP_TITLE,
  PROP_BOT_ID,
  PROP_N_MEMBERS,
  PROP_LAST_MESSAGE_ID,
  PROP_LAST_ACTIVITY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
botbench_chat_conversation_finalize (GObject *object)
{
  BotbenchChatConversation *self = (BotbenchChatConversation *)object;

  g_free (self->dialog_id);
  g_free (self->title);
  g_clear_pointer (&self->members, g_array_unref);

  G_OBJECT_CLASS (botbench_chat_conversation_parent_class)->finalize (object);
}

static void
botbench_chat_conversation_get_property (GObject    *object,
                                         guint       prop_id,
                                         GValue     *value,
                                         GParamSpec *pspec)
{
  BotbenchChatConversation *self = BOTBENCH_CHAT_CONVERSATION (object);

  switch (prop_id)
    {
    case PROP_CHAT_ID: g_value_set_int64 (value, self->chat_id); break;
    case PROP_DIALOG_ID: g_value_set_string (value, self->dialog_id); break;
    case PROP_CONVERSATION_TYPE: g_value_set_enum (value, self->type); break;
    case PROP_TITLE: g_value_set_string (value, self->title); break;
    case PROP_BOT_ID: g_value_set_int64 (value, self->bot_id); break;
    case PROP_N_MEMBERS: g_value_set_uint (value, self->members->len); break;
    case PROP_LAST_MESSAGE_ID: g_value_set_int64 (value, self->last_message_id); break;
    case PROP_LAST_ACTIVITY: g_value_set_int64 (value, self->last_activity); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
botbench_chat_conversation_class_init (BotbenchChatConversationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = botbench_chat_conversation_finalize;
  object_class->get_property = botbench_chat_conversation_get_property;

  properties[PROP_CHAT_ID] = g_param_spec_int64 ("chat-id", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  properties[PROP_DIALOG_ID] = g_param_spec_string ("dialog-id", NULL, NULL, "", flags);
  properties[PROP_CONVERSATION_TYPE] = g_param_spec_enum ("conversation-type", NULL, NULL,
                                                          BOTBENCH_TYPE_CHAT_CONVERSATION_TYPE,
                                                          BOTBENCH_CHAT_CONVERSATION_PRIVATE, flags);
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, "", flags);
  properties[PROP_BOT_ID] = g_param_spec_int64 ("bot-id", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  properties[PROP_N_MEMBERS] = g_param_spec_uint ("n-members", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_LAST_MESSAGE_ID] = g_param_spec_int64 ("last-message-id", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  properties[PROP_LAST_ACTIVITY] = g_param_spec_int64 ("last-activity", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
botbench_chat_conversation_init (BotbenchChatConversation *self)
{
}

BotbenchChatConversation *
botbench_chat_conversation_new_from_json (JsonObject *object)
{
  BotbenchChatConversation *self;
  const char *dialog_id;
  const char *type;
  gint64 chat_id;

  g_return_val_if_fail (object != NULL, NULL);

  chat_id = _botbench_chat_json_get_int (object, "CHAT_ID", 0);
  dialog_id = _botbench_chat_json_get_string (object, "DIALOG_ID");
  if (chat_id < 0 || dialog_id == NULL || *dialog_id == '\0' || !g_utf8_validate (dialog_id, -1, NULL))
    return NULL;
  if (chat_id == 0 && g_str_has_prefix (dialog_id, "chat"))
    return NULL;

  type = _botbench_chat_json_get_string (object, "TYPE");
  self = g_object_new (BOTBENCH_TYPE_CHAT_CONVERSATION, NULL);
  self->chat_id = chat_id;
  self->dialog_id = g_strdup (dialog_id);
  self->type = g_strcmp0 (type, "P") == 0 || (type == NULL && !g_str_has_prefix (dialog_id, "chat"))
               ? BOTBENCH_CHAT_CONVERSATION_PRIVATE : BOTBENCH_CHAT_CONVERSATION_GROUP;
  self->title = _botbench_chat_json_dup_string (object, "TITLE", "");
  self->bot_id = _botbench_chat_json_get_int (object, "BOT_ID", 0);
  self->members = _botbench_chat_json_get_ids (object, "MEMBERS");
  self->last_message_id = _botbench_chat_json_get_int (object, "LAST_MESSAGE_ID", 0);
  self->rev = _botbench_chat_json_get_int (object, "REV", 0);
  return self;
}

#define GETTER(type, name, field, fallback) \
  type \
  botbench_chat_conversation_get_##name (BotbenchChatConversation *self) \
  { \
    g_return_val_if_fail (BOTBENCH_IS_CHAT_CONVERSATION (self), fallback); \
    return self->field; \
  }

GETTER (gint64, chat_id, chat_id, 0)
GETTER (const char *, dialog_id, dialog_id, NULL)
GETTER (BotbenchChatConversationType, conversation_type, type, BOTBENCH_CHAT_CONVERSATION_PRIVATE)
GETTER (const char *, title, title, NULL)
GETTER (gint64, bot_id, bot_id, 0)
GETTER (gint64, last_message_id, last_message_id, 0)
GETTER (gint64, last_activity, last_activity, 0)
GETTER (gint64, rev, rev, 0)

#undef GETTER

const gint64 *
botbench_chat_conversation_get_members (BotbenchChatConversation *self,
                                        guint                    *n_members)
{
  g_return_val_if_fail (BOTBENCH_IS_CHAT_CONVERSATION (self), NULL);

  if (n_members != NULL)
    *n_members = self->members->len;
  return (const gint64 *)(gpointer)self->members->data;
}

gboolean
botbench_chat_conversation_has_member (BotbenchChatConversation *self,
                                       gint64                    id)
{
  g_return_val_if_fail (BOTBENCH_IS_CHAT_CONVERSATION (self), FALSE);

  for (guint i = 0; i < self->members->len; i++)
    if (g_array_index (self->members, gint64, i) == id)
      return TRUE;
  return FALSE;
}

void
_botbench_chat_conversation_set_chat_id (BotbenchChatConversation *self,
                                         gint64                    chat_id)
{
  if (self->chat_id == chat_id)
    return;
  self->chat_id = chat_id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHAT_ID]);
}

void
_botbench_chat_conversation_note_message (BotbenchChatConversation *self,
                                          gint64                    message_id,
                                          gint64                    unix_time)
{
  if (message_id > self->last_message_id)
    {
      self->last_message_id = message_id;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_MESSAGE_ID]);
    }
  if (unix_time > self->last_activity)
    {
      self->last_activity = unix_time;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ACTIVITY]);
    }
}

gboolean
botbench_chat_conversation_update_from (BotbenchChatConversation *self,
                                        BotbenchChatConversation *other)
{
  gboolean changed = FALSE;

  g_return_val_if_fail (BOTBENCH_IS_CHAT_CONVERSATION (self), FALSE);
  g_return_val_if_fail (BOTBENCH_IS_CHAT_CONVERSATION (other), FALSE);

  g_object_freeze_notify (G_OBJECT (self));

  if (g_strcmp0 (self->title, other->title) != 0)
    {
      g_free (self->title);
      self->title = g_strdup (other->title);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
      changed = TRUE;
    }
  if (self->members->len != other->members->len ||
      memcmp (self->members->data, other->members->data, other->members->len * sizeof (gint64)) != 0)
    {
      g_array_set_size (self->members, 0);
      g_array_append_vals (self->members, other->members->data, other->members->len);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_MEMBERS]);
      changed = TRUE;
    }
  if (self->chat_id != other->chat_id)
    {
      self->chat_id = other->chat_id;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHAT_ID]);
      changed = TRUE;
    }
  if (self->bot_id != other->bot_id)
    {
      self->bot_id = other->bot_id;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BOT_ID]);
      changed = TRUE;
    }
  if (other->last_message_id > self->last_message_id)
    {
      self->last_message_id = other->last_message_id;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_MESSAGE_ID]);
      changed = TRUE;
    }
  self->rev = other->rev;

  g_object_thaw_notify (G_OBJECT (self));

  return changed;
}
