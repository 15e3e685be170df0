/* botbench-doctor-private.h: what the doctor's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One Run per botbench_doctor_run_async(): a chain of steps, each adding
 * its checks and calling _botbench_doctor_next(), directly or from its
 * async callback.  botbench-doctor.c: the object, the portal's checks and
 * the bot list; -check.c: the results; -handlers.c: a v1 bot's checks;
 * -place.c: where a host is; -reach.c: the probes; -fetch.c: a v2
 * fetch-mode bot's checks.
 */
#pragma once

#include <libsoup/soup.h>

#include "botbench-doctor.h"
#include "botbench-bot.h"

G_BEGIN_DECLS

typedef enum
{
  DOCTOR_PLACE_PUBLIC,
  DOCTOR_PLACE_PRIVATE,    /* RFC 1918, link-local, CGNAT, fc00::/7, .local names */
  DOCTOR_PLACE_LOOPBACK,   /* this machine */
} DoctorPlace;

/* Tests: where @host is (instead of its address). */
typedef DoctorPlace (*BotbenchDoctorPlaceFunc) (const char *host,
                                                gpointer    user_data);

struct _BotbenchDoctor
{
  GObject               parent_instance;

  BotbenchRestClient   *client;
  BotbenchEventStore   *store;
  BotbenchBotStore     *bots;
  BotbenchSecretStore  *secrets;
  char                 *listener_url;
  char                 *public_url;
  gint64                bot_id;
  BotbenchDoctorPortal  portal;
  guint                 handler_timeout_ms;
  BotbenchDoctorPlaceFunc place_func;
  gpointer              place_data;
};

typedef enum
{
  STAGE_PORTAL,
  STAGE_APP,
  STAGE_BOT_LIST,
  STAGE_V1,
  STAGE_V2,
  STAGE_DONE,
} DoctorStage;

typedef struct
{
  gint64       id;
  BotbenchBot *definition;     /* nullable: not saved on this machine */
} DoctorBot;

typedef struct
{
  BotbenchDoctor *self;
  GTask          *task;
  GCancellable   *cancellable;
  SoupSession    *session;
  GPtrArray      *checks;       /* BotbenchDoctorCheck */
  DoctorStage     stage;
  char           *skip_reason;  /* non-NULL: later checks are skipped warnings */
  char          **scopes;
  GArray         *v1;           /* DoctorBot */
  GPtrArray      *v2;           /* BotbenchBot (fetch mode, registered) */
  guint           index;        /* the bot of the stage */
  guint           step;         /* the check of that bot */
  /* handler-reachable / handler-answers of one bot */
  GPtrArray      *urls;         /* char*: its distinct handler URLs */
  guint           url_index;
  BotbenchDoctorStatus status;
  GString        *message;
  /* fetch-poll */
  gint64          fetch_offset;
  gint64          fetch_last_us;   /* received time of the newest fetched event, 0: none */
} DoctorRun;

void      _botbench_doctor_next         (DoctorRun            *run);
void      _botbench_doctor_add          (DoctorRun            *run,
                                         const char           *name,
                                         BotbenchDoctorStatus  status,
                                         gint64                bot_id,
                                         char                 *message);
/* "Bot 12 (code): " */
char     *_botbench_doctor_bot_label    (gint64                id,
                                         BotbenchBot          *definition);
/* Adds the checks of a v1 bot (from the @first one) / of a v2 bot as
 * skipped warnings. */
void      _botbench_doctor_skip_v1      (DoctorRun            *run,
                                         const DoctorBot      *bot,
                                         guint                 first,
                                         const char           *reason);
void      _botbench_doctor_skip_v2      (DoctorRun            *run,
                                         gint64                id,
                                         BotbenchBot          *definition,
                                         const char           *reason);

/* botbench-doctor-handlers.c: step run->step of v1 bot run->index. */
void      _botbench_doctor_v1_step      (DoctorRun            *run);
/* Goes on with the next check of the bot (or the next bot). */
void      _botbench_doctor_v1_step_done (DoctorRun            *run);
/* botbench-doctor-fetch.c: step run->step of v2 bot run->index. */
void      _botbench_doctor_v2_step      (DoctorRun            *run);

/* botbench-doctor-place.c, botbench-doctor-reach.c */
DoctorPlace _botbench_doctor_place_of_host (BotbenchDoctor    *self,
                                            const char        *host);
/* The portal's place (the portal knob, else its URL's host). */
DoctorPlace _botbench_doctor_portal_place  (BotbenchDoctor    *self);
/* handler-reachable and handler-answers of the bot's run->urls. */
void      _botbench_doctor_reach_start  (DoctorRun            *run);
void      _botbench_doctor_answers_start (DoctorRun           *run);
/* The root of @url's scheme, host and port: where GET shows the listener's
 * status.  NULL when @url does not parse. */
char     *_botbench_doctor_root_of      (const char           *url);
/* TRUE when @url goes to Botbench's own listener (directly or through
 * the public URL). */
gboolean  _botbench_doctor_url_is_ours  (BotbenchDoctor       *self,
                                         const char           *url,
                                         gboolean             *through_public);

/* Tests */
void      _botbench_doctor_set_place_func (BotbenchDoctor         *self,
                                           BotbenchDoctorPlaceFunc func,
                                           gpointer                user_data);

G_END_DECLS
