/* botbench-profile-editor-tunnel.c: "Make the Listener Public" in the profile editor
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Picks a tunnel program (cloudflared, ngrok, or ssh to a host), says
 * whether it is installed and how to install it, and starts or stops the
 * application's tunnel for the profile shown.  While the tunnel runs its
 * URL shows as the profile's public base URL.
 */
#define G_LOG_DOMAIN "botbench-profile-editor"

#include "config.h"

#include <glib/gi18n.h>

#include "botbench-profile-editor-private.h"

/* The rows of tunnel_via_row */
static const BotbenchTunnelVia via_rows[] = {
  BOTBENCH_TUNNEL_VIA_CLOUDFLARED,
  BOTBENCH_TUNNEL_VIA_NGROK,
  BOTBENCH_TUNNEL_VIA_SSH,
};

static BotbenchTunnelVia
selected_via (BotbenchProfileEditor *self)
{
  guint selected = adw_combo_row_get_selected (self->tunnel_via_row);

  return selected < G_N_ELEMENTS (via_rows) ? via_rows[selected] : BOTBENCH_TUNNEL_VIA_CLOUDFLARED;
}

/* The row's subtitle, and an icon saying what kind of news it is:
 * "error" (a failure, a missing program), "success" (running), NULL. */
static void
set_status (BotbenchProfileEditor *self,
            const char            *text,
            const char            *style)
{
  static const char * const styles[] = { "error", "success" };
  GtkWidget *icon = GTK_WIDGET (self->tunnel_icon);
  g_autofree char *escaped = g_markup_escape_text (text != NULL ? text : "", -1);

  adw_action_row_set_subtitle (self->tunnel_row, escaped);
  for (guint i = 0; i < G_N_ELEMENTS (styles); i++)
    gtk_widget_remove_css_class (icon, styles[i]);
  gtk_widget_set_visible (icon, style != NULL);
  if (style == NULL)
    return;

  gtk_image_set_from_icon_name (self->tunnel_icon,
                                g_str_equal (style, "error") ? "dialog-warning-symbolic" : "emblem-ok-symbolic");
  gtk_widget_add_css_class (icon, style);
}

void
_botbench_profile_editor_tunnel_update (BotbenchProfileEditor *self)
{
  BotbenchTunnel *tunnel = NULL;
  BotbenchTunnelState state = BOTBENCH_TUNNEL_STATE_STOPPED;
  BotbenchTunnelVia via = selected_via (self);
  g_autofree char *path = NULL;
  g_autofree char *host = NULL;
  g_autofree char *text = NULL;
  gboolean ours = FALSE;

  if (self->app != NULL)
    {
      tunnel = botbench_application_get_tunnel (self->app);
      ours = tunnel != NULL && self->profile != NULL &&
             botbench_application_get_tunnel_profile (self->app) == self->profile;
    }
  if (ours)
    state = botbench_tunnel_get_state (tunnel);
  /* A failure is old news once another program is picked. */
  if (state == BOTBENCH_TUNNEL_STATE_FAILED && botbench_tunnel_get_via (tunnel) != via)
    state = BOTBENCH_TUNNEL_STATE_STOPPED;

  gtk_widget_set_visible (GTK_WIDGET (self->tunnel_host_row), via == BOTBENCH_TUNNEL_VIA_SSH);
  gtk_widget_set_sensitive (GTK_WIDGET (self->tunnel_via_row),
                            state != BOTBENCH_TUNNEL_STATE_STARTING && state != BOTBENCH_TUNNEL_STATE_RUNNING);
  gtk_widget_set_sensitive (GTK_WIDGET (self->tunnel_host_row),
                            state != BOTBENCH_TUNNEL_STATE_STARTING && state != BOTBENCH_TUNNEL_STATE_RUNNING);
  gtk_spinner_set_spinning (self->tunnel_spinner, state == BOTBENCH_TUNNEL_STATE_STARTING);

  switch (state)
    {
    case BOTBENCH_TUNNEL_STATE_STARTING:
      /* Translators: %s is a program: cloudflared, ngrok or ssh */
      text = g_strdup_printf (_("Starting %s…"), botbench_tunnel_via_program (botbench_tunnel_get_via (tunnel)));
      set_status (self, text, NULL);
      gtk_button_set_label (self->tunnel_button, _("_Stop"));
      gtk_widget_set_sensitive (GTK_WIDGET (self->tunnel_button), TRUE);
      return;

    case BOTBENCH_TUNNEL_STATE_RUNNING:
      set_status (self, botbench_tunnel_get_url (tunnel), "success");
      gtk_button_set_label (self->tunnel_button, _("_Stop"));
      gtk_widget_set_sensitive (GTK_WIDGET (self->tunnel_button), TRUE);
      /* What the profile now has, without marking the form as edited. */
      self->loading = TRUE;
      _botbench_profile_editor_set_entry_text (self->public_url_row, botbench_tunnel_get_url (tunnel));
      self->loading = FALSE;
      return;

    case BOTBENCH_TUNNEL_STATE_FAILED:
      set_status (self, botbench_tunnel_get_error (tunnel)->message, "error");
      break;

    case BOTBENCH_TUNNEL_STATE_STOPPED:
    default:
      break;
    }

  gtk_button_set_label (self->tunnel_button, _("_Start"));
  path = botbench_tunnel_via_find (via);
  host = _botbench_profile_editor_dup_entry_text (self->tunnel_host_row);
  g_strstrip (host);

  if (self->profile == NULL)
    {
      gtk_widget_set_sensitive (GTK_WIDGET (self->tunnel_button), FALSE);
      if (state != BOTBENCH_TUNNEL_STATE_FAILED)
        set_status (self, _("Save the profile first"), NULL);
      return;
    }

  gtk_widget_set_sensitive (GTK_WIDGET (self->tunnel_button),
                            path != NULL && (via != BOTBENCH_TUNNEL_VIA_SSH || *host != '\0'));
  if (state == BOTBENCH_TUNNEL_STATE_FAILED)
    return;

  /* Nothing went wrong yet: how to get the program, without alarm. */
  if (path == NULL)
    set_status (self, botbench_tunnel_via_install_hint (via), NULL);
  else if (via == BOTBENCH_TUNNEL_VIA_SSH && *host == '\0')
    set_status (self, _("Name the host to tunnel through: your own server, or a public ssh tunnel service"),
                NULL);
  else
    {
      /* Translators: %s is where the program is installed */
      text = g_strdup_printf (_("Not running (%s is installed)"), path);
      set_status (self, text, NULL);
    }
}

static void
tunnel_via_changed_cb (BotbenchProfileEditor *self)
{
  _botbench_profile_editor_tunnel_update (self);
}

static void
tunnel_button_clicked_cb (BotbenchProfileEditor *self)
{
  BotbenchTunnel *tunnel;
  g_autofree char *host = NULL;

  if (self->app == NULL || self->profile == NULL)
    return;

  tunnel = botbench_application_get_tunnel (self->app);
  if (tunnel != NULL && botbench_application_get_tunnel_profile (self->app) == self->profile &&
      (botbench_tunnel_get_state (tunnel) == BOTBENCH_TUNNEL_STATE_STARTING ||
       botbench_tunnel_get_state (tunnel) == BOTBENCH_TUNNEL_STATE_RUNNING))
    {
      botbench_application_stop_tunnel (self->app);
      /* The profile forgot the URL: show what it has now. */
      self->loading = TRUE;
      _botbench_profile_editor_set_entry_text (self->public_url_row,
                                               botbench_profile_get_public_base_url (self->profile));
      self->loading = FALSE;
      return;
    }

  host = _botbench_profile_editor_dup_entry_text (self->tunnel_host_row);
  g_strstrip (host);
  botbench_application_start_tunnel (self->app, self->profile, selected_via (self), host);
}

void
_botbench_profile_editor_tunnel_set_app (BotbenchProfileEditor *self,
                                         BotbenchApplication   *app)
{
  g_signal_connect_object (app, "tunnel-changed",
                           G_CALLBACK (_botbench_profile_editor_tunnel_update), self, G_CONNECT_SWAPPED);
}

void
_botbench_profile_editor_tunnel_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, tunnel_group);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, tunnel_via_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, tunnel_host_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, tunnel_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, tunnel_icon);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, tunnel_spinner);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, tunnel_button);
  gtk_widget_class_bind_template_callback (widget_class, tunnel_via_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, tunnel_button_clicked_cb);
}
