/* botbench-v2-section.c: the API group of the bot editor: v1 or imbot.v2,
 * and a v2 bot's botToken, type, event mode, webhook URL and flags
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The v1 rows of the other sections (handlers, TYPE, OPENLINE…) are the
 * editor's to hide; this group only says which API the form is.  The
 * botToken is shown masked (a password entry) and is never written to
 * the definition file: the editor keeps it in the keyring.
 */
#define G_LOG_DOMAIN "botbench-v2-section"

#include "config.h"

#include <glib/gi18n.h>

#include "botbench-a11y.h"
#include "botbench-application-private.h"
#include "botbench-bot-editor-internal.h"
#include "botbench-v2-section.h"

struct _BotbenchV2Section
{
  AdwPreferencesGroup  parent_instance;

  /* The loaded eventMode and type as given, sent again unchanged when
   * the choice did not change (NULL: not sent). */
  char                *loaded_event_mode;
  char                *loaded_type;
  GtkStringList       *types;

  /* Template widgets */
  AdwComboRow         *api_row;
  AdwEntryRow         *token_row;
  GtkButton           *generate_button;
  AdwComboRow         *type_row;
  AdwComboRow         *event_mode_row;
  AdwEntryRow         *webhook_url_row;
  AdwActionRow        *hidden_row;
  GtkSwitch           *hidden_switch;
  AdwActionRow        *reactions_row;
  GtkSwitch           *reactions_switch;
  AdwActionRow        *openline_row;
  GtkSwitch           *openline_switch;
};

G_DEFINE_FINAL_TYPE (BotbenchV2Section, botbench_v2_section, ADW_TYPE_PREFERENCES_GROUP)

enum {
  CHANGED,
  API_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
botbench_v2_section_changed (BotbenchV2Section *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
botbench_v2_section_update_visibility (BotbenchV2Section *self)
{
  gboolean v2 = botbench_v2_section_get_api (self) == BOTBENCH_BOT_API_V2;
  gboolean webhook = adw_combo_row_get_selected (self->event_mode_row) == BOTBENCH_BOT_EVENT_MODE_WEBHOOK;

  gtk_widget_set_visible (GTK_WIDGET (self->token_row), v2);
  gtk_widget_set_visible (GTK_WIDGET (self->type_row), v2);
  gtk_widget_set_visible (GTK_WIDGET (self->event_mode_row), v2);
  gtk_widget_set_visible (GTK_WIDGET (self->webhook_url_row), v2 && webhook);
  gtk_widget_set_visible (GTK_WIDGET (self->hidden_row), v2);
  gtk_widget_set_visible (GTK_WIDGET (self->reactions_row), v2);
  gtk_widget_set_visible (GTK_WIDGET (self->openline_row), v2);
}

static void
api_selected_cb (BotbenchV2Section *self)
{
  botbench_v2_section_update_visibility (self);
  g_signal_emit (self, signals[API_CHANGED], 0);
  botbench_v2_section_changed (self);
}

static void
event_mode_selected_cb (BotbenchV2Section *self)
{
  botbench_v2_section_update_visibility (self);
  botbench_v2_section_changed (self);
}

/* The five type names, plus @extra (a loaded type the portal does not
 * know, kept so that the validator can say so). */
static void
botbench_v2_section_fill_types (BotbenchV2Section *self,
                                const char        *extra)
{
  const char * const *names = botbench_bot_v2_type_names ();
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->types));

  gtk_string_list_splice (self->types, 0, n, (const char * const *)names);
  if (extra != NULL)
    gtk_string_list_append (self->types, extra);
}

static void
botbench_v2_section_dispose (GObject *object)
{
  BotbenchV2Section *self = BOTBENCH_V2_SECTION (object);

  gtk_widget_dispose_template (GTK_WIDGET (object), BOTBENCH_TYPE_V2_SECTION);
  g_clear_object (&self->types);
  g_clear_pointer (&self->loaded_event_mode, g_free);
  g_clear_pointer (&self->loaded_type, g_free);

  G_OBJECT_CLASS (botbench_v2_section_parent_class)->dispose (object);
}

static void
botbench_v2_section_class_init (BotbenchV2SectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = botbench_v2_section_dispose;

  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[API_CHANGED] =
    g_signal_new ("api-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  _botbench_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/botbench/Botbench/botbench-v2-section.ui");
  gtk_widget_class_bind_template_child (widget_class, BotbenchV2Section, api_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchV2Section, token_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchV2Section, generate_button);
  gtk_widget_class_bind_template_child (widget_class, BotbenchV2Section, type_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchV2Section, event_mode_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchV2Section, webhook_url_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchV2Section, hidden_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchV2Section, hidden_switch);
  gtk_widget_class_bind_template_child (widget_class, BotbenchV2Section, reactions_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchV2Section, reactions_switch);
  gtk_widget_class_bind_template_child (widget_class, BotbenchV2Section, openline_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchV2Section, openline_switch);
  gtk_widget_class_bind_template_callback (widget_class, botbench_v2_section_changed);
  gtk_widget_class_bind_template_callback (widget_class, botbench_v2_section_generate_token);
  gtk_widget_class_bind_template_callback (widget_class, api_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, event_mode_selected_cb);
}

static void
botbench_v2_section_init (BotbenchV2Section *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  botbench_a11y_label_peek_buttons (GTK_WIDGET (self));

  self->types = gtk_string_list_new (NULL);
  botbench_v2_section_fill_types (self, NULL);
  adw_combo_row_set_model (self->type_row, G_LIST_MODEL (self->types));
  botbench_v2_section_update_visibility (self);
}

void
botbench_v2_section_add_fields (BotbenchV2Section *self,
                                BotbenchBotEditor *editor)
{
  g_return_if_fail (BOTBENCH_IS_V2_SECTION (self));

  _botbench_bot_editor_add_field (editor, "botToken", GTK_WIDGET (self->token_row));
  _botbench_bot_editor_add_field (editor, "type", GTK_WIDGET (self->type_row));
  _botbench_bot_editor_add_field (editor, "eventMode", GTK_WIDGET (self->event_mode_row));
  _botbench_bot_editor_add_field (editor, "webhookUrl", GTK_WIDGET (self->webhook_url_row));
}

void
botbench_v2_section_load (BotbenchV2Section *self,
                          BotbenchBot       *bot)
{
  gboolean v2 = bot != NULL && botbench_bot_get_api (bot) == BOTBENCH_BOT_API_V2;
  const char *type = v2 ? botbench_bot_get_v2_type (bot) : NULL;
  const char *url = v2 ? botbench_bot_get_webhook_url (bot) : NULL;
  const char *token = v2 ? botbench_bot_get_bot_token (bot) : NULL;
  const char * const *names = botbench_bot_v2_type_names ();
  guint selected = 0;
  gboolean known = FALSE;

  g_return_if_fail (BOTBENCH_IS_V2_SECTION (self));

  g_free (self->loaded_event_mode);
  self->loaded_event_mode = g_strdup (v2 ? botbench_bot_get_event_mode (bot) : NULL);
  g_free (self->loaded_type);
  self->loaded_type = g_strdup (type);

  for (guint i = 0; type != NULL && names[i] != NULL; i++)
    if (g_ascii_strcasecmp (names[i], type) == 0)
      {
        selected = i;
        known = TRUE;
      }
  botbench_v2_section_fill_types (self, type != NULL && *type != '\0' && !known ? type : NULL);
  if (type != NULL && *type != '\0' && !known)
    selected = g_list_model_get_n_items (G_LIST_MODEL (self->types)) - 1;
  adw_combo_row_set_selected (self->type_row, selected);

  adw_combo_row_set_selected (self->api_row, v2 ? 1 : 0);
  adw_combo_row_set_selected (self->event_mode_row,
                              v2 ? botbench_bot_get_effective_event_mode (bot) : BOTBENCH_BOT_EVENT_MODE_FETCH);
  gtk_editable_set_text (GTK_EDITABLE (self->webhook_url_row), url != NULL ? url : "");
  gtk_editable_set_text (GTK_EDITABLE (self->token_row), token != NULL ? token : "");
  gtk_switch_set_active (self->hidden_switch, v2 && botbench_bot_get_is_hidden (bot));
  gtk_switch_set_active (self->reactions_switch, v2 ? botbench_bot_get_is_reactions_enabled (bot) : TRUE);
  gtk_switch_set_active (self->openline_switch, v2 && botbench_bot_get_is_support_openline (bot));
  botbench_v2_section_update_visibility (self);
}

void
botbench_v2_section_apply (BotbenchV2Section *self,
                           BotbenchBot       *bot)
{
  BotbenchBotEventMode mode;
  GtkStringObject *type;
  const char *url;
  const char *token;

  g_return_if_fail (BOTBENCH_IS_V2_SECTION (self));

  botbench_bot_set_api (bot, botbench_v2_section_get_api (self));
  if (botbench_bot_get_api (bot) != BOTBENCH_BOT_API_V2)
    return;

  mode = adw_combo_row_get_selected (self->event_mode_row) == 1 ? BOTBENCH_BOT_EVENT_MODE_WEBHOOK
                                                                 : BOTBENCH_BOT_EVENT_MODE_FETCH;
  /* The loaded value as given when the choice is the same (a NULL stays
   * unsent, so an unchanged bot has nothing to update). */
  if (self->loaded_event_mode != NULL || mode != BOTBENCH_BOT_EVENT_MODE_FETCH)
    {
      g_autofree char *lower = self->loaded_event_mode ? g_ascii_strdown (self->loaded_event_mode, -1) : NULL;

      if (g_strcmp0 (lower, botbench_bot_event_mode_to_string (mode)) == 0)
        botbench_bot_set_event_mode (bot, self->loaded_event_mode);
      else
        botbench_bot_set_event_mode (bot, botbench_bot_event_mode_to_string (mode));
    }
  else
    botbench_bot_set_event_mode (bot, NULL);

  type = adw_combo_row_get_selected_item (self->type_row);
  if (type != NULL && self->loaded_type != NULL &&
      g_ascii_strcasecmp (gtk_string_object_get_string (type), self->loaded_type) == 0)
    botbench_bot_set_v2_type (bot, self->loaded_type);
  else if (type != NULL && (self->loaded_type != NULL || adw_combo_row_get_selected (self->type_row) != 0))
    botbench_bot_set_v2_type (bot, gtk_string_object_get_string (type));
  else
    botbench_bot_set_v2_type (bot, NULL);

  url = gtk_editable_get_text (GTK_EDITABLE (self->webhook_url_row));
  botbench_bot_set_webhook_url (bot, *url != '\0' ? url : NULL);
  token = gtk_editable_get_text (GTK_EDITABLE (self->token_row));
  botbench_bot_set_bot_token (bot, *token != '\0' ? token : NULL);
  botbench_bot_set_is_hidden (bot, gtk_switch_get_active (self->hidden_switch));
  botbench_bot_set_is_reactions_enabled (bot, gtk_switch_get_active (self->reactions_switch));
  botbench_bot_set_is_support_openline (bot, gtk_switch_get_active (self->openline_switch));
}

BotbenchBotApi
botbench_v2_section_get_api (BotbenchV2Section *self)
{
  g_return_val_if_fail (BOTBENCH_IS_V2_SECTION (self), BOTBENCH_BOT_API_V1);

  return adw_combo_row_get_selected (self->api_row) == 1 ? BOTBENCH_BOT_API_V2 : BOTBENCH_BOT_API_V1;
}

void
botbench_v2_section_set_api (BotbenchV2Section *self,
                             BotbenchBotApi     api)
{
  g_return_if_fail (BOTBENCH_IS_V2_SECTION (self));

  adw_combo_row_set_selected (self->api_row, api == BOTBENCH_BOT_API_V2 ? 1 : 0);
}

void
botbench_v2_section_set_registered (BotbenchV2Section *self,
                                    gboolean           registered)
{
  g_return_if_fail (BOTBENCH_IS_V2_SECTION (self));

  /* Neither the API nor the type can be changed on the portal. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->api_row), !registered);
  gtk_widget_set_sensitive (GTK_WIDGET (self->type_row), !registered);
}

const char *
botbench_v2_section_get_token (BotbenchV2Section *self)
{
  g_return_val_if_fail (BOTBENCH_IS_V2_SECTION (self), NULL);

  return gtk_editable_get_text (GTK_EDITABLE (self->token_row));
}

void
botbench_v2_section_set_token (BotbenchV2Section *self,
                               const char        *token)
{
  g_return_if_fail (BOTBENCH_IS_V2_SECTION (self));

  gtk_editable_set_text (GTK_EDITABLE (self->token_row), token != NULL ? token : "");
}

void
botbench_v2_section_generate_token (BotbenchV2Section *self)
{
  char *token;

  g_return_if_fail (BOTBENCH_IS_V2_SECTION (self));

  token = botbench_bot_v2_generate_token ();
  gtk_editable_set_text (GTK_EDITABLE (self->token_row), token);
  botbench_secret_free (token);
}
