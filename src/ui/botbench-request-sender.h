/* botbench-request-sender.h: send a request from a dialog and show the answer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "botbench-application.h"
#include "botbench-core.h"
#include "botbench-handler-view.h"

G_BEGIN_DECLS

typedef struct _BotbenchRequestSender BotbenchRequestSender;

/* Called after each send finished (the owner updates its Send button). */
typedef void (*BotbenchRequestSenderFunc) (gpointer owner);

/* For a dialog's widgets (borrowed; the dialog frees the sender in its
 * dispose, which cancels a send running and means done is never called
 * again).  The answer goes to answer_view on view_stack's "answer" page
 * (answer_page, shown then); a failure to store to problem_label; the
 * stored event is selected in parent (win.show-event). */
BotbenchRequestSender *_botbench_request_sender_new  (BotbenchApplication       *app,
                                                      GtkWindow                 *parent,
                                                      AdwViewStack              *view_stack,
                                                      AdwViewStackPage          *answer_page,
                                                      GtkLabel                  *problem_label,
                                                      BotbenchHandlerView       *answer_view,
                                                      BotbenchRequestSenderFunc  done,
                                                      gpointer                   owner);
void                   _botbench_request_sender_free (BotbenchRequestSender     *self);
/* Sends request to url (botbench_replay_send_async(): stored and
 * recorded, with the settings' forward timeout). */
void                   _botbench_request_sender_send (BotbenchRequestSender     *self,
                                                      BotbenchEvent             *request,
                                                      const char                *url);
/* Shows message in the problem label (NULL or "": hides it). */
void                   _botbench_request_sender_show_problem (BotbenchRequestSender *self,
                                                              const char            *message);
gboolean               _botbench_request_sender_get_sending  (BotbenchRequestSender *self);
/* TRUE once a send finished (answered, failed or not stored). */
gboolean               _botbench_request_sender_get_sent     (BotbenchRequestSender *self);
/* The stored event of the last send, 0 when none. */
gint64                 _botbench_request_sender_get_event_id (BotbenchRequestSender *self);

G_END_DECLS
