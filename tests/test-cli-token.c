/* test-cli-token.c: botbench-cli profiles set-token, listen --strict-token, events --verified
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

#include "botbench-core.h"
#include "botbench-test-utils.h"

#define TOKEN "831c76b092f9f135d9b6b36c3a720757"

typedef struct
{
  char *dir;
  char *db;
} CliFixture;

static const char *
cli_path (void)
{
  const char *path = g_getenv ("BOTBENCH_CLI");

  g_assert_nonnull (path);
  return path;
}

static int
run_cli (const char          *stdin_data,
         char               **out,
         char               **err,
         const char * const  *argv)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GBytes) in_bytes = NULL;
  g_autoptr(GBytes) out_bytes = NULL;
  g_autoptr(GBytes) err_bytes = NULL;
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (args, (char *)cli_path ());
  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (args, (char *)argv[i]);
  g_ptr_array_add (args, NULL);

  proc = g_subprocess_newv ((const char * const *)args->pdata,
                            G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                            G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  in_bytes = g_bytes_new (stdin_data ? stdin_data : "", stdin_data ? strlen (stdin_data) : 0);
  g_subprocess_communicate (proc, in_bytes, NULL, &out_bytes, &err_bytes, &error);
  g_assert_no_error (error);

  if (out != NULL)
    *out = g_strndup (g_bytes_get_size (out_bytes) ? g_bytes_get_data (out_bytes, NULL) : "",
                      g_bytes_get_size (out_bytes));
  if (err != NULL)
    *err = g_strndup (g_bytes_get_size (err_bytes) ? g_bytes_get_data (err_bytes, NULL) : "",
                      g_bytes_get_size (err_bytes));

  return g_subprocess_get_if_exited (proc) ? g_subprocess_get_exit_status (proc) : -1;
}

#define CLI(in, out, err, ...) run_cli (in, out, err, (const char * const[]) { __VA_ARGS__, NULL })

static void
cli_setup (CliFixture    *f,
           gconstpointer  data)
{
  g_autofree char *config = g_build_filename (g_get_user_config_dir (), "botbench", NULL);

  /* with-keyring.sh gives every run its own XDG_CONFIG_HOME; start clean. */
  botbench_test_rm_rf (config);
  f->dir = botbench_test_make_tmp_dir ();
  f->db = g_build_filename (f->dir, "events.db", NULL);
}

static void
cli_teardown (CliFixture    *f,
              gconstpointer  data)
{
  botbench_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->db);
}

typedef struct
{
  GSubprocess      *proc;
  GDataInputStream *err;   /* kept open: a closed pipe would kill it on its next line */
  char             *url;
  char             *token_line;
} Listen;

/* listen --port 0 --db DB EXTRA…; reads "listening on URL" and, when
 * token_line, the line after it. */
static void
listen_start (Listen             *lp,
              CliFixture         *f,
              gboolean            token_line,
              const char * const *extra)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  GDataInputStream *err;

  g_ptr_array_add (args, (char *)cli_path ());
  g_ptr_array_add (args, (char *)"listen");
  g_ptr_array_add (args, (char *)"--port");
  g_ptr_array_add (args, (char *)"0");
  g_ptr_array_add (args, (char *)"--db");
  g_ptr_array_add (args, f->db);
  for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
    g_ptr_array_add (args, (char *)extra[i]);
  g_ptr_array_add (args, NULL);

  lp->proc = g_subprocess_newv ((const char * const *)args->pdata,
                                G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);

  err = lp->err = g_data_input_stream_new (g_subprocess_get_stderr_pipe (lp->proc));
  line = g_data_input_stream_read_line_utf8 (err, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "listening on http://127.0.0.1:"));
  lp->url = g_strdup (line + strlen ("listening on "));
  if (token_line)
    {
      lp->token_line = g_data_input_stream_read_line_utf8 (err, NULL, NULL, &error);
      g_assert_no_error (error);
    }
}

static void
listen_stop (Listen *lp)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_send_signal (lp->proc, SIGTERM);
  g_subprocess_wait (lp->proc, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (lp->proc));
  g_assert_cmpint (g_subprocess_get_exit_status (lp->proc), ==, 0);
  g_clear_object (&lp->proc);
  g_clear_object (&lp->err);
  g_clear_pointer (&lp->url, g_free);
  g_clear_pointer (&lp->token_line, g_free);
}

static guint
post (const char *base_url,
      const char *body)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 30, NULL);
  g_autofree char *url = g_strconcat (base_url, "hook", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
  g_autoptr(GBytes) response = NULL;
  g_autoptr(GError) error = NULL;

  soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", bytes);
  response = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);

  return soup_message_get_status (msg);
}

static guint
count_lines (const char *text)
{
  guint n = 0;

  for (const char *p = text; *p != '\0'; p++)
    n += *p == '\n';

  return n;
}

static void
test_strict_token_option (CliFixture    *f,
                          gconstpointer  data)
{
  Listen lp = { 0 };
  g_autofree char *wrong = NULL;
  g_autofree char *ok = NULL;
  g_autofree char *none = NULL;
  g_autofree char *err = NULL;

  listen_start (&lp, f, TRUE, (const char * const[]) { "--strict-token", TOKEN, NULL });
  g_assert_nonnull (lp.token_line);
  g_assert_nonnull (strstr (lp.token_line, "401"));
  g_assert_cmpuint (post (lp.url, "event=X&auth[application_token]=" TOKEN), ==, 200);
  g_assert_cmpuint (post (lp.url, "event=X&auth[application_token]=nope"), ==, 401);
  g_assert_cmpuint (post (lp.url, "event=X&data[BOT][1][application_token]=" TOKEN), ==, 401);
  listen_stop (&lp);

  g_assert_cmpint (CLI (NULL, &ok, NULL, "events", "--db", f->db, "--verified", "verified"), ==, 0);
  g_assert_cmpint (CLI (NULL, &wrong, NULL, "events", "--db", f->db, "--verified", "wrong-token"), ==, 0);
  g_assert_cmpint (CLI (NULL, &none, NULL, "events", "--db", f->db, "--verified", "no-token"), ==, 0);
  g_assert_cmpuint (count_lines (ok), ==, 1);
  g_assert_cmpuint (count_lines (wrong), ==, 1);
  g_assert_cmpuint (count_lines (none), ==, 1);
  g_assert_nonnull (strstr (ok, "\"verified\":\"verified\""));
  g_assert_nonnull (strstr (ok, "\"rejected\":false"));
  g_assert_nonnull (strstr (wrong, "\"verified\":\"wrong-token\""));
  g_assert_nonnull (strstr (wrong, "\"rejected\":true"));
  g_assert_nonnull (strstr (none, "\"rejected\":true"));

  g_assert_cmpint (CLI (NULL, NULL, &err, "events", "--db", f->db, "--verified", "maybe"), ==, 2);
  g_assert_nonnull (strstr (err, "--verified"));
  g_assert_cmpint (CLI (NULL, NULL, NULL, "listen", "--strict-token", ""), ==, 2);
}

static void
test_profile_token (CliFixture    *f,
                    gconstpointer  data)
{
  g_autoptr(BotbenchProfileManager) manager = NULL;
  g_autoptr(BotbenchSecretStore) secrets = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  g_autofree char *ini = NULL;
  g_autofree char *ini_path = NULL;
  g_autofree char *stored = NULL;
  g_autofree char *unknown = NULL;
  Listen lp = { 0 };
  BotbenchProfile *profile;

  g_assert_cmpint (CLI (NULL, NULL, NULL, "profiles", "add", "Dev", "--webhook",
                        "https://example.bitrix24.com/rest/1/abcdef123456/"), ==, 0);
  g_assert_cmpint (CLI (TOKEN "\n", NULL, &err, "profiles", "set-token", "Dev", "--strict"), ==, 0);
  g_assert_nonnull (strstr (err, "Dev"));
  g_assert_cmpint (CLI (TOKEN "\n", NULL, NULL, "profiles", "set-token", "Nobody"), ==, 1);
  g_assert_cmpint (CLI (NULL, NULL, NULL, "profiles", "set-token"), ==, 2);

  /* The token is in the keyring, the switch in profiles.ini. */
  manager = botbench_profile_manager_new (NULL);
  botbench_profile_manager_load (manager, &error);
  g_assert_no_error (error);
  profile = botbench_profile_manager_lookup (manager, "Dev");
  g_assert_nonnull (profile);
  g_assert_true (botbench_profile_get_strict_token (profile));
  secrets = botbench_secret_store_new ();
  stored = botbench_secret_store_lookup_sync (secrets, botbench_profile_get_uuid (profile),
                                              BOTBENCH_SECRET_KIND_APPLICATION_TOKEN, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored, ==, TOKEN);
  ini_path = g_build_filename (g_get_user_config_dir (), "botbench", "profiles.ini", NULL);
  g_file_get_contents (ini_path, &ini, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (ini, "strict-token=true"));
  g_assert_null (strstr (ini, TOKEN));

  /* listen (the active profile) checks and rejects. */
  listen_start (&lp, f, TRUE, NULL);
  g_assert_nonnull (lp.token_line);
  g_assert_nonnull (strstr (lp.token_line, "Dev"));
  g_assert_cmpuint (post (lp.url, "auth[application_token]=" TOKEN), ==, 200);
  g_assert_cmpuint (post (lp.url, "auth[application_token]=nope"), ==, 401);
  listen_stop (&lp);

  /* Cleared: nothing is checked, every event is "unknown". */
  g_assert_cmpint (CLI ("\n", NULL, NULL, "profiles", "set-token", "Dev", "--no-strict"), ==, 0);
  g_clear_pointer (&stored, g_free);
  stored = botbench_secret_store_lookup_sync (secrets, botbench_profile_get_uuid (profile),
                                              BOTBENCH_SECRET_KIND_APPLICATION_TOKEN, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (stored);

  listen_start (&lp, f, FALSE, (const char * const[]) { "--profile", "Dev", NULL });
  g_assert_cmpuint (post (lp.url, "auth[application_token]=nope"), ==, 200);
  listen_stop (&lp);
  g_assert_cmpint (CLI (NULL, &unknown, NULL, "events", "--db", f->db, "--verified", "unknown"), ==, 0);
  g_assert_cmpuint (count_lines (unknown), ==, 1);

  g_assert_cmpint (CLI (NULL, NULL, NULL, "listen", "--port", "0", "--db", f->db,
                        "--profile", "Nobody"), ==, 1);
}

/* A profile without a token learns it from ONAPPINSTALL, keeps it in the
 * keyring and checks the events after it. */
static void
test_learn_from_install (CliFixture    *f,
                         gconstpointer  data)
{
  g_autoptr(GBytes) install = botbench_test_load_fixture ("ONAPPINSTALL");
  g_autoptr(BotbenchProfileManager) manager = NULL;
  g_autoptr(BotbenchSecretStore) secrets = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *install_body = g_strndup (g_bytes_get_data (install, NULL), g_bytes_get_size (install));
  g_autofree char *stored = NULL;
  g_autofree char *learned = NULL;
  g_autofree char *wrong = NULL;
  g_autofree char *ok = NULL;
  BotbenchProfile *profile;
  Listen lp = { 0 };

  g_assert_cmpint (CLI (NULL, NULL, NULL, "profiles", "add", "App", "--webhook",
                        "https://example.bitrix24.com/rest/1/abcdef123456/"), ==, 0);

  listen_start (&lp, f, FALSE, NULL);
  g_assert_cmpuint (post (lp.url, "auth[application_token]=before-install"), ==, 200);
  g_assert_cmpuint (post (lp.url, install_body), ==, 200);

  /* Learned once the store announces the install; listen says so. */
  learned = g_data_input_stream_read_line_utf8 (lp.err, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (learned);
  g_assert_nonnull (strstr (learned, "ONAPPINSTALL"));

  manager = botbench_profile_manager_new (NULL);
  botbench_profile_manager_load (manager, &error);
  g_assert_no_error (error);
  profile = botbench_profile_manager_lookup (manager, "App");
  secrets = botbench_secret_store_new ();
  stored = botbench_secret_store_lookup_sync (secrets, botbench_profile_get_uuid (profile),
                                              BOTBENCH_SECRET_KIND_APPLICATION_TOKEN, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored, ==, TOKEN);

  g_assert_cmpuint (post (lp.url, "auth[application_token]=forged"), ==, 200);
  g_assert_cmpuint (post (lp.url, "auth[application_token]=" TOKEN), ==, 200);
  listen_stop (&lp);

  g_assert_cmpint (CLI (NULL, &wrong, NULL, "events", "--db", f->db, "--verified", "wrong-token"), ==, 0);
  g_assert_cmpint (CLI (NULL, &ok, NULL, "events", "--db", f->db, "--verified", "verified"), ==, 0);
  g_assert_cmpuint (count_lines (wrong), ==, 1);
  g_assert_nonnull (strstr (wrong, "forged"));
  g_assert_cmpuint (count_lines (ok), ==, 1);
}

static void
expected_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  char **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = botbench_token_check_dup_expected_finish (BOTBENCH_PROFILE (object), result, &error);
  g_assert_no_error (error);
  if (*out == NULL)
    *out = g_strdup ("(none)");
}

static gboolean
is_set (gpointer data)
{
  return *(char **)data != NULL;
}

static char *
expected_async (BotbenchProfile     *profile,
                BotbenchSecretStore *secrets)
{
  char *token = NULL;

  botbench_token_check_dup_expected_async (profile, secrets, NULL, expected_cb, &token);
  botbench_test_assert_wait_until (is_set, &token, "the expected token");
  return token;
}

/* The keyring's token first; the built-in sandbox profile falls back to
 * its CLIENT_ID (what the sandbox gives webhook bots); others to none. */
static void
test_expected_token (CliFixture    *f,
                     gconstpointer  data)
{
  g_autoptr(BotbenchSecretStore) secrets = botbench_secret_store_new ();
  g_autoptr(BotbenchProfile) dev = botbench_profile_new (BOTBENCH_PROFILE_KIND_WEBHOOK, NULL);
  g_autoptr(BotbenchProfile) sandbox = botbench_profile_new (BOTBENCH_PROFILE_KIND_WEBHOOK,
                                                              BOTBENCH_PROFILE_SANDBOX_UUID);
  g_autoptr(GError) error = NULL;
  g_autofree char *none = NULL;
  g_autofree char *none_async = NULL;
  g_autofree char *stored = NULL;
  g_autofree char *stored_async = NULL;
  g_autofree char *builtin = NULL;
  g_autofree char *builtin_async = NULL;
  g_autofree char *overridden = NULL;

  none = botbench_token_check_dup_expected_sync (dev, secrets, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (none);
  none_async = expected_async (dev, secrets);
  g_assert_cmpstr (none_async, ==, "(none)");

  botbench_secret_store_store_sync (secrets, botbench_profile_get_uuid (dev),
                                    BOTBENCH_SECRET_KIND_APPLICATION_TOKEN, TOKEN, NULL, &error);
  g_assert_no_error (error);
  stored = botbench_token_check_dup_expected_sync (dev, secrets, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored, ==, TOKEN);
  stored_async = expected_async (dev, secrets);
  g_assert_cmpstr (stored_async, ==, TOKEN);

  builtin = botbench_token_check_dup_expected_sync (sandbox, secrets, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (builtin, ==, botbench_profile_get_client_id (sandbox));
  builtin_async = expected_async (sandbox, secrets);
  g_assert_cmpstr (builtin_async, ==, botbench_profile_get_client_id (sandbox));

  botbench_secret_store_store_sync (secrets, BOTBENCH_PROFILE_SANDBOX_UUID,
                                    BOTBENCH_SECRET_KIND_APPLICATION_TOKEN, "typed-in", NULL, &error);
  g_assert_no_error (error);
  overridden = botbench_token_check_dup_expected_sync (sandbox, secrets, NULL, &error);
  g_assert_cmpstr (overridden, ==, "typed-in");
}

static void
learned_cb (BotbenchTokenLearner *learner,
            const char           *token,
            gpointer              user_data)
{
  char **out = user_data;

  g_assert_null (*out);
  *out = g_strdup (token);
}

static gboolean
string_is_set (gpointer data)
{
  return *(char **)data != NULL;
}

/* The core learner both listen and the window use: an install stored
 * before it is ignored, the first one after teaches the listener and the
 * keyring, once. */
static void
test_learner (CliFixture    *f,
              gconstpointer  data)
{
  g_autoptr(GBytes) install = botbench_test_load_fixture ("ONAPPINSTALL");
  g_autoptr(BotbenchEventStore) store = NULL;
  g_autoptr(BotbenchListener) listener = NULL;
  g_autoptr(BotbenchProfile) profile = botbench_profile_new (BOTBENCH_PROFILE_KIND_WEBHOOK, NULL);
  g_autoptr(BotbenchSecretStore) secrets = botbench_secret_store_new ();
  g_autoptr(BotbenchTokenLearner) learner = NULL;
  g_autoptr(BotbenchEvent) before = NULL;
  g_autoptr(BotbenchEvent) other = NULL;
  g_autoptr(BotbenchEvent) after = NULL;
  g_autoptr(GBytes) old_body = g_bytes_new_static ("event=ONAPPINSTALL&auth[application_token]=old", 47);
  g_autoptr(GBytes) other_body = g_bytes_new_static ("event=ONIMBOTMESSAGEADD&auth[application_token]=x", 49);
  g_autoptr(GError) error = NULL;
  g_autofree char *learned = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *stored = NULL;

  store = botbench_event_store_new (f->db, &error);
  g_assert_no_error (error);
  listener = botbench_listener_new (store);

  before = botbench_event_new (1, "127.0.0.1", "POST", "/", "", NULL, NULL, old_body);
  botbench_event_store_insert (store, before, &error);
  g_assert_no_error (error);

  learner = botbench_token_learner_new (store, listener, profile, secrets);
  g_signal_connect (learner, "learned", G_CALLBACK (learned_cb), &learned);

  other = botbench_event_new (2, "127.0.0.1", "POST", "/", "", NULL, NULL, other_body);
  after = botbench_event_new (3, "127.0.0.1", "POST", "/", "", NULL, NULL, install);
  botbench_event_store_insert (store, other, &error);
  g_assert_no_error (error);
  botbench_event_store_insert (store, after, &error);
  g_assert_no_error (error);

  botbench_test_assert_wait_until (string_is_set, &learned, "the learned token");
  g_assert_cmpstr (learned, ==, TOKEN);
  g_assert_cmpstr (botbench_token_learner_get_token (learner), ==, TOKEN);
  expected = botbench_listener_dup_expected_token (listener);
  g_assert_cmpstr (expected, ==, TOKEN);
  stored = botbench_secret_store_lookup_sync (secrets, botbench_profile_get_uuid (profile),
                                              BOTBENCH_SECRET_KIND_APPLICATION_TOKEN, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored, ==, TOKEN);

  botbench_token_learner_stop (learner);
  botbench_event_store_close (store);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("BOTBENCH_PRIVATE_BUS") == NULL)
    g_error ("run this test through tests/with-keyring.sh (meson test does)");

  g_test_add ("/cli-token/listen/strict-token", CliFixture, NULL, cli_setup,
              test_strict_token_option, cli_teardown);
  g_test_add ("/cli-token/profiles/set-token", CliFixture, NULL, cli_setup,
              test_profile_token, cli_teardown);
  g_test_add ("/cli-token/learner/core", CliFixture, NULL, cli_setup, test_learner, cli_teardown);
  g_test_add ("/cli-token/profiles/learn-from-install", CliFixture, NULL, cli_setup,
              test_learn_from_install, cli_teardown);
  g_test_add ("/cli-token/profiles/expected-token", CliFixture, NULL, cli_setup,
              test_expected_token, cli_teardown);

  return g_test_run ();
}
