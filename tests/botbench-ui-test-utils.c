/* botbench-ui-test-utils.c: the harness of the whole-application UI tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "botbench-ui-test-utils.h"
#include "botbench-test-utils.h"

static char *tmp_root;

/* The POSTs of the running test. */
static struct
{
  SoupSession *session;
  guint        n_posted;
  guint        n_answered;
  guint        last_status;
} posts;

const char *
botbench_ui_test_init (int        *argc,
                       char     ***argv,
                       gboolean   *have_keyring)
{
  g_autofree char *config = NULL;
  g_autofree char *data = NULL;
  g_autofree char *cache = NULL;

  /* Before anything caches the XDG directories. */
  tmp_root = botbench_test_make_tmp_dir ();
  config = g_build_filename (tmp_root, "config", NULL);
  data = g_build_filename (tmp_root, "data", NULL);
  cache = g_build_filename (tmp_root, "cache", NULL);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  g_setenv ("XDG_DATA_HOME", data, TRUE);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("GTK_A11Y", "none", TRUE);

  *have_keyring = g_strcmp0 (g_getenv ("BOTBENCH_TEST_KEYRING"), "1") == 0;
  if (!*have_keyring)
    {
      /* No session bus, so no Secret Service: the session-only path. */
      g_autofree char *bus = g_strdup_printf ("unix:path=%s/no-such-bus", tmp_root);

      g_setenv ("DBUS_SESSION_BUS_ADDRESS", bus, TRUE);
    }

  gtk_test_init (argc, argv, NULL);

  /* The tests compare English texts: gtk_test_init() keeps the C locale
   * (and the test environment empties LANGUAGE).  BOTBENCH_TEST_LANGUAGE
   * (e.g. "ru", for the Russian screenshots) takes that language and the
   * built translations, as main() does. */
  {
    const char *language = g_getenv ("BOTBENCH_TEST_LANGUAGE");

    if (language != NULL && *language != '\0')
      {
        const char *localedir = g_getenv ("BOTBENCH_LOCALEDIR");

        g_setenv ("LANGUAGE", language, TRUE);
        setlocale (LC_ALL, "");
        bindtextdomain (GETTEXT_PACKAGE, localedir != NULL && *localedir != '\0' ? localedir : LOCALEDIR);
        bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
        textdomain (GETTEXT_PACKAGE);
      }
  }

  /* BOTBENCH_TEST_TEXT_SCALE: GNOME's "Large Text" (1.25) and the like,
   * as the desktop sets it: through the font resolution. */
  {
    const char *scale = g_getenv ("BOTBENCH_TEST_TEXT_SCALE");
    double factor = scale != NULL ? g_ascii_strtod (scale, NULL) : 0;

    if (factor >= 0.5 && factor <= 3.0)
      g_object_set (gtk_settings_get_default (), "gtk-xft-dpi", (int)(96 * 1024 * factor), NULL);
  }

  return tmp_root;
}

void
botbench_ui_test_add (const char         *path,
                      BotbenchUiTestBody  body)
{
  g_test_add (path, BotbenchUiFixture, (gconstpointer)body,
              botbench_ui_test_fixture_setup, botbench_ui_test_run_body,
              botbench_ui_test_fixture_teardown);
}

int
botbench_ui_test_run (void)
{
  int ret = g_test_run ();

  botbench_test_rm_rf (tmp_root);
  g_clear_pointer (&tmp_root, g_free);

  return ret;
}

void
botbench_ui_test_reset_settings (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) keys = NULL;
  const char *env = g_getenv ("BOTBENCH_TEST_WINDOW_WIDTH");
  int width = env != NULL ? atoi (env) : 1100;

  g_object_get (settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    g_settings_reset (settings, keys[i]);
  /* BOTBENCH_TEST_WINDOW_WIDTH (for screenshots of the narrow layout), or
   * wide enough for the sidebar and the editor side by side. */
  g_settings_set_int (settings, "window-width", width);
  g_settings_set_int (settings, "window-height", 760);
}

void
botbench_ui_test_fixture_setup (BotbenchUiFixture *f,
                                gconstpointer      data)
{
  g_autofree char *db = g_build_filename (tmp_root, "events.db", NULL);

  g_setenv ("BOTBENCH_DB", db, TRUE);
  g_setenv ("BOTBENCH_LISTENER_PORT", "0", TRUE);
  g_setenv ("BOTBENCH_SANDBOX_PORT", "0", TRUE);
  botbench_ui_test_reset_settings ();
}

void
botbench_ui_test_fixture_teardown (BotbenchUiFixture *f,
                                   gconstpointer      data)
{
  const char *dirs[] = { "config", "data", "events.db", "events.db-wal", "events.db-shm" };

  g_clear_object (&posts.session);
  posts.n_posted = posts.n_answered = posts.last_status = 0;

  g_assert_null (f->window);
  g_assert_null (f->app);

  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *path = g_build_filename (tmp_root, dirs[i], NULL);

      botbench_test_rm_rf (path);
    }
}

static void
app_activate_cb (GApplication      *app,
                 BotbenchUiFixture *f)
{
  g_application_hold (app);

  f->window = BOTBENCH_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_assert_nonnull (f->window);
  g_object_add_weak_pointer (G_OBJECT (f->window), (gpointer *)&f->window);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));

  f->body (f);
  f->body_ran = TRUE;

  if (f->window != NULL)
    gtk_window_destroy (GTK_WINDOW (f->window));
  g_assert_null (f->window);

  g_application_release (app);
}

void
botbench_ui_test_run_body (BotbenchUiFixture *f,
                           gconstpointer      data)
{
  int status;

  f->body = (BotbenchUiTestBody)data;
  f->app = botbench_application_new ();
  g_application_set_flags (G_APPLICATION (f->app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (f->app, "activate", G_CALLBACK (app_activate_cb), f);

  status = g_application_run (G_APPLICATION (f->app), 0, NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (f->body_ran);

  g_assert_finalize_object (f->app);
  f->app = NULL;
}

void
botbench_ui_test_screenshot (BotbenchUiFixture *f,
                             const char        *name)
{
  const char *dir = g_getenv ("BOTBENCH_TEST_SCREENSHOT_DIR");
  g_autofree char *path = NULL;
  g_autofree char *command = NULL;
  g_autoptr(GError) error = NULL;

  if (dir == NULL || *dir == '\0')
    return;

  /* Let transitions (crossfades, revealers) finish and toasts go first. */
  {
    gint64 until = g_get_monotonic_time () + 2600 * G_TIME_SPAN_MILLISECOND;

    while (g_get_monotonic_time () < until)
      g_main_context_iteration (NULL, FALSE);
  }
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  path = g_build_filename (dir, name, NULL);
  command = g_strdup_printf ("import -window root %s", path);
  if (!g_spawn_command_line_sync (command, NULL, NULL, NULL, &error))
    g_printerr ("# screenshot failed: %s\n", error->message);
}

static gboolean
widget_has_mapped_label (GtkWidget  *widget,
                         const char *text)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
      g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0)
    return TRUE;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (widget_has_mapped_label (child, text))
      return TRUE;

  return FALSE;
}

typedef struct
{
  GtkWidget  *widget;
  const char *text;
} LabelWait;

static gboolean
label_is_shown (gpointer data)
{
  LabelWait *wait = data;

  return widget_has_mapped_label (wait->widget, wait->text);
}

void
botbench_ui_test_assert_label_shown (GtkWidget  *widget,
                                     const char *text)
{
  LabelWait wait = { widget, text };

  if (!botbench_test_wait_until (label_is_shown, &wait, BOTBENCH_UI_TEST_WAIT_MS))
    g_error ("No label “%s” is shown in %s", text, G_OBJECT_TYPE_NAME (widget));
}

gboolean
botbench_ui_test_widget_is_mapped (gpointer widget)
{
  return gtk_widget_get_mapped (widget);
}

static GtkWidget *
find_by_id (GtkWidget  *widget,
            const char *id)
{
  if (g_strcmp0 (gtk_buildable_get_buildable_id (GTK_BUILDABLE (widget)), id) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_by_id (child, id);

      if (found != NULL)
        return found;
    }

  return NULL;
}

GtkWidget *
botbench_ui_test_find (gpointer    root,
                       const char *id)
{
  GtkWidget *found;

  g_assert_true (GTK_IS_WIDGET (root));

  found = find_by_id (root, id);
  if (found == NULL)
    g_error ("No widget with id “%s” in %s", id, G_OBJECT_TYPE_NAME (root));

  return found;
}

static GtkWidget *
find_by_type (GtkWidget *widget,
              GType      type)
{
  if (g_type_is_a (G_OBJECT_TYPE (widget), type))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_by_type (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

GtkWidget *
botbench_ui_test_find_by_type (gpointer root,
                               GType    type)
{
  GtkWidget *found;

  g_assert_true (GTK_IS_WIDGET (root));

  found = find_by_type (root, type);
  if (found == NULL)
    g_error ("No %s in %s", g_type_name (type), G_OBJECT_TYPE_NAME (root));

  return found;
}

AdwMessageDialog *
botbench_ui_test_find_dialog (GType       type,
                              const char *heading)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  g_assert_true (g_type_is_a (type, ADW_TYPE_MESSAGE_DIALOG));

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (G_OBJECT_TYPE (l->data) == type &&
        gtk_widget_get_visible (l->data) &&
        (heading == NULL || g_strcmp0 (adw_message_dialog_get_heading (l->data), heading) == 0))
      return l->data;

  return NULL;
}

void
botbench_ui_test_click (GtkWidget *button)
{
  g_assert_true (gtk_widget_is_sensitive (button));
  /* Revealers and stacks map their children once they start to show. */
  if (!botbench_test_wait_until (botbench_ui_test_widget_is_mapped, button, BOTBENCH_UI_TEST_WAIT_MS))
    g_error ("%s “%s” is not shown", G_OBJECT_TYPE_NAME (button),
             gtk_buildable_get_buildable_id (GTK_BUILDABLE (button)));
  g_signal_emit_by_name (button, "clicked");
}

void
botbench_ui_test_assert_toast_shown (BotbenchWindow *window,
                                     const char     *text)
{
  /* AdwToastOverlay shows the title in a label of its own. */
  botbench_ui_test_assert_label_shown (GTK_WIDGET (window), text);
}

BotbenchEventsPage *
botbench_ui_test_get_events_page (BotbenchWindow *window)
{
  return BOTBENCH_EVENTS_PAGE (botbench_ui_test_find (window, "events_page"));
}

static gboolean
events_page_settled (gpointer data)
{
  return !botbench_events_page_get_loading_names (data);
}

void
botbench_ui_test_wait_events_settled (BotbenchWindow *window)
{
  botbench_test_assert_wait_until_full (events_page_settled, botbench_ui_test_get_events_page (window),
                                        BOTBENCH_UI_TEST_WAIT_MS, "the event names to be read");
}

/* The event log's list view (the one showing BotbenchEvents). */
static GListModel *
find_event_log (GtkWidget *widget)
{
  if (GTK_IS_LIST_VIEW (widget))
    {
      GListModel *model = G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (widget)));
      GListModel *items = model;

      if (GTK_IS_SINGLE_SELECTION (model))
        items = gtk_single_selection_get_model (GTK_SINGLE_SELECTION (model));
      if (items != NULL && g_list_model_get_item_type (items) == BOTBENCH_TYPE_EVENT)
        return model;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GListModel *found = find_event_log (child);

      if (found != NULL)
        return found;
    }

  return NULL;
}

typedef struct
{
  GtkWidget  *window;
  const char *event;
  const char *message;
} EventWait;

static gboolean
log_has_event (gpointer data)
{
  EventWait *wait = data;
  GListModel *model = find_event_log (wait->window);

  g_assert_nonnull (model);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(BotbenchEvent) event = g_list_model_get_item (model, i);

      if (g_strcmp0 (botbench_event_get_event_name (event), wait->event) == 0 &&
          (wait->message == NULL || g_strcmp0 (botbench_event_get_message (event), wait->message) == 0))
        return TRUE;
    }

  return FALSE;
}

/* The log's event-name filter (a drop-down) offers @name. */
static gboolean
filter_has_event_name (GtkWidget  *widget,
                       const char *name)
{
  if (GTK_IS_DROP_DOWN (widget) && GTK_IS_STRING_LIST (gtk_drop_down_get_model (GTK_DROP_DOWN (widget))))
    {
      GListModel *names = gtk_drop_down_get_model (GTK_DROP_DOWN (widget));

      for (guint i = 0; i < g_list_model_get_n_items (names); i++)
        if (g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (names), i), name) == 0)
          return TRUE;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (filter_has_event_name (child, name))
      return TRUE;

  return FALSE;
}

static gboolean
event_names_offer_event (gpointer data)
{
  EventWait *wait = data;

  return filter_has_event_name (wait->window, wait->event);
}

void
botbench_ui_test_wait_for_logged_event (BotbenchWindow *window,
                                        const char     *event,
                                        const char     *message)
{
  EventWait wait = { GTK_WIDGET (window), event, message };
  g_autofree char *logged = g_strdup_printf ("%s%s%s%s to be logged", event,
                                             message != NULL ? " “" : "",
                                             message != NULL ? message : "",
                                             message != NULL ? "”" : "");
  g_autofree char *offered = g_strdup_printf ("the event-name filter to offer %s", event);

  botbench_test_assert_wait_until_full (log_has_event, &wait, BOTBENCH_UI_TEST_WAIT_MS, logged);
  botbench_test_assert_wait_until_full (event_names_offer_event, &wait, BOTBENCH_UI_TEST_WAIT_MS, offered);
}

static gboolean
secrets_banner_shown (gpointer data)
{
  BotbenchUiFixture *f = data;

  return gtk_revealer_get_reveal_child (GTK_REVEALER (botbench_ui_test_find (f->window, "secrets_revealer")));
}

void
botbench_ui_test_accept_session_only (BotbenchUiFixture *f)
{
  BotbenchSecretStore *secrets = botbench_application_get_secret_store (f->app);
  GtkWidget *revealer = botbench_ui_test_find (f->window, "secrets_revealer");
  GtkWidget *label = botbench_ui_test_find (f->window, "secrets_label");

  botbench_test_assert_wait_until_full (secrets_banner_shown, f, BOTBENCH_UI_TEST_WAIT_MS,
                                        "the keyring banner");
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (label)), "Secret Service"));
  g_assert_false (botbench_secret_store_get_session_only (secrets));

  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  botbench_ui_test_click (botbench_ui_test_find (f->window, "keep_secrets_button"));
  g_assert_true (botbench_secret_store_get_session_only (secrets));
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (revealer)));
}

/* ---- POSTs to the listener ---------------------------------------------- */

static void
post_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  SoupMessage *msg;

  msg = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  g_assert_no_error (error);
  posts.last_status = soup_message_get_status (msg);
  posts.n_answered++;
}

static gboolean
all_answered (gpointer data)
{
  return posts.n_answered == posts.n_posted;
}

void
botbench_ui_test_post_start (const char *url,
                             GBytes     *body)
{
  g_autoptr(SoupMessage) msg = NULL;

  g_assert_nonnull (url);
  if (posts.session == NULL)
    posts.session = soup_session_new ();
  msg = soup_message_new (SOUP_METHOD_POST, url);
  g_assert_nonnull (msg);
  soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", body);
  posts.n_posted++;
  soup_session_send_and_read_async (posts.session, msg, G_PRIORITY_DEFAULT, NULL, post_cb, NULL);
}

void
botbench_ui_test_post_wait (void)
{
  botbench_test_assert_wait_until (all_answered, NULL, "the listener's answer");
  g_assert_cmpuint (posts.last_status, ==, SOUP_STATUS_OK);
}

gint64
botbench_ui_test_post_to_listener (BotbenchUiFixture *f,
                                   const char        *path,
                                   GBytes            *body)
{
  g_autofree char *base = botbench_application_dup_listener_base_url (f->app);
  g_autofree char *url = g_strconcat (base, path, NULL);

  botbench_ui_test_post_start (url, body);
  botbench_ui_test_post_wait ();

  return botbench_event_store_get_last_id (botbench_application_get_store (f->app));
}
