/* botbench-doctor-dialog.c: "Why No Events?", the delivery doctor's window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs BotbenchDoctor for the active profile (its REST client, the event
 * store, the profile's bots and secrets, the running listener) and shows
 * one row per check, in the doctor's order: an icon for ok, warning or
 * problem, what was checked, and the doctor's sentence saying what is
 * wrong and what to do.  "Check Again" runs it anew; the copy button puts
 * the text `botbench-cli doctor` would print on the clipboard.
 */
#define G_LOG_DOMAIN "botbench-doctor-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "botbench-application-private.h"
#include "botbench-doctor-dialog.h"

struct _BotbenchDoctorDialog
{
  AdwWindow             parent_instance;

  BotbenchApplication  *app;
  gint64                bot_id;
  GCancellable         *cancellable;
  GPtrArray            *checks;       /* BotbenchDoctorCheck, NULL while running */
  GPtrArray            *rows;         /* the rows added to results_group */
  gboolean              done;

  GtkButton            *rerun_button;
  GtkButton            *copy_button;
  GtkStack             *stack;
  GtkSpinner           *spinner;
  AdwPreferencesGroup  *results_group;
  AdwStatusPage        *error_page;
};

G_DEFINE_FINAL_TYPE (BotbenchDoctorDialog, botbench_doctor_dialog, ADW_TYPE_WINDOW)

/* What each check looks at, as a row title. */
static const char *
check_title (const char *name)
{
  static const struct {
    const char *name;
    const char *title;
  } titles[] = {
    { "profile", N_("Portal answers") },
    { "scope", N_("imbot scope") },
    { "app-installed", N_("Application installed") },
    { "handler-url", N_("Handler URLs") },
    { "handler-reachable", N_("Handler reachable from the portal") },
    { "handler-answers", N_("Handler answers in time") },
    { "handler-set", N_("One handler set per application") },
    { "bot-type", N_("Bot type") },
    { "bot-messages", N_("Messages from other bots") },
    { "application-token", N_("application_token of recent events") },
    { "fetch-ownership", N_("botToken accepted") },
    { "fetch-poll", N_("Events fetched") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    if (g_str_equal (name, titles[i].name))
      return _(titles[i].title);

  return name;
}

static void
add_row (BotbenchDoctorDialog      *self,
         const BotbenchDoctorCheck *check)
{
  static const char * const icons[] = { "emblem-ok-symbolic", "dialog-warning-symbolic", "dialog-error-symbolic" };
  static const char * const styles[] = { "success", "warning", "error" };
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon;
  g_autofree char *title = NULL;
  g_autofree char *escaped = g_markup_escape_text (check->message, -1);
  guint status = MIN ((guint)check->status, G_N_ELEMENTS (icons) - 1);

  if (check->bot_id > 0)
    {
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, check->bot_id);

      /* Translators: a check's title: what it checks, then the bot's id */
      title = g_strdup_printf (_("%s · bot %s"), check_title (check->name), id);
    }
  else
    title = g_strdup (check_title (check->name));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), escaped);
  icon = gtk_image_new_from_icon_name (icons[status]);
  gtk_widget_add_css_class (icon, styles[status]);
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  botbench_doctor_status_to_string (check->status), -1);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  gtk_widget_set_name (row, check->name);
  adw_preferences_group_add (self->results_group, row);
  g_ptr_array_add (self->rows, row);
}

static void
clear_rows (BotbenchDoctorDialog *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove (self->results_group, g_ptr_array_index (self->rows, i));
  g_ptr_array_set_size (self->rows, 0);
}

static void
show_summary (BotbenchDoctorDialog *self)
{
  guint problems = 0, warnings = 0;
  g_autofree char *text = NULL;

  for (guint i = 0; i < self->checks->len; i++)
    {
      const BotbenchDoctorCheck *check = g_ptr_array_index (self->checks, i);

      problems += check->status == BOTBENCH_DOCTOR_STATUS_PROBLEM;
      warnings += check->status == BOTBENCH_DOCTOR_STATUS_WARNING;
    }

  if (problems > 0)
    /* Translators: a summary of the checks */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u problem to fix, first one first",
                                         "%u problems to fix, first one first", problems), problems);
  else if (warnings > 0)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "No problem found; %u warning",
                                         "No problem found; %u warnings", warnings), warnings);
  else
    text = g_strdup (_("Nothing found that keeps events away"));
  adw_preferences_group_set_description (self->results_group, text);
}

static void
run_cb (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(BotbenchDoctorDialog) self = user_data;
  g_autoptr(GPtrArray) checks = NULL;
  g_autoptr(GError) error = NULL;

  checks = botbench_doctor_run_finish (BOTBENCH_DOCTOR (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->done = TRUE;
  gtk_spinner_stop (self->spinner);
  gtk_widget_set_sensitive (GTK_WIDGET (self->rerun_button), TRUE);
  if (checks == NULL)
    {
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }

  self->checks = g_steal_pointer (&checks);
  for (guint i = 0; i < self->checks->len; i++)
    add_row (self, g_ptr_array_index (self->checks, i));
  show_summary (self);
  gtk_widget_set_sensitive (GTK_WIDGET (self->copy_button), TRUE);
  gtk_stack_set_visible_child_name (self->stack, "results");
}

static void
botbench_doctor_dialog_run (BotbenchDoctorDialog *self)
{
  BotbenchProfile *profile = botbench_profile_manager_get_active (botbench_application_get_profile_manager (self->app));
  BotbenchListener *listener = botbench_application_get_listener (self->app);
  g_autoptr(BotbenchDoctor) doctor = NULL;
  g_autofree char *listener_url = NULL;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_clear_pointer (&self->checks, g_ptr_array_unref);
  clear_rows (self);
  self->done = FALSE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->copy_button), FALSE);

  if (profile == NULL)
    {
      self->done = TRUE;
      adw_status_page_set_description (self->error_page, _("Add a portal profile first: the checks ask its portal"));
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }

  doctor = botbench_doctor_new (botbench_application_get_rest_client (self->app, profile),
                                botbench_application_get_store (self->app),
                                botbench_application_get_bot_store (self->app),
                                botbench_application_get_secret_store (self->app));
  if (listener != NULL && botbench_listener_get_running (listener))
    listener_url = botbench_application_dup_listener_base_url (self->app);
  botbench_doctor_set_listener_url (doctor, listener_url);
  botbench_doctor_set_bot_id (doctor, self->bot_id);

  gtk_widget_set_sensitive (GTK_WIDGET (self->rerun_button), FALSE);
  gtk_spinner_start (self->spinner);
  gtk_stack_set_visible_child_name (self->stack, "running");
  botbench_doctor_run_async (doctor, self->cancellable, run_cb, g_object_ref (self));
}

static void
rerun_clicked_cb (BotbenchDoctorDialog *self)
{
  botbench_doctor_dialog_run (self);
}

static void
copy_clicked_cb (BotbenchDoctorDialog *self)
{
  GString *text = g_string_new (NULL);
  g_autofree char *copied = NULL;

  for (guint i = 0; self->checks != NULL && i < self->checks->len; i++)
    {
      const BotbenchDoctorCheck *check = g_ptr_array_index (self->checks, i);

      g_string_append_printf (text, "%-8s %-18s %s\n", botbench_doctor_status_to_string (check->status),
                              check->name, check->message);
    }
  copied = g_string_free (text, FALSE);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), copied);
}

static void
botbench_doctor_dialog_dispose (GObject *object)
{
  BotbenchDoctorDialog *self = BOTBENCH_DOCTOR_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), BOTBENCH_TYPE_DOCTOR_DIALOG);

  G_OBJECT_CLASS (botbench_doctor_dialog_parent_class)->dispose (object);
}

static void
botbench_doctor_dialog_finalize (GObject *object)
{
  BotbenchDoctorDialog *self = BOTBENCH_DOCTOR_DIALOG (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->app);
  g_clear_pointer (&self->checks, g_ptr_array_unref);
  g_clear_pointer (&self->rows, g_ptr_array_unref);

  G_OBJECT_CLASS (botbench_doctor_dialog_parent_class)->finalize (object);
}

static void
botbench_doctor_dialog_class_init (BotbenchDoctorDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = botbench_doctor_dialog_dispose;
  object_class->finalize = botbench_doctor_dialog_finalize;

  _botbench_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/botbench/Botbench/botbench-doctor-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, BotbenchDoctorDialog, rerun_button);
  gtk_widget_class_bind_template_child (widget_class, BotbenchDoctorDialog, copy_button);
  gtk_widget_class_bind_template_child (widget_class, BotbenchDoctorDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, BotbenchDoctorDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, BotbenchDoctorDialog, results_group);
  gtk_widget_class_bind_template_child (widget_class, BotbenchDoctorDialog, error_page);
  gtk_widget_class_bind_template_callback (widget_class, rerun_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, copy_clicked_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
botbench_doctor_dialog_init (BotbenchDoctorDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->rows = g_ptr_array_new ();
}

GtkWidget *
botbench_doctor_dialog_new (BotbenchApplication *app,
                            GtkWindow           *parent,
                            gint64               bot_id)
{
  BotbenchDoctorDialog *self;

  g_return_val_if_fail (BOTBENCH_IS_APPLICATION (app), NULL);
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  self = g_object_new (BOTBENCH_TYPE_DOCTOR_DIALOG, "transient-for", parent, NULL);
  self->app = g_object_ref (app);
  self->bot_id = bot_id;
  if (bot_id > 0)
    {
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, bot_id);
      /* Translators: the doctor's title for one bot, %s is its id */
      g_autofree char *title = g_strdup_printf (_("Why No Events for Bot %s?"), id);

      gtk_window_set_title (GTK_WINDOW (self), title);
    }
  botbench_doctor_dialog_run (self);

  return GTK_WIDGET (self);
}

gboolean
botbench_doctor_dialog_is_done (BotbenchDoctorDialog *self)
{
  g_return_val_if_fail (BOTBENCH_IS_DOCTOR_DIALOG (self), FALSE);

  return self->done;
}

GPtrArray *
botbench_doctor_dialog_get_checks (BotbenchDoctorDialog *self)
{
  g_return_val_if_fail (BOTBENCH_IS_DOCTOR_DIALOG (self), NULL);

  return self->checks;
}
