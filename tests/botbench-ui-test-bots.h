/* botbench-ui-test-bots.h: the Bots page, the bot editor and its dialogs
 * in the window tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "botbench-bot-editor.h"
#include "botbench-bots-page.h"
#include "botbench-ui-test-utils.h"

G_BEGIN_DECLS

/* The window's Bots page. */
BotbenchBotsPage  *botbench_ui_test_bots_page          (BotbenchUiFixture *f);
/* The Bots page's bot editor. */
BotbenchBotEditor *botbench_ui_test_bot_editor         (BotbenchUiFixture *f);
/* The editor's row of the field @key (as "CODE", "PROPERTIES.NAME");
 * fails the test if there is none. */
GtkWidget         *botbench_ui_test_editor_row         (BotbenchBotEditor *ed,
                                                        const char        *key);
/* The spinner of the editor's header bar turns while a portal call runs. */
gboolean           botbench_ui_test_editor_busy        (BotbenchBotEditor *ed);
/* Wait condition: @ed (a BotbenchBotEditor) is not busy. */
gboolean           botbench_ui_test_editor_idle        (gpointer           ed);
/* Wait condition: @ed (a BotbenchBotEditor) is not busy and its bot is
 * registered (has a bot ID). */
gboolean           botbench_ui_test_bot_is_registered  (gpointer           ed);
/* Wait condition: the portal's list of @page (a BotbenchBotsPage) is in:
 * its spinner stopped, and it shows bots or a message. */
gboolean           botbench_ui_test_portal_listed      (gpointer           page);
/* The shown request preview dialog, or NULL. */
AdwMessageDialog  *botbench_ui_test_preview_dialog     (void);
/* The shown command dialog, or NULL. */
AdwMessageDialog  *botbench_ui_test_command_dialog     (void);
/* The field @id of the command dialog, which must be shown. */
GtkEditable       *botbench_ui_test_command_field      (const char        *id);
/* The button of the first command row under @root that activates
 * @action_name, or NULL. */
GtkWidget         *botbench_ui_test_find_command_button (GtkWidget        *root,
                                                         const char       *action_name);

G_END_DECLS
