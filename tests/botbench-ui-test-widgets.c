/* botbench-ui-test-widgets.c: finding, reading and driving widgets in the
 * window tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The small steps of a user (typing, answering a dialog) and the checks
 * of what the window shows that the UI test programs share; finding by
 * id and type is in botbench-ui-test-utils.c.
 */
#include "config.h"

#include <string.h>

#include "botbench-ui-test-widgets.h"
#include "botbench-test-utils.h"

const char *
botbench_ui_test_visible_child (gpointer    root,
                                const char *stack_id)
{
  return gtk_stack_get_visible_child_name (GTK_STACK (botbench_ui_test_find (root, stack_id)));
}

GtkWidget *
botbench_ui_test_find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (window))
        return window;
    }

  return NULL;
}

void
botbench_ui_test_respond (AdwMessageDialog *dialog,
                          const char       *response)
{
  g_assert_nonnull (dialog);
  adw_message_dialog_response (dialog, response);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

void
botbench_ui_test_type_into (GtkWidget  *entry_row,
                            const char *text)
{
  g_assert_true (ADW_IS_ENTRY_ROW (entry_row));
  g_assert_true (gtk_widget_get_mapped (entry_row));
  gtk_editable_set_text (GTK_EDITABLE (entry_row), text);
}

GtkWidget *
botbench_ui_test_find_text (GtkWidget  *widget,
                            const char *text)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
      strstr (gtk_label_get_text (GTK_LABEL (widget)), text) != NULL)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = botbench_ui_test_find_text (child, text);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* The mapped labels' texts, for failure messages. */
static void
collect_texts (GtkWidget *widget,
               GString   *texts)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
      *gtk_label_get_text (GTK_LABEL (widget)) != '\0')
    g_string_append_printf (texts, "\n  “%.200s”", gtk_label_get_text (GTK_LABEL (widget)));

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_texts (child, texts);
}

typedef struct
{
  GtkWidget  *widget;
  const char *text;
} TextWait;

static gboolean
text_is_shown (gpointer data)
{
  TextWait *wait = data;

  return botbench_ui_test_find_text (wait->widget, wait->text) != NULL;
}

GtkWidget *
botbench_ui_test_assert_text_shown (BotbenchUiFixture *f,
                                    GtkWidget         *widget,
                                    const char        *text)
{
  TextWait wait = { widget, text };

  if (!botbench_test_wait_until (text_is_shown, &wait, BOTBENCH_UI_TEST_WAIT_MS))
    {
      g_autoptr(GString) shown = g_string_new (NULL);

      collect_texts (widget, shown);
      botbench_ui_test_screenshot (f, "text-failure.png");
      g_error ("%s shows no “%s”; it shows:%s", G_OBJECT_TYPE_NAME (widget), text, shown->str);
    }

  return botbench_ui_test_find_text (widget, text);
}
