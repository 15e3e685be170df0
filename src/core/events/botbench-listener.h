/* botbench-listener.h: embedded HTTP listener for Bitrix24 events
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An HTTP/1.1 server on its own thread and GMainContext.  POST on any path
 * is an event: it is stored and answered 200 only after its COMMIT (503 with
 * Retry-After when the store is behind).  Bodies over max-body get 413 from
 * their headers and are not stored; malformed requests 400; other methods
 * 405 with Allow, except GET / which returns a small JSON status.  Clients
 * may keep their connection alive; idle ones are closed after idle-timeout
 * seconds, and at most max-connections are open at once.  With a
 * forwarder set, each stored event is handed to it after the answer; a
 * request's "X-Botbench-Replay-Of: N" (digits, N an id already given out)
 * marks the stored event as a replay of N.
 */
#pragma once

#include <gio/gio.h>

#include "botbench-types.h"
#include "botbench-event-store.h"
#include "botbench-forwarder.h"

G_BEGIN_DECLS

#define BOTBENCH_LISTENER_DEFAULT_HOST      "127.0.0.1"
#define BOTBENCH_LISTENER_DEFAULT_PORT      8024
#define BOTBENCH_LISTENER_DEFAULT_MAX_BODY  (8 * 1024 * 1024)
#define BOTBENCH_LISTENER_DEFAULT_IDLE_TIMEOUT 15

#define BOTBENCH_LISTENER_ERROR (botbench_listener_error_quark ())

typedef enum
{
  BOTBENCH_LISTENER_ERROR_ADDRESS_IN_USE,
  BOTBENCH_LISTENER_ERROR_PERMISSION_DENIED,
  BOTBENCH_LISTENER_ERROR_INVALID_ADDRESS,
  BOTBENCH_LISTENER_ERROR_FAILED,
} BotbenchListenerError;

#define BOTBENCH_TYPE_LISTENER (botbench_listener_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchListener, botbench_listener, BOTBENCH, LISTENER, GObject)

GQuark            botbench_listener_error_quark (void);

BotbenchListener *botbench_listener_new          (BotbenchEventStore *store);
BotbenchEventStore *botbench_listener_get_store  (BotbenchListener   *self);

const char       *botbench_listener_get_host     (BotbenchListener   *self);
void              botbench_listener_set_host     (BotbenchListener   *self,
                                                  const char         *host);
/* The configured port (0 = pick a free one). */
guint             botbench_listener_get_port     (BotbenchListener   *self);
void              botbench_listener_set_port     (BotbenchListener   *self,
                                                  guint               port);
gsize             botbench_listener_get_max_body (BotbenchListener   *self);
void              botbench_listener_set_max_body (BotbenchListener   *self,
                                                  gsize               max_body);
/* 0 (the default) = from the process's fd limit, at most 512. */
guint             botbench_listener_get_max_connections (BotbenchListener *self);
void              botbench_listener_set_max_connections (BotbenchListener *self,
                                                         guint             max_connections);
/* Seconds a request head may take, a body may stall, or a kept-alive
 * connection may stay idle. */
guint             botbench_listener_get_idle_timeout (BotbenchListener *self);
void              botbench_listener_set_idle_timeout (BotbenchListener *self,
                                                      guint             seconds);

/* Binds and starts serving; fails with a clear message (port in use,
 * permission denied, bad address).  Settings changes apply on next start. */
gboolean          botbench_listener_start        (BotbenchListener   *self,
                                                  GError            **error);
void              botbench_listener_stop         (BotbenchListener   *self);
gboolean          botbench_listener_get_running  (BotbenchListener   *self);
/* The port actually bound (0 when stopped). */
guint             botbench_listener_get_bound_port (BotbenchListener *self);
/* "http://HOST:PORT/" while running, NULL when stopped. */
char             *botbench_listener_dup_url      (BotbenchListener   *self);
/* Every event stored from now on (and not rejected) is submitted to
 * forwarder after its commit and its acknowledgement; NULL: none.  Any
 * time, also while running. */
void              botbench_listener_set_forwarder (BotbenchListener  *self,
                                                   BotbenchForwarder *forwarder);
BotbenchForwarder *botbench_listener_get_forwarder (BotbenchListener *self);

/* Requests served and events stored since start (for status and benchmarks). */
guint64           botbench_listener_get_n_events (BotbenchListener   *self);

/* application_token (botbench-listener-token.c).  Every stored event is
 * marked verified, wrong-token or no-token against the expected token
 * (unknown when none is set: NULL or "").  Strict mode: a wrong or missing
 * token is stored with rejected set, answered 401 after the commit and
 * never forwarded.  Both take effect at once, also while running. */
void              botbench_listener_set_expected_token (BotbenchListener *self,
                                                        const char       *token);
/* NULL when none; free with botbench_secret_free() or g_free(). */
char             *botbench_listener_dup_expected_token (BotbenchListener *self);
void              botbench_listener_set_strict_token   (BotbenchListener *self,
                                                        gboolean          strict);
gboolean          botbench_listener_get_strict_token   (BotbenchListener *self);

/* Properties: host, port, max-body, max-connections, idle-timeout, running (read-only, notified on the
 * creating thread), url (read-only). */

G_END_DECLS
