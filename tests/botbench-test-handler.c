/* botbench-test-handler.c: a loopback bot handler for forwarding tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * See botbench-test-handler.h.  Served by botbench_test_serve_loopback(),
 * one request per connection.
 */
#include "config.h"

#include <string.h>

#include "botbench-test-handler.h"
#include "botbench-test-utils.h"

struct _BotbenchTestHandler
{
  SoupServer              *server;
  char                    *url;
  BotbenchTestHandlerMode  mode;
  GPtrArray               *path_modes;   /* prefix, GINT_TO_POINTER (mode), … */
  guint                    delay_ms;
  GBytes                  *ok_body;
  GPtrArray               *requests;
  GPtrArray               *delayed;      /* GSource * of SLOW answers under way */
};

static void
request_free (BotbenchTestRequest *req)
{
  g_free (req->method);
  g_free (req->path);
  g_free (req->query);
  g_strfreev (req->headers);
  g_clear_pointer (&req->body, g_bytes_unref);
  g_free (req);
}

typedef struct
{
  BotbenchTestHandler *self;
  SoupServerMessage   *msg;
  GSource             *source;
} Delayed;

static void
answer (BotbenchTestHandler *self,
        SoupServerMessage   *msg,
        guint                status,
        GBytes              *body)
{
  gsize len = 0;
  const char *data = g_bytes_get_data (body, &len);

  soup_server_message_set_status (msg, status, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "X-Test-Handler", "yes");
  /* It serves one request per connection (botbench_test_serve_loopback),
   * and says so, as a server must: a client that sent the next request on
   * a connection closed under it could not know whether it arrived. */
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Connection", "close");
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_COPY, data, len);
}

static gboolean
delayed_answer_cb (gpointer user_data)
{
  Delayed *d = user_data;

  answer (d->self, d->msg, 200, d->self->ok_body);
  soup_server_message_unpause (d->msg);
  g_ptr_array_remove_fast (d->self->delayed, d->source);
  return G_SOURCE_REMOVE;
}

static void
delayed_free (gpointer user_data)
{
  Delayed *d = user_data;

  g_object_unref (d->msg);
  g_free (d);
}

static BotbenchTestHandlerMode
mode_for_path (BotbenchTestHandler *self,
               const char          *path)
{
  for (guint i = 0; i + 1 < self->path_modes->len; i += 2)
    if (g_str_has_prefix (path, g_ptr_array_index (self->path_modes, i)))
      return (BotbenchTestHandlerMode)GPOINTER_TO_INT (g_ptr_array_index (self->path_modes, i + 1));

  return self->mode;
}

static void
handler_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  BotbenchTestHandler *self = user_data;
  BotbenchTestRequest *req = g_new0 (BotbenchTestRequest, 1);
  g_autoptr(GPtrArray) headers = g_ptr_array_new ();
  SoupMessageHeadersIter iter;
  SoupMessageBody *body;
  const char *name, *value;
  GUri *uri = soup_server_message_get_uri (msg);

  req->method = g_strdup (soup_server_message_get_method (msg));
  req->path = g_strdup (path);
  req->query = g_strdup (g_uri_get_query (uri));
  soup_message_headers_iter_init (&iter, soup_server_message_get_request_headers (msg));
  while (soup_message_headers_iter_next (&iter, &name, &value))
    {
      g_ptr_array_add (headers, g_strdup (name));
      g_ptr_array_add (headers, g_strdup (value));
    }
  g_ptr_array_add (headers, NULL);
  req->headers = (char **)g_ptr_array_steal (headers, NULL);
  body = soup_server_message_get_request_body (msg);
  req->body = soup_message_body_flatten (body);
  req->received = g_get_monotonic_time ();
  g_ptr_array_add (self->requests, req);

  switch (mode_for_path (self, path))
    {
    case BOTBENCH_TEST_HANDLER_OK:
      answer (self, msg, 200, self->ok_body);
      break;

    case BOTBENCH_TEST_HANDLER_SLOW:
      {
        Delayed *d = g_new0 (Delayed, 1);

        d->self = self;
        d->msg = g_object_ref (msg);
        d->source = g_timeout_source_new (self->delay_ms);
        g_source_set_callback (d->source, delayed_answer_cb, d, delayed_free);
        g_source_attach (d->source, g_main_context_get_thread_default ());
        g_ptr_array_add (self->delayed, d->source);
        soup_server_message_pause (msg);
      }
      break;

    case BOTBENCH_TEST_HANDLER_ERROR:
      {
        g_autoptr(GBytes) boom = g_bytes_new_static ("boom", 4);

        answer (self, msg, 500, boom);
      }
      break;

    case BOTBENCH_TEST_HANDLER_CLOSE:
      {
        GIOStream *stream = soup_server_message_steal_connection (msg);

        g_io_stream_close (stream, NULL, NULL);
        g_object_unref (stream);
      }
      break;

    default:
      g_assert_not_reached ();
    }
}

BotbenchTestHandler *
botbench_test_handler_new (void)
{
  BotbenchTestHandler *self = g_new0 (BotbenchTestHandler, 1);
  guint port;

  self->server = soup_server_new (NULL, NULL);
  self->path_modes = g_ptr_array_new ();
  self->requests = g_ptr_array_new_with_free_func ((GDestroyNotify)request_free);
  self->delayed = g_ptr_array_new ();
  self->ok_body = g_bytes_new_static ("ok", 2);
  self->delay_ms = 2000;
  soup_server_add_handler (self->server, NULL, handler_cb, self, NULL);
  port = botbench_test_serve_loopback (self->server);
  self->url = g_strdup_printf ("http://127.0.0.1:%u", port);

  return self;
}

void
botbench_test_handler_free (BotbenchTestHandler *self)
{
  for (guint i = 0; i < self->delayed->len; i++)
    {
      GSource *source = g_ptr_array_index (self->delayed, i);

      g_source_destroy (source);
      g_source_unref (source);
    }
  g_ptr_array_unref (self->delayed);
  g_clear_object (&self->server);
  for (guint i = 0; i < self->path_modes->len; i += 2)
    g_free (g_ptr_array_index (self->path_modes, i));
  g_ptr_array_unref (self->path_modes);
  g_ptr_array_unref (self->requests);
  g_bytes_unref (self->ok_body);
  g_free (self->url);
  g_free (self);
}

const char *
botbench_test_handler_get_url (BotbenchTestHandler *self)
{
  return self->url;
}

void
botbench_test_handler_set_mode (BotbenchTestHandler     *self,
                                BotbenchTestHandlerMode  mode)
{
  self->mode = mode;
}

void
botbench_test_handler_set_path_mode (BotbenchTestHandler     *self,
                                     const char              *prefix,
                                     BotbenchTestHandlerMode  mode)
{
  g_ptr_array_add (self->path_modes, g_strdup (prefix));
  g_ptr_array_add (self->path_modes, GINT_TO_POINTER (mode));
}

void
botbench_test_handler_set_delay_ms (BotbenchTestHandler *self,
                                    guint                delay_ms)
{
  self->delay_ms = delay_ms;
}

void
botbench_test_handler_set_body (BotbenchTestHandler *self,
                                GBytes              *body)
{
  g_bytes_unref (self->ok_body);
  self->ok_body = g_bytes_ref (body);
}

GPtrArray *
botbench_test_handler_get_requests (BotbenchTestHandler *self)
{
  return self->requests;
}

guint
botbench_test_handler_get_n_requests (BotbenchTestHandler *self)
{
  return self->requests->len;
}

static gboolean
has_n_requests (gpointer data)
{
  gpointer *args = data;
  BotbenchTestHandler *self = args[0];

  return self->requests->len >= GPOINTER_TO_UINT (args[1]);
}

void
botbench_test_handler_wait_requests (BotbenchTestHandler *self,
                                     guint                n)
{
  gpointer args[2] = { self, GUINT_TO_POINTER (n) };

  botbench_test_assert_wait_until (has_n_requests, args, "the handler got its requests");
}

guint
botbench_test_closed_port (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  guint port;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (socket, address, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (socket, NULL);

  return port;
}
