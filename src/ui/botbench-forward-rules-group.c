/* botbench-forward-rules-group.c: the forwarding rules in Preferences
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One BotbenchForwardRuleRow per entry of "forward-rules", an "Add Rule"
 * button in the header.  Every edit writes the whole list back at once
 * (rules being typed included: the application skips those that do not
 * pass the checks yet); a change made elsewhere rebuilds the rows.
 */
#define G_LOG_DOMAIN "botbench-forward-rules-group"

#include "config.h"

#include <glib/gi18n.h>

#include "botbench-application-private.h"
#include "botbench-forward-rule-row.h"
#include "botbench-forward-rules-group.h"

struct _BotbenchForwardRulesGroup
{
  AdwPreferencesGroup  parent_instance;

  GSettings           *settings;
  /* BotbenchForwardRuleRow *, in order */
  GPtrArray           *rows;
  guint                writing : 1;

  GtkWidget           *add_rule_button;
  GtkWidget           *empty_row;
};

G_DEFINE_FINAL_TYPE (BotbenchForwardRulesGroup, botbench_forward_rules_group, ADW_TYPE_PREFERENCES_GROUP)

static void botbench_forward_rules_group_load (BotbenchForwardRulesGroup *self);

static void
botbench_forward_rules_group_save (BotbenchForwardRulesGroup *self)
{
  GVariantBuilder builder;

  g_assert (BOTBENCH_IS_FORWARD_RULES_GROUP (self));

  if (self->settings == NULL)
    return;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(bss)"));
  for (guint i = 0; i < self->rows->len; i++)
    {
      BotbenchForwardRuleRow *row = g_ptr_array_index (self->rows, i);
      g_autofree char *prefix = botbench_forward_rule_row_dup_prefix (row);
      g_autofree char *url = botbench_forward_rule_row_dup_url (row);

      g_variant_builder_add (&builder, "(bss)",
                             botbench_forward_rule_row_get_enabled (row), prefix, url);
    }

  self->writing = TRUE;
  g_settings_set_value (self->settings, "forward-rules", g_variant_builder_end (&builder));
  self->writing = FALSE;
}

static void
botbench_forward_rules_group_update_empty (BotbenchForwardRulesGroup *self)
{
  gtk_widget_set_visible (self->empty_row, self->rows->len == 0);
}

static void
rule_changed_cb (BotbenchForwardRulesGroup *self,
                 BotbenchForwardRuleRow    *row)
{
  botbench_forward_rules_group_save (self);
}

static void
rule_remove_cb (BotbenchForwardRulesGroup *self,
                BotbenchForwardRuleRow    *row)
{
  g_assert (BOTBENCH_IS_FORWARD_RULES_GROUP (self));

  if (!g_ptr_array_remove (self->rows, row))
    return;

  adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self), GTK_WIDGET (row));
  botbench_forward_rules_group_update_empty (self);
  botbench_forward_rules_group_save (self);
}

static BotbenchForwardRuleRow *
botbench_forward_rules_group_append (BotbenchForwardRulesGroup *self,
                                     gboolean                   enabled,
                                     const char                *prefix,
                                     const char                *url)
{
  GtkWidget *row = botbench_forward_rule_row_new (enabled, prefix, url);

  g_signal_connect_object (row, "changed", G_CALLBACK (rule_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (row, "remove", G_CALLBACK (rule_remove_cb), self, G_CONNECT_SWAPPED);
  g_ptr_array_add (self->rows, row);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), row);
  botbench_forward_rules_group_update_empty (self);

  return BOTBENCH_FORWARD_RULE_ROW (row);
}

static void
botbench_forward_rules_group_clear (BotbenchForwardRulesGroup *self)
{
  while (self->rows->len > 0)
    {
      GtkWidget *row = g_ptr_array_steal_index (self->rows, self->rows->len - 1);

      adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self), row);
    }
}

static void
botbench_forward_rules_group_load (BotbenchForwardRulesGroup *self)
{
  g_autoptr(GVariant) value = NULL;
  GVariantIter iter;
  gboolean enabled;
  const char *prefix;
  const char *url;

  botbench_forward_rules_group_clear (self);

  value = g_settings_get_value (self->settings, "forward-rules");
  g_variant_iter_init (&iter, value);
  while (g_variant_iter_next (&iter, "(b&s&s)", &enabled, &prefix, &url))
    botbench_forward_rules_group_append (self, enabled, prefix, url);

  botbench_forward_rules_group_update_empty (self);
}

static void
settings_changed_cb (BotbenchForwardRulesGroup *self,
                     const char                *key,
                     GSettings                 *settings)
{
  /* Our own write: the rows already show it (and keep their focus). */
  if (self->writing)
    return;

  botbench_forward_rules_group_load (self);
}

static void
add_rule_clicked_cb (BotbenchForwardRulesGroup *self)
{
  botbench_forward_rules_group_add_rule (self);
}

static void
botbench_forward_rules_group_dispose (GObject *object)
{
  BotbenchForwardRulesGroup *self = (BotbenchForwardRulesGroup *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), BOTBENCH_TYPE_FORWARD_RULES_GROUP);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->rows, g_ptr_array_unref);

  G_OBJECT_CLASS (botbench_forward_rules_group_parent_class)->dispose (object);
}

static void
botbench_forward_rules_group_class_init (BotbenchForwardRulesGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = botbench_forward_rules_group_dispose;

  _botbench_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/botbench/Botbench/botbench-forward-rules-group.ui");
  gtk_widget_class_bind_template_child (widget_class, BotbenchForwardRulesGroup, add_rule_button);
  gtk_widget_class_bind_template_child (widget_class, BotbenchForwardRulesGroup, empty_row);
  gtk_widget_class_bind_template_callback (widget_class, add_rule_clicked_cb);
}

static void
botbench_forward_rules_group_init (BotbenchForwardRulesGroup *self)
{
  /* The rows are the group's children; this only keeps their order. */
  self->rows = g_ptr_array_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
}

void
botbench_forward_rules_group_set_settings (BotbenchForwardRulesGroup *self,
                                           GSettings                 *settings)
{
  g_return_if_fail (BOTBENCH_IS_FORWARD_RULES_GROUP (self));
  g_return_if_fail (G_IS_SETTINGS (settings));
  g_return_if_fail (self->settings == NULL);

  self->settings = g_object_ref (settings);
  g_signal_connect_object (self->settings, "changed::forward-rules",
                           G_CALLBACK (settings_changed_cb), self, G_CONNECT_SWAPPED);
  botbench_forward_rules_group_load (self);
}

void
botbench_forward_rules_group_add_rule (BotbenchForwardRulesGroup *self)
{
  BotbenchForwardRuleRow *row;

  g_return_if_fail (BOTBENCH_IS_FORWARD_RULES_GROUP (self));

  row = botbench_forward_rules_group_append (self, TRUE, "/", "");
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), TRUE);
  botbench_forward_rules_group_save (self);
}
