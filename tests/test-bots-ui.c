/* test-bots-ui.c: the Bots page and the bot editor, against the in-process
 * sandbox portal and the local listener
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs under xvfb-run, like test-profiles-ui.c: XDG directories in a
 * temporary directory, the sandbox and the listener on free loopback
 * ports, session-only secrets unless BOTBENCH_TEST_KEYRING is set.
 *
 * BOTBENCH_TEST_SCREENSHOT_DIR=DIR saves `import -window root` shots there.
 */
#include "config.h"

#include <libsoup/soup.h>
#include <stdlib.h>
#include <string.h>

#include "botbench-application.h"
#include "botbench-bots-page-private.h"
#include "botbench-window-private.h"
#include "botbench-test-utils.h"
#include "botbench-ui-test-utils.h"

#define WAIT_MS BOTBENCH_UI_TEST_WAIT_MS

static const char *tmp_root;
static gboolean have_keyring;

typedef BotbenchUiFixture Fixture;
typedef BotbenchUiTestBody TestBody;

/* ---- helpers ------------------------------------------------------------ */

typedef struct
{
  BotbenchBotEditor *editor;
  BotbenchAvatar    *before;
} AvatarWait;

static gboolean
avatar_replaced (gpointer data)
{
  AvatarWait *w = data;

  return !w->editor->encoding && w->editor->avatar != NULL && w->editor->avatar != w->before;
}

static gboolean
editor_not_checking (gpointer data)
{
  return !BOTBENCH_BOT_EDITOR (data)->checking;
}

static void
click (GtkWidget *button)
{
  g_assert_true (gtk_widget_is_sensitive (button));
  /* Revealers and stacks map their children once they start to show. */
  g_assert_true (botbench_test_wait_until (botbench_ui_test_widget_is_mapped, button, WAIT_MS));
  g_signal_emit_by_name (button, "clicked");
}

static void
type_into (AdwEntryRow *row,
           const char  *text)
{
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (row)));
  gtk_editable_set_text (GTK_EDITABLE (row), text);
}

static gboolean
sandbox_is_running (gpointer data)
{
  return botbench_sandbox_get_running (data);
}

static gboolean
secrets_banner_shown (gpointer data)
{
  Fixture *f = data;

  return gtk_revealer_get_reveal_child (f->window->secrets_revealer);
}

/* Without a keyring, a store fails, the banner offers session-only, and
 * taking it lets whatever waited go on. */
static void
accept_session_only (Fixture *f)
{
  BotbenchSecretStore *secrets = botbench_application_get_secret_store (f->app);

  g_assert_true (botbench_test_wait_until (secrets_banner_shown, f, WAIT_MS));
  g_assert_nonnull (strstr (gtk_label_get_label (f->window->secrets_label), "Secret Service"));
  g_assert_false (botbench_secret_store_get_session_only (secrets));

  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  click (GTK_WIDGET (f->window->keep_secrets_button));
  g_assert_true (botbench_secret_store_get_session_only (secrets));
  g_assert_false (gtk_revealer_get_reveal_child (f->window->secrets_revealer));
}

static gboolean
listener_is_running (gpointer data)
{
  return botbench_listener_get_running (data);
}

static BotbenchBotsPage *
bots_page (Fixture *f)
{
  return f->window->bots_page;
}

static BotbenchBotEditor *
bot_editor (Fixture *f)
{
  return f->window->bots_page->editor;
}

static gboolean
portal_listed (gpointer data)
{
  BotbenchBotsPage *page = data;

  return !page->listing && (page->portal_bots != NULL ||
                            gtk_widget_get_visible (GTK_WIDGET (page->portal_message)));
}

/* Starts the sandbox, makes its profile active and opens the Bots page. */
static void
open_bots_page_on_sandbox (Fixture *f)
{
  BotbenchProfileManager *manager = botbench_application_get_profile_manager (f->app);
  BotbenchSandbox *sandbox = botbench_application_get_sandbox (f->app);
  BotbenchListener *listener = botbench_application_get_listener (f->app);
  g_autoptr(GError) error = NULL;
  BotbenchProfile *profile;

  g_assert_true (botbench_application_start_sandbox (f->app, &error));
  g_assert_no_error (error);
  g_assert_true (botbench_test_wait_until (sandbox_is_running, sandbox, WAIT_MS));
  if (!have_keyring)
    accept_session_only (f);

  profile = botbench_application_get_sandbox_profile (f->app);
  g_assert_nonnull (profile);
  g_assert_true (botbench_profile_manager_set_active (manager, profile, &error));
  g_assert_no_error (error);
  g_assert_true (botbench_test_wait_until (listener_is_running, listener, WAIT_MS));

  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-bots", NULL);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (f->window->page_stack), ==, "bots");
  g_assert_true (bots_page (f)->profile == profile);
  g_assert_true (botbench_test_wait_until (portal_listed, bots_page (f), WAIT_MS));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (bots_page (f)->portal_message), "error"));
}

static BotbenchBotEditorField *
field (BotbenchBotEditor *ed,
       const char        *key)
{
  BotbenchBotEditorField *found = g_hash_table_lookup (ed->fields, key);

  g_assert_nonnull (found);
  return found;
}

static gboolean
avatar_done (gpointer data)
{
  BotbenchBotEditor *ed = data;

  return !ed->encoding;
}

static void
write_png (const char *path,
           int         width,
           int         height)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, TRUE, 8, width, height);
  g_autoptr(GError) error = NULL;

  guchar *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);

  /* A diagonal gradient, blue to green, with a lighter disc. */
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guchar *p = pixels + y * stride + x * 4;
        double t = (double)(x + y) / (width + height);
        int dx = x - width / 2, dy = y - height / 2;
        gboolean disc = dx * dx + dy * dy < (height / 4) * (height / 4);

        p[0] = disc ? 0xf6 : (guchar)(0x35 + t * (0x2e - 0x35));
        p[1] = disc ? 0xf5 : (guchar)(0x84 + t * (0xc2 - 0x84));
        p[2] = disc ? 0xf4 : (guchar)(0xe4 + t * (0x7e - 0xe4));
        p[3] = 0xff;
      }
  g_assert_true (gdk_pixbuf_save (pixbuf, path, "png", &error, NULL));
  g_assert_no_error (error);
}

/* Feeds @path to the code path of the file chooser and of a drop. */
static void
pick_avatar (BotbenchBotEditor *ed,
             const char        *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  botbench_bot_editor_load_avatar (ed, file);
  g_assert_true (ed->encoding);
  g_assert_true (botbench_test_wait_until (avatar_done, ed, WAIT_MS));
}

static gboolean
bot_is_registered (gpointer data)
{
  BotbenchBotEditor *ed = data;

  return !ed->busy && ed->bot != NULL && botbench_bot_get_bot_id (ed->bot) > 0;
}

static gboolean
editor_idle (gpointer data)
{
  BotbenchBotEditor *ed = data;

  return !ed->busy;
}

typedef struct
{
  BotbenchBotsPage *page;
  gint64            id;
  gboolean          present;
} PortalWait;

static gboolean
portal_has_bot (gpointer data)
{
  PortalWait *wait = data;
  gboolean found = FALSE;

  if (wait->page->listing || wait->page->portal_bots == NULL)
    return FALSE;

  for (guint i = 0; i < wait->page->portal_bots->len; i++)
    {
      BotbenchPortalBot *bot = g_ptr_array_index (wait->page->portal_bots, i);

      if (bot->id == wait->id)
        found = TRUE;
    }
  return found == wait->present;
}

/* What a click on a response button does: respond, then close. */
static void
respond (AdwMessageDialog *dialog,
         const char       *response)
{
  g_assert_nonnull (dialog);
  adw_message_dialog_response (dialog, response);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* Fills a valid bot, registers it through the preview; returns its id. */
static gint64
register_echo (Fixture *f)
{
  BotbenchBotEditor *ed = bot_editor (f);
  g_autofree char *listener_url = NULL;
  g_autofree char *curl = NULL;
  g_autofree char *toast = NULL;
  g_autofree char *id_text = NULL;
  g_autofree char *webhook_url = NULL;
  g_autoptr(BotbenchWebhookUrl) parsed = NULL;
  GtkLabel *body_label;
  gint64 bot_id;

  type_into (ed->code_row, "echo");
  type_into (ed->property_rows[BOTBENCH_BOT_PROPERTY_NAME], "Echo");
  type_into (ed->property_rows[BOTBENCH_BOT_PROPERTY_WORK_POSITION], "Says it back");
  gtk_toggle_button_set_active (ed->color_buttons[BOTBENCH_BOT_COLOR_AQUA], TRUE);

  /* The helper points EVENT_HANDLER at the local listener (sandbox). */
  click (GTK_WIDGET (ed->fill_button));
  listener_url = botbench_listener_dup_url (botbench_application_get_listener (f->app));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (ed->event_handler_row)), ==, listener_url);
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (ed->event_handler_row), "error"));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (ed->code_row), "error"));
  g_assert_false (botbench_bot_issues_have_error (ed->issues));

  /* Check sends a probe through that URL and the listener receives it. */
  {
    BotbenchEventStore *store = botbench_application_get_store (f->app);
    BotbenchEventQuery query = { .event_name = BOTBENCH_HANDLER_PROBE_EVENT };
    g_autoptr(GPtrArray) probes = NULL;
    g_autoptr(GError) error = NULL;

    gtk_widget_activate_action (GTK_WIDGET (ed), "bot-editor.check-handlers", NULL);
    g_assert_true (ed->checking);
    g_assert_true (botbench_test_wait_until (editor_not_checking, ed, WAIT_MS));
    g_assert_false (gtk_revealer_get_reveal_child (ed->banner_revealer));
    probes = botbench_event_store_query (store, &query, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (probes->len, ==, 1);
  }

  /* Register shows the request first, secrets masked. */
  click (GTK_WIDGET (ed->register_button));
  g_assert_nonnull (ed->preview_dialog);
  g_assert_false (ed->busy);
  body_label = g_object_get_data (G_OBJECT (ed->preview_dialog), "body-label");
  g_assert_nonnull (strstr (gtk_label_get_label (body_label), "\"CODE\" : \"echo\""));
  g_assert_nonnull (strstr (gtk_label_get_label (body_label), "\"EVENT_HANDLER\""));
  /* The avatar's base64 is cut short in the preview (not in the request). */
  if (ed->avatar != NULL)
    g_assert_nonnull (strstr (gtk_label_get_label (body_label), "of base64)"));
  else
    g_assert_null (strstr (gtk_label_get_label (body_label), "PERSONAL_PHOTO"));
  curl = _botbench_bot_editor_dup_curl (ed);
  g_assert_true (g_str_has_prefix (curl, "curl -X POST"));
  g_assert_nonnull (strstr (curl, "imbot.register.json"));
  g_assert_nonnull (strstr (curl, "•••"));
  webhook_url = botbench_sandbox_dup_webhook_url (botbench_application_get_sandbox (f->app));
  parsed = botbench_webhook_url_parse (webhook_url, NULL);
  g_assert_nonnull (parsed);
  g_assert_null (strstr (curl, parsed->secret));
  botbench_ui_test_screenshot (f, "bots-preview.png");

  respond (ed->preview_dialog, "send");
  g_assert_true (ed->busy);
  g_assert_true (botbench_test_wait_until (bot_is_registered, ed, WAIT_MS));
  bot_id = botbench_bot_get_bot_id (ed->bot);

  /* The id in the toast and on the form; the definition is saved. */
  toast = g_strdup_printf ("Registered “Echo” as bot %" G_GINT64_FORMAT, bot_id);
  botbench_ui_test_assert_label_shown (GTK_WIDGET (f->window), toast);
  id_text = g_strdup_printf ("%" G_GINT64_FORMAT, bot_id);
  g_assert_cmpstr (adw_action_row_get_subtitle (ed->bot_id_row), ==, id_text);
  g_assert_true (botbench_bot_store_lookup_by_id (bots_page (f)->store, bot_id) == ed->bot);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (ed->unregister_button)));
  g_assert_cmpstr (gtk_button_get_label (ed->register_button), ==, "_Update…");

  return bot_id;
}

typedef struct
{
  GListModel *model;
  const char *event;
  const char *message;
} EventWait;

static gboolean
model_has_event (gpointer data)
{
  EventWait *wait = data;

  for (guint i = 0; i < g_list_model_get_n_items (wait->model); i++)
    {
      g_autoptr(BotbenchEvent) event = g_list_model_get_item (wait->model, i);

      if (g_strcmp0 (botbench_event_get_event_name (event), wait->event) == 0 &&
          (wait->message == NULL || g_strcmp0 (botbench_event_get_message (event), wait->message) == 0))
        return TRUE;
    }
  return FALSE;
}

static gboolean
event_names_settled (gpointer data)
{
  BotbenchWindow *window = data;

  return !window->names_loading && window->names_timeout == 0;
}

static void
post_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GBytes **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  g_assert_no_error (error);
}

static gboolean
bytes_arrived (gpointer data)
{
  return *(GBytes **)data != NULL;
}

/* POST {sandbox}/_sandbox/message as user 1 (the sandbox runs on this
 * thread's main context, so the request is async). */
static void
sandbox_user_writes (Fixture    *f,
                     gint64      bot_id,
                     const char *text)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autofree char *sandbox_url = botbench_sandbox_dup_url (botbench_application_get_sandbox (f->app));
  g_autofree char *url = NULL;
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, bot_id);
  g_autofree char *form = NULL;
  g_autoptr(GBytes) body = NULL;

  url = g_strdup_printf ("%s%s_sandbox/message", sandbox_url, g_str_has_suffix (sandbox_url, "/") ? "" : "/");
  form = soup_form_encode ("FROM_USER_ID", "1", "BOT_ID", id, "MESSAGE", text, NULL);
  body = g_bytes_new (form, strlen (form));
  msg = soup_message_new ("POST", url);
  soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", body);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, post_done_cb, &reply);
  g_assert_true (botbench_test_wait_until (bytes_arrived, &reply, WAIT_MS));
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  g_assert_null (strstr (g_bytes_get_data (reply, NULL), "\"error\""));
}

static void
call_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  BotbenchRestResponse **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = botbench_rest_client_call_finish (BOTBENCH_REST_CLIENT (object), result, &error);
  g_assert_no_error (error);
}

static gboolean
response_arrived (gpointer data)
{
  return *(BotbenchRestResponse **)data != NULL;
}

/* ---- tests -------------------------------------------------------------- */

static void
register_bot_and_receive_events (Fixture *f)
{
  BotbenchBotsPage *page;
  BotbenchBotEditor *ed;
  g_autofree char *data_dir = g_build_filename (tmp_root, "data", NULL);
  g_autofree char *bad_path = g_build_filename (tmp_root, "data", "broken.png", NULL);
  g_autofree char *png_path = g_build_filename (tmp_root, "data", "avatar.png", NULL);
  EventWait event_wait = { NULL, "ONIMBOTMESSAGEADD", "Hello bot" };
  PortalWait portal_wait = { 0 };
  gint64 bot_id;

  open_bots_page_on_sandbox (f);
  page = bots_page (f);
  ed = bot_editor (f);

  /* A fresh profile has no bots: the empty state offers to create one. */
  g_assert_cmpstr (gtk_stack_get_visible_child_name (page->list_stack), ==, "empty");
  botbench_ui_test_assert_label_shown (GTK_WIDGET (page), "No Bots Yet");
  botbench_ui_test_screenshot (f, "bots-empty.png");

  gtk_widget_activate_action (GTK_WIDGET (page), "bots.new", NULL);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (page->stack), ==, "editor");
  g_assert_null (botbench_bot_editor_get_bot (ed));

  /* A corrupt file: the core's message on the avatar row. */
  g_assert_true (g_mkdir_with_parents (data_dir, 0700) == 0);
  g_assert_true (g_file_set_contents (bad_path, "\x89PNG\r\n\x1a\n not really", -1, NULL));
  pick_avatar (ed, bad_path);
  g_assert_null (ed->avatar);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (ed->avatar_row), "error"));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ed->avatar_row), "broken.png"));

  /* A 300×200 PNG becomes a 512 px square, previewed with its size. */
  write_png (png_path, 300, 200);
  pick_avatar (ed, png_path);
  g_assert_nonnull (ed->avatar);
  g_assert_cmpuint (botbench_avatar_get_width (ed->avatar), ==, 512);
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (ed->avatar_row), "error"));
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (ed->avatar_row),
                                   botbench_avatar_get_format (ed->avatar) == BOTBENCH_AVATAR_FORMAT_JPEG
                                   ? "512 × 512 px · JPEG · " : "512 × 512 px · PNG · "));
  g_assert_nonnull (gtk_picture_get_paintable (ed->avatar_picture));

  /* The crop slider moves the square along the wide picture. */
  {
    BotbenchAvatar *centred = ed->avatar;
    int x, y, side;

    botbench_avatar_get_crop (centred, &x, &y, &side);
    g_assert_cmpint (side, ==, 200);
    g_assert_cmpint (x, ==, 50);

    gtk_range_set_value (ed->avatar_crop_scale, 0.0);
    g_assert_true (botbench_test_wait_until (avatar_replaced, &(AvatarWait) { ed, centred }, WAIT_MS));
    botbench_avatar_get_crop (ed->avatar, &x, &y, &side);
    g_assert_cmpint (x, ==, 0);

    centred = ed->avatar;
    gtk_range_set_value (ed->avatar_crop_scale, 1.0);
    g_assert_true (botbench_test_wait_until (avatar_replaced, &(AvatarWait) { ed, centred }, WAIT_MS));
    botbench_avatar_get_crop (ed->avatar, &x, &y, &side);
    g_assert_cmpint (x, ==, 100);
  }

  bot_id = register_echo (f);
  /* The picture and the colours in view. */
  {
    GtkWidget *scroller = gtk_widget_get_ancestor (GTK_WIDGET (ed->avatar_group), GTK_TYPE_SCROLLED_WINDOW);
    GtkAdjustment *vadjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
    double x, y;

    g_assert_true (gtk_widget_translate_coordinates (GTK_WIDGET (ed->avatar_group), scroller, 0, 0, &x, &y));
    gtk_adjustment_set_value (vadjustment, gtk_adjustment_get_value (vadjustment) + y - 56);
  }
  botbench_ui_test_screenshot (f, "bots.png");

  /* The portal lists it, marked as ours. */
  portal_wait.page = page;
  portal_wait.id = bot_id;
  portal_wait.present = TRUE;
  g_assert_true (botbench_test_wait_until (portal_has_bot, &portal_wait, WAIT_MS));
  gtk_widget_activate_action (GTK_WIDGET (ed), "bot-editor.close", NULL);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (page->stack), ==, "list");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (page->list_stack), ==, "list");
  botbench_ui_test_assert_label_shown (GTK_WIDGET (page->portal_list), "Yours");
  botbench_ui_test_assert_label_shown (GTK_WIDGET (page->definition_list), "Echo");
  botbench_ui_test_screenshot (f, "bots-list.png");

  /* A sandbox user writes to the bot: the event reaches the log. */
  sandbox_user_writes (f, bot_id, "Hello bot");
  event_wait.model = G_LIST_MODEL (f->window->event_model);
  g_assert_true (botbench_test_wait_until (model_has_event, &event_wait, WAIT_MS));

  /* The log re-reads its event names in a thread, holding the window
   * until the answer is back: let it finish before the window goes. */
  g_assert_true (botbench_test_wait_until (event_names_settled, f->window, WAIT_MS));
}

static void
validation_blocks_register (Fixture *f)
{
  BotbenchBotEditor *ed;
  BotbenchBotEditorField *code;
  const char *tooltip;
  GtkLabel *message;

  open_bots_page_on_sandbox (f);
  ed = bot_editor (f);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.new-bot", NULL);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (bots_page (f)->stack), ==, "editor");

  type_into (ed->property_rows[BOTBENCH_BOT_PROPERTY_NAME], "Zero");
  click (GTK_WIDGET (ed->fill_button));
  type_into (ed->code_row, "0");

  /* CODE "0" is empty to PHP: CODE_ERROR, on the CODE field. */
  code = field (ed, "CODE");
  g_assert_true (gtk_widget_has_css_class (code->row, "error"));
  g_assert_true (gtk_widget_get_visible (code->icon));
  tooltip = gtk_widget_get_tooltip_text (code->icon);
  g_assert_nonnull (strstr (tooltip, "Bot code isn't specified"));
  g_assert_false (gtk_widget_has_css_class (field (ed, "PROPERTIES.NAME")->row, "error"));
  message = g_object_get_data (G_OBJECT (ed->bot_group), "message");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (message)));
  g_assert_nonnull (strstr (gtk_label_get_label (message), "Bot code isn't specified"));
  botbench_ui_test_screenshot (f, "bots-validation.png");

  /* Register is blocked, in the button and in the action. */
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (ed->register_button)));
  gtk_widget_activate_action (GTK_WIDGET (ed), "bot-editor.send", NULL);
  g_assert_null (ed->preview_dialog);
  g_assert_null (ed->pending_method);

  /* Fixing it clears the field and unblocks Register. */
  type_into (ed->code_row, "zero");
  g_assert_false (gtk_widget_has_css_class (code->row, "error"));
  g_assert_false (gtk_widget_get_visible (code->icon));
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (ed->register_button)));

  /* An empty NAME goes on PROPERTIES.NAME. */
  type_into (ed->property_rows[BOTBENCH_BOT_PROPERTY_NAME], "");
  g_assert_true (gtk_widget_has_css_class (field (ed, "PROPERTIES.NAME")->row, "error"));
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (ed->register_button)));
}

static void
portal_errors_and_unregister (Fixture *f)
{
  BotbenchBotEditor *ed;
  BotbenchBotsPage *page;
  BotbenchRestClient *client;
  g_autoptr(JsonObject) params = json_object_new ();
  g_autoptr(BotbenchRestResponse) response = NULL;
  PortalWait portal_wait = { 0 };
  gint64 bot_id;
  gint64 second_id;
  const char *body;

  open_bots_page_on_sandbox (f);
  page = bots_page (f);
  ed = bot_editor (f);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.new-bot", NULL);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  bot_id = register_echo (f);

  /* Unregister asks first, saying what is lost. */
  click (GTK_WIDGET (ed->unregister_button));
  g_assert_nonnull (ed->unregister_dialog);
  body = adw_message_dialog_get_body (ed->unregister_dialog);
  g_assert_nonnull (strstr (body, "private chats"));
  respond (ed->unregister_dialog, "cancel");
  g_assert_false (ed->busy);
  g_assert_cmpint (botbench_bot_get_bot_id (ed->bot), ==, bot_id);

  click (GTK_WIDGET (ed->unregister_button));
  respond (ed->unregister_dialog, "unregister");
  g_assert_true (ed->busy);
  g_assert_true (botbench_test_wait_until (editor_idle, ed, WAIT_MS));
  g_assert_cmpint (botbench_bot_get_bot_id (ed->bot), ==, 0);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (ed->unregister_button)));
  portal_wait.page = page;
  portal_wait.id = bot_id;
  portal_wait.present = FALSE;
  g_assert_true (botbench_test_wait_until (portal_has_bot, &portal_wait, WAIT_MS));

  /* Register again, then remove it behind the editor's back. */
  click (GTK_WIDGET (ed->register_button));
  respond (ed->preview_dialog, "send");
  g_assert_true (botbench_test_wait_until (bot_is_registered, ed, WAIT_MS));
  second_id = botbench_bot_get_bot_id (ed->bot);
  g_assert_cmpint (second_id, !=, bot_id);

  client = botbench_application_get_rest_client (f->app, page->profile);
  json_object_set_int_member (params, "BOT_ID", second_id);
  botbench_rest_client_call_async (client, "imbot.unregister", params, NULL, call_done_cb, &response);
  g_assert_true (botbench_test_wait_until (response_arrived, &response, WAIT_MS));

  /* Update now gets the portal's BOT_ID_ERROR, which has no field: the banner. */
  type_into (ed->property_rows[BOTBENCH_BOT_PROPERTY_NAME], "Echo Two");
  click (GTK_WIDGET (ed->register_button));
  g_assert_nonnull (strstr (gtk_label_get_label (g_object_get_data (G_OBJECT (ed->preview_dialog), "body-label")),
                            "\"NAME\" : \"Echo Two\""));
  respond (ed->preview_dialog, "send");
  g_assert_true (botbench_test_wait_until (editor_idle, ed, WAIT_MS));
  g_assert_true (gtk_revealer_get_reveal_child (ed->banner_revealer));
  g_assert_nonnull (strstr (gtk_label_get_label (ed->banner_label), "BOT_ID_ERROR"));
  g_assert_nonnull (strstr (gtk_label_get_label (ed->banner_label), "Bot not found"));
  botbench_ui_test_screenshot (f, "bots-error.png");

  /* Portal codes that name a field go on it. */
  _botbench_bot_editor_show_portal_error (ed, "NAME_ERROR", "Bot name isn't specified");
  g_assert_true (gtk_widget_has_css_class (field (ed, "PROPERTIES.NAME")->row, "error"));
  g_assert_false (gtk_revealer_get_reveal_child (ed->banner_revealer));
  g_assert_cmpstr (_botbench_bot_editor_field_for_error (NULL, "CODE_ERROR"), ==, "CODE");
  g_assert_cmpstr (_botbench_bot_editor_field_for_error (NULL, "EVENT_MESSAGE_ADD_ERROR"), ==, "EVENT_MESSAGE_ADD");
  g_assert_cmpstr (_botbench_bot_editor_field_for_error (ed->bot, "EVENT_WELCOME_MESSAGE_ERROR"), ==, "EVENT_HANDLER");
  g_assert_null (_botbench_bot_editor_field_for_error (NULL, "BOT_ID_ERROR"));
}

static void
adopt_existing_code (Fixture *f)
{
  BotbenchBotEditor *ed;
  BotbenchBotsPage *page;
  PortalWait portal_wait = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *toast = NULL;
  gint64 bot_id;

  open_bots_page_on_sandbox (f);
  page = bots_page (f);
  ed = bot_editor (f);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.new-bot", NULL);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  bot_id = register_echo (f);
  portal_wait.page = page;
  portal_wait.id = bot_id;
  portal_wait.present = TRUE;
  g_assert_true (botbench_test_wait_until (portal_has_bot, &portal_wait, WAIT_MS));

  /* The definition is lost (another computer, a deleted file)… */
  g_assert_true (botbench_bot_store_remove (page->store, ed->bot, &error));
  g_assert_no_error (error);
  gtk_widget_activate_action (GTK_WIDGET (ed), "bot-editor.close", NULL);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  /* …so the portal's bot is not ours any more, and can be adopted. */
  botbench_ui_test_assert_label_shown (GTK_WIDGET (page->portal_list), "_Adopt");

  /* A new definition with the same CODE is offered Adopt, not a duplicate. */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.new-bot", NULL);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (ed->adopt_button)));
  type_into (ed->property_rows[BOTBENCH_BOT_PROPERTY_NAME], "Echo");
  type_into (ed->code_row, "echo");
  g_assert_true (gtk_widget_has_css_class (field (ed, "CODE")->row, "warning"));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (field (ed, "CODE")->icon), "adopt"));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (ed->adopt_button)));
  g_assert_cmpint (ed->adopt_id, ==, bot_id);

  click (GTK_WIDGET (ed->adopt_button));
  g_assert_nonnull (ed->bot);
  g_assert_cmpint (botbench_bot_get_bot_id (ed->bot), ==, bot_id);
  g_assert_true (botbench_bot_store_lookup_by_id (page->store, bot_id) == ed->bot);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (ed->adopt_button)));
  toast = g_strdup_printf ("“echo” is now linked to bot %" G_GINT64_FORMAT, bot_id);
  botbench_ui_test_assert_label_shown (GTK_WIDGET (f->window), toast);

  /* Nothing differs from the portal's bot: Update has nothing to send. */
  g_assert_cmpstr (gtk_button_get_label (ed->register_button), ==, "_Update…");
  g_assert_true (botbench_test_wait_until (editor_idle, ed, WAIT_MS));
}

/* The trash button of the first command row. */
static GtkWidget *
find_command_button (GtkWidget  *widget,
                     const char *icon_name)
{
  if (GTK_IS_BUTTON (widget) && g_object_get_data (G_OBJECT (widget), "command") != NULL &&
      g_strcmp0 (gtk_button_get_icon_name (GTK_BUTTON (widget)), icon_name) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_command_button (child, icon_name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
bot_has_commands (gpointer data)
{
  BotbenchBotEditor *ed = data;

  return !ed->busy && g_list_model_get_n_items (botbench_bot_get_commands (ed->bot)) > 0;
}

static void
commands_register_and_unregister (Fixture *f)
{
  BotbenchBotEditor *ed;
  BotbenchBotsPage *page;
  g_autoptr(BotbenchBotCommand) command = NULL;
  g_autoptr(BotbenchBotStore) reread = NULL;
  g_autoptr(GError) error = NULL;
  EventWait event_wait = { NULL, "ONIMCOMMANDADD", NULL };
  g_autofree char *toast = NULL;
  BotbenchBot *saved;
  gint64 bot_id;

  open_bots_page_on_sandbox (f);
  page = bots_page (f);
  ed = bot_editor (f);

  /* Only a registered bot has commands. */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.new-bot", NULL);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (ed->commands_group)));
  bot_id = register_echo (f);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (ed->commands_group)));
  botbench_ui_test_assert_label_shown (GTK_WIDGET (ed->commands_group), "No commands");

  click (GTK_WIDGET (ed->add_command_button));
  g_assert_nonnull (ed->command_dialog);
  g_assert_false (adw_message_dialog_get_response_enabled (ed->command_dialog, "register"));
  gtk_editable_set_text (GTK_EDITABLE (ed->command_rows[0]), "/echo");
  gtk_editable_set_text (GTK_EDITABLE (ed->command_rows[1]), "Say it back");
  gtk_editable_set_text (GTK_EDITABLE (ed->command_rows[2]), "text");
  g_assert_true (adw_message_dialog_get_response_enabled (ed->command_dialog, "register"));
  respond (ed->command_dialog, "register");
  g_assert_true (ed->busy);
  g_assert_true (botbench_test_wait_until (bot_has_commands, ed, WAIT_MS));

  command = g_list_model_get_item (botbench_bot_get_commands (ed->bot), 0);
  g_assert_cmpstr (botbench_bot_command_get_command (command), ==, "echo");
  g_assert_cmpint (botbench_bot_command_get_command_id (command), >, 0);
  botbench_ui_test_assert_label_shown (GTK_WIDGET (ed->commands_group), "/echo");
  toast = g_strdup_printf ("Registered command /echo (id %" G_GINT64_FORMAT ")",
                           botbench_bot_command_get_command_id (command));
  botbench_ui_test_assert_label_shown (GTK_WIDGET (f->window), toast);

  /* Saved with the definition. */
  reread = botbench_bot_store_new (botbench_profile_get_uuid (page->profile), NULL);
  g_assert_true (botbench_bot_store_load (reread, &error));
  g_assert_no_error (error);
  saved = botbench_bot_store_lookup_by_id (reread, bot_id);
  g_assert_nonnull (saved);
  g_assert_nonnull (botbench_bot_lookup_command (saved, "echo"));

  /* The portal now sends the command's event for "/echo hi". */
  sandbox_user_writes (f, bot_id, "/echo hi");
  event_wait.model = G_LIST_MODEL (f->window->event_model);
  g_assert_true (botbench_test_wait_until (model_has_event, &event_wait, WAIT_MS));
  g_assert_true (botbench_test_wait_until (event_names_settled, f->window, WAIT_MS));

  /* Editing sends imbot.command.update and keeps the command's id. */
  {
    g_autoptr(BotbenchBotCommand) updated = NULL;
    gint64 command_id = botbench_bot_command_get_command_id (command);
    const BotbenchBotCommandLang *lang;

    g_signal_emit_by_name (find_command_button (GTK_WIDGET (ed->commands_group), "document-edit-symbolic"),
                           "clicked");
    g_assert_nonnull (ed->command_dialog);
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (ed->command_rows[0])), ==, "echo");
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (ed->command_rows[1])), ==, "Say it back");
    gtk_editable_set_text (GTK_EDITABLE (ed->command_rows[1]), "Echo it back");
    respond (ed->command_dialog, "register");
    g_assert_true (ed->busy);
    g_assert_true (botbench_test_wait_until (editor_idle, ed, WAIT_MS));
    g_assert_false (gtk_revealer_get_reveal_child (ed->banner_revealer));
    botbench_ui_test_assert_label_shown (GTK_WIDGET (f->window), "Updated command /echo");

    g_assert_cmpuint (g_list_model_get_n_items (botbench_bot_get_commands (ed->bot)), ==, 1);
    updated = g_list_model_get_item (botbench_bot_get_commands (ed->bot), 0);
    g_assert_cmpint (botbench_bot_command_get_command_id (updated), ==, command_id);
    lang = botbench_bot_command_get_lang (updated, 0);
    g_assert_cmpstr (lang->title, ==, "Echo it back");
  }

  /* Unregistering removes it from the bot and the list. */
  g_signal_emit_by_name (find_command_button (GTK_WIDGET (ed->commands_group), "user-trash-symbolic"), "clicked");
  g_assert_true (ed->busy);
  g_assert_true (botbench_test_wait_until (editor_idle, ed, WAIT_MS));
  g_assert_cmpuint (g_list_model_get_n_items (botbench_bot_get_commands (ed->bot)), ==, 0);
  botbench_ui_test_assert_label_shown (GTK_WIDGET (ed->commands_group), "No commands");
}

typedef struct
{
  BotbenchBotsPage *page;
  const char       *code;
} CodeWait;

static gboolean
store_has_code (gpointer data)
{
  CodeWait *wait = data;

  return wait->page->store != NULL && botbench_bot_store_lookup_by_code (wait->page->store, wait->code) != NULL;
}

static gboolean
editor_exported (gpointer data)
{
  return BOTBENCH_BOT_EDITOR (data)->exported;
}

static void
import_and_export (Fixture *f)
{
  BotbenchBotsPage *page;
  BotbenchBotEditor *ed;
  g_autofree char *source = g_test_build_filename (G_TEST_DIST, "bots", "echo-bot.json", NULL);
  g_autofree char *target = g_build_filename (tmp_root, "data", "exported.json", NULL);
  g_autoptr(GFile) source_file = g_file_new_for_path (source);
  g_autoptr(GFile) target_file = g_file_new_for_path (target);
  g_autoptr(BotbenchBot) exported = NULL;
  g_autoptr(GError) error = NULL;
  CodeWait wait;

  open_bots_page_on_sandbox (f);
  page = bots_page (f);
  ed = bot_editor (f);

  /* Import adds the file as a definition and opens it. */
  _botbench_bots_page_import_file (page, source_file);
  wait.page = page;
  wait.code = "echobot";
  g_assert_true (botbench_test_wait_until (store_has_code, &wait, WAIT_MS));
  botbench_ui_test_assert_label_shown (GTK_WIDGET (f->window), "Imported “echobot”");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (page->stack), ==, "editor");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (ed->code_row)), ==, "echobot");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (ed->property_rows[BOTBENCH_BOT_PROPERTY_NAME])), ==,
                   "EchoBot");
  g_assert_true (gtk_toggle_button_get_active (ed->color_buttons[BOTBENCH_BOT_COLOR_GREEN]));
  g_assert_cmpuint (adw_combo_row_get_selected (ed->gender_row), ==, BOTBENCH_BOT_GENDER_MALE);
  /* A public https handler on a sandbox profile: no error. */
  g_assert_false (botbench_bot_issues_have_error (ed->issues));

  /* Importing the same CODE again is refused, not a second definition. */
  _botbench_bots_page_import_file (page, source_file);
  botbench_ui_test_assert_label_shown (GTK_WIDGET (f->window),
                      "Cannot import: This profile already has a bot with the CODE “echobot”");

  /* Export writes the form, edits included, in the definition format. */
  type_into (ed->property_rows[BOTBENCH_BOT_PROPERTY_LAST_NAME], "Jr.");
  _botbench_bot_editor_export_to (ed, target_file);
  g_assert_true (botbench_test_wait_until (editor_exported, ed, WAIT_MS));
  exported = botbench_bot_new_from_file (target, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (botbench_bot_get_code (exported), ==, "echobot");
  g_assert_cmpstr (botbench_bot_get_last_name (exported), ==, "Jr.");
  g_assert_cmpint (botbench_bot_get_color (exported), ==, BOTBENCH_BOT_COLOR_GREEN);
}

int
main (int   argc,
      char *argv[])
{
  tmp_root = botbench_ui_test_init (&argc, &argv, &have_keyring);

  botbench_ui_test_add ("/ui/bots/register-and-receive", register_bot_and_receive_events);
  botbench_ui_test_add ("/ui/bots/validation-blocks-register", validation_blocks_register);
  botbench_ui_test_add ("/ui/bots/portal-errors-and-unregister", portal_errors_and_unregister);
  botbench_ui_test_add ("/ui/bots/adopt-existing-code", adopt_existing_code);
  botbench_ui_test_add ("/ui/bots/commands", commands_register_and_unregister);
  botbench_ui_test_add ("/ui/bots/import-export", import_and_export);

  return botbench_ui_test_run ();
}
