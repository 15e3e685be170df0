/* botbench-cli-bots.c: register, update, unregister and command-register (v1), and what the bot commands share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "botbench-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "botbench-core.h"
#include "botbench-bot.h"
#include "botbench-bot-command.h"
#include "botbench-bot-store.h"
#include "botbench-bot-validator.h"
#include "botbench-profile-manager.h"
#include "botbench-rest-client.h"
#include "botbench-secret-store.h"
#include "botbench-cli-private.h"
#include "botbench-cli-bots-private.h"
#include "botbench-bot-v2.h"

/* ---- register, update, unregister, command-register ---------------------- */


void
_botbench_cli_bot_context_clear (BotContext *ctx)
{
  /* A refreshed OAuth token changed the profile; never save a store that
   * did not load (ctx->profile is set only once it did). */
  if (ctx->manager != NULL && ctx->profile != NULL)
    botbench_cli_save_profiles (ctx->manager, TRUE);

  g_clear_object (&ctx->bots);
  g_clear_object (&ctx->client);
  g_clear_object (&ctx->secrets);
  g_clear_object (&ctx->manager);
}


gboolean
_botbench_cli_bot_context_init (BotContext  *ctx,
                  GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  ctx->manager = botbench_profile_manager_new (NULL);
  if (!botbench_profile_manager_load (ctx->manager, error))
    return FALSE;

  ctx->profile = botbench_cli_profile_name != NULL
    ? botbench_profile_manager_lookup (ctx->manager, botbench_cli_profile_name)
    : botbench_profile_manager_get_active (ctx->manager);
  if (ctx->profile == NULL)
    {
      if (botbench_cli_profile_name != NULL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("No profile named “%s”"),
                     botbench_cli_profile_name);
      else
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                             _("No active profile; add one with “botbench-cli profiles add”"));
      return FALSE;
    }

  ctx->secrets = botbench_secret_store_new ();
  ctx->client = botbench_rest_client_new (ctx->profile, ctx->secrets, NULL);
  ctx->bots = botbench_bot_store_new (botbench_profile_get_uuid (ctx->profile), NULL);
  if (!botbench_bot_store_load (ctx->bots, &local_error))
    g_printerr (_("Warning: cannot read the saved bot definitions: %s\n"), local_error->message);

  return TRUE;
}

const char *
_botbench_cli_bot_context_client_id (BotContext *ctx)
{
  if (botbench_profile_get_kind (ctx->profile) != BOTBENCH_PROFILE_KIND_WEBHOOK)
    return NULL;
  return botbench_profile_get_client_id (ctx->profile);
}

void
_botbench_cli_print_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *out = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, node);
  out = json_generator_to_data (generator, NULL);
  printf ("%s\n", out);
  fflush (stdout);
}

void
_botbench_cli_print_warnings (GPtrArray *warnings)
{
  for (guint i = 0; warnings != NULL && i < warnings->len; i++)
    g_printerr (_("warning: %s\n"), (const char *)g_ptr_array_index (warnings, i));
}

/* Prints the issues on stderr; TRUE when none of them is an error. */
gboolean
_botbench_cli_report_issues (GPtrArray *issues)
{
  for (guint i = 0; i < issues->len; i++)
    {
      BotbenchBotIssue *issue = g_ptr_array_index (issues, i);

      if (issue->severity == BOTBENCH_BOT_ISSUE_ERROR)
        g_printerr (_("error: %s: %s (%s)%s%s\n"), issue->field, issue->message, issue->code,
                    issue->hint ? " — " : "", issue->hint ? issue->hint : "");
      else
        g_printerr (_("warning: %s: %s\n"), issue->field, issue->message);
    }

  return !botbench_bot_issues_have_error (issues);
}

static GPtrArray *
validate (BotContext  *ctx,
          BotbenchBot *bot,
          BotbenchBot *previous)
{
  g_autoptr(GPtrArray) sets = botbench_bot_store_dup_handler_sets (ctx->bots, bot);
  BotbenchBotValidationContext context = {
    .portal_url = botbench_profile_get_portal_url (ctx->profile),
    .missing_client_id = botbench_profile_get_kind (ctx->profile) == BOTBENCH_PROFILE_KIND_WEBHOOK &&
                         _botbench_cli_bot_context_client_id (ctx) == NULL,
    .other_handler_sets = sets,
    .owner_bot_count = botbench_bot_store_count_registered (ctx->bots),
    .bot_limit = previous != NULL ? 0 : 5,
    .previous = previous,
  };

  return botbench_bot_validate (bot, &context);
}

void
_botbench_cli_print_masked (JsonNode *node)
{
  g_autoptr(JsonNode) copy = json_node_copy (node);

  if (JSON_NODE_HOLDS_OBJECT (copy))
    botbench_bot_v2_mask_body (json_node_get_object (copy));
  _botbench_cli_print_json (copy);
}

/* Sends, or with --dry-run prints the request instead: the body as given
 * (CLIENT_ID is in it already), every botToken masked, the webhook secret
 * masked in the URL.  Returns the result (owned), or NULL with *status
 * set. */
JsonNode *
_botbench_cli_bot_call (BotContext *ctx,
                        const char *method,
                        JsonNode   *body,
                        gboolean    dry_run,
                        int        *status)
{
  g_autoptr(BotbenchRestResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *result;

  if (dry_run)
    {
      g_autoptr(BotbenchRequestPreview) preview = NULL;
      g_autoptr(JsonNode) request = NULL;

      preview = botbench_request_preview_new (ctx->profile, method, json_node_get_object (body),
                                              BOTBENCH_REQUEST_PREVIEW_DEFAULT);
      request = botbench_request_preview_to_json (preview);
      _botbench_cli_print_masked (request);
      *status = EXIT_SUCCESS;
      return NULL;
    }

  response = botbench_rest_client_call_sync (ctx->client, method, json_node_get_object (body), NULL, &error);
  if (response == NULL)
    {
      g_printerr ("%s\n", error->message);
      *status = EXIT_FAILURE;
      return NULL;
    }

  result = botbench_rest_response_get_result (response);
  if (result == NULL)
    {
      g_printerr (_("%s answered without a result\n"), method);
      *status = EXIT_FAILURE;
      return NULL;
    }

  return json_node_copy (result);
}

int
_botbench_cli_bot_command_failed (GError *error)
{
  g_printerr ("%s\n", error->message);
  return EXIT_FAILURE;
}

/* A definition file that could not be read: errors about its contents
 * (BOTBENCH_BOT_ERROR) do not name the file, the others (too large, not
 * found) do already. */
int
_botbench_cli_definition_failed (const char *path,
                   GError     *error)
{
  if (error->domain == BOTBENCH_BOT_ERROR)
    g_printerr ("%s: %s\n", path, error->message);
  else
    g_printerr ("%s\n", error->message);
  return EXIT_FAILURE;
}

const char *
_botbench_cli_json_string (JsonObject *object,
                           const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* An empty JSON object as a node (json_node_init_object would add a
 * reference of its own to the object). */
JsonNode *
_botbench_cli_new_object_node (void)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, json_object_new ());
  return node;
}

/* The id of the portal's bot with this CODE (imbot.bot.list), 0 if none,
 * -1 when the list cannot be read. */
static gint64
find_portal_bot (BotContext *ctx,
                 const char *code)
{
  g_autoptr(JsonNode) body = _botbench_cli_new_object_node ();
  g_autoptr(BotbenchRestResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  const char *client_id = _botbench_cli_bot_context_client_id (ctx);
  JsonNode *result;

  if (client_id != NULL)
    json_object_set_string_member (json_node_get_object (body), "CLIENT_ID", client_id);

  response = botbench_rest_client_call_sync (ctx->client, "imbot.bot.list", json_node_get_object (body),
                                             NULL, &error);
  if (response == NULL)
    {
      g_printerr ("%s\n", error->message);
      return -1;
    }

  result = botbench_rest_response_get_result (response);
  if (result != NULL && JSON_NODE_HOLDS_OBJECT (result))
    {
      g_autoptr(GList) members = json_object_get_members (json_node_get_object (result));

      for (const GList *l = members; l != NULL; l = l->next)
        {
          JsonNode *entry = json_object_get_member (json_node_get_object (result), l->data);

          if (JSON_NODE_HOLDS_OBJECT (entry) &&
              g_strcmp0 (_botbench_cli_json_string (json_node_get_object (entry), "CODE"), code) == 0)
            return g_ascii_strtoll (l->data, NULL, 10);
        }
    }

  return 0;
}

/* FILE.json read as a v2 definition whatever its shape (--v2). */
static BotbenchBot *
read_definition (const char  *path,
                 gboolean     v2,
                 GPtrArray   *warnings,
                 GError     **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(JsonNode) node = NULL;

  if (!v2)
    return botbench_bot_new_from_file (path, warnings, error);

  file = g_file_new_for_commandline_arg (path);
  if (!(node = botbench_json_parse_file (file, BOTBENCH_BOT_MAX_FILE_SIZE, NULL, error)))
    return NULL;
  return botbench_bot_new_v2_from_json (node, warnings, error);
}

int
botbench_cli_register (int    argc,
                       char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_auto(BotContext) ctx = { 0 };
  g_autoptr(BotbenchBot) bot = NULL;
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) issues = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) result = NULL;
  g_autoptr(GError) error = NULL;
  gboolean dry_run = FALSE;
  gboolean adopt = FALSE;
  gboolean v2 = FALSE;
  BotbenchBot *saved;
  gint64 existing = 0;
  int status;
  const GOptionEntry entries[] = {
    { "dry-run", 0, 0, G_OPTION_ARG_NONE, &dry_run, N_("Print the request (secrets masked) instead of sending it"), NULL },
    { "v2", 0, 0, G_OPTION_ARG_NONE, &v2, N_("Read FILE.json as an imbot.v2.Bot.register definition even without a top-level “fields”"), NULL },
    { "adopt", 0, 0, G_OPTION_ARG_NONE, &adopt, N_("When the portal has a bot with this CODE already, link the definition to it instead of registering"), NULL },
    { NULL }
  };

  context = g_option_context_new (_("FILE.json — register a bot (imbot.register)"));
  g_option_context_set_summary (context,
    _("FILE.json holds the imbot.register request body (as `botbench-cli bots`\n"
      "definitions and the window's export). It is checked the way the portal\n"
      "checks it first: errors stop here, warnings are printed. The portal's\n"
      "result (the bot id) is printed as JSON and the definition saved.\n"
      "\n"
      "A file whose top level has \"fields\" (or any file with --v2) is an\n"
      "imbot.v2 bot: imbot.v2.Bot.register, events fetched by Botbench\n"
      "(eventMode fetch, the default) or POSTed to fields.webhookUrl. An empty\n"
      "fields.botToken is generated (40 hex digits from the system's random\n"
      "source) and kept in the keyring, never in files; --dry-run masks it."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((status = botbench_cli_parse_options (context, &argc, &argv)) >= 0)
    return status;
  if (argc != 2)
    return botbench_cli_usage_error (context, _("register takes one FILE.json"));

  /* Files over BOTBENCH_BOT_MAX_FILE_SIZE are refused before reading;
   * the JSON is checked (depth, one value) before json-glib sees it. */
  if (!(bot = read_definition (argv[1], v2, warnings, &error)))
    return _botbench_cli_definition_failed (argv[1], error);
  _botbench_cli_print_warnings (warnings);

  if (!_botbench_cli_bot_context_init (&ctx, &error))
    return _botbench_cli_bot_command_failed (error);

  if (botbench_bot_get_api (bot) == BOTBENCH_BOT_API_V2)
    return _botbench_cli_register_v2 (&ctx, bot, dry_run);

  issues = validate (&ctx, bot, NULL);
  if (!_botbench_cli_report_issues (issues))
    return EXIT_FAILURE;

  /* A CODE the portal has already: imbot.register would quietly hand back
   * that bot (§1.6).  Say so, and adopt it only when asked. */
  if (!dry_run)
    {
      existing = find_portal_bot (&ctx, botbench_bot_get_code (bot));
      if (existing < 0)
        return EXIT_FAILURE;
      if (existing > 0 && !adopt)
        {
          g_printerr (_("The portal has a bot with CODE “%s” already (bot %lld). "
                        "Adopt it with --adopt, or update it with “botbench-cli update %lld %s”\n"),
                      botbench_bot_get_code (bot), (long long) existing, (long long) existing, argv[1]);
          return EXIT_FAILURE;
        }
    }

  if (existing > 0)
    result = json_node_init_int (json_node_alloc (), existing);
  else
    {
      body = botbench_bot_build_register_body (bot, _botbench_cli_bot_context_client_id (&ctx));
      if (!(result = _botbench_cli_bot_call (&ctx, "imbot.register", body, dry_run, &status)))
        return status;
    }

  _botbench_cli_print_json (result);

  /* Keep the definition with the id the portal gave it. */
  if (JSON_NODE_HOLDS_VALUE (result))
    {
      botbench_bot_set_bot_id (bot, json_node_get_int (result));
      saved = botbench_bot_store_lookup_by_code (ctx.bots, botbench_bot_get_code (bot));
      if (saved != NULL)
        botbench_bot_store_remove (ctx.bots, saved, NULL);
      if (!botbench_bot_store_add (ctx.bots, bot, &error))
        g_printerr (_("Warning: registered, but the definition could not be saved: %s\n"), error->message);
    }

  return EXIT_SUCCESS;
}

gboolean
_botbench_cli_parse_bot_id (const char *text,
              gint64     *id)
{
  guint64 value;

  if (!g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &value, NULL))
    return FALSE;
  *id = (gint64)value;
  return TRUE;
}

int
botbench_cli_update (int    argc,
                     char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_auto(BotContext) ctx = { 0 };
  g_autoptr(BotbenchBot) bot = NULL;
  g_autoptr(BotbenchBot) empty = NULL;
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) issues = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) result = NULL;
  g_autoptr(GError) error = NULL;
  gboolean dry_run = FALSE;
  gboolean v2 = FALSE;
  BotbenchBot *old;
  gint64 bot_id;
  int status;
  const GOptionEntry entries[] = {
    { "dry-run", 0, 0, G_OPTION_ARG_NONE, &dry_run, N_("Print the request (secrets masked) instead of sending it"), NULL },
    { "v2", 0, 0, G_OPTION_ARG_NONE, &v2, N_("Read FILE.json as an imbot.v2 definition even without a top-level “fields”"), NULL },
    { NULL }
  };

  context = g_option_context_new (_("BOT_ID FILE.json — update a bot (imbot.update)"));
  g_option_context_set_summary (context,
    _("Sends only the fields that differ from the saved definition of BOT_ID\n"
      "(all of them when there is none) in FIELDS."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((status = botbench_cli_parse_options (context, &argc, &argv)) >= 0)
    return status;
  if (argc != 3 || !_botbench_cli_parse_bot_id (argv[1], &bot_id))
    return botbench_cli_usage_error (context, _("update takes a BOT_ID (a number) and a FILE.json"));

  if (!(bot = read_definition (argv[2], v2, warnings, &error)))
    return _botbench_cli_definition_failed (argv[2], error);
  _botbench_cli_print_warnings (warnings);
  botbench_bot_set_bot_id (bot, bot_id);

  if (!_botbench_cli_bot_context_init (&ctx, &error))
    return _botbench_cli_bot_command_failed (error);

  old = botbench_bot_store_lookup_by_id (ctx.bots, bot_id);
  if (botbench_bot_get_api (bot) == BOTBENCH_BOT_API_V2 ||
      (old != NULL && botbench_bot_get_api (old) == BOTBENCH_BOT_API_V2))
    return _botbench_cli_update_v2 (&ctx, bot, old, bot_id, dry_run);
  if (old == NULL)
    {
      empty = botbench_bot_new ();
      botbench_bot_set_bot_id (empty, bot_id);
      old = empty;
    }

  issues = validate (&ctx, bot, old);
  if (!_botbench_cli_report_issues (issues))
    return EXIT_FAILURE;

  body = botbench_bot_build_update_fields (old, bot, _botbench_cli_bot_context_client_id (&ctx));
  if (body == NULL)
    {
      g_printerr (_("Nothing to update: the definition matches the saved one\n"));
      return EXIT_FAILURE;
    }

  if (!(result = _botbench_cli_bot_call (&ctx, "imbot.update", body, dry_run, &status)))
    return status;

  _botbench_cli_print_json (result);

  if (old != empty)
    botbench_bot_store_remove (ctx.bots, old, NULL);
  botbench_bot_set_profile_uuid (bot, botbench_profile_get_uuid (ctx.profile));
  if (!botbench_bot_store_add (ctx.bots, bot, &error))
    g_printerr (_("Warning: updated, but the definition could not be saved: %s\n"), error->message);

  return EXIT_SUCCESS;
}

int
botbench_cli_unregister (int    argc,
                         char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_auto(BotContext) ctx = { 0 };
  g_autoptr(BotbenchBot) target = botbench_bot_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) result = NULL;
  g_autoptr(GError) error = NULL;
  gboolean dry_run = FALSE;
  BotbenchBot *saved;
  gint64 bot_id;
  int status;
  const GOptionEntry entries[] = {
    { "dry-run", 0, 0, G_OPTION_ARG_NONE, &dry_run, N_("Print the request (secrets masked) instead of sending it"), NULL },
    { NULL }
  };

  context = g_option_context_new (_("BOT_ID — unregister a bot (imbot.unregister)"));
  g_option_context_set_summary (context,
    _("Removes the bot from the portal; its private chats are deleted with it.\n"
      "The saved definition is kept, without its bot id."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((status = botbench_cli_parse_options (context, &argc, &argv)) >= 0)
    return status;
  if (argc != 2 || !_botbench_cli_parse_bot_id (argv[1], &bot_id))
    return botbench_cli_usage_error (context, _("unregister takes a BOT_ID (a number)"));

  if (!_botbench_cli_bot_context_init (&ctx, &error))
    return _botbench_cli_bot_command_failed (error);

  saved = botbench_bot_store_lookup_by_id (ctx.bots, bot_id);
  if (saved != NULL && botbench_bot_get_api (saved) == BOTBENCH_BOT_API_V2)
    return _botbench_cli_unregister_v2 (&ctx, saved, dry_run);

  botbench_bot_set_bot_id (target, bot_id);
  body = botbench_bot_build_unregister_body (target, _botbench_cli_bot_context_client_id (&ctx));
  if (!(result = _botbench_cli_bot_call (&ctx, "imbot.unregister", body, dry_run, &status)))
    return status;

  _botbench_cli_print_json (result);

  if ((saved = botbench_bot_store_lookup_by_id (ctx.bots, bot_id)) != NULL)
    {
      botbench_bot_set_bot_id (saved, 0);
      botbench_bot_store_save (ctx.bots, saved, NULL);
    }

  return EXIT_SUCCESS;
}

BotbenchBotCommand *
_botbench_cli_read_command (const char *path)
{
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (path);
  g_autoptr(JsonNode) definition = NULL;
  g_autoptr(GError) error = NULL;
  BotbenchBotCommand *command;

  if (!(definition = botbench_json_parse_file (file, BOTBENCH_BOT_MAX_FILE_SIZE, NULL, &error)))
    {
      _botbench_cli_bot_command_failed (error);
      return NULL;
    }
  if (!(command = botbench_bot_command_new_from_json (definition, warnings, &error)))
    {
      _botbench_cli_definition_failed (path, error);
      return NULL;
    }
  _botbench_cli_print_warnings (warnings);

  return command;
}

int
botbench_cli_command_register (int    argc,
                               char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_auto(BotContext) ctx = { 0 };
  g_autoptr(BotbenchBotCommand) command = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) result = NULL;
  g_autoptr(GError) error = NULL;
  gboolean dry_run = FALSE;
  BotbenchBot *saved;
  gint64 bot_id;
  int status;
  const GOptionEntry entries[] = {
    { "dry-run", 0, 0, G_OPTION_ARG_NONE, &dry_run, N_("Print the request (secrets masked) instead of sending it"), NULL },
    { NULL }
  };

  context = g_option_context_new (_("BOT_ID FILE.json — register a command (imbot.command.register)"));
  g_option_context_set_summary (context,
    _("FILE.json holds the imbot.command.register body: COMMAND, COMMON, HIDDEN,\n"
      "EXTRANET_SUPPORT, LANG (titles and params), EVENT_COMMAND_ADD."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((status = botbench_cli_parse_options (context, &argc, &argv)) >= 0)
    return status;
  if (argc != 3 || !_botbench_cli_parse_bot_id (argv[1], &bot_id))
    return botbench_cli_usage_error (context, _("command-register takes a BOT_ID (a number) and a FILE.json"));

  if (!(command = _botbench_cli_read_command (argv[2])))
    return EXIT_FAILURE;

  if (!_botbench_cli_bot_context_init (&ctx, &error))
    return _botbench_cli_bot_command_failed (error);

  saved = botbench_bot_store_lookup_by_id (ctx.bots, bot_id);
  if (saved != NULL && botbench_bot_get_api (saved) == BOTBENCH_BOT_API_V2)
    return _botbench_cli_command_register_v2 (&ctx, saved, command, dry_run);

  body = botbench_bot_command_build_register_body (command, bot_id, _botbench_cli_bot_context_client_id (&ctx));
  if (!(result = _botbench_cli_bot_call (&ctx, "imbot.command.register", body, dry_run, &status)))
    return status;

  _botbench_cli_print_json (result);

  /* The command belongs to the bot's saved definition, with its id. */
  if (JSON_NODE_HOLDS_VALUE (result) && saved != NULL)
    {
      botbench_bot_command_set_command_id (command, json_node_get_int (result));
      botbench_bot_add_command (saved, command);
      botbench_bot_store_save (ctx.bots, saved, NULL);
    }

  return EXIT_SUCCESS;
}
