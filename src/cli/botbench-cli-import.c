/* botbench-cli-import.c: import
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Stores the events of a JSON Lines file written by `events` (or by the
 * window's export), skipping those already stored.  Exit 1 when a line was
 * not an event, after importing every good line.
 */
#define G_LOG_DOMAIN "botbench-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <gio/gunixinputstream.h>
#include <stdio.h>

#include "botbench-core.h"
#include "botbench-cli-private.h"

int
botbench_cli_import (int    argc,
                     char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(BotbenchEventStore) store = NULL;
  g_autoptr(BotbenchEventImportSummary) summary = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  g_autofree char *path = NULL;
  const char *file;
  int status;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("Event store (default $XDG_DATA_HOME/botbench/events.db)"), N_("PATH") },
    { NULL }
  };

  context = g_option_context_new (_("FILE.jsonl — store exported events"));
  g_option_context_set_summary (context,
    _("Stores the events of a JSON Lines file written by “botbench-cli events” (FILE “-” is\n"
      "standard input).  Events already stored (same received time, method, path, query\n"
      "and body) are skipped, so importing a file twice stores its events once.\n"
      "\n"
      "Each event keeps the source its line gives (“events --source”): listener,\n"
      "replay, or fetched — an event read from a portal with imbot.v2.Event.get keeps\n"
      "its portal, bot id and portal event id and its JSON body, and is skipped when\n"
      "an event with that portal event id is stored already.  A line without a\n"
      "source (written before Botbench exported sources, or by hand) is stored\n"
      "with the source “import”."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((status = botbench_cli_parse_options (context, &argc, &argv)) >= 0)
    return status;

  if (argc < 2)
    return botbench_cli_usage_error (context, _("import needs a FILE"));
  if (argc > 2)
    return botbench_cli_usage_error (context, _("Too many arguments: import takes one FILE"));
  file = argv[1];

  if (g_strcmp0 (file, "-") == 0)
    stream = g_unix_input_stream_new (0, FALSE);
  else
    {
      g_autoptr(GFile) gfile = g_file_new_for_commandline_arg (file);

      stream = G_INPUT_STREAM (g_file_read (gfile, NULL, &error));
      if (stream == NULL)
        {
          g_printerr (_("Cannot read %s: %s\n"), file, error->message);
          return EXIT_FAILURE;
        }
    }

  path = botbench_cli_resolve_db_path (db);
  store = botbench_event_store_new (path, &error);
  if (store == NULL)
    {
      g_printerr (_("Cannot open the event store %s: %s\n"), path, error->message);
      return EXIT_FAILURE;
    }

  summary = botbench_event_import_stream (store, stream, NULL, &error);
  botbench_event_store_close (store);
  if (summary == NULL)
    {
      g_printerr (_("Import stopped: %s\n"), error->message);
      return EXIT_FAILURE;
    }

  for (guint i = 0; i < summary->errors->len; i++)
    g_printerr ("%s: %s\n", file, (const char *)g_ptr_array_index (summary->errors, i));
  /* Only the first messages are kept. */
  if (summary->failed > summary->errors->len)
    {
      guint more = summary->failed - summary->errors->len;

      /* Translators: after the first 100 messages about failed lines */
      g_printerr (g_dngettext (GETTEXT_PACKAGE, "%s: %u more line failed\n", "%s: %u more lines failed\n",
                               more),
                  file, more);
    }

  /* Translators: the summary of an import, e.g. "Imported 12 events, 3 already present" */
  g_printerr (g_dngettext (GETTEXT_PACKAGE, "Imported %u event", "Imported %u events", summary->imported),
              summary->imported);
  g_printerr (g_dngettext (GETTEXT_PACKAGE, ", %u already present", ", %u already present",
                           summary->duplicates),
              summary->duplicates);
  if (summary->failed > 0)
    g_printerr (g_dngettext (GETTEXT_PACKAGE, ", %u line failed", ", %u lines failed", summary->failed),
                summary->failed);
  g_printerr ("\n");

  return summary->failed > 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
