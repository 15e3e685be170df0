/* botbench-event.c: one received HTTP request, immutable once stored
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "botbench-event"

#include "config.h"

#include <string.h>

#include "botbench-event-private.h"
#include "botbench-event-import.h"
#include "botbench-json.h"

struct _BotbenchEvent
{
  GObject           parent_instance;

  gint64            id;
  gint64            received;
  char             *remote_address;
  char             *method;
  char             *path;
  char             *query;
  char            **headers;
  char             *content_type;
  GBytes           *body;

  char             *event_name;
  char             *bot_id;
  char             *bot_code;
  char             *message;

  gint64                 replay_of;
  BotbenchTokenState     token_state;
  gboolean               rejected;
  BotbenchForwardResult *forward;

  /* Both built lazily, once, on whichever thread asks first: for a new
   * event that is the store's writer, not the listener. */
  gsize             summarized;
  gsize             decoded;
  BotbenchFormNode *form;
  JsonNode         *json;
};

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

static gboolean
content_type_is (const char *content_type,
                 const char *mime)
{
  gsize len;

  if (content_type == NULL)
    return FALSE;

  while (*content_type == ' ' || *content_type == '\t')
    content_type++;

  len = strlen (mime);
  if (g_ascii_strncasecmp (content_type, mime, len) != 0)
    return FALSE;

  return content_type[len] == '\0' || content_type[len] == ';' ||
         content_type[len] == ' ' || content_type[len] == '\t';
}

static void
botbench_event_decode (BotbenchEvent *self)
{
  if (g_once_init_enter (&self->decoded))
    {
      gsize len = 0;
      const char *data = self->body ? g_bytes_get_data (self->body, &len) : NULL;

      if (data == NULL)
        data = "";

      /* Checked first: json-glib would recurse once per level of
       * whatever the sender nested (and keep a second value, leaking the
       * first).  A body that fails the check is not JSON here. */
      if ((botbench_event_content_type_is_json (self->content_type) ||
           (self->content_type == NULL && len > 0 && (data[0] == '{' || data[0] == '['))) &&
          botbench_json_check (data, len, BOTBENCH_JSON_MAX_DEPTH, NULL))
        {
          g_autoptr(JsonParser) parser = json_parser_new_immutable ();

          if (json_parser_load_from_data (parser, data, len, NULL))
            self->json = json_node_ref (json_parser_get_root (parser));
        }

      if (self->json == NULL)
        {
          if (self->content_type == NULL || *self->content_type == '\0')
            self->form = botbench_post_decode_urlencoded (data, len);
          else
            self->form = botbench_post_decode (data, len, self->content_type, NULL);
        }

      g_once_init_leave (&self->decoded, 1);
    }
}

static const char *
json_lookup_string (JsonNode   *root,
                    const char *first_key,
                    ...)
{
  JsonNode *node = root;
  const char *key;
  va_list args;

  va_start (args, first_key);
  for (key = first_key; key != NULL; key = va_arg (args, const char *))
    {
      if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
        {
          node = NULL;
          break;
        }
      node = json_object_get_member (json_node_get_object (node), key);
    }
  va_end (args);

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
      json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);

  return NULL;
}

/* data[BOT] (message, join) and data[COMMAND] (command) are keyed by bot or
 * command id; the first entry names the bot. */
static BotbenchFormNode *
first_child_array (BotbenchFormNode *node,
                   const char      **key)
{
  if (node == NULL ||
      botbench_form_node_get_node_type (node) != BOTBENCH_FORM_NODE_ARRAY ||
      botbench_form_node_get_n_children (node) == 0)
    return NULL;

  if (key != NULL)
    *key = botbench_form_node_get_child_key (node, 0);

  return botbench_form_node_get_child (node, 0);
}

static void
botbench_event_summarize (BotbenchEvent *self)
{
  const char *event_name = NULL;
  const char *bot_id = NULL;
  const char *bot_code = NULL;
  const char *message = NULL;

  if (!g_once_init_enter (&self->summarized))
    return;

  botbench_event_decode (self);

  if (self->form != NULL)
    {
      BotbenchFormNode *data = botbench_form_node_lookup (self->form, "data");
      BotbenchFormNode *entry;
      const char *key = NULL;

      event_name = botbench_form_node_lookup_string (self->form, "event", NULL);
      if (event_name == NULL)
        event_name = botbench_form_node_lookup_string (self->form, "EVENT", NULL);

      if ((entry = first_child_array (data ? botbench_form_node_lookup (data, "BOT") : NULL, &key)))
        {
          bot_id = botbench_form_node_lookup_string (entry, "BOT_ID", NULL);
          if (bot_id == NULL)
            bot_id = key;
          bot_code = botbench_form_node_lookup_string (entry, "BOT_CODE", NULL);
        }
      else if ((entry = first_child_array (data ? botbench_form_node_lookup (data, "COMMAND") : NULL, NULL)))
        {
          bot_id = botbench_form_node_lookup_string (entry, "BOT_ID", NULL);
          bot_code = botbench_form_node_lookup_string (entry, "BOT_CODE", NULL);
        }

      if (bot_id == NULL && data != NULL)
        bot_id = botbench_form_node_lookup_string (data, "BOT_ID", NULL);
      if (bot_id == NULL && data != NULL)
        bot_id = botbench_form_node_lookup_string (data, "PARAMS", "BOT_ID", NULL);
      if (bot_code == NULL && data != NULL)
        bot_code = botbench_form_node_lookup_string (data, "BOT_CODE", NULL);

      if (data != NULL)
        message = botbench_form_node_lookup_string (data, "PARAMS", "MESSAGE", NULL);
    }
  else if (self->json != NULL)
    {
      event_name = json_lookup_string (self->json, "event", NULL);
      bot_id = json_lookup_string (self->json, "data", "BOT_ID", NULL);
      bot_code = json_lookup_string (self->json, "data", "BOT_CODE", NULL);
      message = json_lookup_string (self->json, "data", "PARAMS", "MESSAGE", NULL);
    }

  self->event_name = g_utf8_make_valid (event_name ? event_name : "", -1);
  self->bot_id = g_utf8_make_valid (bot_id ? bot_id : "", -1);
  self->bot_code = g_utf8_make_valid (bot_code ? bot_code : "", -1);
  self->message = g_utf8_make_valid (message ? message : "", -1);

  g_once_init_leave (&self->summarized, 1);
}

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
      botbench_event_summarize (self);
      g_value_set_string (value, self->event_name);
      break;

    case PROP_BOT_ID:
      botbench_event_summarize (self);
      g_value_set_string (value, self->bot_id);
      break;

    case PROP_BOT_CODE:
      botbench_event_summarize (self);
      g_value_set_string (value, self->bot_code);
      break;

    case PROP_MESSAGE:
      botbench_event_summarize (self);
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

  botbench_event_summarize (self);
  return self->event_name;
}

const char *
botbench_event_get_bot_id (BotbenchEvent *self)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENT (self), NULL);

  botbench_event_summarize (self);
  return self->bot_id;
}

const char *
botbench_event_get_bot_code (BotbenchEvent *self)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENT (self), NULL);

  botbench_event_summarize (self);
  return self->bot_code;
}

const char *
botbench_event_get_message (BotbenchEvent *self)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENT (self), NULL);

  botbench_event_summarize (self);
  return self->message;
}

BotbenchFormNode *
botbench_event_get_form (BotbenchEvent *self)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENT (self), NULL);

  botbench_event_decode (self);
  return self->form;
}

JsonNode *
botbench_event_get_json (BotbenchEvent *self)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENT (self), NULL);

  botbench_event_decode (self);
  return self->json;
}

gboolean
botbench_event_content_type_is_json (const char *content_type)
{
  return content_type_is (content_type, "application/json") ||
         content_type_is (content_type, "text/json");
}

char *
botbench_event_dup_data_json (BotbenchEvent *self)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENT (self), NULL);

  botbench_event_decode (self);

  if (self->form != NULL)
    return botbench_form_node_to_json (self->form);

  if (self->json != NULL)
    return json_to_string (self->json, FALSE);

  return g_strdup ("[]");
}

/* JSON string literal; invalid UTF-8 becomes U+FFFD. */
static void
append_json_string (GString    *out,
                    const char *str)
{
  g_autofree char *valid = g_utf8_make_valid (str ? str : "", -1);

  g_string_append_c (out, '"');
  for (const char *p = valid; *p != '\0'; p++)
    {
      guchar c = (guchar)*p;

      switch (c)
        {
        case '"':  g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        default:
          if (c < 0x20)
            g_string_append_printf (out, "\\u%04x", c);
          else
            g_string_append_c (out, (char)c);
        }
    }
  g_string_append_c (out, '"');
}

char *
botbench_event_to_json_line (BotbenchEvent *self)
{
  g_autoptr(GDateTime) dt = NULL;
  g_autofree char *data = NULL;
  g_autofree char *iso = NULL;
  GString *out;

  g_return_val_if_fail (BOTBENCH_IS_EVENT (self), NULL);

  botbench_event_summarize (self);
  dt = g_date_time_new_from_unix_utc (self->received / G_USEC_PER_SEC);
  if (dt != NULL)
    {
      g_autoptr(GDateTime) precise = g_date_time_add (dt, self->received % G_USEC_PER_SEC);
      iso = g_date_time_format (precise, "%Y-%m-%dT%H:%M:%S.%fZ");
    }

  data = botbench_event_dup_data_json (self);

  out = g_string_new ("{\"id\":");
  g_string_append_printf (out, "%" G_GINT64_FORMAT, self->id);
  g_string_append_printf (out, ",\"received\":%" G_GINT64_FORMAT, self->received);
  g_string_append (out, ",\"time\":");
  append_json_string (out, iso ? iso : "");
  g_string_append (out, ",\"remote\":");
  append_json_string (out, self->remote_address);
  g_string_append (out, ",\"method\":");
  append_json_string (out, self->method);
  g_string_append (out, ",\"path\":");
  append_json_string (out, self->path);
  g_string_append (out, ",\"query\":");
  append_json_string (out, self->query);
  g_string_append (out, ",\"content_type\":");
  append_json_string (out, self->content_type ? self->content_type : "");
  g_string_append (out, ",\"size\":");
  g_string_append_printf (out, "%" G_GSIZE_FORMAT, botbench_event_get_size (self));
  g_string_append (out, ",\"event\":");
  append_json_string (out, self->event_name);
  g_string_append (out, ",\"bot_id\":");
  append_json_string (out, self->bot_id);
  g_string_append (out, ",\"data\":");
  g_string_append (out, data);
  g_string_append (out, ",\"verified\":\"");
  g_string_append (out, botbench_token_state_to_string (self->token_state));
  g_string_append_c (out, '"');
  botbench_event_append_raw_json (self, out);
  if (self->replay_of > 0)
    g_string_append_printf (out, ",\"replay_of\":%" G_GINT64_FORMAT, self->replay_of);
  else
    g_string_append (out, ",\"replay_of\":null");
  g_string_append (out, self->rejected ? ",\"rejected\":true" : ",\"rejected\":false");
  g_string_append (out, ",\"forward\":");
  if (self->forward != NULL)
    botbench_forward_result_append_json (self->forward, out);
  else
    g_string_append (out, "null");
  g_string_append_c (out, '}');

  return g_string_free (out, FALSE);
}

/* POSIX shell single-quoted word of len bytes (str need not be NUL-terminated). */
static void
append_shell_quoted_len (GString    *out,
                         const char *str,
                         gsize       len)
{
  g_string_append_c (out, '\'');
  for (gsize i = 0; i < len; i++)
    {
      if (str[i] == '\'')
        g_string_append (out, "'\\''");
      else
        g_string_append_c (out, str[i]);
    }
  g_string_append_c (out, '\'');
}

static void
append_shell_quoted (GString    *out,
                     const char *str)
{
  append_shell_quoted_len (out, str, strlen (str));
}

static gboolean
body_is_plain_text (const char *data,
                    gsize       len)
{
  if (!g_utf8_validate (data, len, NULL))
    return FALSE;

  for (gsize i = 0; i < len; i++)
    {
      guchar c = (guchar)data[i];

      if (c < 0x20 && c != '\n' && c != '\t')
        return FALSE;
    }

  return TRUE;
}

static gboolean
header_is_resent (const char *name)
{
  static const char * const skipped[] = {
    "Host", "Content-Length", "Connection", "Transfer-Encoding", "Expect",
    "Keep-Alive", "TE", "Trailer", "Upgrade", "Proxy-Connection",
  };

  for (guint i = 0; i < G_N_ELEMENTS (skipped); i++)
    if (g_ascii_strcasecmp (name, skipped[i]) == 0)
      return FALSE;

  return TRUE;
}

char *
botbench_event_dup_curl_command (BotbenchEvent *self,
                                 const char    *base_url)
{
  g_autofree char *url = NULL;
  g_autofree char *base = NULL;
  const char *data;
  gboolean plain;
  GString *out;
  gsize len;

  g_return_val_if_fail (BOTBENCH_IS_EVENT (self), NULL);

  base = g_strdup (base_url ? base_url : "http://127.0.0.1:8024");
  while (*base != '\0' && g_str_has_suffix (base, "/"))
    base[strlen (base) - 1] = '\0';

  url = g_strconcat (base,
                     self->path[0] == '/' ? "" : "/", self->path,
                     self->query[0] != '\0' ? "?" : "", self->query,
                     NULL);

  data = g_bytes_get_data (self->body, &len);
  if (data == NULL)
    data = "";
  /* curl reads a --data-binary value starting with @ as a file name */
  plain = body_is_plain_text (data, len) && (len == 0 || data[0] != '@');

  out = g_string_new (NULL);

  if (!plain)
    {
      /* Bytes a shell word cannot hold (NUL, invalid UTF-8, control
       * characters) go through printf's octal escapes. */
      g_string_append (out, "printf '");
      for (gsize i = 0; i < len; i++)
        {
          guchar c = (guchar)data[i];

          if (c >= 0x20 && c < 0x7f && c != '\'' && c != '\\' && c != '%')
            g_string_append_c (out, (char)c);
          else
            g_string_append_printf (out, "\\%03o", c);
        }
      g_string_append (out, "' | ");
    }

  g_string_append (out, "curl -X ");
  append_shell_quoted (out, self->method);

  for (guint i = 0; self->headers[i] != NULL && self->headers[i + 1] != NULL; i += 2)
    {
      g_autofree char *header = NULL;

      if (!header_is_resent (self->headers[i]))
        continue;

      header = g_strdup_printf ("%s: %s", self->headers[i], self->headers[i + 1]);
      g_string_append (out, " -H ");
      append_shell_quoted (out, header);
    }

  if (self->content_type != NULL && botbench_event_get_header (self, "Content-Type") == NULL)
    {
      g_autofree char *header = g_strdup_printf ("Content-Type: %s", self->content_type);
      g_string_append (out, " -H ");
      append_shell_quoted (out, header);
    }

  if (len > 0 || g_ascii_strcasecmp (self->method, "POST") == 0)
    {
      g_string_append (out, " --data-binary ");
      if (plain)
        append_shell_quoted_len (out, data, len);
      else
        g_string_append (out, "@-");
    }

  g_string_append_c (out, ' ');
  append_shell_quoted (out, url);

  return g_string_free (out, FALSE);
}

char *
_botbench_event_dup_headers_json (BotbenchEvent *self)
{
  GString *out = g_string_new ("[");

  for (guint i = 0; self->headers[i] != NULL && self->headers[i + 1] != NULL; i += 2)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, '[');
      append_json_string (out, self->headers[i]);
      g_string_append_c (out, ',');
      append_json_string (out, self->headers[i + 1]);
      g_string_append_c (out, ']');
    }
  g_string_append_c (out, ']');

  return g_string_free (out, FALSE);
}

char **
_botbench_event_headers_from_json (const char *json)
{
  g_autoptr(GPtrArray) headers = g_ptr_array_new ();
  g_autoptr(JsonNode) root = NULL;

  /* Ours, but read back from a file anyone with the user's rights can edit. */
  if (json != NULL && (root = botbench_json_parse (json, strlen (json), NULL)) != NULL &&
      JSON_NODE_HOLDS_ARRAY (root))
    {
      JsonArray *array = json_node_get_array (root);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *pair = json_array_get_element (array, i);
          JsonArray *pa;

          if (!JSON_NODE_HOLDS_ARRAY (pair))
            continue;
          pa = json_node_get_array (pair);
          if (json_array_get_length (pa) != 2)
            continue;

          g_ptr_array_add (headers, g_strdup (json_array_get_string_element (pa, 0)));
          g_ptr_array_add (headers, g_strdup (json_array_get_string_element (pa, 1)));
        }
    }

  g_ptr_array_add (headers, NULL);
  return (char **)g_ptr_array_free (g_steal_pointer (&headers), FALSE);
}

/* OAuth tokens are secrets and useless as search terms; data[BOT][id][AUTH]
 * repeats its parent's keys.  Neither goes into the search text. */
static gboolean
search_skips_key (const char *key)
{
  return g_strcmp0 (key, "access_token") == 0 ||
         g_strcmp0 (key, "refresh_token") == 0 ||
         g_strcmp0 (key, "AUTH") == 0;
}

static void
collect_form_text (BotbenchFormNode *node,
                   GString          *out)
{
  if (botbench_form_node_get_node_type (node) == BOTBENCH_FORM_NODE_STRING)
    {
      gsize len;
      const char *str = botbench_form_node_get_string (node, &len);

      if (len == 0)
        return;
      if (out->len > 0)
        g_string_append_c (out, ' ');
      g_string_append_len (out, str, len);
      return;
    }

  for (guint i = 0; i < botbench_form_node_get_n_children (node); i++)
    {
      if (search_skips_key (botbench_form_node_get_child_key (node, i)))
        continue;
      collect_form_text (botbench_form_node_get_child (node, i), out);
    }
}

static void
collect_json_text (JsonNode *node,
                   GString  *out)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        g_autoptr(GList) members = json_object_get_values (json_node_get_object (node));
        for (const GList *l = members; l != NULL; l = l->next)
          collect_json_text (l->data, out);
      }
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        for (guint i = 0; i < json_array_get_length (array); i++)
          collect_json_text (json_array_get_element (array, i), out);
      }
      break;

    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) == G_TYPE_STRING)
        {
          if (out->len > 0)
            g_string_append_c (out, ' ');
          g_string_append (out, json_node_get_string (node));
        }
      break;

    case JSON_NODE_NULL:
    default:
      break;
    }
}

char *
_botbench_event_dup_search_text (BotbenchEvent *self)
{
  GString *out = g_string_new (NULL);
  char *valid;

  botbench_event_decode (self);

  if (self->form != NULL)
    collect_form_text (self->form, out);
  else if (self->json != NULL)
    collect_json_text (self->json, out);
  else
    {
      gsize len;
      const char *data = g_bytes_get_data (self->body, &len);
      if (data != NULL)
        g_string_append_len (out, data, len);
    }

  valid = g_utf8_make_valid (out->str, out->len);
  g_string_free (out, TRUE);
  return valid;
}
