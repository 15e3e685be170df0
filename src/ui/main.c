/* main.c: entry point of the botbench application
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "botbench"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "botbench-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(BotbenchApplication) app = NULL;
  const char *localedir;

  setlocale (LC_ALL, "");
  /* Uninstalled runs (build-aux/dev run, the tests) point this at _build/po */
  localedir = g_getenv ("BOTBENCH_LOCALEDIR");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL && *localedir != '\0' ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name (_("Botbench"));

  app = botbench_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
