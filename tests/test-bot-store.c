/* test-bot-store.c: bot definitions saved per profile
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-bot-store"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "botbench-bot-store.h"
#include "botbench-test-utils.h"

#define PROFILE_UUID "5d0c1a8e-7d11-4c1b-9f3a-2a9d6c0e4b71"

typedef struct
{
  char             *base_dir;
  BotbenchBotStore *store;
  guint             added;
  guint             removed;
  guint             changes;
} StoreFixture;

static void
items_changed_cb (GListModel   *model,
                  guint         position,
                  guint         removed,
                  guint         added,
                  StoreFixture *f)
{
  f->added += added;
  f->removed += removed;
  f->changes++;
}

static void
store_setup (StoreFixture  *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->base_dir = botbench_test_make_tmp_dir ();
  f->store = botbench_bot_store_new (PROFILE_UUID, f->base_dir);
  g_signal_connect (f->store, "items-changed", G_CALLBACK (items_changed_cb), f);
  botbench_bot_store_load (f->store, &error);
  g_assert_no_error (error);
}

static void
store_teardown (StoreFixture  *f,
                gconstpointer  data)
{
  g_assert_finalize_object (f->store);
  botbench_test_rm_rf (f->base_dir);
  g_free (f->base_dir);
}

static BotbenchBot *
make_bot (const char *code,
          gint64      bot_id)
{
  g_autoptr(BotbenchBotCommand) command = botbench_bot_command_new ("echo");
  BotbenchBot *bot = botbench_bot_new ();

  botbench_bot_set_code (bot, code);
  botbench_bot_set_event_handler (bot, "https://bot.example.com/h");
  botbench_bot_set_name (bot, "Echo");
  botbench_bot_set_color (bot, BOTBENCH_BOT_COLOR_AQUA);
  botbench_bot_set_bot_id (bot, bot_id);
  botbench_bot_command_set_lang (command, "en", "Echo", "text");
  botbench_bot_command_set_command_id (command, 5);
  botbench_bot_add_command (bot, command);

  return bot;
}

static char *
bot_path (StoreFixture *f,
          const char   *file)
{
  return g_build_filename (f->base_dir, PROFILE_UUID, file, NULL);
}

static BotbenchBotStore *
reopen (StoreFixture *f)
{
  g_autoptr(GError) error = NULL;
  BotbenchBotStore *store = botbench_bot_store_new (PROFILE_UUID, f->base_dir);

  botbench_bot_store_load (store, &error);
  g_assert_no_error (error);

  return store;
}

static void
test_empty (StoreFixture  *f,
            gconstpointer  data)
{
  g_autofree char *directory = g_build_filename (f->base_dir, PROFILE_UUID, NULL);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->store)), ==, 0);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (f->store)) == BOTBENCH_TYPE_BOT);
  g_assert_cmpstr (botbench_bot_store_get_directory (f->store), ==, directory);
  g_assert_cmpstr (botbench_bot_store_get_profile_uuid (f->store), ==, PROFILE_UUID);
  /* loading a missing directory does not create it */
  g_assert_false (g_file_test (directory, G_FILE_TEST_EXISTS));
}

static void
test_round_trip (StoreFixture  *f,
                 gconstpointer  data)
{
  g_autoptr(BotbenchBot) bot = make_bot ("echobot", 0);
  g_autoptr(BotbenchBotStore) store = NULL;
  g_autoptr(BotbenchBot) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = bot_path (f, "echobot.json");
  g_autofree char *expected = NULL;
  g_autofree char *on_disk = NULL;
  g_autofree char *reloaded = NULL;
  GStatBuf st;

  botbench_bot_store_add (f->store, bot, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (f->added, ==, 1);
  g_assert_cmpstr (botbench_bot_get_profile_uuid (bot), ==, PROFILE_UUID);

  /* the portal answered: remember the id */
  botbench_bot_set_bot_id (bot, 39);
  botbench_bot_store_save (f->store, bot, &error);
  g_assert_no_error (error);

  g_assert_true (g_file_get_contents (path, &on_disk, NULL, NULL));
  expected = botbench_bot_to_data (bot);
  g_assert_cmpstr (on_disk, ==, expected);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  store = reopen (f);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 1);
  loaded = g_list_model_get_item (G_LIST_MODEL (store), 0);
  g_assert_true (loaded != bot);
  g_assert_cmpint (botbench_bot_get_bot_id (loaded), ==, 39);
  g_assert_cmpstr (botbench_bot_get_profile_uuid (loaded), ==, PROFILE_UUID);
  g_assert_cmpint (botbench_bot_get_color (loaded), ==, BOTBENCH_BOT_COLOR_AQUA);
  g_assert_cmpuint (g_list_model_get_n_items (botbench_bot_get_commands (loaded)), ==, 1);
  reloaded = botbench_bot_to_data (loaded);
  g_assert_cmpstr (reloaded, ==, expected);
  g_assert_true (botbench_bot_store_lookup_by_id (store, 39) == loaded);
  g_assert_true (botbench_bot_store_lookup_by_code (store, "echobot") == loaded);
}

static void
test_lookup (StoreFixture  *f,
             gconstpointer  data)
{
  g_autoptr(BotbenchBot) a = make_bot ("alpha", 0);
  g_autoptr(BotbenchBot) b = make_bot ("beta", 41);
  g_autoptr(GError) error = NULL;

  botbench_bot_store_add (f->store, a, &error);
  g_assert_no_error (error);
  botbench_bot_store_add (f->store, b, &error);
  g_assert_no_error (error);

  g_assert_true (botbench_bot_store_lookup_by_code (f->store, "alpha") == a);
  g_assert_true (botbench_bot_store_lookup_by_code (f->store, "beta") == b);
  g_assert_null (botbench_bot_store_lookup_by_code (f->store, "gamma"));
  g_assert_null (botbench_bot_store_lookup_by_code (f->store, NULL));
  g_assert_true (botbench_bot_store_lookup_by_id (f->store, 41) == b);
  /* 0 means "not registered", never a match */
  g_assert_null (botbench_bot_store_lookup_by_id (f->store, 0));
  g_assert_null (botbench_bot_store_lookup_by_id (f->store, 42));
}

static void
test_code_rules (StoreFixture  *f,
                 gconstpointer  data)
{
  g_autoptr(BotbenchBot) a = make_bot ("alpha", 0);
  g_autoptr(BotbenchBot) twin = make_bot ("alpha", 0);
  g_autoptr(BotbenchBot) zero = make_bot ("0", 0);
  g_autoptr(BotbenchBot) none = make_bot (NULL, 0);
  g_autoptr(BotbenchBot) b = make_bot ("beta", 0);
  g_autoptr(GError) error = NULL;

  botbench_bot_store_add (f->store, a, &error);
  g_assert_no_error (error);

  g_assert_false (botbench_bot_store_add (f->store, twin, &error));
  g_assert_error (error, BOTBENCH_BOT_STORE_ERROR, BOTBENCH_BOT_STORE_ERROR_CODE_TAKEN);
  g_clear_error (&error);

  g_assert_false (botbench_bot_store_add (f->store, zero, &error));
  g_assert_error (error, BOTBENCH_BOT_STORE_ERROR, BOTBENCH_BOT_STORE_ERROR_NO_CODE);
  g_clear_error (&error);

  g_assert_false (botbench_bot_store_add (f->store, none, &error));
  g_assert_error (error, BOTBENCH_BOT_STORE_ERROR, BOTBENCH_BOT_STORE_ERROR_NO_CODE);
  g_clear_error (&error);

  g_assert_false (botbench_bot_store_save (f->store, b, &error));
  g_assert_error (error, BOTBENCH_BOT_STORE_ERROR, BOTBENCH_BOT_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_false (botbench_bot_store_remove (f->store, b, &error));
  g_assert_error (error, BOTBENCH_BOT_STORE_ERROR, BOTBENCH_BOT_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* renaming onto a taken CODE is refused and the file stays */
  botbench_bot_store_add (f->store, b, &error);
  g_assert_no_error (error);
  botbench_bot_set_code (b, "alpha");
  g_assert_false (botbench_bot_store_save (f->store, b, &error));
  g_assert_error (error, BOTBENCH_BOT_STORE_ERROR, BOTBENCH_BOT_STORE_ERROR_CODE_TAKEN);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->store)), ==, 2);
}

static void
test_rename (StoreFixture  *f,
             gconstpointer  data)
{
  g_autoptr(BotbenchBot) bot = make_bot ("old/code", 7);
  g_autoptr(BotbenchBotStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *old_path = bot_path (f, "old%2Fcode.json");
  g_autofree char *new_path = bot_path (f, "newcode.json");

  botbench_bot_store_add (f->store, bot, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_test (old_path, G_FILE_TEST_IS_REGULAR));

  botbench_bot_set_code (bot, "newcode");
  botbench_bot_store_save (f->store, bot, &error);
  g_assert_no_error (error);
  g_assert_false (g_file_test (old_path, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (new_path, G_FILE_TEST_IS_REGULAR));

  store = reopen (f);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 1);
  g_assert_nonnull (botbench_bot_store_lookup_by_code (store, "newcode"));
  g_assert_nonnull (botbench_bot_store_lookup_by_id (store, 7));
}

static void
test_remove (StoreFixture  *f,
             gconstpointer  data)
{
  g_autoptr(BotbenchBot) a = make_bot ("alpha", 0);
  g_autoptr(BotbenchBot) b = make_bot ("beta", 0);
  g_autoptr(BotbenchBotStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = bot_path (f, "alpha.json");

  botbench_bot_store_add (f->store, a, &error);
  g_assert_no_error (error);
  botbench_bot_store_add (f->store, b, &error);
  g_assert_no_error (error);

  botbench_bot_store_remove (f->store, a, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (f->removed, ==, 1);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_null (botbench_bot_store_lookup_by_code (f->store, "alpha"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->store)), ==, 1);

  store = reopen (f);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 1);
  g_assert_nonnull (botbench_bot_store_lookup_by_code (store, "beta"));
}

/* Reload picks up files changed behind our back (the CLI), sorted by CODE,
 * in one items-changed; bad files are skipped and reported. */
static void
test_reload (StoreFixture  *f,
             gconstpointer  data)
{
  g_autoptr(BotbenchBot) a = make_bot ("zulu", 0);
  g_autoptr(GError) error = NULL;
  g_autofree char *directory = g_build_filename (f->base_dir, PROFILE_UUID, NULL);
  g_autofree char *external = bot_path (f, "alpha.json");
  g_autofree char *broken = bot_path (f, "broken.json");
  g_autofree char *nameless = bot_path (f, "nameless.json");
  g_autofree char *twin = bot_path (f, "twin.json");
  g_autofree char *ignored = bot_path (f, "notes.txt");
  g_autoptr(BotbenchBot) first = NULL;
  g_autoptr(BotbenchBot) second = NULL;
  GPtrArray *problems;

  botbench_bot_store_add (f->store, a, &error);
  g_assert_no_error (error);

  g_assert_true (g_file_set_contents (external, "{\"code\":\"alpha\",\"EVENT_HANDLER\":\"https://x.example.com/\","
                                      "\"PROPERTIES\":{\"NAME\":\"A\"},\"BOTBENCH\":{\"BOT_ID\":12,"
                                      "\"PROFILE_UUID\":\"someone-else\"}}", -1, NULL));
  g_assert_true (g_file_set_contents (broken, "{", -1, NULL));
  g_assert_true (g_file_set_contents (nameless, "{\"CODE\":\"0\"}", -1, NULL));
  g_assert_true (g_file_set_contents (twin, "{\"CODE\":\"zulu\"}", -1, NULL));
  g_assert_true (g_file_set_contents (ignored, "not a bot", -1, NULL));

  f->changes = f->added = f->removed = 0;
  botbench_bot_store_load (f->store, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (f->changes, ==, 1);
  g_assert_cmpuint (f->removed, ==, 1);
  g_assert_cmpuint (f->added, ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->store)), ==, 2);
  first = g_list_model_get_item (G_LIST_MODEL (f->store), 0);
  second = g_list_model_get_item (G_LIST_MODEL (f->store), 1);
  g_assert_cmpstr (botbench_bot_get_code (first), ==, "alpha");
  g_assert_cmpstr (botbench_bot_get_code (second), ==, "zulu");
  /* reload makes new objects */
  g_assert_true (second != a);
  g_assert_cmpint (botbench_bot_get_bot_id (first), ==, 12);
  /* the store's profile wins over a stale PROFILE_UUID in the file */
  g_assert_cmpstr (botbench_bot_get_profile_uuid (first), ==, PROFILE_UUID);

  problems = botbench_bot_store_get_load_problems (f->store);
  g_assert_cmpuint (problems->len, ==, 3);
}

static void
test_separate_profiles (StoreFixture  *f,
                        gconstpointer  data)
{
  g_autoptr(BotbenchBotStore) other = botbench_bot_store_new ("another-profile", f->base_dir);
  g_autoptr(BotbenchBot) bot = make_bot ("echobot", 0);
  g_autoptr(GError) error = NULL;

  botbench_bot_store_add (f->store, bot, &error);
  g_assert_no_error (error);

  botbench_bot_store_load (other, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (other)), ==, 0);
}

static void
test_validation_context (StoreFixture  *f,
                         gconstpointer  data)
{
  g_autoptr(BotbenchBot) registered = make_bot ("alpha", 39);
  g_autoptr(BotbenchBot) other = make_bot ("beta", 41);
  g_autoptr(BotbenchBot) draft = make_bot ("gamma", 0);
  g_autoptr(BotbenchBot) edited = NULL;
  g_autoptr(GPtrArray) sets = NULL;
  g_autoptr(GPtrArray) sets_for_edit = NULL;
  g_autoptr(GError) error = NULL;
  const BotbenchBotHandlerSet *set;

  botbench_bot_set_event_handler (other, "https://bot.example.com/other");
  botbench_bot_store_add (f->store, registered, &error);
  g_assert_no_error (error);
  botbench_bot_store_add (f->store, other, &error);
  g_assert_no_error (error);
  botbench_bot_store_add (f->store, draft, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (botbench_bot_store_count_registered (f->store), ==, 2);

  /* drafts are not on the portal */
  sets = botbench_bot_store_dup_handler_sets (f->store, NULL);
  g_assert_cmpuint (sets->len, ==, 2);
  set = g_ptr_array_index (sets, 1);
  g_assert_cmpstr (set->code, ==, "beta");
  g_assert_cmpstr (set->urls[BOTBENCH_BOT_HANDLER_MESSAGE_ADD], ==, "https://bot.example.com/other");
  /* a B bot binds no UPDATE handler */
  g_assert_null (set->urls[BOTBENCH_BOT_HANDLER_MESSAGE_UPDATE]);

  /* an editor's copy of "alpha" leaves "alpha" out by its id */
  edited = botbench_bot_copy (registered);
  sets_for_edit = botbench_bot_store_dup_handler_sets (f->store, edited);
  g_assert_cmpuint (sets_for_edit->len, ==, 1);
  g_assert_cmpstr (((BotbenchBotHandlerSet *)g_ptr_array_index (sets_for_edit, 0))->code, ==, "beta");
}

static void
test_default_dir (void)
{
  g_autofree char *expected = g_build_filename (g_get_user_config_dir (), "botbench", "bots", NULL);
  g_autofree char *base = botbench_bot_store_dup_default_base_dir ();
  g_autoptr(BotbenchBotStore) store = botbench_bot_store_new (PROFILE_UUID, NULL);
  g_autofree char *directory = g_build_filename (expected, PROFILE_UUID, NULL);

  g_assert_cmpstr (base, ==, expected);
  g_assert_cmpstr (botbench_bot_store_get_directory (store), ==, directory);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/bot-store/empty", StoreFixture, NULL, store_setup, test_empty, store_teardown);
  g_test_add ("/bot-store/round-trip", StoreFixture, NULL, store_setup, test_round_trip, store_teardown);
  g_test_add ("/bot-store/lookup", StoreFixture, NULL, store_setup, test_lookup, store_teardown);
  g_test_add ("/bot-store/code-rules", StoreFixture, NULL, store_setup, test_code_rules, store_teardown);
  g_test_add ("/bot-store/rename", StoreFixture, NULL, store_setup, test_rename, store_teardown);
  g_test_add ("/bot-store/remove", StoreFixture, NULL, store_setup, test_remove, store_teardown);
  g_test_add ("/bot-store/reload", StoreFixture, NULL, store_setup, test_reload, store_teardown);
  g_test_add ("/bot-store/separate-profiles", StoreFixture, NULL, store_setup, test_separate_profiles,
              store_teardown);
  g_test_add ("/bot-store/validation-context", StoreFixture, NULL, store_setup, test_validation_context,
              store_teardown);
  g_test_add_func ("/bot-store/default-dir", test_default_dir);

  return g_test_run ();
}
