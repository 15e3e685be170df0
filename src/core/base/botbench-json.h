/* botbench-json.h: JSON from untrusted bytes, checked before json-glib sees it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * json-glib 1.6 recurses once per nesting level with no limit (100,000
 * brackets overflow the stack), keeps a second top-level value and leaks the
 * first, and reads a lenient superset of JSON (single quotes, comments,
 * "var x =", hex numbers; a lone \uD800 escape or a short \u12 swallows the
 * closing quote).  botbench_json_check() is a single O(n) pass without
 * recursion that accepts exactly RFC 8259 JSON: one value, optionally
 * preceded by a UTF-8 byte order mark and surrounded by whitespace, strict
 * UTF-8, no NUL byte, and no deeper nesting than asked.  What it accepts,
 * json-glib parses with the same structure, so json-glib never sees
 * anything deeper than the limit.
 *
 * Every parse of bytes Botbench did not write itself goes through
 * botbench_json_parse() (or botbench_json_check() first).
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Bitrix24's own payloads nest fewer than 10 levels. */
#define BOTBENCH_JSON_MAX_DEPTH 512

#define BOTBENCH_JSON_ERROR (botbench_json_error_quark ())

typedef enum
{
  BOTBENCH_JSON_ERROR_INVALID,        /* not JSON: syntax, empty input, NUL byte, bad UTF-8 */
  BOTBENCH_JSON_ERROR_TOO_DEEP,       /* arrays and objects nested deeper than the limit */
  BOTBENCH_JSON_ERROR_TRAILING_DATA,  /* anything but whitespace after the value */
  BOTBENCH_JSON_ERROR_TOO_LARGE,      /* read_file/parse_file: more bytes than allowed */
} BotbenchJsonError;

GQuark    botbench_json_error_quark (void);

/* TRUE when data[0..len) is one JSON value nested at most max_depth levels
 * deep ("[]" is one level, a scalar none).  data need not be NUL-terminated
 * and is never read at or past len.  Errors name the byte (counted from 1),
 * line and column. */
gboolean  botbench_json_check       (const char    *data,
                                     gsize          len,
                                     guint          max_depth,
                                     GError       **error);

/* botbench_json_check() with BOTBENCH_JSON_MAX_DEPTH, then json-glib.
 * Returns the root (transfer full), mutable. */
JsonNode *botbench_json_parse       (const char    *data,
                                     gsize          len,
                                     GError       **error);

/* Reads file whole, refusing it (TOO_LARGE) when it holds more than
 * max_size bytes: from its size before reading anything, and again while
 * reading, since a FIFO or a growing file can say otherwise.  Other errors
 * are GIO's. */
GBytes   *botbench_json_read_file   (GFile         *file,
                                     gsize          max_size,
                                     GCancellable  *cancellable,
                                     GError       **error);

/* botbench_json_read_file() then botbench_json_parse(); error messages name
 * the file. */
JsonNode *botbench_json_parse_file  (GFile         *file,
                                     gsize          max_size,
                                     GCancellable  *cancellable,
                                     GError       **error);

/* ---- writing (botbench-json-write.c) ---- */

/* Appends the JSON string literal of len bytes of str (len -1: up to its
 * NUL; str NULL: "").  Invalid UTF-8 and NUL bytes become U+FFFD; '"',
 * '\\' and the control characters (and DEL) are escaped.  The one escaper
 * for JSON written by hand. */
void      botbench_json_append_string        (GString             *out,
                                              const char          *str,
                                              gssize               len);
/* Appends pairs (a NULL-terminated list of alternating names and values,
 * such as an event's headers; NULL: none) as [[name,value],…]. */
void      botbench_json_append_string_pairs  (GString             *out,
                                              const char * const  *pairs);
/* The same as a new string. */
char     *botbench_json_dup_string_pairs     (const char * const  *pairs);
/* [[name,value],…] back into a NULL-terminated list of alternating names
 * and values.  An element that is not a pair of strings is skipped when
 * skip_invalid, else NULL is returned; node NULL or not an array gives an
 * empty list when skip_invalid, else NULL. */
char    **botbench_json_get_string_pairs     (JsonNode            *node,
                                              gboolean             skip_invalid);
/* Parses json (NULL, or text anyone may have edited, such as a database
 * column) and reads it as botbench_json_get_string_pairs (…, TRUE): never
 * NULL. */
char    **botbench_json_parse_string_pairs   (const char          *json);

G_END_DECLS
