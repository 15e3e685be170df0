/* botbench-bot-editor.c: the form of one bot definition, built from
 * section widgets, and its Save, Export and handler actions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The shell binds the definition to its sections (identity, handlers,
 * avatar, color, properties, commands) and keeps the title, the banner,
 * the buttons and the store.  Its other parts share the instance struct
 * through botbench-bot-editor-private.h: -validation.c (issues on the
 * fields), -portal.c (Register, Update, Unregister, Adopt) and
 * -commands.c (slash commands).
 */
#define G_LOG_DOMAIN "botbench-bot-editor"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "botbench-application-private.h"
#include "botbench-bot-editor-internal.h"

G_DEFINE_FINAL_TYPE (BotbenchBotEditor, botbench_bot_editor, GTK_TYPE_WIDGET)

enum {
  CLOSED,
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
field_free (gpointer data)
{
  g_free (data);
}

void
_botbench_bot_editor_toast (BotbenchBotEditor *self,
                            const char        *text)
{
  /* win.toast escapes the markup. */
  gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", text);
}

void
_botbench_bot_editor_show_banner (BotbenchBotEditor *self,
                                  const char        *text)
{
  gtk_label_set_label (self->banner_label, text != NULL ? text : "");
  gtk_revealer_set_reveal_child (self->banner_revealer, text != NULL);
}

/* Form ↔ definition */

BotbenchBot *
botbench_bot_editor_dup_form_bot (BotbenchBotEditor *self)
{
  BotbenchBot *bot;

  g_return_val_if_fail (BOTBENCH_IS_BOT_EDITOR (self), NULL);

  bot = self->bot != NULL ? botbench_bot_copy (self->bot) : botbench_bot_new ();
  botbench_v2_section_apply (self->v2_section, bot);
  botbench_identity_section_apply (self->identity_section, bot);
  botbench_handlers_section_apply (self->handlers_section, bot);
  botbench_properties_section_apply (self->properties_section, bot);
  botbench_bot_set_color (bot, botbench_color_section_get_color (self->color_section));
  botbench_avatar_section_apply (self->avatar_section, bot);

  return bot;
}

/* Shows the sections and rows of the form's API: the handlers and the
 * v1-only fields of a v1 bot, the API group's v2 fields of a v2 bot. */
static void
botbench_bot_editor_show_api (BotbenchBotEditor *self)
{
  BotbenchBotApi api = botbench_v2_section_get_api (self->v2_section);

  gtk_widget_set_visible (GTK_WIDGET (self->handlers_section), api != BOTBENCH_BOT_API_V2);
  botbench_identity_section_set_api (self->identity_section, api);
  botbench_properties_section_set_api (self->properties_section, api);
}

static void
api_changed_cb (BotbenchBotEditor *self)
{
  botbench_bot_editor_show_api (self);
  _botbench_bot_editor_update_fetch_status (self);
}

static void
botbench_bot_editor_load_form (BotbenchBotEditor *self,
                               BotbenchBot       *bot)
{
  self->loading = TRUE;

  botbench_v2_section_load (self->v2_section, bot);
  botbench_bot_editor_show_api (self);
  botbench_identity_section_load (self->identity_section, bot);
  botbench_handlers_section_load (self->handlers_section, bot);
  botbench_properties_section_load (self->properties_section, bot);
  botbench_color_section_set_color (self->color_section, bot ? botbench_bot_get_color (bot) : 0);
  botbench_avatar_section_load (self->avatar_section, bot);

  self->loading = FALSE;
}

/* Title, buttons */

void
_botbench_bot_editor_update_state (BotbenchBotEditor *self)
{
  gboolean registered = self->bot != NULL && botbench_bot_get_bot_id (self->bot) > 0;
  g_autofree char *title = NULL;

  if (self->bot == NULL)
    title = g_strdup (_("New Bot"));
  else if (botbench_bot_get_name (self->bot) != NULL)
    title = g_strdup (botbench_bot_get_name (self->bot));
  else
    title = g_strdup (botbench_bot_get_code (self->bot));
  gtk_label_set_label (self->title_label, title);

  /* "Why No Events?" for a registered bot: the doctor for its id. */
  gtk_widget_set_visible (self->doctor_button, registered);
  if (registered)
    gtk_actionable_set_action_target (GTK_ACTIONABLE (self->doctor_button), "x",
                                      botbench_bot_get_bot_id (self->bot));

  botbench_identity_section_set_bot_id (self->identity_section,
                                        registered ? botbench_bot_get_bot_id (self->bot) : 0);
  botbench_v2_section_set_registered (self->v2_section, registered);
  _botbench_bot_editor_update_fetch_status (self);

  gtk_button_set_label (self->register_button, registered ? _("_Update…") : _("_Register…"));
  gtk_widget_set_visible (GTK_WIDGET (self->unregister_button), registered);
  /* A registered bot's saved definition is what the portal has: changes
   * go through Update, which diffs against it. */
  gtk_widget_set_visible (GTK_WIDGET (self->save_button), !registered);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "bot-editor.unregister", registered && !self->busy);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "bot-editor.add-command", registered && !self->busy);
  gtk_spinner_set_spinning (self->spinner,
                            self->busy || botbench_avatar_section_get_encoding (self->avatar_section));
  _botbench_bot_editor_validate (self);
}

/* An encoding started (the spinner turns on) or ended (the picture is in
 * the form now). */
static void
avatar_encoding_cb (BotbenchBotEditor *self)
{
  if (botbench_avatar_section_get_encoding (self->avatar_section))
    gtk_spinner_set_spinning (self->spinner, TRUE);
  else
    _botbench_bot_editor_update_state (self);
}

/* Saving */

gboolean
_botbench_bot_editor_store_bot (BotbenchBotEditor  *self,
                                BotbenchBot        *form,
                                GError            **error)
{
  g_assert (BOTBENCH_IS_BOT_EDITOR (self));

  if (self->bot == NULL)
    {
      if (!botbench_bot_store_add (self->store, form, error))
        return FALSE;
      self->bot = g_object_ref (form);
    }
  else
    {
      BotbenchBot *old_code_holder;

      /* The stored object is the one the list shows: write the form into
       * it field by field, keeping the store's identity. */
      old_code_holder = botbench_bot_store_lookup_by_code (self->store, botbench_bot_get_code (form));
      if (old_code_holder != NULL && old_code_holder != self->bot)
        {
          g_set_error (error, BOTBENCH_BOT_STORE_ERROR, BOTBENCH_BOT_STORE_ERROR_CODE_TAKEN,
                       _("Another bot of this profile has the code “%s”"), botbench_bot_get_code (form));
          return FALSE;
        }
      botbench_bot_set_code (self->bot, botbench_bot_get_code (form));
      botbench_bot_set_bot_type (self->bot, botbench_bot_get_bot_type (form));
      botbench_bot_set_openline (self->bot, botbench_bot_get_openline (form));
      botbench_bot_set_event_handler (self->bot, botbench_bot_get_event_handler (form));
      for (guint i = 0; i < BOTBENCH_BOT_N_HANDLERS; i++)
        botbench_bot_set_handler (self->bot, i, botbench_bot_get_handler (form, i));
      for (guint i = 0; i < BOTBENCH_BOT_N_PROPERTIES; i++)
        botbench_bot_set_property_value (self->bot, i, botbench_bot_get_property_value (form, i));
      botbench_bot_set_color (self->bot, botbench_bot_get_color (form));
      botbench_bot_set_gender (self->bot, botbench_bot_get_gender (form));
      botbench_bot_set_bot_id (self->bot, botbench_bot_get_bot_id (form));
      botbench_bot_set_api (self->bot, botbench_bot_get_api (form));
      botbench_bot_set_v2_type (self->bot, botbench_bot_get_v2_type (form));
      botbench_bot_set_event_mode (self->bot, botbench_bot_get_event_mode (form));
      botbench_bot_set_webhook_url (self->bot, botbench_bot_get_webhook_url (form));
      botbench_bot_set_is_hidden (self->bot, botbench_bot_get_is_hidden (form));
      botbench_bot_set_is_reactions_enabled (self->bot, botbench_bot_get_is_reactions_enabled (form));
      botbench_bot_set_is_support_openline (self->bot, botbench_bot_get_is_support_openline (form));
      botbench_bot_set_background_id (self->bot, botbench_bot_get_background_id (form));
      /* In memory only: the file never has it, the keyring does. */
      botbench_bot_set_bot_token (self->bot, botbench_bot_get_bot_token (form));
      if (!botbench_bot_store_save (self->store, self->bot, error))
        return FALSE;
    }

  g_signal_emit (self, signals[SAVED], 0, self->bot);
  _botbench_bot_editor_update_state (self);
  botbench_commands_section_set_bot (self->commands_section, self->bot);

  /* The fetch manager does not hear of a changed bot by itself. */
  if (self->app != NULL && botbench_application_get_fetch_manager (self->app) != NULL)
    botbench_fetch_manager_refresh (botbench_application_get_fetch_manager (self->app));
  return TRUE;
}

static void
botbench_bot_editor_save_action (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  BotbenchBotEditor *self = BOTBENCH_BOT_EDITOR (widget);
  g_autoptr(BotbenchBot) form = NULL;
  g_autoptr(GError) error = NULL;

  if (self->store == NULL)
    return;

  form = botbench_bot_editor_dup_form_bot (self);
  if (!_botbench_bot_editor_store_bot (self, form, &error))
    {
      _botbench_bot_editor_show_banner (self, error->message);
      return;
    }
  _botbench_bot_editor_show_banner (self, NULL);
  _botbench_bot_editor_keep_token (self, form);
  _botbench_bot_editor_toast (self, _("Bot definition saved"));
}

static void
botbench_bot_editor_close_action (GtkWidget  *widget,
                                  const char *action_name,
                                  GVariant   *parameter)
{
  g_signal_emit (widget, signals[CLOSED], 0);
}

/* Export */

static void
export_written_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(BotbenchBotEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *toast = NULL;

  if (!g_file_replace_contents_finish (G_FILE (object), result, NULL, &error))
    {
      _botbench_bot_editor_show_banner (self, error->message);
      return;
    }

  name = g_file_get_basename (G_FILE (object));
  /* Translators: %s is a file name */
  toast = g_strdup_printf (_("Exported to %s"), name);
  self->exported = TRUE;
  _botbench_bot_editor_toast (self, toast);
}

void
_botbench_bot_editor_export_to (BotbenchBotEditor *self,
                                GFile             *file)
{
  g_autoptr(BotbenchBot) form = NULL;
  g_autoptr(GBytes) bytes = NULL;
  char *data;

  g_return_if_fail (BOTBENCH_IS_BOT_EDITOR (self));
  g_return_if_fail (G_IS_FILE (file));

  self->exported = FALSE;
  form = botbench_bot_editor_dup_form_bot (self);
  data = botbench_bot_to_data (form);
  bytes = g_bytes_new_take (data, strlen (data));
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_PRIVATE,
                                       self->cancellable, export_written_cb, g_object_ref (self));
}

static void
export_chooser_response_cb (BotbenchBotEditor    *self,
                            int                   response,
                            GtkFileChooserNative *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        _botbench_bot_editor_export_to (self, file);
    }
  g_object_unref (chooser);
}

static void
botbench_bot_editor_export_action (GtkWidget  *widget,
                                   const char *action_name,
                                   GVariant   *parameter)
{
  BotbenchBotEditor *self = BOTBENCH_BOT_EDITOR (widget);
  GtkFileChooserNative *chooser;
  g_autofree char *name = NULL;
  const char *code = botbench_identity_section_get_code_text (self->identity_section);

  chooser = gtk_file_chooser_native_new (_("Export Bot Definition"),
                                         GTK_WINDOW (gtk_widget_get_root (widget)),
                                         GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Export"), _("_Cancel"));
  name = g_strdup_printf ("%s.json", *code != '\0' ? code : "bot");
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect_object (chooser, "response", G_CALLBACK (export_chooser_response_cb),
                           self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* Handlers */

void
botbench_bot_editor_fill_handlers (BotbenchBotEditor *self)
{
  g_autofree char *url = NULL;

  g_return_if_fail (BOTBENCH_IS_BOT_EDITOR (self));

  if (self->profile == NULL)
    return;

  if (botbench_profile_is_builtin_sandbox (self->profile))
    {
      BotbenchListener *listener = botbench_application_get_listener (self->app);

      if (listener != NULL)
        url = botbench_listener_dup_url (listener);
      if (url == NULL)
        {
          g_autofree char *base = botbench_application_dup_listener_base_url (self->app);

          url = g_strconcat (base, "/", NULL);
          _botbench_bot_editor_toast (self, _("The listener is off: turn it on to receive the bot's events"));
        }
    }
  else
    {
      const char *base = botbench_profile_get_public_base_url (self->profile);

      if (base == NULL || *base == '\0')
        {
          _botbench_bot_editor_show_banner (self, _("This profile has no public base URL. Set one in the "
                                                    "profile (e.g. your tunnel's https address) to fill in "
                                                    "the handlers."));
          return;
        }
      url = g_str_has_suffix (base, "/") ? g_strdup (base) : g_strconcat (base, "/", NULL);
    }

  botbench_handlers_section_fill (self->handlers_section, url);
}

static void
botbench_bot_editor_fill_action (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  botbench_bot_editor_fill_handlers (BOTBENCH_BOT_EDITOR (widget));
}

static void
handler_probe_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(BotbenchBotEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  gint64 took;

  took = botbench_handler_probe_finish (BOTBENCH_EVENT_STORE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->checking = FALSE;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "bot-editor.check-handlers", TRUE);

  if (took < 0)
    {
      _botbench_bot_editor_show_banner (self, error->message);
      return;
    }

  {
    /* Translators: %d is milliseconds */
    g_autofree char *text = g_strdup_printf (_("The handler URL reaches this Botbench (%d ms)"),
                                             (int)(took / 1000));

    _botbench_bot_editor_show_banner (self, NULL);
    _botbench_bot_editor_toast (self, text);
  }
}

static void
botbench_bot_editor_check_action (GtkWidget  *widget,
                                  const char *action_name,
                                  GVariant   *parameter)
{
  BotbenchBotEditor *self = BOTBENCH_BOT_EDITOR (widget);
  BotbenchEventStore *store = botbench_application_get_store (self->app);
  BotbenchListener *listener = botbench_application_get_listener (self->app);
  g_autofree char *url = botbench_handlers_section_dup_check_url (self->handlers_section);

  if (url == NULL)
    {
      _botbench_bot_editor_show_banner (self, _("Fill in EVENT_HANDLER (or EVENT_MESSAGE_ADD) first"));
      return;
    }

  if (store == NULL || listener == NULL || !botbench_listener_get_running (listener))
    {
      _botbench_bot_editor_show_banner (self, _("The listener is off: turn it on, then check again"));
      return;
    }

  self->checking = TRUE;
  gtk_widget_action_set_enabled (widget, "bot-editor.check-handlers", FALSE);
  botbench_handler_probe_async (store, url, 0, self->cancellable, handler_probe_cb, g_object_ref (self));
}

/* Avatar */

static void
botbench_bot_editor_choose_avatar_action (GtkWidget  *widget,
                                          const char *action_name,
                                          GVariant   *parameter)
{
  botbench_avatar_section_choose (BOTBENCH_BOT_EDITOR (widget)->avatar_section);
}

static void
botbench_bot_editor_remove_avatar_action (GtkWidget  *widget,
                                          const char *action_name,
                                          GVariant   *parameter)
{
  BotbenchBotEditor *self = BOTBENCH_BOT_EDITOR (widget);

  botbench_avatar_section_remove (self->avatar_section);
  _botbench_bot_editor_update_state (self);
}

/* GObject */

static void
botbench_bot_editor_dispose (GObject *object)
{
  BotbenchBotEditor *self = (BotbenchBotEditor *)object;

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->token_cancellable);
  g_clear_object (&self->token_cancellable);
  if (self->fetch_status != NULL)
    g_signal_handlers_disconnect_by_data (self->fetch_status, self);
  g_clear_object (&self->fetch_status);
  g_clear_object (&self->editing_command);
  if (self->preview_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->preview_dialog));
  if (self->unregister_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->unregister_dialog));
  if (self->command_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->command_dialog));

  gtk_widget_dispose_template (GTK_WIDGET (self), BOTBENCH_TYPE_BOT_EDITOR);

  g_clear_object (&self->app);
  g_clear_object (&self->profile);
  g_clear_object (&self->store);
  g_clear_object (&self->bot);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->issues, g_ptr_array_unref);
  g_clear_pointer (&self->pending_params, json_object_unref);
  g_clear_pointer (&self->pending_method, g_free);
  g_clear_pointer (&self->portal_codes, g_hash_table_unref);

  G_OBJECT_CLASS (botbench_bot_editor_parent_class)->dispose (object);
}

static void
botbench_bot_editor_finalize (GObject *object)
{
  BotbenchBotEditor *self = (BotbenchBotEditor *)object;

  g_clear_pointer (&self->fields, g_hash_table_unref);
  g_clear_pointer (&self->touched, g_hash_table_unref);

  G_OBJECT_CLASS (botbench_bot_editor_parent_class)->finalize (object);
}

/* Ctrl+Return: what Register… or Update… does; while the form has errors
 * (the button is off), the focus goes to the first field to fix and a
 * screen reader hears what is wrong there. */
static gboolean
send_or_fix_binding (GtkWidget *widget,
                     GVariant  *args,
                     gpointer   user_data)
{
  BotbenchBotEditor *self = BOTBENCH_BOT_EDITOR (widget);

  if (self->profile == NULL || self->busy)
    return TRUE;
  _botbench_bot_editor_validate (self);
  if (!botbench_bot_issues_have_error (self->issues))
    {
      gtk_widget_activate_action (widget, "bot-editor.send", NULL);
      return TRUE;
    }
  if (_botbench_bot_editor_reveal_issues (self))
    for (guint i = 0; i < self->issues->len; i++)
      {
        BotbenchBotIssue *issue = g_ptr_array_index (self->issues, i);

        if (issue->severity == BOTBENCH_BOT_ISSUE_ERROR)
          {
            gtk_widget_activate_action (widget, "win.announce", "s", issue->message);
            break;
          }
      }
  return TRUE;
}

static void
botbench_bot_editor_class_init (BotbenchBotEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = botbench_bot_editor_dispose;
  object_class->finalize = botbench_bot_editor_finalize;

  signals[CLOSED] =
    g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SAVED] =
    g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, BOTBENCH_TYPE_BOT);

  _botbench_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/botbench/Botbench/botbench-bot-editor.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, BotbenchBotEditor, root_box);
  gtk_widget_class_bind_template_child (widget_class, BotbenchBotEditor, title_label);
  gtk_widget_class_bind_template_child (widget_class, BotbenchBotEditor, doctor_button);
  gtk_widget_class_bind_template_child (widget_class, BotbenchBotEditor, banner_revealer);
  gtk_widget_class_bind_template_child (widget_class, BotbenchBotEditor, banner_label);
  gtk_widget_class_bind_template_child (widget_class, BotbenchBotEditor, fetch_label);
  gtk_widget_class_bind_template_child (widget_class, BotbenchBotEditor, v2_section);
  gtk_widget_class_bind_template_child (widget_class, BotbenchBotEditor, identity_section);
  gtk_widget_class_bind_template_child (widget_class, BotbenchBotEditor, handlers_section);
  gtk_widget_class_bind_template_child (widget_class, BotbenchBotEditor, avatar_section);
  gtk_widget_class_bind_template_child (widget_class, BotbenchBotEditor, color_section);
  gtk_widget_class_bind_template_child (widget_class, BotbenchBotEditor, properties_section);
  gtk_widget_class_bind_template_child (widget_class, BotbenchBotEditor, commands_section);
  gtk_widget_class_bind_template_child (widget_class, BotbenchBotEditor, save_button);
  gtk_widget_class_bind_template_child (widget_class, BotbenchBotEditor, adopt_button);
  gtk_widget_class_bind_template_child (widget_class, BotbenchBotEditor, register_button);
  gtk_widget_class_bind_template_child (widget_class, BotbenchBotEditor, unregister_button);
  gtk_widget_class_bind_template_child (widget_class, BotbenchBotEditor, spinner);
  gtk_widget_class_bind_template_callback (widget_class, _botbench_bot_editor_validate);
  gtk_widget_class_bind_template_callback (widget_class, avatar_encoding_cb);
  gtk_widget_class_bind_template_callback (widget_class, api_changed_cb);

  gtk_widget_class_install_action (widget_class, "bot-editor.close", NULL, botbench_bot_editor_close_action);
  gtk_widget_class_install_action (widget_class, "bot-editor.save", NULL, botbench_bot_editor_save_action);
  gtk_widget_class_install_action (widget_class, "bot-editor.export", NULL, botbench_bot_editor_export_action);
  gtk_widget_class_install_action (widget_class, "bot-editor.adopt", NULL, _botbench_bot_editor_adopt_action);
  gtk_widget_class_install_action (widget_class, "bot-editor.add-command", NULL,
                                   _botbench_bot_editor_add_command_action);
  gtk_widget_class_install_action (widget_class, "bot-editor.edit-command", "s",
                                   _botbench_bot_editor_edit_command_action);
  gtk_widget_class_install_action (widget_class, "bot-editor.unregister-command", "s",
                                   _botbench_bot_editor_unregister_command_action);
  gtk_widget_class_install_action (widget_class, "bot-editor.send", NULL, _botbench_bot_editor_send_action);
  gtk_widget_class_install_action (widget_class, "bot-editor.unregister", NULL,
                                   _botbench_bot_editor_unregister_action);
  gtk_widget_class_install_action (widget_class, "bot-editor.check-handlers", NULL,
                                   botbench_bot_editor_check_action);
  gtk_widget_class_install_action (widget_class, "bot-editor.fill-handlers", NULL,
                                   botbench_bot_editor_fill_action);
  gtk_widget_class_install_action (widget_class, "bot-editor.choose-avatar", NULL,
                                   botbench_bot_editor_choose_avatar_action);
  gtk_widget_class_install_action (widget_class, "bot-editor.remove-avatar", NULL,
                                   botbench_bot_editor_remove_avatar_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "bot-editor.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "bot-editor.close", NULL);
  /* Register… or Update, like the button at the bottom; on a form with
   * errors, to the first field to fix */
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, send_or_fix_binding, NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK, send_or_fix_binding, NULL);

  g_type_ensure (BOTBENCH_TYPE_V2_SECTION);
  g_type_ensure (BOTBENCH_TYPE_IDENTITY_SECTION);
  g_type_ensure (BOTBENCH_TYPE_HANDLERS_SECTION);
  g_type_ensure (BOTBENCH_TYPE_AVATAR_SECTION);
  g_type_ensure (BOTBENCH_TYPE_COLOR_SECTION);
  g_type_ensure (BOTBENCH_TYPE_PROPERTIES_SECTION);
  g_type_ensure (BOTBENCH_TYPE_COMMANDS_SECTION);
}

static void
botbench_bot_editor_init (BotbenchBotEditor *self)
{
  self->fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, field_free);
  self->touched = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  botbench_v2_section_add_fields (self->v2_section, self);
  botbench_identity_section_add_fields (self->identity_section, self);
  botbench_handlers_section_add_fields (self->handlers_section, self);
  botbench_properties_section_add_fields (self->properties_section, self);
  botbench_avatar_section_add_fields (self->avatar_section, self);
}

/* Public API */

void
botbench_bot_editor_edit (BotbenchBotEditor   *self,
                          BotbenchApplication *app,
                          BotbenchProfile     *profile,
                          BotbenchBotStore    *store,
                          BotbenchBot         *bot)
{
  g_return_if_fail (BOTBENCH_IS_BOT_EDITOR (self));
  g_return_if_fail (BOTBENCH_IS_APPLICATION (app));
  g_return_if_fail (BOTBENCH_IS_PROFILE (profile));
  g_return_if_fail (BOTBENCH_IS_BOT_STORE (store));
  g_return_if_fail (bot == NULL || BOTBENCH_IS_BOT (bot));

  /* A call of the previous bot may still run; its answer is dropped. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->busy = FALSE;
  g_clear_pointer (&self->pending_method, g_free);

  g_set_object (&self->app, app);
  g_set_object (&self->profile, profile);
  g_set_object (&self->store, store);
  g_set_object (&self->bot, bot);

  _botbench_bot_editor_follow_fetch_status (self);

  /* A new bot shows no issue before the user edits a field or presses
   * Register; a stored one is the user's earlier work: all of them. */
  g_hash_table_remove_all (self->touched);
  self->show_all_issues = bot != NULL;

  _botbench_bot_editor_show_banner (self, NULL);
  botbench_avatar_section_reset_options (self->avatar_section);
  botbench_bot_editor_load_form (self, bot);
  _botbench_bot_editor_update_state (self);
  botbench_commands_section_set_bot (self->commands_section, self->bot);
  _botbench_bot_editor_lookup_token (self);
}

BotbenchBot *
botbench_bot_editor_get_bot (BotbenchBotEditor *self)
{
  g_return_val_if_fail (BOTBENCH_IS_BOT_EDITOR (self), NULL);

  return self->bot;
}

void
botbench_bot_editor_load_avatar (BotbenchBotEditor *self,
                                 GFile             *file)
{
  g_return_if_fail (BOTBENCH_IS_BOT_EDITOR (self));
  g_return_if_fail (G_IS_FILE (file));

  botbench_avatar_section_load_file (self->avatar_section, file);
}

void
_botbench_bot_editor_focus_code (BotbenchBotEditor *self)
{
  g_return_if_fail (BOTBENCH_IS_BOT_EDITOR (self));

  botbench_identity_section_focus_code (self->identity_section);
}
