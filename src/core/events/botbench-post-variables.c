/* botbench-post-variables.c: registering one $_POST variable as PHP does
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A port of php_register_variable_ex() (main/php_variables.c): a name's
 * leading spaces, its ' ' and '.' turned into '_', its bracket levels
 * ("a[b][]"), the nesting limit max_input_nesting_level and the
 * __Host-/__Secure- cookie prefixes.  Both decoders register through
 * here; the urlencoded one also resumes a name after the levels it shares
 * with the previous one (PathCache).
 */
#define G_LOG_DOMAIN "botbench-form"

#include "config.h"

#include <string.h>

#include "botbench-post-decoder-private.h"

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
void
_botbench_post_register_levels (const RegisterContext *ctx,
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
          _botbench_form_array_delete (ctx->root, ctx->arena, ctx->var, ctx->var_len);
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
          if (!_botbench_form_array_append_next (symtable, ctx->arena, child))
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
              gboolean is_int = _botbench_form_key_is_numeric (index, index_len, &int_key);

              child = form_node_new_array (ctx->arena);
              _botbench_form_array_append (symtable, ctx->arena, index, index_len,
                                           is_int, int_key, child);
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
      if (!_botbench_form_array_append_next (symtable, ctx->arena, val))
        goto drop;
    }
  else if (is_forbidden_name (ctx, index, index_len))
    {
      goto drop;
    }
  else
    {
      _botbench_form_array_update (symtable, ctx->arena, index, index_len, val);
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
void
_botbench_post_register_variable_in_place (BotbenchFormNode *root,
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

  _botbench_post_register_levels (&ctx, root, var_name, ctx.var_len, p, end, 0, val);
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

  _botbench_post_register_variable_in_place (root, NULL, NULL, var, name_len,
                                             botbench_form_node_new_string (value, value_len));
}
