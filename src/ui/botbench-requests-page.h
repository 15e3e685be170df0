/* botbench-requests-page.h: the REST calls of the active profile
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "botbench-application.h"

G_BEGIN_DECLS

#define BOTBENCH_TYPE_REQUESTS_PAGE (botbench_requests_page_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchRequestsPage, botbench_requests_page, BOTBENCH, REQUESTS_PAGE, GtkWidget)

void botbench_requests_page_set_application (BotbenchRequestsPage *self,
                                             BotbenchApplication  *app);
/* The shown records (the active profile's), newest first. */
GListModel *botbench_requests_page_get_model (BotbenchRequestsPage *self);
/* A JSON array of the shown records, oldest first, secrets masked. */
char       *botbench_requests_page_dup_json  (BotbenchRequestsPage *self);
/* Asks for a file and writes dup_json() to it. */
void        botbench_requests_page_export    (BotbenchRequestsPage *self);

G_END_DECLS
