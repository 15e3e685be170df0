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
 *
 * This file holds the call pipeline (request building, rate limiting,
 * retries, recording) and the object; the error and response types, the
 * credentials and token refresh, the HTTP exchange and the connection test
 * live in the other botbench-rest-*.c files.
 */
#define G_LOG_DOMAIN "botbench-rest-client"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "botbench-json.h"
#include "botbench-rest-client-private.h"
#include "botbench-request-history-private.h"

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

/* Helpers */

gboolean
_botbench_rest_client_is_webhook (BotbenchRestClient *self)
{
  return botbench_profile_get_kind (self->profile) == BOTBENCH_PROFILE_KIND_WEBHOOK;
}

void
_botbench_rest_client_remember_secret (BotbenchRestClient *self,
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

const char * const *
_botbench_rest_client_get_mask (BotbenchRestClient *self)
{
  return (const char * const *)self->mask->pdata;
}

GError *
_botbench_rest_client_error_new (BotbenchRestClient *self,
                                 BotbenchRestError   code,
                                 guint               status,
                                 const char         *portal_code,
                                 const char         *description,
                                 const char         *advice)
{
  return _botbench_rest_error_new (_botbench_rest_client_get_mask (self), code, status, portal_code,
                                   description, advice);
}

void
_botbench_rest_client_record (BotbenchRestClient *self,
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
                                        attempt, _botbench_rest_client_get_mask (self));
  botbench_request_history_append (self->history, entry);
}

/* A call */

/* §2.6: a webhook's imbot calls carry the application's CLIENT_ID.  Not
 * imbot.v2's: it reads CLIENT_ID before fields.botToken as the bot's owner
 * (reference v2 §5), and the profile's must not become it. */
gboolean
_botbench_rest_client_method_takes_client_id (const char *method)
{
  return g_ascii_strncasecmp (method, "imbot.", 6) == 0 &&
         g_ascii_strncasecmp (method, "imbot.v2.", 9) != 0;
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

  if (_botbench_rest_client_is_webhook (self))
    {
      const char *client_id = botbench_profile_get_client_id (self->profile);

      /* §2.6: top level, every imbot call, always the same value */
      if (_botbench_rest_client_method_takes_client_id (data->method) && client_id != NULL && *client_id != '\0' &&
          !object_has_member_nocase (body, "CLIENT_ID"))
        json_object_set_string_member (body, "CLIENT_ID", client_id);
    }
  else if (self->access_token != NULL)
    json_object_set_string_member (body, "auth", self->access_token);

  json_node_set_object (root, body);
  return json_to_string (root, FALSE);
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
    _botbench_rest_client_call_send (task);
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
  BotbenchRestExchange *ex;
  guint status;
  const char *request_body;

  bytes = _botbench_rest_client_exchange_finish (self, result, &ex, &error);
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
      BotbenchRestError kind = _botbench_rest_error_classify (_botbench_rest_client_is_webhook (self),
                                                              self->max_retries, data->method, status,
                                                              code, description, &advice);

      _botbench_rest_client_record (self, data->method, ex->msg, request_body, bytes, ex->start_wall, ex->duration, NULL,
              data->attempt);

      if (!_botbench_rest_client_is_webhook (self) && status == SOUP_STATUS_UNAUTHORIZED && !data->refreshed &&
          (kind == BOTBENCH_REST_ERROR_EXPIRED_TOKEN || kind == BOTBENCH_REST_ERROR_INVALID_TOKEN) &&
          /* Nothing to refresh with: the portal's own error (code, description) stands */
          self->refresh_token != NULL && self->client_secret != NULL &&
          botbench_profile_get_oauth_client_id (self->profile) != NULL)
        {
          data->refreshed = TRUE;
          data->attempt++;
          /* Another call may have refreshed meanwhile: then just retry. */
          if (g_strcmp0 (data->used_token, self->access_token) != 0 && !self->refreshing)
            _botbench_rest_client_call_send (g_steal_pointer (&task));
          else
            _botbench_rest_client_start_refresh (self, g_steal_pointer (&task));
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

      g_task_return_error (task, _botbench_rest_client_error_new (self, kind, status, code, description, advice));
      return;
    }

  if (error == NULL && obj != NULL && json_object_has_member (obj, "result"))
    {
      _botbench_rest_client_record (self, data->method, ex->msg, request_body, bytes, ex->start_wall, ex->duration, NULL,
              data->attempt);
      g_debug ("%s for profile %s: HTTP %u in %" G_GINT64_FORMAT " ms", data->method,
               botbench_profile_get_uuid (self->profile), status, ex->duration / 1000);
      g_task_return_pointer (task, _botbench_rest_response_new (root, status, ex->duration),
                             (GDestroyNotify)botbench_rest_response_unref);
      return;
    }

  if (error == NULL)
    {
      g_autofree char *advice = NULL;

      if (status >= 500)
        {
          advice = g_strdup_printf (_("The portal failed (HTTP %u): try again later"), status);
          error = _botbench_rest_client_error_new (self, BOTBENCH_REST_ERROR_SERVER_ERROR, status, NULL, NULL, advice);
        }
      else if (g_error_matches (json_error, BOTBENCH_JSON_ERROR, BOTBENCH_JSON_ERROR_TOO_DEEP) ||
               g_error_matches (json_error, BOTBENCH_JSON_ERROR, BOTBENCH_JSON_ERROR_TRAILING_DATA))
        {
          advice = g_strdup_printf (_("The portal's answer to “%s” is not a Bitrix24 REST response "
                                      "(HTTP %u): %s"), data->method, status, json_error->message);
          error = _botbench_rest_client_error_new (self, BOTBENCH_REST_ERROR_BAD_RESPONSE, status, NULL, NULL, advice);
        }
      else
        {
          advice = g_strdup_printf (_("The portal's answer to “%s” is not a Bitrix24 REST response "
                                      "(HTTP %u): check the portal address"), data->method, status);
          error = _botbench_rest_client_error_new (self, BOTBENCH_REST_ERROR_BAD_RESPONSE, status, NULL, NULL, advice);
        }
    }

  _botbench_rest_client_record (self, data->method, ex->msg, request_body, bytes, ex->start_wall, ex->duration, error,
          data->attempt);
  g_task_return_error (task, g_steal_pointer (&error));
}

void
_botbench_rest_client_call_send (GTask *task)
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

  url = _botbench_rest_client_build_url (self, data->method);
  msg = soup_message_new (SOUP_METHOD_POST, url);
  if (msg == NULL)
    {
      g_task_return_error (task, _botbench_rest_client_error_new (self, BOTBENCH_REST_ERROR_BAD_PROFILE, 0, NULL, NULL,
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

  _botbench_rest_client_exchange_async (self, msg, g_task_get_cancellable (task), botbench_rest_client_call_cb, task);
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
  _botbench_rest_client_call_send (g_steal_pointer (&task));
}

void
_botbench_rest_client_call_after_secrets (GTask *task)
{
  BotbenchRestClient *self = g_task_get_source_object (task);

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }

  if (_botbench_rest_client_is_webhook (self) && self->webhook_secret == NULL)
    {
      g_task_return_error (task, _botbench_rest_client_error_new (self, BOTBENCH_REST_ERROR_MISSING_SECRET, 0, NULL, NULL,
                                                 _("No webhook secret is stored for this profile: paste "
                                                   "the webhook URL again")));
      g_object_unref (task);
      return;
    }
  if (!_botbench_rest_client_is_webhook (self) && self->access_token == NULL && self->refresh_token == NULL)
    {
      g_task_return_error (task, _botbench_rest_client_error_new (self, BOTBENCH_REST_ERROR_MISSING_SECRET, 0, NULL, NULL,
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

  _botbench_rest_client_clear_secrets (self);
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
      g_task_return_error (task, _botbench_rest_client_error_new (self, BOTBENCH_REST_ERROR_BAD_PROFILE, 0, NULL, NULL,
                                                 _("The profile has no portal address (https://<portal>/)")));
      return;
    }
  if (_botbench_rest_client_is_webhook (self) && botbench_profile_get_user_id (self->profile) == NULL)
    {
      g_task_return_error (task, _botbench_rest_client_error_new (self, BOTBENCH_REST_ERROR_BAD_PROFILE, 0, NULL, NULL,
                                                 _("The profile has no webhook user id: paste the webhook "
                                                   "URL again")));
      return;
    }
  if (*method == '\0' || strpbrk (method, "/?#% ") != NULL)
    {
      g_autofree char *advice = g_strdup_printf (_("“%s” is not a REST method name"), method);

      g_task_return_error (task, _botbench_rest_client_error_new (self, BOTBENCH_REST_ERROR_METHOD_NOT_FOUND, 0, NULL, NULL,
                                                 advice));
      return;
    }
  if (!_botbench_rest_client_ensure_session (self, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_debug ("Calling %s for profile %s", method, botbench_profile_get_uuid (self->profile));
  _botbench_rest_client_ensure_secrets (self, g_steal_pointer (&task));
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

/* Keeps the result for the _sync() calls that spin the main context. */
void
_botbench_rest_client_sync_result_cb (GObject      *object,
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

  botbench_rest_client_call_async (self, method, params, cancellable, _botbench_rest_client_sync_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (context, TRUE);
  g_main_context_unref (context);

  return botbench_rest_client_call_finish (self, result, error);
}
