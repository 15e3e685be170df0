/* botbench-event-private.h: constructors used by the event store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "botbench-event.h"

G_BEGIN_DECLS

/* Rebuilds a stored event; the summary fields come from the database. */
BotbenchEvent *_botbench_event_new_stored  (gint64              id,
                                            gint64              received_us,
                                            const char         *remote_address,
                                            const char         *method,
                                            const char         *path,
                                            const char         *query,
                                            const char * const *headers,
                                            const char         *content_type,
                                            GBytes             *body,
                                            const char         *event_name,
                                            const char         *bot_id,
                                            const char         *bot_code,
                                            const char         *message);
/* Called once by the store's writer when the row is committed. */
void           _botbench_event_set_id      (BotbenchEvent      *self,
                                            gint64              id);
/* Headers as a JSON array of [name, value] pairs, and back. */
char          *_botbench_event_dup_headers_json (BotbenchEvent *self);
char         **_botbench_event_headers_from_json (const char   *json);
/* Every string leaf of the decoded body joined by spaces (for full-text search). */
char          *_botbench_event_dup_search_text (BotbenchEvent *self);

G_END_DECLS
