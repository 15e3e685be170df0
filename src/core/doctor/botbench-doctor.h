/* botbench-doctor.h: "Why no events?", the delivery doctor
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs the checks of issue 13 in order against one profile and reports
 * each as {name, status, message}: the portal answers (`profile`), the
 * `imbot` scope, the application's installation, then for each v1 bot its
 * handler URLs (dot rule, https), whether the portal can reach them (from
 * where the portal is), whether they answer, one handler set per
 * application, the bot type, bot-to-bot messages and the application_token
 * of its recent events; for each v2 fetch-mode bot its ownership and its
 * polling.  Names are stable (JSON).  Never blocks: REST calls, probes and
 * store reads are async or on a worker thread.
 */
#pragma once

#include <gio/gio.h>

#include "botbench-types.h"
#include "botbench-bot-store.h"
#include "botbench-event-store.h"
#include "botbench-rest-client.h"
#include "botbench-secret-store.h"

G_BEGIN_DECLS

/* The portal's timeout for a handler: Bitrix24 documents none (reference
 * §3.1, §7); the one timeout on the delivery path is the 10 s socket
 * timeout of the portal's hop to its queue service, so a handler that
 * takes longer is certainly too slow. */
#define BOTBENCH_DOCTOR_HANDLER_TIMEOUT_MS 10000
/* Queued fetch-mode events older than this are not being fetched (the
 * fetch interval is at most 60 s). */
#define BOTBENCH_DOCTOR_QUEUE_AGE_LIMIT_S  120
/* The probe's event name: no bot reacts to it. */
#define BOTBENCH_DOCTOR_PROBE_EVENT "ONDOCTORPROBE"

typedef enum
{
  BOTBENCH_DOCTOR_STATUS_OK,
  BOTBENCH_DOCTOR_STATUS_WARNING,
  BOTBENCH_DOCTOR_STATUS_PROBLEM,
} BotbenchDoctorStatus;

/* Where the portal is, as far as what it can reach goes. */
typedef enum
{
  BOTBENCH_DOCTOR_PORTAL_AUTO,     /* from the host of the profile's portal URL */
  BOTBENCH_DOCTOR_PORTAL_LOCAL,    /* on this machine (the sandbox): reaches loopback */
  BOTBENCH_DOCTOR_PORTAL_REMOTE,   /* a cloud portal: reaches public hosts only */
} BotbenchDoctorPortal;

typedef struct
{
  char                 *name;      /* "profile", "scope", "handler-url", … */
  BotbenchDoctorStatus  status;
  char                 *message;   /* what is wrong and what to do, translated */
  gint64                bot_id;    /* 0 for the profile's checks */
} BotbenchDoctorCheck;

#define BOTBENCH_TYPE_DOCTOR_CHECK (botbench_doctor_check_get_type ())
GType                botbench_doctor_check_get_type   (void) G_GNUC_CONST;
BotbenchDoctorCheck *botbench_doctor_check_copy       (const BotbenchDoctorCheck *check);
void                 botbench_doctor_check_free       (BotbenchDoctorCheck       *check);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BotbenchDoctorCheck, botbench_doctor_check_free)

/* "ok", "warning", "problem" */
const char          *botbench_doctor_status_to_string (BotbenchDoctorStatus status);

#define BOTBENCH_TYPE_DOCTOR (botbench_doctor_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchDoctor, botbench_doctor, BOTBENCH, DOCTOR, GObject)

/* @store, @bots and @secrets are nullable: the checks that need them say
 * they were skipped.  @secrets gives webhook profiles' botTokens. */
BotbenchDoctor *botbench_doctor_new                (BotbenchRestClient  *client,
                                                    BotbenchEventStore  *store,
                                                    BotbenchBotStore    *bots,
                                                    BotbenchSecretStore *secrets);
/* The listener's base URL ("http://127.0.0.1:8024/"), NULL when stopped. */
void            botbench_doctor_set_listener_url   (BotbenchDoctor      *self,
                                                    const char          *url);
/* The profile's public base URL (tunnel); NULL: the profile's own. */
void            botbench_doctor_set_public_url     (BotbenchDoctor      *self,
                                                    const char          *url);
/* Check only this bot (v1 or v2); 0 = every bot. */
void            botbench_doctor_set_bot_id         (BotbenchDoctor      *self,
                                                    gint64               bot_id);
void            botbench_doctor_set_portal         (BotbenchDoctor      *self,
                                                    BotbenchDoctorPortal portal);
/* How long a handler may take to answer the probe (0: the default). */
void            botbench_doctor_set_handler_timeout (BotbenchDoctor     *self,
                                                     guint               timeout_ms);

/* Runs every check once; the result is a GPtrArray of BotbenchDoctorCheck
 * in order (free function set). */
void            botbench_doctor_run_async          (BotbenchDoctor      *self,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
GPtrArray      *botbench_doctor_run_finish         (BotbenchDoctor      *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);

/* TRUE when any check of @checks is a problem. */
gboolean        botbench_doctor_checks_have_problem (GPtrArray          *checks);

G_END_DECLS
