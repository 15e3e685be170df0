/* botbench-forward-tracker.h: event rows kept in step with recorded forwards
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "botbench-core.h"

G_BEGIN_DECLS

typedef struct _BotbenchForwardTracker BotbenchForwardTracker;

/* An event read again after its forward was recorded (borrowed), and the
 * BotbenchEventRow bound to it, or NULL when no row shows it. */
typedef void (*BotbenchForwardTrackerFunc) (BotbenchEvent *event,
                                            GtkWidget     *row,
                                            gpointer       user_data);

/* refreshed is called on the main context, after each read, once per
 * event read (never from inside the tracker's other functions). */
BotbenchForwardTracker *_botbench_forward_tracker_new       (BotbenchEventStore         *store,
                                                             BotbenchForwardTrackerFunc  refreshed,
                                                             gpointer                    user_data);
/* Cancels the reads running; refreshed is not called any more. */
void                    _botbench_forward_tracker_free      (BotbenchForwardTracker     *self);
/* The event as the list should show it (borrowed): a newer read when its
 * forward was recorded since the list model read it.  Never reads the
 * store: an event recorded since, not read yet, is returned as it is and
 * read in a thread (refreshed tells when). */
BotbenchEvent          *_botbench_forward_tracker_get_fresh (BotbenchForwardTracker     *self,
                                                             BotbenchEvent              *event);
/* row (a BotbenchEventRow) now shows event / shows nothing any more. */
void                    _botbench_forward_tracker_bind      (BotbenchForwardTracker     *self,
                                                             GtkWidget                  *row,
                                                             BotbenchEvent              *event);
void                    _botbench_forward_tracker_unbind    (BotbenchForwardTracker     *self,
                                                             GtkWidget                  *row);
/* The store recorded event_id's forward.  When a row shows it, or
 * shown_id is it, it is read again in a thread (then refreshed); else it
 * is read when a row binds it. */
void                    _botbench_forward_tracker_recorded  (BotbenchForwardTracker     *self,
                                                             gint64                      event_id,
                                                             gint64                      shown_id);
/* For tests: TRUE while a read runs or waits. */
gboolean                _botbench_forward_tracker_is_reading (BotbenchForwardTracker    *self);

G_END_DECLS
