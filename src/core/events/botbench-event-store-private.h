/* botbench-event-store-private.h: test hooks and internals of the event store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "botbench-event-store.h"

G_BEGIN_DECLS

/* Makes the writer's connection refuse to grow the database file (PRAGMA
 * max_page_count), which fails the next INSERT/COMMIT with SQLITE_FULL just
 * as a full disk does.  Waits until the writer has applied it. */
void      _botbench_event_store_simulate_disk_full (BotbenchEventStore        *self,
                                                    gboolean                   full);
/* EXPLAIN QUERY PLAN of the page query that botbench_event_store_query()
 * runs for query, one plan line per row joined with '\n'. */
char     *_botbench_event_store_explain_query      (BotbenchEventStore        *self,
                                                    const BotbenchEventQuery  *query,
                                                    GError                   **error);
/* The FTS5 MATCH expression for user text, or NULL when the text has no
 * searchable word (the search is then ignored). */
char     *_botbench_event_store_build_match        (const char                *search);

/* Test hook: the writer sleeps this long before each insert transaction
 * (0 = not at all), to make it fall behind. */
void      _botbench_event_store_set_writer_delay   (BotbenchEventStore        *self,
                                                    guint                      delay_ms);
/* Test hook: while paused the writer writes no full-text rows (close()
 * does not index either), as if the process died before its FTS batch. */
void      _botbench_event_store_set_index_paused   (BotbenchEventStore        *self,
                                                    gboolean                   paused);

/* Every event with id <= the returned id that is still stored is in the
 * full-text index (the rows above it may not be yet).  The list model
 * bounds searches by it so that an event is counted once it is indexed. */
gint64    _botbench_event_store_get_indexed_id     (BotbenchEventStore        *self);
/* Asks the writer to index now and waits (at most timeout_ms) until every
 * event up to id is indexed; TRUE if it is.  Blocks: for a fresh search
 * on the UI thread (a few ms), tools and tests. */
gboolean  _botbench_event_store_wait_indexed       (BotbenchEventStore        *self,
                                                    gint64                     id,
                                                    guint                      timeout_ms);

G_END_DECLS
