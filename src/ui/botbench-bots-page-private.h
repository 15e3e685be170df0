/* botbench-bots-page-private.h: the page's internal API, for tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "botbench-bots-page.h"

G_BEGIN_DECLS

/* Adds the definition in @file and opens it (what Import… does). */
void _botbench_bots_page_import_file (BotbenchBotsPage *self,
                                      GFile            *file);
/* For tests: the active profile's definitions, or NULL. */
BotbenchBotStore *_botbench_bots_page_get_store (BotbenchBotsPage *self);

G_END_DECLS
