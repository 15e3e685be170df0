/* botbench-events-actions.h: the Events page's actions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "botbench-events-page.h"

G_BEGIN_DECLS

/* The "events" action group (replay, replay-selected, replay-shown,
 * simulate, export, import), inserted on page and on header (its widgets live in the
 * window's header bar, outside the page). */
void _botbench_events_actions_install   (BotbenchEventsPage *page,
                                         GtkWidget          *header);
/* Right click or long press on row (a BotbenchEventRow) opens its menu. */
void _botbench_events_actions_add_row_menu (GtkWidget       *row);

/* What Export and Import do with the file the user chose (and tests call):
 * the events the page's filters show, newest first, as JSON Lines or HAR;
 * a toast tells the outcome. */
void _botbench_events_actions_export    (BotbenchEventsPage *page,
                                         GFile              *file,
                                         gboolean            har);
void _botbench_events_actions_import    (BotbenchEventsPage *page,
                                         GFile              *file);

G_END_DECLS
