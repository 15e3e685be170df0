/* botbench-ui-test-bots.c: the Bots page, the bot editor and its dialogs
 * in the window tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Where the tests of v1 and v2 bots (and the screenshot tour) find the
 * page, the editor's fields and the dialogs the editor opens, and the
 * conditions they wait on.
 */
#include "config.h"

#include "botbench-ui-test-bots.h"
#include "botbench-bot-editor-private.h"
#include "botbench-command-dialog.h"
#include "botbench-command-row.h"
#include "botbench-request-preview-dialog.h"

BotbenchBotsPage *
botbench_ui_test_bots_page (BotbenchUiFixture *f)
{
  return BOTBENCH_BOTS_PAGE (botbench_ui_test_find_by_type (f->window, BOTBENCH_TYPE_BOTS_PAGE));
}

BotbenchBotEditor *
botbench_ui_test_bot_editor (BotbenchUiFixture *f)
{
  return BOTBENCH_BOT_EDITOR (botbench_ui_test_find_by_type (botbench_ui_test_bots_page (f),
                                                             BOTBENCH_TYPE_BOT_EDITOR));
}

GtkWidget *
botbench_ui_test_editor_row (BotbenchBotEditor *ed,
                             const char        *key)
{
  GtkWidget *found = _botbench_bot_editor_get_field_row (ed, key);

  g_assert_nonnull (found);
  return found;
}

gboolean
botbench_ui_test_editor_busy (BotbenchBotEditor *ed)
{
  return gtk_spinner_get_spinning (GTK_SPINNER (botbench_ui_test_find (ed, "spinner")));
}

gboolean
botbench_ui_test_editor_idle (gpointer ed)
{
  return !botbench_ui_test_editor_busy (ed);
}

gboolean
botbench_ui_test_bot_is_registered (gpointer ed)
{
  BotbenchBot *bot = botbench_bot_editor_get_bot (ed);

  return !botbench_ui_test_editor_busy (ed) && bot != NULL && botbench_bot_get_bot_id (bot) > 0;
}

gboolean
botbench_ui_test_portal_listed (gpointer page)
{
  GtkWidget *portal_list = botbench_ui_test_find (page, "portal_list");

  return !gtk_spinner_get_spinning (GTK_SPINNER (botbench_ui_test_find (page, "portal_spinner"))) &&
         (gtk_widget_get_first_child (portal_list) != NULL ||
          gtk_widget_get_visible (botbench_ui_test_find (page, "portal_message")));
}

AdwMessageDialog *
botbench_ui_test_preview_dialog (void)
{
  return botbench_ui_test_find_dialog (BOTBENCH_TYPE_REQUEST_PREVIEW_DIALOG, NULL);
}

AdwMessageDialog *
botbench_ui_test_command_dialog (void)
{
  return botbench_ui_test_find_dialog (BOTBENCH_TYPE_COMMAND_DIALOG, NULL);
}

GtkEditable *
botbench_ui_test_command_field (const char *id)
{
  AdwMessageDialog *dialog = botbench_ui_test_command_dialog ();

  g_assert_nonnull (dialog);
  return GTK_EDITABLE (botbench_ui_test_find (dialog, id));
}

GtkWidget *
botbench_ui_test_find_command_button (GtkWidget  *root,
                                      const char *action_name)
{
  if (GTK_IS_BUTTON (root) && gtk_widget_get_ancestor (root, BOTBENCH_TYPE_COMMAND_ROW) != NULL &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (root)), action_name) == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = botbench_ui_test_find_command_button (child, action_name);

      if (found != NULL)
        return found;
    }
  return NULL;
}
