/* botbench-ui-test-chat.c: the Chat page in the window tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Opening a bot's private dialog the way the Chat tests and the
 * screenshot tour do, waiting for the sandbox session at each step.
 */
#include "config.h"

#include "botbench-ui-test-chat.h"
#include "botbench-ui-test-widgets.h"
#include "botbench-test-utils.h"

typedef struct
{
  BotbenchChatPage *page;
  gint64            bot_id;
} BotWait;

BotbenchChatPage *
botbench_ui_test_chat_page (BotbenchUiFixture *f)
{
  return BOTBENCH_CHAT_PAGE (botbench_ui_test_find_by_type (f->window, BOTBENCH_TYPE_CHAT_PAGE));
}

static gboolean
page_is_chatting (gpointer data)
{
  return g_strcmp0 (botbench_chat_page_get_state (data), "chat") == 0;
}

static gboolean
session_knows_bot (gpointer data)
{
  BotWait *wait = data;
  BotbenchChatSession *session = botbench_chat_page_get_session (wait->page);

  return session != NULL && botbench_chat_session_get_ready (session) &&
         botbench_chat_session_lookup_bot (session, wait->bot_id) != NULL;
}

static gboolean
dialog_is_open (gpointer data)
{
  BotWait *wait = data;
  g_autofree char *dialog_id = g_strdup_printf ("%" G_GINT64_FORMAT, wait->bot_id);

  return g_strcmp0 (botbench_chat_page_get_dialog_id (wait->page), dialog_id) == 0;
}

void
botbench_ui_test_show_chat (BotbenchUiFixture *f,
                            gint64             bot_id)
{
  BotWait wait = { botbench_ui_test_chat_page (f), bot_id };

  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-chat", NULL);
  botbench_test_assert_wait_until_full (page_is_chatting, wait.page, BOTBENCH_UI_TEST_WAIT_MS,
                                        "the chat to load");
  botbench_test_assert_wait_until_full (session_knows_bot, &wait, BOTBENCH_UI_TEST_WAIT_MS,
                                        "the session to know the bot");
}

void
botbench_ui_test_wait_bot_dialog (BotbenchUiFixture *f,
                                  gint64             bot_id)
{
  BotWait wait = { botbench_ui_test_chat_page (f), bot_id };

  botbench_test_assert_wait_until_full (dialog_is_open, &wait, BOTBENCH_UI_TEST_WAIT_MS,
                                        "the bot's dialog to open");
}

void
botbench_ui_test_chat_with (BotbenchUiFixture *f,
                            gint64             bot_id)
{
  botbench_ui_test_show_chat (f, bot_id);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.chat-with", "x", bot_id);
  botbench_ui_test_wait_bot_dialog (f, bot_id);
  g_assert_cmpstr (botbench_ui_test_visible_child (f->window, "page_stack"), ==, "chat");
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
}
