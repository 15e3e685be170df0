/* botbench-cli.c: the headless face of Botbench
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Exit status: 0 success, 1 failure, 2 usage error.
 */
#define G_LOG_DOMAIN "botbench-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "botbench-core.h"
#include "botbench-cli-private.h"

typedef int (*CommandFunc) (int argc, char **argv);

typedef struct
{
  const char  *name;
  CommandFunc  func;
  const char  *parameters;
  const char  *summary;
} Command;

int
botbench_cli_usage_error (GOptionContext *context,
                          const char     *message)
{
  g_printerr ("%s\n", message);
  g_printerr (_("Try “%s --help” for more information."), g_get_prgname ());
  g_printerr ("\n");
  return BOTBENCH_CLI_EXIT_USAGE;
}

int
botbench_cli_parse_options (GOptionContext   *context,
                            int              *argc,
                            char           ***argv)
{
  g_autoptr(GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    return botbench_cli_usage_error (context, error->message);

  return -1;
}

char *
botbench_cli_pad (const char *text,
                  guint       width)
{
  GString *padded = g_string_new (text);
  guint columns = 0;

  if (g_utf8_validate (text, -1, NULL))
    {
      for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
        {
          gunichar c = g_utf8_get_char (p);

          if (g_unichar_iszerowidth (c))
            continue;
          columns += g_unichar_iswide (c) ? 2 : 1;
        }
    }
  else
    {
      columns = strlen (text);
    }

  while (columns++ < width)
    g_string_append_c (padded, ' ');

  return g_string_free (padded, FALSE);
}

char *
botbench_cli_resolve_db_path (const char *db)
{
  if (db != NULL)
    return g_strdup (db);

  return botbench_event_store_dup_default_path ();
}

static const Command commands[] = {
  { "decode", botbench_cli_decode, "[FILE|-]", N_("Decode a form body exactly as PHP's $_POST and print it as JSON") },
  { "listen", botbench_cli_listen, "[--host H] [--port P] [--db PATH] [--max-body BYTES] [--forward URL [--forward-timeout SECONDS]] [--strict-token TOKEN]", N_("Receive events and print them as JSON lines") },
  { "fetch", botbench_cli_fetch, "[--profile NAME] [BOT_ID…] [--follow] [--interval SECONDS] [--db PATH]", N_("Fetch imbot.v2 bots' events from the portal (fetch mode), store and print them as JSON lines") },
  { "events", botbench_cli_events, "[--db PATH] [--event NAME] [--search TEXT] [--limit N] [--verified STATE] [--source listener|fetched|replay|import] [--format jsonl|json|har]", N_("Print stored events") },
  { "import", botbench_cli_import, "FILE.jsonl [--db PATH]", N_("Store the events of a JSON Lines export (skipping those already stored)") },
  { "sandbox", botbench_cli_sandbox, "[--host H] [--port 8124] [--webhook-user 1] [--webhook-secret S] [--state PATH] [--bot-limit 5|0] [--rate-limit 50/2|off] [--token-ttl SECONDS] [--tls | --tls-cert FILE --tls-key FILE]", N_("Run an offline Bitrix24 portal") },
  { "profiles", botbench_cli_profiles, "[add NAME --webhook URL [--client-id ID] [--public-url URL] | add NAME --oauth --portal URL --client-id ID [--token-endpoint URL] [--public-url URL] | remove NAME | use NAME | test NAME]", N_("List and manage portal profiles") },
  { "register", botbench_cli_register, "FILE.json [--dry-run]", N_("Register a bot from an imbot.register body") },
  { "update", botbench_cli_update, "BOT_ID FILE.json [--dry-run]", N_("Update a bot: only the changed fields") },
  { "unregister", botbench_cli_unregister, "BOT_ID [--dry-run]", N_("Unregister a bot (its private chats are deleted)") },
  { "bots", botbench_cli_bots, "[--v2]", N_("List the portal's bots") },
  { "command-register", botbench_cli_command_register, "BOT_ID FILE.json [--dry-run]", N_("Register a bot command") },
  { "command-update", botbench_cli_command_update, "BOT_ID COMMAND_ID FILE.json [--v2] [--dry-run]", N_("Update an imbot.v2 bot's command") },
  { "command-unregister", botbench_cli_command_unregister, "BOT_ID COMMAND_ID [--v2] [--dry-run]", N_("Remove an imbot.v2 bot's command") },
  { "command-list", botbench_cli_command_list, "BOT_ID [--v2] [--dry-run]", N_("List an imbot.v2 bot's commands") },
  { "command-answer", botbench_cli_command_answer, "BOT_ID COMMAND_ID MESSAGE_ID DIALOG_ID TEXT [--v2] [--dry-run]", N_("Answer a command message as an imbot.v2 bot") },
  { "tunnel", botbench_cli_tunnel, "[--via ssh HOST|cloudflared|ngrok] [--port 8024] [--profile NAME]", N_("Print a public https URL that reaches the listener, through ssh, cloudflared or ngrok") },
  { "chat", botbench_cli_chat, "BOT_ID TEXT [--user USER_ID] [--chat CHAT_ID] [--wait SECONDS] | BOT_ID --join [--user USER_ID] [--chat CHAT_ID]", N_("Write to a bot as a sandbox portal user and print its replies") },
  { "send-event", botbench_cli_send_event, "[--to URL] [--db PATH] (--replay ID [--set KEY=VALUE]… | --template NAME [--bot BOT_ID] [--set KEY=VALUE]… | FILE) [--dry-run]", N_("Send a stored event again (with edits), a simulated event or a form body, and print the answer") },
  { "doctor", botbench_cli_doctor, "[--profile NAME] [BOT_ID] [--format text|json] [--db PATH] [--listener URL]", N_("Say why a bot gets no events: check the portal, the handlers and fetch mode, in order") },
  { "avatar", botbench_cli_avatar, "FILE [--size N] [--format png|jpeg]", N_("Print an image as a square PERSONAL_PHOTO in base64") },
  { "call", botbench_cli_call, "METHOD [KEY=VALUE…|--json FILE]", N_("Call any REST method with the active (or --profile) profile") },
};

static void
print_help (FILE *out)
{
  fprintf (out, _("Usage:\n  %s [--profile NAME] COMMAND [OPTION…]\n\n"), g_get_prgname ());
  fprintf (out, "%s\n\n", _("Botbench: register Bitrix24 chatbots and watch their events."));
  fprintf (out, "%s\n", _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-16s %s\n                   %s\n", commands[i].name, _(commands[i].summary),
             commands[i].parameters);
  fprintf (out, "\n%s\n", _("Options:"));
  fprintf (out, "  -h, --help     %s\n", _("Show this help"));
  fprintf (out, "  --version      %s\n", _("Show the version"));
  fprintf (out, "\n%s\n", _("Run “botbench-cli COMMAND --help” for a command's options."));
  fprintf (out, "%s\n", _("Exit status: 0 success, 1 failure, 2 usage error."));
}

int
main (int    argc,
      char **argv)
{
  const char *localedir;

  setlocale (LC_ALL, "");
  /* Uninstalled runs (build-aux/dev run, the tests) point this at _build/po */
  localedir = g_getenv ("BOTBENCH_LOCALEDIR");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL && *localedir != '\0' ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_prgname ("botbench-cli");

  /* botbench-cli [--profile NAME] COMMAND … */
  while (argc >= 2 && g_str_has_prefix (argv[1], "--profile"))
    {
      if (g_str_has_prefix (argv[1], "--profile="))
        {
          botbench_cli_profile_name = argv[1] + strlen ("--profile=");
          argc--, argv++;
        }
      else if (g_strcmp0 (argv[1], "--profile") == 0 && argc >= 3)
        {
          botbench_cli_profile_name = argv[2];
          argc -= 2, argv += 2;
        }
      else
        {
          g_printerr (_("--profile needs a NAME\n"));
          return BOTBENCH_CLI_EXIT_USAGE;
        }
    }

  if (argc < 2)
    {
      print_help (stderr);
      return BOTBENCH_CLI_EXIT_USAGE;
    }

  if (g_strcmp0 (argv[1], "--help") == 0 || g_strcmp0 (argv[1], "-h") == 0 ||
      g_strcmp0 (argv[1], "help") == 0)
    {
      print_help (stdout);
      return EXIT_SUCCESS;
    }

  if (g_strcmp0 (argv[1], "--version") == 0)
    {
      printf ("botbench-cli %s\n", PACKAGE_VERSION);
      return EXIT_SUCCESS;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      if (g_strcmp0 (argv[1], commands[i].name) == 0)
        {
          g_autofree char *prgname = g_strdup_printf ("botbench-cli %s", commands[i].name);

          g_set_prgname (prgname);
          return commands[i].func (argc - 1, argv + 1);
        }
    }

  g_printerr (_("Unknown command “%s”\n\n"), argv[1]);
  print_help (stderr);
  return BOTBENCH_CLI_EXIT_USAGE;
}
