/* botbench-command-row.c: a slash command in the bot editor's list: its
 * name, title and id, with Edit and Unregister buttons
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "botbench-command-row"

#include "config.h"

#include <glib/gi18n.h>

#include "botbench-application-private.h"
#include "botbench-command-row.h"

struct _BotbenchCommandRow
{
  AdwActionRow  parent_instance;

  /* Template widgets */
  GtkButton    *edit_button;
  GtkButton    *remove_button;
};

G_DEFINE_FINAL_TYPE (BotbenchCommandRow, botbench_command_row, ADW_TYPE_ACTION_ROW)

static void
botbench_command_row_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), BOTBENCH_TYPE_COMMAND_ROW);

  G_OBJECT_CLASS (botbench_command_row_parent_class)->dispose (object);
}

static void
botbench_command_row_class_init (BotbenchCommandRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = botbench_command_row_dispose;

  _botbench_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/botbench/Botbench/botbench-command-row.ui");
  gtk_widget_class_bind_template_child (widget_class, BotbenchCommandRow, edit_button);
  gtk_widget_class_bind_template_child (widget_class, BotbenchCommandRow, remove_button);
}

static void
botbench_command_row_init (BotbenchCommandRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
botbench_command_row_new (BotbenchBotCommand *command)
{
  BotbenchCommandRow *self;
  const BotbenchBotCommandLang *lang;
  const char *name;
  g_autofree char *title = NULL;
  g_autofree char *escaped_title = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *escaped = NULL;

  g_return_val_if_fail (BOTBENCH_IS_BOT_COMMAND (command), NULL);

  self = g_object_new (BOTBENCH_TYPE_COMMAND_ROW, NULL);
  name = botbench_bot_command_get_command (command);
  lang = botbench_bot_command_get_n_langs (command) > 0 ? botbench_bot_command_get_lang (command, 0) : NULL;

  title = g_strdup_printf ("/%s", name);
  escaped_title = g_markup_escape_text (title, -1);
  /* Translators: a command's subtitle: its title and id */
  subtitle = g_strdup_printf (_("%s · id %lld"), lang != NULL ? lang->title : "",
                              (long long) botbench_bot_command_get_command_id (command));
  escaped = g_markup_escape_text (subtitle, -1);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), escaped_title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), escaped);

  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->edit_button), "s", name);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->remove_button), "s", name);

  return GTK_WIDGET (self);
}
