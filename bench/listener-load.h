/* listener-load.h: what bench-listener and bench-listener-rss share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * wrk as the load (a Lua script POSTs the fixture body and reports its
 * counts from done()), a one-connection probe that tells whether a server
 * keeps a connection alive, and small readings of the process.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define LOAD_FIXTURE "tests/fixtures/events/ONIMBOTMESSAGEADD.form"
#define LOAD_PATH    "/bot/events"

typedef struct
{
  gint64 requests;        /* answers wrk read, any status */
  gint64 non_2xx;         /* of those, status > 399 */
  gint64 connect_errors;
  gint64 read_errors;
  gint64 write_errors;
  gint64 timeouts;        /* no answer within wrk's timeout (2 s) */
  gint64 duration_us;
  gint64 latency_p50_us;
  gint64 latency_p99_us;
  double rps;             /* requests / duration */
} LoadResult;

typedef struct _LoadRun LoadRun;

/* A file of the source tree (e.g. LOAD_FIXTURE), or NULL. */
char     *load_find_source_file (const char  *relative);

/* Writes the wrk script that POSTs body_path (form-urlencoded) into dir. */
char     *load_write_script     (const char  *dir,
                                 const char  *body_path,
                                 GError     **error);

/* Starts wrk against 127.0.0.1:port.  close: every request says
 * "Connection: close".  duration_s 0 = until load_interrupt(). */
LoadRun  *load_start            (const char  *script,
                                 guint        port,
                                 gboolean     close,
                                 guint        connections,
                                 guint        threads,
                                 guint        duration_s,
                                 GError     **error);
/* SIGINT: wrk stops, then reports as at the end of its duration. */
void      load_interrupt        (LoadRun     *run);
gboolean  load_is_running       (LoadRun     *run);
/* Iterates the thread-default main context until wrk has exited; frees run. */
gboolean  load_finish           (LoadRun     *run,
                                 LoadResult  *result,
                                 GError     **error);

gint64    load_socket_errors    (const LoadResult *result);

/* Sends a request (with "Connection: close" if close), reads the answer,
 * then a second request on the same connection: kept_alive is TRUE if that
 * one is answered too.  status is the first answer's status. */
gboolean  load_probe            (guint        port,
                                 gboolean     close,
                                 GBytes      *body,
                                 gboolean    *kept_alive,
                                 guint       *status,
                                 GError     **error);

/* Waits until something accepts connections on 127.0.0.1:port. */
gboolean  load_wait_port        (guint        port,
                                 guint        timeout_ms);
/* A port that was free a moment ago. */
guint     load_free_port        (GError     **error);

/* "0.52 0.40 0.31" */
char     *load_dup_loadavg      (void);
/* VmRSS of this process, in KiB (-1 if unknown). */
gint64    load_rss_kib          (void);
/* User + system CPU time of this process, in seconds. */
double    load_self_cpu_s       (void);
/* User + system CPU time of the live processes of a process group, in
 * seconds, and how many there are. */
double    load_group_cpu_s      (int          pgid,
                                 guint       *n_processes);

/* Removes an SQLite database and its -wal and -shm files. */
void      load_remove_db        (const char  *path);

G_END_DECLS
