/* botbench-event-import-private.h: what the import's two files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "botbench-event-import.h"

G_BEGIN_DECLS

/* botbench_event_from_json_line(), also giving the line's "id" (0 when
 * it has none): it orders events of one microsecond. */
BotbenchEvent *_botbench_event_from_json_line_full (const char  *line,
                                                    gsize        len,
                                                    gint64      *exported_id,
                                                    GError     **error);

G_END_DECLS
