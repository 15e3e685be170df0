/* botbench-post-decoder-private.h: what the $_POST decoder's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * botbench-post-decoder.c (urlencoded bodies, Content-Type dispatch) and
 * botbench-post-multipart.c (multipart/form-data) both register their
 * variables through botbench-post-variables.c, which builds the tree the
 * way php_register_variable_ex() builds $_POST.
 */
#pragma once

#include "botbench-form-node-private.h"
#include "botbench-post-decoder.h"

G_BEGIN_DECLS

/* Decoded names shorter than this are decoded on the stack. */
#define FORM_NAME_STACK       512

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

void _botbench_post_register_levels            (const RegisterContext *ctx,
                                                BotbenchFormNode      *symtable,
                                                char                  *index,
                                                gsize                  index_len,
                                                char                  *ip,
                                                char                  *end,
                                                int                    nest_level,
                                                BotbenchFormNode      *val);
void _botbench_post_register_variable_in_place (BotbenchFormNode      *root,
                                                FormArena             *arena,
                                                PathCache             *cache,
                                                char                  *var_name,
                                                gsize                  var_name_len,
                                                BotbenchFormNode      *val);

G_END_DECLS
