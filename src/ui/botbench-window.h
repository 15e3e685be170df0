/* botbench-window.h: the main window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "botbench-application.h"

G_BEGIN_DECLS

#define BOTBENCH_TYPE_WINDOW (botbench_window_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchWindow, botbench_window, BOTBENCH, WINDOW, AdwApplicationWindow)

BotbenchWindow *botbench_window_new (BotbenchApplication *application);

G_END_DECLS
