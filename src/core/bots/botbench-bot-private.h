/* botbench-bot-private.h: what the bot definition files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "botbench-bot.h"

G_BEGIN_DECLS

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

/* Only the exact string "Y" is on, as on the server (§1.1 OPENLINE). */
gboolean    _botbench_bot_node_is_y          (JsonNode    *node);

/* Sets @key to @value when @value is non-NULL. */
void        _botbench_bot_set_nullable       (JsonObject  *object,
                                              const char  *key,
                                              const char  *value);

G_END_DECLS
