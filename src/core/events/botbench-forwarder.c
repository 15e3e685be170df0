/* botbench-forwarder.c: forwards committed events to the developer's handlers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The GObject, its settings and the public API.  An event is prepared
 * before it is stored (a rule matched: it gets a pending forward, stored
 * in the same transaction as the event) and submitted once committed;
 * the queues live in botbench-forwarder-targets.c, the sends and their
 * recording in botbench-forwarder-thread.c.
 *
 * Threads
 *   prepare() and submit() run on the listener's thread (or any other):
 *   under the lock they find the target, queue the event and wake the
 *   forwarder's own thread, which owns the SoupSession, runs every send
 *   and records every answer through the store's writer.  Only
 *   "forwarded" is emitted on the main context that created the
 *   forwarder.
 */
#define G_LOG_DOMAIN "botbench-forward"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "botbench-forwarder-private.h"

#define STOP_WAIT_MS 5000

G_DEFINE_FINAL_TYPE (BotbenchForwarder, botbench_forwarder, G_TYPE_OBJECT)

enum {
  FORWARDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

void
_botbench_forwarder_emit_forwarded (BotbenchForwarder     *self,
                                    BotbenchEvent         *event,
                                    BotbenchForwardResult *result)
{
  g_signal_emit (self, signals[FORWARDED], 0, event, result);
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
  g_clear_pointer (&self->prepared, g_ptr_array_unref);
  g_clear_pointer (&self->pending_ids, g_hash_table_unref);
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
  self->max_queued_bytes = BOTBENCH_FORWARDER_DEFAULT_MAX_QUEUED_BYTES;
  self->targets = g_ptr_array_new_with_free_func ((GDestroyNotify)_botbench_forwarder_target_free);
  self->prepared = g_ptr_array_new_with_free_func (g_object_unref);
  self->pending_ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
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
  self->thread = g_thread_new ("bb-forwarder", _botbench_forwarder_thread_func, self);
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
  /* Targets no rule points at any more go once idle (now, or when their
   * last send ends). */
  _botbench_forwarder_prune_locked (self);
  g_mutex_unlock (&self->lock);
}

char *
botbench_forwarder_dup_target (BotbenchForwarder *self,
                               const char        *path)
{
  char *url;

  g_return_val_if_fail (BOTBENCH_IS_FORWARDER (self), NULL);

  g_mutex_lock (&self->lock);
  url = g_strdup (_botbench_forwarder_match_locked (self, path));
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

void
botbench_forwarder_set_max_queued_bytes (BotbenchForwarder *self,
                                         guint64            max_bytes)
{
  g_return_if_fail (BOTBENCH_IS_FORWARDER (self));
  g_return_if_fail (max_bytes > 0);

  g_mutex_lock (&self->lock);
  self->max_queued_bytes = max_bytes;
  g_mutex_unlock (&self->lock);
}

gboolean
botbench_forwarder_prepare (BotbenchForwarder *self,
                            BotbenchEvent     *event)
{
  g_autoptr(BotbenchForwardResult) pending = NULL;
  g_autofree char *url = NULL;

  g_return_val_if_fail (BOTBENCH_IS_FORWARDER (self), FALSE);
  g_return_val_if_fail (BOTBENCH_IS_EVENT (event), FALSE);

  g_mutex_lock (&self->lock);
  if (!self->stopped)
    url = g_strdup (_botbench_forwarder_match_locked (self, botbench_event_get_path (event)));
  if (url != NULL)
    {
      /* Under the lock: is_forwarding() reads the prepared events' forwards. */
      pending = botbench_forward_result_new (url);
      botbench_event_set_forward (event, pending);
      g_ptr_array_add (self->prepared, g_object_ref (event));
      self->pending++;
    }
  g_mutex_unlock (&self->lock);

  return url != NULL;
}

void
botbench_forwarder_abandon (BotbenchForwarder *self,
                            BotbenchEvent     *event)
{
  g_return_if_fail (BOTBENCH_IS_FORWARDER (self));
  g_return_if_fail (BOTBENCH_IS_EVENT (event));

  g_mutex_lock (&self->lock);
  if (g_ptr_array_remove (self->prepared, event))
    {
      g_assert (self->pending > 0);
      self->pending--;
      g_cond_broadcast (&self->cond);
    }
  g_mutex_unlock (&self->lock);
}

/* The URL a prepared event goes to: its pending forward's. */
static const char *
prepared_url (BotbenchEvent *event)
{
  BotbenchForwardResult *forward = botbench_event_get_forward (event);

  if (forward == NULL || botbench_forward_result_get_state (forward) != BOTBENCH_FORWARD_STATE_PENDING)
    return NULL;
  return botbench_forward_result_get_url (forward);
}

gboolean
botbench_forwarder_submit (BotbenchForwarder *self,
                           BotbenchEvent     *committed_event)
{
  g_autoptr(BotbenchForwardResult) failed = NULL;
  g_autofree char *url = NULL;
  gboolean stopped, queued = FALSE;
  gint64 id;

  g_return_val_if_fail (BOTBENCH_IS_FORWARDER (self), FALSE);
  g_return_val_if_fail (BOTBENCH_IS_EVENT (committed_event), FALSE);
  g_return_val_if_fail (botbench_event_get_id (committed_event) > 0, FALSE);

  id = botbench_event_get_id (committed_event);

  g_mutex_lock (&self->lock);
  stopped = self->stopped;
  if (g_ptr_array_remove (self->prepared, committed_event))
    {
      /* Its pending row names the target: the rules may have changed
       * since, the forward goes where the row says. */
      url = g_strdup (prepared_url (committed_event));
      g_assert (url != NULL);
    }
  else if (!stopped)
    {
      url = g_strdup (_botbench_forwarder_match_locked (self, botbench_event_get_path (committed_event)));
      if (url != NULL)
        self->pending++;
    }

  if (url != NULL && stopped)
    {
      /* Prepared before stop(): its pending row is finished now. */
      g_assert (self->pending > 0);
      self->pending--;
      g_cond_broadcast (&self->cond);
    }
  else if (url != NULL)
    {
      g_hash_table_add (self->pending_ids, g_memdup2 (&id, sizeof id));
      queued = _botbench_forwarder_enqueue_locked (self, url, committed_event);
    }
  g_mutex_unlock (&self->lock);

  if (url == NULL)
    return FALSE;

  if (stopped)
    {
      failed = _botbench_forwarder_failed_result (url, _("Interrupted"));
      botbench_event_set_forward (committed_event, failed);
      botbench_event_store_record_forward_async (self->store, id, failed, NULL, NULL, NULL);
      _botbench_forwarder_announce (self, committed_event, failed);
    }
  else if (queued)
    _botbench_forwarder_schedule_pump (self);
  else
    {
      failed = _botbench_forwarder_failed_result (url, _("Forward queue full"));
      g_debug ("Forward queue for %s full: event %" G_GINT64_FORMAT " not forwarded", url, id);
      _botbench_forwarder_schedule_finish (self, committed_event, failed);
    }

  return TRUE;
}

gboolean
botbench_forwarder_is_forwarding (BotbenchForwarder *self,
                                  BotbenchEvent     *stored_event)
{
  const char *url;
  gboolean mine = FALSE;
  gint64 id;

  g_return_val_if_fail (BOTBENCH_IS_FORWARDER (self), FALSE);
  g_return_val_if_fail (BOTBENCH_IS_EVENT (stored_event), FALSE);

  url = prepared_url (stored_event);
  if (url == NULL)
    return FALSE;
  id = botbench_event_get_id (stored_event);

  g_mutex_lock (&self->lock);
  mine = g_hash_table_contains (self->pending_ids, &id);
  /* An event prepared here may be committed and read before its id
   * reaches the forwarder: one for the same URL may be this one. */
  for (guint i = 0; !mine && i < self->prepared->len; i++)
    mine = g_strcmp0 (prepared_url (g_ptr_array_index (self->prepared, i)), url) == 0;
  g_mutex_unlock (&self->lock);

  return mine;
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
  _botbench_forwarder_drain_locked (self, queued, urls);
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
      g_autoptr(BotbenchForwardResult) result = _botbench_forwarder_failed_result (g_ptr_array_index (urls, i),
                                                                                    _("Interrupted"));
      g_autoptr(GError) error = NULL;

      botbench_event_set_forward (event, result);
      if (!botbench_event_store_record_forward (self->store, botbench_event_get_id (event), result, &error))
        g_debug ("Could not record an interrupted forward: %s", error->message);
    }

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < queued->len; i++)
    _botbench_forwarder_done_locked (self, g_ptr_array_index (queued, i));
  g_mutex_unlock (&self->lock);

  /* Sends under way, results being recorded, and events prepared but not
   * yet stored (their submit() records them as interrupted). */
  if (!botbench_forwarder_flush (self, STOP_WAIT_MS))
    g_debug ("Stopping with %u forwards unrecorded", botbench_forwarder_get_n_pending (self));

  if (self->thread != NULL)
    {
      g_main_context_invoke (self->context, quit_cb, self->loop);
      g_thread_join (g_steal_pointer (&self->thread));
    }
}
