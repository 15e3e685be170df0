/* botbench-chat-keyboard-view.h: a bot message's KEYBOARD as buttons
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "botbench-core.h"

G_BEGIN_DECLS

#define BOTBENCH_TYPE_CHAT_KEYBOARD_VIEW (botbench_chat_keyboard_view_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchChatKeyboardView, botbench_chat_keyboard_view, BOTBENCH, CHAT_KEYBOARD_VIEW, GtkWidget)

/* Each button activates "chat.press-button" with (message id, button
 * index); the Chat page does what the button says. */
GtkWidget *botbench_chat_keyboard_view_new (BotbenchKeyboard *keyboard,
                                            gint64            message_id);

G_END_DECLS
