/* test-forwarder.c: BotbenchForwarder and the listener forwarding (part of test-forward)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A real listener, store and forwarder; the loopback test handler plays the
 * developer's bot.  Every original request must be acknowledged and
 * stored whatever the handler does, and the outcome recorded.
 */
#define G_LOG_DOMAIN "test-forward"

#include "config.h"

#include <string.h>

#include "botbench-forwarder-private.h"
#include "botbench-test-utils.h"
#include "test-forward.h"

typedef struct
{
  char                *dir;
  BotbenchEventStore  *store;
  BotbenchListener    *listener;
  BotbenchForwarder   *forwarder;
  BotbenchTestHandler *handler;
  SoupSession         *session;
  char                *listener_url;   /* no trailing slash */
  guint                n_recorded;
  guint                n_forwarded;
} Fixture;

static void
forward_recorded_cb (BotbenchEventStore *store,
                     gint64              id,
                     Fixture            *f)
{
  f->n_recorded++;
}

static void
forwarded_cb (BotbenchForwarder     *forwarder,
              BotbenchEvent         *event,
              BotbenchForwardResult *result,
              Fixture               *f)
{
  g_assert_true (botbench_event_get_forward (event) == result);
  f->n_forwarded++;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  g_autofree char *url = NULL;

  f->dir = botbench_test_make_tmp_dir ();
  db = g_build_filename (f->dir, "events.db", NULL);
  f->store = botbench_event_store_new (db, &error);
  g_assert_no_error (error);
  g_signal_connect (f->store, "forward-recorded", G_CALLBACK (forward_recorded_cb), f);

  f->forwarder = botbench_forwarder_new (f->store);
  g_signal_connect (f->forwarder, "forwarded", G_CALLBACK (forwarded_cb), f);
  f->handler = botbench_test_handler_new ();

  f->listener = botbench_listener_new (f->store);
  botbench_listener_set_port (f->listener, 0);
  botbench_listener_set_forwarder (f->listener, f->forwarder);
  botbench_listener_start (f->listener, &error);
  g_assert_no_error (error);
  url = botbench_listener_dup_url (f->listener);
  url[strlen (url) - 1] = '\0';
  f->listener_url = g_steal_pointer (&url);
  f->session = soup_session_new_with_options ("timeout", 30, "max-conns-per-host", 16, NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->session);
  botbench_listener_stop (f->listener);
  g_assert_finalize_object (g_steal_pointer (&f->listener));
  botbench_forwarder_stop (f->forwarder);
  g_assert_finalize_object (g_steal_pointer (&f->forwarder));
  botbench_event_store_close (f->store);
  g_clear_object (&f->store);
  g_clear_pointer (&f->handler, botbench_test_handler_free);
  botbench_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->listener_url);
}

static void
set_rule (Fixture    *f,
          const char *prefix,
          const char *url)
{
  g_autoptr(GPtrArray) rules = g_ptr_array_new_with_free_func ((GDestroyNotify)botbench_forward_rule_unref);

  g_ptr_array_add (rules, botbench_forward_rule_new (prefix, url, TRUE));
  botbench_forwarder_set_rules (f->forwarder, rules);
}

/* Posts asynchronously; acks counts 200 answers with an id. */
typedef struct
{
  guint  n_done;
  guint  n_acked;
} Posts;

static void
post_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Posts *posts = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, NULL);

  posts->n_done++;
  if (body != NULL && soup_message_get_status (msg) == 200 &&
      strstr (g_bytes_get_data (body, NULL), "\"ok\":true") != NULL)
    posts->n_acked++;
}

static void
post_async (Fixture    *f,
            const char *path,
            const char *body,
            const char *replay_of,
            Posts      *posts)
{
  g_autofree char *url = g_strconcat (f->listener_url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

  soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", bytes);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "User-Agent", "Bitrix24 Webhook Engine");
  if (replay_of != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "X-Botbench-Replay-Of", replay_of);
  soup_session_send_and_read_async (f->session, msg, G_PRIORITY_DEFAULT, NULL, post_done_cb, posts);
}

static gboolean
posts_done (gpointer data)
{
  gpointer *args = data;
  Posts *posts = args[0];

  return posts->n_done >= GPOINTER_TO_UINT (args[1]);
}

static void
wait_posts (Posts *posts,
            guint  n)
{
  gpointer args[2] = { posts, GUINT_TO_POINTER (n) };

  botbench_test_assert_wait_until (posts_done, args, "the listener answered");
}

static gboolean
recorded_enough (gpointer data)
{
  gpointer *args = data;
  Fixture *f = args[0];

  return f->n_recorded >= GPOINTER_TO_UINT (args[1]) && f->n_forwarded >= GPOINTER_TO_UINT (args[1]);
}

static void
wait_recorded (Fixture *f,
               guint    n)
{
  gpointer args[2] = { f, GUINT_TO_POINTER (n) };

  botbench_test_assert_wait_until_full (recorded_enough, args, 30000, "forwards recorded");
}

static GPtrArray *
all_events (Fixture *f)
{
  BotbenchEventQuery query = { .ascending = TRUE, .limit = 10000 };
  g_autoptr(GError) error = NULL;
  GPtrArray *events = botbench_event_store_query (f->store, &query, &error);

  g_assert_no_error (error);
  return events;
}

static void
test_forward_ok (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *target = g_strconcat (botbench_test_handler_get_url (f->handler), "/bot.php", NULL);
  g_autoptr(GPtrArray) events = NULL;
  GPtrArray *requests;
  Posts posts = { 0 };
  const guint n = 30;

  set_rule (f, "/", target);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *body = g_strdup_printf ("event=ONIMBOTMESSAGEADD&data[PARAMS][MESSAGE]=m%u%%00%%FF&n=%u", i, i);
      g_autofree char *path = g_strdup_printf ("/hook?i=%u", i);

      post_async (f, path, body, NULL, &posts);
    }
  wait_posts (&posts, n);
  g_assert_cmpuint (posts.n_acked, ==, n);
  wait_recorded (f, n);
  g_assert_cmpuint (botbench_forwarder_get_n_pending (f->forwarder), ==, 0);

  events = all_events (f);
  g_assert_cmpuint (events->len, ==, n);
  requests = botbench_test_handler_get_requests (f->handler);
  g_assert_cmpuint (requests->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      BotbenchEvent *event = g_ptr_array_index (events, i);
      BotbenchForwardResult *fw = botbench_event_get_forward (event);
      BotbenchTestRequest *req = g_ptr_array_index (requests, i);
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, botbench_event_get_id (event));

      g_assert_nonnull (fw);
      g_assert_cmpint (botbench_forward_result_get_state (fw), ==, BOTBENCH_FORWARD_STATE_DONE);
      g_assert_cmpuint (botbench_forward_result_get_status (fw), ==, 200);
      g_assert_cmpstr (botbench_forward_result_get_url (fw), ==, target);
      /* In commit order, byte-identical, with the query and the headers. */
      g_assert_cmpstr (test_forward_header (req, "X-Botbench-Event-Id"), ==, id);
      g_assert_cmpmem (g_bytes_get_data (req->body, NULL), g_bytes_get_size (req->body),
                       g_bytes_get_data (botbench_event_get_body (event), NULL),
                       g_bytes_get_size (botbench_event_get_body (event)));
      g_assert_cmpstr (req->path, ==, "/bot.php");
      g_assert_cmpstr (req->query, ==, botbench_event_get_query (event));
      g_assert_cmpstr (test_forward_header (req, "User-Agent"), ==, "Bitrix24 Webhook Engine");
      g_assert_cmpstr (test_forward_header (req, "Content-Type"), ==, "application/x-www-form-urlencoded");
    }
}

/* A rule that points back at the listener: the forward is stored once
 * more (the handler is Botbench itself) and not forwarded again, where it
 * would loop until the disk is full. */
static void
test_forward_loop (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *self_url = g_strconcat (f->listener_url, "/again", NULL);
  g_autoptr(GPtrArray) events = NULL;
  Posts posts = { 0 };

  set_rule (f, "/", self_url);
  post_async (f, "/hook", "event=ONIMBOTMESSAGEADD&data[PARAMS][MESSAGE]=once", NULL, &posts);
  wait_posts (&posts, 1);
  g_assert_cmpuint (posts.n_acked, ==, 1);
  wait_recorded (f, 1);
  g_assert_true (botbench_forwarder_flush (f->forwarder, 5000));

  /* Give a loop the time to show: more forwards would be recorded. */
  {
    gint64 until = g_get_monotonic_time () + 300 * G_TIME_SPAN_MILLISECOND;

    while (g_get_monotonic_time () < until)
      g_main_context_iteration (NULL, FALSE);
  }
  events = all_events (f);
  g_assert_cmpuint (events->len, ==, 2);
  g_assert_cmpuint (botbench_forward_result_get_status (botbench_event_get_forward (events->pdata[0])), ==, 200);
  g_assert_cmpstr (botbench_event_get_path (events->pdata[1]), ==, "/again");
  g_assert_true (botbench_http_send_is_own_forward (events->pdata[1]));
  g_assert_null (botbench_event_get_forward (events->pdata[1]));
  g_assert_cmpuint (f->n_forwarded, ==, 1);
}

static void
test_forward_outcomes (Fixture       *f,
                       gconstpointer  data)
{
  static const struct {
    const char *path;
    guint       status;
    const char *error;
  } cases[] = {
    { "/ok", 200, NULL },
    { "/err", 500, NULL },
    { "/slow", 0, "Timed out after 1 s" },
    { "/close", 0, "Connection closed without an answer" },
    { "/refused", 0, "Connection refused" },
  };
  g_autoptr(GPtrArray) rules = g_ptr_array_new_with_free_func ((GDestroyNotify)botbench_forward_rule_unref);
  g_autoptr(GPtrArray) events = NULL;
  const char *base = botbench_test_handler_get_url (f->handler);
  g_autofree char *refused = g_strdup_printf ("http://127.0.0.1:%u/x", botbench_test_closed_port ());
  Posts posts = { 0 };

  botbench_test_handler_set_path_mode (f->handler, "/err", BOTBENCH_TEST_HANDLER_ERROR);
  botbench_test_handler_set_path_mode (f->handler, "/slow", BOTBENCH_TEST_HANDLER_SLOW);
  botbench_test_handler_set_path_mode (f->handler, "/close", BOTBENCH_TEST_HANDLER_CLOSE);
  botbench_test_handler_set_delay_ms (f->handler, 3000);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *url = g_str_equal (cases[i].path, "/refused") ? g_strdup (refused)
                                                                       : g_strconcat (base, cases[i].path, NULL);

      g_ptr_array_add (rules, botbench_forward_rule_new (cases[i].path, url, TRUE));
    }
  /* A disabled catch-all forwards nothing. */
  g_ptr_array_add (rules, botbench_forward_rule_new ("/", base, FALSE));
  botbench_forwarder_set_rules (f->forwarder, rules);
  botbench_forwarder_set_timeout (f->forwarder, 1);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    post_async (f, cases[i].path, "event=ONIMBOTJOINCHAT", NULL, &posts);
  post_async (f, "/elsewhere", "event=ONIMBOTJOINCHAT", NULL, &posts);
  wait_posts (&posts, G_N_ELEMENTS (cases) + 1);
  g_assert_cmpuint (posts.n_acked, ==, G_N_ELEMENTS (cases) + 1);
  wait_recorded (f, G_N_ELEMENTS (cases));

  events = all_events (f);
  g_assert_cmpuint (events->len, ==, G_N_ELEMENTS (cases) + 1);
  for (guint i = 0; i < events->len; i++)
    {
      BotbenchEvent *event = g_ptr_array_index (events, i);
      BotbenchForwardResult *fw = botbench_event_get_forward (event);
      const char *path = botbench_event_get_path (event);
      gboolean found = FALSE;

      if (g_str_equal (path, "/elsewhere"))
        {
          g_assert_null (fw);
          continue;
        }

      for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
        {
          if (!g_str_equal (cases[c].path, path))
            continue;
          found = TRUE;
          g_assert_nonnull (fw);
          g_assert_cmpuint (botbench_forward_result_get_status (fw), ==, cases[c].status);
          g_assert_cmpstr (botbench_forward_result_get_error (fw), ==, cases[c].error);
          g_assert_cmpint (botbench_forward_result_get_state (fw), ==,
                           cases[c].error ? BOTBENCH_FORWARD_STATE_FAILED : BOTBENCH_FORWARD_STATE_DONE);
        }
      g_assert_true (found);
    }
}

/* Two targets, many events at once from concurrent senders: each target
 * sees its events in commit order, never two at a time. */
static void
test_forward_order (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GPtrArray) rules = g_ptr_array_new_with_free_func ((GDestroyNotify)botbench_forward_rule_unref);
  const char *base = botbench_test_handler_get_url (f->handler);
  g_autofree char *a = g_strconcat (base, "/a", NULL);
  g_autofree char *b = g_strconcat (base, "/b", NULL);
  GPtrArray *requests;
  gint64 last[2] = { 0, 0 };
  guint seen[2] = { 0, 0 };
  Posts posts = { 0 };
  const guint n = 200;

  g_ptr_array_add (rules, botbench_forward_rule_new ("/a", a, TRUE));
  g_ptr_array_add (rules, botbench_forward_rule_new ("/b", b, TRUE));
  botbench_forwarder_set_rules (f->forwarder, rules);
  botbench_forwarder_set_max_in_flight (f->forwarder, 4);

  for (guint i = 0; i < n; i++)
    post_async (f, i % 3 ? "/a/hook" : "/b", "event=ONIMBOTMESSAGEADD", NULL, &posts);
  wait_posts (&posts, n);
  g_assert_cmpuint (posts.n_acked, ==, n);
  wait_recorded (f, n);

  requests = botbench_test_handler_get_requests (f->handler);
  g_assert_cmpuint (requests->len, ==, n);
  for (guint i = 0; i < requests->len; i++)
    {
      BotbenchTestRequest *req = g_ptr_array_index (requests, i);
      guint t = g_str_equal (req->path, "/a") ? 0 : 1;
      gint64 id = g_ascii_strtoll (test_forward_header (req, "X-Botbench-Event-Id"), NULL, 10);

      g_assert_cmpint (id, >, last[t]);
      last[t] = id;
      seen[t]++;
    }
  g_assert_cmpuint (seen[0] + seen[1], ==, n);
  g_assert_cmpuint (seen[1], ==, (n + 2) / 3);
}

static void
test_forward_queue_full_and_stop (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(GPtrArray) events = NULL;
  guint full = 0, interrupted = 0;
  Posts posts = { 0 };

  set_rule (f, "/", botbench_test_handler_get_url (f->handler));
  botbench_test_handler_set_mode (f->handler, BOTBENCH_TEST_HANDLER_SLOW);
  botbench_test_handler_set_delay_ms (f->handler, 20000);
  botbench_forwarder_set_max_queued (f->forwarder, 2);

  /* The first one is sent (and hangs), two wait, the rest find the queue full. */
  post_async (f, "/", "event=FIRST", NULL, &posts);
  wait_posts (&posts, 1);
  botbench_test_handler_wait_requests (f->handler, 1);
  for (guint i = 0; i < 5; i++)
    post_async (f, "/", "event=MORE", NULL, &posts);
  wait_posts (&posts, 6);
  g_assert_cmpuint (posts.n_acked, ==, 6);
  wait_recorded (f, 3);

  /* Stopping records the rest as interrupted, without waiting for the handler. */
  {
    gint64 start = g_get_monotonic_time ();

    botbench_forwarder_stop (f->forwarder);
    g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  }
  g_assert_cmpuint (botbench_forwarder_get_n_pending (f->forwarder), ==, 0);

  events = all_events (f);
  g_assert_cmpuint (events->len, ==, 6);
  for (guint i = 0; i < events->len; i++)
    {
      BotbenchForwardResult *fw = botbench_event_get_forward (g_ptr_array_index (events, i));

      g_assert_nonnull (fw);
      g_assert_cmpint (botbench_forward_result_get_state (fw), ==, BOTBENCH_FORWARD_STATE_FAILED);
      if (g_strcmp0 (botbench_forward_result_get_error (fw), "Forward queue full") == 0)
        full++;
      else if (g_strcmp0 (botbench_forward_result_get_error (fw), "Interrupted") == 0)
        interrupted++;
    }
  g_assert_cmpuint (full, ==, 3);
  g_assert_cmpuint (interrupted, ==, 3);
}

/* The queue is bounded by bytes too: beyond the bound an event is still
 * stored and acknowledged, its forward recorded as "Forward queue full". */
static void
test_forward_queue_bytes (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GPtrArray) events = NULL;
  g_autofree char *pad = g_strnfill (200, 'x');
  g_autofree char *body = g_strdup_printf ("event=MORE&pad=%s", pad);
  guint full = 0, interrupted = 0;
  Posts posts = { 0 };

  set_rule (f, "/", botbench_test_handler_get_url (f->handler));
  botbench_test_handler_set_mode (f->handler, BOTBENCH_TEST_HANDLER_SLOW);
  botbench_test_handler_set_delay_ms (f->handler, 20000);
  /* Room for two bodies, not three; the count bound is far. */
  botbench_forwarder_set_max_queued_bytes (f->forwarder, 2 * strlen (body) + 10);

  post_async (f, "/", "event=FIRST", NULL, &posts);
  wait_posts (&posts, 1);
  botbench_test_handler_wait_requests (f->handler, 1);
  for (guint i = 0; i < 5; i++)
    post_async (f, "/", body, NULL, &posts);
  wait_posts (&posts, 6);
  g_assert_cmpuint (posts.n_acked, ==, 6);
  wait_recorded (f, 3);

  botbench_forwarder_stop (f->forwarder);
  events = all_events (f);
  g_assert_cmpuint (events->len, ==, 6);
  for (guint i = 0; i < events->len; i++)
    {
      BotbenchForwardResult *fw = botbench_event_get_forward (g_ptr_array_index (events, i));

      g_assert_nonnull (fw);
      if (g_strcmp0 (botbench_forward_result_get_error (fw), "Forward queue full") == 0)
        full++;
      else if (g_strcmp0 (botbench_forward_result_get_error (fw), "Interrupted") == 0)
        interrupted++;
    }
  g_assert_cmpuint (full, ==, 3);
  g_assert_cmpuint (interrupted, ==, 3);
}

static gboolean
handler_has_request (gpointer data)
{
  return botbench_test_handler_get_n_requests (data) > 0;
}

/* The forward is pending in the store from the event's commit on, and
 * done once the handler answered. */
static void
test_forward_pending_row (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *target = g_strconcat (botbench_test_handler_get_url (f->handler), "/slow", NULL);
  g_autoptr(BotbenchEvent) during = NULL;
  g_autoptr(BotbenchEvent) after = NULL;
  g_autoptr(GError) error = NULL;
  BotbenchForwardResult *fw;
  g_autoptr(GString) json = g_string_new (NULL);
  Posts posts = { 0 };

  set_rule (f, "/", target);
  botbench_test_handler_set_mode (f->handler, BOTBENCH_TEST_HANDLER_SLOW);
  /* Long enough for the reads below on a loaded machine. */
  botbench_test_handler_set_delay_ms (f->handler, 3000);
  post_async (f, "/hook", "event=ONIMBOTJOINCHAT", NULL, &posts);
  wait_posts (&posts, 1);
  g_assert_cmpuint (posts.n_acked, ==, 1);
  botbench_test_assert_wait_until (handler_has_request, f->handler, "the handler to get the event");

  during = botbench_event_store_get (f->store, 1, &error);
  g_assert_no_error (error);
  fw = botbench_event_get_forward (during);
  g_assert_nonnull (fw);
  g_assert_cmpint (botbench_forward_result_get_state (fw), ==, BOTBENCH_FORWARD_STATE_PENDING);
  g_assert_cmpstr (botbench_forward_result_get_url (fw), ==, target);
  g_assert_true (botbench_forwarder_is_forwarding (f->forwarder, during));
  botbench_forward_result_append_json (fw, json);
  g_assert_nonnull (strstr (json->str, "\"state\":\"pending\",\"status\":null"));
  g_assert_nonnull (strstr (json->str, "\"error\":null"));

  wait_recorded (f, 1);
  after = botbench_event_store_get (f->store, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (botbench_forward_result_get_state (botbench_event_get_forward (after)), ==,
                   BOTBENCH_FORWARD_STATE_DONE);
  g_assert_cmpuint (botbench_forward_result_get_status (botbench_event_get_forward (after)), ==, 200);
  g_assert_false (botbench_forwarder_is_forwarding (f->forwarder, during));
  g_assert_cmpuint (botbench_forwarder_get_n_pending (f->forwarder), ==, 0);
}

/* A target's state goes once it is idle and no rule points at it; one
 * still sending keeps it until its answer is in. */
static void
test_forward_targets_pruned (Fixture       *f,
                             gconstpointer  data)
{
  const char *base = botbench_test_handler_get_url (f->handler);
  g_autofree char *a = g_strconcat (base, "/a", NULL);
  g_autofree char *slow = g_strconcat (base, "/slow", NULL);
  Posts posts = { 0 };

  set_rule (f, "/", a);
  post_async (f, "/", "event=ONE", NULL, &posts);
  wait_posts (&posts, 1);
  wait_recorded (f, 1);
  g_assert_cmpuint (_botbench_forwarder_get_n_targets (f->forwarder), ==, 1);

  /* Idle and no longer pointed at: gone with the new rules. */
  botbench_test_handler_set_path_mode (f->handler, "/slow", BOTBENCH_TEST_HANDLER_SLOW);
  botbench_test_handler_set_delay_ms (f->handler, 3000);
  set_rule (f, "/", slow);
  g_assert_cmpuint (_botbench_forwarder_get_n_targets (f->forwarder), ==, 0);

  /* Busy when the rules change: kept until its send ends. */
  post_async (f, "/", "event=TWO", NULL, &posts);
  wait_posts (&posts, 2);
  botbench_test_handler_wait_requests (f->handler, 2);
  set_rule (f, "/", a);
  g_assert_cmpuint (_botbench_forwarder_get_n_targets (f->forwarder), ==, 1);
  wait_recorded (f, 2);
  g_assert_cmpuint (_botbench_forwarder_get_n_targets (f->forwarder), ==, 0);

  /* A disabled rule points nowhere. */
  post_async (f, "/", "event=THREE", NULL, &posts);
  wait_posts (&posts, 3);
  wait_recorded (f, 3);
  g_assert_cmpuint (_botbench_forwarder_get_n_targets (f->forwarder), ==, 1);
  {
    g_autoptr(GPtrArray) rules = g_ptr_array_new_with_free_func ((GDestroyNotify)botbench_forward_rule_unref);

    g_ptr_array_add (rules, botbench_forward_rule_new ("/", a, FALSE));
    botbench_forwarder_set_rules (f->forwarder, rules);
  }
  g_assert_cmpuint (_botbench_forwarder_get_n_targets (f->forwarder), ==, 0);
}

static void
test_replay_of_header (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GPtrArray) events = NULL;
  Posts posts = { 0 };

  post_async (f, "/", "event=ORIGINAL", NULL, &posts);
  wait_posts (&posts, 1);
  post_async (f, "/", "event=REPLAY", "1", &posts);
  wait_posts (&posts, 2);
  post_async (f, "/", "event=BOGUS", "1x", &posts);
  post_async (f, "/", "event=FUTURE", "999", &posts);
  post_async (f, "/", "event=NEGATIVE", "-1", &posts);
  wait_posts (&posts, 5);
  g_assert_cmpuint (posts.n_acked, ==, 5);

  events = all_events (f);
  g_assert_cmpuint (events->len, ==, 5);
  for (guint i = 0; i < events->len; i++)
    {
      BotbenchEvent *event = g_ptr_array_index (events, i);

      g_assert_cmpint (botbench_event_get_replay_of (event), ==,
                       g_str_equal (botbench_event_get_event_name (event), "REPLAY") ? 1 : 0);
    }
  /* Nothing forwarded without a rule. */
  g_assert_cmpuint (botbench_test_handler_get_n_requests (f->handler), ==, 0);
}

static void
test_rules (void)
{
  g_autoptr(BotbenchForwardRule) all = botbench_forward_rule_new ("/", "http://h/", TRUE);
  g_autoptr(BotbenchForwardRule) bot = botbench_forward_rule_new ("/bot", "http://h/bot", TRUE);
  g_autoptr(BotbenchForwardRule) slash = botbench_forward_rule_new ("/bot/", "http://h/bot", TRUE);

  g_assert_true (botbench_forward_rule_matches (all, "/anything"));
  g_assert_true (botbench_forward_rule_matches (bot, "/bot"));
  g_assert_true (botbench_forward_rule_matches (bot, "/bot/x"));
  g_assert_false (botbench_forward_rule_matches (bot, "/bot2"));
  g_assert_false (botbench_forward_rule_matches (bot, "/"));
  g_assert_true (botbench_forward_rule_matches (slash, "/bot/x"));
  g_assert_false (botbench_forward_rule_matches (slash, "/bot"));
}

static void
test_rule_url_is_valid (void)
{
  static const char * const valid[] = {
    "http://127.0.0.1:8000/bot.php", "https://example.org/", "HTTP://h", "http://[::1]:8000/x?a=1",
  };
  static const char * const invalid[] = {
    "", "ftp://example.org/", "http://", "http:///path", "http:x", "/bot.php", "127.0.0.1:8000",
    "mailto:a@b", "http://exa mple.org/", "http://localhost/a path", "javascript:alert(1)", "http://h:99999/",
  };

  for (guint i = 0; i < G_N_ELEMENTS (valid); i++)
    g_assert_true (botbench_forward_rule_url_is_valid (valid[i]));
  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_test_message ("%s", invalid[i]);
      g_assert_false (botbench_forward_rule_url_is_valid (invalid[i]));
    }
  g_assert_false (botbench_forward_rule_url_is_valid (NULL));
}

void
test_forward_add_forwarder_tests (void)
{
#define ADD(name, func) \
  g_test_add ("/forward/" name, Fixture, NULL, fixture_setup, func, fixture_teardown)

  g_test_add_func ("/forward/rules/match", test_rules);
  g_test_add_func ("/forward/rules/url-is-valid", test_rule_url_is_valid);
  ADD ("listener/ok", test_forward_ok);
  ADD ("listener/loop", test_forward_loop);
  ADD ("listener/outcomes", test_forward_outcomes);
  ADD ("listener/order", test_forward_order);
  ADD ("listener/queue-full-and-stop", test_forward_queue_full_and_stop);
  ADD ("listener/replay-of-header", test_replay_of_header);
  ADD ("listener/queue-bytes", test_forward_queue_bytes);
  ADD ("listener/pending-row", test_forward_pending_row);
  ADD ("listener/targets-pruned", test_forward_targets_pruned);

#undef ADD
}
