/* botbench-profile-editor.h: add or edit one portal profile
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "botbench-application.h"

G_BEGIN_DECLS

#define BOTBENCH_TYPE_PROFILE_EDITOR (botbench_profile_editor_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchProfileEditor, botbench_profile_editor, BOTBENCH, PROFILE_EDITOR, GtkWidget)

GtkWidget       *botbench_profile_editor_new         (void);
/* @profile: a managed profile to edit, or NULL to make a new one.  Secrets
 * are read from the application's secret store in the background. */
void             botbench_profile_editor_edit        (BotbenchProfileEditor *self,
                                                      BotbenchApplication   *app,
                                                      BotbenchProfile       *profile);
/* Moves the keyboard focus to the name field. */
void             botbench_profile_editor_focus_name  (BotbenchProfileEditor *self);
/* The profile being edited, NULL for a new one not yet saved. */
BotbenchProfile *botbench_profile_editor_get_profile (BotbenchProfileEditor *self);

/* Signals:
 *   "closed"  the user went back to the list, or removed the profile. */

G_END_DECLS
