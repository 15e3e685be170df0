/* botbench-profile-editor.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The non-secret fields go to the profile (BotbenchProfileManager writes
 * them to profiles.ini); the webhook secret, client secret and tokens go
 * to BotbenchSecretStore only.  Saving stores the secrets first, so that a
 * profile never appears without them; when no Secret Service can be
 * reached the editor waits for the user to allow session-only secrets.
 */
#define G_LOG_DOMAIN "botbench-profile-editor"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "botbench-application-private.h"
#include "botbench-profile-editor-private.h"

#define PUBLIC_URL_HINT N_("Where the portal reaches Botbench’s listener, for example a tunnel’s " \
                                "https:// address. Handler URLs are built on it.")

enum {
  KIND_ROW_WEBHOOK,
  KIND_ROW_OAUTH,
};

enum {
  CLOSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  BotbenchSecretKind  kind;
  char               *value;
} PendingSecret;

G_DEFINE_FINAL_TYPE (BotbenchProfileEditor, botbench_profile_editor, GTK_TYPE_WIDGET)

static void botbench_profile_editor_save (BotbenchProfileEditor *self);
static void botbench_profile_editor_run_test (BotbenchProfileEditor *self);

static void
pending_secret_free (PendingSecret *pending)
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

static void
set_entry_text (AdwEntryRow *row,
                const char  *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row), text != NULL ? text : "");
}

static char *
dup_entry_text (AdwEntryRow *row)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
}

static void
show_message (GtkLabel   *label,
              const char *message,
              const char *style)
{
  gtk_widget_remove_css_class (GTK_WIDGET (label), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (label), "warning");
  gtk_widget_remove_css_class (GTK_WIDGET (label), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (label), "dim-label");

  gtk_label_set_label (label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (label), message != NULL && *message != '\0');
  if (style != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (label), style);
}

static void
mark_row (AdwEntryRow *row,
          gboolean     bad)
{
  if (bad)
    gtk_widget_add_css_class (GTK_WIDGET (row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
}

static BotbenchProfileKind
botbench_profile_editor_get_kind (BotbenchProfileEditor *self)
{
  return adw_combo_row_get_selected (self->kind_row) == KIND_ROW_OAUTH
         ? BOTBENCH_PROFILE_KIND_OAUTH : BOTBENCH_PROFILE_KIND_WEBHOOK;
}

static BotbenchProfileManager *
botbench_profile_editor_get_manager (BotbenchProfileEditor *self)
{
  return self->app != NULL ? botbench_application_get_profile_manager (self->app) : NULL;
}

static void
botbench_profile_editor_toast (BotbenchProfileEditor *self,
                               const char            *message)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", message);
}

static void
botbench_profile_editor_update_state (BotbenchProfileEditor *self)
{
  BotbenchProfileManager *manager = botbench_profile_editor_get_manager (self);
  gboolean is_active;
  g_autofree char *title = NULL;

  g_assert (BOTBENCH_IS_PROFILE_EDITOR (self));

  is_active = self->profile != NULL && manager != NULL &&
              botbench_profile_manager_get_active (manager) == self->profile;

  if (self->profile != NULL)
    gtk_label_set_label (self->title_label, botbench_profile_get_name (self->profile));
  else
    gtk_label_set_label (self->title_label, _("New Profile"));

  gtk_widget_set_visible (GTK_WIDGET (self->active_label), is_active);
  gtk_widget_set_visible (GTK_WIDGET (self->activate_button), self->profile != NULL && !is_active);
  gtk_widget_set_visible (GTK_WIDGET (self->remove_button), self->profile != NULL);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.save", !self->saving);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.test", !self->saving && !self->testing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.remove", self->profile != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.make-active",
                                 self->profile != NULL && !is_active);
}

static void
botbench_profile_editor_update_kind (BotbenchProfileEditor *self)
{
  BotbenchProfileKind kind = botbench_profile_editor_get_kind (self);

  gtk_widget_set_visible (GTK_WIDGET (self->webhook_group), kind == BOTBENCH_PROFILE_KIND_WEBHOOK);
  gtk_widget_set_visible (GTK_WIDGET (self->oauth_group), kind == BOTBENCH_PROFILE_KIND_OAUTH);
}

/* Live check of the pasted URL, with the core parser's own sentence. */
static gboolean
botbench_profile_editor_check_webhook_url (BotbenchProfileEditor  *self,
                                           BotbenchWebhookUrl    **parsed_out)
{
  g_autofree char *text = dup_entry_text (self->webhook_url_row);
  g_autoptr(BotbenchWebhookUrl) parsed = NULL;
  g_autoptr(GError) error = NULL;

  if (*text == '\0')
    {
      show_message (self->webhook_message, NULL, NULL);
      mark_row (self->webhook_url_row, FALSE);
      return FALSE;
    }

  parsed = botbench_webhook_url_parse (text, &error);
  if (parsed == NULL)
    {
      show_message (self->webhook_message, error->message, "error");
      mark_row (self->webhook_url_row, TRUE);
      return FALSE;
    }

  mark_row (self->webhook_url_row, FALSE);
  /* The built-in sandbox is plain http on loopback by design: no warning. */
  if (parsed->warning != NULL &&
      !(self->profile != NULL && botbench_profile_is_sandbox (self->profile)))
    show_message (self->webhook_message, parsed->warning, "warning");
  else
    show_message (self->webhook_message, _("The webhook URL looks right"), "success");

  if (parsed_out != NULL)
    *parsed_out = g_steal_pointer (&parsed);

  return TRUE;
}

static void
field_changed_cb (BotbenchProfileEditor *self)
{
  if (self->loading)
    return;

  self->dirty = TRUE;
}

static void
webhook_url_changed_cb (BotbenchProfileEditor *self)
{
  botbench_profile_editor_check_webhook_url (self, NULL);
  field_changed_cb (self);
}

static void
kind_selected_cb (BotbenchProfileEditor *self)
{
  botbench_profile_editor_update_kind (self);
  field_changed_cb (self);
}

static void
entry_activated_cb (BotbenchProfileEditor *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "editor.save", NULL);
}

/* Loading secrets into the form */

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
      show_message (self->secrets_label, message, "warning");
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
          set_entry_text (self->webhook_url_row, url);
          botbench_profile_editor_check_webhook_url (self, NULL);
          /* The text held the secret: wipe the copy. */
          memset (url, 0, strlen (url));
        }
      else
        {
          show_message (self->webhook_message,
                        _("The webhook secret is not stored on this computer: paste the webhook URL again"),
                        "warning");
        }
      break;
    case BOTBENCH_SECRET_KIND_CLIENT_SECRET:
      set_entry_text (self->client_secret_row, secret);
      break;
    case BOTBENCH_SECRET_KIND_ACCESS_TOKEN:
      set_entry_text (self->access_token_row, secret);
      break;
    case BOTBENCH_SECRET_KIND_REFRESH_TOKEN:
      set_entry_text (self->refresh_token_row, secret);
      break;
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

static void
botbench_profile_editor_load (BotbenchProfileEditor *self)
{
  BotbenchProfile *profile = self->profile;
  g_autofree char *client_id = NULL;

  self->loading = TRUE;

  set_entry_text (self->webhook_url_row, NULL);
  set_entry_text (self->client_secret_row, NULL);
  set_entry_text (self->access_token_row, NULL);
  set_entry_text (self->refresh_token_row, NULL);
  show_message (self->webhook_message, NULL, NULL);
  show_message (self->name_message, NULL, NULL);
  show_message (self->oauth_message, NULL, NULL);
  show_message (self->secrets_label, NULL, NULL);
  show_message (self->public_message, _(PUBLIC_URL_HINT), "dim-label");
  mark_row (self->name_row, FALSE);
  mark_row (self->public_url_row, FALSE);
  mark_row (self->client_id_row, FALSE);
  mark_row (self->webhook_url_row, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->test_group), FALSE);
  gtk_editable_set_editable (GTK_EDITABLE (self->client_id_row), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->client_id_edit_button), TRUE);

  if (profile == NULL)
    {
      client_id = botbench_profile_generate_client_id ();
      set_entry_text (self->name_row, NULL);
      adw_combo_row_set_selected (self->kind_row, KIND_ROW_WEBHOOK);
      set_entry_text (self->client_id_row, client_id);
      set_entry_text (self->portal_url_row, NULL);
      set_entry_text (self->oauth_client_id_row, NULL);
      set_entry_text (self->token_expires_row, NULL);
      set_entry_text (self->token_endpoint_row, BOTBENCH_PROFILE_DEFAULT_TOKEN_ENDPOINT);
      set_entry_text (self->public_url_row, NULL);
    }
  else
    {
      gint64 expires = botbench_profile_get_token_expires (profile);

      set_entry_text (self->name_row, botbench_profile_get_name (profile));
      adw_combo_row_set_selected (self->kind_row,
                                  botbench_profile_get_kind (profile) == BOTBENCH_PROFILE_KIND_OAUTH
                                  ? KIND_ROW_OAUTH : KIND_ROW_WEBHOOK);
      client_id = g_strdup (botbench_profile_get_client_id (profile));
      if (client_id == NULL || *client_id == '\0')
        {
          g_free (client_id);
          client_id = botbench_profile_generate_client_id ();
        }
      set_entry_text (self->client_id_row, client_id);
      set_entry_text (self->portal_url_row, botbench_profile_get_portal_url (profile));
      set_entry_text (self->oauth_client_id_row, botbench_profile_get_oauth_client_id (profile));
      set_entry_text (self->token_endpoint_row, botbench_profile_get_token_endpoint (profile));
      set_entry_text (self->public_url_row, botbench_profile_get_public_base_url (profile));

      if (expires > 0)
        {
          g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (expires);
          g_autofree char *text = g_date_time_format (dt, "%Y-%m-%d %H:%M");

          set_entry_text (self->token_expires_row, text);
        }
      else
        set_entry_text (self->token_expires_row, NULL);

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

  botbench_profile_editor_update_kind (self);
  self->loading = FALSE;
  self->dirty = FALSE;
  self->save_pending = FALSE;

  botbench_profile_editor_update_state (self);
}

/* Saving */

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
  BotbenchProfileManager *manager = botbench_profile_editor_get_manager (self);
  g_autofree char *name = dup_entry_text (self->name_row);
  g_autofree char *public_url = dup_entry_text (self->public_url_row);
  BotbenchProfileKind kind = botbench_profile_editor_get_kind (self);

  if (self->profile != NULL && g_strcmp0 (name, botbench_profile_get_name (profile)) != 0)
    {
      if (!botbench_profile_manager_rename (manager, profile, name, error))
        return FALSE;
    }
  else if (self->profile == NULL)
    botbench_profile_set_name (profile, name);

  botbench_profile_set_kind (profile, kind);
  botbench_profile_set_public_base_url (profile, *public_url != '\0' ? public_url : NULL);

  if (kind == BOTBENCH_PROFILE_KIND_WEBHOOK)
    {
      g_autoptr(BotbenchWebhookUrl) parsed = NULL;
      g_autofree char *client_id = dup_entry_text (self->client_id_row);

      if (botbench_profile_editor_check_webhook_url (self, &parsed))
        botbench_profile_apply_webhook_url (profile, parsed);
      botbench_profile_set_client_id (profile, client_id);
    }
  else
    {
      g_autofree char *portal = dup_entry_text (self->portal_url_row);
      g_autofree char *portal_slash = with_final_slash (portal);
      g_autofree char *oauth_client_id = dup_entry_text (self->oauth_client_id_row);
      g_autofree char *endpoint = dup_entry_text (self->token_endpoint_row);
      g_autofree char *expiry = dup_entry_text (self->token_expires_row);
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
      show_message (self->name_message, error->message, "error");
      mark_row (self->name_row, TRUE);
      self->test_after_save = FALSE;
      botbench_profile_editor_update_state (self);
      return;
    }

  self->dirty = FALSE;
  self->save_pending = FALSE;
  show_message (self->secrets_label, NULL, NULL);
  botbench_profile_editor_update_state (self);
  botbench_profile_editor_toast (self, _("Profile saved"));

  if (self->test_after_save)
    {
      self->test_after_save = FALSE;
      botbench_profile_editor_run_test (self);
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
          botbench_profile_editor_save (self);
          return;
        }
      else if (g_error_matches (error, BOTBENCH_SECRET_STORE_ERROR, BOTBENCH_SECRET_STORE_ERROR_UNAVAILABLE))
        {
          self->save_pending = TRUE;
          show_message (self->secrets_label,
                        _("Not saved: no Secret Service (such as GNOME Keyring) can be reached, and "
                          "secrets are never written to disk. Choose “Keep for This Session” to keep "
                          "them in memory until Botbench quits; the profile is saved then."),
                        "warning");
          botbench_application_report_secret_error (self->app, error);
        }
      else
        {
          self->test_after_save = FALSE;
          show_message (self->secrets_label, error->message, "error");
        }

      botbench_profile_editor_update_state (self);
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
  BotbenchProfileManager *manager = botbench_profile_editor_get_manager (self);
  BotbenchProfileKind kind = botbench_profile_editor_get_kind (self);
  g_autofree char *name = dup_entry_text (self->name_row);
  g_autofree char *public_url = dup_entry_text (self->public_url_row);
  g_autoptr(GError) error = NULL;
  gboolean ok = TRUE;

  g_ptr_array_set_size (self->pending_secrets, 0);

  if (!botbench_profile_manager_check_name (manager, name, self->profile, &error))
    {
      show_message (self->name_message, error->message, "error");
      mark_row (self->name_row, TRUE);
      g_clear_error (&error);
      ok = FALSE;
    }
  else
    {
      show_message (self->name_message, NULL, NULL);
      mark_row (self->name_row, FALSE);
    }

  if (*public_url != '\0' && !is_http_url (public_url))
    {
      show_message (self->public_message,
                    _("The public base URL must be an http:// or https:// address, such as a tunnel’s"),
                    "error");
      mark_row (self->public_url_row, TRUE);
      ok = FALSE;
    }
  else
    {
      show_message (self->public_message, _(PUBLIC_URL_HINT), "dim-label");
      mark_row (self->public_url_row, FALSE);
    }

  if (kind == BOTBENCH_PROFILE_KIND_WEBHOOK)
    {
      g_autofree char *url = dup_entry_text (self->webhook_url_row);
      g_autofree char *client_id = dup_entry_text (self->client_id_row);
      g_autoptr(BotbenchWebhookUrl) parsed = NULL;

      if (*url == '\0')
        {
          /* An existing webhook keeps its stored secret. */
          if (self->profile == NULL ||
              botbench_profile_get_kind (self->profile) != BOTBENCH_PROFILE_KIND_WEBHOOK)
            {
              show_message (self->webhook_message,
                            _("Paste the webhook URL from your portal, for example "
                              "https://example.bitrix24.com/rest/1/abcdef0123456789/"),
                            "error");
              mark_row (self->webhook_url_row, TRUE);
              ok = FALSE;
            }
        }
      else if (!botbench_profile_editor_check_webhook_url (self, &parsed))
        {
          ok = FALSE;
        }
      else
        {
          add_pending_secret (self, BOTBENCH_SECRET_KIND_WEBHOOK_SECRET, parsed->secret);
        }

      if (!botbench_profile_check_client_id (client_id, &error))
        {
          show_message (self->webhook_message, error->message, "error");
          mark_row (self->client_id_row, TRUE);
          g_clear_error (&error);
          ok = FALSE;
        }
      else
        mark_row (self->client_id_row, FALSE);
    }
  else
    {
      g_autofree char *portal = dup_entry_text (self->portal_url_row);
      g_autofree char *oauth_client_id = dup_entry_text (self->oauth_client_id_row);
      g_autofree char *endpoint = dup_entry_text (self->token_endpoint_row);
      g_autofree char *expiry = dup_entry_text (self->token_expires_row);
      g_autofree char *client_secret = dup_entry_text (self->client_secret_row);
      g_autofree char *access_token = dup_entry_text (self->access_token_row);
      g_autofree char *refresh_token = dup_entry_text (self->refresh_token_row);
      const char *message = NULL;
      gint64 expires;

      mark_row (self->portal_url_row, !is_http_url (portal));
      mark_row (self->oauth_client_id_row, *oauth_client_id == '\0');
      mark_row (self->token_endpoint_row, *endpoint != '\0' && !is_http_url (endpoint));
      mark_row (self->token_expires_row, !parse_expiry (expiry, &expires));

      if (!is_http_url (portal))
        message = _("Enter the portal’s address, for example https://example.bitrix24.com/");
      else if (*oauth_client_id == '\0')
        message = _("Enter the application’s client_id (local.… for a local application)");
      else if (*endpoint != '\0' && !is_http_url (endpoint))
        message = _("The token endpoint must be an http:// or https:// URL");
      else if (!parse_expiry (expiry, &expires))
        message = _("Write the expiry as YYYY-MM-DD HH:MM in local time, or leave it empty");

      show_message (self->oauth_message, message, "error");
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

  if (!ok)
    g_ptr_array_set_size (self->pending_secrets, 0);

  return ok;
}

static void
botbench_profile_editor_save (BotbenchProfileEditor *self)
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
    self->draft = botbench_profile_new (botbench_profile_editor_get_kind (self), NULL);

  self->saving = TRUE;
  botbench_profile_editor_update_state (self);
  botbench_profile_editor_store_next (self);
}

static void
secrets_session_only_cb (BotbenchProfileEditor *self,
                         GParamSpec            *pspec,
                         BotbenchSecretStore   *secrets)
{
  if (self->save_pending && botbench_secret_store_get_session_only (secrets))
    {
      self->save_pending = FALSE;
      botbench_profile_editor_save (self);
    }
}

/* Test connection */

static gboolean
scroll_to_results_cb (gpointer user_data)
{
  BotbenchProfileEditor *self = user_data;
  GtkAdjustment *adjustment;

  self->scroll_source = 0;
  adjustment = gtk_scrolled_window_get_vadjustment (self->scroller);
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) -
                                        gtk_adjustment_get_page_size (adjustment));

  return G_SOURCE_REMOVE;
}

static void
botbench_profile_editor_scroll_to_results (BotbenchProfileEditor *self)
{
  g_clear_handle_id (&self->scroll_source, g_source_remove);
  self->scroll_source = g_timeout_add (100, scroll_to_results_cb, self);
}

static void
test_connection_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(BotbenchProfileEditor) self = user_data;
  g_autoptr(BotbenchConnectionReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *user = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *latency = NULL;

  report = botbench_rest_client_test_connection_finish (BOTBENCH_REST_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->testing = FALSE;
  gtk_spinner_stop (self->test_spinner);
  botbench_profile_editor_update_state (self);

  gtk_widget_set_visible (GTK_WIDGET (self->user_row), report != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->scope_row), report != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->latency_row), report != NULL);

  if (report == NULL)
    {
      show_message (self->test_message, error->message, "error");
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->test_group),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, error->message, -1);
      botbench_profile_editor_scroll_to_results (self);
      return;
    }

  if (report->user_id != NULL && report->user_name != NULL && *report->user_name != '\0')
    /* Translators: a portal user, e.g. "Jane Doe (ID 1)" */
    user = g_strdup_printf (_("%s (ID %s)"), report->user_name, report->user_id);
  else if (report->user_id != NULL)
    user = g_strdup_printf (_("ID %s"), report->user_id);
  else
    user = g_strdup (_("Not reported (the credentials lack the user scope)"));
  /* Row subtitles are markup; the name comes from the portal. */
  escaped = g_markup_escape_text (user, -1);
  adw_action_row_set_subtitle (self->user_row, escaped);

  gtk_image_set_from_icon_name (self->scope_icon, report->has_imbot_scope
                                                  ? "emblem-ok-symbolic" : "dialog-warning-symbolic");
  gtk_widget_remove_css_class (GTK_WIDGET (self->scope_icon), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (self->scope_icon), "warning");
  gtk_widget_add_css_class (GTK_WIDGET (self->scope_icon), report->has_imbot_scope ? "success" : "warning");
  adw_action_row_set_subtitle (self->scope_row, report->has_imbot_scope
                                                ? _("Present: bots can be registered")
                                                : _("Missing"));

  /* Translators: round-trip time of the scope call */
  latency = g_strdup_printf (_("%d ms"), (int)((report->latency + 500) / 1000));
  adw_action_row_set_subtitle (self->latency_row, latency);

  if (report->advice != NULL)
    show_message (self->test_message, report->advice, "warning");
  else
    show_message (self->test_message, _("The connection works"), "success");

  /* The results are below the form: bring them into view once laid out. */
  botbench_profile_editor_scroll_to_results (self);
}

static void
botbench_profile_editor_run_test (BotbenchProfileEditor *self)
{
  BotbenchRestClient *client;

  g_assert (BOTBENCH_IS_PROFILE_EDITOR (self));
  g_assert (self->profile != NULL);

  g_cancellable_cancel (self->test_cancellable);
  g_clear_object (&self->test_cancellable);
  self->test_cancellable = g_cancellable_new ();

  self->testing = TRUE;
  gtk_widget_set_visible (GTK_WIDGET (self->test_group), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->user_row), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->scope_row), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->latency_row), FALSE);
  show_message (self->test_message, _("Testing the connection…"), "dim-label");
  gtk_spinner_start (self->test_spinner);
  botbench_profile_editor_update_state (self);

  client = botbench_application_get_rest_client (self->app, self->profile);
  botbench_rest_client_test_connection_async (client, self->test_cancellable,
                                              test_connection_cb, g_object_ref (self));
}

/* Actions */

static void
botbench_profile_editor_save_action (GtkWidget  *widget,
                                     const char *action_name,
                                     GVariant   *parameter)
{
  botbench_profile_editor_save (BOTBENCH_PROFILE_EDITOR (widget));
}

static void
botbench_profile_editor_test_action (GtkWidget  *widget,
                                     const char *action_name,
                                     GVariant   *parameter)
{
  BotbenchProfileEditor *self = BOTBENCH_PROFILE_EDITOR (widget);

  if (self->app == NULL || self->testing)
    return;

  /* What is tested is what is shown: save first. */
  if (self->profile == NULL || self->dirty)
    {
      self->test_after_save = TRUE;
      botbench_profile_editor_save (self);
      return;
    }

  botbench_profile_editor_run_test (self);
}

static void
botbench_profile_editor_close_action (GtkWidget  *widget,
                                      const char *action_name,
                                      GVariant   *parameter)
{
  g_signal_emit (widget, signals[CLOSED], 0);
}

static void
botbench_profile_editor_make_active_action (GtkWidget  *widget,
                                            const char *action_name,
                                            GVariant   *parameter)
{
  BotbenchProfileEditor *self = BOTBENCH_PROFILE_EDITOR (widget);
  g_autoptr(GError) error = NULL;

  if (self->profile == NULL)
    return;

  if (!botbench_profile_manager_set_active (botbench_profile_editor_get_manager (self),
                                            self->profile, &error))
    botbench_profile_editor_toast (self, error->message);

  botbench_profile_editor_update_state (self);
}

static void
secrets_cleared_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(BotbenchProfile) profile = user_data;
  g_autoptr(GError) error = NULL;

  if (!botbench_secret_store_clear_finish (BOTBENCH_SECRET_STORE (object), result, &error))
    g_debug ("Cannot clear the secrets of a removed profile: %s", error->message);
}

static void
remove_response_cb (AdwMessageDialog      *dialog,
                    const char            *response,
                    BotbenchProfileEditor *self)
{
  g_autoptr(BotbenchProfile) profile = NULL;
  g_autoptr(GError) error = NULL;

  if (!g_str_equal (response, "remove") || self->profile == NULL)
    return;

  profile = g_object_ref (self->profile);
  if (!botbench_profile_manager_remove (botbench_profile_editor_get_manager (self), profile, &error))
    {
      botbench_profile_editor_toast (self, error->message);
      return;
    }

  /* The store's libsecret call reads the UUID string after this returns,
   * so the profile (which owns it) lives until the callback. */
  botbench_secret_store_clear_async (botbench_application_get_secret_store (self->app),
                                     botbench_profile_get_uuid (profile), BOTBENCH_SECRET_KIND_ANY,
                                     NULL, secrets_cleared_cb, g_object_ref (profile));
  g_clear_object (&self->profile);
  g_signal_emit (self, signals[CLOSED], 0);
}

static void
botbench_profile_editor_remove_action (GtkWidget  *widget,
                                       const char *action_name,
                                       GVariant   *parameter)
{
  BotbenchProfileEditor *self = BOTBENCH_PROFILE_EDITOR (widget);
  GtkWidget *dialog;
  GtkRoot *root;

  if (self->profile == NULL)
    return;

  root = gtk_widget_get_root (widget);
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Remove Profile?"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("“%s” and its stored secrets will be removed from this computer. "
                                    "Bots on the portal stay registered."),
                                  botbench_profile_get_name (self->profile));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "remove", _("_Remove"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (remove_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
unlock_response_cb (AdwMessageDialog      *dialog,
                    const char            *response,
                    BotbenchProfileEditor *self)
{
  if (!g_str_equal (response, "change"))
    return;

  gtk_editable_set_editable (GTK_EDITABLE (self->client_id_row), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->client_id_edit_button), FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (self->client_id_row));
}

static void
botbench_profile_editor_unlock_client_id_action (GtkWidget  *widget,
                                                 const char *action_name,
                                                 GVariant   *parameter)
{
  BotbenchProfileEditor *self = BOTBENCH_PROFILE_EDITOR (widget);
  GtkWidget *dialog;
  GtkRoot *root = gtk_widget_get_root (widget);

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Change CLIENT_ID?"),
                                   _("Bots registered with the current CLIENT_ID can only be updated "
                                     "or unregistered with it. Change it only to manage bots that "
                                     "were registered with another CLIENT_ID."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "change", _("C_hange"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "change",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (unlock_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
manager_changed_cb (BotbenchProfileEditor *self)
{
  BotbenchProfileManager *manager = botbench_profile_editor_get_manager (self);

  /* Removed elsewhere (botbench-cli): nothing left to edit. */
  if (self->profile != NULL &&
      botbench_profile_manager_lookup (manager, botbench_profile_get_uuid (self->profile)) != self->profile)
    {
      g_clear_object (&self->profile);
      g_signal_emit (self, signals[CLOSED], 0);
      return;
    }

  botbench_profile_editor_update_state (self);
}

/* Overrides */

static void
botbench_profile_editor_dispose (GObject *object)
{
  BotbenchProfileEditor *self = (BotbenchProfileEditor *)object;

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->test_cancellable);
  g_clear_handle_id (&self->scroll_source, g_source_remove);

  gtk_widget_dispose_template (GTK_WIDGET (self), BOTBENCH_TYPE_PROFILE_EDITOR);

  g_clear_object (&self->profile);
  g_clear_object (&self->draft);
  g_clear_object (&self->app);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->test_cancellable);
  g_clear_pointer (&self->pending_secrets, g_ptr_array_unref);

  G_OBJECT_CLASS (botbench_profile_editor_parent_class)->dispose (object);
}

static void
botbench_profile_editor_class_init (BotbenchProfileEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = botbench_profile_editor_dispose;

  signals[CLOSED] =
    g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  _botbench_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/botbench/Botbench/botbench-profile-editor.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);

  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, scroller);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, title_label);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, active_label);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, name_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, kind_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, name_message);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, webhook_group);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, webhook_url_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, client_id_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, client_id_edit_button);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, webhook_message);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, oauth_group);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, portal_url_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, oauth_client_id_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, client_secret_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, access_token_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, refresh_token_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, token_expires_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, token_endpoint_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, oauth_message);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, public_url_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, public_message);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, secrets_label);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, save_button);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, test_button);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, activate_button);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, remove_button);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, test_group);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, test_spinner);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, user_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, scope_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, scope_icon);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, latency_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchProfileEditor, test_message);
  gtk_widget_class_bind_template_callback (widget_class, field_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, webhook_url_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, kind_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, entry_activated_cb);

  gtk_widget_class_install_action (widget_class, "editor.save", NULL,
                                   botbench_profile_editor_save_action);
  gtk_widget_class_install_action (widget_class, "editor.test", NULL,
                                   botbench_profile_editor_test_action);
  gtk_widget_class_install_action (widget_class, "editor.close", NULL,
                                   botbench_profile_editor_close_action);
  gtk_widget_class_install_action (widget_class, "editor.make-active", NULL,
                                   botbench_profile_editor_make_active_action);
  gtk_widget_class_install_action (widget_class, "editor.remove", NULL,
                                   botbench_profile_editor_remove_action);
  gtk_widget_class_install_action (widget_class, "editor.unlock-client-id", NULL,
                                   botbench_profile_editor_unlock_client_id_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "editor.save", NULL);
}

static void
botbench_profile_editor_init (BotbenchProfileEditor *self)
{
  self->cancellable = g_cancellable_new ();
  self->pending_secrets = g_ptr_array_new_with_free_func ((GDestroyNotify)pending_secret_free);

  gtk_widget_init_template (GTK_WIDGET (self));
  botbench_profile_editor_update_kind (self);
}

GtkWidget *
botbench_profile_editor_new (void)
{
  return g_object_new (BOTBENCH_TYPE_PROFILE_EDITOR, NULL);
}

void
botbench_profile_editor_edit (BotbenchProfileEditor *self,
                              BotbenchApplication   *app,
                              BotbenchProfile       *profile)
{
  g_return_if_fail (BOTBENCH_IS_PROFILE_EDITOR (self));
  g_return_if_fail (BOTBENCH_IS_APPLICATION (app));
  g_return_if_fail (profile == NULL || BOTBENCH_IS_PROFILE (profile));

  /* Whatever the previous profile was waiting for is moot now. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_cancellable_cancel (self->test_cancellable);
  self->testing = FALSE;
  self->saving = FALSE;
  self->test_after_save = FALSE;
  gtk_spinner_stop (self->test_spinner);
  g_ptr_array_set_size (self->pending_secrets, 0);
  g_clear_object (&self->draft);

  if (self->app != app)
    {
      g_set_object (&self->app, app);
      g_signal_connect_object (botbench_application_get_secret_store (app), "notify::session-only",
                               G_CALLBACK (secrets_session_only_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (botbench_application_get_profile_manager (app), "items-changed",
                               G_CALLBACK (manager_changed_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (botbench_application_get_profile_manager (app), "notify::active",
                               G_CALLBACK (manager_changed_cb), self, G_CONNECT_SWAPPED);
    }

  g_set_object (&self->profile, profile);
  botbench_profile_editor_load (self);

  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);
}

BotbenchProfile *
botbench_profile_editor_get_profile (BotbenchProfileEditor *self)
{
  g_return_val_if_fail (BOTBENCH_IS_PROFILE_EDITOR (self), NULL);

  return self->profile;
}
