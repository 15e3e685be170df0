/* botbench-http-parser-private.h: a strict HTTP/1.1 request parser
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pure functions over bytes, no I/O: the listener feeds them what it reads
 * from a socket.  Every byte a client sends is hostile until parsed here, so
 * the rules are strict (RFC 9112): one request line, tokens where tokens
 * belong, no obsolete line folding, one Content-Length (or equal copies),
 * never Content-Length together with Transfer-Encoding, chunk sizes made of
 * hex digits only.  A refusal carries the status to answer (400, 413, 414,
 * 417, 431, 501, 505) and a sentence saying why.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define BOTBENCH_HTTP_MAX_REQUEST_LINE  8192
#define BOTBENCH_HTTP_MAX_HEAD          (64 * 1024)
#define BOTBENCH_HTTP_MAX_HEADERS       100
#define BOTBENCH_HTTP_MAX_CHUNK_LINE    1024
#define BOTBENCH_HTTP_MAX_TRAILERS      (8 * 1024)

typedef enum
{
  BOTBENCH_HTTP_BODY_NONE,
  BOTBENCH_HTTP_BODY_LENGTH,
  BOTBENCH_HTTP_BODY_CHUNKED,
} BotbenchHttpBodyKind;

typedef struct
{
  char                 *method;          /* a token, as sent */
  char                 *path;            /* percent-decoded, valid UTF-8; "*" for OPTIONS * */
  char                 *query;           /* raw, NULL when the target has no '?' */
  guint                 minor_version;   /* HTTP/1.<minor>, 0 or 1 */
  char                **headers;         /* name, value, name, value, …, NULL; as sent */
  guint                 n_headers;
  const char           *content_type;    /* points into headers, or NULL */
  BotbenchHttpBodyKind  body_kind;
  guint64               content_length;  /* BODY_LENGTH only */
  gboolean              keep_alive;
  gboolean              expect_continue;
} BotbenchHttpHead;

/* Where the search for the end of a head stands; zero-initialise. */
typedef struct
{
  gsize    scanned;        /* bytes looked at */
  gsize    line_start;     /* offset of the line being read */
  gboolean request_line;   /* the request line is complete */
} BotbenchHttpHeadScan;

/* Looks for the blank line that ends a request head in data[0, len),
 * resuming where scan stopped, so that each byte is looked at once.  Returns
 * the length of the head including the blank line, or 0 while it is
 * incomplete.  Sets *status (and returns 0) when the head is already known to
 * be too long: 414 for a request line over BOTBENCH_HTTP_MAX_REQUEST_LINE,
 * 431 for a head over BOTBENCH_HTTP_MAX_HEAD.  Empty lines before the request
 * line belong to the head (RFC 9112 §2.2). */
gsize    _botbench_http_find_head_end  (const char           *data,
                                        gsize                 len,
                                        BotbenchHttpHeadScan *scan,
                                        guint                *status);

/* Parses a complete head (as found by _botbench_http_find_head_end).  On
 * failure returns FALSE with *status and *reason (a static English string)
 * set and head cleared. */
gboolean _botbench_http_parse_head     (const char        *data,
                                        gsize              len,
                                        BotbenchHttpHead  *head,
                                        guint             *status,
                                        const char       **reason);
void     _botbench_http_head_clear     (BotbenchHttpHead  *head);
const char *_botbench_http_head_get    (const BotbenchHttpHead *head,
                                        const char        *name);

/* Incremental chunked transfer-coding decoder (RFC 9112 §7.1). */
typedef struct
{
  int      state;
  guint64  remaining;      /* bytes left in the current chunk */
  guint    line_len;       /* bytes of the current size/trailer line */
  guint    n_digits;
  guint    trailer_bytes;
  gboolean in_extension;
} BotbenchHttpChunked;

typedef enum
{
  BOTBENCH_HTTP_CHUNKED_MORE,    /* consumed everything, wants more */
  BOTBENCH_HTTP_CHUNKED_DONE,    /* the last chunk and trailers are in */
  BOTBENCH_HTTP_CHUNKED_ERROR,   /* *status and *reason are set */
} BotbenchHttpChunkedResult;

void     _botbench_http_chunked_init   (BotbenchHttpChunked *chunked);
/* Consumes data[0, len) (or up to the end of the body when DONE, see
 * *consumed), appending chunk data to body.  Fails with 413 as soon as the
 * body would exceed max_body. */
BotbenchHttpChunkedResult
         _botbench_http_chunked_feed   (BotbenchHttpChunked *chunked,
                                        const char          *data,
                                        gsize                len,
                                        gsize               *consumed,
                                        GByteArray          *body,
                                        gsize                max_body,
                                        guint               *status,
                                        const char         **reason);

G_END_DECLS
