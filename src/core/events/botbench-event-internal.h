/* botbench-event-internal.h: the event's fields, for the files it is split into
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Only botbench-event.c (the object), botbench-event-decode.c (the
 * decoded body and the summary) and botbench-event-format.c (the JSON
 * line, the header list, the curl command) include this.
 */
#pragma once

#include "botbench-event-private.h"

G_BEGIN_DECLS

struct _BotbenchEvent
{
  GObject           parent_instance;

  gint64            id;
  gint64            received;
  char             *remote_address;
  char             *method;
  char             *path;
  char             *query;
  char            **headers;
  char             *content_type;
  GBytes           *body;

  char             *event_name;
  char             *bot_id;
  char             *bot_code;
  char             *message;

  gint64                 replay_of;
  BotbenchTokenState     token_state;
  gboolean               rejected;
  BotbenchForwardResult *forward;

  BotbenchEventSource    source;
  char                  *fetch_portal;
  gint64                 fetch_bot_id;
  gint64                 fetch_event_id;

  /* Both built lazily, once, on whichever thread asks first: for a new
   * event that is the store's writer, not the listener. */
  gsize             summarized;
  gsize             decoded;
  BotbenchFormNode *form;
  JsonNode         *json;
};

/* Decodes the body once (form or JSON), on whichever thread asks first. */
void _botbench_event_decode    (BotbenchEvent *self);
/* Derives the summary (event name, bot id and code, message) once. */
void _botbench_event_summarize (BotbenchEvent *self);

G_END_DECLS
