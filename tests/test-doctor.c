/* test-doctor.c: the delivery doctor against the in-process sandbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One test where every check passes, then one per check made to fail
 * (each failure named, with its fix in the message).  The sandbox runs on
 * 127.0.0.1, so it is a portal on this machine; a cloud portal is played
 * with botbench_doctor_set_portal (REMOTE), and a public tunnel host with
 * the doctor's place hook (which says 127.0.0.1 is a public host).  All
 * traffic stays on 127.0.0.1.
 */
#include "config.h"

#include "botbench-core.h"
#include "botbench-bot-v2.h"
#include "botbench-doctor-private.h"
#include "sandbox-v2-fixture.h"

#define V2_TOKEN "doctor-token-1"

typedef struct
{
  Fixture              sb;
  BotbenchProfile     *profile;
  BotbenchSecretStore *secrets;
  BotbenchRestClient  *client;
  BotbenchBotStore    *bots;
  char                *db_path;
  BotbenchEventStore  *store;
  BotbenchListener    *listener;
  char                *listener_url;
  GSocket             *silent;       /* listens, never accepts */
  char                *silent_url;
} DoctorFixture;

static void
doctor_setup (DoctorFixture *f,
              gconstpointer  data)
{
  g_autoptr(BotbenchWebhookUrl) parsed = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GInetAddress) loopback = NULL;
  g_autofree char *bots_dir = NULL;
  g_autoptr(GError) error = NULL;
  char mode = data != NULL ? GPOINTER_TO_INT (data) : 0;

  g_atomic_int_set (&test_clock_offset, 0);
  fixture_setup (&f->sb, GINT_TO_POINTER ('n'));
  _botbench_sandbox_set_clock (f->sb.sandbox, test_clock, NULL);
  if (mode == 's')
    botbench_sandbox_set_scope (f->sb.sandbox, "im,user");
  fixture_start (&f->sb);

  parsed = botbench_webhook_url_parse (f->sb.webhook, &error);
  g_assert_no_error (error);
  f->secrets = botbench_secret_store_new ();
  botbench_secret_store_set_session_only (f->secrets, TRUE);
  f->profile = botbench_profile_new (BOTBENCH_PROFILE_KIND_WEBHOOK, NULL);
  botbench_profile_set_name (f->profile, "Sandbox");
  botbench_profile_apply_webhook_url (f->profile, parsed);
  botbench_secret_store_store_sync (f->secrets, botbench_profile_get_uuid (f->profile),
                                    BOTBENCH_SECRET_KIND_WEBHOOK_SECRET, parsed->secret, NULL, &error);
  g_assert_no_error (error);
  f->client = botbench_rest_client_new (f->profile, f->secrets, NULL);
  botbench_rest_client_set_max_retries (f->client, 0);

  bots_dir = g_build_filename (f->sb.tmp_dir, "bots", NULL);
  f->bots = botbench_bot_store_new (botbench_profile_get_uuid (f->profile), bots_dir);
  g_assert_true (botbench_bot_store_load (f->bots, &error));

  f->db_path = g_build_filename (f->sb.tmp_dir, "events.db", NULL);
  f->store = botbench_event_store_new (f->db_path, &error);
  g_assert_no_error (error);
  f->listener = botbench_listener_new (f->store);
  botbench_listener_set_port (f->listener, 0);
  g_assert_true (botbench_listener_start (f->listener, &error));
  f->listener_url = botbench_listener_dup_url (f->listener);

  f->silent = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  address = g_inet_socket_address_new (loopback, 0);
  g_assert_true (g_socket_bind (f->silent, address, TRUE, &error));
  g_assert_true (g_socket_listen (f->silent, &error));
  f->silent_url = g_strdup_printf ("http://127.0.0.1:%u/slow", botbench_test_socket_get_port (f->silent));
}

static void
doctor_teardown (DoctorFixture *f,
                 gconstpointer  data)
{
  botbench_listener_stop (f->listener);
  g_clear_object (&f->listener);
  botbench_event_store_close (f->store);
  g_clear_object (&f->store);
  g_clear_object (&f->bots);
  g_clear_object (&f->client);
  g_clear_object (&f->profile);
  g_clear_object (&f->secrets);
  g_socket_close (f->silent, NULL);
  g_clear_object (&f->silent);
  g_clear_pointer (&f->silent_url, g_free);
  g_clear_pointer (&f->listener_url, g_free);
  g_clear_pointer (&f->db_path, g_free);
  botbench_test_iterate_pending (0);
  fixture_teardown (&f->sb, data);
}

/* ------------------------------------------------------------------------ */

static BotbenchDoctor *
new_doctor (DoctorFixture *f)
{
  BotbenchDoctor *doctor = botbench_doctor_new (f->client, f->store, f->bots, f->secrets);

  botbench_doctor_set_listener_url (doctor, f->listener_url);
  botbench_doctor_set_handler_timeout (doctor, 400);
  return doctor;
}

static GPtrArray *
run_doctor (BotbenchDoctor *doctor)
{
  g_auto(BotbenchTestResult) result = { NULL };
  g_autoptr(GError) error = NULL;
  GPtrArray *checks;

  botbench_doctor_run_async (doctor, NULL, botbench_test_result_cb, &result);
  checks = botbench_doctor_run_finish (doctor, botbench_test_result_wait (&result, 30000), &error);
  g_assert_no_error (error);
  g_assert_nonnull (checks);

  for (guint i = 0; i < checks->len; i++)
    {
      BotbenchDoctorCheck *check = g_ptr_array_index (checks, i);

      g_test_message ("%s  %s  %s", botbench_doctor_status_to_string (check->status), check->name, check->message);
      g_assert_cmpstr (check->message, !=, "");
    }

  return checks;
}

static GPtrArray *
run_default (DoctorFixture *f)
{
  g_autoptr(BotbenchDoctor) doctor = new_doctor (f);

  return run_doctor (doctor);
}

/* The check @name (of @bot_id, 0: any); asserts it is there once. */
static BotbenchDoctorCheck *
find_check (GPtrArray  *checks,
            const char *name,
            gint64      bot_id)
{
  BotbenchDoctorCheck *found = NULL;

  for (guint i = 0; i < checks->len; i++)
    {
      BotbenchDoctorCheck *check = g_ptr_array_index (checks, i);

      if (g_str_equal (check->name, name) && (bot_id == 0 || check->bot_id == bot_id))
        {
          g_assert_null (found);
          found = check;
        }
    }
  if (found == NULL)
    g_error ("no check %s", name);

  return found;
}

static void
assert_check (GPtrArray            *checks,
              const char           *name,
              gint64                bot_id,
              BotbenchDoctorStatus  status,
              const char           *needle)
{
  BotbenchDoctorCheck *check = find_check (checks, name, bot_id);

  if (check->status != status)
    g_error ("%s: expected %s, got %s: %s", name, botbench_doctor_status_to_string (status),
             botbench_doctor_status_to_string (check->status), check->message);
  if (needle != NULL && strstr (check->message, needle) == NULL)
    g_error ("%s: “%s” not in “%s”", name, needle, check->message);
}

static guint
count_status (GPtrArray            *checks,
              BotbenchDoctorStatus  status)
{
  guint n = 0;

  for (guint i = 0; i < checks->len; i++)
    if (((BotbenchDoctorCheck *)g_ptr_array_index (checks, i))->status == status)
      n++;
  return n;
}

/* A v1 bot registered on the sandbox with @url for its handlers (what the
 * portal stores) and saved on this machine with @saved_url (NULL: the same). */
static gint64
add_v1_bot (DoctorFixture *f,
            const char    *code,
            const char    *type,
            const char    *url,
            const char    *saved_url)
{
  g_autofree char *handlers = g_strdup_printf ("\"EVENT_HANDLER\":\"%s\",", url);
  g_autoptr(BotbenchBot) bot = botbench_bot_new ();
  g_autoptr(GError) error = NULL;
  BotbenchBotType bot_type;
  gint64 id;

  id = register_bot (&f->sb, botbench_profile_get_client_id (f->profile), code, type, handlers);
  g_assert_cmpint (id, >, 0);

  g_assert_true (botbench_bot_type_from_code (type, &bot_type));
  botbench_bot_set_code (bot, code);
  botbench_bot_set_bot_type (bot, bot_type);
  botbench_bot_set_name (bot, code);
  botbench_bot_set_event_handler (bot, saved_url != NULL ? saved_url : url);
  botbench_bot_set_bot_id (bot, id);
  g_assert_true (botbench_bot_store_add (f->bots, bot, &error));
  g_assert_no_error (error);

  return id;
}

/* A v2 fetch-mode bot registered with V2_TOKEN; its token in the keyring
 * is @keyring_token. */
static gint64
add_v2_bot (DoctorFixture *f,
            const char    *code,
            const char    *keyring_token)
{
  g_autoptr(BotbenchBot) bot = botbench_bot_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  gint64 id;

  id = v2_register (&f->sb, V2_TOKEN, code, NULL);
  g_assert_cmpint (id, >, 0);

  botbench_bot_set_api (bot, BOTBENCH_BOT_API_V2);
  botbench_bot_set_code (bot, code);
  botbench_bot_set_name (bot, code);
  botbench_bot_set_bot_id (bot, id);
  g_assert_true (botbench_bot_store_add (f->bots, bot, &error));
  g_assert_no_error (error);

  key = botbench_secret_bot_token_key (botbench_profile_get_uuid (f->profile), code);
  g_assert_true (botbench_secret_store_store_sync (f->secrets, key, BOTBENCH_SECRET_KIND_BOT_TOKEN,
                                                   keyring_token, NULL, &error));
  g_assert_no_error (error);

  return id;
}

/* A handler that keeps the CLIENT_ID of its query and answers 200. */
static void
client_id_cb (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  char **client_id = user_data;

  g_free (*client_id);
  *client_id = g_strdup (query != NULL ? g_hash_table_lookup (query, "CLIENT_ID") : "(no query)");
  soup_server_message_set_status (msg, 200, NULL);
}

/* A hostile handler: 1 MiB of "[" for every request. */
static void
hostile_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  gsize len = 1024 * 1024;
  char *body = g_malloc (len);

  memset (body, '[', len);
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, body, len);
}

static DoctorPlace
all_public (const char *host,
            gpointer    user_data)
{
  return DOCTOR_PLACE_PUBLIC;
}

/* ------------------------------------------------------------------------ */

static void
test_all_pass (DoctorFixture *f,
               gconstpointer  data)
{
  g_autoptr(GPtrArray) checks = NULL;
  g_autofree char *url = g_strdup_printf ("%sbot", f->sb.receiver_url);
  static const char *order[] = {
    "profile", "scope", "app-installed", "handler-url", "handler-reachable", "handler-answers",
    "handler-set", "bot-type", "bot-messages", "application-token", "fetch-ownership", "fetch-poll",
  };
  gint64 v1, v2;

  v1 = add_v1_bot (f, "allgood", "S", url, NULL);
  v2 = add_v2_bot (f, "fetchgood", V2_TOKEN);

  checks = run_default (f);
  g_assert_cmpuint (checks->len, ==, G_N_ELEMENTS (order));
  for (guint i = 0; i < checks->len; i++)
    {
      BotbenchDoctorCheck *check = g_ptr_array_index (checks, i);

      g_assert_cmpstr (check->name, ==, order[i]);
      if (check->status != BOTBENCH_DOCTOR_STATUS_OK)
        g_error ("%s is %s: %s", check->name, botbench_doctor_status_to_string (check->status), check->message);
      g_assert_cmpint (check->bot_id, ==, i < 3 ? 0 : i < 10 ? v1 : v2);
    }
  g_assert_false (botbench_doctor_checks_have_problem (checks));
  assert_check (checks, "handler-answers", v1, BOTBENCH_DOCTOR_STATUS_OK, "answered 200");

  /* The probe reached the handler, as a harmless event. */
  g_assert_cmpuint (f->sb.received->len, ==, 1);
  {
    BotbenchFormNode *node = g_ptr_array_index (f->sb.received, 0);

    g_assert_cmpstr (botbench_form_node_lookup_string (node, "event", NULL), ==, BOTBENCH_DOCTOR_PROBE_EVENT);
  }
}

static void
test_probe_client_id (DoctorFixture *f,
                      gconstpointer  data)
{
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(GPtrArray) checks = NULL;
  g_autofree char *client_id = NULL;
  g_autofree char *url = NULL;
  gint64 id;

  soup_server_add_handler (server, NULL, client_id_cb, &client_id, NULL);
  url = g_strdup_printf ("http://127.0.0.1:%u/hook?x=1", botbench_test_serve_loopback (server));
  id = add_v1_bot (f, "withquery", "S", url, NULL);

  checks = run_default (f);
  assert_check (checks, "handler-answers", id, BOTBENCH_DOCTOR_STATUS_OK, NULL);
  /* Probed like the portal calls a webhook's handler (§1.9). */
  g_assert_cmpstr (client_id, ==, botbench_profile_get_client_id (f->profile));
}

static void
test_hostile_answers (DoctorFixture *f,
                      gconstpointer  data)
{
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(BotbenchDoctor) doctor = NULL;
  g_autoptr(GPtrArray) checks = NULL;
  g_autofree char *base = NULL;
  g_autofree char *url = NULL;
  gint64 id;

  soup_server_add_handler (server, NULL, hostile_cb, NULL, NULL);
  base = g_strdup_printf ("http://127.0.0.1:%u/", botbench_test_serve_loopback (server));
  url = g_strdup_printf ("%sbot", base);
  botbench_profile_set_public_base_url (f->profile, base);
  id = add_v1_bot (f, "hostile", "S", url, NULL);

  doctor = new_doctor (f);
  botbench_doctor_set_portal (doctor, BOTBENCH_DOCTOR_PORTAL_REMOTE);
  _botbench_doctor_set_place_func (doctor, all_public, NULL);
  checks = run_doctor (doctor);
  /* Its "status page" is no listener's: cut at 64 KiB and refused. */
  assert_check (checks, "handler-reachable", id, BOTBENCH_DOCTOR_STATUS_PROBLEM, "not this Botbench");
}

static void
test_portal_unreachable (DoctorFixture *f,
                         gconstpointer  data)
{
  g_autoptr(GSocket) refusing = botbench_test_new_refusing_socket (0);
  g_autofree char *dead = g_strdup_printf ("http://127.0.0.1:%u/rest/1/abcdefgh12/",
                                           botbench_test_socket_get_port (refusing));
  g_autoptr(BotbenchWebhookUrl) parsed = NULL;
  g_autoptr(GPtrArray) checks = NULL;
  g_autoptr(GError) error = NULL;

  parsed = botbench_webhook_url_parse (dead, &error);
  g_assert_no_error (error);
  botbench_profile_apply_webhook_url (f->profile, parsed);
  add_v1_bot (f, "lonely", "B", f->sb.receiver_url, NULL);

  checks = run_default (f);
  assert_check (checks, "profile", 0, BOTBENCH_DOCTOR_STATUS_PROBLEM, NULL);
  /* Every later check is still there, a skipped warning saying why. */
  g_assert_cmpuint (checks->len, ==, 12);
  g_assert_cmpuint (count_status (checks, BOTBENCH_DOCTOR_STATUS_WARNING), ==, 11);
  assert_check (checks, "scope", 0, BOTBENCH_DOCTOR_STATUS_WARNING, "does not answer");
  assert_check (checks, "handler-answers", 0, BOTBENCH_DOCTOR_STATUS_WARNING, "Not checked");
  assert_check (checks, "fetch-poll", 0, BOTBENCH_DOCTOR_STATUS_WARNING, "Not checked");
  g_assert_true (botbench_doctor_checks_have_problem (checks));
}

static void
test_scope (DoctorFixture *f,
            gconstpointer  data)
{
  g_autoptr(GPtrArray) checks = run_default (f);

  assert_check (checks, "profile", 0, BOTBENCH_DOCTOR_STATUS_OK, NULL);
  assert_check (checks, "scope", 0, BOTBENCH_DOCTOR_STATUS_PROBLEM, "lacks imbot");
  assert_check (checks, "scope", 0, BOTBENCH_DOCTOR_STATUS_PROBLEM, "im, user");
}

static void
test_app_installed (DoctorFixture *f,
                    gconstpointer  data)
{
  g_autoptr(BotbenchProfile) profile = botbench_profile_new (BOTBENCH_PROFILE_KIND_OAUTH, NULL);
  g_autoptr(BotbenchRestClient) client = NULL;
  g_autoptr(BotbenchDoctor) doctor = NULL;
  g_autoptr(GPtrArray) installed = NULL;
  g_autoptr(GPtrArray) unfinished = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = v2_oauth_token (&f->sb, 1);
  g_autofree char *endpoint = g_strdup_printf ("%soauth/token/", f->sb.url);

  botbench_profile_set_portal_url (profile, f->sb.url);
  botbench_profile_set_oauth_client_id (profile, botbench_sandbox_get_client_id (f->sb.sandbox));
  botbench_profile_set_token_endpoint (profile, endpoint);
  botbench_profile_set_token_expires (profile, g_get_real_time () / G_USEC_PER_SEC + 3600);
  g_assert_true (botbench_secret_store_store_sync (f->secrets, botbench_profile_get_uuid (profile),
                                                   BOTBENCH_SECRET_KIND_ACCESS_TOKEN, token, NULL, &error));
  client = botbench_rest_client_new (profile, f->secrets, NULL);
  botbench_rest_client_set_max_retries (client, 0);
  doctor = botbench_doctor_new (client, NULL, NULL, NULL);

  installed = run_doctor (doctor);
  assert_check (installed, "app-installed", 0, BOTBENCH_DOCTOR_STATUS_OK, NULL);

  botbench_sandbox_set_app_installed (f->sb.sandbox, FALSE);
  unfinished = run_doctor (doctor);
  assert_check (unfinished, "profile", 0, BOTBENCH_DOCTOR_STATUS_OK, NULL);
  assert_check (unfinished, "app-installed", 0, BOTBENCH_DOCTOR_STATUS_PROBLEM, "installFinish");
}

static void
test_handler_url (DoctorFixture *f,
                  gconstpointer  data)
{
  g_autoptr(BotbenchDoctor) doctor = NULL;
  g_autoptr(GPtrArray) checks = NULL;
  g_autoptr(GPtrArray) remote = NULL;
  g_autofree char *url = g_strdup_printf ("%sbot", f->sb.receiver_url);
  gint64 id;

  /* Saved with a URL the portal refuses (§1.4: no dot in the host). */
  id = add_v1_bot (f, "nodot", "S", url, "http://localhost:8080/bot");
  checks = run_default (f);
  assert_check (checks, "handler-url", id, BOTBENCH_DOCTOR_STATUS_PROBLEM, "Wrong handler URL");
  assert_check (checks, "handler-url", id, BOTBENCH_DOCTOR_STATUS_PROBLEM, "dot");
  assert_check (checks, "handler-answers", id, BOTBENCH_DOCTOR_STATUS_WARNING, "Not checked");

  /* Plain http to a public host of a cloud portal: a warning. */
  g_assert_true (botbench_bot_store_remove (f->bots, botbench_bot_store_lookup_by_id (f->bots, id), NULL));
  id = add_v1_bot (f, "plain", "S", url, NULL);
  doctor = new_doctor (f);
  botbench_doctor_set_portal (doctor, BOTBENCH_DOCTOR_PORTAL_REMOTE);
  _botbench_doctor_set_place_func (doctor, all_public, NULL);
  botbench_doctor_set_bot_id (doctor, id);
  remote = run_doctor (doctor);
  assert_check (remote, "handler-url", id, BOTBENCH_DOCTOR_STATUS_WARNING, "https");
  assert_check (remote, "handler-reachable", id, BOTBENCH_DOCTOR_STATUS_OK, NULL);
  assert_check (remote, "handler-answers", id, BOTBENCH_DOCTOR_STATUS_OK, NULL);
  g_assert_false (botbench_doctor_checks_have_problem (remote));
}

static void
test_handler_reachable_cloud (DoctorFixture *f,
                              gconstpointer  data)
{
  g_autoptr(BotbenchDoctor) doctor = NULL;
  g_autoptr(GPtrArray) local = NULL;
  g_autoptr(GPtrArray) checks = NULL;
  g_autofree char *url = g_strdup_printf ("%sbot", f->sb.receiver_url);
  gint64 id = add_v1_bot (f, "hidden", "S", url, NULL);

  /* The sandbox reaches loopback ... */
  local = run_default (f);
  assert_check (local, "handler-reachable", id, BOTBENCH_DOCTOR_STATUS_OK, NULL);

  /* ... a cloud portal does not. */
  doctor = new_doctor (f);
  botbench_doctor_set_portal (doctor, BOTBENCH_DOCTOR_PORTAL_REMOTE);
  checks = run_doctor (doctor);
  assert_check (checks, "handler-reachable", id, BOTBENCH_DOCTOR_STATUS_PROBLEM, "botbench-cli tunnel");
  assert_check (checks, "handler-reachable", id, BOTBENCH_DOCTOR_STATUS_PROBLEM, "Make the Listener Public");
}

static void
test_handler_reachable_tunnel (DoctorFixture *f,
                               gconstpointer  data)
{
  g_autoptr(BotbenchDoctor) doctor = NULL;
  g_autoptr(GPtrArray) through = NULL;
  g_autoptr(GPtrArray) elsewhere = NULL;
  g_autoptr(GPtrArray) stopped = NULL;
  g_autofree char *url = g_strdup_printf ("%sbot", f->listener_url);
  BotbenchEventQuery all = { 0 };
  gint64 id;

  /* The handler is the listener through the public URL (the "tunnel"
   * here goes straight to it; the hook makes 127.0.0.1 a public host). */
  botbench_profile_set_public_base_url (f->profile, f->listener_url);
  id = add_v1_bot (f, "tunneled", "S", url, NULL);
  doctor = new_doctor (f);
  botbench_doctor_set_portal (doctor, BOTBENCH_DOCTOR_PORTAL_REMOTE);
  _botbench_doctor_set_place_func (doctor, all_public, NULL);
  through = run_doctor (doctor);
  assert_check (through, "handler-reachable", id, BOTBENCH_DOCTOR_STATUS_OK, "comes back");
  assert_check (through, "handler-answers", id, BOTBENCH_DOCTOR_STATUS_OK, "not probed");
  /* No probe in the log. */
  g_assert_cmpint (botbench_event_store_count (f->store, &all, NULL), ==, 0);

  /* The public URL goes elsewhere (to another server). */
  botbench_doctor_set_public_url (doctor, f->sb.receiver_url);
  botbench_profile_set_public_base_url (f->profile, f->sb.receiver_url);
  g_assert_true (botbench_bot_store_remove (f->bots, botbench_bot_store_lookup_by_id (f->bots, id), NULL));
  g_free (url);
  url = g_strdup_printf ("%sbot", f->sb.receiver_url);
  id = add_v1_bot (f, "elsewhere", "S", url, NULL);
  elsewhere = run_doctor (doctor);
  assert_check (elsewhere, "handler-reachable", id, BOTBENCH_DOCTOR_STATUS_PROBLEM, "not this Botbench");

  /* The listener is stopped. */
  botbench_listener_stop (f->listener);
  stopped = run_doctor (doctor);
  assert_check (stopped, "handler-reachable", id, BOTBENCH_DOCTOR_STATUS_PROBLEM, "start listening");
}

static void
test_handler_answers (DoctorFixture *f,
                      gconstpointer  data)
{
  g_autoptr(GPtrArray) failing = NULL;
  g_autoptr(GPtrArray) slow = NULL;
  g_autofree char *url = g_strdup_printf ("%sbot", f->sb.receiver_url);
  gint64 id = add_v1_bot (f, "grumpy", "S", url, NULL);
  gint64 started;

  f->sb.answer_status = 500;
  failing = run_default (f);
  assert_check (failing, "handler-answers", id, BOTBENCH_DOCTOR_STATUS_PROBLEM, "500");
  assert_check (failing, "handler-answers", id, BOTBENCH_DOCTOR_STATUS_PROBLEM, "answer 200");

  /* A handler that never answers: the saved definition points at it. */
  botbench_bot_set_event_handler (botbench_bot_store_lookup_by_id (f->bots, id), f->silent_url);
  started = g_get_monotonic_time ();
  slow = run_default (f);
  assert_check (slow, "handler-answers", id, BOTBENCH_DOCTOR_STATUS_PROBLEM, "within 400 ms");
  g_assert_cmpint (g_get_monotonic_time () - started, <, 5 * G_USEC_PER_SEC);
}

static void
test_handler_set (DoctorFixture *f,
                  gconstpointer  data)
{
  g_autoptr(GPtrArray) checks = NULL;
  g_autofree char *one = g_strdup_printf ("%sone", f->sb.receiver_url);
  g_autofree char *two = g_strdup_printf ("%stwo", f->sb.receiver_url);
  gint64 first = add_v1_bot (f, "firstbot", "S", one, NULL);
  gint64 second = add_v1_bot (f, "secondbot", "S", two, NULL);

  checks = run_default (f);
  assert_check (checks, "handler-set", first, BOTBENCH_DOCTOR_STATUS_PROBLEM, "secondbot");
  assert_check (checks, "handler-set", second, BOTBENCH_DOCTOR_STATUS_PROBLEM, "firstbot");
  assert_check (checks, "handler-set", second, BOTBENCH_DOCTOR_STATUS_PROBLEM, "same handler URLs");
}

static void
test_bot_type (DoctorFixture *f,
               gconstpointer  data)
{
  g_autoptr(GPtrArray) checks = NULL;
  g_autofree char *url = g_strdup_printf ("%sbot", f->sb.receiver_url);
  gint64 id = add_v1_bot (f, "mentionme", "B", url, NULL);

  checks = run_default (f);
  assert_check (checks, "bot-type", id, BOTBENCH_DOCTOR_STATUS_WARNING, "mention");
  assert_check (checks, "bot-type", id, BOTBENCH_DOCTOR_STATUS_WARNING, "type S");
  assert_check (checks, "bot-messages", id, BOTBENCH_DOCTOR_STATUS_OK, "bots never receive");
}

static gboolean
stored_one_cb (gpointer data)
{
  DoctorFixture *f = data;
  BotbenchEventQuery all = { 0 };

  return botbench_event_store_count (f->store, &all, NULL) >= 1;
}

static void
test_application_token (DoctorFixture *f,
                        gconstpointer  data)
{
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autofree char *url = g_strdup_printf ("%sbot", f->listener_url);
  g_autofree char *dialog = NULL;
  gint64 id = add_v1_bot (f, "tokenbot", "S", url, NULL);

  before = run_default (f);
  assert_check (before, "application-token", id, BOTBENCH_DOCTOR_STATUS_OK, NULL);

  /* The listener expects another application's token. */
  botbench_listener_set_expected_token (f->listener, "another-application-token");
  dialog = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  send_message (&f->sb, 1, dialog, "hello");
  wait_polling (stored_one_cb, f, "the event to be stored");

  after = run_default (f);
  assert_check (after, "application-token", id, BOTBENCH_DOCTOR_STATUS_PROBLEM, "1 of its last 1");
  assert_check (after, "application-token", id, BOTBENCH_DOCTOR_STATUS_PROBLEM, "ONAPPINSTALL");
}

static void
test_fetch_ownership (DoctorFixture *f,
                      gconstpointer  data)
{
  g_autoptr(GPtrArray) checks = NULL;
  gint64 id = add_v2_bot (f, "stolen", "not-the-token-1");

  checks = run_default (f);
  g_assert_cmpuint (checks->len, ==, 5);
  assert_check (checks, "fetch-ownership", id, BOTBENCH_DOCTOR_STATUS_PROBLEM, "BOT_OWNERSHIP_ERROR");
  assert_check (checks, "fetch-poll", id, BOTBENCH_DOCTOR_STATUS_PROBLEM, NULL);
}

static void
test_fetch_poll (DoctorFixture *f,
                 gconstpointer  data)
{
  g_autoptr(BotbenchDoctor) doctor = NULL;
  g_autoptr(GPtrArray) fresh = NULL;
  g_autoptr(GPtrArray) stale = NULL;
  g_autofree char *dialog = NULL;
  gint64 id = add_v2_bot (f, "unpolled", V2_TOKEN);
  gint64 other = add_v2_bot (f, "otherfetch", V2_TOKEN);

  dialog = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  send_message (&f->sb, 1, dialog, "now");
  doctor = new_doctor (f);
  botbench_doctor_set_bot_id (doctor, id);
  fresh = run_doctor (doctor);
  g_assert_cmpuint (fresh->len, ==, 5);
  assert_check (fresh, "fetch-poll", id, BOTBENCH_DOCTOR_STATUS_OK, "queued");

  /* An event queued an hour ago that nobody fetched. */
  test_clock_advance (-3600);
  g_free (dialog);
  dialog = g_strdup_printf ("%" G_GINT64_FORMAT, other);
  send_message (&f->sb, 1, dialog, "long ago");
  test_clock_advance (3600);
  botbench_doctor_set_bot_id (doctor, other);
  stale = run_doctor (doctor);
  assert_check (stale, "fetch-poll", other, BOTBENCH_DOCTOR_STATUS_PROBLEM, "60 minutes");
  assert_check (stale, "fetch-poll", other, BOTBENCH_DOCTOR_STATUS_PROBLEM, "botbench-cli fetch");
  /* Looking did not take the event from the queue. */
  {
    g_autoptr(JsonObject) queue = v2_events (&f->sb, V2_TOKEN, other, NULL);

    g_assert_cmpuint (json_array_get_length (events_of (queue)), ==, 1);
  }
}

static void
test_cancel (DoctorFixture *f,
             gconstpointer  data)
{
  g_autoptr(BotbenchDoctor) doctor = new_doctor (f);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_auto(BotbenchTestResult) result = { NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) checks = NULL;

  add_v1_bot (f, "cancelme", "S", f->silent_url, NULL);
  botbench_doctor_run_async (doctor, cancellable, botbench_test_result_cb, &result);
  g_cancellable_cancel (cancellable);
  checks = botbench_doctor_run_finish (doctor, botbench_test_result_wait (&result, 10000), &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (checks);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, mode) \
  g_test_add ("/doctor/" path, DoctorFixture, GINT_TO_POINTER (mode), doctor_setup, func, doctor_teardown)

  ADD ("run/all-pass", test_all_pass, 0);
  ADD ("run/cancel", test_cancel, 0);
  ADD ("handler-answers/client-id", test_probe_client_id, 0);
  ADD ("handler-reachable/hostile-answer", test_hostile_answers, 0);
  ADD ("profile/unreachable", test_portal_unreachable, 0);
  ADD ("scope/no-imbot", test_scope, 's');
  ADD ("app-installed/not-finished", test_app_installed, 0);
  ADD ("handler-url/dot-rule-and-http", test_handler_url, 0);
  ADD ("handler-reachable/cloud-portal", test_handler_reachable_cloud, 0);
  ADD ("handler-reachable/tunnel", test_handler_reachable_tunnel, 0);
  ADD ("handler-answers/error-and-timeout", test_handler_answers, 0);
  ADD ("handler-set/two-sets", test_handler_set, 0);
  ADD ("bot-type/mentions", test_bot_type, 0);
  ADD ("application-token/wrong", test_application_token, 0);
  ADD ("fetch-ownership/wrong-token", test_fetch_ownership, 0);
  ADD ("fetch-poll/stale-queue", test_fetch_poll, 0);

  return g_test_run ();
}
