/* botbench-form-edit.h: editing a decoded form by PHP-style keys
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Set or remove one value of a decoded body ($_POST's tree) by the key a
 * PHP form would use ("data[PARAMS][MESSAGE]"), keeping the order of the
 * other keys; botbench_form_encode() then writes the body back.  Keys are
 * read by PHP's own rules (the $_POST decoder's), so after an edit
 *
 *   decode (encode (tree)) == tree
 *
 * holds for every tree the decoder can give.  Keys PHP would mangle or
 * drop (an unclosed '[', text after a ']', an empty name, nesting over 64
 * levels, "__Host-"/"__Secure-" prefixes) are refused instead.
 */
#pragma once

#include <glib.h>

#include "botbench-types.h"
#include "botbench-form-node.h"

G_BEGIN_DECLS

#define BOTBENCH_FORM_EDIT_ERROR (botbench_form_edit_error_quark ())

typedef enum
{
  BOTBENCH_FORM_EDIT_ERROR_INVALID_KEY,   /* a key PHP would mangle or drop */
  BOTBENCH_FORM_EDIT_ERROR_NOT_FOUND,     /* remove: no such key */
  BOTBENCH_FORM_EDIT_ERROR_TOO_MANY,      /* over max_input_vars (1000) values */
} BotbenchFormEditError;

GQuark     botbench_form_edit_error_quark   (void);

/* Sets php_key to the string value.  An existing key keeps its place
 * (an array there is replaced by the value); a new key is appended at the
 * end of its parent, missing parents are created, and "[]" appends with
 * the next free index, as in PHP.  *root may be NULL (a new tree is made);
 * nodes shared with other owners are copied first, so other holders of
 * the tree never see the change (*root may be replaced). */
gboolean   botbench_form_edit_set           (BotbenchFormNode  **root,
                                             const char         *php_key,
                                             const char         *value,
                                             GError            **error);
/* Removes php_key (a value or a whole subtree).  Arrays left empty are
 * removed too, since the encoder would omit them.  "[]" is refused. */
gboolean   botbench_form_edit_remove        (BotbenchFormNode  **root,
                                             const char         *php_key,
                                             GError            **error);
/* "KEY=VALUE" (split at the first '=', as a form body is) for --set;
 * FALSE (with error) when there is no '=' or the key is invalid. */
gboolean   botbench_form_edit_parse_assignment (const char      *assignment,
                                                char           **key,
                                                char           **value,
                                                GError         **error);
/* Every value of the tree in order as alternating PHP keys and values
 * ("data[PARAMS][MESSAGE]", "Hi", ...), NULL-terminated; setting each key
 * to its value in a new tree rebuilds the tree.  NUL bytes in a value end
 * it there. */
char     **botbench_form_edit_dup_pairs     (const BotbenchFormNode *root);

G_END_DECLS
