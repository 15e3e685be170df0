/* botbench-sandbox-auth.c: OAuth server and REST authentication
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * /oauth/authorize/ and /oauth/token/ (authorization codes, refresh
 * tokens), the token or webhook credentials of a REST call, and the rate
 * limiter's bucket.
 */
#define G_LOG_DOMAIN "botbench-sandbox"

#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "botbench-form-encoder.h"
#include "botbench-sandbox-private.h"
#include "botbench-sandbox-php-private.h"

static void
reply_oauth_error (SoupServerMessage *msg,
                   guint              status,
                   const char        *code,
                   const char        *description)
{
  g_autoptr(JsonNode) root = _botbench_sandbox_error_node (code, description);

  _botbench_sandbox_set_json_body (msg, status, root);
}

void
_botbench_sandbox_handle_authorize (BotbenchSandbox   *self,
                                    SoupServerMessage *msg)
{
  g_autoptr(JsonObject) params = _botbench_sandbox_request_params (msg);
  g_autofree char *client_id = _botbench_php_param_string (params, "client_id");
  g_autofree char *redirect_uri = _botbench_php_param_string (params, "redirect_uri");
  g_autofree char *state = _botbench_php_param_string (params, "state");
  g_autofree char *code = botbench_sandbox_random_hex (16);
  g_autofree char *server_domain = g_strdup (self->domain);
  gint64 user_id = _botbench_php_intval (_botbench_php_param (params, "user_id"));
  JsonObject *reply;

  if (g_strcmp0 (client_id, self->client_id) != 0)
    {
      reply_oauth_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_client", "Unknown client_id");
      return;
    }
  if (user_id <= 0)
    user_id = self->run.webhook_user;

  botbench_sandbox_state_exec (self->state, "INSERT INTO codes (code, user_id, expires) VALUES (?, ?, ?)",
                               "sii", code, user_id, _botbench_sandbox_now (self) + (gint64)CODE_TTL_SECONDS);

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
      g_autoptr(GUri) resolved = NULL;

      for (const GList *l = members; l != NULL; l = l->next)
        {
          g_string_append_c (location, l == members && !strchr (redirect_uri, '?') ? '?' : '&');
          g_string_append_printf (location, "%s=", (const char *)l->data);
          botbench_form_urlencode_append (location, json_object_get_string_member (reply, l->data), -1);
        }
      json_object_unref (reply);

      /* libsoup resolves the Location against the request's URI and
       * fails (a critical, no answer) on what GUri cannot parse, e.g. a
       * port "9u": refuse it as the portal refuses a bad redirect_uri. */
      resolved = g_uri_parse_relative (soup_server_message_get_uri (msg), location->str,
                                       SOUP_HTTP_URI_FLAGS, NULL);
      if (resolved == NULL)
        {
          reply_oauth_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_request", "Invalid redirect_uri");
          return;
        }
      soup_server_message_set_redirect (msg, SOUP_STATUS_FOUND, location->str);
      return;
    }

  {
    g_autoptr(JsonNode) root = _botbench_php_object_node (reply);

    _botbench_sandbox_set_json_body (msg, SOUP_STATUS_OK, root);
  }
}

void
_botbench_sandbox_handle_token (BotbenchSandbox   *self,
                                SoupServerMessage *msg)
{
  g_autoptr(JsonObject) params = _botbench_sandbox_request_params (msg);
  g_autofree char *grant_type = _botbench_php_param_string (params, "grant_type");
  g_autofree char *client_id = _botbench_php_param_string (params, "client_id");
  g_autofree char *client_secret = _botbench_php_param_string (params, "client_secret");
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *token_client = NULL;
  g_autofree char *scope = NULL;
  gint64 now = _botbench_sandbox_now (self);
  gint64 user_id = 0;

  if (!_botbench_sandbox_app_check_client (self, client_id, client_secret, &token_client, &scope))
    {
      reply_oauth_error (msg, SOUP_STATUS_UNAUTHORIZED, "invalid_client", "Invalid client credentials");
      return;
    }

  if (g_strcmp0 (grant_type, "authorization_code") == 0)
    {
      g_autofree char *code = _botbench_php_param_string (params, "code");

      /* /oauth/authorize/ knows only the sandbox's own application. */
      if (*token_client != '\0')
        {
          reply_oauth_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_grant", "Invalid authorization code");
          return;
        }
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
      g_autofree char *refresh_token = _botbench_php_param_string (params, "refresh_token");

      user_id = botbench_sandbox_state_query_int (self->state, 0,
                                                  "SELECT user_id FROM tokens WHERE refresh_token = ?"
                                                  " AND refresh_used = 0 AND refresh_expires > ? AND client_id = ?",
                                                  "sis", refresh_token, now, token_client);
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

  root = _botbench_php_object_node (_botbench_sandbox_token_response (self, token_client, scope, user_id));
  _botbench_sandbox_set_json_body (msg, SOUP_STATUS_OK, root);
}

gboolean
_botbench_sandbox_rate_limit_take (BotbenchSandbox *self)
{
  gint64 now = _botbench_sandbox_now_us (self);

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
char *
_botbench_sandbox_take_access_token (SoupServerMessage *msg,
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
      token = _botbench_php_param_string (params, "auth");
    }
  if (params != NULL && (token == NULL || *token == '\0'))
    {
      g_free (token);
      token = _botbench_php_param_string (params, "access_token");
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

gboolean
_botbench_sandbox_authenticate (BotbenchSandbox   *self,
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
        return _botbench_sandbox_api_refuse (error, SOUP_STATUS_UNAUTHORIZED, "INVALID_REQUEST", "Https required.");

      if (!g_str_equal (webhook_user, expected_user) || g_strcmp0 (webhook_secret, self->secret) != 0)
        return _botbench_sandbox_api_refuse (error, SOUP_STATUS_UNAUTHORIZED, "INVALID_CREDENTIALS",
                                             "Invalid request credentials");

      auth->webhook = TRUE;
      auth->user_id = self->run.webhook_user;
      auth->scope = g_strdup (self->run.scope);
      return TRUE;
    }

  token = _botbench_sandbox_take_access_token (msg, params);
  if (token == NULL)
    return _botbench_sandbox_api_refuse (error, SOUP_STATUS_UNAUTHORIZED, "NO_AUTH_FOUND", "Wrong authorization data");

  stmt = botbench_sandbox_state_query (self->state,
                                       "SELECT user_id, scope, expires, client_id FROM tokens WHERE access_token = ?",
                                       "s", token);
  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *client = (const char *)sqlite3_column_text (stmt, 3);

      auth->user_id = sqlite3_column_int64 (stmt, 0);
      auth->scope = g_strdup ((const char *)sqlite3_column_text (stmt, 1));
      expires = sqlite3_column_int64 (stmt, 2);
      auth->client_id = client != NULL && *client != '\0' ? g_strdup (client) : NULL;
    }
  sqlite3_finalize (stmt);

  if (auth->scope == NULL)
    return _botbench_sandbox_api_refuse (error, SOUP_STATUS_UNAUTHORIZED, "invalid_token",
                                         "Unable to get application by token");

  if (expires <= _botbench_sandbox_now (self))
    {
      g_clear_pointer (&auth->scope, g_free);
      g_clear_pointer (&auth->client_id, g_free);
      return _botbench_sandbox_api_refuse (error, SOUP_STATUS_UNAUTHORIZED, "expired_token",
                                           "The access token provided has expired");
    }

  auth->webhook = FALSE;
  return TRUE;
}
