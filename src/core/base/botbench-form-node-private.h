/* botbench-form-node-private.h: the insides of the BotbenchFormNode tree
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shared by the tree itself (botbench-form-node*.c in base/) and the PHP
 * $_POST decoder that builds it (botbench-post-*.c in events/).  The small
 * helpers the decoders call once per byte or per key are static inline
 * here, so that they stay inlined in each file that uses them.
 *
 * Memory: a tree decoded from a body lives in one FormArena (a few large
 * blocks).  Every node in it holds a count on the arena, which is freed
 * with the last node, so refcounting works per node as usual; keeping one
 * leaf alive keeps the whole body's memory.  Nodes made through the
 * public constructors, or added later with
 * botbench_form_node_register_variable(), use g_malloc().
 */
#pragma once

#include <string.h>

#include "botbench-form-node.h"

G_BEGIN_DECLS

/* Arrays with more children than this get a hash index; smaller ones are
 * scanned linearly (a Bitrix24 event has arrays of 2 to ~30 keys). */
#define FORM_INDEX_THRESHOLD  8
#define FORM_INLINE_KEY       16

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

/* Stands for ZEND_LONG_MIN in nNextFreeElement: "nothing inserted yet". */
#define NEXT_FREE_UNSET G_MININT64

/* botbench-form-node.c */
FormArena        *_botbench_form_arena_new         (gsize                   size_hint);
void              _botbench_form_arena_free        (FormArena              *arena);
void              _botbench_form_arena_grow        (FormArena              *arena,
                                                    gsize                   size);
void              _botbench_form_node_free         (BotbenchFormNode       *node);

/* botbench-form-node-array.c: PHP's ordered hash (Zend/zend_hash.c) */
gboolean          _botbench_form_key_is_numeric    (const char             *key,
                                                    gsize                   len,
                                                    gint64                 *out);
FormEntry        *_botbench_form_array_find        (const BotbenchFormNode *array,
                                                    const char             *key,
                                                    gsize                   key_len);
void              _botbench_form_array_append      (BotbenchFormNode       *array,
                                                    FormArena              *arena,
                                                    const char             *key,
                                                    gsize                   key_len,
                                                    gboolean                is_int,
                                                    gint64                  int_key,
                                                    BotbenchFormNode       *value);
void              _botbench_form_array_update      (BotbenchFormNode       *array,
                                                    FormArena              *arena,
                                                    const char             *key,
                                                    gsize                   key_len,
                                                    BotbenchFormNode       *value);
gboolean          _botbench_form_array_append_next (BotbenchFormNode       *array,
                                                    FormArena              *arena,
                                                    BotbenchFormNode       *value);
void              _botbench_form_array_delete      (BotbenchFormNode       *array,
                                                    FormArena              *arena,
                                                    const char             *key,
                                                    gsize                   key_len);

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

static inline void
form_arena_unref (FormArena *arena)
{
  if (g_atomic_int_dec_and_test (&arena->ref_count))
    _botbench_form_arena_free (arena);
}

static inline gpointer
form_arena_alloc (FormArena *arena,
                  gsize      size)
{
  char *p;

  size = (size + 7) & ~(gsize)7;
  if (G_UNLIKELY ((gsize)(arena->limit - arena->cur) < size))
    _botbench_form_arena_grow (arena, size);

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

static inline void
form_node_unref (BotbenchFormNode *node)
{
  if (g_atomic_int_dec_and_test (&node->ref_count))
    _botbench_form_node_free (node);
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

static inline BotbenchFormNode *
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

/* _botbench_form_array_find() for the decoder, trying the last hit first. */
static inline FormEntry *
array_find_cached (BotbenchFormNode *array,
                   const char       *key,
                   gsize             key_len)
{
  FormEntry *entry;

  if (array->u.a.last_hit < array->u.a.n_entries &&
      entry_has_key (&array->u.a.entries[array->u.a.last_hit], key, key_len))
    return &array->u.a.entries[array->u.a.last_hit];

  entry = _botbench_form_array_find (array, key, key_len);
  if (entry != NULL)
    array->u.a.last_hit = entry - array->u.a.entries;

  return entry;
}

G_END_DECLS
