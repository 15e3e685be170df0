/* test-cli-bots-v2.c: botbench-cli register, update, unregister, bots and command-register for imbot.v2 bots
 *
 * Runs under tests/with-keyring.sh (a private D-Bus session with its own
 * gnome-keyring, XDG directories in a temporary directory) against an
 * in-process sandbox.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "botbench-core.h"
#include "botbench-sandbox.h"
#include "botbench-profile-manager.h"
#include "botbench-secret-store.h"
#include "botbench-test-utils.h"

#define CLI_WAIT_MS 120000
#define FILE_TOKEN "my-own-bot-token-1234"

typedef struct
{
  BotbenchSandbox *sandbox;
  char            *webhook_url;
  char            *dir;
  GString         *all_output;   /* every stdout and stderr, to look for secrets */
} Fixture;

static Fixture *current;

/* Every output is kept, to look for secrets in it. */
static int
run_cli (char              **out,
         char              **err,
         const char * const *argv)
{
  g_autofree char *o = NULL;
  g_autofree char *e = NULL;
  int status = botbench_test_run_cli (NULL, NULL, CLI_WAIT_MS, &o, &e, argv);

  g_string_append_printf (current->all_output, "%s\n%s\n", o, e);
  if (out != NULL)
    *out = g_steal_pointer (&o);
  if (err != NULL)
    *err = g_steal_pointer (&e);

  return status;
}

#define CLI(out, err, ...) run_cli (out, err, (const char * const[]) { __VA_ARGS__, NULL })

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *config = g_build_filename (g_get_user_config_dir (), "botbench", NULL);

  botbench_test_rm_rf (config);
  f->sandbox = botbench_sandbox_new ();
  botbench_sandbox_set_port (f->sandbox, 0);
  botbench_sandbox_set_webhook_secret (f->sandbox, "s3cretWebhookKey42");
  botbench_sandbox_start (f->sandbox, &error);
  g_assert_no_error (error);
  f->webhook_url = botbench_sandbox_dup_webhook_url (f->sandbox);
  f->dir = botbench_test_make_tmp_dir ();
  f->all_output = g_string_new (NULL);
  current = f;
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  botbench_sandbox_stop (f->sandbox);
  g_clear_object (&f->sandbox);
  botbench_test_rm_rf (f->dir);
  g_clear_pointer (&f->dir, g_free);
  g_clear_pointer (&f->webhook_url, g_free);
  g_string_free (f->all_output, TRUE);
  current = NULL;
}

static char *
write_file (Fixture    *f,
            const char *name,
            const char *contents)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (f->dir, name, NULL);

  g_assert_true (g_file_set_contents (path, contents, -1, &error));
  g_assert_no_error (error);
  return path;
}

static JsonObject *
parse_object (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (text, &error);

  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_object_ref (json_node_get_object (node));
}

static char *
lookup_bot_token (const char *profile_name,
                  const char *code,
                  char      **uuid_out)
{
  g_autoptr(BotbenchProfileManager) manager = botbench_profile_manager_new (NULL);
  g_autoptr(BotbenchSecretStore) secrets = botbench_secret_store_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  BotbenchProfile *profile;
  char *token;

  g_assert_true (botbench_profile_manager_load (manager, &error));
  profile = botbench_profile_manager_lookup (manager, profile_name);
  g_assert_nonnull (profile);
  if (uuid_out != NULL)
    *uuid_out = g_strdup (botbench_profile_get_uuid (profile));
  key = botbench_secret_bot_token_key (botbench_profile_get_uuid (profile), code);
  token = botbench_secret_store_lookup_sync (secrets, key, BOTBENCH_SECRET_KIND_BOT_TOKEN, NULL, &error);
  g_assert_no_error (error);
  return token;
}

/* In `bots` (imbot.bot.list, keyed by id): bot_id's "api". */
static void
assert_api (const char *list,
            gint64      bot_id,
            const char *api)
{
  g_autoptr(JsonObject) bots = parse_object (list);
  g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT, bot_id);

  g_assert_true (json_object_has_member (bots, key));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (bots, key), "api"), ==, api);
}

static void
test_lifecycle (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *fetch_file = write_file (f, "helper.json",
    "{\"fields\": {\"code\": \"helper\", \"type\": \"personal\","
    " \"properties\": {\"name\": \"Helper\", \"color\": \"mint\"}}}");
  g_autofree char *renamed_file = write_file (f, "helper2.json",
    "{\"fields\": {\"code\": \"helper\", \"type\": \"personal\","
    " \"properties\": {\"name\": \"Helper Two\", \"color\": \"mint\"}}}");
  g_autofree char *bad_file = write_file (f, "bad.json",
    "{\"fields\": {\"code\": \"bad\", \"eventMode\": \"push\", \"properties\": {\"name\": \"B\"}}}");
  g_autofree char *owned_file = write_file (f, "owned.json",
    "{\"fields\": {\"code\": \"owned\", \"botToken\": \"" FILE_TOKEN "\", \"properties\": {\"name\": \"O\"}}}");
  g_autofree char *bare_file = write_file (f, "bare.json", "{\"code\": \"bare\", \"properties\": {\"name\": \"B\"}}");
  g_autofree char *cmd_file = write_file (f, "cmd.json",
    "{\"COMMAND\":\"echo\",\"LANG\":[{\"LANGUAGE_ID\":\"en\",\"TITLE\":\"Echo back\",\"PARAMS\":\"text\"}]}");
  g_autofree char *out = NULL, *err = NULL, *dry = NULL, *again = NULL, *list = NULL, *upd = NULL;
  g_autofree char *upd_dry = NULL, *cmd = NULL, *unreg = NULL, *after = NULL, *bad_err = NULL;
  g_autofree char *owned_dry = NULL, *bare_dry = NULL, *v1_list = NULL, *v1_err = NULL, *err2 = NULL;
  g_autofree char *token = NULL, *uuid = NULL, *saved = NULL, *saved_path = NULL, *gone = NULL;
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(JsonObject) result2 = NULL;
  g_autoptr(JsonObject) listed = NULL;
  gint64 bot_id;
  char id_text[32];

  if (g_getenv ("BOTBENCH_PRIVATE_BUS") == NULL)
    {
      g_test_skip ("needs the private keyring of with-keyring.sh");
      return;
    }

  g_assert_cmpint (CLI (NULL, NULL, "profiles", "add", "sb", "--webhook", f->webhook_url), ==, 0);

  /* Refused before sending, with the server's code */
  g_assert_cmpint (CLI (NULL, &bad_err, "register", bad_file), ==, 1);
  g_assert_nonnull (strstr (bad_err, "BOT_INVALID_EVENT_MODE"));

  /* --dry-run: the v2 method, the token masked */
  g_assert_cmpint (CLI (&owned_dry, NULL, "register", owned_file, "--dry-run"), ==, 0);
  g_assert_nonnull (strstr (owned_dry, "imbot.v2.Bot.register"));
  g_assert_nonnull (strstr (owned_dry, "\"botToken\" : \"•••\""));
  g_assert_null (strstr (owned_dry, FILE_TOKEN));
  g_assert_cmpint (CLI (&bare_dry, NULL, "register", bare_file, "--v2", "--dry-run"), ==, 0);
  g_assert_nonnull (strstr (bare_dry, "imbot.v2.Bot.register"));
  g_assert_nonnull (strstr (bare_dry, "\"code\" : \"bare\""));
  g_assert_cmpint (CLI (&dry, NULL, "register", fetch_file, "--dry-run"), ==, 0);
  g_assert_nonnull (strstr (dry, "\"botToken\" : \"•••\""));
  /* nothing kept by a dry run */
  g_assert_null (lookup_bot_token ("sb", "helper", NULL));

  /* Register: a token is generated and kept in the keyring, not in files */
  g_assert_cmpint (CLI (&out, &err, "register", fetch_file), ==, 0);
  g_assert_nonnull (strstr (err, "Generated a botToken"));
  result = parse_object (out);
  bot_id = json_object_get_int_member (json_object_get_object_member (result, "bot"), "id");
  g_assert_cmpint (bot_id, >, 0);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (result, "bot"), "eventMode"),
                   ==, "fetch");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (result, "bot"), "type"),
                   ==, "personal");
  g_snprintf (id_text, sizeof id_text, "%" G_GINT64_FORMAT, bot_id);

  token = lookup_bot_token ("sb", "helper", &uuid);
  g_assert_nonnull (token);
  g_assert_cmpuint (strlen (token), ==, 40);
  saved_path = g_build_filename (g_get_user_config_dir (), "botbench", "bots", uuid, "helper.json", NULL);
  g_assert_true (g_file_get_contents (saved_path, &saved, NULL, NULL));
  g_assert_nonnull (strstr (saved, "\"fields\""));
  g_assert_null (strstr (saved, token));
  g_assert_null (strstr (saved, "botToken"));

  /* Again: the kept token makes the same owner, who gets the same bot */
  g_assert_cmpint (CLI (&again, NULL, "register", fetch_file), ==, 0);
  result2 = parse_object (again);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (result2, "bot"), "id"), ==, bot_id);

  /* bots --v2: imbot.v2.Bot.list with the kept token */
  g_assert_cmpint (CLI (&list, &err2, "bots", "--v2"), ==, 0);
  g_test_message ("bots --v2: %s / %s", list, err2);
  listed = parse_object (list);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (listed, "bots")), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (
                     json_object_get_array_member (listed, "bots"), 0), "code"), ==, "helper");
  /* the v1 list sees the v2 bot too, marked as one */
  g_assert_cmpint (CLI (&v1_list, &v1_err, "bots"), ==, 0);
  g_assert_nonnull (strstr (v1_list, "helper"));
  assert_api (v1_list, bot_id, "v2");
  g_assert_nonnull (strstr (v1_err, " v2 "));

  /* Update: only what changed, with the kept token */
  g_assert_cmpint (CLI (&upd_dry, NULL, "update", id_text, renamed_file, "--dry-run"), ==, 0);
  g_assert_nonnull (strstr (upd_dry, "imbot.v2.Bot.update"));
  g_assert_nonnull (strstr (upd_dry, "\"name\" : \"Helper Two\""));
  g_assert_null (strstr (upd_dry, "mint"));
  g_assert_nonnull (strstr (upd_dry, "\"botToken\" : \"•••\""));
  g_assert_cmpint (CLI (&upd, NULL, "update", id_text, renamed_file), ==, 0);
  g_assert_nonnull (strstr (upd, "Helper Two"));

  /* A command, through imbot.v2.Command.register */
  g_assert_cmpint (CLI (&cmd, NULL, "command-register", id_text, cmd_file), ==, 0);
  g_assert_nonnull (strstr (cmd, "\"command\" : \"/echo\""));

  /* Unregister: gone from the portal's list */
  g_assert_cmpint (CLI (&unreg, NULL, "unregister", id_text), ==, 0);
  g_assert_nonnull (strstr (unreg, "true"));
  g_assert_cmpint (CLI (&after, NULL, "bots", "--v2"), ==, 0);
  g_assert_null (strstr (after, "helper"));

  /* No run printed the token */
  g_assert_null (strstr (current->all_output->str, token));

  /* Removing the profile removes its bot tokens from the keyring */
  g_assert_cmpint (CLI (NULL, NULL, "profiles", "remove", "sb"), ==, 0);
  {
    g_autoptr(BotbenchSecretStore) secrets = botbench_secret_store_new ();
    g_autofree char *key = botbench_secret_bot_token_key (uuid, "helper");

    gone = botbench_secret_store_lookup_sync (secrets, key, BOTBENCH_SECRET_KIND_BOT_TOKEN, NULL, NULL);
    g_assert_null (gone);
  }
}

/* POST /_sandbox/message: user 1 writes text to the bot; the message id. */
static gint64
user_writes (Fixture    *f,
             gint64      bot_id,
             const char *text)
{
  g_autofree char *base = botbench_sandbox_dup_url (f->sandbox);
  g_autofree char *url = g_strconcat (base, g_str_has_suffix (base, "/") ? "" : "/", "_sandbox/message", NULL);
  g_autofree char *json = g_strdup_printf ("{\"FROM_USER_ID\":1,\"DIALOG_ID\":\"%" G_GINT64_FORMAT "\","
                                           "\"MESSAGE\":\"%s\"}", bot_id, text);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) body = g_bytes_new (json, strlen (json));
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text_reply = NULL;
  g_autoptr(JsonObject) object = NULL;

  soup_message_set_request_body_from_bytes (msg, "application/json", body);
  reply = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  text_reply = g_strndup (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply));
  object = parse_object (text_reply);
  return json_object_get_int_member (json_object_get_object_member (object, "result"), "MESSAGE_ID");
}

/* The commands of an imbot.v2 bot: command-register, -list, -update,
 * -answer, -unregister against the sandbox; a v1 bot in `bots`. */
static void
test_commands (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *bot_file = write_file (f, "cmdbot.json",
    "{\"fields\": {\"code\": \"cmdbot\", \"properties\": {\"name\": \"Commands\"}}}");
  g_autofree char *v1_file = write_file (f, "v1.json",
    "{\"CODE\": \"oldbot\", \"EVENT_HANDLER\": \"https://bot.example.com/handler.php\","
    " \"PROPERTIES\": {\"NAME\": \"Old\"}}");
  g_autofree char *cmd_file = write_file (f, "echo.json",
    "{\"COMMAND\":\"echo\",\"LANG\":[{\"LANGUAGE_ID\":\"en\",\"TITLE\":\"Echo back\",\"PARAMS\":\"text\"},"
    "{\"LANGUAGE_ID\":\"de\",\"TITLE\":\"Zurück\"}]}");
  g_autofree char *new_file = write_file (f, "echo2.json",
    "{\"COMMAND\":\"echo\",\"LANG\":[{\"LANGUAGE_ID\":\"en\",\"TITLE\":\"Say it again\"}]}");
  g_autofree char *out = NULL, *cmd = NULL, *list = NULL, *list_err = NULL, *upd_dry = NULL, *upd = NULL;
  g_autofree char *list2 = NULL, *answer = NULL, *answer_dry = NULL, *bad_answer = NULL, *unreg = NULL;
  g_autofree char *list3 = NULL, *v1_id = NULL, *bots = NULL, *bots_err = NULL, *not_v2 = NULL;
  g_autofree char *saved = NULL, *saved_path = NULL, *uuid = NULL, *token = NULL, *help = NULL;
  g_autofree char *messages = NULL, *messages_url = NULL, *base = NULL;
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(JsonObject) listed = NULL;
  g_autoptr(JsonObject) listed2 = NULL;
  JsonObject *command, *title;
  gint64 bot_id, command_id, message_id;
  guint64 old_id;
  char bot_text[32], command_text[32], message_text[32];

  if (g_getenv ("BOTBENCH_PRIVATE_BUS") == NULL)
    {
      g_test_skip ("needs the private keyring of with-keyring.sh");
      return;
    }

  g_assert_cmpint (CLI (NULL, NULL, "profiles", "add", "sb", "--webhook", f->webhook_url), ==, 0);
  g_assert_cmpint (CLI (&out, NULL, "register", bot_file), ==, 0);
  result = parse_object (out);
  bot_id = json_object_get_int_member (json_object_get_object_member (result, "bot"), "id");
  g_snprintf (bot_text, sizeof bot_text, "%" G_GINT64_FORMAT, bot_id);
  token = lookup_bot_token ("sb", "cmdbot", &uuid);
  g_assert_nonnull (token);

  /* A v1 bot too: `bots` tells them apart. */
  g_assert_cmpint (CLI (&v1_id, NULL, "register", v1_file), ==, 0);
  g_assert_true (g_ascii_string_to_unsigned (g_strstrip (v1_id), 10, 1, G_MAXINT64, &old_id, NULL));
  g_assert_cmpint (CLI (&bots, &bots_err, "bots"), ==, 0);
  assert_api (bots, bot_id, "v2");
  assert_api (bots, (gint64)old_id, "v1");
  g_assert_nonnull (strstr (bots_err, "cmdbot"));
  g_assert_nonnull (strstr (bots_err, " v1 "));

  g_assert_cmpint (CLI (&cmd, NULL, "command-register", bot_text, cmd_file), ==, 0);
  result = (json_object_unref (result), parse_object (cmd));
  command_id = json_object_get_int_member (json_object_get_object_member (result, "command"), "id");
  g_assert_cmpint (command_id, >, 0);
  g_snprintf (command_text, sizeof command_text, "%" G_GINT64_FORMAT, command_id);

  /* command-list: the portal's commands of the bot. */
  g_assert_cmpint (CLI (&list, &list_err, "command-list", bot_text), ==, 0);
  listed = parse_object (list);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (listed, "commands")), ==, 1);
  command = json_array_get_object_element (json_object_get_array_member (listed, "commands"), 0);
  g_assert_cmpint (json_object_get_int_member (command, "id"), ==, command_id);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (command, "title"), "de"), ==,
                   "Zurück");
  g_assert_nonnull (strstr (list_err, "Echo back"));

  /* command-update: the dry run deletes the language the file lacks. */
  g_assert_cmpint (CLI (&upd_dry, NULL, "command-update", bot_text, command_text, new_file, "--dry-run"), ==, 0);
  g_assert_nonnull (strstr (upd_dry, "imbot.v2.Command.update"));
  g_assert_nonnull (strstr (upd_dry, "\"de\" : null"));
  g_assert_nonnull (strstr (upd_dry, "\"botToken\" : \"•••\""));
  g_assert_cmpint (CLI (&upd, NULL, "command-update", bot_text, command_text, new_file), ==, 0);
  g_assert_cmpint (CLI (&list2, NULL, "command-list", bot_text), ==, 0);
  listed2 = parse_object (list2);
  command = json_array_get_object_element (json_object_get_array_member (listed2, "commands"), 0);
  title = json_object_get_object_member (command, "title");
  g_assert_cmpstr (json_object_get_string_member (title, "en"), ==, "Say it again");
  g_assert_false (json_object_has_member (title, "de"));

  /* command-answer: to the message a user wrote. */
  message_id = user_writes (f, bot_id, "/echo hi");
  g_assert_cmpint (message_id, >, 0);
  g_snprintf (message_text, sizeof message_text, "%" G_GINT64_FORMAT, message_id);
  g_assert_cmpint (CLI (&answer_dry, NULL, "command-answer", bot_text, command_text, message_text, "1",
                        "You said hi", "--dry-run"), ==, 0);
  g_assert_nonnull (strstr (answer_dry, "imbot.v2.Command.answer"));
  g_assert_nonnull (strstr (answer_dry, "\"messageId\" : "));
  g_assert_cmpint (CLI (&answer, NULL, "command-answer", bot_text, command_text, message_text, "1",
                        "You said hi"), ==, 0);
  g_assert_nonnull (strstr (answer, "true"));
  base = botbench_sandbox_dup_url (f->sandbox);
  messages_url = g_strdup_printf ("%s%s_sandbox/messages?DIALOG_ID=%" G_GINT64_FORMAT "&USER_ID=1", base,
                                  g_str_has_suffix (base, "/") ? "" : "/", bot_id);
  {
    g_autoptr(SoupSession) session = soup_session_new ();
    g_autoptr(SoupMessage) msg = soup_message_new ("GET", messages_url);
    g_autoptr(GBytes) reply = soup_session_send_and_read (session, msg, NULL, NULL);

    g_assert_nonnull (reply);
    messages = g_strndup (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply));
    g_assert_nonnull (strstr (messages, "You said hi"));
  }
  /* A message that is not there: the portal's error, exit 1. */
  g_assert_cmpint (CLI (NULL, &bad_answer, "command-answer", bot_text, command_text, "999999", "1", "x"), ==, 1);
  g_assert_nonnull (strstr (bad_answer, "COMMAND_ANSWER_FAILED"));

  /* command-unregister: gone from the portal and the definition. */
  g_assert_cmpint (CLI (&unreg, NULL, "command-unregister", bot_text, command_text), ==, 0);
  g_assert_nonnull (strstr (unreg, "true"));
  g_assert_cmpint (CLI (&list3, NULL, "command-list", bot_text), ==, 0);
  g_assert_null (strstr (list3, "echo"));
  saved_path = g_build_filename (g_get_user_config_dir (), "botbench", "bots", uuid, "cmdbot.json", NULL);
  g_assert_true (g_file_get_contents (saved_path, &saved, NULL, NULL));
  g_assert_null (strstr (saved, "echo"));

  /* Not a v2 bot here: said so, nothing sent; bad arguments: usage. */
  g_assert_cmpint (CLI (NULL, &not_v2, "command-list", v1_id), ==, 1);
  g_assert_nonnull (strstr (not_v2, "--v2"));
  g_assert_cmpint (CLI (NULL, NULL, "command-update", bot_text, "x", new_file), ==, 2);
  g_assert_cmpint (CLI (NULL, NULL, "command-unregister", bot_text), ==, 2);
  g_assert_cmpint (CLI (NULL, NULL, "command-answer", bot_text, command_text, message_text, "1"), ==, 2);
  g_assert_cmpint (CLI (NULL, NULL, "command-answer", bot_text, command_text, message_text, "1", ""), ==, 2);
  g_assert_cmpint (CLI (&help, NULL, "--help"), ==, 0);
  g_assert_nonnull (strstr (help, "command-update"));
  g_assert_nonnull (strstr (help, "command-answer"));

  g_assert_null (strstr (current->all_output->str, token));
}

/* ---- hostile answers ---------------------------------------------------- */

/* A portal whose answers have the right outline and the wrong types. */
static void
hostile_portal_cb (SoupServer        *server,
                   SoupServerMessage *msg,
                   const char        *path,
                   GHashTable        *query,
                   gpointer           user_data)
{
  const char *answer = "{\"result\":true}";

  if (g_str_has_suffix (path, "/imbot.bot.list.json") || g_str_has_suffix (path, "/imbot.bot.list"))
    answer = "{\"result\":{\"7\":{\"ID\":7,\"CODE\":{\"x\":1}},\"8\":{\"ID\":8,\"CODE\":5},"
             "\"9\":[1,2],\"x\":null,\"10\":{\"ID\":10,\"CODE\":\"fine\"}}}";
  else if (strstr (path, "imbot.register") != NULL)
    answer = "{\"result\":39}";
  else if (strstr (path, "imbot.v2.Command.list") != NULL)
    answer = "{\"result\":{\"commands\":[5,null,{\"id\":\"1\",\"command\":{},\"title\":[]},"
             "{\"id\":3,\"command\":\"/ok\",\"title\":{\"en\":7}},{\"id\":4,\"command\":\"/t\",\"title\":{\"en\":\"Title\"}}]}}";

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, answer, strlen (answer));
}

static void
test_hostile_answers (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autofree char *webhook = NULL;
  g_autofree char *list = NULL, *list_err = NULL, *commands = NULL, *commands_err = NULL, *registered = NULL;
  g_autofree char *v1_file = write_file (f, "fine.json",
    "{\"CODE\": \"other\", \"EVENT_HANDLER\": \"https://bot.example.com/h.php\", \"PROPERTIES\": {\"NAME\": \"O\"}}");
  g_autoptr(JsonObject) bots = NULL;
  g_autoptr(JsonObject) listed = NULL;

  if (g_getenv ("BOTBENCH_PRIVATE_BUS") == NULL)
    {
      g_test_skip ("needs the private keyring of with-keyring.sh");
      return;
    }

  soup_server_add_handler (server, "/rest/", hostile_portal_cb, NULL, NULL);
  /* Not soup_server_listen_*(): libsoup 3.2's listener leaks a GSocket per connection. */
  webhook = g_strdup_printf ("http://127.0.0.1:%u/rest/1/hostileSecret42/", botbench_test_serve_loopback (server));

  g_assert_cmpint (CLI (NULL, NULL, "profiles", "add", "evil", "--webhook", webhook), ==, 0);

  /* Every bot keeps its place; "api" only goes into objects. */
  g_assert_cmpint (CLI (&list, &list_err, "bots"), ==, 0);
  bots = parse_object (list);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (bots, "7"), "api"), ==, "v1");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (bots, "10"), "api"), ==, "v1");
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_object_get_member (bots, "9")));
  g_assert_nonnull (strstr (list_err, "fine"));

  /* register looks the CODE up in that list first. */
  g_assert_cmpint (CLI (&registered, NULL, "register", v1_file), ==, 0);
  g_assert_cmpstr (g_strstrip (registered), ==, "39");

  /* The table skips what is not a command, shows what it can. */
  g_assert_cmpint (CLI (&commands, &commands_err, "command-list", "5", "--v2"), ==, 0);
  listed = parse_object (commands);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (listed, "commands")), ==, 5);
  g_assert_nonnull (strstr (commands_err, "/ok"));
  g_assert_nonnull (strstr (commands_err, "Title"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/cli-bots-v2/lifecycle", Fixture, NULL, fixture_setup, test_lifecycle, fixture_teardown);
  g_test_add ("/cli-bots-v2/commands", Fixture, NULL, fixture_setup, test_commands, fixture_teardown);
  g_test_add ("/cli-bots-v2/hostile-answers", Fixture, NULL, fixture_setup, test_hostile_answers, fixture_teardown);

  return g_test_run ();
}
