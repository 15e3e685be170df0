/* botbench-post-multipart.c: multipart/form-data bodies by PHP 8.2's rules
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * main/rfc1867.c rfc1867_post_handler(): boundary, delimiter lines, part
 * headers, name=, limits, how much of a file part is read.  Its rules,
 * not its code: no libsoup, whose parser is broken on Debian 12
 * (CVE-2025-4948/32914).  The fields are registered through
 * botbench-post-variables.c, as PHP registers them.
 */
#define G_LOG_DOMAIN "botbench-form"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "botbench-post-decoder-private.h"

/* PHP's max_multipart_body_parts default: max_input_vars + max_file_uploads */
#define FORM_MAX_FILE_UPLOADS 20
#define FORM_MAX_BODY_PARTS   (BOTBENCH_POST_DEFAULT_MAX_INPUT_VARS + FORM_MAX_FILE_UPLOADS)

/* main/rfc1867.c reads the body through a buffer of FILLUNIT bytes (one
 * more line's worth for a long boundary) and never looks further ahead
 * than that buffer.  A few results depend on it: header lines longer than
 * the buffer come in pieces, and a part body ends at the first "\n--"
 * boundary, or at a prefix of one cut by the end of the body.  MpReader
 * keeps the same window over the body (pos = buf_begin, n =
 * bytes_in_buffer) so that every result is PHP's; all searches look at
 * each byte a bounded number of times. */
#define MP_FILLUNIT            (1024 * 5)
/* "Boundary too large": FILLUNIT - strlen ("\r\n--") */
#define MP_MAX_BOUNDARY        (MP_FILLUNIT - 4)
/* php.ini default upload_max_filesize = 2M (max_file_uploads: see
 * FORM_MAX_FILE_UPLOADS) */
#define MP_UPLOAD_MAX_FILESIZE (2 * 1024 * 1024)

typedef struct
{
  const char *body;
  gsize       len;
  gsize       pos;                  /* buf_begin */
  gsize       n;                    /* bytes_in_buffer */
  gsize       bufsize;
  const char *needle;               /* "\n--" boundary, ends a part body */
  gsize       needle_len;
  const char *delim;                /* "--" boundary, a delimiter line */
  gsize       delim_len;
} MpReader;

/* The length of data as a C string (PHP's lines and header values are). */
static inline gsize
c_strlen (const char *data,
          gsize       len)
{
  const char *nul = memchr (data, '\0', len);

  return nul != NULL ? (gsize)(nul - data) : len;
}

/* strcasecmp() in the C locale against a lower-case literal of len bytes */
static inline gboolean
mp_ascii_caseeq (const char *s,
                 const char *lower,
                 gsize       len)
{
  for (gsize i = 0; i < len; i++)
    {
      guchar c = s[i];

      if (c >= 'A' && c <= 'Z')
        c += 'a' - 'A';
      if (c != (guchar)lower[i])
        return FALSE;
    }

  return TRUE;
}

/* fill_buffer(): the whole body is there, so a fill always tops the
 * window up to bufsize bytes or to the end.  Returns the bytes added. */
static inline gsize
mp_fill (MpReader *r)
{
  gsize old_n = r->n;

  r->n = MIN (r->bufsize, r->len - r->pos);

  return r->n - old_n;
}

/* multipart_buffer_eof() */
static inline gboolean
mp_eof (MpReader *r)
{
  return r->n == 0 && mp_fill (r) == 0;
}

/* memchr (p, '\n', n), without a call for the first eight bytes (a body
 * of empty lines is a million memchr() calls otherwise) */
static inline const char *
mp_find_lf (const char *p,
            gsize       n)
{
  gsize head = MIN (n, 8);

  if (n < 8 || swar_has (swar_load (p), '\n'))
    {
      for (gsize i = 0; i < head; i++)
        {
          if (p[i] == '\n')
            return p + i;
        }
    }

  return n > 8 ? memchr (p + 8, '\n', n - 8) : NULL;
}

/* get_line(): the next line without its LF (and a CR before it), or the
 * whole window when bufsize bytes hold no LF.  FALSE at the end of the
 * body when what is left has no LF; nothing is consumed then. */
static inline gboolean
mp_get_line (MpReader    *r,
             const char **line,
             gsize       *line_len)
{
  const char *start = r->body + r->pos;
  const char *lf = mp_find_lf (start, r->n);
  gsize consumed;

  if (lf == NULL && r->n < r->bufsize)
    {
      mp_fill (r);
      lf = memchr (start, '\n', r->n);
    }

  if (lf == NULL)
    {
      if (r->n < r->bufsize)
        return FALSE;

      /* a partial line; PHP sets buf_begin to NULL and the next fill
       * starts after it */
      *line = start;
      *line_len = r->bufsize;
      r->pos += r->bufsize;
      r->n = 0;
      return TRUE;
    }

  *line = start;
  *line_len = lf - start;
  if (*line_len > 0 && lf[-1] == '\r')
    (*line_len)--;

  consumed = lf + 1 - start;
  r->pos += consumed;
  r->n -= consumed;

  return TRUE;
}

/* php_ap_memstr (partial = 1) on the window: the first "\n--boundary",
 * or a prefix of it that reaches the end of the window.  The boundary
 * holds no LF (see botbench_post_decode_multipart()), so each comparison
 * stops at the next LF in the body at the latest. */
static const char *
mp_find_bound (const MpReader *r)
{
  const char *p = r->body + r->pos;
  const char *end = p + r->n;

  while ((p = mp_find_lf (p, end - p)) != NULL)
    {
      gsize avail = end - p;

      /* needle[1] is '-': most LFs fail there */
      if (avail == 1 ||
          (p[1] == '-' && memcmp (p, r->needle, MIN (avail, r->needle_len)) == 0))
        return p;
      p++;
    }

  return NULL;
}

/* multipart_buffer_read() with a FILLUNIT buffer: consumes the next
 * piece (at most FILLUNIT - 1 bytes) of a part body and returns its
 * length; 0 at the end of the part.  A CR right before the boundary is
 * not part of the body. */
static gsize
mp_read (MpReader *r)
{
  const char *bound;
  gsize max;
  gsize len;

  if (MP_FILLUNIT > r->n)
    mp_fill (r);

  bound = mp_find_bound (r);
  max = bound != NULL ? (gsize)(bound - (r->body + r->pos)) : r->n;
  len = MIN (max, MP_FILLUNIT - 1);

  if (len > 0)
    {
      if (bound != NULL && r->body[r->pos + len - 1] == '\r')
        len--;
      r->pos += len;
      r->n -= len;
    }

  return len;
}

/* multipart_buffer_headers(): skips lines up to the next delimiter line
 * ("--boundary" exactly, as a C string), then reads the part's header
 * lines up to an empty one.  A line that starts with a space continues
 * the previous header, and so does a line without ':'; a header name is
 * everything before the ':' (case-insensitive, spaces included).  Only
 * the first Content-Disposition matters for $_POST: its value goes to
 * cd, *have_cd says whether there was one.  FALSE if no delimiter line is
 * left. */
static gboolean
mp_read_headers (MpReader *r,
                 GString  *cd,
                 gboolean *have_cd)
{
  static const char cd_name[] = "content-disposition";
  gboolean in_cd = FALSE;
  const char *line;
  gsize line_len;

  /* find_boundary(): a line is the delimiter if it starts with it and
   * ends there, as a C string */
  for (;;)
    {
      if (!mp_get_line (r, &line, &line_len))
        return FALSE;
      if (line_len >= r->delim_len && memcmp (line, r->delim, r->delim_len) == 0 &&
          (line_len == r->delim_len || line[r->delim_len] == '\0'))
        break;
    }

  *have_cd = FALSE;
  g_string_truncate (cd, 0);

  while (mp_get_line (r, &line, &line_len))
    {
      const char *colon = NULL;

      line_len = c_strlen (line, line_len);
      if (line_len == 0)
        break;

      if (!is_c_space (line[0]))
        colon = memchr (line, ':', line_len);

      if (colon != NULL)
        {
          const char *value = colon + 1;

          while (value < line + line_len && is_c_space (*value))
            value++;

          in_cd = !*have_cd && colon - line == sizeof cd_name - 1 &&
                  mp_ascii_caseeq (line, cd_name, sizeof cd_name - 1);
          if (in_cd)
            {
              *have_cd = TRUE;
              g_string_append_len (cd, value, line + line_len - value);
            }
        }
      else if (in_cd)
        {
          g_string_append_len (cd, line, line_len);
        }
      /* else: continues a header we do not keep, or comes before any
       * header and is ignored */
    }

  return TRUE;
}

/* php_ap_getword(): the word at *line up to the first `stop` outside
 * quotes ("..." or '...', where \" or \' does not end the quote); *line
 * then points past the run of `stop` after it, or to end. */
static void
mp_getword (const char **line,
            const char  *end,
            char         stop,
            const char **word,
            gsize       *word_len)
{
  const char *pos = *line;

  while (pos < end && *pos != stop)
    {
      char quote = *pos;

      if (quote == '"' || quote == '\'')
        {
          pos++;
          while (pos < end && *pos != quote)
            {
              if (*pos == '\\' && end - pos > 1 && pos[1] == quote)
                pos += 2;
              else
                pos++;
            }
          if (pos < end)
            pos++;
        }
      else
        {
          pos++;
        }
    }

  *word = *line;
  *word_len = pos - *line;

  while (pos < end && *pos == stop)
    pos++;
  *line = pos;
}

/* substring_conf(): copies up to the closing quote (if any), turning \\
 * (and \" or \' inside that quote) into the escaped character. */
static void
mp_substring_conf (const char *start,
                   gsize       len,
                   char        quote,
                   GString    *out)
{
  gsize run = 0;                    /* start of the bytes not copied yet */
  gsize i;

  for (i = 0; i < len && start[i] != quote; i++)
    {
      if (start[i] == '\\' && i + 1 < len &&
          (start[i + 1] == '\\' || (quote != '\0' && start[i + 1] == quote)))
        {
          g_string_append_len (out, start + run, i - run);
          run = ++i;
        }
    }
  g_string_append_len (out, start + run, i - run);
}

/* php_ap_getword_conf(): a parameter value, quoted or up to the next
 * white space. */
static void
mp_getword_conf (const char *str,
                 const char *end,
                 GString    *out)
{
  g_string_truncate (out, 0);

  while (str < end && is_c_space (*str))
    str++;
  if (str == end)
    return;

  if (*str == '"' || *str == '\'')
    {
      char quote = *str++;

      mp_substring_conf (str, end - str, quote, out);
    }
  else
    {
      const char *strend = str;

      while (strend < end && !is_c_space (*strend))
        strend++;
      mp_substring_conf (str, strend - str, '\0', out);
    }
}

/* The name= and filename= parameters of a Content-Disposition value (the
 * last of each wins); any other word, "form-data" included, is ignored. */
static void
mp_parse_disposition (const GString *cd,
                      GString       *name,
                      gboolean      *have_name,
                      GString       *filename,
                      gboolean      *have_filename)
{
  const char *p = cd->str;
  const char *end = cd->str + cd->len;

  *have_name = FALSE;
  *have_filename = FALSE;

  while (p < end && is_c_space (*p))
    p++;

  while (p < end)
    {
      const char *pair;
      const char *key;
      const char *rest;
      gsize pair_len;
      gsize key_len;

      mp_getword (&p, end, ';', &pair, &pair_len);
      while (p < end && is_c_space (*p))
        p++;

      if (memchr (pair, '=', pair_len) == NULL)
        continue;

      rest = pair;
      mp_getword (&rest, pair + pair_len, '=', &key, &key_len);
      if (key_len == 4 && mp_ascii_caseeq (key, "name", 4))
        {
          mp_getword_conf (rest, pair + pair_len, name);
          *have_name = TRUE;
        }
      else if (key_len == 8 && mp_ascii_caseeq (key, "filename", 8))
        {
          mp_getword_conf (rest, pair + pair_len, filename);
          *have_filename = TRUE;
        }
    }
}

/* strtoll (value, NULL, 10) on a C string of at most len bytes: how PHP
 * reads MAX_FILE_SIZE. */
static gint64
mp_strtoll (const char *s,
            gsize       len)
{
  gsize i = 0;
  gboolean negative = FALSE;
  guint64 acc = 0;
  gboolean overflow = FALSE;

  while (i < len && is_c_space (s[i]))
    i++;
  if (i < len && (s[i] == '+' || s[i] == '-'))
    negative = s[i++] == '-';

  for (; i < len && g_ascii_isdigit (s[i]); i++)
    {
      guint digit = s[i] - '0';

      if (acc > (G_MAXUINT64 - digit) / 10)
        overflow = TRUE;
      else
        acc = acc * 10 + digit;
    }

  if (negative)
    return overflow || acc > (guint64)G_MAXINT64 + 1 ? G_MININT64 : (gint64)(0 - acc);

  return overflow || acc > (guint64)G_MAXINT64 ? G_MAXINT64 : (gint64)acc;
}

/* The check rfc1867_post_handler() makes before it takes a file: brackets
 * balanced, never closed below zero, and nothing but '[' after a ']'. */
static gboolean
mp_upload_name_is_valid (const char *name,
                         gsize       len)
{
  glong depth = 0;

  for (gsize i = 0; i < len; i++)
    {
      if (name[i] == '[')
        {
          depth++;
        }
      else if (name[i] == ']')
        {
          depth--;
          if (i + 1 < len && name[i + 1] != '[')
            return FALSE;
        }
      if (depth < 0)
        return FALSE;
    }

  return depth == 0;
}

/* Reads a file part the way rfc1867_post_handler() does, to stop where it
 * stops: piece by piece until the end of the part, or until a piece takes
 * it over upload_max_filesize or MAX_FILE_SIZE (if not 0), and then one
 * more piece. */
static void
mp_skip_file (MpReader *r,
              gint64    max_file_size)
{
  gsize blen = mp_read (r);
  gint64 total = 0;
  gboolean cancel = FALSE;

  while (!cancel && blen > 0)
    {
      if (total + (gint64)blen > MP_UPLOAD_MAX_FILESIZE)
        cancel = TRUE;
      else if (max_file_size != 0 && total + (gint64)blen > max_file_size)
        cancel = TRUE;
      else
        total += blen;

      blen = mp_read (r);
    }
}

/* rfc1867_post_handler(): the boundary from the Content-Type, as PHP
 * finds it.  NULL (and error set) where PHP warns and leaves $_POST
 * empty. */
static const char *
mp_find_boundary_param (const char  *content_type,
                        gsize       *boundary_len,
                        GError     **error)
{
  const char *boundary = strstr (content_type, "boundary");
  const char *boundary_end;

  /* "boundary" in the case given first, then in any case */
  if (boundary == NULL)
    {
      g_autofree char *lower = g_ascii_strdown (content_type, -1);
      const char *found = strstr (lower, "boundary");

      if (found != NULL)
        boundary = content_type + (found - lower);
    }

  if (boundary == NULL || (boundary = strchr (boundary, '=')) == NULL)
    {
      g_set_error (error, BOTBENCH_POST_ERROR, BOTBENCH_POST_ERROR_MALFORMED,
                   _("Multipart content type “%s” has no boundary"), content_type);
      return NULL;
    }

  boundary++;
  if (*boundary == '"')
    {
      boundary++;
      boundary_end = strchr (boundary, '"');
      if (boundary_end == NULL)
        {
          g_set_error (error, BOTBENCH_POST_ERROR, BOTBENCH_POST_ERROR_MALFORMED,
                       _("Multipart content type “%s” has an unterminated boundary"),
                       content_type);
          return NULL;
        }
    }
  else
    {
      boundary_end = strpbrk (boundary, ",;");
      if (boundary_end == NULL)
        boundary_end = boundary + strlen (boundary);
    }

  *boundary_len = boundary_end - boundary;
  if (*boundary_len > MP_MAX_BOUNDARY)
    {
      g_set_error (error, BOTBENCH_POST_ERROR, BOTBENCH_POST_ERROR_MALFORMED,
                   g_dngettext (GETTEXT_PACKAGE, "Multipart boundary is longer than %d byte",
                                "Multipart boundary is longer than %d bytes", MP_MAX_BOUNDARY),
                   MP_MAX_BOUNDARY);
      return NULL;
    }

  /* No HTTP header can carry these, and the linear-time searches above
   * rely on the boundary holding no LF */
  if (memchr (boundary, '\n', *boundary_len) != NULL || memchr (boundary, '\r', *boundary_len) != NULL)
    {
      g_set_error (error, BOTBENCH_POST_ERROR, BOTBENCH_POST_ERROR_MALFORMED,
                   _("Multipart boundary holds a line break"));
      return NULL;
    }

  return boundary;
}

BotbenchFormNode *
botbench_post_decode_multipart (const char  *body,
                                gsize        len,
                                const char  *content_type,
                                GError     **error)
{
  g_autoptr(GString) cd = NULL;
  g_autoptr(GString) name = NULL;
  g_autoptr(GString) filename = NULL;
  g_autofree char *needle = NULL;
  BotbenchFormNode *root;
  FormArena *arena;
  MpReader r;
  const char *boundary;
  gsize boundary_len = 0;
  gint64 body_parts = FORM_MAX_BODY_PARTS;
  gint64 upload_cnt = FORM_MAX_FILE_UPLOADS;
  gint64 max_file_size = 0;
  guint64 count = 0;
  gboolean skip_upload = FALSE;

  g_return_val_if_fail (body != NULL || len == 0, NULL);
  g_return_val_if_fail (content_type != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  boundary = mp_find_boundary_param (content_type, &boundary_len, error);
  if (boundary == NULL)
    return NULL;

  needle = g_strdup_printf ("\n--%.*s", (int)boundary_len, boundary);
  r.body = body != NULL ? body : "";
  r.len = len;
  r.pos = 0;
  r.n = 0;
  r.bufsize = MAX (boundary_len + 6, MP_FILLUNIT);
  r.needle = needle;
  r.needle_len = boundary_len + 3;
  r.delim = needle + 1;
  r.delim_len = boundary_len + 2;

  cd = g_string_new (NULL);
  name = g_string_new (NULL);
  filename = g_string_new (NULL);
  arena = _botbench_form_arena_new (len + 1024);
  root = form_node_new_array (arena);

  /* main/rfc1867.c rfc1867_post_handler().  Parts without a
   * Content-Disposition are skipped without reading their body (its
   * lines are searched for the next delimiter).  Every other part counts
   * towards max_multipart_body_parts; going over it ends the parsing, and
   * so does a part with neither name nor filename.  A form field is
   * registered when it is among the first max_input_vars ones (the rest
   * are read and dropped).  A file part goes to $_FILES only, but how
   * much of it is read decides where the parsing goes on: nothing after
   * the max_file_uploads-th file, for filename="", or once any file had
   * a name with unbalanced brackets (skip_upload is never reset, as in
   * PHP); up to upload_max_filesize or MAX_FILE_SIZE plus one more piece
   * otherwise.  A missing final delimiter changes nothing: what was
   * parsed stays. */
  while (!mp_eof (&r))
    {
      gboolean have_cd;
      gboolean have_name;
      gboolean have_filename;

      if (!mp_read_headers (&r, cd, &have_cd))
        break;
      if (!have_cd)
        continue;

      if (--body_parts < 0)
        {
          g_debug ("Multipart body parts limit exceeded %d, ignoring the rest",
                   FORM_MAX_BODY_PARTS);
          break;
        }

      mp_parse_disposition (cd, name, &have_name, filename, &have_filename);

      if (!have_filename && have_name)
        {
          gsize start = r.pos;
          gsize value_len;

          while (mp_read (&r) > 0)
            ;
          value_len = r.pos - start;

          /* PHP compares the name as it was, before registering */
          if (name->len == 13 && mp_ascii_caseeq (name->str, "max_file_size", 13))
            max_file_size = mp_strtoll (r.body + start, value_len);

          if (++count <= BOTBENCH_POST_DEFAULT_MAX_INPUT_VARS)
            {
              BotbenchFormNode *leaf = form_node_new_string_uninit (arena, value_len);

              if (value_len > 0)
                memcpy (leaf->u.s.str, r.body + start, value_len);
              /* the name has no NUL byte: it comes from a C string */
              _botbench_post_register_variable_in_place (root, arena, NULL,
                                                         name->str, name->len, leaf);
            }
          else if (count == BOTBENCH_POST_DEFAULT_MAX_INPUT_VARS + 1)
            {
              g_debug ("Input variables exceeded %d, dropping the other fields",
                       BOTBENCH_POST_DEFAULT_MAX_INPUT_VARS);
            }
          continue;
        }

      /* a file, or garbled */
      if (upload_cnt <= 0)
        skip_upload = TRUE;

      if (!have_name && !have_filename)
        {
          g_debug ("Multipart part has neither name nor filename, ignoring the rest");
          break;
        }

      if (!skip_upload && have_name && !mp_upload_name_is_valid (name->str, name->len))
        skip_upload = TRUE;

      if (!skip_upload && filename->len > 0)
        {
          mp_skip_file (&r, max_file_size);
          upload_cnt--;
        }
    }

  /* the decoder's own count; the nodes hold the rest */
  form_arena_unref (arena);

  return root;
}
