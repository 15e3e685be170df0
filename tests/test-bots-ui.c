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
#include "botbench-avatar-section.h"
#include "botbench-bot-editor-private.h"
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
typedef BotbenchUiTestBody TestBody;

/* ---- finding widgets ---------------------------------------------------- */

static const char *
preview_body (void)
{
  g_assert_nonnull (botbench_ui_test_preview_dialog ());
  return botbench_request_preview_dialog_get_body (BOTBENCH_REQUEST_PREVIEW_DIALOG (botbench_ui_test_preview_dialog ()));
}

static AdwMessageDialog *
unregister_dialog (void)
{
  return botbench_ui_test_find_dialog (ADW_TYPE_MESSAGE_DIALOG, "Unregister Bot?");
}

/* ---- the editor --------------------------------------------------------- */

static GtkWidget *
icon (BotbenchBotEditor *ed,
      const char        *key)
{
  GtkWidget *found = _botbench_bot_editor_get_field_icon (ed, key);

  g_assert_nonnull (found);
  return found;
}

static GtkButton *
button (BotbenchBotEditor *ed,
        const char        *id)
{
  return GTK_BUTTON (botbench_ui_test_find (ed, id));
}

static BotbenchAvatarSection *
avatar_section (BotbenchBotEditor *ed)
{
  return BOTBENCH_AVATAR_SECTION (botbench_ui_test_find (ed, "avatar_section"));
}

static BotbenchAvatar *
editor_avatar (BotbenchBotEditor *ed)
{
  return botbench_avatar_section_get_avatar (avatar_section (ed));
}

/* The colour swatch named @color. */
static void
pick_color (BotbenchBotEditor *ed,
            BotbenchBotColor   color)
{
  GtkWidget *swatches = botbench_ui_test_find (ed, "swatches");

  for (GtkWidget *child = gtk_widget_get_first_child (swatches);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *swatch = gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (child));

      if (g_strcmp0 (gtk_widget_get_tooltip_text (swatch), botbench_bot_color_get_label (color)) == 0)
        {
          gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (swatch), TRUE);
          return;
        }
    }
  g_assert_not_reached ();
}

static gboolean
color_picked (BotbenchBotEditor *ed,
              BotbenchBotColor   color)
{
  g_autoptr(BotbenchBot) form = botbench_bot_editor_dup_form_bot (ed);

  return botbench_bot_get_color (form) == color;
}

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
  BotbenchAvatarSection *section = avatar_section (w->editor);

  return !botbench_avatar_section_get_encoding (section) &&
         botbench_avatar_section_get_avatar (section) != NULL &&
         botbench_avatar_section_get_avatar (section) != w->before;
}

static gboolean
editor_not_checking (gpointer data)
{
  return gtk_widget_is_sensitive (botbench_ui_test_find (data, "check_button"));
}

/* Starts the sandbox, makes its profile active and opens the Bots page. */
static void
open_bots_page_on_sandbox (Fixture *f)
{
  BotbenchProfile *profile;
  BotbenchBotStore *store;

  botbench_ui_test_use_sandbox (f);
  profile = botbench_application_get_sandbox_profile (f->app);

  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-bots", NULL);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  g_assert_cmpstr (botbench_ui_test_visible_child (f->window, "page_stack"), ==, "bots");
  /* The page shows the active profile's definitions. */
  store = _botbench_bots_page_get_store (botbench_ui_test_bots_page (f));
  g_assert_nonnull (store);
  g_assert_cmpstr (botbench_bot_store_get_profile_uuid (store), ==, botbench_profile_get_uuid (profile));
  botbench_test_assert_wait_until_full (botbench_ui_test_portal_listed, botbench_ui_test_bots_page (f), WAIT_MS, "the portal's bot list");
  g_assert_false (gtk_widget_has_css_class (botbench_ui_test_find (botbench_ui_test_bots_page (f), "portal_message"), "error"));
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (botbench_ui_test_find (f->window,
                                                                                      "secrets_revealer"))));
}

static gboolean
avatar_done (gpointer data)
{
  BotbenchBotEditor *ed = data;

  return !botbench_avatar_section_get_encoding (avatar_section (ed));
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
  g_assert_true (botbench_avatar_section_get_encoding (avatar_section (ed)));
  g_assert_true (botbench_ui_test_editor_busy (ed));
  botbench_test_assert_wait_until_full (avatar_done, ed, WAIT_MS, "the avatar to be encoded");
}

typedef struct
{
  BotbenchBotsPage *page;
  gint64            id;
  gboolean          present;
} PortalWait;

/* The portal's list, once in, has (or no longer has) the bot. */
static gboolean
portal_has_bot (gpointer data)
{
  PortalWait *wait = data;
  GtkWidget *portal_list = botbench_ui_test_find (wait->page, "portal_list");
  g_autofree char *subtitle = NULL;
  gboolean found = FALSE;

  if (!botbench_ui_test_portal_listed (wait->page))
    return FALSE;

  for (GtkWidget *child = gtk_widget_get_first_child (portal_list);
       child != NULL && !found;
       child = gtk_widget_get_next_sibling (child))
    {
      const char *text = ADW_IS_ACTION_ROW (child) ? adw_action_row_get_subtitle (ADW_ACTION_ROW (child)) : NULL;
      g_autofree char *prefix = g_strdup_printf ("ID %" G_GINT64_FORMAT " · ", wait->id);

      found = text != NULL && g_str_has_prefix (text, prefix);
    }
  return found == wait->present;
}

/* Fills a valid bot, registers it through the preview; returns its id. */
static gint64
register_echo (Fixture *f)
{
  BotbenchBotEditor *ed = botbench_ui_test_bot_editor (f);
  g_autofree char *listener_url = NULL;
  g_autofree char *curl = NULL;
  g_autofree char *toast = NULL;
  g_autofree char *id_text = NULL;
  g_autofree char *webhook_url = NULL;
  g_autoptr(BotbenchWebhookUrl) parsed = NULL;
  BotbenchBot *bot;
  gint64 bot_id;

  botbench_ui_test_type_into (botbench_ui_test_editor_row (ed, "CODE"), "echo");
  botbench_ui_test_type_into (botbench_ui_test_editor_row (ed, "PROPERTIES.NAME"), "Echo");
  botbench_ui_test_type_into (botbench_ui_test_editor_row (ed, "PROPERTIES.WORK_POSITION"), "Says it back");
  pick_color (ed, BOTBENCH_BOT_COLOR_AQUA);
  g_assert_true (color_picked (ed, BOTBENCH_BOT_COLOR_AQUA));

  /* The helper points EVENT_HANDLER at the local listener (sandbox). */
  botbench_ui_test_click (botbench_ui_test_find (ed, "fill_button"));
  listener_url = botbench_listener_dup_url (botbench_application_get_listener (f->app));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (botbench_ui_test_editor_row (ed, "EVENT_HANDLER"))), ==, listener_url);
  g_assert_false (gtk_widget_has_css_class (botbench_ui_test_editor_row (ed, "EVENT_HANDLER"), "error"));
  g_assert_false (gtk_widget_has_css_class (botbench_ui_test_editor_row (ed, "CODE"), "error"));
  /* No error anywhere: Register is on. */
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (button (ed, "register_button"))));

  /* Check sends a probe through that URL and the listener receives it. */
  {
    BotbenchEventStore *store = botbench_application_get_store (f->app);
    BotbenchEventQuery query = { .event_name = BOTBENCH_HANDLER_PROBE_EVENT };
    g_autoptr(GPtrArray) probes = NULL;
    g_autoptr(GError) error = NULL;

    gtk_widget_activate_action (GTK_WIDGET (ed), "bot-editor.check-handlers", NULL);
    g_assert_false (gtk_widget_is_sensitive (botbench_ui_test_find (ed, "check_button")));
    botbench_test_assert_wait_until_full (editor_not_checking, ed, WAIT_MS, "the handler check to end");
    g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (botbench_ui_test_find (ed, "banner_revealer"))));
    probes = botbench_event_store_query (store, &query, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (probes->len, ==, 1);
  }

  /* Register shows the request first, secrets masked. */
  botbench_ui_test_click (GTK_WIDGET (button (ed, "register_button")));
  g_assert_nonnull (botbench_ui_test_preview_dialog ());
  g_assert_false (botbench_ui_test_editor_busy (ed));
  g_assert_nonnull (strstr (preview_body (), "\"CODE\" : \"echo\""));
  g_assert_nonnull (strstr (preview_body (), "\"EVENT_HANDLER\""));
  /* The avatar's base64 is cut short in the preview (not in the request). */
  if (editor_avatar (ed) != NULL)
    g_assert_nonnull (strstr (preview_body (), "of base64)"));
  else
    g_assert_null (strstr (preview_body (), "PERSONAL_PHOTO"));
  curl = _botbench_bot_editor_dup_curl (ed);
  g_assert_true (g_str_has_prefix (curl, "curl -X POST"));
  g_assert_nonnull (strstr (curl, "imbot.register.json"));
  g_assert_nonnull (strstr (curl, "•••"));
  webhook_url = botbench_sandbox_dup_webhook_url (botbench_application_get_sandbox (f->app));
  parsed = botbench_webhook_url_parse (webhook_url, NULL);
  g_assert_nonnull (parsed);
  g_assert_null (strstr (curl, parsed->secret));
  botbench_ui_test_screenshot (f, "bots-preview.png");

  botbench_ui_test_respond (botbench_ui_test_preview_dialog (), "send");
  g_assert_true (botbench_ui_test_editor_busy (ed));
  botbench_test_assert_wait_until_full (botbench_ui_test_bot_is_registered, ed, WAIT_MS, "the bot to be registered");
  bot = botbench_bot_editor_get_bot (ed);
  bot_id = botbench_bot_get_bot_id (bot);

  /* The id in the toast and on the form; the definition is saved. */
  toast = g_strdup_printf ("Registered “Echo” as bot %" G_GINT64_FORMAT, bot_id);
  botbench_ui_test_assert_label_shown (GTK_WIDGET (f->window), toast);
  id_text = g_strdup_printf ("%" G_GINT64_FORMAT, bot_id);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (botbench_ui_test_find (ed, "bot_id_row"))), ==, id_text);
  g_assert_true (botbench_bot_store_lookup_by_id (_botbench_bots_page_get_store (botbench_ui_test_bots_page (f)), bot_id) == bot);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (button (ed, "unregister_button"))));
  g_assert_cmpstr (gtk_button_get_label (button (ed, "register_button")), ==, "_Update…");

  /* "Why No Events?" checks this bot. */
  {
    GtkWidget *doctor = botbench_ui_test_find (ed, "doctor_button");
    GVariant *target = gtk_actionable_get_action_target_value (GTK_ACTIONABLE (doctor));

    g_assert_true (gtk_widget_get_visible (doctor));
    g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (doctor)), ==, "win.doctor");
    g_assert_nonnull (target);
    g_assert_cmpint (g_variant_get_int64 (target), ==, bot_id);
  }

  return bot_id;
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
  PortalWait portal_wait = { 0 };
  gint64 bot_id;

  open_bots_page_on_sandbox (f);
  page = botbench_ui_test_bots_page (f);
  ed = botbench_ui_test_bot_editor (f);

  /* A fresh profile has no bots: the empty state offers to create one. */
  g_assert_cmpstr (botbench_ui_test_visible_child (page, "list_stack"), ==, "empty");
  botbench_ui_test_assert_label_shown (GTK_WIDGET (page), "No Bots Yet");
  botbench_ui_test_screenshot (f, "bots-empty.png");

  gtk_widget_activate_action (GTK_WIDGET (page), "bots.new", NULL);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  g_assert_cmpstr (botbench_ui_test_visible_child (page, "stack"), ==, "editor");
  g_assert_null (botbench_bot_editor_get_bot (ed));

  /* A corrupt file: the core's message on the avatar row. */
  g_assert_true (g_mkdir_with_parents (data_dir, 0700) == 0);
  g_assert_true (g_file_set_contents (bad_path, "\x89PNG\r\n\x1a\n not really", -1, NULL));
  pick_avatar (ed, bad_path);
  g_assert_null (editor_avatar (ed));
  g_assert_true (gtk_widget_has_css_class (botbench_ui_test_editor_row (ed, "PROPERTIES.PERSONAL_PHOTO"), "error"));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (botbench_ui_test_editor_row (ed, "PROPERTIES.PERSONAL_PHOTO"))),
                            "broken.png"));

  /* A 300×200 PNG becomes a 512 px square, previewed with its size. */
  write_png (png_path, 300, 200);
  pick_avatar (ed, png_path);
  g_assert_nonnull (editor_avatar (ed));
  g_assert_cmpuint (botbench_avatar_get_width (editor_avatar (ed)), ==, 512);
  g_assert_false (gtk_widget_has_css_class (botbench_ui_test_editor_row (ed, "PROPERTIES.PERSONAL_PHOTO"), "error"));
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (botbench_ui_test_editor_row (ed, "PROPERTIES.PERSONAL_PHOTO"))),
                                   botbench_avatar_get_format (editor_avatar (ed)) == BOTBENCH_AVATAR_FORMAT_JPEG
                                   ? "512 × 512 px · JPEG · " : "512 × 512 px · PNG · "));
  g_assert_nonnull (gtk_picture_get_paintable (GTK_PICTURE (botbench_ui_test_find (ed, "avatar_picture"))));

  /* The crop slider moves the square along the wide picture. */
  {
    BotbenchAvatar *centred = editor_avatar (ed);
    GtkRange *crop = GTK_RANGE (botbench_ui_test_find (ed, "avatar_crop_scale"));
    int x, y, side;

    botbench_avatar_get_crop (centred, &x, &y, &side);
    g_assert_cmpint (side, ==, 200);
    g_assert_cmpint (x, ==, 50);

    gtk_range_set_value (crop, 0.0);
    botbench_test_assert_wait_until_full (avatar_replaced, &(AvatarWait) { ed, centred }, WAIT_MS,
                                          "the cropped avatar");
    botbench_avatar_get_crop (editor_avatar (ed), &x, &y, &side);
    g_assert_cmpint (x, ==, 0);

    centred = editor_avatar (ed);
    gtk_range_set_value (crop, 1.0);
    botbench_test_assert_wait_until_full (avatar_replaced, &(AvatarWait) { ed, centred }, WAIT_MS,
                                          "the cropped avatar");
    botbench_avatar_get_crop (editor_avatar (ed), &x, &y, &side);
    g_assert_cmpint (x, ==, 100);
  }

  bot_id = register_echo (f);
  /* The picture and the colours in view. */
  {
    GtkWidget *avatar_group = GTK_WIDGET (avatar_section (ed));
    GtkWidget *scroller = gtk_widget_get_ancestor (avatar_group, GTK_TYPE_SCROLLED_WINDOW);
    GtkAdjustment *vadjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
    double x, y;

    g_assert_true (gtk_widget_translate_coordinates (avatar_group, scroller, 0, 0, &x, &y));
    gtk_adjustment_set_value (vadjustment, gtk_adjustment_get_value (vadjustment) + y - 56);
  }
  botbench_ui_test_screenshot (f, "bots.png");

  /* The portal lists it, marked as ours. */
  portal_wait.page = page;
  portal_wait.id = bot_id;
  portal_wait.present = TRUE;
  botbench_test_assert_wait_until_full (portal_has_bot, &portal_wait, WAIT_MS,
                                        "the portal to list the bot");
  gtk_widget_activate_action (GTK_WIDGET (ed), "bot-editor.close", NULL);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  g_assert_cmpstr (botbench_ui_test_visible_child (page, "stack"), ==, "list");
  g_assert_cmpstr (botbench_ui_test_visible_child (page, "list_stack"), ==, "list");
  botbench_ui_test_assert_label_shown (botbench_ui_test_find (page, "portal_list"), "Yours");
  botbench_ui_test_assert_label_shown (botbench_ui_test_find (page, "definition_list"), "Echo");
  botbench_ui_test_screenshot (f, "bots-list.png");

  /* A sandbox user writes to the bot: the event reaches the log. */
  botbench_ui_test_sandbox_user_writes (f, bot_id, "Hello bot");
  botbench_ui_test_wait_for_logged_event (f->window, "ONIMBOTMESSAGEADD", "Hello bot");
}

static void
validation_blocks_register (Fixture *f)
{
  BotbenchBotEditor *ed;
  GtkWidget *code;
  GtkWidget *code_icon;
  const char *tooltip;
  GtkLabel *message;

  open_bots_page_on_sandbox (f);
  ed = botbench_ui_test_bot_editor (f);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.new-bot", NULL);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  g_assert_cmpstr (botbench_ui_test_visible_child (botbench_ui_test_bots_page (f), "stack"), ==, "editor");
  /* Nothing to diagnose before the bot is registered. */
  g_assert_false (gtk_widget_get_visible (botbench_ui_test_find (ed, "doctor_button")));

  /* A new bot is not red before a field is edited (GNOME HIG), though its
   * CODE and NAME are empty: Register stays pressable. */
  g_assert_false (gtk_widget_has_css_class (botbench_ui_test_editor_row (ed, "CODE"), "error"));
  g_assert_false (gtk_widget_has_css_class (botbench_ui_test_editor_row (ed, "PROPERTIES.NAME"), "error"));
  g_assert_false (gtk_widget_get_visible (icon (ed, "CODE")));
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (button (ed, "register_button"))));

  botbench_ui_test_type_into (botbench_ui_test_editor_row (ed, "PROPERTIES.NAME"), "Zero");
  botbench_ui_test_click (botbench_ui_test_find (ed, "fill_button"));
  botbench_ui_test_type_into (botbench_ui_test_editor_row (ed, "CODE"), "0");

  /* CODE "0" is empty to PHP: CODE_ERROR, on the CODE field. */
  code = botbench_ui_test_editor_row (ed, "CODE");
  code_icon = icon (ed, "CODE");
  g_assert_true (gtk_widget_has_css_class (code, "error"));
  g_assert_true (gtk_widget_get_visible (code_icon));
  tooltip = gtk_widget_get_tooltip_text (code_icon);
  g_assert_nonnull (strstr (tooltip, "Bot code isn't specified"));
  g_assert_false (gtk_widget_has_css_class (botbench_ui_test_editor_row (ed, "PROPERTIES.NAME"), "error"));
  /* The message below the Bot group too. */
  message = g_object_get_data (G_OBJECT (gtk_widget_get_ancestor (code, ADW_TYPE_PREFERENCES_GROUP)), "message");
  g_assert_nonnull (message);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (message)));
  g_assert_nonnull (strstr (gtk_label_get_label (message), "Bot code isn't specified"));
  botbench_ui_test_screenshot (f, "bots-validation.png");

  /* Register is blocked, in the button and in the action. */
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (button (ed, "register_button"))));
  gtk_widget_activate_action (GTK_WIDGET (ed), "bot-editor.send", NULL);
  g_assert_null (botbench_ui_test_preview_dialog ());
  g_assert_null (_botbench_bot_editor_dup_curl (ed));

  /* Fixing it clears the field and unblocks Register. */
  botbench_ui_test_type_into (code, "zero");
  g_assert_false (gtk_widget_has_css_class (code, "error"));
  g_assert_false (gtk_widget_get_visible (code_icon));
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (button (ed, "register_button"))));

  /* An empty NAME goes on PROPERTIES.NAME. */
  botbench_ui_test_type_into (botbench_ui_test_editor_row (ed, "PROPERTIES.NAME"), "");
  g_assert_true (gtk_widget_has_css_class (botbench_ui_test_editor_row (ed, "PROPERTIES.NAME"), "error"));
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (button (ed, "register_button"))));
}

/* Register on an untouched new bot shows every error, focuses the first
 * and sends nothing; a field edited first shows its own error alone. */
static void
register_reveals_errors (Fixture *f)
{
  BotbenchBotEditor *ed;

  open_bots_page_on_sandbox (f);
  ed = botbench_ui_test_bot_editor (f);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.new-bot", NULL);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));

  /* Editing NAME to something valid shows nothing on CODE. */
  botbench_ui_test_type_into (botbench_ui_test_editor_row (ed, "PROPERTIES.NAME"), "Half");
  botbench_ui_test_click (botbench_ui_test_find (ed, "fill_button"));
  g_assert_false (gtk_widget_has_css_class (botbench_ui_test_editor_row (ed, "CODE"), "error"));
  g_assert_false (gtk_widget_has_css_class (botbench_ui_test_editor_row (ed, "PROPERTIES.NAME"), "error"));
  /* Emptying NAME again: it was edited, so its error shows now. */
  botbench_ui_test_type_into (botbench_ui_test_editor_row (ed, "PROPERTIES.NAME"), "");
  g_assert_true (gtk_widget_has_css_class (botbench_ui_test_editor_row (ed, "PROPERTIES.NAME"), "error"));
  g_assert_false (gtk_widget_has_css_class (botbench_ui_test_editor_row (ed, "CODE"), "error"));
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (button (ed, "register_button"))));
  botbench_ui_test_type_into (botbench_ui_test_editor_row (ed, "PROPERTIES.NAME"), "Half");
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (button (ed, "register_button"))));

  /* Register: CODE's error shows, the focus is on it, no request. */
  gtk_widget_activate_action (GTK_WIDGET (ed), "bot-editor.send", NULL);
  g_assert_null (botbench_ui_test_preview_dialog ());
  g_assert_true (gtk_widget_has_css_class (botbench_ui_test_editor_row (ed, "CODE"), "error"));
  g_assert_true (gtk_widget_get_visible (icon (ed, "CODE")));
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (f->window)), botbench_ui_test_editor_row (ed, "CODE")) ||
                 gtk_root_get_focus (GTK_ROOT (f->window)) == botbench_ui_test_editor_row (ed, "CODE"));
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (button (ed, "register_button"))));

  /* The next new bot starts clean again. */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.new-bot", NULL);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  g_assert_false (gtk_widget_has_css_class (botbench_ui_test_editor_row (ed, "CODE"), "error"));
}

static void
portal_errors_and_unregister (Fixture *f)
{
  BotbenchBotEditor *ed;
  BotbenchBotsPage *page;
  BotbenchRestClient *client;
  g_autoptr(JsonObject) params = json_object_new ();
  g_autoptr(BotbenchRestResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  BotbenchTestResult result = { NULL };
  PortalWait portal_wait = { 0 };
  gint64 bot_id;
  gint64 second_id;
  const char *body;

  open_bots_page_on_sandbox (f);
  page = botbench_ui_test_bots_page (f);
  ed = botbench_ui_test_bot_editor (f);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.new-bot", NULL);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  bot_id = register_echo (f);

  /* Unregister asks first, saying what is lost. */
  botbench_ui_test_click (GTK_WIDGET (button (ed, "unregister_button")));
  g_assert_nonnull (unregister_dialog ());
  body = adw_message_dialog_get_body (unregister_dialog ());
  g_assert_nonnull (strstr (body, "private chats"));
  botbench_ui_test_respond (unregister_dialog (), "cancel");
  g_assert_false (botbench_ui_test_editor_busy (ed));
  g_assert_cmpint (botbench_bot_get_bot_id (botbench_bot_editor_get_bot (ed)), ==, bot_id);

  botbench_ui_test_click (GTK_WIDGET (button (ed, "unregister_button")));
  botbench_ui_test_respond (unregister_dialog (), "unregister");
  g_assert_true (botbench_ui_test_editor_busy (ed));
  botbench_test_assert_wait_until_full (botbench_ui_test_editor_idle, ed, WAIT_MS, "the editor's portal call to end");
  g_assert_cmpint (botbench_bot_get_bot_id (botbench_bot_editor_get_bot (ed)), ==, 0);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (button (ed, "unregister_button"))));
  portal_wait.page = page;
  portal_wait.id = bot_id;
  portal_wait.present = FALSE;
  botbench_test_assert_wait_until_full (portal_has_bot, &portal_wait, WAIT_MS,
                                        "the portal to drop the bot");

  /* Register again, then remove it behind the editor's back. */
  botbench_ui_test_click (GTK_WIDGET (button (ed, "register_button")));
  botbench_ui_test_respond (botbench_ui_test_preview_dialog (), "send");
  botbench_test_assert_wait_until_full (botbench_ui_test_bot_is_registered, ed, WAIT_MS, "the bot to be registered");
  second_id = botbench_bot_get_bot_id (botbench_bot_editor_get_bot (ed));
  g_assert_cmpint (second_id, !=, bot_id);

  client = botbench_application_get_rest_client (f->app, botbench_application_get_sandbox_profile (f->app));
  json_object_set_int_member (params, "BOT_ID", second_id);
  botbench_rest_client_call_async (client, "imbot.unregister", params, NULL, botbench_test_result_cb, &result);
  response = botbench_rest_client_call_finish (client, botbench_test_result_wait (&result, WAIT_MS), &error);
  botbench_test_result_clear (&result);
  g_assert_no_error (error);

  /* Update now gets the portal's BOT_ID_ERROR, which has no field: the banner. */
  botbench_ui_test_type_into (botbench_ui_test_editor_row (ed, "PROPERTIES.NAME"), "Echo Two");
  botbench_ui_test_click (GTK_WIDGET (button (ed, "register_button")));
  g_assert_nonnull (strstr (preview_body (),
                            "\"NAME\" : \"Echo Two\""));
  botbench_ui_test_respond (botbench_ui_test_preview_dialog (), "send");
  botbench_test_assert_wait_until_full (botbench_ui_test_editor_idle, ed, WAIT_MS, "the editor's portal call to end");
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (botbench_ui_test_find (ed, "banner_revealer"))));
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (botbench_ui_test_find (ed, "banner_label"))), "BOT_ID_ERROR"));
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (botbench_ui_test_find (ed, "banner_label"))), "Bot not found"));
  botbench_ui_test_screenshot (f, "bots-error.png");

  /* Portal codes that name a field go on it. */
  _botbench_bot_editor_show_portal_error (ed, "NAME_ERROR", "Bot name isn't specified");
  g_assert_true (gtk_widget_has_css_class (botbench_ui_test_editor_row (ed, "PROPERTIES.NAME"), "error"));
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (botbench_ui_test_find (ed, "banner_revealer"))));
  g_assert_cmpstr (_botbench_bot_editor_field_for_error (NULL, "CODE_ERROR"), ==, "CODE");
  g_assert_cmpstr (_botbench_bot_editor_field_for_error (NULL, "EVENT_MESSAGE_ADD_ERROR"), ==, "EVENT_MESSAGE_ADD");
  g_assert_cmpstr (_botbench_bot_editor_field_for_error (botbench_bot_editor_get_bot (ed), "EVENT_WELCOME_MESSAGE_ERROR"), ==, "EVENT_HANDLER");
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
  page = botbench_ui_test_bots_page (f);
  ed = botbench_ui_test_bot_editor (f);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.new-bot", NULL);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  bot_id = register_echo (f);
  portal_wait.page = page;
  portal_wait.id = bot_id;
  portal_wait.present = TRUE;
  botbench_test_assert_wait_until_full (portal_has_bot, &portal_wait, WAIT_MS,
                                        "the portal to list the bot");

  /* The definition is lost (another computer, a deleted file)… */
  g_assert_true (botbench_bot_store_remove (_botbench_bots_page_get_store (page), botbench_bot_editor_get_bot (ed), &error));
  g_assert_no_error (error);
  gtk_widget_activate_action (GTK_WIDGET (ed), "bot-editor.close", NULL);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  /* …so the portal's bot is not ours any more, and can be adopted. */
  botbench_ui_test_assert_label_shown (botbench_ui_test_find (page, "portal_list"), "_Adopt");

  /* A new definition with the same CODE is offered Adopt, not a duplicate. */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.new-bot", NULL);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (button (ed, "adopt_button"))));
  botbench_ui_test_type_into (botbench_ui_test_editor_row (ed, "PROPERTIES.NAME"), "Echo");
  botbench_ui_test_type_into (botbench_ui_test_editor_row (ed, "CODE"), "echo");
  g_assert_true (gtk_widget_has_css_class (botbench_ui_test_editor_row (ed, "CODE"), "warning"));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (icon (ed, "CODE")), "adopt"));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (button (ed, "adopt_button"))));
  /* …naming the portal's bot it would adopt. */
  {
    g_autofree char *which = g_strdup_printf ("(bot %" G_GINT64_FORMAT ")", bot_id);

    g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (icon (ed, "CODE")), which));
  }

  botbench_ui_test_click (GTK_WIDGET (button (ed, "adopt_button")));
  g_assert_nonnull (botbench_bot_editor_get_bot (ed));
  g_assert_cmpint (botbench_bot_get_bot_id (botbench_bot_editor_get_bot (ed)), ==, bot_id);
  g_assert_true (botbench_bot_store_lookup_by_id (_botbench_bots_page_get_store (page), bot_id) == botbench_bot_editor_get_bot (ed));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (button (ed, "adopt_button"))));
  toast = g_strdup_printf ("“echo” is now linked to bot %" G_GINT64_FORMAT, bot_id);
  botbench_ui_test_assert_label_shown (GTK_WIDGET (f->window), toast);

  /* Nothing differs from the portal's bot: Update has nothing to send. */
  g_assert_cmpstr (gtk_button_get_label (button (ed, "register_button")), ==, "_Update…");
  botbench_test_assert_wait_until_full (botbench_ui_test_editor_idle, ed, WAIT_MS, "the editor's portal call to end");
}

static gboolean
bot_has_commands (gpointer data)
{
  BotbenchBotEditor *ed = data;

  return !botbench_ui_test_editor_busy (ed) && g_list_model_get_n_items (botbench_bot_get_commands (botbench_bot_editor_get_bot (ed))) > 0;
}

static void
commands_register_and_unregister (Fixture *f)
{
  BotbenchBotEditor *ed;
  g_autoptr(BotbenchBotCommand) command = NULL;
  g_autoptr(BotbenchBotStore) reread = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *toast = NULL;
  BotbenchBot *saved;
  gint64 bot_id;

  open_bots_page_on_sandbox (f);
  ed = botbench_ui_test_bot_editor (f);

  /* Only a registered bot has commands. */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.new-bot", NULL);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  g_assert_false (gtk_widget_get_visible (botbench_ui_test_find (ed, "commands_section")));
  bot_id = register_echo (f);
  g_assert_true (gtk_widget_get_visible (botbench_ui_test_find (ed, "commands_section")));
  botbench_ui_test_assert_label_shown (botbench_ui_test_find (ed, "commands_section"), "No commands");

  botbench_ui_test_click (botbench_ui_test_find (ed, "add_command_button"));
  g_assert_nonnull (botbench_ui_test_command_dialog ());
  g_assert_false (adw_message_dialog_get_response_enabled (botbench_ui_test_command_dialog (), "register"));
  gtk_editable_set_text (botbench_ui_test_command_field ("command_row"), "/echo");
  gtk_editable_set_text (botbench_ui_test_command_field ("title_row"), "Say it back");
  gtk_editable_set_text (botbench_ui_test_command_field ("params_row"), "text");
  g_assert_true (adw_message_dialog_get_response_enabled (botbench_ui_test_command_dialog (), "register"));
  botbench_ui_test_screenshot (f, "bots-command.png");
  botbench_ui_test_respond (botbench_ui_test_command_dialog (), "register");
  g_assert_true (botbench_ui_test_editor_busy (ed));
  botbench_test_assert_wait_until_full (bot_has_commands, ed, WAIT_MS, "the command to be registered");

  command = g_list_model_get_item (botbench_bot_get_commands (botbench_bot_editor_get_bot (ed)), 0);
  g_assert_cmpstr (botbench_bot_command_get_command (command), ==, "echo");
  g_assert_cmpint (botbench_bot_command_get_command_id (command), >, 0);
  botbench_ui_test_assert_label_shown (botbench_ui_test_find (ed, "commands_section"), "/echo");
  toast = g_strdup_printf ("Registered command /echo (id %" G_GINT64_FORMAT ")",
                           botbench_bot_command_get_command_id (command));
  botbench_ui_test_assert_label_shown (GTK_WIDGET (f->window), toast);

  /* Saved with the definition. */
  reread = botbench_bot_store_new (botbench_profile_get_uuid (botbench_application_get_sandbox_profile (f->app)), NULL);
  g_assert_true (botbench_bot_store_load (reread, &error));
  g_assert_no_error (error);
  saved = botbench_bot_store_lookup_by_id (reread, bot_id);
  g_assert_nonnull (saved);
  g_assert_nonnull (botbench_bot_lookup_command (saved, "echo"));

  /* The portal now sends the command's event for "/echo hi". */
  botbench_ui_test_sandbox_user_writes (f, bot_id, "/echo hi");
  botbench_ui_test_wait_for_logged_event (f->window, "ONIMCOMMANDADD", NULL);

  /* Editing sends imbot.command.update and keeps the command's id. */
  {
    g_autoptr(BotbenchBotCommand) updated = NULL;
    gint64 command_id = botbench_bot_command_get_command_id (command);
    const BotbenchBotCommandLang *lang;

    g_signal_emit_by_name (botbench_ui_test_find_command_button (botbench_ui_test_find (ed, "commands_section"), "bot-editor.edit-command"),
                           "clicked");
    g_assert_nonnull (botbench_ui_test_command_dialog ());
    g_assert_cmpstr (gtk_editable_get_text (botbench_ui_test_command_field ("command_row")), ==, "echo");
    g_assert_cmpstr (gtk_editable_get_text (botbench_ui_test_command_field ("title_row")), ==, "Say it back");
    gtk_editable_set_text (botbench_ui_test_command_field ("title_row"), "Echo it back");
    botbench_ui_test_respond (botbench_ui_test_command_dialog (), "register");
    g_assert_true (botbench_ui_test_editor_busy (ed));
    botbench_test_assert_wait_until_full (botbench_ui_test_editor_idle, ed, WAIT_MS, "the editor's portal call to end");
    g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (botbench_ui_test_find (ed, "banner_revealer"))));
    botbench_ui_test_assert_label_shown (GTK_WIDGET (f->window), "Updated command /echo");

    g_assert_cmpuint (g_list_model_get_n_items (botbench_bot_get_commands (botbench_bot_editor_get_bot (ed))), ==, 1);
    updated = g_list_model_get_item (botbench_bot_get_commands (botbench_bot_editor_get_bot (ed)), 0);
    g_assert_cmpint (botbench_bot_command_get_command_id (updated), ==, command_id);
    lang = botbench_bot_command_get_lang (updated, 0);
    g_assert_cmpstr (lang->title, ==, "Echo it back");
  }

  /* Unregistering removes it from the bot and the list. */
  g_signal_emit_by_name (botbench_ui_test_find_command_button (botbench_ui_test_find (ed, "commands_section"), "bot-editor.unregister-command"), "clicked");
  g_assert_true (botbench_ui_test_editor_busy (ed));
  botbench_test_assert_wait_until_full (botbench_ui_test_editor_idle, ed, WAIT_MS, "the editor's portal call to end");
  g_assert_cmpuint (g_list_model_get_n_items (botbench_bot_get_commands (botbench_bot_editor_get_bot (ed))), ==, 0);
  botbench_ui_test_assert_label_shown (botbench_ui_test_find (ed, "commands_section"), "No commands");
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

  return _botbench_bots_page_get_store (wait->page) != NULL && botbench_bot_store_lookup_by_code (_botbench_bots_page_get_store (wait->page), wait->code) != NULL;
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
  page = botbench_ui_test_bots_page (f);
  ed = botbench_ui_test_bot_editor (f);

  /* Import adds the file as a definition and opens it. */
  _botbench_bots_page_import_file (page, source_file);
  wait.page = page;
  wait.code = "echobot";
  botbench_test_assert_wait_until_full (store_has_code, &wait, WAIT_MS, "the imported definition");
  botbench_ui_test_assert_label_shown (GTK_WIDGET (f->window), "Imported “echobot”");
  g_assert_cmpstr (botbench_ui_test_visible_child (page, "stack"), ==, "editor");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (botbench_ui_test_editor_row (ed, "CODE"))), ==, "echobot");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (botbench_ui_test_editor_row (ed, "PROPERTIES.NAME"))), ==,
                   "EchoBot");
  g_assert_true (color_picked (ed, BOTBENCH_BOT_COLOR_GREEN));
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (botbench_ui_test_editor_row (ed, "PROPERTIES.PERSONAL_GENDER"))), ==,
                    BOTBENCH_BOT_GENDER_MALE);
  /* A public https handler on a sandbox profile: no error. */
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (button (ed, "register_button"))));

  /* Importing the same CODE again is refused, not a second definition. */
  _botbench_bots_page_import_file (page, source_file);
  botbench_ui_test_assert_label_shown (GTK_WIDGET (f->window),
                      "Cannot import: This profile already has a bot with the CODE “echobot”");

  /* Export writes the form, edits included, in the definition format. */
  botbench_ui_test_type_into (botbench_ui_test_editor_row (ed, "PROPERTIES.LAST_NAME"), "Jr.");
  _botbench_bot_editor_export_to (ed, target_file);
  botbench_ui_test_assert_label_shown (GTK_WIDGET (f->window), "Exported to exported.json");
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

  botbench_ui_test_add ("/bots-ui/register-and-receive", register_bot_and_receive_events);
  botbench_ui_test_add ("/bots-ui/validation-blocks-register", validation_blocks_register);
  botbench_ui_test_add ("/bots-ui/register-reveals-errors", register_reveals_errors);
  botbench_ui_test_add ("/bots-ui/portal-errors-and-unregister", portal_errors_and_unregister);
  botbench_ui_test_add ("/bots-ui/adopt-existing-code", adopt_existing_code);
  botbench_ui_test_add ("/bots-ui/commands", commands_register_and_unregister);
  botbench_ui_test_add ("/bots-ui/import-export", import_and_export);

  return botbench_ui_test_run ();
}
