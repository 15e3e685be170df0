/* botbench-form-node-json.c: a BotbenchFormNode tree as PHP's json_encode()
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A port of ext/json/json_encoder.c with JSON_UNESCAPED_UNICODE |
 * JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE, checked against
 * php-cli by tests/test-form-php.c.
 */
#define G_LOG_DOMAIN "botbench-form"

#include "config.h"

#include <string.h>

#include "botbench-form-node-private.h"

/* Bytes that need a look: controls, '"', '\\' and every non-ASCII byte. */
static const guint8 json_special[256] = {
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

#define UTF8_LEAD(c)  ((c) < 0x80 || ((c) >= 0xC2 && (c) <= 0xF4))
#define UTF8_TRAIL(c) ((c) >= 0x80 && (c) <= 0xBF)

/* ext/standard/html.c php_next_utf8_char(): decodes one character at
 * str[0] (a byte >= 0x80).  Returns the code point, or -1 for an invalid
 * sequence; *advance is how many bytes PHP skips either way. */
static inline gint32
next_utf8_char (const guchar *str,
                gsize         avail,
                gsize        *advance)
{
  guchar c = str[0];
  guint32 cp;

  if (c < 0xC2)
    {
      *advance = 1;
      return -1;
    }
  else if (c < 0xE0)
    {
      if (avail < 2)
        {
          *advance = 1;
          return -1;
        }
      if (!UTF8_TRAIL (str[1]))
        {
          *advance = UTF8_LEAD (str[1]) ? 1 : 2;
          return -1;
        }
      *advance = 2;
      return ((c & 0x1F) << 6) | (str[1] & 0x3F);
    }
  else if (c < 0xF0)
    {
      if (avail < 3 || !UTF8_TRAIL (str[1]) || !UTF8_TRAIL (str[2]))
        {
          if (avail < 2 || UTF8_LEAD (str[1]))
            *advance = 1;
          else if (avail < 3 || UTF8_LEAD (str[2]))
            *advance = 2;
          else
            *advance = 3;
          return -1;
        }
      *advance = 3;
      cp = ((c & 0x0F) << 12) | ((str[1] & 0x3F) << 6) | (str[2] & 0x3F);
      if (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))
        return -1;
      return cp;
    }
  else if (c < 0xF5)
    {
      if (avail < 4 || !UTF8_TRAIL (str[1]) || !UTF8_TRAIL (str[2]) || !UTF8_TRAIL (str[3]))
        {
          if (avail < 2 || UTF8_LEAD (str[1]))
            *advance = 1;
          else if (avail < 3 || UTF8_LEAD (str[2]))
            *advance = 2;
          else if (avail < 4 || UTF8_LEAD (str[3]))
            *advance = 3;
          else
            *advance = 4;
          return -1;
        }
      *advance = 4;
      cp = ((c & 0x07) << 18) | ((str[1] & 0x3F) << 12) | ((str[2] & 0x3F) << 6) | (str[3] & 0x3F);
      if (cp < 0x10000 || cp > 0x10FFFF)
        return -1;
      return cp;
    }

  *advance = 1;
  return -1;
}

/* Makes room for extra more bytes after out->len; returns where to write.
 * The caller sets out->len when done (json_commit()). */
static inline char *
json_reserve (GString *out,
              gsize    extra)
{
  if (G_UNLIKELY (out->len + extra >= out->allocated_len))
    {
      gsize len = out->len;

      g_string_set_size (out, len + extra);
      out->len = len;
    }

  return out->str + out->len;
}

static inline void
json_commit (GString *out,
             char    *end)
{
  out->len = end - out->str;
}

/* ext/json/json_encoder.c php_json_escape_string() */
static char *
write_json_string (char       *dest,
                   const char *str,
                   gsize       len)
{
  static const char digits[] = "0123456789abcdef";
  const guchar *s = (const guchar *)str;
  gsize pos = 0;

  *dest++ = '"';

  while (pos < len)
    {
      guchar c;

      /* eight plain ASCII bytes at a time: no control, '"', '\\' or
       * non-ASCII (dest has room: see JSON_STRING_MAX) */
      while (len - pos >= 8)
        {
          guint64 v = swar_load (str + pos);

          if ((v & SWAR_HIGHS) |
              ((v - SWAR_ONES * 0x20) & ~v & SWAR_HIGHS) |
              swar_has (v, '"') | swar_has (v, '\\'))
            break;
          memcpy (dest, &v, 8);
          dest += 8;
          pos += 8;
        }

      while (pos < len && !json_special[s[pos]])
        *dest++ = str[pos++];
      if (pos == len)
        break;

      c = s[pos];

      if (c >= 0x80)
        {
          gsize advance;
          gint32 cp = next_utf8_char (s + pos, len - pos, &advance);

          if (cp < 0)
            {
              *dest++ = '\xEF';
              *dest++ = '\xBF';
              *dest++ = '\xBD';
            }
          else if (cp == 0x2028 || cp == 0x2029)
            {
              /* JSON_UNESCAPED_LINE_TERMINATORS is not set */
              memcpy (dest, cp == 0x2028 ? "\\u2028" : "\\u2029", 6);
              dest += 6;
            }
          else
            {
              for (gsize i = 0; i < advance; i++)
                *dest++ = str[pos + i];
            }
          pos += advance;
          continue;
        }

      *dest++ = '\\';
      switch (c)
        {
        case '"':
          *dest++ = '"';
          break;
        case '\\':
          *dest++ = '\\';
          break;
        case '\b':
          *dest++ = 'b';
          break;
        case '\f':
          *dest++ = 'f';
          break;
        case '\n':
          *dest++ = 'n';
          break;
        case '\r':
          *dest++ = 'r';
          break;
        case '\t':
          *dest++ = 't';
          break;
        default:
          *dest++ = 'u';
          *dest++ = '0';
          *dest++ = '0';
          *dest++ = digits[c >> 4];
          *dest++ = digits[c & 0xF];
          break;
        }
      pos++;
    }

  *dest++ = '"';

  return dest;
}

/* Worst case: every byte a control character, "\u00XX" */
#define JSON_STRING_MAX(len) (6 * (len) + 2)

static gboolean
array_is_list (const BotbenchFormNode *array)
{
  for (guint i = 0; i < array->u.a.n_entries; i++)
    {
      const FormEntry *entry = &array->u.a.entries[i];

      if (!entry->is_int || entry->int_key != (gint64)i)
        return FALSE;
    }

  return TRUE;
}

static void
append_json (const BotbenchFormNode *node,
             GString                *out)
{
  gboolean is_list;
  char *dest;

  if (node->type == BOTBENCH_FORM_NODE_STRING)
    {
      dest = json_reserve (out, JSON_STRING_MAX (node->u.s.len));
      json_commit (out, write_json_string (dest, node->u.s.str, node->u.s.len));
      return;
    }

  is_list = array_is_list (node);

  if (node->u.a.n_entries == 0)
    {
      dest = json_reserve (out, 2);
      *dest++ = '[';
      *dest++ = ']';
      json_commit (out, dest);
      return;
    }

  for (guint i = 0; i < node->u.a.n_entries; i++)
    {
      const FormEntry *entry = &node->u.a.entries[i];

      /* '{' or ',' + key + ':' */
      dest = json_reserve (out, JSON_STRING_MAX (entry->key_len) + 2);
      *dest++ = i > 0 ? ',' : is_list ? '[' : '{';

      if (!is_list)
        {
          if (entry->is_int)
            {
              *dest++ = '"';
              memcpy (dest, entry_key (entry), entry->key_len);
              dest += entry->key_len;
              *dest++ = '"';
            }
          else
            {
              dest = write_json_string (dest, entry_key (entry), entry->key_len);
            }
          *dest++ = ':';
        }
      json_commit (out, dest);

      append_json (entry->value, out);
    }

  dest = json_reserve (out, 1);
  *dest++ = is_list ? ']' : '}';
  json_commit (out, dest);
}

char *
botbench_form_node_to_json (const BotbenchFormNode *node)
{
  GString *out;

  g_return_val_if_fail (node != NULL, NULL);

  out = g_string_sized_new (1024);
  append_json (node, out);
  out->str[out->len] = '\0';

  return g_string_free (out, FALSE);
}

void
botbench_form_node_append_json (const BotbenchFormNode *node,
                                GString                *out)
{
  g_return_if_fail (node != NULL);
  g_return_if_fail (out != NULL);

  append_json (node, out);
  out->str[out->len] = '\0';
}
