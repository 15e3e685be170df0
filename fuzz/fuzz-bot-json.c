/* fuzz-bot-json.c: bot definition files and commands, imported and validated
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Input: a definition file as `botbench-cli register FILE` and the Bots page
 * import it (botbench_bot_new_from_data), then everything done with the
 * result: the validator (registration, and update from an empty bot), the
 * request bodies and the definition written back.  The same bytes go through
 * the command import (botbench_bot_command_new_from_json).
 * Seeds: fuzz/seeds/bot-json/ and tests/bots/.
 */
#include "config.h"

#include "botbench-core.h"
#include "fuzz-common.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_init_environment ();
  return 0;
}

static void
free_node (JsonNode *node)
{
  if (node != NULL)
    json_node_unref (node);
}

static void
exercise_bot (BotbenchBot *bot)
{
  g_autoptr(BotbenchBot) empty = botbench_bot_new ();
  g_autoptr(BotbenchBot) copy = botbench_bot_copy (bot);
  g_autoptr(GPtrArray) issues = NULL;
  g_autoptr(GPtrArray) update_issues = NULL;
  g_autoptr(GPtrArray) others = g_ptr_array_new_with_free_func ((GDestroyNotify)botbench_bot_handler_set_free);
  g_autofree char *written = NULL;
  BotbenchBotValidationContext context = { 0 };
  GListModel *commands;

  issues = botbench_bot_validate (bot, NULL);
  g_assert_nonnull (issues);
  botbench_bot_issues_have_error (issues);

  /* A sandbox (loopback) profile with one other bot, and an update of @empty */
  g_ptr_array_add (others, botbench_bot_handler_set_new (copy));
  context.portal_url = "http://127.0.0.1:8090/";
  context.other_handler_sets = others;
  context.owner_bot_count = 4;
  context.bot_limit = BOTBENCH_BOT_DEFAULT_LIMIT;
  context.previous = empty;
  update_issues = botbench_bot_validate (bot, &context);
  g_assert_nonnull (update_issues);

  free_node (botbench_bot_build_register_body (bot, "fuzz-client"));
  free_node (botbench_bot_build_update_fields (empty, bot, NULL));
  free_node (botbench_bot_build_unregister_body (bot, NULL));
  written = botbench_bot_to_data (bot);
  g_assert_nonnull (written);

  commands = botbench_bot_get_commands (bot);
  for (guint i = 0; i < g_list_model_get_n_items (commands); i++)
    {
      g_autoptr(BotbenchBotCommand) command = g_list_model_get_item (commands, i);

      free_node (botbench_bot_command_build_register_body (command, 1, NULL));
    }
}

static void
exercise_command (const uint8_t *data,
                  size_t         size)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(BotbenchBotCommand) command = NULL;
  g_autoptr(BotbenchBotCommand) empty = NULL;
  JsonNode *root;

  if (!json_parser_load_from_data (parser, (const char *)data, size, NULL))
    return;
  root = json_parser_get_root (parser);
  if (root == NULL)
    return;

  command = botbench_bot_command_new_from_json (root, warnings, &error);
  g_assert ((command == NULL) != (error == NULL));
  if (command == NULL)
    return;

  empty = botbench_bot_command_new ("fuzz");
  free_node (botbench_bot_command_to_json (command));
  free_node (botbench_bot_command_build_register_body (command, 1, "fuzz-client"));
  free_node (botbench_bot_command_build_update_body (empty, command, NULL));
  free_node (botbench_bot_command_build_unregister_body (command, NULL));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(BotbenchBot) bot = NULL;

  bot = botbench_bot_new_from_data ((const char *)data, size, warnings, &error);
  g_assert ((bot == NULL) != (error == NULL));
  if (bot != NULL)
    exercise_bot (bot);

  /* Only JSON the definition import parsed: the depth guard in front of
   * json-glib is the import's job, this target's own parser has none. */
  if (!g_error_matches (error, BOTBENCH_BOT_ERROR, BOTBENCH_BOT_ERROR_PARSE))
    exercise_command (data, size);

  return 0;
}
