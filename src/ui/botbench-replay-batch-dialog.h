/* botbench-replay-batch-dialog.h: replay the events the list shows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "botbench-application.h"
#include "botbench-replay-batch.h"

G_BEGIN_DECLS

/* Over this many events the dialog asks twice. */
#define BOTBENCH_REPLAY_BATCH_LARGE 1000

#define BOTBENCH_TYPE_REPLAY_BATCH_DIALOG (botbench_replay_batch_dialog_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchReplayBatchDialog, botbench_replay_batch_dialog, BOTBENCH, REPLAY_BATCH_DIALOG, AdwWindow)

/* A dialog over parent (a BotbenchWindow: the outcome is its toast) that
 * replays the events of the application's store that the filters (event
 * name, search, token state, source) show now. */
GtkWidget           *botbench_replay_batch_dialog_new       (BotbenchApplication       *app,
                                                             GtkWindow                 *parent,
                                                             const BotbenchEventFilter *filter);
/* For tests: the batch (its counts, the replays it stored). */
BotbenchReplayBatch *botbench_replay_batch_dialog_get_batch (BotbenchReplayBatchDialog *self);

G_END_DECLS
