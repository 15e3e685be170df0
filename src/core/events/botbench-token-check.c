/* botbench-token-check.c: application_token verification
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The token states, their strings, and the comparison of an event's
 * top-level auth[application_token] with the profile's expected token.
 */
#define G_LOG_DOMAIN "botbench-token-check"

#include "config.h"

#include <string.h>

#include "botbench-form-node.h"
#include "botbench-token-check.h"

gboolean
botbench_token_equal (const char *a,
                      const char *b)
{
  gsize len_a, len_b, len;
  guint diff;

  g_return_val_if_fail (a != NULL, FALSE);
  g_return_val_if_fail (b != NULL, FALSE);

  len_a = strlen (a);
  len_b = strlen (b);
  len = MAX (len_a, len_b);
  diff = len_a != len_b;

  /* Every byte of the longer string is looked at, whatever differs. */
  for (gsize i = 0; i < len; i++)
    {
      guchar ca = i < len_a ? (guchar)a[i] : 0;
      guchar cb = i < len_b ? (guchar)b[i] : 0;

      diff |= (guint)(ca ^ cb);
    }

  return diff == 0;
}

const char *
botbench_token_check_find (BotbenchEvent *event)
{
  BotbenchFormNode *form;
  JsonNode *json;
  const char *token = NULL;

  g_return_val_if_fail (BOTBENCH_IS_EVENT (event), NULL);

  if ((form = botbench_event_get_form (event)) != NULL)
    {
      gsize len = 0;
      BotbenchFormNode *auth = botbench_form_node_lookup (form, "auth");
      BotbenchFormNode *node = auth ? botbench_form_node_lookup (auth, "application_token") : NULL;

      /* A token with a NUL in it is no token we could have issued. */
      if (node != NULL && botbench_form_node_get_node_type (node) == BOTBENCH_FORM_NODE_STRING &&
          (token = botbench_form_node_get_string (node, &len)) != NULL && strlen (token) != len)
        token = NULL;
    }
  else if ((json = botbench_event_get_json (event)) != NULL && JSON_NODE_HOLDS_OBJECT (json))
    {
      JsonNode *auth = json_object_get_member (json_node_get_object (json), "auth");
      JsonNode *node = NULL;

      if (auth != NULL && JSON_NODE_HOLDS_OBJECT (auth))
        node = json_object_get_member (json_node_get_object (auth), "application_token");
      if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
          json_node_get_value_type (node) == G_TYPE_STRING)
        token = json_node_get_string (node);
    }

  if (token == NULL || *token == '\0')
    return NULL;

  return token;
}

const char *
botbench_token_check_find_install (BotbenchEvent *event)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENT (event), NULL);

  if (g_strcmp0 (botbench_event_get_event_name (event), "ONAPPINSTALL") != 0)
    return NULL;

  return botbench_token_check_find (event);
}

BotbenchTokenState
botbench_token_check (BotbenchEvent *event,
                      const char    *expected)
{
  const char *token;

  g_return_val_if_fail (BOTBENCH_IS_EVENT (event), BOTBENCH_TOKEN_STATE_UNKNOWN);

  if (expected == NULL || *expected == '\0')
    return BOTBENCH_TOKEN_STATE_UNKNOWN;

  if ((token = botbench_token_check_find (event)) == NULL)
    return BOTBENCH_TOKEN_STATE_MISSING;

  return botbench_token_equal (token, expected) ? BOTBENCH_TOKEN_STATE_VERIFIED
                                                : BOTBENCH_TOKEN_STATE_WRONG;
}

/* The fallback when the keyring holds no token (see the header). */
static char *
dup_builtin_token (BotbenchProfile *profile)
{
  const char *client_id = botbench_profile_get_client_id (profile);

  if (botbench_profile_is_builtin_sandbox (profile) &&
      botbench_profile_get_kind (profile) == BOTBENCH_PROFILE_KIND_WEBHOOK &&
      client_id != NULL && *client_id != '\0')
    return g_strdup (client_id);

  return NULL;
}

char *
botbench_token_check_dup_expected_sync (BotbenchProfile     *profile,
                                        BotbenchSecretStore *secrets,
                                        GCancellable        *cancellable,
                                        GError             **error)
{
  g_autoptr(GError) local_error = NULL;
  char *token;

  g_return_val_if_fail (BOTBENCH_IS_PROFILE (profile), NULL);
  g_return_val_if_fail (BOTBENCH_IS_SECRET_STORE (secrets), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  token = botbench_secret_store_lookup_sync (secrets, botbench_profile_get_uuid (profile),
                                             BOTBENCH_SECRET_KIND_APPLICATION_TOKEN,
                                             cancellable, &local_error);
  if (token != NULL && *token != '\0')
    return token;
  g_clear_pointer (&token, botbench_secret_free);

  if ((token = dup_builtin_token (profile)) != NULL)
    return token;

  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));

  return NULL;
}

static void
expected_lookup_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BotbenchProfile *profile = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  char *token;

  token = botbench_secret_store_lookup_finish (BOTBENCH_SECRET_STORE (object), result, &error);
  if (token != NULL && *token != '\0')
    {
      g_task_return_pointer (task, token, (GDestroyNotify)botbench_secret_free);
      return;
    }
  g_clear_pointer (&token, botbench_secret_free);

  if ((token = dup_builtin_token (profile)) != NULL)
    g_task_return_pointer (task, token, (GDestroyNotify)botbench_secret_free);
  else if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, NULL, NULL);
}

void
botbench_token_check_dup_expected_async (BotbenchProfile     *profile,
                                         BotbenchSecretStore *secrets,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (BOTBENCH_IS_PROFILE (profile));
  g_return_if_fail (BOTBENCH_IS_SECRET_STORE (secrets));

  task = g_task_new (profile, cancellable, callback, user_data);
  g_task_set_source_tag (task, botbench_token_check_dup_expected_async);
  botbench_secret_store_lookup_async (secrets, botbench_profile_get_uuid (profile),
                                      BOTBENCH_SECRET_KIND_APPLICATION_TOKEN, cancellable,
                                      expected_lookup_cb, task);
}

char *
botbench_token_check_dup_expected_finish (BotbenchProfile  *profile,
                                          GAsyncResult     *result,
                                          GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, profile), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == botbench_token_check_dup_expected_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- learning the token from ONAPPINSTALL ------------------------------ */

/* ONAPPINSTALL events read per page. */
#define INSTALL_PAGE 10

struct _BotbenchTokenLearner
{
  GObject              parent_instance;

  BotbenchEventStore  *store;
  BotbenchListener    *listener;
  BotbenchProfile     *profile;
  BotbenchSecretStore *secrets;
  GCancellable        *cancellable;

  gint64               seen;      /* events up to this id were looked at */
  char                *token;     /* once learned */
  guint                busy : 1;  /* a look is under way */
  guint                again : 1; /* events were added meanwhile */
};

G_DEFINE_FINAL_TYPE (BotbenchTokenLearner, botbench_token_learner, G_TYPE_OBJECT)

enum {
  LEARNED,
  SECRET_ERROR,
  N_LEARNER_SIGNALS
};

static guint learner_signals[N_LEARNER_SIGNALS];

typedef struct
{
  BotbenchEventStore *store;
  gint64              after;   /* look after this id */
  gint64              up_to;   /* every event up to this id is committed */
  gint64              seen;    /* result: looked at up to here */
  char               *token;   /* result */
} Look;

static void
look_free (Look *look)
{
  g_clear_object (&look->store);
  g_free (look->token);
  g_free (look);
}

/* On a worker thread: the first ONAPPINSTALL after look->after that
 * carries a token. */
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
      BotbenchEventQuery query = {
        .event_name = "ONAPPINSTALL", .after_id = look->seen, .ascending = TRUE, .limit = INSTALL_PAGE,
      };
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
          const char *token = botbench_token_check_find_install (event);

          look->seen = botbench_event_get_id (event);
          if (token != NULL)
            {
              look->token = g_strdup (token);
              g_task_return_boolean (task, TRUE);
              return;
            }
        }

      if (events->len < INSTALL_PAGE)
        break;
    }

  look->seen = MAX (look->seen, look->up_to);
  g_task_return_boolean (task, TRUE);
}

static void learner_look (BotbenchTokenLearner *self);

static void
learned_stored_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(BotbenchTokenLearner) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!botbench_secret_store_store_finish (BOTBENCH_SECRET_STORE (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_debug ("Cannot keep the learned application_token: %s", error->message);
      g_signal_emit (self, learner_signals[SECRET_ERROR], 0, error);
    }
  g_signal_emit (self, learner_signals[LEARNED], 0, self->token);
}

static void
look_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(BotbenchTokenLearner) self = user_data;
  Look *look = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  self->busy = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Cannot look for ONAPPINSTALL: %s", error->message);
      return;
    }
  if (g_cancellable_is_cancelled (self->cancellable) || self->listener == NULL)
    return;

  self->seen = MAX (self->seen, look->seen);
  if (look->token == NULL)
    {
      if (self->again)
        learner_look (self);
      return;
    }

  self->token = g_steal_pointer (&look->token);
  botbench_listener_set_expected_token (self->listener, self->token);
  botbench_listener_set_strict_token (self->listener, botbench_profile_get_strict_token (self->profile));
  botbench_secret_store_store_async (self->secrets, botbench_profile_get_uuid (self->profile),
                                     BOTBENCH_SECRET_KIND_APPLICATION_TOKEN, self->token,
                                     self->cancellable, learned_stored_cb, g_object_ref (self));
}

static void
learner_look (BotbenchTokenLearner *self)
{
  g_autoptr(GTask) task = NULL;
  Look *look;

  self->again = FALSE;
  self->busy = TRUE;

  look = g_new0 (Look, 1);
  look->store = g_object_ref (self->store);
  look->after = self->seen;
  look->up_to = botbench_event_store_get_last_id (self->store);

  task = g_task_new (self, self->cancellable, look_done_cb, g_object_ref (self));
  g_task_set_source_tag (task, learner_look);
  g_task_set_task_data (task, look, (GDestroyNotify)look_free);
  g_task_run_in_thread (task, look_thread);
}

static void
learner_events_added_cb (BotbenchTokenLearner *self,
                         gint64                last_id,
                         BotbenchEventStore   *store)
{
  if (self->token != NULL || self->listener == NULL || last_id <= self->seen)
    return;

  /* One look at a time; the next starts where it ended. */
  if (self->busy)
    self->again = TRUE;
  else
    learner_look (self);
}

static void
botbench_token_learner_dispose (GObject *object)
{
  BotbenchTokenLearner *self = (BotbenchTokenLearner *)object;

  botbench_token_learner_stop (self);
  g_clear_object (&self->store);
  g_clear_object (&self->profile);
  g_clear_object (&self->secrets);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (botbench_token_learner_parent_class)->dispose (object);
}

static void
botbench_token_learner_finalize (GObject *object)
{
  g_free (BOTBENCH_TOKEN_LEARNER (object)->token);

  G_OBJECT_CLASS (botbench_token_learner_parent_class)->finalize (object);
}

static void
botbench_token_learner_class_init (BotbenchTokenLearnerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = botbench_token_learner_dispose;
  object_class->finalize = botbench_token_learner_finalize;

  learner_signals[LEARNED] =
    g_signal_new ("learned", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  learner_signals[SECRET_ERROR] =
    g_signal_new ("secret-error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
botbench_token_learner_init (BotbenchTokenLearner *self)
{
  self->cancellable = g_cancellable_new ();
}

BotbenchTokenLearner *
botbench_token_learner_new (BotbenchEventStore  *store,
                            BotbenchListener    *listener,
                            BotbenchProfile     *profile,
                            BotbenchSecretStore *secrets)
{
  BotbenchTokenLearner *self;

  g_return_val_if_fail (BOTBENCH_IS_EVENT_STORE (store), NULL);
  g_return_val_if_fail (BOTBENCH_IS_LISTENER (listener), NULL);
  g_return_val_if_fail (BOTBENCH_IS_PROFILE (profile), NULL);
  g_return_val_if_fail (BOTBENCH_IS_SECRET_STORE (secrets), NULL);

  self = g_object_new (BOTBENCH_TYPE_TOKEN_LEARNER, NULL);
  self->store = g_object_ref (store);
  self->listener = g_object_ref (listener);
  self->profile = g_object_ref (profile);
  self->secrets = g_object_ref (secrets);
  self->seen = botbench_event_store_get_last_id (store);
  g_signal_connect_object (store, "events-added", G_CALLBACK (learner_events_added_cb),
                           self, G_CONNECT_SWAPPED);

  return self;
}

const char *
botbench_token_learner_get_token (BotbenchTokenLearner *self)
{
  g_return_val_if_fail (BOTBENCH_IS_TOKEN_LEARNER (self), NULL);
  return self->token;
}

void
botbench_token_learner_stop (BotbenchTokenLearner *self)
{
  g_return_if_fail (BOTBENCH_IS_TOKEN_LEARNER (self));

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_func (self->store, learner_events_added_cb, self);
  /* Not the keyring write of a token already learned. */
  if (self->token == NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->listener);
}
