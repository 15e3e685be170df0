/* botbench-token-sync.c: the listener's expected application_token follows the active profile
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each update asks the keyring (botbench_token_check_dup_expected_async)
 * for the active profile's token; an answer older than the latest update
 * is dropped.  Until the profile has a token, a BotbenchTokenLearner
 * (botbench-token-check.h) makes the application_token of the first
 * ONAPPINSTALL the store receives its token (reference §4.7) and keeps it
 * in the keyring, looking off the main thread.
 */
#define G_LOG_DOMAIN "botbench-token-sync"

#include "config.h"

#include "botbench-token-sync.h"

struct _BotbenchTokenSync
{
  GObject                 parent_instance;

  BotbenchListener       *listener;
  BotbenchEventStore     *store;
  BotbenchProfileManager *profiles;
  BotbenchSecretStore    *secrets;
  GCancellable           *cancellable;

  /* Bumped by every update: older answers are dropped. */
  guint                   serial;
  /* Until the active profile has a token: the first ONAPPINSTALL teaches it. */
  BotbenchTokenLearner   *learner;
};

G_DEFINE_FINAL_TYPE (BotbenchTokenSync, botbench_token_sync, G_TYPE_OBJECT)

enum {
  SECRET_ERROR,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  BotbenchTokenSync *self;
  guint              serial;
} Lookup;

static void
learner_secret_error_cb (BotbenchTokenSync    *self,
                         const GError         *error,
                         BotbenchTokenLearner *learner)
{
  g_signal_emit (self, signals[SECRET_ERROR], 0, error);
}

static void
drop_learner (BotbenchTokenSync *self)
{
  if (self->learner == NULL)
    return;

  /* A token already learned is still written to the keyring. */
  botbench_token_learner_stop (self->learner);
  g_signal_handlers_disconnect_by_data (self->learner, self);
  g_clear_object (&self->learner);
}

static void
lookup_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  BotbenchProfile *profile = BOTBENCH_PROFILE (object);
  g_autofree Lookup *lookup = user_data;
  g_autoptr(BotbenchTokenSync) self = lookup->self;
  g_autoptr(GError) error = NULL;
  char *token;

  token = botbench_token_check_dup_expected_finish (profile, result, &error);
  if (lookup->serial != self->serial || self->listener == NULL ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      botbench_secret_free (token);
      return;
    }

  /* An ONAPPINSTALL taught the token while the keyring was asked. */
  if (token == NULL && self->learner != NULL &&
      botbench_token_learner_get_token (self->learner) != NULL)
    return;
  if (token != NULL)
    drop_learner (self);

  if (error != NULL)
    {
      g_debug ("Cannot read the expected application_token: %s", error->message);
      g_signal_emit (self, signals[SECRET_ERROR], 0, error);
    }

  botbench_listener_set_expected_token (self->listener, token);
  botbench_listener_set_strict_token (self->listener,
                                      token != NULL && botbench_profile_get_strict_token (profile));
  botbench_secret_free (token);
}

static void
botbench_token_sync_dispose (GObject *object)
{
  BotbenchTokenSync *self = (BotbenchTokenSync *)object;

  g_cancellable_cancel (self->cancellable);
  drop_learner (self);
  g_clear_object (&self->listener);
  g_clear_object (&self->store);
  g_clear_object (&self->profiles);
  g_clear_object (&self->secrets);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (botbench_token_sync_parent_class)->dispose (object);
}

static void
botbench_token_sync_class_init (BotbenchTokenSyncClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = botbench_token_sync_dispose;

  signals[SECRET_ERROR] =
    g_signal_new ("secret-error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
botbench_token_sync_init (BotbenchTokenSync *self)
{
  self->cancellable = g_cancellable_new ();
}

BotbenchTokenSync *
botbench_token_sync_new (BotbenchListener       *listener,
                         BotbenchEventStore     *store,
                         BotbenchProfileManager *profiles,
                         BotbenchSecretStore    *secrets)
{
  BotbenchTokenSync *self;

  g_return_val_if_fail (BOTBENCH_IS_LISTENER (listener), NULL);
  g_return_val_if_fail (BOTBENCH_IS_EVENT_STORE (store), NULL);
  g_return_val_if_fail (BOTBENCH_IS_PROFILE_MANAGER (profiles), NULL);
  g_return_val_if_fail (BOTBENCH_IS_SECRET_STORE (secrets), NULL);

  self = g_object_new (BOTBENCH_TYPE_TOKEN_SYNC, NULL);
  self->listener = g_object_ref (listener);
  self->store = g_object_ref (store);
  self->profiles = g_object_ref (profiles);
  self->secrets = g_object_ref (secrets);

  return self;
}

void
botbench_token_sync_update (BotbenchTokenSync *self)
{
  BotbenchProfile *profile;
  Lookup *lookup;

  g_return_if_fail (BOTBENCH_IS_TOKEN_SYNC (self));

  if (self->listener == NULL)
    return;

  self->serial++;
  drop_learner (self);
  profile = botbench_profile_manager_get_active (self->profiles);
  if (profile == NULL)
    {
      botbench_listener_set_expected_token (self->listener, NULL);
      botbench_listener_set_strict_token (self->listener, FALSE);
      return;
    }

  /* Learning starts now: an ONAPPINSTALL may arrive while the keyring is
   * asked. */
  self->learner = botbench_token_learner_new (self->store, self->listener, profile, self->secrets);
  g_signal_connect_object (self->learner, "secret-error", G_CALLBACK (learner_secret_error_cb),
                           self, G_CONNECT_SWAPPED);

  lookup = g_new0 (Lookup, 1);
  lookup->self = g_object_ref (self);
  lookup->serial = self->serial;
  botbench_token_check_dup_expected_async (profile, self->secrets, self->cancellable,
                                           lookup_done_cb, lookup);
}

void
botbench_token_sync_stop (BotbenchTokenSync *self)
{
  g_return_if_fail (BOTBENCH_IS_TOKEN_SYNC (self));

  self->serial++;
  g_cancellable_cancel (self->cancellable);
  drop_learner (self);
}
