/* botbench-profile-editor-load.c: filling the editor from a profile and its secrets
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The non-secret fields come from the profile at once; the secrets are
 * looked up in the secret store in the background and filled in as they
 * arrive, unless the user typed into the field meanwhile.
 */
#define G_LOG_DOMAIN "botbench-profile-editor"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "botbench-application-private.h"
#include "botbench-profile-editor-private.h"

typedef struct
{
  BotbenchProfileEditor *self;
  BotbenchSecretKind     kind;
} Lookup;

static void
lookup_free (Lookup *lookup)
{
  g_object_unref (lookup->self);
  g_free (lookup);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Lookup, lookup_free)

static void
fill_secret_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(Lookup) lookup = user_data;
  BotbenchProfileEditor *self = lookup->self;
  g_autoptr(GError) error = NULL;
  char *secret;

  secret = botbench_secret_store_lookup_finish (BOTBENCH_SECRET_STORE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->profile == NULL)
    {
      botbench_secret_free (secret);
      return;
    }

  if (error != NULL)
    {
      g_autofree char *message = NULL;

      /* Translators: %s says why, e.g. that no Secret Service can be reached */
      message = g_strdup_printf (_("The stored secrets cannot be read: %s"), error->message);
      _botbench_profile_editor_show_message (self->secrets_label, message, "warning");
      botbench_application_report_secret_error (self->app, error);
      return;
    }

  self->loading = TRUE;
  switch (lookup->kind)
    {
    case BOTBENCH_SECRET_KIND_WEBHOOK_SECRET:
      if (secret != NULL)
        {
          g_autofree char *url = NULL;
          const char *portal = botbench_profile_get_portal_url (self->profile);

          url = g_strdup_printf ("%s%srest/%s/%s/", portal ? portal : "",
                                 portal != NULL && g_str_has_suffix (portal, "/") ? "" : "/",
                                 botbench_profile_get_user_id (self->profile), secret);
          _botbench_profile_editor_set_entry_text (self->webhook_url_row, url);
          _botbench_profile_editor_check_webhook_url (self, NULL);
          /* The text held the secret: wipe the copy. */
          memset (url, 0, strlen (url));
        }
      else
        {
          _botbench_profile_editor_show_message (self->webhook_message,
                                                 _("The webhook secret is not stored on this computer: paste the webhook URL again"),
                                                 "warning");
        }
      break;
    case BOTBENCH_SECRET_KIND_CLIENT_SECRET:
      _botbench_profile_editor_set_entry_text (self->client_secret_row, secret);
      break;
    case BOTBENCH_SECRET_KIND_ACCESS_TOKEN:
      _botbench_profile_editor_set_entry_text (self->access_token_row, secret);
      break;
    case BOTBENCH_SECRET_KIND_REFRESH_TOKEN:
      _botbench_profile_editor_set_entry_text (self->refresh_token_row, secret);
      break;
    case BOTBENCH_SECRET_KIND_APPLICATION_TOKEN:
      _botbench_profile_editor_set_entry_text (self->application_token_row, secret);
      break;
    case BOTBENCH_SECRET_KIND_BOT_TOKEN:
    case BOTBENCH_SECRET_KIND_ANY:
    default:
      break;
    }
  self->loading = FALSE;

  botbench_secret_free (secret);
}

static void
botbench_profile_editor_load_secret (BotbenchProfileEditor *self,
                                     BotbenchSecretKind     kind)
{
  Lookup *lookup = g_new0 (Lookup, 1);

  lookup->self = g_object_ref (self);
  lookup->kind = kind;
  botbench_secret_store_lookup_async (botbench_application_get_secret_store (self->app),
                                      botbench_profile_get_uuid (self->profile), kind,
                                      self->cancellable, fill_secret_cb, lookup);
}

void
_botbench_profile_editor_load (BotbenchProfileEditor *self)
{
  BotbenchProfile *profile = self->profile;
  g_autofree char *client_id = NULL;

  self->loading = TRUE;

  _botbench_profile_editor_set_entry_text (self->webhook_url_row, NULL);
  _botbench_profile_editor_set_entry_text (self->client_secret_row, NULL);
  _botbench_profile_editor_set_entry_text (self->access_token_row, NULL);
  _botbench_profile_editor_set_entry_text (self->refresh_token_row, NULL);
  _botbench_profile_editor_set_entry_text (self->application_token_row, NULL);
  gtk_switch_set_active (self->strict_token_switch, profile != NULL && botbench_profile_get_strict_token (profile));
  _botbench_profile_editor_show_message (self->webhook_message, NULL, NULL);
  _botbench_profile_editor_show_message (self->name_message, NULL, NULL);
  _botbench_profile_editor_show_message (self->oauth_message, NULL, NULL);
  _botbench_profile_editor_show_message (self->secrets_label, NULL, NULL);
  _botbench_profile_editor_show_message (self->public_message, _(PUBLIC_URL_HINT), "dim-label");
  _botbench_profile_editor_mark_row (self->name_row, FALSE);
  _botbench_profile_editor_mark_row (self->public_url_row, FALSE);
  _botbench_profile_editor_mark_row (self->client_id_row, FALSE);
  _botbench_profile_editor_mark_row (self->webhook_url_row, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->test_group), FALSE);
  /* The sandbox reaches the listener on loopback: no tunnel to offer. */
  gtk_widget_set_visible (GTK_WIDGET (self->tunnel_group),
                          profile == NULL || !botbench_profile_is_builtin_sandbox (profile));
  gtk_editable_set_editable (GTK_EDITABLE (self->client_id_row), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->client_id_edit_button), TRUE);

  if (profile == NULL)
    {
      client_id = botbench_profile_generate_client_id ();
      _botbench_profile_editor_set_entry_text (self->name_row, NULL);
      adw_combo_row_set_selected (self->kind_row, KIND_ROW_WEBHOOK);
      _botbench_profile_editor_set_entry_text (self->client_id_row, client_id);
      _botbench_profile_editor_set_entry_text (self->portal_url_row, NULL);
      _botbench_profile_editor_set_entry_text (self->oauth_client_id_row, NULL);
      _botbench_profile_editor_set_entry_text (self->token_expires_row, NULL);
      _botbench_profile_editor_set_entry_text (self->token_endpoint_row, BOTBENCH_PROFILE_DEFAULT_TOKEN_ENDPOINT);
      _botbench_profile_editor_set_entry_text (self->public_url_row, NULL);
    }
  else
    {
      gint64 expires = botbench_profile_get_token_expires (profile);

      _botbench_profile_editor_set_entry_text (self->name_row, botbench_profile_get_name (profile));
      adw_combo_row_set_selected (self->kind_row,
                                  botbench_profile_get_kind (profile) == BOTBENCH_PROFILE_KIND_OAUTH
                                  ? KIND_ROW_OAUTH : KIND_ROW_WEBHOOK);
      client_id = g_strdup (botbench_profile_get_client_id (profile));
      if (client_id == NULL || *client_id == '\0')
        {
          g_free (client_id);
          client_id = botbench_profile_generate_client_id ();
        }
      _botbench_profile_editor_set_entry_text (self->client_id_row, client_id);
      _botbench_profile_editor_set_entry_text (self->portal_url_row, botbench_profile_get_portal_url (profile));
      _botbench_profile_editor_set_entry_text (self->oauth_client_id_row, botbench_profile_get_oauth_client_id (profile));
      _botbench_profile_editor_set_entry_text (self->token_endpoint_row, botbench_profile_get_token_endpoint (profile));
      _botbench_profile_editor_set_entry_text (self->public_url_row, botbench_profile_get_public_base_url (profile));

      if (expires > 0)
        {
          g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (expires);
          g_autofree char *text = g_date_time_format (dt, "%Y-%m-%d %H:%M");

          _botbench_profile_editor_set_entry_text (self->token_expires_row, text);
        }
      else
        _botbench_profile_editor_set_entry_text (self->token_expires_row, NULL);

      botbench_profile_editor_load_secret (self, BOTBENCH_SECRET_KIND_APPLICATION_TOKEN);
      if (botbench_profile_get_kind (profile) == BOTBENCH_PROFILE_KIND_WEBHOOK)
        {
          botbench_profile_editor_load_secret (self, BOTBENCH_SECRET_KIND_WEBHOOK_SECRET);
        }
      else
        {
          botbench_profile_editor_load_secret (self, BOTBENCH_SECRET_KIND_CLIENT_SECRET);
          botbench_profile_editor_load_secret (self, BOTBENCH_SECRET_KIND_ACCESS_TOKEN);
          botbench_profile_editor_load_secret (self, BOTBENCH_SECRET_KIND_REFRESH_TOKEN);
        }
    }

  _botbench_profile_editor_update_kind (self);
  self->loading = FALSE;
  self->dirty = FALSE;
  self->save_pending = FALSE;

  _botbench_profile_editor_update_state (self);
}
