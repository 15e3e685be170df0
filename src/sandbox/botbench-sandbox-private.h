/* botbench-sandbox-private.h: test hooks of BotbenchSandbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "botbench-sandbox.h"

G_BEGIN_DECLS

/* Returns wall-clock time in microseconds; called on the server thread. */
typedef gint64 (*BotbenchSandboxClock) (gpointer user_data);

/* Replaces g_get_real_time() for token expiry, the rate limiter and the
 * "time" envelope.  Set before start(); func must be thread-safe. */
void _botbench_sandbox_set_clock (BotbenchSandbox      *self,
                                  BotbenchSandboxClock  func,
                                  gpointer              user_data);

G_END_DECLS
