/* botbench-install-profile.c: "Create Profile" from an application's ONAPPINSTALL
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An ONAPPINSTALL carries what an OAuth profile needs (BotbenchAppAuth):
 * the dialog asks only for what it does not carry — a name, and the
 * application's client id and client secret, needed to refresh the token
 * (optional until then).  The tokens, the application_token and the
 * client secret go to the keyring one after the other; the profile is
 * added to the profiles once they are there, and a toast says so.  A
 * keyring that refuses leaves no profile and no secret behind.
 */
#define G_LOG_DOMAIN "botbench-install-profile"

#include "config.h"

#include <glib/gi18n.h>

#include "botbench-a11y.h"
#include "botbench-install-profile.h"

typedef struct
{
  BotbenchApplication *app;
  GtkWindow           *parent;
  BotbenchProfile     *profile;
  GPtrArray           *kinds;     /* BotbenchSecretKind, still to store */
  GPtrArray           *values;    /* char *, their values */
  gulong               session_id; /* waiting for "keep secrets for this session" */
  BotbenchSecretKind   current_kind;    /* being stored */
  char                *current_value;
} Creation;

static void
creation_free (Creation *creation)
{
  g_clear_signal_handler (&creation->session_id, botbench_application_get_secret_store (creation->app));
  g_object_unref (creation->app);
  g_clear_object (&creation->parent);
  g_object_unref (creation->profile);
  g_ptr_array_unref (creation->kinds);
  g_ptr_array_unref (creation->values);
  if (creation->current_value != NULL)
    memset (creation->current_value, 0, strlen (creation->current_value));
  g_free (creation->current_value);
  g_free (creation);
}

gboolean
botbench_install_profile_offered (BotbenchEvent *event)
{
  g_autoptr(BotbenchAppAuth) auth = NULL;

  if (event == NULL || g_strcmp0 (botbench_event_get_event_name (event), "ONAPPINSTALL") != 0)
    return FALSE;

  auth = botbench_app_auth_from_event (event, NULL);
  return auth != NULL;
}

static void
toast (Creation   *creation,
       const char *text)
{
  if (creation->parent != NULL)
    gtk_widget_activate_action (GTK_WIDGET (creation->parent), "win.toast", "s", text);
}

static void store_next (Creation *creation);

/* The user chose to keep secrets for this session: go on. */
static void
session_only_cb (BotbenchSecretStore *secrets,
                 GParamSpec          *pspec,
                 Creation            *creation)
{
  if (!botbench_secret_store_get_session_only (secrets))
    return;
  g_clear_signal_handler (&creation->session_id, secrets);
  store_next (creation);
}

static void
stored_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Creation *creation = user_data;
  g_autoptr(GError) error = NULL;

  if (!botbench_secret_store_store_finish (BOTBENCH_SECRET_STORE (object), result, &error) &&
      g_error_matches (error, BOTBENCH_SECRET_STORE_ERROR, BOTBENCH_SECRET_STORE_ERROR_UNAVAILABLE) &&
      !botbench_secret_store_get_session_only (BOTBENCH_SECRET_STORE (object)))
    {
      /* No keyring: the window offers to keep secrets for this session;
       * the secret waits for that answer (again first in line). */
      g_ptr_array_insert (creation->kinds, 0, GINT_TO_POINTER (creation->current_kind));
      g_ptr_array_insert (creation->values, 0, g_steal_pointer (&creation->current_value));
      creation->session_id = g_signal_connect (object, "notify::session-only", G_CALLBACK (session_only_cb), creation);
      botbench_application_report_secret_error (creation->app, error);
      return;
    }
  if (error != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("The profile was not created: %s"), error->message);

      botbench_secret_store_clear_async (botbench_application_get_secret_store (creation->app),
                                         botbench_profile_get_uuid (creation->profile),
                                         BOTBENCH_SECRET_KIND_ANY, NULL, NULL, NULL);
      botbench_application_report_secret_error (creation->app, error);
      toast (creation, text);
      creation_free (creation);
      return;
    }

  store_next (creation);
}

static void
store_next (Creation *creation)
{
  BotbenchSecretStore *secrets = botbench_application_get_secret_store (creation->app);
  BotbenchProfileManager *manager = botbench_application_get_profile_manager (creation->app);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (creation->current_value != NULL)
    memset (creation->current_value, 0, strlen (creation->current_value));
  g_clear_pointer (&creation->current_value, g_free);

  if (creation->kinds->len > 0)
    {
      creation->current_kind = GPOINTER_TO_INT (g_ptr_array_steal_index (creation->kinds, 0));
      creation->current_value = g_ptr_array_steal_index (creation->values, 0);
      botbench_secret_store_store_async (secrets, botbench_profile_get_uuid (creation->profile),
                                         creation->current_kind, creation->current_value,
                                         NULL, stored_cb, creation);
      return;
    }

  if (!botbench_profile_manager_add (manager, creation->profile, &error))
    {
      text = g_strdup_printf (_("The profile was not created: %s"), error->message);
      botbench_secret_store_clear_async (secrets, botbench_profile_get_uuid (creation->profile),
                                         BOTBENCH_SECRET_KIND_ANY, NULL, NULL, NULL);
    }
  else
    /* Translators: %s is the new profile's name */
    text = g_strdup_printf (_("Profile “%s” created from the installation"),
                            botbench_profile_get_name (creation->profile));
  toast (creation, text);
  creation_free (creation);
}

static void
add_secret (Creation           *creation,
            BotbenchSecretKind  kind,
            const char         *value)
{
  if (value == NULL || *value == '\0')
    return;
  g_ptr_array_add (creation->kinds, GINT_TO_POINTER (kind));
  g_ptr_array_add (creation->values, g_strdup (value));
}

static char *
entry_text (GtkWidget *dialog,
            const char *key)
{
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), key);

  return g_strstrip (g_strdup (gtk_editable_get_text (entry)));
}

static void
response_cb (AdwMessageDialog *dialog,
             const char       *response,
             gpointer          user_data)
{
  BotbenchApplication *app = g_object_get_data (G_OBJECT (dialog), "app");
  BotbenchEvent *event = g_object_get_data (G_OBJECT (dialog), "event");
  g_autoptr(BotbenchAppAuth) auth = NULL;
  g_autofree char *name = NULL;
  g_autofree char *client_id = NULL;
  g_autofree char *client_secret = NULL;
  Creation *creation;

  if (!g_str_equal (response, "create"))
    return;

  auth = botbench_app_auth_from_event (event, NULL);
  if (auth == NULL)
    return;

  name = entry_text (GTK_WIDGET (dialog), "name");
  client_id = entry_text (GTK_WIDGET (dialog), "client-id");
  client_secret = entry_text (GTK_WIDGET (dialog), "client-secret");

  creation = g_new0 (Creation, 1);
  creation->app = g_object_ref (app);
  creation->parent = gtk_window_get_transient_for (GTK_WINDOW (dialog));
  if (creation->parent != NULL)
    g_object_ref (creation->parent);
  creation->profile = botbench_profile_new_from_app_auth (auth, name, client_id);
  creation->kinds = g_ptr_array_new ();
  creation->values = g_ptr_array_new_with_free_func (g_free);
  add_secret (creation, BOTBENCH_SECRET_KIND_ACCESS_TOKEN, auth->access_token);
  add_secret (creation, BOTBENCH_SECRET_KIND_REFRESH_TOKEN, auth->refresh_token);
  add_secret (creation, BOTBENCH_SECRET_KIND_APPLICATION_TOKEN, auth->application_token);
  add_secret (creation, BOTBENCH_SECRET_KIND_CLIENT_SECRET, client_secret);
  if (client_secret != NULL)
    memset (client_secret, 0, strlen (client_secret));
  store_next (creation);
}

/* Create stays off while the name is empty or taken. */
static void
name_changed_cb (GtkEditable *entry,
                 GtkWidget   *dialog)
{
  BotbenchApplication *app = g_object_get_data (G_OBJECT (dialog), "app");
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (entry)));
  gboolean ok = botbench_profile_manager_check_name (botbench_application_get_profile_manager (app),
                                                     name, NULL, NULL);

  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "create", ok);
}

static GtkWidget *
add_row (GtkWidget  *dialog,
         GtkWidget  *list,
         const char *key,
         const char *title,
         gboolean    password)
{
  GtkWidget *row = password ? adw_password_entry_row_new () : adw_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_list_box_append (GTK_LIST_BOX (list), row);
  g_object_set_data (G_OBJECT (dialog), key, row);
  return row;
}

GtkWidget *
botbench_install_profile_present (BotbenchApplication *app,
                                  GtkWindow           *parent,
                                  BotbenchEvent       *event)
{
  g_autoptr(BotbenchAppAuth) auth = NULL;
  g_autofree char *body = NULL;
  g_autofree char *name = NULL;
  GtkWidget *dialog;
  GtkWidget *list;
  GtkWidget *row;

  g_return_val_if_fail (BOTBENCH_IS_APPLICATION (app), NULL);
  g_return_val_if_fail (BOTBENCH_IS_EVENT (event), NULL);

  auth = botbench_app_auth_from_event (event, NULL);
  g_return_val_if_fail (auth != NULL, NULL);

  /* Translators: %s is the portal, e.g. https://example.bitrix24.com/ */
  body = g_strdup_printf (_("An OAuth profile for %s, with the tokens this installation carries, kept in the "
                            "keyring. The client id and client secret of the application are needed only to "
                            "refresh the access token when it expires."), auth->portal_url);
  dialog = adw_message_dialog_new (parent, _("Create a Profile From the Installation?"), body);
  g_object_set_data_full (G_OBJECT (dialog), "app", g_object_ref (app), g_object_unref);

  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  row = add_row (dialog, list, "name", _("Profile Name"), FALSE);
  {
    g_autoptr(GUri) uri = g_uri_parse (auth->portal_url, G_URI_FLAGS_NONE, NULL);

    name = g_strdup (uri != NULL && g_uri_get_host (uri) != NULL ? g_uri_get_host (uri) : _("Local Application"));
  }
  gtk_editable_set_text (GTK_EDITABLE (row), name);
  g_signal_connect_object (row, "changed", G_CALLBACK (name_changed_cb), dialog, 0);
  add_row (dialog, list, "client-id", _("Client ID (local.…, optional)"), FALSE);
  add_row (dialog, list, "client-secret", _("Client Secret (optional)"), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (list), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Profile"), -1);
  botbench_a11y_label_peek_buttons (list);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), list);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "create", _("C_reate Profile"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "create", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "create");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "event", g_object_ref (event), g_object_unref);
  g_signal_connect (dialog, "response", G_CALLBACK (response_cb), NULL);
  name_changed_cb (GTK_EDITABLE (row), dialog);

  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}
