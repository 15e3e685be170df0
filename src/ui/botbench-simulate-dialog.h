/* botbench-simulate-dialog.h: send a simulated Bitrix24 event
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "botbench-application.h"

G_BEGIN_DECLS

#define BOTBENCH_TYPE_SIMULATE_DIALOG (botbench_simulate_dialog_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchSimulateDialog, botbench_simulate_dialog, BOTBENCH, SIMULATE_DIALOG, AdwWindow)

/* A dialog over parent (a BotbenchWindow: its win.show-event selects the
 * stored event) with the templates of botbench-event-template.h, built for
 * the bots of the active profile. */
GtkWidget *botbench_simulate_dialog_new             (BotbenchApplication    *app,
                                                     GtkWindow              *parent);
/* Selects the template named name ("message-add-private", …); FALSE if
 * there is none. */
gboolean   botbench_simulate_dialog_select_template (BotbenchSimulateDialog *self,
                                                     const char             *name);
/* The stored event's id once an answer came (0 before, or when nothing
 * was stored). */
gint64     botbench_simulate_dialog_get_event_id    (BotbenchSimulateDialog *self);
gboolean   botbench_simulate_dialog_get_sent        (BotbenchSimulateDialog *self);

G_END_DECLS
