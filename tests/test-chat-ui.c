/* test-chat-ui.c: the Chat page against the in-process sandbox portal
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs under xvfb-run, like test-bots-ui.c: XDG directories in a temporary
 * directory, the sandbox and the listener on free loopback ports,
 * session-only secrets unless BOTBENCH_TEST_KEYRING is set.  Bots are
 * registered through the sandbox's REST API; their handlers are Botbench's
 * own listener (events land in the Events page), the loopback test bot
 * (tests/botbench-test-bot: echoes, answers /help), a server answering 500
 * or a closed port.  The page is driven through its actions and widgets.
 *
 * BOTBENCH_TEST_SCREENSHOT_DIR=DIR saves `import -window root` shots there.
 */
#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "botbench-application.h"
#include "botbench-chat-composer.h"
#include "botbench-chat-message-row.h"
#include "botbench-chat-new-dialog.h"
#include "botbench-chat-page.h"
#include "botbench-doctor-dialog.h"
#include "botbench-events-page.h"
#include "botbench-test-bot.h"
#include "botbench-test-utils.h"
#include "botbench-ui-test-chat.h"
#include "botbench-ui-test-sandbox.h"
#include "botbench-ui-test-utils.h"
#include "botbench-ui-test-widgets.h"

#define WAIT_MS BOTBENCH_UI_TEST_WAIT_MS

static const char *tmp_root;
static gboolean have_keyring;

typedef BotbenchUiFixture Fixture;

/* ---- finding things ----------------------------------------------------- */

static GtkWidget *find_named (GtkWidget  *widget,
                              const char *name);

static BotbenchChatComposer *
composer (Fixture *f)
{
  return BOTBENCH_CHAT_COMPOSER (botbench_ui_test_find (botbench_ui_test_chat_page (f), "composer"));
}

/* Waits until the chat page shows a label containing @text. */
static GtkWidget *
assert_text_shown (Fixture    *f,
                   const char *text)
{
  return botbench_ui_test_assert_text_shown (f, GTK_WIDGET (botbench_ui_test_chat_page (f)), text);
}

static gint64
register_bot (Fixture    *f,
              const char *code,
              const char *name,
              const char *type,
              const char *handler)
{
  g_autofree char *json = g_strdup_printf ("{\"CODE\":\"%s\",\"TYPE\":\"%s\",\"EVENT_HANDLER\":\"%s\","
                                           "\"PROPERTIES\":{\"NAME\":\"%s\",\"COLOR\":\"MINT\"}}",
                                           code, type, handler, name);
  g_autoptr(JsonNode) result = botbench_ui_test_rest (f, "imbot.register", json);

  g_assert_true (JSON_NODE_HOLDS_VALUE (result));
  g_assert_cmpint (json_node_get_int (result), >, 0);

  return json_node_get_int (result);
}

static char *
listener_url (Fixture *f)
{
  return botbench_listener_dup_url (botbench_application_get_listener (f->app));
}

typedef struct
{
  BotbenchChatPage *page;
  gint64            bot_id;
} BotWait;

typedef struct
{
  BotbenchChatPage *page;
  gint64            bot_id;
  guint             n_commands;
} CommandsWait;

static gboolean
session_knows_commands (gpointer data)
{
  CommandsWait *wait = data;
  BotbenchChatSession *session = botbench_chat_page_get_session (wait->page);
  BotbenchChatBot *bot = session != NULL ? botbench_chat_session_lookup_bot (session, wait->bot_id) : NULL;

  return bot != NULL && bot->commands->len == wait->n_commands;
}

/* The sandbox tells of new commands through its updates: waits for them. */
static void
wait_commands (Fixture *f,
               gint64   bot_id,
               guint    n_commands)
{
  CommandsWait wait = { botbench_ui_test_chat_page (f), bot_id, n_commands };

  botbench_test_assert_wait_until_full (session_knows_commands, &wait, WAIT_MS, "the bot's commands");
}

static void
type_and_send (Fixture    *f,
               const char *text)
{
  gtk_editable_set_text (botbench_chat_composer_get_editable (composer (f)), text);
  botbench_chat_composer_send (composer (f));
  g_assert_cmpstr (botbench_chat_composer_get_text (composer (f)), ==, "");
}

/* The open conversation's message whose text is @text (the newest). */
static BotbenchChatMessage *
find_message (Fixture    *f,
              const char *text)
{
  BotbenchChatSession *session = botbench_chat_page_get_session (botbench_ui_test_chat_page (f));
  GListModel *messages = botbench_chat_session_get_messages (session, botbench_chat_page_get_dialog_id (botbench_ui_test_chat_page (f)));

  for (guint i = g_list_model_get_n_items (messages); i > 0; i--)
    {
      g_autoptr(BotbenchChatMessage) message = g_list_model_get_item (messages, i - 1);

      if (g_strcmp0 (botbench_chat_message_get_text (message), text) == 0 &&
          !botbench_chat_message_get_pending (message))
        return message;
    }

  return NULL;
}

typedef struct
{
  Fixture    *f;
  const char *text;
} MessageWait;

static gboolean
message_is_stored (gpointer data)
{
  MessageWait *wait = data;

  return find_message (wait->f, wait->text) != NULL;
}

static BotbenchChatMessage *
wait_message (Fixture    *f,
              const char *text)
{
  MessageWait wait = { f, text };

  botbench_test_assert_wait_until_full (message_is_stored, &wait, WAIT_MS, text);
  return find_message (f, text);
}

/* Answers every request with the status in the server's "status" data. */
static void
status_handler_cb (SoupServer        *server,
                   SoupServerMessage *msg,
                   const char        *path,
                   GHashTable        *query,
                   gpointer           user_data)
{
  soup_server_message_set_status (msg, GPOINTER_TO_UINT (user_data), NULL);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "no", 2);
}

/* ---- tests -------------------------------------------------------------- */

/* Not a sandbox: a webhook profile on a server that answers 404. */
static void
not_a_sandbox (Fixture *f)
{
  BotbenchProfileManager *manager = botbench_application_get_profile_manager (f->app);
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(BotbenchProfile) profile = botbench_profile_new (BOTBENCH_PROFILE_KIND_WEBHOOK, NULL);
  g_autoptr(BotbenchWebhookUrl) parsed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  guint port;

  soup_server_add_handler (server, NULL, status_handler_cb, GUINT_TO_POINTER (404), NULL);
  port = botbench_test_serve_loopback (server);
  url = g_strdup_printf ("http://127.0.0.1:%u/rest/1/abcdefghijklmnop/", port);
  parsed = botbench_webhook_url_parse (url, &error);
  g_assert_no_error (error);
  botbench_profile_apply_webhook_url (profile, parsed);
  botbench_profile_set_name (profile, "Real portal");
  g_assert_true (botbench_profile_manager_add (manager, profile, &error));
  g_assert_no_error (error);
  g_assert_true (botbench_profile_manager_set_active (manager, profile, &error));
  g_assert_no_error (error);

  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-chat", NULL);
  botbench_ui_test_assert_label_shown (GTK_WIDGET (botbench_ui_test_chat_page (f)), "Chat Needs the Sandbox Portal");
  g_assert_cmpstr (botbench_chat_page_get_state (botbench_ui_test_chat_page (f)), ==, "not-sandbox");
  g_assert_null (botbench_chat_page_get_session (botbench_ui_test_chat_page (f)));
  botbench_ui_test_screenshot (f, "chat-not-sandbox.png");
}

static gboolean
event_is_selected (gpointer data)
{
  return botbench_events_page_get_selected_event (data) != NULL;
}

/* A type S bot whose handler is Botbench's listener: each event shows in
 * the Events page, and each message links to it. */
static void
listener_round_trip (Fixture *f)
{
  g_autofree char *handler = NULL;
  BotbenchEventsPage *events_page;
  BotbenchChatMessage *message;
  AdwMessageDialog *dialog;
  GtkWidget *chat_button;
  const gint64 *deliveries;
  guint n_deliveries = 0;
  gint64 bot_id;

  botbench_ui_test_use_sandbox (f);
  handler = listener_url (f);
  bot_id = register_bot (f, "listenerbot", "Listener Bot", "S", handler);

  /* The empty log offers the bot's dialog instead of the sandbox. */
  events_page = botbench_ui_test_get_events_page (f->window);
  chat_button = botbench_ui_test_find (events_page, "chat_with_button");
  botbench_ui_test_show_chat (f, bot_id);
  g_assert_cmpint (botbench_chat_page_get_first_bot_id (botbench_ui_test_chat_page (f)), ==, bot_id);
  /* Nobody to write to before a conversation is open. */
  g_assert_null (botbench_chat_page_get_dialog_id (botbench_ui_test_chat_page (f)));
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (composer (f))));
  g_assert_true (gtk_widget_get_visible (chat_button));
  g_assert_false (gtk_widget_get_visible (botbench_ui_test_find (events_page, "try_sandbox_button")));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (chat_button)), ==, "_Chat with Listener Bot");
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-event-list", NULL);

  /* Opening the dialog is ONIMBOTJOINCHAT, shown as a system line with
   * what became of the event. */
  botbench_ui_test_chat_with (f, bot_id);
  botbench_ui_test_wait_for_logged_event (f->window, "ONIMBOTJOINCHAT", NULL);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-chat", NULL);
  assert_text_shown (f, "Svetlana Ivanova opened the dialog with Listener Bot");
  assert_text_shown (f, "answered 200");
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (composer (f))));
  /* Botbench's own listener answers nothing: the page says so. */
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (botbench_ui_test_find (botbench_ui_test_chat_page (f),
                                                                                      "handler_hint_revealer"))));
  assert_text_shown (f, "Listener Bot sends its events to Botbench's listener");

  /* Writing is ONIMBOTMESSAGEADD; the delivery shows under the message. */
  type_and_send (f, "Hello [b]listener[/b]");
  assert_text_shown (f, "Hello listener");
  assert_text_shown (f, "answered 200");
  message = wait_message (f, "Hello [b]listener[/b]");
  deliveries = botbench_chat_message_get_deliveries (message, &n_deliveries);
  g_assert_cmpuint (n_deliveries, ==, 1);
  botbench_ui_test_screenshot (f, "chat-listener.png");

  /* Show in Events selects the event it caused. */
  assert_text_shown (f, "Show in Events");
  botbench_ui_test_wait_for_logged_event (f->window, "ONIMBOTMESSAGEADD", "Hello [b]listener[/b]");
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-chat", NULL);
  gtk_widget_activate_action (GTK_WIDGET (botbench_ui_test_chat_page (f)), "chat.show-event", "x", deliveries[0]);
  botbench_test_assert_wait_until_full (event_is_selected, events_page, WAIT_MS, "the event to be shown");
  g_assert_cmpstr (botbench_ui_test_visible_child (f->window, "page_stack"), ==, "events");
  g_assert_cmpstr (botbench_event_get_event_name (botbench_events_page_get_selected_event (events_page)), ==,
                   "ONIMBOTMESSAGEADD");

  /* Edit: ONIMBOTMESSAGEUPDATE (type S), and "edited". */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-chat", NULL);
  gtk_widget_activate_action (GTK_WIDGET (botbench_ui_test_chat_page (f)), "chat.edit", "x", botbench_chat_message_get_id (message));
  dialog = botbench_ui_test_find_dialog (ADW_TYPE_MESSAGE_DIALOG, "Edit Message");
  g_assert_nonnull (dialog);
  gtk_editable_set_text (GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog)), "Hello again");
  botbench_ui_test_respond (dialog, "save");
  botbench_ui_test_wait_for_logged_event (f->window, "ONIMBOTMESSAGEUPDATE", NULL);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-chat", NULL);
  assert_text_shown (f, "Hello again");
  assert_text_shown (f, "edited");

  /* Delete: ONIMBOTMESSAGEDELETE, and the row says so. */
  gtk_widget_activate_action (GTK_WIDGET (botbench_ui_test_chat_page (f)), "chat.delete", "x", botbench_chat_message_get_id (message));
  dialog = botbench_ui_test_find_dialog (ADW_TYPE_MESSAGE_DIALOG, "Delete Message?");
  g_assert_nonnull (dialog);
  botbench_ui_test_respond (dialog, "delete");
  botbench_ui_test_wait_for_logged_event (f->window, "ONIMBOTMESSAGEDELETE", NULL);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-chat", NULL);
  assert_text_shown (f, "This message was deleted");

  botbench_ui_test_wait_events_settled (f->window);
}

static BotbenchTestBot *
start_test_bot (Fixture *f)
{
  g_autofree char *webhook = botbench_sandbox_dup_webhook_url (botbench_application_get_sandbox (f->app));
  BotbenchProfile *profile = botbench_application_get_sandbox_profile (f->app);
  g_autoptr(GError) error = NULL;
  BotbenchTestBot *bot;

  bot = botbench_test_bot_new (webhook, botbench_profile_get_client_id (profile), 0, &error);
  g_assert_no_error (error);
  g_assert_nonnull (bot);

  return bot;
}

/* The index of the last event @name the test bot got, or -1. */
static int
bot_last_event (BotbenchTestBot *bot,
                const char      *name)
{
  for (guint i = botbench_test_bot_get_n_events (bot); i > 0; i--)
    if (g_strcmp0 (botbench_test_bot_get_event (bot, i - 1), name) == 0)
      return (int)i - 1;

  return -1;
}

/* data[path...] of event @index, as a string ("" if absent). */
static const char *
bot_event_string (BotbenchTestBot *bot,
                  guint            index,
                  const char      *first,
                  ...)
{
  JsonObject *object = json_object_get_object_member (botbench_test_bot_get_data (bot, index), "data");
  const char *key = first;
  va_list args;
  JsonNode *node = NULL;

  va_start (args, first);
  while (key != NULL && object != NULL)
    {
      const char *next = va_arg (args, const char *);

      node = json_object_get_member (object, key);
      if (node == NULL)
        break;
      if (next != NULL)
        {
          /* "*": the first member (the COMMAND entry, keyed by id) */
          if (JSON_NODE_HOLDS_OBJECT (node) && g_str_equal (next, "*"))
            {
              g_autoptr(GList) members = json_object_get_members (json_node_get_object (node));

              node = members != NULL ? json_object_get_member (json_node_get_object (node), members->data) : NULL;
              next = va_arg (args, const char *);
            }
          object = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
        }
      key = next;
    }
  va_end (args);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return "";
  return json_node_get_string (node);
}

typedef struct
{
  BotbenchTestBot *bot;
  const char      *event;
  guint            after;
} BotEventWait;

static gboolean
bot_got_event (gpointer data)
{
  BotEventWait *wait = data;

  return bot_last_event (wait->bot, wait->event) >= (int)wait->after;
}

/* Waits until the bot gets @event as its event number @after or later;
 * returns its index. */
static guint
wait_bot_event (BotbenchTestBot *bot,
                const char      *event,
                guint            after)
{
  BotEventWait wait = { bot, event, after };

  botbench_test_assert_wait_until_full (bot_got_event, &wait, WAIT_MS, event);
  return (guint)bot_last_event (bot, event);
}

/* The test bot (type S) through everything a user does in its dialog. */
static void
test_bot_round_trip (Fixture *f)
{
  g_autoptr(BotbenchTestBot) bot = NULL;
  g_autofree char *json = NULL;
  g_autoptr(JsonNode) result = NULL;
  g_autofree char *command_id = NULL;
  BotbenchChatMessage *answer;
  BotbenchChatMessage *mine;
  const BotbenchKeyboardButton *button = NULL;
  BotbenchKeyboard *keyboard;
  AdwMessageDialog *dialog;
  GtkWidget *entry;
  guint n;
  gint64 bot_id;

  botbench_ui_test_use_sandbox (f);
  bot = start_test_bot (f);
  bot_id = register_bot (f, "echobot", "Echo Bot", "S", botbench_test_bot_get_url (bot));
  json = g_strdup_printf ("{\"BOT_ID\":%" G_GINT64_FORMAT ",\"COMMAND\":\"help\",\"EVENT_COMMAND_ADD\":\"%s\","
                          "\"LANG\":[{\"LANGUAGE_ID\":\"en\",\"TITLE\":\"Get help\",\"PARAMS\":\"topic\"}]}",
                          bot_id, botbench_test_bot_get_url (bot));
  result = botbench_ui_test_rest (f, "imbot.command.register", json);

  /* Opening the dialog: ONIMBOTJOINCHAT, and the bot's welcome. */
  botbench_ui_test_chat_with (f, bot_id);
  wait_commands (f, bot_id, 1);
  wait_bot_event (bot, "ONIMBOTJOINCHAT", 0);
  assert_text_shown (f, BOTBENCH_TEST_BOT_WELCOME);
  assert_text_shown (f, "Svetlana Ivanova opened the dialog with Echo Bot");
  /* A handler of the user's own: no hint about Botbench's listener. */
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (botbench_ui_test_find (botbench_ui_test_chat_page (f),
                                                                                       "handler_hint_revealer"))));

  /* hello + Enter -> "echo: hello" */
  n = botbench_test_bot_get_n_events (bot);
  type_and_send (f, "hello");
  wait_bot_event (bot, "ONIMBOTMESSAGEADD", n);
  assert_text_shown (f, "echo: hello");
  mine = wait_message (f, "hello");
  g_assert_true (botbench_chat_message_get_author_id (mine) == 1);

  /* Its handler is not Botbench's listener: no event to show. */
  g_assert_null (botbench_ui_test_find_text (GTK_WIDGET (botbench_ui_test_chat_page (f)), "Show in Events"));

  /* The bot's message says how it was made. */
  answer = wait_message (f, "echo: hello");
  g_assert_cmpstr (botbench_chat_message_get_source_method (answer), ==, "imbot.message.add");

  /* "/" completes the bot's command; Enter takes it, Enter sends it. */
  entry = GTK_WIDGET (botbench_chat_composer_get_editable (composer (f)));
  gtk_editable_set_text (GTK_EDITABLE (entry), "/he");
  g_assert_true (botbench_chat_composer_get_completing (composer (f)));
  {
    g_auto(GStrv) shown = botbench_chat_composer_dup_completions (composer (f));

    g_assert_cmpstrv (shown, ((const char * const[]) { "/help", NULL }));
  }
  botbench_ui_test_screenshot (f, "chat-completion.png");
  {
    GtkWidget *list = find_named (GTK_WIDGET (composer (f)), "command_completion");

    /* Taking the row (Enter, Tab or a click) puts the command in. */
    g_assert_nonnull (list);
    g_signal_emit_by_name (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 0), "activate");
    g_assert_cmpstr (botbench_chat_composer_get_text (composer (f)), ==, "/help ");
    g_assert_false (botbench_chat_composer_get_completing (composer (f)));
  }
  n = botbench_test_bot_get_n_events (bot);
  botbench_chat_composer_send (composer (f));
  wait_bot_event (bot, "ONIMCOMMANDADD", n);
  assert_text_shown (f, "Help: I echo what you write.");
  botbench_ui_test_screenshot (f, "chat.png");

  /* The answer's keyboard: its COMMAND button reaches the bot. */
  answer = wait_message (f, BOTBENCH_TEST_BOT_HELP);
  g_assert_cmpint (botbench_chat_message_get_command_id (answer), >, 0);
  g_assert_false (botbench_attach_is_empty (botbench_chat_message_get_attach (answer)));
  keyboard = botbench_chat_message_get_keyboard (answer);
  g_assert_false (botbench_keyboard_is_empty (keyboard));
  for (guint i = 0; i < keyboard->n_buttons && button == NULL; i++)
    {
      const BotbenchKeyboardButton *candidate = botbench_keyboard_get_button (keyboard, i);

      if (candidate != NULL && g_str_equal (candidate->command, "help"))
        button = candidate;
    }
  g_assert_nonnull (button);
  n = botbench_test_bot_get_n_events (bot);
  gtk_widget_activate_action (GTK_WIDGET (botbench_ui_test_chat_page (f)), "chat.press-button", "(xu)",
                              botbench_chat_message_get_id (answer), button->index);
  n = wait_bot_event (bot, "ONIMCOMMANDADD", n);
  g_assert_cmpstr (bot_event_string (bot, n, "COMMAND", "*", "COMMAND_CONTEXT", NULL), ==, "KEYBOARD");
  g_assert_cmpstr (bot_event_string (bot, n, "COMMAND", "*", "COMMAND_PARAMS", NULL), ==, "more");
  assert_text_shown (f, BOTBENCH_TEST_BOT_MORE);

  /* Edit and delete reach the type S bot. */
  n = botbench_test_bot_get_n_events (bot);
  gtk_widget_activate_action (GTK_WIDGET (botbench_ui_test_chat_page (f)), "chat.edit", "x", botbench_chat_message_get_id (mine));
  dialog = botbench_ui_test_find_dialog (ADW_TYPE_MESSAGE_DIALOG, "Edit Message");
  g_assert_nonnull (dialog);
  gtk_editable_set_text (GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog)), "hello, edited");
  botbench_ui_test_respond (dialog, "save");
  n = wait_bot_event (bot, "ONIMBOTMESSAGEUPDATE", n);
  g_assert_cmpstr (bot_event_string (bot, n, "PARAMS", "MESSAGE", NULL), ==, "hello, edited");

  n = botbench_test_bot_get_n_events (bot);
  gtk_widget_activate_action (GTK_WIDGET (botbench_ui_test_chat_page (f)), "chat.delete", "x", botbench_chat_message_get_id (mine));
  dialog = botbench_ui_test_find_dialog (ADW_TYPE_MESSAGE_DIALOG, "Delete Message?");
  g_assert_nonnull (dialog);
  botbench_ui_test_respond (dialog, "delete");
  wait_bot_event (bot, "ONIMBOTMESSAGEDELETE", n);
  assert_text_shown (f, "This message was deleted");

  /* The bot answers 500, then is down: the problem shows in the chat. */
  botbench_test_bot_set_status (bot, 500);
  type_and_send (f, "are you ok?");
  assert_text_shown (f, "answered 500");
  g_assert_true (gtk_widget_has_css_class (assert_text_shown (f, "answered 500"), "error"));
  /* A handler that is down: a port held but not listening refuses every
   * connection.  (Not the stopped test bot: the sandbox may still hold a
   * kept-alive connection to it, which a request would wait on.) */
  {
    g_autoptr(GSocket) refuser = botbench_test_new_refusing_socket (0);
    g_autofree char *down_url = g_strdup_printf ("http://127.0.0.1:%u/bot",
                                                 botbench_test_socket_get_port (refuser));
    gint64 down_id = register_bot (f, "downbot", "Down Bot", "S", down_url);

    botbench_ui_test_chat_with (f, down_id);
    type_and_send (f, "anybody?");
    assert_text_shown (f, "Connection refused");
    g_assert_true (gtk_widget_has_css_class (assert_text_shown (f, "Connection refused"), "error"));
    botbench_ui_test_screenshot (f, "chat-problems.png");
  }
}

static gboolean
dialog_is_group (gpointer data)
{
  const char *dialog_id = botbench_chat_page_get_dialog_id (data);

  return dialog_id != NULL && g_str_has_prefix (dialog_id, "chat");
}

static gboolean
bot_is_member (gpointer data)
{
  BotWait *wait = data;
  BotbenchChatSession *session = botbench_chat_page_get_session (wait->page);
  BotbenchChatConversation *conversation;

  conversation = botbench_chat_session_lookup_conversation (session, botbench_chat_page_get_dialog_id (wait->page));
  return conversation != NULL && botbench_chat_conversation_has_member (conversation, wait->bot_id);
}

/* A widget under @widget whose name (gtk_widget_set_name) is @name. */
static GtkWidget *
find_named (GtkWidget  *widget,
            const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (widget), name) == 0 && gtk_widget_get_mapped (widget))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_named (child, name);

      if (found != NULL)
        return found;
    }

  return NULL;
}

typedef struct
{
  BotbenchChatPage *page;
  gint64            user_id;
} UserWait;

static gboolean
user_is_speaking (gpointer data)
{
  UserWait *wait = data;
  BotbenchChatSession *session = botbench_chat_page_get_session (wait->page);

  return session != NULL && botbench_chat_session_get_user_id (session) == wait->user_id &&
         botbench_chat_session_get_ready (session);
}

/* Another user speaks; a bot's message shows its request; a bot is added
 * to a group chat from the Add Bot menu. */
static void
users_requests_add_bot (Fixture *f)
{
  g_autoptr(BotbenchTestBot) bot = NULL;
  BotbenchChatNewDialog *dialog;
  BotbenchChatMessage *mine;
  GtkDropDown *users;
  GtkWidget *request;
  GtkPopover *popover;
  UserWait user_wait;
  BotWait bot_wait;
  guint selected = GTK_INVALID_LIST_POSITION;
  guint n;
  gint64 bot_id;

  botbench_ui_test_use_sandbox (f);
  bot = start_test_bot (f);
  bot_id = register_bot (f, "echobot", "Echo Bot", "S", botbench_test_bot_get_url (bot));
  botbench_ui_test_chat_with (f, bot_id);
  assert_text_shown (f, BOTBENCH_TEST_BOT_WELCOME);

  /* The bot's welcome: its Request button shows imbot.message.add. */
  request = find_named (GTK_WIDGET (botbench_ui_test_chat_page (f)), "request_button");
  g_assert_nonnull (request);
  gtk_menu_button_popup (GTK_MENU_BUTTON (request));
  popover = gtk_menu_button_get_popover (GTK_MENU_BUTTON (request));
  botbench_test_assert_wait_until_full (botbench_ui_test_widget_is_mapped, popover, WAIT_MS, "the request popover");
  {
    const char *source = gtk_label_get_text (GTK_LABEL (find_named (GTK_WIDGET (popover), "source_label")));

    g_assert_nonnull (strstr (source, "METHOD: imbot.message.add"));
    g_assert_nonnull (strstr (source, BOTBENCH_TEST_BOT_WELCOME));
  }
  botbench_ui_test_screenshot (f, "chat-request.png");
  gtk_popover_popdown (popover);

  /* Speaking as Dmitry Sokolov: his own dialog with the bot. */
  users = GTK_DROP_DOWN (botbench_ui_test_find (botbench_ui_test_chat_page (f), "user_dropdown"));
  for (guint i = 0; i < g_list_model_get_n_items (gtk_drop_down_get_model (users)); i++)
    if (g_str_equal (gtk_string_list_get_string (GTK_STRING_LIST (gtk_drop_down_get_model (users)), i),
                     "Dmitry Sokolov"))
      selected = i;
  g_assert_cmpuint (selected, !=, GTK_INVALID_LIST_POSITION);
  n = botbench_test_bot_get_n_events (bot);
  gtk_drop_down_set_selected (users, selected);
  user_wait.page = botbench_ui_test_chat_page (f);
  user_wait.user_id = 2;
  botbench_test_assert_wait_until_full (user_is_speaking, &user_wait, WAIT_MS, "Dmitry to speak");
  bot_wait.page = botbench_ui_test_chat_page (f);
  bot_wait.bot_id = bot_id;
  botbench_ui_test_wait_bot_dialog (f, bot_id);
  n = wait_bot_event (bot, "ONIMBOTJOINCHAT", n);
  g_assert_cmpstr (bot_event_string (bot, n, "USER", "NAME", NULL), ==, "Dmitry Sokolov");

  n = botbench_test_bot_get_n_events (bot);
  type_and_send (f, "hi from Dmitry");
  n = wait_bot_event (bot, "ONIMBOTMESSAGEADD", n);
  g_assert_cmpstr (bot_event_string (bot, n, "PARAMS", "FROM_USER_ID", NULL), ==, "2");
  mine = wait_message (f, "hi from Dmitry");
  g_assert_cmpint (botbench_chat_message_get_author_id (mine), ==, 2);
  botbench_ui_test_assert_label_shown (GTK_WIDGET (botbench_ui_test_chat_page (f)), "Dmitry Sokolov");
  assert_text_shown (f, "echo: hi from Dmitry");

  /* A group chat without bots; Add Bot brings one in. */
  gtk_widget_activate_action (GTK_WIDGET (botbench_ui_test_chat_page (f)), "chat.new-group", NULL);
  dialog = BOTBENCH_CHAT_NEW_DIALOG (botbench_ui_test_find_dialog (BOTBENCH_TYPE_CHAT_NEW_DIALOG, "New Group Chat"));
  g_assert_nonnull (dialog);
  g_assert_null (botbench_chat_new_dialog_get_check (dialog, 2));  /* Dmitry writes it */
  gtk_check_button_set_active (botbench_chat_new_dialog_get_check (dialog, 1), TRUE);
  botbench_ui_test_respond (ADW_MESSAGE_DIALOG (dialog), "create");
  botbench_test_assert_wait_until_full (dialog_is_group, botbench_ui_test_chat_page (f), WAIT_MS, "the group chat to open");
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  g_assert_true (gtk_widget_get_visible (botbench_ui_test_find (botbench_ui_test_chat_page (f), "add_bot_button")));
  g_assert_true (gtk_widget_get_visible (botbench_ui_test_find (botbench_ui_test_chat_page (f), "mention_button")));
  n = botbench_test_bot_get_n_events (bot);
  gtk_widget_activate_action (GTK_WIDGET (botbench_ui_test_chat_page (f)), "chat.add-bot", "x", bot_id);
  botbench_test_assert_wait_until_full (bot_is_member, &bot_wait, WAIT_MS, "the bot to join");
  n = wait_bot_event (bot, "ONIMBOTJOINCHAT", n);
  g_assert_true (g_str_has_prefix (bot_event_string (bot, n, "PARAMS", "DIALOG_ID", NULL), "chat"));
  assert_text_shown (f, BOTBENCH_TEST_BOT_WELCOME);

  /* The bot answered every event: no call of its is left in flight. */
  g_assert_true (botbench_test_bot_wait_calls (bot, botbench_test_bot_get_n_events (bot), WAIT_MS));
}

/* A group chat with a type B bot: only mentions reach it. */
static void
group_chat_mentions (Fixture *f)
{
  g_autofree char *handler = NULL;
  g_autofree char *mention = NULL;
  BotbenchChatNewDialog *dialog;
  BotWait wait;
  gint64 bot_id;

  botbench_ui_test_use_sandbox (f);
  handler = listener_url (f);
  bot_id = register_bot (f, "groupbot", "Group Bot", "B", handler);

  botbench_ui_test_show_chat (f, bot_id);
  wait.page = botbench_ui_test_chat_page (f);
  wait.bot_id = bot_id;

  /* New Group Chat: a title, a second user, the bot. */
  gtk_widget_activate_action (GTK_WIDGET (botbench_ui_test_chat_page (f)), "chat.new-group", NULL);
  dialog = BOTBENCH_CHAT_NEW_DIALOG (botbench_ui_test_find_dialog (BOTBENCH_TYPE_CHAT_NEW_DIALOG, "New Group Chat"));
  g_assert_nonnull (dialog);
  gtk_editable_set_text (botbench_chat_new_dialog_get_title_entry (dialog), "Sales team");
  g_assert_null (botbench_chat_new_dialog_get_check (dialog, 1));  /* the author, always in */
  gtk_check_button_set_active (botbench_chat_new_dialog_get_check (dialog, 2), TRUE);
  gtk_check_button_set_active (botbench_chat_new_dialog_get_check (dialog, bot_id), TRUE);
  botbench_ui_test_respond (ADW_MESSAGE_DIALOG (dialog), "create");
  botbench_test_assert_wait_until_full (dialog_is_group, botbench_ui_test_chat_page (f), WAIT_MS, "the group chat to open");
  botbench_test_assert_wait_until_full (bot_is_member, &wait, WAIT_MS, "the bot to join");
  botbench_ui_test_wait_for_logged_event (f->window, "ONIMBOTJOINCHAT", NULL);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-chat", NULL);
  botbench_ui_test_assert_label_shown (GTK_WIDGET (botbench_ui_test_chat_page (f)), "Sales team");

  /* Not mentioned: no event, and the note says why. */
  type_and_send (f, "Hi everyone");
  assert_text_shown (f, "ignores group messages that do not mention it");
  g_assert_true (gtk_widget_has_css_class (assert_text_shown (f, "ignores group messages"), "warning"));

  /* The @ menu inserts the mention; then the bot gets the message. */
  gtk_widget_activate_action (GTK_WIDGET (botbench_ui_test_chat_page (f)), "chat.mention", "x", bot_id);
  mention = g_strdup_printf ("[USER=%" G_GINT64_FORMAT "]Group Bot[/USER] ", bot_id);
  g_assert_cmpstr (botbench_chat_composer_get_text (composer (f)), ==, mention);
  gtk_editable_set_position (botbench_chat_composer_get_editable (composer (f)), -1);
  botbench_chat_composer_insert (composer (f), "what is new?");
  botbench_chat_composer_send (composer (f));
  assert_text_shown (f, "answered 200");
  botbench_ui_test_screenshot (f, "chat-group.png");
  botbench_ui_test_wait_for_logged_event (f->window, "ONIMBOTMESSAGEADD", "what is new?");
  botbench_ui_test_wait_events_settled (f->window);
}

/* Replies a bot posts through REST that are not what they should be. */
static void
malformed_replies (Fixture *f)
{
  g_autofree char *handler = NULL;
  g_autofree char *json = NULL;
  g_autoptr(GString) big = g_string_sized_new (1024 * 1024 + 64);
  g_autoptr(JsonNode) result = NULL;
  BotbenchChatMessage *message;
  gint64 bot_id;

  botbench_ui_test_use_sandbox (f);
  handler = listener_url (f);
  bot_id = register_bot (f, "oddbot", "Odd Bot", "S", handler);
  botbench_ui_test_chat_with (f, bot_id);

  /* ATTACH blocks with wrong types, KEYBOARD not a list of buttons. */
  json = g_strdup_printf ("{\"BOT_ID\":%" G_GINT64_FORMAT ",\"DIALOG_ID\":\"1\",\"MESSAGE\":\"odd reply\","
                          "\"ATTACH\":[{\"MESSAGE\":42},{\"IMAGE\":\"not an object\"},{\"GRID\":[{\"NAME\":[1],\"VALUE\":{}}]},"
                          "{\"DELIMITER\":{\"SIZE\":\"wide\"}},{\"HTML\":\"<b>x</b>\"}],"
                          "\"KEYBOARD\":{\"BUTTONS\":\"not a list\"}}", bot_id);
  result = botbench_ui_test_rest (f, "imbot.message.add", json);
  assert_text_shown (f, "odd reply");
  message = wait_message (f, "odd reply");
  g_assert_false (botbench_attach_is_empty (botbench_chat_message_get_attach (message)));
  g_assert_cmpuint (botbench_chat_message_get_attach (message)->warnings->len, >, 0);
  /* A warning, with the raw JSON behind an expander. */
  assert_text_shown (f, g_ptr_array_index (botbench_chat_message_get_attach (message)->warnings, 0));
  assert_text_shown (f, "Show Raw JSON");
  g_clear_pointer (&result, json_node_unref);
  botbench_ui_test_screenshot (f, "chat-malformed.png");

  /* A 1 MB message: shown, cut. */
  g_string_append (big, "BIG ");
  while (big->len < 1024 * 1024)
    g_string_append (big, "[b]0123456789[/b] ");
  g_free (json);
  json = g_strdup_printf ("{\"BOT_ID\":%" G_GINT64_FORMAT ",\"DIALOG_ID\":\"1\",\"MESSAGE\":\"%s\"}",
                          bot_id, big->str);
  result = botbench_ui_test_rest (f, "imbot.message.add", json);
  {
    GtkWidget *label = assert_text_shown (f, "BIG 0123456789");

    g_assert_cmpint (g_utf8_strlen (gtk_label_get_text (GTK_LABEL (label)), -1), <=,
                     BOTBENCH_CHAT_TEXT_MAX_CHARS + 1);
    g_assert_true (g_str_has_suffix (gtk_label_get_text (GTK_LABEL (label)), "…"));
  }

  /* The page still works. */
  type_and_send (f, "still here");
  assert_text_shown (f, "still here");
  botbench_ui_test_wait_events_settled (f->window);
}

/* Keyboard buttons the client handles itself: PUT fills the composer,
 * COPY copies; a disabled button cannot be pressed. */
static void
keyboard_actions (Fixture *f)
{
  g_autofree char *handler = NULL;
  g_autofree char *json = NULL;
  g_autofree char *copied = NULL;
  g_autoptr(JsonNode) result = NULL;
  g_autoptr(GError) error = NULL;
  BotbenchChatMessage *message;
  BotbenchKeyboard *keyboard;
  BotbenchTestResult r = { NULL };
  GdkClipboard *clipboard;
  gint64 bot_id;

  botbench_ui_test_use_sandbox (f);
  handler = listener_url (f);
  bot_id = register_bot (f, "keysbot", "Keys Bot", "S", handler);
  botbench_ui_test_chat_with (f, bot_id);

  json = g_strdup_printf ("{\"BOT_ID\":%" G_GINT64_FORMAT ",\"DIALOG_ID\":\"1\",\"MESSAGE\":\"pick one\","
                          "\"KEYBOARD\":[{\"TEXT\":\"Put\",\"ACTION\":\"PUT\",\"ACTION_VALUE\":\"/order 42\"},"
                          "{\"TEXT\":\"Copy\",\"ACTION\":\"COPY\",\"ACTION_VALUE\":\"ORDER-42\"},"
                          "{\"TYPE\":\"NEWLINE\"},"
                          "{\"TEXT\":\"[b]Off[/b]\",\"COMMAND\":\"off\",\"DISABLED\":\"Y\"}]}", bot_id);
  result = botbench_ui_test_rest (f, "imbot.message.add", json);
  assert_text_shown (f, "pick one");
  assert_text_shown (f, "Put");
  message = wait_message (f, "pick one");
  keyboard = botbench_chat_message_get_keyboard (message);
  g_assert_cmpuint (keyboard->n_buttons, ==, 3);
  g_assert_cmpuint (keyboard->rows->len, ==, 2);

  /* The disabled button is drawn insensitive. */
  g_assert_false (gtk_widget_is_sensitive (gtk_widget_get_ancestor (assert_text_shown (f, "Off"), GTK_TYPE_BUTTON)));

  gtk_widget_activate_action (GTK_WIDGET (botbench_ui_test_chat_page (f)), "chat.press-button", "(xu)",
                              botbench_chat_message_get_id (message), 0);
  g_assert_cmpstr (botbench_chat_composer_get_text (composer (f)), ==, "/order 42");
  /* Ready to go on typing: nothing selected. */
  g_assert_false (gtk_editable_get_selection_bounds (botbench_chat_composer_get_editable (composer (f)), NULL, NULL));

  gtk_widget_activate_action (GTK_WIDGET (botbench_ui_test_chat_page (f)), "chat.press-button", "(xu)",
                              botbench_chat_message_get_id (message), 1);
  botbench_ui_test_assert_toast_shown (f->window, "Copied");
  clipboard = gtk_widget_get_clipboard (GTK_WIDGET (f->window));
  gdk_clipboard_read_text_async (clipboard, NULL, botbench_test_result_cb, &r);
  copied = gdk_clipboard_read_text_finish (clipboard, botbench_test_result_wait (&r, WAIT_MS), &error);
  botbench_test_result_clear (&r);
  g_assert_no_error (error);
  g_assert_cmpstr (copied, ==, "ORDER-42");
  botbench_ui_test_screenshot (f, "chat-keyboard.png");
}

/* "/" opens the bot's commands; Enter takes one. */
static void
command_completion (Fixture *f)
{
  g_autofree char *handler = NULL;
  g_autofree char *json = NULL;
  g_autoptr(JsonNode) result = NULL;
  g_auto(GStrv) shown = NULL;
  GtkWidget *entry;
  gint64 bot_id;

  botbench_ui_test_use_sandbox (f);
  handler = listener_url (f);
  bot_id = register_bot (f, "cmdbot", "Command Bot", "B", handler);
  json = g_strdup_printf ("{\"BOT_ID\":%" G_GINT64_FORMAT ",\"COMMAND\":\"help\",\"EVENT_COMMAND_ADD\":\"%s\","
                          "\"LANG\":[{\"LANGUAGE_ID\":\"en\",\"TITLE\":\"Get help\",\"PARAMS\":\"topic\"}]}",
                          bot_id, handler);
  result = botbench_ui_test_rest (f, "imbot.command.register", json);
  g_clear_pointer (&result, json_node_unref);
  g_free (json);
  json = g_strdup_printf ("{\"BOT_ID\":%" G_GINT64_FORMAT ",\"COMMAND\":\"hello\",\"EVENT_COMMAND_ADD\":\"%s\","
                          "\"LANG\":[{\"LANGUAGE_ID\":\"en\",\"TITLE\":\"Say hello\",\"PARAMS\":\"\"}]}",
                          bot_id, handler);
  result = botbench_ui_test_rest (f, "imbot.command.register", json);

  botbench_ui_test_chat_with (f, bot_id);
  wait_commands (f, bot_id, 2);
  botbench_ui_test_wait_for_logged_event (f->window, "ONIMBOTJOINCHAT", NULL);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-chat", NULL);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));

  entry = GTK_WIDGET (botbench_chat_composer_get_editable (composer (f)));
  gtk_editable_set_text (GTK_EDITABLE (entry), "/");
  g_assert_true (botbench_chat_composer_get_completing (composer (f)));
  shown = botbench_chat_composer_dup_completions (composer (f));
  g_assert_cmpuint (g_strv_length (shown), ==, 2);
  g_assert_true (g_strv_contains ((const char * const *)shown, "/help"));
  g_clear_pointer (&shown, g_strfreev);
  botbench_ui_test_screenshot (f, "chat-commands.png");

  gtk_editable_set_text (GTK_EDITABLE (entry), "/he");
  shown = botbench_chat_composer_dup_completions (composer (f));
  g_assert_cmpuint (g_strv_length (shown), ==, 2);
  gtk_editable_set_text (GTK_EDITABLE (entry), "/hel");
  g_clear_pointer (&shown, g_strfreev);
  shown = botbench_chat_composer_dup_completions (composer (f));
  g_assert_cmpstrv (shown, ((const char * const[]) { "/help", "/hello", NULL }));

  /* Escape closes; a space ends the command. */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.focus-composer", NULL);
  g_assert_true (botbench_chat_composer_get_completing (composer (f)));
  gtk_editable_set_text (GTK_EDITABLE (entry), "/help me");
  g_assert_false (botbench_chat_composer_get_completing (composer (f)));

  /* Sent, the command reaches the bot as ONIMCOMMANDADD. */
  botbench_chat_composer_send (composer (f));
  botbench_ui_test_wait_for_logged_event (f->window, "ONIMCOMMANDADD", NULL);
  botbench_ui_test_wait_events_settled (f->window);
}

/* A v2 bot in fetch mode: its events wait for imbot.v2.Event.get, and the
 * line under the message says so, plainly (no warning), with why. */
static void
v2_fetch_queued (Fixture *f)
{
  g_autoptr(JsonNode) result = NULL;
  GtkWidget *label;
  gint64 bot_id;

  botbench_ui_test_use_sandbox (f);
  result = botbench_ui_test_rest (f, "imbot.v2.Bot.register",
                                  "{\"botToken\":\"chat-ui-v2\",\"fields\":{\"code\":\"fetchbot\","
                                  "\"properties\":{\"name\":\"Fetch Bot\"}}}");
  g_assert_true (JSON_NODE_HOLDS_OBJECT (result));
  bot_id = json_object_get_int_member (json_object_get_object_member (json_node_get_object (result), "bot"), "id");
  g_assert_cmpint (bot_id, >, 0);

  botbench_ui_test_chat_with (f, bot_id);
  type_and_send (f, "hello fetch bot");
  wait_message (f, "hello fetch bot");

  label = assert_text_shown (f, "Queued for fetching: ONIMBOTV2MESSAGEADD");
  g_assert_cmpstr (gtk_widget_get_tooltip_text (label), ==, "The bot reads its events with imbot.v2.Event.get");
  g_assert_false (gtk_widget_has_css_class (label, "warning"));
  g_assert_false (gtk_widget_has_css_class (label, "error"));
  g_assert_true (gtk_widget_has_css_class (label, "dim-label"));
  g_assert_null (botbench_ui_test_find_text (GTK_WIDGET (botbench_ui_test_chat_page (f)), "FETCH_QUEUED"));
  botbench_ui_test_screenshot (f, "chat-v2-queued.png");
}

/* ---- Why No Events? ------------------------------------------------------------------- */

static BotbenchDoctorDialog *
find_doctor_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();   /* borrowed */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (BOTBENCH_IS_DOCTOR_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return BOTBENCH_DOCTOR_DIALOG (window);
    }
  return NULL;
}

static gboolean
doctor_done (gpointer data)
{
  return botbench_doctor_dialog_is_done (data);
}

static const BotbenchDoctorCheck *
find_check (GPtrArray  *checks,
            const char *name,
            gint64      bot_id)
{
  for (guint i = 0; i < checks->len; i++)
    {
      const BotbenchDoctorCheck *check = g_ptr_array_index (checks, i);

      if (g_str_equal (check->name, name) && check->bot_id == bot_id)
        return check;
    }
  return NULL;
}

static GPtrArray *
run_doctor (Fixture *f,
            gint64   bot_id)
{
  BotbenchEventsPage *page = botbench_ui_test_get_events_page (f->window);
  BotbenchDoctorDialog *dialog;
  GPtrArray *checks;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "win.doctor", "x", bot_id));
  dialog = find_doctor_dialog ();
  g_assert_nonnull (dialog);
  botbench_test_assert_wait_until_full (doctor_done, dialog, WAIT_MS, "the checks to finish");
  checks = botbench_doctor_dialog_get_checks (dialog);
  g_assert_nonnull (checks);
  for (guint i = 0; i < checks->len; i++)
    {
      const BotbenchDoctorCheck *c = g_ptr_array_index (checks, i);

      g_test_message ("%s %s (bot %" G_GINT64_FORMAT "): %s", botbench_doctor_status_to_string (c->status),
                      c->name, c->bot_id, c->message);
    }
  return g_ptr_array_ref (checks);
}

/* The Events menu's "Why No Events?" checks the sandbox profile: the
 * portal's checks pass; for a bot whose handler refuses connections, that
 * is the problem, said on its row with what to do. */
static void
doctor_dialog (Fixture *f)
{
  g_autoptr(GSocket) refuser = botbench_test_new_refusing_socket (0);
  g_autofree char *down_url = g_strdup_printf ("http://127.0.0.1:%u/bot", botbench_test_socket_get_port (refuser));
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) one = NULL;
  BotbenchDoctorDialog *dialog;
  const BotbenchDoctorCheck *check;
  GtkWidget *group;
  gint64 down_id;

  botbench_ui_test_use_sandbox (f);
  down_id = register_bot (f, "silentbot", "Silent Bot", "S", down_url);
  {
    /* Saved on this machine, as the Bots page does: the doctor reads the
     * handler URLs from the definition (imbot.bot.list does not give them). */
    g_autofree char *json = g_strdup_printf ("{\"CODE\":\"silentbot\",\"TYPE\":\"S\",\"EVENT_HANDLER\":\"%s\","
                                             "\"PROPERTIES\":{\"NAME\":\"Silent Bot\"}}", down_url);
    g_autoptr(BotbenchBot) bot = botbench_bot_new_from_data (json, -1, NULL, NULL);
    g_autoptr(GError) error = NULL;

    g_assert_nonnull (bot);
    botbench_bot_set_bot_id (bot, down_id);
    g_assert_true (botbench_bot_store_add (botbench_application_get_bot_store (f->app), bot, &error));
    g_assert_no_error (error);
  }

  all = run_doctor (f, 0);
  dialog = find_doctor_dialog ();
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (dialog)), ==, "Why No Events?");
  g_assert_cmpstr (((const BotbenchDoctorCheck *)g_ptr_array_index (all, 0))->name, ==, "profile");
  for (const char * const *name = (const char * const[]) { "profile", "scope", "app-installed", NULL }; *name; name++)
    {
      check = find_check (all, *name, 0);
      g_assert_nonnull (check);
      g_assert_cmpint (check->status, ==, BOTBENCH_DOCTOR_STATUS_OK);
    }
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* One bot: its title, its checks, the refused handler a problem. */
  one = run_doctor (f, down_id);
  dialog = find_doctor_dialog ();
  g_assert_nonnull (strstr (gtk_window_get_title (GTK_WINDOW (dialog)), "Bot"));
  check = find_check (one, "handler-answers", down_id);
  g_assert_nonnull (check);
  g_assert_cmpint (check->status, ==, BOTBENCH_DOCTOR_STATUS_PROBLEM);
  for (guint i = 0; i < one->len; i++)
    {
      const BotbenchDoctorCheck *c = g_ptr_array_index (one, i);

      g_assert_true (c->bot_id == 0 || c->bot_id == down_id);
    }
  /* The problem's sentence is shown. */
  botbench_ui_test_assert_text_shown (f, GTK_WIDGET (dialog), check->message);
  group = botbench_ui_test_find (GTK_WIDGET (dialog), "results_group");
  g_assert_nonnull (strstr (adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (group)), "to fix"));
  botbench_ui_test_screenshot (f, "doctor.png");
  gtk_window_destroy (GTK_WINDOW (dialog));
}

int
main (int   argc,
      char *argv[])
{
  tmp_root = botbench_ui_test_init (&argc, &argv, &have_keyring);

  botbench_ui_test_add ("/chat-ui/not-a-sandbox", not_a_sandbox);
  botbench_ui_test_add ("/chat-ui/listener-round-trip", listener_round_trip);
  botbench_ui_test_add ("/chat-ui/test-bot-round-trip", test_bot_round_trip);
  botbench_ui_test_add ("/chat-ui/group-chat-mentions", group_chat_mentions);
  botbench_ui_test_add ("/chat-ui/users-requests-add-bot", users_requests_add_bot);
  botbench_ui_test_add ("/chat-ui/malformed-replies", malformed_replies);
  botbench_ui_test_add ("/chat-ui/keyboard-actions", keyboard_actions);
  botbench_ui_test_add ("/chat-ui/command-completion", command_completion);
  botbench_ui_test_add ("/chat-ui/v2-fetch-queued", v2_fetch_queued);
  botbench_ui_test_add ("/chat-ui/doctor-dialog", doctor_dialog);

  return botbench_ui_test_run ();
}
