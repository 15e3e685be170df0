/* botbench-bot-editor-portal.c: the bot editor's portal actions: Register
 * and Update through the request preview, Unregister after asking, and
 * Adopt of a portal bot with the same CODE
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "botbench-bot-editor"

#include "config.h"

#include <glib/gi18n.h>

#include "botbench-application-private.h"
#include "botbench-bot-editor-internal.h"
#include "botbench-request-preview-dialog.h"

char *
_botbench_bot_editor_dup_curl (BotbenchBotEditor *self)
{
  g_autoptr(BotbenchRequestPreview) preview = NULL;

  g_return_val_if_fail (BOTBENCH_IS_BOT_EDITOR (self), NULL);

  if (self->pending_method == NULL)
    return NULL;

  preview = botbench_request_preview_new (self->profile, self->pending_method, self->pending_params,
                                          BOTBENCH_REQUEST_PREVIEW_CREDENTIAL);
  return botbench_request_preview_dup_curl (preview);
}

void
_botbench_bot_editor_set_busy (BotbenchBotEditor *self,
                               gboolean           busy)
{
  self->busy = busy;
  _botbench_bot_editor_update_state (self);
}

static void
botbench_bot_editor_report_error (BotbenchBotEditor *self,
                                  const GError      *error)
{
  const char *code = NULL;
  const char *description = NULL;

  if (error->domain == BOTBENCH_REST_ERROR)
    {
      code = botbench_rest_error_get_code (error);
      description = botbench_rest_error_get_description (error);
    }

  if (code != NULL && description != NULL)
    _botbench_bot_editor_show_portal_error (self, code, description);
  else
    _botbench_bot_editor_show_banner (self, error->message);
}

/* result.bot.id of an imbot.v2.Bot answer; 0 if none. */
static gint64
v2_result_bot_id (JsonNode *node)
{
  JsonObject *object;
  JsonNode *member;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return 0;
  member = json_object_get_member (json_node_get_object (node), "bot");
  if (member == NULL || !JSON_NODE_HOLDS_OBJECT (member))
    return 0;
  object = json_node_get_object (member);
  member = json_object_get_member (object, "id");
  if (member == NULL || !JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_INT64)
    return 0;
  return json_node_get_int (member);
}

static void
token_rotated_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(BotbenchBotEditor) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!botbench_secret_store_store_finish (BOTBENCH_SECRET_STORE (object), result, &error))
    {
      g_autofree char *text = NULL;

      /* Translators: %s says why the keyring refused */
      text = g_strdup_printf (_("The botToken was changed on the portal, but the new one could not be "
                                "kept in the keyring: %s"), error->message);
      _botbench_bot_editor_show_banner (self, text);
      return;
    }

  /* A fetcher still calling with the old token starts again: now if it
   * failed already, else once it fails (see botbench-bot-editor-v2.c). */
  if (self->bot != NULL)
    self->rotated_bot_id = botbench_bot_get_bot_id (self->bot);
  if (botbench_application_get_fetch_manager (self->app) != NULL)
    botbench_fetch_manager_refresh (botbench_application_get_fetch_manager (self->app));
}

static void
botbench_bot_editor_call_cb (GObject      *object,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  g_autoptr(BotbenchBotEditor) self = user_data;
  g_autoptr(BotbenchRestResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BotbenchBot) form = NULL;
  g_autofree char *method = g_steal_pointer (&self->pending_method);
  g_autofree char *toast = NULL;
  JsonNode *node;

  response = botbench_rest_client_call_finish (BOTBENCH_REST_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  _botbench_bot_editor_set_busy (self, FALSE);

  if (response == NULL)
    {
      botbench_bot_editor_report_error (self, error);
      return;
    }

  _botbench_bot_editor_show_banner (self, NULL);
  node = botbench_rest_response_get_result (response);
  form = botbench_bot_editor_dup_form_bot (self);

  if (g_str_equal (method, "imbot.register"))
    {
      gint64 bot_id = 0;

      if (node != NULL && JSON_NODE_HOLDS_VALUE (node))
        bot_id = json_node_get_value_type (node) == G_TYPE_STRING
                 ? g_ascii_strtoll (json_node_get_string (node), NULL, 10)
                 : json_node_get_int (node);
      if (bot_id <= 0)
        {
          _botbench_bot_editor_show_banner (self, _("The portal answered without a bot id"));
          return;
        }
      botbench_bot_set_bot_id (form, bot_id);
      /* Translators: %s is the bot's name, %ld its new id */
      toast = g_strdup_printf (_("Registered “%s” as bot %lld"),
                               botbench_bot_get_name (form) != NULL ? botbench_bot_get_name (form)
                                                                    : botbench_bot_get_code (form),
                               (long long) bot_id);
    }
  else if (g_str_equal (method, "imbot.update"))
    {
      /* Translators: %ld is the bot's id */
      toast = g_strdup_printf (_("Updated bot %lld"), (long long) botbench_bot_get_bot_id (form));
    }
  else if (g_str_equal (method, "imbot.unregister") || g_str_equal (method, "imbot.v2.Bot.unregister"))
    {
      toast = g_strdup_printf (_("Unregistered bot %lld"), (long long) botbench_bot_get_bot_id (form));
      botbench_bot_set_bot_id (form, 0);
    }
  else if (g_str_equal (method, "imbot.v2.Bot.register"))
    {
      gint64 bot_id = v2_result_bot_id (node);

      if (bot_id <= 0)
        {
          _botbench_bot_editor_show_banner (self, _("The portal answered without a bot id"));
          return;
        }
      botbench_bot_set_bot_id (form, bot_id);
      toast = g_strdup_printf (_("Registered “%s” as bot %lld"),
                               botbench_bot_get_name (form) != NULL ? botbench_bot_get_name (form)
                                                                    : botbench_bot_get_code (form),
                               (long long) bot_id);
    }
  else if (g_str_equal (method, "imbot.v2.Bot.update"))
    {
      toast = g_strdup_printf (_("Updated bot %lld"), (long long) botbench_bot_get_bot_id (form));

      /* A new botToken (rotation): the portal knows the bot by it alone now. */
      if (_botbench_bot_editor_webhook_auth (self) && self->bot != NULL &&
          g_strcmp0 (botbench_bot_get_bot_token (self->bot), botbench_bot_get_bot_token (form)) != 0 &&
          botbench_bot_get_bot_token (form) != NULL)
        {
          g_autofree char *key = botbench_secret_bot_token_key (botbench_profile_get_uuid (self->profile),
                                                                botbench_bot_get_code (form));

          botbench_secret_store_store_async (botbench_application_get_secret_store (self->app), key,
                                             BOTBENCH_SECRET_KIND_BOT_TOKEN, botbench_bot_get_bot_token (form),
                                             NULL, token_rotated_cb, g_object_ref (self));
        }
    }

  if (!_botbench_bot_editor_store_bot (self, form, &error))
    _botbench_bot_editor_show_banner (self, error->message);

  if (toast != NULL)
    _botbench_bot_editor_toast (self, toast);
}

static void
botbench_bot_editor_call_pending (BotbenchBotEditor *self)
{
  BotbenchRestClient *client = botbench_application_get_rest_client (self->app, self->profile);

  botbench_rest_client_call_async (client, self->pending_method, self->pending_params,
                                   self->cancellable, botbench_bot_editor_call_cb,
                                   g_object_ref (self));
}

static void
token_kept_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(BotbenchBotEditor) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!botbench_secret_store_store_finish (BOTBENCH_SECRET_STORE (object), result, &error))
    {
      g_autofree char *text = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_clear_pointer (&self->pending_method, g_free);
      _botbench_bot_editor_set_busy (self, FALSE);
      /* Translators: %s says why the keyring refused */
      text = g_strdup_printf (_("Cannot keep the botToken in the keyring, so the bot is not registered: %s"),
                              error->message);
      _botbench_bot_editor_show_banner (self, text);
      return;
    }

  if (g_cancellable_is_cancelled (self->cancellable) || self->pending_method == NULL)
    return;
  botbench_bot_editor_call_pending (self);
}

static void
botbench_bot_editor_send_pending (BotbenchBotEditor *self)
{
  g_assert (self->pending_method != NULL);

  _botbench_bot_editor_set_busy (self, TRUE);

  /* A v2 bot's botToken is kept before it is registered: a bot whose
   * token is lost could never be reached again. */
  if (g_str_equal (self->pending_method, "imbot.v2.Bot.register") && _botbench_bot_editor_webhook_auth (self))
    {
      JsonObject *fields = json_object_get_object_member (self->pending_params, "fields");
      const char *token = json_object_get_string_member_with_default (self->pending_params, "botToken", NULL);
      const char *code = fields != NULL ? json_object_get_string_member_with_default (fields, "code", NULL) : NULL;
      g_autofree char *key = NULL;

      if (token != NULL && code != NULL)
        {
          key = botbench_secret_bot_token_key (botbench_profile_get_uuid (self->profile), code);
          botbench_secret_store_store_async (botbench_application_get_secret_store (self->app), key,
                                             BOTBENCH_SECRET_KIND_BOT_TOKEN, token, self->cancellable,
                                             token_kept_cb, g_object_ref (self));
          return;
        }
    }

  botbench_bot_editor_call_pending (self);
}

static void
preview_response_cb (BotbenchBotEditor *self,
                     const char        *response,
                     AdwMessageDialog  *dialog)
{
  if (self->preview_dialog == dialog)
    self->preview_dialog = NULL;

  if (g_strcmp0 (response, "send") == 0 && self->pending_method != NULL && !self->busy)
    botbench_bot_editor_send_pending (self);
  else if (!self->busy)
    g_clear_pointer (&self->pending_method, g_free);
}

static void
botbench_bot_editor_preview (BotbenchBotEditor *self,
                             const char        *method,
                             JsonNode          *params,
                             const char        *heading)
{
  GtkWidget *dialog;

  g_assert (JSON_NODE_HOLDS_OBJECT (params));

  g_free (self->pending_method);
  self->pending_method = g_strdup (method);
  g_clear_pointer (&self->pending_params, json_object_unref);
  self->pending_params = json_object_ref (json_node_get_object (params));

  dialog = botbench_request_preview_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), heading,
                                         self->profile, method, self->pending_params);
  g_signal_connect_object (dialog, "response", G_CALLBACK (preview_response_cb), self, G_CONNECT_SWAPPED);

  self->preview_dialog = ADW_MESSAGE_DIALOG (dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

void
_botbench_bot_editor_send_action (GtkWidget  *widget,
                                  const char *action_name,
                                  GVariant   *parameter)
{
  BotbenchBotEditor *self = BOTBENCH_BOT_EDITOR (widget);
  g_autoptr(BotbenchBot) form = NULL;
  g_autoptr(JsonNode) params = NULL;

  if (self->profile == NULL || self->busy)
    return;

  _botbench_bot_editor_validate (self);
  if (botbench_bot_issues_have_error (self->issues))
    {
      /* Errors not on show yet (fields not edited): show them. */
      _botbench_bot_editor_reveal_issues (self);
      return;
    }

  form = botbench_bot_editor_dup_form_bot (self);
  if (botbench_bot_get_api (form) == BOTBENCH_BOT_API_V2)
    {
      gboolean webhook_auth = _botbench_bot_editor_webhook_auth (self);

      if (self->bot != NULL && botbench_bot_get_bot_id (self->bot) > 0)
        {
          params = botbench_bot_v2_build_update_body (self->bot, form, webhook_auth);
          if (params == NULL)
            {
              _botbench_bot_editor_toast (self, _("Nothing to update: no field changed"));
              return;
            }
          botbench_bot_editor_preview (self, "imbot.v2.Bot.update", params, _("Update Bot?"));
          return;
        }

      /* A new bot without a botToken gets one (shown masked in the form). */
      if (webhook_auth && botbench_bot_ensure_bot_token (form))
        botbench_v2_section_set_token (self->v2_section, botbench_bot_get_bot_token (form));
      params = botbench_bot_v2_build_register_body (form, webhook_auth);
      botbench_bot_editor_preview (self, "imbot.v2.Bot.register", params, _("Register Bot?"));
      return;
    }

  if (self->bot != NULL && botbench_bot_get_bot_id (self->bot) > 0)
    {
      params = botbench_bot_build_update_fields (self->bot, form, NULL);
      if (params == NULL)
        {
          _botbench_bot_editor_toast (self, _("Nothing to update: no field changed"));
          return;
        }
      botbench_bot_editor_preview (self, "imbot.update", params, _("Update Bot?"));
    }
  else
    {
      params = botbench_bot_build_register_body (form, NULL);
      botbench_bot_editor_preview (self, "imbot.register", params, _("Register Bot?"));
    }
}

static void
unregister_response_cb (BotbenchBotEditor *self,
                        const char        *response,
                        AdwMessageDialog  *dialog)
{
  g_autoptr(JsonNode) params = NULL;

  if (self->unregister_dialog == dialog)
    self->unregister_dialog = NULL;

  if (g_strcmp0 (response, "unregister") != 0 || self->bot == NULL || self->busy)
    return;

  g_free (self->pending_method);
  if (botbench_bot_get_api (self->bot) == BOTBENCH_BOT_API_V2)
    {
      params = botbench_bot_v2_build_unregister_body (self->bot, _botbench_bot_editor_webhook_auth (self));
      self->pending_method = g_strdup ("imbot.v2.Bot.unregister");
    }
  else
    {
      params = botbench_bot_build_unregister_body (self->bot, NULL);
      self->pending_method = g_strdup ("imbot.unregister");
    }
  g_clear_pointer (&self->pending_params, json_object_unref);
  self->pending_params = json_object_ref (json_node_get_object (params));
  botbench_bot_editor_send_pending (self);
}

void
_botbench_bot_editor_unregister_action (GtkWidget  *widget,
                                        const char *action_name,
                                        GVariant   *parameter)
{
  BotbenchBotEditor *self = BOTBENCH_BOT_EDITOR (widget);
  GtkWidget *dialog;
  const char *name;

  if (self->bot == NULL || botbench_bot_get_bot_id (self->bot) <= 0)
    return;

  name = botbench_bot_get_name (self->bot) != NULL ? botbench_bot_get_name (self->bot)
                                                   : botbench_bot_get_code (self->bot);
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), _("Unregister Bot?"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("“%s” (bot %lld) is removed from the portal and "
                                    "its private chats with users are deleted. The definition "
                                    "stays here, so you can register it again."),
                                  name, (long long) botbench_bot_get_bot_id (self->bot));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "unregister", _("_Unregister"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "unregister",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (unregister_response_cb), self, G_CONNECT_SWAPPED);
  self->unregister_dialog = ADW_MESSAGE_DIALOG (dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

void
_botbench_bot_editor_adopt_action (GtkWidget  *widget,
                                   const char *action_name,
                                   GVariant   *parameter)
{
  BotbenchBotEditor *self = BOTBENCH_BOT_EDITOR (widget);
  g_autoptr(BotbenchBot) form = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *toast = NULL;
  gint64 bot_id = self->adopt_id;

  if (bot_id <= 0 || self->store == NULL || self->busy)
    return;

  form = botbench_bot_editor_dup_form_bot (self);
  botbench_bot_set_bot_id (form, bot_id);
  if (!_botbench_bot_editor_store_bot (self, form, &error))
    {
      _botbench_bot_editor_show_banner (self, error->message);
      return;
    }

  /* Translators: %s is a bot's CODE, %ld its id on the portal */
  toast = g_strdup_printf (_("“%s” is now linked to bot %lld"),
                           botbench_bot_get_code (form), (long long) bot_id);
  _botbench_bot_editor_toast (self, toast);
}
