/* botbench-fetcher-private.h: test hooks of the fetch poller
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "botbench-fetcher.h"

G_BEGIN_DECLS

/* Called instead of adding a timeout whenever the fetcher schedules its
 * next call, with the delay it chose; the test then calls
 * _botbench_fetcher_fire() when it likes (a fake timer). */
typedef void (*BotbenchFetcherTimerHook) (BotbenchFetcher *fetcher,
                                          guint            delay_ms,
                                          gpointer         user_data);

void      _botbench_fetcher_set_timer_hook (BotbenchFetcher          *self,
                                            BotbenchFetcherTimerHook  hook,
                                            gpointer                  user_data);
/* The clock the 2 s gap is measured with (NULL: g_get_monotonic_time). */
void      _botbench_fetcher_set_clock      (BotbenchFetcher          *self,
                                            BotbenchClockFunc         clock,
                                            gpointer                  user_data);
/* Runs the scheduled call now; FALSE when none is scheduled. */
gboolean  _botbench_fetcher_fire           (BotbenchFetcher          *self);
/* The events of one Event.get answer as the fetcher stores them, or NULL
 * (error set) when the answer is not {events: [...], nextOffset, hasMore};
 * entries that are not events ({eventId > 0, type, data}) are skipped. */
GPtrArray *_botbench_fetcher_parse_answer  (JsonNode                 *result,
                                            const char               *portal,
                                            gint64                    bot_id,
                                            gint64                    offset,
                                            gint64                   *next_offset,
                                            gboolean                 *has_more,
                                            GError                  **error);

/* botbench-fetch-error.c: TRUE for the errors no retry fixes (the bot,
 * its botToken, the webhook, the scope): the fetcher stops, FAILED. */
gboolean  _botbench_fetcher_error_is_fatal (const GError             *error);
/* Puts what the error means for bot_id in front of its message. */
void      _botbench_fetcher_explain_error  (gint64                    bot_id,
                                            GError                   *error);

G_END_DECLS
