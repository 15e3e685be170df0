/* test-forward-ui.c: forwarding, the status pill and the Handler tab in the window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs under xvfb-run through the shared harness: the window's own listener
 * on a free loopback port, a loopback handler (botbench-test-handler) in
 * the role of the developer's script.  Rules are made in the Preferences
 * window as a user would (Add Rule, the URL typed, the switch); events are
 * POSTed to the listener and the window is watched until the event row's
 * pill and the Handler tab show what the handler answered.
 */
#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "botbench-application.h"
#include "botbench-event-detail.h"
#include "botbench-event-row.h"
#include "botbench-events-actions.h"
#include "botbench-events-page-private.h"
#include "botbench-forward-rule-row.h"
#include "botbench-forward-settings.h"
#include "botbench-preferences-window.h"
#include "botbench-replay-dialog.h"
#include "botbench-simulate-dialog.h"
#include "botbench-window.h"
#include "botbench-test-handler.h"
#include "botbench-test-utils.h"
#include "botbench-ui-test-utils.h"
#include "botbench-ui-test-widgets.h"

typedef BotbenchUiFixture Fixture;

/* ---- helpers ------------------------------------------------------------ */

/* POSTs a fixture to the listener at path; returns the stored event's id. */
static gint64
post_fixture (Fixture    *f,
              const char *name,
              const char *path)
{
  g_autoptr(GBytes) body = botbench_test_load_fixture (name);

  return botbench_ui_test_post_to_listener (f, path, body);
}

typedef struct
{
  Fixture    *f;
  const char *path;
  const char *url;
} TargetCheck;

static gboolean
forward_target_is (gpointer data)
{
  TargetCheck *check = data;
  BotbenchForwarder *forwarder = botbench_application_get_forwarder (check->f->app);
  g_autofree char *target = botbench_forwarder_dup_target (forwarder, check->path);

  return g_strcmp0 (target, check->url) == 0;
}

static void
assert_wait_forward_target (Fixture    *f,
                            const char *path,
                            const char *url)
{
  TargetCheck check = { f, path, url };

  botbench_test_assert_wait_until (forward_target_is, &check, "the forwarder's rules");
}

/* The Preferences window on its Forwarding page. */
static GtkWidget *
open_forwarding_preferences (Fixture *f)
{
  GtkWidget *preferences;

  preferences = botbench_preferences_window_new (botbench_application_get_settings (f->app));
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (preferences), "forwarding");
  gtk_window_set_transient_for (GTK_WINDOW (preferences), GTK_WINDOW (f->window));
  gtk_window_present (GTK_WINDOW (preferences));
  gtk_test_widget_wait_for_draw (preferences);

  return preferences;
}

static void
collect_rule_rows (GtkWidget *widget,
                   GPtrArray *rows)
{
  if (BOTBENCH_IS_FORWARD_RULE_ROW (widget))
    g_ptr_array_add (rows, widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_rule_rows (child, rows);
}

/* Adds a rule with the Add Rule button and types url into it. */
static GtkWidget *
add_rule (GtkWidget  *preferences,
          const char *url)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  GtkWidget *row;

  botbench_ui_test_click (botbench_ui_test_find (preferences, "add_rule_button"));
  collect_rule_rows (preferences, rows);
  g_assert_cmpuint (rows->len, >, 0);
  row = g_ptr_array_index (rows, rows->len - 1);
  gtk_editable_set_text (GTK_EDITABLE (botbench_ui_test_find (row, "url_row")), url);

  return row;
}

static gboolean
nothing_pending (gpointer data)
{
  Fixture *f = data;

  return botbench_forwarder_get_n_pending (botbench_application_get_forwarder (f->app)) == 0;
}

static GtkWidget *
find_row_for_id (GtkWidget *widget,
                 gint64     id)
{
  if (BOTBENCH_IS_EVENT_ROW (widget) && gtk_widget_get_mapped (widget))
    {
      BotbenchEvent *shown = botbench_event_row_get_event (BOTBENCH_EVENT_ROW (widget));

      if (shown != NULL && botbench_event_get_id (shown) == id)
        return widget;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_row_for_id (child, id);

      if (found != NULL)
        return found;
    }

  return NULL;
}

typedef struct
{
  Fixture    *f;
  gint64      id;
  const char *prefix;  /* the pill's text starts with it; NULL: no pill */
  const char *style;
} PillCheck;

static gboolean
pill_is (gpointer data)
{
  PillCheck *check = data;
  GtkWidget *row = find_row_for_id (botbench_ui_test_find (check->f->window, "event_list"), check->id);
  GtkWidget *pill;

  if (row == NULL)
    return FALSE;

  pill = botbench_ui_test_find (row, "forward_pill");
  if (check->prefix == NULL)
    return !gtk_widget_get_visible (pill);

  return gtk_widget_get_visible (pill) &&
         g_str_has_prefix (gtk_label_get_label (GTK_LABEL (pill)), check->prefix) &&
         (check->style == NULL || gtk_widget_has_css_class (pill, check->style));
}

static void
assert_wait_pill (Fixture    *f,
                  gint64      id,
                  const char *prefix,
                  const char *style)
{
  PillCheck check = { f, id, prefix, style };

  botbench_test_assert_wait_until (pill_is, &check, "the event row's status pill");
}

static const char *
request_header (BotbenchTestRequest *request,
                const char          *name)
{
  for (guint i = 0; request->headers[i] != NULL && request->headers[i + 1] != NULL; i += 2)
    if (g_ascii_strcasecmp (request->headers[i], name) == 0)
      return request->headers[i + 1];

  return NULL;
}

/* Shows event id in the detail pane, on its Handler tab. */
static GtkWidget *
show_handler_tab (Fixture *f,
                  gint64   id)
{
  BotbenchEventsPage *page = botbench_ui_test_get_events_page (f->window);
  GtkWidget *detail = botbench_ui_test_find (page, "detail");

  g_assert_true (botbench_events_page_show_event (page, id));
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (botbench_ui_test_find (detail, "view_stack")),
                                         "handler");

  return detail;
}

static char *
dup_text_view_text (GtkWidget *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);

  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static GtkWidget *
find_entry_row (GtkWidget  *widget,
                const char *title)
{
  if (ADW_IS_ENTRY_ROW (widget) &&
      g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_entry_row (child, title);

      if (found != NULL)
        return found;
    }

  return NULL;
}

typedef struct
{
  char    *text;
  gboolean done;
} CopyWait;

static void
clipboard_read_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  CopyWait *copy = user_data;
  g_autoptr(GError) error = NULL;

  copy->text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (object), result, &error);
  g_assert_no_error (error);
  copy->done = TRUE;
}

static gboolean
copy_done (gpointer data)
{
  return ((CopyWait *)data)->done;
}

static gboolean
replay_sent (gpointer data)
{
  return botbench_replay_dialog_get_sent (data);
}

static gboolean
simulate_sent (gpointer data)
{
  return botbench_simulate_dialog_get_sent (data);
}

static gboolean
selected_event_is (gpointer data)
{
  gint64 *expected = data;
  Fixture *f = *(Fixture **)(expected + 1);
  BotbenchEvent *selected = botbench_events_page_get_selected_event (botbench_ui_test_get_events_page (f->window));

  return selected != NULL && botbench_event_get_id (selected) == expected[0];
}

static void
assert_wait_selected (Fixture *f,
                      gint64   id)
{
  struct { gint64 id; Fixture *f; } check = { id, f };

  botbench_test_assert_wait_until (selected_event_is, &check, "the window to select the event");
}

static void
set_rules (Fixture    *f,
           const char *url)
{
  GSettings *settings = botbench_application_get_settings (f->app);

  g_settings_set_value (settings, "forward-rules", g_variant_new_parsed ("[(true, '/', %s)]", url));
  assert_wait_forward_target (f, "/", url);
}

/* ---- tests -------------------------------------------------------------- */

/* Each rule's switch decides: an event under a rule switched off is not
 * forwarded, one under a rule switched on reaches the handler byte for
 * byte, and its row and Handler tab show the answer.  Two rules (prefixes
 * /on and /off), so no test step races the listener's forward after its
 * answer. */
static void
switch_forwards_to_handler (Fixture *f)
{
  g_autoptr(BotbenchTestHandler) handler = botbench_test_handler_new ();
  g_autofree char *on_url = g_strconcat (botbench_test_handler_get_url (handler), "/on.php", NULL);
  g_autofree char *off_url = g_strconcat (botbench_test_handler_get_url (handler), "/off.php", NULL);
  g_autoptr(GBytes) expected = botbench_test_load_fixture ("ONIMCOMMANDADD");
  g_autoptr(BotbenchEvent) off_event = NULL;
  g_autoptr(GVariant) rules = NULL;
  g_autofree char *id_text = NULL;
  g_autofree char *body = NULL;
  BotbenchTestRequest *request;
  GtkWidget *preferences;
  GtkWidget *on_rule;
  GtkWidget *off_rule;
  GtkWidget *detail;
  gboolean enabled;
  const char *prefix;
  const char *rule_url;
  gint64 off_id;
  gint64 on_id;

  preferences = open_forwarding_preferences (f);
  g_assert_true (gtk_widget_get_visible (botbench_ui_test_find (preferences, "empty_row")));
  on_rule = add_rule (preferences, on_url);
  gtk_editable_set_text (GTK_EDITABLE (botbench_ui_test_find (on_rule, "prefix_row")), "/on");
  g_assert_false (gtk_widget_get_visible (botbench_ui_test_find (preferences, "empty_row")));
  g_assert_false (gtk_widget_has_css_class (botbench_ui_test_find (on_rule, "url_row"), "error"));
  off_rule = add_rule (preferences, off_url);
  gtk_editable_set_text (GTK_EDITABLE (botbench_ui_test_find (off_rule, "prefix_row")), "/off");
  gtk_switch_set_active (GTK_SWITCH (botbench_ui_test_find (off_rule, "enabled_switch")), FALSE);

  rules = g_settings_get_value (botbench_application_get_settings (f->app), "forward-rules");
  g_assert_cmpuint (g_variant_n_children (rules), ==, 2);
  g_variant_get_child (rules, 0, "(b&s&s)", &enabled, &prefix, &rule_url);
  g_assert_true (enabled);
  g_assert_cmpstr (prefix, ==, "/on");
  g_assert_cmpstr (rule_url, ==, on_url);
  g_variant_get_child (rules, 1, "(b&s&s)", &enabled, &prefix, &rule_url);
  g_assert_false (enabled);
  g_assert_cmpstr (prefix, ==, "/off");
  g_assert_cmpstr (rule_url, ==, off_url);
  assert_wait_forward_target (f, "/on", on_url);
  assert_wait_forward_target (f, "/off", NULL);
  botbench_ui_test_screenshot (f, "forward-ui-preferences.png");

  /* Off: stored, not forwarded.  The listener hands an event to the
   * forwarder before it reads the next request, so once the second is
   * forwarded and nothing is pending, the first was decided. */
  off_id = post_fixture (f, "ONIMBOTMESSAGEADD", "/off");
  on_id = post_fixture (f, "ONIMCOMMANDADD", "/on");
  g_assert_cmpint (on_id, >, off_id);
  botbench_test_handler_wait_requests (handler, 1);
  botbench_test_assert_wait_until (nothing_pending, f, "the forwards to be recorded");
  g_assert_cmpuint (botbench_test_handler_get_n_requests (handler), ==, 1);

  request = g_ptr_array_index (botbench_test_handler_get_requests (handler), 0);
  id_text = g_strdup_printf ("%" G_GINT64_FORMAT, on_id);
  g_assert_cmpstr (request_header (request, "X-Botbench-Event-Id"), ==, id_text);
  g_assert_cmpstr (request->method, ==, "POST");
  g_assert_cmpstr (request->path, ==, "/on.php");
  g_assert_true (g_bytes_equal (request->body, expected));
  off_event = botbench_event_store_get_event (botbench_application_get_store (f->app), off_id, NULL);
  g_assert_null (botbench_event_get_forward (off_event));

  assert_wait_pill (f, on_id, "200 · ", "success");
  assert_wait_pill (f, off_id, NULL, NULL);

  /* Switched on, the same path is forwarded to its own URL. */
  gtk_switch_set_active (GTK_SWITCH (botbench_ui_test_find (off_rule, "enabled_switch")), TRUE);
  assert_wait_forward_target (f, "/off", off_url);
  gtk_window_destroy (GTK_WINDOW (preferences));
  post_fixture (f, "ONIMBOTMESSAGEADD", "/off");
  botbench_test_handler_wait_requests (handler, 2);
  request = g_ptr_array_index (botbench_test_handler_get_requests (handler), 1);
  g_assert_cmpstr (request->path, ==, "/off.php");

  detail = show_handler_tab (f, on_id);
  botbench_ui_test_assert_label_shown (detail, "200 OK");
  botbench_ui_test_assert_label_shown (detail, on_url);
  body = dup_text_view_text (botbench_ui_test_find (detail, "body_view"));
  g_assert_cmpstr (body, ==, "ok");
  botbench_ui_test_screenshot (f, "forward-ui-handler.png");

  /* The event that was not forwarded says so, and leads to Preferences. */
  detail = show_handler_tab (f, off_id);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (botbench_ui_test_find (detail, "handler_stack"))),
                   ==, "none");
  g_assert_true (botbench_ui_test_widget_is_mapped (botbench_ui_test_find (detail, "open_forwarding_button")));
  botbench_ui_test_screenshot (f, "forward-ui-not-forwarded.png");
}

/* A handler that is not listening: the event is stored all the same, its
 * pill reads "refused" and the Handler tab gives the error. */
static void
refused_shows_error (Fixture *f)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/bot.php", botbench_test_closed_port ());
  GtkWidget *preferences;
  GtkWidget *rule;
  GtkWidget *detail;
  gint64 id;

  preferences = open_forwarding_preferences (f);
  rule = add_rule (preferences, "ftp://example.com/");
  /* Not http(s): marked, and not used. */
  g_assert_true (gtk_widget_has_css_class (botbench_ui_test_find (rule, "url_row"), "error"));
  assert_wait_forward_target (f, "/", NULL);
  gtk_editable_set_text (GTK_EDITABLE (botbench_ui_test_find (rule, "url_row")), url);
  g_assert_false (gtk_widget_has_css_class (botbench_ui_test_find (rule, "url_row"), "error"));
  assert_wait_forward_target (f, "/", url);
  gtk_window_destroy (GTK_WINDOW (preferences));

  id = post_fixture (f, "ONIMBOTMESSAGEADD", "/");
  assert_wait_pill (f, id, "refused", "error");

  detail = show_handler_tab (f, id);
  botbench_ui_test_assert_label_shown (detail, "Connection refused");
  botbench_ui_test_screenshot (f, "forward-ui-refused.png");
}

/* Replay… on a forwarded event, one value changed in the tree: the
 * handler gets the re-encoded body with the new value (and the other
 * values as they were), the replay is stored as "replay of #ID" with the
 * answer beside it, and the window selects it. */
static void
replay_edited_value (Fixture *f)
{
  g_autoptr(BotbenchTestHandler) handler = botbench_test_handler_new ();
  g_autofree char *url = g_strconcat (botbench_test_handler_get_url (handler), "/bot.php", NULL);
  g_autoptr(BotbenchFormNode) sent = NULL;
  g_autoptr(BotbenchFormNode) original_form = NULL;
  g_autoptr(BotbenchEvent) stored = NULL;
  g_autoptr(GBytes) original_body = botbench_test_load_fixture ("ONIMBOTMESSAGEADD");
  g_autofree char *original_id_text = NULL;
  BotbenchTestRequest *request;
  GtkWidget *dialog;
  GtkWidget *row;
  gint64 original_id;
  gint64 replay_id;
  gsize len;
  const char *data;

  set_rules (f, url);
  original_id = post_fixture (f, "ONIMBOTMESSAGEADD", "/");
  botbench_test_handler_wait_requests (handler, 1);

  g_assert_true (botbench_events_page_show_event (botbench_ui_test_get_events_page (f->window), original_id));
  botbench_ui_test_click (botbench_ui_test_find (f->window, "replay_button"));
  dialog = botbench_ui_test_find_toplevel (BOTBENCH_TYPE_REPLAY_DIALOG);
  g_assert_nonnull (dialog);
  gtk_test_widget_wait_for_draw (dialog);

  /* The forward target is the default target. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (botbench_ui_test_find (dialog, "url_row"))), ==, url);

  row = find_entry_row (dialog, "data[PARAMS][MESSAGE]");
  g_assert_nonnull (row);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "Hello, bot!");
  gtk_editable_set_text (GTK_EDITABLE (row), "Edited & replayed");
  {
    GtkWidget *diff_view = botbench_ui_test_find (dialog, "diff_view");
    GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (diff_view));
    g_autofree char *diff = dup_text_view_text (diff_view);
    AdwViewStack *stack = ADW_VIEW_STACK (botbench_ui_test_find (dialog, "view_stack"));
    CopyWait copy = { NULL };

    g_assert_nonnull (strstr (diff, "+ data[PARAMS][MESSAGE]=Edited & replayed"));

    /* The Changes page: focused, nothing is selected; still copyable. */
    adw_view_stack_set_visible_child_name (stack, "changes");
    gtk_test_widget_wait_for_draw (dialog);
    g_assert_true (gtk_widget_grab_focus (diff_view));
    g_assert_true (gtk_root_get_focus (GTK_ROOT (dialog)) == diff_view);
    g_assert_false (gtk_text_buffer_get_has_selection (buffer));
    g_assert_false (gtk_text_view_get_editable (GTK_TEXT_VIEW (diff_view)));
    {
      GtkTextIter start, end;

      gtk_text_buffer_get_bounds (buffer, &start, &end);
      gtk_text_buffer_select_range (buffer, &start, &end);
    }
    g_signal_emit_by_name (diff_view, "copy-clipboard");
    gdk_clipboard_read_text_async (gtk_widget_get_clipboard (diff_view), NULL, clipboard_read_cb, &copy);
    botbench_test_assert_wait_until (copy_done, &copy, "the copied diff");
    g_assert_cmpstr (copy.text, ==, diff);
    g_free (copy.text);
    adw_view_stack_set_visible_child_name (stack, "request");
  }
  botbench_ui_test_screenshot (f, "forward-ui-replay-dialog.png");

  botbench_ui_test_click (botbench_ui_test_find (dialog, "send_button"));
  botbench_test_assert_wait_until (replay_sent, dialog, "the replay's answer");
  botbench_test_handler_wait_requests (handler, 2);

  request = g_ptr_array_index (botbench_test_handler_get_requests (handler), 1);
  original_id_text = g_strdup_printf ("%" G_GINT64_FORMAT, original_id);
  g_assert_cmpstr (request_header (request, "X-Botbench-Replay-Of"), ==, original_id_text);
  data = g_bytes_get_data (request->body, &len);
  sent = botbench_post_decode_urlencoded (data, len);
  g_assert_cmpstr (botbench_form_node_lookup_string (sent, "data", "PARAMS", "MESSAGE", NULL), ==,
                   "Edited & replayed");
  /* Nothing else changed: the same keys and values but the one edited. */
  data = g_bytes_get_data (original_body, &len);
  original_form = botbench_post_decode_urlencoded (data, len);
  {
    g_auto(GStrv) before = botbench_form_edit_dup_pairs (original_form);
    g_auto(GStrv) after = botbench_form_edit_dup_pairs (sent);

    g_assert_cmpuint (g_strv_length (before), ==, g_strv_length (after));
    for (guint i = 0; before[i] != NULL; i += 2)
      {
        g_assert_cmpstr (before[i], ==, after[i]);
        if (!g_str_equal (before[i], "data[PARAMS][MESSAGE]"))
          g_assert_cmpstr (before[i + 1], ==, after[i + 1]);
      }
  }

  replay_id = botbench_replay_dialog_get_event_id (BOTBENCH_REPLAY_DIALOG (dialog));
  g_assert_cmpint (replay_id, >, original_id);
  stored = botbench_event_store_get_event (botbench_application_get_store (f->app), replay_id, NULL);
  g_assert_nonnull (stored);
  g_assert_cmpint (botbench_event_get_replay_of (stored), ==, original_id);
  g_assert_nonnull (botbench_event_get_forward (stored));
  g_assert_cmpuint (botbench_forward_result_get_status (botbench_event_get_forward (stored)), ==, 200);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (botbench_ui_test_find (dialog, "handler_stack"))),
                   ==, "forward");
  botbench_ui_test_screenshot (f, "forward-ui-replay-answer.png");

  gtk_window_destroy (GTK_WINDOW (dialog));
  assert_wait_selected (f, replay_id);
  {
    g_autofree char *mark = g_strdup_printf ("replay of #%" G_GINT64_FORMAT, original_id);

    botbench_ui_test_assert_label_shown (botbench_ui_test_find (f->window, "event_list"), mark);
  }
  botbench_ui_test_screenshot (f, "forward-ui-replayed.png");
}

/* Simulate Event…: a template sent to the listener is stored as that
 * event, with the value set on top, and selected. */
static void
simulate_sends_template (Fixture *f)
{
  g_autoptr(BotbenchEvent) stored = NULL;
  GtkWidget *dialog;
  gint64 id;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (botbench_ui_test_get_events_page (f->window)),
                                             "events.simulate", NULL));
  dialog = botbench_ui_test_find_toplevel (BOTBENCH_TYPE_SIMULATE_DIALOG);
  g_assert_nonnull (dialog);
  gtk_test_widget_wait_for_draw (dialog);

  g_assert_true (botbench_simulate_dialog_select_template (BOTBENCH_SIMULATE_DIALOG (dialog), "command-add"));
  botbench_ui_test_assert_label_shown (dialog, "ONIMCOMMANDADD");
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (botbench_ui_test_find (dialog, "values_view"))),
                            "data[PARAMS][MESSAGE]=/echo from the test\n", -1);
  botbench_ui_test_screenshot (f, "forward-ui-simulate.png");

  botbench_ui_test_click (botbench_ui_test_find (dialog, "send_button"));
  botbench_test_assert_wait_until (simulate_sent, dialog, "the simulated event's answer");

  id = botbench_simulate_dialog_get_event_id (BOTBENCH_SIMULATE_DIALOG (dialog));
  g_assert_cmpint (id, >, 0);
  stored = botbench_event_store_get_event (botbench_application_get_store (f->app), id, NULL);
  g_assert_nonnull (stored);
  g_assert_cmpstr (botbench_event_get_event_name (stored), ==, "ONIMCOMMANDADD");
  g_assert_nonnull (botbench_event_get_form (stored));
  g_assert_cmpstr (botbench_form_node_lookup_string (botbench_event_get_form (stored),
                                                     "data", "PARAMS", "MESSAGE", NULL), ==,
                   "/echo from the test");

  gtk_window_destroy (GTK_WINDOW (dialog));
  assert_wait_selected (f, id);
}

/* With a profile whose expected application_token is known, Simulate
 * Event sends that token (looked up in the keyring by the dialog): the
 * stored event is "verified". */
static void
simulate_carries_profile_token (Fixture *f)
{
  const char *token = "5e0d9c8b7a6f5e4d3c2b1a0f9e8d7c6b";
  BotbenchProfileManager *profiles = botbench_application_get_profile_manager (f->app);
  g_autoptr(BotbenchProfile) profile = botbench_profile_new (BOTBENCH_PROFILE_KIND_WEBHOOK, NULL);
  g_autoptr(BotbenchEvent) stored = NULL;
  g_autoptr(BotbenchBotStore) bots = NULL;
  g_autoptr(BotbenchBot) draft = NULL;
  g_autoptr(BotbenchBot) bot = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *dialog;
  gint64 id;

  botbench_profile_set_name (profile, "Portal");
  botbench_profile_set_portal_url (profile, "https://team.example.org");
  botbench_secret_store_hold (botbench_application_get_secret_store (f->app),
                              botbench_profile_get_uuid (profile),
                              BOTBENCH_SECRET_KIND_APPLICATION_TOKEN, token);
  g_assert_true (botbench_profile_manager_add (profiles, profile, &error));
  g_assert_no_error (error);
  g_assert_true (botbench_profile_manager_get_active (profiles) == profile);

  /* The profile's registered bot is the one simulated, not the example's */
  bots = botbench_bot_store_new (botbench_profile_get_uuid (profile), NULL);
  g_assert_true (botbench_bot_store_load (bots, &error));
  g_assert_no_error (error);
  draft = botbench_bot_new ();
  botbench_bot_set_code (draft, "draft_bot");
  botbench_bot_set_name (draft, "Draft");
  g_assert_true (botbench_bot_store_add (bots, draft, &error));
  g_assert_no_error (error);
  bot = botbench_bot_new ();
  botbench_bot_set_code (bot, "helper_bot");
  botbench_bot_set_name (bot, "Helper");
  botbench_bot_set_bot_id (bot, 321);
  g_assert_true (botbench_bot_store_add (bots, bot, &error));
  g_assert_no_error (error);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (botbench_ui_test_get_events_page (f->window)),
                                             "events.simulate", NULL));
  dialog = botbench_ui_test_find_toplevel (BOTBENCH_TYPE_SIMULATE_DIALOG);
  g_assert_nonnull (dialog);
  g_assert_true (botbench_simulate_dialog_select_template (BOTBENCH_SIMULATE_DIALOG (dialog), "message-add-private"));
  /* Clicked at once: the send waits for the keyring's answer if need be. */
  gtk_widget_activate (botbench_ui_test_find (dialog, "send_button"));
  botbench_test_assert_wait_until (simulate_sent, dialog, "the simulated event's answer");

  id = botbench_simulate_dialog_get_event_id (BOTBENCH_SIMULATE_DIALOG (dialog));
  g_assert_cmpint (id, >, 0);
  stored = botbench_event_store_get_event (botbench_application_get_store (f->app), id, NULL);
  g_assert_nonnull (stored);
  g_assert_cmpstr (botbench_form_node_lookup_string (botbench_event_get_form (stored),
                                                     "auth", "application_token", NULL), ==, token);
  g_assert_cmpstr (botbench_form_node_lookup_string (botbench_event_get_form (stored),
                                                     "auth", "domain", NULL), ==, "team.example.org");
  g_assert_cmpint (botbench_token_check (stored, token), ==, BOTBENCH_TOKEN_STATE_VERIFIED);
  g_assert_cmpstr (botbench_form_node_lookup_string (botbench_event_get_form (stored),
                                                     "data", "BOT", "321", "BOT_CODE", NULL), ==, "helper_bot");
  gtk_window_destroy (GTK_WINDOW (dialog));
}

typedef struct
{
  Fixture    *f;
  gint64      id;
  const char *text;   /* NULL: no token pill */
} TokenPillCheck;

static gboolean
token_pill_is (gpointer data)
{
  TokenPillCheck *check = data;
  GtkWidget *row = find_row_for_id (botbench_ui_test_find (check->f->window, "event_list"), check->id);
  GtkWidget *pill;

  if (row == NULL)
    return FALSE;

  pill = botbench_ui_test_find (row, "token_pill");
  if (check->text == NULL)
    return !gtk_widget_get_visible (pill);

  return gtk_widget_get_visible (pill) && g_str_equal (gtk_label_get_label (GTK_LABEL (pill)), check->text);
}

/* An event whose auth[application_token] is not the expected one shows a
 * "wrong token" pill; one with the expected token shows none. */
static void
token_pill (Fixture *f)
{
  BotbenchListener *listener = botbench_application_get_listener (f->app);
  TokenPillCheck check = { f, 0, NULL };

  /* The fixtures' token. */
  botbench_listener_set_expected_token (listener, "831c76b092f9f135d9b6b36c3a720757");
  check.id = post_fixture (f, "ONIMCOMMANDADD", "/");
  check.text = NULL;
  botbench_test_assert_wait_until (token_pill_is, &check, "no token pill on a verified event");

  botbench_listener_set_expected_token (listener, "another-token");
  check.id = post_fixture (f, "ONIMBOTMESSAGEADD", "/");
  check.text = "wrong token";
  botbench_test_assert_wait_until (token_pill_is, &check, "the wrong token pill");
  botbench_ui_test_screenshot (f, "forward-ui-token.png");

  /* The Events menu's token filter. */
  {
    BotbenchEventsPage *page = botbench_ui_test_get_events_page (f->window);
    GtkSingleSelection *selection =
      GTK_SINGLE_SELECTION (gtk_list_view_get_model (GTK_LIST_VIEW (botbench_ui_test_find (f->window, "event_list"))));
    g_autoptr(BotbenchEvent) shown = NULL;

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "events.token-filter", "s", "wrong-token"));
    botbench_test_assert_wait_n_items (gtk_single_selection_get_model (selection), 1);
    shown = g_list_model_get_item (gtk_single_selection_get_model (selection), 0);
    g_assert_cmpint (botbench_event_get_id (shown), ==, check.id);

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "events.token-filter", "s", "no-token"));
    botbench_test_assert_wait_n_items (gtk_single_selection_get_model (selection), 0);
    g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (botbench_ui_test_find (f->window, "events_stack"))),
                     ==, "no-results");

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "events.token-filter", "s", ""));
    botbench_test_assert_wait_n_items (gtk_single_selection_get_model (selection), 2);
  }
}

static gboolean
source_mark_is_fetched (gpointer data)
{
  TokenPillCheck *check = data;
  GtkWidget *row = find_row_for_id (botbench_ui_test_find (check->f->window, "event_list"), check->id);
  GtkWidget *mark;
  g_autofree char *tooltip = NULL;

  if (row == NULL)
    return FALSE;

  mark = botbench_ui_test_find (row, "source_label");
  tooltip = g_strdup (gtk_widget_get_tooltip_text (mark));
  return gtk_widget_get_visible (mark) && g_str_equal (gtk_label_get_label (GTK_LABEL (mark)), "fetched") &&
         tooltip != NULL && strstr (tooltip, "bot 77, event 41") != NULL;
}

/* A fetched event (imbot.v2.Event.get) is marked "fetched" in the list and
 * the detail; the Events menu's source filter shows it alone, or hides it. */
static void
source_mark (Fixture *f)
{
  static const char * const headers[] = { "Content-Type", "application/json", NULL };
  static const char body[] = "{\"event\":\"ONIMBOTV2MESSAGEADD\",\"eventId\":41,\"date\":null,"
                             "\"data\":{\"message\":{\"text\":\"from the portal\"}}}";
  BotbenchEventsPage *page = botbench_ui_test_get_events_page (f->window);
  GtkSingleSelection *selection =
    GTK_SINGLE_SELECTION (gtk_list_view_get_model (GTK_LIST_VIEW (botbench_ui_test_find (f->window, "event_list"))));
  g_autoptr(GBytes) bytes = g_bytes_new_static (body, strlen (body));
  g_autoptr(BotbenchEvent) fetched = NULL;
  g_autoptr(BotbenchEvent) shown = NULL;
  TokenPillCheck check = { f, 0, NULL };
  gint64 listened;
  const char *subtitle;

  listened = post_fixture (f, "ONIMBOTMESSAGEADD", "/");
  fetched = botbench_event_new (g_get_real_time (), "127.0.0.1", "POST", "/", "", headers,
                                "application/json", bytes);
  botbench_event_set_fetched (fetched, "http://127.0.0.1:8124/rest/1/x/", 77, 41);
  check.id = botbench_event_store_insert (botbench_application_get_store (f->app), fetched, NULL);
  g_assert_cmpint (check.id, >, listened);
  botbench_test_assert_wait_until (source_mark_is_fetched, &check, "the fetched mark");
  g_assert_false (gtk_widget_get_visible (botbench_ui_test_find (find_row_for_id (botbench_ui_test_find (f->window, "event_list"),
                                                                                  listened), "source_label")));

  g_assert_true (botbench_events_page_show_event (page, check.id));
  subtitle = gtk_label_get_label (GTK_LABEL (botbench_ui_test_find (f->window, "subtitle_label")));
  g_assert_true (g_str_has_suffix (subtitle, " · fetched"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "events.source-filter", "s", "fetched"));
  botbench_test_assert_wait_n_items (gtk_single_selection_get_model (selection), 1);
  shown = g_list_model_get_item (gtk_single_selection_get_model (selection), 0);
  g_assert_cmpint (botbench_event_get_id (shown), ==, check.id);
  g_clear_object (&shown);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "events.source-filter", "s", "listener"));
  botbench_test_assert_wait_n_items (gtk_single_selection_get_model (selection), 1);
  shown = g_list_model_get_item (gtk_single_selection_get_model (selection), 0);
  g_assert_cmpint (botbench_event_get_id (shown), ==, listened);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "events.source-filter", "s", ""));
  botbench_test_assert_wait_n_items (gtk_single_selection_get_model (selection), 2);
}

static gboolean
expected_token_is (gpointer data)
{
  Fixture *f = data;
  g_autofree char *token = botbench_listener_dup_expected_token (botbench_application_get_listener (f->app));

  return g_strcmp0 (token, "831c76b092f9f135d9b6b36c3a720757") == 0;
}

/* With a profile active and no expected token yet, the first ONAPPINSTALL
 * teaches it: the next event is verified. */
static void
token_learned_from_install (Fixture *f)
{
  BotbenchProfileManager *profiles = botbench_application_get_profile_manager (f->app);
  g_autoptr(BotbenchProfile) profile = botbench_profile_new (BOTBENCH_PROFILE_KIND_WEBHOOK, NULL);
  g_autoptr(BotbenchEvent) event = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;

  botbench_profile_set_name (profile, "Portal");
  g_assert_true (botbench_profile_manager_add (profiles, profile, &error));
  g_assert_no_error (error);
  g_assert_true (botbench_profile_manager_get_active (profiles) == profile);

  post_fixture (f, "ONAPPINSTALL", "/");
  botbench_test_assert_wait_until (expected_token_is, f, "the token learned from ONAPPINSTALL");

  id = post_fixture (f, "ONIMBOTMESSAGEADD", "/");
  event = botbench_event_store_get_event (botbench_application_get_store (f->app), id, NULL);
  g_assert_nonnull (event);
  g_assert_cmpint (botbench_event_get_token_state (event), ==, BOTBENCH_TOKEN_STATE_VERIFIED);
}

static gboolean have_keyring;

typedef struct
{
  BotbenchProfileManager *profiles;
  const char             *name;
} ProfileWait;

static gboolean
profile_added (gpointer data)
{
  ProfileWait *w = data;

  return botbench_profile_manager_lookup (w->profiles, w->name) != NULL;
}

/* An ONAPPINSTALL in the log: "Create Profile…" in its detail makes an
 * OAuth profile from it, asking only the name and the application's
 * client id and secret; the tokens go to the keyring, never the file.
 * Other events do not offer it. */
static void
create_profile_from_install (Fixture *f)
{
  BotbenchProfileManager *profiles = botbench_application_get_profile_manager (f->app);
  BotbenchSecretStore *secrets = botbench_application_get_secret_store (f->app);
  BotbenchEventsPage *page = botbench_ui_test_get_events_page (f->window);
  ProfileWait wait = { profiles, "Team Portal" };
  AdwMessageDialog *dialog;
  BotbenchProfile *profile;
  g_autofree char *ini = NULL;
  g_autoptr(GError) error = NULL;
  char *token;
  gint64 install_id, other_id;

  other_id = post_fixture (f, "ONIMBOTMESSAGEADD", "/");
  install_id = post_fixture (f, "ONAPPINSTALL", "/");

  g_assert_true (botbench_events_page_show_event (page, other_id));
  g_assert_false (gtk_widget_get_visible (botbench_ui_test_find (f->window, "create_profile_button")));
  g_assert_true (botbench_events_page_show_event (page, install_id));
  g_assert_true (gtk_widget_get_visible (botbench_ui_test_find (f->window, "create_profile_button")));

  botbench_ui_test_click (botbench_ui_test_find (f->window, "create_profile_button"));
  dialog = botbench_ui_test_find_dialog (ADW_TYPE_MESSAGE_DIALOG, "Create a Profile From the Installation?");
  g_assert_nonnull (dialog);
  /* The portal's host is the name it suggests; Create needs a free name. */
  g_assert_cmpstr (gtk_editable_get_text (g_object_get_data (G_OBJECT (dialog), "name")), ==, "example.bitrix24.com");
  gtk_editable_set_text (g_object_get_data (G_OBJECT (dialog), "name"), "");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "create"));
  gtk_editable_set_text (g_object_get_data (G_OBJECT (dialog), "name"), "Team Portal");
  gtk_editable_set_text (g_object_get_data (G_OBJECT (dialog), "client-id"), "local.5f0e.1a2b");
  gtk_editable_set_text (g_object_get_data (G_OBJECT (dialog), "client-secret"), "app-s3cret");
  botbench_ui_test_screenshot (f, "create-profile.png");
  adw_message_dialog_response (dialog, "create");
  if (!botbench_secret_store_get_session_only (secrets) && !have_keyring)
    botbench_ui_test_accept_session_only (f);

  botbench_test_assert_wait_until (profile_added, &wait, "the profile made from the installation");
  profile = botbench_profile_manager_lookup (profiles, "Team Portal");
  g_assert_cmpint (botbench_profile_get_kind (profile), ==, BOTBENCH_PROFILE_KIND_OAUTH);
  g_assert_cmpstr (botbench_profile_get_portal_url (profile), ==, "https://example.bitrix24.com/");
  g_assert_cmpstr (botbench_profile_get_member_id (profile), ==, "bac1cd5c8940947a75e0d71b1a84e348");
  g_assert_cmpstr (botbench_profile_get_oauth_client_id (profile), ==, "local.5f0e.1a2b");
  g_assert_cmpstr (botbench_profile_get_token_endpoint (profile), ==, "https://oauth.bitrix.info/oauth/token/");
  botbench_ui_test_assert_toast_shown (f->window, "Profile “Team Portal” created from the installation");

  token = botbench_secret_store_lookup_sync (secrets, botbench_profile_get_uuid (profile),
                                             BOTBENCH_SECRET_KIND_ACCESS_TOKEN, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token, ==, "s6p6eclrvim6da22ft9ch94ekreb52lv");
  botbench_secret_free (token);
  token = botbench_secret_store_lookup_sync (secrets, botbench_profile_get_uuid (profile),
                                             BOTBENCH_SECRET_KIND_CLIENT_SECRET, NULL, &error);
  g_assert_cmpstr (token, ==, "app-s3cret");
  botbench_secret_free (token);
  token = botbench_secret_store_lookup_sync (secrets, botbench_profile_get_uuid (profile),
                                             BOTBENCH_SECRET_KIND_APPLICATION_TOKEN, NULL, &error);
  g_assert_cmpstr (token, ==, "831c76b092f9f135d9b6b36c3a720757");
  botbench_secret_free (token);

  g_assert_true (botbench_profile_manager_save (profiles, &error));
  g_assert_true (g_file_get_contents (botbench_profile_manager_get_path (profiles), &ini, NULL, NULL));
  g_assert_nonnull (strstr (ini, "member-id=bac1cd5c8940947a75e0d71b1a84e348"));
  g_assert_null (strstr (ini, "s6p6eclrvim6da22ft9ch94ekreb52lv"));
  g_assert_null (strstr (ini, "app-s3cret"));
}

/* Export as JSON Lines writes the filtered events in the `events` format;
 * importing the file again stores nothing twice.  (The file chooser is
 * left out: these are the calls its answer makes.) */
static void
export_import_jsonl (Fixture *f)
{
  BotbenchEventsPage *page = botbench_ui_test_get_events_page (f->window);
  g_autofree char *dir = botbench_test_make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "events.jsonl", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  gint64 first;
  gint64 second;

  first = post_fixture (f, "ONIMBOTMESSAGEADD", "/");
  second = post_fixture (f, "ONIMCOMMANDADD", "/");

  /* What the file chooser's Export does. */
  _botbench_events_actions_export (page, file, FALSE);
  botbench_ui_test_assert_toast_shown (f->window, "Exported 2 events");

  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_no_error (error);
  lines = g_strsplit (contents, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  g_assert_cmpstr (lines[2], ==, "");
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *object;

      g_assert_true (json_parser_load_from_data (parser, lines[i], -1, &error));
      g_assert_no_error (error);
      object = json_node_get_object (json_parser_get_root (parser));
      /* Newest first, as `botbench-cli events` prints them. */
      g_assert_cmpint (json_object_get_int_member (object, "id"), ==, i == 0 ? second : first);
      g_assert_true (json_object_has_member (object, "body"));
    }

  _botbench_events_actions_import (page, file);
  botbench_ui_test_assert_toast_shown (f->window, "Imported 0 events, 2 already stored");
  g_assert_cmpint (botbench_event_store_get_last_id (botbench_application_get_store (f->app)), ==, second);

  /* The token filter limits the export too: no event has a wrong token. */
  {
    g_autofree char *filtered_path = g_build_filename (dir, "wrong.jsonl", NULL);
    g_autoptr(GFile) filtered = g_file_new_for_path (filtered_path);
    g_autofree char *filtered_contents = NULL;

    gtk_widget_activate_action (GTK_WIDGET (page), "events.token-filter", "s", "wrong-token");
    _botbench_events_actions_export (page, filtered, FALSE);
    botbench_ui_test_assert_toast_shown (f->window, "Exported 0 events");
    g_assert_true (g_file_get_contents (filtered_path, &filtered_contents, NULL, &error));
    g_assert_cmpstr (filtered_contents, ==, "");
    gtk_widget_activate_action (GTK_WIDGET (page), "events.token-filter", "s", "");
  }

  botbench_test_rm_rf (dir);
}

/* ---- forwards recorded while the list shows a large store ---------------- */

#define LARGE_STORE_EVENTS 10000

typedef struct
{
  Fixture *f;
  guint    n_left;
  /* The rows (event id → checked) seen stale at bind, and checks made
   * inside "forward-recorded", right after the page's own handler. */
  GHashTable *stale_at_bind;
  gint64   watched_id;
  guint    n_checked_in_signal;
  guint    n_recorded;
  gboolean failed;
} LargeStore;

static void
large_inserted_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  LargeStore *large = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (botbench_event_store_insert_finish (BOTBENCH_EVENT_STORE (object), result, &error), >, 0);
  g_assert_no_error (error);
  large->n_left--;
}

static gboolean
large_all_inserted (gpointer data)
{
  return ((LargeStore *)data)->n_left == 0;
}

static void
large_recorded_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  LargeStore *large = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (botbench_event_store_record_forward_finish (BOTBENCH_EVENT_STORE (object), result, &error));
  g_assert_no_error (error);
  large->n_left--;
}

static BotbenchForwardResult *
new_answer_200 (void)
{
  BotbenchForwardResult *answer = botbench_forward_result_new ("http://127.0.0.1:9/bot.php");

  botbench_forward_result_set_state (answer, BOTBENCH_FORWARD_STATE_DONE);
  botbench_forward_result_set_status (answer, 200);
  botbench_forward_result_set_duration_ms (answer, 7);
  botbench_forward_result_set_finished (answer, g_get_real_time ());

  return answer;
}

/* Runs after the page's handler: the row of the watched event must still
 * show the event as the list read it (no read on the main thread). */
static void
large_forward_recorded_cb (BotbenchEventStore *store,
                           gint64              event_id,
                           LargeStore         *large)
{
  GtkWidget *row;
  BotbenchEvent *shown;

  large->n_recorded++;
  if (event_id != large->watched_id)
    return;

  row = find_row_for_id (botbench_ui_test_find (large->f->window, "event_list"), event_id);
  g_assert_nonnull (row);
  shown = botbench_event_row_get_event (BOTBENCH_EVENT_ROW (row));
  if (botbench_event_get_forward (shown) != NULL)
    large->failed = TRUE;
  large->n_checked_in_signal++;
}

/* Runs after the page's bind: a row of an event whose forward was
 * recorded out of sight is bound to the event as the list read it. */
static void
large_bind_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               LargeStore               *large)
{
  BotbenchEvent *event = botbench_event_row_get_event (BOTBENCH_EVENT_ROW (gtk_list_item_get_child (list_item)));
  gint64 id;

  if (event == NULL)
    return;

  id = botbench_event_get_id (event);
  if (!g_hash_table_contains (large->stale_at_bind, &id))
    return;

  if (botbench_event_get_forward (event) != NULL)
    large->failed = TRUE;
  g_hash_table_replace (large->stale_at_bind, g_memdup2 (&id, sizeof id), GINT_TO_POINTER (TRUE));
}

static gboolean
large_recorded_all (gpointer data)
{
  LargeStore *large = data;

  return large->n_left == 0 && large->n_recorded >= 1;
}

static gboolean
large_top_rows_bound (gpointer data)
{
  LargeStore *large = data;
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, large->stale_at_bind);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (value == NULL)
      return FALSE;

  return TRUE;
}

static gboolean
row_is_mapped (gpointer data)
{
  LargeStore *large = data;

  return find_row_for_id (botbench_ui_test_find (large->f->window, "event_list"), large->watched_id) != NULL;
}

static gboolean
forwards_read (gpointer data)
{
  LargeStore *large = data;

  return !_botbench_events_page_get_forwards_reading (botbench_ui_test_get_events_page (large->f->window));
}

/* A store of 10k events, forwards recorded for the rows in sight and for
 * rows out of sight: the list reads events again only in a thread.  Inside
 * "forward-recorded" (after the page's handler) and inside the factory's
 * bind (after the page's), the row still shows the event as the list read
 * it; the pill follows once the thread's read is back. */
static void
forward_pill_read_off_main_thread (Fixture *f)
{
  BotbenchEventStore *store = botbench_application_get_store (f->app);
  BotbenchEventsPage *page = botbench_ui_test_get_events_page (f->window);
  GtkListView *list = GTK_LIST_VIEW (botbench_ui_test_find (f->window, "event_list"));
  g_autoptr(BotbenchForwardResult) answer = new_answer_200 ();
  LargeStore large = { f, 0 };
  gint64 last_id;
  guint n_top = 4;

  large.stale_at_bind = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  for (guint chunk = 0; chunk < LARGE_STORE_EVENTS / 1000; chunk++)
    {
      large.n_left = 1000;
      for (guint i = 0; i < 1000; i++)
        {
          g_autofree char *text = g_strdup_printf ("event=ONIMBOTMESSAGEADD&data[PARAMS][MESSAGE]=n%u",
                                                   chunk * 1000 + i);
          g_autoptr(GBytes) body = g_bytes_new (text, strlen (text));
          g_autoptr(BotbenchEvent) event = botbench_replay_build_new ("/bot", body);

          botbench_event_store_insert_async (store, event, NULL, large_inserted_cb, &large);
        }
      botbench_test_assert_wait_until (large_all_inserted, &large, "the events to be stored");
    }
  last_id = botbench_event_store_get_last_id (store);
  botbench_test_assert_wait_n_items (G_LIST_MODEL (_botbench_events_page_get_shown_model (page)),
                                     LARGE_STORE_EVENTS);

  g_signal_connect (store, "forward-recorded", G_CALLBACK (large_forward_recorded_cb), &large);
  g_signal_connect (gtk_list_view_get_factory (list), "bind", G_CALLBACK (large_bind_cb), &large);

  /* In sight: the newest event's row. */
  large.watched_id = last_id;
  botbench_test_assert_wait_until (row_is_mapped, &large, "the newest event's row");
  large.n_left = 1;
  botbench_event_store_record_forward_async (store, last_id, answer, NULL, large_recorded_cb, &large);
  botbench_test_assert_wait_until (large_recorded_all, &large, "the forward to be recorded");
  g_assert_cmpuint (large.n_checked_in_signal, ==, 1);
  g_assert_false (large.failed);
  assert_wait_pill (f, last_id, "200 · 7 ms", "success");

  /* Out of sight: the oldest events in view, forwards recorded for the
   * newest ones (a burst of them), then back to the top. */
  gtk_widget_activate_action (GTK_WIDGET (list), "list.scroll-to-item", "u", LARGE_STORE_EVENTS - 1);
  large.watched_id = last_id - LARGE_STORE_EVENTS + 1;
  botbench_test_assert_wait_until (row_is_mapped, &large, "the oldest event's row");
  large.watched_id = 0;
  large.n_left = 2000;
  for (guint i = 0; i < 2000; i++)
    {
      gint64 id = last_id - 1 - i;

      if (i < n_top)
        g_hash_table_add (large.stale_at_bind, g_memdup2 (&id, sizeof id));
      botbench_event_store_record_forward_async (store, id, answer, NULL, large_recorded_cb, &large);
    }
  botbench_test_assert_wait_until (large_recorded_all, &large, "the burst of forwards to be recorded");
  botbench_test_assert_wait_until (forwards_read, &large, "the tracker to settle");

  gtk_widget_activate_action (GTK_WIDGET (list), "list.scroll-to-item", "u", 0);
  botbench_test_assert_wait_until (large_top_rows_bound, &large, "the newest rows to be bound again");
  g_assert_false (large.failed);
  for (guint i = 0; i < n_top; i++)
    assert_wait_pill (f, last_id - 1 - i, "200 · 7 ms", "success");
  botbench_test_assert_wait_until (forwards_read, &large, "the tracker to settle");

  g_signal_handlers_disconnect_by_data (store, &large);
  g_signal_handlers_disconnect_by_data (gtk_list_view_get_factory (list), &large);
  g_hash_table_unref (large.stale_at_bind);
}

static void
record_toast_action (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  char **title = user_data;

  g_free (*title);
  *title = g_variant_dup_string (parameter, NULL);
}

static gboolean
toast_recorded (gpointer data)
{
  return *(char **)data != NULL;
}

static gboolean
names_loaded (gpointer data)
{
  return !botbench_events_page_get_loading_names (data);
}

/* An export that fails half-way (the store closed under it) leaves the
 * file it was to replace as it was: nothing partial, no empty file. */
static void
export_failure_keeps_old_file (Fixture *f)
{
  g_autofree char *dir = botbench_test_make_tmp_dir ();
  g_autofree char *db = g_build_filename (dir, "other.db", NULL);
  g_autofree char *path = g_build_filename (dir, "events.jsonl", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(BotbenchEventStore) store = NULL;
  g_autoptr(GSimpleActionGroup) group = g_simple_action_group_new ();
  g_autoptr(GSimpleAction) action = g_simple_action_new ("toast", G_VARIANT_TYPE_STRING);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *title = NULL;
  g_autoptr(GDir) listing = NULL;
  const char *old = "{\"id\":1,\"old\":true}\n";
  GtkWidget *window;
  GtkWidget *page;
  guint n_files = 0;

  g_assert_true (g_file_set_contents (path, old, -1, &error));
  g_assert_no_error (error);

  store = botbench_event_store_new (db, &error);
  g_assert_no_error (error);
  window = gtk_window_new ();
  g_signal_connect (action, "activate", G_CALLBACK (record_toast_action), &title);
  g_action_map_add_action (G_ACTION_MAP (group), G_ACTION (action));
  gtk_widget_insert_action_group (window, "win", G_ACTION_GROUP (group));
  page = g_object_new (BOTBENCH_TYPE_EVENTS_PAGE, NULL);
  gtk_window_set_child (GTK_WINDOW (window), page);
  botbench_events_page_set_store (BOTBENCH_EVENTS_PAGE (page), store);
  botbench_test_assert_wait_until (names_loaded, page, "the page's event names");

  /* The store's reads fail from now on: the export fails after the
   * file was opened for replacing. */
  botbench_event_store_close (store);
  _botbench_events_actions_export (BOTBENCH_EVENTS_PAGE (page), file, FALSE);
  botbench_test_assert_wait_until (toast_recorded, &title, "the export to fail");
  g_assert_true (g_str_has_prefix (title, "Cannot export events: "));

  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (contents, ==, old);
  /* No temporary file left beside it (only the store's own files). */
  listing = g_dir_open (dir, 0, &error);
  g_assert_no_error (error);
  for (const char *name; (name = g_dir_read_name (listing)) != NULL; )
    if (!g_str_has_prefix (name, "other.db"))
      n_files++;
  g_assert_cmpuint (n_files, ==, 1);

  gtk_window_destroy (GTK_WINDOW (window));
  botbench_test_rm_rf (dir);
}

/* The rules, Replay and Replay Shown Events accept the URLs the forwarder
 * sends to, and say why not. */
static void
test_check_url (void)
{
  const char *good[] = { "http://127.0.0.1:8000/bot.php", "https://example.com/h?x=1",
                         "http://[::1]:8000/", "HTTP://localhost/" };
  const char *bad[] = { "", "ftp://example.com/", "http://", "http://exa mple.org/",
                        "http://example.org/a b", "127.0.0.1:8000/bot.php", "http://ex\tample/" };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autofree char *problem = botbench_forward_settings_check_url (good[i]);

      g_assert_null (problem);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *problem = botbench_forward_settings_check_url (bad[i]);

      if (problem == NULL)
        g_error ("%s accepted", bad[i]);
    }
}

int
main (int   argc,
      char *argv[])
{
  botbench_ui_test_init (&argc, &argv, &have_keyring);

  g_test_add_func ("/forward-ui/forward/check-url", test_check_url);
  botbench_ui_test_add ("/forward-ui/forward/switch", switch_forwards_to_handler);
  botbench_ui_test_add ("/forward-ui/forward/refused", refused_shows_error);
  botbench_ui_test_add ("/forward-ui/forward/large-store-reads-off-main-thread", forward_pill_read_off_main_thread);
  botbench_ui_test_add ("/forward-ui/replay/edited-value", replay_edited_value);
  botbench_ui_test_add ("/forward-ui/simulate/template", simulate_sends_template);
  botbench_ui_test_add ("/forward-ui/simulate/profile-token", simulate_carries_profile_token);
  botbench_ui_test_add ("/forward-ui/token/pill", token_pill);
  botbench_ui_test_add ("/forward-ui/source/fetched-mark-and-filter", source_mark);
  botbench_ui_test_add ("/forward-ui/token/learned-from-install", token_learned_from_install);
  botbench_ui_test_add ("/forward-ui/install/create-profile", create_profile_from_install);
  botbench_ui_test_add ("/forward-ui/export-import/jsonl", export_import_jsonl);
  botbench_ui_test_add ("/forward-ui/export-import/failure-keeps-old-file", export_failure_keeps_old_file);

  return botbench_ui_test_run ();
}
