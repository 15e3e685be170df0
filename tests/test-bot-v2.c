/* test-bot-v2.c: the imbot.v2 side of BotbenchBot: model, definition files, token, request bodies
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "botbench-bot.h"
#include "botbench-bot-store.h"
#include "botbench-bot-v2.h"
#include "botbench-request-preview.h"
#include "botbench-test-utils.h"

#define TOKEN "s3cr3t-bot-token-0123456789"

static const char v2_definition[] =
  "{\n"
  "  \"fields\": {\n"
  "    \"code\": \"helper\",\n"
  "    \"botToken\": \"" TOKEN "\",\n"
  "    \"type\": \"supervisor\",\n"
  "    \"eventMode\": \"webhook\",\n"
  "    \"webhookUrl\": \"https://example.com/hook\",\n"
  "    \"isHidden\": true,\n"
  "    \"isReactionsEnabled\": false,\n"
  "    \"isSupportOpenline\": \"Y\",\n"
  "    \"backgroundId\": \"teal\",\n"
  "    \"properties\": {\n"
  "      \"name\": \"Helper\",\n"
  "      \"lastName\": \"Bot\",\n"
  "      \"workPosition\": \"Support\",\n"
  "      \"color\": \"lightBlue\",\n"
  "      \"gender\": \"F\",\n"
  "      \"avatar\": \"aGVsbG8=\"\n"
  "    }\n"
  "  },\n"
  "  \"BOTBENCH\": {\"BOT_ID\": 42, \"PROFILE_UUID\": \"p-1\"}\n"
  "}\n";

static BotbenchBot *
parse (const char *data,
       GPtrArray  *warnings)
{
  g_autoptr(GError) error = NULL;
  BotbenchBot *bot = botbench_bot_new_from_data (data, -1, warnings, &error);

  g_assert_no_error (error);
  g_assert_nonnull (bot);
  return bot;
}

static void
test_defaults (void)
{
  g_autoptr(BotbenchBot) bot = botbench_bot_new ();

  g_assert_cmpint (botbench_bot_get_api (bot), ==, BOTBENCH_BOT_API_V1);
  g_assert_true (botbench_bot_get_is_reactions_enabled (bot));
  g_assert_false (botbench_bot_get_is_hidden (bot));
  g_assert_false (botbench_bot_get_is_support_openline (bot));
  g_assert_null (botbench_bot_get_event_mode (bot));
  g_assert_cmpint (botbench_bot_get_effective_event_mode (bot), ==, BOTBENCH_BOT_EVENT_MODE_FETCH);
  botbench_bot_set_event_mode (bot, "WebHook");
  g_assert_cmpint (botbench_bot_get_effective_event_mode (bot), ==, BOTBENCH_BOT_EVENT_MODE_WEBHOOK);
  botbench_bot_set_event_mode (bot, "push");
  g_assert_cmpint (botbench_bot_get_effective_event_mode (bot), ==, BOTBENCH_BOT_EVENT_MODE_FETCH);

  /* notify once per change, never for the same value */
  botbench_test_expect_property_notify (bot, "event-mode");
  botbench_bot_set_event_mode (bot, "fetch");
  botbench_test_assert_expected_notifies (bot);
  botbench_test_expect_property_notify (bot, "is-hidden");
  g_object_set (bot, "is-hidden", TRUE, NULL);
  botbench_bot_set_is_hidden (bot, TRUE);
  botbench_test_assert_expected_notifies (bot);
  botbench_test_expect_property_notify (bot, "api");
  botbench_bot_set_api (bot, BOTBENCH_BOT_API_V2);
  botbench_bot_set_api (bot, BOTBENCH_BOT_API_V2);
  botbench_test_assert_expected_notifies (bot);
  {
    guint api = 0;
    gboolean reactions = FALSE;

    g_object_get (bot, "api", &api, "is-reactions-enabled", &reactions, NULL);
    g_assert_cmpuint (api, ==, 2);
    g_assert_true (reactions);
  }

  g_assert_true (botbench_bot_v2_type_is_known (NULL));
  g_assert_true (botbench_bot_v2_type_is_known ("Supervisor"));
  g_assert_true (botbench_bot_v2_type_is_known ("network"));
  g_assert_false (botbench_bot_v2_type_is_known ("robot"));
  g_assert_false (botbench_bot_v2_type_is_known ("B"));
}

static void
test_read (void)
{
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(BotbenchBot) bot = parse (v2_definition, warnings);

  g_assert_cmpuint (warnings->len, ==, 0);
  g_assert_cmpint (botbench_bot_get_api (bot), ==, BOTBENCH_BOT_API_V2);
  g_assert_cmpstr (botbench_bot_get_code (bot), ==, "helper");
  g_assert_cmpstr (botbench_bot_get_bot_token (bot), ==, TOKEN);
  g_assert_cmpstr (botbench_bot_get_v2_type (bot), ==, "supervisor");
  g_assert_cmpint (botbench_bot_get_effective_event_mode (bot), ==, BOTBENCH_BOT_EVENT_MODE_WEBHOOK);
  g_assert_cmpstr (botbench_bot_get_webhook_url (bot), ==, "https://example.com/hook");
  g_assert_true (botbench_bot_get_is_hidden (bot));
  g_assert_false (botbench_bot_get_is_reactions_enabled (bot));
  g_assert_true (botbench_bot_get_is_support_openline (bot));
  g_assert_cmpstr (botbench_bot_get_background_id (bot), ==, "teal");
  g_assert_cmpstr (botbench_bot_get_name (bot), ==, "Helper");
  g_assert_cmpstr (botbench_bot_get_last_name (bot), ==, "Bot");
  g_assert_cmpstr (botbench_bot_get_property_value (bot, BOTBENCH_BOT_PROPERTY_WORK_POSITION), ==, "Support");
  g_assert_cmpint (botbench_bot_get_color (bot), ==, BOTBENCH_BOT_COLOR_LIGHT_BLUE);
  g_assert_cmpint (botbench_bot_get_gender (bot), ==, BOTBENCH_BOT_GENDER_FEMALE);
  g_assert_cmpstr (botbench_bot_get_property_value (bot, BOTBENCH_BOT_PROPERTY_PERSONAL_PHOTO), ==, "aGVsbG8=");
  g_assert_cmpint (botbench_bot_get_bot_id (bot), ==, 42);
  g_assert_cmpstr (botbench_bot_get_profile_uuid (bot), ==, "p-1");
}

/* UPPER_SNAKE aliases, a top-level botToken that wins, the server's
 * booleans, and warnings for what the portal ignores. */
static void
test_read_aliases (void)
{
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(BotbenchBot) bot = NULL;
  g_autofree char *all = NULL;

  bot = parse ("{\"botToken\": \"top\", \"extra\": 1,"
               " \"fields\": {\"CODE\": \"a\", \"BOT_TOKEN\": \"inner\", \"IS_HIDDEN\": \"true\","
               "  \"isReactionsEnabled\": 0, \"EVENT_MODE\": \"Fetch\", \"colour\": \"red\","
               "  \"backgroundId\": \"plaid\","
               "  \"PROPERTIES\": {\"NAME\": \"A\", \"color\": \"LIGHT_BLUE\", \"gender\": \"X\", \"email\": \"e\"}}}",
               warnings);

  g_assert_cmpint (botbench_bot_get_api (bot), ==, BOTBENCH_BOT_API_V2);
  g_assert_cmpstr (botbench_bot_get_code (bot), ==, "a");
  g_assert_cmpstr (botbench_bot_get_bot_token (bot), ==, "top");
  g_assert_true (botbench_bot_get_is_hidden (bot));
  g_assert_false (botbench_bot_get_is_reactions_enabled (bot));
  g_assert_cmpstr (botbench_bot_get_event_mode (bot), ==, "Fetch");
  g_assert_cmpstr (botbench_bot_get_name (bot), ==, "A");
  g_assert_cmpint (botbench_bot_get_color (bot), ==, BOTBENCH_BOT_COLOR_LIGHT_BLUE);
  g_assert_cmpint (botbench_bot_get_gender (bot), ==, BOTBENCH_BOT_GENDER_NONE);

  g_ptr_array_add (warnings, NULL);
  all = g_strjoinv ("\n", (char **)warnings->pdata);
  g_assert_nonnull (strstr (all, "“extra”"));
  g_assert_nonnull (strstr (all, "fields.colour"));
  g_assert_nonnull (strstr (all, "plaid"));
  g_assert_nonnull (strstr (all, "fields.properties.email"));
  g_assert_nonnull (strstr (all, "“X”"));
  g_assert_cmpuint (warnings->len, ==, 5 + 1);
}

static void
test_read_errors (void)
{
  static const char *bad[] = {
    "{\"fields\": 3}",
    "{\"fields\": [\"code\"]}",
    "{\"fields\": {\"code\": {\"x\": 1}}}",
    "{\"fields\": {\"properties\": \"Helper\"}}",
    "{\"fields\": {\"properties\": {\"name\": [1]}}}",
    "{\"fields\": {\"isHidden\": {}}}",
    "{\"botToken\": [], \"fields\": {}}",
    "{\"fields\": {}, \"BOTBENCH\": {\"BOT_ID\": \"x\"}}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(BotbenchBot) bot = botbench_bot_new_from_data (bad[i], -1, NULL, &error);

      g_assert_null (bot);
      g_assert_error (error, BOTBENCH_BOT_ERROR, BOTBENCH_BOT_ERROR_BAD_VALUE);
    }
}

/* The written form reads back the same, and never holds the token. */
static void
test_round_trip (void)
{
  g_autoptr(BotbenchBot) bot = parse (v2_definition, NULL);
  g_autoptr(BotbenchBot) again = NULL;
  g_autoptr(BotbenchBot) copy = NULL;
  g_autofree char *data = botbench_bot_to_data (bot);
  g_autofree char *data2 = NULL;
  g_autofree char *data3 = NULL;

  g_assert_null (strstr (data, TOKEN));
  g_assert_null (strstr (data, "botToken"));
  g_assert_nonnull (strstr (data, "\"fields\""));
  g_assert_nonnull (strstr (data, "\"lightBlue\""));

  again = parse (data, NULL);
  g_assert_cmpint (botbench_bot_get_api (again), ==, BOTBENCH_BOT_API_V2);
  g_assert_null (botbench_bot_get_bot_token (again));
  data2 = botbench_bot_to_data (again);
  g_assert_cmpstr (data, ==, data2);

  copy = botbench_bot_copy (bot);
  g_assert_cmpstr (botbench_bot_get_bot_token (copy), ==, TOKEN);
  data3 = botbench_bot_to_data (copy);
  g_assert_cmpstr (data, ==, data3);
}

/* A stored v1 definition reads and writes exactly as before. */
static void
test_v1_unchanged (void)
{
  static const char v1[] =
    "{\n"
    "  \"CODE\" : \"old\",\n"
    "  \"TYPE\" : \"S\",\n"
    "  \"OPENLINE\" : \"N\",\n"
    "  \"EVENT_HANDLER\" : \"https://example.com/h\",\n"
    "  \"PROPERTIES\" : {\n"
    "    \"NAME\" : \"Old\",\n"
    "    \"COLOR\" : \"LIGHT_BLUE\"\n"
    "  },\n"
    "  \"BOTBENCH\" : {\n"
    "    \"BOT_ID\" : 7\n"
    "  }\n"
    "}\n";
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(BotbenchBot) bot = parse (v1, warnings);
  g_autofree char *data = botbench_bot_to_data (bot);

  g_assert_cmpuint (warnings->len, ==, 0);
  g_assert_cmpint (botbench_bot_get_api (bot), ==, BOTBENCH_BOT_API_V1);
  g_assert_cmpint (botbench_bot_get_bot_type (bot), ==, BOTBENCH_BOT_TYPE_SUPERVISOR);
  g_assert_cmpstr (data, ==, v1);
}

/* The bot store keeps v2 bots, without their token. */
static void
test_store (void)
{
  g_autofree char *dir = botbench_test_make_tmp_dir ();
  g_autoptr(BotbenchBotStore) store = botbench_bot_store_new ("p-1", dir);
  g_autoptr(BotbenchBotStore) reopened = botbench_bot_store_new ("p-1", dir);
  g_autoptr(BotbenchBot) bot = parse (v2_definition, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  BotbenchBot *loaded;

  g_assert_true (botbench_bot_store_load (store, &error));
  g_assert_true (botbench_bot_store_add (store, bot, &error));
  g_assert_no_error (error);

  path = g_build_filename (botbench_bot_store_get_directory (store), "helper.json", NULL);
  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_null (strstr (contents, TOKEN));

  g_assert_true (botbench_bot_store_load (reopened, &error));
  loaded = botbench_bot_store_lookup_by_id (reopened, 42);
  g_assert_nonnull (loaded);
  g_assert_cmpint (botbench_bot_get_api (loaded), ==, BOTBENCH_BOT_API_V2);
  g_assert_cmpstr (botbench_bot_get_v2_type (loaded), ==, "supervisor");
  g_assert_null (botbench_bot_get_bot_token (loaded));

  botbench_test_rm_rf (dir);
}

/* `register --v2`: an object without "fields" is the fields. */
static void
test_bare (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string ("{\"code\": \"c\", \"properties\": {\"name\": \"N\"}}", &error);
  g_autoptr(BotbenchBot) bot = botbench_bot_new_v2_from_json (node, NULL, &error);
  g_autoptr(JsonNode) v1node = json_from_string ("{\"CODE\": \"c\"}", &error);
  g_autoptr(BotbenchBot) v1bot = botbench_bot_new_from_json (v1node, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpint (botbench_bot_get_api (bot), ==, BOTBENCH_BOT_API_V2);
  g_assert_cmpstr (botbench_bot_get_code (bot), ==, "c");
  g_assert_cmpstr (botbench_bot_get_name (bot), ==, "N");
  /* without --v2 the same shape is v1 */
  g_assert_cmpint (botbench_bot_get_api (v1bot), ==, BOTBENCH_BOT_API_V1);
}

static void
test_token (void)
{
  g_autoptr(BotbenchBot) bot = botbench_bot_new ();
  g_autofree char *a = botbench_bot_v2_generate_token ();
  g_autofree char *b = botbench_bot_v2_generate_token ();
  g_autofree char *kept = NULL;

  g_assert_cmpuint (strlen (a), ==, BOTBENCH_BOT_V2_TOKEN_MAX);
  for (const char *p = a; *p != '\0'; p++)
    g_assert_true (g_ascii_isdigit (*p) || (*p >= 'a' && *p <= 'f'));
  g_assert_cmpstr (a, !=, b);

  botbench_bot_set_bot_token (bot, "  ");
  g_assert_true (botbench_bot_ensure_bot_token (bot));
  g_assert_cmpuint (strlen (botbench_bot_get_bot_token (bot)), ==, 40);
  kept = g_strdup (botbench_bot_get_bot_token (bot));
  g_assert_false (botbench_bot_ensure_bot_token (bot));
  g_assert_cmpstr (botbench_bot_get_bot_token (bot), ==, kept);

  g_assert_cmpint (botbench_bot_v2_token_length ("ÄÖÜ"), ==, 3);
}

static void
test_colors (void)
{
  BotbenchBotColor color = BOTBENCH_BOT_COLOR_NONE;

  g_assert_true (botbench_bot_color_from_v2_name ("darkBlue", &color));
  g_assert_cmpint (color, ==, BOTBENCH_BOT_COLOR_DARK_BLUE);
  g_assert_true (botbench_bot_color_from_v2_name ("LIGHT_BLUE", &color));
  g_assert_cmpint (color, ==, BOTBENCH_BOT_COLOR_LIGHT_BLUE);
  g_assert_true (botbench_bot_color_from_v2_name ("red", &color));
  g_assert_cmpint (color, ==, BOTBENCH_BOT_COLOR_RED);
  g_assert_false (botbench_bot_color_from_v2_name ("lightblue", &color));
  g_assert_false (botbench_bot_color_from_v2_name ("", &color));
  for (guint c = 1; c <= BOTBENCH_BOT_N_COLORS; c++)
    {
      BotbenchBotColor back = BOTBENCH_BOT_COLOR_NONE;

      g_assert_true (botbench_bot_color_from_v2_name (botbench_bot_color_to_v2_name (c), &back));
      g_assert_cmpint (back, ==, c);
    }
}

static char *
to_string (JsonNode *node)
{
  return json_to_string (node, FALSE);
}

static void
test_bodies (void)
{
  g_autoptr(BotbenchBot) bot = parse (v2_definition, NULL);
  g_autoptr(BotbenchBot) changed = NULL;
  g_autoptr(JsonNode) reg = botbench_bot_v2_build_register_body (bot, TRUE);
  g_autoptr(JsonNode) reg_oauth = botbench_bot_v2_build_register_body (bot, FALSE);
  g_autoptr(JsonNode) none = NULL;
  g_autoptr(JsonNode) update = NULL;
  g_autoptr(JsonNode) unreg = botbench_bot_v2_build_unregister_body (bot, TRUE);
  g_autoptr(BotbenchBotCommand) command = botbench_bot_command_new ("help");
  g_autoptr(JsonNode) cmd = NULL;
  g_autofree char *text = NULL;
  JsonObject *fields;

  fields = json_object_get_object_member (json_node_get_object (reg), "fields");
  g_assert_cmpstr (json_object_get_string_member (fields, "botToken"), ==, TOKEN);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (reg), "botToken"), ==, TOKEN);
  g_assert_cmpstr (json_object_get_string_member (fields, "code"), ==, "helper");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (fields, "properties"), "color"),
                   ==, "lightBlue");
  g_assert_false (json_object_has_member (json_node_get_object (reg), "BOTBENCH"));
  text = to_string (reg_oauth);
  g_assert_null (strstr (text, TOKEN));
  g_clear_pointer (&text, g_free);

  /* nothing changed: nothing to send */
  changed = botbench_bot_copy (bot);
  none = botbench_bot_v2_build_update_body (bot, changed, TRUE);
  g_assert_null (none);

  botbench_bot_set_name (changed, "Helper 2");
  botbench_bot_set_is_hidden (changed, FALSE);
  botbench_bot_set_background_id (changed, NULL);
  botbench_bot_set_bot_token (changed, "new-token");
  botbench_bot_set_v2_type (changed, "bot");
  update = botbench_bot_v2_build_update_body (bot, changed, TRUE);
  text = to_string (update);
  g_assert_cmpstr (text, ==,
                   "{\"botId\":42,\"botToken\":\"" TOKEN "\",\"fields\":{\"properties\":{\"name\":\"Helper 2\"},"
                   "\"isHidden\":false,\"backgroundId\":null,\"botToken\":\"new-token\"}}");
  g_clear_pointer (&text, g_free);

  text = to_string (unreg);
  g_assert_cmpstr (text, ==, "{\"botId\":42,\"botToken\":\"" TOKEN "\"}");
  g_clear_pointer (&text, g_free);

  botbench_bot_command_set_lang (command, "en", "Help", "topic");
  botbench_bot_command_set_lang (command, "de", "Hilfe", NULL);
  cmd = botbench_bot_v2_build_command_register_body (bot, command, FALSE);
  text = to_string (cmd);
  g_assert_cmpstr (text, ==,
                   "{\"botId\":42,\"fields\":{\"command\":\"help\",\"title\":{\"en\":\"Help\",\"de\":\"Hilfe\"},"
                   "\"params\":{\"en\":\"topic\"},\"common\":false,\"hidden\":false,\"extranetSupport\":false}}");
}

static void
test_mask (void)
{
  g_autoptr(BotbenchBot) bot = parse (v2_definition, NULL);
  g_autoptr(JsonNode) reg = botbench_bot_v2_build_register_body (bot, TRUE);
  g_autoptr(JsonNode) node = json_from_string ("{\"botToken\":\"a1234\",\"list\":[{\"BOT_TOKEN\":\"b1234\"}],"
                                               "\"n\":1}", NULL);
  g_autofree char *text = NULL;
  g_autofree char *masked = NULL;

  botbench_bot_v2_mask_body (json_node_get_object (reg));
  text = to_string (reg);
  g_assert_null (strstr (text, TOKEN));
  g_assert_nonnull (strstr (text, BOTBENCH_MASK));

  botbench_bot_v2_mask_body (json_node_get_object (node));
  masked = to_string (node);
  g_assert_cmpstr (masked, ==, "{\"botToken\":\"" BOTBENCH_MASK "\",\"list\":[{\"BOT_TOKEN\":\"" BOTBENCH_MASK "\"}],"
                   "\"n\":1}");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/bot-v2/model/defaults", test_defaults);
  g_test_add_func ("/bot-v2/json/read", test_read);
  g_test_add_func ("/bot-v2/json/aliases", test_read_aliases);
  g_test_add_func ("/bot-v2/json/errors", test_read_errors);
  g_test_add_func ("/bot-v2/json/round-trip", test_round_trip);
  g_test_add_func ("/bot-v2/json/v1-unchanged", test_v1_unchanged);
  g_test_add_func ("/bot-v2/json/bare", test_bare);
  g_test_add_func ("/bot-v2/store/no-token", test_store);
  g_test_add_func ("/bot-v2/token/generate", test_token);
  g_test_add_func ("/bot-v2/model/colors", test_colors);
  g_test_add_func ("/bot-v2/bodies/build", test_bodies);
  g_test_add_func ("/bot-v2/bodies/mask", test_mask);

  return g_test_run ();
}
