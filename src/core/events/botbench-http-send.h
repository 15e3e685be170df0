/* botbench-http-send.h: sends one stored request to a handler and keeps its answer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shared by forwarding and replay.
 */
#pragma once

#include <libsoup/soup.h>

#include "botbench-types.h"
#include "botbench-event.h"
#include "botbench-forward-result.h"

G_BEGIN_DECLS

/* Sends request's method, its body byte-exact, its Content-Type and
 * User-Agent, X-Botbench-Event-Id (and X-Botbench-Replay-Of when set) to
 * url, with the request's query string appended (joined with & when url
 * has one).  Redirects are not followed.  Keeps the first
 * BOTBENCH_FORWARD_MAX_BODY bytes of the answer and counts the rest.
 *
 * Never fails: a transport failure ("Connection refused", "Timed out after
 * N s", "TLS error: …", "Connection closed without an answer", an invalid
 * URL, cancellation) is a FAILED result with its error set; an answer of
 * any status is DONE.  The request reaches the handler at most once: it
 * is sent again (once, on a fresh connection) only when a kept-alive
 * connection failed before one byte of it was written.  timeout_s covers the whole exchange (0 = none).
 * session must belong to the thread-default main context of the caller. */
void                   botbench_http_send_async  (SoupSession          *session,
                                                  const char           *url,
                                                  BotbenchEvent        *request,
                                                  guint                 timeout_s,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
BotbenchForwardResult *botbench_http_send_finish (GAsyncResult         *result);

typedef enum
{
  BOTBENCH_HTTP_SEND_NONE    = 0,
  /* A forward by this process: the request carries
   * BOTBENCH_HTTP_SEND_FORWARDED_BY with this process's instance id, so
   * that a listener of the same process, reached by a rule that points
   * back at it, stores the event but does not forward it again. */
  BOTBENCH_HTTP_SEND_FORWARD = 1 << 0,
} BotbenchHttpSendFlags;

#define BOTBENCH_HTTP_SEND_FORWARDED_BY "X-Botbench-Forwarded-By"

/* As botbench_http_send_async(), with flags; finished by the same
 * botbench_http_send_finish(). */
void                   botbench_http_send_full_async (SoupSession          *session,
                                                      const char           *url,
                                                      BotbenchEvent        *request,
                                                      BotbenchHttpSendFlags flags,
                                                      guint                 timeout_s,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
/* A random id of this process, made on first use. */
const char            *botbench_http_send_get_instance_id (void);
/* Whether request is a forward made by this very process (a loop). */
gboolean               botbench_http_send_is_own_forward  (BotbenchEvent *request);

/* The URL the request goes to: url plus the request's query string. */
char                  *botbench_http_send_dup_url (const char          *url,
                                                   BotbenchEvent       *request);

G_END_DECLS
