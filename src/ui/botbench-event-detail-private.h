/* botbench-event-detail-private.h: the raw view's limit, and what tests
 * may look at
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "botbench-event-detail.h"

G_BEGIN_DECLS

/* The largest part of a body shown in the raw view. */
#define BOTBENCH_EVENT_DETAIL_RAW_MAX (512 * 1024)

/* For tests: the decoded tree shown (a GtkTreeListModel of
 * BotbenchDecodedItem), NULL when nothing is decoded. */
GListModel    *_botbench_event_detail_get_decoded_model (BotbenchEventDetail *self);

G_END_DECLS
