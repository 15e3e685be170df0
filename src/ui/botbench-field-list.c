/* botbench-field-list.c: name/value rows in a list box
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The rows of the event detail pane's Headers list and of the Handler
 * tab's response headers: the name dimmed in a fixed column, the value
 * selectable and wrapped, labelled by the name for screen readers.
 */
#define G_LOG_DOMAIN "botbench-field-list"

#include "config.h"

#include "botbench-field-list.h"

void
_botbench_field_list_clear (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

void
_botbench_field_list_add (GtkListBox *list,
                          const char *name,
                          const char *value)
{
  g_autofree char *valid_value = g_utf8_make_valid (value != NULL ? value : "", -1);
  GtkWidget *row;
  GtkWidget *box;
  GtkWidget *name_label;
  GtkWidget *value_label;

  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_add_css_class (box, "field-row");

  name_label = gtk_label_new (name);
  gtk_label_set_xalign (GTK_LABEL (name_label), 0);
  gtk_label_set_yalign (GTK_LABEL (name_label), 0);
  gtk_label_set_width_chars (GTK_LABEL (name_label), 16);
  gtk_label_set_max_width_chars (GTK_LABEL (name_label), 16);
  gtk_label_set_wrap (GTK_LABEL (name_label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (name_label), PANGO_WRAP_WORD_CHAR);
  gtk_widget_add_css_class (name_label, "dim-label");
  gtk_box_append (GTK_BOX (box), name_label);

  value_label = gtk_label_new (valid_value);
  gtk_label_set_xalign (GTK_LABEL (value_label), 0);
  gtk_label_set_yalign (GTK_LABEL (value_label), 0);
  gtk_label_set_wrap (GTK_LABEL (value_label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (value_label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (value_label), TRUE);
  gtk_widget_set_hexpand (value_label, TRUE);
  gtk_widget_add_css_class (value_label, "field-value");
  gtk_box_append (GTK_BOX (box), value_label);

  row = gtk_list_box_row_new ();
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (value_label),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, name_label, NULL,
                                  -1);
  gtk_list_box_append (list, row);
}
