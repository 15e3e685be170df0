/* botbench-event-store-internal.h: what the event store's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The instance struct, the writer's jobs and the functions one part of the
 * store calls in another.  Not for tests (they use
 * botbench-event-store-private.h): only the botbench-event-store*.c files
 * include this.
 *
 *   botbench-event-store.c            the GObject, open/close, inserts,
 *                                     retention settings, notifications
 *   botbench-event-store-queue.c      jobs for the writer, the bounded
 *                                     queue and its back-pressure
 *   botbench-event-store-schema.c     connections, SQLite errors, schema
 *                                     checks and migrations
 *   botbench-event-store-writer.c     the writer thread: group commits
 *   botbench-event-store-index.c      the full-text index, written later
 *                                     by the same writer
 *   botbench-event-store-retention.c  retention and clear (writer side)
 *   botbench-event-store-query.c      readers: connection pool, queries
 */

#pragma once

#include <sqlite3.h>

#include "botbench-event-store.h"
#include "botbench-event-store-private.h"

G_BEGIN_DECLS

/* The writer applies retention after this long at the latest (after
 * commits, or when idle). */
#define RETENTION_EVERY_US       (60 * G_TIME_SPAN_SECOND)

/* Full-text indexing: rows per transaction when the insert queue is empty
 * (short, so a new insert waits little), when forced under load, and at
 * open; when indexing is forced although inserts are queued (a pending
 * event holds its text, about 700 bytes; the oldest waits at most about
 * FTS_FORCE_DELAY_US plus one chunk, well within the promised second). */
#define FTS_IDLE_CHUNK           256
#define FTS_BUSY_CHUNK           1024
#define FTS_CATCHUP_CHUNK        4096
#define FTS_FORCE_ROWS           8192
#define FTS_FORCE_DELAY_US       (500 * G_TIME_SPAN_MILLISECOND)
#define FTS_RETRY_US             (1 * G_TIME_SPAN_SECOND)

typedef enum
{
  JOB_INSERT,
  JOB_RETENTION,
  JOB_CLEAR,
  JOB_DISK_FULL,
  JOB_WAKE,
  JOB_FORWARD,
  JOB_FETCHED,
  JOB_STOP,
} JobKind;

/* A synchronous caller waits on this until the writer is done. */
typedef struct
{
  GMutex    mutex;
  GCond     cond;
  gboolean  done;
  gint64    result;
  GError   *error;
} Waiter;

typedef struct
{
  JobKind        kind;
  BotbenchEvent *event;
  char          *headers_json;
  GTask         *task;
  Waiter        *waiter;
  gboolean       flag;
  gboolean       finished;
  gboolean       counted;   /* in queued_events / queued_bytes */
  gsize          bytes;     /* body size, for the byte budget */
  gint64         id;
  /* After the commit, what the full-text index needs (the event itself,
   * decoded, is ten times bigger and is let go at once). */
  gint64         committed_us;
  char          *fts_event_name;
  char          *fts_message;
  char          *fts_search_text;
  /* JOB_FORWARD: the handler's answer for event id */
  BotbenchForwardResult *forward;
  /* JOB_FETCHED: events fetched from a portal and the bot's next offset */
  struct _FetchCommit   *fetch;
} Job;

/* JOB_FETCHED (botbench-event-store-fetch.c): events stored with the
 * bot's fetch state in one transaction. */
typedef struct _FetchCommit
{
  char      *portal;
  gint64     bot_id;
  gint64     next_offset;
  GPtrArray *events;     /* BotbenchEvent, in portal order */
  GPtrArray *stored;     /* those newly stored (set by the writer) */
} FetchCommit;

typedef struct
{
  sqlite3    *db;
  GHashTable *stmts;   /* SQL → sqlite3_stmt */
} ReadConn;

struct _BotbenchEventStore
{
  GObject        parent_instance;

  char          *path;
  GMainContext  *main_context;

  /* lock protects closed, the queue's producers, idle_readers and the
   * back-pressure state; room_cond is signalled when room frees up. */
  GMutex         lock;
  gboolean       closed;
  GAsyncQueue   *queue;
  GThread       *writer;
  GPtrArray     *idle_readers;
  GCond          room_cond;
  GQueue         waiting;           /* WaitEntry, oldest first */
  guint          queued_events;
  guint64        queued_bytes;
  guint          max_queued_events;
  guint64        max_queued_bytes;
  guint          queue_wait_ms;

  /* state_lock protects last_id, indexed_id and the retention settings;
   * indexed_cond is signalled when indexed_id moves. */
  GMutex         state_lock;
  GCond          indexed_cond;
  gint64         last_id;
  gint64         indexed_id;
  guint          keep_count;
  guint          keep_days;

  gint           index_urgent;      /* atomic: someone waits for the index */
  gint           index_paused;      /* atomic: test hook */
  gint           writer_delay_ms;   /* atomic: test hook */

  /* notify_lock protects notify_source, last_notify_us and disposed. */
  GMutex         notify_lock;
  GSource       *notify_source;
  gint64         last_notify_us;
  gboolean       disposed;
  gint           added_pending;     /* atomic */
  gint           removed_pending;   /* atomic */
  /* Also under notify_lock: ids whose forward was recorded, not yet
   * announced, and the source that announces them. */
  GArray        *forward_ids;
  GSource       *forward_source;

  /* Owned by the writer thread once it runs. */
  sqlite3       *wdb;
  sqlite3_stmt  *insert_stmt;
  sqlite3_stmt  *insert_fts_stmt;
  sqlite3_stmt  *fts_scan_stmt;
  sqlite3_stmt  *fts_row_stmt;
  sqlite3_stmt  *forward_stmt;
  sqlite3_stmt  *fetch_seen_stmt;
  sqlite3_stmt  *fetch_state_stmt;
  gint64         default_max_page_count;
  guint          inserts_since_retention;
  gint64         last_retention_us;
  gboolean       retention_more;
  GQueue         fts_pending;       /* committed insert Jobs (text only), by id */
  gboolean       fts_dirty;         /* rows may wait that are not in fts_pending */
  gint64         fts_retry_us;      /* after a failed indexing transaction */
};

/* The FTS5 table as the latest schema has it; clear() recreates it. */
#define FTS_TABLE_SQL \
  "CREATE VIRTUAL TABLE events_fts USING fts5 (\n" \
  "  event_name, message, search_text,\n" \
  "  tokenize = 'unicode61 remove_diacritics 2'\n" \
  ");\n"

/* A full row, in the order _botbench_event_store_event_from_row() reads. */
#define ROW_COLUMNS \
  "e.id, e.received, e.remote, e.method, e.path, e.query, e.headers, " \
  "e.content_type, e.body, e.size, e.event_name, e.bot_id, e.bot_code, e.message, " \
  "e.replay_of, e.verified, e.rejected, fw.event_id, fw.url, fw.state, fw.status, " \
  "fw.duration_ms, fw.error, fw.response_headers, fw.response_body, fw.response_size, " \
  "fw.finished, e.source, e.fetch_portal, e.fetch_bot, e.fetch_event_id"

/* Joined wherever ROW_COLUMNS are read: the event's latest forward. */
#define ROW_JOIN " LEFT JOIN forwards fw ON fw.event_id = e.id"

static inline gboolean
is_set (const char *str)
{
  return str != NULL && *str != '\0';
}

static inline void
bind_text (sqlite3_stmt *stmt,
           int           index_,
           const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index_, text, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, index_);
}

static inline const char *
column_text (sqlite3_stmt *stmt,
             int           column)
{
  return (const char *)sqlite3_column_text (stmt, column);
}

/* botbench-event-store.c */
void           _botbench_event_store_schedule_notify        (BotbenchEventStore  *self);
/* Any thread: "forward-recorded" (event_id) on the store's main context. */
void           _botbench_event_store_emit_forward_recorded  (BotbenchEventStore  *self,
                                                             gint64               event_id);

/* botbench-event-store-queue.c */
Job           *_botbench_event_store_job_new                (JobKind              kind);
Job           *_botbench_event_store_job_new_insert         (BotbenchEvent       *event);
void           _botbench_event_store_job_free               (Job                 *job);
void           _botbench_event_store_job_finish             (Job                 *job,
                                                             gint64               result,
                                                             GError              *error);
gboolean       _botbench_event_store_push_job               (BotbenchEventStore  *self,
                                                             Job                 *job);
void           _botbench_event_store_set_closed_error       (GError             **error);
GError        *_botbench_event_store_new_busy_error         (void);
gboolean       _botbench_event_store_has_room_locked        (BotbenchEventStore  *self,
                                                             gsize                bytes);
void           _botbench_event_store_admit_locked           (BotbenchEventStore  *self,
                                                             Job                 *job);
void           _botbench_event_store_admit_waiting_locked   (BotbenchEventStore  *self,
                                                             gboolean             force);
void           _botbench_event_store_wait_for_room_locked   (BotbenchEventStore  *self,
                                                             Job                 *job);
void           _botbench_event_store_release_room           (BotbenchEventStore  *self,
                                                             guint                n,
                                                             guint64              bytes);
gint64         _botbench_event_store_run_job_sync           (BotbenchEventStore  *self,
                                                             Job                 *job,
                                                             GError             **error);

/* botbench-event-store-schema.c */
void           _botbench_event_store_set_sqlite_error       (GError             **error,
                                                             sqlite3             *db,
                                                             int                  rc,
                                                             int                  code,
                                                             const char          *what);
gboolean       _botbench_event_store_exec_sql               (sqlite3             *db,
                                                             const char          *sql,
                                                             int                  code,
                                                             GError             **error);
void           _botbench_event_store_rollback               (sqlite3             *db);
gboolean       _botbench_event_store_query_int64            (sqlite3             *db,
                                                             const char          *sql,
                                                             gint64              *out,
                                                             int                  code,
                                                             GError             **error);
sqlite3       *_botbench_event_store_open_connection        (const char          *path,
                                                             GError             **error);
gboolean       _botbench_event_store_prepare_writer         (BotbenchEventStore  *self,
                                                             GError             **error);

/* botbench-event-store-writer.c */
gpointer       _botbench_event_store_writer_thread          (gpointer             data);
/* Inserts job's event (and its forward) inside the open transaction. */
int            _botbench_event_store_writer_insert_one      (BotbenchEventStore  *self,
                                                             Job                 *job);
/* After a COMMIT: publishes the ids, answers the callers and moves the
 * committed jobs (taken out of batch) to the full-text queue. */
void           _botbench_event_store_writer_committed       (BotbenchEventStore  *self,
                                                             GPtrArray           *batch,
                                                             guint                n_rows);

/* botbench-event-store-fetch.c */
void           _botbench_event_store_fetch_commit_free      (FetchCommit         *fetch);
void           _botbench_event_store_writer_fetched         (BotbenchEventStore  *self,
                                                             Job                 *job);

/* botbench-event-store-index.c */
gint64         _botbench_event_store_writer_index_due_us    (BotbenchEventStore  *self);
gboolean       _botbench_event_store_writer_index_forced    (BotbenchEventStore  *self,
                                                             gint64               now);
void           _botbench_event_store_publish_indexed_id     (BotbenchEventStore  *self,
                                                             gint64               indexed_id);
void           _botbench_event_store_writer_index_some      (BotbenchEventStore  *self,
                                                             guint                max_rows);
gboolean       _botbench_event_store_writer_index_all       (BotbenchEventStore  *self,
                                                             GError             **error);

/* botbench-event-store-retention.c */
gint64         _botbench_event_store_writer_retention_all   (BotbenchEventStore  *self,
                                                             GError             **error);
void           _botbench_event_store_writer_maybe_retention (BotbenchEventStore  *self,
                                                             gboolean             force);
gint64         _botbench_event_store_writer_clear           (BotbenchEventStore  *self,
                                                             GError             **error);

/* botbench-event-store-query.c */
void           _botbench_event_store_read_conn_free         (ReadConn            *conn);
BotbenchEvent *_botbench_event_store_event_from_row         (sqlite3_stmt        *stmt);

G_END_DECLS
