/* botbench-bot.h: a chat-bot definition, the body of imbot.register
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A BotbenchBot holds every imbot.register parameter (reference §1.1) plus
 * the id the portal returned (0: not registered) and the UUID of the profile
 * it belongs to.  String fields are nullable: NULL means "not sent", which
 * the server tells apart from "" (PROPERTIES[NAME] = "" counts as present).
 *
 * JSON import/export uses the exact shape of the imbot.register request
 * body.  Top-level keys are read case-insensitively, as the server upper-cases
 * them; keys inside PROPERTIES are case-sensitive, as on the server.  Keys the
 * server ignores are not kept: they are reported in the import's warning list.
 * One extension key, "BOTBENCH", carries what is not part of the request
 * (BOT_ID, PROFILE_UUID, COMMANDS); the request builders never emit it.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "botbench-bot-command.h"

G_BEGIN_DECLS

/* The extension key of definition files (never sent to the portal). */
#define BOTBENCH_BOT_JSON_EXTENSION_KEY "BOTBENCH"
/* The largest definition read, its base64 avatar included. */
#define BOTBENCH_BOT_MAX_FILE_SIZE (16 * 1024 * 1024)

typedef enum
{
  BOTBENCH_BOT_TYPE_BOT,         /* B */
  BOTBENCH_BOT_TYPE_OPENLINE,    /* O */
  BOTBENCH_BOT_TYPE_HUMAN,       /* H */
  BOTBENCH_BOT_TYPE_SUPERVISOR,  /* S */
} BotbenchBotType;

#define BOTBENCH_BOT_N_TYPES 4

/* PROPERTIES[COLOR]: the 16 documented colours (§1.1), NONE = not sent. */
typedef enum
{
  BOTBENCH_BOT_COLOR_NONE,
  BOTBENCH_BOT_COLOR_RED,
  BOTBENCH_BOT_COLOR_GREEN,
  BOTBENCH_BOT_COLOR_MINT,
  BOTBENCH_BOT_COLOR_LIGHT_BLUE,
  BOTBENCH_BOT_COLOR_DARK_BLUE,
  BOTBENCH_BOT_COLOR_PURPLE,
  BOTBENCH_BOT_COLOR_AQUA,
  BOTBENCH_BOT_COLOR_PINK,
  BOTBENCH_BOT_COLOR_LIME,
  BOTBENCH_BOT_COLOR_BROWN,
  BOTBENCH_BOT_COLOR_AZURE,
  BOTBENCH_BOT_COLOR_KHAKI,
  BOTBENCH_BOT_COLOR_SAND,
  BOTBENCH_BOT_COLOR_MARENGO,
  BOTBENCH_BOT_COLOR_GRAY,
  BOTBENCH_BOT_COLOR_GRAPHITE,
} BotbenchBotColor;

#define BOTBENCH_BOT_N_COLORS 16   /* without NONE */

/* PROPERTIES[PERSONAL_GENDER] */
typedef enum
{
  BOTBENCH_BOT_GENDER_NONE,
  BOTBENCH_BOT_GENDER_MALE,      /* M */
  BOTBENCH_BOT_GENDER_FEMALE,    /* F */
} BotbenchBotGender;

/* The five handler parameters, in the server's validation order (§1.3). */
typedef enum
{
  BOTBENCH_BOT_HANDLER_MESSAGE_ADD,
  BOTBENCH_BOT_HANDLER_MESSAGE_UPDATE,
  BOTBENCH_BOT_HANDLER_MESSAGE_DELETE,
  BOTBENCH_BOT_HANDLER_WELCOME_MESSAGE,
  BOTBENCH_BOT_HANDLER_BOT_DELETE,
} BotbenchBotHandler;

#define BOTBENCH_BOT_N_HANDLERS 5

/* The PROPERTIES keys that are strings in the model (COLOR and
 * PERSONAL_GENDER are enums). */
typedef enum
{
  BOTBENCH_BOT_PROPERTY_NAME,
  BOTBENCH_BOT_PROPERTY_LAST_NAME,
  BOTBENCH_BOT_PROPERTY_EMAIL,
  BOTBENCH_BOT_PROPERTY_PERSONAL_BIRTHDAY,
  BOTBENCH_BOT_PROPERTY_WORK_POSITION,
  BOTBENCH_BOT_PROPERTY_PERSONAL_WWW,
  BOTBENCH_BOT_PROPERTY_PERSONAL_PHOTO,
} BotbenchBotProperty;

#define BOTBENCH_BOT_N_PROPERTIES 7

#define BOTBENCH_BOT_ERROR (botbench_bot_error_quark ())

typedef enum
{
  BOTBENCH_BOT_ERROR_PARSE,        /* not JSON */
  BOTBENCH_BOT_ERROR_NOT_AN_OBJECT,
  BOTBENCH_BOT_ERROR_BAD_VALUE,    /* a known key with a value of the wrong kind */
} BotbenchBotError;

#define BOTBENCH_TYPE_BOT_TYPE   (botbench_bot_type_get_type ())
#define BOTBENCH_TYPE_BOT_COLOR  (botbench_bot_color_get_type ())
#define BOTBENCH_TYPE_BOT_GENDER (botbench_bot_gender_get_type ())
#define BOTBENCH_TYPE_BOT (botbench_bot_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchBot, botbench_bot, BOTBENCH, BOT, GObject)

GQuark              botbench_bot_error_quark             (void);
GType               botbench_bot_type_get_type           (void) G_GNUC_CONST;
GType               botbench_bot_color_get_type          (void) G_GNUC_CONST;
GType               botbench_bot_gender_get_type         (void) G_GNUC_CONST;

/* "B", "O", "H", "S" */
const char         *botbench_bot_type_to_code            (BotbenchBotType    type);
/* Exact, case-sensitive match as on the server; FALSE for anything else
 * (which the server silently turns into B). */
gboolean            botbench_bot_type_from_code          (const char        *code,
                                                          BotbenchBotType   *type);
/* Translated short name ("Ordinary bot") and one-line explanation. */
const char         *botbench_bot_type_get_label          (BotbenchBotType    type);
const char         *botbench_bot_type_get_description    (BotbenchBotType    type);

/* "RED" … "GRAPHITE"; NULL for NONE. */
const char         *botbench_bot_color_to_name           (BotbenchBotColor   color);
/* Exact upper-case name; FALSE if unknown. */
gboolean            botbench_bot_color_from_name         (const char        *name,
                                                          BotbenchBotColor  *color);
/* "#df532d": the colour Bitrix24 shows, for swatches; NULL for NONE. */
const char         *botbench_bot_color_get_rgb           (BotbenchBotColor   color);
/* Translated ("Light blue"); NULL for NONE. */
const char         *botbench_bot_color_get_label         (BotbenchBotColor   color);

/* "M", "F", or NULL for NONE. */
const char         *botbench_bot_gender_to_code          (BotbenchBotGender  gender);

/* "EVENT_MESSAGE_ADD" … */
const char         *botbench_bot_handler_to_param        (BotbenchBotHandler handler);
/* The REST event it binds: "ONIMBOTMESSAGEADD" … */
const char         *botbench_bot_handler_to_event        (BotbenchBotHandler handler);
/* "NAME" … (without "PROPERTIES.") */
const char         *botbench_bot_property_to_key         (BotbenchBotProperty property);

BotbenchBot        *botbench_bot_new                     (void);
BotbenchBot        *botbench_bot_copy                    (BotbenchBot       *self);

const char         *botbench_bot_get_code                (BotbenchBot       *self);
void                botbench_bot_set_code                (BotbenchBot       *self,
                                                          const char        *code);
BotbenchBotType     botbench_bot_get_bot_type            (BotbenchBot       *self);
void                botbench_bot_set_bot_type            (BotbenchBot       *self,
                                                          BotbenchBotType    type);
gboolean            botbench_bot_get_openline            (BotbenchBot       *self);
void                botbench_bot_set_openline            (BotbenchBot       *self,
                                                          gboolean           openline);
/* EVENT_HANDLER: when non-empty the server copies it over all five. */
const char         *botbench_bot_get_event_handler       (BotbenchBot       *self);
void                botbench_bot_set_event_handler       (BotbenchBot       *self,
                                                          const char        *url);
/* The individual parameter as set (not the fan-out). */
const char         *botbench_bot_get_handler             (BotbenchBot       *self,
                                                          BotbenchBotHandler handler);
void                botbench_bot_set_handler             (BotbenchBot       *self,
                                                          BotbenchBotHandler handler,
                                                          const char        *url);
/* The URL the server validates for @handler: EVENT_HANDLER when that is
 * non-empty (PHP empty(): "" and "0" are empty), else the parameter.  NULL
 * when empty. */
const char         *botbench_bot_get_effective_handler   (BotbenchBot       *self,
                                                          BotbenchBotHandler handler);
/* Whether the server binds @handler after validating it: UPDATE and DELETE
 * only for TYPE S or O, or OPENLINE=Y (§1.1, step 11 of §1.3). */
gboolean            botbench_bot_handler_is_kept         (BotbenchBot       *self,
                                                          BotbenchBotHandler handler);
/* OPENLINE as the server stores it (TYPE O forces Y). */
gboolean            botbench_bot_get_effective_openline  (BotbenchBot       *self);

const char         *botbench_bot_get_property_value      (BotbenchBot       *self,
                                                          BotbenchBotProperty property);
void                botbench_bot_set_property_value      (BotbenchBot       *self,
                                                          BotbenchBotProperty property,
                                                          const char        *value);
/* Shorthands of the above. */
const char         *botbench_bot_get_name                (BotbenchBot       *self);
void                botbench_bot_set_name                (BotbenchBot       *self,
                                                          const char        *name);
const char         *botbench_bot_get_last_name           (BotbenchBot       *self);
void                botbench_bot_set_last_name           (BotbenchBot       *self,
                                                          const char        *last_name);
BotbenchBotColor    botbench_bot_get_color               (BotbenchBot       *self);
void                botbench_bot_set_color               (BotbenchBot       *self,
                                                          BotbenchBotColor   color);
BotbenchBotGender   botbench_bot_get_gender              (BotbenchBot       *self);
void                botbench_bot_set_gender              (BotbenchBot       *self,
                                                          BotbenchBotGender  gender);

/* The user id imbot.register returned; 0 = not registered. */
gint64              botbench_bot_get_bot_id              (BotbenchBot       *self);
void                botbench_bot_set_bot_id              (BotbenchBot       *self,
                                                          gint64             bot_id);
const char         *botbench_bot_get_profile_uuid        (BotbenchBot       *self);
void                botbench_bot_set_profile_uuid        (BotbenchBot       *self,
                                                          const char        *profile_uuid);

/* A GListModel of BotbenchBotCommand (borrowed). */
GListModel         *botbench_bot_get_commands            (BotbenchBot       *self);
void                botbench_bot_add_command             (BotbenchBot       *self,
                                                          BotbenchBotCommand *command);
void                botbench_bot_remove_command          (BotbenchBot       *self,
                                                          BotbenchBotCommand *command);
/* By COMMAND (exact); borrowed, NULL if none. */
BotbenchBotCommand *botbench_bot_lookup_command          (BotbenchBot       *self,
                                                          const char        *command);

/* Reads a definition.  @warnings (nullable) receives one translated sentence
 * per ignored key or value (unknown keys, lower-case PROPERTIES keys, a TYPE
 * the server turns into B, an unknown COLOR, …).  Errors only for input that
 * is not a JSON object or a known key whose value has the wrong kind. */
BotbenchBot        *botbench_bot_new_from_json           (JsonNode          *node,
                                                          GPtrArray         *warnings,
                                                          GError           **error);
/* @data is untrusted: it goes through botbench_json_parse() (depth limit,
 * one value only) before json-glib.  Errors: BOTBENCH_BOT_ERROR (PARSE with
 * the JSON check's message), BOTBENCH_JSON_ERROR_TOO_LARGE over
 * BOTBENCH_BOT_MAX_FILE_SIZE; new_from_file also G_IO_ERROR, and refuses a
 * larger file before reading it. */
BotbenchBot        *botbench_bot_new_from_data           (const char        *data,
                                                          gssize             length,
                                                          GPtrArray         *warnings,
                                                          GError           **error);
BotbenchBot        *botbench_bot_new_from_file           (const char        *path,
                                                          GPtrArray         *warnings,
                                                          GError           **error);

/* The imbot.register request body: CODE, TYPE, OPENLINE, EVENT_HANDLER or
 * the handler parameters that are set, PROPERTIES (the keys that are set),
 * then CLIENT_ID when @client_id is non-NULL (webhook profiles). */
JsonNode           *botbench_bot_build_register_body     (BotbenchBot       *self,
                                                          const char        *client_id);
/* The register body plus "BOTBENCH": {BOT_ID, PROFILE_UUID, COMMANDS}: the
 * file the store writes and `botbench-cli register` reads. */
JsonNode           *botbench_bot_to_json                 (BotbenchBot       *self);
/* Pretty-printed botbench_bot_to_json(), two-space indent, final newline. */
char               *botbench_bot_to_data                 (BotbenchBot       *self);

/* The imbot.update body {BOT_ID, FIELDS, CLIENT_ID?} with only what differs
 * between @old and @new_ in FIELDS (§2.2): CODE, EVENT_HANDLER or the
 * handler parameters, PROPERTIES with the changed keys.  TYPE and OPENLINE
 * cannot be updated and are never sent.  A property removed in @new_ is
 * sent as "" (clearing it), except PERSONAL_BIRTHDAY and PERSONAL_PHOTO,
 * which imbot.update cannot clear.  BOT_ID is @new_'s id, else @old's.
 * Returns NULL when nothing that imbot.update can change differs (the server
 * would answer "Update fields can't be empty"). */
JsonNode           *botbench_bot_build_update_fields     (BotbenchBot       *old,
                                                          BotbenchBot       *new_,
                                                          const char        *client_id);
/* {BOT_ID, CLIENT_ID?} */
JsonNode           *botbench_bot_build_unregister_body   (BotbenchBot       *self,
                                                          const char        *client_id);

G_END_DECLS
