/* botbench-bot-editor-private.h: the editor's internal API for the Bots
 * page, and a few accessors for tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The instance struct, shared by the editor's own files, is in
 * botbench-bot-editor-internal.h.
 */
#pragma once

#include "botbench-bot-editor.h"

G_BEGIN_DECLS

/* A CODE on the portal (imbot.bot.list), for adoption. */
typedef struct
{
  gint64  id;
} BotbenchPortalCode;

/* Shows a portal error on its field (CODE_ERROR → CODE, …) or the banner. */
void _botbench_bot_editor_show_portal_error (BotbenchBotEditor *self,
                                             const char        *code,
                                             const char        *message);
/* "CODE_ERROR" → "CODE"…; NULL when the error belongs to no field. */
const char *_botbench_bot_editor_field_for_error (BotbenchBot *bot,
                                                  const char  *code);
/* The portal's bots by CODE (the page's last imbot.bot.list, values
 * BotbenchPortalCode), or NULL. */
void _botbench_bot_editor_set_portal_codes (BotbenchBotEditor *self,
                                            GHashTable        *codes);

/* Moves the focus to the CODE field (a new definition). */
void _botbench_bot_editor_focus_code (BotbenchBotEditor *self);

/* Writes the form as a definition file (the imbot.register body plus
 * "BOTBENCH"), what Export… does after its file chooser. */
void _botbench_bot_editor_export_to (BotbenchBotEditor *self,
                                     GFile             *file);

/* The curl line of the pending request (URL masked). */
char *_botbench_bot_editor_dup_curl (BotbenchBotEditor *self);

/* For tests: the row and the issue icon of a field ("CODE",
 * "PROPERTIES.NAME", "EVENT_HANDLER", "PROPERTIES.PERSONAL_PHOTO"…, and
 * the API group's v2 fields "botToken", "type", "eventMode",
 * "webhookUrl"). */
GtkWidget *_botbench_bot_editor_get_field_row  (BotbenchBotEditor *self,
                                                const char        *key);
GtkWidget *_botbench_bot_editor_get_field_icon (BotbenchBotEditor *self,
                                                const char        *key);

G_END_DECLS
