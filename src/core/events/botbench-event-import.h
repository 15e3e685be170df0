/* botbench-event-import.h: JSON Lines of stored events, and back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A line of `botbench-cli events` carries the summary for people and
 * scripts plus what rebuilds the request byte for byte: "headers" as
 * [[name, value], …] and the raw body as "body" (valid UTF-8) or
 * "body_base64".  Importing such lines stores the same events again (new
 * ids, same received time) and skips those already stored.
 */
#pragma once

#include <gio/gio.h>

#include "botbench-types.h"
#include "botbench-event.h"

G_BEGIN_DECLS

#define BOTBENCH_EVENT_IMPORT_ERROR (botbench_event_import_error_quark ())

typedef enum
{
  BOTBENCH_EVENT_IMPORT_ERROR_MALFORMED,  /* not one JSON object, or a member is missing or of the wrong type */
  BOTBENCH_EVENT_IMPORT_ERROR_TOO_LONG,   /* a line longer than BOTBENCH_EVENT_IMPORT_MAX_LINE */
} BotbenchEventImportError;

/* A listener body is at most 4 GiB in theory, 8 MiB by default; base64 and
 * escapes make a line longer than its body. */
#define BOTBENCH_EVENT_IMPORT_MAX_LINE (64 * 1024 * 1024)

GQuark         botbench_event_import_error_quark (void);

/* Appends the members a line needs to be imported:
 * ,"headers":[[name,value],…] and ,"body":"…" or ,"body_base64":"…". */
void           botbench_event_append_raw_json    (BotbenchEvent  *event,
                                                  GString        *out);

/* One line (without its newline) → a new event, not stored (id 0).
 * Every member's type is checked; required: "received" (integer ≥ 0),
 * "method", "path", and "body" or "body_base64".  Optional: "remote",
 * "query", "content_type" ("" = none), "headers", "verified", "rejected",
 * "replay_of", "forward", "source" (one of the four, absent = "import";
 * "fetched" needs "fetch" {"bot_id", "event_id" (integers above 0),
 * "portal"}, and the event is then marked fetched with them).  Error:
 * MALFORMED, naming the member. */
BotbenchEvent *botbench_event_from_json_line     (const char     *line,
                                                  gsize           len,
                                                  GError        **error);

typedef struct
{
  guint      imported;     /* stored now */
  guint      duplicates;   /* already stored (same received, method, path, query, body) */
  guint      failed;       /* lines that were not events */
  GPtrArray *errors;       /* char *: "Line N: …" for the first 100 failed lines
                            * (failed - errors->len more are only counted) */
} BotbenchEventImportSummary;

void           botbench_event_import_summary_free (BotbenchEventImportSummary *summary);

/* Reads JSON Lines from stream and stores every event not stored yet
 * (a repeated line is a duplicate too), oldest first (by received time;
 * `events` prints newest first) and each replay after its original, in
 * batches committed together.  "replay_of" is remapped to the id the
 * original has in this store (imported now or already there), 0 when the
 * original is in neither.  Events keep the source their line gives
 * ("import" for a line without one); a fetched event keeps its portal,
 * bot and portal event id too, and is a duplicate when an event with
 * those is stored already.  Holds one line at a time, not the file: a
 * stream that cannot seek is copied to a temporary file.  Blank lines are
 * skipped; a malformed line (or one longer than
 * BOTBENCH_EVENT_IMPORT_MAX_LINE) is counted, reported in the summary and
 * skipped.  Blocks: run it on a worker thread (see _async).  Returns NULL
 * with error when reading the stream or writing the store fails (events
 * imported until then stay). */
BotbenchEventImportSummary *
               botbench_event_import_stream      (BotbenchEventStore  *store,
                                                  GInputStream        *stream,
                                                  GCancellable        *cancellable,
                                                  GError             **error);
/* The same for a file, on a worker thread. */
void           botbench_event_import_file_async  (BotbenchEventStore  *store,
                                                  GFile               *file,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
BotbenchEventImportSummary *
               botbench_event_import_file_finish (BotbenchEventStore  *store,
                                                  GAsyncResult        *result,
                                                  GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BotbenchEventImportSummary, botbench_event_import_summary_free)

G_END_DECLS
