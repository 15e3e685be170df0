/* botbench-event-import-private.h: what the import's two files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "botbench-event-import.h"

G_BEGIN_DECLS

/* botbench_event_from_json_line(), also giving the line's "id" (0 when
 * it has none): it orders events of one microsecond. */
BotbenchEvent *_botbench_event_from_json_line_full (const char  *line,
                                                    gsize        len,
                                                    gint64      *exported_id,
                                                    GError     **error);

/* At most this many "Line N: …" messages are kept; the summary's
 * "failed" counts every failed line. */
#define BOTBENCH_EVENT_IMPORT_MAX_ERRORS 100

/* Counts a failed line, keeping its message while there are fewer than
 * BOTBENCH_EVENT_IMPORT_MAX_ERRORS. */
void           _botbench_event_import_summary_fail (BotbenchEventImportSummary *summary,
                                                    guint                       line,
                                                    const char                 *message);

/* botbench-event-import-lines.c: a stream's lines, each to be read again. */
typedef struct _BotbenchImportLines BotbenchImportLines;

BotbenchImportLines *_botbench_import_lines_new    (GInputStream         *stream,
                                                    GCancellable         *cancellable,
                                                    GError              **error);
void           _botbench_import_lines_free         (BotbenchImportLines  *lines);
/* The next line (without "\n" or "\r\n") into line, and where it starts;
 * *too_long when it was longer than BOTBENCH_EVENT_IMPORT_MAX_LINE (line
 * is then empty).  FALSE at the end of the stream, or on error (then
 * error is set). */
gboolean       _botbench_import_lines_next         (BotbenchImportLines  *lines,
                                                    GByteArray           *line,
                                                    goffset              *offset,
                                                    gboolean             *too_long,
                                                    GCancellable         *cancellable,
                                                    GError              **error);
/* The number of the line _next() returned last, from 1. */
guint          _botbench_import_lines_get_number   (BotbenchImportLines  *lines);
/* Keeps line for a second reading: when the stream cannot seek, copies it
 * to the spool and sets *offset to its place there. */
gboolean       _botbench_import_lines_keep         (BotbenchImportLines  *lines,
                                                    GByteArray           *line,
                                                    goffset              *offset,
                                                    GCancellable         *cancellable,
                                                    GError              **error);
/* Where kept lines are read again (a GSeekable). */
GInputStream  *_botbench_import_lines_get_source   (BotbenchImportLines  *lines);
/* Reads len bytes at offset of source into line (fewer at its end). */
gboolean       _botbench_event_import_read_at      (GInputStream         *source,
                                                    goffset               offset,
                                                    gsize                 len,
                                                    GByteArray           *line,
                                                    GCancellable         *cancellable,
                                                    GError              **error);

/* botbench-event-import-fetched.c: fetched events by their portal event id. */
typedef struct _BotbenchImportFetched BotbenchImportFetched;

BotbenchImportFetched *_botbench_import_fetched_new (BotbenchEventStore     *store);
void           _botbench_import_fetched_free       (BotbenchImportFetched  *fetched);
/* The id of the stored event with the portal, bot and portal event id of
 * the fetched event; 0 when there is none (or event is not fetched), -1
 * on error. */
gint64         _botbench_import_fetched_find       (BotbenchImportFetched  *fetched,
                                                    BotbenchEvent          *event,
                                                    GError                **error);
/* TRUE when both are fetched events of one portal event. */
gboolean       _botbench_import_fetched_same       (BotbenchEvent          *a,
                                                    BotbenchEvent          *b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BotbenchImportLines, _botbench_import_lines_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BotbenchImportFetched, _botbench_import_fetched_free)

G_END_DECLS
