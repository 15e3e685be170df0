/* botbench-a11y.c: accessible names GTK 4.8 cannot give in a .ui file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A GtkListView or GtkGridView row is focused as GTK's own list item
 * widget, the parent of the factory's child, which GTK 4.8 leaves without
 * a name (GtkListItem:accessible-label is GTK 4.12); a GtkDropDown is
 * focused as its inner toggle button, also nameless; so are the "show
 * text" button of libadwaita 1.2's AdwPasswordEntryRow, the list of an
 * AdwPreferencesGroup without a title, an AdwExpanderRow and its lists,
 * and a GtkColumnView's rows and inner list view.  These give them the names screen
 * readers read.
 */
#define G_LOG_DOMAIN "botbench-a11y"

#include "config.h"

#include <glib/gi18n.h>

#include "botbench-a11y.h"

/* Names the list item holding @child (a list view factory's child) and
 * @child itself; NULL removes the names. */
void
botbench_a11y_label_list_item (GtkWidget  *child,
                               const char *label)
{
  GtkWidget *item;

  g_return_if_fail (GTK_IS_WIDGET (child));

  item = gtk_widget_get_parent (child);
  if (item != NULL && gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (item)) != GTK_ACCESSIBLE_ROLE_LIST_ITEM)
    item = NULL;

  if (label == NULL)
    {
      gtk_accessible_reset_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL);
      if (item != NULL)
        gtk_accessible_reset_property (GTK_ACCESSIBLE (item), GTK_ACCESSIBLE_PROPERTY_LABEL);
      return;
    }

  gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  if (item != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (item), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

/* The drop-down's toggle button (its first child) is labelled by the
 * drop-down, whose name the .ui file gives. */
void
botbench_a11y_label_drop_down (GtkDropDown *drop_down)
{
  GtkWidget *button;

  g_return_if_fail (GTK_IS_DROP_DOWN (drop_down));

  for (button = gtk_widget_get_first_child (GTK_WIDGET (drop_down));
       button != NULL;
       button = gtk_widget_get_next_sibling (button))
    if (GTK_IS_TOGGLE_BUTTON (button))
      break;

  if (button != NULL)
    gtk_accessible_update_relation (GTK_ACCESSIBLE (button),
                                    GTK_ACCESSIBLE_RELATION_LABELLED_BY, drop_down, NULL,
                                    -1);
}

static void
label_buttons (GtkWidget  *widget,
               const char *label)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_BUTTON (child))
        gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      else
        label_buttons (child, label);
    }
}

/* Every AdwPasswordEntryRow under @root: its icon-only button that shows
 * the text. */
void
botbench_a11y_label_peek_buttons (GtkWidget *root)
{
  g_return_if_fail (GTK_IS_WIDGET (root));

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (ADW_IS_PASSWORD_ENTRY_ROW (child))
        label_buttons (child, _("Show or hide the text"));
      else
        botbench_a11y_label_peek_buttons (child);
    }
}

/* The list of the AdwPreferencesGroup holding @row, for a group that has
 * no title to name it. */
void
botbench_a11y_label_group_list (GtkWidget  *row,
                                const char *label)
{
  GtkWidget *list;

  g_return_if_fail (GTK_IS_WIDGET (row));

  list = gtk_widget_get_ancestor (row, GTK_TYPE_LIST_BOX);
  if (list != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (list), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

static void
label_lists (GtkWidget  *widget,
             const char *label)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LIST_BOX (child))
        gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      label_lists (child, label);
    }
}

/* Every GtkListBox under @root (an AdwPreferencesGroup without a title) */
void
botbench_a11y_label_lists (GtkWidget  *root,
                           const char *label)
{
  g_return_if_fail (GTK_IS_WIDGET (root));

  label_lists (root, label);
}

/* The expander row and the lists inside it (its header's, its rows') take
 * its title. */
void
botbench_a11y_label_expander (AdwExpanderRow *row)
{
  const char *title;

  g_return_if_fail (ADW_IS_EXPANDER_ROW (row));

  title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row));
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  label_lists (GTK_WIDGET (row), title);
}

/* The GtkColumnView row holding @cell_child (a column factory's child,
 * in a cell, in the row): "key: value". */
void
botbench_a11y_label_column_row (GtkWidget  *cell_child,
                                const char *key,
                                const char *value)
{
  g_autofree char *label = NULL;
  GtkWidget *row = cell_child;

  g_return_if_fail (GTK_IS_WIDGET (cell_child));

  for (guint i = 0; i < 3 && row != NULL; i++)
    {
      row = gtk_widget_get_parent (row);
      if (row != NULL && gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (row)) == GTK_ACCESSIBLE_ROLE_ROW)
        break;
    }
  if (row == NULL || gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (row)) != GTK_ACCESSIBLE_ROLE_ROW)
    return;

  /* Translators: the accessible name of a row of a table: a key (name) and its value */
  label = g_strdup_printf (C_("table row", "%s: %s"), key != NULL ? key : "", value != NULL ? value : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

static void
label_list_views (GtkWidget *widget,
                  GtkWidget *labelled_by)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LIST_VIEW (child))
        gtk_accessible_update_relation (GTK_ACCESSIBLE (child),
                                        GTK_ACCESSIBLE_RELATION_LABELLED_BY, labelled_by, NULL,
                                        -1);
      else
        label_list_views (child, labelled_by);
    }
}

/* A GtkColumnView's inner list view, labelled by the column view, and its
 * header row (focusable, for sorting). */
void
botbench_a11y_label_list_view_of (GtkWidget *column_view)
{
  g_return_if_fail (GTK_IS_COLUMN_VIEW (column_view));

  label_list_views (column_view, column_view);
  for (GtkWidget *child = gtk_widget_get_first_child (column_view);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (child)) == GTK_ACCESSIBLE_ROLE_ROW)
      gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Column headers"), -1);
}
