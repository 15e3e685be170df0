/* botbench-form-node.h: the PHP array tree that $_POST decodes to
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A BotbenchFormNode is either a string leaf (raw bytes, may hold invalid
 * UTF-8 and NUL bytes) or an ordered PHP array whose keys are integers or
 * strings.  The PHP $_POST decoder (botbench-post-decoder.h) builds these
 * trees, the form encoder (botbench-form-encoder.h) writes them back.
 */
#pragma once

#include <glib-object.h>

#include "botbench-types.h"

G_BEGIN_DECLS

typedef enum
{
  BOTBENCH_FORM_NODE_STRING,
  BOTBENCH_FORM_NODE_ARRAY,
} BotbenchFormNodeType;

#define BOTBENCH_TYPE_FORM_NODE (botbench_form_node_get_type ())

GType                 botbench_form_node_get_type         (void) G_GNUC_CONST;

BotbenchFormNode     *botbench_form_node_new_array        (void);
BotbenchFormNode     *botbench_form_node_new_string       (const char             *value,
                                                           gsize                   len);
BotbenchFormNode     *botbench_form_node_ref              (BotbenchFormNode       *node);
void                  botbench_form_node_unref            (BotbenchFormNode       *node);

BotbenchFormNodeType  botbench_form_node_get_node_type    (const BotbenchFormNode *node);
/* String leaves: raw bytes, always NUL-terminated; len may be NULL. */
const char           *botbench_form_node_get_string       (const BotbenchFormNode *node,
                                                           gsize                  *len);
/* Arrays: children in insertion order.  Integer keys are given in decimal. */
guint                 botbench_form_node_get_n_children   (const BotbenchFormNode *node);
const char           *botbench_form_node_get_child_key    (const BotbenchFormNode *node,
                                                           guint                   index_);
gboolean              botbench_form_node_child_key_is_int (const BotbenchFormNode *node,
                                                           guint                   index_);
BotbenchFormNode     *botbench_form_node_get_child        (const BotbenchFormNode *node,
                                                           guint                   index_);
BotbenchFormNode     *botbench_form_node_lookup           (const BotbenchFormNode *node,
                                                           const char             *key);
/* Follows a NULL-terminated list of keys; returns the string leaf there, or NULL. */
const char           *botbench_form_node_lookup_string    (const BotbenchFormNode *node,
                                                           const char             *first_key,
                                                           ...) G_GNUC_NULL_TERMINATED;

/* What PHP prints for json_encode($node, JSON_UNESCAPED_UNICODE |
 * JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE). */
char                 *botbench_form_node_to_json          (const BotbenchFormNode *node);
void                  botbench_form_node_append_json      (const BotbenchFormNode *node,
                                                           GString                *out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BotbenchFormNode, botbench_form_node_unref)

G_END_DECLS
