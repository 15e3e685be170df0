/* botbench-listener.c: embedded HTTP listener for Bitrix24 events
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The SoupServer lives on its own thread with its own GMainContext, so a
 * flood of events never touches the UI thread.  A POST is paused, its event
 * handed to the store's writer, and answered 200 only once the writer's
 * transaction holding it has committed.  The UI learns about new events from
 * the store's batched "events-added" signal, not from here.
 */
#define G_LOG_DOMAIN "botbench-listener"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "botbench-listener.h"
#include "botbench-event.h"
#include "botbench-socket-private.h"

struct _BotbenchListener
{
  GObject             parent_instance;

  BotbenchEventStore *store;
  char               *host;
  guint               port;
  gsize               max_body;

  /* Runtime, owned by the thread that called start() */
  GThread            *thread;
  GSocket            *socket;
  GMainContext       *server_context;
  GMainLoop          *server_loop;
  guint               bound_port;
  gboolean            running;

  /* Start-up handshake with the server thread */
  GMutex              mutex;
  GCond               cond;
  gboolean            started;
  GError             *start_error;

  /* Server thread only */
  SoupServer         *server;
  guint               n_pending;

  gsize               n_events;   /* atomic */
};

G_DEFINE_FINAL_TYPE (BotbenchListener, botbench_listener, G_TYPE_OBJECT)

G_DEFINE_QUARK (botbench-listener-error-quark, botbench_listener_error)

enum {
  PROP_0,
  PROP_STORE,
  PROP_HOST,
  PROP_PORT,
  PROP_MAX_BODY,
  PROP_RUNNING,
  PROP_URL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define BODY_DATA_KEY "botbench-body"
#define OVERFLOW_DATA_KEY "botbench-overflow"

/* One paused request waiting for its COMMIT. */
typedef struct
{
  BotbenchListener  *self;   /* ref */
  SoupServerMessage *msg;    /* ref */
  gulong             disconnected_id;
  gboolean           disconnected;
} PendingRequest;

static void
pending_request_free (PendingRequest *pending)
{
  g_clear_signal_handler (&pending->disconnected_id, pending->msg);
  g_clear_object (&pending->msg);
  g_clear_object (&pending->self);
  g_free (pending);
}

static void
pending_request_disconnected_cb (PendingRequest *pending)
{
  pending->disconnected = TRUE;
}

static void
set_json_response (SoupServerMessage *msg,
                   guint              status,
                   const char        *json)
{
  /* One request per connection.  libsoup 3.2 never closes a kept-alive
   * connection that the peer closes while idle: the fd and ~2 KB leak per
   * connection, and an app with 1024 fds dies after as many curl-style
   * senders.  When we say close, libsoup closes.  Bitrix24's queue sends
   * one event per connection anyway. */
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Connection", "close");
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                    json, strlen (json));
}

static void
set_error_response (SoupServerMessage *msg,
                    guint              status,
                    const char        *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, soup_status_get_phrase (status));
  json_builder_set_member_name (builder, "error_description");
  json_builder_add_string_value (builder, message);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json = json_to_string (root, FALSE);

  set_json_response (msg, status, json);
}

static void
reject_too_large (BotbenchListener  *self,
                  SoupServerMessage *msg)
{
  g_autofree char *message = NULL;

  message = g_strdup_printf ("Request body exceeds the limit of %" G_GSIZE_FORMAT " bytes",
                             self->max_body);
  set_error_response (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, message);
  /* The rest of the body is not wanted: close instead of draining it. */
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Connection", "close");
}

static void
request_got_chunk_cb (SoupServerMessage *msg,
                      GBytes            *chunk,
                      BotbenchListener  *self)
{
  GByteArray *body = g_object_get_data (G_OBJECT (msg), BODY_DATA_KEY);

  if (body == NULL || g_object_get_data (G_OBJECT (msg), OVERFLOW_DATA_KEY) != NULL)
    return;

  if (body->len + g_bytes_get_size (chunk) > self->max_body)
    {
      /* Drop what we have; the handler answers 413. */
      g_object_set_data (G_OBJECT (msg), OVERFLOW_DATA_KEY, GINT_TO_POINTER (TRUE));
      g_byte_array_set_size (body, 0);
      return;
    }

  g_byte_array_append (body, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
}

static void
early_handler_cb (SoupServer        *server,
                  SoupServerMessage *msg,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  BotbenchListener *self = user_data;
  SoupMessageHeaders *headers;

  if (soup_server_message_get_method (msg) != SOUP_METHOD_POST)
    return;

  headers = soup_server_message_get_request_headers (msg);

  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH)
    {
      if ((guint64)soup_message_headers_get_content_length (headers) > self->max_body)
        reject_too_large (self, msg);
      return;
    }

  /* Chunked (or unknown length): count as it arrives instead of buffering
   * an unbounded body. */
  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  g_object_set_data_full (G_OBJECT (msg), BODY_DATA_KEY, g_byte_array_new (),
                          (GDestroyNotify)g_byte_array_unref);
  g_signal_connect_object (msg, "got-chunk", G_CALLBACK (request_got_chunk_cb), self, 0);
}

static void
insert_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  PendingRequest *pending = user_data;
  BotbenchListener *self = pending->self;
  g_autoptr(GError) error = NULL;
  gint64 id;

  id = botbench_event_store_insert_finish (BOTBENCH_EVENT_STORE (object), result, &error);

  if (error != NULL)
    {
      g_debug ("Could not store event: %s", error->message);
      set_error_response (pending->msg, SOUP_STATUS_SERVICE_UNAVAILABLE, error->message);
    }
  else
    {
      g_autofree char *json = NULL;

      json = g_strdup_printf ("{\"ok\":true,\"id\":%" G_GINT64_FORMAT "}", id);
      set_json_response (pending->msg, SOUP_STATUS_OK, json);
      g_atomic_pointer_add (&self->n_events, 1);
    }

  /* The sender may have hung up while the event was being committed: the
   * event is kept, there is just nobody left to tell. */
  if (!pending->disconnected)
    soup_server_message_unpause (pending->msg);

  g_assert (self->n_pending > 0);
  self->n_pending--;

  pending_request_free (pending);
}

static char **
collect_headers (SoupMessageHeaders *headers)
{
  SoupMessageHeadersIter iter;
  GPtrArray *array = g_ptr_array_new ();
  const char *name;
  const char *value;

  soup_message_headers_iter_init (&iter, headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    {
      g_ptr_array_add (array, g_strdup (name));
      g_ptr_array_add (array, g_strdup (value));
    }
  g_ptr_array_add (array, NULL);

  return (char **)g_ptr_array_free (array, FALSE);
}

static void
handle_post (BotbenchListener  *self,
             SoupServerMessage *msg)
{
  g_autoptr(BotbenchEvent) event = NULL;
  g_autoptr(GBytes) body = NULL;
  g_auto(GStrv) headers = NULL;
  SoupMessageHeaders *request_headers;
  PendingRequest *pending;
  GByteArray *accumulated;
  GUri *uri;

  /* Already answered by the early handler (413 by Content-Length). */
  if (soup_server_message_get_status (msg) != 0)
    return;

  if (g_object_get_data (G_OBJECT (msg), OVERFLOW_DATA_KEY) != NULL)
    {
      reject_too_large (self, msg);
      return;
    }

  accumulated = g_object_get_data (G_OBJECT (msg), BODY_DATA_KEY);
  if (accumulated != NULL)
    body = g_bytes_new (accumulated->data, accumulated->len);
  else
    body = soup_message_body_flatten (soup_server_message_get_request_body (msg));

  if (g_bytes_get_size (body) > self->max_body)
    {
      reject_too_large (self, msg);
      return;
    }

  request_headers = soup_server_message_get_request_headers (msg);
  headers = collect_headers (request_headers);
  uri = soup_server_message_get_uri (msg);

  event = botbench_event_new (g_get_real_time (),
                              soup_server_message_get_remote_host (msg),
                              soup_server_message_get_method (msg),
                              g_uri_get_path (uri),
                              g_uri_get_query (uri),
                              (const char * const *)headers,
                              soup_message_headers_get_one (request_headers, "Content-Type"),
                              body);

  pending = g_new0 (PendingRequest, 1);
  pending->self = g_object_ref (self);
  pending->msg = g_object_ref (msg);
  pending->disconnected_id = g_signal_connect_swapped (msg, "disconnected",
                                                      G_CALLBACK (pending_request_disconnected_cb),
                                                      pending);
  self->n_pending++;

  soup_server_message_pause (msg);
  botbench_event_store_insert_async (self->store, event, NULL, insert_done_cb, pending);
}

static void
handle_status (BotbenchListener  *self,
               SoupServerMessage *msg)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, "Botbench");
  json_builder_set_member_name (builder, "version");
  json_builder_add_string_value (builder, PACKAGE_VERSION);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, "listening");
  json_builder_set_member_name (builder, "events");
  json_builder_add_int_value (builder, (gint64)(gsize)g_atomic_pointer_get (&self->n_events));
  json_builder_set_member_name (builder, "max_body");
  json_builder_add_int_value (builder, (gint64)self->max_body);
  json_builder_set_member_name (builder, "store");
  json_builder_add_string_value (builder, botbench_event_store_get_path (self->store));
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json = json_to_string (root, FALSE);

  set_json_response (msg, SOUP_STATUS_OK, json);
}

static void
handler_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  BotbenchListener *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  gboolean is_root = g_strcmp0 (path, "/") == 0;

  if (method == SOUP_METHOD_POST)
    {
      handle_post (self, msg);
      return;
    }

  if (is_root && (method == SOUP_METHOD_GET || method == SOUP_METHOD_HEAD))
    {
      handle_status (self, msg);
      return;
    }

  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Allow", is_root ? "GET, HEAD, POST" : "POST");
  set_error_response (msg, SOUP_STATUS_METHOD_NOT_ALLOWED,
                      is_root ? "Events are delivered with POST; GET / shows this listener's status"
                              : "Events are delivered with POST");
}

static gboolean
quit_loop_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static gpointer
server_thread_func (gpointer data)
{
  BotbenchListener *self = data;
  g_autoptr(GError) error = NULL;

  g_main_context_push_thread_default (self->server_context);

  self->server = soup_server_new ("server-header", "Botbench/" PACKAGE_VERSION " ", NULL);
  soup_server_add_early_handler (self->server, NULL, early_handler_cb, self, NULL);
  soup_server_add_handler (self->server, NULL, handler_cb, self, NULL);

  soup_server_listen_socket (self->server, self->socket, 0, &error);

  g_mutex_lock (&self->mutex);
  self->started = TRUE;
  if (error != NULL)
    self->start_error = g_steal_pointer (&error);
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->mutex);

  if (self->start_error == NULL)
    g_main_loop_run (self->server_loop);

  soup_server_disconnect (self->server);

  /* Requests already handed to the store complete (or fail) soon; wait for
   * them so nothing outlives the thread. */
  while (self->n_pending > 0)
    g_main_context_iteration (self->server_context, TRUE);

  g_clear_object (&self->server);
  while (g_main_context_iteration (self->server_context, FALSE))
    ;

  g_main_context_pop_thread_default (self->server_context);

  return NULL;
}

static void
botbench_listener_set_running (BotbenchListener *self,
                               gboolean          running)
{
  if (self->running == running)
    return;

  self->running = running;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_URL]);
}

static void
botbench_listener_dispose (GObject *object)
{
  BotbenchListener *self = (BotbenchListener *)object;

  botbench_listener_stop (self);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (botbench_listener_parent_class)->dispose (object);
}

static void
botbench_listener_finalize (GObject *object)
{
  BotbenchListener *self = (BotbenchListener *)object;

  g_free (self->host);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (botbench_listener_parent_class)->finalize (object);
}

static void
botbench_listener_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  BotbenchListener *self = BOTBENCH_LISTENER (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_HOST:
      g_value_set_string (value, self->host);
      break;

    case PROP_PORT:
      g_value_set_uint (value, self->port);
      break;

    case PROP_MAX_BODY:
      g_value_set_uint64 (value, self->max_body);
      break;

    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;

    case PROP_URL:
      g_value_take_string (value, botbench_listener_dup_url (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
botbench_listener_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  BotbenchListener *self = BOTBENCH_LISTENER (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;

    case PROP_HOST:
      botbench_listener_set_host (self, g_value_get_string (value));
      break;

    case PROP_PORT:
      botbench_listener_set_port (self, g_value_get_uint (value));
      break;

    case PROP_MAX_BODY:
      botbench_listener_set_max_body (self, g_value_get_uint64 (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
botbench_listener_class_init (BotbenchListenerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = botbench_listener_dispose;
  object_class->finalize = botbench_listener_finalize;
  object_class->get_property = botbench_listener_get_property;
  object_class->set_property = botbench_listener_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, BOTBENCH_TYPE_EVENT_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HOST] =
    g_param_spec_string ("host", NULL, NULL, BOTBENCH_LISTENER_DEFAULT_HOST,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PORT] =
    g_param_spec_uint ("port", NULL, NULL, 0, G_MAXUINT16, BOTBENCH_LISTENER_DEFAULT_PORT,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAX_BODY] =
    g_param_spec_uint64 ("max-body", NULL, NULL, 0, G_MAXUINT64, BOTBENCH_LISTENER_DEFAULT_MAX_BODY,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_URL] =
    g_param_spec_string ("url", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
botbench_listener_init (BotbenchListener *self)
{
  self->host = g_strdup (BOTBENCH_LISTENER_DEFAULT_HOST);
  self->port = BOTBENCH_LISTENER_DEFAULT_PORT;
  self->max_body = BOTBENCH_LISTENER_DEFAULT_MAX_BODY;
  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
}

BotbenchListener *
botbench_listener_new (BotbenchEventStore *store)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENT_STORE (store), NULL);

  return g_object_new (BOTBENCH_TYPE_LISTENER, "store", store, NULL);
}

BotbenchEventStore *
botbench_listener_get_store (BotbenchListener *self)
{
  g_return_val_if_fail (BOTBENCH_IS_LISTENER (self), NULL);
  return self->store;
}

const char *
botbench_listener_get_host (BotbenchListener *self)
{
  g_return_val_if_fail (BOTBENCH_IS_LISTENER (self), NULL);
  return self->host;
}

void
botbench_listener_set_host (BotbenchListener *self,
                            const char       *host)
{
  g_return_if_fail (BOTBENCH_IS_LISTENER (self));

  if (host == NULL)
    host = BOTBENCH_LISTENER_DEFAULT_HOST;

  if (g_strcmp0 (self->host, host) == 0)
    return;

  g_free (self->host);
  self->host = g_strdup (host);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HOST]);
}

guint
botbench_listener_get_port (BotbenchListener *self)
{
  g_return_val_if_fail (BOTBENCH_IS_LISTENER (self), 0);
  return self->port;
}

void
botbench_listener_set_port (BotbenchListener *self,
                            guint             port)
{
  g_return_if_fail (BOTBENCH_IS_LISTENER (self));
  g_return_if_fail (port <= G_MAXUINT16);

  if (self->port == port)
    return;

  self->port = port;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT]);
}

gsize
botbench_listener_get_max_body (BotbenchListener *self)
{
  g_return_val_if_fail (BOTBENCH_IS_LISTENER (self), 0);
  return self->max_body;
}

void
botbench_listener_set_max_body (BotbenchListener *self,
                                gsize             max_body)
{
  g_return_if_fail (BOTBENCH_IS_LISTENER (self));

  if (self->max_body == max_body)
    return;

  /* Read by the server thread per request; a word-sized store is atomic
   * enough for a limit that only affects later requests. */
  self->max_body = max_body;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_BODY]);
}

gboolean
botbench_listener_start (BotbenchListener  *self,
                         GError           **error)
{
  const BotbenchSocketErrors errors = {
    BOTBENCH_LISTENER_ERROR,
    BOTBENCH_LISTENER_ERROR_ADDRESS_IN_USE,
    BOTBENCH_LISTENER_ERROR_PERMISSION_DENIED,
    BOTBENCH_LISTENER_ERROR_INVALID_ADDRESS,
    BOTBENCH_LISTENER_ERROR_FAILED,
  };
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (BOTBENCH_IS_LISTENER (self), FALSE);

  if (self->running)
    return TRUE;

  /* Bound here, on the caller's thread, so that a port in use or a
   * forbidden port is reported at once. */
  self->socket = _botbench_socket_listen (self->host, self->port, &self->bound_port, &errors, error);
  if (self->socket == NULL)
    return FALSE;

  self->server_context = g_main_context_new ();
  self->server_loop = g_main_loop_new (self->server_context, FALSE);
  self->started = FALSE;
  self->thread = g_thread_new ("bb-listener", server_thread_func, self);

  g_mutex_lock (&self->mutex);
  while (!self->started)
    g_cond_wait (&self->cond, &self->mutex);
  local_error = g_steal_pointer (&self->start_error);
  g_mutex_unlock (&self->mutex);

  if (local_error != NULL)
    {
      g_thread_join (g_steal_pointer (&self->thread));
      g_clear_pointer (&self->server_loop, g_main_loop_unref);
      g_clear_pointer (&self->server_context, g_main_context_unref);
      g_clear_object (&self->socket);
      self->bound_port = 0;
      g_set_error (error, BOTBENCH_LISTENER_ERROR, BOTBENCH_LISTENER_ERROR_FAILED,
                   _("Cannot listen on %s port %u: %s"), self->host, self->port, local_error->message);
      return FALSE;
    }

  g_debug ("Listening on %s:%u", self->host, self->bound_port);
  botbench_listener_set_running (self, TRUE);

  return TRUE;
}

void
botbench_listener_stop (BotbenchListener *self)
{
  g_return_if_fail (BOTBENCH_IS_LISTENER (self));

  if (self->thread == NULL)
    return;

  g_main_context_invoke (self->server_context, quit_loop_cb, self->server_loop);
  g_thread_join (g_steal_pointer (&self->thread));

  g_clear_pointer (&self->server_loop, g_main_loop_unref);
  g_clear_pointer (&self->server_context, g_main_context_unref);
  if (self->socket != NULL)
    g_socket_close (self->socket, NULL);
  g_clear_object (&self->socket);
  self->bound_port = 0;

  g_debug ("Listener stopped");
  botbench_listener_set_running (self, FALSE);
}

gboolean
botbench_listener_get_running (BotbenchListener *self)
{
  g_return_val_if_fail (BOTBENCH_IS_LISTENER (self), FALSE);
  return self->running;
}

guint
botbench_listener_get_bound_port (BotbenchListener *self)
{
  g_return_val_if_fail (BOTBENCH_IS_LISTENER (self), 0);
  return self->bound_port;
}

char *
botbench_listener_dup_url (BotbenchListener *self)
{
  g_return_val_if_fail (BOTBENCH_IS_LISTENER (self), NULL);

  if (!self->running)
    return NULL;

  if (strchr (self->host, ':') != NULL && self->host[0] != '[')
    return g_strdup_printf ("http://[%s]:%u/", self->host, self->bound_port);

  return g_strdup_printf ("http://%s:%u/", self->host, self->bound_port);
}

guint64
botbench_listener_get_n_events (BotbenchListener *self)
{
  g_return_val_if_fail (BOTBENCH_IS_LISTENER (self), 0);
  return (guint64)(gsize)g_atomic_pointer_get (&self->n_events);
}
