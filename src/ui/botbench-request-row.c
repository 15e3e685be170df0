/* botbench-request-row.c: one REST call in the Requests page's list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The method, the status (green for a 2xx, red otherwise) and when and
 * how long, laid out in the .ui; screen readers get it as one sentence.
 */
#define G_LOG_DOMAIN "botbench-requests-page"

#include "config.h"

#include <glib/gi18n.h>

#include "botbench-a11y.h"
#include "botbench-application-private.h"
#include "botbench-request-row.h"
#include "botbench-requests-page-private.h"

struct _BotbenchRequestRow
{
  GtkWidget  parent_instance;

  /* Template widgets */
  GtkWidget *grid;
  GtkLabel  *method_label;
  GtkLabel  *status_label;
  GtkLabel  *meta_label;
};

G_DEFINE_FINAL_TYPE (BotbenchRequestRow, botbench_request_row, GTK_TYPE_WIDGET)

static void
botbench_request_row_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), BOTBENCH_TYPE_REQUEST_ROW);

  G_OBJECT_CLASS (botbench_request_row_parent_class)->dispose (object);
}

static void
botbench_request_row_class_init (BotbenchRequestRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = botbench_request_row_dispose;

  _botbench_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/botbench/Botbench/botbench-request-row.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, BotbenchRequestRow, grid);
  gtk_widget_class_bind_template_child (widget_class, BotbenchRequestRow, method_label);
  gtk_widget_class_bind_template_child (widget_class, BotbenchRequestRow, status_label);
  gtk_widget_class_bind_template_child (widget_class, BotbenchRequestRow, meta_label);
}

static void
botbench_request_row_init (BotbenchRequestRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
botbench_request_row_new (void)
{
  return g_object_new (BOTBENCH_TYPE_REQUEST_ROW, NULL);
}

void
botbench_request_row_set_record (BotbenchRequestRow    *self,
                                 BotbenchRequestRecord *record)
{
  g_autofree char *status = NULL;
  g_autofree char *duration = NULL;
  g_autofree char *time = NULL;
  g_autofree char *meta = NULL;
  g_autofree char *summary = NULL;

  g_return_if_fail (BOTBENCH_IS_REQUEST_ROW (self));
  g_return_if_fail (record != NULL);

  status = _botbench_requests_page_dup_status (record);
  duration = _botbench_requests_page_dup_duration (record);
  time = _botbench_requests_page_dup_time (botbench_request_record_get_time (record));

  /* Translators: time and duration of a request, e.g. "14:03:05 · 23 ms" */
  meta = g_strdup_printf (_("%s · %s"), time, duration);
  gtk_label_set_label (self->method_label, botbench_request_record_get_method (record));
  gtk_label_set_label (self->status_label, status);
  _botbench_requests_page_set_status_style (GTK_WIDGET (self->status_label), record);
  gtk_label_set_label (self->meta_label, meta);

  /* Translators: read by screen readers: method, status, duration, time */
  summary = g_strdup_printf (_("%s, status %s, %s, at %s"),
                             botbench_request_record_get_method (record), status, duration, time);
  /* The list item holding the row is what is focused */
  botbench_a11y_label_list_item (GTK_WIDGET (self), summary);
}
