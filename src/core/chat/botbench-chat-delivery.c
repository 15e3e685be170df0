/* botbench-chat-delivery.c: one event delivery of the sandbox (a DELIVERY object)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Read-only properties from a DELIVERY object, updated in place as the
 * delivery goes from pending to done/failed; the translated one-line
 * summary the conversation shows; and the search for the stored event a
 * delivery caused (for "Show in Events").
 */
#define G_LOG_DOMAIN "botbench-chat"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "botbench-chat-delivery.h"
#include "botbench-chat-json-private.h"
#include "botbench-event-store.h"
#include "botbench-form-node.h"
#include "botbench-request-preview.h"

struct _BotbenchChatDelivery
{
  GObject                    parent_instance;

  gint64                     id;
  gint64                     message_id;
  gint64                     chat_id;
  gint64                     bot_id;
  GArray                    *bot_ids;
  char                      *event;
  char                      *url;
  BotbenchChatDeliveryState  state;
  guint                      status;
  guint                      duration_ms;
  char                      *error;
  char                      *reason;
  char                      *reason_text;
  GDateTime                 *date;
  gint64                     rev;
};

G_DEFINE_FINAL_TYPE (BotbenchChatDelivery, botbench_chat_delivery, G_TYPE_OBJECT)
G_DEFINE_ENUM_TYPE (BotbenchChatDeliveryState, botbench_chat_delivery_state,
                    G_DEFINE_ENUM_VALUE (BOTBENCH_CHAT_DELIVERY_PENDING, "pending"),
                    G_DEFINE_ENUM_VALUE (BOTBENCH_CHAT_DELIVERY_DONE, "done"),
                    G_DEFINE_ENUM_VALUE (BOTBENCH_CHAT_DELIVERY_FAILED, "failed"),
                    G_DEFINE_ENUM_VALUE (BOTBENCH_CHAT_DELIVERY_SKIPPED, "skipped"))

enum
{
  PROP_0,
  PROP_STATE,
  PROP_STATUS,
  PROP_DURATION_MS,
  PROP_ERROR,
  PROP_URL,
  PROP_REASON,
  PROP_REV,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
botbench_chat_delivery_finalize (GObject *object)
{
  BotbenchChatDelivery *self = (BotbenchChatDelivery *)object;

  g_clear_pointer (&self->bot_ids, g_array_unref);
  g_free (self->event);
  g_free (self->url);
  g_free (self->error);
  g_free (self->reason);
  g_free (self->reason_text);
  g_clear_pointer (&self->date, g_date_time_unref);

  G_OBJECT_CLASS (botbench_chat_delivery_parent_class)->finalize (object);
}

static void
botbench_chat_delivery_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  BotbenchChatDelivery *self = BOTBENCH_CHAT_DELIVERY (object);

  switch (prop_id)
    {
    case PROP_STATE: g_value_set_enum (value, self->state); break;
    case PROP_STATUS: g_value_set_uint (value, self->status); break;
    case PROP_DURATION_MS: g_value_set_uint (value, self->duration_ms); break;
    case PROP_ERROR: g_value_set_string (value, self->error); break;
    case PROP_URL: g_value_set_string (value, self->url); break;
    case PROP_REASON: g_value_set_string (value, self->reason); break;
    case PROP_REV: g_value_set_int64 (value, self->rev); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
botbench_chat_delivery_class_init (BotbenchChatDeliveryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = botbench_chat_delivery_finalize;
  object_class->get_property = botbench_chat_delivery_get_property;

  properties[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, BOTBENCH_TYPE_CHAT_DELIVERY_STATE,
                                              BOTBENCH_CHAT_DELIVERY_PENDING, flags);
  properties[PROP_STATUS] = g_param_spec_uint ("status", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_DURATION_MS] = g_param_spec_uint ("duration-ms", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_ERROR] = g_param_spec_string ("error", NULL, NULL, "", flags);
  properties[PROP_URL] = g_param_spec_string ("url", NULL, NULL, "", flags);
  properties[PROP_REASON] = g_param_spec_string ("reason", NULL, NULL, "", flags);
  properties[PROP_REV] = g_param_spec_int64 ("rev", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
botbench_chat_delivery_init (BotbenchChatDelivery *self)
{
}

static BotbenchChatDeliveryState
parse_state (const char *state)
{
  if (g_strcmp0 (state, "done") == 0)
    return BOTBENCH_CHAT_DELIVERY_DONE;
  if (g_strcmp0 (state, "failed") == 0)
    return BOTBENCH_CHAT_DELIVERY_FAILED;
  if (g_strcmp0 (state, "skipped") == 0)
    return BOTBENCH_CHAT_DELIVERY_SKIPPED;
  return BOTBENCH_CHAT_DELIVERY_PENDING;
}

BotbenchChatDelivery *
botbench_chat_delivery_new_from_json (JsonObject *object)
{
  BotbenchChatDelivery *self;
  gint64 id;

  g_return_val_if_fail (object != NULL, NULL);

  id = _botbench_chat_json_get_int (object, "ID", 0);
  if (id <= 0)
    return NULL;

  self = g_object_new (BOTBENCH_TYPE_CHAT_DELIVERY, NULL);
  self->id = id;
  self->message_id = _botbench_chat_json_get_int (object, "MESSAGE_ID", 0);
  self->chat_id = _botbench_chat_json_get_int (object, "CHAT_ID", 0);
  self->bot_id = _botbench_chat_json_get_int (object, "BOT_ID", 0);
  self->bot_ids = _botbench_chat_json_get_ids (object, "BOT_IDS");
  self->event = _botbench_chat_json_dup_string (object, "EVENT", "");
  self->url = _botbench_chat_json_dup_string (object, "URL", "");
  self->state = parse_state (_botbench_chat_json_get_string (object, "STATE"));
  self->status = (guint)CLAMP (_botbench_chat_json_get_int (object, "STATUS", 0), 0, 999);
  self->duration_ms = (guint)CLAMP (_botbench_chat_json_get_int (object, "DURATION_MS", 0), 0, G_MAXINT);
  self->error = _botbench_chat_json_dup_string (object, "ERROR", "");
  self->reason = _botbench_chat_json_dup_string (object, "REASON", "");
  self->reason_text = _botbench_chat_json_dup_string (object, "REASON_TEXT", "");
  self->date = _botbench_chat_json_get_date (object, "DATE");
  self->rev = _botbench_chat_json_get_int (object, "REV", 0);

  return self;
}

#define GETTER(type, name, field, fallback) \
  type \
  botbench_chat_delivery_get_##name (BotbenchChatDelivery *self) \
  { \
    g_return_val_if_fail (BOTBENCH_IS_CHAT_DELIVERY (self), fallback); \
    return self->field; \
  }

GETTER (gint64, id, id, 0)
GETTER (gint64, message_id, message_id, 0)
GETTER (gint64, chat_id, chat_id, 0)
GETTER (gint64, bot_id, bot_id, 0)
GETTER (const char *, event, event, NULL)
GETTER (const char *, url, url, NULL)
GETTER (BotbenchChatDeliveryState, state, state, BOTBENCH_CHAT_DELIVERY_PENDING)
GETTER (guint, status, status, 0)
GETTER (guint, duration_ms, duration_ms, 0)
GETTER (const char *, error, error, NULL)
GETTER (const char *, reason, reason, NULL)
GETTER (const char *, reason_text, reason_text, NULL)
GETTER (GDateTime *, date, date, NULL)
GETTER (gint64, rev, rev, 0)

#undef GETTER

const gint64 *
botbench_chat_delivery_get_bot_ids (BotbenchChatDelivery *self,
                                    guint                *n_bot_ids)
{
  g_return_val_if_fail (BOTBENCH_IS_CHAT_DELIVERY (self), NULL);

  if (n_bot_ids != NULL)
    *n_bot_ids = self->bot_ids->len;
  return (const gint64 *)(gpointer)self->bot_ids->data;
}

gboolean
botbench_chat_delivery_is_finished (BotbenchChatDelivery *self)
{
  g_return_val_if_fail (BOTBENCH_IS_CHAT_DELIVERY (self), FALSE);
  return self->state != BOTBENCH_CHAT_DELIVERY_PENDING;
}

gboolean
botbench_chat_delivery_is_queued (BotbenchChatDelivery *self)
{
  g_return_val_if_fail (BOTBENCH_IS_CHAT_DELIVERY (self), FALSE);

  return self->state == BOTBENCH_CHAT_DELIVERY_SKIPPED && g_str_equal (self->reason, "FETCH_QUEUED");
}

gboolean
botbench_chat_delivery_is_problem (BotbenchChatDelivery *self)
{
  g_return_val_if_fail (BOTBENCH_IS_CHAT_DELIVERY (self), FALSE);

  switch (self->state)
    {
    case BOTBENCH_CHAT_DELIVERY_FAILED:
      return TRUE;
    case BOTBENCH_CHAT_DELIVERY_SKIPPED:
      return *self->reason != '\0' && !botbench_chat_delivery_is_queued (self);
    case BOTBENCH_CHAT_DELIVERY_DONE:
      return self->status >= 300;
    case BOTBENCH_CHAT_DELIVERY_PENDING:
    default:
      return FALSE;
    }
}

/* The English reason texts of the sandbox, in the user's language. */
static char *
dup_reason (BotbenchChatDelivery *self)
{
  if (g_str_equal (self->reason, "NO_HANDLER"))
    {
      static const struct { const char *event; const char *field; } fields[] = {
        { "ONIMBOTMESSAGEADD", "EVENT_MESSAGE_ADD" },
        { "ONIMBOTMESSAGEUPDATE", "EVENT_MESSAGE_UPDATE" },
        { "ONIMBOTMESSAGEDELETE", "EVENT_MESSAGE_DELETE" },
        { "ONIMBOTJOINCHAT", "EVENT_WELCOME_MESSAGE" },
        { "ONIMCOMMANDADD", "EVENT_COMMAND_ADD" },
      };

      for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
        if (g_str_equal (self->event, fields[i].event))
          /* TRANSLATORS: "No handler for ONIMBOTMESSAGEADD (EVENT_MESSAGE_ADD is empty)" */
          return g_strdup_printf (_("No handler for %s (%s is empty)"), fields[i].event, fields[i].field);
      return g_strdup_printf (_("No handler for %s"), self->event);
    }
  if (g_str_equal (self->reason, "NOT_MENTIONED"))
    {
      const char *type = "B";

      /* "Bot of type H ignores…" when the sandbox says so. */
      if (g_str_has_prefix (self->reason_text, "Bot of type ") && self->reason_text[12] != '\0' &&
          self->reason_text[13] == ' ')
        type = self->reason_text[12] == 'H' ? "H" : "B";
      /* TRANSLATORS: %s is the bot type, B or H */
      return g_strdup_printf (_("Bot of type %s ignores group messages that do not mention it"), type);
    }
  if (g_str_equal (self->reason, "NOT_FOR_TYPE"))
    return g_strdup (_("Only bots of type S or O get edits and deletions"));
  if (g_str_equal (self->reason, "BOT_AUTHOR"))
    return g_strdup (_("Bots never get messages written by bots"));

  if (*self->reason_text != '\0')
    return g_strdup (self->reason_text);
  return g_strdup (self->reason);
}

static char *
dup_transport_error (BotbenchChatDelivery *self)
{
  if (g_str_equal (self->error, "Connection refused"))
    return g_strdup (_("Connection refused"));
  if (g_str_equal (self->error, "Timed out after 30 s"))
    return g_strdup (_("Timed out after 30 s"));
  if (g_str_equal (self->error, "Cannot resolve host"))
    return g_strdup (_("Cannot resolve host"));
  if (*self->error != '\0')
    return g_strdup (self->error);
  return g_strdup (_("No answer"));
}

char *
botbench_chat_delivery_dup_display_url (BotbenchChatDelivery *self)
{
  const char *query;
  g_auto(GStrv) params = NULL;
  g_autoptr(GString) url = NULL;

  g_return_val_if_fail (BOTBENCH_IS_CHAT_DELIVERY (self), NULL);

  /* A webhook bot's handler URL carries its CLIENT_ID, a credential for
   * imbot calls: every query value is masked. */
  query = strchr (self->url, '?');
  if (query == NULL)
    return g_strdup (self->url);

  url = g_string_new_len (self->url, query - self->url + 1);
  params = g_strsplit (query + 1, "&", -1);
  for (guint i = 0; params[i] != NULL; i++)
    {
      const char *eq = strchr (params[i], '=');

      if (i > 0)
        g_string_append_c (url, '&');
      if (eq != NULL)
        {
          g_string_append_len (url, params[i], eq - params[i] + 1);
          g_string_append (url, BOTBENCH_MASK);
        }
      else
        g_string_append (url, params[i]);
    }
  return g_string_free (g_steal_pointer (&url), FALSE);
}

char *
botbench_chat_delivery_dup_summary (BotbenchChatDelivery *self)
{
  g_return_val_if_fail (BOTBENCH_IS_CHAT_DELIVERY (self), NULL);

  switch (self->state)
    {
    case BOTBENCH_CHAT_DELIVERY_PENDING:
      return g_strdup (_("Delivering…"));
    case BOTBENCH_CHAT_DELIVERY_DONE:
      {
        g_autofree char *url = botbench_chat_delivery_dup_display_url (self);

        /* TRANSLATORS: "The handler at http://127.0.0.1:8024/ answered 500 in 12 ms" */
        return g_strdup_printf (_("The handler at %s answered %u in %u ms"), url, self->status, self->duration_ms);
      }
    case BOTBENCH_CHAT_DELIVERY_FAILED:
      return dup_transport_error (self);
    case BOTBENCH_CHAT_DELIVERY_SKIPPED:
      if (botbench_chat_delivery_is_queued (self))
        /* TRANSLATORS: %s is an event name such as ONIMBOTV2MESSAGEADD */
        return g_strdup_printf (_("Queued for fetching: %s"), self->event);
      return dup_reason (self);
    default:
      g_assert_not_reached ();
    }
}

static gboolean
set_str (BotbenchChatDelivery  *self,
         char                 **field,
         const char            *value,
         guint                  prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  if (prop != PROP_0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
  return TRUE;
}

gboolean
botbench_chat_delivery_update_from (BotbenchChatDelivery *self,
                                    BotbenchChatDelivery *other)
{
  gboolean changed = FALSE;

  g_return_val_if_fail (BOTBENCH_IS_CHAT_DELIVERY (self), FALSE);
  g_return_val_if_fail (BOTBENCH_IS_CHAT_DELIVERY (other), FALSE);

  g_object_freeze_notify (G_OBJECT (self));

  self->message_id = other->message_id;
  self->chat_id = other->chat_id;
  self->bot_id = other->bot_id;
  g_array_set_size (self->bot_ids, 0);
  g_array_append_vals (self->bot_ids, other->bot_ids->data, other->bot_ids->len);
  set_str (self, &self->event, other->event, PROP_0);
  set_str (self, &self->reason_text, other->reason_text, PROP_0);
  g_clear_pointer (&self->date, g_date_time_unref);
  self->date = other->date != NULL ? g_date_time_ref (other->date) : NULL;

  changed |= set_str (self, &self->url, other->url, PROP_URL);
  changed |= set_str (self, &self->error, other->error, PROP_ERROR);
  changed |= set_str (self, &self->reason, other->reason, PROP_REASON);
  if (self->state != other->state)
    {
      self->state = other->state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
      changed = TRUE;
    }
  if (self->status != other->status)
    {
      self->status = other->status;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
      changed = TRUE;
    }
  if (self->duration_ms != other->duration_ms)
    {
      self->duration_ms = other->duration_ms;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DURATION_MS]);
      changed = TRUE;
    }
  if (self->rev != other->rev)
    {
      self->rev = other->rev;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REV]);
      changed = TRUE;
    }

  g_object_thaw_notify (G_OBJECT (self));

  return changed;
}

/* Finding the stored event */

static gboolean
string_is_id (const char *value,
              gint64      id)
{
  gint64 parsed;

  return value != NULL && g_ascii_string_to_signed (value, 10, 1, G_MAXINT64, &parsed, NULL) && parsed == id;
}

static gboolean
event_matches (BotbenchChatDelivery *self,
               BotbenchEvent        *event)
{
  BotbenchFormNode *form = botbench_event_get_form (event);
  BotbenchFormNode *commands;

  if (form == NULL)
    return FALSE;

  if (g_str_equal (self->event, "ONIMCOMMANDADD"))
    {
      commands = botbench_form_node_lookup (form, "data");
      commands = commands != NULL ? botbench_form_node_lookup (commands, "COMMAND") : NULL;
      if (commands == NULL || botbench_form_node_get_node_type (commands) != BOTBENCH_FORM_NODE_ARRAY)
        return FALSE;
      for (guint i = 0; i < botbench_form_node_get_n_children (commands); i++)
        {
          BotbenchFormNode *command = botbench_form_node_get_child (commands, i);

          if (botbench_form_node_get_node_type (command) == BOTBENCH_FORM_NODE_ARRAY &&
              string_is_id (botbench_form_node_lookup_string (command, "MESSAGE_ID", NULL), self->message_id))
            return TRUE;
        }
      return FALSE;
    }

  if (g_str_equal (self->event, "ONIMBOTJOINCHAT"))
    {
      const char *chat = botbench_form_node_lookup_string (form, "data", "PARAMS", "CHAT_ID", NULL);

      if (!string_is_id (botbench_form_node_lookup_string (form, "data", "PARAMS", "BOT_ID", NULL), self->bot_id))
        return FALSE;
      return chat == NULL || self->chat_id <= 0 || string_is_id (chat, self->chat_id);
    }

  return string_is_id (botbench_form_node_lookup_string (form, "data", "PARAMS", "MESSAGE_ID", NULL),
                       self->message_id);
}

gint64
botbench_chat_delivery_find_event (BotbenchChatDelivery *self,
                                   BotbenchEventStore   *store)
{
  BotbenchEventQuery query = { 0 };
  gint64 before = 0;

  g_return_val_if_fail (BOTBENCH_IS_CHAT_DELIVERY (self), 0);
  g_return_val_if_fail (BOTBENCH_IS_EVENT_STORE (store), 0);

  if (*self->event == '\0' || self->state == BOTBENCH_CHAT_DELIVERY_SKIPPED)
    return 0;
  if (self->message_id <= 0 && !g_str_equal (self->event, "ONIMBOTJOINCHAT"))
    return 0;

  query.event_name = self->event;
  query.since_us = self->date != NULL ? g_date_time_to_unix (self->date) * G_USEC_PER_SEC - 10 * G_USEC_PER_SEC : 0;
  query.limit = 100;

  /* Newest first; a few pages at most (the time window keeps it short). */
  for (guint page = 0; page < 10; page++)
    {
      g_autoptr(GPtrArray) events = NULL;
      g_autoptr(GError) error = NULL;

      query.before_id = before;
      events = botbench_event_store_query (store, &query, &error);
      if (events == NULL || events->len == 0)
        {
          if (error != NULL)
            g_debug ("Cannot look for the event of delivery %" G_GINT64_FORMAT ": %s", self->id, error->message);
          return 0;
        }

      for (guint i = 0; i < events->len; i++)
        if (event_matches (self, events->pdata[i]))
          return botbench_event_get_id (events->pdata[i]);

      before = botbench_event_get_id (events->pdata[events->len - 1]);
    }

  return 0;
}

typedef struct
{
  BotbenchChatDelivery *copy;
  BotbenchEventStore   *store;
} FindEvent;

static void
find_event_free (FindEvent *find)
{
  g_clear_object (&find->copy);
  g_clear_object (&find->store);
  g_free (find);
}

static void
find_event_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  FindEvent *find = task_data;
  gint64 id = botbench_chat_delivery_find_event (find->copy, find->store);

  g_task_return_pointer (task, g_memdup2 (&id, sizeof id), g_free);
}

void
botbench_chat_delivery_find_event_async (BotbenchChatDelivery *self,
                                         BotbenchEventStore   *store,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  FindEvent *find;

  g_return_if_fail (BOTBENCH_IS_CHAT_DELIVERY (self));
  g_return_if_fail (BOTBENCH_IS_EVENT_STORE (store));

  /* The main thread may update @self meanwhile: the worker reads a copy. */
  find = g_new0 (FindEvent, 1);
  find->copy = g_object_new (BOTBENCH_TYPE_CHAT_DELIVERY, NULL);
  find->copy->id = self->id;
  find->copy->bot_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  find->copy->event = g_strdup ("");
  find->copy->url = g_strdup ("");
  find->copy->error = g_strdup ("");
  find->copy->reason = g_strdup ("");
  find->copy->reason_text = g_strdup ("");
  botbench_chat_delivery_update_from (find->copy, self);
  find->store = g_object_ref (store);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, botbench_chat_delivery_find_event_async);
  g_task_set_task_data (task, find, (GDestroyNotify)find_event_free);
  g_task_run_in_thread (task, find_event_thread);
}

gint64
botbench_chat_delivery_find_event_finish (BotbenchChatDelivery *self,
                                          GAsyncResult         *result)
{
  g_autofree gint64 *id = NULL;

  g_return_val_if_fail (BOTBENCH_IS_CHAT_DELIVERY (self), 0);
  g_return_val_if_fail (g_task_is_valid (result, self), 0);

  id = g_task_propagate_pointer (G_TASK (result), NULL);
  return id != NULL ? *id : 0;
}
