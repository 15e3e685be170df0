/* botbench-sandbox-early.c: what is refused before a request's body is read
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SoupServer's early handler: a request method that is not a token, an
 * unknown REST method, the rate limit, wrong webhook credentials, and a body
 * over max-body, answered before libsoup reads the body; and the JSON depth
 * check once it has.
 */
#define G_LOG_DOMAIN "botbench-sandbox"

#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "botbench-json.h"
#include "botbench-sandbox-private.h"

void
_botbench_sandbox_reply_too_large (BotbenchSandbox   *self,
                                   SoupServerMessage *msg)
{
  g_autofree char *description = NULL;
  g_autoptr(JsonNode) root = NULL;

  description = g_strdup_printf ("Request body exceeds the limit of %" G_GUINT64_FORMAT " bytes",
                                 self->max_body);
  root = _botbench_sandbox_error_node ("REQUEST_ENTITY_TOO_LARGE", description);
  _botbench_sandbox_set_json_body (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, root);
}

/* A body without Content-Length (chunked) is counted as it arrives; once
 * over the limit it is no longer kept. */
static void
request_got_chunk_cb (SoupServerMessage *msg,
                      GBytes            *chunk,
                      BotbenchSandbox   *self)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);

  if ((guint64)body->length <= self->max_body)
    return;

  g_object_set_data (G_OBJECT (msg), OVERFLOW_KEY, GINT_TO_POINTER (TRUE));
  soup_message_body_set_accumulate (body, FALSE);
  soup_message_body_truncate (body);
}

static gboolean
method_is_token (const char *method)
{
  if (method == NULL || *method == '\0')
    return FALSE;

  for (const char *p = method; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("!#$%&'*+-.^_`|~", *p) == NULL)
      return FALSE;

  return TRUE;
}

void
_botbench_sandbox_early_handler_cb (SoupServer        *server,
                                    SoupServerMessage *msg,
                                    const char        *path,
                                    GHashTable        *query,
                                    gpointer           user_data)
{
  BotbenchSandbox *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  /* libsoup 3.2 takes any bytes for a method (RFC 9110 says a token). */
  if (!method_is_token (soup_server_message_get_method (msg)))
    {
      g_autoptr(JsonNode) root = _botbench_sandbox_error_node ("BAD_REQUEST", "The request method is not a token");

      _botbench_sandbox_set_json_body (msg, SOUP_STATUS_BAD_REQUEST, root);
      return;
    }

  /* What the URL and headers can refuse is refused first, a wrong secret
   * before an oversized body. */
  if (g_str_has_prefix (path, "/rest/"))
    {
      g_auto(ApiError) error = { 0 };
      RestCall *call = _botbench_sandbox_rest_call_begin (self, msg, path, &error);

      if (call == NULL)
        {
          _botbench_sandbox_reply_error (msg, &error);
          return;
        }
      g_object_set_data_full (G_OBJECT (msg), REST_CALL_KEY, call, (GDestroyNotify)_botbench_sandbox_rest_call_free);
    }

  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH)
    {
      if ((guint64)soup_message_headers_get_content_length (headers) > self->max_body)
        _botbench_sandbox_reply_too_large (self, msg);
    }
  else
    g_signal_connect_object (msg, "got-chunk", G_CALLBACK (request_got_chunk_cb), self, 0);
}

/* A JSON body nested deeper than json-glib survives is a 400 (other broken
 * JSON becomes an empty parameter set, as json_decode's NULL would). */
gboolean
_botbench_sandbox_json_body_depth_ok (SoupServerMessage  *msg,
                                      GError            **error)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  const char *content_type;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;

  content_type = soup_message_headers_get_content_type (soup_server_message_get_request_headers (msg), NULL);
  if (body == NULL || body->length == 0 || content_type == NULL ||
      g_ascii_strcasecmp (content_type, "application/json") != 0)
    return TRUE;

  bytes = soup_message_body_flatten (body);
  if (botbench_json_check (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                           BOTBENCH_JSON_MAX_DEPTH, &local_error) ||
      !g_error_matches (local_error, BOTBENCH_JSON_ERROR, BOTBENCH_JSON_ERROR_TOO_DEEP))
    return TRUE;

  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}
