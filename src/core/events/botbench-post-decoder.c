/* botbench-post-decoder.c: PHP $_POST-compatible form decoder
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * This is a port of the parts of PHP 8.2 that build $_POST:
 *
 *   main/php_variables.c   add_post_var(), add_post_vars() (splitting the
 *                          body) and php_register_variable_ex() (names,
 *                          brackets, nesting limit, cookie prefixes)
 *   main/rfc1867.c         rfc1867_post_handler() (multipart/form-data:
 *                          boundary, delimiter lines, part headers, name=,
 *                          limits, how much of a file part is read; its
 *                          rules, not its code: no libsoup, whose parser
 *                          is broken on Debian 12, CVE-2025-4948/32914)
 *   main/SAPI.c            which Content-Type is a form
 *   main/php_string.c      php_url_decode()
 *   Zend/zend_hash.c       ordered hash semantics (update keeps the slot,
 *                          nNextFreeElement, numeric string keys)
 *   ext/json/json_encoder.c  json_encode() with JSON_UNESCAPED_UNICODE |
 *                          JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE
 *
 * Every rule is checked against php-cli (and php -S for multipart) by
 * tests/test-form-php.c.
 *
 * Memory: a tree decoded from a body lives in one FormArena (a few large
 * blocks).  Every node in it holds a count on the arena, which is freed
 * with the last node, so refcounting works per node as usual; keeping one
 * leaf alive keeps the whole body's memory.  Nodes made through the
 * public constructors, or added later with
 * botbench_form_node_register_variable(), use g_malloc().
 */
#define G_LOG_DOMAIN "botbench-form"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdarg.h>
#include <string.h>

#include "botbench-post-decoder.h"

/* Arrays with more children than this get a hash index; smaller ones are
 * scanned linearly (a Bitrix24 event has arrays of 2 to ~30 keys). */
#define FORM_INDEX_THRESHOLD  8
#define FORM_INLINE_KEY       16
/* Decoded names shorter than this are decoded on the stack. */
#define FORM_NAME_STACK       512
/* PHP's max_multipart_body_parts default: max_input_vars + max_file_uploads */
#define FORM_MAX_FILE_UPLOADS 20
#define FORM_MAX_BODY_PARTS   (BOTBENCH_POST_DEFAULT_MAX_INPUT_VARS + FORM_MAX_FILE_UPLOADS)

typedef struct _FormArena FormArena;
typedef struct _FormChunk FormChunk;

struct _FormChunk
{
  FormChunk *next;
  gpointer   padding;               /* keeps the data 16-byte aligned */
};

struct _FormArena
{
  /* Nodes allocated in it (+1 while decoding).  Only the decoding thread
   * allocates, before anyone else can see the tree; frees are atomic. */
  gint       ref_count;
  char      *cur;
  char      *limit;
  gsize      next_size;
  FormChunk *chunks;
};

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
  guint8            is_int;
  guint8            key_owned;      /* key.heap is from g_malloc() */
  BotbenchFormNode *value;
} FormEntry;

struct _BotbenchFormNode
{
  gint       ref_count;
  guint8     type;                  /* BotbenchFormNodeType */
  guint8     entries_owned;         /* u.a.entries is from g_malloc() */
  guint8     buckets_owned;         /* u.a.buckets is from g_malloc() */
  FormArena *arena;                 /* holds this node, or NULL */
  union
  {
    struct
    {
      char  *str;                   /* right after the struct */
      gsize  len;
    } s;
    struct
    {
      FormEntry *entries;
      guint      n_entries;
      guint      n_alloc;
      guint32   *buckets;           /* entry index + 1; 0 is empty */
      guint      n_buckets;         /* power of two, or 0 without index */
      guint      last_hit;          /* entry found or added last: decoding
                                     * "data[X][a]&data[X][b]" looks up
                                     * the same keys over and over */
      gint64     next_free;         /* PHP's nNextFreeElement */
    } a;
  } u;
};

G_DEFINE_BOXED_TYPE (BotbenchFormNode, botbench_form_node,
                     botbench_form_node_ref, botbench_form_node_unref)

G_DEFINE_QUARK (botbench-post-error-quark, botbench_post_error)

/* Stands for ZEND_LONG_MIN in nNextFreeElement: "nothing inserted yet". */
#define NEXT_FREE_UNSET G_MININT64

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

/* Helpers: arena {{{ */

static FormArena *
form_arena_new (gsize size_hint)
{
  FormArena *arena = g_new0 (FormArena, 1);

  arena->ref_count = 1;
  arena->next_size = CLAMP (size_hint, 4096, 1 << 20);

  return arena;
}

static void
form_arena_free (FormArena *arena)
{
  FormChunk *chunk = arena->chunks;

  while (chunk != NULL)
    {
      FormChunk *next = chunk->next;

      g_free (chunk);
      chunk = next;
    }

  g_free (arena);
}

static inline void
form_arena_unref (FormArena *arena)
{
  if (g_atomic_int_dec_and_test (&arena->ref_count))
    form_arena_free (arena);
}

static G_NO_INLINE void
form_arena_grow (FormArena *arena,
                 gsize      size)
{
  gsize chunk_size = MAX (arena->next_size, size + sizeof (FormChunk));
  FormChunk *chunk = g_malloc (chunk_size);

  chunk->next = arena->chunks;
  arena->chunks = chunk;
  arena->cur = (char *)(chunk + 1);
  arena->limit = (char *)chunk + chunk_size;
  arena->next_size = MIN (arena->next_size * 2, 1 << 22);
}

static inline gpointer
form_arena_alloc (FormArena *arena,
                  gsize      size)
{
  char *p;

  size = (size + 7) & ~(gsize)7;
  if (G_UNLIKELY ((gsize)(arena->limit - arena->cur) < size))
    form_arena_grow (arena, size);

  p = arena->cur;
  arena->cur += size;

  return p;
}

/* Gives back the end of the last allocation (at p) beyond new_size. */
static inline void
form_arena_shrink_last (FormArena *arena,
                        gpointer   p,
                        gsize      new_size)
{
  char *end = (char *)p + ((new_size + 7) & ~(gsize)7);

  if (end <= arena->cur)
    arena->cur = end;
}

/* }}} */

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

static inline gboolean
entry_has_key (const FormEntry *entry,
               const char      *key,
               gsize            key_len)
{
  const char *k;

  if (entry->key_len != key_len)
    return FALSE;
  if (key_len == 0)
    return TRUE;

  /* most misses differ in the last byte ("field_1" / "field_2") */
  k = entry_key (entry);
  if (k[key_len - 1] != key[key_len - 1] || k[0] != key[0])
    return FALSE;

  for (gsize i = 1; i + 1 < key_len; i++)
    {
      if (k[i] != key[i])
        return FALSE;
    }

  return TRUE;
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

static void form_node_free (BotbenchFormNode *node);

static inline void
form_node_unref (BotbenchFormNode *node)
{
  if (g_atomic_int_dec_and_test (&node->ref_count))
    form_node_free (node);
}

static inline BotbenchFormNode *
form_node_alloc (FormArena *arena,
                 gsize      size)
{
  BotbenchFormNode *node;

  if (arena != NULL)
    {
      node = form_arena_alloc (arena, size);
      arena->ref_count++;     /* not shared yet, see FormArena */
    }
  else
    {
      node = g_malloc (size);
    }

  node->ref_count = 1;
  node->arena = arena;
  node->entries_owned = FALSE;
  node->buckets_owned = FALSE;

  return node;
}

static BotbenchFormNode *
form_node_new_array (FormArena *arena)
{
  BotbenchFormNode *node = form_node_alloc (arena, sizeof (BotbenchFormNode));

  node->type = BOTBENCH_FORM_NODE_ARRAY;
  node->u.a.entries = NULL;
  node->u.a.n_entries = 0;
  node->u.a.n_alloc = 0;
  node->u.a.buckets = NULL;
  node->u.a.n_buckets = 0;
  node->u.a.last_hit = 0;
  node->u.a.next_free = NEXT_FREE_UNSET;

  return node;
}

/* A string leaf with room for len bytes (and a NUL), u.s.len = len.
 * Inlined: it is on the urlencoded decoder's hot path. */
static inline BotbenchFormNode *
form_node_new_string_uninit (FormArena *arena,
                             gsize      len)
{
  BotbenchFormNode *node = form_node_alloc (arena, sizeof (BotbenchFormNode) + len + 1);

  node->type = BOTBENCH_FORM_NODE_STRING;
  node->u.s.str = (char *)(node + 1);
  node->u.s.len = len;
  node->u.s.str[len] = '\0';

  return node;
}

/* Releases node (whose count reached zero) and the children that only it
 * held.  Nodes in `arena` are not taken off arena->ref_count one by one:
 * returns how many there were, for one atomic subtraction at the end. */
static guint
form_node_dispose (BotbenchFormNode *node,
                   FormArena        *arena)
{
  guint n_released = 0;

  if (node->type == BOTBENCH_FORM_NODE_ARRAY)
    {
      for (guint i = 0; i < node->u.a.n_entries; i++)
        {
          FormEntry *entry = &node->u.a.entries[i];
          BotbenchFormNode *child = entry->value;

          if (entry->key_owned)
            g_free (entry->key.heap);
          /* A count of 1 is ours: nobody else can take a ref to a child
           * of a node that is going away, so skip the atomic operation */
          if (g_atomic_int_get (&child->ref_count) == 1 ||
              g_atomic_int_dec_and_test (&child->ref_count))
            n_released += form_node_dispose (child, arena);
        }
      if (node->entries_owned)
        g_free (node->u.a.entries);
      if (node->buckets_owned)
        g_free (node->u.a.buckets);
    }

  if (node->arena == NULL)
    g_free (node);
  else if (node->arena == arena)
    n_released++;
  else
    form_arena_unref (node->arena);

  return n_released;
}

static void
form_node_free (BotbenchFormNode *node)
{
  FormArena *arena = node->arena;
  guint n_released = form_node_dispose (node, arena);

  if (arena != NULL && n_released > 0 &&
      g_atomic_int_add (&arena->ref_count, -(gint)n_released) == (gint)n_released)
    form_arena_free (arena);
}

static void
array_rebuild_index (BotbenchFormNode *array,
                     FormArena        *arena)
{
  /* room for 32 entries (a Bitrix24 PARAMS array has ~30) at once */
  guint n_buckets = 64;
  guint mask;

  g_assert (array->type == BOTBENCH_FORM_NODE_ARRAY);

  if (array->buckets_owned)
    g_free (array->u.a.buckets);
  array->u.a.buckets = NULL;
  array->u.a.n_buckets = 0;
  array->buckets_owned = FALSE;

  if (array->u.a.n_entries <= FORM_INDEX_THRESHOLD)
    return;

  while (n_buckets < array->u.a.n_entries * 2)
    n_buckets *= 2;

  if (arena != NULL)
    {
      array->u.a.buckets = form_arena_alloc (arena, n_buckets * sizeof (guint32));
      memset (array->u.a.buckets, 0, n_buckets * sizeof (guint32));
    }
  else
    {
      array->u.a.buckets = g_new0 (guint32, n_buckets);
      array->buckets_owned = TRUE;
    }
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
          if (entry_has_key (&entries[i], key, key_len))
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

          if (entry->hash == hash && entry_has_key (entry, key, key_len))
            return (FormEntry *)entry;
        }
    }

  return NULL;
}

/* array_find() for the decoder, trying the last hit first. */
static inline FormEntry *
array_find_cached (BotbenchFormNode *array,
                   const char       *key,
                   gsize             key_len)
{
  FormEntry *entry;

  if (array->u.a.last_hit < array->u.a.n_entries &&
      entry_has_key (&array->u.a.entries[array->u.a.last_hit], key, key_len))
    return &array->u.a.entries[array->u.a.last_hit];

  entry = array_find (array, key, key_len);
  if (entry != NULL)
    array->u.a.last_hit = entry - array->u.a.entries;

  return entry;
}

/* Appends a new entry; the key must not be present yet.  Takes value.
 * arena is where new memory comes from (NULL: g_malloc()). */
static void
array_append (BotbenchFormNode *array,
              FormArena        *arena,
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
      guint n_alloc = MAX (4, array->u.a.n_alloc * 2);
      FormEntry *entries;

      if (arena != NULL)
        {
          /* the old block stays in the arena */
          entries = form_arena_alloc (arena, n_alloc * sizeof (FormEntry));
          if (array->u.a.n_entries > 0)
            memcpy (entries, array->u.a.entries, array->u.a.n_entries * sizeof (FormEntry));
          if (array->entries_owned)
            g_free (array->u.a.entries);
          array->entries_owned = FALSE;
        }
      else if (array->entries_owned)
        {
          entries = g_renew (FormEntry, array->u.a.entries, n_alloc);
        }
      else
        {
          entries = g_new (FormEntry, n_alloc);
          if (array->u.a.n_entries > 0)
            memcpy (entries, array->u.a.entries, array->u.a.n_entries * sizeof (FormEntry));
          array->entries_owned = TRUE;
        }

      array->u.a.entries = entries;
      array->u.a.n_alloc = n_alloc;
    }

  entry = &array->u.a.entries[array->u.a.n_entries++];
  entry->key_len = (guint32)key_len;
  entry->key_owned = FALSE;
  if (key_len < FORM_INLINE_KEY)
    {
      dest = entry->key.inline_;
    }
  else if (arena != NULL)
    {
      dest = entry->key.heap = form_arena_alloc (arena, key_len + 1);
    }
  else
    {
      dest = entry->key.heap = g_malloc (key_len + 1);
      entry->key_owned = TRUE;
    }
  memcpy (dest, key, key_len);
  dest[key_len] = '\0';
  entry->is_int = is_int;
  entry->int_key = int_key;
  entry->value = value;
  entry->hash = 0;
  array->u.a.last_hit = array->u.a.n_entries - 1;

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
      array_rebuild_index (array, arena);
    }
}

/* zend_symtable_str_update(): replaces the value in place (the key keeps
 * its position) or appends.  Takes value. */
static void
array_update (BotbenchFormNode *array,
              FormArena        *arena,
              const char       *key,
              gsize             key_len,
              BotbenchFormNode *value)
{
  FormEntry *entry;
  gint64 int_key = 0;
  gboolean is_int;

  entry = array_find_cached (array, key, key_len);
  if (entry != NULL)
    {
      BotbenchFormNode *old = entry->value;

      entry->value = value;
      form_node_unref (old);
      return;
    }

  is_int = key_is_numeric (key, key_len, &int_key);
  array_append (array, arena, key, key_len, is_int, int_key, value);
}

/* zend_hash_next_index_insert(): FALSE (and value untouched) when the
 * next index is taken, i.e. after key ZEND_LONG_MAX. */
static gboolean
array_append_next (BotbenchFormNode *array,
                   FormArena        *arena,
                   BotbenchFormNode *value)
{
  gint64 h = array->u.a.next_free == NEXT_FREE_UNSET ? 0 : array->u.a.next_free;
  char buf[24];
  char *p = buf + sizeof buf;
  guint64 u = h < 0 ? 0 - (guint64)h : (guint64)h;

  do
    {
      *--p = '0' + u % 10;
      u /= 10;
    }
  while (u != 0);
  if (h < 0)
    *--p = '-';

  /* every integer key is below nNextFreeElement, unless that is stuck at
   * ZEND_LONG_MAX */
  if (h == G_MAXINT64 && array_find (array, p, buf + sizeof buf - p) != NULL)
    return FALSE;

  array_append (array, arena, p, buf + sizeof buf - p, TRUE, h, value);
  return TRUE;
}

static void
array_delete (BotbenchFormNode *array,
              FormArena        *arena,
              const char       *key,
              gsize             key_len)
{
  FormEntry *entry;
  guint pos;

  entry = array_find (array, key, key_len);
  if (entry == NULL)
    return;

  pos = entry - array->u.a.entries;
  if (entry->key_owned)
    g_free (entry->key.heap);
  form_node_unref (entry->value);

  memmove (&array->u.a.entries[pos], &array->u.a.entries[pos + 1],
           (array->u.a.n_entries - pos - 1) * sizeof (FormEntry));
  array->u.a.n_entries--;
  array->u.a.last_hit = 0;

  if (array->u.a.n_buckets != 0)
    array_rebuild_index (array, arena);
}

/* }}} */

/* Helpers: registering variables {{{ */

/* Consecutive names in a body mostly share a prefix
 * ("data[BOT][567][AUTH][scope]", "data[BOT][567][AUTH][domain]"), so the
 * decoder remembers where the previous name's levels ended in the raw
 * body and which array each level's key lives in, and resumes the next
 * name after the longest shared complete level instead of decoding and
 * looking up the prefix again.  That is exact: the raw prefix up to a ']'
 * decodes to the same bytes, settles the same keys (a level is only final
 * once its ']' is found) and the same __Host-/__Secure- flags, and the
 * arrays along the previous path are still in the tree.  Anything
 * unusual (an append "[]", a dropped variable, a long key) stops or
 * clears the cache. */
#define FORM_CACHE_LEVELS 8
#define FORM_CACHE_KEY    32

typedef struct
{
  gsize             raw_end;        /* raw name bytes up to this level's ']' */
  BotbenchFormNode *symtable;       /* the array in which key lives */
  guint             key_len;
  char              key[FORM_CACHE_KEY];
} PathLevel;

typedef struct
{
  const char *raw;                  /* previous name in the body */
  gsize       raw_len;
  guint       n_levels;
  gboolean    pre_host;
  gboolean    pre_secure;
  guint       var_len;
  char        var[FORM_CACHE_KEY];  /* its top-level name */
  PathLevel   levels[FORM_CACHE_LEVELS];

  /* the ']' bytes of the name being decoded: where they are in the
   * decoded name, and the raw length up to and including them */
  guint       n_closes;
  const char *close_at[FORM_CACHE_LEVELS];
  gsize       close_raw_end[FORM_CACHE_LEVELS];
} PathCache;

typedef struct
{
  BotbenchFormNode *root;
  FormArena        *arena;          /* for new nodes; NULL: g_malloc() */
  const char       *var;            /* top-level name, for the nesting limit */
  gsize             var_len;
  gboolean          pre_host;
  gboolean          pre_secure;
  PathCache        *cache;          /* NULL outside the decoder */
} RegisterContext;

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
is_forbidden_name (const RegisterContext *ctx,
                   const char            *index,
                   gsize                  index_len)
{
  if (G_LIKELY (index[0] != '_'))
    return FALSE;
  if (index_len >= 7 && !ctx->pre_host && memcmp (index, "__Host-", 7) == 0)
    return TRUE;
  if (index_len >= 9 && !ctx->pre_secure && memcmp (index, "__Secure-", 9) == 0)
    return TRUE;
  return FALSE;
}

/* Remembers level nest_level (its ']' at close, key in symtable). */
static gboolean
path_cache_record (PathCache        *cache,
                   int               nest_level,
                   const char       *close,
                   BotbenchFormNode *symtable,
                   const char       *key,
                   gsize             key_len)
{
  PathLevel *level;

  if (nest_level > FORM_CACHE_LEVELS || key_len > FORM_CACHE_KEY)
    return FALSE;

  for (guint i = 0; i < cache->n_closes; i++)
    {
      if (cache->close_at[i] != close)
        continue;

      level = &cache->levels[nest_level - 1];
      level->raw_end = cache->close_raw_end[i];
      level->symtable = symtable;
      level->key_len = key_len;
      memcpy (level->key, key, key_len);
      cache->n_levels = nest_level;
      return TRUE;
    }

  return FALSE;
}

/* The bracket levels of php_register_variable_ex() and the final store.
 * index (index_len bytes) is the key pending in symtable, nest_level the
 * levels done so far, ip where the next level would start (a '[' or
 * else the end of what counts of the name), end the end of the name (a
 * NUL).  Names are modified in place.  Takes val. */
static void
register_levels (const RegisterContext *ctx,
                 BotbenchFormNode      *symtable,
                 char                  *index,
                 gsize                  index_len,
                 char                  *ip,
                 char                  *end,
                 int                    nest_level,
                 BotbenchFormNode      *val)
{
  PathCache *cache = ctx->cache;
  gboolean cacheable = cache != NULL;

  g_assert (*end == '\0');

  while (*ip == '[')
    {
      BotbenchFormNode *child;
      char *index_s;
      gsize new_idx_len = 0;

      if (++nest_level > BOTBENCH_POST_DEFAULT_MAX_NESTING_LEVEL)
        {
          /* too many levels of nesting: PHP drops the whole top-level
           * variable, including what earlier pairs put there */
          array_delete (ctx->root, ctx->arena, ctx->var, ctx->var_len);
          goto drop;
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
          while (ip < end && *ip != ']')
            ip++;
          if (ip == end)
            {
              /* not an index: at the top level the '[' and any ' ', '.'
               * or '[' after it become '_' and the variable is plain */
              *(index_s - 1) = '_';
              for (char *p = index_s; p < end; p++)
                {
                  if (*p == ' ' || *p == '.' || *p == '[')
                    *p = '_';
                }

              /* PHP: index_len = strlen (index), now the whole rest of
               * the name at the top level; a key is still cut at its ']' */
              if (index == ctx->var)
                index_len = end - index;
              goto plain_var;
            }
          new_idx_len = ip - index_s;
        }

      if (index == NULL)
        {
          child = form_node_new_array (ctx->arena);
          if (!array_append_next (symtable, ctx->arena, child))
            {
              form_node_unref (child);
              goto drop;
            }
        }
      else
        {
          FormEntry *entry;

          if (is_forbidden_name (ctx, index, index_len))
            goto drop;

          entry = array_find_cached (symtable, index, index_len);

          if (entry == NULL)
            {
              gint64 int_key = 0;
              gboolean is_int = key_is_numeric (index, index_len, &int_key);

              child = form_node_new_array (ctx->arena);
              array_append (symtable, ctx->arena, index, index_len, is_int, int_key, child);
            }
          else
            {
              if (entry->value->type != BOTBENCH_FORM_NODE_ARRAY)
                {
                  form_node_unref (entry->value);
                  entry->value = form_node_new_array (ctx->arena);
                }
              child = entry->value;
            }
        }

      symtable = child;
      index = index_s;
      index_len = new_idx_len;

      if (cacheable)
        cacheable = index != NULL &&
                    path_cache_record (cache, nest_level, ip, symtable, index, index_len);

      ip++;
    }

plain_var:
  if (index == NULL)
    {
      if (!array_append_next (symtable, ctx->arena, val))
        goto drop;
    }
  else if (is_forbidden_name (ctx, index, index_len))
    {
      goto drop;
    }
  else
    {
      array_update (symtable, ctx->arena, index, index_len, val);
    }
  return;

drop:
  if (cache != NULL)
    cache->n_levels = 0;
  form_node_unref (val);
}

/* php_register_variable_ex() on a writable name (it is modified) of
 * var_name_len bytes, without NUL bytes, followed by a NUL.  PHP works on
 * C strings with strchr()/strlen(); the lengths here give the same
 * results without rescanning.  Takes val; new nodes come from arena (NULL:
 * g_malloc()).  cache (may be NULL) learns the path of this name. */
static void
register_variable_in_place (BotbenchFormNode *root,
                            FormArena        *arena,
                            PathCache        *cache,
                            char             *var_name,
                            gsize             var_name_len,
                            BotbenchFormNode *val)
{
  RegisterContext ctx;
  char *end = var_name + var_name_len;
  char *p;

  g_assert (*end == '\0');

  if (cache != NULL)
    cache->n_levels = 0;

  /* ignore leading spaces in the variable name */
  while (*var_name == ' ')
    var_name++;

  ctx.root = root;
  ctx.arena = arena;
  ctx.cache = cache;
  /* the unmangled name, for php_is_forbidden_variable_name() */
  ctx.pre_host = end - var_name >= 7 && memcmp (var_name, "__Host-", 7) == 0;
  ctx.pre_secure = end - var_name >= 9 && memcmp (var_name, "__Secure-", 9) == 0;

  /* ensure that we don't have spaces or dots in the variable name */
  for (p = var_name; p < end && *p != '['; p++)
    {
      if (*p == ' ' || *p == '.')
        *p = '_';
    }

  ctx.var = var_name;
  ctx.var_len = p - var_name;

  if (ctx.var_len == 0)
    {
      form_node_unref (val);
      return;
    }

  if (cache != NULL)
    {
      if (ctx.var_len <= FORM_CACHE_KEY)
        {
          memcpy (cache->var, ctx.var, ctx.var_len);
          cache->var_len = ctx.var_len;
          cache->pre_host = ctx.pre_host;
          cache->pre_secure = ctx.pre_secure;
        }
      else
        {
          ctx.cache = NULL;
        }
    }

  register_levels (&ctx, root, var_name, ctx.var_len, p, end, 0, val);
}

/* }}} */

/* Helpers: percent decoding {{{ */

/* Eight bytes at a time: is byte c anywhere in v? */
#define SWAR_ONES  G_GUINT64_CONSTANT (0x0101010101010101)
#define SWAR_HIGHS G_GUINT64_CONSTANT (0x8080808080808080)

static inline guint64
swar_has (guint64 v,
          guchar  c)
{
  guint64 x = v ^ (SWAR_ONES * c);

  return (x - SWAR_ONES) & ~x & SWAR_HIGHS;
}

static inline guint64
swar_load (const char *p)
{
  guint64 v;

  memcpy (&v, p, sizeof v);
  return v;
}

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

/* }}} */

/* Helpers: multipart/form-data {{{ */

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
                   _("Multipart boundary is longer than %d bytes"), MP_MAX_BOUNDARY);
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

/* }}} */

/* Helpers: content types {{{ */

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

/* }}} */

/* Public API {{{ */

BotbenchFormNode *
botbench_form_node_new_array (void)
{
  return form_node_new_array (NULL);
}

BotbenchFormNode *
botbench_form_node_new_string (const char *value,
                               gsize       len)
{
  BotbenchFormNode *node;

  g_return_val_if_fail (value != NULL || len == 0, NULL);

  node = form_node_new_string_uninit (NULL, len);
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

  form_node_unref (node);
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

  register_variable_in_place (root, NULL, NULL, var, name_len,
                              botbench_form_node_new_string (value, value_len));
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

  arena = form_arena_new (4 * len + 1024);
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

              register_levels (&ctx, resume->symtable, name, prefix_len,
                               name + prefix_len, name + name_len,
                               resume - cache.levels + 1, leaf);
            }
          else
            {
              register_variable_in_place (root, arena, &cache, name, name_len, leaf);
            }
          cache.raw = ptr;
          cache.raw_len = kend - ptr;
        }
      else
        {
          /* an empty name is dropped; leading spaces are handled in
           * register_variable_in_place() */
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
  arena = form_arena_new (len + 1024);
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
              register_variable_in_place (root, arena, NULL, name->str, name->len, leaf);
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

/* }}} */
