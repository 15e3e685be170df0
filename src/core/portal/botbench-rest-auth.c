/* botbench-rest-auth.c: the credentials of a REST call
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The profile's secrets, read once from the secret store and shared by
 * the calls waiting on them; the OAuth token refresh (one in flight, the
 * other calls join it, the new pair goes back to the store); and the
 * webhook URL, which carries the secret in its path.
 */
#define G_LOG_DOMAIN "botbench-rest-client"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "botbench-json.h"
#include "botbench-rest-client-private.h"

static void
wipe_string (char **field)
{
  if (*field != NULL)
    {
      memset (*field, 0, strlen (*field));
      g_clear_pointer (field, g_free);
    }
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
        _botbench_rest_client_call_after_secrets (g_object_ref (task));
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
  const BotbenchSecretKind *kinds = _botbench_rest_client_is_webhook (self) ? webhook_kinds : oauth_kinds;
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

  _botbench_rest_client_remember_secret (self, secret);
  switch (kinds[self->load_index])
    {
    case BOTBENCH_SECRET_KIND_WEBHOOK_SECRET: self->webhook_secret = secret; break;
    case BOTBENCH_SECRET_KIND_ACCESS_TOKEN: self->access_token = secret; break;
    case BOTBENCH_SECRET_KIND_REFRESH_TOKEN: self->refresh_token = secret; break;
    case BOTBENCH_SECRET_KIND_CLIENT_SECRET: self->client_secret = secret; break;
    case BOTBENCH_SECRET_KIND_APPLICATION_TOKEN:
    case BOTBENCH_SECRET_KIND_BOT_TOKEN:
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
  const BotbenchSecretKind *kinds = _botbench_rest_client_is_webhook (self) ? webhook_kinds : oauth_kinds;
  guint n_kinds = _botbench_rest_client_is_webhook (self) ? G_N_ELEMENTS (webhook_kinds) : G_N_ELEMENTS (oauth_kinds);
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

void
_botbench_rest_client_clear_secrets (BotbenchRestClient *self)
{
  wipe_string (&self->webhook_secret);
  wipe_string (&self->access_token);
  wipe_string (&self->refresh_token);
  wipe_string (&self->client_secret);
  self->secrets_loaded = FALSE;
}

void
_botbench_rest_client_ensure_secrets (BotbenchRestClient *self,
                                      GTask              *task)
{
  if (self->secrets_loaded)
    {
      _botbench_rest_client_call_after_secrets (task);
      return;
    }

  if (self->secret_waiters != NULL)
    {
      g_ptr_array_add (self->secret_waiters, task);
      return;
    }

  self->secret_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (self->secret_waiters, task);
  _botbench_rest_client_clear_secrets (self);
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
        _botbench_rest_client_call_send (g_object_ref (task));
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
  BotbenchRestExchange *ex;
  guint status;
  const char *uuid = botbench_profile_get_uuid (self->profile);

  bytes = _botbench_rest_client_exchange_finish (self, result, &ex, &error);
  status = soup_message_get_status (ex->msg);

  /* The token server's answer is untrusted bytes like any other. */
  if (bytes != NULL &&
      (root = botbench_json_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL)) != NULL &&
      JSON_NODE_HOLDS_OBJECT (root))
    {
      obj = json_node_get_object (root);
      access_token = json_object_get_string_member_with_default (obj, "access_token", NULL);
      refresh_token = json_object_get_string_member_with_default (obj, "refresh_token", NULL);
      _botbench_rest_client_remember_secret (self, access_token);
      _botbench_rest_client_remember_secret (self, refresh_token);
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

      error = _botbench_rest_client_error_new (self, BOTBENCH_REST_ERROR_REFRESH_FAILED, status,
                              code ? code : "no_token", description ? description : "", advice);
    }

  _botbench_rest_client_record (self, "oauth/token", ex->msg, NULL, bytes, ex->start_wall, ex->duration, error, 1);

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

void
_botbench_rest_client_start_refresh (BotbenchRestClient *self,
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
      g_task_return_error (task, _botbench_rest_client_error_new (self, BOTBENCH_REST_ERROR_EXPIRED_TOKEN, 401,
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
      g_task_return_error (task, _botbench_rest_client_error_new (self, BOTBENCH_REST_ERROR_BAD_PROFILE, 0, NULL, NULL,
                                                 _("The profile's token endpoint is not a valid URL")));
      g_object_unref (task);
      return;
    }
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept", "application/json");

  self->refreshing = TRUE;
  self->refresh_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (self->refresh_waiters, task);
  g_debug ("Refreshing the tokens of profile %s", botbench_profile_get_uuid (self->profile));
  _botbench_rest_client_exchange_async (self, msg, NULL, botbench_rest_client_refresh_cb, g_object_ref (self));
}

/* Webhook URL */

/* The webhook secret is in the path; OAuth calls carry auth in the body. */
char *
_botbench_rest_client_build_url (BotbenchRestClient *self,
                                 const char         *method)
{
  const char *portal = botbench_profile_get_portal_url (self->profile);
  const char *slash = g_str_has_suffix (portal, "/") ? "" : "/";

  if (_botbench_rest_client_is_webhook (self))
    return g_strdup_printf ("%s%srest/%s/%s/%s.json", portal, slash,
                            botbench_profile_get_user_id (self->profile), self->webhook_secret, method);
  return g_strdup_printf ("%s%srest/%s.json", portal, slash, method);
}

/* Public API */

void
botbench_rest_client_reload_secrets (BotbenchRestClient *self)
{
  g_return_if_fail (BOTBENCH_IS_REST_CLIENT (self));

  self->secrets_serial++;
  if (self->secret_waiters != NULL)
    {
      /* Restart the load in progress for the calls waiting on it. */
      _botbench_rest_client_clear_secrets (self);
      self->load_index = 0;
      load_next_secret (self);
      return;
    }
  _botbench_rest_client_clear_secrets (self);
}
