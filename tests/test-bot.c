/* test-bot.c: bot definitions, their JSON and the request bodies
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-bot"

#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "botbench-bot.h"
#include "botbench-bot-command.h"
#include "botbench-json.h"
#include "botbench-test-utils.h"

static char *
bots_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "bots", name, NULL);
}

static char *
read_sample (const char *name)
{
  g_autofree char *path = bots_path (name);
  g_autoptr(GError) error = NULL;
  char *data = NULL;

  g_file_get_contents (path, &data, NULL, &error);
  g_assert_no_error (error);

  return data;
}

static BotbenchBot *
load_sample (const char *name,
             GPtrArray  *warnings)
{
  g_autofree char *path = bots_path (name);
  g_autoptr(GError) error = NULL;
  BotbenchBot *bot;

  bot = botbench_bot_new_from_file (path, warnings, &error);
  g_assert_no_error (error);
  g_assert_nonnull (bot);

  return bot;
}

static char *
node_to_string (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, node);
  return json_generator_to_data (generator, NULL);
}

static JsonNode *
parse (const char *json)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (json, &error);

  g_assert_no_error (error);
  return node;
}

static BotbenchBot *
bot_from_string (const char *json,
                 GPtrArray  *warnings)
{
  g_autoptr(GError) error = NULL;
  BotbenchBot *bot = botbench_bot_new_from_data (json, -1, warnings, &error);

  g_assert_no_error (error);
  g_assert_nonnull (bot);
  return bot;
}

static void
assert_json (JsonNode   *node,
             const char *expected)
{
  g_autofree char *actual = node_to_string (node);

  g_assert_cmpstr (actual, ==, expected);
}

static gboolean
warnings_contain (GPtrArray  *warnings,
                  const char *needle)
{
  for (guint i = 0; i < warnings->len; i++)
    if (strstr (g_ptr_array_index (warnings, i), needle) != NULL)
      return TRUE;
  return FALSE;
}

/* Import → export gives back the canonical file, byte for byte. */
static void
test_round_trip (gconstpointer data)
{
  const char *name = data;
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(BotbenchBot) bot = load_sample (name, warnings);
  g_autofree char *expected = read_sample (name);
  g_autofree char *exported = botbench_bot_to_data (bot);
  g_autoptr(BotbenchBot) again = NULL;
  g_autofree char *exported_again = NULL;

  g_assert_cmpuint (warnings->len, ==, 0);
  g_assert_cmpstr (exported, ==, expected);

  again = bot_from_string (exported, warnings);
  exported_again = botbench_bot_to_data (again);
  g_assert_cmpstr (exported_again, ==, expected);
  g_assert_cmpuint (warnings->len, ==, 0);
}

static void
test_fields_read (void)
{
  g_autoptr(BotbenchBot) bot = load_sample ("supervisor-bot.json", NULL);
  g_autoptr(BotbenchBotCommand) command = NULL;
  const BotbenchBotCommandLang *lang;

  g_assert_cmpstr (botbench_bot_get_code (bot), ==, "watcher");
  g_assert_cmpint (botbench_bot_get_bot_type (bot), ==, BOTBENCH_BOT_TYPE_SUPERVISOR);
  g_assert_false (botbench_bot_get_openline (bot));
  g_assert_null (botbench_bot_get_event_handler (bot));
  g_assert_cmpstr (botbench_bot_get_handler (bot, BOTBENCH_BOT_HANDLER_WELCOME_MESSAGE), ==,
                   "https://bot.example.com/bitrix/welcome");
  g_assert_cmpstr (botbench_bot_get_last_name (bot), ==, "Bot");
  g_assert_cmpint (botbench_bot_get_color (bot), ==, BOTBENCH_BOT_COLOR_MARENGO);
  g_assert_cmpint (botbench_bot_get_gender (bot), ==, BOTBENCH_BOT_GENDER_FEMALE);
  g_assert_cmpstr (botbench_bot_get_property_value (bot, BOTBENCH_BOT_PROPERTY_PERSONAL_BIRTHDAY), ==,
                   "2016-03-11");
  g_assert_cmpint (botbench_bot_get_bot_id (bot), ==, 39);
  g_assert_cmpstr (botbench_bot_get_profile_uuid (bot), ==, "0b7a3f5e-3c1e-4b7e-9a55-1f2d3c4b5a69");

  g_assert_cmpuint (g_list_model_get_n_items (botbench_bot_get_commands (bot)), ==, 1);
  command = g_list_model_get_item (botbench_bot_get_commands (bot), 0);
  g_assert_true (botbench_bot_lookup_command (bot, "echo") == command);
  g_assert_cmpint (botbench_bot_command_get_command_id (command), ==, 7);
  g_assert_true (botbench_bot_command_get_extranet_support (command));
  g_assert_false (botbench_bot_command_get_common (command));
  g_assert_cmpuint (botbench_bot_command_get_n_langs (command), ==, 2);
  lang = botbench_bot_command_get_lang (command, 1);
  g_assert_cmpstr (lang->language_id, ==, "de");
  g_assert_cmpstr (lang->title, ==, "Text wiederholen");
  g_assert_cmpstr (lang->params, ==, "Text");
}

/* §1.1: top-level keys are upper-cased by the server; PROPERTIES keys are not. */
static void
test_case_insensitive_keys (void)
{
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(BotbenchBot) bot = load_sample ("lowercase-keys.json", warnings);
  g_autoptr(BotbenchBot) canonical = load_sample ("echo-bot.json", NULL);
  g_autoptr(JsonNode) body = botbench_bot_build_register_body (bot, NULL);
  g_autoptr(JsonNode) canonical_body = botbench_bot_build_register_body (canonical, NULL);
  g_autofree char *canonical_text = node_to_string (canonical_body);

  g_assert_cmpstr (botbench_bot_get_code (bot), ==, "echobot");
  g_assert_cmpstr (botbench_bot_get_event_handler (bot), ==, "https://bot.example.com/bitrix/events");
  /* PROPERTIES.name and PROPERTIES.Color are not NAME and COLOR */
  g_assert_cmpstr (botbench_bot_get_name (bot), ==, "EchoBot");
  g_assert_cmpint (botbench_bot_get_color (bot), ==, BOTBENCH_BOT_COLOR_GREEN);
  assert_json (body, canonical_text);

  g_assert_cmpuint (warnings->len, ==, 4);
  g_assert_true (warnings_contain (warnings, "PROPERTIES.name is ignored by the portal"));
  g_assert_true (warnings_contain (warnings, "PROPERTIES.Color is ignored by the portal"));
  g_assert_true (warnings_contain (warnings, "PROPERTIES.FAVOURITE_FOOD is not a bot property"));
  g_assert_true (warnings_contain (warnings, "“AVATAR”"));
  /* CLIENT_ID is a known parameter (it comes from the profile on export) */
  g_assert_false (warnings_contain (warnings, "CLIENT_ID"));
}

static void
test_lower_case_properties_only (void)
{
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(BotbenchBot) bot = bot_from_string ("{\"CODE\":\"x\",\"PROPERTIES\":{\"name\":\"Bot\"}}", warnings);

  /* the server would answer NAME_ERROR: no PROPERTIES[NAME] */
  g_assert_null (botbench_bot_get_name (bot));
  g_assert_cmpuint (warnings->len, ==, 1);
  g_assert_true (warnings_contain (warnings, "write NAME"));
}

/* array_change_key_case(): a later key wins */
static void
test_duplicate_keys (void)
{
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(BotbenchBot) bot = bot_from_string ("{\"CODE\":\"a\",\"code\":\"b\",\"Code\":\"c\"}", warnings);
  g_autoptr(BotbenchBot) reversed = bot_from_string ("{\"code\":\"b\",\"CODE\":\"a\"}", NULL);

  g_assert_cmpstr (botbench_bot_get_code (bot), ==, "c");
  g_assert_cmpstr (botbench_bot_get_code (reversed), ==, "a");
  g_assert_cmpuint (warnings->len, ==, 2);
  g_assert_true (warnings_contain (warnings, "“Code”, is used"));
}

static void
test_register_body (void)
{
  g_autoptr(BotbenchBot) bot = load_sample ("supervisor-bot.json", NULL);
  g_autoptr(JsonNode) body = botbench_bot_build_register_body (bot, "abc123");
  JsonObject *object = json_node_get_object (body);
  g_autoptr(GList) members = json_object_get_members (object);

  g_assert_false (json_object_has_member (object, BOTBENCH_BOT_JSON_EXTENSION_KEY));
  g_assert_cmpstr (json_object_get_string_member (object, "CLIENT_ID"), ==, "abc123");
  g_assert_cmpstr (g_list_last (members)->data, ==, "CLIENT_ID");
  g_assert_cmpstr (members->data, ==, "CODE");
  g_assert_cmpstr (json_object_get_string_member (object, "TYPE"), ==, "S");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (object, "PROPERTIES"), "COLOR"),
                   ==, "MARENGO");
}

static void
test_unknown_values (void)
{
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(BotbenchBot) bot = NULL;
  g_autoptr(BotbenchBot) openline = NULL;
  g_autoptr(JsonNode) body = NULL;

  bot = bot_from_string ("{\"CODE\":\"x\",\"TYPE\":\"N\",\"OPENLINE\":\"y\","
                         "\"PROPERTIES\":{\"NAME\":\"X\",\"COLOR\":\"ORANGE\",\"PERSONAL_GENDER\":\"X\"}}",
                         warnings);
  g_assert_cmpint (botbench_bot_get_bot_type (bot), ==, BOTBENCH_BOT_TYPE_BOT);
  g_assert_false (botbench_bot_get_openline (bot));
  g_assert_cmpint (botbench_bot_get_color (bot), ==, BOTBENCH_BOT_COLOR_NONE);
  g_assert_cmpint (botbench_bot_get_gender (bot), ==, BOTBENCH_BOT_GENDER_NONE);
  g_assert_cmpuint (warnings->len, ==, 4);
  g_assert_true (warnings_contain (warnings, "TYPE “N”"));
  g_assert_true (warnings_contain (warnings, "OPENLINE “y”"));
  g_assert_true (warnings_contain (warnings, "“ORANGE”"));
  g_assert_true (warnings_contain (warnings, "“X” is neither M nor F"));

  body = botbench_bot_build_register_body (bot, NULL);
  assert_json (body, "{\"CODE\":\"x\",\"TYPE\":\"B\",\"OPENLINE\":\"N\",\"PROPERTIES\":{\"NAME\":\"X\"}}");

  openline = bot_from_string ("{\"OPENLINE\":\"Y\",\"TYPE\":\"H\"}", NULL);
  g_assert_true (botbench_bot_get_openline (openline));
  g_assert_cmpint (botbench_bot_get_bot_type (openline), ==, BOTBENCH_BOT_TYPE_HUMAN);
}

/* NULL is "not sent"; "" is sent (PROPERTIES[NAME] = "" counts as present). */
static void
test_null_and_empty (void)
{
  g_autoptr(BotbenchBot) bot = bot_from_string ("{\"CODE\":\"0\",\"PROPERTIES\":{\"NAME\":\"\",\"EMAIL\":null}}",
                                                NULL);
  g_autoptr(JsonNode) body = botbench_bot_build_register_body (bot, NULL);

  g_assert_cmpstr (botbench_bot_get_name (bot), ==, "");
  g_assert_null (botbench_bot_get_last_name (bot));
  g_assert_null (botbench_bot_get_property_value (bot, BOTBENCH_BOT_PROPERTY_EMAIL));
  assert_json (body, "{\"CODE\":\"0\",\"TYPE\":\"B\",\"OPENLINE\":\"N\",\"PROPERTIES\":{\"NAME\":\"\"}}");
}

static void
test_numbers_as_strings (void)
{
  g_autoptr(BotbenchBot) bot = bot_from_string ("{\"CODE\":42,\"PROPERTIES\":{\"NAME\":7}}", NULL);

  g_assert_cmpstr (botbench_bot_get_code (bot), ==, "42");
  g_assert_cmpstr (botbench_bot_get_name (bot), ==, "7");
}

static void
test_photo_array_form (void)
{
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(BotbenchBot) bot =
    bot_from_string ("{\"PROPERTIES\":{\"PERSONAL_PHOTO\":[\"a.png\",\"AAAA\"]}}", warnings);

  g_assert_cmpstr (botbench_bot_get_property_value (bot, BOTBENCH_BOT_PROPERTY_PERSONAL_PHOTO), ==, "AAAA");
  g_assert_cmpuint (warnings->len, ==, 1);
}

typedef struct
{
  const char *json;
  int         code;
} BadCase;

static const BadCase bad_cases[] = {
  { "{", BOTBENCH_BOT_ERROR_PARSE },
  { "", BOTBENCH_BOT_ERROR_NOT_AN_OBJECT },
  { "[1,2]", BOTBENCH_BOT_ERROR_NOT_AN_OBJECT },
  { "\"CODE\"", BOTBENCH_BOT_ERROR_NOT_AN_OBJECT },
  { "{\"CODE\":{\"a\":1}}", BOTBENCH_BOT_ERROR_BAD_VALUE },
  { "{\"PROPERTIES\":\"NAME\"}", BOTBENCH_BOT_ERROR_BAD_VALUE },
  { "{\"PROPERTIES\":{\"NAME\":[\"a\"]}}", BOTBENCH_BOT_ERROR_BAD_VALUE },
  { "{\"event_message_add\":[]}", BOTBENCH_BOT_ERROR_BAD_VALUE },
  { "{\"BOTBENCH\":{\"BOT_ID\":\"abc\"}}", BOTBENCH_BOT_ERROR_BAD_VALUE },
  { "{\"BOTBENCH\":{\"BOT_ID\":-4}}", BOTBENCH_BOT_ERROR_BAD_VALUE },
  { "{\"BOTBENCH\":{\"COMMANDS\":{}}}", BOTBENCH_BOT_ERROR_BAD_VALUE },
  { "{\"BOTBENCH\":{\"COMMANDS\":[{\"LANG\":[\"en\"]}]}}", BOTBENCH_BOT_ERROR_BAD_VALUE },
};

/* Hostile definitions (issue 8): json-glib never sees them. */
static void
test_hostile_json (void)
{
  g_autoptr(GString) bomb = g_string_new (NULL);
  g_autoptr(GString) deep_photo = g_string_new ("{\"CODE\":\"x\",\"PROPERTIES\":{\"NAME\":\"X\",\"PERSONAL_PHOTO\":");
  static const char nul_inside[] = "{\"CODE\":\"a\0b\"}";
  static const char nul_after[] = "{\"CODE\":\"ab\"}\0";
  g_autoptr(GError) error = NULL;
  g_autoptr(BotbenchBot) bot = NULL;

  for (guint i = 0; i < 100000; i++)
    g_string_append_c (bomb, '[');
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (bomb, ']');
  g_string_append_c (bomb, '\n');

  g_assert_null (botbench_bot_new_from_data (bomb->str, bomb->len, NULL, &error));
  g_assert_error (error, BOTBENCH_BOT_ERROR, BOTBENCH_BOT_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "nested deeper than 512 levels"));
  g_clear_error (&error);

  for (guint i = 0; i < 600; i++)
    g_string_append_c (deep_photo, '[');
  for (guint i = 0; i < 600; i++)
    g_string_append_c (deep_photo, ']');
  g_string_append (deep_photo, "}}");
  g_assert_null (botbench_bot_new_from_data (deep_photo->str, -1, NULL, &error));
  g_assert_error (error, BOTBENCH_BOT_ERROR, BOTBENCH_BOT_ERROR_PARSE);
  g_clear_error (&error);

  /* {..}{..}: json-glib 1.6 would keep the second and leak the first. */
  g_assert_null (botbench_bot_new_from_data ("{\"CODE\":\"one\"}\n{\"CODE\":\"two\"}\n", -1, NULL, &error));
  g_assert_error (error, BOTBENCH_BOT_ERROR, BOTBENCH_BOT_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "Unexpected data after the JSON value at byte 16 (line 2, column 1)"));
  g_clear_error (&error);

  g_assert_null (botbench_bot_new_from_data (nul_inside, sizeof nul_inside - 1, NULL, &error));
  g_assert_error (error, BOTBENCH_BOT_ERROR, BOTBENCH_BOT_ERROR_PARSE);
  g_clear_error (&error);
  g_assert_null (botbench_bot_new_from_data (nul_after, sizeof nul_after - 1, NULL, &error));
  g_assert_error (error, BOTBENCH_BOT_ERROR, BOTBENCH_BOT_ERROR_PARSE);
  g_clear_error (&error);

  /* Leniencies of json-glib that are not JSON. */
  g_assert_null (botbench_bot_new_from_data ("{'CODE':'x'}", -1, NULL, &error));
  g_assert_error (error, BOTBENCH_BOT_ERROR, BOTBENCH_BOT_ERROR_PARSE);
  g_clear_error (&error);
  g_assert_null (botbench_bot_new_from_data ("var bot = {\"CODE\":\"x\"};", -1, NULL, &error));
  g_assert_error (error, BOTBENCH_BOT_ERROR, BOTBENCH_BOT_ERROR_PARSE);
  g_clear_error (&error);

  /* Whitespace around one object is fine, a BOM too. */
  bot = botbench_bot_new_from_data ("\xef\xbb\xbf\n  {\"CODE\":\"x\"}  \n\n", -1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (botbench_bot_get_code (bot), ==, "x");
}

/* 16 MiB, an avatar included; the size is checked before reading. */
static void
test_file_size_limit (void)
{
  g_autofree char *dir = botbench_test_make_tmp_dir ();
  g_autofree char *exact = g_build_filename (dir, "exact.json", NULL);
  g_autofree char *over = g_build_filename (dir, "over.json", NULL);
  g_autofree char *sparse = g_build_filename (dir, "sparse.json", NULL);
  const char *head = "{\"CODE\":\"big\"}";
  g_autofree char *padded = g_malloc (BOTBENCH_BOT_MAX_FILE_SIZE + 1);
  g_autoptr(BotbenchBot) bot = NULL;
  g_autoptr(GError) error = NULL;
  struct rusage before, after;
  int fd;

  memset (padded, ' ', BOTBENCH_BOT_MAX_FILE_SIZE + 1);
  memcpy (padded, head, strlen (head));

  g_assert_true (g_file_set_contents (exact, padded, BOTBENCH_BOT_MAX_FILE_SIZE, NULL));
  bot = botbench_bot_new_from_file (exact, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (botbench_bot_get_code (bot), ==, "big");

  g_assert_true (g_file_set_contents (over, padded, BOTBENCH_BOT_MAX_FILE_SIZE + 1, NULL));
  g_assert_null (botbench_bot_new_from_file (over, NULL, &error));
  g_assert_error (error, BOTBENCH_JSON_ERROR, BOTBENCH_JSON_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "over.json"));
  g_clear_error (&error);

  g_assert_null (botbench_bot_new_from_data (padded, BOTBENCH_BOT_MAX_FILE_SIZE + 1, NULL, &error));
  g_assert_error (error, BOTBENCH_JSON_ERROR, BOTBENCH_JSON_ERROR_TOO_LARGE);
  g_clear_error (&error);

  /* issue 8: `register` read a 1 GiB file whole (1.06 GB RSS). */
  fd = g_open (sparse, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, (off_t)1 << 30), ==, 0);
  close (fd);

  g_assert_cmpint (getrusage (RUSAGE_SELF, &before), ==, 0);
  g_assert_null (botbench_bot_new_from_file (sparse, NULL, &error));
  g_assert_cmpint (getrusage (RUSAGE_SELF, &after), ==, 0);
  g_assert_error (error, BOTBENCH_JSON_ERROR, BOTBENCH_JSON_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "GiB"));
  /* Peak RSS (KiB) did not grow by the file. */
  g_assert_cmpint (after.ru_maxrss - before.ru_maxrss, <, 64 * 1024);

  botbench_test_rm_rf (dir);
}

static void
test_bad_input (gconstpointer data)
{
  const BadCase *c = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(BotbenchBot) bot = botbench_bot_new_from_data (c->json, -1, NULL, &error);

  g_assert_null (bot);
  g_assert_error (error, BOTBENCH_BOT_ERROR, c->code);
}

/* imbot.update: only what changed goes into FIELDS (§2.2). */

typedef struct
{
  const char *name;
  const char *old;
  const char *new_;
  const char *expected;   /* NULL: nothing to update */
} UpdateCase;

#define BASE "\"CODE\":\"echobot\",\"EVENT_HANDLER\":\"https://a.example.com/h\""

static const UpdateCase update_cases[] = {
  { "same",
    "{" BASE ",\"PROPERTIES\":{\"NAME\":\"Echo\"}}",
    "{" BASE ",\"PROPERTIES\":{\"NAME\":\"Echo\"}}",
    NULL },
  { "name",
    "{" BASE ",\"PROPERTIES\":{\"NAME\":\"Echo\",\"COLOR\":\"RED\"}}",
    "{" BASE ",\"PROPERTIES\":{\"NAME\":\"Echo 2\",\"COLOR\":\"RED\"}}",
    "{\"BOT_ID\":39,\"FIELDS\":{\"PROPERTIES\":{\"NAME\":\"Echo 2\"}}}" },
  { "color-and-gender",
    "{" BASE ",\"PROPERTIES\":{\"NAME\":\"Echo\",\"COLOR\":\"RED\"}}",
    "{" BASE ",\"PROPERTIES\":{\"NAME\":\"Echo\",\"COLOR\":\"AZURE\",\"PERSONAL_GENDER\":\"F\"}}",
    "{\"BOT_ID\":39,\"FIELDS\":{\"PROPERTIES\":{\"COLOR\":\"AZURE\",\"PERSONAL_GENDER\":\"F\"}}}" },
  { "type-and-openline-cannot-change",
    "{" BASE ",\"TYPE\":\"B\",\"PROPERTIES\":{\"NAME\":\"Echo\"}}",
    "{" BASE ",\"TYPE\":\"S\",\"OPENLINE\":\"Y\",\"PROPERTIES\":{\"NAME\":\"Echo\"}}",
    NULL },
  { "code",
    "{" BASE ",\"PROPERTIES\":{\"NAME\":\"Echo\"}}",
    "{\"CODE\":\"echo2\",\"EVENT_HANDLER\":\"https://a.example.com/h\",\"PROPERTIES\":{\"NAME\":\"Echo\"}}",
    "{\"BOT_ID\":39,\"FIELDS\":{\"CODE\":\"echo2\"}}" },
  { "code-emptied-is-not-sent",
    "{" BASE ",\"PROPERTIES\":{\"NAME\":\"Echo\"}}",
    "{\"CODE\":\"0\",\"EVENT_HANDLER\":\"https://a.example.com/h\",\"PROPERTIES\":{\"NAME\":\"Echo\"}}",
    NULL },
  { "event-handler",
    "{" BASE ",\"PROPERTIES\":{\"NAME\":\"Echo\"}}",
    "{\"CODE\":\"echobot\",\"EVENT_HANDLER\":\"https://b.example.com/h\",\"PROPERTIES\":{\"NAME\":\"Echo\"}}",
    "{\"BOT_ID\":39,\"FIELDS\":{\"EVENT_HANDLER\":\"https://b.example.com/h\"}}" },
  { "event-handler-to-same-urls-one-by-one",
    "{" BASE "}",
    "{\"CODE\":\"echobot\",\"EVENT_MESSAGE_ADD\":\"https://a.example.com/h\","
    "\"EVENT_MESSAGE_UPDATE\":\"https://a.example.com/h\",\"EVENT_MESSAGE_DELETE\":\"https://a.example.com/h\","
    "\"EVENT_WELCOME_MESSAGE\":\"https://a.example.com/h\",\"EVENT_BOT_DELETE\":\"https://a.example.com/h\"}",
    NULL },
  { "one-handler",
    "{" BASE "}",
    "{\"CODE\":\"echobot\",\"EVENT_MESSAGE_ADD\":\"https://a.example.com/h\","
    "\"EVENT_WELCOME_MESSAGE\":\"https://a.example.com/welcome\",\"EVENT_BOT_DELETE\":\"https://a.example.com/h\"}",
    "{\"BOT_ID\":39,\"FIELDS\":{\"EVENT_WELCOME_MESSAGE\":\"https://a.example.com/welcome\"}}" },
  { "removed-properties",
    "{" BASE ",\"PROPERTIES\":{\"NAME\":\"Echo\",\"EMAIL\":\"a@example.com\",\"PERSONAL_BIRTHDAY\":\"2016-03-11\","
    "\"PERSONAL_PHOTO\":\"AAAA\",\"COLOR\":\"RED\"}}",
    "{" BASE ",\"PROPERTIES\":{\"NAME\":\"Echo\"}}",
    "{\"BOT_ID\":39,\"FIELDS\":{\"PROPERTIES\":{\"COLOR\":\"\",\"EMAIL\":\"\"}}}" },
  { "photo-and-birthday",
    "{" BASE ",\"PROPERTIES\":{\"NAME\":\"Echo\"}}",
    "{" BASE ",\"PROPERTIES\":{\"NAME\":\"Echo\",\"PERSONAL_BIRTHDAY\":\"2016-03-11\",\"PERSONAL_PHOTO\":\"AAAA\"}}",
    "{\"BOT_ID\":39,\"FIELDS\":{\"PROPERTIES\":{\"PERSONAL_BIRTHDAY\":\"2016-03-11\",\"PERSONAL_PHOTO\":\"AAAA\"}}}" },
  { "handler-and-property",
    "{" BASE ",\"PROPERTIES\":{\"NAME\":\"Echo\",\"WORK_POSITION\":\"a\"}}",
    "{\"CODE\":\"echobot\",\"EVENT_HANDLER\":\"https://b.example.com/h\",\"PROPERTIES\":{\"NAME\":\"Echo\","
    "\"WORK_POSITION\":\"b\"}}",
    "{\"BOT_ID\":39,\"FIELDS\":{\"EVENT_HANDLER\":\"https://b.example.com/h\",\"PROPERTIES\":{\"WORK_POSITION\":\"b\"}}}" },
};

static void
test_update_fields (gconstpointer data)
{
  const UpdateCase *c = data;
  g_autoptr(BotbenchBot) old = bot_from_string (c->old, NULL);
  g_autoptr(BotbenchBot) new_ = bot_from_string (c->new_, NULL);
  g_autoptr(JsonNode) body = NULL;

  botbench_bot_set_bot_id (old, 39);
  body = botbench_bot_build_update_fields (old, new_, NULL);

  if (c->expected == NULL)
    {
      g_assert_null (body);
      return;
    }

  g_assert_nonnull (body);
  assert_json (body, c->expected);
}

static void
test_update_client_id (void)
{
  g_autoptr(BotbenchBot) old = bot_from_string ("{\"CODE\":\"a\"}", NULL);
  g_autoptr(BotbenchBot) new_ = bot_from_string ("{\"CODE\":\"b\"}", NULL);
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) unregister = NULL;

  botbench_bot_set_bot_id (new_, 41);
  body = botbench_bot_build_update_fields (old, new_, "abc123");
  assert_json (body, "{\"BOT_ID\":41,\"FIELDS\":{\"CODE\":\"b\"},\"CLIENT_ID\":\"abc123\"}");

  unregister = botbench_bot_build_unregister_body (new_, "abc123");
  assert_json (unregister, "{\"BOT_ID\":41,\"CLIENT_ID\":\"abc123\"}");
}

/* The 16 documented colours (§1.1), exactly, in the documented order. */
static void
test_colors (void)
{
  static const char *documented[] = {
    "RED", "GREEN", "MINT", "LIGHT_BLUE", "DARK_BLUE", "PURPLE", "AQUA", "PINK", "LIME", "BROWN",
    "AZURE", "KHAKI", "SAND", "MARENGO", "GRAY", "GRAPHITE",
  };
  g_autoptr(GEnumClass) enum_class = g_type_class_ref (BOTBENCH_TYPE_BOT_COLOR);

  g_assert_cmpuint (G_N_ELEMENTS (documented), ==, BOTBENCH_BOT_N_COLORS);
  g_assert_cmpuint (enum_class->n_values, ==, BOTBENCH_BOT_N_COLORS + 1);

  for (guint i = 0; i < G_N_ELEMENTS (documented); i++)
    {
      BotbenchBotColor color = BOTBENCH_BOT_COLOR_NONE;
      const char *rgb = botbench_bot_color_get_rgb (i + 1);

      g_assert_cmpstr (botbench_bot_color_to_name (i + 1), ==, documented[i]);
      g_assert_true (botbench_bot_color_from_name (documented[i], &color));
      g_assert_cmpint (color, ==, i + 1);
      g_assert_nonnull (rgb);
      g_assert_true (g_regex_match_simple ("^#[0-9a-f]{6}$", rgb, 0, 0));
      g_assert_nonnull (botbench_bot_color_get_label (i + 1));
      g_assert_cmpstr (botbench_bot_color_get_label (i + 1), !=, "");
    }

  g_assert_cmpstr (botbench_bot_color_get_rgb (BOTBENCH_BOT_COLOR_RED), ==, "#df532d");
  g_assert_null (botbench_bot_color_to_name (BOTBENCH_BOT_COLOR_NONE));
  g_assert_null (botbench_bot_color_get_rgb (BOTBENCH_BOT_COLOR_NONE));
  g_assert_false (botbench_bot_color_from_name ("ORANGE", NULL));   /* Bitrix has it, the docs do not */
  g_assert_false (botbench_bot_color_from_name ("red", NULL));
  g_assert_false (botbench_bot_color_from_name (NULL, NULL));
}

static void
test_types (void)
{
  static const char *codes[] = { "B", "O", "H", "S" };

  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      BotbenchBotType type = 99;

      g_assert_cmpstr (botbench_bot_type_to_code (i), ==, codes[i]);
      g_assert_true (botbench_bot_type_from_code (codes[i], &type));
      g_assert_cmpint (type, ==, i);
      g_assert_cmpuint (strlen (botbench_bot_type_get_label (i)), >, 0);
      g_assert_cmpuint (strlen (botbench_bot_type_get_description (i)), >, 0);
    }

  /* exactly O|B|H|S, case-sensitive */
  g_assert_false (botbench_bot_type_from_code ("b", NULL));
  g_assert_false (botbench_bot_type_from_code ("N", NULL));
  g_assert_false (botbench_bot_type_from_code ("", NULL));
}

static void
test_effective_handlers (void)
{
  g_autoptr(BotbenchBot) bot = botbench_bot_new ();

  botbench_bot_set_handler (bot, BOTBENCH_BOT_HANDLER_MESSAGE_ADD, "https://a.example.com/add");
  g_assert_cmpstr (botbench_bot_get_effective_handler (bot, BOTBENCH_BOT_HANDLER_MESSAGE_ADD), ==,
                   "https://a.example.com/add");
  g_assert_null (botbench_bot_get_effective_handler (bot, BOTBENCH_BOT_HANDLER_BOT_DELETE));

  /* "0" is empty() in PHP: no fan-out */
  botbench_bot_set_event_handler (bot, "0");
  g_assert_cmpstr (botbench_bot_get_effective_handler (bot, BOTBENCH_BOT_HANDLER_MESSAGE_ADD), ==,
                   "https://a.example.com/add");

  /* a real EVENT_HANDLER overrides the individual ones */
  botbench_bot_set_event_handler (bot, "https://b.example.com/all");
  for (guint i = 0; i < BOTBENCH_BOT_N_HANDLERS; i++)
    g_assert_cmpstr (botbench_bot_get_effective_handler (bot, i), ==, "https://b.example.com/all");

  /* UPDATE/DELETE are bound for S, O or OPENLINE=Y only */
  g_assert_true (botbench_bot_handler_is_kept (bot, BOTBENCH_BOT_HANDLER_MESSAGE_ADD));
  g_assert_false (botbench_bot_handler_is_kept (bot, BOTBENCH_BOT_HANDLER_MESSAGE_UPDATE));
  botbench_bot_set_bot_type (bot, BOTBENCH_BOT_TYPE_HUMAN);
  g_assert_false (botbench_bot_handler_is_kept (bot, BOTBENCH_BOT_HANDLER_MESSAGE_DELETE));
  botbench_bot_set_openline (bot, TRUE);
  g_assert_true (botbench_bot_handler_is_kept (bot, BOTBENCH_BOT_HANDLER_MESSAGE_DELETE));
  botbench_bot_set_openline (bot, FALSE);
  botbench_bot_set_bot_type (bot, BOTBENCH_BOT_TYPE_SUPERVISOR);
  g_assert_true (botbench_bot_handler_is_kept (bot, BOTBENCH_BOT_HANDLER_MESSAGE_UPDATE));
  botbench_bot_set_bot_type (bot, BOTBENCH_BOT_TYPE_OPENLINE);
  g_assert_true (botbench_bot_handler_is_kept (bot, BOTBENCH_BOT_HANDLER_MESSAGE_UPDATE));
  g_assert_true (botbench_bot_get_effective_openline (bot));
  g_assert_false (botbench_bot_get_openline (bot));
}

static void
test_notify (void)
{
  g_autoptr(BotbenchBot) bot = botbench_bot_new ();
  g_autoptr(BotbenchSignalCounter) code = botbench_test_count_signal (bot, "notify::code");
  g_autoptr(BotbenchSignalCounter) add = botbench_test_count_signal (bot, "notify::event-message-add");
  g_autoptr(BotbenchSignalCounter) name = botbench_test_count_signal (bot, "notify::name");
  g_autoptr(BotbenchSignalCounter) color = botbench_test_count_signal (bot, "notify::color");
  g_autoptr(BotbenchSignalCounter) bot_id = botbench_test_count_signal (bot, "notify::bot-id");
  g_autoptr(BotbenchSignalCounter) any = botbench_test_count_signal (bot, "notify");

  botbench_bot_set_code (bot, "a");
  botbench_bot_set_code (bot, "a");
  g_assert_cmpuint (botbench_signal_counter_get (code), ==, 1);

  botbench_bot_set_handler (bot, BOTBENCH_BOT_HANDLER_MESSAGE_ADD, "https://a.example.com/");
  g_object_set (bot, "event-message-add", "https://a.example.com/", NULL);
  g_assert_cmpuint (botbench_signal_counter_get (add), ==, 1);

  g_object_set (bot, "name", "Bot", NULL);
  botbench_bot_set_name (bot, "Bot");
  g_assert_cmpuint (botbench_signal_counter_get (name), ==, 1);
  botbench_bot_set_name (bot, NULL);
  g_assert_cmpuint (botbench_signal_counter_get (name), ==, 2);

  botbench_bot_set_color (bot, BOTBENCH_BOT_COLOR_SAND);
  botbench_bot_set_color (bot, BOTBENCH_BOT_COLOR_SAND);
  g_assert_cmpuint (botbench_signal_counter_get (color), ==, 1);

  botbench_bot_set_bot_id (bot, 12);
  botbench_bot_set_bot_id (bot, 12);
  g_assert_cmpuint (botbench_signal_counter_get (bot_id), ==, 1);

  g_assert_cmpuint (botbench_signal_counter_get (any), ==, 6);
}

static void
test_copy (void)
{
  g_autoptr(BotbenchBot) bot = load_sample ("supervisor-bot.json", NULL);
  g_autoptr(BotbenchBot) copy = botbench_bot_copy (bot);
  g_autofree char *a = botbench_bot_to_data (bot);
  g_autofree char *b = botbench_bot_to_data (copy);
  g_autoptr(BotbenchBotCommand) command = g_list_model_get_item (botbench_bot_get_commands (copy), 0);

  g_assert_cmpstr (a, ==, b);
  /* a deep copy: the commands are new objects */
  g_assert_true (botbench_bot_lookup_command (bot, "echo") != command);
}

/* Commands */

static void
test_command_bodies (void)
{
  g_autoptr(BotbenchBotCommand) command = botbench_bot_command_new ("echo");
  g_autoptr(BotbenchBotCommand) changed = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) update = NULL;
  g_autoptr(JsonNode) unregister = NULL;

  botbench_bot_command_set_lang (command, "en", "Repeat", "text");
  botbench_bot_command_set_lang (command, "ru", "Повторить", NULL);
  botbench_bot_command_set_event_command_add (command, "https://a.example.com/cmd");
  botbench_bot_command_set_common (command, TRUE);

  body = botbench_bot_command_build_register_body (command, 39, "abc123");
  assert_json (body, "{\"BOT_ID\":39,\"COMMAND\":\"echo\",\"COMMON\":\"Y\",\"HIDDEN\":\"N\","
                     "\"EXTRANET_SUPPORT\":\"N\",\"LANG\":[{\"LANGUAGE_ID\":\"en\",\"TITLE\":\"Repeat\","
                     "\"PARAMS\":\"text\"},{\"LANGUAGE_ID\":\"ru\",\"TITLE\":\"Повторить\"}],"
                     "\"EVENT_COMMAND_ADD\":\"https://a.example.com/cmd\",\"CLIENT_ID\":\"abc123\"}");

  changed = botbench_bot_command_copy (command);
  botbench_bot_command_set_command_id (changed, 7);
  /* COMMON cannot be updated */
  botbench_bot_command_set_common (changed, FALSE);
  g_assert_null (botbench_bot_command_build_update_body (command, changed, NULL));

  botbench_bot_command_set_lang (changed, "en", "Echo", "text");
  botbench_bot_command_set_hidden (changed, TRUE);
  update = botbench_bot_command_build_update_body (command, changed, NULL);
  assert_json (update, "{\"COMMAND_ID\":7,\"FIELDS\":{\"HIDDEN\":\"Y\",\"LANG\":[{\"LANGUAGE_ID\":\"en\","
                       "\"TITLE\":\"Echo\",\"PARAMS\":\"text\"},{\"LANGUAGE_ID\":\"ru\",\"TITLE\":\"Повторить\"}]}}");

  unregister = botbench_bot_command_build_unregister_body (changed, "abc123");
  assert_json (unregister, "{\"COMMAND_ID\":7,\"CLIENT_ID\":\"abc123\"}");
}

static void
test_command_langs (void)
{
  g_autoptr(BotbenchBotCommand) command = botbench_bot_command_new ("help");
  g_autoptr(BotbenchSignalCounter) notified = botbench_test_count_signal (command, "notify::n-langs");

  botbench_bot_command_set_lang (command, "en", "Help", NULL);
  botbench_bot_command_set_lang (command, "en", "Help", NULL);
  g_assert_cmpuint (botbench_signal_counter_get (notified), ==, 1);
  botbench_bot_command_set_lang (command, "en", "Help me", NULL);
  g_assert_cmpuint (botbench_signal_counter_get (notified), ==, 2);
  g_assert_cmpuint (botbench_bot_command_get_n_langs (command), ==, 1);
  g_assert_cmpstr (botbench_bot_command_get_lang (command, 0)->title, ==, "Help me");
  g_assert_false (botbench_bot_command_remove_lang (command, "de"));
  g_assert_true (botbench_bot_command_remove_lang (command, "en"));
  g_assert_cmpuint (botbench_signal_counter_get (notified), ==, 3);
  g_assert_cmpuint (botbench_bot_command_get_n_langs (command), ==, 0);
}

static void
test_command_from_json (void)
{
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonNode) node = parse ("{\"command\":\"echo\",\"Hidden\":\"Y\",\"common\":\"y\",\"BOT_ID\":3,"
                                    "\"lang\":[{\"LANGUAGE_ID\":\"en\",\"TITLE\":\"Echo\"},{\"TITLE\":\"x\"}],"
                                    "\"COLOUR\":1}");
  g_autoptr(GError) error = NULL;
  g_autoptr(BotbenchBotCommand) command = botbench_bot_command_new_from_json (node, warnings, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (botbench_bot_command_get_command (command), ==, "echo");
  g_assert_true (botbench_bot_command_get_hidden (command));
  g_assert_false (botbench_bot_command_get_common (command));
  g_assert_cmpuint (botbench_bot_command_get_n_langs (command), ==, 1);
  g_assert_cmpuint (warnings->len, ==, 2);
  g_assert_true (warnings_contain (warnings, "no LANGUAGE_ID"));
  g_assert_true (warnings_contain (warnings, "“COLOUR”"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_data_func ("/bot/json/round-trip/echo-bot", "echo-bot.json", test_round_trip);
  g_test_add_data_func ("/bot/json/round-trip/supervisor-bot", "supervisor-bot.json", test_round_trip);
  g_test_add_func ("/bot/json/fields-read", test_fields_read);
  g_test_add_func ("/bot/json/case-insensitive-keys", test_case_insensitive_keys);
  g_test_add_func ("/bot/json/lower-case-properties-only", test_lower_case_properties_only);
  g_test_add_func ("/bot/json/duplicate-keys", test_duplicate_keys);
  g_test_add_func ("/bot/json/register-body", test_register_body);
  g_test_add_func ("/bot/json/unknown-values", test_unknown_values);
  g_test_add_func ("/bot/json/null-and-empty", test_null_and_empty);
  g_test_add_func ("/bot/json/numbers-as-strings", test_numbers_as_strings);
  g_test_add_func ("/bot/json/photo-array-form", test_photo_array_form);
  g_test_add_func ("/bot/json/hostile", test_hostile_json);
  g_test_add_func ("/bot/json/file-size-limit", test_file_size_limit);
  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/bot/json/bad-input/%u", i);

      g_test_add_data_func (path, &bad_cases[i], test_bad_input);
    }
  for (guint i = 0; i < G_N_ELEMENTS (update_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/bot/update-fields/%s", update_cases[i].name);

      g_test_add_data_func (path, &update_cases[i], test_update_fields);
    }
  g_test_add_func ("/bot/update-fields/client-id", test_update_client_id);
  g_test_add_func ("/bot/colors", test_colors);
  g_test_add_func ("/bot/types", test_types);
  g_test_add_func ("/bot/effective-handlers", test_effective_handlers);
  g_test_add_func ("/bot/notify", test_notify);
  g_test_add_func ("/bot/copy", test_copy);
  g_test_add_func ("/bot/command/bodies", test_command_bodies);
  g_test_add_func ("/bot/command/langs", test_command_langs);
  g_test_add_func ("/bot/command/from-json", test_command_from_json);

  return g_test_run ();
}
