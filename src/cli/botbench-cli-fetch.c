/* botbench-cli-fetch.c: `botbench-cli fetch`, fetch mode from the command line
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Polls imbot.v2.Event.get for the profile's v2 fetch-mode bots (or the
 * BOT_IDs given) with one BotbenchFetcher each, stores every event in the
 * event store and prints it as a JSON line, the same shape as `listen`
 * (with "source": "fetched").  Without --follow it drains what is queued
 * (the last call acknowledges what was stored) and exits; with --follow it
 * polls until SIGINT/SIGTERM.  A webhook profile calls with each bot's
 * botToken from the keyring (kind "bot-token", by profile and bot code).
 */
#define G_LOG_DOMAIN "botbench-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <stdio.h>
#include <stdlib.h>

#include "botbench-core.h"
#include "botbench-bot-v2.h"
#include "botbench-fetcher.h"
#include "botbench-cli-private.h"
#include "botbench-cli-bots-private.h"

typedef struct
{
  GMainLoop *loop;
  GPtrArray *fetchers;     /* BotbenchFetcher */
  gboolean   follow;
  guint      n_done;       /* drained (without --follow) or failed */
  gboolean   failed;
} FetchRun;

static void
fetch_done (FetchRun        *run,
            BotbenchFetcher *fetcher)
{
  if (g_object_get_data (G_OBJECT (fetcher), "botbench-cli-done") != NULL)
    return;
  g_object_set_data (G_OBJECT (fetcher), "botbench-cli-done", GINT_TO_POINTER (1));
  botbench_fetcher_stop (fetcher);
  if (++run->n_done == run->fetchers->len)
    g_main_loop_quit (run->loop);
}

static void
events_stored_cb (BotbenchFetcher *fetcher,
                  GPtrArray       *events,
                  FetchRun        *run)
{
  for (guint i = 0; i < events->len; i++)
    {
      g_autofree char *line = botbench_event_to_json_line (g_ptr_array_index (events, i));

      printf ("%s\n", line);
    }
  fflush (stdout);
}

static void
drained_cb (BotbenchFetcher *fetcher,
            FetchRun        *run)
{
  if (!run->follow)
    fetch_done (run, fetcher);
}

static void
poll_failed_cb (BotbenchFetcher *fetcher,
                GError          *error,
                FetchRun        *run)
{
  gboolean fatal = botbench_fetcher_get_state (fetcher) == BOTBENCH_FETCHER_STATE_FAILED;

  g_printerr (_("Bot %lld: %s%s\n"), (long long) botbench_fetcher_get_bot_id (fetcher),
              error->message,
              fatal || !run->follow ? "" : _(" (trying again later)"));
  if (fatal || !run->follow)
    {
      run->failed = TRUE;
      fetch_done (run, fetcher);
    }
}

static gboolean
signal_cb (gpointer data)
{
  FetchRun *run = data;

  g_main_loop_quit (run->loop);
  return G_SOURCE_CONTINUE;
}

/* The bot's botToken for a webhook profile (NULL for OAuth); FALSE with
 * the reason printed when it cannot be had. */
static gboolean
bot_token_for (BotContext   *ctx,
               BotbenchBot  *bot,
               gint64        bot_id,
               char        **token)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;

  *token = NULL;
  if (botbench_profile_get_kind (ctx->profile) != BOTBENCH_PROFILE_KIND_WEBHOOK)
    return TRUE;

  if (bot == NULL)
    {
      g_printerr (_("Bot %lld is not a saved bot of profile “%s”: without its "
                    "definition there is no botToken to call with\n"),
                  (long long) bot_id, botbench_profile_get_name (ctx->profile));
      return FALSE;
    }

  key = botbench_secret_bot_token_key (botbench_profile_get_uuid (ctx->profile),
                                       botbench_bot_get_code (bot) ? botbench_bot_get_code (bot) : "");
  *token = botbench_secret_store_lookup_sync (ctx->secrets, key, BOTBENCH_SECRET_KIND_BOT_TOKEN,
                                              NULL, &error);
  if (error != NULL)
    {
      g_printerr (_("Cannot read the botToken of bot %lld from the keyring: %s\n"),
                  (long long) bot_id, error->message);
      return FALSE;
    }
  if (*token == NULL || **token == '\0')
    {
      g_printerr (_("Bot %lld has no botToken in the keyring (register it with "
                    "botbench-cli, or put its token in its definition and update it)\n"), (long long) bot_id);
      return FALSE;
    }

  return TRUE;
}

static gboolean
is_fetch_bot (BotbenchBot *bot)
{
  return botbench_bot_get_api (bot) == BOTBENCH_BOT_API_V2 &&
         botbench_bot_get_effective_event_mode (bot) == BOTBENCH_BOT_EVENT_MODE_FETCH;
}

/* The bots to poll, by id: those named, else every registered v2
 * fetch-mode bot of the profile.  NULL (said on stderr) on a problem. */
static GArray *
select_bots (BotContext  *ctx,
             char       **ids)
{
  g_autoptr(GArray) bots = g_array_new (FALSE, FALSE, sizeof (gint64));
  guint n;

  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    {
      BotbenchBot *saved;
      gint64 id;

      if (!_botbench_cli_parse_bot_id (ids[i], &id))
        {
          g_printerr (_("“%s” is not a bot id\n"), ids[i]);
          return NULL;
        }
      saved = botbench_bot_store_lookup_by_id (ctx->bots, id);
      if (saved != NULL && botbench_bot_get_api (saved) != BOTBENCH_BOT_API_V2)
        {
          g_printerr (_("Bot %lld is a v1 bot: the portal POSTs its events to its "
                        "handler (use botbench-cli listen)\n"), (long long) id);
          return NULL;
        }
      if (saved != NULL && !is_fetch_bot (saved))
        {
          g_printerr (_("Bot %lld is in webhook mode: the portal POSTs its events "
                        "to its webhookUrl and queues none to fetch\n"), (long long) id);
          return NULL;
        }
      g_array_append_val (bots, id);
    }

  if (bots->len > 0)
    return g_steal_pointer (&bots);

  n = g_list_model_get_n_items (G_LIST_MODEL (ctx->bots));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BotbenchBot) bot = g_list_model_get_item (G_LIST_MODEL (ctx->bots), i);
      gint64 id = botbench_bot_get_bot_id (bot);

      if (id > 0 && is_fetch_bot (bot))
        g_array_append_val (bots, id);
    }

  if (bots->len == 0)
    {
      g_printerr (_("Profile “%s” has no registered imbot.v2 bot in fetch mode\n"),
                  botbench_profile_get_name (ctx->profile));
      return NULL;
    }

  return g_steal_pointer (&bots);
}

int
botbench_cli_fetch (int    argc,
                    char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_auto(BotContext) ctx = { NULL };
  g_autoptr(BotbenchEventStore) store = NULL;
  g_autoptr(GPtrArray) fetchers = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GArray) bots = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  g_autofree char *path = NULL;
  g_autofree char *profile_name = NULL;
  gboolean follow = FALSE;
  int interval = BOTBENCH_FETCHER_DEFAULT_INTERVAL;
  FetchRun run = { NULL };
  guint sigint, sigterm;
  int status;
  const GOptionEntry entries[] = {
    { "profile", 0, 0, G_OPTION_ARG_STRING, &profile_name, N_("The profile whose bots to fetch for (default: the active one)"), N_("NAME") },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("Event store (default $XDG_DATA_HOME/botbench/events.db)"), N_("PATH") },
    { "follow", 0, 0, G_OPTION_ARG_NONE, &follow, N_("Keep polling until interrupted (default: drain what is queued and exit)"), NULL },
    { "interval", 0, 0, G_OPTION_ARG_INT, &interval, N_("Seconds between calls while idle, 2 to 60 (default 5)"), N_("SECONDS") },
    { NULL }
  };

  context = g_option_context_new (_("[BOT_ID…] — fetch imbot.v2 bots’ events and print them as JSON lines"));
  g_option_context_set_summary (context,
    _("Reads the events the portal queued for v2 bots in fetch mode (imbot.v2.Event.get),\n"
      "stores each in the event store once and prints it as a JSON line, as listen does\n"
      "(\"source\": \"fetched\").  Events are acknowledged only after they are stored.\n"
      "Without BOT_ID: every registered v2 fetch-mode bot of the profile."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((status = botbench_cli_parse_options (context, &argc, &argv)) >= 0)
    return status;

  if (interval < BOTBENCH_FETCHER_MIN_INTERVAL || interval > BOTBENCH_FETCHER_MAX_INTERVAL)
    return botbench_cli_usage_error (context, _("--interval must be between 2 and 60 seconds"));
  if (profile_name != NULL)
    botbench_cli_profile_name = profile_name;

  if (!_botbench_cli_bot_context_init (&ctx, &error))
    return _botbench_cli_bot_command_failed (error);

  bots = select_bots (&ctx, argc > 1 ? argv + 1 : NULL);
  if (bots == NULL)
    return EXIT_FAILURE;

  path = botbench_cli_resolve_db_path (db);
  store = botbench_event_store_new (path, &error);
  if (store == NULL)
    {
      g_printerr (_("Cannot open the event store %s: %s\n"), path, error->message);
      return EXIT_FAILURE;
    }

  for (guint i = 0; i < bots->len; i++)
    {
      gint64 id = g_array_index (bots, gint64, i);
      BotbenchBot *saved = botbench_bot_store_lookup_by_id (ctx.bots, id);
      BotbenchFetcher *fetcher;
      char *token = NULL;

      if (!bot_token_for (&ctx, saved, id, &token))
        {
          botbench_event_store_close (store);
          return EXIT_FAILURE;
        }
      fetcher = botbench_fetcher_new (ctx.client, store, id, token);
      botbench_secret_free (token);
      botbench_fetcher_set_interval (fetcher, (guint)interval);
      g_ptr_array_add (fetchers, fetcher);
    }

  run.loop = loop = g_main_loop_new (NULL, FALSE);
  run.fetchers = fetchers;
  run.follow = follow;

  sigint = g_unix_signal_add (SIGINT, signal_cb, &run);
  sigterm = g_unix_signal_add (SIGTERM, signal_cb, &run);

  for (guint i = 0; i < fetchers->len; i++)
    {
      BotbenchFetcher *fetcher = g_ptr_array_index (fetchers, i);

      g_signal_connect (fetcher, "events-stored", G_CALLBACK (events_stored_cb), &run);
      g_signal_connect (fetcher, "drained", G_CALLBACK (drained_cb), &run);
      g_signal_connect (fetcher, "poll-failed", G_CALLBACK (poll_failed_cb), &run);
      botbench_fetcher_start (fetcher);
    }
  if (follow)
    g_printerr (g_dngettext (GETTEXT_PACKAGE, "fetching for %u bot of profile “%s”\n",
                             "fetching for %u bots of profile “%s”\n", fetchers->len), fetchers->len,
                botbench_profile_get_name (ctx.profile));

  g_main_loop_run (loop);

  g_source_remove (sigint);
  g_source_remove (sigterm);

  /* A commit handed to the store completes before close: its events are
   * stored (and printed when it answered in time); their offset is
   * stored, so the next run acknowledges them. */
  for (guint i = 0; i < fetchers->len; i++)
    {
      BotbenchFetcher *fetcher = g_ptr_array_index (fetchers, i);

      g_signal_handlers_disconnect_by_data (fetcher, &run);
      botbench_fetcher_stop (fetcher);
    }
  botbench_event_store_close (store);
  /* The answers of those commits (queued on this context) let go of the
   * fetchers and the store. */
  while (g_main_context_iteration (NULL, FALSE))
    ;

  return run.failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
