/* botbench-bot-editor.h: the form of one bot definition, and its portal actions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "botbench-application.h"

G_BEGIN_DECLS

#define BOTBENCH_TYPE_BOT_EDITOR (botbench_bot_editor_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchBotEditor, botbench_bot_editor, BOTBENCH, BOT_EDITOR, GtkWidget)

/* Edits @bot of @store (NULL: a new definition).  @bot stays the stored
 * object; the form works on a copy until Save or a portal action. */
void         botbench_bot_editor_edit          (BotbenchBotEditor   *self,
                                                BotbenchApplication *app,
                                                BotbenchProfile     *profile,
                                                BotbenchBotStore    *store,
                                                BotbenchBot         *bot);
/* The stored definition being edited, NULL for a new unsaved one. */
BotbenchBot *botbench_bot_editor_get_bot       (BotbenchBotEditor   *self);
/* Builds a definition from the form (a new object). */
BotbenchBot *botbench_bot_editor_dup_form_bot  (BotbenchBotEditor   *self);
/* Fills EVENT_HANDLER from the profile's public base URL, or for the
 * sandbox from the local listener's URL. */
void         botbench_bot_editor_fill_handlers (BotbenchBotEditor   *self);
/* Encodes @file as the avatar (what the file chooser and a drop call). */
void         botbench_bot_editor_load_avatar   (BotbenchBotEditor   *self,
                                                GFile               *file);

/* Signals:
 *   "closed"  the user went back to the list.
 *   "saved" (BotbenchBot *bot)  the definition was written to the store
 *       (after Save, Register, Update or Unregister). */

G_END_DECLS
