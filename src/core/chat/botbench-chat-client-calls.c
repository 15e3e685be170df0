/* botbench-chat-client-calls.c: one async pair per control API path
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each path of /_sandbox/... as an _async/_finish pair: the parameters as
 * the contract names them, then _botbench_chat_client_call_async() does
 * the request (botbench-chat-client.c).
 */
#define G_LOG_DOMAIN "botbench-chat"

#include "config.h"

#include <libsoup/soup.h>

#include "botbench-chat-client.h"
#include "botbench-chat-client-private.h"

static JsonObject *
params_new (void)
{
  return json_object_new ();
}

static void
params_set_id (JsonObject *params,
               const char *key,
               gint64      value)
{
  if (value > 0)
    json_object_set_int_member (params, key, value);
}

void
botbench_chat_client_info_async (BotbenchChatClient  *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (BOTBENCH_IS_CHAT_CLIENT (self));
  _botbench_chat_client_call_async (self, SOUP_METHOD_GET, "_sandbox/info", NULL, 0, botbench_chat_client_info_async,
                                    cancellable, callback, user_data);
}

JsonObject *
botbench_chat_client_info_finish (BotbenchChatClient  *self,
                                  GAsyncResult        *result,
                                  GError             **error)
{
  return _botbench_chat_client_call_finish (self, result, botbench_chat_client_info_async, error);
}

void
botbench_chat_client_users_async (BotbenchChatClient  *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (BOTBENCH_IS_CHAT_CLIENT (self));
  _botbench_chat_client_call_async (self, SOUP_METHOD_GET, "_sandbox/users", NULL, 0, botbench_chat_client_users_async,
                                    cancellable, callback, user_data);
}

JsonObject *
botbench_chat_client_users_finish (BotbenchChatClient  *self,
                                   GAsyncResult        *result,
                                   GError             **error)
{
  return _botbench_chat_client_call_finish (self, result, botbench_chat_client_users_async, error);
}

void
botbench_chat_client_chats_async (BotbenchChatClient  *self,
                                  gint64               user_id,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  JsonObject *params = params_new ();

  g_return_if_fail (BOTBENCH_IS_CHAT_CLIENT (self));
  params_set_id (params, "USER_ID", user_id);
  _botbench_chat_client_call_async (self, SOUP_METHOD_GET, "_sandbox/chats", params, 0, botbench_chat_client_chats_async,
                                    cancellable, callback, user_data);
}

JsonObject *
botbench_chat_client_chats_finish (BotbenchChatClient  *self,
                                   GAsyncResult        *result,
                                   GError             **error)
{
  return _botbench_chat_client_call_finish (self, result, botbench_chat_client_chats_async, error);
}

void
botbench_chat_client_create_chat_async (BotbenchChatClient  *self,
                                        const char          *title,
                                        gint64               user_id,
                                        const gint64        *users,
                                        guint                n_users,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  JsonObject *params = params_new ();
  JsonArray *list = json_array_new ();

  g_return_if_fail (BOTBENCH_IS_CHAT_CLIENT (self));
  g_return_if_fail (users != NULL || n_users == 0);

  if (title != NULL && *title != '\0')
    json_object_set_string_member (params, "TITLE", title);
  params_set_id (params, "USER_ID", user_id);
  for (guint i = 0; i < n_users; i++)
    json_array_add_int_element (list, users[i]);
  json_object_set_array_member (params, "USERS", list);
  _botbench_chat_client_call_async (self, SOUP_METHOD_POST, "_sandbox/chat", params, 0, botbench_chat_client_create_chat_async,
                                    cancellable, callback, user_data);
}

JsonObject *
botbench_chat_client_create_chat_finish (BotbenchChatClient  *self,
                                         GAsyncResult        *result,
                                         GError             **error)
{
  return _botbench_chat_client_call_finish (self, result, botbench_chat_client_create_chat_async, error);
}

void
botbench_chat_client_send_async (BotbenchChatClient  *self,
                                 const char          *dialog_id,
                                 gint64               user_id,
                                 const char          *text,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  JsonObject *params = params_new ();

  g_return_if_fail (BOTBENCH_IS_CHAT_CLIENT (self));
  g_return_if_fail (dialog_id != NULL);
  g_return_if_fail (text != NULL);

  json_object_set_string_member (params, "DIALOG_ID", dialog_id);
  params_set_id (params, "FROM_USER_ID", user_id);
  json_object_set_string_member (params, "MESSAGE", text);
  _botbench_chat_client_call_async (self, SOUP_METHOD_POST, "_sandbox/message", params, 0, botbench_chat_client_send_async,
                                    cancellable, callback, user_data);
}

JsonObject *
botbench_chat_client_send_finish (BotbenchChatClient  *self,
                                  GAsyncResult        *result,
                                  GError             **error)
{
  return _botbench_chat_client_call_finish (self, result, botbench_chat_client_send_async, error);
}

void
botbench_chat_client_join_async (BotbenchChatClient  *self,
                                 gint64               bot_id,
                                 gint64               user_id,
                                 gint64               chat_id,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  JsonObject *params = params_new ();

  g_return_if_fail (BOTBENCH_IS_CHAT_CLIENT (self));

  json_object_set_int_member (params, "BOT_ID", bot_id);
  params_set_id (params, "USER_ID", user_id);
  if (chat_id > 0)
    {
      g_autofree char *dialog = g_strdup_printf ("chat%" G_GINT64_FORMAT, chat_id);

      json_object_set_string_member (params, "DIALOG_ID", dialog);
    }
  _botbench_chat_client_call_async (self, SOUP_METHOD_POST, "_sandbox/join", params, 0, botbench_chat_client_join_async,
                                    cancellable, callback, user_data);
}

JsonObject *
botbench_chat_client_join_finish (BotbenchChatClient  *self,
                                  GAsyncResult        *result,
                                  GError             **error)
{
  return _botbench_chat_client_call_finish (self, result, botbench_chat_client_join_async, error);
}

void
botbench_chat_client_edit_async (BotbenchChatClient  *self,
                                 gint64               user_id,
                                 gint64               message_id,
                                 const char          *text,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  JsonObject *params = params_new ();

  g_return_if_fail (BOTBENCH_IS_CHAT_CLIENT (self));
  g_return_if_fail (text != NULL);

  params_set_id (params, "FROM_USER_ID", user_id);
  json_object_set_int_member (params, "MESSAGE_ID", message_id);
  json_object_set_string_member (params, "MESSAGE", text);
  _botbench_chat_client_call_async (self, SOUP_METHOD_POST, "_sandbox/message/update", params, 0, botbench_chat_client_edit_async,
                                    cancellable, callback, user_data);
}

JsonObject *
botbench_chat_client_edit_finish (BotbenchChatClient  *self,
                                  GAsyncResult        *result,
                                  GError             **error)
{
  return _botbench_chat_client_call_finish (self, result, botbench_chat_client_edit_async, error);
}

void
botbench_chat_client_delete_async (BotbenchChatClient  *self,
                                   gint64               user_id,
                                   gint64               message_id,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  JsonObject *params = params_new ();

  g_return_if_fail (BOTBENCH_IS_CHAT_CLIENT (self));

  params_set_id (params, "FROM_USER_ID", user_id);
  json_object_set_int_member (params, "MESSAGE_ID", message_id);
  _botbench_chat_client_call_async (self, SOUP_METHOD_POST, "_sandbox/message/delete", params, 0, botbench_chat_client_delete_async,
                                    cancellable, callback, user_data);
}

JsonObject *
botbench_chat_client_delete_finish (BotbenchChatClient  *self,
                                    GAsyncResult        *result,
                                    GError             **error)
{
  return _botbench_chat_client_call_finish (self, result, botbench_chat_client_delete_async, error);
}

void
botbench_chat_client_press_button_async (BotbenchChatClient  *self,
                                         gint64               user_id,
                                         gint64               message_id,
                                         guint                button,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  JsonObject *params = params_new ();

  g_return_if_fail (BOTBENCH_IS_CHAT_CLIENT (self));

  params_set_id (params, "FROM_USER_ID", user_id);
  json_object_set_int_member (params, "MESSAGE_ID", message_id);
  json_object_set_int_member (params, "BUTTON", button);
  _botbench_chat_client_call_async (self, SOUP_METHOD_POST, "_sandbox/button", params, 0, botbench_chat_client_press_button_async,
                                    cancellable, callback, user_data);
}

JsonObject *
botbench_chat_client_press_button_finish (BotbenchChatClient  *self,
                                          GAsyncResult        *result,
                                          GError             **error)
{
  return _botbench_chat_client_call_finish (self, result, botbench_chat_client_press_button_async, error);
}

void
botbench_chat_client_messages_async (BotbenchChatClient  *self,
                                     const char          *dialog_id,
                                     gint64               user_id,
                                     gint64               after_rev,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  JsonObject *params = params_new ();

  g_return_if_fail (BOTBENCH_IS_CHAT_CLIENT (self));
  g_return_if_fail (dialog_id != NULL);

  json_object_set_string_member (params, "DIALOG_ID", dialog_id);
  params_set_id (params, "USER_ID", user_id);
  if (after_rev >= 0)
    json_object_set_int_member (params, "AFTER_REV", after_rev);
  _botbench_chat_client_call_async (self, SOUP_METHOD_GET, "_sandbox/messages", params, 0, botbench_chat_client_messages_async,
                                    cancellable, callback, user_data);
}

JsonObject *
botbench_chat_client_messages_finish (BotbenchChatClient  *self,
                                      GAsyncResult        *result,
                                      GError             **error)
{
  return _botbench_chat_client_call_finish (self, result, botbench_chat_client_messages_async, error);
}

void
botbench_chat_client_updates_async (BotbenchChatClient  *self,
                                    gint64               after_rev,
                                    guint                timeout_s,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  JsonObject *params = params_new ();

  g_return_if_fail (BOTBENCH_IS_CHAT_CLIENT (self));

  timeout_s = MIN (timeout_s, BOTBENCH_CHAT_UPDATES_MAX_TIMEOUT_S);
  json_object_set_int_member (params, "AFTER_REV", MAX (after_rev, 0));
  json_object_set_int_member (params, "TIMEOUT", timeout_s);
  _botbench_chat_client_call_async (self, SOUP_METHOD_GET, "_sandbox/updates", params, timeout_s, botbench_chat_client_updates_async,
                                    cancellable, callback, user_data);
}

JsonObject *
botbench_chat_client_updates_finish (BotbenchChatClient  *self,
                                     GAsyncResult        *result,
                                     GError             **error)
{
  return _botbench_chat_client_call_finish (self, result, botbench_chat_client_updates_async, error);
}
