/* test-forward.c: sending events to a handler (botbench_http_send_async) and forwarding
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Against the loopback test handler (botbench-test-handler.h): answers 200,
 * 500, after the timeout, closes the connection, or nothing listens.
 */
#define G_LOG_DOMAIN "test-forward"

#include "config.h"

#include <string.h>

#include "botbench-core.h"
#include "botbench-test-handler.h"
#include "botbench-test-utils.h"
#include "test-forward.h"

static const char body_bytes[] = "event=ONIMBOTMESSAGEADD&data[PARAMS][MESSAGE]=%D0%9F%D1%80%D0%B8&x=\0\xff\r\n";

BotbenchEvent *
test_forward_make_event (const char *path,
                         const char *query,
                         const char *message)
{
  static const char * const headers[] = {
    "Content-Type", "application/x-www-form-urlencoded",
    "User-Agent", "Bitrix24 Webhook Engine",
    "Host", "example.org",
    NULL
  };
  g_autoptr(GBytes) body = NULL;

  if (message != NULL)
    {
      g_autofree char *escaped = g_uri_escape_string (message, NULL, FALSE);
      g_autofree char *text = g_strdup_printf ("event=ONIMBOTMESSAGEADD&data[PARAMS][MESSAGE]=%s", escaped);

      body = g_bytes_new (text, strlen (text));
    }
  else
    body = g_bytes_new_static (body_bytes, sizeof body_bytes - 1);

  return botbench_event_new (g_get_real_time (), "127.0.0.1", "POST", path, query ? query : "",
                             headers, "application/x-www-form-urlencoded", body);
}

const char *
test_forward_header (BotbenchTestRequest *req,
                     const char          *name)
{
  for (guint i = 0; req->headers[i] != NULL && req->headers[i + 1] != NULL; i += 2)
    if (g_ascii_strcasecmp (req->headers[i], name) == 0)
      return req->headers[i + 1];
  return NULL;
}

static BotbenchForwardResult *
send_sync (SoupSession   *session,
           const char    *url,
           BotbenchEvent *event,
           guint          timeout_s)
{
  g_auto(BotbenchTestResult) r = { NULL };
  BotbenchForwardResult *result;

  botbench_http_send_async (session, url, event, timeout_s, NULL, botbench_test_result_cb, &r);
  result = botbench_http_send_finish (botbench_test_result_wait (&r, 20000));
  g_assert_nonnull (result);
  g_assert_cmpint (botbench_forward_result_get_state (result), !=, BOTBENCH_FORWARD_STATE_PENDING);

  return result;
}

static void
test_send_ok (void)
{
  g_autoptr(BotbenchTestHandler) handler = botbench_test_handler_new ();
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(BotbenchEvent) event = test_forward_make_event ("/hook", "a=1&b=2", NULL);
  g_autoptr(BotbenchForwardResult) result = NULL;
  g_autofree char *url = g_strconcat (botbench_test_handler_get_url (handler), "/bot.php", NULL);
  g_autofree char *url_q = g_strconcat (url, "?token=x", NULL);
  BotbenchTestRequest *req;
  const char * const *headers;
  gboolean saw_header = FALSE;

  result = send_sync (session, url, event, 10);
  g_assert_cmpint (botbench_forward_result_get_state (result), ==, BOTBENCH_FORWARD_STATE_DONE);
  g_assert_cmpuint (botbench_forward_result_get_status (result), ==, 200);
  g_assert_true (botbench_forward_result_is_success (result));
  g_assert_null (botbench_forward_result_get_error (result));
  g_assert_cmpstr (botbench_forward_result_get_url (result), ==, url);
  g_assert_cmpmem (g_bytes_get_data (botbench_forward_result_get_response_body (result), NULL),
                   g_bytes_get_size (botbench_forward_result_get_response_body (result)), "ok", 2);
  g_assert_cmpuint (botbench_forward_result_get_response_size (result), ==, 2);
  g_assert_cmpint (botbench_forward_result_get_duration_ms (result), >=, 0);
  g_assert_cmpint (botbench_forward_result_get_finished (result), >, 0);
  headers = botbench_forward_result_get_response_headers (result);
  for (guint i = 0; headers[i] != NULL; i += 2)
    saw_header |= g_strcmp0 (headers[i], "X-Test-Handler") == 0 && g_strcmp0 (headers[i + 1], "yes") == 0;
  g_assert_true (saw_header);

  /* The handler got the request as it came in. */
  g_assert_cmpuint (botbench_test_handler_get_n_requests (handler), ==, 1);
  req = g_ptr_array_index (botbench_test_handler_get_requests (handler), 0);
  g_assert_cmpstr (req->method, ==, "POST");
  g_assert_cmpstr (req->path, ==, "/bot.php");
  g_assert_cmpstr (req->query, ==, "a=1&b=2");
  g_assert_cmpmem (g_bytes_get_data (req->body, NULL), g_bytes_get_size (req->body),
                   body_bytes, sizeof body_bytes - 1);
  g_assert_cmpstr (test_forward_header (req, "Content-Type"), ==, "application/x-www-form-urlencoded");
  g_assert_cmpstr (test_forward_header (req, "User-Agent"), ==, "Bitrix24 Webhook Engine");
  g_assert_cmpstr (test_forward_header (req, "X-Botbench-Event-Id"), ==, "0");
  g_assert_null (test_forward_header (req, "X-Botbench-Replay-Of"));
  g_assert_cmpstr (test_forward_header (req, "Host"), !=, "example.org");

  /* A URL with a query of its own: joined with &; a replay says so. */
  botbench_event_set_replay_of (event, 41);
  g_clear_pointer (&result, botbench_forward_result_unref);
  result = send_sync (session, url_q, event, 10);
  g_assert_cmpuint (botbench_forward_result_get_status (result), ==, 200);
  req = g_ptr_array_index (botbench_test_handler_get_requests (handler), 1);
  g_assert_cmpstr (req->query, ==, "token=x&a=1&b=2");
  g_assert_cmpstr (test_forward_header (req, "X-Botbench-Replay-Of"), ==, "41");
}

static void
test_send_500 (void)
{
  g_autoptr(BotbenchTestHandler) handler = botbench_test_handler_new ();
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(BotbenchEvent) event = test_forward_make_event ("/", NULL, "hi");
  g_autoptr(BotbenchForwardResult) result = NULL;

  botbench_test_handler_set_mode (handler, BOTBENCH_TEST_HANDLER_ERROR);
  result = send_sync (session, botbench_test_handler_get_url (handler), event, 10);
  g_assert_cmpint (botbench_forward_result_get_state (result), ==, BOTBENCH_FORWARD_STATE_DONE);
  g_assert_cmpuint (botbench_forward_result_get_status (result), ==, 500);
  g_assert_false (botbench_forward_result_is_success (result));
  g_assert_null (botbench_forward_result_get_error (result));
  g_assert_cmpmem (g_bytes_get_data (botbench_forward_result_get_response_body (result), NULL),
                   g_bytes_get_size (botbench_forward_result_get_response_body (result)), "boom", 4);
}

static void
test_send_timeout (void)
{
  g_autoptr(BotbenchTestHandler) handler = botbench_test_handler_new ();
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(BotbenchEvent) event = test_forward_make_event ("/", NULL, "hi");
  g_autoptr(BotbenchForwardResult) result = NULL;

  botbench_test_handler_set_mode (handler, BOTBENCH_TEST_HANDLER_SLOW);
  botbench_test_handler_set_delay_ms (handler, 4000);
  result = send_sync (session, botbench_test_handler_get_url (handler), event, 1);
  g_assert_cmpint (botbench_forward_result_get_state (result), ==, BOTBENCH_FORWARD_STATE_FAILED);
  g_assert_cmpuint (botbench_forward_result_get_status (result), ==, 0);
  g_assert_cmpstr (botbench_forward_result_get_error (result), ==, "Timed out after 1 s");
  g_assert_cmpint (botbench_forward_result_get_duration_ms (result), >=, 900);
  g_assert_cmpint (botbench_forward_result_get_duration_ms (result), <, 4000);
  g_assert_cmpuint (botbench_test_handler_get_n_requests (handler), ==, 1);
}

static void
test_send_closed (void)
{
  g_autoptr(BotbenchTestHandler) handler = botbench_test_handler_new ();
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(BotbenchEvent) event = test_forward_make_event ("/", NULL, "hi");
  g_autoptr(BotbenchForwardResult) result = NULL;

  botbench_test_handler_set_mode (handler, BOTBENCH_TEST_HANDLER_CLOSE);
  result = send_sync (session, botbench_test_handler_get_url (handler), event, 10);
  g_assert_cmpint (botbench_forward_result_get_state (result), ==, BOTBENCH_FORWARD_STATE_FAILED);
  g_assert_cmpstr (botbench_forward_result_get_error (result), ==, "Connection closed without an answer");
  g_assert_cmpuint (botbench_test_handler_get_n_requests (handler), ==, 1);
}

static void
test_send_refused (void)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(BotbenchEvent) event = test_forward_make_event ("/", NULL, "hi");
  g_autoptr(BotbenchForwardResult) result = NULL;
  g_autoptr(BotbenchForwardResult) invalid = NULL;
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/bot.php", botbench_test_closed_port ());

  result = send_sync (session, url, event, 10);
  g_assert_cmpint (botbench_forward_result_get_state (result), ==, BOTBENCH_FORWARD_STATE_FAILED);
  g_assert_cmpstr (botbench_forward_result_get_error (result), ==, "Connection refused");
  g_assert_null (botbench_forward_result_get_response_body (result));

  invalid = send_sync (session, "ftp://127.0.0.1/x", event, 10);
  g_assert_cmpint (botbench_forward_result_get_state (invalid), ==, BOTBENCH_FORWARD_STATE_FAILED);
  g_assert_nonnull (strstr (botbench_forward_result_get_error (invalid), "Invalid URL"));
}

static void
test_send_big_answer (void)
{
  g_autoptr(BotbenchTestHandler) handler = botbench_test_handler_new ();
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(BotbenchEvent) event = test_forward_make_event ("/", NULL, "hi");
  g_autoptr(BotbenchForwardResult) result = NULL;
  gsize big_len = BOTBENCH_FORWARD_MAX_BODY + 123457;
  char *big = g_malloc (big_len);
  g_autoptr(GBytes) big_bytes = NULL;
  GBytes *kept;

  for (gsize i = 0; i < big_len; i++)
    big[i] = (char)('a' + i % 26);
  big_bytes = g_bytes_new_take (big, big_len);
  botbench_test_handler_set_body (handler, big_bytes);

  result = send_sync (session, botbench_test_handler_get_url (handler), event, 30);
  g_assert_cmpuint (botbench_forward_result_get_status (result), ==, 200);
  kept = botbench_forward_result_get_response_body (result);
  g_assert_cmpuint (g_bytes_get_size (kept), ==, BOTBENCH_FORWARD_MAX_BODY);
  g_assert_cmpmem (g_bytes_get_data (kept, NULL), g_bytes_get_size (kept),
                   g_bytes_get_data (big_bytes, NULL), BOTBENCH_FORWARD_MAX_BODY);
  g_assert_cmpuint (botbench_forward_result_get_response_size (result), ==, big_len);
}

static void
test_send_cancelled (void)
{
  g_autoptr(BotbenchTestHandler) handler = botbench_test_handler_new ();
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(BotbenchEvent) event = test_forward_make_event ("/", NULL, "hi");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(BotbenchForwardResult) result = NULL;
  g_auto(BotbenchTestResult) r = { NULL };

  botbench_test_handler_set_mode (handler, BOTBENCH_TEST_HANDLER_SLOW);
  botbench_test_handler_set_delay_ms (handler, 5000);
  botbench_http_send_async (session, botbench_test_handler_get_url (handler), event, 10,
                            cancellable, botbench_test_result_cb, &r);
  botbench_test_handler_wait_requests (handler, 1);
  g_cancellable_cancel (cancellable);
  result = botbench_http_send_finish (botbench_test_result_wait (&r, 3000));
  g_assert_cmpint (botbench_forward_result_get_state (result), ==, BOTBENCH_FORWARD_STATE_FAILED);
  g_assert_cmpstr (botbench_forward_result_get_error (result), ==, "Cancelled");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/forward/send/ok", test_send_ok);
  g_test_add_func ("/forward/send/status-500", test_send_500);
  g_test_add_func ("/forward/send/timeout", test_send_timeout);
  g_test_add_func ("/forward/send/connection-closed", test_send_closed);
  g_test_add_func ("/forward/send/refused", test_send_refused);
  g_test_add_func ("/forward/send/big-answer", test_send_big_answer);
  g_test_add_func ("/forward/send/cancelled", test_send_cancelled);
  test_forward_add_forwarder_tests ();
  test_forward_add_keepalive_tests ();

  return g_test_run ();
}
