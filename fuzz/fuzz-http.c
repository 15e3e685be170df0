/* fuzz-http.c: the listener's HTTP/1.1 request parser on raw client bytes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input is a stream as a client sends it: one request after another
 * (pipelined).  It is read the way botbench-listener-connection.c reads it:
 * the head found with _botbench_http_find_head_end(), fed in pieces whose
 * sizes come from the input's first byte (so that split points are fuzzed
 * too), then parsed, then its body taken by Content-Length or decoded from
 * the chunked coding, and on to the next request.  Whatever the bytes, the
 * parser must answer or refuse, never read past what it was given, and the
 * split reading must agree with reading it whole.
 *
 * Seeds: fuzz/seeds/http/.
 */
#include "config.h"

#include <string.h>

#include "botbench-http-parser-private.h"
#include "fuzz-common.h"

#define MAX_BODY (64 * 1024)

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_init_environment ();
  return 0;
}

/* The head's end, found by feeding data in steps of step bytes. */
static gsize
find_head_split (const char *data,
                 gsize       len,
                 gsize       step,
                 guint      *status)
{
  BotbenchHttpHeadScan scan = { 0 };
  gsize end = 0;

  *status = 0;
  for (gsize avail = MIN (step, len); ; avail = MIN (avail + step, len))
    {
      /* A copy of exactly avail bytes: reading past it is an ASan report. */
      g_autofree char *copy = g_memdup2 (data, avail);

      end = _botbench_http_find_head_end (copy, avail, &scan, status);
      if (end != 0 || *status != 0 || avail == len)
        return end;
    }
}

static void
check_head (const BotbenchHttpHead *head)
{
  g_assert (head->method != NULL && head->method[0] != '\0');
  g_assert (head->path != NULL);
  g_assert (g_utf8_validate (head->path, -1, NULL));
  g_assert (head->minor_version <= 1);
  g_assert (head->headers != NULL);
  for (guint i = 0; i < head->n_headers; i++)
    {
      g_assert (head->headers[2 * i] != NULL && head->headers[2 * i + 1] != NULL);
      g_assert (g_utf8_validate (head->headers[2 * i + 1], -1, NULL));
    }
  g_assert (head->headers[2 * head->n_headers] == NULL);
  if (head->body_kind == BOTBENCH_HTTP_BODY_LENGTH)
    g_assert (head->content_length > 0);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *stream;
  gsize len, pos = 0;
  gsize step;

  if (size < 1)
    return 0;

  step = 1 + data[0] % 64;
  stream = (const char *)data + 1;
  len = size - 1;

  for (guint n_requests = 0; pos < len && n_requests < 64; n_requests++)
    {
      BotbenchHttpHead head;
      const char *reason = NULL;
      guint status = 0, split_status = 0;
      BotbenchHttpHeadScan scan = { 0 };
      gsize end, split_end;

      end = _botbench_http_find_head_end (stream + pos, len - pos, &scan, &status);
      split_end = find_head_split (stream + pos, len - pos, step, &split_status);
      g_assert_cmpuint (end, ==, split_end);
      g_assert_cmpuint (status, ==, split_status);
      if (end == 0)
        return 0;   /* incomplete or refused: the connection waits or ends */

      if (!_botbench_http_parse_head (stream + pos, end, &head, &status, &reason))
        {
          g_assert (status >= 400 && status < 600 && reason != NULL);
          g_assert (head.method == NULL && head.headers == NULL);
          return 0;
        }
      check_head (&head);
      pos += end;

      if (head.body_kind == BOTBENCH_HTTP_BODY_LENGTH)
        {
          if (head.content_length > len - pos)
            {
              _botbench_http_head_clear (&head);
              return 0;
            }
          pos += head.content_length;
        }
      else if (head.body_kind == BOTBENCH_HTTP_BODY_CHUNKED)
        {
          g_autoptr(GByteArray) whole = g_byte_array_new ();
          g_autoptr(GByteArray) pieces = g_byte_array_new ();
          BotbenchHttpChunked chunked, chunked_split;
          BotbenchHttpChunkedResult result, split_result = BOTBENCH_HTTP_CHUNKED_MORE;
          g_autofree char *copy = g_memdup2 (stream + pos, len - pos);
          gsize consumed = 0, split_consumed = 0;

          _botbench_http_chunked_init (&chunked);
          result = _botbench_http_chunked_feed (&chunked, copy, len - pos, &consumed,
                                                whole, MAX_BODY, &status, &reason);

          /* The same bytes in pieces of step bytes give the same body. */
          _botbench_http_chunked_init (&chunked_split);
          while (split_consumed < len - pos)
            {
              gsize piece = MIN (step, len - pos - split_consumed);
              g_autofree char *part = g_memdup2 (stream + pos + split_consumed, piece);
              gsize used = 0;

              split_result = _botbench_http_chunked_feed (&chunked_split, part, piece, &used,
                                                          pieces, MAX_BODY, &status, &reason);
              if (split_result != BOTBENCH_HTTP_CHUNKED_MORE)
                {
                  split_consumed += used;
                  break;
                }
              g_assert_cmpuint (used, ==, piece);
              split_consumed += used;
            }

          g_assert_cmpint (result, ==, split_result);
          g_assert_cmpuint (whole->len, <=, MAX_BODY);
          if (result != BOTBENCH_HTTP_CHUNKED_DONE)
            {
              _botbench_http_head_clear (&head);
              return 0;
            }
          g_assert_cmpuint (consumed, ==, split_consumed);
          g_assert_cmpuint (whole->len, ==, pieces->len);
          g_assert (whole->len == 0 || memcmp (whole->data, pieces->data, whole->len) == 0);
          pos += consumed;
        }

      _botbench_http_head_clear (&head);
    }

  return 0;
}
