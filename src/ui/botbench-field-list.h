/* botbench-field-list.h: name/value rows in a list box
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Removes every row of list. */
void _botbench_field_list_clear (GtkListBox *list);
/* Appends a row: name, then value (invalid UTF-8 replaced; NULL: ""). */
void _botbench_field_list_add   (GtkListBox *list,
                                 const char *name,
                                 const char *value);

G_END_DECLS
