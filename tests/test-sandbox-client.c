/* test-sandbox-client.c: the validation tables through BotbenchRestClient
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every row of sandbox-cases.h (the reference's §1.3 and §2.1–2.5, as
 * test-sandbox.c sends them with raw libsoup) goes through the REST client
 * with a webhook profile pointing at an in-process BotbenchSandbox on
 * 127.0.0.1, port 0.  Each row checks what the client makes of the answer
 * (GError code, portal code, description, HTTP status) and that the request
 * history recorded exactly that call with every secret masked.  A few
 * OAuth rows use tokens the sandbox's /oauth/token/ issued.
 *
 * The profile's CLIENT_ID is "app1", the owner the table's rows use: a row
 * that sends "CLIENT_ID":"app1" has it taken out, so the client adds it; a
 * row that sends another CLIENT_ID (or "client_id") keeps it, and the client
 * must not add a second; a row without one runs with no profile CLIENT_ID.
 * Secrets live in a session-only store (no keyring needed).
 */
#define G_LOG_DOMAIN "test-sandbox-client"

#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "botbench-profile.h"
#include "botbench-request-history.h"
#include "botbench-rest-client.h"
#include "botbench-sandbox.h"
#include "botbench-sandbox-private.h"
#include "botbench-secret-store.h"
#include "botbench-test-utils.h"

#include "sandbox-cases.h"

#define WAIT_MS          30000
#define CLIENT_TIMEOUT   20000
#define WEBHOOK_SECRET   "wHk7Qz2Lp9Xs4Tm1"
#define WRONG_SECRET     "wrongWebhookSecret55"
#define BOGUS_TOKEN      "bogusAccessToken0123456789abcdef"
#define BOGUS_REFRESH    "bogusRefreshToken0123456789abcdef"
#define OWNER            "app1"
/* A loopback port that refuses connections, for handlers nobody listens to. */
#define DEAD_HANDLER     "http://127.0.0.1:9/bot"
#define REGISTER_BODY    "{\"CODE\":\"x\",\"EVENT_HANDLER\":\"https://bot.example.com/e\"," \
                         "\"PROPERTIES\":{\"NAME\":\"B\"}}"

typedef struct
{
  GMutex  mutex;
  gint64  now_us;
} FakeClock;

typedef struct
{
  FakeClock               clock;
  BotbenchSandbox        *sandbox;
  char                   *url;        /* http://127.0.0.1:PORT/ */
  SoupSession            *session;    /* control API and OAuth installs only */
  BotbenchSecretStore    *secrets;
  BotbenchRequestHistory *history;
  BotbenchProfile        *profile;    /* webhook */
  BotbenchRestClient     *client;
  BotbenchProfile        *oauth_profile;
  BotbenchRestClient     *oauth_client;

  /* Every secret that must never reach the history */
  GPtrArray              *secret_list;

  /* OAuth tokens the sandbox issued */
  char                   *access_token;
  char                   *refresh_token;

  /* Set up by method_setup */
  gint64                  bot;
  gint64                  other_bot;
  gint64                  command;
  gint64                  other_command;
  gint64                  message;
} Fixture;

/* ------------------------------------------------------------------------ */
/* The fake clock                                                            */

static gint64
fake_clock_now (gpointer data)
{
  FakeClock *clock = data;
  gint64 now;

  g_mutex_lock (&clock->mutex);
  now = clock->now_us;
  g_mutex_unlock (&clock->mutex);

  return now;
}

static void
advance_clock (Fixture *f,
               gint64   seconds)
{
  g_mutex_lock (&f->clock.mutex);
  f->clock.now_us += seconds * G_USEC_PER_SEC;
  g_mutex_unlock (&f->clock.mutex);
}

/* ------------------------------------------------------------------------ */
/* Plain HTTP, for what is not a REST call (control API, OAuth install)      */

static JsonObject *
parse_object (const char *text,
              gssize      len)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, len, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));

  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static JsonObject *
http_json (Fixture    *f,
           const char *method,
           const char *url,
           const char *json)
{
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;
  BotbenchTestResult w = { NULL };

  g_assert_nonnull (msg);
  if (json != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (json, strlen (json));

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  soup_session_send_and_read_async (f->session, msg, G_PRIORITY_DEFAULT, NULL, botbench_test_result_cb, &w);
  reply = soup_session_send_and_read_finish (f->session, botbench_test_result_wait (&w, WAIT_MS), &error);
  botbench_test_result_clear (&w);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);

  return parse_object (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply));
}

/* ------------------------------------------------------------------------ */
/* Fixture                                                                   */

static void
add_secret (Fixture    *f,
            const char *secret)
{
  g_ptr_array_add (f->secret_list, g_strdup (secret));
}

static void
store_secret (Fixture            *f,
              BotbenchProfile    *profile,
              BotbenchSecretKind  kind,
              const char         *secret)
{
  g_autoptr(GError) error = NULL;

  botbench_secret_store_store_sync (f->secrets, botbench_profile_get_uuid (profile), kind, secret, NULL, &error);
  g_assert_no_error (error);
}

static void
start (Fixture    *f,
       const char *scope)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BotbenchWebhookUrl) parsed = NULL;
  g_autofree char *webhook = NULL;

  g_mutex_init (&f->clock.mutex);
  f->clock.now_us = g_get_real_time ();
  f->secret_list = g_ptr_array_new_with_free_func (g_free);
  add_secret (f, WEBHOOK_SECRET);

  f->sandbox = botbench_sandbox_new ();
  botbench_sandbox_set_host (f->sandbox, "127.0.0.1");
  botbench_sandbox_set_port (f->sandbox, 0);
  botbench_sandbox_set_webhook_secret (f->sandbox, WEBHOOK_SECRET);
  botbench_sandbox_set_rate_limit (f->sandbox, FALSE);
  if (scope != NULL)
    botbench_sandbox_set_scope (f->sandbox, scope);
  _botbench_sandbox_set_clock (f->sandbox, fake_clock_now, &f->clock);
  botbench_sandbox_start (f->sandbox, &error);
  g_assert_no_error (error);
  f->url = botbench_sandbox_dup_url (f->sandbox);
  g_assert_true (g_str_has_prefix (f->url, "http://127.0.0.1:"));

  f->session = soup_session_new_with_options ("timeout", 30, NULL);
  f->secrets = botbench_secret_store_new ();
  botbench_secret_store_set_session_only (f->secrets, TRUE);
  f->history = botbench_request_history_new ();

  /* The webhook profile, as a user would paste the URL */
  webhook = botbench_sandbox_dup_webhook_url (f->sandbox);
  g_assert_nonnull (strstr (webhook, WEBHOOK_SECRET));
  parsed = botbench_webhook_url_parse (webhook, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (parsed->secret, ==, WEBHOOK_SECRET);
  f->profile = botbench_profile_new (BOTBENCH_PROFILE_KIND_WEBHOOK, NULL);
  botbench_profile_set_name (f->profile, "Sandbox");
  botbench_profile_apply_webhook_url (f->profile, parsed);
  botbench_profile_set_client_id (f->profile, OWNER);
  store_secret (f, f->profile, BOTBENCH_SECRET_KIND_WEBHOOK_SECRET, parsed->secret);
  f->client = botbench_rest_client_new (f->profile, f->secrets, f->history);
  botbench_rest_client_set_timeout (f->client, CLIENT_TIMEOUT);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  start (f, NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->oauth_client);
  g_clear_object (&f->client);
  g_clear_object (&f->oauth_profile);
  g_clear_object (&f->profile);
  g_clear_object (&f->history);
  g_clear_object (&f->secrets);
  g_clear_object (&f->session);
  botbench_sandbox_stop (f->sandbox);
  /* Let queued "delivered" emissions and client callbacks run first. */
  botbench_test_iterate_pending (0);
  g_assert_finalize_object (g_steal_pointer (&f->sandbox));

  g_clear_pointer (&f->url, g_free);
  g_clear_pointer (&f->access_token, g_free);
  g_clear_pointer (&f->refresh_token, g_free);
  g_clear_pointer (&f->secret_list, g_ptr_array_unref);
  g_mutex_clear (&f->clock.mutex);
}

/* ------------------------------------------------------------------------ */
/* Calls and checks                                                          */

static BotbenchRestResponse *
call (BotbenchRestClient  *client,
      const char          *method,
      JsonObject          *params,
      GError             **error)
{
  BotbenchTestResult w = { NULL };
  BotbenchRestResponse *response;

  botbench_rest_client_call_async (client, method, params, NULL, botbench_test_result_cb, &w);
  response = botbench_rest_client_call_finish (client, botbench_test_result_wait (&w, WAIT_MS), error);
  botbench_test_result_clear (&w);

  return response;
}

/* A call that must work; returns its integer result. */
static gint64
call_int (Fixture    *f,
          const char *method,
          const char *json)
{
  g_autoptr(JsonObject) params = parse_object (json, -1);
  g_autoptr(BotbenchRestResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *result;

  response = call (f->client, method, params, &error);
  g_assert_no_error (error);
  result = botbench_rest_response_get_result (response);
  g_assert_nonnull (result);
  g_assert_cmpint (json_node_get_int (result), >, 0);

  return json_node_get_int (result);
}

/* The GError code the header promises for a portal error. */
static BotbenchRestError
expected_kind (const char *code,
               const char *description,
               guint       status)
{
  static const struct { const char *code; BotbenchRestError kind; } map[] = {
    { "ERROR_METHOD_NOT_FOUND", BOTBENCH_REST_ERROR_METHOD_NOT_FOUND },
    { "NO_AUTH_FOUND", BOTBENCH_REST_ERROR_NO_AUTH },
    { "INVALID_CREDENTIALS", BOTBENCH_REST_ERROR_INVALID_CREDENTIALS },
    { "insufficient_scope", BOTBENCH_REST_ERROR_INSUFFICIENT_SCOPE },
    { "expired_token", BOTBENCH_REST_ERROR_EXPIRED_TOKEN },
    { "invalid_token", BOTBENCH_REST_ERROR_INVALID_TOKEN },
    { "ACCESS_DENIED", BOTBENCH_REST_ERROR_ACCESS_DENIED },
    { "WRONG_AUTH_TYPE", BOTBENCH_REST_ERROR_WRONG_AUTH_TYPE },
    { "QUERY_LIMIT_EXCEEDED", BOTBENCH_REST_ERROR_QUERY_LIMIT_EXCEEDED },
    { "OPERATION_TIME_LIMIT", BOTBENCH_REST_ERROR_OPERATION_TIME_LIMIT },
    { "OVERLOAD_LIMIT", BOTBENCH_REST_ERROR_OVERLOAD },
    { "INTERNAL_SERVER_ERROR", BOTBENCH_REST_ERROR_SERVER_ERROR },
  };

  if (g_str_equal (code, "INVALID_REQUEST") && g_strcmp0 (description, "Https required.") == 0)
    return BOTBENCH_REST_ERROR_HTTPS_REQUIRED;
  for (guint i = 0; i < G_N_ELEMENTS (map); i++)
    if (g_str_equal (code, map[i].code))
      return map[i].kind;

  return status >= 500 ? BOTBENCH_REST_ERROR_SERVER_ERROR : BOTBENCH_REST_ERROR_FAILED;
}

static void
assert_rest_error (const GError      *error,
                   BotbenchRestError  kind,
                   const char        *code,
                   const char        *description,
                   guint              status)
{
  const char *advice;

  g_assert_nonnull (error);
  g_assert_error (error, BOTBENCH_REST_ERROR, (gint)kind);
  g_assert_cmpstr (botbench_rest_error_get_code (error), ==, code);
  g_assert_cmpstr (botbench_rest_error_get_description (error), ==, description);
  g_assert_cmpuint (botbench_rest_error_get_http_status (error), ==, status);
  /* The sentence saying what to fix leads the message. */
  advice = botbench_rest_error_get_advice (error);
  g_assert_nonnull (advice);
  g_assert_cmpstr (advice, !=, "");
  g_assert_true (g_str_has_prefix (error->message, advice));
}

static void
assert_no_secrets (Fixture    *f,
                   const char *what,
                   const char *text)
{
  if (text == NULL)
    return;
  for (guint i = 0; i < f->secret_list->len; i++)
    {
      const char *secret = g_ptr_array_index (f->secret_list, i);

      if (strstr (text, secret) != NULL)
        g_error ("%s shows a secret: %s", what, text);
    }
}

static guint
count_nocase (const char *text,
              const char *needle)
{
  g_autofree char *haystack = g_ascii_strdown (text, -1);
  g_autofree char *lower = g_ascii_strdown (needle, -1);
  guint n = 0;

  for (const char *p = strstr (haystack, lower); p != NULL; p = strstr (p + 1, lower))
    n++;
  return n;
}

/* Record @n of the history: @method with @status, secrets masked. */
static BotbenchRequestRecord *
assert_record (Fixture    *f,
               guint       n,
               const char *method,
               guint       status,
               guint       attempt)
{
  BotbenchRequestRecord *record = g_list_model_get_item (G_LIST_MODEL (f->history), n);
  const char *url;

  g_assert_nonnull (record);
  g_assert_cmpstr (botbench_request_record_get_method (record), ==, method);
  g_assert_cmpuint (botbench_request_record_get_status (record), ==, status);
  g_assert_cmpuint (botbench_request_record_get_attempt (record), ==, attempt);
  url = botbench_request_record_get_url (record);
  g_assert_nonnull (url);
  g_assert_true (g_str_has_prefix (url, f->url));
  assert_no_secrets (f, "a history URL", url);
  assert_no_secrets (f, "a history request", botbench_request_record_get_request_body (record));
  assert_no_secrets (f, "a history response", botbench_request_record_get_response_body (record));
  assert_no_secrets (f, "a history error", botbench_request_record_get_error (record));

  return record;
}

static void
assert_history_export_clean (Fixture *f)
{
  g_autofree char *json = botbench_request_history_dup_json (f->history);

  assert_no_secrets (f, "the history export", json);
}

/* ------------------------------------------------------------------------ */
/* The table: §1.3, §2.1–2.5                                                 */

static char *
substitute (Fixture    *f,
            const char *body)
{
  const struct { const char *name; gint64 value; } vars[] = {
    { "%BOT%", f->bot }, { "%OTHER%", f->other_bot }, { "%CMD%", f->command },
    { "%OTHERCMD%", f->other_command }, { "%MSG%", f->message },
  };
  char *text = g_strdup (body);

  for (guint i = 0; i < G_N_ELEMENTS (vars); i++)
    {
      g_autofree char *value = g_strdup_printf ("%" G_GINT64_FORMAT, vars[i].value);
      g_auto(GStrv) parts = g_strsplit (text, vars[i].name, -1);

      g_free (text);
      text = g_strjoinv (value, parts);
    }

  return text;
}

static void
method_setup (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(JsonObject) reply = NULL;
  g_autofree char *json = NULL;
  g_autofree char *url = NULL;

  start (f, NULL);

  /* The same portal state as test-sandbox.c, made through the client:
   * CLIENT_ID app1 from the profile, app2 given explicitly. */
  f->bot = call_int (f, "imbot.register",
                     "{\"CODE\":\"bot_a\",\"EVENT_HANDLER\":\"" DEAD_HANDLER "\",\"PROPERTIES\":{\"NAME\":\"Bot A\"}}");
  f->other_bot = call_int (f, "imbot.register",
                           "{\"CLIENT_ID\":\"app2\",\"CODE\":\"bot_b\",\"EVENT_HANDLER\":\"" DEAD_HANDLER "\","
                           "\"PROPERTIES\":{\"NAME\":\"Bot B\"}}");
  json = g_strdup_printf ("{\"BOT_ID\":%" G_GINT64_FORMAT ",\"COMMAND\":\"echo\",\"EVENT_COMMAND_ADD\":\""
                          DEAD_HANDLER "\",\"LANG\":[{\"LANGUAGE_ID\":\"en\",\"TITLE\":\"t\",\"PARAMS\":\"p\"}]}",
                          f->bot);
  f->command = call_int (f, "imbot.command.register", json);
  g_free (json);
  json = g_strdup_printf ("{\"CLIENT_ID\":\"app2\",\"BOT_ID\":%" G_GINT64_FORMAT ",\"COMMAND\":\"ping\","
                          "\"EVENT_COMMAND_ADD\":\"" DEAD_HANDLER "\",\"LANG\":[{\"LANGUAGE_ID\":\"en\","
                          "\"TITLE\":\"t\",\"PARAMS\":\"p\"}]}", f->other_bot);
  f->other_command = call_int (f, "imbot.command.register", json);

  /* A user's message, for imbot.command.answer's MESSAGE_ID */
  url = g_strconcat (f->url, "_sandbox/message", NULL);
  reply = http_json (f, "POST", url, "{\"FROM_USER_ID\":7,\"DIALOG_ID\":\"chat5\",\"MESSAGE\":\"hello\"}");
  g_assert_false (json_object_has_member (reply, "error"));
  f->message = json_object_get_int_member (json_object_get_object_member (reply, "result"), "MESSAGE_ID");
  g_assert_cmpint (f->message, >, 0);

  /* Each row's own call is then the only record. */
  botbench_request_history_clear (f->history);
}

typedef enum
{
  OWNER_FROM_PROFILE,   /* the row's "CLIENT_ID":"app1" is left to the client */
  OWNER_IN_ROW,         /* the row names another owner (or spells the key differently) */
  OWNER_NONE,           /* the row sends no CLIENT_ID at all */
} OwnerMode;

static OwnerMode
prepare_owner (Fixture    *f,
               JsonObject *params)
{
  g_autoptr(GList) members = json_object_get_members (params);
  gboolean any = FALSE;

  for (GList *l = members; l != NULL; l = l->next)
    if (g_ascii_strcasecmp (l->data, "CLIENT_ID") == 0)
      any = TRUE;

  if (!any)
    {
      botbench_profile_set_client_id (f->profile, NULL);
      return OWNER_NONE;
    }
  if (json_object_has_member (params, "CLIENT_ID") &&
      JSON_NODE_HOLDS_VALUE (json_object_get_member (params, "CLIENT_ID")) &&
      g_strcmp0 (json_object_get_string_member (params, "CLIENT_ID"), OWNER) == 0)
    {
      json_object_remove_member (params, "CLIENT_ID");
      return OWNER_FROM_PROFILE;
    }
  return OWNER_IN_ROW;
}

static void
test_validation_row (Fixture       *f,
                     gconstpointer  data)
{
  const ValidationCase *c = data;
  g_autofree char *body = substitute (f, c->body);
  g_autoptr(JsonObject) params = parse_object (body, -1);
  g_autoptr(BotbenchRestResponse) response = NULL;
  g_autoptr(BotbenchRequestRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  OwnerMode mode = prepare_owner (f, params);
  const char *request;
  const char *reply;
  g_autofree char *tail = g_strconcat ("/", c->method, ".json", NULL);

  response = call (f->client, c->method, params, &error);

  if (c->error != NULL)
    {
      g_assert_null (response);
      assert_rest_error (error, expected_kind (c->error, c->description, c->status),
                         c->error, c->description, c->status);
      assert_no_secrets (f, "the error message", error->message);
    }
  else
    {
      JsonNode *result;

      g_assert_no_error (error);
      g_assert_nonnull (response);
      g_assert_cmpuint (botbench_rest_response_get_status (response), ==, c->status);
      result = botbench_rest_response_get_result (response);
      g_assert_nonnull (result);
      g_assert_false (JSON_NODE_HOLDS_NULL (result));
      g_assert_nonnull (botbench_rest_response_get_time (response));
    }

  /* One record: this call, no retry, secret masked */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->history)), ==, 1);
  record = assert_record (f, 0, c->method, c->status, 1);
  g_assert_cmpstr (botbench_request_record_get_http_method (record), ==, "POST");
  g_assert_true (g_str_has_suffix (botbench_request_record_get_url (record), tail));
  g_assert_nonnull (strstr (botbench_request_record_get_url (record), "/rest/1/" BOTBENCH_MASK "/"));

  request = botbench_request_record_get_request_body (record);
  g_assert_nonnull (request);
  switch (mode)
    {
    case OWNER_FROM_PROFILE:
      g_assert_nonnull (strstr (request, "\"CLIENT_ID\":\"" OWNER "\""));
      g_assert_cmpuint (count_nocase (request, "\"client_id\""), ==, 1);
      break;

    case OWNER_IN_ROW:
      /* the row's own, and not a second one */
      g_assert_cmpuint (count_nocase (request, "\"client_id\""), ==, 1);
      break;

    case OWNER_NONE:
      g_assert_cmpuint (count_nocase (request, "client_id"), ==, 0);
      break;

    default:
      g_assert_not_reached ();
    }

  reply = botbench_request_record_get_response_body (record);
  g_assert_nonnull (reply);
  if (c->error != NULL)
    {
      g_autofree char *quoted = g_strdup_printf ("\"%s\"", c->error);

      g_assert_nonnull (strstr (reply, quoted));
    }
  else
    g_assert_nonnull (strstr (reply, "\"result\""));

  assert_history_export_clean (f);
}

/* ------------------------------------------------------------------------ */
/* Authentication rows (§1.3 step 0b, §4.4) and OAuth                        */

/* Installs the sandbox app (authorize, then the code for tokens) and makes
 * an OAuth profile for it.  Which secrets go to the store is up to the test. */
static void
make_oauth_profile (Fixture *f)
{
  const char *client_id = botbench_sandbox_get_client_id (f->sandbox);
  const char *client_secret = botbench_sandbox_get_client_secret (f->sandbox);
  g_autofree char *endpoint = g_strconcat (f->url, "oauth/token/", NULL);
  g_autofree char *url = NULL;
  g_autoptr(JsonObject) code = NULL;
  g_autoptr(JsonObject) tokens = NULL;

  g_assert_nonnull (client_id);
  g_assert_nonnull (client_secret);
  add_secret (f, client_secret);

  url = g_strdup_printf ("%soauth/authorize/?client_id=%s", f->url, client_id);
  code = http_json (f, "GET", url, NULL);
  g_free (url);
  url = g_strdup_printf ("%s?grant_type=authorization_code&client_id=%s&client_secret=%s&code=%s",
                         endpoint, client_id, client_secret, json_object_get_string_member (code, "code"));
  tokens = http_json (f, "GET", url, NULL);
  f->access_token = g_strdup (json_object_get_string_member (tokens, "access_token"));
  f->refresh_token = g_strdup (json_object_get_string_member (tokens, "refresh_token"));
  g_assert_nonnull (f->access_token);
  g_assert_nonnull (f->refresh_token);
  add_secret (f, f->access_token);
  add_secret (f, f->refresh_token);

  f->oauth_profile = botbench_profile_new (BOTBENCH_PROFILE_KIND_OAUTH, NULL);
  botbench_profile_set_name (f->oauth_profile, "Sandbox app");
  botbench_profile_set_portal_url (f->oauth_profile, f->url);
  botbench_profile_set_oauth_client_id (f->oauth_profile, client_id);
  botbench_profile_set_token_endpoint (f->oauth_profile, endpoint);
  f->oauth_client = botbench_rest_client_new (f->oauth_profile, f->secrets, f->history);
  botbench_rest_client_set_timeout (f->oauth_client, CLIENT_TIMEOUT);
}

static void
run_register_error (Fixture            *f,
                    BotbenchRestClient *client,
                    guint               status,
                    const char         *code,
                    const char         *description)
{
  g_autoptr(JsonObject) params = parse_object (REGISTER_BODY, -1);
  g_autoptr(BotbenchRestResponse) response = NULL;
  g_autoptr(BotbenchRequestRecord) record = NULL;
  g_autoptr(GError) error = NULL;

  response = call (client, "imbot.register", params, &error);
  g_assert_null (response);
  assert_rest_error (error, expected_kind (code, description, status), code, description, status);
  assert_no_secrets (f, "the error message", error->message);

  /* Neither a refresh nor a retry: the portal's answer, as it came */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->history)), ==, 1);
  record = assert_record (f, 0, "imbot.register", status, 1);
  g_assert_nonnull (strstr (botbench_request_record_get_response_body (record), code));
  assert_history_export_clean (f);
}

static void
test_auth_row (Fixture       *f,
               gconstpointer  data)
{
  const AuthCase *c = data;

  switch (c->kind)
    {
    case AUTH_BAD_SECRET:
      add_secret (f, WRONG_SECRET);
      store_secret (f, f->profile, BOTBENCH_SECRET_KIND_WEBHOOK_SECRET, WRONG_SECRET);
      botbench_rest_client_reload_secrets (f->client);
      run_register_error (f, f->client, c->status, c->error, c->description);
      break;

    case AUTH_BAD_USER:
      botbench_profile_set_user_id (f->profile, "2");
      run_register_error (f, f->client, c->status, c->error, c->description);
      break;

    case AUTH_OAUTH_NONE:
      /* Only a refresh token: the request carries no auth, so the portal
       * says NO_AUTH_FOUND (not a token problem, so no refresh) */
      make_oauth_profile (f);
      store_secret (f, f->oauth_profile, BOTBENCH_SECRET_KIND_REFRESH_TOKEN, f->refresh_token);
      store_secret (f, f->oauth_profile, BOTBENCH_SECRET_KIND_CLIENT_SECRET,
                    botbench_sandbox_get_client_secret (f->sandbox));
      run_register_error (f, f->oauth_client, c->status, c->error, c->description);
      break;

    case AUTH_OAUTH_BOGUS:
      /* A token the portal never issued, and nothing to refresh it with */
      add_secret (f, BOGUS_TOKEN);
      make_oauth_profile (f);
      store_secret (f, f->oauth_profile, BOTBENCH_SECRET_KIND_ACCESS_TOKEN, BOGUS_TOKEN);
      run_register_error (f, f->oauth_client, c->status, c->error, c->description);
      break;

    case AUTH_OAUTH_BOGUS_BEARER:
    default:
      g_assert_not_reached ();
    }
}

/* OAuth rows beyond the table: the sandbox's tokens, expiry and scope */
typedef enum
{
  OAUTH_VALID,
  OAUTH_INVALID_REFRESHES,
  OAUTH_EXPIRED_REFRESHES,
  OAUTH_EXPIRED_NO_REFRESH,
  OAUTH_REFRESH_REFUSED,
  OAUTH_NO_SCOPE,
  WEBHOOK_NO_SCOPE,
} OAuthKind;

typedef struct
{
  const char *name;
  OAuthKind   kind;
  const char *scope;         /* the sandbox's grant; NULL: default (imbot) */
  guint       status;        /* of the last record */
  const char *error;         /* NULL: success expected */
  const char *description;
  BotbenchRestError code;
  guint       n_records;
} OAuthCase;

static const OAuthCase oauth_cases[] = {
  { "oauth-valid-token", OAUTH_VALID, NULL, 200, NULL, NULL, 0, 1 },
  { "oauth-invalid-token-refreshes", OAUTH_INVALID_REFRESHES, NULL, 200, NULL, NULL, 0, 3 },
  { "oauth-expired-token-refreshes", OAUTH_EXPIRED_REFRESHES, NULL, 200, NULL, NULL, 0, 3 },
  { "oauth-expired-no-refresh", OAUTH_EXPIRED_NO_REFRESH, NULL, 401, "expired_token",
    "The access token provided has expired", BOTBENCH_REST_ERROR_EXPIRED_TOKEN, 1 },
  { "oauth-refresh-refused", OAUTH_REFRESH_REFUSED, NULL, 400, "invalid_grant", "Invalid refresh token",
    BOTBENCH_REST_ERROR_REFRESH_FAILED, 2 },
  { "oauth-insufficient-scope", OAUTH_NO_SCOPE, "user", 401, "insufficient_scope",
    "The request requires higher privileges than provided by the access token",
    BOTBENCH_REST_ERROR_INSUFFICIENT_SCOPE, 1 },
  { "webhook-insufficient-scope", WEBHOOK_NO_SCOPE, "user", 401, "insufficient_scope",
    "The request requires higher privileges than provided by the webhook token",
    BOTBENCH_REST_ERROR_INSUFFICIENT_SCOPE, 1 },
};

static void
oauth_setup (Fixture       *f,
             gconstpointer  data)
{
  const OAuthCase *c = data;

  start (f, c->scope);
}

static void
test_oauth_row (Fixture       *f,
                gconstpointer  data)
{
  const OAuthCase *c = data;
  const char *client_secret;
  BotbenchRestClient *client = f->oauth_client;
  g_autoptr(JsonObject) params = parse_object (REGISTER_BODY, -1);
  g_autoptr(BotbenchRestResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  guint n_records;

  if (c->kind != WEBHOOK_NO_SCOPE)
    {
      make_oauth_profile (f);
      client = f->oauth_client;
    }
  else
    client = f->client;
  client_secret = botbench_sandbox_get_client_secret (f->sandbox);

  switch (c->kind)
    {
    case OAUTH_VALID:
    case OAUTH_NO_SCOPE:
      store_secret (f, f->oauth_profile, BOTBENCH_SECRET_KIND_ACCESS_TOKEN, f->access_token);
      break;

    case OAUTH_INVALID_REFRESHES:
      add_secret (f, BOGUS_TOKEN);
      store_secret (f, f->oauth_profile, BOTBENCH_SECRET_KIND_ACCESS_TOKEN, BOGUS_TOKEN);
      store_secret (f, f->oauth_profile, BOTBENCH_SECRET_KIND_REFRESH_TOKEN, f->refresh_token);
      store_secret (f, f->oauth_profile, BOTBENCH_SECRET_KIND_CLIENT_SECRET, client_secret);
      break;

    case OAUTH_EXPIRED_REFRESHES:
      store_secret (f, f->oauth_profile, BOTBENCH_SECRET_KIND_ACCESS_TOKEN, f->access_token);
      store_secret (f, f->oauth_profile, BOTBENCH_SECRET_KIND_REFRESH_TOKEN, f->refresh_token);
      store_secret (f, f->oauth_profile, BOTBENCH_SECRET_KIND_CLIENT_SECRET, client_secret);
      advance_clock (f, botbench_sandbox_get_token_ttl (f->sandbox) + 1);
      break;

    case OAUTH_EXPIRED_NO_REFRESH:
      store_secret (f, f->oauth_profile, BOTBENCH_SECRET_KIND_ACCESS_TOKEN, f->access_token);
      advance_clock (f, botbench_sandbox_get_token_ttl (f->sandbox) + 1);
      break;

    case OAUTH_REFRESH_REFUSED:
      add_secret (f, BOGUS_REFRESH);
      store_secret (f, f->oauth_profile, BOTBENCH_SECRET_KIND_ACCESS_TOKEN, f->access_token);
      store_secret (f, f->oauth_profile, BOTBENCH_SECRET_KIND_REFRESH_TOKEN, BOGUS_REFRESH);
      store_secret (f, f->oauth_profile, BOTBENCH_SECRET_KIND_CLIENT_SECRET, client_secret);
      advance_clock (f, botbench_sandbox_get_token_ttl (f->sandbox) + 1);
      break;

    case WEBHOOK_NO_SCOPE:
      break;

    default:
      g_assert_not_reached ();
    }

  response = call (client, "imbot.register", params, &error);

  if (c->kind == OAUTH_INVALID_REFRESHES || c->kind == OAUTH_EXPIRED_REFRESHES)
    {
      char *stored;

      /* The new pair is in the store, and masked in the history too */
      stored = botbench_secret_store_lookup_sync (f->secrets, botbench_profile_get_uuid (f->oauth_profile),
                                                  BOTBENCH_SECRET_KIND_REFRESH_TOKEN, NULL, NULL);
      g_assert_nonnull (stored);
      g_assert_cmpstr (stored, !=, f->refresh_token);
      add_secret (f, stored);
      botbench_secret_free (stored);
      stored = botbench_secret_store_lookup_sync (f->secrets, botbench_profile_get_uuid (f->oauth_profile),
                                                  BOTBENCH_SECRET_KIND_ACCESS_TOKEN, NULL, NULL);
      g_assert_nonnull (stored);
      g_assert_cmpstr (stored, !=, f->access_token);
      add_secret (f, stored);
      botbench_secret_free (stored);
    }

  if (c->error != NULL)
    {
      g_assert_null (response);
      assert_rest_error (error, c->code, c->error, c->description, c->status);
      assert_no_secrets (f, "the error message", error->message);
      if (c->code == BOTBENCH_REST_ERROR_EXPIRED_TOKEN || c->code == BOTBENCH_REST_ERROR_REFRESH_FAILED)
        g_assert_nonnull (strstr (botbench_rest_error_get_advice (error), "authorize the application again"));
    }
  else
    {
      g_assert_no_error (error);
      g_assert_cmpuint (botbench_rest_response_get_status (response), ==, c->status);
      g_assert_cmpint (json_node_get_int (botbench_rest_response_get_result (response)), >, 0);
    }

  n_records = g_list_model_get_n_items (G_LIST_MODEL (f->history));
  g_assert_cmpuint (n_records, ==, c->n_records);
  if (n_records >= 2)
    {
      g_autoptr(BotbenchRequestRecord) first = NULL;
      g_autoptr(BotbenchRequestRecord) refresh = NULL;

      /* 401 (token refused), then the refresh at the token endpoint */
      first = assert_record (f, 0, "imbot.register", 401, 1);
      refresh = assert_record (f, 1, "oauth/token", n_records == 2 ? c->status : 200, 1);
      g_assert_true (g_str_has_prefix (botbench_request_record_get_url (refresh), f->url));
    }
  if (n_records == 3)
    {
      g_autoptr(BotbenchRequestRecord) retry = assert_record (f, 2, "imbot.register", c->status, 2);

      g_assert_nonnull (retry);
    }
  if (n_records == 1)
    {
      g_autoptr(BotbenchRequestRecord) only = assert_record (f, 0, "imbot.register", c->status, 1);

      g_assert_nonnull (only);
    }
  assert_history_export_clean (f);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (register_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/sandbox-client/%s/%s", register_cases[i].method,
                                               register_cases[i].name);

      g_test_add (path, Fixture, &register_cases[i], method_setup, test_validation_row, fixture_teardown);
    }
  for (guint i = 0; i < G_N_ELEMENTS (auth_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/sandbox-client/imbot.register/%s", auth_cases[i].name);

      /* The client sends its token as "auth", never as Authorization:
       * Bearer; test-sandbox.c sends that row raw, and oauth-bogus-token
       * covers the same answer here. */
      if (auth_cases[i].kind == AUTH_OAUTH_BOGUS_BEARER)
        continue;

      g_test_add (path, Fixture, &auth_cases[i], fixture_setup, test_auth_row, fixture_teardown);
    }
  for (guint i = 0; i < G_N_ELEMENTS (oauth_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/sandbox-client/imbot.register/%s", oauth_cases[i].name);

      g_test_add (path, Fixture, &oauth_cases[i], oauth_setup, test_oauth_row, fixture_teardown);
    }

  return g_test_run ();
}
