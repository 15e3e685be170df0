/* botbench-form-edit.c: editing a decoded form by PHP-style keys
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A key is read twice, neither time by a parser of our own: a small check
 * that its brackets are well formed (where PHP would silently mangle the
 * name instead), then the $_POST decoder's php_register_variable_ex()
 * port registers it into a scratch tree, whose single path is the key's
 * path.  Setting registers the value into the real tree the same way;
 * removing follows the path.  Arrays along the path that someone else
 * also holds are copied first (copy on write).
 */
#define G_LOG_DOMAIN "botbench-form"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "botbench-form-edit.h"
#include "botbench-post-decoder-private.h"

G_DEFINE_QUARK (botbench-form-edit-error-quark, botbench_form_edit_error)

typedef struct
{
  GPtrArray *keys;          /* char *, one per level, as PHP stores them */
  guint      first_append;  /* index of the first "[]" level, or keys->len */
} KeyPath;

static void
key_path_clear (KeyPath *path)
{
  g_clear_pointer (&path->keys, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (KeyPath, key_path_clear)

/* The brackets of php_key: after the name, only "[...]" levels, each
 * closed, nothing after the last ']'.  Counts the levels and finds the
 * first append level ("[]" or "[ ]": PHP skips one space before ']'). */
static gboolean
check_brackets (const char  *php_key,
                guint       *n_levels,
                guint       *first_append,
                GError     **error)
{
  const char *p = strchr (php_key, '[');

  *n_levels = 0;
  *first_append = G_MAXUINT;

  while (p != NULL && *p != '\0')
    {
      const char *close;

      if (*p != '[')
        {
          g_set_error (error, BOTBENCH_FORM_EDIT_ERROR, BOTBENCH_FORM_EDIT_ERROR_INVALID_KEY,
                       _("Key “%s” has text after a “]”"), php_key);
          return FALSE;
        }

      close = strchr (p + 1, ']');
      if (close == NULL)
        {
          g_set_error (error, BOTBENCH_FORM_EDIT_ERROR, BOTBENCH_FORM_EDIT_ERROR_INVALID_KEY,
                       _("Key “%s” has a “[” that is not closed"), php_key);
          return FALSE;
        }

      if ((close == p + 1 || (close == p + 2 && is_c_space (p[1]))) && *first_append == G_MAXUINT)
        *first_append = *n_levels;

      (*n_levels)++;
      p = close + 1;
    }

  return TRUE;
}

/* php_key's path as PHP registers it, or FALSE if PHP would drop it. */
static gboolean
parse_key (const char  *php_key,
           gboolean     allow_append,
           KeyPath     *path,
           GError     **error)
{
  g_autoptr(BotbenchFormNode) scratch = NULL;
  const BotbenchFormNode *node;
  guint n_levels;
  guint first_append;

  if (!check_brackets (php_key, &n_levels, &first_append, error))
    return FALSE;

  if (!allow_append && first_append != G_MAXUINT)
    {
      g_set_error (error, BOTBENCH_FORM_EDIT_ERROR, BOTBENCH_FORM_EDIT_ERROR_INVALID_KEY,
                   _("Key “%s” appends (“[]”); name the key to remove"), php_key);
      return FALSE;
    }

  scratch = botbench_form_node_new_array ();
  botbench_form_node_register_variable (scratch, php_key, strlen (php_key), "", 0);

  path->keys = g_ptr_array_new_with_free_func (g_free);
  for (node = scratch; node->type == BOTBENCH_FORM_NODE_ARRAY && node->u.a.n_entries == 1;
       node = node->u.a.entries[0].value)
    g_ptr_array_add (path->keys, g_strdup (entry_key (&node->u.a.entries[0])));

  /* PHP drops a name that is empty, nested too deep or has a cookie
   * prefix: nothing was registered */
  if (path->keys->len != n_levels + 1)
    {
      g_set_error (error, BOTBENCH_FORM_EDIT_ERROR, BOTBENCH_FORM_EDIT_ERROR_INVALID_KEY,
                   g_dngettext (GETTEXT_PACKAGE,
                                "Key “%s” is not a name PHP accepts (empty, nested deeper than %d level, or a “__Host-” or “__Secure-” key)",
                                "Key “%s” is not a name PHP accepts (empty, nested deeper than %d levels, or a “__Host-” or “__Secure-” key)",
                                BOTBENCH_POST_DEFAULT_MAX_NESTING_LEVEL),
                   php_key, BOTBENCH_POST_DEFAULT_MAX_NESTING_LEVEL);
      key_path_clear (path);
      return FALSE;
    }

  path->first_append = first_append == G_MAXUINT ? path->keys->len : first_append + 1;

  return TRUE;
}

/* A copy of array with the same entries (each value referenced once more). */
static BotbenchFormNode *
array_copy_shallow (const BotbenchFormNode *array)
{
  BotbenchFormNode *copy = botbench_form_node_new_array ();

  for (guint i = 0; i < array->u.a.n_entries; i++)
    {
      const FormEntry *entry = &array->u.a.entries[i];

      _botbench_form_array_append (copy, NULL, entry_key (entry), entry->key_len, entry->is_int,
                                   entry->int_key, botbench_form_node_ref (entry->value));
    }
  copy->u.a.next_free = array->u.a.next_free;

  return copy;
}

/* Makes *slot an array only the tree holds (copying it when shared). */
static void
unshare (BotbenchFormNode **slot)
{
  BotbenchFormNode *old = *slot;

  g_assert (old->type == BOTBENCH_FORM_NODE_ARRAY);

  if (g_atomic_int_get (&old->ref_count) == 1)
    return;

  *slot = array_copy_shallow (old);
  botbench_form_node_unref (old);
}

/* Unshares the arrays along the first n_keys levels of path that exist;
 * returns how many levels exist as arrays (nodes[0] is the root, nodes[i]
 * the array at level i). */
static guint
unshare_path (BotbenchFormNode  **root,
              const KeyPath      *path,
              guint               n_keys,
              BotbenchFormNode  **nodes)
{
  BotbenchFormNode **slot = root;
  guint i;

  unshare (slot);
  nodes[0] = *slot;

  for (i = 0; i < n_keys; i++)
    {
      const char *key = g_ptr_array_index (path->keys, i);
      FormEntry *entry = _botbench_form_array_find (*slot, key, strlen (key));

      if (entry == NULL || entry->value->type != BOTBENCH_FORM_NODE_ARRAY)
        break;

      slot = &entry->value;
      unshare (slot);
      nodes[i + 1] = *slot;
    }

  return i;
}

static guint
count_values (const BotbenchFormNode *node)
{
  guint n = 0;

  if (node->type == BOTBENCH_FORM_NODE_STRING)
    return 1;

  for (guint i = 0; i < node->u.a.n_entries; i++)
    n += count_values (node->u.a.entries[i].value);

  return n;
}

gboolean
botbench_form_edit_set (BotbenchFormNode **root,
                        const char        *php_key,
                        const char        *value,
                        GError           **error)
{
  g_auto(KeyPath) path = { NULL, 0 };
  g_autofree BotbenchFormNode **nodes = NULL;
  guint n_existing;

  g_return_val_if_fail (root != NULL, FALSE);
  g_return_val_if_fail (*root == NULL || (*root)->type == BOTBENCH_FORM_NODE_ARRAY, FALSE);
  g_return_val_if_fail (php_key != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!parse_key (php_key, TRUE, &path, error))
    return FALSE;

  if (*root == NULL)
    *root = botbench_form_node_new_array ();

  /* levels past an append are new arrays anyway */
  nodes = g_new0 (BotbenchFormNode *, path.keys->len + 1);
  n_existing = unshare_path (root, &path, MIN (path.first_append, path.keys->len - 1), nodes);

  /* a new value beyond max_input_vars would be dropped by the decoder */
  if (n_existing < path.keys->len - 1 || path.first_append < path.keys->len ||
      _botbench_form_array_find (nodes[n_existing], g_ptr_array_index (path.keys, n_existing),
                                 strlen (g_ptr_array_index (path.keys, n_existing))) == NULL)
    {
      if (count_values (*root) >= BOTBENCH_POST_DEFAULT_MAX_INPUT_VARS)
        {
          g_set_error (error, BOTBENCH_FORM_EDIT_ERROR, BOTBENCH_FORM_EDIT_ERROR_TOO_MANY,
                       g_dngettext (GETTEXT_PACKAGE, "A form holds at most %d value (PHP’s max_input_vars)",
                                    "A form holds at most %d values (PHP’s max_input_vars)",
                                    BOTBENCH_POST_DEFAULT_MAX_INPUT_VARS),
                       BOTBENCH_POST_DEFAULT_MAX_INPUT_VARS);
          return FALSE;
        }
    }

  botbench_form_node_register_variable (*root, php_key, strlen (php_key), value, strlen (value));

  return TRUE;
}

gboolean
botbench_form_edit_remove (BotbenchFormNode **root,
                           const char        *php_key,
                           GError           **error)
{
  g_auto(KeyPath) path = { NULL, 0 };
  g_autofree BotbenchFormNode **nodes = NULL;
  const char *last;
  guint n_parents;
  guint n_existing;

  g_return_val_if_fail (root != NULL, FALSE);
  g_return_val_if_fail (*root == NULL || (*root)->type == BOTBENCH_FORM_NODE_ARRAY, FALSE);
  g_return_val_if_fail (php_key != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!parse_key (php_key, FALSE, &path, error))
    return FALSE;

  n_parents = path.keys->len - 1;
  last = g_ptr_array_index (path.keys, n_parents);

  if (*root == NULL)
    goto not_found;

  /* find it before copying anything */
  {
    const BotbenchFormNode *node = *root;

    for (guint i = 0; i <= n_parents; i++)
      {
        const char *key = g_ptr_array_index (path.keys, i);
        const FormEntry *entry;

        if (node->type != BOTBENCH_FORM_NODE_ARRAY)
          goto not_found;
        entry = _botbench_form_array_find (node, key, strlen (key));
        if (entry == NULL)
          goto not_found;
        node = entry->value;
      }
  }

  nodes = g_new0 (BotbenchFormNode *, path.keys->len + 1);
  n_existing = unshare_path (root, &path, n_parents, nodes);
  g_assert (n_existing == n_parents);

  _botbench_form_array_delete (nodes[n_parents], NULL, last, strlen (last));

  /* the encoder omits empty arrays, so the tree does too */
  for (guint i = n_parents; i > 0 && nodes[i]->u.a.n_entries == 0; i--)
    {
      const char *key = g_ptr_array_index (path.keys, i - 1);

      _botbench_form_array_delete (nodes[i - 1], NULL, key, strlen (key));
    }

  return TRUE;

not_found:
  g_set_error (error, BOTBENCH_FORM_EDIT_ERROR, BOTBENCH_FORM_EDIT_ERROR_NOT_FOUND,
               _("Key “%s” is not in the form"), php_key);
  return FALSE;
}

gboolean
botbench_form_edit_parse_assignment (const char  *assignment,
                                     char       **key,
                                     char       **value,
                                     GError     **error)
{
  g_auto(KeyPath) path = { NULL, 0 };
  g_autofree char *name = NULL;
  const char *eq;

  g_return_val_if_fail (assignment != NULL, FALSE);
  g_return_val_if_fail (key != NULL && value != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  eq = strchr (assignment, '=');
  if (eq == NULL)
    {
      g_set_error (error, BOTBENCH_FORM_EDIT_ERROR, BOTBENCH_FORM_EDIT_ERROR_INVALID_KEY,
                   _("“%s” is not KEY=VALUE"), assignment);
      return FALSE;
    }

  name = g_strndup (assignment, eq - assignment);
  if (!parse_key (name, TRUE, &path, error))
    return FALSE;

  *key = g_steal_pointer (&name);
  *value = g_strdup (eq + 1);

  return TRUE;
}

static void
append_pairs (const BotbenchFormNode *node,
              GString                *prefix,
              GPtrArray              *out)
{
  gsize prefix_len = prefix->len;

  if (node->type == BOTBENCH_FORM_NODE_STRING)
    {
      g_ptr_array_add (out, g_strdup (prefix->str));
      g_ptr_array_add (out, g_strdup (node->u.s.str));
      return;
    }

  for (guint i = 0; i < node->u.a.n_entries; i++)
    {
      const FormEntry *entry = &node->u.a.entries[i];

      if (prefix_len == 0)
        {
          g_string_append_len (prefix, entry_key (entry), entry->key_len);
        }
      else
        {
          g_string_append_c (prefix, '[');
          g_string_append_len (prefix, entry_key (entry), entry->key_len);
          g_string_append_c (prefix, ']');
        }
      append_pairs (entry->value, prefix, out);
      g_string_truncate (prefix, prefix_len);
    }
}

char **
botbench_form_edit_dup_pairs (const BotbenchFormNode *root)
{
  g_autoptr(GString) prefix = g_string_new (NULL);
  GPtrArray *out = g_ptr_array_new ();

  g_return_val_if_fail (root != NULL, NULL);

  if (root->type == BOTBENCH_FORM_NODE_ARRAY)
    append_pairs (root, prefix, out);
  g_ptr_array_add (out, NULL);

  return (char **)g_ptr_array_free (out, FALSE);
}
