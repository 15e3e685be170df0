/* test-forwarder.c: BotbenchForwarder and the listener forwarding (part of test-forward)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-forward"

#include "config.h"

#include <string.h>

#include "botbench-test-utils.h"
#include "test-forward.h"

void
test_forward_add_forwarder_tests (void)
{
}
