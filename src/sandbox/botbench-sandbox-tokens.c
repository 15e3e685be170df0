/* botbench-sandbox-tokens.c: owners of bots, OAuth tokens and users
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Who a call acts for (the OAuth app or a webhook's "custom" + CLIENT_ID
 * owner), the access/refresh token pairs issued for users and bots, the
 * and the synthetic portal users.
 */
#define G_LOG_DOMAIN "botbench-sandbox"

#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "botbench-sandbox-private.h"
#include "botbench-sandbox-php-private.h"

void
_botbench_sandbox_owner_clear (Owner *owner)
{
  g_clear_pointer (&owner->id, g_free);
  g_clear_pointer (&owner->client_id, g_free);
  g_clear_pointer (&owner->app_token, g_free);
  g_clear_pointer (&owner->scope, g_free);
}

const char *
_botbench_sandbox_owner_token_client (const Owner *owner)
{
  return owner->installed ? owner->client_id : "";
}

const char *
_botbench_sandbox_owner_scope (BotbenchSandbox *self,
                               const Owner     *owner)
{
  return owner->scope != NULL ? owner->scope : self->run.scope;
}

static void
owner_init_app (BotbenchSandbox *self,
                Owner           *owner)
{
  owner->webhook = FALSE;
  owner->id = g_strdup (self->client_id);
  owner->client_id = g_strdup (self->client_id);
  owner->app_token = g_strdup (self->app_token);
}

static void
owner_init_webhook (Owner      *owner,
                    const char *client_id)
{
  owner->webhook = TRUE;
  owner->id = g_strconcat ("custom", client_id, NULL);
  owner->client_id = g_strdup (client_id);
  /* Webhook rows carry the raw CLIENT_ID as their application token. */
  owner->app_token = g_strdup (client_id);
}

/* Fills owner from a stored owner id. */
void
_botbench_sandbox_owner_init_from_id (BotbenchSandbox *self,
                                      const char      *id,
                                      Owner           *owner)
{
  if (g_strcmp0 (id, self->client_id) != 0 && _botbench_sandbox_app_owner (self, id, owner))
    return;
  if (g_str_has_prefix (id, "custom") && g_strcmp0 (id, self->client_id) != 0)
    owner_init_webhook (owner, id + strlen ("custom"));
  else
    owner_init_app (self, owner);
}

/* The caller's owner, or ACCESS_DENIED (§1.3 step 2, §1.9). */
gboolean
_botbench_sandbox_resolve_owner (BotbenchSandbox *self,
                                 const Auth      *auth,
                                 JsonObject      *params,
                                 Owner           *owner,
                                 ApiError        *error)
{
  g_autofree char *client_id = NULL;

  if (!auth->webhook)
    {
      if (auth->client_id == NULL || !_botbench_sandbox_app_owner (self, auth->client_id, owner))
        owner_init_app (self, owner);
      return TRUE;
    }

  if (_botbench_php_empty (_botbench_php_param (params, "CLIENT_ID")))
    {
      _botbench_sandbox_api_fail (error, SOUP_STATUS_FORBIDDEN, "ACCESS_DENIED",
                                  "Access denied! Client ID not specified");
      return FALSE;
    }

  /* (string) of a PHP array is "Array" */
  client_id = _botbench_php_param_string (params, "CLIENT_ID");
  owner_init_webhook (owner, client_id ? client_id : "Array");

  return TRUE;
}

void
_botbench_sandbox_issue_token (BotbenchSandbox  *self,
                               const char       *token_client,
                               gint64            user_id,
                               const char       *scope,
                               char            **access_token,
                               char            **refresh_token,
                               gint64           *expires)
{
  gint64 now = _botbench_sandbox_now (self);

  *access_token = botbench_sandbox_random_hex (24);
  *refresh_token = botbench_sandbox_random_hex (24);
  *expires = now + self->run.token_ttl;

  botbench_sandbox_state_exec (self->state,
                               "INSERT INTO tokens (access_token, refresh_token, user_id, scope,"
                               " expires, refresh_expires, client_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                               "ssisiis", *access_token, *refresh_token, user_id, scope,
                               *expires, now + (gint64)REFRESH_TTL_SECONDS, token_client);
}

JsonObject *
_botbench_sandbox_token_response (BotbenchSandbox *self,
                                  const char      *token_client,
                                  const char      *scope,
                                  gint64           user_id)
{
  JsonObject *object = json_object_new ();
  g_autofree char *access_token = NULL;
  g_autofree char *refresh_token = NULL;
  g_autofree char *client_endpoint = g_strconcat (self->base_url, "rest/", NULL);
  gint64 expires;

  _botbench_sandbox_issue_token (self, token_client, user_id, scope, &access_token, &refresh_token, &expires);

  json_object_set_string_member (object, "access_token", access_token);
  json_object_set_int_member (object, "expires", expires);
  json_object_set_int_member (object, "expires_in", self->run.token_ttl);
  json_object_set_string_member (object, "scope", scope);
  json_object_set_string_member (object, "domain", self->domain);
  json_object_set_string_member (object, "server_endpoint", client_endpoint);
  json_object_set_string_member (object, "status", STATUS_LETTER);
  json_object_set_string_member (object, "client_endpoint", client_endpoint);
  json_object_set_string_member (object, "member_id", self->member_id);
  json_object_set_int_member (object, "user_id", user_id);
  json_object_set_string_member (object, "refresh_token", refresh_token);

  return object;
}

gboolean
_botbench_sandbox_is_bot (BotbenchSandbox *self,
                          gint64           user_id)
{
  return botbench_sandbox_state_query_int (self->state, 0, "SELECT COUNT(*) FROM bots WHERE id = ?",
                                           "i", user_id) > 0;
}

void
_botbench_sandbox_portal_user_names (BotbenchSandbox  *self,
                                     gint64            user_id,
                                     char            **first_name,
                                     char            **last_name,
                                     char            **position,
                                     char            **gender)
{
  sqlite3_stmt *stmt;

  stmt = botbench_sandbox_state_query (self->state,
                                       "SELECT first_name, last_name, work_position, gender FROM users WHERE id = ?",
                                       "i", user_id);
  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      *first_name = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
      *last_name = g_strdup ((const char *)sqlite3_column_text (stmt, 1));
      *position = g_strdup ((const char *)sqlite3_column_text (stmt, 2));
      *gender = g_strdup ((const char *)sqlite3_column_text (stmt, 3));
    }
  else
    {
      *first_name = g_strdup ("User");
      *last_name = g_strdup_printf ("%" G_GINT64_FORMAT, user_id);
      *position = g_strdup ("");
      *gender = g_strdup ("");
    }
  sqlite3_finalize (stmt);
}

/* data[USER] (§3.2).  Portal users are synthetic: "User <id>". */
JsonObject *
_botbench_sandbox_user_object (BotbenchSandbox *self,
                               gint64           user_id,
                               gboolean         with_position,
                               gboolean         with_flags)
{
  JsonObject *user = json_object_new ();
  g_autofree char *first_name = NULL;
  g_autofree char *last_name = NULL;
  g_autofree char *position = NULL;
  g_autofree char *gender = NULL;
  g_autofree char *name = NULL;

  _botbench_sandbox_portal_user_names (self, user_id, &first_name, &last_name, &position, &gender);
  name = g_strdup_printf ("%s %s", first_name, last_name);

  _botbench_php_set_int_string (user, "ID", user_id);
  json_object_set_string_member (user, "NAME", name);
  json_object_set_string_member (user, "FIRST_NAME", first_name);
  json_object_set_string_member (user, "LAST_NAME", last_name);
  if (with_position)
    json_object_set_string_member (user, "WORK_POSITION", position);
  json_object_set_string_member (user, "GENDER", gender);
  if (with_flags)
    {
      json_object_set_string_member (user, "IS_BOT", _botbench_sandbox_is_bot (self, user_id) ? "Y" : "N");
      json_object_set_string_member (user, "IS_CONNECTOR", "N");
      json_object_set_string_member (user, "IS_NETWORK", "N");
      json_object_set_string_member (user, "IS_EXTRANET", "N");
    }

  return user;
}
