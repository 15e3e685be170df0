/* botbench-fetch-manager.h: one fetcher per imbot.v2 fetch-mode bot of a profile
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For the app: follows a profile's bot store and keeps a running
 * BotbenchFetcher for every saved v2 bot in fetch mode that has a bot id
 * (registered); a webhook profile's fetchers call with the bot's botToken
 * from the secret store (looked up asynchronously).  Bots that leave fetch
 * mode, lose their id or are removed have their fetcher stopped; a failed
 * fetcher (wrong token, …) is started again when its bot changes.
 */
#pragma once

#include "botbench-bot-store.h"
#include "botbench-fetcher.h"

G_BEGIN_DECLS

#define BOTBENCH_TYPE_FETCH_MANAGER (botbench_fetch_manager_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchFetchManager, botbench_fetch_manager, BOTBENCH, FETCH_MANAGER, GObject)

/* client: the profile's REST client (its profile and secret store are
 * used); bots: that profile's bot store. */
BotbenchFetchManager *botbench_fetch_manager_new          (BotbenchRestClient   *client,
                                                           BotbenchSecretStore  *secrets,
                                                           BotbenchBotStore     *bots,
                                                           BotbenchEventStore   *store);
/* Polling follows the bot store from now on. */
void                  botbench_fetch_manager_start        (BotbenchFetchManager *self);
/* Stops every fetcher (the window closed, the app quits, the profile
 * changed); start() resumes from the committed offsets. */
void                  botbench_fetch_manager_stop         (BotbenchFetchManager *self);
/* Looks at the bot store again: call it after saving a changed bot (its
 * event mode, id or botToken), which the bot store does not announce
 * (it announces added and removed bots, which sync at once). */
void                  botbench_fetch_manager_refresh      (BotbenchFetchManager *self);
/* The fetcher of bot_id (borrowed), NULL when the bot is not polled. */
BotbenchFetcher      *botbench_fetch_manager_get_fetcher  (BotbenchFetchManager *self,
                                                           gint64                bot_id);
/* Seconds between calls while idle for every fetcher (2–60). */
void                  botbench_fetch_manager_set_interval (BotbenchFetchManager *self,
                                                           guint                 seconds);

/* Given to every fetcher (see botbench_fetcher_set_forwarder()). */
void                  botbench_fetch_manager_set_forwarder (BotbenchFetchManager *self,
                                                            BotbenchForwarder    *forwarder);

/* Signals:
 *   "fetcher-added" (BotbenchFetcher *)    a bot is polled from now on;
 *   "fetcher-removed" (BotbenchFetcher *)  it no longer is (stopped);
 *   "events-stored" (BotbenchFetcher *, GPtrArray *events)  relayed. */

G_END_DECLS
