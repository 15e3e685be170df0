/* botbench-event-store.h: durable SQLite store of received events
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One writer thread with its own connection does group commits (many events
 * per transaction under load); readers use their own connection.  WAL mode,
 * versioned schema with migrations, FTS5 full-text index (written by the
 * same writer in later batches: a search sees an event within about a
 * second of its commit), indexes for event name, id and time.
 */
#pragma once

#include <gio/gio.h>

#include "botbench-types.h"
#include "botbench-event.h"

G_BEGIN_DECLS

#define BOTBENCH_EVENT_STORE_SCHEMA_VERSION 4

#define BOTBENCH_EVENT_STORE_ERROR (botbench_event_store_error_quark ())

typedef enum
{
  BOTBENCH_EVENT_STORE_ERROR_OPEN,       /* cannot open/create the database */
  BOTBENCH_EVENT_STORE_ERROR_CORRUPT,    /* not a Botbench database, or damaged */
  BOTBENCH_EVENT_STORE_ERROR_TOO_NEW,    /* schema version newer than this build */
  BOTBENCH_EVENT_STORE_ERROR_WRITE,      /* INSERT/COMMIT failed (disk full, …) */
  BOTBENCH_EVENT_STORE_ERROR_QUERY,      /* a read failed */
  BOTBENCH_EVENT_STORE_ERROR_CLOSED,     /* the store was closed */
  BOTBENCH_EVENT_STORE_ERROR_NOT_FOUND,  /* get(): no event with that id */
  BOTBENCH_EVENT_STORE_ERROR_BUSY,       /* insert: the writer is behind and the queue
                                          * stayed full for "queue-wait-ms"; the event
                                          * was not stored, try again later */
} BotbenchEventStoreError;

/* A page request.  Results are ordered by id, newest first unless ascending.
 * Keyset paging: pass the last id of the previous page as before_id
 * (descending) or after_id (ascending).  0 / NULL mean "no constraint". */
struct _BotbenchEventQuery
{
  const char *event_name;   /* exact match on the event name */
  const char *bot_id;       /* exact match on the bot id (not indexed: a scan) */
  const char *search;       /* full-text search, words ANDed, last word as prefix */
  gint64      before_id;    /* id < before_id */
  gint64      after_id;     /* id > after_id */
  gint64      since_us;     /* received >= since_us */
  guint       limit;        /* 0 = 100 */
  gboolean    ascending;
  const char *verified;     /* token state string ("verified", "wrong-token", "no-token",
                             * "unknown"), exact match, indexed */
  const char *source;       /* "listener", "fetched", "replay", "import": exact match
                             * (not indexed: a scan) */
};

#define BOTBENCH_TYPE_EVENT_STORE (botbench_event_store_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchEventStore, botbench_event_store, BOTBENCH, EVENT_STORE, GObject)

GQuark              botbench_event_store_error_quark       (void);

/* $XDG_DATA_HOME/botbench/events.db */
char               *botbench_event_store_dup_default_path  (void);

/* Opens (creating directories, the file and the schema, migrating older
 * schemas) and starts the writer thread.  Signals are emitted on the
 * thread-default main context of the caller.  path NULL = the default path.
 * Errors: OPEN, CORRUPT (not an SQLite file, or another program's
 * database), TOO_NEW (schema newer than BOTBENCH_EVENT_STORE_SCHEMA_VERSION). */
BotbenchEventStore *botbench_event_store_new               (const char          *path,
                                                            GError             **error);
const char         *botbench_event_store_get_path          (BotbenchEventStore  *self);
/* Flushes pending writes and stops the writer; later inserts fail with CLOSED. */
void                botbench_event_store_close             (BotbenchEventStore  *self);

/* Queues the event for the writer.  The callback runs on the caller's
 * thread-default main context once the transaction holding the event has
 * COMMITted; the event's id is then set.  Callable from any thread.
 *
 * The queue is bounded ("max-queued-events", "max-queued-bytes" of bodies).
 * When it is full the insert waits, without blocking the calling thread, up
 * to "queue-wait-ms" for room, then fails with BUSY; an insert that failed
 * is never stored.  The full-text index is not part of the commit: a search
 * finds the event a little later (well under a second when the writer keeps
 * up).  A forward the event carries (botbench_event_get_forward(), such as
 * the forwarder's pending one) is stored in the same transaction. */
void                botbench_event_store_insert_async      (BotbenchEventStore  *self,
                                                            BotbenchEvent       *event,
                                                            GCancellable        *cancellable,
                                                            GAsyncReadyCallback  callback,
                                                            gpointer             user_data);
gint64              botbench_event_store_insert_finish     (BotbenchEventStore  *self,
                                                            GAsyncResult        *result,
                                                            GError             **error);
/* Blocking convenience for tools and tests (not for the UI thread).  Waits
 * for room in a full queue as insert_async() does (then BUSY). */
gint64              botbench_event_store_insert            (BotbenchEventStore  *self,
                                                            BotbenchEvent       *event,
                                                            GError             **error);

/* Reads run on the calling thread with a per-thread read connection; a page
 * is small and indexed.  Returns BotbenchEvent objects (full rows). */
GPtrArray          *botbench_event_store_query             (BotbenchEventStore        *self,
                                                            const BotbenchEventQuery  *query,
                                                            GError                   **error);
/* Number of events matching the filter fields of query (ids/limit ignored
 * except before_id/after_id). */
gint64              botbench_event_store_count             (BotbenchEventStore        *self,
                                                            const BotbenchEventQuery  *query,
                                                            GError                   **error);
/* The id at 0-based offset in the query's order (for jumps in a long list); 0 if none. */
gint64              botbench_event_store_id_at_offset      (BotbenchEventStore        *self,
                                                            const BotbenchEventQuery  *query,
                                                            gint64                     offset,
                                                            GError                   **error);
/* The event with its forward (NOT_FOUND when there is none). */
BotbenchEvent      *botbench_event_store_get               (BotbenchEventStore  *self,
                                                            gint64               id,
                                                            GError             **error);
/* The same as botbench_event_store_get(). */
BotbenchEvent      *botbench_event_store_get_event         (BotbenchEventStore  *self,
                                                            gint64               id,
                                                            GError             **error);

/* Stores result as the event's latest forward (replacing an earlier one),
 * on the writer thread; nothing is stored when the event no longer exists.
 * Then "forward-recorded" is emitted.  The blocking variant is for tools
 * and tests. */
void                botbench_event_store_record_forward_async  (BotbenchEventStore    *self,
                                                                gint64                 event_id,
                                                                BotbenchForwardResult *result,
                                                                GCancellable          *cancellable,
                                                                GAsyncReadyCallback    callback,
                                                                gpointer               user_data);
gboolean            botbench_event_store_record_forward_finish (BotbenchEventStore    *self,
                                                                GAsyncResult          *result,
                                                                GError               **error);
gboolean            botbench_event_store_record_forward        (BotbenchEventStore    *self,
                                                                gint64                 event_id,
                                                                BotbenchForwardResult *result,
                                                                GError               **error);
/* The id of a stored event with the same received time, method, path,
 * query and body as event (an import's duplicate); 0 when there is none,
 * -1 on error. */
gint64              botbench_event_store_find_same         (BotbenchEventStore  *self,
                                                            BotbenchEvent       *event,
                                                            GError             **error);
gint64              botbench_event_store_get_last_id       (BotbenchEventStore  *self);

/* Fetch mode (imbot.v2.Event.get).  Stores events (each marked with
 * botbench_event_set_fetched() for portal and bot_id) and next_offset as
 * the bot's fetch state in ONE transaction, so the offset a restart sends
 * never acknowledges an event that is not stored.  An event whose portal
 * event id is already stored for that bot is skipped (a re-delivery).
 * The result is the events newly stored, in order, their ids set.  The
 * stored offset never goes back.  The blocking variant is for tools and
 * tests. */
void                botbench_event_store_commit_fetched_async  (BotbenchEventStore  *self,
                                                                const char          *portal,
                                                                gint64               bot_id,
                                                                GPtrArray           *events,
                                                                gint64               next_offset,
                                                                GCancellable        *cancellable,
                                                                GAsyncReadyCallback  callback,
                                                                gpointer             user_data);
GPtrArray          *botbench_event_store_commit_fetched_finish (BotbenchEventStore  *self,
                                                                GAsyncResult        *result,
                                                                GError             **error);
GPtrArray          *botbench_event_store_commit_fetched        (BotbenchEventStore  *self,
                                                                const char          *portal,
                                                                gint64               bot_id,
                                                                GPtrArray           *events,
                                                                gint64               next_offset,
                                                                GError             **error);
/* The offset to send next for portal's bot_id (0 when nothing was ever
 * committed) and, if last_event_id is not NULL, the newest portal event id
 * stored for it.  A small indexed read on the calling thread. */
gboolean            botbench_event_store_get_fetch_offset      (BotbenchEventStore  *self,
                                                                const char          *portal,
                                                                gint64               bot_id,
                                                                gint64              *next_offset,
                                                                gint64              *last_event_id,
                                                                GError             **error);
/* Distinct event names seen, sorted. */
char              **botbench_event_store_list_event_names  (BotbenchEventStore  *self,
                                                            GError             **error);

/* Retention: keep at most keep_count events and none older than keep_days
 * (0 = unlimited).  Applied now and then by the writer after commits
 * (every 1000 inserts or 60 s, and when idle for 60 s); setting the
 * limits also queues one background pass.  Emits "events-removed". */
void                botbench_event_store_set_retention     (BotbenchEventStore  *self,
                                                            guint                keep_count,
                                                            guint                keep_days);
/* Applies retention immediately; returns the number of events this call
 * deleted, -1 on error.  Runs on the writer, after any work queued before
 * it (such as the pass queued by set_retention). */
gint64              botbench_event_store_apply_retention   (BotbenchEventStore  *self,
                                                            GError             **error);
gboolean            botbench_event_store_clear             (BotbenchEventStore  *self,
                                                            GError             **error);

/* Properties (read-write, any time):
 *   "max-queued-events" (guint, default 10000)   inserts queued or in the
 *                                                current transaction;
 *   "max-queued-bytes"  (guint64, default 64 MiB) their bodies, in bytes
 *                                                (one event is always let in
 *                                                when the queue is empty);
 *   "queue-wait-ms"     (guint, default 2000)     how long an insert waits
 *                                                for room before BUSY.
 *
 * Signals (on the creating thread's main context):
 *   "events-added"   (gint64 last_id)  batched: at most ~10 emissions per second,
 *                                      and never later than ~100 ms after a commit;
 *                                      also after the full-text index caught up
 *                                      (last_id unchanged then);
 *   "events-removed" ()                after retention or clear deleted rows;
 *   "forward-recorded" (gint64 event_id) after record_forward committed. */

G_END_DECLS
