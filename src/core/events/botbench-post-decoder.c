/* botbench-post-decoder.c: PHP $_POST-compatible form decoder
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * This is a port of the parts of PHP 8.2 that build $_POST:
 *
 *   main/php_variables.c   add_post_var(), add_post_vars() (splitting the
 *                          body; here) and php_register_variable_ex()
 *                          (names, brackets, nesting limit, cookie
 *                          prefixes; botbench-post-variables.c)
 *   main/rfc1867.c         rfc1867_post_handler() (multipart/form-data;
 *                          botbench-post-multipart.c)
 *   main/SAPI.c            which Content-Type is a form (here)
 *   main/php_string.c      php_url_decode() (here)
 *   Zend/zend_hash.c       ordered hash semantics (update keeps the slot,
 *                          nNextFreeElement, numeric string keys;
 *                          base/botbench-form-node-array.c)
 *   ext/json/json_encoder.c  json_encode() with JSON_UNESCAPED_UNICODE |
 *                          JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE
 *                          (base/botbench-form-node-json.c)
 *
 * Every rule is checked against php-cli (and php -S for multipart) by
 * tests/test-form-php.c.
 *
 * This file: application/x-www-form-urlencoded bodies and the dispatch on
 * Content-Type.  The tree they decode to, and how its memory is held, is
 * described in base/botbench-form-node-private.h.
 */
#define G_LOG_DOMAIN "botbench-form"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "botbench-post-decoder-private.h"

G_DEFINE_QUARK (botbench-post-error-quark, botbench_post_error)

/* php_url_decode() and add_post_var(): 1 '%', 2 '+', 3 '=' or '&', 4 NUL,
 * 5 ']' */
static const guint8 url_class[256] = {
  ['%'] = 1, ['+'] = 2, ['='] = 3, ['&'] = 3, [0] = 4, [']'] = 5,
};

/* hex digit value + 1; 0 for anything else */
static const guint8 hex_plus1[256] = {
  ['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7, ['7'] = 8,
  ['8'] = 9, ['9'] = 10, ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15,
  ['F'] = 16, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
};

/* One "%XX" at src (src[0] == '%'): the byte, or -1 if it is not an escape
 * (then PHP keeps the '%'). */
static inline int
url_decode_escape (const char *src,
                   const char *end)
{
  guint hi;
  guint lo;

  if (end - src <= 2)
    return -1;
  hi = hex_plus1[(guchar)src[1]];
  lo = hex_plus1[(guchar)src[2]];
  if (hi == 0 || lo == 0)
    return -1;

  return ((hi - 1) << 4) | (lo - 1);
}

/* php_url_decode(): '+' is a space, "%XX" a byte, any other '%' stays.
 * Returns the decoded length (dest is not terminated). */
static gsize
url_decode (char       *dest,
            const char *src,
            gsize       len)
{
  const char *end = src + len;
  char *out = dest;

  while (src < end)
    {
      char c;
      int byte;

      /* escapes often come in runs ("%D0%9F%D1%80"): no SWAR attempt
       * right before one */
      if (*src != '%' && *src != '+')
        {
          while (end - src >= 8)
            {
              guint64 v = swar_load (src);

              if (swar_has (v, '%') | swar_has (v, '+'))
                break;
              memcpy (out, src, 8);
              out += 8;
              src += 8;
            }

          while (src < end && (c = *src) != '%' && c != '+')
            {
              *out++ = c;
              src++;
            }
          if (src == end)
            break;
        }

      if (*src == '+')
        {
          *out++ = ' ';
          src++;
        }
      else if ((byte = url_decode_escape (src, end)) >= 0)
        {
          *out++ = (char)byte;
          src += 3;
        }
      else
        {
          *out++ = '%';
          src++;
        }
    }

  return out - dest;
}

static inline void
note_close (PathCache  *cache,
            const char *at,
            gsize       raw_end)
{
  if (cache->n_closes < FORM_CACHE_LEVELS)
    {
      cache->close_at[cache->n_closes] = at;
      cache->close_raw_end[cache->n_closes] = raw_end;
      cache->n_closes++;
    }
}

/* add_post_var() + php_url_decode() of the name in one pass: decodes from
 * src up to the first raw '=' or '&' (or end) into out, at most cap bytes.
 * Returns where it stopped, or NULL if out is too small.  *nul_at is the
 * length up to the first NUL byte in the result (PHP cuts the name there),
 * or the whole length.  An escape never reaches past the name: '=' and '&'
 * are not hex digits.  The ']' bytes go into cache (raw offsets from
 * raw_start). */
static const char *
url_decode_name (const char *src,
                 const char *end,
                 const char *raw_start,
                 char       *out,
                 gsize       cap,
                 gsize      *out_len,
                 gsize      *nul_at,
                 PathCache  *cache)
{
  /* each input byte makes at most one output byte */
  const char *limit = (gsize)(end - src) > cap ? src + cap : end;
  char *o = out;
  char *nul = NULL;

  cache->n_closes = 0;

  while (src < limit)
    {
      guint8 cls = url_class[(guchar)*src];
      int byte;

      if (G_LIKELY (cls == 0))
        {
          *o++ = *src++;
        }
      else if (cls == 1)
        {
          if ((byte = url_decode_escape (src, end)) >= 0)
            {
              if (byte == ']')
                note_close (cache, o, src + 3 - raw_start);
              else if (byte == 0 && nul == NULL)
                nul = o;
              *o++ = (char)byte;
              src += 3;
            }
          else
            {
              *o++ = *src++;
            }
        }
      else if (cls == 5)
        {
          note_close (cache, o, src + 1 - raw_start);
          *o++ = *src++;
        }
      else if (cls == 2)
        {
          *o++ = ' ';
          src++;
        }
      else if (cls == 4)
        {
          if (nul == NULL)
            nul = o;
          *o++ = *src++;
        }
      else
        {
          break;
        }
    }

  /* stopped by the size limit, not at the end of the name */
  if (G_UNLIKELY (src >= limit && src < end && url_class[(guchar)*src] != 3))
    return NULL;

  *out_len = o - out;
  *nul_at = nul != NULL ? (gsize)(nul - out) : *out_len;
  return src;
}

/* How many leading bytes a and b share (up to max). */
static inline gsize
common_prefix (const char *a,
               const char *b,
               gsize       max)
{
  gsize n = 0;

  while (max - n >= 8 && swar_load (a + n) == swar_load (b + n))
    n += 8;
  while (n < max && a[n] == b[n])
    n++;

  return n;
}

/* SAPI.c sapi_read_post_data(): the media type is what comes before the
 * first ';', ',' or ' ', in any case, and must be mime_type exactly (so a
 * tab after it is not allowed, as in PHP).  White space before it is
 * skipped: HTTP servers strip it from header values. */
static gboolean
content_type_is (const char *content_type,
                 const char *mime_type)
{
  gsize len = strlen (mime_type);
  const char *p = content_type;

  while (*p == ' ' || *p == '\t')
    p++;

  if (g_ascii_strncasecmp (p, mime_type, len) != 0)
    return FALSE;

  p += len;

  return *p == '\0' || *p == ';' || *p == ',' || *p == ' ';
}

BotbenchFormNode *
botbench_post_decode_urlencoded (const char *body,
                                 gsize       len)
{
  BotbenchFormNode *root;
  FormArena *arena;
  PathCache cache;
  char stack_buf[FORM_NAME_STACK];
  const char *ptr;
  const char *end;
  guint64 count = 0;

  g_return_val_if_fail (body != NULL || len == 0, NULL);

  if (len == 0)
    return form_node_new_array (NULL);

  arena = _botbench_form_arena_new (4 * len + 1024);
  root = form_node_new_array (arena);
  cache.n_levels = 0;

  /* main/php_variables.c add_post_var(): split on '&' (binary safe),
   * the name ends at the first '='; every segment counts towards
   * max_input_vars, even an empty one, and the check comes after the
   * segment was registered. */
  ptr = body;
  end = body + len;
  while (ptr < end)
    {
      g_autofree char *heap_buf = NULL;
      const PathLevel *resume = NULL;
      const char *vsep;
      const char *kend;
      const char *val;
      gsize name_len;
      gsize nul_at;
      gsize prefix_len = 0;
      char *name = stack_buf;

      /* the deepest level of the previous name that this one repeats */
      if (cache.n_levels > 0)
        {
          gsize shared = common_prefix (ptr, cache.raw, MIN (cache.raw_len, (gsize)(end - ptr)));

          for (guint i = cache.n_levels; i > 0; i--)
            {
              if (cache.levels[i - 1].raw_end <= shared)
                {
                  resume = &cache.levels[i - 1];
                  cache.n_levels = i;
                  break;
                }
            }
        }

      if (resume != NULL)
        {
          /* decode only the rest, after a copy of the pending key */
          prefix_len = resume->key_len;
          memcpy (stack_buf, resume->key, prefix_len);
          kend = url_decode_name (ptr + resume->raw_end, end, ptr, stack_buf + prefix_len,
                                  sizeof stack_buf - 1 - prefix_len, &name_len, &nul_at, &cache);
          if (G_UNLIKELY (kend == NULL))
            resume = NULL;
        }

      if (resume == NULL)
        {
          prefix_len = 0;
          kend = url_decode_name (ptr, end, ptr, stack_buf, sizeof stack_buf - 1,
                                  &name_len, &nul_at, &cache);
        }

      if (G_UNLIKELY (kend == NULL))
        {
          /* a long name: find its end first */
          const char *amp = memchr (ptr, '&', end - ptr);
          const char *eq = memchr (ptr, '=', (amp ? amp : end) - ptr);
          const char *nul;

          kend = eq ? eq : amp ? amp : end;
          name = heap_buf = g_malloc (kend - ptr + 1);
          name_len = url_decode (name, ptr, kend - ptr);
          nul = memchr (name, '\0', name_len);
          nul_at = nul != NULL ? (gsize)(nul - name) : name_len;
          cache.n_closes = 0;
        }

      if (kend < end && *kend == '=')
        {
          val = kend + 1;
          vsep = memchr (val, '&', end - val);
          if (vsep == NULL)
            vsep = end;
        }
      else
        {
          /* "foo&" or "foo" at the end: no value */
          val = vsep = kend;
        }

      /* PHP handles the name as a C string */
      name_len = prefix_len + nul_at;
      name[name_len] = '\0';

      if (resume != NULL || (name_len > 0 && name[0] != '['))
        {
          BotbenchFormNode *leaf = form_node_new_string_uninit (arena, vsep - val);

          leaf->u.s.len = url_decode (leaf->u.s.str, val, vsep - val);
          leaf->u.s.str[leaf->u.s.len] = '\0';
          form_arena_shrink_last (arena, leaf, sizeof (BotbenchFormNode) + leaf->u.s.len + 1);

          if (resume != NULL)
            {
              RegisterContext ctx = {
                .root = root,
                .arena = arena,
                .var = cache.var,
                .var_len = cache.var_len,
                .pre_host = cache.pre_host,
                .pre_secure = cache.pre_secure,
                .cache = &cache,
              };

              _botbench_post_register_levels (&ctx, resume->symtable, name, prefix_len,
                                              name + prefix_len, name + name_len,
                                              resume - cache.levels + 1, leaf);
            }
          else
            {
              _botbench_post_register_variable_in_place (root, arena, &cache, name, name_len, leaf);
            }
          cache.raw = ptr;
          cache.raw_len = kend - ptr;
        }
      else
        {
          /* an empty name is dropped; leading spaces are handled in
           * _botbench_post_register_variable_in_place() */
          cache.n_levels = 0;
        }

      ptr = vsep + (vsep != end);

      if (++count > BOTBENCH_POST_DEFAULT_MAX_INPUT_VARS)
        {
          g_debug ("Input variables exceeded %d, ignoring the rest of the body",
                   BOTBENCH_POST_DEFAULT_MAX_INPUT_VARS);
          break;
        }
    }

  /* the decoder's own count; the nodes hold the rest */
  form_arena_unref (arena);

  return root;
}

BotbenchFormNode *
botbench_post_decode (const char  *body,
                      gsize        len,
                      const char  *content_type,
                      GError     **error)
{
  g_return_val_if_fail (body != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (content_type != NULL && content_type_is (content_type, "application/x-www-form-urlencoded"))
    return botbench_post_decode_urlencoded (body, len);

  if (content_type != NULL && content_type_is (content_type, "multipart/form-data"))
    return botbench_post_decode_multipart (body, len, content_type, error);

  g_set_error (error, BOTBENCH_POST_ERROR, BOTBENCH_POST_ERROR_UNSUPPORTED,
               _("Content type “%s” is not a form"),
               content_type != NULL ? content_type : _("(none)"));
  return NULL;
}
