/* test-screenshots.c: a tour of every page, the README's pictures
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One story on the built-in sandbox, checked at each step like any UI
 * test: a bot made and registered in the editor, a conversation with an
 * echo bot on the Chat page, the events of a bot whose handler is
 * Botbench's own listener in the log, the sandbox profile tested in its
 * editor, and the REST calls on the Requests page.  With
 * BOTBENCH_TEST_SCREENSHOT_DIR set it leaves events.png, bots.png,
 * chat.png, profiles.png and requests.png there: `build-aux/dev
 * screenshots` runs it to renew data/screenshots (and, for looking at,
 * the same tour in dark, high-contrast and Russian).
 */
#include "config.h"

#include <string.h>

#include "botbench-application.h"
#include "botbench-bot-editor-private.h"
#include "botbench-bots-page.h"
#include "botbench-chat-composer.h"
#include "botbench-chat-page.h"
#include "botbench-profile-editor.h"
#include "botbench-profiles-page.h"
#include "botbench-request-preview-dialog.h"
#include "botbench-test-bot.h"
#include "botbench-test-utils.h"
#include "botbench-ui-test-bots.h"
#include "botbench-ui-test-chat.h"
#include "botbench-ui-test-sandbox.h"
#include "botbench-ui-test-utils.h"
#include "botbench-ui-test-widgets.h"

#define WAIT_MS BOTBENCH_UI_TEST_WAIT_MS

typedef BotbenchUiFixture Fixture;

static gboolean have_keyring;

/* ---- Bots: a bot made in the editor ------------------------------------- */

static void
type_into (BotbenchBotEditor *ed,
           const char        *key,
           const char        *text)
{
  GtkWidget *row = _botbench_bot_editor_get_field_row (ed, key);

  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
}

/* Support Bot, its events to Botbench's listener; returns its id. */
static gint64
register_in_editor (Fixture *f)
{
  BotbenchBotEditor *ed;
  AdwMessageDialog *preview;

  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.new-bot", NULL);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  ed = botbench_ui_test_bot_editor (f);
  type_into (ed, "PROPERTIES.NAME", "Support Bot");
  type_into (ed, "CODE", "support_bot");
  type_into (ed, "PROPERTIES.WORK_POSITION", "Answers customers around the clock");
  botbench_ui_test_click (botbench_ui_test_find (ed, "fill_button"));
  g_assert_true (gtk_widget_is_sensitive (botbench_ui_test_find (ed, "register_button")));

  botbench_ui_test_click (botbench_ui_test_find (ed, "register_button"));
  preview = botbench_ui_test_find_dialog (BOTBENCH_TYPE_REQUEST_PREVIEW_DIALOG, NULL);
  botbench_ui_test_respond (preview, "send");
  botbench_test_assert_wait_until_full (botbench_ui_test_bot_is_registered, ed, WAIT_MS, "Support Bot to be registered");
  g_assert_cmpstr (botbench_ui_test_visible_child (f->window, "page_stack"), ==, "bots");

  return botbench_bot_get_bot_id (botbench_bot_editor_get_bot (ed));
}

/* ---- Chat --------------------------------------------------------------- */

typedef struct
{
  BotbenchTestBot *bot;
  const char      *event;
  guint            from;
} BotEventWait;

static gboolean
bot_got_event (gpointer data)
{
  BotEventWait *wait = data;

  for (guint i = wait->from; i < botbench_test_bot_get_n_events (wait->bot); i++)
    if (g_strcmp0 (botbench_test_bot_get_event (wait->bot, i), wait->event) == 0)
      return TRUE;
  return FALSE;
}

/* Echo Bot, with a /help command, its events to the test bot. */
static gint64
register_echo (Fixture         *f,
               BotbenchTestBot *bot)
{
  g_autofree char *json = NULL;
  g_autofree char *command = NULL;
  g_autoptr(JsonNode) result = NULL;
  g_autoptr(JsonNode) command_result = NULL;
  gint64 bot_id;

  json = g_strdup_printf ("{\"CODE\":\"echobot\",\"TYPE\":\"B\",\"EVENT_HANDLER\":\"%s\","
                          "\"PROPERTIES\":{\"NAME\":\"Echo Bot\",\"COLOR\":\"MINT\","
                          "\"WORK_POSITION\":\"Says it back\"}}",
                          botbench_test_bot_get_url (bot));
  result = botbench_ui_test_rest (f, "imbot.register", json);
  bot_id = json_node_get_int (result);
  g_assert_cmpint (bot_id, >, 0);
  command = g_strdup_printf ("{\"BOT_ID\":%lld,\"COMMAND\":\"help\",\"EVENT_COMMAND_ADD\":\"%s\","
                             "\"LANG\":[{\"LANGUAGE_ID\":\"en\",\"TITLE\":\"Get help\",\"PARAMS\":\"topic\"}]}",
                             (long long)bot_id, botbench_test_bot_get_url (bot));
  command_result = botbench_ui_test_rest (f, "imbot.command.register", command);
  return bot_id;
}

static void
say (Fixture         *f,
     BotbenchTestBot *bot,
     const char      *text,
     const char      *event)
{
  BotbenchChatComposer *composer = BOTBENCH_CHAT_COMPOSER (botbench_ui_test_find_by_type (f->window,
                                                                                           BOTBENCH_TYPE_CHAT_COMPOSER));
  BotEventWait wait = { bot, event, bot != NULL ? botbench_test_bot_get_n_events (bot) : 0 };

  gtk_editable_set_text (botbench_chat_composer_get_editable (composer), text);
  botbench_chat_composer_send (composer);
  g_assert_cmpstr (botbench_chat_composer_get_text (composer), ==, "");
  if (bot != NULL)
    botbench_test_assert_wait_until_full (bot_got_event, &wait, WAIT_MS, "the bot to get the message");
}

/* ---- the tour ----------------------------------------------------------- */

static gboolean
event_is_selected (gpointer data)
{
  BotbenchEvent *event = botbench_events_page_get_selected_event (data);

  return event != NULL && g_strcmp0 (botbench_event_get_event_name (event), "ONIMBOTMESSAGEADD") == 0;
}

static gboolean
profile_tested (gpointer data)
{
  return !gtk_spinner_get_spinning (GTK_SPINNER (botbench_ui_test_find (data, "test_spinner"))) &&
         gtk_widget_get_visible (botbench_ui_test_find (data, "user_row"));
}

static gboolean
requests_listed (gpointer data)
{
  GtkWidget *list = botbench_ui_test_find (data, "list_view");
  GtkSelectionModel *model = gtk_list_view_get_model (GTK_LIST_VIEW (list));

  return g_list_model_get_n_items (G_LIST_MODEL (model)) >= 3;
}

static void
tour (Fixture *f)
{
  g_autoptr(BotbenchTestBot) echo = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *webhook = NULL;
  BotbenchProfile *profile;
  BotbenchEventsPage *events_page;
  GtkWidget *profiles_page;
  GtkWidget *requests_page;
  GtkWidget *profile_editor;
  gint64 support_id;
  gint64 echo_id;

  /* No keyring here: the secrets are kept for the session, as a user
   * without one would choose (no banner in the pictures). */
  if (!have_keyring)
    g_action_group_activate_action (G_ACTION_GROUP (f->app), "keep-secrets-in-session", NULL);
  botbench_ui_test_use_sandbox (f);
  profile = botbench_application_get_sandbox_profile (f->app);

  /* Bots: Support Bot made and registered in the editor. */
  support_id = register_in_editor (f);
  g_assert_cmpint (support_id, >, 0);
  botbench_ui_test_screenshot (f, "bots.png");

  /* Events: Support Bot's handler is the listener, so its dialog fills
   * the log; a message event is opened in the detail.  (Before the echo
   * bot's handler starts: it binds the application's events.) */
  botbench_ui_test_chat_with (f, support_id);
  say (f, NULL, "Where is my order #1042?", NULL);
  botbench_ui_test_wait_for_logged_event (f->window, "ONIMBOTMESSAGEADD", NULL);
  events_page = botbench_ui_test_get_events_page (f->window);
  {
    BotbenchEventStore *store = botbench_application_get_store (f->app);
    BotbenchEventQuery query = { .event_name = "ONIMBOTMESSAGEADD", .limit = 1 };
    g_autoptr(GPtrArray) found = botbench_event_store_query (store, &query, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (found->len, ==, 1);
    gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-event", "x",
                                botbench_event_get_id (g_ptr_array_index (found, 0)));
  }
  botbench_test_assert_wait_until_full (event_is_selected, events_page, WAIT_MS, "the event in the detail");
  g_assert_cmpstr (botbench_ui_test_visible_child (f->window, "page_stack"), ==, "events");
  botbench_ui_test_screenshot (f, "events.png");

  /* Chat: an echo bot of the developer's own answers, with its keyboard. */
  webhook = botbench_sandbox_dup_webhook_url (botbench_application_get_sandbox (f->app));
  echo = botbench_test_bot_new (webhook, botbench_profile_get_client_id (profile), 0, &error);
  g_assert_no_error (error);
  echo_id = register_echo (f, echo);
  botbench_ui_test_chat_with (f, echo_id);
  say (f, echo, "hello", "ONIMBOTMESSAGEADD");
  botbench_ui_test_assert_label_shown (GTK_WIDGET (botbench_ui_test_chat_page (f)), "echo: hello");
  say (f, echo, "/help", "ONIMCOMMANDADD");
  botbench_ui_test_assert_label_shown (GTK_WIDGET (botbench_ui_test_chat_page (f)), "Help: I echo what you write.");
  botbench_ui_test_screenshot (f, "chat.png");

  /* Profiles: the sandbox profile, its connection tested. */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-profiles", NULL);
  profiles_page = botbench_ui_test_find_by_type (f->window, BOTBENCH_TYPE_PROFILES_PAGE);
  botbench_profiles_page_edit_profile (BOTBENCH_PROFILES_PAGE (profiles_page), profile);
  profile_editor = botbench_ui_test_find_by_type (profiles_page, BOTBENCH_TYPE_PROFILE_EDITOR);
  botbench_ui_test_click (botbench_ui_test_find (profile_editor, "test_button"));
  botbench_test_assert_wait_until_full (profile_tested, profile_editor, WAIT_MS, "the connection test");
  g_assert_cmpstr (botbench_ui_test_visible_child (f->window, "page_stack"), ==, "profiles");
  g_assert_true (gtk_widget_get_visible (botbench_ui_test_find (profile_editor, "scope_row")));
  /* The sandbox reaches the listener on loopback: no tunnel offered. */
  g_assert_false (gtk_widget_get_visible (botbench_ui_test_find (profile_editor, "tunnel_group")));
  /* The profile itself in view: its top. */
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (
                              GTK_SCROLLED_WINDOW (botbench_ui_test_find (profile_editor, "scroller"))), 0);
  botbench_ui_test_screenshot (f, "profiles.png");

  /* Requests: every REST call made so far, imbot.register selected. */
  gtk_stack_set_visible_child_name (GTK_STACK (botbench_ui_test_find (f->window, "page_stack")), "requests");
  requests_page = gtk_stack_get_visible_child (GTK_STACK (botbench_ui_test_find (f->window, "page_stack")));
  botbench_test_assert_wait_until_full (requests_listed, requests_page, WAIT_MS, "the requests");
  {
    GtkSingleSelection *selection = GTK_SINGLE_SELECTION (gtk_list_view_get_model (
      GTK_LIST_VIEW (botbench_ui_test_find (requests_page, "list_view"))));

    for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (selection)); i++)
      {
        g_autoptr(BotbenchRequestRecord) record = g_list_model_get_item (G_LIST_MODEL (selection), i);

        if (g_strcmp0 (botbench_request_record_get_method (record), "imbot.register") == 0)
          gtk_single_selection_set_selected (selection, i);
      }
    g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (botbench_ui_test_find (requests_page, "method_label"))), ==,
                     "imbot.register");
  }
  botbench_ui_test_screenshot (f, "requests.png");

  botbench_ui_test_wait_events_settled (f->window);
}

int
main (int   argc,
      char *argv[])
{
  botbench_ui_test_init (&argc, &argv, &have_keyring);
  botbench_ui_test_add ("/screenshots/tour", tour);

  return botbench_ui_test_run ();
}
