/* botbench-form-node.c: the PHP array tree that $_POST decodes to
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * BotbenchFormNode itself: its arena, how nodes are made and released,
 * and the public accessors.  The ordered hash of an array node is in
 * botbench-form-node-array.c, json_encode() in botbench-form-node-json.c,
 * and the decoders that build trees in src/core/events/botbench-post-*.c.
 */
#define G_LOG_DOMAIN "botbench-form"

#include "config.h"

#include <stdarg.h>
#include <string.h>

#include "botbench-form-node-private.h"

G_DEFINE_BOXED_TYPE (BotbenchFormNode, botbench_form_node,
                     botbench_form_node_ref, botbench_form_node_unref)

FormArena *
_botbench_form_arena_new (gsize size_hint)
{
  FormArena *arena = g_new0 (FormArena, 1);

  arena->ref_count = 1;
  arena->next_size = CLAMP (size_hint, 4096, 1 << 20);

  return arena;
}

void
_botbench_form_arena_free (FormArena *arena)
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

void
_botbench_form_arena_grow (FormArena *arena,
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

void
_botbench_form_node_free (BotbenchFormNode *node)
{
  FormArena *arena = node->arena;
  guint n_released = form_node_dispose (node, arena);

  if (arena != NULL && n_released > 0 &&
      g_atomic_int_add (&arena->ref_count, -(gint)n_released) == (gint)n_released)
    _botbench_form_arena_free (arena);
}

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
  entry = _botbench_form_array_find (node, key, strlen (key));

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
