/* test-sandbox-chat.c: the sandbox's control API v2 over loopback
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * info, users, chats, chat, message/update, message/delete, button, the
 * MESSAGE and DELIVERY objects, the recipient rules and delivery records,
 * the UPDATE/DELETE/COMMANDADD(KEYBOARD) event bodies against the
 * reference's fixtures, imbot.message.update/delete and hostile input.
 * Long polling and the state file are in test-sandbox-updates.c.
 */
#include "config.h"

#include "sandbox-chat-fixture.h"

/* ------------------------------------------------------------------------ */
/* Helpers                                                                   */

static gint64
send_message (Fixture    *f,
              gint64      from,
              const char *dialog,
              const char *text)
{
  g_autofree char *json = g_strdup_printf ("{\"FROM_USER_ID\":%" G_GINT64_FORMAT ",\"DIALOG_ID\":\"%s\","
                                           "\"MESSAGE\":\"%s\"}", from, dialog, text);
  g_autoptr(JsonObject) result = control_ok (f, "message", json);

  return json_object_get_int_member (result, "MESSAGE_ID");
}

static JsonObject *
find_message (Fixture    *f,
              const char *dialog,
              gint64      user_id,
              gint64      id)
{
  g_autofree char *query = g_strdup_printf ("messages?DIALOG_ID=%s&USER_ID=%" G_GINT64_FORMAT, dialog, user_id);
  g_autoptr(JsonObject) result = control_get (f, query);
  JsonArray *messages = json_object_get_array_member (result, "MESSAGES");

  for (guint i = 0; i < json_array_get_length (messages); i++)
    if (json_object_get_int_member (json_array_get_object_element (messages, i), "ID") == id)
      return json_object_ref (json_array_get_object_element (messages, i));

  g_error ("message %" G_GINT64_FORMAT " not in %s", id, dialog);
}

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

/* Key paths of a decoded form, integer keys as "#". */
static void
collect_paths (BotbenchFormNode *node,
               const char       *prefix,
               GString          *out)
{
  for (guint i = 0; i < botbench_form_node_get_n_children (node); i++)
    {
      BotbenchFormNode *child = botbench_form_node_get_child (node, i);
      const char *key = botbench_form_node_child_key_is_int (node, i) ? "#" : botbench_form_node_get_child_key (node, i);
      g_autofree char *path = *prefix ? g_strdup_printf ("%s[%s]", prefix, key) : g_strdup (key);

      if (botbench_form_node_get_node_type (child) == BOTBENCH_FORM_NODE_ARRAY)
        collect_paths (child, path, out);
      else
        g_string_append_printf (out, "%s\n", path);
    }
}

static void
assert_shape (BotbenchFormNode *form,
              const char       *fixture)
{
  g_autoptr(GBytes) bytes = botbench_test_load_fixture (fixture);
  g_autoptr(BotbenchFormNode) expected = botbench_post_decode_urlencoded (g_bytes_get_data (bytes, NULL),
                                                                          g_bytes_get_size (bytes));
  g_autoptr(GString) want = g_string_new (NULL);
  g_autoptr(GString) got = g_string_new (NULL);

  collect_paths (expected, "", want);
  collect_paths (form, "", got);
  g_assert_cmpstr (botbench_form_node_lookup_string (form, "event", NULL), ==, fixture);
  g_assert_cmpstr (got->str, ==, want->str);
}

/* An OAuth token for user_id (authorization code flow). */
static char *
oauth_token (Fixture *f,
             gint64   user_id)
{
  g_autofree char *authorize = NULL;
  g_autofree char *token_url = NULL;
  g_autoptr(JsonNode) code = NULL;
  g_autoptr(JsonNode) token = NULL;
  guint status;

  authorize = g_strdup_printf ("%soauth/authorize/?client_id=%s&user_id=%" G_GINT64_FORMAT,
                               f->url, botbench_sandbox_get_client_id (f->sandbox), user_id);
  code = request (f, "GET", authorize, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  token_url = g_strdup_printf ("%soauth/token/?grant_type=authorization_code&client_id=%s&client_secret=%s&code=%s",
                               f->url, botbench_sandbox_get_client_id (f->sandbox),
                               botbench_sandbox_get_client_secret (f->sandbox),
                               json_object_get_string_member (json_node_get_object (code), "code"));
  token = request (f, "GET", token_url, NULL, &status);
  g_assert_cmpuint (status, ==, 200);

  return g_strdup (json_object_get_string_member (json_node_get_object (token), "access_token"));
}

static JsonNode *
oauth_ok (Fixture    *f,
          const char *token,
          const char *method,
          const char *json)
{
  g_autofree char *url = g_strdup_printf ("%srest/%s?auth=%s", f->url, method, token);
  g_autoptr(JsonNode) reply = NULL;
  guint status;

  reply = request (f, "POST", url, json, &status);
  if (json_object_has_member (json_node_get_object (reply), "error"))
    g_error ("%s: %s", method, json_object_get_string_member (json_node_get_object (reply), "error_description"));
  g_assert_cmpuint (status, ==, 200);

  return json_node_copy (json_object_get_member (json_node_get_object (reply), "result"));
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
   * owner's handlers): a skipped record, MESSAGE_ID 0 */
  {
    g_autoptr(JsonObject) joined = NULL;
    g_autoptr(JsonNode) gone = NULL;
    JsonObject *record;

    register_bot (f, "a4", "mute", "B", NULL);   /* 103 */
    register_bot (f, "a4", "gone", "B", NULL);   /* 104 */
    gone = rest_ok (f, "imbot.unregister", "{\"CLIENT_ID\":\"a4\",\"BOT_ID\":104}");
    joined = control_ok (f, "join", "{\"BOT_ID\":103}");
    record = json_array_get_object_element (json_object_get_array_member (joined, "DELIVERIES"), 0);
    g_assert_cmpint (json_object_get_int_member (record, "MESSAGE_ID"), ==, 0);
    g_assert_cmpstr (json_object_get_string_member (record, "EVENT"), ==, "ONIMBOTJOINCHAT");
    g_assert_cmpstr (json_object_get_string_member (record, "STATE"), ==, "skipped");
    g_assert_cmpstr (json_object_get_string_member (record, "REASON"), ==, "NO_HANDLER");
    g_assert_cmpstr (json_object_get_string_member (record, "REASON_TEXT"), ==,
                     "No handler for ONIMBOTJOINCHAT (EVENT_WELCOME_MESSAGE is empty)");
    g_assert_cmpint (json_object_get_int_member (joined, "EVENTS"), ==, 0);
  }
}

/* ------------------------------------------------------------------------ */
/* Event bodies against the reference (§3.4.3, §3.4.4, §3.4.6)               */

static void
test_event_bodies (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *token = oauth_token (f, 27);
  g_autofree char *body = NULL;
  g_autoptr(JsonNode) bot = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(JsonObject) edit = NULL;
  g_autoptr(JsonObject) pressed = NULL;
  g_autoptr(JsonObject) keyboard_message = NULL;
  g_autoptr(GDateTime) now = NULL;
  BotbenchFormNode *form;
  gint64 bot_id, message_id, command_id;

  body = g_strdup_printf ("{\"CODE\":\"echo_bot\",\"TYPE\":\"S\",\"EVENT_HANDLER\":\"%sbot/events\","
                          "\"PROPERTIES\":{\"NAME\":\"Echo\"}}", f->receiver_url);
  bot = oauth_ok (f, token, "imbot.register", body);
  bot_id = json_node_get_int (bot);
  g_free (body);
  body = g_strdup_printf ("{\"BOT_ID\":%" G_GINT64_FORMAT ",\"COMMAND\":\"echo\",\"EVENT_COMMAND_ADD\":\"%sbot/commands\","
                          "\"LANG\":[{\"LANGUAGE_ID\":\"en\",\"TITLE\":\"Echo\"}]}", bot_id, f->receiver_url);
  json_node_unref (oauth_ok (f, token, "imbot.command.register", body));
  command_id = 1;

  message_id = send_message (f, 27, "100", "How to add an observer?");
  wait_received (f, 1);
  g_free (body);
  body = g_strdup_printf ("{\"FROM_USER_ID\":27,\"MESSAGE_ID\":%" G_GINT64_FORMAT ",\"MESSAGE\":\"How to add an observer to the task?\"}",
                          message_id);
  edit = control_ok (f, "message/update", body);
  g_assert_cmpint (json_object_get_int_member (edit, "MESSAGE_ID"), ==, message_id);
  g_assert_cmpint (json_object_get_int_member (edit, "EVENTS"), ==, 1);
  wait_received (f, 2);
  form = f->received->pdata[1];
  assert_shape (form, "ONIMBOTMESSAGEUPDATE");
  g_assert_cmpstr (botbench_form_node_lookup_string (form, "data", "PARAMS", "MESSAGE", NULL), ==,
                   "How to add an observer to the task?");
  g_assert_cmpstr (botbench_form_node_lookup_string (form, "data", "PARAMS", "DIALOG_ID", NULL), ==, "27");
  g_assert_cmpstr (botbench_form_node_lookup_string (form, "data", "PARAMS", "TO_USER_ID", NULL), ==, "100");
  {
    g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, message_id);

    g_assert_cmpstr (botbench_form_node_lookup_string (form, "data", "PARAMS", "ID", NULL), ==, id);
    g_assert_cmpstr (botbench_form_node_lookup_string (form, "data", "PARAMS", "MESSAGE_ID", NULL), ==, id);
  }

  g_free (body);
  body = g_strdup_printf ("{\"FROM_USER_ID\":27,\"MESSAGE_ID\":%" G_GINT64_FORMAT "}", message_id);
  now = g_date_time_new_now_local ();
  json_object_unref (control_ok (f, "message/delete", body));
  wait_received (f, 3);
  form = f->received->pdata[2];
  assert_shape (form, "ONIMBOTMESSAGEDELETE");
  g_assert_true (g_regex_match_simple ("^Message from \\d\\d/\\d\\d/\\d{4} \\d\\d:\\d\\d:\\d\\d has been deleted$",
                                       botbench_form_node_lookup_string (form, "data", "PARAMS", "MESSAGE", NULL), 0, 0));
  {
    g_autofree char *day = g_date_time_format (now, "Message from %m/%d/%Y ");

    g_assert_true (g_str_has_prefix (botbench_form_node_lookup_string (form, "data", "PARAMS", "MESSAGE", NULL), day));
  }
  {
    g_autoptr(JsonObject) gone = find_message (f, "100", 27, message_id);

    g_assert_cmpstr (json_object_get_string_member (gone, "DELETED"), ==, "Y");
    g_assert_cmpstr (json_object_get_string_member (gone, "MESSAGE"), ==, "");
    g_assert_cmpstr (json_object_get_string_member (gone, "EDITED"), ==, "Y");
  }

  /* A keyboard button runs /echo with COMMAND_CONTEXT=KEYBOARD. */
  g_free (body);
  body = g_strdup_printf ("{\"BOT_ID\":%" G_GINT64_FORMAT ",\"DIALOG_ID\":\"27\",\"MESSAGE\":\"Pick\","
                          "\"KEYBOARD\":[{\"TEXT\":\"A\",\"LINK\":\"https://a.example\"},{\"TYPE\":\"NEWLINE\"},"
                          "{\"TEXT\":\"Echo\",\"COMMAND\":\"echo\",\"COMMAND_PARAMS\":\"test\"}],"
                          "\"refresh_token\":\"r1\"}", bot_id);
  answer = oauth_ok (f, token, "imbot.message.add", body);
  keyboard_message = find_message (f, "100", 27, json_node_get_int (answer));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (keyboard_message, "SOURCE"), "AUTH"),
                   ==, "oauth");
  {
    JsonObject *source_params = json_object_get_object_member (json_object_get_object_member (keyboard_message, "SOURCE"),
                                                               "PARAMS");
    g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), source_params);
    g_autofree char *text = json_to_string (node, FALSE);

    /* The caller's token appears nowhere; a token-like key is masked. */
    g_assert_null (strstr (text, token));
    g_assert_cmpstr (json_object_get_string_member (source_params, "REFRESH_TOKEN"), ==, "***");
    g_assert_cmpstr (json_object_get_string_member (source_params, "MESSAGE"), ==, "Pick");
  }
  g_free (body);
  body = g_strdup_printf ("{\"FROM_USER_ID\":27,\"MESSAGE_ID\":%" G_GINT64_FORMAT ",\"BUTTON\":1}",
                          json_node_get_int (answer));
  pressed = control_ok (f, "button", body);
  g_assert_cmpstr (json_object_get_string_member (pressed, "ACTION"), ==, "COMMAND");
  g_assert_cmpstr (json_object_get_string_member (pressed, "VALUE"), ==, "echo");
  g_assert_cmpint (json_object_get_int_member (pressed, "MESSAGE_ID"), ==, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (pressed, "DELIVERIES")), ==, 1);
  wait_received (f, 4);
  form = f->received->pdata[3];
  assert_shape (form, "ONIMCOMMANDADD");
  g_assert_cmpstr (f->paths->pdata[3], ==, "/bot/commands");
  {
    g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT, command_id);
    g_autofree char *keyboard_id = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (answer));

    g_assert_cmpstr (botbench_form_node_lookup_string (form, "data", "COMMAND", key, "COMMAND_CONTEXT", NULL), ==, "KEYBOARD");
    g_assert_cmpstr (botbench_form_node_lookup_string (form, "data", "COMMAND", key, "COMMAND_PARAMS", NULL), ==, "test");
    g_assert_cmpstr (botbench_form_node_lookup_string (form, "data", "COMMAND", key, "MESSAGE_ID", NULL), ==, keyboard_id);
    g_assert_cmpstr (botbench_form_node_lookup_string (form, "data", "USER", "ID", NULL), ==, "27");
  }
}

/* ------------------------------------------------------------------------ */
/* Buttons                                                                   */

static gint64
keyboard_message (Fixture    *f,
                  const char *keyboard)
{
  g_autofree char *json = g_strdup_printf ("{\"CLIENT_ID\":\"kb\",\"BOT_ID\":100,\"DIALOG_ID\":\"1\","
                                           "\"MESSAGE\":\"Choose\",\"KEYBOARD\":%s}", keyboard);

  return rest_int (f, "imbot.message.add", json);
}

static void
assert_button_error (Fixture    *f,
                     gint64      message_id,
                     const char *button,
                     const char *code,
                     const char *description)
{
  g_autofree char *json = g_strdup_printf ("{\"MESSAGE_ID\":%" G_GINT64_FORMAT ",\"BUTTON\":%s}", message_id, button);

  assert_control_error (f, "button", json, 400, code, description);
}

static void
test_buttons (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(JsonObject) send = NULL;
  g_autoptr(JsonObject) link = NULL;
  g_autoptr(JsonObject) put = NULL;
  g_autoptr(JsonObject) sent_message = NULL;
  g_autofree char *json = NULL;
  gint64 message_id, object_kb, plain_id;

  register_bot (f, "kb", "keys", "B", NULL);
  message_id = keyboard_message (f, "[{\"TEXT\":\"Yes\",\"ACTION\":\"SEND\",\"ACTION_VALUE\":\" yes please \"},"
                                    "{\"TYPE\":\"NEWLINE\"},\"junk\","
                                    "{\"TEXT\":\"Site\",\"LINK\":\"https://example.com\"},"
                                    "{\"TEXT\":\"Put\",\"ACTION\":\"PUT\",\"ACTION_VALUE\":\"/echo \"},"
                                    "{\"TEXT\":\"Off\",\"COMMAND\":\"x\",\"DISABLED\":\"Y\"},"
                                    "{\"TEXT\":\"Missing\",\"COMMAND\":\"nosuch\"},"
                                    "{\"TEXT\":\"Nothing\"}]");

  json = g_strdup_printf ("{\"MESSAGE_ID\":%" G_GINT64_FORMAT ",\"BUTTON\":0}", message_id);
  send = control_ok (f, "button", json);
  g_assert_cmpstr (json_object_get_string_member (send, "ACTION"), ==, "SEND");
  g_assert_cmpstr (json_object_get_string_member (send, "VALUE"), ==, " yes please ");
  g_assert_cmpint (json_object_get_int_member (send, "EVENTS"), ==, 1);
  sent_message = find_message (f, "100", 1, json_object_get_int_member (send, "MESSAGE_ID"));
  g_assert_cmpstr (json_object_get_string_member (sent_message, "MESSAGE"), ==, "yes please");
  g_assert_cmpint (json_object_get_int_member (sent_message, "AUTHOR_ID"), ==, 1);
  wait_received (f, 1);
  g_assert_cmpstr (botbench_form_node_lookup_string (f->received->pdata[0], "data", "PARAMS", "MESSAGE", NULL),
                   ==, "yes please");

  g_free (json);
  json = g_strdup_printf ("{\"MESSAGE_ID\":%" G_GINT64_FORMAT ",\"BUTTON\":\"1\"}", message_id);
  link = control_ok (f, "button", json);
  g_assert_cmpstr (json_object_get_string_member (link, "ACTION"), ==, "LINK");
  g_assert_cmpstr (json_object_get_string_member (link, "VALUE"), ==, "https://example.com");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (link, "DELIVERIES")), ==, 0);

  g_free (json);
  json = g_strdup_printf ("{\"MESSAGE_ID\":%" G_GINT64_FORMAT ",\"BUTTON\":2}", message_id);
  put = control_ok (f, "button", json);
  g_assert_cmpstr (json_object_get_string_member (put, "ACTION"), ==, "PUT");
  g_assert_cmpstr (json_object_get_string_member (put, "VALUE"), ==, "/echo ");
  g_assert_cmpint (json_object_get_int_member (put, "MESSAGE_ID"), ==, 0);

  assert_button_error (f, message_id, "3", "BUTTON_ERROR", "Button is disabled");
  assert_button_error (f, message_id, "4", "COMMAND_ERROR", "Command not found");
  assert_button_error (f, message_id, "5", "BUTTON_ERROR", "The button does nothing");
  assert_button_error (f, message_id, "6", "BUTTON_ERROR", "Button not found");
  assert_button_error (f, message_id, "-1", "BUTTON_ERROR", "Button not found");
  assert_button_error (f, message_id, "99999999999999999999", "BUTTON_ERROR", "Button not found");
  assert_button_error (f, message_id, "\"abc\"", "BUTTON_ERROR", "Button not found");
  assert_button_error (f, message_id, "\"1x\"", "BUTTON_ERROR", "Button not found");
  assert_button_error (f, message_id, "[0]", "BUTTON_ERROR", "Button not found");
  assert_button_error (f, message_id, "null", "BUTTON_ERROR", "Button not found");
  assert_button_error (f, message_id, "1.5", "BUTTON_ERROR", "Button not found");

  /* {BUTTONS: [...]} is a keyboard too; {} is not */
  object_kb = keyboard_message (f, "{\"BUTTONS\":[{\"TEXT\":\"Site\",\"LINK\":\"https://b.example\"}]}");
  g_free (json);
  json = g_strdup_printf ("{\"MESSAGE_ID\":%" G_GINT64_FORMAT ",\"BUTTON\":0}", object_kb);
  json_object_unref (control_ok (f, "button", json));
  assert_button_error (f, keyboard_message (f, "{\"ROWS\":1}"), "0", "KEYBOARD_ERROR", "Incorrect keyboard params");

  /* A message without keyboard; someone else's chat; no message */
  plain_id = send_message (f, 1, "100", "no keys");
  assert_button_error (f, plain_id, "0", "KEYBOARD_ERROR", "The message has no keyboard");
  assert_button_error (f, 424242, "0", "MESSAGE_ID_ERROR", "Message not found");
  g_free (json);
  json = g_strdup_printf ("{\"FROM_USER_ID\":2,\"MESSAGE_ID\":%" G_GINT64_FORMAT ",\"BUTTON\":1}", message_id);
  assert_control_error (f, "button", json, 400, "MESSAGE_ID_ERROR", "Message not found");
}

/* ------------------------------------------------------------------------ */
/* Errors, hostile input, the bots' update/delete                            */

static void
test_edit_errors (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *json = NULL;
  g_autofree char *huge = NULL;
  GString *big = g_string_new ("{\"BOT_ID\":100,\"MESSAGE\":\"");
  gint64 message_id;

  register_bot (f, "e", "edit", "S", NULL);
  message_id = send_message (f, 1, "100", "mine");

  json = g_strdup_printf ("{\"FROM_USER_ID\":2,\"MESSAGE_ID\":%" G_GINT64_FORMAT ",\"MESSAGE\":\"x\"}", message_id);
  assert_control_error (f, "message/update", json, 403, "ACCESS_DENIED", "Only the author can edit a message");
  assert_control_error (f, "message/delete", json, 403, "ACCESS_DENIED", "Only the author can delete a message");
  g_free (json);
  json = g_strdup_printf ("{\"MESSAGE_ID\":%" G_GINT64_FORMAT ",\"MESSAGE\":\"  \"}", message_id);
  assert_control_error (f, "message/update", json, 400, "MESSAGE_EMPTY", "Message can't be empty");
  assert_control_error (f, "message/update", "{\"MESSAGE_ID\":999,\"MESSAGE\":\"x\"}", 400, "MESSAGE_ID_ERROR",
                        "Message not found");
  assert_control_error (f, "message/update", "{\"MESSAGE_ID\":\"abc\",\"MESSAGE\":\"x\"}", 400, "MESSAGE_ID_ERROR",
                        "Message not found");
  assert_control_error (f, "message/delete", "{\"MESSAGE_ID\":{\"a\":1}}", 400, "MESSAGE_ID_ERROR",
                        "Message not found");
  assert_control_error (f, "message/delete", "{}", 400, "MESSAGE_ID_ERROR", "Message not found");

  /* A 1 MB message is refused, not stored */
  g_string_append_len (big, (huge = g_strnfill (1024 * 1024, 'a')), 1024 * 1024);
  g_string_append (big, "\"}");
  assert_control_error (f, "message", big->str, 400, "MESSAGE_TOO_LONG", "Message is too long");
  g_string_free (big, TRUE);

  g_free (json);
  json = g_strdup_printf ("{\"MESSAGE_ID\":%" G_GINT64_FORMAT "}", message_id);
  json_object_unref (control_ok (f, "message/delete", json));
  assert_control_error (f, "message/delete", json, 400, "MESSAGE_ID_ERROR", "Message not found");

  assert_control_error (f, "message/nosuch", "{}", 404, "ERROR_METHOD_NOT_FOUND", "Method not found!");
}

static void
test_bot_update_delete (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(JsonObject) before = NULL;
  g_autoptr(JsonObject) after = NULL;
  g_autoptr(JsonObject) gone = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *json = NULL;
  gint64 user_message, bot_message;
  guint n_received;
  guint status;

  register_bot (f, "r", "rest", "S", NULL);
  register_bot (f, "other", "other", "S", NULL);
  user_message = send_message (f, 1, "100", "question");
  wait_received (f, 1);
  bot_message = rest_int (f, "imbot.message.add",
                          "{\"CLIENT_ID\":\"r\",\"BOT_ID\":100,\"DIALOG_ID\":\"1\",\"MESSAGE\":\"answer\","
                          "\"KEYBOARD\":[{\"TEXT\":\"a\",\"COMMAND\":\"a\"}],\"ATTACH\":[{\"MESSAGE\":\"m\"}]}");
  before = find_message (f, "100", 1, bot_message);
  n_received = f->received->len;

  json = g_strdup_printf ("{\"CLIENT_ID\":\"r\",\"BOT_ID\":100,\"MESSAGE_ID\":%" G_GINT64_FORMAT ","
                          "\"MESSAGE\":\"better answer\",\"KEYBOARD\":\"N\",\"access_token\":\"tok\"}", bot_message);
  reply = rest_ok (f, "imbot.message.update", json);
  g_assert_true (json_node_get_boolean (reply));
  after = find_message (f, "100", 1, bot_message);
  g_assert_cmpstr (json_object_get_string_member (after, "MESSAGE"), ==, "better answer");
  g_assert_cmpstr (json_object_get_string_member (after, "EDITED"), ==, "Y");
  g_assert_true (json_object_get_null_member (after, "KEYBOARD"));
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_object_get_member (after, "ATTACH")));
  g_assert_cmpint (json_object_get_int_member (after, "REV"), >, json_object_get_int_member (before, "REV"));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (after, "SOURCE"), "METHOD"),
                   ==, "imbot.message.update");

  /* Not its own: the user's message, another bot's; no message; bad KEYBOARD */
  g_free (json);
  json = g_strdup_printf ("{\"CLIENT_ID\":\"r\",\"BOT_ID\":100,\"MESSAGE_ID\":%" G_GINT64_FORMAT ",\"MESSAGE\":\"x\"}",
                          user_message);
  g_clear_pointer (&reply, json_node_unref);
  reply = rest_raw (f, "imbot.message.update", json, &status);
  assert_error (reply, status, 403, "ACCESS_DENIED", "A bot can change only its own messages");
  g_free (json);
  json = g_strdup_printf ("{\"CLIENT_ID\":\"other\",\"BOT_ID\":101,\"MESSAGE_ID\":%" G_GINT64_FORMAT "}", bot_message);
  g_clear_pointer (&reply, json_node_unref);
  reply = rest_raw (f, "imbot.message.delete", json, &status);
  assert_error (reply, status, 403, "ACCESS_DENIED", "A bot can change only its own messages");
  g_clear_pointer (&reply, json_node_unref);
  reply = rest_raw (f, "imbot.message.delete", "{\"CLIENT_ID\":\"r\",\"BOT_ID\":100,\"MESSAGE_ID\":777}", &status);
  assert_error (reply, status, 400, "MESSAGE_ID_ERROR", "Message not found");
  g_free (json);
  json = g_strdup_printf ("{\"CLIENT_ID\":\"r\",\"BOT_ID\":100,\"MESSAGE_ID\":%" G_GINT64_FORMAT ",\"KEYBOARD\":\"nope\"}",
                          bot_message);
  g_clear_pointer (&reply, json_node_unref);
  reply = rest_raw (f, "imbot.message.update", json, &status);
  assert_error (reply, status, 400, "KEYBOARD_ERROR", "Incorrect keyboard params");

  g_free (json);
  json = g_strdup_printf ("{\"CLIENT_ID\":\"r\",\"BOT_ID\":100,\"MESSAGE_ID\":%" G_GINT64_FORMAT ",\"COMPLETE\":\"Y\"}",
                          bot_message);
  g_clear_pointer (&reply, json_node_unref);
  reply = rest_ok (f, "imbot.message.delete", json);
  g_assert_true (json_node_get_boolean (reply));
  gone = find_message (f, "100", 1, bot_message);
  g_assert_cmpstr (json_object_get_string_member (gone, "DELETED"), ==, "Y");
  g_assert_cmpstr (json_object_get_string_member (gone, "MESSAGE"), ==, "");
  g_assert_true (json_object_get_null_member (gone, "ATTACH"));

  /* Bots' changes deliver nothing. */
  botbench_test_iterate_pending (0);
  g_assert_cmpuint (f->received->len, ==, n_received);
}

/* The command answer remembers the command and the message it answers. */
static void
test_command_answer (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(JsonObject) sent = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autofree char *json = NULL;
  gint64 command_id, message_id, answer_id;

  register_bot (f, "c", "cmd", "B", NULL);
  command_id = rest_int (f, "imbot.command.register",
                         "{\"CLIENT_ID\":\"c\",\"BOT_ID\":100,\"COMMAND\":\"echo\",\"EVENT_COMMAND_ADD\":\"https://x.example/c\","
                         "\"LANG\":[{\"LANGUAGE_ID\":\"en\",\"TITLE\":\"Echo\"}]}");
  sent = control_ok (f, "message", "{\"DIALOG_ID\":\"100\",\"MESSAGE\":\"/echo hi\"}");
  message_id = json_object_get_int_member (sent, "MESSAGE_ID");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (sent, "DELIVERIES"), 0),
                                                  "EVENT"), ==, "ONIMCOMMANDADD");
  json = g_strdup_printf ("{\"CLIENT_ID\":\"c\",\"COMMAND_ID\":%" G_GINT64_FORMAT ",\"MESSAGE_ID\":%" G_GINT64_FORMAT ","
                          "\"MESSAGE\":\"hi\"}", command_id, message_id);
  answer_id = rest_int (f, "imbot.command.answer", json);
  answer = find_message (f, "100", 1, answer_id);
  g_assert_cmpint (json_object_get_int_member (answer, "COMMAND_ID"), ==, command_id);
  g_assert_cmpint (json_object_get_int_member (answer, "REPLY_TO"), ==, message_id);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (answer, "SOURCE"), "METHOD"),
                   ==, "imbot.command.answer");
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
  g_test_add ("/sandbox-chat/event-bodies", Fixture, NULL, fixture_setup, test_event_bodies, fixture_teardown);
  g_test_add ("/sandbox-chat/buttons", Fixture, NULL, fixture_setup, test_buttons, fixture_teardown);
  g_test_add ("/sandbox-chat/edit-errors", Fixture, NULL, fixture_setup, test_edit_errors, fixture_teardown);
  g_test_add ("/sandbox-chat/bot-update-delete", Fixture, NULL, fixture_setup, test_bot_update_delete,
              fixture_teardown);
  g_test_add ("/sandbox-chat/command-answer", Fixture, NULL, fixture_setup, test_command_answer, fixture_teardown);

  return g_test_run ();
}
