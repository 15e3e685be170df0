/* botbench-chat-client.c: the sandbox's control API (/_sandbox/...) over HTTP
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One SoupSession per client.  Every call is one HTTP request with its own
 * timer (BOTBENCH_CHAT_CLIENT_TIMEOUT_S, plus the hold time for the long
 * poll) on a cancellable chained to the caller's, so a timeout and the
 * caller's cancellation read differently.  Answers are parsed with
 * botbench_json_parse() (depth checked) and type-checked before the
 * "result" object is handed on.  A pinned certificate is trusted the way
 * the REST client does it: a session without a TLS database, and
 * accept-certificate accepting exactly that certificate.
 */
#define G_LOG_DOMAIN "botbench-chat"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "botbench-chat-client.h"
#include "botbench-chat-client-private.h"
#include "botbench-chat-json-private.h"
#include "botbench-json.h"
#include "botbench-profile.h"

#define MAX_ANSWER_BYTES (64 * 1024 * 1024)
#define MAX_CONNECTIONS  16

struct _BotbenchChatClient
{
  GObject          parent_instance;

  char            *base_url;
  SoupSession     *session;
  GTlsCertificate *pinned;
  GError          *pem_error;
};

G_DEFINE_FINAL_TYPE (BotbenchChatClient, botbench_chat_client, G_TYPE_OBJECT)

/* Errors: REFUSED carries the API's code and the HTTP status. */

typedef struct
{
  char  *code;
  guint  status;
} BotbenchChatErrorPrivate;

static void
botbench_chat_error_private_init (BotbenchChatErrorPrivate *priv)
{
  priv->code = NULL;
  priv->status = 0;
}

static void
botbench_chat_error_private_copy (const BotbenchChatErrorPrivate *src,
                                  BotbenchChatErrorPrivate       *dest)
{
  dest->code = g_strdup (src->code);
  dest->status = src->status;
}

static void
botbench_chat_error_private_clear (BotbenchChatErrorPrivate *priv)
{
  g_clear_pointer (&priv->code, g_free);
}

G_DEFINE_EXTENDED_ERROR (BotbenchChatError, botbench_chat_error)

const char *
botbench_chat_error_get_code (const GError *error)
{
  if (error == NULL || error->domain != BOTBENCH_CHAT_ERROR)
    return NULL;
  return botbench_chat_error_get_private (error)->code;
}

guint
botbench_chat_error_get_status (const GError *error)
{
  if (error == NULL || error->domain != BOTBENCH_CHAT_ERROR)
    return 0;
  return botbench_chat_error_get_private (error)->status;
}

static GError *
refused_error_new (const char *code,
                   const char *description,
                   guint       status)
{
  GError *error;
  BotbenchChatErrorPrivate *priv;

  if (description != NULL && *description != '\0')
    error = g_error_new (BOTBENCH_CHAT_ERROR, BOTBENCH_CHAT_ERROR_REFUSED, "%s (%s)", description, code);
  else
    error = g_error_new (BOTBENCH_CHAT_ERROR, BOTBENCH_CHAT_ERROR_REFUSED, "%s", code);
  priv = botbench_chat_error_get_private (error);
  priv->code = g_strdup (code);
  priv->status = status;
  return error;
}

/* One request */

typedef struct
{
  BotbenchChatClient *self;
  SoupMessage        *msg;
  GCancellable       *ours;        /* cancelled by the caller's or by the timer */
  GCancellable       *caller;
  gulong              caller_id;
  GSource            *timer;
  guint               timeout_s;
  gboolean            timed_out;
  gboolean            is_info;
} Request;

static void
request_free (Request *req)
{
  if (req->caller_id != 0)
    g_cancellable_disconnect (req->caller, req->caller_id);
  if (req->timer != NULL)
    {
      g_source_destroy (req->timer);
      g_source_unref (req->timer);
    }
  g_clear_object (&req->caller);
  g_clear_object (&req->ours);
  g_clear_object (&req->msg);
  g_clear_object (&req->self);
  g_free (req);
}

static gboolean
request_timeout_cb (gpointer user_data)
{
  Request *req = user_data;

  req->timed_out = TRUE;
  g_cancellable_cancel (req->ours);
  return G_SOURCE_REMOVE;
}

static void
request_caller_cancelled_cb (GCancellable *caller,
                             GCancellable *ours)
{
  g_cancellable_cancel (ours);
}

static gboolean
botbench_chat_client_accept_certificate_cb (SoupMessage          *msg,
                                            GTlsCertificate      *certificate,
                                            GTlsCertificateFlags  errors,
                                            BotbenchChatClient   *self)
{
  return self->pinned != NULL && g_tls_certificate_is_same (certificate, self->pinned);
}

static GError *
network_error_new (Request *req,
                   GError  *cause)
{
  if (req->timed_out)
    return g_error_new (BOTBENCH_CHAT_ERROR, BOTBENCH_CHAT_ERROR_NETWORK,
                        _("The sandbox at %s did not answer within %u s"), req->self->base_url, req->timeout_s);
  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    return g_error_new (BOTBENCH_CHAT_ERROR, BOTBENCH_CHAT_ERROR_NETWORK,
                        _("Nothing answers at %s (connection refused)"), req->self->base_url);
  return g_error_new (BOTBENCH_CHAT_ERROR, BOTBENCH_CHAT_ERROR_NETWORK,
                      _("Cannot reach the sandbox at %s: %s"), req->self->base_url, cause->message);
}

/* The answer -> the "result" object, or an error. */
static JsonObject *
read_answer (Request  *req,
             GBytes   *bytes,
             GError  **error)
{
  guint status = soup_message_get_status (req->msg);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) parse_error = NULL;
  const char *data;
  gsize len;
  JsonObject *object;
  JsonObject *result;
  const char *code;

  data = g_bytes_get_data (bytes, &len);
  if (len > 0)
    root = botbench_json_parse (data, len, &parse_error);

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      if (req->is_info)
        g_set_error (error, BOTBENCH_CHAT_ERROR, BOTBENCH_CHAT_ERROR_NOT_SANDBOX,
                     _("%s is not a Botbench sandbox: /_sandbox/info answered %u without JSON"),
                     req->self->base_url, status);
      else
        g_set_error (error, BOTBENCH_CHAT_ERROR, BOTBENCH_CHAT_ERROR_INVALID_RESPONSE,
                     _("The sandbox answered %u with something that is not a JSON object"), status);
      return NULL;
    }

  object = json_node_get_object (root);
  code = _botbench_chat_json_get_string (object, "error");
  if (code != NULL)
    {
      g_autofree char *description = _botbench_chat_json_dup_string (object, "error_description", "");
      g_autofree char *valid_code = g_utf8_make_valid (code, -1);

      if (req->is_info)
        g_set_error (error, BOTBENCH_CHAT_ERROR, BOTBENCH_CHAT_ERROR_NOT_SANDBOX,
                     _("%s is not a Botbench sandbox: /_sandbox/info answered %u (%s)"),
                     req->self->base_url, status, valid_code);
      else
        g_propagate_error (error, refused_error_new (valid_code, description, status));
      return NULL;
    }

  result = _botbench_chat_json_get_object (object, "result");
  if (status != SOUP_STATUS_OK || result == NULL)
    {
      if (req->is_info)
        g_set_error (error, BOTBENCH_CHAT_ERROR, BOTBENCH_CHAT_ERROR_NOT_SANDBOX,
                     _("%s is not a Botbench sandbox: /_sandbox/info answered %u without a result"),
                     req->self->base_url, status);
      else
        g_set_error (error, BOTBENCH_CHAT_ERROR, BOTBENCH_CHAT_ERROR_INVALID_RESPONSE,
                     _("The sandbox answered %u without a result object"), status);
      return NULL;
    }

  if (req->is_info && g_strcmp0 (_botbench_chat_json_get_string (result, "PRODUCT"), "Botbench sandbox") != 0)
    {
      g_set_error (error, BOTBENCH_CHAT_ERROR, BOTBENCH_CHAT_ERROR_NOT_SANDBOX,
                   _("%s is not a Botbench sandbox"), req->self->base_url);
      return NULL;
    }

  return json_object_ref (result);
}

static void
botbench_chat_client_send_cb (GObject      *object,
                              GAsyncResult *result,
                              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *req = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  JsonObject *answer;

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  if (bytes == NULL)
    {
      if (g_cancellable_is_cancelled (req->caller) || (!req->timed_out && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)))
        {
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s", _("Cancelled"));
          return;
        }
      g_task_return_error (task, network_error_new (req, error));
      return;
    }

  if (g_bytes_get_size (bytes) > MAX_ANSWER_BYTES)
    {
      g_task_return_new_error (task, BOTBENCH_CHAT_ERROR, BOTBENCH_CHAT_ERROR_INVALID_RESPONSE,
                               _("The sandbox's answer is larger than %u MiB"), MAX_ANSWER_BYTES / (1024 * 1024));
      return;
    }

  answer = read_answer (req, bytes, &error);
  if (answer == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, answer, (GDestroyNotify)json_object_unref);
}

void
_botbench_chat_client_call_async (BotbenchChatClient  *self,
                                  const char          *method,
                                  const char          *path,
                                  JsonObject          *params,
                                  guint                extra_timeout_s,
                                  gpointer             source_tag,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonObject) owned = params;
  g_autofree char *url = NULL;
  Request *req;

  g_assert (BOTBENCH_IS_CHAT_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);

  if (self->pem_error != NULL)
    {
      g_task_return_new_error (task, BOTBENCH_CHAT_ERROR, BOTBENCH_CHAT_ERROR_NETWORK, "%s", self->pem_error->message);
      return;
    }

  if (g_str_equal (method, SOUP_METHOD_GET) && owned != NULL && json_object_get_size (owned) > 0)
    {
      g_autoptr(GString) query = g_string_new (NULL);
      JsonObjectIter iter;
      const char *key;
      JsonNode *value;

      json_object_iter_init_ordered (&iter, owned);
      while (json_object_iter_next_ordered (&iter, &key, &value))
        {
          g_autofree char *text = _botbench_chat_json_dup_string (owned, key, "");
          g_autofree char *escaped = g_uri_escape_string (text, NULL, FALSE);

          g_string_append_printf (query, "%s%s=%s", query->len > 0 ? "&" : "", key, escaped);
        }
      url = g_strdup_printf ("%s%s?%s", self->base_url, path, query->str);
    }
  else
    url = g_strconcat (self->base_url, path, NULL);

  req = g_new0 (Request, 1);
  req->self = g_object_ref (self);
  req->msg = soup_message_new (method, url);
  req->timeout_s = BOTBENCH_CHAT_CLIENT_TIMEOUT_S + extra_timeout_s;
  req->is_info = source_tag == botbench_chat_client_info_async;
  req->ours = g_cancellable_new ();
  g_task_set_task_data (task, req, (GDestroyNotify)request_free);

  if (req->msg == NULL)
    {
      g_task_return_new_error (task, BOTBENCH_CHAT_ERROR, BOTBENCH_CHAT_ERROR_NETWORK,
                               _("“%s” is not a URL the sandbox can be reached at"), self->base_url);
      return;
    }

  if (g_str_equal (method, SOUP_METHOD_POST))
    {
      g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
      g_autofree char *body = NULL;
      gsize len;

      json_node_set_object (root, owned != NULL ? owned : json_object_new ());
      if (owned == NULL)
        json_object_unref (json_node_get_object (root));
      g_autoptr(GBytes) bytes = NULL;

      body = json_to_string (root, FALSE);
      len = strlen (body);
      bytes = g_bytes_new_take (g_steal_pointer (&body), len);
      soup_message_set_request_body_from_bytes (req->msg, "application/json", bytes);
    }

  if (self->pinned != NULL)
    g_signal_connect_object (req->msg, "accept-certificate",
                             G_CALLBACK (botbench_chat_client_accept_certificate_cb), self, 0);

  if (cancellable != NULL)
    {
      req->caller = g_object_ref (cancellable);
      req->caller_id = g_cancellable_connect (cancellable, G_CALLBACK (request_caller_cancelled_cb),
                                              g_object_ref (req->ours), g_object_unref);
    }

  req->timer = g_timeout_source_new_seconds (req->timeout_s);
  g_source_set_callback (req->timer, request_timeout_cb, req, NULL);
  g_source_attach (req->timer, g_main_context_get_thread_default ());

  g_debug ("%s %s", method, path);
  soup_session_send_and_read_async (self->session, req->msg, G_PRIORITY_DEFAULT, req->ours,
                                    botbench_chat_client_send_cb, g_steal_pointer (&task));
}

JsonObject *
_botbench_chat_client_call_finish (BotbenchChatClient  *self,
                                   GAsyncResult        *result,
                                   gpointer             source_tag,
                                   GError             **error)
{
  g_return_val_if_fail (BOTBENCH_IS_CHAT_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* GObject */

static void
botbench_chat_client_finalize (GObject *object)
{
  BotbenchChatClient *self = (BotbenchChatClient *)object;

  g_free (self->base_url);
  g_clear_object (&self->session);
  g_clear_object (&self->pinned);
  g_clear_error (&self->pem_error);

  G_OBJECT_CLASS (botbench_chat_client_parent_class)->finalize (object);
}

static void
botbench_chat_client_class_init (BotbenchChatClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = botbench_chat_client_finalize;
}

static void
botbench_chat_client_init (BotbenchChatClient *self)
{
}

/* Public API */

BotbenchChatClient *
botbench_chat_client_new (const char *base_url,
                          const char *trusted_pem)
{
  BotbenchChatClient *self;

  g_return_val_if_fail (base_url != NULL, NULL);

  self = g_object_new (BOTBENCH_TYPE_CHAT_CLIENT, NULL);
  self->base_url = g_str_has_suffix (base_url, "/") ? g_strdup (base_url) : g_strconcat (base_url, "/", NULL);

  if (trusted_pem != NULL && *trusted_pem != '\0')
    {
      self->pinned = g_tls_certificate_new_from_pem (trusted_pem, -1, &self->pem_error);
      if (self->pinned == NULL && self->pem_error == NULL)
        self->pem_error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("The pinned certificate cannot be read"));
    }

  /* The long poll holds a connection for up to 25 s: more than libsoup's
   * default of two per host, so actions and history loads never queue
   * behind it. */
  if (self->pinned != NULL)
    /* No database: every certificate goes through accept-certificate. */
    self->session = soup_session_new_with_options ("tls-database", NULL,
                                                   "max-conns-per-host", MAX_CONNECTIONS,
                                                   "max-conns", MAX_CONNECTIONS, NULL);
  else
    self->session = soup_session_new_with_options ("max-conns-per-host", MAX_CONNECTIONS,
                                                   "max-conns", MAX_CONNECTIONS, NULL);
  soup_session_set_user_agent (self->session, "Botbench/" PACKAGE_VERSION " ");
  soup_session_set_timeout (self->session, 0);
  soup_session_set_idle_timeout (self->session, 60);

  return self;
}

char *
botbench_chat_dup_sandbox_url (BotbenchProfile  *profile,
                               GError          **error)
{
  const char *candidates[2];

  g_return_val_if_fail (BOTBENCH_IS_PROFILE (profile), NULL);

  candidates[0] = botbench_profile_get_portal_url (profile);
  candidates[1] = botbench_profile_get_kind (profile) == BOTBENCH_PROFILE_KIND_OAUTH
                  ? botbench_profile_get_token_endpoint (profile) : NULL;

  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      g_autoptr(GUri) uri = NULL;
      const char *scheme;

      if (candidates[i] == NULL || *candidates[i] == '\0')
        continue;
      uri = g_uri_parse (candidates[i], G_URI_FLAGS_NONE, NULL);
      if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
        continue;
      scheme = g_uri_get_scheme (uri);
      if (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0)
        continue;

      return g_uri_join (G_URI_FLAGS_NONE, scheme, NULL, g_uri_get_host (uri), g_uri_get_port (uri), "/", NULL, NULL);
    }

  g_set_error (error, BOTBENCH_CHAT_ERROR, BOTBENCH_CHAT_ERROR_BAD_PROFILE,
               _("Profile “%s” has no http(s)://host:port/ portal address to find a sandbox at"),
               botbench_profile_get_name (profile));
  return NULL;
}

BotbenchChatClient *
botbench_chat_client_new_for_profile (BotbenchProfile  *profile,
                                      GError          **error)
{
  g_autofree char *url = NULL;

  g_return_val_if_fail (BOTBENCH_IS_PROFILE (profile), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  url = botbench_chat_dup_sandbox_url (profile, error);
  if (url == NULL)
    return NULL;
  return botbench_chat_client_new (url, botbench_profile_get_certificate_pem (profile));
}

const char *
botbench_chat_client_get_base_url (BotbenchChatClient *self)
{
  g_return_val_if_fail (BOTBENCH_IS_CHAT_CLIENT (self), NULL);
  return self->base_url;
}
