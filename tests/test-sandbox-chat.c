/* test-sandbox-chat.c: the sandbox's control API v2 over loopback
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * info, users, chats, chat, the MESSAGE and DELIVERY objects, the
 * recipient rules and delivery records.  Edits, deletions, buttons and the
 * event bodies are in test-sandbox-edits.c; long polling and the state
 * file in test-sandbox-updates.c.
 */
#include "config.h"

#include "sandbox-chat-fixture.h"

/* ------------------------------------------------------------------------ */
/* Helpers                                                                   */

/* "EVENT STATE REASON bot" of each delivery, joined by ";". */
static char *
summarize (JsonArray *deliveries)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (deliveries); i++)
    {
      JsonObject *d = json_array_get_object_element (deliveries, i);

      g_string_append_printf (out, "%s%s %s %s %" G_GINT64_FORMAT, i ? ";" : "",
                              json_object_get_string_member (d, "EVENT"), json_object_get_string_member (d, "STATE"),
                              json_object_get_string_member (d, "REASON"), json_object_get_int_member (d, "BOT_ID"));
    }

  return g_string_free (out, FALSE);
}

static JsonObject *
delivery_by_id (Fixture *f,
                gint64   id)
{
  g_autoptr(JsonObject) updates = control_get (f, "updates?AFTER_REV=0&TIMEOUT=0");
  JsonArray *list = json_object_get_array_member (updates, "DELIVERIES");

  for (guint i = 0; i < json_array_get_length (list); i++)
    if (json_object_get_int_member (json_array_get_object_element (list, i), "ID") == id)
      return json_object_ref (json_array_get_object_element (list, i));

  return NULL;
}

typedef struct
{
  Fixture    *f;
  gint64      id;
  const char *state;
} DeliveryWait;

static gboolean
delivery_in_state (gpointer data)
{
  DeliveryWait *wait = data;
  g_autoptr(JsonObject) d = delivery_by_id (wait->f, wait->id);

  return d != NULL && g_str_equal (json_object_get_string_member (d, "STATE"), wait->state);
}

static JsonObject *
wait_delivery (Fixture    *f,
               gint64      id,
               const char *state)
{
  DeliveryWait wait = { f, id, state };

  wait_polling (delivery_in_state, &wait, state);
  return delivery_by_id (f, id);
}

/* ------------------------------------------------------------------------ */
/* info, users, chats, chat                                                  */

static void
test_info_users (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(JsonObject) info = control_get (f, "info");
  g_autoptr(JsonObject) users = control_get (f, "users");
  JsonArray *list = json_object_get_array_member (users, "USERS");
  JsonObject *anna;

  g_assert_cmpstr (json_object_get_string_member (info, "PRODUCT"), ==, "Botbench sandbox");
  g_assert_cmpstr (json_object_get_string_member (info, "VERSION"), ==, PACKAGE_VERSION);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (info, "DOMAIN"), "127.0.0.1:"));
  g_assert_cmpint (json_object_get_int_member (info, "WEBHOOK_USER"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (info, "REV"), ==, 0);
  /* The OAuth app's auth[application_token]: 32 hex digits. */
  g_assert_cmpuint (strlen (json_object_get_string_member (info, "APPLICATION_TOKEN")), ==, 32);
  g_assert_cmpuint (strspn (json_object_get_string_member (info, "APPLICATION_TOKEN"), "0123456789abcdef"), ==, 32);

  g_assert_cmpuint (json_array_get_length (list), ==, 4);
  anna = json_array_get_object_element (list, 2);
  g_assert_cmpint (json_object_get_int_member (anna, "ID"), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (anna, "NAME"), ==, "Anna Kuznetsova");
  g_assert_cmpstr (json_object_get_string_member (anna, "WORK_POSITION"), ==, "Support");
  g_assert_cmpstr (json_object_get_string_member (anna, "GENDER"), ==, "F");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (list, 3), "FIRST_NAME"),
                   ==, "Pavel");
}

static void
test_chats (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(JsonObject) created = NULL;
  g_autoptr(JsonObject) chats = NULL;
  g_autoptr(JsonObject) other = NULL;
  g_autofree char *json = NULL;
  JsonArray *list, *bots, *members;
  JsonObject *bot, *chat;
  gint64 bot_id, chat_id;

  bot_id = register_bot (f, "app", "helper", "S", NULL);
  rest_int (f, "imbot.command.register",
            "{\"CLIENT_ID\":\"app\",\"BOT_ID\":100,\"COMMAND\":\"help\",\"EVENT_COMMAND_ADD\":\"https://x.example/c\","
            "\"LANG\":[{\"LANGUAGE_ID\":\"de\",\"TITLE\":\"Hilfe\"},{\"LANGUAGE_ID\":\"en\",\"TITLE\":\"Help\","
            "\"PARAMS\":\"topic\"}]}");

  created = control_ok (f, "chat", "{\"TITLE\":\"Team\",\"USER_ID\":2,\"USERS\":[3,\"4\"]}");
  chat_id = json_object_get_int_member (created, "CHAT_ID");
  json = g_strdup_printf ("chat%" G_GINT64_FORMAT, chat_id);
  g_assert_cmpstr (json_object_get_string_member (created, "DIALOG_ID"), ==, json);
  g_assert_cmpint (json_object_get_int_member (created, "REV"), ==, get_rev (f));

  send_message (f, 1, "100", "hello");

  /* User 1: the private dialog, not the team chat */
  chats = control_get (f, "chats?USER_ID=1");
  list = json_object_get_array_member (chats, "CHATS");
  g_assert_cmpuint (json_array_get_length (list), ==, 1);
  chat = json_array_get_object_element (list, 0);
  g_assert_cmpstr (json_object_get_string_member (chat, "DIALOG_ID"), ==, "100");
  g_assert_cmpstr (json_object_get_string_member (chat, "TYPE"), ==, "P");
  g_assert_cmpstr (json_object_get_string_member (chat, "TITLE"), ==, "Bot helper");
  g_assert_cmpint (json_object_get_int_member (chat, "BOT_ID"), ==, bot_id);
  g_assert_cmpint (json_object_get_int_member (chat, "LAST_MESSAGE_ID"), >, 0);
  members = json_object_get_array_member (chat, "MEMBERS");
  g_assert_cmpuint (json_array_get_length (members), ==, 2);
  g_assert_cmpint (json_array_get_int_element (members, 1), ==, bot_id);

  bots = json_object_get_array_member (chats, "BOTS");
  g_assert_cmpuint (json_array_get_length (bots), ==, 1);
  bot = json_array_get_object_element (bots, 0);
  g_assert_cmpstr (json_object_get_string_member (bot, "CODE"), ==, "helper");
  g_assert_cmpstr (json_object_get_string_member (bot, "TYPE"), ==, "S");
  g_assert_true (g_str_has_suffix (json_object_get_string_member (json_object_get_object_member (bot, "HANDLERS"),
                                                                  "ONIMBOTMESSAGEUPDATE"), "bot/helper?CLIENT_ID=app"));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (bot, "HANDLERS"), "ONIMCOMMANDADD"),
                   ==, "https://x.example/c?CLIENT_ID=app");
  {
    JsonObject *command = json_array_get_object_element (json_object_get_array_member (bot, "COMMANDS"), 0);

    g_assert_cmpstr (json_object_get_string_member (command, "COMMAND"), ==, "help");
    g_assert_cmpstr (json_object_get_string_member (command, "TITLE"), ==, "Help");
    g_assert_cmpstr (json_object_get_string_member (command, "PARAMS"), ==, "topic");
  }

  /* User 3: the team chat, ordered by activity after a new dialog */
  send_message (f, 3, "100", "hi");
  other = control_get (f, "chats?USER_ID=3");
  list = json_object_get_array_member (other, "CHATS");
  g_assert_cmpuint (json_array_get_length (list), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (list, 0), "DIALOG_ID"), ==, "100");
  chat = json_array_get_object_element (list, 1);
  g_assert_cmpstr (json_object_get_string_member (chat, "TITLE"), ==, "Team");
  g_assert_cmpstr (json_object_get_string_member (chat, "TYPE"), ==, "C");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (chat, "MEMBERS")), ==, 3);

  /* A default title; bots are refused as members */
  {
    g_autoptr(JsonObject) untitled = control_ok (f, "chat", "{}");
    g_autofree char *title = g_strdup_printf ("Chat %" G_GINT64_FORMAT,
                                              json_object_get_int_member (untitled, "CHAT_ID"));
    g_autoptr(JsonObject) mine = control_get (f, "chats");

    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (mine, "CHATS"), 0),
                                                    "TITLE"), ==, title);
  }
  assert_control_error (f, "chat", "{\"USERS\":\"2,100\"}", 400, "USER_ID_ERROR", "USERS must list portal users, not bots");
  assert_control_error (f, "chat", "{\"USERS\":[\"x\"]}", 400, "USER_ID_ERROR", "USERS must list portal users, not bots");
  assert_control_error (f, "chat", "{\"USERS\":[null,3,[4]]}", 400, "USER_ID_ERROR", "USERS must list portal users, not bots");
  assert_control_error (f, "chat", "{\"USER_ID\":100}", 400, "USER_ID_ERROR", "USER_ID must be a portal user, not a bot");
}

/* ------------------------------------------------------------------------ */
/* Messages and deliveries                                                   */

static void
test_message_objects (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(JsonObject) sent = NULL;
  g_autoptr(JsonObject) user_message = NULL;
  g_autoptr(JsonObject) bot_message = NULL;
  g_autoptr(JsonObject) done = NULL;
  g_autoptr(JsonNode) answer = NULL;
  JsonObject *delivery, *source, *params;
  JsonArray *deliveries;
  gint64 bot_id, message_id, reply_id;

  bot_id = register_bot (f, "app", "echo", "B", NULL);
  f->answer_status = 202;

  sent = control_ok (f, "message", "{\"FROM_USER_ID\":2,\"BOT_ID\":100,\"MESSAGE\":\"Hello [b]bot[/b]\"}");
  message_id = json_object_get_int_member (sent, "MESSAGE_ID");
  g_assert_cmpint (json_object_get_int_member (sent, "REV"), ==, get_rev (f));
  deliveries = json_object_get_array_member (sent, "DELIVERIES");
  g_assert_cmpuint (json_array_get_length (deliveries), ==, 1);
  delivery = json_array_get_object_element (deliveries, 0);
  g_assert_cmpstr (json_object_get_string_member (delivery, "STATE"), ==, "pending");
  g_assert_cmpstr (json_object_get_string_member (delivery, "EVENT"), ==, "ONIMBOTMESSAGEADD");
  g_assert_cmpint (json_object_get_int_member (delivery, "MESSAGE_ID"), ==, message_id);
  g_assert_cmpint (json_object_get_int_member (delivery, "BOT_ID"), ==, bot_id);
  g_assert_true (g_str_has_suffix (json_object_get_string_member (delivery, "URL"), "bot/echo?CLIENT_ID=app"));

  wait_received (f, 1);
  g_assert_cmpstr (botbench_form_node_lookup_string (f->received->pdata[0], "data", "USER", "NAME", NULL),
                   ==, "Dmitry Sokolov");
  done = wait_delivery (f, json_object_get_int_member (delivery, "ID"), "done");
  g_assert_cmpint (json_object_get_int_member (done, "STATUS"), ==, 202);
  g_assert_cmpint (json_object_get_int_member (done, "REV"), >, json_object_get_int_member (delivery, "REV"));
  g_assert_cmpstr (json_object_get_string_member (done, "ERROR"), ==, "");

  /* The bot answers with rich params; secrets of the call are masked. */
  answer = rest_ok (f, "imbot.message.add",
                    "{\"CLIENT_ID\":\"app\",\"BOT_ID\":100,\"DIALOG_ID\":\"2\",\"MESSAGE\":\"[b]Hi[/b]\","
                    "\"ATTACH\":\"[{\\\"MESSAGE\\\":\\\"x\\\"}]\",\"KEYBOARD\":[{\"TEXT\":\"Go\",\"COMMAND\":\"go\"}],"
                    "\"MENU\":[{\"TEXT\":\"m\"}],\"client_secret\":\"s1\",\"MY_TOKEN\":\"t1\"}");
  reply_id = json_node_get_int (answer);

  user_message = find_message (f, "100", 2, message_id);
  g_assert_cmpstr (json_object_get_string_member (user_message, "DIALOG_ID"), ==, "100");
  g_assert_cmpint (json_object_get_int_member (user_message, "AUTHOR_ID"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (user_message, "MESSAGE"), ==, "Hello [b]bot[/b]");
  g_assert_cmpstr (json_object_get_string_member (user_message, "EDITED"), ==, "N");
  g_assert_true (json_object_get_null_member (user_message, "SOURCE"));
  g_assert_true (json_object_get_null_member (user_message, "KEYBOARD"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (user_message, "DELIVERIES")), ==, 1);
  g_assert_true (g_regex_match_simple ("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d[+-]\\d\\d:\\d\\d$",
                                       json_object_get_string_member (user_message, "DATE"), 0, 0));

  bot_message = find_message (f, "100", 2, reply_id);
  g_assert_cmpint (json_object_get_int_member (bot_message, "AUTHOR_ID"), ==, bot_id);
  g_assert_cmpstr (json_object_get_string_member (bot_message, "MESSAGE"), ==, "[b]Hi[/b]");
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_object_get_member (bot_message, "ATTACH")));
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (bot_message, "ATTACH"), 0),
                                                  "MESSAGE"), ==, "x");
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_object_get_member (bot_message, "KEYBOARD")));
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_object_get_member (bot_message, "MENU")));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (bot_message, "DELIVERIES")), ==, 0);
  source = json_object_get_object_member (bot_message, "SOURCE");
  g_assert_cmpstr (json_object_get_string_member (source, "METHOD"), ==, "imbot.message.add");
  g_assert_cmpstr (json_object_get_string_member (source, "AUTH"), ==, "webhook");
  params = json_object_get_object_member (source, "PARAMS");
  g_assert_cmpstr (json_object_get_string_member (params, "CLIENT_SECRET"), ==, "***");
  g_assert_cmpstr (json_object_get_string_member (params, "MY_TOKEN"), ==, "***");
  g_assert_cmpstr (json_object_get_string_member (params, "DIALOG_ID"), ==, "2");
  g_assert_cmpint (f->received->len, ==, 1);   /* bots never get bots' messages */
}

/* A handler nobody listens on: failed, "Connection refused"; 500: done. */
static void
test_delivery_failures (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(JsonObject) sent = NULL;
  g_autoptr(JsonObject) failed = NULL;
  g_autoptr(JsonObject) second = NULL;
  g_autoptr(JsonObject) done = NULL;
  g_autofree char *handlers = g_strdup_printf ("\"EVENT_HANDLER\":\"%s\",", DEAD_HANDLER);

  register_bot (f, "dead", "dead", "B", handlers);
  sent = control_ok (f, "message", "{\"BOT_ID\":100,\"MESSAGE\":\"anyone?\"}");
  failed = wait_delivery (f, json_object_get_int_member (json_array_get_object_element (json_object_get_array_member (sent, "DELIVERIES"), 0), "ID"),
                          "failed");
  g_assert_cmpstr (json_object_get_string_member (failed, "ERROR"), ==, "Connection refused");
  g_assert_cmpint (json_object_get_int_member (failed, "STATUS"), ==, 0);

  register_bot (f, "live", "live", "B", NULL);
  f->answer_status = 500;
  second = control_ok (f, "message", "{\"BOT_ID\":101,\"MESSAGE\":\"boom\"}");
  done = wait_delivery (f, json_object_get_int_member (json_array_get_object_element (json_object_get_array_member (second, "DELIVERIES"), 0), "ID"),
                        "done");
  g_assert_cmpint (json_object_get_int_member (done, "STATUS"), ==, 500);
}

/* Groups: type S members and mentioned bots get messages; type B members
 * not mentioned get a skipped record; no handler, no POST. */
static void
test_recipient_rules (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(JsonObject) chat = control_ok (f, "chat", "{\"TITLE\":\"G\"}");
  g_autoptr(JsonObject) plain = NULL;
  g_autoptr(JsonObject) mention = NULL;
  g_autoptr(JsonObject) edit = NULL;
  g_autoptr(JsonObject) removal = NULL;
  g_autoptr(JsonObject) private_edit = NULL;
  g_autoptr(JsonObject) skipped = NULL;
  g_autofree char *dialog = g_strdup (json_object_get_string_member (chat, "DIALOG_ID"));
  g_autofree char *json = NULL;
  g_autofree char *add_only = g_strdup_printf ("\"EVENT_MESSAGE_ADD\":\"%sbot/n\",\"EVENT_WELCOME_MESSAGE\":\"%sbot/n\","
                                               "\"EVENT_BOT_DELETE\":\"%sbot/n\",",
                                               f->receiver_url, f->receiver_url, f->receiver_url);
  g_autofree char *summary = NULL;
  gint64 message_id;

  register_bot (f, "a1", "bee", "B", NULL);          /* 100 */
  register_bot (f, "a2", "sup", "S", NULL);          /* 101 */
  register_bot (f, "a3", "nohandler", "S", add_only); /* 102 */
  for (gint64 bot = 100; bot <= 102; bot++)
    {
      g_autoptr(JsonObject) joined = NULL;

      g_free (json);
      json = g_strdup_printf ("{\"BOT_ID\":%" G_GINT64_FORMAT ",\"DIALOG_ID\":\"%s\"}", bot, dialog);
      joined = control_ok (f, "join", json);
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (joined, "DELIVERIES")), ==, 1);
    }
  wait_received (f, 3);

  g_free (json);
  json = g_strdup_printf ("{\"DIALOG_ID\":\"%s\",\"MESSAGE\":\"morning\"}", dialog);
  plain = control_ok (f, "message", json);
  summary = summarize (json_object_get_array_member (plain, "DELIVERIES"));
  g_assert_cmpstr (summary, ==, "ONIMBOTMESSAGEADD skipped NOT_MENTIONED 100;"
                                "ONIMBOTMESSAGEADD pending  101;ONIMBOTMESSAGEADD pending  102");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (plain, "DELIVERIES"), 0),
                                                  "REASON_TEXT"), ==,
                   "Bot of type B ignores group messages that do not mention it");
  wait_received (f, 5);

  g_free (json);
  json = g_strdup_printf ("{\"DIALOG_ID\":\"%s\",\"MESSAGE\":\"[USER=100]bee[/USER], hi\"}", dialog);
  mention = control_ok (f, "message", json);
  message_id = json_object_get_int_member (mention, "MESSAGE_ID");
  g_clear_pointer (&summary, g_free);
  summary = summarize (json_object_get_array_member (mention, "DELIVERIES"));
  g_assert_cmpstr (summary, ==, "ONIMBOTMESSAGEADD pending  100;ONIMBOTMESSAGEADD pending  101;"
                                "ONIMBOTMESSAGEADD pending  102");
  wait_received (f, 8);

  /* Edits: the B bot is concerned (mentioned) but not of type S/O; the
   * third bot has no update handler. */
  g_free (json);
  json = g_strdup_printf ("{\"MESSAGE_ID\":%" G_GINT64_FORMAT ",\"MESSAGE\":\"[USER=100]bee[/USER] bye\"}", message_id);
  edit = control_ok (f, "message/update", json);
  g_clear_pointer (&summary, g_free);
  summary = summarize (json_object_get_array_member (edit, "DELIVERIES"));
  g_assert_cmpstr (summary, ==, "ONIMBOTMESSAGEUPDATE skipped NOT_FOR_TYPE 100;ONIMBOTMESSAGEUPDATE pending  101;"
                                "ONIMBOTMESSAGEUPDATE skipped NO_HANDLER 102");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (edit, "DELIVERIES"), 2),
                                                  "REASON_TEXT"), ==,
                   "No handler for ONIMBOTMESSAGEUPDATE (EVENT_MESSAGE_UPDATE is empty)");
  g_assert_cmpint (json_object_get_int_member (edit, "EVENTS"), ==, 1);
  wait_received (f, 9);
  g_assert_cmpstr (botbench_form_node_lookup_string (f->received->pdata[8], "data", "PARAMS", "MESSAGE", NULL),
                   ==, "bye");
  g_assert_cmpstr (botbench_form_node_lookup_string (f->received->pdata[8], "data", "PARAMS", "TO_USER_ID", NULL),
                   ==, "100");

  g_free (json);
  json = g_strdup_printf ("{\"MESSAGE_ID\":%" G_GINT64_FORMAT "}", message_id);
  removal = control_ok (f, "message/delete", json);
  g_clear_pointer (&summary, g_free);
  summary = summarize (json_object_get_array_member (removal, "DELIVERIES"));
  g_assert_cmpstr (summary, ==, "ONIMBOTMESSAGEDELETE skipped NOT_FOR_TYPE 100;ONIMBOTMESSAGEDELETE pending  101;"
                                "ONIMBOTMESSAGEDELETE skipped NO_HANDLER 102");
  wait_received (f, 10);

  /* Private: a B bot gets no edits; the record says why. */
  message_id = send_message (f, 1, "100", "private");
  wait_received (f, 11);
  g_free (json);
  json = g_strdup_printf ("{\"MESSAGE_ID\":%" G_GINT64_FORMAT ",\"MESSAGE\":\"changed\"}", message_id);
  private_edit = control_ok (f, "message/update", json);
  skipped = json_object_ref (json_array_get_object_element (json_object_get_array_member (private_edit, "DELIVERIES"), 0));
  g_assert_cmpstr (json_object_get_string_member (skipped, "REASON"), ==, "NOT_FOR_TYPE");
  g_assert_cmpstr (json_object_get_string_member (skipped, "REASON_TEXT"), ==,
                   "Only bots of type S or O get edits and deletions");
  g_assert_cmpstr (json_object_get_string_member (skipped, "URL"), ==, "");
  g_assert_cmpint (json_object_get_int_member (private_edit, "EVENTS"), ==, 0);

  /* Join without a welcome handler (webhook-mode unregister unbinds the
   * owner's handlers): a skipped record, pointing at the system message
   * that shows the join in the dialog */
  {
    g_autoptr(JsonObject) joined = NULL;
    g_autoptr(JsonNode) gone = NULL;
    JsonObject *record;

    register_bot (f, "a4", "mute", "B", NULL);   /* 103 */
    register_bot (f, "a4", "gone", "B", NULL);   /* 104 */
    gone = rest_ok (f, "imbot.unregister", "{\"CLIENT_ID\":\"a4\",\"BOT_ID\":104}");
    joined = control_ok (f, "join", "{\"BOT_ID\":103}");
    record = json_array_get_object_element (json_object_get_array_member (joined, "DELIVERIES"), 0);
    g_assert_cmpint (json_object_get_int_member (joined, "MESSAGE_ID"), >, 0);
    g_assert_cmpint (json_object_get_int_member (record, "MESSAGE_ID"), ==,
                     json_object_get_int_member (joined, "MESSAGE_ID"));
    g_assert_cmpstr (json_object_get_string_member (record, "EVENT"), ==, "ONIMBOTJOINCHAT");
    g_assert_cmpstr (json_object_get_string_member (record, "STATE"), ==, "skipped");
    g_assert_cmpstr (json_object_get_string_member (record, "REASON"), ==, "NO_HANDLER");
    g_assert_cmpstr (json_object_get_string_member (record, "REASON_TEXT"), ==,
                     "No handler for ONIMBOTJOINCHAT (EVENT_WELCOME_MESSAGE is empty)");
    g_assert_cmpint (json_object_get_int_member (joined, "EVENTS"), ==, 0);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/sandbox-chat/info-users", Fixture, NULL, fixture_setup, test_info_users, fixture_teardown);
  g_test_add ("/sandbox-chat/chats", Fixture, NULL, fixture_setup, test_chats, fixture_teardown);
  g_test_add ("/sandbox-chat/message-objects", Fixture, NULL, fixture_setup, test_message_objects, fixture_teardown);
  g_test_add ("/sandbox-chat/delivery-failures", Fixture, NULL, fixture_setup, test_delivery_failures,
              fixture_teardown);
  g_test_add ("/sandbox-chat/recipient-rules", Fixture, NULL, fixture_setup, test_recipient_rules, fixture_teardown);

  return g_test_run ();
}
