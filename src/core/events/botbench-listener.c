/* botbench-listener.c: embedded HTTP listener for Bitrix24 events
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The server lives on its own thread with its own GMainContext, so a flood
 * of events never touches the UI thread.  Connections are accepted by
 * BotbenchAcceptor (capped, never wedged by EMFILE) and spoken to in HTTP/1.1
 * by botbench-listener-connection.c; a POST's event is handed to the store's
 * writer and answered 200 only once the writer's transaction holding it has
 * committed.  The UI learns about new events from the store's batched
 * "events-added" signal, not from here.
 */
#define G_LOG_DOMAIN "botbench-listener"

#include "config.h"

#include <string.h>

#include "botbench-listener-private.h"
#include "botbench-socket-private.h"

struct _BotbenchListener
{
  GObject             parent_instance;

  BotbenchEventStore *store;
  char               *host;
  guint               port;
  gsize               max_body;
  guint               max_connections;   /* 0 = from the fd limit */
  guint               idle_timeout;      /* seconds */

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

  /* What the server thread works with, from start() to stop() */
  ListenerServer     *server;

  gsize               n_events;   /* atomic */
  ListenerToken      *token;      /* expected application_token, strict mode */

  /* Under mutex: read by the server thread per stored event. */
  BotbenchForwarder  *forwarder;
};

G_DEFINE_FINAL_TYPE (BotbenchListener, botbench_listener, G_TYPE_OBJECT)

G_DEFINE_QUARK (botbench-listener-error-quark, botbench_listener_error)

enum {
  PROP_0,
  PROP_STORE,
  PROP_HOST,
  PROP_PORT,
  PROP_MAX_BODY,
  PROP_MAX_CONNECTIONS,
  PROP_IDLE_TIMEOUT,
  PROP_RUNNING,
  PROP_URL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* How often deadlines are checked. */
#define SWEEP_INTERVAL_MS 250
/* The least memory for bodies being read at once (see body_budget). */
#define BODY_BUDGET (64 * 1024 * 1024)

static gboolean
quit_loop_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static void
accept_cb (GSocket  *client,
           gpointer  user_data)
{
  _botbench_listener_connection_accept (user_data, client);
}

static gboolean
evict_cb (gpointer user_data)
{
  return _botbench_listener_connection_evict (user_data);
}

static gboolean
sweep_cb (gpointer user_data)
{
  _botbench_listener_connection_sweep (user_data, g_get_monotonic_time ());
  return G_SOURCE_CONTINUE;
}

static gpointer
server_thread_func (gpointer data)
{
  BotbenchListener *self = data;
  ListenerServer *server = self->server;
  g_autoptr(GSource) sweep = NULL;

  g_main_context_push_thread_default (self->server_context);

  server->acceptor = _botbench_acceptor_new (self->socket, self->max_connections,
                                             accept_cb, evict_cb, server);
  sweep = g_timeout_source_new (SWEEP_INTERVAL_MS);
  g_source_set_callback (sweep, sweep_cb, server, NULL);
  g_source_attach (sweep, self->server_context);

  g_mutex_lock (&self->mutex);
  self->started = TRUE;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->mutex);

  g_main_loop_run (self->server_loop);

  g_clear_pointer (&server->acceptor, _botbench_acceptor_free);
  g_source_destroy (sweep);
  server->stopping = TRUE;
  _botbench_listener_connection_close_all (server);

  /* Requests already handed to the store complete (or fail) soon; wait for
   * them so nothing outlives the thread. */
  while (server->n_pending > 0)
    g_main_context_iteration (self->server_context, TRUE);

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
  g_clear_object (&self->forwarder);

  G_OBJECT_CLASS (botbench_listener_parent_class)->dispose (object);
}

static void
botbench_listener_finalize (GObject *object)
{
  BotbenchListener *self = (BotbenchListener *)object;

  g_free (self->host);
  g_clear_pointer (&self->token, _botbench_listener_token_free);
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

    case PROP_MAX_CONNECTIONS:
      g_value_set_uint (value, self->max_connections);
      break;

    case PROP_IDLE_TIMEOUT:
      g_value_set_uint (value, self->idle_timeout);
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

    case PROP_MAX_CONNECTIONS:
      botbench_listener_set_max_connections (self, g_value_get_uint (value));
      break;

    case PROP_IDLE_TIMEOUT:
      botbench_listener_set_idle_timeout (self, g_value_get_uint (value));
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
  properties[PROP_MAX_CONNECTIONS] =
    g_param_spec_uint ("max-connections", NULL, NULL, 0, G_MAXINT, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_IDLE_TIMEOUT] =
    g_param_spec_uint ("idle-timeout", NULL, NULL, 1, 24 * 3600, BOTBENCH_LISTENER_DEFAULT_IDLE_TIMEOUT,
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
  self->idle_timeout = BOTBENCH_LISTENER_DEFAULT_IDLE_TIMEOUT;
  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
  self->token = _botbench_listener_token_new ();
}

ListenerToken *
_botbench_listener_get_token (BotbenchListener *self)
{
  return self->token;
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

  /* A body is held in one GByteArray, which stops at 4 GiB. */
  max_body = MIN (max_body, G_MAXUINT32);

  if (self->max_body == max_body)
    return;

  /* Read by the server thread per request; a word-sized store is atomic
   * enough for a limit that only affects later requests. */
  self->max_body = max_body;
  if (self->server != NULL)
    self->server->max_body = max_body;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_BODY]);
}

guint
botbench_listener_get_max_connections (BotbenchListener *self)
{
  g_return_val_if_fail (BOTBENCH_IS_LISTENER (self), 0);
  return self->max_connections;
}

void
botbench_listener_set_max_connections (BotbenchListener *self,
                                       guint             max_connections)
{
  g_return_if_fail (BOTBENCH_IS_LISTENER (self));

  if (self->max_connections == max_connections)
    return;

  self->max_connections = max_connections;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_CONNECTIONS]);
}

guint
botbench_listener_get_idle_timeout (BotbenchListener *self)
{
  g_return_val_if_fail (BOTBENCH_IS_LISTENER (self), 0);
  return self->idle_timeout;
}

void
botbench_listener_set_idle_timeout (BotbenchListener *self,
                                    guint             seconds)
{
  g_return_if_fail (BOTBENCH_IS_LISTENER (self));
  g_return_if_fail (seconds > 0);

  if (self->idle_timeout == seconds)
    return;

  self->idle_timeout = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IDLE_TIMEOUT]);
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

  g_return_val_if_fail (BOTBENCH_IS_LISTENER (self), FALSE);

  if (self->running)
    return TRUE;

  /* Bound here, on the caller's thread, so that a port in use or a
   * forbidden port is reported at once. */
  self->socket = _botbench_socket_listen (self->host, self->port, &self->bound_port, &errors, error);
  if (self->socket == NULL)
    return FALSE;

  self->server = g_new0 (ListenerServer, 1);
  self->server->store = self->store;
  self->server->max_body = self->max_body;
  self->server->idle_timeout_us = (gint64)self->idle_timeout * G_USEC_PER_SEC;
  /* Bodies being read at once, all connections together. */
  self->server->body_budget = MAX (BODY_BUDGET, 4 * self->max_body);
  self->server->n_events = &self->n_events;
  self->server->token = self->token;
  self->server->listener = self;
  g_queue_init (&self->server->connections);

  self->server_context = g_main_context_new ();
  self->server_loop = g_main_loop_new (self->server_context, FALSE);
  self->started = FALSE;
  self->thread = g_thread_new ("bb-listener", server_thread_func, self);

  g_mutex_lock (&self->mutex);
  while (!self->started)
    g_cond_wait (&self->cond, &self->mutex);
  g_mutex_unlock (&self->mutex);

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
  g_clear_pointer (&self->server, g_free);
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

void
botbench_listener_set_forwarder (BotbenchListener  *self,
                                 BotbenchForwarder *forwarder)
{
  g_autoptr(BotbenchForwarder) old = NULL;

  g_return_if_fail (BOTBENCH_IS_LISTENER (self));
  g_return_if_fail (forwarder == NULL || BOTBENCH_IS_FORWARDER (forwarder));

  g_mutex_lock (&self->mutex);
  old = g_steal_pointer (&self->forwarder);
  self->forwarder = forwarder != NULL ? g_object_ref (forwarder) : NULL;
  g_mutex_unlock (&self->mutex);
}

BotbenchForwarder *
botbench_listener_get_forwarder (BotbenchListener *self)
{
  g_return_val_if_fail (BOTBENCH_IS_LISTENER (self), NULL);
  return self->forwarder;
}

BotbenchForwarder *
_botbench_listener_dup_forwarder (BotbenchListener *self)
{
  BotbenchForwarder *forwarder;

  g_mutex_lock (&self->mutex);
  forwarder = self->forwarder != NULL ? g_object_ref (self->forwarder) : NULL;
  g_mutex_unlock (&self->mutex);

  return forwarder;
}

guint64
botbench_listener_get_n_events (BotbenchListener *self)
{
  g_return_val_if_fail (BOTBENCH_IS_LISTENER (self), 0);
  return (guint64)(gsize)g_atomic_pointer_get (&self->n_events);
}
