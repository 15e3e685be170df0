/* test-window.c: the main window against a real listener and store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs under xvfb-run, through the shared harness (botbench-ui-test-utils):
 * every test gets a fresh database and a listener on a free loopback port;
 * events are POSTed with an async SoupSession and the main loop is spun
 * until the window shows them.  The window is driven through its actions,
 * and its widgets are found by their id in the .ui files.
 */
#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "botbench-application.h"
#include "botbench-decoded-item.h"
#include "botbench-event-detail-private.h"
#include "botbench-event-row.h"
#include "botbench-events-page-private.h"
#include "botbench-paced-model.h"
#include "botbench-window.h"
#include "botbench-test-utils.h"
#include "botbench-ui-test-utils.h"

#define WAIT_MS BOTBENCH_TEST_WAIT_MS

typedef BotbenchUiFixture WindowFixture;

/* ---- helpers ------------------------------------------------------------ */

static GtkWidget *
find (WindowFixture *f,
      const char    *id)
{
  return botbench_ui_test_find (f->window, id);
}

static BotbenchEventsPage *
events_page (WindowFixture *f)
{
  return botbench_ui_test_get_events_page (f->window);
}

/* A new window of the running application, as activating it again would. */
static void
open_window (WindowFixture *f)
{
  g_assert_null (f->window);
  f->window = botbench_window_new (f->app);
  g_object_add_weak_pointer (G_OBJECT (f->window), (gpointer *)&f->window);
  gtk_window_present (GTK_WINDOW (f->window));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
}

/* POSTs the fixture to the listener without blocking the main loop. */
static void
post_fixture (WindowFixture *f,
              const char    *name)
{
  g_autoptr(GBytes) body = botbench_test_load_fixture (name);
  g_autofree char *url = botbench_listener_dup_url (botbench_application_get_listener (f->app));

  g_assert_nonnull (url);
  botbench_ui_test_post_start (url, body);
}

/* The event list's selection: what the log shows, new events paced. */
static GtkSingleSelection *
selection (WindowFixture *f)
{
  return GTK_SINGLE_SELECTION (gtk_list_view_get_model (GTK_LIST_VIEW (find (f, "event_list"))));
}

static GListModel *
shown_model (WindowFixture *f)
{
  return gtk_single_selection_get_model (selection (f));
}

static void
assert_wait_for_n_events (WindowFixture *f,
                          guint          n_items)
{
  botbench_test_assert_wait_n_items (shown_model (f), n_items);
}

static void
post_fixtures_and_wait (WindowFixture      *f,
                        const char * const *names)
{
  guint n = g_list_model_get_n_items (shown_model (f));
  guint posted = 0;

  /* One at a time, so the ids (and the list order) follow this order. */
  for (guint i = 0; names[i] != NULL; i++, posted++)
    {
      post_fixture (f, names[i]);
      botbench_ui_test_post_wait ();
    }

  assert_wait_for_n_events (f, n + posted);
}

static gboolean list_has_row_for (GtkWidget     *widget,
                                  BotbenchEvent *event);

static BotbenchEvent *
dup_event (WindowFixture *f,
           guint          position)
{
  BotbenchEvent *event;

  event = g_list_model_get_item (shown_model (f), position);
  g_assert_nonnull (event);

  return event;
}

static char *
dup_event_name (WindowFixture *f,
                guint          position)
{
  g_autoptr(BotbenchEvent) event = dup_event (f, position);

  return g_strdup (botbench_event_get_event_name (event));
}

static gboolean
event_is_shown (WindowFixture *f,
                guint          position)
{
  g_autoptr(BotbenchEvent) event = dup_event (f, position);

  return list_has_row_for (find (f, "event_list"), event);
}

static gboolean
events_state_is (WindowFixture *f,
                 const char    *state)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (find (f, "events_stack"))), state) == 0;
}

static gboolean
list_has_row_for (GtkWidget     *widget,
                  BotbenchEvent *event)
{
  if (BOTBENCH_IS_EVENT_ROW (widget) && gtk_widget_get_mapped (widget))
    {
      BotbenchEvent *shown = botbench_event_row_get_event (BOTBENCH_EVENT_ROW (widget));

      if (shown != NULL && botbench_event_get_id (shown) == botbench_event_get_id (event))
        return TRUE;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (list_has_row_for (child, event))
      return TRUE;

  return FALSE;
}

static gboolean
decoded_model_has_value (GListModel *model,
                         const char *key,
                         const char *value)
{
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (model, i);
      g_autoptr(BotbenchDecodedItem) item = gtk_tree_list_row_get_item (row);

      if (g_strcmp0 (botbench_decoded_item_get_key (item), key) == 0 &&
          g_strcmp0 (botbench_decoded_item_get_value (item), value) == 0)
        return TRUE;
    }

  return FALSE;
}

static char *
dup_buffer_text (GtkTextBuffer *buffer)
{
  GtkTextIter start;
  GtkTextIter end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, TRUE);
}

static void
read_text_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  char **text = user_data;
  g_autoptr(GError) error = NULL;

  *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (object), result, &error);
  g_assert_no_error (error);
}

static gboolean
text_read (gpointer data)
{
  return *(char **)data != NULL;
}

static char *
dup_clipboard_text (GtkWidget *widget)
{
  GdkClipboard *clipboard = gtk_widget_get_clipboard (widget);
  char *text = NULL;

  gdk_clipboard_read_text_async (clipboard, NULL, read_text_cb, &text);
  botbench_test_assert_wait_until (text_read, &text, "the clipboard's text");

  return text;
}

static void
select_position (WindowFixture *f,
                 guint          position)
{
  gtk_single_selection_set_selected (selection (f), position);
  g_assert_cmpuint (gtk_single_selection_get_selected (selection (f)), ==, position);
}

static BotbenchEventDetail *
get_detail (WindowFixture *f)
{
  return BOTBENCH_EVENT_DETAIL (find (f, "detail"));
}

/* ---- tests -------------------------------------------------------------- */

static void
opens_empty (WindowFixture *f)
{
  BotbenchListener *listener = botbench_application_get_listener (f->app);
  g_autofree char *url = NULL;
  const char *command;
  GtkWidget *empty_page;

  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (f->window)));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (f->window)), ==, "Botbench");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (find (f, "main_stack"))), ==, "main");

  g_assert_true (events_state_is (f, "empty"));
  empty_page = botbench_ui_test_find (events_page (f), "empty_page");
  g_assert_true (gtk_widget_get_mapped (empty_page));
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (empty_page)), ==, "No Events Yet");

  /* The listener started on a free port and its URL is shown and offered. */
  g_assert_true (botbench_listener_get_running (listener));
  g_assert_cmpuint (botbench_listener_get_bound_port (listener), >, 0);
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (find (f, "listener_switch"))));
  url = botbench_listener_dup_url (listener);
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (find (f, "url_label"))), ==, url);
  command = gtk_label_get_label (GTK_LABEL (find (f, "try_command_label")));
  g_assert_true (g_str_has_prefix (command, "curl -d '"));
  g_assert_nonnull (strstr (command, url));
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (find (f, "banner_revealer"))));

  /* Nothing selected, nothing to copy. */
  g_assert_null (botbench_events_page_get_selected_event (events_page (f)));
  g_assert_null (botbench_event_detail_get_event (get_detail (f)));
}

static void
live_event_and_detail (WindowFixture *f)
{
  const char * const names[] = { "ONIMBOTMESSAGEADD", NULL };
  g_autoptr(GBytes) fixture = botbench_test_load_fixture ("ONIMBOTMESSAGEADD");
  g_autofree char *raw = NULL;
  BotbenchEventDetail *detail = get_detail (f);
  g_autoptr(BotbenchEvent) event = NULL;
  GListModel *decoded;

  post_fixtures_and_wait (f, names);

  event = dup_event (f, 0);
  g_assert_cmpstr (botbench_event_get_event_name (event), ==, "ONIMBOTMESSAGEADD");
  g_assert_cmpint (botbench_event_get_id (event), >, 0);

  /* The log replaces the empty page and shows a row for the event. */
  g_assert_true (events_state_is (f, "events"));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  g_assert_true (list_has_row_for (find (f, "event_list"), event));
  botbench_ui_test_assert_label_shown (find (f, "event_list"), "ONIMBOTMESSAGEADD");
  botbench_ui_test_assert_label_shown (find (f, "event_list"), "Hello, bot!");

  /* Selecting it shows the decoded tree with PARAMS opened. */
  select_position (f, 0);
  g_assert_cmpint (botbench_event_get_id (botbench_event_detail_get_event (detail)), ==,
                   botbench_event_get_id (event));
  decoded = _botbench_event_detail_get_decoded_model (detail);
  g_assert_nonnull (decoded);
  g_assert_true (decoded_model_has_value (decoded, "MESSAGE", "Hello, bot!"));
  g_assert_true (decoded_model_has_value (decoded, "event", "ONIMBOTMESSAGEADD"));
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (ADW_VIEW_STACK (botbench_ui_test_find (detail, "view_stack"))),
                   ==, "decoded");
  botbench_ui_test_assert_label_shown (botbench_ui_test_find (detail, "decoded_view"), "Hello, bot!");

  /* The raw body is the fixture, byte for byte (it is ASCII). */
  raw = dup_buffer_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (botbench_ui_test_find (detail, "raw_view"))));
  g_assert_cmpmem (raw, strlen (raw), g_bytes_get_data (fixture, NULL), g_bytes_get_size (fixture));

  /* Request metadata and headers are listed. */
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (botbench_ui_test_find (detail, "view_stack")), "headers");
  botbench_ui_test_assert_label_shown (botbench_ui_test_find (detail, "request_list"), "POST");
  botbench_ui_test_assert_label_shown (botbench_ui_test_find (detail, "request_list"), "127.0.0.1");
  botbench_ui_test_assert_label_shown (botbench_ui_test_find (detail, "request_list"),
                      "application/x-www-form-urlencoded");
  botbench_ui_test_assert_label_shown (botbench_ui_test_find (detail, "headers_list"), "Content-Type");

  /* Unselecting clears the detail. */
  select_position (f, GTK_INVALID_LIST_POSITION);
  g_assert_null (botbench_event_detail_get_event (detail));
}

static void
assert_event_name (WindowFixture *f,
                   guint          position,
                   const char    *name)
{
  g_autofree char *shown = dup_event_name (f, position);

  g_assert_cmpstr (shown, ==, name);
}

static void
search_filters (WindowFixture *f)
{
  const char * const names[] = { "ONIMBOTMESSAGEADD", "ONIMBOTJOINCHAT", "ONIMCOMMANDADD", NULL };
  GtkEditable *entry = GTK_EDITABLE (find (f, "search_entry"));

  post_fixtures_and_wait (f, names);

  /* Typing goes through the entry's search delay to the model. */
  gtk_editable_set_text (entry, "Hello");
  assert_wait_for_n_events (f, 1);
  assert_event_name (f, 0, "ONIMBOTMESSAGEADD");
  g_assert_cmpstr (botbench_event_list_model_get_search (_botbench_events_page_get_event_model (events_page (f))), ==, "Hello");
  g_assert_true (events_state_is (f, "events"));

  gtk_editable_set_text (entry, "nosuchwordanywhere");
  assert_wait_for_n_events (f, 0);
  g_assert_true (events_state_is (f, "no-results"));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  g_assert_true (gtk_widget_get_mapped (botbench_ui_test_find (events_page (f), "no_results_page")));

  /* Escape clears the search. */
  g_signal_emit_by_name (find (f, "search_entry"), "stop-search");
  assert_wait_for_n_events (f, 3);
  g_assert_true (events_state_is (f, "events"));
}

typedef struct
{
  GListModel *model;
  const char *name;
} NameWait;

static gboolean
dropdown_lists_name (gpointer data)
{
  NameWait *wait = data;

  for (guint i = 0; i < g_list_model_get_n_items (wait->model); i++)
    if (g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (wait->model), i), wait->name) == 0)
      return TRUE;

  return FALSE;
}

static GtkDropDown *
dropdown (WindowFixture *f)
{
  return GTK_DROP_DOWN (find (f, "event_type_dropdown"));
}

static guint
dropdown_position_of (WindowFixture *f,
                      const char    *name)
{
  GtkStringList *list = GTK_STRING_LIST (gtk_drop_down_get_model (dropdown (f)));

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (list)); i++)
    if (g_strcmp0 (gtk_string_list_get_string (list, i), name) == 0)
      return i;

  g_assert_not_reached ();
}

static void
event_type_filter (WindowFixture *f)
{
  const char * const first[] = { "ONIMBOTMESSAGEADD", "ONIMBOTJOINCHAT", "ONIMBOTMESSAGEADD", NULL };
  const char * const later[] = { "ONIMBOTDELETE", NULL };
  GListModel *types = gtk_drop_down_get_model (dropdown (f));
  NameWait wait = { types, "ONIMBOTJOINCHAT" };

  g_assert_cmpuint (g_list_model_get_n_items (types), ==, 1);
  g_assert_cmpuint (gtk_drop_down_get_selected (dropdown (f)), ==, 0);

  post_fixtures_and_wait (f, first);
  botbench_test_assert_wait_until_full (dropdown_lists_name, &wait, WAIT_MS,
                                        "the event-name filter to offer the new name");
  g_assert_cmpuint (g_list_model_get_n_items (types), ==, 3);

  gtk_drop_down_set_selected (dropdown (f), dropdown_position_of (f, "ONIMBOTJOINCHAT"));
  assert_wait_for_n_events (f, 1);
  assert_event_name (f, 0, "ONIMBOTJOINCHAT");

  /* A new name shows up in the list and the chosen filter stays. */
  post_fixture (f, later[0]);
  wait.name = "ONIMBOTDELETE";
  botbench_test_assert_wait_until_full (dropdown_lists_name, &wait, WAIT_MS,
                                        "the event-name filter to offer the new name");
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (types),
                                               gtk_drop_down_get_selected (dropdown (f))),
                   ==, "ONIMBOTJOINCHAT");
  g_assert_cmpuint (g_list_model_get_n_items (shown_model (f)), ==, 1);

  gtk_drop_down_set_selected (dropdown (f), 0);
  assert_wait_for_n_events (f, 4);
}

static void
copy_as_curl (WindowFixture *f)
{
  const char * const names[] = { "ONIMBOTMESSAGEADD", NULL };
  g_autoptr(GBytes) fixture = botbench_test_load_fixture ("ONIMBOTMESSAGEADD");
  g_autofree char *body = g_strndup (g_bytes_get_data (fixture, NULL), g_bytes_get_size (fixture));
  g_autofree char *url = NULL;
  g_autofree char *text = NULL;
  g_autofree char *base = NULL;

  post_fixtures_and_wait (f, names);

  /* Without a selection the action is off and the clipboard untouched. */
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (f->window)), "before");
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.copy-curl", NULL);
  text = dup_clipboard_text (GTK_WIDGET (f->window));
  g_assert_cmpstr (text, ==, "before");
  g_clear_pointer (&text, g_free);

  select_position (f, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.copy-curl", NULL));
  text = dup_clipboard_text (GTK_WIDGET (f->window));

  url = botbench_listener_dup_url (botbench_application_get_listener (f->app));
  base = g_strndup (url, strlen (url) - 1);  /* without the final slash */
  g_assert_nonnull (strstr (text, "curl "));
  g_assert_nonnull (strstr (text, base));
  g_assert_nonnull (strstr (text, body));
  g_assert_nonnull (strstr (text, "application/x-www-form-urlencoded"));
}

static void
follow_head (WindowFixture *f)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  const char * const more[] = { "ONIMBOTJOINCHAT", "ONIMBOTJOINCHAT", NULL };
  GtkAdjustment *vadj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (find (f, "event_scroller")));
  double value;

  for (guint i = 0; i < 30; i++)
    g_ptr_array_add (names, (gpointer)"ONIMBOTMESSAGEADD");
  g_ptr_array_add (names, NULL);
  post_fixtures_and_wait (f, (const char * const *)names->pdata);
  gtk_test_widget_wait_for_draw (find (f, "event_list"));
  g_assert_cmpfloat (gtk_adjustment_get_upper (vadj), >, gtk_adjustment_get_page_size (vadj) + 300);

  /* At the top: the newest row stays in view. */
  g_assert_cmpfloat (gtk_adjustment_get_value (vadj), <, 1.0);
  post_fixtures_and_wait (f, more);
  gtk_test_widget_wait_for_draw (find (f, "event_list"));
  g_assert_cmpfloat (gtk_adjustment_get_value (vadj), <, 1.0);
  g_assert_true (event_is_shown (f, 0));

  /* Scrolled away: new rows arrive above without moving what is shown. */
  gtk_adjustment_set_value (vadj, 300);
  gtk_test_widget_wait_for_draw (find (f, "event_list"));
  value = gtk_adjustment_get_value (vadj);
  g_assert_cmpfloat (value, >, 250);
  post_fixtures_and_wait (f, more);
  gtk_test_widget_wait_for_draw (find (f, "event_list"));
  g_assert_cmpfloat (gtk_adjustment_get_value (vadj), >, value);
  g_assert_false (event_is_shown (f, 0));
}

static void
listener_error_body (WindowFixture *f)
{
  BotbenchListener *listener = botbench_application_get_listener (f->app);

  /* The switch is off and the banner says why. */
  g_assert_false (botbench_listener_get_running (listener));
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (find (f, "listener_switch"))));
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (find (f, "banner_revealer"))));
  g_assert_true (g_str_has_prefix (gtk_label_get_label (GTK_LABEL (find (f, "banner_label"))), "Not receiving events: "));
  g_assert_false (g_str_has_prefix (gtk_label_get_label (GTK_LABEL (find (f, "url_label"))), "http"));

  /* Turning the switch on again fails the same way. */
  gtk_switch_set_active (GTK_SWITCH (find (f, "listener_switch")), TRUE);
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (find (f, "listener_switch"))));
  g_assert_false (botbench_listener_get_running (listener));
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (find (f, "banner_revealer"))));

  /* With the port free, Try Again starts it and hides the banner. */
  g_setenv ("BOTBENCH_LISTENER_PORT", "0", TRUE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.start-listener", NULL));
  g_assert_true (botbench_listener_get_running (listener));
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (find (f, "listener_switch"))));
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (find (f, "banner_revealer"))));
  g_assert_true (g_str_has_prefix (gtk_label_get_label (GTK_LABEL (find (f, "url_label"))), "http://127.0.0.1:"));

  /* And the switch stops it. */
  gtk_switch_set_active (GTK_SWITCH (find (f, "listener_switch")), FALSE);
  g_assert_false (botbench_listener_get_running (listener));
  g_assert_false (g_str_has_prefix (gtk_label_get_label (GTK_LABEL (find (f, "url_label"))), "http"));
}

static void
test_listener_error (WindowFixture *f,
                     gconstpointer  data)
{
  g_autoptr(GSocketListener) blocker = g_socket_listener_new ();
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *port = NULL;

  /* Hold a port, and point the listener at it. */
  g_socket_listener_add_address (blocker, address, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                 NULL, &effective, &error);
  g_assert_no_error (error);
  port = g_strdup_printf ("%u", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective)));
  g_setenv ("BOTBENCH_LISTENER_PORT", port, TRUE);

  botbench_ui_test_run_body (f, listener_error_body);
  g_socket_listener_close (blocker);
}

static void
store_error_body (WindowFixture *f)
{
  g_assert_null (botbench_application_get_store (f->app));
  g_assert_nonnull (botbench_application_get_store_error (f->app));
  g_assert_null (botbench_application_get_listener (f->app));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (find (f, "main_stack"))), ==, "error");
  g_assert_true (gtk_widget_get_mapped (find (f, "store_error_page")));
  g_assert_cmpstr (adw_status_page_get_description (ADW_STATUS_PAGE (find (f, "store_error_page"))), ==,
                   botbench_application_get_store_error (f->app)->message);
}

static void
test_store_error (WindowFixture *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  /* Not a database: the window explains instead of crashing. */
  g_file_set_contents (g_getenv ("BOTBENCH_DB"), "This is not an SQLite database, just some text.\n", -1, &error);
  g_assert_no_error (error);

  botbench_ui_test_run_body (f, store_error_body);
}

static void
window_size_saved (WindowFixture *f)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  int width;
  int height;

  g_assert_cmpint (g_settings_get_int (settings, "window-width"), !=, 901);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 901, 602);
  gtk_window_close (GTK_WINDOW (f->window));

  g_assert_null (f->window);
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 901);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 602);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));

  /* A new window comes back at that size. */
  open_window (f);
  gtk_window_get_default_size (GTK_WINDOW (f->window), &width, &height);
  g_assert_cmpint (width, ==, 901);
  g_assert_cmpint (height, ==, 602);
}

/* ---- the paced model under the log ------------------------------------- */

typedef struct
{
  guint n_emissions;
  guint position;
  guint removed;
  guint added;
} Changes;

static void
record_items_changed_cb (GListModel *model,
                         guint       position,
                         guint       removed,
                         guint       added,
                         Changes    *changes)
{
  changes->n_emissions++;
  changes->position = position;
  changes->removed = removed;
  changes->added = added;
}

static gboolean
has_two_emissions (gpointer data)
{
  return ((Changes *)data)->n_emissions >= 2;
}

static void
assert_item (GListModel *model,
             guint       position,
             const char *expected)
{
  g_autoptr(GtkStringObject) item = g_list_model_get_item (model, position);

  g_assert_nonnull (item);
  g_assert_cmpstr (gtk_string_object_get_string (item), ==, expected);
}

static void
test_paced_model (void)
{
  g_autoptr(GtkStringList) source = gtk_string_list_new (NULL);
  g_autoptr(BotbenchPacedModel) paced = botbench_paced_model_new (G_LIST_MODEL (source), 200);
  GListModel *model = G_LIST_MODEL (paced);
  const char * const first[] = { "a", NULL };
  const char * const second[] = { "c", "b", NULL };
  const char * const third[] = { "f", "e", "d", NULL };
  const char * const late[] = { "g", NULL };
  const char * const reloaded[] = { "x", "y", NULL };
  Changes changes = { 0 };

  g_signal_connect (paced, "items-changed", G_CALLBACK (record_items_changed_cb), &changes);

  /* The first insertion after a quiet spell shows at once. */
  gtk_string_list_splice (source, 0, 0, first);
  g_assert_cmpuint (changes.n_emissions, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);

  /* Two more batches right away wait, and then come as one. */
  gtk_string_list_splice (source, 0, 0, second);
  gtk_string_list_splice (source, 0, 0, third);
  g_assert_cmpuint (changes.n_emissions, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  g_assert_cmpuint (botbench_paced_model_get_n_pending (paced), ==, 5);
  assert_item (model, 0, "a");
  g_assert_null (g_list_model_get_item (model, 1));

  botbench_test_assert_wait_until_full (has_two_emissions, &changes, WAIT_MS, "the paced batch");
  g_assert_cmpuint (changes.n_emissions, ==, 2);
  g_assert_cmpuint (changes.position, ==, 0);
  g_assert_cmpuint (changes.removed, ==, 0);
  g_assert_cmpuint (changes.added, ==, 5);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 6);
  assert_item (model, 0, "f");
  assert_item (model, 5, "a");

  /* Changes below the head pass straight through. */
  gtk_string_list_remove (source, 2);
  g_assert_cmpuint (changes.n_emissions, ==, 3);
  g_assert_cmpuint (changes.position, ==, 2);
  g_assert_cmpuint (changes.removed, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 5);

  /* A reload while a batch waits shows the new contents at once. */
  gtk_string_list_splice (source, 0, 0, late);
  g_assert_cmpuint (botbench_paced_model_get_n_pending (paced), ==, 1);
  gtk_string_list_splice (source, 0, 6, reloaded);
  g_assert_cmpuint (changes.n_emissions, ==, 4);
  g_assert_cmpuint (changes.position, ==, 0);
  g_assert_cmpuint (changes.removed, ==, 5);
  g_assert_cmpuint (changes.added, ==, 2);
  g_assert_cmpuint (botbench_paced_model_get_n_pending (paced), ==, 0);
  assert_item (model, 0, "x");
}

int
main (int   argc,
      char *argv[])
{
  gboolean have_keyring;

  botbench_ui_test_init (&argc, &argv, &have_keyring);

#define ADD(path, func, data) \
  g_test_add (path, WindowFixture, data, botbench_ui_test_fixture_setup, func, \
             botbench_ui_test_fixture_teardown)
#define ADD_BODY(path, body) ADD (path, botbench_ui_test_run_body, (gconstpointer)body)

  ADD_BODY ("/window/opens-empty", opens_empty);
  ADD_BODY ("/window/live-event-and-detail", live_event_and_detail);
  ADD_BODY ("/window/search-filters", search_filters);
  ADD_BODY ("/window/event-type-filter", event_type_filter);
  ADD_BODY ("/window/copy-as-curl", copy_as_curl);
  ADD_BODY ("/window/follow-head", follow_head);
  ADD ("/window/listener-error", test_listener_error, NULL);
  ADD ("/window/store-error", test_store_error, NULL);
  ADD_BODY ("/window/size-saved", window_size_saved);
  g_test_add_func ("/window/paced-model/coalesces-head", test_paced_model);

#undef ADD_BODY
#undef ADD

  return botbench_ui_test_run ();
}
