/* botbench-sandbox-private.h: the instance and internal API of BotbenchSandbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The emulator is one GObject spread over files by what they do:
 *   botbench-sandbox.c           the GObject, start/stop, server thread, routing
 *   botbench-sandbox-tls.c       the certificate served with --tls
 *   botbench-sandbox-early.c     what is refused before a body is read
 *   botbench-sandbox-http.c      request parameters, JSON answers, ApiError
 *   botbench-sandbox-php.c       PHP semantics (botbench-sandbox-php-private.h)
 *   botbench-sandbox-auth.c      OAuth server, REST credentials, rate limit
 *   botbench-sandbox-rest.c      REST method table, scopes, batch, one call
 *   botbench-sandbox-tokens.c    owners, tokens, users
 *   botbench-sandbox-bots.c      imbot.register/unregister/update/bot.list
 *   botbench-sandbox-commands.c  imbot.command.*
 *   botbench-sandbox-messages.c  chats, messages, imbot.message.add
 *   botbench-sandbox-handlers.c  handler URLs (§1.4) and handler rows
 *   botbench-sandbox-delivery.c  events POSTed to bot handlers
 *   botbench-sandbox-control.c   /_sandbox/message, join, messages: act as portal users
 *   botbench-sandbox-chat.c      /_sandbox/info, users, chats, chat, message/update,
 *                                message/delete, button
 *   botbench-sandbox-records.c   REV, delivery records, the control API's objects
 *   botbench-sandbox-updates.c   /_sandbox/updates: the long poll
 *   botbench-sandbox-edits.c     imbot.message.update/delete, user edits' events
 *   botbench-sandbox-v2-*.c      imbot.v2 (botbench-sandbox-v2-private.h)
 * Everything but the GObject shell runs on the server thread.
 */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "botbench-sandbox.h"
#include "botbench-sandbox-gate-private.h"
#include "botbench-sandbox-state.h"

G_BEGIN_DECLS

/* Returns wall-clock time in microseconds; called on the server thread. */
typedef gint64 (*BotbenchSandboxClock) (gpointer user_data);

/* The settings a running server uses: copied at start() so setters on the
 * creating thread never race with the server thread. */
typedef struct
{
  char     *scope;
  guint     webhook_user;
  guint     bot_limit;
  guint     token_ttl;
  gboolean  rate_limit;
  guint     rate_burst;
  guint     rate_per_second;
  gboolean  tls;
  gboolean  v2_strict_list_filter;
} SandboxConfig;

struct _BotbenchSandbox
{
  GObject               parent_instance;

  /* Configuration (creating thread) */
  char                 *host;
  guint                 port;
  guint                 http_port;
  guint                 webhook_user;
  char                 *webhook_secret;
  char                 *state_path;
  guint                 bot_limit;
  gboolean              rate_limit;
  gboolean              v2_strict_list_filter;
  guint                 rate_burst;
  guint                 rate_per_second;
  guint                 token_ttl;
  char                 *scope;
  gboolean              tls;
  guint64               max_body;
  guint                 max_connections;
  guint                 idle_timeout;
  char                 *tls_cert_file;
  char                 *tls_key_file;
  BotbenchSandboxClock  clock;
  gpointer              clock_data;
  GMainContext         *main_context;

  /* Set by start(), read-only while running */
  SandboxConfig         run;
  char                 *secret;
  char                 *client_id;
  char                 *client_secret;
  char                 *app_token;
  char                 *member_id;
  char                 *memory_cert_pem;
  char                 *memory_key_pem;
  char                 *served_cert_pem;
  GTlsCertificate      *certificate;
  BotbenchSandboxState *state;
  char                 *base_url;
  char                 *domain;
  GThread              *thread;
  GSocket              *socket;
  GSocket              *http_socket;
  GMainContext         *server_context;
  GMainLoop            *server_loop;
  guint                 bound_port;
  guint                 bound_http_port;
  gboolean              running;

  GMutex                mutex;
  GCond                 cond;
  gboolean              started;

  /* Server thread only */
  SoupServer           *server;
  BotbenchSandboxGate  *gate;
  SoupSession          *session;
  GCancellable         *cancellable;
  guint                 n_deliveries;
  GArray               *recorded;     /* delivery ids made by this request, or NULL */
  GPtrArray            *waiters;      /* held /_sandbox/updates requests */
  GSource              *wake_source;
  int                   n_flushing;
  double                bucket;
  gint64                bucket_us;
  gint64                clock_offset_us;  /* POST /_sandbox/clock: portal time ahead */
};

#define REFRESH_TTL_SECONDS   (180 * 24 * 3600)
#define CODE_TTL_SECONDS      30
#define FIRST_BOT_ID          100
#define USER_AGENT            "Bitrix24 Webhook Engine"
#define STATUS_LETTER         "L"

typedef struct
{
  guint  status;
  char  *code;
  char  *description;
} ApiError;

typedef struct
{
  gboolean  webhook;
  gint64    user_id;
  char     *scope;
  char     *client_id;   /* a token of an installed local application, else NULL */
} Auth;

/* Who owns bots: the OAuth app, or "custom" + CLIENT_ID (§1.9). */
typedef struct
{
  char     *id;
  char     *client_id;
  char     *app_token;
  gboolean  webhook;
  gboolean  installed;   /* a local application of /_sandbox/install */
  char     *scope;       /* its scope; NULL: the sandbox's */
} Owner;

typedef JsonNode *(*MethodFunc) (BotbenchSandbox *self,
                                 const Auth      *auth,
                                 JsonObject      *params,
                                 ApiError        *error);

typedef struct
{
  gint64  id;
  gint64  bot_id;
  char   *owner;
  char   *command;
} Command;

#define COMMAND_COLUMNS "SELECT id, bot_id, owner, command FROM commands "

typedef struct
{
  gint64      message_id;
  gint64      chat_id;
  gint64      from_user;
  gint64      bot_id;        /* private chats: the bot addressed */
  gint64      to_user;       /* group chats: the first mention, 0 if none */
  gboolean    group;
  const char *text;          /* mentions stripped in group chats */
  const char *original;      /* group chats only */
  GArray     *mentions;      /* gint64, group chats only */
} UserMessage;

/* What a REST call's URL and headers decide, before its body is read
 * (§4.1: unknown methods are 404 before any auth; then the rate limit; then
 * the credentials, when the URL or a Bearer header carries them).  A wrong
 * webhook secret is refused without reading a byte of the body. */
typedef struct
{
  char     *method;
  int       index;
  gboolean  authenticated;
  Auth      auth;
  gint64    start_us;
} RestCall;

#define REST_CALL_KEY "botbench-rest-call"

#define OVERFLOW_KEY "botbench-overflow"

/* Replaces g_get_real_time() for token expiry, the rate limiter and the
 * "time" envelope.  Set before start(); func must be thread-safe. */
void _botbench_sandbox_set_clock (BotbenchSandbox      *self,
                                  BotbenchSandboxClock  func,
                                  gpointer              user_data);

/* botbench-sandbox.c */

gint64 _botbench_sandbox_now_us         (BotbenchSandbox *self);
gint64 _botbench_sandbox_now            (BotbenchSandbox *self);
void   _botbench_sandbox_post_delivered (BotbenchSandbox *self,
                                         const char      *event,
                                         const char      *url,
                                         guint            status);

/* botbench-sandbox-tls.c */

/* The certificate of --tls: the files given, else one kept next to the
 * state, else one made for this process (stop/start keeps it). */
gboolean _botbench_sandbox_load_certificate (BotbenchSandbox  *self,
                                             GError          **error);

/* botbench-sandbox-http.c */

void        _botbench_sandbox_api_error_clear (ApiError *error);
gpointer    _botbench_sandbox_api_fail        (ApiError   *error,
                                               guint       status,
                                               const char *code,
                                               const char *description);

/* _botbench_sandbox_api_fail() for functions that return gboolean */
gboolean    _botbench_sandbox_api_refuse      (ApiError   *error,
                                               guint       status,
                                               const char *code,
                                               const char *description);

/* Query string, then the body over it (array_replace), §4.2. */
JsonObject *_botbench_sandbox_request_params  (SoupServerMessage *msg);
void        _botbench_sandbox_set_json_body   (SoupServerMessage *msg,
                                               guint              status,
                                               JsonNode          *root);
JsonNode   *_botbench_sandbox_error_node      (const char *code,
                                               const char *description);
void        _botbench_sandbox_reply_error     (SoupServerMessage *msg,
                                               const ApiError    *error);
JsonObject *_botbench_sandbox_time_object     (BotbenchSandbox *self,
                                               gint64           start_us);
void        _botbench_sandbox_reply_result    (BotbenchSandbox   *self,
                                               SoupServerMessage *msg,
                                               JsonNode          *result,
                                               gint64             start_us);

/* botbench-sandbox-tokens.c */

void        _botbench_sandbox_owner_clear        (Owner *owner);

/* Fills owner from a stored owner id. */
void        _botbench_sandbox_owner_init_from_id (BotbenchSandbox *self,
                                                  const char      *id,
                                                  Owner           *owner);

/* The caller's owner, or ACCESS_DENIED (§1.3 step 2, §1.9). */
gboolean    _botbench_sandbox_resolve_owner      (BotbenchSandbox *self,
                                                  const Auth      *auth,
                                                  JsonObject      *params,
                                                  Owner           *owner,
                                                  ApiError        *error);
/* A token pair of user_id for token_client ("" the sandbox's own
 * application, else an installed local application's client id). */
void        _botbench_sandbox_issue_token        (BotbenchSandbox  *self,
                                                  const char       *token_client,
                                                  gint64            user_id,
                                                  const char       *scope,
                                                  char            **access_token,
                                                  char            **refresh_token,
                                                  gint64           *expires);
JsonObject *_botbench_sandbox_token_response     (BotbenchSandbox *self,
                                                  const char      *token_client,
                                                  const char      *scope,
                                                  gint64           user_id);
/* The application a bot owner's tokens belong to ("" the sandbox's own). */
const char *_botbench_sandbox_owner_token_client (const Owner *owner);
const char *_botbench_sandbox_owner_scope        (BotbenchSandbox *self,
                                                  const Owner     *owner);
gboolean    _botbench_sandbox_is_bot             (BotbenchSandbox *self,
                                                  gint64           user_id);

/* A portal user's names from the users table; "User" and the id, with an
 * empty position and gender, for anyone else.  Each out is a new string. */
void        _botbench_sandbox_portal_user_names  (BotbenchSandbox  *self,
                                                  gint64            user_id,
                                                  char            **first_name,
                                                  char            **last_name,
                                                  char            **position,
                                                  char            **gender);

/* data[USER] (§3.2).  Portal users are synthetic: "User <id>". */
JsonObject *_botbench_sandbox_user_object        (BotbenchSandbox *self,
                                                  gint64           user_id,
                                                  gboolean         with_position,
                                                  gboolean         with_flags);

/* botbench-sandbox-handlers.c */

/* NULL when the portal takes url as a handler, else its error_description:
 * "Wrong handler URL" or "Unsupported handler protocol" (§1.4). */
const char *_botbench_sandbox_check_handler_url  (const char *url);

/* url + "?CLIENT_ID=" or "&CLIENT_ID=", unencoded (§1.9). */
char       *_botbench_sandbox_append_client_id   (const char *url,
                                                  const char *client_id);
void        _botbench_sandbox_bind_handler       (BotbenchSandbox *self,
                                                  const char      *owner_id,
                                                  const char      *event,
                                                  const char      *url);
void        _botbench_sandbox_unbind_handler     (BotbenchSandbox *self,
                                                  const char      *owner_id,
                                                  const char      *event);

/* The handler row of owner for event, or FALSE when none is bound. */
gboolean    _botbench_sandbox_lookup_handler     (BotbenchSandbox  *self,
                                                  const char       *owner_id,
                                                  const char       *event,
                                                  gint64           *handler_id,
                                                  char            **url);

/* botbench-sandbox-delivery.c */

/* What a delivery record of an event POST names. */
typedef struct
{
  gint64  message_id;
  gint64  chat_id;
  GArray *bot_ids;     /* gint64 */
} RecordTarget;

/* auth[...] of the user who triggered the event (§3.2). */
JsonObject *_botbench_sandbox_event_auth (BotbenchSandbox    *self,
                                          const Owner        *owner,
                                          gint64              user_id,
                                          gboolean            with_refresh);
/* data[BOT][id] / data[COMMAND][id] (§3.2). */
JsonObject *_botbench_sandbox_bot_entry  (BotbenchSandbox    *self,
                                          const Owner        *owner,
                                          gint64              bot_id,
                                          const char         *bot_code);
/* POSTs the event, takes data and auth; record: a delivery record for it. */
gboolean    _botbench_sandbox_send_event (BotbenchSandbox    *self,
                                          const char         *event,
                                          gint64              handler_id,
                                          const char         *url,
                                          JsonObject         *data,
                                          JsonObject         *auth,
                                          const RecordTarget *record);

void     _botbench_sandbox_deliver_bot_delete  (BotbenchSandbox *self,
                                                const Owner     *owner,
                                                gint64           bot_id,
                                                const char      *bot_code,
                                                gint64           user_id);

/* ONIMBOTMESSAGEADD for one owner's bots among bot_ids; TRUE if sent. */
gboolean _botbench_sandbox_deliver_message_add (BotbenchSandbox   *self,
                                                const char        *owner_id,
                                                GArray            *bot_ids,
                                                const UserMessage *m);
/* context: TEXTAREA, KEYBOARD (a button) or MENU. */
gboolean _botbench_sandbox_deliver_command_add (BotbenchSandbox   *self,
                                                const Command     *command,
                                                const char        *command_params,
                                                const char        *context,
                                                const UserMessage *m);
/* message_id: the system message that shows the join in the chat (its
 * delivery records point at it), or 0. */
gboolean _botbench_sandbox_deliver_join        (BotbenchSandbox *self,
                                                gint64           bot_id,
                                                gint64           user_id,
                                                gint64           chat_id,
                                                gint64           message_id);

/* botbench-sandbox-messages.c */

gint64    _botbench_sandbox_private_chat      (BotbenchSandbox *self,
                                               gint64           a,
                                               gint64           b);

/* Group chat chatN, created on first use with author as its first member.
 * Chat ids are shared with private dialogs, as on a portal, so chatN of a
 * private dialog is refused. */
gboolean  _botbench_sandbox_ensure_group_chat (BotbenchSandbox *self,
                                               gint64           chat_id,
                                               gint64           author_id,
                                               ApiError        *error);
/* TRUE if user_id was not a member yet. */
gboolean  _botbench_sandbox_add_member        (BotbenchSandbox *self,
                                               gint64           chat_id,
                                               gint64           user_id);
gint64    _botbench_sandbox_add_message       (BotbenchSandbox *self,
                                               gint64           chat_id,
                                               gint64           author_id,
                                               const char      *text,
                                               gboolean         system);

/* "chat12" → 12; 0 if dialog is not a chat. */
gint64    _botbench_sandbox_dialog_chat_id    (const char *dialog);

/* ATTACH_ERROR, KEYBOARD_ERROR, MENU_ERROR in that order (§2.4). */
gboolean  _botbench_sandbox_check_rich_params (JsonObject *params,
                                               ApiError   *error);

/* imbot.message.add, §2.4 */
JsonNode *_botbench_sandbox_imbot_message_add (BotbenchSandbox *self,
                                               const Auth      *auth,
                                               JsonObject      *params,
                                               ApiError        *error);

/* botbench-sandbox-bots.c */

/* What an avatar's base64 holds, read as PHP's non-strict base64_decode()
 * does (characters outside the alphabet skipped): the image kind by its
 * header, and its size (JPEG and WEBP sizes are not parsed: 1 × 1). */
typedef enum
{
  SANDBOX_IMAGE_NONE,
  SANDBOX_IMAGE_PNG,
  SANDBOX_IMAGE_GIF,
  SANDBOX_IMAGE_BMP,
  SANDBOX_IMAGE_JPEG,
  SANDBOX_IMAGE_WEBP,
} SandboxImage;

SandboxImage _botbench_sandbox_sniff_image (const char *base64,
                                            guint32    *width,
                                            guint32    *height);

/* The bot's owner id and code; FALSE if there is no such bot. */
gboolean  _botbench_sandbox_lookup_bot       (BotbenchSandbox  *self,
                                              gint64            bot_id,
                                              char            **owner_id,
                                              char            **code);

/* BOT_ID_ERROR / APP_ID_ERROR (§2.1). */
gboolean  _botbench_sandbox_check_bot_owner  (BotbenchSandbox  *self,
                                              gint64            bot_id,
                                              const Owner      *owner,
                                              char            **code,
                                              ApiError         *error);

/* Unregisters bot_id of owner (v1 imbot.unregister and
 * imbot.v2.Bot.unregister, after their checks): first its delete event in
 * the format of the API that registered it, while the bot and its handlers
 * exist (v1: ONIMBOTDELETE to the owner's handler; v2: ONIMBOTV2DELETE
 * queued or POSTed), then the bot; a v1 bot's handlers are unbound as
 * imbot.unregister does. */
void      _botbench_sandbox_unregister_bot   (BotbenchSandbox  *self,
                                              const Owner      *owner,
                                              gint64            bot_id,
                                              const char       *code,
                                              gint64            user_id);

/* The bot, its private dialogs, memberships and commands. */
void      _botbench_sandbox_delete_bot       (BotbenchSandbox  *self,
                                              gint64            bot_id);

/* imbot.register, §1.3 in order. */
JsonNode *_botbench_sandbox_imbot_register   (BotbenchSandbox *self,
                                              const Auth      *auth,
                                              JsonObject      *params,
                                              ApiError        *error);

/* imbot.unregister, §2.1 */
JsonNode *_botbench_sandbox_imbot_unregister (BotbenchSandbox *self,
                                              const Auth      *auth,
                                              JsonObject      *params,
                                              ApiError        *error);

/* imbot.update, §2.2 */
JsonNode *_botbench_sandbox_imbot_update     (BotbenchSandbox *self,
                                              const Auth      *auth,
                                              JsonObject      *params,
                                              ApiError        *error);

/* imbot.bot.list, §2.3: every bot of the portal, keyed by id. */
JsonNode *_botbench_sandbox_imbot_bot_list   (BotbenchSandbox *self,
                                              const Auth      *auth,
                                              JsonObject      *params,
                                              ApiError        *error);

/* botbench-sandbox-commands.c */

void      _botbench_sandbox_command_clear            (Command *command);
gboolean  _botbench_sandbox_command_from_stmt        (sqlite3_stmt *stmt,
                                                      Command      *command);

/* imbot.command.register, §2.5 */
JsonNode *_botbench_sandbox_imbot_command_register   (BotbenchSandbox *self,
                                                      const Auth      *auth,
                                                      JsonObject      *params,
                                                      ApiError        *error);
JsonNode *_botbench_sandbox_imbot_command_unregister (BotbenchSandbox *self,
                                                      const Auth      *auth,
                                                      JsonObject      *params,
                                                      ApiError        *error);
JsonNode *_botbench_sandbox_imbot_command_update     (BotbenchSandbox *self,
                                                      const Auth      *auth,
                                                      JsonObject      *params,
                                                      ApiError        *error);
JsonNode *_botbench_sandbox_imbot_command_answer     (BotbenchSandbox *self,
                                                      const Auth      *auth,
                                                      JsonObject      *params,
                                                      ApiError        *error);

/* botbench-sandbox-rest.c */

void      _botbench_sandbox_rest_call_free  (RestCall *call);
RestCall *_botbench_sandbox_rest_call_begin (BotbenchSandbox   *self,
                                             SoupServerMessage *msg,
                                             const char        *path,
                                             ApiError          *error);
void      _botbench_sandbox_handle_rest     (BotbenchSandbox   *self,
                                             SoupServerMessage *msg,
                                             const char        *path);

/* botbench-sandbox-auth.c */

void      _botbench_sandbox_handle_authorize  (BotbenchSandbox   *self,
                                               SoupServerMessage *msg);
void      _botbench_sandbox_handle_token      (BotbenchSandbox   *self,
                                               SoupServerMessage *msg);
gboolean  _botbench_sandbox_rate_limit_take   (BotbenchSandbox *self);

/* The OAuth token: Bearer header, then auth, then access_token. */
char     *_botbench_sandbox_take_access_token (SoupServerMessage *msg,
                                               JsonObject        *params);
gboolean  _botbench_sandbox_authenticate      (BotbenchSandbox   *self,
                                               SoupServerMessage *msg,
                                               const char        *webhook_user,
                                               const char        *webhook_secret,
                                               JsonObject        *params,
                                               Auth              *auth,
                                               ApiError          *error);

/* botbench-sandbox-records.c */

gint64      _botbench_sandbox_get_rev            (BotbenchSandbox *self);
/* Bumps REV and wakes held /_sandbox/updates requests; returns the new REV. */
gint64      _botbench_sandbox_bump_rev           (BotbenchSandbox *self);
/* A chat (when chat_id > 0: its REV too), a member, a bot or a command changed. */
gint64      _botbench_sandbox_chats_changed      (BotbenchSandbox *self,
                                                  gint64           chat_id);
gint64      _botbench_sandbox_get_chats_rev      (BotbenchSandbox *self);
char       *_botbench_sandbox_format_date        (gint64 unix_time);

/* A delivery record, pending (reason NULL) or skipped with reason; its id
 * is added to self->recorded when that is set. */
gint64      _botbench_sandbox_record_delivery    (BotbenchSandbox *self,
                                                  gint64           message_id,
                                                  gint64           chat_id,
                                                  GArray          *bot_ids,
                                                  const char      *event,
                                                  const char      *url,
                                                  const char      *reason);
void        _botbench_sandbox_record_skipped_bot (BotbenchSandbox *self,
                                                  gint64           message_id,
                                                  gint64           chat_id,
                                                  gint64           bot_id,
                                                  const char      *event,
                                                  const char      *reason);
/* status 0: failed with error; else done. */
void        _botbench_sandbox_finish_delivery    (BotbenchSandbox *self,
                                                  gint64           id,
                                                  guint            status,
                                                  gint64           duration_ms,
                                                  const char      *error);
JsonArray  *_botbench_sandbox_delivery_list      (BotbenchSandbox *self,
                                                  GArray          *ids);
JsonArray  *_botbench_sandbox_deliveries_after   (BotbenchSandbox *self,
                                                  gint64           after_rev,
                                                  gint64           upto_rev);
/* ATTACH / KEYBOARD / MENU as the JSON text stored; NULL when empty. */
char       *_botbench_sandbox_rich_json          (JsonObject *params,
                                                  const char *key);
void        _botbench_sandbox_store_bot_call     (BotbenchSandbox *self,
                                                  gint64           message_id,
                                                  const Auth      *auth,
                                                  const char      *method,
                                                  JsonObject      *params,
                                                  gboolean         rich);
JsonObject *_botbench_sandbox_message_object     (BotbenchSandbox *self,
                                                  gint64           message_id);
JsonArray  *_botbench_sandbox_messages_in_chat   (BotbenchSandbox *self,
                                                  gint64           chat_id,
                                                  gint64           after_rev);
JsonArray  *_botbench_sandbox_messages_after     (BotbenchSandbox *self,
                                                  gint64           after_rev,
                                                  gint64           upto_rev);

/* botbench-sandbox-updates.c */

void _botbench_sandbox_updates_wake   (BotbenchSandbox   *self);
/* Answers every held request and waits (a second at most) until written. */
void _botbench_sandbox_updates_flush  (BotbenchSandbox   *self);
void _botbench_sandbox_handle_updates (BotbenchSandbox   *self,
                                       SoupServerMessage *msg,
                                       JsonObject        *params,
                                       gint64             start_us);

/* botbench-sandbox-apps.c */

/* Fills owner when id is the client id of a local application installed
 * through /_sandbox/install (installed or not any more). */
gboolean  _botbench_sandbox_app_owner            (BotbenchSandbox   *self,
                                                  const char        *id,
                                                  Owner             *owner);
/* /oauth/token/'s client check: the sandbox's own application (token_client
 * "") or an installed local application with its secret (token_client its
 * client id, scope its scope). */
gboolean  _botbench_sandbox_app_check_client     (BotbenchSandbox   *self,
                                                  const char        *client_id,
                                                  const char        *client_secret,
                                                  char             **token_client,
                                                  char             **scope);
/* POST /_sandbox/install and /_sandbox/uninstall: answered when the
 * ONAPPINSTALL / ONAPPUNINSTALL delivery is done (msg paused meanwhile). */
void      _botbench_sandbox_handle_install       (BotbenchSandbox   *self,
                                                  SoupServerMessage *msg,
                                                  JsonObject        *params,
                                                  gint64             start_us);
void      _botbench_sandbox_handle_uninstall     (BotbenchSandbox   *self,
                                                  SoupServerMessage *msg,
                                                  JsonObject        *params,
                                                  gint64             start_us);

/* botbench-sandbox-control.c */

/* Longest MESSAGE a portal user may write through the control API. */
#define BOTBENCH_SANDBOX_MAX_MESSAGE (64 * 1024)

void      _botbench_sandbox_handle_control (BotbenchSandbox   *self,
                                            SoupServerMessage *msg,
                                            const char        *path);

/* A portal user writes text into dialog ("<bot id>" or "chatN"; bot_id
 * wins for a private dialog when > 0); the /_sandbox/message result. */
JsonNode *_botbench_sandbox_user_writes    (BotbenchSandbox *self,
                                            gint64           from,
                                            const char      *dialog,
                                            gint64           bot_id,
                                            const char      *text,
                                            ApiError        *error);

/* botbench-sandbox-edits.c */

/* An id parameter: intval of a scalar, 0 for arrays and objects. */
gint64    _botbench_sandbox_id_param              (JsonObject *params,
                                                   const char *key);

/* /_sandbox/message/update (delete FALSE) and /_sandbox/message/delete. */
JsonNode *_botbench_sandbox_user_edits            (BotbenchSandbox *self,
                                                   JsonObject      *params,
                                                   gboolean         delete,
                                                   ApiError        *error);
JsonNode *_botbench_sandbox_imbot_message_update  (BotbenchSandbox *self,
                                                   const Auth      *auth,
                                                   JsonObject      *params,
                                                   ApiError        *error);
JsonNode *_botbench_sandbox_imbot_message_delete  (BotbenchSandbox *self,
                                                   const Auth      *auth,
                                                   JsonObject      *params,
                                                   ApiError        *error);

/* botbench-sandbox-button.c */

/* /_sandbox/button */
JsonNode *_botbench_sandbox_press_button          (BotbenchSandbox *self,
                                                   JsonObject      *params,
                                                   ApiError        *error);

/* botbench-sandbox-chat.c */

/* The paths of botbench-sandbox-chat.c; FALSE if name is none of them. */
gboolean  _botbench_sandbox_handle_chat_path (BotbenchSandbox *self,
                                              const char      *name,
                                              gboolean         get,
                                              gboolean         post,
                                              JsonObject      *params,
                                              JsonNode       **result,
                                              gboolean        *acts,
                                              ApiError        *error);

/* botbench-sandbox-early.c */

void     _botbench_sandbox_reply_too_large    (BotbenchSandbox   *self,
                                               SoupServerMessage *msg);
void     _botbench_sandbox_early_handler_cb   (SoupServer        *server,
                                               SoupServerMessage *msg,
                                               const char        *path,
                                               GHashTable        *query,
                                               gpointer           user_data);

/* A JSON body nested deeper than json-glib survives is a 400 (other broken
 * JSON becomes an empty parameter set, as json_decode's NULL would). */
gboolean _botbench_sandbox_json_body_depth_ok (SoupServerMessage  *msg,
                                               GError            **error);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ApiError, _botbench_sandbox_api_error_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Owner, _botbench_sandbox_owner_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Command, _botbench_sandbox_command_clear)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RestCall, _botbench_sandbox_rest_call_free)

G_END_DECLS
