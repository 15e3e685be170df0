/* botbench-color-section.h: the Color group of the bot editor
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "botbench-core.h"

G_BEGIN_DECLS

#define BOTBENCH_TYPE_COLOR_SECTION (botbench_color_section_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchColorSection, botbench_color_section, BOTBENCH, COLOR_SECTION, AdwPreferencesGroup)

BotbenchBotColor botbench_color_section_get_color (BotbenchColorSection *self);
void             botbench_color_section_set_color (BotbenchColorSection *self,
                                                   BotbenchBotColor      color);

/* Signals:
 *   "changed"  another swatch was picked. */

G_END_DECLS
