/* botbench-chat-page.h: the Chat page (play the sandbox portal's users)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "botbench-application.h"
#include "botbench-core.h"

G_BEGIN_DECLS

#define BOTBENCH_TYPE_CHAT_PAGE (botbench_chat_page_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchChatPage, botbench_chat_page, BOTBENCH, CHAT_PAGE, GtkWidget)

/* Follows @app's active profile; call once. */
void                 botbench_chat_page_set_application (BotbenchChatPage    *self,
                                                         BotbenchApplication *app);
/* The session of the active profile, or NULL (not a sandbox, not loaded). */
BotbenchChatSession *botbench_chat_page_get_session     (BotbenchChatPage    *self);
/* "none", "loading", "not-sandbox", "error" or "chat". */
const char          *botbench_chat_page_get_state       (BotbenchChatPage    *self);
/* Opens the private dialog with @bot_id (once the chats are loaded). */
void                 botbench_chat_page_open_bot        (BotbenchChatPage    *self,
                                                         gint64               bot_id);
/* Opens @dialog_id ("100", "chat5") once the chats are loaded. */
void                 botbench_chat_page_open_dialog     (BotbenchChatPage    *self,
                                                         const char          *dialog_id);
/* The open conversation's DIALOG_ID, or NULL. */
const char          *botbench_chat_page_get_dialog_id   (BotbenchChatPage    *self);
void                 botbench_chat_page_focus_composer  (BotbenchChatPage    *self);
/* The first bot of the sandbox (property "first-bot-id", 0 for none) and
 * its name, for the Events page's "Chat with …". */
gint64               botbench_chat_page_get_first_bot_id (BotbenchChatPage   *self);
char                *botbench_chat_page_dup_first_bot_name (BotbenchChatPage *self);

G_END_DECLS
