/* botbench-event.c: one received HTTP request, immutable once stored
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The object: construction, properties, getters and the few setters the
 * store and the forwarder use.  Decoding the body and the summary:
 * botbench-event-decode.c; the event as text (JSON line, headers, curl):
 * botbench-event-format.c.
 */
#define G_LOG_DOMAIN "botbench-event"

#include "config.h"

#include <string.h>

#include "botbench-event-internal.h"


G_DEFINE_FINAL_TYPE (BotbenchEvent, botbench_event, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_EVENT_NAME,
  PROP_BOT_ID,
  PROP_BOT_CODE,
  PROP_MESSAGE,
  PROP_RECEIVED,
  PROP_SIZE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
botbench_event_finalize (GObject *object)
{
  BotbenchEvent *self = (BotbenchEvent *)object;

  g_free (self->remote_address);
  g_free (self->method);
  g_free (self->path);
  g_free (self->query);
  g_strfreev (self->headers);
  g_free (self->content_type);
  g_clear_pointer (&self->body, g_bytes_unref);
  g_free (self->event_name);
  g_free (self->bot_id);
  g_free (self->bot_code);
  g_free (self->message);
  g_clear_pointer (&self->forward, botbench_forward_result_unref);
  g_free (self->fetch_portal);
  g_clear_pointer (&self->form, botbench_form_node_unref);
  g_clear_pointer (&self->json, json_node_unref);

  G_OBJECT_CLASS (botbench_event_parent_class)->finalize (object);
}

static void
botbench_event_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  BotbenchEvent *self = BOTBENCH_EVENT (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;

    case PROP_EVENT_NAME:
      _botbench_event_summarize (self);
      g_value_set_string (value, self->event_name);
      break;

    case PROP_BOT_ID:
      _botbench_event_summarize (self);
      g_value_set_string (value, self->bot_id);
      break;

    case PROP_BOT_CODE:
      _botbench_event_summarize (self);
      g_value_set_string (value, self->bot_code);
      break;

    case PROP_MESSAGE:
      _botbench_event_summarize (self);
      g_value_set_string (value, self->message);
      break;

    case PROP_RECEIVED:
      g_value_set_int64 (value, self->received);
      break;

    case PROP_SIZE:
      g_value_set_uint64 (value, botbench_event_get_size (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
botbench_event_class_init (BotbenchEventClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = botbench_event_finalize;
  object_class->get_property = botbench_event_get_property;

  properties[PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_EVENT_NAME] =
    g_param_spec_string ("event-name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_BOT_ID] =
    g_param_spec_string ("bot-id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_BOT_CODE] =
    g_param_spec_string ("bot-code", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_MESSAGE] =
    g_param_spec_string ("message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_RECEIVED] =
    g_param_spec_int64 ("received", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SIZE] =
    g_param_spec_uint64 ("size", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
botbench_event_init (BotbenchEvent *self)
{
}

static char **
copy_headers (const char * const *headers)
{
  if (headers == NULL)
    return g_new0 (char *, 1);

  return g_strdupv ((char **)headers);
}

static BotbenchEvent *
botbench_event_new_internal (gint64              received_us,
                             const char         *remote_address,
                             const char         *method,
                             const char         *path,
                             const char         *query,
                             const char * const *headers,
                             const char         *content_type,
                             GBytes             *body)
{
  BotbenchEvent *self = g_object_new (BOTBENCH_TYPE_EVENT, NULL);

  self->received = received_us;
  self->remote_address = g_strdup (remote_address ? remote_address : "");
  self->method = g_strdup (method ? method : "POST");
  self->path = g_strdup (path ? path : "/");
  self->query = g_strdup (query ? query : "");
  self->headers = copy_headers (headers);
  self->content_type = g_strdup (content_type);
  self->body = body ? g_bytes_ref (body) : g_bytes_new_static ("", 0);

  return self;
}

BotbenchEvent *
botbench_event_new (gint64              received_us,
                    const char         *remote_address,
                    const char         *method,
                    const char         *path,
                    const char         *query,
                    const char * const *headers,
                    const char         *content_type,
                    GBytes             *body)
{
  /* The summary is derived on first use, off the listener's thread. */
  return botbench_event_new_internal (received_us, remote_address, method, path,
                                      query, headers, content_type, body);
}

BotbenchEvent *
_botbench_event_new_stored (gint64              id,
                            gint64              received_us,
                            const char         *remote_address,
                            const char         *method,
                            const char         *path,
                            const char         *query,
                            const char * const *headers,
                            const char         *content_type,
                            GBytes             *body,
                            const char         *event_name,
                            const char         *bot_id,
                            const char         *bot_code,
                            const char         *message)
{
  BotbenchEvent *self;

  self = botbench_event_new_internal (received_us, remote_address, method, path,
                                      query, headers, content_type, body);
  self->id = id;
  self->event_name = g_strdup (event_name ? event_name : "");
  self->bot_id = g_strdup (bot_id ? bot_id : "");
  self->bot_code = g_strdup (bot_code ? bot_code : "");
  self->message = g_strdup (message ? message : "");
  self->summarized = 1;

  return self;
}

void
_botbench_event_set_id (BotbenchEvent *self,
                        gint64         id)
{
  g_return_if_fail (BOTBENCH_IS_EVENT (self));

  /* Set once by the writer thread before the insert task completes; the
   * task completion is the memory barrier for readers on other threads. */
  self->id = id;
}

gint64
botbench_event_get_id (BotbenchEvent *self)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENT (self), 0);
  return self->id;
}

gint64
botbench_event_get_received (BotbenchEvent *self)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENT (self), 0);
  return self->received;
}

const char *
botbench_event_get_remote_address (BotbenchEvent *self)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENT (self), NULL);
  return self->remote_address;
}

const char *
botbench_event_get_method (BotbenchEvent *self)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENT (self), NULL);
  return self->method;
}

const char *
botbench_event_get_path (BotbenchEvent *self)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENT (self), NULL);
  return self->path;
}

const char *
botbench_event_get_query (BotbenchEvent *self)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENT (self), NULL);
  return self->query;
}

const char * const *
botbench_event_get_headers (BotbenchEvent *self)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENT (self), NULL);
  return (const char * const *)self->headers;
}

const char *
botbench_event_get_header (BotbenchEvent *self,
                           const char    *name)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENT (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; self->headers[i] != NULL && self->headers[i + 1] != NULL; i += 2)
    if (g_ascii_strcasecmp (self->headers[i], name) == 0)
      return self->headers[i + 1];

  return NULL;
}

const char *
botbench_event_get_content_type (BotbenchEvent *self)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENT (self), NULL);
  return self->content_type;
}

GBytes *
botbench_event_get_body (BotbenchEvent *self)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENT (self), NULL);
  return self->body;
}

gsize
botbench_event_get_size (BotbenchEvent *self)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENT (self), 0);
  return g_bytes_get_size (self->body);
}

static const char * const token_state_names[] = {
  [BOTBENCH_TOKEN_STATE_UNKNOWN] = "unknown",
  [BOTBENCH_TOKEN_STATE_VERIFIED] = "verified",
  [BOTBENCH_TOKEN_STATE_WRONG] = "wrong-token",
  [BOTBENCH_TOKEN_STATE_MISSING] = "no-token",
};

const char *
botbench_token_state_to_string (BotbenchTokenState state)
{
  if ((guint)state < G_N_ELEMENTS (token_state_names))
    return token_state_names[state];
  return "unknown";
}

gboolean
botbench_token_state_from_string (const char         *str,
                                  BotbenchTokenState *out)
{
  for (guint i = 0; i < G_N_ELEMENTS (token_state_names); i++)
    if (g_strcmp0 (str, token_state_names[i]) == 0)
      {
        if (out != NULL)
          *out = (BotbenchTokenState)i;
        return TRUE;
      }

  return FALSE;
}

gint64
botbench_event_get_replay_of (BotbenchEvent *self)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENT (self), 0);
  return self->replay_of;
}

void
botbench_event_set_replay_of (BotbenchEvent *self,
                              gint64         replay_of)
{
  g_return_if_fail (BOTBENCH_IS_EVENT (self));
  self->replay_of = MAX (replay_of, 0);
}

BotbenchTokenState
botbench_event_get_token_state (BotbenchEvent *self)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENT (self), BOTBENCH_TOKEN_STATE_UNKNOWN);
  return self->token_state;
}

void
botbench_event_set_token_state (BotbenchEvent      *self,
                                BotbenchTokenState  state)
{
  g_return_if_fail (BOTBENCH_IS_EVENT (self));
  self->token_state = state;
}

gboolean
botbench_event_get_rejected (BotbenchEvent *self)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENT (self), FALSE);
  return self->rejected;
}

void
botbench_event_set_rejected (BotbenchEvent *self,
                             gboolean       rejected)
{
  g_return_if_fail (BOTBENCH_IS_EVENT (self));
  self->rejected = !!rejected;
}

BotbenchForwardResult *
botbench_event_get_forward (BotbenchEvent *self)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENT (self), NULL);
  return self->forward;
}

void
botbench_event_set_forward (BotbenchEvent         *self,
                            BotbenchForwardResult *forward)
{
  g_return_if_fail (BOTBENCH_IS_EVENT (self));

  if (forward == self->forward)
    return;
  if (forward != NULL)
    botbench_forward_result_ref (forward);
  g_clear_pointer (&self->forward, botbench_forward_result_unref);
  self->forward = forward;
}

const char *
botbench_event_get_event_name (BotbenchEvent *self)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENT (self), NULL);

  _botbench_event_summarize (self);
  return self->event_name;
}

const char *
botbench_event_get_bot_id (BotbenchEvent *self)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENT (self), NULL);

  _botbench_event_summarize (self);
  return self->bot_id;
}

const char *
botbench_event_get_bot_code (BotbenchEvent *self)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENT (self), NULL);

  _botbench_event_summarize (self);
  return self->bot_code;
}

const char *
botbench_event_get_message (BotbenchEvent *self)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENT (self), NULL);

  _botbench_event_summarize (self);
  return self->message;
}

BotbenchFormNode *
botbench_event_get_form (BotbenchEvent *self)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENT (self), NULL);

  _botbench_event_decode (self);
  return self->form;
}

JsonNode *
botbench_event_get_json (BotbenchEvent *self)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENT (self), NULL);

  _botbench_event_decode (self);
  return self->json;
}


static const char * const source_names[] = {
  [BOTBENCH_EVENT_SOURCE_LISTENER] = "listener",
  [BOTBENCH_EVENT_SOURCE_FETCHED] = "fetched",
  [BOTBENCH_EVENT_SOURCE_REPLAY] = "replay",
  [BOTBENCH_EVENT_SOURCE_IMPORT] = "import",
};

const char *
botbench_event_source_to_string (BotbenchEventSource source)
{
  if ((guint)source < G_N_ELEMENTS (source_names))
    return source_names[source];
  return "listener";
}

gboolean
botbench_event_source_from_string (const char          *str,
                                   BotbenchEventSource *out)
{
  for (guint i = 0; i < G_N_ELEMENTS (source_names); i++)
    if (g_strcmp0 (str, source_names[i]) == 0)
      {
        if (out != NULL)
          *out = (BotbenchEventSource)i;
        return TRUE;
      }

  return FALSE;
}

BotbenchEventSource
botbench_event_get_source (BotbenchEvent *self)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENT (self), BOTBENCH_EVENT_SOURCE_LISTENER);

  /* A replay (replay_of set) that nobody marked otherwise. */
  if (self->source == BOTBENCH_EVENT_SOURCE_LISTENER && self->replay_of > 0)
    return BOTBENCH_EVENT_SOURCE_REPLAY;
  return self->source;
}

void
botbench_event_set_source (BotbenchEvent       *self,
                           BotbenchEventSource  source)
{
  g_return_if_fail (BOTBENCH_IS_EVENT (self));
  g_return_if_fail ((guint)source < G_N_ELEMENTS (source_names));
  self->source = source;
}

const char *
botbench_event_get_fetch_portal (BotbenchEvent *self)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENT (self), NULL);
  return self->fetch_portal;
}

gint64
botbench_event_get_fetch_bot_id (BotbenchEvent *self)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENT (self), 0);
  return self->fetch_bot_id;
}

gint64
botbench_event_get_fetch_event_id (BotbenchEvent *self)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENT (self), 0);
  return self->fetch_event_id;
}

void
botbench_event_set_fetched (BotbenchEvent *self,
                            const char    *portal,
                            gint64         bot_id,
                            gint64         event_id)
{
  g_return_if_fail (BOTBENCH_IS_EVENT (self));
  g_return_if_fail (portal != NULL);

  self->source = BOTBENCH_EVENT_SOURCE_FETCHED;
  g_free (self->fetch_portal);
  self->fetch_portal = g_strdup (portal);
  self->fetch_bot_id = MAX (bot_id, 0);
  self->fetch_event_id = MAX (event_id, 0);
}
