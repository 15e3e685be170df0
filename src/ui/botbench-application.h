/* botbench-application.h: the application, owner of the store and listener
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "botbench-core.h"
#include "botbench-sandbox.h"

G_BEGIN_DECLS

#define BOTBENCH_TYPE_APPLICATION (botbench_application_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchApplication, botbench_application, BOTBENCH, APPLICATION, AdwApplication)

BotbenchApplication *botbench_application_new                 (void);
GSettings           *botbench_application_get_settings        (BotbenchApplication  *self);
/* NULL when the database could not be opened; see get_store_error. */
BotbenchEventStore  *botbench_application_get_store           (BotbenchApplication  *self);
const GError        *botbench_application_get_store_error     (BotbenchApplication  *self);
/* NULL when there is no store. */
BotbenchListener    *botbench_application_get_listener        (BotbenchApplication  *self);
/* Forwards what the listener stores by the "forward-rules" setting; NULL
 * when there is no store. */
BotbenchForwarder   *botbench_application_get_forwarder       (BotbenchApplication  *self);
/* Configures the listener from GSettings (and the BOTBENCH_LISTENER_PORT
 * override) and starts it.  On failure emits "listener-failed" as well. */
gboolean             botbench_application_start_listener      (BotbenchApplication  *self,
                                                               GError              **error);
void                 botbench_application_stop_listener       (BotbenchApplication  *self);
/* "http://HOST:PORT" without a trailing slash: the running listener's
 * address, or the configured one while stopped. */
char                *botbench_application_dup_listener_base_url (BotbenchApplication *self);

/* Profiles shared with botbench-cli ($XDG_CONFIG_HOME/botbench/profiles.ini). */
BotbenchProfileManager *botbench_application_get_profile_manager (BotbenchApplication *self);
/* Why profiles.ini could not be read, or NULL. */
const GError           *botbench_application_get_profiles_error  (BotbenchApplication *self);
BotbenchSecretStore    *botbench_application_get_secret_store    (BotbenchApplication *self);
/* One history shared by every REST client of the application. */
BotbenchRequestHistory *botbench_application_get_request_history (BotbenchApplication *self);
/* The REST client of @profile (made on first use, kept while the profile is). */
BotbenchRestClient     *botbench_application_get_rest_client     (BotbenchApplication *self,
                                                                  BotbenchProfile     *profile);
/* Tells the window a secret could not be kept because no Secret Service
 * can be reached (emits "secrets-unavailable"). */
void                    botbench_application_report_secret_error (BotbenchApplication *self,
                                                                  const GError        *error);

/* Reads the active profile's expected application_token (and its
 * strict-token switch) in the background and gives them to the listener;
 * called when the active profile changes or a profile is saved. */
void                    botbench_application_update_token_check  (BotbenchApplication *self);

BotbenchSandbox        *botbench_application_get_sandbox         (BotbenchApplication *self);
/* Starts the in-process sandbox (port: BOTBENCH_SANDBOX_PORT, else 8124 or
 * any free port; state under $XDG_DATA_HOME/botbench/sandbox/) and points
 * the sandbox profile at it, creating the profile the first time. */
gboolean                botbench_application_start_sandbox       (BotbenchApplication  *self,
                                                                  GError              **error);
void                    botbench_application_stop_sandbox        (BotbenchApplication *self);
/* The sandbox profile, or NULL if it was never made (or was removed). */
BotbenchProfile        *botbench_application_get_sandbox_profile (BotbenchApplication *self);

/* The active profile's bots (one store shared by the window and the
 * fetchers), NULL when no profile is active; replaced when the active
 * profile changes ("bot-store-changed"). */
BotbenchBotStore       *botbench_application_get_bot_store       (BotbenchApplication *self);
/* Why the active profile's bots could not be read, or NULL. */
const GError           *botbench_application_get_bot_store_error (BotbenchApplication *self);
/* Polls imbot.v2.Event.get for the active profile's registered v2 bots in
 * fetch mode; NULL without an active profile or an event store.  Call
 * botbench_fetch_manager_refresh() after saving a bot. */
BotbenchFetchManager   *botbench_application_get_fetch_manager   (BotbenchApplication *self);

/* "Make the listener public": runs a tunnel program (one at a time) to the
 * listener's port; its URL is profile's public base URL while it runs. */
void                    botbench_application_start_tunnel        (BotbenchApplication *self,
                                                                  BotbenchProfile     *profile,
                                                                  BotbenchTunnelVia    via,
                                                                  const char          *ssh_host);
/* Stops it; the profile forgets the URL. */
void                    botbench_application_stop_tunnel         (BotbenchApplication *self);
/* The tunnel (any state) or NULL; its profile. */
BotbenchTunnel         *botbench_application_get_tunnel          (BotbenchApplication *self);
BotbenchProfile        *botbench_application_get_tunnel_profile  (BotbenchApplication *self);

/* Signals:
 *   "tunnel-changed" ()  the tunnel started, got its URL, failed or stopped.
 *   "tunnel-failed" (GError *error)  it could not start, or died: the
 *       profile's public URL was cleared.
 *   "bot-store-changed" ()  the active profile changed: get_bot_store()
 *       and get_fetch_manager() give the new profile's.
 *   "listener-failed" (GError *error)  the listener could not (re)start.
 *   "sandbox-failed" (GError *error)   the sandbox could not start.
 *   "secrets-unavailable" (GError *error)  a secret could not be stored or
 *       read because no Secret Service can be reached. */

G_END_DECLS
