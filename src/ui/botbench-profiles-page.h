/* botbench-profiles-page.h: the list of portal profiles and the sandbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "botbench-application.h"

G_BEGIN_DECLS

#define BOTBENCH_TYPE_PROFILES_PAGE (botbench_profiles_page_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchProfilesPage, botbench_profiles_page, BOTBENCH, PROFILES_PAGE, GtkWidget)

void botbench_profiles_page_set_application (BotbenchProfilesPage *self,
                                             BotbenchApplication  *app);
/* Opens the editor on a new profile. */
void botbench_profiles_page_add_profile     (BotbenchProfilesPage *self);
void botbench_profiles_page_edit_profile    (BotbenchProfilesPage *self,
                                             BotbenchProfile      *profile);
void botbench_profiles_page_show_list       (BotbenchProfilesPage *self);

G_END_DECLS
