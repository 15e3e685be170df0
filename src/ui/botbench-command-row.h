/* botbench-command-row.h: a slash command in the bot editor's list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "botbench-core.h"

G_BEGIN_DECLS

#define BOTBENCH_TYPE_COMMAND_ROW (botbench_command_row_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchCommandRow, botbench_command_row, BOTBENCH, COMMAND_ROW, AdwActionRow)

/* Its buttons activate bot-editor.edit-command and
 * bot-editor.unregister-command with the command's name. */
GtkWidget *botbench_command_row_new (BotbenchBotCommand *command);

G_END_DECLS
