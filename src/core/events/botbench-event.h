/* botbench-event.h: one received HTTP request, immutable once stored
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "botbench-types.h"
#include "botbench-post-decoder.h"
#include "botbench-forward-result.h"

G_BEGIN_DECLS

/* Whether an event carried the expected auth[application_token]
 * (botbench-token-check.h computes it). */
typedef enum
{
  BOTBENCH_TOKEN_STATE_UNKNOWN,    /* no expected token set */
  BOTBENCH_TOKEN_STATE_VERIFIED,
  BOTBENCH_TOKEN_STATE_WRONG,
  BOTBENCH_TOKEN_STATE_MISSING,
} BotbenchTokenState;

/* "unknown", "verified", "wrong-token", "no-token". */
const char          *botbench_token_state_to_string     (BotbenchTokenState  state);
/* FALSE (and *out untouched) for any other string. */
gboolean             botbench_token_state_from_string   (const char         *str,
                                                         BotbenchTokenState *out);

/* Where an event came from (the `source` of the store and of the JSON line). */
typedef enum
{
  BOTBENCH_EVENT_SOURCE_LISTENER,  /* POSTed to the listener (the default) */
  BOTBENCH_EVENT_SOURCE_FETCHED,   /* read with imbot.v2.Event.get (fetch mode) */
  BOTBENCH_EVENT_SOURCE_REPLAY,
  BOTBENCH_EVENT_SOURCE_IMPORT,
} BotbenchEventSource;

/* "listener", "fetched", "replay", "import". */
const char          *botbench_event_source_to_string    (BotbenchEventSource  source);
/* FALSE (and *out untouched) for any other string. */
gboolean             botbench_event_source_from_string  (const char          *str,
                                                         BotbenchEventSource *out);

#define BOTBENCH_TYPE_EVENT (botbench_event_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchEvent, botbench_event, BOTBENCH, EVENT, GObject)

/* headers: NULL-terminated list of alternating names and values.
 * The summary (event name, bot id/code, message) is derived from the body. */
BotbenchEvent       *botbench_event_new                 (gint64              received_us,
                                                         const char         *remote_address,
                                                         const char         *method,
                                                         const char         *path,
                                                         const char         *query,
                                                         const char * const *headers,
                                                         const char         *content_type,
                                                         GBytes             *body);

/* 0 until stored. */
gint64               botbench_event_get_id              (BotbenchEvent      *self);
gint64               botbench_event_get_received        (BotbenchEvent      *self);
const char          *botbench_event_get_remote_address  (BotbenchEvent      *self);
const char          *botbench_event_get_method          (BotbenchEvent      *self);
const char          *botbench_event_get_path            (BotbenchEvent      *self);
const char          *botbench_event_get_query           (BotbenchEvent      *self);
/* NULL-terminated list of alternating names and values, never NULL. */
const char * const  *botbench_event_get_headers         (BotbenchEvent      *self);
const char          *botbench_event_get_header          (BotbenchEvent      *self,
                                                         const char         *name);
const char          *botbench_event_get_content_type    (BotbenchEvent      *self);
GBytes              *botbench_event_get_body            (BotbenchEvent      *self);
gsize                botbench_event_get_size            (BotbenchEvent      *self);

/* The id this event replays, 0 when it is not a replay. */
gint64               botbench_event_get_replay_of       (BotbenchEvent      *self);
BotbenchTokenState   botbench_event_get_token_state     (BotbenchEvent      *self);
/* TRUE when strict mode answered it 401 (it is never forwarded). */
gboolean             botbench_event_get_rejected        (BotbenchEvent      *self);
/* The handler's latest answer, NULL when the event was not forwarded
 * (or replayed to a handler).  Filled by the store when reading a row. */
BotbenchForwardResult *botbench_event_get_forward       (BotbenchEvent      *self);

/* Setters: before the event is inserted (and by the store and the
 * forwarder, on an event nobody else reads yet). */
void                 botbench_event_set_replay_of       (BotbenchEvent      *self,
                                                         gint64              replay_of);
void                 botbench_event_set_token_state     (BotbenchEvent      *self,
                                                         BotbenchTokenState  state);
void                 botbench_event_set_rejected        (BotbenchEvent      *self,
                                                         gboolean            rejected);
void                 botbench_event_set_forward         (BotbenchEvent      *self,
                                                         BotbenchForwardResult *forward);

/* "replay" for an event with a replay_of left at the default source. */
BotbenchEventSource  botbench_event_get_source          (BotbenchEvent      *self);
void                 botbench_event_set_source          (BotbenchEvent      *self,
                                                         BotbenchEventSource source);
/* A fetched event: the portal (its REST base URL, as the fetch state
 * keys it), the bot and the portal's event id; NULL and 0 otherwise. */
const char          *botbench_event_get_fetch_portal    (BotbenchEvent      *self);
gint64               botbench_event_get_fetch_bot_id    (BotbenchEvent      *self);
gint64               botbench_event_get_fetch_event_id  (BotbenchEvent      *self);
/* Marks the event as fetched (source "fetched") from portal's bot_id,
 * portal event id event_id; before it is inserted. */
void                 botbench_event_set_fetched         (BotbenchEvent      *self,
                                                         const char         *portal,
                                                         gint64              bot_id,
                                                         gint64              event_id);

/* Summary, never NULL ("" when unknown). */
const char          *botbench_event_get_event_name      (BotbenchEvent      *self);
const char          *botbench_event_get_bot_id          (BotbenchEvent      *self);
const char          *botbench_event_get_bot_code        (BotbenchEvent      *self);
const char          *botbench_event_get_message         (BotbenchEvent      *self);

/* Decoded form (urlencoded or multipart), built on first use; NULL when the
 * body is not a form (see get_json). */
BotbenchFormNode    *botbench_event_get_form            (BotbenchEvent      *self);
/* Parsed JSON body, NULL unless the body is JSON and passes
 * botbench_json_check() (at most BOTBENCH_JSON_MAX_DEPTH levels, one value):
 * a body that does not is never handed to json-glib. */
JsonNode            *botbench_event_get_json            (BotbenchEvent      *self);
/* TRUE for the content types whose body an event decodes as JSON:
 * application/json and text/json, with or without parameters.  (An event
 * with no content type at all also tries JSON when the body starts with
 * { or [.)  For the listener: such a body that fails botbench_json_check()
 * deserves a 400.  Pure, callable from any thread. */
gboolean             botbench_event_content_type_is_json (const char    *content_type);
/* The decoded data as JSON text: the form as PHP json_encode prints it, the
 * JSON body re-serialised, or "[]" when neither applies. */
char                *botbench_event_dup_data_json       (BotbenchEvent      *self);
/* One line of `botbench-cli listen` output (no trailing newline):
 * {"id","received","method","path","query","event","data",
 * "replay_of","rejected","source","forward"}; a fetched event adds
 * "fetch" {"bot_id","event_id","portal"} before "forward". */
char                *botbench_event_to_json_line        (BotbenchEvent      *self);
/* A shell command that re-sends exactly this request to base_url
 * (e.g. "http://127.0.0.1:8024"); path and query are appended. */
char                *botbench_event_dup_curl_command    (BotbenchEvent      *self,
                                                         const char         *base_url);

G_END_DECLS
