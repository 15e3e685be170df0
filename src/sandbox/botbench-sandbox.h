/* botbench-sandbox.h: an offline emulator of a Bitrix24 portal's imbot API
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * BotbenchSandbox serves, on its own thread:
 *  - webhook REST   /rest/<user>/<secret>/<method>[.json]
 *  - OAuth REST     /rest/<method>[.json]  (auth / access_token / Bearer)
 *  - OAuth server   /oauth/authorize/ and /oauth/token/ for one sandbox app
 *  - control API    /_sandbox/message, /_sandbox/join, /_sandbox/messages
 * and delivers imbot events to the registered handler URLs the way Bitrix24
 * does (form-encoded POST, one per handler, no retries).
 *
 * Configure with the setters before start(); changes apply at the next
 * start().  All functions are for the thread that created the object; the
 * "delivered" signal is emitted on that thread's main context.
 *
 * HTTPS: a real portal refuses incoming webhooks over plain HTTP ("Https
 * required.").  Without TLS the sandbox serves plain HTTP only and accepts
 * webhooks there (what tests and a first demo need).  With TLS it serves
 * HTTPS on port and plain HTTP on http-port, where webhook calls get 401
 * INVALID_REQUEST "Https required." while OAuth calls and the control API
 * still work.
 *
 * Control API (no auth; JSON or form bodies; replies {"result": …, "time": …}
 * or {"error", "error_description"}):
 *   POST /_sandbox/message  FROM_USER_ID (default webhook-user), MESSAGE,
 *                           BOT_ID or DIALOG_ID ("<bot id>" or "chatN")
 *        → {MESSAGE_ID, CHAT_ID, DIALOG_ID, EVENTS[, COMMAND_ID]}
 *        A "/command" registered for the bot (or COMMON=Y in the chat)
 *        fires ONIMCOMMANDADD instead of ONIMBOTMESSAGEADD.  In chatN the
 *        mentioned member bots ([USER=id]…[/USER]) and member bots of
 *        TYPE S get the message; chatN is created on first use.
 *   POST /_sandbox/join     BOT_ID, USER_ID (default webhook-user),
 *                           DIALOG_ID ("chatN" adds the bot to that chat;
 *                           omitted: the user opens the private dialog)
 *        → {BOT_ID, CHAT_ID, EVENTS}, fires ONIMBOTJOINCHAT
 *   GET  /_sandbox/messages?DIALOG_ID=<bot id>|chatN[&USER_ID=]
 *        → {DIALOG_ID, CHAT_ID, MESSAGES: [{ID, AUTHOR_ID, MESSAGE, SYSTEM, DATE}]}
 * OAuth: GET /oauth/authorize/?client_id=…[&user_id=][&state=][&redirect_uri=]
 * gives a code (JSON, or a 302 to redirect_uri) valid 30 s; /oauth/token/
 * takes grant_type=authorization_code|refresh_token with client_id and
 * client_secret, as oauth.bitrix.info does.
 */
#pragma once

#include <gio/gio.h>

#include "botbench-types.h"

G_BEGIN_DECLS

#define BOTBENCH_SANDBOX_DEFAULT_HOST       "127.0.0.1"
#define BOTBENCH_SANDBOX_DEFAULT_PORT       8124
#define BOTBENCH_SANDBOX_DEFAULT_BOT_LIMIT  5
#define BOTBENCH_SANDBOX_DEFAULT_TOKEN_TTL  3600
#define BOTBENCH_SANDBOX_DEFAULT_SCOPE      "imbot"
#define BOTBENCH_SANDBOX_DEFAULT_MAX_BODY   (64 * 1024 * 1024)
#define BOTBENCH_SANDBOX_DEFAULT_IDLE_TIMEOUT 15
#define BOTBENCH_SANDBOX_RATE_BURST         50
#define BOTBENCH_SANDBOX_RATE_PER_SECOND    2
#define BOTBENCH_SANDBOX_MAX_BATCH          50

#define BOTBENCH_SANDBOX_ERROR (botbench_sandbox_error_quark ())

typedef enum
{
  BOTBENCH_SANDBOX_ERROR_ADDRESS_IN_USE,
  BOTBENCH_SANDBOX_ERROR_PERMISSION_DENIED,
  BOTBENCH_SANDBOX_ERROR_INVALID_ADDRESS,
  BOTBENCH_SANDBOX_ERROR_STATE,     /* the state database cannot be used */
  BOTBENCH_SANDBOX_ERROR_TLS,       /* certificate or key missing or invalid */
  BOTBENCH_SANDBOX_ERROR_FAILED,
} BotbenchSandboxError;

#define BOTBENCH_TYPE_SANDBOX (botbench_sandbox_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchSandbox, botbench_sandbox, BOTBENCH, SANDBOX, GObject)

GQuark           botbench_sandbox_error_quark        (void);

/* $XDG_DATA_HOME/botbench/sandbox/state.db */
char            *botbench_sandbox_dup_default_state_path (void);

BotbenchSandbox *botbench_sandbox_new                (void);

const char      *botbench_sandbox_get_host           (BotbenchSandbox  *self);
void             botbench_sandbox_set_host           (BotbenchSandbox  *self,
                                                      const char       *host);
/* 0 = any free port. */
guint            botbench_sandbox_get_port           (BotbenchSandbox  *self);
void             botbench_sandbox_set_port           (BotbenchSandbox  *self,
                                                      guint             port);
/* With TLS on, plain HTTP is served on this second port too (0 = any free
 * port), like a portal that answers on both: webhook calls there get
 * "Https required.", OAuth calls and the control API work. */
guint            botbench_sandbox_get_http_port      (BotbenchSandbox  *self);
void             botbench_sandbox_set_http_port      (BotbenchSandbox  *self,
                                                      guint             port);
/* The user id in the webhook path (default 1). */
guint            botbench_sandbox_get_webhook_user   (BotbenchSandbox  *self);
void             botbench_sandbox_set_webhook_user   (BotbenchSandbox  *self,
                                                      guint             user_id);
/* NULL (default) = the secret generated once and kept in the state. */
const char      *botbench_sandbox_get_webhook_secret (BotbenchSandbox  *self);
void             botbench_sandbox_set_webhook_secret (BotbenchSandbox  *self,
                                                      const char       *secret);
/* NULL (default) = in memory, forgotten at stop(). */
const char      *botbench_sandbox_get_state_path     (BotbenchSandbox  *self);
void             botbench_sandbox_set_state_path     (BotbenchSandbox  *self,
                                                      const char       *path);
/* Bots per owner (MAX_COUNT_ERROR); 0 = unlimited, as on-premise. */
guint            botbench_sandbox_get_bot_limit      (BotbenchSandbox  *self);
void             botbench_sandbox_set_bot_limit      (BotbenchSandbox  *self,
                                                      guint             limit);
/* Leaky bucket of BOTBENCH_SANDBOX_RATE_BURST requests draining
 * BOTBENCH_SANDBOX_RATE_PER_SECOND (503 QUERY_LIMIT_EXCEEDED); default on. */
void             botbench_sandbox_set_rate           (BotbenchSandbox  *self,
                                                      guint             burst,
                                                      guint             per_second);
guint            botbench_sandbox_get_rate_burst     (BotbenchSandbox  *self);
guint            botbench_sandbox_get_rate_per_second (BotbenchSandbox *self);
gboolean         botbench_sandbox_get_rate_limit     (BotbenchSandbox  *self);
void             botbench_sandbox_set_rate_limit     (BotbenchSandbox  *self,
                                                      gboolean          enabled);
/* Access token lifetime in seconds (default 3600). */
guint            botbench_sandbox_get_token_ttl      (BotbenchSandbox  *self);
void             botbench_sandbox_set_token_ttl      (BotbenchSandbox  *self,
                                                      guint             seconds);
/* Comma-separated scopes granted to the webhook and the app ("imbot"). */
const char      *botbench_sandbox_get_scope          (BotbenchSandbox  *self);
void             botbench_sandbox_set_scope          (BotbenchSandbox  *self,
                                                      const char       *scope);
/* HTTPS.  With no certificate file, a self-signed certificate for
 * 127.0.0.1 and localhost is generated once and kept beside the state
 * (in memory for an in-memory state). */
gboolean         botbench_sandbox_get_tls            (BotbenchSandbox  *self);
void             botbench_sandbox_set_tls            (BotbenchSandbox  *self,
                                                      gboolean          tls);
void             botbench_sandbox_set_tls_files      (BotbenchSandbox  *self,
                                                      const char       *cert_file,
                                                      const char       *key_file);
/* Largest request body in bytes (default 64 MiB): larger ones get 413
 * from their headers, before the body is read. */
guint64          botbench_sandbox_get_max_body       (BotbenchSandbox  *self);
void             botbench_sandbox_set_max_body       (BotbenchSandbox  *self,
                                                      guint64           max_body);
/* Connections open at once; 0 (default) = from the process's fd limit. */
guint            botbench_sandbox_get_max_connections (BotbenchSandbox *self);
void             botbench_sandbox_set_max_connections (BotbenchSandbox *self,
                                                       guint            max_connections);
/* Seconds a TLS handshake plus request head may take, or a body may stall
 * (default 15). */
guint            botbench_sandbox_get_idle_timeout   (BotbenchSandbox  *self);
void             botbench_sandbox_set_idle_timeout   (BotbenchSandbox  *self,
                                                      guint             seconds);

gboolean         botbench_sandbox_start              (BotbenchSandbox  *self,
                                                      GError          **error);
void             botbench_sandbox_stop               (BotbenchSandbox  *self);
gboolean         botbench_sandbox_get_running        (BotbenchSandbox  *self);
guint            botbench_sandbox_get_bound_port     (BotbenchSandbox  *self);

/* While running: "http(s)://HOST:PORT/"; the plain-HTTP URL (== url
 * without TLS); "<url>rest/<user>/<secret>/".  NULL when stopped. */
char            *botbench_sandbox_dup_url            (BotbenchSandbox  *self);
char            *botbench_sandbox_dup_http_url       (BotbenchSandbox  *self);
char            *botbench_sandbox_dup_webhook_url    (BotbenchSandbox  *self);
/* The sandbox app's OAuth credentials, persisted in the state; NULL until
 * the first start(). */
const char      *botbench_sandbox_get_client_id      (BotbenchSandbox  *self);
const char      *botbench_sandbox_get_client_secret  (BotbenchSandbox  *self);
/* The certificate served with TLS (PEM), for clients to trust exactly it;
 * NULL without TLS or before start(). */
char            *botbench_sandbox_dup_certificate_pem (BotbenchSandbox *self);

/* Signals:
 *   delivered (const char *event, const char *url, guint status):
 *     one event POST finished; status is the handler's HTTP status, 0 when
 *     the connection failed.  URLs may carry ?CLIENT_ID=.
 * Properties: host, port, http-port, webhook-user, webhook-secret,
 * state-path, bot-limit, rate-limit, token-ttl, scope, tls; read-only:
 * running, url, client-id, client-secret (notified when start() loads
 * them). */

G_END_DECLS
