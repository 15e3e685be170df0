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

static void token_learner_events_added_cb (BotbenchEventStore      *store,
                                           gint64                   last_id,
                                           BotbenchCliTokenLearner *learner);

void
botbench_cli_token_learner_clear (BotbenchCliTokenLearner *learner)
{
  if (learner->store != NULL)
    g_signal_handlers_disconnect_by_func (learner->store, token_learner_events_added_cb, learner);
  g_clear_object (&learner->profile);
  g_clear_object (&learner->secrets);
}

static void
token_learner_events_added_cb (BotbenchEventStore      *store,
                               gint64                   last_id,
                               BotbenchCliTokenLearner *learner)
{
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  BotbenchEventQuery query = { .after_id = learner->last_seen, .ascending = TRUE, .limit = 500 };

  if (learner->profile == NULL || last_id <= learner->last_seen)
    return;

  events = botbench_event_store_query (store, &query, &error);
  for (guint i = 0; events != NULL && i < events->len; i++)
    {
      BotbenchEvent *event = g_ptr_array_index (events, i);
      const char *token = botbench_token_check_find_install (event);

      learner->last_seen = botbench_event_get_id (event);
      if (token == NULL)
        continue;

      botbench_listener_set_expected_token (learner->listener, token);
      botbench_listener_set_strict_token (learner->listener,
                                          botbench_profile_get_strict_token (learner->profile));
      if (!botbench_secret_store_store_sync (learner->secrets, botbench_profile_get_uuid (learner->profile),
                                             BOTBENCH_SECRET_KIND_APPLICATION_TOKEN, token, NULL, &error))
        g_printerr (_("Warning: cannot keep the application_token in the keyring: %s\n"), error->message);
      g_printerr (_("learned the application_token of profile “%s” from ONAPPINSTALL\n"),
                  botbench_profile_get_name (learner->profile));
      g_clear_object (&learner->profile);
      return;
    }
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
          learner->listener = listener;
          learner->store = botbench_listener_get_store (listener);
          learner->profile = g_object_ref (profile);
          learner->secrets = g_object_ref (secrets);
          learner->last_seen = botbench_event_store_get_last_id (learner->store);
          g_signal_connect (learner->store, "events-added",
                            G_CALLBACK (token_learner_events_added_cb), learner);
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

