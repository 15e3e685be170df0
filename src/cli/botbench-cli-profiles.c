/* botbench-cli-profiles.c: portal profiles and raw REST calls
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Profiles live in the same store as the window's ($XDG_CONFIG_HOME/
 * botbench/profiles.ini), their secrets in the Secret Service.  Secrets
 * are read from standard input, never from arguments, and never printed.
 */
#define G_LOG_DOMAIN "botbench-cli"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "botbench-core.h"
#include "botbench-profile.h"
#include "botbench-profile-manager.h"
#include "botbench-secret-store.h"
#include "botbench-rest-client.h"
#include "botbench-request-history.h"
#include "botbench-cli-private.h"

const char *botbench_cli_profile_name;

/* Changes a command made to a profile on its own (a refreshed OAuth
 * token's expiry) are saved in the background, where a failure is only
 * logged: save them now, so that a full disk or a config directory that
 * cannot be written reaches the user.  Prints the reason on failure. */
gboolean
botbench_cli_save_profiles (BotbenchProfileManager *manager,
                            gboolean                warning)
{
  g_autoptr(GError) error = NULL;

  if (botbench_profile_manager_save (manager, &error))
    return TRUE;

  if (warning)
    g_printerr (_("Warning: %s\n"), error->message);
  else
    g_printerr ("%s\n", error->message);
  return FALSE;
}

static BotbenchProfileManager *
open_profiles (GError **error)
{
  g_autoptr(BotbenchProfileManager) manager = botbench_profile_manager_new (NULL);

  if (!botbench_profile_manager_load (manager, error))
    return NULL;

  return g_steal_pointer (&manager);
}

/* One secret from standard input; a terminal gets a prompt and no echo. */
static char *
read_secret_line (const char *prompt,
                  gboolean    required,
                  GError    **error)
{
  gboolean tty = isatty (STDIN_FILENO);
  struct termios saved, quiet;
  char buffer[4096];
  char *line;

  if (tty)
    {
      g_printerr ("%s", prompt);
      tcgetattr (STDIN_FILENO, &saved);
      quiet = saved;
      quiet.c_lflag &= ~ECHO;
      tcsetattr (STDIN_FILENO, TCSANOW, &quiet);
    }

  line = fgets (buffer, sizeof buffer, stdin);

  if (tty)
    {
      tcsetattr (STDIN_FILENO, TCSANOW, &saved);
      g_printerr ("\n");
    }

  if (line == NULL || (g_strchomp (buffer)[0] == '\0'))
    {
      if (required)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("Expected %s on standard input (one secret per line)"), prompt);
          return NULL;
        }
      return g_strdup ("");
    }

  return g_strdup (g_strchomp (buffer));
}

static gboolean
store_secret (BotbenchSecretStore *secrets,
              BotbenchProfile     *profile,
              BotbenchSecretKind   kind,
              const char          *secret,
              GError             **error)
{
  if (secret == NULL || *secret == '\0')
    return TRUE;

  return botbench_secret_store_store_sync (secrets, botbench_profile_get_uuid (profile),
                                           kind, secret, NULL, error);
}

static const char *
kind_label (BotbenchProfile *profile)
{
  return botbench_profile_get_kind (profile) == BOTBENCH_PROFILE_KIND_WEBHOOK ? "webhook" : "oauth";
}

static int
profiles_list (BotbenchProfileManager *manager)
{
  BotbenchProfile *active = botbench_profile_manager_get_active (manager);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (manager));

  if (n == 0)
    {
      g_printerr (_("No profiles yet. Add one with “botbench-cli profiles add NAME --webhook URL”.\n"));
      return EXIT_SUCCESS;
    }

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BotbenchProfile) profile = g_list_model_get_item (G_LIST_MODEL (manager), i);
      g_autofree char *where = NULL;
      g_autofree char *name = botbench_cli_pad (botbench_profile_get_name (profile), 20);

      if (botbench_profile_get_kind (profile) == BOTBENCH_PROFILE_KIND_WEBHOOK)
        where = botbench_profile_dup_display_url (profile);
      else
        where = g_strdup (botbench_profile_get_portal_url (profile));

      /* An application's uninstall voided its tokens: said after the URL. */
      printf ("%s %s %-8s %s%s\n", profile == active ? "*" : " ",
              name, kind_label (profile), where ? where : "",
              botbench_profile_get_uninstalled (profile) ? "  uninstalled" : "");
    }

  return EXIT_SUCCESS;
}

typedef struct
{
  gboolean  done;
  gboolean  ok;
  GError   *error;
} ClearState;

static void
clear_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  ClearState *state = user_data;

  state->ok = botbench_secret_store_clear_finish (BOTBENCH_SECRET_STORE (object), result, &state->error);
  state->done = TRUE;
}

/* Removes a secret (ANY: every secret) of a profile from the keyring,
 * waiting for it. */
static gboolean
clear_secret_sync (BotbenchSecretStore  *secrets,
                   const char           *uuid,
                   BotbenchSecretKind    kind,
                   GError              **error)
{
  ClearState state = { 0 };

  botbench_secret_store_clear_async (secrets, uuid, kind, NULL, clear_done_cb, &state);
  while (!state.done)
    g_main_context_iteration (NULL, TRUE);

  if (!state.ok)
    g_propagate_error (error, state.error);

  return state.ok;
}

/* --from-event ID: an OAuth profile from an application's event (an
 * ONAPPINSTALL): the portal, endpoints, member id, user id and expiry into
 * the profile, the tokens and application_token into the keyring; with
 * --client-id, the client secret from standard input (empty: none yet). */
static BotbenchProfile *
profile_from_event (BotbenchSecretStore  *secrets,
                    const char           *event_id,
                    const char           *db,
                    const char           *name,
                    const char           *client_id,
                    GError              **error)
{
  g_autoptr(BotbenchEventStore) store = NULL;
  g_autoptr(BotbenchEvent) event = NULL;
  g_autoptr(BotbenchAppAuth) auth = NULL;
  g_autoptr(BotbenchProfile) profile = NULL;
  g_autofree char *path = botbench_cli_resolve_db_path (db);
  g_autofree char *client_secret = NULL;
  gint64 id;

  if (!g_ascii_string_to_signed (event_id, 10, 1, G_MAXINT64, &id, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("“%s” is not an event id"), event_id);
      return NULL;
    }
  store = botbench_event_store_new (path, error);
  if (store == NULL)
    return NULL;
  event = botbench_event_store_get (store, id, error);
  botbench_event_store_close (store);
  if (event == NULL)
    return NULL;

  if (!(auth = botbench_app_auth_from_event (event, error)))
    return NULL;
  if (g_strcmp0 (auth->event, "ONAPPINSTALL") != 0)
    g_printerr (_("Warning: event %s is %s, not ONAPPINSTALL; its auth[…] is used all the same\n"),
                event_id, auth->event);

  if (client_id != NULL &&
      !(client_secret = read_secret_line (_("Client secret (empty: none yet): "), FALSE, error)))
    return NULL;

  profile = botbench_profile_new_from_app_auth (auth, name, client_id);
  if (!store_secret (secrets, profile, BOTBENCH_SECRET_KIND_ACCESS_TOKEN, auth->access_token, error) ||
      !store_secret (secrets, profile, BOTBENCH_SECRET_KIND_REFRESH_TOKEN, auth->refresh_token, error) ||
      !store_secret (secrets, profile, BOTBENCH_SECRET_KIND_APPLICATION_TOKEN, auth->application_token, error) ||
      !store_secret (secrets, profile, BOTBENCH_SECRET_KIND_CLIENT_SECRET, client_secret, error))
    {
      /* Leave no token behind for a profile that was not made. */
      clear_secret_sync (secrets, botbench_profile_get_uuid (profile), BOTBENCH_SECRET_KIND_ANY, NULL);
      return NULL;
    }
  if (client_secret != NULL)
    memset (client_secret, 0, strlen (client_secret));

  return g_steal_pointer (&profile);
}

static int
profiles_add (BotbenchProfileManager *manager,
              int                     argc,
              char                  **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(BotbenchProfile) profile = NULL;
  g_autoptr(BotbenchSecretStore) secrets = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *webhook = NULL;
  g_autofree char *portal = NULL;
  g_autofree char *client_id = NULL;
  g_autofree char *public_url = NULL;
  g_autofree char *token_endpoint = NULL;
  g_autofree char *certificate = NULL;
  g_autofree char *from_event = NULL;
  g_autofree char *db = NULL;
  gboolean oauth = FALSE;
  const char *name;
  int status;
  const GOptionEntry entries[] = {
    { "webhook", 0, 0, G_OPTION_ARG_STRING, &webhook, N_("Inbound webhook URL https://PORTAL/rest/USER/SECRET/ (- reads it from standard input)"), N_("URL") },
    { "oauth", 0, 0, G_OPTION_ARG_NONE, &oauth, N_("An OAuth application; client secret, access token and refresh token are read from standard input, one per line"), NULL },
    { "portal", 0, 0, G_OPTION_ARG_STRING, &portal, N_("Portal URL, e.g. https://example.bitrix24.com/ (OAuth)"), N_("URL") },
    { "client-id", 0, 0, G_OPTION_ARG_STRING, &client_id, N_("Webhook: the CLIENT_ID sent with imbot calls (default: generated); OAuth: the application's client_id"), N_("ID") },
    { "token-endpoint", 0, 0, G_OPTION_ARG_STRING, &token_endpoint, N_("OAuth token endpoint (default https://oauth.bitrix.info/oauth/token/)"), N_("URL") },
    { "public-url", 0, 0, G_OPTION_ARG_STRING, &public_url, N_("Public base URL that reaches the listener (e.g. a tunnel), used to build handler URLs"), N_("URL") },
    { "certificate", 0, 0, G_OPTION_ARG_FILENAME, &certificate, N_("Trust exactly this certificate (PEM), e.g. a sandbox's self-signed one, instead of the system's"), N_("FILE") },
    { "from-event", 0, 0, G_OPTION_ARG_STRING, &from_event, N_("An OAuth profile from a stored ONAPPINSTALL event: portal, endpoints, member id and tokens from its auth[…]; with --client-id, the client secret is read from standard input"), N_("ID") },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("Event store of --from-event (default $XDG_DATA_HOME/botbench/events.db)"), N_("PATH") },
    { NULL }
  };

  context = g_option_context_new (_("NAME — add a profile"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((status = botbench_cli_parse_options (context, &argc, &argv)) >= 0)
    return status;

  if (argc != 2)
    return botbench_cli_usage_error (context, _("profiles add takes one NAME"));
  name = argv[1];
  if ((webhook != NULL) + oauth + (from_event != NULL) != 1)
    return botbench_cli_usage_error (context, _("Give one of --webhook URL, --oauth or --from-event ID"));
  if (db != NULL && from_event == NULL)
    return botbench_cli_usage_error (context, _("--db goes with --from-event"));
  if (oauth && (portal == NULL || client_id == NULL))
    return botbench_cli_usage_error (context, _("--oauth needs --portal URL and --client-id ID"));

  if (!botbench_profile_manager_check_name (manager, name, NULL, &error))
    {
      g_printerr ("%s\n", error->message);
      return EXIT_FAILURE;
    }

  secrets = botbench_secret_store_new ();

  if (from_event != NULL)
    {
      if (!(profile = profile_from_event (secrets, from_event, db, name, client_id, &error)))
        goto failed;
      if (token_endpoint != NULL)
        botbench_profile_set_token_endpoint (profile, token_endpoint);
    }
  else if (webhook != NULL)
    {
      g_autoptr(BotbenchWebhookUrl) parsed = NULL;
      g_autofree char *url = NULL;

      if (g_strcmp0 (webhook, "-") == 0)
        {
          if (!(url = read_secret_line (_("Webhook URL: "), TRUE, &error)))
            goto failed;
        }
      else
        url = g_strdup (webhook);

      if (!(parsed = botbench_webhook_url_parse (url, &error)))
        goto failed;
      if (parsed->warning != NULL)
        g_printerr (_("Warning: %s\n"), parsed->warning);

      profile = botbench_profile_new (BOTBENCH_PROFILE_KIND_WEBHOOK, NULL);
      botbench_profile_apply_webhook_url (profile, parsed);
      if (client_id != NULL)
        {
          if (!botbench_profile_check_client_id (client_id, &error))
            goto failed;
          botbench_profile_set_client_id (profile, client_id);
        }

      if (!store_secret (secrets, profile, BOTBENCH_SECRET_KIND_WEBHOOK_SECRET, parsed->secret, &error))
        goto failed;
    }
  else
    {
      g_autofree char *client_secret = NULL;
      g_autofree char *access_token = NULL;
      g_autofree char *refresh_token = NULL;

      profile = botbench_profile_new (BOTBENCH_PROFILE_KIND_OAUTH, NULL);
      botbench_profile_set_portal_url (profile, portal);
      botbench_profile_set_oauth_client_id (profile, client_id);
      if (token_endpoint != NULL)
        botbench_profile_set_token_endpoint (profile, token_endpoint);

      if (!(client_secret = read_secret_line (_("Client secret: "), TRUE, &error)) ||
          !(access_token = read_secret_line (_("Access token (empty: none yet): "), FALSE, &error)) ||
          !(refresh_token = read_secret_line (_("Refresh token (empty: none yet): "), FALSE, &error)))
        goto failed;

      if (!store_secret (secrets, profile, BOTBENCH_SECRET_KIND_CLIENT_SECRET, client_secret, &error) ||
          !store_secret (secrets, profile, BOTBENCH_SECRET_KIND_ACCESS_TOKEN, access_token, &error) ||
          !store_secret (secrets, profile, BOTBENCH_SECRET_KIND_REFRESH_TOKEN, refresh_token, &error))
        goto failed;
    }

  botbench_profile_set_name (profile, name);
  if (public_url != NULL)
    botbench_profile_set_public_base_url (profile, public_url);
  if (certificate != NULL)
    {
      g_autofree char *pem = NULL;
      g_autoptr(GTlsCertificate) parsed = NULL;

      if (!g_file_get_contents (certificate, &pem, NULL, &error))
        goto failed;
      botbench_profile_set_certificate_pem (profile, pem);
      if (!(parsed = botbench_profile_dup_certificate (profile, &error)))
        goto failed;
    }

  if (!botbench_profile_manager_add (manager, profile, &error))
    goto failed;

  g_printerr (_("Added profile “%s”\n"), name);
  if (from_event != NULL && botbench_profile_get_oauth_client_id (profile) == NULL)
    g_printerr (_("Without the application’s client id and client secret the access token cannot be "
                  "refreshed when it expires: add them in the window, or run this again with --client-id ID\n"));
  return EXIT_SUCCESS;

failed:
  if (g_error_matches (error, BOTBENCH_SECRET_STORE_ERROR, BOTBENCH_SECRET_STORE_ERROR_UNAVAILABLE))
    g_printerr (_("%s\nBotbench keeps secrets only in the desktop keyring (Secret Service); "
                  "run this in a desktop session with a keyring. Nothing was saved.\n"), error->message);
  else
    g_printerr ("%s\n", error->message);

  /* Leave no secret behind for a profile that was not added. */
  if (profile != NULL && secrets != NULL &&
      botbench_profile_manager_lookup (manager, botbench_profile_get_uuid (profile)) == NULL)
    clear_secret_sync (secrets, botbench_profile_get_uuid (profile), BOTBENCH_SECRET_KIND_ANY, NULL);

  return EXIT_FAILURE;
}

static int
profiles_remove (BotbenchProfileManager *manager,
                 const char             *name)
{
  g_autoptr(BotbenchSecretStore) secrets = botbench_secret_store_new ();
  g_autoptr(BotbenchProfile) profile = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;

  profile = botbench_profile_manager_lookup (manager, name);
  if (profile == NULL)
    {
      g_printerr (_("No profile named “%s”\n"), name);
      return EXIT_FAILURE;
    }
  g_object_ref (profile);
  uuid = g_strdup (botbench_profile_get_uuid (profile));

  if (!botbench_profile_manager_remove (manager, profile, &error))
    {
      g_printerr ("%s\n", error->message);
      return EXIT_FAILURE;
    }

  if (!clear_secret_sync (secrets, uuid, BOTBENCH_SECRET_KIND_ANY, &error))
    {
      g_printerr (_("Removed profile “%s”, but its secrets could not be removed from the keyring: %s\n"),
                  name, error->message);
      return EXIT_FAILURE;
    }

  g_printerr (_("Removed profile “%s” and its secrets\n"), name);
  return EXIT_SUCCESS;
}

static int
profiles_use (BotbenchProfileManager *manager,
              const char             *name)
{
  g_autoptr(GError) error = NULL;
  BotbenchProfile *profile = botbench_profile_manager_lookup (manager, name);

  if (profile == NULL)
    {
      g_printerr (_("No profile named “%s”\n"), name);
      return EXIT_FAILURE;
    }

  if (!botbench_profile_manager_set_active (manager, profile, &error))
    {
      g_printerr ("%s\n", error->message);
      return EXIT_FAILURE;
    }

  g_printerr (_("Active profile: %s\n"), botbench_profile_get_name (profile));
  return EXIT_SUCCESS;
}

static int
profiles_test (BotbenchProfileManager *manager,
               const char             *name)
{
  g_autoptr(BotbenchSecretStore) secrets = botbench_secret_store_new ();
  g_autoptr(BotbenchRestClient) client = NULL;
  g_autoptr(GError) error = NULL;
  BotbenchConnectionReport *report;
  BotbenchProfile *profile = botbench_profile_manager_lookup (manager, name);
  int status;

  if (profile == NULL)
    {
      g_printerr (_("No profile named “%s”\n"), name);
      return EXIT_FAILURE;
    }

  client = botbench_rest_client_new (profile, secrets, NULL);
  report = botbench_rest_client_test_connection_sync (client, NULL, &error);
  if (report == NULL)
    {
      g_printerr (_("Connection failed: %s\n"), error->message);
      return EXIT_FAILURE;
    }

  printf (_("Connected to %s\n"), botbench_profile_get_name (profile));
  if (report->user_id != NULL)
    printf (_("User: %s (id %s)\n"), report->user_name ? report->user_name : "", report->user_id);
  printf (_("imbot scope: %s\n"), report->has_imbot_scope ? _("yes") : _("no"));
  if (report->scopes != NULL)
    {
      g_autofree char *scopes = g_strjoinv (", ", report->scopes);
      printf (_("Scopes: %s\n"), scopes);
    }
  printf (_("Latency: %.0f ms\n"), report->latency / 1000.0);
  if (report->advice != NULL)
    printf ("%s\n", report->advice);

  /* Connected, but a bot cannot work without the imbot scope. */
  status = report->has_imbot_scope ? EXIT_SUCCESS : EXIT_FAILURE;
  botbench_connection_report_free (report);

  if (!botbench_cli_save_profiles (manager, FALSE))
    status = EXIT_FAILURE;

  return status;
}

/* profiles set-token NAME [--strict|--no-strict]: the expected
 * application_token from standard input (an empty line clears it). */
static int
profiles_set_token (BotbenchProfileManager *manager,
                    int                     argc,
                    char                  **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(BotbenchSecretStore) secrets = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  gboolean strict = FALSE;
  gboolean no_strict = FALSE;
  BotbenchProfile *profile;
  int status;
  const GOptionEntry entries[] = {
    { "strict", 0, 0, G_OPTION_ARG_NONE, &strict, N_("Answer 401 to events with a wrong or no token (listen with this profile)"), NULL },
    { "no-strict", 0, 0, G_OPTION_ARG_NONE, &no_strict, N_("Only mark such events (the default)"), NULL },
    { NULL }
  };

  context = g_option_context_new (_("NAME — set the application_token events must carry"));
  g_option_context_set_summary (context,
    _("Reads the expected auth[application_token] from standard input and keeps it in\n"
      "the keyring; an empty line clears it.  Events stored while listening with this\n"
      "profile are then marked verified, wrong-token or no-token."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((status = botbench_cli_parse_options (context, &argc, &argv)) >= 0)
    return status;

  if (argc != 2)
    return botbench_cli_usage_error (context, _("profiles set-token takes one NAME"));
  if (strict && no_strict)
    return botbench_cli_usage_error (context, _("Give --strict or --no-strict, not both"));

  profile = botbench_profile_manager_lookup (manager, argv[1]);
  if (profile == NULL)
    {
      g_printerr (_("No profile named “%s”\n"), argv[1]);
      return EXIT_FAILURE;
    }

  token = read_secret_line (_("application_token: "), FALSE, &error);
  if (token == NULL)
    {
      g_printerr ("%s\n", error->message);
      return EXIT_FAILURE;
    }

  secrets = botbench_secret_store_new ();
  if (*token != '\0')
    {
      if (!store_secret (secrets, profile, BOTBENCH_SECRET_KIND_APPLICATION_TOKEN, token, &error))
        {
          g_printerr (_("Cannot store the token in the keyring: %s\n"), error->message);
          return EXIT_FAILURE;
        }
    }
  else if (!clear_secret_sync (secrets, botbench_profile_get_uuid (profile),
                               BOTBENCH_SECRET_KIND_APPLICATION_TOKEN, &error))
    {
      g_printerr (_("Cannot remove the token from the keyring: %s\n"), error->message);
      return EXIT_FAILURE;
    }

  if (strict || no_strict)
    {
      botbench_profile_set_strict_token (profile, strict);
      if (!botbench_cli_save_profiles (manager, FALSE))
        return EXIT_FAILURE;
    }

  if (*token != '\0' && botbench_profile_get_strict_token (profile))
    g_printerr (_("Profile “%s” expects its application_token (strict: events without it get 401)\n"),
                botbench_profile_get_name (profile));
  else if (*token != '\0')
    g_printerr (_("Profile “%s” expects its application_token\n"), botbench_profile_get_name (profile));
  else
    g_printerr (_("Profile “%s” expects no application_token\n"), botbench_profile_get_name (profile));

  return EXIT_SUCCESS;
}

int
botbench_cli_profiles (int    argc,
                       char **argv)
{
  g_autoptr(BotbenchProfileManager) manager = NULL;
  g_autoptr(GError) error = NULL;
  const char *sub = argc > 1 ? argv[1] : NULL;

  if (sub != NULL && (g_strcmp0 (sub, "--help") == 0 || g_strcmp0 (sub, "-h") == 0))
    {
      printf ("%s", _("Usage:\n"
                      "  botbench-cli profiles                 list profiles (* marks the active one)\n"
                      "  botbench-cli profiles add NAME --webhook URL [--client-id ID] [--public-url URL]\n"
                      "                                        [--certificate FILE]\n"
                      "  botbench-cli profiles add NAME --oauth --portal URL --client-id ID\n"
                      "                                        [--token-endpoint URL] [--public-url URL]\n"
                      "  botbench-cli profiles remove NAME\n"
                      "  botbench-cli profiles use NAME\n"
                      "  botbench-cli profiles test NAME\n"
                      "  botbench-cli profiles set-token NAME [--strict|--no-strict]\n\n"
                      "Secrets (OAuth client secret, access and refresh tokens, the expected\n"
                      "application_token) are read from standard input, one per line, and kept\n"
                      "only in the desktop keyring.\n"));
      return EXIT_SUCCESS;
    }

  if (!(manager = open_profiles (&error)))
    {
      g_printerr (_("Cannot read the profiles: %s\n"), error->message);
      return EXIT_FAILURE;
    }

  if (sub == NULL || g_strcmp0 (sub, "list") == 0)
    return profiles_list (manager);

  if (g_strcmp0 (sub, "add") == 0)
    return profiles_add (manager, argc - 1, argv + 1);

  if (g_strcmp0 (sub, "set-token") == 0)
    return profiles_set_token (manager, argc - 1, argv + 1);

  if (g_strcmp0 (sub, "remove") == 0 || g_strcmp0 (sub, "use") == 0 || g_strcmp0 (sub, "test") == 0)
    {
      if (argc != 3)
        {
          g_printerr (_("profiles %s takes one NAME\n"), sub);
          return BOTBENCH_CLI_EXIT_USAGE;
        }
      if (g_strcmp0 (sub, "remove") == 0)
        return profiles_remove (manager, argv[2]);
      if (g_strcmp0 (sub, "use") == 0)
        return profiles_use (manager, argv[2]);
      return profiles_test (manager, argv[2]);
    }

  g_printerr (_("Unknown profiles command “%s”; see “botbench-cli profiles --help”\n"), sub);
  return BOTBENCH_CLI_EXIT_USAGE;
}

/* ---- call ---------------------------------------------------------------- */

/* KEY=VALUE pairs with PHP bracket nesting (FIELDS[NAME]=x), as a JSON object. */
static JsonObject *
params_from_pairs (char  **pairs,
                   GError **error)
{
  g_autoptr(BotbenchFormNode) form = botbench_form_node_new_array ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;

  for (guint i = 0; pairs[i] != NULL; i++)
    {
      const char *eq = strchr (pairs[i], '=');

      if (eq == NULL || eq == pairs[i])
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("“%s” is not KEY=VALUE"), pairs[i]);
          return NULL;
        }

      botbench_form_node_register_variable (form, pairs[i], eq - pairs[i], eq + 1, strlen (eq + 1));
    }

  json = botbench_form_node_to_json (form);
  if (!(root = botbench_json_parse (json, strlen (json), error)))
    return NULL;

  if (JSON_NODE_HOLDS_OBJECT (root))
    return json_object_ref (json_node_get_object (root));

  /* "[]" (nothing given) or a list (0=a&1=b) */
  if (JSON_NODE_HOLDS_ARRAY (root) && json_array_get_length (json_node_get_array (root)) == 0)
    return json_object_new ();

  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _("Parameters must be named (KEY=VALUE), not a list"));
  return NULL;
}

/* The parameters of one call: as much as a bot definition with its avatar. */
#define CALL_MAX_JSON_SIZE BOTBENCH_BOT_MAX_FILE_SIZE

static JsonObject *
params_from_file (const char  *path,
                  GError     **error)
{
  g_autoptr(JsonNode) root = NULL;

  if (g_strcmp0 (path, "-") == 0)
    {
      g_autoptr(GByteArray) text = g_byte_array_new ();
      guint8 buffer[65536];
      size_t n;

      while ((n = fread (buffer, 1, sizeof buffer, stdin)) > 0)
        {
          if (n > CALL_MAX_JSON_SIZE - text->len)
            {
              g_autofree char *limit = g_format_size_full (CALL_MAX_JSON_SIZE, G_FORMAT_SIZE_IEC_UNITS);

              g_set_error (error, BOTBENCH_JSON_ERROR, BOTBENCH_JSON_ERROR_TOO_LARGE,
                           _("Standard input holds more than the %s allowed"), limit);
              return NULL;
            }
          g_byte_array_append (text, buffer, n);
        }

      if (ferror (stdin))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       _("Cannot read standard input: %s"), g_strerror (errno));
          return NULL;
        }

      if (!(root = botbench_json_parse ((const char *)text->data, text->len, error)))
        {
          g_prefix_error (error, _("Standard input: "));
          return NULL;
        }
    }
  else
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (path);

      /* Too large: refused before reading; bad JSON: before json-glib. */
      if (!(root = botbench_json_parse_file (file, CALL_MAX_JSON_SIZE, NULL, error)))
        return NULL;
    }

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("%s must hold a JSON object of parameters"), path);
      return NULL;
    }

  return json_object_ref (json_node_get_object (root));
}

int
botbench_cli_call (int    argc,
                   char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(BotbenchProfileManager) manager = NULL;
  g_autoptr(BotbenchSecretStore) secrets = NULL;
  g_autoptr(BotbenchRestClient) client = NULL;
  g_autoptr(BotbenchRestResponse) response = NULL;
  g_autoptr(JsonObject) params = NULL;
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json_file = NULL;
  g_autofree char *profile_name = NULL;
  g_autofree char *out = NULL;
  BotbenchProfile *profile;
  int status;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_FILENAME, &json_file, N_("Read the parameters from a JSON object in FILE (- for standard input)"), N_("FILE") },
    { "profile", 0, 0, G_OPTION_ARG_STRING, &profile_name, N_("Profile to use (default: the active one)"), N_("NAME") },
    { NULL }
  };

  context = g_option_context_new (_("METHOD [KEY=VALUE…] — call a REST method"));
  g_option_context_set_summary (context,
    _("Calls any Bitrix24 REST method with a profile and prints the JSON result.\n"
      "KEY=VALUE pairs nest like PHP forms: FIELDS[NAME]=Echo FIELDS[COLOR]=RED.\n"
      "Exit status 1 and the portal's error on failure."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((status = botbench_cli_parse_options (context, &argc, &argv)) >= 0)
    return status;

  if (argc < 2)
    return botbench_cli_usage_error (context, _("call needs a METHOD, e.g. imbot.bot.list"));
  if (json_file != NULL && argc > 2)
    return botbench_cli_usage_error (context, _("Give parameters either as KEY=VALUE or with --json, not both"));

  if (json_file != NULL)
    params = params_from_file (json_file, &error);
  else
    params = params_from_pairs (argv + 2, &error);
  if (params == NULL)
    {
      if (error->domain == G_OPTION_ERROR)
        return botbench_cli_usage_error (context, error->message);
      g_printerr ("%s\n", error->message);
      return EXIT_FAILURE;
    }

  if (!(manager = open_profiles (&error)))
    {
      g_printerr (_("Cannot read the profiles: %s\n"), error->message);
      return EXIT_FAILURE;
    }

  if (profile_name == NULL && botbench_cli_profile_name != NULL)
    profile_name = g_strdup (botbench_cli_profile_name);

  profile = profile_name != NULL ? botbench_profile_manager_lookup (manager, profile_name)
                                 : botbench_profile_manager_get_active (manager);
  if (profile == NULL)
    {
      if (profile_name != NULL)
        g_printerr (_("No profile named “%s”\n"), profile_name);
      else
        g_printerr (_("No active profile; add one with “botbench-cli profiles add”\n"));
      return EXIT_FAILURE;
    }

  secrets = botbench_secret_store_new ();
  client = botbench_rest_client_new (profile, secrets, NULL);
  response = botbench_rest_client_call_sync (client, argv[1], params, NULL, &error);
  if (response == NULL)
    {
      g_printerr ("%s\n", error->message);
      return EXIT_FAILURE;
    }

  generator = json_generator_new ();
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, botbench_rest_response_get_result (response));
  out = json_generator_to_data (generator, NULL);
  printf ("%s\n", out);

  /* The call worked: a profile that cannot be saved is only a warning */
  botbench_cli_save_profiles (manager, TRUE);

  return EXIT_SUCCESS;
}
