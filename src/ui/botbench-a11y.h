/* botbench-a11y.h: accessible names GTK 4.8 cannot give in a .ui file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

void botbench_a11y_label_list_item (GtkWidget   *child,
                                    const char  *label);
void botbench_a11y_label_drop_down (GtkDropDown *drop_down);
void botbench_a11y_label_peek_buttons (GtkWidget *root);
void botbench_a11y_label_group_list (GtkWidget  *row,
                                     const char *label);
void botbench_a11y_label_expander (AdwExpanderRow *row);
void botbench_a11y_label_lists (GtkWidget  *root,
                                const char *label);
void botbench_a11y_label_column_row (GtkWidget  *cell_child,
                                     const char *key,
                                     const char *value);
void botbench_a11y_label_list_view_of (GtkWidget *column_view);

G_END_DECLS
