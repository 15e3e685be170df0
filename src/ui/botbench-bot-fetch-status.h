/* botbench-bot-fetch-status.h: what fetch mode is doing for each v2 bot,
 * in words, for the Bots page and the bot editor
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "botbench-application.h"

G_BEGIN_DECLS

#define BOTBENCH_TYPE_BOT_FETCH_STATUS (botbench_bot_fetch_status_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchBotFetchStatus, botbench_bot_fetch_status, BOTBENCH, BOT_FETCH_STATUS, GObject)

/* Follows @app's fetch manager (replaced with the active profile) and
 * every fetcher it runs. */
BotbenchBotFetchStatus *botbench_bot_fetch_status_new      (BotbenchApplication    *app);
/* One line on @bot's fetching ("Fetching every 5 s", "3 events fetched",
 * "The portal does not accept this bot’s botToken"…), or NULL for a bot
 * that is not a registered v2 bot in fetch mode.  *is_error: the fetcher
 * stopped on an error the user must fix, or backs off. */
char                   *botbench_bot_fetch_status_describe (BotbenchBotFetchStatus *self,
                                                            BotbenchBot            *bot,
                                                            gboolean               *is_error);
/* The whole error of @bot's fetcher (the portal's text with what it means), or NULL. */
char                   *botbench_bot_fetch_status_dup_error (BotbenchBotFetchStatus *self,
                                                             BotbenchBot            *bot);

/* Signal "changed" (gint64 bot_id): the fetch state of that bot changed;
 * 0: of every bot (the fetch manager was replaced). */

G_END_DECLS
