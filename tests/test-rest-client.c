/* test-rest-client.c: the REST client against a fake portal on loopback
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The fake portal answers with the exact envelopes of the reference notes
 * (§4.3, §4.4), checks webhook credentials and OAuth tokens, and serves a
 * token endpoint at /oauth/token/.  Secrets live in a session-only store,
 * so no keyring is needed here (test-secret-store covers the keyring).
 */
#define G_LOG_DOMAIN "test-rest-client"

#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "botbench-profile.h"
#include "botbench-rate-limiter.h"
#include "botbench-request-history.h"
#include "botbench-request-history-private.h"
#include "botbench-rest-client.h"
#include "botbench-secret-store.h"
#include "botbench-test-utils.h"

#define SECRET          "q1w2e3r4t5y6u7i8"
#define CLIENT_SECRET   "cs9Xk2LmP0qRtUvW3yZa"
#define OAUTH_CLIENT_ID "local.5f0e1d2c3b4a.12345678"
#define OLD_ACCESS      "at-expired-7f3a9c1e2b4d"
#define OLD_REFRESH     "rt-first-4c8e2a6b0d1f"

typedef struct
{
  SoupServer             *server;
  char                   *base;          /* http://127.0.0.1:PORT/ */
  BotbenchSecretStore    *secrets;
  BotbenchRequestHistory *history;
  BotbenchProfile        *profile;
  BotbenchRestClient     *client;

  /* Portal state */
  char                   *access_token;  /* the valid one */
  char                   *refresh_token;
  GPtrArray              *issued;        /* every token issued */
  guint                   n_refreshes;
  gboolean                refresh_fails;
  gboolean                always_expired;
  gboolean                https_required;
  guint                   limit_failures;
  guint                   n_requests;
  char                  **scopes;
  GPtrArray              *paused;
  GArray                 *arrivals;      /* gint64 monotonic, per /rest/ request */
  char                   *last_path;
  JsonObject             *last_params;
} PortalFixture;

/* Fake portal */

static void
reply_json (SoupServerMessage *msg,
            guint              status,
            JsonNode          *root)
{
  g_autofree char *json = json_to_string (root, FALSE);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json; charset=utf-8", SOUP_MEMORY_COPY,
                                    json, strlen (json));
}

static void
reply_error (SoupServerMessage *msg,
             guint              status,
             const char        *code,
             const char        *description)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, code);
  json_builder_set_member_name (builder, "error_description");
  json_builder_add_string_value (builder, description);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  reply_json (msg, status, root);
}

static void
reply_result (SoupServerMessage *msg,
              JsonNode          *result,
              gint64             next,
              gint64             total)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "result");
  json_builder_add_value (builder, json_node_copy (result));
  if (next >= 0)
    {
      json_builder_set_member_name (builder, "next");
      json_builder_add_int_value (builder, next);
    }
  if (total >= 0)
    {
      json_builder_set_member_name (builder, "total");
      json_builder_add_int_value (builder, total);
    }
  json_builder_set_member_name (builder, "time");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "start");
  json_builder_add_double_value (builder, 1760000000.1);
  json_builder_set_member_name (builder, "finish");
  json_builder_add_double_value (builder, 1760000000.2);
  json_builder_set_member_name (builder, "duration");
  json_builder_add_double_value (builder, 0.1);
  json_builder_set_member_name (builder, "processing");
  json_builder_add_double_value (builder, 0.05);
  json_builder_set_member_name (builder, "date_start");
  json_builder_add_string_value (builder, "2025-10-09T12:00:00+00:00");
  json_builder_set_member_name (builder, "date_finish");
  json_builder_add_string_value (builder, "2025-10-09T12:00:00+00:00");
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  reply_json (msg, SOUP_STATUS_OK, root);
}

static JsonNode *
string_node (const char *s)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (node, s);
  return node;
}

static gboolean
has_scope (PortalFixture *f,
           const char    *scope)
{
  return g_strv_contains ((const char * const *)f->scopes, scope);
}

static void
fake_portal_rest_cb (SoupServer        *server,
                     SoupServerMessage *msg,
                     const char        *path,
                     GHashTable        *query,
                     gpointer           user_data)
{
  PortalFixture *f = user_data;
  g_auto(GStrv) parts = NULL;
  g_autofree char *method = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  JsonObject *params;
  gboolean webhook;
  gint64 now = g_get_monotonic_time ();

  f->n_requests++;
  g_array_append_val (f->arrivals, now);
  g_free (f->last_path);
  f->last_path = g_strdup (path);

  parts = g_strsplit (path + strlen ("/rest/"), "/", -1);
  webhook = g_strv_length (parts) == 3;
  method = g_ascii_strdown (parts[webhook ? 2 : 0], -1);
  if (g_str_has_suffix (method, ".json"))
    method[strlen (method) - 5] = '\0';

  /* JSON body; invalid JSON silently becomes {} (§4.2) */
  if (body->length > 0 &&
      json_parser_load_from_data (parser, body->data, body->length, NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    params = json_object_ref (json_node_get_object (json_parser_get_root (parser)));
  else
    params = json_object_new ();
  g_clear_pointer (&f->last_params, json_object_unref);
  f->last_params = params;

  /* Unknown methods fail before auth (§4.1) */
  if (!g_str_equal (method, "scope") && !g_str_equal (method, "profile") &&
      !g_str_equal (method, "imbot.register") && !g_str_equal (method, "user.get") &&
      !g_str_equal (method, "echo") && !g_str_equal (method, "limited") &&
      !g_str_equal (method, "slow") && !g_str_equal (method, "html") &&
      !g_str_equal (method, "deep") && !g_str_equal (method, "twice") &&
      !g_str_equal (method, "server.error") && !g_str_equal (method, "ops.limit"))
    {
      reply_error (msg, SOUP_STATUS_NOT_FOUND, "ERROR_METHOD_NOT_FOUND", "Method not found!");
      return;
    }

  if (webhook)
    {
      if (f->https_required)
        {
          reply_error (msg, SOUP_STATUS_UNAUTHORIZED, "INVALID_REQUEST", "Https required.");
          return;
        }
      if (!g_str_equal (parts[0], "1") || !g_str_equal (parts[1], SECRET))
        {
          reply_error (msg, SOUP_STATUS_UNAUTHORIZED, "INVALID_CREDENTIALS", "Invalid request credentials");
          return;
        }
    }
  else
    {
      const char *auth = json_object_get_string_member_with_default (params, "auth", NULL);

      if (auth == NULL)
        {
          reply_error (msg, SOUP_STATUS_UNAUTHORIZED, "NO_AUTH_FOUND", "Wrong authorization data");
          return;
        }
      if (f->always_expired || g_strcmp0 (auth, f->access_token) != 0)
        {
          reply_error (msg, SOUP_STATUS_UNAUTHORIZED, "expired_token", "The access token provided has expired.");
          return;
        }
    }

  if (g_str_has_prefix (method, "imbot.") && !has_scope (f, "imbot"))
    {
      reply_error (msg, SOUP_STATUS_UNAUTHORIZED, "insufficient_scope",
                   "The request requires higher privileges than provided by the webhook token");
      return;
    }
  /* Keys are upper-cased by the portal: client_id works too (§2.6) */
  if (g_str_has_prefix (method, "imbot.") && webhook &&
      json_object_get_string_member_with_default (params, "CLIENT_ID", NULL) == NULL &&
      json_object_get_string_member_with_default (params, "client_id", NULL) == NULL)
    {
      reply_error (msg, SOUP_STATUS_FORBIDDEN, "ACCESS_DENIED", "Access denied! Client ID not specified");
      return;
    }

  if (g_str_equal (method, "scope"))
    {
      JsonArray *array = json_array_new ();
      JsonNode *node = json_node_new (JSON_NODE_ARRAY);

      for (guint i = 0; f->scopes[i]; i++)
        json_array_add_string_element (array, f->scopes[i]);
      json_node_take_array (node, array);
      reply_result (msg, node, -1, -1);
      json_node_unref (node);
    }
  else if (g_str_equal (method, "profile"))
    {
      g_autoptr(JsonParser) p = json_parser_new ();

      json_parser_load_from_data (p, "{\"ID\":\"1\",\"ADMIN\":true,\"NAME\":\"Ann\",\"LAST_NAME\":\"Lee\"}",
                                  -1, NULL);
      reply_result (msg, json_parser_get_root (p), -1, -1);
    }
  else if (g_str_equal (method, "imbot.register"))
    {
      JsonNode *node = json_node_new (JSON_NODE_VALUE);

      json_node_set_int (node, 7);
      reply_result (msg, node, -1, -1);
      json_node_unref (node);
    }
  else if (g_str_equal (method, "user.get"))
    {
      g_autoptr(JsonParser) p = json_parser_new ();

      json_parser_load_from_data (p, "[{\"ID\":\"1\"},{\"ID\":\"2\"}]", -1, NULL);
      reply_result (msg, json_parser_get_root (p), 50, 120);
    }
  else if (g_str_equal (method, "echo"))
    {
      JsonNode *node = json_node_new (JSON_NODE_OBJECT);

      json_node_set_object (node, params);
      reply_result (msg, node, -1, -1);
      json_node_unref (node);
    }
  else if (g_str_equal (method, "limited"))
    {
      if (f->limit_failures > 0)
        {
          f->limit_failures--;
          reply_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "QUERY_LIMIT_EXCEEDED", "Too many requests");
          return;
        }
      g_autoptr(JsonNode) ok = string_node ("ok");

      reply_result (msg, ok, -1, -1);
    }
  else if (g_str_equal (method, "slow"))
    {
      soup_server_message_pause (msg);
      g_ptr_array_add (f->paused, g_object_ref (msg));
    }
  else if (g_str_equal (method, "html"))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC, "<html></html>", 13);
    }
  else if (g_str_equal (method, "deep"))
    {
      /* A JSON bomb that would crash json-glib, as a portal's answer */
      GString *bomb = g_string_new ("{\"result\":");

      for (guint i = 0; i < 100000; i++)
        g_string_append_c (bomb, '[');
      for (guint i = 0; i < 100000; i++)
        g_string_append_c (bomb, ']');
      g_string_append_c (bomb, '}');
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, bomb->str, bomb->len);
      g_string_free (bomb, FALSE);
    }
  else if (g_str_equal (method, "twice"))
    {
      static const char twice[] = "{\"result\":\"first\"}{\"result\":\"second\"}";

      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, twice, strlen (twice));
    }
  else if (g_str_equal (method, "server.error"))
    reply_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "INTERNAL_SERVER_ERROR", "Internal server error");
  else if (g_str_equal (method, "ops.limit"))
    reply_error (msg, 429, "OPERATION_TIME_LIMIT", "Method is blocked due to operation time limit.");
}

static void
fake_portal_token_cb (SoupServer        *server,
                      SoupServerMessage *msg,
                      const char        *path,
                      GHashTable        *query,
                      gpointer           user_data)
{
  PortalFixture *f = user_data;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  if (query == NULL ||
      g_strcmp0 (g_hash_table_lookup (query, "grant_type"), "refresh_token") != 0 ||
      g_strcmp0 (g_hash_table_lookup (query, "client_id"), OAUTH_CLIENT_ID) != 0 ||
      g_strcmp0 (g_hash_table_lookup (query, "client_secret"), CLIENT_SECRET) != 0)
    {
      reply_error (msg, SOUP_STATUS_UNAUTHORIZED, "invalid_client", "Invalid client");
      return;
    }
  if (f->refresh_fails || g_strcmp0 (g_hash_table_lookup (query, "refresh_token"), f->refresh_token) != 0)
    {
      reply_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_grant", "Invalid refresh token");
      return;
    }

  f->n_refreshes++;
  g_free (f->access_token);
  g_free (f->refresh_token);
  f->access_token = g_strdup_printf ("at-new-%u-%08x", f->n_refreshes, g_random_int ());
  f->refresh_token = g_strdup_printf ("rt-new-%u-%08x", f->n_refreshes, g_random_int ());
  g_ptr_array_add (f->issued, g_strdup (f->access_token));
  g_ptr_array_add (f->issued, g_strdup (f->refresh_token));

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "access_token");
  json_builder_add_string_value (builder, f->access_token);
  json_builder_set_member_name (builder, "expires");
  json_builder_add_int_value (builder, 1760003600);
  json_builder_set_member_name (builder, "expires_in");
  json_builder_add_int_value (builder, 3600);
  json_builder_set_member_name (builder, "scope");
  json_builder_add_string_value (builder, "imbot,im");
  json_builder_set_member_name (builder, "domain");
  json_builder_add_string_value (builder, "oauth.bitrix.info");
  json_builder_set_member_name (builder, "server_endpoint");
  json_builder_add_string_value (builder, "https://oauth.bitrix.info/rest/");
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, "L");
  json_builder_set_member_name (builder, "client_endpoint");
  json_builder_add_string_value (builder, "https://example.bitrix24.com/rest/");
  json_builder_set_member_name (builder, "member_id");
  json_builder_add_string_value (builder, "a223c6b3710f85df22e9377d6c4f7553");
  json_builder_set_member_name (builder, "user_id");
  json_builder_add_int_value (builder, 1);
  json_builder_set_member_name (builder, "refresh_token");
  json_builder_add_string_value (builder, f->refresh_token);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  reply_json (msg, SOUP_STATUS_OK, root);
}

static void
store_secret (PortalFixture      *f,
              BotbenchSecretKind  kind,
              const char         *secret)
{
  g_autoptr(GError) error = NULL;

  botbench_secret_store_store_sync (f->secrets, botbench_profile_get_uuid (f->profile), kind, secret,
                                    NULL, &error);
  g_assert_no_error (error);
}

static char *
lookup_secret (PortalFixture      *f,
               BotbenchSecretKind  kind)
{
  g_autoptr(GError) error = NULL;
  char *ret;

  ret = botbench_secret_store_lookup_sync (f->secrets, botbench_profile_get_uuid (f->profile), kind,
                                           NULL, &error);
  g_assert_no_error (error);
  return ret;
}

static void
portal_setup (PortalFixture *f,
              gboolean       oauth)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *webhook = NULL;
  g_autoptr(BotbenchWebhookUrl) parsed = NULL;

  f->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (f->server, "/rest/", fake_portal_rest_cb, f, NULL);
  soup_server_add_handler (f->server, "/oauth/token/", fake_portal_token_cb, f, NULL);
  f->base = g_strdup_printf ("http://127.0.0.1:%u/", botbench_test_serve_loopback (f->server));

  f->paused = g_ptr_array_new_with_free_func (g_object_unref);
  f->issued = g_ptr_array_new_with_free_func (g_free);
  f->arrivals = g_array_new (FALSE, FALSE, sizeof (gint64));
  f->scopes = g_strsplit ("imbot,im,user,placement", ",", -1);
  f->access_token = g_strdup ("at-valid-1a2b3c4d5e6f");
  f->refresh_token = g_strdup (OLD_REFRESH);

  f->secrets = botbench_secret_store_new ();
  botbench_secret_store_set_session_only (f->secrets, TRUE);
  f->history = botbench_request_history_new ();

  if (!oauth)
    {
      f->profile = botbench_profile_new (BOTBENCH_PROFILE_KIND_WEBHOOK, NULL);
      webhook = g_strdup_printf ("%srest/1/" SECRET "/", f->base);
      parsed = botbench_webhook_url_parse (webhook, &error);
      g_assert_no_error (error);
      botbench_profile_apply_webhook_url (f->profile, parsed);
      store_secret (f, BOTBENCH_SECRET_KIND_WEBHOOK_SECRET, parsed->secret);
    }
  else
    {
      g_autofree char *endpoint = g_strdup_printf ("%soauth/token/", f->base);

      f->profile = botbench_profile_new (BOTBENCH_PROFILE_KIND_OAUTH, NULL);
      botbench_profile_set_portal_url (f->profile, f->base);
      botbench_profile_set_oauth_client_id (f->profile, OAUTH_CLIENT_ID);
      botbench_profile_set_token_endpoint (f->profile, endpoint);
      store_secret (f, BOTBENCH_SECRET_KIND_ACCESS_TOKEN, f->access_token);
      store_secret (f, BOTBENCH_SECRET_KIND_REFRESH_TOKEN, OLD_REFRESH);
      store_secret (f, BOTBENCH_SECRET_KIND_CLIENT_SECRET, CLIENT_SECRET);
    }
  botbench_profile_set_name (f->profile, "Test portal");

  f->client = botbench_rest_client_new (f->profile, f->secrets, f->history);
  botbench_rest_client_set_retry_delay (f->client, 5);
}

static void
webhook_setup (PortalFixture *f,
               gconstpointer  data)
{
  portal_setup (f, FALSE);
}

static void
oauth_setup (PortalFixture *f,
             gconstpointer  data)
{
  portal_setup (f, TRUE);
}

/* data: GINT_TO_POINTER (oauth) */
static void
either_setup (PortalFixture *f,
              gconstpointer  data)
{
  portal_setup (f, GPOINTER_TO_INT (data));
}

static void
fake_portal_teardown (PortalFixture *f,
                      gconstpointer  data)
{
  g_clear_object (&f->client);
  g_clear_object (&f->profile);
  g_clear_object (&f->history);
  g_clear_object (&f->secrets);
  for (guint i = 0; i < f->paused->len; i++)
    {
      SoupServerMessage *msg = g_ptr_array_index (f->paused, i);

      soup_server_message_set_status (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, NULL);
      soup_server_message_unpause (msg);
    }
  g_ptr_array_unref (f->paused);
  soup_server_disconnect (f->server);
  g_clear_object (&f->server);
  g_ptr_array_unref (f->issued);
  g_array_unref (f->arrivals);
  g_strfreev (f->scopes);
  g_free (f->base);
  g_free (f->access_token);
  g_free (f->refresh_token);
  g_free (f->last_path);
  g_clear_pointer (&f->last_params, json_object_unref);
}

/* Calling */

static BotbenchRestResponse *
call (PortalFixture  *f,
      const char     *method,
      JsonObject     *params,
      GError        **error)
{
  BotbenchTestResult w = { NULL };
  BotbenchRestResponse *response;

  botbench_rest_client_call_async (f->client, method, params, NULL, botbench_test_result_cb, &w);
  response = botbench_rest_client_call_finish (f->client, botbench_test_result_wait (&w, 20000), error);
  botbench_test_result_clear (&w);
  return response;
}

static BotbenchRequestRecord *
history_nth (PortalFixture *f,
             guint          n)
{
  return g_list_model_get_item (G_LIST_MODEL (f->history), n);
}

/* Tests */

static void
test_envelope (PortalFixture *f,
               gconstpointer  data)
{
  g_autoptr(BotbenchRestResponse) response = NULL;
  g_autoptr(BotbenchRequestRecord) entry = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *result;
  g_autofree char *expected_url = NULL;

  response = call (f, "user.get", NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (response);

  g_assert_cmpstr (f->last_path, ==, "/rest/1/" SECRET "/user.get.json");
  result = botbench_rest_response_get_result (response);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (result));
  g_assert_cmpuint (json_array_get_length (json_node_get_array (result)), ==, 2);
  g_assert_true (botbench_rest_response_has_next (response));
  g_assert_cmpint (botbench_rest_response_get_next (response), ==, 50);
  g_assert_cmpint (botbench_rest_response_get_total (response), ==, 120);
  g_assert_nonnull (botbench_rest_response_get_time (response));
  g_assert_cmpfloat (json_object_get_double_member (botbench_rest_response_get_time (response), "duration"),
                     ==, 0.1);
  g_assert_cmpuint (botbench_rest_response_get_status (response), ==, 200);

  /* Recorded, with the secret masked */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->history)), ==, 1);
  entry = history_nth (f, 0);
  expected_url = g_strdup_printf ("%srest/1/•••/user.get.json", f->base);
  g_assert_cmpstr (botbench_request_record_get_url (entry), ==, expected_url);
  g_assert_cmpstr (botbench_request_record_get_method (entry), ==, "user.get");
  g_assert_cmpstr (botbench_request_record_get_http_method (entry), ==, "POST");
  g_assert_cmpuint (botbench_request_record_get_status (entry), ==, 200);
  g_assert_null (botbench_request_record_get_error (entry));
  g_assert_nonnull (strstr (botbench_request_record_get_response_body (entry), "\"total\":120"));

  /* A list method without next */
  g_clear_pointer (&response, botbench_rest_response_unref);
  response = call (f, "scope", NULL, &error);
  g_assert_no_error (error);
  g_assert_false (botbench_rest_response_has_next (response));
  g_assert_cmpint (botbench_rest_response_get_total (response), ==, -1);
}

static void
test_client_id (PortalFixture *f,
                gconstpointer  data)
{
  g_autoptr(BotbenchRestResponse) response = NULL;
  g_autoptr(JsonObject) params = json_object_new ();
  g_autoptr(GError) error = NULL;
  const char *client_id = botbench_profile_get_client_id (f->profile);

  json_object_set_string_member (params, "CODE", "newbot");
  json_object_set_string_member (params, "TYPE", "B");

  response = call (f, "imbot.register", params, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_node_get_int (botbench_rest_response_get_result (response)), ==, 7);
  g_assert_cmpstr (json_object_get_string_member (f->last_params, "CLIENT_ID"), ==, client_id);
  g_assert_cmpstr (json_object_get_string_member (f->last_params, "CODE"), ==, "newbot");
  /* The caller's object is not modified */
  g_assert_false (json_object_has_member (params, "CLIENT_ID"));

  /* Not sent with other methods */
  g_clear_pointer (&response, botbench_rest_response_unref);
  response = call (f, "echo", params, &error);
  g_assert_no_error (error);
  g_assert_false (json_object_has_member (f->last_params, "CLIENT_ID"));

  /* Nor with imbot.v2, which would take it as the bot's owner (v2 §5) */
  g_clear_pointer (&response, botbench_rest_response_unref);
  g_clear_pointer (&f->last_params, json_object_unref);
  response = call (f, "imbot.v2.Bot.list", params, NULL);  /* the fake portal does not know it */
  g_assert_nonnull (f->last_params);
  g_assert_cmpstr (json_object_get_string_member (f->last_params, "CODE"), ==, "newbot");
  g_assert_false (json_object_has_member (f->last_params, "CLIENT_ID"));

  /* A caller-given client_id (any case) wins and is not doubled */
  json_object_set_string_member (params, "client_id", "callerchoice");
  g_clear_pointer (&response, botbench_rest_response_unref);
  response = call (f, "IMBOT.register", params, &error);
  g_assert_no_error (error);
  g_assert_false (json_object_has_member (f->last_params, "CLIENT_ID"));
  g_assert_cmpstr (json_object_get_string_member (f->last_params, "client_id"), ==, "callerchoice");
}

typedef enum
{
  CASE_METHOD_NOT_FOUND,
  CASE_MALFORMED_WEBHOOK,
  CASE_INVALID_CREDENTIALS,
  CASE_HTTPS_REQUIRED,
  CASE_INSUFFICIENT_SCOPE,
  CASE_CLIENT_ID_MISSING,
  CASE_OPERATION_TIME_LIMIT,
  CASE_SERVER_ERROR,
  CASE_NOT_JSON,
  CASE_DEEP_JSON,
  CASE_TRAILING_JSON,
  CASE_UNREACHABLE,
  CASE_TIMEOUT,
  CASE_MISSING_SECRET,
  CASE_NO_PORTAL,
  CASE_NO_USER_ID,
  CASE_BAD_METHOD,
} ErrorCase;

typedef struct
{
  ErrorCase   which;
  const char *method;
  int         code;
  const char *portal_code;
  guint       status;
  const char *advice;   /* a fragment of the sentence */
} ErrorSpec;

static const ErrorSpec error_specs[] = {
  { CASE_METHOD_NOT_FOUND, "imbot.regster", BOTBENCH_REST_ERROR_METHOD_NOT_FOUND, "ERROR_METHOD_NOT_FOUND", 404,
    "The portal does not know the method “imbot.regster”" },
  { CASE_MALFORMED_WEBHOOK, "scope", BOTBENCH_REST_ERROR_METHOD_NOT_FOUND, "ERROR_METHOD_NOT_FOUND", 404,
    "the webhook URL is malformed; copy it again" },
  { CASE_INVALID_CREDENTIALS, "scope", BOTBENCH_REST_ERROR_INVALID_CREDENTIALS, "INVALID_CREDENTIALS", 401,
    "The webhook user id or secret is wrong" },
  { CASE_HTTPS_REQUIRED, "scope", BOTBENCH_REST_ERROR_HTTPS_REQUIRED, "INVALID_REQUEST", 401,
    "use https:// in the webhook URL" },
  { CASE_INSUFFICIENT_SCOPE, "imbot.register", BOTBENCH_REST_ERROR_INSUFFICIENT_SCOPE, "insufficient_scope", 401,
    "add the scope (for bots, “imbot”, Chat bots) to the webhook" },
  { CASE_CLIENT_ID_MISSING, "imbot.register", BOTBENCH_REST_ERROR_ACCESS_DENIED, "ACCESS_DENIED", 403,
    "every imbot call needs CLIENT_ID" },
  { CASE_OPERATION_TIME_LIMIT, "ops.limit", BOTBENCH_REST_ERROR_OPERATION_TIME_LIMIT, "OPERATION_TIME_LIMIT", 429,
    "execution-time budget" },
  { CASE_SERVER_ERROR, "server.error", BOTBENCH_REST_ERROR_SERVER_ERROR, "INTERNAL_SERVER_ERROR", 500,
    "The portal failed internally" },
  { CASE_NOT_JSON, "html", BOTBENCH_REST_ERROR_BAD_RESPONSE, NULL, 200,
    "is not a Bitrix24 REST response" },
  { CASE_DEEP_JSON, "deep", BOTBENCH_REST_ERROR_BAD_RESPONSE, NULL, 200,
    "JSON nested deeper than 512 levels" },
  { CASE_TRAILING_JSON, "twice", BOTBENCH_REST_ERROR_BAD_RESPONSE, NULL, 200,
    "Unexpected data after the JSON value at byte 19" },
  { CASE_UNREACHABLE, "scope", BOTBENCH_REST_ERROR_UNREACHABLE, NULL, 0,
    "check the portal address and your network connection" },
  { CASE_TIMEOUT, "slow", BOTBENCH_REST_ERROR_TIMEOUT, NULL, 0,
    "The portal did not answer within 1 s" },
  { CASE_MISSING_SECRET, "scope", BOTBENCH_REST_ERROR_MISSING_SECRET, NULL, 0,
    "paste the webhook URL again" },
  { CASE_NO_PORTAL, "scope", BOTBENCH_REST_ERROR_BAD_PROFILE, NULL, 0,
    "no portal address" },
  { CASE_NO_USER_ID, "scope", BOTBENCH_REST_ERROR_BAD_PROFILE, NULL, 0,
    "no webhook user id" },
  { CASE_BAD_METHOD, "../profile", BOTBENCH_REST_ERROR_METHOD_NOT_FOUND, NULL, 0,
    "“../profile” is not a REST method name" },
};

static guint16
closed_port (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  guint16 port;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (socket, address, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (socket, NULL);   /* bound, never listening: refused */
  return port;
}

static void
test_error (PortalFixture *f,
            gconstpointer  data)
{
  const ErrorSpec *spec = data;
  g_autoptr(BotbenchRestResponse) response = NULL;
  g_autoptr(JsonObject) params = json_object_new ();
  g_autoptr(GError) error = NULL;

  switch (spec->which)
    {
    case CASE_INVALID_CREDENTIALS:
      store_secret (f, BOTBENCH_SECRET_KIND_WEBHOOK_SECRET, "wrongsecret12345");
      break;
    case CASE_HTTPS_REQUIRED:
      f->https_required = TRUE;
      break;
    case CASE_MALFORMED_WEBHOOK:
      /* One path segment too many: the portal then reads no method it knows */
      botbench_profile_set_user_id (f->profile, "1/x");
      break;
    case CASE_INSUFFICIENT_SCOPE:
      g_strfreev (f->scopes);
      f->scopes = g_strsplit ("im,user", ",", -1);
      break;
    case CASE_CLIENT_ID_MISSING:
      botbench_profile_set_client_id (f->profile, NULL);
      break;
    case CASE_UNREACHABLE:
      {
        g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/", closed_port ());

        botbench_profile_set_portal_url (f->profile, url);
      }
      break;
    case CASE_TIMEOUT:
      botbench_rest_client_set_timeout (f->client, 200);
      break;
    case CASE_MISSING_SECRET:
      /* A store that has nothing for this profile */
      g_clear_object (&f->secrets);
      f->secrets = botbench_secret_store_new ();
      botbench_secret_store_set_session_only (f->secrets, TRUE);
      g_clear_object (&f->client);
      f->client = botbench_rest_client_new (f->profile, f->secrets, f->history);
      break;
    case CASE_NO_PORTAL:
      botbench_profile_set_portal_url (f->profile, NULL);
      break;
    case CASE_NO_USER_ID:
      botbench_profile_set_user_id (f->profile, NULL);
      break;
    case CASE_BAD_METHOD:
    case CASE_METHOD_NOT_FOUND:
    case CASE_OPERATION_TIME_LIMIT:
    case CASE_SERVER_ERROR:
    case CASE_NOT_JSON:
    case CASE_DEEP_JSON:
    case CASE_TRAILING_JSON:
    default:
      break;
    }

  json_object_set_string_member (params, "CODE", "bot");
  response = call (f, spec->method, params, &error);
  g_assert_null (response);
  g_assert_error (error, BOTBENCH_REST_ERROR, spec->code);
  g_assert_cmpstr (botbench_rest_error_get_code (error), ==, spec->portal_code);
  g_assert_cmpuint (botbench_rest_error_get_http_status (error), ==, spec->status);
  g_assert_nonnull (botbench_rest_error_get_advice (error));
  if (strstr (error->message, spec->advice) == NULL)
    g_error ("“%s” not in “%s”", spec->advice, error->message);
  g_assert_true (g_str_has_prefix (error->message, botbench_rest_error_get_advice (error)));
  if (spec->portal_code != NULL)
    {
      g_assert_nonnull (botbench_rest_error_get_description (error));
      g_assert_nonnull (strstr (error->message, spec->portal_code));
    }
  g_assert_null (strstr (error->message, SECRET));

  /* Errors survive g_error_copy() with their details */
  {
    g_autoptr(GError) copy = g_error_copy (error);

    g_assert_cmpstr (botbench_rest_error_get_code (copy), ==, spec->portal_code);
    g_assert_cmpuint (botbench_rest_error_get_http_status (copy), ==, spec->status);
  }
}

static void
test_refresh (PortalFixture *f,
              gconstpointer  data)
{
  g_autoptr(BotbenchRestResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BotbenchRequestRecord) first = NULL;
  g_autoptr(BotbenchRequestRecord) refresh = NULL;
  g_autoptr(BotbenchRequestRecord) retry = NULL;
  char *stored;

  /* The stored access token has expired on the portal */
  store_secret (f, BOTBENCH_SECRET_KIND_ACCESS_TOKEN, OLD_ACCESS);

  response = call (f, "echo", NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (response);
  g_assert_cmpuint (f->n_refreshes, ==, 1);
  g_assert_cmpstr (f->last_path, ==, "/rest/echo.json");
  g_assert_cmpstr (json_object_get_string_member (f->last_params, "auth"), ==, f->access_token);

  /* The new pair is in the store, the expiry in the profile */
  stored = lookup_secret (f, BOTBENCH_SECRET_KIND_ACCESS_TOKEN);
  g_assert_cmpstr (stored, ==, f->access_token);
  botbench_secret_free (stored);
  stored = lookup_secret (f, BOTBENCH_SECRET_KIND_REFRESH_TOKEN);
  g_assert_cmpstr (stored, ==, f->refresh_token);
  botbench_secret_free (stored);
  g_assert_cmpint (botbench_profile_get_token_expires (f->profile), ==, 1760003600);

  /* 401, refresh, retry */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->history)), ==, 3);
  first = history_nth (f, 0);
  refresh = history_nth (f, 1);
  retry = history_nth (f, 2);
  g_assert_cmpuint (botbench_request_record_get_status (first), ==, 401);
  g_assert_cmpstr (botbench_request_record_get_method (refresh), ==, "oauth/token");
  g_assert_cmpstr (botbench_request_record_get_http_method (refresh), ==, "GET");
  g_assert_cmpuint (botbench_request_record_get_status (refresh), ==, 200);
  g_assert_cmpuint (botbench_request_record_get_status (retry), ==, 200);
  g_assert_cmpuint (botbench_request_record_get_attempt (retry), ==, 2);

  /* The next call uses the new token without refreshing */
  g_clear_pointer (&response, botbench_rest_response_unref);
  response = call (f, "echo", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (f->n_refreshes, ==, 1);
}

static void
test_refresh_then_401 (PortalFixture *f,
                       gconstpointer  data)
{
  g_autoptr(BotbenchRestResponse) response = NULL;
  g_autoptr(GError) error = NULL;

  f->always_expired = TRUE;
  response = call (f, "echo", NULL, &error);
  g_assert_null (response);
  g_assert_error (error, BOTBENCH_REST_ERROR, BOTBENCH_REST_ERROR_EXPIRED_TOKEN);
  g_assert_cmpstr (botbench_rest_error_get_code (error), ==, "expired_token");
  g_assert_cmpuint (botbench_rest_error_get_http_status (error), ==, 401);
  /* refreshed once, retried once: 2 calls and 1 refresh */
  g_assert_cmpuint (f->n_refreshes, ==, 1);
  g_assert_cmpuint (f->n_requests, ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->history)), ==, 3);
}

static void
test_refresh_fails (PortalFixture *f,
                    gconstpointer  data)
{
  g_autoptr(BotbenchRestResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  char *stored;

  store_secret (f, BOTBENCH_SECRET_KIND_ACCESS_TOKEN, OLD_ACCESS);
  f->refresh_fails = TRUE;
  response = call (f, "echo", NULL, &error);
  g_assert_null (response);
  g_assert_error (error, BOTBENCH_REST_ERROR, BOTBENCH_REST_ERROR_REFRESH_FAILED);
  g_assert_cmpstr (botbench_rest_error_get_code (error), ==, "invalid_grant");
  g_assert_cmpuint (botbench_rest_error_get_http_status (error), ==, 400);
  g_assert_nonnull (strstr (error->message, "authorize the application again"));
  g_assert_cmpuint (f->n_requests, ==, 1);

  /* Nothing was overwritten */
  stored = lookup_secret (f, BOTBENCH_SECRET_KIND_REFRESH_TOKEN);
  g_assert_cmpstr (stored, ==, OLD_REFRESH);
  botbench_secret_free (stored);
}

static void
test_refresh_shared (PortalFixture *f,
                     gconstpointer  data)
{
  BotbenchTestResult w[3] = { { NULL } };

  store_secret (f, BOTBENCH_SECRET_KIND_ACCESS_TOKEN, OLD_ACCESS);

  /* Three calls hit the expired token together: one refresh serves them all */
  for (guint i = 0; i < G_N_ELEMENTS (w); i++)
    botbench_rest_client_call_async (f->client, "echo", NULL, NULL, botbench_test_result_cb, &w[i]);
  for (guint i = 0; i < G_N_ELEMENTS (w); i++)
    {
      g_autoptr(BotbenchRestResponse) response = NULL;
      g_autoptr(GError) error = NULL;

      response = botbench_rest_client_call_finish (f->client, botbench_test_result_wait (&w[i], 20000), &error);
      g_assert_no_error (error);
      g_assert_nonnull (response);
      botbench_test_result_clear (&w[i]);
    }
  g_assert_cmpuint (f->n_refreshes, ==, 1);
}

static void
test_no_auth (PortalFixture *f,
              gconstpointer  data)
{
  g_autoptr(BotbenchRestResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *uuid = g_strdup (botbench_profile_get_uuid (f->profile));
  BotbenchTestResult w = { NULL };

  /* Only a refresh token: the portal sees no auth and says so (not expired) */
  botbench_secret_store_clear_async (f->secrets, uuid, BOTBENCH_SECRET_KIND_ACCESS_TOKEN, NULL, botbench_test_result_cb, &w);
  botbench_secret_store_clear_finish (f->secrets, botbench_test_result_wait (&w, 5000), &local_error);
  g_assert_no_error (local_error);
  botbench_test_result_clear (&w);

  response = call (f, "scope", NULL, &error);
  g_assert_error (error, BOTBENCH_REST_ERROR, BOTBENCH_REST_ERROR_NO_AUTH);
  g_assert_cmpstr (botbench_rest_error_get_code (error), ==, "NO_AUTH_FOUND");
  g_assert_cmpuint (f->n_refreshes, ==, 0);
}

static void
test_rate_limit_retried (PortalFixture *f,
                         gconstpointer  data)
{
  g_autoptr(BotbenchRestResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BotbenchRateLimiter) limiter = botbench_rate_limiter_new (1000, 1000.0);

  botbench_rest_client_set_rate_limiter (f->client, limiter);
  f->limit_failures = 2;
  response = call (f, "limited", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_node_get_string (botbench_rest_response_get_result (response)), ==, "ok");
  g_assert_cmpuint (f->n_requests, ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->history)), ==, 3);

  /* backoff: the second retry waited twice as long as the first (5 ms, 10 ms) */
  g_assert_cmpint (g_array_index (f->arrivals, gint64, 1) - g_array_index (f->arrivals, gint64, 0), >=, 5000);
  g_assert_cmpint (g_array_index (f->arrivals, gint64, 2) - g_array_index (f->arrivals, gint64, 1), >=, 10000);
}

static void
test_rate_limit_surfaced (PortalFixture *f,
                          gconstpointer  data)
{
  g_autoptr(BotbenchRestResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BotbenchRateLimiter) limiter = botbench_rate_limiter_new (1000, 1000.0);

  botbench_rest_client_set_rate_limiter (f->client, limiter);
  botbench_rest_client_set_max_retries (f->client, 2);
  f->limit_failures = 100;
  response = call (f, "limited", NULL, &error);
  g_assert_null (response);
  g_assert_error (error, BOTBENCH_REST_ERROR, BOTBENCH_REST_ERROR_QUERY_LIMIT_EXCEEDED);
  g_assert_cmpstr (botbench_rest_error_get_code (error), ==, "QUERY_LIMIT_EXCEEDED");
  g_assert_cmpuint (botbench_rest_error_get_http_status (error), ==, 503);
  g_assert_nonnull (strstr (error->message, "after 2 retries"));
  g_assert_cmpuint (f->n_requests, ==, 3);
  /* The portal's 503 filled our bucket too */
  g_assert_cmpfloat (botbench_rate_limiter_get_level (limiter), >, 900.0);
}

static gboolean
one_request_seen (gpointer data)
{
  return ((PortalFixture *)data)->n_requests >= 1;
}

static void
test_rate_limit_cancel (PortalFixture *f,
                        gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(BotbenchRestResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  BotbenchTestResult w = { NULL };
  gint64 start = g_get_monotonic_time ();

  /* Cancelling during a 60 s backoff ends the call at once */
  botbench_rest_client_set_retry_delay (f->client, 60000);
  f->limit_failures = 5;
  botbench_rest_client_call_async (f->client, "limited", NULL, cancellable, botbench_test_result_cb, &w);
  botbench_test_assert_wait_until_full (one_request_seen, f, 10000, "the first request");
  g_assert_null (w.result);
  g_cancellable_cancel (cancellable);
  response = botbench_rest_client_call_finish (f->client, botbench_test_result_wait (&w, 10000), &error);
  botbench_test_result_clear (&w);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 30 * G_USEC_PER_SEC);
  g_assert_cmpuint (f->n_requests, ==, 1);
}

static void
test_client_bucket (PortalFixture *f,
                    gconstpointer  data)
{
  g_autoptr(BotbenchRateLimiter) limiter = botbench_rate_limiter_new (2, 20.0);
  BotbenchTestResult w[3] = { { NULL } };
  gint64 start, gap;

  /* Burst of 2, then one every 50 ms */
  botbench_rest_client_set_rate_limiter (f->client, limiter);
  start = g_get_monotonic_time ();
  for (guint i = 0; i < G_N_ELEMENTS (w); i++)
    botbench_rest_client_call_async (f->client, "scope", NULL, NULL, botbench_test_result_cb, &w[i]);
  for (guint i = 0; i < G_N_ELEMENTS (w); i++)
    {
      g_autoptr(BotbenchRestResponse) response = NULL;
      g_autoptr(GError) error = NULL;

      response = botbench_rest_client_call_finish (f->client, botbench_test_result_wait (&w[i], 20000), &error);
      g_assert_no_error (error);
      botbench_test_result_clear (&w[i]);
    }
  g_assert_cmpuint (f->arrivals->len, ==, 3);
  /* The third cannot have left before the bucket let it: measured from
   * before the calls, so that the first request's own connection set-up
   * (slow under ASan) does not shorten the gap. */
  gap = g_array_index (f->arrivals, gint64, 2) - start;
  g_assert_cmpint (gap, >=, 45000);
}

static gboolean
request_arrived (gpointer data)
{
  PortalFixture *f = data;

  return f->paused->len > 0;
}

static void
test_cancel (PortalFixture *f,
             gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GCancellable) early = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(BotbenchRestResponse) response = NULL;
  BotbenchTestResult w = { NULL };
  BotbenchTestResult w2 = { NULL };

  /* Cancelled while the portal is thinking */
  botbench_rest_client_call_async (f->client, "slow", NULL, cancellable, botbench_test_result_cb, &w);
  botbench_test_assert_wait_until_full (request_arrived, f, 10000, "the request to reach the portal");
  g_assert_null (w.result);
  g_cancellable_cancel (cancellable);
  response = botbench_rest_client_call_finish (f->client, botbench_test_result_wait (&w, 10000), &error);
  g_assert_null (response);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  botbench_test_result_clear (&w);

  /* Cancelled before it starts: nothing is sent */
  g_cancellable_cancel (early);
  botbench_rest_client_call_async (f->client, "scope", NULL, early, botbench_test_result_cb, &w2);
  response = botbench_rest_client_call_finish (f->client, botbench_test_result_wait (&w2, 10000), &error);
  g_assert_null (response);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  botbench_test_result_clear (&w2);
  g_assert_cmpuint (f->n_requests, ==, 1);
}

static void
test_timeout (PortalFixture *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BotbenchRestResponse) response = NULL;
  g_autoptr(BotbenchRequestRecord) entry = NULL;
  gint64 start = g_get_monotonic_time ();

  botbench_rest_client_set_timeout (f->client, 150);
  response = call (f, "slow", NULL, &error);
  g_assert_error (error, BOTBENCH_REST_ERROR, BOTBENCH_REST_ERROR_TIMEOUT);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 150000);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
  g_assert_cmpuint (f->paused->len, ==, 1);

  entry = history_nth (f, 0);
  g_assert_cmpuint (botbench_request_record_get_status (entry), ==, 0);
  g_assert_nonnull (botbench_request_record_get_error (entry));
}

static void
test_connection (PortalFixture *f,
                 gconstpointer  data)
{
  g_autoptr(BotbenchConnectionReport) report = NULL;
  g_autoptr(GError) error = NULL;
  BotbenchTestResult w = { NULL };

  botbench_rest_client_test_connection_async (f->client, NULL, botbench_test_result_cb, &w);
  report = botbench_rest_client_test_connection_finish (f->client, botbench_test_result_wait (&w, 20000), &error);
  botbench_test_result_clear (&w);
  g_assert_no_error (error);
  g_assert_cmpstr (report->user_id, ==, "1");
  g_assert_cmpstr (report->user_name, ==, "Ann Lee");
  g_assert_true (report->has_imbot_scope);
  g_assert_null (report->advice);
  g_assert_true (g_strv_contains ((const char * const *)report->scopes, "placement"));
  g_assert_cmpint (report->latency, >, 0);
  g_clear_pointer (&report, botbench_connection_report_free);

  /* Without the imbot scope: reported, not an error (sync variant, for the CLI) */
  g_strfreev (f->scopes);
  f->scopes = g_strsplit ("im,user", ",", -1);
  report = botbench_rest_client_test_connection_sync (f->client, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (report->has_imbot_scope);
  g_assert_nonnull (strstr (report->advice, "add Chat bots (imbot) to the webhook"));
  g_clear_pointer (&report, botbench_connection_report_free);

  /* A bad secret (stored through the same store: the client notices): the
   * error says what to fix */
  store_secret (f, BOTBENCH_SECRET_KIND_WEBHOOK_SECRET, "wrongsecret12345");
  report = botbench_rest_client_test_connection_sync (f->client, NULL, &error);
  g_assert_null (report);
  g_assert_error (error, BOTBENCH_REST_ERROR, BOTBENCH_REST_ERROR_INVALID_CREDENTIALS);
  g_assert_nonnull (strstr (error->message, "copy the webhook URL again"));
}

static void
test_call_sync (PortalFixture *f,
                gconstpointer  data)
{
  g_autoptr(BotbenchRestResponse) response = NULL;
  g_autoptr(GError) error = NULL;

  response = botbench_rest_client_call_sync (f->client, "scope", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (botbench_rest_response_get_result (response)));
}

/* No secret in logs or history */

static GString *captured_log;

static void
capture_log_cb (const char     *log_domain,
                GLogLevelFlags  log_level,
                const char     *message,
                gpointer        user_data)
{
  g_string_append_printf (captured_log, "%s: %s\n", log_domain ? log_domain : "", message);
  if (log_level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    g_log_default_handler (log_domain, log_level, message, user_data);
}

static void
assert_no_secret (const char *where,
                  const char *text,
                  const char *secret)
{
  if (text != NULL && strstr (text, secret) != NULL)
    g_error ("secret %.4s… found in %s", secret, where);
}

static void
run_leak_scenario (PortalFixture *f,
                   GPtrArray     *errors)
{
  const char *methods[] = { "scope", "imbot.register", "echo", "no.such", "server.error" };

  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    {
      g_autoptr(BotbenchRestResponse) response = NULL;
      g_autoptr(JsonObject) params = json_object_new ();
      GError *error = NULL;

      json_object_set_string_member (params, "MESSAGE", "hello");
      response = call (f, methods[i], params, &error);
      if (error != NULL)
        g_ptr_array_add (errors, error);
    }
}

static void
test_no_secret_leaks (PortalFixture *f,
                      gconstpointer  data)
{
  gboolean oauth = GPOINTER_TO_INT (data);
  g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func ((GDestroyNotify)g_error_free);
  g_autoptr(GPtrArray) secrets = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *json = NULL;
  GLogFunc old_handler;

  captured_log = g_string_new (NULL);
  old_handler = g_log_set_default_handler (capture_log_cb, NULL);

  if (oauth)
    {
      store_secret (f, BOTBENCH_SECRET_KIND_ACCESS_TOKEN, OLD_ACCESS);
      run_leak_scenario (f, errors);                 /* refreshes on the first call */
      f->always_expired = TRUE;
      run_leak_scenario (f, errors);                 /* refresh, then a second 401 */
      f->always_expired = FALSE;
      f->refresh_fails = TRUE;
      g_free (f->access_token);
      f->access_token = g_strdup ("at-rotated-on-portal-9d8c7b6a");
      run_leak_scenario (f, errors);                 /* the refresh itself fails */
      g_ptr_array_add (secrets, g_strdup (OLD_ACCESS));
      g_ptr_array_add (secrets, g_strdup (OLD_REFRESH));
      g_ptr_array_add (secrets, g_strdup (CLIENT_SECRET));
      g_ptr_array_add (secrets, g_strdup ("at-valid-1a2b3c4d5e6f"));
      for (guint i = 0; i < f->issued->len; i++)
        g_ptr_array_add (secrets, g_strdup (g_ptr_array_index (f->issued, i)));
      g_assert_cmpuint (f->issued->len, >=, 4);
    }
  else
    {
      run_leak_scenario (f, errors);
      botbench_rest_client_set_timeout (f->client, 100);
      run_leak_scenario (f, errors);
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(BotbenchRestResponse) response = call (f, "slow", NULL, &error);

        g_assert_error (error, BOTBENCH_REST_ERROR, BOTBENCH_REST_ERROR_TIMEOUT);
        assert_no_secret ("a timeout error", error->message, SECRET);
      }
      g_ptr_array_add (secrets, g_strdup (SECRET));
    }

  g_log_set_default_handler (old_handler, NULL);

  json = botbench_request_history_dup_json (f->history);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->history)), >=, 10);
  g_assert_nonnull (strstr (json, "•••"));
  g_assert_cmpuint (errors->len, >=, 2);
  /* The scan would see a leak: the log did get lines about the calls */
  g_assert_nonnull (strstr (captured_log->str, "botbench-rest-client: "));

  for (guint s = 0; s < secrets->len; s++)
    {
      const char *secret = g_ptr_array_index (secrets, s);

      assert_no_secret ("the log", captured_log->str, secret);
      assert_no_secret ("the history export", json, secret);
      for (guint i = 0; i < errors->len; i++)
        assert_no_secret ("an error message", ((GError *)g_ptr_array_index (errors, i))->message, secret);
      for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (f->history)); i++)
        {
          g_autoptr(BotbenchRequestRecord) entry = history_nth (f, i);

          assert_no_secret ("a history URL", botbench_request_record_get_url (entry), secret);
          assert_no_secret ("a history request", botbench_request_record_get_request_body (entry), secret);
          assert_no_secret ("a history response", botbench_request_record_get_response_body (entry), secret);
          assert_no_secret ("a history error", botbench_request_record_get_error (entry), secret);
        }
    }

  g_string_free (captured_log, TRUE);
  captured_log = NULL;
}

static void
test_mask (void)
{
  const char *secrets[] = { "s3cr3tvalue", "tok/en+1", "ab", NULL };
  struct {
    const char *in;
    const char *out;
  } cases[] = {
    { "https://p/rest/1/s3cr3tvalue/scope.json", "https://p/rest/1/•••/scope.json" },
    { "{\"auth\":\"unknown-token\",\"x\":1}", "{\"auth\":\"•••\",\"x\":1}" },
    { "{\"access_token\" : \"a\\\"b\", \"refresh_token\":\"r\"}", "{\"access_token\" : \"•••\", \"refresh_token\":\"•••\"}" },
    { "https://o/token/?grant_type=refresh_token&client_id=c&client_secret=zz&refresh_token=tok%2Fen%2B1",
      "https://o/token/?grant_type=refresh_token&client_id=c&client_secret=•••&refresh_token=•••" },
    { "value tok/en+1 and tok%2Fen%2B1", "value ••• and •••" },
    { "ab is too short to mask", "ab is too short to mask" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = botbench_request_preview_mask_text (cases[i].in, secrets);

      g_assert_cmpstr (out, ==, cases[i].out);
    }
}

static void
count_items_changed_cb (GListModel *model,
                        guint       position,
                        guint       removed,
                        guint       added,
                        guint      *count)
{
  (*count)++;
}

static void
test_history_model (void)
{
  g_autoptr(BotbenchRequestHistory) history = botbench_request_history_new ();
  g_autoptr(BotbenchRequestRecord) first = NULL;
  g_autoptr(JsonNode) json = NULL;
  const char *secrets[] = { "hist0ry5ecret", NULL };
  JsonObject *entry;
  guint changes = 0;

  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (history)) == BOTBENCH_TYPE_REQUEST_RECORD);
  botbench_request_history_set_max_entries (history, 2);
  g_signal_connect (history, "items-changed", G_CALLBACK (count_items_changed_cb), &changes);

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(BotbenchRequestRecord) record = NULL;
      g_autofree char *method = g_strdup_printf ("method.%u", i);

      record = _botbench_request_record_new ("uuid", method, "POST",
                                             "https://p/rest/1/hist0ry5ecret/m.json",
                                             "{\"auth\":\"x\"}", "{\"result\":1}", 200,
                                             (gint64)1760000000 * G_USEC_PER_SEC, 1500, NULL, 1, secrets);
      botbench_request_history_append (history, record);
    }

  /* The oldest went */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (history)), ==, 2);
  g_assert_cmpuint (changes, ==, 4);
  first = g_list_model_get_item (G_LIST_MODEL (history), 0);
  g_assert_cmpstr (botbench_request_record_get_method (first), ==, "method.1");
  g_assert_cmpstr (botbench_request_record_get_url (first), ==, "https://p/rest/1/•••/m.json");
  g_assert_cmpstr (botbench_request_record_get_request_body (first), ==, "{\"auth\":\"•••\"}");
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (history), 2));

  json = botbench_request_history_to_json (history);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (json)), ==, 2);
  entry = json_array_get_object_element (json_node_get_array (json), 1);
  g_assert_cmpstr (json_object_get_string_member (entry, "method"), ==, "method.2");
  g_assert_cmpstr (json_object_get_string_member (entry, "time"), ==, "2025-10-09T08:53:20Z");
  g_assert_cmpfloat (json_object_get_double_member (entry, "duration_ms"), ==, 1.5);
  g_assert_true (json_object_get_null_member (entry, "error"));

  botbench_request_history_clear (history);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (history)), ==, 0);
  g_assert_cmpuint (changes, ==, 5);
}

/* Against the sandbox portal */

#include "botbench-sandbox.h"

typedef struct
{
  BotbenchSandbox     *sandbox;
  BotbenchSecretStore *secrets;
  BotbenchProfile     *profile;
  BotbenchRestClient  *client;
  char                *pem;
  char                *http_url;
  char                *secret;
} SandboxFixture;

static BotbenchSandbox *
start_sandbox (gboolean rate_limit)
{
  BotbenchSandbox *sandbox = botbench_sandbox_new ();
  g_autoptr(GError) error = NULL;

  botbench_sandbox_set_port (sandbox, 0);
  botbench_sandbox_set_http_port (sandbox, 0);
  botbench_sandbox_set_rate_limit (sandbox, rate_limit);
  botbench_sandbox_set_tls (sandbox, TRUE);
  botbench_sandbox_start (sandbox, &error);
  g_assert_no_error (error);
  return sandbox;
}

static void
sandbox_setup (SandboxFixture *f,
               gconstpointer   data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BotbenchWebhookUrl) parsed = NULL;
  g_autofree char *webhook = NULL;

  f->sandbox = start_sandbox (GPOINTER_TO_INT (data));
  webhook = botbench_sandbox_dup_webhook_url (f->sandbox);
  f->pem = botbench_sandbox_dup_certificate_pem (f->sandbox);
  f->http_url = botbench_sandbox_dup_http_url (f->sandbox);
  g_assert_nonnull (f->pem);

  parsed = botbench_webhook_url_parse (webhook, &error);
  g_assert_no_error (error);
  g_assert_null (parsed->warning);
  f->secret = g_strdup (parsed->secret);

  f->secrets = botbench_secret_store_new ();
  botbench_secret_store_set_session_only (f->secrets, TRUE);
  f->profile = botbench_profile_new (BOTBENCH_PROFILE_KIND_WEBHOOK, NULL);
  botbench_profile_set_name (f->profile, "Sandbox");
  botbench_profile_apply_webhook_url (f->profile, parsed);
  botbench_profile_set_certificate_pem (f->profile, f->pem);
  botbench_secret_store_store_sync (f->secrets, botbench_profile_get_uuid (f->profile),
                                    BOTBENCH_SECRET_KIND_WEBHOOK_SECRET, parsed->secret, NULL, &error);
  g_assert_no_error (error);
  f->client = botbench_rest_client_new (f->profile, f->secrets, NULL);
}

static void
sandbox_teardown (SandboxFixture *f,
                  gconstpointer   data)
{
  g_clear_object (&f->client);
  g_clear_object (&f->profile);
  g_clear_object (&f->secrets);
  botbench_sandbox_stop (f->sandbox);
  g_clear_object (&f->sandbox);
  g_free (f->pem);
  g_free (f->http_url);
  g_free (f->secret);
}

static BotbenchRestResponse *
sandbox_call (BotbenchRestClient  *client,
              const char          *method,
              JsonObject          *params,
              GError             **error)
{
  BotbenchTestResult w = { NULL };
  BotbenchRestResponse *response;

  botbench_rest_client_call_async (client, method, params, NULL, botbench_test_result_cb, &w);
  response = botbench_rest_client_call_finish (client, botbench_test_result_wait (&w, 30000), error);
  botbench_test_result_clear (&w);
  return response;
}

static void
test_sandbox_webhook (SandboxFixture *f,
                      gconstpointer   data)
{
  g_autoptr(BotbenchConnectionReport) report = NULL;
  g_autoptr(BotbenchRestResponse) response = NULL;
  g_autoptr(JsonObject) params = json_object_new ();
  g_autoptr(JsonObject) properties = json_object_new ();
  g_autoptr(GError) error = NULL;

  /* Over TLS, trusting exactly the sandbox's certificate */
  report = botbench_rest_client_test_connection_sync (f->client, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (report->user_id, ==, "1");
  g_assert_true (report->has_imbot_scope);

  /* imbot.register only works because CLIENT_ID is sent */
  json_object_set_string_member (params, "CODE", "restclientbot");
  json_object_set_string_member (params, "TYPE", "B");
  json_object_set_string_member (params, "EVENT_HANDLER", "https://example.com/bot/events");
  json_object_set_string_member (properties, "NAME", "Rest Client Bot");
  json_object_set_object_member (params, "PROPERTIES", g_steal_pointer (&properties));
  response = sandbox_call (f->client, "imbot.register", params, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_node_get_int (botbench_rest_response_get_result (response)), >, 0);

  /* An unknown method is named in the error */
  g_clear_pointer (&response, botbench_rest_response_unref);
  response = sandbox_call (f->client, "imbot.no.such", NULL, &error);
  g_assert_error (error, BOTBENCH_REST_ERROR, BOTBENCH_REST_ERROR_METHOD_NOT_FOUND);
  g_assert_cmpstr (botbench_rest_error_get_code (error), ==, "ERROR_METHOD_NOT_FOUND");
}

static void
test_sandbox_pinning (SandboxFixture *f,
                      gconstpointer   data)
{
  g_autoptr(BotbenchSandbox) other = start_sandbox (FALSE);
  g_autofree char *other_pem = botbench_sandbox_dup_certificate_pem (other);
  g_autoptr(BotbenchRestResponse) response = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (other_pem, !=, f->pem);

  /* Pinned to another certificate: refused before anything is sent */
  botbench_profile_set_certificate_pem (f->profile, other_pem);
  response = sandbox_call (f->client, "profile", NULL, &error);
  g_assert_null (response);
  g_assert_error (error, BOTBENCH_REST_ERROR, BOTBENCH_REST_ERROR_TLS);
  g_assert_nonnull (strstr (error->message, "is not trusted"));
  g_assert_null (strstr (error->message, f->secret));
  g_clear_error (&error);

  /* Not pinned: the system trust store does not know a self-signed certificate */
  botbench_profile_set_certificate_pem (f->profile, NULL);
  response = sandbox_call (f->client, "profile", NULL, &error);
  g_assert_null (response);
  g_assert_error (error, BOTBENCH_REST_ERROR, BOTBENCH_REST_ERROR_TLS);
  g_clear_error (&error);

  /* Pinned to the right one again */
  botbench_profile_set_certificate_pem (f->profile, f->pem);
  response = sandbox_call (f->client, "profile", NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (response);

  botbench_sandbox_stop (other);
}

static void
test_sandbox_https_required (SandboxFixture *f,
                             gconstpointer   data)
{
  g_autoptr(BotbenchRestResponse) response = NULL;
  g_autoptr(GError) error = NULL;

  botbench_profile_set_portal_url (f->profile, f->http_url);
  response = sandbox_call (f->client, "profile", NULL, &error);
  g_assert_null (response);
  g_assert_error (error, BOTBENCH_REST_ERROR, BOTBENCH_REST_ERROR_HTTPS_REQUIRED);
  g_assert_cmpstr (botbench_rest_error_get_description (error), ==, "Https required.");
  g_assert_nonnull (strstr (error->message, "use https://"));
}

static JsonObject *
get_json (SoupSession *session,
          const char  *url)
{
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  bytes = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
test_sandbox_oauth_refresh (SandboxFixture *f,
                            gconstpointer   data)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(JsonObject) code = NULL;
  g_autoptr(JsonObject) tokens = NULL;
  g_autoptr(BotbenchProfile) profile = botbench_profile_new (BOTBENCH_PROFILE_KIND_OAUTH, NULL);
  g_autoptr(BotbenchRestClient) client = NULL;
  g_autoptr(BotbenchRestClient) later = NULL;
  g_autoptr(BotbenchRestResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *endpoint = g_strdup_printf ("%soauth/token/", f->http_url);
  const char *client_id = botbench_sandbox_get_client_id (f->sandbox);
  const char *client_secret = botbench_sandbox_get_client_secret (f->sandbox);
  const char *uuid = botbench_profile_get_uuid (profile);
  char *stored;

  /* Install the sandbox app: code, then tokens (over its plain-HTTP port) */
  url = g_strdup_printf ("%soauth/authorize/?client_id=%s", f->http_url, client_id);
  code = get_json (session, url);
  g_free (url);
  url = g_strdup_printf ("%s?grant_type=authorization_code&client_id=%s&client_secret=%s&code=%s",
                         endpoint, client_id, client_secret, json_object_get_string_member (code, "code"));
  tokens = get_json (session, url);

  botbench_profile_set_portal_url (profile, f->http_url);
  botbench_profile_set_oauth_client_id (profile, client_id);
  botbench_profile_set_token_endpoint (profile, endpoint);
  botbench_secret_store_store_sync (f->secrets, uuid, BOTBENCH_SECRET_KIND_ACCESS_TOKEN,
                                    "not-a-token-the-sandbox-knows", NULL, &error);
  g_assert_no_error (error);
  botbench_secret_store_store_sync (f->secrets, uuid, BOTBENCH_SECRET_KIND_REFRESH_TOKEN,
                                    json_object_get_string_member (tokens, "refresh_token"), NULL, &error);
  g_assert_no_error (error);
  botbench_secret_store_store_sync (f->secrets, uuid, BOTBENCH_SECRET_KIND_CLIENT_SECRET, client_secret,
                                    NULL, &error);
  g_assert_no_error (error);

  /* invalid_token → refresh → retry */
  client = botbench_rest_client_new (profile, f->secrets, NULL);
  response = sandbox_call (client, "scope", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (botbench_rest_client_get_history (client))), ==, 3);
  g_assert_cmpint (botbench_profile_get_token_expires (profile), >, 0);

  stored = botbench_secret_store_lookup_sync (f->secrets, uuid, BOTBENCH_SECRET_KIND_REFRESH_TOKEN, NULL, &error);
  g_assert_cmpstr (stored, !=, json_object_get_string_member (tokens, "refresh_token"));
  botbench_secret_free (stored);

  /* The next run reads the new pair: no refresh needed (the old refresh
   * token is spent, so a stale store would fail here) */
  later = botbench_rest_client_new (profile, f->secrets, NULL);
  g_clear_pointer (&response, botbench_rest_response_unref);
  response = sandbox_call (later, "profile", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (botbench_rest_client_get_history (later))), ==, 1);
}

static void
test_sandbox_paced (SandboxFixture *f,
                    gconstpointer   data)
{
  g_autoptr(GPtrArray) waits = g_ptr_array_new_with_free_func (g_free);
  BotbenchRequestHistory *history = botbench_rest_client_get_history (f->client);
  const guint n_calls = BOTBENCH_SANDBOX_RATE_BURST + 4;
  guint wait_ms = 30000;
  guint n_records;
  guint n_limited = 0;

#if defined(__SANITIZE_ADDRESS__)
  /* Each client TLS connection loads the system's CA list (libsoup sets
   * the pinned database only after glib-networking made its
   * credentials), about a second under build-aux/dev sanitize: 54 of them
   * in a row are past the 60 s a call may take. */
  botbench_rest_client_set_timeout (f->client, 600 * 1000);
  wait_ms = 600 * 1000;
#endif

  /* Our bucket has the portal's size: 54 calls at once */
  for (guint i = 0; i < n_calls; i++)
    {
      BotbenchTestResult *w = g_new0 (BotbenchTestResult, 1);

      g_ptr_array_add (waits, w);
      botbench_rest_client_call_async (f->client, "scope", NULL, NULL, botbench_test_result_cb, w);
    }
  for (guint i = 0; i < n_calls; i++)
    {
      BotbenchTestResult *w = g_ptr_array_index (waits, i);
      g_autoptr(BotbenchRestResponse) response = NULL;
      g_autoptr(GError) error = NULL;

      response = botbench_rest_client_call_finish (f->client, botbench_test_result_wait (w, wait_ms), &error);
      g_assert_no_error (error);
      botbench_test_result_clear (w);
    }

  /* Paced like the portal: the few that still meet a 503 (our clock starts
   * before the portal sees the first request) were retried, not lost */
  n_records = g_list_model_get_n_items (G_LIST_MODEL (history));
  g_assert_cmpuint (n_records, >=, n_calls);
  g_assert_cmpuint (n_records, <=, n_calls + 4);
  for (guint i = 0; i < n_records; i++)
    {
      g_autoptr(BotbenchRequestRecord) entry = g_list_model_get_item (G_LIST_MODEL (history), i);
      guint status = botbench_request_record_get_status (entry);

      if (status == 503)
        {
          g_assert_nonnull (strstr (botbench_request_record_get_response_body (entry), "QUERY_LIMIT_EXCEEDED"));
          n_limited++;
        }
      else
        g_assert_cmpuint (status, ==, 200);
    }
  g_assert_cmpuint (n_limited, ==, n_records - n_calls);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/rest-client/mask", test_mask);
  g_test_add_func ("/rest-client/history-model", test_history_model);

  g_test_add ("/rest-client/webhook/envelope", PortalFixture, NULL,
              webhook_setup, test_envelope, fake_portal_teardown);
  g_test_add ("/rest-client/webhook/client-id", PortalFixture, NULL,
              webhook_setup, test_client_id, fake_portal_teardown);
  g_test_add ("/rest-client/webhook/call-sync", PortalFixture, NULL,
              webhook_setup, test_call_sync, fake_portal_teardown);
  for (guint i = 0; i < G_N_ELEMENTS (error_specs); i++)
    {
      g_autofree char *path = g_strdup_printf ("/rest-client/error/%u", i);

      g_test_add (path, PortalFixture, &error_specs[i], webhook_setup, test_error, fake_portal_teardown);
    }
  g_test_add ("/rest-client/oauth/expired-token-refreshes", PortalFixture, NULL,
              oauth_setup, test_refresh, fake_portal_teardown);
  g_test_add ("/rest-client/oauth/second-401-is-an-error", PortalFixture, NULL,
              oauth_setup, test_refresh_then_401, fake_portal_teardown);
  g_test_add ("/rest-client/oauth/refresh-fails", PortalFixture, NULL,
              oauth_setup, test_refresh_fails, fake_portal_teardown);
  g_test_add ("/rest-client/oauth/one-refresh-for-all", PortalFixture, NULL,
              oauth_setup, test_refresh_shared, fake_portal_teardown);
  g_test_add ("/rest-client/oauth/no-auth", PortalFixture, NULL,
              oauth_setup, test_no_auth, fake_portal_teardown);
  g_test_add ("/rest-client/rate-limit/503-retried", PortalFixture, NULL,
              webhook_setup, test_rate_limit_retried, fake_portal_teardown);
  g_test_add ("/rest-client/rate-limit/503-surfaced", PortalFixture, NULL,
              webhook_setup, test_rate_limit_surfaced, fake_portal_teardown);
  g_test_add ("/rest-client/rate-limit/cancel-during-backoff", PortalFixture, NULL,
              webhook_setup, test_rate_limit_cancel, fake_portal_teardown);
  g_test_add ("/rest-client/rate-limit/client-bucket", PortalFixture, NULL,
              webhook_setup, test_client_bucket, fake_portal_teardown);
  g_test_add ("/rest-client/cancel", PortalFixture, NULL,
              webhook_setup, test_cancel, fake_portal_teardown);
  g_test_add ("/rest-client/timeout", PortalFixture, NULL,
              webhook_setup, test_timeout, fake_portal_teardown);
  g_test_add ("/rest-client/test-connection", PortalFixture, NULL,
              webhook_setup, test_connection, fake_portal_teardown);
  g_test_add ("/rest-client/no-secret-leaks/webhook", PortalFixture, GINT_TO_POINTER (FALSE),
              either_setup, test_no_secret_leaks, fake_portal_teardown);
  g_test_add ("/rest-client/no-secret-leaks/oauth", PortalFixture, GINT_TO_POINTER (TRUE),
              either_setup, test_no_secret_leaks, fake_portal_teardown);

  g_test_add ("/rest-client/sandbox/webhook", SandboxFixture, GINT_TO_POINTER (FALSE),
              sandbox_setup, test_sandbox_webhook, sandbox_teardown);
  g_test_add ("/rest-client/sandbox/pinning", SandboxFixture, GINT_TO_POINTER (FALSE),
              sandbox_setup, test_sandbox_pinning, sandbox_teardown);
  g_test_add ("/rest-client/sandbox/https-required", SandboxFixture, GINT_TO_POINTER (FALSE),
              sandbox_setup, test_sandbox_https_required, sandbox_teardown);
  g_test_add ("/rest-client/sandbox/oauth-refresh", SandboxFixture, GINT_TO_POINTER (FALSE),
              sandbox_setup, test_sandbox_oauth_refresh, sandbox_teardown);
  g_test_add ("/rest-client/sandbox/paced-like-the-portal", SandboxFixture, GINT_TO_POINTER (TRUE),
              sandbox_setup, test_sandbox_paced, sandbox_teardown);

  return g_test_run ();
}
