/* botbench-sandbox-http.c: request parameters, JSON answers and API errors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What every endpoint of the sandbox reads and writes: the parameters of a
 * request (query string, then the body over it), the JSON body of an answer
 * with its "time" envelope, and the ApiError an endpoint refuses with.
 */
#define G_LOG_DOMAIN "botbench-sandbox"

#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "botbench-post-decoder.h"
#include "botbench-sandbox-private.h"
#include "botbench-sandbox-php-private.h"

void
_botbench_sandbox_api_error_clear (ApiError *error)
{
  g_clear_pointer (&error->code, g_free);
  g_clear_pointer (&error->description, g_free);
  error->status = 0;
}

gpointer
_botbench_sandbox_api_fail (ApiError   *error,
                            guint       status,
                            const char *code,
                            const char *description)
{
  g_assert (error->code == NULL);

  error->status = status;
  error->code = g_strdup (code);
  error->description = g_strdup (description);

  return NULL;
}

/* _botbench_sandbox_api_fail() for functions that return gboolean */
gboolean
_botbench_sandbox_api_refuse (ApiError   *error,
                              guint       status,
                              const char *code,
                              const char *description)
{
  _botbench_sandbox_api_fail (error, status, code, description);
  return FALSE;
}

/* Query string, then the body over it (array_replace), §4.2. */
JsonObject *
_botbench_sandbox_request_params (SoupServerMessage *msg)
{
  GUri *uri = soup_server_message_get_uri (msg);
  const char *query = g_uri_get_query (uri);
  JsonObject *params = _botbench_php_parse_str (query ? query : "", query ? strlen (query) : 0);
  SoupMessageBody *request_body = soup_server_message_get_request_body (msg);
  const char *content_type;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonObject) overlay = NULL;
  gsize len;
  const char *data;

  if (request_body == NULL || request_body->length == 0)
    return params;

  body = soup_message_body_flatten (request_body);
  data = g_bytes_get_data (body, &len);
  content_type = soup_message_headers_get_content_type (soup_server_message_get_request_headers (msg), NULL);

  if (content_type != NULL && g_ascii_strcasecmp (content_type, "application/json") == 0)
    {
      g_autoptr(JsonNode) node = _botbench_php_json_decode (data, len);

      /* Invalid JSON silently becomes an empty parameter set. */
      if (node != NULL && _botbench_php_is_array (node))
        overlay = _botbench_php_array_to_object (node);
    }
  else
    {
      g_autofree char *full_type = NULL;
      g_autoptr(BotbenchFormNode) form = NULL;
      const char *header = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                         "Content-Type");

      g_autoptr(GError) form_error = NULL;

      full_type = g_strdup (header ? header : "application/x-www-form-urlencoded");
      form = botbench_post_decode (data, len, full_type, &form_error);
      /* Other types are read as a form (what curl -d means); a multipart
       * body PHP refuses (no boundary…) leaves $_POST empty. */
      if (form == NULL && g_error_matches (form_error, BOTBENCH_POST_ERROR, BOTBENCH_POST_ERROR_UNSUPPORTED))
        form = botbench_post_decode_urlencoded (data, len);
      if (form != NULL)
        {
          g_autofree char *json = botbench_form_node_to_json (form);
          g_autoptr(JsonNode) node = _botbench_php_json_decode (json, -1);

          overlay = _botbench_php_array_to_object (node);
        }
    }

  if (overlay != NULL)
    {
      g_autoptr(GList) members = json_object_get_members (overlay);

      for (const GList *l = members; l != NULL; l = l->next)
        json_object_set_member (params, l->data, json_node_copy (json_object_get_member (overlay, l->data)));
    }

  return params;
}

void
_botbench_sandbox_set_json_body (SoupServerMessage *msg,
                                 guint              status,
                                 JsonNode          *root)
{
  g_autofree char *json = json_to_string (root, FALSE);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  soup_server_message_set_status (msg, status, NULL);
  soup_message_headers_replace (headers, "Access-Control-Allow-Origin", "*");
  /* libsoup 3.2 leaks kept-alive connections that the peer closes while
   * idle (see botbench-listener.c): one request per connection. */
  soup_message_headers_replace (headers, "Connection", "close");
  soup_server_message_set_response (msg, "application/json; charset=utf-8", SOUP_MEMORY_COPY,
                                    json, strlen (json));
}

JsonNode *
_botbench_sandbox_error_node (const char *code,
                              const char *description)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "error", code);
  json_object_set_string_member (object, "error_description", description);

  return _botbench_php_object_node (object);
}

void
_botbench_sandbox_reply_error (SoupServerMessage *msg,
                               const ApiError    *error)
{
  g_autoptr(JsonNode) root = _botbench_sandbox_error_node (error->code, error->description);

  _botbench_sandbox_set_json_body (msg, error->status, root);
}

JsonObject *
_botbench_sandbox_time_object (BotbenchSandbox *self,
                               gint64           start_us)
{
  JsonObject *time = json_object_new ();
  gint64 finish_us = MAX (_botbench_sandbox_now_us (self), start_us);
  double start = start_us / (double)G_USEC_PER_SEC;
  double finish = finish_us / (double)G_USEC_PER_SEC;
  g_autoptr(GDateTime) date_start = g_date_time_new_from_unix_local (start_us / G_USEC_PER_SEC);
  g_autoptr(GDateTime) date_finish = g_date_time_new_from_unix_local (finish_us / G_USEC_PER_SEC);
  g_autofree char *iso_start = g_date_time_format (date_start, "%FT%T%:z");
  g_autofree char *iso_finish = g_date_time_format (date_finish, "%FT%T%:z");

  json_object_set_double_member (time, "start", start);
  json_object_set_double_member (time, "finish", finish);
  json_object_set_double_member (time, "duration", finish - start);
  json_object_set_double_member (time, "processing", finish - start);
  json_object_set_string_member (time, "date_start", iso_start);
  json_object_set_string_member (time, "date_finish", iso_finish);
  json_object_set_int_member (time, "operating_reset_at", start_us / G_USEC_PER_SEC + 600);
  json_object_set_double_member (time, "operating", 0);

  return time;
}

void
_botbench_sandbox_reply_result (BotbenchSandbox   *self,
                                SoupServerMessage *msg,
                                JsonNode          *result,
                                gint64             start_us)
{
  JsonObject *object = json_object_new ();
  g_autoptr(JsonNode) root = NULL;

  json_object_set_member (object, "result", result);
  json_object_set_object_member (object, "time", _botbench_sandbox_time_object (self, start_us));
  root = _botbench_php_object_node (object);

  _botbench_sandbox_set_json_body (msg, SOUP_STATUS_OK, root);
}
