/* botbench-chat-session.c: the chat as one portal user sees it, kept current
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The loop: users -> chats (conversations, bots, the REV to start from) ->
 * "ready" -> /_sandbox/updates long polls, one after another.  Each answer
 * is merged: messages by id into their conversation's list (new ones
 * inserted in id order, known ones updated in place), deliveries by id,
 * and when CHATS_CHANGED says so the chats are reloaded before the
 * messages of that answer are merged (they may belong to a new chat).
 * Errors back off 1, 2, 4… 30 s and set "error"; the next success clears it.
 */
#define G_LOG_DOMAIN "botbench-chat"

#include "config.h"


#include "botbench-chat-conversation-private.h"
#include "botbench-chat-json-private.h"
#include "botbench-chat-message-private.h"
#include "botbench-chat-session-private.h"

#define POLL_TIMEOUT_S 20
#define MAX_BACKOFF_S  30

G_DEFINE_FINAL_TYPE (BotbenchChatSession, botbench_chat_session, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_CLIENT,
  PROP_USER_ID,
  PROP_READY,
  PROP_RUNNING,
  PROP_REV,
  PROP_ERROR,
  N_PROPS
};

enum
{
  READY,
  MESSAGE_ADDED,
  MESSAGE_CHANGED,
  DELIVERY_CHANGED,
  CHATS_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void load_users (BotbenchChatSession *self);
static void load_chats (BotbenchChatSession *self,
                        JsonObject          *then_apply);
static void poll_updates (BotbenchChatSession *self);

static void
chat_dialog_free (gpointer data)
{
  ChatDialog *dialog = data;

  g_free (dialog->dialog_id);
  g_clear_object (&dialog->store);
  g_free (dialog);
}

/* State of the loop */

static void
set_error (BotbenchChatSession *self,
           const GError        *error)
{
  if (error == NULL && self->error == NULL)
    return;
  g_clear_error (&self->error);
  if (error != NULL)
    self->error = g_error_copy (error);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
}

void
_botbench_chat_session_set_rev (BotbenchChatSession *self,
                                gint64               rev)
{
  if (rev <= self->rev)
    return;
  self->rev = rev;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REV]);
}

static gboolean
retry_cb (gpointer user_data)
{
  BotbenchChatSession *self = user_data;

  self->retry_source = 0;
  if (!self->ready)
    load_users (self);
  else
    poll_updates (self);
  return G_SOURCE_REMOVE;
}

/* Handles a failed step: FALSE when it was a cancellation (stop). */
static gboolean
failed (BotbenchChatSession *self,
        const GError        *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->cancellable == NULL)
    return FALSE;

  g_debug ("Chat session: %s; retrying in %u s", error->message, self->backoff_s);
  set_error (self, error);
  g_clear_handle_id (&self->retry_source, g_source_remove);
  self->retry_source = g_timeout_add_seconds (self->backoff_s, retry_cb, self);
  self->backoff_s = MIN (self->backoff_s * 2, MAX_BACKOFF_S);
  return TRUE;
}

static void
succeeded (BotbenchChatSession *self)
{
  self->backoff_s = 1;
  set_error (self, NULL);
}

/* Signals for the merging (botbench-chat-session-state.c) */

void
_botbench_chat_session_emit_message_added (BotbenchChatSession      *self,
                                           BotbenchChatConversation *conversation,
                                           BotbenchChatMessage      *message)
{
  g_signal_emit (self, signals[MESSAGE_ADDED], 0, conversation, message);
}

void
_botbench_chat_session_emit_message_changed (BotbenchChatSession *self,
                                             BotbenchChatMessage *message)
{
  g_signal_emit (self, signals[MESSAGE_CHANGED], 0, message);
}

void
_botbench_chat_session_emit_delivery_changed (BotbenchChatSession  *self,
                                              BotbenchChatDelivery *delivery)
{
  g_signal_emit (self, signals[DELIVERY_CHANGED], 0, delivery);
}

/* The loop: users, chats, updates */

static void
load_chats_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BotbenchChatSession *self = g_task_get_source_object (task);
  JsonObject *then_apply = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) answer = botbench_chat_client_chats_finish (BOTBENCH_CHAT_CLIENT (object), result, &error);
  gboolean first = !self->ready;
  GHashTableIter iter;
  ChatDialog *dialog;

  self->loading_chats = FALSE;
  if (answer == NULL)
    {
      failed (self, error);
      return;
    }
  succeeded (self);

  _botbench_chat_session_replace_array (&self->bots, _botbench_chat_json_get_array (answer, "BOTS"),
                 (gpointer)botbench_chat_bot_new_from_json, (GDestroyNotify)botbench_chat_bot_unref);
  _botbench_chat_session_replace_conversations (self, _botbench_chat_json_get_array (answer, "CHATS"));
  if (first)
    _botbench_chat_session_set_rev (self, _botbench_chat_json_get_int (answer, "REV", 0));

  /* Dialogs asked for before (or whose load failed) load now. */
  g_hash_table_iter_init (&iter, self->dialogs);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&dialog))
    if (!dialog->loaded)
      _botbench_chat_session_load_dialog (self, dialog);

  if (then_apply != NULL)
    _botbench_chat_session_apply_updates (self, then_apply);

  g_signal_emit (self, signals[CHATS_CHANGED], 0);

  if (first)
    {
      self->ready = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READY]);
      g_signal_emit (self, signals[READY], 0);
    }

  if (first || then_apply != NULL)
    poll_updates (self);
}

/* Loads the chats; @then_apply (nullable): an updates answer to merge after. */
static void
load_chats (BotbenchChatSession *self,
            JsonObject          *then_apply)
{
  GTask *task;

  if (self->cancellable == NULL)
    return;

  task = g_task_new (self, NULL, NULL, NULL);
  if (then_apply != NULL)
    g_task_set_task_data (task, json_object_ref (then_apply), (GDestroyNotify)json_object_unref);
  self->loading_chats = TRUE;
  botbench_chat_client_chats_async (self->client, self->user_id, self->cancellable, load_chats_cb, task);
}

static void
load_users_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(BotbenchChatSession) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) answer = botbench_chat_client_users_finish (BOTBENCH_CHAT_CLIENT (object), result, &error);

  if (answer == NULL)
    {
      failed (self, error);
      return;
    }

  _botbench_chat_session_replace_array (&self->users, _botbench_chat_json_get_array (answer, "USERS"),
                 (gpointer)botbench_chat_user_new_from_json, (GDestroyNotify)botbench_chat_user_unref);
  load_chats (self, NULL);
}

static void
load_users (BotbenchChatSession *self)
{
  if (self->cancellable == NULL)
    return;
  botbench_chat_client_users_async (self->client, self->cancellable, load_users_cb, g_object_ref (self));
}

static void
poll_updates_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(BotbenchChatSession) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) answer = botbench_chat_client_updates_finish (BOTBENCH_CHAT_CLIENT (object), result, &error);

  if (answer == NULL)
    {
      failed (self, error);
      return;
    }
  succeeded (self);

  /* A REV below ours: the sandbox's state was reset or replaced.  Start
   * over: every list empties and loads again. */
  if (_botbench_chat_json_get_int (answer, "REV", self->rev) < self->rev)
    {
      GHashTableIter iter;
      ChatDialog *dialog;

      g_debug ("The sandbox's REV went back: reloading everything");
      self->rev = MAX (_botbench_chat_json_get_int (answer, "REV", 0), 0);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REV]);
      g_hash_table_remove_all (self->messages);
      g_hash_table_remove_all (self->deliveries);
      g_hash_table_iter_init (&iter, self->dialogs);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&dialog))
        {
          g_list_store_remove_all (dialog->store);
          dialog->loaded = FALSE;
        }
      load_chats (self, answer);
      return;
    }

  if (_botbench_chat_json_get_flag (answer, "CHATS_CHANGED"))
    {
      /* Merged once the chats are known; load_chats_cb polls again. */
      load_chats (self, answer);
      return;
    }

  _botbench_chat_session_apply_updates (self, answer);
  poll_updates (self);
}

static void
poll_updates (BotbenchChatSession *self)
{
  if (self->cancellable == NULL)
    return;
  botbench_chat_client_updates_async (self->client, self->rev, POLL_TIMEOUT_S, self->cancellable,
                                      poll_updates_cb, g_object_ref (self));
}

void
_botbench_chat_session_reload_chats (BotbenchChatSession *self)
{
  if (self->ready && !self->loading_chats)
    load_chats (self, NULL);
}

/* GObject */

static void
botbench_chat_session_dispose (GObject *object)
{
  BotbenchChatSession *self = (BotbenchChatSession *)object;

  botbench_chat_session_stop (self);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (botbench_chat_session_parent_class)->dispose (object);
}

static void
botbench_chat_session_finalize (GObject *object)
{
  BotbenchChatSession *self = (BotbenchChatSession *)object;

  g_clear_error (&self->error);
  g_clear_object (&self->conversations);
  g_clear_pointer (&self->by_dialog, g_hash_table_unref);
  g_clear_pointer (&self->users, g_ptr_array_unref);
  g_clear_pointer (&self->bots, g_ptr_array_unref);
  g_clear_pointer (&self->dialogs, g_hash_table_unref);
  g_clear_pointer (&self->messages, g_hash_table_unref);
  g_clear_pointer (&self->deliveries, g_hash_table_unref);

  G_OBJECT_CLASS (botbench_chat_session_parent_class)->finalize (object);
}

static void
botbench_chat_session_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  BotbenchChatSession *self = BOTBENCH_CHAT_SESSION (object);

  switch (prop_id)
    {
    case PROP_CLIENT: g_value_set_object (value, self->client); break;
    case PROP_USER_ID: g_value_set_int64 (value, self->user_id); break;
    case PROP_READY: g_value_set_boolean (value, self->ready); break;
    case PROP_RUNNING: g_value_set_boolean (value, self->running); break;
    case PROP_REV: g_value_set_int64 (value, self->rev); break;
    case PROP_ERROR: g_value_set_boxed (value, self->error); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
botbench_chat_session_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  BotbenchChatSession *self = BOTBENCH_CHAT_SESSION (object);

  switch (prop_id)
    {
    case PROP_CLIENT: self->client = g_value_dup_object (value); break;
    case PROP_USER_ID: botbench_chat_session_set_user_id (self, g_value_get_int64 (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
botbench_chat_session_class_init (BotbenchChatSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = botbench_chat_session_dispose;
  object_class->finalize = botbench_chat_session_finalize;
  object_class->get_property = botbench_chat_session_get_property;
  object_class->set_property = botbench_chat_session_set_property;

  properties[PROP_CLIENT] = g_param_spec_object ("client", NULL, NULL, BOTBENCH_TYPE_CHAT_CLIENT,
                                                 G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_USER_ID] = g_param_spec_int64 ("user-id", NULL, NULL, 1, G_MAXINT64, 1,
                                                 G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_READY] = g_param_spec_boolean ("ready", NULL, NULL, FALSE, ro);
  properties[PROP_RUNNING] = g_param_spec_boolean ("running", NULL, NULL, FALSE, ro);
  properties[PROP_REV] = g_param_spec_int64 ("rev", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_ERROR] = g_param_spec_boxed ("error", NULL, NULL, G_TYPE_ERROR, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[READY] = g_signal_new ("ready", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                 G_TYPE_NONE, 0);
  signals[MESSAGE_ADDED] = g_signal_new ("message-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                         NULL, NULL, NULL, G_TYPE_NONE, 2,
                                         BOTBENCH_TYPE_CHAT_CONVERSATION, BOTBENCH_TYPE_CHAT_MESSAGE);
  signals[MESSAGE_CHANGED] = g_signal_new ("message-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                           NULL, NULL, NULL, G_TYPE_NONE, 1, BOTBENCH_TYPE_CHAT_MESSAGE);
  signals[DELIVERY_CHANGED] = g_signal_new ("delivery-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                            NULL, NULL, NULL, G_TYPE_NONE, 1, BOTBENCH_TYPE_CHAT_DELIVERY);
  signals[CHATS_CHANGED] = g_signal_new ("chats-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                         NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
botbench_chat_session_init (BotbenchChatSession *self)
{
  self->user_id = 1;
  self->backoff_s = 1;
  self->conversations = g_list_store_new (BOTBENCH_TYPE_CHAT_CONVERSATION);
  self->by_dialog = g_hash_table_new (g_str_hash, g_str_equal);
  self->users = g_ptr_array_new_with_free_func ((GDestroyNotify)botbench_chat_user_unref);
  self->bots = g_ptr_array_new_with_free_func ((GDestroyNotify)botbench_chat_bot_unref);
  self->dialogs = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, chat_dialog_free);
  self->messages = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  self->deliveries = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
}

/* Public API */

BotbenchChatSession *
botbench_chat_session_new (BotbenchChatClient *client)
{
  g_return_val_if_fail (BOTBENCH_IS_CHAT_CLIENT (client), NULL);
  return g_object_new (BOTBENCH_TYPE_CHAT_SESSION, "client", client, NULL);
}

BotbenchChatClient *
botbench_chat_session_get_client (BotbenchChatSession *self)
{
  g_return_val_if_fail (BOTBENCH_IS_CHAT_SESSION (self), NULL);
  return self->client;
}

gint64
botbench_chat_session_get_user_id (BotbenchChatSession *self)
{
  g_return_val_if_fail (BOTBENCH_IS_CHAT_SESSION (self), 0);
  return self->user_id;
}

void
botbench_chat_session_set_user_id (BotbenchChatSession *self,
                                   gint64               user_id)
{
  GHashTableIter iter;
  ChatDialog *dialog;

  g_return_if_fail (BOTBENCH_IS_CHAT_SESSION (self));
  g_return_if_fail (user_id > 0);

  if (self->user_id == user_id)
    return;
  self->user_id = user_id;

  /* Another user has other dialogs: empty every list (the models stay the
   * same objects) and load again what is shown. */
  g_hash_table_remove_all (self->messages);
  g_hash_table_iter_init (&iter, self->dialogs);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&dialog))
    {
      g_list_store_remove_all (dialog->store);
      dialog->loaded = FALSE;
    }
  if (self->ready)
    load_chats (self, NULL);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USER_ID]);
}

gboolean
botbench_chat_session_get_ready (BotbenchChatSession *self)
{
  g_return_val_if_fail (BOTBENCH_IS_CHAT_SESSION (self), FALSE);
  return self->ready;
}

gboolean
botbench_chat_session_get_running (BotbenchChatSession *self)
{
  g_return_val_if_fail (BOTBENCH_IS_CHAT_SESSION (self), FALSE);
  return self->running;
}

gint64
botbench_chat_session_get_rev (BotbenchChatSession *self)
{
  g_return_val_if_fail (BOTBENCH_IS_CHAT_SESSION (self), 0);
  return self->rev;
}

const GError *
botbench_chat_session_get_error (BotbenchChatSession *self)
{
  g_return_val_if_fail (BOTBENCH_IS_CHAT_SESSION (self), NULL);
  return self->error;
}

void
botbench_chat_session_start (BotbenchChatSession *self)
{
  g_return_if_fail (BOTBENCH_IS_CHAT_SESSION (self));

  if (self->running)
    return;

  self->running = TRUE;
  self->ready = FALSE;
  self->backoff_s = 1;
  self->cancellable = g_cancellable_new ();
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  load_users (self);
}

void
botbench_chat_session_stop (BotbenchChatSession *self)
{
  GHashTableIter iter;
  ChatDialog *dialog;

  g_return_if_fail (BOTBENCH_IS_CHAT_SESSION (self));

  if (!self->running)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->retry_source, g_source_remove);
  self->loading_chats = FALSE;
  g_hash_table_iter_init (&iter, self->dialogs);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&dialog))
    dialog->loading = FALSE;
  self->running = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}
