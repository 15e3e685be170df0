/* botbench-profile-editor-save.c: checking the editor's fields and saving them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every field is checked and its message shown next to it; then the
 * secrets are stored one by one, and only then the profile (added or
 * updated in BotbenchProfileManager), so that a profile never appears
 * without its secrets.  Without a Secret Service, the save waits for the
 * user to allow session-only secrets.
 */
#define G_LOG_DOMAIN "botbench-profile-editor"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "botbench-application-private.h"
#include "botbench-profile-editor-private.h"

void
_botbench_profile_editor_pending_secret_free (PendingSecret *pending)
{
  botbench_secret_free (pending->value);
  g_free (pending);
}

static void
add_pending_secret (BotbenchProfileEditor *self,
                    BotbenchSecretKind     kind,
                    const char            *value)
{
  PendingSecret *pending = g_new0 (PendingSecret, 1);

  pending->kind = kind;
  pending->value = g_strdup (value);
  g_ptr_array_add (self->pending_secrets, pending);
}

/* "2026-11-25 14:00" in local time; "" is 0. */
static gboolean
parse_expiry (const char *text,
              gint64     *expires)
{
  int year, month, day, hour = 0, minute = 0;
  int n;
  g_autoptr(GDateTime) dt = NULL;

  *expires = 0;
  if (*text == '\0')
    return TRUE;

  n = sscanf (text, "%d-%d-%d %d:%d", &year, &month, &day, &hour, &minute);
  if (n != 3 && n != 5)
    return FALSE;

  dt = g_date_time_new_local (year, month, day, hour, minute, 0);
  if (dt == NULL)
    return FALSE;

  *expires = g_date_time_to_unix (dt);
  return TRUE;
}

static gboolean
is_http_url (const char *text)
{
  g_autoptr(GUri) uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);

  return uri != NULL && g_uri_get_host (uri) != NULL && *g_uri_get_host (uri) != '\0' &&
         (g_str_equal (g_uri_get_scheme (uri), "https") || g_str_equal (g_uri_get_scheme (uri), "http"));
}

static char *
with_final_slash (const char *url)
{
  if (g_str_has_suffix (url, "/"))
    return g_strdup (url);
  return g_strconcat (url, "/", NULL);
}

/* The fields are read again when the secrets are stored, so nothing the
 * user typed in between is lost or half-applied. */
static gboolean
botbench_profile_editor_apply (BotbenchProfileEditor  *self,
                               BotbenchProfile        *profile,
                               GError                **error)
{
  BotbenchProfileManager *manager = _botbench_profile_editor_get_manager (self);
  g_autofree char *name = _botbench_profile_editor_dup_entry_text (self->name_row);
  g_autofree char *public_url = _botbench_profile_editor_dup_entry_text (self->public_url_row);
  BotbenchProfileKind kind = _botbench_profile_editor_get_kind (self);

  if (self->profile != NULL && g_strcmp0 (name, botbench_profile_get_name (profile)) != 0)
    {
      if (!botbench_profile_manager_rename (manager, profile, name, error))
        return FALSE;
    }
  else if (self->profile == NULL)
    botbench_profile_set_name (profile, name);

  botbench_profile_set_kind (profile, kind);
  botbench_profile_set_strict_token (profile, gtk_switch_get_active (self->strict_token_switch));
  botbench_profile_set_public_base_url (profile, *public_url != '\0' ? public_url : NULL);

  if (kind == BOTBENCH_PROFILE_KIND_WEBHOOK)
    {
      g_autoptr(BotbenchWebhookUrl) parsed = NULL;
      g_autofree char *client_id = _botbench_profile_editor_dup_entry_text (self->client_id_row);

      if (_botbench_profile_editor_check_webhook_url (self, &parsed))
        botbench_profile_apply_webhook_url (profile, parsed);
      botbench_profile_set_client_id (profile, client_id);
    }
  else
    {
      g_autofree char *portal = _botbench_profile_editor_dup_entry_text (self->portal_url_row);
      g_autofree char *portal_slash = with_final_slash (portal);
      g_autofree char *oauth_client_id = _botbench_profile_editor_dup_entry_text (self->oauth_client_id_row);
      g_autofree char *endpoint = _botbench_profile_editor_dup_entry_text (self->token_endpoint_row);
      g_autofree char *expiry = _botbench_profile_editor_dup_entry_text (self->token_expires_row);
      gint64 expires = 0;

      parse_expiry (expiry, &expires);
      botbench_profile_set_portal_url (profile, portal_slash);
      botbench_profile_set_oauth_client_id (profile, oauth_client_id);
      botbench_profile_set_token_endpoint (profile, *endpoint != '\0'
                                                    ? endpoint : BOTBENCH_PROFILE_DEFAULT_TOKEN_ENDPOINT);
      botbench_profile_set_token_expires (profile, expires);
    }

  if (self->profile == NULL)
    {
      if (!botbench_profile_manager_add (manager, profile, error))
        return FALSE;
      g_set_object (&self->profile, profile);
      g_clear_object (&self->draft);
    }

  return TRUE;
}

static void
botbench_profile_editor_save_done (BotbenchProfileEditor *self)
{
  g_autoptr(GError) error = NULL;
  BotbenchProfile *profile = self->profile != NULL ? self->profile : self->draft;

  self->saving = FALSE;

  if (!botbench_profile_editor_apply (self, profile, &error))
    {
      _botbench_profile_editor_show_message (self->name_message, error->message, "error");
      _botbench_profile_editor_mark_row (self->name_row, TRUE);
      self->test_after_save = FALSE;
      _botbench_profile_editor_update_state (self);
      return;
    }

  self->dirty = FALSE;
  self->save_pending = FALSE;
  _botbench_profile_editor_show_message (self->secrets_label, NULL, NULL);
  _botbench_profile_editor_update_state (self);
  _botbench_profile_editor_toast (self, _("Profile saved"));
  /* The listener checks events against the saved token from now on. */
  botbench_application_update_token_check (self->app);

  if (self->test_after_save)
    {
      self->test_after_save = FALSE;
      _botbench_profile_editor_run_test (self);
    }
}

static void botbench_profile_editor_store_next (BotbenchProfileEditor *self);

static void
secret_stored_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(BotbenchProfileEditor) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!botbench_secret_store_store_finish (BOTBENCH_SECRET_STORE (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      self->saving = FALSE;
      g_ptr_array_set_size (self->pending_secrets, 0);

      /* A test asked for stays asked for while the user picks session-only. */
      if (g_error_matches (error, BOTBENCH_SECRET_STORE_ERROR, BOTBENCH_SECRET_STORE_ERROR_UNAVAILABLE) &&
          botbench_secret_store_get_session_only (BOTBENCH_SECRET_STORE (object)))
        {
          /* Session-only was chosen while this store was under way. */
          _botbench_profile_editor_save (self);
          return;
        }
      else if (g_error_matches (error, BOTBENCH_SECRET_STORE_ERROR, BOTBENCH_SECRET_STORE_ERROR_UNAVAILABLE))
        {
          self->save_pending = TRUE;
          _botbench_profile_editor_show_message (self->secrets_label,
                                                 _("Not saved: no Secret Service (such as GNOME Keyring) can be reached, and "
                                                   "secrets are never written to disk. Choose “Keep for This Session” to keep "
                                                   "them in memory until Botbench quits; the profile is saved then."),
                                                 "warning");
          botbench_application_report_secret_error (self->app, error);
        }
      else
        {
          self->test_after_save = FALSE;
          _botbench_profile_editor_show_message (self->secrets_label, error->message, "error");
        }

      _botbench_profile_editor_update_state (self);
      return;
    }

  g_ptr_array_remove_index (self->pending_secrets, 0);
  botbench_profile_editor_store_next (self);
}

static void
botbench_profile_editor_store_next (BotbenchProfileEditor *self)
{
  BotbenchProfile *profile = self->profile != NULL ? self->profile : self->draft;
  PendingSecret *pending;

  if (self->pending_secrets->len == 0)
    {
      botbench_profile_editor_save_done (self);
      return;
    }

  pending = g_ptr_array_index (self->pending_secrets, 0);
  botbench_secret_store_store_async (botbench_application_get_secret_store (self->app),
                                     botbench_profile_get_uuid (profile), pending->kind,
                                     pending->value, self->cancellable,
                                     secret_stored_cb, g_object_ref (self));
}

/* Checks every field; the messages go next to the fields. */
static gboolean
botbench_profile_editor_validate (BotbenchProfileEditor *self)
{
  BotbenchProfileManager *manager = _botbench_profile_editor_get_manager (self);
  BotbenchProfileKind kind = _botbench_profile_editor_get_kind (self);
  g_autofree char *name = _botbench_profile_editor_dup_entry_text (self->name_row);
  g_autofree char *public_url = _botbench_profile_editor_dup_entry_text (self->public_url_row);
  g_autoptr(GError) error = NULL;
  gboolean ok = TRUE;

  g_ptr_array_set_size (self->pending_secrets, 0);

  if (!botbench_profile_manager_check_name (manager, name, self->profile, &error))
    {
      _botbench_profile_editor_show_message (self->name_message, error->message, "error");
      _botbench_profile_editor_mark_row (self->name_row, TRUE);
      g_clear_error (&error);
      ok = FALSE;
    }
  else
    {
      _botbench_profile_editor_show_message (self->name_message, NULL, NULL);
      _botbench_profile_editor_mark_row (self->name_row, FALSE);
    }

  if (*public_url != '\0' && !is_http_url (public_url))
    {
      _botbench_profile_editor_show_message (self->public_message,
                                             _("The public base URL must be an http:// or https:// address, such as a tunnel’s"),
                                             "error");
      _botbench_profile_editor_mark_row (self->public_url_row, TRUE);
      ok = FALSE;
    }
  else
    {
      _botbench_profile_editor_show_message (self->public_message, _(PUBLIC_URL_HINT), "dim-label");
      _botbench_profile_editor_mark_row (self->public_url_row, FALSE);
    }

  if (kind == BOTBENCH_PROFILE_KIND_WEBHOOK)
    {
      g_autofree char *url = _botbench_profile_editor_dup_entry_text (self->webhook_url_row);
      g_autofree char *client_id = _botbench_profile_editor_dup_entry_text (self->client_id_row);
      g_autoptr(BotbenchWebhookUrl) parsed = NULL;

      if (*url == '\0')
        {
          /* An existing webhook keeps its stored secret. */
          if (self->profile == NULL ||
              botbench_profile_get_kind (self->profile) != BOTBENCH_PROFILE_KIND_WEBHOOK)
            {
              _botbench_profile_editor_show_message (self->webhook_message,
                                                     _("Paste the webhook URL from your portal, for example "
                                                       "https://example.bitrix24.com/rest/1/abcdef0123456789/"),
                                                     "error");
              _botbench_profile_editor_mark_row (self->webhook_url_row, TRUE);
              ok = FALSE;
            }
        }
      else if (!_botbench_profile_editor_check_webhook_url (self, &parsed))
        {
          ok = FALSE;
        }
      else
        {
          add_pending_secret (self, BOTBENCH_SECRET_KIND_WEBHOOK_SECRET, parsed->secret);
        }

      if (!botbench_profile_check_client_id (client_id, &error))
        {
          _botbench_profile_editor_show_message (self->webhook_message, error->message, "error");
          _botbench_profile_editor_mark_row (self->client_id_row, TRUE);
          g_clear_error (&error);
          ok = FALSE;
        }
      else
        _botbench_profile_editor_mark_row (self->client_id_row, FALSE);
    }
  else
    {
      g_autofree char *portal = _botbench_profile_editor_dup_entry_text (self->portal_url_row);
      g_autofree char *oauth_client_id = _botbench_profile_editor_dup_entry_text (self->oauth_client_id_row);
      g_autofree char *endpoint = _botbench_profile_editor_dup_entry_text (self->token_endpoint_row);
      g_autofree char *expiry = _botbench_profile_editor_dup_entry_text (self->token_expires_row);
      g_autofree char *client_secret = _botbench_profile_editor_dup_entry_text (self->client_secret_row);
      g_autofree char *access_token = _botbench_profile_editor_dup_entry_text (self->access_token_row);
      g_autofree char *refresh_token = _botbench_profile_editor_dup_entry_text (self->refresh_token_row);
      const char *message = NULL;
      gint64 expires;

      _botbench_profile_editor_mark_row (self->portal_url_row, !is_http_url (portal));
      _botbench_profile_editor_mark_row (self->oauth_client_id_row, *oauth_client_id == '\0');
      _botbench_profile_editor_mark_row (self->token_endpoint_row, *endpoint != '\0' && !is_http_url (endpoint));
      _botbench_profile_editor_mark_row (self->token_expires_row, !parse_expiry (expiry, &expires));

      if (!is_http_url (portal))
        message = _("Enter the portal’s address, for example https://example.bitrix24.com/");
      else if (*oauth_client_id == '\0')
        message = _("Enter the application’s client_id (local.… for a local application)");
      else if (*endpoint != '\0' && !is_http_url (endpoint))
        message = _("The token endpoint must be an http:// or https:// URL");
      else if (!parse_expiry (expiry, &expires))
        message = _("Write the expiry as YYYY-MM-DD HH:MM in local time, or leave it empty");

      _botbench_profile_editor_show_message (self->oauth_message, message, "error");
      if (message != NULL)
        ok = FALSE;

      if (*client_secret != '\0')
        add_pending_secret (self, BOTBENCH_SECRET_KIND_CLIENT_SECRET, client_secret);
      if (*access_token != '\0')
        add_pending_secret (self, BOTBENCH_SECRET_KIND_ACCESS_TOKEN, access_token);
      if (*refresh_token != '\0')
        add_pending_secret (self, BOTBENCH_SECRET_KIND_REFRESH_TOKEN, refresh_token);

      botbench_secret_free (g_steal_pointer (&client_secret));
      botbench_secret_free (g_steal_pointer (&access_token));
      botbench_secret_free (g_steal_pointer (&refresh_token));
    }

  {
    g_autofree char *token = _botbench_profile_editor_dup_entry_text (self->application_token_row);

    if (*token != '\0')
      add_pending_secret (self, BOTBENCH_SECRET_KIND_APPLICATION_TOKEN, token);
    botbench_secret_free (g_steal_pointer (&token));
  }

  if (!ok)
    g_ptr_array_set_size (self->pending_secrets, 0);

  return ok;
}

void
_botbench_profile_editor_save (BotbenchProfileEditor *self)
{
  g_assert (BOTBENCH_IS_PROFILE_EDITOR (self));

  if (self->app == NULL || self->saving)
    return;

  if (!botbench_profile_editor_validate (self))
    {
      self->test_after_save = FALSE;
      return;
    }

  if (self->profile == NULL && self->draft == NULL)
    self->draft = botbench_profile_new (_botbench_profile_editor_get_kind (self), NULL);

  self->saving = TRUE;
  _botbench_profile_editor_update_state (self);
  botbench_profile_editor_store_next (self);
}

void
_botbench_profile_editor_secrets_session_only_cb (BotbenchProfileEditor *self,
                                                  GParamSpec            *pspec,
                                                  BotbenchSecretStore   *secrets)
{
  if (self->save_pending && botbench_secret_store_get_session_only (secrets))
    {
      self->save_pending = FALSE;
      _botbench_profile_editor_save (self);
    }
}
