/* botbench-form-encoder.h: PHP http_build_query() encoder
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The inverse of botbench-post-decoder.h: a tree becomes exactly the body PHP's
 * http_build_query($tree) prints with the default arguments (no numeric
 * prefix, "&" separator, PHP_QUERY_RFC1738): space is "+", every byte other
 * than [A-Za-z0-9._-] is %XX (upper case), nested keys are written as
 * key%5Bchild%5D, order is preserved, empty arrays and nulls are omitted.
 * Bitrix24 sends its events in this encoding.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "botbench-types.h"

G_BEGIN_DECLS

/* PHP urlencode() of len bytes (len -1: NUL-terminated), appended to out. */
void   botbench_form_urlencode_append    (GString                *out,
                                          const char             *value,
                                          gssize                  len);
/* What PHP prints for a float in http_build_query() (precision = 14),
 * e.g. "0.3", "1.0E+20", "-0"; appended unencoded. */
void   botbench_form_append_php_double   (GString                *out,
                                          double                  value);

/* node must be an array; a string leaf encodes to "". */
char  *botbench_form_encode              (const BotbenchFormNode *node);
/* node must be an object or array: objects keep their member order, arrays
 * use the keys 0..n-1; true/false are 1/0, integers print in decimal,
 * doubles as botbench_form_append_php_double(), null is omitted.  A scalar
 * root encodes to "". */
char  *botbench_form_encode_json         (JsonNode               *node);

G_END_DECLS
