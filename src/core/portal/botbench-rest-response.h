/* botbench-rest-response.h: a successful REST envelope
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* A successful envelope: {"result": …, "time": {…}, "next": N, "total": N}. */
typedef struct _BotbenchRestResponse BotbenchRestResponse;

#define BOTBENCH_TYPE_REST_RESPONSE (botbench_rest_response_get_type ())
GType                 botbench_rest_response_get_type     (void) G_GNUC_CONST;
BotbenchRestResponse *botbench_rest_response_ref          (BotbenchRestResponse *self);
void                  botbench_rest_response_unref        (BotbenchRestResponse *self);
/* The whole envelope and its parts (borrowed). */
JsonNode             *botbench_rest_response_get_root     (BotbenchRestResponse *self);
JsonNode             *botbench_rest_response_get_result   (BotbenchRestResponse *self);
JsonObject           *botbench_rest_response_get_time     (BotbenchRestResponse *self);
gboolean              botbench_rest_response_has_next     (BotbenchRestResponse *self);
/* -1 when absent. */
gint64                botbench_rest_response_get_next     (BotbenchRestResponse *self);
gint64                botbench_rest_response_get_total    (BotbenchRestResponse *self);
guint                 botbench_rest_response_get_status   (BotbenchRestResponse *self);
/* Of the last attempt, in µs. */
gint64                botbench_rest_response_get_duration (BotbenchRestResponse *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BotbenchRestResponse, botbench_rest_response_unref)

G_END_DECLS
