/* botbench-command-dialog.h: Add Command, or Edit Command, of the bot editor
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "botbench-core.h"

G_BEGIN_DECLS

#define BOTBENCH_TYPE_COMMAND_DIALOG (botbench_command_dialog_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchCommandDialog, botbench_command_dialog, BOTBENCH, COMMAND_DIALOG, AdwMessageDialog)

/* The Add Command dialog, or with @editing the same dialog to change it
 * (COMMON cannot change then).  Its "register" response is enabled once
 * the command and its title are filled in. */
GtkWidget          *botbench_command_dialog_new           (GtkWindow             *parent,
                                                           BotbenchBotCommand    *editing);
/* A new command from the fields: name (without leading slashes), COMMON,
 * HIDDEN and its English title and parameters hint. */
BotbenchBotCommand *botbench_command_dialog_build_command (BotbenchCommandDialog *self);

G_END_DECLS
