/* botbench-application-fetch.c: the active profile's bots and their fetchers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The application keeps one bot store, the active profile's, shared by
 * the Bots page and the fetch manager, so a bot saved in the editor is
 * seen by both.  The fetch manager polls imbot.v2.Event.get for every
 * registered v2 bot in fetch mode of that profile (every "fetch-interval"
 * seconds while idle), stores into the application's event store and
 * hands what it stores to the forwarder; it stops when the profile
 * changes and when the application shuts down.
 */
#define G_LOG_DOMAIN "botbench-application"

#include "config.h"

#include <glib/gi18n.h>

#include "botbench-application-internal.h"

static void
botbench_application_clear_bots (BotbenchApplication *self)
{
  if (self->fetch != NULL)
    botbench_fetch_manager_stop (self->fetch);
  g_clear_object (&self->fetch);
  g_clear_object (&self->bots);
  g_clear_error (&self->bots_error);
}

void
_botbench_application_apply_fetch_interval (BotbenchApplication *self)
{
  g_assert (BOTBENCH_IS_APPLICATION (self));

  if (self->fetch != NULL)
    botbench_fetch_manager_set_interval (self->fetch,
                                         g_settings_get_uint (self->settings, "fetch-interval"));
}

void
_botbench_application_load_active_bots (BotbenchApplication *self)
{
  BotbenchProfile *active;

  g_assert (BOTBENCH_IS_APPLICATION (self));

  active = botbench_profile_manager_get_active (self->profiles);
  if (self->bots != NULL && active != NULL &&
      g_strcmp0 (botbench_bot_store_get_profile_uuid (self->bots), botbench_profile_get_uuid (active)) == 0)
    return;

  botbench_application_clear_bots (self);
  if (active != NULL)
    {
      self->bots = botbench_bot_store_new (botbench_profile_get_uuid (active), NULL);
      if (!botbench_bot_store_load (self->bots, &self->bots_error))
        g_debug ("Cannot load the bots of %s: %s",
                 botbench_profile_get_name (active), self->bots_error->message);

      if (self->store != NULL && !self->shutting_down)
        {
          self->fetch = botbench_fetch_manager_new (botbench_application_get_rest_client (self, active),
                                                    self->secrets, self->bots, self->store);
          botbench_fetch_manager_set_forwarder (self->fetch, self->forwarder);
          _botbench_application_apply_fetch_interval (self);
          botbench_fetch_manager_start (self->fetch);
        }
    }

  _botbench_application_emit_bot_store_changed (self);
}

void
_botbench_application_stop_fetching (BotbenchApplication *self)
{
  g_assert (BOTBENCH_IS_APPLICATION (self));

  if (self->fetch != NULL)
    botbench_fetch_manager_stop (self->fetch);
}

void
_botbench_application_dispose_bots (BotbenchApplication *self)
{
  botbench_application_clear_bots (self);
}

BotbenchBotStore *
botbench_application_get_bot_store (BotbenchApplication *self)
{
  g_return_val_if_fail (BOTBENCH_IS_APPLICATION (self), NULL);

  return self->bots;
}

const GError *
botbench_application_get_bot_store_error (BotbenchApplication *self)
{
  g_return_val_if_fail (BOTBENCH_IS_APPLICATION (self), NULL);

  return self->bots_error;
}

BotbenchFetchManager *
botbench_application_get_fetch_manager (BotbenchApplication *self)
{
  g_return_val_if_fail (BOTBENCH_IS_APPLICATION (self), NULL);

  return self->fetch;
}
