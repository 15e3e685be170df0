/* botbench-request-row.h: one REST call in the Requests page's list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "botbench-core.h"

G_BEGIN_DECLS

#define BOTBENCH_TYPE_REQUEST_ROW (botbench_request_row_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchRequestRow, botbench_request_row, BOTBENCH, REQUEST_ROW, GtkWidget)

GtkWidget *botbench_request_row_new        (void);
/* Shows @record: method, status, time and duration. */
void       botbench_request_row_set_record (BotbenchRequestRow    *self,
                                            BotbenchRequestRecord *record);

G_END_DECLS
