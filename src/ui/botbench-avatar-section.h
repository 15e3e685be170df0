/* botbench-avatar-section.h: the Avatar group of the bot editor
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "botbench-bot-editor.h"

G_BEGIN_DECLS

#define BOTBENCH_TYPE_AVATAR_SECTION (botbench_avatar_section_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchAvatarSection, botbench_avatar_section, BOTBENCH, AVATAR_SECTION, AdwPreferencesGroup)

/* Hands the picture row to the editor's validation display. */
void            botbench_avatar_section_add_fields    (BotbenchAvatarSection *self,
                                                       BotbenchBotEditor     *editor);
/* Shows @bot's saved picture (NULL: none); a running encoding is dropped. */
void            botbench_avatar_section_load          (BotbenchAvatarSection *self,
                                                       BotbenchBot           *bot);
/* Writes PERSONAL_PHOTO into @bot: the new picture, else the saved one. */
void            botbench_avatar_section_apply         (BotbenchAvatarSection *self,
                                                       BotbenchBot           *bot);
/* Default size and a centred crop, without encoding again. */
void            botbench_avatar_section_reset_options (BotbenchAvatarSection *self);
/* Encodes @file as the avatar (what the file chooser and a drop call). */
void            botbench_avatar_section_load_file     (BotbenchAvatarSection *self,
                                                       GFile                 *file);
/* Asks for a picture with a file chooser. */
void            botbench_avatar_section_choose        (BotbenchAvatarSection *self);
/* Forgets the picture, new or saved. */
void            botbench_avatar_section_remove        (BotbenchAvatarSection *self);
/* The picture encoded from the last file, or NULL. */
BotbenchAvatar *botbench_avatar_section_get_avatar    (BotbenchAvatarSection *self);
gboolean        botbench_avatar_section_get_encoding  (BotbenchAvatarSection *self);
/* Why the last picked file could not be used, or NULL. */
const char     *botbench_avatar_section_get_error     (BotbenchAvatarSection *self);

/* Properties:
 *   "encoding" (gboolean)  a file is being converted; notified when an
 *       encoding starts and when it ends (the picture is in place then). */

G_END_DECLS
