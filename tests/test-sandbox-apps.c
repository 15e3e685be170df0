/* test-sandbox-apps.c: local applications installed into the sandbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * POST /_sandbox/install delivers ONAPPINSTALL with the fixture's keys in
 * its order to a stand-in handler, and its tokens work on /rest/ and
 * refresh at /oauth/token/ with the app's secret; a reinstall voids them;
 * /_sandbox/uninstall delivers ONAPPUNINSTALL and voids the tokens; bad
 * input gets clear errors.  The control call answers only once the
 * delivery is done, so it is sent asynchronously: the stand-in handler
 * runs on this thread's main context.
 */
#include "config.h"

#include "sandbox-chat-fixture.h"

#define CLIENT "local.5f0e7a1b2c3d4.12345678"

typedef struct
{
  GBytes *body;
  guint   status;
  gboolean done;
} Reply;

static void
reply_cb (GObject      *source,
          GAsyncResult *res,
          gpointer      user_data)
{
  Reply *reply = user_data;
  g_autoptr(GError) error = NULL;

  reply->body = soup_session_send_and_read_finish (SOUP_SESSION (source), res, &error);
  g_assert_no_error (error);
  reply->status = soup_message_get_status (soup_session_get_async_result_message (SOUP_SESSION (source), res));
  reply->done = TRUE;
}

static gboolean
reply_done (gpointer data)
{
  return ((Reply *)data)->done;
}

/* POST url with a form body, the main context running meanwhile. */
static JsonNode *
post_form (Fixture    *f,
           const char *url,
           const char *form,
           guint      *status)
{
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) bytes = g_bytes_new (form, strlen (form));
  Reply reply = { 0 };
  JsonNode *root;

  soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", bytes);
  soup_session_send_and_read_async (f->session, msg, G_PRIORITY_DEFAULT, NULL, reply_cb, &reply);
  wait_polling (reply_done, &reply, "the answer");
  *status = reply.status;
  root = parse_json (g_bytes_get_data (reply.body, NULL), g_bytes_get_size (reply.body));
  g_bytes_unref (reply.body);

  return root;
}

static JsonNode *
control_form (Fixture    *f,
              const char *what,
              const char *form,
              guint      *status)
{
  g_autofree char *url = g_strconcat (f->url, "_sandbox/", what, NULL);

  return post_form (f, url, form, status);
}

static JsonObject *
control_form_ok (Fixture    *f,
                 const char *what,
                 const char *form)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;
  guint status;

  root = control_form (f, what, form, &status);
  object = json_node_get_object (root);
  if (json_object_has_member (object, "error"))
    g_error ("%s: unexpected %s: %s", what, json_object_get_string_member (object, "error"),
             json_object_get_string_member (object, "error_description"));
  g_assert_cmpuint (status, ==, 200);

  return json_object_ref (json_object_get_object_member (object, "result"));
}

static JsonObject *
install (Fixture    *f,
         const char *extra)
{
  g_autofree char *form = g_strdup_printf ("HANDLER=%sapp/install&CLIENT_ID=" CLIENT "%s",
                                           f->receiver_url, extra ? extra : "");

  return control_form_ok (f, "install", form);
}

/* The keys of a form body, in order. */
static GPtrArray *
form_keys (const char *body)
{
  g_auto(GStrv) pairs = g_strsplit (body, "&", -1);
  GPtrArray *keys = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; pairs[i] != NULL; i++)
    {
      g_autofree char *raw = g_strndup (pairs[i], strcspn (pairs[i], "="));

      g_ptr_array_add (keys, g_uri_unescape_string (raw, NULL));
    }

  return keys;
}

static char *
received_body (Fixture *f,
               guint    index)
{
  return botbench_form_encode (g_ptr_array_index (f->received, index));
}

static const char *
field (Fixture    *f,
       guint       index,
       const char *group,
       const char *key)
{
  return botbench_form_node_lookup_string (g_ptr_array_index (f->received, index), group, key, NULL);
}

/* A REST call with an OAuth token; the HTTP status, the error code in *code. */
static guint
rest_with_token (Fixture     *f,
                 const char  *method,
                 const char  *token,
                 char       **code)
{
  g_autofree char *url = g_strdup_printf ("%srest/%s?auth=%s", f->url, method, token);
  g_autoptr(JsonNode) root = NULL;
  guint status;

  root = request (f, "GET", url, NULL, &status);
  *code = g_strdup (json_object_get_string_member_with_default (json_node_get_object (root), "error", ""));
  if (status == 200)
    g_assert_true (json_object_has_member (json_node_get_object (root), "result"));

  return status;
}

/* GET /oauth/token/ refresh; the reply object (a new ref), *status. */
static JsonObject *
refresh (Fixture    *f,
         const char *client_id,
         const char *secret,
         const char *refresh_token,
         guint      *status)
{
  g_autofree char *url = g_strdup_printf ("%soauth/token/?grant_type=refresh_token&client_id=%s"
                                          "&client_secret=%s&refresh_token=%s",
                                          f->url, client_id, secret, refresh_token);
  g_autoptr(JsonNode) root = request (f, "GET", url, NULL, status);

  return json_object_ref (json_node_get_object (root));
}

/* ------------------------------------------------------------------------ */

static void
test_install_delivers (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(JsonObject) result = install (f, NULL);
  g_autofree char *fixture_path = g_build_filename (g_getenv ("BOTBENCH_FIXTURES_DIR"), "events",
                                                    "ONAPPINSTALL.form", NULL);
  g_autofree char *fixture = NULL;
  g_autofree char *body = NULL;
  g_autofree char *endpoint = g_strconcat (f->url, "rest/", NULL);
  g_autoptr(GPtrArray) expected = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  JsonObject *delivery;

  /* Answered after the delivery, which is in the answer. */
  g_assert_cmpuint (f->received->len, ==, 1);
  delivery = json_object_get_object_member (result, "delivery");
  g_assert_cmpint (json_object_get_int_member (delivery, "status"), ==, 200);
  g_assert_true (json_object_get_boolean_member (delivery, "delivered"));
  g_assert_cmpstr (json_object_get_string_member (delivery, "event"), ==, "ONAPPINSTALL");
  g_assert_cmpstr (g_ptr_array_index (f->paths, 0), ==, "/app/install");

  /* The fixture's keys in its order, event_handler_id after event. */
  g_assert_true (g_file_get_contents (fixture_path, &fixture, NULL, NULL));
  expected = form_keys (g_strstrip (fixture));
  g_ptr_array_insert (expected, 1, g_strdup ("event_handler_id"));
  body = received_body (f, 0);
  keys = form_keys (body);
  g_assert_cmpuint (keys->len, ==, expected->len);
  for (guint i = 0; i < keys->len; i++)
    g_assert_cmpstr (g_ptr_array_index (keys, i), ==, g_ptr_array_index (expected, i));

  g_assert_cmpstr (field (f, 0, "event", NULL), ==, "ONAPPINSTALL");
  g_assert_cmpstr (field (f, 0, "data", "INSTALLED"), ==, "Y");
  g_assert_cmpstr (field (f, 0, "auth", "access_token"), ==, json_object_get_string_member (result, "access_token"));
  g_assert_cmpstr (field (f, 0, "auth", "refresh_token"), ==, json_object_get_string_member (result, "refresh_token"));
  g_assert_cmpstr (field (f, 0, "auth", "application_token"), ==,
                   json_object_get_string_member (result, "application_token"));
  g_assert_cmpstr (field (f, 0, "auth", "member_id"), ==, json_object_get_string_member (result, "member_id"));
  g_assert_cmpstr (field (f, 0, "auth", "client_endpoint"), ==, endpoint);
  g_assert_cmpstr (field (f, 0, "auth", "server_endpoint"), ==, endpoint);
  g_assert_cmpstr (field (f, 0, "auth", "scope"), ==, "imbot");
  g_assert_cmpstr (field (f, 0, "auth", "status"), ==, "L");

  g_assert_cmpstr (json_object_get_string_member (result, "client_id"), ==, CLIENT);
  g_assert_cmpuint (strlen (json_object_get_string_member (result, "client_secret")), >=, 32);
  g_assert_false (json_object_get_boolean_member (result, "reinstall"));
}

static void
test_tokens_work_and_refresh (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(JsonObject) result = install (f, "&SCOPE=imbot,%20placement");
  const char *secret = json_object_get_string_member (result, "client_secret");
  g_autoptr(JsonObject) refreshed = NULL;
  g_autoptr(JsonObject) refused = NULL;
  g_autofree char *code = NULL;
  guint status;

  g_assert_cmpstr (json_object_get_string_member (result, "scope"), ==, "imbot,placement");
  g_assert_cmpuint (rest_with_token (f, "imbot.bot.list", json_object_get_string_member (result, "access_token"),
                                     &code), ==, 200);

  /* The sandbox's own application cannot refresh the app's token. */
  refused = refresh (f, botbench_sandbox_get_client_id (f->sandbox), botbench_sandbox_get_client_secret (f->sandbox),
                     json_object_get_string_member (result, "refresh_token"), &status);
  g_assert_cmpuint (status, ==, 400);
  g_assert_cmpstr (json_object_get_string_member (refused, "error"), ==, "invalid_grant");
  g_clear_pointer (&refused, json_object_unref);
  refused = refresh (f, CLIENT, "wrong", json_object_get_string_member (result, "refresh_token"), &status);
  g_assert_cmpuint (status, ==, 401);
  g_assert_cmpstr (json_object_get_string_member (refused, "error"), ==, "invalid_client");

  refreshed = refresh (f, CLIENT, secret, json_object_get_string_member (result, "refresh_token"), &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (refreshed, "scope"), ==, "imbot,placement");
  g_assert_cmpstr (json_object_get_string_member (refreshed, "member_id"), ==,
                   json_object_get_string_member (result, "member_id"));
  g_clear_pointer (&code, g_free);
  g_assert_cmpuint (rest_with_token (f, "imbot.bot.list", json_object_get_string_member (refreshed, "access_token"),
                                     &code), ==, 200);

  /* A bot the app registers is the app's: its events carry the app's token. */
  {
    g_autofree char *url = g_strdup_printf ("%srest/imbot.register?auth=%s", f->url,
                                            json_object_get_string_member (refreshed, "access_token"));
    g_autofree char *form = g_strdup_printf ("CODE=appbot&TYPE=B&EVENT_HANDLER=%sapp/events"
                                             "&PROPERTIES[NAME]=App+bot", f->receiver_url);
    g_autoptr(JsonNode) root = post_form (f, url, form, &status);
    g_autoptr(JsonObject) sent = NULL;
    g_autofree char *message = NULL;
    gint64 bot_id;

    g_assert_cmpuint (status, ==, 200);
    bot_id = json_object_get_int_member (json_node_get_object (root), "result");
    message = g_strdup_printf ("{\"DIALOG_ID\":\"%" G_GINT64_FORMAT "\",\"MESSAGE\":\"hi\"}", bot_id);
    sent = control_ok (f, "message", message);
    wait_received (f, 2);
    g_assert_cmpstr (field (f, 1, "event", NULL), ==, "ONIMBOTMESSAGEADD");
    g_assert_cmpstr (field (f, 1, "auth", "application_token"), ==,
                     json_object_get_string_member (result, "application_token"));
  }
}

static void
test_reinstall (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(JsonObject) first = install (f, NULL);
  g_autoptr(JsonObject) second = install (f, NULL);
  g_autoptr(JsonObject) refreshed = NULL;
  g_autofree char *code = NULL;
  guint status;

  g_assert_true (json_object_get_boolean_member (second, "reinstall"));
  g_assert_false (json_object_has_member (second, "client_secret"));
  g_assert_cmpstr (json_object_get_string_member (first, "member_id"), ==,
                   json_object_get_string_member (second, "member_id"));
  g_assert_cmpstr (json_object_get_string_member (first, "application_token"), !=,
                   json_object_get_string_member (second, "application_token"));
  g_assert_cmpuint (f->received->len, ==, 2);

  /* The first install's tokens are void; the secret is the same. */
  g_assert_cmpuint (rest_with_token (f, "imbot.bot.list", json_object_get_string_member (first, "access_token"),
                                     &code), ==, 401);
  g_assert_cmpstr (code, ==, "invalid_token");
  refreshed = refresh (f, CLIENT, json_object_get_string_member (first, "client_secret"),
                       json_object_get_string_member (second, "refresh_token"), &status);
  g_assert_cmpuint (status, ==, 200);
}

static void
test_uninstall (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(JsonObject) installed = install (f, NULL);
  g_autoptr(JsonObject) result = control_form_ok (f, "uninstall", "CLIENT_ID=" CLIENT);
  g_autoptr(JsonObject) refused = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  g_autofree char *body = NULL;
  g_autofree char *code = NULL;
  g_autoptr(JsonNode) again = NULL;
  static const char *expected[] = {
    "event", "event_handler_id", "data[LANGUAGE_ID]", "data[CLEAN]", "ts",
    "auth[domain]", "auth[member_id]", "auth[application_token]",
  };
  guint status;

  g_assert_cmpuint (f->received->len, ==, 2);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (result, "delivery"), "status"), ==, 200);
  body = received_body (f, 1);
  keys = form_keys (body);
  g_assert_cmpuint (keys->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < keys->len; i++)
    g_assert_cmpstr (g_ptr_array_index (keys, i), ==, expected[i]);
  g_assert_cmpstr (field (f, 1, "event", NULL), ==, "ONAPPUNINSTALL");
  g_assert_cmpstr (field (f, 1, "data", "CLEAN"), ==, "0");
  g_assert_cmpstr (field (f, 1, "auth", "application_token"), ==,
                   json_object_get_string_member (installed, "application_token"));
  g_assert_null (strstr (body, json_object_get_string_member (installed, "access_token")));

  /* Its tokens are void. */
  g_assert_cmpuint (rest_with_token (f, "imbot.bot.list", json_object_get_string_member (installed, "access_token"),
                                     &code), ==, 401);
  g_assert_cmpstr (code, ==, "invalid_token");
  refused = refresh (f, CLIENT, json_object_get_string_member (installed, "client_secret"),
                     json_object_get_string_member (installed, "refresh_token"), &status);
  g_assert_cmpuint (status, ==, 401);

  again = control_form (f, "uninstall", "CLIENT_ID=" CLIENT, &status);
  assert_error (again, status, 400, "APP_NOT_INSTALLED", "No application with this CLIENT_ID is installed");
}

static void
test_bad_input (Fixture       *f,
                gconstpointer  data)
{
  static const struct { const char *what; const char *form; const char *code; } cases[] = {
    { "install", "CLIENT_ID=" CLIENT, "HANDLER_EMPTY" },
    { "install", "HANDLER=not+a+url&CLIENT_ID=" CLIENT, "HANDLER_ERROR" },
    { "install", "HANDLER=ftp%3A%2F%2F127.0.0.1%2Fx&CLIENT_ID=" CLIENT, "HANDLER_ERROR" },
    { "install", "HANDLER=http%3A%2F%2F%2Fpath&CLIENT_ID=" CLIENT, "HANDLER_ERROR" },
    { "install", "HANDLER[]=x&CLIENT_ID=" CLIENT, "HANDLER_ERROR" },
    { "install", "HANDLER=http%3A%2F%2F127.0.0.1%2F", "CLIENT_ID_EMPTY" },
    { "install", "HANDLER=http%3A%2F%2F127.0.0.1%2F&CLIENT_ID=a%26b%00c", "CLIENT_ID_ERROR" },
    { "install", "HANDLER=http%3A%2F%2F127.0.0.1%2F&CLIENT_ID=customX", "CLIENT_ID_ERROR" },
    { "install", "HANDLER=http%3A%2F%2F127.0.0.1%2F&CLIENT_ID=x&SCOPE=im%20bot", "SCOPE_ERROR" },
    { "install", "HANDLER=http%3A%2F%2F127.0.0.1%2F&CLIENT_ID=x&SCOPE=imbot,,x", "SCOPE_ERROR" },
    { "install", "HANDLER=http%3A%2F%2F127.0.0.1%2F&CLIENT_ID=x&CLIENT_SECRET=a%20b", "CLIENT_SECRET_ERROR" },
    { "uninstall", "", "CLIENT_ID_EMPTY" },
    { "uninstall", "CLIENT_ID=local.unknown.1", "APP_NOT_INSTALLED" },
  };
  g_autofree char *own = g_strdup_printf ("HANDLER=http%%3A%%2F%%2F127.0.0.1%%2F&CLIENT_ID=%s",
                                          botbench_sandbox_get_client_id (f->sandbox));
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonObject) dead = NULL;
  JsonObject *delivery;
  guint status;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) reply = control_form (f, cases[i].what, cases[i].form, &status);
      JsonObject *object = json_node_get_object (reply);

      g_test_message ("%s %s", cases[i].what, cases[i].form);
      g_assert_cmpuint (status, ==, 400);
      g_assert_cmpstr (json_object_get_string_member (object, "error"), ==, cases[i].code);
      g_assert_nonnull (json_object_get_string_member (object, "error_description"));
    }
  root = control_form (f, "install", own, &status);
  g_assert_cmpuint (status, ==, 400);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (root), "error"), ==, "CLIENT_ID_ERROR");
  g_assert_cmpuint (f->received->len, ==, 0);

  /* A handler that refuses: installed, the delivery's error said. */
  dead = control_form_ok (f, "install", "HANDLER=http%3A%2F%2F127.0.0.1%3A9%2Fbot&CLIENT_ID=" CLIENT);
  delivery = json_object_get_object_member (dead, "delivery");
  g_assert_cmpint (json_object_get_int_member (delivery, "status"), ==, 0);
  g_assert_false (json_object_get_boolean_member (delivery, "delivered"));
  g_assert_cmpstr (json_object_get_string_member (delivery, "error"), ==, "Connection refused");

  /* JSON bodies too, as the other control paths take. */
  {
    g_autoptr(JsonObject) json = NULL;
    g_autofree char *body = g_strdup_printf ("{\"HANDLER\":\"%sapp\",\"CLIENT_ID\":\"local.json.1\"}",
                                             f->receiver_url);
    g_autofree char *url = g_strconcat (f->url, "_sandbox/install", NULL);
    g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
    g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
    Reply reply = { 0 };
    g_autoptr(JsonNode) parsed = NULL;

    soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    soup_session_send_and_read_async (f->session, msg, G_PRIORITY_DEFAULT, NULL, reply_cb, &reply);
    wait_polling (reply_done, &reply, "the answer");
    parsed = parse_json (g_bytes_get_data (reply.body, NULL), g_bytes_get_size (reply.body));
    g_bytes_unref (reply.body);
    g_assert_cmpuint (reply.status, ==, 200);
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (json_node_get_object (parsed),
                                                                                   "result"), "client_id"),
                     ==, "local.json.1");
    g_assert_cmpuint (f->received->len, ==, 1);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/sandbox-apps/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("install/delivers", test_install_delivers);
  ADD ("install/tokens", test_tokens_work_and_refresh);
  ADD ("install/reinstall", test_reinstall);
  ADD ("uninstall/delivers", test_uninstall);
  ADD ("input/bad", test_bad_input);
#undef ADD

  return g_test_run ();
}
