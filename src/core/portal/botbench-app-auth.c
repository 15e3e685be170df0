/* botbench-app-auth.c: an application's auth[...] block, and the profile it makes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The event's form is PHP's $_POST of the portal's POST: auth[domain],
 * auth[client_endpoint] ("https://example.bitrix24.com/rest/"),
 * auth[server_endpoint] ("https://oauth.bitrix.info/rest/", whose
 * /oauth/token/ refreshes tokens), auth[member_id], auth[user_id],
 * auth[access_token], auth[refresh_token], auth[expires] (unix time),
 * auth[scope], auth[application_token].  Anyone can POST to a listener,
 * so every value is checked before it becomes a profile.
 */
#define G_LOG_DOMAIN "botbench-app-auth"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "botbench-app-auth.h"
#include "botbench-event.h"
#include "botbench-form-node.h"

#define MAX_VALUE 512

void
botbench_app_auth_free (BotbenchAppAuth *auth)
{
  if (auth == NULL)
    return;

  g_free (auth->event);
  g_free (auth->portal_url);
  g_free (auth->token_endpoint);
  g_free (auth->member_id);
  g_free (auth->user_id);
  g_free (auth->scope);
  if (auth->access_token != NULL)
    memset (auth->access_token, 0, strlen (auth->access_token));
  g_free (auth->access_token);
  if (auth->refresh_token != NULL)
    memset (auth->refresh_token, 0, strlen (auth->refresh_token));
  g_free (auth->refresh_token);
  if (auth->application_token != NULL)
    memset (auth->application_token, 0, strlen (auth->application_token));
  g_free (auth->application_token);
  g_free (auth);
}

/* A token, an id: printable ASCII, no spaces, not too long. */
static gboolean
is_token (const char *value)
{
  if (value == NULL || *value == '\0' || strlen (value) > MAX_VALUE)
    return FALSE;

  for (const char *p = value; *p != '\0'; p++)
    if (!g_ascii_isgraph (*p))
      return FALSE;

  return TRUE;
}

static const char *
lookup (BotbenchFormNode *form,
        const char       *key)
{
  return botbench_form_node_lookup_string (form, "auth", key, NULL);
}

/* scheme://host[:port] of an http(s) URL with a host, or NULL. */
static char *
dup_origin (const char *url)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;

  if (url == NULL || strlen (url) > MAX_VALUE)
    return NULL;
  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    return NULL;
  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "https") != 0 && g_ascii_strcasecmp (scheme, "http") != 0)
    return NULL;
  if (strchr (g_uri_get_host (uri), ':') != NULL)
    return g_uri_get_port (uri) > 0
           ? g_strdup_printf ("%s://[%s]:%d", scheme, g_uri_get_host (uri), g_uri_get_port (uri))
           : g_strdup_printf ("%s://[%s]", scheme, g_uri_get_host (uri));
  return g_uri_get_port (uri) > 0
         ? g_strdup_printf ("%s://%s:%d", scheme, g_uri_get_host (uri), g_uri_get_port (uri))
         : g_strdup_printf ("%s://%s", scheme, g_uri_get_host (uri));
}

/* A domain name: letters, digits, dots, dashes, an optional :port. */
static gboolean
is_domain (const char *domain)
{
  if (domain == NULL || *domain == '\0' || strlen (domain) > 253)
    return FALSE;

  for (const char *p = domain; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '.' && *p != '-' && *p != ':')
      return FALSE;

  return TRUE;
}

BotbenchAppAuth *
botbench_app_auth_from_event (BotbenchEvent  *event,
                              GError        **error)
{
  g_autoptr(BotbenchAppAuth) auth = NULL;
  BotbenchFormNode *form;
  g_autofree char *origin = NULL;
  const char *value;

  g_return_val_if_fail (BOTBENCH_IS_EVENT (event), NULL);

  form = botbench_event_get_form (event);
  if (form == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("The event is not a form: it carries no auth[…] of an application"));
      return NULL;
    }

  auth = g_new0 (BotbenchAppAuth, 1);
  auth->event = g_strdup (botbench_event_get_event_name (event));

  value = lookup (form, "access_token");
  if (!is_token (value))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("The event has no valid auth[access_token]: it is not an application’s event"));
      return NULL;
    }
  auth->access_token = g_strdup (value);

  value = lookup (form, "member_id");
  if (!is_token (value))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("The event has no valid auth[member_id]"));
      return NULL;
    }
  auth->member_id = g_strdup (value);

  /* The portal: client_endpoint's origin, else https://domain. */
  origin = dup_origin (lookup (form, "client_endpoint"));
  if (origin == NULL && is_domain (lookup (form, "domain")))
    origin = g_strdup_printf ("https://%s", lookup (form, "domain"));
  if (origin == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("The event names no portal (auth[client_endpoint] or auth[domain])"));
      return NULL;
    }
  auth->portal_url = g_strconcat (origin, "/", NULL);
  g_clear_pointer (&origin, g_free);

  /* The OAuth server's token endpoint, beside its /rest/. */
  origin = dup_origin (lookup (form, "server_endpoint"));
  if (origin != NULL)
    auth->token_endpoint = g_strconcat (origin, "/oauth/token/", NULL);

  value = lookup (form, "refresh_token");
  auth->refresh_token = is_token (value) ? g_strdup (value) : NULL;
  value = lookup (form, "application_token");
  auth->application_token = is_token (value) ? g_strdup (value) : NULL;
  value = lookup (form, "user_id");
  auth->user_id = value != NULL && *value != '\0' && strspn (value, "0123456789") == strlen (value) && strlen (value) < 20
                  ? g_strdup (value) : NULL;
  value = lookup (form, "scope");
  auth->scope = value != NULL && strlen (value) <= MAX_VALUE && g_utf8_validate (value, -1, NULL) ? g_strdup (value) : NULL;
  value = lookup (form, "expires");
  if (value != NULL && !g_ascii_string_to_signed (value, 10, 0, G_MAXINT64, &auth->expires, NULL))
    auth->expires = 0;

  return g_steal_pointer (&auth);
}

BotbenchAppAuth *
botbench_app_auth_from_uninstall (BotbenchEvent *event)
{
  g_autoptr(BotbenchAppAuth) auth = NULL;
  BotbenchFormNode *form;

  g_return_val_if_fail (BOTBENCH_IS_EVENT (event), NULL);

  form = botbench_event_get_form (event);
  if (form == NULL || g_strcmp0 (botbench_event_get_event_name (event), "ONAPPUNINSTALL") != 0 ||
      !is_token (lookup (form, "member_id")) || !is_token (lookup (form, "application_token")))
    return NULL;

  auth = g_new0 (BotbenchAppAuth, 1);
  auth->event = g_strdup ("ONAPPUNINSTALL");
  auth->member_id = g_strdup (lookup (form, "member_id"));
  auth->application_token = g_strdup (lookup (form, "application_token"));
  if (is_domain (lookup (form, "domain")))
    auth->portal_url = g_strdup_printf ("https://%s/", lookup (form, "domain"));

  return g_steal_pointer (&auth);
}

BotbenchProfile *
botbench_profile_new_from_app_auth (const BotbenchAppAuth *auth,
                                    const char            *name,
                                    const char            *oauth_client_id)
{
  BotbenchProfile *profile;

  g_return_val_if_fail (auth != NULL, NULL);

  profile = botbench_profile_new (BOTBENCH_PROFILE_KIND_OAUTH, NULL);
  botbench_profile_set_name (profile, name);
  botbench_profile_set_portal_url (profile, auth->portal_url);
  botbench_profile_set_member_id (profile, auth->member_id);
  botbench_profile_set_user_id (profile, auth->user_id);
  botbench_profile_set_token_expires (profile, auth->expires);
  if (auth->token_endpoint != NULL)
    botbench_profile_set_token_endpoint (profile, auth->token_endpoint);
  if (oauth_client_id != NULL && *oauth_client_id != '\0')
    botbench_profile_set_oauth_client_id (profile, oauth_client_id);

  return profile;
}
