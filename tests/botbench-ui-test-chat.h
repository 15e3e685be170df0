/* botbench-ui-test-chat.h: the Chat page in the window tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "botbench-chat-page.h"
#include "botbench-ui-test-utils.h"

G_BEGIN_DECLS

/* The window's Chat page. */
BotbenchChatPage *botbench_ui_test_chat_page          (BotbenchUiFixture *f);
/* win.show-chat, then waits until the page chats (its state "chat") and
 * its session is ready and knows the bot @bot_id. */
void              botbench_ui_test_show_chat          (BotbenchUiFixture *f,
                                                       gint64             bot_id);
/* Waits until the Chat page shows the bot's private dialog. */
void              botbench_ui_test_wait_bot_dialog    (BotbenchUiFixture *f,
                                                       gint64             bot_id);
/* botbench_ui_test_show_chat(), then win.chat-with(@bot_id): waits for
 * the bot's private dialog, asserts the window shows the Chat page, and
 * waits until it is drawn. */
void              botbench_ui_test_chat_with          (BotbenchUiFixture *f,
                                                       gint64             bot_id);

G_END_DECLS
