/* test-cli-chat.c: `botbench-cli chat` as a subprocess
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An in-process sandbox and the loopback test bot (both answer while the
 * test spins its main context waiting for the CLI), profiles written to a
 * temporary XDG_CONFIG_HOME.  Replies as JSON lines, exit codes 0/1/2,
 * --wait, --join, group chats with a type B bot, a profile that is not a
 * sandbox, and one run against `botbench-cli sandbox` as a process.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>

#include "botbench-core.h"
#include "botbench-sandbox.h"
#include "botbench-test-bot.h"
#include "botbench-test-utils.h"

#define CLIENT_ID "clichattest"
#define CLI_WAIT_MS 60000

static char *tmp_home;

typedef struct
{
  char            *state_dir;
  BotbenchSandbox *sandbox;
  char            *url;
  char            *webhook;
  SoupSession     *http;
  BotbenchTestBot *bot;
  gint64           bot_id;
  char            *bot_arg;
} Fixture;

static const char *
cli_path (void)
{
  const char *path = g_getenv ("BOTBENCH_CLI");

  g_assert_nonnull (path);
  return path;
}

static int
run_cli (char       **out,
         char       **err,
         const char  *first,
         ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GBytes) out_bytes = NULL;
  g_autoptr(GBytes) err_bytes = NULL;
  g_auto(BotbenchTestResult) result = { NULL };
  g_autoptr(GError) error = NULL;
  va_list va;

  g_ptr_array_add (args, (char *)cli_path ());
  va_start (va, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (va, const char *))
    g_ptr_array_add (args, (char *)arg);
  va_end (va);
  g_ptr_array_add (args, NULL);

  proc = g_subprocess_newv ((const char * const *)args->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  /* Spinning the context here lets the test bot answer the sandbox. */
  g_subprocess_communicate_async (proc, NULL, NULL, botbench_test_result_cb, &result);
  g_subprocess_communicate_finish (proc, botbench_test_result_wait (&result, CLI_WAIT_MS), &out_bytes, &err_bytes,
                                   &error);
  g_assert_no_error (error);

  *out = g_strndup (g_bytes_get_size (out_bytes) ? g_bytes_get_data (out_bytes, NULL) : "", g_bytes_get_size (out_bytes));
  *err = g_strndup (g_bytes_get_size (err_bytes) ? g_bytes_get_data (err_bytes, NULL) : "", g_bytes_get_size (err_bytes));
  g_test_message ("stdout: %s\nstderr: %s", *out, *err);

  return g_subprocess_get_if_exited (proc) ? g_subprocess_get_exit_status (proc) : -1;
}

/* Writes profiles.ini with one profile named @name at @portal_url (active). */
static void
write_profile (const char *name,
               const char *portal_url,
               const char *uuid)
{
  g_autoptr(BotbenchProfileManager) manager = botbench_profile_manager_new (NULL);
  g_autoptr(BotbenchProfile) profile = botbench_profile_new (BOTBENCH_PROFILE_KIND_WEBHOOK, uuid);
  g_autofree char *path = botbench_profile_manager_dup_default_path ();
  g_autoptr(GError) error = NULL;

  g_unlink (path);
  botbench_profile_manager_load (manager, &error);
  g_assert_no_error (error);
  botbench_profile_set_name (profile, name);
  botbench_profile_set_portal_url (profile, portal_url);
  botbench_profile_set_user_id (profile, "1");
  botbench_profile_manager_add (manager, profile, &error);
  g_assert_no_error (error);
  botbench_profile_manager_set_active (manager, profile, &error);
  g_assert_no_error (error);
  botbench_profile_manager_save (manager, &error);
  g_assert_no_error (error);
}

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
  g_assert_nonnull (result);
  return json_node_copy (result);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *state = NULL;
  g_autofree char *json = NULL;
  g_autoptr(JsonNode) result = NULL;

  f->state_dir = botbench_test_make_tmp_dir ();
  state = g_build_filename (f->state_dir, "state.db", NULL);
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

  json = g_strdup_printf ("{\"CODE\": \"echo\", \"TYPE\": \"B\", \"EVENT_HANDLER\": \"%s\", \"CLIENT_ID\": \"" CLIENT_ID "\","
                          " \"PROPERTIES\": {\"NAME\": \"Echo\"}}", botbench_test_bot_get_url (f->bot));
  result = rest_call (f, "imbot.register", json);
  f->bot_id = json_node_get_int (result);
  f->bot_arg = g_strdup_printf ("%" G_GINT64_FORMAT, f->bot_id);

  write_profile ("sb", f->url, NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_pointer (&f->bot, botbench_test_bot_free);
  g_clear_object (&f->http);
  botbench_sandbox_stop (f->sandbox);
  botbench_test_iterate_pending (0);
  g_clear_object (&f->sandbox);
  botbench_test_rm_rf (f->state_dir);
  g_clear_pointer (&f->state_dir, g_free);
  g_clear_pointer (&f->url, g_free);
  g_clear_pointer (&f->webhook, g_free);
  g_clear_pointer (&f->bot_arg, g_free);
}

static JsonObject *
parse_line (const char *line)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (line, &error);

  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_object_ref (json_node_get_object (node));
}

static void
test_reply (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(JsonObject) reply = NULL;
  int status = run_cli (&out, &err, "chat", f->bot_arg, "hello", NULL);

  g_assert_cmpint (status, ==, 0);
  lines = g_strsplit (g_strstrip (out), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 1);
  reply = parse_line (lines[0]);
  g_assert_cmpstr (json_object_get_string_member (reply, "text"), ==, "echo: hello");
  g_assert_cmpint (json_object_get_int_member (reply, "author_id"), ==, f->bot_id);
  g_assert_cmpstr (json_object_get_string_member (reply, "dialog_id"), ==, f->bot_arg);
  g_assert_cmpint (json_object_get_int_member (reply, "message_id"), >, 0);
  g_assert_true (json_object_has_member (reply, "attach"));
  g_assert_true (json_object_has_member (reply, "keyboard"));
  g_assert_cmpuint (botbench_test_bot_get_n_events (f->bot), ==, 1);
}

static void
test_help_reply_has_rich_parts (Fixture       *f,
                                gconstpointer  data)
{
  g_autofree char *json = g_strdup_printf ("{\"BOT_ID\": %" G_GINT64_FORMAT ", \"COMMAND\": \"help\", \"EVENT_COMMAND_ADD\": \"%s\","
                                           " \"CLIENT_ID\": \"" CLIENT_ID "\", \"LANG\": [{\"LANGUAGE_ID\": \"en\", \"TITLE\": \"Help\"}]}",
                                           f->bot_id, botbench_test_bot_get_url (f->bot));
  g_autoptr(JsonNode) result = rest_call (f, "imbot.command.register", json);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonObject) reply = NULL;
  int status = run_cli (&out, &err, "chat", f->bot_arg, "/help", NULL);

  g_assert_cmpint (status, ==, 0);
  reply = parse_line (g_strstrip (out));
  g_assert_cmpstr (json_object_get_string_member (reply, "text"), ==, BOTBENCH_TEST_BOT_HELP);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_object_get_member (reply, "attach")));
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_object_get_member (reply, "keyboard")));
}

typedef struct
{
  const char *name;
  const char *args[6];
  const char *message;
} UsageCase;

static const UsageCase usage_cases[] = {
  { "missing-text", { "chat", "BOT", NULL }, "Missing TEXT" },
  { "missing-bot", { "chat", NULL }, "Missing BOT_ID" },
  { "bad-bot-id", { "chat", "abc", "hi", NULL }, "BOT_ID must be a positive number" },
  { "bad-user", { "chat", "BOT", "hi", "--user", "x", NULL }, "--user must be a positive number" },
  { "bad-chat", { "chat", "BOT", "hi", "--chat", "0", NULL }, "--chat must be a positive number" },
  { "wait-too-long", { "chat", "BOT", "hi", "--wait", "601", NULL }, "--wait must be between 0 and 600" },
  { "wait-negative", { "chat", "BOT", "hi", "--wait=-1", NULL }, "--wait must be between 0 and 600" },
  { "text-with-join", { "chat", "BOT", "hi", "--join", NULL }, "--join takes no TEXT" },
  { "unknown-option", { "chat", "BOT", "hi", "--bogus", NULL }, "bogus" },
};

static void
test_usage (Fixture       *f,
            gconstpointer  data)
{
  const UsageCase *c = data;
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  /* "BOT" stands for the registered bot. */
  for (guint i = 0; c->args[i] != NULL; i++)
    g_ptr_array_add (args, (char *)(g_str_equal (c->args[i], "BOT") ? f->bot_arg : c->args[i]));
  while (args->len < 6)
    g_ptr_array_add (args, NULL);
  status = run_cli (&out, &err, args->pdata[0], args->pdata[1], args->pdata[2], args->pdata[3], args->pdata[4],
                    args->pdata[5], NULL);
  g_assert_cmpint (status, ==, 2);
  g_assert_nonnull (strstr (err, c->message));
  g_assert_cmpstr (out, ==, "");
  g_assert_cmpuint (botbench_test_bot_get_n_events (f->bot), ==, 0);
}

static void
test_status_500 (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  botbench_test_bot_set_status (f->bot, 500);
  status = run_cli (&out, &err, "chat", f->bot_arg, "hello", NULL);
  g_assert_cmpint (status, ==, 1);
  g_assert_nonnull (strstr (err, "The handler at http://127.0.0.1:"));
  g_assert_nonnull (strstr (err, " answered 500 in "));
  g_assert_null (strstr (err, CLIENT_ID));
  g_assert_cmpstr (out, ==, "");
}

/* A v2 bot in fetch mode: the event is queued for imbot.v2.Event.get,
 * which is neither a delivery nor a failure: a "queued" JSON line, the
 * note on stderr, exit 0; the queue holds the event. */
static void
test_v2_fetch_queued (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *bot_arg = NULL;
  g_autofree char *json = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(JsonNode) result = NULL;
  g_autoptr(JsonNode) events = NULL;
  g_autoptr(JsonObject) line = NULL;
  JsonArray *queue;
  gint64 bot_id;
  int status;

  result = rest_call (f, "imbot.v2.Bot.register",
                      "{\"botToken\":\"cli-chat-v2\",\"fields\":{\"code\":\"fetcher\","
                      "\"properties\":{\"name\":\"Fetcher\"}}}");
  bot_id = json_object_get_int_member (json_object_get_object_member (json_node_get_object (result), "bot"), "id");
  g_assert_cmpint (bot_id, >, 0);
  g_assert_cmpint (bot_id, !=, f->bot_id);
  bot_arg = g_strdup_printf ("%" G_GINT64_FORMAT, bot_id);

  status = run_cli (&out, &err, "chat", bot_arg, "hello v2", "--wait", "1", NULL);
  g_assert_cmpint (status, ==, 0);
  lines = g_strsplit (g_strstrip (out), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 1);
  line = parse_line (lines[0]);
  g_assert_cmpstr (json_object_get_string_member (line, "state"), ==, "queued");
  g_assert_cmpstr (json_object_get_string_member (line, "event"), ==, "ONIMBOTV2MESSAGEADD");
  g_assert_cmpint (json_object_get_int_member (line, "bot_id"), ==, bot_id);
  g_assert_cmpint (json_object_get_int_member (line, "delivery_id"), >, 0);
  g_assert_cmpstr (json_object_get_string_member (line, "reason"), ==, "FETCH_QUEUED");
  g_assert_nonnull (strstr (err, "Queued for fetching"));
  g_assert_nonnull (strstr (err, "imbot.v2.Event.get"));
  g_assert_null (strstr (err, "No bot got the event"));

  /* The event waits in the bot's queue; the v1 bot got nothing. */
  json = g_strdup_printf ("{\"botToken\":\"cli-chat-v2\",\"botId\":%" G_GINT64_FORMAT "}", bot_id);
  events = rest_call (f, "imbot.v2.Event.get", json);
  queue = json_object_get_array_member (json_node_get_object (events), "events");
  g_assert_cmpuint (json_array_get_length (queue), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (queue, 0), "type"), ==,
                   "ONIMBOTV2MESSAGEADD");
  g_assert_cmpuint (botbench_test_bot_get_n_events (f->bot), ==, 0);
}

static void
test_handler_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  botbench_test_bot_stop (f->bot);
  status = run_cli (&out, &err, "chat", f->bot_arg, "hello", NULL);
  g_assert_cmpint (status, ==, 1);
  g_assert_cmpstr (g_strstrip (err), ==, "Connection refused");
}

static void
test_wait (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *out1 = NULL;
  g_autofree char *err1 = NULL;
  g_autofree char *out2 = NULL;
  g_autofree char *err2 = NULL;
  gint64 start;
  int status;

  botbench_test_bot_set_delay (f->bot, 2000);

  start = g_get_monotonic_time ();
  status = run_cli (&out1, &err1, "chat", f->bot_arg, "slow", "--wait", "1", NULL);
  g_assert_cmpint (status, ==, 1);
  g_assert_cmpstr (out1, ==, "");
  g_assert_nonnull (strstr (err1, "has not answered within 1 s"));
  /* --wait was honoured: no reply (it comes 2 s after the event), and well
   * before the default 5 s (with room for a slow, sanitized start). */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);

  /* Let the first event's answer go by before the next run. */
  g_assert_true (botbench_test_bot_wait_calls (f->bot, 1, 0));

  status = run_cli (&out2, &err2, "chat", f->bot_arg, "slow again", "--wait", "5", NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out2, "\"echo: slow again\""));
  g_assert_null (strstr (out2, "\"echo: slow\""));
}

static void
test_join (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonObject) reply = NULL;
  int status = run_cli (&out, &err, "chat", f->bot_arg, "--join", "--user", "2", NULL);

  g_assert_cmpint (status, ==, 0);
  reply = parse_line (g_strstrip (out));
  g_assert_cmpstr (json_object_get_string_member (reply, "text"), ==, BOTBENCH_TEST_BOT_WELCOME);
  g_assert_cmpstr (botbench_test_bot_get_event (f->bot, 0), ==, "ONIMBOTJOINCHAT");
}

static gint64
create_chat (Fixture *f)
{
  g_autoptr(BotbenchChatClient) client = botbench_chat_client_new (f->url, NULL);
  g_auto(BotbenchTestResult) r = { NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) answer = NULL;
  gint64 others[] = { 2, 3 };

  botbench_chat_client_create_chat_async (client, "Team", 1, others, G_N_ELEMENTS (others), NULL,
                                          botbench_test_result_cb, &r);
  answer = botbench_chat_client_create_chat_finish (client, botbench_test_result_wait (&r, 0), &error);
  g_assert_no_error (error);
  return json_object_get_int_member (answer, "CHAT_ID");
}

static void
test_group_chat (Fixture       *f,
                 gconstpointer  data)
{
  gint64 chat_id = create_chat (f);
  g_autofree char *chat = g_strdup_printf ("%" G_GINT64_FORMAT, chat_id);
  g_autofree char *mention = g_strdup_printf ("[USER=%" G_GINT64_FORMAT "]Echo[/USER] hi", f->bot_id);
  g_autofree char *out1 = NULL, *err1 = NULL, *out2 = NULL, *err2 = NULL;
  g_autofree char *out3 = NULL, *err3 = NULL, *out4 = NULL, *err4 = NULL;
  g_autoptr(JsonObject) reply = NULL;
  int status;

  /* Not a member yet: a hint to add it. */
  status = run_cli (&out1, &err1, "chat", f->bot_arg, "hello", "--chat", chat, NULL);
  g_assert_cmpint (status, ==, 1);
  g_assert_nonnull (strstr (err1, "--join --chat"));

  status = run_cli (&out2, &err2, "chat", f->bot_arg, "--join", "--chat", chat, NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out2, BOTBENCH_TEST_BOT_WELCOME));

  /* Type B, not mentioned: no event. */
  status = run_cli (&out3, &err3, "chat", f->bot_arg, "hello all", "--chat", chat, "--user", "2", NULL);
  g_assert_cmpint (status, ==, 1);
  g_assert_cmpstr (g_strstrip (err3), ==, "Bot of type B ignores group messages that do not mention it");
  g_assert_cmpstr (out3, ==, "");
  g_assert_cmpuint (botbench_test_bot_get_n_events (f->bot), ==, 1);

  status = run_cli (&out4, &err4, "chat", f->bot_arg, mention, "--chat", chat, "--user", "2", NULL);
  g_assert_cmpint (status, ==, 0);
  reply = parse_line (g_strstrip (out4));
  g_assert_cmpstr (json_object_get_string_member (reply, "text"), ==, "echo: hi");
  g_assert_true (g_str_has_prefix (json_object_get_string_member (reply, "dialog_id"), "chat"));
  g_assert_cmpstr (json_object_get_string_member (reply, "dialog_id") + 4, ==, chat);
}

static void
not_found_cb (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
}

static void
test_not_a_sandbox (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autofree char *url = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  soup_server_add_handler (server, NULL, not_found_cb, NULL, NULL);
  url = g_strdup_printf ("http://127.0.0.1:%u/", botbench_test_serve_loopback (server));
  write_profile ("portal", url, NULL);

  status = run_cli (&out, &err, "--profile", "portal", "chat", f->bot_arg, "hello", NULL);
  g_assert_cmpint (status, ==, 1);
  g_assert_cmpstr (g_strstrip (err), ==, "Profile portal's portal is not a Botbench sandbox: chat needs the sandbox");
}

/* `botbench-cli sandbox` as a process, the test bot in this one. */
static void
test_cli_sandbox (void)
{
  g_autofree char *state_dir = botbench_test_make_tmp_dir ();
  g_autofree char *state = g_build_filename (state_dir, "state.db", NULL);
  g_autoptr(GSubprocess) sandbox = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupSession) http = soup_session_new ();
  g_autoptr(BotbenchTestBot) bot = NULL;
  g_autofree char *line = NULL;
  g_autofree char *url = NULL;
  g_autofree char *webhook = NULL;
  g_autofree char *register_json = NULL;
  g_autofree char *register_url = NULL;
  g_autoptr(GBytes) register_body = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *bot_arg = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(JsonNode) root = NULL;
  const char *secret = "clichatsecret1234";
  int status;

  sandbox = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE, &error,
                              cli_path (), "sandbox", "--port", "0", "--state", state, "--webhook-secret", secret,
                              "--rate-limit", "off", NULL);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (sandbox));

  /* Its first lines say where it listens and its webhook. */
  while (url == NULL || webhook == NULL)
    {
      const char *at;

      g_free (line);
      line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (line);
      if (g_str_has_prefix (line, "inbound webhook: "))
        webhook = g_strdup (line + strlen ("inbound webhook: "));
      else if ((at = strstr (line, "listening on http://")) != NULL)
        {
          g_autoptr(GUri) uri = g_uri_parse (at + strlen ("listening on "), G_URI_FLAGS_NONE, NULL);

          g_assert_nonnull (uri);
          url = g_strdup_printf ("http://127.0.0.1:%d/", g_uri_get_port (uri));
        }
    }

  bot = botbench_test_bot_new (webhook, CLIENT_ID, 0, &error);
  g_assert_no_error (error);
  register_json = g_strdup_printf ("{\"CODE\": \"echo\", \"EVENT_HANDLER\": \"%s\", \"CLIENT_ID\": \"" CLIENT_ID "\","
                                   " \"PROPERTIES\": {\"NAME\": \"Echo\"}}", botbench_test_bot_get_url (bot));
  register_url = g_strconcat (webhook, "imbot.register", NULL);
  msg = soup_message_new ("POST", register_url);
  register_body = g_bytes_new (register_json, strlen (register_json));
  soup_message_set_request_body_from_bytes (msg, "application/json", register_body);
  reply = soup_session_send_and_read (http, msg, NULL, &error);
  g_assert_no_error (error);
  root = json_from_string (g_bytes_get_data (reply, NULL), &error);
  g_assert_no_error (error);
  bot_arg = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (json_node_get_object (root), "result"));

  write_profile ("cli-sandbox", url, NULL);
  status = run_cli (&out, &err, "--profile", "cli-sandbox", "chat", bot_arg, "ping", NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, "\"echo: ping\""));

  g_subprocess_send_signal (sandbox, SIGTERM);
  g_subprocess_wait (sandbox, NULL, NULL);
  botbench_test_rm_rf (state_dir);
}

static guint
free_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  g_socket_bind (socket, address, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* The built-in sandbox profile, nothing listening: the CLI starts the
 * sandbox from its default state for the command. */
static void
test_builtin_sandbox (void)
{
  Fixture fixture = { NULL };
  Fixture *f = &fixture;
  g_autoptr(GError) error = NULL;
  g_autofree char *state = botbench_sandbox_dup_default_state_path ();
  g_autofree char *json = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonNode) result = NULL;
  guint port = free_port ();
  int status;

  /* Once as the app would have left it: a bot registered in the default state. */
  g_assert_true (g_str_has_prefix (state, tmp_home));
  f->sandbox = botbench_sandbox_new ();
  botbench_sandbox_set_port (f->sandbox, port);
  botbench_sandbox_set_state_path (f->sandbox, state);
  botbench_sandbox_start (f->sandbox, &error);
  g_assert_no_error (error);
  f->url = botbench_sandbox_dup_url (f->sandbox);
  f->webhook = botbench_sandbox_dup_webhook_url (f->sandbox);
  f->http = soup_session_new_with_options ("timeout", 30, NULL);
  f->bot = botbench_test_bot_new (f->webhook, CLIENT_ID, 0, &error);
  g_assert_no_error (error);
  json = g_strdup_printf ("{\"CODE\": \"builtin\", \"EVENT_HANDLER\": \"%s\", \"CLIENT_ID\": \"" CLIENT_ID "\","
                          " \"PROPERTIES\": {\"NAME\": \"Builtin\"}}", botbench_test_bot_get_url (f->bot));
  result = rest_call (f, "imbot.register", json);
  f->bot_arg = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (result));
  botbench_sandbox_stop (f->sandbox);
  botbench_test_iterate_pending (0);
  g_clear_object (&f->sandbox);

  write_profile ("Sandbox", f->url, BOTBENCH_PROFILE_SANDBOX_UUID);
  status = run_cli (&out, &err, "chat", f->bot_arg, "are you there", NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, "\"echo: are you there\""));

  g_clear_pointer (&f->bot, botbench_test_bot_free);
  g_clear_object (&f->http);
  g_free (f->url);
  g_free (f->webhook);
  g_free (f->bot_arg);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  /* Profiles (and the default sandbox state) under a temporary home, for
   * this process and the CLI it runs. */
  tmp_home = g_dir_make_tmp ("botbench-cli-chat-XXXXXX", NULL);
  g_setenv ("XDG_CONFIG_HOME", tmp_home, TRUE);
  g_setenv ("XDG_DATA_HOME", tmp_home, TRUE);

  g_test_init (&argc, &argv, NULL);

  g_test_add ("/cli-chat/reply", Fixture, NULL, fixture_setup, test_reply, fixture_teardown);
  g_test_add ("/cli-chat/help-reply-has-rich-parts", Fixture, NULL, fixture_setup, test_help_reply_has_rich_parts,
              fixture_teardown);
  for (guint i = 0; i < G_N_ELEMENTS (usage_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/cli-chat/usage/%s", usage_cases[i].name);

      g_test_add (path, Fixture, &usage_cases[i], fixture_setup, test_usage, fixture_teardown);
    }
  g_test_add ("/cli-chat/status-500", Fixture, NULL, fixture_setup, test_status_500, fixture_teardown);
  g_test_add ("/cli-chat/v2-fetch-queued", Fixture, NULL, fixture_setup, test_v2_fetch_queued, fixture_teardown);
  g_test_add ("/cli-chat/handler-down", Fixture, NULL, fixture_setup, test_handler_down, fixture_teardown);
  g_test_add ("/cli-chat/wait", Fixture, NULL, fixture_setup, test_wait, fixture_teardown);
  g_test_add ("/cli-chat/join", Fixture, NULL, fixture_setup, test_join, fixture_teardown);
  g_test_add ("/cli-chat/group-chat", Fixture, NULL, fixture_setup, test_group_chat, fixture_teardown);
  g_test_add ("/cli-chat/not-a-sandbox", Fixture, NULL, fixture_setup, test_not_a_sandbox, fixture_teardown);
  g_test_add_func ("/cli-chat/cli-sandbox", test_cli_sandbox);
  g_test_add_func ("/cli-chat/builtin-sandbox", test_builtin_sandbox);

  status = g_test_run ();
  botbench_test_rm_rf (tmp_home);
  g_free (tmp_home);
  return status;
}
