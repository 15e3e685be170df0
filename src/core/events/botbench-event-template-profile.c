/* botbench-event-template-profile.c: a template's portal facts from a profile
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The one place that turns a profile into a BotbenchTemplateContext, for
 * `send-event --template` and the window's Simulate Event dialog: the
 * portal's domain and REST endpoint from its portal URL, the app's client
 * id, and the application_token the profile expects (looked up by the
 * caller, blocking in the CLI and asynchronously in the window, with
 * botbench_token_check_dup_expected_*), so that a simulated event passes
 * the token check.
 */
#define G_LOG_DOMAIN "botbench-event"

#include "config.h"

#include <string.h>

#include "botbench-event-template.h"
#include "botbench-profile.h"
#include "botbench-secret-store.h"

static char *
dup_nonempty (const char *value)
{
  return value != NULL && *value != '\0' ? g_strdup (value) : NULL;
}

void
botbench_template_context_init_from_profile (BotbenchTemplateContext *ctx,
                                             BotbenchProfile         *profile,
                                             const char              *application_token)
{
  const char *portal;

  g_return_if_fail (ctx != NULL);
  g_return_if_fail (profile == NULL || BOTBENCH_IS_PROFILE (profile));

  memset (ctx, 0, sizeof *ctx);
  ctx->application_token = dup_nonempty (application_token);

  if (profile == NULL)
    return;

  portal = botbench_profile_get_portal_url (profile);
  if (portal != NULL && *portal != '\0')
    {
      g_autoptr(GUri) uri = g_uri_parse (portal, G_URI_FLAGS_NONE, NULL);

      if (uri != NULL && g_uri_get_host (uri) != NULL && *g_uri_get_host (uri) != '\0')
        {
          if (g_uri_get_port (uri) > 0)
            ctx->domain = g_strdup_printf ("%s:%d", g_uri_get_host (uri), g_uri_get_port (uri));
          else
            ctx->domain = g_strdup (g_uri_get_host (uri));
          ctx->client_endpoint = g_strconcat (portal, g_str_has_suffix (portal, "/") ? "" : "/",
                                              "rest/", NULL);
        }
    }

  ctx->client_id = dup_nonempty (botbench_profile_get_kind (profile) == BOTBENCH_PROFILE_KIND_WEBHOOK
                                 ? botbench_profile_get_client_id (profile)
                                 : botbench_profile_get_oauth_client_id (profile));
  /* A profile keeps no member_id or scope list of its own: the portal's
   * defaults ("imbot") stay. */
}

void
botbench_template_context_clear (BotbenchTemplateContext *ctx)
{
  if (ctx == NULL)
    return;

  g_free ((char *)ctx->domain);
  g_free ((char *)ctx->client_endpoint);
  g_free ((char *)ctx->member_id);
  g_free ((char *)ctx->client_id);
  g_free ((char *)ctx->scope);
  botbench_secret_free ((char *)ctx->application_token);
  memset (ctx, 0, sizeof *ctx);
}
