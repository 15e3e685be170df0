/* sandbox-v2-fixture.h: imbot.v2 calls against the sandbox for its tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * On top of sandbox-chat-fixture.h: v2 calls through the incoming webhook
 * (the method name is used as given), a check of a v2 error (its code and
 * HTTP 400), a v2 registration, and a test clock the sandbox reads (set
 * before start, moved by the test).
 */
#pragma once

#include "sandbox-chat-fixture.h"

/* Seconds added to the real time by the test clock. */
static gint test_clock_offset;

static inline gint64
test_clock (gpointer user_data)
{
  return g_get_real_time () + (gint64)g_atomic_int_get (&test_clock_offset) * G_USEC_PER_SEC;
}

static inline void
test_clock_advance (gint seconds)
{
  g_atomic_int_add (&test_clock_offset, seconds);
}

/* The reply of a v2 call that must succeed: its "result" (a new ref). */
static inline JsonObject *
v2_ok (Fixture    *f,
       const char *method,
       const char *json)
{
  g_autoptr(JsonNode) reply = NULL;
  JsonObject *object;
  guint status;

  reply = rest_raw (f, method, json, &status);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (reply));
  object = json_node_get_object (reply);
  if (json_object_has_member (object, "error"))
    g_error ("%s %s: unexpected %s: %s", method, json, json_object_get_string_member (object, "error"),
             json_object_get_string_member (object, "error_description"));
  g_assert_cmpuint (status, ==, 200);
  g_assert_true (json_object_has_member (object, "time"));

  return json_object_ref (json_object_get_object_member (object, "result"));
}

/* A v2 call that must fail with code, HTTP 400, and a description. */
static inline void
v2_error (Fixture    *f,
          const char *method,
          const char *json,
          const char *code)
{
  g_autoptr(JsonNode) reply = NULL;
  JsonObject *object;
  guint status;

  reply = rest_raw (f, method, json, &status);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (reply));
  object = json_node_get_object (reply);
  if (g_strcmp0 (json_object_get_string_member_with_default (object, "error", NULL), code) != 0)
    g_error ("%s %s: expected %s, got %s (%s)", method, json, code,
             json_object_get_string_member_with_default (object, "error", "(none)"),
             json_object_get_string_member_with_default (object, "error_description", ""));
  g_assert_cmpuint (status, ==, 400);
  g_assert_cmpstr (json_object_get_string_member_with_default (object, "error_description", ""), !=, "");
  g_assert_false (json_object_has_member (object, "result"));
}

/* imbot.v2.Bot.register with botToken token; extra: more "fields" members
 * with a leading comma, or "".  Returns the bot id. */
static inline gint64
v2_register (Fixture    *f,
             const char *token,
             const char *code,
             const char *extra)
{
  g_autofree char *json = g_strdup_printf ("{\"botToken\":\"%s\",\"fields\":{\"code\":\"%s\","
                                           "\"properties\":{\"name\":\"Bot %s\"}%s}}",
                                           token, code, code, extra ? extra : "");
  g_autoptr(JsonObject) result = v2_ok (f, "imbot.v2.Bot.register", json);

  return json_object_get_int_member (json_object_get_object_member (result, "bot"), "id");
}

/* imbot.v2.Event.get; the result (a new ref). */
static inline JsonObject *
v2_events (Fixture    *f,
           const char *token,
           gint64      bot_id,
           const char *extra)
{
  g_autofree char *json = g_strdup_printf ("{\"botToken\":\"%s\",\"botId\":%" G_GINT64_FORMAT "%s}",
                                           token, bot_id, extra ? extra : "");

  return v2_ok (f, "imbot.v2.Event.get", json);
}

static inline JsonArray *
events_of (JsonObject *result)
{
  return json_object_get_array_member (result, "events");
}

static inline gint64
event_id_at (JsonObject *result,
             guint       i)
{
  return json_object_get_int_member (json_array_get_object_element (events_of (result), i), "eventId");
}

/* An OAuth access token for user_id (authorization code flow). */
static inline char *
v2_oauth_token (Fixture *f,
                gint64   user_id)
{
  g_autofree char *authorize = NULL;
  g_autofree char *token_url = NULL;
  g_autoptr(JsonNode) code = NULL;
  g_autoptr(JsonNode) token = NULL;
  guint status;

  authorize = g_strdup_printf ("%soauth/authorize/?client_id=%s&user_id=%" G_GINT64_FORMAT,
                               f->url, botbench_sandbox_get_client_id (f->sandbox), user_id);
  code = request (f, "GET", authorize, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  token_url = g_strdup_printf ("%soauth/token/?grant_type=authorization_code&client_id=%s&client_secret=%s&code=%s",
                               f->url, botbench_sandbox_get_client_id (f->sandbox),
                               botbench_sandbox_get_client_secret (f->sandbox),
                               json_object_get_string_member (json_node_get_object (code), "code"));
  token = request (f, "GET", token_url, NULL, &status);
  g_assert_cmpuint (status, ==, 200);

  return g_strdup (json_object_get_string_member (json_node_get_object (token), "access_token"));
}

/* A v2 call with an OAuth token; the whole reply, *status its HTTP status. */
static inline JsonNode *
v2_oauth_raw (Fixture    *f,
              const char *token,
              const char *method,
              const char *json,
              guint      *status)
{
  g_autofree char *url = g_strdup_printf ("%srest/%s?auth=%s", f->url, method, token);

  return request (f, "POST", url, json, status);
}
