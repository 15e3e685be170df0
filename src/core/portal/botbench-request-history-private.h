/* botbench-request-history-private.h: building masked records
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "botbench-request-history.h"

G_BEGIN_DECLS

/* Every text argument is masked with @secrets before it is kept
 * (botbench_request_preview_mask_text()). */
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
