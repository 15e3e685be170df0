/* botbench-chat-new-dialog.h: the New Group Chat dialog
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "botbench-core.h"

G_BEGIN_DECLS

#define BOTBENCH_TYPE_CHAT_NEW_DIALOG (botbench_chat_new_dialog_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchChatNewDialog, botbench_chat_new_dialog, BOTBENCH, CHAT_NEW_DIALOG, AdwMessageDialog)

/* Asks for a title, users and bots; "create" makes the chat through
 * @session (/_sandbox/chat, then /_sandbox/join per bot) and emits
 * "created" (DIALOG_ID) when done.  Errors are toasts (win.toast). */
GtkWidget *botbench_chat_new_dialog_new        (GtkWindow             *parent,
                                                BotbenchChatSession   *session);
/* For tests: the title entry, and the check button of a user or bot id. */
GtkEditable *botbench_chat_new_dialog_get_title_entry (BotbenchChatNewDialog *self);
GtkCheckButton *botbench_chat_new_dialog_get_check    (BotbenchChatNewDialog *self,
                                                       gint64                 id);

G_END_DECLS
