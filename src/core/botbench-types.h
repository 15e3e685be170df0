/* botbench-types.h: forward declarations of every core type
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _BotbenchFormNode        BotbenchFormNode;
typedef struct _BotbenchEvent           BotbenchEvent;
typedef struct _BotbenchEventStore      BotbenchEventStore;
typedef struct _BotbenchEventQuery      BotbenchEventQuery;
typedef struct _BotbenchEventListModel  BotbenchEventListModel;
typedef struct _BotbenchListener        BotbenchListener;
typedef struct _BotbenchSandbox         BotbenchSandbox;

G_END_DECLS
