/* botbench-rest-error.c: the REST client's error type
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * BOTBENCH_REST_ERROR: its codes, the portal's own code, description, HTTP
 * status and advice carried with each error (an extended GError), and the
 * mapping from a portal error or a transport failure to one of our codes and
 * a sentence saying what to fix.  Every text is masked before it is kept.
 */
#define G_LOG_DOMAIN "botbench-rest-client"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "botbench-rest-client-private.h"
#include "botbench-request-preview.h"

typedef struct
{
  char  *code;
  char  *description;
  char  *advice;
  guint  status;
} BotbenchRestErrorPrivate;

static void
botbench_rest_error_private_init (BotbenchRestErrorPrivate *priv)
{
}

static void
botbench_rest_error_private_copy (const BotbenchRestErrorPrivate *src,
                                  BotbenchRestErrorPrivate       *dest)
{
  dest->code = g_strdup (src->code);
  dest->description = g_strdup (src->description);
  dest->advice = g_strdup (src->advice);
  dest->status = src->status;
}

static void
botbench_rest_error_private_clear (BotbenchRestErrorPrivate *priv)
{
  g_clear_pointer (&priv->code, g_free);
  g_clear_pointer (&priv->description, g_free);
  g_clear_pointer (&priv->advice, g_free);
}

G_DEFINE_EXTENDED_ERROR (BotbenchRestError, botbench_rest_error)

const char *
botbench_rest_error_get_code (const GError *error)
{
  BotbenchRestErrorPrivate *priv;

  g_return_val_if_fail (error != NULL, NULL);
  priv = botbench_rest_error_get_private (error);
  return priv ? priv->code : NULL;
}

const char *
botbench_rest_error_get_description (const GError *error)
{
  BotbenchRestErrorPrivate *priv;

  g_return_val_if_fail (error != NULL, NULL);
  priv = botbench_rest_error_get_private (error);
  return priv ? priv->description : NULL;
}

guint
botbench_rest_error_get_http_status (const GError *error)
{
  BotbenchRestErrorPrivate *priv;

  g_return_val_if_fail (error != NULL, 0);
  priv = botbench_rest_error_get_private (error);
  return priv ? priv->status : 0;
}

const char *
botbench_rest_error_get_advice (const GError *error)
{
  BotbenchRestErrorPrivate *priv;

  g_return_val_if_fail (error != NULL, NULL);
  priv = botbench_rest_error_get_private (error);
  return priv ? priv->advice : NULL;
}

/* Building errors */

GError *
_botbench_rest_error_new (const char * const *secrets,
                          BotbenchRestError   code,
                          guint               status,
                          const char         *portal_code,
                          const char         *description,
                          const char         *advice)
{
  BotbenchRestErrorPrivate *priv;
  g_autofree char *masked_description = botbench_request_preview_mask_text (description, secrets);
  g_autofree char *masked_advice = botbench_request_preview_mask_text (advice, secrets);
  g_autofree char *message = NULL;
  GError *error;

  if (portal_code != NULL && status != 0)
    message = g_strdup_printf (_("%s (%s: %s, HTTP %u)"), masked_advice, portal_code,
                               masked_description ? masked_description : "", status);
  else if (portal_code != NULL)
    message = g_strdup_printf (_("%s (%s: %s)"), masked_advice, portal_code,
                               masked_description ? masked_description : "");
  else
    message = g_strdup (masked_advice);

  error = g_error_new_literal (BOTBENCH_REST_ERROR, code, message);
  priv = botbench_rest_error_get_private (error);
  priv->code = g_strdup (portal_code);
  priv->description = g_steal_pointer (&masked_description);
  priv->advice = g_steal_pointer (&masked_advice);
  priv->status = status;
  return error;
}

/* Maps a portal error to our code and a sentence saying what to fix.
 * Key on the error string: docs and server disagree on several statuses. */
BotbenchRestError
_botbench_rest_error_classify (gboolean     webhook,
                               guint        max_retries,
                               const char  *method,
                               guint        status,
                               const char  *code,
                               const char  *description,
                               char       **advice)
{
  if (g_strcmp0 (code, "ERROR_METHOD_NOT_FOUND") == 0)
    {
      /* Every portal has these: the path, not the method, is wrong */
      if (webhook && (g_ascii_strcasecmp (method, "scope") == 0 || g_ascii_strcasecmp (method, "profile") == 0))
        *advice = g_strdup (_("The portal answered “Method not found!” to a method every portal has: the "
                              "webhook URL is malformed; copy it again (https://<portal>/rest/<user id>/<secret>/)"));
      else
        *advice = g_strdup_printf (_("The portal does not know the method “%s”: check its name and the "
                                     "scope; if every call fails like this, the webhook URL is malformed "
                                     "(it must be https://<portal>/rest/<user id>/<secret>/)"), method);
      return BOTBENCH_REST_ERROR_METHOD_NOT_FOUND;
    }
  if (g_strcmp0 (code, "INVALID_CREDENTIALS") == 0)
    {
      *advice = g_strdup (_("The webhook user id or secret is wrong, or the webhook was deleted: copy the "
                            "webhook URL again from Developer resources → Other → Inbound webhook"));
      return BOTBENCH_REST_ERROR_INVALID_CREDENTIALS;
    }
  if (g_strcmp0 (code, "INVALID_REQUEST") == 0 && description != NULL &&
      strstr (description, "Https required") != NULL)
    {
      *advice = g_strdup (_("The portal refuses webhook calls over plain http: use https:// in the webhook URL"));
      return BOTBENCH_REST_ERROR_HTTPS_REQUIRED;
    }
  if (g_strcmp0 (code, "insufficient_scope") == 0)
    {
      if (webhook)
        *advice = g_strdup_printf (_("The webhook lacks a permission “%s” needs: add the scope (for bots, "
                                     "“imbot”, Chat bots) to the webhook on the portal and save"), method);
      else
        *advice = g_strdup_printf (_("The application lacks a permission “%s” needs: add the scope (for "
                                     "bots, “imbot”, Chat bots) to the application and reinstall it"), method);
      return BOTBENCH_REST_ERROR_INSUFFICIENT_SCOPE;
    }
  if (g_strcmp0 (code, "NO_AUTH_FOUND") == 0)
    {
      *advice = g_strdup (_("The portal found no credentials in the request: check the profile's webhook "
                            "URL or OAuth tokens"));
      return BOTBENCH_REST_ERROR_NO_AUTH;
    }
  if (g_strcmp0 (code, "expired_token") == 0)
    {
      *advice = g_strdup (_("The access token has expired and could not be refreshed: authorize the "
                            "application again to get new tokens"));
      return BOTBENCH_REST_ERROR_EXPIRED_TOKEN;
    }
  if (g_strcmp0 (code, "invalid_token") == 0)
    {
      *advice = g_strdup (_("The portal does not accept the access token: authorize the application again "
                            "to get new tokens"));
      return BOTBENCH_REST_ERROR_INVALID_TOKEN;
    }
  if (g_strcmp0 (code, "ACCESS_DENIED") == 0)
    {
      if (description != NULL && strstr (description, "Client ID") != NULL)
        *advice = g_strdup (_("In webhook mode every imbot call needs CLIENT_ID: set the profile's "
                              "CLIENT_ID (letters and digits) and keep it constant"));
      else if (description != NULL && strstr (description, "commercial") != NULL)
        *advice = g_strdup (_("REST is only available on commercial plans: upgrade the portal's plan"));
      else
        *advice = g_strdup (webhook
                            ? _("The user behind this webhook may not do this: use an administrator's "
                                "webhook or ask for access")
                            : _("The user who installed this application may not do this: ask an "
                                "administrator for access"));
      return BOTBENCH_REST_ERROR_ACCESS_DENIED;
    }
  if (g_strcmp0 (code, "WRONG_AUTH_TYPE") == 0)
    {
      *advice = g_strdup_printf (_("“%s” is not available with this kind of authorization: use an "
                                   "OAuth application or an incoming webhook as the method requires"), method);
      return BOTBENCH_REST_ERROR_WRONG_AUTH_TYPE;
    }
  if (g_strcmp0 (code, "QUERY_LIMIT_EXCEEDED") == 0)
    {
      *advice = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                              "Too many requests: the portal still refused after %u retry "
                                              "(limit: bursts of 50, then 2 per second); slow down and try again",
                                              "Too many requests: the portal still refused after %u retries "
                                              "(limit: bursts of 50, then 2 per second); slow down and try again",
                                              max_retries),
                                 max_retries);
      return BOTBENCH_REST_ERROR_QUERY_LIMIT_EXCEEDED;
    }
  if (g_strcmp0 (code, "OPERATION_TIME_LIMIT") == 0)
    {
      *advice = g_strdup_printf (_("“%s” used up its execution-time budget on the portal: wait up to "
                                   "ten minutes before calling it again"), method);
      return BOTBENCH_REST_ERROR_OPERATION_TIME_LIMIT;
    }
  if (g_strcmp0 (code, "OVERLOAD_LIMIT") == 0)
    {
      *advice = g_strdup (_("The portal's REST API is blocked because of overload: try again later or "
                            "contact Bitrix24 support"));
      return BOTBENCH_REST_ERROR_OVERLOAD;
    }
  if (g_strcmp0 (code, "INTERNAL_SERVER_ERROR") == 0 || g_strcmp0 (code, "ERROR_UNEXPECTED_ANSWER") == 0)
    {
      *advice = g_strdup (_("The portal failed internally: try again later"));
      return BOTBENCH_REST_ERROR_SERVER_ERROR;
    }
  if (g_strcmp0 (code, "authorization_error") == 0)
    *advice = g_strdup (webhook
                        ? _("The user behind this webhook cannot be authorized (deactivated?): use an "
                            "active user's webhook")
                        : _("The user behind this token cannot be authorized (deactivated?): authorize "
                            "the application as an active user"));
  else if (g_strcmp0 (code, "APPLICATION_NOT_FOUND") == 0)
    *advice = g_strdup (_("The application was deleted or deactivated on the portal: install it again"));
  else if (g_strcmp0 (code, "user_access_error") == 0)
    *advice = g_strdup (_("The application is restricted to other users on this portal: change its access "
                          "settings"));
  else if (g_strcmp0 (code, "PAYMENT_REQUIRED") == 0)
    *advice = g_strdup (_("The portal's subscription or the application's payment has expired"));
  else if (g_strcmp0 (code, "PORTAL_DELETED") == 0)
    *advice = g_strdup (_("The portal was deleted: check the portal address"));
  else if (g_strcmp0 (code, "APP_ID_ERROR") == 0)
    *advice = g_strdup (_("The bot belongs to another CLIENT_ID: use the CLIENT_ID it was registered with"));
  else if (status >= 500)
    {
      *advice = g_strdup_printf (_("The portal failed (HTTP %u): try again later"), status);
      return BOTBENCH_REST_ERROR_SERVER_ERROR;
    }
  else
    *advice = g_strdup_printf (_("The portal refused “%s”"), method);

  return BOTBENCH_REST_ERROR_FAILED;
}

/* A request that got no answer: timed out, refused, TLS, … */
GError *
_botbench_rest_error_new_transport (const char * const *secrets,
                                    guint               timeout_ms,
                                    const GError       *error,
                                    gboolean            timed_out,
                                    const char         *host)
{
  g_autofree char *advice = NULL;
  BotbenchRestError code;

  if (timed_out)
    {
      advice = g_strdup_printf (_("The portal did not answer within %u s: check your connection, or raise "
                                  "the timeout for slow methods"), (timeout_ms + 999) / 1000);
      code = BOTBENCH_REST_ERROR_TIMEOUT;
    }
  else if (error->domain == G_TLS_ERROR)
    {
      advice = g_strdup_printf (_("The TLS certificate of %s is not trusted (%s): check the address; for "
                                  "the sandbox, use the certificate it generated"), host, error->message);
      code = BOTBENCH_REST_ERROR_TLS;
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      advice = g_strdup_printf (_("The portal did not answer in time: check your connection, or raise "
                                  "the timeout for slow methods"));
      code = BOTBENCH_REST_ERROR_TIMEOUT;
    }
  else
    {
      advice = g_strdup_printf (_("Cannot reach %s (%s): check the portal address and your network "
                                  "connection"), host, error->message);
      code = BOTBENCH_REST_ERROR_UNREACHABLE;
    }

  return _botbench_rest_error_new (secrets, code, 0, NULL, NULL, advice);
}
