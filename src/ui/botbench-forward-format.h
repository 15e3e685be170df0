/* botbench-forward-format.h: how a forward's outcome and a token state read
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "botbench-core.h"

G_BEGIN_DECLS

/* The status pill of an event row: "200 · 35 ms", "500", "refused",
 * "timed out", "error" or "…" (pending); *style_class is "success",
 * "error" or "pending" (static).  NULL when result is NULL. */
char       *botbench_format_forward_pill    (BotbenchForwardResult *result,
                                             const char           **style_class);
/* A sentence for screen readers and tooltips ("Handler answered 200 in
 * 35 ms", "Handler not reached: Connection refused", …). */
char       *botbench_format_forward_summary (BotbenchForwardResult *result);
/* "wrong token", "no token", or NULL (verified, unknown: no pill). */
const char *botbench_format_token_pill      (BotbenchTokenState     state);

G_END_DECLS
