/* botbench-profiles-page-private.h: the page's instance struct, for tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "botbench-profile-editor-private.h"
#include "botbench-profiles-page.h"

G_BEGIN_DECLS

struct _BotbenchProfilesPage
{
  GtkWidget              parent_instance;

  BotbenchApplication   *app;
  guint                  updating_switch : 1;

  /* Template widgets */
  GtkStack              *stack;
  AdwActionRow          *sandbox_row;
  GtkImage              *sandbox_icon;
  GtkSwitch             *sandbox_switch;
  AdwPreferencesGroup   *profiles_group;
  GtkStack              *list_stack;
  AdwStatusPage         *empty_page;
  GtkListBox            *profile_list;
  BotbenchProfileEditor *editor;
};

G_END_DECLS
