/* botbench-request-preview-dialog.c: a portal request shown before it is sent
 * (Register, Update), secrets masked, with Copy as curl
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The request as text (URL, body, curl line) comes from the core's
 * BotbenchRequestPreview.
 */
#define G_LOG_DOMAIN "botbench-request-preview-dialog"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "botbench-application-private.h"
#include "botbench-request-preview-dialog.h"

struct _BotbenchRequestPreviewDialog
{
  AdwMessageDialog  parent_instance;

  char             *curl;

  /* Template widgets */
  GtkLabel         *url_label;
  GtkLabel         *body_label;
};

G_DEFINE_FINAL_TYPE (BotbenchRequestPreviewDialog, botbench_request_preview_dialog, ADW_TYPE_MESSAGE_DIALOG)

/* The dialog */

static void
copy_curl_clicked_cb (BotbenchRequestPreviewDialog *self)
{
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), self->curl);
  /* win.toast escapes the markup. */
  if (parent != NULL)
    gtk_widget_activate_action (GTK_WIDGET (parent), "win.toast", "s",
                                _("Copied as curl (the secret is masked)"));
}

static void
botbench_request_preview_dialog_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), BOTBENCH_TYPE_REQUEST_PREVIEW_DIALOG);

  G_OBJECT_CLASS (botbench_request_preview_dialog_parent_class)->dispose (object);
}

static void
botbench_request_preview_dialog_finalize (GObject *object)
{
  BotbenchRequestPreviewDialog *self = (BotbenchRequestPreviewDialog *)object;

  g_clear_pointer (&self->curl, g_free);

  G_OBJECT_CLASS (botbench_request_preview_dialog_parent_class)->finalize (object);
}

static void
botbench_request_preview_dialog_class_init (BotbenchRequestPreviewDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = botbench_request_preview_dialog_dispose;
  object_class->finalize = botbench_request_preview_dialog_finalize;

  _botbench_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/botbench/Botbench/botbench-request-preview-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, BotbenchRequestPreviewDialog, url_label);
  gtk_widget_class_bind_template_child (widget_class, BotbenchRequestPreviewDialog, body_label);
  gtk_widget_class_bind_template_callback (widget_class, copy_curl_clicked_cb);
}

static void
botbench_request_preview_dialog_init (BotbenchRequestPreviewDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
botbench_request_preview_dialog_new (GtkWindow       *parent,
                                     const char      *heading,
                                     BotbenchProfile *profile,
                                     const char      *method,
                                     JsonObject      *params)
{
  g_autoptr(BotbenchRequestPreview) preview = NULL;
  BotbenchRequestPreviewDialog *self;
  g_autofree char *body = NULL;
  g_autofree char *url_text = NULL;

  g_return_val_if_fail (BOTBENCH_IS_PROFILE (profile), NULL);
  g_return_val_if_fail (method != NULL, NULL);
  g_return_val_if_fail (params != NULL, NULL);

  /* Masked by the core, as the CLI's --dry-run and the request history;
   * the body shows the credential the REST client adds, long base64
   * values cut short (the curl line has them whole). */
  preview = botbench_request_preview_new (profile, method, params,
                                          BOTBENCH_REQUEST_PREVIEW_CREDENTIAL |
                                          BOTBENCH_REQUEST_PREVIEW_ABBREVIATE);
  body = botbench_request_preview_dup_body_text (preview, TRUE);

  self = g_object_new (BOTBENCH_TYPE_REQUEST_PREVIEW_DIALOG,
                       "transient-for", parent,
                       "heading", heading,
                       NULL);
  /* Translators: %s is the REST method, e.g. imbot.register */
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (self), _("POST %s, secrets masked:"), method);
  url_text = g_strdup_printf ("POST %s", botbench_request_preview_get_url (preview));
  gtk_label_set_label (self->url_label, url_text);
  gtk_label_set_label (self->body_label, body);
  self->curl = botbench_request_preview_dup_curl (preview);

  return GTK_WIDGET (self);
}

const char *
botbench_request_preview_dialog_get_body (BotbenchRequestPreviewDialog *self)
{
  g_return_val_if_fail (BOTBENCH_IS_REQUEST_PREVIEW_DIALOG (self), NULL);

  return gtk_label_get_label (self->body_label);
}
