/* test-cli-doctor.c: botbench-cli doctor, its text and JSON output and exit statuses
 *
 * Runs under tests/with-keyring.sh (a private D-Bus session with its own
 * gnome-keyring, XDG directories in a temporary directory): the profile
 * and the bot are made with botbench-cli itself against the in-process
 * sandbox, whose event receiver plays the bot's handler.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "sandbox-chat-fixture.h"

#define CLI_WAIT_MS 120000

static const char *v1_names[] = {
  "profile", "scope", "app-installed", "handler-url", "handler-reachable", "handler-answers",
  "handler-set", "bot-type", "bot-messages", "application-token",
};


#define CLI(out, err, ...) \
  botbench_test_run_cli (NULL, NULL, CLI_WAIT_MS, out, err, (const char * const[]) { __VA_ARGS__, NULL })

static gboolean
have_keyring (void)
{
  if (g_getenv ("BOTBENCH_TEST_KEYRING") != NULL)
    return TRUE;
  g_test_skip ("needs tests/with-keyring.sh (dbus-run-session and gnome-keyring-daemon)");
  return FALSE;
}

/* profiles add + register of a type S v1 bot whose handlers are the
 * receiver; its id. */
static gint64
cli_register (Fixture    *f,
              const char *code)
{
  g_autofree char *file = g_build_filename (f->tmp_dir, "bot.json", NULL);
  g_autofree char *json = g_strdup_printf ("{\"CODE\": \"%s\", \"TYPE\": \"S\", \"EVENT_HANDLER\": \"%sbot\", "
                                           "\"PROPERTIES\": {\"NAME\": \"Doc\"}}", code, f->receiver_url);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonNode) node = NULL;
  int status;

  g_assert_true (g_file_set_contents (file, json, -1, NULL));
  g_assert_cmpint (CLI (NULL, NULL, "profiles", "add", "sb", "--webhook", f->webhook), ==, 0);
  status = CLI (&out, &err, "register", file);
  if (status != 0)
    g_error ("register: %s", err);
  node = parse_json (out, -1);
  if (JSON_NODE_HOLDS_VALUE (node))
    return json_node_get_int (node);

  return json_object_get_int_member (json_node_get_object (node), "result");
}

/* Text lines "STATUS  NAME  MESSAGE": the names, in order. */
static GPtrArray *
text_names (const char *out)
{
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) parts = NULL;

      if (*lines[i] == '\0')
        continue;
      parts = g_strsplit (lines[i], "  ", 3);
      g_assert_cmpuint (g_strv_length (parts), ==, 3);
      g_assert_true (g_str_equal (parts[0], "ok") || g_str_equal (parts[0], "warning") ||
                     g_str_equal (parts[0], "problem"));
      g_assert_cmpstr (parts[2], !=, "");
      g_ptr_array_add (names, g_strdup (parts[1]));
    }

  return names;
}

/* The JSON output: asserts its shape; the array (a new ref). */
static JsonArray *
json_checks (const char *out)
{
  g_autoptr(JsonNode) root = parse_json (out, -1);
  JsonArray *array;

  g_assert_true (JSON_NODE_HOLDS_ARRAY (root));
  array = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *check;
      const char *status;

      g_assert_true (JSON_NODE_HOLDS_OBJECT (element));
      check = json_node_get_object (element);
      g_assert_cmpuint (json_object_get_size (check), ==, 3);
      g_assert_true (json_object_has_member (check, "name"));
      g_assert_true (json_object_has_member (check, "status"));
      g_assert_true (json_object_has_member (check, "message"));
      g_assert_cmpstr (json_object_get_string_member (check, "name"), !=, "");
      g_assert_cmpstr (json_object_get_string_member (check, "message"), !=, "");
      status = json_object_get_string_member (check, "status");
      g_assert_true (g_str_equal (status, "ok") || g_str_equal (status, "warning") ||
                     g_str_equal (status, "problem"));
    }

  return json_array_ref (array);
}

static const char *
json_status_of (JsonArray  *array,
                const char *name)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *check = json_array_get_object_element (array, i);

      if (g_str_equal (json_object_get_string_member (check, "name"), name))
        return json_object_get_string_member (check, "status");
    }

  return NULL;
}

static void
test_text_and_json (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *db = g_build_filename (f->tmp_dir, "events.db", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *json = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(JsonArray) array = NULL;

  if (!have_keyring ())
    return;

  cli_register (f, "docbot");
  if (CLI (&out, &err, "doctor", "--db", db) != 0)
    g_error ("doctor failed: %s%s", out, err);
  g_test_message ("%s", out);
  names = text_names (out);
  g_assert_cmpuint (names->len, ==, G_N_ELEMENTS (v1_names));
  for (guint i = 0; i < names->len; i++)
    g_assert_cmpstr (g_ptr_array_index (names, i), ==, v1_names[i]);
  g_assert_nonnull (strstr (out, "ok  handler-answers  "));

  g_assert_cmpint (CLI (&json, NULL, "doctor", "--db", db, "--format", "json"), ==, 0);
  array = json_checks (json);
  g_assert_cmpuint (json_array_get_length (array), ==, G_N_ELEMENTS (v1_names));
  for (guint i = 0; i < G_N_ELEMENTS (v1_names); i++)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, i), "name"), ==,
                     v1_names[i]);
  g_assert_cmpstr (json_status_of (array, "scope"), ==, "ok");
  g_assert_cmpstr (json_status_of (array, "handler-answers"), ==, "ok");
}

static void
test_problem_exit (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *db = g_build_filename (f->tmp_dir, "events.db", NULL);
  g_autofree char *out = NULL;
  g_autofree char *json = NULL;
  g_autofree char *id_text = NULL;
  g_autofree char *other = NULL;
  g_autoptr(JsonArray) array = NULL;
  gint64 id;

  if (!have_keyring ())
    return;

  id = cli_register (f, "failbot");
  f->answer_status = 500;
  g_assert_cmpint (CLI (&out, NULL, "doctor", "--db", db), ==, 1);
  g_assert_nonnull (strstr (out, "problem  handler-answers  "));
  g_assert_nonnull (strstr (out, "500"));

  id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  g_assert_cmpint (CLI (&json, NULL, "doctor", id_text, "--format", "json", "--db", db), ==, 1);
  array = json_checks (json);
  g_assert_cmpstr (json_status_of (array, "handler-answers"), ==, "problem");

  /* A bot the portal does not have. */
  other = g_strdup_printf ("%" G_GINT64_FORMAT, id + 1000);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (CLI (&out, NULL, "doctor", other, "--db", db), ==, 1);
  g_assert_nonnull (strstr (out, "problem  handler-url  "));
}

static void
test_usage (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *err = NULL;

  g_assert_cmpint (CLI (NULL, &err, "doctor", "--format", "xml"), ==, 2);
  g_assert_nonnull (strstr (err, "--format"));
  g_assert_cmpint (CLI (NULL, NULL, "doctor", "notanid"), ==, 2);
  g_assert_cmpint (CLI (NULL, NULL, "doctor", "1", "2"), ==, 2);
  g_assert_cmpint (CLI (NULL, NULL, "doctor", "--listener", "ftp://x/"), ==, 2);
  g_assert_cmpint (CLI (NULL, NULL, "doctor", "--no-such-option"), ==, 2);
}

static void
cli_fixture_setup (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *config = g_build_filename (g_get_user_config_dir (), "botbench", NULL);

  botbench_test_rm_rf (config);
  fixture_setup (f, data);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/cli-doctor/output/text-and-json", Fixture, NULL, cli_fixture_setup, test_text_and_json,
              fixture_teardown);
  g_test_add ("/cli-doctor/exit/problem", Fixture, NULL, cli_fixture_setup, test_problem_exit, fixture_teardown);
  g_test_add ("/cli-doctor/exit/usage", Fixture, NULL, cli_fixture_setup, test_usage, fixture_teardown);

  return g_test_run ();
}
