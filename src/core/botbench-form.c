/* botbench-form.c: PHP $_POST-compatible form decoder
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * This is a port of the parts of PHP 8.2 that build $_POST:
 *
 *   main/php_variables.c   add_post_var(), add_post_vars() (splitting the
 *                          body) and php_register_variable_ex() (names,
 *                          brackets, nesting limit)
 *   main/rfc1867.c         multipart/form-data (non-file parts only)
 *   main/php_string.c      php_url_decode()
 *   Zend/zend_hash.c       ordered hash semantics (update keeps the slot,
 *                          nNextFreeElement, numeric string keys)
 *   ext/json/json_encoder.c  json_encode() with JSON_UNESCAPED_UNICODE |
 *                          JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE
 *
 * Every rule is checked against php-cli by tests/test-form-php.c.
 */
#define G_LOG_DOMAIN "botbench-form"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <stdarg.h>
#include <string.h>

#include "botbench-form.h"

/* Arrays with more children than this get a hash index; smaller ones are
 * scanned linearly (the common Bitrix24 array has 2–15 keys). */
#define FORM_INDEX_THRESHOLD 8
#define FORM_INLINE_KEY      16
/* Decoded names shorter than this are decoded on the stack. */
#define FORM_NAME_STACK      256
/* PHP's max_multipart_body_parts default: max_input_vars + max_file_uploads */
#define FORM_MAX_FILE_UPLOADS 20
#define FORM_MAX_BODY_PARTS  (BOTBENCH_FORM_DEFAULT_MAX_INPUT_VARS + FORM_MAX_FILE_UPLOADS)

typedef struct
{
  union
  {
    char  *heap;
    char   inline_[FORM_INLINE_KEY];
  } key;
  guint32           key_len;
  guint32           hash;
  gint64            int_key;
  gboolean          is_int;
  BotbenchFormNode *value;
} FormEntry;

struct _BotbenchFormNode
{
  gint                  ref_count;
  BotbenchFormNodeType  type;
  union
  {
    struct
    {
      char  *str;     /* points right after the struct */
      gsize  len;
    } s;
    struct
    {
      FormEntry *entries;
      guint      n_entries;
      guint      n_alloc;
      guint32   *buckets;     /* entry index + 1; 0 is empty */
      guint      n_buckets;   /* power of two, or 0 without index */
      gint64     next_free;   /* PHP's nNextFreeElement */
    } a;
  } u;
};

G_DEFINE_BOXED_TYPE (BotbenchFormNode, botbench_form_node,
                     botbench_form_node_ref, botbench_form_node_unref)

G_DEFINE_QUARK (botbench-form-error-quark, botbench_form_error)

/* Stands for ZEND_LONG_MIN in nNextFreeElement: "nothing inserted yet". */
#define NEXT_FREE_UNSET G_MININT64

/* Helpers: keys {{{ */

static inline const char *
entry_key (const FormEntry *entry)
{
  return entry->key_len < FORM_INLINE_KEY ? entry->key.inline_ : entry->key.heap;
}

static inline guint32
hash_key (const char *key,
          gsize       len)
{
  /* FNV-1a */
  guint32 h = 2166136261u;

  for (gsize i = 0; i < len; i++)
    {
      h ^= (guchar)key[i];
      h *= 16777619u;
    }

  return h;
}

/* Zend's _zend_handle_numeric_str_ex(): "5" and "-3" are integer keys,
 * "05", "-0", "5 ", "1e3" and anything outside zend_long are not. */
static gboolean
key_is_numeric (const char *key,
                gsize       len,
                gint64     *out)
{
  const char *tmp = key;
  const char *end = key + len;
  guint64 idx;

  if (len == 0)
    return FALSE;

  if (*tmp == '-')
    {
      tmp++;
      if (tmp == end)
        return FALSE;
    }

  if (*tmp < '0' || *tmp > '9')
    return FALSE;

  /* leading zeros, or too long for a zend_long (MAX_LENGTH_OF_LONG - 1) */
  if ((*tmp == '0' && len > 1) || end - tmp > 19)
    return FALSE;

  idx = (guint64)(*tmp - '0');
  for (tmp++; tmp < end; tmp++)
    {
      if (*tmp < '0' || *tmp > '9')
        return FALSE;
      idx = idx * 10 + (guint64)(*tmp - '0');
    }

  if (*key == '-')
    {
      if (idx - 1 > (guint64)G_MAXINT64)
        return FALSE;
      *out = (gint64)(0 - idx);
    }
  else
    {
      if (idx > (guint64)G_MAXINT64)
        return FALSE;
      *out = (gint64)idx;
    }

  return TRUE;
}

/* }}} */

/* Helpers: nodes and arrays {{{ */

static BotbenchFormNode *
form_node_new_string_uninit (gsize len)
{
  BotbenchFormNode *node;

  node = g_malloc (sizeof (BotbenchFormNode) + len + 1);
  node->ref_count = 1;
  node->type = BOTBENCH_FORM_NODE_STRING;
  node->u.s.str = (char *)(node + 1);
  node->u.s.len = len;
  node->u.s.str[len] = '\0';

  return node;
}

static void
form_node_free (BotbenchFormNode *node)
{
  if (node->type == BOTBENCH_FORM_NODE_ARRAY)
    {
      for (guint i = 0; i < node->u.a.n_entries; i++)
        {
          FormEntry *entry = &node->u.a.entries[i];

          if (entry->key_len >= FORM_INLINE_KEY)
            g_free (entry->key.heap);
          botbench_form_node_unref (entry->value);
        }
      g_free (node->u.a.entries);
      g_free (node->u.a.buckets);
    }

  g_free (node);
}

static void
array_rebuild_index (BotbenchFormNode *array)
{
  guint n_buckets = 16;
  guint mask;

  g_assert (array->type == BOTBENCH_FORM_NODE_ARRAY);

  if (array->u.a.n_entries <= FORM_INDEX_THRESHOLD)
    {
      g_clear_pointer (&array->u.a.buckets, g_free);
      array->u.a.n_buckets = 0;
      return;
    }

  while (n_buckets < array->u.a.n_entries * 2)
    n_buckets *= 2;

  g_free (array->u.a.buckets);
  array->u.a.buckets = g_new0 (guint32, n_buckets);
  array->u.a.n_buckets = n_buckets;
  mask = n_buckets - 1;

  for (guint i = 0; i < array->u.a.n_entries; i++)
    {
      FormEntry *entry = &array->u.a.entries[i];
      guint b;

      entry->hash = hash_key (entry_key (entry), entry->key_len);
      for (b = entry->hash & mask; array->u.a.buckets[b] != 0; b = (b + 1) & mask)
        ;
      array->u.a.buckets[b] = i + 1;
    }
}

static FormEntry *
array_find (const BotbenchFormNode *array,
            const char             *key,
            gsize                   key_len)
{
  const FormEntry *entries = array->u.a.entries;

  if (array->u.a.n_buckets == 0)
    {
      for (guint i = 0; i < array->u.a.n_entries; i++)
        {
          if (entries[i].key_len == key_len &&
              memcmp (entry_key (&entries[i]), key, key_len) == 0)
            return (FormEntry *)&entries[i];
        }
    }
  else
    {
      guint mask = array->u.a.n_buckets - 1;
      guint32 hash = hash_key (key, key_len);

      for (guint b = hash & mask; array->u.a.buckets[b] != 0; b = (b + 1) & mask)
        {
          const FormEntry *entry = &entries[array->u.a.buckets[b] - 1];

          if (entry->hash == hash &&
              entry->key_len == key_len &&
              memcmp (entry_key (entry), key, key_len) == 0)
            return (FormEntry *)entry;
        }
    }

  return NULL;
}

/* Appends a new entry; the key must not be present yet. Takes value. */
static void
array_append (BotbenchFormNode *array,
              const char       *key,
              gsize             key_len,
              gboolean          is_int,
              gint64            int_key,
              BotbenchFormNode *value)
{
  FormEntry *entry;
  char *dest;

  g_assert (array->type == BOTBENCH_FORM_NODE_ARRAY);

  if (array->u.a.n_entries == array->u.a.n_alloc)
    {
      array->u.a.n_alloc = MAX (4, array->u.a.n_alloc * 2);
      array->u.a.entries = g_renew (FormEntry, array->u.a.entries, array->u.a.n_alloc);
    }

  entry = &array->u.a.entries[array->u.a.n_entries++];
  entry->key_len = (guint32)key_len;
  if (key_len < FORM_INLINE_KEY)
    dest = entry->key.inline_;
  else
    dest = entry->key.heap = g_malloc (key_len + 1);
  memcpy (dest, key, key_len);
  dest[key_len] = '\0';
  entry->is_int = is_int;
  entry->int_key = int_key;
  entry->value = value;
  entry->hash = 0;

  if (is_int && int_key >= array->u.a.next_free)
    array->u.a.next_free = int_key < G_MAXINT64 ? int_key + 1 : G_MAXINT64;

  if (array->u.a.n_buckets != 0 && array->u.a.n_entries * 2 <= array->u.a.n_buckets)
    {
      guint mask = array->u.a.n_buckets - 1;
      guint b;

      entry->hash = hash_key (dest, key_len);
      for (b = entry->hash & mask; array->u.a.buckets[b] != 0; b = (b + 1) & mask)
        ;
      array->u.a.buckets[b] = array->u.a.n_entries;
    }
  else if (array->u.a.n_entries > FORM_INDEX_THRESHOLD)
    {
      array_rebuild_index (array);
    }
}

/* zend_symtable_str_update(): replaces the value in place (the key keeps
 * its position) or appends.  Takes value; returns the entry. */
static FormEntry *
array_update (BotbenchFormNode *array,
              const char       *key,
              gsize             key_len,
              BotbenchFormNode *value)
{
  FormEntry *entry;
  gint64 int_key = 0;
  gboolean is_int;

  entry = array_find (array, key, key_len);
  if (entry != NULL)
    {
      BotbenchFormNode *old = entry->value;

      entry->value = value;
      botbench_form_node_unref (old);
      return entry;
    }

  is_int = key_is_numeric (key, key_len, &int_key);
  array_append (array, key, key_len, is_int, int_key, value);
  return &array->u.a.entries[array->u.a.n_entries - 1];
}

/* zend_hash_next_index_insert(): FALSE (and value untouched) when the
 * next index is taken, i.e. after key ZEND_LONG_MAX. */
static gboolean
array_append_next (BotbenchFormNode *array,
                   BotbenchFormNode *value)
{
  gint64 h = array->u.a.next_free == NEXT_FREE_UNSET ? 0 : array->u.a.next_free;
  char buf[24];
  int len;

  len = g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, h);
  if (array_find (array, buf, len) != NULL)
    return FALSE;

  array_append (array, buf, len, TRUE, h, value);
  return TRUE;
}

static void
array_delete (BotbenchFormNode *array,
              const char       *key,
              gsize             key_len)
{
  FormEntry *entry;
  guint pos;

  entry = array_find (array, key, key_len);
  if (entry == NULL)
    return;

  pos = entry - array->u.a.entries;
  if (entry->key_len >= FORM_INLINE_KEY)
    g_free (entry->key.heap);
  botbench_form_node_unref (entry->value);

  memmove (&array->u.a.entries[pos], &array->u.a.entries[pos + 1],
           (array->u.a.n_entries - pos - 1) * sizeof (FormEntry));
  array->u.a.n_entries--;

  if (array->u.a.n_buckets != 0)
    array_rebuild_index (array);
}

/* }}} */

/* Helpers: registering variables {{{ */

/* isspace() in the C locale */
static inline gboolean
is_c_space (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* php_is_forbidden_variable_name(): a key (at any level) that starts with
 * "__Host-" or "__Secure-" is dropped unless the unmangled top-level name
 * itself starts with that prefix (so "..Host-x" cannot fake a cookie
 * prefix, and neither can "a[__Host-x]"). */
static inline gboolean
is_forbidden_name (const char *index,
                   gsize       index_len,
                   gboolean    pre_host,
                   gboolean    pre_secure)
{
  if (index_len >= 7 && !pre_host && memcmp (index, "__Host-", 7) == 0)
    return TRUE;
  if (index_len >= 9 && !pre_secure && memcmp (index, "__Secure-", 9) == 0)
    return TRUE;
  return FALSE;
}

/* php_register_variable_ex() on a writable, NUL-terminated name (it is
 * modified).  Takes val. */
static void
register_variable_in_place (BotbenchFormNode *root,
                            char             *var_name,
                            BotbenchFormNode *val)
{
  BotbenchFormNode *symtable = root;
  char *var;
  char *p;
  char *ip = NULL;
  char *index;
  gsize var_len;
  gsize index_len;
  gboolean is_array = FALSE;
  gboolean pre_host;
  gboolean pre_secure;

  /* ignore leading spaces in the variable name */
  while (*var_name == ' ')
    var_name++;

  pre_host = strncmp (var_name, "__Host-", 7) == 0;
  pre_secure = strncmp (var_name, "__Secure-", 9) == 0;

  /* ensure that we don't have spaces or dots in the variable name */
  var = var_name;
  for (p = var; *p; p++)
    {
      if (*p == ' ' || *p == '.')
        {
          *p = '_';
        }
      else if (*p == '[')
        {
          is_array = TRUE;
          ip = p;
          *p = '\0';
          break;
        }
    }
  var_len = p - var;

  if (var_len == 0)
    {
      botbench_form_node_unref (val);
      return;
    }

  index = var;
  index_len = var_len;

  if (is_array)
    {
      int nest_level = 0;

      while (TRUE)
        {
          BotbenchFormNode *child;
          char *index_s;
          gsize new_idx_len = 0;

          if (++nest_level > BOTBENCH_FORM_DEFAULT_MAX_NESTING_LEVEL)
            {
              /* too many levels of nesting: PHP drops the whole top-level
               * variable, including what earlier pairs put there */
              array_delete (root, var, var_len);
              botbench_form_node_unref (val);
              return;
            }

          ip++;
          index_s = ip;
          if (is_c_space (*ip))
            ip++;
          if (*ip == ']')
            {
              index_s = NULL;
            }
          else
            {
              ip = strchr (ip, ']');
              if (ip == NULL)
                {
                  /* not an index; un-terminate the var name */
                  *(index_s - 1) = '_';
                  for (p = index_s; *p; p++)
                    {
                      if (*p == ' ' || *p == '.' || *p == '[')
                        *p = '_';
                    }

                  index_len = 0;
                  if (index != NULL)
                    index_len = strlen (index);
                  goto plain_var;
                }
              *ip = '\0';
              new_idx_len = strlen (index_s);
            }

          if (index == NULL)
            {
              child = botbench_form_node_new_array ();
              if (!array_append_next (symtable, child))
                {
                  botbench_form_node_unref (child);
                  botbench_form_node_unref (val);
                  return;
                }
            }
          else
            {
              FormEntry *entry;

              if (is_forbidden_name (index, index_len, pre_host, pre_secure))
                {
                  botbench_form_node_unref (val);
                  return;
                }

              entry = array_find (symtable, index, index_len);

              if (entry == NULL)
                {
                  child = botbench_form_node_new_array ();
                  array_update (symtable, index, index_len, child);
                }
              else
                {
                  if (entry->value->type != BOTBENCH_FORM_NODE_ARRAY)
                    {
                      botbench_form_node_unref (entry->value);
                      entry->value = botbench_form_node_new_array ();
                    }
                  child = entry->value;
                }
            }

          symtable = child;
          /* ip pointed to the '[' character, now obtain the key */
          index = index_s;
          index_len = new_idx_len;

          ip++;
          if (*ip == '[')
            {
              is_array = TRUE;
              *ip = '\0';
            }
          else
            {
              goto plain_var;
            }
        }
    }

plain_var:
  if (index == NULL)
    {
      if (!array_append_next (symtable, val))
        botbench_form_node_unref (val);
    }
  else if (is_forbidden_name (index, index_len, pre_host, pre_secure))
    {
      botbench_form_node_unref (val);
    }
  else
    {
      array_update (symtable, index, index_len, val);
    }
}

static inline int
hex_value (guchar c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* php_url_decode(): '+' is a space, "%XX" a byte, any other '%' stays.
 * dest may be src; returns the decoded length (dest is not terminated). */
static gsize
url_decode (char       *dest,
            const char *src,
            gsize       len)
{
  const char *end = src + len;
  char *out = dest;

  while (src < end)
    {
      char c = *src;

      if (c == '+')
        {
          *out++ = ' ';
          src++;
        }
      else if (c == '%' && end - src > 2)
        {
          int hi = hex_value ((guchar)src[1]);
          int lo = hi < 0 ? -1 : hex_value ((guchar)src[2]);

          if (lo >= 0)
            {
              *out++ = (char)((hi << 4) | lo);
              src += 3;
            }
          else
            {
              *out++ = c;
              src++;
            }
        }
      else
        {
          *out++ = c;
          src++;
        }
    }

  return out - dest;
}

/* }}} */

/* Helpers: JSON {{{ */

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
static gint32
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

/* ext/json/json_encoder.c php_json_escape_string() */
static void
append_json_string (GString    *out,
                    const char *str,
                    gsize       len)
{
  static const char digits[] = "0123456789abcdef";
  const guchar *s = (const guchar *)str;
  gsize pos = 0;
  gsize start = 0;

  g_string_append_c (out, '"');

  while (pos < len)
    {
      guchar c = s[pos];

      if (G_LIKELY (!json_special[c]))
        {
          pos++;
          continue;
        }

      if (pos > start)
        g_string_append_len (out, str + start, pos - start);

      if (c >= 0x80)
        {
          gsize advance;
          gint32 cp = next_utf8_char (s + pos, len - pos, &advance);

          if (cp < 0)
            g_string_append_len (out, "\xEF\xBF\xBD", 3);
          else if (cp == 0x2028)
            g_string_append_len (out, "\\u2028", 6);
          else if (cp == 0x2029)
            g_string_append_len (out, "\\u2029", 6);
          else
            g_string_append_len (out, str + pos, advance);
          pos += advance;
        }
      else
        {
          switch (c)
            {
            case '"':
              g_string_append_len (out, "\\\"", 2);
              break;
            case '\\':
              g_string_append_len (out, "\\\\", 2);
              break;
            case '\b':
              g_string_append_len (out, "\\b", 2);
              break;
            case '\f':
              g_string_append_len (out, "\\f", 2);
              break;
            case '\n':
              g_string_append_len (out, "\\n", 2);
              break;
            case '\r':
              g_string_append_len (out, "\\r", 2);
              break;
            case '\t':
              g_string_append_len (out, "\\t", 2);
              break;
            default:
              {
                char esc[6] = { '\\', 'u', '0', '0', digits[c >> 4], digits[c & 0xF] };

                g_string_append_len (out, esc, 6);
              }
              break;
            }
          pos++;
        }

      start = pos;
    }

  if (pos > start)
    g_string_append_len (out, str + start, pos - start);

  g_string_append_c (out, '"');
}

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

  if (node->type == BOTBENCH_FORM_NODE_STRING)
    {
      append_json_string (out, node->u.s.str, node->u.s.len);
      return;
    }

  is_list = array_is_list (node);
  g_string_append_c (out, is_list ? '[' : '{');

  for (guint i = 0; i < node->u.a.n_entries; i++)
    {
      const FormEntry *entry = &node->u.a.entries[i];

      if (i > 0)
        g_string_append_c (out, ',');

      if (!is_list)
        {
          if (entry->is_int)
            {
              g_string_append_c (out, '"');
              g_string_append_len (out, entry_key (entry), entry->key_len);
              g_string_append_len (out, "\":", 2);
            }
          else
            {
              append_json_string (out, entry_key (entry), entry->key_len);
              g_string_append_c (out, ':');
            }
        }

      append_json (entry->value, out);
    }

  g_string_append_c (out, is_list ? ']' : '}');
}

/* }}} */

/* Helpers: content types {{{ */

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
  while (*p == ' ' || *p == '\t')
    p++;

  return *p == '\0' || *p == ';';
}

/* }}} */

/* Public API {{{ */

BotbenchFormNode *
botbench_form_node_new_array (void)
{
  BotbenchFormNode *node = g_new0 (BotbenchFormNode, 1);

  node->ref_count = 1;
  node->type = BOTBENCH_FORM_NODE_ARRAY;
  node->u.a.next_free = NEXT_FREE_UNSET;

  return node;
}

BotbenchFormNode *
botbench_form_node_new_string (const char *value,
                               gsize       len)
{
  BotbenchFormNode *node;

  g_return_val_if_fail (value != NULL || len == 0, NULL);

  node = form_node_new_string_uninit (len);
  if (len > 0)
    memcpy (node->u.s.str, value, len);

  return node;
}

BotbenchFormNode *
botbench_form_node_ref (BotbenchFormNode *node)
{
  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (g_atomic_int_get (&node->ref_count) > 0, NULL);

  g_atomic_int_inc (&node->ref_count);

  return node;
}

void
botbench_form_node_unref (BotbenchFormNode *node)
{
  g_return_if_fail (node != NULL);
  g_return_if_fail (g_atomic_int_get (&node->ref_count) > 0);

  if (g_atomic_int_dec_and_test (&node->ref_count))
    form_node_free (node);
}

BotbenchFormNodeType
botbench_form_node_get_node_type (const BotbenchFormNode *node)
{
  g_return_val_if_fail (node != NULL, BOTBENCH_FORM_NODE_STRING);

  return node->type;
}

const char *
botbench_form_node_get_string (const BotbenchFormNode *node,
                               gsize                  *len)
{
  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (node->type == BOTBENCH_FORM_NODE_STRING, NULL);

  if (len != NULL)
    *len = node->u.s.len;

  return node->u.s.str;
}

guint
botbench_form_node_get_n_children (const BotbenchFormNode *node)
{
  g_return_val_if_fail (node != NULL, 0);

  if (node->type != BOTBENCH_FORM_NODE_ARRAY)
    return 0;

  return node->u.a.n_entries;
}

const char *
botbench_form_node_get_child_key (const BotbenchFormNode *node,
                                  guint                   index_)
{
  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (node->type == BOTBENCH_FORM_NODE_ARRAY, NULL);
  g_return_val_if_fail (index_ < node->u.a.n_entries, NULL);

  return entry_key (&node->u.a.entries[index_]);
}

gboolean
botbench_form_node_child_key_is_int (const BotbenchFormNode *node,
                                     guint                   index_)
{
  g_return_val_if_fail (node != NULL, FALSE);
  g_return_val_if_fail (node->type == BOTBENCH_FORM_NODE_ARRAY, FALSE);
  g_return_val_if_fail (index_ < node->u.a.n_entries, FALSE);

  return node->u.a.entries[index_].is_int;
}

BotbenchFormNode *
botbench_form_node_get_child (const BotbenchFormNode *node,
                              guint                   index_)
{
  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (node->type == BOTBENCH_FORM_NODE_ARRAY, NULL);
  g_return_val_if_fail (index_ < node->u.a.n_entries, NULL);

  return node->u.a.entries[index_].value;
}

BotbenchFormNode *
botbench_form_node_lookup (const BotbenchFormNode *node,
                           const char             *key)
{
  FormEntry *entry;

  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);

  if (node->type != BOTBENCH_FORM_NODE_ARRAY)
    return NULL;

  /* Integer keys are stored in canonical decimal and numeric-looking
   * string keys are always integers, so "5" finds key 5 as in PHP. */
  entry = array_find (node, key, strlen (key));

  return entry != NULL ? entry->value : NULL;
}

const char *
botbench_form_node_lookup_string (const BotbenchFormNode *node,
                                  const char             *first_key,
                                  ...)
{
  const BotbenchFormNode *cur = node;
  const char *key;
  va_list args;

  g_return_val_if_fail (node != NULL, NULL);

  va_start (args, first_key);
  for (key = first_key; key != NULL && cur != NULL; key = va_arg (args, const char *))
    cur = botbench_form_node_lookup (cur, key);
  va_end (args);

  if (cur == NULL || key != NULL || cur->type != BOTBENCH_FORM_NODE_STRING)
    return NULL;

  return cur->u.s.str;
}

void
botbench_form_node_register_variable (BotbenchFormNode *root,
                                      const char       *name,
                                      gsize             name_len,
                                      const char       *value,
                                      gsize             value_len)
{
  char stack_buf[FORM_NAME_STACK];
  g_autofree char *heap_buf = NULL;
  const char *nul;
  char *var;

  g_return_if_fail (root != NULL);
  g_return_if_fail (root->type == BOTBENCH_FORM_NODE_ARRAY);
  g_return_if_fail (name != NULL || name_len == 0);
  g_return_if_fail (value != NULL || value_len == 0);

  /* PHP handles the name as a C string */
  if (name_len > 0 && (nul = memchr (name, '\0', name_len)) != NULL)
    name_len = nul - name;

  var = name_len < sizeof stack_buf ? stack_buf : (heap_buf = g_malloc (name_len + 1));
  if (name_len > 0)
    memcpy (var, name, name_len);
  var[name_len] = '\0';

  register_variable_in_place (root, var, botbench_form_node_new_string (value, value_len));
}

BotbenchFormNode *
botbench_form_decode_urlencoded (const char *body,
                                 gsize       len)
{
  BotbenchFormNode *root;
  char stack_buf[FORM_NAME_STACK];
  const char *ptr;
  const char *end;
  guint64 count = 0;

  g_return_val_if_fail (body != NULL || len == 0, NULL);

  root = botbench_form_node_new_array ();
  if (len == 0)
    return root;

  /* main/php_variables.c add_post_var(): split on '&' (binary safe),
   * the name ends at the first '='; every segment counts towards
   * max_input_vars, even an empty one, and the check comes after the
   * segment was registered. */
  ptr = body;
  end = body + len;
  while (ptr < end)
    {
      g_autofree char *heap_buf = NULL;
      const char *vsep;
      const char *ksep;
      const char *val;
      gsize klen;
      gsize vlen;
      gsize name_len;
      char *name;
      BotbenchFormNode *leaf;

      vsep = memchr (ptr, '&', end - ptr);
      if (vsep == NULL)
        vsep = end;

      ksep = memchr (ptr, '=', vsep - ptr);
      if (ksep != NULL)
        {
          klen = ksep - ptr;
          val = ksep + 1;
          vlen = vsep - val;
        }
      else
        {
          klen = vsep - ptr;
          val = vsep;
          vlen = 0;
        }

      name = klen < sizeof stack_buf ? stack_buf : (heap_buf = g_malloc (klen + 1));
      name_len = url_decode (name, ptr, klen);
      name[name_len] = '\0';

      if (name[0] != '\0' && name[0] != '[')
        {
          leaf = form_node_new_string_uninit (vlen);
          leaf->u.s.len = url_decode (leaf->u.s.str, val, vlen);
          leaf->u.s.str[leaf->u.s.len] = '\0';
          register_variable_in_place (root, name, leaf);
        }
      /* else: an empty name (after the C-string cut) is dropped; leading
       * spaces are handled in register_variable_in_place() */

      ptr = vsep + (vsep != end);

      if (++count > BOTBENCH_FORM_DEFAULT_MAX_INPUT_VARS)
        {
          g_debug ("Input variables exceeded %d, ignoring the rest of the body",
                   BOTBENCH_FORM_DEFAULT_MAX_INPUT_VARS);
          break;
        }
    }

  return root;
}

BotbenchFormNode *
botbench_form_decode_multipart (const char  *body,
                                gsize        len,
                                const char  *content_type,
                                GError     **error)
{
  g_autoptr(SoupMessageHeaders) headers = NULL;
  g_autoptr(SoupMultipart) multipart = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GHashTable) ct_params = NULL;
  g_autoptr(BotbenchFormNode) root = NULL;
  g_autofree char *normalized_type = NULL;
  guint64 count = 0;
  guint64 n_body_parts = 0;
  int n_parts;

  g_return_val_if_fail (body != NULL || len == 0, NULL);
  g_return_val_if_fail (content_type != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* SoupMultipart wants "multipart/" in lower case; the media type is
   * case-insensitive (RFC 9110), parameter values are not */
  normalized_type = g_strdup (content_type);
  for (char *p = normalized_type; *p != '\0' && *p != ';'; p++)
    *p = g_ascii_tolower (*p);

  headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_MULTIPART);
  soup_message_headers_replace (headers, "Content-Type", normalized_type);

  if (soup_message_headers_get_content_type (headers, &ct_params) == NULL ||
      ct_params == NULL ||
      g_hash_table_lookup (ct_params, "boundary") == NULL ||
      *(const char *)g_hash_table_lookup (ct_params, "boundary") == '\0')
    {
      g_set_error (error, BOTBENCH_FORM_ERROR, BOTBENCH_FORM_ERROR_MALFORMED,
                   _("Multipart content type “%s” has no boundary"), content_type);
      return NULL;
    }

  bytes = g_bytes_new (body, len);
  multipart = soup_multipart_new_from_message (headers, bytes);
  if (multipart == NULL)
    {
      g_set_error (error, BOTBENCH_FORM_ERROR, BOTBENCH_FORM_ERROR_MALFORMED,
                   _("Malformed multipart body: boundary “%s” not found or not terminated"),
                   (const char *)g_hash_table_lookup (ct_params, "boundary"));
      return NULL;
    }

  root = botbench_form_node_new_array ();
  n_parts = soup_multipart_get_length (multipart);

  /* main/rfc1867.c: parts without Content-Disposition are skipped; the
   * others count towards max_multipart_body_parts (max_input_vars +
   * max_file_uploads by default), form fields towards max_input_vars
   * (later ones are read but not registered).  A part with neither name
   * nor filename ("garbled") ends the parsing.  File parts go to $_FILES
   * only.  Names are registered as they are. */
  for (int i = 0; i < n_parts; i++)
    {
      g_autoptr(GHashTable) params = NULL;
      SoupMessageHeaders *part_headers;
      GBytes *part_body;
      const char *name = NULL;
      gboolean is_file = FALSE;
      gconstpointer data;
      gsize data_len;

      if (!soup_multipart_get_part (multipart, i, &part_headers, &part_body))
        continue;

      if (soup_message_headers_get_one (part_headers, "Content-Disposition") == NULL)
        continue;

      if (++n_body_parts > FORM_MAX_BODY_PARTS)
        {
          g_debug ("Multipart body parts limit exceeded %d, ignoring the rest",
                   FORM_MAX_BODY_PARTS);
          break;
        }

      if (soup_message_headers_get_content_disposition (part_headers, NULL, &params))
        {
          name = g_hash_table_lookup (params, "name");
          is_file = g_hash_table_contains (params, "filename");
        }

      if (is_file)
        continue;

      if (name == NULL)
        {
          g_debug ("Multipart part %d has neither name nor filename, ignoring the rest", i);
          break;
        }

      if (++count > BOTBENCH_FORM_DEFAULT_MAX_INPUT_VARS)
        continue;

      data = g_bytes_get_data (part_body, &data_len);
      botbench_form_node_register_variable (root, name, strlen (name), data, data_len);
    }

  return g_steal_pointer (&root);
}

BotbenchFormNode *
botbench_form_decode (const char  *body,
                      gsize        len,
                      const char  *content_type,
                      GError     **error)
{
  g_return_val_if_fail (body != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (content_type != NULL && content_type_is (content_type, "application/x-www-form-urlencoded"))
    return botbench_form_decode_urlencoded (body, len);

  if (content_type != NULL && content_type_is (content_type, "multipart/form-data"))
    return botbench_form_decode_multipart (body, len, content_type, error);

  g_set_error (error, BOTBENCH_FORM_ERROR, BOTBENCH_FORM_ERROR_UNSUPPORTED,
               _("Content type “%s” is not a form"),
               content_type != NULL ? content_type : _("(none)"));
  return NULL;
}

char *
botbench_form_node_to_json (const BotbenchFormNode *node)
{
  GString *out;

  g_return_val_if_fail (node != NULL, NULL);

  out = g_string_sized_new (256);
  append_json (node, out);

  return g_string_free (out, FALSE);
}

void
botbench_form_node_append_json (const BotbenchFormNode *node,
                                GString                *out)
{
  g_return_if_fail (node != NULL);
  g_return_if_fail (out != NULL);

  append_json (node, out);
}

/* }}} */
