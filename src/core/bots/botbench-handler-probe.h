/* botbench-handler-probe.h: does a handler URL reach our own listener?
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A bot's handler URL usually goes through a tunnel to the local listener.
 * The probe POSTs a one-off event through that URL and waits for the
 * listener's store to hold it: then the path works end to end.  Otherwise
 * it says why: nothing answers, TLS, an HTTP error, or something else
 * answered (the URL reaches another server, not this Botbench).
 */
#pragma once

#include <gio/gio.h>

#include "botbench-types.h"
#include "botbench-event-store.h"

G_BEGIN_DECLS

#define BOTBENCH_HANDLER_PROBE_EVENT "BOTBENCH_PROBE"

#define BOTBENCH_HANDLER_PROBE_ERROR (botbench_handler_probe_error_quark ())

typedef enum
{
  BOTBENCH_HANDLER_PROBE_ERROR_INVALID_URL,   /* not an http(s) URL */
  BOTBENCH_HANDLER_PROBE_ERROR_UNREACHABLE,   /* DNS, refused, timeout */
  BOTBENCH_HANDLER_PROBE_ERROR_TLS,           /* certificate not trusted, handshake */
  BOTBENCH_HANDLER_PROBE_ERROR_HTTP,          /* answered with an error status */
  BOTBENCH_HANDLER_PROBE_ERROR_NOT_RECEIVED,  /* answered, but our listener never saw it */
} BotbenchHandlerProbeError;

GQuark   botbench_handler_probe_error_quark (void);

/* POSTs a probe event (event=BOTBENCH_PROBE&token=…) to @url and succeeds
 * once @store holds it; timeout_ms bounds the whole check (0 = 10 s). */
void     botbench_handler_probe_async       (BotbenchEventStore  *store,
                                             const char          *url,
                                             guint                timeout_ms,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
/* Returns the probe's round trip in µs, or -1 with the error set. */
gint64   botbench_handler_probe_finish      (BotbenchEventStore  *store,
                                             GAsyncResult        *result,
                                             GError             **error);

G_END_DECLS
