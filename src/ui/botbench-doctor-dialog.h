/* botbench-doctor-dialog.h: "Why No Events?", the delivery doctor's window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "botbench-application.h"

G_BEGIN_DECLS

#define BOTBENCH_TYPE_DOCTOR_DIALOG (botbench_doctor_dialog_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchDoctorDialog, botbench_doctor_dialog, BOTBENCH, DOCTOR_DIALOG, AdwWindow)

/* Checks the active profile (bot_id: only that bot; 0: every bot) at
 * once; the results show as one row per check. */
GtkWidget  *botbench_doctor_dialog_new        (BotbenchApplication *app,
                                               GtkWindow           *parent,
                                               gint64               bot_id);
/* For tests: TRUE once the checks finished (results or error shown). */
gboolean    botbench_doctor_dialog_is_done    (BotbenchDoctorDialog *self);
/* For tests: the checks shown (BotbenchDoctorCheck), NULL while running. */
GPtrArray  *botbench_doctor_dialog_get_checks (BotbenchDoctorDialog *self);

G_END_DECLS
