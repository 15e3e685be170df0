/* botbench-event-har.h: stored events as an HTTP Archive (HAR 1.2)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One entry per event: the request as it arrived (url http://Host/path?query,
 * headers, query string, the body as postData with its form parameters) and
 * the answer: the forward target's when the event was forwarded, else the
 * listener's own.  Opens in browser developer tools (Network → Import HAR).
 */
#pragma once

#include <glib.h>

#include "botbench-types.h"
#include "botbench-event.h"

G_BEGIN_DECLS

/* Streaming, for exports that do not fit in memory:
 * begin, then append_entry per event (first TRUE for the first), then end. */
void   botbench_event_har_begin        (GString        *out);
void   botbench_event_har_append_entry (GString        *out,
                                        BotbenchEvent  *event,
                                        gboolean        first);
void   botbench_event_har_end          (GString        *out);

/* The whole document for events (BotbenchEvent *), in their order. */
char  *botbench_event_har_build        (GPtrArray      *events);

G_END_DECLS
