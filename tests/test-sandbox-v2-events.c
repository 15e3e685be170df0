/* test-sandbox-v2-events.c: ONIMBOTV2* events, imbot.v2.Event.get and Chat.Message.* in the sandbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Against reference v2 §3 and §6 items 14–21: the portal-wide event id,
 * destructive acknowledgement by offset and re-delivery, limit clamping,
 * hasMore on an exactly full page, 24 h retention (a test clock), the §3.3
 * payloads of user actions for fetch bots, the §3.4 form POSTs for webhook
 * bots (v1 bots keep their v1 events), and the bot's own messages.
 */
#include "config.h"

#include "sandbox-v2-fixture.h"

/* TRUE if the NULL-terminated key path exists in form (leaf or array). */
static gboolean
form_has (BotbenchFormNode *form,
          const char       *first_key,
          ...)
{
  BotbenchFormNode *node = form;
  va_list args;

  va_start (args, first_key);
  for (const char *key = first_key; key != NULL && node != NULL; key = va_arg (args, const char *))
    node = botbench_form_node_lookup (node, key);
  va_end (args);

  return node != NULL;
}

static gint64
user_writes (Fixture    *f,
             gint64      from,
             const char *dialog,
             const char *text)
{
  return send_message (f, from, dialog, text);
}

static void
write_to_bot (Fixture *f,
              gint64   bot_id,
              guint    n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *dialog = g_strdup_printf ("%" G_GINT64_FORMAT, bot_id);
      g_autofree char *text = g_strdup_printf ("message %u", i);

      user_writes (f, 1, dialog, text);
    }
}

/* A REST call whose result must be a boolean: the boolean. */
static gboolean
rest_ok_bool (Fixture    *f,
              const char *method,
              const char *json)
{
  g_autoptr(JsonNode) result = rest_ok (f, method, json);

  g_assert_true (JSON_NODE_HOLDS_VALUE (result));
  return json_node_get_boolean (result);
}

/* The length of the array member of a control GET's result. */
static guint
control_count (Fixture    *f,
               const char *query,
               const char *member)
{
  g_autoptr(JsonObject) result = control_get (f, query);

  return json_array_get_length (json_object_get_array_member (result, member));
}

static gint64
queued (Fixture *f,
        gint64   bot_id)
{
  g_autofree char *query = g_strdup_printf ("v2/events?BOT_ID=%" G_GINT64_FORMAT, bot_id);

  return control_count (f, query, "EVENTS");
}

/* ------------------------------------------------------------------------ */
/* Event.get, §3.2                                                           */

static void
test_offsets (Fixture       *f,
              gconstpointer  data)
{
  gint64 a = v2_register (f, "ta", "a", "");
  gint64 b = v2_register (f, "tb", "b", "");
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(JsonObject) again = NULL;
  g_autoptr(JsonObject) acked = NULL;
  g_autoptr(JsonObject) empty = NULL;
  g_autofree char *extra = NULL;
  gint64 a1, a2;

  /* An empty first call answers nextOffset 0. */
  empty = v2_events (f, "ta", a, NULL);
  g_assert_cmpuint (json_array_get_length (events_of (empty)), ==, 0);
  g_assert_cmpint (json_object_get_int_member (empty, "nextOffset"), ==, 0);
  g_assert_false (json_object_get_boolean_member (empty, "hasMore"));

  write_to_bot (f, a, 1);
  write_to_bot (f, b, 1);
  write_to_bot (f, a, 1);

  first = v2_events (f, "ta", a, NULL);
  g_assert_cmpuint (json_array_get_length (events_of (first)), ==, 2);
  a1 = event_id_at (first, 0);
  a2 = event_id_at (first, 1);
  /* One id sequence for the whole portal: b's event sits between a's. */
  g_assert_cmpint (a2, ==, a1 + 2);
  g_assert_cmpint (json_object_get_int_member (first, "nextOffset"), ==, a2 + 1);
  g_assert_false (json_object_get_boolean_member (first, "hasMore"));
  {
    g_autoptr(JsonObject) other = v2_events (f, "tb", b, NULL);

    g_assert_cmpint (event_id_at (other, 0), ==, a1 + 1);
  }

  /* Not acknowledged: the same events again. */
  again = v2_events (f, "ta", a, ",\"offset\":0");
  g_assert_cmpuint (json_array_get_length (events_of (again)), ==, 2);
  g_assert_cmpint (event_id_at (again, 0), ==, a1);

  /* offset = eventId acknowledges only what is below it (§7 item 6). */
  extra = g_strdup_printf (",\"offset\":%" G_GINT64_FORMAT, a2);
  acked = v2_events (f, "ta", a, extra);
  g_assert_cmpuint (json_array_get_length (events_of (acked)), ==, 1);
  g_assert_cmpint (event_id_at (acked, 0), ==, a2);
  g_assert_cmpint (queued (f, a), ==, 1);

  /* nextOffset acknowledges the rest; the answer keeps the offset sent. */
  g_free (extra);
  extra = g_strdup_printf (",\"offset\":%" G_GINT64_FORMAT, a2 + 1);
  g_clear_pointer (&empty, json_object_unref);
  empty = v2_events (f, "ta", a, extra);
  g_assert_cmpuint (json_array_get_length (events_of (empty)), ==, 0);
  g_assert_cmpint (json_object_get_int_member (empty, "nextOffset"), ==, a2 + 1);
  g_assert_cmpint (queued (f, a), ==, 0);
  /* b's queue was untouched by a's acknowledgements. */
  g_assert_cmpint (queued (f, b), ==, 1);

  /* An offset beyond the newest id drops everything queued. */
  write_to_bot (f, a, 2);
  g_clear_pointer (&empty, json_object_unref);
  g_free (extra);
  extra = g_strdup_printf (",\"offset\":%" G_GINT64_FORMAT, a2 + 1000000);
  empty = v2_events (f, "ta", a, extra);
  g_assert_cmpuint (json_array_get_length (events_of (empty)), ==, 0);
  g_assert_cmpint (json_object_get_int_member (empty, "nextOffset"), ==, a2 + 1000000);
  g_assert_cmpint (queued (f, a), ==, 0);

  /* Ids are never reused after deletion. */
  write_to_bot (f, a, 1);
  g_clear_pointer (&first, json_object_unref);
  first = v2_events (f, "ta", a, NULL);
  g_assert_cmpint (event_id_at (first, 0), >, a2 + 1);
}

/* A fresh sandbox (in memory, or a deleted state file) on the same URL as an
 * earlier one: its event ids start above every id the earlier one gave out,
 * as a real portal's never repeat, so the offset a fetcher kept for (portal,
 * bot id) neither deletes nor hides the new portal's events, and (portal,
 * bot, event id) names one event.  A kept state file keeps its counter. */
static void
restart (Fixture    *f,
         const char *state_path,
         guint       port)
{
  botbench_sandbox_stop (f->sandbox);
  botbench_test_iterate_pending (0);
  g_assert_finalize_object (g_steal_pointer (&f->sandbox));
  f->sandbox = botbench_sandbox_new ();
  botbench_sandbox_set_port (f->sandbox, port);
  botbench_sandbox_set_state_path (f->sandbox, state_path);
  botbench_sandbox_set_rate_limit (f->sandbox, FALSE);
  botbench_sandbox_set_bot_limit (f->sandbox, 0);
  fixture_start (f);
  g_assert_cmpuint (botbench_sandbox_get_bound_port (f->sandbox), ==, port);
}

static void
test_fresh_restart (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(JsonObject) second = NULL;
  g_autoptr(JsonObject) third = NULL;
  g_autoptr(JsonObject) control = NULL;
  g_autofree char *old_url = NULL;
  g_autofree char *extra = NULL;
  g_autofree char *query = NULL;
  gint64 bot, bot2, first_last, kept_offset;
  guint port;

  botbench_sandbox_set_state_path (f->sandbox, NULL);
  fixture_start (f);
  port = botbench_sandbox_get_bound_port (f->sandbox);
  old_url = g_strdup (f->url);

  bot = v2_register (f, "ta", "a", "");
  write_to_bot (f, bot, 2);
  first = v2_events (f, "ta", bot, NULL);
  g_assert_cmpuint (json_array_get_length (events_of (first)), ==, 2);
  first_last = event_id_at (first, 1);
  kept_offset = json_object_get_int_member (first, "nextOffset");
  g_assert_cmpint (kept_offset, ==, first_last + 1);

  /* A second fresh portal on the same URL: the same bot id comes back... */
  restart (f, NULL, port);
  g_assert_cmpstr (f->url, ==, old_url);
  bot2 = v2_register (f, "ta", "a", "");
  g_assert_cmpint (bot2, ==, bot);
  /* ...but its counter starts above the earlier portal's ids. */
  query = g_strdup_printf ("v2/events?BOT_ID=%" G_GINT64_FORMAT, bot2);
  control = control_get (f, query);
  g_assert_cmpint (json_object_get_int_member (control, "LAST_EVENT_ID"), >=, first_last);
  write_to_bot (f, bot2, 1);
  /* The offset the fetcher kept acknowledges nothing of the new portal. */
  extra = g_strdup_printf (",\"offset\":%" G_GINT64_FORMAT, kept_offset);
  second = v2_events (f, "ta", bot2, extra);
  g_assert_cmpuint (json_array_get_length (events_of (second)), ==, 1);
  g_assert_cmpint (event_id_at (second, 0), >, first_last);
  g_assert_cmpint (queued (f, bot2), ==, 1);

  /* A state file keeps its counter across restarts (no new base). */
  restart (f, f->state_path, port);
  bot = v2_register (f, "tc", "c", "");
  write_to_bot (f, bot, 1);
  g_clear_pointer (&first, json_object_unref);
  first = v2_events (f, "tc", bot, NULL);
  first_last = event_id_at (first, 0);
  restart (f, f->state_path, port);
  write_to_bot (f, bot, 1);
  third = v2_events (f, "tc", bot, NULL);
  g_assert_cmpuint (json_array_get_length (events_of (third)), ==, 2);
  g_assert_cmpint (event_id_at (third, 0), ==, first_last);
  g_assert_cmpint (event_id_at (third, 1), ==, first_last + 1);
}

static void
test_limits (Fixture       *f,
             gconstpointer  data)
{
  gint64 bot = v2_register (f, "lim", "lim", "");
  g_autoptr(JsonObject) page = NULL;
  g_autofree char *extra = NULL;

  write_to_bot (f, bot, 3);

  /* hasMore = returned >= limit: true on an exactly full page */
  page = v2_events (f, "lim", bot, ",\"limit\":3");
  g_assert_cmpuint (json_array_get_length (events_of (page)), ==, 3);
  g_assert_true (json_object_get_boolean_member (page, "hasMore"));
  extra = g_strdup_printf (",\"limit\":3,\"offset\":%" G_GINT64_FORMAT, json_object_get_int_member (page, "nextOffset"));
  g_clear_pointer (&page, json_object_unref);
  page = v2_events (f, "lim", bot, extra);
  g_assert_cmpuint (json_array_get_length (events_of (page)), ==, 0);
  g_assert_false (json_object_get_boolean_member (page, "hasMore"));

  /* limit below 1 is 1 */
  write_to_bot (f, bot, 2);
  g_clear_pointer (&page, json_object_unref);
  page = v2_events (f, "lim", bot, ",\"limit\":0");
  g_assert_cmpuint (json_array_get_length (events_of (page)), ==, 1);
  g_assert_true (json_object_get_boolean_member (page, "hasMore"));
  g_clear_pointer (&page, json_object_unref);
  page = v2_events (f, "lim", bot, ",\"limit\":-7");
  g_assert_cmpuint (json_array_get_length (events_of (page)), ==, 1);
  g_clear_pointer (&page, json_object_unref);
  page = v2_events (f, "lim", bot, ",\"limit\":\"2\"");
  g_assert_cmpuint (json_array_get_length (events_of (page)), ==, 2);
  g_assert_true (json_object_get_boolean_member (page, "hasMore"));
}

static void
test_limit_clamp (Fixture       *f,
                  gconstpointer  data)
{
  gint64 bot = v2_register (f, "many", "many", "");
  g_autoptr(JsonObject) page = NULL;
  g_autofree char *extra = NULL;

  /* 1001 events; the default limit is 100, the largest 1000. */
  write_to_bot (f, bot, 1001);
  page = v2_events (f, "many", bot, NULL);
  g_assert_cmpuint (json_array_get_length (events_of (page)), ==, 100);
  g_assert_true (json_object_get_boolean_member (page, "hasMore"));
  g_clear_pointer (&page, json_object_unref);
  page = v2_events (f, "many", bot, ",\"limit\":5000");
  g_assert_cmpuint (json_array_get_length (events_of (page)), ==, 1000);
  g_assert_true (json_object_get_boolean_member (page, "hasMore"));
  extra = g_strdup_printf (",\"limit\":5000,\"offset\":%" G_GINT64_FORMAT, json_object_get_int_member (page, "nextOffset"));
  g_clear_pointer (&page, json_object_unref);
  page = v2_events (f, "many", bot, extra);
  g_assert_cmpuint (json_array_get_length (events_of (page)), ==, 1);
  g_assert_false (json_object_get_boolean_member (page, "hasMore"));
}

static void
test_retention (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(JsonObject) page = NULL;
  gint64 bot;

  g_atomic_int_set (&test_clock_offset, 0);
  _botbench_sandbox_set_clock (f->sandbox, test_clock, NULL);
  fixture_start (f);
  bot = v2_register (f, "old", "old", "");

  write_to_bot (f, bot, 1);
  test_clock_advance (23 * 3600);
  write_to_bot (f, bot, 1);
  /* Nothing read yet: after 24 h the first goes, read or not. */
  test_clock_advance (3600 + 1);
  page = v2_events (f, "old", bot, NULL);
  g_assert_cmpuint (json_array_get_length (events_of (page)), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (
                     json_object_get_object_member (json_array_get_object_element (events_of (page), 0), "data"),
                     "message"), "text"), ==, "message 0");
  g_assert_cmpint (queued (f, bot), ==, 1);
  test_clock_advance (23 * 3600);
  g_assert_cmpint (queued (f, bot), ==, 0);
}

/* The same through the control API's clock, as a process outside the
 * test's address space would do it. */
static void
test_retention_control (Fixture       *f,
                        gconstpointer  data)
{
  gint64 bot = v2_register (f, "old", "old", "");
  g_autoptr(JsonObject) moved = NULL;
  gint64 before = g_get_real_time () / G_USEC_PER_SEC;

  write_to_bot (f, bot, 1);
  assert_control_error (f, "clock", "{\"ADVANCE\":-1}", 400, "ADVANCE_ERROR",
                        "ADVANCE must be 0 or more seconds (at most 100 years)");
  moved = control_ok (f, "clock", "{\"ADVANCE\":86000}");
  g_assert_cmpint (json_object_get_int_member (moved, "OFFSET"), ==, 86000);
  g_assert_cmpint (json_object_get_int_member (moved, "NOW"), >=, before + 86000);
  g_assert_cmpint (queued (f, bot), ==, 1);
  g_clear_pointer (&moved, json_object_unref);
  moved = control_ok (f, "clock", "{\"ADVANCE\":401}");
  g_assert_cmpint (queued (f, bot), ==, 0);
}

static void
test_user_events_errors (Fixture       *f,
                         gconstpointer  data)
{
  gint64 bot = v2_register (f, "ue", "ue", "");

  g_autofree char *json = g_strdup_printf ("{\"botToken\":\"ue\",\"botId\":%" G_GINT64_FORMAT ",\"withUserEvents\":true}", bot);

  /* The webhook's scope is imbot only */
  v2_error (f, "imbot.v2.Event.get", json, "SCOPE_ERROR");
}

static void
test_user_events_subscribe (Fixture       *f,
                            gconstpointer  data)
{
  gint64 bot;
  g_autofree char *json = NULL;

  botbench_sandbox_set_scope (f->sandbox, "imbot,im");
  fixture_start (f);
  bot = v2_register (f, "ue", "ue", "");
  json = g_strdup_printf ("{\"botToken\":\"ue\",\"botId\":%" G_GINT64_FORMAT ",\"withUserEvents\":\"Y\"}", bot);
  v2_error (f, "imbot.v2.Event.get", json, "USER_NOT_SUBSCRIBED");
}

/* ------------------------------------------------------------------------ */
/* §3.3 payloads of user actions for fetch bots                              */

static JsonObject *
only_event (Fixture    *f,
            const char *token,
            gint64      bot_id,
            const char *type)
{
  g_autoptr(JsonObject) page = v2_events (f, token, bot_id, NULL);
  g_autofree char *extra = NULL;
  JsonObject *event;

  g_assert_cmpuint (json_array_get_length (events_of (page)), ==, 1);
  event = json_array_get_object_element (events_of (page), 0);
  g_assert_cmpstr (json_object_get_string_member (event, "type"), ==, type);
  g_assert_true (g_regex_match_simple ("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d[+-]\\d\\d:\\d\\d$",
                                       json_object_get_string_member (event, "date"), 0, 0));
  /* acknowledge it */
  extra = g_strdup_printf (",\"offset\":%" G_GINT64_FORMAT, json_object_get_int_member (page, "nextOffset"));
  json_object_unref (v2_events (f, token, bot_id, extra));

  return json_object_ref (json_object_get_object_member (event, "data"));
}

static void
test_payloads (Fixture       *f,
               gconstpointer  data)
{
  gint64 bot = v2_register (f, "pay", "pay", "");
  gint64 watcher = v2_register (f, "watch", "watch", ",\"type\":\"supervisor\"");
  g_autofree char *dialog = g_strdup_printf ("%" G_GINT64_FORMAT, bot);
  g_autofree char *json = NULL;
  g_autofree char *mention = NULL;
  g_autoptr(JsonObject) payload = NULL;
  JsonObject *message, *chat, *user, *bot_object;
  gint64 message_id;

  /* Private message */
  message_id = user_writes (f, 27, dialog, "Hello bot!");
  payload = only_event (f, "pay", bot, "ONIMBOTV2MESSAGEADD");
  bot_object = json_object_get_object_member (payload, "bot");
  g_assert_cmpint (json_object_get_int_member (bot_object, "id"), ==, bot);
  g_assert_cmpstr (json_object_get_string_member (bot_object, "eventMode"), ==, "fetch");
  g_assert_cmpint (json_object_get_int_member (bot_object, "countUser"), ==, 1);
  message = json_object_get_object_member (payload, "message");
  g_assert_cmpint (json_object_get_int_member (message, "id"), ==, message_id);
  g_assert_cmpint (json_object_get_int_member (message, "authorId"), ==, 27);
  g_assert_cmpstr (json_object_get_string_member (message, "text"), ==, "Hello bot!");
  g_assert_false (json_object_get_boolean_member (message, "isSystem"));
  g_assert_true (json_object_get_null_member (message, "forward"));
  chat = json_object_get_object_member (payload, "chat");
  /* dialogId as the bot sees it: the user */
  g_assert_cmpstr (json_object_get_string_member (chat, "dialogId"), ==, "27");
  g_assert_cmpstr (json_object_get_string_member (chat, "type"), ==, "private");
  g_assert_cmpint (json_object_get_int_member (chat, "id"), ==, json_object_get_int_member (message, "chatId"));
  user = json_object_get_object_member (payload, "user");
  g_assert_cmpint (json_object_get_int_member (user, "id"), ==, 27);
  g_assert_false (json_object_get_boolean_member (user, "bot"));
  g_assert_cmpstr (json_object_get_string_member (payload, "language"), ==, "en");
  /* The supervisor is not in this dialog */
  g_assert_cmpint (queued (f, watcher), ==, 0);

  /* Edit and delete of that message */
  g_free (json);
  json = g_strdup_printf ("{\"FROM_USER_ID\":27,\"MESSAGE_ID\":%" G_GINT64_FORMAT ",\"MESSAGE\":\"Hello again\"}",
                          message_id);
  json_object_unref (control_ok (f, "message/update", json));
  g_clear_pointer (&payload, json_object_unref);
  payload = only_event (f, "pay", bot, "ONIMBOTV2MESSAGEUPDATE");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (payload, "message"), "text"), ==,
                   "Hello again");
  g_free (json);
  json = g_strdup_printf ("{\"FROM_USER_ID\":27,\"MESSAGE_ID\":%" G_GINT64_FORMAT "}", message_id);
  json_object_unref (control_ok (f, "message/delete", json));
  g_clear_pointer (&payload, json_object_unref);
  payload = only_event (f, "pay", bot, "ONIMBOTV2MESSAGEDELETE");
  g_assert_cmpint (json_object_get_int_member (payload, "messageId"), ==, message_id);
  g_assert_false (json_object_has_member (payload, "message"));
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (payload, "user"), "id"), ==, 27);

  /* Join a group chat: the bot and the supervisor */
  g_free (json);
  json = g_strdup_printf ("{\"USER_ID\":2,\"DIALOG_ID\":\"chat500\",\"BOT_ID\":%" G_GINT64_FORMAT "}", bot);
  json_object_unref (control_ok (f, "join", json));
  g_clear_pointer (&payload, json_object_unref);
  payload = only_event (f, "pay", bot, "ONIMBOTV2JOINCHAT");
  g_assert_cmpstr (json_object_get_string_member (payload, "dialogId"), ==, "chat500");
  chat = json_object_get_object_member (payload, "chat");
  g_assert_cmpstr (json_object_get_string_member (chat, "dialogId"), ==, "chat500");
  g_assert_cmpstr (json_object_get_string_member (chat, "type"), ==, "chat");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (payload, "user"), "id"), ==, 2);
  g_free (json);
  json = g_strdup_printf ("{\"USER_ID\":2,\"DIALOG_ID\":\"chat500\",\"BOT_ID\":%" G_GINT64_FORMAT "}", watcher);
  json_object_unref (control_ok (f, "join", json));
  g_clear_pointer (&payload, json_object_unref);
  payload = only_event (f, "watch", watcher, "ONIMBOTV2JOINCHAT");

  /* Group rules: a "bot" needs a mention, a supervisor gets everything. */
  user_writes (f, 2, "chat500", "no mention");
  g_assert_cmpint (queued (f, bot), ==, 0);
  g_clear_pointer (&payload, json_object_unref);
  payload = only_event (f, "watch", watcher, "ONIMBOTV2MESSAGEADD");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (payload, "chat"), "dialogId"), ==,
                   "chat500");
  mention = g_strdup_printf ("[USER=%" G_GINT64_FORMAT "]Pay[/USER] hi", bot);
  user_writes (f, 2, "chat500", mention);
  g_clear_pointer (&payload, json_object_unref);
  payload = only_event (f, "pay", bot, "ONIMBOTV2MESSAGEADD");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (payload, "message"), "text"), ==,
                   mention);
}

static void
test_command (Fixture       *f,
              gconstpointer  data)
{
  gint64 bot = v2_register (f, "cmd", "cmd", "");
  g_autofree char *json = NULL;
  g_autofree char *dialog = g_strdup_printf ("%" G_GINT64_FORMAT, bot);
  g_autoptr(JsonObject) payload = NULL;
  JsonObject *command;
  gint64 command_id;

  /* Through v1's imbot.command.register: the v2 owner is CLIENT_ID = botToken. */
  json = g_strdup_printf ("{\"BOT_ID\":%" G_GINT64_FORMAT ",\"CLIENT_ID\":\"cmd\",\"COMMAND\":\"echo\","
                          "\"EVENT_COMMAND_ADD\":\"%sunused\",\"LANG\":[{\"LANGUAGE_ID\":\"en\",\"TITLE\":\"Echo\"}]}",
                          bot, f->receiver_url);
  command_id = rest_int (f, "imbot.command.register", json);

  user_writes (f, 1, dialog, "/echo one two");
  payload = only_event (f, "cmd", bot, "ONIMBOTV2COMMANDADD");
  command = json_object_get_object_member (payload, "command");
  g_assert_cmpint (json_object_get_int_member (command, "id"), ==, command_id);
  g_assert_cmpstr (json_object_get_string_member (command, "command"), ==, "/echo");
  g_assert_cmpstr (json_object_get_string_member (command, "params"), ==, "one two");
  g_assert_cmpstr (json_object_get_string_member (command, "context"), ==, "textarea");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (payload, "message"), "text"), ==,
                   "/echo one two");
  /* Nothing went to the v1 handler URL */
  g_assert_cmpuint (f->received->len, ==, 0);
}

/* ------------------------------------------------------------------------ */
/* §3.4: webhook-mode bots get form POSTs; v1 bots keep v1 events            */

/* A bot's delete event keeps the format of the API that registered it,
 * whichever API unregisters it (§1 coexistence, §6 item 11). */
static void
test_unregister_across_apis (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *extra = g_strdup_printf (",\"eventMode\":\"webhook\",\"webhookUrl\":\"%sv2hook\"", f->receiver_url);
  gint64 v1 = register_bot (f, "legacy", "oldbot", "B", NULL);
  gint64 fetch = v2_register (f, "fetchtok", "fetcher", "");
  gint64 hook = v2_register (f, "hooktok", "hooker", extra);
  g_autofree char *v1_id = g_strdup_printf ("%" G_GINT64_FORMAT, v1);
  g_autofree char *hook_id = g_strdup_printf ("%" G_GINT64_FORMAT, hook);
  g_autofree char *json = NULL;
  g_autofree char *query = NULL;
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(JsonObject) control = NULL;
  JsonArray *events;

  /* A v1 bot removed through v2: its v1 ONIMBOTDELETE, to its handler. */
  json = g_strdup_printf ("{\"botToken\":\"legacy\",\"botId\":%" G_GINT64_FORMAT "}", v1);
  result = v2_ok (f, "imbot.v2.Bot.unregister", json);
  g_assert_true (json_object_get_boolean_member (result, "result"));
  wait_received (f, 1);
  g_assert_cmpstr (f->paths->pdata[0], ==, "/bot/oldbot");
  g_assert_cmpstr (botbench_form_node_lookup_string (f->received->pdata[0], "event", NULL), ==, "ONIMBOTDELETE");
  g_assert_cmpstr (botbench_form_node_lookup_string (f->received->pdata[0], "data", "BOT_ID", NULL), ==, v1_id);
  g_assert_cmpstr (botbench_form_node_lookup_string (f->received->pdata[0], "data", "BOT_CODE", NULL), ==, "oldbot");

  /* v2 bots removed through imbot.unregister (CLIENT_ID = their token):
   * ONIMBOTV2DELETE, queued for the fetch bot... */
  g_free (json);
  json = g_strdup_printf ("{\"BOT_ID\":%" G_GINT64_FORMAT ",\"CLIENT_ID\":\"fetchtok\"}", fetch);
  g_assert_true (rest_ok_bool (f, "imbot.unregister", json));
  query = g_strdup_printf ("v2/events?BOT_ID=%" G_GINT64_FORMAT, fetch);
  control = control_get (f, query);
  events = json_object_get_array_member (control, "EVENTS");
  g_assert_cmpuint (json_array_get_length (events), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (events, 0), "type"), ==,
                   "ONIMBOTV2DELETE");

  /* ...and POSTed to the webhook-mode bot's webhookUrl. */
  g_free (json);
  json = g_strdup_printf ("{\"BOT_ID\":%" G_GINT64_FORMAT ",\"CLIENT_ID\":\"hooktok\"}", hook);
  g_assert_true (rest_ok_bool (f, "imbot.unregister", json));
  wait_received (f, 2);
  g_assert_cmpstr (f->paths->pdata[1], ==, "/v2hook");
  g_assert_cmpstr (botbench_form_node_lookup_string (f->received->pdata[1], "event", NULL), ==, "ONIMBOTV2DELETE");
  g_assert_cmpstr (botbench_form_node_lookup_string (f->received->pdata[1], "data", "bot", "id", NULL), ==, hook_id);
  g_assert_cmpuint (f->received->len, ==, 2);
}

static void
test_webhook_mode (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *extra = g_strdup_printf (",\"eventMode\":\"webhook\",\"webhookUrl\":\"%sv2hook\"", f->receiver_url);
  gint64 bot = v2_register (f, "hook", "hook", extra);
  gint64 v1 = register_bot (f, "legacy", "legacy", "S", NULL);
  g_autofree char *dialog = g_strdup_printf ("%" G_GINT64_FORMAT, bot);
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, bot);
  g_autofree char *json = NULL;
  g_autoptr(JsonObject) result = NULL;
  BotbenchFormNode *form;

  user_writes (f, 27, dialog, "Hi & bye");
  wait_received (f, 1);
  form = f->received->pdata[0];
  g_assert_cmpstr (f->paths->pdata[0], ==, "/v2hook");
  g_assert_cmpstr (botbench_form_node_lookup_string (form, "event", NULL), ==, "ONIMBOTV2MESSAGEADD");
  g_assert_false (form_has (form, "event_handler_id", NULL));
  g_assert_nonnull (botbench_form_node_lookup_string (form, "ts", NULL));
  g_assert_cmpstr (botbench_form_node_lookup_string (form, "data", "bot", "id", NULL), ==, id);
  g_assert_cmpstr (botbench_form_node_lookup_string (form, "data", "bot", "code", NULL), ==, "hook");
  g_assert_true (form_has (form, "data", "bot", "auth", NULL));
  /* Only {id, code, auth} in webhook mode */
  g_assert_false (form_has (form, "data", "bot", "eventMode", NULL));
  g_assert_cmpstr (botbench_form_node_lookup_string (form, "data", "message", "text", NULL), ==, "Hi & bye");
  g_assert_cmpstr (botbench_form_node_lookup_string (form, "data", "message", "isSystem", NULL), ==, "0");
  g_assert_cmpstr (botbench_form_node_lookup_string (form, "data", "message", "authorId", NULL), ==, "27");
  /* null and empty arrays are left out, as http_build_query does */
  g_assert_false (form_has (form, "data", "message", "forward", NULL));
  g_assert_false (form_has (form, "data", "message", "params", NULL));
  g_assert_cmpstr (botbench_form_node_lookup_string (form, "data", "user", "bot", NULL), ==, "0");
  g_assert_cmpstr (botbench_form_node_lookup_string (form, "data", "user", "active", NULL), ==, "1");
  g_assert_cmpstr (botbench_form_node_lookup_string (form, "data", "chat", "dialogId", NULL), ==, "27");
  g_assert_cmpstr (botbench_form_node_lookup_string (form, "data", "language", NULL), ==, "en");
  g_assert_cmpstr (botbench_form_node_lookup_string (form, "auth", "application_token", NULL), ==, "customhook");
  g_assert_cmpstr (botbench_form_node_lookup_string (form, "auth", "domain", NULL), !=, NULL);
  /* Nothing queued for a webhook-mode bot */
  g_assert_cmpint (queued (f, bot), ==, 0);
  /* The chat page's BOTS say which API and mode */
  {
    g_autoptr(JsonObject) chats = control_get (f, "chats?USER_ID=27");
    JsonArray *bots = json_object_get_array_member (chats, "BOTS");
    guint seen = 0;

    for (guint i = 0; i < json_array_get_length (bots); i++)
      {
        JsonObject *entry = json_array_get_object_element (bots, i);

        if (json_object_get_int_member (entry, "ID") == bot)
          {
            g_assert_cmpint (json_object_get_int_member (entry, "API"), ==, 2);
            g_assert_cmpstr (json_object_get_string_member (entry, "EVENT_MODE"), ==, "webhook");
            g_assert_true (g_str_has_suffix (json_object_get_string_member (entry, "WEBHOOK_URL"), "/v2hook"));
            seen++;
          }
        else if (json_object_get_int_member (entry, "ID") == v1)
          {
            g_assert_cmpint (json_object_get_int_member (entry, "API"), ==, 1);
            seen++;
          }
      }
    g_assert_cmpuint (seen, ==, 2);
  }

  /* The v1 bot (type S) in a group chat with the v2 bot: v1 and v2 events. */
  g_free (json);
  json = g_strdup_printf ("{\"USER_ID\":1,\"DIALOG_ID\":\"chat700\",\"BOT_ID\":%" G_GINT64_FORMAT "}", v1);
  json_object_unref (control_ok (f, "join", json));
  wait_received (f, 2);
  g_assert_cmpstr (botbench_form_node_lookup_string (f->received->pdata[1], "event", NULL), ==, "ONIMBOTJOINCHAT");
  g_free (json);
  json = g_strdup_printf ("{\"USER_ID\":1,\"DIALOG_ID\":\"chat700\",\"BOT_ID\":%" G_GINT64_FORMAT "}", bot);
  json_object_unref (control_ok (f, "join", json));
  wait_received (f, 3);
  g_assert_cmpstr (botbench_form_node_lookup_string (f->received->pdata[2], "event", NULL), ==, "ONIMBOTV2JOINCHAT");
  g_assert_cmpstr (botbench_form_node_lookup_string (f->received->pdata[2], "data", "dialogId", NULL), ==, "chat700");

  g_free (json);
  json = g_strdup_printf ("{\"FROM_USER_ID\":1,\"DIALOG_ID\":\"chat700\",\"MESSAGE\":\"[USER=%" G_GINT64_FORMAT
                          "]Hook[/USER] both\"}", bot);
  result = control_ok (f, "message", json);
  g_assert_cmpint (json_object_get_int_member (result, "EVENTS"), ==, 2);
  wait_received (f, 5);
  {
    gboolean v1_seen = FALSE, v2_seen = FALSE;

    for (guint i = 3; i < 5; i++)
      {
        const char *event = botbench_form_node_lookup_string (f->received->pdata[i], "event", NULL);

        v1_seen |= g_strcmp0 (event, "ONIMBOTMESSAGEADD") == 0;
        v2_seen |= g_strcmp0 (event, "ONIMBOTV2MESSAGEADD") == 0;
      }
    g_assert_true (v1_seen);
    g_assert_true (v2_seen);
  }

  /* webhook → fetch: later events are queued instead. */
  g_free (json);
  json = g_strdup_printf ("{\"botToken\":\"hook\",\"botId\":%" G_GINT64_FORMAT ",\"fields\":{\"eventMode\":\"fetch\"}}", bot);
  json_object_unref (v2_ok (f, "imbot.v2.Bot.update", json));
  user_writes (f, 27, dialog, "now fetched");
  g_assert_cmpint (queued (f, bot), ==, 1);
  g_assert_cmpuint (f->received->len, ==, 5);
}

/* ------------------------------------------------------------------------ */
/* Chat.Message.send / update / delete, §4.1, §4.2                           */

static void
test_messages (Fixture       *f,
               gconstpointer  data)
{
  gint64 bot = v2_register (f, "say", "say", "");
  g_autofree char *json = NULL;
  g_autofree char *dialog = g_strdup_printf ("%" G_GINT64_FORMAT, bot);
  g_autofree char *user_message = NULL;
  g_autoptr(JsonObject) sent = NULL;
  g_autoptr(JsonObject) shown = NULL;
  g_autoptr(GString) long_text = g_string_new (NULL);
  gint64 message_id, mine;

  /* A private dialog is opened by sending. */
  json = g_strdup_printf ("{\"botToken\":\"say\",\"botId\":%" G_GINT64_FORMAT ",\"dialogId\":\"27\","
                          "\"fields\":{\"message\":\"Hello [b]user[/b]\",\"keyboard\":[{\"TEXT\":\"Go\","
                          "\"LINK\":\"https://example.com\"}]}}", bot);
  sent = v2_ok (f, "imbot.v2.Chat.Message.send", json);
  message_id = json_object_get_int_member (sent, "id");
  g_assert_cmpint (message_id, >, 0);
  g_assert_cmpuint (json_object_get_size (json_object_get_object_member (sent, "uuidMap")), ==, 0);
  shown = find_message (f, dialog, 27, message_id);
  g_assert_cmpint (json_object_get_int_member (shown, "AUTHOR_ID"), ==, bot);
  g_assert_cmpstr (json_object_get_string_member (shown, "MESSAGE"), ==, "Hello [b]user[/b]");
  g_assert_nonnull (json_object_get_member (shown, "KEYBOARD"));
  {
    JsonObject *source = json_object_get_object_member (shown, "SOURCE");

    g_assert_cmpstr (json_object_get_string_member (source, "METHOD"), ==, "imbot.v2.Chat.Message.send");
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (source, "PARAMS"), "botToken"),
                     ==, "***");
  }
  /* The bot's own message is no event for it. */
  g_assert_cmpint (queued (f, bot), ==, 0);

  /* Errors */
  g_free (json);
  json = g_strdup_printf ("{\"botToken\":\"say\",\"botId\":%" G_GINT64_FORMAT ",\"dialogId\":\"chat900\","
                          "\"fields\":{\"message\":\"x\"}}", bot);
  v2_error (f, "imbot.v2.Chat.Message.send", json, "ACCESS_DENIED");
  g_free (json);
  json = g_strdup_printf ("{\"botToken\":\"say\",\"botId\":%" G_GINT64_FORMAT ",\"dialogId\":\"27\","
                          "\"fields\":{\"message\":\"   \"}}", bot);
  v2_error (f, "imbot.v2.Chat.Message.send", json, "EMPTY_MESSAGE");
  g_free (json);
  json = g_strdup_printf ("{\"botToken\":\"say\",\"botId\":%" G_GINT64_FORMAT ",\"dialogId\":\"27\"}", bot);
  v2_error (f, "imbot.v2.Chat.Message.send", json, "EMPTY_MESSAGE");

  /* Longer than 20,000 characters: cut, " (...)" added */
  for (guint i = 0; i < 20010; i++)
    g_string_append_c (long_text, 'a' + i % 26);
  g_free (json);
  json = g_strdup_printf ("{\"botToken\":\"say\",\"botId\":%" G_GINT64_FORMAT ",\"dialogId\":\"27\","
                          "\"fields\":{\"message\":\"%s\"}}", bot, long_text->str);
  g_clear_pointer (&sent, json_object_unref);
  sent = v2_ok (f, "imbot.v2.Chat.Message.send", json);
  mine = json_object_get_int_member (sent, "id");
  g_clear_pointer (&shown, json_object_unref);
  shown = find_message (f, dialog, 27, mine);
  g_assert_cmpuint (strlen (json_object_get_string_member (shown, "MESSAGE")), ==, 20000 + strlen (" (...)"));
  g_assert_true (g_str_has_suffix (json_object_get_string_member (shown, "MESSAGE"), " (...)"));

  /* In a group chat it is a member of */
  g_free (json);
  json = g_strdup_printf ("{\"USER_ID\":1,\"DIALOG_ID\":\"chat900\",\"BOT_ID\":%" G_GINT64_FORMAT "}", bot);
  json_object_unref (control_ok (f, "join", json));
  g_free (json);
  json = g_strdup_printf ("{\"botToken\":\"say\",\"botId\":%" G_GINT64_FORMAT ",\"dialogId\":\"chat900\","
                          "\"fields\":{\"message\":\"hi all\"}}", bot);
  json_object_unref (v2_ok (f, "imbot.v2.Chat.Message.send", json));

  /* Update and delete: own messages only */
  g_free (json);
  json = g_strdup_printf ("{\"botToken\":\"say\",\"botId\":%" G_GINT64_FORMAT ",\"messageId\":%" G_GINT64_FORMAT ","
                          "\"fields\":{\"message\":\"edited\",\"keyboard\":\"N\"}}", bot, message_id);
  g_clear_pointer (&sent, json_object_unref);
  sent = v2_ok (f, "imbot.v2.Chat.Message.update", json);
  g_assert_true (json_object_get_boolean_member (sent, "result"));
  g_clear_pointer (&shown, json_object_unref);
  shown = find_message (f, dialog, 27, message_id);
  g_assert_cmpstr (json_object_get_string_member (shown, "MESSAGE"), ==, "edited");
  g_assert_cmpstr (json_object_get_string_member (shown, "EDITED"), ==, "Y");
  g_assert_true (json_object_get_null_member (shown, "KEYBOARD"));

  message_id = user_writes (f, 27, dialog, "user text");
  user_message = g_strdup_printf ("{\"botToken\":\"say\",\"botId\":%" G_GINT64_FORMAT ",\"messageId\":%" G_GINT64_FORMAT
                                  ",\"fields\":{\"message\":\"hijack\"}}", bot, message_id);
  v2_error (f, "imbot.v2.Chat.Message.update", user_message, "ACCESS_DENIED");
  v2_error (f, "imbot.v2.Chat.Message.delete", user_message, "ACCESS_DENIED");

  g_free (json);
  json = g_strdup_printf ("{\"botToken\":\"say\",\"botId\":%" G_GINT64_FORMAT ",\"messageId\":%" G_GINT64_FORMAT "}",
                          bot, mine);
  g_clear_pointer (&sent, json_object_unref);
  sent = v2_ok (f, "imbot.v2.Chat.Message.delete", json);
  g_assert_true (json_object_get_boolean_member (sent, "result"));
  g_clear_pointer (&shown, json_object_unref);
  shown = find_message (f, dialog, 27, mine);
  g_assert_cmpstr (json_object_get_string_member (shown, "DELETED"), ==, "Y");
  v2_error (f, "imbot.v2.Chat.Message.delete", json, "ACCESS_DENIED");
}


/* ------------------------------------------------------------------------ */
/* Command.*, §4.2                                                           */

/* The messages user 1 sees in dialog. */
static guint
dialog_length (Fixture    *f,
               const char *dialog)
{
  g_autofree char *query = g_strdup_printf ("messages?DIALOG_ID=%s&USER_ID=1", dialog);

  return control_count (f, query, "MESSAGES");
}

/* §4.1 forwardIds: copies of messages the bot can see, answered in
 * uuidMap; id null when nothing but forwards was sent; at most 100. */
static void
test_forward (Fixture       *f,
              gconstpointer  data)
{
  gint64 bot = v2_register (f, "fw", "fw", "");
  g_autofree char *dialog = g_strdup_printf ("%" G_GINT64_FORMAT, bot);
  g_autofree char *json = NULL;
  g_autoptr(JsonObject) only = NULL;
  g_autoptr(JsonObject) both = NULL;
  g_autoptr(JsonObject) copy = NULL;
  g_autoptr(JsonObject) chat = NULL;
  g_autoptr(GString) many = g_string_new ("{");
  JsonObject *map;
  gint64 original, secret, copied;
  guint n_messages;

  original = user_writes (f, 1, dialog, "forward me");
  chat = control_ok (f, "chat", "{\"TITLE\":\"Private\",\"USER_ID\":2}");
  secret = user_writes (f, 2, json_object_get_string_member (chat, "DIALOG_ID"), "not for bots");

  /* Only forwards: no message of its own. */
  json = g_strdup_printf ("{\"botToken\":\"fw\",\"botId\":%s,\"dialogId\":\"1\","
                          "\"fields\":{\"forwardIds\":{\"u-1\":%" G_GINT64_FORMAT "}}}", dialog, original);
  only = v2_ok (f, "imbot.v2.Chat.Message.send", json);
  g_assert_true (json_object_get_null_member (only, "id"));
  map = json_object_get_object_member (only, "uuidMap");
  g_assert_cmpuint (json_object_get_size (map), ==, 1);
  copied = json_object_get_int_member (map, "u-1");
  g_assert_cmpint (copied, >, original);
  copy = find_message (f, dialog, 1, copied);
  g_assert_cmpstr (json_object_get_string_member (copy, "MESSAGE"), ==, "forward me");
  g_assert_cmpint (json_object_get_int_member (copy, "AUTHOR_ID"), ==, bot);

  /* Text and forwards: the text's id, and one copy per uuid. */
  g_free (json);
  json = g_strdup_printf ("{\"botToken\":\"fw\",\"botId\":%s,\"dialogId\":\"1\",\"fields\":{\"message\":\"see\","
                          "\"forwardIds\":{\"a\":%" G_GINT64_FORMAT ",\"b\":\"%" G_GINT64_FORMAT "\"}}}",
                          dialog, original, original);
  both = v2_ok (f, "imbot.v2.Chat.Message.send", json);
  g_assert_cmpint (json_object_get_int_member (both, "id"), >, copied);
  map = json_object_get_object_member (both, "uuidMap");
  g_assert_cmpuint (json_object_get_size (map), ==, 2);
  g_assert_cmpint (json_object_get_int_member (map, "a"), >, json_object_get_int_member (both, "id"));
  g_assert_cmpint (json_object_get_int_member (map, "b"), >, json_object_get_int_member (map, "a"));

  /* A message of a chat the bot is not in, or none at all. */
  g_free (json);
  json = g_strdup_printf ("{\"botToken\":\"fw\",\"botId\":%s,\"dialogId\":\"1\","
                          "\"fields\":{\"forwardIds\":{\"x\":%" G_GINT64_FORMAT "}}}", dialog, secret);
  v2_error (f, "imbot.v2.Chat.Message.send", json, "ACCESS_DENIED");
  g_free (json);
  json = g_strdup_printf ("{\"botToken\":\"fw\",\"botId\":%s,\"dialogId\":\"1\","
                          "\"fields\":{\"forwardIds\":{\"x\":\"junk\"}}}", dialog);
  v2_error (f, "imbot.v2.Chat.Message.send", json, "ACCESS_DENIED");
  /* No forwards and no text is still empty. */
  g_free (json);
  json = g_strdup_printf ("{\"botToken\":\"fw\",\"botId\":%s,\"dialogId\":\"1\","
                          "\"fields\":{\"forwardIds\":{}}}", dialog);
  v2_error (f, "imbot.v2.Chat.Message.send", json, "EMPTY_MESSAGE");

  /* 101 are too many; nothing was sent. */
  n_messages = dialog_length (f, dialog);
  g_assert_cmpuint (n_messages, ==, 5);
  for (guint i = 0; i <= 100; i++)
    g_string_append_printf (many, "%s\"u%u\":%" G_GINT64_FORMAT, i > 0 ? "," : "", i, original);
  g_string_append_c (many, '}');
  g_free (json);
  json = g_strdup_printf ("{\"botToken\":\"fw\",\"botId\":%s,\"dialogId\":\"1\",\"fields\":{\"message\":\"x\","
                          "\"forwardIds\":%s}}", dialog, many->str);
  v2_error (f, "imbot.v2.Chat.Message.send", json, "TOO_MANY_MESSAGES");
  g_assert_cmpuint (dialog_length (f, dialog), ==, n_messages);
}

static void
test_commands_v2 (Fixture       *f,
                  gconstpointer  data)
{
  gint64 bot = v2_register (f, "c2", "c2", "");
  gint64 other = v2_register (f, "c3", "c3", "");
  g_autofree char *json = NULL;
  g_autofree char *dialog = g_strdup_printf ("%" G_GINT64_FORMAT, bot);
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(JsonObject) payload = NULL;
  JsonObject *command;
  gint64 help, faq, message_id;

#define CMD(...) (g_free (json), json = g_strdup_printf (__VA_ARGS__))
  CMD ("{\"botToken\":\"c2\",\"botId\":%" G_GINT64_FORMAT ",\"fields\":{\"command\":\"  \"}}", bot);
  v2_error (f, "imbot.v2.Command.register", json, "COMMAND_REQUIRED");
  CMD ("{\"botToken\":\"c2\",\"botId\":%" G_GINT64_FORMAT ",\"fields\":{\"command\":\"two words\"}}", bot);
  v2_error (f, "imbot.v2.Command.register", json, "COMMAND_NAME_INVALID");
  CMD ("{\"botToken\":\"c2\",\"botId\":%" G_GINT64_FORMAT ",\"fields\":{\"command\":\"help\"}}", bot);
  v2_error (f, "imbot.v2.Command.register", json, "COMMAND_TITLE_REQUIRED");

  CMD ("{\"botToken\":\"c2\",\"botId\":%" G_GINT64_FORMAT ",\"fields\":{\"command\":\"/help\","
       "\"title\":{\"en\":\"Help\",\"de\":\"Hilfe\"},\"params\":{\"en\":\"topic\"},\"common\":true}}", bot);
  result = v2_ok (f, "imbot.v2.Command.register", json);
  command = json_object_get_object_member (result, "command");
  help = json_object_get_int_member (command, "id");
  g_assert_cmpint (json_object_get_int_member (command, "botId"), ==, bot);
  g_assert_cmpstr (json_object_get_string_member (command, "command"), ==, "/help");
  g_assert_true (json_object_get_boolean_member (command, "common"));
  g_assert_false (json_object_get_boolean_member (command, "hidden"));
  g_assert_false (json_object_get_boolean_member (command, "extranetSupport"));
  /* idempotent */
  g_clear_pointer (&result, json_object_unref);
  result = v2_ok (f, "imbot.v2.Command.register", json);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (result, "command"), "id"), ==, help);
  /* flat legacy parameters; hidden needs no title */
  CMD ("{\"botToken\":\"c2\",\"botId\":%" G_GINT64_FORMAT ",\"command\":\"faq\",\"hidden\":\"Y\"}", bot);
  g_clear_pointer (&result, json_object_unref);
  result = v2_ok (f, "imbot.v2.Command.register", json);
  faq = json_object_get_int_member (json_object_get_object_member (result, "command"), "id");

  /* update */
  CMD ("{\"botToken\":\"c2\",\"botId\":%" G_GINT64_FORMAT ",\"commandId\":%" G_GINT64_FORMAT
       ",\"fields\":{\"command\":\"\"}}", bot, faq);
  v2_error (f, "imbot.v2.Command.update", json, "COMMAND_NAME_EMPTY");
  CMD ("{\"botToken\":\"c2\",\"botId\":%" G_GINT64_FORMAT ",\"commandId\":%" G_GINT64_FORMAT
       ",\"fields\":{\"command\":\"help\"}}", bot, faq);
  v2_error (f, "imbot.v2.Command.update", json, "COMMAND_ALREADY_EXISTS");
  CMD ("{\"botToken\":\"c3\",\"botId\":%" G_GINT64_FORMAT ",\"commandId\":%" G_GINT64_FORMAT
       ",\"fields\":{}}", other, faq);
  v2_error (f, "imbot.v2.Command.update", json, "COMMAND_NOT_FOUND");
  CMD ("{\"botToken\":\"c2\",\"botId\":%" G_GINT64_FORMAT ",\"commandId\":999999,\"fields\":{}}", bot);
  v2_error (f, "imbot.v2.Command.update", json, "COMMAND_NOT_FOUND");
  CMD ("{\"botToken\":\"c2\",\"botId\":%" G_GINT64_FORMAT ",\"commandId\":%" G_GINT64_FORMAT
       ",\"fields\":{\"title\":{\"de\":null,\"en\":\"Get help\"}}}", bot, help);
  json_object_unref (v2_ok (f, "imbot.v2.Command.update", json));

  /* list */
  CMD ("{\"botToken\":\"c2\",\"botId\":%" G_GINT64_FORMAT "}", bot);
  g_clear_pointer (&result, json_object_unref);
  result = v2_ok (f, "imbot.v2.Command.list", json);
  {
    JsonArray *list = json_object_get_array_member (result, "commands");
    JsonObject *title;

    g_assert_cmpuint (json_array_get_length (list), ==, 2);
    command = json_array_get_object_element (list, 0);
    title = json_object_get_object_member (command, "title");
    g_assert_cmpstr (json_object_get_string_member (title, "en"), ==, "Get help");
    g_assert_false (json_object_has_member (title, "de"));
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (command, "params"), "en"), ==,
                     "topic");
  }

  /* a user types it; the bot answers */
  message_id = user_writes (f, 27, dialog, "/help billing");
  payload = only_event (f, "c2", bot, "ONIMBOTV2COMMANDADD");
  command = json_object_get_object_member (payload, "command");
  g_assert_cmpint (json_object_get_int_member (command, "id"), ==, help);
  g_assert_cmpstr (json_object_get_string_member (command, "params"), ==, "billing");
  CMD ("{\"botToken\":\"c2\",\"botId\":%" G_GINT64_FORMAT ",\"commandId\":%" G_GINT64_FORMAT
       ",\"messageId\":%" G_GINT64_FORMAT ",\"dialogId\":\"27\",\"fields\":{\"message\":\"Here is help\"}}",
       bot, help, message_id);
  g_clear_pointer (&result, json_object_unref);
  result = v2_ok (f, "imbot.v2.Command.answer", json);
  g_assert_true (json_object_get_boolean_member (result, "result"));
  {
    g_autofree char *query = g_strdup_printf ("messages?DIALOG_ID=%s&USER_ID=27", dialog);
    g_autoptr(JsonObject) shown = control_get (f, query);
    JsonArray *messages = json_object_get_array_member (shown, "MESSAGES");
    JsonObject *last = json_array_get_object_element (messages, json_array_get_length (messages) - 1);

    g_assert_cmpstr (json_object_get_string_member (last, "MESSAGE"), ==, "Here is help");
    g_assert_cmpint (json_object_get_int_member (last, "AUTHOR_ID"), ==, bot);
    g_assert_cmpint (json_object_get_int_member (last, "COMMAND_ID"), ==, help);
    g_assert_cmpint (json_object_get_int_member (last, "REPLY_TO"), ==, message_id);
  }
  CMD ("{\"botToken\":\"c2\",\"botId\":%" G_GINT64_FORMAT ",\"commandId\":%" G_GINT64_FORMAT
       ",\"messageId\":%" G_GINT64_FORMAT ",\"dialogId\":\"27\",\"fields\":{\"message\":\"\"}}",
       bot, help, message_id);
  v2_error (f, "imbot.v2.Command.answer", json, "COMMAND_ANSWER_FAILED");

  /* a COMMAND button of the bot's own message: context "keyboard" */
  CMD ("{\"botToken\":\"c2\",\"botId\":%" G_GINT64_FORMAT ",\"dialogId\":\"27\",\"fields\":{\"message\":\"Pick\","
       "\"keyboard\":[{\"TEXT\":\"Help\",\"COMMAND\":\"help\",\"COMMAND_PARAMS\":\"menu\"}]}}", bot);
  g_clear_pointer (&result, json_object_unref);
  result = v2_ok (f, "imbot.v2.Chat.Message.send", json);
  CMD ("{\"FROM_USER_ID\":27,\"MESSAGE_ID\":%" G_GINT64_FORMAT ",\"BUTTON\":0}",
       json_object_get_int_member (result, "id"));
  json_object_unref (control_ok (f, "button", json));
  g_clear_pointer (&payload, json_object_unref);
  payload = only_event (f, "c2", bot, "ONIMBOTV2COMMANDADD");
  command = json_object_get_object_member (payload, "command");
  g_assert_cmpint (json_object_get_int_member (command, "id"), ==, help);
  g_assert_cmpstr (json_object_get_string_member (command, "params"), ==, "menu");
  g_assert_cmpstr (json_object_get_string_member (command, "context"), ==, "keyboard");

  /* unregister: the command is gone, "/help" is a plain message again */
  CMD ("{\"botToken\":\"c2\",\"botId\":%" G_GINT64_FORMAT ",\"commandId\":%" G_GINT64_FORMAT "}", bot, help);
  g_clear_pointer (&result, json_object_unref);
  result = v2_ok (f, "imbot.v2.Command.unregister", json);
  g_assert_true (json_object_get_boolean_member (result, "result"));
  v2_error (f, "imbot.v2.Command.unregister", json, "COMMAND_NOT_FOUND");
  user_writes (f, 27, dialog, "/help");
  g_clear_pointer (&payload, json_object_unref);
  payload = only_event (f, "c2", bot, "ONIMBOTV2MESSAGEADD");
#undef CMD
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, data) \
  g_test_add ("/sandbox-v2-events/" path, Fixture, data, fixture_setup, func, fixture_teardown)

  ADD ("event-get/offsets", test_offsets, NULL);
  ADD ("event-get/fresh-restart", test_fresh_restart, GINT_TO_POINTER ('n'));
  ADD ("event-get/limits", test_limits, NULL);
  ADD ("event-get/limit-clamp", test_limit_clamp, NULL);
  ADD ("event-get/retention", test_retention, GINT_TO_POINTER ('n'));
  ADD ("event-get/retention-control", test_retention_control, NULL);
  ADD ("event-get/user-events-scope", test_user_events_errors, NULL);
  ADD ("event-get/user-events-subscribe", test_user_events_subscribe, GINT_TO_POINTER ('n'));
  ADD ("events/payloads", test_payloads, NULL);
  ADD ("events/command", test_command, NULL);
  ADD ("events/webhook-mode", test_webhook_mode, NULL);
  ADD ("events/unregister-across-apis", test_unregister_across_apis, NULL);
  ADD ("messages/send-update-delete", test_messages, NULL);
  ADD ("messages/forward", test_forward, NULL);
  ADD ("commands/v2", test_commands_v2, NULL);

#undef ADD

  return g_test_run ();
}
