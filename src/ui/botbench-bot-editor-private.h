/* botbench-bot-editor-private.h: the editor's instance struct, for tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "botbench-bot-editor.h"

G_BEGIN_DECLS

/* What a field shows an issue on: the row, an icon and a message label. */
typedef struct
{
  GtkWidget *row;
  GtkWidget *icon;
  GtkLabel  *message;
} BotbenchBotEditorField;

/* A CODE on the portal (imbot.bot.list), for adoption. */
typedef struct
{
  gint64  id;
} BotbenchPortalCode;

struct _BotbenchBotEditor
{
  GtkWidget              parent_instance;

  BotbenchApplication   *app;
  BotbenchProfile       *profile;
  BotbenchBotStore      *store;
  BotbenchBot           *bot;           /* stored, or NULL */
  BotbenchAvatar        *avatar;
  GFile                 *avatar_file;
  GCancellable          *avatar_cancellable;
  GCancellable          *cancellable;
  GPtrArray             *issues;        /* of the form, last validation */
  GHashTable            *fields;        /* "CODE" → BotbenchBotEditorField */
  char                  *pending_method;
  JsonObject            *pending_params;
  AdwMessageDialog      *preview_dialog;
  AdwMessageDialog      *unregister_dialog;
  AdwMessageDialog      *command_dialog;
  AdwEntryRow           *command_rows[3];    /* COMMAND, TITLE (en), PARAMS */
  GtkSwitch             *command_common_switch;
  BotbenchBotCommand    *editing_command;     /* the command the dialog edits, or NULL */
  GtkSwitch             *command_hidden_switch;
  GPtrArray             *command_list_rows;  /* rows shown in commands_group */
  GtkToggleButton       *color_buttons[BOTBENCH_BOT_N_COLORS + 1];
  char                  *avatar_base64;  /* kept from a loaded definition */
  char                  *avatar_error;   /* why the last picked file failed */
  GHashTable            *portal_codes;   /* CODE → BotbenchPortalCode, or NULL */
  gint64                 adopt_id;       /* the portal bot with the form's CODE */
  guint                  loading : 1;
  guint                  busy : 1;
  guint                  encoding : 1;
  guint                  checking : 1;
  guint                  exported : 1;   /* the last export was written */

  /* Template widgets */
  GtkWidget             *root_box;
  GtkLabel              *title_label;
  GtkRevealer           *banner_revealer;
  GtkLabel              *banner_label;
  AdwPreferencesGroup   *bot_group;
  AdwPreferencesGroup   *handlers_group;
  AdwPreferencesGroup   *properties_group;
  AdwPreferencesGroup   *color_group;
  AdwPreferencesGroup   *avatar_group;
  GtkButton             *save_button;
  GtkButton             *adopt_button;
  AdwPreferencesGroup   *commands_group;
  GtkButton             *add_command_button;
  GtkButton             *register_button;
  GtkButton             *unregister_button;
  GtkButton             *fill_button;
  GtkSpinner            *spinner;

  /* Rows made in code */
  AdwActionRow          *bot_id_row;
  AdwEntryRow           *code_row;
  AdwComboRow           *type_row;
  AdwActionRow          *openline_row;
  GtkSwitch             *openline_switch;
  AdwEntryRow           *event_handler_row;
  AdwExpanderRow        *handlers_expander;
  AdwEntryRow           *handler_rows[BOTBENCH_BOT_N_HANDLERS];
  AdwEntryRow           *property_rows[BOTBENCH_BOT_N_PROPERTIES];
  AdwComboRow           *gender_row;
  AdwActionRow          *avatar_row;
  GtkPicture            *avatar_picture;
  GtkSpinButton         *avatar_size_spin;
  GtkRange              *avatar_crop_scale;
  guint                  avatar_crop_source;
  GtkButton             *avatar_remove_button;
};

/* Shows a portal error on its field (CODE_ERROR → CODE, …) or the banner. */
void _botbench_bot_editor_show_portal_error (BotbenchBotEditor *self,
                                             const char        *code,
                                             const char        *message);
/* "CODE_ERROR" → "CODE"…; NULL when the error belongs to no field. */
const char *_botbench_bot_editor_field_for_error (BotbenchBot *bot,
                                                  const char  *code);
/* The portal's bots by CODE (the page's last imbot.bot.list), or NULL. */
void _botbench_bot_editor_set_portal_codes (BotbenchBotEditor *self,
                                            GHashTable        *codes);
/* Writes the form as a definition file (the imbot.register body plus
 * "BOTBENCH"), what Export… does after its file chooser. */
void _botbench_bot_editor_export_to (BotbenchBotEditor *self,
                                     GFile             *file);
/* The curl line of the pending request (URL masked). */
char *_botbench_bot_editor_dup_curl (BotbenchBotEditor *self);

G_END_DECLS
