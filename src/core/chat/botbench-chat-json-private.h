/* botbench-chat-json-private.h: type-checked reads of untrusted JSON members
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shared by the chat files: every read checks the member's type
 * (JSON_NODE_HOLDS_*, json_node_get_value_type) and falls back to a default,
 * so a hostile or broken answer never reaches a json-glib assertion.
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The member @key, matched case-insensitively when no exact match exists. */
JsonNode   *_botbench_chat_json_member      (JsonObject *object,
                                             const char *key);
/* A string member; numbers and booleans are written out; else @fallback. */
char       *_botbench_chat_json_dup_string  (JsonObject *object,
                                             const char *key,
                                             const char *fallback);
/* Borrowed string, or NULL when the member is not a string. */
const char *_botbench_chat_json_get_string  (JsonObject *object,
                                             const char *key);
/* An integer member: int, integral double or decimal string; else @fallback. */
gint64      _botbench_chat_json_get_int     (JsonObject *object,
                                             const char *key,
                                             gint64      fallback);
/* "Y"/"N" (also true/false, 1/0). */
gboolean    _botbench_chat_json_get_flag    (JsonObject *object,
                                             const char *key);
/* Borrowed object/array members, NULL when of another type. */
JsonObject *_botbench_chat_json_get_object  (JsonObject *object,
                                             const char *key);
JsonArray  *_botbench_chat_json_get_array   (JsonObject *object,
                                             const char *key);
/* An array of integers (others skipped), never NULL. */
GArray     *_botbench_chat_json_get_ids     (JsonObject *object,
                                             const char *key);
/* An ISO 8601 date member, or NULL. */
GDateTime  *_botbench_chat_json_get_date    (JsonObject *object,
                                             const char *key);
/* A node as text for equality tests ("" for NULL). */
char       *_botbench_chat_json_node_to_string (JsonNode *node,
                                                gboolean  pretty);
gboolean    _botbench_chat_json_node_equal  (JsonNode   *a,
                                             JsonNode   *b);
/* At most this many warnings, then one saying there were more. */
#define BOTBENCH_CHAT_MAX_WARNINGS 50

void        _botbench_chat_warn             (GPtrArray  *warnings,
                                             const char *format,
                                             ...) G_GNUC_PRINTF (2, 3);
/* http://, https:// or mailto: */
gboolean    _botbench_chat_link_is_safe     (const char *link);
/* A colour member: valid, or "" with a warning naming @where when something
 * else was given. */
char       *_botbench_chat_dup_color        (JsonObject *object,
                                             const char *key,
                                             GPtrArray  *warnings,
                                             const char *where);
/* "#rgb" or "#rrggbb". */
gboolean    _botbench_chat_color_is_valid   (const char *color);

G_END_DECLS
