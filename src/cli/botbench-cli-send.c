/* botbench-cli-send.c: botbench-cli send-event
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Sends one request to a handler (or to a listener) and prints the answer
 * as one JSON line {"status", "duration_ms", "body"} (+ "error"): a stored
 * event replayed with edits (--replay ID [--set KEY=VALUE]…), a simulated
 * event (--template NAME [--bot BOT_ID]) or a raw form body from FILE.
 * Exit status: 0 for a 2xx answer, 1 for a transport error or another
 * status, 2 for a usage error.
 */
#define G_LOG_DOMAIN "botbench-cli"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "botbench-core.h"
#include "botbench-event-template.h"
#include "botbench-form-edit.h"
#include "botbench-replay.h"
#include "botbench-cli-private.h"

#define SEND_DEFAULT_TIMEOUT 10

typedef struct
{
  GMainLoop             *loop;
  BotbenchForwardResult *result;
  gint64                 event_id;
  GError                *error;
} SendState;

/* The listener's URL: the window's settings when their schema is
 * installed, else what `listen` uses (127.0.0.1:8024). */
static char *
default_listener_url (const char *path)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autofree char *host = g_strdup (BOTBENCH_LISTENER_DEFAULT_HOST);
  guint port = BOTBENCH_LISTENER_DEFAULT_PORT;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema != NULL && g_settings_schema_has_key (schema, "listener-host") &&
      g_settings_schema_has_key (schema, "listener-port"))
    {
      g_autoptr(GSettings) settings = g_settings_new (APP_ID);
      g_autofree char *set_host = g_settings_get_string (settings, "listener-host");
      guint set_port = g_settings_get_uint (settings, "listener-port");

      /* a wildcard address is reached on loopback; port 0 is a random one */
      if (set_host != NULL && *set_host != '\0' &&
          !g_str_equal (set_host, "0.0.0.0") && !g_str_equal (set_host, "::"))
        {
          g_free (host);
          host = g_steal_pointer (&set_host);
        }
      if (set_port != 0)
        port = set_port;
    }

  if (strchr (host, ':') != NULL)
    return g_strdup_printf ("http://[%s]:%u%s", host, port, path);
  return g_strdup_printf ("http://%s:%u%s", host, port, path);
}

/* The template's bot and portal: the active (or --profile) profile's
 * saved bot, portal and expected application_token when they can be read
 * (ctx filled by botbench_template_context_init_from_profile()); else the
 * bot id alone and the defaults. */
static BotbenchBot *
lookup_bot (gint64                   bot_id,
            BotbenchTemplateContext *ctx)
{
  g_autoptr(BotbenchProfileManager) manager = botbench_profile_manager_new (NULL);
  g_autoptr(GError) error = NULL;
  BotbenchProfile *profile = NULL;
  BotbenchBot *bot = NULL;
  char *token = NULL;

  if (botbench_profile_manager_load (manager, &error))
    profile = botbench_cli_profile_name != NULL
      ? botbench_profile_manager_lookup (manager, botbench_cli_profile_name)
      : botbench_profile_manager_get_active (manager);
  else
    g_debug ("No profiles: %s", error->message);

  if (profile != NULL)
    {
      g_autoptr(BotbenchSecretStore) secrets = botbench_secret_store_new ();

      g_clear_error (&error);
      token = botbench_token_check_dup_expected_sync (profile, secrets, NULL, &error);
      if (error != NULL)
        g_printerr (_("Warning: cannot read the expected application_token of profile “%s”: %s\n"),
                    botbench_profile_get_name (profile), error->message);
    }
  botbench_template_context_init_from_profile (ctx, profile, token);
  botbench_secret_free (token);

  if (profile != NULL && bot_id > 0)
    {
      g_autoptr(BotbenchBotStore) bots = botbench_bot_store_new (botbench_profile_get_uuid (profile), NULL);
      BotbenchBot *saved;

      if (botbench_bot_store_load (bots, NULL) &&
          (saved = botbench_bot_store_lookup_by_id (bots, bot_id)) != NULL)
        bot = botbench_bot_copy (saved);
    }

  if (bot == NULL && bot_id > 0)
    {
      bot = botbench_bot_new ();
      botbench_bot_set_bot_id (bot, bot_id);
    }

  return bot;
}

static void
send_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  SendState *state = user_data;

  state->result = botbench_replay_send_finish (result, &state->event_id, &state->error);
  g_main_loop_quit (state->loop);
}

/* {"status":N|null,"duration_ms":N|null,"body":"…"|null[,"error":"…"]} */
static void
print_answer (BotbenchForwardResult *result)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *line = NULL;
  const char *error = botbench_forward_result_get_error (result);
  GBytes *body = botbench_forward_result_get_response_body (result);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "status");
  if (botbench_forward_result_get_status (result) != 0)
    json_builder_add_int_value (builder, botbench_forward_result_get_status (result));
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "duration_ms");
  if (botbench_forward_result_get_duration_ms (result) >= 0)
    json_builder_add_int_value (builder, botbench_forward_result_get_duration_ms (result));
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "body");
  if (error == NULL && body != NULL)
    {
      /* An empty answer's bytes may have no data pointer at all. */
      const char *data = g_bytes_get_data (body, NULL);
      g_autofree char *text = g_utf8_make_valid (data != NULL ? data : "", g_bytes_get_size (body));

      json_builder_add_string_value (builder, text);
    }
  else if (error == NULL)
    {
      json_builder_add_string_value (builder, "");
    }
  else
    {
      json_builder_add_null_value (builder);
    }
  if (error != NULL)
    {
      json_builder_set_member_name (builder, "error");
      json_builder_add_string_value (builder, error);
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  line = json_generator_to_data (generator, NULL);
  printf ("%s\n", line);
  fflush (stdout);
}

static BotbenchEvent *
load_replay (const char         *db,
             gint64              id,
             const char * const *sets,
             BotbenchEventStore **out_store,
             BotbenchEvent      **out_original)
{
  g_autofree char *path = botbench_cli_resolve_db_path (db);
  g_autoptr(BotbenchEventStore) store = NULL;
  g_autoptr(BotbenchEvent) original = NULL;
  g_autoptr(GError) error = NULL;
  BotbenchEvent *replay;

  store = botbench_event_store_new (path, &error);
  if (store == NULL)
    {
      g_printerr (_("Cannot open the event store %s: %s\n"), path, error->message);
      return NULL;
    }

  original = botbench_event_store_get_event (store, id, &error);
  if (original == NULL)
    {
      if (error != NULL)
        g_printerr (_("Cannot read event %lld: %s\n"), (long long) id, error->message);
      else
        g_printerr (_("No event %lld in %s\n"), (long long) id, path);
      return NULL;
    }

  replay = botbench_replay_build (original, sets, &error);
  if (replay == NULL)
    {
      g_printerr ("%s\n", error->message);
      return NULL;
    }

  *out_store = g_steal_pointer (&store);
  *out_original = g_steal_pointer (&original);
  return replay;
}

/* A form body (FILE or template) with the --set edits applied. */
static BotbenchEvent *
build_body_event (GBytes              *body,
                  const char * const  *sets,
                  GError             **error)
{
  g_autoptr(BotbenchEvent) event = botbench_replay_build_new ("/", body);

  if (sets == NULL || sets[0] == NULL)
    return g_steal_pointer (&event);

  /* the same edits as a replay's, on the new event's form */
  return botbench_replay_build (event, sets, error);
}

/* A simulated event: the template built from the profile's bot and
 * portal and the profile's expected application_token (defaults where
 * they cannot be read), with the --set edits. */
static BotbenchEvent *
build_template_event (const char          *name,
                      gint64               bot_id,
                      const char * const  *sets,
                      GError             **error)
{
  g_auto(BotbenchTemplateContext) ctx = { NULL };
  g_autoptr(BotbenchBot) bot = lookup_bot (bot_id, &ctx);
  g_autoptr(GBytes) body = NULL;
  char *text;

  text = botbench_event_template_build (name, bot, &ctx, error);
  if (text == NULL)
    return NULL;
  body = g_bytes_new_take (text, strlen (text));

  return build_body_event (body, sets, error);
}

int
botbench_cli_send_event (int    argc,
                         char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(BotbenchEventStore) store = NULL;
  g_autoptr(BotbenchEvent) original = NULL;
  g_autoptr(BotbenchEvent) request = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) sets = NULL;
  g_autofree char *to = NULL;
  g_autofree char *db = NULL;
  g_autofree char *template_name = NULL;
  g_autofree char *url = NULL;
  gint64 replay_id = 0;
  gint64 bot_id = 0;
  int timeout = SEND_DEFAULT_TIMEOUT;
  gboolean dry_run = FALSE;
  SendState state = { NULL };
  guint n_sources;
  int status;
  const GOptionEntry entries[] = {
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, N_("Where to send it (default: the listener, http://127.0.0.1:8024/)"), N_("URL") },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("Event store for --replay (default $XDG_DATA_HOME/botbench/events.db)"), N_("PATH") },
    { "replay", 0, 0, G_OPTION_ARG_INT64, &replay_id, N_("Replay the stored event ID"), N_("ID") },
    { "template", 0, 0, G_OPTION_ARG_STRING, &template_name, N_("Send a simulated event (the names are listed below)"), N_("NAME") },
    { "bot", 0, 0, G_OPTION_ARG_INT64, &bot_id, N_("The bot of --template (from the active profile's bots)"), N_("BOT_ID") },
    { "set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &sets, N_("Change or add a value, e.g. data[PARAMS][MESSAGE]=Hi (repeatable)"), N_("KEY=VALUE") },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout, N_("Seconds to wait for the answer (default 10)"), N_("SECONDS") },
    { "dry-run", 0, 0, G_OPTION_ARG_NONE, &dry_run, N_("Print the body (and for --replay the diff) without sending"), NULL },
    { NULL }
  };

  context = g_option_context_new (_("(--replay ID [--set KEY=VALUE]… | --template NAME [--bot BOT_ID] [--set KEY=VALUE]… | FILE)"));
  g_option_context_set_summary (context,
    _("Sends one request and prints the answer as one JSON line:\n"
      "{\"status\":…, \"duration_ms\":…, \"body\":…} (and \"error\" on a transport error).\n"
      "Exit status 1 on a transport error or a status other than 2xx."));
  {
    g_autofree char *names = g_strjoinv ("\n  ", (char **)botbench_event_template_list ());
    g_autofree char *description = g_strdup_printf (_("Templates:\n  %s"), names);

    g_option_context_set_description (context, description);
  }
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((status = botbench_cli_parse_options (context, &argc, &argv)) >= 0)
    return status;

  n_sources = (replay_id != 0) + (template_name != NULL) + (argc > 1);
  if (n_sources != 1 || argc > 2)
    return botbench_cli_usage_error (context, _("Give exactly one of --replay ID, --template NAME or FILE"));
  if (replay_id < 0)
    return botbench_cli_usage_error (context, _("--replay needs an event id"));
  if (bot_id != 0 && template_name == NULL)
    return botbench_cli_usage_error (context, _("--bot goes with --template"));
  if (bot_id < 0)
    return botbench_cli_usage_error (context, _("--bot needs a bot id"));
  if (timeout <= 0 || timeout > 3600)
    return botbench_cli_usage_error (context, _("--timeout must be between 1 and 3600 seconds"));
  for (guint i = 0; sets != NULL && sets[i] != NULL; i++)
    {
      g_autofree char *key = NULL;
      g_autofree char *value = NULL;

      if (!botbench_form_edit_parse_assignment (sets[i], &key, &value, &error))
        return botbench_cli_usage_error (context, error->message);
    }

  if (template_name != NULL)
    {
      if (botbench_event_template_get_event (template_name) == NULL)
        {
          g_autofree char *list = g_strjoinv ("\n  ", (char **)botbench_event_template_list ());
          g_autofree char *message = g_strdup_printf (_("Unknown template “%s”; the templates are:\n  %s"),
                                                      template_name, list);

          return botbench_cli_usage_error (context, message);
        }

      request = build_template_event (template_name, bot_id, (const char * const *)sets, &error);
    }
  else if (replay_id > 0)
    {
      request = load_replay (db, replay_id, (const char * const *)sets, &store, &original);
      if (request == NULL)
        return EXIT_FAILURE;
    }
  else
    {
      g_autoptr(GBytes) body = NULL;
      char *contents = NULL;
      gsize len = 0;

      if (g_str_equal (argv[1], "-"))
        {
          GByteArray *buffer = g_byte_array_new ();
          guint8 chunk[65536];
          size_t n;

          while ((n = fread (chunk, 1, sizeof chunk, stdin)) > 0)
            g_byte_array_append (buffer, chunk, n);
          if (ferror (stdin))
            g_set_error_literal (&error, G_IO_ERROR, g_io_error_from_errno (errno), g_strerror (errno));
          else
            body = g_byte_array_free_to_bytes (g_steal_pointer (&buffer));
          g_clear_pointer (&buffer, g_byte_array_unref);
        }
      else if (g_file_get_contents (argv[1], &contents, &len, &error))
        {
          body = g_bytes_new_take (contents, len);
        }

      if (body == NULL)
        {
          g_printerr (_("Cannot read %s: %s\n"), argv[1], error->message);
          return EXIT_FAILURE;
        }
      request = build_body_event (body, (const char * const *)sets, &error);
    }

  if (request == NULL)
    {
      g_printerr ("%s\n", error->message);
      return EXIT_FAILURE;
    }

  if (dry_run)
    {
      GBytes *body = botbench_event_get_body (request);

      fwrite (g_bytes_get_data (body, NULL), 1, g_bytes_get_size (body), stdout);
      printf ("\n");
      if (original != NULL)
        {
          g_autofree char *diff = botbench_replay_dup_event_diff (original, request);

          printf ("%s", diff);
        }
      fflush (stdout);
      return EXIT_SUCCESS;
    }

  url = to != NULL ? g_strdup (to) : default_listener_url (botbench_event_get_path (request));

  session = soup_session_new ();
  state.loop = loop = g_main_loop_new (NULL, FALSE);
  botbench_replay_send_async (store, session, request, url, (guint)timeout, NULL, send_done_cb, &state);
  g_main_loop_run (loop);

  if (store != NULL)
    botbench_event_store_close (store);

  if (state.result == NULL)
    {
      g_printerr (_("Cannot store the replay: %s\n"), state.error->message);
      g_clear_error (&state.error);
      return EXIT_FAILURE;
    }

  print_answer (state.result);
  status = botbench_forward_result_is_success (state.result) ? EXIT_SUCCESS : EXIT_FAILURE;
  g_clear_pointer (&state.result, botbench_forward_result_unref);

  return status;
}
