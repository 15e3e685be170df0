/* botbench-profile-editor-private.h: what the editor's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The instance struct and the internal functions of
 * botbench-profile-editor.c (the shell), -load.c, -save.c and
 * -connection.c.
 */
#pragma once

#include "botbench-profile-editor.h"

G_BEGIN_DECLS

#define PUBLIC_URL_HINT N_("Where the portal reaches Botbench’s listener, for example a tunnel’s " \
                                "https:// address. Handler URLs are built on it.")

/* The rows of kind_row */
enum {
  KIND_ROW_WEBHOOK,
  KIND_ROW_OAUTH,
};

/* A secret waiting to be stored while saving. */
typedef struct
{
  BotbenchSecretKind  kind;
  char               *value;
} PendingSecret;

struct _BotbenchProfileEditor
{
  GtkWidget               parent_instance;

  BotbenchApplication    *app;
  BotbenchProfile        *profile;
  /* A new profile, not yet in the manager (its UUID keys the secrets). */
  BotbenchProfile        *draft;
  GCancellable           *cancellable;
  GCancellable           *test_cancellable;
  /* Saving stores the secrets one by one, then the profile. */
  GPtrArray              *pending_secrets;
  guint                   scroll_source;

  guint                   loading : 1;
  guint                   dirty : 1;
  guint                   saving : 1;
  guint                   testing : 1;
  /* Test once the save in progress is done. */
  guint                   test_after_save : 1;
  /* The secrets could not be stored; save again in session-only mode. */
  guint                   save_pending : 1;

  /* Template widgets */
  GtkScrolledWindow      *scroller;
  GtkLabel               *title_label;
  GtkLabel               *active_label;
  AdwEntryRow            *name_row;
  AdwComboRow            *kind_row;
  GtkLabel               *name_message;
  AdwPreferencesGroup    *webhook_group;
  AdwEntryRow            *webhook_url_row;
  AdwEntryRow            *client_id_row;
  GtkButton              *client_id_edit_button;
  GtkLabel               *webhook_message;
  AdwPreferencesGroup    *oauth_group;
  AdwEntryRow            *portal_url_row;
  AdwEntryRow            *oauth_client_id_row;
  AdwEntryRow            *client_secret_row;
  AdwEntryRow            *access_token_row;
  AdwEntryRow            *refresh_token_row;
  AdwEntryRow            *token_expires_row;
  AdwEntryRow            *token_endpoint_row;
  GtkLabel               *oauth_message;
  AdwEntryRow            *public_url_row;
  GtkLabel               *public_message;
  AdwPreferencesGroup    *tunnel_group;
  AdwComboRow            *tunnel_via_row;
  AdwEntryRow            *tunnel_host_row;
  AdwActionRow           *tunnel_row;
  GtkImage               *tunnel_icon;
  GtkSpinner             *tunnel_spinner;
  GtkButton              *tunnel_button;
  AdwEntryRow            *application_token_row;
  GtkSwitch              *strict_token_switch;
  GtkLabel               *secrets_label;
  GtkButton              *save_button;
  GtkButton              *test_button;
  GtkButton              *activate_button;
  GtkButton              *remove_button;
  AdwPreferencesGroup    *test_group;
  GtkSpinner             *test_spinner;
  AdwActionRow           *user_row;
  AdwActionRow           *scope_row;
  GtkImage               *scope_icon;
  AdwActionRow           *latency_row;
  GtkLabel               *test_message;
};

/* botbench-profile-editor.c */
void                    _botbench_profile_editor_set_entry_text   (AdwEntryRow            *row,
                                                                   const char             *text);
char                   *_botbench_profile_editor_dup_entry_text   (AdwEntryRow            *row);
/* @message: NULL hides the label; @style: a CSS class ("error", "warning",
 * "success", "dim-label") or NULL. */
void                    _botbench_profile_editor_show_message     (GtkLabel               *label,
                                                                   const char             *message,
                                                                   const char             *style);
void                    _botbench_profile_editor_mark_row         (AdwEntryRow            *row,
                                                                   gboolean                bad);
BotbenchProfileKind     _botbench_profile_editor_get_kind         (BotbenchProfileEditor  *self);
BotbenchProfileManager *_botbench_profile_editor_get_manager      (BotbenchProfileEditor  *self);
void                    _botbench_profile_editor_toast            (BotbenchProfileEditor  *self,
                                                                   const char             *message);
void                    _botbench_profile_editor_update_state     (BotbenchProfileEditor  *self);
void                    _botbench_profile_editor_update_kind      (BotbenchProfileEditor  *self);
/* Live check of the pasted URL, with the core parser's own sentence. */
gboolean                _botbench_profile_editor_check_webhook_url (BotbenchProfileEditor  *self,
                                                                    BotbenchWebhookUrl    **parsed_out);

/* botbench-profile-editor-load.c */
void                    _botbench_profile_editor_load             (BotbenchProfileEditor  *self);

/* botbench-profile-editor-save.c */
void                    _botbench_profile_editor_pending_secret_free (PendingSecret       *pending);
void                    _botbench_profile_editor_save             (BotbenchProfileEditor  *self);
void                    _botbench_profile_editor_secrets_session_only_cb (BotbenchProfileEditor *self,
                                                                          GParamSpec            *pspec,
                                                                          BotbenchSecretStore   *secrets);

/* botbench-profile-editor-connection.c */
void                    _botbench_profile_editor_run_test         (BotbenchProfileEditor  *self);

/* botbench-profile-editor-tunnel.c */
void                    _botbench_profile_editor_tunnel_class_init (GtkWidgetClass        *widget_class);
void                    _botbench_profile_editor_tunnel_set_app    (BotbenchProfileEditor *self,
                                                                    BotbenchApplication   *app);
/* Shows the tunnel's state for the profile shown. */
void                    _botbench_profile_editor_tunnel_update     (BotbenchProfileEditor *self);

G_END_DECLS
