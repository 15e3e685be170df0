/* botbench-http-parser.c: a strict HTTP/1.1 request parser
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Written from RFC 9110 and RFC 9112.  Nothing here allocates in proportion
 * to anything but the bytes it was given, nothing recurses, and nothing reads
 * past the length it was given (the data is not NUL-terminated).
 */
#define G_LOG_DOMAIN "botbench-http"

#include "config.h"

#include <string.h>

#include "botbench-http-parser-private.h"

/* RFC 9110 §5.6.2 tchar */
static const guint8 tchar_table[256] = {
  ['!'] = 1, ['#'] = 1, ['$'] = 1, ['%'] = 1, ['&'] = 1, ['\''] = 1, ['*'] = 1,
  ['+'] = 1, ['-'] = 1, ['.'] = 1, ['^'] = 1, ['_'] = 1, ['`'] = 1, ['|'] = 1,
  ['~'] = 1,
  ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1,
  ['7'] = 1, ['8'] = 1, ['9'] = 1,
  ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1,
  ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1,
  ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1,
  ['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1,
  ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1,
  ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1,
  ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1,
  ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
};

static inline gboolean
is_tchar (guchar c)
{
  return tchar_table[c] != 0;
}

static inline gboolean
is_ows (char c)
{
  return c == ' ' || c == '\t';
}

/* field-vchar / obs-text / SP / HTAB (RFC 9110 §5.5) */
static inline gboolean
is_field_char (guchar c)
{
  return c == '\t' || (c >= 0x20 && c != 0x7f);
}

static gboolean
is_token (const char *s,
          gsize       len)
{
  if (len == 0)
    return FALSE;

  for (gsize i = 0; i < len; i++)
    if (!is_tchar ((guchar)s[i]))
      return FALSE;

  return TRUE;
}

static gboolean
fail (guint       *status,
      const char **reason,
      guint        code,
      const char  *why)
{
  *status = code;
  *reason = why;
  return FALSE;
}

gsize
_botbench_http_find_head_end (const char           *data,
                              gsize                 len,
                              BotbenchHttpHeadScan *scan,
                              guint                *status)
{
  gsize partial;

  *status = 0;

  while (scan->scanned < len)
    {
      const char *nl = memchr (data + scan->scanned, '\n', len - scan->scanned);
      gsize line_end, content_len;

      if (nl == NULL)
        {
          scan->scanned = len;
          break;
        }

      line_end = nl - data;
      content_len = line_end - scan->line_start;
      if (content_len > 0 && data[line_end - 1] == '\r')
        content_len--;
      scan->scanned = line_end + 1;

      if (!scan->request_line)
        {
          if (content_len > BOTBENCH_HTTP_MAX_REQUEST_LINE)
            {
              *status = 414;
              return 0;
            }
          /* Empty lines before the request line are skipped. */
          if (content_len > 0)
            scan->request_line = TRUE;
        }
      else if (content_len == 0)
        {
          if (scan->scanned > BOTBENCH_HTTP_MAX_HEAD)
            {
              *status = 431;
              return 0;
            }
          return scan->scanned;
        }

      scan->line_start = scan->scanned;
    }

  /* A CR at the very end may be the first half of the line's CRLF. */
  partial = len - scan->line_start;
  if (partial > 0 && data[len - 1] == '\r')
    partial--;

  if (!scan->request_line && partial > BOTBENCH_HTTP_MAX_REQUEST_LINE)
    *status = 414;
  else if (len > BOTBENCH_HTTP_MAX_HEAD)
    *status = 431;

  return 0;
}

/* Percent-decodes a path; NULL when an escape is broken, decodes to a
 * control character, or the result is not UTF-8. */
static char *
decode_path (const char *s,
             gsize       len)
{
  g_autofree char *out = g_malloc (len + 1);
  gsize o = 0;

  for (gsize i = 0; i < len; i++)
    {
      if (s[i] == '%')
        {
          int hi, lo;

          if (i + 2 >= len)
            return NULL;
          hi = g_ascii_xdigit_value (s[i + 1]);
          lo = g_ascii_xdigit_value (s[i + 2]);
          /* no escaped control characters (NUL, CR, LF, ESC…) in a path */
          if (hi < 0 || lo < 0 || hi < 2 || (hi == 7 && lo == 15))
            return NULL;
          out[o++] = (char)(hi << 4 | lo);
          i += 2;
        }
      else
        out[o++] = s[i];
    }
  out[o] = '\0';

  if (!g_utf8_validate (out, o, NULL))
    return NULL;

  return g_steal_pointer (&out);
}

static gboolean
parse_target (const char        *target,
              gsize              len,
              BotbenchHttpHead  *head,
              guint             *status,
              const char       **reason)
{
  const char *path = target;
  const char *question;
  gsize path_len;

  for (gsize i = 0; i < len; i++)
    if ((guchar)target[i] <= 0x20 || (guchar)target[i] >= 0x7f || target[i] == '#')
      return fail (status, reason, 400, "The request target holds a character that URLs may not hold");

  if (len == 1 && target[0] == '*')
    {
      if (!g_str_equal (head->method, "OPTIONS"))
        return fail (status, reason, 400, "Only OPTIONS may have “*” as its target");
      head->path = g_strdup ("*");
      return TRUE;
    }

  if (target[0] != '/')
    {
      /* absolute-form, as a proxy or a tunnel may send it */
      gsize scheme_len = 0;
      const char *authority;
      const char *end = target + len;

      if (len > 7 && g_ascii_strncasecmp (target, "http://", 7) == 0)
        scheme_len = 7;
      else if (len > 8 && g_ascii_strncasecmp (target, "https://", 8) == 0)
        scheme_len = 8;
      else
        return fail (status, reason, 400, "The request target is neither a path nor an http(s) URL");

      authority = target + scheme_len;
      path = authority;
      while (path < end && *path != '/' && *path != '?')
        path++;
      if (path == authority)
        return fail (status, reason, 400, "The request URL has no host");
      len = end - path;
    }

  question = memchr (path, '?', len);
  path_len = question ? (gsize)(question - path) : len;

  if (path_len == 0)
    head->path = g_strdup ("/");
  else if (!(head->path = decode_path (path, path_len)))
    return fail (status, reason, 400, "The request path has a broken %-escape, an escaped control character or is not UTF-8");

  if (question != NULL)
    head->query = g_strndup (question + 1, len - path_len - 1);

  return TRUE;
}

static gboolean
parse_request_line (const char        *line,
                    gsize              len,
                    BotbenchHttpHead  *head,
                    guint             *status,
                    const char       **reason)
{
  const char *sp1 = memchr (line, ' ', len);
  const char *sp2;
  const char *version;
  gsize version_len;

  if (sp1 == NULL)
    return fail (status, reason, 400, "The request line is not “METHOD target HTTP/1.1”");
  sp2 = memchr (sp1 + 1, ' ', len - (sp1 + 1 - line));
  if (sp2 == NULL || sp2 == sp1 + 1)
    return fail (status, reason, 400, "The request line is not “METHOD target HTTP/1.1”");

  if (!is_token (line, sp1 - line))
    return fail (status, reason, 400, "The request method is not a token");

  version = sp2 + 1;
  version_len = len - (version - line);
  if (version_len != 8 || memcmp (version, "HTTP/", 5) != 0 ||
      !g_ascii_isdigit (version[5]) || version[6] != '.' || !g_ascii_isdigit (version[7]))
    return fail (status, reason, 400, "The request line does not end in an HTTP version");
  if (version[5] != '1')
    return fail (status, reason, 505, "Only HTTP/1.0 and HTTP/1.1 are served here");

  head->minor_version = version[7] == '0' ? 0 : 1;
  head->method = g_strndup (line, sp1 - line);

  return parse_target (sp1 + 1, sp2 - sp1 - 1, head, status, reason);
}

/* Content-Length: 1*DIGIT, or a list of equal values (RFC 9110 §8.6). */
static gboolean
parse_content_length (const char *value,
                      guint64    *length)
{
  gboolean seen = FALSE;
  const char *p = value;

  while (TRUE)
    {
      guint64 v = 0;
      guint digits = 0;

      while (is_ows (*p))
        p++;
      while (g_ascii_isdigit (*p))
        {
          if (++digits > 19)
            return FALSE;
          v = v * 10 + (guint64)(*p - '0');
          p++;
        }
      if (digits == 0)
        return FALSE;
      while (is_ows (*p))
        p++;

      if (seen && v != *length)
        return FALSE;
      *length = v;
      seen = TRUE;

      if (*p == '\0')
        return TRUE;
      if (*p != ',')
        return FALSE;
      p++;
    }
}

static gboolean
list_has_token (const char *value,
                const char *token)
{
  gsize token_len = strlen (token);
  const char *p = value;

  while (*p != '\0')
    {
      const char *start, *end;

      while (is_ows (*p) || *p == ',')
        p++;
      start = p;
      while (*p != '\0' && *p != ',')
        p++;
      end = p;
      while (end > start && is_ows (end[-1]))
        end--;
      if ((gsize)(end - start) == token_len && g_ascii_strncasecmp (start, token, token_len) == 0)
        return TRUE;
    }

  return FALSE;
}

static gboolean
list_ends_in_chunked (const char *value)
{
  const char *last = strrchr (value, ',');
  const char *end = value + strlen (value);

  last = last != NULL ? last + 1 : value;
  while (is_ows (*last))
    last++;
  while (end > last && is_ows (end[-1]))
    end--;
  return end - last == 7 && g_ascii_strncasecmp (last, "chunked", 7) == 0;
}

gboolean
_botbench_http_parse_head (const char        *data,
                           gsize              len,
                           BotbenchHttpHead  *head,
                           guint             *status,
                           const char       **reason)
{
  g_autoptr(GPtrArray) headers = g_ptr_array_new_with_free_func (g_free);
  gboolean have_request_line = FALSE;
  gboolean have_length = FALSE;
  gboolean chunked = FALSE;
  gboolean close = FALSE, keep_alive = FALSE;
  guint n_host = 0;
  gsize pos = 0;

  memset (head, 0, sizeof *head);

  while (pos < len)
    {
      const char *line = data + pos;
      const char *nl = memchr (line, '\n', len - pos);
      gsize line_len;

      if (nl == NULL)
        break;   /* the head's own last line; cannot happen for a found head */
      line_len = nl - line;
      pos += line_len + 1;
      if (line_len > 0 && line[line_len - 1] == '\r')
        line_len--;

      for (gsize i = 0; i < line_len; i++)
        if (line[i] == '\r' || line[i] == '\0')
          {
            _botbench_http_head_clear (head);
            return fail (status, reason, 400, "The request head holds a bare CR or a NUL byte");
          }

      if (!have_request_line)
        {
          if (line_len == 0)
            continue;
          if (!parse_request_line (line, line_len, head, status, reason))
            {
              _botbench_http_head_clear (head);
              return FALSE;
            }
          have_request_line = TRUE;
          continue;
        }

      if (line_len == 0)
        break;

      if (is_ows (line[0]))
        {
          _botbench_http_head_clear (head);
          return fail (status, reason, 400, "Folded header lines are not accepted");
        }

      {
        const char *colon = memchr (line, ':', line_len);
        const char *value, *value_end;
        char *name_copy, *value_copy;

        if (colon == NULL || !is_token (line, colon - line))
          {
            _botbench_http_head_clear (head);
            return fail (status, reason, 400, "A header line is not “Name: value”");
          }

        if (headers->len / 2 >= BOTBENCH_HTTP_MAX_HEADERS)
          {
            _botbench_http_head_clear (head);
            return fail (status, reason, 431, "The request has too many header fields");
          }

        value = colon + 1;
        value_end = line + line_len;
        while (value < value_end && is_ows (*value))
          value++;
        while (value_end > value && is_ows (value_end[-1]))
          value_end--;
        for (const char *c = value; c < value_end; c++)
          if (!is_field_char ((guchar)*c))
            {
              _botbench_http_head_clear (head);
              return fail (status, reason, 400, "A header value holds a control character");
            }

        name_copy = g_strndup (line, colon - line);
        value_copy = g_strndup (value, value_end - value);
        if (!g_utf8_validate (value_copy, -1, NULL))
          {
            /* obs-text in some legacy charset: keep it readable */
            char *valid = g_utf8_make_valid (value_copy, -1);

            g_free (value_copy);
            value_copy = valid;
          }
        g_ptr_array_add (headers, name_copy);
        g_ptr_array_add (headers, value_copy);

        if (g_ascii_strcasecmp (name_copy, "Content-Length") == 0)
          {
            guint64 length = 0;

            if (!parse_content_length (value_copy, &length) ||
                (have_length && length != head->content_length))
              {
                _botbench_http_head_clear (head);
                return fail (status, reason, 400, "Content-Length is not a number, or differs between copies");
              }
            have_length = TRUE;
            head->content_length = length;
          }
        else if (g_ascii_strcasecmp (name_copy, "Transfer-Encoding") == 0)
          {
            if (chunked || g_ascii_strcasecmp (value_copy, "chunked") != 0)
              {
                _botbench_http_head_clear (head);
                if (!chunked && list_ends_in_chunked (value_copy))
                  return fail (status, reason, 501, "Only the chunked transfer coding is supported");
                return fail (status, reason, 400, "Transfer-Encoding does not end in chunked");
              }
            chunked = TRUE;
          }
        else if (g_ascii_strcasecmp (name_copy, "Host") == 0)
          n_host++;
        else if (g_ascii_strcasecmp (name_copy, "Connection") == 0)
          {
            close |= list_has_token (value_copy, "close");
            keep_alive |= list_has_token (value_copy, "keep-alive");
          }
        else if (g_ascii_strcasecmp (name_copy, "Expect") == 0)
          {
            if (g_ascii_strcasecmp (value_copy, "100-continue") != 0)
              {
                _botbench_http_head_clear (head);
                return fail (status, reason, 417, "Only “Expect: 100-continue” is understood");
              }
            head->expect_continue = TRUE;
          }
        else if (head->content_type == NULL && g_ascii_strcasecmp (name_copy, "Content-Type") == 0)
          head->content_type = value_copy;
      }
    }

  if (!have_request_line)
    {
      _botbench_http_head_clear (head);
      return fail (status, reason, 400, "The request has no request line");
    }

  if (chunked && have_length)
    {
      _botbench_http_head_clear (head);
      return fail (status, reason, 400, "Content-Length and Transfer-Encoding together are ambiguous");
    }

  if (chunked && head->minor_version == 0)
    {
      _botbench_http_head_clear (head);
      return fail (status, reason, 400, "HTTP/1.0 has no chunked transfer coding");
    }

  if (n_host > 1 || (n_host == 0 && head->minor_version == 1))
    {
      _botbench_http_head_clear (head);
      return fail (status, reason, 400, "An HTTP/1.1 request needs exactly one Host header");
    }

  if (chunked)
    head->body_kind = BOTBENCH_HTTP_BODY_CHUNKED;
  else if (have_length && head->content_length > 0)
    head->body_kind = BOTBENCH_HTTP_BODY_LENGTH;
  else
    head->body_kind = BOTBENCH_HTTP_BODY_NONE;

  /* nothing to wait for; and HTTP/1.0 gets no 1xx (RFC 9110 §10.1.1) */
  if (head->body_kind == BOTBENCH_HTTP_BODY_NONE || head->minor_version == 0)
    head->expect_continue = FALSE;

  head->keep_alive = head->minor_version == 1 ? !close : (keep_alive && !close);

  head->n_headers = headers->len / 2;
  g_ptr_array_add (headers, NULL);
  head->headers = (char **)g_ptr_array_steal (headers, NULL);

  return TRUE;
}

void
_botbench_http_head_clear (BotbenchHttpHead *head)
{
  g_clear_pointer (&head->method, g_free);
  g_clear_pointer (&head->path, g_free);
  g_clear_pointer (&head->query, g_free);
  g_clear_pointer (&head->headers, g_strfreev);
  head->content_type = NULL;
  head->n_headers = 0;
}

const char *
_botbench_http_head_get (const BotbenchHttpHead *head,
                         const char             *name)
{
  for (guint i = 0; i < head->n_headers; i++)
    if (g_ascii_strcasecmp (head->headers[2 * i], name) == 0)
      return head->headers[2 * i + 1];

  return NULL;
}

/* ------------------------------------------------------------------------ */
/* chunked                                                                   */

enum {
  CHUNK_SIZE,         /* hex digits */
  CHUNK_SIZE_WS,      /* whitespace after the digits */
  CHUNK_EXTENSION,    /* ;name=value up to the end of the line */
  CHUNK_SIZE_LF,      /* after CR */
  CHUNK_DATA,
  CHUNK_DATA_CR,      /* CRLF after the data */
  CHUNK_DATA_LF,
  CHUNK_TRAILER_START,
  CHUNK_TRAILER_LINE,
  CHUNK_TRAILER_LF,   /* after CR of a trailer line */
  CHUNK_END_LF,       /* after CR of the last empty line */
  CHUNK_DONE,
};

void
_botbench_http_chunked_init (BotbenchHttpChunked *chunked)
{
  memset (chunked, 0, sizeof *chunked);
  chunked->state = CHUNK_SIZE;
}

static BotbenchHttpChunkedResult
chunked_fail (guint       *status,
              const char **reason,
              guint        code,
              const char  *why)
{
  fail (status, reason, code, why);
  return BOTBENCH_HTTP_CHUNKED_ERROR;
}

/* The size line ended: data follows, or the trailers when the size is 0. */
static BotbenchHttpChunkedResult
chunk_size_done (BotbenchHttpChunked *c,
                 GByteArray          *body,
                 gsize                max_body,
                 guint               *status,
                 const char         **reason)
{
  if (c->n_digits == 0)
    return chunked_fail (status, reason, 400, "A chunk size is not a hexadecimal number");

  if (c->remaining == 0)
    {
      c->state = CHUNK_TRAILER_START;
      c->line_len = 0;
      return BOTBENCH_HTTP_CHUNKED_MORE;
    }

  if (c->remaining > max_body || body->len > max_body - c->remaining)
    return chunked_fail (status, reason, 413, "The chunked body exceeds the size limit");

  c->state = CHUNK_DATA;
  return BOTBENCH_HTTP_CHUNKED_MORE;
}

BotbenchHttpChunkedResult
_botbench_http_chunked_feed (BotbenchHttpChunked *c,
                             const char          *data,
                             gsize                len,
                             gsize               *consumed,
                             GByteArray          *body,
                             gsize                max_body,
                             guint               *status,
                             const char         **reason)
{
  gsize i = 0;

  *consumed = 0;

  while (i < len && c->state != CHUNK_DONE)
    {
      char ch = data[i];

      switch (c->state)
        {
        case CHUNK_SIZE:
          {
            int v = g_ascii_xdigit_value (ch);

            if (v >= 0)
              {
                if (++c->n_digits > 16)
                  return chunked_fail (status, reason, 400, "A chunk size has too many digits");
                c->remaining = c->remaining << 4 | (guint64)v;
                i++;
                break;
              }
            if (c->n_digits == 0)
              return chunked_fail (status, reason, 400, "A chunk size is not a hexadecimal number");
            if (is_ows (ch))
              c->state = CHUNK_SIZE_WS;
            else if (ch == ';')
              c->state = CHUNK_EXTENSION;
            else if (ch == '\r')
              c->state = CHUNK_SIZE_LF;
            else if (ch == '\n')
              {
                BotbenchHttpChunkedResult r = chunk_size_done (c, body, max_body, status, reason);
                if (r == BOTBENCH_HTTP_CHUNKED_ERROR)
                  return r;
              }
            else
              return chunked_fail (status, reason, 400, "A chunk size is followed by junk");
            c->line_len++;
            i++;
          }
          break;

        case CHUNK_SIZE_WS:
          if (ch == ';')
            c->state = CHUNK_EXTENSION;
          else if (ch == '\r')
            c->state = CHUNK_SIZE_LF;
          else if (ch == '\n')
            {
              BotbenchHttpChunkedResult r = chunk_size_done (c, body, max_body, status, reason);
              if (r == BOTBENCH_HTTP_CHUNKED_ERROR)
                return r;
            }
          else if (!is_ows (ch))
            return chunked_fail (status, reason, 400, "A chunk size is followed by junk");
          if (++c->line_len > BOTBENCH_HTTP_MAX_CHUNK_LINE)
            return chunked_fail (status, reason, 400, "A chunk size line is too long");
          i++;
          break;

        case CHUNK_EXTENSION:
          if (ch == '\r')
            c->state = CHUNK_SIZE_LF;
          else if (ch == '\n')
            {
              BotbenchHttpChunkedResult r = chunk_size_done (c, body, max_body, status, reason);
              if (r == BOTBENCH_HTTP_CHUNKED_ERROR)
                return r;
            }
          else if (!is_field_char ((guchar)ch))
            return chunked_fail (status, reason, 400, "A chunk extension holds a control character");
          if (++c->line_len > BOTBENCH_HTTP_MAX_CHUNK_LINE)
            return chunked_fail (status, reason, 400, "A chunk size line is too long");
          i++;
          break;

        case CHUNK_SIZE_LF:
          if (ch != '\n')
            return chunked_fail (status, reason, 400, "A chunk size line has a bare CR");
          i++;
          {
            BotbenchHttpChunkedResult r = chunk_size_done (c, body, max_body, status, reason);
            if (r == BOTBENCH_HTTP_CHUNKED_ERROR)
              return r;
          }
          break;

        case CHUNK_DATA:
          {
            gsize n = MIN ((guint64)(len - i), c->remaining);

            g_byte_array_append (body, (const guint8 *)data + i, n);
            c->remaining -= n;
            i += n;
            if (c->remaining == 0)
              c->state = CHUNK_DATA_CR;
          }
          break;

        case CHUNK_DATA_CR:
          if (ch == '\r')
            c->state = CHUNK_DATA_LF;
          else if (ch == '\n')
            goto next_chunk;
          else
            return chunked_fail (status, reason, 400, "Chunk data is longer than its size");
          i++;
          break;

        case CHUNK_DATA_LF:
          if (ch != '\n')
            return chunked_fail (status, reason, 400, "Chunk data is longer than its size");
        next_chunk:
          i++;
          c->state = CHUNK_SIZE;
          c->n_digits = 0;
          c->line_len = 0;
          c->remaining = 0;
          break;

        case CHUNK_TRAILER_START:
          if (ch == '\r')
            c->state = CHUNK_END_LF;
          else if (ch == '\n')
            c->state = CHUNK_DONE;
          else
            {
              c->state = CHUNK_TRAILER_LINE;
              continue;   /* the same byte starts the trailer line */
            }
          i++;
          break;

        case CHUNK_TRAILER_LINE:
          if (++c->trailer_bytes > BOTBENCH_HTTP_MAX_TRAILERS)
            return chunked_fail (status, reason, 431, "The trailer section is too long");
          if (ch == '\r')
            c->state = CHUNK_TRAILER_LF;
          else if (ch == '\n')
            c->state = CHUNK_TRAILER_START;
          else if (!is_field_char ((guchar)ch))
            return chunked_fail (status, reason, 400, "A trailer holds a control character");
          i++;
          break;

        case CHUNK_TRAILER_LF:
          if (ch != '\n')
            return chunked_fail (status, reason, 400, "A trailer line has a bare CR");
          c->state = CHUNK_TRAILER_START;
          i++;
          break;

        case CHUNK_END_LF:
          if (ch != '\n')
            return chunked_fail (status, reason, 400, "The last chunk is not followed by CRLF");
          c->state = CHUNK_DONE;
          i++;
          break;

        default:
          g_assert_not_reached ();
        }
    }

  *consumed = i;
  return c->state == CHUNK_DONE ? BOTBENCH_HTTP_CHUNKED_DONE : BOTBENCH_HTTP_CHUNKED_MORE;
}
