/* botbench-request-history.h: what the REST client sent and got back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A GListModel of BotbenchRequestRecord, oldest first, capped at
 * max-entries.  Records are immutable and already masked: the webhook
 * secret, tokens and client secret are replaced by "•••" in the URL, the
 * bodies and the error, so the model can be shown and exported as is.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "botbench-request-preview.h"

G_BEGIN_DECLS

#define BOTBENCH_REQUEST_HISTORY_DEFAULT_MAX_ENTRIES 1000

#define BOTBENCH_TYPE_REQUEST_RECORD (botbench_request_record_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchRequestRecord, botbench_request_record, BOTBENCH, REQUEST_RECORD, GObject)

#define BOTBENCH_TYPE_REQUEST_HISTORY (botbench_request_history_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchRequestHistory, botbench_request_history, BOTBENCH, REQUEST_HISTORY, GObject)

/* Unix time in µs when the request started. */
gint64                  botbench_request_record_get_time           (BotbenchRequestRecord *self);
const char             *botbench_request_record_get_profile_uuid   (BotbenchRequestRecord *self);
/* "imbot.register", or "oauth/token" for a token refresh. */
const char             *botbench_request_record_get_method         (BotbenchRequestRecord *self);
const char             *botbench_request_record_get_http_method    (BotbenchRequestRecord *self);
const char             *botbench_request_record_get_url            (BotbenchRequestRecord *self);
const char             *botbench_request_record_get_request_body   (BotbenchRequestRecord *self);
const char             *botbench_request_record_get_response_body  (BotbenchRequestRecord *self);
/* 0 when no response arrived. */
guint                   botbench_request_record_get_status         (BotbenchRequestRecord *self);
gint64                  botbench_request_record_get_duration       (BotbenchRequestRecord *self);
/* NULL on success. */
const char             *botbench_request_record_get_error          (BotbenchRequestRecord *self);
/* 1 for the first attempt, 2… for retries (refresh, rate limit). */
guint                   botbench_request_record_get_attempt        (BotbenchRequestRecord *self);
JsonNode               *botbench_request_record_to_json            (BotbenchRequestRecord *self);

BotbenchRequestHistory *botbench_request_history_new               (void);
guint                   botbench_request_history_get_max_entries   (BotbenchRequestHistory *self);
void                    botbench_request_history_set_max_entries   (BotbenchRequestHistory *self,
                                                                    guint                   max_entries);
void                    botbench_request_history_append            (BotbenchRequestHistory *self,
                                                                    BotbenchRequestRecord  *record);
void                    botbench_request_history_clear             (BotbenchRequestHistory *self);
/* A JSON array of records (pretty-printed), for "Export…" and the CLI. */
JsonNode               *botbench_request_history_to_json           (BotbenchRequestHistory *self);
char                   *botbench_request_history_dup_json          (BotbenchRequestHistory *self);

G_END_DECLS
