/* botbench-test-bot-main.c: the loopback test bot as a program
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * botbench-test-bot --webhook URL --client-id ID [--port N] [--status N] [--delay-ms N]
 * prints its handler URL on stdout, then serves until SIGINT or SIGTERM.
 * For CLI tests, manual demos and screenshots.
 */
#include "config.h"

#include <glib-unix.h>
#include <stdio.h>

#include "botbench-test-bot.h"

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *webhook = NULL;
  g_autofree char *client_id = NULL;
  int port = 0;
  int status = 200;
  int delay_ms = 0;
  GOptionEntry entries[] = {
    { "webhook", 0, 0, G_OPTION_ARG_STRING, &webhook, "The portal's incoming webhook URL", "URL" },
    { "client-id", 0, 0, G_OPTION_ARG_STRING, &client_id, "CLIENT_ID for webhook calls", "ID" },
    { "port", 0, 0, G_OPTION_ARG_INT, &port, "Port on 127.0.0.1 (default: any free one)", "N" },
    { "status", 0, 0, G_OPTION_ARG_INT, &status, "HTTP status to answer events with (default 200)", "N" },
    { "delay-ms", 0, 0, G_OPTION_ARG_INT, &delay_ms, "Wait before answering (default 0)", "MS" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- a loopback bot that echoes");
  g_autoptr(GError) error = NULL;
  g_autoptr(BotbenchTestBot) bot = NULL;
  g_autoptr(GMainLoop) loop = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) ||
      port < 0 || port > 65535 || status < 100 || status > 599 || delay_ms < 0)
    {
      g_printerr ("%s\n", error != NULL ? error->message : "bad --port, --status or --delay-ms");
      return 2;
    }
  if (webhook != NULL && !g_str_has_suffix (webhook, "/"))
    {
      char *with_slash = g_strconcat (webhook, "/", NULL);

      g_free (webhook);
      webhook = with_slash;
    }

  bot = botbench_test_bot_new (webhook, client_id, (guint)port, &error);
  if (bot == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  botbench_test_bot_set_status (bot, (guint)status);
  botbench_test_bot_set_delay (bot, (guint)delay_ms);

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, quit_cb, loop);
  g_unix_signal_add (SIGTERM, quit_cb, loop);

  printf ("%s\n", botbench_test_bot_get_url (bot));
  fflush (stdout);
  g_main_loop_run (loop);

  return 0;
}
