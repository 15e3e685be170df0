/* botbench-sandbox-handlers.c: handler URLs and the handler rows bound to them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The portal's own check of a handler URL (§1.4, HandlerHelper::checkCallback),
 * written from the reference and not shared with the client's validator, so
 * each can catch the other's mistakes; and the handler rows: one URL per
 * owner and event, rebound on every success (§1.7).
 */
#define G_LOG_DOMAIN "botbench-sandbox"

#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "botbench-sandbox-private.h"
#include "botbench-sandbox-php-private.h"

#define WRONG_HANDLER_URL    "Wrong handler URL"
#define UNSUPPORTED_PROTOCOL "Unsupported handler protocol"

/* checkCallback: parse_url() must give a host with a dot after its first
 * character (so "localhost", "[::1]" and bare names fail, 127.0.0.1 and
 * 192.168.1.5 pass), then the scheme must be exactly "http" or "https".
 * No DNS lookup, no reachability or private-address check.  Returns the
 * error_description, or NULL when the portal takes the URL. */
const char *
_botbench_sandbox_check_handler_url (const char *url)
{
  g_autofree char *scheme = NULL;
  g_autofree char *host = NULL;
  const char *dot;

  if (url == NULL || !_botbench_php_parse_url (url, &scheme, &host) || host == NULL || *host == '\0')
    return WRONG_HANDLER_URL;

  /* strpos ($host, '.') > 0 */
  dot = strchr (host, '.');
  if (dot == NULL || dot == host)
    return WRONG_HANDLER_URL;

  if (g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0)
    return UNSUPPORTED_PROTOCOL;

  return NULL;
}

/* url + "?CLIENT_ID=" or "&CLIENT_ID=", unencoded (§1.9). */
char *
_botbench_sandbox_append_client_id (const char *url,
                                    const char *client_id)
{
  return g_strconcat (url, strchr (url, '?') ? "&" : "?", "CLIENT_ID=", client_id, NULL);
}

void
_botbench_sandbox_unbind_handler (BotbenchSandbox *self,
                                  const char      *owner_id,
                                  const char      *event)
{
  botbench_sandbox_state_exec (self->state, "DELETE FROM handlers WHERE owner = ? AND event = ?",
                               "ss", owner_id, event);
}

void
_botbench_sandbox_bind_handler (BotbenchSandbox *self,
                                const char      *owner_id,
                                const char      *event,
                                const char      *url)
{
  /* unbindEvent + bindEvent: a new row id each time (§1.7) */
  _botbench_sandbox_unbind_handler (self, owner_id, event);
  botbench_sandbox_state_exec (self->state, "INSERT INTO handlers (owner, event, url) VALUES (?, ?, ?)",
                               "sss", owner_id, event, url);
}

/* The handler row of owner for event, or FALSE when none is bound. */
gboolean
_botbench_sandbox_lookup_handler (BotbenchSandbox  *self,
                                  const char       *owner_id,
                                  const char       *event,
                                  gint64           *handler_id,
                                  char            **url)
{
  sqlite3_stmt *stmt;
  gboolean found = FALSE;

  stmt = botbench_sandbox_state_query (self->state,
                                       "SELECT id, url FROM handlers WHERE owner = ? AND event = ?",
                                       "ss", owner_id, event);
  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      *handler_id = sqlite3_column_int64 (stmt, 0);
      *url = g_strdup ((const char *)sqlite3_column_text (stmt, 1));
      found = TRUE;
    }
  sqlite3_finalize (stmt);

  return found;
}
