/* botbench-install-local-app.h: "Install a Local Application" in the sandbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "botbench-application.h"

G_BEGIN_DECLS

/* Installs a new local application in the running sandbox with Botbench's
 * own listener as its install handler (POST /_sandbox/install), waits for
 * its ONAPPINSTALL in the event store, and adds the OAuth profile made from
 * it ("Sandbox App", unique): the tokens, the application_token and the
 * client secret in the keyring, the profile active.  Errors say what to do
 * (the sandbox or the listener not running, the delivery refused). */
void             botbench_install_local_app_async  (BotbenchApplication  *app,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
/* The new profile (a new ref), or NULL with error. */
BotbenchProfile *botbench_install_local_app_finish (BotbenchApplication  *app,
                                                    GAsyncResult         *result,
                                                    GError              **error);

G_END_DECLS
