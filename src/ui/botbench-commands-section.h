/* botbench-commands-section.h: the Commands group of the bot editor
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "botbench-core.h"

G_BEGIN_DECLS

#define BOTBENCH_TYPE_COMMANDS_SECTION (botbench_commands_section_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchCommandsSection, botbench_commands_section, BOTBENCH, COMMANDS_SECTION, AdwPreferencesGroup)

/* Lists @bot's commands; hidden unless @bot is registered (NULL: hidden). */
void botbench_commands_section_set_bot (BotbenchCommandsSection *self,
                                        BotbenchBot             *bot);

G_END_DECLS
