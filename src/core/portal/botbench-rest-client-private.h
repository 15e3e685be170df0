/* botbench-rest-client-private.h: what the botbench-rest-*.c files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The client's instance struct, and the steps of a call that live in
 * different files: the pipeline (botbench-rest-client.c), the credentials
 * and token refresh (botbench-rest-auth.c), one HTTP exchange
 * (botbench-rest-exchange.c) and the errors (botbench-rest-error.c).
 */
#pragma once

#include <libsoup/soup.h>

#include "botbench-rest-client.h"

G_BEGIN_DECLS

struct _BotbenchRestClient
{
  GObject                 parent_instance;

  BotbenchProfile        *profile;
  BotbenchSecretStore    *secrets;
  BotbenchRequestHistory *history;
  BotbenchRateLimiter    *limiter;
  SoupSession            *session;
  GTlsCertificate        *pinned;

  guint                   timeout_ms;
  guint                   max_retries;
  guint                   retry_delay_ms;

  /* Secrets, read once from the store */
  char                   *webhook_secret;
  char                   *access_token;
  char                   *refresh_token;
  char                   *client_secret;
  gboolean                secrets_loaded;
  guint                   load_index;
  GPtrArray              *secret_waiters;   /* GTask */
  guint                   secrets_serial;   /* bumped by reload_secrets() */

  /* Every secret seen, for masking */
  GPtrArray              *mask;

  gboolean                refreshing;
  GPtrArray              *refresh_waiters;  /* GTask */
  guint                   own_writes;       /* refreshed tokens being stored */
};

/* One HTTP request: a timeout and the caller's cancellable */
typedef struct
{
  SoupMessage  *msg;
  GCancellable *cancellable;  /* ours: cancelled by the timer or the caller's */
  GCancellable *caller;
  gulong        caller_id;
  GSource      *timer;
  gboolean      timed_out;
  gint64        start;
  gint64        start_wall;
  gint64        duration;
} BotbenchRestExchange;

/* botbench-rest-error.c */
/* Every text is masked with @secrets (NULL-terminated) before it is kept. */
GError               *_botbench_rest_error_new                  (const char * const    *secrets,
                                                                  BotbenchRestError      code,
                                                                  guint                  status,
                                                                  const char            *portal_code,
                                                                  const char            *description,
                                                                  const char            *advice);
/* Maps a portal error to our code; *advice gets what to fix. */
BotbenchRestError     _botbench_rest_error_classify             (gboolean               webhook,
                                                                  guint                  max_retries,
                                                                  const char            *method,
                                                                  guint                  status,
                                                                  const char            *code,
                                                                  const char            *description,
                                                                  char                 **advice);
GError               *_botbench_rest_error_new_transport        (const char * const    *secrets,
                                                                  guint                  timeout_ms,
                                                                  const GError          *error,
                                                                  gboolean               timed_out,
                                                                  const char            *host);

/* botbench-rest-response.c */
BotbenchRestResponse *_botbench_rest_response_new               (JsonNode              *root,
                                                                  guint                  status,
                                                                  gint64                 duration);

/* botbench-rest-client.c */
gboolean              _botbench_rest_client_is_webhook          (BotbenchRestClient    *self);
/* Whether a webhook adds the profile's CLIENT_ID to @method's body. */
gboolean              _botbench_rest_client_method_takes_client_id (const char        *method);
/* Adds @secret to the strings masked in errors and history records. */
void                  _botbench_rest_client_remember_secret     (BotbenchRestClient    *self,
                                                                  const char            *secret);
const char * const   *_botbench_rest_client_get_mask            (BotbenchRestClient    *self);
GError               *_botbench_rest_client_error_new           (BotbenchRestClient    *self,
                                                                  BotbenchRestError      code,
                                                                  guint                  status,
                                                                  const char            *portal_code,
                                                                  const char            *description,
                                                                  const char            *advice);
void                  _botbench_rest_client_record              (BotbenchRestClient    *self,
                                                                  const char            *method,
                                                                  SoupMessage           *msg,
                                                                  const char            *request_body,
                                                                  GBytes                *response,
                                                                  gint64                 start_wall,
                                                                  gint64                 duration,
                                                                  const GError          *error,
                                                                  guint                  attempt);
/* Both take @task. */
void                  _botbench_rest_client_call_after_secrets  (GTask                 *task);
void                  _botbench_rest_client_call_send           (GTask                 *task);
void                  _botbench_rest_client_sync_result_cb      (GObject               *object,
                                                                  GAsyncResult          *result,
                                                                  gpointer               user_data);

/* botbench-rest-auth.c */
/* Calls _call_after_secrets (@task) once the secrets are read; takes @task. */
void                  _botbench_rest_client_ensure_secrets      (BotbenchRestClient    *self,
                                                                  GTask                 *task);
void                  _botbench_rest_client_clear_secrets       (BotbenchRestClient    *self);
/* Refreshes the OAuth tokens (or joins the refresh in flight), then calls
 * _call_send (@task); takes @task. */
void                  _botbench_rest_client_start_refresh       (BotbenchRestClient    *self,
                                                                  GTask                 *task);
char                 *_botbench_rest_client_build_url           (BotbenchRestClient    *self,
                                                                  const char            *method);

/* botbench-rest-exchange.c */
gboolean              _botbench_rest_client_ensure_session      (BotbenchRestClient    *self,
                                                                  GError               **error);
void                  _botbench_rest_client_exchange_async      (BotbenchRestClient    *self,
                                                                  SoupMessage           *msg,
                                                                  GCancellable          *cancellable,
                                                                  GAsyncReadyCallback    callback,
                                                                  gpointer               user_data);
/* *ex is borrowed from @result. */
GBytes               *_botbench_rest_client_exchange_finish     (BotbenchRestClient    *self,
                                                                  GAsyncResult          *result,
                                                                  BotbenchRestExchange **ex,
                                                                  GError               **error);

G_END_DECLS
