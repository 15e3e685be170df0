/* test-bot-v2-rest.c: the imbot.v2 request bodies BotbenchBot builds, answered by the sandbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Bot.register/get/list/update/unregister and Command.register/list/
 * update/answer/unregister, each body as botbench-bot-v2-json.c builds
 * it, sent to the in-process sandbox; the answers must show the call did
 * what it was built for.
 */
#include "config.h"

#include "botbench-bot-v2.h"
#include "sandbox-v2-fixture.h"

#define TOKEN "rest-token-42"

static JsonObject *
call (Fixture    *f,
      const char *method,
      JsonNode   *body)
{
  g_autofree char *json = json_to_string (body, FALSE);

  return v2_ok (f, method, json);
}

static BotbenchBot *
new_bot (void)
{
  g_autoptr(GError) error = NULL;
  BotbenchBot *bot = botbench_bot_new_from_data ("{\"fields\":{\"code\":\"rest\",\"botToken\":\"" TOKEN "\","
                                                 "\"type\":\"bot\",\"properties\":{\"name\":\"Rest\","
                                                 "\"color\":\"mint\",\"gender\":\"M\"}}}", -1, NULL, &error);

  g_assert_no_error (error);
  return bot;
}

static JsonObject *
find_command (JsonObject *list,
              gint64      id)
{
  JsonArray *commands = json_object_get_array_member (list, "commands");

  for (guint i = 0; i < json_array_get_length (commands); i++)
    {
      JsonObject *command = json_array_get_object_element (commands, i);

      if (json_object_get_int_member (command, "id") == id)
        return command;
    }
  return NULL;
}

static void
test_bot_methods (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(BotbenchBot) bot = new_bot ();
  g_autoptr(BotbenchBot) changed = NULL;
  g_autoptr(BotbenchBot) by_code = NULL;
  g_autoptr(JsonNode) reg = botbench_bot_v2_build_register_body (bot, TRUE);
  g_autoptr(JsonNode) get = NULL, get_code = NULL, list = NULL, update = NULL, unreg = NULL;
  g_autoptr(JsonObject) registered = NULL, got = NULL, got_code = NULL, listed = NULL, updated = NULL;
  g_autoptr(JsonObject) removed = NULL;
  g_autofree char *get_json = NULL;
  JsonObject *user;
  gint64 id;

  registered = call (f, "imbot.v2.Bot.register", reg);
  id = json_object_get_int_member (json_object_get_object_member (registered, "bot"), "id");
  g_assert_cmpint (id, >, 0);
  user = json_array_get_object_element (json_object_get_array_member (registered, "users"), 0);
  g_assert_cmpstr (json_object_get_string_member (user, "name"), ==, "Rest");
  g_assert_cmpstr (json_object_get_string_member (user, "gender"), ==, "M");
  botbench_bot_set_bot_id (bot, id);

  /* get by id, then by code: the owner sees the extended form */
  get = botbench_bot_v2_build_get_body (bot, TRUE);
  got = call (f, "imbot.v2.Bot.get", get);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (got, "bot"), "code"), ==, "rest");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (got, "bot"), "eventMode"), ==,
                   "fetch");
  by_code = botbench_bot_copy (bot);
  botbench_bot_set_bot_id (by_code, 0);
  get_code = botbench_bot_v2_build_get_body (by_code, TRUE);
  got_code = call (f, "imbot.v2.Bot.get", get_code);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (got_code, "bot"), "id"), ==, id);

  list = botbench_bot_v2_build_list_body (TOKEN, 10, 0);
  listed = call (f, "imbot.v2.Bot.list", list);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (listed, "bots")), ==, 1);
  g_assert_false (json_object_get_boolean_member (listed, "hasNextPage"));

  /* update: only the changes; then rotate the token */
  changed = botbench_bot_copy (bot);
  botbench_bot_set_last_name (changed, "Bot");
  botbench_bot_set_is_hidden (changed, TRUE);
  botbench_bot_set_event_mode (changed, "webhook");
  botbench_bot_set_webhook_url (changed, "https://example.com/v2");
  botbench_bot_set_bot_token (changed, "rotated-token");
  update = botbench_bot_v2_build_update_body (bot, changed, TRUE);
  updated = call (f, "imbot.v2.Bot.update", update);
  g_assert_true (json_object_get_boolean_member (json_object_get_object_member (updated, "bot"), "isHidden"));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (updated, "bot"), "eventMode"), ==,
                   "webhook");
  user = json_array_get_object_element (json_object_get_array_member (updated, "users"), 0);
  g_assert_cmpstr (json_object_get_string_member (user, "lastName"), ==, "Bot");
  /* the old token no longer owns it */
  get_json = json_to_string (get, FALSE);
  v2_error (f, "imbot.v2.Bot.unregister", get_json, "BOT_OWNERSHIP_ERROR");

  unreg = botbench_bot_v2_build_unregister_body (changed, TRUE);
  removed = call (f, "imbot.v2.Bot.unregister", unreg);
  g_assert_true (json_object_get_boolean_member (removed, "result"));
  v2_error (f, "imbot.v2.Bot.get", get_json, "BOT_NOT_FOUND");
}

static void
test_command_methods (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(BotbenchBot) bot = new_bot ();
  g_autoptr(BotbenchBotCommand) command = botbench_bot_command_new ("/echo");
  g_autoptr(JsonNode) reg = botbench_bot_v2_build_register_body (bot, TRUE);
  g_autoptr(JsonNode) cmd_reg = NULL, cmd_list = NULL, cmd_update = NULL, answer = NULL, cmd_unreg = NULL;
  g_autoptr(JsonObject) registered = NULL, cmd = NULL, list1 = NULL, list2 = NULL, list3 = NULL;
  g_autoptr(JsonObject) updated = NULL, answered = NULL, removed = NULL, page = NULL;
  g_autofree char *dialog = NULL;
  JsonObject *listed, *event, *payload;
  gint64 bot_id, command_id, message_id;

  registered = call (f, "imbot.v2.Bot.register", reg);
  bot_id = json_object_get_int_member (json_object_get_object_member (registered, "bot"), "id");
  botbench_bot_set_bot_id (bot, bot_id);

  botbench_bot_command_set_lang (command, "en", "Echo back", "text");
  cmd_reg = botbench_bot_v2_build_command_register_body (bot, command, TRUE);
  cmd = call (f, "imbot.v2.Command.register", cmd_reg);
  command_id = json_object_get_int_member (json_object_get_object_member (cmd, "command"), "id");
  g_assert_cmpint (command_id, >, 0);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (cmd, "command"), "command"), ==,
                   "/echo");
  botbench_bot_command_set_command_id (command, command_id);

  cmd_list = botbench_bot_v2_build_command_list_body (bot, TRUE);
  list1 = call (f, "imbot.v2.Command.list", cmd_list);
  listed = find_command (list1, command_id);
  g_assert_nonnull (listed);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (listed, "title"), "en"), ==,
                   "Echo back");

  botbench_bot_command_set_lang (command, "en", "Echo!", "text");
  cmd_update = botbench_bot_v2_build_command_update_body (bot, command, TRUE);
  updated = call (f, "imbot.v2.Command.update", cmd_update);
  list2 = call (f, "imbot.v2.Command.list", cmd_list);
  listed = find_command (list2, command_id);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (listed, "title"), "en"), ==,
                   "Echo!");

  /* A user types the command; the bot answers it */
  dialog = g_strdup_printf ("%" G_GINT64_FORMAT, bot_id);
  send_message (f, 1, dialog, "/echo hi");
  page = v2_events (f, TOKEN, bot_id, NULL);
  g_assert_cmpuint (json_array_get_length (events_of (page)), ==, 1);
  event = json_array_get_object_element (events_of (page), 0);
  g_assert_cmpstr (json_object_get_string_member (event, "type"), ==, "ONIMBOTV2COMMANDADD");
  payload = json_object_get_object_member (event, "data");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (payload, "command"), "id"), ==,
                   command_id);
  message_id = json_object_get_int_member (json_object_get_object_member (payload, "message"), "id");
  answer = botbench_bot_v2_build_command_answer_body (bot, command_id, message_id,
                                                      json_object_get_string_member (
                                                        json_object_get_object_member (payload, "chat"), "dialogId"),
                                                      "Echo: hi", TRUE);
  answered = call (f, "imbot.v2.Command.answer", answer);
  g_assert_true (json_object_get_boolean_member (answered, "result"));

  cmd_unreg = botbench_bot_v2_build_command_unregister_body (bot, command_id, TRUE);
  removed = call (f, "imbot.v2.Command.unregister", cmd_unreg);
  g_assert_true (json_object_get_boolean_member (removed, "result"));
  list3 = call (f, "imbot.v2.Command.list", cmd_list);
  g_assert_null (find_command (list3, command_id));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/bot-v2-rest/bot", Fixture, NULL, fixture_setup, test_bot_methods, fixture_teardown);
  g_test_add ("/bot-v2-rest/command", Fixture, NULL, fixture_setup, test_command_methods, fixture_teardown);

  return g_test_run ();
}
