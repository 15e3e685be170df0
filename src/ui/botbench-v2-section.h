/* botbench-v2-section.h: the API group of the bot editor: v1 or imbot.v2,
 * and the v2 bot's own fields (botToken, type, event mode, flags)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "botbench-bot-editor.h"
#include "botbench-bot-v2.h"

G_BEGIN_DECLS

#define BOTBENCH_TYPE_V2_SECTION (botbench_v2_section_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchV2Section, botbench_v2_section, BOTBENCH, V2_SECTION, AdwPreferencesGroup)

/* Hands the rows to the editor's validation display ("botToken", "type",
 * "eventMode", "webhookUrl": the v2 validator's field names). */
void           botbench_v2_section_add_fields     (BotbenchV2Section *self,
                                                   BotbenchBotEditor *editor);
/* Shows @bot's API and v2 fields (NULL: a new v1 definition). */
void           botbench_v2_section_load           (BotbenchV2Section *self,
                                                   BotbenchBot       *bot);
/* Writes the API and, for v2, the v2 fields into @bot. */
void           botbench_v2_section_apply          (BotbenchV2Section *self,
                                                   BotbenchBot       *bot);
BotbenchBotApi botbench_v2_section_get_api        (BotbenchV2Section *self);
void           botbench_v2_section_set_api        (BotbenchV2Section *self,
                                                   BotbenchBotApi     api);
/* The API cannot change once the bot is registered. */
void           botbench_v2_section_set_registered (BotbenchV2Section *self,
                                                   gboolean           registered);
/* The botToken as typed ("" when empty); setting it keeps the entry masked. */
const char    *botbench_v2_section_get_token      (BotbenchV2Section *self);
void           botbench_v2_section_set_token      (BotbenchV2Section *self,
                                                   const char        *token);
/* Fills the botToken with a new one (botbench_bot_v2_generate_token()). */
void           botbench_v2_section_generate_token (BotbenchV2Section *self);

/* Signals:
 *   "changed"      a field was edited.
 *   "api-changed"  the API choice changed (the editor shows the other
 *                  API's sections). */

G_END_DECLS
