/* botbench-post-decoder.h: PHP $_POST-compatible form decoder
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Decodes a form body into a BotbenchFormNode tree (botbench-form-node.h)
 * exactly as PHP 8 builds $_POST with the default php.ini (max_input_vars
 * = 1000, max_input_nesting_level = 64).
 */
#pragma once

#include <glib-object.h>

#include "botbench-types.h"
#include "botbench-form-node.h"

G_BEGIN_DECLS

#define BOTBENCH_POST_DEFAULT_MAX_INPUT_VARS      1000
#define BOTBENCH_POST_DEFAULT_MAX_NESTING_LEVEL   64

#define BOTBENCH_POST_ERROR (botbench_post_error_quark ())

typedef enum
{
  BOTBENCH_POST_ERROR_MALFORMED,       /* a multipart type without a usable boundary */
  BOTBENCH_POST_ERROR_UNSUPPORTED,     /* content type is not a form */
} BotbenchPostError;

GQuark                botbench_post_error_quark           (void);

/* Registers one variable exactly like PHP's php_register_variable_ex():
 * name and value are already percent-decoded. */
void                  botbench_form_node_register_variable (BotbenchFormNode      *root,
                                                            const char            *name,
                                                            gsize                  name_len,
                                                            const char            *value,
                                                            gsize                  value_len);

/* application/x-www-form-urlencoded body → $_POST.  Never fails. */
BotbenchFormNode     *botbench_post_decode_urlencoded     (const char             *body,
                                                           gsize                   len);
/* multipart/form-data body → $_POST, by PHP 8.2's rfc1867 rules (file parts
 * are not in $_POST; a broken or cut-off body gives what PHP gives, never
 * an error).  Fails with BOTBENCH_POST_ERROR_MALFORMED only where PHP
 * refuses the Content-Type and leaves $_POST empty: no boundary=, an
 * unterminated quoted boundary, a boundary over 5116 bytes (or, which no
 * HTTP header can carry, one with a line break).  Any input is safe: time
 * and memory are linear in len, and body need not be NUL-terminated. */
BotbenchFormNode     *botbench_post_decode_multipart      (const char             *body,
                                                           gsize                   len,
                                                           const char             *content_type,
                                                           GError                **error);
/* Dispatches on content_type (urlencoded or multipart) as PHP does: the
 * media type, in any case, ends at ';', ',', ' ' or the end (white space
 * before it is skipped).  A NULL or other type is
 * BOTBENCH_POST_ERROR_UNSUPPORTED. */
BotbenchFormNode     *botbench_post_decode                (const char             *body,
                                                           gsize                   len,
                                                           const char             *content_type,
                                                           GError                **error);

G_END_DECLS
