/* botbench-profile-editor-private.h: the editor's instance struct, for tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "botbench-profile-editor.h"

G_BEGIN_DECLS

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

G_END_DECLS
