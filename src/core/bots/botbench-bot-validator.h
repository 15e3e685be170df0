/* botbench-bot-validator.h: checks a bot definition the way the portal will
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Client-side copy of the imbot.register checks (reference §1.3, §1.4; the
 * same order, codes and texts as CIMRestService::botRegister and the
 * sandbox), plus warnings for what the portal accepts but will not work.
 *
 * The result lists every ERROR first, in the server's order: the first one
 * is what the portal answers; the others would come one at a time after
 * fixing it.  WARNINGS follow, in a fixed order.
 */
#pragma once

#include <glib-object.h>

#include "botbench-bot.h"

G_BEGIN_DECLS

typedef enum
{
  BOTBENCH_BOT_ISSUE_ERROR,     /* the portal refuses the call */
  BOTBENCH_BOT_ISSUE_WARNING,   /* the portal says yes, the bot will not work as meant */
} BotbenchBotIssueSeverity;

/* Own warning codes (errors use the server's codes). */
#define BOTBENCH_BOT_WARNING_HANDLER_LOCAL_HOST      "HANDLER_LOCAL_HOST"
#define BOTBENCH_BOT_WARNING_HANDLER_PRIVATE_ADDRESS "HANDLER_PRIVATE_ADDRESS"
#define BOTBENCH_BOT_WARNING_HANDLER_PLAIN_HTTP      "HANDLER_PLAIN_HTTP"
#define BOTBENCH_BOT_WARNING_HANDLER_DROPPED         "HANDLER_DROPPED"
#define BOTBENCH_BOT_WARNING_HANDLER_SET_CONFLICT    "HANDLER_SET_CONFLICT"
#define BOTBENCH_BOT_WARNING_CODE_TAKEN              "CODE_TAKEN"
#define BOTBENCH_BOT_WARNING_NAME_EMPTY              "NAME_EMPTY"
#define BOTBENCH_BOT_WARNING_BIRTHDAY_FORMAT         "BIRTHDAY_FORMAT"
#define BOTBENCH_BOT_WARNING_BIRTHDAY_NOT_A_DATE     "BIRTHDAY_NOT_A_DATE"
#define BOTBENCH_BOT_WARNING_AVATAR_DATA_URI         "AVATAR_DATA_URI"
#define BOTBENCH_BOT_WARNING_AVATAR_NOT_IMAGE        "AVATAR_NOT_IMAGE"
#define BOTBENCH_BOT_WARNING_AVATAR_TOO_LARGE        "AVATAR_TOO_LARGE"
#define BOTBENCH_BOT_WARNING_BOT_LIMIT_LAST          "BOT_LIMIT_LAST"
#define BOTBENCH_BOT_WARNING_TYPE_NOT_UPDATABLE      "TYPE_NOT_UPDATABLE"
#define BOTBENCH_BOT_WARNING_OPENLINE_NOT_UPDATABLE  "OPENLINE_NOT_UPDATABLE"
/* v2 */
#define BOTBENCH_BOT_WARNING_CODE_NOT_UPDATABLE      "CODE_NOT_UPDATABLE"
#define BOTBENCH_BOT_WARNING_WEBHOOK_URL_IGNORED     "WEBHOOK_URL_IGNORED"
#define BOTBENCH_BOT_WARNING_TOKEN_IGNORED           "TOKEN_IGNORED"

/* Avatars above this width or height are dropped (§1.8). */
#define BOTBENCH_BOT_AVATAR_MAX_SIDE 5000
/* The default per-application bot limit of cloud portals (§1.10). */
#define BOTBENCH_BOT_DEFAULT_LIMIT   5

typedef struct
{
  BotbenchBotIssueSeverity  severity;
  char                     *field;    /* "CODE", "EVENT_HANDLER", "EVENT_MESSAGE_ADD", "PROPERTIES.NAME", …;
                                         NULL: the definition as a whole */
  char                     *code;     /* "CODE_ERROR", … or a BOTBENCH_BOT_WARNING_* id */
  char                     *message;  /* errors: the server's error_description, verbatim;
                                         warnings: a translated sentence saying what to fix */
  char                     *hint;     /* errors: a translated sentence saying what to fix; NULL for warnings */
} BotbenchBotIssue;

#define BOTBENCH_TYPE_BOT_ISSUE (botbench_bot_issue_get_type ())
GType             botbench_bot_issue_get_type (void) G_GNUC_CONST;
BotbenchBotIssue *botbench_bot_issue_copy     (const BotbenchBotIssue *issue);
void              botbench_bot_issue_free     (BotbenchBotIssue       *issue);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BotbenchBotIssue, botbench_bot_issue_free)

/* The effective handler URLs of one registered bot (after the EVENT_HANDLER
 * fan-out; NULL where the bot binds nothing). */
typedef struct
{
  char *code;                             /* the bot's CODE, for messages */
  char *urls[BOTBENCH_BOT_N_HANDLERS];    /* indexed by BotbenchBotHandler */
} BotbenchBotHandlerSet;

BotbenchBotHandlerSet *botbench_bot_handler_set_new  (BotbenchBot           *bot);
void                   botbench_bot_handler_set_free (BotbenchBotHandlerSet *set);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BotbenchBotHandlerSet, botbench_bot_handler_set_free)

typedef struct
{
  /* The portal's address ("https://example.bitrix24.com/"); NULL: a cloud
   * portal.  What it can reach follows from its host: a portal on loopback
   * reaches handlers on this machine and on private networks, one on a
   * private address (an on-premise portal on a LAN) reaches private
   * networks, any other only public hosts.  Handler hosts the portal
   * reaches are not warned about, nor plain http inside its own machine or
   * network. */
  const char  *portal_url;
  /* A webhook profile without a CLIENT_ID (→ ACCESS_DENIED, step 2). */
  gboolean     missing_client_id;
  /* The other bots of the same application (profile), as
   * BotbenchBotHandlerSet; nullable.  Checked for §1.6 and §1.7. */
  GPtrArray   *other_handler_sets;
  /* How many bots the owner (application or CLIENT_ID) already has. */
  guint        owner_bot_count;
  /* 0: no limit (on-premise); cloud: BOTBENCH_BOT_DEFAULT_LIMIT. */
  guint        bot_limit;
  /* Non-NULL: validate an imbot.update from @previous (§2.2) instead of a
   * registration: no required handlers or CODE, no limit, NAME_ERROR only
   * when NAME and LAST_NAME are both sent empty. */
  BotbenchBot *previous;
  /* v2 bots: the profile calls with OAuth (the owner is the application,
   * no botToken needed, token rotation refused); FALSE: an incoming
   * webhook, where every call needs the bot's botToken. */
  gboolean     oauth;
} BotbenchBotValidationContext;

/* A GPtrArray of BotbenchBotIssue (free function set); empty when the
 * definition is fine.  @context may be NULL (cloud portal, no other bots,
 * no limit known). */
GPtrArray *botbench_bot_validate            (BotbenchBot                        *bot,
                                             const BotbenchBotValidationContext *context);
/* Whether @issues holds an ERROR. */
gboolean   botbench_bot_issues_have_error   (GPtrArray                          *issues);

/* The server's URL check (§1.4, HandlerHelper::checkCallback): NULL when
 * @url passes, else "Wrong handler URL" or "Unsupported handler protocol". */
const char *botbench_bot_check_handler_url  (const char                         *url);

G_END_DECLS
