/* botbench-sandbox.h: an offline emulator of a Bitrix24 portal's imbot API
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * BotbenchSandbox serves, on its own thread:
 *  - webhook REST   /rest/<user>/<secret>/<method>[.json]
 *  - OAuth REST     /rest/<method>[.json]  (auth / access_token / Bearer)
 *  - OAuth server   /oauth/authorize/ and /oauth/token/ for one sandbox app
 *  - control API    /_sandbox/...: act as portal users (below)
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
 * Control API (no auth; query string and/or a JSON or form body, keys
 * case-insensitive; replies {"result": …, "time": …}, or {"error",
 * "error_description"} with 400, 403 for ACCESS_DENIED, 404 for an unknown
 * path).  The control API is not rate limited.
 *
 * Portal users: ids > 0 that are not bots.  Users 1-4 are named (Svetlana
 * Ivanova, Dmitry Sokolov, Anna Kuznetsova, Pavel Orlov); any other id is
 * "User N".  Events' data[USER] use these names.
 *
 * REV: one change counter in the state (survives restarts).  A message
 * added/edited/deleted (by a user, or by a bot through REST), a delivery
 * record made or finished, a chat made or its members changed, a bot or a
 * command registered/changed/removed: each bumps it, and the changed row
 * keeps the value as its REV.
 *
 * DIALOG_ID names a dialog from a portal user's side: "chatN" for a group
 * chat, the bot's id for a private dialog ("100": the user's dialog with
 * bot 100).  That is what /_sandbox/message takes and what MESSAGE and CHAT
 * objects carry.  In an event POSTed to a bot, data[PARAMS][DIALOG_ID] is
 * the bot's side: the *user's* id for a private dialog, "chatN" otherwise.
 *
 *   GET  /_sandbox/info   → {PRODUCT "Botbench sandbox", VERSION, DOMAIN,
 *                            WEBHOOK_USER, REV, APPLICATION_TOKEN (the
 *                            auth[application_token] of the OAuth app's
 *                            events; a webhook bot's events carry its
 *                            CLIENT_ID instead)}
 *   GET  /_sandbox/users  → {USERS: [USER]} the named users, by id
 *   GET  /_sandbox/chats[?USER_ID=]  (default webhook-user)
 *        → {CHATS: [CHAT] the user's group chats and private dialogs with
 *           existing bots, latest activity first; BOTS: [BOT]; REV}
 *   POST /_sandbox/chat   TITLE (default "Chat N"), USER_ID (author,
 *                         default webhook-user), USERS (list or "2,3": more
 *                         portal users; a bot: USER_ID_ERROR)
 *        → {CHAT_ID, DIALOG_ID, REV}; no event (add bots with /join)
 *   POST /_sandbox/message  FROM_USER_ID (default webhook-user), MESSAGE
 *                           (64 KiB at most: MESSAGE_TOO_LONG),
 *                           BOT_ID or DIALOG_ID ("<bot id>" or "chatN")
 *        → {MESSAGE_ID, CHAT_ID, DIALOG_ID, EVENTS[, COMMAND_ID],
 *           DELIVERIES: [DELIVERY as made: pending or skipped], REV}
 *        A "/command" registered for the bot (or COMMON=Y in the chat)
 *        fires ONIMCOMMANDADD instead of ONIMBOTMESSAGEADD.  In chatN the
 *        mentioned member bots ([USER=id]…[/USER]) and member bots of
 *        TYPE S get the message (others: a skipped NOT_MENTIONED record);
 *        chatN is created on first use.
 *   POST /_sandbox/join     BOT_ID, USER_ID (default webhook-user),
 *                           DIALOG_ID ("chatN" adds the bot to that chat;
 *                           omitted: the user opens the private dialog)
 *        → {BOT_ID, CHAT_ID, MESSAGE_ID, EVENTS, DELIVERIES, REV}, fires
 *        ONIMBOTJOINCHAT.  The chat gets a system message by the user
 *        ("… opened the dialog with …", "… added … to the chat"),
 *        MESSAGE_ID; the join's delivery records point at it.
 *   POST /_sandbox/message/update  FROM_USER_ID, MESSAGE_ID, MESSAGE
 *   POST /_sandbox/message/delete  FROM_USER_ID, MESSAGE_ID
 *        → {MESSAGE_ID, EVENTS, DELIVERIES, REV}.  The author changes their
 *        message (update: EDITED=Y; delete: DELETED=Y, MESSAGE "") and
 *        ONIMBOTMESSAGEUPDATE / ONIMBOTMESSAGEDELETE (§3.4.3, §3.4.4; group
 *        chats without data[USER], as the reference's group examples) go to
 *        the bots concerned (private: the bot; group: bots mentioned in the
 *        text and type S members) that are of type S or O or OPENLINE=Y
 *        (others: a skipped NOT_FOR_TYPE record).  Errors: MESSAGE_ID_ERROR
 *        "Message not found" (also for a deleted one), ACCESS_DENIED (403)
 *        "Only the author can edit a message" / "… delete a message",
 *        MESSAGE_EMPTY.
 *   POST /_sandbox/button  FROM_USER_ID, MESSAGE_ID (a bot message with a
 *                          KEYBOARD, in a chat of the user), BUTTON (0-based
 *                          over the keyboard's buttons: a list, or an object
 *                          with BUTTONS; NEWLINE and non-object entries not
 *                          counted)
 *        → {ACTION, VALUE, MESSAGE_ID, EVENTS, DELIVERIES, REV}.  COMMAND:
 *        ONIMCOMMANDADD with COMMAND_CONTEXT=KEYBOARD, COMMAND_PARAMS of the
 *        button and data[COMMAND][id][MESSAGE_ID] = the keyboard's message,
 *        for the button's BOT_ID, else the keyboard's, else the message's
 *        author (COMMAND_ERROR "Command not found").  ACTION=SEND: as
 *        /_sandbox/message with ACTION_VALUE (MESSAGE_ID: the new message).
 *        LINK, ACTION=PUT|COPY|CALL|DIALOG: nothing happens here; VALUE says
 *        what the client is to do.  Errors: MESSAGE_ID_ERROR, KEYBOARD_ERROR
 *        "The message has no keyboard" / "Incorrect keyboard params",
 *        BUTTON_ERROR "Button not found" / "Button is disabled" / "The
 *        button does nothing".
 *   GET  /_sandbox/messages?DIALOG_ID=<bot id>|chatN[&USER_ID=][&AFTER_REV=]
 *        → {DIALOG_ID, CHAT_ID, MESSAGES: [MESSAGE] by id (with AFTER_REV:
 *           only REV > AFTER_REV), REV}
 *   GET  /_sandbox/updates?AFTER_REV=N[&TIMEOUT=S]
 *        → {REV, MESSAGES: [MESSAGE with REV > N, by REV], DELIVERIES:
 *           [DELIVERY with REV > N], CHATS_CHANGED "Y"/"N" (chats, members,
 *           bots or commands changed: fetch /_sandbox/chats again)}.
 *        A long poll: answered at once when something is newer than N (or
 *        N is newer than REV: the state was replaced, reload everything),
 *        else held up to TIMEOUT seconds (default 10, 0 = at once, at most
 *        25) and answered as soon as REV moves; stop() answers held ones,
 *        and so does a client hanging up (or half-closing).  Held requests
 *        take at most half of max-connections: past that the oldest held
 *        one is answered with nothing new.
 *        At most 500 messages and 500 deliveries an answer, oldest first;
 *        REV is then the last one included, to ask again from.
 *
 * Objects (integers are JSON numbers, flags "Y"/"N", dates ISO 8601):
 *   MESSAGE  {ID, CHAT_ID, DIALOG_ID, AUTHOR_ID (0: the portal), MESSAGE
 *            (as stored: a bot's BB-code, a user's text with mentions),
 *            SYSTEM, DATE, REV, EDITED, DELETED, ATTACH, KEYBOARD, MENU (as
 *            the bot gave them, decoded, or null), COMMAND_ID and REPLY_TO
 *            (imbot.command.answer: the command and the message answered,
 *            else 0), SOURCE (null for users; for bots {METHOD, DATE, AUTH
 *            "webhook"|"oauth", PARAMS of the call with auth, access_token
 *            and keys containing "token" or "secret" as "***"}),
 *            DELIVERIES (ids of the deliveries a user message caused)}
 *   DELIVERY {ID, MESSAGE_ID (0 for a join), CHAT_ID, BOT_ID, BOT_IDS,
 *            EVENT, URL ("" when skipped), STATE pending|done (an HTTP
 *            answer, any status)|failed (none)|skipped, STATUS, DURATION_MS,
 *            ERROR ("Connection refused", "Timed out after 30 s", "Cannot
 *            resolve host", "TLS error: …", else the transport's message),
 *            REASON NO_HANDLER|NOT_MENTIONED|NOT_FOR_TYPE, REASON_TEXT, DATE,
 *            REV}.  One per event POST (one per owner), one skipped record
 *            per bot left out.  ONIMBOTDELETE makes none.
 *   CHAT     {CHAT_ID, DIALOG_ID, TYPE P|C, TITLE (private: the bot's name),
 *            BOT_ID (private, else 0), MEMBERS, LAST_MESSAGE_ID, REV}
 *   BOT      {ID, CODE, NAME, LAST_NAME, TYPE, OPENLINE, COLOR, WORK_POSITION,
 *            HANDLERS {event: url or ""}, COMMANDS [{ID, COMMAND, COMMON,
 *            HIDDEN, TITLE, PARAMS} from LANG "en", else the first]}
 *   USER     {ID, NAME, FIRST_NAME, LAST_NAME, WORK_POSITION, GENDER}
 * REST for bots adds imbot.message.update (BOT_ID, MESSAGE_ID, MESSAGE,
 * ATTACH, KEYBOARD, MENU; "N" removes one) and imbot.message.delete
 * (BOT_ID, MESSAGE_ID) for the bot's own messages (MESSAGE_ID_ERROR,
 * ACCESS_DENIED); bots' changes deliver no event.
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
/* imbot.v2.Bot.list with an unknown filter.type: FALSE (default) ignores
 * the filter, as the server source does; TRUE answers no bots, as the docs
 * say (reference v2 §2.4, §7 item 4).  Read at start(). */
gboolean         botbench_sandbox_get_v2_strict_list_filter (BotbenchSandbox *self);
void             botbench_sandbox_set_v2_strict_list_filter (BotbenchSandbox *self,
                                                             gboolean         strict);
/* Access token lifetime in seconds (default 3600). */
guint            botbench_sandbox_get_token_ttl      (BotbenchSandbox  *self);
void             botbench_sandbox_set_token_ttl      (BotbenchSandbox  *self,
                                                      guint             seconds);
/* Comma-separated scopes granted to the webhook and the app ("imbot"). */
const char      *botbench_sandbox_get_scope          (BotbenchSandbox  *self);
void             botbench_sandbox_set_scope          (BotbenchSandbox  *self,
                                                      const char       *scope);
/* app.info's INSTALLED (default TRUE): FALSE plays an application whose
 * installation is not finished.  Any time, also while running. */
gboolean         botbench_sandbox_get_app_installed  (BotbenchSandbox  *self);
void             botbench_sandbox_set_app_installed  (BotbenchSandbox  *self,
                                                      gboolean          installed);
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
