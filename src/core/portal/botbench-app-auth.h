/* botbench-app-auth.h: what an application's event says about its installation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every event Bitrix24 sends to a local application carries auth[...]:
 * the portal (domain, client_endpoint), the OAuth server (server_endpoint),
 * member_id, user_id, application_token and a current access_token /
 * refresh_token (reference §3.4.7, fixture ONAPPINSTALL.form).  ONAPPINSTALL
 * is the first of them: enough to make a working OAuth profile without
 * typing a token.
 */
#pragma once

#include <glib.h>

#include "botbench-types.h"
#include "botbench-profile.h"

G_BEGIN_DECLS

typedef struct
{
  char   *event;              /* "ONAPPINSTALL", … */
  char   *portal_url;         /* "https://example.bitrix24.com/" (from client_endpoint, else domain) */
  char   *token_endpoint;     /* server_endpoint's …/oauth/token/ */
  char   *member_id;
  char   *user_id;            /* NULL when absent */
  char   *application_token;  /* NULL when absent */
  char   *access_token;
  char   *refresh_token;      /* NULL when absent */
  char   *scope;              /* NULL when absent */
  gint64  expires;            /* unix time, 0 unknown */
} BotbenchAppAuth;

void             botbench_app_auth_free              (BotbenchAppAuth *auth);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BotbenchAppAuth, botbench_app_auth_free)

/* The auth block of a stored (form) event: NULL with a sentence naming
 * what is missing or malformed when it has no usable access_token, portal
 * and member_id.  Values from the network are checked (URLs http(s) with a
 * host, tokens printable without spaces). */
BotbenchAppAuth *botbench_app_auth_from_event        (BotbenchEvent   *event,
                                                      GError         **error);

/* The auth block of a stored ONAPPUNINSTALL, which carries no tokens
 * (reference §4.7: auth[domain], auth[member_id], auth[application_token]):
 * access_token and refresh_token NULL.  NULL when it is not an
 * ONAPPUNINSTALL or lacks a valid member_id or application_token. */
BotbenchAppAuth *botbench_app_auth_from_uninstall    (BotbenchEvent   *event);

/* A new OAuth profile from an install: portal, token endpoint, member id,
 * user id, the token's expiry; name and oauth_client_id (nullable) given.
 * The secrets (access, refresh, application_token) are the caller's to
 * store in the keyring. */
BotbenchProfile *botbench_profile_new_from_app_auth  (const BotbenchAppAuth *auth,
                                                      const char            *name,
                                                      const char            *oauth_client_id);

G_END_DECLS
