/* botbench-chat-composer.c: the Chat page's message entry
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An entry and a Send button.  Enter sends (the "send" signal with the
 * text); a "/" at the start opens a completion of the conversation's bots'
 * commands (command, params, title) above the entry: Up/Down move, Enter or
 * Tab take the command, Escape closes it.
 */
#define G_LOG_DOMAIN "botbench-chat"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "botbench-chat-composer.h"

typedef struct
{
  char *command;
  char *params;
  char *title;
} Command;

struct _BotbenchChatComposer
{
  GtkWidget   parent_instance;

  GPtrArray  *commands;      /* Command */
  GPtrArray  *shown;         /* Command, borrowed from commands */

  GtkWidget  *box;
  GtkEntry   *entry;
  GtkWidget  *send_button;
  GtkPopover *popover;
  GtkListBox *list;

  guint       completing : 1;
  guint       taking : 1;
};

G_DEFINE_FINAL_TYPE (BotbenchChatComposer, botbench_chat_composer, GTK_TYPE_WIDGET)

enum {
  SEND,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
command_free (gpointer data)
{
  Command *command = data;

  g_free (command->command);
  g_free (command->params);
  g_free (command->title);
  g_free (command);
}

static void
botbench_chat_composer_hide_completion (BotbenchChatComposer *self)
{
  if (!self->completing)
    return;

  self->completing = FALSE;
  gtk_popover_popdown (self->popover);
}

static GtkWidget *
botbench_chat_composer_make_row (Command *command)
{
  g_autofree char *name = g_strdup_printf ("/%s", command->command);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label;

  label = gtk_label_new (name);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  gtk_box_append (GTK_BOX (top), label);

  if (command->params != NULL && *command->params != '\0')
    {
      label = gtk_label_new (command->params);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_widget_add_css_class (label, "monospace");
      gtk_widget_add_css_class (label, "dim-label");
      gtk_box_append (GTK_BOX (top), label);
    }
  gtk_box_append (GTK_BOX (box), top);

  if (command->title != NULL && *command->title != '\0')
    {
      label = gtk_label_new (command->title);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_widget_add_css_class (label, "caption");
      gtk_widget_add_css_class (label, "dim-label");
      gtk_box_append (GTK_BOX (box), label);
    }

  gtk_widget_set_margin_top (box, 3);
  gtk_widget_set_margin_bottom (box, 3);
  gtk_accessible_update_property (GTK_ACCESSIBLE (box), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  command->title != NULL && *command->title != '\0' ? command->title : name,
                                  -1);

  return box;
}

/* Shows the commands that start with what follows the "/", or hides the
 * completion when the text is not a command being typed. */
static void
botbench_chat_composer_update_completion (BotbenchChatComposer *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->entry));
  GtkWidget *child;
  gsize prefix_len;

  if (self->taking)
    return;

  g_ptr_array_set_size (self->shown, 0);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);

  if (text[0] != '/' || strpbrk (text, " \n\t") != NULL)
    {
      botbench_chat_composer_hide_completion (self);
      return;
    }

  prefix_len = strlen (text + 1);
  for (guint i = 0; i < self->commands->len; i++)
    {
      Command *command = g_ptr_array_index (self->commands, i);

      if (g_ascii_strncasecmp (command->command, text + 1, prefix_len) == 0)
        {
          g_ptr_array_add (self->shown, command);
          gtk_list_box_append (self->list, botbench_chat_composer_make_row (command));
        }
    }

  if (self->shown->len == 0)
    {
      botbench_chat_composer_hide_completion (self);
      return;
    }

  gtk_list_box_select_row (self->list, gtk_list_box_get_row_at_index (self->list, 0));
  if (!self->completing)
    {
      self->completing = TRUE;
      gtk_popover_popup (self->popover);
    }
}

static void
botbench_chat_composer_take (BotbenchChatComposer *self,
                             guint                 index)
{
  g_autofree char *text = NULL;
  Command *command;

  if (index >= self->shown->len)
    return;

  command = g_ptr_array_index (self->shown, index);
  text = g_strdup_printf ("/%s ", command->command);

  self->taking = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->entry), text);
  gtk_editable_set_position (GTK_EDITABLE (self->entry), -1);
  self->taking = FALSE;

  botbench_chat_composer_hide_completion (self);
  gtk_entry_grab_focus_without_selecting (self->entry);
}

static void
botbench_chat_composer_move (BotbenchChatComposer *self,
                             int                   delta)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->list);
  int index = row != NULL ? gtk_list_box_row_get_index (row) : -1;
  int n = (int)self->shown->len;

  if (n == 0)
    return;

  index = ((index + delta) % n + n) % n;
  row = gtk_list_box_get_row_at_index (self->list, index);
  gtk_list_box_select_row (self->list, row);
}

static gboolean
key_pressed_cb (BotbenchChatComposer  *self,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                GtkEventControllerKey *controller)
{
  GtkListBoxRow *row;

  if (!self->completing)
    return FALSE;

  switch (keyval)
    {
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      botbench_chat_composer_move (self, -1);
      return TRUE;

    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      botbench_chat_composer_move (self, 1);
      return TRUE;

    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_ISO_Enter:
    case GDK_KEY_Tab:
      row = gtk_list_box_get_selected_row (self->list);
      botbench_chat_composer_take (self, row != NULL ? (guint)gtk_list_box_row_get_index (row) : 0);
      return TRUE;

    case GDK_KEY_Escape:
      botbench_chat_composer_hide_completion (self);
      return TRUE;

    default:
      return FALSE;
    }
}

static void
entry_changed_cb (BotbenchChatComposer *self,
                  GtkEditable          *editable)
{
  botbench_chat_composer_update_completion (self);
}

static void
entry_activate_cb (BotbenchChatComposer *self,
                   GtkEntry             *entry)
{
  botbench_chat_composer_send (self);
}

static void
send_clicked_cb (BotbenchChatComposer *self,
                 GtkButton            *button)
{
  botbench_chat_composer_send (self);
}

static void
row_activated_cb (BotbenchChatComposer *self,
                  GtkListBoxRow        *row,
                  GtkListBox           *list)
{
  botbench_chat_composer_take (self, (guint)gtk_list_box_row_get_index (row));
}

static void
popover_closed_cb (BotbenchChatComposer *self,
                   GtkPopover           *popover)
{
  self->completing = FALSE;
}

static void
botbench_chat_composer_dispose (GObject *object)
{
  BotbenchChatComposer *self = (BotbenchChatComposer *)object;

  if (self->popover != NULL)
    {
      gtk_widget_unparent (GTK_WIDGET (self->popover));
      self->popover = NULL;
    }
  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_pointer (&self->shown, g_ptr_array_unref);
  g_clear_pointer (&self->commands, g_ptr_array_unref);

  G_OBJECT_CLASS (botbench_chat_composer_parent_class)->dispose (object);
}

static void
botbench_chat_composer_size_allocate (GtkWidget *widget,
                                      int        width,
                                      int        height,
                                      int        baseline)
{
  BotbenchChatComposer *self = BOTBENCH_CHAT_COMPOSER (widget);

  gtk_widget_size_allocate (self->box, &(GtkAllocation) { 0, 0, width, height }, baseline);
  gtk_widget_set_size_request (GTK_WIDGET (self->popover), MIN (width, 480), -1);
  gtk_popover_present (self->popover);
}

static void
botbench_chat_composer_measure (GtkWidget      *widget,
                                GtkOrientation  orientation,
                                int             for_size,
                                int            *minimum,
                                int            *natural,
                                int            *minimum_baseline,
                                int            *natural_baseline)
{
  BotbenchChatComposer *self = BOTBENCH_CHAT_COMPOSER (widget);

  gtk_widget_measure (self->box, orientation, for_size, minimum, natural,
                      minimum_baseline, natural_baseline);
}

static gboolean
botbench_chat_composer_grab_focus (GtkWidget *widget)
{
  return gtk_entry_grab_focus_without_selecting (BOTBENCH_CHAT_COMPOSER (widget)->entry);
}

static void
botbench_chat_composer_class_init (BotbenchChatComposerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = botbench_chat_composer_dispose;

  widget_class->measure = botbench_chat_composer_measure;
  widget_class->size_allocate = botbench_chat_composer_size_allocate;
  widget_class->grab_focus = botbench_chat_composer_grab_focus;

  /**
   * BotbenchChatComposer::send:
   * @text: what the user typed (not empty)
   *
   * Enter or the Send button; the receiver clears the entry when it took
   * the text.
   */
  signals[SEND] =
    g_signal_new ("send", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_css_name (widget_class, "chatcomposer");
}

static void
botbench_chat_composer_init (BotbenchChatComposer *self)
{
  GtkEventController *keys;
  GtkWidget *scroller;

  self->commands = g_ptr_array_new_with_free_func (command_free);
  self->shown = g_ptr_array_new ();

  self->box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  self->entry = GTK_ENTRY (gtk_entry_new ());
  gtk_widget_set_hexpand (GTK_WIDGET (self->entry), TRUE);
  gtk_entry_set_placeholder_text (self->entry, _("Write a message, or / for the bot’s commands"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Message"), -1);
  gtk_widget_set_name (GTK_WIDGET (self->entry), "composer_entry");
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->entry));
  g_signal_connect_object (self->entry, "changed", G_CALLBACK (entry_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->entry, "activate", G_CALLBACK (entry_activate_cb), self, G_CONNECT_SWAPPED);

  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect_object (keys, "key-pressed", G_CALLBACK (key_pressed_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self->entry), keys);

  self->send_button = gtk_button_new_from_icon_name ("mail-send-symbolic");
  gtk_widget_set_tooltip_text (self->send_button, _("Send"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->send_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Send message"), -1);
  gtk_widget_add_css_class (self->send_button, "suggested-action");
  gtk_box_append (GTK_BOX (self->box), self->send_button);
  g_signal_connect_object (self->send_button, "clicked", G_CALLBACK (send_clicked_cb), self, G_CONNECT_SWAPPED);

  /* Typing goes on in the entry while the list is shown: no autohide, so
   * the popover never takes the focus. */
  self->popover = GTK_POPOVER (gtk_popover_new ());
  gtk_popover_set_autohide (self->popover, FALSE);
  gtk_popover_set_has_arrow (self->popover, FALSE);
  gtk_popover_set_position (self->popover, GTK_POS_TOP);
  gtk_widget_set_halign (GTK_WIDGET (self->popover), GTK_ALIGN_START);
  gtk_widget_set_parent (GTK_WIDGET (self->popover), GTK_WIDGET (self));
  g_signal_connect_object (self->popover, "closed", G_CALLBACK (popover_closed_cb), self, G_CONNECT_SWAPPED);

  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scroller), 280);
  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_BROWSE);
  gtk_widget_set_can_focus (GTK_WIDGET (self->list), FALSE);
  gtk_widget_set_name (GTK_WIDGET (self->list), "command_completion");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Commands"), -1);
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "navigation-sidebar");
  g_signal_connect_object (self->list, "row-activated", G_CALLBACK (row_activated_cb), self, G_CONNECT_SWAPPED);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (self->list));
  gtk_popover_set_child (self->popover, scroller);
}

GtkWidget *
botbench_chat_composer_new (void)
{
  return g_object_new (BOTBENCH_TYPE_CHAT_COMPOSER, NULL);
}

void
botbench_chat_composer_clear_commands (BotbenchChatComposer *self)
{
  g_return_if_fail (BOTBENCH_IS_CHAT_COMPOSER (self));

  g_ptr_array_set_size (self->shown, 0);
  g_ptr_array_set_size (self->commands, 0);
  botbench_chat_composer_update_completion (self);
}

void
botbench_chat_composer_add_command (BotbenchChatComposer *self,
                                    const char           *command,
                                    const char           *params,
                                    const char           *title)
{
  Command *c;

  g_return_if_fail (BOTBENCH_IS_CHAT_COMPOSER (self));
  g_return_if_fail (command != NULL);

  if (*command == '/')
    command++;
  if (*command == '\0')
    return;

  for (guint i = 0; i < self->commands->len; i++)
    if (g_str_equal (((Command *)g_ptr_array_index (self->commands, i))->command, command))
      return;

  c = g_new0 (Command, 1);
  c->command = g_strdup (command);
  c->params = g_strdup (params);
  c->title = g_strdup (title);
  g_ptr_array_add (self->commands, c);
}

const char *
botbench_chat_composer_get_text (BotbenchChatComposer *self)
{
  g_return_val_if_fail (BOTBENCH_IS_CHAT_COMPOSER (self), NULL);

  return gtk_editable_get_text (GTK_EDITABLE (self->entry));
}

void
botbench_chat_composer_set_text (BotbenchChatComposer *self,
                                 const char           *text)
{
  g_return_if_fail (BOTBENCH_IS_CHAT_COMPOSER (self));

  gtk_editable_set_text (GTK_EDITABLE (self->entry), text != NULL ? text : "");
  gtk_editable_set_position (GTK_EDITABLE (self->entry), -1);
}

void
botbench_chat_composer_insert (BotbenchChatComposer *self,
                               const char           *text)
{
  int position;

  g_return_if_fail (BOTBENCH_IS_CHAT_COMPOSER (self));
  g_return_if_fail (text != NULL);

  position = gtk_editable_get_position (GTK_EDITABLE (self->entry));
  gtk_editable_insert_text (GTK_EDITABLE (self->entry), text, -1, &position);
  gtk_editable_set_position (GTK_EDITABLE (self->entry), position);
  gtk_entry_grab_focus_without_selecting (self->entry);
}

void
botbench_chat_composer_focus (BotbenchChatComposer *self)
{
  g_return_if_fail (BOTBENCH_IS_CHAT_COMPOSER (self));

  gtk_entry_grab_focus_without_selecting (self->entry);
}

void
botbench_chat_composer_send (BotbenchChatComposer *self)
{
  g_autofree char *text = NULL;

  g_return_if_fail (BOTBENCH_IS_CHAT_COMPOSER (self));

  text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->entry))));
  if (*text == '\0')
    return;

  botbench_chat_composer_hide_completion (self);
  g_signal_emit (self, signals[SEND], 0, text);
}

gboolean
botbench_chat_composer_get_completing (BotbenchChatComposer *self)
{
  g_return_val_if_fail (BOTBENCH_IS_CHAT_COMPOSER (self), FALSE);

  return self->completing;
}

GStrv
botbench_chat_composer_dup_completions (BotbenchChatComposer *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (BOTBENCH_IS_CHAT_COMPOSER (self), NULL);

  for (guint i = 0; i < self->shown->len; i++)
    {
      g_autofree char *name = g_strdup_printf ("/%s", ((Command *)g_ptr_array_index (self->shown, i))->command);

      g_strv_builder_add (builder, name);
    }

  return g_strv_builder_end (builder);
}

GtkEditable *
botbench_chat_composer_get_editable (BotbenchChatComposer *self)
{
  g_return_val_if_fail (BOTBENCH_IS_CHAT_COMPOSER (self), NULL);

  return GTK_EDITABLE (self->entry);
}
