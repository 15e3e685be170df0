/* test-http-parser.c: the listener's HTTP/1.1 request parser
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every byte the listener parses comes from the internet, so every input
 * here is handed to the parser in a copy that ends exactly where its length
 * says: either a g_malloc() block of that size (valgrind and ASan see a read
 * past it) or a copy that ends where a PROT_NONE page starts (any build
 * crashes on such a read).
 *
 * BOTBENCH_HTTP_SEED=N reruns the random cases with another seed.
 */
#include "config.h"

#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "botbench-http-parser-private.h"
#include "botbench-test-utils.h"

#define DEFAULT_SEED 20250608u

/* ------------------------------------------------------------------------ */
/* helpers                                                                   */

static guint32
test_seed (void)
{
  const char *env = g_getenv ("BOTBENCH_HTTP_SEED");
  guint32 seed = env != NULL ? (guint32)g_ascii_strtoull (env, NULL, 10) : DEFAULT_SEED;

  g_test_message ("seed %u (set BOTBENCH_HTTP_SEED to change it)", seed);
  return seed;
}

static void
append_escaped (GString    *out,
                const char *s,
                gssize      len)
{
  if (s == NULL)
    {
      g_string_append (out, "(null)");
      return;
    }
  if (len < 0)
    len = strlen (s);

  g_string_append_c (out, '"');
  for (gssize i = 0; i < len; i++)
    {
      guchar c = (guchar)s[i];

      if (c == '"' || c == '\\')
        g_string_append_printf (out, "\\%c", c);
      else if (c < 0x20 || c >= 0x7f)
        g_string_append_printf (out, "\\x%02x", c);
      else
        g_string_append_c (out, (char)c);
    }
  g_string_append_c (out, '"');
}

/* For test messages: escaped, and cut after 160 bytes. */
static char *
escaped (const char *s,
         gssize      len)
{
  GString *out = g_string_new (NULL);

  if (len < 0)
    len = strlen (s);
  append_escaped (out, s, MIN (len, 160));
  if (len > 160)
    g_string_append_printf (out, "… (%" G_GSSIZE_FORMAT " bytes)", len);
  return g_string_free (out, FALSE);
}

/* One line that names every field of a parsed head (and its body). */
static void
describe_head (GString                *out,
               const BotbenchHttpHead *head,
               const guint8           *body,
               gsize                   body_len)
{
  int ct_index = -1;

  g_string_append (out, "method=");
  append_escaped (out, head->method, -1);
  g_string_append (out, " path=");
  append_escaped (out, head->path, -1);
  g_string_append (out, " query=");
  append_escaped (out, head->query, -1);
  g_string_append_printf (out, " minor=%u headers=%u[", head->minor_version, head->n_headers);
  for (guint i = 0; i < head->n_headers; i++)
    {
      append_escaped (out, head->headers[2 * i], -1);
      g_string_append_c (out, ':');
      append_escaped (out, head->headers[2 * i + 1], -1);
      g_string_append_c (out, ' ');
      if (ct_index < 0 && head->content_type == head->headers[2 * i + 1])
        ct_index = (int)i;
    }
  g_string_append_printf (out, "] ct=#%d kind=%d length=%" G_GUINT64_FORMAT " keep-alive=%d continue=%d body=",
                          ct_index, head->body_kind, head->content_length,
                          head->keep_alive, head->expect_continue);
  append_escaped (out, body != NULL ? (const char *)body : "", body_len);
  g_string_append_c (out, '\n');
}

/* ------------------------------------------------------------------------ */
/* _botbench_http_find_head_end                                              */

static gsize
find_once (const char *data,
           gsize       len,
           guint      *status)
{
  BotbenchHttpHeadScan scan = { 0, };
  gsize end;
  BotbenchGuarded g;

  botbench_test_guarded_init (&g, data, len);
  end = _botbench_http_find_head_end (g.data, len, &scan, status);
  botbench_test_guarded_clear (&g);

  g_assert_cmpuint (end, <=, len);
  if (*status != 0)
    g_assert_cmpuint (end, ==, 0);

  return end;
}

/* Feeds data in prefixes growing by step bytes, keeping the scan state, until
 * the head is found or refused.  Between calls every byte the scan has passed
 * (but the last, a CR may be looked back at) is overwritten with '\n', and
 * every byte past the prefix is '\n' too: a parser that looked at a byte twice,
 * or past the length it was given, would find a line end there and answer
 * differently.  After each call that wants more, the scan must have passed
 * the whole prefix (each byte is handed to the search once). */
static gsize
find_incremental (const char *data,
                  gsize       len,
                  gsize       step,
                  guint      *status,
                  gsize      *n_calls)
{
  BotbenchHttpHeadScan scan = { 0, };
  g_autofree char *work = g_malloc (len + 1);
  gsize poisoned = 0;
  gsize prefix = 0;
  gsize calls = 0;
  gsize end = 0;

  memset (work, '\n', len + 1);
  *status = 0;

  while (prefix < len)
    {
      gsize before = scan.scanned;

      prefix = MIN (prefix + step, len);
      memcpy (work + poisoned, data + poisoned, prefix - poisoned);

      end = _botbench_http_find_head_end (work, prefix, &scan, status);
      calls++;
      if (end != 0 || *status != 0)
        break;

      g_assert_cmpuint (scan.scanned, ==, prefix);
      g_assert_cmpuint (scan.scanned, >=, before);
      g_assert_cmpuint (scan.line_start, <=, scan.scanned);
      if (scan.scanned > 1 && scan.scanned - 1 > poisoned)
        {
          memset (work + poisoned, '\n', scan.scanned - 1 - poisoned);
          poisoned = scan.scanned - 1;
        }
    }

  if (n_calls != NULL)
    *n_calls = calls;
  return end;
}

/* The same answer one-shot, in prefixes growing by 1, 2, 3, 7 and 64 bytes,
 * and in two calls split at every byte. */
static gsize
find_all_ways (const char *data,
               gsize       len,
               guint      *status)
{
  static const gsize steps[] = { 1, 2, 3, 7, 64 };
  gsize end = find_once (data, len, status);

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      guint s = 0;
      gsize e = find_incremental (data, len, steps[i], &s, NULL);

      g_assert_cmpuint (e, ==, end);
      g_assert_cmpuint (s, ==, *status);
    }

  for (gsize split = 0; split <= len && len < 4096; split++)
    {
      BotbenchHttpHeadScan scan = { 0, };
      g_autofree char *exact = g_malloc (MAX (len, 1));
      guint s = 0;
      gsize e;

      memcpy (exact, data, len);
      e = _botbench_http_find_head_end (exact, split, &scan, &s);
      if (e == 0 && s == 0)
        e = _botbench_http_find_head_end (exact, len, &scan, &s);
      g_assert_cmpuint (e, ==, end);
      g_assert_cmpuint (s, ==, *status);
    }

  return end;
}

static void
test_head_end_basic (void)
{
  static const struct
  {
    const char *data;
    gsize       end;      /* 0: incomplete */
  } cases[] = {
    { "GET / HTTP/1.1\r\nHost: a\r\n\r\n", 27 },
    { "GET / HTTP/1.1\nHost: a\n\n", 24 },
    { "GET / HTTP/1.1\r\nHost: a\n\r\n", 26 },
    { "GET / HTTP/1.1\nHost: a\r\n\n", 25 },
    { "GET / HTTP/1.0\r\n\r\n", 18 },
    { "GET / HTTP/1.0\n\n", 16 },
    /* the body and a pipelined request stay out of the head */
    { "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabcGET / HTTP/1.1\r\n\r\n", 47 },
    { "GET / HTTP/1.1\r\nHost: a\r\n\r\n\r\n\r\n", 27 },
    /* empty lines before the request line belong to the head */
    { "\r\nGET / HTTP/1.0\r\n\r\n", 20 },
    { "\n\r\n\nGET / HTTP/1.0\n\n", 20 },
    /* a line of its own CR is not empty: it is the request line */
    { "\r\r\nX\r\n\r\n", 8 },
    /* not found yet */
    { "", 0 },
    { "G", 0 },
    { "GET / HTTP/1.1", 0 },
    { "GET / HTTP/1.1\r\n", 0 },
    { "GET / HTTP/1.1\r\nHost: a\r\n", 0 },
    { "GET / HTTP/1.1\r\nHost: a\r\n\r", 0 },
    { "GET / HTTP/1.1\r\nHost: a\r\r\n", 0 },
    { "\r\n\r\n\r\n", 0 },
    { "\n\n\n\n", 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gsize len = strlen (cases[i].data);
      guint status = 1;

      g_test_message ("case %u", i);
      g_assert_cmpuint (find_all_ways (cases[i].data, len, &status), ==, cases[i].end);
      g_assert_cmpuint (status, ==, 0);
    }
}

/* Random heads (CRLF, LF, mixed, leading empty lines, bodies after them),
 * split everywhere. */
static void
test_head_end_splits (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (test_seed ());

  for (guint n = 0; n < 60; n++)
    {
      g_autoptr(GString) s = g_string_new (NULL);
      guint style = g_rand_int_range (rand, 0, 3);
      guint n_headers = g_rand_int_range (rand, 0, 8);
      gsize head_len;
      guint status = 1;
#define EOL() (style == 0 || (style == 2 && g_rand_boolean (rand)) ? "\r\n" : "\n")

      for (guint i = g_rand_int_range (rand, 0, 3); i > 0; i--)
        g_string_append (s, EOL ());
      g_string_append_printf (s, "POST /%u HTTP/1.1%s", n, EOL ());
      for (guint i = 0; i < n_headers; i++)
        g_string_append_printf (s, "X-%u: %*s%s", i, g_rand_int_range (rand, 0, 40), "v", EOL ());
      g_string_append (s, EOL ());
      head_len = s->len;
      if (g_rand_boolean (rand))
        g_string_append (s, "body\r\n\r\nGET / HTTP/1.1\r\n\r\n");
#undef EOL

      g_assert_cmpuint (find_all_ways (s->str, s->len, &status), ==, head_len);
      g_assert_cmpuint (status, ==, 0);
      /* every proper prefix of the head is incomplete, and no more */
      for (gsize k = 0; k < head_len; k++)
        {
          g_assert_cmpuint (find_once (s->str, k, &status), ==, 0);
          g_assert_cmpuint (status, ==, 0);
        }
    }
}

/* A 60 KiB head, one byte per call: each call hands the search only the new
 * byte (the scan has passed everything before it), so the work is linear. */
static void
test_head_end_linear (void)
{
  g_autoptr(GString) s = g_string_new ("POST / HTTP/1.1\r\nHost: a\r\n");
  gsize calls = 0;
  guint status = 1;
  gsize end;

  for (guint i = 0; s->len < 60000; i++)
    g_string_append_printf (s, "X-%05u: %s\r\n", i, "0123456789012345678901234567890123456789");
  g_string_append (s, "\r\n");

  end = find_incremental (s->str, s->len, 1, &status, &calls);
  g_assert_cmpuint (status, ==, 0);
  g_assert_cmpuint (end, ==, s->len);
  g_assert_cmpuint (calls, ==, s->len);
}

/* "GET /aaa… HTTP/1.1" of exactly len bytes */
static char *
request_line (gsize len)
{
  gsize n = len - strlen ("GET / HTTP/1.1");
  g_autofree char *path = g_strnfill (n, 'a');

  g_assert_cmpuint (len, >=, strlen ("GET / HTTP/1.1"));
  return g_strdup_printf ("GET /%s HTTP/1.1", path);
}

static void
test_head_end_request_line_limit (void)
{
  static const char *leads[] = { "", "\r\n", "\n\r\n" };

  for (guint l = 0; l < G_N_ELEMENTS (leads); l++)
    for (guint crlf = 0; crlf < 2; crlf++)
      {
        const char *eol = crlf ? "\r\n" : "\n";
        g_autofree char *at = request_line (BOTBENCH_HTTP_MAX_REQUEST_LINE);
        g_autofree char *over = request_line (BOTBENCH_HTTP_MAX_REQUEST_LINE + 1);
        g_autofree char *head_at = g_strconcat (leads[l], at, eol, "Host: a", eol, eol, NULL);
        g_autofree char *head_over = g_strconcat (leads[l], over, eol, "Host: a", eol, eol, NULL);
        gsize lead = strlen (leads[l]);
        BotbenchHttpHead head;
        const char *reason = NULL;
        guint status = 1;

        /* at the limit: found, one-shot and with LF-only lines byte by byte */
        g_assert_cmpuint (find_once (head_at, strlen (head_at), &status), ==, strlen (head_at));
        g_assert_cmpuint (status, ==, 0);
        if (!crlf)
          {
            g_assert_cmpuint (find_incremental (head_at, strlen (head_at), 1, &status, NULL), ==, strlen (head_at));
            g_assert_cmpuint (status, ==, 0);
          }
        /* a request line at the limit, not finished yet */
        g_assert_cmpuint (find_once (head_at, lead + BOTBENCH_HTTP_MAX_REQUEST_LINE, &status), ==, 0);
        g_assert_cmpuint (status, ==, 0);

        g_assert_true (_botbench_http_parse_head (head_at, strlen (head_at), &head, &status, &reason));
        g_assert_cmpuint (strlen (head.path), ==, BOTBENCH_HTTP_MAX_REQUEST_LINE - strlen ("GET  HTTP/1.1"));
        _botbench_http_head_clear (&head);

        /* one past: 414 however it arrives */
        g_assert_cmpuint (find_once (head_over, strlen (head_over), &status), ==, 0);
        g_assert_cmpuint (status, ==, 414);
        g_assert_cmpuint (find_incremental (head_over, strlen (head_over), 1, &status, NULL), ==, 0);
        g_assert_cmpuint (status, ==, 414);
        g_assert_cmpuint (find_incremental (head_over, strlen (head_over), 4096, &status, NULL), ==, 0);
        g_assert_cmpuint (status, ==, 414);
        /* … and as soon as the line is too long, before its end arrives */
        g_assert_cmpuint (find_once (head_over, lead + BOTBENCH_HTTP_MAX_REQUEST_LINE + 1, &status), ==, 0);
        g_assert_cmpuint (status, ==, 414);
      }
}

/* A request line exactly at the limit whose CR arrives in one read and its LF
 * in the next must not be refused: the one-shot answer is "found". */
static void
test_head_end_request_line_limit_split_crlf (void)
{
  g_autofree char *at = request_line (BOTBENCH_HTTP_MAX_REQUEST_LINE);
  g_autofree char *head_at = g_strconcat (at, "\r\nHost: a\r\n\r\n", NULL);
  gsize len = strlen (head_at);
  guint status = 1;

  /* the request line and its CR, nothing more yet */
  g_assert_cmpuint (find_once (head_at, BOTBENCH_HTTP_MAX_REQUEST_LINE + 1, &status), ==, 0);
  g_assert_cmpuint (status, ==, 0);

  g_assert_cmpuint (find_incremental (head_at, len, 1, &status, NULL), ==, len);
  g_assert_cmpuint (status, ==, 0);
}

/* A head of exactly len bytes: request line, Host, one filler header, blank line. */
static char *
head_of_length (const char *lead,
                gsize       len,
                gboolean    crlf)
{
  const char *eol = crlf ? "\r\n" : "\n";
  g_autofree char *start = g_strconcat (lead, "GET / HTTP/1.1", eol, "Host: a", eol, "X: ", NULL);
  gsize rest = strlen (start) + 2 * strlen (eol);
  g_autofree char *filler = NULL;

  g_assert_cmpuint (len, >, rest);
  filler = g_strnfill (len - rest, 'v');
  return g_strconcat (start, filler, eol, eol, NULL);
}

static void
test_head_end_head_limit (void)
{
  static const char *leads[] = { "", "\r\n\r\n" };

  for (guint l = 0; l < G_N_ELEMENTS (leads); l++)
    for (guint crlf = 0; crlf < 2; crlf++)
      {
        g_autofree char *at = head_of_length (leads[l], BOTBENCH_HTTP_MAX_HEAD, crlf);
        g_autofree char *over = head_of_length (leads[l], BOTBENCH_HTTP_MAX_HEAD + 1, crlf);
        g_autofree char *unfinished = g_strndup (over, BOTBENCH_HTTP_MAX_HEAD + 1 - (crlf ? 2 : 1));
        BotbenchHttpHead head;
        const char *reason = NULL;
        guint status = 1;

        g_assert_cmpuint (strlen (at), ==, BOTBENCH_HTTP_MAX_HEAD);
        g_assert_cmpuint (strlen (over), ==, BOTBENCH_HTTP_MAX_HEAD + 1);

        g_assert_cmpuint (find_once (at, BOTBENCH_HTTP_MAX_HEAD, &status), ==, BOTBENCH_HTTP_MAX_HEAD);
        g_assert_cmpuint (status, ==, 0);
        g_assert_cmpuint (find_incremental (at, BOTBENCH_HTTP_MAX_HEAD, 1, &status, NULL), ==, BOTBENCH_HTTP_MAX_HEAD);
        g_assert_cmpuint (status, ==, 0);
        g_assert_true (_botbench_http_parse_head (at, BOTBENCH_HTTP_MAX_HEAD, &head, &status, &reason));
        g_assert_cmpuint (head.n_headers, ==, 2);
        g_assert_cmpuint (strlen (_botbench_http_head_get (&head, "x")), ==,
                          BOTBENCH_HTTP_MAX_HEAD - strlen (leads[l]) - strlen ("GET / HTTP/1.1Host: aX: ") -
                          4 * (crlf ? 2 : 1));
        _botbench_http_head_clear (&head);

        /* one byte more: 431 one-shot, and as that byte arrives */
        g_assert_cmpuint (find_once (over, BOTBENCH_HTTP_MAX_HEAD + 1, &status), ==, 0);
        g_assert_cmpuint (status, ==, 431);
        g_assert_cmpuint (find_once (over, BOTBENCH_HTTP_MAX_HEAD, &status), ==, 0);
        g_assert_cmpuint (status, ==, 0);
        g_assert_cmpuint (find_incremental (over, BOTBENCH_HTTP_MAX_HEAD + 1, 1, &status, NULL), ==, 0);
        g_assert_cmpuint (status, ==, 431);

        /* a head that has not ended is refused once it passes the limit */
        {
          g_autofree char *more = g_strconcat (unfinished, "vv", NULL);

          g_assert_cmpuint (find_once (more, BOTBENCH_HTTP_MAX_HEAD, &status), ==, 0);
          g_assert_cmpuint (status, ==, 0);
          g_assert_cmpuint (find_once (more, BOTBENCH_HTTP_MAX_HEAD + 1, &status), ==, 0);
          g_assert_cmpuint (status, ==, 431);
          g_assert_cmpuint (find_incremental (more, BOTBENCH_HTTP_MAX_HEAD + 1, 3, &status, NULL), ==, 0);
          g_assert_cmpuint (status, ==, 431);
        }
      }

  /* empty lines alone do not go on for ever */
  {
    g_autofree char *blank = g_strnfill (BOTBENCH_HTTP_MAX_HEAD + 1, '\n');
    guint status = 1;

    g_assert_cmpuint (find_once (blank, BOTBENCH_HTTP_MAX_HEAD, &status), ==, 0);
    g_assert_cmpuint (status, ==, 0);
    g_assert_cmpuint (find_once (blank, BOTBENCH_HTTP_MAX_HEAD + 1, &status), ==, 0);
    g_assert_cmpuint (status, ==, 431);
  }
}

/* ------------------------------------------------------------------------ */
/* _botbench_http_parse_head                                                 */

static void
assert_head_cleared (const BotbenchHttpHead *head)
{
  g_assert_null (head->method);
  g_assert_null (head->path);
  g_assert_null (head->query);
  g_assert_null (head->headers);
  g_assert_null (head->content_type);
  g_assert_cmpuint (head->n_headers, ==, 0);
}

/* Parses text (a whole head, as the search finds it) from an exact copy; on
 * refusal checks the head is cleared and returns the status, else 0. */
static guint
parse (const char       *text,
       gsize             len,
       BotbenchHttpHead *head)
{
  const char *reason = NULL;
  guint status = 0;
  gboolean ok;
  BotbenchGuarded g;

  if (len == (gsize)-1)
    len = strlen (text);

  /* the parser must set every field itself */
  memset (head, 0xa5, sizeof *head);

  botbench_test_guarded_init (&g, text, len);
  ok = _botbench_http_parse_head (g.data, len, head, &status, &reason);
  botbench_test_guarded_clear (&g);

  if (ok)
    {
      g_assert_nonnull (head->method);
      g_assert_nonnull (head->path);
      g_assert_nonnull (head->headers);
      g_assert_null (head->headers[2 * head->n_headers]);
      g_assert_cmpuint (head->minor_version, <=, 1);
      return 0;
    }

  g_assert_nonnull (reason);
  g_assert_cmpstr (reason, !=, "");
  g_assert_true (status == 400 || status == 417 || status == 431 || status == 501 || status == 505);
  assert_head_cleared (head);
  return status;
}

/* A head that must parse; the caller clears it. */
static void
parse_ok (const char       *text,
          BotbenchHttpHead *head)
{
  guint status1 = 1;
  gsize len = strlen (text);

  /* a real head, as the search would hand it over */
  g_assert_cmpuint (find_once (text, len, &status1), ==, len);
  g_assert_cmpuint (status1, ==, 0);

  if (parse (text, len, head) != 0)
    g_error ("refused: %s", text);
}

static void
expect_status (const char *text,
               guint       expected)
{
  BotbenchHttpHead head;
  g_autofree char *shown = escaped (text, -1);
  guint status;

  g_test_message ("expecting %u for %s", expected, shown);
  status = parse (text, strlen (text), &head);
  if (status == 0)
    _botbench_http_head_clear (&head);
  g_assert_cmpuint (status, ==, expected);
}

/* Parses "REQUEST_LINE\r\nHost: h\r\n\r\n"; the caller clears it. */
static guint
parse_line (const char       *line,
            BotbenchHttpHead *head)
{
  g_autofree char *text = g_strconcat (line, "\r\nHost: h\r\n\r\n", NULL);

  return parse (text, strlen (text), head);
}

static void
expect_line_status (const char *line,
                    guint       expected)
{
  g_autofree char *text = g_strconcat (line, "\r\nHost: h\r\n\r\n", NULL);

  expect_status (text, expected);
}

static void
expect_target (const char *target,
               const char *path,
               const char *query)
{
  BotbenchHttpHead head;
  g_autofree char *line = g_strdup_printf ("GET %s HTTP/1.1", target);

  g_test_message ("target %s", target);
  g_assert_cmpuint (parse_line (line, &head), ==, 0);
  g_assert_cmpstr (head.method, ==, "GET");
  g_assert_cmpstr (head.path, ==, path);
  g_assert_cmpstr (head.query, ==, query);
  _botbench_http_head_clear (&head);
}

static void
test_head_fields (void)
{
  BotbenchHttpHead head;

  parse_ok ("POST /hook/a%20b?x=1&y=%20+z HTTP/1.1\r\n"
            "Host: example.com:8024\r\n"
            "User-Agent:  curl/8.0 \t\r\n"
            "content-type: application/x-www-form-urlencoded\r\n"
            "Content-Length: 5\r\n"
            "X-Empty:\r\n"
            "\r\n",
            &head);
  g_assert_cmpstr (head.method, ==, "POST");
  g_assert_cmpstr (head.path, ==, "/hook/a b");
  g_assert_cmpstr (head.query, ==, "x=1&y=%20+z");
  g_assert_cmpuint (head.minor_version, ==, 1);
  g_assert_cmpuint (head.n_headers, ==, 5);
  g_assert_cmpstr (head.headers[0], ==, "Host");
  g_assert_cmpstr (head.headers[1], ==, "example.com:8024");
  g_assert_cmpstr (head.headers[2], ==, "User-Agent");
  g_assert_cmpstr (head.headers[3], ==, "curl/8.0");
  g_assert_cmpstr (head.headers[4], ==, "content-type");
  g_assert_cmpstr (head.headers[5], ==, "application/x-www-form-urlencoded");
  g_assert_cmpstr (head.headers[6], ==, "Content-Length");
  g_assert_cmpstr (head.headers[7], ==, "5");
  g_assert_cmpstr (head.headers[8], ==, "X-Empty");
  g_assert_cmpstr (head.headers[9], ==, "");
  g_assert_null (head.headers[10]);
  g_assert_true (head.content_type == head.headers[5]);
  g_assert_cmpint (head.body_kind, ==, BOTBENCH_HTTP_BODY_LENGTH);
  g_assert_cmpuint (head.content_length, ==, 5);
  g_assert_true (head.keep_alive);
  g_assert_false (head.expect_continue);
  /* _get: case-insensitive, first copy, NULL when absent */
  g_assert_true (_botbench_http_head_get (&head, "CONTENT-TYPE") == head.headers[5]);
  g_assert_cmpstr (_botbench_http_head_get (&head, "user-agent"), ==, "curl/8.0");
  g_assert_null (_botbench_http_head_get (&head, "Cookie"));
  g_assert_null (_botbench_http_head_get (&head, "Content"));
  _botbench_http_head_clear (&head);
  assert_head_cleared (&head);
  _botbench_http_head_clear (&head);   /* twice is fine */

  /* HTTP/1.0 without Host, LF line ends, empty lines first */
  parse_ok ("\r\n\nGET / HTTP/1.0\n\n", &head);
  g_assert_cmpstr (head.method, ==, "GET");
  g_assert_cmpstr (head.path, ==, "/");
  g_assert_null (head.query);
  g_assert_cmpuint (head.minor_version, ==, 0);
  g_assert_cmpuint (head.n_headers, ==, 0);
  g_assert_null (head.headers[0]);
  g_assert_null (head.content_type);
  g_assert_cmpint (head.body_kind, ==, BOTBENCH_HTTP_BODY_NONE);
  g_assert_cmpuint (head.content_length, ==, 0);
  g_assert_false (head.keep_alive);
  g_assert_false (head.expect_continue);
  _botbench_http_head_clear (&head);

  /* repeated headers are all kept, in order, names as sent */
  parse_ok ("GET / HTTP/1.1\r\nhOsT: h\r\nX-A: 1\r\nx-a: 2\r\nX-A: 3\r\n\r\n", &head);
  g_assert_cmpuint (head.n_headers, ==, 4);
  g_assert_cmpstr (head.headers[0], ==, "hOsT");
  g_assert_cmpstr (head.headers[3], ==, "1");
  g_assert_cmpstr (head.headers[4], ==, "x-a");
  g_assert_cmpstr (head.headers[5], ==, "2");
  g_assert_cmpstr (head.headers[7], ==, "3");
  g_assert_cmpstr (_botbench_http_head_get (&head, "X-a"), ==, "1");
  _botbench_http_head_clear (&head);

  /* no request line at all (the search never hands this over) */
  g_assert_cmpuint (parse ("\r\n\r\n", -1, &head), ==, 400);
  g_assert_cmpuint (parse ("", -1, &head), ==, 400);
}

static void
test_head_request_target (void)
{
  BotbenchHttpHead head;

  /* origin-form */
  expect_target ("/", "/", NULL);
  expect_target ("/?", "/", "");
  expect_target ("/a/b/", "/a/b/", NULL);
  expect_target ("//x//y", "//x//y", NULL);
  expect_target ("/a+b", "/a+b", NULL);
  expect_target ("/a?b?c=/d%zz%00", "/a", "b?c=/d%zz%00");
  expect_target ("/~!$&'()*+,;=:@-._", "/~!$&'()*+,;=:@-._", NULL);
  /* percent-decoding of the path only */
  expect_target ("/a%2Fb?c%2Fd", "/a/b", "c%2Fd");
  expect_target ("/a%2fb", "/a/b", NULL);
  expect_target ("/%41%62%7e", "/Ab~", NULL);
  expect_target ("/%20%25%3F%23", "/ %?#", NULL);
  expect_target ("/caf%C3%A9", "/café", NULL);
  expect_target ("/%e2%9c%93%F0%9F%98%80", "/✓😀", NULL);
  expect_target ("/%2e%2e/x", "/../x", NULL);
  /* absolute-form */
  expect_target ("http://example.com/x%41?q=1", "/xA", "q=1");
  expect_target ("https://example.com:8443/a/b", "/a/b", NULL);
  expect_target ("HTTP://Example.COM/a", "/a", NULL);
  expect_target ("http://example.com", "/", NULL);
  expect_target ("http://example.com?a=b", "/", "a=b");
  expect_target ("https://u@h:1", "/", NULL);
  /* asterisk-form, OPTIONS only */
  g_assert_cmpuint (parse_line ("OPTIONS * HTTP/1.1", &head), ==, 0);
  g_assert_cmpstr (head.method, ==, "OPTIONS");
  g_assert_cmpstr (head.path, ==, "*");
  g_assert_null (head.query);
  g_assert_cmpint (head.body_kind, ==, BOTBENCH_HTTP_BODY_NONE);
  _botbench_http_head_clear (&head);
  expect_line_status ("GET * HTTP/1.1", 400);
  expect_line_status ("POST * HTTP/1.1", 400);
  expect_line_status ("options * HTTP/1.1", 400);
  expect_line_status ("OPTIONS *?x HTTP/1.1", 400);
  expect_line_status ("OPTIONS ** HTTP/1.1", 400);

  /* authority-form (CONNECT) and other targets are refused */
  expect_line_status ("CONNECT example.com:443 HTTP/1.1", 400);
  expect_line_status ("GET example.com:443 HTTP/1.1", 400);
  expect_line_status ("GET example.com/a HTTP/1.1", 400);
  expect_line_status ("GET ftp://example.com/ HTTP/1.1", 400);
  expect_line_status ("GET http:// HTTP/1.1", 400);
  expect_line_status ("GET https:// HTTP/1.1", 400);
  expect_line_status ("GET http:///a HTTP/1.1", 400);
  expect_line_status ("GET http://?a HTTP/1.1", 400);
  expect_line_status ("GET http:/a HTTP/1.1", 400);
  expect_line_status ("GET a HTTP/1.1", 400);
  expect_line_status ("GET ? HTTP/1.1", 400);
  /* characters a target may not hold */
  expect_line_status ("GET /a#b HTTP/1.1", 400);
  expect_line_status ("GET /a\x7f HTTP/1.1", 400);
  expect_line_status ("GET /caf\xc3\xa9 HTTP/1.1", 400);
  expect_line_status ("GET /a?\xff HTTP/1.1", 400);
  expect_line_status ("GET /a\x01 HTTP/1.1", 400);
  expect_line_status ("GET /a\tb HTTP/1.1", 400);
  expect_line_status ("GET /a\x0b HTTP/1.1", 400);
  /* broken escapes, escaped NUL, escapes that are not UTF-8 */
  expect_line_status ("GET /%00 HTTP/1.1", 400);
  expect_line_status ("GET /a%00b HTTP/1.1", 400);
  expect_line_status ("GET http://h/%00 HTTP/1.1", 400);
  expect_line_status ("GET /% HTTP/1.1", 400);
  expect_line_status ("GET /%4 HTTP/1.1", 400);
  expect_line_status ("GET /%4?x HTTP/1.1", 400);
  expect_line_status ("GET /%?x HTTP/1.1", 400);
  expect_line_status ("GET /%zz HTTP/1.1", 400);
  expect_line_status ("GET /%g1 HTTP/1.1", 400);
  expect_line_status ("GET /%1g HTTP/1.1", 400);
  expect_line_status ("GET /%-1 HTTP/1.1", 400);
  expect_line_status ("GET /% 1 HTTP/1.1", 400);
  expect_line_status ("GET /%FF HTTP/1.1", 400);
  expect_line_status ("GET /%C3%28 HTTP/1.1", 400);
  expect_line_status ("GET /%C3 HTTP/1.1", 400);
  expect_line_status ("GET /%C0%AF HTTP/1.1", 400);
  expect_line_status ("GET /%ED%A0%80 HTTP/1.1", 400);
  expect_line_status ("GET /%F4%90%80%80 HTTP/1.1", 400);
}

static void
test_head_request_line (void)
{
  BotbenchHttpHead head;
  static const char *methods[] = {
    "GET", "POST", "HEAD", "PUT", "DELETE", "PATCH", "M-SEARCH", "post", "X", "!#$%&'*+-.^_`|~09AZaz",
  };
  static const char *bad_methods[] = {
    "G@T", "GET(", "GE\"T", "GE,T", "GE/T", "GE:T", "GE;T", "GE=T", "GE[T]", "GE{T}", "G\xc3\x89T", "G\x7fT",
  };

  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    {
      g_autofree char *line = g_strdup_printf ("%s / HTTP/1.1", methods[i]);

      g_assert_cmpuint (parse_line (line, &head), ==, 0);
      g_assert_cmpstr (head.method, ==, methods[i]);
      _botbench_http_head_clear (&head);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad_methods); i++)
    {
      g_autofree char *line = g_strdup_printf ("%s / HTTP/1.1", bad_methods[i]);

      expect_line_status (line, 400);
    }

  /* versions: 1.0 and 1.1; a later 1.x is served as 1.1 (RFC 9110 §2.5) */
  g_assert_cmpuint (parse_line ("GET / HTTP/1.0", &head), ==, 0);
  g_assert_cmpuint (head.minor_version, ==, 0);
  _botbench_http_head_clear (&head);
  g_assert_cmpuint (parse_line ("GET / HTTP/1.1", &head), ==, 0);
  g_assert_cmpuint (head.minor_version, ==, 1);
  _botbench_http_head_clear (&head);
  g_assert_cmpuint (parse_line ("GET / HTTP/1.9", &head), ==, 0);
  g_assert_cmpuint (head.minor_version, ==, 1);
  _botbench_http_head_clear (&head);
  expect_status ("GET / HTTP/1.9\r\n\r\n", 400);   /* as 1.1: Host needed */

  expect_line_status ("GET / HTTP/2.0", 505);
  expect_line_status ("GET / HTTP/0.9", 505);
  expect_line_status ("GET / HTTP/3.0", 505);
  expect_line_status ("GET / HTTP/9.9", 505);
  expect_line_status ("PRI * HTTP/2.0", 505);

  expect_line_status ("GET / HTTP/1", 400);
  expect_line_status ("GET / HTTP/2", 400);
  expect_line_status ("GET / HTTP/1.", 400);
  expect_line_status ("GET / HTTP/1.10", 400);
  expect_line_status ("GET / HTTP/11.1", 400);
  expect_line_status ("GET / HTTP/1,1", 400);
  expect_line_status ("GET / HTTP/a.b", 400);
  expect_line_status ("GET / HTTP/1.x", 400);
  expect_line_status ("GET / http/1.1", 400);
  expect_line_status ("GET / HTTPS/1.1", 400);
  expect_line_status ("GET / XTTP/1.1", 400);
  expect_line_status ("GET / HTTP/1.1x", 400);
  expect_line_status ("GET / HTTP/1.1 ", 400);
  expect_line_status ("GET / HTTP/1.1 x", 400);
  expect_line_status ("GET / ", 400);
  expect_line_status ("GET /", 400);
  expect_line_status ("GET", 400);
  expect_line_status ("/", 400);
  expect_line_status ("GET  / HTTP/1.1", 400);
  expect_line_status (" GET / HTTP/1.1", 400);
  expect_line_status ("GET\t/\tHTTP/1.1", 400);
  expect_line_status ("GET / b HTTP/1.1", 400);
  expect_line_status ("\x16\x03\x01\x02\x00\x01", 400);   /* TLS to a plain port */
  expect_status ("GET / HTTP/1.0\r\r\n\r\n", 400);
  expect_status ("GET\r/ HTTP/1.0\r\n\r\n", 400);
  {
    static const char nul_line[] = "GET /\0 HTTP/1.0\r\n\r\n";

    g_assert_cmpuint (parse (nul_line, sizeof nul_line - 1, &head), ==, 400);
  }

  /* Host: exactly one for 1.1, at most one for 1.0 */
  expect_status ("GET / HTTP/1.1\r\n\r\n", 400);
  expect_status ("GET / HTTP/1.1\r\nX-Host: h\r\n\r\n", 400);
  expect_status ("GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", 400);
  expect_status ("GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n", 400);
  expect_status ("GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n", 400);
  expect_status ("GET / HTTP/1.0\r\nHost: a\r\n\r\n", 0);
  expect_status ("GET / HTTP/1.1\r\nHost:\r\n\r\n", 0);
  expect_status ("GET http://a/ HTTP/1.1\r\n\r\n", 400);
}

static void
test_head_header_syntax (void)
{
  BotbenchHttpHead head;

  /* names are tokens; nothing between the name and the colon */
  expect_status ("GET / HTTP/1.1\r\nHost: h\r\nX-Ok!#$%&'*+.^_`|~: v\r\n\r\n", 0);
  expect_status ("GET / HTTP/1.1\r\nHost: h\r\nBad Name: v\r\n\r\n", 400);
  expect_status ("GET / HTTP/1.1\r\nHost: h\r\nX(y): v\r\n\r\n", 400);
  expect_status ("GET / HTTP/1.1\r\nHost: h\r\nX\"y: v\r\n\r\n", 400);
  expect_status ("GET / HTTP/1.1\r\nHost: h\r\nX/y: v\r\n\r\n", 400);
  expect_status ("GET / HTTP/1.1\r\nHost: h\r\nX\xc3\xa9: v\r\n\r\n", 400);
  expect_status ("GET / HTTP/1.1\r\nHost: h\r\n: v\r\n\r\n", 400);
  expect_status ("GET / HTTP/1.1\r\nHost: h\r\nNoColon\r\n\r\n", 400);
  expect_status ("GET / HTTP/1.1\r\nHost : h\r\n\r\n", 400);
  expect_status ("GET / HTTP/1.1\r\nHost\t: h\r\n\r\n", 400);
  expect_status ("GET / HTTP/1.1\r\nHost: h\r\nContent-Length : 5\r\n\r\n", 400);
  expect_status ("GET / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding\t: chunked\r\n\r\n", 400);
  /* obs-fold */
  expect_status ("GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n b\r\n\r\n", 400);
  expect_status ("GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n\tb\r\n\r\n", 400);
  expect_status ("GET / HTTP/1.1\r\n Host: h\r\n\r\n", 400);
  expect_status ("GET / HTTP/1.1\nHost: h\n X: a\n\n", 400);
  /* control characters, NUL and bare CR */
  expect_status ("GET / HTTP/1.1\r\nHost: h\r\nX: a\x01" "b\r\n\r\n", 400);
  expect_status ("GET / HTTP/1.1\r\nHost: h\r\nX: a\x1b[31m\r\n\r\n", 400);
  expect_status ("GET / HTTP/1.1\r\nHost: h\r\nX: a\x7f\r\n\r\n", 400);
  expect_status ("GET / HTTP/1.1\r\nHost: h\r\nX: a\x0b" "b\r\n\r\n", 400);
  expect_status ("GET / HTTP/1.1\r\nHost: h\r\nX: a\rb\r\n\r\n", 400);
  expect_status ("GET / HTTP/1.1\r\nHost: h\r\nX: a\r\r\n\r\n", 400);
  expect_status ("GET / HTTP/1.1\r\nHost: h\r\nX\r: a\r\n\r\n", 400);
  {
    static const char nul_value[] = "GET / HTTP/1.1\r\nHost: h\r\nX: a\0b\r\n\r\n";
    static const char nul_name[] = "GET / HTTP/1.1\r\nHost: h\r\nX\0: a\r\n\r\n";
    static const char nul_end[] = "GET / HTTP/1.1\r\nHost: h\r\nX: a\0\r\n\r\n";

    g_assert_cmpuint (parse (nul_value, sizeof nul_value - 1, &head), ==, 400);
    g_assert_cmpuint (parse (nul_name, sizeof nul_name - 1, &head), ==, 400);
    g_assert_cmpuint (parse (nul_end, sizeof nul_end - 1, &head), ==, 400);
  }

  /* values: OWS around them dropped, inside kept, tabs allowed */
  parse_ok ("GET / HTTP/1.1\r\nHost: h\r\nX: \t a \t b\t \r\nY:z\r\nZ:    \r\n\r\n", &head);
  g_assert_cmpstr (head.headers[3], ==, "a \t b");
  g_assert_cmpstr (head.headers[5], ==, "z");
  g_assert_cmpstr (head.headers[7], ==, "");
  _botbench_http_head_clear (&head);

  /* UTF-8 is kept; obs-text in another charset becomes valid UTF-8 */
  parse_ok ("GET / HTTP/1.1\r\nHost: h\r\n"
            "U: caf\xc3\xa9 \xe2\x9c\x93\r\n"
            "L: caf\xe9!\r\n"
            "B: \xff\xfe\r\n"
            "T: \xc3\r\n"
            "\r\n", &head);
  g_assert_cmpstr (head.headers[3], ==, "café ✓");
  g_assert_cmpstr (head.headers[5], ==, "caf\xef\xbf\xbd!");
  g_assert_true (g_utf8_validate (head.headers[7], -1, NULL));
  g_assert_cmpstr (head.headers[7], ==, "\xef\xbf\xbd\xef\xbf\xbd");
  g_assert_cmpstr (head.headers[9], ==, "\xef\xbf\xbd");
  _botbench_http_head_clear (&head);
}

static void
test_head_header_count (void)
{
  for (guint n = BOTBENCH_HTTP_MAX_HEADERS - 1; n <= BOTBENCH_HTTP_MAX_HEADERS + 2; n++)
    {
      g_autoptr(GString) s = g_string_new ("GET / HTTP/1.1\r\nHost: h\r\n");
      BotbenchHttpHead head;
      guint status;

      for (guint i = 1; i < n; i++)
        g_string_append_printf (s, "X-%u: %u\r\n", i, i);
      g_string_append (s, "\r\n");

      status = parse (s->str, s->len, &head);
      if (n <= BOTBENCH_HTTP_MAX_HEADERS)
        {
          g_assert_cmpuint (status, ==, 0);
          g_assert_cmpuint (head.n_headers, ==, n);
          g_autofree char *last = g_strdup_printf ("X-%u", n - 1);

          g_assert_cmpuint (status, ==, 0);
          g_assert_cmpstr (head.headers[2 * n - 2], ==, last);
          g_assert_null (head.headers[2 * n]);
          g_assert_cmpstr (_botbench_http_head_get (&head, "x-50"), ==, "50");
          _botbench_http_head_clear (&head);
        }
      else
        g_assert_cmpuint (status, ==, 431);
    }
}

static void
test_head_content_length (void)
{
  static const struct
  {
    const char *headers;
    guint64     length;   /* G_MAXUINT64: refused with 400 */
  } cases[] = {
    { "Content-Length: 5\r\n", 5 },
    { "content-length:5\r\n", 5 },
    { "CONTENT-LENGTH: \t5\t \r\n", 5 },
    { "Content-Length: 007\r\n", 7 },
    { "Content-Length: 0\r\n", 0 },
    { "Content-Length: 5\r\nContent-Length: 5\r\n", 5 },
    { "Content-Length: 5\r\ncontent-length: 05\r\n", 5 },
    { "Content-Length: 5, 5\r\n", 5 },
    { "Content-Length: 5,5 ,\t5\r\n", 5 },
    { "Content-Length: 5, 5\r\nContent-Length: 5\r\n", 5 },
    { "Content-Length: 1000000000000000000\r\n", G_GUINT64_CONSTANT (1000000000000000000) },
    { "Content-Length: 9999999999999999999\r\n", G_GUINT64_CONSTANT (9999999999999999999) },
    { "Content-Length: 5\r\nContent-Length: 6\r\n", G_MAXUINT64 },
    { "Content-Length: 6\r\nContent-Length: 5\r\n", G_MAXUINT64 },
    { "Content-Length: 5, 6\r\n", G_MAXUINT64 },
    { "Content-Length: 0\r\nContent-Length: 1\r\n", G_MAXUINT64 },
    { "Content-Length: +5\r\n", G_MAXUINT64 },
    { "Content-Length: -1\r\n", G_MAXUINT64 },
    { "Content-Length: -0\r\n", G_MAXUINT64 },
    { "Content-Length: 0x10\r\n", G_MAXUINT64 },
    { "Content-Length: 1e3\r\n", G_MAXUINT64 },
    { "Content-Length: 5.0\r\n", G_MAXUINT64 },
    { "Content-Length: 5 5\r\n", G_MAXUINT64 },
    { "Content-Length: 5,\r\n", G_MAXUINT64 },
    { "Content-Length: ,5\r\n", G_MAXUINT64 },
    { "Content-Length: 5,,5\r\n", G_MAXUINT64 },
    { "Content-Length: \r\n", G_MAXUINT64 },
    { "Content-Length: five\r\n", G_MAXUINT64 },
    { "Content-Length: \xd9\xa5\r\n", G_MAXUINT64 },   /* ARABIC-INDIC DIGIT FIVE */
    { "Content-Length: 00000000000000000001\r\n", G_MAXUINT64 },   /* 20 digits */
    { "Content-Length: 18446744073709551615\r\n", G_MAXUINT64 },
    { "Content-Length: 18446744073709551616\r\n", G_MAXUINT64 },
    { "Content-Length: 99999999999999999999999999\r\n", G_MAXUINT64 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = g_strconcat ("POST / HTTP/1.1\r\nHost: h\r\n", cases[i].headers, "\r\n", NULL);
      BotbenchHttpHead head;
      guint status;

      g_test_message ("%s", cases[i].headers);
      status = parse (text, strlen (text), &head);
      if (cases[i].length == G_MAXUINT64)
        {
          g_assert_cmpuint (status, ==, 400);
          continue;
        }
      g_assert_cmpuint (status, ==, 0);
      g_assert_cmpuint (head.content_length, ==, cases[i].length);
      g_assert_cmpint (head.body_kind, ==, cases[i].length > 0 ? BOTBENCH_HTTP_BODY_LENGTH : BOTBENCH_HTTP_BODY_NONE);
      _botbench_http_head_clear (&head);
    }

  /* with HTTP/1.0 too */
  {
    BotbenchHttpHead head;

    parse_ok ("POST / HTTP/1.0\r\nContent-Length: 12\r\n\r\n", &head);
    g_assert_cmpint (head.body_kind, ==, BOTBENCH_HTTP_BODY_LENGTH);
    g_assert_cmpuint (head.content_length, ==, 12);
    _botbench_http_head_clear (&head);
  }
}

static void
test_head_transfer_encoding (void)
{
  static const char *chunked[] = { "chunked", "Chunked", "CHUNKED", " chunked\t", "cHuNkEd" };

  for (guint i = 0; i < G_N_ELEMENTS (chunked); i++)
    {
      g_autofree char *text = g_strdup_printf ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding:%s\r\n\r\n", chunked[i]);
      BotbenchHttpHead head;

      parse_ok (text, &head);
      g_assert_cmpint (head.body_kind, ==, BOTBENCH_HTTP_BODY_CHUNKED);
      g_assert_cmpuint (head.content_length, ==, 0);
      g_assert_true (head.keep_alive);
      _botbench_http_head_clear (&head);
    }

  /* never together with Content-Length, whichever comes first */
  expect_status ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n", 400);
  expect_status ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", 400);
  expect_status ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\nTransfer-Encoding: chunked\r\n\r\n", 400);
  /* a coding we do not implement, chunked last: 501 (RFC 9112 §6.1) */
  expect_status ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501);
  expect_status ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: deflate,chunked\r\n\r\n", 501);
  /* no chunked at all: the length cannot be known, 400 (RFC 9112 §6.3) */
  expect_status ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n", 400);
  expect_status ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: identity\r\n\r\n", 400);
  expect_status ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding:\r\n\r\n", 400);
  expect_status ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunk\r\n\r\n", 400);
  expect_status ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: \"chunked\"\r\n\r\n", 400);
  /* chunked twice, or gzip then chunked in two fields: refused (400 or 501) */
  {
    BotbenchHttpHead head;
    guint status = parse ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n"
                          "Transfer-Encoding: chunked\r\n\r\n", -1, &head);

    g_assert_true (status == 400 || status == 501);
    status = parse ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n"
                          "Transfer-Encoding: chunked\r\n\r\n", -1, &head);

    g_assert_true (status == 400 || status == 501);
    status = parse ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, chunked\r\n\r\n", -1, &head);
    g_assert_true (status == 400 || status == 501);
  }
  /* HTTP/1.0 has no chunked coding */
  expect_status ("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400);
  expect_status ("POST / HTTP/1.0\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n", 400);
}

/* RFC 9112 §6.3: "If a Transfer-Encoding header field is present in a request
 * and the chunked transfer coding is not the final encoding, … the server MUST
 * respond with the 400 (Bad Request) status code". */
static void
test_head_transfer_encoding_chunked_not_last (void)
{
  expect_status ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", 400);
  expect_status ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n\r\n", 400);
}

static void
test_head_connection (void)
{
  static const struct
  {
    guint       minor;
    const char *headers;
    gboolean    keep_alive;
  } cases[] = {
    { 1, "", TRUE },
    { 1, "Connection: close\r\n", FALSE },
    { 1, "Connection: Close\r\n", FALSE },
    { 1, "connection: CLOSE \r\n", FALSE },
    { 1, "Connection: keep-alive\r\n", TRUE },
    { 1, "Connection: keep-alive, close\r\n", FALSE },
    { 1, "Connection: Upgrade,close\r\n", FALSE },
    { 1, "Connection: , ,close , \r\n", FALSE },
    { 1, "Connection: keep-alive\r\nConnection: close\r\n", FALSE },
    { 1, "Connection: closed\r\n", TRUE },
    { 1, "Connection: \"close\"\r\n", TRUE },
    { 1, "Connection: c lose\r\n", TRUE },
    { 1, "Connection:\r\n", TRUE },
    { 1, "X-Connection: close\r\n", TRUE },
    { 0, "", FALSE },
    { 0, "Connection: keep-alive\r\n", TRUE },
    { 0, "Connection: Keep-Alive\r\n", TRUE },
    { 0, "Connection: TE, keep-alive\r\n", TRUE },
    { 0, "Connection: keep-alive, close\r\n", FALSE },
    { 0, "Connection: close\r\nConnection: keep-alive\r\n", FALSE },
    { 0, "Connection: close\r\n", FALSE },
    { 0, "Connection: keep-alives\r\n", FALSE },
    { 0, "Keep-Alive: timeout=5\r\n", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = g_strdup_printf ("GET / HTTP/1.%u\r\nHost: h\r\n%s\r\n", cases[i].minor, cases[i].headers);
      BotbenchHttpHead head;

      g_test_message ("1.%u %s", cases[i].minor, cases[i].headers);
      parse_ok (text, &head);
      g_assert_cmpint (head.keep_alive, ==, cases[i].keep_alive);
      _botbench_http_head_clear (&head);
    }
}

static void
test_head_expect (void)
{
  static const struct
  {
    const char *text;
    gboolean    expect_continue;
  } cases[] = {
    { "POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n", TRUE },
    { "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nexpect:  100-Continue \r\n\r\n", TRUE },
    { "POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\n", TRUE },
    /* no body: nothing to wait for */
    { "POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n\r\n", FALSE },
    { "GET / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n\r\n", FALSE },
    { "POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 0\r\n\r\n", FALSE },
    { "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\n", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      BotbenchHttpHead head;

      parse_ok (cases[i].text, &head);
      g_assert_cmpint (head.expect_continue, ==, cases[i].expect_continue);
      _botbench_http_head_clear (&head);
    }

  expect_status ("POST / HTTP/1.1\r\nHost: h\r\nExpect: 200-ok\r\nContent-Length: 5\r\n\r\n", 417);
  expect_status ("POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue, x\r\nContent-Length: 5\r\n\r\n", 417);
  expect_status ("POST / HTTP/1.1\r\nHost: h\r\nExpect:\r\n\r\n", 417);
  expect_status ("GET / HTTP/1.1\r\nHost: h\r\nExpect: foo\r\n\r\n", 417);
  expect_status ("POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nExpect: x\r\nContent-Length: 5\r\n\r\n", 417);
}

/* RFC 9110 §10.1.1: "A server that receives a 100-continue expectation in an
 * HTTP/1.0 request MUST ignore that expectation" (and §15.2: no 1xx to an
 * HTTP/1.0 client). */
static void
test_head_expect_http10 (void)
{
  BotbenchHttpHead head;

  parse_ok ("POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n", &head);
  g_assert_cmpint (head.body_kind, ==, BOTBENCH_HTTP_BODY_LENGTH);
  g_assert_false (head.expect_continue);
  _botbench_http_head_clear (&head);
}

static void
test_head_content_type (void)
{
  BotbenchHttpHead head;

  parse_ok ("POST / HTTP/1.1\r\nHost: h\r\nX: 1\r\ncontent-TYPE:  multipart/form-data; boundary=x \r\n"
            "Content-Type: text/plain\r\nContent-Length: 1\r\n\r\n", &head);
  g_assert_cmpstr (head.content_type, ==, "multipart/form-data; boundary=x");
  g_assert_true (head.content_type == head.headers[5]);
  _botbench_http_head_clear (&head);

  parse_ok ("POST / HTTP/1.1\r\nHost: h\r\nContent-Type:\r\nContent-Type: text/plain\r\n\r\n", &head);
  g_assert_true (head.content_type == head.headers[3]);
  g_assert_cmpstr (head.content_type, ==, "");
  _botbench_http_head_clear (&head);

  parse_ok ("POST / HTTP/1.1\r\nHost: h\r\nContent-Typo: a/b\r\nX-Content-Type: a/b\r\n\r\n", &head);
  g_assert_null (head.content_type);
  _botbench_http_head_clear (&head);

  /* a refusal after Content-Type was seen leaves nothing behind */
  expect_status ("POST / HTTP/1.1\r\nHost: h\r\nContent-Type: a/b\r\nX: \x01\r\n\r\n", 400);
  expect_status ("POST / HTTP/1.1\r\nHost: h\r\nContent-Type: a/b\r\nExpect: x\r\n\r\n", 417);
}

/* ------------------------------------------------------------------------ */
/* _botbench_http_chunked_feed                                               */

typedef struct
{
  BotbenchHttpChunkedResult result;
  guint                     status;
  gsize                     consumed;   /* over all calls, DONE/MORE only */
  GByteArray               *body;
} ChunkedRun;

static void
chunked_run_clear (ChunkedRun *run)
{
  g_clear_pointer (&run->body, g_byte_array_unref);
}

/* Feeds data in pieces of step bytes (0: all at once), each from an exact
 * copy; stops at DONE or ERROR. */
static void
chunked_run (const char *data,
             gsize       len,
             gsize       step,
             gsize       split,
             gsize       max_body,
             ChunkedRun *run)
{
  BotbenchHttpChunked c;
  gsize pos = 0;

  memset (run, 0, sizeof *run);
  run->body = g_byte_array_new ();
  run->result = BOTBENCH_HTTP_CHUNKED_MORE;
  _botbench_http_chunked_init (&c);

  while (pos < len)
    {
      gsize piece = split != 0 ? (pos == 0 ? split : len - split) : step != 0 ? MIN (step, len - pos) : len;
      const char *reason = NULL;
      gsize consumed = G_MAXSIZE;
      guint status = 0;
      BotbenchGuarded g;

      botbench_test_guarded_init (&g, data + pos, piece);
      run->result = _botbench_http_chunked_feed (&c, g.data, piece, &consumed, run->body, max_body,
                                                 &status, &reason);
      botbench_test_guarded_clear (&g);

      g_assert_cmpuint (run->body->len, <=, max_body);
      if (run->result == BOTBENCH_HTTP_CHUNKED_ERROR)
        {
          g_assert_nonnull (reason);
          g_assert_true (status == 400 || status == 413 || status == 431);
          run->status = status;
          return;
        }
      g_assert_cmpuint (consumed, <=, piece);
      run->consumed += consumed;
      if (run->result == BOTBENCH_HTTP_CHUNKED_DONE)
        return;
      g_assert_cmpuint (consumed, ==, piece);
      pos += piece;
    }
}

/* Runs data whole, byte by byte, and split in two at every byte; all must
 * agree.  Returns the whole run (to clear). */
static void
chunked_all_ways (const char *data,
                  gsize       len,
                  gsize       max_body,
                  ChunkedRun *whole)
{
  static const gsize steps[] = { 1, 2, 3, 5, 16 };

  chunked_run (data, len, 0, 0, max_body, whole);

  for (guint i = 0; i < G_N_ELEMENTS (steps) + len + 1; i++)
    {
      ChunkedRun other;

      gsize split = i - G_N_ELEMENTS (steps);

      if (i < G_N_ELEMENTS (steps))
        chunked_run (data, len, steps[i], 0, max_body, &other);
      else if (split > 0 && split < len &&
               /* long inputs: every byte near both ends, a sample between */
               (split < 256 || len - split < 256 || split % 61 == 0))
        chunked_run (data, len, 0, split, max_body, &other);
      else
        continue;

      g_assert_cmpint (other.result, ==, whole->result);
      g_assert_cmpuint (other.status, ==, whole->status);
      if (whole->result != BOTBENCH_HTTP_CHUNKED_ERROR)
        g_assert_cmpuint (other.consumed, ==, whole->consumed);
      g_assert_cmpmem (other.body->data, other.body->len, whole->body->data, whole->body->len);
      chunked_run_clear (&other);
    }
}

static void
expect_chunked (const char *data,
                gsize       len,
                const char *body,
                gsize       body_len)
{
  g_autofree char *shown = escaped (data, len);
  ChunkedRun run;

  g_test_message ("chunked %s", shown);
  chunked_all_ways (data, len, 1 << 20, &run);
  g_assert_cmpint (run.result, ==, BOTBENCH_HTTP_CHUNKED_DONE);
  g_assert_cmpuint (run.consumed, ==, len);
  g_assert_cmpmem (run.body->data, run.body->len, body, body_len);
  chunked_run_clear (&run);
}

static void
expect_chunked_error (const char *data,
                      gsize       max_body,
                      guint       status)
{
  g_autofree char *shown = escaped (data, -1);
  ChunkedRun run;

  g_test_message ("chunked %s", shown);
  chunked_all_ways (data, strlen (data), max_body, &run);
  g_assert_cmpint (run.result, ==, BOTBENCH_HTTP_CHUNKED_ERROR);
  g_assert_cmpuint (run.status, ==, status);
  chunked_run_clear (&run);
}

#define EXPECT_CHUNKED(data, body) expect_chunked (data, sizeof data - 1, body, sizeof body - 1)
#define ALL(literal) literal, sizeof literal - 1

static void
test_chunked_valid (void)
{
  EXPECT_CHUNKED ("0\r\n\r\n", "");
  EXPECT_CHUNKED ("3\r\nabc\r\n0\r\n\r\n", "abc");
  EXPECT_CHUNKED ("A\r\n0123456789\r\n1\r\nx\r\n0\r\n\r\n", "0123456789x");
  EXPECT_CHUNKED ("a\r\n0123456789\r\nF\r\n0123456789abcde\r\n0\r\n\r\n", "01234567890123456789abcde");
  EXPECT_CHUNKED ("0003\r\nabc\r\n000\r\n\r\n", "abc");
  EXPECT_CHUNKED ("0000000000000003\r\nabc\r\n0000000000000000\r\n\r\n", "abc");   /* 16 digits */
  EXPECT_CHUNKED ("4\r\n\r\n\r\n\r\n0\r\n\r\n", "\r\n\r\n");
  EXPECT_CHUNKED ("3\r\n\0\xff\n\r\n0\r\n\r\n", "\0\xff\n");
  /* whitespace after the size, extensions */
  EXPECT_CHUNKED ("3  \r\nabc\r\n0\t\r\n\r\n", "abc");
  EXPECT_CHUNKED ("3;foo=bar\r\nabc\r\n0;last\r\n\r\n", "abc");
  EXPECT_CHUNKED ("3 ; a = \"q;\\\" \xc3\xa9\" ;b\r\nabc\r\n0\r\n\r\n", "abc");
  EXPECT_CHUNKED ("3\t;x\r\nabc\r\n0;\r\n\r\n", "abc");
  /* trailers */
  EXPECT_CHUNKED ("3\r\nabc\r\n0\r\nX-A: 1\r\nX-B: \xc3\xa9\t2\r\n\r\n", "abc");
  EXPECT_CHUNKED ("0\r\nX: 1\r\n\r\n", "");
  /* bare LF anywhere a CRLF goes */
  EXPECT_CHUNKED ("3\nabc\n0\n\n", "abc");
  EXPECT_CHUNKED ("3;x\nabc\r\n0\nT: 1\n\r\n", "abc");
  EXPECT_CHUNKED ("3 \nabc\n0\r\nT: 1\r\n\n", "abc");
}

static void
test_chunked_invalid (void)
{
  g_autofree char *e1100 = g_strnfill (1100, 'e');
  g_autofree char *long_ext = g_strdup_printf ("3;%s\r\nabc\r\n0\r\n\r\n", e1100);
  g_autofree char *long_ws = g_strdup_printf ("3%*s\r\nabc\r\n0\r\n\r\n", 1100, "");
  static const char *cases[] = {
    "zz\r\n", "-1\r\n", "+1\r\n", "1 2\r\n", "0x3\r\nabc\r\n", "\r\n", "\n", ";ext\r\n", " 3\r\n", "\t3\r\n",
    "3,\r\n", "3.0\r\n", "g\r\n", "\xef\xbc\x93\r\n",
    "10000000000000003\r\n",            /* 17 digits */
    "00000000000000000\r\n",            /* 17 digits, all zero */
    "3\rX", "3\r\r\n", "3 \rX", "3;x\rX",
    "3;\x01\r\n", "3;a\x7f\r\n",
    "3\r\nabcd\r\n0\r\n\r\n",           /* data longer than its size */
    "3\r\nabc\rd", "3\r\nab\r\n\r\n",   /* CR then not LF; too short, then junk */
    "3\r\nabc0\r\n\r\n",
    "0\r\n\rX", "0\r\nX\rY\r\n\r\n", "0\r\nX: \x01\r\n\r\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    expect_chunked_error (cases[i], 1 << 20, 400);
  expect_chunked_error (long_ext, 1 << 20, 400);
  expect_chunked_error (long_ws, 1 << 20, 400);

  /* NUL bytes, which strlen () would hide */
  {
    static const char nul_size[] = "\0\r\n";
    static const char nul_ws[] = "3 \0\r\n";
    static const char nul_ext[] = "3; a\0b\r\n";
    static const char nul_trailer[] = "0\r\n\0\r\n\r\n";
    static const char nul_trailer_value[] = "0\r\nX: a\0\r\n\r\n";
    const struct { const char *d; gsize l; } nuls[] = {
      { nul_size, sizeof nul_size - 1 }, { nul_ws, sizeof nul_ws - 1 }, { nul_ext, sizeof nul_ext - 1 },
      { nul_trailer, sizeof nul_trailer - 1 }, { nul_trailer_value, sizeof nul_trailer_value - 1 },
    };

    for (guint i = 0; i < G_N_ELEMENTS (nuls); i++)
      {
        ChunkedRun run;

        chunked_all_ways (nuls[i].d, nuls[i].l, 1 << 20, &run);
        g_assert_cmpint (run.result, ==, BOTBENCH_HTTP_CHUNKED_ERROR);
        g_assert_cmpuint (run.status, ==, 400);
        chunked_run_clear (&run);
      }
  }

  /* the size line's length limit, exactly at it */
  {
    g_autofree char *pad = g_strnfill (BOTBENCH_HTTP_MAX_CHUNK_LINE - 2, 'e');
    g_autofree char *at = g_strdup_printf ("3;%s\nabc\r\n0\r\n\r\n", pad);
    ChunkedRun run;

    chunked_run (at, strlen (at), 0, 0, 1 << 20, &run);
    g_assert_cmpint (run.result, ==, BOTBENCH_HTTP_CHUNKED_DONE);
    g_assert_cmpmem (run.body->data, run.body->len, "abc", 3);
    chunked_run_clear (&run);
  }
}

static void
test_chunked_limits (void)
{
  ChunkedRun run;

  /* max_body exactly, over several chunks */
  chunked_all_ways (ALL ("5\r\n12345\r\n5\r\n67890\r\n0\r\n\r\n"), 10, &run);
  g_assert_cmpint (run.result, ==, BOTBENCH_HTTP_CHUNKED_DONE);
  g_assert_cmpuint (run.body->len, ==, 10);
  chunked_run_clear (&run);

  /* one byte over: 413 at the size line, before the data is taken */
  chunked_all_ways (ALL ("5\r\n12345\r\n5\r\n67890\r\n1\r\nx\r\n0\r\n\r\n"), 10, &run);
  g_assert_cmpint (run.result, ==, BOTBENCH_HTTP_CHUNKED_ERROR);
  g_assert_cmpuint (run.status, ==, 413);
  g_assert_cmpmem (run.body->data, run.body->len, "1234567890", 10);
  chunked_run_clear (&run);

  chunked_all_ways (ALL ("b\r\n"), 10, &run);
  g_assert_cmpint (run.result, ==, BOTBENCH_HTTP_CHUNKED_ERROR);
  g_assert_cmpuint (run.status, ==, 413);
  g_assert_cmpuint (run.body->len, ==, 0);
  chunked_run_clear (&run);

  expect_chunked_error ("1\r\nx\r\n", 0, 413);

  /* huge declared sizes are refused from the size line alone */
  {
    static const char *huge[] = {
      "ffffffffffffffff\r\n", "FFFFFFFFFFFFFFFF;x\r\n", "8000000000000000\n", "100000001 \r\n",
      "fffffffffffffff0\r\n",
    };

    for (guint i = 0; i < G_N_ELEMENTS (huge); i++)
      {
        chunked_all_ways (huge[i], strlen (huge[i]), 64 << 20, &run);
        g_assert_cmpint (run.result, ==, BOTBENCH_HTTP_CHUNKED_ERROR);
        g_assert_cmpuint (run.status, ==, 413);
        g_assert_cmpuint (run.body->len, ==, 0);
        chunked_run_clear (&run);
      }
  }

  /* after some data, a size that would wrap body->len + size around */
  chunked_all_ways (ALL ("2\r\nab\r\nffffffffffffffff\r\n"), 64 << 20, &run);
  g_assert_cmpint (run.result, ==, BOTBENCH_HTTP_CHUNKED_ERROR);
  g_assert_cmpuint (run.status, ==, 413);
  g_assert_cmpuint (run.body->len, ==, 2);
  chunked_run_clear (&run);

  /* the trailer section: at its limit, and one byte over */
  for (guint crlf = 0; crlf < 2; crlf++)
    {
      const char *eol = crlf ? "\r\n" : "\n";
      gsize line = strlen ("X: ") + strlen (eol);
      g_autofree char *v_at = g_strnfill (BOTBENCH_HTTP_MAX_TRAILERS - 100 - line, 'v');
      /* + 3: whether the LF of a CRLF counts is left to the parser */
      g_autofree char *v_over = g_strnfill (BOTBENCH_HTTP_MAX_TRAILERS - 100 - line + 3, 'v');
      g_autofree char *first = g_strnfill (100 - line, 'w');
      g_autofree char *at = g_strconcat ("3", eol, "abc", eol, "0", eol, "X: ", first, eol, "X: ", v_at, eol, eol, NULL);
      g_autofree char *over = g_strconcat ("3", eol, "abc", eol, "0", eol, "X: ", first, eol, "X: ", v_over, eol, eol, NULL);

      expect_chunked (at, strlen (at), "abc", 3);
      expect_chunked_error (over, 1 << 20, 431);
    }

  /* many small trailer lines add up */
  {
    g_autoptr(GString) s = g_string_new ("0\r\n");

    while (s->len < BOTBENCH_HTTP_MAX_TRAILERS + 100)
      g_string_append (s, "\n");
    /* empty lines end the trailers at once: DONE after "0\r\n\n" */
    chunked_run (s->str, s->len, 0, 0, 1 << 20, &run);
    g_assert_cmpint (run.result, ==, BOTBENCH_HTTP_CHUNKED_DONE);
    g_assert_cmpuint (run.consumed, ==, 4);
    chunked_run_clear (&run);

    g_string_assign (s, "0\r\n");
    while (s->len < BOTBENCH_HTTP_MAX_TRAILERS * 2)
      g_string_append (s, "T: 1\r\n");
    chunked_run (s->str, s->len, 0, 0, 1 << 20, &run);
    g_assert_cmpint (run.result, ==, BOTBENCH_HTTP_CHUNKED_ERROR);
    g_assert_cmpuint (run.status, ==, 431);
    chunked_run_clear (&run);
  }
}

/* max-body is a guint64 property (0 … G_MAXUINT64): with a limit near the
 * top, body->len + size must not wrap around to a small number. */
static void
test_chunked_limit_no_wrap (void)
{
  ChunkedRun run;

  chunked_run (ALL ("2\r\nab\r\nfffffffffffffffe\r\n"), 0, 0, G_MAXSIZE - 1, &run);
  g_assert_cmpint (run.result, ==, BOTBENCH_HTTP_CHUNKED_ERROR);
  g_assert_cmpuint (run.status, ==, 413);
  g_assert_cmpuint (run.body->len, ==, 2);
  chunked_run_clear (&run);
}

/* DONE in the middle of a buffer: the next request stays unconsumed. */
static void
test_chunked_consumed (void)
{
  static const char *bodies[] = {
    "3\r\nabc\r\n0\r\n\r\n",
    "3\nabc\n0\n\n",
    "3;x=y\r\nabc\r\n0\r\nT: 1\r\nU: 2\r\n\r\n",
    "0\r\n\r\n",
  };
  static const char *next[] = {
    "", "G", "\r\n", "\n", "0\r\n\r\n", "GET / HTTP/1.1\r\nHost: h\r\n\r\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    for (guint j = 0; j < G_N_ELEMENTS (next); j++)
      {
        g_autofree char *data = g_strconcat (bodies[i], next[j], NULL);
        ChunkedRun run;

        chunked_all_ways (data, strlen (data), 1 << 20, &run);
        g_assert_cmpint (run.result, ==, BOTBENCH_HTTP_CHUNKED_DONE);
        g_assert_cmpuint (run.consumed, ==, strlen (bodies[i]));
        g_assert_cmpmem (run.body->data, run.body->len, i == 3 ? "" : "abc", i == 3 ? 0 : 3);
        chunked_run_clear (&run);
      }

  /* once DONE, later calls take nothing */
  {
    g_autoptr(GByteArray) body = g_byte_array_new ();
    BotbenchHttpChunked c;
    const char *reason = NULL;
    gsize consumed = 99;
    guint status = 0;

    _botbench_http_chunked_init (&c);
    g_assert_cmpint (_botbench_http_chunked_feed (&c, "1\r\nx\r\n0\r\n\r\nPOST", 14, &consumed, body, 100,
                                                  &status, &reason), ==, BOTBENCH_HTTP_CHUNKED_DONE);
    g_assert_cmpuint (consumed, ==, 11);
    g_assert_cmpint (_botbench_http_chunked_feed (&c, "POST", 4, &consumed, body, 100,
                                                  &status, &reason), ==, BOTBENCH_HTTP_CHUNKED_DONE);
    g_assert_cmpuint (consumed, ==, 0);
    g_assert_cmpmem (body->data, body->len, "x", 1);

    /* and nothing given, nothing taken */
    _botbench_http_chunked_init (&c);
    g_assert_cmpint (_botbench_http_chunked_feed (&c, "", 0, &consumed, body, 100,
                                                  &status, &reason), ==, BOTBENCH_HTTP_CHUNKED_MORE);
    g_assert_cmpuint (consumed, ==, 0);
  }
}

/* ------------------------------------------------------------------------ */
/* random requests                                                           */

/* Runs a byte stream the way the listener does: find a head, parse it, read
 * its body, again.  Pieces arrive in random sizes (rand) or all at once
 * (NULL).  Returns one line per request and how the stream ended. */
static char *
drive (const char *stream,
       gsize       len,
       GRand      *rand,
       gsize       max_body)
{
  enum { HEAD, LENGTH, CHUNKED } state = HEAD;
  g_autoptr(GByteArray) in = g_byte_array_new ();
  g_autoptr(GByteArray) body = g_byte_array_new ();
  GString *out = g_string_new (NULL);
  BotbenchHttpHeadScan scan = { 0, };
  BotbenchHttpChunked chunked;
  BotbenchHttpHead head = { 0, };
  gsize pos = 0;

  for (;;)
    {
      gboolean progress = FALSE;

      if (state == HEAD && in->len > 0)
        {
          guint status = 0;
          const char *reason = NULL;
          gsize before = scan.scanned;
          gsize end;
          BotbenchGuarded g;

          botbench_test_guarded_init (&g, (const char *)in->data, in->len);
          end = _botbench_http_find_head_end (g.data, in->len, &scan, &status);
          botbench_test_guarded_clear (&g);
          g_assert_cmpuint (end, <=, in->len);
          g_assert_cmpuint (scan.scanned, >=, before);
          if (status != 0)
            {
              g_assert_true (status == 414 || status == 431);
              g_assert_cmpuint (end, ==, 0);
              g_string_append_printf (out, "refused %u\n", status);
              break;
            }
          if (end != 0)
            {
              botbench_test_guarded_init (&g, (const char *)in->data, end);
              memset (&head, 0x5a, sizeof head);
              if (!_botbench_http_parse_head (g.data, end, &head, &status, &reason))
                {
                  botbench_test_guarded_clear (&g);
                  g_assert_nonnull (reason);
                  assert_head_cleared (&head);
                  g_assert_true (status == 400 || status == 417 || status == 431 || status == 501 ||
                                 status == 505);
                  g_string_append_printf (out, "refused %u\n", status);
                  break;
                }
              botbench_test_guarded_clear (&g);
              g_byte_array_remove_range (in, 0, end);
              memset (&scan, 0, sizeof scan);
              g_byte_array_set_size (body, 0);

              /* what the listener relies on */
              g_assert_true (head.minor_version <= 1);
              g_assert_true (head.n_headers <= BOTBENCH_HTTP_MAX_HEADERS);
              g_assert_null (head.headers[2 * head.n_headers]);
              g_assert_true (g_utf8_validate (head.path, -1, NULL));
              g_assert_true (head.path[0] == '/' || g_str_equal (head.path, "*"));
              for (const char *m = head.method; *m != '\0'; m++)
                g_assert_true (g_ascii_isgraph (*m) && strchr ("\"(),/:;<=>?@[\\]{}", *m) == NULL);
              for (const char *q = head.query; q != NULL && *q != '\0'; q++)
                g_assert_true ((guchar)*q > 0x20 && (guchar)*q < 0x7f && *q != '#');
              for (guint i = 0; i < head.n_headers; i++)
                {
                  const char *v = head.headers[2 * i + 1];

                  g_assert_cmpuint (strlen (head.headers[2 * i]), >, 0);
                  g_assert_true (g_utf8_validate (v, -1, NULL));
                  g_assert_null (strpbrk (v, "\r\n"));
                }
              g_assert_true (head.content_type == NULL ||
                             head.content_type == _botbench_http_head_get (&head, "Content-Type"));
              g_assert_true (head.body_kind != BOTBENCH_HTTP_BODY_LENGTH || head.content_length > 0);
              g_assert_true (head.body_kind == BOTBENCH_HTTP_BODY_LENGTH || head.content_length == 0);
              g_assert_true (!head.expect_continue || head.body_kind != BOTBENCH_HTTP_BODY_NONE);

              if (head.body_kind == BOTBENCH_HTTP_BODY_NONE)
                {
                  describe_head (out, &head, NULL, 0);
                  _botbench_http_head_clear (&head);
                }
              else if (head.body_kind == BOTBENCH_HTTP_BODY_LENGTH)
                {
                  if (head.content_length > max_body)
                    {
                      g_string_append (out, "refused 413\n");
                      break;
                    }
                  state = LENGTH;
                }
              else
                {
                  _botbench_http_chunked_init (&chunked);
                  state = CHUNKED;
                }
              progress = TRUE;
            }
        }
      else if (state == LENGTH && in->len > 0)
        {
          gsize take = MIN (in->len, head.content_length - body->len);

          g_byte_array_append (body, in->data, take);
          g_byte_array_remove_range (in, 0, take);
          if (body->len == head.content_length)
            {
              describe_head (out, &head, body->data, body->len);
              _botbench_http_head_clear (&head);
              state = HEAD;
            }
          progress = TRUE;
        }
      else if (state == CHUNKED && in->len > 0)
        {
          BotbenchHttpChunkedResult result;
          const char *reason = NULL;
          guint status = 0;
          gsize consumed = G_MAXSIZE;
          BotbenchGuarded g;

          botbench_test_guarded_init (&g, (const char *)in->data, in->len);
          result = _botbench_http_chunked_feed (&chunked, g.data, in->len, &consumed, body, max_body,
                                                &status, &reason);
          botbench_test_guarded_clear (&g);
          g_assert_cmpuint (body->len, <=, max_body);
          if (result == BOTBENCH_HTTP_CHUNKED_ERROR)
            {
              g_assert_nonnull (reason);
              g_assert_true (status == 400 || status == 413 || status == 431);
              g_string_append_printf (out, "refused %u\n", status);
              break;
            }
          g_assert_cmpuint (consumed, <=, in->len);
          if (result == BOTBENCH_HTTP_CHUNKED_MORE)
            g_assert_cmpuint (consumed, ==, in->len);
          g_byte_array_remove_range (in, 0, consumed);
          if (result == BOTBENCH_HTTP_CHUNKED_DONE)
            {
              describe_head (out, &head, body->data, body->len);
              _botbench_http_head_clear (&head);
              state = HEAD;
            }
          progress = TRUE;
        }

      if (progress)
        continue;
      if (pos == len)
        {
          g_string_append_printf (out, "end state=%d pending=%u\n", state, in->len);
          break;
        }

      {
        gsize piece = len - pos;

        if (rand != NULL)
          {
            switch (g_rand_int_range (rand, 0, 4))
              {
              case 0: piece = 1; break;
              case 1: piece = g_rand_int_range (rand, 1, 8); break;
              case 2: piece = g_rand_int_range (rand, 1, 64); break;
              default: piece = g_rand_int_range (rand, 1, 512); break;
              }
            piece = MIN (piece, len - pos);
          }
        g_byte_array_append (in, (const guint8 *)stream + pos, piece);
        pos += piece;
      }
    }

  _botbench_http_head_clear (&head);
  return g_string_free (out, FALSE);
}

static const char tchars[] = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

static void
random_token (GRand   *rand,
              GString *s,
              guint    max_len)
{
  guint n = g_rand_int_range (rand, 1, max_len + 1);

  for (guint i = 0; i < n; i++)
    g_string_append_c (s, tchars[g_rand_int_range (rand, 0, sizeof tchars - 1)]);
}

static gunichar
random_unichar (GRand *rand)
{
  switch (g_rand_int_range (rand, 0, 4))
    {
    case 0: return g_rand_int_range (rand, 0x80, 0x800);
    case 1: return g_rand_int_range (rand, 0x800, 0xd800);
    case 2: return g_rand_int_range (rand, 0xe000, 0xfffe);
    default: return g_rand_int_range (rand, 0x10000, 0x110000);
    }
}

static void
append_percent (GRand   *rand,
                GString *s,
                guchar   c)
{
  const char *digits = g_rand_boolean (rand) ? "0123456789ABCDEF" : "0123456789abcdef";

  g_string_append_printf (s, "%%%c%c", digits[c >> 4], digits[c & 0xf]);
}

static gboolean
is_special_header (const char *name)
{
  static const char *special[] = {
    "Content-Length", "Transfer-Encoding", "Host", "Connection", "Expect", "Content-Type",
  };

  for (guint i = 0; i < G_N_ELEMENTS (special); i++)
    if (g_ascii_strcasecmp (name, special[i]) == 0)
      return TRUE;
  return FALSE;
}

static char *
random_case (GRand      *rand,
             const char *s)
{
  char *copy = g_strdup (s);

  for (char *p = copy; *p != '\0'; p++)
    if (g_rand_int_range (rand, 0, 4) == 0)
      *p = g_ascii_isupper (*p) ? g_ascii_tolower (*p) : g_ascii_toupper (*p);
  return copy;
}

typedef struct
{
  char *name;        /* as sent */
  char *value;       /* as the parser must give it */
  char *wire_value;  /* with OWS around it */
} GenHeader;

static void
gen_header_free (gpointer data)
{
  GenHeader *h = data;

  g_free (h->name);
  g_free (h->value);
  g_free (h->wire_value);
  g_free (h);
}

static void
add_header (GPtrArray  *headers,
            GRand      *rand,
            const char *name,
            const char *value)
{
  GenHeader *h = g_new0 (GenHeader, 1);
  static const char *ows[] = { "", "", " ", "\t", " \t ", "  " };

  h->name = g_strdup (name);
  h->value = g_utf8_validate (value, -1, NULL) ? g_strdup (value) : g_utf8_make_valid (value, -1);
  h->wire_value = g_strconcat (ows[g_rand_int_range (rand, 0, G_N_ELEMENTS (ows))], value,
                               *value != '\0' ? ows[g_rand_int_range (rand, 0, G_N_ELEMENTS (ows))] : "",
                               NULL);
  g_ptr_array_add (headers, h);
}

/* A random field value, no OWS at either end. */
static char *
random_value (GRand *rand)
{
  GString *v = g_string_new (NULL);
  guint n = g_rand_int_range (rand, 0, 30);

  for (guint i = 0; i < n; i++)
    {
      guint kind = g_rand_int_range (rand, 0, 20);

      if (kind < 14)
        g_string_append_c (v, (char)g_rand_int_range (rand, 0x21, 0x7f));
      else if (kind < 17 && i > 0 && i + 1 < n)
        g_string_append_c (v, g_rand_boolean (rand) ? ' ' : '\t');
      else if (kind < 19)
        g_string_append_unichar (v, random_unichar (rand));
      else
        g_string_append_c (v, (char)g_rand_int_range (rand, 0x80, 0x100));   /* obs-text */
    }
  /* no OWS at the ends */
  while (v->len > 0 && (v->str[v->len - 1] == ' ' || v->str[v->len - 1] == '\t'))
    g_string_truncate (v, v->len - 1);
  return g_string_free (v, FALSE);
}

/* Appends one random valid request to wire, and what the parser must make of
 * it to expect. */
static void
gen_request (GRand   *rand,
             GString *wire,
             GString *expect)
{
  g_autoptr(GPtrArray) headers = g_ptr_array_new_with_free_func (gen_header_free);
  g_autoptr(GString) method = g_string_new (NULL);
  g_autoptr(GString) target = g_string_new (NULL);
  g_autoptr(GString) path = g_string_new (NULL);
  g_autoptr(GString) query = NULL;
  g_autoptr(GByteArray) body = g_byte_array_new ();
  g_autoptr(GPtrArray) expected_headers = g_ptr_array_new ();
  guint style = g_rand_int_range (rand, 0, 3);
  guint minor = g_rand_int_range (rand, 0, 10) < 3 ? 0 : 1;
  guint target_kind = g_rand_int_range (rand, 0, 10);
  guint body_kind = g_rand_int_range (rand, 0, 10);
  gboolean close = FALSE, keep_alive = FALSE, expect_continue = FALSE;
  BotbenchHttpHead head = { 0, };
  guint64 length = 0;
#define EOL() (style == 0 || (style == 2 && g_rand_boolean (rand)) ? "\r\n" : "\n")

  /* request line */
  if (target_kind == 0)
    {
      g_string_assign (method, "OPTIONS");
      g_string_assign (target, "*");
      g_string_assign (path, "*");
    }
  else
    {
      static const char *methods[] = { "GET", "POST", "PUT", "HEAD", "DELETE", "PATCH", "M-SEARCH" };
      static const char raw[] = "abcdefghijklmnopqrstuvwxyzABCXYZ0123456789-._~!$&'()*+,;=:@/";
      guint units = g_rand_int_range (rand, 0, 12);

      if (g_rand_boolean (rand))
        g_string_assign (method, methods[g_rand_int_range (rand, 0, G_N_ELEMENTS (methods))]);
      else
        random_token (rand, method, 10);

      if (target_kind == 1)
        g_string_append (target, g_rand_boolean (rand) ? "http://example.com:8024" : "HTTPS://h");

      if (target_kind != 1 || units > 0 || g_rand_boolean (rand))
        {
          g_string_append_c (target, '/');
          g_string_append_c (path, '/');
        }
      for (guint i = 0; i < units; i++)
        switch (g_rand_int_range (rand, 0, 6))
          {
          case 0:
          case 1:
          case 2:
            {
              char c = raw[g_rand_int_range (rand, 0, sizeof raw - 1)];

              g_string_append_c (target, c);
              g_string_append_c (path, c);
            }
            break;
          case 3:
            {
              guchar c = (guchar)g_rand_int_range (rand, 0x20, 0x7f);

              append_percent (rand, target, c);
              g_string_append_c (path, (char)c);
            }
            break;
          case 4:
            append_percent (rand, target, '/');
            g_string_append_c (path, '/');
            break;
          default:
            {
              char utf8[6];
              int n = g_unichar_to_utf8 (random_unichar (rand), utf8);

              for (int j = 0; j < n; j++)
                append_percent (rand, target, (guchar)utf8[j]);
              g_string_append_len (path, utf8, n);
            }
            break;
          }
      if (path->len == 0)
        g_string_assign (path, "/");

      if (g_rand_boolean (rand))
        {
          guint n = g_rand_int_range (rand, 0, 24);

          query = g_string_new (NULL);
          for (guint i = 0; i < n; i++)
            {
              char c = (char)g_rand_int_range (rand, 0x21, 0x7f);

              if (c == '#')
                c = '%';
              g_string_append_c (query, c);
            }
          g_string_append_printf (target, "?%s", query->str);
        }
    }

  /* headers */
  if (minor == 1 || g_rand_boolean (rand))
    {
      g_autofree char *name = random_case (rand, "Host");

      add_header (headers, rand, name, "example.com");
    }
  for (guint i = g_rand_int_range (rand, 0, 16); i > 0; i--)
    {
      g_autoptr(GString) name = g_string_new (NULL);
      g_autofree char *value = random_value (rand);

      random_token (rand, name, 20);
      if (!is_special_header (name->str))
        add_header (headers, rand, name->str, value);
    }
  if (g_rand_int_range (rand, 0, 5) < 2)
    for (guint i = g_rand_int_range (rand, 1, 3); i > 0; i--)
      {
        g_autofree char *name = random_case (rand, "Content-Type");
        g_autofree char *value = random_value (rand);

        add_header (headers, rand, name, value);
      }
  if (g_rand_int_range (rand, 0, 5) < 2)
    {
      static const char *values[] = {
        "close", "keep-alive", "Keep-Alive", "Upgrade", "close, Upgrade", "TE , keep-alive", "CLOSE",
      };
      g_autofree char *name = random_case (rand, "Connection");
      const char *value = values[g_rand_int_range (rand, 0, G_N_ELEMENTS (values))];

      add_header (headers, rand, name, value);
      close = strstr (value, "close") != NULL || strstr (value, "CLOSE") != NULL;
      keep_alive = g_ascii_strncasecmp (value, "keep-alive", 10) == 0 || strstr (value, "keep-alive") != NULL;
    }

  /* the body */
  {
    guint n = g_rand_int_range (rand, 0, 10) == 0 ? g_rand_int_range (rand, 0, 4096) : g_rand_int_range (rand, 0, 300);

    for (guint i = 0; i < n; i++)
      {
        guint8 b = (guint8)g_rand_int_range (rand, 0, 256);

        g_byte_array_append (body, &b, 1);
      }
  }
  if (body_kind < 4 || (body_kind < 7 && minor == 0))
    {
      g_autofree char *name = random_case (rand, "Content-Length");
      g_autofree char *value = NULL;

      length = body->len;
      switch (g_rand_int_range (rand, 0, 4))
        {
        case 0: value = g_strdup_printf ("%03u", body->len); break;
        case 1: value = g_strdup_printf ("%u, %u", body->len, body->len); break;
        case 2: add_header (headers, rand, name, (value = g_strdup_printf ("%u", body->len)));
                break;
        default: value = g_strdup_printf ("%u", body->len); break;
        }
      add_header (headers, rand, name, value);
      head.body_kind = length > 0 ? BOTBENCH_HTTP_BODY_LENGTH : BOTBENCH_HTTP_BODY_NONE;
    }
  else if (body_kind < 7)
    {
      g_autofree char *name = random_case (rand, "Transfer-Encoding");
      g_autofree char *value = random_case (rand, "chunked");

      add_header (headers, rand, name, value);
      head.body_kind = BOTBENCH_HTTP_BODY_CHUNKED;
    }
  else
    g_byte_array_set_size (body, 0);

  if (minor == 1 && g_rand_int_range (rand, 0, 5) == 0)
    {
      g_autofree char *name = random_case (rand, "Expect");
      g_autofree char *value = random_case (rand, "100-continue");

      add_header (headers, rand, name, value);
      expect_continue = head.body_kind != BOTBENCH_HTTP_BODY_NONE;
    }

  /* shuffled */
  for (guint i = headers->len; i > 1; i--)
    {
      guint j = g_rand_int_range (rand, 0, i);
      gpointer tmp = headers->pdata[i - 1];

      headers->pdata[i - 1] = headers->pdata[j];
      headers->pdata[j] = tmp;
    }

  /* on the wire */
  for (guint i = g_rand_int_range (rand, 0, 8) == 0 ? g_rand_int_range (rand, 1, 3) : 0; i > 0; i--)
    g_string_append (wire, EOL ());
  g_string_append_printf (wire, "%s %s HTTP/1.%u%s", method->str, target->str, minor, EOL ());
  for (guint i = 0; i < headers->len; i++)
    {
      GenHeader *h = headers->pdata[i];

      g_string_append_printf (wire, "%s:%s%s", h->name, h->wire_value, EOL ());
      g_ptr_array_add (expected_headers, h->name);
      g_ptr_array_add (expected_headers, h->value);
      if (head.content_type == NULL && g_ascii_strcasecmp (h->name, "Content-Type") == 0)
        head.content_type = h->value;
    }
  g_ptr_array_add (expected_headers, NULL);
  g_string_append (wire, EOL ());

  if (head.body_kind == BOTBENCH_HTTP_BODY_LENGTH)
    g_string_append_len (wire, (const char *)body->data, body->len);
  else if (head.body_kind == BOTBENCH_HTTP_BODY_CHUNKED)
    {
      gsize pos = 0;

      while (TRUE)
        {
          gsize r = g_rand_int_range (rand, 1, 200);   /* not inside MIN (): evaluated once */
          gsize n = MIN (body->len - pos, r);
          guint zeros = g_rand_int_range (rand, 0, 4) == 0 ? g_rand_int_range (rand, 0, 4) : 0;
          g_autofree char *hex = g_strdup_printf (g_rand_boolean (rand) ? "%0*" G_GSIZE_MODIFIER "x"
                                                                        : "%0*" G_GSIZE_MODIFIER "X",
                                                  zeros + 1, n);

          g_string_append (wire, hex);
          if (g_rand_int_range (rand, 0, 4) == 0)
            g_string_append (wire, g_rand_boolean (rand) ? ";name=value" : " ; a=\"b c\";d");
          g_string_append (wire, EOL ());
          if (n == 0)
            break;
          g_string_append_len (wire, (const char *)body->data + pos, n);
          g_string_append (wire, EOL ());
          pos += n;
        }
      for (guint i = g_rand_int_range (rand, 0, 4) == 0 ? g_rand_int_range (rand, 1, 4) : 0; i > 0; i--)
        g_string_append_printf (wire, "X-Trailer-%u: %u%s", i, g_rand_int (rand), EOL ());
      g_string_append (wire, EOL ());
    }
#undef EOL

  head.method = method->str;
  head.path = path->str;
  head.query = query != NULL ? query->str : NULL;
  head.minor_version = minor;
  head.headers = (char **)expected_headers->pdata;
  head.n_headers = headers->len;
  head.content_length = head.body_kind == BOTBENCH_HTTP_BODY_LENGTH ? length : 0;
  head.keep_alive = minor == 1 ? !close : (keep_alive && !close);
  head.expect_continue = expect_continue;
  describe_head (expect, &head, body->data, body->len);
}

static void
test_random_round_trip (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (test_seed ());
  guint n_requests = 0;

  for (guint n = 0; n < 400; n++)
    {
      g_autoptr(GString) wire = g_string_new (NULL);
      g_autoptr(GString) expect = g_string_new (NULL);
      g_autofree char *whole = NULL;
      g_autofree char *split = NULL;

      for (guint i = g_rand_int_range (rand, 1, 5); i > 0; i--)
        {
          gen_request (rand, wire, expect);
          n_requests++;
        }
      g_string_append (expect, "end state=0 pending=0\n");

      whole = drive (wire->str, wire->len, NULL, 1 << 20);
      split = drive (wire->str, wire->len, rand, 1 << 20);
      if (!g_str_equal (whole, expect->str) || !g_str_equal (split, expect->str))
        {
          g_autoptr(GString) shown = g_string_new (NULL);

          append_escaped (shown, wire->str, wire->len);
          g_test_message ("stream %u: %s", n, shown->str);
        }
      g_assert_cmpstr (whole, ==, expect->str);
      g_assert_cmpstr (split, ==, expect->str);
    }

  g_test_message ("%u requests round-tripped", n_requests);
}

/* Random damage to valid streams: whatever the bytes, the parser answers
 * (or waits) without reading outside what it was given, and the answer does
 * not depend on how the bytes were split. */
static void
test_random_mutations (void)
{
  static const char specials[] = " \t\r\n:;,%0aAfF/?#*\x00\x01\x7f\x80\xc3\xff-+\"=";
  g_autoptr(GRand) rand = g_rand_new_with_seed (test_seed () + 1);
  guint outcomes[4] = { 0, };   /* parsed all, refused, waiting, mixed */

  for (guint n = 0; n < 3000; n++)
    {
      g_autoptr(GString) wire = g_string_new (NULL);
      g_autoptr(GString) expect = g_string_new (NULL);
      g_autofree char *whole = NULL;
      g_autofree char *split = NULL;
      gsize max_body = g_rand_boolean (rand) ? 1 << 20 : g_rand_int_range (rand, 0, 400);

      for (guint i = g_rand_int_range (rand, 1, 3); i > 0; i--)
        gen_request (rand, wire, expect);

      for (guint m = g_rand_int_range (rand, 1, 5); m > 0; m--)
        {
          gsize at = wire->len > 0 ? g_rand_int_range (rand, 0, wire->len) : 0;
          gsize r = g_rand_int_range (rand, 1, 64);

          switch (g_rand_int_range (rand, 0, 6))
            {
            case 0:
              if (wire->len > 0)
                wire->str[at] = (char)g_rand_int_range (rand, 0, 256);
              break;
            case 1:
              if (wire->len > 0)
                wire->str[at] = specials[g_rand_int_range (rand, 0, sizeof specials - 1)];
              break;
            case 2:
              g_string_insert_c (wire, at, specials[g_rand_int_range (rand, 0, sizeof specials - 1)]);
              break;
            case 3:
              g_string_erase (wire, at, MIN (wire->len - at, r / 4 + 1));
              break;
            case 4:
              {
                gsize n_copy = MIN (wire->len - at, r);
                g_autofree char *copy = g_strndup (wire->str + at, n_copy);

                g_string_insert_len (wire, g_rand_int_range (rand, 0, wire->len + 1), copy, n_copy);
              }
              break;
            default:
              g_string_truncate (wire, at);
              break;
            }
        }

      whole = drive (wire->str, wire->len, NULL, max_body);
      split = drive (wire->str, wire->len, rand, max_body);
      if (!g_str_equal (whole, split))
        {
          g_autoptr(GString) shown = g_string_new (NULL);

          append_escaped (shown, wire->str, wire->len);
          g_test_message ("stream %u: %s", n, shown->str);
        }
      g_assert_cmpstr (whole, ==, split);

      if (strstr (whole, "refused") != NULL)
        outcomes[1]++;
      else if (strstr (whole, "pending=0\n") != NULL && strstr (whole, "state=0") != NULL)
        outcomes[0]++;
      else
        outcomes[2]++;
    }

  g_test_message ("mutated streams: %u parsed through, %u refused, %u left waiting",
                  outcomes[0], outcomes[1], outcomes[2]);
  /* the mutations must reach every outcome, or they test little */
  g_assert_cmpuint (outcomes[0], >, 100);
  g_assert_cmpuint (outcomes[1], >, 100);
  g_assert_cmpuint (outcomes[2], >, 100);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/http-parser/head-end/basic", test_head_end_basic);
  g_test_add_func ("/http-parser/head-end/splits", test_head_end_splits);
  g_test_add_func ("/http-parser/head-end/linear", test_head_end_linear);
  g_test_add_func ("/http-parser/head-end/request-line-limit", test_head_end_request_line_limit);
  g_test_add_func ("/http-parser/head-end/request-line-limit-split-crlf",
                   test_head_end_request_line_limit_split_crlf);
  g_test_add_func ("/http-parser/head-end/head-limit", test_head_end_head_limit);
  g_test_add_func ("/http-parser/head/fields", test_head_fields);
  g_test_add_func ("/http-parser/head/request-target", test_head_request_target);
  g_test_add_func ("/http-parser/head/request-line", test_head_request_line);
  g_test_add_func ("/http-parser/head/header-syntax", test_head_header_syntax);
  g_test_add_func ("/http-parser/head/header-count", test_head_header_count);
  g_test_add_func ("/http-parser/head/content-length", test_head_content_length);
  g_test_add_func ("/http-parser/head/transfer-encoding", test_head_transfer_encoding);
  g_test_add_func ("/http-parser/head/transfer-encoding-chunked-not-last",
                   test_head_transfer_encoding_chunked_not_last);
  g_test_add_func ("/http-parser/head/connection", test_head_connection);
  g_test_add_func ("/http-parser/head/expect", test_head_expect);
  g_test_add_func ("/http-parser/head/expect-http10", test_head_expect_http10);
  g_test_add_func ("/http-parser/head/content-type", test_head_content_type);
  g_test_add_func ("/http-parser/chunked/valid", test_chunked_valid);
  g_test_add_func ("/http-parser/chunked/invalid", test_chunked_invalid);
  g_test_add_func ("/http-parser/chunked/limits", test_chunked_limits);
  g_test_add_func ("/http-parser/chunked/limit-no-wrap", test_chunked_limit_no_wrap);
  g_test_add_func ("/http-parser/chunked/consumed", test_chunked_consumed);
  g_test_add_func ("/http-parser/random/round-trip", test_random_round_trip);
  g_test_add_func ("/http-parser/random/mutations", test_random_mutations);

  return g_test_run ();
}
