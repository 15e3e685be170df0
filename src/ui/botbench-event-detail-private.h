/* botbench-event-detail-private.h: accessors for the tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "botbench-event-detail.h"

G_BEGIN_DECLS

/* The largest part of a body shown in the raw view. */
#define BOTBENCH_EVENT_DETAIL_RAW_MAX (512 * 1024)

AdwViewStack  *_botbench_event_detail_get_view_stack    (BotbenchEventDetail *self);
GtkColumnView *_botbench_event_detail_get_decoded_view  (BotbenchEventDetail *self);
/* GtkTreeListModel of BotbenchDecodedItem, NULL when nothing is decoded. */
GListModel    *_botbench_event_detail_get_decoded_model (BotbenchEventDetail *self);
GtkTextBuffer *_botbench_event_detail_get_raw_buffer    (BotbenchEventDetail *self);
GtkListBox    *_botbench_event_detail_get_request_list  (BotbenchEventDetail *self);
GtkListBox    *_botbench_event_detail_get_headers_list  (BotbenchEventDetail *self);

G_END_DECLS
