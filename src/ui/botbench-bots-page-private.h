/* botbench-bots-page-private.h: the page's instance struct, for tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "botbench-bot-editor-private.h"
#include "botbench-bots-page.h"

G_BEGIN_DECLS

/* One bot of imbot.bot.list. */
typedef struct
{
  gint64  id;
  char   *code;
  char   *name;
} BotbenchPortalBot;

struct _BotbenchBotsPage
{
  GtkWidget            parent_instance;

  BotbenchApplication *app;
  BotbenchProfile     *profile;
  BotbenchBotStore    *store;
  GPtrArray           *portal_bots;   /* of BotbenchPortalBot, NULL until listed */
  GCancellable        *list_cancellable;
  guint                listing : 1;

  /* Template widgets */
  GtkStack            *stack;
  GtkStack            *list_stack;
  AdwStatusPage       *empty_page;
  AdwStatusPage       *no_profile_page;
  AdwPreferencesGroup *definitions_group;
  GtkListBox          *definition_list;
  AdwPreferencesGroup *portal_group;
  GtkListBox          *portal_list;
  GtkLabel            *portal_message;
  GtkSpinner          *portal_spinner;
  BotbenchBotEditor   *editor;
};

/* Adds the definition in @file and opens it (what Import… does). */
void _botbench_bots_page_import_file (BotbenchBotsPage *self,
                                      GFile            *file);

G_END_DECLS
