/* botbench-chat-delivery.h: one event delivery of the sandbox (a DELIVERY object)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What happened to the event a user action caused: sent to a handler and
 * answered (with its status and time), failed, or skipped with a reason.
 * The summary is the sentence the chat shows under the message.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "botbench-types.h"

G_BEGIN_DECLS

typedef enum
{
  BOTBENCH_CHAT_DELIVERY_PENDING,
  BOTBENCH_CHAT_DELIVERY_DONE,     /* an HTTP answer came (any status) */
  BOTBENCH_CHAT_DELIVERY_FAILED,   /* no answer */
  BOTBENCH_CHAT_DELIVERY_SKIPPED,  /* not sent, see reason */
} BotbenchChatDeliveryState;

#define BOTBENCH_TYPE_CHAT_DELIVERY_STATE (botbench_chat_delivery_state_get_type ())
#define BOTBENCH_TYPE_CHAT_DELIVERY (botbench_chat_delivery_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchChatDelivery, botbench_chat_delivery, BOTBENCH, CHAT_DELIVERY, GObject)

GType botbench_chat_delivery_state_get_type (void) G_GNUC_CONST;

/* NULL when @object has no positive integer "ID". */
BotbenchChatDelivery *botbench_chat_delivery_new_from_json (JsonObject *object);

gint64        botbench_chat_delivery_get_id          (BotbenchChatDelivery *self);
/* The user message that caused it; 0 for a join. */
gint64        botbench_chat_delivery_get_message_id  (BotbenchChatDelivery *self);
gint64        botbench_chat_delivery_get_chat_id     (BotbenchChatDelivery *self);
gint64        botbench_chat_delivery_get_bot_id      (BotbenchChatDelivery *self);
const gint64 *botbench_chat_delivery_get_bot_ids     (BotbenchChatDelivery *self,
                                                      guint                *n_bot_ids);
/* "ONIMBOTMESSAGEADD"..., never NULL. */
const char   *botbench_chat_delivery_get_event       (BotbenchChatDelivery *self);
/* The handler URL as called, "" when skipped. */
const char   *botbench_chat_delivery_get_url         (BotbenchChatDelivery *self);
BotbenchChatDeliveryState
              botbench_chat_delivery_get_state       (BotbenchChatDelivery *self);
guint         botbench_chat_delivery_get_status      (BotbenchChatDelivery *self);
guint         botbench_chat_delivery_get_duration_ms (BotbenchChatDelivery *self);
/* get_url() with every query value masked (BOTBENCH_MASK): a webhook
 * bot's handler URL ends in "?CLIENT_ID=…", a credential.  For display. */
char         *botbench_chat_delivery_dup_display_url (BotbenchChatDelivery *self);
/* The transport error in English, "" if none. */
const char   *botbench_chat_delivery_get_error       (BotbenchChatDelivery *self);
/* "NO_HANDLER", "NOT_MENTIONED", "NOT_FOR_TYPE", "BOT_AUTHOR", or "". */
const char   *botbench_chat_delivery_get_reason      (BotbenchChatDelivery *self);
const char   *botbench_chat_delivery_get_reason_text (BotbenchChatDelivery *self);
/* (nullable) */
GDateTime    *botbench_chat_delivery_get_date        (BotbenchChatDelivery *self);
gint64        botbench_chat_delivery_get_rev         (BotbenchChatDelivery *self);

/* TRUE once the delivery will not change any more (not pending). */
gboolean      botbench_chat_delivery_is_finished     (BotbenchChatDelivery *self);
/* TRUE for a v2 fetch-mode bot's event: queued for imbot.v2.Event.get
 * (skipped with reason FETCH_QUEUED), neither delivered nor failed. */
gboolean      botbench_chat_delivery_is_queued       (BotbenchChatDelivery *self);
/* TRUE for: failed, skipped with a reason (not queued), or answered with
 * status >= 300. */
gboolean      botbench_chat_delivery_is_problem      (BotbenchChatDelivery *self);
/* One translated sentence (the URL as dup_display_url() gives it):
 * "The handler at %s answered %u in %u ms",
 * "Delivering…", "Connection refused", "Queued for fetching: %s", "No handler for ONIMBOTMESSAGEADD
 * (EVENT_MESSAGE_ADD is empty)", "Bot of type B ignores group messages
 * that do not mention it"… */
char         *botbench_chat_delivery_dup_summary     (BotbenchChatDelivery *self);

/* Takes every field of @other (same id), notifying what changed. */
gboolean      botbench_chat_delivery_update_from     (BotbenchChatDelivery *self,
                                                      BotbenchChatDelivery *other);

/* The stored event this delivery caused (for "Show in Events"): events
 * named like get_event() received since the delivery's date minus 10 s
 * whose decoded data[PARAMS][MESSAGE_ID] (ONIMCOMMANDADD:
 * data[COMMAND][*][MESSAGE_ID]; ONIMBOTJOINCHAT: data[PARAMS][BOT_ID] and
 * the chat) matches.  Blocking (SQLite reads): call it from a worker
 * thread, or accept a short read on the main thread for small stores.
 * Returns: the newest matching event id, or 0. */
gint64        botbench_chat_delivery_find_event      (BotbenchChatDelivery *self,
                                                      BotbenchEventStore   *store);
/* The same on a worker thread (for the UI thread); finish gives the id or
 * 0 (never an error). */
void          botbench_chat_delivery_find_event_async  (BotbenchChatDelivery *self,
                                                        BotbenchEventStore   *store,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
gint64        botbench_chat_delivery_find_event_finish (BotbenchChatDelivery *self,
                                                        GAsyncResult         *result);

G_END_DECLS
