/* botbench-chat-session-private.h: shared between the session's files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * botbench-chat-session.c keeps the state current (load, long poll, merge);
 * botbench-chat-session-actions.c does what the speaking user does.
 */
#pragma once

#include "botbench-chat-session.h"

G_BEGIN_DECLS

/* One conversation's message list. */
typedef struct
{
  char       *dialog_id;
  GListStore *store;      /* (element-type BotbenchChatMessage), by id; pending echoes last */
  gboolean    loading;
  gboolean    loaded;
} ChatDialog;

struct _BotbenchChatSession
{
  GObject             parent_instance;

  BotbenchChatClient *client;
  gint64              user_id;
  gboolean            ready;
  gboolean            running;
  gint64              rev;
  GError             *error;

  GCancellable       *cancellable;   /* the current run; NULL when stopped */
  guint               retry_source;
  guint               backoff_s;
  gboolean            loading_chats;

  GListStore         *conversations;   /* (element-type BotbenchChatConversation) */
  GHashTable         *by_dialog;       /* dialog id -> BotbenchChatConversation (borrowed) */
  GPtrArray          *users;           /* (element-type BotbenchChatUser) */
  GPtrArray          *bots;            /* (element-type BotbenchChatBot) */
  GHashTable         *dialogs;         /* dialog id -> ChatDialog */
  GHashTable         *messages;        /* id -> BotbenchChatMessage (owned) */
  GHashTable         *deliveries;      /* id -> BotbenchChatDelivery (owned) */
  gint64              next_local_id;   /* pending echoes: -1, -2, … */
};

/* The dialog's state, created (and its history requested) on first use. */
ChatDialog *_botbench_chat_session_ensure_dialog    (BotbenchChatSession *self,
                                                     const char          *dialog_id);
/* Takes in a MESSAGE object; returns the session's object for it (borrowed)
 * or NULL when it belongs to no conversation of this user. */
BotbenchChatMessage *
            _botbench_chat_session_take_message     (BotbenchChatSession *self,
                                                     JsonObject          *object,
                                                     const char          *dialog_hint);
/* Takes in a "DELIVERIES" array member of @result, if any. */
void        _botbench_chat_session_take_deliveries  (BotbenchChatSession *self,
                                                     JsonObject          *result);
/* Inserts @message into @dialog's store at its place (by id). */
void        _botbench_chat_session_insert_sorted    (ChatDialog          *dialog,
                                                     BotbenchChatMessage *message);
/* Requests @dialog's history (once at a time). */
void        _botbench_chat_session_load_dialog      (BotbenchChatSession *self,
                                                     ChatDialog          *dialog);
/* Merges an updates answer: MESSAGES, DELIVERIES, REV. */
void        _botbench_chat_session_apply_updates    (BotbenchChatSession *self,
                                                     JsonObject          *result);
/* Replaces *@array by the items of @list that @new_from_json accepts. */
void        _botbench_chat_session_replace_array    (GPtrArray          **array,
                                                     JsonArray           *list,
                                                     gpointer           (*new_from_json) (JsonObject *),
                                                     GDestroyNotify       free_func);
/* CHATS of /_sandbox/chats (plus a private dialog per bot without one). */
void        _botbench_chat_session_replace_conversations (BotbenchChatSession *self,
                                                          JsonArray           *chats);
/* Raises "rev" (never lowers it). */
void        _botbench_chat_session_set_rev          (BotbenchChatSession *self,
                                                     gint64               rev);
void        _botbench_chat_session_emit_message_added   (BotbenchChatSession      *self,
                                                         BotbenchChatConversation *conversation,
                                                         BotbenchChatMessage      *message);
void        _botbench_chat_session_emit_message_changed (BotbenchChatSession      *self,
                                                         BotbenchChatMessage      *message);
void        _botbench_chat_session_emit_delivery_changed (BotbenchChatSession     *self,
                                                          BotbenchChatDelivery    *delivery);
/* Reload the chats soon (a conversation was created or joined). */
void        _botbench_chat_session_reload_chats     (BotbenchChatSession *self);

G_END_DECLS
