/* botbench-token-check.h: is an event signed with the expected application_token?
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Bitrix24 puts auth[application_token] in every event (reference §4.7).
 * Only the top-level one counts: the copies in data[BOT][N] and
 * data[COMMAND][N] are part of the same body and prove nothing more.
 */
#pragma once

#include <glib.h>

#include "botbench-types.h"
#include "botbench-event.h"
#include "botbench-event-store.h"
#include "botbench-listener.h"
#include "botbench-profile.h"
#include "botbench-secret-store.h"

G_BEGIN_DECLS

/* BotbenchTokenState and its strings ("unknown", "verified", "wrong-token",
 * "no-token": botbench_token_state_to_string/_from_string) are declared
 * in botbench-event.h, beside the event's token state. */

/* The event's top-level auth[application_token] (form or JSON body), or
 * NULL when it has none (an empty value counts as none). */
const char         *botbench_token_check_find        (BotbenchEvent      *event);
/* The token an ONAPPINSTALL event delivers (the first place to learn it,
 * reference §4.7), or NULL for any other event. */
const char         *botbench_token_check_find_install (BotbenchEvent     *event);
/* Compares that token with expected in constant time.  expected NULL or ""
 * → UNKNOWN. */
BotbenchTokenState  botbench_token_check             (BotbenchEvent      *event,
                                                      const char         *expected);
/* The application_token the events of profile should carry: its secret of
 * kind "application-token"; without one, for the built-in sandbox profile
 * (a webhook profile) its CLIENT_ID, which the sandbox gives the bots
 * registered with it as their application_token.  NULL when there is none
 * (events are then "unknown"); error only when the keyring fails.  Free
 * with botbench_secret_free().
 * Blocking (botbench-cli; not on the UI thread). */
char               *botbench_token_check_dup_expected_sync (BotbenchProfile     *profile,
                                                            BotbenchSecretStore *secrets,
                                                            GCancellable        *cancellable,
                                                            GError             **error);
/* The same without blocking (the window): finishes with the token or NULL. */
void                botbench_token_check_dup_expected_async  (BotbenchProfile     *profile,
                                                              BotbenchSecretStore *secrets,
                                                              GCancellable        *cancellable,
                                                              GAsyncReadyCallback  callback,
                                                              gpointer             user_data);
char               *botbench_token_check_dup_expected_finish (BotbenchProfile     *profile,
                                                              GAsyncResult        *result,
                                                              GError             **error);
/* Learns the expected application_token from ONAPPINSTALL (reference
 * §4.7), for `listen` and the window alike.  Watches store for the first
 * ONAPPINSTALL stored after it was made that carries a token, looking on
 * a worker thread (never a read on the caller's thread), one look at a
 * time, each from where the previous ended.  Then it sets the token as
 * listener's expected token (strict as profile's switch says), keeps it
 * in the keyring as profile's "application-token" secret and stops.
 * Once the keyring has answered it emits "secret-error" (GError) if it
 * failed to keep the token, then "learned" (const char *token).  Signals on the thread-default main
 * context of the caller of _new(). */
#define BOTBENCH_TYPE_TOKEN_LEARNER (botbench_token_learner_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchTokenLearner, botbench_token_learner, BOTBENCH, TOKEN_LEARNER, GObject)

BotbenchTokenLearner *botbench_token_learner_new       (BotbenchEventStore  *store,
                                                        BotbenchListener    *listener,
                                                        BotbenchProfile     *profile,
                                                        BotbenchSecretStore *secrets);
/* The token once learned, else NULL. */
const char         *botbench_token_learner_get_token (BotbenchTokenLearner *self);
/* Stops looking (a look under way is dropped) and lets go of the listener;
 * a learned token is still written to the keyring. */
void                botbench_token_learner_stop      (BotbenchTokenLearner *self);

/* Constant-time string equality (time depends on the lengths only). */
gboolean            botbench_token_equal             (const char         *a,
                                                      const char         *b);

G_END_DECLS
