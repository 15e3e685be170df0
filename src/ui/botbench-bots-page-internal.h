/* botbench-bots-page-internal.h: the Bots page's instance struct and the
 * functions its files share (the page, its import)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "botbench-bot-editor.h"
#include "botbench-bot-fetch-status.h"
#include "botbench-bots-page-private.h"

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
  BotbenchBotFetchStatus *fetch_status;
  GHashTable          *fetch_rows;    /* bot id → its definition row (borrowed) */
  guint                listing : 1;
  /* The last list failed for want of a secret: retried when the secret
   * store says the profile's secrets changed. */
  guint                secret_error : 1;

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

/* Shows @text in the window's toast. */
void _botbench_bots_page_toast (BotbenchBotsPage *self,
                                const char       *text);

G_END_DECLS
