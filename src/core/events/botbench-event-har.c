/* botbench-event-har.c: stored events as an HTTP Archive (HAR 1.2)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Builds the log, its creator and one entry per event with every member
 * HAR 1.2 requires (http://www.softwareishard.com/blog/har-12-spec/).
 * Text that is not valid UTF-8 gets U+FFFD: a HAR is JSON.
 */
#define G_LOG_DOMAIN "botbench-event-har"

#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "botbench-event-har.h"
#include "botbench-forward-result.h"
#include "botbench-listener-token.h"
#include "botbench-form-node.h"

static void
add_string (JsonBuilder *builder,
            const char  *member,
            const char  *value,
            gssize       len)
{
  g_autofree char *valid = g_utf8_make_valid (value ? value : "", value ? len : 0);

  json_builder_set_member_name (builder, member);
  json_builder_add_string_value (builder, valid);
}

static void
add_int (JsonBuilder *builder,
         const char  *member,
         gint64       value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_int_value (builder, value);
}

static void
add_name_value (JsonBuilder *builder,
                const char  *name,
                gssize       name_len,
                const char  *value,
                gssize       value_len)
{
  json_builder_begin_object (builder);
  add_string (builder, "name", name, name_len);
  add_string (builder, "value", value, value_len);
  json_builder_end_object (builder);
}

static void
add_headers (JsonBuilder        *builder,
             const char * const *headers)
{
  json_builder_set_member_name (builder, "headers");
  json_builder_begin_array (builder);
  for (guint i = 0; headers != NULL && headers[i] != NULL && headers[i + 1] != NULL; i += 2)
    add_name_value (builder, headers[i], -1, headers[i + 1], -1);
  json_builder_end_array (builder);
}

/* One component of a urlencoded pair, decoded as a browser shows it. */
static char *
form_unescape (const char *str,
               gsize       len)
{
  g_autofree char *plus = g_strndup (str, len);
  char *decoded;

  g_strdelimit (plus, "+", ' ');
  decoded = g_uri_unescape_string (plus, NULL);
  if (decoded == NULL)
    return g_steal_pointer (&plus);

  return decoded;
}

/* name=value pairs of a query string or urlencoded body, in order. */
static void
add_urlencoded_pairs (JsonBuilder *builder,
                      const char  *data,
                      gsize        len)
{
  const char *end = data + len;
  const char *p = data;

  while (p < end)
    {
      const char *amp = memchr (p, '&', (gsize)(end - p));
      const char *stop = amp ? amp : end;
      const char *eq = memchr (p, '=', (gsize)(stop - p));
      g_autofree char *name = NULL;
      g_autofree char *value = NULL;

      if (stop > p)
        {
          name = form_unescape (p, (gsize)((eq ? eq : stop) - p));
          value = eq ? form_unescape (eq + 1, (gsize)(stop - eq - 1)) : g_strdup ("");
          add_name_value (builder, name, -1, value, -1);
        }

      p = stop + 1;
    }
}

/* The decoded form's leaves under their PHP names (data[BOT][567][BOT_ID]). */
static void
add_form_leaves (JsonBuilder            *builder,
                 const BotbenchFormNode *node,
                 GString                *name)
{
  gsize mark = name->len;

  if (botbench_form_node_get_node_type (node) == BOTBENCH_FORM_NODE_STRING)
    {
      gsize len = 0;
      const char *value = botbench_form_node_get_string (node, &len);

      add_name_value (builder, name->str, (gssize)name->len, value, (gssize)len);
      return;
    }

  for (guint i = 0; i < botbench_form_node_get_n_children (node); i++)
    {
      const char *key = botbench_form_node_get_child_key (node, i);

      if (mark == 0)
        g_string_append (name, key);
      else
        g_string_append_printf (name, "[%s]", key);
      add_form_leaves (builder, botbench_form_node_get_child (node, i), name);
      g_string_truncate (name, mark);
    }
}

static gboolean
content_type_has_prefix (const char *content_type,
                         const char *mime)
{
  while (content_type != NULL && (*content_type == ' ' || *content_type == '\t'))
    content_type++;

  return content_type != NULL && g_ascii_strncasecmp (content_type, mime, strlen (mime)) == 0;
}

static void
add_post_data (JsonBuilder   *builder,
               BotbenchEvent *event)
{
  const char *content_type = botbench_event_get_content_type (event);
  GBytes *body = botbench_event_get_body (event);
  gsize len = 0;
  const char *data = g_bytes_get_data (body, &len);

  json_builder_set_member_name (builder, "postData");
  json_builder_begin_object (builder);
  add_string (builder, "mimeType", content_type ? content_type : "", -1);
  add_string (builder, "text", data, (gssize)len);

  json_builder_set_member_name (builder, "params");
  json_builder_begin_array (builder);
  if (content_type == NULL || content_type_has_prefix (content_type, "application/x-www-form-urlencoded"))
    {
      /* As sent, pair by pair (a body without a content type is decoded
       * as a form too, unless it is JSON). */
      if (botbench_event_get_json (event) == NULL && data != NULL)
        add_urlencoded_pairs (builder, data, len);
    }
  else if (content_type_has_prefix (content_type, "multipart/form-data"))
    {
      BotbenchFormNode *form = botbench_event_get_form (event);
      g_autoptr(GString) name = g_string_new (NULL);

      if (form != NULL)
        add_form_leaves (builder, form, name);
    }
  json_builder_end_array (builder);

  json_builder_end_object (builder);
}

static char *
dup_url (BotbenchEvent *event)
{
  const char *host = botbench_event_get_header (event, "Host");
  const char *path = botbench_event_get_path (event);
  const char *query = botbench_event_get_query (event);

  if (host == NULL || *host == '\0')
    host = "localhost";

  return g_strconcat ("http://", host, path[0] == '/' ? "" : "/", path,
                      query[0] != '\0' ? "?" : "", query, NULL);
}

static char *
dup_started (BotbenchEvent *event)
{
  gint64 received = botbench_event_get_received (event);
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (received / G_USEC_PER_SEC);
  g_autofree char *seconds = NULL;

  if (dt == NULL)
    return g_strdup ("1970-01-01T00:00:00.000Z");

  seconds = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S");
  return g_strdup_printf ("%s.%03dZ", seconds, (int)((received % G_USEC_PER_SEC) / 1000));
}

static void
add_request (JsonBuilder   *builder,
             BotbenchEvent *event)
{
  g_autofree char *url = dup_url (event);
  const char *query = botbench_event_get_query (event);

  json_builder_set_member_name (builder, "request");
  json_builder_begin_object (builder);
  add_string (builder, "method", botbench_event_get_method (event), -1);
  add_string (builder, "url", url, -1);
  add_string (builder, "httpVersion", "HTTP/1.1", -1);
  json_builder_set_member_name (builder, "cookies");
  json_builder_begin_array (builder);
  json_builder_end_array (builder);
  add_headers (builder, botbench_event_get_headers (event));
  json_builder_set_member_name (builder, "queryString");
  json_builder_begin_array (builder);
  add_urlencoded_pairs (builder, query, strlen (query));
  json_builder_end_array (builder);
  add_post_data (builder, event);
  add_int (builder, "headersSize", -1);
  add_int (builder, "bodySize", (gint64)botbench_event_get_size (event));
  json_builder_end_object (builder);
}

typedef struct
{
  guint               status;
  const char         *text;
  gsize               text_len;
  gsize               size;
  const char         *mime_type;
  const char * const *headers;
  gint64              wait_ms;
  const char         *error;
} Answer;

static void
add_response (JsonBuilder  *builder,
              const Answer *answer)
{
  json_builder_set_member_name (builder, "response");
  json_builder_begin_object (builder);
  add_int (builder, "status", answer->status);
  add_string (builder, "statusText",
              answer->status != 0 ? soup_status_get_phrase (answer->status) : "", -1);
  add_string (builder, "httpVersion", "HTTP/1.1", -1);
  json_builder_set_member_name (builder, "cookies");
  json_builder_begin_array (builder);
  json_builder_end_array (builder);
  add_headers (builder, answer->headers);

  json_builder_set_member_name (builder, "content");
  json_builder_begin_object (builder);
  add_int (builder, "size", (gint64)answer->size);
  add_string (builder, "mimeType", answer->mime_type ? answer->mime_type : "", -1);
  add_string (builder, "text", answer->text, (gssize)answer->text_len);
  json_builder_end_object (builder);

  add_string (builder, "redirectURL", "", -1);
  add_int (builder, "headersSize", -1);
  add_int (builder, "bodySize", answer->status != 0 ? (gint64)answer->size : -1);
  if (answer->error != NULL)
    add_string (builder, "_error", answer->error, -1);
  json_builder_end_object (builder);
}

static void
add_timings (JsonBuilder  *builder,
             const Answer *answer)
{
  json_builder_set_member_name (builder, "timings");
  json_builder_begin_object (builder);
  add_int (builder, "send", 0);
  add_int (builder, "wait", answer->wait_ms);
  add_int (builder, "receive", 0);
  json_builder_end_object (builder);
}

/* What the listener answered (see botbench-listener-connection.c and
 * botbench-listener-token.c). */
static void
listener_answer (BotbenchEvent *event,
                 Answer        *answer,
                 char         **text,
                 char        ***headers)
{
  if (botbench_event_get_rejected (event))
    {
      *text = g_strdup ("{\"error\":\"Unauthorized\",\"error_description\":\"" BOTBENCH_LISTENER_TOKEN_REJECTED "\"}");
      answer->status = 401;
    }
  else
    {
      *text = g_strdup_printf ("{\"ok\":true,\"id\":%" G_GINT64_FORMAT "}", botbench_event_get_id (event));
      answer->status = 200;
    }
  answer->text = *text;
  answer->text_len = answer->size = strlen (*text);
  answer->mime_type = "application/json";

  *headers = g_new0 (char *, 5);
  (*headers)[0] = g_strdup ("Content-Type");
  (*headers)[1] = g_strdup ("application/json");
  (*headers)[2] = g_strdup ("Content-Length");
  (*headers)[3] = g_strdup_printf ("%" G_GSIZE_FORMAT, answer->size);
  answer->headers = (const char * const *)*headers;
}

/* What the forward target answered; FALSE while it has not. */
static gboolean
forward_answer (BotbenchForwardResult *forward,
                Answer                *answer)
{
  const char * const *headers;
  GBytes *body;

  if (forward == NULL || botbench_forward_result_get_state (forward) == BOTBENCH_FORWARD_STATE_PENDING)
    return FALSE;

  headers = botbench_forward_result_get_response_headers (forward);
  body = botbench_forward_result_get_response_body (forward);

  answer->status = botbench_forward_result_get_status (forward);
  answer->headers = headers;
  answer->text = body != NULL ? g_bytes_get_data (body, &answer->text_len) : NULL;
  answer->size = botbench_forward_result_get_response_size (forward);
  answer->wait_ms = MAX (botbench_forward_result_get_duration_ms (forward), 0);
  answer->error = botbench_forward_result_get_error (forward);
  for (guint i = 0; headers[i] != NULL && headers[i + 1] != NULL; i += 2)
    if (g_ascii_strcasecmp (headers[i], "Content-Type") == 0)
      answer->mime_type = headers[i + 1];

  return TRUE;
}

static void
build_entry (JsonBuilder   *builder,
             BotbenchEvent *event)
{
  g_autofree char *started = dup_started (event);
  g_autofree char *own_text = NULL;
  g_auto(GStrv) own_headers = NULL;
  Answer answer = { 0 };

  /* A forwarded event shows its handler's answer: that is what a
   * developer debugs.  The listener's own is the same for every event. */
  if (!forward_answer (botbench_event_get_forward (event), &answer))
    listener_answer (event, &answer, &own_text, &own_headers);

  json_builder_begin_object (builder);
  add_string (builder, "startedDateTime", started, -1);
  add_int (builder, "time", answer.wait_ms);
  add_request (builder, event);
  add_response (builder, &answer);
  json_builder_set_member_name (builder, "cache");
  json_builder_begin_object (builder);
  json_builder_end_object (builder);
  add_timings (builder, &answer);
  if (botbench_event_get_id (event) != 0)
    add_int (builder, "_botbenchId", botbench_event_get_id (event));
  add_string (builder, "_verified", botbench_token_state_to_string (botbench_event_get_token_state (event)), -1);
  if (botbench_event_get_forward (event) != NULL)
    add_string (builder, "_forwardedTo", botbench_forward_result_get_url (botbench_event_get_forward (event)), -1);
  json_builder_end_object (builder);
}

void
botbench_event_har_begin (GString *out)
{
  g_return_if_fail (out != NULL);

  g_string_append (out, "{\"log\":{\"version\":\"1.2\","
                        "\"creator\":{\"name\":\"Botbench\",\"version\":\"" PACKAGE_VERSION "\"},"
                        "\"entries\":[");
}

void
botbench_event_har_append_entry (GString       *out,
                                 BotbenchEvent *event,
                                 gboolean       first)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;

  g_return_if_fail (out != NULL);
  g_return_if_fail (BOTBENCH_IS_EVENT (event));

  build_entry (builder, event);
  root = json_builder_get_root (builder);
  json = json_to_string (root, FALSE);

  if (!first)
    g_string_append_c (out, ',');
  g_string_append (out, "\n");
  g_string_append (out, json);
}

void
botbench_event_har_end (GString *out)
{
  g_return_if_fail (out != NULL);

  g_string_append (out, "\n]}}\n");
}

char *
botbench_event_har_build (GPtrArray *events)
{
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (events != NULL, NULL);

  botbench_event_har_begin (out);
  for (guint i = 0; i < events->len; i++)
    botbench_event_har_append_entry (out, g_ptr_array_index (events, i), i == 0);
  botbench_event_har_end (out);

  return g_string_free (out, FALSE);
}
