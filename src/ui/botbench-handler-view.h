/* botbench-handler-view.h: the detail pane's Handler tab
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "botbench-core.h"

G_BEGIN_DECLS

#define BOTBENCH_TYPE_HANDLER_VIEW (botbench_handler_view_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchHandlerView, botbench_handler_view, BOTBENCH, HANDLER_VIEW, GtkWidget)

GtkWidget *botbench_handler_view_new    (void);
/* Shows result (the event's latest forward or replay answer), or the
 * "Not forwarded" state when it is NULL. */
void       botbench_handler_view_set_result (BotbenchHandlerView   *self,
                                             BotbenchForwardResult *result);

G_END_DECLS
