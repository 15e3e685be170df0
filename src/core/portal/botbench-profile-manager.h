/* botbench-profile-manager.h: the shared store of portal profiles
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A GListModel of BotbenchProfile, persisted (non-secret fields only) in
 * $XDG_CONFIG_HOME/botbench/profiles.ini with atomic writes, together with
 * the active profile.  The file is watched, so profiles changed by
 * botbench-cli appear in a running window.  Changes made through this API
 * are written back at once and report failures to their caller; property
 * changes on managed profiles are written back on an idle (and on dispose),
 * and a failure there is emitted as "save-failed":
 *
 *   void (*save_failed) (BotbenchProfileManager *self,
 *                        GError                 *error,
 *                        gpointer                user_data);
 *
 * error->message says why (e.g. "Cannot create …: Not a directory"); with
 * no handler connected, the failure is logged with g_warning().
 */
#pragma once

#include <gio/gio.h>

#include "botbench-profile.h"

G_BEGIN_DECLS

#define BOTBENCH_PROFILE_MANAGER_ERROR (botbench_profile_manager_error_quark ())

typedef enum
{
  BOTBENCH_PROFILE_MANAGER_ERROR_INVALID_NAME,
  BOTBENCH_PROFILE_MANAGER_ERROR_NAME_TAKEN,
  BOTBENCH_PROFILE_MANAGER_ERROR_NOT_FOUND,
  BOTBENCH_PROFILE_MANAGER_ERROR_FAILED,
} BotbenchProfileManagerError;

#define BOTBENCH_TYPE_PROFILE_MANAGER (botbench_profile_manager_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchProfileManager, botbench_profile_manager, BOTBENCH, PROFILE_MANAGER, GObject)

GQuark                  botbench_profile_manager_error_quark (void);

/* $XDG_CONFIG_HOME/botbench/profiles.ini */
char                   *botbench_profile_manager_dup_default_path (void);

/* @path: NULL for the default path.  Call _load() before use. */
BotbenchProfileManager *botbench_profile_manager_new        (const char             *path);
const char             *botbench_profile_manager_get_path   (BotbenchProfileManager *self);
/* Reads the file (a missing file is an empty store) and starts watching it. */
gboolean                botbench_profile_manager_load       (BotbenchProfileManager *self,
                                                             GError                **error);
/* Writes the file atomically (mode 0600).  Normally automatic. */
gboolean                botbench_profile_manager_save       (BotbenchProfileManager *self,
                                                             GError                **error);

/* By exact name, else by UUID; NULL if none.  Borrowed. */
BotbenchProfile        *botbench_profile_manager_lookup     (BotbenchProfileManager *self,
                                                             const char             *name_or_uuid);
/* The name must be non-empty and unique.  The first profile added becomes active. */
gboolean                botbench_profile_manager_add        (BotbenchProfileManager *self,
                                                             BotbenchProfile        *profile,
                                                             GError                **error);
/* Secrets are not touched: clear them with botbench_secret_store_clear_profile_async(). */
gboolean                botbench_profile_manager_remove     (BotbenchProfileManager *self,
                                                             BotbenchProfile        *profile,
                                                             GError                **error);
gboolean                botbench_profile_manager_rename     (BotbenchProfileManager *self,
                                                             BotbenchProfile        *profile,
                                                             const char             *name,
                                                             GError                **error);
/* The active profile (borrowed), or NULL. */
BotbenchProfile        *botbench_profile_manager_get_active (BotbenchProfileManager *self);
/* @profile: a managed profile, or NULL. */
gboolean                botbench_profile_manager_set_active (BotbenchProfileManager *self,
                                                             BotbenchProfile        *profile,
                                                             GError                **error);
/* Checks a name for add/rename (@except may keep its own name). */
gboolean                botbench_profile_manager_check_name (BotbenchProfileManager *self,
                                                             const char             *name,
                                                             BotbenchProfile        *except,
                                                             GError                **error);

G_END_DECLS
