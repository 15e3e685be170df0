/* botbench-properties-section.c: the Properties group of the bot editor:
 * the bot's name, position, website… and gender (PERSONAL_PHOTO is the
 * Avatar group)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "botbench-properties-section"

#include "config.h"

#include "botbench-application-private.h"
#include "botbench-bot-editor-internal.h"
#include "botbench-properties-section.h"

struct _BotbenchPropertiesSection
{
  AdwPreferencesGroup  parent_instance;

  AdwEntryRow         *property_rows[BOTBENCH_BOT_N_PROPERTIES];  /* NULL for PERSONAL_PHOTO */

  /* Template widgets */
  AdwEntryRow         *name_row;
  AdwEntryRow         *last_name_row;
  AdwEntryRow         *email_row;
  AdwEntryRow         *birthday_row;
  AdwEntryRow         *work_position_row;
  AdwEntryRow         *website_row;
  AdwComboRow         *gender_row;
};

G_DEFINE_FINAL_TYPE (BotbenchPropertiesSection, botbench_properties_section, ADW_TYPE_PREFERENCES_GROUP)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
botbench_properties_section_changed (BotbenchPropertiesSection *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
botbench_properties_section_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), BOTBENCH_TYPE_PROPERTIES_SECTION);

  G_OBJECT_CLASS (botbench_properties_section_parent_class)->dispose (object);
}

static void
botbench_properties_section_class_init (BotbenchPropertiesSectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = botbench_properties_section_dispose;

  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  _botbench_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/botbench/Botbench/botbench-properties-section.ui");
  gtk_widget_class_bind_template_child (widget_class, BotbenchPropertiesSection, name_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchPropertiesSection, last_name_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchPropertiesSection, email_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchPropertiesSection, birthday_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchPropertiesSection, work_position_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchPropertiesSection, website_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchPropertiesSection, gender_row);
  gtk_widget_class_bind_template_callback (widget_class, botbench_properties_section_changed);
}

static void
botbench_properties_section_init (BotbenchPropertiesSection *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->property_rows[BOTBENCH_BOT_PROPERTY_NAME] = self->name_row;
  self->property_rows[BOTBENCH_BOT_PROPERTY_LAST_NAME] = self->last_name_row;
  self->property_rows[BOTBENCH_BOT_PROPERTY_EMAIL] = self->email_row;
  self->property_rows[BOTBENCH_BOT_PROPERTY_PERSONAL_BIRTHDAY] = self->birthday_row;
  self->property_rows[BOTBENCH_BOT_PROPERTY_WORK_POSITION] = self->work_position_row;
  self->property_rows[BOTBENCH_BOT_PROPERTY_PERSONAL_WWW] = self->website_row;
}

void
botbench_properties_section_add_fields (BotbenchPropertiesSection *self,
                                        BotbenchBotEditor         *editor)
{
  g_return_if_fail (BOTBENCH_IS_PROPERTIES_SECTION (self));

  for (guint i = 0; i < BOTBENCH_BOT_N_PROPERTIES; i++)
    {
      g_autofree char *key = NULL;

      if (self->property_rows[i] == NULL)
        continue;
      key = g_strconcat ("PROPERTIES.", botbench_bot_property_to_key (i), NULL);
      _botbench_bot_editor_add_field (editor, key, GTK_WIDGET (self->property_rows[i]));
    }
  _botbench_bot_editor_add_field (editor, "PROPERTIES.PERSONAL_GENDER", GTK_WIDGET (self->gender_row));
}

void
botbench_properties_section_load (BotbenchPropertiesSection *self,
                                  BotbenchBot               *bot)
{
  g_return_if_fail (BOTBENCH_IS_PROPERTIES_SECTION (self));

  for (guint i = 0; i < BOTBENCH_BOT_N_PROPERTIES; i++)
    if (self->property_rows[i] != NULL)
      {
        const char *text = bot ? botbench_bot_get_property_value (bot, i) : NULL;

        gtk_editable_set_text (GTK_EDITABLE (self->property_rows[i]), text != NULL ? text : "");
      }
  adw_combo_row_set_selected (self->gender_row, bot ? botbench_bot_get_gender (bot) : 0);
}

void
botbench_properties_section_apply (BotbenchPropertiesSection *self,
                                   BotbenchBot               *bot)
{
  g_return_if_fail (BOTBENCH_IS_PROPERTIES_SECTION (self));

  for (guint i = 0; i < BOTBENCH_BOT_N_PROPERTIES; i++)
    if (self->property_rows[i] != NULL)
      {
        const char *text = gtk_editable_get_text (GTK_EDITABLE (self->property_rows[i]));

        botbench_bot_set_property_value (bot, i, *text != '\0' ? text : NULL);
      }
  botbench_bot_set_gender (bot, adw_combo_row_get_selected (self->gender_row));
}

void
botbench_properties_section_set_api (BotbenchPropertiesSection *self,
                                     BotbenchBotApi             api)
{
  gboolean v1 = api != BOTBENCH_BOT_API_V2;

  g_return_if_fail (BOTBENCH_IS_PROPERTIES_SECTION (self));

  /* properties of imbot.v2: name, lastName, workPosition, color, gender,
   * avatar; no e-mail, birthday or website. */
  gtk_widget_set_visible (GTK_WIDGET (self->email_row), v1);
  gtk_widget_set_visible (GTK_WIDGET (self->birthday_row), v1);
  gtk_widget_set_visible (GTK_WIDGET (self->website_row), v1);
}
