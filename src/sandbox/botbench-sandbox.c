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
 */
#define G_LOG_DOMAIN "botbench-sandbox"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <math.h>
#include <string.h>

#include "botbench-post-decoder.h"
#include "botbench-form-encoder.h"
#include "botbench-json.h"
#include "botbench-sandbox.h"
#include "botbench-sandbox-private.h"
#include "botbench-sandbox-gate-private.h"
#include "botbench-socket-private.h"
#include "botbench-bot-validator.h"
#include "botbench-sandbox-state.h"
#include "botbench-sandbox-tls.h"

/* The settings a running server uses: copied at start() so setters on the
 * creating thread never race with the server thread. */
typedef struct
{
  char     *scope;
  guint     webhook_user;
  guint     bot_limit;
  guint     token_ttl;
  gboolean  rate_limit;
  guint     rate_burst;
  guint     rate_per_second;
  gboolean  tls;
} SandboxConfig;

struct _BotbenchSandbox
{
  GObject               parent_instance;

  /* Configuration (creating thread) */
  char                 *host;
  guint                 port;
  guint                 http_port;
  guint                 webhook_user;
  char                 *webhook_secret;
  char                 *state_path;
  guint                 bot_limit;
  gboolean              rate_limit;
  guint                 rate_burst;
  guint                 rate_per_second;
  guint                 token_ttl;
  char                 *scope;
  gboolean              tls;
  guint64               max_body;
  guint                 max_connections;
  guint                 idle_timeout;
  char                 *tls_cert_file;
  char                 *tls_key_file;
  BotbenchSandboxClock  clock;
  gpointer              clock_data;
  GMainContext         *main_context;

  /* Set by start(), read-only while running */
  SandboxConfig         run;
  char                 *secret;
  char                 *client_id;
  char                 *client_secret;
  char                 *app_token;
  char                 *member_id;
  char                 *memory_cert_pem;
  char                 *memory_key_pem;
  char                 *served_cert_pem;
  GTlsCertificate      *certificate;
  BotbenchSandboxState *state;
  char                 *base_url;
  char                 *domain;
  GThread              *thread;
  GSocket              *socket;
  GSocket              *http_socket;
  GMainContext         *server_context;
  GMainLoop            *server_loop;
  guint                 bound_port;
  guint                 bound_http_port;
  gboolean              running;

  GMutex                mutex;
  GCond                 cond;
  gboolean              started;

  /* Server thread only */
  SoupServer           *server;
  BotbenchSandboxGate  *gate;
  SoupSession          *session;
  GCancellable         *cancellable;
  guint                 n_deliveries;
  double                bucket;
  gint64                bucket_us;
};

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

#define REFRESH_TTL_SECONDS   (180 * 24 * 3600)
#define CODE_TTL_SECONDS      30
#define FIRST_BOT_ID          100
#define USER_AGENT            "Bitrix24 Webhook Engine"
#define STATUS_LETTER         "L"

/* Handler parameters of imbot.register and the REST events they bind (§1.1). */
static const struct {
  const char *param;
  const char *event;
  const char *error;
  const char *missing;   /* NULL: optional */
} handler_params[] = {
  { "EVENT_MESSAGE_ADD", "ONIMBOTMESSAGEADD", "EVENT_MESSAGE_ADD_ERROR",
    "Handler for \"Message add\" event isn't specified" },
  { "EVENT_MESSAGE_UPDATE", "ONIMBOTMESSAGEUPDATE", "EVENT_MESSAGE_UPDATE_ERROR", NULL },
  { "EVENT_MESSAGE_DELETE", "ONIMBOTMESSAGEDELETE", "EVENT_MESSAGE_DELETE_ERROR", NULL },
  { "EVENT_WELCOME_MESSAGE", "ONIMBOTJOINCHAT", "EVENT_WELCOME_MESSAGE_ERROR",
    "Handler for \"Welcome message\" event isn't specified" },
  { "EVENT_BOT_DELETE", "ONIMBOTDELETE", "EVENT_BOT_DELETE_ERROR",
    "Handler for \"Bot delete\" event isn't specified" },
};

/* ------------------------------------------------------------------------ */
/* Errors, clock and JSON helpers                                            */

typedef struct
{
  guint  status;
  char  *code;
  char  *description;
} ApiError;

static void
api_error_clear (ApiError *error)
{
  g_clear_pointer (&error->code, g_free);
  g_clear_pointer (&error->description, g_free);
  error->status = 0;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ApiError, api_error_clear)

static gpointer
api_fail (ApiError   *error,
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

/* api_fail() for functions that return gboolean */
static gboolean
api_refuse (ApiError   *error,
            guint       status,
            const char *code,
            const char *description)
{
  api_fail (error, status, code, description);
  return FALSE;
}

static gint64
sandbox_now_us (BotbenchSandbox *self)
{
  if (self->clock != NULL)
    return self->clock (self->clock_data);

  return g_get_real_time ();
}

static gint64
sandbox_now (BotbenchSandbox *self)
{
  return sandbox_now_us (self) / G_USEC_PER_SEC;
}

static JsonNode *
param (JsonObject *params,
       const char *key)
{
  if (params == NULL || !json_object_has_member (params, key))
    return NULL;

  return json_object_get_member (params, key);
}

static gboolean
is_php_array (JsonNode *node)
{
  return node != NULL && (JSON_NODE_HOLDS_OBJECT (node) || JSON_NODE_HOLDS_ARRAY (node));
}

/* $array[$key] for an object or a list. */
static JsonNode *
php_array_get (JsonNode   *node,
               const char *key)
{
  if (node == NULL)
    return NULL;

  if (JSON_NODE_HOLDS_OBJECT (node))
    return param (json_node_get_object (node), key);

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      char *end = NULL;
      guint64 index = g_ascii_strtoull (key, &end, 10);

      if (*key != '\0' && *end == '\0' && index < json_array_get_length (array))
        return json_array_get_element (array, index);
    }

  return NULL;
}

/* (string)$value for scalars; NULL for null, missing and arrays. */
static char *
php_string (JsonNode *node)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return g_strdup (json_node_get_string (node));

    case G_TYPE_BOOLEAN:
      return g_strdup (json_node_get_boolean (node) ? "1" : "");

    case G_TYPE_INT64:
      return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));

    case G_TYPE_DOUBLE:
      {
        GString *out = g_string_new (NULL);

        botbench_form_append_php_double (out, json_node_get_double (node));
        return g_string_free (out, FALSE);
      }

    default:
      return NULL;
    }
}

/* PHP empty(): null, "", "0", 0, 0.0, false, []. */
static gboolean
php_empty (JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (JSON_NODE_HOLDS_OBJECT (node))
    return json_object_get_size (json_node_get_object (node)) == 0;

  if (JSON_NODE_HOLDS_ARRAY (node))
    return json_array_get_length (json_node_get_array (node)) == 0;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      {
        const char *s = json_node_get_string (node);
        return s == NULL || *s == '\0' || g_str_equal (s, "0");
      }

    case G_TYPE_BOOLEAN:
      return !json_node_get_boolean (node);

    case G_TYPE_INT64:
      return json_node_get_int (node) == 0;

    case G_TYPE_DOUBLE:
      return json_node_get_double (node) == 0.0;

    default:
      return TRUE;
    }
}

/* PHP intval(). */
static gint64
php_intval (JsonNode *node)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return 0;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return g_ascii_strtoll (json_node_get_string (node), NULL, 10);

    case G_TYPE_BOOLEAN:
      return json_node_get_boolean (node) ? 1 : 0;

    case G_TYPE_INT64:
      return json_node_get_int (node);

    case G_TYPE_DOUBLE:
      return (gint64)json_node_get_double (node);

    default:
      return 0;
    }
}

static char *
param_string (JsonObject *params,
              const char *key)
{
  return php_string (param (params, key));
}

/* trim()med string parameter, "" when missing. */
static char *
param_trimmed (JsonObject *params,
               const char *key)
{
  char *s = param_string (params, key);

  return s ? g_strstrip (s) : g_strdup ("");
}

static gboolean
param_is_y (JsonObject *params,
            const char *key)
{
  g_autofree char *s = param_string (params, key);

  return g_strcmp0 (s, "Y") == 0;
}

/* Like PHP's json_decode(): NULL for anything but one JSON value nested at
 * most 512 levels (PHP's default depth, and json-glib's stack). */
static JsonNode *
parse_json_text (const char *text,
                 gssize      len)
{
  if (text == NULL)
    return NULL;

  return botbench_json_parse (text, len < 0 ? strlen (text) : (gsize)len, NULL);
}

/* A PHP array as a JsonObject: lists get their indexes as keys. */
static JsonObject *
object_from_php_array (JsonNode *node)
{
  JsonObject *object;

  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    return json_object_ref (json_node_get_object (node));

  object = json_object_new ();
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          char key[16];

          g_snprintf (key, sizeof key, "%u", i);
          json_object_set_member (object, key, json_node_copy (json_array_get_element (array, i)));
        }
    }

  return object;
}

static JsonObject *
object_from_form (const char *body,
                  gsize       len)
{
  g_autoptr(BotbenchFormNode) form = botbench_post_decode_urlencoded (body, len);
  g_autofree char *json = botbench_form_node_to_json (form);
  g_autoptr(JsonNode) node = parse_json_text (json, -1);

  return object_from_php_array (node);
}

/* PHP json_encode() of an array: [] when empty, a list when the keys are
 * 0..n-1, an object otherwise. */
static JsonNode *
php_array_node (JsonObject *object)
{
  g_autoptr(GList) members = json_object_get_members (object);
  JsonNode *node;
  guint i = 0;
  gboolean is_list = TRUE;

  for (const GList *l = members; l != NULL && is_list; l = l->next, i++)
    {
      char key[16];

      g_snprintf (key, sizeof key, "%u", i);
      is_list = g_str_equal (key, l->data);
    }

  if (is_list)
    {
      JsonArray *array = json_array_new ();

      for (const GList *l = members; l != NULL; l = l->next)
        json_array_add_element (array, json_node_copy (json_object_get_member (object, l->data)));
      node = json_node_new (JSON_NODE_ARRAY);
      json_node_take_array (node, array);
    }
  else
    {
      node = json_node_new (JSON_NODE_OBJECT);
      json_node_set_object (node, object);
    }

  return node;
}

static JsonNode *
node_int (gint64 value)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_int (node, value);
  return node;
}

static JsonNode *
node_bool (gboolean value)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_boolean (node, value);
  return node;
}

static JsonNode *
node_take_object (JsonObject *object)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, object);
  return node;
}

static void
set_int_string (JsonObject *object,
                const char *key,
                gint64      value)
{
  g_autofree char *s = g_strdup_printf ("%" G_GINT64_FORMAT, value);

  json_object_set_string_member (object, key, s);
}

/* Top-level keys upper-cased like array_change_key_case(CASE_UPPER): a later
 * spelling of the same key wins. */
static JsonObject *
upper_case_keys (JsonObject *params)
{
  JsonObject *upper = json_object_new ();
  g_autoptr(GList) members = json_object_get_members (params);

  for (const GList *l = members; l != NULL; l = l->next)
    {
      g_autofree char *key = g_ascii_strup (l->data, -1);

      json_object_set_member (upper, key, json_node_copy (json_object_get_member (params, l->data)));
    }

  return upper;
}

/* Query string, then the body over it (array_replace), §4.2. */
static JsonObject *
request_params (SoupServerMessage *msg)
{
  GUri *uri = soup_server_message_get_uri (msg);
  const char *query = g_uri_get_query (uri);
  JsonObject *params = object_from_form (query ? query : "", query ? strlen (query) : 0);
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
      g_autoptr(JsonNode) node = parse_json_text (data, len);

      /* Invalid JSON silently becomes an empty parameter set. */
      if (node != NULL && is_php_array (node))
        overlay = object_from_php_array (node);
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
          g_autoptr(JsonNode) node = parse_json_text (json, -1);

          overlay = object_from_php_array (node);
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

static void
set_json_body (SoupServerMessage *msg,
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

static JsonNode *
error_node (const char *code,
            const char *description)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "error", code);
  json_object_set_string_member (object, "error_description", description);

  return node_take_object (object);
}

static void
reply_error (SoupServerMessage *msg,
             const ApiError    *error)
{
  g_autoptr(JsonNode) root = error_node (error->code, error->description);

  set_json_body (msg, error->status, root);
}

static JsonObject *
time_object (BotbenchSandbox *self,
             gint64           start_us)
{
  JsonObject *time = json_object_new ();
  gint64 finish_us = MAX (sandbox_now_us (self), start_us);
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

static void
reply_result (BotbenchSandbox   *self,
              SoupServerMessage *msg,
              JsonNode          *result,
              gint64             start_us)
{
  JsonObject *object = json_object_new ();
  g_autoptr(JsonNode) root = NULL;

  json_object_set_member (object, "result", result);
  json_object_set_object_member (object, "time", time_object (self, start_us));
  root = node_take_object (object);

  set_json_body (msg, SOUP_STATUS_OK, root);
}

/* ------------------------------------------------------------------------ */
/* Tokens, owners and users                                                  */

typedef struct
{
  gboolean  webhook;
  gint64    user_id;
  char     *scope;
} Auth;

/* Who owns bots: the OAuth app, or "custom" + CLIENT_ID (§1.9). */
typedef struct
{
  char     *id;
  char     *client_id;
  char     *app_token;
  gboolean  webhook;
} Owner;

static void
owner_clear (Owner *owner)
{
  g_clear_pointer (&owner->id, g_free);
  g_clear_pointer (&owner->client_id, g_free);
  g_clear_pointer (&owner->app_token, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Owner, owner_clear)

static void
owner_init_app (BotbenchSandbox *self,
                Owner           *owner)
{
  owner->webhook = FALSE;
  owner->id = g_strdup (self->client_id);
  owner->client_id = g_strdup (self->client_id);
  owner->app_token = g_strdup (self->app_token);
}

static void
owner_init_webhook (Owner      *owner,
                    const char *client_id)
{
  owner->webhook = TRUE;
  owner->id = g_strconcat ("custom", client_id, NULL);
  owner->client_id = g_strdup (client_id);
  /* Webhook rows carry the raw CLIENT_ID as their application token. */
  owner->app_token = g_strdup (client_id);
}

/* Fills owner from a stored owner id. */
static void
owner_init_from_id (BotbenchSandbox *self,
                    const char      *id,
                    Owner           *owner)
{
  if (g_str_has_prefix (id, "custom") && g_strcmp0 (id, self->client_id) != 0)
    owner_init_webhook (owner, id + strlen ("custom"));
  else
    owner_init_app (self, owner);
}

/* The caller's owner, or ACCESS_DENIED (§1.3 step 2, §1.9). */
static gboolean
resolve_owner (BotbenchSandbox *self,
               const Auth      *auth,
               JsonObject      *params,
               Owner           *owner,
               ApiError        *error)
{
  g_autofree char *client_id = NULL;

  if (!auth->webhook)
    {
      owner_init_app (self, owner);
      return TRUE;
    }

  if (php_empty (param (params, "CLIENT_ID")))
    {
      api_fail (error, SOUP_STATUS_FORBIDDEN, "ACCESS_DENIED", "Access denied! Client ID not specified");
      return FALSE;
    }

  /* (string) of a PHP array is "Array" */
  client_id = param_string (params, "CLIENT_ID");
  owner_init_webhook (owner, client_id ? client_id : "Array");

  return TRUE;
}

static void
issue_token (BotbenchSandbox  *self,
             gint64            user_id,
             const char       *scope,
             char            **access_token,
             char            **refresh_token,
             gint64           *expires)
{
  gint64 now = sandbox_now (self);

  *access_token = botbench_sandbox_random_hex (24);
  *refresh_token = botbench_sandbox_random_hex (24);
  *expires = now + self->run.token_ttl;

  botbench_sandbox_state_exec (self->state,
                               "INSERT INTO tokens (access_token, refresh_token, user_id, scope,"
                               " expires, refresh_expires) VALUES (?, ?, ?, ?, ?, ?)",
                               "ssisii", *access_token, *refresh_token, user_id, scope,
                               *expires, now + (gint64)REFRESH_TTL_SECONDS);
}

static JsonObject *
token_response (BotbenchSandbox *self,
                gint64           user_id)
{
  JsonObject *object = json_object_new ();
  g_autofree char *access_token = NULL;
  g_autofree char *refresh_token = NULL;
  g_autofree char *client_endpoint = g_strconcat (self->base_url, "rest/", NULL);
  gint64 expires;

  issue_token (self, user_id, self->run.scope, &access_token, &refresh_token, &expires);

  json_object_set_string_member (object, "access_token", access_token);
  json_object_set_int_member (object, "expires", expires);
  json_object_set_int_member (object, "expires_in", self->run.token_ttl);
  json_object_set_string_member (object, "scope", self->run.scope);
  json_object_set_string_member (object, "domain", self->domain);
  json_object_set_string_member (object, "server_endpoint", client_endpoint);
  json_object_set_string_member (object, "status", STATUS_LETTER);
  json_object_set_string_member (object, "client_endpoint", client_endpoint);
  json_object_set_string_member (object, "member_id", self->member_id);
  json_object_set_int_member (object, "user_id", user_id);
  json_object_set_string_member (object, "refresh_token", refresh_token);

  return object;
}

static gboolean
is_bot (BotbenchSandbox *self,
        gint64           user_id)
{
  return botbench_sandbox_state_query_int (self->state, 0, "SELECT COUNT(*) FROM bots WHERE id = ?",
                                           "i", user_id) > 0;
}

/* data[USER] (§3.2).  Portal users are synthetic: "User <id>". */
static JsonObject *
user_object (BotbenchSandbox *self,
             gint64           user_id,
             gboolean         with_position,
             gboolean         with_flags)
{
  JsonObject *user = json_object_new ();
  g_autofree char *last_name = g_strdup_printf ("%" G_GINT64_FORMAT, user_id);
  g_autofree char *name = g_strdup_printf ("User %" G_GINT64_FORMAT, user_id);

  set_int_string (user, "ID", user_id);
  json_object_set_string_member (user, "NAME", name);
  json_object_set_string_member (user, "FIRST_NAME", "User");
  json_object_set_string_member (user, "LAST_NAME", last_name);
  if (with_position)
    json_object_set_string_member (user, "WORK_POSITION", "");
  json_object_set_string_member (user, "GENDER", "");
  if (with_flags)
    {
      json_object_set_string_member (user, "IS_BOT", is_bot (self, user_id) ? "Y" : "N");
      json_object_set_string_member (user, "IS_CONNECTOR", "N");
      json_object_set_string_member (user, "IS_NETWORK", "N");
      json_object_set_string_member (user, "IS_EXTRANET", "N");
    }

  return user;
}

/* ------------------------------------------------------------------------ */
/* Handler URLs (§1.4, Bitrix\Rest\HandlerHelper::checkCallback)             */

/* url + "?CLIENT_ID=" or "&CLIENT_ID=", unencoded (§1.9). */
static char *
append_client_id (const char *url,
                  const char *client_id)
{
  return g_strconcat (url, strchr (url, '?') ? "&" : "?", "CLIENT_ID=", client_id, NULL);
}

static void
bind_handler (BotbenchSandbox *self,
              const char      *owner_id,
              const char      *event,
              const char      *url)
{
  /* unbindEvent + bindEvent: a new row id each time (§1.7) */
  botbench_sandbox_state_exec (self->state, "DELETE FROM handlers WHERE owner = ? AND event = ?",
                               "ss", owner_id, event);
  botbench_sandbox_state_exec (self->state, "INSERT INTO handlers (owner, event, url) VALUES (?, ?, ?)",
                               "sss", owner_id, event, url);
}

static void
unbind_handler (BotbenchSandbox *self,
                const char      *owner_id,
                const char      *event)
{
  botbench_sandbox_state_exec (self->state, "DELETE FROM handlers WHERE owner = ? AND event = ?",
                               "ss", owner_id, event);
}

/* ------------------------------------------------------------------------ */
/* Event delivery (§3)                                                       */

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

static void
post_delivered (BotbenchSandbox *self,
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

typedef struct
{
  BotbenchSandbox *self;
  char            *event;
  char            *url;
} Delivery;

static void
delivery_done_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Delivery *delivery = user_data;
  BotbenchSandbox *self = delivery->self;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  guint status;

  body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  status = error == NULL && msg != NULL ? soup_message_get_status (msg) : 0;
  g_debug ("%s delivered with status %u%s%s", delivery->event, status,
           error ? ": " : "", error ? error->message : "");

  /* No retries, as on a real portal (§3.1). */
  post_delivered (self, delivery->event, delivery->url, status);

  g_assert (self->n_deliveries > 0);
  self->n_deliveries--;
  g_free (delivery->event);
  g_free (delivery->url);
  g_free (delivery);
}

/* The handler row of owner for event, or FALSE when none is bound. */
static gboolean
lookup_handler (BotbenchSandbox  *self,
                const char       *owner_id,
                const char       *event,
                gint64           *handler_id,
                char            **url)
{
  sqlite3_stmt *stmt;
  gboolean found = FALSE;

  stmt = botbench_sandbox_state_query (self->state,
                                       "SELECT id, url FROM handlers WHERE owner = ? AND event = ?",
                                       "ss", owner_id, event);
  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      *handler_id = sqlite3_column_int64 (stmt, 0);
      *url = g_strdup ((const char *)sqlite3_column_text (stmt, 1));
      found = TRUE;
    }
  sqlite3_finalize (stmt);

  return found;
}

/* auth[...] of the user who triggered the event (§3.2). */
static JsonObject *
event_auth (BotbenchSandbox *self,
            const Owner     *owner,
            gint64           user_id,
            gboolean         with_refresh)
{
  JsonObject *auth = json_object_new ();
  g_autofree char *endpoint = g_strconcat (self->base_url, "rest/", NULL);

  if (owner->webhook)
    {
      /* Webhook-mode rows have no app to issue tokens for (§1.9, §3.4.8). */
      json_object_set_string_member (auth, "domain", self->domain);
      json_object_set_string_member (auth, "client_endpoint", endpoint);
      json_object_set_string_member (auth, "server_endpoint", endpoint);
      json_object_set_string_member (auth, "member_id", self->member_id);
      json_object_set_string_member (auth, "application_token", owner->app_token);
    }
  else
    {
      g_autofree char *access_token = NULL;
      g_autofree char *refresh_token = NULL;
      gint64 expires;

      issue_token (self, user_id, self->run.scope, &access_token, &refresh_token, &expires);
      json_object_set_string_member (auth, "access_token", access_token);
      set_int_string (auth, "expires", expires);
      set_int_string (auth, "expires_in", self->run.token_ttl);
      json_object_set_string_member (auth, "scope", self->run.scope);
      json_object_set_string_member (auth, "domain", self->domain);
      json_object_set_string_member (auth, "server_endpoint", endpoint);
      json_object_set_string_member (auth, "status", STATUS_LETTER);
      json_object_set_string_member (auth, "client_endpoint", endpoint);
      json_object_set_string_member (auth, "member_id", self->member_id);
      set_int_string (auth, "user_id", user_id);
      if (with_refresh)
        json_object_set_string_member (auth, "refresh_token", refresh_token);
      json_object_set_string_member (auth, "application_token", owner->app_token);
    }

  return auth;
}

/* data[BOT][id] / data[COMMAND][id]: the bot user's credentials, AUTH (a
 * copy), BOT_ID, BOT_CODE; only the last two in webhook mode (§3.2). */
static JsonObject *
bot_entry (BotbenchSandbox *self,
           const Owner     *owner,
           gint64           bot_id,
           const char      *bot_code)
{
  JsonObject *entry = json_object_new ();

  if (!owner->webhook)
    {
      JsonObject *creds = json_object_new ();
      g_autofree char *endpoint = g_strconcat (self->base_url, "rest/", NULL);
      g_autofree char *access_token = NULL;
      g_autofree char *refresh_token = NULL;
      g_autoptr(GList) members = NULL;
      gint64 expires;

      issue_token (self, bot_id, self->run.scope, &access_token, &refresh_token, &expires);
      json_object_set_string_member (creds, "access_token", access_token);
      set_int_string (creds, "expires", expires);
      set_int_string (creds, "expires_in", self->run.token_ttl);
      json_object_set_string_member (creds, "scope", self->run.scope);
      json_object_set_string_member (creds, "domain", self->domain);
      json_object_set_string_member (creds, "server_endpoint", endpoint);
      json_object_set_string_member (creds, "status", STATUS_LETTER);
      json_object_set_string_member (creds, "client_endpoint", endpoint);
      json_object_set_string_member (creds, "member_id", self->member_id);
      json_object_set_string_member (creds, "refresh_token", refresh_token);
      set_int_string (creds, "user_id", bot_id);
      json_object_set_string_member (creds, "client_id", owner->client_id);
      json_object_set_string_member (creds, "application_token", owner->app_token);

      members = json_object_get_members (creds);
      for (const GList *l = members; l != NULL; l = l->next)
        json_object_set_member (entry, l->data, json_node_copy (json_object_get_member (creds, l->data)));
      json_object_set_object_member (entry, "AUTH", creds);
    }

  set_int_string (entry, "BOT_ID", bot_id);
  json_object_set_string_member (entry, "BOT_CODE", bot_code);

  return entry;
}

/* POSTs {event, event_handler_id, data, ts, auth} to the handler; takes
 * data and auth.  Returns FALSE if the message could not be queued. */
static gboolean
send_event (BotbenchSandbox *self,
            const char      *event,
            gint64           handler_id,
            const char      *url,
            JsonObject      *data,
            JsonObject      *auth)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) bytes = NULL;
  JsonObject *object = json_object_new ();
  Delivery *delivery;
  char *body;

  json_object_set_string_member (object, "event", event);
  set_int_string (object, "event_handler_id", handler_id);
  json_object_set_object_member (object, "data", data);
  set_int_string (object, "ts", sandbox_now (self));
  json_object_set_object_member (object, "auth", auth);
  root = node_take_object (object);

  msg = soup_message_new (SOUP_METHOD_POST, url);
  if (msg == NULL)
    {
      post_delivered (self, event, url, 0);
      return FALSE;
    }

  body = botbench_form_encode_json (root);
  bytes = g_bytes_new_take (body, strlen (body));
  soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", bytes);

  delivery = g_new0 (Delivery, 1);
  delivery->self = self;
  delivery->event = g_strdup (event);
  delivery->url = g_strdup (url);
  self->n_deliveries++;

  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT, self->cancellable,
                                    delivery_done_cb, delivery);

  return TRUE;
}

static void
deliver_bot_delete (BotbenchSandbox *self,
                    const Owner     *owner,
                    gint64           bot_id,
                    const char      *bot_code,
                    gint64           user_id)
{
  g_autofree char *url = NULL;
  JsonObject *data;
  gint64 handler_id;

  if (!lookup_handler (self, owner->id, "ONIMBOTDELETE", &handler_id, &url))
    return;

  data = json_object_new ();
  set_int_string (data, "BOT_ID", bot_id);
  json_object_set_string_member (data, "BOT_CODE", bot_code);

  send_event (self, "ONIMBOTDELETE", handler_id, url, data, event_auth (self, owner, user_id, FALSE));
}

/* ------------------------------------------------------------------------ */
/* Chats and messages                                                        */

static gint64
private_chat (BotbenchSandbox *self,
              gint64           a,
              gint64           b)
{
  gint64 lo = MIN (a, b), hi = MAX (a, b);
  gint64 id;

  id = botbench_sandbox_state_query_int (self->state, 0,
                                         "SELECT id FROM chats WHERE type = 'P' AND user_a = ? AND user_b = ?",
                                         "ii", lo, hi);
  if (id > 0)
    return id;

  botbench_sandbox_state_exec (self->state,
                               "INSERT INTO chats (type, title, author_id, user_a, user_b) VALUES ('P', '', ?, ?, ?)",
                               "iii", a, lo, hi);
  id = botbench_sandbox_state_last_insert_id (self->state);
  botbench_sandbox_state_exec (self->state, "INSERT OR IGNORE INTO chat_members VALUES (?, ?), (?, ?)",
                               "iiii", id, lo, id, hi);
  return id;
}

static gboolean
chat_exists (BotbenchSandbox *self,
             gint64           chat_id)
{
  return botbench_sandbox_state_query_int (self->state, 0,
                                           "SELECT COUNT(*) FROM chats WHERE id = ? AND type = 'C'",
                                           "i", chat_id) > 0;
}

static gboolean
chat_has_member (BotbenchSandbox *self,
                 gint64           chat_id,
                 gint64           user_id)
{
  return botbench_sandbox_state_query_int (self->state, 0,
                                           "SELECT COUNT(*) FROM chat_members WHERE chat_id = ? AND user_id = ?",
                                           "ii", chat_id, user_id) > 0;
}

/* Group chat chatN, created on first use with author as its first member.
 * Chat ids are shared with private dialogs, as on a portal, so chatN of a
 * private dialog is refused. */
static gboolean
ensure_group_chat (BotbenchSandbox *self,
                   gint64           chat_id,
                   gint64           author_id,
                   ApiError        *error)
{
  if (botbench_sandbox_state_query_int (self->state, 0,
                                        "SELECT COUNT(*) FROM chats WHERE id = ? AND type = 'P'",
                                        "i", chat_id) > 0)
    return api_refuse (error, SOUP_STATUS_BAD_REQUEST, "DIALOG_ID_ERROR",
                       "This chat is a private dialog; address it by user id");

  if (!chat_exists (self, chat_id))
    {
      g_autofree char *title = g_strdup_printf ("Chat %" G_GINT64_FORMAT, chat_id);

      botbench_sandbox_state_exec (self->state,
                                   "INSERT INTO chats (id, type, title, author_id) VALUES (?, 'C', ?, ?)",
                                   "isi", chat_id, title, author_id);
    }
  botbench_sandbox_state_exec (self->state, "INSERT OR IGNORE INTO chat_members VALUES (?, ?)",
                               "ii", chat_id, author_id);
  return TRUE;
}

static gint64
add_message (BotbenchSandbox *self,
             gint64           chat_id,
             gint64           author_id,
             const char      *text,
             gboolean         system)
{
  botbench_sandbox_state_exec (self->state,
                               "INSERT INTO messages (chat_id, author_id, text, system, created) VALUES (?, ?, ?, ?, ?)",
                               "iissi", chat_id, author_id, text, system ? "Y" : "N", sandbox_now (self));
  return botbench_sandbox_state_last_insert_id (self->state);
}

/* "chat12" → 12; 0 if dialog is not a chat. */
static gint64
dialog_chat_id (const char *dialog)
{
  if (dialog == NULL || g_ascii_strncasecmp (dialog, "chat", 4) != 0)
    return 0;

  return MAX (g_ascii_strtoll (dialog + 4, NULL, 10), 0);
}

/* ------------------------------------------------------------------------ */
/* imbot.* methods                                                           */

typedef JsonNode *(*MethodFunc) (BotbenchSandbox *self,
                                 const Auth      *auth,
                                 JsonObject      *params,
                                 ApiError        *error);

/* The bot's owner id and code; FALSE if there is no such bot. */
static gboolean
lookup_bot (BotbenchSandbox  *self,
            gint64            bot_id,
            char            **owner_id,
            char            **code)
{
  sqlite3_stmt *stmt;
  gboolean found = FALSE;

  if (bot_id <= 0)
    return FALSE;

  stmt = botbench_sandbox_state_query (self->state, "SELECT owner, code FROM bots WHERE id = ?", "i", bot_id);
  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      if (owner_id)
        *owner_id = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
      if (code)
        *code = g_strdup ((const char *)sqlite3_column_text (stmt, 1));
      found = TRUE;
    }
  sqlite3_finalize (stmt);

  return found;
}

/* BOT_ID_ERROR / APP_ID_ERROR (§2.1). */
static gboolean
check_bot_owner (BotbenchSandbox  *self,
                 gint64            bot_id,
                 const Owner      *owner,
                 char            **code,
                 ApiError         *error)
{
  g_autofree char *bot_owner = NULL;

  if (!lookup_bot (self, bot_id, &bot_owner, code))
    return api_refuse (error, SOUP_STATUS_BAD_REQUEST, "BOT_ID_ERROR", "Bot not found");

  if (g_strcmp0 (bot_owner, owner->id) != 0)
    {
      if (code)
        g_clear_pointer (code, g_free);
      return api_refuse (error, SOUP_STATUS_BAD_REQUEST, "APP_ID_ERROR",
                         "Bot was installed by another rest application");
    }

  return TRUE;
}

static gboolean
birthday_is_valid (const char *value)
{
  g_autoptr(GRegex) regex = g_regex_new ("^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}$", 0, 0, NULL);

  return g_regex_match (regex, value, 0, NULL);
}

static gboolean
email_is_valid (const char *value)
{
  g_autoptr(GRegex) regex = g_regex_new ("^[^@\\s]+@[^@\\s]+\\.[^@\\s.]+$", 0, 0, NULL);

  return g_regex_match (regex, value, 0, NULL);
}

static guint32
read_le (const guchar *p,
         guint         n)
{
  guint32 v = 0;

  for (guint i = n; i > 0; i--)
    v = (v << 8) | p[i - 1];
  return v;
}

static guint32
read_be32 (const guchar *p)
{
  return ((guint32)p[0] << 24) | ((guint32)p[1] << 16) | ((guint32)p[2] << 8) | p[3];
}

typedef enum
{
  PHOTO_NONE,       /* nothing usable: dropped silently (§1.8) */
  PHOTO_OK,
  PHOTO_BAD_NAME,   /* an image whose file name CUser::Add refuses */
} PhotoCheck;

/* CRestUtil::saveFile + getimagesize + CFile::CheckImageFile, §1.8. */
static PhotoCheck
check_photo (JsonNode   *value,
             const char *code)
{
  static const char *extensions[] = { "jpg", "bmp", "jpeg", "jpe", "gif", "png", "webp" };
  g_autofree char *name = NULL;
  g_autofree char *content = NULL;
  g_autoptr(GString) filtered = NULL;
  g_autofree guchar *bytes = NULL;
  gsize len = 0;
  guint32 width = 0, height = 0;
  const char *dot;
  gboolean name_ok = FALSE;

  if (value == NULL)
    return PHOTO_NONE;

  if (is_php_array (value))
    {
      g_autoptr(JsonObject) array = object_from_php_array (value);
      g_autoptr(GList) values = json_object_get_values (array);

      if (g_list_length (values) < 2)
        return PHOTO_NONE;
      name = php_string (values->data);
      content = php_string (values->next->data);
    }
  else
    {
      content = php_string (value);
      name = g_strconcat (code, ".png", NULL);
    }

  if (content == NULL || *content == '\0' || g_str_equal (content, "false"))
    return PHOTO_NONE;

  /* PHP's non-strict base64_decode skips everything outside the alphabet. */
  filtered = g_string_new (NULL);
  for (const char *p = content; *p != '\0'; p++)
    if (g_ascii_isalnum (*p) || *p == '+' || *p == '/')
      g_string_append_c (filtered, *p);
  while (filtered->len % 4 != 0)
    g_string_append_c (filtered, '=');
  bytes = g_base64_decode (filtered->str, &len);

  if (len >= 24 && memcmp (bytes, "\x89PNG\r\n\x1a\n", 8) == 0)
    {
      width = read_be32 (bytes + 16);
      height = read_be32 (bytes + 20);
    }
  else if (len >= 10 && (memcmp (bytes, "GIF87a", 6) == 0 || memcmp (bytes, "GIF89a", 6) == 0))
    {
      width = read_le (bytes + 6, 2);
      height = read_le (bytes + 8, 2);
    }
  else if (len >= 26 && bytes[0] == 'B' && bytes[1] == 'M')
    {
      width = read_le (bytes + 18, 4);
      height = ABS ((gint32)read_le (bytes + 22, 4));
    }
  else if (len >= 4 && bytes[0] == 0xff && bytes[1] == 0xd8 && bytes[2] == 0xff)
    width = height = 1;   /* JPEG: size not parsed; taken as valid */
  else if (len >= 16 && memcmp (bytes, "RIFF", 4) == 0 && memcmp (bytes + 8, "WEBP", 4) == 0)
    width = height = 1;   /* WEBP: likewise */

  if (width == 0 || height == 0 || width > 5000 || height > 5000)
    return PHOTO_NONE;

  dot = name ? strrchr (name, '.') : NULL;
  for (guint i = 0; dot != NULL && i < G_N_ELEMENTS (extensions); i++)
    if (g_ascii_strcasecmp (dot + 1, extensions[i]) == 0)
      name_ok = TRUE;

  return name_ok ? PHOTO_OK : PHOTO_BAD_NAME;
}

static gboolean
node_isset (JsonNode *node)
{
  return node != NULL && !JSON_NODE_HOLDS_NULL (node);
}

static char *
prop_string (JsonNode   *props,
             const char *key)
{
  return php_string (php_array_get (props, key));
}

/* imbot.register, §1.3 in order. */
static JsonNode *
method_register (BotbenchSandbox *self,
                 const Auth      *auth,
                 JsonObject      *params,
                 ApiError        *error)
{
  g_auto(Owner) owner = { 0 };
  char *urls[G_N_ELEMENTS (handler_params)] = { NULL, };
  g_autofree char *code = NULL;
  g_autofree char *type = NULL;
  g_autofree char *birthday = NULL;
  g_autofree char *email = NULL;
  JsonNode *props;
  JsonNode *result = NULL;
  gboolean openline;
  PhotoCheck photo;
  gint64 bot_id;

  if (!resolve_owner (self, auth, params, &owner, error))
    return NULL;

  /* 3: EVENT_HANDLER overrides all five */
  if (!php_empty (param (params, "EVENT_HANDLER")))
    for (guint i = 0; i < G_N_ELEMENTS (handler_params); i++)
      json_object_set_member (params, handler_params[i].param,
                              json_node_copy (param (params, "EVENT_HANDLER")));

  /* 4–8 */
  for (guint i = 0; i < G_N_ELEMENTS (handler_params); i++)
    {
      g_autofree char *value = param_string (params, handler_params[i].param);
      const char *problem;

      if (php_empty (param (params, handler_params[i].param)))
        {
          if (handler_params[i].missing != NULL)
            {
              api_fail (error, SOUP_STATUS_BAD_REQUEST, handler_params[i].error, handler_params[i].missing);
              goto out;
            }
          continue;
        }

      urls[i] = owner.webhook ? append_client_id (value ? value : "", owner.client_id) : g_strdup (value ? value : "");
      if ((problem = botbench_bot_check_handler_url (urls[i])) != NULL)
        {
          api_fail (error, SOUP_STATUS_BAD_REQUEST, handler_params[i].error, problem);
          goto out;
        }
    }

  /* 9 */
  if (php_empty (param (params, "CODE")))
    {
      api_fail (error, SOUP_STATUS_BAD_REQUEST, "CODE_ERROR", "Bot code isn't specified");
      goto out;
    }
  code = param_string (params, "CODE");
  if (code == NULL)
    code = g_strdup ("Array");

  /* 10: before the CODE dedupe, so even a re-register fails at the limit */
  if (self->run.bot_limit > 0 &&
      botbench_sandbox_state_query_int (self->state, 0, "SELECT COUNT(*) FROM bots WHERE owner = ?",
                                        "s", owner.id) >= self->run.bot_limit)
    {
      g_autofree char *message = g_strdup_printf ("Has reached the maximum number of bots for application (max: %u)",
                                                  self->run.bot_limit);

      api_fail (error, SOUP_STATUS_BAD_REQUEST, "MAX_COUNT_ERROR", message);
      goto out;
    }

  /* 11 */
  type = param_string (params, "TYPE");
  if (type == NULL || !(g_str_equal (type, "O") || g_str_equal (type, "B") ||
                        g_str_equal (type, "H") || g_str_equal (type, "S")))
    {
      g_free (type);
      type = g_strdup ("B");
    }
  openline = param_is_y (params, "OPENLINE") || g_str_equal (type, "O");
  if (!(g_str_equal (type, "S") || g_str_equal (type, "O") || openline))
    {
      g_clear_pointer (&urls[1], g_free);
      g_clear_pointer (&urls[2], g_free);
    }

  /* 12 */
  props = param (params, "PROPERTIES");
  if (!is_php_array (props) ||
      (!node_isset (php_array_get (props, "NAME")) && !node_isset (php_array_get (props, "LAST_NAME"))))
    {
      api_fail (error, SOUP_STATUS_BAD_REQUEST, "NAME_ERROR", "Bot name isn't specified");
      goto out;
    }

  /* 13 [inf]: Bitrix\Main\Type\DateTime throws, REST reports ERROR_CORE */
  if (node_isset (php_array_get (props, "PERSONAL_BIRTHDAY")))
    {
      birthday = prop_string (props, "PERSONAL_BIRTHDAY");
      if (birthday == NULL || !birthday_is_valid (birthday))
        {
          g_autofree char *message = g_strdup_printf ("Incorrect date/time: %s 19:45:00", birthday ? birthday : "Array");

          api_fail (error, SOUP_STATUS_BAD_REQUEST, "ERROR_CORE", message);
          goto out;
        }
    }

  /* 14, 15: a bad photo is dropped; CUser::Add refusals fail the call */
  photo = check_photo (php_array_get (props, "PERSONAL_PHOTO"), code);
  email = prop_string (props, "EMAIL");
  if (photo == PHOTO_BAD_NAME || (email != NULL && *email != '\0' && !email_is_valid (email)))
    {
      api_fail (error, SOUP_STATUS_BAD_REQUEST, "WRONG_REQUEST", "Bot can't be created");
      goto out;
    }

  /* §1.6: the same CODE anywhere on the portal returns that bot, unchanged */
  bot_id = botbench_sandbox_state_query_int (self->state, 0, "SELECT id FROM bots WHERE code = ?", "s", code);
  if (bot_id == 0)
    {
      g_autofree char *name = prop_string (props, "NAME");
      g_autofree char *last_name = prop_string (props, "LAST_NAME");
      g_autofree char *color = prop_string (props, "COLOR");
      g_autofree char *position = prop_string (props, "WORK_POSITION");
      g_autofree char *www = prop_string (props, "PERSONAL_WWW");
      g_autofree char *gender = prop_string (props, "PERSONAL_GENDER");

      if (gender != NULL && !g_str_equal (gender, "M") && !g_str_equal (gender, "F"))
        g_clear_pointer (&gender, g_free);
      if (position == NULL || *g_strstrip (position) == '\0')
        {
          g_free (position);
          position = g_strdup ("Chat bot");
        }

      bot_id = botbench_sandbox_state_next_id (self->state, "next_user_id", FIRST_BOT_ID);
      botbench_sandbox_state_exec (self->state,
                                   "INSERT INTO bots (id, code, owner, webhook, app_token, client_id, type,"
                                   " openline, name, last_name, color, email, birthday, work_position, www,"
                                   " gender, has_avatar, created)"
                                   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                   "isssssssssssssssii",
                                   bot_id, code, owner.id, owner.webhook ? "1" : "0", owner.app_token,
                                   owner.client_id, type, openline ? "Y" : "N", name ? name : "",
                                   last_name ? last_name : "", color, email, birthday, position, www,
                                   gender ? gender : "", (gint64)(photo == PHOTO_OK), sandbox_now (self));
    }

  /* 16, §1.7: one handler set per owner, rebound on every success */
  for (guint i = 0; i < G_N_ELEMENTS (handler_params); i++)
    if (urls[i] != NULL)
      bind_handler (self, owner.id, handler_params[i].event, urls[i]);

  result = node_int (bot_id);

out:
  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    g_free (urls[i]);

  return result;
}

static void
delete_bot (BotbenchSandbox *self,
            gint64           bot_id)
{
  botbench_sandbox_state_exec (self->state,
                               "DELETE FROM messages WHERE chat_id IN"
                               " (SELECT id FROM chats WHERE type = 'P' AND (user_a = ?1 OR user_b = ?1))",
                               "i", bot_id);
  botbench_sandbox_state_exec (self->state,
                               "DELETE FROM chat_members WHERE chat_id IN"
                               " (SELECT id FROM chats WHERE type = 'P' AND (user_a = ?1 OR user_b = ?1))",
                               "i", bot_id);
  botbench_sandbox_state_exec (self->state,
                               "DELETE FROM chats WHERE type = 'P' AND (user_a = ?1 OR user_b = ?1)",
                               "i", bot_id);
  botbench_sandbox_state_exec (self->state, "DELETE FROM chat_members WHERE user_id = ?", "i", bot_id);
  botbench_sandbox_state_exec (self->state, "DELETE FROM commands WHERE bot_id = ?", "i", bot_id);
  botbench_sandbox_state_exec (self->state, "DELETE FROM bots WHERE id = ?", "i", bot_id);
}

/* imbot.unregister, §2.1 */
static JsonNode *
method_unregister (BotbenchSandbox *self,
                   const Auth      *auth,
                   JsonObject      *params,
                   ApiError        *error)
{
  g_auto(Owner) owner = { 0 };
  g_autofree char *code = NULL;
  gint64 bot_id;

  if (!resolve_owner (self, auth, params, &owner, error))
    return NULL;

  bot_id = php_intval (param (params, "BOT_ID"));
  if (!check_bot_owner (self, bot_id, &owner, &code, error))
    return NULL;

  /* The handler rows still exist when ONIMBOTDELETE fires. */
  deliver_bot_delete (self, &owner, bot_id, code, auth->user_id);
  delete_bot (self, bot_id);

  if (owner.webhook)
    {
      /* Webhook mode unbinds all five, even if bots remain [inf]. */
      for (guint i = 0; i < G_N_ELEMENTS (handler_params); i++)
        unbind_handler (self, owner.id, handler_params[i].event);
    }
  else if (botbench_sandbox_state_query_int (self->state, 0, "SELECT COUNT(*) FROM bots WHERE owner = ?",
                                             "s", owner.id) == 0)
    {
      unbind_handler (self, owner.id, "ONIMBOTMESSAGEADD");
      unbind_handler (self, owner.id, "ONIMBOTJOINCHAT");
      unbind_handler (self, owner.id, "ONIMBOTDELETE");
    }

  return node_bool (TRUE);
}

/* imbot.update, §2.2 */
static JsonNode *
method_update (BotbenchSandbox *self,
               const Auth      *auth,
               JsonObject      *params,
               ApiError        *error)
{
  static const struct { const char *key; const char *column; } columns[] = {
    { "NAME", "name" }, { "LAST_NAME", "last_name" }, { "COLOR", "color" }, { "EMAIL", "email" },
    { "PERSONAL_BIRTHDAY", "birthday" }, { "WORK_POSITION", "work_position" },
    { "PERSONAL_WWW", "www" }, { "PERSONAL_GENDER", "gender" },
  };
  g_auto(Owner) owner = { 0 };
  char *urls[G_N_ELEMENTS (handler_params)] = { NULL, };
  g_autoptr(JsonObject) fields = NULL;
  g_autofree char *code = NULL;
  g_autofree char *new_code = NULL;
  JsonNode *fields_node;
  JsonNode *props;
  JsonNode *result = NULL;
  gboolean changed = FALSE;
  gint64 bot_id;

  if (!resolve_owner (self, auth, params, &owner, error))
    return NULL;

  bot_id = php_intval (param (params, "BOT_ID"));
  if (!check_bot_owner (self, bot_id, &owner, &code, error))
    return NULL;

  fields_node = param (params, "FIELDS");
  fields = object_from_php_array (is_php_array (fields_node) ? fields_node : NULL);

  if (!php_empty (param (fields, "EVENT_HANDLER")))
    for (guint i = 0; i < G_N_ELEMENTS (handler_params); i++)
      json_object_set_member (fields, handler_params[i].param, json_node_copy (param (fields, "EVENT_HANDLER")));

  for (guint i = 0; i < G_N_ELEMENTS (handler_params); i++)
    {
      g_autofree char *value = NULL;
      const char *problem;

      if (php_empty (param (fields, handler_params[i].param)))
        continue;

      /* The check runs on the URL without CLIENT_ID; the stored one has it. */
      value = param_string (fields, handler_params[i].param);
      if ((problem = botbench_bot_check_handler_url (value ? value : "")) != NULL)
        {
          api_fail (error, SOUP_STATUS_BAD_REQUEST, handler_params[i].error, problem);
          goto out;
        }
      urls[i] = owner.webhook ? append_client_id (value, owner.client_id) : g_strdup (value);
      changed = TRUE;
    }

  if (!php_empty (param (fields, "CODE")))
    {
      new_code = param_string (fields, "CODE");
      changed = TRUE;
    }

  props = param (fields, "PROPERTIES");
  if (is_php_array (props))
    {
      JsonNode *name = php_array_get (props, "NAME");
      JsonNode *last_name = php_array_get (props, "LAST_NAME");

      if (node_isset (name) && node_isset (last_name) && php_empty (name) && php_empty (last_name))
        {
          api_fail (error, SOUP_STATUS_BAD_REQUEST, "NAME_ERROR", "Bot name isn't specified");
          goto out;
        }

      for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
        if (node_isset (php_array_get (props, columns[i].key)))
          changed = TRUE;
      if (check_photo (php_array_get (props, "PERSONAL_PHOTO"), code) == PHOTO_OK)
        changed = TRUE;
    }

  if (!changed)
    {
      api_fail (error, SOUP_STATUS_BAD_REQUEST, "WRONG_REQUEST", "Update fields can't be empty");
      goto out;
    }

  if (new_code != NULL)
    botbench_sandbox_state_exec (self->state, "UPDATE bots SET code = ? WHERE id = ?", "si", new_code, bot_id);

  for (guint i = 0; is_php_array (props) && i < G_N_ELEMENTS (columns); i++)
    {
      g_autofree char *value = prop_string (props, columns[i].key);
      g_autofree char *sql = NULL;

      if (value == NULL)
        continue;
      /* Bot::update ignores an empty NAME and resets an empty WORK_POSITION. */
      if (g_str_equal (columns[i].key, "NAME") && *value == '\0')
        continue;
      if (g_str_equal (columns[i].key, "WORK_POSITION") && *g_strstrip (value) == '\0')
        {
          g_free (value);
          value = g_strdup ("Chat bot");
        }

      sql = g_strdup_printf ("UPDATE bots SET %s = ? WHERE id = ?", columns[i].column);
      botbench_sandbox_state_exec (self->state, sql, "si", value, bot_id);
    }
  if (is_php_array (props) && check_photo (php_array_get (props, "PERSONAL_PHOTO"), code) == PHOTO_OK)
    botbench_sandbox_state_exec (self->state, "UPDATE bots SET has_avatar = 1 WHERE id = ?", "i", bot_id);

  for (guint i = 0; i < G_N_ELEMENTS (handler_params); i++)
    if (urls[i] != NULL)
      bind_handler (self, owner.id, handler_params[i].event, urls[i]);

  result = node_bool (TRUE);

out:
  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    g_free (urls[i]);

  return result;
}

/* imbot.bot.list, §2.3: every bot of the portal, keyed by id. */
static JsonNode *
method_bot_list (BotbenchSandbox *self,
                 const Auth      *auth,
                 JsonObject      *params,
                 ApiError        *error)
{
  g_autoptr(JsonObject) list = json_object_new ();
  sqlite3_stmt *stmt;

  stmt = botbench_sandbox_state_query (self->state,
                                       "SELECT id, trim(name || ' ' || last_name), code, openline"
                                       " FROM bots ORDER BY id", NULL);
  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      JsonObject *bot = json_object_new ();
      g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT, (gint64)sqlite3_column_int64 (stmt, 0));

      json_object_set_int_member (bot, "ID", sqlite3_column_int64 (stmt, 0));
      json_object_set_string_member (bot, "NAME", (const char *)sqlite3_column_text (stmt, 1));
      json_object_set_string_member (bot, "CODE", (const char *)sqlite3_column_text (stmt, 2));
      json_object_set_string_member (bot, "OPENLINE", (const char *)sqlite3_column_text (stmt, 3));
      json_object_set_object_member (list, key, bot);
    }
  sqlite3_finalize (stmt);

  /* PHP prints an empty array as [] */
  return php_array_node (list);
}

/* ATTACH / KEYBOARD / MENU: an array, or a JSON string holding one. */
static gboolean
rich_param_ok (JsonObject *params,
               const char *key)
{
  JsonNode *node = param (params, key);
  g_autoptr(JsonNode) parsed = NULL;

  if (php_empty (node) || is_php_array (node))
    return TRUE;
  if (json_node_get_value_type (node) != G_TYPE_STRING)
    return FALSE;

  parsed = parse_json_text (json_node_get_string (node), -1);
  return parsed != NULL && is_php_array (parsed);
}

/* ATTACH_ERROR, KEYBOARD_ERROR, MENU_ERROR in that order (§2.4). */
static gboolean
check_rich_params (JsonObject *params,
                   ApiError   *error)
{
  if (!rich_param_ok (params, "ATTACH"))
    return api_refuse (error, SOUP_STATUS_BAD_REQUEST, "ATTACH_ERROR", "Incorrect attach params");
  if (!rich_param_ok (params, "KEYBOARD"))
    return api_refuse (error, SOUP_STATUS_BAD_REQUEST, "KEYBOARD_ERROR", "Incorrect keyboard params");
  if (!rich_param_ok (params, "MENU"))
    return api_refuse (error, SOUP_STATUS_BAD_REQUEST, "MENU_ERROR", "Incorrect menu params");
  return TRUE;
}

/* imbot.message.add, §2.4 */
static JsonNode *
method_message_add (BotbenchSandbox *self,
                    const Auth      *auth,
                    JsonObject      *params,
                    ApiError        *error)
{
  g_auto(Owner) owner = { 0 };
  g_autofree char *dialog = NULL;
  g_autofree char *message = NULL;
  gint64 bot_id;
  gint64 from_user, to_user;
  gint64 chat_id = 0;
  gboolean system;

  if (!resolve_owner (self, auth, params, &owner, error))
    return NULL;

  if (php_empty (param (params, "BOT_ID")))
    {
      bot_id = botbench_sandbox_state_query_int (self->state, 0,
                                                 "SELECT id FROM bots WHERE owner = ? ORDER BY id LIMIT 1",
                                                 "s", owner.id);
      if (bot_id == 0)
        return api_fail (error, SOUP_STATUS_BAD_REQUEST, "BOT_ID_ERROR", "Bot not found");
    }
  else
    {
      bot_id = php_intval (param (params, "BOT_ID"));
      if (!check_bot_owner (self, bot_id, &owner, NULL, error))
        return NULL;
    }

  system = param_is_y (params, "SYSTEM");
  from_user = php_intval (param (params, "FROM_USER_ID"));
  to_user = php_intval (param (params, "TO_USER_ID"));
  if (from_user > 0 && to_user > 0)
    {
      system = TRUE;
      chat_id = -1;
    }
  else
    {
      dialog = param_trimmed (params, "DIALOG_ID");
      if (dialog_chat_id (dialog) == 0 && g_ascii_strtoll (dialog, NULL, 10) <= 0)
        return api_fail (error, SOUP_STATUS_BAD_REQUEST, "DIALOG_ID_EMPTY", "Dialog ID can't be empty");
    }

  message = param_trimmed (params, "MESSAGE");
  if (*message == '\0')
    return api_fail (error, SOUP_STATUS_BAD_REQUEST, "MESSAGE_EMPTY", "Message can't be empty");

  if (!check_rich_params (params, error))
    return NULL;

  if (chat_id == -1)
    chat_id = private_chat (self, from_user, to_user);
  else if (dialog_chat_id (dialog) > 0)
    {
      chat_id = dialog_chat_id (dialog);
      if (!chat_exists (self, chat_id) || !chat_has_member (self, chat_id, bot_id))
        return api_fail (error, SOUP_STATUS_BAD_REQUEST, "WRONG_REQUEST", "Message isn't added");
    }
  else
    chat_id = private_chat (self, bot_id, g_ascii_strtoll (dialog, NULL, 10));

  return node_int (add_message (self, chat_id, from_user > 0 && to_user > 0 ? from_user : bot_id,
                                message, system));
}

typedef struct
{
  gint64  id;
  gint64  bot_id;
  char   *owner;
  char   *command;
} Command;

static void
command_clear (Command *command)
{
  g_clear_pointer (&command->owner, g_free);
  g_clear_pointer (&command->command, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Command, command_clear)

static gboolean
command_from_stmt (sqlite3_stmt *stmt,
                   Command      *command)
{
  gboolean found = FALSE;

  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      command->id = sqlite3_column_int64 (stmt, 0);
      command->bot_id = sqlite3_column_int64 (stmt, 1);
      command->owner = g_strdup ((const char *)sqlite3_column_text (stmt, 2));
      command->command = g_strdup ((const char *)sqlite3_column_text (stmt, 3));
      found = TRUE;
    }
  sqlite3_finalize (stmt);

  return found;
}

#define COMMAND_COLUMNS "SELECT id, bot_id, owner, command FROM commands "

/* COMMAND_ID_ERROR / APP_ID_ERROR of the command methods (§2.5). */
static gboolean
check_command_owner (BotbenchSandbox *self,
                     gint64           command_id,
                     const Owner     *owner,
                     Command         *command,
                     ApiError        *error)
{
  if (command_id <= 0 ||
      !command_from_stmt (botbench_sandbox_state_query (self->state, COMMAND_COLUMNS "WHERE id = ?",
                                                        "i", command_id), command))
    return api_refuse (error, SOUP_STATUS_BAD_REQUEST, "COMMAND_ID_ERROR", "Command not found");

  if (g_strcmp0 (command->owner, owner->id) != 0)
    return api_refuse (error, SOUP_STATUS_BAD_REQUEST, "APP_ID_ERROR",
                       "Command was installed by another rest application");

  return TRUE;
}

static gboolean
check_command_handler (JsonObject  *params,
                       const Owner *owner,
                       gboolean     required,
                       char       **url,
                       ApiError    *error)
{
  g_autofree char *value = NULL;
  const char *problem;

  if (php_empty (param (params, "EVENT_COMMAND_ADD")))
    {
      if (required)
        return api_refuse (error, SOUP_STATUS_BAD_REQUEST, "EVENT_COMMAND_ADD_ERROR",
                           "Handler for \"Command add\" event isn't specified");
      return TRUE;
    }

  value = param_string (params, "EVENT_COMMAND_ADD");
  *url = owner->webhook ? append_client_id (value, owner->client_id) : g_strdup (value);
  if ((problem = botbench_bot_check_handler_url (*url)) != NULL)
    {
      g_clear_pointer (url, g_free);
      return api_refuse (error, SOUP_STATUS_BAD_REQUEST, "EVENT_COMMAND_ADD_ERROR", problem);
    }

  return TRUE;
}

/* imbot.command.register, §2.5 */
static JsonNode *
method_command_register (BotbenchSandbox *self,
                         const Auth      *auth,
                         JsonObject      *params,
                         ApiError        *error)
{
  g_auto(Owner) owner = { 0 };
  g_autofree char *url = NULL;
  g_autofree char *command = NULL;
  g_autofree char *lang = NULL;
  gint64 bot_id;
  gint64 command_id;

  if (!resolve_owner (self, auth, params, &owner, error))
    return NULL;
  if (!check_command_handler (params, &owner, TRUE, &url, error))
    return NULL;

  command = param_trimmed (params, "COMMAND");
  if (*command == '\0')
    return api_fail (error, SOUP_STATUS_BAD_REQUEST, "COMMAND_ERROR", "Command isn't specified");

  bot_id = php_intval (param (params, "BOT_ID"));
  if (!check_bot_owner (self, bot_id, &owner, NULL, error))
    return NULL;

  if (php_empty (param (params, "LANG")) || !is_php_array (param (params, "LANG")))
    return api_fail (error, SOUP_STATUS_BAD_REQUEST, "LANG_ERROR", "Lang set can't be empty");
  lang = json_to_string (param (params, "LANG"), FALSE);

  /* The same command of the same bot is updated in place [inf]. */
  command_id = botbench_sandbox_state_query_int (self->state, 0,
                                                 "SELECT id FROM commands WHERE bot_id = ? AND command = ?",
                                                 "is", bot_id, command);
  if (command_id > 0)
    botbench_sandbox_state_exec (self->state,
                                 "UPDATE commands SET common = ?, hidden = ?, extranet = ?, lang = ? WHERE id = ?",
                                 "ssssi", param_is_y (params, "COMMON") ? "Y" : "N",
                                 param_is_y (params, "HIDDEN") ? "Y" : "N",
                                 param_is_y (params, "EXTRANET_SUPPORT") ? "Y" : "N", lang, command_id);
  else
    {
      botbench_sandbox_state_exec (self->state,
                                   "INSERT INTO commands (bot_id, owner, command, common, hidden, extranet, lang)"
                                   " VALUES (?, ?, ?, ?, ?, ?, ?)",
                                   "issssss", bot_id, owner.id, command,
                                   param_is_y (params, "COMMON") ? "Y" : "N",
                                   param_is_y (params, "HIDDEN") ? "Y" : "N",
                                   param_is_y (params, "EXTRANET_SUPPORT") ? "Y" : "N", lang);
      command_id = botbench_sandbox_state_last_insert_id (self->state);
    }

  bind_handler (self, owner.id, "ONIMCOMMANDADD", url);

  return node_int (command_id);
}

static JsonNode *
method_command_unregister (BotbenchSandbox *self,
                           const Auth      *auth,
                           JsonObject      *params,
                           ApiError        *error)
{
  g_auto(Owner) owner = { 0 };
  g_auto(Command) command = { 0 };

  if (!resolve_owner (self, auth, params, &owner, error) ||
      !check_command_owner (self, php_intval (param (params, "COMMAND_ID")), &owner, &command, error))
    return NULL;

  botbench_sandbox_state_exec (self->state, "DELETE FROM commands WHERE id = ?", "i", command.id);

  return node_bool (TRUE);
}

static JsonNode *
method_command_update (BotbenchSandbox *self,
                       const Auth      *auth,
                       JsonObject      *params,
                       ApiError        *error)
{
  static const struct { const char *key; const char *column; } flags[] = {
    { "COMMON", "common" }, { "HIDDEN", "hidden" }, { "EXTRANET_SUPPORT", "extranet" },
  };
  g_auto(Owner) owner = { 0 };
  g_auto(Command) command = { 0 };
  g_autoptr(JsonObject) fields = NULL;
  g_autofree char *url = NULL;
  g_autofree char *new_command = NULL;
  gboolean changed = FALSE;

  if (!resolve_owner (self, auth, params, &owner, error) ||
      !check_command_owner (self, php_intval (param (params, "COMMAND_ID")), &owner, &command, error))
    return NULL;

  fields = object_from_php_array (is_php_array (param (params, "FIELDS")) ? param (params, "FIELDS") : NULL);
  if (!check_command_handler (fields, &owner, FALSE, &url, error))
    return NULL;
  changed = url != NULL;

  new_command = param_trimmed (fields, "COMMAND");
  if (*new_command != '\0')
    {
      botbench_sandbox_state_exec (self->state, "UPDATE commands SET command = ? WHERE id = ?",
                                   "si", new_command, command.id);
      changed = TRUE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (flags); i++)
    if (node_isset (param (fields, flags[i].key)))
      {
        g_autofree char *sql = g_strdup_printf ("UPDATE commands SET %s = ? WHERE id = ?", flags[i].column);

        botbench_sandbox_state_exec (self->state, sql, "si",
                                     param_is_y (fields, flags[i].key) ? "Y" : "N", command.id);
        changed = TRUE;
      }
  if (is_php_array (param (fields, "LANG")) && !php_empty (param (fields, "LANG")))
    {
      g_autofree char *lang = json_to_string (param (fields, "LANG"), FALSE);

      botbench_sandbox_state_exec (self->state, "UPDATE commands SET lang = ? WHERE id = ?", "si", lang, command.id);
      changed = TRUE;
    }

  if (!changed)
    return api_fail (error, SOUP_STATUS_BAD_REQUEST, "WRONG_REQUEST", "Update fields can't be empty");

  if (url != NULL)
    bind_handler (self, owner.id, "ONIMCOMMANDADD", url);

  return node_bool (TRUE);
}

static JsonNode *
method_command_answer (BotbenchSandbox *self,
                       const Auth      *auth,
                       JsonObject      *params,
                       ApiError        *error)
{
  g_auto(Owner) owner = { 0 };
  g_auto(Command) command = { 0 };
  g_autofree char *message = NULL;
  gint64 command_id;
  gint64 message_id;
  gint64 chat_id;

  if (!resolve_owner (self, auth, params, &owner, error))
    return NULL;

  command_id = php_intval (param (params, "COMMAND_ID"));
  if (command_id <= 0 && !php_empty (param (params, "COMMAND")))
    {
      g_autofree char *name = param_trimmed (params, "COMMAND");

      command_id = botbench_sandbox_state_query_int (self->state, 0,
                                                     "SELECT id FROM commands WHERE command = ? AND owner = ?"
                                                     " ORDER BY id LIMIT 1", "ss", name, owner.id);
    }
  if (!check_command_owner (self, command_id, &owner, &command, error))
    return NULL;

  message_id = php_intval (param (params, "MESSAGE_ID"));
  if (message_id <= 0)
    return api_fail (error, SOUP_STATUS_BAD_REQUEST, "MESSAGE_ID_EMPTY", "Message ID can't be empty");

  message = param_trimmed (params, "MESSAGE");
  if (*message == '\0')
    return api_fail (error, SOUP_STATUS_BAD_REQUEST, "MESSAGE_EMPTY", "Message can't be empty");

  if (!check_rich_params (params, error))
    return NULL;

  chat_id = botbench_sandbox_state_query_int (self->state, 0, "SELECT chat_id FROM messages WHERE id = ?",
                                              "i", message_id);
  if (chat_id == 0)
    return api_fail (error, SOUP_STATUS_BAD_REQUEST, "WRONG_REQUEST", "Message isn't added");

  return node_int (add_message (self, chat_id, command.bot_id, message, param_is_y (params, "SYSTEM")));
}

static JsonNode *
method_scope (BotbenchSandbox *self,
              const Auth      *auth,
              JsonObject      *params,
              ApiError        *error)
{
  g_auto(GStrv) scopes = g_strsplit (auth->scope, ",", -1);
  JsonArray *array = json_array_new ();

  for (guint i = 0; scopes[i] != NULL; i++)
    if (*g_strstrip (scopes[i]) != '\0')
      json_array_add_string_element (array, scopes[i]);

  {
    JsonNode *node = json_node_new (JSON_NODE_ARRAY);

    json_node_take_array (node, array);
    return node;
  }
}

static JsonNode *
method_profile (BotbenchSandbox *self,
                const Auth      *auth,
                JsonObject      *params,
                ApiError        *error)
{
  JsonObject *profile = json_object_new ();
  g_autofree char *last_name = g_strdup_printf ("%" G_GINT64_FORMAT, auth->user_id);

  json_object_set_int_member (profile, "ID", auth->user_id);
  json_object_set_boolean_member (profile, "ADMIN", auth->user_id == self->run.webhook_user);
  json_object_set_string_member (profile, "NAME", "User");
  json_object_set_string_member (profile, "LAST_NAME", last_name);
  json_object_set_string_member (profile, "PERSONAL_GENDER", "");
  json_object_set_string_member (profile, "TIME_ZONE", "");
  json_object_set_int_member (profile, "TIME_ZONE_OFFSET", 0);

  return node_take_object (profile);
}

static JsonNode *
method_app_info (BotbenchSandbox *self,
                 const Auth      *auth,
                 JsonObject      *params,
                 ApiError        *error)
{
  JsonObject *info = json_object_new ();

  json_object_set_int_member (info, "ID", 1);
  json_object_set_string_member (info, "CODE", auth->webhook ? "" : self->client_id);
  json_object_set_int_member (info, "VERSION", 1);
  json_object_set_string_member (info, "STATUS", STATUS_LETTER);
  json_object_set_boolean_member (info, "INSTALLED", TRUE);
  json_object_set_string_member (info, "PAYMENT_EXPIRED", "N");
  json_object_set_null_member (info, "DAYS");
  json_object_set_string_member (info, "LANGUAGE_ID", "en");
  json_object_set_string_member (info, "LICENSE", "en_project");
  json_object_set_string_member (info, "member_id", self->member_id);

  return node_take_object (info);
}

static JsonNode *method_batch (BotbenchSandbox *self,
                               const Auth      *auth,
                               JsonObject      *params,
                               ApiError        *error);

static const struct {
  const char *name;
  const char *scope;   /* NULL: any authorised caller */
  MethodFunc  func;
} methods[] = {
  { "imbot.register", "imbot", method_register },
  { "imbot.unregister", "imbot", method_unregister },
  { "imbot.update", "imbot", method_update },
  { "imbot.bot.list", "imbot", method_bot_list },
  { "imbot.message.add", "imbot", method_message_add },
  { "imbot.command.register", "imbot", method_command_register },
  { "imbot.command.unregister", "imbot", method_command_unregister },
  { "imbot.command.update", "imbot", method_command_update },
  { "imbot.command.answer", "imbot", method_command_answer },
  { "scope", NULL, method_scope },
  { "profile", NULL, method_profile },
  { "app.info", NULL, method_app_info },
  { "batch", NULL, method_batch },
};

static int
find_method (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    if (g_str_equal (methods[i].name, name))
      return i;

  return -1;
}

static gboolean
scope_allows (const char *granted,
              const char *needed)
{
  g_auto(GStrv) scopes = NULL;

  if (needed == NULL)
    return TRUE;

  scopes = g_strsplit (granted, ",", -1);
  for (guint i = 0; scopes[i] != NULL; i++)
    if (g_str_equal (g_strstrip (scopes[i]), needed))
      return TRUE;

  return FALSE;
}

/* Scope check, then the method; params get upper-cased keys (§1.1). */
static JsonNode *
call_method (BotbenchSandbox *self,
             int              index,
             const Auth      *auth,
             JsonObject      *raw_params,
             ApiError        *error)
{
  g_autoptr(JsonObject) params = NULL;

  if (!scope_allows (auth->scope, methods[index].scope))
    return api_fail (error, SOUP_STATUS_UNAUTHORIZED, "insufficient_scope",
                     auth->webhook ? "The request requires higher privileges than provided by the webhook token"
                                   : "The request requires higher privileges than provided by the access token");

  params = upper_case_keys (raw_params);

  return methods[index].func (self, auth, params, error);
}

/* "method.name.json" → "method.name" (lower case); NULL for .xml etc. */
static char *
normalize_method (const char *name)
{
  g_autofree char *lower = g_ascii_strdown (name, -1);

  if (g_str_has_suffix (lower, ".json"))
    lower[strlen (lower) - strlen (".json")] = '\0';

  return g_steal_pointer (&lower);
}

/* batch: cmd[key] = "method?query", at most 50, halt on the first error. */
static JsonNode *
method_batch (BotbenchSandbox *self,
              const Auth      *auth,
              JsonObject      *params,
              ApiError        *error)
{
  g_autoptr(JsonObject) cmd = NULL;
  g_autoptr(JsonObject) results = json_object_new ();
  g_autoptr(JsonObject) errors = json_object_new ();
  g_autoptr(JsonObject) times = json_object_new ();
  g_autoptr(GList) keys = NULL;
  JsonObject *out;
  gboolean halt;

  cmd = object_from_php_array (is_php_array (param (params, "CMD")) ? param (params, "CMD") : NULL);
  halt = php_intval (param (params, "HALT")) != 0;

  if (json_object_get_size (cmd) > BOTBENCH_SANDBOX_MAX_BATCH)
    return api_fail (error, SOUP_STATUS_BAD_REQUEST, "ERROR_BATCH_LENGTH_EXCEEDED", "Max batch length exceeded");

  keys = json_object_get_members (cmd);
  for (const GList *l = keys; l != NULL; l = l->next)
    {
      g_auto(ApiError) sub_error = { 0 };
      g_autofree char *line = php_string (json_object_get_member (cmd, l->data));
      g_autofree char *name = NULL;
      g_autoptr(JsonObject) sub_params = NULL;
      JsonNode *result = NULL;
      const char *query;
      gint64 start_us = sandbox_now_us (self);
      int index;

      if (line == NULL)
        line = g_strdup ("");
      query = strchr (line, '?');
      if (query != NULL)
        {
          g_autofree char *method = g_strndup (line, query - line);

          name = normalize_method (method);
        }
      else
        name = normalize_method (line);
      sub_params = object_from_form (query ? query + 1 : "", query ? strlen (query + 1) : 0);

      index = find_method (name);
      if (index < 0)
        api_fail (&sub_error, SOUP_STATUS_NOT_FOUND, "ERROR_METHOD_NOT_FOUND", "Method not found!");
      else if (methods[index].func == method_batch)
        api_fail (&sub_error, SOUP_STATUS_METHOD_NOT_ALLOWED, "ERROR_BATCH_METHOD_NOT_ALLOWED",
                  "Method is not allowed for batch usage");
      else
        result = call_method (self, index, auth, sub_params, &sub_error);

      if (result != NULL)
        {
          json_object_set_member (results, l->data, result);
          json_object_set_object_member (times, l->data, time_object (self, start_us));
        }
      else
        {
          json_object_set_member (errors, l->data, error_node (sub_error.code, sub_error.description));
          if (halt)
            break;
        }
    }

  out = json_object_new ();
  json_object_set_member (out, "result", php_array_node (results));
  json_object_set_member (out, "result_error", php_array_node (errors));
  json_object_set_array_member (out, "result_total", json_array_new ());
  json_object_set_array_member (out, "result_next", json_array_new ());
  json_object_set_member (out, "result_time", php_array_node (times));

  return node_take_object (out);
}

/* ------------------------------------------------------------------------ */
/* Events caused by portal users (§3.3, §3.4)                                */

static const struct { const char *key; const char *value; } message_flags[] = {
  { "PUSH", "Y" }, { "PUSH_IMPORTANT", "N" }, { "RECENT_SKIP_AUTHOR", "N" }, { "CONVERT", "N" },
  { "SKIP_COMMAND", "N" }, { "SKIP_COUNTER_INCREMENTS", "N" }, { "SILENT_CONNECTOR", "N" },
  { "SKIP_CONNECTOR", "N" }, { "IMPORTANT_CONNECTOR", "N" }, { "NO_SESSION_OL", "N" },
  { "FAKE_RELATION", "0" }, { "SKIP_URL_INDEX", "N" },
};

typedef struct
{
  gint64      message_id;
  gint64      chat_id;
  gint64      from_user;
  gint64      bot_id;        /* private chats: the bot addressed */
  gint64      to_user;       /* group chats: the first mention, 0 if none */
  gboolean    group;
  const char *text;          /* mentions stripped in group chats */
  const char *original;      /* group chats only */
  GArray     *mentions;      /* gint64, group chats only */
} UserMessage;

static void
add_chat_fields (BotbenchSandbox   *self,
                 JsonObject        *params,
                 const UserMessage *m)
{
  g_autofree char *title = botbench_sandbox_state_query_text (self->state, "SELECT title FROM chats WHERE id = ?",
                                                              "i", m->chat_id);
  gint64 author = botbench_sandbox_state_query_int (self->state, 0, "SELECT author_id FROM chats WHERE id = ?",
                                                    "i", m->chat_id);
  gint64 prev = botbench_sandbox_state_query_int (self->state, 0,
                                                  "SELECT MAX(id) FROM messages WHERE chat_id = ? AND id < ?",
                                                  "ii", m->chat_id, m->message_id);

  set_int_string (params, "CHAT_ID", m->chat_id);
  json_object_set_string_member (params, "CHAT_TITLE", title ? title : "");
  set_int_string (params, "CHAT_AUTHOR_ID", author);
  json_object_set_string_member (params, "CHAT_AVATAR", "");
  json_object_set_string_member (params, "CHAT_COLOR", "#4ba984");
  json_object_set_string_member (params, "CHAT_ENTITY_TYPE", "");
  json_object_set_string_member (params, "CHAT_ENTITY_ID", "");
  json_object_set_string_member (params, "CHAT_ENTITY_DATA_1", "");
  json_object_set_string_member (params, "CHAT_ENTITY_DATA_2", "");
  json_object_set_string_member (params, "CHAT_ENTITY_DATA_3", "");
  json_object_set_string_member (params, "CHAT_EXTRANET", "N");
  set_int_string (params, "CHAT_PREV_MESSAGE_ID", prev);
  json_object_set_string_member (params, "CHAT_CAN_POST", "MEMBER");
  json_object_set_string_member (params, "RID", "0");
  json_object_set_string_member (params, "IS_MANAGER", "N");
}

static gint64
chat_user_count (BotbenchSandbox *self,
                 gint64           chat_id)
{
  return botbench_sandbox_state_query_int (self->state, 0, "SELECT COUNT(*) FROM chat_members WHERE chat_id = ?",
                                           "i", chat_id);
}

static char *
dialog_for_bot (const UserMessage *m)
{
  if (m->group)
    return g_strdup_printf ("chat%" G_GINT64_FORMAT, m->chat_id);

  return g_strdup_printf ("%" G_GINT64_FORMAT, m->from_user);
}

/* data[PARAMS] up to TO_USER_ID (and the chat fields in group chats), the
 * part ONIMBOTMESSAGEADD and ONIMCOMMANDADD share (§3.4.1, §3.4.6). */
static JsonObject *
message_params_head (BotbenchSandbox   *self,
                     const UserMessage *m,
                     const char        *text,
                     gint64             private_to)
{
  JsonObject *params = json_object_new ();
  g_autofree char *template_id = g_uuid_string_random ();
  g_autofree char *dialog = dialog_for_bot (m);

  json_object_set_string_member (params, "MESSAGE", text);
  json_object_set_string_member (params, "TEMPLATE_ID", template_id);
  json_object_set_string_member (params, "MESSAGE_TYPE", m->group ? "C" : "P");
  set_int_string (params, "FROM_USER_ID", m->from_user);
  json_object_set_string_member (params, "DIALOG_ID", dialog);
  set_int_string (params, "TO_CHAT_ID", m->chat_id);
  set_int_string (params, "AUTHOR_ID", m->from_user);
  json_object_set_string_member (params, "SYSTEM", "N");
  set_int_string (params, "TO_USER_ID", m->group ? m->to_user : private_to);
  if (m->group)
    add_chat_fields (self, params, m);

  return params;
}

/* ONIMBOTMESSAGEADD for one owner's bots among bot_ids; TRUE if sent. */
static gboolean
deliver_message_add (BotbenchSandbox   *self,
                     const char        *owner_id,
                     GArray            *bot_ids,
                     const UserMessage *m)
{
  g_auto(Owner) owner = { 0 };
  g_autofree char *url = NULL;
  JsonObject *data, *bots, *params;
  gint64 handler_id;

  if (!lookup_handler (self, owner_id, "ONIMBOTMESSAGEADD", &handler_id, &url))
    return FALSE;

  owner_init_from_id (self, owner_id, &owner);
  data = json_object_new ();
  bots = json_object_new ();
  for (guint i = 0; i < bot_ids->len; i++)
    {
      gint64 bot_id = g_array_index (bot_ids, gint64, i);
      g_autofree char *code = NULL;
      g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT, bot_id);

      lookup_bot (self, bot_id, NULL, &code);
      json_object_set_object_member (bots, key, bot_entry (self, &owner, bot_id, code ? code : ""));
    }
  json_object_set_object_member (data, "BOT", bots);

  params = message_params_head (self, m, m->text, m->bot_id);
  for (guint i = 0; i < G_N_ELEMENTS (message_flags); i++)
    json_object_set_string_member (params, message_flags[i].key, message_flags[i].value);
  json_object_set_string_member (params, "COMMAND_CONTEXT", "TEXTAREA");
  set_int_string (params, "CHAT_USER_COUNT", chat_user_count (self, m->chat_id));
  if (m->group && m->mentions->len > 0)
    {
      JsonObject *mentioned = json_object_new ();

      for (guint i = 0; i < m->mentions->len; i++)
        {
          gint64 id = g_array_index (m->mentions, gint64, i);
          g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT, id);

          set_int_string (mentioned, key, id);
        }
      json_object_set_object_member (params, "MENTIONED_LIST", mentioned);
    }
  json_object_set_string_member (params, "PLATFORM_CONTEXT", "web");
  if (m->group)
    json_object_set_string_member (params, "MESSAGE_ORIGINAL", m->original);
  set_int_string (params, "MESSAGE_ID", m->message_id);
  json_object_set_string_member (params, "CHAT_TYPE", m->group ? "C" : "P");
  json_object_set_string_member (params, "LANGUAGE", "en");
  json_object_set_object_member (data, "PARAMS", params);
  json_object_set_object_member (data, "USER", user_object (self, m->from_user, TRUE, TRUE));

  return send_event (self, "ONIMBOTMESSAGEADD", handler_id, url, data,
                     event_auth (self, &owner, m->from_user, TRUE));
}

static gboolean
deliver_command_add (BotbenchSandbox   *self,
                     const Command     *command,
                     const char        *command_params,
                     const UserMessage *m)
{
  g_auto(Owner) owner = { 0 };
  g_autofree char *url = NULL;
  g_autofree char *code = NULL;
  g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT, command->id);
  JsonObject *data, *commands, *entry, *params;
  gint64 handler_id;

  if (!lookup_handler (self, command->owner, "ONIMCOMMANDADD", &handler_id, &url))
    return FALSE;

  owner_init_from_id (self, command->owner, &owner);
  lookup_bot (self, command->bot_id, NULL, &code);

  entry = bot_entry (self, &owner, command->bot_id, code ? code : "");
  json_object_set_string_member (entry, "COMMAND", command->command);
  set_int_string (entry, "COMMAND_ID", command->id);
  json_object_set_string_member (entry, "COMMAND_PARAMS", command_params);
  json_object_set_string_member (entry, "COMMAND_CONTEXT", "TEXTAREA");
  set_int_string (entry, "MESSAGE_ID", m->message_id);
  commands = json_object_new ();
  json_object_set_object_member (commands, key, entry);
  data = json_object_new ();
  json_object_set_object_member (data, "COMMAND", commands);

  params = message_params_head (self, m, m->original ? m->original : m->text, command->bot_id);
  json_object_set_string_member (params, "SKIP_USER_CHECK", "Y");
  for (guint i = 0; i < G_N_ELEMENTS (message_flags); i++)
    {
      json_object_set_string_member (params, message_flags[i].key, message_flags[i].value);
      if (g_str_equal (message_flags[i].key, "PUSH_IMPORTANT"))
        json_object_set_string_member (params, "RECENT_ADD", "Y");
    }
  set_int_string (params, "MESSAGE_ID", m->message_id);
  json_object_set_string_member (params, "CHAT_TYPE", m->group ? "C" : "P");
  json_object_set_string_member (params, "LANGUAGE", "en");
  json_object_set_object_member (data, "PARAMS", params);
  json_object_set_object_member (data, "USER", user_object (self, m->from_user, FALSE, FALSE));

  return send_event (self, "ONIMCOMMANDADD", handler_id, url, data,
                     event_auth (self, &owner, m->from_user, TRUE));
}

static gboolean
deliver_join (BotbenchSandbox *self,
              gint64           bot_id,
              gint64           user_id,
              gint64           chat_id)
{
  g_auto(Owner) owner = { 0 };
  g_autofree char *owner_id = NULL;
  g_autofree char *code = NULL;
  g_autofree char *url = NULL;
  g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT, bot_id);
  JsonObject *data, *bots, *params;
  gint64 handler_id;

  if (!lookup_bot (self, bot_id, &owner_id, &code) ||
      !lookup_handler (self, owner_id, "ONIMBOTJOINCHAT", &handler_id, &url))
    return FALSE;

  owner_init_from_id (self, owner_id, &owner);
  bots = json_object_new ();
  json_object_set_object_member (bots, key, bot_entry (self, &owner, bot_id, code));
  data = json_object_new ();
  json_object_set_object_member (data, "BOT", bots);

  params = json_object_new ();
  json_object_set_string_member (params, "CHAT_TYPE", chat_id > 0 ? "C" : "P");
  json_object_set_string_member (params, "MESSAGE_TYPE", chat_id > 0 ? "C" : "P");
  set_int_string (params, "BOT_ID", bot_id);
  set_int_string (params, "USER_ID", user_id);
  if (chat_id > 0)
    {
      g_autofree char *dialog = g_strdup_printf ("chat%" G_GINT64_FORMAT, chat_id);

      set_int_string (params, "CHAT_ID", chat_id);
      set_int_string (params, "CHAT_AUTHOR_ID",
                      botbench_sandbox_state_query_int (self->state, 0, "SELECT author_id FROM chats WHERE id = ?",
                                                        "i", chat_id));
      json_object_set_string_member (params, "CHAT_ENTITY_TYPE", "");
      json_object_set_string_member (params, "CHAT_ENTITY_ID", "");
      json_object_set_string_member (params, "ACCESS_HISTORY", "1");
      json_object_set_string_member (params, "DIALOG_ID", dialog);
    }
  else
    {
      set_int_string (params, "TO_USER_ID", user_id);
      set_int_string (params, "FROM_USER_ID", bot_id);
      set_int_string (params, "DIALOG_ID", user_id);
    }
  json_object_set_string_member (params, "LANGUAGE", "en");
  json_object_set_object_member (data, "PARAMS", params);
  json_object_set_object_member (data, "USER", user_object (self, user_id, TRUE, FALSE));

  return send_event (self, "ONIMBOTJOINCHAT", handler_id, url, data, event_auth (self, &owner, user_id, FALSE));
}

/* [USER=id]…[/USER] mentions and a comma right after them are removed from
 * the text the bots get; ids are collected in order (§3.1). */
static char *
strip_mentions (const char *text,
                GArray     *mentions)
{
  g_autoptr(GRegex) regex = g_regex_new ("\\[USER=([0-9]+)(?: REPLACE)?\\](.*?)\\[/USER\\],?",
                                         G_REGEX_CASELESS | G_REGEX_DOTALL, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  char *stripped;

  g_regex_match (regex, text, 0, &match);
  while (g_match_info_matches (match))
    {
      g_autofree char *id = g_match_info_fetch (match, 1);
      gint64 value = g_ascii_strtoll (id, NULL, 10);
      gboolean seen = FALSE;

      for (guint i = 0; i < mentions->len; i++)
        seen |= g_array_index (mentions, gint64, i) == value;
      if (!seen)
        g_array_append_val (mentions, value);
      g_match_info_next (match, NULL);
    }

  stripped = g_regex_replace_literal (regex, text, -1, 0, "", 0, NULL);
  return g_strstrip (stripped);
}

/* ------------------------------------------------------------------------ */
/* Control API: act as portal users                                          */

static JsonNode *
control_message (BotbenchSandbox *self,
                 JsonObject      *params,
                 ApiError        *error)
{
  g_autofree char *text = param_trimmed (params, "MESSAGE");
  g_autofree char *dialog = param_trimmed (params, "DIALOG_ID");
  g_autofree char *stripped = NULL;
  g_autofree char *user_dialog = NULL;
  g_autoptr(GArray) mentions = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_auto(Command) command = { 0 };
  JsonObject *result;
  UserMessage m = { 0 };
  guint n_events = 0;
  gint64 from = php_intval (param (params, "FROM_USER_ID"));

  if (from <= 0)
    from = self->run.webhook_user;
  if (is_bot (self, from))
    return api_fail (error, SOUP_STATUS_BAD_REQUEST, "FROM_USER_ID_ERROR",
                     "FROM_USER_ID must be a portal user, not a bot");
  if (*text == '\0')
    return api_fail (error, SOUP_STATUS_BAD_REQUEST, "MESSAGE_EMPTY", "Message can't be empty");

  m.from_user = from;
  m.mentions = mentions;
  m.chat_id = dialog_chat_id (dialog);
  m.group = m.chat_id > 0;

  if (m.group)
    {
      if (!ensure_group_chat (self, m.chat_id, from, error))
        return NULL;
      stripped = strip_mentions (text, mentions);
      m.text = stripped;
      m.original = text;
      m.to_user = mentions->len > 0 ? g_array_index (mentions, gint64, 0) : 0;
      user_dialog = g_strdup (dialog);
    }
  else
    {
      m.bot_id = php_intval (param (params, "BOT_ID"));
      if (m.bot_id <= 0)
        m.bot_id = g_ascii_strtoll (dialog, NULL, 10);
      if (!lookup_bot (self, m.bot_id, NULL, NULL))
        return api_fail (error, SOUP_STATUS_BAD_REQUEST, "BOT_ID_ERROR", "Bot not found");
      m.chat_id = private_chat (self, from, m.bot_id);
      m.text = text;
      user_dialog = g_strdup_printf ("%" G_GINT64_FORMAT, m.bot_id);
    }

  m.message_id = add_message (self, m.chat_id, from, text, FALSE);

  /* A registered /command goes to ONIMCOMMANDADD instead. */
  if (text[0] == '/')
    {
      g_autofree char *word = g_strndup (text + 1, strcspn (text + 1, " \t\n"));
      const char *rest = text + 1 + strlen (word);
      g_autofree char *command_params = g_strstrip (g_strdup (rest));
      sqlite3_stmt *stmt;

      if (m.group)
        stmt = botbench_sandbox_state_query (self->state,
                                             COMMAND_COLUMNS "WHERE lower(command) = lower(?) AND (common = 'Y'"
                                             " OR bot_id IN (SELECT user_id FROM chat_members WHERE chat_id = ?))"
                                             " ORDER BY id LIMIT 1", "si", word, m.chat_id);
      else
        stmt = botbench_sandbox_state_query (self->state,
                                             COMMAND_COLUMNS "WHERE lower(command) = lower(?) AND bot_id = ?"
                                             " ORDER BY id LIMIT 1", "si", word, m.bot_id);

      if (command_from_stmt (stmt, &command))
        {
          m.original = text;
          n_events += deliver_command_add (self, &command, command_params, &m);
        }
    }

  if (command.id == 0)
    {
      g_autoptr(GPtrArray) owners = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GHashTable) by_owner = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                              (GDestroyNotify)g_array_unref);
      sqlite3_stmt *stmt;

      /* Private: the bot addressed.  Group: mentioned member bots and every
       * member bot of type S (§3.1). */
      if (m.group)
        stmt = botbench_sandbox_state_query (self->state,
                                             "SELECT b.id, b.owner, b.type FROM bots b JOIN chat_members cm"
                                             " ON cm.user_id = b.id WHERE cm.chat_id = ? ORDER BY b.id",
                                             "i", m.chat_id);
      else
        stmt = botbench_sandbox_state_query (self->state, "SELECT id, owner, type FROM bots WHERE id = ?",
                                             "i", m.bot_id);

      while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
        {
          gint64 bot_id = sqlite3_column_int64 (stmt, 0);
          const char *owner_id = (const char *)sqlite3_column_text (stmt, 1);
          gboolean wanted = !m.group || g_str_equal ((const char *)sqlite3_column_text (stmt, 2), "S");
          GArray *ids;

          for (guint i = 0; m.group && i < mentions->len; i++)
            wanted |= g_array_index (mentions, gint64, i) == bot_id;
          if (!wanted)
            continue;

          ids = g_hash_table_lookup (by_owner, owner_id);
          if (ids == NULL)
            {
              char *key = g_strdup (owner_id);

              ids = g_array_new (FALSE, FALSE, sizeof (gint64));
              g_ptr_array_add (owners, key);
              g_hash_table_insert (by_owner, key, ids);
            }
          g_array_append_val (ids, bot_id);
        }
      sqlite3_finalize (stmt);

      for (guint i = 0; i < owners->len; i++)
        n_events += deliver_message_add (self, owners->pdata[i], g_hash_table_lookup (by_owner, owners->pdata[i]), &m);
    }

  result = json_object_new ();
  json_object_set_int_member (result, "MESSAGE_ID", m.message_id);
  json_object_set_int_member (result, "CHAT_ID", m.chat_id);
  json_object_set_string_member (result, "DIALOG_ID", user_dialog);
  if (command.id != 0)
    json_object_set_int_member (result, "COMMAND_ID", command.id);
  json_object_set_int_member (result, "EVENTS", n_events);

  return node_take_object (result);
}

static JsonNode *
control_join (BotbenchSandbox *self,
              JsonObject      *params,
              ApiError        *error)
{
  g_autofree char *dialog = param_trimmed (params, "DIALOG_ID");
  gint64 bot_id = php_intval (param (params, "BOT_ID"));
  gint64 user_id = php_intval (param (params, "USER_ID"));
  gint64 chat_id = dialog_chat_id (dialog);
  JsonObject *result;
  gboolean sent;

  if (user_id <= 0)
    user_id = self->run.webhook_user;
  if (!lookup_bot (self, bot_id, NULL, NULL))
    return api_fail (error, SOUP_STATUS_BAD_REQUEST, "BOT_ID_ERROR", "Bot not found");

  if (chat_id > 0)
    {
      if (!ensure_group_chat (self, chat_id, user_id, error))
        return NULL;
      botbench_sandbox_state_exec (self->state, "INSERT OR IGNORE INTO chat_members VALUES (?, ?)",
                                   "ii", chat_id, bot_id);
    }
  else
    private_chat (self, user_id, bot_id);

  sent = deliver_join (self, bot_id, user_id, chat_id);

  result = json_object_new ();
  json_object_set_int_member (result, "BOT_ID", bot_id);
  json_object_set_int_member (result, "CHAT_ID", chat_id > 0 ? chat_id : private_chat (self, user_id, bot_id));
  json_object_set_int_member (result, "EVENTS", sent ? 1 : 0);

  return node_take_object (result);
}

static JsonNode *
control_messages (BotbenchSandbox *self,
                  JsonObject      *params,
                  ApiError        *error)
{
  g_autofree char *dialog = param_trimmed (params, "DIALOG_ID");
  gint64 user_id = php_intval (param (params, "USER_ID"));
  gint64 chat_id = dialog_chat_id (dialog);
  JsonArray *list = json_array_new ();
  JsonObject *result;
  sqlite3_stmt *stmt;

  if (user_id <= 0)
    user_id = self->run.webhook_user;

  if (chat_id == 0)
    {
      gint64 other = g_ascii_strtoll (dialog, NULL, 10);

      if (other <= 0)
        {
          json_array_unref (list);
          return api_fail (error, SOUP_STATUS_BAD_REQUEST, "DIALOG_ID_EMPTY", "Dialog ID can't be empty");
        }
      chat_id = botbench_sandbox_state_query_int (self->state, 0,
                                                  "SELECT id FROM chats WHERE type = 'P' AND user_a = ? AND user_b = ?",
                                                  "ii", MIN (user_id, other), MAX (user_id, other));
    }

  stmt = botbench_sandbox_state_query (self->state,
                                       "SELECT id, author_id, text, system, created FROM messages"
                                       " WHERE chat_id = ? ORDER BY id", "i", chat_id);
  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      JsonObject *message = json_object_new ();
      g_autoptr(GDateTime) date = g_date_time_new_from_unix_local (sqlite3_column_int64 (stmt, 4));
      g_autofree char *iso = g_date_time_format (date, "%FT%T%:z");

      json_object_set_int_member (message, "ID", sqlite3_column_int64 (stmt, 0));
      json_object_set_int_member (message, "AUTHOR_ID", sqlite3_column_int64 (stmt, 1));
      json_object_set_string_member (message, "MESSAGE", (const char *)sqlite3_column_text (stmt, 2));
      json_object_set_string_member (message, "SYSTEM", (const char *)sqlite3_column_text (stmt, 3));
      json_object_set_string_member (message, "DATE", iso);
      json_array_add_object_element (list, message);
    }
  sqlite3_finalize (stmt);

  result = json_object_new ();
  json_object_set_string_member (result, "DIALOG_ID", dialog);
  json_object_set_int_member (result, "CHAT_ID", chat_id);
  json_object_set_array_member (result, "MESSAGES", list);

  return node_take_object (result);
}

static void
handle_control (BotbenchSandbox   *self,
                SoupServerMessage *msg,
                const char        *path)
{
  g_auto(ApiError) error = { 0 };
  g_autoptr(JsonObject) raw = request_params (msg);
  g_autoptr(JsonObject) params = upper_case_keys (raw);
  const char *method = soup_server_message_get_method (msg);
  const char *name = path + strlen ("/_sandbox/");
  JsonNode *result = NULL;
  gint64 start_us = sandbox_now_us (self);

  if (g_str_equal (name, "message") && method == SOUP_METHOD_POST)
    result = control_message (self, params, &error);
  else if (g_str_equal (name, "join") && method == SOUP_METHOD_POST)
    result = control_join (self, params, &error);
  else if (g_str_equal (name, "messages") && (method == SOUP_METHOD_GET || method == SOUP_METHOD_POST))
    result = control_messages (self, params, &error);
  else
    api_fail (&error, SOUP_STATUS_NOT_FOUND, "ERROR_METHOD_NOT_FOUND", "Method not found!");

  if (result != NULL)
    reply_result (self, msg, result, start_us);
  else
    reply_error (msg, &error);
}

/* ------------------------------------------------------------------------ */
/* OAuth server (§4.6)                                                       */

static void
reply_oauth_error (SoupServerMessage *msg,
                   guint              status,
                   const char        *code,
                   const char        *description)
{
  g_autoptr(JsonNode) root = error_node (code, description);

  set_json_body (msg, status, root);
}

static void
handle_authorize (BotbenchSandbox   *self,
                  SoupServerMessage *msg)
{
  g_autoptr(JsonObject) params = request_params (msg);
  g_autofree char *client_id = param_string (params, "client_id");
  g_autofree char *redirect_uri = param_string (params, "redirect_uri");
  g_autofree char *state = param_string (params, "state");
  g_autofree char *code = botbench_sandbox_random_hex (16);
  g_autofree char *server_domain = g_strdup (self->domain);
  gint64 user_id = php_intval (param (params, "user_id"));
  JsonObject *reply;

  if (g_strcmp0 (client_id, self->client_id) != 0)
    {
      reply_oauth_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_client", "Unknown client_id");
      return;
    }
  if (user_id <= 0)
    user_id = self->run.webhook_user;

  botbench_sandbox_state_exec (self->state, "INSERT INTO codes (code, user_id, expires) VALUES (?, ?, ?)",
                               "sii", code, user_id, sandbox_now (self) + (gint64)CODE_TTL_SECONDS);

  reply = json_object_new ();
  json_object_set_string_member (reply, "code", code);
  json_object_set_string_member (reply, "state", state ? state : "");
  json_object_set_string_member (reply, "domain", self->domain);
  json_object_set_string_member (reply, "member_id", self->member_id);
  json_object_set_string_member (reply, "scope", self->run.scope);
  json_object_set_string_member (reply, "server_domain", server_domain);

  if (redirect_uri != NULL && *redirect_uri != '\0')
    {
      g_autoptr(GString) location = g_string_new (redirect_uri);
      g_autoptr(GList) members = json_object_get_members (reply);

      for (const GList *l = members; l != NULL; l = l->next)
        {
          g_string_append_c (location, l == members && !strchr (redirect_uri, '?') ? '?' : '&');
          g_string_append_printf (location, "%s=", (const char *)l->data);
          botbench_form_urlencode_append (location, json_object_get_string_member (reply, l->data), -1);
        }
      json_object_unref (reply);
      soup_server_message_set_redirect (msg, SOUP_STATUS_FOUND, location->str);
      return;
    }

  {
    g_autoptr(JsonNode) root = node_take_object (reply);

    set_json_body (msg, SOUP_STATUS_OK, root);
  }
}

static void
handle_token (BotbenchSandbox   *self,
              SoupServerMessage *msg)
{
  g_autoptr(JsonObject) params = request_params (msg);
  g_autofree char *grant_type = param_string (params, "grant_type");
  g_autofree char *client_id = param_string (params, "client_id");
  g_autofree char *client_secret = param_string (params, "client_secret");
  g_autoptr(JsonNode) root = NULL;
  gint64 now = sandbox_now (self);
  gint64 user_id = 0;

  if (g_strcmp0 (client_id, self->client_id) != 0 || g_strcmp0 (client_secret, self->client_secret) != 0)
    {
      reply_oauth_error (msg, SOUP_STATUS_UNAUTHORIZED, "invalid_client", "Invalid client credentials");
      return;
    }

  if (g_strcmp0 (grant_type, "authorization_code") == 0)
    {
      g_autofree char *code = param_string (params, "code");

      user_id = botbench_sandbox_state_query_int (self->state, 0,
                                                  "SELECT user_id FROM codes WHERE code = ? AND expires > ?",
                                                  "si", code, now);
      botbench_sandbox_state_exec (self->state, "DELETE FROM codes WHERE code = ? OR expires <= ?", "si", code, now);
      if (user_id <= 0)
        {
          reply_oauth_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_grant", "Invalid authorization code");
          return;
        }
    }
  else if (g_strcmp0 (grant_type, "refresh_token") == 0)
    {
      g_autofree char *refresh_token = param_string (params, "refresh_token");

      user_id = botbench_sandbox_state_query_int (self->state, 0,
                                                  "SELECT user_id FROM tokens WHERE refresh_token = ?"
                                                  " AND refresh_used = 0 AND refresh_expires > ?",
                                                  "si", refresh_token, now);
      if (user_id <= 0)
        {
          reply_oauth_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_grant", "Invalid refresh token");
          return;
        }
      /* Every refresh returns a new pair; the old refresh token is spent. */
      botbench_sandbox_state_exec (self->state, "UPDATE tokens SET refresh_used = 1 WHERE refresh_token = ?",
                                   "s", refresh_token);
    }
  else
    {
      reply_oauth_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_request", "Unsupported grant_type");
      return;
    }

  root = node_take_object (token_response (self, user_id));
  set_json_body (msg, SOUP_STATUS_OK, root);
}

/* ------------------------------------------------------------------------ */
/* REST (§4.1)                                                               */

static gboolean
rate_limit_take (BotbenchSandbox *self)
{
  gint64 now = sandbox_now_us (self);

  if (self->bucket_us != 0)
    self->bucket = MAX (0.0, self->bucket - (now - self->bucket_us) / (double)G_USEC_PER_SEC
                                           * self->run.rate_per_second);
  self->bucket_us = now;

  if (self->bucket + 1 > self->run.rate_burst)
    return FALSE;

  self->bucket += 1;
  return TRUE;
}

/* The OAuth token: Bearer header, then auth, then access_token. */
static char *
take_access_token (SoupServerMessage *msg,
                   JsonObject        *params)
{
  const char *header = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                     "Authorization");
  char *token = NULL;

  if (header != NULL && g_ascii_strncasecmp (header, "Bearer ", 7) == 0)
    token = g_strstrip (g_strdup (header + 7));
  /* params is NULL before the body is read: the header alone decides. */
  if (params != NULL && (token == NULL || *token == '\0'))
    {
      g_free (token);
      token = param_string (params, "auth");
    }
  if (params != NULL && (token == NULL || *token == '\0'))
    {
      g_free (token);
      token = param_string (params, "access_token");
    }

  if (params != NULL)
    {
      json_object_remove_member (params, "auth");
      json_object_remove_member (params, "access_token");
    }

  if (token != NULL && *token == '\0')
    g_clear_pointer (&token, g_free);

  return token;
}

static gboolean
authenticate (BotbenchSandbox   *self,
              SoupServerMessage *msg,
              const char        *webhook_user,
              const char        *webhook_secret,
              JsonObject        *params,
              Auth              *auth,
              ApiError          *error)
{
  g_autofree char *token = NULL;
  sqlite3_stmt *stmt;
  gint64 expires = 0;

  if (webhook_user != NULL)
    {
      g_autofree char *expected_user = g_strdup_printf ("%u", self->run.webhook_user);

      /* §4.1: only when serving TLS, like a portal without REST_APAUTH_ALLOW_HTTP */
      if (self->run.tls && g_strcmp0 (g_uri_get_scheme (soup_server_message_get_uri (msg)), "https") != 0)
        return api_refuse (error, SOUP_STATUS_UNAUTHORIZED, "INVALID_REQUEST", "Https required.");

      if (!g_str_equal (webhook_user, expected_user) || g_strcmp0 (webhook_secret, self->secret) != 0)
        return api_refuse (error, SOUP_STATUS_UNAUTHORIZED, "INVALID_CREDENTIALS", "Invalid request credentials");

      auth->webhook = TRUE;
      auth->user_id = self->run.webhook_user;
      auth->scope = g_strdup (self->run.scope);
      return TRUE;
    }

  token = take_access_token (msg, params);
  if (token == NULL)
    return api_refuse (error, SOUP_STATUS_UNAUTHORIZED, "NO_AUTH_FOUND", "Wrong authorization data");

  stmt = botbench_sandbox_state_query (self->state,
                                       "SELECT user_id, scope, expires FROM tokens WHERE access_token = ?",
                                       "s", token);
  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      auth->user_id = sqlite3_column_int64 (stmt, 0);
      auth->scope = g_strdup ((const char *)sqlite3_column_text (stmt, 1));
      expires = sqlite3_column_int64 (stmt, 2);
    }
  sqlite3_finalize (stmt);

  if (auth->scope == NULL)
    return api_refuse (error, SOUP_STATUS_UNAUTHORIZED, "invalid_token", "Unable to get application by token");

  if (expires <= sandbox_now (self))
    {
      g_clear_pointer (&auth->scope, g_free);
      return api_refuse (error, SOUP_STATUS_UNAUTHORIZED, "expired_token", "The access token provided has expired");
    }

  auth->webhook = FALSE;
  return TRUE;
}

/* What a REST call's URL and headers decide, before its body is read
 * (§4.1: unknown methods are 404 before any auth; then the rate limit; then
 * the credentials, when the URL or a Bearer header carries them).  A wrong
 * webhook secret is refused without reading a byte of the body. */
typedef struct
{
  char     *method;
  int       index;
  gboolean  authenticated;
  Auth      auth;
  gint64    start_us;
} RestCall;

#define REST_CALL_KEY "botbench-rest-call"

static void
rest_call_free (RestCall *call)
{
  g_free (call->method);
  g_free (call->auth.scope);
  g_free (call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RestCall, rest_call_free)

static gboolean
has_bearer_token (SoupServerMessage *msg)
{
  const char *header = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                     "Authorization");

  if (header == NULL || g_ascii_strncasecmp (header, "Bearer ", 7) != 0)
    return FALSE;

  for (const char *p = header + 7; *p != '\0'; p++)
    if (!g_ascii_isspace (*p))
      return TRUE;

  return FALSE;
}

static RestCall *
rest_call_begin (BotbenchSandbox   *self,
                 SoupServerMessage *msg,
                 const char        *path,
                 ApiError          *error)
{
  g_autoptr(RestCall) call = g_new0 (RestCall, 1);
  g_auto(GStrv) parts = g_strsplit (path + strlen ("/rest/"), "/", -1);
  const char *user = NULL, *secret = NULL;
  guint n = g_strv_length (parts);

  call->start_us = sandbox_now_us (self);
  call->index = -1;

  /* A trailing "/" leaves an empty last part. */
  if (n > 0 && *parts[n - 1] == '\0')
    n--;

  if (n == 1)
    call->method = normalize_method (parts[0]);
  else if (n == 3)
    {
      user = parts[0];
      secret = parts[1];
      call->method = normalize_method (parts[2]);
    }

  if (call->method != NULL)
    call->index = find_method (call->method);
  if (call->index < 0)
    {
      api_fail (error, SOUP_STATUS_NOT_FOUND, "ERROR_METHOD_NOT_FOUND", "Method not found!");
      return NULL;
    }

  if (self->run.rate_limit && !rate_limit_take (self))
    {
      api_fail (error, SOUP_STATUS_SERVICE_UNAVAILABLE, "QUERY_LIMIT_EXCEEDED", "Too many requests");
      return NULL;
    }

  if (user != NULL || has_bearer_token (msg))
    {
      if (!authenticate (self, msg, user, secret, NULL, &call->auth, error))
        return NULL;
      call->authenticated = TRUE;
    }

  return g_steal_pointer (&call);
}

static void
handle_rest (BotbenchSandbox   *self,
             SoupServerMessage *msg,
             const char        *path)
{
  g_auto(ApiError) error = { 0 };
  g_autoptr(JsonObject) params = NULL;
  RestCall *call = g_object_get_data (G_OBJECT (msg), REST_CALL_KEY);
  JsonNode *result = NULL;

  /* The early handler answered whatever it refused. */
  g_assert (call != NULL);

  params = request_params (msg);
  if (call->authenticated)
    {
      /* Credentials in the body are not parameters (take_access_token). */
      json_object_remove_member (params, "auth");
      json_object_remove_member (params, "access_token");
    }
  else if (!authenticate (self, msg, NULL, NULL, params, &call->auth, &error))
    {
      reply_error (msg, &error);
      return;
    }

  g_debug ("%s %s (%s)", methods[call->index].name, call->auth.webhook ? "webhook" : "oauth",
           soup_server_message_get_method (msg));
  result = call_method (self, call->index, &call->auth, params, &error);

  if (result != NULL)
    reply_result (self, msg, result, call->start_us);
  else
    reply_error (msg, &error);
}

#define OVERFLOW_KEY "botbench-overflow"

static void
reply_too_large (BotbenchSandbox   *self,
                 SoupServerMessage *msg)
{
  g_autofree char *description = NULL;
  g_autoptr(JsonNode) root = NULL;

  description = g_strdup_printf ("Request body exceeds the limit of %" G_GUINT64_FORMAT " bytes",
                                 self->max_body);
  root = error_node ("REQUEST_ENTITY_TOO_LARGE", description);
  set_json_body (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, root);
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

static void
early_handler_cb (SoupServer        *server,
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
      g_autoptr(JsonNode) root = error_node ("BAD_REQUEST", "The request method is not a token");

      set_json_body (msg, SOUP_STATUS_BAD_REQUEST, root);
      return;
    }

  /* What the URL and headers can refuse is refused first, a wrong secret
   * before an oversized body. */
  if (g_str_has_prefix (path, "/rest/"))
    {
      g_auto(ApiError) error = { 0 };
      RestCall *call = rest_call_begin (self, msg, path, &error);

      if (call == NULL)
        {
          reply_error (msg, &error);
          return;
        }
      g_object_set_data_full (G_OBJECT (msg), REST_CALL_KEY, call, (GDestroyNotify)rest_call_free);
    }

  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH)
    {
      if ((guint64)soup_message_headers_get_content_length (headers) > self->max_body)
        reply_too_large (self, msg);
    }
  else
    g_signal_connect_object (msg, "got-chunk", G_CALLBACK (request_got_chunk_cb), self, 0);
}

/* A JSON body nested deeper than json-glib survives is a 400 (other broken
 * JSON becomes an empty parameter set, as json_decode's NULL would). */
static gboolean
json_body_depth_ok (SoupServerMessage  *msg,
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
  root = node_take_object (status);

  set_json_body (msg, SOUP_STATUS_OK, root);
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
    reply_too_large (self, msg);
  else if (!json_body_depth_ok (msg, &json_error))
    {
      g_autoptr(JsonNode) root = error_node ("BAD_REQUEST", json_error->message);

      set_json_body (msg, SOUP_STATUS_BAD_REQUEST, root);
    }
  else if (g_str_has_prefix (path, "/rest/"))
    handle_rest (self, msg, path);
  else if (g_str_equal (path, "/oauth/token/") || g_str_equal (path, "/oauth/token"))
    handle_token (self, msg);
  else if (g_str_equal (path, "/oauth/authorize/") || g_str_equal (path, "/oauth/authorize"))
    handle_authorize (self, msg);
  else if (g_str_has_prefix (path, "/_sandbox/"))
    handle_control (self, msg, path);
  else if (g_str_equal (path, "/") && (soup_server_message_get_method (msg) == SOUP_METHOD_GET ||
                                        soup_server_message_get_method (msg) == SOUP_METHOD_HEAD))
    handle_status (self, msg);
  else if (g_str_equal (path, "/"))
    {
      g_autoptr(JsonNode) root = error_node ("METHOD_NOT_ALLOWED", "GET / shows the sandbox's status");

      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", "GET, HEAD");
      set_json_body (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, root);
    }
  else
    {
      g_autoptr(JsonNode) root = error_node ("NOT_FOUND", "Not found");

      set_json_body (msg, SOUP_STATUS_NOT_FOUND, root);
    }
}

/* ------------------------------------------------------------------------ */
/* Server thread                                                             */

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
  soup_server_add_early_handler (self->server, NULL, early_handler_cb, self, NULL);
  soup_server_add_handler (self->server, NULL, handler_cb, self, NULL);
  self->session = soup_session_new_with_options ("user-agent", USER_AGENT, "timeout", 30, NULL);
  self->cancellable = g_cancellable_new ();
  self->bucket = 0;
  self->bucket_us = 0;

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

static gboolean
load_certificate (BotbenchSandbox  *self,
                  GError          **error)
{
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;
  g_autofree char *both = NULL;
  g_autoptr(GError) local_error = NULL;

  if (self->tls_cert_file != NULL)
    {
      if (!g_file_get_contents (self->tls_cert_file, &cert, NULL, &local_error) ||
          !g_file_get_contents (self->tls_key_file ? self->tls_key_file : self->tls_cert_file,
                                &key, NULL, &local_error))
        {
          g_set_error (error, BOTBENCH_SANDBOX_ERROR, BOTBENCH_SANDBOX_ERROR_TLS,
                       _("Cannot read the TLS certificate or key: %s"), local_error->message);
          return FALSE;
        }
    }
  else if (self->state_path != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (self->state_path);

      if (!botbench_sandbox_tls_load_or_generate (dir, &cert, &key, error))
        return FALSE;
    }
  else
    {
      if (self->memory_cert_pem == NULL &&
          !botbench_sandbox_tls_generate (&self->memory_cert_pem, &self->memory_key_pem, error))
        return FALSE;
      cert = g_strdup (self->memory_cert_pem);
      key = g_strdup (self->memory_key_pem);
    }

  both = g_strconcat (cert, "\n", key, NULL);
  self->certificate = g_tls_certificate_new_from_pem (both, -1, &local_error);
  if (self->certificate == NULL)
    {
      g_set_error (error, BOTBENCH_SANDBOX_ERROR, BOTBENCH_SANDBOX_ERROR_TLS,
                   _("The TLS certificate or key is not usable: %s"), local_error->message);
      return FALSE;
    }
  g_object_get (self->certificate, "certificate-pem", &self->served_cert_pem, NULL);

  return TRUE;
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

/* ------------------------------------------------------------------------ */
/* GObject                                                                   */

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

/* ------------------------------------------------------------------------ */
/* Public API                                                                */

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
  self->run.rate_burst = self->rate_burst;
  self->run.rate_per_second = self->rate_per_second;
  self->run.tls = self->tls;

  if ((self->run.tls && !load_certificate (self, error)) ||
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
