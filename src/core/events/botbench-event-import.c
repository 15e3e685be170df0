/* botbench-event-import.c: JSON Lines of stored events, and back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The raw members of an exported line (headers, body), and one line back
 * into an event, every member type-checked (the file may come from
 * anywhere).  Reading whole files into a store:
 * botbench-event-import-file.c.
 */
#define G_LOG_DOMAIN "botbench-event-import"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "botbench-event-import-private.h"
#include "botbench-event-store.h"
#include "botbench-forward-result.h"
#include "botbench-json.h"

G_DEFINE_QUARK (botbench-event-import-error-quark, botbench_event_import_error)

/* ---- writing ----------------------------------------------------------- */

void
botbench_event_append_raw_json (BotbenchEvent *event,
                                GString       *out)
{
  const char * const *headers;
  const char *data;
  gsize len = 0;

  g_return_if_fail (BOTBENCH_IS_EVENT (event));
  g_return_if_fail (out != NULL);

  headers = botbench_event_get_headers (event);
  g_string_append (out, ",\"headers\":");
  botbench_json_append_string_pairs (out, headers);

  data = g_bytes_get_data (botbench_event_get_body (event), &len);
  if (data == NULL)
    data = "";

  /* g_utf8_validate() stops at a NUL byte: such a body is base64 too. */
  if (g_utf8_validate (data, len, NULL))
    {
      g_string_append (out, ",\"body\":");
      botbench_json_append_string (out, data, (gssize)len);
    }
  else
    {
      g_autofree char *base64 = g_base64_encode ((const guchar *)data, len);

      g_string_append (out, ",\"body_base64\":\"");
      g_string_append (out, base64);
      g_string_append_c (out, '"');
    }
}

/* ---- reading ----------------------------------------------------------- */

static gboolean
malformed (GError    **error,
           const char *member,
           const char *expected)
{
  /* Translators: the first %s is a JSON member name, the second what it should be */
  g_set_error (error, BOTBENCH_EVENT_IMPORT_ERROR, BOTBENCH_EVENT_IMPORT_ERROR_MALFORMED,
               _("“%s” must be %s"), member, expected);
  return FALSE;
}

static gboolean
node_is_string (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_STRING;
}

static gboolean
node_is_int (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_INT64;
}

/* A string member; an optional one may be absent or null (*out NULL). */
static gboolean
read_string (JsonObject  *object,
             const char  *member,
             gboolean     required,
             const char **out,
             GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  *out = NULL;
  if (node == NULL || (!required && JSON_NODE_HOLDS_NULL (node)))
    return required ? malformed (error, member, _("a string")) : TRUE;
  if (!node_is_string (node))
    return malformed (error, member, _("a string"));

  *out = json_node_get_string (node);
  return TRUE;
}

static char **
read_headers (JsonObject  *object,
              GError     **error)
{
  JsonNode *node = json_object_get_member (object, "headers");
  char **headers;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return g_new0 (char *, 1);

  headers = botbench_json_get_string_pairs (node, FALSE);
  if (headers == NULL)
    malformed (error, "headers", _("an array of [name, value] pairs"));
  return headers;
}

/* Strict RFC 4648 base64 (g_base64_decode skips what it does not know). */
static gboolean
base64_is_valid (const char *str)
{
  gsize len = strlen (str);
  gsize pad = 0;

  if (len % 4 != 0)
    return FALSE;

  for (gsize i = 0; i < len; i++)
    {
      char c = str[i];

      if (c == '=')
        {
          if (i < len - 2)
            return FALSE;
          pad++;
        }
      else if (pad > 0 || !(g_ascii_isalnum (c) || c == '+' || c == '/'))
        return FALSE;
    }

  return TRUE;
}

static GBytes *
read_body (JsonObject  *object,
           GError     **error)
{
  JsonNode *text = json_object_get_member (object, "body");
  JsonNode *base64 = json_object_get_member (object, "body_base64");

  if (text != NULL && base64 != NULL)
    {
      g_set_error (error, BOTBENCH_EVENT_IMPORT_ERROR, BOTBENCH_EVENT_IMPORT_ERROR_MALFORMED,
                   _("A line holds “body” or “body_base64”, not both"));
      return NULL;
    }

  if (text != NULL)
    {
      if (!node_is_string (text))
        {
          malformed (error, "body", _("a string"));
          return NULL;
        }
      /* A body with a NUL byte is written as body_base64; a "\u0000"
       * here ends the string, as json-glib reads it. */
      return g_bytes_new (json_node_get_string (text), strlen (json_node_get_string (text)));
    }

  if (base64 != NULL)
    {
      const char *str;
      guchar *data;
      gsize len = 0;

      if (!node_is_string (base64) || !base64_is_valid (str = json_node_get_string (base64)))
        {
          malformed (error, "body_base64", _("a base64 string"));
          return NULL;
        }

      data = g_base64_decode (str, &len);
      return g_bytes_new_take (data, len);
    }

  g_set_error (error, BOTBENCH_EVENT_IMPORT_ERROR, BOTBENCH_EVENT_IMPORT_ERROR_MALFORMED,
               _("The line has no “body” or “body_base64” (written by an older Botbench?)"));
  return NULL;
}

static JsonObject *
parse_line (const char  *line,
            gsize        len,
            JsonNode   **root,
            GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  *root = botbench_json_parse (line ? line : "", len, &local_error);
  if (*root == NULL)
    {
      g_set_error (error, BOTBENCH_EVENT_IMPORT_ERROR, BOTBENCH_EVENT_IMPORT_ERROR_MALFORMED,
                   _("Not JSON: %s"), local_error->message);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (*root))
    {
      g_set_error (error, BOTBENCH_EVENT_IMPORT_ERROR, BOTBENCH_EVENT_IMPORT_ERROR_MALFORMED,
                   _("Not a JSON object"));
      return NULL;
    }

  return json_node_get_object (*root);
}

/* An optional integer member: absent or null leaves *out at fallback. */
static gboolean
read_int (JsonObject  *object,
          const char  *member,
          gint64       min,
          gint64       max,
          gint64       fallback,
          gint64      *out,
          GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  *out = fallback;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!node_is_int (node) || json_node_get_int (node) < min || json_node_get_int (node) > max)
    return malformed (error, member, _("an integer or null"));

  *out = json_node_get_int (node);
  return TRUE;
}

/* "forward":{url, state, status, duration_ms, error, response_body,
 * response_size} as botbench_forward_result_append_json() writes it. */
static gboolean
read_forward (JsonObject             *object,
              BotbenchForwardResult **out,
              GError                **error)
{
  g_autoptr(BotbenchForwardResult) result = NULL;
  JsonNode *node = json_object_get_member (object, "forward");
  const char *url, *state_str, *message, *body;
  BotbenchForwardState state;
  gint64 status, duration, size;
  JsonObject *forward;

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return malformed (error, "forward", _("an object or null"));
  forward = json_node_get_object (node);

  if (!read_string (forward, "url", TRUE, &url, error) ||
      !read_string (forward, "state", FALSE, &state_str, error) ||
      !read_string (forward, "error", FALSE, &message, error) ||
      !read_string (forward, "response_body", FALSE, &body, error) ||
      !read_int (forward, "status", 100, 999, 0, &status, error) ||
      !read_int (forward, "duration_ms", 0, G_MAXINT64, -1, &duration, error) ||
      !read_int (forward, "response_size", 0, G_MAXINT64, -1, &size, error))
    return FALSE;

  if (state_str == NULL)
    state = message != NULL ? BOTBENCH_FORWARD_STATE_FAILED
          : status != 0 ? BOTBENCH_FORWARD_STATE_DONE : BOTBENCH_FORWARD_STATE_PENDING;
  else if (!botbench_forward_state_from_string (state_str, &state))
    return malformed (error, "forward.state", _("“pending”, “done” or “failed”"));

  result = botbench_forward_result_new (url);
  botbench_forward_result_set_state (result, state);
  botbench_forward_result_set_status (result, (guint)status);
  botbench_forward_result_set_duration_ms (result, duration);
  if (message != NULL)
    botbench_forward_result_set_error (result, message);
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      botbench_forward_result_set_response_body (result, bytes,
                                                 size >= 0 ? (guint64)size : strlen (body));
    }

  *out = g_steal_pointer (&result);
  return TRUE;
}

/* "source" and, for a fetched event, "fetch":{"bot_id","event_id",
 * "portal"} (portal absent in lines written before it was exported: "").
 * The source says where the event came from, so it travels as it is; a
 * line without one (written before sources were, or by hand) came from
 * a file and nothing more is known: "import". */
static gboolean
read_source (JsonObject     *object,
             BotbenchEvent  *event,
             GError        **error)
{
  BotbenchEventSource source = BOTBENCH_EVENT_SOURCE_IMPORT;
  const char *source_str, *portal;
  gint64 bot_id, event_id;
  JsonNode *node;
  JsonObject *fetch;

  if (!read_string (object, "source", FALSE, &source_str, error))
    return FALSE;
  if (source_str != NULL && !botbench_event_source_from_string (source_str, &source))
    return malformed (error, "source", _("“listener”, “fetched”, “replay” or “import”"));

  if (source != BOTBENCH_EVENT_SOURCE_FETCHED)
    {
      botbench_event_set_source (event, source);
      return TRUE;
    }

  /* A fetched event is known by its portal event id: without it, it
   * could be stored twice. */
  node = json_object_get_member (object, "fetch");
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return malformed (error, "fetch", _("an object with “bot_id” and “event_id” for a fetched event"));
  fetch = json_node_get_object (node);

  if (!read_int (fetch, "bot_id", 1, G_MAXINT64, 0, &bot_id, error) ||
      !read_int (fetch, "event_id", 1, G_MAXINT64, 0, &event_id, error) ||
      !read_string (fetch, "portal", FALSE, &portal, error))
    return FALSE;
  if (bot_id == 0)
    return malformed (error, "fetch.bot_id", _("an integer above 0"));
  if (event_id == 0)
    return malformed (error, "fetch.event_id", _("an integer above 0"));

  botbench_event_set_fetched (event, portal != NULL ? portal : "", bot_id, event_id);
  return TRUE;
}

/* "verified", "rejected", "replay_of", "forward": what the listener and
 * the forwarder added to the request. */
static gboolean
read_outcome (JsonObject     *object,
              BotbenchEvent  *event,
              GError        **error)
{
  g_autoptr(BotbenchForwardResult) forward = NULL;
  BotbenchTokenState state = BOTBENCH_TOKEN_STATE_UNKNOWN;
  const char *verified;
  JsonNode *rejected;
  gint64 replay_of;

  if (!read_string (object, "verified", FALSE, &verified, error))
    return FALSE;
  if (verified != NULL && !botbench_token_state_from_string (verified, &state))
    return malformed (error, "verified", _("“unknown”, “verified”, “wrong-token” or “no-token”"));

  rejected = json_object_get_member (object, "rejected");
  if (rejected != NULL && !JSON_NODE_HOLDS_NULL (rejected) &&
      !(JSON_NODE_HOLDS_VALUE (rejected) && json_node_get_value_type (rejected) == G_TYPE_BOOLEAN))
    return malformed (error, "rejected", _("true or false"));

  if (!read_int (object, "replay_of", 1, G_MAXINT64, 0, &replay_of, error) ||
      !read_forward (object, &forward, error))
    return FALSE;

  botbench_event_set_token_state (event, state);
  botbench_event_set_rejected (event, rejected != NULL && JSON_NODE_HOLDS_VALUE (rejected) &&
                                      json_node_get_boolean (rejected));
  botbench_event_set_replay_of (event, replay_of);
  botbench_event_set_forward (event, forward);

  return TRUE;
}

static BotbenchEvent *
event_from_object (JsonObject  *object,
                   GError     **error)
{
  g_autoptr(BotbenchEvent) event = NULL;
  g_autoptr(GBytes) body = NULL;
  g_auto(GStrv) headers = NULL;
  const char *remote, *method, *path, *query, *content_type;
  JsonNode *received;

  received = json_object_get_member (object, "received");
  if (!node_is_int (received) || json_node_get_int (received) < 0)
    {
      malformed (error, "received", _("an integer (µs since 1970) not below 0"));
      return NULL;
    }

  if (!read_string (object, "method", TRUE, &method, error) ||
      !read_string (object, "path", TRUE, &path, error) ||
      !read_string (object, "remote", FALSE, &remote, error) ||
      !read_string (object, "query", FALSE, &query, error) ||
      !read_string (object, "content_type", FALSE, &content_type, error))
    return NULL;

  if (*method == '\0')
    {
      malformed (error, "method", _("a method name"));
      return NULL;
    }
  if (*path != '/')
    {
      malformed (error, "path", _("a path starting with /"));
      return NULL;
    }

  if ((headers = read_headers (object, error)) == NULL)
    return NULL;
  if ((body = read_body (object, error)) == NULL)
    return NULL;

  event = botbench_event_new (json_node_get_int (received), remote, method, path, query,
                              (const char * const *)headers,
                              content_type != NULL && *content_type != '\0' ? content_type : NULL,
                              body);
  if (!read_outcome (object, event, error) ||
      !read_source (object, event, error))
    return NULL;

  return g_steal_pointer (&event);
}

BotbenchEvent *
botbench_event_from_json_line (const char  *line,
                               gsize        len,
                               GError     **error)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;

  g_return_val_if_fail (line != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if ((object = parse_line (line, len, &root, error)) == NULL)
    return NULL;

  return event_from_object (object, error);
}

BotbenchEvent *
_botbench_event_from_json_line_full (const char  *line,
                                     gsize        len,
                                     gint64      *exported_id,
                                     GError     **error)
{
  g_autoptr(JsonNode) root = NULL;
  BotbenchEvent *event;
  JsonObject *object;
  JsonNode *id;

  *exported_id = 0;
  if ((object = parse_line (line, len, &root, error)) == NULL)
    return NULL;
  if ((event = event_from_object (object, error)) == NULL)
    return NULL;

  id = json_object_get_member (object, "id");
  *exported_id = node_is_int (id) ? json_node_get_int (id) : 0;

  return event;
}
