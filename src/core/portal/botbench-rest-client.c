/* botbench-rest-client.c: Bitrix24 REST calls for one profile
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One call goes: secrets (read once from the store, shared by concurrent
 * calls) → rate limiter → exchange (one HTTP request with its own timeout)
 * → envelope.  On 401 expired_token/invalid_token an OAuth call joins the
 * one refresh in flight (or starts it) and is retried once; on 503
 * QUERY_LIMIT_EXCEEDED it backs off and retries up to max-retries times.
 *
 * Secrets never reach a log line or an error message: debug lines name the
 * profile UUID and the method, errors are masked with every secret this
 * client has seen, and history records mask themselves.
 */
#define G_LOG_DOMAIN "botbench-rest-client"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "botbench-json.h"
#include "botbench-rest-client.h"
#include "botbench-request-history-private.h"

/* Errors */

typedef struct
{
  char  *code;
  char  *description;
  char  *advice;
  guint  status;
} BotbenchRestErrorPrivate;

static void
botbench_rest_error_private_init (BotbenchRestErrorPrivate *priv)
{
}

static void
botbench_rest_error_private_copy (const BotbenchRestErrorPrivate *src,
                                  BotbenchRestErrorPrivate       *dest)
{
  dest->code = g_strdup (src->code);
  dest->description = g_strdup (src->description);
  dest->advice = g_strdup (src->advice);
  dest->status = src->status;
}

static void
botbench_rest_error_private_clear (BotbenchRestErrorPrivate *priv)
{
  g_clear_pointer (&priv->code, g_free);
  g_clear_pointer (&priv->description, g_free);
  g_clear_pointer (&priv->advice, g_free);
}

G_DEFINE_EXTENDED_ERROR (BotbenchRestError, botbench_rest_error)

const char *
botbench_rest_error_get_code (const GError *error)
{
  BotbenchRestErrorPrivate *priv;

  g_return_val_if_fail (error != NULL, NULL);
  priv = botbench_rest_error_get_private (error);
  return priv ? priv->code : NULL;
}

const char *
botbench_rest_error_get_description (const GError *error)
{
  BotbenchRestErrorPrivate *priv;

  g_return_val_if_fail (error != NULL, NULL);
  priv = botbench_rest_error_get_private (error);
  return priv ? priv->description : NULL;
}

guint
botbench_rest_error_get_http_status (const GError *error)
{
  BotbenchRestErrorPrivate *priv;

  g_return_val_if_fail (error != NULL, 0);
  priv = botbench_rest_error_get_private (error);
  return priv ? priv->status : 0;
}

const char *
botbench_rest_error_get_advice (const GError *error)
{
  BotbenchRestErrorPrivate *priv;

  g_return_val_if_fail (error != NULL, NULL);
  priv = botbench_rest_error_get_private (error);
  return priv ? priv->advice : NULL;
}

/* Response */

struct _BotbenchRestResponse
{
  gatomicrefcount  ref_count;
  JsonNode        *root;
  guint            status;
  gint64           duration;
};

G_DEFINE_BOXED_TYPE (BotbenchRestResponse, botbench_rest_response,
                     botbench_rest_response_ref, botbench_rest_response_unref)

static BotbenchRestResponse *
botbench_rest_response_new (JsonNode *root,
                            guint     status,
                            gint64    duration)
{
  BotbenchRestResponse *self = g_new0 (BotbenchRestResponse, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->root = json_node_ref (root);
  self->status = status;
  self->duration = duration;
  return self;
}

BotbenchRestResponse *
botbench_rest_response_ref (BotbenchRestResponse *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
botbench_rest_response_unref (BotbenchRestResponse *self)
{
  g_return_if_fail (self != NULL);
  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      json_node_unref (self->root);
      g_free (self);
    }
}

JsonNode *
botbench_rest_response_get_root (BotbenchRestResponse *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->root;
}

JsonNode *
botbench_rest_response_get_result (BotbenchRestResponse *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return json_object_get_member (json_node_get_object (self->root), "result");
}

JsonObject *
botbench_rest_response_get_time (BotbenchRestResponse *self)
{
  JsonNode *node;

  g_return_val_if_fail (self != NULL, NULL);
  node = json_object_get_member (json_node_get_object (self->root), "time");
  return node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static gint64
member_int (JsonNode   *root,
            const char *name)
{
  JsonNode *node = json_object_get_member (json_node_get_object (root), name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return -1;
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return g_ascii_strtoll (json_node_get_string (node), NULL, 10);
  return json_node_get_int (node);
}

gboolean
botbench_rest_response_has_next (BotbenchRestResponse *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return member_int (self->root, "next") >= 0;
}

gint64
botbench_rest_response_get_next (BotbenchRestResponse *self)
{
  g_return_val_if_fail (self != NULL, -1);
  return member_int (self->root, "next");
}

gint64
botbench_rest_response_get_total (BotbenchRestResponse *self)
{
  g_return_val_if_fail (self != NULL, -1);
  return member_int (self->root, "total");
}

guint
botbench_rest_response_get_status (BotbenchRestResponse *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->status;
}

gint64
botbench_rest_response_get_duration (BotbenchRestResponse *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->duration;
}

void
botbench_connection_report_free (BotbenchConnectionReport *report)
{
  if (report == NULL)
    return;
  g_free (report->advice);
  g_free (report->user_id);
  g_free (report->user_name);
  g_strfreev (report->scopes);
  g_free (report);
}

/* Client */

struct _BotbenchRestClient
{
  GObject                 parent_instance;

  BotbenchProfile        *profile;
  BotbenchSecretStore    *secrets;
  BotbenchRequestHistory *history;
  BotbenchRateLimiter    *limiter;
  SoupSession            *session;
  GTlsCertificate        *pinned;

  guint                   timeout_ms;
  guint                   max_retries;
  guint                   retry_delay_ms;

  /* Secrets, read once from the store */
  char                   *webhook_secret;
  char                   *access_token;
  char                   *refresh_token;
  char                   *client_secret;
  gboolean                secrets_loaded;
  guint                   load_index;
  GPtrArray              *secret_waiters;   /* GTask */
  guint                   secrets_serial;   /* bumped by reload_secrets() */

  /* Every secret seen, for masking */
  GPtrArray              *mask;

  gboolean                refreshing;
  GPtrArray              *refresh_waiters;  /* GTask */
  guint                   own_writes;       /* refreshed tokens being stored */
};

G_DEFINE_FINAL_TYPE (BotbenchRestClient, botbench_rest_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PROFILE,
  PROP_SECRET_STORE,
  PROP_HISTORY,
  PROP_RATE_LIMITER,
  PROP_TIMEOUT,
  PROP_MAX_RETRIES,
  PROP_RETRY_DELAY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  char       *method;
  JsonObject *params;
  guint       attempt;
  guint       rate_retries;
  gboolean    refreshed;
  char       *used_token;
} CallData;

static void
call_data_free (CallData *data)
{
  g_free (data->method);
  g_clear_pointer (&data->params, json_object_unref);
  g_free (data->used_token);
  g_free (data);
}

static void call_after_secrets (GTask *task);
static void call_send          (GTask *task);

/* Helpers */

static gboolean
is_webhook (BotbenchRestClient *self)
{
  return botbench_profile_get_kind (self->profile) == BOTBENCH_PROFILE_KIND_WEBHOOK;
}

static void
remember_secret (BotbenchRestClient *self,
                 const char         *secret)
{
  if (secret == NULL || *secret == '\0')
    return;
  for (guint i = 0; i < self->mask->len - 1; i++)
    if (g_str_equal (g_ptr_array_index (self->mask, i), secret))
      return;
  /* keep the NULL terminator last */
  g_ptr_array_insert (self->mask, self->mask->len - 1, g_strdup (secret));
}

static const char * const *
mask_list (BotbenchRestClient *self)
{
  return (const char * const *)self->mask->pdata;
}

static char *
mask (BotbenchRestClient *self,
      const char         *text)
{
  return _botbench_mask_secrets (text, mask_list (self));
}

static void
wipe_string (char **field)
{
  if (*field != NULL)
    {
      memset (*field, 0, strlen (*field));
      g_clear_pointer (field, g_free);
    }
}

static GError *
rest_error_new (BotbenchRestClient *self,
                BotbenchRestError   code,
                guint               status,
                const char         *portal_code,
                const char         *description,
                const char         *advice)
{
  BotbenchRestErrorPrivate *priv;
  g_autofree char *masked_description = mask (self, description);
  g_autofree char *masked_advice = mask (self, advice);
  g_autofree char *message = NULL;
  GError *error;

  if (portal_code != NULL && status != 0)
    message = g_strdup_printf (_("%s (%s: %s, HTTP %u)"), masked_advice, portal_code,
                               masked_description ? masked_description : "", status);
  else if (portal_code != NULL)
    message = g_strdup_printf (_("%s (%s: %s)"), masked_advice, portal_code,
                               masked_description ? masked_description : "");
  else
    message = g_strdup (masked_advice);

  error = g_error_new_literal (BOTBENCH_REST_ERROR, code, message);
  priv = botbench_rest_error_get_private (error);
  priv->code = g_strdup (portal_code);
  priv->description = g_steal_pointer (&masked_description);
  priv->advice = g_steal_pointer (&masked_advice);
  priv->status = status;
  return error;
}

/* Maps a portal error to our code and a sentence saying what to fix.
 * Key on the error string: docs and server disagree on several statuses. */
static BotbenchRestError
classify (BotbenchRestClient  *self,
          const char          *method,
          guint                status,
          const char          *code,
          const char          *description,
          char               **advice)
{
  gboolean webhook = is_webhook (self);

  if (g_strcmp0 (code, "ERROR_METHOD_NOT_FOUND") == 0)
    {
      /* Every portal has these: the path, not the method, is wrong */
      if (webhook && (g_ascii_strcasecmp (method, "scope") == 0 || g_ascii_strcasecmp (method, "profile") == 0))
        *advice = g_strdup (_("The portal answered “Method not found!” to a method every portal has: the "
                              "webhook URL is malformed; copy it again (https://<portal>/rest/<user id>/<secret>/)"));
      else
        *advice = g_strdup_printf (_("The portal does not know the method “%s”: check its name and the "
                                     "scope; if every call fails like this, the webhook URL is malformed "
                                     "(it must be https://<portal>/rest/<user id>/<secret>/)"), method);
      return BOTBENCH_REST_ERROR_METHOD_NOT_FOUND;
    }
  if (g_strcmp0 (code, "INVALID_CREDENTIALS") == 0)
    {
      *advice = g_strdup (_("The webhook user id or secret is wrong, or the webhook was deleted: copy the "
                            "webhook URL again from Developer resources → Other → Inbound webhook"));
      return BOTBENCH_REST_ERROR_INVALID_CREDENTIALS;
    }
  if (g_strcmp0 (code, "INVALID_REQUEST") == 0 && description != NULL &&
      strstr (description, "Https required") != NULL)
    {
      *advice = g_strdup (_("The portal refuses webhook calls over plain http: use https:// in the webhook URL"));
      return BOTBENCH_REST_ERROR_HTTPS_REQUIRED;
    }
  if (g_strcmp0 (code, "insufficient_scope") == 0)
    {
      if (webhook)
        *advice = g_strdup_printf (_("The webhook lacks a permission “%s” needs: add the scope (for bots, "
                                     "“imbot”, Chat bots) to the webhook on the portal and save"), method);
      else
        *advice = g_strdup_printf (_("The application lacks a permission “%s” needs: add the scope (for "
                                     "bots, “imbot”, Chat bots) to the application and reinstall it"), method);
      return BOTBENCH_REST_ERROR_INSUFFICIENT_SCOPE;
    }
  if (g_strcmp0 (code, "NO_AUTH_FOUND") == 0)
    {
      *advice = g_strdup (_("The portal found no credentials in the request: check the profile's webhook "
                            "URL or OAuth tokens"));
      return BOTBENCH_REST_ERROR_NO_AUTH;
    }
  if (g_strcmp0 (code, "expired_token") == 0)
    {
      *advice = g_strdup (_("The access token has expired and could not be refreshed: authorize the "
                            "application again to get new tokens"));
      return BOTBENCH_REST_ERROR_EXPIRED_TOKEN;
    }
  if (g_strcmp0 (code, "invalid_token") == 0)
    {
      *advice = g_strdup (_("The portal does not accept the access token: authorize the application again "
                            "to get new tokens"));
      return BOTBENCH_REST_ERROR_INVALID_TOKEN;
    }
  if (g_strcmp0 (code, "ACCESS_DENIED") == 0)
    {
      if (description != NULL && strstr (description, "Client ID") != NULL)
        *advice = g_strdup (_("In webhook mode every imbot call needs CLIENT_ID: set the profile's "
                              "CLIENT_ID (letters and digits) and keep it constant"));
      else if (description != NULL && strstr (description, "commercial") != NULL)
        *advice = g_strdup (_("REST is only available on commercial plans: upgrade the portal's plan"));
      else
        *advice = g_strdup (webhook
                            ? _("The user behind this webhook may not do this: use an administrator's "
                                "webhook or ask for access")
                            : _("The user who installed this application may not do this: ask an "
                                "administrator for access"));
      return BOTBENCH_REST_ERROR_ACCESS_DENIED;
    }
  if (g_strcmp0 (code, "WRONG_AUTH_TYPE") == 0)
    {
      *advice = g_strdup_printf (_("“%s” is not available with this kind of authorization: use an "
                                   "OAuth application or an incoming webhook as the method requires"), method);
      return BOTBENCH_REST_ERROR_WRONG_AUTH_TYPE;
    }
  if (g_strcmp0 (code, "QUERY_LIMIT_EXCEEDED") == 0)
    {
      *advice = g_strdup_printf (_("Too many requests: the portal still refused after %u retries "
                                   "(limit: bursts of 50, then 2 per second); slow down and try again"),
                                 self->max_retries);
      return BOTBENCH_REST_ERROR_QUERY_LIMIT_EXCEEDED;
    }
  if (g_strcmp0 (code, "OPERATION_TIME_LIMIT") == 0)
    {
      *advice = g_strdup_printf (_("“%s” used up its execution-time budget on the portal: wait up to "
                                   "ten minutes before calling it again"), method);
      return BOTBENCH_REST_ERROR_OPERATION_TIME_LIMIT;
    }
  if (g_strcmp0 (code, "OVERLOAD_LIMIT") == 0)
    {
      *advice = g_strdup (_("The portal's REST API is blocked because of overload: try again later or "
                            "contact Bitrix24 support"));
      return BOTBENCH_REST_ERROR_OVERLOAD;
    }
  if (g_strcmp0 (code, "INTERNAL_SERVER_ERROR") == 0 || g_strcmp0 (code, "ERROR_UNEXPECTED_ANSWER") == 0)
    {
      *advice = g_strdup (_("The portal failed internally: try again later"));
      return BOTBENCH_REST_ERROR_SERVER_ERROR;
    }
  if (g_strcmp0 (code, "authorization_error") == 0)
    *advice = g_strdup (webhook
                        ? _("The user behind this webhook cannot be authorized (deactivated?): use an "
                            "active user's webhook")
                        : _("The user behind this token cannot be authorized (deactivated?): authorize "
                            "the application as an active user"));
  else if (g_strcmp0 (code, "APPLICATION_NOT_FOUND") == 0)
    *advice = g_strdup (_("The application was deleted or deactivated on the portal: install it again"));
  else if (g_strcmp0 (code, "user_access_error") == 0)
    *advice = g_strdup (_("The application is restricted to other users on this portal: change its access "
                          "settings"));
  else if (g_strcmp0 (code, "PAYMENT_REQUIRED") == 0)
    *advice = g_strdup (_("The portal's subscription or the application's payment has expired"));
  else if (g_strcmp0 (code, "PORTAL_DELETED") == 0)
    *advice = g_strdup (_("The portal was deleted: check the portal address"));
  else if (g_strcmp0 (code, "APP_ID_ERROR") == 0)
    *advice = g_strdup (_("The bot belongs to another CLIENT_ID: use the CLIENT_ID it was registered with"));
  else if (status >= 500)
    {
      *advice = g_strdup_printf (_("The portal failed (HTTP %u): try again later"), status);
      return BOTBENCH_REST_ERROR_SERVER_ERROR;
    }
  else
    *advice = g_strdup_printf (_("The portal refused “%s”"), method);

  return BOTBENCH_REST_ERROR_FAILED;
}

static GError *
transport_error (BotbenchRestClient *self,
                 const GError       *error,
                 gboolean            timed_out,
                 const char         *host)
{
  g_autofree char *advice = NULL;
  BotbenchRestError code;

  if (timed_out)
    {
      advice = g_strdup_printf (_("The portal did not answer within %u s: check your connection, or raise "
                                  "the timeout for slow methods"), (self->timeout_ms + 999) / 1000);
      code = BOTBENCH_REST_ERROR_TIMEOUT;
    }
  else if (error->domain == G_TLS_ERROR)
    {
      advice = g_strdup_printf (_("The TLS certificate of %s is not trusted (%s): check the address; for "
                                  "the sandbox, use the certificate it generated"), host, error->message);
      code = BOTBENCH_REST_ERROR_TLS;
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      advice = g_strdup_printf (_("The portal did not answer in time: check your connection, or raise "
                                  "the timeout for slow methods"));
      code = BOTBENCH_REST_ERROR_TIMEOUT;
    }
  else
    {
      advice = g_strdup_printf (_("Cannot reach %s (%s): check the portal address and your network "
                                  "connection"), host, error->message);
      code = BOTBENCH_REST_ERROR_UNREACHABLE;
    }

  return rest_error_new (self, code, 0, NULL, NULL, advice);
}

static void
record (BotbenchRestClient *self,
        const char         *method,
        SoupMessage        *msg,
        const char         *request_body,
        GBytes             *response,
        gint64              start_wall,
        gint64              duration,
        const GError       *error,
        guint               attempt)
{
  g_autoptr(BotbenchRequestRecord) entry = NULL;
  g_autofree char *url = g_uri_to_string (soup_message_get_uri (msg));
  g_autofree char *body = NULL;

  if (response != NULL)
    body = g_strndup (g_bytes_get_data (response, NULL), g_bytes_get_size (response));

  entry = _botbench_request_record_new (botbench_profile_get_uuid (self->profile),
                                        method,
                                        soup_message_get_method (msg),
                                        url, request_body, body,
                                        soup_message_get_status (msg),
                                        start_wall, duration,
                                        error ? error->message : NULL,
                                        attempt, mask_list (self));
  botbench_request_history_append (self->history, entry);
}

static gboolean
ensure_session (BotbenchRestClient  *self,
                GError             **error)
{
  g_autoptr(GError) local_error = NULL;

  if (self->session != NULL)
    return TRUE;

  g_clear_object (&self->pinned);
  self->pinned = botbench_profile_dup_certificate (self->profile, &local_error);
  if (local_error != NULL)
    {
      *error = rest_error_new (self, BOTBENCH_REST_ERROR_BAD_PROFILE, 0, NULL, NULL, local_error->message);
      return FALSE;
    }

  if (self->pinned != NULL)
    /* No database: every certificate goes through accept-certificate, which
     * accepts exactly the pinned one — not the system CAs as well. */
    self->session = soup_session_new_with_options ("tls-database", NULL, NULL);
  else
    self->session = soup_session_new ();
  soup_session_set_user_agent (self->session, "Botbench/" PACKAGE_VERSION " ");
  /* Our own per-attempt timer does the timing out. */
  soup_session_set_timeout (self->session, 0);

  return TRUE;
}

/* Exchange: one HTTP request with a timeout and the caller's cancellable */

typedef struct
{
  SoupMessage  *msg;
  GCancellable *cancellable;  /* ours: cancelled by the timer or the caller's */
  GCancellable *caller;
  gulong        caller_id;
  GSource      *timer;
  gboolean      timed_out;
  gint64        start;
  gint64        start_wall;
  gint64        duration;
} Exchange;

static void
exchange_free (Exchange *ex)
{
  if (ex->caller_id != 0)
    g_cancellable_disconnect (ex->caller, ex->caller_id);
  if (ex->timer != NULL)
    {
      g_source_destroy (ex->timer);
      g_source_unref (ex->timer);
    }
  g_clear_object (&ex->caller);
  g_clear_object (&ex->cancellable);
  g_clear_object (&ex->msg);
  g_free (ex);
}

static gboolean
botbench_rest_client_exchange_timeout_cb (gpointer data)
{
  Exchange *ex = data;

  ex->timed_out = TRUE;
  g_cancellable_cancel (ex->cancellable);
  return G_SOURCE_REMOVE;
}

static void
botbench_rest_client_exchange_cancelled_cb (GCancellable *caller,
                                            GCancellable *ours)
{
  g_cancellable_cancel (ours);
}

static gboolean
botbench_rest_client_accept_certificate_cb (SoupMessage          *msg,
                                            GTlsCertificate      *certificate,
                                            GTlsCertificateFlags  errors,
                                            BotbenchRestClient   *self)
{
  gboolean ok = self->pinned != NULL && g_tls_certificate_is_same (certificate, self->pinned);

  g_debug ("Certificate for profile %s %s the pinned one", botbench_profile_get_uuid (self->profile),
           ok ? "is" : "is not");
  return ok;
}

static void
botbench_rest_client_exchange_cb (GObject      *object,
                                  GAsyncResult *result,
                                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BotbenchRestClient *self = g_task_get_source_object (task);
  Exchange *ex = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  ex->duration = g_get_monotonic_time () - ex->start;
  if (ex->timer != NULL)
    {
      g_source_destroy (ex->timer);
      g_clear_pointer (&ex->timer, g_source_unref);
    }

  /* Belt and braces: over TLS, the peer must be exactly the pinned certificate */
  if (bytes != NULL && self->pinned != NULL &&
      g_ascii_strcasecmp (g_uri_get_scheme (soup_message_get_uri (ex->msg)), "https") == 0)
    {
      GTlsCertificate *peer = soup_message_get_tls_peer_certificate (ex->msg);

      if (peer == NULL || !g_tls_certificate_is_same (peer, self->pinned))
        {
          g_clear_pointer (&bytes, g_bytes_unref);
          error = g_error_new_literal (G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE,
                                       _("the certificate is not the pinned one"));
        }
    }

  if (bytes == NULL)
    {
      g_autoptr(GUri) uri = g_uri_ref (soup_message_get_uri (ex->msg));

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && !ex->timed_out)
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_error (task, transport_error (self, error, ex->timed_out, g_uri_get_host (uri)));
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&bytes), (GDestroyNotify)g_bytes_unref);
}

static void
exchange_async (BotbenchRestClient  *self,
                SoupMessage         *msg,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);
  Exchange *ex = g_new0 (Exchange, 1);

  g_task_set_source_tag (task, exchange_async);
  g_task_set_task_data (task, ex, (GDestroyNotify)exchange_free);
  ex->msg = g_object_ref (msg);
  ex->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      ex->caller = g_object_ref (cancellable);
      ex->caller_id = g_cancellable_connect (cancellable,
                                             G_CALLBACK (botbench_rest_client_exchange_cancelled_cb),
                                             ex->cancellable, NULL);
    }
  if (self->timeout_ms > 0)
    {
      ex->timer = g_timeout_source_new (self->timeout_ms);
      g_source_set_callback (ex->timer, botbench_rest_client_exchange_timeout_cb, ex, NULL);
      g_source_attach (ex->timer, g_task_get_context (task));
    }
  if (self->pinned != NULL)
    g_signal_connect_object (msg, "accept-certificate",
                             G_CALLBACK (botbench_rest_client_accept_certificate_cb), self, 0);

  ex->start = g_get_monotonic_time ();
  ex->start_wall = g_get_real_time ();
  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT, ex->cancellable,
                                    botbench_rest_client_exchange_cb, g_steal_pointer (&task));
}

static GBytes *
exchange_finish (BotbenchRestClient  *self,
                 GAsyncResult        *result,
                 Exchange           **ex,
                 GError             **error)
{
  g_assert (g_task_is_valid (result, self));
  *ex = g_task_get_task_data (G_TASK (result));
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Secrets */

static const BotbenchSecretKind webhook_kinds[] = { BOTBENCH_SECRET_KIND_WEBHOOK_SECRET };
static const BotbenchSecretKind oauth_kinds[] = {
  BOTBENCH_SECRET_KIND_ACCESS_TOKEN,
  BOTBENCH_SECRET_KIND_REFRESH_TOKEN,
  BOTBENCH_SECRET_KIND_CLIENT_SECRET,
};

static void load_next_secret (BotbenchRestClient *self);

static void
finish_loading_secrets (BotbenchRestClient *self,
                        const GError       *error)
{
  g_autoptr(GPtrArray) waiters = g_steal_pointer (&self->secret_waiters);

  self->secrets_loaded = error == NULL;
  for (guint i = 0; i < waiters->len; i++)
    {
      GTask *task = g_ptr_array_index (waiters, i);

      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        call_after_secrets (g_object_ref (task));
    }
}

typedef struct
{
  BotbenchRestClient *self;
  guint               serial;
} LoadData;

static void
botbench_rest_client_secret_loaded_cb (GObject      *object,
                                       GAsyncResult *result,
                                       gpointer      user_data)
{
  LoadData *data = user_data;
  g_autoptr(BotbenchRestClient) self = data->self;
  g_autoptr(GError) error = NULL;
  const BotbenchSecretKind *kinds = is_webhook (self) ? webhook_kinds : oauth_kinds;
  char *secret;

  secret = botbench_secret_store_lookup_finish (BOTBENCH_SECRET_STORE (object), result, &error);
  if (data->serial != self->secrets_serial || self->secret_waiters == NULL)
    {
      /* reload_secrets() was called meanwhile; a new load is running */
      botbench_secret_free (secret);
      g_free (data);
      return;
    }
  g_free (data);

  if (error != NULL)
    {
      g_debug ("Cannot read the secrets of profile %s", botbench_profile_get_uuid (self->profile));
      finish_loading_secrets (self, error);
      return;
    }

  remember_secret (self, secret);
  switch (kinds[self->load_index])
    {
    case BOTBENCH_SECRET_KIND_WEBHOOK_SECRET: self->webhook_secret = secret; break;
    case BOTBENCH_SECRET_KIND_ACCESS_TOKEN: self->access_token = secret; break;
    case BOTBENCH_SECRET_KIND_REFRESH_TOKEN: self->refresh_token = secret; break;
    case BOTBENCH_SECRET_KIND_CLIENT_SECRET: self->client_secret = secret; break;
    case BOTBENCH_SECRET_KIND_ANY:
    default:
      g_assert_not_reached ();
    }

  self->load_index++;
  load_next_secret (self);
}

static void
load_next_secret (BotbenchRestClient *self)
{
  const BotbenchSecretKind *kinds = is_webhook (self) ? webhook_kinds : oauth_kinds;
  guint n_kinds = is_webhook (self) ? G_N_ELEMENTS (webhook_kinds) : G_N_ELEMENTS (oauth_kinds);
  LoadData *data;

  if (self->load_index >= n_kinds)
    {
      g_debug ("Read the secrets of profile %s", botbench_profile_get_uuid (self->profile));
      finish_loading_secrets (self, NULL);
      return;
    }

  data = g_new0 (LoadData, 1);
  data->self = g_object_ref (self);
  data->serial = self->secrets_serial;
  botbench_secret_store_lookup_async (self->secrets, botbench_profile_get_uuid (self->profile),
                                      kinds[self->load_index], NULL,
                                      botbench_rest_client_secret_loaded_cb, data);
}

static void
clear_cached_secrets (BotbenchRestClient *self)
{
  wipe_string (&self->webhook_secret);
  wipe_string (&self->access_token);
  wipe_string (&self->refresh_token);
  wipe_string (&self->client_secret);
  self->secrets_loaded = FALSE;
}

static void
ensure_secrets (BotbenchRestClient *self,
                GTask              *task)
{
  if (self->secrets_loaded)
    {
      call_after_secrets (task);
      return;
    }

  if (self->secret_waiters != NULL)
    {
      g_ptr_array_add (self->secret_waiters, task);
      return;
    }

  self->secret_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (self->secret_waiters, task);
  clear_cached_secrets (self);
  self->load_index = 0;
  load_next_secret (self);
}

/* Token refresh */

static void
finish_refresh (BotbenchRestClient *self,
                const GError       *error)
{
  g_autoptr(GPtrArray) waiters = g_steal_pointer (&self->refresh_waiters);

  self->refreshing = FALSE;
  for (guint i = 0; i < waiters->len; i++)
    {
      GTask *task = g_ptr_array_index (waiters, i);

      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        call_send (g_object_ref (task));
    }
}

static void
botbench_rest_client_refresh_stored_cb (GObject      *object,
                                        GAsyncResult *result,
                                        gpointer      user_data)
{
  g_autoptr(BotbenchRestClient) self = user_data;
  g_autoptr(GError) error = NULL;

  self->own_writes--;
  if (!botbench_secret_store_store_finish (BOTBENCH_SECRET_STORE (object), result, &error))
    /* The call can still go on with the tokens in memory. */
    g_debug ("Cannot store the refreshed tokens of profile %s: %s",
             botbench_profile_get_uuid (self->profile), error->message);
}

static void
botbench_rest_client_access_stored_cb (GObject      *object,
                                       GAsyncResult *result,
                                       gpointer      user_data)
{
  g_autoptr(BotbenchRestClient) self = user_data;
  g_autoptr(GError) error = NULL;

  self->own_writes--;
  if (!botbench_secret_store_store_finish (BOTBENCH_SECRET_STORE (object), result, &error))
    g_debug ("Cannot store the refreshed access token of profile %s: %s",
             botbench_profile_get_uuid (self->profile), error->message);

  finish_refresh (self, NULL);
}

static void
botbench_rest_client_refresh_cb (GObject      *object,
                                 GAsyncResult *result,
                                 gpointer      user_data)
{
  g_autoptr(BotbenchRestClient) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *obj = NULL;
  const char *access_token = NULL;
  const char *refresh_token = NULL;
  Exchange *ex;
  guint status;
  const char *uuid = botbench_profile_get_uuid (self->profile);

  bytes = exchange_finish (self, result, &ex, &error);
  status = soup_message_get_status (ex->msg);

  /* The token server's answer is untrusted bytes like any other. */
  if (bytes != NULL &&
      (root = botbench_json_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL)) != NULL &&
      JSON_NODE_HOLDS_OBJECT (root))
    {
      obj = json_node_get_object (root);
      access_token = json_object_get_string_member_with_default (obj, "access_token", NULL);
      refresh_token = json_object_get_string_member_with_default (obj, "refresh_token", NULL);
      remember_secret (self, access_token);
      remember_secret (self, refresh_token);
    }

  if (error == NULL && (access_token == NULL || refresh_token == NULL || status != SOUP_STATUS_OK))
    {
      const char *code = obj ? json_object_get_string_member_with_default (obj, "error", NULL) : NULL;
      const char *description = obj ? json_object_get_string_member_with_default (obj, "error_description", NULL) : NULL;
      const char *advice;

      if (g_strcmp0 (code, "invalid_grant") == 0)
        advice = _("The refresh token has expired or was revoked: authorize the application again");
      else if (g_strcmp0 (code, "invalid_client") == 0)
        advice = _("The token server does not accept the client_id or client_secret: copy them again from "
                   "the application's settings");
      else
        advice = _("The access token expired and the token server did not give a new one");

      error = rest_error_new (self, BOTBENCH_REST_ERROR_REFRESH_FAILED, status,
                              code ? code : "no_token", description ? description : "", advice);
    }

  record (self, "oauth/token", ex->msg, NULL, bytes, ex->start_wall, ex->duration, error, 1);

  if (error != NULL)
    {
      g_debug ("Token refresh for profile %s failed", uuid);
      finish_refresh (self, error);
      return;
    }

  g_debug ("Refreshed the tokens of profile %s", uuid);
  wipe_string (&self->access_token);
  wipe_string (&self->refresh_token);
  self->access_token = g_strdup (access_token);
  self->refresh_token = g_strdup (refresh_token);

  if (json_object_has_member (obj, "expires"))
    botbench_profile_set_token_expires (self->profile, json_object_get_int_member (obj, "expires"));
  else if (json_object_has_member (obj, "expires_in"))
    botbench_profile_set_token_expires (self->profile, g_get_real_time () / G_USEC_PER_SEC +
                                        json_object_get_int_member (obj, "expires_in"));

  /* Store both (refresh token first: it is the one that must not be lost),
   * then retry the waiting calls. */
  self->own_writes += 2;
  botbench_secret_store_store_async (self->secrets, uuid, BOTBENCH_SECRET_KIND_REFRESH_TOKEN,
                                     self->refresh_token, NULL,
                                     botbench_rest_client_refresh_stored_cb, g_object_ref (self));
  botbench_secret_store_store_async (self->secrets, uuid, BOTBENCH_SECRET_KIND_ACCESS_TOKEN,
                                     self->access_token, NULL,
                                     botbench_rest_client_access_stored_cb, g_object_ref (self));
}

static void
start_refresh (BotbenchRestClient *self,
               GTask              *task)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GString) url = NULL;
  g_autoptr(GError) error = NULL;
  const char *endpoint = botbench_profile_get_token_endpoint (self->profile);
  const char *client_id = botbench_profile_get_oauth_client_id (self->profile);

  if (self->refreshing)
    {
      g_ptr_array_add (self->refresh_waiters, task);
      return;
    }

  if (self->refresh_token == NULL || self->client_secret == NULL || client_id == NULL)
    {
      g_task_return_error (task, rest_error_new (self, BOTBENCH_REST_ERROR_EXPIRED_TOKEN, 401,
                                                 "expired_token", NULL,
                                                 _("The access token has expired and cannot be refreshed: "
                                                   "the profile lacks the refresh token, client_id or "
                                                   "client_secret")));
      g_object_unref (task);
      return;
    }

  url = g_string_new (endpoint);
  g_string_append_c (url, strchr (endpoint, '?') ? '&' : '?');
  g_string_append (url, "grant_type=refresh_token&client_id=");
  g_string_append_uri_escaped (url, client_id, NULL, FALSE);
  g_string_append (url, "&client_secret=");
  g_string_append_uri_escaped (url, self->client_secret, NULL, FALSE);
  g_string_append (url, "&refresh_token=");
  g_string_append_uri_escaped (url, self->refresh_token, NULL, FALSE);

  msg = soup_message_new (SOUP_METHOD_GET, url->str);
  if (msg == NULL)
    {
      g_task_return_error (task, rest_error_new (self, BOTBENCH_REST_ERROR_BAD_PROFILE, 0, NULL, NULL,
                                                 _("The profile's token endpoint is not a valid URL")));
      g_object_unref (task);
      return;
    }
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept", "application/json");

  self->refreshing = TRUE;
  self->refresh_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (self->refresh_waiters, task);
  g_debug ("Refreshing the tokens of profile %s", botbench_profile_get_uuid (self->profile));
  exchange_async (self, msg, NULL, botbench_rest_client_refresh_cb, g_object_ref (self));
}

/* A call */

static gboolean
method_is_imbot (const char *method)
{
  return g_ascii_strncasecmp (method, "imbot.", 6) == 0;
}

static gboolean
object_has_member_nocase (JsonObject *object,
                          const char *name)
{
  g_autoptr(GList) members = json_object_get_members (object);

  for (GList *l = members; l; l = l->next)
    if (g_ascii_strcasecmp (l->data, name) == 0)
      return TRUE;
  return FALSE;
}

static char *
build_body (BotbenchRestClient *self,
            CallData           *data)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);

  if (data->params != NULL)
    {
      g_autoptr(GList) members = json_object_get_members (data->params);

      for (GList *l = members; l; l = l->next)
        json_object_set_member (body, l->data,
                                json_node_copy (json_object_get_member (data->params, l->data)));
    }

  if (is_webhook (self))
    {
      const char *client_id = botbench_profile_get_client_id (self->profile);

      /* §2.6: top level, every imbot call, always the same value */
      if (method_is_imbot (data->method) && client_id != NULL && *client_id != '\0' &&
          !object_has_member_nocase (body, "CLIENT_ID"))
        json_object_set_string_member (body, "CLIENT_ID", client_id);
    }
  else if (self->access_token != NULL)
    json_object_set_string_member (body, "auth", self->access_token);

  json_node_set_object (root, body);
  return json_to_string (root, FALSE);
}

static char *
build_url (BotbenchRestClient *self,
           const char         *method)
{
  const char *portal = botbench_profile_get_portal_url (self->profile);
  const char *slash = g_str_has_suffix (portal, "/") ? "" : "/";

  if (is_webhook (self))
    return g_strdup_printf ("%s%srest/%s/%s/%s.json", portal, slash,
                            botbench_profile_get_user_id (self->profile), self->webhook_secret, method);
  return g_strdup_printf ("%s%srest/%s.json", portal, slash, method);
}

typedef struct
{
  GTask   *task;
  GSource *source;
  gulong   cancelled_id;
} Backoff;

static gboolean
botbench_rest_client_backoff_timeout_cb (gpointer user_data)
{
  Backoff *backoff = user_data;
  GTask *task = backoff->task;

  if (backoff->cancelled_id != 0)
    g_cancellable_disconnect (g_task_get_cancellable (task), backoff->cancelled_id);
  g_source_unref (backoff->source);
  g_free (backoff);

  if (g_task_return_error_if_cancelled (task))
    g_object_unref (task);
  else
    call_send (task);
  return G_SOURCE_REMOVE;
}

static void
botbench_rest_client_backoff_cancelled_cb (GCancellable *cancellable,
                                           Backoff      *backoff)
{
  /* Fire now; the timeout callback sees the cancellation. */
  g_source_set_ready_time (backoff->source, 0);
}

/* Waits @delay_ms (or until cancelled), then sends again; takes @task. */
static void
call_backoff (GTask *task,
              guint  delay_ms)
{
  GCancellable *cancellable = g_task_get_cancellable (task);
  Backoff *backoff = g_new0 (Backoff, 1);

  backoff->task = task;
  backoff->source = g_timeout_source_new (delay_ms);
  g_source_set_callback (backoff->source, botbench_rest_client_backoff_timeout_cb, backoff, NULL);
  if (cancellable != NULL)
    backoff->cancelled_id = g_cancellable_connect (cancellable,
                                                   G_CALLBACK (botbench_rest_client_backoff_cancelled_cb),
                                                   backoff, NULL);
  g_source_attach (backoff->source, g_task_get_context (task));
}

static void
botbench_rest_client_call_cb (GObject      *object,
                              GAsyncResult *result,
                              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BotbenchRestClient *self = g_task_get_source_object (task);
  CallData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) json_error = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *obj = NULL;
  Exchange *ex;
  guint status;
  const char *request_body;

  bytes = exchange_finish (self, result, &ex, &error);
  status = soup_message_get_status (ex->msg);
  request_body = g_object_get_data (G_OBJECT (ex->msg), "botbench-body");

  /* A portal (or whatever answers at its address) is untrusted too: the
   * depth and single-value checks come before json-glib. */
  if (bytes != NULL &&
      (root = botbench_json_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &json_error)) != NULL &&
      JSON_NODE_HOLDS_OBJECT (root))
    obj = json_node_get_object (root);

  if (error == NULL && obj != NULL && json_object_has_member (obj, "error"))
    {
      const char *code = json_object_get_string_member_with_default (obj, "error", "");
      const char *description = json_object_get_string_member_with_default (obj, "error_description", "");
      g_autofree char *advice = NULL;
      BotbenchRestError kind = classify (self, data->method, status, code, description, &advice);

      record (self, data->method, ex->msg, request_body, bytes, ex->start_wall, ex->duration, NULL,
              data->attempt);

      if (!is_webhook (self) && status == SOUP_STATUS_UNAUTHORIZED && !data->refreshed &&
          (kind == BOTBENCH_REST_ERROR_EXPIRED_TOKEN || kind == BOTBENCH_REST_ERROR_INVALID_TOKEN) &&
          /* Nothing to refresh with: the portal's own error (code, description) stands */
          self->refresh_token != NULL && self->client_secret != NULL &&
          botbench_profile_get_oauth_client_id (self->profile) != NULL)
        {
          data->refreshed = TRUE;
          data->attempt++;
          /* Another call may have refreshed meanwhile: then just retry. */
          if (g_strcmp0 (data->used_token, self->access_token) != 0 && !self->refreshing)
            call_send (g_steal_pointer (&task));
          else
            start_refresh (self, g_steal_pointer (&task));
          return;
        }

      if (kind == BOTBENCH_REST_ERROR_QUERY_LIMIT_EXCEEDED && data->rate_retries < self->max_retries)
        {
          guint delay = self->retry_delay_ms << MIN (data->rate_retries, 16);

          data->rate_retries++;
          data->attempt++;
          botbench_rate_limiter_saturate (self->limiter);
          g_debug ("%s: QUERY_LIMIT_EXCEEDED, retry %u in %u ms", data->method, data->rate_retries, delay);
          call_backoff (g_steal_pointer (&task), delay);
          return;
        }

      g_task_return_error (task, rest_error_new (self, kind, status, code, description, advice));
      return;
    }

  if (error == NULL && obj != NULL && json_object_has_member (obj, "result"))
    {
      record (self, data->method, ex->msg, request_body, bytes, ex->start_wall, ex->duration, NULL,
              data->attempt);
      g_debug ("%s for profile %s: HTTP %u in %" G_GINT64_FORMAT " ms", data->method,
               botbench_profile_get_uuid (self->profile), status, ex->duration / 1000);
      g_task_return_pointer (task, botbench_rest_response_new (root, status, ex->duration),
                             (GDestroyNotify)botbench_rest_response_unref);
      return;
    }

  if (error == NULL)
    {
      g_autofree char *advice = NULL;

      if (status >= 500)
        {
          advice = g_strdup_printf (_("The portal failed (HTTP %u): try again later"), status);
          error = rest_error_new (self, BOTBENCH_REST_ERROR_SERVER_ERROR, status, NULL, NULL, advice);
        }
      else if (g_error_matches (json_error, BOTBENCH_JSON_ERROR, BOTBENCH_JSON_ERROR_TOO_DEEP) ||
               g_error_matches (json_error, BOTBENCH_JSON_ERROR, BOTBENCH_JSON_ERROR_TRAILING_DATA))
        {
          advice = g_strdup_printf (_("The portal's answer to “%s” is not a Bitrix24 REST response "
                                      "(HTTP %u): %s"), data->method, status, json_error->message);
          error = rest_error_new (self, BOTBENCH_REST_ERROR_BAD_RESPONSE, status, NULL, NULL, advice);
        }
      else
        {
          advice = g_strdup_printf (_("The portal's answer to “%s” is not a Bitrix24 REST response "
                                      "(HTTP %u): check the portal address"), data->method, status);
          error = rest_error_new (self, BOTBENCH_REST_ERROR_BAD_RESPONSE, status, NULL, NULL, advice);
        }
    }

  record (self, data->method, ex->msg, request_body, bytes, ex->start_wall, ex->duration, error,
          data->attempt);
  g_task_return_error (task, g_steal_pointer (&error));
}

static void
call_send (GTask *task)
{
  BotbenchRestClient *self = g_task_get_source_object (task);
  CallData *data = g_task_get_task_data (task);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body_bytes = NULL;
  g_autofree char *url = NULL;
  char *body;

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }

  url = build_url (self, data->method);
  msg = soup_message_new (SOUP_METHOD_POST, url);
  if (msg == NULL)
    {
      g_task_return_error (task, rest_error_new (self, BOTBENCH_REST_ERROR_BAD_PROFILE, 0, NULL, NULL,
                                                 _("The profile's portal URL or the method name does not "
                                                   "make a valid URL")));
      g_object_unref (task);
      return;
    }

  body = build_body (self, data);
  g_object_set_data_full (G_OBJECT (msg), "botbench-body", g_strdup (body), g_free);
  body_bytes = g_bytes_new_take (body, strlen (body));
  soup_message_set_request_body_from_bytes (msg, "application/json", body_bytes);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept", "application/json");

  g_free (data->used_token);
  data->used_token = g_strdup (self->access_token);

  exchange_async (self, msg, g_task_get_cancellable (task), botbench_rest_client_call_cb, task);
}

static void
botbench_rest_client_acquired_cb (GObject      *object,
                                  GAsyncResult *result,
                                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!botbench_rate_limiter_acquire_finish (BOTBENCH_RATE_LIMITER (object), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  call_send (g_steal_pointer (&task));
}

static void
call_after_secrets (GTask *task)
{
  BotbenchRestClient *self = g_task_get_source_object (task);

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }

  if (is_webhook (self) && self->webhook_secret == NULL)
    {
      g_task_return_error (task, rest_error_new (self, BOTBENCH_REST_ERROR_MISSING_SECRET, 0, NULL, NULL,
                                                 _("No webhook secret is stored for this profile: paste "
                                                   "the webhook URL again")));
      g_object_unref (task);
      return;
    }
  if (!is_webhook (self) && self->access_token == NULL && self->refresh_token == NULL)
    {
      g_task_return_error (task, rest_error_new (self, BOTBENCH_REST_ERROR_MISSING_SECRET, 0, NULL, NULL,
                                                 _("No OAuth tokens are stored for this profile: authorize "
                                                   "the application and enter its tokens")));
      g_object_unref (task);
      return;
    }

  botbench_rate_limiter_acquire_async (self->limiter, g_task_get_cancellable (task),
                                       botbench_rest_client_acquired_cb, task);
}

/* Callbacks */

static void
botbench_rest_client_certificate_changed_cb (BotbenchRestClient *self)
{
  /* A new pin needs a new session (and its connections). */
  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);
}

static void
botbench_rest_client_credentials_changed_cb (BotbenchRestClient *self)
{
  botbench_rest_client_reload_secrets (self);
}

static void
botbench_rest_client_secret_changed_cb (BotbenchRestClient *self,
                                        const char         *profile_uuid,
                                        guint               kind)
{
  if (g_strcmp0 (profile_uuid, botbench_profile_get_uuid (self->profile)) != 0)
    return;
  /* Our own refreshed tokens: already in memory */
  if (self->own_writes > 0 &&
      (kind == BOTBENCH_SECRET_KIND_ACCESS_TOKEN || kind == BOTBENCH_SECRET_KIND_REFRESH_TOKEN))
    return;
  g_debug ("Secrets of profile %s changed, reading them again", profile_uuid);
  botbench_rest_client_reload_secrets (self);
}

/* Overrides */

static void
botbench_rest_client_constructed (GObject *object)
{
  BotbenchRestClient *self = (BotbenchRestClient *)object;

  G_OBJECT_CLASS (botbench_rest_client_parent_class)->constructed (object);

  g_assert (self->profile != NULL);
  if (self->secrets == NULL)
    self->secrets = botbench_secret_store_new ();
  if (self->history == NULL)
    self->history = botbench_request_history_new ();
  if (self->limiter == NULL)
    self->limiter = botbench_rate_limiter_new (BOTBENCH_RATE_LIMITER_DEFAULT_BURST,
                                               BOTBENCH_RATE_LIMITER_DEFAULT_DRAIN);

  g_signal_connect_object (self->profile, "notify::certificate-pem",
                           G_CALLBACK (botbench_rest_client_certificate_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->profile, "notify::kind",
                           G_CALLBACK (botbench_rest_client_credentials_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->secrets, "changed",
                           G_CALLBACK (botbench_rest_client_secret_changed_cb),
                           self, G_CONNECT_SWAPPED);
}

static void
botbench_rest_client_dispose (GObject *object)
{
  BotbenchRestClient *self = (BotbenchRestClient *)object;

  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);
  g_clear_object (&self->pinned);
  g_clear_object (&self->limiter);
  g_clear_object (&self->history);
  g_clear_object (&self->secrets);
  g_clear_object (&self->profile);

  G_OBJECT_CLASS (botbench_rest_client_parent_class)->dispose (object);
}

static void
botbench_rest_client_finalize (GObject *object)
{
  BotbenchRestClient *self = (BotbenchRestClient *)object;

  clear_cached_secrets (self);
  g_clear_pointer (&self->mask, g_ptr_array_unref);
  g_assert (self->secret_waiters == NULL);
  g_assert (self->refresh_waiters == NULL);

  G_OBJECT_CLASS (botbench_rest_client_parent_class)->finalize (object);
}

static void
botbench_rest_client_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  BotbenchRestClient *self = BOTBENCH_REST_CLIENT (object);

  switch (prop_id)
    {
    case PROP_PROFILE: g_value_set_object (value, self->profile); break;
    case PROP_SECRET_STORE: g_value_set_object (value, self->secrets); break;
    case PROP_HISTORY: g_value_set_object (value, self->history); break;
    case PROP_RATE_LIMITER: g_value_set_object (value, self->limiter); break;
    case PROP_TIMEOUT: g_value_set_uint (value, self->timeout_ms); break;
    case PROP_MAX_RETRIES: g_value_set_uint (value, self->max_retries); break;
    case PROP_RETRY_DELAY: g_value_set_uint (value, self->retry_delay_ms); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
botbench_rest_client_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  BotbenchRestClient *self = BOTBENCH_REST_CLIENT (object);

  switch (prop_id)
    {
    case PROP_PROFILE: self->profile = g_value_dup_object (value); break;
    case PROP_SECRET_STORE: self->secrets = g_value_dup_object (value); break;
    case PROP_HISTORY: self->history = g_value_dup_object (value); break;
    case PROP_RATE_LIMITER:
      if (self->profile == NULL)
        self->limiter = g_value_dup_object (value);
      else
        botbench_rest_client_set_rate_limiter (self, g_value_get_object (value));
      break;
    case PROP_TIMEOUT: botbench_rest_client_set_timeout (self, g_value_get_uint (value)); break;
    case PROP_MAX_RETRIES: botbench_rest_client_set_max_retries (self, g_value_get_uint (value)); break;
    case PROP_RETRY_DELAY: botbench_rest_client_set_retry_delay (self, g_value_get_uint (value)); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
botbench_rest_client_class_init (BotbenchRestClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  GParamFlags co = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = botbench_rest_client_constructed;
  object_class->dispose = botbench_rest_client_dispose;
  object_class->finalize = botbench_rest_client_finalize;
  object_class->get_property = botbench_rest_client_get_property;
  object_class->set_property = botbench_rest_client_set_property;

  properties[PROP_PROFILE] =
    g_param_spec_object ("profile", NULL, NULL, BOTBENCH_TYPE_PROFILE, co);
  properties[PROP_SECRET_STORE] =
    g_param_spec_object ("secret-store", NULL, NULL, BOTBENCH_TYPE_SECRET_STORE, co);
  properties[PROP_HISTORY] =
    g_param_spec_object ("history", NULL, NULL, BOTBENCH_TYPE_REQUEST_HISTORY, co);
  properties[PROP_RATE_LIMITER] =
    g_param_spec_object ("rate-limiter", NULL, NULL, BOTBENCH_TYPE_RATE_LIMITER, rw);
  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL, 0, G_MAXUINT, BOTBENCH_REST_CLIENT_DEFAULT_TIMEOUT_MS, rw);
  properties[PROP_MAX_RETRIES] =
    g_param_spec_uint ("max-retries", NULL, NULL, 0, 16, BOTBENCH_REST_CLIENT_DEFAULT_MAX_RETRIES, rw);
  properties[PROP_RETRY_DELAY] =
    g_param_spec_uint ("retry-delay", NULL, NULL, 0, G_MAXUINT, BOTBENCH_REST_CLIENT_DEFAULT_RETRY_DELAY_MS, rw);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
botbench_rest_client_init (BotbenchRestClient *self)
{
  self->timeout_ms = BOTBENCH_REST_CLIENT_DEFAULT_TIMEOUT_MS;
  self->max_retries = BOTBENCH_REST_CLIENT_DEFAULT_MAX_RETRIES;
  self->retry_delay_ms = BOTBENCH_REST_CLIENT_DEFAULT_RETRY_DELAY_MS;
  self->mask = g_ptr_array_new_with_free_func ((GDestroyNotify)botbench_secret_free);
  g_ptr_array_add (self->mask, NULL);
}

/* Public API */

BotbenchRestClient *
botbench_rest_client_new (BotbenchProfile        *profile,
                          BotbenchSecretStore    *secrets,
                          BotbenchRequestHistory *history)
{
  g_return_val_if_fail (BOTBENCH_IS_PROFILE (profile), NULL);
  g_return_val_if_fail (secrets == NULL || BOTBENCH_IS_SECRET_STORE (secrets), NULL);
  g_return_val_if_fail (history == NULL || BOTBENCH_IS_REQUEST_HISTORY (history), NULL);

  return g_object_new (BOTBENCH_TYPE_REST_CLIENT,
                       "profile", profile,
                       "secret-store", secrets,
                       "history", history,
                       NULL);
}

BotbenchProfile *
botbench_rest_client_get_profile (BotbenchRestClient *self)
{
  g_return_val_if_fail (BOTBENCH_IS_REST_CLIENT (self), NULL);
  return self->profile;
}

BotbenchRequestHistory *
botbench_rest_client_get_history (BotbenchRestClient *self)
{
  g_return_val_if_fail (BOTBENCH_IS_REST_CLIENT (self), NULL);
  return self->history;
}

BotbenchRateLimiter *
botbench_rest_client_get_rate_limiter (BotbenchRestClient *self)
{
  g_return_val_if_fail (BOTBENCH_IS_REST_CLIENT (self), NULL);
  return self->limiter;
}

void
botbench_rest_client_set_rate_limiter (BotbenchRestClient  *self,
                                       BotbenchRateLimiter *limiter)
{
  g_return_if_fail (BOTBENCH_IS_REST_CLIENT (self));
  g_return_if_fail (BOTBENCH_IS_RATE_LIMITER (limiter));

  if (g_set_object (&self->limiter, limiter))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RATE_LIMITER]);
}

guint
botbench_rest_client_get_timeout (BotbenchRestClient *self)
{
  g_return_val_if_fail (BOTBENCH_IS_REST_CLIENT (self), 0);
  return self->timeout_ms;
}

void
botbench_rest_client_set_timeout (BotbenchRestClient *self,
                                  guint               timeout_ms)
{
  g_return_if_fail (BOTBENCH_IS_REST_CLIENT (self));
  if (self->timeout_ms == timeout_ms)
    return;
  self->timeout_ms = timeout_ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
}

guint
botbench_rest_client_get_max_retries (BotbenchRestClient *self)
{
  g_return_val_if_fail (BOTBENCH_IS_REST_CLIENT (self), 0);
  return self->max_retries;
}

void
botbench_rest_client_set_max_retries (BotbenchRestClient *self,
                                      guint               max_retries)
{
  g_return_if_fail (BOTBENCH_IS_REST_CLIENT (self));
  if (self->max_retries == max_retries)
    return;
  self->max_retries = max_retries;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_RETRIES]);
}

guint
botbench_rest_client_get_retry_delay (BotbenchRestClient *self)
{
  g_return_val_if_fail (BOTBENCH_IS_REST_CLIENT (self), 0);
  return self->retry_delay_ms;
}

void
botbench_rest_client_set_retry_delay (BotbenchRestClient *self,
                                      guint               delay_ms)
{
  g_return_if_fail (BOTBENCH_IS_REST_CLIENT (self));
  if (self->retry_delay_ms == delay_ms)
    return;
  self->retry_delay_ms = delay_ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RETRY_DELAY]);
}

void
botbench_rest_client_reload_secrets (BotbenchRestClient *self)
{
  g_return_if_fail (BOTBENCH_IS_REST_CLIENT (self));

  self->secrets_serial++;
  if (self->secret_waiters != NULL)
    {
      /* Restart the load in progress for the calls waiting on it. */
      clear_cached_secrets (self);
      self->load_index = 0;
      load_next_secret (self);
      return;
    }
  clear_cached_secrets (self);
}

void
botbench_rest_client_call_async (BotbenchRestClient  *self,
                                 const char          *method,
                                 JsonObject          *params,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  CallData *data;
  const char *portal;

  g_return_if_fail (BOTBENCH_IS_REST_CLIENT (self));
  g_return_if_fail (method != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, botbench_rest_client_call_async);
  data = g_new0 (CallData, 1);
  data->method = g_strdup (method);
  data->params = params ? json_object_ref (params) : NULL;
  data->attempt = 1;
  g_task_set_task_data (task, data, (GDestroyNotify)call_data_free);

  portal = botbench_profile_get_portal_url (self->profile);
  if (portal == NULL || !(g_str_has_prefix (portal, "https://") || g_str_has_prefix (portal, "http://")))
    {
      g_task_return_error (task, rest_error_new (self, BOTBENCH_REST_ERROR_BAD_PROFILE, 0, NULL, NULL,
                                                 _("The profile has no portal address (https://<portal>/)")));
      return;
    }
  if (is_webhook (self) && botbench_profile_get_user_id (self->profile) == NULL)
    {
      g_task_return_error (task, rest_error_new (self, BOTBENCH_REST_ERROR_BAD_PROFILE, 0, NULL, NULL,
                                                 _("The profile has no webhook user id: paste the webhook "
                                                   "URL again")));
      return;
    }
  if (*method == '\0' || strpbrk (method, "/?#% ") != NULL)
    {
      g_autofree char *advice = g_strdup_printf (_("“%s” is not a REST method name"), method);

      g_task_return_error (task, rest_error_new (self, BOTBENCH_REST_ERROR_METHOD_NOT_FOUND, 0, NULL, NULL,
                                                 advice));
      return;
    }
  if (!ensure_session (self, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_debug ("Calling %s for profile %s", method, botbench_profile_get_uuid (self->profile));
  ensure_secrets (self, g_steal_pointer (&task));
}

BotbenchRestResponse *
botbench_rest_client_call_finish (BotbenchRestClient  *self,
                                  GAsyncResult        *result,
                                  GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == botbench_rest_client_call_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
sync_result_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

BotbenchRestResponse *
botbench_rest_client_call_sync (BotbenchRestClient  *self,
                                const char          *method,
                                JsonObject          *params,
                                GCancellable        *cancellable,
                                GError             **error)
{
  GMainContext *context = g_main_context_ref_thread_default ();
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (BOTBENCH_IS_REST_CLIENT (self), NULL);

  botbench_rest_client_call_async (self, method, params, cancellable, sync_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (context, TRUE);
  g_main_context_unref (context);

  return botbench_rest_client_call_finish (self, result, error);
}

/* Test connection */

typedef struct
{
  BotbenchConnectionReport *report;
} TestData;

static void
test_data_free (TestData *data)
{
  botbench_connection_report_free (data->report);
  g_free (data);
}

static void
botbench_rest_client_test_profile_cb (GObject      *object,
                                      GAsyncResult *result,
                                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BotbenchRestClient *self = BOTBENCH_REST_CLIENT (object);
  TestData *data = g_task_get_task_data (task);
  g_autoptr(BotbenchRestResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *result_node;

  response = botbench_rest_client_call_finish (self, result, &error);
  if (response == NULL)
    {
      if (is_webhook (self) || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      /* OAuth apps need not have the user scope: the report just has no user. */
    }
  else if ((result_node = botbench_rest_response_get_result (response)) != NULL &&
           JSON_NODE_HOLDS_OBJECT (result_node))
    {
      JsonObject *user = json_node_get_object (result_node);
      JsonNode *id = json_object_get_member (user, "ID");
      const char *name = json_object_get_string_member_with_default (user, "NAME", NULL);
      const char *last = json_object_get_string_member_with_default (user, "LAST_NAME", NULL);

      if (id != NULL && json_node_get_value_type (id) == G_TYPE_STRING)
        data->report->user_id = g_strdup (json_node_get_string (id));
      else if (id != NULL && JSON_NODE_HOLDS_VALUE (id))
        data->report->user_id = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (id));
      data->report->user_name = g_strstrip (g_strdup_printf ("%s %s", name ? name : "", last ? last : ""));
    }

  g_task_return_pointer (task, g_steal_pointer (&data->report),
                         (GDestroyNotify)botbench_connection_report_free);
}

static void
botbench_rest_client_test_scope_cb (GObject      *object,
                                    GAsyncResult *result,
                                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BotbenchRestClient *self = BOTBENCH_REST_CLIENT (object);
  TestData *data = g_task_get_task_data (task);
  g_autoptr(BotbenchRestResponse) response = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  GCancellable *cancellable;
  GError *error = NULL;
  JsonNode *node;

  response = botbench_rest_client_call_finish (self, result, &error);
  if (response == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  node = botbench_rest_response_get_result (response);
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          const char *scope = json_array_get_string_element (array, i);

          if (scope == NULL)
            continue;
          g_strv_builder_add (builder, scope);
          if (g_str_equal (scope, "imbot"))
            data->report->has_imbot_scope = TRUE;
        }
    }
  data->report->scopes = g_strv_builder_end (builder);
  data->report->latency = botbench_rest_response_get_duration (response);
  if (!data->report->has_imbot_scope)
    data->report->advice = g_strdup (is_webhook (self)
                                     ? _("The webhook has no “imbot” scope, so bots cannot be registered: "
                                         "add Chat bots (imbot) to the webhook's permissions and save")
                                     : _("The application has no “imbot” scope, so bots cannot be "
                                         "registered: add Chat bots (imbot) to its permissions and "
                                         "reinstall it"));

  cancellable = g_task_get_cancellable (task);
  botbench_rest_client_call_async (self, "profile", NULL, cancellable,
                                   botbench_rest_client_test_profile_cb, g_steal_pointer (&task));
}

void
botbench_rest_client_test_connection_async (BotbenchRestClient  *self,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  TestData *data;

  g_return_if_fail (BOTBENCH_IS_REST_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, botbench_rest_client_test_connection_async);
  data = g_new0 (TestData, 1);
  data->report = g_new0 (BotbenchConnectionReport, 1);
  g_task_set_task_data (task, data, (GDestroyNotify)test_data_free);

  botbench_rest_client_call_async (self, "scope", NULL, cancellable,
                                   botbench_rest_client_test_scope_cb, g_steal_pointer (&task));
}

BotbenchConnectionReport *
botbench_rest_client_test_connection_finish (BotbenchRestClient  *self,
                                             GAsyncResult        *result,
                                             GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == botbench_rest_client_test_connection_async,
                        NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

BotbenchConnectionReport *
botbench_rest_client_test_connection_sync (BotbenchRestClient  *self,
                                           GCancellable        *cancellable,
                                           GError             **error)
{
  GMainContext *context = g_main_context_ref_thread_default ();
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (BOTBENCH_IS_REST_CLIENT (self), NULL);

  botbench_rest_client_test_connection_async (self, cancellable, sync_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (context, TRUE);
  g_main_context_unref (context);

  return botbench_rest_client_test_connection_finish (self, result, error);
}
