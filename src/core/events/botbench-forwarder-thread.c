/* botbench-forwarder-thread.c: the forwarder's own thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The thread owns the SoupSession and runs every send: pump() starts
 * sends while there is room (one per target, max_in_flight overall), each
 * answer is recorded through the store's writer, and only then is the
 * forward counted done and "forwarded" emitted on the owner's context.
 * Nothing here holds a reference on the forwarder: dispose stops the
 * thread, waiting until the answers under way are recorded.
 */
#define G_LOG_DOMAIN "botbench-forward"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "botbench-forwarder-private.h"
#include "botbench-http-send.h"

/* One send under way, or one result being recorded. */
typedef struct
{
  BotbenchForwarder *self;     /* not a reference, see the top */
  Target            *target;   /* NULL when nothing was sent */
  BotbenchEvent     *event;
  char              *url;
  BotbenchForwardResult *result;   /* for a result known without a send */
  gboolean           recording;
} Send;

static void
send_free (Send *send)
{
  g_object_unref (send->event);
  g_clear_pointer (&send->result, botbench_forward_result_unref);
  g_free (send->url);
  g_free (send);
}

/* ---- announcing -------------------------------------------------------- */

typedef struct
{
  GWeakRef               self;
  BotbenchEvent         *event;
  BotbenchForwardResult *result;
} Announce;

static gboolean
announce_cb (gpointer data)
{
  Announce *a = data;
  g_autoptr(BotbenchForwarder) self = g_weak_ref_get (&a->self);

  if (self != NULL)
    _botbench_forwarder_emit_forwarded (self, a->event, a->result);

  return G_SOURCE_REMOVE;
}

static void
announce_free (gpointer data)
{
  Announce *a = data;

  g_weak_ref_clear (&a->self);
  g_object_unref (a->event);
  botbench_forward_result_unref (a->result);
  g_free (a);
}

void
_botbench_forwarder_announce (BotbenchForwarder     *self,
                              BotbenchEvent         *event,
                              BotbenchForwardResult *result)
{
  Announce *a = g_new0 (Announce, 1);

  g_weak_ref_init (&a->self, self);
  a->event = g_object_ref (event);
  a->result = botbench_forward_result_ref (result);
  g_main_context_invoke_full (self->owner_context, G_PRIORITY_DEFAULT, announce_cb, a, announce_free);
}

BotbenchForwardResult *
_botbench_forwarder_failed_result (const char *url,
                                   const char *error)
{
  BotbenchForwardResult *result = botbench_forward_result_new (url);

  botbench_forward_result_set_error (result, error);
  botbench_forward_result_set_finished (result, g_get_real_time ());
  return result;
}

void
_botbench_forwarder_done_locked (BotbenchForwarder *self,
                                 BotbenchEvent     *event)
{
  gint64 id = botbench_event_get_id (event);

  g_assert (self->pending > 0);
  self->pending--;
  g_hash_table_remove (self->pending_ids, &id);
  g_cond_broadcast (&self->cond);
}

/* ---- pumping ----------------------------------------------------------- */

static void pump (BotbenchForwarder *self);

static gboolean
pump_cb (gpointer data)
{
  pump (data);
  return G_SOURCE_REMOVE;
}

void
_botbench_forwarder_schedule_pump (BotbenchForwarder *self)
{
  GSource *source;

  g_mutex_lock (&self->lock);
  if (self->pump_scheduled)
    {
      g_mutex_unlock (&self->lock);
      return;
    }
  self->pump_scheduled = TRUE;
  g_mutex_unlock (&self->lock);

  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_LOW);
  g_source_set_callback (source, pump_cb, self, NULL);
  g_source_set_static_name (source, "[botbench] forward");
  g_source_attach (source, self->context);
  g_source_unref (source);
}

static void
recorded_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Send *send = user_data;
  BotbenchForwarder *self = send->self;
  g_autoptr(GError) error = NULL;

  if (!botbench_event_store_record_forward_finish (BOTBENCH_EVENT_STORE (object), result, &error))
    g_debug ("Could not record the forward of event %" G_GINT64_FORMAT ": %s",
             botbench_event_get_id (send->event), error->message);

  /* Counted first: whoever hears "forwarded" finds it no longer pending. */
  g_mutex_lock (&self->lock);
  _botbench_forwarder_done_locked (self, send->event);
  g_mutex_unlock (&self->lock);

  _botbench_forwarder_announce (self, send->event, botbench_event_get_forward (send->event));

  send_free (send);
}

static void
record (Send                  *send,
        BotbenchForwardResult *result)
{
  botbench_event_set_forward (send->event, result);
  botbench_event_store_record_forward_async (send->self->store, botbench_event_get_id (send->event),
                                             result, NULL, recorded_cb, send);
}

static gboolean
finish_cb (gpointer data)
{
  Send *send = data;

  send->recording = TRUE;
  record (send, send->result);
  return G_SOURCE_REMOVE;
}

/* Only when the thread stopped before finish_cb ran. */
static void
finish_free (gpointer data)
{
  Send *send = data;

  if (!send->recording)
    send_free (send);
}

void
_botbench_forwarder_schedule_finish (BotbenchForwarder     *self,
                                     BotbenchEvent         *event,
                                     BotbenchForwardResult *result)
{
  Send *send = g_new0 (Send, 1);

  send->self = self;
  send->event = g_object_ref (event);
  send->url = g_strdup (botbench_forward_result_get_url (result));
  send->result = botbench_forward_result_ref (result);
  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, finish_cb, send, finish_free);
}

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Send *send = user_data;
  BotbenchForwarder *self = send->self;
  g_autoptr(BotbenchForwardResult) answer = botbench_http_send_finish (result);
  gboolean stopped;

  g_mutex_lock (&self->lock);
  stopped = self->stopped;
  send->target->busy = FALSE;
  send->target = NULL;
  g_assert (self->in_flight > 0);
  self->in_flight--;
  _botbench_forwarder_prune_locked (self);
  g_mutex_unlock (&self->lock);

  if (stopped && botbench_forward_result_get_state (answer) == BOTBENCH_FORWARD_STATE_FAILED)
    {
      g_clear_pointer (&answer, botbench_forward_result_unref);
      answer = _botbench_forwarder_failed_result (send->url, _("Interrupted"));
    }

  record (send, answer);
  /* Not from inside libsoup's callback, and after libsoup's own sources:
   * the next send would find the connection still busy and open another
   * one (a connection per forward, four times slower). */
  if (!stopped)
    _botbench_forwarder_schedule_pump (self);
}

/* The forwarder's thread: starts sends while there is room. */
static void
pump (BotbenchForwarder *self)
{
  g_autoptr(GPtrArray) sends = g_ptr_array_new ();
  guint timeout_s;

  g_mutex_lock (&self->lock);
  self->pump_scheduled = FALSE;
  timeout_s = self->timeout_s;
  while (!self->stopped && self->in_flight < self->max_in_flight)
    {
      Target *target = NULL;
      BotbenchEvent *event = _botbench_forwarder_next_locked (self, &target);
      Send *send;

      if (event == NULL)
        break;

      send = g_new0 (Send, 1);
      send->self = self;
      send->target = target;
      send->event = event;
      send->url = g_strdup (target->url);
      self->in_flight++;
      g_ptr_array_add (sends, send);
    }
  g_mutex_unlock (&self->lock);

  for (guint i = 0; i < sends->len; i++)
    {
      Send *send = g_ptr_array_index (sends, i);

      botbench_http_send_full_async (self->session, send->url, send->event, BOTBENCH_HTTP_SEND_FORWARD,
                                     timeout_s, self->cancellable, sent_cb, send);
    }
}

gpointer
_botbench_forwarder_thread_func (gpointer data)
{
  BotbenchForwarder *self = data;

  g_main_context_push_thread_default (self->context);
  /* idle-timeout: a kept-alive connection idle for a second is closed
   * here before the handler closes it (Node.js after 5 s, Apache after
   * 5 s, gunicorn after 2 s): a forward sent just as the handler closes
   * the connection may have reached it, and is not sent again (see
   * botbench-http-send.c), so that race is best avoided.  Under load the
   * connections stay in use. */
  self->session = soup_session_new_with_options ("max-conns", 64,
                                                 "max-conns-per-host", 2,
                                                 "idle-timeout", 1,
                                                 NULL);

  g_mutex_lock (&self->lock);
  self->started = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);

  g_main_loop_run (self->loop);
  /* Close the kept-alive connections while this context still runs their
   * sources: a connection left to the session's finalization leaves its
   * socket source behind (LeakSanitizer saw it). */
  soup_session_abort (self->session);
  while (g_main_context_iteration (self->context, FALSE))
    ;
  g_clear_object (&self->session);
  while (g_main_context_iteration (self->context, FALSE))
    ;
  g_main_context_pop_thread_default (self->context);

  return NULL;
}
