/* botbench-profile.h: one Bitrix24 portal connection (non-secret fields)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A profile is either an incoming webhook (https://<portal>/rest/<user>/<secret>/)
 * or an OAuth application.  The object never holds a secret: the webhook
 * secret, client secret and tokens live in BotbenchSecretStore, keyed by the
 * profile's UUID.  Profiles are persisted by BotbenchProfileManager.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define BOTBENCH_PROFILE_DEFAULT_TOKEN_ENDPOINT "https://oauth.bitrix.info/oauth/token/"
#define BOTBENCH_PROFILE_CLIENT_ID_LENGTH       32
#define BOTBENCH_PROFILE_MIN_SECRET_LENGTH      8
/* The built-in sandbox profile has this UUID, whatever its name. */
#define BOTBENCH_PROFILE_SANDBOX_UUID           "5a4db0c5-0b0e-4b1e-9a3d-6d2f0e5b1a01"

typedef enum
{
  BOTBENCH_PROFILE_KIND_WEBHOOK,
  BOTBENCH_PROFILE_KIND_OAUTH,
} BotbenchProfileKind;

#define BOTBENCH_PROFILE_ERROR (botbench_profile_error_quark ())

typedef enum
{
  BOTBENCH_PROFILE_ERROR_NOT_A_URL,
  BOTBENCH_PROFILE_ERROR_BAD_SCHEME,
  BOTBENCH_PROFILE_ERROR_NO_HOST,
  BOTBENCH_PROFILE_ERROR_NO_REST_PATH,
  BOTBENCH_PROFILE_ERROR_BAD_USER_ID,
  BOTBENCH_PROFILE_ERROR_BAD_SECRET,
  BOTBENCH_PROFILE_ERROR_EXTRA_PATH,
  BOTBENCH_PROFILE_ERROR_QUERY_STRING,
  BOTBENCH_PROFILE_ERROR_BAD_CLIENT_ID,
  BOTBENCH_PROFILE_ERROR_BAD_CERTIFICATE,
} BotbenchProfileError;

/* The parts of a pasted incoming-webhook URL. */
typedef struct
{
  char *portal_url;  /* "https://example.bitrix24.com/" (scheme, host, port; path "/") */
  char *user_id;     /* decimal digits */
  char *secret;      /* the webhook secret: never log it */
  char *warning;     /* NULL, or a sentence about an accepted but risky URL (http://) */
} BotbenchWebhookUrl;

void                botbench_webhook_url_free  (BotbenchWebhookUrl *url);
/* Checks the shape of @url and says precisely what is wrong with a bad one.
 * Plain http:// is accepted with a warning (real portals answer "Https
 * required."), so that loopback test portals work. */
BotbenchWebhookUrl *botbench_webhook_url_parse (const char         *url,
                                                GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BotbenchWebhookUrl, botbench_webhook_url_free)

#define BOTBENCH_TYPE_PROFILE_KIND (botbench_profile_kind_get_type ())
#define BOTBENCH_TYPE_PROFILE (botbench_profile_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchProfile, botbench_profile, BOTBENCH, PROFILE, GObject)

GType                botbench_profile_kind_get_type        (void) G_GNUC_CONST;
GQuark               botbench_profile_error_quark          (void);

/* TRUE for the built-in sandbox profile (BOTBENCH_PROFILE_SANDBOX_UUID). */
gboolean             botbench_profile_is_builtin_sandbox   (BotbenchProfile *profile);

/* 32 random letters and digits, for a webhook profile's CLIENT_ID. */
char                *botbench_profile_generate_client_id   (void);
/* Letters and digits only (CLIENT_ID is appended to handler URLs unencoded). */
gboolean             botbench_profile_check_client_id      (const char      *client_id,
                                                            GError         **error);

/* A new profile with a fresh UUID (or @uuid when restoring one) and, for
 * webhooks, a fresh CLIENT_ID. */
BotbenchProfile     *botbench_profile_new                  (BotbenchProfileKind kind,
                                                            const char      *uuid);

const char          *botbench_profile_get_uuid             (BotbenchProfile *self);
BotbenchProfileKind  botbench_profile_get_kind             (BotbenchProfile *self);
void                 botbench_profile_set_kind             (BotbenchProfile *self,
                                                            BotbenchProfileKind kind);
const char          *botbench_profile_get_name             (BotbenchProfile *self);
/* Use botbench_profile_manager_rename() for managed profiles (names are unique). */
void                 botbench_profile_set_name             (BotbenchProfile *self,
                                                            const char      *name);
/* "https://portal.example/" for both kinds. */
const char          *botbench_profile_get_portal_url       (BotbenchProfile *self);
void                 botbench_profile_set_portal_url       (BotbenchProfile *self,
                                                            const char      *portal_url);
/* Webhook: the user id of the webhook path. */
const char          *botbench_profile_get_user_id          (BotbenchProfile *self);
void                 botbench_profile_set_user_id          (BotbenchProfile *self,
                                                            const char      *user_id);
/* Webhook: the CLIENT_ID sent with every imbot.* call. */
const char          *botbench_profile_get_client_id        (BotbenchProfile *self);
void                 botbench_profile_set_client_id        (BotbenchProfile *self,
                                                            const char      *client_id);
/* OAuth: the application's client_id (local.xxx.yyy). */
const char          *botbench_profile_get_oauth_client_id  (BotbenchProfile *self);
void                 botbench_profile_set_oauth_client_id  (BotbenchProfile *self,
                                                            const char      *oauth_client_id);
/* OAuth: defaults to BOTBENCH_PROFILE_DEFAULT_TOKEN_ENDPOINT. */
const char          *botbench_profile_get_token_endpoint   (BotbenchProfile *self);
void                 botbench_profile_set_token_endpoint   (BotbenchProfile *self,
                                                            const char      *token_endpoint);
/* OAuth: unix time the access token expires, 0 if unknown. */
gint64               botbench_profile_get_token_expires    (BotbenchProfile *self);
void                 botbench_profile_set_token_expires    (BotbenchProfile *self,
                                                            gint64           token_expires);
/* Public base URL used to build handler URLs. */
const char          *botbench_profile_get_public_base_url  (BotbenchProfile *self);
void                 botbench_profile_set_public_base_url  (BotbenchProfile *self,
                                                            const char      *public_base_url);
/* PEM of the one certificate to trust for this portal (sandbox), or NULL. */
const char          *botbench_profile_get_certificate_pem  (BotbenchProfile *self);
void                 botbench_profile_set_certificate_pem  (BotbenchProfile *self,
                                                            const char      *certificate_pem);
/* Strict mode (profiles.ini key "strict-token"): the listener answers 401
 * to events whose auth[application_token] is wrong or missing.  The
 * expected token itself is a secret (BOTBENCH_SECRET_KIND_APPLICATION_TOKEN). */
gboolean             botbench_profile_get_strict_token     (BotbenchProfile *self);
void                 botbench_profile_set_strict_token     (BotbenchProfile *self,
                                                            gboolean         strict_token);
/* OAuth: the portal's member_id (auth[member_id] of its events), which
 * with the application_token says an event belongs to this profile. */
const char          *botbench_profile_get_member_id        (BotbenchProfile *self);
void                 botbench_profile_set_member_id        (BotbenchProfile *self,
                                                            const char      *member_id);
/* OAuth: the portal sent ONAPPUNINSTALL: the application is gone and its
 * tokens are void (profiles.ini key "uninstalled"). */
gboolean             botbench_profile_get_uninstalled      (BotbenchProfile *self);
void                 botbench_profile_set_uninstalled      (BotbenchProfile *self,
                                                            gboolean         uninstalled);
/* OAuth: newer tokens in the application's events replace the profile's
 * (BotbenchAuthFollower); on by default (profiles.ini key
 * "follow-event-tokens", written when off). */
gboolean             botbench_profile_get_follow_event_tokens (BotbenchProfile *self);
void                 botbench_profile_set_follow_event_tokens (BotbenchProfile *self,
                                                               gboolean         follow);
/* The parsed pinned certificate, NULL if none (error set if the PEM is bad). */
GTlsCertificate     *botbench_profile_dup_certificate      (BotbenchProfile *self,
                                                            GError         **error);

/* Webhook: fills portal URL and user id from @parsed (the secret goes to the
 * secret store, not here). */
void                 botbench_profile_apply_webhook_url    (BotbenchProfile *self,
                                                            const BotbenchWebhookUrl *parsed);
/* Webhook: "https://portal/rest/<user>/<masked>/" with the secret replaced by
 * "•••" — safe to show and log. */
char                *botbench_profile_dup_display_url      (BotbenchProfile *self);

G_END_DECLS
