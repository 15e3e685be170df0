/* botbench-bot-store.h: the saved bot definitions of one profile
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A GListModel of BotbenchBot, one JSON file per bot under
 * $XDG_CONFIG_HOME/botbench/bots/<profile-uuid>/<CODE>.json (the CODE
 * URI-escaped, so "a/b" becomes "a%2Fb.json").  Each file is the definition
 * botbench_bot_to_data() writes: the imbot.register body plus "BOTBENCH"
 * with the bot id the portal returned and the commands, so the same file
 * works with `botbench-cli register`.  Writes are atomic (mode 0600).  The
 * files are small and read and written synchronously.
 */
#pragma once

#include <gio/gio.h>

#include "botbench-bot.h"
#include "botbench-bot-validator.h"

G_BEGIN_DECLS

#define BOTBENCH_BOT_STORE_ERROR (botbench_bot_store_error_quark ())

typedef enum
{
  BOTBENCH_BOT_STORE_ERROR_NO_CODE,      /* CODE empty or "0": nothing to name the file after */
  BOTBENCH_BOT_STORE_ERROR_CODE_TAKEN,   /* another bot of the profile has this CODE */
  BOTBENCH_BOT_STORE_ERROR_NOT_FOUND,    /* the bot is not in this store */
  BOTBENCH_BOT_STORE_ERROR_FAILED,       /* reading or writing a file failed */
} BotbenchBotStoreError;

#define BOTBENCH_TYPE_BOT_STORE (botbench_bot_store_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchBotStore, botbench_bot_store, BOTBENCH, BOT_STORE, GObject)

GQuark            botbench_bot_store_error_quark        (void);

/* $XDG_CONFIG_HOME/botbench/bots */
char             *botbench_bot_store_dup_default_base_dir (void);

/* @base_dir: NULL for the default.  Call _load() before use. */
BotbenchBotStore *botbench_bot_store_new                (const char       *profile_uuid,
                                                         const char       *base_dir);
const char       *botbench_bot_store_get_profile_uuid   (BotbenchBotStore *self);
/* <base_dir>/<profile-uuid> */
const char       *botbench_bot_store_get_directory      (BotbenchBotStore *self);

/* (Re)reads every *.json of the directory, sorted by CODE; a missing
 * directory is an empty store.  Replaces the items with new objects.  A file
 * that cannot be read is skipped and described in _get_load_problems(). */
gboolean          botbench_bot_store_load               (BotbenchBotStore *self,
                                                         GError          **error);
/* One sentence per skipped file of the last load (borrowed). */
GPtrArray        *botbench_bot_store_get_load_problems  (BotbenchBotStore *self);

/* Adds @bot (its profile-uuid becomes the store's) and writes its file. */
gboolean          botbench_bot_store_add                (BotbenchBotStore *self,
                                                         BotbenchBot      *bot,
                                                         GError          **error);
/* Writes @bot's file again, e.g. after an edit or once the portal returned
 * the bot id; a changed CODE renames the file. */
gboolean          botbench_bot_store_save               (BotbenchBotStore *self,
                                                         BotbenchBot      *bot,
                                                         GError          **error);
/* Deletes @bot's file and drops it from the list. */
gboolean          botbench_bot_store_remove             (BotbenchBotStore *self,
                                                         BotbenchBot      *bot,
                                                         GError          **error);

/* Borrowed, NULL if none. */
BotbenchBot      *botbench_bot_store_lookup_by_code     (BotbenchBotStore *self,
                                                         const char       *code);
/* @bot_id > 0.  Borrowed, NULL if none. */
BotbenchBot      *botbench_bot_store_lookup_by_id       (BotbenchBotStore *self,
                                                         gint64            bot_id);

/* For BotbenchBotValidationContext: the handler sets (BotbenchBotHandlerSet,
 * free function set) of the profile's registered bots (bot id > 0), leaving
 * out @exclude (nullable) and any bot with its (non-zero) id. */
GPtrArray        *botbench_bot_store_dup_handler_sets   (BotbenchBotStore *self,
                                                         BotbenchBot      *exclude);
/* How many of the profile's bots have a bot id: the owner's bots as far as
 * this machine knows (imbot.bot.list does not say who owns a bot). */
guint             botbench_bot_store_count_registered   (BotbenchBotStore *self);

G_END_DECLS
