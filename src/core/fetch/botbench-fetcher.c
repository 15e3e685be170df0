/* botbench-fetcher.c: fetch mode, one imbot.v2 bot's events polled with Event.get
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The poll loop: read the committed offset, call Event.get with it (which
 * acknowledges what was committed before), turn the answer into events,
 * commit them with the answer's nextOffset, schedule the next call.  Each
 * asynchronous step carries the cancellable of the run it belongs to, so a
 * step finishing after stop() (or after a restart) changes nothing but the
 * offset it committed.  See botbench-fetcher.h for the guarantees.
 */
#define G_LOG_DOMAIN "botbench-fetch"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "botbench-event-private.h"
#include "botbench-fetcher-private.h"

#define EVENT_GET "imbot.v2.Event.get"

struct _BotbenchFetcher
{
  GObject               parent_instance;

  BotbenchRestClient   *client;
  BotbenchEventStore   *store;
  BotbenchForwarder    *forwarder;     /* NULL: events are not forwarded */
  gint64                bot_id;
  char                 *bot_token;
  char                 *portal;
  char                 *remote;

  BotbenchFetcherState  state;
  GError               *error;
  guint                 interval;
  guint                 limit;
  gint64                offset;
  guint                 failures;
  guint64               n_stored;
  gint64                last_call_us;

  GCancellable         *cancellable;   /* of the current run */
  GMainContext         *main_context;  /* thread-default of new() */
  GSource              *timeout;
  gboolean              scheduled;     /* a call waits for the timer (or the hook) */

  BotbenchFetcherTimerHook timer_hook;
  gpointer              timer_hook_data;
  BotbenchClockFunc     clock;
  gpointer              clock_data;
};

G_DEFINE_FINAL_TYPE (BotbenchFetcher, botbench_fetcher, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STATE,
  N_PROPS
};

enum {
  SIGNAL_EVENTS_STORED,
  SIGNAL_DRAINED,
  SIGNAL_POLL_FAILED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void poll_now (BotbenchFetcher *self);

/* An asynchronous step: the fetcher and the run it belongs to. */
typedef struct
{
  BotbenchFetcher *self;
  GCancellable    *cancellable;
  gint64           next_offset;
  gboolean         has_more;
  GPtrArray       *events;      /* being committed (prepared for the forwarder) */
  BotbenchForwarder *forwarder; /* that prepared them, or NULL */
} Step;

static Step *
step_new (BotbenchFetcher *self)
{
  Step *step = g_new0 (Step, 1);

  step->self = g_object_ref (self);
  step->cancellable = g_object_ref (self->cancellable);
  return step;
}

static void
step_free (Step *step)
{
  g_object_unref (step->self);
  g_object_unref (step->cancellable);
  g_clear_pointer (&step->events, g_ptr_array_unref);
  g_clear_object (&step->forwarder);
  g_free (step);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Step, step_free)

static const char * const state_names[] = {
  [BOTBENCH_FETCHER_STATE_STOPPED] = "stopped",
  [BOTBENCH_FETCHER_STATE_POLLING] = "polling",
  [BOTBENCH_FETCHER_STATE_WAITING] = "waiting",
  [BOTBENCH_FETCHER_STATE_BACKOFF] = "backoff",
  [BOTBENCH_FETCHER_STATE_FAILED] = "failed",
};

const char *
botbench_fetcher_state_to_string (BotbenchFetcherState state)
{
  if ((guint)state < G_N_ELEMENTS (state_names))
    return state_names[state];
  return "stopped";
}

static gint64
now_us (BotbenchFetcher *self)
{
  return self->clock != NULL ? self->clock (self->clock_data) : g_get_monotonic_time ();
}

static void
set_state (BotbenchFetcher      *self,
           BotbenchFetcherState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
cancel_timer (BotbenchFetcher *self)
{
  if (self->timeout != NULL)
    {
      g_source_destroy (self->timeout);
      g_clear_pointer (&self->timeout, g_source_unref);
    }
  self->scheduled = FALSE;
}

static gboolean
timeout_cb (gpointer data)
{
  BotbenchFetcher *self = data;

  g_clear_pointer (&self->timeout, g_source_unref);
  self->scheduled = FALSE;
  poll_now (self);

  return G_SOURCE_REMOVE;
}

static void
schedule (BotbenchFetcher      *self,
          BotbenchFetcherState  state,
          guint                 delay_ms)
{
  cancel_timer (self);
  set_state (self, state);
  self->scheduled = TRUE;

  if (self->timer_hook != NULL)
    {
      self->timer_hook (self, delay_ms, self->timer_hook_data);
      return;
    }

  self->timeout = g_timeout_source_new (delay_ms);
  g_source_set_callback (self->timeout, timeout_cb, self, NULL);
  g_source_set_static_name (self->timeout, "[botbench] fetch");
  g_source_attach (self->timeout, self->main_context);
}

/* The next call no sooner than BOTBENCH_FETCHER_MIN_GAP_MS after the
 * previous one started. */
static guint
gap_delay_ms (BotbenchFetcher *self)
{
  gint64 due = self->last_call_us + BOTBENCH_FETCHER_MIN_GAP_MS * G_TIME_SPAN_MILLISECOND;
  gint64 left = due - now_us (self);

  if (left <= 0)
    return 0;
  return (guint)MIN ((left + 999) / 1000, BOTBENCH_FETCHER_MIN_GAP_MS);
}

static guint
backoff_delay_ms (BotbenchFetcher *self)
{
  guint64 delay = (guint64)self->interval * 1000;

  for (guint i = 0; i < self->failures && delay < BOTBENCH_FETCHER_MAX_BACKOFF_MS; i++)
    delay *= 2;

  return (guint)MIN (delay, BOTBENCH_FETCHER_MAX_BACKOFF_MS);
}

/* Takes error. */
static void
poll_failed (BotbenchFetcher *self,
             GError          *error)
{
  gboolean fatal = _botbench_fetcher_error_is_fatal (error);

  _botbench_fetcher_explain_error (self->bot_id, error);
  g_clear_error (&self->error);
  self->error = error;

  if (fatal)
    {
      g_debug ("Bot %" G_GINT64_FORMAT ": fetching stopped: %s", self->bot_id, error->message);
      cancel_timer (self);
      g_cancellable_cancel (self->cancellable);
      set_state (self, BOTBENCH_FETCHER_STATE_FAILED);
    }
  else
    {
      self->failures++;
      g_debug ("Bot %" G_GINT64_FORMAT ": fetch failed (%u in a row): %s",
               self->bot_id, self->failures, error->message);
      schedule (self, BOTBENCH_FETCHER_STATE_BACKOFF, backoff_delay_ms (self));
    }

  g_signal_emit (self, signals[SIGNAL_POLL_FAILED], 0, self->error);
}

/* Events prepared before the commit: those stored now are forwarded, the
 * rest (a re-delivery skipped, or the commit failed) abandoned, so a
 * fetched event reaches the developer's handler at most once. */
static void
hand_to_forwarder (Step      *step,
                   GPtrArray *stored)
{
  if (step->forwarder == NULL)
    return;

  for (guint i = 0; i < step->events->len; i++)
    {
      BotbenchEvent *event = g_ptr_array_index (step->events, i);
      guint index;

      if (botbench_event_get_forward (event) == NULL)
        continue;
      if (stored != NULL && g_ptr_array_find (stored, event, &index))
        botbench_forwarder_submit (step->forwarder, event);
      else
        botbench_forwarder_abandon (step->forwarder, event);
    }
}

static void
commit_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(Step) step = user_data;
  BotbenchFetcher *self = step->self;
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(GError) error = NULL;

  stored = botbench_event_store_commit_fetched_finish (BOTBENCH_EVENT_STORE (source), result, &error);
  hand_to_forwarder (step, stored);

  /* Committed: this is the offset from now on, whatever else happened. */
  if (stored != NULL && step->next_offset > self->offset)
    self->offset = step->next_offset;

  if (g_cancellable_is_cancelled (step->cancellable))
    return;

  if (stored == NULL)
    {
      poll_failed (self, g_steal_pointer (&error));
      return;
    }

  self->failures = 0;
  g_clear_error (&self->error);
  self->n_stored += stored->len;
  if (stored->len > 0)
    g_signal_emit (self, signals[SIGNAL_EVENTS_STORED], 0, stored);

  if (g_cancellable_is_cancelled (step->cancellable))
    return;

  /* hasMore: the rest; otherwise a call that acknowledges what was just
   * stored (and finds what came meanwhile).  Both after the 2 s gap. */
  schedule (self, BOTBENCH_FETCHER_STATE_WAITING, gap_delay_ms (self));
}

static void
call_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(Step) step = user_data;
  BotbenchFetcher *self = step->self;
  g_autoptr(BotbenchRestResponse) response = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  gint64 next_offset;

  response = botbench_rest_client_call_finish (BOTBENCH_REST_CLIENT (source), result, &error);
  if (g_cancellable_is_cancelled (step->cancellable))
    return;
  if (response == NULL)
    {
      poll_failed (self, g_steal_pointer (&error));
      return;
    }

  events = _botbench_fetcher_parse_answer (botbench_rest_response_get_result (response),
                                           self->portal, self->bot_id, self->offset,
                                           &step->next_offset, &step->has_more, &error);
  if (events == NULL)
    {
      poll_failed (self, g_steal_pointer (&error));
      return;
    }

  if (events->len == 0 && step->next_offset == self->offset)
    {
      self->failures = 0;
      g_clear_error (&self->error);
      schedule (self, BOTBENCH_FETCHER_STATE_WAITING, self->interval * 1000);
      g_signal_emit (self, signals[SIGNAL_DRAINED], 0);
      return;
    }

  next_offset = step->next_offset;
  if (self->forwarder != NULL)
    {
      step->forwarder = g_object_ref (self->forwarder);
      for (guint i = 0; i < events->len; i++)
        botbench_forwarder_prepare (step->forwarder, g_ptr_array_index (events, i));
    }
  step->events = g_ptr_array_ref (events);
  botbench_event_store_commit_fetched_async (self->store, self->portal, self->bot_id, events,
                                             next_offset, NULL, commit_cb,
                                             g_steal_pointer (&step));
}

static void
poll_now (BotbenchFetcher *self)
{
  g_autoptr(JsonObject) params = json_object_new ();

  cancel_timer (self);
  set_state (self, BOTBENCH_FETCHER_STATE_POLLING);
  self->last_call_us = now_us (self);

  json_object_set_int_member (params, "botId", self->bot_id);
  if (self->bot_token != NULL)
    json_object_set_string_member (params, "botToken", self->bot_token);
  json_object_set_int_member (params, "offset", self->offset);
  json_object_set_int_member (params, "limit", self->limit);

  botbench_rest_client_call_async (self->client, EVENT_GET, params, self->cancellable,
                                   call_cb, step_new (self));
}

static void
read_offset_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  BotbenchFetcher *self = source_object;
  GError *error = NULL;
  gint64 *offset = g_new0 (gint64, 1);

  if (!botbench_event_store_get_fetch_offset (self->store, self->portal, self->bot_id,
                                              offset, NULL, &error))
    {
      g_free (offset);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, offset, g_free);
}

static void
read_offset_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(Step) step = user_data;
  BotbenchFetcher *self = step->self;
  g_autoptr(GError) error = NULL;
  g_autofree gint64 *offset = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_cancellable_is_cancelled (step->cancellable))
    return;
  if (offset == NULL)
    {
      poll_failed (self, g_steal_pointer (&error));
      return;
    }

  self->offset = MAX (self->offset, *offset);
  poll_now (self);
}

void
botbench_fetcher_start (BotbenchFetcher *self)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (BOTBENCH_IS_FETCHER (self));

  if (self->state != BOTBENCH_FETCHER_STATE_STOPPED &&
      self->state != BOTBENCH_FETCHER_STATE_FAILED)
    return;

  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_clear_error (&self->error);
  self->failures = 0;
  set_state (self, BOTBENCH_FETCHER_STATE_POLLING);

  task = g_task_new (self, self->cancellable, read_offset_cb, step_new (self));
  g_task_set_source_tag (task, botbench_fetcher_start);
  g_task_run_in_thread (task, read_offset_thread);
}

void
botbench_fetcher_stop (BotbenchFetcher *self)
{
  g_return_if_fail (BOTBENCH_IS_FETCHER (self));

  cancel_timer (self);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  set_state (self, BOTBENCH_FETCHER_STATE_STOPPED);
}

static void
botbench_fetcher_dispose (GObject *object)
{
  BotbenchFetcher *self = BOTBENCH_FETCHER (object);

  cancel_timer (self);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);

  G_OBJECT_CLASS (botbench_fetcher_parent_class)->dispose (object);
}

static void
botbench_fetcher_finalize (GObject *object)
{
  BotbenchFetcher *self = BOTBENCH_FETCHER (object);

  g_clear_object (&self->client);
  g_clear_object (&self->store);
  g_clear_object (&self->forwarder);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->main_context, g_main_context_unref);
  g_clear_error (&self->error);
  if (self->bot_token != NULL)
    memset (self->bot_token, 0, strlen (self->bot_token));
  g_free (self->bot_token);
  g_free (self->portal);
  g_free (self->remote);

  G_OBJECT_CLASS (botbench_fetcher_parent_class)->finalize (object);
}

static void
botbench_fetcher_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  BotbenchFetcher *self = BOTBENCH_FETCHER (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
botbench_fetcher_class_init (BotbenchFetcherClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = botbench_fetcher_dispose;
  object_class->finalize = botbench_fetcher_finalize;
  object_class->get_property = botbench_fetcher_get_property;

  /* A BotbenchFetcherState. */
  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL,
                      BOTBENCH_FETCHER_STATE_STOPPED, BOTBENCH_FETCHER_STATE_FAILED,
                      BOTBENCH_FETCHER_STATE_STOPPED,
                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_EVENTS_STORED] =
    g_signal_new ("events-stored", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_PTR_ARRAY);
  signals[SIGNAL_DRAINED] =
    g_signal_new ("drained", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_POLL_FAILED] =
    g_signal_new ("poll-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
botbench_fetcher_init (BotbenchFetcher *self)
{
  self->interval = BOTBENCH_FETCHER_DEFAULT_INTERVAL;
  self->limit = BOTBENCH_FETCHER_DEFAULT_LIMIT;
}

BotbenchFetcher *
botbench_fetcher_new (BotbenchRestClient *client,
                      BotbenchEventStore *store,
                      gint64              bot_id,
                      const char         *bot_token)
{
  BotbenchFetcher *self;
  BotbenchProfile *profile;
  const char *url;
  g_autoptr(GUri) uri = NULL;

  g_return_val_if_fail (BOTBENCH_IS_REST_CLIENT (client), NULL);
  g_return_val_if_fail (BOTBENCH_IS_EVENT_STORE (store), NULL);
  g_return_val_if_fail (bot_id > 0, NULL);

  self = g_object_new (BOTBENCH_TYPE_FETCHER, NULL);
  self->main_context = g_main_context_ref_thread_default ();
  self->client = g_object_ref (client);
  self->store = g_object_ref (store);
  self->bot_id = bot_id;
  self->bot_token = bot_token != NULL && *bot_token != '\0' ? g_strdup (bot_token) : NULL;

  profile = botbench_rest_client_get_profile (client);
  url = profile != NULL ? botbench_profile_get_portal_url (profile) : NULL;
  self->portal = g_strdup (url != NULL ? url : "");
  /* One key per portal, however its URL was typed. */
  while (*self->portal != '\0' && self->portal[strlen (self->portal) - 1] == '/')
    self->portal[strlen (self->portal) - 1] = '\0';
  uri = url != NULL ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;
  self->remote = g_strdup (uri != NULL && g_uri_get_host (uri) != NULL ? g_uri_get_host (uri) : "");

  return self;
}

gint64
botbench_fetcher_get_bot_id (BotbenchFetcher *self)
{
  g_return_val_if_fail (BOTBENCH_IS_FETCHER (self), 0);
  return self->bot_id;
}

const char *
botbench_fetcher_get_portal (BotbenchFetcher *self)
{
  g_return_val_if_fail (BOTBENCH_IS_FETCHER (self), NULL);
  return self->portal;
}

BotbenchFetcherState
botbench_fetcher_get_state (BotbenchFetcher *self)
{
  g_return_val_if_fail (BOTBENCH_IS_FETCHER (self), BOTBENCH_FETCHER_STATE_STOPPED);
  return self->state;
}

const GError *
botbench_fetcher_get_error (BotbenchFetcher *self)
{
  g_return_val_if_fail (BOTBENCH_IS_FETCHER (self), NULL);
  return self->error;
}

guint
botbench_fetcher_get_interval (BotbenchFetcher *self)
{
  g_return_val_if_fail (BOTBENCH_IS_FETCHER (self), 0);
  return self->interval;
}

void
botbench_fetcher_set_interval (BotbenchFetcher *self,
                               guint            seconds)
{
  g_return_if_fail (BOTBENCH_IS_FETCHER (self));
  self->interval = CLAMP (seconds, BOTBENCH_FETCHER_MIN_INTERVAL, BOTBENCH_FETCHER_MAX_INTERVAL);
}

void
botbench_fetcher_set_forwarder (BotbenchFetcher   *self,
                                BotbenchForwarder *forwarder)
{
  g_return_if_fail (BOTBENCH_IS_FETCHER (self));
  g_return_if_fail (forwarder == NULL || BOTBENCH_IS_FORWARDER (forwarder));
  g_set_object (&self->forwarder, forwarder);
}

void
botbench_fetcher_set_limit (BotbenchFetcher *self,
                            guint            limit)
{
  g_return_if_fail (BOTBENCH_IS_FETCHER (self));
  self->limit = CLAMP (limit, 1, 1000);
}

gint64
botbench_fetcher_get_offset (BotbenchFetcher *self)
{
  g_return_val_if_fail (BOTBENCH_IS_FETCHER (self), 0);
  return self->offset;
}

guint64
botbench_fetcher_get_n_stored (BotbenchFetcher *self)
{
  g_return_val_if_fail (BOTBENCH_IS_FETCHER (self), 0);
  return self->n_stored;
}

void
_botbench_fetcher_set_timer_hook (BotbenchFetcher          *self,
                                  BotbenchFetcherTimerHook  hook,
                                  gpointer                  user_data)
{
  g_return_if_fail (BOTBENCH_IS_FETCHER (self));
  self->timer_hook = hook;
  self->timer_hook_data = user_data;
}

void
_botbench_fetcher_set_clock (BotbenchFetcher   *self,
                             BotbenchClockFunc  clock,
                             gpointer           user_data)
{
  g_return_if_fail (BOTBENCH_IS_FETCHER (self));
  self->clock = clock;
  self->clock_data = user_data;
}

gboolean
_botbench_fetcher_fire (BotbenchFetcher *self)
{
  g_return_val_if_fail (BOTBENCH_IS_FETCHER (self), FALSE);

  if (!self->scheduled)
    return FALSE;
  poll_now (self);
  return TRUE;
}
