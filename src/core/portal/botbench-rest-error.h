/* botbench-rest-error.h: the REST client's errors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One code per thing to fix; each error also carries the portal's own code
 * and description, the HTTP status and a sentence of advice.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define BOTBENCH_REST_ERROR (botbench_rest_error_quark ())

/* The portal's own code (botbench_rest_error_get_code()) is kept for every
 * error that came with an envelope; key on it for codes not listed here. */
typedef enum
{
  BOTBENCH_REST_ERROR_FAILED,               /* another portal error: see get_code() */
  BOTBENCH_REST_ERROR_METHOD_NOT_FOUND,     /* ERROR_METHOD_NOT_FOUND, "Method not found!" */
  BOTBENCH_REST_ERROR_NO_AUTH,              /* NO_AUTH_FOUND */
  BOTBENCH_REST_ERROR_INVALID_CREDENTIALS,  /* INVALID_CREDENTIALS (wrong webhook user/secret) */
  BOTBENCH_REST_ERROR_HTTPS_REQUIRED,       /* INVALID_REQUEST "Https required." */
  BOTBENCH_REST_ERROR_INSUFFICIENT_SCOPE,   /* insufficient_scope */
  BOTBENCH_REST_ERROR_EXPIRED_TOKEN,        /* expired_token (after a refresh, or no refresh possible) */
  BOTBENCH_REST_ERROR_INVALID_TOKEN,        /* invalid_token */
  BOTBENCH_REST_ERROR_ACCESS_DENIED,        /* ACCESS_DENIED (e.g. "Client ID not specified") */
  BOTBENCH_REST_ERROR_WRONG_AUTH_TYPE,      /* WRONG_AUTH_TYPE */
  BOTBENCH_REST_ERROR_QUERY_LIMIT_EXCEEDED, /* 503 QUERY_LIMIT_EXCEEDED, after the retries */
  BOTBENCH_REST_ERROR_OPERATION_TIME_LIMIT, /* 429 OPERATION_TIME_LIMIT */
  BOTBENCH_REST_ERROR_OVERLOAD,             /* OVERLOAD_LIMIT */
  BOTBENCH_REST_ERROR_SERVER_ERROR,         /* INTERNAL_SERVER_ERROR, 5xx */
  BOTBENCH_REST_ERROR_REFRESH_FAILED,       /* the token endpoint refused the refresh token */
  BOTBENCH_REST_ERROR_MISSING_SECRET,       /* nothing in the secret store for this profile */
  BOTBENCH_REST_ERROR_BAD_PROFILE,          /* profile incomplete (no portal URL, …) */
  BOTBENCH_REST_ERROR_UNREACHABLE,          /* DNS, connection refused, … */
  BOTBENCH_REST_ERROR_TLS,                  /* certificate not trusted / handshake failed */
  BOTBENCH_REST_ERROR_TIMEOUT,              /* no answer within the timeout */
  BOTBENCH_REST_ERROR_BAD_RESPONSE,         /* not a JSON envelope */
} BotbenchRestError;

GQuark      botbench_rest_error_quark            (void);
/* The portal's "error" (e.g. "expired_token"), NULL if there was no envelope. */
const char *botbench_rest_error_get_code         (const GError *error);
/* The portal's "error_description", or NULL. */
const char *botbench_rest_error_get_description  (const GError *error);
/* The HTTP status, 0 if no response arrived. */
guint       botbench_rest_error_get_http_status  (const GError *error);
/* One sentence saying what to fix (also the start of error->message). */
const char *botbench_rest_error_get_advice       (const GError *error);

G_END_DECLS
