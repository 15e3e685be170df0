/* botbench-forward-rule.h: one forwarding rule, a path prefix and a handler URL
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef struct _BotbenchForwardRule BotbenchForwardRule;

#define BOTBENCH_TYPE_FORWARD_RULE (botbench_forward_rule_get_type ())

GType                botbench_forward_rule_get_type    (void) G_GNUC_CONST;
/* prefix: a listener path prefix ("/" matches every path; "/bot" matches
 * "/bot", "/bot/…" and "/bot?…" but not "/bot2"); url: http(s). */
BotbenchForwardRule *botbench_forward_rule_new         (const char          *prefix,
                                                        const char          *url,
                                                        gboolean             enabled);
BotbenchForwardRule *botbench_forward_rule_ref         (BotbenchForwardRule *self);
void                 botbench_forward_rule_unref       (BotbenchForwardRule *self);
const char          *botbench_forward_rule_get_prefix  (BotbenchForwardRule *self);
const char          *botbench_forward_rule_get_url     (BotbenchForwardRule *self);
gboolean             botbench_forward_rule_get_enabled (BotbenchForwardRule *self);
gboolean             botbench_forward_rule_matches     (BotbenchForwardRule *self,
                                                        const char          *path);
/* Whether url can be a forward target: an absolute http:// or https:// URL
 * with a host.  The one check for listen --forward, the window and the
 * sender. */
gboolean             botbench_forward_rule_url_is_valid (const char         *url);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BotbenchForwardRule, botbench_forward_rule_unref)

G_END_DECLS
