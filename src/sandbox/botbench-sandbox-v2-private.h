/* botbench-sandbox-v2-private.h: the sandbox's imbot.v2 (internal)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * imbot.v2 lives in its own files (reference bitrix24-imbot-v2.md):
 *   botbench-sandbox-v2-objects.c   parameters, owner resolution, the Bot
 *                                   and User objects
 *   botbench-sandbox-v2-bots.c      Bot.register/update/unregister/list/get,
 *                                   Revision.get
 *   botbench-sandbox-v2-events.c    the event-log table, Event.get, events of
 *                                   user actions (queued or POSTed)
 *   botbench-sandbox-v2-messages.c  Chat.Message.send/update/delete
 *   botbench-sandbox-v2-commands.c  Command.register/update/unregister/list/answer
 * v2 methods get their parameters as sent (camelCase, with the UPPER_SNAKE
 * aliases the server also reads); every controller error is HTTP 400.
 */
#pragma once

#include "botbench-sandbox-private.h"

G_BEGIN_DECLS

/* Events are dropped this long after they were queued, read or not (§3.2). */
#define BOTBENCH_SANDBOX_V2_RETENTION_SECONDS (24 * 3600)
#define BOTBENCH_SANDBOX_V2_TOKEN_MAX         40
#define BOTBENCH_SANDBOX_V2_MESSAGE_MAX       20000
#define BOTBENCH_SANDBOX_V2_ATTACH_MAX        60000
/* fields.forwardIds of Chat.Message.send: at most this many (§4.1). */
#define BOTBENCH_SANDBOX_V2_FORWARD_MAX       100
/* Revision.get's "rest": the change-log's latest revision. */
#define BOTBENCH_SANDBOX_V2_REST_REVISION     36

/* botbench-sandbox-v2-objects.c */

/* object[camel], else object[upper] (either may be NULL); NULL if neither. */
JsonNode   *_botbench_sandbox_v2_member        (JsonObject *object,
                                                const char *camel,
                                                const char *upper);
/* (string) of a scalar member, NULL when missing, null or an array. */
char       *_botbench_sandbox_v2_string        (JsonObject *object,
                                                const char *camel,
                                                const char *upper);
/* A non-empty member as a string ("Array" for an array), else NULL. */
char       *_botbench_sandbox_v2_nonempty      (JsonObject *object,
                                                const char *camel,
                                                const char *upper);
/* A member as an object (NULL when it is none). */
JsonObject *_botbench_sandbox_v2_object        (JsonObject *object,
                                                const char *camel,
                                                const char *upper);
/* normalizeBooleanVariable: true, non-zero, "Y", "1", "TRUE" (any case). */
gboolean    _botbench_sandbox_v2_boolean       (JsonNode *node);

/* Characters of a UTF-8 text, bytes of anything else. */
glong       _botbench_sandbox_v2_length        (const char *text);

/* A controller error: HTTP 400; returns NULL (fail) or FALSE (refuse). */
gpointer    _botbench_sandbox_v2_fail          (ApiError   *error,
                                                const char *code,
                                                const char *description);
gboolean    _botbench_sandbox_v2_refuse        (ApiError   *error,
                                                const char *code,
                                                const char *description);

/* §2.0 row 1 / §6 item 4: OAuth client id, else "custom" + top-level
 * botToken, else "custom" + clientId; register also reads fields.botToken. */
gboolean    _botbench_sandbox_v2_resolve_owner (BotbenchSandbox *self,
                                                const Auth      *auth,
                                                JsonObject      *params,
                                                JsonObject      *register_fields,
                                                Owner           *owner,
                                                ApiError        *error);

/* §2.0 rows 1–4: the owner, then botId: BOT_ID_REQUIRED, BOT_NOT_FOUND,
 * BOT_OWNERSHIP_ERROR.  Returns the bot id, 0 on error. */
gint64      _botbench_sandbox_v2_check_bot     (BotbenchSandbox *self,
                                                const Auth      *auth,
                                                JsonObject      *params,
                                                Owner           *owner,
                                                ApiError        *error);

/* The Bot object: brief (8 keys) or extended (+ moduleId, eventMode, counters). */
JsonObject *_botbench_sandbox_v2_bot_object    (BotbenchSandbox *self,
                                                gint64           bot_id,
                                                gboolean         extended);
/* The v2 User object of a portal user or a bot. */
JsonObject *_botbench_sandbox_v2_user_object   (BotbenchSandbox *self,
                                                gint64           user_id);
/* {bot, users: [bot user]} of register, update and get. */
JsonNode   *_botbench_sandbox_v2_bot_answer    (BotbenchSandbox *self,
                                                gint64           bot_id,
                                                gboolean         extended);
/* properties.color: camelCase → UPPER_SNAKE; "" when unknown. */
char       *_botbench_sandbox_v2_normalize_color (const char *value);
/* TRUE if bot_id was registered through imbot.v2. */
gboolean    _botbench_sandbox_v2_is_v2_bot     (BotbenchSandbox *self,
                                                gint64           bot_id);

/* botbench-sandbox-v2-bots.c */

JsonNode *_botbench_sandbox_v2_bot_register   (BotbenchSandbox *self,
                                               const Auth      *auth,
                                               JsonObject      *params,
                                               ApiError        *error);
JsonNode *_botbench_sandbox_v2_bot_update     (BotbenchSandbox *self,
                                               const Auth      *auth,
                                               JsonObject      *params,
                                               ApiError        *error);
JsonNode *_botbench_sandbox_v2_bot_unregister (BotbenchSandbox *self,
                                               const Auth      *auth,
                                               JsonObject      *params,
                                               ApiError        *error);
JsonNode *_botbench_sandbox_v2_bot_list       (BotbenchSandbox *self,
                                               const Auth      *auth,
                                               JsonObject      *params,
                                               ApiError        *error);
JsonNode *_botbench_sandbox_v2_bot_get        (BotbenchSandbox *self,
                                               const Auth      *auth,
                                               JsonObject      *params,
                                               ApiError        *error);
JsonNode *_botbench_sandbox_v2_revision_get   (BotbenchSandbox *self,
                                               const Auth      *auth,
                                               JsonObject      *params,
                                               ApiError        *error);

/* botbench-sandbox-v2-events.c */

/* An event for one v2 bot: queued (fetch mode, data gets the full Bot
 * object) or POSTed form-encoded to its webhookUrl (data.bot = {id, code,
 * auth}); takes data.  user_id: who caused it (auth[]).  TRUE if queued or
 * sent. */
gboolean  _botbench_sandbox_v2_emit           (BotbenchSandbox *self,
                                               gint64           bot_id,
                                               const char      *type,
                                               JsonObject      *data,
                                               gint64           user_id,
                                               gint64           message_id,
                                               gint64           chat_id);

/* Drops events older than the retention. */
void      _botbench_sandbox_v2_expire_events  (BotbenchSandbox *self);

/* §3.3 objects: a Message, a Chat as bot_id sees it (private dialogs:
 * dialogId = the counterpart). */
JsonObject *_botbench_sandbox_v2_message_object (BotbenchSandbox *self,
                                                 gint64           message_id);
JsonObject *_botbench_sandbox_v2_chat_object    (BotbenchSandbox *self,
                                                 gint64           chat_id,
                                                 gint64           bot_id);

/* User actions (called from the v1 delivery paths for v2 bots). */
gboolean  _botbench_sandbox_v2_deliver_message (BotbenchSandbox *self,
                                                gint64           bot_id,
                                                const char      *type,
                                                gint64           message_id,
                                                gint64           chat_id,
                                                gint64           author_id,
                                                const char      *text);
gboolean  _botbench_sandbox_v2_deliver_delete  (BotbenchSandbox *self,
                                                gint64           bot_id,
                                                gint64           message_id,
                                                gint64           chat_id,
                                                gint64           author_id);
gboolean  _botbench_sandbox_v2_deliver_join    (BotbenchSandbox *self,
                                                gint64           bot_id,
                                                gint64           user_id,
                                                gint64           chat_id,
                                                gint64           message_id);
gboolean  _botbench_sandbox_v2_deliver_command (BotbenchSandbox *self,
                                                const Command   *command,
                                                const char      *command_params,
                                                const char      *context,
                                                gint64           message_id,
                                                gint64           chat_id,
                                                gint64           author_id);

JsonNode *_botbench_sandbox_v2_event_get      (BotbenchSandbox *self,
                                               const Auth      *auth,
                                               JsonObject      *params,
                                               ApiError        *error);

/* GET /_sandbox/v2/events?BOT_ID=: the queue as stored, unacknowledged. */
JsonNode *_botbench_sandbox_v2_control_events (BotbenchSandbox *self,
                                               JsonObject      *params,
                                               ApiError        *error);

/* botbench-sandbox-v2-messages.c */

JsonNode *_botbench_sandbox_v2_message_send   (BotbenchSandbox *self,
                                               const Auth      *auth,
                                               JsonObject      *params,
                                               ApiError        *error);
JsonNode *_botbench_sandbox_v2_message_update (BotbenchSandbox *self,
                                               const Auth      *auth,
                                               JsonObject      *params,
                                               ApiError        *error);
JsonNode *_botbench_sandbox_v2_message_delete (BotbenchSandbox *self,
                                               const Auth      *auth,
                                               JsonObject      *params,
                                               ApiError        *error);

/* botbench-sandbox-v2-commands.c */

JsonNode *_botbench_sandbox_v2_command_register   (BotbenchSandbox *self,
                                                   const Auth      *auth,
                                                   JsonObject      *params,
                                                   ApiError        *error);
JsonNode *_botbench_sandbox_v2_command_update     (BotbenchSandbox *self,
                                                   const Auth      *auth,
                                                   JsonObject      *params,
                                                   ApiError        *error);
JsonNode *_botbench_sandbox_v2_command_unregister (BotbenchSandbox *self,
                                                   const Auth      *auth,
                                                   JsonObject      *params,
                                                   ApiError        *error);
JsonNode *_botbench_sandbox_v2_command_list       (BotbenchSandbox *self,
                                                   const Auth      *auth,
                                                   JsonObject      *params,
                                                   ApiError        *error);
JsonNode *_botbench_sandbox_v2_command_answer     (BotbenchSandbox *self,
                                                   const Auth      *auth,
                                                   JsonObject      *params,
                                                   ApiError        *error);

G_END_DECLS
