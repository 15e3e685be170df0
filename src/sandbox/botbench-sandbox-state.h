/* botbench-sandbox-state.h: the sandbox portal's SQLite state (internal)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Bots, handler rows, commands, chats, messages, OAuth tokens and the
 * portal's secrets, in one SQLite database (or in memory when path is NULL).
 * Not thread-safe: the sandbox opens it in start(), uses it only on its
 * server thread and closes it after that thread is gone.
 *
 * Binding format strings name one argument per character:
 *   'i' gint64, 's' const char * (NULL binds NULL).
 */
#pragma once

#include <gio/gio.h>
#include <sqlite3.h>

G_BEGIN_DECLS

#define BOTBENCH_SANDBOX_STATE_SCHEMA_VERSION 4

typedef struct _BotbenchSandboxState BotbenchSandboxState;

BotbenchSandboxState *botbench_sandbox_state_open        (const char            *path,
                                                          GError               **error);
void                  botbench_sandbox_state_close       (BotbenchSandboxState  *state);
const char           *botbench_sandbox_state_get_path    (BotbenchSandboxState  *state);

/* meta(key, value): secrets and counters.  ensure returns the stored value,
 * storing value first when the key is new. */
char                 *botbench_sandbox_state_dup_meta    (BotbenchSandboxState  *state,
                                                          const char            *key);
void                  botbench_sandbox_state_set_meta    (BotbenchSandboxState  *state,
                                                          const char            *key,
                                                          const char            *value);
char                 *botbench_sandbox_state_ensure_meta (BotbenchSandboxState  *state,
                                                          const char            *key,
                                                          const char            *value);
/* Returns the counter and stores counter + 1; a new counter starts at first. */
gint64                botbench_sandbox_state_next_id     (BotbenchSandboxState  *state,
                                                          const char            *key,
                                                          gint64                 first);

/* Runs one statement; FALSE (and a g_debug) if it failed. */
gboolean              botbench_sandbox_state_exec        (BotbenchSandboxState  *state,
                                                          const char            *sql,
                                                          const char            *format,
                                                          ...);
/* A prepared, bound statement for the caller to step and finalize. */
sqlite3_stmt         *botbench_sandbox_state_query       (BotbenchSandboxState  *state,
                                                          const char            *sql,
                                                          const char            *format,
                                                          ...);
/* First column of the first row, or fallback / NULL when there is no row. */
gint64                botbench_sandbox_state_query_int   (BotbenchSandboxState  *state,
                                                          gint64                 fallback,
                                                          const char            *sql,
                                                          const char            *format,
                                                          ...);
char                 *botbench_sandbox_state_query_text  (BotbenchSandboxState  *state,
                                                          const char            *sql,
                                                          const char            *format,
                                                          ...);
gint64                botbench_sandbox_state_last_insert_id (BotbenchSandboxState *state);
/* Rows changed by the last statement. */
int                   botbench_sandbox_state_changes     (BotbenchSandboxState  *state);

/* n_bytes of randomness from the kernel, in lower-case hex. */
char                 *botbench_sandbox_random_hex        (guint                  n_bytes);

G_END_DECLS
