/* botbench-preferences-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "botbench-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "botbench-a11y.h"
#include "botbench-application-private.h"
#include "botbench-forward-rules-group.h"
#include "botbench-preferences-window.h"

#define MIB (1024 * 1024)

struct _BotbenchPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;

  GtkSwitch            *enabled_switch;
  AdwEntryRow          *host_row;
  GtkSpinButton        *port_spin;
  GtkSpinButton        *max_body_spin;
  GtkSpinButton        *retention_count_spin;
  GtkSpinButton        *retention_days_spin;
  BotbenchForwardRulesGroup *forward_rules_group;
  GtkSpinButton        *forward_timeout_spin;
  GtkSpinButton        *fetch_interval_spin;
  GtkSwitch            *notify_switch;
};

G_DEFINE_FINAL_TYPE (BotbenchPreferencesWindow, botbench_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

enum {
  PROP_0,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
bytes_to_mib (GValue   *value,
              GVariant *variant,
              gpointer  user_data)
{
  g_value_set_double (value, ((guint64)g_variant_get_uint32 (variant) + MIB - 1) / MIB);
  return TRUE;
}

static GVariant *
mib_to_bytes (const GValue       *value,
              const GVariantType *expected_type,
              gpointer            user_data)
{
  return g_variant_new_uint32 ((guint32)g_value_get_double (value) * (guint32)MIB);
}

static void
host_row_apply_cb (BotbenchPreferencesWindow *self,
                   AdwEntryRow               *row)
{
  g_autofree char *host = NULL;

  g_assert (BOTBENCH_IS_PREFERENCES_WINDOW (self));

  host = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
  if (*host == '\0')
    {
      g_autofree char *current = g_settings_get_string (self->settings, "listener-host");

      gtk_editable_set_text (GTK_EDITABLE (row), current);
      return;
    }

  g_settings_set_string (self->settings, "listener-host", host);
}

static void
botbench_preferences_window_constructed (GObject *object)
{
  BotbenchPreferencesWindow *self = (BotbenchPreferencesWindow *)object;
  g_autofree char *host = NULL;

  G_OBJECT_CLASS (botbench_preferences_window_parent_class)->constructed (object);

  g_assert (G_IS_SETTINGS (self->settings));

  host = g_settings_get_string (self->settings, "listener-host");
  gtk_editable_set_text (GTK_EDITABLE (self->host_row), host);

  g_settings_bind (self->settings, "listener-enabled", self->enabled_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "listener-port",
                   gtk_spin_button_get_adjustment (self->port_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (self->settings, "max-body",
                                gtk_spin_button_get_adjustment (self->max_body_spin), "value",
                                G_SETTINGS_BIND_DEFAULT, bytes_to_mib, mib_to_bytes, NULL, NULL);
  g_settings_bind (self->settings, "retention-count",
                   gtk_spin_button_get_adjustment (self->retention_count_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "retention-days",
                   gtk_spin_button_get_adjustment (self->retention_days_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "notify-events", self->notify_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "fetch-interval",
                   gtk_spin_button_get_adjustment (self->fetch_interval_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "forward-timeout",
                   gtk_spin_button_get_adjustment (self->forward_timeout_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);
  botbench_forward_rules_group_set_settings (self->forward_rules_group, self->settings);
}

static void
botbench_preferences_window_dispose (GObject *object)
{
  BotbenchPreferencesWindow *self = (BotbenchPreferencesWindow *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), BOTBENCH_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (botbench_preferences_window_parent_class)->dispose (object);
}

static void
botbench_preferences_window_set_property (GObject      *object,
                                          guint         prop_id,
                                          const GValue *value,
                                          GParamSpec   *pspec)
{
  BotbenchPreferencesWindow *self = BOTBENCH_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
botbench_preferences_window_class_init (BotbenchPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = botbench_preferences_window_constructed;

  g_type_ensure (BOTBENCH_TYPE_FORWARD_RULES_GROUP);
  object_class->dispose = botbench_preferences_window_dispose;
  object_class->set_property = botbench_preferences_window_set_property;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL,
                         G_TYPE_SETTINGS,
                         (G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  _botbench_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/botbench/Botbench/botbench-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, BotbenchPreferencesWindow, enabled_switch);
  gtk_widget_class_bind_template_child (widget_class, BotbenchPreferencesWindow, host_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchPreferencesWindow, port_spin);
  gtk_widget_class_bind_template_child (widget_class, BotbenchPreferencesWindow, max_body_spin);
  gtk_widget_class_bind_template_child (widget_class, BotbenchPreferencesWindow, retention_count_spin);
  gtk_widget_class_bind_template_child (widget_class, BotbenchPreferencesWindow, retention_days_spin);
  gtk_widget_class_bind_template_child (widget_class, BotbenchPreferencesWindow, forward_rules_group);
  gtk_widget_class_bind_template_child (widget_class, BotbenchPreferencesWindow, forward_timeout_spin);
  gtk_widget_class_bind_template_child (widget_class, BotbenchPreferencesWindow, fetch_interval_spin);
  gtk_widget_class_bind_template_child (widget_class, BotbenchPreferencesWindow, notify_switch);
  gtk_widget_class_bind_template_callback (widget_class, host_row_apply_cb);
}

static void
botbench_preferences_window_init (BotbenchPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  botbench_a11y_label_group_list (GTK_WIDGET (self->forward_timeout_spin), _("Forwarding"));
}

GtkWidget *
botbench_preferences_window_new (GSettings *settings)
{
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  return g_object_new (BOTBENCH_TYPE_PREFERENCES_WINDOW,
                       "settings", settings,
                       NULL);
}
