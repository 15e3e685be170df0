/* botbench-forwarder.h: forwards committed events to the developer's handlers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Rules map a listener path prefix to a handler URL; the first enabled
 * rule whose prefix matches an event's path wins.  Forwards run on the
 * forwarder's own thread, in order per target (one at a time to each URL),
 * at most max-in-flight at once overall, each bounded by the timeout; the
 * queue per target is bounded too (beyond it the forward is recorded as
 * FAILED "Forward queue full").  Each answer is recorded in the store
 * (botbench_event_store_record_forward_async) and then announced with
 * "forwarded" on the main context that created the forwarder.
 */
#pragma once

#include <gio/gio.h>

#include "botbench-types.h"
#include "botbench-event.h"
#include "botbench-event-store.h"
#include "botbench-forward-result.h"
#include "botbench-forward-rule.h"

G_BEGIN_DECLS

#define BOTBENCH_FORWARDER_DEFAULT_TIMEOUT       10
#define BOTBENCH_FORWARDER_DEFAULT_MAX_IN_FLIGHT 4
#define BOTBENCH_FORWARDER_DEFAULT_MAX_QUEUED    10000

#define BOTBENCH_TYPE_FORWARDER (botbench_forwarder_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchForwarder, botbench_forwarder, BOTBENCH, FORWARDER, GObject)

BotbenchForwarder *botbench_forwarder_new                (BotbenchEventStore *store);
/* rules: BotbenchForwardRule *, in order (copied; NULL = none). */
void               botbench_forwarder_set_rules          (BotbenchForwarder  *self,
                                                          GPtrArray          *rules);
/* The URL the rules give path, NULL when no enabled rule matches. */
char              *botbench_forwarder_dup_target         (BotbenchForwarder  *self,
                                                          const char         *path);
guint              botbench_forwarder_get_timeout        (BotbenchForwarder  *self);
/* Seconds per forward (1…600). */
void               botbench_forwarder_set_timeout        (BotbenchForwarder  *self,
                                                          guint               seconds);
guint              botbench_forwarder_get_max_in_flight  (BotbenchForwarder  *self);
void               botbench_forwarder_set_max_in_flight  (BotbenchForwarder  *self,
                                                          guint               max_in_flight);
/* Events waiting per target before "Forward queue full". */
void               botbench_forwarder_set_max_queued     (BotbenchForwarder  *self,
                                                          guint               max_queued);

/* Any thread, never blocks: forwards committed_event (it has its id) if
 * a rule matches its path; TRUE if it was taken (queued, or recorded as
 * FAILED "Forward queue full"). */
gboolean           botbench_forwarder_submit             (BotbenchForwarder  *self,
                                                          BotbenchEvent      *committed_event);
/* Forwards submitted whose answer is not recorded yet. */
guint              botbench_forwarder_get_n_pending      (BotbenchForwarder  *self);
/* Blocks until every submitted forward is recorded, at most timeout_ms;
 * TRUE if none is left.  Not on the UI thread. */
gboolean           botbench_forwarder_flush              (BotbenchForwarder  *self,
                                                          guint               timeout_ms);
/* Stops: forwards under way are cancelled and, with those still queued,
 * recorded as FAILED "Interrupted" (blocking; the store must be open).
 * Later submits are ignored.  Called by dispose. */
void               botbench_forwarder_stop               (BotbenchForwarder  *self);

/* Signals (on the creating thread's main context):
 *   "forwarded" (BotbenchEvent *event, BotbenchForwardResult *result)
 *     after the result was recorded; event's forward is set to result. */

G_END_DECLS
