/* botbench-cli-commands-v2.c: command-update, command-unregister, command-list and command-answer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The slash commands of an imbot.v2 bot after command-register
 * (imbot.v2.Command.update/unregister/list/answer, reference v2 §4.2).
 * BOT_ID is a v2 bot when this profile's definition of it is a v2 one, or
 * with --v2.  Like the other bot commands: --profile picks the profile, a
 * webhook profile calls with the bot's botToken from the keyring,
 * --dry-run prints the request with every secret masked, the portal's
 * result is printed as JSON, and the saved definition follows what the
 * portal now has.
 */
#define G_LOG_DOMAIN "botbench-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "botbench-core.h"
#include "botbench-bot-v2.h"
#include "botbench-cli-private.h"
#include "botbench-cli-bots-private.h"

/* The v2 bot BOT_ID: the profile's definition (a new reference), or with
 * --v2 a bot known by its id alone.  NULL (printed) when it is not a v2
 * bot here. */
static BotbenchBot *
v2_bot (BotContext *ctx,
        gint64      bot_id,
        gboolean    v2,
        const char *verb)
{
  BotbenchBot *saved = botbench_bot_store_lookup_by_id (ctx->bots, bot_id);
  BotbenchBot *bot;

  if (saved != NULL && botbench_bot_get_api (saved) == BOTBENCH_BOT_API_V2)
    return g_object_ref (saved);

  if (!v2)
    {
      g_printerr (_("%s works on imbot.v2 bots; bot %" G_GINT64_FORMAT " is not one in this profile’s "
                    "definitions (give --v2 if it is one)\n"),
                  verb, bot_id);
      return NULL;
    }

  bot = botbench_bot_new ();
  botbench_bot_set_api (bot, BOTBENCH_BOT_API_V2);
  botbench_bot_set_bot_id (bot, bot_id);
  /* The code finds the botToken kept for it. */
  if (saved != NULL)
    botbench_bot_set_code (bot, botbench_bot_get_code (saved));
  return bot;
}

/* The command with this id in the bot's definition (borrowed), or NULL. */
static BotbenchBotCommand *
saved_command (BotbenchBot *bot,
               gint64       command_id)
{
  GListModel *commands = botbench_bot_get_commands (bot);

  for (guint i = 0; i < g_list_model_get_n_items (commands); i++)
    {
      g_autoptr(BotbenchBotCommand) command = g_list_model_get_item (commands, i);

      if (botbench_bot_command_get_command_id (command) == command_id)
        return command;
    }

  return NULL;
}

/* Keeps the definition when the profile has one for the bot. */
static void
save_bot (BotContext  *ctx,
          BotbenchBot *bot)
{
  g_autoptr(GError) error = NULL;

  if (botbench_bot_store_lookup_by_id (ctx->bots, botbench_bot_get_bot_id (bot)) != bot)
    return;
  if (!botbench_bot_store_save (ctx->bots, bot, &error))
    g_printerr (_("Warning: the definition could not be saved: %s\n"), error->message);
}

static gboolean
parse_id (const char *text,
          gint64     *id)
{
  return _botbench_cli_parse_bot_id (text, id);
}

/* ---- command-update ---------------------------------------------------- */

/* fields.title {lang: null} for each language the saved command has and
 * the new one lacks: Command.update deletes a language that way. */
static void
null_dropped_titles (JsonNode           *body,
                     BotbenchBotCommand *old,
                     BotbenchBotCommand *command)
{
  JsonNode *node = json_object_get_member (json_node_get_object (body), BOTBENCH_BOT_V2_FIELDS_KEY);
  JsonObject *fields, *title;

  if (old == NULL || node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return;
  fields = json_node_get_object (node);

  for (guint i = 0; i < botbench_bot_command_get_n_langs (old); i++)
    {
      const BotbenchBotCommandLang *lang = botbench_bot_command_get_lang (old, i);
      gboolean kept = FALSE;

      if (lang->language_id == NULL)
        continue;
      for (guint j = 0; j < botbench_bot_command_get_n_langs (command) && !kept; j++)
        kept = g_strcmp0 (botbench_bot_command_get_lang (command, j)->language_id, lang->language_id) == 0;
      if (kept)
        continue;

      if (!json_object_has_member (fields, "title"))
        json_object_set_object_member (fields, "title", json_object_new ());
      title = json_object_get_object_member (fields, "title");
      json_object_set_null_member (title, lang->language_id);
    }
}

int
botbench_cli_command_update (int    argc,
                             char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_auto(BotContext) ctx = { 0 };
  g_autoptr(BotbenchBot) bot = NULL;
  g_autoptr(BotbenchBotCommand) command = NULL;
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GFile) file = NULL;
  g_autoptr(JsonNode) definition = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) result = NULL;
  g_autoptr(GError) error = NULL;
  BotbenchBotCommand *old;
  gboolean dry_run = FALSE;
  gboolean v2 = FALSE;
  gint64 bot_id, command_id;
  int status;
  const GOptionEntry entries[] = {
    { "dry-run", 0, 0, G_OPTION_ARG_NONE, &dry_run, N_("Print the request (secrets masked) instead of sending it"), NULL },
    { "v2", 0, 0, G_OPTION_ARG_NONE, &v2, N_("BOT_ID is an imbot.v2 bot even without a v2 definition in this profile"), NULL },
    { NULL }
  };

  context = g_option_context_new (_("BOT_ID COMMAND_ID FILE.json — update a command (imbot.v2.Command.update)"));
  g_option_context_set_summary (context,
    _("FILE.json holds the command as for command-register (COMMAND, COMMON,\n"
      "HIDDEN, EXTRANET_SUPPORT, LANG); it replaces command COMMAND_ID of the\n"
      "imbot.v2 bot BOT_ID.  A language the saved command has and FILE.json\n"
      "lacks is deleted (its title sent as null)."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((status = botbench_cli_parse_options (context, &argc, &argv)) >= 0)
    return status;
  if (argc != 4 || !parse_id (argv[1], &bot_id) || !parse_id (argv[2], &command_id))
    return botbench_cli_usage_error (context, _("command-update takes a BOT_ID, a COMMAND_ID (numbers) and a FILE.json"));

  file = g_file_new_for_commandline_arg (argv[3]);
  if (!(definition = botbench_json_parse_file (file, BOTBENCH_BOT_MAX_FILE_SIZE, NULL, &error)))
    return _botbench_cli_bot_command_failed (error);
  if (!(command = botbench_bot_command_new_from_json (definition, warnings, &error)))
    return _botbench_cli_definition_failed (argv[3], error);
  _botbench_cli_print_warnings (warnings);
  botbench_bot_command_set_command_id (command, command_id);

  if (!_botbench_cli_bot_context_init (&ctx, &error))
    return _botbench_cli_bot_command_failed (error);
  if (!(bot = v2_bot (&ctx, bot_id, v2, "command-update")) || !_botbench_cli_load_bot_token (&ctx, bot))
    return EXIT_FAILURE;

  old = saved_command (bot, command_id);
  body = botbench_bot_v2_build_command_update_body (bot, command, _botbench_cli_webhook_auth (&ctx));
  null_dropped_titles (body, old, command);
  if (!(result = _botbench_cli_bot_call (&ctx, "imbot.v2.Command.update", body, dry_run, &status)))
    return status;

  _botbench_cli_print_masked (result);

  if (old != NULL)
    botbench_bot_remove_command (bot, old);
  botbench_bot_add_command (bot, command);
  save_bot (&ctx, bot);

  return EXIT_SUCCESS;
}

/* ---- command-unregister ------------------------------------------------ */

int
botbench_cli_command_unregister (int    argc,
                                 char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_auto(BotContext) ctx = { 0 };
  g_autoptr(BotbenchBot) bot = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) result = NULL;
  g_autoptr(GError) error = NULL;
  BotbenchBotCommand *old;
  gboolean dry_run = FALSE;
  gboolean v2 = FALSE;
  gint64 bot_id, command_id;
  int status;
  const GOptionEntry entries[] = {
    { "dry-run", 0, 0, G_OPTION_ARG_NONE, &dry_run, N_("Print the request (secrets masked) instead of sending it"), NULL },
    { "v2", 0, 0, G_OPTION_ARG_NONE, &v2, N_("BOT_ID is an imbot.v2 bot even without a v2 definition in this profile"), NULL },
    { NULL }
  };

  context = g_option_context_new (_("BOT_ID COMMAND_ID — remove a command (imbot.v2.Command.unregister)"));
  g_option_context_set_summary (context,
    _("Removes command COMMAND_ID of the imbot.v2 bot BOT_ID from the portal and\n"
      "from the bot's saved definition."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((status = botbench_cli_parse_options (context, &argc, &argv)) >= 0)
    return status;
  if (argc != 3 || !parse_id (argv[1], &bot_id) || !parse_id (argv[2], &command_id))
    return botbench_cli_usage_error (context, _("command-unregister takes a BOT_ID and a COMMAND_ID (numbers)"));

  if (!_botbench_cli_bot_context_init (&ctx, &error))
    return _botbench_cli_bot_command_failed (error);
  if (!(bot = v2_bot (&ctx, bot_id, v2, "command-unregister")) || !_botbench_cli_load_bot_token (&ctx, bot))
    return EXIT_FAILURE;

  body = botbench_bot_v2_build_command_unregister_body (bot, command_id, _botbench_cli_webhook_auth (&ctx));
  if (!(result = _botbench_cli_bot_call (&ctx, "imbot.v2.Command.unregister", body, dry_run, &status)))
    return status;

  _botbench_cli_print_masked (result);

  if ((old = saved_command (bot, command_id)) != NULL)
    {
      botbench_bot_remove_command (bot, old);
      save_bot (&ctx, bot);
    }

  return EXIT_SUCCESS;
}

/* ---- command-list ------------------------------------------------------ */

int
botbench_cli_command_list (int    argc,
                           char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_auto(BotContext) ctx = { 0 };
  g_autoptr(BotbenchBot) bot = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) result = NULL;
  g_autoptr(GError) error = NULL;
  gboolean dry_run = FALSE;
  gboolean v2 = FALSE;
  gint64 bot_id;
  int status;
  const GOptionEntry entries[] = {
    { "dry-run", 0, 0, G_OPTION_ARG_NONE, &dry_run, N_("Print the request (secrets masked) instead of sending it"), NULL },
    { "v2", 0, 0, G_OPTION_ARG_NONE, &v2, N_("BOT_ID is an imbot.v2 bot even without a v2 definition in this profile"), NULL },
    { NULL }
  };

  context = g_option_context_new (_("BOT_ID — list a bot's commands (imbot.v2.Command.list)"));
  g_option_context_set_summary (context,
    _("Prints the commands the portal has for the imbot.v2 bot BOT_ID as JSON\n"
      "({\"commands\": [...]}); standard error lists id, command and title."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((status = botbench_cli_parse_options (context, &argc, &argv)) >= 0)
    return status;
  if (argc != 2 || !parse_id (argv[1], &bot_id))
    return botbench_cli_usage_error (context, _("command-list takes a BOT_ID (a number)"));

  if (!_botbench_cli_bot_context_init (&ctx, &error))
    return _botbench_cli_bot_command_failed (error);
  if (!(bot = v2_bot (&ctx, bot_id, v2, "command-list")) || !_botbench_cli_load_bot_token (&ctx, bot))
    return EXIT_FAILURE;

  body = botbench_bot_v2_build_command_list_body (bot, _botbench_cli_webhook_auth (&ctx));
  if (!(result = _botbench_cli_bot_call (&ctx, "imbot.v2.Command.list", body, dry_run, &status)))
    return status;

  _botbench_cli_print_masked (result);

  /* The table, from an answer that is not trusted. */
  if (JSON_NODE_HOLDS_OBJECT (result))
    {
      JsonNode *commands = json_object_get_member (json_node_get_object (result), "commands");

      for (guint i = 0; commands != NULL && JSON_NODE_HOLDS_ARRAY (commands) &&
                        i < json_array_get_length (json_node_get_array (commands)); i++)
        {
          JsonNode *entry = json_array_get_element (json_node_get_array (commands), i);
          JsonNode *id, *name, *title = NULL;
          JsonObject *object;

          if (!JSON_NODE_HOLDS_OBJECT (entry))
            continue;
          object = json_node_get_object (entry);
          id = json_object_get_member (object, "id");
          name = json_object_get_member (object, "command");
          if (json_object_has_member (object, "title") &&
              JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, "title")))
            title = json_object_get_member (json_object_get_object_member (object, "title"), "en");

          g_printerr ("%-8" G_GINT64_FORMAT " %-24s %s\n",
                      id != NULL && JSON_NODE_HOLDS_VALUE (id) && json_node_get_value_type (id) == G_TYPE_INT64
                        ? json_node_get_int (id) : 0,
                      name != NULL && JSON_NODE_HOLDS_VALUE (name) && json_node_get_value_type (name) == G_TYPE_STRING
                        ? json_node_get_string (name) : "",
                      title != NULL && JSON_NODE_HOLDS_VALUE (title) && json_node_get_value_type (title) == G_TYPE_STRING
                        ? json_node_get_string (title) : "");
        }
    }

  return EXIT_SUCCESS;
}

/* ---- command-answer ---------------------------------------------------- */

int
botbench_cli_command_answer (int    argc,
                             char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_auto(BotContext) ctx = { 0 };
  g_autoptr(BotbenchBot) bot = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) result = NULL;
  g_autoptr(GError) error = NULL;
  gboolean dry_run = FALSE;
  gboolean v2 = FALSE;
  gint64 bot_id, command_id, message_id;
  const char *dialog, *text;
  int status;
  const GOptionEntry entries[] = {
    { "dry-run", 0, 0, G_OPTION_ARG_NONE, &dry_run, N_("Print the request (secrets masked) instead of sending it"), NULL },
    { "v2", 0, 0, G_OPTION_ARG_NONE, &v2, N_("BOT_ID is an imbot.v2 bot even without a v2 definition in this profile"), NULL },
    { NULL }
  };

  context = g_option_context_new (_("BOT_ID COMMAND_ID MESSAGE_ID DIALOG_ID TEXT — answer a command (imbot.v2.Command.answer)"));
  g_option_context_set_summary (context,
    _("Answers the command message MESSAGE_ID (ONIMBOTV2COMMANDADD's message id)\n"
      "in DIALOG_ID (a user id, or chatN) with TEXT, as the imbot.v2 bot BOT_ID.\n"
      "The portal posts it even where the bot is no member (as a system message)."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((status = botbench_cli_parse_options (context, &argc, &argv)) >= 0)
    return status;
  if (argc != 6 || !parse_id (argv[1], &bot_id) || !parse_id (argv[2], &command_id) ||
      !parse_id (argv[3], &message_id))
    return botbench_cli_usage_error (context, _("command-answer takes a BOT_ID, a COMMAND_ID, a MESSAGE_ID (numbers), "
                                                 "a DIALOG_ID and a TEXT"));
  dialog = argv[4];
  text = argv[5];
  if (*dialog == '\0')
    return botbench_cli_usage_error (context, _("command-answer needs a DIALOG_ID"));
  if (*text == '\0')
    return botbench_cli_usage_error (context, _("command-answer needs a TEXT"));

  if (!_botbench_cli_bot_context_init (&ctx, &error))
    return _botbench_cli_bot_command_failed (error);
  if (!(bot = v2_bot (&ctx, bot_id, v2, "command-answer")) || !_botbench_cli_load_bot_token (&ctx, bot))
    return EXIT_FAILURE;

  body = botbench_bot_v2_build_command_answer_body (bot, command_id, message_id, dialog, text,
                                                    _botbench_cli_webhook_auth (&ctx));
  if (!(result = _botbench_cli_bot_call (&ctx, "imbot.v2.Command.answer", body, dry_run, &status)))
    return status;

  _botbench_cli_print_masked (result);

  return EXIT_SUCCESS;
}
