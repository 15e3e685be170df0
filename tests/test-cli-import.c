/* test-cli-import.c: botbench-cli events (jsonl, har) and import
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "botbench-core.h"
#include "botbench-test-utils.h"

typedef struct
{
  char *dir;
  char *db;      /* holds the fixtures */
  char *fresh;   /* does not exist yet */
  guint n_events;
} CliFixture;

static const char *
cli_path (void)
{
  const char *path = g_getenv ("BOTBENCH_CLI");

  g_assert_nonnull (path);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_EXECUTABLE));
  return path;
}

/* Runs the CLI to completion; returns its exit status. */
static int
run_cli (char       **out,
         char       **err,
         const char  *first_arg,
         ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GBytes) out_bytes = NULL;
  g_autoptr(GBytes) err_bytes = NULL;
  g_autoptr(GError) error = NULL;
  va_list ap;

  g_ptr_array_add (args, (char *)cli_path ());
  va_start (ap, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *)arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  proc = g_subprocess_newv ((const char * const *)args->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate (proc, NULL, NULL, &out_bytes, &err_bytes, &error);
  g_assert_no_error (error);

  if (out != NULL)
    *out = g_strndup (g_bytes_get_size (out_bytes) ? g_bytes_get_data (out_bytes, NULL) : "",
                      g_bytes_get_size (out_bytes));
  if (err != NULL)
    *err = g_strndup (g_bytes_get_size (err_bytes) ? g_bytes_get_data (err_bytes, NULL) : "",
                      g_bytes_get_size (err_bytes));

  return g_subprocess_get_if_exited (proc) ? g_subprocess_get_exit_status (proc) : -1;
}

static void
cli_setup (CliFixture    *f,
           gconstpointer  data)
{
  g_autoptr(BotbenchEventStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) names = botbench_test_list_fixtures ();
  const char * const headers[] = { "Host", "127.0.0.1:8024", "Content-Type",
                                   "application/x-www-form-urlencoded", NULL };
  static const char binary[] = "\x00\x01\xff binary";

  f->dir = botbench_test_make_tmp_dir ();
  f->db = g_build_filename (f->dir, "events.db", NULL);
  f->fresh = g_build_filename (f->dir, "fresh.db", NULL);

  store = botbench_event_store_new (f->db, &error);
  g_assert_no_error (error);
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autoptr(GBytes) body = botbench_test_load_fixture (names[i]);
      g_autoptr(BotbenchEvent) event = NULL;

      event = botbench_event_new (1772090363000000 + i, "127.0.0.1", "POST", "/hook", "a=1",
                                  headers, "application/x-www-form-urlencoded", body);
      botbench_event_store_insert (store, event, &error);
      g_assert_no_error (error);
      f->n_events++;
    }
  {
    g_autoptr(GBytes) body = g_bytes_new_static (binary, sizeof binary - 1);
    g_autoptr(BotbenchEvent) event = botbench_event_new (1772090364000000, "127.0.0.1", "POST", "/bin",
                                                         "", NULL, "application/octet-stream", body);

    botbench_event_store_insert (store, event, &error);
    g_assert_no_error (error);
    f->n_events++;
  }
  botbench_event_store_close (store);
}

static void
cli_teardown (CliFixture    *f,
              gconstpointer  data)
{
  botbench_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->db);
  g_free (f->fresh);
}

static char *
write_file (CliFixture *f,
            const char *name,
            const char *contents)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (f->dir, name, NULL);

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return path;
}

/* The lines without their "id" (a fresh store numbers anew). */
static char *
without_ids (const char *jsonl)
{
  g_autoptr(GRegex) regex = g_regex_new ("^\\{\"id\":[0-9]+,", G_REGEX_MULTILINE, 0, NULL);

  return g_regex_replace_literal (regex, jsonl, -1, 0, "{", 0, NULL);
}

static void
test_round_trip (CliFixture    *f,
                 gconstpointer  data)
{
  g_autofree char *exported = NULL;
  g_autofree char *reexported = NULL;
  g_autofree char *err = NULL;
  g_autofree char *err2 = NULL;
  g_autofree char *file = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *expected = NULL;

  g_assert_cmpint (run_cli (&exported, NULL, "events", "--db", f->db, "--limit", "0", NULL), ==, 0);
  g_assert_nonnull (strstr (exported, "\"body_base64\":\"AAH/IGJpbmFyeQ==\""));
  file = write_file (f, "export.jsonl", exported);

  g_assert_cmpint (run_cli (NULL, &err, "import", file, "--db", f->fresh, NULL), ==, 0);
  expected = g_strdup_printf ("Imported %u events, 0 already present\n", f->n_events);
  g_assert_cmpstr (err, ==, expected);

  g_assert_cmpint (run_cli (&reexported, NULL, "events", "--db", f->fresh, "--limit", "0", NULL), ==, 0);
  a = without_ids (exported);
  b = without_ids (reexported);
  g_assert_cmpstr (a, ==, b);

  /* Twice: no duplicates. */
  g_assert_cmpint (run_cli (NULL, &err2, "import", file, "--db", f->fresh, NULL), ==, 0);
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("Imported 0 events, %u already present\n", f->n_events);
  g_assert_cmpstr (err2, ==, expected);
  g_clear_pointer (&reexported, g_free);
  g_assert_cmpint (run_cli (&reexported, NULL, "events", "--db", f->fresh, "--limit", "0", NULL), ==, 0);
  g_clear_pointer (&b, g_free);
  b = without_ids (reexported);
  g_assert_cmpstr (a, ==, b);
}

/* Fetched events travel with their source and portal event id: imported
 * into another store they are fetched JSON events again, once. */
static void
test_fetched (CliFixture    *f,
              gconstpointer  data)
{
  g_autoptr(BotbenchEventStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *src = g_build_filename (f->dir, "fetched.db", NULL);
  g_autofree char *exported = NULL;
  g_autofree char *file = NULL;
  g_autofree char *err = NULL;
  g_autofree char *err2 = NULL;
  g_autofree char *fetched = NULL;
  g_autofree char *listened = NULL;
  g_autofree char *help = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *line, *fetch;
  const char *body = "{\"event\":\"ONIMBOTV2MESSAGEADD\",\"eventId\":42,\"date\":null,"
                     "\"data\":{\"message\":{\"text\":\"hi\"}}}";

  store = botbench_event_store_new (src, &error);
  g_assert_no_error (error);
  {
    g_autoptr(GBytes) form = g_bytes_new_static ("event=ONIMBOTJOINCHAT&a=1", 25);
    g_autoptr(GBytes) json = g_bytes_new (body, strlen (body));
    g_autoptr(BotbenchEvent) listener = botbench_event_new (1772090363000000, "127.0.0.1", "POST", "/hook", "",
                                                            NULL, "application/x-www-form-urlencoded", form);
    g_autoptr(BotbenchEvent) polled = botbench_event_new (1772090363000001, "portal.example.com", "POST", "/", "",
                                                          NULL, "application/json", json);

    botbench_event_set_fetched (polled, "https://portal.example.com", 5, 42);
    botbench_event_store_insert (store, listener, &error);
    g_assert_no_error (error);
    botbench_event_store_insert (store, polled, &error);
    g_assert_no_error (error);
  }
  botbench_event_store_close (store);

  g_assert_cmpint (run_cli (&exported, NULL, "events", "--db", src, "--limit", "0", NULL), ==, 0);
  file = write_file (f, "fetched.jsonl", exported);

  g_assert_cmpint (run_cli (NULL, &err, "import", file, "--db", f->fresh, NULL), ==, 0);
  g_assert_cmpstr (err, ==, "Imported 2 events, 0 already present\n");

  g_assert_cmpint (run_cli (&fetched, NULL, "events", "--db", f->fresh, "--source", "fetched", NULL), ==, 0);
  node = json_from_string (g_strchomp (fetched), &error);
  g_assert_no_error (error);
  line = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (line, "source"), ==, "fetched");
  g_assert_cmpstr (json_object_get_string_member (line, "event"), ==, "ONIMBOTV2MESSAGEADD");
  /* "data" is the JSON body, not a form decoding of it. */
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (
                     json_object_get_object_member (json_object_get_object_member (line, "data"), "data"),
                     "message"), "text"), ==, "hi");
  fetch = json_object_get_object_member (line, "fetch");
  g_assert_cmpint (json_object_get_int_member (fetch, "bot_id"), ==, 5);
  g_assert_cmpint (json_object_get_int_member (fetch, "event_id"), ==, 42);
  g_assert_cmpstr (json_object_get_string_member (fetch, "portal"), ==, "https://portal.example.com");

  g_assert_cmpint (run_cli (&listened, NULL, "events", "--db", f->fresh, "--source", "listener", NULL), ==, 0);
  g_assert_nonnull (strstr (listened, "ONIMBOTJOINCHAT"));
  g_assert_null (strstr (listened, "ONIMBOTV2MESSAGEADD"));

  /* Twice: nothing added. */
  g_assert_cmpint (run_cli (NULL, &err2, "import", file, "--db", f->fresh, NULL), ==, 0);
  g_assert_cmpstr (err2, ==, "Imported 0 events, 2 already present\n");

  g_assert_cmpint (run_cli (&help, NULL, "import", "--help", NULL), ==, 0);
  g_assert_nonnull (strstr (help, "fetched"));
  g_assert_nonnull (strstr (help, "“import”"));
}

static void
test_bad_line (CliFixture    *f,
               gconstpointer  data)
{
  g_autofree char *exported = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *file = NULL;
  g_autofree char *err = NULL;
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;

  g_assert_cmpint (run_cli (&exported, NULL, "events", "--db", f->db, "--limit", "2", NULL), ==, 0);
  lines = g_strsplit (exported, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  contents = g_strdup_printf ("%s\n{\"received\":true}\n%s\n", lines[0], lines[1]);
  file = write_file (f, "bad.jsonl", contents);

  g_assert_cmpint (run_cli (NULL, &err, "import", file, "--db", f->fresh, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "Line 2: "));
  g_assert_nonnull (strstr (err, "received"));
  g_assert_nonnull (strstr (err, "Imported 2 events, 0 already present, 1 line failed\n"));

  /* The good lines are in. */
  g_assert_cmpint (run_cli (&out, NULL, "events", "--db", f->fresh, "--limit", "0", NULL), ==, 0);
  g_clear_pointer (&lines, g_strfreev);
  lines = g_strsplit (out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);
}

static void
test_usage (CliFixture    *f,
            gconstpointer  data)
{
  g_autofree char *err = NULL;
  g_autofree char *missing = g_build_filename (f->dir, "missing.jsonl", NULL);

  g_assert_cmpint (run_cli (NULL, NULL, "import", NULL), ==, 2);
  g_assert_cmpint (run_cli (NULL, NULL, "import", "a", "b", NULL), ==, 2);
  g_assert_cmpint (run_cli (NULL, &err, "import", missing, "--db", f->fresh, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "missing.jsonl"));
  g_assert_cmpint (run_cli (NULL, NULL, "events", "--db", f->db, "--format", "xml", NULL), ==, 2);
}

static void
test_har (CliFixture    *f,
          gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *log;
  JsonArray *entries;

  g_assert_cmpint (run_cli (&out, NULL, "events", "--db", f->db, "--format", "har",
                            "--limit", "3", NULL), ==, 0);
  root = botbench_json_parse (out, strlen (out), &error);
  g_assert_no_error (error);
  log = json_object_get_object_member (json_node_get_object (root), "log");
  g_assert_nonnull (log);
  g_assert_cmpstr (json_object_get_string_member (log, "version"), ==, "1.2");
  entries = json_object_get_array_member (log, "entries");
  g_assert_cmpuint (json_array_get_length (entries), ==, 3);

  /* --search keeps filtering. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&root, json_node_unref);
  g_assert_cmpint (run_cli (&out, NULL, "events", "--db", f->db, "--format", "har",
                            "--event", "ONAPPINSTALL", NULL), ==, 0);
  root = botbench_json_parse (out, strlen (out), &error);
  g_assert_no_error (error);
  log = json_object_get_object_member (json_node_get_object (root), "log");
  entries = json_object_get_array_member (log, "entries");
  g_assert_cmpuint (json_array_get_length (entries), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (
                     json_array_get_object_element (entries, 0), "request"), "url"),
                   ==, "http://127.0.0.1:8024/hook?a=1");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/cli-import/import/round-trip", CliFixture, NULL, cli_setup, test_round_trip, cli_teardown);
  g_test_add ("/cli-import/import/fetched", CliFixture, NULL, cli_setup, test_fetched, cli_teardown);
  g_test_add ("/cli-import/import/bad-line", CliFixture, NULL, cli_setup, test_bad_line, cli_teardown);
  g_test_add ("/cli-import/import/usage", CliFixture, NULL, cli_setup, test_usage, cli_teardown);
  g_test_add ("/cli-import/events/har", CliFixture, NULL, cli_setup, test_har, cli_teardown);

  return g_test_run ();
}
