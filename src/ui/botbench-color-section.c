/* botbench-color-section.c: the Color group of the bot editor: a round
 * swatch per portal colour, and one for none (style.css paints them)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "botbench-color-section"

#include "config.h"

#include <glib/gi18n.h>

#include "botbench-application-private.h"
#include "botbench-color-section.h"

struct _BotbenchColorSection
{
  AdwPreferencesGroup  parent_instance;

  GtkToggleButton     *color_buttons[BOTBENCH_BOT_N_COLORS + 1];

  /* Template widgets */
  GtkFlowBox          *swatches;
};

G_DEFINE_FINAL_TYPE (BotbenchColorSection, botbench_color_section, ADW_TYPE_PREFERENCES_GROUP)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
swatch_toggled_cb (BotbenchColorSection *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
botbench_color_section_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), BOTBENCH_TYPE_COLOR_SECTION);

  G_OBJECT_CLASS (botbench_color_section_parent_class)->dispose (object);
}

static void
botbench_color_section_class_init (BotbenchColorSectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = botbench_color_section_dispose;

  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  _botbench_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/botbench/Botbench/botbench-color-section.ui");
  gtk_widget_class_bind_template_child (widget_class, BotbenchColorSection, swatches);
}

static void
botbench_color_section_init (BotbenchColorSection *self)
{
  GtkWidget *button;

  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; i <= BOTBENCH_BOT_N_COLORS; i++)
    {
      const char *label = i == 0 ? _("No color") : botbench_bot_color_get_label (i);
      g_autofree char *css_class = g_strdup_printf ("color-%u", i);

      button = gtk_toggle_button_new ();
      gtk_widget_add_css_class (button, "color-swatch");
      gtk_widget_add_css_class (button, i == 0 ? "none" : css_class);
      if (i == 0)
        gtk_button_set_icon_name (GTK_BUTTON (button), "action-unavailable-symbolic");
      gtk_widget_set_tooltip_text (button, label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      gtk_widget_set_halign (button, GTK_ALIGN_CENTER);
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      if (i > 0)
        gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (button), self->color_buttons[0]);
      g_signal_connect_object (button, "toggled", G_CALLBACK (swatch_toggled_cb),
                               self, G_CONNECT_SWAPPED);
      self->color_buttons[i] = GTK_TOGGLE_BUTTON (button);
      gtk_flow_box_append (self->swatches, button);
      /* The flow box child around it takes the focus first */
      gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_widget_get_parent (button)),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
    }
  gtk_toggle_button_set_active (self->color_buttons[0], TRUE);
}

BotbenchBotColor
botbench_color_section_get_color (BotbenchColorSection *self)
{
  BotbenchBotColor color = BOTBENCH_BOT_COLOR_NONE;

  g_return_val_if_fail (BOTBENCH_IS_COLOR_SECTION (self), BOTBENCH_BOT_COLOR_NONE);

  for (guint i = 1; i <= BOTBENCH_BOT_N_COLORS; i++)
    if (gtk_toggle_button_get_active (self->color_buttons[i]))
      color = i;
  return color;
}

void
botbench_color_section_set_color (BotbenchColorSection *self,
                                  BotbenchBotColor      color)
{
  g_return_if_fail (BOTBENCH_IS_COLOR_SECTION (self));
  g_return_if_fail (color <= BOTBENCH_BOT_N_COLORS);

  gtk_toggle_button_set_active (self->color_buttons[color], TRUE);
}
