/* botbench-events-actions.c: the Events page's actions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Replay… (detail pane button, event row menu), Replay Shown Events…
 * (botbench-replay-batch-dialog.c), Simulate Event…, Export
 * (JSON Lines, the `botbench-cli events` format, or HAR 1.2) of the events
 * the page's filters show, and Import (JSON Lines).  Files are chosen with
 * GtkFileChooserNative; reading and writing run on worker threads.
 */
#define G_LOG_DOMAIN "botbench-events-actions"

#include "config.h"

#include <glib/gi18n.h>

#include "botbench-event-row.h"
#include "botbench-events-actions.h"
#include "botbench-events-page-private.h"
#include "botbench-install-profile.h"
#include "botbench-replay-batch-dialog.h"
#include "botbench-replay-dialog.h"
#include "botbench-simulate-dialog.h"

/* Events read per query while exporting. */
#define EXPORT_PAGE 500

typedef enum
{
  EXPORT_JSONL,
  EXPORT_HAR,
} ExportFormat;

typedef struct
{
  BotbenchEventStore *store;
  BotbenchEventFilter *filter;        /* what the list shows */
  GFile              *file;
  ExportFormat        format;
} ExportJob;

static void
export_job_free (ExportJob *job)
{
  g_clear_object (&job->store);
  g_clear_object (&job->file);
  botbench_event_filter_free (job->filter);
  g_free (job);
}

static BotbenchApplication *
get_app (BotbenchEventsPage *page)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (page));
  GtkApplication *app = GTK_IS_WINDOW (root) ? gtk_window_get_application (GTK_WINDOW (root)) : NULL;

  return BOTBENCH_IS_APPLICATION (app) ? BOTBENCH_APPLICATION (app) : NULL;
}

static void
toast (BotbenchEventsPage *page,
       const char         *title)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (page));

  /* win.toast escapes the text itself. */
  if (root != NULL)
    gtk_widget_activate_action (GTK_WIDGET (root), "win.toast", "s", title);
}

static void
open_replay (BotbenchEventsPage *page,
             BotbenchEvent      *event)
{
  BotbenchApplication *app = get_app (page);
  GtkWidget *dialog;

  if (app == NULL || event == NULL)
    return;

  dialog = botbench_replay_dialog_new (app, GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (page))), event);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
replay_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  BotbenchEventsPage *page = user_data;
  BotbenchApplication *app = get_app (page);
  g_autoptr(BotbenchEvent) event = NULL;
  g_autoptr(GError) error = NULL;

  if (app == NULL || botbench_application_get_store (app) == NULL)
    return;

  event = botbench_event_store_get_event (botbench_application_get_store (app),
                                          g_variant_get_int64 (parameter), &error);
  if (event == NULL)
    {
      toast (page, error->message);
      return;
    }

  open_replay (page, event);
}

static void
replay_selected_action (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  BotbenchEventsPage *page = user_data;

  open_replay (page, botbench_events_page_get_selected_event (page));
}

/* An ONAPPINSTALL's "Create Profile…" (botbench-install-profile.c). */
static void
create_profile_action (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  BotbenchEventsPage *page = user_data;
  BotbenchApplication *app = get_app (page);
  BotbenchEvent *event = botbench_events_page_get_selected_event (page);

  if (app != NULL && botbench_install_profile_offered (event))
    botbench_install_profile_present (app, GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (page))), event);
}

/* Every event the list shows (its event name, search and token filters). */
static void
replay_shown_action (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  BotbenchEventsPage *page = user_data;
  BotbenchApplication *app = get_app (page);
  BotbenchEventListModel *model = _botbench_events_page_get_event_model (page);
  g_autoptr(BotbenchEventFilter) filter = NULL;
  GtkWidget *dialog;

  if (app == NULL || model == NULL || botbench_application_get_store (app) == NULL)
    return;

  filter = botbench_event_list_model_dup_filter (model);
  dialog = botbench_replay_batch_dialog_new (app, GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (page))),
                                             filter);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
simulate_action (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  BotbenchEventsPage *page = user_data;
  BotbenchApplication *app = get_app (page);
  GtkWidget *dialog;

  if (app == NULL)
    return;

  dialog = botbench_simulate_dialog_new (app, GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (page))));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Export */

static gboolean
write_string (GOutputStream  *stream,
              GString        *out,
              GCancellable   *cancellable,
              GError        **error)
{
  gboolean ok = g_output_stream_write_all (stream, out->str, out->len, NULL, cancellable, error);

  g_string_truncate (out, 0);

  return ok;
}

/* Drops what was written: closing with a cancelled cancellable removes
 * g_file_replace()'s temporary file and leaves the old file as it was
 * (a plain unref would close it normally and put the partial file in
 * its place). */
static void
abandon_stream (GFileOutputStream *stream)
{
  g_autoptr(GCancellable) abandon = g_cancellable_new ();

  g_cancellable_cancel (abandon);
  g_output_stream_close (G_OUTPUT_STREAM (stream), abandon, NULL);
}

static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ExportJob *job = task_data;
  g_autoptr(GFileOutputStream) stream = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  BotbenchEventQuery query = { 0 };
  guint64 n_written = 0;

  stream = g_file_replace (job->file, NULL, FALSE, G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION,
                           cancellable, &error);
  if (stream == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (job->format == EXPORT_HAR)
    botbench_event_har_begin (out);

  botbench_event_filter_to_query (job->filter, &query);
  query.limit = EXPORT_PAGE;

  for (;;)
    {
      g_autoptr(GPtrArray) events = botbench_event_store_query (job->store, &query, &error);

      if (events == NULL)
        {
          abandon_stream (stream);
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }

      for (guint i = 0; i < events->len; i++)
        {
          BotbenchEvent *event = g_ptr_array_index (events, i);

          if (job->format == EXPORT_HAR)
            {
              botbench_event_har_append_entry (out, event, n_written == 0);
            }
          else
            {
              g_autofree char *line = botbench_event_to_json_line (event);

              g_string_append (out, line);
              g_string_append_c (out, '\n');
            }
          n_written++;
        }

      if (!write_string (G_OUTPUT_STREAM (stream), out, cancellable, &error))
        {
          abandon_stream (stream);
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }

      if (events->len < EXPORT_PAGE)
        break;
      query.before_id = botbench_event_get_id (g_ptr_array_index (events, events->len - 1));
    }

  if (job->format == EXPORT_HAR)
    botbench_event_har_end (out);

  if (!write_string (G_OUTPUT_STREAM (stream), out, cancellable, &error))
    {
      abandon_stream (stream);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* A close that fails (the rename, say) also leaves the old file. */
  if (!g_output_stream_close (G_OUTPUT_STREAM (stream), cancellable, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_int (task, (gssize)MIN (n_written, G_MAXSSIZE));
}

static void
export_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(BotbenchEventsPage) page = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;
  gssize n;

  n = g_task_propagate_int (G_TASK (result), &error);
  if (error != NULL)
    {
      /* Translators: %s says why */
      title = g_strdup_printf (_("Cannot export events: %s"), error->message);
      toast (page, title);
      return;
    }

  title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Exported %ld event",
                                        "Exported %ld events", n), (long) n);
  toast (page, title);
}

void
_botbench_events_actions_export (BotbenchEventsPage *page,
                                 GFile              *file,
                                 gboolean            har)
{
  BotbenchEventListModel *model;
  g_autoptr(GTask) task = NULL;
  ExportJob *job;

  g_return_if_fail (BOTBENCH_IS_EVENTS_PAGE (page));
  g_return_if_fail (G_IS_FILE (file));

  model = _botbench_events_page_get_event_model (page);
  if (model == NULL)
    return;

  job = g_new0 (ExportJob, 1);
  job->store = g_object_ref (botbench_event_list_model_get_store (model));
  /* Every filter: what is exported is what the list shows. */
  job->filter = botbench_event_list_model_dup_filter (model);
  job->file = g_object_ref (file);
  job->format = har ? EXPORT_HAR : EXPORT_JSONL;

  task = g_task_new (NULL, NULL, export_done_cb, g_object_ref (page));
  g_task_set_source_tag (task, _botbench_events_actions_export);
  g_task_set_task_data (task, job, (GDestroyNotify)export_job_free);
  g_task_run_in_thread (task, export_thread);
}

static void
export_response_cb (GtkNativeDialog    *chooser,
                    int                 response,
                    BotbenchEventsPage *page)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (file != NULL)
    _botbench_events_actions_export (page, file,
                                     GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (chooser), "format")) == EXPORT_HAR);

  g_object_unref (chooser);
}

static void
export_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  BotbenchEventsPage *page = user_data;
  const char *format = g_variant_get_string (parameter, NULL);
  gboolean har = g_str_equal (format, "har");
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  GtkFileChooserNative *chooser;

  if (_botbench_events_page_get_event_model (page) == NULL)
    return;

  chooser = gtk_file_chooser_native_new (har ? _("Export Events as HAR") : _("Export Events as JSON Lines"),
                                         GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (page))),
                                         GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), har ? "events.har" : "events.jsonl");
  gtk_file_filter_set_name (filter, har ? _("HTTP Archive (HAR)") : _("JSON Lines"));
  gtk_file_filter_add_pattern (filter, har ? "*.har" : "*.jsonl");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_object_set_data (G_OBJECT (chooser), "format", GUINT_TO_POINTER (har ? EXPORT_HAR : EXPORT_JSONL));
  g_signal_connect_object (chooser, "response", G_CALLBACK (export_response_cb), page, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* Import */

static void
import_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(BotbenchEventsPage) page = user_data;
  g_autoptr(BotbenchEventImportSummary) summary = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;

  summary = botbench_event_import_file_finish (BOTBENCH_EVENT_STORE (object), result, &error);
  if (summary == NULL)
    {
      /* Translators: %s says why */
      title = g_strdup_printf (_("Cannot import events: %s"), error->message);
      toast (page, title);
      return;
    }

  if (summary->failed > 0)
    /* Translators: imported, already stored, and lines that were not events */
    title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Imported %u event, %u already stored, %u lines skipped",
                                          "Imported %u events, %u already stored, %u lines skipped", summary->imported),
                             summary->imported, summary->duplicates, summary->failed);
  else
    /* Translators: imported, and already stored */
    title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Imported %u event, %u already stored",
                                          "Imported %u events, %u already stored", summary->imported),
                             summary->imported, summary->duplicates);
  toast (page, title);
}

void
_botbench_events_actions_import (BotbenchEventsPage *page,
                                 GFile              *file)
{
  BotbenchApplication *app;

  g_return_if_fail (BOTBENCH_IS_EVENTS_PAGE (page));
  g_return_if_fail (G_IS_FILE (file));

  app = get_app (page);
  if (app == NULL || botbench_application_get_store (app) == NULL)
    return;

  botbench_event_import_file_async (botbench_application_get_store (app), file, NULL,
                                    import_done_cb, g_object_ref (page));
}

static void
import_response_cb (GtkNativeDialog    *chooser,
                    int                 response,
                    BotbenchEventsPage *page)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (file != NULL)
    _botbench_events_actions_import (page, file);

  g_object_unref (chooser);
}

static void
import_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  BotbenchEventsPage *page = user_data;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (_("Import Events"),
                                         GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (page))),
                                         GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Import"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_filter_set_name (filter, _("JSON Lines"));
  gtk_file_filter_add_pattern (filter, "*.jsonl");
  gtk_file_filter_add_pattern (filter, "*.json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_signal_connect_object (chooser, "response", G_CALLBACK (import_response_cb), page, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
token_filter_change_state (GSimpleAction *action,
                           GVariant      *state,
                           gpointer       user_data)
{
  BotbenchEventsPage *page = user_data;

  _botbench_events_page_set_token_filter (page, g_variant_get_string (state, NULL));
  g_simple_action_set_state (action, state);
}

static void
source_filter_change_state (GSimpleAction *action,
                            GVariant      *state,
                            gpointer       user_data)
{
  BotbenchEventsPage *page = user_data;

  _botbench_events_page_set_source_filter (page, g_variant_get_string (state, NULL));
  g_simple_action_set_state (action, state);
}

static const GActionEntry entries[] = {
  { "replay", replay_action, "x" },
  { "replay-selected", replay_selected_action },
  { "create-profile", create_profile_action },
  { "replay-shown", replay_shown_action },
  { "simulate", simulate_action },
  { "export", export_action, "s" },
  { "import", import_action },
  { "token-filter", NULL, "s", "''", token_filter_change_state },
  { "source-filter", NULL, "s", "''", source_filter_change_state },
};

static void
selected_event_cb (BotbenchEventsPage *page,
                   GParamSpec         *pspec,
                   GActionMap         *group)
{
  GAction *action = g_action_map_lookup_action (group, "replay-selected");

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action),
                               botbench_events_page_get_selected_event (page) != NULL);
}

void
_botbench_events_actions_install (BotbenchEventsPage *page,
                                  GtkWidget          *header)
{
  g_autoptr(GSimpleActionGroup) group = g_simple_action_group_new ();

  g_return_if_fail (BOTBENCH_IS_EVENTS_PAGE (page));

  g_action_map_add_action_entries (G_ACTION_MAP (group), entries, G_N_ELEMENTS (entries), page);
  g_signal_connect_object (page, "notify::selected-event", G_CALLBACK (selected_event_cb),
                           group, 0);
  selected_event_cb (page, NULL, G_ACTION_MAP (group));

  gtk_widget_insert_action_group (GTK_WIDGET (page), "events", G_ACTION_GROUP (group));
  gtk_widget_insert_action_group (header, "events", G_ACTION_GROUP (group));
}

/* The row menu */

static void
row_menu_closed_cb (GtkPopover *popover)
{
  gtk_widget_unparent (GTK_WIDGET (popover));
}

static void
row_menu_popup (GtkGesture *gesture,
                double      x,
                double      y,
                GtkWidget  *row)
{
  BotbenchEvent *event = botbench_event_row_get_event (BOTBENCH_EVENT_ROW (row));
  g_autoptr(GMenu) menu = NULL;
  g_autoptr(GMenuItem) item = NULL;
  GtkWidget *popover;

  if (event == NULL || botbench_event_get_id (event) <= 0)
    return;

  gtk_gesture_set_state (gesture, GTK_EVENT_SEQUENCE_CLAIMED);

  menu = g_menu_new ();
  item = g_menu_item_new (_("_Replay…"), NULL);
  g_menu_item_set_action_and_target_value (item, "events.replay",
                                           g_variant_new_int64 (botbench_event_get_id (event)));
  g_menu_append_item (menu, item);

  popover = gtk_popover_menu_new_from_model (G_MENU_MODEL (menu));
  gtk_widget_set_parent (popover, row);
  gtk_popover_set_has_arrow (GTK_POPOVER (popover), FALSE);
  gtk_popover_set_pointing_to (GTK_POPOVER (popover), &(GdkRectangle) { (int)x, (int)y, 1, 1 });
  g_signal_connect (popover, "closed", G_CALLBACK (row_menu_closed_cb), NULL);
  gtk_popover_popup (GTK_POPOVER (popover));
}

static void
row_menu_pressed_cb (GtkGesture *gesture,
                     int         n_press,
                     double      x,
                     double      y,
                     GtkWidget  *row)
{
  row_menu_popup (gesture, x, y, row);
}

static void
row_menu_long_pressed_cb (GtkGesture *gesture,
                          double      x,
                          double      y,
                          GtkWidget  *row)
{
  row_menu_popup (gesture, x, y, row);
}

void
_botbench_events_actions_add_row_menu (GtkWidget *row)
{
  GtkGesture *click;
  GtkGesture *press;

  g_return_if_fail (BOTBENCH_IS_EVENT_ROW (row));

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect_object (click, "pressed", G_CALLBACK (row_menu_pressed_cb), row, 0);
  gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (click));

  press = gtk_gesture_long_press_new ();
  gtk_gesture_single_set_touch_only (GTK_GESTURE_SINGLE (press), TRUE);
  g_signal_connect_object (press, "pressed", G_CALLBACK (row_menu_long_pressed_cb), row, 0);
  gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (press));
}
