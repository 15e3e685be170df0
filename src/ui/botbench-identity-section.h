/* botbench-identity-section.h: the Bot group of the bot editor (id, CODE,
 * TYPE, OPENLINE)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "botbench-bot-editor.h"
#include "botbench-bot-v2.h"

G_BEGIN_DECLS

#define BOTBENCH_TYPE_IDENTITY_SECTION (botbench_identity_section_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchIdentitySection, botbench_identity_section, BOTBENCH, IDENTITY_SECTION, AdwPreferencesGroup)

/* Hands the rows to the editor's validation display. */
void        botbench_identity_section_add_fields     (BotbenchIdentitySection *self,
                                                      BotbenchBotEditor       *editor);
/* Shows @bot's fields (NULL: a new definition). */
void        botbench_identity_section_load           (BotbenchIdentitySection *self,
                                                      BotbenchBot             *bot);
/* Writes the fields into @bot. */
void        botbench_identity_section_apply          (BotbenchIdentitySection *self,
                                                      BotbenchBot             *bot);
/* The bot id (0: not registered); TYPE and OPENLINE cannot be updated. */
void        botbench_identity_section_set_bot_id     (BotbenchIdentitySection *self,
                                                      gint64                   bot_id);
/* The CODE as typed ("" when empty). */
const char *botbench_identity_section_get_code_text  (BotbenchIdentitySection *self);
void        botbench_identity_section_focus_code     (BotbenchIdentitySection *self);
/* Shows the rows of @api: TYPE and OPENLINE are v1's. */
void        botbench_identity_section_set_api        (BotbenchIdentitySection *self,
                                                      BotbenchBotApi           api);

/* Signals:
 *   "changed"  a field was edited. */

G_END_DECLS
