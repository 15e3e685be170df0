/* botbench-chat-session-actions.c: what the speaking user does
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Send, join, edit, delete, press a button, create a group chat: each is
 * the client's call made as the session's user, after which the session
 * takes in what the answer says (the new message's id, the deliveries)
 * before the caller's callback runs, so the models already show it.
 * Sending shows a pending local echo at once.
 */
#define G_LOG_DOMAIN "botbench-chat"

#include "config.h"

#include "botbench-chat-client-private.h"
#include "botbench-chat-conversation-private.h"
#include "botbench-chat-json-private.h"
#include "botbench-chat-message-private.h"
#include "botbench-chat-session-private.h"

typedef struct
{
  char                *dialog_id;
  BotbenchChatMessage *pending;   /* send: the local echo */
} Action;

static void
action_free (Action *action)
{
  g_free (action->dialog_id);
  g_clear_object (&action->pending);
  g_free (action);
}

static GTask *
action_task_new (BotbenchChatSession *self,
                 gpointer             source_tag,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, g_new0 (Action, 1), (GDestroyNotify)action_free);
  return task;
}

/* The answer of any action: take in the deliveries, hand the result on. */
static void
action_done (GTask      *task,
             JsonObject *answer,
             GError     *error)
{
  BotbenchChatSession *self = g_task_get_source_object (task);

  if (answer == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  _botbench_chat_session_take_deliveries (self, answer);
  g_task_return_pointer (task, json_object_ref (answer), (GDestroyNotify)json_object_unref);
}

/* Send */

static void
remove_pending (BotbenchChatSession *self,
                Action              *action)
{
  ChatDialog *dialog = g_hash_table_lookup (self->dialogs, action->dialog_id);
  guint position;

  if (dialog != NULL && action->pending != NULL && g_list_store_find (dialog->store, action->pending, &position))
    g_list_store_remove (dialog->store, position);
}

static void
send_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BotbenchChatSession *self = g_task_get_source_object (task);
  Action *action = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(JsonObject) answer = botbench_chat_client_send_finish (BOTBENCH_CHAT_CLIENT (object), result, &error);
  g_autoptr(JsonObject) stored = NULL;
  gint64 message_id;
  gint64 chat_id;

  remove_pending (self, action);
  if (answer == NULL)
    {
      action_done (task, NULL, error);
      return;
    }

  message_id = _botbench_chat_json_get_int (answer, "MESSAGE_ID", 0);
  chat_id = _botbench_chat_json_get_int (answer, "CHAT_ID", 0);

  if (chat_id > 0)
    {
      BotbenchChatConversation *conversation = g_hash_table_lookup (self->by_dialog, action->dialog_id);

      if (conversation != NULL && botbench_chat_conversation_get_chat_id (conversation) == 0)
        _botbench_chat_conversation_set_chat_id (conversation, chat_id);
    }

  /* The stored message (unless the long poll brought it first): what we
   * know now; the poll's MESSAGE object completes it. */
  if (message_id > 0 && botbench_chat_session_lookup_message (self, message_id) == NULL)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      g_autofree char *date = g_date_time_format_iso8601 (now);

      stored = json_object_new ();
      json_object_set_int_member (stored, "ID", message_id);
      json_object_set_int_member (stored, "CHAT_ID", chat_id);
      json_object_set_string_member (stored, "DIALOG_ID", action->dialog_id);
      json_object_set_int_member (stored, "AUTHOR_ID", botbench_chat_message_get_author_id (action->pending));
      json_object_set_string_member (stored, "MESSAGE", botbench_chat_message_get_text (action->pending));
      json_object_set_string_member (stored, "SYSTEM", "N");
      json_object_set_string_member (stored, "DATE", date);
      if (_botbench_chat_json_get_int (answer, "COMMAND_ID", 0) > 0)
        json_object_set_int_member (stored, "COMMAND_ID", _botbench_chat_json_get_int (answer, "COMMAND_ID", 0));
      _botbench_chat_session_take_message (self, stored, action->dialog_id);
    }

  action_done (task, answer, NULL);
}

void
botbench_chat_session_send_async (BotbenchChatSession *self,
                                  const char          *dialog_id,
                                  const char          *text,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GTask *task;
  Action *action;
  ChatDialog *dialog;

  g_return_if_fail (BOTBENCH_IS_CHAT_SESSION (self));
  g_return_if_fail (dialog_id != NULL);
  g_return_if_fail (text != NULL);

  task = action_task_new (self, botbench_chat_session_send_async, cancellable, callback, user_data);
  action = g_task_get_task_data (task);
  action->dialog_id = g_strdup (dialog_id);

  dialog = _botbench_chat_session_ensure_dialog (self, dialog_id);
  action->pending = _botbench_chat_message_new_pending (--self->next_local_id, dialog_id, self->user_id, text);
  _botbench_chat_session_insert_sorted (dialog, action->pending);

  botbench_chat_client_send_async (self->client, dialog_id, self->user_id, text, cancellable, send_cb, task);
}

/* The others: no echo, the poll brings what changed. */

/* Every action but send: the client's answer is the action's.  A join or a
 * new chat changes the chat list, which is reloaded at once rather than on
 * the poll's CHATS_CHANGED. */
static void
client_call_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  gpointer tag = g_task_get_source_tag (task);
  GError *error = NULL;
  JsonObject *answer = _botbench_chat_client_call_finish (BOTBENCH_CHAT_CLIENT (object), result,
                                                          g_task_get_source_tag (G_TASK (result)), &error);

  if (tag == botbench_chat_session_join_async || tag == botbench_chat_session_create_chat_async)
    _botbench_chat_session_reload_chats (g_task_get_source_object (task));
  action_done (task, answer, error);
  g_clear_pointer (&answer, json_object_unref);
  g_object_unref (task);
}

void
botbench_chat_session_join_async (BotbenchChatSession *self,
                                  gint64               bot_id,
                                  gint64               chat_id,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (BOTBENCH_IS_CHAT_SESSION (self));

  task = action_task_new (self, botbench_chat_session_join_async, cancellable, callback, user_data);
  botbench_chat_client_join_async (self->client, bot_id, self->user_id, chat_id, cancellable, client_call_cb, task);
}

void
botbench_chat_session_edit_async (BotbenchChatSession *self,
                                  gint64               message_id,
                                  const char          *text,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (BOTBENCH_IS_CHAT_SESSION (self));
  g_return_if_fail (text != NULL);

  task = action_task_new (self, botbench_chat_session_edit_async, cancellable, callback, user_data);
  botbench_chat_client_edit_async (self->client, self->user_id, message_id, text, cancellable, client_call_cb, task);
}

void
botbench_chat_session_delete_async (BotbenchChatSession *self,
                                    gint64               message_id,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (BOTBENCH_IS_CHAT_SESSION (self));

  task = action_task_new (self, botbench_chat_session_delete_async, cancellable, callback, user_data);
  botbench_chat_client_delete_async (self->client, self->user_id, message_id, cancellable, client_call_cb, task);
}

void
botbench_chat_session_press_button_async (BotbenchChatSession *self,
                                          gint64               message_id,
                                          guint                button,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (BOTBENCH_IS_CHAT_SESSION (self));

  task = action_task_new (self, botbench_chat_session_press_button_async, cancellable, callback, user_data);
  botbench_chat_client_press_button_async (self->client, self->user_id, message_id, button, cancellable,
                                           client_call_cb, task);
}

void
botbench_chat_session_create_chat_async (BotbenchChatSession *self,
                                         const char          *title,
                                         const gint64        *users,
                                         guint                n_users,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (BOTBENCH_IS_CHAT_SESSION (self));
  g_return_if_fail (users != NULL || n_users == 0);

  task = action_task_new (self, botbench_chat_session_create_chat_async, cancellable, callback, user_data);
  botbench_chat_client_create_chat_async (self->client, title, self->user_id, users, n_users, cancellable,
                                          client_call_cb, task);
}

JsonObject *
botbench_chat_session_action_finish (BotbenchChatSession  *self,
                                     GAsyncResult         *result,
                                     GError              **error)
{
  g_return_val_if_fail (BOTBENCH_IS_CHAT_SESSION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
