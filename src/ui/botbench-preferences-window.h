/* botbench-preferences-window.h: listener and retention settings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define BOTBENCH_TYPE_PREFERENCES_WINDOW (botbench_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchPreferencesWindow, botbench_preferences_window, BOTBENCH, PREFERENCES_WINDOW, AdwPreferencesWindow)

GtkWidget *botbench_preferences_window_new (GSettings *settings);

G_END_DECLS
