/* botbench-replay-batch.h: replaying the events a filter shows, one at a time
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "botbench-core.h"

G_BEGIN_DECLS

typedef enum
{
  BOTBENCH_REPLAY_BATCH_TARGET_LISTENER,  /* url + each event's path */
  BOTBENCH_REPLAY_BATCH_TARGET_FORWARD,   /* the forward target of each event's path */
  BOTBENCH_REPLAY_BATCH_TARGET_URL,       /* url as it is */
} BotbenchReplayBatchTarget;

#define BOTBENCH_TYPE_REPLAY_BATCH (botbench_replay_batch_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchReplayBatch, botbench_replay_batch, BOTBENCH, REPLAY_BATCH, GObject)

/* The events of store that match filter (event name, full-text search,
 * token state, source; NULL or "" = no filter; filter NULL: all) and
 * were stored when the batch was made: later events (the replays among
 * them) are left out. */
BotbenchReplayBatch *botbench_replay_batch_new         (BotbenchEventStore        *store,
                                                        const BotbenchEventFilter *filter);
/* How many events the batch replays; -1 on a read error. */
gint64               botbench_replay_batch_count       (BotbenchReplayBatch       *self,
                                                        GError                   **error);
/* Where the events go: url is the listener's base URL (LISTENER), the URL
 * (URL) or unused (FORWARD, which asks forwarder).  Before start(). */
void                 botbench_replay_batch_set_target  (BotbenchReplayBatch       *self,
                                                        BotbenchReplayBatchTarget  target,
                                                        const char                *url,
                                                        BotbenchForwarder         *forwarder);
/* Seconds per request (0 = none); before start(). */
void                 botbench_replay_batch_set_timeout (BotbenchReplayBatch       *self,
                                                        guint                      timeout_s);
/* Sends the events oldest first, one at a time (botbench_replay_send_async,
 * bodies unchanged), reading them from the store a page at a time, on the
 * thread-default main context.  "progress" after each event, "finished"
 * once at the end (all sent, cancelled, or a read error). */
void                 botbench_replay_batch_start       (BotbenchReplayBatch       *self);
/* No further sends; the one under way is cancelled.  "finished" follows. */
void                 botbench_replay_batch_cancel      (BotbenchReplayBatch       *self);

gboolean             botbench_replay_batch_get_running   (BotbenchReplayBatch     *self);
gboolean             botbench_replay_batch_get_cancelled (BotbenchReplayBatch     *self);
/* Set when reading the store failed (the batch then stops). */
const GError        *botbench_replay_batch_get_error     (BotbenchReplayBatch     *self);
/* Why the latest failed event failed ("Connection refused", "500", …),
 * NULL while none did. */
const char          *botbench_replay_batch_get_last_failure (BotbenchReplayBatch  *self);
/* The count, the events done so far (sent or failed), those a target
 * answered with a 2xx status, and the rest of those done. */
guint64              botbench_replay_batch_get_n_total   (BotbenchReplayBatch     *self);
guint64              botbench_replay_batch_get_n_done    (BotbenchReplayBatch     *self);
guint64              botbench_replay_batch_get_n_ok      (BotbenchReplayBatch     *self);
guint64              botbench_replay_batch_get_n_failed  (BotbenchReplayBatch     *self);
/* The ids of the stored replays so far (gint64), in order. */
GArray              *botbench_replay_batch_get_new_ids   (BotbenchReplayBatch     *self);

G_END_DECLS
