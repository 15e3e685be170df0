/* botbench-window-private.h: the window's instance struct
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shared by botbench-window.c and botbench-window-profiles.c.  Tests drive
 * the window through its actions and find its widgets by buildable id
 * (tests/botbench-ui-test-utils.h).
 */
#pragma once

#include "botbench-bots-page.h"
#include "botbench-chat-page.h"
#include "botbench-events-page-private.h"
#include "botbench-profiles-page.h"
#include "botbench-requests-page.h"
#include "botbench-window.h"

G_BEGIN_DECLS

struct _BotbenchWindow
{
  AdwApplicationWindow    parent_instance;

  GSettings              *settings;
  BotbenchEventStore     *store;
  BotbenchListener       *listener;
  guint                   fold_source;
  guint                   updating_switch : 1;

  /* Template widgets */
  AdwToastOverlay        *toast_overlay;
  GtkStack               *main_stack;
  AdwLeaflet             *leaflet;
  GtkListBox             *sidebar_list;
  GtkSwitch              *listener_switch;
  GtkButton              *url_button;
  GtkLabel               *url_label;
  GtkStack               *header_stack;
  GtkRevealer            *banner_revealer;
  GtkLabel               *banner_label;
  GtkStack               *page_stack;
  AdwStatusPage          *store_error_page;
  BotbenchEventsPage     *events_page;
  GtkLabel               *announce_label;

  /* Profiles */
  BotbenchProfileManager *profiles;
  GSimpleAction          *active_profile_action;
  GMenu                  *profile_section;
  GtkMenuButton          *profile_button;
  GtkLabel               *profile_label;
  GtkRevealer            *secrets_revealer;
  GtkLabel               *secrets_label;
  GtkButton              *keep_secrets_button;
  BotbenchProfilesPage   *profiles_page;
  BotbenchRequestsPage   *requests_page;

  /* Bots */
  BotbenchBotsPage       *bots_page;

  /* Chat */
  BotbenchChatPage       *chat_page;
};

/* botbench-window.c */
void _botbench_window_toast           (BotbenchWindow      *self,
                                       const char          *title);
void _botbench_window_announce        (BotbenchWindow      *self,
                                       const char          *text);

/* botbench-window-profiles.c */
void _botbench_window_init_profiles   (BotbenchWindow      *self);
void _botbench_window_setup_profiles  (BotbenchWindow      *self,
                                       BotbenchApplication *app);

G_END_DECLS
