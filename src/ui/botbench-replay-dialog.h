/* botbench-replay-dialog.h: replay a stored event, with edits
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "botbench-application.h"

G_BEGIN_DECLS

#define BOTBENCH_TYPE_REPLAY_DIALOG (botbench_replay_dialog_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchReplayDialog, botbench_replay_dialog, BOTBENCH, REPLAY_DIALOG, AdwWindow)

/* A dialog over parent (a BotbenchWindow: its win.show-event selects the
 * replay once stored) that replays original. */
GtkWidget *botbench_replay_dialog_new          (BotbenchApplication  *app,
                                                GtkWindow            *parent,
                                                BotbenchEvent        *original);
/* For tests: sets the value of key in the editable tree (adding the key
 * when it is not there); FALSE when the dialog has no such row to edit. */
gboolean   botbench_replay_dialog_set_value    (BotbenchReplayDialog *self,
                                                const char           *key,
                                                const char           *value);
/* The stored replay's id once an answer came (0 before, or when nothing
 * was stored). */
gint64     botbench_replay_dialog_get_event_id (BotbenchReplayDialog *self);
/* TRUE once Send finished (answer or failure shown). */
gboolean   botbench_replay_dialog_get_sent     (BotbenchReplayDialog *self);

G_END_DECLS
