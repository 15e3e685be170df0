/* botbench-profile-editor.c: add or edit one portal profile
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The non-secret fields go to the profile (BotbenchProfileManager writes
 * them to profiles.ini); the webhook secret, client secret and tokens go
 * to BotbenchSecretStore only.  Saving stores the secrets first, so that a
 * profile never appears without them; when no Secret Service can be
 * reached the editor waits for the user to allow session-only secrets.
 *
 * This file is the editor's shell: the form's state and live checks, the
 * actions (close, make active, remove, unlock CLIENT_ID) and the public
 * API.  Filling the form is in botbench-profile-editor-load.c, checking and
 * saving in botbench-profile-editor-save.c, Test connection in
 * botbench-profile-editor-connection.c.
 */
#define G_LOG_DOMAIN "botbench-profile-editor"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "botbench-a11y.h"
#include "botbench-application-private.h"
#include "botbench-profile-editor-private.h"

enum {
  CLOSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (BotbenchProfileEditor, botbench_profile_editor, GTK_TYPE_WIDGET)

void
_botbench_profile_editor_set_entry_text (AdwEntryRow *row,
                                         const char  *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row), text != NULL ? text : "");
}

char *
_botbench_profile_editor_dup_entry_text (AdwEntryRow *row)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
}

void
_botbench_profile_editor_show_message (GtkLabel   *label,
                                       const char *message,
                                       const char *style)
{
  gtk_widget_remove_css_class (GTK_WIDGET (label), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (label), "warning");
  gtk_widget_remove_css_class (GTK_WIDGET (label), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (label), "dim-label");

  gtk_label_set_label (label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (label), message != NULL && *message != '\0');
  if (style != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (label), style);
}

void
_botbench_profile_editor_mark_row (AdwEntryRow *row,
                                   gboolean     bad)
{
  if (bad)
    gtk_widget_add_css_class (GTK_WIDGET (row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
}

BotbenchProfileKind
_botbench_profile_editor_get_kind (BotbenchProfileEditor *self)
{
  return adw_combo_row_get_selected (self->kind_row) == KIND_ROW_OAUTH
         ? BOTBENCH_PROFILE_KIND_OAUTH : BOTBENCH_PROFILE_KIND_WEBHOOK;
}

BotbenchProfileManager *
_botbench_profile_editor_get_manager (BotbenchProfileEditor *self)
{
  return self->app != NULL ? botbench_application_get_profile_manager (self->app) : NULL;
}

void
_botbench_profile_editor_toast (BotbenchProfileEditor *self,
                                const char            *message)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", message);
}

void
_botbench_profile_editor_update_state (BotbenchProfileEditor *self)
{
  BotbenchProfileManager *manager = _botbench_profile_editor_get_manager (self);
  gboolean is_active;
  g_autofree char *title = NULL;

  g_assert (BOTBENCH_IS_PROFILE_EDITOR (self));

  is_active = self->profile != NULL && manager != NULL &&
              botbench_profile_manager_get_active (manager) == self->profile;

  if (self->profile != NULL)
    gtk_label_set_label (self->title_label, botbench_profile_get_name (self->profile));
  else
    gtk_label_set_label (self->title_label, _("New Profile"));

  gtk_widget_set_visible (GTK_WIDGET (self->active_label), is_active);
  gtk_widget_set_visible (GTK_WIDGET (self->activate_button), self->profile != NULL && !is_active);
  gtk_widget_set_visible (GTK_WIDGET (self->remove_button), self->profile != NULL);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.save", !self->saving);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.test", !self->saving && !self->testing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.remove", self->profile != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.make-active",
                                 self->profile != NULL && !is_active);
}

void
_botbench_profile_editor_update_kind (BotbenchProfileEditor *self)
{
  BotbenchProfileKind kind = _botbench_profile_editor_get_kind (self);

  gtk_widget_set_visible (GTK_WIDGET (self->webhook_group), kind == BOTBENCH_PROFILE_KIND_WEBHOOK);
  gtk_widget_set_visible (GTK_WIDGET (self->oauth_group), kind == BOTBENCH_PROFILE_KIND_OAUTH);
}

/* Live check of the pasted URL, with the core parser's own sentence. */
gboolean
_botbench_profile_editor_check_webhook_url (BotbenchProfileEditor  *self,
                                            BotbenchWebhookUrl    **parsed_out)
{
  g_autofree char *text = _botbench_profile_editor_dup_entry_text (self->webhook_url_row);
  g_autoptr(BotbenchWebhookUrl) parsed = NULL;
  g_autoptr(GError) error = NULL;

  if (*text == '\0')
    {
      _botbench_profile_editor_show_message (self->webhook_message, NULL, NULL);
      _botbench_profile_editor_mark_row (self->webhook_url_row, FALSE);
      return FALSE;
    }

  parsed = botbench_webhook_url_parse (text, &error);
  if (parsed == NULL)
    {
      _botbench_profile_editor_show_message (self->webhook_message, error->message, "error");
      _botbench_profile_editor_mark_row (self->webhook_url_row, TRUE);
      return FALSE;
    }

  _botbench_profile_editor_mark_row (self->webhook_url_row, FALSE);
  /* The built-in sandbox is plain http on loopback by design: no warning. */
  if (parsed->warning != NULL &&
      !(self->profile != NULL && botbench_profile_is_builtin_sandbox (self->profile)))
    _botbench_profile_editor_show_message (self->webhook_message, parsed->warning, "warning");
  else
    _botbench_profile_editor_show_message (self->webhook_message, _("The webhook URL looks right"), "success");

  if (parsed_out != NULL)
    *parsed_out = g_steal_pointer (&parsed);

  return TRUE;
}

static void
field_changed_cb (BotbenchProfileEditor *self)
{
  if (self->loading)
    return;

  self->dirty = TRUE;
}

static void
webhook_url_changed_cb (BotbenchProfileEditor *self)
{
  _botbench_profile_editor_check_webhook_url (self, NULL);
  field_changed_cb (self);
}

static void
kind_selected_cb (BotbenchProfileEditor *self)
{
  _botbench_profile_editor_update_kind (self);
  field_changed_cb (self);
}

static void
entry_activated_cb (BotbenchProfileEditor *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "editor.save", NULL);
}

/* Actions */

static void
botbench_profile_editor_save_action (GtkWidget  *widget,
                                     const char *action_name,
                                     GVariant   *parameter)
{
  _botbench_profile_editor_save (BOTBENCH_PROFILE_EDITOR (widget));
}

static void
botbench_profile_editor_test_action (GtkWidget  *widget,
                                     const char *action_name,
                                     GVariant   *parameter)
{
  BotbenchProfileEditor *self = BOTBENCH_PROFILE_EDITOR (widget);

  if (self->app == NULL || self->testing)
    return;

  /* What is tested is what is shown: save first. */
  if (self->profile == NULL || self->dirty)
    {
      self->test_after_save = TRUE;
      _botbench_profile_editor_save (self);
      return;
    }

  _botbench_profile_editor_run_test (self);
}

static void
botbench_profile_editor_close_action (GtkWidget  *widget,
                                      const char *action_name,
                                      GVariant   *parameter)
{
  g_signal_emit (widget, signals[CLOSED], 0);
}

static void
botbench_profile_editor_make_active_action (GtkWidget  *widget,
                                            const char *action_name,
                                            GVariant   *parameter)
{
  BotbenchProfileEditor *self = BOTBENCH_PROFILE_EDITOR (widget);
  g_autoptr(GError) error = NULL;

  if (self->profile == NULL)
    return;

  if (!botbench_profile_manager_set_active (_botbench_profile_editor_get_manager (self),
                                            self->profile, &error))
    _botbench_profile_editor_toast (self, error->message);

  _botbench_profile_editor_update_state (self);
}

static void
secrets_cleared_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(BotbenchProfile) profile = user_data;
  g_autoptr(GError) error = NULL;

  if (!botbench_secret_store_clear_finish (BOTBENCH_SECRET_STORE (object), result, &error))
    g_debug ("Cannot clear the secrets of a removed profile: %s", error->message);
}

static void
remove_response_cb (AdwMessageDialog      *dialog,
                    const char            *response,
                    BotbenchProfileEditor *self)
{
  g_autoptr(BotbenchProfile) profile = NULL;
  g_autoptr(GError) error = NULL;

  if (!g_str_equal (response, "remove") || self->profile == NULL)
    return;

  profile = g_object_ref (self->profile);
  if (!botbench_profile_manager_remove (_botbench_profile_editor_get_manager (self), profile, &error))
    {
      _botbench_profile_editor_toast (self, error->message);
      return;
    }

  /* The store's libsecret call reads the UUID string after this returns,
   * so the profile (which owns it) lives until the callback. */
  botbench_secret_store_clear_async (botbench_application_get_secret_store (self->app),
                                     botbench_profile_get_uuid (profile), BOTBENCH_SECRET_KIND_ANY,
                                     NULL, secrets_cleared_cb, g_object_ref (profile));
  g_clear_object (&self->profile);
  g_signal_emit (self, signals[CLOSED], 0);
}

static void
botbench_profile_editor_remove_action (GtkWidget  *widget,
                                       const char *action_name,
                                       GVariant   *parameter)
{
  BotbenchProfileEditor *self = BOTBENCH_PROFILE_EDITOR (widget);
  GtkWidget *dialog;
  GtkRoot *root;

  if (self->profile == NULL)
    return;

  root = gtk_widget_get_root (widget);
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Remove Profile?"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("“%s” and its stored secrets will be removed from this computer. "
                                    "Bots on the portal stay registered."),
                                  botbench_profile_get_name (self->profile));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "remove", _("_Remove"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (remove_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
unlock_response_cb (AdwMessageDialog      *dialog,
                    const char            *response,
                    BotbenchProfileEditor *self)
{
  if (!g_str_equal (response, "change"))
    return;

  gtk_editable_set_editable (GTK_EDITABLE (self->client_id_row), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->client_id_edit_button), FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (self->client_id_row));
}

static void
botbench_profile_editor_unlock_client_id_action (GtkWidget  *widget,
                                                 const char *action_name,
                                                 GVariant   *parameter)
{
  BotbenchProfileEditor *self = BOTBENCH_PROFILE_EDITOR (widget);
  GtkWidget *dialog;
  GtkRoot *root = gtk_widget_get_root (widget);

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Change CLIENT_ID?"),
                                   _("Bots registered with the current CLIENT_ID can only be updated "
                                     "or unregistered with it. Change it only to manage bots that "
                                     "were registered with another CLIENT_ID."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "change", _("C_hange"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "change",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (unlock_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
manager_changed_cb (BotbenchProfileEditor *self)
{
  BotbenchProfileManager *manager = _botbench_profile_editor_get_manager (self);

  /* Removed elsewhere (botbench-cli): nothing left to edit. */
  if (self->profile != NULL &&
      botbench_profile_manager_lookup (manager, botbench_profile_get_uuid (self->profile)) != self->profile)
    {
      g_clear_object (&self->profile);
      g_signal_emit (self, signals[CLOSED], 0);
      return;
    }

  _botbench_profile_editor_update_state (self);
}

/* Overrides */

static void
botbench_profile_editor_dispose (GObject *object)
{
  BotbenchProfileEditor *self = (BotbenchProfileEditor *)object;

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->test_cancellable);
  g_clear_handle_id (&self->scroll_source, g_source_remove);

  gtk_widget_dispose_template (GTK_WIDGET (self), BOTBENCH_TYPE_PROFILE_EDITOR);

  g_clear_object (&self->profile);
  g_clear_object (&self->draft);
  g_clear_object (&self->app);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->test_cancellable);
  g_clear_pointer (&self->pending_secrets, g_ptr_array_unref);

  G_OBJECT_CLASS (botbench_profile_editor_parent_class)->dispose (object);
}

static void
botbench_profile_editor_class_init (BotbenchProfileEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = botbench_profile_editor_dispose;

  signals[CLOSED] =
    g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  _botbench_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/botbench/Botbench/botbench-profile-editor.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);

  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, scroller);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, title_label);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, active_label);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, name_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, kind_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, name_message);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, webhook_group);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, webhook_url_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, client_id_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, client_id_edit_button);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, webhook_message);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, oauth_group);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, portal_url_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, oauth_client_id_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, client_secret_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, access_token_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, refresh_token_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, token_expires_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, token_endpoint_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, oauth_message);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, public_url_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, public_message);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, application_token_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, strict_token_switch);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, secrets_label);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, save_button);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, test_button);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, activate_button);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, remove_button);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, test_group);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, test_spinner);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, user_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, scope_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, scope_icon);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, latency_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, test_message);
  _botbench_profile_editor_tunnel_class_init (widget_class);
  gtk_widget_class_bind_template_callback (widget_class, field_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, webhook_url_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, kind_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, entry_activated_cb);

  gtk_widget_class_install_action (widget_class, "editor.save", NULL,
                                   botbench_profile_editor_save_action);
  gtk_widget_class_install_action (widget_class, "editor.test", NULL,
                                   botbench_profile_editor_test_action);
  gtk_widget_class_install_action (widget_class, "editor.close", NULL,
                                   botbench_profile_editor_close_action);
  gtk_widget_class_install_action (widget_class, "editor.make-active", NULL,
                                   botbench_profile_editor_make_active_action);
  gtk_widget_class_install_action (widget_class, "editor.remove", NULL,
                                   botbench_profile_editor_remove_action);
  gtk_widget_class_install_action (widget_class, "editor.unlock-client-id", NULL,
                                   botbench_profile_editor_unlock_client_id_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "editor.save", NULL);
}

static void
botbench_profile_editor_init (BotbenchProfileEditor *self)
{
  self->cancellable = g_cancellable_new ();
  self->pending_secrets = g_ptr_array_new_with_free_func ((GDestroyNotify)_botbench_profile_editor_pending_secret_free);

  gtk_widget_init_template (GTK_WIDGET (self));
  botbench_a11y_label_peek_buttons (GTK_WIDGET (self));
  botbench_a11y_label_group_list (GTK_WIDGET (self->name_row), _("Profile"));
  _botbench_profile_editor_update_kind (self);
}

GtkWidget *
botbench_profile_editor_new (void)
{
  return g_object_new (BOTBENCH_TYPE_PROFILE_EDITOR, NULL);
}

void
botbench_profile_editor_edit (BotbenchProfileEditor *self,
                              BotbenchApplication   *app,
                              BotbenchProfile       *profile)
{
  g_return_if_fail (BOTBENCH_IS_PROFILE_EDITOR (self));
  g_return_if_fail (BOTBENCH_IS_APPLICATION (app));
  g_return_if_fail (profile == NULL || BOTBENCH_IS_PROFILE (profile));

  /* Whatever the previous profile was waiting for is moot now. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_cancellable_cancel (self->test_cancellable);
  self->testing = FALSE;
  self->saving = FALSE;
  self->test_after_save = FALSE;
  gtk_spinner_stop (self->test_spinner);
  g_ptr_array_set_size (self->pending_secrets, 0);
  g_clear_object (&self->draft);

  if (self->app != app)
    {
      g_set_object (&self->app, app);
      g_signal_connect_object (botbench_application_get_secret_store (app), "notify::session-only",
                               G_CALLBACK (_botbench_profile_editor_secrets_session_only_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (botbench_application_get_profile_manager (app), "items-changed",
                               G_CALLBACK (manager_changed_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (botbench_application_get_profile_manager (app), "notify::active",
                               G_CALLBACK (manager_changed_cb), self, G_CONNECT_SWAPPED);
      _botbench_profile_editor_tunnel_set_app (self, app);
    }

  g_set_object (&self->profile, profile);
  _botbench_profile_editor_load (self);
  _botbench_profile_editor_tunnel_update (self);

  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);
}

void
botbench_profile_editor_focus_name (BotbenchProfileEditor *self)
{
  g_return_if_fail (BOTBENCH_IS_PROFILE_EDITOR (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
}

BotbenchProfile *
botbench_profile_editor_get_profile (BotbenchProfileEditor *self)
{
  g_return_val_if_fail (BOTBENCH_IS_PROFILE_EDITOR (self), NULL);

  return self->profile;
}
