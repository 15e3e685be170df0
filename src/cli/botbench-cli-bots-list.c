/* botbench-cli-bots-list.c: bots, the portal's bots (imbot.bot.list, or imbot.v2.Bot.list with --v2)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * imbot.bot.list lists the bots of both APIs without saying which one
 * registered a bot (reference v2 §1: "bots registered via either are
 * visible in the other"; how the server records it was not found), so
 * the v1 list marks a bot "v2" from this profile's definitions.  --v2
 * asks imbot.v2.Bot.list once per owner.  Both print JSON on standard
 * output and a table on standard error.
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

static const char *
member_or_empty (JsonObject *object,
                 const char *name)
{
  const char *value = _botbench_cli_json_string (object, name);

  return value != NULL ? value : "";
}

static gint64
member_int (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return 0;
  return json_node_get_int (node);
}

/* "v2" for a bot this profile defines as an imbot.v2 bot, else "v1". */
static const char *
bot_api (BotbenchBot *definition)
{
  return definition != NULL && botbench_bot_get_api (definition) == BOTBENCH_BOT_API_V2 ? "v2" : "v1";
}

/* imbot.v2.Bot.list per owner: the OAuth application, or each botToken
 * of the profile's v2 bots.  Prints {"bots": [...]} (each bot once). */
int
_botbench_cli_bots_v2 (BotContext *ctx)
{
  g_autoptr(GPtrArray) tokens = g_ptr_array_new_with_free_func ((GDestroyNotify)botbench_secret_free);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(JsonArray) bots = json_array_new ();
  g_autoptr(JsonNode) out = _botbench_cli_new_object_node ();
  GListModel *model = G_LIST_MODEL (ctx->bots);
  guint n = g_list_model_get_n_items (model);
  int status;

  if (_botbench_cli_webhook_auth (ctx))
    {
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(BotbenchBot) bot = g_list_model_get_item (model, i);
          const char *token;

          if (botbench_bot_get_api (bot) != BOTBENCH_BOT_API_V2 || !_botbench_cli_load_bot_token (ctx, bot))
            continue;
          token = botbench_bot_get_bot_token (bot);
          if (!_botbench_cli_token_blank (token) &&
              !g_ptr_array_find_with_equal_func (tokens, token, g_str_equal, NULL))
            g_ptr_array_add (tokens, g_strdup (token));
        }
      if (tokens->len == 0)
        g_printerr (_("No v2 bot of this profile has a botToken in the keyring: nothing to list\n"));
    }
  else
    g_ptr_array_add (tokens, NULL);

  for (guint i = 0; i < tokens->len; i++)
    {
      g_autoptr(JsonNode) body = botbench_bot_v2_build_list_body (g_ptr_array_index (tokens, i), 0, 0);
      g_autoptr(JsonNode) result = NULL;
      JsonArray *list;

      if (!(result = _botbench_cli_bot_call (ctx, "imbot.v2.Bot.list", body, FALSE, &status)))
        return status;
      if (!JSON_NODE_HOLDS_OBJECT (result) ||
          !json_object_has_member (json_node_get_object (result), "bots") ||
          !JSON_NODE_HOLDS_ARRAY (json_object_get_member (json_node_get_object (result), "bots")))
        continue;

      list = json_object_get_array_member (json_node_get_object (result), "bots");
      for (guint j = 0; j < json_array_get_length (list); j++)
        {
          JsonNode *entry = json_array_get_element (list, j);
          JsonObject *object;
          gint64 *id;
          g_autofree char *code = NULL;

          if (!JSON_NODE_HOLDS_OBJECT (entry))
            continue;
          object = json_node_get_object (entry);
          id = g_new (gint64, 1);
          *id = member_int (object, "id");
          if (!g_hash_table_add (seen, id))
            continue;
          json_array_add_element (bots, json_node_copy (entry));

          code = botbench_cli_pad (member_or_empty (object, "code"), 24);
          g_printerr ("%-8" G_GINT64_FORMAT " %s %-8s %s\n", *id, code,
                      member_or_empty (object, "eventMode"),
                      botbench_bot_store_lookup_by_id (ctx->bots, *id) != NULL ? _("defined in this profile") : "");
        }
    }

  json_object_set_array_member (json_node_get_object (out), "bots", g_steal_pointer (&bots));
  _botbench_cli_print_masked (out);

  return EXIT_SUCCESS;
}

int
botbench_cli_bots (int    argc,
                   char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_auto(BotContext) ctx = { 0 };
  g_autoptr(JsonNode) body = _botbench_cli_new_object_node ();
  g_autoptr(JsonNode) result = NULL;
  g_autoptr(GError) error = NULL;
  const char *client_id;
  gboolean v2 = FALSE;
  int status;
  const GOptionEntry entries[] = {
    { "v2", 0, 0, G_OPTION_ARG_NONE, &v2, N_("List the imbot.v2 bots of this profile's botTokens (imbot.v2.Bot.list)"), NULL },
    { NULL }
  };

  context = g_option_context_new (_("— list the portal's bots (imbot.bot.list)"));
  g_option_context_set_summary (context,
    _("Prints the portal's bots as JSON; standard error marks the ones this\n"
      "profile has a definition for. Each bot gets \"api\": \"v2\" when this\n"
      "profile's definition of it is an imbot.v2 one, else \"v1\" (imbot.bot.list\n"
      "lists the bots of both APIs and does not say which registered a bot).\n"
      "With --v2: imbot.v2.Bot.list, once per botToken of the profile's v2 bots\n"
      "(once for an OAuth profile)."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((status = botbench_cli_parse_options (context, &argc, &argv)) >= 0)
    return status;
  if (argc != 1)
    return botbench_cli_usage_error (context, _("bots takes no arguments"));

  if (!_botbench_cli_bot_context_init (&ctx, &error))
    return _botbench_cli_bot_command_failed (error);

  if (v2)
    return _botbench_cli_bots_v2 (&ctx);

  if ((client_id = _botbench_cli_bot_context_client_id (&ctx)) != NULL)
    json_object_set_string_member (json_node_get_object (body), "CLIENT_ID", client_id);

  if (!(result = _botbench_cli_bot_call (&ctx, "imbot.bot.list", body, FALSE, &status)))
    return status;

  /* Which API each bot speaks, in the JSON and in the table. */
  if (JSON_NODE_HOLDS_OBJECT (result))
    {
      g_autoptr(GList) members = json_object_get_members (json_node_get_object (result));

      for (const GList *l = members; l != NULL; l = l->next)
        {
          JsonNode *entry = json_object_get_member (json_node_get_object (result), l->data);
          gint64 id = g_ascii_strtoll (l->data, NULL, 10);
          const char *code = JSON_NODE_HOLDS_OBJECT (entry)
            ? _botbench_cli_json_string (json_node_get_object (entry), "CODE")
            : NULL;
          BotbenchBot *mine = botbench_bot_store_lookup_by_id (ctx.bots, id);
          BotbenchBot *same_code = code != NULL ? botbench_bot_store_lookup_by_code (ctx.bots, code) : NULL;
          const char *api = bot_api (mine != NULL ? mine : same_code);
          g_autofree char *code_column = botbench_cli_pad (code != NULL ? code : "", 24);

          if (JSON_NODE_HOLDS_OBJECT (entry))
            json_object_set_string_member (json_node_get_object (entry), "api", api);

          if (mine == NULL && same_code != NULL)
            /* Translators: the bot id, its CODE and its API (columns, already padded) */
            g_printerr (_("%-8s %s %-3s exists on the portal; your definition of it has no bot id (adopt it with update %s)\n"),
                        (const char *)l->data, code_column, api, (const char *)l->data);
          else
            g_printerr ("%-8s %s %-3s %s\n", (const char *)l->data, code_column, api,
                        mine != NULL ? _("defined in this profile") : "");
        }
    }

  _botbench_cli_print_json (result);

  return EXIT_SUCCESS;
}
