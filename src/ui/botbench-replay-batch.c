/* botbench-replay-batch.c: replaying the events a filter shows, one at a time
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Events menu's "Replay Shown Events…" walks the ids its filters show
 * from oldest to newest, a page of events at a time (keyset queries
 * bounded by the last id stored when the batch was made, so the replays
 * it stores are not replayed again), and sends each one unchanged with
 * botbench_replay_send_async(), waiting for one answer before the next
 * send.  What each send did is counted; "progress" tells after each
 * event, "finished" once at the end.
 */
#define G_LOG_DOMAIN "botbench-replay-batch"

#include "config.h"

#include <glib/gi18n.h>

#include "botbench-forward-format.h"
#include "botbench-replay-batch.h"

/* Events read per query: a page's bodies are all a batch holds at once. */
#define PAGE_SIZE 20

struct _BotbenchReplayBatch
{
  GObject                    parent_instance;

  BotbenchEventStore        *store;
  BotbenchEventFilter       *filter;
  /* the events with id <= max_id, after last_id (the last one taken) */
  gint64                     max_id;
  gint64                     last_id;

  BotbenchReplayBatchTarget  target;
  char                      *url;
  BotbenchForwarder         *forwarder;
  guint                      timeout_s;

  SoupSession               *session;
  GCancellable              *cancellable;
  GPtrArray                 *page;
  guint                      page_pos;
  guint                      idle_id;

  GError                    *error;
  char                      *last_failure;
  GArray                    *new_ids;
  gint64                     n_total;
  guint64                    n_done;
  guint64                    n_ok;
  guint64                    n_failed;

  guint                      counted : 1;
  guint                      page_was_last : 1;
  guint                      running : 1;
  guint                      started : 1;
  guint                      cancelled : 1;
};

G_DEFINE_FINAL_TYPE (BotbenchReplayBatch, botbench_replay_batch, G_TYPE_OBJECT)

enum
{
  PROGRESS,
  FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void botbench_replay_batch_next (BotbenchReplayBatch *self);

static const char *
nonempty (const char *str)
{
  return str != NULL && *str != '\0' ? str : NULL;
}

static void
botbench_replay_batch_fill_query (BotbenchReplayBatch *self,
                                  BotbenchEventQuery  *query)
{
  botbench_event_filter_to_query (self->filter, query);
  query->before_id = self->max_id + 1;
}

static void
botbench_replay_batch_finish (BotbenchReplayBatch *self)
{
  if (!self->running)
    return;

  self->running = FALSE;
  g_clear_pointer (&self->page, g_ptr_array_unref);
  g_debug ("Replayed %" G_GUINT64_FORMAT " of %" G_GINT64_FORMAT " events (%" G_GUINT64_FORMAT
           " 2xx, %" G_GUINT64_FORMAT " failed)%s", self->n_done, self->n_total, self->n_ok,
           self->n_failed, self->cancelled ? ", cancelled" : "");
  g_signal_emit (self, signals[FINISHED], 0);
}

static void
botbench_replay_batch_count_done (BotbenchReplayBatch *self,
                                  gboolean             ok,
                                  const char          *failure)
{
  self->n_done++;
  if (ok)
    {
      self->n_ok++;
    }
  else
    {
      self->n_failed++;
      g_free (self->last_failure);
      self->last_failure = g_strdup (failure);
    }

  g_signal_emit (self, signals[PROGRESS], 0);
}

/* The next event to send, or NULL (at the end, or with error set). */
static BotbenchEvent *
botbench_replay_batch_take (BotbenchReplayBatch  *self,
                            GError              **error)
{
  if (self->page == NULL || self->page_pos >= self->page->len)
    {
      BotbenchEventQuery query = { 0 };

      if (self->page != NULL && self->page_was_last)
        return NULL;

      g_clear_pointer (&self->page, g_ptr_array_unref);
      botbench_replay_batch_fill_query (self, &query);
      query.after_id = self->last_id;
      query.ascending = TRUE;
      query.limit = PAGE_SIZE;
      self->page = botbench_event_store_query (self->store, &query, error);
      if (self->page == NULL)
        return NULL;
      self->page_pos = 0;
      self->page_was_last = self->page->len < PAGE_SIZE;
      if (self->page->len == 0)
        return NULL;
    }

  return g_object_ref (g_ptr_array_index (self->page, self->page_pos++));
}

static char *
botbench_replay_batch_dup_url (BotbenchReplayBatch *self,
                               BotbenchEvent       *event)
{
  const char *path = botbench_event_get_path (event);

  if (path == NULL || *path != '/')
    path = "/";

  switch (self->target)
    {
    case BOTBENCH_REPLAY_BATCH_TARGET_LISTENER:
      return self->url != NULL ? g_strconcat (self->url, path, NULL) : NULL;

    case BOTBENCH_REPLAY_BATCH_TARGET_FORWARD:
      return self->forwarder != NULL ? botbench_forwarder_dup_target (self->forwarder, path) : NULL;

    case BOTBENCH_REPLAY_BATCH_TARGET_URL:
      return g_strdup (self->url);

    default:
      break;
    }

  return NULL;
}

static gboolean
botbench_replay_batch_next_idle_cb (gpointer user_data)
{
  BotbenchReplayBatch *self = user_data;

  self->idle_id = 0;
  botbench_replay_batch_next (self);

  return G_SOURCE_REMOVE;
}

static void
botbench_replay_batch_sent_cb (GObject      *object,
                               GAsyncResult *result,
                               gpointer      user_data)
{
  g_autoptr(BotbenchReplayBatch) self = user_data;
  g_autoptr(BotbenchForwardResult) answer = NULL;
  g_autoptr(GError) error = NULL;
  gint64 event_id = 0;

  answer = botbench_replay_send_finish (result, &event_id, &error);

  /* A send cut short by cancel() went out all the same (the target may
   * have got it, and the replay is stored): it counts as failed. */
  if (event_id == 0 && answer != NULL)
    event_id = botbench_replay_get_listener_id (answer);
  if (event_id > 0)
    g_array_append_val (self->new_ids, event_id);

  if (answer == NULL)
    {
      botbench_replay_batch_count_done (self, FALSE, error->message);
    }
  else if (botbench_forward_result_is_success (answer))
    {
      botbench_replay_batch_count_done (self, TRUE, NULL);
    }
  else
    {
      g_autofree char *summary = botbench_format_forward_summary (answer);

      botbench_replay_batch_count_done (self, FALSE, summary);
    }

  botbench_replay_batch_next (self);
}

static void
botbench_replay_batch_next (BotbenchReplayBatch *self)
{
  g_autoptr(BotbenchEvent) event = NULL;
  g_autoptr(BotbenchEvent) replay = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  if (!self->running)
    return;

  if (self->cancelled)
    {
      botbench_replay_batch_finish (self);
      return;
    }

  event = botbench_replay_batch_take (self, &error);
  if (event == NULL)
    {
      if (error != NULL)
        g_propagate_error (&self->error, g_steal_pointer (&error));
      botbench_replay_batch_finish (self);
      return;
    }
  self->last_id = botbench_event_get_id (event);

  url = botbench_replay_batch_dup_url (self, event);
  if (url == NULL)
    {
      g_autofree char *failure = NULL;

      /* Translators: %s is a listener path such as /bot */
      failure = g_strdup_printf (_("No forwarding rule matches %s"), botbench_event_get_path (event));
      botbench_replay_batch_count_done (self, FALSE, failure);
    }
  else if ((replay = botbench_replay_build (event, NULL, &error)) == NULL)
    {
      botbench_replay_batch_count_done (self, FALSE, error->message);
    }
  else
    {
      botbench_replay_send_async (self->store, self->session, replay, url, self->timeout_s,
                                  self->cancellable, botbench_replay_batch_sent_cb, g_object_ref (self));
      return;
    }

  /* Nothing was sent: the next event from an idle, so that a long run
   * of failures does not hold the main loop. */
  self->idle_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, botbench_replay_batch_next_idle_cb,
                                   g_object_ref (self), g_object_unref);
}

static void
botbench_replay_batch_dispose (GObject *object)
{
  BotbenchReplayBatch *self = (BotbenchReplayBatch *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->idle_id, g_source_remove);
  g_clear_pointer (&self->page, g_ptr_array_unref);
  g_clear_object (&self->store);
  g_clear_object (&self->forwarder);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (botbench_replay_batch_parent_class)->dispose (object);
}

static void
botbench_replay_batch_finalize (GObject *object)
{
  BotbenchReplayBatch *self = (BotbenchReplayBatch *)object;

  g_clear_object (&self->cancellable);
  g_clear_error (&self->error);
  g_clear_pointer (&self->new_ids, g_array_unref);
  botbench_event_filter_free (self->filter);
  g_free (self->url);
  g_free (self->last_failure);

  G_OBJECT_CLASS (botbench_replay_batch_parent_class)->finalize (object);
}

static void
botbench_replay_batch_class_init (BotbenchReplayBatchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = botbench_replay_batch_dispose;
  object_class->finalize = botbench_replay_batch_finalize;

  /* After each event, sent or failed. */
  signals[PROGRESS] = g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* Once, when the batch stopped: every event done, cancelled, or a
   * read error (botbench_replay_batch_get_error()). */
  signals[FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
botbench_replay_batch_init (BotbenchReplayBatch *self)
{
  self->cancellable = g_cancellable_new ();
  self->new_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->target = BOTBENCH_REPLAY_BATCH_TARGET_URL;
}

BotbenchReplayBatch *
botbench_replay_batch_new (BotbenchEventStore *store,
                           const BotbenchEventFilter *filter)
{
  BotbenchReplayBatch *self;

  g_return_val_if_fail (BOTBENCH_IS_EVENT_STORE (store), NULL);

  self = g_object_new (BOTBENCH_TYPE_REPLAY_BATCH, NULL);
  self->store = g_object_ref (store);
  self->filter = g_new0 (BotbenchEventFilter, 1);
  if (filter != NULL)
    {
      self->filter->event_name = g_strdup (nonempty (filter->event_name));
      self->filter->search = g_strdup (nonempty (filter->search));
      self->filter->verified = g_strdup (nonempty (filter->verified));
      self->filter->source = g_strdup (nonempty (filter->source));
    }
  self->max_id = botbench_event_store_get_last_id (store);

  return self;
}

gint64
botbench_replay_batch_count (BotbenchReplayBatch  *self,
                             GError              **error)
{
  BotbenchEventQuery query = { 0 };
  gint64 n;

  g_return_val_if_fail (BOTBENCH_IS_REPLAY_BATCH (self), -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  if (self->counted)
    return self->n_total;

  botbench_replay_batch_fill_query (self, &query);
  n = botbench_event_store_count (self->store, &query, error);
  if (n < 0)
    return -1;

  self->n_total = n;
  self->counted = TRUE;

  return n;
}

void
botbench_replay_batch_set_target (BotbenchReplayBatch       *self,
                                  BotbenchReplayBatchTarget  target,
                                  const char                *url,
                                  BotbenchForwarder         *forwarder)
{
  g_return_if_fail (BOTBENCH_IS_REPLAY_BATCH (self));
  g_return_if_fail (forwarder == NULL || BOTBENCH_IS_FORWARDER (forwarder));
  g_return_if_fail (!self->started);

  self->target = target;
  g_free (self->url);
  self->url = g_strdup (url);
  g_set_object (&self->forwarder, forwarder);
}

void
botbench_replay_batch_set_timeout (BotbenchReplayBatch *self,
                                   guint                timeout_s)
{
  g_return_if_fail (BOTBENCH_IS_REPLAY_BATCH (self));

  self->timeout_s = timeout_s;
}

void
botbench_replay_batch_start (BotbenchReplayBatch *self)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (BOTBENCH_IS_REPLAY_BATCH (self));
  g_return_if_fail (!self->started);

  self->started = TRUE;
  self->running = TRUE;
  self->session = soup_session_new ();

  if (botbench_replay_batch_count (self, &error) < 0)
    {
      g_propagate_error (&self->error, g_steal_pointer (&error));
      botbench_replay_batch_finish (self);
      return;
    }

  botbench_replay_batch_next (self);
}

void
botbench_replay_batch_cancel (BotbenchReplayBatch *self)
{
  g_return_if_fail (BOTBENCH_IS_REPLAY_BATCH (self));

  if (!self->running || self->cancelled)
    return;

  self->cancelled = TRUE;
  g_cancellable_cancel (self->cancellable);
}

gboolean
botbench_replay_batch_get_running (BotbenchReplayBatch *self)
{
  g_return_val_if_fail (BOTBENCH_IS_REPLAY_BATCH (self), FALSE);

  return self->running;
}

gboolean
botbench_replay_batch_get_cancelled (BotbenchReplayBatch *self)
{
  g_return_val_if_fail (BOTBENCH_IS_REPLAY_BATCH (self), FALSE);

  return self->cancelled;
}

const GError *
botbench_replay_batch_get_error (BotbenchReplayBatch *self)
{
  g_return_val_if_fail (BOTBENCH_IS_REPLAY_BATCH (self), NULL);

  return self->error;
}

const char *
botbench_replay_batch_get_last_failure (BotbenchReplayBatch *self)
{
  g_return_val_if_fail (BOTBENCH_IS_REPLAY_BATCH (self), NULL);

  return self->last_failure;
}

guint64
botbench_replay_batch_get_n_total (BotbenchReplayBatch *self)
{
  g_return_val_if_fail (BOTBENCH_IS_REPLAY_BATCH (self), 0);

  return (guint64)MAX (self->n_total, 0);
}

guint64
botbench_replay_batch_get_n_done (BotbenchReplayBatch *self)
{
  g_return_val_if_fail (BOTBENCH_IS_REPLAY_BATCH (self), 0);

  return self->n_done;
}

guint64
botbench_replay_batch_get_n_ok (BotbenchReplayBatch *self)
{
  g_return_val_if_fail (BOTBENCH_IS_REPLAY_BATCH (self), 0);

  return self->n_ok;
}

guint64
botbench_replay_batch_get_n_failed (BotbenchReplayBatch *self)
{
  g_return_val_if_fail (BOTBENCH_IS_REPLAY_BATCH (self), 0);

  return self->n_failed;
}

GArray *
botbench_replay_batch_get_new_ids (BotbenchReplayBatch *self)
{
  g_return_val_if_fail (BOTBENCH_IS_REPLAY_BATCH (self), NULL);

  return self->new_ids;
}
