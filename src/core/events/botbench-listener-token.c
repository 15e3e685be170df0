/* botbench-listener-token.c: the listener's application_token check
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every event the listener stores gets its token state before the insert
 * (verified, wrong-token, no-token; unknown without an expected token).
 * In strict mode a wrong or missing token is stored as rejected and
 * answered 401 once committed.  Also the public setters of
 * botbench-listener.h for both.
 */
#define G_LOG_DOMAIN "botbench-listener"

#include "config.h"

#include <string.h>

#include "botbench-listener-token.h"
#include "botbench-token-check.h"

struct _ListenerToken
{
  GMutex    mutex;
  char     *expected;   /* NULL: none */
  gboolean  strict;
};

ListenerToken *
_botbench_listener_token_new (void)
{
  ListenerToken *token = g_new0 (ListenerToken, 1);

  g_mutex_init (&token->mutex);
  return token;
}

static void
wipe (char *secret)
{
  if (secret != NULL)
    memset (secret, 0, strlen (secret));
  g_free (secret);
}

void
_botbench_listener_token_free (ListenerToken *token)
{
  if (token == NULL)
    return;

  wipe (token->expected);
  g_mutex_clear (&token->mutex);
  g_free (token);
}

gboolean
_botbench_listener_token_apply (ListenerToken *token,
                                BotbenchEvent *event)
{
  BotbenchTokenState state;
  gboolean strict;

  g_assert (token != NULL);
  g_assert (BOTBENCH_IS_EVENT (event));

  g_mutex_lock (&token->mutex);
  state = botbench_token_check (event, token->expected);
  strict = token->strict && token->expected != NULL;
  g_mutex_unlock (&token->mutex);

  botbench_event_set_token_state (event, state);
  if (strict && (state == BOTBENCH_TOKEN_STATE_WRONG || state == BOTBENCH_TOKEN_STATE_MISSING))
    {
      botbench_event_set_rejected (event, TRUE);
      return TRUE;
    }

  return FALSE;
}

void
botbench_listener_set_expected_token (BotbenchListener *self,
                                      const char       *token)
{
  ListenerToken *policy;

  g_return_if_fail (BOTBENCH_IS_LISTENER (self));

  policy = _botbench_listener_get_token (self);
  g_mutex_lock (&policy->mutex);
  wipe (policy->expected);
  policy->expected = token != NULL && *token != '\0' ? g_strdup (token) : NULL;
  g_mutex_unlock (&policy->mutex);
}

char *
botbench_listener_dup_expected_token (BotbenchListener *self)
{
  ListenerToken *policy;
  char *copy;

  g_return_val_if_fail (BOTBENCH_IS_LISTENER (self), NULL);

  policy = _botbench_listener_get_token (self);
  g_mutex_lock (&policy->mutex);
  copy = g_strdup (policy->expected);
  g_mutex_unlock (&policy->mutex);

  return copy;
}

void
botbench_listener_set_strict_token (BotbenchListener *self,
                                    gboolean          strict)
{
  ListenerToken *policy;

  g_return_if_fail (BOTBENCH_IS_LISTENER (self));

  policy = _botbench_listener_get_token (self);
  g_mutex_lock (&policy->mutex);
  policy->strict = !!strict;
  g_mutex_unlock (&policy->mutex);
}

gboolean
botbench_listener_get_strict_token (BotbenchListener *self)
{
  ListenerToken *policy;
  gboolean strict;

  g_return_val_if_fail (BOTBENCH_IS_LISTENER (self), FALSE);

  policy = _botbench_listener_get_token (self);
  g_mutex_lock (&policy->mutex);
  strict = policy->strict;
  g_mutex_unlock (&policy->mutex);

  return strict;
}
