/* botbench-forward-format.c: how a forward's outcome and a token state read
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shared by the event row's pills and the detail pane's Handler tab.
 */
#define G_LOG_DOMAIN "botbench-forward-format"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "botbench-forward-format.h"

/* The kind of transport failure, from the error text the sender wrote. */
static const char *
transport_error_word (const char *error)
{
  if (error != NULL && strstr (error, "refused") != NULL)
    /* Translators: status pill of an event whose handler refused the connection */
    return _("refused");

  if (error != NULL && (strstr (error, "Timed out") != NULL || strstr (error, "timed out") != NULL))
    /* Translators: status pill of an event whose handler did not answer in time */
    return _("timed out");

  /* Translators: status pill of an event whose forward failed otherwise */
  return _("error");
}

char *
botbench_format_forward_pill (BotbenchForwardResult  *result,
                              const char            **style_class)
{
  const char *style = "error";
  char *text;

  if (result == NULL)
    {
      if (style_class != NULL)
        *style_class = NULL;
      return NULL;
    }

  switch (botbench_forward_result_get_state (result))
    {
    case BOTBENCH_FORWARD_STATE_PENDING:
      style = "pending";
      text = g_strdup ("…");
      break;

    case BOTBENCH_FORWARD_STATE_DONE:
      if (botbench_forward_result_is_success (result))
        {
          style = "success";
          if (botbench_forward_result_get_duration_ms (result) >= 0)
            /* Translators: status pill: HTTP status and how long the handler took */
            text = g_strdup_printf (_("%u · %lld ms"),
                                    botbench_forward_result_get_status (result),
                                    (long long) botbench_forward_result_get_duration_ms (result));
          else
            text = g_strdup_printf ("%u", botbench_forward_result_get_status (result));
        }
      else
        {
          text = g_strdup_printf ("%u", botbench_forward_result_get_status (result));
        }
      break;

    case BOTBENCH_FORWARD_STATE_FAILED:
    default:
      text = g_strdup (transport_error_word (botbench_forward_result_get_error (result)));
      break;
    }

  if (style_class != NULL)
    *style_class = style;

  return text;
}

char *
botbench_format_forward_summary (BotbenchForwardResult *result)
{
  g_autofree char *error = NULL;

  if (result == NULL)
    return g_strdup (_("Not forwarded"));

  switch (botbench_forward_result_get_state (result))
    {
    case BOTBENCH_FORWARD_STATE_PENDING:
      return g_strdup (_("Forward under way"));

    case BOTBENCH_FORWARD_STATE_DONE:
      if (botbench_forward_result_get_duration_ms (result) >= 0)
        /* Translators: an HTTP status and a duration */
        return g_strdup_printf (_("Handler answered %u in %lld ms"),
                                botbench_forward_result_get_status (result),
                                (long long) botbench_forward_result_get_duration_ms (result));
      return g_strdup_printf (_("Handler answered %u"), botbench_forward_result_get_status (result));

    case BOTBENCH_FORWARD_STATE_FAILED:
    default:
      error = g_utf8_make_valid (botbench_forward_result_get_error (result) != NULL
                                 ? botbench_forward_result_get_error (result) : "", -1);
      /* Translators: %s is why, e.g. "Connection refused" */
      return g_strdup_printf (_("Handler not reached: %s"), error);
    }
}

const char *
botbench_format_token_pill (BotbenchTokenState state)
{
  switch (state)
    {
    case BOTBENCH_TOKEN_STATE_WRONG:
      /* Translators: pill of an event whose application_token is not the expected one */
      return _("wrong token");

    case BOTBENCH_TOKEN_STATE_MISSING:
      /* Translators: pill of an event without an application_token */
      return _("no token");

    case BOTBENCH_TOKEN_STATE_UNKNOWN:
    case BOTBENCH_TOKEN_STATE_VERIFIED:
    default:
      return NULL;
    }
}
