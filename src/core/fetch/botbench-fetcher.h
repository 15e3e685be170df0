/* botbench-fetcher.h: fetch mode, one imbot.v2 bot's events polled with Event.get
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A BotbenchFetcher polls imbot.v2.Event.get (reference v2 §3.2) for one
 * bot through a profile's REST client (so inside its rate limiter) and
 * stores every event in the event store as a BotbenchEvent with a JSON
 * body, source "fetched".
 *
 * Exactly-once into the store: the events of an answer and the offset
 * that follows them (nextOffset) are committed in one transaction
 * (botbench_event_store_commit_fetched_async()); only the NEXT call sends
 * that offset, which is what acknowledges (deletes) them on the portal.
 * After a crash or a restart the stored offset is where it starts again;
 * an event delivered twice is stored once (unique per portal, bot and
 * portal event id).
 *
 * Cadence: every "interval" seconds while idle (default 5, 2–60); when
 * the portal says hasMore, or to acknowledge what was just stored, again
 * as soon as "min-gap" (2 s) has passed since the previous call started.
 * Errors back off exponentially (interval × 2^n, at most 5 minutes),
 * QUERY_LIMIT_EXCEEDED too (after the REST client's own retries).  Errors
 * that need the user (BOT_OWNERSHIP_ERROR: wrong botToken; BOT_NOT_FOUND:
 * unregistered elsewhere; a missing scope; an expired or wrong webhook or
 * token) stop the fetcher in state FAILED with the error kept.
 */
#pragma once

#include <gio/gio.h>

#include "botbench-event-store.h"
#include "botbench-forwarder.h"
#include "botbench-rate-limiter.h"
#include "botbench-rest-client.h"

G_BEGIN_DECLS

#define BOTBENCH_FETCHER_DEFAULT_INTERVAL   5
#define BOTBENCH_FETCHER_MIN_INTERVAL       2
#define BOTBENCH_FETCHER_MAX_INTERVAL       60
/* The docs ask for at least 2 s between calls while hasMore. */
#define BOTBENCH_FETCHER_MIN_GAP_MS         2000
#define BOTBENCH_FETCHER_MAX_BACKOFF_MS     (5 * 60 * 1000)
#define BOTBENCH_FETCHER_DEFAULT_LIMIT      100

typedef enum
{
  BOTBENCH_FETCHER_STATE_STOPPED,
  BOTBENCH_FETCHER_STATE_POLLING,   /* a call or a commit is under way */
  BOTBENCH_FETCHER_STATE_WAITING,   /* until the next call */
  BOTBENCH_FETCHER_STATE_BACKOFF,   /* after an error, until the next try */
  BOTBENCH_FETCHER_STATE_FAILED,    /* an error the user must fix; stopped */
} BotbenchFetcherState;

/* "stopped", "polling", "waiting", "backoff", "failed" */
const char *botbench_fetcher_state_to_string (BotbenchFetcherState state);

#define BOTBENCH_TYPE_FETCHER (botbench_fetcher_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchFetcher, botbench_fetcher, BOTBENCH, FETCHER, GObject)

/* bot_token: the bot's botToken for a webhook profile (sent at the top
 * level of every call), NULL for OAuth.  portal: the key of the fetch
 * state (NULL: the profile's portal URL). */
BotbenchFetcher      *botbench_fetcher_new             (BotbenchRestClient  *client,
                                                        BotbenchEventStore  *store,
                                                        gint64               bot_id,
                                                        const char          *bot_token);
gint64                botbench_fetcher_get_bot_id      (BotbenchFetcher     *self);
const char           *botbench_fetcher_get_portal      (BotbenchFetcher     *self);
BotbenchFetcherState  botbench_fetcher_get_state       (BotbenchFetcher     *self);
/* The error that put the fetcher in BACKOFF or FAILED, NULL otherwise. */
const GError         *botbench_fetcher_get_error       (BotbenchFetcher     *self);
/* Seconds between calls while idle, clamped to 2–60. */
guint                 botbench_fetcher_get_interval    (BotbenchFetcher     *self);
void                  botbench_fetcher_set_interval    (BotbenchFetcher     *self,
                                                        guint                seconds);
/* Events per call (1–1000, the portal's clamp). */
/* Fetched events whose path a forwarding rule matches ("/": every one)
 * are forwarded once committed, like the listener's; NULL: none. */
void                  botbench_fetcher_set_forwarder   (BotbenchFetcher     *self,
                                                        BotbenchForwarder   *forwarder);
void                  botbench_fetcher_set_limit       (BotbenchFetcher     *self,
                                                        guint                limit);
/* The offset the next call sends (the committed one). */
gint64                botbench_fetcher_get_offset      (BotbenchFetcher     *self);
/* Events stored by this fetcher since it was made. */
guint64               botbench_fetcher_get_n_stored    (BotbenchFetcher     *self);

/* Reads the committed offset (off the calling thread), then polls at once. */
void                  botbench_fetcher_start           (BotbenchFetcher     *self);
/* Cancels the call under way and the timer.  A commit already handed to
 * the store finishes (its offset is stored), nothing is sent after it. */
void                  botbench_fetcher_stop            (BotbenchFetcher     *self);

/* Signals (on the thread-default context of botbench_fetcher_new()):
 *   "events-stored" (GPtrArray *events)  after a commit, the events newly
 *                                        stored (ids set), in portal order;
 *   "drained" ()                         a call returned no events: the
 *                                        queue is empty and everything
 *                                        stored is acknowledged;
 *   "poll-failed" (GError *error)        a call failed (state BACKOFF or
 *                                        FAILED follows).
 * "notify::state" when the state changes. */

G_END_DECLS
