/* botbench-rate-limiter.c: client-side leaky bucket matching Bitrix24's
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "botbench-rate-limiter"

#include "config.h"

#include <math.h>

#include "botbench-rate-limiter.h"

struct _BotbenchRateLimiter
{
  GObject            parent_instance;

  guint              burst;
  double             drain_rate;
  double             level;
  gint64             last_time;
  BotbenchClockFunc  clock;
  gpointer           clock_data;
};

G_DEFINE_FINAL_TYPE (BotbenchRateLimiter, botbench_rate_limiter, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_BURST,
  PROP_DRAIN_RATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Helpers */

static gint64
default_clock (gpointer user_data)
{
  return g_get_monotonic_time ();
}

static void
drain (BotbenchRateLimiter *self)
{
  gint64 now = self->clock (self->clock_data);

  if (now > self->last_time)
    {
      self->level -= (double)(now - self->last_time) * self->drain_rate / G_USEC_PER_SEC;
      if (self->level < 0)
        self->level = 0;
    }
  self->last_time = now;
}

typedef struct
{
  GSource *timeout;
  gulong   cancelled_id;
} AcquireData;

static void
acquire_data_free (AcquireData *data)
{
  if (data->timeout != NULL)
    {
      g_source_destroy (data->timeout);
      g_source_unref (data->timeout);
    }
  g_free (data);
}

/* Callbacks */

static gboolean
botbench_rate_limiter_acquire_timeout_cb (gpointer user_data)
{
  GTask *task = user_data;
  AcquireData *data = g_task_get_task_data (task);

  g_clear_pointer (&data->timeout, g_source_unref);
  g_cancellable_disconnect (g_task_get_cancellable (task), data->cancelled_id);
  data->cancelled_id = 0;
  if (!g_task_return_error_if_cancelled (task))
    g_task_return_boolean (task, TRUE);
  return G_SOURCE_REMOVE;
}

static void
botbench_rate_limiter_acquire_cancelled_cb (GCancellable *cancellable,
                                            GTask        *task)
{
  AcquireData *data = g_task_get_task_data (task);

  /* Let the timeout fire now; it sees the cancellation. */
  if (data->timeout != NULL)
    g_source_set_ready_time (data->timeout, 0);
}

/* Overrides */

static void
botbench_rate_limiter_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  BotbenchRateLimiter *self = BOTBENCH_RATE_LIMITER (object);

  switch (prop_id)
    {
    case PROP_BURST:
      g_value_set_uint (value, self->burst);
      break;
    case PROP_DRAIN_RATE:
      g_value_set_double (value, self->drain_rate);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
botbench_rate_limiter_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  BotbenchRateLimiter *self = BOTBENCH_RATE_LIMITER (object);

  switch (prop_id)
    {
    case PROP_BURST:
      botbench_rate_limiter_set_burst (self, g_value_get_uint (value));
      break;
    case PROP_DRAIN_RATE:
      botbench_rate_limiter_set_drain_rate (self, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
botbench_rate_limiter_class_init (BotbenchRateLimiterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = botbench_rate_limiter_get_property;
  object_class->set_property = botbench_rate_limiter_set_property;

  properties[PROP_BURST] =
    g_param_spec_uint ("burst", NULL, NULL, 1, G_MAXUINT, BOTBENCH_RATE_LIMITER_DEFAULT_BURST,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DRAIN_RATE] =
    g_param_spec_double ("drain-rate", NULL, NULL, 0.001, G_MAXDOUBLE, BOTBENCH_RATE_LIMITER_DEFAULT_DRAIN,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
botbench_rate_limiter_init (BotbenchRateLimiter *self)
{
  self->burst = BOTBENCH_RATE_LIMITER_DEFAULT_BURST;
  self->drain_rate = BOTBENCH_RATE_LIMITER_DEFAULT_DRAIN;
  self->clock = default_clock;
  self->last_time = self->clock (NULL);
}

/* Public API */

BotbenchRateLimiter *
botbench_rate_limiter_new (guint  burst,
                           double drain_rate)
{
  return g_object_new (BOTBENCH_TYPE_RATE_LIMITER,
                       "burst", burst,
                       "drain-rate", drain_rate,
                       NULL);
}

guint
botbench_rate_limiter_get_burst (BotbenchRateLimiter *self)
{
  g_return_val_if_fail (BOTBENCH_IS_RATE_LIMITER (self), 0);
  return self->burst;
}

void
botbench_rate_limiter_set_burst (BotbenchRateLimiter *self,
                                 guint                burst)
{
  g_return_if_fail (BOTBENCH_IS_RATE_LIMITER (self));
  g_return_if_fail (burst > 0);
  if (self->burst == burst)
    return;
  self->burst = burst;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BURST]);
}

double
botbench_rate_limiter_get_drain_rate (BotbenchRateLimiter *self)
{
  g_return_val_if_fail (BOTBENCH_IS_RATE_LIMITER (self), 0);
  return self->drain_rate;
}

void
botbench_rate_limiter_set_drain_rate (BotbenchRateLimiter *self,
                                      double               drain_rate)
{
  g_return_if_fail (BOTBENCH_IS_RATE_LIMITER (self));
  g_return_if_fail (drain_rate > 0);
  if (self->drain_rate == drain_rate)
    return;
  drain (self);
  self->drain_rate = drain_rate;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DRAIN_RATE]);
}

void
botbench_rate_limiter_set_clock (BotbenchRateLimiter *self,
                                 BotbenchClockFunc    clock,
                                 gpointer             user_data)
{
  g_return_if_fail (BOTBENCH_IS_RATE_LIMITER (self));

  self->clock = clock ? clock : default_clock;
  self->clock_data = clock ? user_data : NULL;
  self->last_time = self->clock (self->clock_data);
}

double
botbench_rate_limiter_get_level (BotbenchRateLimiter *self)
{
  g_return_val_if_fail (BOTBENCH_IS_RATE_LIMITER (self), 0);
  drain (self);
  return self->level;
}

gint64
botbench_rate_limiter_reserve (BotbenchRateLimiter *self)
{
  gint64 wait = 0;

  g_return_val_if_fail (BOTBENCH_IS_RATE_LIMITER (self), 0);

  drain (self);
  if (self->level + 1 > self->burst)
    wait = (gint64)ceil ((self->level + 1 - self->burst) * G_USEC_PER_SEC / self->drain_rate);
  self->level += 1;

  if (wait > 0)
    g_debug ("Bucket full (%.1f of %u): waiting %" G_GINT64_FORMAT " ms",
             self->level, self->burst, wait / 1000);
  return wait;
}

void
botbench_rate_limiter_saturate (BotbenchRateLimiter *self)
{
  g_return_if_fail (BOTBENCH_IS_RATE_LIMITER (self));
  drain (self);
  if (self->level < self->burst)
    self->level = self->burst;
}

void
botbench_rate_limiter_reset (BotbenchRateLimiter *self)
{
  g_return_if_fail (BOTBENCH_IS_RATE_LIMITER (self));
  self->level = 0;
  self->last_time = self->clock (self->clock_data);
}

void
botbench_rate_limiter_acquire_async (BotbenchRateLimiter *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  AcquireData *data;
  gint64 wait;

  g_return_if_fail (BOTBENCH_IS_RATE_LIMITER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, botbench_rate_limiter_acquire_async);

  if (g_task_return_error_if_cancelled (task))
    return;

  wait = botbench_rate_limiter_reserve (self);
  if (wait <= 0)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  data = g_new0 (AcquireData, 1);
  g_task_set_task_data (task, data, (GDestroyNotify)acquire_data_free);
  data->timeout = g_timeout_source_new ((wait + 999) / 1000);
  g_source_set_callback (data->timeout, botbench_rate_limiter_acquire_timeout_cb,
                         g_object_ref (task), g_object_unref);
  g_source_attach (data->timeout, g_task_get_context (task));
  if (cancellable != NULL)
    data->cancelled_id = g_cancellable_connect (cancellable,
                                                G_CALLBACK (botbench_rate_limiter_acquire_cancelled_cb),
                                                task, NULL);
}

gboolean
botbench_rate_limiter_acquire_finish (BotbenchRateLimiter  *self,
                                      GAsyncResult         *result,
                                      GError              **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == botbench_rate_limiter_acquire_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
