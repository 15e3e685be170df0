/* botbench-request-preview.h: a portal request shown before it is sent,
 * secrets masked
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "botbench-core.h"

G_BEGIN_DECLS

#define BOTBENCH_TYPE_REQUEST_PREVIEW (botbench_request_preview_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchRequestPreview, botbench_request_preview, BOTBENCH, REQUEST_PREVIEW, AdwMessageDialog)

/* Asks whether to send @method with @params to @profile's portal: the
 * responses are "cancel" and "send". */
GtkWidget  *botbench_request_preview_new      (GtkWindow              *parent,
                                               const char             *heading,
                                               BotbenchProfile        *profile,
                                               const char             *method,
                                               JsonObject             *params);
/* The body as the dialog shows it. */
const char *botbench_request_preview_get_body (BotbenchRequestPreview *self);

/* The request as text, secrets masked: the URL, the JSON body (for
 * display: pretty, long base64 values cut), and a curl command line. */
char *botbench_request_preview_dup_url  (BotbenchProfile *profile,
                                         const char      *method);
char *botbench_request_preview_dup_body (BotbenchProfile *profile,
                                         JsonObject      *params,
                                         gboolean         for_display);
char *botbench_request_preview_dup_curl (BotbenchProfile *profile,
                                         const char      *method,
                                         JsonObject      *params);

G_END_DECLS
