/* test-sandbox.c: BotbenchSandbox over loopback
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything goes through plain libsoup requests, as a bot would send them.
 * Event deliveries go to a real BotbenchListener.  Time is a fake clock.
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "botbench-core.h"
#include "botbench-form-encoder.h"
#include "botbench-sandbox.h"
#include "botbench-sandbox-private.h"
#include "botbench-test-utils.h"

#define WAIT_MS 10000
/* A loopback port that refuses connections, for handlers nobody listens to. */
#define DEAD_HANDLER "http://127.0.0.1:9/bot"

typedef struct
{
  GMutex  mutex;
  gint64  now_us;
} FakeClock;

typedef struct
{
  char               *tmp_dir;
  char               *state_path;
  FakeClock           clock;
  BotbenchSandbox    *sandbox;
  SoupSession        *session;
  char               *url;
  char               *webhook;
  guint               n_delivered;
  GPtrArray          *delivered;   /* "EVENT status url" */

  /* Optional event receiver */
  BotbenchEventStore *store;
  BotbenchListener   *listener;
  char               *listener_url;

  /* Set up by method_setup */
  gint64              bot;
  gint64              other_bot;
  gint64              command;
  gint64              other_command;
  gint64              message;
} Fixture;

static gint64
fake_clock_now (gpointer data)
{
  FakeClock *clock = data;
  gint64 now;

  g_mutex_lock (&clock->mutex);
  now = clock->now_us;
  g_mutex_unlock (&clock->mutex);

  return now;
}

static void
advance_clock (Fixture *f,
               gint64   seconds)
{
  g_mutex_lock (&f->clock.mutex);
  f->clock.now_us += seconds * G_USEC_PER_SEC;
  g_mutex_unlock (&f->clock.mutex);
}

static void
delivered_cb (Fixture    *f,
              const char *event,
              const char *url,
              guint       status)
{
  f->n_delivered++;
  g_ptr_array_add (f->delivered, g_strdup_printf ("%s %u %s", event, status, url));
}

static void
start_sandbox (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  botbench_sandbox_start (f->sandbox, &error);
  g_assert_no_error (error);
  g_assert_true (botbench_sandbox_get_running (f->sandbox));

  g_free (f->url);
  g_free (f->webhook);
  f->url = botbench_sandbox_dup_url (f->sandbox);
  f->webhook = botbench_sandbox_dup_webhook_url (f->sandbox);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->tmp_dir = botbench_test_make_tmp_dir ();
  f->state_path = g_build_filename (f->tmp_dir, "sandbox", "state.db", NULL);
  g_mutex_init (&f->clock.mutex);
  f->clock.now_us = g_get_real_time ();
  f->delivered = g_ptr_array_new_with_free_func (g_free);

  f->sandbox = botbench_sandbox_new ();
  botbench_sandbox_set_port (f->sandbox, 0);
  botbench_sandbox_set_state_path (f->sandbox, f->state_path);
  botbench_sandbox_set_rate_limit (f->sandbox, FALSE);
  _botbench_sandbox_set_clock (f->sandbox, fake_clock_now, &f->clock);
  g_signal_connect_swapped (f->sandbox, "delivered", G_CALLBACK (delivered_cb), f);

  f->session = soup_session_new_with_options ("timeout", 30, NULL);

  if (data == NULL || GPOINTER_TO_INT (data) != 'n')
    start_sandbox (f);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->session);
  botbench_sandbox_stop (f->sandbox);
  /* Let queued "delivered" emissions run before the last unref. */
  botbench_test_iterate_pending (0);
  g_assert_finalize_object (g_steal_pointer (&f->sandbox));

  if (f->listener != NULL)
    {
      botbench_listener_stop (f->listener);
      g_assert_finalize_object (g_steal_pointer (&f->listener));
      botbench_event_store_close (f->store);
      g_clear_object (&f->store);
    }

  botbench_test_rm_rf (f->tmp_dir);
  g_clear_pointer (&f->tmp_dir, g_free);
  g_clear_pointer (&f->state_path, g_free);
  g_clear_pointer (&f->url, g_free);
  g_clear_pointer (&f->webhook, g_free);
  g_clear_pointer (&f->listener_url, g_free);
  g_clear_pointer (&f->delivered, g_ptr_array_unref);
  g_mutex_clear (&f->clock.mutex);
}

/* ------------------------------------------------------------------------ */
/* HTTP helpers                                                              */

static JsonNode *
parse_json (const char *text,
            gssize      len)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, len, &error);
  g_assert_no_error (error);

  return json_node_copy (json_parser_get_root (parser));
}

/* Sends a request and returns the parsed JSON reply; *status gets the
 * HTTP status.  body_type: "json", "form" or NULL (no body). */
static JsonNode *
request_full (Fixture    *f,
              SoupSession *session,
              const char *method,
              const char *url,
              const char *body_type,
              const char *body,
              const char *bearer,
              guint      *status)
{
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (msg);
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, g_str_equal (body_type, "json")
                                                       ? "application/json"
                                                       : "application/x-www-form-urlencoded",
                                                bytes);
    }
  if (bearer != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", bearer, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
    }

  reply = soup_session_send_and_read (session ? session : f->session, msg, NULL, &error);
  g_assert_no_error (error);
  *status = soup_message_get_status (msg);

  return parse_json (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply));
}

static JsonNode *
post_json (Fixture    *f,
           const char *url,
           const char *json,
           guint      *status)
{
  return request_full (f, NULL, "POST", url, "json", json, NULL, status);
}

/* webhook REST call with a JSON body */
static JsonNode *
webhook_call (Fixture    *f,
              const char *method,
              const char *json,
              guint      *status)
{
  g_autofree char *url = g_strconcat (f->webhook, method, NULL);

  return post_json (f, url, json, status);
}

static JsonNode *
control (Fixture    *f,
         const char *what,
         const char *json,
         guint      *status)
{
  g_autofree char *url = g_strconcat (f->url, "_sandbox/", what, NULL);

  return post_json (f, url, json, status);
}

static JsonObject *
reply_object (JsonNode *reply)
{
  g_assert_true (JSON_NODE_HOLDS_OBJECT (reply));
  return json_node_get_object (reply);
}

static void
assert_error (JsonNode   *reply,
              guint       status,
              guint       expected_status,
              const char *code,
              const char *description)
{
  JsonObject *object = reply_object (reply);

  g_assert_cmpstr (json_object_get_string_member_with_default (object, "error", "(none)"), ==, code);
  g_assert_cmpstr (json_object_get_string_member_with_default (object, "error_description", "(none)"),
                   ==, description);
  g_assert_cmpuint (status, ==, expected_status);
  g_assert_false (json_object_has_member (object, "result"));
}

static gint64
result_int (JsonNode *reply,
            guint     status)
{
  JsonObject *object = reply_object (reply);

  if (json_object_has_member (object, "error"))
    g_error ("unexpected error %s: %s", json_object_get_string_member (object, "error"),
             json_object_get_string_member (object, "error_description"));
  g_assert_cmpuint (status, ==, 200);
  g_assert_true (json_object_has_member (object, "time"));

  return json_object_get_int_member (object, "result");
}

static JsonNode *
result_node (JsonNode *reply,
             guint     status)
{
  JsonObject *object = reply_object (reply);

  if (json_object_has_member (object, "error"))
    g_error ("unexpected error %s: %s", json_object_get_string_member (object, "error"),
             json_object_get_string_member (object, "error_description"));
  g_assert_cmpuint (status, ==, 200);

  return json_object_get_member (object, "result");
}

static gint64
register_bot (Fixture    *f,
              const char *client_id,
              const char *code,
              const char *handler)
{
  g_autofree char *json = g_strdup_printf ("{\"CODE\":\"%s\",\"EVENT_HANDLER\":\"%s\",\"CLIENT_ID\":\"%s\","
                                           "\"PROPERTIES\":{\"NAME\":\"Bot %s\"}}",
                                           code, handler, client_id, code);
  g_autoptr(JsonNode) reply = NULL;
  guint status;

  reply = webhook_call (f, "imbot.register", json, &status);
  return result_int (reply, status);
}

/* ------------------------------------------------------------------------ */
/* Table-driven validation (§1.3, §2.1–2.5)                                  */

#include "sandbox-cases.h"

static gint64
register_command (Fixture    *f,
                  const char *client_id,
                  gint64      bot_id,
                  const char *command,
                  const char *handler)
{
  g_autofree char *json = g_strdup_printf ("{\"CLIENT_ID\":\"%s\",\"BOT_ID\":%" G_GINT64_FORMAT ",\"COMMAND\":\"%s\","
                                           "\"EVENT_COMMAND_ADD\":\"%s\",\"LANG\":[{\"LANGUAGE_ID\":\"en\","
                                           "\"TITLE\":\"t\",\"PARAMS\":\"p\"}]}",
                                           client_id, bot_id, command, handler);
  g_autoptr(JsonNode) reply = NULL;
  guint status;

  reply = webhook_call (f, "imbot.command.register", json, &status);
  return result_int (reply, status);
}

static char *
substitute (Fixture    *f,
            const char *body)
{
  const struct { const char *name; gint64 value; } vars[] = {
    { "%BOT%", f->bot }, { "%OTHER%", f->other_bot }, { "%CMD%", f->command },
    { "%OTHERCMD%", f->other_command }, { "%MSG%", f->message },
  };
  char *text = g_strdup (body);

  for (guint i = 0; i < G_N_ELEMENTS (vars); i++)
    {
      g_autofree char *value = g_strdup_printf ("%" G_GINT64_FORMAT, vars[i].value);
      g_auto(GStrv) parts = g_strsplit (text, vars[i].name, -1);

      g_free (text);
      text = g_strjoinv (value, parts);
    }

  return text;
}

static void
method_setup (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(JsonNode) reply = NULL;
  guint status;

  fixture_setup (f, NULL);
  f->bot = register_bot (f, "app1", "bot_a", DEAD_HANDLER);
  f->other_bot = register_bot (f, "app2", "bot_b", DEAD_HANDLER);
  f->command = register_command (f, "app1", f->bot, "echo", DEAD_HANDLER);
  f->other_command = register_command (f, "app2", f->other_bot, "ping", DEAD_HANDLER);
  reply = control (f, "message", "{\"FROM_USER_ID\":7,\"DIALOG_ID\":\"chat5\",\"MESSAGE\":\"hello\"}", &status);
  f->message = json_object_get_int_member (json_node_get_object (result_node (reply, status)), "MESSAGE_ID");
  g_assert_cmpint (f->message, >, 0);
}

static void
test_validation_case (Fixture       *f,
                      gconstpointer  data)
{
  const ValidationCase *c = data;
  g_autofree char *body = substitute (f, c->body);
  g_autoptr(JsonNode) reply = NULL;
  guint status;

  reply = webhook_call (f, c->method, body, &status);
  if (c->error != NULL)
    assert_error (reply, status, c->status, c->error, c->description);
  else
    {
      JsonNode *result = result_node (reply, status);

      g_assert_cmpuint (status, ==, c->status);
      g_assert_nonnull (result);
      g_assert_false (JSON_NODE_HOLDS_NULL (result));
    }
}

static void
test_auth_case (Fixture       *f,
                gconstpointer  data)
{
  const AuthCase *c = data;
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *url = NULL;
  const char *bearer = NULL;
  const char *body = "{\"CLIENT_ID\":\"app1\",\"CODE\":\"x\",\"EVENT_HANDLER\":\"https://bot.example.com/e\","
                     "\"PROPERTIES\":{\"NAME\":\"B\"}}";
  guint status;

  switch (c->kind)
    {
    case AUTH_BAD_SECRET:
      url = g_strdup_printf ("%srest/1/wrongsecret/imbot.register.json", f->url);
      break;

    case AUTH_BAD_USER:
      {
        g_autofree char *secret_path = g_strdup (f->webhook + strlen (f->url) + strlen ("rest/1/"));

        url = g_strdup_printf ("%srest/2/%simbot.register", f->url, secret_path);
      }
      break;

    case AUTH_OAUTH_NONE:
      url = g_strdup_printf ("%srest/imbot.register", f->url);
      break;

    case AUTH_OAUTH_BOGUS:
      url = g_strdup_printf ("%srest/imbot.register?auth=0123456789abcdef", f->url);
      break;

    case AUTH_OAUTH_BOGUS_BEARER:
      url = g_strdup_printf ("%srest/imbot.register.json", f->url);
      bearer = "0123456789abcdef";
      break;

    default:
      g_assert_not_reached ();
    }

  reply = request_full (f, NULL, "POST", url, "json", body, bearer, &status);
  assert_error (reply, status, c->status, c->error, c->description);
}

/* §1.4: the handler URL rule, through imbot.register. */
typedef struct
{
  const char *url;
  const char *description;   /* NULL: accepted */
} UrlCase;

static const UrlCase url_cases[] = {
  { "http://localhost:8080/x", "Wrong handler URL" },
  { "https://mybox/x", "Wrong handler URL" },
  { "example.com/x", "Wrong handler URL" },
  { "http://[::1]/x", "Wrong handler URL" },
  { "http://.example/x", "Wrong handler URL" },
  { "http:///x", "Wrong handler URL" },
  { "", NULL },   /* empty EVENT_HANDLER: no fan-out, so "isn't specified" (checked below) */
  { "ftp://example.com/x", "Unsupported handler protocol" },
  { "HTTPS://example.com/x", "Unsupported handler protocol" },
  { "//example.com/x", "Unsupported handler protocol" },
  { "http://127.0.0.1:8080/x", NULL },
  { "http://192.168.1.5/x", NULL },
  { "https://user:pw@bot.example.com:8443/x?y=1#z", NULL },
  { "http://a.b", NULL },
  /* what PHP's parse_url() makes of them */
  { "http://bot.example.com:99999/x", "Wrong handler URL" },   /* parse_url() is false */
  { "https://@/x", "Wrong handler URL" },
  { "bot.example.com:8080/x", "Unsupported handler protocol" }, /* a host and port, no scheme */
  { "http://bot.example.com:80x/", NULL },                      /* port "80x" is 80 */
};

static void
test_handler_url_rule (Fixture       *f,
                       gconstpointer  data)
{
  for (guint i = 0; i < G_N_ELEMENTS (url_cases); i++)
    {
      g_autoptr(JsonNode) reply = NULL;
      g_autofree char *body = NULL;
      g_autofree char *code = g_strdup_printf ("url%u", i);
      guint status;

      body = g_strdup_printf ("{\"CLIENT_ID\":\"app1\",\"CODE\":\"%s\",\"EVENT_HANDLER\":\"%s\","
                              "\"EVENT_MESSAGE_ADD\":\"%s\",\"PROPERTIES\":{\"NAME\":\"B\"}}",
                              code, url_cases[i].url, url_cases[i].url);
      reply = webhook_call (f, "imbot.register", body, &status);

      g_test_message ("URL “%s”", url_cases[i].url);
      if (*url_cases[i].url == '\0')
        assert_error (reply, status, 400, "EVENT_MESSAGE_ADD_ERROR", "Handler for \"Message add\" event isn't specified");
      else if (url_cases[i].description != NULL)
        assert_error (reply, status, 400, "EVENT_MESSAGE_ADD_ERROR", url_cases[i].description);
      else
        g_assert_cmpint (result_int (reply, status), >, 0);
    }
}

/* ------------------------------------------------------------------------ */
/* Portal rules                                                              */

static JsonObject *
bot_list (Fixture *f)
{
  g_autoptr(JsonNode) reply = NULL;
  JsonNode *result;
  guint status;

  reply = webhook_call (f, "imbot.bot.list", "{}", &status);
  result = result_node (reply, status);
  if (JSON_NODE_HOLDS_ARRAY (result))
    {
      g_assert_cmpuint (json_array_get_length (json_node_get_array (result)), ==, 0);
      return json_object_new ();
    }

  return json_object_ref (json_node_get_object (result));
}

static void
test_bot_list_empty_is_array (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(JsonNode) reply = NULL;
  guint status;

  reply = webhook_call (f, "imbot.bot.list", "{}", &status);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (result_node (reply, status)));
}

static void
test_code_dedupe (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(JsonObject) list = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *key = NULL;
  JsonObject *bot;
  gint64 first, again, other_app;
  guint status;

  first = register_bot (f, "app1", "dup", "https://one.example.com/e");
  g_assert_cmpint (first, >, 0);

  /* Same owner: idempotent, profile unchanged */
  reply = webhook_call (f, "imbot.register",
                        "{\"CLIENT_ID\":\"app1\",\"CODE\":\"dup\",\"EVENT_HANDLER\":\"https://one.example.com/e\","
                        "\"PROPERTIES\":{\"NAME\":\"Other name\"}}", &status);
  again = result_int (reply, status);
  g_assert_cmpint (again, ==, first);

  /* Another owner gets the same id: CODE is unique across the portal (§1.6) */
  other_app = register_bot (f, "app2", "dup", "https://two.example.com/e");
  g_assert_cmpint (other_app, ==, first);

  list = bot_list (f);
  g_assert_cmpuint (json_object_get_size (list), ==, 1);
  key = g_strdup_printf ("%" G_GINT64_FORMAT, first);
  bot = json_object_get_object_member (list, key);
  g_assert_nonnull (bot);
  g_assert_cmpint (json_object_get_int_member (bot, "ID"), ==, first);
  g_assert_cmpstr (json_object_get_string_member (bot, "NAME"), ==, "Bot dup");
  g_assert_cmpstr (json_object_get_string_member (bot, "CODE"), ==, "dup");
  g_assert_cmpstr (json_object_get_string_member (bot, "OPENLINE"), ==, "N");

  /* The bot still belongs to app1. */
  {
    g_autofree char *body = g_strdup_printf ("{\"CLIENT_ID\":\"app2\",\"BOT_ID\":%" G_GINT64_FORMAT "}", first);
    g_autoptr(JsonNode) unreg = webhook_call (f, "imbot.unregister", body, &status);

    assert_error (unreg, status, 400, "APP_ID_ERROR", "Bot was installed by another rest application");
  }
}

static void
test_bot_limit (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(JsonNode) reply = NULL;
  guint status;

  botbench_sandbox_stop (f->sandbox);
  botbench_sandbox_set_bot_limit (f->sandbox, 2);
  start_sandbox (f);

  register_bot (f, "app1", "l1", "https://bot.example.com/e");
  register_bot (f, "app1", "l2", "https://bot.example.com/e");

  reply = webhook_call (f, "imbot.register",
                        "{\"CLIENT_ID\":\"app1\",\"CODE\":\"l3\",\"EVENT_HANDLER\":\"https://bot.example.com/e\","
                        "\"PROPERTIES\":{\"NAME\":\"B\"}}", &status);
  assert_error (reply, status, 400, "MAX_COUNT_ERROR", "Has reached the maximum number of bots for application (max: 2)");
  g_clear_pointer (&reply, json_node_unref);

  /* The limit is checked before the CODE dedupe (§1.6) */
  reply = webhook_call (f, "imbot.register",
                        "{\"CLIENT_ID\":\"app1\",\"CODE\":\"l1\",\"EVENT_HANDLER\":\"https://bot.example.com/e\","
                        "\"PROPERTIES\":{\"NAME\":\"B\"}}", &status);
  assert_error (reply, status, 400, "MAX_COUNT_ERROR", "Has reached the maximum number of bots for application (max: 2)");

  /* …and counted per owner */
  g_assert_cmpint (register_bot (f, "app2", "l4", "https://bot.example.com/e"), >, 0);

  /* 0 = unlimited, as on-premise */
  botbench_sandbox_stop (f->sandbox);
  botbench_sandbox_set_bot_limit (f->sandbox, 0);
  start_sandbox (f);
  for (guint i = 0; i < 6; i++)
    {
      g_autofree char *code = g_strdup_printf ("u%u", i);

      g_assert_cmpint (register_bot (f, "app1", code, "https://bot.example.com/e"), >, 0);
    }
}

static void
test_scope (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(JsonNode) scope = NULL;
  guint status;

  botbench_sandbox_stop (f->sandbox);
  botbench_sandbox_set_scope (f->sandbox, "user,task");
  start_sandbox (f);

  reply = webhook_call (f, "imbot.register",
                        "{\"CLIENT_ID\":\"app1\",\"CODE\":\"s\",\"EVENT_HANDLER\":\"https://bot.example.com/e\","
                        "\"PROPERTIES\":{\"NAME\":\"B\"}}", &status);
  assert_error (reply, status, 401, "insufficient_scope",
                "The request requires higher privileges than provided by the webhook token");

  scope = webhook_call (f, "scope", "{}", &status);
  {
    JsonArray *array = json_node_get_array (result_node (scope, status));

    g_assert_cmpuint (json_array_get_length (array), ==, 2);
    g_assert_cmpstr (json_array_get_string_element (array, 0), ==, "user");
    g_assert_cmpstr (json_array_get_string_element (array, 1), ==, "task");
  }
}

static void
test_envelope_and_form_body (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *url = g_strconcat (f->webhook, "IMBOT.REGISTER.json", NULL);
  g_autoptr(JsonNode) reply = NULL;
  JsonObject *time;
  guint status;

  /* PHP-style form body, mixed-case method name, query-string CLIENT_ID */
  {
    g_autofree char *with_query = g_strconcat (url, "?client_id=app1", NULL);

    reply = request_full (f, NULL, "POST", with_query, "form",
                          "CODE=formbot&EVENT_HANDLER=https%3A%2F%2Fbot.example.com%2Fe&PROPERTIES%5BNAME%5D=Form+Bot",
                          NULL, &status);
  }
  g_assert_cmpint (result_int (reply, status), >, 0);

  time = json_object_get_object_member (reply_object (reply), "time");
  g_assert_nonnull (time);
  for (guint i = 0; i < 8; i++)
    {
      static const char *keys[] = { "start", "finish", "duration", "processing", "date_start",
                                    "date_finish", "operating_reset_at", "operating" };

      g_assert_true (json_object_has_member (time, keys[i]));
    }
  g_assert_cmpfloat (json_object_get_double_member (time, "finish"), >=,
                     json_object_get_double_member (time, "start"));
  g_assert_nonnull (strchr (json_object_get_string_member (time, "date_start"), 'T'));

  {
    g_autoptr(JsonObject) list = bot_list (f);
    g_autoptr(GList) values = json_object_get_values (list);

    g_assert_cmpuint (g_list_length (values), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (values->data), "NAME"), ==, "Form Bot");
  }
}

/* ------------------------------------------------------------------------ */
/* Event delivery to a real listener (§3)                                    */

static void
start_listener (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *db = g_build_filename (f->tmp_dir, "events.db", NULL);

  f->store = botbench_event_store_new (db, &error);
  g_assert_no_error (error);
  f->listener = botbench_listener_new (f->store);
  botbench_listener_set_port (f->listener, 0);
  botbench_listener_start (f->listener, &error);
  g_assert_no_error (error);
  f->listener_url = botbench_listener_dup_url (f->listener);
}

typedef struct
{
  Fixture *f;
  guint    n;
} WaitData;

static gboolean
delivered_at_least (gpointer data)
{
  WaitData *wait = data;

  return wait->f->n_delivered >= wait->n;
}

static gboolean
stored_at_least (gpointer data)
{
  WaitData *wait = data;
  BotbenchEventQuery query = { 0 };

  return botbench_event_store_count (wait->f->store, &query, NULL) >= (gint64)wait->n;
}

static void
wait_stored (Fixture *f,
             guint    n)
{
  WaitData wait = { f, n };
  g_autofree char *what = g_strdup_printf ("%u events to be stored", n);

  botbench_test_assert_wait_until_full (stored_at_least, &wait, WAIT_MS, what);
}

/* Waits until n events were delivered and stored; returns them oldest first. */
static GPtrArray *
wait_for_events (Fixture *f,
                 guint    n)
{
  WaitData wait = { f, n };
  BotbenchEventQuery query = { .ascending = TRUE, .limit = 1000 };
  g_autoptr(GError) error = NULL;
  g_autofree char *delivered = g_strdup_printf ("%u events to be delivered", n);
  g_autofree char *stored = g_strdup_printf ("%u events to be stored", n);
  GPtrArray *events;

  botbench_test_assert_wait_until_full (delivered_at_least, &wait, WAIT_MS, delivered);
  botbench_test_assert_wait_until_full (stored_at_least, &wait, WAIT_MS, stored);

  events = botbench_event_store_query (f->store, &query, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (events->len, ==, n);

  return events;
}

/* Key paths of a decoded form, ids (integer keys) as "#". */
static void
collect_paths (BotbenchFormNode *node,
               const char       *prefix,
               GPtrArray        *paths)
{
  for (guint i = 0; i < botbench_form_node_get_n_children (node); i++)
    {
      BotbenchFormNode *child = botbench_form_node_get_child (node, i);
      const char *key = botbench_form_node_child_key_is_int (node, i) ? "#" : botbench_form_node_get_child_key (node, i);
      g_autofree char *path = *prefix ? g_strdup_printf ("%s[%s]", prefix, key) : g_strdup (key);

      if (botbench_form_node_get_node_type (child) == BOTBENCH_FORM_NODE_ARRAY)
        collect_paths (child, path, paths);
      else
        g_ptr_array_add (paths, g_steal_pointer (&path));
    }
}

static char *
form_paths (BotbenchFormNode *form)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);

  collect_paths (form, "", paths);
  g_ptr_array_add (paths, NULL);

  return g_strjoinv ("\n", (char **)paths->pdata);
}

/* The event has exactly the fixture's key paths, in the fixture's order. */
static void
assert_shape_matches_fixture (BotbenchEvent *event,
                              const char    *fixture)
{
  g_autoptr(GBytes) bytes = botbench_test_load_fixture (fixture);
  g_autoptr(BotbenchFormNode) expected = botbench_post_decode_urlencoded (g_bytes_get_data (bytes, NULL),
                                                                          g_bytes_get_size (bytes));
  g_autofree char *expected_paths = form_paths (expected);
  g_autofree char *paths = form_paths (botbench_event_get_form (event));

  g_assert_cmpstr (botbench_event_get_event_name (event), ==, fixture);
  g_assert_cmpstr (paths, ==, expected_paths);
}

/* An OAuth access token for user_id via /oauth/authorize and /oauth/token. */
static JsonObject *
oauth_tokens (Fixture *f,
              gint64   user_id)
{
  g_autofree char *authorize = NULL;
  g_autofree char *token_url = NULL;
  g_autoptr(JsonNode) code_reply = NULL;
  g_autoptr(JsonNode) token_reply = NULL;
  guint status;

  authorize = g_strdup_printf ("%soauth/authorize/?client_id=%s&user_id=%" G_GINT64_FORMAT "&state=s1",
                               f->url, botbench_sandbox_get_client_id (f->sandbox), user_id);
  code_reply = request_full (f, NULL, "GET", authorize, NULL, NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (reply_object (code_reply), "state"), ==, "s1");

  token_url = g_strdup_printf ("%soauth/token/?grant_type=authorization_code&client_id=%s&client_secret=%s&code=%s",
                               f->url, botbench_sandbox_get_client_id (f->sandbox),
                               botbench_sandbox_get_client_secret (f->sandbox),
                               json_object_get_string_member (reply_object (code_reply), "code"));
  token_reply = request_full (f, NULL, "GET", token_url, NULL, NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (reply_object (token_reply), "user_id"), ==, user_id);
  g_assert_cmpint (json_object_get_int_member (reply_object (token_reply), "expires_in"), ==,
                   botbench_sandbox_get_token_ttl (f->sandbox));

  return json_object_ref (reply_object (token_reply));
}

/* A redirect_uri GUri cannot resolve (port "9u") is refused with 400, not
 * handed to libsoup (a critical and no answer: found by fuzz-sandbox). */
static void
test_oauth_bad_redirect (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *authorize = NULL;
  g_autoptr(JsonNode) reply = NULL;
  guint status;

  authorize = g_strdup_printf ("%soauth/authorize/?client_id=%s&state=s&redirect_uri=http%%3A%%2F%%2F127.0.0.1%%3A9u%%2Fcb",
                               f->url, botbench_sandbox_get_client_id (f->sandbox));
  reply = request_full (f, NULL, "GET", authorize, NULL, NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 400);
  g_assert_cmpstr (json_object_get_string_member (reply_object (reply), "error"), ==, "invalid_request");
}

static JsonNode *
oauth_call (Fixture    *f,
            const char *method,
            const char *token,
            const char *json,
            guint      *status)
{
  g_autofree char *url = g_strdup_printf ("%srest/%s?auth=%s", f->url, method, token);

  return post_json (f, url, json, status);
}

static void
test_oauth_events_match_fixtures (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(JsonObject) tokens = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autofree char *handler = NULL;
  g_autofree char *body = NULL;
  const char *token;
  const char *app_token;
  gint64 bot_id, command_id;
  guint status;

  start_listener (f);
  tokens = oauth_tokens (f, 27);
  token = json_object_get_string_member (tokens, "access_token");

  /* OAuth app: CLIENT_ID is not needed and not appended */
  handler = g_strconcat (f->listener_url, "bot/events", NULL);
  body = g_strdup_printf ("{\"CODE\":\"echo_bot\",\"EVENT_HANDLER\":\"%s\",\"PROPERTIES\":{\"NAME\":\"Echo\"}}", handler);
  reply = oauth_call (f, "imbot.register", token, body, &status);
  bot_id = result_int (reply, status);
  g_clear_pointer (&reply, json_node_unref);
  g_clear_pointer (&body, g_free);

  body = g_strdup_printf ("{\"BOT_ID\":%" G_GINT64_FORMAT ",\"COMMAND\":\"echo\",\"EVENT_COMMAND_ADD\":\"%s\","
                          "\"LANG\":[{\"LANGUAGE_ID\":\"en\",\"TITLE\":\"Echo\"}]}", bot_id, handler);
  reply = oauth_call (f, "imbot.command.register", token, body, &status);
  command_id = result_int (reply, status);
  g_clear_pointer (&reply, json_node_unref);
  g_clear_pointer (&body, g_free);

  /* join, message, command, unregister: four POSTs */
  body = g_strdup_printf ("{\"BOT_ID\":%" G_GINT64_FORMAT ",\"USER_ID\":27}", bot_id);
  reply = control (f, "join", body, &status);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (result_node (reply, status)), "EVENTS"), ==, 1);
  g_clear_pointer (&reply, json_node_unref);
  g_clear_pointer (&body, g_free);
  wait_stored (f, 1);

  body = g_strdup_printf ("{\"FROM_USER_ID\":27,\"BOT_ID\":%" G_GINT64_FORMAT ",\"MESSAGE\":\"Hello, bot!\"}", bot_id);
  reply = control (f, "message", body, &status);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (result_node (reply, status)), "EVENTS"), ==, 1);
  g_clear_pointer (&reply, json_node_unref);
  g_clear_pointer (&body, g_free);
  wait_stored (f, 2);

  body = g_strdup_printf ("{\"FROM_USER_ID\":27,\"DIALOG_ID\":\"%" G_GINT64_FORMAT "\",\"MESSAGE\":\"/echo test\"}", bot_id);
  reply = control (f, "message", body, &status);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (result_node (reply, status)), "COMMAND_ID"),
                   ==, command_id);
  g_clear_pointer (&reply, json_node_unref);
  g_clear_pointer (&body, g_free);

  /* Deliveries are concurrent: wait for each so the store keeps this order. */
  wait_stored (f, 3);

  body = g_strdup_printf ("{\"BOT_ID\":%" G_GINT64_FORMAT "}", bot_id);
  reply = oauth_call (f, "imbot.unregister", token, body, &status);
  g_assert_true (json_node_get_boolean (result_node (reply, status)));
  g_clear_pointer (&reply, json_node_unref);

  events = wait_for_events (f, 4);
  assert_shape_matches_fixture (events->pdata[0], "ONIMBOTJOINCHAT");
  assert_shape_matches_fixture (events->pdata[1], "ONIMBOTMESSAGEADD");
  assert_shape_matches_fixture (events->pdata[2], "ONIMCOMMANDADD");
  assert_shape_matches_fixture (events->pdata[3], "ONIMBOTDELETE");

  app_token = botbench_form_node_lookup_string (botbench_event_get_form (events->pdata[0]),
                                                "auth", "application_token", NULL);
  g_assert_nonnull (app_token);
  g_assert_cmpuint (strlen (app_token), ==, 32);
  for (guint i = 0; i < events->len; i++)
    {
      BotbenchEvent *event = events->pdata[i];
      BotbenchFormNode *form = botbench_event_get_form (event);

      g_assert_cmpstr (botbench_event_get_method (event), ==, "POST");
      g_assert_cmpstr (botbench_event_get_path (event), ==, "/bot/events");
      /* OAuth apps: the URL is used as registered, nothing appended */
      g_assert_cmpstr (botbench_event_get_query (event) ? botbench_event_get_query (event) : "", ==, "");
      g_assert_cmpstr (botbench_event_get_header (event, "User-Agent"), ==, "Bitrix24 Webhook Engine");
      g_assert_true (g_str_has_prefix (botbench_event_get_content_type (event), "application/x-www-form-urlencoded"));
      g_assert_cmpstr (botbench_form_node_lookup_string (form, "auth", "application_token", NULL), ==, app_token);
      g_assert_cmpstr (botbench_form_node_lookup_string (form, "auth", "user_id", NULL), ==, "27");
      g_assert_cmpstr (botbench_event_get_bot_code (event), ==, "echo_bot");
    }

  /* Values, not just keys */
  {
    BotbenchFormNode *form = botbench_event_get_form (events->pdata[1]);
    g_autofree char *bot_key = g_strdup_printf ("%" G_GINT64_FORMAT, bot_id);
    const char *bot_token = botbench_form_node_lookup_string (form, "data", "BOT", bot_key, "access_token", NULL);
    g_autoptr(JsonNode) list = NULL;

    g_assert_cmpstr (botbench_form_node_lookup_string (form, "data", "PARAMS", "MESSAGE", NULL), ==, "Hello, bot!");
    g_assert_cmpstr (botbench_form_node_lookup_string (form, "data", "PARAMS", "DIALOG_ID", NULL), ==, "27");
    g_assert_cmpstr (botbench_form_node_lookup_string (form, "data", "PARAMS", "TO_USER_ID", NULL), ==, bot_key);
    g_assert_cmpstr (botbench_form_node_lookup_string (form, "data", "BOT", bot_key, "user_id", NULL), ==, bot_key);
    g_assert_cmpstr (botbench_form_node_lookup_string (form, "data", "BOT", bot_key, "client_id", NULL), ==,
                     botbench_sandbox_get_client_id (f->sandbox));
    g_assert_cmpstr (botbench_form_node_lookup_string (form, "data", "USER", "ID", NULL), ==, "27");

    /* The bot's token from the event works against the REST API. */
    list = oauth_call (f, "imbot.bot.list", bot_token, "{}", &status);
    g_assert_true (JSON_NODE_HOLDS_ARRAY (result_node (list, status)));

    form = botbench_event_get_form (events->pdata[2]);
    g_assert_cmpstr (botbench_form_node_lookup_string (form, "data", "PARAMS", "MESSAGE", NULL), ==, "/echo test");
    {
      g_autofree char *command_key = g_strdup_printf ("%" G_GINT64_FORMAT, command_id);

      g_assert_cmpstr (botbench_form_node_lookup_string (form, "data", "COMMAND", command_key, "COMMAND_PARAMS", NULL),
                       ==, "test");
      g_assert_cmpstr (botbench_form_node_lookup_string (form, "data", "COMMAND", command_key, "COMMAND", NULL),
                       ==, "echo");
    }

    form = botbench_event_get_form (events->pdata[3]);
    g_assert_cmpstr (botbench_form_node_lookup_string (form, "data", "BOT_ID", NULL), ==, bot_key);
  }

  /* The raw body is http_build_query of its own decoding (key order kept). */
  for (guint i = 0; i < events->len; i++)
    {
      GBytes *raw = botbench_event_get_body (events->pdata[i]);
      g_autofree char *text = g_strndup (g_bytes_get_data (raw, NULL), g_bytes_get_size (raw));
      g_autofree char *again = botbench_form_encode (botbench_event_get_form (events->pdata[i]));

      g_assert_cmpstr (again, ==, text);
    }

  g_assert_cmpuint (f->n_delivered, ==, 4);
  for (guint i = 0; i < f->delivered->len; i++)
    g_assert_true (g_str_has_suffix (f->delivered->pdata[i], handler));
  g_assert_true (g_str_has_prefix (f->delivered->pdata[3], "ONIMBOTDELETE 200 "));
}

/* Webhook mode: ?CLIENT_ID= appended to the handler, webhook-shaped auth. */
static void
test_webhook_events_client_id (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *handler = NULL;
  g_autofree char *body = NULL;
  g_autofree char *bot_key = NULL;
  BotbenchFormNode *form;
  gint64 bot_id;
  guint status;

  start_listener (f);
  handler = g_strconcat (f->listener_url, "hook?x=1", NULL);
  bot_id = register_bot (f, "mybot01", "wh_bot", handler);
  bot_key = g_strdup_printf ("%" G_GINT64_FORMAT, bot_id);

  body = g_strdup_printf ("{\"BOT_ID\":%" G_GINT64_FORMAT ",\"MESSAGE\":\"hi there\"}", bot_id);
  reply = control (f, "message", body, &status);
  result_node (reply, status);
  g_clear_pointer (&reply, json_node_unref);

  events = wait_for_events (f, 1);
  g_assert_cmpstr (botbench_event_get_query (events->pdata[0]), ==, "x=1&CLIENT_ID=mybot01");
  form = botbench_event_get_form (events->pdata[0]);
  g_assert_cmpstr (botbench_form_node_lookup_string (form, "event", NULL), ==, "ONIMBOTMESSAGEADD");
  g_assert_cmpstr (botbench_form_node_lookup_string (form, "auth", "application_token", NULL), ==, "mybot01");
  g_assert_null (botbench_form_node_lookup_string (form, "auth", "access_token", NULL));
  g_assert_null (botbench_form_node_lookup_string (form, "data", "BOT", bot_key, "access_token", NULL));
  g_assert_cmpstr (botbench_form_node_lookup_string (form, "data", "BOT", bot_key, "BOT_CODE", NULL), ==, "wh_bot");
  g_assert_cmpstr (botbench_form_node_lookup_string (form, "data", "PARAMS", "FROM_USER_ID", NULL), ==, "1");

  /* The bot replies through the webhook; the dialog shows both messages. */
  g_free (body);
  body = g_strdup_printf ("{\"CLIENT_ID\":\"mybot01\",\"BOT_ID\":%" G_GINT64_FORMAT ",\"DIALOG_ID\":\"1\","
                          "\"MESSAGE\":\"echo: hi there\"}", bot_id);
  reply = webhook_call (f, "imbot.message.add", body, &status);
  g_assert_cmpint (result_int (reply, status), >, 0);
  g_clear_pointer (&reply, json_node_unref);

  {
    g_autofree char *url = g_strdup_printf ("%s_sandbox/messages?DIALOG_ID=%" G_GINT64_FORMAT, f->url, bot_id);
    JsonArray *messages;

    reply = request_full (f, NULL, "GET", url, NULL, NULL, NULL, &status);
    messages = json_object_get_array_member (json_node_get_object (result_node (reply, status)), "MESSAGES");
    g_assert_cmpuint (json_array_get_length (messages), ==, 2);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (messages, 0), "MESSAGE"), ==,
                     "hi there");
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (messages, 0), "AUTHOR_ID"), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (messages, 1), "MESSAGE"), ==,
                     "echo: hi there");
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (messages, 1), "AUTHOR_ID"), ==, bot_id);
    g_clear_pointer (&reply, json_node_unref);
  }

  /* Webhook unregister: ONIMBOTDELETE still reaches the handler (with CLIENT_ID). */
  g_free (body);
  body = g_strdup_printf ("{\"CLIENT_ID\":\"mybot01\",\"BOT_ID\":%" G_GINT64_FORMAT "}", bot_id);
  reply = webhook_call (f, "imbot.unregister", body, &status);
  g_assert_true (json_node_get_boolean (result_node (reply, status)));
  g_ptr_array_unref (g_steal_pointer (&events));
  events = wait_for_events (f, 2);
  g_assert_cmpstr (botbench_event_get_event_name (events->pdata[1]), ==, "ONIMBOTDELETE");
  g_assert_cmpstr (botbench_event_get_query (events->pdata[1]), ==, "x=1&CLIENT_ID=mybot01");
  g_assert_cmpstr (botbench_form_node_lookup_string (botbench_event_get_form (events->pdata[1]), "data", "BOT_CODE", NULL),
                   ==, "wh_bot");
}

/* Group chat: mentions and supervisor bots (§3.1). */
static void
test_group_chat_delivery (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *handler = NULL;
  g_autofree char *body = NULL;
  g_autofree char *plain_key = NULL;
  g_autofree char *super_key = NULL;
  BotbenchFormNode *form;
  gint64 plain, super;
  guint status;

  start_listener (f);
  handler = g_strconcat (f->listener_url, "group", NULL);
  plain = register_bot (f, "grp", "plain", handler);
  body = g_strdup_printf ("{\"CLIENT_ID\":\"grp\",\"CODE\":\"super\",\"TYPE\":\"S\",\"EVENT_HANDLER\":\"%s\","
                          "\"PROPERTIES\":{\"NAME\":\"Super\"}}", handler);
  reply = webhook_call (f, "imbot.register", body, &status);
  super = result_int (reply, status);
  g_clear_pointer (&reply, json_node_unref);
  plain_key = g_strdup_printf ("%" G_GINT64_FORMAT, plain);
  super_key = g_strdup_printf ("%" G_GINT64_FORMAT, super);

  for (guint i = 0; i < 2; i++)
    {
      g_free (body);
      body = g_strdup_printf ("{\"BOT_ID\":%" G_GINT64_FORMAT ",\"DIALOG_ID\":\"chat42\",\"USER_ID\":5}",
                              i == 0 ? plain : super);
      reply = control (f, "join", body, &status);
      result_node (reply, status);
      g_clear_pointer (&reply, json_node_unref);
    }

  wait_stored (f, 2);

  /* Without a mention only the supervisor bot sees the message. */
  reply = control (f, "message", "{\"FROM_USER_ID\":5,\"DIALOG_ID\":\"chat42\",\"MESSAGE\":\"hello all\"}", &status);
  result_node (reply, status);
  g_clear_pointer (&reply, json_node_unref);
  wait_stored (f, 3);

  g_free (body);
  body = g_strdup_printf ("{\"FROM_USER_ID\":5,\"DIALOG_ID\":\"chat42\","
                          "\"MESSAGE\":\"[USER=%" G_GINT64_FORMAT "]Bot plain[/USER], how are you?\"}", plain);
  reply = control (f, "message", body, &status);
  result_node (reply, status);
  g_clear_pointer (&reply, json_node_unref);

  events = wait_for_events (f, 4);
  g_assert_cmpstr (botbench_event_get_event_name (events->pdata[0]), ==, "ONIMBOTJOINCHAT");
  form = botbench_event_get_form (events->pdata[0]);
  g_assert_cmpstr (botbench_form_node_lookup_string (form, "data", "PARAMS", "DIALOG_ID", NULL), ==, "chat42");
  g_assert_cmpstr (botbench_form_node_lookup_string (form, "data", "PARAMS", "CHAT_TYPE", NULL), ==, "C");

  form = botbench_event_get_form (events->pdata[2]);
  g_assert_cmpstr (botbench_form_node_lookup_string (form, "data", "PARAMS", "MESSAGE", NULL), ==, "hello all");
  g_assert_nonnull (botbench_form_node_lookup (botbench_form_node_lookup (botbench_form_node_lookup (form, "data"), "BOT"),
                                               super_key));
  g_assert_null (botbench_form_node_lookup (botbench_form_node_lookup (botbench_form_node_lookup (form, "data"), "BOT"),
                                            plain_key));
  g_assert_cmpstr (botbench_form_node_lookup_string (form, "data", "PARAMS", "TO_USER_ID", NULL), ==, "0");

  /* One POST for the owner, listing both concerned bots */
  form = botbench_event_get_form (events->pdata[3]);
  g_assert_cmpstr (botbench_form_node_lookup_string (form, "data", "BOT", plain_key, "BOT_CODE", NULL), ==, "plain");
  g_assert_cmpstr (botbench_form_node_lookup_string (form, "data", "BOT", super_key, "BOT_CODE", NULL), ==, "super");
  g_assert_cmpstr (botbench_form_node_lookup_string (form, "data", "PARAMS", "MESSAGE", NULL), ==, "how are you?");
  g_assert_true (g_str_has_prefix (botbench_form_node_lookup_string (form, "data", "PARAMS", "MESSAGE_ORIGINAL", NULL),
                                   "[USER="));
  g_assert_cmpstr (botbench_form_node_lookup_string (form, "data", "PARAMS", "TO_USER_ID", NULL), ==, plain_key);
  g_assert_cmpstr (botbench_form_node_lookup_string (form, "data", "PARAMS", "MENTIONED_LIST", plain_key, NULL), ==,
                   plain_key);
  g_assert_cmpstr (botbench_form_node_lookup_string (form, "data", "PARAMS", "DIALOG_ID", NULL), ==, "chat42");
  g_assert_cmpstr (botbench_form_node_lookup_string (form, "data", "PARAMS", "CHAT_USER_COUNT", NULL), ==, "3");

  /* A bot reply in the group shows up in the dialog. */
  g_free (body);
  body = g_strdup_printf ("{\"CLIENT_ID\":\"grp\",\"BOT_ID\":%" G_GINT64_FORMAT ",\"DIALOG_ID\":\"chat42\","
                          "\"MESSAGE\":\"fine\"}", plain);
  reply = webhook_call (f, "imbot.message.add", body, &status);
  g_assert_cmpint (result_int (reply, status), >, 0);
  g_clear_pointer (&reply, json_node_unref);
  {
    g_autofree char *url = g_strconcat (f->url, "_sandbox/messages?DIALOG_ID=chat42", NULL);
    JsonArray *messages;

    reply = request_full (f, NULL, "GET", url, NULL, NULL, NULL, &status);
    messages = json_object_get_array_member (json_node_get_object (result_node (reply, status)), "MESSAGES");
    /* Each join shows as a system message of the user who added the bot. */
    g_assert_cmpuint (json_array_get_length (messages), ==, 5);
    for (guint i = 0; i < 2; i++)
      {
        JsonObject *system = json_array_get_object_element (messages, i);

        g_assert_cmpstr (json_object_get_string_member (system, "SYSTEM"), ==, "Y");
        g_assert_true (g_str_has_suffix (json_object_get_string_member (system, "MESSAGE"), " to the chat"));
        g_assert_true (strstr (json_object_get_string_member (system, "MESSAGE"), " added ") != NULL);
      }
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (messages, 2), "SYSTEM"), ==, "N");
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (messages, 4), "MESSAGE"), ==, "fine");
  }
  /* Bot messages are never delivered to bots. */
  g_assert_cmpuint (f->n_delivered, ==, 4);
}

static void
assert_control_error (Fixture    *f,
                      const char *what,
                      const char *body,
                      guint       expected_status,
                      const char *code,
                      const char *description)
{
  g_autoptr(JsonNode) reply = NULL;
  guint status;

  reply = control (f, what, body, &status);
  assert_error (reply, status, expected_status, code, description);
}

/* The control API's own refusals. */
static void
test_control_errors (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *body = NULL;
  gint64 bot_id, chat_id;
  guint status;

  bot_id = register_bot (f, "ctl", "ctl_bot", DEAD_HANDLER);

  body = g_strdup_printf ("{\"BOT_ID\":%" G_GINT64_FORMAT ",\"MESSAGE\":\"hi\"}", bot_id);
  reply = control (f, "message", body, &status);
  chat_id = json_object_get_int_member (json_node_get_object (result_node (reply, status)), "CHAT_ID");
  g_assert_cmpint (chat_id, >, 0);
  g_clear_pointer (&reply, json_node_unref);

  /* A private dialog's chat id is not a group chat */
  g_free (body);
  body = g_strdup_printf ("{\"DIALOG_ID\":\"chat%" G_GINT64_FORMAT "\",\"MESSAGE\":\"hi\"}", chat_id);
  reply = control (f, "message", body, &status);
  assert_error (reply, status, 400, "DIALOG_ID_ERROR", "This chat is a private dialog; address it by user id");
  g_clear_pointer (&reply, json_node_unref);

  /* Portal users only: bots never write through the control API */
  g_free (body);
  body = g_strdup_printf ("{\"FROM_USER_ID\":%" G_GINT64_FORMAT ",\"DIALOG_ID\":\"chat900\",\"MESSAGE\":\"x\"}",
                          bot_id);
  reply = control (f, "message", body, &status);
  assert_error (reply, status, 400, "FROM_USER_ID_ERROR", "FROM_USER_ID must be a portal user, not a bot");
  g_clear_pointer (&reply, json_node_unref);

  assert_control_error (f, "message", "{\"BOT_ID\":424242,\"MESSAGE\":\"x\"}", 400, "BOT_ID_ERROR", "Bot not found");

  assert_control_error (f, "message", "{\"DIALOG_ID\":\"chat900\",\"MESSAGE\":\" \"}", 400, "MESSAGE_EMPTY", "Message can't be empty");

  assert_control_error (f, "join", "{\"BOT_ID\":424242}", 400, "BOT_ID_ERROR", "Bot not found");

  assert_control_error (f, "nonsense", "{}", 404, "ERROR_METHOD_NOT_FOUND", "Method not found!");

  /* No handler is reachable: the POST fails and is not retried */
  {
    WaitData wait = { f, 1 };

    botbench_test_assert_wait_until_full (delivered_at_least, &wait, WAIT_MS, "the event to be delivered");
    g_assert_cmpuint (f->n_delivered, ==, 1);
    g_assert_cmpstr (f->delivered->pdata[0], ==, "ONIMBOTMESSAGEADD 0 " DEAD_HANDLER "?CLIENT_ID=ctl");
  }
}

/* ------------------------------------------------------------------------ */
/* OAuth, rate limit, batch, persistence, TLS                                */

static void
test_oauth_token_lifecycle (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(JsonObject) tokens = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *refresh_url = NULL;
  g_autofree char *token = NULL;
  g_autofree char *refresh = NULL;
  const char *new_token;
  guint status;

  botbench_sandbox_stop (f->sandbox);
  botbench_sandbox_set_token_ttl (f->sandbox, 1);
  start_sandbox (f);

  tokens = oauth_tokens (f, 1);
  token = g_strdup (json_object_get_string_member (tokens, "access_token"));
  refresh = g_strdup (json_object_get_string_member (tokens, "refresh_token"));
  g_assert_cmpint (json_object_get_int_member (tokens, "expires"), ==,
                   fake_clock_now (&f->clock) / G_USEC_PER_SEC + 1);

  /* auth, access_token and Bearer all work */
  reply = oauth_call (f, "profile", token, "{}", &status);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (result_node (reply, status)), "ID"), ==, 1);
  g_clear_pointer (&reply, json_node_unref);
  {
    g_autofree char *url = g_strdup_printf ("%srest/app.info.json?access_token=%s", f->url, token);

    reply = request_full (f, NULL, "GET", url, NULL, NULL, NULL, &status);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (result_node (reply, status)), "CODE"), ==,
                     botbench_sandbox_get_client_id (f->sandbox));
    g_clear_pointer (&reply, json_node_unref);
    g_free (url);
    url = g_strdup_printf ("%srest/profile", f->url);
    reply = request_full (f, NULL, "POST", url, "json", "{}", token, &status);
    result_node (reply, status);
    g_clear_pointer (&reply, json_node_unref);
  }

  /* One second later it has expired */
  advance_clock (f, 1);
  reply = oauth_call (f, "profile", token, "{}", &status);
  assert_error (reply, status, 401, "expired_token", "The access token provided has expired");
  g_clear_pointer (&reply, json_node_unref);

  /* Refresh gives a new pair that works */
  refresh_url = g_strdup_printf ("%soauth/token/?grant_type=refresh_token&client_id=%s&client_secret=%s&refresh_token=%s",
                                 f->url, botbench_sandbox_get_client_id (f->sandbox),
                                 botbench_sandbox_get_client_secret (f->sandbox), refresh);
  reply = request_full (f, NULL, "GET", refresh_url, NULL, NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  new_token = json_object_get_string_member (reply_object (reply), "access_token");
  g_assert_cmpstr (new_token, !=, token);
  g_assert_cmpstr (json_object_get_string_member (reply_object (reply), "refresh_token"), !=, refresh);
  {
    g_autoptr(JsonNode) profile = oauth_call (f, "profile", new_token, "{}", &status);

    result_node (profile, status);
  }
  g_clear_pointer (&reply, json_node_unref);

  /* A refresh token is good once */
  reply = request_full (f, NULL, "GET", refresh_url, NULL, NULL, NULL, &status);
  assert_error (reply, status, 400, "invalid_grant", "Invalid refresh token");
  g_clear_pointer (&reply, json_node_unref);

  /* Wrong client secret */
  {
    g_autofree char *url = g_strdup_printf ("%soauth/token/?grant_type=refresh_token&client_id=%s&client_secret=nope"
                                            "&refresh_token=%s", f->url,
                                            botbench_sandbox_get_client_id (f->sandbox), refresh);

    reply = request_full (f, NULL, "GET", url, NULL, NULL, NULL, &status);
    assert_error (reply, status, 401, "invalid_client", "Invalid client credentials");
    g_clear_pointer (&reply, json_node_unref);
  }

  /* An authorization code lives 30 s */
  {
    g_autofree char *authorize = g_strdup_printf ("%soauth/authorize/?client_id=%s", f->url,
                                                  botbench_sandbox_get_client_id (f->sandbox));
    g_autoptr(JsonNode) code = request_full (f, NULL, "GET", authorize, NULL, NULL, NULL, &status);
    g_autofree char *url = g_strdup_printf ("%soauth/token/?grant_type=authorization_code&client_id=%s&client_secret=%s&code=%s",
                                            f->url, botbench_sandbox_get_client_id (f->sandbox),
                                            botbench_sandbox_get_client_secret (f->sandbox),
                                            json_object_get_string_member (reply_object (code), "code"));

    advance_clock (f, 31);
    reply = request_full (f, NULL, "GET", url, NULL, NULL, NULL, &status);
    assert_error (reply, status, 400, "invalid_grant", "Invalid authorization code");
  }
}

static void
test_rate_limit (Fixture       *f,
                 gconstpointer  data)
{
  guint status;

  botbench_sandbox_stop (f->sandbox);
  botbench_sandbox_set_rate_limit (f->sandbox, TRUE);
  start_sandbox (f);

  for (guint i = 0; i < BOTBENCH_SANDBOX_RATE_BURST; i++)
    {
      g_autoptr(JsonNode) reply = webhook_call (f, "profile", "{}", &status);

      result_node (reply, status);
    }

  {
    g_autoptr(JsonNode) reply = webhook_call (f, "profile", "{}", &status);

    assert_error (reply, status, 503, "QUERY_LIMIT_EXCEEDED", "Too many requests");
  }

  /* The bucket drains 2 per second */
  advance_clock (f, 1);
  for (guint i = 0; i < BOTBENCH_SANDBOX_RATE_PER_SECOND; i++)
    {
      g_autoptr(JsonNode) reply = webhook_call (f, "profile", "{}", &status);

      result_node (reply, status);
    }
  {
    g_autoptr(JsonNode) reply = webhook_call (f, "profile", "{}", &status);

    assert_error (reply, status, 503, "QUERY_LIMIT_EXCEEDED", "Too many requests");
  }
}

static void
test_batch (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(JsonNode) reply = NULL;
  JsonObject *result;
  JsonObject *results;
  JsonObject *errors;
  guint status;

  reply = webhook_call (f, "batch",
                        "{\"halt\":0,\"cmd\":{"
                        "\"reg\":\"imbot.register?CLIENT_ID=b1&CODE=batched&EVENT_HANDLER=https%3A%2F%2Fbot.example.com%2Fe&PROPERTIES[NAME]=Batch\","
                        "\"bad\":\"no.such.method\","
                        "\"list\":\"imbot.bot.list\","
                        "\"noclient\":\"imbot.unregister?BOT_ID=1\"}}", &status);
  result = json_node_get_object (result_node (reply, status));
  results = json_object_get_object_member (result, "result");
  errors = json_object_get_object_member (result, "result_error");
  g_assert_cmpint (json_object_get_int_member (results, "reg"), >, 0);
  {
    g_autofree char *reg = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (results, "reg"));

    /* later commands see what earlier ones did */
    g_assert_true (json_object_has_member (json_object_get_object_member (results, "list"), reg));
  }
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (errors, "bad"), "error"), ==,
                   "ERROR_METHOD_NOT_FOUND");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (errors, "noclient"), "error"), ==,
                   "ACCESS_DENIED");
  g_assert_true (json_object_has_member (json_object_get_object_member (result, "result_time"), "reg"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (result, "result_total")), ==, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (result, "result_next")), ==, 0);
  g_clear_pointer (&reply, json_node_unref);

  /* halt stops at the first error; a list cmd gives list results */
  reply = webhook_call (f, "batch",
                        "{\"halt\":1,\"cmd\":[\"profile\",\"batch?cmd[0]=profile\",\"scope\"]}", &status);
  result = json_node_get_object (result_node (reply, status));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (result, "result")), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (
                     json_object_get_object_member (result, "result_error"), "1"), "error"),
                   ==, "ERROR_BATCH_METHOD_NOT_ALLOWED");
  g_clear_pointer (&reply, json_node_unref);

  /* at most 50 commands */
  {
    g_autoptr(GString) body = g_string_new ("{\"cmd\":[");

    for (guint i = 0; i <= BOTBENCH_SANDBOX_MAX_BATCH; i++)
      g_string_append_printf (body, "%s\"profile\"", i ? "," : "");
    g_string_append (body, "]}");
    reply = webhook_call (f, "batch", body->str, &status);
    assert_error (reply, status, 400, "ERROR_BATCH_LENGTH_EXCEEDED", "Max batch length exceeded");
  }
}

static void
test_state_survives_restart (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(JsonObject) tokens = NULL;
  g_autoptr(JsonObject) list = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *webhook = g_strdup (f->webhook);
  g_autofree char *client_id = g_strdup (botbench_sandbox_get_client_id (f->sandbox));
  g_autofree char *client_secret = g_strdup (botbench_sandbox_get_client_secret (f->sandbox));
  g_autofree char *body = NULL;
  g_autofree char *url = NULL;
  gint64 bot_id, command_id;
  guint status;

  bot_id = register_bot (f, "keep", "kept_bot", DEAD_HANDLER);
  command_id = register_command (f, "keep", bot_id, "cmd", DEAD_HANDLER);
  body = g_strdup_printf ("{\"BOT_ID\":%" G_GINT64_FORMAT ",\"MESSAGE\":\"remember me\"}", bot_id);
  reply = control (f, "message", body, &status);
  result_node (reply, status);
  g_clear_pointer (&reply, json_node_unref);
  tokens = oauth_tokens (f, 3);

  /* A new object over the same state file */
  botbench_sandbox_stop (f->sandbox);
  botbench_test_iterate_pending (0);
  g_assert_finalize_object (g_steal_pointer (&f->sandbox));
  f->sandbox = botbench_sandbox_new ();
  botbench_sandbox_set_port (f->sandbox, 0);
  botbench_sandbox_set_state_path (f->sandbox, f->state_path);
  _botbench_sandbox_set_clock (f->sandbox, fake_clock_now, &f->clock);
  g_signal_connect_swapped (f->sandbox, "delivered", G_CALLBACK (delivered_cb), f);
  start_sandbox (f);

  /* Same secret (only the port changed) and same app credentials, also as
   * properties */
  {
    g_autofree char *prop_id = NULL;
    g_autofree char *prop_url = NULL;

    g_object_get (f->sandbox, "client-id", &prop_id, "url", &prop_url, NULL);
    g_assert_cmpstr (prop_id, ==, client_id);
    g_assert_cmpstr (prop_url, ==, f->url);
  }
  g_assert_cmpstr (strstr (f->webhook, "/rest/"), ==, strstr (webhook, "/rest/"));
  g_assert_cmpstr (botbench_sandbox_get_client_id (f->sandbox), ==, client_id);
  g_assert_cmpstr (botbench_sandbox_get_client_secret (f->sandbox), ==, client_secret);

  list = bot_list (f);
  g_assert_cmpuint (json_object_get_size (list), ==, 1);

  reply = oauth_call (f, "profile", json_object_get_string_member (tokens, "access_token"), "{}", &status);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (result_node (reply, status)), "ID"), ==, 3);
  g_clear_pointer (&reply, json_node_unref);

  g_free (body);
  body = g_strdup_printf ("{\"CLIENT_ID\":\"keep\",\"COMMAND_ID\":%" G_GINT64_FORMAT ",\"FIELDS\":{\"HIDDEN\":\"Y\"}}",
                          command_id);
  reply = webhook_call (f, "imbot.command.update", body, &status);
  g_assert_true (json_node_get_boolean (result_node (reply, status)));
  g_clear_pointer (&reply, json_node_unref);

  url = g_strdup_printf ("%s_sandbox/messages?DIALOG_ID=%" G_GINT64_FORMAT, f->url, bot_id);
  reply = request_full (f, NULL, "GET", url, NULL, NULL, NULL, &status);
  {
    JsonArray *messages = json_object_get_array_member (json_node_get_object (result_node (reply, status)), "MESSAGES");

    g_assert_cmpuint (json_array_get_length (messages), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (messages, 0), "MESSAGE"), ==,
                     "remember me");
  }

  /* New bot ids continue after the old ones */
  g_assert_cmpint (register_bot (f, "keep", "second", DEAD_HANDLER), >, bot_id);
}

static gboolean
accept_exact_certificate_cb (SoupMessage          *msg,
                             GTlsCertificate      *peer,
                             GTlsCertificateFlags  errors,
                             gpointer              user_data)
{
  GTlsCertificate *trusted = user_data;

  return g_tls_certificate_is_same (peer, trusted);
}

static void
trust_request_started_cb (SoupSession *session,
                          SoupMessage *msg,
                          gpointer     user_data)
{
  g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_exact_certificate_cb), user_data);
}

static void
test_tls_self_signed (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GTlsCertificate) trusted = NULL;
  g_autoptr(SoupSession) trusting = NULL;
  g_autoptr(SoupSession) distrusting = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *pem = NULL;
  g_autofree char *cert_path = NULL;
  g_autofree char *http_url = NULL;
  guint status;

  botbench_sandbox_stop (f->sandbox);
  g_assert_null (botbench_sandbox_dup_certificate_pem (f->sandbox));
  botbench_sandbox_set_tls (f->sandbox, TRUE);
  start_sandbox (f);

  g_assert_true (g_str_has_prefix (f->url, "https://127.0.0.1:"));
  g_assert_true (g_str_has_prefix (f->webhook, "https://"));
  pem = botbench_sandbox_dup_certificate_pem (f->sandbox);
  g_assert_nonnull (pem);
  trusted = g_tls_certificate_new_from_pem (pem, -1, &error);
  g_assert_no_error (error);

  /* kept beside the state */
  cert_path = g_build_filename (f->tmp_dir, "sandbox", "sandbox-cert.pem", NULL);
  g_assert_true (g_file_test (cert_path, G_FILE_TEST_EXISTS));

  /* A client that trusts exactly this certificate gets through */
  trusting = soup_session_new_with_options ("timeout", 30, NULL);
  g_signal_connect (trusting, "request-queued", G_CALLBACK (trust_request_started_cb), trusted);
  {
    g_autofree char *url = g_strconcat (f->webhook, "profile", NULL);

    reply = request_full (f, trusting, "POST", url, "json", "{}", NULL, &status);
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (result_node (reply, status)), "ID"), ==, 1);
    g_clear_pointer (&reply, json_node_unref);
  }

  /* …and one that trusts another certificate does not */
  {
    g_autofree char *url = g_strconcat (f->webhook, "profile", NULL);
    g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
    g_autoptr(GBytes) bytes = NULL;
    g_autoptr(GError) tls_error = NULL;

    /* the system trust store does not know the self-signed certificate */
    distrusting = soup_session_new_with_options ("timeout", 30, NULL);
    bytes = soup_session_send_and_read (distrusting, msg, NULL, &tls_error);
    g_assert_nonnull (tls_error);
    g_assert_null (bytes);
  }

  /* Plain HTTP on the second port: webhooks refused like a real portal */
  http_url = botbench_sandbox_dup_http_url (f->sandbox);
  g_assert_true (g_str_has_prefix (http_url, "http://127.0.0.1:"));
  g_assert_cmpstr (http_url, !=, f->url);
  {
    g_autofree char *url = g_strdup_printf ("%s%s", http_url, strstr (f->webhook, "rest/"));
    g_autofree char *full = g_strconcat (url, "profile", NULL);

    reply = request_full (f, NULL, "POST", full, "json", "{}", NULL, &status);
    assert_error (reply, status, 401, "INVALID_REQUEST", "Https required.");
    g_clear_pointer (&reply, json_node_unref);
  }

  /* The same certificate after a restart */
  botbench_sandbox_stop (f->sandbox);
  start_sandbox (f);
  {
    g_autofree char *again = botbench_sandbox_dup_certificate_pem (f->sandbox);

    g_assert_cmpstr (again, ==, pem);
  }

  /* Certificate and key files given explicitly (here: the generated ones),
   * with an in-memory state */
  {
    g_autoptr(BotbenchSandbox) other = botbench_sandbox_new ();
    g_autofree char *key_path = g_build_filename (f->tmp_dir, "sandbox", "sandbox-key.pem", NULL);
    g_autofree char *served = NULL;

    botbench_sandbox_set_port (other, 0);
    botbench_sandbox_set_tls (other, TRUE);
    botbench_sandbox_set_tls_files (other, cert_path, key_path);
    botbench_sandbox_start (other, &error);
    g_assert_no_error (error);
    served = botbench_sandbox_dup_certificate_pem (other);
    g_assert_cmpstr (served, ==, pem);
    botbench_sandbox_stop (other);

    botbench_sandbox_set_tls_files (other, "/nonexistent/cert.pem", key_path);
    g_assert_false (botbench_sandbox_start (other, &error));
    g_assert_error (error, BOTBENCH_SANDBOX_ERROR, BOTBENCH_SANDBOX_ERROR_TLS);
    g_assert_false (botbench_sandbox_get_running (other));
  }
}

static void
test_start_errors (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(BotbenchSandbox) other = botbench_sandbox_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(BotbenchSignalCounter) notified = botbench_test_count_signal (other, "notify::port");

  /* notify only on change */
  botbench_sandbox_set_port (other, botbench_sandbox_get_bound_port (f->sandbox));
  botbench_sandbox_set_port (other, botbench_sandbox_get_bound_port (f->sandbox));
  g_assert_cmpuint (botbench_signal_counter_get (notified), ==, 1);

  g_assert_false (botbench_sandbox_start (other, &error));
  g_assert_error (error, BOTBENCH_SANDBOX_ERROR, BOTBENCH_SANDBOX_ERROR_ADDRESS_IN_USE);
  g_assert_false (botbench_sandbox_get_running (other));
  g_assert_null (botbench_sandbox_dup_url (other));
  g_clear_error (&error);

  botbench_sandbox_set_host (other, "not-an-address");
  botbench_sandbox_set_port (other, 0);
  g_assert_false (botbench_sandbox_start (other, &error));
  g_assert_error (error, BOTBENCH_SANDBOX_ERROR, BOTBENCH_SANDBOX_ERROR_INVALID_ADDRESS);
  g_clear_error (&error);

  /* defaults */
  {
    g_autoptr(BotbenchSandbox) fresh = botbench_sandbox_new ();

    g_assert_cmpstr (botbench_sandbox_get_host (fresh), ==, "127.0.0.1");
    g_assert_cmpuint (botbench_sandbox_get_port (fresh), ==, 8124);
    g_assert_cmpuint (botbench_sandbox_get_webhook_user (fresh), ==, 1);
    g_assert_cmpuint (botbench_sandbox_get_bot_limit (fresh), ==, 5);
    g_assert_cmpuint (botbench_sandbox_get_token_ttl (fresh), ==, 3600);
    g_assert_true (botbench_sandbox_get_rate_limit (fresh));
    g_assert_false (botbench_sandbox_get_tls (fresh));
    g_assert_null (botbench_sandbox_get_state_path (fresh));
    g_assert_null (botbench_sandbox_get_client_id (fresh));
  }

  /* An explicit webhook secret replaces the stored one */
  botbench_sandbox_stop (f->sandbox);
  botbench_sandbox_set_webhook_secret (f->sandbox, "s3cret");
  botbench_sandbox_set_webhook_user (f->sandbox, 7);
  start_sandbox (f);
  g_assert_true (g_str_has_suffix (f->webhook, "/rest/7/s3cret/"));
  {
    g_autoptr(JsonNode) reply = NULL;
    guint status;

    reply = webhook_call (f, "profile", "{}", &status);
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (result_node (reply, status)), "ID"), ==, 7);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (register_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/sandbox/validation/%s", register_cases[i].name);

      g_test_add (path, Fixture, &register_cases[i], method_setup, test_validation_case, fixture_teardown);
    }
  for (guint i = 0; i < G_N_ELEMENTS (auth_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/sandbox/auth/%s", auth_cases[i].name);

      g_test_add (path, Fixture, &auth_cases[i], fixture_setup, test_auth_case, fixture_teardown);
    }

  g_test_add ("/sandbox/handler-url-rule", Fixture, NULL, fixture_setup, test_handler_url_rule, fixture_teardown);
  g_test_add ("/sandbox/bot-list-empty", Fixture, NULL, fixture_setup, test_bot_list_empty_is_array, fixture_teardown);
  g_test_add ("/sandbox/code-dedupe", Fixture, NULL, fixture_setup, test_code_dedupe, fixture_teardown);
  g_test_add ("/sandbox/bot-limit", Fixture, NULL, fixture_setup, test_bot_limit, fixture_teardown);
  g_test_add ("/sandbox/scope", Fixture, NULL, fixture_setup, test_scope, fixture_teardown);
  g_test_add ("/sandbox/envelope-and-form-body", Fixture, NULL, fixture_setup,
              test_envelope_and_form_body, fixture_teardown);
  g_test_add ("/sandbox/events/oauth-fixture-shapes", Fixture, NULL, fixture_setup,
              test_oauth_events_match_fixtures, fixture_teardown);
  g_test_add ("/sandbox/events/webhook-client-id", Fixture, NULL, fixture_setup,
              test_webhook_events_client_id, fixture_teardown);
  g_test_add ("/sandbox/events/group-chat", Fixture, NULL, fixture_setup,
              test_group_chat_delivery, fixture_teardown);
  g_test_add ("/sandbox/control-errors", Fixture, NULL, fixture_setup, test_control_errors, fixture_teardown);
  g_test_add ("/sandbox/oauth/token-lifecycle", Fixture, NULL, fixture_setup,
              test_oauth_token_lifecycle, fixture_teardown);
  g_test_add ("/sandbox/oauth/bad-redirect", Fixture, NULL, fixture_setup,
              test_oauth_bad_redirect, fixture_teardown);
  g_test_add ("/sandbox/rate-limit", Fixture, NULL, fixture_setup, test_rate_limit, fixture_teardown);
  g_test_add ("/sandbox/batch", Fixture, NULL, fixture_setup, test_batch, fixture_teardown);
  g_test_add ("/sandbox/state-survives-restart", Fixture, NULL, fixture_setup,
              test_state_survives_restart, fixture_teardown);
  g_test_add ("/sandbox/start-errors", Fixture, NULL, fixture_setup, test_start_errors, fixture_teardown);
  g_test_add ("/sandbox/tls/self-signed", Fixture, NULL, fixture_setup, test_tls_self_signed, fixture_teardown);

  return g_test_run ();
}
