/* botbench-token-sync.h: the listener's expected application_token follows the active profile
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "botbench-core.h"

G_BEGIN_DECLS

#define BOTBENCH_TYPE_TOKEN_SYNC (botbench_token_sync_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchTokenSync, botbench_token_sync, BOTBENCH, TOKEN_SYNC, GObject)

BotbenchTokenSync *botbench_token_sync_new    (BotbenchListener       *listener,
                                               BotbenchEventStore     *store,
                                               BotbenchProfileManager *profiles,
                                               BotbenchSecretStore    *secrets);
/* Reads the active profile's expected token (keyring, or the built-in
 * sandbox's CLIENT_ID) in the background and gives it, with the profile's
 * strict-token switch, to the listener. */
void               botbench_token_sync_update (BotbenchTokenSync      *self);
/* Stops: answers still under way are dropped. */
void               botbench_token_sync_stop   (BotbenchTokenSync      *self);

/* Signals:
 *   "secret-error" (GError *)  the keyring could not be read or written. */

G_END_DECLS
