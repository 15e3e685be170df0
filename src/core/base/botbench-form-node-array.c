/* botbench-form-node-array.c: the ordered hash of an array node
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Zend/zend_hash.c semantics for BotbenchFormNode arrays: keys keep their
 * insertion order, an update keeps the slot, numeric string keys are
 * integers, nNextFreeElement gives "[]" its index.  Small arrays are
 * scanned, larger ones get an open-addressing index.
 */
#define G_LOG_DOMAIN "botbench-form"

#include "config.h"

#include <string.h>

#include "botbench-form-node-private.h"

/* Zend's _zend_handle_numeric_str_ex(): "5" and "-3" are integer keys,
 * "05", "-0", "5 ", "1e3" and anything outside zend_long are not. */
gboolean
_botbench_form_key_is_numeric (const char *key,
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

FormEntry *
_botbench_form_array_find (const BotbenchFormNode *array,
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

/* Appends a new entry; the key must not be present yet.  Takes value.
 * arena is where new memory comes from (NULL: g_malloc()). */
void
_botbench_form_array_append (BotbenchFormNode *array,
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
void
_botbench_form_array_update (BotbenchFormNode *array,
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

  is_int = _botbench_form_key_is_numeric (key, key_len, &int_key);
  _botbench_form_array_append (array, arena, key, key_len, is_int, int_key, value);
}

/* zend_hash_next_index_insert(): FALSE (and value untouched) when the
 * next index is taken, i.e. after key ZEND_LONG_MAX. */
gboolean
_botbench_form_array_append_next (BotbenchFormNode *array,
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
  if (h == G_MAXINT64 && _botbench_form_array_find (array, p, buf + sizeof buf - p) != NULL)
    return FALSE;

  _botbench_form_array_append (array, arena, p, buf + sizeof buf - p, TRUE, h, value);
  return TRUE;
}

void
_botbench_form_array_delete (BotbenchFormNode *array,
                             FormArena        *arena,
                             const char       *key,
                             gsize             key_len)
{
  FormEntry *entry;
  guint pos;

  entry = _botbench_form_array_find (array, key, key_len);
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
