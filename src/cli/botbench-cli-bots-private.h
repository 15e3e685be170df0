/* botbench-cli-bots-private.h: what the bot commands share (v1 in botbench-cli-bots.c, v2 in botbench-cli-bots-v2.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "botbench-bot.h"
#include "botbench-bot-command.h"
#include "botbench-bot-store.h"
#include "botbench-profile-manager.h"
#include "botbench-rest-client.h"
#include "botbench-secret-store.h"

G_BEGIN_DECLS

typedef struct
{
  BotbenchProfileManager *manager;
  BotbenchProfile        *profile;   /* borrowed from manager */
  BotbenchSecretStore    *secrets;
  BotbenchRestClient     *client;
  BotbenchBotStore       *bots;
} BotContext;

void      _botbench_cli_bot_context_clear  (BotContext  *ctx);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (BotContext, _botbench_cli_bot_context_clear)
/* CLIENT_ID goes with every imbot call of a webhook profile (§1.9); NULL
 * for OAuth. */
const char *_botbench_cli_bot_context_client_id (BotContext *ctx);
/* The profile (--profile or the active one), its client and bot store. */
gboolean  _botbench_cli_bot_context_init   (BotContext  *ctx,
                                            GError     **error);

void      _botbench_cli_print_json         (JsonNode    *node);
void      _botbench_cli_print_warnings     (GPtrArray   *warnings);
/* Prints the issues on stderr; TRUE when none of them is an error. */
gboolean  _botbench_cli_report_issues      (GPtrArray   *issues);
int       _botbench_cli_bot_command_failed (GError      *error);
/* Prints node as JSON with every botToken masked. */
void      _botbench_cli_print_masked       (JsonNode    *node);
/* Sends method with body, or with @dry_run prints the request instead
 * (every botToken and the webhook secret masked).  Returns the result
 * (owned), or NULL with *status set (EXIT_SUCCESS after a dry run). */
JsonNode *_botbench_cli_bot_call           (BotContext  *ctx,
                                            const char  *method,
                                            JsonNode    *body,
                                            gboolean     dry_run,
                                            int         *status);
int       _botbench_cli_definition_failed  (const char  *path,
                                            GError      *error);
JsonNode *_botbench_cli_new_object_node    (void);
/* A string member of a portal answer: NULL when absent or not a string
 * (answers are not trusted). */
const char *_botbench_cli_json_string      (JsonObject  *object,
                                            const char  *name);
/* A command definition file (the imbot.command.register keys); warnings
 * printed; NULL (printed) when it cannot be read. */
BotbenchBotCommand *_botbench_cli_read_command (const char *path);
gboolean  _botbench_cli_parse_bot_id       (const char  *text,
                                            gint64      *id);

/* botbench-cli-bots-v2.c: the same commands for imbot.v2 bots.  @bot is
 * a v2 definition; @saved the store's definition (borrowed, nullable). */
int       _botbench_cli_register_v2        (BotContext  *ctx,
                                            BotbenchBot *bot,
                                            gboolean     dry_run);
int       _botbench_cli_update_v2          (BotContext  *ctx,
                                            BotbenchBot *bot,
                                            BotbenchBot *saved,
                                            gint64       bot_id,
                                            gboolean     dry_run);
int       _botbench_cli_unregister_v2      (BotContext  *ctx,
                                            BotbenchBot *saved,
                                            gboolean     dry_run);
int       _botbench_cli_command_register_v2 (BotContext         *ctx,
                                             BotbenchBot        *saved,
                                             BotbenchBotCommand *command,
                                             gboolean            dry_run);
/* botbench-cli-bots-list.c: `bots --v2`. */
int       _botbench_cli_bots_v2            (BotContext  *ctx);
/* TRUE for NULL, "" or only white space. */
gboolean  _botbench_cli_token_blank        (const char  *token);
/* TRUE for a webhook profile: v2 calls carry the bot's botToken. */
gboolean  _botbench_cli_webhook_auth       (BotContext  *ctx);
/* Gives @bot the keyring's botToken (webhook profiles) when it has none;
 * FALSE (printed) when the keyring cannot be read. */
gboolean  _botbench_cli_load_bot_token     (BotContext  *ctx,
                                            BotbenchBot *bot);

G_END_DECLS
