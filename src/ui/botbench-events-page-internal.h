/* botbench-events-page-internal.h: what the event log page's own files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The instance struct, for botbench-events-page.c, -names.c and -list.c
 * only.
 */
#pragma once

#include <adwaita.h>

#include "botbench-event-detail.h"
#include "botbench-events-page-private.h"
#include "botbench-forward-tracker.h"

G_BEGIN_DECLS

struct _BotbenchEventsPage
{
  GtkWidget               parent_instance;

  BotbenchEventStore     *store;
  BotbenchEventListModel *event_model;
  /* What the list shows: event_model with new events at a steady pace. */
  BotbenchPacedModel     *paced_model;
  GtkSingleSelection     *selection;
  /* The token state filter (a token state string, NULL: all), and the
   * paced model filtered by it.  The store's list model has no token
   * filter yet, so this one scans the events as they are read. */
  GCancellable           *cancellable;

  /* Event names are re-read in a thread, at most once a second. */
  gint64                  names_last_load;
  guint                   names_timeout;
  guint                   names_loading : 1;
  guint                   names_pending : 1;
  /* The last "loading-names" notified. */
  guint                   loading_names : 1;

  /* TRUE while the log is scrolled to the top: new events stay in view. */
  guint                   follow_head : 1;

  /* Events arrived while the list has the focus, not announced yet */
  guint                   new_events;
  guint                   announce_source;
  guint                   updating_event_types : 1;

  /* Rows kept in step with forwards recorded after the list read them. */
  BotbenchForwardTracker *forwards;

  /* Template objects */
  GtkStringList          *event_types;
  GtkWidget              *header_box;
  GtkSearchEntry         *search_entry;
  GtkDropDown            *event_type_dropdown;
  GtkStack               *events_stack;
  GtkLabel               *try_command_label;
  GtkWidget              *chat_with_button;
  GtkWidget              *try_sandbox_button;
  AdwLeaflet             *events_leaflet;
  GtkScrolledWindow      *event_scroller;
  GtkListView            *event_list;
  BotbenchEventDetail    *detail;
};

/* botbench-events-page.c */
void     _botbench_events_page_update_state           (BotbenchEventsPage *self);
gboolean _botbench_events_page_is_filtered            (BotbenchEventsPage *self);
/* Notifies "loading-names" when it changed. */
void     _botbench_events_page_update_loading_names   (BotbenchEventsPage *self);

/* botbench-events-page-names.c: the event type filter's names */
/* Reads the distinct event names in a thread; calls arriving while a read
 * runs, or within a second of the last, are merged. */
void     _botbench_events_page_load_event_names       (BotbenchEventsPage *self);
void     _botbench_events_page_event_type_selected_cb (BotbenchEventsPage *self,
                                                       GParamSpec         *pspec,
                                                       GtkDropDown        *dropdown);

/* botbench-events-page-list.c: the list's rows and their forwards */
void     _botbench_events_page_event_row_setup_cb     (GtkSignalListItemFactory *factory,
                                                       GtkListItem              *list_item,
                                                       gpointer                  user_data);
void     _botbench_events_page_event_row_bind_cb      (GtkSignalListItemFactory *factory,
                                                       GtkListItem              *list_item,
                                                       BotbenchEventsPage       *self);
void     _botbench_events_page_event_row_unbind_cb    (GtkSignalListItemFactory *factory,
                                                       GtkListItem              *list_item,
                                                       BotbenchEventsPage       *self);
void     _botbench_events_page_forward_recorded_cb    (BotbenchEventsPage *self,
                                                       gint64              event_id,
                                                       BotbenchEventStore *store);
void     _botbench_events_page_forward_refreshed_cb   (BotbenchEvent      *event,
                                                       GtkWidget          *row,
                                                       gpointer            user_data);

G_END_DECLS
