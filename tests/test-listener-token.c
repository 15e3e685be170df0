/* test-listener-token.c: the listener's application_token states and strict mode
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "botbench-core.h"
#include "botbench-event-store-private.h"
#include "botbench-test-utils.h"

#define TOKEN "831c76b092f9f135d9b6b36c3a720757"

typedef struct
{
  char               *tmp_dir;
  BotbenchEventStore *store;
  BotbenchListener   *listener;
  SoupSession        *session;
  char               *base_url;
} TokenFixture;

static void
token_setup (TokenFixture  *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;

  f->tmp_dir = botbench_test_make_tmp_dir ();
  db = g_build_filename (f->tmp_dir, "events.db", NULL);
  f->store = botbench_event_store_new (db, &error);
  g_assert_no_error (error);

  f->listener = botbench_listener_new (f->store);
  botbench_listener_set_port (f->listener, 0);
  botbench_listener_start (f->listener, &error);
  g_assert_no_error (error);

  f->base_url = botbench_listener_dup_url (f->listener);
  f->session = soup_session_new_with_options ("timeout", 30, NULL);
}

static void
token_teardown (TokenFixture  *f,
                gconstpointer  data)
{
  g_clear_object (&f->session);
  botbench_listener_stop (f->listener);
  g_assert_finalize_object (g_steal_pointer (&f->listener));
  botbench_event_store_close (f->store);
  g_clear_object (&f->store);
  botbench_test_rm_rf (f->tmp_dir);
  g_clear_pointer (&f->tmp_dir, g_free);
  g_clear_pointer (&f->base_url, g_free);
}

/* POSTs body; returns the HTTP status, *text the answer. */
static guint
post (TokenFixture  *f,
      GBytes        *body,
      char         **text)
{
  g_autofree char *url = g_strconcat (f->base_url, "bot.php", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) response = NULL;
  g_autoptr(GError) error = NULL;

  soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", body);
  response = soup_session_send_and_read (f->session, msg, NULL, &error);
  g_assert_no_error (error);
  if (text != NULL)
    *text = g_strndup (g_bytes_get_data (response, NULL), g_bytes_get_size (response));

  return soup_message_get_status (msg);
}

static guint
post_text (TokenFixture  *f,
           const char    *body,
           char         **text)
{
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

  return post (f, bytes, text);
}

/* The stored events, oldest first. */
static GPtrArray *
stored (TokenFixture *f,
        const char   *verified)
{
  g_autoptr(GError) error = NULL;
  BotbenchEventQuery query = { .ascending = TRUE, .limit = 100, .verified = verified };
  GPtrArray *events = botbench_event_store_query (f->store, &query, &error);

  g_assert_no_error (error);
  return events;
}

static void
test_states_without_strict (TokenFixture  *f,
                            gconstpointer  data)
{
  g_autoptr(GBytes) fixture = botbench_test_load_fixture ("ONIMBOTMESSAGEADD");
  g_autoptr(GPtrArray) events = NULL;
  static const BotbenchTokenState expected[] = {
    BOTBENCH_TOKEN_STATE_UNKNOWN, BOTBENCH_TOKEN_STATE_VERIFIED,
    BOTBENCH_TOKEN_STATE_WRONG, BOTBENCH_TOKEN_STATE_MISSING,
  };

  /* No expected token: unknown, whatever the body says. */
  g_assert_cmpuint (post (f, fixture, NULL), ==, 200);

  botbench_listener_set_expected_token (f->listener, TOKEN);
  g_assert_false (botbench_listener_get_strict_token (f->listener));
  g_assert_cmpuint (post (f, fixture, NULL), ==, 200);
  g_assert_cmpuint (post_text (f, "event=X&auth[application_token]=forged", NULL), ==, 200);
  /* Only a copy under data[BOT]: no token. */
  g_assert_cmpuint (post_text (f, "event=X&data[BOT][1][application_token]=" TOKEN, NULL), ==, 200);

  events = stored (f, NULL);
  g_assert_cmpuint (events->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < events->len; i++)
    {
      BotbenchEvent *event = g_ptr_array_index (events, i);

      g_assert_cmpint (botbench_event_get_token_state (event), ==, expected[i]);
      g_assert_false (botbench_event_get_rejected (event));
    }
}

static void
test_strict_rejects (TokenFixture  *f,
                     gconstpointer  data)
{
  g_autoptr(GBytes) fixture = botbench_test_load_fixture ("ONIMCOMMANDADD");
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) wrong = NULL;
  g_autoptr(GPtrArray) none = NULL;
  g_autoptr(GPtrArray) verified = NULL;
  g_autofree char *answer = NULL;
  g_autofree char *expected_token = NULL;

  botbench_listener_set_expected_token (f->listener, TOKEN);
  botbench_listener_set_strict_token (f->listener, TRUE);
  g_assert_true (botbench_listener_get_strict_token (f->listener));
  expected_token = botbench_listener_dup_expected_token (f->listener);
  g_assert_cmpstr (expected_token, ==, TOKEN);

  g_assert_cmpuint (post (f, fixture, NULL), ==, 200);
  g_assert_cmpuint (post_text (f, "event=X&auth[application_token]=" TOKEN "0", &answer), ==, 401);
  g_assert_nonnull (strstr (answer, "application_token"));
  g_assert_cmpuint (post_text (f, "event=X", NULL), ==, 401);

  /* Rejected events are stored all the same (the 401 comes after the
   * commit), marked rejected, and the filter finds each state. */
  all = stored (f, NULL);
  g_assert_cmpuint (all->len, ==, 3);
  g_assert_false (botbench_event_get_rejected (g_ptr_array_index (all, 0)));
  g_assert_true (botbench_event_get_rejected (g_ptr_array_index (all, 1)));
  g_assert_true (botbench_event_get_rejected (g_ptr_array_index (all, 2)));

  verified = stored (f, "verified");
  wrong = stored (f, "wrong-token");
  none = stored (f, "no-token");
  g_assert_cmpuint (verified->len, ==, 1);
  g_assert_cmpuint (wrong->len, ==, 1);
  g_assert_cmpuint (none->len, ==, 1);
  g_assert_cmpint (botbench_event_get_id (g_ptr_array_index (wrong, 0)), ==,
                   botbench_event_get_id (g_ptr_array_index (all, 1)));

  /* Strict off again: marked, answered 200. */
  botbench_listener_set_strict_token (f->listener, FALSE);
  g_assert_cmpuint (post_text (f, "event=X", NULL), ==, 200);
}

/* Strict without an expected token rejects nothing (every state is unknown). */
static void
test_strict_without_token (TokenFixture  *f,
                           gconstpointer  data)
{
  g_autoptr(GPtrArray) events = NULL;
  g_autofree char *expected_token = NULL;

  botbench_listener_set_strict_token (f->listener, TRUE);
  botbench_listener_set_expected_token (f->listener, "");
  expected_token = botbench_listener_dup_expected_token (f->listener);
  g_assert_null (expected_token);

  g_assert_cmpuint (post_text (f, "event=X", NULL), ==, 200);
  events = stored (f, "unknown");
  g_assert_cmpuint (events->len, ==, 1);
  g_assert_false (botbench_event_get_rejected (g_ptr_array_index (events, 0)));
}

/* The states survive a reopen of the store; the filter uses the index. */
static void
test_filter_after_reopen (TokenFixture  *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BotbenchEventStore) again = NULL;
  g_autoptr(GPtrArray) wrong = NULL;
  g_autofree char *plan = NULL;
  BotbenchEventQuery query = { .limit = 10, .verified = "wrong-token" };

  botbench_listener_set_expected_token (f->listener, TOKEN);
  g_assert_cmpuint (post_text (f, "auth[application_token]=nope", NULL), ==, 200);
  g_assert_cmpuint (post_text (f, "auth[application_token]=" TOKEN, NULL), ==, 200);
  botbench_listener_stop (f->listener);
  botbench_event_store_close (f->store);

  again = botbench_event_store_new (botbench_event_store_get_path (f->store), &error);
  g_assert_no_error (error);
  wrong = botbench_event_store_query (again, &query, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (wrong->len, ==, 1);
  g_assert_cmpint (botbench_event_get_token_state (g_ptr_array_index (wrong, 0)), ==,
                   BOTBENCH_TOKEN_STATE_WRONG);
  g_assert_cmpint (botbench_event_store_count (again, &query, &error), ==, 1);

  plan = _botbench_event_store_explain_query (again, &query, &error);
  g_assert_no_error (error);
  g_test_message ("%s", plan);
  botbench_event_store_close (again);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/listener-token/states/without-strict", TokenFixture, NULL,
              token_setup, test_states_without_strict, token_teardown);
  g_test_add ("/listener-token/strict/rejects", TokenFixture, NULL,
              token_setup, test_strict_rejects, token_teardown);
  g_test_add ("/listener-token/strict/without-token", TokenFixture, NULL,
              token_setup, test_strict_without_token, token_teardown);
  g_test_add ("/listener-token/filter/after-reopen", TokenFixture, NULL,
              token_setup, test_filter_after_reopen, token_teardown);

  return g_test_run ();
}
