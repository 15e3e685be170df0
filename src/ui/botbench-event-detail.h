/* botbench-event-detail.h: the decoded tree, raw body and headers of an event
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "botbench-core.h"

G_BEGIN_DECLS

#define BOTBENCH_TYPE_EVENT_DETAIL (botbench_event_detail_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchEventDetail, botbench_event_detail, BOTBENCH, EVENT_DETAIL, GtkWidget)

GtkWidget     *botbench_event_detail_new                  (void);
BotbenchEvent *botbench_event_detail_get_event            (BotbenchEventDetail *self);
void           botbench_event_detail_set_event            (BotbenchEventDetail *self,
                                                           BotbenchEvent       *event);
/* event is a newer read of the event shown (same id; its forward was
 * recorded): shows its forward, keeping the rest of the pane as it is.
 * Nothing happens for another event. */
void           botbench_event_detail_refresh_event        (BotbenchEventDetail *self,
                                                           BotbenchEvent       *event);
gboolean       botbench_event_detail_get_show_back_button (BotbenchEventDetail *self);
void           botbench_event_detail_set_show_back_button (BotbenchEventDetail *self,
                                                           gboolean             show_back_button);

G_END_DECLS
