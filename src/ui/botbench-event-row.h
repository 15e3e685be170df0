/* botbench-event-row.h: one row of the event log
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "botbench-core.h"

G_BEGIN_DECLS

#define BOTBENCH_TYPE_EVENT_ROW (botbench_event_row_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchEventRow, botbench_event_row, BOTBENCH, EVENT_ROW, GtkWidget)

GtkWidget     *botbench_event_row_new          (void);
BotbenchEvent *botbench_event_row_get_event    (BotbenchEventRow *self);
void           botbench_event_row_set_event    (BotbenchEventRow *self,
                                                BotbenchEvent    *event);
/* Drops the event but leaves the labels as they are (for unbind). */
void           botbench_event_row_release_event (BotbenchEventRow *self);

/* "HH:MM:SS" for today, with the date otherwise (local time). */
char          *botbench_format_event_time      (gint64            received_us,
                                                GDateTime        *now);
/* "echo_bot (bot 567)", "bot 567", "echo_bot" or NULL. */
char          *botbench_format_event_bot       (BotbenchEvent    *event);
/* Where an event not received by the listener came from ("replay of #3",
 * "fetched", "imported"), NULL for the listener's own; *tooltip: more of
 * it, or NULL. */
char          *botbench_format_event_source    (BotbenchEvent    *event,
                                                char            **tooltip);

G_END_DECLS
