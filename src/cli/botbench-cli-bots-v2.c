/* botbench-cli-bots-v2.c: register, update, unregister and command-register for imbot.v2 bots
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The v2 side of the bot commands (botbench-cli-bots.c hands over when the
 * definition, or the saved bot, is a v2 one).  A webhook profile calls
 * with the bot's botToken: it comes from the definition file, else from
 * the keyring (kind "bot-token", by profile and bot code), else — on
 * register — it is generated and kept in the keyring before the call, so
 * a registered bot is never left without its owner's token.  Printed
 * requests and results have every botToken masked.
 */
#define G_LOG_DOMAIN "botbench-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "botbench-core.h"
#include "botbench-bot-v2.h"
#include "botbench-bot-validator.h"
#include "botbench-request-preview.h"
#include "botbench-rest-response.h"
#include "botbench-cli-private.h"
#include "botbench-cli-bots-private.h"

gboolean
_botbench_cli_token_blank (const char *token)
{
  for (; token != NULL && *token != '\0'; token++)
    if (!g_ascii_isspace (*token))
      return FALSE;
  return TRUE;
}

gboolean
_botbench_cli_webhook_auth (BotContext *ctx)
{
  return botbench_profile_get_kind (ctx->profile) == BOTBENCH_PROFILE_KIND_WEBHOOK;
}

static char *
token_key (BotContext  *ctx,
           BotbenchBot *bot)
{
  return botbench_secret_bot_token_key (botbench_profile_get_uuid (ctx->profile),
                                        botbench_bot_get_code (bot) ? botbench_bot_get_code (bot) : "");
}

gboolean
_botbench_cli_load_bot_token (BotContext  *ctx,
                              BotbenchBot *bot)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  char *token;

  if (!_botbench_cli_webhook_auth (ctx) || !_botbench_cli_token_blank (botbench_bot_get_bot_token (bot)))
    return TRUE;

  key = token_key (ctx, bot);
  token = botbench_secret_store_lookup_sync (ctx->secrets, key, BOTBENCH_SECRET_KIND_BOT_TOKEN, NULL, &error);
  if (error != NULL)
    {
      g_printerr (_("Cannot read the bot’s botToken from the keyring: %s\n"), error->message);
      return FALSE;
    }
  botbench_bot_set_bot_token (bot, token);
  botbench_secret_free (token);

  return TRUE;
}

static gboolean
keep_token (BotContext  *ctx,
            BotbenchBot *bot,
            GError     **error)
{
  g_autofree char *key = token_key (ctx, bot);

  return botbench_secret_store_store_sync (ctx->secrets, key, BOTBENCH_SECRET_KIND_BOT_TOKEN,
                                           botbench_bot_get_bot_token (bot), NULL, error);
}

/* result.<member>.id of a v2 answer ({bot: …} or {command: …}); 0 if none. */
static gint64
result_id (JsonNode   *result,
           const char *member)
{
  JsonObject *object;
  JsonNode *node;

  if (result == NULL || !JSON_NODE_HOLDS_OBJECT (result))
    return 0;
  node = json_object_get_member (json_node_get_object (result), member);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return 0;
  object = json_node_get_object (node);
  node = json_object_get_member (object, "id");
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return 0;
  return json_node_get_int (node);
}

static GPtrArray *
validate (BotContext  *ctx,
          BotbenchBot *bot,
          BotbenchBot *previous)
{
  BotbenchBotValidationContext context = {
    .portal_url = botbench_profile_get_portal_url (ctx->profile),
    .previous = previous,
    .oauth = !_botbench_cli_webhook_auth (ctx),
  };

  return botbench_bot_validate (bot, &context);
}

static void
save (BotContext  *ctx,
      BotbenchBot *bot,
      BotbenchBot *replaced)
{
  g_autoptr(GError) error = NULL;

  if (replaced != NULL)
    botbench_bot_store_remove (ctx->bots, replaced, NULL);
  botbench_bot_set_profile_uuid (bot, botbench_profile_get_uuid (ctx->profile));
  if (!botbench_bot_store_add (ctx->bots, bot, &error))
    g_printerr (_("Warning: the definition could not be saved: %s\n"), error->message);
}

int
_botbench_cli_register_v2 (BotContext  *ctx,
                           BotbenchBot *bot,
                           gboolean     dry_run)
{
  g_autoptr(GPtrArray) issues = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 bot_id;
  int status;

  /* The owner's token: the file's, else the one kept for this code (the
   * same owner gets its bot back), else a new one. */
  if (_botbench_cli_webhook_auth (ctx) && botbench_bot_get_code (bot) != NULL && *botbench_bot_get_code (bot) != '\0')
    {
      gboolean generated;

      /* A dry run shows the request even without a keyring. */
      if (!_botbench_cli_load_bot_token (ctx, bot) && !dry_run)
        return EXIT_FAILURE;
      generated = botbench_bot_ensure_bot_token (bot);
      if (generated && !dry_run)
        g_printerr (_("Generated a botToken for “%s” (40 hex digits from the system’s random source); "
                      "it is kept in the keyring\n"),
                    botbench_bot_get_code (bot));
      else if (generated)
        g_printerr (_("The botToken is shown masked; without one in the file or the keyring, registering "
                      "generates one\n"));
    }

  issues = validate (ctx, bot, NULL);
  if (!_botbench_cli_report_issues (issues))
    return EXIT_FAILURE;

  /* Kept before the call: a bot registered with a token that is lost
   * could never be reached again. */
  if (!dry_run && _botbench_cli_webhook_auth (ctx) && !keep_token (ctx, bot, &error))
    {
      g_printerr (_("Cannot keep the botToken in the keyring, so the bot is not registered: %s\n"),
                  error->message);
      return EXIT_FAILURE;
    }

  body = botbench_bot_v2_build_register_body (bot, _botbench_cli_webhook_auth (ctx));
  if (!(result = _botbench_cli_bot_call (ctx, "imbot.v2.Bot.register", body, dry_run, &status)))
    return status;

  _botbench_cli_print_masked (result);

  bot_id = result_id (result, "bot");
  if (bot_id <= 0)
    {
      g_printerr (_("imbot.v2.Bot.register answered without a bot id\n"));
      return EXIT_FAILURE;
    }
  botbench_bot_set_bot_id (bot, bot_id);
  save (ctx, bot, botbench_bot_store_lookup_by_code (ctx->bots, botbench_bot_get_code (bot)));

  return EXIT_SUCCESS;
}

int
_botbench_cli_update_v2 (BotContext  *ctx,
                         BotbenchBot *bot,
                         BotbenchBot *saved,
                         gint64       bot_id,
                         gboolean     dry_run)
{
  g_autoptr(BotbenchBot) old = NULL;
  g_autoptr(GPtrArray) issues = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) result = NULL;
  g_autoptr(GError) error = NULL;
  gboolean rotates;
  int status;

  if (botbench_bot_get_api (bot) != BOTBENCH_BOT_API_V2)
    {
      g_printerr (_("Bot %lld is an imbot.v2 bot: give a v2 definition (with \"fields\")\n"),
                  (long long) bot_id);
      return EXIT_FAILURE;
    }

  if (saved != NULL)
    old = botbench_bot_copy (saved);
  else
    {
      /* Not known here: everything counts as changed, the file's token
       * authenticates. */
      old = botbench_bot_new ();
      botbench_bot_set_api (old, BOTBENCH_BOT_API_V2);
      botbench_bot_set_code (old, botbench_bot_get_code (bot));
      botbench_bot_set_bot_token (old, botbench_bot_get_bot_token (bot));
    }
  botbench_bot_set_bot_id (old, bot_id);
  botbench_bot_set_bot_id (bot, bot_id);

  if (!_botbench_cli_load_bot_token (ctx, old))
    return EXIT_FAILURE;
  if (_botbench_cli_token_blank (botbench_bot_get_bot_token (old)))
    botbench_bot_set_bot_token (old, botbench_bot_get_bot_token (bot));
  if (_botbench_cli_token_blank (botbench_bot_get_bot_token (bot)))
    botbench_bot_set_bot_token (bot, botbench_bot_get_bot_token (old));
  rotates = _botbench_cli_webhook_auth (ctx) &&
            g_strcmp0 (botbench_bot_get_bot_token (old), botbench_bot_get_bot_token (bot)) != 0;

  issues = validate (ctx, bot, old);
  if (!_botbench_cli_report_issues (issues))
    return EXIT_FAILURE;

  body = botbench_bot_v2_build_update_body (old, bot, _botbench_cli_webhook_auth (ctx));
  if (body == NULL)
    {
      g_printerr (_("Nothing to update: the definition matches the saved one\n"));
      return EXIT_FAILURE;
    }

  if (!(result = _botbench_cli_bot_call (ctx, "imbot.v2.Bot.update", body, dry_run, &status)))
    return status;

  _botbench_cli_print_masked (result);

  /* The portal now knows the bot by the new token only. */
  if (rotates && !keep_token (ctx, bot, &error))
    g_printerr (_("Warning: the botToken was changed, but the new one could not be kept in the keyring: %s\n"),
                error->message);

  save (ctx, bot, saved);

  return EXIT_SUCCESS;
}

int
_botbench_cli_unregister_v2 (BotContext  *ctx,
                             BotbenchBot *saved,
                             gboolean     dry_run)
{
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) result = NULL;
  int status;

  if (!_botbench_cli_load_bot_token (ctx, saved))
    return EXIT_FAILURE;

  body = botbench_bot_v2_build_unregister_body (saved, _botbench_cli_webhook_auth (ctx));
  if (!(result = _botbench_cli_bot_call (ctx, "imbot.v2.Bot.unregister", body, dry_run, &status)))
    return status;

  _botbench_cli_print_masked (result);

  /* The definition stays, without its bot id; the token stays in the
   * keyring, so registering the code again makes the same owner. */
  botbench_bot_set_bot_id (saved, 0);
  botbench_bot_store_save (ctx->bots, saved, NULL);

  return EXIT_SUCCESS;
}

int
_botbench_cli_command_register_v2 (BotContext         *ctx,
                                   BotbenchBot        *saved,
                                   BotbenchBotCommand *command,
                                   gboolean            dry_run)
{
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) result = NULL;
  gint64 command_id;
  int status;

  if (!_botbench_cli_load_bot_token (ctx, saved))
    return EXIT_FAILURE;

  body = botbench_bot_v2_build_command_register_body (saved, command, _botbench_cli_webhook_auth (ctx));
  if (!(result = _botbench_cli_bot_call (ctx, "imbot.v2.Command.register", body, dry_run, &status)))
    return status;

  _botbench_cli_print_masked (result);

  command_id = result_id (result, "command");
  if (command_id > 0)
    {
      botbench_bot_command_set_command_id (command, command_id);
      botbench_bot_add_command (saved, command);
      botbench_bot_store_save (ctx->bots, saved, NULL);
    }

  return EXIT_SUCCESS;
}
