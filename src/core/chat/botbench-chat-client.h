/* botbench-chat-client.h: the sandbox's control API (/_sandbox/...) over HTTP
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One BotbenchChatClient talks to one sandbox base URL with its own
 * SoupSession.  Every call is an _async/_finish pair on GTask; results are
 * the "result" member of the answer as a JsonObject (transfer full).  The
 * objects inside are described in the contract (MESSAGE, DELIVERY, CHAT,
 * BOT, USER); BotbenchChatMessage and BotbenchChatDelivery wrap them.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "botbench-types.h"

G_BEGIN_DECLS

#define BOTBENCH_CHAT_ERROR (botbench_chat_error_quark ())

typedef enum
{
  BOTBENCH_CHAT_ERROR_NOT_SANDBOX,       /* no /_sandbox/info there (e.g. a real portal) */
  BOTBENCH_CHAT_ERROR_REFUSED,           /* the API's error: "error_description (CODE)" */
  BOTBENCH_CHAT_ERROR_NETWORK,           /* no answer: refused, timed out, TLS... */
  BOTBENCH_CHAT_ERROR_INVALID_RESPONSE,  /* an answer that is not what the contract says */
  BOTBENCH_CHAT_ERROR_BAD_PROFILE,       /* new_for_profile: no sandbox URL can be derived */
} BotbenchChatError;

GQuark      botbench_chat_error_quark      (void);
/* For BOTBENCH_CHAT_ERROR_REFUSED: the API's error code ("MESSAGE_ID_ERROR");
 * NULL for other errors. */
const char *botbench_chat_error_get_code   (const GError *error);
/* For REFUSED: the HTTP status (400, 403, 404); 0 otherwise. */
guint       botbench_chat_error_get_status (const GError *error);

/* Time a request may take (the long poll gets its TIMEOUT on top). */
#define BOTBENCH_CHAT_CLIENT_TIMEOUT_S 30
/* Longest TIMEOUT the sandbox holds an updates request. */
#define BOTBENCH_CHAT_UPDATES_MAX_TIMEOUT_S 25

#define BOTBENCH_TYPE_CHAT_CLIENT (botbench_chat_client_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchChatClient, botbench_chat_client, BOTBENCH, CHAT_CLIENT, GObject)

/* @base_url: "http://127.0.0.1:8124/" (a missing final "/" is added).
 * @trusted_pem: (nullable): over https, accept exactly this certificate
 * (and nothing else); NULL: the system's CAs.  A bad PEM makes every call
 * fail with BOTBENCH_CHAT_ERROR_NETWORK. */
BotbenchChatClient *botbench_chat_client_new             (const char       *base_url,
                                                          const char       *trusted_pem);
/* The sandbox base URL derived from @profile: a webhook profile's portal
 * URL (scheme://host:port/), or an OAuth profile's token endpoint origin.
 * Returns: NULL and BOTBENCH_CHAT_ERROR_BAD_PROFILE when none can be
 * derived.  This does not check that a sandbox answers there (use info). */
char               *botbench_chat_dup_sandbox_url        (BotbenchProfile  *profile,
                                                          GError          **error);
BotbenchChatClient *botbench_chat_client_new_for_profile (BotbenchProfile  *profile,
                                                          GError          **error);

const char         *botbench_chat_client_get_base_url    (BotbenchChatClient *self);

/* GET /_sandbox/info -> {"PRODUCT", "VERSION", "DOMAIN", "WEBHOOK_USER", "REV"}.
 * Fails with NOT_SANDBOX when the answer is not a sandbox's (404, HTML, a
 * PRODUCT other than "Botbench sandbox"). */
void        botbench_chat_client_info_async          (BotbenchChatClient   *self,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
JsonObject *botbench_chat_client_info_finish         (BotbenchChatClient   *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);

/* GET /_sandbox/users -> {"USERS": [USER...]} */
void        botbench_chat_client_users_async         (BotbenchChatClient   *self,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
JsonObject *botbench_chat_client_users_finish        (BotbenchChatClient   *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);

/* GET /_sandbox/chats?USER_ID= (0: the sandbox's webhook user)
 * -> {"CHATS": [CHAT...], "BOTS": [BOT...], "REV"} */
void        botbench_chat_client_chats_async         (BotbenchChatClient   *self,
                                                      gint64                user_id,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
JsonObject *botbench_chat_client_chats_finish        (BotbenchChatClient   *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);

/* POST /_sandbox/chat: @title (nullable: "Chat N"), @user_id the author
 * (0: webhook user), @users (nullable) further portal users, @n_users
 * -> {"CHAT_ID", "DIALOG_ID", "REV"} */
void        botbench_chat_client_create_chat_async   (BotbenchChatClient   *self,
                                                      const char           *title,
                                                      gint64                user_id,
                                                      const gint64         *users,
                                                      guint                 n_users,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
JsonObject *botbench_chat_client_create_chat_finish  (BotbenchChatClient   *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);

/* POST /_sandbox/message: user @user_id writes @text to @dialog_id (a bot
 * id "100" for the private dialog, or "chatN")
 * -> {"MESSAGE_ID", "CHAT_ID", "DIALOG_ID", "EVENTS", "DELIVERIES", "REV"} */
void        botbench_chat_client_send_async          (BotbenchChatClient   *self,
                                                      const char           *dialog_id,
                                                      gint64                user_id,
                                                      const char           *text,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
JsonObject *botbench_chat_client_send_finish         (BotbenchChatClient   *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);

/* POST /_sandbox/join: bot @bot_id joins group chat @chat_id (0: the
 * private dialog of @user_id with the bot: ONIMBOTJOINCHAT)
 * -> {"BOT_ID", "CHAT_ID", "EVENTS", "DELIVERIES", "REV"} */
void        botbench_chat_client_join_async          (BotbenchChatClient   *self,
                                                      gint64                bot_id,
                                                      gint64                user_id,
                                                      gint64                chat_id,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
JsonObject *botbench_chat_client_join_finish         (BotbenchChatClient   *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);

/* POST /_sandbox/message/update -> {"MESSAGE_ID", "EVENTS", "DELIVERIES", "REV"} */
void        botbench_chat_client_edit_async          (BotbenchChatClient   *self,
                                                      gint64                user_id,
                                                      gint64                message_id,
                                                      const char           *text,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
JsonObject *botbench_chat_client_edit_finish         (BotbenchChatClient   *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);

/* POST /_sandbox/message/delete -> {"MESSAGE_ID", "EVENTS", "DELIVERIES", "REV"} */
void        botbench_chat_client_delete_async        (BotbenchChatClient   *self,
                                                      gint64                user_id,
                                                      gint64                message_id,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
JsonObject *botbench_chat_client_delete_finish       (BotbenchChatClient   *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);

/* POST /_sandbox/button: @button is BotbenchKeyboardButton.index
 * -> {"ACTION", "VALUE", "MESSAGE_ID", "EVENTS", "DELIVERIES", "REV"} */
void        botbench_chat_client_press_button_async  (BotbenchChatClient   *self,
                                                      gint64                user_id,
                                                      gint64                message_id,
                                                      guint                 button,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
JsonObject *botbench_chat_client_press_button_finish (BotbenchChatClient   *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);

/* GET /_sandbox/messages?DIALOG_ID=&USER_ID=&AFTER_REV= (after_rev < 0:
 * all) -> {"DIALOG_ID", "CHAT_ID", "MESSAGES": [MESSAGE...], "REV"} */
void        botbench_chat_client_messages_async      (BotbenchChatClient   *self,
                                                      const char           *dialog_id,
                                                      gint64                user_id,
                                                      gint64                after_rev,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
JsonObject *botbench_chat_client_messages_finish     (BotbenchChatClient   *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);

/* GET /_sandbox/updates?AFTER_REV=&TIMEOUT= (long poll, @timeout_s at most
 * BOTBENCH_CHAT_UPDATES_MAX_TIMEOUT_S) -> {"REV", "MESSAGES", "DELIVERIES",
 * "CHATS_CHANGED"} */
void        botbench_chat_client_updates_async       (BotbenchChatClient   *self,
                                                      gint64                after_rev,
                                                      guint                 timeout_s,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
JsonObject *botbench_chat_client_updates_finish      (BotbenchChatClient   *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);

G_END_DECLS
