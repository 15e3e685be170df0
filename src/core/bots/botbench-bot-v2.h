/* botbench-bot-v2.h: the imbot.v2 side of a bot definition
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A BotbenchBot is a v1 bot (imbot.register, events POSTed to its
 * handlers) or a v2 bot (imbot.v2.Bot.register; events fetched with
 * imbot.v2.Event.get, or POSTed to a webhook URL).  Reference v2 §2.1.
 *
 * A v2 bot shares with v1 the CODE, the bot id, the profile, the commands
 * and these properties: name (NAME), lastName (LAST_NAME), workPosition
 * (WORK_POSITION), color, gender and avatar (PERSONAL_PHOTO: the avatar
 * pipeline's base64).  Its own fields are below.  String fields are
 * nullable and kept as given (NULL: not sent), so that the validator can
 * refuse what the server would refuse.
 *
 * The botToken is a secret: it lives in memory only, in the keyring under
 * the kind "bot-token" (botbench_secret_store_bot_token_key()), is never
 * written by botbench_bot_to_json() (the bot store's files) and is masked
 * wherever a request is printed (botbench_bot_v2_mask_body()).
 */
#pragma once

#include "botbench-bot.h"

G_BEGIN_DECLS

typedef enum
{
  BOTBENCH_BOT_API_V1 = 1,
  BOTBENCH_BOT_API_V2 = 2,
} BotbenchBotApi;

typedef enum
{
  BOTBENCH_BOT_EVENT_MODE_FETCH,     /* the default */
  BOTBENCH_BOT_EVENT_MODE_WEBHOOK,
} BotbenchBotEventMode;

/* The longest botToken the portal accepts (characters). */
#define BOTBENCH_BOT_V2_TOKEN_MAX 40

/* The definition file key that makes a file a v2 definition. */
#define BOTBENCH_BOT_V2_FIELDS_KEY "fields"

BotbenchBotApi       botbench_bot_get_api                   (BotbenchBot         *self);
void                 botbench_bot_set_api                   (BotbenchBot         *self,
                                                             BotbenchBotApi       api);

/* fields.type as given ("bot", "supervisor", "personal", "openline",
 * "network", any case); NULL: not sent (the portal's "bot"). */
const char          *botbench_bot_get_v2_type               (BotbenchBot         *self);
void                 botbench_bot_set_v2_type               (BotbenchBot         *self,
                                                             const char          *type);
/* Whether the portal knows @type (case-insensitive); NULL and "" are "bot". */
gboolean             botbench_bot_v2_type_is_known          (const char          *type);
/* The five type names, NULL-terminated. */
const char * const  *botbench_bot_v2_type_names             (void);

/* fields.eventMode as given; NULL: not sent (fetch). */
const char          *botbench_bot_get_event_mode            (BotbenchBot         *self);
void                 botbench_bot_set_event_mode            (BotbenchBot         *self,
                                                             const char          *event_mode);
/* WEBHOOK when the lower-cased mode is "webhook", else FETCH. */
BotbenchBotEventMode botbench_bot_get_effective_event_mode  (BotbenchBot         *self);
/* "fetch", "webhook" */
const char          *botbench_bot_event_mode_to_string      (BotbenchBotEventMode mode);

const char          *botbench_bot_get_webhook_url           (BotbenchBot         *self);
void                 botbench_bot_set_webhook_url           (BotbenchBot         *self,
                                                             const char          *url);

gboolean             botbench_bot_get_is_hidden             (BotbenchBot         *self);
void                 botbench_bot_set_is_hidden             (BotbenchBot         *self,
                                                             gboolean             hidden);
/* TRUE by default. */
gboolean             botbench_bot_get_is_reactions_enabled  (BotbenchBot         *self);
void                 botbench_bot_set_is_reactions_enabled  (BotbenchBot         *self,
                                                             gboolean             enabled);
gboolean             botbench_bot_get_is_support_openline   (BotbenchBot         *self);
void                 botbench_bot_set_is_support_openline   (BotbenchBot         *self,
                                                             gboolean             openline);

/* fields.backgroundId as given; NULL: not sent.  The portal turns an
 * unknown one into null without an error. */
const char          *botbench_bot_get_background_id         (BotbenchBot         *self);
void                 botbench_bot_set_background_id         (BotbenchBot         *self,
                                                             const char          *background_id);
gboolean             botbench_bot_v2_background_is_known    (const char          *background_id);

/* The secret; NULL when not known (not generated, not looked up yet).  The
 * setter wipes the old value. */
const char          *botbench_bot_get_bot_token             (BotbenchBot         *self);
void                 botbench_bot_set_bot_token             (BotbenchBot         *self,
                                                             const char          *token);
/* A new token: 20 bytes from the system's cryptographic random source
 * (getrandom), as 40 lower-case hex digits: 160 bits, exactly the portal's
 * 40-character limit, and nothing that needs escaping in a URL or a form.
 * Free with botbench_secret_free() or g_free(). */
char                *botbench_bot_v2_generate_token         (void);
/* Generates a token when the bot has none (NULL, "" or only spaces);
 * TRUE when it did. */
gboolean             botbench_bot_ensure_bot_token          (BotbenchBot         *self);
/* Length in characters, as the portal counts it (UTF-8). */
glong                botbench_bot_v2_token_length           (const char          *token);

/* properties.color: "red", "lightBlue", …; NULL for NONE. */
const char          *botbench_bot_color_to_v2_name          (BotbenchBotColor     color);
/* As the portal normalises it: camelCase to UPPER_SNAKE, then one of the
 * 16 names ("lightBlue" and "LIGHT_BLUE" are LIGHT_BLUE; "lightblue" is
 * unknown).  FALSE if unknown (the portal picks a colour itself). */
gboolean             botbench_bot_color_from_v2_name        (const char          *name,
                                                             BotbenchBotColor    *color);

/* Replaces the values of botToken / BOT_TOKEN at any depth of @object by
 * BOTBENCH_MASK ("•••"), in place.  For printing requests and answers. */
void                 botbench_bot_v2_mask_body              (JsonObject          *object);

/* Definition files (botbench-bot-v2-json.c).  botbench_bot_new_from_json()
 * and friends read a file whose top level has "fields" as v2; this one
 * reads any object as v2 (`register --v2`): with "fields", as the
 * register body, else the object itself as the fields.
 * botbench_bot_to_json() of a v2 bot writes {"fields": …, "BOTBENCH": …}
 * without the botToken. */
BotbenchBot         *botbench_bot_new_v2_from_json          (JsonNode            *node,
                                                             GPtrArray           *warnings,
                                                             GError             **error);

/* Request bodies.  @webhook_auth: the profile calls through an incoming
 * webhook, so the bot's botToken goes with the call (in fields for
 * register, at the top level elsewhere); OAuth profiles send none. */
/* imbot.v2.Bot.register: {botToken?, "fields": {…, botToken?}}: the token
 * at the top level too, which the server reads before a CLIENT_ID. */
JsonNode            *botbench_bot_v2_build_register_body    (BotbenchBot         *self,
                                                             gboolean             webhook_auth);
/* imbot.v2.Bot.update: {botId, botToken? (@old's: the current one),
 * fields} with what differs from @old (§2.2): properties (an avatar cannot
 * be removed), the three flags, backgroundId (null resets), eventMode,
 * webhookUrl, and a new botToken (rotation).  type and code cannot be
 * updated and are never sent.  NULL when nothing differs. */
JsonNode            *botbench_bot_v2_build_update_body      (BotbenchBot         *old,
                                                             BotbenchBot         *new_,
                                                             gboolean             webhook_auth);
/* imbot.v2.Bot.unregister: {botId, botToken?} */
JsonNode            *botbench_bot_v2_build_unregister_body  (BotbenchBot         *self,
                                                             gboolean             webhook_auth);
/* imbot.v2.Bot.get: {botId (or code without one), botToken?} */
JsonNode            *botbench_bot_v2_build_get_body         (BotbenchBot         *self,
                                                             gboolean             webhook_auth);
/* imbot.v2.Bot.list: {botToken?, limit?, offset?} (0: the portal's default) */
JsonNode            *botbench_bot_v2_build_list_body        (const char          *bot_token,
                                                             guint                limit,
                                                             guint                offset);
/* imbot.v2.Command.register: {botId, botToken?, fields {command, title
 * {lang: text}, params {lang: text}, common, hidden, extranetSupport}} */
JsonNode            *botbench_bot_v2_build_command_register_body   (BotbenchBot        *bot,
                                                                    BotbenchBotCommand *command,
                                                                    gboolean            webhook_auth);
/* imbot.v2.Command.update: as register plus commandId (the command's id) */
JsonNode            *botbench_bot_v2_build_command_update_body     (BotbenchBot        *bot,
                                                                    BotbenchBotCommand *command,
                                                                    gboolean            webhook_auth);
/* imbot.v2.Command.unregister: {botId, botToken?, commandId} */
JsonNode            *botbench_bot_v2_build_command_unregister_body (BotbenchBot        *bot,
                                                                    gint64              command_id,
                                                                    gboolean            webhook_auth);
/* imbot.v2.Command.list: {botId, botToken?} */
JsonNode            *botbench_bot_v2_build_command_list_body       (BotbenchBot        *bot,
                                                                    gboolean            webhook_auth);
/* imbot.v2.Command.answer: {botId, botToken?, commandId, messageId,
 * dialogId, fields {message}} */
JsonNode            *botbench_bot_v2_build_command_answer_body     (BotbenchBot        *bot,
                                                                    gint64              command_id,
                                                                    gint64              message_id,
                                                                    const char         *dialog_id,
                                                                    const char         *message,
                                                                    gboolean            webhook_auth);

G_END_DECLS
