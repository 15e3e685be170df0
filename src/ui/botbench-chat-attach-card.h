/* botbench-chat-attach-card.h: a bot message's ATTACH, drawn as a card
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "botbench-core.h"

G_BEGIN_DECLS

/* The largest raw JSON shown under "Show Raw JSON", in bytes. */
#define BOTBENCH_CHAT_RAW_MAX 65536
/* A line of icon and wrapping text is at least this tall (see the .c). */
#define BOTBENCH_CHAT_LINE_MIN_HEIGHT 20

#define BOTBENCH_TYPE_CHAT_ATTACH_CARD (botbench_chat_attach_card_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchChatAttachCard, botbench_chat_attach_card, BOTBENCH, CHAT_ATTACH_CARD, GtkWidget)

GtkWidget *botbench_chat_attach_card_new (BotbenchAttach *attach);

/* A box with a warning icon per warning and a "Show Raw JSON" expander
 * holding @raw (cut at BOTBENCH_CHAT_RAW_MAX); NULL without warnings.
 * Shared with the keyboard view. */
GtkWidget *_botbench_chat_warnings_new   (GPtrArray  *warnings,
                                          const char *raw);

G_END_DECLS
