/* botbench-forward-rule-row.c: one forwarding rule in Preferences
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An expander row: a switch and a remove button in its header, the
 * listener path prefix and handler URL as entry rows inside, each checked
 * as it is typed (error style and the reason under the title).
 */
#define G_LOG_DOMAIN "botbench-forward-rule-row"

#include "config.h"

#include <glib/gi18n.h>

#include "botbench-application-private.h"
#include "botbench-forward-rule-row.h"
#include "botbench-forward-settings.h"

struct _BotbenchForwardRuleRow
{
  AdwExpanderRow  parent_instance;

  GtkSwitch      *enabled_switch;
  GtkButton      *remove_button;
  AdwEntryRow    *prefix_row;
  AdwEntryRow    *url_row;
  guint           loading : 1;
};

G_DEFINE_FINAL_TYPE (BotbenchForwardRuleRow, botbench_forward_rule_row, ADW_TYPE_EXPANDER_ROW)

enum {
  CHANGED,
  REMOVE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static char *
dup_trimmed (AdwEntryRow *row)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
}

static void
set_field_error (AdwEntryRow *row,
                 const char  *message)
{
  if (message != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (row), "error");

  gtk_widget_set_tooltip_text (GTK_WIDGET (row), message);
}

static void
botbench_forward_rule_row_update (BotbenchForwardRuleRow *self)
{
  g_autofree char *prefix = dup_trimmed (self->prefix_row);
  g_autofree char *url = dup_trimmed (self->url_row);
  g_autofree char *prefix_error = botbench_forward_settings_check_prefix (prefix);
  g_autofree char *url_error = botbench_forward_settings_check_url (url);
  g_autofree char *switch_label = NULL;
  g_autofree char *remove_label = NULL;
  g_autofree char *title = NULL;

  set_field_error (self->prefix_row, prefix_error);
  set_field_error (self->url_row, url_error);

  if (g_str_equal (prefix, "/"))
    /* Translators: title of a forwarding rule whose path prefix is "/" */
    title = g_strdup (_("Every Path"));
  else
    title = g_markup_escape_text (prefix, -1);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), title);

  if (prefix_error != NULL || url_error != NULL)
    {
      g_autofree char *escaped = g_markup_escape_text (url_error != NULL ? url_error : prefix_error, -1);

      adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (self), escaped);
      gtk_widget_add_css_class (GTK_WIDGET (self), "forward-rule-invalid");
    }
  else
    {
      g_autofree char *escaped = g_markup_escape_text (url, -1);
      g_autofree char *subtitle = NULL;

      if (gtk_switch_get_active (self->enabled_switch))
        /* Translators: subtitle of a forwarding rule, %s is the handler URL */
        subtitle = g_strdup_printf (_("Forwarded to %s"), escaped);
      else
        /* Translators: subtitle of a forwarding rule that is switched off, %s is the handler URL */
        subtitle = g_strdup_printf (_("Off (would forward to %s)"), escaped);

      adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (self), subtitle);
      gtk_widget_remove_css_class (GTK_WIDGET (self), "forward-rule-invalid");
    }

  /* Translators: accessible label of a forwarding rule's switch, %s is a path prefix */
  switch_label = g_strdup_printf (_("Forward events under %s"), prefix);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->enabled_switch),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, switch_label,
                                  -1);
  /* Translators: accessible label of a forwarding rule's remove button, %s is a path prefix */
  remove_label = g_strdup_printf (_("Remove the rule for %s"), prefix);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->remove_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, remove_label,
                                  -1);
}

static void
field_changed_cb (BotbenchForwardRuleRow *self)
{
  botbench_forward_rule_row_update (self);
  if (!self->loading)
    g_signal_emit (self, signals[CHANGED], 0);
}

static void
enabled_changed_cb (BotbenchForwardRuleRow *self)
{
  botbench_forward_rule_row_update (self);
  if (!self->loading)
    g_signal_emit (self, signals[CHANGED], 0);
}

static void
remove_clicked_cb (BotbenchForwardRuleRow *self)
{
  g_signal_emit (self, signals[REMOVE], 0);
}

static void
botbench_forward_rule_row_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), BOTBENCH_TYPE_FORWARD_RULE_ROW);

  G_OBJECT_CLASS (botbench_forward_rule_row_parent_class)->dispose (object);
}

static void
botbench_forward_rule_row_class_init (BotbenchForwardRuleRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = botbench_forward_rule_row_dispose;

  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[REMOVE] =
    g_signal_new ("remove", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  _botbench_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/botbench/Botbench/botbench-forward-rule-row.ui");
  gtk_widget_class_bind_template_child (widget_class, BotbenchForwardRuleRow, enabled_switch);
  gtk_widget_class_bind_template_child (widget_class, BotbenchForwardRuleRow, remove_button);
  gtk_widget_class_bind_template_child (widget_class, BotbenchForwardRuleRow, prefix_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchForwardRuleRow, url_row);
  gtk_widget_class_bind_template_callback (widget_class, field_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, enabled_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, remove_clicked_cb);
}

static void
botbench_forward_rule_row_init (BotbenchForwardRuleRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
botbench_forward_rule_row_new (gboolean    enabled,
                               const char *prefix,
                               const char *url)
{
  BotbenchForwardRuleRow *self = g_object_new (BOTBENCH_TYPE_FORWARD_RULE_ROW, NULL);

  self->loading = TRUE;
  gtk_switch_set_active (self->enabled_switch, enabled);
  gtk_editable_set_text (GTK_EDITABLE (self->prefix_row), prefix != NULL ? prefix : "/");
  gtk_editable_set_text (GTK_EDITABLE (self->url_row), url != NULL ? url : "");
  botbench_forward_rule_row_update (self);
  self->loading = FALSE;

  return GTK_WIDGET (self);
}

gboolean
botbench_forward_rule_row_get_enabled (BotbenchForwardRuleRow *self)
{
  g_return_val_if_fail (BOTBENCH_IS_FORWARD_RULE_ROW (self), FALSE);

  return gtk_switch_get_active (self->enabled_switch);
}

char *
botbench_forward_rule_row_dup_prefix (BotbenchForwardRuleRow *self)
{
  g_return_val_if_fail (BOTBENCH_IS_FORWARD_RULE_ROW (self), NULL);

  return dup_trimmed (self->prefix_row);
}

char *
botbench_forward_rule_row_dup_url (BotbenchForwardRuleRow *self)
{
  g_return_val_if_fail (BOTBENCH_IS_FORWARD_RULE_ROW (self), NULL);

  return dup_trimmed (self->url_row);
}

gboolean
botbench_forward_rule_row_is_valid (BotbenchForwardRuleRow *self)
{
  g_autofree char *prefix = NULL;
  g_autofree char *url = NULL;
  g_autofree char *prefix_error = NULL;
  g_autofree char *url_error = NULL;

  g_return_val_if_fail (BOTBENCH_IS_FORWARD_RULE_ROW (self), FALSE);

  prefix = dup_trimmed (self->prefix_row);
  url = dup_trimmed (self->url_row);
  prefix_error = botbench_forward_settings_check_prefix (prefix);
  url_error = botbench_forward_settings_check_url (url);

  return prefix_error == NULL && url_error == NULL;
}
