/* botbench-identity-section.c: the Bot group of the bot editor: the bot id
 * the portal gave, CODE, TYPE and OPENLINE
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "botbench-identity-section"

#include "config.h"

#include <glib/gi18n.h>

#include "botbench-application-private.h"
#include "botbench-bot-editor-internal.h"
#include "botbench-identity-section.h"

struct _BotbenchIdentitySection
{
  AdwPreferencesGroup  parent_instance;

  /* Template widgets */
  AdwActionRow        *bot_id_row;
  AdwEntryRow         *code_row;
  AdwComboRow         *type_row;
  AdwActionRow        *openline_row;
  GtkSwitch           *openline_switch;
};

G_DEFINE_FINAL_TYPE (BotbenchIdentitySection, botbench_identity_section, ADW_TYPE_PREFERENCES_GROUP)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
botbench_identity_section_changed (BotbenchIdentitySection *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
type_selected_cb (BotbenchIdentitySection *self)
{
  guint selected = adw_combo_row_get_selected (self->type_row);
  g_autofree char *escaped = NULL;

  if (selected < BOTBENCH_BOT_N_TYPES)
    escaped = g_markup_escape_text (botbench_bot_type_get_description (selected), -1);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->type_row), escaped);
  botbench_identity_section_changed (self);
}

static void
botbench_identity_section_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), BOTBENCH_TYPE_IDENTITY_SECTION);

  G_OBJECT_CLASS (botbench_identity_section_parent_class)->dispose (object);
}

static void
botbench_identity_section_class_init (BotbenchIdentitySectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = botbench_identity_section_dispose;

  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  _botbench_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/botbench/Botbench/botbench-identity-section.ui");
  gtk_widget_class_bind_template_child (widget_class, BotbenchIdentitySection, bot_id_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchIdentitySection, code_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchIdentitySection, type_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchIdentitySection, openline_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchIdentitySection, openline_switch);
  gtk_widget_class_bind_template_callback (widget_class, botbench_identity_section_changed);
  gtk_widget_class_bind_template_callback (widget_class, type_selected_cb);
}

static void
botbench_identity_section_init (BotbenchIdentitySection *self)
{
  g_autoptr(GtkStringList) types = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));

  /* The labels come from the core, with the letter the portal knows. */
  for (guint i = 0; i < BOTBENCH_BOT_N_TYPES; i++)
    {
      /* Translators: a bot type and its letter, e.g. "Ordinary bot (B)" */
      g_autofree char *label = g_strdup_printf (_("%s (%s)"), botbench_bot_type_get_label (i),
                                                botbench_bot_type_to_code (i));
      gtk_string_list_append (types, label);
    }
  adw_combo_row_set_model (self->type_row, G_LIST_MODEL (types));
  type_selected_cb (self);
}

void
botbench_identity_section_add_fields (BotbenchIdentitySection *self,
                                      BotbenchBotEditor       *editor)
{
  g_return_if_fail (BOTBENCH_IS_IDENTITY_SECTION (self));

  _botbench_bot_editor_add_field (editor, "CODE", GTK_WIDGET (self->code_row));
  _botbench_bot_editor_add_field (editor, "TYPE", GTK_WIDGET (self->type_row));
  _botbench_bot_editor_add_field (editor, "OPENLINE", GTK_WIDGET (self->openline_row));
}

void
botbench_identity_section_load (BotbenchIdentitySection *self,
                                BotbenchBot             *bot)
{
  const char *code = bot ? botbench_bot_get_code (bot) : NULL;

  g_return_if_fail (BOTBENCH_IS_IDENTITY_SECTION (self));

  gtk_editable_set_text (GTK_EDITABLE (self->code_row), code != NULL ? code : "");
  adw_combo_row_set_selected (self->type_row, bot ? botbench_bot_get_bot_type (bot) : BOTBENCH_BOT_TYPE_BOT);
  gtk_switch_set_active (self->openline_switch, bot ? botbench_bot_get_openline (bot) : FALSE);
}

void
botbench_identity_section_apply (BotbenchIdentitySection *self,
                                 BotbenchBot             *bot)
{
  const char *code;

  g_return_if_fail (BOTBENCH_IS_IDENTITY_SECTION (self));

  code = gtk_editable_get_text (GTK_EDITABLE (self->code_row));
  botbench_bot_set_code (bot, *code != '\0' ? code : NULL);
  botbench_bot_set_bot_type (bot, adw_combo_row_get_selected (self->type_row));
  botbench_bot_set_openline (bot, gtk_switch_get_active (self->openline_switch));
}

void
botbench_identity_section_set_bot_id (BotbenchIdentitySection *self,
                                      gint64                   bot_id)
{
  gboolean registered = bot_id > 0;
  g_autofree char *id = NULL;

  g_return_if_fail (BOTBENCH_IS_IDENTITY_SECTION (self));

  if (registered)
    id = g_strdup_printf ("%" G_GINT64_FORMAT, bot_id);
  adw_action_row_set_subtitle (self->bot_id_row, registered ? id : _("Not registered"));

  /* TYPE and OPENLINE cannot be updated. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->type_row), !registered);
  gtk_widget_set_sensitive (GTK_WIDGET (self->openline_row), !registered);
}

const char *
botbench_identity_section_get_code_text (BotbenchIdentitySection *self)
{
  g_return_val_if_fail (BOTBENCH_IS_IDENTITY_SECTION (self), NULL);

  return gtk_editable_get_text (GTK_EDITABLE (self->code_row));
}

void
botbench_identity_section_focus_code (BotbenchIdentitySection *self)
{
  g_return_if_fail (BOTBENCH_IS_IDENTITY_SECTION (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->code_row));
}

void
botbench_identity_section_set_api (BotbenchIdentitySection *self,
                                   BotbenchBotApi           api)
{
  g_return_if_fail (BOTBENCH_IS_IDENTITY_SECTION (self));

  /* A v2 bot's type and open-channel flag are in the API group. */
  gtk_widget_set_visible (GTK_WIDGET (self->type_row), api != BOTBENCH_BOT_API_V2);
  gtk_widget_set_visible (GTK_WIDGET (self->openline_row), api != BOTBENCH_BOT_API_V2);
}
