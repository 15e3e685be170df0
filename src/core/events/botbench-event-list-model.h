/* botbench-event-list-model.h: lazy GListModel of stored events
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Items are BotbenchEvent, newest first, loaded a page at a time with keyset
 * queries; the model follows the store's "events-added" notifications with
 * one items-changed (0, 0, n) per batch.
 */
#pragma once

#include <gio/gio.h>

#include "botbench-types.h"
#include "botbench-event-store.h"

G_BEGIN_DECLS

/* The list's filters, copied (NULL = no filter), for work on the events
 * the list shows (export, replay of the shown events). */
typedef struct
{
  char *event_name;
  char *search;
  char *verified;
  char *source;
} BotbenchEventFilter;

void                 botbench_event_filter_free     (BotbenchEventFilter *filter);
/* Points query's filter fields at filter's strings (which must outlive it). */
void                 botbench_event_filter_to_query (const BotbenchEventFilter *filter,
                                                     BotbenchEventQuery        *query);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BotbenchEventFilter, botbench_event_filter_free)

#define BOTBENCH_TYPE_EVENT_LIST_MODEL (botbench_event_list_model_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchEventListModel, botbench_event_list_model, BOTBENCH, EVENT_LIST_MODEL, GObject)

BotbenchEventListModel *botbench_event_list_model_new            (BotbenchEventStore     *store);
BotbenchEventStore     *botbench_event_list_model_get_store      (BotbenchEventListModel *self);
/* NULL or "" = every event.  Changing a filter reloads (items-changed over everything). */
void                    botbench_event_list_model_set_event_name (BotbenchEventListModel *self,
                                                                  const char             *event_name);
const char             *botbench_event_list_model_get_event_name (BotbenchEventListModel *self);
/* Only events in this token state ("verified", "wrong-token", "no-token",
 * "unknown"); NULL or "" for all. */
void                    botbench_event_list_model_set_verified   (BotbenchEventListModel *self,
                                                                  const char             *verified);
const char             *botbench_event_list_model_get_verified   (BotbenchEventListModel *self);
/* Only events from this source ("listener", "fetched", "replay", "import"),
 * NULL or "" for all. */
void                    botbench_event_list_model_set_source     (BotbenchEventListModel *self,
                                                                  const char             *source);
const char             *botbench_event_list_model_get_source     (BotbenchEventListModel *self);
void                    botbench_event_list_model_set_search     (BotbenchEventListModel *self,
                                                                  const char             *search);
const char             *botbench_event_list_model_get_search     (BotbenchEventListModel *self);
/* Re-reads the count from the store (after retention/clear). */
void                    botbench_event_list_model_reload         (BotbenchEventListModel *self);

BotbenchEventFilter    *botbench_event_list_model_dup_filter     (BotbenchEventListModel *self);

G_END_DECLS
