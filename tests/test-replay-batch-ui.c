/* test-replay-batch-ui.c: the Events menu's "Replay Shown Events…"
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs under xvfb-run through the shared harness: the window's own listener
 * on a free loopback port, a loopback handler (botbench-test-handler) in
 * the role of the developer's script.  Events are POSTed to the listener,
 * the list is filtered as a user would, and the dialog opened from the
 * menu's action replays what the list shows; the handler and the store
 * are then checked for exactly those events, in order.
 */
#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "botbench-application.h"
#include "botbench-events-page-private.h"
#include "botbench-replay-batch-dialog.h"
#include "botbench-window.h"
#include "botbench-test-handler.h"
#include "botbench-test-utils.h"
#include "botbench-ui-test-utils.h"
#include "botbench-ui-test-widgets.h"

typedef BotbenchUiFixture Fixture;

/* ---- helpers ------------------------------------------------------------ */

/* POSTs body to the listener at path; returns the stored event's id. */
static gint64
post_body_to (Fixture    *f,
              const char *path,
              GBytes     *body)
{
  return botbench_ui_test_post_to_listener (f, path, body);
}

static gint64
post_body (Fixture *f,
           GBytes  *body)
{
  return post_body_to (f, "/bot", body);
}

/* The fixture with "&extra=N" appended: the same event, another body. */
static GBytes *
fixture_variant (const char *name,
                 guint       n)
{
  g_autoptr(GBytes) fixture = botbench_test_load_fixture (name);
  g_autoptr(GByteArray) body = g_byte_array_new ();
  g_autofree char *extra = g_strdup_printf ("&extra=%u", n);

  g_byte_array_append (body, g_bytes_get_data (fixture, NULL), g_bytes_get_size (fixture));
  g_byte_array_append (body, (const guint8 *)extra, strlen (extra));

  return g_byte_array_free_to_bytes (g_steal_pointer (&body));
}

typedef struct
{
  GListModel *model;
  guint       n;
} CountWait;

static gboolean
model_has_n (gpointer data)
{
  CountWait *wait = data;

  return g_list_model_get_n_items (wait->model) == wait->n;
}

typedef struct
{
  GtkDropDown *dropdown;
  const char  *name;
} NameWait;

static gboolean
dropdown_lists_name (gpointer data)
{
  NameWait *wait = data;
  GListModel *model = gtk_drop_down_get_model (wait->dropdown);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    if (g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (model), i), wait->name) == 0)
      return TRUE;

  return FALSE;
}

/* Chooses name in the Events page's event-name filter once it offers it,
 * and waits until the list shows n events. */
static void
filter_event_name (Fixture    *f,
                   const char *name,
                   guint       n)
{
  BotbenchEventsPage *page = botbench_ui_test_get_events_page (f->window);
  GtkDropDown *dropdown = GTK_DROP_DOWN (botbench_ui_test_find (f->window, "event_type_dropdown"));
  NameWait wait = { dropdown, name };
  CountWait count = { G_LIST_MODEL (_botbench_events_page_get_event_model (page)), n };
  GListModel *names;

  botbench_test_assert_wait_until (dropdown_lists_name, &wait, "the event-name filter to offer the name");
  names = gtk_drop_down_get_model (dropdown);
  for (guint i = 0; i < g_list_model_get_n_items (names); i++)
    if (g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (names), i), name) == 0)
      gtk_drop_down_set_selected (dropdown, i);
  botbench_test_assert_wait_until (model_has_n, &count, "the filtered list");
}

/* Replay Shown Events… from the Events menu. */
static GtkWidget *
open_dialog (Fixture *f)
{
  GtkWidget *dialog;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (botbench_ui_test_get_events_page (f->window)),
                                             "events.replay-shown", NULL));
  dialog = botbench_ui_test_find_toplevel (BOTBENCH_TYPE_REPLAY_BATCH_DIALOG);
  g_assert_nonnull (dialog);
  gtk_test_widget_wait_for_draw (dialog);

  return dialog;
}

static const char *
heading (GtkWidget *dialog)
{
  return gtk_label_get_label (GTK_LABEL (botbench_ui_test_find (dialog, "heading_label")));
}

static gboolean
batch_stopped (gpointer data)
{
  return !botbench_replay_batch_get_running (data);
}

static gboolean
no_dialog (gpointer data)
{
  return botbench_ui_test_find_toplevel (BOTBENCH_TYPE_REPLAY_BATCH_DIALOG) == NULL;
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

/* ---- cases -------------------------------------------------------------- */

/* Three events stored, the event-name filter shows two: exactly those two
 * reach the handler, oldest first, byte for byte; two replays are stored
 * ("replay of #ID") and the list shows them. */
static void
filtered_to_handler (Fixture *f)
{
  g_autoptr(BotbenchTestHandler) handler = botbench_test_handler_new ();
  g_autofree char *url = g_strconcat (botbench_test_handler_get_url (handler), "/bot.php", NULL);
  g_autofree char *expected_heading = g_strdup_printf ("Replay 2 events to %s?", url);
  g_autoptr(GBytes) first = botbench_test_load_fixture ("ONIMBOTMESSAGEADD");
  g_autoptr(GBytes) other = botbench_test_load_fixture ("ONIMCOMMANDADD");
  g_autoptr(GBytes) last = fixture_variant ("ONIMBOTMESSAGEADD", 2);
  BotbenchEventStore *store = botbench_application_get_store (f->app);
  g_autoptr(BotbenchReplayBatch) batch = NULL;
  GBytes *bodies[2] = { first, last };
  gint64 ids[2];
  GPtrArray *requests;
  GArray *new_ids;
  GtkWidget *dialog;

  ids[0] = post_body (f, first);
  post_body (f, other);
  ids[1] = post_body (f, last);

  filter_event_name (f, "ONIMBOTMESSAGEADD", 2);
  dialog = open_dialog (f);
  /* This listener by default. */
  g_assert_true (g_str_has_prefix (heading (dialog), "Replay 2 events to http://127.0.0.1:"));
  g_assert_false (gtk_widget_get_visible (botbench_ui_test_find (dialog, "large_group")));

  gtk_editable_set_text (GTK_EDITABLE (botbench_ui_test_find (dialog, "url_row")), url);
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (botbench_ui_test_find (dialog, "target_row"))), ==, 2);
  g_assert_cmpstr (heading (dialog), ==, expected_heading);
  botbench_ui_test_screenshot (f, "replay-batch-ui-confirm.png");

  batch = g_object_ref (botbench_replay_batch_dialog_get_batch (BOTBENCH_REPLAY_BATCH_DIALOG (dialog)));
  botbench_ui_test_click (botbench_ui_test_find (dialog, "replay_button"));
  botbench_test_assert_wait_until (batch_stopped, batch, "the replays");
  botbench_ui_test_assert_toast_shown (f->window, "Replayed 2 events: 2 answered 2xx, 0 failed");
  botbench_test_assert_wait_until (no_dialog, NULL, "the dialog to close");

  /* Exactly the two shown, in order, byte for byte. */
  g_assert_false (botbench_replay_batch_get_cancelled (batch));
  g_assert_null (botbench_replay_batch_get_error (batch));
  g_assert_cmpuint (botbench_replay_batch_get_n_done (batch), ==, 2);
  g_assert_cmpuint (botbench_replay_batch_get_n_ok (batch), ==, 2);
  requests = botbench_test_handler_get_requests (handler);
  g_assert_cmpuint (requests->len, ==, 2);
  new_ids = botbench_replay_batch_get_new_ids (batch);
  g_assert_cmpuint (new_ids->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      BotbenchTestRequest *request = g_ptr_array_index (requests, i);
      g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, ids[i]);
      g_autoptr(BotbenchEvent) stored = NULL;

      g_assert_cmpstr (request->method, ==, "POST");
      g_assert_cmpstr (request->path, ==, "/bot.php");
      g_assert_true (g_bytes_equal (request->body, bodies[i]));
      g_assert_cmpstr (request_header (request, "X-Botbench-Replay-Of"), ==, id_text);

      stored = botbench_event_store_get_event (store, g_array_index (new_ids, gint64, i), NULL);
      g_assert_nonnull (stored);
      g_assert_cmpint (botbench_event_get_replay_of (stored), ==, ids[i]);
      g_assert_true (g_bytes_equal (botbench_event_get_body (stored), bodies[i]));
      g_assert_nonnull (botbench_event_get_forward (stored));
      g_assert_cmpuint (botbench_forward_result_get_status (botbench_event_get_forward (stored)), ==, 200);
    }
  /* The two replays, and nothing else, were stored. */
  g_assert_cmpint (botbench_event_store_get_last_id (store), ==, g_array_index (new_ids, gint64, 1));
  g_assert_cmpint (g_array_index (new_ids, gint64, 0), >, ids[1]);

  /* The filtered list shows the replays. */
  {
    g_autofree char *mark = g_strdup_printf ("replay of #%" G_GINT64_FORMAT, ids[0]);

    botbench_ui_test_assert_label_shown (botbench_ui_test_find (f->window, "event_list"), mark);
  }
  botbench_ui_test_screenshot (f, "replay-batch-ui-replayed.png");
}

/* To this listener: the listener stores each replay (replay_of from
 * X-Botbench-Replay-Of), and the batch does not replay its own replays. */
static void
to_listener (Fixture *f)
{
  g_autoptr(GBytes) first = botbench_test_load_fixture ("ONIMBOTJOINCHAT");
  g_autoptr(GBytes) second = botbench_test_load_fixture ("ONIMBOTDELETE");
  BotbenchEventStore *store = botbench_application_get_store (f->app);
  g_autoptr(BotbenchReplayBatch) batch = NULL;
  BotbenchEventQuery query = { 0 };
  GBytes *bodies[2] = { first, second };
  gint64 ids[2];
  GArray *new_ids;
  GtkWidget *dialog;

  ids[0] = post_body (f, first);
  ids[1] = post_body (f, second);

  dialog = open_dialog (f);
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (botbench_ui_test_find (dialog, "target_row"))), ==, 0);
  batch = g_object_ref (botbench_replay_batch_dialog_get_batch (BOTBENCH_REPLAY_BATCH_DIALOG (dialog)));
  botbench_ui_test_click (botbench_ui_test_find (dialog, "replay_button"));
  botbench_test_assert_wait_until (batch_stopped, batch, "the replays");
  botbench_ui_test_assert_toast_shown (f->window, "Replayed 2 events: 2 answered 2xx, 0 failed");

  new_ids = botbench_replay_batch_get_new_ids (batch);
  g_assert_cmpuint (new_ids->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(BotbenchEvent) stored = botbench_event_store_get_event (store, g_array_index (new_ids, gint64, i), NULL);

      g_assert_nonnull (stored);
      g_assert_cmpint (botbench_event_get_replay_of (stored), ==, ids[i]);
      g_assert_cmpstr (botbench_event_get_path (stored), ==, "/bot");
      g_assert_true (g_bytes_equal (botbench_event_get_body (stored), bodies[i]));
    }
  g_assert_cmpint (botbench_event_store_count (store, &query, NULL), ==, 4);
}

/* Cancel while the first answer is awaited: no further request is sent. */
static void
cancel_midway (Fixture *f)
{
  g_autoptr(BotbenchTestHandler) handler = botbench_test_handler_new ();
  g_autofree char *url = g_strconcat (botbench_test_handler_get_url (handler), "/bot.php", NULL);
  g_autoptr(BotbenchReplayBatch) batch = NULL;
  GtkWidget *dialog;

  botbench_test_handler_set_mode (handler, BOTBENCH_TEST_HANDLER_SLOW);
  botbench_test_handler_set_delay_ms (handler, 8000);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(GBytes) body = fixture_variant ("ONIMBOTMESSAGEADD", i);

      post_body (f, body);
    }

  dialog = open_dialog (f);
  g_assert_true (g_str_has_prefix (heading (dialog), "Replay 3 events to http://127.0.0.1:"));
  gtk_editable_set_text (GTK_EDITABLE (botbench_ui_test_find (dialog, "url_row")), url);
  batch = g_object_ref (botbench_replay_batch_dialog_get_batch (BOTBENCH_REPLAY_BATCH_DIALOG (dialog)));
  botbench_ui_test_click (botbench_ui_test_find (dialog, "replay_button"));
  botbench_test_handler_wait_requests (handler, 1);
  botbench_ui_test_assert_label_shown (dialog, "0 of 3");
  g_assert_true (botbench_replay_batch_get_running (batch));
  botbench_ui_test_screenshot (f, "replay-batch-ui-progress.png");

  botbench_ui_test_click (botbench_ui_test_find (dialog, "cancel_button"));
  botbench_test_assert_wait_until (batch_stopped, batch, "the batch to stop");
  botbench_ui_test_assert_toast_shown (f->window, "Replay cancelled after 1 of 3 events: 0 answered 2xx, 1 failed");
  botbench_test_assert_wait_until (no_dialog, NULL, "the dialog to close");

  g_assert_true (botbench_replay_batch_get_cancelled (batch));
  g_assert_cmpuint (botbench_replay_batch_get_n_done (batch), ==, 1);
  g_assert_cmpuint (botbench_replay_batch_get_n_failed (batch), ==, 1);
  g_assert_cmpuint (botbench_test_handler_get_n_requests (handler), ==, 1);

  /* The first went out before Cancel: the handler may have acted on it,
   * so it is stored, with the error "Cancelled". */
  {
    GArray *new_ids = botbench_replay_batch_get_new_ids (batch);
    g_autoptr(BotbenchEvent) stored = NULL;
    BotbenchForwardResult *forward;

    g_assert_cmpuint (new_ids->len, ==, 1);
    stored = botbench_event_store_get_event (botbench_application_get_store (f->app),
                                             g_array_index (new_ids, gint64, 0), NULL);
    g_assert_nonnull (stored);
    g_assert_cmpint (botbench_event_get_replay_of (stored), >, 0);
    forward = botbench_event_get_forward (stored);
    g_assert_nonnull (forward);
    g_assert_cmpstr (botbench_forward_result_get_error (forward), ==, "Cancelled");
  }
}

typedef struct
{
  gboolean               done;
  BotbenchForwardResult *answer;
  gint64                 event_id;
  GError                *error;
} SendWait;

static void
replay_sent_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  SendWait *wait = user_data;

  wait->answer = botbench_replay_send_finish (result, &wait->event_id, &wait->error);
  wait->done = TRUE;
}

static gboolean
send_done (gpointer data)
{
  return ((SendWait *)data)->done;
}

/* A replay cancelled before it went out is not stored (the target never
 * saw it): finish fails with G_IO_ERROR_CANCELLED, no request, no event. */
static void
cancelled_before_sent (Fixture *f)
{
  g_autoptr(BotbenchTestHandler) handler = botbench_test_handler_new ();
  g_autofree char *url = g_strconcat (botbench_test_handler_get_url (handler), "/bot.php", NULL);
  BotbenchEventStore *store = botbench_application_get_store (f->app);
  g_autoptr(GBytes) body = fixture_variant ("ONIMBOTMESSAGEADD", 0);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(BotbenchEvent) original = NULL;
  g_autoptr(BotbenchEvent) replay = NULL;
  SendWait wait = { FALSE };
  gint64 id;

  id = post_body (f, body);
  original = botbench_event_store_get_event (store, id, NULL);
  g_assert_nonnull (original);
  replay = botbench_replay_build (original, NULL, NULL);

  botbench_replay_send_async (store, session, replay, url, 10, cancellable, replay_sent_cb, &wait);
  g_cancellable_cancel (cancellable);
  botbench_test_assert_wait_until (send_done, &wait, "the cancelled replay to finish");

  g_assert_null (wait.answer);
  g_assert_error (wait.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (wait.event_id, ==, 0);
  g_assert_cmpuint (botbench_test_handler_get_n_requests (handler), ==, 0);
  /* Nothing was stored: a later event gets the next id. */
  g_assert_cmpint (botbench_event_store_get_last_id (store), ==, id);
  g_clear_error (&wait.error);
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
  g_autofree char *target = botbench_forwarder_dup_target (botbench_application_get_forwarder (check->f->app),
                                                           check->path);

  return g_strcmp0 (target, check->url) == 0;
}

/* To the forward target of each event's path: an event under a rule
 * reaches that rule's handler, one whose path no rule matches counts as
 * failed (and is not sent anywhere). */
static void
to_forward_targets (Fixture *f)
{
  g_autoptr(BotbenchTestHandler) handler = botbench_test_handler_new ();
  g_autofree char *url = g_strconcat (botbench_test_handler_get_url (handler), "/a.php", NULL);
  g_autoptr(GBytes) first = botbench_test_load_fixture ("ONIMBOTMESSAGEADD");
  g_autoptr(GBytes) second = botbench_test_load_fixture ("ONIMCOMMANDADD");
  GSettings *settings = botbench_application_get_settings (f->app);
  TargetCheck check = { f, "/a", url };
  g_autoptr(BotbenchReplayBatch) batch = NULL;
  BotbenchTestRequest *request;
  GtkWidget *dialog;
  gint64 first_id;

  g_settings_set_value (settings, "forward-rules", g_variant_new_parsed ("[(true, '/a', %s)]", url));
  botbench_test_assert_wait_until (forward_target_is, &check, "the forwarder's rules");

  first_id = post_body_to (f, "/a", first);
  botbench_test_handler_wait_requests (handler, 1);   /* the forward */
  post_body_to (f, "/b", second);

  dialog = open_dialog (f);
  adw_combo_row_set_selected (ADW_COMBO_ROW (botbench_ui_test_find (dialog, "target_row")), 1);
  g_assert_cmpstr (heading (dialog), ==, "Replay 2 events to the forward target of each path?");
  g_assert_false (gtk_widget_get_visible (botbench_ui_test_find (dialog, "url_row")));
  batch = g_object_ref (botbench_replay_batch_dialog_get_batch (BOTBENCH_REPLAY_BATCH_DIALOG (dialog)));
  botbench_ui_test_click (botbench_ui_test_find (dialog, "replay_button"));
  botbench_test_assert_wait_until (batch_stopped, batch, "the replays");
  botbench_ui_test_assert_toast_shown (f->window, "Replayed 2 events: 1 answered 2xx, 1 failed");

  g_assert_cmpuint (botbench_test_handler_get_n_requests (handler), ==, 2);
  request = g_ptr_array_index (botbench_test_handler_get_requests (handler), 1);
  g_assert_cmpstr (request->path, ==, "/a.php");
  g_assert_true (g_bytes_equal (request->body, first));
  g_assert_cmpuint (botbench_replay_batch_get_new_ids (batch)->len, ==, 1);
  {
    g_autoptr(BotbenchEvent) stored = botbench_event_store_get_event (botbench_application_get_store (f->app),
                                                                      g_array_index (botbench_replay_batch_get_new_ids (batch), gint64, 0),
                                                                      NULL);

    g_assert_nonnull (stored);
    g_assert_cmpint (botbench_event_get_replay_of (stored), ==, first_id);
  }
  g_assert_cmpstr (botbench_replay_batch_get_last_failure (batch), ==, "No forwarding rule matches /b");
}

typedef struct
{
  guint n_left;
} InsertWait;

static void
inserted_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  InsertWait *wait = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (botbench_event_store_insert_finish (BOTBENCH_EVENT_STORE (object), result, &error), >, 0);
  g_assert_no_error (error);
  wait->n_left--;
}

static gboolean
all_inserted (gpointer data)
{
  return ((InsertWait *)data)->n_left == 0;
}

/* Over BOTBENCH_REPLAY_BATCH_LARGE events, Replay waits for the check box. */
static void
large_needs_second_word (Fixture *f)
{
  BotbenchEventStore *store = botbench_application_get_store (f->app);
  InsertWait wait = { BOTBENCH_REPLAY_BATCH_LARGE + 1 };
  g_autofree char *expected = g_strdup_printf ("Yes, send all %u requests", BOTBENCH_REPLAY_BATCH_LARGE + 1);
  GtkWidget *dialog;
  GtkWidget *replay;

  for (guint i = 0; i < BOTBENCH_REPLAY_BATCH_LARGE + 1; i++)
    {
      g_autofree char *text = g_strdup_printf ("event=ONIMBOTMESSAGEADD&n=%u", i);
      g_autoptr(GBytes) body = g_bytes_new (text, strlen (text));
      g_autoptr(BotbenchEvent) event = botbench_replay_build_new ("/bot", body);

      botbench_event_store_insert_async (store, event, NULL, inserted_cb, &wait);
    }
  botbench_test_assert_wait_until (all_inserted, &wait, "the events to be stored");

  dialog = open_dialog (f);
  replay = botbench_ui_test_find (dialog, "replay_button");
  g_assert_true (g_str_has_prefix (heading (dialog), "Replay 1001 events to "));
  g_assert_true (gtk_widget_get_visible (botbench_ui_test_find (dialog, "large_group")));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (botbench_ui_test_find (dialog, "large_row"))),
                   ==, expected);
  g_assert_false (gtk_widget_get_sensitive (replay));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (botbench_ui_test_find (dialog, "large_check")), TRUE);
  g_assert_true (gtk_widget_get_sensitive (replay));
  botbench_ui_test_screenshot (f, "replay-batch-ui-large.png");

  /* Cancel before Replay closes the dialog and sends nothing. */
  botbench_ui_test_click (botbench_ui_test_find (dialog, "cancel_button"));
  botbench_test_assert_wait_until (no_dialog, NULL, "the dialog to close");
  g_assert_cmpint (botbench_event_store_get_last_id (store), ==, BOTBENCH_REPLAY_BATCH_LARGE + 1);
}

int
main (int   argc,
      char *argv[])
{
  gboolean have_keyring;

  botbench_ui_test_init (&argc, &argv, &have_keyring);

  botbench_ui_test_add ("/replay-batch-ui/replay/filtered-to-handler", filtered_to_handler);
  botbench_ui_test_add ("/replay-batch-ui/replay/to-listener", to_listener);
  botbench_ui_test_add ("/replay-batch-ui/replay/to-forward-targets", to_forward_targets);
  botbench_ui_test_add ("/replay-batch-ui/replay/cancel-midway", cancel_midway);
  botbench_ui_test_add ("/replay-batch-ui/replay/cancelled-before-sent", cancelled_before_sent);
  botbench_ui_test_add ("/replay-batch-ui/confirm/large-count", large_needs_second_word);

  return botbench_ui_test_run ();
}
