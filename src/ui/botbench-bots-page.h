/* botbench-bots-page.h: the active profile's bots, saved and on the portal
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "botbench-application.h"

G_BEGIN_DECLS

#define BOTBENCH_TYPE_BOTS_PAGE (botbench_bots_page_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchBotsPage, botbench_bots_page, BOTBENCH, BOTS_PAGE, GtkWidget)

void botbench_bots_page_set_application (BotbenchBotsPage    *self,
                                         BotbenchApplication *app);
/* Opens the editor on a new definition. */
void botbench_bots_page_new_bot         (BotbenchBotsPage    *self);
void botbench_bots_page_edit_bot        (BotbenchBotsPage    *self,
                                         BotbenchBot         *bot);
void botbench_bots_page_show_list       (BotbenchBotsPage    *self);
/* Asks for a definition file (the imbot.register JSON) and adds it. */
void botbench_bots_page_import          (BotbenchBotsPage    *self);
/* Reads the portal's bots again (imbot.bot.list). */
void botbench_bots_page_refresh         (BotbenchBotsPage    *self);

G_END_DECLS
