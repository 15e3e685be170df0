/* botbench-window-private.h: the window's instance struct, shared with tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "botbench-bots-page.h"
#include "botbench-event-detail.h"
#include "botbench-paced-model.h"
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
  BotbenchEventListModel *event_model;
  /* What the list shows: event_model with new events at a steady pace. */
  BotbenchPacedModel     *paced_model;
  GtkSingleSelection     *selection;
  GtkStringList          *event_types;
  GCancellable           *cancellable;

  /* Event names are re-read in a thread, at most once a second. */
  gint64                  names_last_load;
  guint                   names_timeout;
  guint                   fold_source;
  guint                   names_loading : 1;
  guint                   names_pending : 1;

  /* TRUE while the log is scrolled to the top: new events stay in view. */
  guint                   follow_head : 1;
  guint                   updating_switch : 1;
  guint                   updating_event_types : 1;

  /* Template widgets */
  AdwToastOverlay        *toast_overlay;
  GtkStack               *main_stack;
  AdwLeaflet             *leaflet;
  GtkListBox             *sidebar_list;
  GtkSwitch              *listener_switch;
  GtkButton              *url_button;
  GtkLabel               *url_label;
  GtkStack               *header_stack;
  GtkSearchEntry         *search_entry;
  GtkDropDown            *event_type_dropdown;
  GtkRevealer            *banner_revealer;
  GtkLabel               *banner_label;
  GtkStack               *page_stack;
  GtkStack               *events_stack;
  AdwStatusPage          *empty_page;
  AdwStatusPage          *no_results_page;
  GtkLabel               *try_command_label;
  AdwLeaflet             *events_leaflet;
  GtkScrolledWindow      *event_scroller;
  GtkListView            *event_list;
  BotbenchEventDetail    *detail;
  AdwStatusPage          *store_error_page;

  /* Profiles (issue 4) */
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

  /* Bots (issue 5) */
  BotbenchBotsPage       *bots_page;
};

G_END_DECLS
