/* botbench-profile-private.h: keyfile persistence for BotbenchProfileManager
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "botbench-profile.h"

G_BEGIN_DECLS

void             _botbench_profile_save_to_keyfile   (BotbenchProfile *self,
                                                      GKeyFile        *keyfile,
                                                      const char      *group);
/* Updates @self in place (one notify per changed property). */
void             _botbench_profile_load_from_keyfile (BotbenchProfile *self,
                                                      GKeyFile        *keyfile,
                                                      const char      *group);

G_END_DECLS
