/* botbench-forwarder.c: forwards committed events to the developer's handlers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Threads
 *   submit() runs on the listener's thread (or any other): under the lock
 *   it finds the target, queues the event and wakes the forwarder's own
 *   thread, which owns the SoupSession and runs every send, and records
 *   every answer through the store's writer.  Only "forwarded" is emitted
 *   on the main context that created the forwarder.
 *
 * Order and bounds
 *   One send at a time per target (so a handler sees events in the order
 *   they were committed), at most max_in_flight overall, targets served
 *   round robin; at most max_queued events wait per target.
 *
 * Nothing here holds a reference on the forwarder: dispose stops the
 *   thread, waiting until the answers under way are recorded.
 */
#define G_LOG_DOMAIN "botbench-forward"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "botbench-forwarder.h"
#include "botbench-http-send.h"

#define STOP_WAIT_MS 5000

typedef struct
{
  char     *url;
  GQueue    events;   /* BotbenchEvent *, oldest first */
  gboolean  busy;
} Target;

struct _BotbenchForwarder
{
  GObject             parent_instance;

  BotbenchEventStore *store;
  GMainContext       *owner_context;

  /* lock protects everything down to the thread; cond is signalled when
   * pending goes down. */
  GMutex              lock;
  GCond               cond;
  GPtrArray          *rules;
  guint               timeout_s;
  guint               max_in_flight;
  guint               max_queued;
  GPtrArray          *targets;          /* Target *, in order of first use */
  guint               next_target;      /* round robin */
  guint               in_flight;
  guint               pending;          /* submitted, answer not recorded */
  gboolean            stopped;
  gboolean            pump_scheduled;
  gboolean            started;          /* the thread made its session */

  GThread            *thread;
  GMainContext       *context;
  GMainLoop          *loop;
  GCancellable       *cancellable;
  SoupSession        *session;          /* the forwarder's thread only */
};

G_DEFINE_FINAL_TYPE (BotbenchForwarder, botbench_forwarder, G_TYPE_OBJECT)

enum {
  FORWARDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* One send under way. */
typedef struct
{
  BotbenchForwarder *self;     /* not a reference, see the top */
  Target            *target;
  BotbenchEvent     *event;
  char              *url;
} Send;

/* ---- targets ----------------------------------------------------------- */

static void
target_free (Target *target)
{
  g_queue_clear_full (&target->events, g_object_unref);
  g_free (target->url);
  g_free (target);
}

/* With lock held. */
static Target *
target_lookup_locked (BotbenchForwarder *self,
                      const char        *url)
{
  Target *target;

  for (guint i = 0; i < self->targets->len; i++)
    {
      target = g_ptr_array_index (self->targets, i);
      if (g_str_equal (target->url, url))
        return target;
    }

  target = g_new0 (Target, 1);
  target->url = g_strdup (url);
  g_queue_init (&target->events);
  g_ptr_array_add (self->targets, target);

  return target;
}

/* With lock held. */
static const char *
match_locked (BotbenchForwarder *self,
              const char        *path)
{
  for (guint i = 0; self->rules != NULL && i < self->rules->len; i++)
    {
      BotbenchForwardRule *rule = g_ptr_array_index (self->rules, i);

      if (botbench_forward_rule_get_enabled (rule) && *botbench_forward_rule_get_url (rule) != '\0' &&
          botbench_forward_rule_matches (rule, path))
        return botbench_forward_rule_get_url (rule);
    }

  return NULL;
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
    g_signal_emit (self, signals[FORWARDED], 0, a->event, a->result);

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

/* Any thread: "forwarded" on the owner's context. */
static void
announce (BotbenchForwarder     *self,
          BotbenchEvent         *event,
          BotbenchForwardResult *result)
{
  Announce *a = g_new0 (Announce, 1);

  g_weak_ref_init (&a->self, self);
  a->event = g_object_ref (event);
  a->result = botbench_forward_result_ref (result);
  g_main_context_invoke_full (self->owner_context, G_PRIORITY_DEFAULT, announce_cb, a, announce_free);
}

static BotbenchForwardResult *
failed_result (const char *url,
               const char *error)
{
  BotbenchForwardResult *result = botbench_forward_result_new (url);

  botbench_forward_result_set_error (result, error);
  botbench_forward_result_set_finished (result, g_get_real_time ());
  return result;
}

/* ---- the forwarder's thread -------------------------------------------- */

static void pump (BotbenchForwarder *self);

static gboolean
pump_cb (gpointer data)
{
  pump (data);
  return G_SOURCE_REMOVE;
}

/* Any thread: pump() soon on the forwarder's thread (once however often
 * this is called before it runs). */
static void
schedule_pump (BotbenchForwarder *self)
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
send_free (Send *send)
{
  g_object_unref (send->event);
  g_free (send->url);
  g_free (send);
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
  g_assert (self->pending > 0);
  self->pending--;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);

  announce (self, send->event, botbench_event_get_forward (send->event));

  send_free (send);
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
  g_assert (self->in_flight > 0);
  self->in_flight--;
  g_mutex_unlock (&self->lock);

  if (stopped && botbench_forward_result_get_state (answer) == BOTBENCH_FORWARD_STATE_FAILED)
    {
      g_clear_pointer (&answer, botbench_forward_result_unref);
      answer = failed_result (send->url, _("Interrupted"));
    }

  botbench_event_set_forward (send->event, answer);
  botbench_event_store_record_forward_async (self->store, botbench_event_get_id (send->event), answer,
                                             NULL, recorded_cb, send);
  /* Not from inside libsoup's callback, and after libsoup's own sources:
   * the next send would find the connection still busy and open another
   * one (a connection per forward, four times slower). */
  if (!stopped)
    schedule_pump (self);
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
      Target *ready = NULL;

      for (guint i = 0; i < self->targets->len && ready == NULL; i++)
        {
          Target *target = g_ptr_array_index (self->targets, (self->next_target + i) % self->targets->len);

          if (!target->busy && target->events.length > 0)
            {
              ready = target;
              self->next_target = (self->next_target + i + 1) % self->targets->len;
            }
        }
      if (ready == NULL)
        break;

      {
        Send *send = g_new0 (Send, 1);

        send->self = self;
        send->target = ready;
        send->event = g_queue_pop_head (&ready->events);
        send->url = g_strdup (ready->url);
        ready->busy = TRUE;
        self->in_flight++;
        g_ptr_array_add (sends, send);
      }
    }
  g_mutex_unlock (&self->lock);

  for (guint i = 0; i < sends->len; i++)
    {
      Send *send = g_ptr_array_index (sends, i);

      botbench_http_send_full_async (self->session, send->url, send->event, BOTBENCH_HTTP_SEND_FORWARD,
                                     timeout_s, self->cancellable, sent_cb, send);
    }
}


static gpointer
forwarder_thread_func (gpointer data)
{
  BotbenchForwarder *self = data;

  g_main_context_push_thread_default (self->context);
  self->session = soup_session_new_with_options ("max-conns", 64,
                                                 "max-conns-per-host", 2,
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

static gboolean
cancel_cb (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

/* ---- GObject ----------------------------------------------------------- */

static void
botbench_forwarder_dispose (GObject *object)
{
  BotbenchForwarder *self = (BotbenchForwarder *)object;

  botbench_forwarder_stop (self);

  G_OBJECT_CLASS (botbench_forwarder_parent_class)->dispose (object);
}

static void
botbench_forwarder_finalize (GObject *object)
{
  BotbenchForwarder *self = (BotbenchForwarder *)object;

  g_clear_pointer (&self->rules, g_ptr_array_unref);
  g_clear_pointer (&self->targets, g_ptr_array_unref);
  g_clear_pointer (&self->loop, g_main_loop_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->owner_context, g_main_context_unref);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (botbench_forwarder_parent_class)->finalize (object);
}

static void
botbench_forwarder_class_init (BotbenchForwarderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = botbench_forwarder_dispose;
  object_class->finalize = botbench_forwarder_finalize;

  /**
   * BotbenchForwarder::forwarded:
   * @event: the forwarded event (its forward is set)
   * @result: the handler's answer, as recorded
   *
   * A forward finished and its result is in the store.
   */
  signals[FORWARDED] =
    g_signal_new ("forwarded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                  BOTBENCH_TYPE_EVENT, BOTBENCH_TYPE_FORWARD_RESULT);
}

static void
botbench_forwarder_init (BotbenchForwarder *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->timeout_s = BOTBENCH_FORWARDER_DEFAULT_TIMEOUT;
  self->max_in_flight = BOTBENCH_FORWARDER_DEFAULT_MAX_IN_FLIGHT;
  self->max_queued = BOTBENCH_FORWARDER_DEFAULT_MAX_QUEUED;
  self->targets = g_ptr_array_new_with_free_func ((GDestroyNotify)target_free);
  self->owner_context = g_main_context_ref_thread_default ();
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->cancellable = g_cancellable_new ();
}

/* ---- public API -------------------------------------------------------- */

BotbenchForwarder *
botbench_forwarder_new (BotbenchEventStore *store)
{
  BotbenchForwarder *self;

  g_return_val_if_fail (BOTBENCH_IS_EVENT_STORE (store), NULL);

  self = g_object_new (BOTBENCH_TYPE_FORWARDER, NULL);
  self->store = g_object_ref (store);

  /* GLib 2.74 can deadlock when two threads initialise GTypes that depend
   * on each other at once (seen: this thread's GInetSocketAddress against
   * SoupSession's class_init there): register them here, and return only
   * once the thread has its session. */
  g_type_ensure (G_TYPE_INET_SOCKET_ADDRESS);
  g_type_ensure (G_TYPE_INET_ADDRESS);
  g_type_ensure (SOUP_TYPE_SESSION);
  self->thread = g_thread_new ("bb-forwarder", forwarder_thread_func, self);
  g_mutex_lock (&self->lock);
  while (!self->started)
    g_cond_wait (&self->cond, &self->lock);
  g_mutex_unlock (&self->lock);

  return self;
}

void
botbench_forwarder_set_rules (BotbenchForwarder *self,
                              GPtrArray         *rules)
{
  GPtrArray *copy = g_ptr_array_new_with_free_func ((GDestroyNotify)botbench_forward_rule_unref);

  g_return_if_fail (BOTBENCH_IS_FORWARDER (self));

  for (guint i = 0; rules != NULL && i < rules->len; i++)
    g_ptr_array_add (copy, botbench_forward_rule_ref (g_ptr_array_index (rules, i)));

  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->rules, g_ptr_array_unref);
  self->rules = copy;
  g_mutex_unlock (&self->lock);
}

char *
botbench_forwarder_dup_target (BotbenchForwarder *self,
                               const char        *path)
{
  char *url;

  g_return_val_if_fail (BOTBENCH_IS_FORWARDER (self), NULL);

  g_mutex_lock (&self->lock);
  url = g_strdup (match_locked (self, path));
  g_mutex_unlock (&self->lock);

  return url;
}

guint
botbench_forwarder_get_timeout (BotbenchForwarder *self)
{
  guint timeout_s;

  g_return_val_if_fail (BOTBENCH_IS_FORWARDER (self), 0);

  g_mutex_lock (&self->lock);
  timeout_s = self->timeout_s;
  g_mutex_unlock (&self->lock);

  return timeout_s;
}

void
botbench_forwarder_set_timeout (BotbenchForwarder *self,
                                guint              seconds)
{
  g_return_if_fail (BOTBENCH_IS_FORWARDER (self));
  g_return_if_fail (seconds >= 1 && seconds <= 600);

  g_mutex_lock (&self->lock);
  self->timeout_s = seconds;
  g_mutex_unlock (&self->lock);
}

guint
botbench_forwarder_get_max_in_flight (BotbenchForwarder *self)
{
  guint n;

  g_return_val_if_fail (BOTBENCH_IS_FORWARDER (self), 0);

  g_mutex_lock (&self->lock);
  n = self->max_in_flight;
  g_mutex_unlock (&self->lock);

  return n;
}

void
botbench_forwarder_set_max_in_flight (BotbenchForwarder *self,
                                      guint              max_in_flight)
{
  g_return_if_fail (BOTBENCH_IS_FORWARDER (self));
  g_return_if_fail (max_in_flight > 0);

  g_mutex_lock (&self->lock);
  self->max_in_flight = max_in_flight;
  g_mutex_unlock (&self->lock);
}

void
botbench_forwarder_set_max_queued (BotbenchForwarder *self,
                                   guint              max_queued)
{
  g_return_if_fail (BOTBENCH_IS_FORWARDER (self));
  g_return_if_fail (max_queued > 0);

  g_mutex_lock (&self->lock);
  self->max_queued = max_queued;
  g_mutex_unlock (&self->lock);
}

gboolean
botbench_forwarder_submit (BotbenchForwarder *self,
                           BotbenchEvent     *committed_event)
{
  g_autofree char *full_url = NULL;
  gboolean queued = FALSE;
  const char *url;

  g_return_val_if_fail (BOTBENCH_IS_FORWARDER (self), FALSE);
  g_return_val_if_fail (BOTBENCH_IS_EVENT (committed_event), FALSE);
  g_return_val_if_fail (botbench_event_get_id (committed_event) > 0, FALSE);

  g_mutex_lock (&self->lock);
  url = self->stopped ? NULL : match_locked (self, botbench_event_get_path (committed_event));
  if (url != NULL)
    {
      Target *target = target_lookup_locked (self, url);

      if (target->events.length < self->max_queued)
        {
          g_queue_push_tail (&target->events, g_object_ref (committed_event));
          self->pending++;
          queued = TRUE;
        }
      else
        full_url = g_strdup (url);
    }
  g_mutex_unlock (&self->lock);

  if (queued)
    schedule_pump (self);

  if (full_url != NULL)
    {
      g_autoptr(BotbenchForwardResult) result = failed_result (full_url, _("Forward queue full"));

      g_debug ("Forward queue for %s full: event %" G_GINT64_FORMAT " not forwarded",
               full_url, botbench_event_get_id (committed_event));
      botbench_event_set_forward (committed_event, result);
      botbench_event_store_record_forward_async (self->store, botbench_event_get_id (committed_event),
                                                 result, NULL, NULL, NULL);
      announce (self, committed_event, result);
    }

  return url != NULL;
}

guint
botbench_forwarder_get_n_pending (BotbenchForwarder *self)
{
  guint n;

  g_return_val_if_fail (BOTBENCH_IS_FORWARDER (self), 0);

  g_mutex_lock (&self->lock);
  n = self->pending;
  g_mutex_unlock (&self->lock);

  return n;
}

gboolean
botbench_forwarder_flush (BotbenchForwarder *self,
                          guint              timeout_ms)
{
  gint64 deadline;
  gboolean done;

  g_return_val_if_fail (BOTBENCH_IS_FORWARDER (self), FALSE);

  deadline = g_get_monotonic_time () + (gint64)timeout_ms * G_TIME_SPAN_MILLISECOND;
  g_mutex_lock (&self->lock);
  while (self->pending > 0)
    if (!g_cond_wait_until (&self->cond, &self->lock, deadline))
      break;
  done = self->pending == 0;
  g_mutex_unlock (&self->lock);

  return done;
}

void
botbench_forwarder_stop (BotbenchForwarder *self)
{
  g_autoptr(GPtrArray) queued = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) urls = g_ptr_array_new_with_free_func (g_free);

  g_return_if_fail (BOTBENCH_IS_FORWARDER (self));

  g_mutex_lock (&self->lock);
  if (self->stopped)
    {
      g_mutex_unlock (&self->lock);
      return;
    }
  self->stopped = TRUE;
  for (guint i = 0; i < self->targets->len; i++)
    {
      Target *target = g_ptr_array_index (self->targets, i);
      BotbenchEvent *event;

      while ((event = g_queue_pop_head (&target->events)) != NULL)
        {
          g_ptr_array_add (queued, event);
          g_ptr_array_add (urls, g_strdup (target->url));
        }
    }
  g_mutex_unlock (&self->lock);

  /* Under way: their sends end now, and are recorded as interrupted.
   * Cancelled in the forwarder's own thread: GLib 2.74 leaks a
   * GCancellableSource cancelled from another thread while its socket
   * source is dispatched (LeakSanitizer, test-forward). */
  if (self->thread != NULL)
    g_main_context_invoke_full (self->context, G_PRIORITY_HIGH, cancel_cb,
                                g_object_ref (self->cancellable), g_object_unref);
  else
    g_cancellable_cancel (self->cancellable);

  for (guint i = 0; i < queued->len; i++)
    {
      BotbenchEvent *event = g_ptr_array_index (queued, i);
      g_autoptr(BotbenchForwardResult) result = failed_result (g_ptr_array_index (urls, i),
                                                                _("Interrupted"));
      g_autoptr(GError) error = NULL;

      botbench_event_set_forward (event, result);
      if (!botbench_event_store_record_forward (self->store, botbench_event_get_id (event), result, &error))
        g_debug ("Could not record an interrupted forward: %s", error->message);
    }

  g_mutex_lock (&self->lock);
  g_assert (self->pending >= queued->len);
  self->pending -= queued->len;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);

  if (!botbench_forwarder_flush (self, STOP_WAIT_MS))
    g_debug ("Stopping with %u forwards unrecorded", botbench_forwarder_get_n_pending (self));

  if (self->thread != NULL)
    {
      g_main_context_invoke (self->context, quit_cb, self->loop);
      g_thread_join (g_steal_pointer (&self->thread));
    }
}
