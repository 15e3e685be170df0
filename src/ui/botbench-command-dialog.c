/* botbench-command-dialog.c: Add Command, or Edit Command, of the bot
 * editor: the fields of one slash command
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The dialog only collects the fields; the editor sends them to the
 * portal on the "register" response (botbench-bot-editor-commands.c).
 */
#define G_LOG_DOMAIN "botbench-command-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "botbench-application-private.h"
#include "botbench-command-dialog.h"

struct _BotbenchCommandDialog
{
  AdwMessageDialog  parent_instance;

  /* Template widgets */
  AdwEntryRow      *command_row;
  AdwEntryRow      *title_row;
  AdwEntryRow      *params_row;
  GtkSwitch        *common_switch;
  GtkSwitch        *hidden_switch;
};

G_DEFINE_FINAL_TYPE (BotbenchCommandDialog, botbench_command_dialog, ADW_TYPE_MESSAGE_DIALOG)

static void
botbench_command_dialog_changed (BotbenchCommandDialog *self)
{
  gboolean ok;

  ok = gtk_editable_get_text (GTK_EDITABLE (self->command_row))[0] != '\0' &&
       gtk_editable_get_text (GTK_EDITABLE (self->title_row))[0] != '\0';
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "register", ok);
}

static void
botbench_command_dialog_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), BOTBENCH_TYPE_COMMAND_DIALOG);

  G_OBJECT_CLASS (botbench_command_dialog_parent_class)->dispose (object);
}

static void
botbench_command_dialog_class_init (BotbenchCommandDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = botbench_command_dialog_dispose;

  _botbench_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/botbench/Botbench/botbench-command-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, BotbenchCommandDialog, command_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchCommandDialog, title_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchCommandDialog, params_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchCommandDialog, common_switch);
  gtk_widget_class_bind_template_child (widget_class, BotbenchCommandDialog, hidden_switch);
  gtk_widget_class_bind_template_callback (widget_class, botbench_command_dialog_changed);
}

static void
botbench_command_dialog_init (BotbenchCommandDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
botbench_command_dialog_new (GtkWindow          *parent,
                             BotbenchBotCommand *editing)
{
  BotbenchCommandDialog *self;

  g_return_val_if_fail (editing == NULL || BOTBENCH_IS_BOT_COMMAND (editing), NULL);

  self = g_object_new (BOTBENCH_TYPE_COMMAND_DIALOG, "transient-for", parent, NULL);

  if (editing != NULL)
    {
      const BotbenchBotCommandLang *lang = botbench_bot_command_get_n_langs (editing) > 0
                                           ? botbench_bot_command_get_lang (editing, 0) : NULL;

      adw_message_dialog_set_heading (ADW_MESSAGE_DIALOG (self), _("Edit Command"));
      adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self),
                                   _("The changes are sent to the portal right away (imbot.command.update)."));
      adw_message_dialog_set_response_label (ADW_MESSAGE_DIALOG (self), "register", _("_Update"));

      gtk_editable_set_text (GTK_EDITABLE (self->command_row), botbench_bot_command_get_command (editing));
      gtk_editable_set_text (GTK_EDITABLE (self->title_row), lang != NULL && lang->title ? lang->title : "");
      gtk_editable_set_text (GTK_EDITABLE (self->params_row), lang != NULL && lang->params ? lang->params : "");
      gtk_switch_set_active (self->common_switch, botbench_bot_command_get_common (editing));
      gtk_widget_set_sensitive (GTK_WIDGET (self->common_switch), FALSE);
      gtk_switch_set_active (self->hidden_switch, botbench_bot_command_get_hidden (editing));
    }

  botbench_command_dialog_changed (self);

  return GTK_WIDGET (self);
}

BotbenchBotCommand *
botbench_command_dialog_build_command (BotbenchCommandDialog *self)
{
  BotbenchBotCommand *command;
  const char *name;
  const char *params;

  g_return_val_if_fail (BOTBENCH_IS_COMMAND_DIALOG (self), NULL);

  name = gtk_editable_get_text (GTK_EDITABLE (self->command_row));
  while (*name == '/')
    name++;
  params = gtk_editable_get_text (GTK_EDITABLE (self->params_row));
  command = botbench_bot_command_new (name);
  botbench_bot_command_set_common (command, gtk_switch_get_active (self->common_switch));
  botbench_bot_command_set_hidden (command, gtk_switch_get_active (self->hidden_switch));
  botbench_bot_command_set_lang (command, "en",
                                 gtk_editable_get_text (GTK_EDITABLE (self->title_row)),
                                 *params != '\0' ? params : NULL);
  return command;
}
