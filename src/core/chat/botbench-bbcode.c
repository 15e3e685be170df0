/* botbench-bbcode.c: Bitrix24 BB-code to Pango markup and to plain text
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One linear scan over the (made valid) UTF-8 text with a stack of open
 * tags.  A closing tag closes every tag opened after its partner and opens
 * them again, so overlapping input still gives nested, balanced markup.
 * Text is escaped one character at a time as it is emitted; the limit on
 * visible characters is counted there too.  Searches for the end of
 * [url]…[/url] and [code]…[/code] remember a failure, so a megabyte of
 * unclosed tags stays linear.
 */
#define G_LOG_DOMAIN "botbench-chat"

#include "config.h"

#include <string.h>

#include "botbench-bbcode.h"

#define MAX_TAG_LEN   2048  /* "[url=…]" longer than this is text */
#define MAX_DEPTH     64    /* deeper opening tags are text */
#define MAX_BYTES_PER_CHAR 32  /* with max_chars: markup budget per visible character */

typedef enum
{
  TAG_B,
  TAG_I,
  TAG_U,
  TAG_S,
  TAG_URL,
  TAG_USER,
  TAG_QUOTE,
  TAG_QUOTE_LINE,   /* a line after ">>": closed at the end of the line */
  TAG_COLOR,
  TAG_TEXT_ONLY,    /* size, chat, send, put, or an url whose href we refuse */
} TagKind;

typedef struct
{
  TagKind  kind;
  char    *name;       /* lower-case tag name, for matching the closing tag */
  char    *open;       /* markup that opens it ("" for text-only) */
  char    *close;
  char    *href;       /* plain mode: [url=x] */
  gsize    content_at; /* plain mode: out->len when it opened */
} Tag;

/* The last search for a closing tag: later searches from before @at reuse it. */
typedef struct
{
  gboolean none;   /* not found after the last search's start: nor after any later one */
  gssize   at;     /* -1 before the first search */
} Found;

typedef struct
{
  const char *text;
  const char *lower;     /* ASCII-lowercased copy, for finding closing tags */
  gsize       len;
  gboolean    markup;
  GString    *out;
  GPtrArray  *stack;     /* (element-type Tag) */
  gsize       max_chars;
  gsize       n_chars;
  gboolean    truncated;
  Found       url_close;     /* where "[/url]" was last found, or that it is not there */
  Found       code_close;
  Found       quote_close;
} Scan;

static void
tag_free (gpointer data)
{
  Tag *tag = data;

  g_free (tag->name);
  g_free (tag->open);
  g_free (tag->close);
  g_free (tag->href);
  g_free (tag);
}

/* Emits @len bytes of text, escaped, counting characters; stops at the limit. */
static void
emit_text (Scan       *scan,
           const char *s,
           gsize       len)
{
  const char *end = s + len;

  while (s < end && !scan->truncated)
    {
      const char *next = g_utf8_next_char (s);

      if (scan->max_chars > 0 && scan->n_chars >= scan->max_chars)
        {
          scan->truncated = TRUE;
          break;
        }

      if (scan->markup && (*s == '<' || *s == '>' || *s == '&' || *s == '"' || *s == '\''))
        {
          switch (*s)
            {
            case '<': g_string_append (scan->out, "&lt;"); break;
            case '>': g_string_append (scan->out, "&gt;"); break;
            case '&': g_string_append (scan->out, "&amp;"); break;
            case '"': g_string_append (scan->out, "&quot;"); break;
            default: g_string_append (scan->out, "&#39;"); break;
            }
        }
      else if (*s == '\r')
        {
          /* "\r\n" reads as "\n"; a lone "\r" is dropped. */
          s = next;
          continue;
        }
      else if (scan->markup && (guchar)*s < 0x20 && *s != '\n' && *s != '\t')
        /* Control characters are not allowed in XML, not even escaped. */
        g_string_append_unichar (scan->out, 0xFFFD);
      else
        g_string_append_len (scan->out, s, next - s);

      scan->n_chars++;
      s = next;
    }
}

static void
emit_newline (Scan *scan)
{
  emit_text (scan, "\n", 1);
}

static gboolean
href_is_safe (const char *href)
{
  return g_ascii_strncasecmp (href, "http://", 7) == 0 ||
         g_ascii_strncasecmp (href, "https://", 8) == 0 ||
         g_ascii_strncasecmp (href, "mailto:", 7) == 0;
}

static gboolean
color_is_valid (const char *value)
{
  gsize len = strlen (value);

  if (value[0] != '#' || (len != 4 && len != 7))
    return FALSE;
  for (gsize i = 1; i < len; i++)
    if (!g_ascii_isxdigit (value[i]))
      return FALSE;
  return TRUE;
}

static gboolean
is_digits (const char *value)
{
  if (*value == '\0')
    return FALSE;
  for (; *value != '\0'; value++)
    if (!g_ascii_isdigit (*value))
      return FALSE;
  return TRUE;
}

static gboolean
stack_has (Scan    *scan,
           TagKind  kind)
{
  for (guint i = 0; i < scan->stack->len; i++)
    if (((Tag *)scan->stack->pdata[i])->kind == kind)
      return TRUE;
  return FALSE;
}

static void
push_tag (Scan       *scan,
          TagKind     kind,
          const char *name,
          const char *open,
          const char *close)
{
  Tag *tag = g_new0 (Tag, 1);

  tag->kind = kind;
  tag->name = g_strdup (name);
  tag->open = g_strdup (scan->markup ? open : "");
  tag->close = g_strdup (scan->markup ? close : "");
  tag->content_at = scan->out->len;
  g_string_append (scan->out, tag->open);
  g_ptr_array_add (scan->stack, tag);
}

/* Plain mode: "[url=x]y[/url]" reads "y (x)". */
static void
close_plain_url (Scan *scan,
                 Tag  *tag)
{
  const char *content;

  if (scan->markup || tag->href == NULL || scan->truncated)
    return;

  content = scan->out->str + tag->content_at;
  if (*content == '\0')
    emit_text (scan, tag->href, strlen (tag->href));
  else if (strcmp (content, tag->href) != 0)
    {
      emit_text (scan, " (", 2);
      emit_text (scan, tag->href, strlen (tag->href));
      emit_text (scan, ")", 1);
    }
}

/* Closes the tag at @index and every one above it, then reopens those above. */
static void
close_at (Scan  *scan,
          guint  index)
{
  g_autoptr(GPtrArray) above = g_ptr_array_new_with_free_func (tag_free);
  Tag *tag;

  while (scan->stack->len > index + 1)
    {
      Tag *top = g_ptr_array_steal_index (scan->stack, scan->stack->len - 1);

      g_string_append (scan->out, top->close);
      g_ptr_array_add (above, top);
    }

  tag = g_ptr_array_steal_index (scan->stack, index);
  g_string_append (scan->out, tag->close);
  close_plain_url (scan, tag);
  tag_free (tag);

  for (guint i = above->len; i > 0; i--)
    {
      Tag *again = g_ptr_array_steal_index (above, i - 1);

      again->content_at = scan->out->len;
      g_string_append (scan->out, again->open);
      g_ptr_array_add (scan->stack, again);
    }
}

static gboolean
close_named (Scan       *scan,
             const char *name)
{
  for (guint i = scan->stack->len; i > 0; i--)
    {
      Tag *tag = scan->stack->pdata[i - 1];

      if (tag->kind != TAG_QUOTE_LINE && g_str_equal (tag->name, name))
        {
          close_at (scan, i - 1);
          return TRUE;
        }
    }
  return FALSE;
}

static void
close_quote_line (Scan *scan)
{
  for (guint i = scan->stack->len; i > 0; i--)
    if (((Tag *)scan->stack->pdata[i - 1])->kind == TAG_QUOTE_LINE)
      {
        close_at (scan, i - 1);
        return;
      }
}

/* Position of @needle (lower-case) at or after @from, or -1.  @cache
 * remembers the last answer, so searches stay linear overall. */
static gssize
find_close (Scan       *scan,
            gsize       from,
            const char *needle,
            Found      *cache)
{
  const char *found;

  if (cache->none)
    return -1;
  if (cache->at >= 0 && (gsize)cache->at >= from)
    return cache->at;

  found = strstr (scan->lower + from, needle);
  if (found == NULL)
    {
      cache->none = TRUE;
      return -1;
    }
  cache->at = found - scan->lower;
  return cache->at;
}

/* [url]x[/url] and [code]x[/code]: the content is literal. */
static gsize
handle_literal_block (Scan       *scan,
                      gsize       content,
                      gboolean    is_url,
                      gsize       tag_len)
{
  const char *needle = is_url ? "[/url]" : "[/code]";
  gssize end = find_close (scan, content, needle, is_url ? &scan->url_close : &scan->code_close);
  g_autofree char *inner = NULL;

  if (end < 0)
    return 0;

  inner = g_strndup (scan->text + content, end - content);
  if (!is_url)
    {
      if (scan->markup)
        g_string_append (scan->out, "<tt>");
      emit_text (scan, inner, strlen (inner));
      if (scan->markup)
        g_string_append (scan->out, "</tt>");
    }
  else
    {
      g_autofree char *href = g_strstrip (g_strdup (inner));

      if (scan->markup && href_is_safe (href) && !stack_has (scan, TAG_URL))
        {
          g_autofree char *escaped = g_markup_escape_text (href, -1);

          g_string_append_printf (scan->out, "<a href=\"%s\">", escaped);
          emit_text (scan, inner, strlen (inner));
          g_string_append (scan->out, "</a>");
        }
      else
        emit_text (scan, inner, strlen (inner));
    }

  return (end - (content - tag_len)) + strlen (needle);
}

/* Tries the tag at scan->text[pos] ('['); returns the bytes it used, 0 if it is text. */
static gsize
handle_tag (Scan  *scan,
            gsize  pos)
{
  const char *start = scan->text + pos;
  const char *close_bracket;
  gsize limit = MIN (MAX_TAG_LEN, scan->len - pos);
  g_autofree char *inside = NULL;
  g_autofree char *name = NULL;
  g_autofree char *value = NULL;
  gboolean closing;
  char *eq;
  gsize tag_len;

  close_bracket = memchr (start + 1, ']', limit > 1 ? limit - 1 : 0);
  if (close_bracket == NULL)
    return 0;
  tag_len = close_bracket - start + 1;
  if (memchr (start + 1, '[', tag_len - 2) != NULL || memchr (start + 1, '\n', tag_len - 2) != NULL)
    return 0;

  inside = g_strndup (start + 1, tag_len - 2);
  closing = inside[0] == '/';
  eq = strchr (inside, '=');
  if (eq != NULL)
    {
      *eq = '\0';
      value = g_strstrip (g_strdup (eq + 1));
      if (strlen (value) >= 2 && (value[0] == '"' || value[0] == '\'') && value[strlen (value) - 1] == value[0])
        {
          char *unquoted = g_strndup (value + 1, strlen (value) - 2);

          g_free (value);
          value = unquoted;
        }
    }
  name = g_ascii_strdown (g_strstrip (inside + (closing ? 1 : 0)), -1);

  if (closing)
    {
      if (value != NULL)
        return 0;
      return close_named (scan, name) ? tag_len : 0;
    }

  if (g_str_equal (name, "br") && value == NULL)
    {
      emit_newline (scan);
      return tag_len;
    }

  if (g_str_equal (name, "code") && value == NULL)
    return handle_literal_block (scan, pos + tag_len, FALSE, tag_len);

  if (g_str_equal (name, "url") && value == NULL)
    return handle_literal_block (scan, pos + tag_len, TRUE, tag_len);

  if (scan->stack->len >= MAX_DEPTH)
    return 0;

  if (value == NULL)
    {
      static const struct { const char *name; TagKind kind; const char *open; const char *close; } simple[] = {
        { "b", TAG_B, "<b>", "</b>" },
        { "i", TAG_I, "<i>", "</i>" },
        { "u", TAG_U, "<u>", "</u>" },
        { "s", TAG_S, "<s>", "</s>" },
      };

      for (guint i = 0; i < G_N_ELEMENTS (simple); i++)
        if (g_str_equal (name, simple[i].name))
          {
            push_tag (scan, simple[i].kind, name, simple[i].open, simple[i].close);
            return tag_len;
          }

      if (g_str_equal (name, "quote"))
        {
          if (find_close (scan, pos + tag_len, "[/quote]", &scan->quote_close) < 0)
            return 0;
          push_tag (scan, TAG_QUOTE, name, "<span style=\"italic\" fgalpha=\"60%\">", "</span>");
          return tag_len;
        }
      return 0;
    }

  if (g_str_equal (name, "url"))
    {
      if (scan->markup && href_is_safe (value) && !stack_has (scan, TAG_URL))
        {
          g_autofree char *escaped = g_markup_escape_text (value, -1);
          g_autofree char *open = g_strdup_printf ("<a href=\"%s\">", escaped);

          push_tag (scan, TAG_URL, name, open, "</a>");
        }
      else
        {
          push_tag (scan, TAG_TEXT_ONLY, name, "", "");
          if (!scan->markup)
            ((Tag *)scan->stack->pdata[scan->stack->len - 1])->href = g_strdup (value);
        }
      return tag_len;
    }

  if (g_str_equal (name, "user"))
    {
      /* [USER=5 REPLACE] is the portal's mention form too. */
      char *space = strchr (value, ' ');

      if (space != NULL && g_ascii_strcasecmp (space + 1, "REPLACE") == 0)
        *space = '\0';
      if (!is_digits (value))
        return 0;
      push_tag (scan, TAG_USER, name, "<b>", "</b>");
      return tag_len;
    }

  if (g_str_equal (name, "color"))
    {
      g_autofree char *open = NULL;

      if (!color_is_valid (value))
        return 0;
      open = g_strdup_printf ("<span foreground=\"%s\">", value);
      push_tag (scan, TAG_COLOR, name, open, "</span>");
      return tag_len;
    }

  if (g_str_equal (name, "size") || g_str_equal (name, "chat") ||
      g_str_equal (name, "send") || g_str_equal (name, "put"))
    {
      push_tag (scan, TAG_TEXT_ONLY, name, "", "");
      return tag_len;
    }

  return 0;
}

static char *
convert (const char *text,
         gboolean    markup,
         gsize       max_chars)
{
  g_autofree char *valid = NULL;
  g_autofree char *lower = NULL;
  g_autoptr(GPtrArray) stack = g_ptr_array_new_with_free_func (tag_free);
  Scan scan = { 0 };
  gboolean line_start = TRUE;
  gsize pos = 0;

  if (text == NULL)
    return g_strdup ("");

  valid = g_utf8_make_valid (text, -1);
  lower = g_ascii_strdown (valid, -1);
  scan.text = valid;
  scan.lower = lower;
  scan.len = strlen (valid);
  scan.markup = markup;
  scan.out = g_string_sized_new (scan.len + 16);
  scan.stack = stack;
  scan.max_chars = max_chars;
  scan.url_close.at = scan.code_close.at = scan.quote_close.at = -1;

  while (pos < scan.len && !scan.truncated)
    {
      const char *p = valid + pos;
      gsize used = 0;

      /* Tags without text must not make a short preview huge either. */
      if (max_chars > 0 && scan.out->len > max_chars * MAX_BYTES_PER_CHAR + 4096)
        {
          scan.truncated = TRUE;
          break;
        }

      if (line_start && p[0] == '>' && p[1] == '>' && scan.stack->len < MAX_DEPTH)
        {
          push_tag (&scan, TAG_QUOTE_LINE, ">>", "<span style=\"italic\" fgalpha=\"60%\">", "</span>");
          pos += 2;
          line_start = FALSE;
          continue;
        }
      line_start = FALSE;

      if (*p == '\n')
        {
          close_quote_line (&scan);
          emit_newline (&scan);
          line_start = TRUE;
          pos++;
          continue;
        }

      if (*p == '[')
        used = handle_tag (&scan, pos);

      if (used > 0)
        {
          pos += used;
          continue;
        }

      /* A run of plain text up to the next '[' or newline. */
      used = 1;
      while (pos + used < scan.len && valid[pos + used] != '[' && valid[pos + used] != '\n')
        used++;
      emit_text (&scan, p, used);
      pos += used;
    }

  if (scan.truncated)
    g_string_append (scan.out, "…");

  while (scan.stack->len > 0)
    close_at (&scan, scan.stack->len - 1);

  return g_string_free (scan.out, FALSE);
}

char *
botbench_bbcode_to_markup (const char *text,
                           gsize       max_chars)
{
  return convert (text, TRUE, max_chars);
}

char *
botbench_bbcode_to_plain (const char *text)
{
  return convert (text, FALSE, 0);
}
