/* botbench-application-private.h: internal helpers of the UI library
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "botbench-application.h"

G_BEGIN_DECLS

/* Registers the compiled GResource once; every class with a template calls
 * it from class_init, so widgets work without the application too. */
void _botbench_ensure_resources (void);

G_END_DECLS
