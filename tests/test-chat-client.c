/* test-chat-client.c: the core chat API against an in-process sandbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * BotbenchChatClient's errors (not a sandbox, refused, network), then
 * BotbenchChatSession end to end with the loopback test bot as the
 * handler: echo, /help with ATTACH and KEYBOARD, a button press, edit and
 * delete, delivery problems (500, handler down, type B not mentioned in a
 * group), the user switch, and finding the stored event of a delivery.
 */
#include "config.h"

#include <string.h>

#include "botbench-core.h"
#include "botbench-sandbox.h"
#include "botbench-test-bot.h"
#include "botbench-test-utils.h"

#define CLIENT_ID "chatclienttest"

typedef struct
{
  char                *tmp_dir;
  BotbenchSandbox     *sandbox;
  char                *url;
  char                *webhook;
  SoupSession         *http;
  BotbenchTestBot     *bot;
  BotbenchChatClient  *client;
  BotbenchChatSession *session;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *state = NULL;

  f->tmp_dir = botbench_test_make_tmp_dir ();
  state = g_build_filename (f->tmp_dir, "sandbox", "state.db", NULL);
  f->sandbox = botbench_sandbox_new ();
  botbench_sandbox_set_port (f->sandbox, 0);
  botbench_sandbox_set_state_path (f->sandbox, state);
  botbench_sandbox_set_rate_limit (f->sandbox, FALSE);
  botbench_sandbox_start (f->sandbox, &error);
  g_assert_no_error (error);
  f->url = botbench_sandbox_dup_url (f->sandbox);
  f->webhook = botbench_sandbox_dup_webhook_url (f->sandbox);
  f->http = soup_session_new_with_options ("timeout", 30, NULL);

  f->bot = botbench_test_bot_new (f->webhook, CLIENT_ID, 0, &error);
  g_assert_no_error (error);
  f->client = botbench_chat_client_new (f->url, NULL);
  f->session = botbench_chat_session_new (f->client);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  botbench_chat_session_stop (f->session);
  botbench_test_iterate_pending (0);
  g_assert_finalize_object (g_steal_pointer (&f->session));
  g_clear_object (&f->client);
  g_clear_pointer (&f->bot, botbench_test_bot_free);
  g_clear_object (&f->http);
  botbench_sandbox_stop (f->sandbox);
  botbench_test_iterate_pending (0);
  g_clear_object (&f->sandbox);
  botbench_test_rm_rf (f->tmp_dir);
  g_clear_pointer (&f->tmp_dir, g_free);
  g_clear_pointer (&f->url, g_free);
  g_clear_pointer (&f->webhook, g_free);
}

/* A webhook REST call as a bot developer would make it; returns "result". */
static JsonNode *
rest_call (Fixture    *f,
           const char *method,
           const char *json)
{
  g_autofree char *url = g_strconcat (f->webhook, method, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) body = g_bytes_new (json, strlen (json));
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonNode *result;

  soup_message_set_request_body_from_bytes (msg, "application/json", body);
  reply = soup_session_send_and_read (f->http, msg, NULL, &error);
  g_assert_no_error (error);
  root = json_from_string (g_bytes_get_data (reply, NULL), &error);
  g_assert_no_error (error);
  result = json_object_get_member (json_node_get_object (root), "result");
  if (result == NULL)
    g_error ("%s failed: %.*s", method, (int)g_bytes_get_size (reply), (const char *)g_bytes_get_data (reply, NULL));
  return json_node_copy (result);
}

static gint64
register_bot (Fixture    *f,
              const char *code,
              const char *type,
              const char *handler)
{
  g_autofree char *json = g_strdup_printf ("{\"CODE\": \"%s\", \"TYPE\": \"%s\", \"EVENT_HANDLER\": \"%s\","
                                           " \"CLIENT_ID\": \"" CLIENT_ID "\", \"PROPERTIES\": {\"NAME\": \"%s bot\"}}",
                                           code, type, handler, code);
  g_autoptr(JsonNode) result = rest_call (f, "imbot.register", json);

  return json_node_get_int (result);
}

static void
register_help (Fixture *f,
               gint64   bot_id)
{
  g_autofree char *json = g_strdup_printf ("{\"BOT_ID\": %" G_GINT64_FORMAT ", \"COMMAND\": \"help\", \"COMMON\": \"N\","
                                           " \"EVENT_COMMAND_ADD\": \"%s\", \"CLIENT_ID\": \"" CLIENT_ID "\","
                                           " \"LANG\": [{\"LANGUAGE_ID\": \"en\", \"TITLE\": \"Help\", \"PARAMS\": \"\"}]}",
                                           bot_id, botbench_test_bot_get_url (f->bot));
  g_autoptr(JsonNode) result = rest_call (f, "imbot.command.register", json);

  g_assert_cmpint (json_node_get_int (result), >, 0);
}

static void
start_session (Fixture *f)
{
  botbench_chat_session_start (f->session);
  botbench_test_assert_wait_until_full ((gboolean (*) (gpointer))botbench_chat_session_get_ready, f->session, 0,
                                        "the session to be ready");
  g_assert_null (botbench_chat_session_get_error (f->session));
}

static JsonObject *
session_action_wait (Fixture      *f,
                     BotbenchTestResult *r)
{
  g_autoptr(GError) error = NULL;
  JsonObject *answer = botbench_chat_session_action_finish (f->session, botbench_test_result_wait (r, 0), &error);

  g_assert_no_error (error);
  g_assert_nonnull (answer);
  return answer;
}

static JsonObject *
send_text (Fixture    *f,
           const char *dialog_id,
           const char *text)
{
  g_auto(BotbenchTestResult) r = { NULL };

  botbench_chat_session_send_async (f->session, dialog_id, text, NULL, botbench_test_result_cb, &r);
  return session_action_wait (f, &r);
}

/* Waits until @model holds a message with @text; returns it (borrowed). */
typedef struct
{
  GListModel *model;
  const char *text;
  BotbenchChatMessage *found;
} FindText;

static gboolean
find_text (gpointer data)
{
  FindText *find = data;

  for (guint i = 0; i < g_list_model_get_n_items (find->model); i++)
    {
      g_autoptr(BotbenchChatMessage) message = g_list_model_get_item (find->model, i);

      if (g_str_equal (botbench_chat_message_get_text (message), find->text))
        {
          find->found = message;
          return TRUE;
        }
    }
  return FALSE;
}

static BotbenchChatMessage *
wait_text (GListModel *model,
           const char *text)
{
  FindText find = { model, text, NULL };
  g_autofree char *what = g_strdup_printf ("a message “%s”", text);

  botbench_test_assert_wait_until (find_text, &find, what);
  return find.found;
}

typedef struct
{
  BotbenchChatSession *session;
  gint64               message_id;
  BotbenchChatDelivery *delivery;
} FindDelivery;

/* The first delivery of a message, once finished. */
static gboolean
find_finished_delivery (gpointer data)
{
  FindDelivery *find = data;
  BotbenchChatMessage *message = botbench_chat_session_lookup_message (find->session, find->message_id);
  const gint64 *ids;
  guint n = 0;

  if (message == NULL)
    return FALSE;
  ids = botbench_chat_message_get_deliveries (message, &n);
  for (guint i = 0; i < n; i++)
    {
      BotbenchChatDelivery *delivery = botbench_chat_session_lookup_delivery (find->session, ids[i]);

      if (delivery != NULL && botbench_chat_delivery_is_finished (delivery))
        {
          find->delivery = delivery;
          return TRUE;
        }
    }
  return FALSE;
}

static BotbenchChatDelivery *
wait_delivery (Fixture *f,
               gint64   message_id)
{
  FindDelivery find = { f->session, message_id, NULL };

  botbench_test_assert_wait_until (find_finished_delivery, &find, "a finished delivery");
  return find.delivery;
}

/* Client errors */

static void
test_info (Fixture       *f,
           gconstpointer  data)
{
  g_auto(BotbenchTestResult) r = { NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) info = NULL;

  botbench_chat_client_info_async (f->client, NULL, botbench_test_result_cb, &r);
  info = botbench_chat_client_info_finish (f->client, botbench_test_result_wait (&r, 0), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (info, "PRODUCT"), ==, "Botbench sandbox");
}

static void
not_found_cb (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
  soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC, "<html>no</html>", 15);
}

static void
test_not_sandbox (void)
{
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(BotbenchChatClient) client = NULL;
  g_auto(BotbenchTestResult) r = { NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) info = NULL;
  g_autofree char *url = NULL;
  guint port;

  soup_server_add_handler (server, NULL, not_found_cb, NULL, NULL);
  port = botbench_test_serve_loopback (server);
  url = g_strdup_printf ("http://127.0.0.1:%u", port);
  client = botbench_chat_client_new (url, NULL);
  g_assert_true (g_str_has_prefix (botbench_chat_client_get_base_url (client), url));
  g_assert_cmpstr (botbench_chat_client_get_base_url (client) + strlen (url), ==, "/");

  botbench_chat_client_info_async (client, NULL, botbench_test_result_cb, &r);
  info = botbench_chat_client_info_finish (client, botbench_test_result_wait (&r, 0), &error);
  g_assert_error (error, BOTBENCH_CHAT_ERROR, BOTBENCH_CHAT_ERROR_NOT_SANDBOX);
  g_assert_null (info);
}

static void
test_network_error (void)
{
  g_autoptr(BotbenchChatClient) client = botbench_chat_client_new ("http://127.0.0.1:9", NULL);
  g_auto(BotbenchTestResult) r = { NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) info = NULL;

  botbench_chat_client_info_async (client, NULL, botbench_test_result_cb, &r);
  info = botbench_chat_client_info_finish (client, botbench_test_result_wait (&r, 0), &error);
  g_assert_error (error, BOTBENCH_CHAT_ERROR, BOTBENCH_CHAT_ERROR_NETWORK);
  g_assert_nonnull (strstr (error->message, "connection refused"));
  g_assert_null (botbench_chat_error_get_code (error));
}

static void
test_cancelled (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_auto(BotbenchTestResult) r = { NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) answer = NULL;

  /* A long poll with nothing to report, cancelled by the caller. */
  botbench_chat_client_updates_async (f->client, 1000000, 20, cancellable, botbench_test_result_cb, &r);
  g_cancellable_cancel (cancellable);
  answer = botbench_chat_client_updates_finish (f->client, botbench_test_result_wait (&r, 0), &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (answer);
}

static void
test_refused (Fixture       *f,
              gconstpointer  data)
{
  g_auto(BotbenchTestResult) r = { NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) answer = NULL;

  botbench_chat_client_send_async (f->client, "999", 1, "hi", NULL, botbench_test_result_cb, &r);
  answer = botbench_chat_client_send_finish (f->client, botbench_test_result_wait (&r, 0), &error);
  g_assert_error (error, BOTBENCH_CHAT_ERROR, BOTBENCH_CHAT_ERROR_REFUSED);
  g_assert_cmpstr (botbench_chat_error_get_code (error), ==, "BOT_ID_ERROR");
  g_assert_cmpuint (botbench_chat_error_get_status (error), ==, 400);
  g_assert_cmpstr (error->message, ==, "Bot not found (BOT_ID_ERROR)");
}

static void
test_profile_url (void)
{
  g_autoptr(BotbenchProfile) webhook = botbench_profile_new (BOTBENCH_PROFILE_KIND_WEBHOOK, NULL);
  g_autoptr(BotbenchProfile) oauth = botbench_profile_new (BOTBENCH_PROFILE_KIND_OAUTH, NULL);
  g_autoptr(BotbenchProfile) empty = botbench_profile_new (BOTBENCH_PROFILE_KIND_WEBHOOK, NULL);
  g_autoptr(BotbenchChatClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  botbench_profile_set_portal_url (webhook, "http://127.0.0.1:8124/");
  client = botbench_chat_client_new_for_profile (webhook, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (botbench_chat_client_get_base_url (client), ==, "http://127.0.0.1:8124/");

  botbench_profile_set_portal_url (oauth, "");
  botbench_profile_set_token_endpoint (oauth, "https://[::1]:9443/oauth/token/");
  url = botbench_chat_dup_sandbox_url (oauth, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (url, ==, "https://[::1]:9443/");

  botbench_profile_set_portal_url (empty, "ftp://x/");
  g_clear_object (&client);
  client = botbench_chat_client_new_for_profile (empty, &error);
  g_assert_error (error, BOTBENCH_CHAT_ERROR, BOTBENCH_CHAT_ERROR_BAD_PROFILE);
  g_assert_null (client);
}

static BotbenchSandbox *
start_tls_sandbox (void)
{
  BotbenchSandbox *sandbox = botbench_sandbox_new ();
  g_autoptr(GError) error = NULL;

  botbench_sandbox_set_port (sandbox, 0);
  botbench_sandbox_set_http_port (sandbox, 0);
  botbench_sandbox_set_tls (sandbox, TRUE);
  botbench_sandbox_start (sandbox, &error);
  g_assert_no_error (error);
  return sandbox;
}

static JsonObject *
info_with (const char  *url,
           const char  *pem,
           GError     **error)
{
  g_autoptr(BotbenchChatClient) client = botbench_chat_client_new (url, pem);
  g_auto(BotbenchTestResult) r = { NULL };

  botbench_chat_client_info_async (client, NULL, botbench_test_result_cb, &r);
  return botbench_chat_client_info_finish (client, botbench_test_result_wait (&r, 0), error);
}

/* Over https the client trusts exactly the pinned certificate. */
static void
test_tls_pinning (void)
{
  g_autoptr(BotbenchSandbox) sandbox = start_tls_sandbox ();
  g_autoptr(BotbenchSandbox) other = start_tls_sandbox ();
  g_autofree char *url = botbench_sandbox_dup_url (sandbox);
  g_autofree char *pem = botbench_sandbox_dup_certificate_pem (sandbox);
  g_autofree char *other_pem = botbench_sandbox_dup_certificate_pem (other);
  g_autoptr(GError) e1 = NULL;
  g_autoptr(GError) e2 = NULL;
  g_autoptr(GError) e3 = NULL;
  g_autoptr(GError) e4 = NULL;
  g_autoptr(JsonObject) pinned = NULL;
  g_autoptr(JsonObject) wrong = NULL;
  g_autoptr(JsonObject) unpinned = NULL;
  g_autoptr(JsonObject) bad = NULL;

  g_assert_true (g_str_has_prefix (url, "https://"));
  g_assert_cmpstr (pem, !=, other_pem);

  pinned = info_with (url, pem, &e1);
  g_assert_no_error (e1);
  g_assert_cmpstr (json_object_get_string_member (pinned, "PRODUCT"), ==, "Botbench sandbox");

  wrong = info_with (url, other_pem, &e2);
  g_assert_error (e2, BOTBENCH_CHAT_ERROR, BOTBENCH_CHAT_ERROR_NETWORK);
  g_assert_null (wrong);

  /* No pin: the system's CAs, which do not know the sandbox's certificate. */
  unpinned = info_with (url, NULL, &e3);
  g_assert_error (e3, BOTBENCH_CHAT_ERROR, BOTBENCH_CHAT_ERROR_NETWORK);
  g_assert_null (unpinned);

  bad = info_with (url, "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n", &e4);
  g_assert_error (e4, BOTBENCH_CHAT_ERROR, BOTBENCH_CHAT_ERROR_NETWORK);
  g_assert_null (bad);

  botbench_sandbox_stop (other);
  botbench_sandbox_stop (sandbox);
  botbench_test_iterate_pending (0);
}

/* Session */

static void
test_echo (Fixture       *f,
           gconstpointer  data)
{
  gint64 bot_id = register_bot (f, "echo", "B", botbench_test_bot_get_url (f->bot));
  g_autofree char *dialog = g_strdup_printf ("%" G_GINT64_FORMAT, bot_id);
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(BotbenchSignalCounter) added = NULL;
  BotbenchChatConversation *conversation;
  BotbenchChatMessage *hello;
  BotbenchChatMessage *echo;
  BotbenchChatDelivery *delivery;
  g_autofree char *summary = NULL;
  g_autofree char *name = NULL;
  GListModel *messages;

  start_session (f);
  conversation = botbench_chat_session_lookup_conversation (f->session, dialog);
  g_assert_nonnull (conversation);
  g_assert_cmpint (botbench_chat_conversation_get_conversation_type (conversation), ==,
                   BOTBENCH_CHAT_CONVERSATION_PRIVATE);
  g_assert_cmpint (botbench_chat_conversation_get_bot_id (conversation), ==, bot_id);
  g_assert_cmpuint (botbench_chat_session_get_users (f->session)->len, >=, 4);
  name = botbench_chat_session_dup_author_name (f->session, 1);
  g_assert_cmpstr (name, ==, "Svetlana Ivanova");
  g_assert_nonnull (botbench_chat_session_lookup_bot (f->session, bot_id));

  messages = botbench_chat_session_get_messages (f->session, dialog);
  added = botbench_test_count_signal (f->session, "message-added");
  answer = send_text (f, dialog, "hello");
  g_assert_cmpint (json_object_get_int_member (answer, "MESSAGE_ID"), >, 0);

  hello = wait_text (messages, "hello");
  g_assert_false (botbench_chat_message_get_pending (hello));
  g_assert_cmpint (botbench_chat_message_get_author_id (hello), ==, 1);
  echo = wait_text (messages, "echo: hello");
  g_assert_cmpint (botbench_chat_message_get_author_id (echo), ==, bot_id);
  g_assert_cmpint (botbench_chat_message_get_id (echo), >, botbench_chat_message_get_id (hello));
  g_assert_cmpuint (g_list_model_get_n_items (messages), ==, 2);
  g_assert_cmpstr (botbench_chat_message_get_source_method (echo), ==, "imbot.message.add");
  g_assert_cmpuint (botbench_signal_counter_get (added), >=, 1);

  delivery = wait_delivery (f, botbench_chat_message_get_id (hello));
  g_assert_cmpint (botbench_chat_delivery_get_state (delivery), ==, BOTBENCH_CHAT_DELIVERY_DONE);
  g_assert_cmpuint (botbench_chat_delivery_get_status (delivery), ==, 200);
  g_assert_false (botbench_chat_delivery_is_problem (delivery));
  summary = botbench_chat_delivery_dup_summary (delivery);
  g_assert_true (g_str_has_prefix (summary, "The handler at http://127.0.0.1:"));
  g_assert_nonnull (strstr (summary, " answered 200 in "));
  /* The handler URL's CLIENT_ID is a credential: masked in what is shown. */
  g_assert_nonnull (strstr (botbench_chat_delivery_get_url (delivery), "CLIENT_ID=" CLIENT_ID));
  g_assert_null (strstr (summary, CLIENT_ID));
  g_assert_nonnull (strstr (summary, "?CLIENT_ID=" BOTBENCH_MASK " answered"));

  g_assert_cmpuint (botbench_test_bot_get_n_events (f->bot), ==, 1);
  g_assert_cmpstr (botbench_test_bot_get_event (f->bot, 0), ==, "ONIMBOTMESSAGEADD");
}

static void
test_history_and_restart (Fixture       *f,
                          gconstpointer  data)
{
  gint64 bot_id = register_bot (f, "echo", "B", botbench_test_bot_get_url (f->bot));
  g_autofree char *dialog = g_strdup_printf ("%" G_GINT64_FORMAT, bot_id);
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(BotbenchChatSession) second = NULL;
  GListModel *messages;

  start_session (f);
  messages = botbench_chat_session_get_messages (f->session, dialog);
  answer = send_text (f, dialog, "one");
  wait_text (messages, "echo: one");

  /* A second session loads the history whole. */
  second = botbench_chat_session_new (f->client);
  botbench_chat_session_start (second);
  botbench_test_assert_wait_until_full ((gboolean (*) (gpointer))botbench_chat_session_get_ready, second, 0, "ready");
  messages = botbench_chat_session_get_messages (second, dialog);
  botbench_test_assert_wait_n_items (messages, 2);
  wait_text (messages, "one");
  wait_text (messages, "echo: one");
  botbench_chat_session_stop (second);
}

static void
test_help_command_and_button (Fixture       *f,
                              gconstpointer  data)
{
  gint64 bot_id = register_bot (f, "helper", "B", botbench_test_bot_get_url (f->bot));
  g_autofree char *dialog = g_strdup_printf ("%" G_GINT64_FORMAT, bot_id);
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(JsonObject) pressed = NULL;
  g_auto(BotbenchTestResult) r = { NULL };
  BotbenchChatMessage *help;
  BotbenchAttach *attach;
  BotbenchKeyboard *keyboard;
  const BotbenchKeyboardButton *button;
  g_autofree char *data_json = NULL;
  JsonObject *event;
  GListModel *messages;

  register_help (f, bot_id);
  start_session (f);
  g_assert_nonnull (botbench_chat_bot_lookup_command (botbench_chat_session_lookup_bot (f->session, bot_id), "/help"));

  messages = botbench_chat_session_get_messages (f->session, dialog);
  answer = send_text (f, dialog, "/help");
  help = wait_text (messages, BOTBENCH_TEST_BOT_HELP);
  g_assert_cmpstr (botbench_chat_message_get_source_method (help), ==, "imbot.command.answer");
  g_assert_cmpint (botbench_chat_message_get_command_id (help), >, 0);

  attach = botbench_chat_message_get_attach (help);
  g_assert_cmpuint (attach->blocks->len, ==, 2);
  g_assert_cmpuint (attach->warnings->len, ==, 0);
  g_assert_cmpint (((BotbenchAttachBlock *)attach->blocks->pdata[1])->kind, ==, BOTBENCH_ATTACH_BLOCK_GRID);
  keyboard = botbench_chat_message_get_keyboard (help);
  g_assert_cmpuint (keyboard->n_buttons, ==, 2);
  button = botbench_keyboard_get_button (keyboard, 0);
  g_assert_cmpstr (button->command, ==, "help");
  g_assert_cmpstr (button->command_params, ==, "more");
  g_assert_cmpstr (botbench_keyboard_get_button (keyboard, 1)->link, ==, "https://example.com/docs");

  botbench_chat_session_press_button_async (f->session, botbench_chat_message_get_id (help), button->index, NULL,
                                            botbench_test_result_cb, &r);
  pressed = session_action_wait (f, &r);
  g_assert_cmpstr (json_object_get_string_member (pressed, "ACTION"), ==, "COMMAND");
  wait_text (messages, BOTBENCH_TEST_BOT_MORE);

  g_assert_cmpuint (botbench_test_bot_get_n_events (f->bot), ==, 2);
  g_assert_cmpstr (botbench_test_bot_get_event (f->bot, 1), ==, "ONIMCOMMANDADD");
  event = botbench_test_bot_get_data (f->bot, 1);
  data_json = json_to_string (json_object_get_member (event, "data"), FALSE);
  g_assert_nonnull (strstr (data_json, "\"COMMAND_CONTEXT\":\"KEYBOARD\""));
}

static void
test_edit_delete (Fixture       *f,
                  gconstpointer  data)
{
  gint64 bot_id = register_bot (f, "super", "S", botbench_test_bot_get_url (f->bot));
  g_autofree char *dialog = g_strdup_printf ("%" G_GINT64_FORMAT, bot_id);
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(JsonObject) edited = NULL;
  g_autoptr(JsonObject) deleted = NULL;
  g_auto(BotbenchTestResult) r1 = { NULL };
  g_auto(BotbenchTestResult) r2 = { NULL };
  g_autoptr(BotbenchSignalCounter) edited_notify = NULL;
  BotbenchChatMessage *message;
  GListModel *messages;

  start_session (f);
  messages = botbench_chat_session_get_messages (f->session, dialog);
  answer = send_text (f, dialog, "typo");
  message = wait_text (messages, "typo");
  wait_text (messages, "echo: typo");

  edited_notify = botbench_test_count_signal (message, "notify::edited");
  botbench_chat_session_edit_async (f->session, botbench_chat_message_get_id (message), "fixed", NULL,
                                    botbench_test_result_cb, &r1);
  edited = session_action_wait (f, &r1);
  wait_text (messages, "fixed");
  g_assert_true (botbench_chat_message_get_edited (message));
  g_assert_cmpuint (botbench_signal_counter_get (edited_notify), ==, 1);
  g_assert_true (botbench_test_bot_wait_events (f->bot, 2, 0));
  g_assert_cmpstr (botbench_test_bot_get_event (f->bot, 1), ==, "ONIMBOTMESSAGEUPDATE");

  botbench_chat_session_delete_async (f->session, botbench_chat_message_get_id (message), NULL,
                                      botbench_test_result_cb, &r2);
  deleted = session_action_wait (f, &r2);
  botbench_test_assert_wait_until_full ((gboolean (*) (gpointer))botbench_chat_message_get_deleted, message, 0,
                                        "the message to be deleted");
  g_assert_cmpstr (botbench_chat_message_get_text (message), ==, "");
  g_assert_true (botbench_test_bot_wait_events (f->bot, 3, 0));
  g_assert_cmpstr (botbench_test_bot_get_event (f->bot, 2), ==, "ONIMBOTMESSAGEDELETE");
}

static void
test_delivery_problems (Fixture       *f,
                        gconstpointer  data)
{
  gint64 bot_id = register_bot (f, "broken", "B", botbench_test_bot_get_url (f->bot));
  g_autofree char *dialog = g_strdup_printf ("%" G_GINT64_FORMAT, bot_id);
  g_autoptr(JsonObject) a1 = NULL;
  g_autoptr(JsonObject) a2 = NULL;
  BotbenchChatDelivery *delivery;
  g_autofree char *s1 = NULL;
  g_autofree char *s2 = NULL;

  start_session (f);
  botbench_chat_session_get_messages (f->session, dialog);

  botbench_test_bot_set_status (f->bot, 500);
  a1 = send_text (f, dialog, "first");
  delivery = wait_delivery (f, json_object_get_int_member (a1, "MESSAGE_ID"));
  g_assert_true (botbench_chat_delivery_is_problem (delivery));
  s1 = botbench_chat_delivery_dup_summary (delivery);
  g_assert_nonnull (strstr (s1, " answered 500 in "));

  botbench_test_bot_stop (f->bot);
  a2 = send_text (f, dialog, "second");
  delivery = wait_delivery (f, json_object_get_int_member (a2, "MESSAGE_ID"));
  g_assert_cmpint (botbench_chat_delivery_get_state (delivery), ==, BOTBENCH_CHAT_DELIVERY_FAILED);
  g_assert_true (botbench_chat_delivery_is_problem (delivery));
  s2 = botbench_chat_delivery_dup_summary (delivery);
  g_assert_cmpstr (s2, ==, "Connection refused");
}

static void
test_group_not_mentioned (Fixture       *f,
                          gconstpointer  data)
{
  gint64 bot_id = register_bot (f, "groupie", "B", botbench_test_bot_get_url (f->bot));
  gint64 others[] = { 2 };
  g_autoptr(JsonObject) created = NULL;
  g_autoptr(JsonObject) joined = NULL;
  g_autoptr(JsonObject) plain = NULL;
  g_autoptr(JsonObject) mentioned = NULL;
  g_auto(BotbenchTestResult) r1 = { NULL };
  g_auto(BotbenchTestResult) r2 = { NULL };
  g_autofree char *mention = NULL;
  g_autofree char *summary = NULL;
  const char *dialog;
  BotbenchChatDelivery *delivery;
  GListModel *messages;

  start_session (f);
  botbench_chat_session_create_chat_async (f->session, "Team", others, G_N_ELEMENTS (others), NULL,
                                           botbench_test_result_cb, &r1);
  created = session_action_wait (f, &r1);
  dialog = json_object_get_string_member (created, "DIALOG_ID");
  g_assert_true (g_str_has_prefix (dialog, "chat"));

  botbench_chat_session_join_async (f->session, bot_id, json_object_get_int_member (created, "CHAT_ID"), NULL,
                                    botbench_test_result_cb, &r2);
  joined = session_action_wait (f, &r2);
  g_assert_true (botbench_test_bot_wait_events (f->bot, 1, 0));
  g_assert_cmpstr (botbench_test_bot_get_event (f->bot, 0), ==, "ONIMBOTJOINCHAT");

  messages = botbench_chat_session_get_messages (f->session, dialog);
  wait_text (messages, BOTBENCH_TEST_BOT_WELCOME);
  g_assert_nonnull (botbench_chat_session_lookup_conversation (f->session, dialog));

  plain = send_text (f, dialog, "hello all");
  delivery = wait_delivery (f, json_object_get_int_member (plain, "MESSAGE_ID"));
  g_assert_cmpint (botbench_chat_delivery_get_state (delivery), ==, BOTBENCH_CHAT_DELIVERY_SKIPPED);
  g_assert_cmpstr (botbench_chat_delivery_get_reason (delivery), ==, "NOT_MENTIONED");
  summary = botbench_chat_delivery_dup_summary (delivery);
  g_assert_cmpstr (summary, ==, "Bot of type B ignores group messages that do not mention it");
  g_assert_cmpuint (botbench_test_bot_get_n_events (f->bot), ==, 1);

  mention = g_strdup_printf ("[USER=%" G_GINT64_FORMAT "]groupie bot[/USER] hi", bot_id);
  mentioned = send_text (f, dialog, mention);
  wait_text (messages, "echo: hi");
  g_assert_cmpuint (botbench_test_bot_get_n_events (f->bot), ==, 2);
}

static void
test_switch_user (Fixture       *f,
                  gconstpointer  data)
{
  gint64 bot_id = register_bot (f, "echo", "B", botbench_test_bot_get_url (f->bot));
  g_autofree char *dialog = g_strdup_printf ("%" G_GINT64_FORMAT, bot_id);
  g_autoptr(JsonObject) a1 = NULL;
  g_autoptr(JsonObject) a2 = NULL;
  GListModel *messages;

  start_session (f);
  messages = botbench_chat_session_get_messages (f->session, dialog);
  a1 = send_text (f, dialog, "from one");
  wait_text (messages, "echo: from one");

  botbench_chat_session_set_user_id (f->session, 2);
  g_assert_cmpint (botbench_chat_session_get_user_id (f->session), ==, 2);
  /* User 2's dialog with the bot is another chat: the list empties. */
  botbench_test_assert_wait_n_items (messages, 0);
  a2 = send_text (f, dialog, "from two");
  wait_text (messages, "echo: from two");
  g_assert_cmpuint (g_list_model_get_n_items (messages), ==, 2);
  g_assert_cmpint (json_object_get_int_member (a1, "CHAT_ID"), !=, json_object_get_int_member (a2, "CHAT_ID"));
}

static void
test_session_error_backoff (void)
{
  g_autoptr(BotbenchChatClient) client = botbench_chat_client_new ("http://127.0.0.1:9", NULL);
  g_autoptr(BotbenchChatSession) session = botbench_chat_session_new (client);
  g_autoptr(BotbenchSignalCounter) running = botbench_test_count_signal (session, "notify::running");

  botbench_chat_session_start (session);
  botbench_test_assert_wait_until_full ((gboolean (*) (gpointer))botbench_chat_session_get_error, session, 0,
                                        "the session's error");
  g_assert_error ((GError *)botbench_chat_session_get_error (session), BOTBENCH_CHAT_ERROR, BOTBENCH_CHAT_ERROR_NETWORK);
  g_assert_false (botbench_chat_session_get_ready (session));
  g_assert_true (botbench_chat_session_get_running (session));
  botbench_chat_session_stop (session);
  g_assert_false (botbench_chat_session_get_running (session));
  g_assert_cmpuint (botbench_signal_counter_get (running), ==, 2);
}

static JsonNode *
get_json (Fixture    *f,
          const char *url)
{
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  reply = soup_session_send_and_read (f->http, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  root = json_from_string (g_bytes_get_data (reply, NULL), &error);
  g_assert_no_error (error);
  return root;
}

/* An OAuth application's bot: the test bot answers with the event's
 * access_token at auth[client_endpoint], not through a webhook. */
static void
test_oauth_bot (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *authorize = NULL;
  g_autofree char *token_url = NULL;
  g_autofree char *register_url = NULL;
  g_autofree char *json = NULL;
  g_autofree char *dialog = NULL;
  g_autoptr(JsonNode) code = NULL;
  g_autoptr(JsonNode) tokens = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(BotbenchTestBot) oauth_bot = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *messages;
  JsonObject *event;
  gint64 bot_id;

  authorize = g_strdup_printf ("%soauth/authorize/?client_id=%s&user_id=1&state=s",
                               f->url, botbench_sandbox_get_client_id (f->sandbox));
  code = get_json (f, authorize);
  token_url = g_strdup_printf ("%soauth/token/?grant_type=authorization_code&client_id=%s&client_secret=%s&code=%s",
                               f->url, botbench_sandbox_get_client_id (f->sandbox),
                               botbench_sandbox_get_client_secret (f->sandbox),
                               json_object_get_string_member (json_node_get_object (code), "code"));
  tokens = get_json (f, token_url);

  /* No webhook: only the event's credentials can answer. */
  oauth_bot = botbench_test_bot_new (NULL, NULL, 0, &error);
  g_assert_no_error (error);
  register_url = g_strdup_printf ("%srest/imbot.register?auth=%s", f->url,
                                  json_object_get_string_member (json_node_get_object (tokens), "access_token"));
  json = g_strdup_printf ("{\"CODE\": \"oauth\", \"EVENT_HANDLER\": \"%s\", \"PROPERTIES\": {\"NAME\": \"OAuth\"}}",
                          botbench_test_bot_get_url (oauth_bot));
  msg = soup_message_new ("POST", register_url);
  body = g_bytes_new (json, strlen (json));
  soup_message_set_request_body_from_bytes (msg, "application/json", body);
  reply = soup_session_send_and_read (f->http, msg, NULL, &error);
  g_assert_no_error (error);
  root = json_from_string (g_bytes_get_data (reply, NULL), &error);
  g_assert_no_error (error);
  bot_id = json_object_get_int_member (json_node_get_object (root), "result");
  g_assert_cmpint (bot_id, >, 0);
  dialog = g_strdup_printf ("%" G_GINT64_FORMAT, bot_id);

  start_session (f);
  messages = botbench_chat_session_get_messages (f->session, dialog);
  answer = send_text (f, dialog, "via oauth");
  wait_text (messages, "echo: via oauth");

  event = botbench_test_bot_get_data (oauth_bot, 0);
  g_assert_true (json_object_has_member (event, "auth"));
  g_assert_true (botbench_test_bot_wait_calls (oauth_bot, 1, 0));
  g_assert_null (botbench_test_bot_get_last_call_error (oauth_bot));
}

/* "Show in Events": a listener stores what the sandbox delivers. */
static void
test_find_event (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *db = g_build_filename (f->tmp_dir, "events.db", NULL);
  g_autoptr(BotbenchEventStore) store = botbench_event_store_new (db, &error);
  g_autoptr(BotbenchListener) listener = NULL;
  g_autofree char *listener_url = NULL;
  g_autofree char *dialog = NULL;
  g_autoptr(JsonObject) a1 = NULL;
  g_autoptr(JsonObject) a2 = NULL;
  g_autoptr(BotbenchEvent) event = NULL;
  BotbenchChatDelivery *delivery;
  gint64 bot_id;
  gint64 id;

  g_assert_no_error (error);
  listener = botbench_listener_new (store);
  botbench_listener_set_port (listener, 0);
  botbench_listener_start (listener, &error);
  g_assert_no_error (error);
  listener_url = botbench_listener_dup_url (listener);

  bot_id = register_bot (f, "logged", "B", listener_url);
  dialog = g_strdup_printf ("%" G_GINT64_FORMAT, bot_id);
  start_session (f);
  botbench_chat_session_get_messages (f->session, dialog);

  a1 = send_text (f, dialog, "first");
  a2 = send_text (f, dialog, "second");
  delivery = wait_delivery (f, json_object_get_int_member (a2, "MESSAGE_ID"));
  g_assert_cmpuint (botbench_chat_delivery_get_status (delivery), ==, 200);

  id = botbench_chat_delivery_find_event (delivery, store);
  g_assert_cmpint (id, >, 0);
  event = botbench_event_store_get (store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (botbench_event_get_event_name (event), ==, "ONIMBOTMESSAGEADD");
  g_assert_cmpstr (botbench_event_get_message (event), ==, "second");

  {
    g_auto(BotbenchTestResult) r = { NULL };

    botbench_chat_delivery_find_event_async (delivery, store, NULL, botbench_test_result_cb, &r);
    g_assert_cmpint (botbench_chat_delivery_find_event_finish (delivery, botbench_test_result_wait (&r, 0)), ==, id);
  }

  /* The first message's delivery finds the other event. */
  delivery = wait_delivery (f, json_object_get_int_member (a1, "MESSAGE_ID"));
  g_assert_cmpint (botbench_chat_delivery_find_event (delivery, store), <, id);
  g_assert_cmpint (botbench_chat_delivery_find_event (delivery, store), >, 0);

  botbench_listener_stop (listener);
  botbench_event_store_close (store);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/chat-client/client/not-sandbox", test_not_sandbox);
  g_test_add_func ("/chat-client/client/network-error", test_network_error);
  g_test_add_func ("/chat-client/client/profile-url", test_profile_url);
  g_test_add_func ("/chat-client/client/tls-pinning", test_tls_pinning);
  g_test_add ("/chat-client/client/info", Fixture, NULL, fixture_setup, test_info, fixture_teardown);
  g_test_add ("/chat-client/client/refused", Fixture, NULL, fixture_setup, test_refused, fixture_teardown);
  g_test_add ("/chat-client/client/cancelled", Fixture, NULL, fixture_setup, test_cancelled, fixture_teardown);
  g_test_add ("/chat-client/session/echo", Fixture, NULL, fixture_setup, test_echo, fixture_teardown);
  g_test_add ("/chat-client/session/history", Fixture, NULL, fixture_setup, test_history_and_restart, fixture_teardown);
  g_test_add ("/chat-client/session/help-and-button", Fixture, NULL, fixture_setup, test_help_command_and_button,
              fixture_teardown);
  g_test_add ("/chat-client/session/edit-delete", Fixture, NULL, fixture_setup, test_edit_delete, fixture_teardown);
  g_test_add ("/chat-client/session/delivery-problems", Fixture, NULL, fixture_setup, test_delivery_problems,
              fixture_teardown);
  g_test_add ("/chat-client/session/group-not-mentioned", Fixture, NULL, fixture_setup, test_group_not_mentioned,
              fixture_teardown);
  g_test_add ("/chat-client/session/switch-user", Fixture, NULL, fixture_setup, test_switch_user, fixture_teardown);
  g_test_add_func ("/chat-client/session/error-backoff", test_session_error_backoff);
  g_test_add ("/chat-client/session/oauth-bot", Fixture, NULL, fixture_setup, test_oauth_bot, fixture_teardown);
  g_test_add ("/chat-client/delivery/find-event", Fixture, NULL, fixture_setup, test_find_event, fixture_teardown);

  return g_test_run ();
}
