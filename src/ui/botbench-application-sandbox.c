/* botbench-application-sandbox.c: the application's built-in sandbox portal
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Starting and stopping the sandbox (on its usual port, else any free
 * one), the sandbox profile pointed at it, and its webhook secret: held
 * in memory at once, and stored in the keyring for botbench-cli.
 */
#define G_LOG_DOMAIN "botbench-application"

#include "config.h"

#include <glib/gi18n.h>

#include "botbench-application-internal.h"

static guint
botbench_application_get_sandbox_port (gboolean *fixed)
{
  const char *env = g_getenv ("BOTBENCH_SANDBOX_PORT");
  guint64 port;

  *fixed = FALSE;
  if (env != NULL && *env != '\0' &&
      g_ascii_string_to_unsigned (env, 10, 0, G_MAXUINT16, &port, NULL))
    {
      *fixed = TRUE;
      return (guint)port;
    }

  return BOTBENCH_SANDBOX_DEFAULT_PORT;
}

static void botbench_application_store_sandbox_secret (BotbenchApplication *self);

static void
sandbox_secret_stored_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(BotbenchApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  if (botbench_secret_store_store_finish (BOTBENCH_SECRET_STORE (object), result, &error))
    {
      self->sandbox_secret_pending = FALSE;
      return;
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_debug ("Cannot store the sandbox secret: %s", error->message);

  /* The window works on the held copy; only botbench-cli needs the keyring,
   * and a keyring made later gets the secret at the sandbox's next start. */
  if (botbench_secret_store_is_held (BOTBENCH_SECRET_STORE (object), BOTBENCH_PROFILE_SANDBOX_UUID,
                                     BOTBENCH_SECRET_KIND_WEBHOOK_SECRET))
    return;

  /* Session-only was chosen while this store was under way. */
  if (botbench_secret_store_get_session_only (BOTBENCH_SECRET_STORE (object)))
    {
      botbench_application_store_sandbox_secret (self);
      return;
    }

  self->sandbox_secret_pending = TRUE;
  botbench_application_report_secret_error (self, error);
}

static void
botbench_application_store_sandbox_secret (BotbenchApplication *self)
{
  g_autofree char *url = NULL;
  g_autoptr(BotbenchWebhookUrl) parsed = NULL;

  if (!botbench_sandbox_get_running (self->sandbox))
    return;

  url = botbench_sandbox_dup_webhook_url (self->sandbox);
  parsed = botbench_webhook_url_parse (url, NULL);
  if (parsed == NULL)
    return;

  /* Held first, so the sandbox profile works at once, before (and
   * without) any keyring: a first run may have none yet, and making one
   * asks the user.  The keyring copy is for botbench-cli. */
  botbench_secret_store_hold (self->secrets, BOTBENCH_PROFILE_SANDBOX_UUID,
                              BOTBENCH_SECRET_KIND_WEBHOOK_SECRET, parsed->secret);
  botbench_secret_store_store_async (self->secrets, BOTBENCH_PROFILE_SANDBOX_UUID,
                                     BOTBENCH_SECRET_KIND_WEBHOOK_SECRET, parsed->secret,
                                     self->cancellable, sandbox_secret_stored_cb,
                                     g_object_ref (self));
}

/* Points the sandbox profile at the running sandbox, making it if needed. */
static gboolean
botbench_application_update_sandbox_profile (BotbenchApplication  *self,
                                             GError              **error)
{
  g_autofree char *url = NULL;
  g_autoptr(BotbenchWebhookUrl) parsed = NULL;
  BotbenchProfile *profile;

  url = botbench_sandbox_dup_webhook_url (self->sandbox);
  parsed = botbench_webhook_url_parse (url, error);
  if (parsed == NULL)
    return FALSE;

  profile = botbench_profile_manager_lookup (self->profiles, BOTBENCH_PROFILE_SANDBOX_UUID);
  if (profile == NULL)
    {
      g_autoptr(BotbenchProfile) created = NULL;
      g_autofree char *name = g_strdup (_("Sandbox"));

      created = botbench_profile_new (BOTBENCH_PROFILE_KIND_WEBHOOK, BOTBENCH_PROFILE_SANDBOX_UUID);
      for (guint i = 2; !botbench_profile_manager_check_name (self->profiles, name, NULL, NULL); i++)
        {
          g_free (name);
          /* Translators: the sandbox profile's name when "Sandbox" is taken */
          name = g_strdup_printf (_("Sandbox %u"), i);
        }
      botbench_profile_set_name (created, name);
      botbench_profile_apply_webhook_url (created, parsed);
      if (self->listener != NULL && botbench_listener_get_running (self->listener))
        {
          g_autofree char *base = botbench_application_dup_listener_base_url (self);
          g_autofree char *public_url = g_strconcat (base, "/", NULL);

          botbench_profile_set_public_base_url (created, public_url);
        }
      if (!botbench_profile_manager_add (self->profiles, created, error))
        return FALSE;
    }
  else
    {
      botbench_profile_set_kind (profile, BOTBENCH_PROFILE_KIND_WEBHOOK);
      botbench_profile_apply_webhook_url (profile, parsed);
    }

  botbench_application_store_sandbox_secret (self);

  return TRUE;
}

void
_botbench_application_secrets_session_only_cb (BotbenchApplication *self,
                                               GParamSpec          *pspec,
                                               BotbenchSecretStore *secrets)
{
  if (self->sandbox_secret_pending && botbench_secret_store_get_session_only (secrets))
    botbench_application_store_sandbox_secret (self);
}

BotbenchSandbox *
botbench_application_get_sandbox (BotbenchApplication *self)
{
  g_return_val_if_fail (BOTBENCH_IS_APPLICATION (self), NULL);

  return self->sandbox;
}

gboolean
botbench_application_start_sandbox (BotbenchApplication  *self,
                                    GError              **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *state_path = NULL;
  gboolean fixed;
  guint port;

  g_return_val_if_fail (BOTBENCH_IS_APPLICATION (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!botbench_sandbox_get_running (self->sandbox))
    {
      state_path = botbench_sandbox_dup_default_state_path ();
      botbench_sandbox_set_state_path (self->sandbox, state_path);
      botbench_sandbox_set_host (self->sandbox, BOTBENCH_SANDBOX_DEFAULT_HOST);
      botbench_sandbox_set_tls (self->sandbox, FALSE);

      /* The usual port keeps the profile's URL from run to run; when it is
       * taken, any free port does. */
      port = botbench_application_get_sandbox_port (&fixed);
      botbench_sandbox_set_port (self->sandbox, port);
      if (!botbench_sandbox_start (self->sandbox, &local_error) && !fixed &&
          g_error_matches (local_error, BOTBENCH_SANDBOX_ERROR, BOTBENCH_SANDBOX_ERROR_ADDRESS_IN_USE))
        {
          g_clear_error (&local_error);
          botbench_sandbox_set_port (self->sandbox, 0);
          botbench_sandbox_start (self->sandbox, &local_error);
        }
    }

  if (local_error == NULL)
    botbench_application_update_sandbox_profile (self, &local_error);

  if (local_error == NULL)
    return TRUE;

  g_debug ("Cannot start the sandbox: %s", local_error->message);
  _botbench_application_emit_error (self, SANDBOX_FAILED, local_error);
  g_propagate_error (error, g_steal_pointer (&local_error));

  return FALSE;
}

void
botbench_application_stop_sandbox (BotbenchApplication *self)
{
  g_return_if_fail (BOTBENCH_IS_APPLICATION (self));

  botbench_sandbox_stop (self->sandbox);
}

BotbenchProfile *
botbench_application_get_sandbox_profile (BotbenchApplication *self)
{
  g_return_val_if_fail (BOTBENCH_IS_APPLICATION (self), NULL);

  return botbench_profile_manager_lookup (self->profiles, BOTBENCH_PROFILE_SANDBOX_UUID);
}
