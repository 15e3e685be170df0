/* botbench-cli-token.c: the application_token listen expects
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * listen --strict-token TOKEN, or the profile's expected token (keyring)
 * and strict switch; a profile without a token learns it from the first
 * ONAPPINSTALL that arrives.
 */
#define G_LOG_DOMAIN "botbench-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "botbench-core.h"
#include "botbench-cli-private.h"

void
botbench_cli_token_learner_clear (BotbenchCliTokenLearner *learner)
{
  if (learner->learner != NULL)
    botbench_token_learner_stop (learner->learner);
  g_clear_object (&learner->learner);
}

static void
token_learned_cb (BotbenchTokenLearner *token_learner,
                  const char           *token,
                  BotbenchProfile      *profile)
{
  g_printerr (_("learned the application_token of profile “%s” from ONAPPINSTALL\n"),
              botbench_profile_get_name (profile));
}

static void
token_secret_error_cb (BotbenchTokenLearner *token_learner,
                       const GError         *error,
                       gpointer              user_data)
{
  g_printerr (_("Warning: cannot keep the application_token in the keyring: %s\n"), error->message);
}

/* The application_token to expect: --strict-token TOKEN (strict), else the
 * profile's (--profile NAME or the active one) with its strict-token
 * switch.  Sets *description to what stderr should say (NULL: nothing).
 * FALSE when the named profile does not exist. */
gboolean
botbench_cli_listen_setup_token (BotbenchListener         *listener,
                                 const char               *strict_token,
                                 const char               *profile_name,
                                 BotbenchCliTokenLearner  *learner,
                                 char                    **description)
{
  g_autoptr(BotbenchProfileManager) manager = NULL;
  g_autoptr(BotbenchSecretStore) secrets = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  BotbenchProfile *profile;
  char *token;

  *description = NULL;

  if (strict_token != NULL)
    {
      botbench_listener_set_expected_token (listener, strict_token);
      botbench_listener_set_strict_token (listener, TRUE);
      *description = g_strdup (_("strict application_token: events without it get 401"));
      return TRUE;
    }

  /* No profiles at all: nothing to look up (and no keyring to wake). */
  manager = botbench_profile_manager_new (NULL);
  path = g_build_filename (g_get_user_config_dir (), "botbench", "profiles.ini", NULL);
  if (profile_name == NULL && !g_file_test (path, G_FILE_TEST_EXISTS))
    return TRUE;
  if (!botbench_profile_manager_load (manager, &error))
    {
      g_printerr (_("Warning: cannot read the profiles, application_token not checked: %s\n"), error->message);
      return profile_name == NULL;
    }

  profile = profile_name != NULL ? botbench_profile_manager_lookup (manager, profile_name)
                                 : botbench_profile_manager_get_active (manager);
  if (profile == NULL)
    {
      if (profile_name != NULL)
        g_printerr (_("No profile named “%s”\n"), profile_name);
      return profile_name == NULL;
    }

  secrets = botbench_secret_store_new ();
  token = botbench_token_check_dup_expected_sync (profile, secrets, NULL, &error);
  if (error != NULL)
    g_printerr (_("Warning: cannot read the expected application_token of profile “%s”: %s\n"),
                botbench_profile_get_name (profile), error->message);
  if (token == NULL)
    {
      if (error == NULL)
        {
          learner->learner = botbench_token_learner_new (botbench_listener_get_store (listener),
                                                         listener, profile, secrets);
          g_signal_connect_data (learner->learner, "learned", G_CALLBACK (token_learned_cb),
                                 g_object_ref (profile), (GClosureNotify)(void (*) (void))g_object_unref, 0);
          g_signal_connect (learner->learner, "secret-error", G_CALLBACK (token_secret_error_cb), NULL);
        }
      return TRUE;
    }

  botbench_listener_set_expected_token (listener, token);
  botbench_listener_set_strict_token (listener, botbench_profile_get_strict_token (profile));
  botbench_secret_free (token);

  if (botbench_profile_get_strict_token (profile))
    *description = g_strdup_printf (_("strict application_token of profile “%s”: events without it get 401"),
                                    botbench_profile_get_name (profile));
  else
    *description = g_strdup_printf (_("checking the application_token of profile “%s”"),
                                    botbench_profile_get_name (profile));
  return TRUE;
}

