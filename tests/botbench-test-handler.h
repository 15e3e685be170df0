/* botbench-test-handler.h: a loopback bot handler for forwarding tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A libsoup server on 127.0.0.1 (a free port) served on the thread-default
 * main context, standing in for a developer's PHP handler: it answers
 * each request the way its mode says and records every request it got.
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef enum
{
  BOTBENCH_TEST_HANDLER_OK,        /* 200 at once, body "ok" (or the set body) */
  BOTBENCH_TEST_HANDLER_SLOW,      /* 200 after the delay */
  BOTBENCH_TEST_HANDLER_ERROR,     /* 500, body "boom" */
  BOTBENCH_TEST_HANDLER_CLOSE,     /* closes the connection without answering */
} BotbenchTestHandlerMode;

typedef struct
{
  char    *method;
  char    *path;
  char    *query;     /* NULL when none */
  char   **headers;   /* name, value, …, NULL */
  GBytes  *body;
  gint64   received;  /* monotonic µs */
} BotbenchTestRequest;

typedef struct _BotbenchTestHandler BotbenchTestHandler;

BotbenchTestHandler *botbench_test_handler_new        (void);
void                 botbench_test_handler_free       (BotbenchTestHandler     *self);
/* "http://127.0.0.1:PORT" (no trailing slash). */
const char          *botbench_test_handler_get_url    (BotbenchTestHandler     *self);
void                 botbench_test_handler_set_mode   (BotbenchTestHandler     *self,
                                                       BotbenchTestHandlerMode  mode);
/* Requests whose path starts with prefix get this mode instead. */
void                 botbench_test_handler_set_path_mode (BotbenchTestHandler  *self,
                                                          const char           *prefix,
                                                          BotbenchTestHandlerMode mode);
void                 botbench_test_handler_set_delay_ms (BotbenchTestHandler   *self,
                                                         guint                  delay_ms);
/* The body OK answers with (default "ok"). */
void                 botbench_test_handler_set_body   (BotbenchTestHandler     *self,
                                                       GBytes                  *body);
/* Every request so far, in arrival order (BotbenchTestRequest *). */
GPtrArray           *botbench_test_handler_get_requests (BotbenchTestHandler   *self);
guint                botbench_test_handler_get_n_requests (BotbenchTestHandler *self);
/* Spins the thread-default context until n requests arrived (fails the
 * test after BOTBENCH_TEST_WAIT_MS). */
void                 botbench_test_handler_wait_requests (BotbenchTestHandler  *self,
                                                          guint                 n);

/* A port on 127.0.0.1 nothing listens on (bound, then closed). */
guint                botbench_test_closed_port        (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BotbenchTestHandler, botbench_test_handler_free)

G_END_DECLS
