/* botbench-bot-private.h: what the bot definition files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "botbench-bot.h"
#include "botbench-bot-v2.h"
#include "botbench-bot-validator.h"

G_BEGIN_DECLS

/* The imbot.v2 fields (botbench-bot-v2.c); unused by v1 bots. */
typedef struct
{
  char              *type;            /* as given, nullable */
  char              *event_mode;      /* as given, nullable */
  char              *webhook_url;
  char              *background_id;
  char              *bot_token;       /* secret: memory only */
  gboolean           is_hidden;
  gboolean           is_reactions_enabled;
  gboolean           is_support_openline;
} BotbenchBotV2Fields;

/* The model (botbench-bot.c) and its JSON form (botbench-bot-json.c) */
struct _BotbenchBot
{
  GObject            parent_instance;

  char              *code;
  BotbenchBotType    type;
  gboolean           openline;
  char              *event_handler;
  char              *handlers[BOTBENCH_BOT_N_HANDLERS];
  char              *props[BOTBENCH_BOT_N_PROPERTIES];
  BotbenchBotColor   color;
  BotbenchBotGender  gender;
  gint64             bot_id;
  char              *profile_uuid;
  GListStore        *commands;
  BotbenchBotApi     api;
  BotbenchBotV2Fields v2;
};

/* PHP empty() of a string parameter: NULL, "" and "0". */
gboolean    _botbench_bot_php_empty          (const char  *value);

/* Appends a formatted sentence to @warnings (nullable). */
void        _botbench_bot_warn               (GPtrArray   *warnings,
                                              const char  *format,
                                              ...) G_GNUC_PRINTF (2, 3);

/* A copy of @object with upper-cased keys, as array_change_key_case()
 * does: a later duplicate wins, and is reported in @warnings (nullable). */
JsonObject *_botbench_bot_upper_keys         (JsonObject  *object,
                                              GPtrArray   *warnings);

/* A scalar as PHP reads it as a string: strings as is, integers in decimal,
 * true "1", false "".  NULL with *ok FALSE for arrays and objects; NULL with
 * *ok TRUE for JSON null. */
char       *_botbench_bot_node_dup_string    (JsonNode    *node,
                                              gboolean    *ok);

/* botbench-bot-json.c, for v1 and v2 definitions alike.  @shown names
 * the member in errors ("PROPERTIES", "fields.properties.name").
 *
 * A string member's node (NULL: absent, *out untouched) into *out as
 * _botbench_bot_node_dup_string() reads it; an array or object is an
 * error. */
gboolean    _botbench_bot_json_read_string   (JsonNode    *node,
                                              const char  *shown,
                                              char       **out,
                                              GError     **error);
/* An object member: *out NULL when absent or null, an error when it is
 * something else. */
gboolean    _botbench_bot_json_get_object    (JsonNode    *node,
                                              const char  *shown,
                                              JsonObject **out,
                                              GError     **error);
/* "M" and "F" set the gender; FALSE for any other non-empty text (the
 * caller warns, in its API's words), TRUE for NULL and "". */
gboolean    _botbench_bot_set_gender_text    (BotbenchBot *self,
                                              const char  *gender);

/* Only the exact string "Y" is on, as on the server (§1.1 OPENLINE). */
gboolean    _botbench_bot_node_is_y          (JsonNode    *node);

/* Sets @key to @value when @value is non-NULL. */
void        _botbench_bot_set_nullable       (JsonObject  *object,
                                              const char  *key,
                                              const char  *value);

/* botbench-bot-v2.c: the v2 fields' life cycle and GObject properties
 * ("api", "v2-type", "event-mode", "webhook-url", "background-id",
 * "is-hidden", "is-reactions-enabled", "is-support-openline"; the token
 * is no property).  botbench-bot.c installs them from its own table. */
#define _BOTBENCH_BOT_V2_N_PROPS 8
void        _botbench_bot_v2_class_init      (GParamSpec  **pspecs);
void        _botbench_bot_v2_get_property    (BotbenchBot  *self,
                                              guint         index,
                                              GValue       *value);
void        _botbench_bot_v2_set_property    (BotbenchBot  *self,
                                              guint         index,
                                              const GValue *value);
void        _botbench_bot_v2_init            (BotbenchBot *self);
void        _botbench_bot_v2_clear           (BotbenchBot *self);
void        _botbench_bot_v2_copy            (BotbenchBot *self,
                                              BotbenchBot *copy);

/* botbench-bot-v2-json.c: a v2 definition (@object is the whole file:
 * {"fields": …, "botToken"?, "BOTBENCH"?}, or with @bare the fields
 * themselves, as `register --v2` reads a file without "fields"). */
BotbenchBot *_botbench_bot_v2_new_from_object (JsonObject  *object,
                                               gboolean     bare,
                                               GPtrArray   *warnings,
                                               GError     **error);
JsonNode   *_botbench_bot_v2_to_json         (BotbenchBot *self);
/* A node holding @object (taken). */
JsonNode   *_botbench_bot_v2_object_node     (JsonObject  *object);
/* {botId, botToken?} of the bot-scoped methods (§2.0) */
JsonObject *_botbench_bot_v2_scoped_object   (BotbenchBot *self,
                                              gboolean     webhook_auth);

/* botbench-bot-json.c: the "BOTBENCH" extension (BOT_ID, PROFILE_UUID,
 * COMMANDS), shared by both APIs. */
gboolean    _botbench_bot_read_extension     (BotbenchBot  *self,
                                              JsonNode     *node,
                                              GPtrArray    *warnings,
                                              GError      **error);
JsonObject *_botbench_bot_build_extension    (BotbenchBot  *self);

/* botbench-bot-validator.c: the warnings v1 gives a handler URL the
 * portal may not reach (loopback, private, plain http), appended to
 * @warnings (BotbenchBotIssue); a malformed @url adds none. */
void        _botbench_bot_warn_url_reach     (const BotbenchBotValidationContext *context,
                                              const char                         *field,
                                              const char                         *url,
                                              GPtrArray                          *warnings);

/* botbench-bot-v2-validator.c */
GPtrArray  *_botbench_bot_v2_validate        (BotbenchBot                        *bot,
                                              const BotbenchBotValidationContext *context);

/* botbench-bot-validator.c: appends an issue to @array; takes @message and @hint. */
void _botbench_bot_issue_add (GPtrArray                *array,
                              BotbenchBotIssueSeverity  severity,
                              const char               *field,
                              const char               *code,
                              char                     *message,
                              char                     *hint);

G_END_DECLS
