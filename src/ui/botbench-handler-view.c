/* botbench-handler-view.c: the detail pane's Handler tab
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the developer's handler answered to a forwarded (or replayed)
 * event: URL, status, duration, transport error, response headers and
 * body (monospace, selectable; the kept first MiB, with a notice when the
 * answer was longer).  Without a forward, an empty state that leads to the
 * forwarding rules in Preferences.
 */
#define G_LOG_DOMAIN "botbench-handler-view"

#include "config.h"

#include <glib/gi18n.h>

#include "botbench-application-private.h"
#include "botbench-decoded-item.h"
#include "botbench-field-list.h"
#include "botbench-forward-format.h"
#include "botbench-handler-view.h"

struct _BotbenchHandlerView
{
  GtkWidget              parent_instance;

  BotbenchForwardResult *result;

  GtkStack              *handler_stack;
  GtkLabel              *status_label;
  GtkLabel              *url_label;
  GtkListBox            *fields_list;
  GtkWidget             *headers_heading;
  GtkListBox            *response_headers_list;
  GtkWidget             *body_heading;
  GtkLabel              *body_notice_label;
  GtkTextView           *body_view;
};

G_DEFINE_FINAL_TYPE (BotbenchHandlerView, botbench_handler_view, GTK_TYPE_WIDGET)

static char *
format_finished (gint64 finished_us)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;

  if (finished_us <= 0)
    return NULL;

  utc = g_date_time_new_from_unix_utc (finished_us / G_USEC_PER_SEC);
  if (utc == NULL)
    return NULL;

  local = g_date_time_to_local (utc);
  /* Translators: when the handler's answer came, see g_date_time_format() */
  return g_date_time_format (local, _("%Y-%m-%d %H:%M:%S"));
}

static void
botbench_handler_view_update_body (BotbenchHandlerView *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->body_view);
  GBytes *body = botbench_forward_result_get_response_body (self->result);
  guint64 size = botbench_forward_result_get_response_size (self->result);
  g_autofree char *text = NULL;
  const char *data = NULL;
  gsize len = 0;

  if (body != NULL)
    data = g_bytes_get_data (body, &len);

  text = botbench_decoded_make_display_text (data != NULL ? data : "", len);
  gtk_text_buffer_set_text (buffer, text, -1);

  gtk_widget_set_visible (self->body_heading, body != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->body_view), body != NULL);

  if (body != NULL && size > len)
    {
      g_autofree char *whole = g_format_size_full (size, G_FORMAT_SIZE_IEC_UNITS);
      g_autofree char *kept = g_format_size_full (len, G_FORMAT_SIZE_IEC_UNITS);
      g_autofree char *notice = NULL;

      /* Translators: "1.2 MiB, first 1.0 MiB shown": the answer's size, then what is kept */
      notice = g_strdup_printf (_("%s, first %s shown"), whole, kept);
      gtk_label_set_label (self->body_notice_label, notice);
      gtk_widget_set_visible (GTK_WIDGET (self->body_notice_label), TRUE);
    }
  else
    {
      gtk_widget_set_visible (GTK_WIDGET (self->body_notice_label), FALSE);
    }
}

static void
botbench_handler_view_update (BotbenchHandlerView *self)
{
  const char * const *headers;
  g_autofree char *status = NULL;
  g_autofree char *finished = NULL;
  const char *style = NULL;
  const char *error;
  guint code;
  gint64 duration;

  _botbench_field_list_clear (self->fields_list);
  _botbench_field_list_clear (self->response_headers_list);

  if (self->result == NULL)
    {
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->body_view), "", 0);
      gtk_stack_set_visible_child_name (self->handler_stack, "none");
      return;
    }

  code = botbench_forward_result_get_status (self->result);
  duration = botbench_forward_result_get_duration_ms (self->result);
  error = botbench_forward_result_get_error (self->result);

  switch (botbench_forward_result_get_state (self->result))
    {
    case BOTBENCH_FORWARD_STATE_PENDING:
      status = g_strdup (_("Waiting for the handler…"));
      style = "dim-label";
      break;

    case BOTBENCH_FORWARD_STATE_DONE:
      {
        const char *phrase = soup_status_get_phrase (code);

        status = phrase != NULL && *phrase != '\0'
                 ? g_strdup_printf ("%u %s", code, phrase) : g_strdup_printf ("%u", code);
        style = botbench_forward_result_is_success (self->result) ? "success" : "error";
      }
      break;

    case BOTBENCH_FORWARD_STATE_FAILED:
    default:
      status = g_utf8_make_valid (error != NULL ? error : _("Failed"), -1);
      style = "error";
      break;
    }

  gtk_label_set_label (self->status_label, status);
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (self->status_label), style);
  gtk_label_set_label (self->url_label, botbench_forward_result_get_url (self->result));

  if (duration >= 0)
    {
      /* Translators: how long the handler took, in milliseconds */
      g_autofree char *text = g_strdup_printf (_("%lld ms"), (long long) duration);

      _botbench_field_list_add (self->fields_list, _("Duration"), text);
    }
  if (code != 0)
    {
      g_autofree char *text = g_strdup_printf ("%u", code);

      _botbench_field_list_add (self->fields_list, _("Status"), text);
    }
  if (error != NULL)
    _botbench_field_list_add (self->fields_list, _("Error"), error);
  finished = format_finished (botbench_forward_result_get_finished (self->result));
  if (finished != NULL)
    _botbench_field_list_add (self->fields_list, _("Finished"), finished);
  if (botbench_forward_result_get_response_body (self->result) != NULL)
    {
      g_autofree char *size = g_format_size_full (botbench_forward_result_get_response_size (self->result),
                                                  G_FORMAT_SIZE_IEC_UNITS);

      _botbench_field_list_add (self->fields_list, _("Body Size"), size);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->fields_list),
                          gtk_widget_get_first_child (GTK_WIDGET (self->fields_list)) != NULL);

  headers = botbench_forward_result_get_response_headers (self->result);
  for (guint i = 0; headers[i] != NULL && headers[i + 1] != NULL; i += 2)
    _botbench_field_list_add (self->response_headers_list, headers[i], headers[i + 1]);
  gtk_widget_set_visible (self->headers_heading, headers[0] != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->response_headers_list), headers[0] != NULL);

  botbench_handler_view_update_body (self);

  gtk_stack_set_visible_child_name (self->handler_stack, "forward");
}

static void
botbench_handler_view_dispose (GObject *object)
{
  BotbenchHandlerView *self = (BotbenchHandlerView *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), BOTBENCH_TYPE_HANDLER_VIEW);
  g_clear_pointer (&self->result, botbench_forward_result_unref);

  G_OBJECT_CLASS (botbench_handler_view_parent_class)->dispose (object);
}

static void
botbench_handler_view_class_init (BotbenchHandlerViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = botbench_handler_view_dispose;

  _botbench_ensure_resources ();
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/botbench/Botbench/botbench-handler-view.ui");
  gtk_widget_class_bind_template_child (widget_class, BotbenchHandlerView, handler_stack);
  gtk_widget_class_bind_template_child (widget_class, BotbenchHandlerView, status_label);
  gtk_widget_class_bind_template_child (widget_class, BotbenchHandlerView, url_label);
  gtk_widget_class_bind_template_child (widget_class, BotbenchHandlerView, fields_list);
  gtk_widget_class_bind_template_child (widget_class, BotbenchHandlerView, headers_heading);
  gtk_widget_class_bind_template_child (widget_class, BotbenchHandlerView, response_headers_list);
  gtk_widget_class_bind_template_child (widget_class, BotbenchHandlerView, body_heading);
  gtk_widget_class_bind_template_child (widget_class, BotbenchHandlerView, body_notice_label);
  gtk_widget_class_bind_template_child (widget_class, BotbenchHandlerView, body_view);
}

static void
botbench_handler_view_init (BotbenchHandlerView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
botbench_handler_view_new (void)
{
  return g_object_new (BOTBENCH_TYPE_HANDLER_VIEW, NULL);
}

void
botbench_handler_view_set_result (BotbenchHandlerView   *self,
                                  BotbenchForwardResult *result)
{
  g_return_if_fail (BOTBENCH_IS_HANDLER_VIEW (self));

  if (self->result == result && result != NULL)
    return;

  g_clear_pointer (&self->result, botbench_forward_result_unref);
  if (result != NULL)
    self->result = botbench_forward_result_ref (result);

  botbench_handler_view_update (self);
}
