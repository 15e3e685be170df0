/* botbench-decoded-item.h: one key/value of a decoded body, for tree views
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "botbench-core.h"

G_BEGIN_DECLS

#define BOTBENCH_TYPE_DECODED_ITEM (botbench_decoded_item_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchDecodedItem, botbench_decoded_item, BOTBENCH, DECODED_ITEM, GObject)

/* The children of a form array as a GListModel of BotbenchDecodedItem. */
GListModel          *botbench_decoded_item_list_new_for_form (BotbenchFormNode    *node);
/* The members or elements of a JSON object/array (a scalar gives one item). */
GListModel          *botbench_decoded_item_list_new_for_json (JsonNode            *node);

/* The key, valid UTF-8 ("0", "1", … for list elements). */
const char          *botbench_decoded_item_get_key           (BotbenchDecodedItem *self);
/* For leaves, the value as valid UTF-8 (invalid bytes as U+FFFD, NUL as
 * U+2400); for containers, NULL. */
const char          *botbench_decoded_item_get_value         (BotbenchDecodedItem *self);
gboolean             botbench_decoded_item_is_container      (BotbenchDecodedItem *self);
guint                botbench_decoded_item_get_n_children    (BotbenchDecodedItem *self);
/* Total number of leaves below, for containers. */
guint                botbench_decoded_item_get_n_leaves      (BotbenchDecodedItem *self);
/* A new model of the children, NULL for leaves (built lazily). */
GListModel          *botbench_decoded_item_dup_children      (BotbenchDecodedItem *self);
/* JSON scalars: TRUE for strings (shown as text), FALSE for numbers,
 * booleans and null (shown as literals).  Always TRUE for forms. */
gboolean             botbench_decoded_item_is_string         (BotbenchDecodedItem *self);

/* Display helper shared with the raw view: bytes → valid UTF-8. */
char                *botbench_decoded_make_display_text      (const char          *data,
                                                              gsize                len);

G_END_DECLS
