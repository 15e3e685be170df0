/* botbench-install-local-app.c: "Install a Local Application" in the sandbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One GTask on the main context, step by step, never blocking: POST
 * /_sandbox/install (HANDLER = the listener's /install, a new local.…
 * CLIENT_ID) → the answer (client secret, application_token, the
 * delivery's status) → the ONAPPINSTALL the listener stored, found on a
 * worker thread by its application_token (looked for again on each
 * "events-added", 15 s at most) → the OAuth profile from it
 * (botbench_profile_new_from_app_auth) with the client id → its secrets
 * into the keyring one by one → added and made active.
 */
#define G_LOG_DOMAIN "botbench-install-local-app"

#include "config.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>
#include <string.h>

#include "botbench-install-local-app.h"

#define EVENT_WAIT_SECONDS 15
#define LOOK_BACK          50

typedef struct
{
  BotbenchApplication *app;
  SoupSession         *session;
  char                *client_id;
  char                *client_secret;
  char                *app_token;
  BotbenchEventStore  *store;
  gulong               added_id;
  guint                timeout_id;
  gboolean             looking;
  gboolean             look_again;
  gboolean             timed_out;
  BotbenchProfile     *profile;
  GPtrArray           *kinds;    /* BotbenchSecretKind still to store */
  GPtrArray           *values;   /* char *, their values */
  BotbenchSecretKind   current_kind;   /* being stored */
  char                *current_value;
  gulong               session_id;     /* waiting for "keep secrets for this session" */
} Install;

static void
wipe (char *secret)
{
  if (secret != NULL)
    memset (secret, 0, strlen (secret));
  g_free (secret);
}

static void
install_free (Install *install)
{
  if (install->added_id != 0)
    g_signal_handler_disconnect (install->store, install->added_id);
  g_clear_signal_handler (&install->session_id, botbench_application_get_secret_store (install->app));
  wipe (install->current_value);
  g_clear_handle_id (&install->timeout_id, g_source_remove);
  g_clear_object (&install->store);
  g_clear_object (&install->session);
  g_clear_object (&install->profile);
  g_clear_pointer (&install->kinds, g_ptr_array_unref);
  g_clear_pointer (&install->values, g_ptr_array_unref);
  g_free (install->client_id);
  wipe (install->client_secret);
  wipe (install->app_token);
  g_object_unref (install->app);
  g_free (install);
}

static void look (GTask *task);

/* ---- the keyring, then the profile ------------------------------------------------------ */

static void store_next (GTask *task);

/* The user chose to keep secrets for this session: go on. */
static void
session_only_cb (BotbenchSecretStore *secrets,
                 GParamSpec          *pspec,
                 GTask               *task)
{
  Install *install = g_task_get_task_data (task);

  if (!botbench_secret_store_get_session_only (secrets))
    return;
  g_clear_signal_handler (&install->session_id, secrets);
  store_next (task);
}

static void
stored_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Install *install = g_task_get_task_data (task);
  GError *error = NULL;

  if (!botbench_secret_store_store_finish (BOTBENCH_SECRET_STORE (object), result, &error) &&
      g_error_matches (error, BOTBENCH_SECRET_STORE_ERROR, BOTBENCH_SECRET_STORE_ERROR_UNAVAILABLE) &&
      !botbench_secret_store_get_session_only (BOTBENCH_SECRET_STORE (object)) &&
      !g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      /* No keyring: the window offers to keep secrets for this session;
       * the secret waits for that answer (first in line again). */
      g_ptr_array_insert (install->kinds, 0, GINT_TO_POINTER (install->current_kind));
      g_ptr_array_insert (install->values, 0, g_steal_pointer (&install->current_value));
      install->session_id = g_signal_connect (object, "notify::session-only", G_CALLBACK (session_only_cb),
                                              g_steal_pointer (&task));
      botbench_application_report_secret_error (install->app, error);
      g_error_free (error);
      return;
    }
  if (error != NULL)
    {
      botbench_secret_store_clear_async (BOTBENCH_SECRET_STORE (object), botbench_profile_get_uuid (install->profile),
                                         BOTBENCH_SECRET_KIND_ANY, NULL, NULL, NULL);
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        botbench_application_report_secret_error (install->app, error);
      g_prefix_error (&error, "%s", _("The keyring did not take the application’s tokens: "));
      g_task_return_error (task, error);
      return;
    }

  store_next (g_steal_pointer (&task));
}

static void
store_next (GTask *task)
{
  Install *install = g_task_get_task_data (task);
  BotbenchProfileManager *manager = botbench_application_get_profile_manager (install->app);
  GError *error = NULL;

  g_clear_pointer (&install->current_value, wipe);
  if (install->kinds->len > 0)
    {
      install->current_kind = GPOINTER_TO_INT (g_ptr_array_steal_index (install->kinds, 0));
      install->current_value = g_ptr_array_steal_index (install->values, 0);
      botbench_secret_store_store_async (botbench_application_get_secret_store (install->app),
                                         botbench_profile_get_uuid (install->profile), install->current_kind,
                                         install->current_value, g_task_get_cancellable (task), stored_cb, task);
      return;
    }

  if (!botbench_profile_manager_add (manager, install->profile, &error) ||
      !botbench_profile_manager_set_active (manager, install->profile, &error))
    {
      botbench_secret_store_clear_async (botbench_application_get_secret_store (install->app),
                                         botbench_profile_get_uuid (install->profile),
                                         BOTBENCH_SECRET_KIND_ANY, NULL, NULL, NULL);
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  g_task_return_pointer (task, g_object_ref (install->profile), g_object_unref);
  g_object_unref (task);
}

static void
add_secret (Install            *install,
            BotbenchSecretKind  kind,
            const char         *value)
{
  if (value == NULL || *value == '\0')
    return;
  g_ptr_array_add (install->kinds, GINT_TO_POINTER (kind));
  g_ptr_array_add (install->values, g_strdup (value));
}

/* "Sandbox App", else "Sandbox App 2", … */
static char *
unique_name (BotbenchProfileManager *manager)
{
  /* Translators: the name of the profile "Install a Local Application" makes */
  const char *base = _("Sandbox App");

  if (botbench_profile_manager_check_name (manager, base, NULL, NULL))
    return g_strdup (base);

  for (guint i = 2; ; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s %u", base, i);

      if (botbench_profile_manager_check_name (manager, name, NULL, NULL))
        return g_steal_pointer (&name);
    }
}

static void
make_profile (GTask         *task,
              BotbenchEvent *event)
{
  Install *install = g_task_get_task_data (task);
  g_autoptr(BotbenchAppAuth) auth = NULL;
  g_autofree char *name = NULL;
  GError *error = NULL;

  auth = botbench_app_auth_from_event (event, &error);
  if (auth == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  name = unique_name (botbench_application_get_profile_manager (install->app));
  install->profile = botbench_profile_new_from_app_auth (auth, name, install->client_id);
  install->kinds = g_ptr_array_new ();
  install->values = g_ptr_array_new_with_free_func ((GDestroyNotify)wipe);
  add_secret (install, BOTBENCH_SECRET_KIND_ACCESS_TOKEN, auth->access_token);
  add_secret (install, BOTBENCH_SECRET_KIND_REFRESH_TOKEN, auth->refresh_token);
  add_secret (install, BOTBENCH_SECRET_KIND_APPLICATION_TOKEN, auth->application_token);
  add_secret (install, BOTBENCH_SECRET_KIND_CLIENT_SECRET, install->client_secret);
  store_next (task);
}

/* ---- the stored ONAPPINSTALL (worker thread) --------------------------------------------- */

static void
look_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Install *install = task_data;
  BotbenchEventQuery query = { .event_name = "ONAPPINSTALL", .limit = LOOK_BACK };
  g_autoptr(GPtrArray) events = NULL;
  GError *error = NULL;

  events = botbench_event_store_query (install->store, &query, &error);
  if (events == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  for (guint i = 0; i < events->len; i++)
    {
      BotbenchEvent *event = g_ptr_array_index (events, i);
      BotbenchFormNode *form = botbench_event_get_form (event);
      const char *token = form ? botbench_form_node_lookup_string (form, "auth", "application_token", NULL) : NULL;

      if (token != NULL && botbench_token_equal (token, install->app_token))
        {
          g_task_return_pointer (task, g_object_ref (event), g_object_unref);
          return;
        }
    }

  g_task_return_pointer (task, NULL, NULL);
}

static void
looked_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  Install *install = g_task_get_task_data (task);
  g_autoptr(BotbenchEvent) event = NULL;
  GError *error = NULL;

  install->looking = FALSE;
  event = g_task_propagate_pointer (G_TASK (result), &error);
  if (install->timed_out && event == NULL)
    {
      g_clear_error (&error);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                               _("The listener answered the installation but its event was not stored"));
      g_object_unref (task);
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    {
      g_clear_error (&error);
      g_object_unref (task);
      return;
    }
  if (error != NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  if (event == NULL)
    {
      if (install->look_again)
        look (task);
      return;   /* the next "events-added" or the timeout */
    }

  g_clear_signal_handler (&install->added_id, install->store);
  g_clear_handle_id (&install->timeout_id, g_source_remove);
  make_profile (task, event);
}

static void
look (GTask *task)
{
  Install *install = g_task_get_task_data (task);
  g_autoptr(GTask) look_task = NULL;

  install->look_again = FALSE;
  install->looking = TRUE;
  look_task = g_task_new (NULL, g_task_get_cancellable (task), looked_cb, task);
  g_task_set_source_tag (look_task, look);
  g_task_set_task_data (look_task, install, NULL);
  g_task_run_in_thread (look_task, look_thread);
}

static void
events_added_cb (BotbenchEventStore *store,
                 gint64              last_id,
                 GTask              *task)
{
  Install *install = g_task_get_task_data (task);

  if (install->looking)
    install->look_again = TRUE;
  else
    look (task);
}

static gboolean
event_timeout_cb (gpointer user_data)
{
  GTask *task = user_data;
  Install *install = g_task_get_task_data (task);

  install->timeout_id = 0;
  g_clear_signal_handler (&install->added_id, install->store);
  if (install->looking)
    {
      /* looked_cb still holds the task: it ends it, unless it finds the event. */
      install->look_again = FALSE;
      install->timed_out = TRUE;
      return G_SOURCE_REMOVE;
    }
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                           _("The listener answered the installation but its event was not stored"));
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

/* ---- the install call --------------------------------------------------------------------- */

static const char *
string_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static void
installed_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  Install *install = g_task_get_task_data (task);
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonNode) root = NULL;
  GError *error = NULL;
  JsonObject *object_root = NULL;
  JsonObject *answer = NULL;
  JsonNode *node;
  JsonObject *delivery = NULL;

  body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  if (body == NULL)
    {
      g_prefix_error (&error, "%s", _("The sandbox did not answer: "));
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  root = botbench_json_parse (g_bytes_get_data (body, NULL), g_bytes_get_size (body), NULL);
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    object_root = json_node_get_object (root);
  node = object_root != NULL ? json_object_get_member (object_root, "result") : NULL;
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    answer = json_node_get_object (node);

  if (answer == NULL || soup_message_get_status (msg) != SOUP_STATUS_OK)
    {
      const char *description = string_member (object_root, "error_description");

      /* Translators: %s is the sandbox's reason */
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED, _("The sandbox refused the installation: %s"),
                               description != NULL ? description : soup_message_get_reason_phrase (msg));
      g_object_unref (task);
      return;
    }

  node = json_object_get_member (answer, "delivery");
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    delivery = json_node_get_object (node);
  node = delivery != NULL ? json_object_get_member (delivery, "delivered") : NULL;
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN ||
      !json_node_get_boolean (node))
    {
      const char *reason = string_member (delivery, "error");
      g_autofree char *status = NULL;

      node = delivery != NULL ? json_object_get_member (delivery, "status") : NULL;
      if (reason == NULL && node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
          json_node_get_value_type (node) == G_TYPE_INT64 && json_node_get_int (node) > 0)
        /* Translators: %d is an HTTP status code, e.g. 500 */
        reason = status = g_strdup_printf (_("HTTP status %d"), (int)CLAMP (json_node_get_int (node), 0, 999));
      /* Translators: %s is why, e.g. "Connection refused" */
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               _("The listener did not take the installation (%s): is it running?"),
                               reason != NULL ? reason : _("no answer"));
      g_object_unref (task);
      return;
    }

  if (string_member (answer, "client_secret") == NULL || string_member (answer, "application_token") == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               _("The sandbox’s answer lacks the client secret or the application token"));
      g_object_unref (task);
      return;
    }
  install->client_secret = g_strdup (string_member (answer, "client_secret"));
  install->app_token = g_strdup (string_member (answer, "application_token"));

  /* The listener answers before its writer commits: wait for the event. */
  install->added_id = g_signal_connect (install->store, "events-added", G_CALLBACK (events_added_cb), task);
  install->timeout_id = g_timeout_add_seconds (EVENT_WAIT_SECONDS, event_timeout_cb, task);
  look (task);
}

void
botbench_install_local_app_async (BotbenchApplication *app,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GCancellable) own = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GString) form = g_string_new (NULL);
  g_autofree char *sandbox_url = NULL;
  g_autofree char *listener_url = NULL;
  g_autofree char *handler = NULL;
  g_autofree char *url = NULL;
  g_autofree char *app_hex = NULL;
  BotbenchSandbox *sandbox;
  BotbenchListener *listener;
  Install *install;

  g_return_if_fail (BOTBENCH_IS_APPLICATION (app));

  /* Its own cancellable: the event wait's timeout cancels a look under way. */
  own = g_cancellable_new ();
  if (cancellable != NULL)
    g_cancellable_connect (cancellable, G_CALLBACK (g_cancellable_cancel), g_object_ref (own), g_object_unref);
  task = g_task_new (app, own, callback, user_data);
  g_task_set_source_tag (task, botbench_install_local_app_async);

  sandbox = botbench_application_get_sandbox (app);
  listener = botbench_application_get_listener (app);
  if (sandbox == NULL || !botbench_sandbox_get_running (sandbox))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                               _("Start the sandbox portal first: the application is installed there"));
      return;
    }
  if (listener == NULL || !botbench_listener_get_running (listener) ||
      botbench_application_get_store (app) == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                               _("Start the listener first: the installation is delivered to it"));
      return;
    }

  install = g_new0 (Install, 1);
  install->app = g_object_ref (app);
  install->store = g_object_ref (botbench_application_get_store (app));
  install->session = soup_session_new_with_options ("timeout", 30, NULL);
  app_hex = g_uuid_string_random ();
  install->client_id = g_strdup_printf ("local.%.8s%.4s.%08u", app_hex, app_hex + 9,
                                        g_random_int_range (0, 100000000));
  g_task_set_task_data (task, install, (GDestroyNotify)install_free);

  sandbox_url = botbench_sandbox_dup_url (sandbox);
  listener_url = botbench_application_dup_listener_base_url (app);
  handler = g_strconcat (listener_url, "/install", NULL);
  url = g_strconcat (sandbox_url, "_sandbox/install", NULL);

  g_string_append (form, "HANDLER=");
  botbench_form_urlencode_append (form, handler, -1);
  g_string_append (form, "&CLIENT_ID=");
  botbench_form_urlencode_append (form, install->client_id, -1);
  g_string_append (form, "&SCOPE=imbot");

  msg = soup_message_new (SOUP_METHOD_POST, url);
  if (msg == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("The sandbox’s address is not usable"));
      return;
    }
  bytes = g_bytes_new (form->str, form->len);
  soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", bytes);
  soup_session_send_and_read_async (install->session, msg, G_PRIORITY_DEFAULT, own, installed_cb,
                                    g_steal_pointer (&task));
}

BotbenchProfile *
botbench_install_local_app_finish (BotbenchApplication  *app,
                                   GAsyncResult         *result,
                                   GError              **error)
{
  g_return_val_if_fail (g_task_is_valid (result, app), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
