/* botbench-application.h: the application, owner of the store and listener
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "botbench-core.h"

G_BEGIN_DECLS

#define BOTBENCH_TYPE_APPLICATION (botbench_application_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchApplication, botbench_application, BOTBENCH, APPLICATION, AdwApplication)

BotbenchApplication *botbench_application_new                 (void);
GSettings           *botbench_application_get_settings        (BotbenchApplication  *self);
/* NULL when the database could not be opened; see get_store_error. */
BotbenchEventStore  *botbench_application_get_store           (BotbenchApplication  *self);
const GError        *botbench_application_get_store_error     (BotbenchApplication  *self);
/* NULL when there is no store. */
BotbenchListener    *botbench_application_get_listener        (BotbenchApplication  *self);
/* Configures the listener from GSettings (and the BOTBENCH_LISTENER_PORT
 * override) and starts it.  On failure emits "listener-failed" as well. */
gboolean             botbench_application_start_listener      (BotbenchApplication  *self,
                                                               GError              **error);
void                 botbench_application_stop_listener       (BotbenchApplication  *self);
/* "http://HOST:PORT" without a trailing slash: the running listener's
 * address, or the configured one while stopped. */
char                *botbench_application_dup_listener_base_url (BotbenchApplication *self);

/* Signals:
 *   "listener-failed" (GError *error)  the listener could not (re)start. */

G_END_DECLS
