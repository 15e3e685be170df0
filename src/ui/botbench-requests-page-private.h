/* botbench-requests-page-private.h: what the page shares with its rows,
 * and what tests may call
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "botbench-requests-page.h"

G_BEGIN_DECLS

/* How a record is shown, in the list's rows and in the detail pane. */
char *_botbench_requests_page_dup_time         (gint64                 usec);
char *_botbench_requests_page_dup_status       (BotbenchRequestRecord *record);
char *_botbench_requests_page_dup_duration     (BotbenchRequestRecord *record);
/* "success" for a 2xx without error, "error" otherwise. */
void  _botbench_requests_page_set_status_style (GtkWidget             *label,
                                                BotbenchRequestRecord *record);

/* For tests: */

/* What Export does once a file is chosen (toasts "win.toast" when done). */
void _botbench_requests_page_export_to (BotbenchRequestsPage *self,
                                        GFile                *file);

G_END_DECLS
