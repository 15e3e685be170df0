/* botbench-sandbox-apps.c: local applications installed into the sandbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * POST /_sandbox/install (HANDLER, CLIENT_ID, optional SCOPE and
 * CLIENT_SECRET) installs a local application as a portal does: an app
 * row with its secret, scope and a new application_token, a token pair
 * for the installing user (valid on /rest/, refreshable at /oauth/token/
 * with the app's client_id and client_secret), and ONAPPINSTALL POSTed to
 * HANDLER with the keys and order of the portal's (reference §3.4.7,
 * fixture ONAPPINSTALL.form).  A reinstall voids the old tokens and gives
 * a new application_token, as a portal does; member_id is the portal's.
 * POST /_sandbox/uninstall (CLIENT_ID, optional CLEAN) POSTs ONAPPUNINSTALL
 * (no tokens: auth[domain], auth[member_id], auth[application_token]),
 * then voids the app's tokens and removes its bots and handlers.  Both
 * answer once the delivery is done, with its HTTP status or error.
 */
#define G_LOG_DOMAIN "botbench-sandbox"

#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "botbench-form-encoder.h"
#include "botbench-sandbox-private.h"
#include "botbench-sandbox-php-private.h"

#define MAX_CLIENT_ID     128
#define MAX_CLIENT_SECRET 128
#define MAX_HANDLER       2048
#define MAX_SCOPE         512

gboolean
_botbench_sandbox_app_owner (BotbenchSandbox *self,
                             const char      *id,
                             Owner           *owner)
{
  sqlite3_stmt *stmt;
  gboolean found = FALSE;

  if (id == NULL || *id == '\0')
    return FALSE;

  stmt = botbench_sandbox_state_query (self->state, "SELECT app_token, scope FROM apps WHERE client_id = ?",
                                       "s", id);
  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      owner->webhook = FALSE;
      owner->installed = TRUE;
      owner->id = g_strdup (id);
      owner->client_id = g_strdup (id);
      owner->app_token = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
      owner->scope = g_strdup ((const char *)sqlite3_column_text (stmt, 1));
      found = TRUE;
    }
  sqlite3_finalize (stmt);

  return found;
}

gboolean
_botbench_sandbox_app_check_client (BotbenchSandbox  *self,
                                    const char       *client_id,
                                    const char       *client_secret,
                                    char            **token_client,
                                    char            **scope)
{
  g_autofree char *secret = NULL;

  if (client_id == NULL || client_secret == NULL)
    return FALSE;

  if (g_strcmp0 (client_id, self->client_id) == 0)
    {
      if (g_strcmp0 (client_secret, self->client_secret) != 0)
        return FALSE;
      *token_client = g_strdup ("");
      *scope = g_strdup (self->run.scope);
      return TRUE;
    }

  secret = botbench_sandbox_state_query_text (self->state,
                                              "SELECT client_secret FROM apps WHERE client_id = ? AND installed = 1",
                                              "s", client_id);
  if (secret == NULL || g_strcmp0 (secret, client_secret) != 0)
    return FALSE;

  *token_client = g_strdup (client_id);
  *scope = botbench_sandbox_state_query_text (self->state, "SELECT scope FROM apps WHERE client_id = ?",
                                              "s", client_id);
  return *scope != NULL;
}

/* ------------------------------------------------------------------------ */
/* Input                                                                     */

static gboolean
is_word (const char *value,
         const char *extra,
         gsize       max)
{
  if (value == NULL || *value == '\0' || strlen (value) > max)
    return FALSE;

  for (const char *p = value; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr (extra, *p) == NULL)
      return FALSE;

  return TRUE;
}

/* The install URL: http or https with a host, as libsoup can send to. */
static gboolean
handler_ok (const char *url)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;

  if (url == NULL || strlen (url) > MAX_HANDLER)
    return FALSE;
  uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    return FALSE;
  scheme = g_uri_get_scheme (uri);

  return g_ascii_strcasecmp (scheme, "http") == 0 || g_ascii_strcasecmp (scheme, "https") == 0;
}

/* "imbot, placement" → "imbot,placement"; NULL if any entry is not a scope name. */
static char *
normalize_scope (const char *text)
{
  g_auto(GStrv) parts = NULL;
  g_autoptr(GString) out = g_string_new (NULL);

  if (text == NULL || *text == '\0')
    return g_strdup ("imbot");
  if (strlen (text) > MAX_SCOPE)
    return NULL;

  parts = g_strsplit (text, ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *part = g_strstrip (parts[i]);

      if (!is_word (part, "_.", MAX_SCOPE))
        return NULL;
      if (out->len > 0)
        g_string_append_c (out, ',');
      g_string_append (out, part);
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* CLIENT_ID: required, local.xxx.yyy-like, not the sandbox's own app. */
static char *
take_client_id (BotbenchSandbox *self,
                JsonObject      *params,
                ApiError        *error)
{
  g_autofree char *client_id = _botbench_php_param_trimmed (params, "CLIENT_ID");

  if (client_id == NULL || *client_id == '\0')
    _botbench_sandbox_api_fail (error, SOUP_STATUS_BAD_REQUEST, "CLIENT_ID_EMPTY",
                                "CLIENT_ID (the application's client id) is required");
  else if (!is_word (client_id, "._-", MAX_CLIENT_ID))
    _botbench_sandbox_api_fail (error, SOUP_STATUS_BAD_REQUEST, "CLIENT_ID_ERROR",
                                "CLIENT_ID may hold letters, digits, '.', '_' and '-' (128 at most)");
  else if (g_str_equal (client_id, self->client_id) || g_str_has_prefix (client_id, "custom"))
    _botbench_sandbox_api_fail (error, SOUP_STATUS_BAD_REQUEST, "CLIENT_ID_ERROR",
                                "CLIENT_ID is taken by the sandbox's own application or webhook bots");
  else
    return g_steal_pointer (&client_id);

  return NULL;
}

/* ------------------------------------------------------------------------ */
/* Delivery                                                                  */

typedef struct
{
  BotbenchSandbox   *self;
  SoupServerMessage *msg;
  JsonObject        *result;
  char              *event;
  char              *url;
  gint64             start_us;
} Pending;

static void
pending_free (Pending *pending)
{
  g_clear_object (&pending->msg);
  g_clear_pointer (&pending->result, json_object_unref);
  g_free (pending->event);
  g_free (pending->url);
  g_free (pending);
}

static void
finish (Pending    *pending,
        guint       status,
        const char *error_text)
{
  JsonObject *delivery = json_object_new ();

  json_object_set_string_member (delivery, "event", pending->event);
  json_object_set_string_member (delivery, "url", pending->url);
  json_object_set_int_member (delivery, "status", status);
  json_object_set_boolean_member (delivery, "delivered", status >= 200 && status < 300);
  if (error_text != NULL)
    json_object_set_string_member (delivery, "error", error_text);
  json_object_set_object_member (pending->result, "delivery", delivery);

  _botbench_sandbox_reply_result (pending->self, pending->msg,
                                  _botbench_php_object_node (g_steal_pointer (&pending->result)),
                                  pending->start_us);
  soup_server_message_unpause (pending->msg);
  _botbench_sandbox_post_delivered (pending->self, pending->event, pending->url, status);
}

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Pending *pending = user_data;
  BotbenchSandbox *self = pending->self;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  guint status;

  body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  status = error == NULL && msg != NULL ? soup_message_get_status (msg) : 0;
  g_debug ("%s delivered to its install handler with status %u", pending->event, status);

  if (error != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    finish (pending, 0, "Connection refused");
  else if (error != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    finish (pending, 0, "The sandbox is stopping");
  else if (error != NULL)
    finish (pending, 0, error->message);
  else
    finish (pending, status, status == 0 ? "No answer" : NULL);

  g_assert (self->n_deliveries > 0);
  self->n_deliveries--;
  pending_free (pending);
}

/* POSTs body (the event, form-encoded) to url and answers msg with result
 * and the delivery once done; takes result and body. */
static void
deliver (BotbenchSandbox   *self,
         SoupServerMessage *msg,
         const char        *event,
         const char        *url,
         JsonNode          *body,
         JsonObject        *result,
         gint64             start_us)
{
  g_autoptr(SoupMessage) post = soup_message_new (SOUP_METHOD_POST, url);
  g_autoptr(GBytes) bytes = NULL;
  Pending *pending = g_new0 (Pending, 1);
  char *encoded;

  pending->self = self;
  pending->msg = g_object_ref (msg);
  pending->result = result;
  pending->event = g_strdup (event);
  pending->url = g_strdup (url);
  pending->start_us = start_us;

  if (post == NULL)
    {
      soup_server_message_pause (msg);
      finish (pending, 0, "Invalid handler URL");
      pending_free (pending);
      json_node_unref (body);
      return;
    }

  encoded = botbench_form_encode_json (body);
  json_node_unref (body);
  bytes = g_bytes_new_take (encoded, strlen (encoded));
  soup_message_set_request_body_from_bytes (post, "application/x-www-form-urlencoded", bytes);

  self->n_deliveries++;
  soup_server_message_pause (msg);
  soup_session_send_and_read_async (self->session, post, G_PRIORITY_DEFAULT, self->cancellable,
                                    sent_cb, pending);
}

static JsonNode *
event_body (BotbenchSandbox *self,
            const char      *event,
            gint64           handler_id,
            JsonObject      *data,
            JsonObject      *auth)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "event", event);
  _botbench_php_set_int_string (object, "event_handler_id", handler_id);
  json_object_set_object_member (object, "data", data);
  _botbench_php_set_int_string (object, "ts", _botbench_sandbox_now (self));
  json_object_set_object_member (object, "auth", auth);

  return _botbench_php_object_node (object);
}

/* ------------------------------------------------------------------------ */
/* /_sandbox/install                                                          */

void
_botbench_sandbox_handle_install (BotbenchSandbox   *self,
                                  SoupServerMessage *msg,
                                  JsonObject        *params,
                                  gint64             start_us)
{
  g_auto(ApiError) error = { 0 };
  g_autofree char *handler = _botbench_php_param_trimmed (params, "HANDLER");
  g_autofree char *scope_param = _botbench_php_param_trimmed (params, "SCOPE");
  g_autofree char *secret_param = _botbench_php_param_trimmed (params, "CLIENT_SECRET");
  g_autofree char *client_id = NULL;
  g_autofree char *scope = NULL;
  g_autofree char *client_secret = NULL;
  g_autofree char *app_token = botbench_sandbox_random_hex (16);
  g_autofree char *endpoint = g_strconcat (self->base_url, "rest/", NULL);
  g_autofree char *access_token = NULL;
  g_autofree char *refresh_token = NULL;
  gboolean generated = FALSE;
  gboolean reinstall;
  JsonObject *data, *auth, *result;
  gint64 user_id = self->run.webhook_user;
  gint64 handler_id = 0;
  gint64 expires;
  g_autofree char *stored_url = NULL;

  if (_botbench_php_param (params, "HANDLER") != NULL &&
      !JSON_NODE_HOLDS_VALUE (_botbench_php_param (params, "HANDLER")))
    {
      _botbench_sandbox_api_fail (&error, SOUP_STATUS_BAD_REQUEST, "HANDLER_ERROR",
                                  "HANDLER must be an http or https URL with a host");
      goto fail;
    }
  if (handler == NULL || *handler == '\0')
    {
      _botbench_sandbox_api_fail (&error, SOUP_STATUS_BAD_REQUEST, "HANDLER_EMPTY",
                                  "HANDLER (the application's install URL) is required");
      goto fail;
    }
  if (!handler_ok (handler))
    {
      _botbench_sandbox_api_fail (&error, SOUP_STATUS_BAD_REQUEST, "HANDLER_ERROR",
                                  "HANDLER must be an http or https URL with a host");
      goto fail;
    }
  if ((client_id = take_client_id (self, params, &error)) == NULL)
    goto fail;
  if ((scope = normalize_scope (scope_param)) == NULL)
    {
      _botbench_sandbox_api_fail (&error, SOUP_STATUS_BAD_REQUEST, "SCOPE_ERROR",
                                  "SCOPE is a comma-separated list of scope names (imbot by default)");
      goto fail;
    }
  if (secret_param != NULL && *secret_param != '\0' && !is_word (secret_param, "._-", MAX_CLIENT_SECRET))
    {
      _botbench_sandbox_api_fail (&error, SOUP_STATUS_BAD_REQUEST, "CLIENT_SECRET_ERROR",
                                  "CLIENT_SECRET may hold letters, digits, '.', '_' and '-' (128 at most)");
      goto fail;
    }

  /* The secret given, else the one of an earlier install, else a new one. */
  client_secret = botbench_sandbox_state_query_text (self->state, "SELECT client_secret FROM apps WHERE client_id = ?",
                                                     "s", client_id);
  reinstall = client_secret != NULL;
  if (secret_param != NULL && *secret_param != '\0')
    g_free (client_secret), client_secret = g_strdup (secret_param);
  else if (client_secret == NULL)
    client_secret = botbench_sandbox_random_hex (25), generated = TRUE;

  /* A reinstall: the old tokens are void, the application_token is new. */
  botbench_sandbox_state_exec (self->state, "DELETE FROM tokens WHERE client_id = ?", "s", client_id);
  botbench_sandbox_state_exec (self->state,
                               "INSERT OR REPLACE INTO apps (client_id, client_secret, handler, scope, app_token,"
                               " user_id, installed, updated) VALUES (?, ?, ?, ?, ?, ?, 1, ?)",
                               "sssssii", client_id, client_secret, handler, scope, app_token, user_id,
                               _botbench_sandbox_now (self));
  /* event.bind of both, as the portal keeps them for the app */
  _botbench_sandbox_bind_handler (self, client_id, "ONAPPINSTALL", handler);
  _botbench_sandbox_bind_handler (self, client_id, "ONAPPUNINSTALL", handler);
  _botbench_sandbox_lookup_handler (self, client_id, "ONAPPINSTALL", &handler_id, &stored_url);

  _botbench_sandbox_issue_token (self, client_id, user_id, scope, &access_token, &refresh_token, &expires);

  data = json_object_new ();
  json_object_set_string_member (data, "VERSION", "1");
  json_object_set_string_member (data, "ACTIVE", "Y");
  json_object_set_string_member (data, "INSTALLED", "Y");
  json_object_set_string_member (data, "LANGUAGE_ID", "en");

  /* The fixture's order (§3.4.7). */
  auth = json_object_new ();
  json_object_set_string_member (auth, "access_token", access_token);
  _botbench_php_set_int_string (auth, "expires", expires);
  _botbench_php_set_int_string (auth, "expires_in", self->run.token_ttl);
  json_object_set_string_member (auth, "scope", scope);
  json_object_set_string_member (auth, "domain", self->domain);
  json_object_set_string_member (auth, "server_endpoint", endpoint);
  json_object_set_string_member (auth, "status", STATUS_LETTER);
  json_object_set_string_member (auth, "client_endpoint", endpoint);
  json_object_set_string_member (auth, "member_id", self->member_id);
  _botbench_php_set_int_string (auth, "user_id", user_id);
  json_object_set_string_member (auth, "refresh_token", refresh_token);
  json_object_set_string_member (auth, "application_token", app_token);

  result = json_object_new ();
  json_object_set_string_member (result, "client_id", client_id);
  if (generated)
    json_object_set_string_member (result, "client_secret", client_secret);
  json_object_set_boolean_member (result, "reinstall", reinstall);
  json_object_set_string_member (result, "member_id", self->member_id);
  json_object_set_string_member (result, "application_token", app_token);
  json_object_set_string_member (result, "access_token", access_token);
  json_object_set_string_member (result, "refresh_token", refresh_token);
  json_object_set_int_member (result, "expires", expires);
  json_object_set_int_member (result, "expires_in", self->run.token_ttl);
  json_object_set_string_member (result, "scope", scope);
  json_object_set_string_member (result, "domain", self->domain);
  json_object_set_string_member (result, "client_endpoint", endpoint);
  json_object_set_string_member (result, "server_endpoint", endpoint);
  json_object_set_int_member (result, "user_id", user_id);
  json_object_set_string_member (result, "handler", handler);

  deliver (self, msg, "ONAPPINSTALL", handler, event_body (self, "ONAPPINSTALL", handler_id, data, auth),
           result, start_us);
  return;

fail:
  _botbench_sandbox_reply_error (msg, &error);
}

/* ------------------------------------------------------------------------ */
/* /_sandbox/uninstall                                                        */

static void
remove_bots (BotbenchSandbox *self,
             const char      *client_id)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt;

  stmt = botbench_sandbox_state_query (self->state, "SELECT id FROM bots WHERE owner = ?", "s", client_id);
  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (ids, id);
    }
  sqlite3_finalize (stmt);

  /* The portal removes an application's bots with it (no events: the
   * application is gone). */
  for (guint i = 0; i < ids->len; i++)
    _botbench_sandbox_delete_bot (self, g_array_index (ids, gint64, i));
  if (ids->len > 0)
    _botbench_sandbox_chats_changed (self, 0);
}

void
_botbench_sandbox_handle_uninstall (BotbenchSandbox   *self,
                                    SoupServerMessage *msg,
                                    JsonObject        *params,
                                    gint64             start_us)
{
  g_auto(ApiError) error = { 0 };
  g_autofree char *client_id = NULL;
  g_autofree char *app_token = NULL;
  g_autofree char *url = NULL;
  gboolean clean = !_botbench_php_empty (_botbench_php_param (params, "CLEAN"));
  JsonObject *data, *auth, *result;
  gint64 handler_id = 0;

  if ((client_id = take_client_id (self, params, &error)) == NULL)
    goto fail;

  app_token = botbench_sandbox_state_query_text (self->state,
                                                 "SELECT app_token FROM apps WHERE client_id = ? AND installed = 1",
                                                 "s", client_id);
  if (app_token == NULL)
    {
      _botbench_sandbox_api_fail (&error, SOUP_STATUS_BAD_REQUEST, "APP_NOT_INSTALLED",
                                  "No application with this CLIENT_ID is installed");
      goto fail;
    }

  if (!_botbench_sandbox_lookup_handler (self, client_id, "ONAPPUNINSTALL", &handler_id, &url))
    url = botbench_sandbox_state_query_text (self->state, "SELECT handler FROM apps WHERE client_id = ?",
                                             "s", client_id);

  /* Its tokens are void at once; its bots and handlers go with it. */
  botbench_sandbox_state_exec (self->state, "UPDATE apps SET installed = 0, updated = ? WHERE client_id = ?",
                               "is", _botbench_sandbox_now (self), client_id);
  botbench_sandbox_state_exec (self->state, "DELETE FROM tokens WHERE client_id = ?", "s", client_id);
  remove_bots (self, client_id);
  botbench_sandbox_state_exec (self->state, "DELETE FROM handlers WHERE owner = ?", "s", client_id);

  data = json_object_new ();
  json_object_set_string_member (data, "LANGUAGE_ID", "en");
  json_object_set_string_member (data, "CLEAN", clean ? "1" : "0");
  auth = json_object_new ();
  json_object_set_string_member (auth, "domain", self->domain);
  json_object_set_string_member (auth, "member_id", self->member_id);
  json_object_set_string_member (auth, "application_token", app_token);

  result = json_object_new ();
  json_object_set_string_member (result, "client_id", client_id);
  json_object_set_string_member (result, "member_id", self->member_id);
  json_object_set_boolean_member (result, "clean", clean);

  deliver (self, msg, "ONAPPUNINSTALL", url, event_body (self, "ONAPPUNINSTALL", handler_id, data, auth),
           result, start_us);
  return;

fail:
  _botbench_sandbox_reply_error (msg, &error);
}
