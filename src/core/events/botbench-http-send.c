/* botbench-http-send.c: sends one stored request to a handler and keeps its answer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One exchange: the request built from a BotbenchEvent, libsoup's async
 * send, the answer read in chunks (the first MiB kept, the rest counted)
 * under one deadline, and every way it can go wrong turned into a FAILED
 * BotbenchForwardResult with a short error a person can read.
 */
#define G_LOG_DOMAIN "botbench-forward"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "botbench-forward-rule.h"
#include "botbench-http-send.h"

#define READ_CHUNK (64 * 1024)

typedef struct
{
  SoupMessage           *msg;
  GInputStream          *stream;
  GCancellable          *cancellable;   /* ours: the caller's and the timer cancel it */
  GCancellable          *caller_cancellable;
  gulong                 caller_handler;
  GSource               *timer;
  BotbenchForwardResult *result;
  GByteArray            *body;
  guint64                size;
  gint64                 started;
  guint                  timeout_s;
  gboolean               timed_out;
  /* For the one retry on a fresh connection (see send_should_retry). */
  SoupSession           *session;
  GUri                  *uri;
  BotbenchEvent         *request;
  gboolean               retried;
  gboolean               forward;   /* mark it as this process's forward */
} SendData;

static void
send_data_free (SendData *data)
{
  if (data->caller_handler != 0)
    g_cancellable_disconnect (data->caller_cancellable, data->caller_handler);
  if (data->timer != NULL)
    {
      g_source_destroy (data->timer);
      g_source_unref (data->timer);
    }
  g_clear_object (&data->caller_cancellable);
  g_clear_object (&data->session);
  g_clear_pointer (&data->uri, g_uri_unref);
  g_clear_object (&data->request);
  g_clear_object (&data->msg);
  g_clear_object (&data->stream);
  g_clear_object (&data->cancellable);
  g_clear_pointer (&data->result, botbench_forward_result_unref);
  g_clear_pointer (&data->body, g_byte_array_unref);
  g_free (data);
}

static gboolean
send_timeout_cb (gpointer user_data)
{
  SendData *data = user_data;

  data->timed_out = TRUE;
  g_cancellable_cancel (data->cancellable);
  return G_SOURCE_REMOVE;
}

static void
send_caller_cancelled_cb (GCancellable *cancellable,
                          gpointer      user_data)
{
  GCancellable *ours = user_data;

  g_cancellable_cancel (ours);
}

static gint64
elapsed_ms (SendData *data)
{
  return (g_get_monotonic_time () - data->started) / 1000;
}

static char *
describe_error (SendData     *data,
                const GError *error)
{
  if (data->timed_out)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Timed out after %u s", "Timed out after %u s",
                                         data->timeout_s),
                            data->timeout_s);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_strdup (_("Cancelled"));
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    return g_strdup (_("Connection refused"));
  if (error->domain == G_TLS_ERROR)
    return g_strdup_printf (_("TLS error: %s"), error->message);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT) ||
      g_error_matches (error, SOUP_SESSION_ERROR, SOUP_SESSION_ERROR_PARSING))
    return g_strdup (_("Connection closed without an answer"));
  if (g_error_matches (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND))
    return g_strdup_printf (_("Host not found: %s"), error->message);

  return g_strdup (error->message);
}

static void
send_fail (GTask        *task,
           const GError *error)
{
  SendData *data = g_task_get_task_data (task);
  g_autofree char *message = describe_error (data, error);

  g_clear_object (&data->stream);
  g_clear_object (&data->msg);

  botbench_forward_result_set_status (data->result, 0);
  botbench_forward_result_set_error (data->result, message);
  botbench_forward_result_set_duration_ms (data->result, elapsed_ms (data));
  botbench_forward_result_set_finished (data->result, g_get_real_time ());
  g_task_return_pointer (task, botbench_forward_result_ref (data->result),
                         (GDestroyNotify)botbench_forward_result_unref);
}

static void remember_connection (SendData *data);
static void send_read_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data);

static void
send_read_next (GTask *task)
{
  SendData *data = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (data->stream, READ_CHUNK, G_PRIORITY_DEFAULT,
                                   data->cancellable, send_read_cb, task);
}

static void
send_done (GTask *task)
{
  SendData *data = g_task_get_task_data (task);
  g_autoptr(GBytes) body = NULL;

  /* Let go of the stream and the message before the caller hears of it:
   * libsoup gives the connection back to its pool only when the message
   * goes, and a send started from the callback would open another one. */
  remember_connection (data);
  g_clear_object (&data->stream);
  g_clear_object (&data->msg);
  body = g_byte_array_free_to_bytes (g_steal_pointer (&data->body));
  botbench_forward_result_set_response_body (data->result, body, data->size);
  botbench_forward_result_set_state (data->result, BOTBENCH_FORWARD_STATE_DONE);
  botbench_forward_result_set_duration_ms (data->result, elapsed_ms (data));
  botbench_forward_result_set_finished (data->result, g_get_real_time ());
  g_task_return_pointer (task, botbench_forward_result_ref (data->result),
                         (GDestroyNotify)botbench_forward_result_unref);
}

static void
send_read_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SendData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) chunk = NULL;
  gsize len;

  chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);
  if (chunk == NULL)
    {
      send_fail (task, error);
      return;
    }

  len = g_bytes_get_size (chunk);
  if (len == 0)
    {
      send_done (task);
      return;
    }

  data->size += len;
  if (data->body->len < BOTBENCH_FORWARD_MAX_BODY)
    g_byte_array_append (data->body, g_bytes_get_data (chunk, NULL),
                         MIN (len, BOTBENCH_FORWARD_MAX_BODY - data->body->len));

  send_read_next (g_steal_pointer (&task));
}

#define SEEN_CONNECTIONS_KEY "botbench-http-send-connections"
#define MAX_SEEN_CONNECTIONS  4096

/* The session's connections that carried a whole answer: a request that
 * fails on one of them was sent on a kept-alive connection. */
static GHashTable *
seen_connections (SoupSession *session)
{
  GHashTable *seen = g_object_get_data (G_OBJECT (session), SEEN_CONNECTIONS_KEY);

  if (seen == NULL)
    {
      seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
      g_object_set_data_full (G_OBJECT (session), SEEN_CONNECTIONS_KEY, seen,
                              (GDestroyNotify)g_hash_table_unref);
    }

  return seen;
}

static void
remember_connection (SendData *data)
{
  GHashTable *seen = seen_connections (data->session);
  gint64 id = (gint64)soup_message_get_connection_id (data->msg);

  if (id == 0)
    return;
  if (g_hash_table_size (seen) >= MAX_SEEN_CONNECTIONS)
    g_hash_table_remove_all (seen);
  g_hash_table_add (seen, g_memdup2 (&id, sizeof id));
}

/* Whether not one byte of the request went out (the write failed at
 * once).  Anything written may have reached the handler, which may have
 * acted on it before it hung up. */
static gboolean
send_wrote_nothing (SendData *data)
{
  SoupMessageMetrics *metrics = soup_message_get_metrics (data->msg);

  return metrics != NULL &&
         soup_message_metrics_get_request_header_bytes_sent (metrics) == 0 &&
         soup_message_metrics_get_request_body_bytes_sent (metrics) == 0;
}

/* A handler may close a kept-alive connection just as the next request
 * goes out on it.  libsoup reuses an idle connection only after checking
 * that the handler has not closed it, so that is a short race; the
 * request is sent again once, on a fresh connection, only when provably
 * nothing of it was written.  Otherwise the handler may have it (it read
 * the whole request and hung up without answering): sending it again
 * would deliver the event twice, so it is reported instead. */
static gboolean
send_should_retry (SendData     *data,
                   const GError *error)
{
  gint64 id;

  if (data->retried || data->timed_out || g_cancellable_is_cancelled (data->cancellable))
    return FALSE;
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT) &&
      !g_error_matches (error, SOUP_SESSION_ERROR, SOUP_SESSION_ERROR_PARSING))
    return FALSE;
  if (!send_wrote_nothing (data))
    return FALSE;

  id = (gint64)soup_message_get_connection_id (data->msg);
  return id != 0 && g_hash_table_contains (seen_connections (data->session), &id);
}

/* The methods libsoup 3.2 itself sends again, on another connection, when
 * a kept-alive connection closes before the answer
 * (SOUP_METHOD_IS_IDEMPOTENT in request_is_restartable(), whatever the
 * message's flags say): the handler would get them twice.  They go on a
 * fresh connection, which libsoup never restarts. */
static gboolean
method_is_restarted_by_libsoup (const char *method)
{
  static const char * const methods[] = {
    "GET", "HEAD", "OPTIONS", "PROPFIND", "TRACE", "PUT", "DELETE",
  };

  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    if (g_str_equal (method, methods[i]))
      return TRUE;

  return FALSE;
}

static void
send_build_message (SendData *data,
                    gboolean  new_connection)
{
  SoupMessageHeaders *headers;
  g_autofree char *event_id = NULL;
  const char *user_agent;
  GBytes *body;

  g_clear_object (&data->msg);
  data->msg = soup_message_new_from_uri (botbench_event_get_method (data->request), data->uri);
  /* IDEMPOTENT: libsoup sends a POST on a fresh connection otherwise, a
   * connection per forward (four times slower to a local handler).  For
   * libsoup the flag only allows a kept-alive connection: it sends a POST
   * again only when told to (send_should_retry()).  METRICS: the bytes
   * written, for send_wrote_nothing(). */
  soup_message_add_flags (data->msg, SOUP_MESSAGE_NO_REDIRECT | SOUP_MESSAGE_IDEMPOTENT |
                                     SOUP_MESSAGE_COLLECT_METRICS);
  if (new_connection || method_is_restarted_by_libsoup (botbench_event_get_method (data->request)))
    soup_message_add_flags (data->msg, SOUP_MESSAGE_NEW_CONNECTION);
  headers = soup_message_get_request_headers (data->msg);

  user_agent = botbench_event_get_header (data->request, "User-Agent");
  if (user_agent != NULL)
    soup_message_headers_replace (headers, "User-Agent", user_agent);
  event_id = g_strdup_printf ("%" G_GINT64_FORMAT, botbench_event_get_id (data->request));
  soup_message_headers_replace (headers, "X-Botbench-Event-Id", event_id);
  if (botbench_event_get_replay_of (data->request) > 0)
    {
      g_autofree char *replay_of = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                    botbench_event_get_replay_of (data->request));
      soup_message_headers_replace (headers, "X-Botbench-Replay-Of", replay_of);
    }
  if (data->forward)
    soup_message_headers_replace (headers, BOTBENCH_HTTP_SEND_FORWARDED_BY, botbench_http_send_get_instance_id ());

  body = botbench_event_get_body (data->request);
  if (body != NULL && (g_bytes_get_size (body) > 0 ||
                       g_ascii_strcasecmp (botbench_event_get_method (data->request), "GET") != 0))
    soup_message_set_request_body_from_bytes (data->msg, botbench_event_get_content_type (data->request), body);
  else if (botbench_event_get_content_type (data->request) != NULL)
    soup_message_headers_replace (headers, "Content-Type", botbench_event_get_content_type (data->request));
}

static void
send_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SendData *data = g_task_get_task_data (task);
  g_autoptr(GPtrArray) headers = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  SoupMessageHeadersIter iter;
  const char *name, *value;

  data->stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (data->stream == NULL && send_should_retry (data, error))
    {
      g_debug ("Sending event %" G_GINT64_FORMAT " again on a new connection: %s",
               botbench_event_get_id (data->request), error->message);
      data->retried = TRUE;
      send_build_message (data, TRUE);
      soup_session_send_async (data->session, data->msg, G_PRIORITY_DEFAULT, data->cancellable,
                               send_cb, g_steal_pointer (&task));
      return;
    }
  if (data->stream == NULL)
    {
      send_fail (task, error);
      return;
    }

  botbench_forward_result_set_status (data->result, soup_message_get_status (data->msg));
  soup_message_headers_iter_init (&iter, soup_message_get_response_headers (data->msg));
  while (soup_message_headers_iter_next (&iter, &name, &value))
    {
      g_ptr_array_add (headers, (gpointer)name);
      g_ptr_array_add (headers, (gpointer)value);
    }
  g_ptr_array_add (headers, NULL);
  botbench_forward_result_set_response_headers (data->result, (const char * const *)headers->pdata);

  data->body = g_byte_array_new ();
  send_read_next (g_steal_pointer (&task));
}

char *
botbench_http_send_dup_url (const char    *url,
                            BotbenchEvent *request)
{
  const char *query;

  g_return_val_if_fail (url != NULL, NULL);
  g_return_val_if_fail (BOTBENCH_IS_EVENT (request), NULL);

  query = botbench_event_get_query (request);
  if (query == NULL || *query == '\0')
    return g_strdup (url);

  return g_strconcat (url, strchr (url, '?') != NULL ? "&" : "?", query, NULL);
}

const char *
botbench_http_send_get_instance_id (void)
{
  static char *instance_id = NULL;

  if (g_once_init_enter (&instance_id))
    g_once_init_leave (&instance_id, g_uuid_string_random ());

  return instance_id;
}

gboolean
botbench_http_send_is_own_forward (BotbenchEvent *request)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENT (request), FALSE);

  return g_strcmp0 (botbench_event_get_header (request, BOTBENCH_HTTP_SEND_FORWARDED_BY),
                    botbench_http_send_get_instance_id ()) == 0;
}

void
botbench_http_send_async (SoupSession         *session,
                          const char          *url,
                          BotbenchEvent       *request,
                          guint                timeout_s,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  botbench_http_send_full_async (session, url, request, BOTBENCH_HTTP_SEND_NONE, timeout_s,
                                 cancellable, callback, user_data);
}

void
botbench_http_send_full_async (SoupSession         *session,
                               const char          *url,
                               BotbenchEvent       *request,
                               BotbenchHttpSendFlags flags,
                               guint                timeout_s,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *full_url = NULL;
  SendData *data;

  g_return_if_fail (SOUP_IS_SESSION (session));
  g_return_if_fail (url != NULL);
  g_return_if_fail (BOTBENCH_IS_EVENT (request));

  data = g_new0 (SendData, 1);
  data->result = botbench_forward_result_new (url);
  data->started = g_get_monotonic_time ();
  data->timeout_s = timeout_s;
  data->cancellable = g_cancellable_new ();
  data->forward = (flags & BOTBENCH_HTTP_SEND_FORWARD) != 0;

  task = g_task_new (session, cancellable, callback, user_data);
  g_task_set_source_tag (task, botbench_http_send_async);
  /* A cancelled send still has a result (FAILED "Cancelled"). */
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, data, (GDestroyNotify)send_data_free);

  full_url = botbench_http_send_dup_url (url, request);
  if (botbench_forward_rule_url_is_valid (url))
    uri = g_uri_parse (full_url, SOUP_HTTP_URI_FLAGS, &error);
  if (uri == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Invalid URL “%s”: an http:// or https:// URL is needed"), url);

      botbench_forward_result_set_error (data->result, message);
      botbench_forward_result_set_duration_ms (data->result, 0);
      botbench_forward_result_set_finished (data->result, g_get_real_time ());
      g_task_return_pointer (task, botbench_forward_result_ref (data->result),
                             (GDestroyNotify)botbench_forward_result_unref);
      return;
    }

  data->session = g_object_ref (session);
  data->uri = g_uri_ref (uri);
  data->request = g_object_ref (request);
  send_build_message (data, FALSE);

  if (cancellable != NULL)
    {
      data->caller_cancellable = g_object_ref (cancellable);
      data->caller_handler = g_cancellable_connect (cancellable, G_CALLBACK (send_caller_cancelled_cb),
                                                    g_object_ref (data->cancellable), g_object_unref);
    }

  if (timeout_s > 0)
    {
      data->timer = g_timeout_source_new (timeout_s * 1000);
      g_source_set_priority (data->timer, G_PRIORITY_DEFAULT);
      g_source_set_callback (data->timer, send_timeout_cb, data, NULL);
      g_source_set_static_name (data->timer, "[botbench] send timeout");
      g_source_attach (data->timer, g_task_get_context (task));
    }

  soup_session_send_async (session, data->msg, G_PRIORITY_DEFAULT, data->cancellable,
                           send_cb, g_steal_pointer (&task));
}

BotbenchForwardResult *
botbench_http_send_finish (GAsyncResult *result)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == botbench_http_send_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), NULL);
}
