/* botbench-sidebar-row.h: one page in the window's sidebar
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define BOTBENCH_TYPE_SIDEBAR_ROW (botbench_sidebar_row_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchSidebarRow, botbench_sidebar_row, BOTBENCH, SIDEBAR_ROW, GtkListBoxRow)

/* A row showing @page's icon and title (kept up to date). */
GtkWidget    *botbench_sidebar_row_new      (GtkStackPage       *page);
GtkStackPage *botbench_sidebar_row_get_page (BotbenchSidebarRow *self);

G_END_DECLS
