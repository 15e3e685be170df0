/* botbench-forwarder-private.h: what the forwarder's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   botbench-forwarder.c          the GObject, settings and the public API
 *                                 (prepare, submit, flush, stop)
 *   botbench-forwarder-targets.c  the per-target queues: bounds by count
 *                                 and bytes, round robin, pruning
 *   botbench-forwarder-thread.c   the forwarder's thread: sends, recording
 *                                 the answers, "forwarded"
 *
 * Only the _botbench_forwarder_get_n_targets() test hook is for tests.
 */
#pragma once

#include <libsoup/soup.h>

#include "botbench-forwarder.h"

G_BEGIN_DECLS

/* One handler URL's state: its queue and whether a send is under way. */
typedef struct
{
  char     *url;
  GQueue    events;         /* BotbenchEvent *, oldest first */
  guint64   queued_bytes;   /* their bodies */
  gboolean  busy;
} Target;

struct _BotbenchForwarder
{
  GObject             parent_instance;

  BotbenchEventStore *store;
  GMainContext       *owner_context;

  /* lock protects everything down to the thread; cond is signalled when
   * pending goes down. */
  GMutex              lock;
  GCond               cond;
  GPtrArray          *rules;
  guint               timeout_s;
  guint               max_in_flight;
  guint               max_queued;
  guint64             max_queued_bytes;
  GPtrArray          *targets;          /* Target *, in order of first use */
  guint               next_target;      /* round robin */
  guint               in_flight;
  guint               pending;          /* prepared or submitted, answer not recorded */
  GPtrArray          *prepared;         /* BotbenchEvent *: prepared, not yet stored */
  GHashTable         *pending_ids;      /* gint64 * of the submitted, answer not recorded */
  gboolean            stopped;
  gboolean            pump_scheduled;
  gboolean            started;          /* the thread made its session */

  GThread            *thread;
  GMainContext       *context;
  GMainLoop          *loop;
  GCancellable       *cancellable;
  SoupSession        *session;          /* the forwarder's thread only */
};

/* botbench-forwarder.c: "forwarded", on the owner's context. */
void     _botbench_forwarder_emit_forwarded     (BotbenchForwarder     *self,
                                                 BotbenchEvent         *event,
                                                 BotbenchForwardResult *result);

/* botbench-forwarder-targets.c, all with lock held */
void     _botbench_forwarder_target_free        (Target            *target);
/* The enabled rule's URL for path, NULL when none matches. */
const char *_botbench_forwarder_match_locked    (BotbenchForwarder *self,
                                                 const char        *path);
/* Queues event for url; FALSE when the target's queue is full (by count
 * or by bytes; an empty queue takes any one event). */
gboolean _botbench_forwarder_enqueue_locked     (BotbenchForwarder *self,
                                                 const char        *url,
                                                 BotbenchEvent     *event);
/* The next event of a target that is not busy (round robin), with its
 * target marked busy; NULL when none is ready. */
BotbenchEvent *_botbench_forwarder_next_locked  (BotbenchForwarder *self,
                                                 Target           **target);
/* Takes every queued event out, and the URL of each (for stop). */
void     _botbench_forwarder_drain_locked       (BotbenchForwarder *self,
                                                 GPtrArray         *events,
                                                 GPtrArray         *urls);
/* Frees the state of targets that are idle (nothing queued, no send) and
 * that no enabled rule points at any more. */
void     _botbench_forwarder_prune_locked       (BotbenchForwarder *self);

/* botbench-forwarder-thread.c */
gpointer _botbench_forwarder_thread_func        (gpointer           data);
/* Any thread: starts sends soon on the forwarder's thread. */
void     _botbench_forwarder_schedule_pump      (BotbenchForwarder *self);
/* Any thread while the thread runs: records result as event's forward on
 * the forwarder's thread, then counts it done and emits "forwarded". */
void     _botbench_forwarder_schedule_finish    (BotbenchForwarder     *self,
                                                 BotbenchEvent         *event,
                                                 BotbenchForwardResult *result);
/* Any thread: "forwarded" on the owner's context. */
void     _botbench_forwarder_announce           (BotbenchForwarder     *self,
                                                 BotbenchEvent         *event,
                                                 BotbenchForwardResult *result);
/* With lock held: event's forward is recorded, it is no longer pending. */
void     _botbench_forwarder_done_locked        (BotbenchForwarder     *self,
                                                 BotbenchEvent         *event);
BotbenchForwardResult *_botbench_forwarder_failed_result (const char   *url,
                                                          const char   *error);

/* Test hook: the targets that have state now. */
guint    _botbench_forwarder_get_n_targets      (BotbenchForwarder *self);

G_END_DECLS
