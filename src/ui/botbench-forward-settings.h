/* botbench-forward-settings.h: the forwarding rules kept in GSettings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The "forward-rules" key (a(bss): enabled, listener path prefix, handler
 * URL) as BotbenchForwardRules, and the checks the Preferences window shows
 * on a rule's fields.
 */
#pragma once

#include <gio/gio.h>

#include "botbench-core.h"

G_BEGIN_DECLS

/* NULL when url is an http(s) URL with a host, else why not (translated). */
char      *botbench_forward_settings_check_url    (const char *url);
/* NULL when prefix is a listener path prefix ("/…"), else why not. */
char      *botbench_forward_settings_check_prefix (const char *prefix);
/* The rules of "forward-rules" in order, BotbenchForwardRule *; a rule
 * whose prefix or URL does not pass the checks is left out. */
GPtrArray *botbench_forward_settings_dup_rules    (GSettings  *settings);

G_END_DECLS
