/* botbench-bot-command.h: a slash command of a bot (imbot.command.register)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * COMMAND, COMMON, HIDDEN, EXTRANET_SUPPORT, EVENT_COMMAND_ADD and the LANG
 * list of {LANGUAGE_ID, TITLE, PARAMS} (reference §2.5), plus the command id
 * the portal returned (0: not registered).  Commands belong to a BotbenchBot
 * (botbench_bot_get_commands()).
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* One LANG entry. */
typedef struct
{
  char *language_id;   /* "en", "ru", … */
  char *title;
  char *params;        /* nullable: the hint shown after the command */
} BotbenchBotCommandLang;

#define BOTBENCH_TYPE_BOT_COMMAND_LANG (botbench_bot_command_lang_get_type ())
GType                   botbench_bot_command_lang_get_type (void) G_GNUC_CONST;
BotbenchBotCommandLang *botbench_bot_command_lang_new      (const char *language_id,
                                                            const char *title,
                                                            const char *params);
BotbenchBotCommandLang *botbench_bot_command_lang_copy     (const BotbenchBotCommandLang *lang);
void                    botbench_bot_command_lang_free     (BotbenchBotCommandLang *lang);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BotbenchBotCommandLang, botbench_bot_command_lang_free)

#define BOTBENCH_TYPE_BOT_COMMAND (botbench_bot_command_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchBotCommand, botbench_bot_command, BOTBENCH, BOT_COMMAND, GObject)

BotbenchBotCommand *botbench_bot_command_new                 (const char         *command);
BotbenchBotCommand *botbench_bot_command_copy                (BotbenchBotCommand *self);

const char         *botbench_bot_command_get_command         (BotbenchBotCommand *self);
void                botbench_bot_command_set_command         (BotbenchBotCommand *self,
                                                              const char         *command);
gboolean            botbench_bot_command_get_common          (BotbenchBotCommand *self);
void                botbench_bot_command_set_common          (BotbenchBotCommand *self,
                                                              gboolean            common);
gboolean            botbench_bot_command_get_hidden          (BotbenchBotCommand *self);
void                botbench_bot_command_set_hidden          (BotbenchBotCommand *self,
                                                              gboolean            hidden);
gboolean            botbench_bot_command_get_extranet_support (BotbenchBotCommand *self);
void                botbench_bot_command_set_extranet_support (BotbenchBotCommand *self,
                                                              gboolean            extranet_support);
const char         *botbench_bot_command_get_event_command_add (BotbenchBotCommand *self);
void                botbench_bot_command_set_event_command_add (BotbenchBotCommand *self,
                                                              const char         *url);
/* 0 = not registered. */
gint64              botbench_bot_command_get_command_id      (BotbenchBotCommand *self);
void                botbench_bot_command_set_command_id      (BotbenchBotCommand *self,
                                                              gint64              command_id);

/* LANG entries, in order; notify::n-langs on every change. */
guint               botbench_bot_command_get_n_langs         (BotbenchBotCommand *self);
const BotbenchBotCommandLang *
                    botbench_bot_command_get_lang            (BotbenchBotCommand *self,
                                                              guint               index);
/* Adds an entry, or replaces the one with the same LANGUAGE_ID. */
void                botbench_bot_command_set_lang            (BotbenchBotCommand *self,
                                                              const char         *language_id,
                                                              const char         *title,
                                                              const char         *params);
gboolean            botbench_bot_command_remove_lang         (BotbenchBotCommand *self,
                                                              const char         *language_id);

/* Reads one command: the keys of imbot.command.register (top-level keys
 * case-insensitive like the server; BOT_ID and CLIENT_ID are ignored,
 * COMMAND_ID is read).  @warnings as for botbench_bot_new_from_json(). */
BotbenchBotCommand *botbench_bot_command_new_from_json       (JsonNode           *node,
                                                              GPtrArray          *warnings,
                                                              GError            **error);
/* The definition (the register body without BOT_ID/CLIENT_ID, plus
 * COMMAND_ID when registered), as the bot's definition file stores it. */
JsonNode           *botbench_bot_command_to_json             (BotbenchBotCommand *self);

/* imbot.command.register: {BOT_ID, COMMAND, COMMON, HIDDEN, EXTRANET_SUPPORT,
 * LANG, EVENT_COMMAND_ADD, CLIENT_ID?} */
JsonNode           *botbench_bot_command_build_register_body (BotbenchBotCommand *self,
                                                              gint64              bot_id,
                                                              const char         *client_id);
/* imbot.command.update: {COMMAND_ID, FIELDS, CLIENT_ID?}, FIELDS holding only
 * what differs among COMMAND, HIDDEN, EXTRANET_SUPPORT, LANG (whole list) and
 * EVENT_COMMAND_ADD (COMMON cannot be updated).  NULL if nothing differs. */
JsonNode           *botbench_bot_command_build_update_body   (BotbenchBotCommand *old,
                                                              BotbenchBotCommand *new_,
                                                              const char         *client_id);
/* imbot.command.unregister: {COMMAND_ID, CLIENT_ID?} */
JsonNode           *botbench_bot_command_build_unregister_body (BotbenchBotCommand *self,
                                                              const char         *client_id);

G_END_DECLS
