/* botbench-forward-result.h: what a handler answered to a forwarded or replayed event
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A refcounted boxed value, built by botbench_http_send_async() (or read
 * back by the store) and immutable once handed on.
 */
#pragma once

#include <gio/gio.h>

#include "botbench-types.h"

G_BEGIN_DECLS

/* Bytes of a handler's answer kept; the rest is only counted. */
#define BOTBENCH_FORWARD_MAX_BODY (1024 * 1024)

typedef enum
{
  BOTBENCH_FORWARD_STATE_PENDING,
  BOTBENCH_FORWARD_STATE_DONE,
  BOTBENCH_FORWARD_STATE_FAILED,
} BotbenchForwardState;

typedef struct _BotbenchForwardResult BotbenchForwardResult;

#define BOTBENCH_TYPE_FORWARD_RESULT (botbench_forward_result_get_type ())

GType                  botbench_forward_result_get_type             (void) G_GNUC_CONST;

/* "pending", "done", "failed"; from_string returns FALSE for anything else. */
const char            *botbench_forward_state_to_string             (BotbenchForwardState    state);
gboolean               botbench_forward_state_from_string           (const char             *str,
                                                                     BotbenchForwardState   *out);

/* A PENDING result for url. */
BotbenchForwardResult *botbench_forward_result_new                  (const char             *url);
BotbenchForwardResult *botbench_forward_result_ref                  (BotbenchForwardResult  *self);
void                   botbench_forward_result_unref                (BotbenchForwardResult  *self);

/* Setters: only while building, before the result is shared. */
void                   botbench_forward_result_set_state            (BotbenchForwardResult  *self,
                                                                     BotbenchForwardState    state);
void                   botbench_forward_result_set_status           (BotbenchForwardResult  *self,
                                                                     guint                   status);
void                   botbench_forward_result_set_duration_ms      (BotbenchForwardResult  *self,
                                                                     gint64                  duration_ms);
/* Also makes the state FAILED when error is not NULL. */
void                   botbench_forward_result_set_error            (BotbenchForwardResult  *self,
                                                                     const char             *error);
/* headers: name, value, name, value, …, NULL (copied). */
void                   botbench_forward_result_set_response_headers (BotbenchForwardResult  *self,
                                                                     const char * const     *headers);
/* body: at most BOTBENCH_FORWARD_MAX_BODY bytes (longer is cut); size:
 * the whole body's size. */
void                   botbench_forward_result_set_response_body    (BotbenchForwardResult  *self,
                                                                     GBytes                 *body,
                                                                     guint64                 size);
/* µs since the epoch when the answer (or the failure) came. */
void                   botbench_forward_result_set_finished         (BotbenchForwardResult  *self,
                                                                     gint64                  finished_us);

const char            *botbench_forward_result_get_url              (BotbenchForwardResult  *self);
BotbenchForwardState   botbench_forward_result_get_state            (BotbenchForwardResult  *self);
/* 0 when no answer came. */
guint                  botbench_forward_result_get_status           (BotbenchForwardResult  *self);
/* -1 when unknown (pending). */
gint64                 botbench_forward_result_get_duration_ms      (BotbenchForwardResult  *self);
/* NULL when an answer came. */
const char            *botbench_forward_result_get_error            (BotbenchForwardResult  *self);
/* Never NULL. */
const char * const    *botbench_forward_result_get_response_headers (BotbenchForwardResult  *self);
/* NULL when no answer came. */
GBytes                *botbench_forward_result_get_response_body    (BotbenchForwardResult  *self);
guint64                botbench_forward_result_get_response_size    (BotbenchForwardResult  *self);
gint64                 botbench_forward_result_get_finished         (BotbenchForwardResult  *self);
/* Status 2xx. */
gboolean               botbench_forward_result_is_success           (BotbenchForwardResult  *self);

/* Appends {"url":…,"state":…,"status":N|null,"duration_ms":N|null,
 * "error":"…"|null,"response_body":"…"|null}; the body as UTF-8 text,
 * invalid bytes replaced with U+FFFD. */
void                   botbench_forward_result_append_json          (BotbenchForwardResult  *self,
                                                                     GString                *out);
/* Headers as a JSON array of [name, value] pairs, and back (the store). */
char                  *botbench_forward_result_dup_headers_json     (BotbenchForwardResult  *self);
void                   botbench_forward_result_set_headers_json     (BotbenchForwardResult  *self,
                                                                     const char             *json);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BotbenchForwardResult, botbench_forward_result_unref)

G_END_DECLS
