/* botbench-cli-sandbox.c: run the offline sandbox portal
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "botbench-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <stdio.h>
#include <string.h>

#include "botbench-core.h"
#include "botbench-sandbox.h"
#include "botbench-cli-private.h"

/* "50/2" → burst 50, 2 per second; "off" → disabled. */
static gboolean
parse_rate_limit (const char *text,
                  gboolean   *enabled,
                  guint      *burst,
                  guint      *per_second)
{
  g_auto(GStrv) parts = NULL;
  guint64 b, r;

  if (g_strcmp0 (text, "off") == 0)
    {
      *enabled = FALSE;
      return TRUE;
    }

  parts = g_strsplit (text, "/", -1);
  if (g_strv_length (parts) != 2 ||
      !g_ascii_string_to_unsigned (parts[0], 10, 1, G_MAXUINT, &b, NULL) ||
      !g_ascii_string_to_unsigned (parts[1], 10, 1, G_MAXUINT, &r, NULL))
    return FALSE;

  *enabled = TRUE;
  *burst = (guint)b;
  *per_second = (guint)r;
  return TRUE;
}

static void
sandbox_delivered_cb (BotbenchSandbox *sandbox,
                      const char      *event,
                      const char      *url,
                      guint            status)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *line = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "delivered");
  json_builder_add_string_value (builder, event);
  json_builder_set_member_name (builder, "url");
  json_builder_add_string_value (builder, url);
  json_builder_set_member_name (builder, "status");
  json_builder_add_int_value (builder, status);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  line = json_to_string (root, FALSE);

  printf ("%s\n", line);
  fflush (stdout);
}

static gboolean
sandbox_signal_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_CONTINUE;
}

int
botbench_cli_sandbox (int    argc,
                      char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(BotbenchSandbox) sandbox = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *host = NULL;
  g_autofree char *webhook_secret = NULL;
  g_autofree char *state = NULL;
  g_autofree char *rate_limit = NULL;
  g_autofree char *tls_cert = NULL;
  g_autofree char *tls_key = NULL;
  g_autofree char *url = NULL;
  g_autofree char *webhook_url = NULL;
  g_autofree char *http_url = NULL;
  gboolean memory = FALSE;
  gboolean tls = FALSE;
  gboolean rate_enabled = TRUE;
  guint rate_burst = BOTBENCH_SANDBOX_RATE_BURST;
  guint rate_per_second = BOTBENCH_SANDBOX_RATE_PER_SECOND;
  int port = BOTBENCH_SANDBOX_DEFAULT_PORT;
  int http_port = 0;
  int webhook_user = 1;
  int bot_limit = BOTBENCH_SANDBOX_DEFAULT_BOT_LIMIT;
  int token_ttl = BOTBENCH_SANDBOX_DEFAULT_TOKEN_TTL;
  gint64 max_body = BOTBENCH_SANDBOX_DEFAULT_MAX_BODY;
  int max_connections = 0;
  int idle_timeout = BOTBENCH_SANDBOX_DEFAULT_IDLE_TIMEOUT;
  guint sigint, sigterm;
  int status;
  const GOptionEntry entries[] = {
    { "host", 0, 0, G_OPTION_ARG_STRING, &host, N_("Address to listen on (default 127.0.0.1)"), N_("HOST") },
    { "port", 0, 0, G_OPTION_ARG_INT, &port, N_("Port to listen on, 0 picks a free one (default 8124)"), N_("PORT") },
    { "http-port", 0, 0, G_OPTION_ARG_INT, &http_port, N_("With TLS: port of the plain-HTTP side (default: a free one)"), N_("PORT") },
    { "webhook-user", 0, 0, G_OPTION_ARG_INT, &webhook_user, N_("User id of the inbound webhook (default 1)"), N_("ID") },
    { "webhook-secret", 0, 0, G_OPTION_ARG_STRING, &webhook_secret, N_("Secret of the inbound webhook (default: generated once and kept in the state)"), N_("SECRET") },
    { "state", 0, 0, G_OPTION_ARG_FILENAME, &state, N_("State database (default $XDG_DATA_HOME/botbench/sandbox/state.db)"), N_("PATH") },
    { "memory", 0, 0, G_OPTION_ARG_NONE, &memory, N_("Keep no state on disk"), NULL },
    { "bot-limit", 0, 0, G_OPTION_ARG_INT, &bot_limit, N_("Bots per owner, 0 = unlimited (default 5)"), N_("N") },
    { "rate-limit", 0, 0, G_OPTION_ARG_STRING, &rate_limit, N_("Leaky bucket BURST/PER_SECOND, or off (default 50/2)"), N_("50/2|off") },
    { "token-ttl", 0, 0, G_OPTION_ARG_INT, &token_ttl, N_("Lifetime of OAuth access tokens in seconds (default 3600)"), N_("SECONDS") },
    { "tls", 0, 0, G_OPTION_ARG_NONE, &tls, N_("Serve HTTPS with a self-signed certificate for 127.0.0.1 and localhost, made once and kept beside the state"), NULL },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &tls_cert, N_("Serve HTTPS with this certificate (PEM)"), N_("FILE") },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &tls_key, N_("Private key of --tls-cert (PEM)"), N_("FILE") },
    { "max-body", 0, 0, G_OPTION_ARG_INT64, &max_body, N_("Largest accepted request body in bytes (default 67108864)"), N_("BYTES") },
    { "max-connections", 0, 0, G_OPTION_ARG_INT, &max_connections, N_("Connections open at once, 0 = from the open-file limit (default 0)"), N_("N") },
    { "idle-timeout", 0, 0, G_OPTION_ARG_INT, &idle_timeout, N_("Seconds a client may take to send its request head, or leave a body stalled (default 15)"), N_("SECONDS") },
    { NULL }
  };

  context = g_option_context_new (_("— run an offline Bitrix24 portal"));
  g_option_context_set_summary (context,
    _("Emulates the imbot and imbot.v2 REST methods and event delivery of a\n"
      "Bitrix24 portal: webhook REST at /rest/USER/SECRET/METHOD, OAuth REST at\n"
      "/rest/METHOD, /oauth/token/, and a control API to act as portal users:\n"
      "  GET  /_sandbox/info, /_sandbox/users, /_sandbox/chats?USER_ID=\n"
      "  POST /_sandbox/chat, /_sandbox/message, /_sandbox/join,\n"
      "       /_sandbox/message/update, /_sandbox/message/delete, /_sandbox/button\n"
      "  GET  /_sandbox/messages?DIALOG_ID=, /_sandbox/updates?AFTER_REV=&TIMEOUT=\n"
      "       (long poll: what changed since a revision)\n"
      "  POST /_sandbox/install, /_sandbox/uninstall (a local application)\n"
      "See README.md, \"Sandbox control API\". Each event delivered to a\n"
      "bot's handler is printed on standard output as a JSON line."));
  g_option_context_set_description (context,
    _("Control API (parameters as a form, JSON or query string; answers {\"result\": …}):\n"
      "  GET  /_sandbox/info      PRODUCT, VERSION, DOMAIN, WEBHOOK_USER, REV\n"
      "  GET  /_sandbox/users     USERS: the portal users (1 Svetlana Ivanova,\n"
      "                           2 Dmitry Sokolov, 3 Anna Kuznetsova, 4 Pavel Orlov)\n"
      "  GET  /_sandbox/chats     USER_ID: whose chats → CHATS, BOTS, REV\n"
      "  POST /_sandbox/chat      TITLE; USER_ID: the author; USERS: other members\n"
      "                           (\"2,3\") → CHAT_ID, DIALOG_ID \"chatN\"\n"
      "  POST /_sandbox/message   FROM_USER_ID: the user who writes;\n"
      "                           DIALOG_ID: the BOT's id (private dialog) or \"chatN\";\n"
      "                           MESSAGE: the text, \"/command params\" for a command\n"
      "                           → MESSAGE_ID, EVENTS, DELIVERIES (what each handler did)\n"
      "  POST /_sandbox/join      BOT_ID; USER_ID; DIALOG_ID: \"chatN\" adds the bot to\n"
      "                           that chat, none opens the private dialog\n"
      "                           (ONIMBOTJOINCHAT)\n"
      "  POST /_sandbox/message/update  FROM_USER_ID, MESSAGE_ID, MESSAGE\n"
      "  POST /_sandbox/message/delete  FROM_USER_ID, MESSAGE_ID\n"
      "  POST /_sandbox/button    FROM_USER_ID; MESSAGE_ID: a bot message with a\n"
      "                           KEYBOARD; BUTTON: its 0-based index\n"
      "  GET  /_sandbox/messages  DIALOG_ID, USER_ID, AFTER_REV → MESSAGES\n"
      "  GET  /_sandbox/updates   AFTER_REV; TIMEOUT: seconds to wait (at most 25)\n"
      "  GET  /_sandbox/v2/events BOT_ID → EVENTS: an imbot.v2 bot's queue, unread\n"
      "  POST /_sandbox/clock     ADVANCE: seconds to move the portal's time forward\n"
      "  POST /_sandbox/install   HANDLER: the app's install URL; CLIENT_ID; SCOPE\n"
      "                           (default imbot); CLIENT_SECRET (default: generated)\n"
      "                           installs a local application: ONAPPINSTALL POSTed\n"
      "                           to HANDLER as a portal does, tokens for /rest/ and\n"
      "                           /oauth/token/ (--token-ttl) → client_id,\n"
      "                           client_secret (when generated), member_id,\n"
      "                           application_token, access_token, refresh_token,\n"
      "                           expires_in, delivery (the handler's HTTP status or\n"
      "                           error). A reinstall voids the old tokens and gives\n"
      "                           a new application_token.\n"
      "  POST /_sandbox/uninstall CLIENT_ID; CLEAN: ONAPPUNINSTALL to its handler;\n"
      "                           its tokens are void, its bots removed\n"
      "\n"
      "imbot.v2 (Bot.*, Event.get, Chat.Message.*, Command.*, Revision.get): the owner\n"
      "is \"custom\" + botToken (webhook) or the OAuth app; a v2 bot's events are\n"
      "queued for imbot.v2.Event.get (fetch mode: one event id counter for the\n"
      "portal, offset deletes what is below it, limit 1-1000, 24 h retention) or\n"
      "POSTed as a form to its webhookUrl; v1 bots keep their v1 events. Where the\n"
      "reference leaves a point open the sandbox follows the server source: botToken\n"
      "at the top level wins over fields.botToken; an unknown Bot.list filter.type\n"
      "is ignored; an unregistered bot's events cannot be fetched (BOT_NOT_FOUND);\n"
      "Event.get never waits; withUserEvents is refused (no im.v2.Event.subscribe).\n"
      "Event ids never repeat for a URL, as on a portal: a fresh state (--memory,\n"
      "or a new state file) starts the event id counter at the microseconds since\n"
      "2024 (so Event.get offsets a fetcher kept from an earlier sandbox on the same\n"
      "URL hide nothing); a kept state file keeps its counter. Bot ids start at 100\n"
      "in every fresh state. Chat.Message.send's forwardIds copies messages of the\n"
      "bot's chats (another message: ACCESS_DENIED; over 100: TOO_MANY_MESSAGES).\n"
      "See README.md, \"imbot.v2 in the sandbox\".\n"
      "DIALOG_ID names a dialog as the speaker sees it: here the speaker is a\n"
      "portal user, so a private dialog is the bot's id; in the event the bot\n"
      "gets (data[PARAMS][DIALOG_ID]) it is the user's id.\n"
      "\n"
      "Example: Svetlana (user 1) writes to bot 100:\n"
      "  curl -d FROM_USER_ID=1 -d DIALOG_ID=100 -d MESSAGE=hello \\\n"
      "       http://127.0.0.1:8124/_sandbox/message"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((status = botbench_cli_parse_options (context, &argc, &argv)) >= 0)
    return status;

  if (argc > 1)
    return botbench_cli_usage_error (context, _("sandbox takes no arguments"));
  if (port < 0 || port > 65535 || http_port < 0 || http_port > 65535)
    return botbench_cli_usage_error (context, _("Ports must be between 0 and 65535"));
  if (webhook_user <= 0)
    return botbench_cli_usage_error (context, _("--webhook-user must be a positive user id"));
  if (bot_limit < 0)
    return botbench_cli_usage_error (context, _("--bot-limit must be 0 (unlimited) or more"));
  if (token_ttl <= 0)
    return botbench_cli_usage_error (context, _("--token-ttl must be a positive number of seconds"));
  if (max_body <= 0)
    return botbench_cli_usage_error (context, _("--max-body must be a positive number of bytes"));
  if (max_connections < 0)
    return botbench_cli_usage_error (context, _("--max-connections must be 0 (automatic) or more"));
  if (idle_timeout <= 0 || idle_timeout > 24 * 3600)
    return botbench_cli_usage_error (context, _("--idle-timeout must be between 1 and 86400 seconds"));
  if (rate_limit != NULL && !parse_rate_limit (rate_limit, &rate_enabled, &rate_burst, &rate_per_second))
    return botbench_cli_usage_error (context, _("--rate-limit must be BURST/PER_SECOND (like 50/2) or off"));
  if ((tls_cert == NULL) != (tls_key == NULL))
    return botbench_cli_usage_error (context, _("--tls-cert and --tls-key go together"));
  if (tls && tls_cert != NULL)
    return botbench_cli_usage_error (context, _("Use either --tls or --tls-cert/--tls-key"));
  if (memory && state != NULL)
    return botbench_cli_usage_error (context, _("Use either --state or --memory"));

  sandbox = botbench_sandbox_new ();
  if (host != NULL)
    botbench_sandbox_set_host (sandbox, host);
  botbench_sandbox_set_port (sandbox, (guint)port);
  botbench_sandbox_set_http_port (sandbox, (guint)http_port);
  botbench_sandbox_set_webhook_user (sandbox, (guint)webhook_user);
  if (webhook_secret != NULL)
    botbench_sandbox_set_webhook_secret (sandbox, webhook_secret);
  if (!memory)
    {
      if (state == NULL)
        state = botbench_sandbox_dup_default_state_path ();
      botbench_sandbox_set_state_path (sandbox, state);
    }
  botbench_sandbox_set_bot_limit (sandbox, (guint)bot_limit);
  botbench_sandbox_set_rate_limit (sandbox, rate_enabled);
  if (rate_enabled)
    botbench_sandbox_set_rate (sandbox, rate_burst, rate_per_second);
  botbench_sandbox_set_token_ttl (sandbox, (guint)token_ttl);
  botbench_sandbox_set_max_body (sandbox, (guint64)max_body);
  botbench_sandbox_set_max_connections (sandbox, (guint)max_connections);
  botbench_sandbox_set_idle_timeout (sandbox, (guint)idle_timeout);
  if (tls_cert != NULL)
    botbench_sandbox_set_tls_files (sandbox, tls_cert, tls_key);
  botbench_sandbox_set_tls (sandbox, tls || tls_cert != NULL);

  g_signal_connect (sandbox, "delivered", G_CALLBACK (sandbox_delivered_cb), NULL);

  /* Before the sandbox serves (on its own thread): SIGTERM right after
   * "listening" must stop it cleanly, not kill it. */
  loop = g_main_loop_new (NULL, FALSE);
  sigint = g_unix_signal_add (SIGINT, sandbox_signal_cb, loop);
  sigterm = g_unix_signal_add (SIGTERM, sandbox_signal_cb, loop);

  if (!botbench_sandbox_start (sandbox, &error))
    {
      g_printerr ("%s\n", error->message);
      g_source_remove (sigint);
      g_source_remove (sigterm);
      return EXIT_FAILURE;
    }

  url = botbench_sandbox_dup_url (sandbox);
  webhook_url = botbench_sandbox_dup_webhook_url (sandbox);
  g_printerr (_("sandbox listening on %s\n"), url);
  if (tls || tls_cert != NULL)
    {
      http_url = botbench_sandbox_dup_http_url (sandbox);
      g_printerr (_("plain HTTP (OAuth and control API only) on %s\n"), http_url);
    }
  g_printerr (_("inbound webhook: %s\n"), webhook_url);
  g_printerr (_("OAuth app: client_id %s, client_secret %s, token endpoint %soauth/token/\n"),
              botbench_sandbox_get_client_id (sandbox),
              botbench_sandbox_get_client_secret (sandbox), url);
  g_printerr (_("state: %s\n"), memory ? _("in memory") : state);
  if (tls)
    {
      g_autofree char *dir = g_path_get_dirname (state ? state : ".");
      g_printerr (_("certificate (trust exactly this one): %s/sandbox-cert.pem\n"),
                  memory ? "." : dir);
    }

  g_main_loop_run (loop);

  g_source_remove (sigint);
  g_source_remove (sigterm);
  botbench_sandbox_stop (sandbox);

  return EXIT_SUCCESS;
}
