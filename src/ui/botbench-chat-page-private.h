/* botbench-chat-page-private.h: the Chat page's instance struct
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shared by botbench-chat-page.c (the session, sending),
 * botbench-chat-page-view.c (the lists and the open conversation) and
 * botbench-chat-page-actions.c (the chat.* actions of the message rows
 * and menus).
 */
#pragma once

#include "botbench-chat-composer.h"
#include "botbench-chat-page.h"

G_BEGIN_DECLS

struct _BotbenchChatPage
{
  GtkWidget            parent_instance;

  BotbenchApplication *app;
  BotbenchProfile     *profile;
  BotbenchChatClient  *client;
  BotbenchChatSession *session;
  GCancellable        *cancellable;      /* the session's lifetime: cancelled on reload */
  char                *state;

  char                *dialog_id;        /* the open conversation */
  char                *pending_dialog;   /* to open once the chats are loaded */
  GListModel          *messages;         /* borrowed from the session */
  GHashTable          *joined;           /* dialog ids opened (joined) in this session */
  GHashTable          *problems;         /* chat id (gint64 *) -> last delivery problem */
  GArray              *user_ids;         /* gint64, the dropdown's order */
  gint64               first_bot_id;
  double               last_upper;       /* the message scroller's, at the last scroll */
  guint                tail_source;      /* scrolls to the bottom once laid out */

  guint                follow_tail : 1;
  guint                updating_users : 1;
  guint                selecting : 1;

  /* Template widgets */
  GtkStringList       *user_names;
  GMenu               *add_bot_section;
  GMenu               *mention_section;
  GtkStack            *chat_stack;
  GtkSpinner          *loading_spinner;
  AdwStatusPage       *not_sandbox_page;
  AdwStatusPage       *error_page;
  AdwLeaflet          *chat_leaflet;
  GtkStack            *list_stack;
  GtkListBox          *conversation_list;
  GtkWidget           *bots_heading;
  GtkListBox          *bot_list;
  GtkLabel            *conversation_title;
  GtkLabel            *conversation_subtitle;
  GtkWidget           *add_bot_button;
  GtkDropDown         *user_dropdown;
  GtkRevealer         *error_revealer;
  GtkLabel            *error_label;
  GtkRevealer         *handler_hint_revealer;
  GtkLabel            *handler_hint_label;
  GtkStack            *conversation_stack;
  GtkScrolledWindow   *message_scroller;
  GtkListView         *message_list;
  GtkWidget           *mention_button;
  BotbenchChatComposer *composer;
};

/* botbench-chat-page.c */
void _botbench_chat_page_toast         (BotbenchChatPage *self,
                                        const char       *text);
/* A session action's completion: on failure, a toast "WHAT: reason".
 * Pass _botbench_chat_page_action_done_cb with _botbench_chat_page_action_new
 * (self, what) as its data; what must be a static (translated) string. */
gpointer _botbench_chat_page_action_new     (BotbenchChatPage *self,
                                             const char       *what);
void     _botbench_chat_page_action_done_cb (GObject          *object,
                                             GAsyncResult     *result,
                                             gpointer          user_data);

void _botbench_chat_page_error_toast   (BotbenchChatPage *self,
                                        const char       *what,
                                        const GError     *error);
/* Starts over with the active profile. */
void _botbench_chat_page_reload        (BotbenchChatPage *self);
/* The open conversation, or NULL. */
BotbenchChatConversation *_botbench_chat_page_get_conversation (BotbenchChatPage *self);

/* botbench-chat-page-view.c */
void       _botbench_chat_page_init_view          (BotbenchChatPage *self);
void       _botbench_chat_page_class_init_view    (GtkWidgetClass   *widget_class);
void       _botbench_chat_page_open_now           (BotbenchChatPage *self,
                                                   const char       *dialog_id);
void       _botbench_chat_page_close_conversation (BotbenchChatPage *self);
void       _botbench_chat_page_update_header      (BotbenchChatPage *self);
void       _botbench_chat_page_update_rows        (BotbenchChatPage *self);
void       _botbench_chat_page_update_bot_list    (BotbenchChatPage *self);
void       _botbench_chat_page_update_users       (BotbenchChatPage *self);
GtkWidget *_botbench_chat_page_create_row_cb      (gpointer          item,
                                                   gpointer          user_data);
void       _botbench_chat_page_conversations_changed_cb (BotbenchChatPage *self,
                                                         guint             position,
                                                         guint             removed,
                                                         guint             added,
                                                         GListModel       *model);

/* botbench-chat-page-actions.c */
void _botbench_chat_page_class_init_actions (GtkWidgetClass *widget_class);
void _botbench_chat_page_update_menus       (BotbenchChatPage *self);

G_END_DECLS
