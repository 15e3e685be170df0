/* test-tunnel.c: the tunnel helper with fake ssh, cloudflared and ngrok programs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * tests/fake-tunnel.sh, linked under each tool's name in a directory put
 * first in PATH, prints what the real tool prints around its URL; the
 * parser must take the tunnel's URL and never a documentation link.
 */
#include "config.h"

#include <signal.h>
#include <sys/types.h>
#include <unistd.h>

#include "botbench-core.h"
#include "botbench-test-utils.h"

typedef struct
{
  char *dir;          /* holds the fake programs, first in PATH */
  char *args_file;
  char *old_path;
} TunnelFixture;

static void
tunnel_setup (TunnelFixture *f,
              gconstpointer  data)
{
  g_autofree char *fake = g_test_build_filename (G_TEST_DIST, "fake-tunnel.sh", NULL);
  g_autofree char *path = NULL;
  const char * const *names = data;

  f->dir = botbench_test_make_tmp_dir ();
  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      g_autofree char *link = g_build_filename (f->dir, names[i], NULL);

      g_assert_cmpint (symlink (fake, link), ==, 0);
    }
  f->args_file = g_build_filename (f->dir, "args", NULL);
  f->old_path = g_strdup (g_getenv ("PATH"));
  /* Only the fake directory and the shell's: no real ssh is ever run. */
  path = g_strdup_printf ("%s:/usr/bin:/bin", f->dir);
  g_setenv ("PATH", path, TRUE);
  g_setenv ("FAKE_TUNNEL_ARGS", f->args_file, TRUE);
  g_setenv ("FAKE_TUNNEL_MODE", "url", TRUE);
}

static void
tunnel_teardown (TunnelFixture *f,
                 gconstpointer  data)
{
  g_setenv ("PATH", f->old_path, TRUE);
  g_unsetenv ("FAKE_TUNNEL_ARGS");
  g_unsetenv ("FAKE_TUNNEL_MODE");
  botbench_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->args_file);
  g_free (f->old_path);
}

static const char * const all_tools[] = { "ssh", "cloudflared", "ngrok", NULL };
static const char * const only_ngrok[] = { "ngrok", NULL };

/* ---- pure parts ----------------------------------------------------------------------- */

static void
test_parse_lines (void)
{
  static const struct {
    BotbenchTunnelVia via;
    const char       *line;
    const char       *url;
  } cases[] = {
    { BOTBENCH_TUNNEL_VIA_CLOUDFLARED, "2026-12-03T12:00:01Z INF |  https://plain-fake.trycloudflare.com     |",
      "https://plain-fake.trycloudflare.com" },
    { BOTBENCH_TUNNEL_VIA_CLOUDFLARED, "INF Thank you … https://developers.cloudflare.com/cloudflare-one/x", NULL },
    { BOTBENCH_TUNNEL_VIA_CLOUDFLARED, "INF Requesting new quick Tunnel on trycloudflare.com...", NULL },
    { BOTBENCH_TUNNEL_VIA_CLOUDFLARED, "https://api.trycloudflare.com.evil.example/ |", NULL },
    { BOTBENCH_TUNNEL_VIA_NGROK, "t=1 lvl=info msg=\"started tunnel\" obj=tunnels url=https://1a2b.ngrok-free.app",
      "https://1a2b.ngrok-free.app" },
    { BOTBENCH_TUNNEL_VIA_NGROK, "t=1 lvl=info msg=\"starting web service\" addr=127.0.0.1:4040", NULL },
    { BOTBENCH_TUNNEL_VIA_NGROK, "see https://ngrok.com/docs url=https://x.example", NULL },
    { BOTBENCH_TUNNEL_VIA_SSH, "c0ffee.lhr.life tunneled with tls termination, https://c0ffee.lhr.life",
      "https://c0ffee.lhr.life" },
    { BOTBENCH_TUNNEL_VIA_SSH, "Forwarding HTTP traffic from https://abc.serveo.net", "https://abc.serveo.net" },
    { BOTBENCH_TUNNEL_VIA_SSH, "https://localhost.run/docs/", NULL },
    { BOTBENCH_TUNNEL_VIA_SSH, "tunneled with tls termination, https://", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *url = botbench_tunnel_parse_url_line (cases[i].via, cases[i].line);

      g_test_message ("%s: %s", botbench_tunnel_via_to_string (cases[i].via), cases[i].line);
      g_assert_cmpstr (url, ==, cases[i].url);
    }
}

static void
test_argv (void)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) ssh = botbench_tunnel_build_argv (BOTBENCH_TUNNEL_VIA_SSH, 8024, "nokey@localhost.run", &error);
  g_auto(GStrv) cf = NULL;
  g_auto(GStrv) ngrok = NULL;
  g_auto(GStrv) bad = NULL;
  g_autofree char *joined = NULL;
  BotbenchTunnelVia via;

  g_assert_no_error (error);
  joined = g_strjoinv (" ", ssh);
  g_assert_true (g_str_has_prefix (joined, "ssh -T -N "));
  g_assert_nonnull (strstr (joined, "-o ExitOnForwardFailure=yes"));
  g_assert_nonnull (strstr (joined, "-o BatchMode=yes"));
  g_assert_true (g_str_has_suffix (joined, "-R 80:127.0.0.1:8024 -- nokey@localhost.run"));

  cf = botbench_tunnel_build_argv (BOTBENCH_TUNNEL_VIA_CLOUDFLARED, 8030, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&joined, g_free);
  joined = g_strjoinv (" ", cf);
  g_assert_cmpstr (joined, ==, "cloudflared tunnel --no-autoupdate --url http://127.0.0.1:8030");

  ngrok = botbench_tunnel_build_argv (BOTBENCH_TUNNEL_VIA_NGROK, 8024, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&joined, g_free);
  joined = g_strjoinv (" ", ngrok);
  g_assert_cmpstr (joined, ==, "ngrok http 127.0.0.1:8024 --log stdout --log-format logfmt");

  /* An ssh host that would be an option, or none, is refused. */
  bad = botbench_tunnel_build_argv (BOTBENCH_TUNNEL_VIA_SSH, 8024, "-oProxyCommand=x", &error);
  g_assert_null (bad);
  g_assert_error (error, BOTBENCH_TUNNEL_ERROR, BOTBENCH_TUNNEL_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (botbench_tunnel_build_argv (BOTBENCH_TUNNEL_VIA_SSH, 8024, NULL, &error));
  g_assert_error (error, BOTBENCH_TUNNEL_ERROR, BOTBENCH_TUNNEL_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (botbench_tunnel_build_argv (BOTBENCH_TUNNEL_VIA_NGROK, 0, NULL, &error));
  g_assert_error (error, BOTBENCH_TUNNEL_ERROR, BOTBENCH_TUNNEL_ERROR_INVALID);

  g_assert_true (botbench_tunnel_via_from_string ("cloudflared", &via));
  g_assert_cmpint (via, ==, BOTBENCH_TUNNEL_VIA_CLOUDFLARED);
  g_assert_false (botbench_tunnel_via_from_string ("frp", &via));
}

/* ---- with the fake programs ------------------------------------------------------------ */

static char *
start_and_wait (BotbenchTunnel  *tunnel,
                GError         **error)
{
  BotbenchTestResult r = { 0 };
  char *url;

  botbench_tunnel_start_async (tunnel, NULL, botbench_test_result_cb, &r);
  botbench_test_result_wait (&r, 0);
  url = botbench_tunnel_start_finish (tunnel, r.result, error);
  botbench_test_result_clear (&r);
  return url;
}

static GPid
fake_pid (TunnelFixture *f)
{
  g_autofree char *text = NULL;

  g_assert_true (g_file_get_contents (f->args_file, &text, NULL, NULL));
  return (GPid)g_ascii_strtoll (text, NULL, 10);
}

static gboolean
pid_gone (gpointer data)
{
  return kill ((pid_t)GPOINTER_TO_INT (data), 0) != 0;
}

static void
test_each_tool (TunnelFixture *f,
                gconstpointer  data)
{
  static const struct {
    BotbenchTunnelVia via;
    const char       *host;
    const char       *url;
  } tools[] = {
    { BOTBENCH_TUNNEL_VIA_SSH, "nokey@localhost.run", "https://c0ffee1234abcd.lhr.life" },
    { BOTBENCH_TUNNEL_VIA_CLOUDFLARED, NULL, "https://plain-fake-words-here.trycloudflare.com" },
    { BOTBENCH_TUNNEL_VIA_NGROK, NULL, "https://1a2b-203-0-113-7.ngrok-free.app" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (tools); i++)
    {
      g_autoptr(BotbenchTunnel) tunnel = botbench_tunnel_new (tools[i].via, 8024, tools[i].host);
      g_autoptr(GError) error = NULL;
      g_autofree char *url = NULL;
      g_autofree char *tail = NULL;
      GPid pid;

      url = start_and_wait (tunnel, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (url, ==, tools[i].url);
      g_assert_cmpint (botbench_tunnel_get_state (tunnel), ==, BOTBENCH_TUNNEL_STATE_RUNNING);
      g_assert_cmpstr (botbench_tunnel_get_url (tunnel), ==, tools[i].url);
      tail = botbench_tunnel_dup_output_tail (tunnel);
      g_assert_nonnull (strstr (tail, tools[i].url));

      /* Stopping ends the program. */
      pid = fake_pid (f);
      g_assert_true (kill ((pid_t)pid, 0) == 0);
      botbench_tunnel_stop (tunnel);
      g_assert_cmpint (botbench_tunnel_get_state (tunnel), ==, BOTBENCH_TUNNEL_STATE_STOPPED);
      g_assert_null (botbench_tunnel_get_url (tunnel));
      botbench_test_assert_wait_until (pid_gone, GINT_TO_POINTER (pid), "the tunnel program ended");
      unlink (f->args_file);
    }
}

static void
test_not_installed (TunnelFixture *f,
                    gconstpointer  data)
{
  g_autoptr(BotbenchTunnel) tunnel = botbench_tunnel_new (BOTBENCH_TUNNEL_VIA_CLOUDFLARED, 8024, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *found = NULL;

  /* PATH holds only the fake directory, where only ngrok is. */
  g_setenv ("PATH", f->dir, TRUE);
  g_clear_pointer (&found, g_free);
  found = botbench_tunnel_via_find (BOTBENCH_TUNNEL_VIA_NGROK);
  g_assert_nonnull (found);
  g_clear_pointer (&found, g_free);
  found = botbench_tunnel_via_find (BOTBENCH_TUNNEL_VIA_CLOUDFLARED);
  g_assert_null (found);

  url = start_and_wait (tunnel, &error);
  g_assert_null (url);
  g_assert_error (error, BOTBENCH_TUNNEL_ERROR, BOTBENCH_TUNNEL_ERROR_NOT_INSTALLED);
  g_assert_nonnull (strstr (error->message, "cloudflared is not installed"));
  g_assert_nonnull (strstr (error->message, "pkg.cloudflare.com"));
  g_assert_cmpint (botbench_tunnel_get_state (tunnel), ==, BOTBENCH_TUNNEL_STATE_FAILED);
}

static void
test_fails (TunnelFixture *f,
            gconstpointer  data)
{
  g_autoptr(BotbenchTunnel) tunnel = botbench_tunnel_new (BOTBENCH_TUNNEL_VIA_SSH, 8024, "me@vps.example.org");
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  g_setenv ("FAKE_TUNNEL_MODE", "fail", TRUE);
  url = start_and_wait (tunnel, &error);
  g_assert_null (url);
  g_assert_error (error, BOTBENCH_TUNNEL_ERROR, BOTBENCH_TUNNEL_ERROR_EXITED);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "ssh ended (exit status 3) before it printed a public URL"));
  g_assert_nonnull (strstr (error->message, "Connection refused"));
  g_assert_cmpint (botbench_tunnel_get_state (tunnel), ==, BOTBENCH_TUNNEL_STATE_FAILED);
  g_assert_nonnull (botbench_tunnel_get_error (tunnel));
}

static void
on_died (BotbenchTunnel *tunnel,
         GError         *error,
         GError        **out)
{
  g_assert_null (*out);
  *out = g_error_copy (error);
}

static gboolean
has_error (gpointer data)
{
  return *(GError **)data != NULL;
}

static void
test_dies_later (TunnelFixture *f,
                 gconstpointer  data)
{
  g_autoptr(BotbenchTunnel) tunnel = botbench_tunnel_new (BOTBENCH_TUNNEL_VIA_NGROK, 8024, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) died = NULL;
  g_autofree char *url = NULL;

  g_setenv ("FAKE_TUNNEL_MODE", "die", TRUE);
  g_signal_connect (tunnel, "died", G_CALLBACK (on_died), &died);
  url = start_and_wait (tunnel, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (url, ==, "https://1a2b-203-0-113-7.ngrok-free.app");

  botbench_test_assert_wait_until (has_error, &died, "the tunnel's death announced");
  g_assert_error (died, BOTBENCH_TUNNEL_ERROR, BOTBENCH_TUNNEL_ERROR_EXITED);
  g_assert_nonnull (strstr (died->message, "https://1a2b-203-0-113-7.ngrok-free.app no longer reaches the listener"));
  g_assert_cmpint (botbench_tunnel_get_state (tunnel), ==, BOTBENCH_TUNNEL_STATE_FAILED);
  g_assert_null (botbench_tunnel_get_url (tunnel));
}

static void
test_silent (TunnelFixture *f,
             gconstpointer  data)
{
  g_autoptr(BotbenchTunnel) tunnel = botbench_tunnel_new (BOTBENCH_TUNNEL_VIA_NGROK, 8024, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  GPid pid;

  g_setenv ("FAKE_TUNNEL_MODE", "silent", TRUE);
  botbench_tunnel_set_url_timeout (tunnel, 1);
  url = start_and_wait (tunnel, &error);
  g_assert_null (url);
  g_assert_error (error, BOTBENCH_TUNNEL_ERROR, BOTBENCH_TUNNEL_ERROR_NO_URL);
  g_assert_nonnull (strstr (error->message, "ngrok printed nothing within 1 seconds"));
  /* The silent program is not left running. */
  pid = fake_pid (f);
  botbench_test_assert_wait_until (pid_gone, GINT_TO_POINTER (pid), "the silent tunnel program ended");
}

static void
test_cancel (TunnelFixture *f,
             gconstpointer  data)
{
  g_autoptr(BotbenchTunnel) tunnel = botbench_tunnel_new (BOTBENCH_TUNNEL_VIA_NGROK, 8024, NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  BotbenchTestResult r = { 0 };

  g_setenv ("FAKE_TUNNEL_MODE", "silent", TRUE);
  botbench_tunnel_start_async (tunnel, cancellable, botbench_test_result_cb, &r);
  g_cancellable_cancel (cancellable);
  botbench_test_result_wait (&r, 0);
  g_assert_null (botbench_tunnel_start_finish (tunnel, r.result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (botbench_tunnel_get_state (tunnel), ==, BOTBENCH_TUNNEL_STATE_STOPPED);
  botbench_test_result_clear (&r);
}

/* ---- botbench-cli tunnel ----------------------------------------------------------------- */

static GSubprocess *
spawn_cli (TunnelFixture       *f,
           const char * const  *args)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *config = g_build_filename (f->dir, "config", NULL);
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", config, TRUE);
  g_ptr_array_add (argv, (char *)g_getenv ("BOTBENCH_CLI"));
  g_ptr_array_add (argv, "tunnel");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *)args[i]);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *)argv->pdata, &error);
  g_assert_no_error (error);
  return process;
}

static char *
read_line (GSubprocess *process)
{
  g_autoptr(GDataInputStream) in = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  g_autoptr(GError) error = NULL;
  char *line = g_data_input_stream_read_line_utf8 (in, NULL, NULL, &error);

  g_assert_no_error (error);
  return line;
}

static char *
profile_public_url (TunnelFixture *f)
{
  g_autofree char *path = g_build_filename (f->dir, "config", "botbench", "profiles.ini", NULL);
  g_autoptr(BotbenchProfileManager) manager = botbench_profile_manager_new (path);
  g_autoptr(GError) error = NULL;

  g_assert_true (botbench_profile_manager_load (manager, &error));
  g_assert_no_error (error);
  return g_strdup (botbench_profile_get_public_base_url (botbench_profile_manager_lookup (manager, "Cloud")));
}

/* The URL on stdout, the profile's public URL while it runs, cleared and
 * exit 0 after SIGTERM; the fake got the port. */
static void
test_cli_runs (TunnelFixture *f,
               gconstpointer  data)
{
  static const char * const args[] = { "--via", "cloudflared", "--port", "8030", "--profile", "Cloud", NULL };
  g_autofree char *path = g_build_filename (f->dir, "config", "botbench", "profiles.ini", NULL);
  g_autoptr(BotbenchProfileManager) manager = botbench_profile_manager_new (path);
  g_autoptr(BotbenchProfile) profile = botbench_profile_new (BOTBENCH_PROFILE_KIND_WEBHOOK, NULL);
  g_autoptr(GSubprocess) cli = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *url = NULL;
  g_autofree char *fake_args = NULL;

  g_assert_true (botbench_profile_manager_load (manager, &error));
  botbench_profile_set_name (profile, "Cloud");
  botbench_profile_set_portal_url (profile, "https://team.bitrix24.example/");
  g_assert_true (botbench_profile_manager_add (manager, profile, &error));
  g_assert_true (botbench_profile_manager_save (manager, &error));
  g_assert_no_error (error);

  cli = spawn_cli (f, args);
  line = read_line (cli);
  g_assert_cmpstr (line, ==, "https://plain-fake-words-here.trycloudflare.com");
  g_assert_true (g_file_get_contents (f->args_file, &fake_args, NULL, NULL));
  g_assert_nonnull (strstr (fake_args, "\n--url\nhttp://127.0.0.1:8030\n"));
  url = profile_public_url (f);
  g_assert_cmpstr (url, ==, "https://plain-fake-words-here.trycloudflare.com");

  g_subprocess_send_signal (cli, SIGTERM);
  g_assert_true (g_subprocess_wait (cli, NULL, &error));
  g_assert_true (g_subprocess_get_if_exited (cli));
  g_assert_cmpint (g_subprocess_get_exit_status (cli), ==, 0);
  g_clear_pointer (&url, g_free);
  url = profile_public_url (f);
  g_assert_null (url);
}

static void
test_cli_fails (TunnelFixture *f,
                gconstpointer  data)
{
  static const char * const die[] = { "--via", "ngrok", NULL };
  static const char * const usage[] = { "--via", "ssh", NULL };
  static const char * const bad_via[] = { "--via", "frp", NULL };
  g_autoptr(GSubprocess) cli = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  /* Dies after the URL: exit 1, said on stderr. */
  g_setenv ("FAKE_TUNNEL_MODE", "die", TRUE);
  cli = spawn_cli (f, die);
  g_assert_true (g_subprocess_communicate_utf8 (cli, NULL, NULL, &out, &err, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (out, ==, "https://1a2b-203-0-113-7.ngrok-free.app\n");
  g_assert_nonnull (strstr (err, "no longer reaches the listener"));
  g_assert_cmpint (g_subprocess_get_exit_status (cli), ==, 1);
  g_clear_object (&cli);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Fails before: exit 1 with the program's own words. */
  g_setenv ("FAKE_TUNNEL_MODE", "fail", TRUE);
  cli = spawn_cli (f, die);
  g_assert_true (g_subprocess_communicate_utf8 (cli, NULL, NULL, &out, &err, &error));
  g_assert_cmpstr (out, ==, "");
  g_assert_nonnull (strstr (err, "authentication failed"));
  g_assert_cmpint (g_subprocess_get_exit_status (cli), ==, 1);
  g_clear_object (&cli);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Usage errors: exit 2. */
  cli = spawn_cli (f, usage);
  g_assert_true (g_subprocess_communicate_utf8 (cli, NULL, NULL, &out, &err, &error));
  g_assert_nonnull (strstr (err, "needs the HOST"));
  g_assert_cmpint (g_subprocess_get_exit_status (cli), ==, 2);
  g_clear_object (&cli);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  cli = spawn_cli (f, bad_via);
  g_assert_true (g_subprocess_communicate_utf8 (cli, NULL, NULL, &out, &err, &error));
  g_assert_cmpint (g_subprocess_get_exit_status (cli), ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tunnel/parse/url-lines", test_parse_lines);
  g_test_add_func ("/tunnel/parse/argv", test_argv);
#define ADD(path, tools, func) \
  g_test_add (path, TunnelFixture, tools, tunnel_setup, func, tunnel_teardown)
  ADD ("/tunnel/run/each-tool", all_tools, test_each_tool);
  ADD ("/tunnel/run/not-installed", only_ngrok, test_not_installed);
  ADD ("/tunnel/run/fails", all_tools, test_fails);
  ADD ("/tunnel/run/dies-later", all_tools, test_dies_later);
  ADD ("/tunnel/run/silent", all_tools, test_silent);
  ADD ("/tunnel/run/cancel", all_tools, test_cancel);
  ADD ("/tunnel/cli/runs", all_tools, test_cli_runs);
  ADD ("/tunnel/cli/fails", all_tools, test_cli_fails);
#undef ADD

  return g_test_run ();
}
