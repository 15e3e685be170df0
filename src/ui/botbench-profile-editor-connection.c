/* botbench-profile-editor-connection.c: Test connection in the profile editor
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Calls the portal with the saved profile (user, scope, latency) through
 * the REST client and shows the results, or the mapped error, in the
 * editor's test group.
 */
#define G_LOG_DOMAIN "botbench-profile-editor"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "botbench-application-private.h"
#include "botbench-profile-editor-private.h"

static gboolean
scroll_to_results_cb (gpointer user_data)
{
  BotbenchProfileEditor *self = user_data;
  GtkAdjustment *adjustment;

  self->scroll_source = 0;
  adjustment = gtk_scrolled_window_get_vadjustment (self->scroller);
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) -
                                        gtk_adjustment_get_page_size (adjustment));

  return G_SOURCE_REMOVE;
}

static void
botbench_profile_editor_scroll_to_results (BotbenchProfileEditor *self)
{
  g_clear_handle_id (&self->scroll_source, g_source_remove);
  self->scroll_source = g_timeout_add (100, scroll_to_results_cb, self);
}

static void
test_connection_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(BotbenchProfileEditor) self = user_data;
  g_autoptr(BotbenchConnectionReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *user = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *latency = NULL;

  report = botbench_rest_client_test_connection_finish (BOTBENCH_REST_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->testing = FALSE;
  gtk_spinner_stop (self->test_spinner);
  _botbench_profile_editor_update_state (self);

  gtk_widget_set_visible (GTK_WIDGET (self->user_row), report != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->scope_row), report != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->latency_row), report != NULL);

  if (report == NULL)
    {
      _botbench_profile_editor_show_message (self->test_message, error->message, "error");
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->test_group),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, error->message, -1);
      botbench_profile_editor_scroll_to_results (self);
      return;
    }

  if (report->user_id != NULL && report->user_name != NULL && *report->user_name != '\0')
    /* Translators: a portal user, e.g. "Jane Doe (ID 1)" */
    user = g_strdup_printf (_("%s (ID %s)"), report->user_name, report->user_id);
  else if (report->user_id != NULL)
    user = g_strdup_printf (_("ID %s"), report->user_id);
  else
    user = g_strdup (_("Not reported (the credentials lack the user scope)"));
  /* Row subtitles are markup; the name comes from the portal. */
  escaped = g_markup_escape_text (user, -1);
  adw_action_row_set_subtitle (self->user_row, escaped);

  gtk_image_set_from_icon_name (self->scope_icon, report->has_imbot_scope
                                                  ? "emblem-ok-symbolic" : "dialog-warning-symbolic");
  gtk_widget_remove_css_class (GTK_WIDGET (self->scope_icon), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (self->scope_icon), "warning");
  gtk_widget_add_css_class (GTK_WIDGET (self->scope_icon), report->has_imbot_scope ? "success" : "warning");
  adw_action_row_set_subtitle (self->scope_row, report->has_imbot_scope
                                                ? _("Present: bots can be registered")
                                                : _("Missing"));

  /* Translators: round-trip time of the scope call */
  latency = g_strdup_printf (_("%d ms"), (int)((report->latency + 500) / 1000));
  adw_action_row_set_subtitle (self->latency_row, latency);

  if (report->advice != NULL)
    _botbench_profile_editor_show_message (self->test_message, report->advice, "warning");
  else
    _botbench_profile_editor_show_message (self->test_message, _("The connection works"), "success");

  /* The results are below the form: bring them into view once laid out. */
  botbench_profile_editor_scroll_to_results (self);
}

void
_botbench_profile_editor_run_test (BotbenchProfileEditor *self)
{
  BotbenchRestClient *client;

  g_assert (BOTBENCH_IS_PROFILE_EDITOR (self));
  g_assert (self->profile != NULL);

  g_cancellable_cancel (self->test_cancellable);
  g_clear_object (&self->test_cancellable);
  self->test_cancellable = g_cancellable_new ();

  self->testing = TRUE;
  gtk_widget_set_visible (GTK_WIDGET (self->test_group), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->user_row), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->scope_row), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->latency_row), FALSE);
  _botbench_profile_editor_show_message (self->test_message, _("Testing the connection…"), "dim-label");
  gtk_spinner_start (self->test_spinner);
  _botbench_profile_editor_update_state (self);

  client = botbench_application_get_rest_client (self->app, self->profile);
  botbench_rest_client_test_connection_async (client, self->test_cancellable,
                                              test_connection_cb, g_object_ref (self));
}
