/* botbench-events-page.h: the event log page (list, filters, detail)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "botbench-core.h"

G_BEGIN_DECLS

#define BOTBENCH_TYPE_EVENTS_PAGE (botbench_events_page_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchEventsPage, botbench_events_page, BOTBENCH, EVENTS_PAGE, GtkWidget)

/* Shows @store's events; call once (the page stays empty without it). */
void           botbench_events_page_set_store          (BotbenchEventsPage *self,
                                                        BotbenchEventStore *store);
/* The search entry and the event type filter, for the window's header bar
 * (borrowed; the page owns them). */
GtkWidget     *botbench_events_page_get_header         (BotbenchEventsPage *self);
/* The event shown in the detail pane, or NULL (property "selected-event"). */
BotbenchEvent *botbench_events_page_get_selected_event (BotbenchEventsPage *self);
/* The shell command offered on the empty page to send a first event. */
void           botbench_events_page_set_try_command    (BotbenchEventsPage *self,
                                                        const char         *command);
/* With @bot_id > 0, the empty page offers "Chat with @bot_name"
 * (win.chat-with(@bot_id)) instead of "Try the Sandbox Portal". */
void           botbench_events_page_set_chat_bot       (BotbenchEventsPage *self,
                                                        gint64              bot_id,
                                                        const char         *bot_name);
/* Clears the filters and selects the stored event @event_id (its detail
 * shown even when the list has not caught up); FALSE if there is none. */
gboolean       botbench_events_page_show_event         (BotbenchEventsPage *self,
                                                        gint64              event_id);
/* Folded, goes back from the detail to the list. */
void           botbench_events_page_show_list          (BotbenchEventsPage *self);
void           botbench_events_page_focus_search       (BotbenchEventsPage *self);
/* TRUE while the filter's event names are being read or a re-read waits
 * (property "loading-names"). */
gboolean       botbench_events_page_get_loading_names  (BotbenchEventsPage *self);

G_END_DECLS
