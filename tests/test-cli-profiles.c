/* test-cli-profiles.c: botbench-cli profiles, call and sandbox
 *
 * Runs under tests/with-keyring.sh: a private D-Bus session with its own
 * gnome-keyring, and XDG_CONFIG_HOME/XDG_DATA_HOME in a temporary directory.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>

#include "botbench-core.h"
#include "botbench-sandbox.h"
#include "botbench-profile-manager.h"
#include "botbench-secret-store.h"
#include "botbench-test-utils.h"

/* How long one botbench-cli run may take (slow under ASan) before the test
 * fails. */
#define CLI_WAIT_MS 120000

typedef struct
{
  BotbenchSandbox *sandbox;
  char            *webhook_url;
  char            *secret;
} SandboxFixture;

static const char *
cli_path (void)
{
  const char *path = g_getenv ("BOTBENCH_CLI");

  g_assert_nonnull (path);
  return path;
}


#define CLI(in, out, err, ...) \
  botbench_test_run_cli (NULL, in, CLI_WAIT_MS, out, err, (const char * const[]) { __VA_ARGS__, NULL })
#define CLI_WITH(launcher, out, err, ...) \
  botbench_test_run_cli (launcher, NULL, CLI_WAIT_MS, out, err, (const char * const[]) { __VA_ARGS__, NULL })

static void
sandbox_setup (SandboxFixture *f,
               gconstpointer   data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *config = NULL;
  const char *slash;

  /* with-keyring.sh gives every run its own XDG_CONFIG_HOME; start clean. */
  config = g_build_filename (g_get_user_config_dir (), "botbench", NULL);
  botbench_test_rm_rf (config);

  f->sandbox = botbench_sandbox_new ();
  botbench_sandbox_set_port (f->sandbox, 0);
  botbench_sandbox_set_webhook_secret (f->sandbox, "s3cretWebhookKey42");
  botbench_sandbox_start (f->sandbox, &error);
  g_assert_no_error (error);

  f->webhook_url = botbench_sandbox_dup_webhook_url (f->sandbox);
  slash = strstr (f->webhook_url, "/rest/1/");
  g_assert_nonnull (slash);
  f->secret = g_strdup ("s3cretWebhookKey42");
  g_assert_nonnull (strstr (f->webhook_url, f->secret));
}

static void
sandbox_teardown (SandboxFixture *f,
                  gconstpointer   data)
{
  botbench_sandbox_stop (f->sandbox);
  g_clear_object (&f->sandbox);
  g_clear_pointer (&f->webhook_url, g_free);
  g_clear_pointer (&f->secret, g_free);
}

static void
test_profiles_lifecycle (SandboxFixture *f,
                         gconstpointer   data)
{
  g_autofree char *out = NULL, *err = NULL, *ini = NULL, *ini_path = NULL;
  g_autofree char *dup_err = NULL, *bad_err = NULL, *test_out = NULL;
  g_autofree char *rm_err = NULL, *after = NULL, *use_err = NULL;
  g_autoptr(BotbenchProfileManager) manager = NULL;
  g_autoptr(BotbenchSecretStore) secrets = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *stored = NULL;
  g_autofree char *uuid = NULL;
  BotbenchProfile *profile;

  g_assert_cmpint (CLI (NULL, NULL, &err, "profiles", "add", "demo", "--webhook", f->webhook_url), ==, 0);
  g_assert_cmpint (CLI (NULL, NULL, &dup_err, "profiles", "add", "demo", "--webhook", f->webhook_url), ==, 1);
  g_assert_nonnull (strstr (dup_err, "already exists"));
  g_assert_cmpint (CLI (NULL, NULL, &bad_err, "profiles", "add", "bad", "--webhook",
                        "https://x.bitrix24.com/rest/abc/def/"), ==, 1);
  g_assert_nonnull (strstr (bad_err, "user id"));
  g_assert_cmpint (CLI (NULL, NULL, NULL, "profiles", "add", "both", "--webhook", f->webhook_url, "--oauth"), ==, 2);

  /* Listed, marked active, secret masked; the file holds no secret. */
  g_assert_cmpint (CLI (NULL, &out, NULL, "profiles"), ==, 0);
  g_assert_nonnull (strstr (out, "* demo"));
  g_assert_null (strstr (out, f->secret));
  ini_path = g_build_filename (g_get_user_config_dir (), "botbench", "profiles.ini", NULL);
  g_assert_true (g_file_get_contents (ini_path, &ini, NULL, NULL));
  g_assert_nonnull (strstr (ini, "name=demo"));
  g_assert_null (strstr (ini, f->secret));

  /* The secret is in the keyring, under the profile's UUID. */
  manager = botbench_profile_manager_new (NULL);
  g_assert_true (botbench_profile_manager_load (manager, &error));
  profile = botbench_profile_manager_lookup (manager, "demo");
  g_assert_nonnull (profile);
  uuid = g_strdup (botbench_profile_get_uuid (profile));
  secrets = botbench_secret_store_new ();
  stored = botbench_secret_store_lookup_sync (secrets, uuid, BOTBENCH_SECRET_KIND_WEBHOOK_SECRET, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored, ==, f->secret);

  g_assert_cmpint (CLI (NULL, &test_out, NULL, "profiles", "test", "demo"), ==, 0);
  g_assert_nonnull (strstr (test_out, "imbot scope: yes"));

  g_assert_cmpint (CLI (NULL, NULL, &use_err, "profiles", "use", "nope"), ==, 1);
  g_assert_nonnull (strstr (use_err, "nope"));

  g_assert_cmpint (CLI (NULL, NULL, &rm_err, "profiles", "remove", "demo"), ==, 0);
  g_assert_cmpint (CLI (NULL, &after, NULL, "profiles"), ==, 0);
  g_assert_null (strstr (after, "demo"));

  g_clear_pointer (&stored, g_free);
  stored = botbench_secret_store_lookup_sync (secrets, uuid, BOTBENCH_SECRET_KIND_WEBHOOK_SECRET, NULL, NULL);
  g_assert_null (stored);
}

static void
test_call (SandboxFixture *f,
           gconstpointer   data)
{
  g_autofree char *out = NULL, *list = NULL, *err = NULL, *json_out = NULL, *usage = NULL;
  g_autofree char *dir = botbench_test_make_tmp_dir ();
  g_autofree char *json_file = g_build_filename (dir, "params.json", NULL);
  g_autoptr(GError) error = NULL;
  guint64 bot_id = 0;

  g_assert_cmpint (CLI (NULL, NULL, NULL, "profiles", "add", "sb", "--webhook", f->webhook_url), ==, 0);

  g_assert_cmpint (CLI (NULL, &out, &err, "call", "imbot.register", "CODE=echo", "TYPE=B",
                        "EVENT_HANDLER=https://bot.example.com/hook", "PROPERTIES[NAME]=Echo"), ==, 0);
  g_assert_true (g_ascii_string_to_unsigned (g_strstrip (out), 10, 1, G_MAXUINT64, &bot_id, NULL));

  g_assert_cmpint (CLI (NULL, &list, NULL, "--profile", "sb", "call", "imbot.bot.list"), ==, 0);
  g_assert_nonnull (strstr (list, "\"CODE\" : \"echo\""));
  g_assert_nonnull (strstr (list, "\"NAME\" : \"Echo\""));

  g_clear_pointer (&err, g_free);
  g_assert_cmpint (CLI (NULL, NULL, &err, "call", "imbot.register", "CODE=0",
                        "EVENT_HANDLER=https://bot.example.com/hook"), ==, 1);
  g_assert_nonnull (strstr (err, "CODE_ERROR"));
  g_assert_null (strstr (err, f->secret));

  g_file_set_contents (json_file, "{\"BOT_ID\": \"" "1" "\", \"DIALOG_ID\": \"1\", \"MESSAGE\": \"hi\"}", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (CLI (NULL, &json_out, NULL, "call", "scope", "--json", json_file), ==, 0);
  g_assert_nonnull (strstr (json_out, "imbot"));

  g_assert_cmpint (CLI (NULL, NULL, &usage, "call", "scope", "A=1", "--json", json_file), ==, 2);
  g_assert_cmpint (CLI (NULL, NULL, NULL, "call"), ==, 2);
  g_assert_cmpint (CLI (NULL, NULL, NULL, "call", "scope", "novalue"), ==, 2);
  g_assert_cmpint (CLI (NULL, NULL, NULL, "--profile", "missing", "call", "scope"), ==, 1);

  botbench_test_rm_rf (dir);
}

static void
test_bot_commands (SandboxFixture *f,
                   gconstpointer   data)
{
  g_autofree char *dir = botbench_test_make_tmp_dir ();
  g_autofree char *bot_file = g_build_filename (dir, "echo.json", NULL);
  g_autofree char *renamed_file = g_build_filename (dir, "echo2.json", NULL);
  g_autofree char *bad_file = g_build_filename (dir, "bad.json", NULL);
  g_autofree char *cmd_file = g_build_filename (dir, "cmd.json", NULL);
  g_autofree char *dry = NULL, *id_out = NULL, *list = NULL, *upd_dry = NULL, *upd = NULL;
  g_autofree char *cmd_out = NULL, *bad_err = NULL, *unreg = NULL, *after = NULL, *empty_list = NULL;
  g_autoptr(GError) error = NULL;
  guint64 bot_id = 0;
  char id_text[32];

  g_assert_true (g_file_set_contents (bot_file,
    "{\"CODE\":\"echo\",\"TYPE\":\"B\",\"EVENT_HANDLER\":\"https://bot.example.com/hook\","
    "\"PROPERTIES\":{\"NAME\":\"Echo\",\"COLOR\":\"AQUA\"}}", -1, &error));
  g_assert_true (g_file_set_contents (renamed_file,
    "{\"CODE\":\"echo\",\"TYPE\":\"B\",\"EVENT_HANDLER\":\"https://bot.example.com/hook\","
    "\"PROPERTIES\":{\"NAME\":\"Echo Two\",\"COLOR\":\"AQUA\"}}", -1, &error));
  g_assert_true (g_file_set_contents (bad_file,
    "{\"CODE\":\"0\",\"EVENT_HANDLER\":\"https://bot.example.com/hook\",\"PROPERTIES\":{\"NAME\":\"X\"}}", -1, &error));
  g_assert_true (g_file_set_contents (cmd_file,
    "{\"COMMAND\":\"echo\",\"LANG\":[{\"LANGUAGE_ID\":\"en\",\"TITLE\":\"Echo back\",\"PARAMS\":\"text\"}],"
    "\"EVENT_COMMAND_ADD\":\"https://bot.example.com/hook\"}", -1, &error));

  g_assert_cmpint (CLI (NULL, NULL, NULL, "profiles", "add", "sb", "--webhook", f->webhook_url), ==, 0);

  /* --dry-run shows the request, secret masked, and sends nothing. */
  g_assert_cmpint (CLI (NULL, &dry, NULL, "register", bot_file, "--dry-run"), ==, 0);
  g_assert_nonnull (strstr (dry, "\"method\" : \"imbot.register\""));
  g_assert_nonnull (strstr (dry, "/rest/1/•••/imbot.register.json"));
  g_assert_nonnull (strstr (dry, "\"CLIENT_ID\""));
  g_assert_null (strstr (dry, f->secret));
  g_assert_cmpint (CLI (NULL, &empty_list, NULL, "bots"), ==, 0);
  g_assert_null (strstr (empty_list, "echo"));

  /* Errors found before sending stop the command. */
  g_assert_cmpint (CLI (NULL, NULL, &bad_err, "register", bad_file), ==, 1);
  g_assert_nonnull (strstr (bad_err, "CODE_ERROR"));

  g_assert_cmpint (CLI (NULL, &id_out, NULL, "register", bot_file), ==, 0);
  g_assert_true (g_ascii_string_to_unsigned (g_strstrip (id_out), 10, 1, G_MAXINT64, &bot_id, NULL));
  g_snprintf (id_text, sizeof id_text, "%" G_GUINT64_FORMAT, bot_id);

  g_assert_cmpint (CLI (NULL, &list, NULL, "bots"), ==, 0);
  g_assert_nonnull (strstr (list, "\"CODE\" : \"echo\""));

  /* The same CODE again is not a silent duplicate: adopt it or update it. */
  {
    g_autofree char *dup_err = NULL;
    g_autofree char *adopted = NULL;

    g_assert_cmpint (CLI (NULL, NULL, &dup_err, "register", bot_file), ==, 1);
    g_assert_nonnull (strstr (dup_err, "--adopt"));
    g_assert_cmpint (CLI (NULL, &adopted, NULL, "register", bot_file, "--adopt"), ==, 0);
    g_assert_cmpstr (g_strstrip (adopted), ==, id_text);
  }

  /* Only the changed field goes in FIELDS. */
  g_assert_cmpint (CLI (NULL, &upd_dry, NULL, "update", id_text, renamed_file, "--dry-run"), ==, 0);
  g_assert_nonnull (strstr (upd_dry, "\"NAME\" : \"Echo Two\""));
  g_assert_null (strstr (upd_dry, "EVENT_HANDLER"));
  g_assert_null (strstr (upd_dry, "COLOR"));
  g_assert_cmpint (CLI (NULL, &upd, NULL, "update", id_text, renamed_file), ==, 0);
  g_assert_cmpstr (g_strstrip (upd), ==, "true");

  g_assert_cmpint (CLI (NULL, &cmd_out, NULL, "command-register", id_text, cmd_file), ==, 0);
  g_assert_cmpint (g_ascii_strtoll (cmd_out, NULL, 10), >, 0);

  g_assert_cmpint (CLI (NULL, &unreg, NULL, "unregister", id_text), ==, 0);
  g_assert_cmpstr (g_strstrip (unreg), ==, "true");
  g_assert_cmpint (CLI (NULL, &after, NULL, "bots"), ==, 0);
  g_assert_null (strstr (after, "echo"));

  g_assert_cmpint (CLI (NULL, NULL, NULL, "update", "abc", bot_file), ==, 2);
  g_assert_cmpint (CLI (NULL, NULL, NULL, "unregister"), ==, 2);
  g_assert_cmpint (CLI (NULL, NULL, NULL, "register"), ==, 2);

  botbench_test_rm_rf (dir);
}

static void
test_sandbox_command (void)
{
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GDataInputStream) err = NULL;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *webhook = NULL;
  g_autofree char *scope_url = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) response = NULL;

  g_assert_cmpint (CLI (NULL, NULL, NULL, "sandbox", "--rate-limit", "fast"), ==, 2);
  g_assert_cmpint (CLI (NULL, NULL, NULL, "sandbox", "--tls-cert", "/x.pem"), ==, 2);
  g_assert_cmpint (CLI (NULL, NULL, NULL, "sandbox", "--bot-limit", "-1"), ==, 2);

  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                           cli_path (), "sandbox", "--port", "0", "--memory",
                           "--webhook-secret", "cliSandboxSecret1", "--rate-limit", "off", NULL);
  g_assert_no_error (error);
  err = g_data_input_stream_new (g_subprocess_get_stderr_pipe (proc));

  line = g_data_input_stream_read_line_utf8 (err, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (line, "sandbox listening on http://127.0.0.1:"));

  while (webhook == NULL)
    {
      g_free (line);
      line = g_data_input_stream_read_line_utf8 (err, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (line);
      if (g_str_has_prefix (line, "inbound webhook: "))
        webhook = g_strdup (line + strlen ("inbound webhook: "));
    }
  g_assert_true (g_str_has_suffix (webhook, "/rest/1/cliSandboxSecret1/"));

  scope_url = g_strconcat (webhook, "scope.json", NULL);
  msg = soup_message_new ("GET", scope_url);
  response = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (response, NULL), g_bytes_get_size (response), "imbot"));

  g_subprocess_send_signal (proc, SIGTERM);
  g_subprocess_wait (proc, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
}

static void
test_tls_pinned (void)
{
  g_autoptr(BotbenchSandbox) sandbox = botbench_sandbox_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = botbench_test_make_tmp_dir ();
  g_autofree char *state = g_build_filename (dir, "state.db", NULL);
  g_autofree char *cert_path = g_build_filename (dir, "pinned.pem", NULL);
  g_autofree char *config = g_build_filename (g_get_user_config_dir (), "botbench", NULL);
  g_autofree char *pem = NULL;
  g_autofree char *webhook = NULL;
  g_autofree char *unpinned_err = NULL;
  g_autofree char *pinned_out = NULL;
  g_autofree char *bad_err = NULL;

  botbench_test_rm_rf (config);
  botbench_sandbox_set_port (sandbox, 0);
  botbench_sandbox_set_state_path (sandbox, state);
  botbench_sandbox_set_tls (sandbox, TRUE);
  botbench_sandbox_start (sandbox, &error);
  g_assert_no_error (error);

  webhook = botbench_sandbox_dup_webhook_url (sandbox);
  g_assert_true (g_str_has_prefix (webhook, "https://127.0.0.1:"));
  pem = botbench_sandbox_dup_certificate_pem (sandbox);
  g_assert_true (g_file_set_contents (cert_path, pem, -1, &error));

  /* Without the pin, the self-signed certificate is refused ... */
  g_assert_cmpint (CLI (NULL, NULL, NULL, "profiles", "add", "nopin", "--webhook", webhook), ==, 0);
  g_assert_cmpint (CLI (NULL, NULL, &unpinned_err, "profiles", "test", "nopin"), ==, 1);
  g_assert_nonnull (strstr (unpinned_err, "not trusted"));

  /* ... with it, exactly that certificate is trusted. */
  g_assert_cmpint (CLI (NULL, NULL, NULL, "profiles", "add", "pinned", "--webhook", webhook,
                        "--certificate", cert_path), ==, 0);
  g_assert_cmpint (CLI (NULL, &pinned_out, NULL, "profiles", "test", "pinned"), ==, 0);
  g_assert_nonnull (strstr (pinned_out, "imbot scope: yes"));

  g_assert_cmpint (CLI (NULL, NULL, &bad_err, "profiles", "add", "badpem", "--webhook", webhook,
                        "--certificate", state), ==, 1);

  botbench_sandbox_stop (sandbox);
  botbench_test_rm_rf (dir);
}

/* In the child: no file may grow past 0 bytes, as on a full disk (root
 * ignores permissions, not this limit).  SIGXFSZ stays ignored across
 * exec, so writes fail with EFBIG instead of killing the process. */
static void
no_file_writes_cb (gpointer data)
{
  struct rlimit limit = { 0, 0 };

  signal (SIGXFSZ, SIG_IGN);
  setrlimit (RLIMIT_FSIZE, &limit);
}

/* How many times @needle is in @haystack: a reason is said once. */
static guint
count_of (const char *haystack,
          const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (haystack, needle); p != NULL; p = strstr (p + 1, needle))
    n++;
  return n;
}

static void
test_save_fails (void)
{
  g_autoptr(GSubprocessLauncher) full = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GSubprocessLauncher) not_a_dir = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autofree char *config = g_build_filename (g_get_user_config_dir (), "botbench", NULL);
  g_autofree char *dir = botbench_test_make_tmp_dir ();
  g_autofree char *file = g_build_filename (dir, "a-file", NULL);
  g_autofree char *add_err = NULL, *use_err = NULL, *remove_err = NULL, *list = NULL;
  g_autofree char *file_err = NULL, *file_out = NULL;
  g_autoptr(GError) error = NULL;
  const char *webhook_a = "https://example.bitrix24.com/rest/7/s3cretWebhookKeyA7/";
  const char *webhook_b = "https://example.bitrix24.com/rest/8/s3cretWebhookKeyB8/";

  botbench_test_rm_rf (config);
  g_assert_cmpint (CLI (NULL, NULL, NULL, "profiles", "add", "first", "--webhook", webhook_a), ==, 0);
  g_assert_cmpint (CLI (NULL, NULL, NULL, "profiles", "add", "second", "--webhook", webhook_b), ==, 0);

  /* A full disk: every change exits 1 with the reason, and changes nothing */
  g_subprocess_launcher_set_child_setup (full, no_file_writes_cb, NULL, NULL);
  g_assert_cmpint (CLI_WITH (full, NULL, &add_err, "profiles", "add", "third", "--webhook",
                             "https://example.bitrix24.com/rest/9/s3cretWebhookKeyC9/"), ==, 1);
  g_assert_cmpuint (count_of (add_err, "Cannot save profiles"), ==, 1);
  g_assert_cmpint (CLI_WITH (full, NULL, &use_err, "profiles", "use", "second"), ==, 1);
  g_assert_cmpuint (count_of (use_err, "Cannot save profiles"), ==, 1);
  g_assert_cmpint (CLI_WITH (full, NULL, &remove_err, "profiles", "remove", "first"), ==, 1);
  g_assert_cmpuint (count_of (remove_err, "Cannot save profiles"), ==, 1);

  g_assert_cmpint (CLI (NULL, &list, NULL, "profiles"), ==, 0);
  g_assert_nonnull (strstr (list, "* first"));
  g_assert_nonnull (strstr (list, "  second"));
  g_assert_null (strstr (list, "third"));

  /* A file where the config directory should be */
  g_assert_true (g_file_set_contents (file, "", 0, &error));
  g_subprocess_launcher_setenv (not_a_dir, "XDG_CONFIG_HOME", file, TRUE);
  g_assert_cmpint (CLI_WITH (not_a_dir, &file_out, &file_err, "profiles", "add", "fourth", "--webhook",
                             "https://example.bitrix24.com/rest/9/s3cretWebhookKeyD9/"), ==, 1);
  g_assert_nonnull (strstr (file_err, file));
  g_assert_null (strstr (file_err, "s3cretWebhookKeyD9"));
  g_assert_cmpstr (file_out, ==, "");

  botbench_test_rm_rf (dir);
}

/* profiles add NAME --from-event ID: an OAuth profile from a stored
 * ONAPPINSTALL, its tokens in the keyring only; with --client-id the
 * client secret from standard input.  Not an application's event: refused,
 * nothing saved. */
static void
test_from_event (void)
{
  g_autofree char *config = g_build_filename (g_get_user_config_dir (), "botbench", NULL);
  g_autofree char *dir = botbench_test_make_tmp_dir ();
  g_autofree char *db = g_build_filename (dir, "events.db", NULL);
  g_autofree char *ini_path = g_build_filename (config, "profiles.ini", NULL);
  g_autoptr(GBytes) body = botbench_test_load_fixture ("ONAPPINSTALL");
  g_autoptr(BotbenchEvent) install = botbench_event_new (g_get_real_time (), "127.0.0.1", "POST", "/", "", NULL,
                                                         "application/x-www-form-urlencoded", body);
  static const char other_form[] = "event=ONIMBOTMESSAGEADD&data[PARAMS][MESSAGE]=hi";
  g_autoptr(GBytes) other_body = g_bytes_new_static (other_form, strlen (other_form));
  g_autoptr(BotbenchEvent) other = botbench_event_new (g_get_real_time (), "127.0.0.1", "POST", "/", "", NULL,
                                                       "application/x-www-form-urlencoded", other_body);
  g_autoptr(BotbenchEventStore) store = NULL;
  g_autoptr(BotbenchProfileManager) manager = NULL;
  g_autoptr(BotbenchSecretStore) secrets = botbench_secret_store_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *install_id = NULL;
  g_autofree char *other_id = NULL;
  g_autofree char *ini = NULL;
  g_autofree char *err = NULL;
  g_autofree char *secret = NULL;
  BotbenchProfile *profile;
  gint64 id;

  botbench_test_rm_rf (config);
  store = botbench_event_store_new (db, &error);
  g_assert_no_error (error);
  id = botbench_event_store_insert (store, install, &error);
  g_assert_cmpint (id, >, 0);
  install_id = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  id = botbench_event_store_insert (store, other, &error);
  other_id = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  botbench_event_store_close (store);

  /* Not an application's event: nothing saved. */
  g_assert_cmpint (CLI (NULL, NULL, &err, "profiles", "add", "Nope", "--from-event", other_id, "--db", db), ==, 1);
  g_assert_nonnull (strstr (err, "access_token"));
  g_assert_false (g_file_test (ini_path, G_FILE_TEST_EXISTS) &&
                  g_file_get_contents (ini_path, &ini, NULL, NULL) && strstr (ini, "Nope") != NULL);
  g_clear_pointer (&ini, g_free);
  g_clear_pointer (&err, g_free);
  /* Usage errors. */
  g_assert_cmpint (CLI (NULL, NULL, NULL, "profiles", "add", "X", "--from-event", install_id, "--oauth"), ==, 2);
  g_assert_cmpint (CLI (NULL, NULL, NULL, "profiles", "add", "X", "--webhook", "https://x.example/rest/1/abc/",
                        "--db", db), ==, 2);

  g_assert_cmpint (CLI ("client-s3cret\n", NULL, &err, "profiles", "add", "Installed", "--from-event", install_id,
                        "--db", db, "--client-id", "local.5f0e.1a2b"), ==, 0);
  g_assert_nonnull (strstr (err, "Added profile"));

  g_assert_true (g_file_get_contents (ini_path, &ini, NULL, NULL));
  g_assert_nonnull (strstr (ini, "kind=oauth"));
  g_assert_nonnull (strstr (ini, "portal-url=https://example.bitrix24.com/"));
  g_assert_nonnull (strstr (ini, "member-id=bac1cd5c8940947a75e0d71b1a84e348"));
  g_assert_nonnull (strstr (ini, "oauth-client-id=local.5f0e.1a2b"));
  g_assert_nonnull (strstr (ini, "token-expires=1696530600"));
  /* The tokens only in the keyring. */
  g_assert_null (strstr (ini, "s6p6eclrvim6da22ft9ch94ekreb52lv"));
  g_assert_null (strstr (ini, "4s386p3q0tr8dy89xvmt96234v3dljg8"));
  g_assert_null (strstr (ini, "831c76b092f9f135d9b6b36c3a720757"));
  g_assert_null (strstr (ini, "client-s3cret"));

  manager = botbench_profile_manager_new (ini_path);
  g_assert_true (botbench_profile_manager_load (manager, &error));
  profile = botbench_profile_manager_lookup (manager, "Installed");
  g_assert_nonnull (profile);
  g_assert_cmpstr (botbench_profile_get_user_id (profile), ==, "1");
  g_assert_cmpstr (botbench_profile_get_token_endpoint (profile), ==, "https://oauth.bitrix.info/oauth/token/");
  secret = botbench_secret_store_lookup_sync (secrets, botbench_profile_get_uuid (profile),
                                              BOTBENCH_SECRET_KIND_ACCESS_TOKEN, NULL, &error);
  g_assert_cmpstr (secret, ==, "s6p6eclrvim6da22ft9ch94ekreb52lv");
  botbench_secret_free (g_steal_pointer (&secret));
  secret = botbench_secret_store_lookup_sync (secrets, botbench_profile_get_uuid (profile),
                                              BOTBENCH_SECRET_KIND_REFRESH_TOKEN, NULL, &error);
  g_assert_cmpstr (secret, ==, "4s386p3q0tr8dy89xvmt96234v3dljg8");
  botbench_secret_free (g_steal_pointer (&secret));
  secret = botbench_secret_store_lookup_sync (secrets, botbench_profile_get_uuid (profile),
                                              BOTBENCH_SECRET_KIND_APPLICATION_TOKEN, NULL, &error);
  g_assert_cmpstr (secret, ==, "831c76b092f9f135d9b6b36c3a720757");
  botbench_secret_free (g_steal_pointer (&secret));
  secret = botbench_secret_store_lookup_sync (secrets, botbench_profile_get_uuid (profile),
                                              BOTBENCH_SECRET_KIND_CLIENT_SECRET, NULL, &error);
  g_assert_cmpstr (secret, ==, "client-s3cret");
  botbench_secret_free (g_steal_pointer (&secret));
  g_assert_no_error (error);

  botbench_test_rm_rf (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("BOTBENCH_PRIVATE_BUS") == NULL)
    g_error ("run this test through tests/with-keyring.sh (meson test does)");

  g_test_add ("/cli-profiles/lifecycle", SandboxFixture, NULL, sandbox_setup,
              test_profiles_lifecycle, sandbox_teardown);
  g_test_add ("/cli-profiles/call", SandboxFixture, NULL, sandbox_setup,
              test_call, sandbox_teardown);
  g_test_add ("/cli-profiles/bot-commands", SandboxFixture, NULL, sandbox_setup,
              test_bot_commands, sandbox_teardown);
  g_test_add_func ("/cli-profiles/sandbox-command", test_sandbox_command);
  g_test_add_func ("/cli-profiles/tls-pinned", test_tls_pinned);
  g_test_add_func ("/cli-profiles/save-fails", test_save_fails);
  g_test_add_func ("/cli-profiles/from-event", test_from_event);

  return g_test_run ();
}
