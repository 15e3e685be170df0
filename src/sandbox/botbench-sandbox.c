/* botbench-sandbox.c: an offline emulator of a Bitrix24 portal's imbot API
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Structure: like BotbenchListener, a SoupServer runs on its own thread and
 * GMainContext; start() binds the sockets on the caller's thread so errors
 * are clear.  Everything after that (requests, SQLite state, event
 * deliveries with an async SoupSession) happens on the server thread; only
 * the "delivered" signal is sent back to the creating context.
 *
 * The behaviour follows the imbot research notes (bitrix24-imbot.md, kept
 * with the project's shared references): section numbers (§1.3 …) in
 * comments point there.  Where docs and server code disagree, the server
 * code wins (INVALID_CREDENTIALS, INVALID_REQUEST and insufficient_scope
 * are 401).  [inf] marks behaviour inferred from server code.
 *
 * This file is the shell: the GObject with its properties and the
 * "delivered" signal, start() and stop(), the server thread, the clock and
 * the routing of a request to its endpoint.  The endpoints and what they
 * share live in the files botbench-sandbox-private.h lists.
 */
#define G_LOG_DOMAIN "botbench-sandbox"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "botbench-sandbox-private.h"
#include "botbench-sandbox-php-private.h"
#include "botbench-sandbox-gate-private.h"
#include "botbench-sandbox-tls.h"
#include "botbench-socket-private.h"

G_DEFINE_FINAL_TYPE (BotbenchSandbox, botbench_sandbox, G_TYPE_OBJECT)

G_DEFINE_QUARK (botbench-sandbox-error-quark, botbench_sandbox_error)

enum {
  PROP_0,
  PROP_HOST,
  PROP_PORT,
  PROP_HTTP_PORT,
  PROP_WEBHOOK_USER,
  PROP_WEBHOOK_SECRET,
  PROP_STATE_PATH,
  PROP_BOT_LIMIT,
  PROP_RATE_LIMIT,
  PROP_V2_STRICT_LIST_FILTER,
  PROP_TOKEN_TTL,
  PROP_SCOPE,
  PROP_TLS,
  PROP_MAX_BODY,
  PROP_MAX_CONNECTIONS,
  PROP_IDLE_TIMEOUT,
  PROP_RUNNING,
  PROP_URL,
  PROP_CLIENT_ID,
  PROP_CLIENT_SECRET,
  N_PROPS
};

enum {
  DELIVERED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

gint64
_botbench_sandbox_now_us (BotbenchSandbox *self)
{
  if (self->clock != NULL)
    return self->clock (self->clock_data) + self->clock_offset_us;

  return g_get_real_time () + self->clock_offset_us;
}

gint64
_botbench_sandbox_now (BotbenchSandbox *self)
{
  return _botbench_sandbox_now_us (self) / G_USEC_PER_SEC;
}

typedef struct
{
  GWeakRef  self;
  char     *event;
  char     *url;
  guint     status;
} Delivered;

static void
delivered_free (Delivered *delivered)
{
  g_weak_ref_clear (&delivered->self);
  g_free (delivered->event);
  g_free (delivered->url);
  g_free (delivered);
}

static gboolean
emit_delivered_cb (gpointer data)
{
  Delivered *delivered = data;
  g_autoptr(BotbenchSandbox) self = g_weak_ref_get (&delivered->self);

  if (self != NULL)
    g_signal_emit (self, signals[DELIVERED], 0, delivered->event, delivered->url, delivered->status);

  return G_SOURCE_REMOVE;
}

void
_botbench_sandbox_post_delivered (BotbenchSandbox *self,
                                  const char      *event,
                                  const char      *url,
                                  guint            status)
{
  Delivered *delivered = g_new0 (Delivered, 1);

  g_weak_ref_init (&delivered->self, self);
  delivered->event = g_strdup (event);
  delivered->url = g_strdup (url);
  delivered->status = status;

  g_main_context_invoke_full (self->main_context, G_PRIORITY_DEFAULT, emit_delivered_cb,
                              delivered, (GDestroyNotify)delivered_free);
}

static void
handle_status (BotbenchSandbox   *self,
               SoupServerMessage *msg)
{
  JsonObject *status = json_object_new ();
  g_autoptr(JsonNode) root = NULL;

  json_object_set_string_member (status, "name", "Botbench sandbox");
  json_object_set_string_member (status, "version", PACKAGE_VERSION);
  json_object_set_string_member (status, "domain", self->domain);
  json_object_set_int_member (status, "bots",
                              botbench_sandbox_state_query_int (self->state, 0, "SELECT COUNT(*) FROM bots", NULL));
  root = _botbench_php_object_node (status);

  _botbench_sandbox_set_json_body (msg, SOUP_STATUS_OK, root);
}

static void
handler_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  BotbenchSandbox *self = user_data;

  g_autoptr(GError) json_error = NULL;

  if (g_object_get_data (G_OBJECT (msg), OVERFLOW_KEY) != NULL)
    _botbench_sandbox_reply_too_large (self, msg);
  else if (!_botbench_sandbox_json_body_depth_ok (msg, &json_error))
    {
      g_autoptr(JsonNode) root = _botbench_sandbox_error_node ("BAD_REQUEST", json_error->message);

      _botbench_sandbox_set_json_body (msg, SOUP_STATUS_BAD_REQUEST, root);
    }
  else if (g_str_has_prefix (path, "/rest/"))
    _botbench_sandbox_handle_rest (self, msg, path);
  else if (g_str_equal (path, "/oauth/token/") || g_str_equal (path, "/oauth/token"))
    _botbench_sandbox_handle_token (self, msg);
  else if (g_str_equal (path, "/oauth/authorize/") || g_str_equal (path, "/oauth/authorize"))
    _botbench_sandbox_handle_authorize (self, msg);
  else if (g_str_has_prefix (path, "/_sandbox/"))
    _botbench_sandbox_handle_control (self, msg, path);
  else if (g_str_equal (path, "/") && (soup_server_message_get_method (msg) == SOUP_METHOD_GET ||
                                        soup_server_message_get_method (msg) == SOUP_METHOD_HEAD))
    handle_status (self, msg);
  else if (g_str_equal (path, "/"))
    {
      g_autoptr(JsonNode) root = _botbench_sandbox_error_node ("METHOD_NOT_ALLOWED",
                                                               "GET / shows the sandbox's status");

      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", "GET, HEAD");
      _botbench_sandbox_set_json_body (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, root);
    }
  else
    {
      g_autoptr(JsonNode) root = _botbench_sandbox_error_node ("NOT_FOUND", "Not found");

      _botbench_sandbox_set_json_body (msg, SOUP_STATUS_NOT_FOUND, root);
    }
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
  BotbenchSandbox *self = data;

  g_main_context_push_thread_default (self->server_context);

  self->server = soup_server_new ("server-header", "Botbench-Sandbox/" PACKAGE_VERSION " ",
                                  "tls-certificate", self->certificate,
                                  NULL);
  soup_server_add_early_handler (self->server, NULL, _botbench_sandbox_early_handler_cb, self, NULL);
  soup_server_add_handler (self->server, NULL, handler_cb, self, NULL);
  self->session = soup_session_new_with_options ("user-agent", USER_AGENT, "timeout", 30, NULL);
  self->cancellable = g_cancellable_new ();
  self->bucket = 0;
  self->bucket_us = 0;
  self->n_flushing = 0;

  /* Accepted by the gate, not by libsoup (see botbench-sandbox-gate-private.h). */
  self->gate = _botbench_sandbox_gate_new (self->server, self->max_connections, self->idle_timeout);
  _botbench_sandbox_gate_add_socket (self->gate, self->socket, self->certificate);
  if (self->http_socket != NULL)
    _botbench_sandbox_gate_add_socket (self->gate, self->http_socket, NULL);

  g_mutex_lock (&self->mutex);
  self->started = TRUE;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->mutex);

  g_main_loop_run (self->server_loop);

  /* Held long polls are answered before the server goes. */
  _botbench_sandbox_updates_flush (self);
  soup_server_disconnect (self->server);
  g_clear_pointer (&self->gate, _botbench_sandbox_gate_free);

  /* Deliveries in flight end now (status 0), never after the thread. */
  g_cancellable_cancel (self->cancellable);
  while (self->n_deliveries > 0)
    g_main_context_iteration (self->server_context, TRUE);

  g_clear_object (&self->session);
  g_clear_object (&self->server);
  g_clear_object (&self->cancellable);
  while (g_main_context_iteration (self->server_context, FALSE))
    ;

  g_main_context_pop_thread_default (self->server_context);

  return NULL;
}

static char *
random_alnum (guint length)
{
  g_autofree char *hex = botbench_sandbox_random_hex (length);
  static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  char *out = g_malloc (length + 1);

  for (guint i = 0; i < length; i++)
    {
      guint byte = (guint)g_ascii_xdigit_value (hex[2 * i]) * 16 + g_ascii_xdigit_value (hex[2 * i + 1]);

      out[i] = alphabet[byte % (sizeof alphabet - 1)];
    }
  out[length] = '\0';

  return out;
}

/* Secrets and ids of the portal, generated once per state. */
static void
load_identity (BotbenchSandbox *self)
{
  g_autofree char *secret = random_alnum (16);
  g_autofree char *app_hex = botbench_sandbox_random_hex (7);
  g_autofree char *client_id = g_strdup_printf ("local.%s.%08u", app_hex, g_random_int_range (0, 100000000));
  g_autofree char *client_secret = random_alnum (50);
  g_autofree char *app_token = botbench_sandbox_random_hex (16);
  g_autofree char *member_id = botbench_sandbox_random_hex (16);

  g_autofree char *old_client_id = g_steal_pointer (&self->client_id);
  g_autofree char *old_client_secret = g_steal_pointer (&self->client_secret);

  if (self->webhook_secret != NULL)
    botbench_sandbox_state_set_meta (self->state, "webhook_secret", self->webhook_secret);

  g_free (self->secret);
  self->secret = botbench_sandbox_state_ensure_meta (self->state, "webhook_secret", secret);
  self->client_id = botbench_sandbox_state_ensure_meta (self->state, "client_id", client_id);
  self->client_secret = botbench_sandbox_state_ensure_meta (self->state, "client_secret", client_secret);
  g_free (self->app_token);
  self->app_token = botbench_sandbox_state_ensure_meta (self->state, "application_token", app_token);
  g_free (self->member_id);
  self->member_id = botbench_sandbox_state_ensure_meta (self->state, "member_id", member_id);

  if (g_strcmp0 (old_client_id, self->client_id) != 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLIENT_ID]);
  if (g_strcmp0 (old_client_secret, self->client_secret) != 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLIENT_SECRET]);
}

static char *
format_url (const char *scheme,
            const char *host,
            guint       port)
{
  if (strchr (host, ':') != NULL && host[0] != '[')
    return g_strdup_printf ("%s://[%s]:%u/", scheme, host, port);

  return g_strdup_printf ("%s://%s:%u/", scheme, host, port);
}

static void
botbench_sandbox_clear_runtime (BotbenchSandbox *self)
{
  g_clear_pointer (&self->server_loop, g_main_loop_unref);
  g_clear_pointer (&self->server_context, g_main_context_unref);
  if (self->socket != NULL)
    g_socket_close (self->socket, NULL);
  if (self->http_socket != NULL)
    g_socket_close (self->http_socket, NULL);
  g_clear_object (&self->socket);
  g_clear_object (&self->http_socket);
  g_clear_object (&self->certificate);
  g_clear_pointer (&self->served_cert_pem, g_free);
  g_clear_pointer (&self->state, botbench_sandbox_state_close);
  g_clear_pointer (&self->base_url, g_free);
  g_clear_pointer (&self->domain, g_free);
  self->bound_port = 0;
  self->bound_http_port = 0;
}

static void
botbench_sandbox_set_running (BotbenchSandbox *self,
                              gboolean         running)
{
  if (self->running == running)
    return;

  self->running = running;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_URL]);
}

static void
botbench_sandbox_dispose (GObject *object)
{
  BotbenchSandbox *self = (BotbenchSandbox *)object;

  botbench_sandbox_stop (self);

  G_OBJECT_CLASS (botbench_sandbox_parent_class)->dispose (object);
}

static void
botbench_sandbox_finalize (GObject *object)
{
  BotbenchSandbox *self = (BotbenchSandbox *)object;

  g_free (self->host);
  g_free (self->webhook_secret);
  g_free (self->state_path);
  g_free (self->scope);
  g_free (self->tls_cert_file);
  g_free (self->tls_key_file);
  g_free (self->run.scope);
  g_free (self->secret);
  g_free (self->client_id);
  g_free (self->client_secret);
  g_free (self->app_token);
  g_free (self->member_id);
  g_free (self->memory_cert_pem);
  g_free (self->memory_key_pem);
  g_clear_pointer (&self->main_context, g_main_context_unref);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (botbench_sandbox_parent_class)->finalize (object);
}

static void
botbench_sandbox_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  BotbenchSandbox *self = BOTBENCH_SANDBOX (object);

  switch (prop_id)
    {
    case PROP_HOST:
      g_value_set_string (value, self->host);
      break;

    case PROP_PORT:
      g_value_set_uint (value, self->port);
      break;

    case PROP_HTTP_PORT:
      g_value_set_uint (value, self->http_port);
      break;

    case PROP_WEBHOOK_USER:
      g_value_set_uint (value, self->webhook_user);
      break;

    case PROP_WEBHOOK_SECRET:
      g_value_set_string (value, self->webhook_secret);
      break;

    case PROP_STATE_PATH:
      g_value_set_string (value, self->state_path);
      break;

    case PROP_BOT_LIMIT:
      g_value_set_uint (value, self->bot_limit);
      break;

    case PROP_RATE_LIMIT:
      g_value_set_boolean (value, self->rate_limit);
      break;

    case PROP_V2_STRICT_LIST_FILTER:
      g_value_set_boolean (value, self->v2_strict_list_filter);
      break;

    case PROP_TOKEN_TTL:
      g_value_set_uint (value, self->token_ttl);
      break;

    case PROP_SCOPE:
      g_value_set_string (value, self->scope);
      break;

    case PROP_TLS:
      g_value_set_boolean (value, self->tls);
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
      g_value_take_string (value, botbench_sandbox_dup_url (self));
      break;

    case PROP_CLIENT_ID:
      g_value_set_string (value, self->client_id);
      break;

    case PROP_CLIENT_SECRET:
      g_value_set_string (value, self->client_secret);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
botbench_sandbox_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  BotbenchSandbox *self = BOTBENCH_SANDBOX (object);

  switch (prop_id)
    {
    case PROP_HOST:
      botbench_sandbox_set_host (self, g_value_get_string (value));
      break;

    case PROP_PORT:
      botbench_sandbox_set_port (self, g_value_get_uint (value));
      break;

    case PROP_HTTP_PORT:
      botbench_sandbox_set_http_port (self, g_value_get_uint (value));
      break;

    case PROP_WEBHOOK_USER:
      botbench_sandbox_set_webhook_user (self, g_value_get_uint (value));
      break;

    case PROP_WEBHOOK_SECRET:
      botbench_sandbox_set_webhook_secret (self, g_value_get_string (value));
      break;

    case PROP_STATE_PATH:
      botbench_sandbox_set_state_path (self, g_value_get_string (value));
      break;

    case PROP_BOT_LIMIT:
      botbench_sandbox_set_bot_limit (self, g_value_get_uint (value));
      break;

    case PROP_RATE_LIMIT:
      botbench_sandbox_set_rate_limit (self, g_value_get_boolean (value));
      break;

    case PROP_V2_STRICT_LIST_FILTER:
      botbench_sandbox_set_v2_strict_list_filter (self, g_value_get_boolean (value));
      break;

    case PROP_TOKEN_TTL:
      botbench_sandbox_set_token_ttl (self, g_value_get_uint (value));
      break;

    case PROP_SCOPE:
      botbench_sandbox_set_scope (self, g_value_get_string (value));
      break;

    case PROP_TLS:
      botbench_sandbox_set_tls (self, g_value_get_boolean (value));
      break;

    case PROP_MAX_BODY:
      botbench_sandbox_set_max_body (self, g_value_get_uint64 (value));
      break;

    case PROP_MAX_CONNECTIONS:
      botbench_sandbox_set_max_connections (self, g_value_get_uint (value));
      break;

    case PROP_IDLE_TIMEOUT:
      botbench_sandbox_set_idle_timeout (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
botbench_sandbox_class_init (BotbenchSandboxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = botbench_sandbox_dispose;
  object_class->finalize = botbench_sandbox_finalize;
  object_class->get_property = botbench_sandbox_get_property;
  object_class->set_property = botbench_sandbox_set_property;

  properties[PROP_HOST] =
    g_param_spec_string ("host", NULL, NULL, BOTBENCH_SANDBOX_DEFAULT_HOST, flags);
  properties[PROP_PORT] =
    g_param_spec_uint ("port", NULL, NULL, 0, G_MAXUINT16, BOTBENCH_SANDBOX_DEFAULT_PORT, flags);
  properties[PROP_HTTP_PORT] =
    g_param_spec_uint ("http-port", NULL, NULL, 0, G_MAXUINT16, 0, flags);
  properties[PROP_WEBHOOK_USER] =
    g_param_spec_uint ("webhook-user", NULL, NULL, 1, G_MAXINT32, 1, flags);
  properties[PROP_WEBHOOK_SECRET] =
    g_param_spec_string ("webhook-secret", NULL, NULL, NULL, flags);
  properties[PROP_STATE_PATH] =
    g_param_spec_string ("state-path", NULL, NULL, NULL, flags);
  properties[PROP_BOT_LIMIT] =
    g_param_spec_uint ("bot-limit", NULL, NULL, 0, G_MAXUINT, BOTBENCH_SANDBOX_DEFAULT_BOT_LIMIT, flags);
  properties[PROP_RATE_LIMIT] =
    g_param_spec_boolean ("rate-limit", NULL, NULL, TRUE, flags);
  properties[PROP_V2_STRICT_LIST_FILTER] =
    g_param_spec_boolean ("v2-strict-list-filter", NULL, NULL, FALSE, flags);
  properties[PROP_TOKEN_TTL] =
    g_param_spec_uint ("token-ttl", NULL, NULL, 1, G_MAXINT32, BOTBENCH_SANDBOX_DEFAULT_TOKEN_TTL, flags);
  properties[PROP_SCOPE] =
    g_param_spec_string ("scope", NULL, NULL, BOTBENCH_SANDBOX_DEFAULT_SCOPE, flags);
  properties[PROP_TLS] =
    g_param_spec_boolean ("tls", NULL, NULL, FALSE, flags);
  properties[PROP_MAX_BODY] =
    g_param_spec_uint64 ("max-body", NULL, NULL, 0, G_MAXUINT64, BOTBENCH_SANDBOX_DEFAULT_MAX_BODY, flags);
  properties[PROP_MAX_CONNECTIONS] =
    g_param_spec_uint ("max-connections", NULL, NULL, 0, G_MAXINT, 0, flags);
  properties[PROP_IDLE_TIMEOUT] =
    g_param_spec_uint ("idle-timeout", NULL, NULL, 1, 24 * 3600, BOTBENCH_SANDBOX_DEFAULT_IDLE_TIMEOUT, flags);
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_URL] =
    g_param_spec_string ("url", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CLIENT_ID] =
    g_param_spec_string ("client-id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CLIENT_SECRET] =
    g_param_spec_string ("client-secret", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[DELIVERED] =
    g_signal_new ("delivered", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_UINT);
}

static void
botbench_sandbox_init (BotbenchSandbox *self)
{
  self->host = g_strdup (BOTBENCH_SANDBOX_DEFAULT_HOST);
  self->port = BOTBENCH_SANDBOX_DEFAULT_PORT;
  self->webhook_user = 1;
  self->bot_limit = BOTBENCH_SANDBOX_DEFAULT_BOT_LIMIT;
  self->rate_limit = TRUE;
  self->rate_burst = BOTBENCH_SANDBOX_RATE_BURST;
  self->rate_per_second = BOTBENCH_SANDBOX_RATE_PER_SECOND;
  self->token_ttl = BOTBENCH_SANDBOX_DEFAULT_TOKEN_TTL;
  self->scope = g_strdup (BOTBENCH_SANDBOX_DEFAULT_SCOPE);
  self->max_body = BOTBENCH_SANDBOX_DEFAULT_MAX_BODY;
  self->idle_timeout = BOTBENCH_SANDBOX_DEFAULT_IDLE_TIMEOUT;
  self->main_context = g_main_context_ref_thread_default ();
  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
}

char *
botbench_sandbox_dup_default_state_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "botbench", "sandbox", "state.db", NULL);
}

BotbenchSandbox *
botbench_sandbox_new (void)
{
  return g_object_new (BOTBENCH_TYPE_SANDBOX, NULL);
}

#define DEFINE_UINT_PROPERTY(name, field, PROP)                      \
guint                                                                \
botbench_sandbox_get_##name (BotbenchSandbox *self)                  \
{                                                                    \
  g_return_val_if_fail (BOTBENCH_IS_SANDBOX (self), 0);              \
  return self->field;                                                \
}                                                                    \
                                                                     \
void                                                                 \
botbench_sandbox_set_##name (BotbenchSandbox *self,                  \
                             guint            value)                 \
{                                                                    \
  g_return_if_fail (BOTBENCH_IS_SANDBOX (self));                     \
  if (self->field == value)                                          \
    return;                                                          \
  self->field = value;                                               \
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP]);      \
}

#define DEFINE_STRING_PROPERTY(name, field, PROP, fallback)          \
const char *                                                         \
botbench_sandbox_get_##name (BotbenchSandbox *self)                  \
{                                                                    \
  g_return_val_if_fail (BOTBENCH_IS_SANDBOX (self), NULL);           \
  return self->field;                                                \
}                                                                    \
                                                                     \
void                                                                 \
botbench_sandbox_set_##name (BotbenchSandbox *self,                  \
                             const char      *value)                 \
{                                                                    \
  g_return_if_fail (BOTBENCH_IS_SANDBOX (self));                     \
  if (value == NULL)                                                 \
    value = fallback;                                                \
  if (g_strcmp0 (self->field, value) == 0)                           \
    return;                                                          \
  g_free (self->field);                                              \
  self->field = g_strdup (value);                                    \
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP]);      \
}

#define DEFINE_BOOLEAN_PROPERTY(name, field, PROP)                   \
gboolean                                                             \
botbench_sandbox_get_##name (BotbenchSandbox *self)                  \
{                                                                    \
  g_return_val_if_fail (BOTBENCH_IS_SANDBOX (self), FALSE);          \
  return self->field;                                                \
}                                                                    \
                                                                     \
void                                                                 \
botbench_sandbox_set_##name (BotbenchSandbox *self,                  \
                             gboolean         value)                 \
{                                                                    \
  g_return_if_fail (BOTBENCH_IS_SANDBOX (self));                     \
  value = !!value;                                                   \
  if (self->field == value)                                          \
    return;                                                          \
  self->field = value;                                               \
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP]);      \
}

DEFINE_UINT_PROPERTY (port, port, PROP_PORT)
DEFINE_UINT_PROPERTY (http_port, http_port, PROP_HTTP_PORT)
DEFINE_UINT_PROPERTY (webhook_user, webhook_user, PROP_WEBHOOK_USER)
DEFINE_UINT_PROPERTY (bot_limit, bot_limit, PROP_BOT_LIMIT)
DEFINE_UINT_PROPERTY (token_ttl, token_ttl, PROP_TOKEN_TTL)
DEFINE_UINT_PROPERTY (max_connections, max_connections, PROP_MAX_CONNECTIONS)
DEFINE_UINT_PROPERTY (idle_timeout, idle_timeout, PROP_IDLE_TIMEOUT)

guint64
botbench_sandbox_get_max_body (BotbenchSandbox *self)
{
  g_return_val_if_fail (BOTBENCH_IS_SANDBOX (self), 0);
  return self->max_body;
}

void
botbench_sandbox_set_max_body (BotbenchSandbox *self,
                               guint64          max_body)
{
  g_return_if_fail (BOTBENCH_IS_SANDBOX (self));
  if (self->max_body == max_body)
    return;
  self->max_body = max_body;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_BODY]);
}
DEFINE_STRING_PROPERTY (host, host, PROP_HOST, BOTBENCH_SANDBOX_DEFAULT_HOST)
DEFINE_STRING_PROPERTY (webhook_secret, webhook_secret, PROP_WEBHOOK_SECRET, NULL)
DEFINE_STRING_PROPERTY (state_path, state_path, PROP_STATE_PATH, NULL)
DEFINE_STRING_PROPERTY (scope, scope, PROP_SCOPE, BOTBENCH_SANDBOX_DEFAULT_SCOPE)

DEFINE_BOOLEAN_PROPERTY (rate_limit, rate_limit, PROP_RATE_LIMIT)
DEFINE_BOOLEAN_PROPERTY (tls, tls, PROP_TLS)
DEFINE_BOOLEAN_PROPERTY (v2_strict_list_filter, v2_strict_list_filter, PROP_V2_STRICT_LIST_FILTER)

void
botbench_sandbox_set_tls_files (BotbenchSandbox *self,
                                const char      *cert_file,
                                const char      *key_file)
{
  g_return_if_fail (BOTBENCH_IS_SANDBOX (self));

  g_free (self->tls_cert_file);
  self->tls_cert_file = g_strdup (cert_file);
  g_free (self->tls_key_file);
  self->tls_key_file = g_strdup (key_file);
}

void
_botbench_sandbox_set_clock (BotbenchSandbox      *self,
                             BotbenchSandboxClock  func,
                             gpointer              user_data)
{
  g_return_if_fail (BOTBENCH_IS_SANDBOX (self));
  g_return_if_fail (self->thread == NULL);

  self->clock = func;
  self->clock_data = user_data;
}

gboolean
botbench_sandbox_start (BotbenchSandbox  *self,
                        GError          **error)
{
  const BotbenchSocketErrors errors = {
    BOTBENCH_SANDBOX_ERROR,
    BOTBENCH_SANDBOX_ERROR_ADDRESS_IN_USE,
    BOTBENCH_SANDBOX_ERROR_PERMISSION_DENIED,
    BOTBENCH_SANDBOX_ERROR_INVALID_ADDRESS,
    BOTBENCH_SANDBOX_ERROR_FAILED,
  };
  g_autoptr(GInetAddress) address = NULL;

  g_return_val_if_fail (BOTBENCH_IS_SANDBOX (self), FALSE);

  if (self->running)
    return TRUE;

  /* A bad address is reported before the state is touched. */
  if (!(address = _botbench_socket_resolve_host (self->host, &errors, error)))
    return FALSE;

  if (!(self->state = botbench_sandbox_state_open (self->state_path, error)))
    return FALSE;
  load_identity (self);

  g_free (self->run.scope);
  self->run.scope = g_strdup (self->scope);
  self->run.webhook_user = self->webhook_user;
  self->run.bot_limit = self->bot_limit;
  self->run.token_ttl = self->token_ttl;
  self->run.rate_limit = self->rate_limit;
  self->run.v2_strict_list_filter = self->v2_strict_list_filter;
  self->run.rate_burst = self->rate_burst;
  self->run.rate_per_second = self->rate_per_second;
  self->run.tls = self->tls;

  if ((self->run.tls && !_botbench_sandbox_load_certificate (self, error)) ||
      !(self->socket = _botbench_socket_listen (self->host, self->port, &self->bound_port,
                                                &errors, error)) ||
      (self->run.tls && !(self->http_socket = _botbench_socket_listen (self->host, self->http_port,
                                                                       &self->bound_http_port,
                                                                       &errors, error))))
    {
      botbench_sandbox_clear_runtime (self);
      return FALSE;
    }
  if (!self->run.tls)
    self->bound_http_port = self->bound_port;

  self->base_url = format_url (self->run.tls ? "https" : "http", self->host, self->bound_port);
  self->domain = strchr (self->host, ':') != NULL
    ? g_strdup_printf ("[%s]:%u", self->host, self->bound_port)
    : g_strdup_printf ("%s:%u", self->host, self->bound_port);

  self->server_context = g_main_context_new ();
  self->server_loop = g_main_loop_new (self->server_context, FALSE);
  self->started = FALSE;
  self->thread = g_thread_new ("bb-sandbox", server_thread_func, self);

  /* The sockets are bound already; the thread cannot fail to serve them. */
  g_mutex_lock (&self->mutex);
  while (!self->started)
    g_cond_wait (&self->cond, &self->mutex);
  g_mutex_unlock (&self->mutex);

  g_debug ("Sandbox serving on %s:%u", self->host, self->bound_port);
  botbench_sandbox_set_running (self, TRUE);

  return TRUE;
}

void
botbench_sandbox_stop (BotbenchSandbox *self)
{
  g_return_if_fail (BOTBENCH_IS_SANDBOX (self));

  if (self->thread == NULL)
    return;

  g_main_context_invoke (self->server_context, quit_loop_cb, self->server_loop);
  g_thread_join (g_steal_pointer (&self->thread));
  botbench_sandbox_clear_runtime (self);

  g_debug ("Sandbox stopped");
  botbench_sandbox_set_running (self, FALSE);
}

gboolean
botbench_sandbox_get_running (BotbenchSandbox *self)
{
  g_return_val_if_fail (BOTBENCH_IS_SANDBOX (self), FALSE);
  return self->running;
}

guint
botbench_sandbox_get_bound_port (BotbenchSandbox *self)
{
  g_return_val_if_fail (BOTBENCH_IS_SANDBOX (self), 0);
  return self->bound_port;
}

char *
botbench_sandbox_dup_url (BotbenchSandbox *self)
{
  g_return_val_if_fail (BOTBENCH_IS_SANDBOX (self), NULL);

  return self->running ? g_strdup (self->base_url) : NULL;
}

char *
botbench_sandbox_dup_http_url (BotbenchSandbox *self)
{
  g_return_val_if_fail (BOTBENCH_IS_SANDBOX (self), NULL);

  if (!self->running)
    return NULL;

  return format_url ("http", self->host, self->bound_http_port);
}

char *
botbench_sandbox_dup_webhook_url (BotbenchSandbox *self)
{
  g_return_val_if_fail (BOTBENCH_IS_SANDBOX (self), NULL);

  if (!self->running)
    return NULL;

  return g_strdup_printf ("%srest/%u/%s/", self->base_url, self->run.webhook_user, self->secret);
}

const char *
botbench_sandbox_get_client_id (BotbenchSandbox *self)
{
  g_return_val_if_fail (BOTBENCH_IS_SANDBOX (self), NULL);
  return self->client_id;
}

const char *
botbench_sandbox_get_client_secret (BotbenchSandbox *self)
{
  g_return_val_if_fail (BOTBENCH_IS_SANDBOX (self), NULL);
  return self->client_secret;
}

char *
botbench_sandbox_dup_certificate_pem (BotbenchSandbox *self)
{
  g_return_val_if_fail (BOTBENCH_IS_SANDBOX (self), NULL);
  return g_strdup (self->served_cert_pem);
}

/**
 * botbench_sandbox_set_rate:
 * @burst: requests a caller may make at once (the bucket's size), > 0
 * @per_second: how fast the bucket drains, > 0
 *
 * The leaky bucket behind 503 QUERY_LIMIT_EXCEEDED (default 50 and 2, as
 * on cloud portals).  Applies at the next start().
 */
void
botbench_sandbox_set_rate (BotbenchSandbox *self,
                           guint            burst,
                           guint            per_second)
{
  g_return_if_fail (BOTBENCH_IS_SANDBOX (self));
  g_return_if_fail (burst > 0 && per_second > 0);

  self->rate_burst = burst;
  self->rate_per_second = per_second;
}

guint
botbench_sandbox_get_rate_burst (BotbenchSandbox *self)
{
  g_return_val_if_fail (BOTBENCH_IS_SANDBOX (self), 0);
  return self->rate_burst;
}

guint
botbench_sandbox_get_rate_per_second (BotbenchSandbox *self)
{
  g_return_val_if_fail (BOTBENCH_IS_SANDBOX (self), 0);
  return self->rate_per_second;
}

/* Kept as object data (GData is locked: read by the server thread) so the
 * knob needs no field in botbench-sandbox-private.h. */
static GQuark
app_not_installed_quark (void)
{
  return g_quark_from_static_string ("botbench-sandbox-app-not-installed");
}

gboolean
botbench_sandbox_get_app_installed (BotbenchSandbox *self)
{
  g_return_val_if_fail (BOTBENCH_IS_SANDBOX (self), TRUE);

  return g_object_get_qdata (G_OBJECT (self), app_not_installed_quark ()) == NULL;
}

void
botbench_sandbox_set_app_installed (BotbenchSandbox *self,
                                    gboolean         installed)
{
  g_return_if_fail (BOTBENCH_IS_SANDBOX (self));

  g_object_set_qdata (G_OBJECT (self), app_not_installed_quark (), installed ? NULL : GINT_TO_POINTER (1));
}
