/* botbench-forward-rules-group.h: the forwarding rules in Preferences
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define BOTBENCH_TYPE_FORWARD_RULES_GROUP (botbench_forward_rules_group_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchForwardRulesGroup, botbench_forward_rules_group, BOTBENCH, FORWARD_RULES_GROUP, AdwPreferencesGroup)

/* Shows and edits the "forward-rules" key of settings (call once). */
void botbench_forward_rules_group_set_settings (BotbenchForwardRulesGroup *self,
                                                GSettings                 *settings);
/* Appends an enabled rule for every path, expanded, its URL focused. */
void botbench_forward_rules_group_add_rule     (BotbenchForwardRulesGroup *self);

G_END_DECLS
