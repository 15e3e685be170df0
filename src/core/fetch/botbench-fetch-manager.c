/* botbench-fetch-manager.c: one fetcher per imbot.v2 fetch-mode bot of a profile
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sync() compares the bot store with the fetchers: it stops those whose
 * bot is gone (or left fetch mode), replaces failed ones, and for a new
 * bot looks its botToken up (webhook profiles) before making and starting
 * its fetcher.  It runs at start() and whenever the bot store changes.
 */
#define G_LOG_DOMAIN "botbench-fetch"

#include "config.h"

#include "botbench-bot-v2.h"
#include "botbench-fetch-manager.h"

struct _BotbenchFetchManager
{
  GObject              parent_instance;

  BotbenchRestClient  *client;
  BotbenchSecretStore *secrets;
  BotbenchBotStore    *bots;
  BotbenchEventStore  *store;
  BotbenchForwarder   *forwarder;    /* given to every fetcher, or NULL */

  GHashTable          *fetchers;     /* gint64 * bot id → BotbenchFetcher */
  GHashTable          *pending;      /* gint64 * bot id → nothing: token lookup under way */
  GCancellable        *cancellable;  /* of the lookups of this run */
  gboolean             running;
  guint                interval;
  gulong               changed_id;
};

G_DEFINE_FINAL_TYPE (BotbenchFetchManager, botbench_fetch_manager, G_TYPE_OBJECT)

enum {
  SIGNAL_FETCHER_ADDED,
  SIGNAL_FETCHER_REMOVED,
  SIGNAL_EVENTS_STORED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void sync_fetchers (BotbenchFetchManager *self);

static gint64 *
id_new (gint64 id)
{
  gint64 *key = g_new (gint64, 1);

  *key = id;
  return key;
}

static gboolean
is_fetch_bot (BotbenchBot *bot)
{
  return bot != NULL && botbench_bot_get_bot_id (bot) > 0 &&
         botbench_bot_get_api (bot) == BOTBENCH_BOT_API_V2 &&
         botbench_bot_get_effective_event_mode (bot) == BOTBENCH_BOT_EVENT_MODE_FETCH;
}

static void
events_stored_cb (BotbenchFetcher      *fetcher,
                  GPtrArray            *events,
                  BotbenchFetchManager *self)
{
  g_signal_emit (self, signals[SIGNAL_EVENTS_STORED], 0, fetcher, events);
}

static void
remove_fetcher (BotbenchFetchManager *self,
                gint64                bot_id)
{
  g_autoptr(BotbenchFetcher) fetcher = NULL;
  gpointer key = NULL, value = NULL;

  if (!g_hash_table_steal_extended (self->fetchers, &bot_id, &key, &value))
    return;
  g_free (key);
  fetcher = value;
  botbench_fetcher_stop (fetcher);
  g_signal_handlers_disconnect_by_data (fetcher, self);
  g_signal_emit (self, signals[SIGNAL_FETCHER_REMOVED], 0, fetcher);
}

static void
add_fetcher (BotbenchFetchManager *self,
             gint64                bot_id,
             const char           *token)
{
  BotbenchFetcher *fetcher = botbench_fetcher_new (self->client, self->store, bot_id, token);

  botbench_fetcher_set_interval (fetcher, self->interval);
  botbench_fetcher_set_forwarder (fetcher, self->forwarder);
  g_signal_connect (fetcher, "events-stored", G_CALLBACK (events_stored_cb), self);
  g_hash_table_insert (self->fetchers, id_new (bot_id), fetcher);
  g_signal_emit (self, signals[SIGNAL_FETCHER_ADDED], 0, fetcher);
  botbench_fetcher_start (fetcher);
}

typedef struct
{
  BotbenchFetchManager *self;
  GCancellable         *cancellable;
  gint64                bot_id;
} Lookup;

static void
lookup_free (Lookup *lookup)
{
  g_object_unref (lookup->self);
  g_object_unref (lookup->cancellable);
  g_free (lookup);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Lookup, lookup_free)

static void
lookup_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(Lookup) lookup = user_data;
  BotbenchFetchManager *self = lookup->self;
  g_autoptr(GError) error = NULL;
  char *token;

  token = botbench_secret_store_lookup_finish (BOTBENCH_SECRET_STORE (source), result, &error);
  if (g_cancellable_is_cancelled (lookup->cancellable))
    {
      botbench_secret_free (token);
      return;
    }

  g_hash_table_remove (self->pending, &lookup->bot_id);
  if (error != NULL)
    g_debug ("Bot %" G_GINT64_FORMAT ": cannot read its botToken: %s", lookup->bot_id, error->message);

  /* Still wanted?  (The store may have changed meanwhile.)  Without a
   * token the fetcher fails with BOT_TOKEN_NOT_SPECIFIED, shown on the bot. */
  if (is_fetch_bot (botbench_bot_store_lookup_by_id (self->bots, lookup->bot_id)) &&
      !g_hash_table_contains (self->fetchers, &lookup->bot_id))
    add_fetcher (self, lookup->bot_id, token);
  botbench_secret_free (token);
}

static void
begin_add (BotbenchFetchManager *self,
           BotbenchBot          *bot)
{
  BotbenchProfile *profile = botbench_rest_client_get_profile (self->client);
  gint64 bot_id = botbench_bot_get_bot_id (bot);
  g_autofree char *key = NULL;
  Lookup *lookup;

  if (botbench_profile_get_kind (profile) != BOTBENCH_PROFILE_KIND_WEBHOOK)
    {
      add_fetcher (self, bot_id, NULL);
      return;
    }

  key = botbench_secret_bot_token_key (botbench_profile_get_uuid (profile),
                                       botbench_bot_get_code (bot) ? botbench_bot_get_code (bot) : "");
  lookup = g_new0 (Lookup, 1);
  lookup->self = g_object_ref (self);
  lookup->cancellable = g_object_ref (self->cancellable);
  lookup->bot_id = bot_id;
  g_hash_table_add (self->pending, id_new (bot_id));
  botbench_secret_store_lookup_async (self->secrets, key, BOTBENCH_SECRET_KIND_BOT_TOKEN,
                                      self->cancellable, lookup_cb, lookup);
}

static void
sync_fetchers (BotbenchFetchManager *self)
{
  g_autoptr(GHashTable) wanted = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GArray) gone = g_array_new (FALSE, FALSE, sizeof (gint64));
  GListModel *model = G_LIST_MODEL (self->bots);
  guint n = g_list_model_get_n_items (model);
  GHashTableIter iter;
  gpointer key, value;

  if (!self->running)
    return;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BotbenchBot) bot = g_list_model_get_item (model, i);

      if (is_fetch_bot (bot))
        g_hash_table_add (wanted, id_new (botbench_bot_get_bot_id (bot)));
    }

  g_hash_table_iter_init (&iter, self->fetchers);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      BotbenchFetcherState state = botbench_fetcher_get_state (value);

      /* Gone, or failed: a changed bot may have a new token. */
      if (!g_hash_table_contains (wanted, key) || state == BOTBENCH_FETCHER_STATE_FAILED)
        g_array_append_val (gone, *(gint64 *)key);
    }
  for (guint i = 0; i < gone->len; i++)
    remove_fetcher (self, g_array_index (gone, gint64, i));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BotbenchBot) bot = g_list_model_get_item (model, i);
      gint64 bot_id = botbench_bot_get_bot_id (bot);

      if (is_fetch_bot (bot) &&
          !g_hash_table_contains (self->fetchers, &bot_id) &&
          !g_hash_table_contains (self->pending, &bot_id))
        begin_add (self, bot);
    }
}

static void
bots_changed_cb (GListModel           *model,
                 guint                 position,
                 guint                 removed,
                 guint                 added,
                 BotbenchFetchManager *self)
{
  sync_fetchers (self);
}

void
botbench_fetch_manager_start (BotbenchFetchManager *self)
{
  g_return_if_fail (BOTBENCH_IS_FETCH_MANAGER (self));

  if (self->running)
    return;
  self->running = TRUE;
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->changed_id = g_signal_connect (self->bots, "items-changed", G_CALLBACK (bots_changed_cb), self);
  sync_fetchers (self);
}

void
botbench_fetch_manager_stop (BotbenchFetchManager *self)
{
  g_autoptr(GList) ids = NULL;

  g_return_if_fail (BOTBENCH_IS_FETCH_MANAGER (self));

  if (!self->running)
    return;
  self->running = FALSE;
  g_cancellable_cancel (self->cancellable);
  g_hash_table_remove_all (self->pending);
  g_clear_signal_handler (&self->changed_id, self->bots);

  ids = g_hash_table_get_keys (self->fetchers);
  for (GList *l = ids; l != NULL; l = l->next)
    {
      gint64 bot_id = *(gint64 *)l->data;

      remove_fetcher (self, bot_id);
    }
}

void
botbench_fetch_manager_refresh (BotbenchFetchManager *self)
{
  g_return_if_fail (BOTBENCH_IS_FETCH_MANAGER (self));
  sync_fetchers (self);
}

BotbenchFetcher *
botbench_fetch_manager_get_fetcher (BotbenchFetchManager *self,
                                    gint64                bot_id)
{
  g_return_val_if_fail (BOTBENCH_IS_FETCH_MANAGER (self), NULL);
  return g_hash_table_lookup (self->fetchers, &bot_id);
}

void
botbench_fetch_manager_set_interval (BotbenchFetchManager *self,
                                     guint                 seconds)
{
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (BOTBENCH_IS_FETCH_MANAGER (self));

  self->interval = CLAMP (seconds, BOTBENCH_FETCHER_MIN_INTERVAL, BOTBENCH_FETCHER_MAX_INTERVAL);
  g_hash_table_iter_init (&iter, self->fetchers);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    botbench_fetcher_set_interval (value, self->interval);
}

void
botbench_fetch_manager_set_forwarder (BotbenchFetchManager *self,
                                      BotbenchForwarder    *forwarder)
{
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (BOTBENCH_IS_FETCH_MANAGER (self));
  g_return_if_fail (forwarder == NULL || BOTBENCH_IS_FORWARDER (forwarder));

  g_set_object (&self->forwarder, forwarder);
  g_hash_table_iter_init (&iter, self->fetchers);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    botbench_fetcher_set_forwarder (value, forwarder);
}

static void
botbench_fetch_manager_dispose (GObject *object)
{
  BotbenchFetchManager *self = BOTBENCH_FETCH_MANAGER (object);

  botbench_fetch_manager_stop (self);

  G_OBJECT_CLASS (botbench_fetch_manager_parent_class)->dispose (object);
}

static void
botbench_fetch_manager_finalize (GObject *object)
{
  BotbenchFetchManager *self = BOTBENCH_FETCH_MANAGER (object);

  g_clear_pointer (&self->fetchers, g_hash_table_unref);
  g_clear_pointer (&self->pending, g_hash_table_unref);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->client);
  g_clear_object (&self->secrets);
  g_clear_object (&self->bots);
  g_clear_object (&self->store);
  g_clear_object (&self->forwarder);

  G_OBJECT_CLASS (botbench_fetch_manager_parent_class)->finalize (object);
}

static void
botbench_fetch_manager_class_init (BotbenchFetchManagerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = botbench_fetch_manager_dispose;
  object_class->finalize = botbench_fetch_manager_finalize;

  signals[SIGNAL_FETCHER_ADDED] =
    g_signal_new ("fetcher-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, BOTBENCH_TYPE_FETCHER);
  signals[SIGNAL_FETCHER_REMOVED] =
    g_signal_new ("fetcher-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, BOTBENCH_TYPE_FETCHER);
  signals[SIGNAL_EVENTS_STORED] =
    g_signal_new ("events-stored", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, BOTBENCH_TYPE_FETCHER, G_TYPE_PTR_ARRAY);
}

static void
botbench_fetch_manager_init (BotbenchFetchManager *self)
{
  self->fetchers = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  self->pending = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->interval = BOTBENCH_FETCHER_DEFAULT_INTERVAL;
}

BotbenchFetchManager *
botbench_fetch_manager_new (BotbenchRestClient  *client,
                            BotbenchSecretStore *secrets,
                            BotbenchBotStore    *bots,
                            BotbenchEventStore  *store)
{
  BotbenchFetchManager *self;

  g_return_val_if_fail (BOTBENCH_IS_REST_CLIENT (client), NULL);
  g_return_val_if_fail (BOTBENCH_IS_SECRET_STORE (secrets), NULL);
  g_return_val_if_fail (BOTBENCH_IS_BOT_STORE (bots), NULL);
  g_return_val_if_fail (BOTBENCH_IS_EVENT_STORE (store), NULL);

  self = g_object_new (BOTBENCH_TYPE_FETCH_MANAGER, NULL);
  self->client = g_object_ref (client);
  self->secrets = g_object_ref (secrets);
  self->bots = g_object_ref (bots);
  self->store = g_object_ref (store);

  return self;
}
