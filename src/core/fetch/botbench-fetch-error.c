/* botbench-fetch-error.c: what a failed Event.get call means for a fetch-mode bot
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Which errors stop the poller (the user must fix the bot, its botToken,
 * the webhook or the scope) and which it backs off from (rate limits,
 * the network, the server), and the sentence put in front of the
 * portal's own text for the errors that matter.
 */
#define G_LOG_DOMAIN "botbench-fetch"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "botbench-fetcher-private.h"

/* Errors no retry fixes: the bot, its token, the webhook or the scope. */
gboolean
_botbench_fetcher_error_is_fatal (const GError *error)
{
  static const char * const fatal_codes[] = {
    "BOT_OWNERSHIP_ERROR", "BOT_NOT_FOUND", "BOT_TOKEN_NOT_SPECIFIED", "BOT_ID_REQUIRED",
    "SCOPE_ERROR", "AUTH_ERROR", "USER_NOT_SUBSCRIBED",
  };
  const char *code;

  if (error->domain != BOTBENCH_REST_ERROR)
    return FALSE;

  switch ((BotbenchRestError)error->code)
    {
    case BOTBENCH_REST_ERROR_METHOD_NOT_FOUND:
    case BOTBENCH_REST_ERROR_NO_AUTH:
    case BOTBENCH_REST_ERROR_INVALID_CREDENTIALS:
    case BOTBENCH_REST_ERROR_HTTPS_REQUIRED:
    case BOTBENCH_REST_ERROR_INSUFFICIENT_SCOPE:
    case BOTBENCH_REST_ERROR_EXPIRED_TOKEN:
    case BOTBENCH_REST_ERROR_INVALID_TOKEN:
    case BOTBENCH_REST_ERROR_ACCESS_DENIED:
    case BOTBENCH_REST_ERROR_WRONG_AUTH_TYPE:
    case BOTBENCH_REST_ERROR_REFRESH_FAILED:
    case BOTBENCH_REST_ERROR_MISSING_SECRET:
    case BOTBENCH_REST_ERROR_BAD_PROFILE:
    case BOTBENCH_REST_ERROR_TLS:
      return TRUE;

    case BOTBENCH_REST_ERROR_FAILED:
      code = botbench_rest_error_get_code (error);
      return code != NULL && g_strv_contains (fatal_codes, code);

    case BOTBENCH_REST_ERROR_QUERY_LIMIT_EXCEEDED:
    case BOTBENCH_REST_ERROR_OPERATION_TIME_LIMIT:
    case BOTBENCH_REST_ERROR_OVERLOAD:
    case BOTBENCH_REST_ERROR_SERVER_ERROR:
    case BOTBENCH_REST_ERROR_UNREACHABLE:
    case BOTBENCH_REST_ERROR_TIMEOUT:
    case BOTBENCH_REST_ERROR_BAD_RESPONSE:
    default:
      return FALSE;
    }
}

/* Says what the error means for this bot, in front of the portal's text. */
void
_botbench_fetcher_explain_error (gint64  bot_id,
                                 GError *error)
{
  const char *code = error->domain == BOTBENCH_REST_ERROR ? botbench_rest_error_get_code (error) : NULL;

  if (g_strcmp0 (code, "BOT_OWNERSHIP_ERROR") == 0)
    g_prefix_error (&error, _("Bot %lld belongs to another owner: its botToken "
                              "is not the one it was registered with. "), (long long) bot_id);
  else if (g_strcmp0 (code, "BOT_NOT_FOUND") == 0)
    g_prefix_error (&error, _("Bot %lld is not registered on the portal "
                              "(unregistered elsewhere?). "), (long long) bot_id);
  else if (g_strcmp0 (code, "BOT_TOKEN_NOT_SPECIFIED") == 0)
    g_prefix_error (&error, _("Bot %lld has no botToken in the keyring. "), (long long) bot_id);
  else if (g_error_matches (error, BOTBENCH_REST_ERROR, BOTBENCH_REST_ERROR_INSUFFICIENT_SCOPE))
    g_prefix_error (&error, _("The profile may not read bot events: it lacks the imbot scope. "));
  else if (g_error_matches (error, BOTBENCH_REST_ERROR, BOTBENCH_REST_ERROR_NO_AUTH) ||
           g_error_matches (error, BOTBENCH_REST_ERROR, BOTBENCH_REST_ERROR_INVALID_CREDENTIALS) ||
           g_error_matches (error, BOTBENCH_REST_ERROR, BOTBENCH_REST_ERROR_EXPIRED_TOKEN) ||
           g_error_matches (error, BOTBENCH_REST_ERROR, BOTBENCH_REST_ERROR_INVALID_TOKEN) ||
           g_error_matches (error, BOTBENCH_REST_ERROR, BOTBENCH_REST_ERROR_REFRESH_FAILED))
    g_prefix_error (&error, _("The portal refused the profile’s webhook or token (expired or removed?). "));
}
