/* botbench-auth-follower.h: OAuth profiles kept fresh by their application's events
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every event Bitrix24 sends a local application carries a current
 * auth[access_token] and auth[refresh_token].  The follower watches the
 * event store: an event of an OAuth profile's installation (the same
 * auth[member_id] and the profile's expected auth[application_token],
 * compared in constant time) whose auth[expires] is later than the
 * profile's puts its tokens into the keyring and its expiry into the
 * profile; ONAPPUNINSTALL marks the profile uninstalled (its tokens are
 * void), a later ONAPPINSTALL installed again.  Profiles whose
 * "follow-event-tokens" switch is off are left alone.  Events are read
 * on a worker thread, from the store's last event at new() on.
 */
#pragma once

#include <gio/gio.h>

#include "botbench-types.h"
#include "botbench-event-store.h"
#include "botbench-profile-manager.h"
#include "botbench-secret-store.h"

G_BEGIN_DECLS

#define BOTBENCH_TYPE_AUTH_FOLLOWER (botbench_auth_follower_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchAuthFollower, botbench_auth_follower, BOTBENCH, AUTH_FOLLOWER, GObject)

BotbenchAuthFollower *botbench_auth_follower_new  (BotbenchEventStore     *store,
                                                   BotbenchProfileManager *profiles,
                                                   BotbenchSecretStore    *secrets);
/* Stops watching (a look under way is dropped). */
void                  botbench_auth_follower_stop (BotbenchAuthFollower   *self);

/* Signals (thread-default main context of new()):
 *   "tokens-updated" (BotbenchProfile *)  newer tokens are in the keyring;
 *   "uninstalled" (BotbenchProfile *)     ONAPPUNINSTALL came for it;
 *   "secret-error" (GError *)             the keyring refused the tokens. */

G_END_DECLS
