/* botbench-request-preview-dialog.h: a portal request shown before it is sent,
 * secrets masked
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "botbench-core.h"

G_BEGIN_DECLS

#define BOTBENCH_TYPE_REQUEST_PREVIEW_DIALOG (botbench_request_preview_dialog_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchRequestPreviewDialog, botbench_request_preview_dialog, BOTBENCH, REQUEST_PREVIEW_DIALOG, AdwMessageDialog)

/* Asks whether to send @method with @params to @profile's portal: the
 * responses are "cancel" and "send". */
GtkWidget  *botbench_request_preview_dialog_new      (GtkWindow                    *parent,
                                                     const char                   *heading,
                                                     BotbenchProfile              *profile,
                                                     const char                   *method,
                                                     JsonObject                   *params);
/* The body as the dialog shows it. */
const char *botbench_request_preview_dialog_get_body (BotbenchRequestPreviewDialog *self);

G_END_DECLS
