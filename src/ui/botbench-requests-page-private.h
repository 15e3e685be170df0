/* botbench-requests-page-private.h: what tests may call in the page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "botbench-requests-page.h"

G_BEGIN_DECLS

/* What Export does once a file is chosen (toasts "win.toast" when done). */
void _botbench_requests_page_export_to (BotbenchRequestsPage *self,
                                        GFile                *file);

G_END_DECLS
