/* botbench-forward-rule-row.h: one forwarding rule in Preferences
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define BOTBENCH_TYPE_FORWARD_RULE_ROW (botbench_forward_rule_row_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchForwardRuleRow, botbench_forward_rule_row, BOTBENCH, FORWARD_RULE_ROW, AdwExpanderRow)

GtkWidget  *botbench_forward_rule_row_new         (gboolean                enabled,
                                                   const char             *prefix,
                                                   const char             *url);
gboolean    botbench_forward_rule_row_get_enabled (BotbenchForwardRuleRow *self);
/* The fields as typed (trimmed), checked or not. */
char       *botbench_forward_rule_row_dup_prefix  (BotbenchForwardRuleRow *self);
char       *botbench_forward_rule_row_dup_url     (BotbenchForwardRuleRow *self);
/* TRUE when both fields pass botbench-forward-settings' checks. */
gboolean    botbench_forward_rule_row_is_valid    (BotbenchForwardRuleRow *self);

/* Signals:
 *   "changed" ()  the switch or a field changed;
 *   "remove" ()   the user asked to remove the rule. */

G_END_DECLS
