/* botbench-json.c: JSON from untrusted bytes, checked before json-glib sees it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The check is a validating scanner: a state machine over the bytes with the
 * open containers kept as one bit each (array or object), so it uses no
 * recursion and a few dozen bytes of stack whatever the input.  It is
 * strict on purpose: json-glib's scanner is lenient (single-quoted strings,
 * comments, a \u escape with fewer than four digits eats the next byte), and
 * anything the two read differently could hide brackets from the depth
 * count.  What passes here is plain RFC 8259 JSON, which both read alike.
 */
#define G_LOG_DOMAIN "botbench-json"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "botbench-json.h"

G_DEFINE_QUARK (botbench-json-error-quark, botbench_json_error)

#define READ_CHUNK (64 * 1024)

typedef enum
{
  EXPECT_VALUE,            /* at the start, after ':', after ',' in an array */
  EXPECT_VALUE_OR_CLOSE,   /* after '[' */
  EXPECT_KEY_OR_CLOSE,     /* after '{' */
  EXPECT_KEY,              /* after ',' in an object */
  EXPECT_COLON,            /* after a key */
  EXPECT_COMMA_OR_CLOSE,   /* after a value inside a container */
  EXPECT_END,              /* the top-level value is complete */
} State;

typedef struct
{
  const guchar *p;
  gsize         len;
  GError      **error;
} Scanner;

/* Errors */

/* Line and column (both from 1) of data[offset]; reads data[0..offset) only. */
static void
locate (const guchar *p,
        gsize         offset,
        gsize        *line,
        gsize        *column)
{
  gsize line_start = 0;

  *line = 1;
  for (gsize i = 0; i < offset; i++)
    {
      if (p[i] == '\n')
        {
          (*line)++;
          line_start = i + 1;
        }
    }
  *column = offset - line_start + 1;
}

static gboolean
fail (Scanner    *s,
      gsize       offset,
      const char *reason)
{
  gsize line, column;

  locate (s->p, offset, &line, &column);
  g_set_error (s->error, BOTBENCH_JSON_ERROR, BOTBENCH_JSON_ERROR_INVALID,
               /* Translators: the last %s says what is wrong, e.g. "expected “:” after an object key" */
               _("Invalid JSON at byte %lu (line %lu, column %lu): %s"),
               (unsigned long) offset + 1, (unsigned long) line, (unsigned long) column, reason);
  return FALSE;
}

static gboolean
fail_truncated (Scanner    *s,
                const char *where)
{
  g_set_error (s->error, BOTBENCH_JSON_ERROR, BOTBENCH_JSON_ERROR_INVALID,
               /* Translators: %s is e.g. "inside a string" */
               g_dngettext (GETTEXT_PACKAGE, "Invalid JSON: it ends early, after %lu byte, %s",
                            "Invalid JSON: it ends early, after %lu bytes, %s", s->len),
               (unsigned long) s->len, where);
  return FALSE;
}

static gboolean
fail_unexpected (Scanner *s,
                 gsize    offset)
{
  guchar c = s->p[offset];
  g_autofree char *reason = NULL;

  if (c == '\0')
    reason = g_strdup (_("unexpected NUL byte"));
  else if (c >= 0x21 && c < 0x7f)
    reason = g_strdup_printf (_("unexpected “%c”"), c);
  else
    reason = g_strdup_printf (_("unexpected byte 0x%02X"), c);

  return fail (s, offset, reason);
}

/* Pieces */

static gboolean
is_digit (guchar c)
{
  return c >= '0' && c <= '9';
}

/* Letters, digits and the like: what would glue onto a number or a literal. */
static gboolean
is_word (guchar c)
{
  return g_ascii_isalnum (c) || c == '_' || c == '.' || c == '$' || c >= 0x80;
}

/* Four hex digits at p[at..at+4): 1 and *value, 0 when one is not a hex
 * digit, -1 when the input ends first. */
static int
read_hex4 (const Scanner *s,
           gsize          at,
           guint         *value)
{
  guint v = 0;

  for (guint k = 0; k < 4; k++)
    {
      int h;

      if (at + k >= s->len)
        return -1;
      if ((h = g_ascii_xdigit_value (s->p[at + k])) < 0)
        return 0;
      v = v << 4 | (guint)h;
    }

  *value = v;
  return 1;
}

/* A \uXXXX escape at p[at]: 1 and *value, 0 when malformed, -1 when the
 * input ends first. */
static int
read_u_escape (const Scanner *s,
               gsize          at,
               guint         *value)
{
  if (at >= s->len)
    return -1;
  if (s->p[at] != '\\')
    return 0;
  if (at + 1 >= s->len)
    return -1;
  if (s->p[at + 1] != 'u')
    return 0;
  return read_hex4 (s, at + 2, value);
}

/* Length of the well-formed UTF-8 sequence at p[at] (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF), or 0. */
static gsize
utf8_length (const Scanner *s,
             gsize          at)
{
  const guchar *q = s->p + at;
  gsize avail = s->len - at;
  guchar lo = 0x80, hi = 0xbf;

  if (q[0] >= 0xc2 && q[0] <= 0xdf)
    return avail >= 2 && (q[1] & 0xc0) == 0x80 ? 2 : 0;

  if (q[0] >= 0xe0 && q[0] <= 0xef)
    {
      if (avail < 3)
        return 0;
      if (q[0] == 0xe0)
        lo = 0xa0;
      else if (q[0] == 0xed)
        hi = 0x9f;
      return q[1] >= lo && q[1] <= hi && (q[2] & 0xc0) == 0x80 ? 3 : 0;
    }

  if (q[0] >= 0xf0 && q[0] <= 0xf4)
    {
      if (avail < 4)
        return 0;
      if (q[0] == 0xf0)
        lo = 0x90;
      else if (q[0] == 0xf4)
        hi = 0x8f;
      return q[1] >= lo && q[1] <= hi && (q[2] & 0xc0) == 0x80 && (q[3] & 0xc0) == 0x80 ? 4 : 0;
    }

  return 0;
}

/* *i is at the opening quote; on success it is just past the closing one. */
static gboolean
scan_string (Scanner *s,
             gsize   *i)
{
  gsize j = *i + 1;

  while (j < s->len)
    {
      guchar c = s->p[j];

      if (c == '"')
        {
          *i = j + 1;
          return TRUE;
        }

      if (c == '\\')
        {
          guint unit, low;
          int r;

          if (j + 1 >= s->len)
            break;

          switch (s->p[j + 1])
            {
            case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
              j += 2;
              continue;

            case 'u':
              break;

            default:
              return fail (s, j, _("unknown escape sequence in a string"));
            }

          if ((r = read_u_escape (s, j, &unit)) < 0)
            break;
          if (r == 0)
            return fail (s, j, _("“\\u” must be followed by four hexadecimal digits"));
          if (unit >= 0xdc00 && unit <= 0xdfff)
            return fail (s, j, _("a UTF-16 low surrogate escape without a high one before it"));
          if (unit >= 0xd800 && unit <= 0xdbff)
            {
              if ((r = read_u_escape (s, j + 6, &low)) < 0)
                break;
              if (r == 0 || low < 0xdc00 || low > 0xdfff)
                return fail (s, j, _("a UTF-16 high surrogate escape without a low one after it"));
              j += 6;
            }
          j += 6;
          continue;
        }

      if (c == '\0')
        return fail (s, j, _("unexpected NUL byte in a string"));

      if (c < 0x20)
        return fail (s, j, _("control character in a string (it must be escaped)"));

      if (c < 0x80)
        {
          j++;
          continue;
        }

      {
        gsize n = utf8_length (s, j);

        if (n == 0)
          return fail (s, j, _("invalid UTF-8 in a string"));
        j += n;
      }
    }

  return fail_truncated (s, _("inside a string"));
}

/* RFC 8259 §6: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)? */
static gboolean
scan_number (Scanner *s,
             gsize   *i)
{
  gsize j = *i;

  if (s->p[j] == '-')
    j++;

  if (j >= s->len)
    return fail_truncated (s, _("inside a number"));

  if (s->p[j] == '0')
    {
      j++;
      if (j < s->len && is_digit (s->p[j]))
        return fail (s, j, _("numbers cannot have leading zeros"));
    }
  else if (is_digit (s->p[j]))
    {
      while (j < s->len && is_digit (s->p[j]))
        j++;
    }
  else
    return fail (s, j, _("expected a digit"));

  if (j < s->len && s->p[j] == '.')
    {
      j++;
      if (j >= s->len)
        return fail_truncated (s, _("inside a number"));
      if (!is_digit (s->p[j]))
        return fail (s, j, _("expected a digit after the decimal point"));
      while (j < s->len && is_digit (s->p[j]))
        j++;
    }

  if (j < s->len && (s->p[j] == 'e' || s->p[j] == 'E'))
    {
      j++;
      if (j < s->len && (s->p[j] == '+' || s->p[j] == '-'))
        j++;
      if (j >= s->len)
        return fail_truncated (s, _("inside a number"));
      if (!is_digit (s->p[j]))
        return fail (s, j, _("expected a digit in the exponent"));
      while (j < s->len && is_digit (s->p[j]))
        j++;
    }

  if (j < s->len && is_word (s->p[j]))
    return fail_unexpected (s, j);

  *i = j;
  return TRUE;
}

/* true, false, null */
static gboolean
scan_literal (Scanner *s,
              gsize   *i)
{
  const char *word;
  gsize n, avail = s->len - *i;

  switch (s->p[*i])
    {
    case 't': word = "true"; break;
    case 'f': word = "false"; break;
    default:  word = "null"; break;
    }
  n = strlen (word);

  for (gsize k = 0; k < n; k++)
    {
      if (k == avail)
        return fail_truncated (s, _("inside a word"));
      if (s->p[*i + k] == (guchar)word[k])
        continue;
      if (s->p[*i + k] == '\0')
        return fail_unexpected (s, *i + k);
      return fail (s, *i, _("expected a value (a string needs double quotes)"));
    }

  if (avail > n && is_word (s->p[*i + n]))
    return fail (s, *i, _("expected a value (a string needs double quotes)"));

  *i += n;
  return TRUE;
}

/* Public API */

gboolean
botbench_json_check (const char  *data,
                     gsize        len,
                     guint        max_depth,
                     GError     **error)
{
  guint8 small_stack[BOTBENCH_JSON_MAX_DEPTH / 8 + 1];
  g_autofree guint8 *big_stack = NULL;
  guint8 *stack;               /* bit n set: level n is an object */
  Scanner s = { (const guchar *)data, len, error };
  State state = EXPECT_VALUE;
  gsize depth = 0;
  gsize i = 0;
  gsize bits;

  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* Never more levels than bytes, whatever max_depth says. */
  bits = MIN ((gsize)max_depth, len);
  if (bits / 8 + 1 <= sizeof small_stack)
    stack = small_stack;
  else
    stack = big_stack = g_malloc (bits / 8 + 1);

  /* json-glib skips a UTF-8 byte order mark; so do we. */
  if (len >= 3 && s.p[0] == 0xef && s.p[1] == 0xbb && s.p[2] == 0xbf)
    i = 3;

  while (i < len)
    {
      guchar c = s.p[i];
      gboolean in_object;

      if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
        {
          i++;
          continue;
        }

      switch (state)
        {
        case EXPECT_END:
          {
            gsize line, column;

            locate (s.p, i, &line, &column);
            g_set_error (error, BOTBENCH_JSON_ERROR, BOTBENCH_JSON_ERROR_TRAILING_DATA,
                         _("Unexpected data after the JSON value at byte %lu (line %lu, column %lu): "
                           "only one value is allowed"),
                         (unsigned long) i + 1, (unsigned long) line, (unsigned long) column);
            return FALSE;
          }

        case EXPECT_COLON:
          if (c != ':')
            return fail (&s, i, _("expected “:” after an object key"));
          state = EXPECT_VALUE;
          i++;
          continue;

        case EXPECT_COMMA_OR_CLOSE:
          in_object = (stack[(depth - 1) / 8] >> ((depth - 1) % 8)) & 1;
          if (c == ',')
            {
              state = in_object ? EXPECT_KEY : EXPECT_VALUE;
              i++;
              continue;
            }
          if (c == (in_object ? '}' : ']'))
            {
              depth--;
              state = depth == 0 ? EXPECT_END : EXPECT_COMMA_OR_CLOSE;
              i++;
              continue;
            }
          return fail (&s, i, in_object ? _("expected “,” or “}” after an object member")
                                        : _("expected “,” or “]” after an array element"));

        case EXPECT_KEY_OR_CLOSE:
          if (c == '}')
            {
              depth--;
              state = depth == 0 ? EXPECT_END : EXPECT_COMMA_OR_CLOSE;
              i++;
              continue;
            }
          G_GNUC_FALLTHROUGH;

        case EXPECT_KEY:
          if (c != '"')
            return fail (&s, i, _("expected a string in double quotes (an object key)"));
          if (!scan_string (&s, &i))
            return FALSE;
          state = EXPECT_COLON;
          continue;

        case EXPECT_VALUE_OR_CLOSE:
          if (c == ']')
            {
              depth--;
              state = depth == 0 ? EXPECT_END : EXPECT_COMMA_OR_CLOSE;
              i++;
              continue;
            }
          G_GNUC_FALLTHROUGH;

        case EXPECT_VALUE:
        default:
          if (c == '[' || c == '{')
            {
              if (depth >= max_depth)
                {
                  gsize line, column;

                  locate (s.p, i, &line, &column);
                  g_set_error (error, BOTBENCH_JSON_ERROR, BOTBENCH_JSON_ERROR_TOO_DEEP,
                               g_dngettext (GETTEXT_PACKAGE,
                                            "JSON nested deeper than %u level at byte %lu (line %lu, column %lu)",
                                            "JSON nested deeper than %u levels at byte %lu (line %lu, column %lu)",
                                            max_depth),
                               max_depth, (unsigned long) i + 1, (unsigned long) line, (unsigned long) column);
                  return FALSE;
                }
              if (c == '{')
                stack[depth / 8] |= (guint8)(1u << (depth % 8));
              else
                stack[depth / 8] &= (guint8)~(1u << (depth % 8));
              depth++;
              state = c == '{' ? EXPECT_KEY_OR_CLOSE : EXPECT_VALUE_OR_CLOSE;
              i++;
              continue;
            }

          if (c == '"')
            {
              if (!scan_string (&s, &i))
                return FALSE;
            }
          else if (c == '-' || is_digit (c))
            {
              if (!scan_number (&s, &i))
                return FALSE;
            }
          else if (c == 't' || c == 'f' || c == 'n')
            {
              if (!scan_literal (&s, &i))
                return FALSE;
            }
          else if (c == ']' || c == '}' || c == ',' || c == ':')
            return fail (&s, i, _("expected a value"));
          else
            return fail_unexpected (&s, i);

          state = depth == 0 ? EXPECT_END : EXPECT_COMMA_OR_CLOSE;
          continue;
        }
    }

  if (state == EXPECT_END)
    return TRUE;

  if (state == EXPECT_VALUE && depth == 0)
    {
      g_set_error_literal (error, BOTBENCH_JSON_ERROR, BOTBENCH_JSON_ERROR_INVALID,
                           _("Invalid JSON: there is no value, the input is empty"));
      return FALSE;
    }

  {
    gboolean in_object = (stack[(depth - 1) / 8] >> ((depth - 1) % 8)) & 1;

    return fail_truncated (&s, in_object ? _("inside an object") : _("inside an array"));
  }
}

JsonNode *
botbench_json_parse (const char  *data,
                     gsize        len,
                     GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!botbench_json_check (data, len, BOTBENCH_JSON_MAX_DEPTH, error))
    return NULL;

  if (len > G_MAXSSIZE)
    {
      g_set_error_literal (error, BOTBENCH_JSON_ERROR, BOTBENCH_JSON_ERROR_TOO_LARGE,
                           _("The JSON document is too large"));
      return NULL;
    }

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, data, (gssize)len, &local_error))
    {
      /* Valid JSON json-glib still refuses, e.g. an integer beyond 64 bits. */
      g_set_error (error, BOTBENCH_JSON_ERROR, BOTBENCH_JSON_ERROR_INVALID,
                   _("Invalid JSON: %s"), local_error->message);
      return NULL;
    }

  root = json_parser_steal_root (parser);
  if (root == NULL)
    {
      g_set_error_literal (error, BOTBENCH_JSON_ERROR, BOTBENCH_JSON_ERROR_INVALID,
                           _("Invalid JSON: there is no value, the input is empty"));
      return NULL;
    }

  return root;
}

static char *
dup_size (guint64 size)
{
  return g_format_size_full (size, G_FORMAT_SIZE_IEC_UNITS);
}

GBytes *
botbench_json_read_file (GFile         *file,
                         gsize          max_size,
                         GCancellable  *cancellable,
                         GError       **error)
{
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GByteArray) buffer = NULL;
  g_autofree char *name = NULL;
  g_autofree char *limit = NULL;
  gsize reserve = 0;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  stream = g_file_read (file, cancellable, error);
  if (stream == NULL)
    return NULL;

  /* A GByteArray holds at most G_MAXUINT bytes. */
  max_size = MIN (max_size, (gsize)G_MAXUINT - 1);
  name = g_file_get_parse_name (file);
  limit = dup_size (max_size);

  /* fstat() of what was opened: no race with a rename. */
  info = g_file_input_stream_query_info (stream,
                                         G_FILE_ATTRIBUTE_STANDARD_SIZE ","
                                         G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                         cancellable, NULL);
  if (info != NULL && g_file_info_get_file_type (info) == G_FILE_TYPE_REGULAR &&
      g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_STANDARD_SIZE))
    {
      goffset size = g_file_info_get_size (info);

      if (size > 0 && (guint64)size > max_size)
        {
          g_autofree char *have = dup_size ((guint64)size);

          g_set_error (error, BOTBENCH_JSON_ERROR, BOTBENCH_JSON_ERROR_TOO_LARGE,
                       /* Translators: "“bot.json” is 1.0 GiB, more than the 16.0 MiB allowed" */
                       _("“%s” is %s, more than the %s allowed"), name, have, limit);
          return NULL;
        }
      if (size > 0)
        reserve = (gsize)size;
    }

  buffer = g_byte_array_sized_new ((guint)MIN (reserve, (gsize)G_MAXUINT - 1) + 1);

  for (;;)
    {
      guint8 chunk[READ_CHUNK];
      gssize n;

      n = g_input_stream_read (G_INPUT_STREAM (stream), chunk, sizeof chunk, cancellable, error);
      if (n < 0)
        return NULL;
      if (n == 0)
        break;

      /* The size can lie (a FIFO, /proc, a file still being written). */
      if ((gsize)n > max_size - buffer->len)
        {
          g_set_error (error, BOTBENCH_JSON_ERROR, BOTBENCH_JSON_ERROR_TOO_LARGE,
                       _("“%s” holds more than the %s allowed"), name, limit);
          return NULL;
        }

      g_byte_array_append (buffer, chunk, (guint)n);
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&buffer));
}

JsonNode *
botbench_json_parse_file (GFile         *file,
                          gsize          max_size,
                          GCancellable  *cancellable,
                          GError       **error)
{
  g_autoptr(GBytes) bytes = NULL;
  JsonNode *root;
  gsize len = 0;
  const char *data;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  bytes = botbench_json_read_file (file, max_size, cancellable, error);
  if (bytes == NULL)
    return NULL;

  data = g_bytes_get_data (bytes, &len);
  root = botbench_json_parse (data != NULL ? data : "", len, error);
  if (root == NULL)
    {
      g_autofree char *name = g_file_get_parse_name (file);

      g_prefix_error (error, "%s: ", name);
    }

  return root;
}
