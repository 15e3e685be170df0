/* botbench-chat-composer.h: the Chat page's message entry
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define BOTBENCH_TYPE_CHAT_COMPOSER (botbench_chat_composer_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchChatComposer, botbench_chat_composer, BOTBENCH, CHAT_COMPOSER, GtkWidget)

GtkWidget  *botbench_chat_composer_new              (void);
/* The commands "/" completes: forgets the previous ones. */
void        botbench_chat_composer_clear_commands   (BotbenchChatComposer *self);
void        botbench_chat_composer_add_command      (BotbenchChatComposer *self,
                                                     const char           *command,
                                                     const char           *params,
                                                     const char           *title);
const char *botbench_chat_composer_get_text         (BotbenchChatComposer *self);
void        botbench_chat_composer_set_text         (BotbenchChatComposer *self,
                                                     const char           *text);
/* Inserts @text at the cursor. */
void        botbench_chat_composer_insert           (BotbenchChatComposer *self,
                                                     const char           *text);
void        botbench_chat_composer_focus            (BotbenchChatComposer *self);
/* Sends the text as if Enter was pressed (the "send" signal). */
void        botbench_chat_composer_send             (BotbenchChatComposer *self);
/* Whether the command completion is shown. */
gboolean    botbench_chat_composer_get_completing   (BotbenchChatComposer *self);
/* The commands the completion shows now ("/help"…), for tests. */
GStrv       botbench_chat_composer_dup_completions  (BotbenchChatComposer *self);
GtkEditable *botbench_chat_composer_get_editable    (BotbenchChatComposer *self);

G_END_DECLS
