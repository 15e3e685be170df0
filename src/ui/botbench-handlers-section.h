/* botbench-handlers-section.h: the Event Handlers group of the bot editor
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "botbench-bot-editor.h"

G_BEGIN_DECLS

#define BOTBENCH_TYPE_HANDLERS_SECTION (botbench_handlers_section_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchHandlersSection, botbench_handlers_section, BOTBENCH, HANDLERS_SECTION, AdwPreferencesGroup)

/* Hands the rows to the editor's validation display. */
void  botbench_handlers_section_add_fields    (BotbenchHandlersSection *self,
                                               BotbenchBotEditor       *editor);
/* Shows @bot's handler URLs (NULL: a new definition), one-per-event folded. */
void  botbench_handlers_section_load          (BotbenchHandlersSection *self,
                                               BotbenchBot             *bot);
/* Writes the handler URLs into @bot. */
void  botbench_handlers_section_apply         (BotbenchHandlersSection *self,
                                               BotbenchBot             *bot);
/* Puts @url in EVENT_HANDLER and empties the per-event URLs. */
void  botbench_handlers_section_fill          (BotbenchHandlersSection *self,
                                               const char              *url);
/* The handler URL the portal would post to first: EVENT_HANDLER, else
 * EVENT_MESSAGE_ADD; NULL when both are empty. */
char *botbench_handlers_section_dup_check_url (BotbenchHandlersSection *self);

/* Signals:
 *   "changed"  a URL was edited. */

G_END_DECLS
