/* botbench-cli-events.c: decode, listen and events
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "botbench-cli"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib-unix.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "botbench-core.h"
#include "botbench-cli-private.h"

/* ---- decode ------------------------------------------------------------ */

int
botbench_cli_decode (int    argc,
                char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(BotbenchFormNode) form = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *contents = NULL;
  const char *file = "-";
  gsize len = 0;
  int status;

  context = g_option_context_new (_("[FILE|-] — decode a form body as PHP's $_POST"));
  g_option_context_set_summary (context,
    _("Reads an application/x-www-form-urlencoded body from FILE (or standard input)\n"
      "and prints the JSON that PHP prints for\n"
      "json_encode($_POST, JSON_UNESCAPED_UNICODE|JSON_UNESCAPED_SLASHES|JSON_INVALID_UTF8_SUBSTITUTE)."));
  if ((status = botbench_cli_parse_options (context, &argc, &argv)) >= 0)
    return status;

  if (argc > 2)
    return botbench_cli_usage_error (context, _("Too many arguments: decode takes one FILE"));
  if (argc == 2)
    file = argv[1];

  if (g_strcmp0 (file, "-") == 0)
    {
      GByteArray *buffer = g_byte_array_new ();
      guint8 chunk[65536];
      size_t n;

      while ((n = fread (chunk, 1, sizeof chunk, stdin)) > 0)
        g_byte_array_append (buffer, chunk, n);

      if (ferror (stdin))
        {
          g_printerr (_("Cannot read standard input: %s\n"), g_strerror (errno));
          g_byte_array_unref (buffer);
          return EXIT_FAILURE;
        }

      len = buffer->len;
      g_byte_array_append (buffer, (const guint8 *)"", 1);
      contents = (char *)g_byte_array_free (buffer, FALSE);
    }
  else if (!g_file_get_contents (file, &contents, &len, &error))
    {
      g_printerr ("%s\n", error->message);
      return EXIT_FAILURE;
    }

  form = botbench_post_decode_urlencoded (contents ? contents : "", len);
  json = botbench_form_node_to_json (form);

  fputs (json, stdout);
  /* Piped output is byte-for-byte what PHP echoes; a terminal gets a newline. */
  if (isatty (STDOUT_FILENO))
    fputc ('\n', stdout);
  fflush (stdout);

  return EXIT_SUCCESS;
}

/* ---- listen ------------------------------------------------------------ */

typedef struct
{
  BotbenchEventStore *store;
  GMainLoop          *loop;
  gint64              last_printed;
  int                 status;
  /* With --forward a line waits for the forward of its event when this
   * process forwards it (events other writers store, rejected ones and
   * this process's own forwards coming back print at once), unless
   * everything is printed at the end. */
  BotbenchForwarder  *forwarder;
  gboolean            final;
} ListenState;

/* The event as its line shows it: NULL while this process still forwards
 * it (the line waits); read again when its forward was pending when read
 * and has finished since. */
static BotbenchEvent *
listen_line_event (ListenState   *state,
                   BotbenchEvent *event)
{
  BotbenchForwardResult *forward = botbench_event_get_forward (event);
  g_autoptr(GError) error = NULL;
  BotbenchEvent *fresh;

  if (state->forwarder == NULL || forward == NULL ||
      botbench_forward_result_get_state (forward) != BOTBENCH_FORWARD_STATE_PENDING)
    return g_object_ref (event);

  if (!state->final && botbench_forwarder_is_forwarding (state->forwarder, event))
    return NULL;

  /* Ours may have been recorded since the page was read; another
   * writer's stays pending. */
  fresh = botbench_event_store_get (state->store, botbench_event_get_id (event), &error);
  return fresh != NULL ? fresh : g_object_ref (event);
}

static void
listen_print_new (ListenState *state)
{
  for (;;)
    {
      g_autoptr(GPtrArray) events = NULL;
      g_autoptr(GError) error = NULL;
      BotbenchEventQuery query = {
        .after_id = state->last_printed,
        .ascending = TRUE,
        .limit = 500,
      };

      events = botbench_event_store_query (state->store, &query, &error);
      if (events == NULL)
        {
          g_printerr (_("Cannot read the event store: %s\n"), error->message);
          return;
        }

      for (guint i = 0; i < events->len; i++)
        {
          g_autoptr(BotbenchEvent) event = listen_line_event (state, g_ptr_array_index (events, i));
          g_autofree char *line = NULL;

          /* In order: a line waits for the ones before it. */
          if (event == NULL)
            {
              fflush (stdout);
              return;
            }

          line = botbench_event_to_json_line (event);
          fputs (line, stdout);
          fputc ('\n', stdout);
          state->last_printed = botbench_event_get_id (event);
        }
      fflush (stdout);

      if (events->len < query.limit)
        break;
    }
}

static void
listen_forwarded_cb (BotbenchForwarder     *forwarder,
                     BotbenchEvent         *event,
                     BotbenchForwardResult *result,
                     ListenState           *state)
{
  if (botbench_event_get_id (event) > state->last_printed)
    listen_print_new (state);
}

static void
listen_events_added_cb (BotbenchEventStore *store,
                        gint64              last_id,
                        ListenState        *state)
{
  listen_print_new (state);
}

/* Profiles another process adds (profiles add --from-event) are read
 * before the follower looks at the new events: this handler is connected
 * first.  Unchanged contents are not parsed again. */
static void
listen_reload_profiles_cb (BotbenchEventStore     *store,
                           gint64                  last_id,
                           BotbenchProfileManager *profiles)
{
  g_autoptr(GError) error = NULL;

  if (!botbench_profile_manager_load (profiles, &error))
    g_debug ("Cannot read the profiles: %s", error->message);
}

static void
listen_tokens_updated_cb (BotbenchAuthFollower *follower,
                          BotbenchProfile      *profile,
                          gpointer              user_data)
{
  g_printerr (_("profile “%s”: newer tokens from an event of its application are in the keyring\n"),
              botbench_profile_get_name (profile));
}

static void
listen_uninstalled_cb (BotbenchAuthFollower *follower,
                       BotbenchProfile      *profile,
                       gpointer              user_data)
{
  g_printerr (_("profile “%s”: its application was uninstalled (ONAPPUNINSTALL), its tokens are void\n"),
              botbench_profile_get_name (profile));
}

static void
listen_follow_error_cb (BotbenchAuthFollower *follower,
                        const GError         *error,
                        gpointer              user_data)
{
  g_printerr (_("Warning: cannot keep an application's newer tokens in the keyring: %s\n"), error->message);
}

static gboolean
listen_signal_cb (gpointer data)
{
  ListenState *state = data;

  g_main_loop_quit (state->loop);
  return G_SOURCE_CONTINUE;
}

int
botbench_cli_listen (int    argc,
                char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(BotbenchEventStore) store = NULL;
  g_autoptr(BotbenchListener) listener = NULL;
  g_autoptr(BotbenchForwarder) forwarder = NULL;
  g_autoptr(BotbenchProfileManager) profiles = NULL;
  g_autoptr(BotbenchSecretStore) secrets = NULL;
  g_autoptr(BotbenchAuthFollower) follower = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *host = NULL;
  g_autofree char *db = NULL;
  g_autofree char *path = NULL;
  g_autofree char *url = NULL;
  g_autofree char *strict_token = NULL;
  g_autofree char *profile_name = NULL;
  g_autofree char *token_description = NULL;
  g_auto(BotbenchCliTokenLearner) learner = { NULL };
  g_autofree char *forward = NULL;
  int forward_timeout = BOTBENCH_FORWARDER_DEFAULT_TIMEOUT;
  gint64 max_body = BOTBENCH_LISTENER_DEFAULT_MAX_BODY;
  int max_connections = 0;
  int idle_timeout = BOTBENCH_LISTENER_DEFAULT_IDLE_TIMEOUT;
  int port = BOTBENCH_LISTENER_DEFAULT_PORT;
  ListenState state = { 0 };
  guint sigint, sigterm;
  int status;
  const GOptionEntry entries[] = {
    { "host", 0, 0, G_OPTION_ARG_STRING, &host, N_("Address to listen on (default 127.0.0.1)"), N_("HOST") },
    { "port", 0, 0, G_OPTION_ARG_INT, &port, N_("Port to listen on, 0 picks a free one (default 8024)"), N_("PORT") },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("Event store (default $XDG_DATA_HOME/botbench/events.db)"), N_("PATH") },
    { "max-body", 0, 0, G_OPTION_ARG_INT64, &max_body, N_("Largest accepted body in bytes (default 8388608)"), N_("BYTES") },
    { "max-connections", 0, 0, G_OPTION_ARG_INT, &max_connections, N_("Connections open at once, 0 = from the open-file limit (default 0)"), N_("N") },
    { "strict-token", 0, 0, G_OPTION_ARG_STRING, &strict_token, N_("Expect this auth[application_token]: events with another or none are answered 401 and stored as rejected"), N_("TOKEN") },
    { "profile", 0, 0, G_OPTION_ARG_STRING, &profile_name, N_("Check events against this profile's application_token (default: the active profile's)"), N_("NAME") },
    { "idle-timeout", 0, 0, G_OPTION_ARG_INT, &idle_timeout, N_("Seconds a client may take to send its request head, leave a body stalled or keep an idle connection (default 15)"), N_("SECONDS") },
    { "forward", 0, 0, G_OPTION_ARG_STRING, &forward, N_("Also send every event, unchanged, to this handler URL (http or https); each line is printed once its forward finished, with \"forward\""), N_("URL") },
    { "forward-timeout", 0, 0, G_OPTION_ARG_INT, &forward_timeout, N_("Seconds the handler may take to answer a forwarded event (default 10)"), N_("SECONDS") },
    { NULL }
  };

  context = g_option_context_new (_("— receive events and print them as JSON lines"));
  g_option_context_set_summary (context,
    _("Stores every POST to the listener and prints one JSON object per event on\n"
      "standard output: id, received, method, path, query, event, data, and with\n"
      "--forward the handler's answer as \"forward\": url, status, duration_ms, error,\n"
      "response_body."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((status = botbench_cli_parse_options (context, &argc, &argv)) >= 0)
    return status;

  if (argc > 1)
    return botbench_cli_usage_error (context, _("listen takes no arguments"));
  if (port < 0 || port > 65535)
    return botbench_cli_usage_error (context, _("--port must be between 0 and 65535"));
  if (max_body <= 0 || (guint64)max_body > G_MAXUINT32)
    return botbench_cli_usage_error (context, _("--max-body must be between 1 and 4294967295 bytes"));
  if (max_connections < 0)
    return botbench_cli_usage_error (context, _("--max-connections must be 0 (automatic) or more"));
  if (idle_timeout <= 0 || idle_timeout > 24 * 3600)
    return botbench_cli_usage_error (context, _("--idle-timeout must be between 1 and 86400 seconds"));
  if (strict_token != NULL && *strict_token == '\0')
    return botbench_cli_usage_error (context, _("--strict-token needs a TOKEN"));
  if (profile_name == NULL && botbench_cli_profile_name != NULL)
    profile_name = g_strdup (botbench_cli_profile_name);
  if (forward_timeout < 1 || forward_timeout > 600)
    return botbench_cli_usage_error (context, _("--forward-timeout must be between 1 and 600 seconds"));
  if (forward != NULL && !botbench_forward_rule_url_is_valid (forward))
    return botbench_cli_usage_error (context, _("--forward needs an http:// or https:// URL"));

  path = botbench_cli_resolve_db_path (db);
  store = botbench_event_store_new (path, &error);
  if (store == NULL)
    {
      g_printerr (_("Cannot open the event store %s: %s\n"), path, error->message);
      return EXIT_FAILURE;
    }

  listener = botbench_listener_new (store);
  botbench_listener_set_host (listener, host ? host : BOTBENCH_LISTENER_DEFAULT_HOST);
  botbench_listener_set_port (listener, (guint)port);
  botbench_listener_set_max_body (listener, (gsize)max_body);
  botbench_listener_set_max_connections (listener, (guint)max_connections);
  botbench_listener_set_idle_timeout (listener, (guint)idle_timeout);
  if (!botbench_cli_listen_setup_token (listener, strict_token, profile_name, &learner, &token_description))
    return EXIT_FAILURE;

  if (forward != NULL)
    {
      g_autoptr(GPtrArray) rules = g_ptr_array_new_with_free_func ((GDestroyNotify)botbench_forward_rule_unref);

      g_ptr_array_add (rules, botbench_forward_rule_new ("/", forward, TRUE));
      forwarder = botbench_forwarder_new (store);
      botbench_forwarder_set_rules (forwarder, rules);
      botbench_forwarder_set_timeout (forwarder, (guint)forward_timeout);
      botbench_listener_set_forwarder (listener, forwarder);
      state.forwarder = forwarder;
      g_signal_connect (forwarder, "forwarded", G_CALLBACK (listen_forwarded_cb), &state);
    }

  state.store = store;
  state.last_printed = botbench_event_store_get_last_id (store);
  state.loop = loop = g_main_loop_new (NULL, FALSE);

  g_signal_connect (store, "events-added", G_CALLBACK (listen_events_added_cb), &state);

  /* Like the window: an OAuth profile made from an install follows its
   * application's events (newer tokens to the keyring, ONAPPUNINSTALL
   * marks it uninstalled), unless its follow-event-tokens is off. */
  profiles = botbench_profile_manager_new (NULL);
  if (!botbench_profile_manager_load (profiles, &error))
    {
      g_debug ("Cannot read the profiles: %s", error->message);
      g_clear_error (&error);
    }
  secrets = botbench_secret_store_new ();
  g_signal_connect (store, "events-added", G_CALLBACK (listen_reload_profiles_cb), profiles);
  follower = botbench_auth_follower_new (store, profiles, secrets);
  g_signal_connect (follower, "tokens-updated", G_CALLBACK (listen_tokens_updated_cb), NULL);
  g_signal_connect (follower, "uninstalled", G_CALLBACK (listen_uninstalled_cb), NULL);
  g_signal_connect (follower, "secret-error", G_CALLBACK (listen_follow_error_cb), NULL);

  /* Before the listener serves: a script that stops us as soon as we
   * print "listening" must find the handlers there, not the default
   * action that kills before the stored events are printed. */
  sigint = g_unix_signal_add (SIGINT, listen_signal_cb, &state);
  sigterm = g_unix_signal_add (SIGTERM, listen_signal_cb, &state);

  if (!botbench_listener_start (listener, &error))
    {
      g_printerr ("%s\n", error->message);
      g_source_remove (sigint);
      g_source_remove (sigterm);
      return EXIT_FAILURE;
    }

  url = botbench_listener_dup_url (listener);
  g_printerr (_("listening on %s\n"), url);
  if (token_description != NULL)
    g_printerr ("%s\n", token_description);

  g_main_loop_run (loop);

  g_source_remove (sigint);
  g_source_remove (sigterm);

  /* SIGINT/SIGTERM: every event the store holds gets its line before exit.
   * "events-added" is paced (about 10 a second), so the last ones may not
   * have been announced yet: read the store itself, and only then close it
   * (a closed store cannot be read).  First nothing new comes in; then
   * apply_retention() serves as a barrier, since it runs on the writer after
   * everything queued before it: inserts still queued are committed (listen
   * sets no retention, so it deletes nothing). */
  botbench_listener_stop (listener);
  g_signal_handlers_disconnect_by_func (store, listen_events_added_cb, &state);
  g_signal_handlers_disconnect_by_func (store, listen_reload_profiles_cb, profiles);
  /* A change the follower made and not yet written is written when the
   * manager goes (its dispose). */
  botbench_auth_follower_stop (follower);
  botbench_cli_token_learner_clear (&learner);
  if (forwarder != NULL)
    {
      /* Forwards under way get their answer (or their timeout); the
       * queued rest is recorded as interrupted.  Either way every event
       * is stored and printed with its forward. */
      botbench_forwarder_flush (forwarder, (guint)forward_timeout * 1000 + 1000);
      botbench_listener_set_forwarder (listener, NULL);
      botbench_forwarder_stop (forwarder);
      g_signal_handlers_disconnect_by_func (forwarder, listen_forwarded_cb, &state);
    }
  if (botbench_event_store_apply_retention (store, &error) < 0)
    {
      g_printerr (_("Cannot flush the event store: %s\n"), error->message);
      g_clear_error (&error);
    }
  state.final = TRUE;
  listen_print_new (&state);
  state.forwarder = NULL;
  g_clear_object (&forwarder);
  botbench_event_store_close (store);

  return EXIT_SUCCESS;
}

/* ---- events ------------------------------------------------------------ */

typedef enum
{
  EVENTS_FORMAT_JSONL,
  EVENTS_FORMAT_JSON,
  EVENTS_FORMAT_HAR,
} EventsFormat;

static gboolean
events_parse_format (const char   *format,
                     EventsFormat *out)
{
  if (format == NULL || g_strcmp0 (format, "jsonl") == 0)
    *out = EVENTS_FORMAT_JSONL;
  else if (g_strcmp0 (format, "json") == 0)
    *out = EVENTS_FORMAT_JSON;
  else if (g_strcmp0 (format, "har") == 0)
    *out = EVENTS_FORMAT_HAR;
  else
    return FALSE;

  return TRUE;
}

/* NULL (any) or one of the four token state strings. */
static gboolean
events_check_verified (const char *verified)
{
  BotbenchTokenState state;

  return verified == NULL || botbench_token_state_from_string (verified, &state);
}

static void
events_print_begin (EventsFormat format)
{
  g_autoptr(GString) out = g_string_new (NULL);

  switch (format)
    {
    case EVENTS_FORMAT_JSON:
      g_string_append (out, "[");
      break;
    case EVENTS_FORMAT_HAR:
      botbench_event_har_begin (out);
      break;
    case EVENTS_FORMAT_JSONL:
    default:
      break;
    }

  fputs (out->str, stdout);
}

static void
events_print_one (EventsFormat   format,
                  BotbenchEvent *event,
                  guint          printed)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *line = NULL;

  switch (format)
    {
    case EVENTS_FORMAT_HAR:
      botbench_event_har_append_entry (out, event, printed == 0);
      break;
    case EVENTS_FORMAT_JSON:
      line = botbench_event_to_json_line (event);
      g_string_append (out, printed > 0 ? ",\n" : "\n");
      g_string_append (out, line);
      break;
    case EVENTS_FORMAT_JSONL:
    default:
      line = botbench_event_to_json_line (event);
      g_string_append (out, line);
      g_string_append_c (out, '\n');
      break;
    }

  fputs (out->str, stdout);
}

static void
events_print_end (EventsFormat format,
                  guint        printed)
{
  g_autoptr(GString) out = g_string_new (NULL);

  switch (format)
    {
    case EVENTS_FORMAT_JSON:
      g_string_append (out, printed > 0 ? "\n]\n" : "]\n");
      break;
    case EVENTS_FORMAT_HAR:
      botbench_event_har_end (out);
      break;
    case EVENTS_FORMAT_JSONL:
    default:
      break;
    }

  fputs (out->str, stdout);
}

int
botbench_cli_events (int    argc,
                char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(BotbenchEventStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  g_autofree char *path = NULL;
  g_autofree char *event_name = NULL;
  g_autofree char *search = NULL;
  g_autofree char *format = NULL;
  g_autofree char *verified = NULL;
  g_autofree char *source = NULL;
  EventsFormat events_format;
  guint printed = 0;
  gint64 before = 0;
  int limit = 100;
  int status;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("Event store (default $XDG_DATA_HOME/botbench/events.db)"), N_("PATH") },
    { "event", 0, 0, G_OPTION_ARG_STRING, &event_name, N_("Only events with this name, e.g. ONIMBOTMESSAGEADD"), N_("NAME") },
    { "search", 0, 0, G_OPTION_ARG_STRING, &search, N_("Only events whose text matches (full-text search)"), N_("TEXT") },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, N_("At most N events, newest first (default 100, 0 = all)"), N_("N") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format, N_("Output format: jsonl (a line per event, the default; importable), json (an array) or har (HTTP Archive 1.2)"), N_("FORMAT") },
    { "verified", 0, 0, G_OPTION_ARG_STRING, &verified, N_("Only events in this application_token state: verified, wrong-token, no-token or unknown"), N_("STATE") },
    { "source", 0, 0, G_OPTION_ARG_STRING, &source, N_("Only events that came from SOURCE: listener (POSTed to the listener), fetched (read with imbot.v2.Event.get), replay (sent again from the log) or import (imported from a line that did not say; imported events otherwise keep their source)"), N_("SOURCE") },
    { NULL }
  };

  context = g_option_context_new (_("— print stored events"));
  g_option_context_set_summary (context, _("Prints stored events, newest first, as JSON."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((status = botbench_cli_parse_options (context, &argc, &argv)) >= 0)
    return status;

  if (argc > 1)
    return botbench_cli_usage_error (context, _("events takes no arguments"));
  if (limit < 0)
    return botbench_cli_usage_error (context, _("--limit must not be negative"));
  if (!events_parse_format (format, &events_format))
    return botbench_cli_usage_error (context, _("--format must be jsonl, json or har"));
  if (!events_check_verified (verified))
    return botbench_cli_usage_error (context, _("--verified must be verified, wrong-token, no-token or unknown"));
  if (source != NULL && !botbench_event_source_from_string (source, NULL))
    return botbench_cli_usage_error (context, _("--source must be listener, fetched, replay or import"));

  path = botbench_cli_resolve_db_path (db);

  events_print_begin (events_format);

  /* A store that was never created holds no events; don't create one. */
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      store = botbench_event_store_new (path, &error);
      if (store == NULL)
        {
          g_printerr (_("Cannot open the event store %s: %s\n"), path, error->message);
          return EXIT_FAILURE;
        }

      for (;;)
        {
          g_autoptr(GPtrArray) events = NULL;
          BotbenchEventQuery query = {
            .event_name = event_name,
            .search = search,
            .before_id = before,
            .limit = 500,
            .verified = verified,
            .source = source,
          };

          if (limit > 0)
            query.limit = MIN (500, (guint)limit - printed);

          events = botbench_event_store_query (store, &query, &error);
          if (events == NULL)
            {
              g_printerr (_("Cannot read the event store: %s\n"), error->message);
              return EXIT_FAILURE;
            }

          for (guint i = 0; i < events->len; i++)
            {
              BotbenchEvent *event = g_ptr_array_index (events, i);

              events_print_one (events_format, event, printed);
              before = botbench_event_get_id (event);
              printed++;
            }

          if (events->len < query.limit || (limit > 0 && printed >= (guint)limit))
            break;
        }

      botbench_event_store_close (store);
    }

  events_print_end (events_format, printed);
  fflush (stdout);

  return EXIT_SUCCESS;
}
