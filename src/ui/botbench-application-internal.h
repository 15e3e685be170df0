/* botbench-application-internal.h: what the application's own files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The instance struct, for botbench-application.c, -listener.c and
 * -sandbox.c only.
 */
#pragma once

#include "botbench-application-private.h"
#include "botbench-token-sync.h"

G_BEGIN_DECLS

struct _BotbenchApplication
{
  AdwApplication      parent_instance;

  GSettings          *settings;
  BotbenchEventStore *store;
  GError             *store_error;
  GError             *profiles_error;
  BotbenchListener   *listener;
  BotbenchForwarder  *forwarder;
  guint               restart_source;
  BotbenchTokenSync  *token_sync;
  /* OAuth profiles' tokens from their application's events. */
  BotbenchAuthFollower *auth_follower;

  BotbenchProfileManager *profiles;
  BotbenchSecretStore    *secrets;
  BotbenchRequestHistory *history;
  /* profile UUID → BotbenchRestClient */
  GHashTable             *clients;
  BotbenchSandbox        *sandbox;
  GCancellable           *cancellable;
  /* The active profile's bots, their fetchers (botbench-application-fetch.c). */
  BotbenchBotStore       *bots;
  GError                 *bots_error;
  BotbenchFetchManager   *fetch;
  guint                   shutting_down : 1;
  /* "Make the listener public" (botbench-application-tunnel.c). */
  BotbenchTunnel         *tunnel;
  BotbenchProfile        *tunnel_profile;
  char                   *tunnel_url;      /* given to tunnel_profile */
  char                   *tunnel_previous_url;   /* its public base URL before */
  /* The sandbox secret could not be stored: retry in session-only mode. */
  guint                   sandbox_secret_pending : 1;
  /* Desktop notifications of new events (botbench-application-notify.c). */
  gint64                  notify_seen_id;   /* the last id seen in a focused window */
  guint                   notify_busy : 1;
  guint                   notify_again : 1;
};

typedef enum
{
  LISTENER_FAILED,
  SANDBOX_FAILED,
  SECRETS_UNAVAILABLE,
  TUNNEL_FAILED,
  BOT_STORE_CHANGED,
  TUNNEL_CHANGED,
  N_SIGNALS
} ApplicationSignal;

/* Emits "listener-failed", "sandbox-failed", "secrets-unavailable" or
 * "tunnel-failed". */
void     _botbench_application_emit_error              (BotbenchApplication *self,
                                                        ApplicationSignal    signal,
                                                        const GError        *error);

/* Emits "bot-store-changed". */
void     _botbench_application_emit_bot_store_changed  (BotbenchApplication *self);
/* Emits "tunnel-changed". */
void     _botbench_application_emit_tunnel_changed     (BotbenchApplication *self);

/* botbench-application-fetch.c */
/* Loads the active profile's bots (if not loaded) and starts their fetchers. */
void     _botbench_application_load_active_bots        (BotbenchApplication *self);
/* "fetch-interval" changed. */
void     _botbench_application_apply_fetch_interval    (BotbenchApplication *self);
void     _botbench_application_stop_fetching           (BotbenchApplication *self);
void     _botbench_application_dispose_bots            (BotbenchApplication *self);

/* botbench-application-notify.c */
/* app.show-event and the notifications of events that come while no
 * window has the focus ("notify-events"). */
void     _botbench_application_setup_notifications     (BotbenchApplication *self);

/* botbench-application-listener.c */
/* Restarts a running listener once settings edits have settled. */
void     _botbench_application_restart_listener_later  (BotbenchApplication *self);

/* botbench-application-sandbox.c */
/* "notify::session-only" of the secret store: a sandbox secret that could
 * not be stored is stored again. */
void     _botbench_application_secrets_session_only_cb (BotbenchApplication *self,
                                                        GParamSpec          *pspec,
                                                        BotbenchSecretStore *secrets);

G_END_DECLS
