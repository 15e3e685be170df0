/* botbench-bot-editor-commands.c: the bot editor's slash command actions:
 * Add and Edit through BotbenchCommandDialog, and Unregister, each sent to
 * the portal at once (imbot.command.*)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "botbench-bot-editor"

#include "config.h"

#include <glib/gi18n.h>

#include "botbench-application-private.h"
#include "botbench-bot-editor-internal.h"
#include "botbench-command-dialog.h"

typedef enum
{
  COMMAND_REGISTER,
  COMMAND_UPDATE,
  COMMAND_UNREGISTER,
} CommandCallKind;

typedef struct
{
  BotbenchBotEditor  *self;
  BotbenchBotCommand *command;
  BotbenchBotCommand *old;      /* COMMAND_UPDATE: the one it replaces */
  CommandCallKind     kind;
} CommandCall;

static void
command_call_free (CommandCall *call)
{
  g_object_unref (call->self);
  g_object_unref (call->command);
  g_clear_object (&call->old);
  g_free (call);
}

static void
command_call_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  CommandCall *call = user_data;
  BotbenchBotEditor *self = call->self;
  g_autoptr(BotbenchRestResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *toast = NULL;

  response = botbench_rest_client_call_finish (BOTBENCH_REST_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      command_call_free (call);
      return;
    }

  _botbench_bot_editor_set_busy (self, FALSE);

  if (response == NULL)
    {
      const char *code = error->domain == BOTBENCH_REST_ERROR ? botbench_rest_error_get_code (error) : NULL;
      g_autofree char *text = NULL;

      /* Translators: %s is the portal's error, e.g. "COMMAND_ERROR: Command isn't specified" */
      text = g_strdup_printf (_("The command was refused: %s%s%s"),
                              code != NULL ? code : "", code != NULL ? ": " : "",
                              code != NULL && botbench_rest_error_get_description (error) != NULL
                              ? botbench_rest_error_get_description (error) : error->message);
      _botbench_bot_editor_show_banner (self, text);
      command_call_free (call);
      return;
    }

  _botbench_bot_editor_show_banner (self, NULL);
  if (call->kind == COMMAND_REGISTER)
    {
      JsonNode *node = botbench_rest_response_get_result (response);
      gint64 id = 0;

      /* imbot.v2.Command.register: {"command": {"id": …, …}} */
      if (node != NULL && JSON_NODE_HOLDS_OBJECT (node) &&
          json_object_has_member (json_node_get_object (node), "command") &&
          JSON_NODE_HOLDS_OBJECT (json_object_get_member (json_node_get_object (node), "command")))
        {
          JsonObject *command = json_object_get_object_member (json_node_get_object (node), "command");
          JsonNode *member = json_object_get_member (command, "id");

          if (member != NULL && JSON_NODE_HOLDS_VALUE (member) &&
              json_node_get_value_type (member) == G_TYPE_INT64)
            id = json_node_get_int (member);
        }
      else if (node != NULL && JSON_NODE_HOLDS_VALUE (node))
        id = json_node_get_value_type (node) == G_TYPE_STRING
             ? g_ascii_strtoll (json_node_get_string (node), NULL, 10)
             : json_node_get_int (node);
      botbench_bot_command_set_command_id (call->command, id);
      botbench_bot_add_command (self->bot, call->command);
      /* Translators: %s is a command (without the slash), %ld its id */
      toast = g_strdup_printf (_("Registered command /%s (id %lld)"),
                               botbench_bot_command_get_command (call->command), (long long) id);
    }
  else if (call->kind == COMMAND_UPDATE)
    {
      botbench_bot_command_set_command_id (call->command, botbench_bot_command_get_command_id (call->old));
      botbench_bot_remove_command (self->bot, call->old);
      botbench_bot_add_command (self->bot, call->command);
      toast = g_strdup_printf (_("Updated command /%s"), botbench_bot_command_get_command (call->command));
    }
  else
    {
      botbench_bot_remove_command (self->bot, call->command);
      toast = g_strdup_printf (_("Unregistered command /%s"), botbench_bot_command_get_command (call->command));
    }

  if (!botbench_bot_store_save (self->store, self->bot, &error))
    _botbench_bot_editor_show_banner (self, error->message);
  botbench_commands_section_set_bot (self->commands_section, self->bot);
  _botbench_bot_editor_toast (self, toast);
  command_call_free (call);
}

static void
botbench_bot_editor_send_command (BotbenchBotEditor  *self,
                                  BotbenchBotCommand *command,
                                  BotbenchBotCommand *old,
                                  CommandCallKind     kind)
{
  static const char * const methods[] = {
    [COMMAND_REGISTER] = "imbot.command.register",
    [COMMAND_UPDATE] = "imbot.command.update",
    [COMMAND_UNREGISTER] = "imbot.command.unregister",
  };
  static const char * const v2_methods[] = {
    [COMMAND_REGISTER] = "imbot.v2.Command.register",
    [COMMAND_UPDATE] = "imbot.v2.Command.update",
    [COMMAND_UNREGISTER] = "imbot.v2.Command.unregister",
  };
  g_autoptr(JsonNode) params = NULL;
  gboolean v2 = botbench_bot_get_api (self->bot) == BOTBENCH_BOT_API_V2;
  gboolean webhook_auth = _botbench_bot_editor_webhook_auth (self);
  CommandCall *call;

  /* imbot.v2.Command.*: the bot's botToken authenticates, the command's
   * id names it. */
  if (v2)
    switch (kind)
      {
      case COMMAND_REGISTER:
        params = botbench_bot_v2_build_command_register_body (self->bot, command, webhook_auth);
        break;

      case COMMAND_UPDATE:
        botbench_bot_command_set_command_id (command, botbench_bot_command_get_command_id (old));
        params = botbench_bot_v2_build_command_update_body (self->bot, command, webhook_auth);
        break;

      case COMMAND_UNREGISTER:
      default:
        params = botbench_bot_v2_build_command_unregister_body (self->bot,
                                                                botbench_bot_command_get_command_id (command),
                                                                webhook_auth);
        break;
      }
  else
    switch (kind)
      {
      case COMMAND_REGISTER:
        params = botbench_bot_command_build_register_body (command, botbench_bot_get_bot_id (self->bot), NULL);
        break;

      case COMMAND_UPDATE:
        params = botbench_bot_command_build_update_body (old, command, NULL);
        if (params == NULL)
          {
            _botbench_bot_editor_toast (self, _("Nothing to update: the command is unchanged"));
            return;
          }
        break;

      case COMMAND_UNREGISTER:
      default:
        params = botbench_bot_command_build_unregister_body (command, NULL);
        break;
      }

  call = g_new0 (CommandCall, 1);
  call->self = g_object_ref (self);
  call->command = g_object_ref (command);
  call->old = old != NULL ? g_object_ref (old) : NULL;
  call->kind = kind;

  _botbench_bot_editor_set_busy (self, TRUE);
  botbench_rest_client_call_async (botbench_application_get_rest_client (self->app, self->profile),
                                   v2 ? v2_methods[kind] : methods[kind], json_node_get_object (params),
                                   self->cancellable,
                                   command_call_cb, call);
}

static void
command_dialog_response_cb (BotbenchBotEditor *self,
                            const char        *response,
                            AdwMessageDialog  *dialog)
{
  g_autoptr(BotbenchBotCommand) command = NULL;
  const char *handler;

  g_autoptr(BotbenchBotCommand) editing = g_steal_pointer (&self->editing_command);

  if (self->command_dialog == dialog)
    self->command_dialog = NULL;

  if (g_strcmp0 (response, "register") != 0 || self->bot == NULL || self->busy)
    return;

  command = botbench_command_dialog_build_command (BOTBENCH_COMMAND_DIALOG (dialog));
  /* Commands post to the bot's message handler unless told otherwise. */
  if (editing != NULL && botbench_bot_command_get_event_command_add (editing) != NULL)
    handler = botbench_bot_command_get_event_command_add (editing);
  else
    handler = botbench_bot_get_effective_handler (self->bot, BOTBENCH_BOT_HANDLER_MESSAGE_ADD);
  botbench_bot_command_set_event_command_add (command, handler);

  if (editing != NULL)
    {
      /* COMMON cannot change with imbot.command.update: keep it. */
      botbench_bot_command_set_common (command, botbench_bot_command_get_common (editing));
      botbench_bot_command_set_extranet_support (command, botbench_bot_command_get_extranet_support (editing));
      botbench_bot_editor_send_command (self, command, editing, COMMAND_UPDATE);
    }
  else
    botbench_bot_editor_send_command (self, command, NULL, COMMAND_REGISTER);
}

/* The Add Command dialog, or with @editing the same dialog to change one. */
static void
botbench_bot_editor_open_command_dialog (BotbenchBotEditor  *self,
                                         BotbenchBotCommand *editing)
{
  GtkWidget *dialog;

  if (self->bot == NULL || botbench_bot_get_bot_id (self->bot) <= 0 || self->busy)
    return;

  g_set_object (&self->editing_command, editing);
  dialog = botbench_command_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), editing);
  g_signal_connect_object (dialog, "response", G_CALLBACK (command_dialog_response_cb), self, G_CONNECT_SWAPPED);
  self->command_dialog = ADW_MESSAGE_DIALOG (dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The command of the form's bot named by the action's parameter. */
static BotbenchBotCommand *
botbench_bot_editor_lookup_command (BotbenchBotEditor *self,
                                    GVariant          *parameter)
{
  if (self->bot == NULL || parameter == NULL)
    return NULL;

  return botbench_bot_lookup_command (self->bot, g_variant_get_string (parameter, NULL));
}

void
_botbench_bot_editor_add_command_action (GtkWidget  *widget,
                                         const char *action_name,
                                         GVariant   *parameter)
{
  botbench_bot_editor_open_command_dialog (BOTBENCH_BOT_EDITOR (widget), NULL);
}

void
_botbench_bot_editor_edit_command_action (GtkWidget  *widget,
                                          const char *action_name,
                                          GVariant   *parameter)
{
  BotbenchBotEditor *self = BOTBENCH_BOT_EDITOR (widget);
  BotbenchBotCommand *command = botbench_bot_editor_lookup_command (self, parameter);

  if (command != NULL)
    botbench_bot_editor_open_command_dialog (self, command);
}

void
_botbench_bot_editor_unregister_command_action (GtkWidget  *widget,
                                                const char *action_name,
                                                GVariant   *parameter)
{
  BotbenchBotEditor *self = BOTBENCH_BOT_EDITOR (widget);
  BotbenchBotCommand *command = botbench_bot_editor_lookup_command (self, parameter);

  if (command != NULL && !self->busy && self->bot != NULL)
    botbench_bot_editor_send_command (self, command, NULL, COMMAND_UNREGISTER);
}
