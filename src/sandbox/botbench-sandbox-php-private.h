/* botbench-sandbox-php-private.h: PHP semantics of the emulated portal
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A portal is PHP code: what it does with a request value is what PHP does.
 * These functions do the same on JsonNodes, where a PHP array is a JSON
 * object or array (see botbench-sandbox-php.c).
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

JsonNode   *_botbench_php_param            (JsonObject *params,
                                            const char *key);
gboolean    _botbench_php_is_array         (JsonNode *node);

/* $array[$key] for an object or a list. */
JsonNode   *_botbench_php_array_get        (JsonNode   *node,
                                            const char *key);

/* (string)$value for scalars; NULL for null, missing and arrays. */
char       *_botbench_php_string           (JsonNode *node);

/* PHP empty(): null, "", "0", 0, 0.0, false, []. */
gboolean    _botbench_php_empty            (JsonNode *node);

/* PHP intval(). */
gint64      _botbench_php_intval           (JsonNode *node);
char       *_botbench_php_param_string     (JsonObject *params,
                                            const char *key);

/* trim()med string parameter, "" when missing. */
char       *_botbench_php_param_trimmed    (JsonObject *params,
                                            const char *key);
gboolean    _botbench_php_param_is_y       (JsonObject *params,
                                            const char *key);

/* Like PHP's json_decode(): NULL for anything but one JSON value with
 * arrays and objects nested at most 511 deep: PHP's default depth of 512
 * counts the values inside the deepest array as one more level. */
JsonNode   *_botbench_php_json_decode      (const char *text,
                                            gssize      len);

/* A PHP array as a JsonObject: lists get their indexes as keys. */
JsonObject *_botbench_php_array_to_object  (JsonNode *node);
JsonObject *_botbench_php_parse_str        (const char *body,
                                            gsize       len);

/* PHP json_encode() of an array: [] when empty, a list when the keys are
 * 0..n-1, an object otherwise. */
JsonNode   *_botbench_php_array_node       (JsonObject *object);
JsonNode   *_botbench_php_int_node         (gint64 value);
JsonNode   *_botbench_php_bool_node        (gboolean value);
JsonNode   *_botbench_php_object_node      (JsonObject *object);
void        _botbench_php_set_int_string   (JsonObject *object,
                                            const char *key,
                                            gint64      value);

/* Top-level keys upper-cased like array_change_key_case(CASE_UPPER): a later
 * spelling of the same key wins. */
JsonObject *_botbench_php_upper_case_keys  (JsonObject *params);
gboolean    _botbench_php_isset            (JsonNode *node);
char       *_botbench_php_array_get_string (JsonNode   *props,
                                            const char *key);

/* parse_url($url)['scheme'] and ['host'] (NULL when not set); FALSE when
 * parse_url() returns false. */
gboolean    _botbench_php_parse_url        (const char  *url,
                                            char       **scheme,
                                            char       **host);

G_END_DECLS
