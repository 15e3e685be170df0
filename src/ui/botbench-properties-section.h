/* botbench-properties-section.h: the Properties group of the bot editor
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "botbench-bot-editor.h"
#include "botbench-bot-v2.h"

G_BEGIN_DECLS

#define BOTBENCH_TYPE_PROPERTIES_SECTION (botbench_properties_section_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchPropertiesSection, botbench_properties_section, BOTBENCH, PROPERTIES_SECTION, AdwPreferencesGroup)

/* Hands the rows to the editor's validation display. */
void botbench_properties_section_add_fields (BotbenchPropertiesSection *self,
                                             BotbenchBotEditor         *editor);
/* Shows @bot's properties but PERSONAL_PHOTO (NULL: a new definition). */
void botbench_properties_section_load       (BotbenchPropertiesSection *self,
                                             BotbenchBot               *bot);
/* Writes the properties but PERSONAL_PHOTO into @bot. */
void botbench_properties_section_apply      (BotbenchPropertiesSection *self,
                                             BotbenchBot               *bot);
/* Shows the rows of @api: e-mail, birthday and website are v1's. */
void botbench_properties_section_set_api    (BotbenchPropertiesSection *self,
                                             BotbenchBotApi             api);

/* Signals:
 *   "changed"  a property was edited. */

G_END_DECLS
