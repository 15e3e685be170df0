/* botbench-bot-fetch-status.c: what fetch mode is doing for each v2 bot,
 * in words, for the Bots page and the bot editor
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Watches the application's fetch manager (a new one comes with every
 * active profile, announced by "bot-store-changed") and the state, errors
 * and stored events of each of its fetchers, and says it in one line: the
 * cadence and how many events came, a backoff with its error, or why the
 * fetcher stopped (wrong botToken, bot unregistered elsewhere, missing
 * scope, refused webhook), keyed on the portal's error code.
 */
#define G_LOG_DOMAIN "botbench-bot-fetch-status"

#include "config.h"

#include <glib/gi18n.h>

#include "botbench-application-private.h"
#include "botbench-bot-fetch-status.h"
#include "botbench-bot-v2.h"

struct _BotbenchBotFetchStatus
{
  GObject               parent_instance;

  BotbenchApplication  *app;
  BotbenchFetchManager *manager;    /* followed, or NULL */
  GPtrArray            *fetchers;   /* watched, with handlers connected */
};

G_DEFINE_FINAL_TYPE (BotbenchBotFetchStatus, botbench_bot_fetch_status, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
fetcher_state_cb (BotbenchFetcher        *fetcher,
                  GParamSpec             *pspec,
                  BotbenchBotFetchStatus *self)
{
  g_signal_emit (self, signals[CHANGED], 0, botbench_fetcher_get_bot_id (fetcher));
}

static void
fetcher_stored_cb (BotbenchFetcher        *fetcher,
                   GPtrArray              *events,
                   BotbenchBotFetchStatus *self)
{
  g_signal_emit (self, signals[CHANGED], 0, botbench_fetcher_get_bot_id (fetcher));
}

static void
botbench_bot_fetch_status_watch (BotbenchBotFetchStatus *self,
                                 BotbenchFetcher        *fetcher)
{
  if (fetcher == NULL || g_ptr_array_find (self->fetchers, fetcher, NULL))
    return;

  g_ptr_array_add (self->fetchers, g_object_ref (fetcher));
  g_signal_connect (fetcher, "notify::state", G_CALLBACK (fetcher_state_cb), self);
  g_signal_connect (fetcher, "events-stored", G_CALLBACK (fetcher_stored_cb), self);
}

static void
botbench_bot_fetch_status_unwatch_all (BotbenchBotFetchStatus *self)
{
  for (guint i = 0; i < self->fetchers->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->fetchers, i), self);
  g_ptr_array_set_size (self->fetchers, 0);
}

static void
fetcher_added_cb (BotbenchFetchManager   *manager,
                  BotbenchFetcher        *fetcher,
                  BotbenchBotFetchStatus *self)
{
  botbench_bot_fetch_status_watch (self, fetcher);
  g_signal_emit (self, signals[CHANGED], 0, botbench_fetcher_get_bot_id (fetcher));
}

static void
fetcher_removed_cb (BotbenchFetchManager   *manager,
                    BotbenchFetcher        *fetcher,
                    BotbenchBotFetchStatus *self)
{
  guint index;

  if (g_ptr_array_find (self->fetchers, fetcher, &index))
    {
      g_signal_handlers_disconnect_by_data (fetcher, self);
      g_ptr_array_remove_index_fast (self->fetchers, index);
    }
  g_signal_emit (self, signals[CHANGED], 0, botbench_fetcher_get_bot_id (fetcher));
}

static void
botbench_bot_fetch_status_follow (BotbenchBotFetchStatus *self)
{
  BotbenchFetchManager *manager = self->app ? botbench_application_get_fetch_manager (self->app) : NULL;
  BotbenchBotStore *bots = self->app ? botbench_application_get_bot_store (self->app) : NULL;

  if (manager == self->manager)
    return;

  botbench_bot_fetch_status_unwatch_all (self);
  if (self->manager != NULL)
    g_signal_handlers_disconnect_by_data (self->manager, self);
  g_set_object (&self->manager, manager);

  if (manager != NULL)
    {
      g_signal_connect (manager, "fetcher-added", G_CALLBACK (fetcher_added_cb), self);
      g_signal_connect (manager, "fetcher-removed", G_CALLBACK (fetcher_removed_cb), self);

      /* The fetchers already running. */
      for (guint i = 0; bots != NULL && i < g_list_model_get_n_items (G_LIST_MODEL (bots)); i++)
        {
          g_autoptr(BotbenchBot) bot = g_list_model_get_item (G_LIST_MODEL (bots), i);

          botbench_bot_fetch_status_watch (self, botbench_fetch_manager_get_fetcher (manager,
                                                                                     botbench_bot_get_bot_id (bot)));
        }
    }

  g_signal_emit (self, signals[CHANGED], 0, (gint64)0);
}

static void
botbench_bot_fetch_status_dispose (GObject *object)
{
  BotbenchBotFetchStatus *self = BOTBENCH_BOT_FETCH_STATUS (object);

  if (self->fetchers != NULL)
    botbench_bot_fetch_status_unwatch_all (self);
  if (self->manager != NULL)
    g_signal_handlers_disconnect_by_data (self->manager, self);
  g_clear_object (&self->manager);
  g_clear_object (&self->app);

  G_OBJECT_CLASS (botbench_bot_fetch_status_parent_class)->dispose (object);
}

static void
botbench_bot_fetch_status_finalize (GObject *object)
{
  BotbenchBotFetchStatus *self = BOTBENCH_BOT_FETCH_STATUS (object);

  g_clear_pointer (&self->fetchers, g_ptr_array_unref);

  G_OBJECT_CLASS (botbench_bot_fetch_status_parent_class)->finalize (object);
}

static void
botbench_bot_fetch_status_class_init (BotbenchBotFetchStatusClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = botbench_bot_fetch_status_dispose;
  object_class->finalize = botbench_bot_fetch_status_finalize;

  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
}

static void
botbench_bot_fetch_status_init (BotbenchBotFetchStatus *self)
{
  self->fetchers = g_ptr_array_new_with_free_func (g_object_unref);
}

BotbenchBotFetchStatus *
botbench_bot_fetch_status_new (BotbenchApplication *app)
{
  BotbenchBotFetchStatus *self;

  g_return_val_if_fail (BOTBENCH_IS_APPLICATION (app), NULL);

  self = g_object_new (BOTBENCH_TYPE_BOT_FETCH_STATUS, NULL);
  self->app = g_object_ref (app);
  g_signal_connect_object (app, "bot-store-changed", G_CALLBACK (botbench_bot_fetch_status_follow),
                           self, G_CONNECT_SWAPPED);
  botbench_bot_fetch_status_follow (self);

  return self;
}

static BotbenchFetcher *
botbench_bot_fetch_status_lookup (BotbenchBotFetchStatus *self,
                                  BotbenchBot            *bot)
{
  BotbenchFetcher *fetcher;

  if (self->manager == NULL || bot == NULL || botbench_bot_get_bot_id (bot) <= 0)
    return NULL;

  fetcher = botbench_fetch_manager_get_fetcher (self->manager, botbench_bot_get_bot_id (bot));
  botbench_bot_fetch_status_watch (self, fetcher);
  return fetcher;
}

/* Why a fetcher stopped, from the portal's code. */
static char *
describe_failure (const GError *error)
{
  const char *code = error != NULL && error->domain == BOTBENCH_REST_ERROR
                     ? botbench_rest_error_get_code (error) : NULL;

  if (error == NULL)
    return g_strdup (_("Fetching failed"));
  if (g_strcmp0 (code, "BOT_OWNERSHIP_ERROR") == 0)
    return g_strdup (_("The portal does not accept this bot’s botToken (BOT_OWNERSHIP_ERROR)"));
  if (g_strcmp0 (code, "BOT_NOT_FOUND") == 0)
    return g_strdup (_("Unregistered on the portal (BOT_NOT_FOUND)"));
  if (g_strcmp0 (code, "BOT_TOKEN_NOT_SPECIFIED") == 0)
    return g_strdup (_("No botToken for this bot in the keyring"));
  if (g_error_matches (error, BOTBENCH_REST_ERROR, BOTBENCH_REST_ERROR_INSUFFICIENT_SCOPE) ||
      g_strcmp0 (code, "SCOPE_ERROR") == 0)
    return g_strdup (_("The profile lacks the scope to read bot events (imbot)"));
  if (g_error_matches (error, BOTBENCH_REST_ERROR, BOTBENCH_REST_ERROR_EXPIRED_TOKEN) ||
      g_error_matches (error, BOTBENCH_REST_ERROR, BOTBENCH_REST_ERROR_INVALID_TOKEN) ||
      g_error_matches (error, BOTBENCH_REST_ERROR, BOTBENCH_REST_ERROR_INVALID_CREDENTIALS) ||
      g_error_matches (error, BOTBENCH_REST_ERROR, BOTBENCH_REST_ERROR_NO_AUTH) ||
      g_error_matches (error, BOTBENCH_REST_ERROR, BOTBENCH_REST_ERROR_REFRESH_FAILED))
    return g_strdup (_("The portal refused the profile’s webhook or token (expired or removed?)"));
  if (g_error_matches (error, BOTBENCH_REST_ERROR, BOTBENCH_REST_ERROR_MISSING_SECRET))
    return g_strdup (_("The profile’s secret is not in the keyring"));

  /* Translators: %s says why imbot.v2.Event.get failed */
  return g_strdup_printf (_("Fetching failed: %s"), error->message);
}

char *
botbench_bot_fetch_status_describe (BotbenchBotFetchStatus *self,
                                    BotbenchBot            *bot,
                                    gboolean               *is_error)
{
  BotbenchFetcher *fetcher;
  const GError *error;
  guint64 n_stored;
  g_autofree char *cadence = NULL;

  g_return_val_if_fail (BOTBENCH_IS_BOT_FETCH_STATUS (self), NULL);
  g_return_val_if_fail (BOTBENCH_IS_BOT (bot), NULL);

  if (is_error != NULL)
    *is_error = FALSE;

  if (botbench_bot_get_api (bot) != BOTBENCH_BOT_API_V2 ||
      botbench_bot_get_effective_event_mode (bot) != BOTBENCH_BOT_EVENT_MODE_FETCH ||
      botbench_bot_get_bot_id (bot) <= 0)
    return NULL;

  fetcher = botbench_bot_fetch_status_lookup (self, bot);
  if (fetcher == NULL)
    return g_strdup (self->manager != NULL ? _("About to fetch events") : _("Not fetching"));

  error = botbench_fetcher_get_error (fetcher);
  switch (botbench_fetcher_get_state (fetcher))
    {
    case BOTBENCH_FETCHER_STATE_STOPPED:
      return g_strdup (_("Fetching stopped"));

    case BOTBENCH_FETCHER_STATE_BACKOFF:
      if (is_error != NULL)
        *is_error = TRUE;
      /* Translators: %s says why the last imbot.v2.Event.get failed */
      return g_strdup_printf (_("Backing off after an error: %s"),
                              error != NULL ? error->message : _("unknown error"));

    case BOTBENCH_FETCHER_STATE_FAILED:
      if (is_error != NULL)
        *is_error = TRUE;
      return describe_failure (error);

    case BOTBENCH_FETCHER_STATE_POLLING:
    case BOTBENCH_FETCHER_STATE_WAITING:
    default:
      break;
    }

  /* Translators: %u is seconds between two imbot.v2.Event.get calls */
  cadence = g_strdup_printf (_("Fetching every %u s"), botbench_fetcher_get_interval (fetcher));
  n_stored = botbench_fetcher_get_n_stored (fetcher);
  if (n_stored == 0)
    return g_steal_pointer (&cadence);

  /* Translators: the cadence, then how many events were fetched, e.g.
   * "Fetching every 5 s · 3 events fetched" */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · %llu event fetched",
                                       "%s · %llu events fetched",
                                       n_stored > G_MAXULONG ? G_MAXULONG : (gulong)n_stored),
                          cadence, (unsigned long long) n_stored);
}

char *
botbench_bot_fetch_status_dup_error (BotbenchBotFetchStatus *self,
                                     BotbenchBot            *bot)
{
  BotbenchFetcher *fetcher;
  const GError *error;

  g_return_val_if_fail (BOTBENCH_IS_BOT_FETCH_STATUS (self), NULL);

  fetcher = botbench_bot_fetch_status_lookup (self, bot);
  error = fetcher != NULL ? botbench_fetcher_get_error (fetcher) : NULL;
  return error != NULL ? g_strdup (error->message) : NULL;
}
