/* botbench-rest-client.h: Bitrix24 REST calls for one profile
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Builds the webhook (https://portal/rest/<user>/<secret>/<method>.json,
 * CLIENT_ID added to imbot.* calls) or OAuth (https://portal/rest/<method>.json
 * with auth=<token>) request, posts the parameters as JSON, and parses the
 * envelope.  OAuth tokens are refreshed once on 401 expired_token /
 * invalid_token (the new pair goes to the secret store); a client-side
 * leaky bucket paces the calls and 503 QUERY_LIMIT_EXCEEDED is retried
 * with backoff.  Profiles with a pinned certificate trust exactly that
 * certificate.  Every attempt is recorded, masked, in the request history.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "botbench-profile.h"
#include "botbench-rate-limiter.h"
#include "botbench-request-history.h"
#include "botbench-rest-error.h"
#include "botbench-rest-response.h"
#include "botbench-secret-store.h"

G_BEGIN_DECLS

#define BOTBENCH_REST_CLIENT_DEFAULT_TIMEOUT_MS   60000
#define BOTBENCH_REST_CLIENT_DEFAULT_MAX_RETRIES  3
#define BOTBENCH_REST_CLIENT_DEFAULT_RETRY_DELAY_MS 1000

/* What "Test connection" found out. */
typedef struct
{
  char     *user_id;          /* NULL if `profile` was not called or failed */
  char     *user_name;
  char    **scopes;
  gboolean  has_imbot_scope;
  gint64    latency;          /* µs, of the `scope` call */
  char     *advice;           /* NULL, or what to fix although the call worked (no imbot scope) */
} BotbenchConnectionReport;

void botbench_connection_report_free (BotbenchConnectionReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BotbenchConnectionReport, botbench_connection_report_free)

#define BOTBENCH_TYPE_REST_CLIENT (botbench_rest_client_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchRestClient, botbench_rest_client, BOTBENCH, REST_CLIENT, GObject)

/* @history may be NULL (a private one is made); share one between clients to
 * show all calls in one list. */
BotbenchRestClient     *botbench_rest_client_new               (BotbenchProfile        *profile,
                                                                BotbenchSecretStore    *secrets,
                                                                BotbenchRequestHistory *history);
BotbenchProfile        *botbench_rest_client_get_profile       (BotbenchRestClient     *self);
BotbenchRequestHistory *botbench_rest_client_get_history       (BotbenchRestClient     *self);
BotbenchRateLimiter    *botbench_rest_client_get_rate_limiter  (BotbenchRestClient     *self);
/* Share one limiter between the clients of one portal. */
void                    botbench_rest_client_set_rate_limiter  (BotbenchRestClient     *self,
                                                                BotbenchRateLimiter    *limiter);
guint                   botbench_rest_client_get_timeout       (BotbenchRestClient     *self);
/* Per attempt, in ms (default 60 s, the cloud's own limit). */
void                    botbench_rest_client_set_timeout       (BotbenchRestClient     *self,
                                                                guint                   timeout_ms);
guint                   botbench_rest_client_get_max_retries   (BotbenchRestClient     *self);
/* Retries on 503 QUERY_LIMIT_EXCEEDED (default 3). */
void                    botbench_rest_client_set_max_retries   (BotbenchRestClient     *self,
                                                                guint                   max_retries);
guint                   botbench_rest_client_get_retry_delay   (BotbenchRestClient     *self);
/* First backoff delay in ms (default 1000), doubled on each retry. */
void                    botbench_rest_client_set_retry_delay   (BotbenchRestClient     *self,
                                                                guint                   delay_ms);
/* Forget the cached secrets: the next call reads them from the store again.
 * Automatic for changes made through the same BotbenchSecretStore object. */
void                    botbench_rest_client_reload_secrets    (BotbenchRestClient     *self);

/* @params: NULL or a JSON object (not modified). */
void                    botbench_rest_client_call_async        (BotbenchRestClient     *self,
                                                                const char             *method,
                                                                JsonObject             *params,
                                                                GCancellable           *cancellable,
                                                                GAsyncReadyCallback     callback,
                                                                gpointer                user_data);
BotbenchRestResponse   *botbench_rest_client_call_finish       (BotbenchRestClient     *self,
                                                                GAsyncResult           *result,
                                                                GError                **error);
/* For botbench-cli: runs a main loop on the thread-default context until
 * the call is done.  Never from the UI. */
BotbenchRestResponse   *botbench_rest_client_call_sync         (BotbenchRestClient     *self,
                                                                const char             *method,
                                                                JsonObject             *params,
                                                                GCancellable           *cancellable,
                                                                GError                **error);

/* Calls `scope` (and `profile`) and reports who and what the credentials
 * allow; errors carry the sentence saying what to fix. */
void                    botbench_rest_client_test_connection_async  (BotbenchRestClient  *self,
                                                                     GCancellable        *cancellable,
                                                                     GAsyncReadyCallback  callback,
                                                                     gpointer             user_data);
BotbenchConnectionReport *botbench_rest_client_test_connection_finish (BotbenchRestClient  *self,
                                                                       GAsyncResult        *result,
                                                                       GError             **error);
BotbenchConnectionReport *botbench_rest_client_test_connection_sync   (BotbenchRestClient  *self,
                                                                       GCancellable        *cancellable,
                                                                       GError             **error);

G_END_DECLS
