/* test-bots-v2-ui.c: imbot.v2 bots in the Bots page and the bot editor,
 * against the in-process sandbox portal, with fetch mode and no listener
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs under xvfb-run, like test-bots-ui.c: XDG directories in a temporary
 * directory, the sandbox on a free loopback port, session-only secrets
 * unless BOTBENCH_TEST_KEYRING is set.  A v2 bot is made in the editor
 * (API v2, a generated botToken, event mode fetch) and registered; the
 * listener is stopped; a sandbox user writes to the bot and the
 * application's fetch manager brings the event into the log; the bot
 * answers with imbot.v2.Chat.Message.send.  A bot whose saved botToken is
 * not the portal's, and a bot unregistered behind Botbench's back, show
 * why their fetching stopped.
 *
 * BOTBENCH_TEST_SCREENSHOT_DIR=DIR saves `import -window root` shots there.
 */
#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "botbench-application.h"
#include "botbench-bot-editor-private.h"
#include "botbench-bot-v2.h"
#include "botbench-bots-page-private.h"
#include "botbench-command-dialog.h"
#include "botbench-command-row.h"
#include "botbench-request-preview-dialog.h"
#include "botbench-test-utils.h"
#include "botbench-ui-test-bots.h"
#include "botbench-ui-test-sandbox.h"
#include "botbench-ui-test-utils.h"
#include "botbench-ui-test-widgets.h"

#define WAIT_MS BOTBENCH_UI_TEST_WAIT_MS

static const char *tmp_root;
static gboolean have_keyring;

typedef BotbenchUiFixture Fixture;

/* ---- finding things ----------------------------------------------------- */

/* The definition row of @code in the Bots page's list, or NULL. */
static GtkWidget *
definition_row (Fixture    *f,
                const char *code)
{
  GtkWidget *list = botbench_ui_test_find (botbench_ui_test_bots_page (f), "definition_list");

  for (GtkWidget *child = gtk_widget_get_first_child (list);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      BotbenchBot *bot = g_object_get_data (G_OBJECT (child), "bot");

      if (bot != NULL && g_strcmp0 (botbench_bot_get_code (bot), code) == 0)
        return child;
    }
  return NULL;
}

/* A mapped label under @widget that reads exactly @text, or NULL. */
static GtkWidget *
find_label (GtkWidget  *widget,
            const char *text)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
      g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label (child, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

typedef struct
{
  Fixture    *f;
  const char *code;
  const char *text;
} RowWait;

/* The row of wait->code is on screen and its subtitle contains wait->text. */
static gboolean
row_says (gpointer data)
{
  RowWait *wait = data;
  GtkWidget *found = definition_row (wait->f, wait->code);
  const char *subtitle = found != NULL ? adw_action_row_get_subtitle (ADW_ACTION_ROW (found)) : NULL;

  return found != NULL && gtk_widget_get_mapped (found) && subtitle != NULL &&
         strstr (subtitle, wait->text) != NULL;
}

static void
assert_row_says (Fixture    *f,
                 const char *code,
                 const char *text)
{
  RowWait wait = { f, code, text };

  if (!botbench_test_wait_until (row_says, &wait, WAIT_MS))
    {
      GtkWidget *found = definition_row (f, code);

      botbench_ui_test_screenshot (f, "bots-v2-failure.png");
      g_error ("The row of “%s” does not say “%s”; its subtitle: “%s”", code, text,
               found != NULL ? adw_action_row_get_subtitle (ADW_ACTION_ROW (found)) : "(no row)");
    }
}

typedef struct
{
  GtkWidget  *widget;
  const char *text;
} TextWait;

/* wait->widget (an editable) reads wait->text, or anything but "" when
 * that is NULL. */
static gboolean
token_is (gpointer data)
{
  TextWait *wait = data;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (wait->widget));

  return wait->text != NULL ? g_strcmp0 (text, wait->text) == 0 : *text != '\0';
}

/* ---- the sandbox and the app -------------------------------------------- */

static gboolean
listener_is_stopped (gpointer data)
{
  return !botbench_listener_get_running (data);
}

/* The sandbox runs, its profile is active, the listener is OFF (events
 * can only come by fetching), and the Bots page is open. */
static void
open_bots_page_on_sandbox (Fixture *f)
{
  botbench_ui_test_use_sandbox (f);
  botbench_application_stop_listener (f->app);
  botbench_test_assert_wait_until_full (listener_is_stopped, botbench_application_get_listener (f->app),
                                        WAIT_MS, "the listener to stop");

  /* The botTokens go to the keyring; without one, to memory. */
  if (!have_keyring)
    botbench_secret_store_set_session_only (botbench_application_get_secret_store (f->app), TRUE);

  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-bots", NULL);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  g_assert_cmpstr (botbench_ui_test_visible_child (f->window, "page_stack"), ==, "bots");
  /* The page shows the application's store of the active profile. */
  g_assert_true (_botbench_bots_page_get_store (botbench_ui_test_bots_page (f)) == botbench_application_get_bot_store (f->app));
  botbench_test_assert_wait_until_full (botbench_ui_test_portal_listed, botbench_ui_test_bots_page (f), WAIT_MS, "the portal's bot list");
}

static char *
lookup_token (Fixture    *f,
              const char *code)
{
  BotbenchSecretStore *secrets = botbench_application_get_secret_store (f->app);
  g_autofree char *key = botbench_secret_bot_token_key (BOTBENCH_PROFILE_SANDBOX_UUID, code);
  g_autoptr(GError) error = NULL;
  BotbenchTestResult r = { NULL };
  char *token;

  botbench_secret_store_lookup_async (secrets, key, BOTBENCH_SECRET_KIND_BOT_TOKEN, NULL,
                                      botbench_test_result_cb, &r);
  token = botbench_secret_store_lookup_finish (secrets, botbench_test_result_wait (&r, WAIT_MS), &error);
  botbench_test_result_clear (&r);
  g_assert_no_error (error);
  return token;
}

static void
keep_token (Fixture    *f,
            const char *code,
            const char *token)
{
  BotbenchSecretStore *secrets = botbench_application_get_secret_store (f->app);
  g_autofree char *key = botbench_secret_bot_token_key (BOTBENCH_PROFILE_SANDBOX_UUID, code);
  g_autoptr(GError) error = NULL;
  BotbenchTestResult r = { NULL };

  botbench_secret_store_store_async (secrets, key, BOTBENCH_SECRET_KIND_BOT_TOKEN, token, NULL,
                                     botbench_test_result_cb, &r);
  g_assert_true (botbench_secret_store_store_finish (secrets, botbench_test_result_wait (&r, WAIT_MS), &error));
  botbench_test_result_clear (&r);
  g_assert_no_error (error);
}

typedef struct
{
  Fixture *f;
  gint64   bot_id;
} FetcherWait;

static gboolean
bot_is_fetched (gpointer data)
{
  FetcherWait *wait = data;
  BotbenchFetchManager *manager = botbench_application_get_fetch_manager (wait->f->app);

  return manager != NULL && botbench_fetch_manager_get_fetcher (manager, wait->bot_id) != NULL;
}

static gboolean
event_is_stored (gpointer data)
{
  Fixture *f = data;
  BotbenchEventQuery query = { .event_name = "ONIMBOTV2MESSAGEADD", .source = "fetched" };
  g_autoptr(GPtrArray) events = botbench_event_store_query (botbench_application_get_store (f->app), &query, NULL);

  return events != NULL && events->len > 0;
}

/* ---- tests -------------------------------------------------------------- */

/* Makes a v2 fetch bot in the editor and registers it; returns its id. */
static gint64
register_fetch_bot (Fixture *f)
{
  BotbenchBotEditor *ed = botbench_ui_test_bot_editor (f);
  GtkWidget *token_row = botbench_ui_test_editor_row (ed, "botToken");
  g_autofree char *toast = NULL;
  g_autofree char *kept = NULL;
  g_autofree char *file_text = NULL;
  const char *token;
  const char *body;
  BotbenchBot *bot;
  gint64 bot_id;

  gtk_widget_activate_action (GTK_WIDGET (botbench_ui_test_bots_page (f)), "bots.new", NULL);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  g_assert_cmpstr (botbench_ui_test_visible_child (botbench_ui_test_bots_page (f), "stack"), ==, "editor");

  /* A new bot is v1 until told: the v2 rows are hidden, the handlers shown. */
  g_assert_false (gtk_widget_get_visible (token_row));
  g_assert_true (gtk_widget_get_visible (botbench_ui_test_find (ed, "handlers_section")));
  adw_combo_row_set_selected (ADW_COMBO_ROW (botbench_ui_test_find (ed, "api_row")), 1);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  g_assert_true (gtk_widget_get_mapped (token_row));
  g_assert_false (gtk_widget_get_visible (botbench_ui_test_find (ed, "handlers_section")));
  g_assert_false (gtk_widget_get_visible (botbench_ui_test_editor_row (ed, "TYPE")));
  g_assert_false (gtk_widget_get_visible (botbench_ui_test_editor_row (ed, "webhookUrl")));
  /* Fetch is the default event mode. */
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (botbench_ui_test_editor_row (ed, "eventMode"))), ==, 0);

  /* Nothing is red before a field is edited or Register pressed (HIG);
   * pressing it shows the v2 validator's errors on their rows and sends
   * nothing. */
  g_assert_false (gtk_widget_has_css_class (botbench_ui_test_editor_row (ed, "CODE"), "error"));
  g_assert_false (gtk_widget_has_css_class (botbench_ui_test_editor_row (ed, "PROPERTIES.NAME"), "error"));
  g_assert_true (gtk_widget_is_sensitive (botbench_ui_test_find (ed, "register_button")));
  gtk_widget_activate_action (GTK_WIDGET (ed), "bot-editor.send", NULL);
  g_assert_null (botbench_ui_test_preview_dialog ());
  g_assert_true (gtk_widget_has_css_class (botbench_ui_test_editor_row (ed, "CODE"), "error"));
  g_assert_true (gtk_widget_has_css_class (botbench_ui_test_editor_row (ed, "PROPERTIES.NAME"), "error"));
  g_assert_false (gtk_widget_is_sensitive (botbench_ui_test_find (ed, "register_button")));
  botbench_ui_test_type_into (botbench_ui_test_editor_row (ed, "CODE"), "fetchbot");
  g_assert_false (gtk_widget_has_css_class (botbench_ui_test_editor_row (ed, "CODE"), "error"));
  botbench_ui_test_type_into (botbench_ui_test_editor_row (ed, "PROPERTIES.NAME"), "Fetch Bot");
  botbench_ui_test_type_into (botbench_ui_test_editor_row (ed, "PROPERTIES.WORK_POSITION"), "Polls for a living");
  g_assert_false (gtk_widget_has_css_class (botbench_ui_test_editor_row (ed, "PROPERTIES.NAME"), "error"));
  /* Webhook mode needs its URL (BOT_WEBHOOK_URL_REQUIRED), fetch does not. */
  adw_combo_row_set_selected (ADW_COMBO_ROW (botbench_ui_test_editor_row (ed, "eventMode")), 1);
  g_assert_true (gtk_widget_get_visible (botbench_ui_test_editor_row (ed, "webhookUrl")));
  g_assert_true (gtk_widget_has_css_class (botbench_ui_test_editor_row (ed, "webhookUrl"), "error"));
  g_assert_false (gtk_widget_is_sensitive (botbench_ui_test_find (ed, "register_button")));
  adw_combo_row_set_selected (ADW_COMBO_ROW (botbench_ui_test_editor_row (ed, "eventMode")), 0);
  g_assert_false (gtk_widget_get_visible (botbench_ui_test_editor_row (ed, "webhookUrl")));

  /* Generate: 40 hex digits, in a masked entry. */
  g_assert_true (ADW_IS_PASSWORD_ENTRY_ROW (token_row));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (token_row)), ==, "");
  botbench_ui_test_click (botbench_ui_test_find (ed, "generate_button"));
  token = gtk_editable_get_text (GTK_EDITABLE (token_row));
  g_assert_cmpuint (strlen (token), ==, 40);
  for (const char *p = token; *p != '\0'; p++)
    g_assert_true (g_ascii_isxdigit (*p) && !g_ascii_isupper (*p));
  g_assert_true (gtk_widget_is_sensitive (botbench_ui_test_find (ed, "register_button")));
  botbench_ui_test_screenshot (f, "bots-v2-editor.png");

  /* Register shows imbot.v2.Bot.register, the token masked. */
  botbench_ui_test_click (botbench_ui_test_find (ed, "register_button"));
  g_assert_nonnull (botbench_ui_test_preview_dialog ());
  body = botbench_request_preview_dialog_get_body (BOTBENCH_REQUEST_PREVIEW_DIALOG (botbench_ui_test_preview_dialog ()));
  g_assert_nonnull (strstr (body, "\"code\" : \"fetchbot\""));
  g_assert_nonnull (strstr (body, "\"botToken\""));
  g_assert_null (strstr (body, token));
  {
    g_autofree char *curl = _botbench_bot_editor_dup_curl (ed);

    g_assert_nonnull (strstr (curl, "imbot.v2.Bot.register"));
    g_assert_null (strstr (curl, token));
  }
  botbench_ui_test_respond (botbench_ui_test_preview_dialog (), "send");
  botbench_test_assert_wait_until_full (botbench_ui_test_bot_is_registered, ed, WAIT_MS, "the v2 bot to be registered");
  bot = botbench_bot_editor_get_bot (ed);
  bot_id = botbench_bot_get_bot_id (bot);
  g_assert_cmpint (botbench_bot_get_api (bot), ==, BOTBENCH_BOT_API_V2);
  toast = g_strdup_printf ("Registered “Fetch Bot” as bot %" G_GINT64_FORMAT, bot_id);
  botbench_ui_test_assert_label_shown (GTK_WIDGET (f->window), toast);
  /* Registered: the API and type are fixed. */
  g_assert_false (gtk_widget_is_sensitive (botbench_ui_test_find (ed, "api_row")));

  /* The token is in the keyring (or memory), never in the definition. */
  kept = lookup_token (f, "fetchbot");
  g_assert_cmpstr (kept, ==, botbench_bot_get_bot_token (bot));
  file_text = botbench_bot_to_data (bot);
  g_assert_nonnull (strstr (file_text, "\"fields\""));
  g_assert_null (strstr (file_text, kept));

  /* The portal has it, in fetch mode, for this botToken. */
  {
    g_autofree char *json = g_strdup_printf ("{\"botToken\":\"%s\",\"botId\":%" G_GINT64_FORMAT "}", kept, bot_id);
    g_autoptr(JsonNode) result = botbench_ui_test_rest (f, "imbot.v2.Bot.get", json);
    JsonObject *portal_bot = json_object_get_object_member (json_node_get_object (result), "bot");

    g_assert_cmpstr (json_object_get_string_member (portal_bot, "code"), ==, "fetchbot");
    g_assert_cmpstr (json_object_get_string_member (portal_bot, "eventMode"), ==, "fetch");
  }

  return bot_id;
}

static void
fetch_round_trip (Fixture *f)
{
  GSettings *settings = g_settings_new (APP_ID);
  FetcherWait fetcher_wait = { f, 0 };
  g_autoptr(GPtrArray) events = NULL;
  g_autofree char *token = NULL;
  BotbenchEventQuery query = { .event_name = "ONIMBOTV2MESSAGEADD", .source = "fetched" };
  BotbenchBotEditor *ed;
  GtkWidget *fetch_label;
  gint64 bot_id;

  /* Polls every 2 s (the least the docs allow) to keep the test short. */
  g_settings_set_uint (settings, "fetch-interval", 2);
  g_object_unref (settings);

  open_bots_page_on_sandbox (f);
  ed = botbench_ui_test_bot_editor (f);
  bot_id = register_fetch_bot (f);
  token = lookup_token (f, "fetchbot");

  /* Saved → the application's fetch manager polls it. */
  fetcher_wait.bot_id = bot_id;
  botbench_test_assert_wait_until_full (bot_is_fetched, &fetcher_wait, WAIT_MS, "the bot to be fetched");
  /* The editor's fetch state. */
  fetch_label = botbench_ui_test_find (ed, "fetch_label");
  botbench_ui_test_assert_text_shown (f, fetch_label, "Fetching every 2 s");

  /* A user writes; no listener runs, so only fetching brings it in. */
  g_assert_false (botbench_listener_get_running (botbench_application_get_listener (f->app)));
  botbench_ui_test_sandbox_user_writes (f, bot_id, "hello fetch");
  botbench_test_assert_wait_until_full (event_is_stored, f, WAIT_MS, "the fetched event to be stored");
  events = botbench_event_store_query (botbench_application_get_store (f->app), &query, NULL);
  g_assert_cmpuint (events->len, ==, 1);
  g_assert_cmpint (botbench_event_get_source (g_ptr_array_index (events, 0)), ==, BOTBENCH_EVENT_SOURCE_FETCHED);
  botbench_ui_test_wait_for_logged_event (f->window, "ONIMBOTV2MESSAGEADD", NULL);

  /* The editor, then the list, count what came. */
  botbench_ui_test_assert_text_shown (f, fetch_label, "1 event fetched");
  gtk_widget_activate_action (GTK_WIDGET (ed), "bot-editor.close", NULL);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  assert_row_says (f, "fetchbot", "1 event fetched");
  /* Marked as a v2 bot in fetch mode. */
  g_assert_nonnull (find_label (definition_row (f, "fetchbot"), "v2"));
  g_assert_nonnull (find_label (definition_row (f, "fetchbot"), "fetch"));
  botbench_ui_test_screenshot (f, "bots-v2-list.png");

  /* The bot answers with imbot.v2.Chat.Message.send, its botToken. */
  {
    g_autofree char *json = g_strdup_printf ("{\"botToken\":\"%s\",\"botId\":%" G_GINT64_FORMAT ","
                                             "\"dialogId\":\"1\",\"fields\":{\"message\":\"pong from v2\"}}",
                                             token, bot_id);
    g_autoptr(JsonNode) sent = botbench_ui_test_rest (f, "imbot.v2.Chat.Message.send", json);
    g_autofree char *query_text = g_strdup_printf ("messages?DIALOG_ID=%" G_GINT64_FORMAT "&USER_ID=1", bot_id);
    g_autoptr(JsonObject) chat = botbench_ui_test_sandbox_control (f, "GET", query_text, NULL);
    JsonArray *messages = json_object_get_array_member (chat, "MESSAGES");
    gboolean answered = FALSE;

    g_assert_cmpint (json_object_get_int_member (json_node_get_object (sent), "id"), >, 0);
    for (guint i = 0; i < json_array_get_length (messages); i++)
      {
        JsonObject *message = json_array_get_object_element (messages, i);

        if (g_strcmp0 (json_object_get_string_member_with_default (message, "MESSAGE", ""), "pong from v2") == 0)
          {
            g_assert_cmpint (json_object_get_int_member (message, "AUTHOR_ID"), ==, bot_id);
            answered = TRUE;
          }
      }
    g_assert_true (answered);
  }

  /* Unregistered behind Botbench's back: the fetcher stops and says so. */
  {
    g_autofree char *json = g_strdup_printf ("{\"botToken\":\"%s\",\"botId\":%" G_GINT64_FORMAT "}", token, bot_id);
    g_autoptr(JsonNode) result = botbench_ui_test_rest (f, "imbot.v2.Bot.unregister", json);

    assert_row_says (f, "fetchbot", "Unregistered on the portal");
  }
}

/* A definition whose keyring botToken is not the one the portal has. */
static void
wrong_token (Fixture *f)
{
  BotbenchBotStore *store;
  g_autoptr(BotbenchBot) bot = botbench_bot_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) result = NULL;
  GtkWidget *icon;
  GtkWidget *fetch_label;
  gint64 bot_id;

  open_bots_page_on_sandbox (f);
  store = botbench_application_get_bot_store (f->app);

  /* Registered on the portal with one token… */
  result = botbench_ui_test_rest (f, "imbot.v2.Bot.register",
                                  "{\"botToken\":\"right0123456789\",\"fields\":{\"code\":\"ownedbot\","
                                  "\"properties\":{\"name\":\"Owned\"}}}");
  bot_id = json_object_get_int_member (json_object_get_object_member (json_node_get_object (result), "bot"), "id");
  g_assert_cmpint (bot_id, >, 0);
  botbench_bots_page_refresh (botbench_ui_test_bots_page (f));

  /* …saved here with another. */
  keep_token (f, "ownedbot", "wrong0123456789");
  botbench_bot_set_api (bot, BOTBENCH_BOT_API_V2);
  botbench_bot_set_code (bot, "ownedbot");
  botbench_bot_set_name (bot, "Owned");
  botbench_bot_set_bot_id (bot, bot_id);
  g_assert_true (botbench_bot_store_add (store, bot, &error));
  g_assert_no_error (error);

  assert_row_says (f, "ownedbot", "The portal does not accept this bot’s botToken");
  icon = g_object_get_data (G_OBJECT (definition_row (f, "ownedbot")), "fetch-icon");
  g_assert_true (gtk_widget_get_visible (icon));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (icon), "BOT_OWNERSHIP_ERROR"));
  g_assert_false (botbench_fetch_manager_get_fetcher (botbench_application_get_fetch_manager (f->app), bot_id) == NULL);
  botbench_ui_test_screenshot (f, "bots-v2-wrong-token.png");

  /* The editor shows it under its header, and the keyring's token. */
  botbench_bots_page_edit_bot (botbench_ui_test_bots_page (f), botbench_bot_store_lookup_by_id (store, bot_id));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  /* The editor's fetch error. */
  fetch_label = botbench_ui_test_find (botbench_ui_test_bot_editor (f), "fetch_label");
  botbench_ui_test_assert_text_shown (f, fetch_label, "The portal does not accept this bot’s botToken");
  g_assert_true (gtk_widget_has_css_class (fetch_label, "error"));
  /* The v2 rows, the keyring's token in the masked entry. */
  {
    TextWait token_wait = { botbench_ui_test_editor_row (botbench_ui_test_bot_editor (f), "botToken"), NULL };

    g_assert_true (gtk_widget_get_mapped (token_wait.widget));
    botbench_test_assert_wait_until_full (token_is, &token_wait, WAIT_MS, "the keyring's botToken in the form");
  }
  botbench_ui_test_screenshot (f, "bots-v2-editor-wrong-token.png");
}

typedef struct
{
  Fixture    *f;
  const char *code;
  const char *token;
} KeptWait;

/* The keyring has wait->token for wait->code (a store may be under way). */
static gboolean
token_is_kept (gpointer data)
{
  KeptWait *wait = data;
  g_autofree char *kept = lookup_token (wait->f, wait->code);

  return g_strcmp0 (kept, wait->token) == 0;
}

static gboolean
file_exists (gpointer data)
{
  return g_file_test (data, G_FILE_TEST_EXISTS);
}

/* Export writes the v2 definition (top-level "fields"), without the
 * botToken; Import reads one, and keeps its botToken in the keyring. */
static void
import_and_export (Fixture *f)
{
  BotbenchBotEditor *ed;
  g_autofree char *source = g_build_filename (tmp_root, "v2-source.json", NULL);
  g_autofree char *target = g_build_filename (tmp_root, "v2-exported.json", NULL);
  g_autoptr(GFile) source_file = g_file_new_for_path (source);
  g_autoptr(GFile) target_file = g_file_new_for_path (target);
  g_autofree char *exported = NULL;
  g_autofree char *kept = NULL;
  g_autoptr(BotbenchBot) reread = NULL;
  g_autoptr(GError) error = NULL;
  TextWait token_wait;

  open_bots_page_on_sandbox (f);
  ed = botbench_ui_test_bot_editor (f);

  g_assert_true (g_file_set_contents (source,
                                      "{\"botToken\":\"importedtoken0123456789\",\"fields\":{\"code\":\"importbot\","
                                      "\"type\":\"supervisor\",\"eventMode\":\"webhook\","
                                      "\"webhookUrl\":\"https://example.com/hook\",\"isHidden\":true,"
                                      "\"properties\":{\"name\":\"Imported\",\"workPosition\":\"From a file\"}}}",
                                      -1, NULL));
  _botbench_bots_page_import_file (botbench_ui_test_bots_page (f), source_file);
  botbench_ui_test_assert_label_shown (GTK_WIDGET (f->window), "Imported “importbot”");
  g_assert_cmpstr (botbench_ui_test_visible_child (botbench_ui_test_bots_page (f), "stack"), ==, "editor");
  g_assert_cmpint (botbench_bot_get_api (botbench_bot_editor_get_bot (ed)), ==, BOTBENCH_BOT_API_V2);

  /* The form shows the v2 fields; the token went to the keyring. */
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (botbench_ui_test_find (ed, "api_row"))), ==, 1);
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (botbench_ui_test_editor_row (ed, "eventMode"))), ==, 1);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (botbench_ui_test_editor_row (ed, "webhookUrl"))), ==, "https://example.com/hook");
  g_assert_cmpstr (gtk_string_object_get_string (adw_combo_row_get_selected_item (ADW_COMBO_ROW (botbench_ui_test_editor_row (ed, "type")))),
                   ==, "supervisor");
  token_wait = (TextWait) { botbench_ui_test_editor_row (ed, "botToken"), "importedtoken0123456789" };
  g_assert_true (token_is (&token_wait));
  kept = lookup_token (f, "importbot");
  g_assert_cmpstr (kept, ==, "importedtoken0123456789");
  /* The store's file never has it. */
  {
    g_autofree char *data = botbench_bot_to_data (botbench_bot_editor_get_bot (ed));

    g_assert_null (strstr (data, "importedtoken"));
  }
  /* Registered or not, a webhook-mode bot is not fetched. */
  g_assert_null (find_label (definition_row (f, "importbot"), "fetch"));

  botbench_ui_test_type_into (botbench_ui_test_editor_row (ed, "PROPERTIES.LAST_NAME"), "Jr.");
  _botbench_bot_editor_export_to (ed, target_file);
  botbench_ui_test_assert_label_shown (GTK_WIDGET (f->window), "Exported to v2-exported.json");
  botbench_test_assert_wait_until_full (file_exists, target, WAIT_MS, "the export");
  g_assert_true (g_file_get_contents (target, &exported, NULL, NULL));
  g_assert_nonnull (strstr (exported, "\"fields\""));
  g_assert_null (strstr (exported, "importedtoken"));
  reread = botbench_bot_new_from_file (target, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (botbench_bot_get_api (reread), ==, BOTBENCH_BOT_API_V2);
  g_assert_cmpstr (botbench_bot_get_code (reread), ==, "importbot");
  g_assert_cmpstr (botbench_bot_get_last_name (reread), ==, "Jr.");
  g_assert_cmpstr (botbench_bot_get_webhook_url (reread), ==, "https://example.com/hook");
  g_assert_true (botbench_bot_get_is_hidden (reread));
  g_assert_cmpint (botbench_bot_get_effective_event_mode (reread), ==, BOTBENCH_BOT_EVENT_MODE_WEBHOOK);

  /* Save (without registering) keeps a generated botToken too. */
  gtk_widget_activate_action (GTK_WIDGET (botbench_ui_test_bots_page (f)), "bots.new", NULL);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  adw_combo_row_set_selected (ADW_COMBO_ROW (botbench_ui_test_find (ed, "api_row")), 1);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  botbench_ui_test_type_into (botbench_ui_test_editor_row (ed, "CODE"), "savedbot");
  botbench_ui_test_type_into (botbench_ui_test_editor_row (ed, "PROPERTIES.NAME"), "Saved");
  botbench_ui_test_click (botbench_ui_test_find (ed, "generate_button"));
  token_wait = (TextWait) { botbench_ui_test_editor_row (ed, "botToken"), NULL };
  g_assert_true (token_is (&token_wait));
  {
    g_autofree char *generated = g_strdup (gtk_editable_get_text (GTK_EDITABLE (token_wait.widget)));

    KeptWait kept_wait = { f, "savedbot", generated };

    botbench_ui_test_click (botbench_ui_test_find (ed, "save_button"));
    botbench_ui_test_assert_label_shown (GTK_WIDGET (f->window), "Bot definition saved");
    botbench_test_assert_wait_until_full (token_is_kept, &kept_wait, WAIT_MS, "the saved botToken in the keyring");
  }
}

static guint
n_commands (BotbenchBotEditor *ed)
{
  return g_list_model_get_n_items (botbench_bot_get_commands (botbench_bot_editor_get_bot (ed)));
}

static gboolean
bot_has_a_command (gpointer data)
{
  return !botbench_ui_test_editor_busy (data) && n_commands (data) == 1;
}

static gboolean
bot_has_no_command (gpointer data)
{
  return !botbench_ui_test_editor_busy (data) && n_commands (data) == 0;
}

static gboolean
bot_is_unregistered (gpointer data)
{
  BotbenchBot *bot = botbench_bot_editor_get_bot (data);

  return !botbench_ui_test_editor_busy (data) && bot != NULL && botbench_bot_get_bot_id (bot) == 0;
}

/* Update, slash commands and Unregister of a v2 bot go through
 * imbot.v2.Bot.update, imbot.v2.Command.* and imbot.v2.Bot.unregister. */
static void
update_commands_unregister (Fixture *f)
{
  BotbenchBotEditor *ed;
  g_autofree char *token = NULL;
  g_autofree char *by_id = NULL;
  g_autofree char *toast = NULL;
  g_autoptr(BotbenchBotCommand) command = NULL;
  FetcherWait fetcher_wait = { f, 0 };
  const char *body;
  gint64 bot_id;

  /* Polls every 2 s (the least the docs allow) to keep the test short. */
  {
    GSettings *settings = g_settings_new (APP_ID);

    g_settings_set_uint (settings, "fetch-interval", 2);
    g_object_unref (settings);
  }

  open_bots_page_on_sandbox (f);
  ed = botbench_ui_test_bot_editor (f);
  bot_id = register_fetch_bot (f);
  token = lookup_token (f, "fetchbot");
  by_id = g_strdup_printf ("{\"botToken\":\"%s\",\"botId\":%" G_GINT64_FORMAT "}", token, bot_id);

  /* Update sends what changed, authenticated by the botToken. */
  botbench_ui_test_type_into (botbench_ui_test_editor_row (ed, "PROPERTIES.WORK_POSITION"), "Updated in place");
  botbench_ui_test_click (botbench_ui_test_find (ed, "register_button"));
  g_assert_nonnull (botbench_ui_test_preview_dialog ());
  body = botbench_request_preview_dialog_get_body (BOTBENCH_REQUEST_PREVIEW_DIALOG (botbench_ui_test_preview_dialog ()));
  g_assert_nonnull (strstr (body, "\"workPosition\" : \"Updated in place\""));
  g_assert_null (strstr (body, "\"code\""));
  g_assert_null (strstr (body, token));
  {
    g_autofree char *curl = _botbench_bot_editor_dup_curl (ed);

    g_assert_nonnull (strstr (curl, "imbot.v2.Bot.update"));
  }
  botbench_ui_test_respond (botbench_ui_test_preview_dialog (), "send");
  botbench_test_assert_wait_until_full (botbench_ui_test_editor_idle, ed, WAIT_MS, "the update");
  toast = g_strdup_printf ("Updated bot %" G_GINT64_FORMAT, bot_id);
  botbench_ui_test_assert_label_shown (GTK_WIDGET (f->window), toast);
  {
    g_autoptr(JsonNode) result = botbench_ui_test_rest (f, "imbot.v2.Bot.get", by_id);
    JsonArray *users = json_object_get_array_member (json_node_get_object (result), "users");

    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (users, 0), "workPosition"),
                     ==, "Updated in place");
  }

  /* A new botToken: the update rotates it (the old one authenticates),
   * the keyring keeps the new one, and fetching goes on with it. */
  fetcher_wait.bot_id = bot_id;
  botbench_test_assert_wait_until_full (bot_is_fetched, &fetcher_wait, WAIT_MS, "the bot to be fetched");
  botbench_ui_test_click (botbench_ui_test_find (ed, "generate_button"));
  {
    g_autofree char *rotated = g_strdup (gtk_editable_get_text (GTK_EDITABLE (botbench_ui_test_editor_row (ed, "botToken"))));
    KeptWait kept_wait = { f, "fetchbot", rotated };
    g_autofree char *old_by_id = g_steal_pointer (&by_id);

    g_assert_cmpstr (rotated, !=, token);
    botbench_ui_test_click (botbench_ui_test_find (ed, "register_button"));
    body = botbench_request_preview_dialog_get_body (BOTBENCH_REQUEST_PREVIEW_DIALOG (botbench_ui_test_preview_dialog ()));
    g_assert_nonnull (strstr (body, "\"botToken\""));
    g_assert_null (strstr (body, rotated));
    g_assert_null (strstr (body, token));
    botbench_ui_test_respond (botbench_ui_test_preview_dialog (), "send");
    botbench_test_assert_wait_until_full (botbench_ui_test_editor_idle, ed, WAIT_MS, "the rotation");
    g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (botbench_ui_test_find (ed, "banner_revealer"))));
    botbench_test_assert_wait_until_full (token_is_kept, &kept_wait, WAIT_MS, "the new botToken in the keyring");
    botbench_ui_test_rest_error (f, "imbot.v2.Event.get", old_by_id, "BOT_OWNERSHIP_ERROR");
    g_free (token);
    token = g_steal_pointer (&rotated);
    by_id = g_strdup_printf ("{\"botToken\":\"%s\",\"botId\":%" G_GINT64_FORMAT "}", token, bot_id);

    /* Events still come, fetched with the new token. */
    botbench_ui_test_sandbox_user_writes (f, bot_id, "after the rotation");
    botbench_test_assert_wait_until_full (event_is_stored, f, WAIT_MS, "an event fetched after the rotation");
    g_assert_null (strstr (gtk_label_get_text (GTK_LABEL (botbench_ui_test_find (ed, "fetch_label"))),
                           "does not accept"));
  }

  /* A command: imbot.v2.Command.register, its id from {command: {id}}. */
  botbench_ui_test_click (botbench_ui_test_find (ed, "add_command_button"));
  gtk_editable_set_text (botbench_ui_test_command_field ("command_row"), "/ping");
  gtk_editable_set_text (botbench_ui_test_command_field ("title_row"), "Are you there?");
  botbench_ui_test_respond (botbench_ui_test_command_dialog (), "register");
  botbench_test_assert_wait_until_full (bot_has_a_command, ed, WAIT_MS, "the command to be registered");
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (botbench_ui_test_find (ed, "banner_revealer"))));
  command = g_list_model_get_item (botbench_bot_get_commands (botbench_bot_editor_get_bot (ed)), 0);
  g_assert_cmpint (botbench_bot_command_get_command_id (command), >, 0);
  {
    g_autoptr(JsonNode) result = botbench_ui_test_rest (f, "imbot.v2.Command.list", by_id);
    JsonArray *commands = json_object_get_array_member (json_node_get_object (result), "commands");

    g_assert_cmpuint (json_array_get_length (commands), ==, 1);
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (commands, 0), "id"),
                     ==, botbench_bot_command_get_command_id (command));
  }

  /* …and imbot.v2.Command.unregister. */
  g_signal_emit_by_name (botbench_ui_test_find_command_button (botbench_ui_test_find (ed, "commands_section"),
                                              "bot-editor.unregister-command"), "clicked");
  botbench_test_assert_wait_until_full (bot_has_no_command, ed, WAIT_MS, "the command to be unregistered");
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (botbench_ui_test_find (ed, "banner_revealer"))));
  {
    g_autoptr(JsonNode) result = botbench_ui_test_rest (f, "imbot.v2.Command.list", by_id);

    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (result),
                                                                           "commands")), ==, 0);
  }

  /* Unregister: imbot.v2.Bot.unregister; the definition stays, not fetched. */
  fetcher_wait.bot_id = bot_id;
  botbench_test_assert_wait_until_full (bot_is_fetched, &fetcher_wait, WAIT_MS, "the bot to be fetched");
  gtk_widget_activate_action (GTK_WIDGET (ed), "bot-editor.unregister", NULL);
  botbench_ui_test_respond (botbench_ui_test_find_dialog (ADW_TYPE_MESSAGE_DIALOG, "Unregister Bot?"), "unregister");
  botbench_test_assert_wait_until_full (bot_is_unregistered, ed, WAIT_MS, "the bot to be unregistered");
  botbench_ui_test_rest_error (f, "imbot.v2.Bot.get", by_id, "BOT_NOT_FOUND");
  g_assert_null (botbench_fetch_manager_get_fetcher (botbench_application_get_fetch_manager (f->app), bot_id));
  g_assert_nonnull (botbench_bot_store_lookup_by_code (botbench_application_get_bot_store (f->app), "fetchbot"));
  g_assert_false (gtk_widget_get_visible (botbench_ui_test_find (ed, "fetch_label")));
}

int
main (int   argc,
      char *argv[])
{
  tmp_root = botbench_ui_test_init (&argc, &argv, &have_keyring);

  botbench_ui_test_add ("/bots-v2-ui/fetch/round-trip", fetch_round_trip);
  botbench_ui_test_add ("/bots-v2-ui/fetch/wrong-token", wrong_token);
  botbench_ui_test_add ("/bots-v2-ui/import-export", import_and_export);
  botbench_ui_test_add ("/bots-v2-ui/update-commands-unregister", update_commands_unregister);

  return botbench_ui_test_run ();
}
