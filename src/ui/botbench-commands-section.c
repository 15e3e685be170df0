/* botbench-commands-section.c: the Commands group of the bot editor: a
 * BotbenchCommandRow per slash command of the registered bot
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Adding, editing and unregistering are the editor's actions
 * (botbench-bot-editor-commands.c): they call the portal.
 */
#define G_LOG_DOMAIN "botbench-commands-section"

#include "config.h"

#include "botbench-application-private.h"
#include "botbench-command-row.h"
#include "botbench-commands-section.h"

struct _BotbenchCommandsSection
{
  AdwPreferencesGroup  parent_instance;

  GPtrArray           *rows;    /* the BotbenchCommandRows shown */

  /* Template widgets */
  AdwActionRow        *empty_row;
};

G_DEFINE_FINAL_TYPE (BotbenchCommandsSection, botbench_commands_section, ADW_TYPE_PREFERENCES_GROUP)

static void
botbench_commands_section_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), BOTBENCH_TYPE_COMMANDS_SECTION);

  G_OBJECT_CLASS (botbench_commands_section_parent_class)->dispose (object);
}

static void
botbench_commands_section_finalize (GObject *object)
{
  BotbenchCommandsSection *self = (BotbenchCommandsSection *)object;

  g_clear_pointer (&self->rows, g_ptr_array_unref);

  G_OBJECT_CLASS (botbench_commands_section_parent_class)->finalize (object);
}

static void
botbench_commands_section_class_init (BotbenchCommandsSectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = botbench_commands_section_dispose;
  object_class->finalize = botbench_commands_section_finalize;

  _botbench_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/botbench/Botbench/botbench-commands-section.ui");
  gtk_widget_class_bind_template_child (widget_class, BotbenchCommandsSection, empty_row);
}

static void
botbench_commands_section_init (BotbenchCommandsSection *self)
{
  self->rows = g_ptr_array_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
}

void
botbench_commands_section_set_bot (BotbenchCommandsSection *self,
                                   BotbenchBot             *bot)
{
  gboolean registered = bot != NULL && botbench_bot_get_bot_id (bot) > 0;
  GListModel *commands;
  guint n;

  g_return_if_fail (BOTBENCH_IS_COMMANDS_SECTION (self));

  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self), g_ptr_array_index (self->rows, i));
  g_ptr_array_set_size (self->rows, 0);

  gtk_widget_set_visible (GTK_WIDGET (self), registered);
  if (!registered)
    return;

  commands = botbench_bot_get_commands (bot);
  n = g_list_model_get_n_items (commands);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BotbenchBotCommand) command = g_list_model_get_item (commands, i);
      GtkWidget *row = botbench_command_row_new (command);

      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), row);
      g_ptr_array_add (self->rows, row);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->empty_row), n == 0);
}
