/* botbench-handlers-section.c: the Event Handlers group of the bot editor:
 * EVENT_HANDLER, and one URL per event folded in an expander
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Fill In and Check are the editor's actions (they need the profile and
 * the listener); this group only holds the URLs.
 */
#define G_LOG_DOMAIN "botbench-handlers-section"

#include "config.h"

#include "botbench-a11y.h"
#include "botbench-application-private.h"
#include "botbench-bot-editor-internal.h"
#include "botbench-handlers-section.h"

struct _BotbenchHandlersSection
{
  AdwPreferencesGroup  parent_instance;

  AdwEntryRow         *handler_rows[BOTBENCH_BOT_N_HANDLERS];

  /* Template widgets */
  AdwEntryRow         *event_handler_row;
  AdwExpanderRow      *handlers_expander;
  AdwEntryRow         *message_add_row;
  AdwEntryRow         *message_update_row;
  AdwEntryRow         *message_delete_row;
  AdwEntryRow         *welcome_message_row;
  AdwEntryRow         *bot_delete_row;
};

G_DEFINE_FINAL_TYPE (BotbenchHandlersSection, botbench_handlers_section, ADW_TYPE_PREFERENCES_GROUP)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
set_text (AdwEntryRow *row,
          const char  *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row), text != NULL ? text : "");
}

static const char *
get_text (AdwEntryRow *row)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (row));

  return *text != '\0' ? text : NULL;
}

static void
botbench_handlers_section_changed (BotbenchHandlersSection *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
botbench_handlers_section_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), BOTBENCH_TYPE_HANDLERS_SECTION);

  G_OBJECT_CLASS (botbench_handlers_section_parent_class)->dispose (object);
}

static void
botbench_handlers_section_class_init (BotbenchHandlersSectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = botbench_handlers_section_dispose;

  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  _botbench_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/botbench/Botbench/botbench-handlers-section.ui");
  gtk_widget_class_bind_template_child (widget_class, BotbenchHandlersSection, event_handler_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchHandlersSection, handlers_expander);
  gtk_widget_class_bind_template_child (widget_class, BotbenchHandlersSection, message_add_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchHandlersSection, message_update_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchHandlersSection, message_delete_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchHandlersSection, welcome_message_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchHandlersSection, bot_delete_row);
  gtk_widget_class_bind_template_callback (widget_class, botbench_handlers_section_changed);
}

static void
botbench_handlers_section_init (BotbenchHandlersSection *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  botbench_a11y_label_expander (self->handlers_expander);

  self->handler_rows[BOTBENCH_BOT_HANDLER_MESSAGE_ADD] = self->message_add_row;
  self->handler_rows[BOTBENCH_BOT_HANDLER_MESSAGE_UPDATE] = self->message_update_row;
  self->handler_rows[BOTBENCH_BOT_HANDLER_MESSAGE_DELETE] = self->message_delete_row;
  self->handler_rows[BOTBENCH_BOT_HANDLER_WELCOME_MESSAGE] = self->welcome_message_row;
  self->handler_rows[BOTBENCH_BOT_HANDLER_BOT_DELETE] = self->bot_delete_row;
}

void
botbench_handlers_section_add_fields (BotbenchHandlersSection *self,
                                      BotbenchBotEditor       *editor)
{
  g_return_if_fail (BOTBENCH_IS_HANDLERS_SECTION (self));

  _botbench_bot_editor_add_field (editor, "EVENT_HANDLER", GTK_WIDGET (self->event_handler_row));
  for (guint i = 0; i < BOTBENCH_BOT_N_HANDLERS; i++)
    _botbench_bot_editor_add_field (editor, botbench_bot_handler_to_param (i),
                                    GTK_WIDGET (self->handler_rows[i]));
}

void
botbench_handlers_section_load (BotbenchHandlersSection *self,
                                BotbenchBot             *bot)
{
  g_return_if_fail (BOTBENCH_IS_HANDLERS_SECTION (self));

  set_text (self->event_handler_row, bot ? botbench_bot_get_event_handler (bot) : NULL);
  for (guint i = 0; i < BOTBENCH_BOT_N_HANDLERS; i++)
    set_text (self->handler_rows[i], bot ? botbench_bot_get_handler (bot, i) : NULL);
  adw_expander_row_set_expanded (self->handlers_expander, FALSE);
}

void
botbench_handlers_section_apply (BotbenchHandlersSection *self,
                                 BotbenchBot             *bot)
{
  g_return_if_fail (BOTBENCH_IS_HANDLERS_SECTION (self));

  botbench_bot_set_event_handler (bot, get_text (self->event_handler_row));
  for (guint i = 0; i < BOTBENCH_BOT_N_HANDLERS; i++)
    botbench_bot_set_handler (bot, i, get_text (self->handler_rows[i]));
}

void
botbench_handlers_section_fill (BotbenchHandlersSection *self,
                                const char              *url)
{
  g_return_if_fail (BOTBENCH_IS_HANDLERS_SECTION (self));

  set_text (self->event_handler_row, url);
  for (guint i = 0; i < BOTBENCH_BOT_N_HANDLERS; i++)
    set_text (self->handler_rows[i], NULL);
}

char *
botbench_handlers_section_dup_check_url (BotbenchHandlersSection *self)
{
  const char *url;

  g_return_val_if_fail (BOTBENCH_IS_HANDLERS_SECTION (self), NULL);

  url = gtk_editable_get_text (GTK_EDITABLE (self->event_handler_row));
  if (url == NULL || *url == '\0')
    url = gtk_editable_get_text (GTK_EDITABLE (self->handler_rows[BOTBENCH_BOT_HANDLER_MESSAGE_ADD]));

  return url != NULL && *url != '\0' ? g_strstrip (g_strdup (url)) : NULL;
}
