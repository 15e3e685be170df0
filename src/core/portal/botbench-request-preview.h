/* botbench-request-preview.h: a REST request as it may be shown, secrets masked
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The one place that masks a request for display: the bot editor's preview
 * and "Copy as curl", `botbench-cli … --dry-run`, the profile's address and
 * the request history all go through it.  Secrets are replaced by
 * BOTBENCH_MASK: the webhook secret in the URL, the values of auth,
 * access_token, refresh_token, client_secret, application_token and
 * password wherever they appear.
 */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "botbench-profile.h"

G_BEGIN_DECLS

#define BOTBENCH_MASK "•••"

/* String values longer than this are cut by ABBREVIATE. */
#define BOTBENCH_REQUEST_PREVIEW_MAX_VALUE 120

typedef enum
{
  BOTBENCH_REQUEST_PREVIEW_DEFAULT    = 0,
  /* Show the member the REST client adds, masked: CLIENT_ID for a webhook
   * profile, auth for an OAuth profile. */
  BOTBENCH_REQUEST_PREVIEW_CREDENTIAL = 1 << 0,
  /* Cut long base64 values (an avatar's PERSONAL_PHOTO) in the body for
   * display; the curl command line always carries the whole body. */
  BOTBENCH_REQUEST_PREVIEW_ABBREVIATE = 1 << 1,
} BotbenchRequestPreviewFlags;

#define BOTBENCH_TYPE_REQUEST_PREVIEW (botbench_request_preview_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchRequestPreview, botbench_request_preview, BOTBENCH, REQUEST_PREVIEW, GObject)

/* @params: NULL or the call's parameters (not modified, not kept). */
BotbenchRequestPreview *botbench_request_preview_new           (BotbenchProfile             *profile,
                                                                const char                  *method,
                                                                JsonObject                  *params,
                                                                BotbenchRequestPreviewFlags  flags);
const char             *botbench_request_preview_get_method    (BotbenchRequestPreview      *self);
/* "https://portal/rest/1/•••/imbot.register.json" (webhook) or
 * "https://portal/rest/imbot.register.json" (OAuth). */
const char             *botbench_request_preview_get_url       (BotbenchRequestPreview      *self);
/* The masked body as a JSON object node (borrowed). */
JsonNode               *botbench_request_preview_get_body      (BotbenchRequestPreview      *self);
/* The masked body as text, pretty-printed (indent 2) or compact. */
char                   *botbench_request_preview_dup_body_text (BotbenchRequestPreview      *self,
                                                                gboolean                     pretty);
/* curl -X POST -H 'Content-Type: application/json' -d BODY URL, shell-quoted. */
char                   *botbench_request_preview_dup_curl      (BotbenchRequestPreview      *self);
/* {"method": …, "url": …, "body": {…}}, as `botbench-cli … --dry-run` prints it. */
JsonNode               *botbench_request_preview_to_json       (BotbenchRequestPreview      *self);

/* The REST base of @profile with the webhook secret masked:
 * "https://portal/rest/1/•••/" or "https://portal/rest/"; NULL without a
 * portal address. */
char                   *botbench_request_preview_dup_base_url  (BotbenchProfile             *profile);

/* Replaces every string of @secrets (NULL-terminated; NULL, or entries too
 * short to be secrets, are ignored), as is and URI-escaped, by
 * BOTBENCH_MASK, and masks the values of the secret keys above in JSON and
 * in query strings, whatever they hold.  NULL for NULL. */
char                   *botbench_request_preview_mask_text     (const char                  *text,
                                                                const char * const          *secrets);

G_END_DECLS
