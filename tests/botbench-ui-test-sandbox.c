/* botbench-ui-test-sandbox.c: the built-in sandbox portal in the window tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the tests of the Bots and Chat pages (and the screenshot tour) do
 * with the application's sandbox: start it, make its profile active, call
 * its REST methods as the sandbox profile, and speak to its control API
 * as one of its users.  The sandbox answers on this thread's main
 * context, so every request here is async and the loop is spun.
 */
#include "config.h"

#include <string.h>

#include "botbench-ui-test-sandbox.h"
#include "botbench-test-utils.h"

static gboolean
sandbox_is_running (gpointer data)
{
  return botbench_sandbox_get_running (data);
}

static gboolean
listener_is_running (gpointer data)
{
  return botbench_listener_get_running (data);
}

void
botbench_ui_test_start_sandbox (BotbenchUiFixture *f)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (botbench_application_start_sandbox (f->app, &error));
  g_assert_no_error (error);
  botbench_test_assert_wait_until_full (sandbox_is_running, botbench_application_get_sandbox (f->app),
                                        BOTBENCH_UI_TEST_WAIT_MS, "the sandbox to run");
  /* The sandbox's secret is held in memory: no keyring, and no banner. */
  g_assert_true (botbench_secret_store_is_held (botbench_application_get_secret_store (f->app),
                                                BOTBENCH_PROFILE_SANDBOX_UUID,
                                                BOTBENCH_SECRET_KIND_WEBHOOK_SECRET));
}

void
botbench_ui_test_use_sandbox (BotbenchUiFixture *f)
{
  BotbenchProfileManager *manager = botbench_application_get_profile_manager (f->app);
  g_autoptr(GError) error = NULL;
  BotbenchProfile *profile;

  botbench_ui_test_start_sandbox (f);
  profile = botbench_application_get_sandbox_profile (f->app);
  g_assert_nonnull (profile);
  g_assert_true (botbench_profile_manager_set_active (manager, profile, &error));
  g_assert_no_error (error);
  botbench_test_assert_wait_until_full (listener_is_running, botbench_application_get_listener (f->app),
                                        BOTBENCH_UI_TEST_WAIT_MS, "the listener to run");
}

/* A REST call of the sandbox profile, the loop spun until it is back. */
static BotbenchRestResponse *
rest_call (BotbenchUiFixture  *f,
           const char         *method,
           const char         *json,
           GError            **error)
{
  BotbenchRestClient *client = botbench_application_get_rest_client (f->app,
                                                                     botbench_application_get_sandbox_profile (f->app));
  g_autoptr(JsonNode) params = json_from_string (json, NULL);
  BotbenchRestResponse *response;
  BotbenchTestResult r = { NULL };

  g_assert_nonnull (params);
  botbench_rest_client_call_async (client, method, json_node_get_object (params), NULL, botbench_test_result_cb, &r);
  response = botbench_rest_client_call_finish (client, botbench_test_result_wait (&r, BOTBENCH_UI_TEST_WAIT_MS),
                                               error);
  botbench_test_result_clear (&r);
  return response;
}

JsonNode *
botbench_ui_test_rest (BotbenchUiFixture *f,
                       const char        *method,
                       const char        *json)
{
  g_autoptr(BotbenchRestResponse) response = NULL;
  g_autoptr(GError) error = NULL;

  response = rest_call (f, method, json, &error);
  g_assert_no_error (error);
  g_assert_nonnull (botbench_rest_response_get_result (response));

  return json_node_copy (botbench_rest_response_get_result (response));
}

void
botbench_ui_test_rest_error (BotbenchUiFixture *f,
                             const char        *method,
                             const char        *json,
                             const char        *code)
{
  g_autoptr(BotbenchRestResponse) response = NULL;
  g_autoptr(GError) error = NULL;

  response = rest_call (f, method, json, &error);
  g_assert_null (response);
  g_assert_error (error, BOTBENCH_REST_ERROR, BOTBENCH_REST_ERROR_FAILED);
  g_assert_cmpstr (botbench_rest_error_get_code (error), ==, code);
}

/* {sandbox}/_sandbox/@what: asserts 200; the answer's text. */
static char *
sandbox_request (BotbenchUiFixture *f,
                 const char        *method,
                 const char        *what,
                 const char        *form)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sandbox_url = botbench_sandbox_dup_url (botbench_application_get_sandbox (f->app));
  g_autofree char *url = NULL;
  BotbenchTestResult r = { NULL };

  url = g_strdup_printf ("%s%s_sandbox/%s", sandbox_url, g_str_has_suffix (sandbox_url, "/") ? "" : "/", what);
  msg = soup_message_new (method, url);
  g_assert_nonnull (msg);
  if (form != NULL)
    {
      g_autoptr(GBytes) body = g_bytes_new (form, strlen (form));

      soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", body);
    }
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, botbench_test_result_cb, &r);
  reply = soup_session_send_and_read_finish (session, botbench_test_result_wait (&r, BOTBENCH_UI_TEST_WAIT_MS),
                                             &error);
  botbench_test_result_clear (&r);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);

  return g_strndup (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply));
}

/* The "result" object of a control API answer without "error". */
static JsonObject *
control_result (const char *text)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object;

  node = json_from_string (text, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  object = json_node_get_object (node);
  g_assert_false (json_object_has_member (object, "error"));
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, "result")));
  return json_object_ref (json_object_get_object_member (object, "result"));
}

JsonObject *
botbench_ui_test_sandbox_control (BotbenchUiFixture *f,
                                  const char        *method,
                                  const char        *what,
                                  const char        *form)
{
  g_autofree char *text = sandbox_request (f, method, what, form);

  return control_result (text);
}

void
botbench_ui_test_sandbox_user_writes (BotbenchUiFixture *f,
                                      gint64             bot_id,
                                      const char        *text)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, bot_id);
  g_autofree char *form = soup_form_encode ("FROM_USER_ID", "1", "BOT_ID", id, "MESSAGE", text, NULL);
  g_autofree char *reply = sandbox_request (f, "POST", "message", form);
  g_autoptr(JsonObject) result = NULL;

  /* No error anywhere in the answer, nested ones included. */
  g_assert_null (strstr (reply, "\"error\""));
  result = control_result (reply);
  g_assert_cmpint (json_object_get_int_member (result, "MESSAGE_ID"), >, 0);
}
