/* botbench-event-template.h: simulated Bitrix24 events
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A template is a form body a portal would POST to a bot's handler, built
 * from a bot (id, code, name), the profile's facts (domain, member_id,
 * application_token, client_id) and a user, with the key order and
 * encoding of the real events in tests/fixtures/events (reference §3).
 */
#pragma once

#include <glib.h>

#include "botbench-types.h"

G_BEGIN_DECLS

#define BOTBENCH_EVENT_TEMPLATE_ERROR (botbench_event_template_error_quark ())

typedef enum
{
  BOTBENCH_EVENT_TEMPLATE_ERROR_UNKNOWN,   /* no template of that name */
} BotbenchEventTemplateError;

/* What a template is built from.  Every field may be NULL (0); the
 * fixtures' values are used then (portal example.bitrix24.com, user 27
 * "Svetlana Ivanova", ...).  Fresh access and refresh tokens are made up
 * for each body. */
typedef struct
{
  const char *domain;             /* "example.bitrix24.com" */
  const char *client_endpoint;    /* NULL: https://DOMAIN/rest/ */
  const char *member_id;
  const char *application_token;
  const char *client_id;          /* the app's client id */
  const char *scope;              /* "imbot" */
  gint64      user_id;            /* the portal user who triggers it */
  const char *user_first_name;
  const char *user_last_name;
  const char *user_gender;        /* "M", "F" */
  const char *message;            /* message events: the text */
  gint64      chat_id;            /* group templates: the chat */
  const char *command;            /* command-add: without '/' ("echo") */
  const char *command_params;     /* command-add: "test" */
  gint64      command_id;
  const char *language;           /* "en" */
} BotbenchTemplateContext;

GQuark               botbench_event_template_error_quark (void);

/* Fills ctx (all of it: zeroed first) with copies of profile's portal
 * facts: domain and client_endpoint from its portal URL, client_id (the
 * webhook's or the OAuth app's), and application_token as given (the
 * token the profile expects, looked up by the caller with
 * botbench_token_check_dup_expected_sync/_async; NULL: the fixtures').
 * profile may be NULL: only the token then.  The copies belong to ctx:
 * the fields domain, client_endpoint, member_id, client_id, scope and
 * application_token must not be replaced by borrowed strings; free them
 * with botbench_template_context_clear(). */
void                 botbench_template_context_init_from_profile (BotbenchTemplateContext *ctx,
                                                                  BotbenchProfile         *profile,
                                                                  const char              *application_token);
/* Frees what init_from_profile copied and zeroes ctx. */
void                 botbench_template_context_clear     (BotbenchTemplateContext       *ctx);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (BotbenchTemplateContext, botbench_template_context_clear)

/* The names, in menu order, NULL-terminated: "message-add-private",
 * "message-add-group-mention", "message-add-files", "message-add-forwarded",
 * "message-update", "message-delete", "join-chat-private",
 * "join-chat-group", "bot-delete", "command-add", "app-install". */
const char * const  *botbench_event_template_list       (void);
/* The event a template simulates ("ONIMBOTMESSAGEADD"), NULL if unknown. */
const char          *botbench_event_template_get_event  (const char                    *name);
/* A translated one-line title for menus, NULL if unknown. */
const char          *botbench_event_template_get_title  (const char                    *name);
/* The form body (application/x-www-form-urlencoded).  bot and ctx may be
 * NULL: bot 567 "echo_bot". */
char                *botbench_event_template_build      (const char                    *name,
                                                         BotbenchBot                   *bot,
                                                         const BotbenchTemplateContext *ctx,
                                                         GError                       **error);

G_END_DECLS
