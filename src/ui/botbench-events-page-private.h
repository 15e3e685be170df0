/* botbench-events-page-private.h: what tests may look at in the page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "botbench-events-page.h"
#include "botbench-paced-model.h"

G_BEGIN_DECLS

/* For tests: the store's model under the list (its search and event name
 * filter), NULL until botbench_events_page_set_store(). */
BotbenchEventListModel *_botbench_events_page_get_event_model (BotbenchEventsPage *self);
/* For tests and benchmarks: what the list shows (the model above, new
 * events paced), NULL until botbench_events_page_set_store(). */
BotbenchPacedModel     *_botbench_events_page_get_shown_model (BotbenchEventsPage *self);

/* For tests: TRUE while events are read again (in a thread) after their
 * forward was recorded. */
gboolean                _botbench_events_page_get_forwards_reading (BotbenchEventsPage *self);

/* Shows only events whose token state is state ("verified", "wrong-token",
 * "no-token", "unknown"; NULL or "": all), the events menu's Token filter. */
void                    _botbench_events_page_set_token_filter (BotbenchEventsPage *self,
                                                                const char         *state);
const char             *_botbench_events_page_get_token_filter (BotbenchEventsPage *self);
/* Only events from this source ("listener", "fetched", "replay", "import";
 * "" for all). */
void                    _botbench_events_page_set_source_filter (BotbenchEventsPage *self,
                                                                 const char         *source);
const char             *_botbench_events_page_get_source_filter (BotbenchEventsPage *self);

G_END_DECLS
