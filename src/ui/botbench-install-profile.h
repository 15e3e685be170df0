/* botbench-install-profile.h: "Create Profile" from an application's ONAPPINSTALL
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "botbench-application.h"

G_BEGIN_DECLS

/* TRUE when event is an ONAPPINSTALL whose auth[…] makes a profile. */
gboolean    botbench_install_profile_offered (BotbenchEvent       *event);
/* Asks for the name, the application's client id and client secret (both
 * optional until the first refresh), then adds the OAuth profile with the
 * tokens in the keyring.  Returns the dialog (already presented). */
GtkWidget  *botbench_install_profile_present (BotbenchApplication *app,
                                              GtkWindow           *parent,
                                              BotbenchEvent       *event);

G_END_DECLS
