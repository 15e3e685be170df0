/* botbench-replay-batch-dialog.c: replay the events the list shows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Events menu's "Replay Shown Events…".  First a confirmation with
 * the count and the target (this listener, the forward target of each
 * event's path, or any URL), and over BOTBENCH_REPLAY_BATCH_LARGE events
 * a check box to tick as a second word; then the progress of a
 * BotbenchReplayBatch (n of N, the failures so far) with Cancel.  At the
 * end the window shows a toast with the outcome and the dialog closes.
 */
#define G_LOG_DOMAIN "botbench-replay-batch-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "botbench-application-private.h"
#include "botbench-forward-settings.h"
#include "botbench-replay-batch-dialog.h"

typedef enum
{
  TARGET_LISTENER,
  TARGET_FORWARD,
  TARGET_OTHER,
} Target;

struct _BotbenchReplayBatchDialog
{
  AdwWindow            parent_instance;

  BotbenchApplication *app;
  GtkWindow           *parent;
  BotbenchReplayBatch *batch;
  char                *listener_url;
  char                *other_url;
  GError              *count_error;
  gint64               count;
  guint                setting_url : 1;
  guint                started : 1;

  GtkButton           *cancel_button;
  GtkButton           *replay_button;
  GtkStack            *stack;
  GtkLabel            *heading_label;
  AdwComboRow         *target_row;
  AdwEntryRow         *url_row;
  AdwPreferencesGroup *large_group;
  AdwActionRow        *large_row;
  GtkCheckButton      *large_check;
  GtkLabel            *problem_label;
  GtkLabel            *progress_title;
  GtkProgressBar      *progress_bar;
  GtkLabel            *progress_label;
  GtkLabel            *failure_label;
};

G_DEFINE_FINAL_TYPE (BotbenchReplayBatchDialog, botbench_replay_batch_dialog, ADW_TYPE_WINDOW)

static gboolean
is_http_url (const char *url)
{
  g_autofree char *problem = botbench_forward_settings_check_url (url);

  return problem == NULL;
}

static void
botbench_replay_batch_dialog_toast (BotbenchReplayBatchDialog *self,
                                    const char                *title)
{
  /* win.toast escapes the text itself. */
  if (self->parent != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self->parent), "win.toast", "s", title);
}

static void
botbench_replay_batch_dialog_update (BotbenchReplayBatchDialog *self)
{
  g_autofree char *heading = NULL;
  g_autofree char *n = g_strdup_printf ("%" G_GINT64_FORMAT, self->count);
  const char *url = gtk_editable_get_text (GTK_EDITABLE (self->url_row));
  Target target = (Target)adw_combo_row_get_selected (self->target_row);
  gboolean large = self->count > BOTBENCH_REPLAY_BATCH_LARGE;
  gboolean url_ok = target == TARGET_FORWARD || is_http_url (url);

  if (self->count_error != NULL)
    /* Translators: %s says why */
    heading = g_strdup_printf (_("Cannot count the events: %s"), self->count_error->message);
  else if (self->count == 0)
    heading = g_strdup (_("No events to replay"));
  else if (target == TARGET_FORWARD)
    /* Translators: %s is a number of events */
    heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "Replay %s event to the forward target of its path?",
                                            "Replay %s events to the forward target of each path?",
                                            (gulong)MIN ((guint64)MAX (self->count, 0), G_MAXULONG)),
                               n);
  else
    /* Translators: the first %s is a number of events, the second a URL */
    heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Replay %s event to %s?",
                                            "Replay %s events to %s?",
                                            (gulong)MIN ((guint64)MAX (self->count, 0), G_MAXULONG)),
                               n, url_ok ? url : "…");
  gtk_label_set_label (self->heading_label, heading);

  gtk_widget_set_visible (GTK_WIDGET (self->url_row), target != TARGET_FORWARD);
  if (url_ok)
    gtk_widget_remove_css_class (GTK_WIDGET (self->url_row), "error");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->url_row), "error");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->url_row),
                               url_ok ? NULL : _("Enter an http:// or https:// URL to send to"));

  if (target == TARGET_FORWARD && botbench_application_get_forwarder (self->app) == NULL)
    {
      gtk_label_set_label (self->problem_label, _("Forwarding is not available: the event store is not open"));
      url_ok = FALSE;
    }
  else if (target == TARGET_FORWARD)
    {
      gtk_label_set_label (self->problem_label,
                           _("Events whose path no forwarding rule matches count as failed"));
    }
  else
    {
      gtk_label_set_label (self->problem_label, "");
    }
  gtk_widget_set_visible (GTK_WIDGET (self->problem_label),
                          *gtk_label_get_label (self->problem_label) != '\0');

  gtk_widget_set_visible (GTK_WIDGET (self->large_group), large);
  if (large)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->replay_button), "suggested-action");
      gtk_widget_add_css_class (GTK_WIDGET (self->replay_button), "destructive-action");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->replay_button), "destructive-action");
      gtk_widget_add_css_class (GTK_WIDGET (self->replay_button), "suggested-action");
    }

  gtk_widget_set_sensitive (GTK_WIDGET (self->replay_button),
                            !self->started && self->count_error == NULL && self->count > 0 && url_ok &&
                            (!large || gtk_check_button_get_active (self->large_check)));
}

static void
update_cb (BotbenchReplayBatchDialog *self)
{
  botbench_replay_batch_dialog_update (self);
}

static void
botbench_replay_batch_dialog_set_url (BotbenchReplayBatchDialog *self,
                                      const char                *url)
{
  self->setting_url = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->url_row), url != NULL ? url : "");
  self->setting_url = FALSE;
}

static void
target_changed_cb (BotbenchReplayBatchDialog *self)
{
  switch ((Target)adw_combo_row_get_selected (self->target_row))
    {
    case TARGET_LISTENER:
      botbench_replay_batch_dialog_set_url (self, self->listener_url);
      break;

    case TARGET_OTHER:
      if (!self->setting_url)
        botbench_replay_batch_dialog_set_url (self, self->other_url);
      break;

    case TARGET_FORWARD:
    default:
      break;
    }

  botbench_replay_batch_dialog_update (self);
}

static void
url_changed_cb (BotbenchReplayBatchDialog *self)
{
  if (!self->setting_url)
    {
      g_free (self->other_url);
      self->other_url = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->url_row)));

      if (adw_combo_row_get_selected (self->target_row) != TARGET_OTHER)
        {
          self->setting_url = TRUE;
          adw_combo_row_set_selected (self->target_row, TARGET_OTHER);
          self->setting_url = FALSE;
        }
    }

  botbench_replay_batch_dialog_update (self);
}

static char *
dup_number (guint64 n)
{
  return g_strdup_printf ("%" G_GUINT64_FORMAT, n);
}

static void
progress_cb (BotbenchReplayBatchDialog *self)
{
  guint64 total = botbench_replay_batch_get_n_total (self->batch);
  guint64 done = botbench_replay_batch_get_n_done (self->batch);
  guint64 failed = botbench_replay_batch_get_n_failed (self->batch);
  const char *failure = botbench_replay_batch_get_last_failure (self->batch);
  g_autofree char *total_text = dup_number (total);
  g_autofree char *done_text = dup_number (done);
  g_autofree char *failed_text = dup_number (failed);
  g_autofree char *text = NULL;
  g_autofree char *failures = NULL;

  /* Translators: events done of all the events, such as "3 of 12" */
  text = g_strdup_printf (_("%s of %s"), done_text, total_text);
  gtk_progress_bar_set_text (self->progress_bar, text);
  gtk_progress_bar_set_fraction (self->progress_bar, total > 0 ? (double)MIN (done, total) / (double)total : 1.0);

  if (failed == 0)
    failures = g_strdup (_("No failures so far"));
  else
    /* Translators: %s is a number of events */
    failures = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s failed so far", "%s failed so far",
                                             (gulong)MIN (failed, G_MAXULONG)), failed_text);
  gtk_label_set_label (self->progress_label, failures);

  if (failure != NULL)
    {
      /* Translators: %s says why the latest failed event failed */
      g_autofree char *last = g_strdup_printf (_("Last failure: %s"), failure);

      gtk_label_set_label (self->failure_label, last);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->failure_label), failure != NULL);
}

static void
finished_cb (BotbenchReplayBatchDialog *self)
{
  const GError *error = botbench_replay_batch_get_error (self->batch);
  guint64 done = botbench_replay_batch_get_n_done (self->batch);
  g_autofree char *total = dup_number (botbench_replay_batch_get_n_total (self->batch));
  g_autofree char *done_text = dup_number (done);
  g_autofree char *ok = dup_number (botbench_replay_batch_get_n_ok (self->batch));
  g_autofree char *failed = dup_number (botbench_replay_batch_get_n_failed (self->batch));
  g_autofree char *title = NULL;

  if (error != NULL)
    /* Translators: events done, all the events, and why it stopped */
    title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Replay stopped after %s of %s event: %s",
                                          "Replay stopped after %s of %s events: %s",
                                          (gulong)MIN (botbench_replay_batch_get_n_total (self->batch), G_MAXULONG)),
                             done_text, total, error->message);
  else if (botbench_replay_batch_get_cancelled (self->batch))
    /* Translators: events done, all the events, those answered with a 2xx status, and those that failed */
    title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Replay cancelled after %s of %s event: %s answered 2xx, %s failed",
                                          "Replay cancelled after %s of %s events: %s answered 2xx, %s failed",
                                          (gulong)MIN (botbench_replay_batch_get_n_total (self->batch), G_MAXULONG)),
                             done_text, total, ok, failed);
  else
    /* Translators: events replayed, those answered with a 2xx status, and those that failed */
    title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Replayed %s event: %s answered 2xx, %s failed",
                                          "Replayed %s events: %s answered 2xx, %s failed",
                                          (gulong)MIN (done, G_MAXULONG)),
                             done_text, ok, failed);

  botbench_replay_batch_dialog_toast (self, title);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
replay_clicked_cb (BotbenchReplayBatchDialog *self)
{
  GSettings *settings = botbench_application_get_settings (self->app);
  BotbenchReplayBatchTarget target;

  if (!gtk_widget_get_sensitive (GTK_WIDGET (self->replay_button)) || self->started)
    return;

  switch ((Target)adw_combo_row_get_selected (self->target_row))
    {
    case TARGET_LISTENER:
      target = BOTBENCH_REPLAY_BATCH_TARGET_LISTENER;
      break;
    case TARGET_FORWARD:
      target = BOTBENCH_REPLAY_BATCH_TARGET_FORWARD;
      break;
    case TARGET_OTHER:
    default:
      target = BOTBENCH_REPLAY_BATCH_TARGET_URL;
      break;
    }

  /* This listener: its base URL, each event's path appended. */
  botbench_replay_batch_set_target (self->batch, target,
                                    target == BOTBENCH_REPLAY_BATCH_TARGET_LISTENER
                                    ? self->listener_url
                                    : gtk_editable_get_text (GTK_EDITABLE (self->url_row)),
                                    botbench_application_get_forwarder (self->app));
  botbench_replay_batch_set_timeout (self->batch, g_settings_get_uint (settings, "forward-timeout"));

  self->started = TRUE;
  gtk_widget_set_visible (GTK_WIDGET (self->replay_button), FALSE);
  gtk_stack_set_visible_child_name (self->stack, "progress");
  /* The list behind stays usable while the replays come in. */
  gtk_window_set_modal (GTK_WINDOW (self), FALSE);

  g_signal_connect_object (self->batch, "progress", G_CALLBACK (progress_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->batch, "finished", G_CALLBACK (finished_cb), self, G_CONNECT_SWAPPED);
  progress_cb (self);
  botbench_replay_batch_start (self->batch);
}

static void
cancel_clicked_cb (BotbenchReplayBatchDialog *self)
{
  if (self->started && botbench_replay_batch_get_running (self->batch))
    {
      /* "finished" follows, with the toast; then the dialog closes. */
      gtk_widget_set_sensitive (GTK_WIDGET (self->cancel_button), FALSE);
      gtk_label_set_label (self->progress_title, _("Cancelling…"));
      botbench_replay_batch_cancel (self->batch);
      return;
    }

  gtk_window_destroy (GTK_WINDOW (self));
}

static gboolean
close_request_cb (BotbenchReplayBatchDialog *self)
{
  if (self->started && botbench_replay_batch_get_running (self->batch))
    {
      cancel_clicked_cb (self);
      return TRUE;
    }

  return FALSE;
}

static void
botbench_replay_batch_dialog_dispose (GObject *object)
{
  BotbenchReplayBatchDialog *self = (BotbenchReplayBatchDialog *)object;

  if (self->batch != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->batch, self);
      botbench_replay_batch_cancel (self->batch);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), BOTBENCH_TYPE_REPLAY_BATCH_DIALOG);
  g_clear_object (&self->batch);
  g_clear_object (&self->app);
  g_clear_pointer (&self->listener_url, g_free);
  g_clear_pointer (&self->other_url, g_free);
  g_clear_error (&self->count_error);
  g_clear_weak_pointer (&self->parent);

  G_OBJECT_CLASS (botbench_replay_batch_dialog_parent_class)->dispose (object);
}

static void
botbench_replay_batch_dialog_class_init (BotbenchReplayBatchDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = botbench_replay_batch_dialog_dispose;

  _botbench_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/botbench/Botbench/botbench-replay-batch-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, BotbenchReplayBatchDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, BotbenchReplayBatchDialog, replay_button);
  gtk_widget_class_bind_template_child (widget_class, BotbenchReplayBatchDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, BotbenchReplayBatchDialog, heading_label);
  gtk_widget_class_bind_template_child (widget_class, BotbenchReplayBatchDialog, target_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchReplayBatchDialog, url_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchReplayBatchDialog, large_group);
  gtk_widget_class_bind_template_child (widget_class, BotbenchReplayBatchDialog, large_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchReplayBatchDialog, large_check);
  gtk_widget_class_bind_template_child (widget_class, BotbenchReplayBatchDialog, problem_label);
  gtk_widget_class_bind_template_child (widget_class, BotbenchReplayBatchDialog, progress_title);
  gtk_widget_class_bind_template_child (widget_class, BotbenchReplayBatchDialog, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, BotbenchReplayBatchDialog, progress_label);
  gtk_widget_class_bind_template_child (widget_class, BotbenchReplayBatchDialog, failure_label);
  gtk_widget_class_bind_template_callback (widget_class, update_cb);
  gtk_widget_class_bind_template_callback (widget_class, target_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, url_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, replay_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, close_request_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
botbench_replay_batch_dialog_init (BotbenchReplayBatchDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
botbench_replay_batch_dialog_new (BotbenchApplication *app,
                                  GtkWindow           *parent,
                                  const BotbenchEventFilter *filter)
{
  BotbenchReplayBatchDialog *self;
  BotbenchEventStore *store;
  g_autofree char *large = NULL;
  g_autofree char *n = NULL;

  g_return_val_if_fail (BOTBENCH_IS_APPLICATION (app), NULL);
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  store = botbench_application_get_store (app);
  g_return_val_if_fail (store != NULL, NULL);

  self = g_object_new (BOTBENCH_TYPE_REPLAY_BATCH_DIALOG,
                       "transient-for", parent,
                       NULL);
  self->app = g_object_ref (app);
  g_set_weak_pointer (&self->parent, parent);
  self->listener_url = botbench_application_dup_listener_base_url (app);

  /* The count fixes which events: those stored now. */
  self->batch = botbench_replay_batch_new (store, filter);
  self->count = botbench_replay_batch_count (self->batch, &self->count_error);

  /* Translators: the check box to tick before replaying very many events, %s is their number */
  n = g_strdup_printf ("%" G_GINT64_FORMAT, MAX (self->count, 0));
  large = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Yes, send all %s request", "Yes, send all %s requests",
                                        (gulong)MIN ((guint64)MAX (self->count, 0), G_MAXULONG)), n);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->large_row), large);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->large_check), GTK_ACCESSIBLE_PROPERTY_LABEL, large, -1);

  adw_combo_row_set_selected (self->target_row, TARGET_LISTENER);
  target_changed_cb (self);

  return GTK_WIDGET (self);
}

BotbenchReplayBatch *
botbench_replay_batch_dialog_get_batch (BotbenchReplayBatchDialog *self)
{
  g_return_val_if_fail (BOTBENCH_IS_REPLAY_BATCH_DIALOG (self), NULL);

  return self->batch;
}
