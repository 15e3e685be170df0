/* botbench-auth-follower.c: OAuth profiles kept fresh by their application's events
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * "events-added" starts a look on a worker thread: the events after the
 * last one looked at, read in pages, whose form carries an application's
 * auth[...] (BotbenchAppAuth).  Back on the main context each is matched
 * against the OAuth profiles with its member_id, one at a time: the
 * profile's expected application_token comes from the keyring, then the
 * tokens go there.  One look at a time; the next starts where it ended.
 */
#define G_LOG_DOMAIN "botbench-auth-follower"

#include "config.h"

#include "botbench-app-auth.h"
#include "botbench-auth-follower.h"
#include "botbench-event.h"
#include "botbench-token-check.h"

#define PAGE 256

struct _BotbenchAuthFollower
{
  GObject                 parent_instance;

  BotbenchEventStore     *store;
  BotbenchProfileManager *profiles;
  BotbenchSecretStore    *secrets;
  GCancellable           *cancellable;
  gint64                  seen;      /* looked at up to this id */
  gboolean                busy;      /* a look or a match is under way */
  gboolean                again;     /* events came meanwhile */
  GQueue                  pending;   /* BotbenchAppAuth *, to match in order */
};

G_DEFINE_FINAL_TYPE (BotbenchAuthFollower, botbench_auth_follower, G_TYPE_OBJECT)

enum {
  TOKENS_UPDATED,
  UNINSTALLED,
  SECRET_ERROR,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void follower_look (BotbenchAuthFollower *self);
static void match_next    (BotbenchAuthFollower *self);

/* ---- looking (worker thread) ------------------------------------------------------------ */

typedef struct
{
  BotbenchEventStore *store;
  gint64              after;
  gint64              seen;     /* result */
  GPtrArray          *auths;    /* result: BotbenchAppAuth */
} Look;

static void
look_free (Look *look)
{
  g_clear_object (&look->store);
  g_clear_pointer (&look->auths, g_ptr_array_unref);
  g_free (look);
}

static void
look_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Look *look = task_data;
  GError *error = NULL;

  look->seen = look->after;
  for (;;)
    {
      BotbenchEventQuery query = { .after_id = look->seen, .ascending = TRUE, .limit = PAGE };
      g_autoptr(GPtrArray) events = NULL;

      if (g_task_return_error_if_cancelled (task))
        return;
      events = botbench_event_store_query (look->store, &query, &error);
      if (events == NULL)
        {
          g_task_return_error (task, error);
          return;
        }

      for (guint i = 0; i < events->len; i++)
        {
          BotbenchEvent *event = g_ptr_array_index (events, i);
          BotbenchAppAuth *auth;

          look->seen = botbench_event_get_id (event);
          if (botbench_event_get_form (event) != NULL &&
              ((auth = botbench_app_auth_from_event (event, NULL)) != NULL ||
               (auth = botbench_app_auth_from_uninstall (event)) != NULL))
            g_ptr_array_add (look->auths, auth);
        }

      if (events->len < PAGE)
        break;
    }

  /* Not up to the store's last id: an event it counts may not be readable
   * yet on this thread's connection, and would be passed over for good.
   * It is read by the next look (events-added comes again). */
  g_task_return_boolean (task, TRUE);
}

static void
look_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(BotbenchAuthFollower) self = user_data;
  Look *look = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      self->busy = FALSE;
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Cannot look at the new events: %s", error->message);
      return;
    }

  self->seen = MAX (self->seen, look->seen);
  for (guint i = 0; i < look->auths->len; i++)
    g_queue_push_tail (&self->pending, g_steal_pointer (&g_ptr_array_index (look->auths, i)));
  match_next (self);
}

static void
follower_look (BotbenchAuthFollower *self)
{
  g_autoptr(GTask) task = NULL;
  Look *look;

  self->again = FALSE;
  self->busy = TRUE;

  look = g_new0 (Look, 1);
  look->store = g_object_ref (self->store);
  look->after = self->seen;
  look->auths = g_ptr_array_new_with_free_func ((GDestroyNotify)botbench_app_auth_free);

  task = g_task_new (self, self->cancellable, look_done_cb, g_object_ref (self));
  g_task_set_source_tag (task, follower_look);
  g_task_set_task_data (task, look, (GDestroyNotify)look_free);
  g_task_run_in_thread (task, look_thread);
}

/* ---- matching (main context) ------------------------------------------------------------ */

typedef struct
{
  BotbenchAuthFollower *self;
  BotbenchProfile      *profile;
  BotbenchAppAuth      *auth;
  guint                 stores_left;
  GError               *error;
} Match;

static void
match_free (Match *match)
{
  g_object_unref (match->self);
  g_object_unref (match->profile);
  botbench_app_auth_free (match->auth);
  g_clear_error (&match->error);
  g_free (match);
}

/* The OAuth profile of this installation that follows its events, or NULL. */
static BotbenchProfile *
find_profile (BotbenchAuthFollower *self,
              BotbenchAppAuth      *auth)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->profiles));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BotbenchProfile) profile = g_list_model_get_item (G_LIST_MODEL (self->profiles), i);

      if (botbench_profile_get_kind (profile) == BOTBENCH_PROFILE_KIND_OAUTH &&
          botbench_profile_get_follow_event_tokens (profile) &&
          g_strcmp0 (botbench_profile_get_member_id (profile), auth->member_id) == 0)
        return g_steal_pointer (&profile);
    }

  return NULL;
}

static void
stored_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Match *match = user_data;
  GError *error = NULL;

  if (!botbench_secret_store_store_finish (BOTBENCH_SECRET_STORE (object), result, &error))
    {
      if (match->error == NULL)
        match->error = error;
      else
        g_error_free (error);
    }
  if (--match->stores_left > 0)
    return;

  if (match->error != NULL)
    {
      if (!g_error_matches (match->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_signal_emit (match->self, signals[SECRET_ERROR], 0, match->error);
    }
  else
    {
      /* The expiry only once the tokens are where the client reads them. */
      botbench_profile_set_token_expires (match->profile, match->auth->expires);
      if (g_strcmp0 (match->auth->event, "ONAPPINSTALL") == 0)
        botbench_profile_set_uninstalled (match->profile, FALSE);
      g_signal_emit (match->self, signals[TOKENS_UPDATED], 0, match->profile);
    }

  if (!g_cancellable_is_cancelled (match->self->cancellable))
    match_next (match->self);
  else
    match->self->busy = FALSE;
  match_free (match);
}

static void
store_token (Match              *match,
             BotbenchSecretKind  kind,
             const char         *value)
{
  match->stores_left++;
  botbench_secret_store_store_async (match->self->secrets, botbench_profile_get_uuid (match->profile),
                                     kind, value, match->self->cancellable, stored_cb, match);
}

static void
expected_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Match *match = user_data;
  BotbenchAuthFollower *self = match->self;
  g_autoptr(GError) error = NULL;
  char *expected;
  gboolean ours;

  expected = botbench_secret_store_lookup_finish (BOTBENCH_SECRET_STORE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      botbench_secret_free (expected);
      self->busy = FALSE;
      match_free (match);
      return;
    }

  /* The same installation: its member_id and its application_token. */
  ours = expected != NULL && match->auth->application_token != NULL &&
         botbench_token_equal (expected, match->auth->application_token);
  botbench_secret_free (expected);

  if (!ours)
    {
      g_debug ("An event of member %s does not carry profile %s's application_token",
               match->auth->member_id, botbench_profile_get_name (match->profile));
    }
  else if (g_strcmp0 (match->auth->event, "ONAPPUNINSTALL") == 0)
    {
      botbench_profile_set_uninstalled (match->profile, TRUE);
      g_signal_emit (self, signals[UNINSTALLED], 0, match->profile);
    }
  else if (match->auth->expires > botbench_profile_get_token_expires (match->profile) ||
           (botbench_profile_get_uninstalled (match->profile) &&
            g_strcmp0 (match->auth->event, "ONAPPINSTALL") == 0))
    {
      store_token (match, BOTBENCH_SECRET_KIND_ACCESS_TOKEN, match->auth->access_token);
      if (match->auth->refresh_token != NULL)
        store_token (match, BOTBENCH_SECRET_KIND_REFRESH_TOKEN, match->auth->refresh_token);
      return;   /* stored_cb goes on */
    }

  match_next (self);
  match_free (match);
}

/* Matches the next pending auth block; looks again when none is left and
 * events came meanwhile. */
static void
match_next (BotbenchAuthFollower *self)
{
  for (;;)
    {
      BotbenchAppAuth *auth = g_queue_pop_head (&self->pending);
      BotbenchProfile *profile;
      Match *match;

      if (auth == NULL)
        break;
      if ((profile = find_profile (self, auth)) == NULL)
        {
          botbench_app_auth_free (auth);
          continue;
        }

      match = g_new0 (Match, 1);
      match->self = g_object_ref (self);
      match->profile = profile;
      match->auth = auth;
      botbench_secret_store_lookup_async (self->secrets, botbench_profile_get_uuid (profile),
                                          BOTBENCH_SECRET_KIND_APPLICATION_TOKEN, self->cancellable,
                                          expected_cb, match);
      return;
    }

  self->busy = FALSE;
  if (self->again)
    follower_look (self);
}

static void
events_added_cb (BotbenchAuthFollower *self,
                 gint64                last_id,
                 BotbenchEventStore   *store)
{
  if (last_id <= self->seen || g_cancellable_is_cancelled (self->cancellable))
    return;

  if (self->busy)
    self->again = TRUE;
  else
    follower_look (self);
}

/* ---- the object -------------------------------------------------------------------------- */

void
botbench_auth_follower_stop (BotbenchAuthFollower *self)
{
  g_return_if_fail (BOTBENCH_IS_AUTH_FOLLOWER (self));

  g_cancellable_cancel (self->cancellable);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_func (self->store, events_added_cb, self);
  g_queue_clear_full (&self->pending, (GDestroyNotify)botbench_app_auth_free);
}

static void
botbench_auth_follower_dispose (GObject *object)
{
  BotbenchAuthFollower *self = BOTBENCH_AUTH_FOLLOWER (object);

  botbench_auth_follower_stop (self);

  G_OBJECT_CLASS (botbench_auth_follower_parent_class)->dispose (object);
}

static void
botbench_auth_follower_finalize (GObject *object)
{
  BotbenchAuthFollower *self = BOTBENCH_AUTH_FOLLOWER (object);

  g_clear_object (&self->store);
  g_clear_object (&self->profiles);
  g_clear_object (&self->secrets);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (botbench_auth_follower_parent_class)->finalize (object);
}

static void
botbench_auth_follower_class_init (BotbenchAuthFollowerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = botbench_auth_follower_dispose;
  object_class->finalize = botbench_auth_follower_finalize;

  signals[TOKENS_UPDATED] =
    g_signal_new ("tokens-updated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, BOTBENCH_TYPE_PROFILE);
  signals[UNINSTALLED] =
    g_signal_new ("uninstalled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, BOTBENCH_TYPE_PROFILE);
  signals[SECRET_ERROR] =
    g_signal_new ("secret-error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
botbench_auth_follower_init (BotbenchAuthFollower *self)
{
  g_queue_init (&self->pending);
  self->cancellable = g_cancellable_new ();
}

BotbenchAuthFollower *
botbench_auth_follower_new (BotbenchEventStore     *store,
                            BotbenchProfileManager *profiles,
                            BotbenchSecretStore    *secrets)
{
  BotbenchAuthFollower *self;

  g_return_val_if_fail (BOTBENCH_IS_EVENT_STORE (store), NULL);
  g_return_val_if_fail (BOTBENCH_IS_PROFILE_MANAGER (profiles), NULL);
  g_return_val_if_fail (BOTBENCH_IS_SECRET_STORE (secrets), NULL);

  self = g_object_new (BOTBENCH_TYPE_AUTH_FOLLOWER, NULL);
  self->store = g_object_ref (store);
  self->profiles = g_object_ref (profiles);
  self->secrets = g_object_ref (secrets);
  self->seen = botbench_event_store_get_last_id (store);
  g_signal_connect_object (store, "events-added", G_CALLBACK (events_added_cb), self, G_CONNECT_SWAPPED);

  return self;
}
