/* botbench-event-template-private.h: what the template files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * botbench-event-template.c builds each event from the parts in
 * botbench-event-template-parts.c (credentials, data[BOT], data[USER],
 * ts and auth[]), writing keys into a form tree in order.
 */
#pragma once

#include "botbench-form-node.h"

G_BEGIN_DECLS

#define SERVER_ENDPOINT "https://oauth.bitrix.info/rest/"

typedef struct
{
  BotbenchFormNode *tree;
  GString          *prefix;         /* e.g. "data[PARAMS]" */

  /* the context with defaults filled in */
  gint64            bot_id;
  const char       *bot_code;
  const char       *bot_name;
  const char       *domain;
  char             *client_endpoint;
  const char       *member_id;
  const char       *app_token;
  const char       *client_id;
  const char       *scope;
  gint64            user_id;
  const char       *first_name;
  const char       *last_name;
  const char       *gender;
  const char       *message;
  gint64            chat_id;
  const char       *command;
  const char       *command_params;
  gint64            command_id;
  const char       *language;
  gint64            now;
  gint64            message_id;
} Builder;

typedef enum
{
  USER_SHORT,     /* ONIMCOMMANDADD: no WORK_POSITION */
  USER_JOIN,      /* ONIMBOTJOINCHAT: the first six */
  USER_MESSAGE,   /* message events: and the IS_* flags */
} UserShape;

/* Sets PREFIX[key], or key at the top level when the prefix is "". */
void _botbench_template_put           (Builder    *b,
                                       const char *key,
                                       const char *value);
void _botbench_template_put_int       (Builder    *b,
                                       const char *key,
                                       gint64      value);
/* Makes path ("data[PARAMS]") the prefix of the next keys. */
void _botbench_template_enter         (Builder    *b,
                                       const char *path);
/* data[BOT][id] or data[COMMAND][id] at path (§3.2). */
void _botbench_template_put_bot_entry (Builder    *b,
                                       const char *path);
/* data[BOT][<bot id>] */
void _botbench_template_put_bot_map   (Builder    *b);
/* data[USER] (§3.2) */
void _botbench_template_put_user      (Builder    *b,
                                       UserShape   shape);
/* ts, then auth[] of the user; the refresh token for message and command
 * events (§3.1). */
void _botbench_template_put_ts_auth   (Builder    *b,
                                       gboolean    with_refresh);

G_END_DECLS
