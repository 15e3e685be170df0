/* botbench-forwarder.h: forwards committed events to the developer's handlers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Rules map a listener path prefix to a handler URL; the first enabled
 * rule whose prefix matches an event's path wins.  Forwards run on the
 * forwarder's own thread, in order per target (one at a time to each URL),
 * at most max-in-flight at once overall, each bounded by the timeout; the
 * queue per target is bounded too, by count and by bytes of bodies (beyond
 * it the forward is recorded as FAILED "Forward queue full").  Each answer
 * is recorded in the store (botbench_event_store_record_forward_async) and
 * then announced with "forwarded" on the main context that created the
 * forwarder.  A target's state is dropped once it is idle and no enabled
 * rule points at it.
 *
 * The listener prepares an event before storing it: when a rule matches,
 * the event gets a PENDING forward (its target URL) that the store writes
 * in the same transaction, so a forward cut short by a crash stays visible
 * as pending.  Pending rows left by an earlier run are not sent again: the
 * handler may have had them already, and an event reaches it at most
 * once.
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
#define BOTBENCH_FORWARDER_DEFAULT_MAX_QUEUED_BYTES (G_GUINT64_CONSTANT (64) * 1024 * 1024)

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

/* Bytes of bodies waiting per target before "Forward queue full" (an
 * empty queue takes one event of any size). */
void               botbench_forwarder_set_max_queued_bytes (BotbenchForwarder *self,
                                                            guint64            max_bytes);

/* Any thread, never blocks, before event is stored: if a rule matches its
 * path, gives event a PENDING forward to the rule's URL (the store writes
 * it with the event) and returns TRUE; then submit() it once committed,
 * or abandon() it when storing failed. */
gboolean           botbench_forwarder_prepare            (BotbenchForwarder  *self,
                                                          BotbenchEvent      *event);
void               botbench_forwarder_abandon            (BotbenchForwarder  *self,
                                                          BotbenchEvent      *event);
/* Any thread, never blocks: forwards committed_event (it has its id) to
 * the URL prepare() gave it, or if it was not prepared, to the URL a rule
 * gives its path now; TRUE if it was taken (queued, or recorded as FAILED
 * "Forward queue full", or "Interrupted" after stop()). */
gboolean           botbench_forwarder_submit             (BotbenchForwarder  *self,
                                                          BotbenchEvent      *committed_event);
/* Whether stored_event (as read from the store, its forward PENDING) is
 * one this forwarder is forwarding and whose answer is not recorded yet:
 * then "forwarded" will come for it.  Also TRUE while an event prepared
 * here for the same URL is being stored (its id is not known yet). */
gboolean           botbench_forwarder_is_forwarding      (BotbenchForwarder  *self,
                                                          BotbenchEvent      *stored_event);
/* Forwards prepared or submitted whose answer is not recorded yet. */
guint              botbench_forwarder_get_n_pending      (BotbenchForwarder  *self);
/* Blocks until every submitted forward is recorded, at most timeout_ms;
 * TRUE if none is left.  Not on the UI thread. */
gboolean           botbench_forwarder_flush              (BotbenchForwarder  *self,
                                                          guint               timeout_ms);
/* Stops: forwards under way are cancelled and, with those still queued,
 * recorded as FAILED "Interrupted" (blocking; the store must be open).
 * Later prepares are refused; a later submit of a prepared event records
 * it as "Interrupted".  Called by dispose. */
void               botbench_forwarder_stop               (BotbenchForwarder  *self);

/* Signals (on the creating thread's main context):
 *   "forwarded" (BotbenchEvent *event, BotbenchForwardResult *result)
 *     after the result was recorded; event's forward is set to result. */

G_END_DECLS
