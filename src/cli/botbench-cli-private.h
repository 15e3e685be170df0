/* botbench-cli-private.h: what the commands of botbench-cli share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "botbench-profile-manager.h"
#include "botbench-secret-store.h"
#include "botbench-listener.h"

G_BEGIN_DECLS

#define BOTBENCH_CLI_EXIT_USAGE 2

/* Prints message and a hint to stderr; returns BOTBENCH_CLI_EXIT_USAGE. */
int   botbench_cli_usage_error    (GOptionContext   *context,
                                   const char       *message);
/* Parses options; returns -1 to go on, or the exit status to return. */
int   botbench_cli_parse_options  (GOptionContext   *context,
                                   int              *argc,
                                   char           ***argv);
/* @text padded with spaces to @width columns on a terminal (characters, not
 * bytes: a Cyrillic name lines up like a Latin one; East Asian wide ones
 * count two).  A table column: printf ("%s ", pad) instead of "%-20s". */
char *botbench_cli_pad       (const char       *text,
                              guint             width);
/* --db PATH, or $XDG_DATA_HOME/botbench/events.db */
char *botbench_cli_resolve_db_path (const char      *db);

/* Commands: argv[0] is the command name. */
int   botbench_cli_decode         (int               argc,
                                   char            **argv);
int   botbench_cli_listen         (int               argc,
                                   char            **argv);
int   botbench_cli_fetch          (int               argc,
                                   char            **argv);
int   botbench_cli_events         (int               argc,
                                   char            **argv);
int   botbench_cli_import         (int               argc,
                                   char            **argv);
int   botbench_cli_sandbox        (int               argc,
                                   char            **argv);
int   botbench_cli_profiles       (int               argc,
                                   char            **argv);
int   botbench_cli_call           (int               argc,
                                   char            **argv);
int   botbench_cli_avatar         (int               argc,
                                   char            **argv);
int   botbench_cli_register       (int               argc,
                                   char            **argv);
int   botbench_cli_update         (int               argc,
                                   char            **argv);
int   botbench_cli_unregister     (int               argc,
                                   char            **argv);
int   botbench_cli_bots           (int               argc,
                                   char            **argv);
int   botbench_cli_command_register (int             argc,
                                     char          **argv);
int   botbench_cli_command_update (int               argc,
                                   char            **argv);
int   botbench_cli_command_unregister (int           argc,
                                       char        **argv);
int   botbench_cli_command_list   (int               argc,
                                   char            **argv);
int   botbench_cli_command_answer (int               argc,
                                   char            **argv);
int   botbench_cli_chat           (int               argc,
                                   char            **argv);
int   botbench_cli_send_event     (int               argc,
                                   char            **argv);
int   botbench_cli_tunnel         (int               argc,
                                   char            **argv);
int   botbench_cli_doctor         (int               argc,
                                   char            **argv);

/* --profile NAME given before the command (NULL: the active profile). */
extern const char *botbench_cli_profile_name;

gboolean botbench_cli_save_profiles (BotbenchProfileManager *manager,
                                     gboolean                warning);

/* listen's application_token (botbench-cli-token.c).  A profile without an
 * expected token learns it from the first ONAPPINSTALL that arrives
 * (reference §4.7), keeping it in the keyring. */
typedef struct
{
  BotbenchTokenLearner *learner;   /* NULL: nothing to learn */
} BotbenchCliTokenLearner;

/* --strict-token TOKEN (strict), else the profile's (profile_name, or the
 * active one) token and strict switch.  *description: what stderr should
 * say after "listening on" (NULL: nothing).  FALSE (said on stderr) when
 * the named profile does not exist. */
gboolean botbench_cli_listen_setup_token  (BotbenchListener         *listener,
                                           const char               *strict_token,
                                           const char               *profile_name,
                                           BotbenchCliTokenLearner  *learner,
                                           char                    **description);
/* Stops learning and drops the references. */
void     botbench_cli_token_learner_clear (BotbenchCliTokenLearner  *learner);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (BotbenchCliTokenLearner, botbench_cli_token_learner_clear)

G_END_DECLS
