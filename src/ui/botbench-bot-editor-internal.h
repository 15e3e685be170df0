/* botbench-bot-editor-internal.h: the editor's instance struct and the
 * functions its files share (the shell, validation, portal calls, slash
 * commands) and its sections call
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "botbench-avatar-section.h"
#include "botbench-bot-fetch-status.h"
#include "botbench-bot-editor-private.h"
#include "botbench-color-section.h"
#include "botbench-commands-section.h"
#include "botbench-handlers-section.h"
#include "botbench-identity-section.h"
#include "botbench-properties-section.h"
#include "botbench-v2-section.h"

G_BEGIN_DECLS

/* What a field shows an issue on: the row, an icon and a message label. */
typedef struct
{
  GtkWidget *row;
  GtkWidget *icon;
  GtkLabel  *message;
} BotbenchBotEditorField;

struct _BotbenchBotEditor
{
  GtkWidget              parent_instance;

  BotbenchApplication   *app;
  BotbenchProfile       *profile;
  BotbenchBotStore      *store;
  BotbenchBot           *bot;           /* stored, or NULL */
  GCancellable          *cancellable;
  GPtrArray             *issues;        /* of the form, last validation */
  GHashTable            *fields;        /* "CODE" → BotbenchBotEditorField */
  GHashTable            *touched;       /* keys of the fields the user edited */
  char                  *pending_method;
  JsonObject            *pending_params;
  AdwMessageDialog      *preview_dialog;
  AdwMessageDialog      *unregister_dialog;
  AdwMessageDialog      *command_dialog;
  BotbenchBotCommand    *editing_command;     /* the command the dialog edits, or NULL */
  GHashTable            *portal_codes;   /* CODE → BotbenchPortalCode, or NULL */
  gint64                 adopt_id;       /* the portal bot with the form's CODE */
  BotbenchBotFetchStatus *fetch_status;  /* of the application, once known */
  GCancellable          *token_cancellable; /* the keyring lookup of the bot's botToken */
  gint64                 rotated_bot_id; /* its botToken was just changed: fetched again once its
                                          * fetcher fails with the old one */
  guint                  loading : 1;
  guint                  busy : 1;
  guint                  checking : 1;
  guint                  exported : 1;   /* the last export was written */
  guint                  show_all_issues : 1; /* a stored bot, or Register was pressed: every
                                               * field's issues, touched or not */

  /* Template widgets */
  GtkWidget                 *root_box;
  GtkLabel                  *title_label;
  GtkWidget                 *doctor_button;
  GtkRevealer               *banner_revealer;
  GtkLabel                  *banner_label;
  GtkLabel                  *fetch_label;
  BotbenchV2Section         *v2_section;
  BotbenchIdentitySection   *identity_section;
  BotbenchHandlersSection   *handlers_section;
  BotbenchAvatarSection     *avatar_section;
  BotbenchColorSection      *color_section;
  BotbenchPropertiesSection *properties_section;
  BotbenchCommandsSection   *commands_section;
  GtkButton                 *save_button;
  GtkButton                 *adopt_button;
  GtkButton                 *register_button;
  GtkButton                 *unregister_button;
  GtkSpinner                *spinner;
};

/* The shell (botbench-bot-editor.c) */
void _botbench_bot_editor_toast          (BotbenchBotEditor  *self,
                                          const char         *text);
void _botbench_bot_editor_show_banner    (BotbenchBotEditor  *self,
                                          const char         *text);
void _botbench_bot_editor_update_state   (BotbenchBotEditor  *self);
gboolean _botbench_bot_editor_store_bot  (BotbenchBotEditor  *self,
                                          BotbenchBot        *form,
                                          GError            **error);

/* Whether the profile calls through an incoming webhook, so that every
 * imbot.v2 call carries the bot's botToken (OAuth profiles send none). */
gboolean _botbench_bot_editor_webhook_auth (BotbenchBotEditor *self);

/* imbot.v2 (botbench-bot-editor-v2.c) */
/* Shows the fetch state of the bot under the header (v2 fetch bots). */
void _botbench_bot_editor_update_fetch_status (BotbenchBotEditor *self);
/* Follows the application's fetchers (once the application is known). */
void _botbench_bot_editor_follow_fetch_status (BotbenchBotEditor *self);
/* Keeps a v2 @bot's botToken in the keyring (a saved, unregistered bot
 * registers later with it); a failure shows in the banner. */
void _botbench_bot_editor_keep_token          (BotbenchBotEditor *self,
                                               BotbenchBot       *bot);
/* Reads the edited v2 bot's botToken from the keyring into the form. */
void _botbench_bot_editor_lookup_token        (BotbenchBotEditor *self);

/* Validation (botbench-bot-editor-validation.c) */
void _botbench_bot_editor_add_field      (BotbenchBotEditor  *self,
                                          const char         *key,
                                          GtkWidget          *row);
void _botbench_bot_editor_validate       (BotbenchBotEditor  *self);
/* A new bot shows no issue on a field until the user edits it (GNOME
 * HIG): this starts showing all of them, e.g. when Register is pressed.
 * Moves the focus to the first field in error; FALSE when there is none. */
gboolean _botbench_bot_editor_reveal_issues (BotbenchBotEditor *self);

/* Register, update, unregister, adopt (botbench-bot-editor-portal.c) */
void _botbench_bot_editor_set_busy         (BotbenchBotEditor *self,
                                            gboolean           busy);
void _botbench_bot_editor_send_action      (GtkWidget         *widget,
                                            const char        *action_name,
                                            GVariant          *parameter);
void _botbench_bot_editor_unregister_action (GtkWidget        *widget,
                                             const char       *action_name,
                                             GVariant         *parameter);
void _botbench_bot_editor_adopt_action     (GtkWidget         *widget,
                                            const char        *action_name,
                                            GVariant          *parameter);

/* Slash commands (botbench-bot-editor-commands.c) */
void _botbench_bot_editor_add_command_action        (GtkWidget  *widget,
                                                     const char *action_name,
                                                     GVariant   *parameter);
void _botbench_bot_editor_edit_command_action       (GtkWidget  *widget,
                                                     const char *action_name,
                                                     GVariant   *parameter);
void _botbench_bot_editor_unregister_command_action (GtkWidget  *widget,
                                                     const char *action_name,
                                                     GVariant   *parameter);

G_END_DECLS
