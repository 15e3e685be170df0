/* test-profiles-ui.c: profiles, Test connection and the request history in
 * the window, against the in-process sandbox portal
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs under xvfb-run.  XDG_CONFIG_HOME and XDG_DATA_HOME point into a
 * temporary directory (emptied after each test); the sandbox and the
 * listener take free loopback ports.  Without BOTBENCH_TEST_KEYRING (set by
 * with-keyring.sh) the session bus is pointed at nothing, so no Secret
 * Service can be reached and the session-only path is exercised; with it,
 * secrets go to the private gnome-keyring.
 *
 * BOTBENCH_TEST_SCREENSHOT_DIR=DIR saves `import -window root` shots there.
 */
#include "config.h"

#include <errno.h>
#include <libsoup/soup.h>
#include <stdlib.h>
#include <string.h>

#include "botbench-application.h"
#include "botbench-profile-editor.h"
#include "botbench-profiles-page.h"
#include "botbench-requests-page-private.h"
#include "botbench-window.h"
#include "botbench-test-utils.h"
#include "botbench-ui-test-utils.h"

#define WAIT_MS BOTBENCH_UI_TEST_WAIT_MS

/* A widget by its id in the .ui files, under root. */
#define W(root, id) botbench_ui_test_find ((root), (id))

static const char *tmp_root;
static gboolean have_keyring;

typedef BotbenchUiFixture Fixture;
typedef BotbenchUiTestBody TestBody;

/* ---- helpers ------------------------------------------------------------ */

static void
type_into (GtkWidget  *row,
           const char *text)
{
  g_assert_true (gtk_widget_get_mapped (row));
  gtk_editable_set_text (GTK_EDITABLE (row), text);
}

static const char *
label_text (gpointer    root,
            const char *id)
{
  return gtk_label_get_label (GTK_LABEL (W (root, id)));
}

static const char *
subtitle (gpointer    root,
          const char *id)
{
  return adw_action_row_get_subtitle (ADW_ACTION_ROW (W (root, id)));
}

static const char *
visible_child (gpointer    root,
               const char *id)
{
  return gtk_stack_get_visible_child_name (GTK_STACK (W (root, id)));
}

static BotbenchProfilesPage *
profiles_page (Fixture *f)
{
  return BOTBENCH_PROFILES_PAGE (W (f->window, "profiles_page"));
}

static BotbenchRequestsPage *
requests_page (Fixture *f)
{
  return BOTBENCH_REQUESTS_PAGE (W (f->window, "requests_page"));
}

static BotbenchProfileEditor *
editor (Fixture *f)
{
  return BOTBENCH_PROFILE_EDITOR (W (profiles_page (f), "editor"));
}

/* The profiles listed in the header's switcher menu (its first section). */
static GMenuModel *
profile_section (Fixture *f)
{
  GMenuModel *menu = gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (W (f->window, "profile_button")));
  g_autoptr(GMenuModel) section = g_menu_model_get_item_link (menu, 0, G_MENU_LINK_SECTION);

  /* Held by the menu. */
  return section;
}

static gboolean
sandbox_is_running (gpointer data)
{
  return botbench_sandbox_get_running (data);
}

static void
start_sandbox_from_page (Fixture *f)
{
  BotbenchSandbox *sandbox = botbench_application_get_sandbox (f->app);
  g_autofree char *url = NULL;

  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-profiles", NULL);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  g_assert_false (botbench_sandbox_get_running (sandbox));
  g_assert_true (gtk_widget_get_mapped (W (profiles_page (f), "sandbox_switch")));

  gtk_switch_set_active (GTK_SWITCH (W (profiles_page (f), "sandbox_switch")), TRUE);
  botbench_test_assert_wait_until_full (sandbox_is_running, sandbox, WAIT_MS, "the sandbox to run");
  g_assert_cmpuint (botbench_sandbox_get_bound_port (sandbox), >, 0);

  /* Its address and status are on the page. */
  url = botbench_sandbox_dup_url (sandbox);
  g_assert_true (g_str_has_prefix (url, "http://127.0.0.1:"));
  g_assert_nonnull (strstr (subtitle (profiles_page (f), "sandbox_row"), url));
}

typedef struct
{
  BotbenchProfileManager *manager;
  const char             *name;
} LookupWait;

static gboolean
profile_exists (gpointer data)
{
  LookupWait *wait = data;

  return botbench_profile_manager_lookup (wait->manager, wait->name) != NULL;
}

/* Fills the editor for a new webhook profile and clicks Save. */
static void
fill_webhook_profile (Fixture    *f,
                      const char *name,
                      const char *url)
{
  BotbenchProfileEditor *ed = editor (f);

  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.add-profile", NULL);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  g_assert_cmpstr (visible_child (f->window, "page_stack"), ==, "profiles");
  g_assert_cmpstr (visible_child (profiles_page (f), "stack"), ==, "editor");
  g_assert_null (botbench_profile_editor_get_profile (ed));

  /* A fresh CLIENT_ID, locked behind the edit button. */
  g_assert_cmpuint (strlen (gtk_editable_get_text (GTK_EDITABLE (W (ed, "client_id_row")))), ==,
                    BOTBENCH_PROFILE_CLIENT_ID_LENGTH);
  g_assert_false (gtk_editable_get_editable (GTK_EDITABLE (W (ed, "client_id_row"))));

  type_into (W (ed, "name_row"), name);
  type_into (W (ed, "webhook_url_row"), url);
}

static BotbenchProfile *
save_and_wait (Fixture    *f,
               const char *name)
{
  BotbenchProfileManager *manager = botbench_application_get_profile_manager (f->app);
  LookupWait wait = { manager, name };

  if (!botbench_test_wait_until (profile_exists, &wait, WAIT_MS))
    g_error ("Profile “%s” was not saved", name);

  return botbench_profile_manager_lookup (manager, name);
}

static gboolean
test_finished (gpointer data)
{
  BotbenchProfileEditor *ed = data;

  /* The spinner turns while a test runs. */
  return !gtk_spinner_get_spinning (GTK_SPINNER (W (ed, "test_spinner"))) &&
         gtk_widget_get_visible (W (ed, "test_group"));
}

/* Creates "My Portal" for the sandbox's webhook through the editor. */
static BotbenchProfile *
create_sandbox_webhook_profile (Fixture *f)
{
  BotbenchProfileManager *manager = botbench_application_get_profile_manager (f->app);
  BotbenchProfileEditor *ed = editor (f);
  g_autofree char *webhook_url = NULL;

  start_sandbox_from_page (f);
  webhook_url = botbench_sandbox_dup_webhook_url (botbench_application_get_sandbox (f->app));
  fill_webhook_profile (f, "My Portal", webhook_url);

  /* Plain http is accepted with the parser's warning, shown on the field. */
  g_assert_true (gtk_widget_get_visible (W (ed, "webhook_message")));
  g_assert_true (gtk_widget_has_css_class (W (ed, "webhook_message"), "warning"));
  g_assert_false (gtk_widget_has_css_class (W (ed, "webhook_url_row"), "error"));

  botbench_ui_test_click (W (ed, "save_button"));

  if (!have_keyring)
    {
      /* Nothing is saved while the secret has nowhere to go. */
      botbench_ui_test_accept_session_only (f);
    }

  return save_and_wait (f, "My Portal");
  (void)manager;
}

/* ---- tests -------------------------------------------------------------- */

static void
webhook_profile_test_connection (Fixture *f)
{
  BotbenchProfileManager *manager = botbench_application_get_profile_manager (f->app);
  BotbenchSandbox *sandbox = botbench_application_get_sandbox (f->app);
  BotbenchProfileEditor *ed = editor (f);
  g_autoptr(BotbenchWebhookUrl) parsed = NULL;
  g_autofree char *webhook_url = NULL;
  g_autofree char *sandbox_url = NULL;
  g_autofree char *ini = NULL;
  BotbenchProfile *profile;

  profile = create_sandbox_webhook_profile (f);
  webhook_url = botbench_sandbox_dup_webhook_url (sandbox);
  sandbox_url = botbench_sandbox_dup_url (sandbox);
  parsed = botbench_webhook_url_parse (webhook_url, NULL);
  g_assert_nonnull (parsed);

  /* The profile holds the parts of the URL, the file never the secret. */
  g_assert_cmpint (botbench_profile_get_kind (profile), ==, BOTBENCH_PROFILE_KIND_WEBHOOK);
  g_assert_cmpstr (botbench_profile_get_portal_url (profile), ==, sandbox_url);
  g_assert_cmpstr (botbench_profile_get_user_id (profile), ==, "1");
  g_assert_true (botbench_profile_editor_get_profile (ed) == profile);
  g_assert_true (g_file_get_contents (botbench_profile_manager_get_path (manager), &ini, NULL, NULL));
  g_assert_nonnull (strstr (ini, "My Portal"));
  g_assert_null (strstr (ini, parsed->secret));

  /* The sandbox made its own profile too, listed by name. */
  g_assert_nonnull (botbench_application_get_sandbox_profile (f->app));
  g_assert_cmpstr (label_text (f->window, "profile_label"), ==, "Sandbox");
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (W (f->window, "profile_button")), "Sandbox"));
  g_assert_cmpint (g_menu_model_get_n_items (profile_section (f)), ==, 2);

  /* Test connection: the user and the imbot scope, without blocking. */
  botbench_ui_test_click (W (ed, "test_button"));
  g_assert_true (gtk_spinner_get_spinning (GTK_SPINNER (W (ed, "test_spinner"))));
  g_assert_true (gtk_widget_get_visible (W (ed, "test_group")));
  botbench_test_assert_wait_until_full (test_finished, ed, WAIT_MS, "the connection test to finish");
  g_assert_true (gtk_widget_get_visible (W (ed, "user_row")));
  g_assert_nonnull (strstr (subtitle (ed, "user_row"), "(ID 1)"));
  g_assert_true (g_str_has_prefix (subtitle (ed, "scope_row"), "Present"));
  g_assert_true (gtk_widget_has_css_class (W (ed, "scope_icon"), "success"));
  g_assert_true (g_str_has_suffix (subtitle (ed, "latency_row"), " ms"));
  g_assert_cmpstr (label_text (ed, "test_message"), ==, "The connection works");
  botbench_ui_test_assert_label_shown (GTK_WIDGET (ed), "The connection works");
  botbench_ui_test_screenshot (f, "profiles.png");

  /* Make it the active profile: the header switcher follows. */
  botbench_ui_test_click (W (ed, "activate_button"));
  g_assert_true (botbench_profile_manager_get_active (manager) == profile);
  g_assert_cmpstr (label_text (f->window, "profile_label"), ==, "My Portal");
  g_assert_false (gtk_widget_get_visible (W (ed, "activate_button")));
}

typedef struct
{
  GListModel *model;
  const char *method;
} MethodWait;

static gboolean
model_has_method (gpointer data)
{
  MethodWait *wait = data;

  for (guint i = 0; i < g_list_model_get_n_items (wait->model); i++)
    {
      g_autoptr(BotbenchRequestRecord) record = g_list_model_get_item (wait->model, i);

      if (g_strcmp0 (botbench_request_record_get_method (record), wait->method) == 0)
        return TRUE;
    }

  return FALSE;
}

static char *
dup_view_text (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start;
  GtkTextIter end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, TRUE);
}

static gboolean
file_has_contents (gpointer data)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  return g_file_get_contents (data, &contents, &len, NULL) && len > 0;
}

static GtkWidget *
find_action_button (GtkWidget  *widget,
                    const char *action)
{
  if (GTK_IS_BUTTON (widget) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_action_button (child, action);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
requests_page_lists_scope (Fixture *f)
{
  BotbenchRequestsPage *page = requests_page (f);
  BotbenchProfileManager *manager = botbench_application_get_profile_manager (f->app);
  GListModel *model = botbench_requests_page_get_model (page);
  g_autoptr(BotbenchWebhookUrl) parsed = NULL;
  g_autofree char *webhook_url = NULL;
  g_autofree char *response = NULL;
  g_autofree char *json = NULL;
  g_autofree char *export_path = NULL;
  g_autofree char *exported = NULL;
  g_autoptr(GFile) export_file = NULL;
  g_autoptr(JsonParser) parser = NULL;
  BotbenchProfile *profile;
  MethodWait wait = { model, "scope" };
  GtkSingleSelection *selection;
  guint scope_position = G_MAXUINT;

  /* Before any call: the empty state. */
  gtk_stack_set_visible_child_name (GTK_STACK (W (f->window, "page_stack")), "requests");
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  g_assert_cmpstr (visible_child (page, "stack"), ==, "empty");
  g_assert_true (gtk_widget_get_mapped (W (page, "empty_page")));
  g_assert_nonnull (find_action_button (W (f->window, "header_stack"), "win.export-requests"));
  g_assert_false (gtk_widget_get_sensitive (find_action_button (W (f->window, "header_stack"),
                                                                 "win.export-requests")));

  profile = create_sandbox_webhook_profile (f);
  g_assert_true (botbench_profile_manager_set_active (manager, profile, NULL));
  botbench_ui_test_click (W (editor (f), "test_button"));
  botbench_test_assert_wait_until_full (test_finished, editor (f), WAIT_MS, "the connection test to finish");

  gtk_stack_set_visible_child_name (GTK_STACK (W (f->window, "page_stack")), "requests");
  botbench_test_assert_wait_until_full (model_has_method, &wait, WAIT_MS,
                                        "the request history to record the call");
  g_assert_cmpstr (visible_child (page, "stack"), ==, "requests");
  botbench_ui_test_assert_label_shown (W (page, "list_view"), "scope");
  botbench_ui_test_assert_label_shown (W (page, "list_view"), "200");

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(BotbenchRequestRecord) record = g_list_model_get_item (model, i);

      g_assert_cmpstr (botbench_request_record_get_profile_uuid (record), ==,
                       botbench_profile_get_uuid (profile));
      if (g_str_equal (botbench_request_record_get_method (record), "scope"))
        scope_position = i;
    }
  g_assert_cmpuint (scope_position, !=, G_MAXUINT);

  /* The detail: masked URL, pretty response. */
  webhook_url = botbench_sandbox_dup_webhook_url (botbench_application_get_sandbox (f->app));
  parsed = botbench_webhook_url_parse (webhook_url, NULL);
  selection = GTK_SINGLE_SELECTION (gtk_list_view_get_model (GTK_LIST_VIEW (W (page, "list_view"))));
  gtk_single_selection_set_selected (selection, scope_position);
  g_assert_cmpstr (visible_child (page, "detail_stack"), ==, "detail");
  g_assert_cmpstr (label_text (page, "method_label"), ==, "scope");
  g_assert_nonnull (strstr (label_text (page, "url_label"), BOTBENCH_MASK));
  g_assert_null (strstr (label_text (page, "url_label"), parsed->secret));
  response = dup_view_text (GTK_TEXT_VIEW (W (page, "response_view")));
  g_assert_nonnull (strstr (response, "\"imbot\""));
  g_assert_nonnull (strstr (response, "\n"));  /* pretty-printed */
  botbench_ui_test_screenshot (f, "requests.png");

  /* Export writes the same records, secrets masked. */
  g_assert_true (gtk_widget_get_sensitive (find_action_button (W (f->window, "header_stack"),
                                                                "win.export-requests")));
  json = botbench_requests_page_dup_json (page);
  g_assert_nonnull (strstr (json, "\"scope\""));
  g_assert_null (strstr (json, parsed->secret));
  export_path = g_build_filename (tmp_root, "data", "requests.json", NULL);
  export_file = g_file_new_for_path (export_path);
  _botbench_requests_page_export_to (page, export_file);
  botbench_test_assert_wait_until_full (file_has_contents, export_path, WAIT_MS, "the exported file");
  g_assert_true (g_file_get_contents (export_path, &exported, NULL, NULL));
  g_assert_cmpstr (exported, ==, json);
  parser = json_parser_new ();
  g_assert_true (json_parser_load_from_data (parser, exported, -1, NULL));
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)));
  g_assert_cmpuint (json_array_get_length (json_node_get_array (json_parser_get_root (parser))), ==,
                    g_list_model_get_n_items (model));

  /* Another active profile has its own (empty) history. */
  g_assert_true (botbench_profile_manager_set_active (manager, botbench_application_get_sandbox_profile (f->app),
                                                      NULL));
  g_assert_false (model_has_method (&wait));
  g_assert_cmpstr (visible_child (page, "stack"), ==, "empty");
}

typedef struct
{
  const char *url;
  const char *style;
} UrlCase;

static void
bad_webhook_url (Fixture *f)
{
  BotbenchProfileManager *manager = botbench_application_get_profile_manager (f->app);
  BotbenchProfileEditor *ed = editor (f);
  const char *bad[] = {
    "https://example.bitrix24.com/rest/abc/0123456789abcdef/",
    "example.bitrix24.com",
    "ftp://example.bitrix24.com/rest/1/0123456789abcdef/",
    "https://example.bitrix24.com/rest/1/",
  };

  fill_webhook_profile (f, "Broken", "https://example.bitrix24.com/rest/1/0123456789abcdef/");
  g_assert_true (gtk_widget_has_css_class (W (ed, "webhook_message"), "success"));
  g_assert_false (gtk_widget_has_css_class (W (ed, "webhook_url_row"), "error"));

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(BotbenchWebhookUrl) parsed = NULL;

      /* The parser's own sentence appears on the field as it is typed. */
      type_into (W (ed, "webhook_url_row"), bad[i]);
      parsed = botbench_webhook_url_parse (bad[i], &error);
      g_assert_null (parsed);
      g_assert_nonnull (error);
      g_assert_true (gtk_widget_get_visible (W (ed, "webhook_message")));
      g_assert_cmpstr (label_text (ed, "webhook_message"), ==, error->message);
      g_assert_true (gtk_widget_has_css_class (W (ed, "webhook_message"), "error"));
      g_assert_true (gtk_widget_has_css_class (W (ed, "webhook_url_row"), "error"));
      botbench_ui_test_assert_label_shown (GTK_WIDGET (ed), error->message);
    }
  botbench_ui_test_screenshot (f, "profile-bad-url.png");

  /* Saving refuses and stores nothing. */
  botbench_ui_test_click (W (ed, "save_button"));
  botbench_test_iterate_pending (10);
  g_assert_null (botbench_profile_manager_lookup (manager, "Broken"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 0);
  g_assert_true (gtk_widget_get_sensitive (W (ed, "save_button")));

  /* An empty name is refused on its own field. */
  type_into (W (ed, "webhook_url_row"), "https://example.bitrix24.com/rest/1/0123456789abcdef/");
  type_into (W (ed, "name_row"), "");
  botbench_ui_test_click (W (ed, "save_button"));
  g_assert_true (gtk_widget_get_visible (W (ed, "name_message")));
  g_assert_true (gtk_widget_has_css_class (W (ed, "name_row"), "error"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 0);
}

static void
unreachable_portal_error (Fixture *f)
{
  BotbenchProfileEditor *ed = editor (f);
  g_autoptr(GSocketListener) blocker = g_socket_listener_new ();
  g_autofree char *url = NULL;
  guint16 port;

  /* A port nothing listens on: take one, then let it go. */
  port = g_socket_listener_add_any_inet_port (blocker, NULL, NULL);
  g_socket_listener_close (blocker);
  url = g_strdup_printf ("http://127.0.0.1:%u/rest/1/0123456789abcdef/", port);

  fill_webhook_profile (f, "Gone", url);
  botbench_ui_test_click (W (ed, "test_button"));   /* saves, then tests */
  if (!have_keyring)
    botbench_ui_test_accept_session_only (f);
  save_and_wait (f, "Gone");
  botbench_test_assert_wait_until_full (test_finished, ed, WAIT_MS, "the connection test to finish");

  /* The mapped sentence says what to fix; no user or scope rows. */
  g_assert_false (gtk_widget_get_visible (W (ed, "user_row")));
  g_assert_false (gtk_widget_get_visible (W (ed, "scope_row")));
  g_assert_true (gtk_widget_has_css_class (W (ed, "test_message"), "error"));
  g_assert_true (g_str_has_prefix (label_text (ed, "test_message"), "Cannot reach"));
  g_assert_null (strstr (label_text (ed, "test_message"), "0123456789abcdef"));
}

/* Gets a token pair from the sandbox's OAuth server, as an installed app would. */
static JsonObject *
sandbox_oauth_tokens (BotbenchSandbox *sandbox)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *base = botbench_sandbox_dup_url (sandbox);
  g_autofree char *url = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *code = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  GBytes *body;

  url = g_strdup_printf ("%soauth/authorize/?client_id=%s", base, botbench_sandbox_get_client_id (sandbox));
  msg = soup_message_new ("GET", url);
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body), NULL));
  code = g_strdup (json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)), "code"));
  g_bytes_unref (body);
  g_assert_nonnull (code);

  g_free (url);
  url = g_strdup_printf ("%soauth/token/?grant_type=authorization_code&client_id=%s&client_secret=%s&code=%s",
                         base, botbench_sandbox_get_client_id (sandbox),
                         botbench_sandbox_get_client_secret (sandbox), code);
  g_clear_object (&msg);
  msg = soup_message_new ("GET", url);
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body), NULL));
  g_bytes_unref (body);

  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
oauth_profile_test_connection (Fixture *f)
{
  BotbenchProfileManager *manager = botbench_application_get_profile_manager (f->app);
  BotbenchSandbox *sandbox = botbench_application_get_sandbox (f->app);
  BotbenchSecretStore *secrets = botbench_application_get_secret_store (f->app);
  BotbenchProfileEditor *ed = editor (f);
  g_autoptr(JsonObject) tokens = NULL;
  g_autofree char *base = NULL;
  g_autofree char *endpoint = NULL;
  g_autofree char *portal = NULL;
  g_autofree char *stored = NULL;
  g_autoptr(GError) error = NULL;
  BotbenchProfile *profile;

  start_sandbox_from_page (f);
  tokens = sandbox_oauth_tokens (sandbox);
  base = botbench_sandbox_dup_url (sandbox);
  endpoint = g_strconcat (base, "oauth/token/", NULL);
  portal = g_strndup (base, strlen (base) - 1);   /* the editor adds the slash */

  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.add-profile", NULL);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  g_assert_true (gtk_widget_get_visible (W (ed, "webhook_group")));
  g_assert_false (gtk_widget_get_visible (W (ed, "oauth_group")));
  adw_combo_row_set_selected (ADW_COMBO_ROW (W (ed, "kind_row")), 1);
  g_assert_false (gtk_widget_get_visible (W (ed, "webhook_group")));
  g_assert_true (gtk_widget_get_visible (W (ed, "oauth_group")));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (W (ed, "token_endpoint_row"))), ==,
                   BOTBENCH_PROFILE_DEFAULT_TOKEN_ENDPOINT);

  /* Missing portal and a bad expiry are refused on their fields. */
  type_into (W (ed, "name_row"), "OAuth App");
  type_into (W (ed, "token_expires_row"), "next week");
  botbench_ui_test_click (W (ed, "save_button"));
  g_assert_true (gtk_widget_get_visible (W (ed, "oauth_message")));
  g_assert_true (gtk_widget_has_css_class (W (ed, "portal_url_row"), "error"));
  g_assert_true (gtk_widget_has_css_class (W (ed, "token_expires_row"), "error"));
  g_assert_null (botbench_profile_manager_lookup (manager, "OAuth App"));

  type_into (W (ed, "portal_url_row"), portal);
  type_into (W (ed, "oauth_client_id_row"), botbench_sandbox_get_client_id (sandbox));
  type_into (W (ed, "client_secret_row"), botbench_sandbox_get_client_secret (sandbox));
  type_into (W (ed, "access_token_row"), json_object_get_string_member (tokens, "access_token"));
  type_into (W (ed, "refresh_token_row"), json_object_get_string_member (tokens, "refresh_token"));
  type_into (W (ed, "token_expires_row"), "2030-01-02 03:04");
  type_into (W (ed, "token_endpoint_row"), endpoint);

  botbench_ui_test_click (W (ed, "test_button"));   /* saves, then tests */
  if (!have_keyring)
    botbench_ui_test_accept_session_only (f);
  profile = save_and_wait (f, "OAuth App");
  botbench_test_assert_wait_until_full (test_finished, ed, WAIT_MS, "the connection test to finish");

  g_assert_cmpint (botbench_profile_get_kind (profile), ==, BOTBENCH_PROFILE_KIND_OAUTH);
  g_assert_cmpstr (botbench_profile_get_portal_url (profile), ==, base);
  g_assert_cmpstr (botbench_profile_get_oauth_client_id (profile), ==, botbench_sandbox_get_client_id (sandbox));
  g_assert_cmpstr (botbench_profile_get_token_endpoint (profile), ==, endpoint);
  {
    g_autoptr(GDateTime) dt = g_date_time_new_local (2030, 1, 2, 3, 4, 0);

    g_assert_cmpint (botbench_profile_get_token_expires (profile), ==, g_date_time_to_unix (dt));
  }

  /* The client secret went to the secret store. */
  stored = botbench_secret_store_lookup_sync (secrets, botbench_profile_get_uuid (profile),
                                              BOTBENCH_SECRET_KIND_CLIENT_SECRET, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored, ==, botbench_sandbox_get_client_secret (sandbox));

  /* The test went through with the token: the imbot scope is there. */
  g_assert_cmpstr (label_text (ed, "test_message"), ==, "The connection works");
  g_assert_true (g_str_has_prefix (subtitle (ed, "scope_row"), "Present"));
}

static GtkWidget *
find_message_dialog (void)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      return l->data;

  return NULL;
}

static gboolean
dialog_shown (gpointer data)
{
  return find_message_dialog () != NULL;
}

static BotbenchSecretStore *current_secrets;

static gboolean
secret_cleared (gpointer data)
{
  g_autoptr(GError) error = NULL;
  char *secret;

  secret = botbench_secret_store_lookup_sync (current_secrets, data,
                                              BOTBENCH_SECRET_KIND_WEBHOOK_SECRET, NULL, &error);
  g_assert_no_error (error);
  if (secret == NULL)
    return TRUE;

  botbench_secret_free (secret);
  return FALSE;
}

static void
remove_profile_asks (Fixture *f)
{
  BotbenchProfileManager *manager = botbench_application_get_profile_manager (f->app);
  BotbenchSecretStore *secrets = botbench_application_get_secret_store (f->app);
  BotbenchProfileEditor *ed = editor (f);
  g_autofree char *uuid = NULL;
  GtkWidget *dialog;

  current_secrets = secrets;
  create_sandbox_webhook_profile (f);
  uuid = g_strdup (botbench_profile_get_uuid (botbench_profile_manager_lookup (manager, "My Portal")));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 2);
  g_assert_false (secret_cleared (uuid));

  /* Cancel keeps it. */
  botbench_ui_test_click (W (ed, "remove_button"));
  botbench_test_assert_wait_until_full (dialog_shown, NULL, WAIT_MS, "a message dialog");
  dialog = find_message_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==, "Remove Profile?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), "My Portal"));
  g_assert_cmpint (adw_message_dialog_get_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove"), ==,
                   ADW_RESPONSE_DESTRUCTIVE);
  botbench_ui_test_screenshot (f, "profile-remove.png");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_nonnull (botbench_profile_manager_lookup (manager, "My Portal"));

  /* Remove takes the profile and its secret away, and the editor closes. */
  botbench_ui_test_click (W (ed, "remove_button"));
  botbench_test_assert_wait_until_full (dialog_shown, NULL, WAIT_MS, "a message dialog");
  dialog = find_message_dialog ();
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "remove");
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_null (botbench_profile_manager_lookup (manager, "My Portal"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 1);
  g_assert_cmpstr (visible_child (profiles_page (f), "stack"), ==, "list");

  /* The secret goes too (keyring or memory). */
  botbench_test_assert_wait_until_full (secret_cleared, uuid, WAIT_MS, "the profile's secret to be cleared");
}

static void
switcher_lists_profiles (Fixture *f)
{
  BotbenchProfileManager *manager = botbench_application_get_profile_manager (f->app);
  GMenuModel *menu = profile_section (f);
  BotbenchProfile *sandbox_profile;
  BotbenchProfile *mine;
  g_autoptr(GVariant) state = NULL;

  /* No profiles: the switcher says so and the page shows its empty state. */
  g_assert_cmpstr (label_text (f->window, "profile_label"), ==, "No Profile");
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-profiles", NULL);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  g_assert_cmpstr (visible_child (profiles_page (f), "list_stack"), ==, "empty");
  g_assert_true (gtk_widget_get_mapped (W (profiles_page (f), "empty_page")));
  g_assert_cmpint (g_menu_model_get_n_items (menu), ==, 0);
  botbench_ui_test_screenshot (f, "profiles-empty.png");

  mine = create_sandbox_webhook_profile (f);
  sandbox_profile = botbench_application_get_sandbox_profile (f->app);
  g_assert_nonnull (sandbox_profile);

  /* Both listed; the first one added is active and checked. */
  g_assert_cmpint (g_menu_model_get_n_items (menu), ==, 2);
  g_assert_true (botbench_profile_manager_get_active (manager) == sandbox_profile);
  state = g_action_group_get_action_state (G_ACTION_GROUP (f->window), "active-profile");
  g_assert_cmpstr (g_variant_get_string (state, NULL), ==, botbench_profile_get_uuid (sandbox_profile));
  g_assert_cmpstr (label_text (f->window, "profile_label"), ==, "Sandbox");

  /* Choosing from the menu switches. */
  g_action_group_activate_action (G_ACTION_GROUP (f->window), "active-profile",
                                  g_variant_new_string (botbench_profile_get_uuid (mine)));
  g_assert_true (botbench_profile_manager_get_active (manager) == mine);
  g_assert_cmpstr (label_text (f->window, "profile_label"), ==, "My Portal");
  g_clear_pointer (&state, g_variant_unref);
  state = g_action_group_get_action_state (G_ACTION_GROUP (f->window), "active-profile");
  g_assert_cmpstr (g_variant_get_string (state, NULL), ==, botbench_profile_get_uuid (mine));

  /* Switching to the sandbox profile runs the sandbox if it was stopped. */
  gtk_switch_set_active (GTK_SWITCH (W (profiles_page (f), "sandbox_switch")), FALSE);
  g_assert_false (botbench_sandbox_get_running (botbench_application_get_sandbox (f->app)));
  g_assert_nonnull (strstr (subtitle (profiles_page (f), "sandbox_row"), "Stopped"));
  g_action_group_activate_action (G_ACTION_GROUP (f->window), "active-profile",
                                  g_variant_new_string (botbench_profile_get_uuid (sandbox_profile)));
  g_assert_true (botbench_profile_manager_get_active (manager) == sandbox_profile);
  g_assert_true (botbench_sandbox_get_running (botbench_application_get_sandbox (f->app)));
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (W (profiles_page (f), "sandbox_switch"))));
  g_action_group_activate_action (G_ACTION_GROUP (f->window), "active-profile",
                                  g_variant_new_string (botbench_profile_get_uuid (mine)));

  /* A rename shows up at once. */
  botbench_profile_manager_rename (manager, mine, "Renamed", NULL);
  g_assert_cmpstr (label_text (f->window, "profile_label"), ==, "Renamed");

  /* Back to the list: the profiles are rows there, the active one checked. */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-profiles", NULL);
  botbench_ui_test_assert_label_shown (W (profiles_page (f), "profile_list"), "Renamed");
  botbench_ui_test_assert_label_shown (W (profiles_page (f), "profile_list"), "Sandbox");
  botbench_ui_test_screenshot (f, "profiles-list.png");
}

static gboolean
webhook_message_says_success (gpointer data)
{
  BotbenchProfileEditor *ed = data;

  return gtk_widget_has_css_class (W (ed, "webhook_message"), "success");
}

/* A first start: no profile; "Try the Sandbox Portal" on the empty log
 * starts the built-in portal, makes it the active profile and opens Bots. */
static void
try_sandbox_from_empty_log (Fixture *f)
{
  BotbenchProfileManager *manager = botbench_application_get_profile_manager (f->app);
  BotbenchSandbox *sandbox = botbench_application_get_sandbox (f->app);
  BotbenchProfile *active;

  g_assert_null (botbench_profile_manager_get_active (manager));
  g_assert_false (botbench_sandbox_get_running (sandbox));
  g_assert_true (gtk_widget_get_mapped (botbench_ui_test_find (botbench_ui_test_get_events_page (f->window), "empty_page")));

  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.try-sandbox", NULL);

  g_assert_true (botbench_sandbox_get_running (sandbox));
  active = botbench_profile_manager_get_active (manager);
  g_assert_nonnull (active);
  g_assert_true (active == botbench_application_get_sandbox_profile (f->app));
  g_assert_cmpstr (visible_child (f->window, "page_stack"), ==, "bots");

  /* Its editor does not warn about plain http: loopback is the point. */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-profiles", NULL);
  botbench_profiles_page_edit_profile (profiles_page (f), active);
  {
    g_autofree char *webhook = botbench_sandbox_dup_webhook_url (sandbox);

    gtk_editable_set_text (GTK_EDITABLE (W (editor (f), "webhook_url_row")), webhook);
  }
  botbench_test_assert_wait_until_full (webhook_message_says_success, editor (f), WAIT_MS,
                                        "the webhook URL to be accepted");
  g_assert_false (gtk_widget_has_css_class (W (editor (f), "webhook_message"), "warning"));
}

/* A change that cannot be written (the config directory is a file now)
 * is not lost silently: the window says so. */
static void
save_failure_shows_toast (Fixture *f)
{
  BotbenchProfileManager *manager = botbench_application_get_profile_manager (f->app);
  g_autoptr(BotbenchProfile) profile = botbench_profile_new (BOTBENCH_PROFILE_KIND_WEBHOOK, NULL);
  g_autofree char *dir = g_path_get_dirname (botbench_profile_manager_get_path (manager));
  g_autofree char *expected = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BotbenchSignalCounter) failures = NULL;

  botbench_profile_set_name (profile, "Doomed");
  botbench_profile_set_portal_url (profile, "https://doomed.example/");
  g_assert_true (botbench_profile_manager_add (manager, profile, &error));
  g_assert_no_error (error);

  /* Tests run as root, so a read-only mode would not stop the write: a
   * regular file where the directory was does. */
  botbench_test_rm_rf (dir);
  g_file_set_contents (dir, "not a directory\n", -1, &error);
  g_assert_no_error (error);

  failures = botbench_test_count_signal (manager, "save-failed");
  botbench_profile_set_public_base_url (profile, "https://tunnel.example/");

  /* Translated like the window's message; the path holds no markup. */
  expected = g_strdup_printf ("Cannot save profiles: Cannot create %s: %s", dir, g_strerror (ENOTDIR));
  botbench_ui_test_assert_toast_shown (f->window, expected);
  g_assert_cmpuint (botbench_signal_counter_get (failures), ==, 1);

  /* Still there in memory, changes and all. */
  g_assert_true (botbench_profile_manager_lookup (manager, "Doomed") == profile);
  g_assert_cmpstr (botbench_profile_get_public_base_url (profile), ==, "https://tunnel.example/");
  botbench_ui_test_screenshot (f, "profiles-save-failed.png");
}

/* ---- Make the Listener Public ------------------------------------------------------- */

typedef struct
{
  BotbenchProfileEditor *ed;
  const char            *text;
} SubtitleWait;

static gboolean
tunnel_subtitle_is (gpointer data)
{
  SubtitleWait *w = data;
  const char *text = subtitle (w->ed, "tunnel_row");

  return text != NULL && strstr (text, w->text) != NULL;
}

/* With fake tunnel programs first in PATH: cloudflared's URL becomes the
 * profile's public base URL and shows in the editor; Stop forgets it; a
 * tunnel that dies clears it and says so; ssh needs a host; a missing
 * program says how to install it. */
static void
tunnel_makes_listener_public (Fixture *f)
{
  BotbenchProfileManager *manager = botbench_application_get_profile_manager (f->app);
  g_autoptr(BotbenchProfile) profile = botbench_profile_new (BOTBENCH_PROFILE_KIND_WEBHOOK, NULL);
  g_autofree char *fake = g_build_filename (g_getenv ("G_TEST_SRCDIR"), "fake-tunnel.sh", NULL);
  g_autofree char *dir = g_build_filename (tmp_root, "fake-tunnels", NULL);
  g_autofree char *path = g_strdup_printf ("%s:/usr/bin:/bin", dir);
  g_autofree char *old_path = g_strdup (g_getenv ("PATH"));
  g_autofree char *link = g_build_filename (dir, "cloudflared", NULL);
  g_autoptr(GError) error = NULL;
  BotbenchProfileEditor *ed = editor (f);
  SubtitleWait wait = { ed, NULL };
  const char *url = "https://plain-fake-words-here.trycloudflare.com";

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_cmpint (symlink (fake, link), ==, 0);
  g_setenv ("PATH", path, TRUE);
  g_setenv ("FAKE_TUNNEL_MODE", "url", TRUE);

  botbench_profile_set_name (profile, "Cloud");
  botbench_profile_set_portal_url (profile, "https://team.bitrix24.example/");
  botbench_profile_set_public_base_url (profile, "https://old-tunnel.example/");
  g_assert_true (botbench_profile_manager_add (manager, profile, &error));
  g_assert_no_error (error);
  gtk_stack_set_visible_child_name (GTK_STACK (W (f->window, "page_stack")), "profiles");
  botbench_profiles_page_edit_profile (profiles_page (f), profile);

  g_assert_true (gtk_widget_get_visible (W (ed, "tunnel_group")));
  /* cloudflared (the first row) is "installed": Start. */
  g_assert_true (gtk_widget_get_sensitive (W (ed, "tunnel_button")));
  botbench_ui_test_click (W (ed, "tunnel_button"));
  wait.text = url;
  botbench_test_assert_wait_until (tunnel_subtitle_is, &wait, "the tunnel's URL shown");
  g_assert_cmpstr (botbench_profile_get_public_base_url (profile), ==, url);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (W (ed, "public_url_row"))), ==, url);
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (W (ed, "tunnel_button"))), ==, "_Stop");
  botbench_ui_test_screenshot (f, "profile-tunnel.png");

  /* Stop: the profile forgets the URL and has its own again. */
  botbench_ui_test_click (W (ed, "tunnel_button"));
  g_assert_cmpstr (botbench_profile_get_public_base_url (profile), ==, "https://old-tunnel.example/");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (W (ed, "public_url_row"))), ==, "https://old-tunnel.example/");
  g_assert_null (botbench_application_get_tunnel (f->app));

  /* A tunnel that dies: cleared, and the window says so. */
  g_setenv ("FAKE_TUNNEL_MODE", "die", TRUE);
  botbench_ui_test_click (W (ed, "tunnel_button"));
  wait.text = "no longer reaches the listener";
  botbench_test_assert_wait_until (tunnel_subtitle_is, &wait, "the tunnel's death shown");
  g_assert_null (botbench_profile_get_public_base_url (profile));
  g_assert_true (gtk_widget_get_visible (W (ed, "tunnel_icon")));
  g_assert_true (gtk_widget_has_css_class (W (ed, "tunnel_icon"), "error"));
  botbench_ui_test_assert_toast_shown (f->window, "The tunnel stopped: cloudflared ended (exit status 1), so "
                                       "https://plain-fake-words-here.trycloudflare.com no longer reaches the listener");

  /* ssh wants a host; ngrok is not installed here. */
  adw_combo_row_set_selected (ADW_COMBO_ROW (W (ed, "tunnel_via_row")), 2);
  g_assert_true (gtk_widget_get_visible (W (ed, "tunnel_host_row")));
  g_assert_false (gtk_widget_get_sensitive (W (ed, "tunnel_button")));
  gtk_editable_set_text (GTK_EDITABLE (W (ed, "tunnel_host_row")), "nokey@localhost.run");
  g_assert_true (gtk_widget_get_sensitive (W (ed, "tunnel_button")));
  adw_combo_row_set_selected (ADW_COMBO_ROW (W (ed, "tunnel_via_row")), 1);
  g_assert_false (gtk_widget_get_visible (W (ed, "tunnel_host_row")));
  g_assert_false (gtk_widget_get_sensitive (W (ed, "tunnel_button")));
  g_assert_nonnull (strstr (subtitle (ed, "tunnel_row"), "ngrok is not packaged by Debian"));
  /* A hint, not an error: nothing failed yet. */
  g_assert_false (gtk_widget_get_visible (W (ed, "tunnel_icon")));

  g_setenv ("PATH", old_path, TRUE);
  g_unsetenv ("FAKE_TUNNEL_MODE");
}

static gboolean
install_subtitle_has (gpointer data)
{
  gpointer *args = data;

  return strstr (subtitle (args[0], "install_row"), args[1]) != NULL;
}

/* "Install a Local Application": the sandbox installs an app whose install
 * handler is the listener; the ONAPPINSTALL is logged and becomes the
 * active OAuth profile "Sandbox App", which works and refreshes against
 * the sandbox.  Without the sandbox the button is off; without the
 * listener the row says to start it. */
static void
install_local_application (Fixture *f)
{
  BotbenchProfileManager *manager = botbench_application_get_profile_manager (f->app);
  BotbenchSandbox *sandbox = botbench_application_get_sandbox (f->app);
  BotbenchSecretStore *secrets = botbench_application_get_secret_store (f->app);
  BotbenchProfilesPage *page = NULL;
  g_autoptr(BotbenchRestResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *base = NULL;
  g_autofree char *endpoint = NULL;
  g_autofree char *stored = NULL;
  BotbenchTestResult result = { NULL };
  BotbenchRestClient *client;
  BotbenchProfile *profile;
  GtkWidget *button;

  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-profiles", NULL);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  page = profiles_page (f);
  button = W (page, "install_button");
  g_assert_false (gtk_widget_is_sensitive (button));

  start_sandbox_from_page (f);
  g_assert_true (gtk_widget_is_sensitive (button));
  g_assert_true (botbench_listener_get_running (botbench_application_get_listener (f->app)));
  botbench_ui_test_click (button);
  if (!have_keyring)
    botbench_ui_test_accept_session_only (f);
  profile = save_and_wait (f, "Sandbox App");

  botbench_ui_test_wait_for_logged_event (f->window, "ONAPPINSTALL", NULL);
  botbench_ui_test_assert_toast_shown (f->window, "Local application installed: profile “Sandbox App” created "
                                       "and selected");
  g_assert_true (botbench_profile_manager_get_active (manager) == profile);
  g_assert_true (gtk_widget_is_sensitive (button));
  botbench_ui_test_screenshot (f, "profiles-install-app.png");

  base = botbench_sandbox_dup_url (sandbox);
  endpoint = g_strconcat (base, "oauth/token/", NULL);
  g_assert_cmpint (botbench_profile_get_kind (profile), ==, BOTBENCH_PROFILE_KIND_OAUTH);
  g_assert_cmpstr (botbench_profile_get_portal_url (profile), ==, base);
  g_assert_cmpstr (botbench_profile_get_token_endpoint (profile), ==, endpoint);
  g_assert_true (g_str_has_prefix (botbench_profile_get_oauth_client_id (profile), "local."));
  stored = botbench_secret_store_lookup_sync (secrets, botbench_profile_get_uuid (profile),
                                              BOTBENCH_SECRET_KIND_CLIENT_SECRET, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (stored), >=, 32);

  /* It works on the sandbox's REST API. */
  client = botbench_application_get_rest_client (f->app, profile);
  botbench_rest_client_call_async (client, "imbot.bot.list", NULL, NULL, botbench_test_result_cb, &result);
  response = botbench_rest_client_call_finish (client, botbench_test_result_wait (&result, WAIT_MS), &error);
  botbench_test_result_clear (&result);
  g_assert_no_error (error);
  g_assert_nonnull (botbench_rest_response_get_result (response));

  /* A second install: a second, unique profile. */
  botbench_ui_test_click (button);
  save_and_wait (f, "Sandbox App 2");

  /* The listener off: the row says what to do; no profile. */
  botbench_application_stop_listener (f->app);
  botbench_ui_test_click (button);
  {
    gpointer args[] = { page, (gpointer)"Start the listener first" };

    botbench_test_assert_wait_until_full (install_subtitle_has, args, WAIT_MS, "the listener error");
  }
  g_assert_true (gtk_widget_has_css_class (W (page, "install_row"), "error"));
  g_assert_null (botbench_profile_manager_lookup (manager, "Sandbox App 3"));

  /* The sandbox off: nothing to install into. */
  gtk_switch_set_active (GTK_SWITCH (W (page, "sandbox_switch")), FALSE);
  g_assert_false (gtk_widget_is_sensitive (button));
}

int
main (int   argc,
      char *argv[])
{
  tmp_root = botbench_ui_test_init (&argc, &argv, &have_keyring);

  botbench_ui_test_add ("/profiles-ui/webhook-test-connection", webhook_profile_test_connection);
  botbench_ui_test_add ("/profiles-ui/oauth-test-connection", oauth_profile_test_connection);
  botbench_ui_test_add ("/profiles-ui/bad-webhook-url", bad_webhook_url);
  botbench_ui_test_add ("/profiles-ui/unreachable-portal", unreachable_portal_error);
  botbench_ui_test_add ("/profiles-ui/remove-asks", remove_profile_asks);
  botbench_ui_test_add ("/profiles-ui/switcher", switcher_lists_profiles);
  botbench_ui_test_add ("/profiles-ui/requests-page", requests_page_lists_scope);
  botbench_ui_test_add ("/profiles-ui/try-sandbox", try_sandbox_from_empty_log);
  botbench_ui_test_add ("/profiles-ui/save-failure-toast", save_failure_shows_toast);
  botbench_ui_test_add ("/profiles-ui/tunnel", tunnel_makes_listener_public);
  botbench_ui_test_add ("/profiles-ui/install-local-app", install_local_application);

  return botbench_ui_test_run ();
}
