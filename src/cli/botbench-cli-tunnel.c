/* botbench-cli-tunnel.c: botbench-cli tunnel, a public URL for the listener
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs an installed tunnel program (BotbenchTunnel), prints the public URL
 * on stdout once it is known and keeps running until interrupted or until
 * the tunnel dies (exit 1).  With --profile the URL becomes the profile's
 * public base URL while it runs; interrupted, the profile gets back the one
 * it had; died, its public base URL is cleared.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <stdio.h>
#include <stdlib.h>

#include "botbench-core.h"
#include "botbench-cli-private.h"

typedef struct
{
  GMainLoop              *loop;
  char                   *url;
  GError                 *error;
  gboolean                died;
  BotbenchProfileManager *manager;       /* --profile: its manager and profile */
  BotbenchProfile        *profile;
  gboolean                profile_set;   /* the profile has the URL */
  char                   *previous_url;  /* its public base URL before */
} TunnelRun;

static gboolean
signal_cb (gpointer data)
{
  TunnelRun *run = data;

  g_main_loop_quit (run->loop);
  return G_SOURCE_CONTINUE;
}

/* Sets (url) or clears (NULL) the profile's public base URL. */
static gboolean
set_public_url (BotbenchProfileManager *manager,
                BotbenchProfile        *profile,
                const char             *url)
{
  botbench_profile_set_public_base_url (profile, url);
  return botbench_cli_save_profiles (manager, TRUE);
}

static void
started_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  TunnelRun *run = user_data;

  run->url = botbench_tunnel_start_finish (BOTBENCH_TUNNEL (source), result, &run->error);
  if (run->url == NULL)
    {
      g_main_loop_quit (run->loop);
      return;
    }

  /* The profile first: once the URL is printed, the profile has it. */
  if (run->profile != NULL)
    run->previous_url = g_strdup (botbench_profile_get_public_base_url (run->profile));
  if (run->profile != NULL && set_public_url (run->manager, run->profile, run->url))
    {
      run->profile_set = TRUE;
      g_printerr (_("profile “%s” now has %s as its public base URL\n"),
                  botbench_profile_get_name (run->profile), run->url);
    }
  g_print ("%s\n", run->url);
  fflush (stdout);
}

static void
died_cb (BotbenchTunnel *tunnel,
         GError         *error,
         TunnelRun      *run)
{
  g_printerr ("%s\n", error->message);
  run->died = TRUE;
  g_main_loop_quit (run->loop);
}

/* The first installed of cloudflared and ngrok (ssh needs a host). */
static gboolean
pick_via (BotbenchTunnelVia *via)
{
  static const BotbenchTunnelVia order[] = { BOTBENCH_TUNNEL_VIA_CLOUDFLARED, BOTBENCH_TUNNEL_VIA_NGROK };

  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    {
      g_autofree char *path = botbench_tunnel_via_find (order[i]);

      if (path != NULL)
        {
          *via = order[i];
          return TRUE;
        }
    }

  return FALSE;
}

/* Neither cloudflared nor ngrok: what is installed, how to get the rest. */
static void
print_install_hints (void)
{
  g_printerr (_("Neither cloudflared nor ngrok is installed.\n"));
  for (guint i = BOTBENCH_TUNNEL_VIA_SSH; i <= BOTBENCH_TUNNEL_VIA_NGROK; i++)
    {
      g_autofree char *path = botbench_tunnel_via_find (i);

      if (path != NULL)
        /* Translators: %s a program's name, %s where it is */
        g_printerr (_("  %-12s installed (%s)\n"), botbench_tunnel_via_program (i), path);
      else
        g_printerr ("  %-12s %s\n", botbench_tunnel_via_program (i), botbench_tunnel_via_install_hint (i));
    }
  g_printerr (_("With ssh, name the host to tunnel through: botbench-cli tunnel --via ssh nokey@localhost.run\n"));
}

int
botbench_cli_tunnel (int    argc,
                     char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(BotbenchProfileManager) manager = NULL;
  g_autoptr(BotbenchTunnel) tunnel = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *via_name = NULL;
  g_autofree char *profile_name = NULL;
  BotbenchProfile *profile = NULL;
  BotbenchTunnelVia via;
  const char *ssh_host = NULL;
  int port = BOTBENCH_LISTENER_DEFAULT_PORT;
  TunnelRun run = { NULL };
  guint sigint, sigterm;
  int status;
  const GOptionEntry entries[] = {
    { "via", 0, 0, G_OPTION_ARG_STRING, &via_name, N_("ssh (then the HOST to tunnel through), cloudflared or ngrok (default: the first of cloudflared and ngrok installed)"), N_("PROGRAM") },
    { "port", 0, 0, G_OPTION_ARG_INT, &port, N_("The local port to make public (default 8024, the listener's)"), N_("PORT") },
    { "profile", 0, 0, G_OPTION_ARG_STRING, &profile_name, N_("Make the URL this profile's public base URL while the tunnel runs"), N_("NAME") },
    { NULL }
  };

  context = g_option_context_new (_("[HOST] — print a public https URL that reaches the listener, and keep it open"));
  g_option_context_set_summary (context,
    _("A cloud portal cannot reach 127.0.0.1. This runs a tunnel program you already\n"
      "have: ssh -R to a host you name (your own server, or a public ssh tunnel service\n"
      "such as nokey@localhost.run), cloudflared’s quick tunnel, or ngrok; reads the\n"
      "public URL it prints and prints it on stdout. Nothing is downloaded. The tunnel\n"
      "stops with this command (Ctrl+C); the exit status is 1 if it dies first."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((status = botbench_cli_parse_options (context, &argc, &argv)) >= 0)
    return status;

  if (port < 1 || port > G_MAXUINT16)
    return botbench_cli_usage_error (context, _("--port must be between 1 and 65535"));

  if (via_name != NULL)
    {
      if (!botbench_tunnel_via_from_string (via_name, &via))
        return botbench_cli_usage_error (context, _("--via must be ssh, cloudflared or ngrok"));
    }
  else if (argc > 1)
    via = BOTBENCH_TUNNEL_VIA_SSH;   /* a host alone means ssh */
  else if (!pick_via (&via))
    {
      print_install_hints ();
      return EXIT_FAILURE;
    }

  if (via == BOTBENCH_TUNNEL_VIA_SSH)
    {
      if (argc != 2)
        return botbench_cli_usage_error (context, _("--via ssh needs the HOST to tunnel through, e.g. nokey@localhost.run"));
      ssh_host = argv[1];
    }
  else if (argc > 1)
    return botbench_cli_usage_error (context, _("Only --via ssh takes a HOST"));

  if (profile_name != NULL)
    {
      manager = botbench_profile_manager_new (NULL);
      if (!botbench_profile_manager_load (manager, &error))
        {
          g_printerr (_("Cannot read the profiles: %s\n"), error->message);
          return EXIT_FAILURE;
        }
      profile = botbench_profile_manager_lookup (manager, profile_name);
      if (profile == NULL)
        {
          g_printerr (_("No profile named “%s”\n"), profile_name);
          return EXIT_FAILURE;
        }
    }

  tunnel = botbench_tunnel_new (via, (guint)port, ssh_host);
  run.loop = loop = g_main_loop_new (NULL, FALSE);
  run.manager = manager;
  run.profile = profile;
  g_signal_connect (tunnel, "died", G_CALLBACK (died_cb), &run);
  sigint = g_unix_signal_add (SIGINT, signal_cb, &run);
  sigterm = g_unix_signal_add (SIGTERM, signal_cb, &run);

  g_printerr (_("starting %s…\n"), botbench_tunnel_via_program (via));
  botbench_tunnel_start_async (tunnel, NULL, started_cb, &run);
  g_main_loop_run (loop);
  /* Interrupted before the URL: the start finishes as cancelled. */
  botbench_tunnel_stop (tunnel);
  while (run.url == NULL && run.error == NULL && g_main_context_iteration (NULL, FALSE))
    ;

  g_source_remove (sigint);
  g_source_remove (sigterm);

  /* The URL no longer reaches the listener: stopped, the profile gets back
   * what it had; died, its public URL is cleared. */
  if (run.profile_set)
    set_public_url (manager, profile, run.died ? NULL : run.previous_url);
  g_free (run.previous_url);

  if (run.error != NULL && !g_error_matches (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_printerr ("%s\n", run.error->message);
      g_clear_error (&run.error);
      g_free (run.url);
      return EXIT_FAILURE;
    }
  g_clear_error (&run.error);
  g_free (run.url);

  return run.died ? EXIT_FAILURE : EXIT_SUCCESS;
}
