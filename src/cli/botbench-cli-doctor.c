/* botbench-cli-doctor.c: `botbench-cli doctor`, why a bot gets no events
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs BotbenchDoctor for the profile (--profile or the active one), all
 * its bots or BOT_ID, and prints one line per check, "STATUS  NAME
 * MESSAGE", or with --format json an array of {"name", "status",
 * "message"}.  Exit status 0 when no check is a problem, 1 when one is
 * (or the doctor cannot run), 2 on a usage error.
 */
#define G_LOG_DOMAIN "botbench-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <stdlib.h>

#include "botbench-core.h"
#include "botbench-cli-private.h"
#include "botbench-cli-bots-private.h"

typedef struct
{
  GMainLoop *loop;
  GPtrArray *checks;
  GError    *error;
} DoctorWait;

static void
doctor_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  DoctorWait *wait = user_data;

  wait->checks = botbench_doctor_run_finish (BOTBENCH_DOCTOR (object), result, &wait->error);
  g_main_loop_quit (wait->loop);
}

static void
print_text (GPtrArray *checks)
{
  for (guint i = 0; i < checks->len; i++)
    {
      BotbenchDoctorCheck *check = g_ptr_array_index (checks, i);

      printf ("%s  %s  %s\n", botbench_doctor_status_to_string (check->status), check->name, check->message);
    }
}

static void
print_json (GPtrArray *checks)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; i < checks->len; i++)
    {
      BotbenchDoctorCheck *check = g_ptr_array_index (checks, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, check->name);
      json_builder_set_member_name (builder, "status");
      json_builder_add_string_value (builder, botbench_doctor_status_to_string (check->status));
      json_builder_set_member_name (builder, "message");
      json_builder_add_string_value (builder, check->message);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  root = json_builder_get_root (builder);
  text = json_to_string (root, TRUE);
  printf ("%s\n", text);
}

int
botbench_cli_doctor (int    argc,
                     char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_auto(BotContext) ctx = { NULL };
  g_autoptr(BotbenchEventStore) store = NULL;
  g_autoptr(BotbenchDoctor) doctor = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GPtrArray) checks = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  g_autofree char *path = NULL;
  g_autofree char *profile_name = NULL;
  g_autofree char *format = NULL;
  g_autofree char *listener = NULL;
  DoctorWait wait = { NULL };
  gboolean json = FALSE;
  gint64 bot_id = 0;
  int status;
  const GOptionEntry entries[] = {
    { "profile", 0, 0, G_OPTION_ARG_STRING, &profile_name, N_("The profile to check (default: the active one)"), N_("NAME") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format, N_("Output format: text (default) or json"), N_("FORMAT") },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("Event store (default $XDG_DATA_HOME/botbench/events.db)"), N_("PATH") },
    { "listener", 0, 0, G_OPTION_ARG_STRING, &listener, N_("The listener’s base URL (default http://127.0.0.1:8024/)"), N_("URL") },
    { NULL }
  };

  context = g_option_context_new (_("[BOT_ID] — say why a bot gets no events"));
  g_option_context_set_summary (context,
    _("Checks, in order, what keeps events from a bot: the portal and the imbot scope, the\n"
      "application’s installation, each v1 bot’s handler URLs (the portal’s rule, https, reachable\n"
      "from the portal, answering), one handler set per application, the bot type, the\n"
      "application_token of its stored events, and each v2 fetch-mode bot’s ownership and polling.\n"
      "Prints “STATUS  NAME  MESSAGE” per check (ok, warning, problem). Exit status 1 when a\n"
      "check is a problem."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((status = botbench_cli_parse_options (context, &argc, &argv)) >= 0)
    return status;

  if (format == NULL || g_str_equal (format, "text"))
    json = FALSE;
  else if (g_str_equal (format, "json"))
    json = TRUE;
  else
    return botbench_cli_usage_error (context, _("--format must be text or json"));

  if (argc > 2)
    return botbench_cli_usage_error (context, _("At most one BOT_ID"));
  if (argc == 2 && !_botbench_cli_parse_bot_id (argv[1], &bot_id))
    {
      g_autofree char *message = g_strdup_printf (_("“%s” is not a bot id"), argv[1]);

      return botbench_cli_usage_error (context, message);
    }
  if (listener != NULL)
    {
      g_autoptr(GUri) uri = g_uri_parse (listener, SOUP_HTTP_URI_FLAGS, NULL);

      if (uri == NULL || g_uri_get_host (uri) == NULL ||
          (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 && g_strcmp0 (g_uri_get_scheme (uri), "https") != 0))
        return botbench_cli_usage_error (context, _("--listener must be an http:// URL"));
    }
  if (profile_name != NULL)
    botbench_cli_profile_name = profile_name;

  if (!_botbench_cli_bot_context_init (&ctx, &error))
    return _botbench_cli_bot_command_failed (error);

  path = botbench_cli_resolve_db_path (db);
  store = botbench_event_store_new (path, &error);
  if (store == NULL)
    {
      g_printerr (_("Warning: cannot open the event store %s, its checks are skipped: %s\n"), path, error->message);
      g_clear_error (&error);
    }

  doctor = botbench_doctor_new (ctx.client, store, ctx.bots, ctx.secrets);
  if (listener == NULL)
    listener = g_strdup_printf ("http://%s:%u/", BOTBENCH_LISTENER_DEFAULT_HOST, BOTBENCH_LISTENER_DEFAULT_PORT);
  botbench_doctor_set_listener_url (doctor, listener);
  botbench_doctor_set_bot_id (doctor, bot_id);

  wait.loop = loop = g_main_loop_new (NULL, FALSE);
  botbench_doctor_run_async (doctor, NULL, doctor_done_cb, &wait);
  g_main_loop_run (loop);
  checks = wait.checks;

  if (store != NULL)
    botbench_event_store_close (store);
  while (g_main_context_iteration (NULL, FALSE))
    ;

  if (checks == NULL)
    {
      g_printerr (_("The doctor could not run: %s\n"), wait.error->message);
      g_clear_error (&wait.error);
      return EXIT_FAILURE;
    }

  if (json)
    print_json (checks);
  else
    print_text (checks);
  fflush (stdout);

  return botbench_doctor_checks_have_problem (checks) ? EXIT_FAILURE : EXIT_SUCCESS;
}
