/* botbench-sandbox-rest.c: the REST endpoint: method table, scopes, batch, one call
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * /rest/<method> and /rest/<user>/<secret>/<method>: the table of methods
 * with the scope each needs, the batch method, and a call from its URL (read
 * before the body) to its answer.
 */
#define G_LOG_DOMAIN "botbench-sandbox"

#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "botbench-sandbox-private.h"
#include "botbench-sandbox-v2-private.h"
#include "botbench-sandbox-php-private.h"

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

  return _botbench_php_object_node (profile);
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
  json_object_set_boolean_member (info, "INSTALLED", botbench_sandbox_get_app_installed (self));
  json_object_set_string_member (info, "PAYMENT_EXPIRED", "N");
  json_object_set_null_member (info, "DAYS");
  json_object_set_string_member (info, "LANGUAGE_ID", "en");
  json_object_set_string_member (info, "LICENSE", "en_project");
  json_object_set_string_member (info, "member_id", self->member_id);

  return _botbench_php_object_node (info);
}

static JsonNode *method_batch (BotbenchSandbox *self,
                               const Auth      *auth,
                               JsonObject      *params,
                               ApiError        *error);

/* Names in lower case: the portal lower-cases the method of the URL. */
static const struct {
  const char *name;
  const char *scope;   /* NULL: any authorised caller */
  MethodFunc  func;
  gboolean    v2;      /* imbot.v2: parameters as sent, not upper-cased */
} methods[] = {
  { "imbot.register", "imbot", _botbench_sandbox_imbot_register },
  { "imbot.unregister", "imbot", _botbench_sandbox_imbot_unregister },
  { "imbot.update", "imbot", _botbench_sandbox_imbot_update },
  { "imbot.bot.list", "imbot", _botbench_sandbox_imbot_bot_list },
  { "imbot.message.add", "imbot", _botbench_sandbox_imbot_message_add },
  { "imbot.message.update", "imbot", _botbench_sandbox_imbot_message_update },
  { "imbot.message.delete", "imbot", _botbench_sandbox_imbot_message_delete },
  { "imbot.command.register", "imbot", _botbench_sandbox_imbot_command_register },
  { "imbot.command.unregister", "imbot", _botbench_sandbox_imbot_command_unregister },
  { "imbot.command.update", "imbot", _botbench_sandbox_imbot_command_update },
  { "imbot.command.answer", "imbot", _botbench_sandbox_imbot_command_answer },
  { "scope", NULL, method_scope },
  { "profile", NULL, method_profile },
  { "app.info", NULL, method_app_info },
  { "batch", NULL, method_batch },
  { "imbot.v2.bot.register", "imbot", _botbench_sandbox_v2_bot_register, TRUE },
  { "imbot.v2.bot.update", "imbot", _botbench_sandbox_v2_bot_update, TRUE },
  { "imbot.v2.bot.unregister", "imbot", _botbench_sandbox_v2_bot_unregister, TRUE },
  { "imbot.v2.bot.list", "imbot", _botbench_sandbox_v2_bot_list, TRUE },
  { "imbot.v2.bot.get", "imbot", _botbench_sandbox_v2_bot_get, TRUE },
  { "imbot.v2.revision.get", "imbot", _botbench_sandbox_v2_revision_get, TRUE },
  { "imbot.v2.event.get", "imbot", _botbench_sandbox_v2_event_get, TRUE },
  { "imbot.v2.chat.message.send", "imbot", _botbench_sandbox_v2_message_send, TRUE },
  { "imbot.v2.chat.message.update", "imbot", _botbench_sandbox_v2_message_update, TRUE },
  { "imbot.v2.chat.message.delete", "imbot", _botbench_sandbox_v2_message_delete, TRUE },
  { "imbot.v2.command.register", "imbot", _botbench_sandbox_v2_command_register, TRUE },
  { "imbot.v2.command.update", "imbot", _botbench_sandbox_v2_command_update, TRUE },
  { "imbot.v2.command.unregister", "imbot", _botbench_sandbox_v2_command_unregister, TRUE },
  { "imbot.v2.command.list", "imbot", _botbench_sandbox_v2_command_list, TRUE },
  { "imbot.v2.command.answer", "imbot", _botbench_sandbox_v2_command_answer, TRUE },
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
    return _botbench_sandbox_api_fail (error, SOUP_STATUS_UNAUTHORIZED, "insufficient_scope",
                                       auth->webhook
                                       ? "The request requires higher privileges than provided by the webhook token"
                                       : "The request requires higher privileges than provided by the access token");

  params = methods[index].v2 ? json_object_ref (raw_params) : _botbench_php_upper_case_keys (raw_params);

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

  cmd = _botbench_php_array_to_object (_botbench_php_is_array (_botbench_php_param (params, "CMD"))
                                       ? _botbench_php_param (params, "CMD") : NULL);
  halt = _botbench_php_intval (_botbench_php_param (params, "HALT")) != 0;

  if (json_object_get_size (cmd) > BOTBENCH_SANDBOX_MAX_BATCH)
    return _botbench_sandbox_api_fail (error, SOUP_STATUS_BAD_REQUEST, "ERROR_BATCH_LENGTH_EXCEEDED",
                                       "Max batch length exceeded");

  keys = json_object_get_members (cmd);
  for (const GList *l = keys; l != NULL; l = l->next)
    {
      g_auto(ApiError) sub_error = { 0 };
      g_autofree char *line = _botbench_php_string (json_object_get_member (cmd, l->data));
      g_autofree char *name = NULL;
      g_autoptr(JsonObject) sub_params = NULL;
      JsonNode *result = NULL;
      const char *query;
      gint64 start_us = _botbench_sandbox_now_us (self);
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
      sub_params = _botbench_php_parse_str (query ? query + 1 : "", query ? strlen (query + 1) : 0);

      index = find_method (name);
      if (index < 0)
        _botbench_sandbox_api_fail (&sub_error, SOUP_STATUS_NOT_FOUND, "ERROR_METHOD_NOT_FOUND", "Method not found!");
      else if (methods[index].func == method_batch)
        _botbench_sandbox_api_fail (&sub_error, SOUP_STATUS_METHOD_NOT_ALLOWED, "ERROR_BATCH_METHOD_NOT_ALLOWED",
                                    "Method is not allowed for batch usage");
      else
        result = call_method (self, index, auth, sub_params, &sub_error);

      if (result != NULL)
        {
          json_object_set_member (results, l->data, result);
          json_object_set_object_member (times, l->data, _botbench_sandbox_time_object (self, start_us));
        }
      else
        {
          json_object_set_member (errors, l->data,
                                  _botbench_sandbox_error_node (sub_error.code, sub_error.description));
          if (halt)
            break;
        }
    }

  out = json_object_new ();
  json_object_set_member (out, "result", _botbench_php_array_node (results));
  json_object_set_member (out, "result_error", _botbench_php_array_node (errors));
  json_object_set_array_member (out, "result_total", json_array_new ());
  json_object_set_array_member (out, "result_next", json_array_new ());
  json_object_set_member (out, "result_time", _botbench_php_array_node (times));

  return _botbench_php_object_node (out);
}

void
_botbench_sandbox_rest_call_free (RestCall *call)
{
  g_free (call->method);
  g_free (call->auth.scope);
  g_free (call->auth.client_id);
  g_free (call);
}

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

RestCall *
_botbench_sandbox_rest_call_begin (BotbenchSandbox   *self,
                                   SoupServerMessage *msg,
                                   const char        *path,
                                   ApiError          *error)
{
  g_autoptr(RestCall) call = g_new0 (RestCall, 1);
  g_auto(GStrv) parts = g_strsplit (path + strlen ("/rest/"), "/", -1);
  const char *user = NULL, *secret = NULL;
  guint n = g_strv_length (parts);

  call->start_us = _botbench_sandbox_now_us (self);
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
      _botbench_sandbox_api_fail (error, SOUP_STATUS_NOT_FOUND, "ERROR_METHOD_NOT_FOUND", "Method not found!");
      return NULL;
    }

  if (self->run.rate_limit && !_botbench_sandbox_rate_limit_take (self))
    {
      _botbench_sandbox_api_fail (error, SOUP_STATUS_SERVICE_UNAVAILABLE, "QUERY_LIMIT_EXCEEDED", "Too many requests");
      return NULL;
    }

  if (user != NULL || has_bearer_token (msg))
    {
      if (!_botbench_sandbox_authenticate (self, msg, user, secret, NULL, &call->auth, error))
        return NULL;
      call->authenticated = TRUE;
    }

  return g_steal_pointer (&call);
}

void
_botbench_sandbox_handle_rest (BotbenchSandbox   *self,
                               SoupServerMessage *msg,
                               const char        *path)
{
  g_auto(ApiError) error = { 0 };
  g_autoptr(JsonObject) params = NULL;
  RestCall *call = g_object_get_data (G_OBJECT (msg), REST_CALL_KEY);
  JsonNode *result = NULL;

  /* The early handler answered whatever it refused. */
  g_assert (call != NULL);

  params = _botbench_sandbox_request_params (msg);
  if (call->authenticated)
    {
      /* Credentials in the body are not parameters (_botbench_sandbox_take_access_token). */
      json_object_remove_member (params, "auth");
      json_object_remove_member (params, "access_token");
    }
  else if (!_botbench_sandbox_authenticate (self, msg, NULL, NULL, params, &call->auth, &error))
    {
      _botbench_sandbox_reply_error (msg, &error);
      return;
    }

  g_debug ("%s %s (%s)", methods[call->index].name, call->auth.webhook ? "webhook" : "oauth",
           soup_server_message_get_method (msg));
  result = call_method (self, call->index, &call->auth, params, &error);

  if (result != NULL)
    _botbench_sandbox_reply_result (self, msg, result, call->start_us);
  else
    _botbench_sandbox_reply_error (msg, &error);
}
