/* botbench-request-history-private.h: building masked records
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "botbench-request-history.h"

G_BEGIN_DECLS

/* Replaces every string of @secrets (NULL-terminated; NULL or short entries
 * ignored) by BOTBENCH_MASK, and masks the values of auth, access_token,
 * refresh_token, client_secret and application_token in JSON and in query
 * strings, whatever they hold. */
char                  *_botbench_mask_secrets        (const char         *text,
                                                      const char * const *secrets);

/* Every text argument is masked with @secrets before it is kept. */
BotbenchRequestRecord *_botbench_request_record_new  (const char         *profile_uuid,
                                                      const char         *method,
                                                      const char         *http_method,
                                                      const char         *url,
                                                      const char         *request_body,
                                                      const char         *response_body,
                                                      guint               status,
                                                      gint64              time,
                                                      gint64              duration,
                                                      const char         *error,
                                                      guint               attempt,
                                                      const char * const *secrets);

G_END_DECLS
