/* test-sandbox-edits.c: edits, deletions and buttons through the sandbox's control API
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * message/update, message/delete and button as a portal user, their
 * ONIMBOTMESSAGEUPDATE / ONIMBOTMESSAGEDELETE / ONIMCOMMANDADD(KEYBOARD)
 * bodies key by key against the reference's fixtures (§3.4.3, §3.4.4,
 * §3.4.6), imbot.message.update/delete, imbot.command.answer, and hostile
 * input (BUTTON, MESSAGE_ID, KEYBOARD, a 1 MB MESSAGE).
 */
#include "config.h"

#include "sandbox-chat-fixture.h"

/* ------------------------------------------------------------------------ */
/* Helpers                                                                   */

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

  g_test_add ("/sandbox-edits/event-bodies", Fixture, NULL, fixture_setup, test_event_bodies, fixture_teardown);
  g_test_add ("/sandbox-edits/buttons", Fixture, NULL, fixture_setup, test_buttons, fixture_teardown);
  g_test_add ("/sandbox-edits/edit-errors", Fixture, NULL, fixture_setup, test_edit_errors, fixture_teardown);
  g_test_add ("/sandbox-edits/bot-update-delete", Fixture, NULL, fixture_setup, test_bot_update_delete,
              fixture_teardown);
  g_test_add ("/sandbox-edits/command-answer", Fixture, NULL, fixture_setup, test_command_answer, fixture_teardown);

  return g_test_run ();
}
