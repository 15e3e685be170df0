/* botbench-events-page-list.c: the event log's rows and their forwards
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The list view's factory (declared in the .ui): a BotbenchEventRow per
 * item, with its ⋮ menu; the rows and the detail pane kept in step with
 * the forwards recorded after the list read their events (through the
 * BotbenchForwardTracker, which reads them again in a thread).
 */
#define G_LOG_DOMAIN "botbench-events-page"

#include "config.h"

#include "botbench-event-row.h"
#include "botbench-events-actions.h"
#include "botbench-events-page-internal.h"

void
_botbench_events_page_forward_recorded_cb (BotbenchEventsPage *self,
                                           gint64              event_id,
                                           BotbenchEventStore *store)
{
  BotbenchEvent *shown = botbench_event_detail_get_event (self->detail);

  _botbench_forward_tracker_recorded (self->forwards, event_id,
                                      shown != NULL ? botbench_event_get_id (shown) : 0);
}

/* The tracker read an event again (in a thread) after its forward. */
void
_botbench_events_page_forward_refreshed_cb (BotbenchEvent *event,
                                            GtkWidget     *row,
                                            gpointer       user_data)
{
  BotbenchEventsPage *self = user_data;

  if (row != NULL)
    botbench_event_row_set_event (BOTBENCH_EVENT_ROW (row), event);
  botbench_event_detail_refresh_event (self->detail, event);
}

void
_botbench_events_page_event_row_setup_cb (GtkSignalListItemFactory *factory,
                                          GtkListItem              *list_item,
                                          gpointer                  user_data)
{
  GtkWidget *row = botbench_event_row_new ();

  _botbench_events_actions_add_row_menu (row);
  gtk_list_item_set_child (list_item, row);
}

void
_botbench_events_page_event_row_bind_cb (GtkSignalListItemFactory *factory,
                                         GtkListItem              *list_item,
                                         BotbenchEventsPage       *self)
{
  GtkWidget *row = gtk_list_item_get_child (list_item);
  BotbenchEvent *event = _botbench_forward_tracker_get_fresh (self->forwards, gtk_list_item_get_item (list_item));

  botbench_event_row_set_event (BOTBENCH_EVENT_ROW (row), event);
  _botbench_forward_tracker_bind (self->forwards, row, event);
}

void
_botbench_events_page_event_row_unbind_cb (GtkSignalListItemFactory *factory,
                                           GtkListItem              *list_item,
                                           BotbenchEventsPage       *self)
{
  _botbench_forward_tracker_unbind (self->forwards, gtk_list_item_get_child (list_item));

  /* Only drops the reference: relaying out a row that is going away is
   * wasted work when hundreds of events arrive at once. */
  botbench_event_row_release_event (BOTBENCH_EVENT_ROW (gtk_list_item_get_child (list_item)));
}
