/* test-rate-limiter.c: the client-side leaky bucket, on a fake clock
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-rate-limiter"

#include "config.h"

#include "botbench-rate-limiter.h"
#include "botbench-test-utils.h"

static gint64
fake_clock (gpointer user_data)
{
  return *(gint64 *)user_data;
}

static void
test_burst_then_waits (void)
{
  g_autoptr(BotbenchRateLimiter) limiter = botbench_rate_limiter_new (50, 2.0);
  gint64 now = 1000 * G_USEC_PER_SEC;

  botbench_rate_limiter_set_clock (limiter, fake_clock, &now);

  /* 50 go at once */
  for (guint i = 0; i < 50; i++)
    g_assert_cmpint (botbench_rate_limiter_reserve (limiter), ==, 0);
  g_assert_cmpfloat_with_epsilon (botbench_rate_limiter_get_level (limiter), 50.0, 1e-9);

  /* the 51st waits one drain step (0.5 s), the 52nd two */
  g_assert_cmpint (botbench_rate_limiter_reserve (limiter), ==, G_USEC_PER_SEC / 2);
  g_assert_cmpint (botbench_rate_limiter_reserve (limiter), ==, G_USEC_PER_SEC);

  /* after 1 s two slots have drained: the next one still waits 0.5 s */
  now += G_USEC_PER_SEC;
  g_assert_cmpfloat_with_epsilon (botbench_rate_limiter_get_level (limiter), 50.0, 1e-9);
  g_assert_cmpint (botbench_rate_limiter_reserve (limiter), ==, G_USEC_PER_SEC / 2);

  /* after a long pause the bucket is empty again */
  now += (gint64)3600 * G_USEC_PER_SEC;
  g_assert_cmpfloat (botbench_rate_limiter_get_level (limiter), ==, 0.0);
  g_assert_cmpint (botbench_rate_limiter_reserve (limiter), ==, 0);
}

static void
test_drain_is_gradual (void)
{
  g_autoptr(BotbenchRateLimiter) limiter = botbench_rate_limiter_new (2, 4.0);
  gint64 now = 0;

  botbench_rate_limiter_set_clock (limiter, fake_clock, &now);
  g_assert_cmpint (botbench_rate_limiter_reserve (limiter), ==, 0);
  g_assert_cmpint (botbench_rate_limiter_reserve (limiter), ==, 0);
  g_assert_cmpint (botbench_rate_limiter_reserve (limiter), ==, G_USEC_PER_SEC / 4);
  now += G_USEC_PER_SEC / 4;   /* the waiting request leaves */
  g_assert_cmpfloat_with_epsilon (botbench_rate_limiter_get_level (limiter), 2.0, 1e-9);
  now += G_USEC_PER_SEC / 8;   /* half a slot */
  g_assert_cmpint (botbench_rate_limiter_reserve (limiter), ==, G_USEC_PER_SEC / 8);
}

static void
test_enterprise_and_saturate (void)
{
  g_autoptr(BotbenchRateLimiter) limiter = botbench_rate_limiter_new (50, 2.0);
  gint64 now = 0;

  botbench_rate_limiter_set_clock (limiter, fake_clock, &now);
  botbench_rate_limiter_set_burst (limiter, 250);
  botbench_rate_limiter_set_drain_rate (limiter, 5.0);
  for (guint i = 0; i < 250; i++)
    g_assert_cmpint (botbench_rate_limiter_reserve (limiter), ==, 0);
  g_assert_cmpint (botbench_rate_limiter_reserve (limiter), ==, G_USEC_PER_SEC / 5);

  botbench_rate_limiter_reset (limiter);
  g_assert_cmpint (botbench_rate_limiter_reserve (limiter), ==, 0);

  /* A 503 from the portal means its bucket is full, whatever ours says */
  botbench_rate_limiter_saturate (limiter);
  g_assert_cmpint (botbench_rate_limiter_reserve (limiter), ==, G_USEC_PER_SEC / 5);
}

typedef struct
{
  guint   n_done;
  GError *error;
} AcquireWait;

static void
acquired_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  AcquireWait *w = user_data;
  GError *error = NULL;

  if (!botbench_rate_limiter_acquire_finish (BOTBENCH_RATE_LIMITER (object), result, &error))
    {
      g_assert_null (w->error);
      w->error = error;
    }
  w->n_done++;
}

static gboolean
n_done_is (gpointer data)
{
  AcquireWait *w = data;

  return w->n_done >= 2;
}

static void
test_acquire_async (void)
{
  g_autoptr(BotbenchRateLimiter) limiter = botbench_rate_limiter_new (1, 50.0);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  AcquireWait w = { 0 };
  gint64 start = g_get_monotonic_time ();

  /* The first goes at once (yet never synchronously), the second waits 20 ms */
  botbench_rate_limiter_acquire_async (limiter, NULL, acquired_cb, &w);
  g_assert_cmpuint (w.n_done, ==, 0);
  botbench_rate_limiter_acquire_async (limiter, NULL, acquired_cb, &w);
  botbench_test_assert_wait_until_full (n_done_is, &w, 5000, "both acquisitions to finish");
  g_assert_no_error (w.error);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 20000 - 1000);

  /* Cancelling a wait ends it at once with G_IO_ERROR_CANCELLED */
  w.n_done = 1;
  botbench_rate_limiter_set_drain_rate (limiter, 0.01);   /* would wait ~100 s */
  botbench_rate_limiter_acquire_async (limiter, cancellable, acquired_cb, &w);
  g_cancellable_cancel (cancellable);
  botbench_test_assert_wait_until_full (n_done_is, &w, 5000, "the cancelled acquisition to finish");
  g_assert_error (w.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&w.error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/rate-limiter/burst-then-waits", test_burst_then_waits);
  g_test_add_func ("/rate-limiter/drain-is-gradual", test_drain_is_gradual);
  g_test_add_func ("/rate-limiter/enterprise-and-saturate", test_enterprise_and_saturate);
  g_test_add_func ("/rate-limiter/acquire-async", test_acquire_async);

  return g_test_run ();
}
