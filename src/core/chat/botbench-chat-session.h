/* botbench-chat-session.h: the chat as one portal user sees it, kept current
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A BotbenchChatSession holds a BotbenchChatClient and the speaking user.
 * start() loads users and chats, then long-polls /_sandbox/updates in a loop
 * (on errors it backs off 1 s, 2 s, 4 s... up to 30 s and sets "error";
 * the next success clears it).  Everything it exposes is updated on the
 * thread-default main context of the caller of start():
 *
 *  - conversations: a GListModel of BotbenchChatConversation, most recent
 *    activity first (in the sandbox's order when loaded; a conversation
 *    that gets a message moves to position 0: removed and inserted again);
 *  - per conversation, a GListModel of BotbenchChatMessage in id order,
 *    loaded on first use (get_messages()) and then kept current: new
 *    messages are appended, edits and deletions update the objects in place
 *    (property notifications), nothing is refetched as a whole;
 *  - deliveries by id (lookup_delivery()), updated in place;
 *  - users and bots (arrays replaced on "chats-changed").
 *
 * Sending goes through the session: send() shows the message at once as a
 * pending local echo and replaces it with the stored one when the sandbox
 * answers (or removes it and fails).
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "botbench-chat-client.h"
#include "botbench-chat-conversation.h"
#include "botbench-chat-delivery.h"
#include "botbench-chat-message.h"
#include "botbench-chat-roster.h"

G_BEGIN_DECLS

#define BOTBENCH_TYPE_CHAT_SESSION (botbench_chat_session_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchChatSession, botbench_chat_session, BOTBENCH, CHAT_SESSION, GObject)

/* Signals:
 *   "ready" ()                                   the first load finished (once per start)
 *   "message-added" (BotbenchChatConversation * (nullable), BotbenchChatMessage *)
 *                                                a message not seen before (not for local echoes)
 *   "message-changed" (BotbenchChatMessage *)    an edit/deletion/any change of a known message
 *   "delivery-changed" (BotbenchChatDelivery *)  a delivery seen for the first time or changed
 *   "chats-changed" ()                           users, bots or conversations were reloaded
 * Properties:
 *   "client" (construct-only), "user-id" (gint64, default 1), "ready" (gboolean),
 *   "running" (gboolean), "rev" (gint64: last REV seen), "error" (GError boxed, nullable:
 *   the last failure of the loop, cleared on success)
 */

BotbenchChatSession *botbench_chat_session_new (BotbenchChatClient *client);

BotbenchChatClient *botbench_chat_session_get_client   (BotbenchChatSession *self);
/* The portal user who speaks (writes, joins, presses buttons).  Changing it
 * reloads the conversations (each user has their own dialogs). */
gint64              botbench_chat_session_get_user_id  (BotbenchChatSession *self);
void                botbench_chat_session_set_user_id  (BotbenchChatSession *self,
                                                        gint64               user_id);
gboolean            botbench_chat_session_get_ready    (BotbenchChatSession *self);
gboolean            botbench_chat_session_get_running  (BotbenchChatSession *self);
gint64              botbench_chat_session_get_rev      (BotbenchChatSession *self);
/* (nullable) */
const GError       *botbench_chat_session_get_error    (BotbenchChatSession *self);

void                botbench_chat_session_start        (BotbenchChatSession *self);
/* Cancels what is in flight; the models keep their contents. */
void                botbench_chat_session_stop         (BotbenchChatSession *self);

/* (element-type BotbenchChatConversation) */
GListModel               *botbench_chat_session_get_conversations (BotbenchChatSession *self);
/* (nullable) */
BotbenchChatConversation *botbench_chat_session_lookup_conversation (BotbenchChatSession *self,
                                                                     const char          *dialog_id);
/* (element-type BotbenchChatUser): seeded users, by id. Borrowed. */
GPtrArray                *botbench_chat_session_get_users   (BotbenchChatSession *self);
/* (element-type BotbenchChatBot): the sandbox's bots. Borrowed. */
GPtrArray                *botbench_chat_session_get_bots    (BotbenchChatSession *self);
/* (nullable) */
BotbenchChatUser         *botbench_chat_session_lookup_user (BotbenchChatSession *self,
                                                             gint64               user_id);
/* (nullable) */
BotbenchChatBot          *botbench_chat_session_lookup_bot  (BotbenchChatSession *self,
                                                             gint64               bot_id);
/* A user's or bot's name for display ("Svetlana Ivanova", bot name, or
 * "User N" / "Bot N" / "Portal" for 0). */
char                     *botbench_chat_session_dup_author_name (BotbenchChatSession *self,
                                                                 gint64               author_id);

/* (element-type BotbenchChatMessage) in id order; loads the history on
 * first use (the model fills when it arrives).  Borrowed, owned by the
 * session for as long as the conversation exists. */
GListModel               *botbench_chat_session_get_messages (BotbenchChatSession *self,
                                                              const char          *dialog_id);
/* (nullable) */
BotbenchChatMessage      *botbench_chat_session_lookup_message  (BotbenchChatSession *self,
                                                                 gint64               message_id);
/* (nullable) */
BotbenchChatDelivery     *botbench_chat_session_lookup_delivery (BotbenchChatSession *self,
                                                                 gint64               delivery_id);

/* The actions of the speaking user.  Each finishes with the API's result
 * object (see botbench-chat-client.h) after the session has taken in what
 * it returned (message, deliveries), so the models already show it. */
void        botbench_chat_session_send_async          (BotbenchChatSession  *self,
                                                       const char           *dialog_id,
                                                       const char           *text,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
/* Opens the private dialog with @bot_id (ONIMBOTJOINCHAT) when @chat_id is
 * 0, or adds the bot to group chat @chat_id. */
void        botbench_chat_session_join_async          (BotbenchChatSession  *self,
                                                       gint64                bot_id,
                                                       gint64                chat_id,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
void        botbench_chat_session_edit_async          (BotbenchChatSession  *self,
                                                       gint64                message_id,
                                                       const char           *text,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
void        botbench_chat_session_delete_async        (BotbenchChatSession  *self,
                                                       gint64                message_id,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
void        botbench_chat_session_press_button_async  (BotbenchChatSession  *self,
                                                       gint64                message_id,
                                                       guint                 button,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
/* @users: further portal users (nullable). */
void        botbench_chat_session_create_chat_async   (BotbenchChatSession  *self,
                                                       const char           *title,
                                                       const gint64         *users,
                                                       guint                 n_users,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
/* Finishes any of the calls above. */
JsonObject *botbench_chat_session_action_finish       (BotbenchChatSession  *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);

G_END_DECLS
