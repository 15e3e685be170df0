/* botbench-request-sender.c: send a request from a dialog and show the answer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the Replay and Simulate Event dialogs share once their request is
 * built: the session, the send (botbench_replay_send_async: the request
 * is stored and its answer recorded), the answer page, the problem label
 * and selecting the stored event in the window.
 */
#define G_LOG_DOMAIN "botbench-request-sender"

#include "config.h"

#include "botbench-request-sender.h"

struct _BotbenchRequestSender
{
  BotbenchApplication       *app;
  GtkWindow                 *parent;          /* weak */
  SoupSession               *session;
  GCancellable              *cancellable;
  AdwViewStack              *view_stack;
  AdwViewStackPage          *answer_page;
  GtkLabel                  *problem_label;
  BotbenchHandlerView       *answer_view;
  BotbenchRequestSenderFunc  done;
  gpointer                   owner;
  gint64                     event_id;
  guint                      sending : 1;
  guint                      sent : 1;
};

/* One send: the sender may be freed before it finishes. */
typedef struct
{
  BotbenchRequestSender *sender;
  GCancellable          *cancellable;
} Send;

static void
request_sent_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Send *send = user_data;
  g_autoptr(GCancellable) cancellable = g_steal_pointer (&send->cancellable);
  BotbenchRequestSender *self = send->sender;
  g_autoptr(BotbenchForwardResult) answer = NULL;
  g_autoptr(GError) error = NULL;
  gint64 event_id = 0;

  g_free (send);
  answer = botbench_replay_send_finish (result, &event_id, &error);

  /* The dialog went away (a replay cancelled in flight is stored all the
   * same, but there is nothing left to show it on). */
  if (g_cancellable_is_cancelled (cancellable))
    return;

  self->sending = FALSE;
  if (event_id == 0 && answer != NULL)
    event_id = botbench_replay_get_listener_id (answer);

  self->event_id = event_id;
  self->sent = TRUE;

  if (answer == NULL)
    {
      _botbench_request_sender_show_problem (self, error->message);
    }
  else
    {
      botbench_handler_view_set_result (self->answer_view, answer);
      adw_view_stack_page_set_visible (self->answer_page, TRUE);
      adw_view_stack_set_visible_child_name (self->view_stack, "answer");
    }

  if (event_id > 0 && self->parent != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self->parent), "win.show-event", "x", event_id);

  self->done (self->owner);
}

BotbenchRequestSender *
_botbench_request_sender_new (BotbenchApplication       *app,
                              GtkWindow                 *parent,
                              AdwViewStack              *view_stack,
                              AdwViewStackPage          *answer_page,
                              GtkLabel                  *problem_label,
                              BotbenchHandlerView       *answer_view,
                              BotbenchRequestSenderFunc  done,
                              gpointer                   owner)
{
  BotbenchRequestSender *self;

  g_return_val_if_fail (BOTBENCH_IS_APPLICATION (app), NULL);
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (done != NULL, NULL);

  self = g_new0 (BotbenchRequestSender, 1);
  self->app = g_object_ref (app);
  g_set_weak_pointer (&self->parent, parent);
  self->session = soup_session_new ();
  self->cancellable = g_cancellable_new ();
  self->view_stack = view_stack;
  self->answer_page = answer_page;
  self->problem_label = problem_label;
  self->answer_view = answer_view;
  self->done = done;
  self->owner = owner;

  return self;
}

void
_botbench_request_sender_free (BotbenchRequestSender *self)
{
  if (self == NULL)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->session);
  g_clear_object (&self->app);
  g_clear_weak_pointer (&self->parent);
  g_free (self);
}

void
_botbench_request_sender_send (BotbenchRequestSender *self,
                               BotbenchEvent         *request,
                               const char            *url)
{
  GSettings *settings;
  Send *send;

  g_return_if_fail (self != NULL);
  g_return_if_fail (BOTBENCH_IS_EVENT (request));
  g_return_if_fail (url != NULL);
  g_return_if_fail (!self->sending);

  settings = botbench_application_get_settings (self->app);
  send = g_new0 (Send, 1);
  send->sender = self;
  send->cancellable = g_object_ref (self->cancellable);

  self->sending = TRUE;
  botbench_replay_send_async (botbench_application_get_store (self->app), self->session, request, url,
                              g_settings_get_uint (settings, "forward-timeout"),
                              self->cancellable, request_sent_cb, send);
}

void
_botbench_request_sender_show_problem (BotbenchRequestSender *self,
                                       const char            *message)
{
  g_return_if_fail (self != NULL);

  gtk_label_set_label (self->problem_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->problem_label), message != NULL && *message != '\0');
}

gboolean
_botbench_request_sender_get_sending (BotbenchRequestSender *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->sending;
}

gboolean
_botbench_request_sender_get_sent (BotbenchRequestSender *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->sent;
}

gint64
_botbench_request_sender_get_event_id (BotbenchRequestSender *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->event_id;
}
