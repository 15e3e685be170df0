/* botbench-event-store-private.h: test hooks of the event store
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

G_END_DECLS
