/* botbench-event-store.c: durable SQLite store of received events
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Threads and connections
 *   One writer thread owns the only writing connection.  insert_async() and
 *   the other writing calls push a Job onto a GAsyncQueue; the writer pops
 *   one job (blocking), drains up to MAX_BATCH more queued inserts, and
 *   writes them in one BEGIN IMMEDIATE … COMMIT (group commit).  Only then
 *   does each event get its id and its GTask return, so a caller that
 *   answers "200" from its callback never acknowledges an event that is not
 *   in the database.  Readers borrow a connection from a small pool (one
 *   connection is used by one thread at a time) with cached prepared
 *   statements; in WAL mode they never block the writer or each other.
 *
 * Full-text index
 *   The FTS5 rows are not part of the acknowledged transaction.  Committed
 *   events wait in fts_pending (their text, taken from the decoded event
 *   after the callers got their answer) and the same writer indexes
 *   them in later transactions: as soon as the insert queue is empty, and
 *   under sustained load at least every FTS_FORCE_DELAY_US or
 *   FTS_FORCE_ROWS events.  The table fts_state holds the watermark: every
 *   event with id <= indexed_id is indexed.  An indexing transaction reads
 *   the watermark, indexes the stored rows above it in id order (from
 *   fts_pending, or read back from the table when not there: after a crash,
 *   or rows of another process) and moves it, so the index never holds a
 *   row twice and catches up at open after a kill -9.  A search joins the
 *   index with the table, so a row not indexed yet is missing from results,
 *   never wrong.  Retention deletes both rows (deleting an FTS row that is
 *   not there yet is a no-op); clear empties both and moves the watermark.
 *
 * Back-pressure
 *   At most max_queued_events inserts (and max_queued_bytes of bodies) are
 *   queued or being written.  Beyond that an async insert waits in the
 *   waiting list, in order, with a timer on the caller's main context: the
 *   writer admits waiting inserts as it commits, and the timer fails those
 *   still waiting with BUSY.  Whoever takes the job off the list under the
 *   lock decides its fate, so a BUSY insert never reaches the database.
 *
 * Durability
 *   journal_mode=WAL with synchronous=NORMAL.  COMMIT appends the
 *   transaction to the -wal file with write(2) before it returns, so once
 *   an insert has completed the event survives the process being killed
 *   (kill -9, crash, OOM killer): the next open replays the WAL.  Only an
 *   operating-system crash or power loss can lose the last transactions
 *   (never corrupt the file), because the WAL is fsync()ed at checkpoints
 *   rather than at every COMMIT; synchronous=FULL would close that window
 *   at the price of one fsync per group commit.
 *
 * Notifications
 *   The writer never emits signals.  After a COMMIT it sets an atomic
 *   "pending" flag and, unless one is already scheduled, attaches one
 *   timeout source to the main context that created the store.  The source
 *   fires no sooner than NOTIFY_INTERVAL after the previous emission and no
 *   later than NOTIFY_INTERVAL after the commit, so "events-added" and
 *   "events-removed" come at most ~10 times a second under any load.
 *
 * Schema
 *   Versioned with PRAGMA user_version and tagged with PRAGMA
 *   application_id.  migrations[] lists the steps; all missing steps run in
 *   one transaction at open.  Ids use AUTOINCREMENT so they never go back,
 *   even after retention or clear removed the newest rows.
 */

#define G_LOG_DOMAIN "botbench-event-store"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "botbench-event-private.h"
#include "botbench-event-store.h"
#include "botbench-event-store-private.h"

#define BUSY_TIMEOUT_MS          10000
#define MAX_BATCH                512
#define MAX_IDLE_READERS         8
#define NOTIFY_INTERVAL_US       (100 * G_TIME_SPAN_MILLISECOND)
#define RETENTION_EVERY_INSERTS  1000
#define RETENTION_EVERY_US       (60 * G_TIME_SPAN_SECOND)
#define RETENTION_CHUNK          5000
#define DEFAULT_LIMIT            100
#define JOURNAL_SIZE_LIMIT       (32 * 1024 * 1024)
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
/* Back-pressure defaults (the properties). */
#define DEFAULT_MAX_QUEUED_EVENTS 10000
#define DEFAULT_MAX_QUEUED_BYTES  (G_GUINT64_CONSTANT (64) * 1024 * 1024)
#define DEFAULT_QUEUE_WAIT_MS     2000
/* "BtBE": PRAGMA application_id of a Botbench event database. */
#define APPLICATION_ID           0x42744245

typedef enum
{
  JOB_INSERT,
  JOB_RETENTION,
  JOB_CLEAR,
  JOB_DISK_FULL,
  JOB_WAKE,
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
} Job;

/* An insert waiting for room in the queue.  Two references: the waiting
 * list's and the timer's; job is NULL once someone took it.  No reference
 * on the store (its last one could then go on the writer, under the lock):
 * while the job waits its task holds one, and once the job is taken the
 * timer is destroyed before the task can complete on the same context. */
typedef struct
{
  gint                ref_count;   /* atomic */
  BotbenchEventStore *store;
  Job                *job;
  GSource            *timer;
  GList               link;        /* in waiting; data = the entry */
} WaitEntry;

typedef struct
{
  sqlite3    *db;
  GHashTable *stmts;   /* SQL → sqlite3_stmt */
} ReadConn;

typedef enum
{
  SELECT_ROWS,
  SELECT_COUNT,
  SELECT_ID,
} SelectKind;

/* Parameter numbers of the generated SELECTs. */
enum
{
  PARAM_MATCH = 1,
  PARAM_EVENT_NAME,
  PARAM_BOT_ID,
  PARAM_BEFORE,
  PARAM_AFTER,
  PARAM_SINCE,
  PARAM_LIMIT,
  PARAM_OFFSET,
};

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

  /* Owned by the writer thread once it runs. */
  sqlite3       *wdb;
  sqlite3_stmt  *insert_stmt;
  sqlite3_stmt  *insert_fts_stmt;
  sqlite3_stmt  *fts_scan_stmt;
  sqlite3_stmt  *fts_row_stmt;
  gint64         default_max_page_count;
  guint          inserts_since_retention;
  gint64         last_retention_us;
  gboolean       retention_more;
  GQueue         fts_pending;       /* committed insert Jobs (text only), by id */
  gboolean       fts_dirty;         /* rows may wait that are not in fts_pending */
  gint64         fts_retry_us;      /* after a failed indexing transaction */
};

G_DEFINE_FINAL_TYPE (BotbenchEventStore, botbench_event_store, G_TYPE_OBJECT)

G_DEFINE_QUARK (botbench-event-store-error-quark, botbench_event_store_error)

enum {
  EVENTS_ADDED,
  EVENTS_REMOVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

enum {
  PROP_0,
  PROP_MAX_QUEUED_EVENTS,
  PROP_MAX_QUEUED_BYTES,
  PROP_QUEUE_WAIT_MS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The FTS5 table as the latest schema has it; clear() recreates it. */
#define FTS_TABLE_SQL \
  "CREATE VIRTUAL TABLE events_fts USING fts5 (\n" \
  "  event_name, message, search_text,\n" \
  "  tokenize = 'unicode61 remove_diacritics 2'\n" \
  ");\n"

typedef struct
{
  int         version;   /* user_version once this step is applied */
  const char *sql;
} Migration;

/* Append new steps; never edit a step that has shipped. */
static const Migration migrations[] = {
  { 1,
    "CREATE TABLE events (\n"
    "  id           INTEGER PRIMARY KEY AUTOINCREMENT,\n"
    "  received     INTEGER NOT NULL,\n"
    "  remote       TEXT,\n"
    "  method       TEXT,\n"
    "  path         TEXT,\n"
    "  query        TEXT,\n"
    "  headers      TEXT NOT NULL DEFAULT '[]',\n"
    "  content_type TEXT,\n"
    "  body         BLOB NOT NULL,\n"
    "  size         INTEGER NOT NULL,\n"
    "  event_name   TEXT NOT NULL DEFAULT '',\n"
    "  bot_id       TEXT NOT NULL DEFAULT '',\n"
    "  bot_code     TEXT NOT NULL DEFAULT '',\n"
    "  message      TEXT NOT NULL DEFAULT ''\n"
    ");\n"
    /* Narrow rowid-ordered index: counts and deep offsets scan it instead
     * of the table, whose rows are kilobytes long. */
    "CREATE INDEX events_id ON events (id);\n"
    "CREATE INDEX events_event_name ON events (event_name);\n"
    "CREATE INDEX events_bot_id ON events (bot_id);\n"
    "CREATE INDEX events_received ON events (received);\n"
    FTS_TABLE_SQL },
  { 2,
    /* No caller filters by bot id; the index cost every insert (~2 µs).
     * events_id stays although it repeats the rowid: counts and deep
     * offsets (id_at_offset, retention by count) scan it instead of the
     * table, whose rows are kilobytes long (50× faster at 150,000 rows). */
    "DROP INDEX events_bot_id;\n"
    /* The full-text index is written after the commit that acknowledges
     * an event; every event up to indexed_id is indexed.  Version 1
     * indexed in the same transaction, so everything stored is. */
    "CREATE TABLE fts_state (\n"
    "  id         INTEGER PRIMARY KEY CHECK (id = 1),\n"
    "  indexed_id INTEGER NOT NULL\n"
    ");\n"
    "INSERT INTO fts_state (id, indexed_id) VALUES (1, max ("
    "coalesce ((SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0), "
    "coalesce ((SELECT max (id) FROM events), 0)));\n" },
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == BOTBENCH_EVENT_STORE_SCHEMA_VERSION);

#define ROW_COLUMNS \
  "e.id, e.received, e.remote, e.method, e.path, e.query, e.headers, " \
  "e.content_type, e.body, e.size, e.event_name, e.bot_id, e.bot_code, e.message"

static void           schedule_notify (BotbenchEventStore *self);
static BotbenchEvent *event_from_row  (sqlite3_stmt       *stmt);

/* ---- small helpers ------------------------------------------------------ */

static gboolean
is_set (const char *str)
{
  return str != NULL && *str != '\0';
}

static int
sqlite_error_to_code (int rc,
                      int fallback)
{
  switch (rc & 0xff)
    {
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return BOTBENCH_EVENT_STORE_ERROR_CORRUPT;
    default:
      return fallback;
    }
}

static void
set_sqlite_error (GError     **error,
                  sqlite3     *db,
                  int          rc,
                  int          code,
                  const char  *what)
{
  code = sqlite_error_to_code (rc, code);
  g_set_error (error, BOTBENCH_EVENT_STORE_ERROR, code, "%s: %s", what,
               db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
}

static gboolean
exec_sql (sqlite3     *db,
          const char  *sql,
          int          code,
          GError     **error)
{
  int rc = sqlite3_exec (db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      set_sqlite_error (error, db, rc, code, _("Database error"));
      return FALSE;
    }

  return TRUE;
}

static void
rollback (sqlite3 *db)
{
  if (!sqlite3_get_autocommit (db))
    sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
}

/* Runs a statement that returns one integer (a PRAGMA, a count). */
static gboolean
query_int64 (sqlite3     *db,
             const char  *sql,
             gint64      *out,
             int          code,
             GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  *out = 0;
  rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          *out = sqlite3_column_int64 (stmt, 0);
          rc = SQLITE_OK;
        }
      else if (rc == SQLITE_DONE)
        rc = SQLITE_OK;
    }

  if (rc != SQLITE_OK)
    set_sqlite_error (error, db, rc, code, _("Database error"));

  sqlite3_finalize (stmt);
  return rc == SQLITE_OK;
}

static sqlite3 *
open_connection (const char  *path,
                 GError     **error)
{
  sqlite3 *db = NULL;
  int rc;

  rc = sqlite3_open_v2 (path, &db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, BOTBENCH_EVENT_STORE_ERROR, BOTBENCH_EVENT_STORE_ERROR_OPEN,
                   _("Cannot open the event database “%s”: %s"), path,
                   db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
      sqlite3_close (db);
      return NULL;
    }

  sqlite3_extended_result_codes (db, 1);
  sqlite3_busy_timeout (db, BUSY_TIMEOUT_MS);

  return db;
}

static void
bind_text (sqlite3_stmt *stmt,
           int           index_,
           const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index_, text, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, index_);
}

static const char *
column_text (sqlite3_stmt *stmt,
             int           column)
{
  return (const char *)sqlite3_column_text (stmt, column);
}

/* ---- waiters and jobs ----------------------------------------------------- */

static void
waiter_init (Waiter *waiter)
{
  memset (waiter, 0, sizeof *waiter);
  g_mutex_init (&waiter->mutex);
  g_cond_init (&waiter->cond);
}

static void
waiter_clear (Waiter *waiter)
{
  g_mutex_clear (&waiter->mutex);
  g_cond_clear (&waiter->cond);
  g_clear_error (&waiter->error);
}

static void
waiter_wait (Waiter *waiter)
{
  g_mutex_lock (&waiter->mutex);
  while (!waiter->done)
    g_cond_wait (&waiter->cond, &waiter->mutex);
  g_mutex_unlock (&waiter->mutex);
}

/* Takes error.  The waiter must not be touched afterwards: it lives on
 * the waiting thread's stack. */
static void
waiter_complete (Waiter *waiter,
                 gint64  result,
                 GError *error)
{
  g_mutex_lock (&waiter->mutex);
  waiter->result = result;
  waiter->error = error;
  waiter->done = TRUE;
  g_cond_signal (&waiter->cond);
  g_mutex_unlock (&waiter->mutex);
}

static Job *
job_new (JobKind kind)
{
  Job *job = g_new0 (Job, 1);

  job->kind = kind;
  return job;
}

/* Cheap on the caller's thread (the listener's): decoding the body for the
 * summary and the search text is left to the writer, which has a core of
 * its own.  BotbenchEvent decodes once, whichever thread asks first. */
static Job *
job_new_insert (BotbenchEvent *event)
{
  Job *job = job_new (JOB_INSERT);
  GBytes *body = botbench_event_get_body (event);

  job->event = g_object_ref (event);
  job->bytes = body != NULL ? g_bytes_get_size (body) : 0;

  return job;
}

static void
job_free (Job *job)
{
  if (job == NULL)
    return;

  g_clear_object (&job->event);
  g_clear_object (&job->task);
  g_free (job->headers_json);
  g_free (job->fts_event_name);
  g_free (job->fts_message);
  g_free (job->fts_search_text);
  g_free (job);
}

typedef struct
{
  GTask  *task;
  GError *error;
} TaskReturn;

static gboolean
task_return_cb (gpointer data)
{
  TaskReturn *ret = data;

  if (ret->error != NULL)
    g_task_return_error (ret->task, g_steal_pointer (&ret->error));
  else
    g_task_return_boolean (ret->task, TRUE);

  return G_SOURCE_REMOVE;
}

static void
task_return_free (gpointer data)
{
  TaskReturn *ret = data;

  g_clear_error (&ret->error);
  g_clear_object (&ret->task);
  g_free (ret);
}

/* Returns the task from its own context, and drops it there.  Were the
 * writer to return it and then unref it, its unref could be the last one
 * (the callback may already have run), finalizing the task on the writer
 * thread, and with it possibly the store, whose dispose joins the writer. */
static void
task_return_on_context (GTask  *task,
                        GError *error)
{
  TaskReturn *ret = g_new0 (TaskReturn, 1);
  GSource *source;

  ret->task = task;
  ret->error = error;

  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, task_return_cb, ret, task_return_free);
  g_source_set_static_name (source, "[botbench] event stored");
  g_source_attach (source, g_task_get_context (task));
  g_source_unref (source);
}

/* Ends a job with a result or an error (taken). */
static void
job_finish (Job    *job,
            gint64  result,
            GError *error)
{
  g_assert (!job->finished);

  job->finished = TRUE;

  if (job->task != NULL)
    {
      task_return_on_context (g_steal_pointer (&job->task), error);
    }
  else if (job->waiter != NULL)
    {
      waiter_complete (g_steal_pointer (&job->waiter), result, error);
    }
  else if (error != NULL)
    {
      g_debug ("Background job failed: %s", error->message);
      g_error_free (error);
    }
}

static gboolean
push_job (BotbenchEventStore *self,
          Job                *job)
{
  gboolean pushed = FALSE;

  g_mutex_lock (&self->lock);
  if (!self->closed)
    {
      g_async_queue_push (self->queue, job);
      pushed = TRUE;
    }
  g_mutex_unlock (&self->lock);

  return pushed;
}

static void
set_closed_error (GError **error)
{
  g_set_error_literal (error, BOTBENCH_EVENT_STORE_ERROR, BOTBENCH_EVENT_STORE_ERROR_CLOSED,
                       _("The event store is closed"));
}

static GError *
new_busy_error (void)
{
  return g_error_new_literal (BOTBENCH_EVENT_STORE_ERROR, BOTBENCH_EVENT_STORE_ERROR_BUSY,
                              _("The event was not stored: the writer is behind, try again later"));
}

/* ---- back-pressure ---------------------------------------------------------- */

/* With lock held.  An empty queue always takes one event, however big. */
static gboolean
has_room_locked (BotbenchEventStore *self,
                 gsize               bytes)
{
  return self->queued_events == 0 ||
         (self->queued_events < self->max_queued_events &&
          self->queued_bytes + bytes <= self->max_queued_bytes);
}

/* With lock held: counts an insert and hands it to the writer. */
static void
admit_locked (BotbenchEventStore *self,
              Job                *job)
{
  job->counted = TRUE;
  self->queued_events++;
  self->queued_bytes += job->bytes;
  g_async_queue_push (self->queue, job);
}

static void
wait_entry_unref (gpointer data)
{
  WaitEntry *entry = data;

  if (!g_atomic_int_dec_and_test (&entry->ref_count))
    return;

  g_assert (entry->job == NULL);
  g_clear_pointer (&entry->timer, g_source_unref);
  g_free (entry);
}

/* With lock held: takes the entry off the waiting list and stops its timer
 * (the callback, if it is running already, finds no job).  Returns the job. */
static Job *
wait_entry_take_locked (BotbenchEventStore *self,
                        WaitEntry          *entry)
{
  Job *job = g_steal_pointer (&entry->job);

  g_queue_unlink (&self->waiting, &entry->link);
  g_source_destroy (entry->timer);
  wait_entry_unref (entry);

  return job;
}

/* With lock held: lets waiting inserts in, oldest first, while there is room. */
static void
admit_waiting_locked (BotbenchEventStore *self,
                      gboolean            force)
{
  while (self->waiting.head != NULL)
    {
      WaitEntry *entry = self->waiting.head->data;

      if (!force && !has_room_locked (self, entry->job->bytes))
        break;

      admit_locked (self, wait_entry_take_locked (self, entry));
    }
}

/* On the caller's context: the insert waited long enough. */
static gboolean
wait_entry_expired_cb (gpointer data)
{
  WaitEntry *entry = data;
  BotbenchEventStore *self = entry->store;
  Job *job;

  g_mutex_lock (&self->lock);
  job = g_steal_pointer (&entry->job);
  if (job != NULL)
    {
      g_queue_unlink (&self->waiting, &entry->link);
      g_debug ("Insert queue full (%u events, %" G_GUINT64_FORMAT " bytes) for %u ms: busy",
               self->queued_events, self->queued_bytes, self->queue_wait_ms);
    }
  g_mutex_unlock (&self->lock);

  if (job != NULL)
    {
      job_finish (job, 0, new_busy_error ());
      job_free (job);
      /* The waiting list's reference. */
      wait_entry_unref (entry);
    }

  return G_SOURCE_REMOVE;
}

/* With lock held: queues an insert that found no room. */
static void
wait_for_room_locked (BotbenchEventStore *self,
                      Job                *job)
{
  WaitEntry *entry = g_new0 (WaitEntry, 1);

  entry->ref_count = 2;
  entry->store = self;
  entry->job = job;
  entry->link.data = entry;
  entry->timer = g_timeout_source_new (self->queue_wait_ms);
  g_source_set_priority (entry->timer, G_PRIORITY_DEFAULT);
  g_source_set_callback (entry->timer, wait_entry_expired_cb, entry, wait_entry_unref);
  g_source_set_static_name (entry->timer, "[botbench] insert waits for room");
  g_queue_push_tail_link (&self->waiting, &entry->link);
  g_source_attach (entry->timer, g_task_get_context (job->task));
}

/* Writer: n inserts and their bytes left the queue (written or failed). */
static void
release_room (BotbenchEventStore *self,
              guint               n,
              guint64             bytes)
{
  if (n == 0)
    return;

  g_mutex_lock (&self->lock);
  g_assert (self->queued_events >= n && self->queued_bytes >= bytes);
  self->queued_events -= n;
  self->queued_bytes -= bytes;
  admit_waiting_locked (self, FALSE);
  g_cond_broadcast (&self->room_cond);
  g_mutex_unlock (&self->lock);
}

/* Pushes a job and waits for the writer to finish it.  An insert first
 * waits for room, as long as an async one would. */
static gint64
run_job_sync (BotbenchEventStore  *self,
              Job                 *job,
              GError             **error)
{
  Waiter waiter;
  gint64 result;
  gboolean closed;
  gboolean busy = FALSE;

  waiter_init (&waiter);
  job->waiter = &waiter;

  g_mutex_lock (&self->lock);
  if (job->kind == JOB_INSERT)
    {
      gint64 deadline = g_get_monotonic_time () + (gint64)self->queue_wait_ms * G_TIME_SPAN_MILLISECOND;

      while (!self->closed && (self->waiting.head != NULL || !has_room_locked (self, job->bytes)))
        {
          if (!g_cond_wait_until (&self->room_cond, &self->lock, deadline))
            {
              busy = !self->closed &&
                     (self->waiting.head != NULL || !has_room_locked (self, job->bytes));
              break;
            }
        }
    }
  closed = self->closed;
  if (!closed && !busy)
    {
      if (job->kind == JOB_INSERT)
        admit_locked (self, job);
      else
        g_async_queue_push (self->queue, job);
    }
  g_mutex_unlock (&self->lock);

  if (closed || busy)
    {
      job_free (job);
      waiter_clear (&waiter);
      if (closed)
        set_closed_error (error);
      else
        g_propagate_error (error, new_busy_error ());
      return -1;
    }

  waiter_wait (&waiter);

  result = waiter.result;
  if (waiter.error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&waiter.error));
      result = -1;
    }

  waiter_clear (&waiter);
  return result;
}

/* ---- schema ------------------------------------------------------------- */

static gboolean
has_foreign_tables (sqlite3  *db,
                    gboolean *out,
                    GError  **error)
{
  gint64 n;

  if (!query_int64 (db, "SELECT count(*) FROM sqlite_master", &n,
                    BOTBENCH_EVENT_STORE_ERROR_OPEN, error))
    return FALSE;

  *out = n > 0;
  return TRUE;
}

/* Reads the version stamps; fails with CORRUPT for a file that is not an
 * SQLite database or belongs to another program, TOO_NEW for a newer
 * schema.  *is_ours is FALSE for an empty database. */
static gboolean
check_schema (sqlite3     *db,
              const char  *path,
              gint64      *version,
              GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  gint64 app_id;
  gboolean foreign = FALSE;

  if (!query_int64 (db, "PRAGMA application_id", &app_id,
                    BOTBENCH_EVENT_STORE_ERROR_OPEN, &local_error) ||
      !query_int64 (db, "PRAGMA user_version", version,
                    BOTBENCH_EVENT_STORE_ERROR_OPEN, &local_error))
    {
      if (g_error_matches (local_error, BOTBENCH_EVENT_STORE_ERROR,
                           BOTBENCH_EVENT_STORE_ERROR_CORRUPT))
        g_set_error (error, BOTBENCH_EVENT_STORE_ERROR, BOTBENCH_EVENT_STORE_ERROR_CORRUPT,
                     _("“%s” is not a Botbench event database, or it is damaged (%s)"),
                     path, local_error->message);
      else
        g_set_error (error, BOTBENCH_EVENT_STORE_ERROR, BOTBENCH_EVENT_STORE_ERROR_OPEN,
                     _("Cannot read the event database “%s”: %s"),
                     path, local_error->message);
      return FALSE;
    }

  if (app_id != APPLICATION_ID)
    {
      if (app_id == 0 && *version == 0 && !has_foreign_tables (db, &foreign, error))
        return FALSE;

      if (app_id != 0 || *version != 0 || foreign)
        {
          g_set_error (error, BOTBENCH_EVENT_STORE_ERROR, BOTBENCH_EVENT_STORE_ERROR_CORRUPT,
                       _("“%s” is an SQLite database of another program, not a Botbench event database"),
                       path);
          return FALSE;
        }
    }

  if (*version > BOTBENCH_EVENT_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, BOTBENCH_EVENT_STORE_ERROR, BOTBENCH_EVENT_STORE_ERROR_TOO_NEW,
                   _("The event database “%s” was written by a newer version of Botbench "
                     "(schema version %" G_GINT64_FORMAT ", this version knows up to %d)"),
                   path, *version, BOTBENCH_EVENT_STORE_SCHEMA_VERSION);
      return FALSE;
    }

  return TRUE;
}

/* Brings the schema up to date: every missing migration step, the version
 * stamps, all in one transaction. */
static gboolean
migrate (sqlite3     *db,
         const char  *path,
         GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *stamp = NULL;
  gint64 version = 0;

  if (!check_schema (db, path, &version, error))
    return FALSE;

  if (version == BOTBENCH_EVENT_STORE_SCHEMA_VERSION)
    return TRUE;

  if (!exec_sql (db, "BEGIN IMMEDIATE", BOTBENCH_EVENT_STORE_ERROR_OPEN, &local_error))
    goto failed;

  /* Another process may have migrated while we were looking. */
  if (!check_schema (db, path, &version, error))
    {
      rollback (db);
      return FALSE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (migrations); i++)
    {
      if (migrations[i].version <= version)
        continue;

      g_debug ("Migrating %s to schema version %d", path, migrations[i].version);
      if (!exec_sql (db, migrations[i].sql, BOTBENCH_EVENT_STORE_ERROR_OPEN, &local_error))
        goto failed;
    }

  stamp = g_strdup_printf ("PRAGMA application_id = %d; PRAGMA user_version = %d;",
                           APPLICATION_ID, BOTBENCH_EVENT_STORE_SCHEMA_VERSION);
  if (!exec_sql (db, stamp, BOTBENCH_EVENT_STORE_ERROR_OPEN, &local_error) ||
      !exec_sql (db, "COMMIT", BOTBENCH_EVENT_STORE_ERROR_OPEN, &local_error))
    goto failed;

  return TRUE;

failed:
  rollback (db);
  g_set_error (error, BOTBENCH_EVENT_STORE_ERROR, local_error->code,
               _("Cannot update the event database “%s” to schema version %d: %s"),
               path, BOTBENCH_EVENT_STORE_SCHEMA_VERSION, local_error->message);
  return FALSE;
}

static gboolean
prepare_writer (BotbenchEventStore  *self,
                GError             **error)
{
  g_autofree char *size_limit = NULL;
  const char *mode;
  sqlite3_stmt *stmt = NULL;
  gint64 seq = 0;
  int rc;

  /* Nothing is written before the version stamps are checked. */
  if (!migrate (self->wdb, self->path, error))
    return FALSE;

  rc = sqlite3_prepare_v2 (self->wdb, "PRAGMA journal_mode = WAL", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      set_sqlite_error (error, self->wdb, rc, BOTBENCH_EVENT_STORE_ERROR_OPEN,
                        _("Cannot enable write-ahead logging"));
      sqlite3_finalize (stmt);
      return FALSE;
    }
  mode = column_text (stmt, 0);
  if (g_strcmp0 (mode, "wal") != 0)
    g_debug ("%s: journal mode is %s, not wal (file system without shared memory?)",
             self->path, mode);
  sqlite3_finalize (stmt);

  size_limit = g_strdup_printf ("PRAGMA journal_size_limit = %d", JOURNAL_SIZE_LIMIT);
  if (!exec_sql (self->wdb, "PRAGMA synchronous = NORMAL", BOTBENCH_EVENT_STORE_ERROR_OPEN, error) ||
      /* Checkpoint (and fsync) every 32 MiB of WAL rather than 4 MiB: a
       * flood of events stalls the writer on eight times fewer fsyncs. */
      !exec_sql (self->wdb, "PRAGMA wal_autocheckpoint = 8192", BOTBENCH_EVENT_STORE_ERROR_OPEN, error) ||
      !exec_sql (self->wdb, size_limit, BOTBENCH_EVENT_STORE_ERROR_OPEN, error) ||
      !query_int64 (self->wdb, "PRAGMA max_page_count", &self->default_max_page_count,
                    BOTBENCH_EVENT_STORE_ERROR_OPEN, error) ||
      !query_int64 (self->wdb, "SELECT seq FROM sqlite_sequence WHERE name = 'events'", &seq,
                    BOTBENCH_EVENT_STORE_ERROR_OPEN, error) ||
      !query_int64 (self->wdb, "SELECT indexed_id FROM fts_state", &self->indexed_id,
                    BOTBENCH_EVENT_STORE_ERROR_OPEN, error))
    return FALSE;

  self->last_id = seq;
  /* Rows above the watermark: a crash (or another process) left them
   * unindexed; they are indexed right after this. */
  self->fts_dirty = self->indexed_id < seq;

  rc = sqlite3_prepare_v3 (self->wdb,
                           "INSERT INTO events (received, remote, method, path, query, headers, "
                           "content_type, body, size, event_name, bot_id, bot_code, message) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                           -1, SQLITE_PREPARE_PERSISTENT, &self->insert_stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v3 (self->wdb,
                             "INSERT INTO events_fts (rowid, event_name, message, search_text) "
                             "VALUES (?1, ?2, ?3, ?4)",
                             -1, SQLITE_PREPARE_PERSISTENT, &self->insert_fts_stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v3 (self->wdb,
                             "SELECT id FROM events WHERE id > ?1 ORDER BY id LIMIT ?2",
                             -1, SQLITE_PREPARE_PERSISTENT, &self->fts_scan_stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v3 (self->wdb,
                             "SELECT " ROW_COLUMNS " FROM events e WHERE e.id = ?1",
                             -1, SQLITE_PREPARE_PERSISTENT, &self->fts_row_stmt, NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (error, self->wdb, rc, BOTBENCH_EVENT_STORE_ERROR_OPEN,
                        _("Cannot prepare the event database"));
      return FALSE;
    }

  return TRUE;
}

/* ---- writer thread -------------------------------------------------------- */

static int
writer_insert_one (BotbenchEventStore *self,
                   Job                *job)
{
  BotbenchEvent *event = job->event;
  sqlite3_stmt *stmt = self->insert_stmt;
  GBytes *body = botbench_event_get_body (event);
  gconstpointer data = NULL;
  gsize len = 0;
  int rc;

  if (body != NULL)
    data = g_bytes_get_data (body, &len);

  sqlite3_bind_int64 (stmt, 1, botbench_event_get_received (event));
  bind_text (stmt, 2, botbench_event_get_remote_address (event));
  bind_text (stmt, 3, botbench_event_get_method (event));
  bind_text (stmt, 4, botbench_event_get_path (event));
  bind_text (stmt, 5, botbench_event_get_query (event));
  if (job->headers_json == NULL)
    job->headers_json = _botbench_event_dup_headers_json (event);
  bind_text (stmt, 6, job->headers_json);
  bind_text (stmt, 7, botbench_event_get_content_type (event));
  /* A NULL pointer would store SQL NULL; an empty body is a zero-length blob. */
  sqlite3_bind_blob64 (stmt, 8, data != NULL ? data : "", len, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 9, len);
  bind_text (stmt, 10, botbench_event_get_event_name (event));
  bind_text (stmt, 11, botbench_event_get_bot_id (event));
  bind_text (stmt, 12, botbench_event_get_bot_code (event));
  bind_text (stmt, 13, botbench_event_get_message (event));

  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  if (rc != SQLITE_DONE)
    return rc;

  job->id = sqlite3_last_insert_rowid (self->wdb);
  return SQLITE_OK;
}

/* One group commit; takes the jobs out of batch.  Either every job in the
 * batch gets its id, or every job gets the same WRITE error: nothing is
 * dropped silently.  Committed jobs move on to fts_pending. */
static void
writer_insert_batch (BotbenchEventStore *self,
                     GPtrArray          *batch)
{
  g_autofree char *message = NULL;
  gint64 last_id = 0;
  gint64 now;
  guint64 bytes = 0;
  guint n_counted = 0;
  guint n_rows = 0;
  guint delay_ms;
  int rc;

  /* Cancelled before it reached the database: not stored, say so. */
  for (guint i = 0; i < batch->len; i++)
    {
      Job *job = g_ptr_array_index (batch, i);

      if (job->counted)
        {
          n_counted++;
          bytes += job->bytes;
        }
      if (job->task != NULL && g_cancellable_is_cancelled (g_task_get_cancellable (job->task)))
        job_finish (job, 0, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                 _("The event was not stored: the operation was cancelled")));
    }

  delay_ms = (guint)g_atomic_int_get (&self->writer_delay_ms);
  if (delay_ms > 0)
    g_usleep (delay_ms * G_TIME_SPAN_MILLISECOND);

  rc = sqlite3_exec (self->wdb, "BEGIN IMMEDIATE", NULL, NULL, NULL);

  for (guint i = 0; rc == SQLITE_OK && i < batch->len; i++)
    {
      Job *job = g_ptr_array_index (batch, i);

      if (job->finished)
        continue;

      rc = writer_insert_one (self, job);
      n_rows++;
    }

  if (rc == SQLITE_OK)
    rc = sqlite3_exec (self->wdb, "COMMIT", NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      message = g_strdup (sqlite3_errmsg (self->wdb));
      rollback (self->wdb);
      g_debug ("Group commit of %u events failed: %s", batch->len, message);

      for (guint i = 0; i < batch->len; i++)
        {
          Job *job = g_ptr_array_index (batch, i);

          if (!job->finished)
            job_finish (job, 0,
                        g_error_new (BOTBENCH_EVENT_STORE_ERROR, BOTBENCH_EVENT_STORE_ERROR_WRITE,
                                     _("Could not store the event: %s"), message));
        }
      g_ptr_array_set_size (batch, 0);
      release_room (self, n_counted, bytes);
      return;
    }

  for (guint i = 0; i < batch->len; i++)
    {
      Job *job = g_ptr_array_index (batch, i);

      if (!job->finished)
        last_id = MAX (last_id, job->id);
    }

  /* Publish the id before any caller learns about it. */
  g_mutex_lock (&self->state_lock);
  self->last_id = MAX (self->last_id, last_id);
  g_mutex_unlock (&self->state_lock);

  now = g_get_monotonic_time ();
  for (guint i = 0; i < batch->len; i++)
    {
      Job *job = g_ptr_array_index (batch, i);

      if (job->finished)
        continue;

      _botbench_event_set_id (job->event, job->id);
      job_finish (job, job->id, NULL);
    }

  release_room (self, n_counted, bytes);

  self->inserts_since_retention += n_rows;

  if (n_rows > 0)
    {
      g_atomic_int_set (&self->added_pending, TRUE);
      schedule_notify (self);
    }

  /* Every caller has its answer.  Keep the text for the full-text batch
   * while the event is decoded anyway; ids grow within a batch and from
   * batch to batch. */
  for (guint i = 0; i < batch->len; i++)
    {
      Job *job = g_ptr_array_index (batch, i);

      if (job->id == 0)
        continue;

      job->committed_us = now;
      job->fts_event_name = g_strdup (botbench_event_get_event_name (job->event));
      job->fts_message = g_strdup (botbench_event_get_message (job->event));
      job->fts_search_text = _botbench_event_dup_search_text (job->event);
      g_clear_object (&job->event);
      g_clear_pointer (&job->headers_json, g_free);
      g_queue_push_tail (&self->fts_pending, job);
      batch->pdata[i] = NULL;
    }
  g_ptr_array_set_size (batch, 0);
}

/* ---- full-text index (writer) --------------------------------------------- */

static gboolean
writer_has_index_work (BotbenchEventStore *self)
{
  return (self->fts_pending.length > 0 || self->fts_dirty) &&
         !g_atomic_int_get (&self->index_paused);
}

/* When the writer should index: now if it may (an empty insert queue),
 * G_MAXINT64 if there is nothing to index. */
static gint64
writer_index_due_us (BotbenchEventStore *self)
{
  if (!writer_has_index_work (self))
    return G_MAXINT64;

  return self->fts_retry_us;
}

/* Whether indexing goes before queued inserts: it lagged long enough, or
 * too many events wait, or a search waits for it. */
static gboolean
writer_index_forced (BotbenchEventStore *self,
                     gint64              now)
{
  Job *oldest;

  if (!writer_has_index_work (self) || now < self->fts_retry_us)
    return FALSE;

  if (g_atomic_int_get (&self->index_urgent) || self->fts_dirty ||
      self->fts_pending.length >= FTS_FORCE_ROWS)
    return TRUE;

  oldest = g_queue_peek_head (&self->fts_pending);
  return oldest != NULL && now - oldest->committed_us >= FTS_FORCE_DELAY_US;
}

static void
publish_indexed_id (BotbenchEventStore *self,
                    gint64              indexed_id)
{
  g_mutex_lock (&self->state_lock);
  if (indexed_id > self->indexed_id)
    {
      self->indexed_id = indexed_id;
      g_cond_broadcast (&self->indexed_cond);
    }
  g_mutex_unlock (&self->state_lock);
}

static int
writer_index_row (BotbenchEventStore *self,
                  gint64              id,
                  const char         *event_name,
                  const char         *message,
                  const char         *search_text)
{
  sqlite3_stmt *stmt = self->insert_fts_stmt;
  int rc;

  sqlite3_bind_int64 (stmt, 1, id);
  bind_text (stmt, 2, event_name);
  bind_text (stmt, 3, message);
  bind_text (stmt, 4, search_text);

  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);

  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* A stored row, read back for indexing. */
static BotbenchEvent *
writer_load_row (BotbenchEventStore *self,
                 gint64              id,
                 int                *rc)
{
  sqlite3_stmt *stmt = self->fts_row_stmt;
  BotbenchEvent *event = NULL;

  sqlite3_bind_int64 (stmt, 1, id);
  *rc = sqlite3_step (stmt);
  if (*rc == SQLITE_ROW)
    event = event_from_row (stmt);
  if (*rc == SQLITE_ROW || *rc == SQLITE_DONE)
    *rc = SQLITE_OK;
  sqlite3_reset (stmt);

  return event;
}

/* Indexes up to max_rows stored events above the watermark, in id order, in
 * one transaction.  Returns the number indexed or -1; *complete tells
 * whether every stored event is indexed now. */
static gint64
writer_index_step (BotbenchEventStore  *self,
                   guint                max_rows,
                   gboolean            *complete,
                   GError             **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) used = g_ptr_array_new_with_free_func ((GDestroyNotify)job_free);
  sqlite3_stmt *scan = self->fts_scan_stmt;
  gint64 watermark = 0;
  gint64 new_watermark;
  gint64 seq = 0;
  int rc;

  *complete = FALSE;

  if (!exec_sql (self->wdb, "BEGIN IMMEDIATE", BOTBENCH_EVENT_STORE_ERROR_WRITE, error))
    return -1;

  /* Read inside the transaction: another process may have indexed. */
  if (!query_int64 (self->wdb, "SELECT indexed_id FROM fts_state", &watermark,
                    BOTBENCH_EVENT_STORE_ERROR_WRITE, error))
    goto failed;

  sqlite3_bind_int64 (scan, 1, watermark);
  sqlite3_bind_int64 (scan, 2, max_rows);
  while ((rc = sqlite3_step (scan)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (scan, 0);
      g_array_append_val (ids, id);
    }
  sqlite3_reset (scan);
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (error, self->wdb, rc, BOTBENCH_EVENT_STORE_ERROR_WRITE,
                        _("Cannot update the search index"));
      goto failed;
    }

  for (guint i = 0; i < ids->len; i++)
    {
      gint64 id = g_array_index (ids, gint64, i);
      Job *pending = NULL;
      Job *head;

      /* Pending jobs below this id were deleted (retention, clear) or
       * indexed by another process: nothing to do for them. */
      while ((head = g_queue_peek_head (&self->fts_pending)) != NULL && head->id <= id)
        {
          g_ptr_array_add (used, g_queue_pop_head (&self->fts_pending));
          if (head->id == id)
            pending = head;
        }

      if (pending != NULL)
        {
          rc = writer_index_row (self, id, pending->fts_event_name, pending->fts_message,
                                 pending->fts_search_text);
        }
      else
        {
          g_autoptr(BotbenchEvent) loaded = writer_load_row (self, id, &rc);

          if (loaded != NULL)
            {
              g_autofree char *search_text = _botbench_event_dup_search_text (loaded);

              rc = writer_index_row (self, id, botbench_event_get_event_name (loaded),
                                     botbench_event_get_message (loaded), search_text);
            }
        }

      if (rc != SQLITE_OK)
        break;
    }

  if (ids->len > 0 && rc != SQLITE_OK)
    {
      set_sqlite_error (error, self->wdb, rc, BOTBENCH_EVENT_STORE_ERROR_WRITE,
                        _("Cannot update the search index"));
      goto failed;
    }

  /* Fewer rows than asked for: every stored event is indexed, and the
   * watermark can cover the newest id even if that row is gone. */
  *complete = ids->len < max_rows;
  new_watermark = ids->len > 0 ? g_array_index (ids, gint64, ids->len - 1) : watermark;
  if (*complete)
    {
      if (!query_int64 (self->wdb, "SELECT seq FROM sqlite_sequence WHERE name = 'events'", &seq,
                        BOTBENCH_EVENT_STORE_ERROR_WRITE, error))
        goto failed;
      new_watermark = MAX (new_watermark, seq);
    }

  if (new_watermark != watermark)
    {
      g_autofree char *sql = g_strdup_printf ("UPDATE fts_state SET indexed_id = %" G_GINT64_FORMAT,
                                              new_watermark);

      if (!exec_sql (self->wdb, sql, BOTBENCH_EVENT_STORE_ERROR_WRITE, error))
        goto failed;
    }

  if (!exec_sql (self->wdb, "COMMIT", BOTBENCH_EVENT_STORE_ERROR_WRITE, error))
    goto failed;

  if (*complete)
    {
      /* What is left was deleted before it was indexed. */
      g_queue_clear_full (&self->fts_pending, (GDestroyNotify)job_free);
      self->fts_dirty = FALSE;
    }

  publish_indexed_id (self, new_watermark);

  if (ids->len > 0)
    {
      /* A list model showing a search counts the new matches now. */
      g_atomic_int_set (&self->added_pending, TRUE);
      schedule_notify (self);
    }

  return ids->len;

failed:
  rollback (self->wdb);
  /* The jobs taken off fts_pending were not indexed: the table has them. */
  if (used->len > 0)
    self->fts_dirty = TRUE;
  return -1;
}

/* One indexing transaction from the writer loop; failures are retried
 * later (the events are stored, only the index lags). */
static void
writer_index_some (BotbenchEventStore *self,
                   guint               max_rows)
{
  g_autoptr(GError) error = NULL;
  gboolean complete = FALSE;

  if (writer_index_step (self, max_rows, &complete, &error) < 0)
    {
      g_debug ("Indexing failed, retrying later: %s", error->message);
      self->fts_retry_us = g_get_monotonic_time () + FTS_RETRY_US;
      return;
    }

  self->fts_retry_us = 0;
  if (complete)
    g_atomic_int_set (&self->index_urgent, FALSE);
}

/* Everything, in chunks: at open and before the writer stops. */
static gboolean
writer_index_all (BotbenchEventStore  *self,
                  GError             **error)
{
  gboolean complete = FALSE;

  while (!complete)
    {
      if (writer_index_step (self, FTS_CATCHUP_CHUNK, &complete, error) < 0)
        return FALSE;
    }

  return TRUE;
}

static gboolean
collect_ids (sqlite3       *db,
             const char    *sql,
             gint64         param1,
             gint64         param2,
             guint          limit,
             GArray        *ids,
             GError       **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      /* Parameters a statement lacks are ignored (SQLITE_RANGE). */
      sqlite3_bind_int64 (stmt, 1, param1);
      sqlite3_bind_int64 (stmt, 2, param2);
      sqlite3_bind_int64 (stmt, 3, limit);

      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          gint64 id = sqlite3_column_int64 (stmt, 0);
          g_array_append_val (ids, id);
        }

      if (rc == SQLITE_DONE)
        rc = SQLITE_OK;
    }

  if (rc != SQLITE_OK)
    set_sqlite_error (error, db, rc, BOTBENCH_EVENT_STORE_ERROR_WRITE, _("Cannot apply retention"));

  sqlite3_finalize (stmt);
  return rc == SQLITE_OK;
}

/* Deletes at most max_rows events that the retention settings drop, in one
 * transaction.  Returns the number deleted or -1; *more tells whether
 * another step may find more. */
static gint64
writer_retention_step (BotbenchEventStore  *self,
                       guint                max_rows,
                       gboolean            *more,
                       GError             **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *del_events = NULL;
  sqlite3_stmt *del_fts = NULL;
  gint64 cutoff_id = 0;
  guint keep_count;
  guint keep_days;
  int rc;

  *more = FALSE;

  g_mutex_lock (&self->state_lock);
  keep_count = self->keep_count;
  keep_days = self->keep_days;
  g_mutex_unlock (&self->state_lock);

  if (keep_count == 0 && keep_days == 0)
    return 0;

  if (!exec_sql (self->wdb, "BEGIN IMMEDIATE", BOTBENCH_EVENT_STORE_ERROR_WRITE, error))
    return -1;

  /* By count: everything up to the newest event beyond the first keep_count. */
  if (keep_count > 0)
    {
      g_autoptr(GArray) cutoff = g_array_new (FALSE, FALSE, sizeof (gint64));

      if (!collect_ids (self->wdb,
                        "SELECT id FROM events INDEXED BY events_id "
                        "ORDER BY id DESC LIMIT ?3 OFFSET ?1",
                        keep_count, 0, 1, cutoff, error))
        goto failed;

      if (cutoff->len > 0)
        {
          cutoff_id = g_array_index (cutoff, gint64, 0);
          if (!collect_ids (self->wdb,
                            "SELECT id FROM events INDEXED BY events_id "
                            "WHERE id <= ?1 ORDER BY id LIMIT ?3",
                            cutoff_id, 0, max_rows, ids, error))
            goto failed;
        }
    }

  /* By age: whatever is left that was received before the cut-off time,
   * read off the time index (a table scan would read every body). */
  if (keep_days > 0 && ids->len < max_rows)
    {
      gint64 since = g_get_real_time () - (gint64)keep_days * G_TIME_SPAN_DAY;

      if (!collect_ids (self->wdb,
                        "SELECT id FROM events INDEXED BY events_received "
                        "WHERE received < ?1 AND id > ?2 LIMIT ?3",
                        since, cutoff_id, max_rows - ids->len, ids, error))
        goto failed;
    }

  if (ids->len == 0)
    {
      rollback (self->wdb);
      return 0;
    }

  rc = sqlite3_prepare_v2 (self->wdb, "DELETE FROM events_fts WHERE rowid = ?1", -1,
                           &del_fts, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (self->wdb, "DELETE FROM events WHERE id = ?1", -1,
                             &del_events, NULL);

  for (guint i = 0; rc == SQLITE_OK && i < ids->len; i++)
    {
      gint64 id = g_array_index (ids, gint64, i);

      sqlite3_bind_int64 (del_fts, 1, id);
      rc = sqlite3_step (del_fts);
      sqlite3_reset (del_fts);
      if (rc != SQLITE_DONE)
        break;

      sqlite3_bind_int64 (del_events, 1, id);
      rc = sqlite3_step (del_events);
      sqlite3_reset (del_events);
      rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
    }

  if (rc == SQLITE_OK)
    rc = sqlite3_exec (self->wdb, "COMMIT", NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      set_sqlite_error (error, self->wdb, rc, BOTBENCH_EVENT_STORE_ERROR_WRITE,
                        _("Cannot apply retention"));
      goto failed;
    }

  sqlite3_finalize (del_fts);
  sqlite3_finalize (del_events);

  g_debug ("Retention removed %u events", ids->len);

  *more = ids->len >= max_rows;
  g_atomic_int_set (&self->removed_pending, TRUE);
  schedule_notify (self);

  return ids->len;

failed:
  sqlite3_finalize (del_fts);
  sqlite3_finalize (del_events);
  rollback (self->wdb);
  return -1;
}

static gint64
writer_retention_all (BotbenchEventStore  *self,
                      GError             **error)
{
  gint64 total = 0;
  gboolean more = TRUE;

  while (more)
    {
      gint64 n = writer_retention_step (self, RETENTION_CHUNK, &more, error);

      if (n < 0)
        return -1;
      total += n;
    }

  self->retention_more = FALSE;
  self->inserts_since_retention = 0;
  self->last_retention_us = g_get_monotonic_time ();

  return total;
}

/* Called after commits and when the writer has been idle for a while. */
static void
writer_maybe_retention (BotbenchEventStore *self,
                        gboolean            force)
{
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_monotonic_time ();

  if (!force &&
      self->inserts_since_retention < RETENTION_EVERY_INSERTS &&
      now - self->last_retention_us < RETENTION_EVERY_US)
    return;

  self->inserts_since_retention = 0;
  self->last_retention_us = now;

  if (writer_retention_step (self, RETENTION_CHUNK, &self->retention_more, &error) < 0)
    g_debug ("Retention failed: %s", error->message);
}

static gint64
writer_clear (BotbenchEventStore  *self,
              GError             **error)
{
  gint64 indexed_id = 0;
  gint64 n = 0;

  if (!exec_sql (self->wdb, "BEGIN IMMEDIATE", BOTBENCH_EVENT_STORE_ERROR_WRITE, error))
    return -1;

  /* No triggers on events, so DELETE without WHERE truncates; the FTS
   * table is dropped and recreated rather than emptied row by row. */
  if (!query_int64 (self->wdb, "SELECT count(*) FROM events", &n,
                    BOTBENCH_EVENT_STORE_ERROR_WRITE, error) ||
      !exec_sql (self->wdb,
                 "DELETE FROM events;\n"
                 "DROP TABLE events_fts;\n"
                 FTS_TABLE_SQL
                 "UPDATE fts_state SET indexed_id = max (indexed_id, coalesce ("
                 "(SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0));\n",
                 BOTBENCH_EVENT_STORE_ERROR_WRITE, error) ||
      !query_int64 (self->wdb, "SELECT indexed_id FROM fts_state", &indexed_id,
                    BOTBENCH_EVENT_STORE_ERROR_WRITE, error) ||
      !exec_sql (self->wdb, "COMMIT", BOTBENCH_EVENT_STORE_ERROR_WRITE, error))
    {
      rollback (self->wdb);
      return -1;
    }

  self->retention_more = FALSE;
  /* Nothing is left to index. */
  g_queue_clear_full (&self->fts_pending, (GDestroyNotify)job_free);
  self->fts_dirty = FALSE;
  publish_indexed_id (self, indexed_id);

  if (n > 0)
    {
      g_atomic_int_set (&self->removed_pending, TRUE);
      schedule_notify (self);
    }

  return n;
}

static void
writer_disk_full (BotbenchEventStore *self,
                  gboolean            full)
{
  g_autofree char *sql = NULL;
  gint64 pages = self->default_max_page_count;

  if (full)
    query_int64 (self->wdb, "PRAGMA page_count", &pages, BOTBENCH_EVENT_STORE_ERROR_WRITE, NULL);

  sql = g_strdup_printf ("PRAGMA max_page_count = %" G_GINT64_FORMAT, pages);
  exec_sql (self->wdb, sql, BOTBENCH_EVENT_STORE_ERROR_WRITE, NULL);
}

static gpointer
botbench_event_store_writer_thread (gpointer data)
{
  BotbenchEventStore *self = data;
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify)job_free);
  Job *deferred = NULL;
  gboolean running = TRUE;
  gboolean indexed_last = FALSE;

  while (running)
    {
      GError *error = NULL;
      gint64 now = g_get_monotonic_time ();
      gint64 index_due = G_MAXINT64;
      Job *job;
      gint64 n;

      /* Forced indexing takes turns with queued work, so that neither
       * waits for long under sustained load. */
      if (deferred != NULL)
        job = g_steal_pointer (&deferred);
      else if (!indexed_last && writer_index_forced (self, now))
        {
          writer_index_some (self, FTS_BUSY_CHUNK);
          indexed_last = TRUE;
          continue;
        }
      else
        {
          /* Wait for a job, but no longer than until indexing or a
           * retention step is due. */
          gint64 wake = now + RETENTION_EVERY_US;

          index_due = writer_index_due_us (self);
          if (self->retention_more)
            wake = now;
          wake = MIN (wake, index_due);

          if (wake <= now)
            job = g_async_queue_try_pop (self->queue);
          else
            job = g_async_queue_timeout_pop (self->queue, wake - now);

          if (job == NULL)
            {
              /* Idle: index a short chunk, then look at the queue again;
               * otherwise a retention step (idle for RETENTION_EVERY_US,
               * or the last step left more to delete). */
              if (writer_index_due_us (self) <= g_get_monotonic_time ())
                writer_index_some (self, FTS_IDLE_CHUNK);
              else if (self->retention_more || index_due >= now + RETENTION_EVERY_US)
                writer_maybe_retention (self, TRUE);
              continue;
            }
        }

      indexed_last = FALSE;

      switch (job->kind)
        {
        case JOB_INSERT:
          g_ptr_array_add (batch, job);
          while (batch->len < MAX_BATCH)
            {
              Job *next = g_async_queue_try_pop (self->queue);

              if (next == NULL)
                break;
              if (next->kind != JOB_INSERT)
                {
                  deferred = next;
                  break;
                }
              g_ptr_array_add (batch, next);
            }
          writer_insert_batch (self, batch);
          writer_maybe_retention (self, FALSE);
          continue;

        case JOB_RETENTION:
          if (job->waiter != NULL)
            {
              n = writer_retention_all (self, &error);
              job_finish (job, n, error);
            }
          else
            {
              writer_maybe_retention (self, TRUE);
              job_finish (job, 0, NULL);
            }
          break;

        case JOB_CLEAR:
          n = writer_clear (self, &error);
          job_finish (job, n, error);
          break;

        case JOB_DISK_FULL:
          writer_disk_full (self, job->flag);
          job_finish (job, 0, NULL);
          break;

        case JOB_WAKE:
          /* Only to look at the index state again. */
          job_finish (job, 0, NULL);
          break;

        case JOB_STOP:
          /* A clean close leaves nothing for the next open to index. */
          if (!g_atomic_int_get (&self->index_paused) &&
              (self->fts_pending.length > 0 || self->fts_dirty) &&
              !writer_index_all (self, &error))
            {
              g_debug ("Indexing at close failed; the next open catches up: %s", error->message);
              g_clear_error (&error);
            }
          running = FALSE;
          job_finish (job, 0, NULL);
          break;

        default:
          g_assert_not_reached ();
        }

      job_free (job);
    }

  g_queue_clear_full (&self->fts_pending, (GDestroyNotify)job_free);
  g_clear_pointer (&self->insert_stmt, sqlite3_finalize);
  g_clear_pointer (&self->insert_fts_stmt, sqlite3_finalize);
  g_clear_pointer (&self->fts_scan_stmt, sqlite3_finalize);
  g_clear_pointer (&self->fts_row_stmt, sqlite3_finalize);
  g_clear_pointer (&self->wdb, sqlite3_close);

  return NULL;
}

/* ---- notifications ---------------------------------------------------------- */

static gboolean
botbench_event_store_notify_cb (gpointer data)
{
  g_autoptr(BotbenchEventStore) self = g_object_ref (data);
  gboolean added;
  gboolean removed;

  /* Clear the source first: a commit from now on schedules a new one. */
  g_mutex_lock (&self->notify_lock);
  g_clear_pointer (&self->notify_source, g_source_unref);
  self->last_notify_us = g_get_monotonic_time ();
  g_mutex_unlock (&self->notify_lock);

  removed = g_atomic_int_exchange (&self->removed_pending, FALSE);
  added = g_atomic_int_exchange (&self->added_pending, FALSE);

  if (removed)
    g_signal_emit (self, signals[EVENTS_REMOVED], 0);
  if (added)
    g_signal_emit (self, signals[EVENTS_ADDED], 0, botbench_event_store_get_last_id (self));

  return G_SOURCE_REMOVE;
}

/* Any thread.  At most one source is pending; it fires NOTIFY_INTERVAL
 * after the previous emission, or at once if that is past. */
static void
schedule_notify (BotbenchEventStore *self)
{
  g_mutex_lock (&self->notify_lock);

  if (self->notify_source == NULL && !self->disposed)
    {
      gint64 now = g_get_monotonic_time ();
      gint64 due = self->last_notify_us + NOTIFY_INTERVAL_US;
      guint delay_ms = 0;

      if (due > now)
        delay_ms = (guint)MIN ((due - now + 999) / 1000, NOTIFY_INTERVAL_US / 1000);

      self->notify_source = g_timeout_source_new (delay_ms);
      g_source_set_priority (self->notify_source, G_PRIORITY_DEFAULT);
      g_source_set_callback (self->notify_source, botbench_event_store_notify_cb, self, NULL);
      g_source_set_static_name (self->notify_source, "[botbench] event store notify");
      g_source_attach (self->notify_source, self->main_context);
    }

  g_mutex_unlock (&self->notify_lock);
}

/* ---- readers ------------------------------------------------------------------ */

static void
read_conn_free (ReadConn *conn)
{
  g_clear_pointer (&conn->stmts, g_hash_table_unref);
  sqlite3_close (conn->db);
  g_free (conn);
}

static ReadConn *
reader_acquire (BotbenchEventStore  *self,
                GError             **error)
{
  ReadConn *conn = NULL;
  sqlite3 *db;

  g_mutex_lock (&self->lock);
  if (self->closed)
    {
      g_mutex_unlock (&self->lock);
      set_closed_error (error);
      return NULL;
    }
  if (self->idle_readers->len > 0)
    conn = g_ptr_array_steal_index_fast (self->idle_readers, self->idle_readers->len - 1);
  g_mutex_unlock (&self->lock);

  if (conn != NULL)
    return conn;

  db = open_connection (self->path, error);
  if (db == NULL)
    return NULL;

  if (!exec_sql (db, "PRAGMA query_only = 1", BOTBENCH_EVENT_STORE_ERROR_QUERY, error))
    {
      sqlite3_close (db);
      return NULL;
    }

  conn = g_new0 (ReadConn, 1);
  conn->db = db;
  conn->stmts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify)sqlite3_finalize);
  return conn;
}

static void
reader_release (BotbenchEventStore *self,
                ReadConn           *conn)
{
  g_mutex_lock (&self->lock);
  if (!self->closed && self->idle_readers->len < MAX_IDLE_READERS)
    {
      g_ptr_array_add (self->idle_readers, conn);
      conn = NULL;
    }
  g_mutex_unlock (&self->lock);

  if (conn != NULL)
    read_conn_free (conn);
}

/* The cached statement for sql, reset and unbound. */
static sqlite3_stmt *
reader_prepare (ReadConn    *conn,
                const char  *sql,
                GError     **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (conn->stmts, sql);
  int rc;

  if (stmt != NULL)
    return stmt;

  rc = sqlite3_prepare_v3 (conn->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (error, conn->db, rc, BOTBENCH_EVENT_STORE_ERROR_QUERY,
                        _("Cannot read the event database"));
      return NULL;
    }

  g_hash_table_insert (conn->stmts, g_strdup (sql), stmt);
  return stmt;
}

static void
stmt_done (sqlite3_stmt *stmt)
{
  /* Resetting ends the read transaction, so checkpoints can proceed. */
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

char *
_botbench_event_store_build_match (const char *search)
{
  g_autofree char *valid = NULL;
  g_auto(GStrv) words = NULL;
  g_autoptr(GPtrArray) kept = NULL;
  GString *match;

  if (!is_set (search))
    return NULL;

  valid = g_utf8_make_valid (search, -1);
  words = g_strsplit_set (valid, " \t\n\r\f\v", -1);
  kept = g_ptr_array_new ();

  /* A word without letters or digits has no token for unicode61: it would
   * make the whole query match nothing, so it is left out. */
  for (guint i = 0; words[i] != NULL; i++)
    {
      for (const char *p = words[i]; *p != '\0'; p = g_utf8_next_char (p))
        {
          if (g_unichar_isalnum (g_utf8_get_char (p)))
            {
              g_ptr_array_add (kept, words[i]);
              break;
            }
        }
    }

  if (kept->len == 0)
    return NULL;

  /* Each word becomes a quoted FTS5 string ("" escapes a quote), so no
   * user text is ever read as FTS5 syntax; the last one is a prefix. */
  match = g_string_new (NULL);
  for (guint i = 0; i < kept->len; i++)
    {
      const char *word = g_ptr_array_index (kept, i);

      if (i > 0)
        g_string_append (match, " AND ");
      g_string_append_c (match, '"');
      for (const char *p = word; *p != '\0'; p++)
        {
          if (*p == '"')
            g_string_append_c (match, '"');
          g_string_append_c (match, *p);
        }
      g_string_append_c (match, '"');
    }
  g_string_append_c (match, '*');

  return g_string_free (match, FALSE);
}

static void
append_condition (GString    *sql,
                  const char *condition)
{
  g_string_append (sql, strstr (sql->str, " WHERE ") == NULL ? " WHERE " : " AND ");
  g_string_append (sql, condition);
}

static char *
build_select (SelectKind                kind,
              const BotbenchEventQuery *query,
              gboolean                  has_match)
{
  GString *sql = g_string_new ("SELECT ");
  gboolean filtered = is_set (query->event_name) || is_set (query->bot_id) || query->since_us != 0;
  const char *key = has_match ? "f.rowid" : "e.id";

  /* "How many up to id N" (a list model's snapshot): a plain count(*) is
   * answered by counting index pages, a bounded one walks every entry;
   * total minus the few newer rows is the same number from the same
   * snapshot (one statement), several times faster. */
  if (kind == SELECT_COUNT && !has_match && !filtered &&
      query->before_id != 0 && query->after_id == 0)
    {
      g_string_append (sql,
                       "(SELECT count(*) FROM events INDEXED BY events_id) - "
                       "(SELECT count(*) FROM events INDEXED BY events_id WHERE id >= ?4)");
      return g_string_free (sql, FALSE);
    }

  switch (kind)
    {
    case SELECT_ROWS:
      g_string_append (sql, ROW_COLUMNS);
      break;
    case SELECT_COUNT:
      g_string_append (sql, "count(*)");
      break;
    case SELECT_ID:
      g_string_append (sql, key);
      break;
    default:
      g_assert_not_reached ();
    }

  /* Search: FTS5 drives the loop in rowid order and the matching rows are
   * fetched by primary key.  Otherwise: the table by rowid, an index for a
   * filter, or the narrow id index when only ids are read. */
  if (has_match && (kind == SELECT_ROWS || filtered))
    g_string_append (sql, " FROM events_fts f CROSS JOIN events e NOT INDEXED ON e.id = f.rowid");
  else if (has_match)
    g_string_append (sql, " FROM events_fts f");
  else if (kind != SELECT_ROWS && !filtered)
    g_string_append (sql, " FROM events e INDEXED BY events_id");
  else if (!filtered)
    g_string_append (sql, " FROM events e NOT INDEXED");
  else
    g_string_append (sql, " FROM events e");

  /* No "WHERE 1": any WHERE clause turns off the fast count(*). */
  if (has_match)
    append_condition (sql, "f.events_fts MATCH ?1");
  if (is_set (query->event_name))
    append_condition (sql, "e.event_name = ?2");
  if (is_set (query->bot_id))
    append_condition (sql, "e.bot_id = ?3");
  if (query->before_id != 0)
    append_condition (sql, has_match ? "f.rowid < ?4" : "e.id < ?4");
  if (query->after_id != 0)
    append_condition (sql, has_match ? "f.rowid > ?5" : "e.id > ?5");
  if (query->since_us != 0)
    append_condition (sql, "e.received >= ?6");

  if (kind != SELECT_COUNT)
    g_string_append_printf (sql, " ORDER BY %s %s", key, query->ascending ? "ASC" : "DESC");
  if (kind == SELECT_ROWS)
    g_string_append (sql, " LIMIT ?7");
  else if (kind == SELECT_ID)
    g_string_append (sql, " LIMIT 1 OFFSET ?8");

  return g_string_free (sql, FALSE);
}

static void
bind_query (sqlite3_stmt             *stmt,
            SelectKind                kind,
            const BotbenchEventQuery *query,
            const char               *match,
            gint64                    offset)
{
  if (match != NULL)
    sqlite3_bind_text (stmt, PARAM_MATCH, match, -1, SQLITE_TRANSIENT);
  if (is_set (query->event_name))
    sqlite3_bind_text (stmt, PARAM_EVENT_NAME, query->event_name, -1, SQLITE_TRANSIENT);
  if (is_set (query->bot_id))
    sqlite3_bind_text (stmt, PARAM_BOT_ID, query->bot_id, -1, SQLITE_TRANSIENT);
  if (query->before_id != 0)
    sqlite3_bind_int64 (stmt, PARAM_BEFORE, query->before_id);
  if (query->after_id != 0)
    sqlite3_bind_int64 (stmt, PARAM_AFTER, query->after_id);
  if (query->since_us != 0)
    sqlite3_bind_int64 (stmt, PARAM_SINCE, query->since_us);
  if (kind == SELECT_ROWS)
    sqlite3_bind_int64 (stmt, PARAM_LIMIT, query->limit != 0 ? query->limit : DEFAULT_LIMIT);
  else if (kind == SELECT_ID)
    sqlite3_bind_int64 (stmt, PARAM_OFFSET, offset);
}

/* Borrows a connection and returns the bound statement for the query. */
static sqlite3_stmt *
select_begin (BotbenchEventStore        *self,
              SelectKind                 kind,
              const BotbenchEventQuery  *query,
              gint64                     offset,
              ReadConn                 **out_conn,
              GError                   **error)
{
  g_autofree char *match = _botbench_event_store_build_match (query->search);
  g_autofree char *sql = build_select (kind, query, match != NULL);
  sqlite3_stmt *stmt;
  ReadConn *conn;

  conn = reader_acquire (self, error);
  if (conn == NULL)
    return NULL;

  stmt = reader_prepare (conn, sql, error);
  if (stmt == NULL)
    {
      reader_release (self, conn);
      return NULL;
    }

  bind_query (stmt, kind, query, match, offset);
  *out_conn = conn;
  return stmt;
}

static BotbenchEvent *
event_from_row (sqlite3_stmt *stmt)
{
  g_auto(GStrv) headers = _botbench_event_headers_from_json (column_text (stmt, 6));
  g_autoptr(GBytes) body = NULL;
  const void *blob = sqlite3_column_blob (stmt, 8);
  int len = sqlite3_column_bytes (stmt, 8);

  body = g_bytes_new (blob, blob != NULL ? len : 0);

  return _botbench_event_new_stored (sqlite3_column_int64 (stmt, 0),
                                     sqlite3_column_int64 (stmt, 1),
                                     column_text (stmt, 2),
                                     column_text (stmt, 3),
                                     column_text (stmt, 4),
                                     column_text (stmt, 5),
                                     (const char * const *)headers,
                                     column_text (stmt, 7),
                                     body,
                                     column_text (stmt, 10),
                                     column_text (stmt, 11),
                                     column_text (stmt, 12),
                                     column_text (stmt, 13));
}

/* ---- GObject -------------------------------------------------------------- */

static void
botbench_event_store_dispose (GObject *object)
{
  BotbenchEventStore *self = (BotbenchEventStore *)object;

  botbench_event_store_close (self);

  g_mutex_lock (&self->notify_lock);
  self->disposed = TRUE;
  if (self->notify_source != NULL)
    {
      g_source_destroy (self->notify_source);
      g_clear_pointer (&self->notify_source, g_source_unref);
    }
  g_mutex_unlock (&self->notify_lock);

  G_OBJECT_CLASS (botbench_event_store_parent_class)->dispose (object);
}

static void
botbench_event_store_finalize (GObject *object)
{
  BotbenchEventStore *self = (BotbenchEventStore *)object;

  /* Only set when opening failed before the writer took the connection. */
  g_clear_pointer (&self->insert_stmt, sqlite3_finalize);
  g_clear_pointer (&self->insert_fts_stmt, sqlite3_finalize);
  g_clear_pointer (&self->fts_scan_stmt, sqlite3_finalize);
  g_clear_pointer (&self->fts_row_stmt, sqlite3_finalize);
  g_clear_pointer (&self->wdb, sqlite3_close);
  g_queue_clear_full (&self->fts_pending, (GDestroyNotify)job_free);
  g_assert (self->waiting.length == 0);

  g_clear_pointer (&self->idle_readers, g_ptr_array_unref);
  g_clear_pointer (&self->queue, g_async_queue_unref);
  g_clear_pointer (&self->main_context, g_main_context_unref);
  g_clear_pointer (&self->path, g_free);
  g_mutex_clear (&self->lock);
  g_mutex_clear (&self->state_lock);
  g_mutex_clear (&self->notify_lock);
  g_cond_clear (&self->room_cond);
  g_cond_clear (&self->indexed_cond);

  G_OBJECT_CLASS (botbench_event_store_parent_class)->finalize (object);
}

static void
botbench_event_store_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  BotbenchEventStore *self = BOTBENCH_EVENT_STORE (object);

  g_mutex_lock (&self->lock);
  switch (prop_id)
    {
    case PROP_MAX_QUEUED_EVENTS:
      g_value_set_uint (value, self->max_queued_events);
      break;

    case PROP_MAX_QUEUED_BYTES:
      g_value_set_uint64 (value, self->max_queued_bytes);
      break;

    case PROP_QUEUE_WAIT_MS:
      g_value_set_uint (value, self->queue_wait_ms);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
  g_mutex_unlock (&self->lock);
}

static void
botbench_event_store_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  BotbenchEventStore *self = BOTBENCH_EVENT_STORE (object);
  gboolean changed = FALSE;

  g_mutex_lock (&self->lock);
  switch (prop_id)
    {
    case PROP_MAX_QUEUED_EVENTS:
      changed = self->max_queued_events != g_value_get_uint (value);
      self->max_queued_events = g_value_get_uint (value);
      break;

    case PROP_MAX_QUEUED_BYTES:
      changed = self->max_queued_bytes != g_value_get_uint64 (value);
      self->max_queued_bytes = g_value_get_uint64 (value);
      break;

    case PROP_QUEUE_WAIT_MS:
      changed = self->queue_wait_ms != g_value_get_uint (value);
      self->queue_wait_ms = g_value_get_uint (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
  /* A higher limit may let waiting inserts in. */
  if (changed && !self->closed)
    {
      admit_waiting_locked (self, FALSE);
      g_cond_broadcast (&self->room_cond);
    }
  g_mutex_unlock (&self->lock);

  if (changed)
    g_object_notify_by_pspec (object, pspec);
}

static void
botbench_event_store_class_init (BotbenchEventStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = botbench_event_store_dispose;
  object_class->finalize = botbench_event_store_finalize;
  object_class->get_property = botbench_event_store_get_property;
  object_class->set_property = botbench_event_store_set_property;

  /**
   * BotbenchEventStore:max-queued-events:
   *
   * How many inserts may be queued for the writer (or in its current
   * transaction); more wait for room, then fail with BUSY.
   */
  properties[PROP_MAX_QUEUED_EVENTS] =
    g_param_spec_uint ("max-queued-events", NULL, NULL,
                       1, G_MAXUINT, DEFAULT_MAX_QUEUED_EVENTS,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * BotbenchEventStore:max-queued-bytes:
   *
   * The same limit for the bodies of the queued events, in bytes.  An
   * empty queue always takes one event, whatever its size.
   */
  properties[PROP_MAX_QUEUED_BYTES] =
    g_param_spec_uint64 ("max-queued-bytes", NULL, NULL,
                         1, G_MAXUINT64, DEFAULT_MAX_QUEUED_BYTES,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * BotbenchEventStore:queue-wait-ms:
   *
   * How long an insert waits for room in a full queue before it fails
   * with BUSY (0: at once).  The calling thread is not blocked meanwhile
   * (except by botbench_event_store_insert()).
   */
  properties[PROP_QUEUE_WAIT_MS] =
    g_param_spec_uint ("queue-wait-ms", NULL, NULL,
                       0, G_MAXUINT, DEFAULT_QUEUE_WAIT_MS,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * BotbenchEventStore::events-added:
   * @last_id: the highest id committed so far
   *
   * Events were committed.  Batched: at most about ten emissions a second
   * and never later than about 100 ms after a commit.
   */
  signals[EVENTS_ADDED] =
    g_signal_new ("events-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);

  /**
   * BotbenchEventStore::events-removed:
   *
   * Retention or clear deleted events.
   */
  signals[EVENTS_REMOVED] =
    g_signal_new ("events-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
botbench_event_store_init (BotbenchEventStore *self)
{
  g_mutex_init (&self->lock);
  g_mutex_init (&self->state_lock);
  g_mutex_init (&self->notify_lock);
  g_cond_init (&self->room_cond);
  g_cond_init (&self->indexed_cond);
  g_queue_init (&self->waiting);
  g_queue_init (&self->fts_pending);
  self->max_queued_events = DEFAULT_MAX_QUEUED_EVENTS;
  self->max_queued_bytes = DEFAULT_MAX_QUEUED_BYTES;
  self->queue_wait_ms = DEFAULT_QUEUE_WAIT_MS;
  self->main_context = g_main_context_ref_thread_default ();
  self->queue = g_async_queue_new ();
  self->idle_readers = g_ptr_array_new_with_free_func ((GDestroyNotify)read_conn_free);
  /* Until the writer runs there is nothing to close. */
  self->closed = TRUE;
}

/* ---- public API ------------------------------------------------------------ */

/* The database holds webhook tokens: a new file is created 0600 whatever the
 * umask says (SQLite would use 0644), and SQLite gives the -wal and -shm
 * files the mode of the main file.  An existing file is left as it is. */
static gboolean
create_private_file (const char  *path,
                     GError     **error)
{
  int fd;

  if (g_strcmp0 (path, ":memory:") == 0)
    return TRUE;

  fd = g_open (path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0)
    {
      close (fd);
      return TRUE;
    }

  if (errno == EEXIST)
    return TRUE;

  {
    int saved_errno = errno;

    g_set_error (error, BOTBENCH_EVENT_STORE_ERROR, BOTBENCH_EVENT_STORE_ERROR_OPEN,
                 _("Cannot open the event database “%s”: %s"), path, g_strerror (saved_errno));
  }
  return FALSE;
}

char *
botbench_event_store_dup_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "botbench", "events.db", NULL);
}

BotbenchEventStore *
botbench_event_store_new (const char  *path,
                          GError     **error)
{
  g_autoptr(BotbenchEventStore) self = NULL;
  g_autofree char *dir = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (BOTBENCH_TYPE_EVENT_STORE, NULL);
  self->path = path != NULL ? g_strdup (path) : botbench_event_store_dup_default_path ();

  dir = g_path_get_dirname (self->path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, BOTBENCH_EVENT_STORE_ERROR, BOTBENCH_EVENT_STORE_ERROR_OPEN,
                   _("Cannot create the folder “%s”: %s"), dir, g_strerror (saved_errno));
      return NULL;
    }

  if (!create_private_file (self->path, error))
    return NULL;

  self->wdb = open_connection (self->path, error);
  if (self->wdb == NULL || !prepare_writer (self, error))
    return NULL;

  /* After a crash between a commit and its indexing transaction: index the
   * rest now, so that a search right after open finds everything. */
  if (self->fts_dirty)
    {
      g_autoptr(GError) index_error = NULL;

      g_debug ("%s: indexing events %" G_GINT64_FORMAT "…%" G_GINT64_FORMAT,
               self->path, self->indexed_id + 1, self->last_id);
      if (!writer_index_all (self, &index_error))
        g_debug ("Indexing at open failed, the writer retries: %s", index_error->message);
    }

  self->last_retention_us = g_get_monotonic_time ();
  self->closed = FALSE;
  self->writer = g_thread_new ("bb-store-writer", botbench_event_store_writer_thread, self);

  g_debug ("Opened %s (last id %" G_GINT64_FORMAT ")", self->path, self->last_id);

  return g_steal_pointer (&self);
}

const char *
botbench_event_store_get_path (BotbenchEventStore *self)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENT_STORE (self), NULL);

  return self->path;
}

void
botbench_event_store_close (BotbenchEventStore *self)
{
  g_autoptr(GPtrArray) readers = NULL;
  GThread *writer;

  g_return_if_fail (BOTBENCH_IS_EVENT_STORE (self));

  g_mutex_lock (&self->lock);
  if (self->closed)
    {
      g_mutex_unlock (&self->lock);
      return;
    }
  /* Jobs queued before STOP are still written: close() flushes, and that
   * includes the inserts waiting for room. */
  admit_waiting_locked (self, TRUE);
  g_async_queue_push (self->queue, job_new (JOB_STOP));
  self->closed = TRUE;
  g_cond_broadcast (&self->room_cond);
  writer = g_steal_pointer (&self->writer);
  readers = g_steal_pointer (&self->idle_readers);
  self->idle_readers = g_ptr_array_new_with_free_func ((GDestroyNotify)read_conn_free);
  g_mutex_unlock (&self->lock);

  g_thread_join (writer);

  g_debug ("Closed %s", self->path);
}

void
botbench_event_store_insert_async (BotbenchEventStore  *self,
                                   BotbenchEvent       *event,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Job *job;

  g_return_if_fail (BOTBENCH_IS_EVENT_STORE (self));
  g_return_if_fail (BOTBENCH_IS_EVENT (event));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, botbench_event_store_insert_async);
  g_task_set_task_data (task, g_object_ref (event), g_object_unref);
  /* Once committed, the event is stored: report that even if the caller
   * cancelled meanwhile. */
  g_task_set_check_cancellable (task, FALSE);

  job = job_new_insert (event);
  job->task = g_steal_pointer (&task);

  g_mutex_lock (&self->lock);
  if (self->closed)
    {
      g_mutex_unlock (&self->lock);
      g_task_return_new_error (job->task, BOTBENCH_EVENT_STORE_ERROR,
                               BOTBENCH_EVENT_STORE_ERROR_CLOSED,
                               _("The event store is closed"));
      job_free (job);
      return;
    }

  /* Those already waiting go first. */
  if (self->waiting.head == NULL && has_room_locked (self, job->bytes))
    {
      admit_locked (self, job);
      job = NULL;
    }
  else if (self->queue_wait_ms > 0)
    {
      wait_for_room_locked (self, job);
      job = NULL;
    }
  g_mutex_unlock (&self->lock);

  if (job != NULL)
    {
      g_task_return_error (job->task, new_busy_error ());
      job_free (job);
    }
}

gint64
botbench_event_store_insert_finish (BotbenchEventStore  *self,
                                    GAsyncResult        *result,
                                    GError             **error)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENT_STORE (self), 0);
  g_return_val_if_fail (g_task_is_valid (result, self), 0);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == botbench_event_store_insert_async, 0);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return 0;

  return botbench_event_get_id (g_task_get_task_data (G_TASK (result)));
}

gint64
botbench_event_store_insert (BotbenchEventStore  *self,
                             BotbenchEvent       *event,
                             GError             **error)
{
  gint64 id;

  g_return_val_if_fail (BOTBENCH_IS_EVENT_STORE (self), 0);
  g_return_val_if_fail (BOTBENCH_IS_EVENT (event), 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);

  id = run_job_sync (self, job_new_insert (event), error);
  return MAX (id, 0);
}

GPtrArray *
botbench_event_store_query (BotbenchEventStore        *self,
                            const BotbenchEventQuery  *query,
                            GError                   **error)
{
  g_autoptr(GPtrArray) events = NULL;
  ReadConn *conn = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (BOTBENCH_IS_EVENT_STORE (self), NULL);
  g_return_val_if_fail (query != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  stmt = select_begin (self, SELECT_ROWS, query, 0, &conn, error);
  if (stmt == NULL)
    return NULL;

  events = g_ptr_array_new_with_free_func (g_object_unref);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (events, event_from_row (stmt));

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (error, conn->db, rc, BOTBENCH_EVENT_STORE_ERROR_QUERY,
                        _("Cannot read events"));
      g_clear_pointer (&events, g_ptr_array_unref);
    }

  stmt_done (stmt);
  reader_release (self, conn);

  return g_steal_pointer (&events);
}

/* Runs a one-value SELECT; *found tells whether a row came back. */
static gboolean
select_int64 (BotbenchEventStore        *self,
              SelectKind                 kind,
              const BotbenchEventQuery  *query,
              gint64                     offset,
              gint64                    *out,
              GError                   **error)
{
  ReadConn *conn = NULL;
  sqlite3_stmt *stmt;
  int rc;

  *out = 0;

  stmt = select_begin (self, kind, query, offset, &conn, error);
  if (stmt == NULL)
    return FALSE;

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *out = sqlite3_column_int64 (stmt, 0);
  else if (rc != SQLITE_DONE)
    set_sqlite_error (error, conn->db, rc, BOTBENCH_EVENT_STORE_ERROR_QUERY,
                      _("Cannot read events"));

  stmt_done (stmt);
  reader_release (self, conn);

  return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

gint64
botbench_event_store_count (BotbenchEventStore        *self,
                            const BotbenchEventQuery  *query,
                            GError                   **error)
{
  gint64 n;

  g_return_val_if_fail (BOTBENCH_IS_EVENT_STORE (self), -1);
  g_return_val_if_fail (query != NULL, -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  if (!select_int64 (self, SELECT_COUNT, query, 0, &n, error))
    return -1;

  return n;
}

gint64
botbench_event_store_id_at_offset (BotbenchEventStore        *self,
                                   const BotbenchEventQuery  *query,
                                   gint64                     offset,
                                   GError                   **error)
{
  gint64 id;

  g_return_val_if_fail (BOTBENCH_IS_EVENT_STORE (self), 0);
  g_return_val_if_fail (query != NULL, 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);

  if (offset < 0)
    return 0;

  if (!select_int64 (self, SELECT_ID, query, offset, &id, error))
    return 0;

  return id;
}

BotbenchEvent *
botbench_event_store_get (BotbenchEventStore  *self,
                          gint64               id,
                          GError             **error)
{
  BotbenchEvent *event = NULL;
  ReadConn *conn;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (BOTBENCH_IS_EVENT_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  conn = reader_acquire (self, error);
  if (conn == NULL)
    return NULL;

  stmt = reader_prepare (conn, "SELECT " ROW_COLUMNS " FROM events e WHERE e.id = ?1", error);
  if (stmt == NULL)
    {
      reader_release (self, conn);
      return NULL;
    }

  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    event = event_from_row (stmt);
  else if (rc == SQLITE_DONE)
    g_set_error (error, BOTBENCH_EVENT_STORE_ERROR, BOTBENCH_EVENT_STORE_ERROR_NOT_FOUND,
                 _("There is no event %" G_GINT64_FORMAT), id);
  else
    set_sqlite_error (error, conn->db, rc, BOTBENCH_EVENT_STORE_ERROR_QUERY,
                      _("Cannot read the event"));

  stmt_done (stmt);
  reader_release (self, conn);

  return event;
}

gint64
botbench_event_store_get_last_id (BotbenchEventStore *self)
{
  gint64 last_id;

  g_return_val_if_fail (BOTBENCH_IS_EVENT_STORE (self), 0);

  g_mutex_lock (&self->state_lock);
  last_id = self->last_id;
  g_mutex_unlock (&self->state_lock);

  return last_id;
}

char **
botbench_event_store_list_event_names (BotbenchEventStore  *self,
                                       GError             **error)
{
  g_autoptr(GPtrArray) names = NULL;
  ReadConn *conn;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (BOTBENCH_IS_EVENT_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  conn = reader_acquire (self, error);
  if (conn == NULL)
    return NULL;

  /* A loose index scan: one index seek per distinct name, not per row. */
  stmt = reader_prepare (conn,
                         "WITH RECURSIVE names (name) AS ("
                         "  SELECT min (event_name) FROM events WHERE event_name > ''"
                         "  UNION ALL"
                         "  SELECT (SELECT min (event_name) FROM events WHERE event_name > names.name)"
                         "  FROM names WHERE names.name IS NOT NULL"
                         ") SELECT name FROM names WHERE name IS NOT NULL",
                         error);
  if (stmt == NULL)
    {
      reader_release (self, conn);
      return NULL;
    }

  names = g_ptr_array_new_with_free_func (g_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (names, g_strdup (column_text (stmt, 0)));

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (error, conn->db, rc, BOTBENCH_EVENT_STORE_ERROR_QUERY,
                        _("Cannot read event names"));
      g_clear_pointer (&names, g_ptr_array_unref);
    }

  stmt_done (stmt);
  reader_release (self, conn);

  if (names == NULL)
    return NULL;

  g_ptr_array_add (names, NULL);
  g_ptr_array_set_free_func (names, NULL);
  return (char **)g_ptr_array_free (g_steal_pointer (&names), FALSE);
}

void
botbench_event_store_set_retention (BotbenchEventStore *self,
                                    guint               keep_count,
                                    guint               keep_days)
{
  Job *job;

  g_return_if_fail (BOTBENCH_IS_EVENT_STORE (self));

  g_mutex_lock (&self->state_lock);
  self->keep_count = keep_count;
  self->keep_days = keep_days;
  g_mutex_unlock (&self->state_lock);

  /* Let the writer apply the new limits soon, without waiting for it. */
  job = job_new (JOB_RETENTION);
  if (!push_job (self, job))
    job_free (job);
}

gint64
botbench_event_store_apply_retention (BotbenchEventStore  *self,
                                      GError             **error)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENT_STORE (self), -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  return run_job_sync (self, job_new (JOB_RETENTION), error);
}

gboolean
botbench_event_store_clear (BotbenchEventStore  *self,
                            GError             **error)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENT_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return run_job_sync (self, job_new (JOB_CLEAR), error) >= 0;
}

/* ---- private API --------------------------------------------------------------- */

void
_botbench_event_store_simulate_disk_full (BotbenchEventStore *self,
                                          gboolean            full)
{
  Job *job;

  g_return_if_fail (BOTBENCH_IS_EVENT_STORE (self));

  job = job_new (JOB_DISK_FULL);
  job->flag = !!full;
  run_job_sync (self, job, NULL);
}

char *
_botbench_event_store_explain_query (BotbenchEventStore        *self,
                                     const BotbenchEventQuery  *query,
                                     GError                   **error)
{
  g_autofree char *match = NULL;
  g_autofree char *select = NULL;
  g_autofree char *sql = NULL;
  GString *plan;
  ReadConn *conn;
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (BOTBENCH_IS_EVENT_STORE (self), NULL);
  g_return_val_if_fail (query != NULL, NULL);

  match = _botbench_event_store_build_match (query->search);
  select = build_select (SELECT_ROWS, query, match != NULL);
  sql = g_strconcat ("EXPLAIN QUERY PLAN ", select, NULL);

  conn = reader_acquire (self, error);
  if (conn == NULL)
    return NULL;

  rc = sqlite3_prepare_v2 (conn->db, sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (error, conn->db, rc, BOTBENCH_EVENT_STORE_ERROR_QUERY,
                        _("Cannot read events"));
      reader_release (self, conn);
      return NULL;
    }

  bind_query (stmt, SELECT_ROWS, query, match, 0);
  plan = g_string_new (NULL);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (plan->len > 0)
        g_string_append_c (plan, '\n');
      g_string_append (plan, column_text (stmt, 3));
    }

  sqlite3_finalize (stmt);
  reader_release (self, conn);

  return g_string_free (plan, FALSE);
}

void
_botbench_event_store_set_writer_delay (BotbenchEventStore *self,
                                        guint               delay_ms)
{
  g_return_if_fail (BOTBENCH_IS_EVENT_STORE (self));

  g_atomic_int_set (&self->writer_delay_ms, (gint)delay_ms);
}

static void
wake_writer (BotbenchEventStore *self)
{
  Job *job = job_new (JOB_WAKE);

  if (!push_job (self, job))
    job_free (job);
}

void
_botbench_event_store_set_index_paused (BotbenchEventStore *self,
                                        gboolean            paused)
{
  g_return_if_fail (BOTBENCH_IS_EVENT_STORE (self));

  g_atomic_int_set (&self->index_paused, !!paused);
  if (!paused)
    wake_writer (self);
}

gint64
_botbench_event_store_get_indexed_id (BotbenchEventStore *self)
{
  gint64 indexed_id;

  g_return_val_if_fail (BOTBENCH_IS_EVENT_STORE (self), 0);

  g_mutex_lock (&self->state_lock);
  indexed_id = self->indexed_id;
  g_mutex_unlock (&self->state_lock);

  return indexed_id;
}

gboolean
_botbench_event_store_wait_indexed (BotbenchEventStore *self,
                                    gint64              id,
                                    guint               timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64)timeout_ms * G_TIME_SPAN_MILLISECOND;
  gboolean done;

  g_return_val_if_fail (BOTBENCH_IS_EVENT_STORE (self), FALSE);

  g_mutex_lock (&self->state_lock);
  done = self->indexed_id >= id;
  g_mutex_unlock (&self->state_lock);
  if (done)
    return TRUE;

  /* Index before the queued inserts; the writer may be waiting for work. */
  g_atomic_int_set (&self->index_urgent, TRUE);
  wake_writer (self);

  g_mutex_lock (&self->state_lock);
  while (self->indexed_id < id)
    {
      if (!g_cond_wait_until (&self->indexed_cond, &self->state_lock, deadline))
        break;
    }
  done = self->indexed_id >= id;
  g_mutex_unlock (&self->state_lock);

  return done;
}
