/* botbench-rate-limiter.h: client-side leaky bucket matching Bitrix24's
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each request adds one to the bucket, which drains at drain-rate per
 * second; a request that would overflow burst waits until it fits.  Cloud
 * defaults: burst 50, drain 2/s (Enterprise: 250, 5/s).  The clock can be
 * replaced for tests.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define BOTBENCH_RATE_LIMITER_DEFAULT_BURST 50
#define BOTBENCH_RATE_LIMITER_DEFAULT_DRAIN 2.0

/* Monotonic time in microseconds. */
typedef gint64 (*BotbenchClockFunc) (gpointer user_data);

#define BOTBENCH_TYPE_RATE_LIMITER (botbench_rate_limiter_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchRateLimiter, botbench_rate_limiter, BOTBENCH, RATE_LIMITER, GObject)

BotbenchRateLimiter *botbench_rate_limiter_new            (guint                burst,
                                                           double               drain_rate);
guint                botbench_rate_limiter_get_burst      (BotbenchRateLimiter *self);
void                 botbench_rate_limiter_set_burst      (BotbenchRateLimiter *self,
                                                           guint                burst);
double               botbench_rate_limiter_get_drain_rate (BotbenchRateLimiter *self);
void                 botbench_rate_limiter_set_drain_rate (BotbenchRateLimiter *self,
                                                           double               drain_rate);
/* NULL restores g_get_monotonic_time(). */
void                 botbench_rate_limiter_set_clock      (BotbenchRateLimiter *self,
                                                           BotbenchClockFunc    clock,
                                                           gpointer             user_data);
/* The bucket's level now (requests not yet drained). */
double               botbench_rate_limiter_get_level      (BotbenchRateLimiter *self);
/* Counts one request and returns how long (µs) it must wait before going out. */
gint64               botbench_rate_limiter_reserve        (BotbenchRateLimiter *self);
/* The portal said QUERY_LIMIT_EXCEEDED: treat the bucket as full. */
void                 botbench_rate_limiter_saturate       (BotbenchRateLimiter *self);
void                 botbench_rate_limiter_reset          (BotbenchRateLimiter *self);

/* reserve() and wait (on the thread-default context) until the request may go. */
void                 botbench_rate_limiter_acquire_async  (BotbenchRateLimiter *self,
                                                           GCancellable        *cancellable,
                                                           GAsyncReadyCallback  callback,
                                                           gpointer             user_data);
gboolean             botbench_rate_limiter_acquire_finish (BotbenchRateLimiter *self,
                                                           GAsyncResult        *result,
                                                           GError             **error);

G_END_DECLS
