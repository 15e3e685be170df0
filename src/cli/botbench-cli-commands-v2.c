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
      g_printerr (_("%s works on imbot.v2 bots; bot %lld is not one in this profile’s "
                    "definitions (give --v2 if it is one)\n"),
                  verb, (long long) bot_id);
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

/* What the four commands share: their arguments (BOT_ID first, then
 * n_ids more numbers, then the rest), --dry-run and --v2, the profile and
 * the bot. */
typedef struct
{
  const char *verb;
  const char *parameters;   /* for g_option_context_new() */
  const char *summary;
  const char *usage;        /* the usage error */
  int         n_args;       /* after the verb */
  int         n_ids;        /* of them, numbers after BOT_ID */
} CommandSpec;

typedef struct
{
  GOptionContext *context;
  BotContext      ctx;
  BotbenchBot    *bot;
  gint64          bot_id;
  gint64          ids[2];
  char          **args;     /* borrowed from argv: the arguments after the ids */
  gboolean        dry_run;
  gboolean        v2;
} CommandRun;

static void
command_run_clear (CommandRun *run)
{
  g_clear_object (&run->bot);
  _botbench_cli_bot_context_clear (&run->ctx);
  g_clear_pointer (&run->context, g_option_context_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CommandRun, command_run_clear)

/* Parses the options and arguments; -1 to go on, else the exit status. */
static int
command_run_parse (CommandRun        *run,
                   const CommandSpec *spec,
                   int                argc,
                   char             **argv)
{
  const GOptionEntry entries[] = {
    { "dry-run", 0, 0, G_OPTION_ARG_NONE, &run->dry_run, N_("Print the request (secrets masked) instead of sending it"), NULL },
    { "v2", 0, 0, G_OPTION_ARG_NONE, &run->v2, N_("BOT_ID is an imbot.v2 bot even without a v2 definition in this profile"), NULL },
    { NULL }
  };
  int status;

  g_assert (spec->n_ids <= (int)G_N_ELEMENTS (run->ids));

  run->context = g_option_context_new (_(spec->parameters));
  g_option_context_set_summary (run->context, _(spec->summary));
  g_option_context_add_main_entries (run->context, entries, GETTEXT_PACKAGE);
  if ((status = botbench_cli_parse_options (run->context, &argc, &argv)) >= 0)
    return status;

  if (argc != spec->n_args + 1 || !_botbench_cli_parse_bot_id (argv[1], &run->bot_id))
    return botbench_cli_usage_error (run->context, _(spec->usage));
  for (int i = 0; i < spec->n_ids; i++)
    if (!_botbench_cli_parse_bot_id (argv[2 + i], &run->ids[i]))
      return botbench_cli_usage_error (run->context, _(spec->usage));
  run->args = argv + 2 + spec->n_ids;

  return -1;
}

/* The profile, and the v2 bot with its botToken; FALSE (printed) when
 * there is none. */
static gboolean
command_run_open (CommandRun        *run,
                  const CommandSpec *spec)
{
  g_autoptr(GError) error = NULL;

  if (!_botbench_cli_bot_context_init (&run->ctx, &error))
    {
      _botbench_cli_bot_command_failed (error);
      return FALSE;
    }

  run->bot = v2_bot (&run->ctx, run->bot_id, run->v2, spec->verb);
  return run->bot != NULL && _botbench_cli_load_bot_token (&run->ctx, run->bot);
}

/* Sends (or prints) body, then prints the result; the result, or NULL
 * with *status set. */
static JsonNode *
command_run_call (CommandRun *run,
                  const char *method,
                  JsonNode   *body,
                  int        *status)
{
  JsonNode *result = _botbench_cli_bot_call (&run->ctx, method, body, run->dry_run, status);

  if (result != NULL)
    _botbench_cli_print_masked (result);
  return result;
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

static const CommandSpec update_spec = {
  "command-update",
  N_("BOT_ID COMMAND_ID FILE.json — update a command (imbot.v2.Command.update)"),
  N_("FILE.json holds the command as for command-register (COMMAND, COMMON,\n"
     "HIDDEN, EXTRANET_SUPPORT, LANG); it replaces command COMMAND_ID of the\n"
     "imbot.v2 bot BOT_ID.  A language the saved command has and FILE.json\n"
     "lacks is deleted (its title sent as null)."),
  N_("command-update takes a BOT_ID, a COMMAND_ID (numbers) and a FILE.json"),
  3, 1,
};

int
botbench_cli_command_update (int    argc,
                             char **argv)
{
  g_auto(CommandRun) run = { 0 };
  g_autoptr(BotbenchBotCommand) command = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) result = NULL;
  BotbenchBotCommand *old;
  int status;

  if ((status = command_run_parse (&run, &update_spec, argc, argv)) >= 0)
    return status;

  if (!(command = _botbench_cli_read_command (run.args[0])))
    return EXIT_FAILURE;
  botbench_bot_command_set_command_id (command, run.ids[0]);

  if (!command_run_open (&run, &update_spec))
    return EXIT_FAILURE;

  old = saved_command (run.bot, run.ids[0]);
  body = botbench_bot_v2_build_command_update_body (run.bot, command, _botbench_cli_webhook_auth (&run.ctx));
  null_dropped_titles (body, old, command);
  if (!(result = command_run_call (&run, "imbot.v2.Command.update", body, &status)))
    return status;

  if (old != NULL)
    botbench_bot_remove_command (run.bot, old);
  botbench_bot_add_command (run.bot, command);
  save_bot (&run.ctx, run.bot);

  return EXIT_SUCCESS;
}

/* ---- command-unregister ------------------------------------------------ */

static const CommandSpec unregister_spec = {
  "command-unregister",
  N_("BOT_ID COMMAND_ID — remove a command (imbot.v2.Command.unregister)"),
  N_("Removes command COMMAND_ID of the imbot.v2 bot BOT_ID from the portal and\n"
     "from the bot's saved definition."),
  N_("command-unregister takes a BOT_ID and a COMMAND_ID (numbers)"),
  2, 1,
};

int
botbench_cli_command_unregister (int    argc,
                                 char **argv)
{
  g_auto(CommandRun) run = { 0 };
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) result = NULL;
  BotbenchBotCommand *old;
  int status;

  if ((status = command_run_parse (&run, &unregister_spec, argc, argv)) >= 0)
    return status;
  if (!command_run_open (&run, &unregister_spec))
    return EXIT_FAILURE;

  body = botbench_bot_v2_build_command_unregister_body (run.bot, run.ids[0], _botbench_cli_webhook_auth (&run.ctx));
  if (!(result = command_run_call (&run, "imbot.v2.Command.unregister", body, &status)))
    return status;

  if ((old = saved_command (run.bot, run.ids[0])) != NULL)
    {
      botbench_bot_remove_command (run.bot, old);
      save_bot (&run.ctx, run.bot);
    }

  return EXIT_SUCCESS;
}

/* ---- command-list ------------------------------------------------------ */

static const CommandSpec list_spec = {
  "command-list",
  N_("BOT_ID — list a bot's commands (imbot.v2.Command.list)"),
  N_("Prints the commands the portal has for the imbot.v2 bot BOT_ID as JSON\n"
     "({\"commands\": [...]}); standard error lists id, command and English title."),
  N_("command-list takes a BOT_ID (a number)"),
  1, 0,
};

/* A member of an answer that is not trusted: NULL unless it is a value
 * of that type. */
static JsonNode *
typed_member (JsonObject *object,
              const char *name,
              GType       type)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != type)
    return NULL;
  return node;
}

static void
print_command_table (JsonNode *result)
{
  JsonNode *commands;
  JsonArray *array;

  if (!JSON_NODE_HOLDS_OBJECT (result))
    return;
  commands = json_object_get_member (json_node_get_object (result), "commands");
  if (commands == NULL || !JSON_NODE_HOLDS_ARRAY (commands))
    return;
  array = json_node_get_array (commands);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *entry = json_array_get_element (array, i);
      JsonObject *object, *titles = NULL;
      JsonNode *id, *name, *title, *node;
      g_autofree char *name_column = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (entry))
        continue;
      object = json_node_get_object (entry);
      node = json_object_get_member (object, "title");
      if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
        titles = json_node_get_object (node);
      id = typed_member (object, "id", G_TYPE_INT64);
      name = typed_member (object, "command", G_TYPE_STRING);
      title = typed_member (titles, "en", G_TYPE_STRING);

      name_column = botbench_cli_pad (name != NULL ? json_node_get_string (name) : "", 24);
      g_printerr ("%-8" G_GINT64_FORMAT " %s %s\n", id != NULL ? json_node_get_int (id) : 0, name_column,
                  title != NULL ? json_node_get_string (title) : "");
    }
}

int
botbench_cli_command_list (int    argc,
                           char **argv)
{
  g_auto(CommandRun) run = { 0 };
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) result = NULL;
  int status;

  if ((status = command_run_parse (&run, &list_spec, argc, argv)) >= 0)
    return status;
  if (!command_run_open (&run, &list_spec))
    return EXIT_FAILURE;

  body = botbench_bot_v2_build_command_list_body (run.bot, _botbench_cli_webhook_auth (&run.ctx));
  if (!(result = command_run_call (&run, "imbot.v2.Command.list", body, &status)))
    return status;

  print_command_table (result);

  return EXIT_SUCCESS;
}

/* ---- command-answer ---------------------------------------------------- */

static const CommandSpec answer_spec = {
  "command-answer",
  N_("BOT_ID COMMAND_ID MESSAGE_ID DIALOG_ID TEXT — answer a command (imbot.v2.Command.answer)"),
  N_("Answers the command message MESSAGE_ID (ONIMBOTV2COMMANDADD's message id)\n"
     "in DIALOG_ID (a user id, or chatN) with TEXT, as the imbot.v2 bot BOT_ID.\n"
     "The portal posts it even where the bot is no member (as a system message)."),
  N_("command-answer takes a BOT_ID, a COMMAND_ID, a MESSAGE_ID (numbers), a DIALOG_ID and a TEXT"),
  5, 2,
};

int
botbench_cli_command_answer (int    argc,
                             char **argv)
{
  g_auto(CommandRun) run = { 0 };
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) result = NULL;
  const char *dialog, *text;
  int status;

  if ((status = command_run_parse (&run, &answer_spec, argc, argv)) >= 0)
    return status;
  dialog = run.args[0];
  text = run.args[1];
  if (_botbench_cli_token_blank (dialog))
    return botbench_cli_usage_error (run.context, _("command-answer needs a DIALOG_ID"));
  if (_botbench_cli_token_blank (text))
    return botbench_cli_usage_error (run.context, _("command-answer needs a TEXT"));

  if (!command_run_open (&run, &answer_spec))
    return EXIT_FAILURE;

  body = botbench_bot_v2_build_command_answer_body (run.bot, run.ids[0], run.ids[1], dialog, text,
                                                    _botbench_cli_webhook_auth (&run.ctx));
  if (!(result = command_run_call (&run, "imbot.v2.Command.answer", body, &status)))
    return status;

  return EXIT_SUCCESS;
}
