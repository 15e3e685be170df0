/* test-cli-send.c: botbench-cli send-event as a subprocess
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Exit codes, the JSON line, --set, --template, FILE, --replay (stored
 * once, marked) and --dry-run, against the loopback test handler.
 */
#include "config.h"

#include <string.h>

#include "botbench-core.h"
#include "botbench-test-handler.h"
#include "botbench-test-utils.h"

#define CLI_WAIT_MS 60000

static char *tmp_home;

typedef struct
{
  char                *dir;
  char                *db;
  BotbenchTestHandler *handler;
  char                *url;        /* handler URL + /bot.php */
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->dir = botbench_test_make_tmp_dir ();
  f->db = g_build_filename (f->dir, "events.db", NULL);
  f->handler = botbench_test_handler_new ();
  f->url = g_strconcat (botbench_test_handler_get_url (f->handler), "/bot.php", NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_pointer (&f->handler, botbench_test_handler_free);
  botbench_test_iterate_pending (0);
  botbench_test_rm_rf (f->dir);
  g_clear_pointer (&f->dir, g_free);
  g_clear_pointer (&f->db, g_free);
  g_clear_pointer (&f->url, g_free);
}

/* Runs botbench-cli with the NULL-terminated arguments while the test's
 * context spins (so the handler answers); returns the exit status. */
static int
run_cli (char       **out,
         char       **err,
         const char  *first,
         ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GBytes) out_bytes = NULL;
  g_autoptr(GBytes) err_bytes = NULL;
  g_auto(BotbenchTestResult) result = { NULL };
  g_autoptr(GError) error = NULL;
  const char *cli = g_getenv ("BOTBENCH_CLI");
  va_list va;

  g_assert_nonnull (cli);
  g_ptr_array_add (args, (char *)cli);
  va_start (va, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (va, const char *))
    g_ptr_array_add (args, (char *)arg);
  va_end (va);
  g_ptr_array_add (args, NULL);

  proc = g_subprocess_newv ((const char * const *)args->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_async (proc, NULL, NULL, botbench_test_result_cb, &result);
  g_subprocess_communicate_finish (proc, botbench_test_result_wait (&result, CLI_WAIT_MS), &out_bytes, &err_bytes,
                                   &error);
  g_assert_no_error (error);

  *out = g_strndup (g_bytes_get_size (out_bytes) ? g_bytes_get_data (out_bytes, NULL) : "", g_bytes_get_size (out_bytes));
  *err = g_strndup (g_bytes_get_size (err_bytes) ? g_bytes_get_data (err_bytes, NULL) : "", g_bytes_get_size (err_bytes));
  g_test_message ("stdout: %s\nstderr: %s", *out, *err);

  return g_subprocess_get_if_exited (proc) ? g_subprocess_get_exit_status (proc) : -1;
}

/* The one JSON line send-event prints. */
static JsonObject *
parse_answer (const char *out)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  const char *nl = strchr (out, '\n');

  g_assert_nonnull (nl);
  g_assert_cmpstr (nl + 1, ==, "");
  json_parser_load_from_data (parser, out, nl - out, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));

  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static char *
write_file (Fixture    *f,
            const char *name,
            const char *contents)
{
  char *path = g_build_filename (f->dir, name, NULL);

  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
  return path;
}

static BotbenchTestRequest *
last_request (Fixture *f)
{
  GPtrArray *requests = botbench_test_handler_get_requests (f->handler);

  g_assert_cmpuint (requests->len, >, 0);
  return g_ptr_array_index (requests, requests->len - 1);
}

static BotbenchFormNode *
decode_request (BotbenchTestRequest *request)
{
  return botbench_post_decode_urlencoded (g_bytes_get_data (request->body, NULL), g_bytes_get_size (request->body));
}

static const struct
{
  const char *name;
  const char *args[6];
} usage_cases[] = {
  { "nothing", { NULL } },
  { "two-sources", { "--template", "bot-delete", "FILE", NULL } },
  { "replay-and-template", { "--replay", "1", "--template", "bot-delete", NULL } },
  { "bot-without-template", { "--bot", "5", "FILE", NULL } },
  { "bad-set", { "--template", "bot-delete", "--set", "data[x", NULL } },
  { "set-without-equals", { "--template", "bot-delete", "--set", "data[x]", NULL } },
  { "two-files", { "A", "B", NULL } },
  { "unknown-option", { "--frobnicate", NULL } },
};

static void
test_usage (Fixture       *f,
            gconstpointer  data)
{
  for (guint i = 0; i < G_N_ELEMENTS (usage_cases); i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      const char * const *a = usage_cases[i].args;

      g_test_message ("case %s", usage_cases[i].name);
      g_assert_cmpint (run_cli (&out, &err, "send-event", "--to", f->url, a[0], a[1], a[2], a[3], a[4], NULL),
                       ==, 2);
      g_assert_cmpstr (out, ==, "");
      g_assert_cmpstr (err, !=, "");
    }
  g_assert_cmpuint (botbench_test_handler_get_n_requests (f->handler), ==, 0);
}

static void
test_unknown_template (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char * const *names = botbench_event_template_list ();

  g_assert_cmpint (run_cli (&out, &err, "send-event", "--to", f->url, "--template", "message-ad", NULL), ==, 2);
  for (guint i = 0; names[i] != NULL; i++)
    g_assert_nonnull (strstr (err, names[i]));
  g_assert_cmpuint (botbench_test_handler_get_n_requests (f->handler), ==, 0);
}

static void
test_file (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GBytes) fixture = botbench_test_load_fixture ("ONIMBOTDELETE");
  g_autofree char *contents = g_strndup (g_bytes_get_data (fixture, NULL), g_bytes_get_size (fixture));
  g_autofree char *path = write_file (f, "body.form", contents);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonObject) answer = NULL;
  BotbenchTestRequest *request;

  g_assert_cmpint (run_cli (&out, &err, "send-event", "--to", f->url, path, NULL), ==, 0);
  answer = parse_answer (out);
  g_assert_cmpint (json_object_get_int_member (answer, "status"), ==, 200);
  g_assert_cmpstr (json_object_get_string_member (answer, "body"), ==, "ok");
  g_assert_true (json_node_get_value_type (json_object_get_member (answer, "duration_ms")) == G_TYPE_INT64);
  g_assert_cmpint (json_object_get_int_member (answer, "duration_ms"), >=, 0);
  g_assert_false (json_object_has_member (answer, "error"));

  /* byte for byte, as a form */
  request = last_request (f);
  g_assert_true (g_bytes_equal (request->body, fixture));
  g_assert_cmpstr (request->method, ==, "POST");
  g_assert_cmpstr (request->path, ==, "/bot.php");

  /* A handler that answers 200 with nothing: an empty string, not null,
   * and no warning on stderr. */
  {
    g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
    g_autofree char *out2 = NULL;
    g_autofree char *err2 = NULL;
    g_autoptr(JsonObject) answer2 = NULL;

    botbench_test_handler_set_body (f->handler, empty);
    g_assert_cmpint (run_cli (&out2, &err2, "send-event", "--to", f->url, path, NULL), ==, 0);
    answer2 = parse_answer (out2);
    g_assert_cmpstr (json_object_get_string_member (answer2, "body"), ==, "");
    g_assert_cmpstr (err2, ==, "");
  }
}

static void
test_file_with_set (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GBytes) fixture = botbench_test_load_fixture ("ONIMBOTMESSAGEADD");
  g_autofree char *contents = g_strndup (g_bytes_get_data (fixture, NULL), g_bytes_get_size (fixture));
  g_autofree char *path = write_file (f, "body.form", contents);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(BotbenchFormNode) got = NULL;
  g_autoptr(BotbenchFormNode) want = NULL;
  g_autofree char *got_json = NULL;
  g_autofree char *want_json = NULL;

  g_assert_cmpint (run_cli (&out, &err, "send-event", "--to", f->url, "--set", "data[PARAMS][MESSAGE]=Hi there",
                            "--set", "data[PARAMS][EXTRA][a]=b&c", path, NULL), ==, 0);

  got = decode_request (last_request (f));
  want = botbench_post_decode_urlencoded (contents, strlen (contents));
  g_assert_true (botbench_form_edit_set (&want, "data[PARAMS][MESSAGE]", "Hi there", NULL));
  g_assert_true (botbench_form_edit_set (&want, "data[PARAMS][EXTRA][a]", "b&c", NULL));
  got_json = botbench_form_node_to_json (got);
  want_json = botbench_form_node_to_json (want);
  g_assert_cmpstr (got_json, ==, want_json);
}

static void
test_status_500 (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *path = write_file (f, "body.form", "event=ONIMBOTDELETE");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonObject) answer = NULL;

  botbench_test_handler_set_mode (f->handler, BOTBENCH_TEST_HANDLER_ERROR);
  g_assert_cmpint (run_cli (&out, &err, "send-event", "--to", f->url, path, NULL), ==, 1);
  answer = parse_answer (out);
  g_assert_cmpint (json_object_get_int_member (answer, "status"), ==, 500);
  g_assert_cmpstr (json_object_get_string_member (answer, "body"), ==, "boom");
}

static void
test_transport_error (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *path = write_file (f, "body.form", "event=ONIMBOTDELETE");
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/", botbench_test_closed_port ());
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonObject) answer = NULL;

  g_assert_cmpint (run_cli (&out, &err, "send-event", "--to", url, path, NULL), ==, 1);
  answer = parse_answer (out);
  g_assert_true (json_object_get_null_member (answer, "status"));
  g_assert_true (json_object_get_null_member (answer, "body"));
  g_assert_cmpstr (json_object_get_string_member (answer, "error"), ==, "Connection refused");
  g_assert_true (json_object_has_member (answer, "duration_ms"));
}

static void
test_template (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(BotbenchFormNode) form = NULL;

  /* no profile here: the bot id alone, the rest from the defaults */
  g_assert_cmpint (run_cli (&out, &err, "send-event", "--to", f->url, "--template", "message-add-private",
                            "--bot", "901", "--set", "data[PARAMS][MESSAGE]=/start", NULL), ==, 0);
  answer = parse_answer (out);
  g_assert_cmpint (json_object_get_int_member (answer, "status"), ==, 200);

  form = decode_request (last_request (f));
  g_assert_cmpstr (botbench_form_node_lookup_string (form, "event", NULL), ==, "ONIMBOTMESSAGEADD");
  g_assert_cmpstr (botbench_form_node_lookup_string (form, "data", "BOT", "901", "BOT_ID", NULL), ==, "901");
  g_assert_cmpstr (botbench_form_node_lookup_string (form, "data", "PARAMS", "MESSAGE", NULL), ==, "/start");
  g_assert_nonnull (botbench_form_node_lookup_string (form, "auth", "application_token", NULL));

  /* every template goes out */
  for (const char * const *name = botbench_event_template_list (); *name != NULL; name++)
    {
      g_autofree char *o = NULL;
      g_autofree char *e = NULL;
      g_autoptr(BotbenchFormNode) sent = NULL;

      g_assert_cmpint (run_cli (&o, &e, "send-event", "--to", f->url, "--template", *name, NULL), ==, 0);
      sent = decode_request (last_request (f));
      g_assert_cmpstr (botbench_form_node_lookup_string (sent, "event", NULL), ==,
                       botbench_event_template_get_event (*name));
    }
}

/* A stored event as if the listener had received it; returns its id. */
static gint64
store_fixture (Fixture    *f,
               const char *name)
{
  g_autoptr(GBytes) body = botbench_test_load_fixture (name);
  const char *headers[] = { "User-Agent", "Bitrix24 Webhook Engine", "Content-Type",
                            "application/x-www-form-urlencoded", NULL };
  g_autoptr(BotbenchEvent) event = botbench_event_new (g_get_real_time (), "203.0.113.7", "POST", "/bot/events", "",
                                                       headers, "application/x-www-form-urlencoded", body);
  g_autoptr(BotbenchEventStore) store = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;

  store = botbench_event_store_new (f->db, &error);
  g_assert_no_error (error);
  id = botbench_event_store_insert (store, event, &error);
  g_assert_no_error (error);
  botbench_event_store_close (store);

  return id;
}

static void
test_replay (Fixture       *f,
             gconstpointer  data)
{
  gint64 id = store_fixture (f, "ONIMBOTMESSAGEADD");
  g_autofree char *id_arg = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(BotbenchFormNode) sent = NULL;
  g_autoptr(BotbenchEventStore) store = NULL;
  g_autoptr(BotbenchEvent) replay = NULL;
  g_autoptr(GError) error = NULL;
  BotbenchTestRequest *request;
  const char *replay_of = NULL;

  g_assert_cmpint (run_cli (&out, &err, "send-event", "--db", f->db, "--to", f->url, "--replay", id_arg,
                            "--set", "data[PARAMS][MESSAGE]=Replayed", NULL), ==, 0);
  answer = parse_answer (out);
  g_assert_cmpint (json_object_get_int_member (answer, "status"), ==, 200);

  request = last_request (f);
  sent = decode_request (request);
  g_assert_cmpstr (botbench_form_node_lookup_string (sent, "data", "PARAMS", "MESSAGE", NULL), ==, "Replayed");
  g_assert_cmpstr (botbench_form_node_lookup_string (sent, "data", "PARAMS", "MESSAGE_ID", NULL), ==, "84331");
  for (guint i = 0; request->headers[i] != NULL; i += 2)
    if (g_ascii_strcasecmp (request->headers[i], "X-Botbench-Replay-Of") == 0)
      replay_of = request->headers[i + 1];
  g_assert_cmpstr (replay_of, ==, id_arg);

  /* stored once, as a replay of id, with the handler's answer */
  store = botbench_event_store_new (f->db, &error);
  g_assert_no_error (error);
  replay = botbench_event_store_get_event (store, id + 1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (replay);
  g_assert_cmpint (botbench_event_get_replay_of (replay), ==, id);
  g_assert_true (g_bytes_equal (botbench_event_get_body (replay), request->body));
  g_assert_nonnull (botbench_event_get_forward (replay));
  g_assert_cmpuint (botbench_forward_result_get_status (botbench_event_get_forward (replay)), ==, 200);
  g_assert_cmpint (botbench_event_store_get_last_id (store), ==, id + 1);
  botbench_event_store_close (store);

  /* an id that is not there */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (&out, &err, "send-event", "--db", f->db, "--to", f->url, "--replay", "999", NULL), ==, 1);
  g_assert_cmpstr (out, ==, "");
}

/* To a running listener (as `listen` or the window runs it): the
 * listener stores the replay, marked; send-event does not store it again. */
static void
test_replay_to_listener (Fixture       *f,
                         gconstpointer  data)
{
  gint64 id = store_fixture (f, "ONIMBOTJOINCHAT");
  g_autofree char *id_arg = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *base = NULL;
  g_autofree char *url = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(BotbenchEventStore) store = NULL;
  g_autoptr(BotbenchListener) listener = NULL;
  g_autoptr(BotbenchEvent) replay = NULL;
  g_autoptr(GError) error = NULL;

  store = botbench_event_store_new (f->db, &error);
  g_assert_no_error (error);
  listener = botbench_listener_new (store);
  botbench_listener_set_host (listener, "127.0.0.1");
  botbench_listener_set_port (listener, 0);
  botbench_listener_start (listener, &error);
  g_assert_no_error (error);
  base = botbench_listener_dup_url (listener);
  url = g_strdup_printf ("%s%sbot/events", base, g_str_has_suffix (base, "/") ? "" : "/");

  g_assert_cmpint (run_cli (&out, &err, "send-event", "--db", f->db, "--to", url, "--replay", id_arg,
                            "--set", "data[PARAMS][LANGUAGE]=de", NULL), ==, 0);
  answer = parse_answer (out);
  g_assert_cmpint (json_object_get_int_member (answer, "status"), ==, 200);
  g_assert_nonnull (strstr (json_object_get_string_member (answer, "body"), "\"ok\":true"));

  botbench_listener_stop (listener);
  replay = botbench_event_store_get_event (store, id + 1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (replay);
  g_assert_cmpint (botbench_event_get_replay_of (replay), ==, id);
  g_assert_cmpstr (botbench_form_node_lookup_string (botbench_event_get_form (replay), "data", "PARAMS", "LANGUAGE",
                                                     NULL), ==, "de");
  g_assert_cmpint (botbench_event_store_get_last_id (store), ==, id + 1);
  botbench_event_store_close (store);
}

static void
test_dry_run (Fixture       *f,
              gconstpointer  data)
{
  gint64 id = store_fixture (f, "ONIMBOTDELETE");
  g_autofree char *id_arg = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *path = write_file (f, "body.form", "event=X&data%5Ba%5D=1");
  g_autoptr(BotbenchEventStore) store = NULL;

  g_assert_cmpint (run_cli (&out, &err, "send-event", "--db", f->db, "--to", f->url, "--replay", id_arg,
                            "--set", "data[BOT_CODE]=other_bot", "--dry-run", NULL), ==, 0);
  g_assert_true (g_str_has_prefix (out, "event=ONIMBOTDELETE&event_handler_id=439&data%5BBOT_ID%5D=567&data%5BBOT_CODE%5D=other_bot&"));
  g_assert_nonnull (strstr (out, "\n- data[BOT_CODE]=echo_bot\n+ data[BOT_CODE]=other_bot\n"));

  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (&out, &err, "send-event", "--to", f->url, "--dry-run", path, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "event=X&data%5Ba%5D=1\n");

  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (&out, &err, "send-event", "--dry-run", "--template", "app-install", NULL), ==, 0);
  g_assert_true (g_str_has_prefix (out, "event=ONAPPINSTALL&data%5BVERSION%5D=1&"));

  /* nothing was sent or stored */
  g_assert_cmpuint (botbench_test_handler_get_n_requests (f->handler), ==, 0);
  store = botbench_event_store_new (f->db, NULL);
  g_assert_cmpint (botbench_event_store_get_last_id (store), ==, id);
  botbench_event_store_close (store);
}

/* A template from the active profile: its portal and the application_token
 * it expects (the built-in sandbox profile expects its CLIENT_ID when the
 * keyring has none), so the simulated event passes the token check. */
static void
test_template_profile_token (Fixture       *f,
                             gconstpointer  data)
{
  const char *client_id = "local.cli0send0token.0000";
  g_autoptr(BotbenchProfileManager) manager = botbench_profile_manager_new (NULL);
  g_autoptr(BotbenchProfile) profile = botbench_profile_new (BOTBENCH_PROFILE_KIND_WEBHOOK,
                                                             BOTBENCH_PROFILE_SANDBOX_UUID);
  g_autoptr(BotbenchFormNode) form = NULL;
  g_autoptr(BotbenchEvent) event = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *ini = NULL;
  char *newline;

  botbench_profile_set_name (profile, "Sandbox");
  botbench_profile_set_portal_url (profile, "https://sandbox.example.org:8090");
  botbench_profile_set_client_id (profile, client_id);
  g_assert_true (botbench_profile_manager_add (manager, profile, &error));
  g_assert_no_error (error);
  g_assert_true (botbench_profile_manager_save (manager, &error));
  g_assert_no_error (error);

  g_assert_cmpint (run_cli (&out, &err, "send-event", "--dry-run", "--template", "command-add", NULL), ==, 0);
  newline = strchr (out, '\n');
  g_assert_nonnull (newline);
  body = g_bytes_new (out, newline - out);
  event = botbench_replay_build_new ("/", body);
  form = botbench_form_node_ref (botbench_event_get_form (event));
  g_assert_cmpstr (botbench_form_node_lookup_string (form, "auth", "application_token", NULL), ==, client_id);
  g_assert_cmpstr (botbench_form_node_lookup_string (form, "auth", "domain", NULL), ==, "sandbox.example.org:8090");
  g_assert_cmpstr (botbench_form_node_lookup_string (form, "auth", "client_endpoint", NULL), ==,
                   "https://sandbox.example.org:8090/rest/");
  g_assert_cmpint (botbench_token_check (event, client_id), ==, BOTBENCH_TOKEN_STATE_VERIFIED);

  /* The other cases run without profiles. */
  g_assert_true (botbench_profile_manager_remove (manager, profile, &error));
  g_assert_no_error (error);
  g_assert_true (botbench_profile_manager_save (manager, &error));
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  /* no profiles, and the default store, under a temporary home */
  tmp_home = g_dir_make_tmp ("botbench-cli-send-XXXXXX", NULL);
  g_setenv ("XDG_CONFIG_HOME", tmp_home, TRUE);
  g_setenv ("XDG_DATA_HOME", tmp_home, TRUE);

  g_test_init (&argc, &argv, NULL);

  g_test_add ("/cli-send/usage/errors", Fixture, NULL, fixture_setup, test_usage, fixture_teardown);
  g_test_add ("/cli-send/usage/unknown-template", Fixture, NULL, fixture_setup, test_unknown_template,
              fixture_teardown);
  g_test_add ("/cli-send/file/sent", Fixture, NULL, fixture_setup, test_file, fixture_teardown);
  g_test_add ("/cli-send/file/set", Fixture, NULL, fixture_setup, test_file_with_set, fixture_teardown);
  g_test_add ("/cli-send/answer/status-500", Fixture, NULL, fixture_setup, test_status_500, fixture_teardown);
  g_test_add ("/cli-send/answer/transport-error", Fixture, NULL, fixture_setup, test_transport_error,
              fixture_teardown);
  g_test_add ("/cli-send/template/sent", Fixture, NULL, fixture_setup, test_template, fixture_teardown);
  g_test_add ("/cli-send/replay/stored", Fixture, NULL, fixture_setup, test_replay, fixture_teardown);
  g_test_add ("/cli-send/replay/to-listener", Fixture, NULL, fixture_setup, test_replay_to_listener,
              fixture_teardown);
  g_test_add ("/cli-send/dry-run/no-send", Fixture, NULL, fixture_setup, test_dry_run, fixture_teardown);
  g_test_add ("/cli-send/template/profile-token", Fixture, NULL, fixture_setup, test_template_profile_token,
              fixture_teardown);

  status = g_test_run ();
  botbench_test_rm_rf (tmp_home);
  g_free (tmp_home);
  return status;
}
