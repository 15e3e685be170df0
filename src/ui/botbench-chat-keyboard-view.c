/* botbench-chat-keyboard-view.c: a bot message's KEYBOARD as buttons
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One row of buttons per keyboard row (NEWLINE separators), each button
 * with its TEXT (BB-code) and colours, disabled when DISABLED=Y.  A button
 * only names the action "chat.press-button" with (message id, index): the
 * Chat page opens links, puts text in the composer, copies, or asks the
 * sandbox (COMMAND, SEND).  The parser's warnings and the raw JSON follow.
 */
#define G_LOG_DOMAIN "botbench-chat"

#include "config.h"

#include <glib/gi18n.h>

#include "botbench-chat-attach-card.h"
#include "botbench-chat-keyboard-view.h"

struct _BotbenchChatKeyboardView
{
  GtkWidget  parent_instance;
};

G_DEFINE_FINAL_TYPE (BotbenchChatKeyboardView, botbench_chat_keyboard_view, GTK_TYPE_WIDGET)

static char *
button_tooltip (const BotbenchKeyboardButton *button)
{
  if (*button->command != '\0')
    return g_strdup_printf ("/%s%s%s", button->command,
                            *button->command_params != '\0' ? " " : "", button->command_params);
  if (*button->link != '\0')
    return g_strdup (button->link);
  if (*button->action != '\0')
    return g_strdup_printf ("%s %s", button->action, button->action_value);

  return NULL;
}

static GtkWidget *
botbench_chat_keyboard_view_button (const BotbenchKeyboardButton *button,
                                    gint64                        message_id)
{
  g_autofree char *markup = botbench_bbcode_to_markup (button->text, 200);
  g_autofree char *plain = botbench_bbcode_to_plain (button->text);
  g_autofree char *tooltip = button_tooltip (button);
  GtkWidget *widget = gtk_button_new ();
  GtkWidget *label = gtk_label_new (NULL);

  if (button->text_color != NULL && *button->text_color == '#')
    {
      g_autofree char *inner = g_steal_pointer (&markup);

      markup = g_strdup_printf ("<span foreground=\"%s\">%s</span>", button->text_color, inner);
    }
  gtk_label_set_markup (GTK_LABEL (label), markup);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_button_set_child (GTK_BUTTON (widget), label);

  /* The target first: the action takes (xu).  A disabled button gets no
   * action, which would make it sensitive again. */
  if (!button->disabled)
    {
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (widget),
                                              g_variant_new ("(xu)", message_id, button->index));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (widget), "chat.press-button");
    }
  gtk_widget_set_tooltip_text (widget, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  *plain != '\0' ? plain : _("Keyboard button"), -1);
  if (button->disabled)
    gtk_widget_set_sensitive (widget, FALSE);
  if (*button->link != '\0')
    gtk_widget_add_css_class (widget, "chat-link-button");
  gtk_widget_add_css_class (widget, "chat-keyboard-button");
  if (g_strcmp0 (button->display, "LINE") == 0)
    gtk_widget_set_hexpand (widget, TRUE);

  return widget;
}

static void
botbench_chat_keyboard_view_dispose (GObject *object)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (botbench_chat_keyboard_view_parent_class)->dispose (object);
}

static void
botbench_chat_keyboard_view_class_init (BotbenchChatKeyboardViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = botbench_chat_keyboard_view_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "chatkeyboard");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
botbench_chat_keyboard_view_init (BotbenchChatKeyboardView *self)
{
  GtkBoxLayout *layout = GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (GTK_WIDGET (self)));

  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (layout, 6);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Keyboard"), -1);
}

GtkWidget *
botbench_chat_keyboard_view_new (BotbenchKeyboard *keyboard,
                                 gint64            message_id)
{
  BotbenchChatKeyboardView *self;
  GtkWidget *warnings;

  g_return_val_if_fail (keyboard != NULL, NULL);

  self = g_object_new (BOTBENCH_TYPE_CHAT_KEYBOARD_VIEW, NULL);

  for (guint r = 0; r < keyboard->rows->len; r++)
    {
      GPtrArray *buttons = g_ptr_array_index (keyboard->rows, r);
      GtkWidget *row;

      if (buttons->len == 0)
        continue;

      row = gtk_flow_box_new ();
      gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (row), GTK_SELECTION_NONE);
      gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (row), FALSE);
      gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (row), 6);
      gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (row), 6);
      gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (row), 8);
      for (guint i = 0; i < buttons->len; i++)
        {
          GtkWidget *button = botbench_chat_keyboard_view_button (g_ptr_array_index (buttons, i),
                                                                  message_id);

          gtk_flow_box_append (GTK_FLOW_BOX (row), button);
          gtk_widget_set_focusable (gtk_widget_get_parent (button), FALSE);
        }
      gtk_widget_set_parent (row, GTK_WIDGET (self));
    }

  if (keyboard->warnings->len > 0)
    {
      g_autofree char *raw = botbench_keyboard_dup_raw (keyboard);

      warnings = _botbench_chat_warnings_new (keyboard->warnings, raw);
      gtk_widget_set_parent (warnings, GTK_WIDGET (self));
    }

  return GTK_WIDGET (self);
}
