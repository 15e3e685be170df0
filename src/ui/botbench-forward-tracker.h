/* botbench-forward-tracker.h: event rows kept in step with recorded forwards
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "botbench-core.h"

G_BEGIN_DECLS

typedef struct _BotbenchForwardTracker BotbenchForwardTracker;

BotbenchForwardTracker *_botbench_forward_tracker_new      (BotbenchEventStore     *store);
void                    _botbench_forward_tracker_free     (BotbenchForwardTracker *self);
/* The event as the list should show it (borrowed): a newer read when its
 * forward was recorded since the list model read it. */
BotbenchEvent          *_botbench_forward_tracker_get_fresh (BotbenchForwardTracker *self,
                                                             BotbenchEvent          *event);
/* row (a BotbenchEventRow) now shows event / shows nothing any more. */
void                    _botbench_forward_tracker_bind     (BotbenchForwardTracker *self,
                                                            GtkWidget              *row,
                                                            BotbenchEvent          *event);
void                    _botbench_forward_tracker_unbind   (BotbenchForwardTracker *self,
                                                            GtkWidget              *row);
/* The store recorded event_id's forward.  When a row shows it, or
 * shown_id is it, returns the event read again (new reference) and the
 * row (or NULL) in *row; else remembers to read it when a row binds it
 * and returns NULL. */
BotbenchEvent          *_botbench_forward_tracker_recorded (BotbenchForwardTracker *self,
                                                            gint64                  event_id,
                                                            gint64                  shown_id,
                                                            GtkWidget             **row);

G_END_DECLS
