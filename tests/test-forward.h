/* test-forward.h: what test-forward.c and test-forwarder.c share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "botbench-core.h"
#include "botbench-test-handler.h"

G_BEGIN_DECLS

/* A form event for path (query may be NULL); message NULL: a body with
 * NUL, invalid UTF-8 and CR LF bytes. */
BotbenchEvent *test_forward_make_event  (const char          *path,
                                         const char          *query,
                                         const char          *message);
const char    *test_forward_header      (BotbenchTestRequest *req,
                                         const char          *name);
void           test_forward_add_forwarder_tests (void);
void           test_forward_add_keepalive_tests (void);

G_END_DECLS
