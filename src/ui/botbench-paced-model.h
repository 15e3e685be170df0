/* botbench-paced-model.h: a list model that shows new head items at a pace
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define BOTBENCH_TYPE_PACED_MODEL (botbench_paced_model_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchPacedModel, botbench_paced_model, BOTBENCH, PACED_MODEL, GObject)

/* Passes model through, except that items inserted at position 0 (new
 * events in a newest-first log) are shown at most once per interval_ms:
 * a burst of batches becomes one items-changed.  Any other change shows
 * everything at once.  The first insertion after a quiet interval is shown
 * immediately. */
BotbenchPacedModel *botbench_paced_model_new          (GListModel         *model,
                                                       guint               interval_ms);
/* Head items received but not shown yet. */
guint               botbench_paced_model_get_n_pending (BotbenchPacedModel *self);
/* Shows the pending items now. */
void                botbench_paced_model_flush        (BotbenchPacedModel *self);

G_END_DECLS
