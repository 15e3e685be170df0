/* botbench-secret-store.h: profile secrets in the Secret Service
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Webhook secrets, OAuth client secrets and tokens are kept only in the
 * Secret Service (libsecret schema "io.github.botbench.Botbench.Secret",
 * attributes "profile-uuid" and "kind"), never in files or logs.  When no
 * Secret Service can be reached, calls fail with
 * BOTBENCH_SECRET_STORE_ERROR_UNAVAILABLE; the caller may then opt in to
 * session-only mode, which keeps secrets in memory for this run only.
 *
 * A secret this process makes itself (the built-in sandbox's) can also be
 * held: it answers lookups before the keyring, for this process only, and
 * is never written anywhere.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define BOTBENCH_SECRET_SCHEMA_NAME "io.github.botbench.Botbench.Secret"

typedef enum
{
  BOTBENCH_SECRET_KIND_WEBHOOK_SECRET,
  BOTBENCH_SECRET_KIND_CLIENT_SECRET,
  BOTBENCH_SECRET_KIND_ACCESS_TOKEN,
  BOTBENCH_SECRET_KIND_REFRESH_TOKEN,
  BOTBENCH_SECRET_KIND_APPLICATION_TOKEN,   /* the auth[application_token] events must carry */
  BOTBENCH_SECRET_KIND_BOT_TOKEN,   /* an imbot.v2 bot's botToken: see botbench_secret_bot_token_key() */
  BOTBENCH_SECRET_KIND_ANY,   /* only for clear: every secret of the profile */
} BotbenchSecretKind;

#define BOTBENCH_SECRET_STORE_ERROR (botbench_secret_store_error_quark ())

typedef enum
{
  BOTBENCH_SECRET_STORE_ERROR_UNAVAILABLE,
  BOTBENCH_SECRET_STORE_ERROR_LOCKED,
  BOTBENCH_SECRET_STORE_ERROR_FAILED,
} BotbenchSecretStoreError;

#define BOTBENCH_TYPE_SECRET_STORE (botbench_secret_store_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchSecretStore, botbench_secret_store, BOTBENCH, SECRET_STORE, GObject)

GQuark               botbench_secret_store_error_quark      (void);
/* "webhook-secret", "client-secret", "access-token", "refresh-token",
 * "application-token", "bot-token" (the "kind" attribute). */
const char          *botbench_secret_kind_to_string          (BotbenchSecretKind   kind);

/* A bot token belongs to one bot of a profile: pass this key, made of the
 * profile's UUID and the bot's code ("UUID/CODE"), as the @profile_uuid of
 * the calls below with BOTBENCH_SECRET_KIND_BOT_TOKEN.  The keyring item
 * gets the attributes profile-uuid = UUID, kind = "bot-token" and bot =
 * CODE, so clearing every secret of the profile (KIND_ANY) removes its
 * bot tokens too. */
char                *botbench_secret_bot_token_key           (const char          *profile_uuid,
                                                              const char          *bot_code);

BotbenchSecretStore *botbench_secret_store_new               (void);
gboolean             botbench_secret_store_get_session_only  (BotbenchSecretStore *self);
/* Explicit opt-in: keep secrets in memory only, for the life of this object. */
void                 botbench_secret_store_set_session_only  (BotbenchSecretStore *self,
                                                              gboolean             session_only);

void                 botbench_secret_store_store_async       (BotbenchSecretStore *self,
                                                              const char          *profile_uuid,
                                                              BotbenchSecretKind   kind,
                                                              const char          *secret,
                                                              GCancellable        *cancellable,
                                                              GAsyncReadyCallback  callback,
                                                              gpointer             user_data);
gboolean             botbench_secret_store_store_finish      (BotbenchSecretStore *self,
                                                              GAsyncResult        *result,
                                                              GError             **error);
/* Finishes with NULL and no error when nothing is stored.  Free the result
 * with botbench_secret_free(). */
void                 botbench_secret_store_lookup_async      (BotbenchSecretStore *self,
                                                              const char          *profile_uuid,
                                                              BotbenchSecretKind   kind,
                                                              GCancellable        *cancellable,
                                                              GAsyncReadyCallback  callback,
                                                              gpointer             user_data);
char                *botbench_secret_store_lookup_finish     (BotbenchSecretStore *self,
                                                              GAsyncResult        *result,
                                                              GError             **error);
/* @kind may be BOTBENCH_SECRET_KIND_ANY (removing a profile). */
void                 botbench_secret_store_clear_async       (BotbenchSecretStore *self,
                                                              const char          *profile_uuid,
                                                              BotbenchSecretKind   kind,
                                                              GCancellable        *cancellable,
                                                              GAsyncReadyCallback  callback,
                                                              gpointer             user_data);
gboolean             botbench_secret_store_clear_finish      (BotbenchSecretStore *self,
                                                              GAsyncResult        *result,
                                                              GError             **error);

/* Blocking variants for botbench-cli (they spin their own loop: never call
 * them from the UI thread). */
gboolean             botbench_secret_store_store_sync        (BotbenchSecretStore *self,
                                                              const char          *profile_uuid,
                                                              BotbenchSecretKind   kind,
                                                              const char          *secret,
                                                              GCancellable        *cancellable,
                                                              GError             **error);
char                *botbench_secret_store_lookup_sync       (BotbenchSecretStore *self,
                                                              const char          *profile_uuid,
                                                              BotbenchSecretKind   kind,
                                                              GCancellable        *cancellable,
                                                              GError             **error);

/* Held secrets: @secret answers lookups of @profile_uuid / @kind (async
 * and sync, keyring or session-only alike) before anything else, until
 * released or this object goes; it is kept in memory only and never
 * written to disk or logs.  A store through this object replaces a held
 * value; a clear releases it.  Holding a different value, or releasing a
 * held one, emits "changed". */
void                 botbench_secret_store_hold              (BotbenchSecretStore *self,
                                                              const char          *profile_uuid,
                                                              BotbenchSecretKind   kind,
                                                              const char          *secret);
void                 botbench_secret_store_release           (BotbenchSecretStore *self,
                                                              const char          *profile_uuid,
                                                              BotbenchSecretKind   kind);
gboolean             botbench_secret_store_is_held           (BotbenchSecretStore *self,
                                                              const char          *profile_uuid,
                                                              BotbenchSecretKind   kind);
/* The held value, or NULL; free it with botbench_secret_free(). */
char                *botbench_secret_store_dup_held          (BotbenchSecretStore *self,
                                                              const char          *profile_uuid,
                                                              BotbenchSecretKind   kind);

/* Signal "changed" (const char *profile_uuid, BotbenchSecretKind kind):
 * a store or clear through this object succeeded (kind may be ANY), or a
 * held secret was held, replaced or released.  Other
 * processes' changes are not seen. */

/* Wipes and frees a secret returned by this module. */
void                 botbench_secret_free                    (char                *secret);

G_END_DECLS
