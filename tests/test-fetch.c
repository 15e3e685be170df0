/* test-fetch.c: fetch mode (imbot.v2.Event.get) against the in-process sandbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A sandbox user writes to a v2 fetch-mode bot; the fetcher stores the
 * event once (source "fetched", decoded from JSON), acknowledges it only
 * after the commit, starts again from the stored offset, keeps its
 * cadence (5 s idle, at least 2 s apart on hasMore) and backs off, all
 * with a fake timer and clock; the manager follows a profile's bots.
 * The store side and the answer's parsing: test-fetch-store.c.
 */
#include "config.h"

#include "botbench-core.h"
#include "botbench-bot-v2.h"
#include "botbench-event-store-private.h"
#include "botbench-fetcher-private.h"
#include "sandbox-v2-fixture.h"

#define TOKEN "fetch-token-1"

typedef struct
{
  Fixture              sb;
  BotbenchProfile     *profile;
  BotbenchSecretStore *secrets;
  BotbenchRestClient  *client;
  char                *db_path;
  BotbenchEventStore  *store;
  GArray              *delays;     /* guint: what the fetcher scheduled, in order */
  gint64               clock_us;
  guint                n_stored_signals;
  guint                n_drained;
  guint                n_failed;
} FetchFixture;

static void
timer_hook (BotbenchFetcher *fetcher,
            guint            delay_ms,
            gpointer         user_data)
{
  FetchFixture *f = user_data;

  g_array_append_val (f->delays, delay_ms);
}

static gint64
fake_clock (gpointer user_data)
{
  FetchFixture *f = user_data;

  return f->clock_us;
}

/* The sandbox's clock for the rate-limited test: it stands still unless
 * moved, so the sandbox's bucket never drains by itself. */
static gint64 portal_clock_base_us;   /* set before the sandbox starts */
static gint   portal_clock_seconds;    /* atomic: moved by the test */

static gint64
portal_clock (gpointer user_data)
{
  return portal_clock_base_us + (gint64)g_atomic_int_get (&portal_clock_seconds) * G_USEC_PER_SEC;
}

static void
fetch_setup (FetchFixture  *f,
             gconstpointer  data)
{
  g_autoptr(BotbenchWebhookUrl) parsed = NULL;
  g_autoptr(GError) error = NULL;

  fixture_setup (&f->sb, GINT_TO_POINTER ('n'));
  if (GPOINTER_TO_INT (data) == 'r')
    {
      portal_clock_base_us = g_get_real_time ();
      _botbench_sandbox_set_clock (f->sb.sandbox, portal_clock, NULL);
      botbench_sandbox_set_rate_limit (f->sb.sandbox, TRUE);
      botbench_sandbox_set_rate (f->sb.sandbox, 4, 1);
    }
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

  f->db_path = g_build_filename (f->sb.tmp_dir, "events.db", NULL);
  f->store = botbench_event_store_new (f->db_path, &error);
  g_assert_no_error (error);
  f->delays = g_array_new (FALSE, FALSE, sizeof (guint));
  f->clock_us = 1000 * G_TIME_SPAN_SECOND;
}

static void
fetch_teardown (FetchFixture  *f,
                gconstpointer  data)
{
  botbench_event_store_close (f->store);
  g_clear_object (&f->store);
  g_clear_object (&f->client);
  g_clear_object (&f->profile);
  g_clear_object (&f->secrets);
  g_clear_pointer (&f->delays, g_array_unref);
  g_clear_pointer (&f->db_path, g_free);
  fixture_teardown (&f->sb, data);
}

static void
on_stored (BotbenchFetcher *fetcher,
           GPtrArray       *events,
           FetchFixture    *f)
{
  f->n_stored_signals++;
}

static void
on_drained (BotbenchFetcher *fetcher,
            FetchFixture    *f)
{
  f->n_drained++;
}

static void
on_failed (BotbenchFetcher *fetcher,
           GError          *error,
           FetchFixture    *f)
{
  f->n_failed++;
}

static BotbenchFetcher *
new_fetcher (FetchFixture *f,
             gint64        bot_id,
             const char   *token)
{
  BotbenchFetcher *fetcher = botbench_fetcher_new (f->client, f->store, bot_id, token);

  _botbench_fetcher_set_timer_hook (fetcher, timer_hook, f);
  _botbench_fetcher_set_clock (fetcher, fake_clock, f);
  g_signal_connect (fetcher, "events-stored", G_CALLBACK (on_stored), f);
  g_signal_connect (fetcher, "drained", G_CALLBACK (on_drained), f);
  g_signal_connect (fetcher, "poll-failed", G_CALLBACK (on_failed), f);
  return fetcher;
}

typedef struct
{
  FetchFixture *f;
  guint         n;
} WaitDelays;

static gboolean
has_delays (gpointer data)
{
  WaitDelays *w = data;

  return w->f->delays->len >= w->n;
}

/* Waits until the fetcher scheduled its n-th call; returns that delay. */
static guint
wait_delay (FetchFixture *f,
            guint         n)
{
  WaitDelays w = { f, n };

  botbench_test_assert_wait_until (has_delays, &w, "the next call scheduled");
  return g_array_index (f->delays, guint, n - 1);
}

static gint64
queued (FetchFixture *f,
        gint64        bot_id)
{
  g_autofree char *path = g_strdup_printf ("v2/events?BOT_ID=%" G_GINT64_FORMAT, bot_id);
  g_autoptr(JsonObject) result = control_get (&f->sb, path);

  return json_array_get_length (json_object_get_array_member (result, "EVENTS"));
}

static gint64
count_events (FetchFixture *f)
{
  BotbenchEventQuery query = { 0 };
  g_autoptr(GError) error = NULL;
  gint64 n = botbench_event_store_count (f->store, &query, &error);

  g_assert_no_error (error);
  return n;
}

static void
user_writes (FetchFixture *f,
             gint64        bot_id,
             const char   *text)
{
  g_autofree char *dialog = g_strdup_printf ("%" G_GINT64_FORMAT, bot_id);

  send_message (&f->sb, 1, dialog, text);
}

/* ---- against the sandbox -------------------------------------------------------------- */

static void
test_sandbox_stored_once (FetchFixture  *f,
                          gconstpointer  data)
{
  g_autoptr(BotbenchFetcher) fetcher = NULL;
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  BotbenchEventQuery query = { 0 };
  gint64 bot_id = v2_register (&f->sb, TOKEN, "fetchy", "");
  BotbenchEvent *event;
  gint64 offset = -1, last = -1;

  user_writes (f, bot_id, "hello fetch");
  g_assert_cmpint (queued (f, bot_id), ==, 1);

  fetcher = new_fetcher (f, bot_id, TOKEN);
  botbench_fetcher_start (fetcher);
  /* First call: offset 0, the event, committed, then a call after the gap. */
  g_assert_cmpuint (wait_delay (f, 1), ==, BOTBENCH_FETCHER_MIN_GAP_MS);
  g_assert_cmpuint (f->n_stored_signals, ==, 1);
  g_assert_cmpint (count_events (f), ==, 1);
  /* Stored but not acknowledged yet: the portal still has it. */
  g_assert_cmpint (queued (f, bot_id), ==, 1);
  g_assert_true (botbench_event_store_get_fetch_offset (f->store, botbench_fetcher_get_portal (fetcher),
                                                        bot_id, &offset, &last, &error));
  g_assert_no_error (error);
  g_assert_cmpint (offset, ==, botbench_fetcher_get_offset (fetcher));
  g_assert_cmpint (offset, >, last);
  g_assert_cmpint (last, >, 0);

  page = botbench_event_store_query (f->store, &query, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->len, ==, 1);
  event = g_ptr_array_index (page, 0);
  g_assert_cmpint (botbench_event_get_source (event), ==, BOTBENCH_EVENT_SOURCE_FETCHED);
  g_assert_cmpint (botbench_event_get_fetch_bot_id (event), ==, bot_id);
  g_assert_cmpint (botbench_event_get_fetch_event_id (event), ==, last);
  g_assert_cmpstr (botbench_event_get_event_name (event), ==, "ONIMBOTV2MESSAGEADD");
  g_assert_cmpstr (botbench_event_get_message (event), ==, "hello fetch");
  g_assert_cmpint (g_ascii_strtoll (botbench_event_get_bot_id (event), NULL, 10), ==, bot_id);
  g_assert_cmpstr (botbench_event_get_bot_code (event), ==, "fetchy");
  g_assert_cmpstr (botbench_event_get_content_type (event), ==, "application/json");
  g_assert_nonnull (botbench_event_get_json (event));
  g_assert_null (botbench_event_get_form (event));
  line = botbench_event_to_json_line (event);
  g_assert_nonnull (strstr (line, "\"source\":\"fetched\""));
  g_assert_nonnull (strstr (line, "\"event\":\"ONIMBOTV2MESSAGEADD\""));
  g_assert_true (g_str_has_suffix (line, ",\"forward\":null}"));

  /* Searchable like any event. */
  g_assert_true (_botbench_event_store_wait_indexed (f->store, botbench_event_get_id (event), 5000));
  query.search = "hello fetch";
  g_assert_cmpint (botbench_event_store_count (f->store, &query, &error), ==, 1);
  g_assert_no_error (error);

  /* The next call acknowledges: the queue is empty, nothing new stored. */
  g_assert_true (_botbench_fetcher_fire (fetcher));
  g_assert_cmpuint (wait_delay (f, 2), ==, BOTBENCH_FETCHER_DEFAULT_INTERVAL * 1000);
  g_assert_cmpuint (f->n_drained, ==, 1);
  g_assert_cmpint (queued (f, bot_id), ==, 0);
  g_assert_cmpint (count_events (f), ==, 1);

  /* A second message: fetched on the next idle call. */
  user_writes (f, bot_id, "second");
  g_assert_true (_botbench_fetcher_fire (fetcher));
  wait_delay (f, 3);
  g_assert_cmpint (count_events (f), ==, 2);
  g_assert_cmpuint (botbench_fetcher_get_n_stored (fetcher), ==, 2);
  g_assert_cmpuint (f->n_failed, ==, 0);

  botbench_fetcher_stop (fetcher);
  g_assert_cmpint (botbench_fetcher_get_state (fetcher), ==, BOTBENCH_FETCHER_STATE_STOPPED);
  g_assert_false (_botbench_fetcher_fire (fetcher));
}

/* Committed but never acknowledged (the process died between the two):
 * the next fetcher starts at the stored offset, which acknowledges, and
 * stores nothing twice. */
static void
test_sandbox_restart (FetchFixture  *f,
                      gconstpointer  data)
{
  g_autoptr(BotbenchFetcher) first = NULL;
  g_autoptr(BotbenchFetcher) second = NULL;
  gint64 bot_id = v2_register (&f->sb, TOKEN, "restart", "");

  user_writes (f, bot_id, "one");
  user_writes (f, bot_id, "two");

  first = new_fetcher (f, bot_id, TOKEN);
  botbench_fetcher_start (first);
  wait_delay (f, 1);
  botbench_fetcher_stop (first);
  g_assert_cmpint (count_events (f), ==, 2);
  g_assert_cmpint (queued (f, bot_id), ==, 2);

  user_writes (f, bot_id, "three");
  second = new_fetcher (f, bot_id, TOKEN);
  botbench_fetcher_start (second);
  wait_delay (f, 2);
  /* one and two acknowledged by the stored offset; three stored once */
  g_assert_cmpint (count_events (f), ==, 3);
  g_assert_cmpuint (botbench_fetcher_get_n_stored (second), ==, 1);
  g_assert_cmpint (queued (f, bot_id), ==, 1);
  g_assert_true (_botbench_fetcher_fire (second));
  wait_delay (f, 3);
  g_assert_cmpint (queued (f, bot_id), ==, 0);
  g_assert_cmpint (count_events (f), ==, 3);
}

/* hasMore: again after the 2 s gap (measured from the previous call's
 * start), idle: the interval. */
static void
test_cadence (FetchFixture  *f,
              gconstpointer  data)
{
  g_autoptr(BotbenchFetcher) fetcher = NULL;
  gint64 bot_id = v2_register (&f->sb, TOKEN, "cadence", "");

  for (guint i = 0; i < 3; i++)
    user_writes (f, bot_id, "many");

  fetcher = new_fetcher (f, bot_id, TOKEN);
  botbench_fetcher_set_limit (fetcher, 2);
  botbench_fetcher_set_interval (fetcher, 1);   /* clamped to 2 */
  g_assert_cmpuint (botbench_fetcher_get_interval (fetcher), ==, 2);
  botbench_fetcher_set_interval (fetcher, 600); /* clamped to 60 */
  g_assert_cmpuint (botbench_fetcher_get_interval (fetcher), ==, 60);
  botbench_fetcher_set_interval (fetcher, 7);
  botbench_fetcher_start (fetcher);

  /* 2 of 3, hasMore: the full gap */
  g_assert_cmpuint (wait_delay (f, 1), ==, BOTBENCH_FETCHER_MIN_GAP_MS);
  g_assert_cmpint (count_events (f), ==, 2);
  /* 1.5 s later: only the rest of the gap */
  f->clock_us += 1500 * G_TIME_SPAN_MILLISECOND;
  g_assert_true (_botbench_fetcher_fire (fetcher));
  g_assert_cmpuint (wait_delay (f, 2), ==, BOTBENCH_FETCHER_MIN_GAP_MS);
  g_assert_cmpint (count_events (f), ==, 3);
  f->clock_us += 1500 * G_TIME_SPAN_MILLISECOND;
  g_assert_true (_botbench_fetcher_fire (fetcher));
  g_assert_cmpuint (wait_delay (f, 3), ==, 7000);
  g_assert_cmpuint (f->n_drained, ==, 1);
  g_assert_cmpint (queued (f, bot_id), ==, 0);
  /* Call 3 went out while the gap had 0.5 s left?  No: each gap counts
   * from its own call; the clock did not move since the third call. */
  user_writes (f, bot_id, "late");
  g_assert_true (_botbench_fetcher_fire (fetcher));
  g_assert_cmpuint (wait_delay (f, 4), ==, BOTBENCH_FETCHER_MIN_GAP_MS);
  f->clock_us += 3 * G_TIME_SPAN_SECOND;
  g_assert_true (_botbench_fetcher_fire (fetcher));
  g_assert_cmpuint (wait_delay (f, 5), ==, 7000);
  g_assert_cmpint (count_events (f), ==, 4);
}

static void
test_backoff (FetchFixture  *f,
              gconstpointer  data)
{
  g_autoptr(BotbenchFetcher) fetcher = NULL;
  gint64 bot_id = v2_register (&f->sb, TOKEN, "backoff", "");
  const GError *error;
  guint n, first_failure = 0;

  /* The sandbox's bucket (4, frozen clock) runs full after a few calls:
   * from then on every call is 503 QUERY_LIMIT_EXCEEDED, and each retry
   * waits twice as long (10 s, 20 s, 40 s, … at most 5 minutes). */
  fetcher = new_fetcher (f, bot_id, TOKEN);
  botbench_fetcher_start (fetcher);
  wait_delay (f, 1);
  for (n = 2; n <= 12; n++)
    {
      g_assert_true (_botbench_fetcher_fire (fetcher));
      wait_delay (f, n);
      if (first_failure == 0 && f->n_failed > 0)
        first_failure = n;
    }
  g_assert_cmpuint (first_failure, >, 0);
  g_assert_cmpuint (first_failure, <=, 5);
  g_assert_cmpuint (g_array_index (f->delays, guint, first_failure - 1), ==, 10000);
  for (guint i = first_failure + 1; i <= 12; i++)
    g_assert_cmpuint (g_array_index (f->delays, guint, i - 1), ==,
                      MIN (2 * g_array_index (f->delays, guint, i - 2), BOTBENCH_FETCHER_MAX_BACKOFF_MS));
  g_assert_cmpuint (g_array_index (f->delays, guint, 11), ==, BOTBENCH_FETCHER_MAX_BACKOFF_MS);
  g_assert_cmpint (botbench_fetcher_get_state (fetcher), ==, BOTBENCH_FETCHER_STATE_BACKOFF);
  error = botbench_fetcher_get_error (fetcher);
  g_assert_true (g_error_matches (error, BOTBENCH_REST_ERROR, BOTBENCH_REST_ERROR_QUERY_LIMIT_EXCEEDED));
  g_assert_cmpuint (f->n_failed, ==, 12 - first_failure + 1);

  /* The portal's time moves on, the bucket drains: one good call resets
   * the backoff to the idle interval. */
  g_atomic_int_add (&portal_clock_seconds, 100);
  g_assert_true (_botbench_fetcher_fire (fetcher));
  g_assert_cmpuint (wait_delay (f, 13), ==, 5000);
  g_assert_null (botbench_fetcher_get_error (fetcher));
  g_assert_cmpint (botbench_fetcher_get_state (fetcher), ==, BOTBENCH_FETCHER_STATE_WAITING);
}

static gboolean
is_failed (gpointer data)
{
  return botbench_fetcher_get_state (data) == BOTBENCH_FETCHER_STATE_FAILED;
}

static void
test_errors_that_matter (FetchFixture  *f,
                         gconstpointer  data)
{
  g_autoptr(BotbenchFetcher) wrong = NULL;
  g_autoptr(BotbenchFetcher) gone = NULL;
  g_autoptr(JsonObject) removed = NULL;
  g_autofree char *unreg = NULL;
  gint64 bot_id = v2_register (&f->sb, TOKEN, "errors", "");
  const GError *error;

  /* wrong botToken */
  wrong = new_fetcher (f, bot_id, "not-the-token");
  botbench_fetcher_start (wrong);
  botbench_test_assert_wait_until (is_failed, wrong, "the fetcher failed");
  error = botbench_fetcher_get_error (wrong);
  g_assert_cmpstr (botbench_rest_error_get_code (error), ==, "BOT_OWNERSHIP_ERROR");
  g_assert_nonnull (strstr (error->message, "botToken"));
  g_assert_cmpuint (f->delays->len, ==, 0);   /* no retry scheduled */
  g_assert_false (_botbench_fetcher_fire (wrong));

  /* unregistered elsewhere */
  unreg = g_strdup_printf ("{\"botToken\":\"" TOKEN "\",\"botId\":%" G_GINT64_FORMAT "}", bot_id);
  removed = v2_ok (&f->sb, "imbot.v2.Bot.unregister", unreg);
  gone = new_fetcher (f, bot_id, TOKEN);
  botbench_fetcher_start (gone);
  botbench_test_assert_wait_until (is_failed, gone, "the fetcher failed");
  g_assert_cmpstr (botbench_rest_error_get_code (botbench_fetcher_get_error (gone)), ==, "BOT_NOT_FOUND");

  g_assert_cmpuint (f->delays->len, ==, 0);
  g_assert_cmpint (count_events (f), ==, 0);
}

/* The webhook removed (its secret no longer valid), then a webhook whose
 * scope lacks imbot: both stop the fetcher with the error on the bot. */
static void
test_errors_of_the_profile (FetchFixture  *f,
                            gconstpointer  data)
{
  g_autoptr(BotbenchFetcher) fetcher = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) error = NULL;
  gint64 bot_id = v2_register (&f->sb, TOKEN, "profile", "");
  const GError *failure;

  botbench_secret_store_store_sync (f->secrets, botbench_profile_get_uuid (f->profile),
                                    BOTBENCH_SECRET_KIND_WEBHOOK_SECRET, "not-the-secret", NULL, &error);
  g_assert_no_error (error);
  botbench_rest_client_reload_secrets (f->client);
  fetcher = new_fetcher (f, bot_id, TOKEN);
  botbench_fetcher_start (fetcher);
  botbench_test_assert_wait_until (is_failed, fetcher, "the fetcher failed");
  failure = botbench_fetcher_get_error (fetcher);
  g_assert_true (failure->domain == BOTBENCH_REST_ERROR);
  g_assert_cmpuint (botbench_rest_error_get_http_status (failure), ==, 401);
  g_assert_nonnull (strstr (failure->message, "webhook"));
  g_assert_cmpuint (f->delays->len, ==, 0);

  /* The right secret, but the portal now grants only "im". */
  {
    g_autoptr(BotbenchWebhookUrl) parsed = botbench_webhook_url_parse (f->sb.webhook, &error);

    g_assert_no_error (error);
    botbench_secret_store_store_sync (f->secrets, botbench_profile_get_uuid (f->profile),
                                      BOTBENCH_SECRET_KIND_WEBHOOK_SECRET, parsed->secret, NULL, &error);
    g_assert_no_error (error);
  }
  uri = g_uri_parse (f->sb.url, G_URI_FLAGS_NONE, &error);
  g_assert_no_error (error);
  botbench_sandbox_stop (f->sb.sandbox);
  botbench_sandbox_set_port (f->sb.sandbox, (guint)g_uri_get_port (uri));
  botbench_sandbox_set_scope (f->sb.sandbox, "im");
  fixture_start (&f->sb);
  botbench_rest_client_reload_secrets (f->client);

  botbench_fetcher_start (fetcher);
  botbench_test_assert_wait_until (is_failed, fetcher, "the fetcher failed again");
  g_assert_true (g_error_matches (botbench_fetcher_get_error (fetcher), BOTBENCH_REST_ERROR,
                                  BOTBENCH_REST_ERROR_INSUFFICIENT_SCOPE));
  g_assert_nonnull (strstr (botbench_fetcher_get_error (fetcher)->message, "imbot scope"));
  g_assert_cmpuint (f->delays->len, ==, 0);
}

/* ---- forwarded like the listener's events ------------------------------------------------ */

static void
handler_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  GPtrArray *bodies = user_data;
  SoupMessageBody *body = soup_server_message_get_request_body (msg);

  g_ptr_array_add (bodies, g_strndup (body->data, body->length));
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "ok", 2);
}

/* A rule for "/" forwards a fetched event once it is committed, once:
 * the re-delivery of an event committed but not acknowledged is skipped
 * by the store and not forwarded again. */
static void
test_forwarded (FetchFixture  *f,
                gconstpointer  data)
{
  g_autoptr(SoupServer) handler = soup_server_new (NULL, NULL);
  g_autoptr(GPtrArray) bodies = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(BotbenchForwarder) forwarder = botbench_forwarder_new (f->store);
  g_autoptr(GPtrArray) rules = g_ptr_array_new_with_free_func ((GDestroyNotify)botbench_forward_rule_unref);
  g_autoptr(BotbenchSignalCounter) forwarded = NULL;
  g_autoptr(BotbenchFetcher) first = NULL;
  g_autoptr(BotbenchFetcher) second = NULL;
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  BotbenchEventQuery query = { 0 };
  BotbenchForwardResult *result;
  gint64 bot_id = v2_register (&f->sb, TOKEN, "forwarded", "");
  guint port;

  soup_server_add_handler (handler, NULL, handler_cb, bodies, NULL);
  port = botbench_test_serve_loopback (handler);
  url = g_strdup_printf ("http://127.0.0.1:%u/handler.php", port);
  g_ptr_array_add (rules, botbench_forward_rule_new ("/", url, TRUE));
  botbench_forwarder_set_rules (forwarder, rules);
  forwarded = botbench_test_count_signal (forwarder, "forwarded");

  user_writes (f, bot_id, "forward me");
  first = new_fetcher (f, bot_id, TOKEN);
  botbench_fetcher_set_forwarder (first, forwarder);
  botbench_fetcher_start (first);
  wait_delay (f, 1);
  botbench_signal_counter_assert_wait (forwarded, 1);
  botbench_fetcher_stop (first);

  g_assert_cmpuint (bodies->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (bodies, 0), "\"ONIMBOTV2MESSAGEADD\""));
  g_assert_nonnull (strstr (g_ptr_array_index (bodies, 0), "forward me"));
  page = botbench_event_store_query (f->store, &query, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->len, ==, 1);
  result = botbench_event_get_forward (g_ptr_array_index (page, 0));
  g_assert_nonnull (result);
  g_assert_cmpint (botbench_forward_result_get_state (result), ==, BOTBENCH_FORWARD_STATE_DONE);
  g_assert_cmpuint (botbench_forward_result_get_status (result), ==, 200);

  /* Not acknowledged: the next fetcher gets it again, stores and forwards nothing. */
  g_assert_cmpint (queued (f, bot_id), ==, 1);
  second = new_fetcher (f, bot_id, TOKEN);
  botbench_fetcher_set_forwarder (second, forwarder);
  botbench_fetcher_start (second);
  wait_delay (f, 2);
  g_assert_true (_botbench_fetcher_fire (second));
  wait_delay (f, 3);
  g_assert_cmpint (queued (f, bot_id), ==, 0);
  g_assert_cmpuint (botbench_fetcher_get_n_stored (second), ==, 0);
  g_assert_cmpuint (botbench_forwarder_get_n_pending (forwarder), ==, 0);
  g_assert_cmpuint (botbench_signal_counter_get (forwarded), ==, 1);
  g_assert_cmpuint (bodies->len, ==, 1);
  botbench_fetcher_stop (second);
  botbench_forwarder_stop (forwarder);
}

/* ---- the manager: the profile's fetch-mode bots ----------------------------------------- */

static gboolean
has_stored (gpointer data)
{
  return ((FetchFixture *)data)->n_stored_signals > 0;
}

static void
manager_stored (BotbenchFetchManager *manager,
                BotbenchFetcher      *fetcher,
                GPtrArray            *events,
                FetchFixture         *f)
{
  f->n_stored_signals += events->len;
}

static BotbenchBot *
saved_bot (BotbenchBotStore *bots,
           const char       *code,
           gint64            bot_id)
{
  g_autofree char *json = g_strdup_printf ("{\"fields\":{\"code\":\"%s\",\"properties\":{\"name\":\"M\"}}}", code);
  g_autoptr(BotbenchBot) bot = NULL;
  g_autoptr(GError) error = NULL;

  bot = botbench_bot_new_from_data (json, -1, NULL, &error);
  g_assert_no_error (error);
  botbench_bot_set_bot_id (bot, bot_id);
  g_assert_true (botbench_bot_store_add (bots, bot, &error));
  g_assert_no_error (error);
  return botbench_bot_store_lookup_by_id (bots, bot_id);
}

static void
test_manager (FetchFixture  *f,
              gconstpointer  data)
{
  g_autofree char *base = g_build_filename (f->sb.tmp_dir, "bots", NULL);
  g_autofree char *key = NULL;
  g_autoptr(BotbenchBotStore) bots = NULL;
  g_autoptr(BotbenchFetchManager) manager = NULL;
  g_autoptr(GError) error = NULL;
  BotbenchFetcher *fetcher, *tokenless;
  BotbenchBot *bot;
  gint64 bot_id = v2_register (&f->sb, TOKEN, "managed", "");
  gint64 other_id = v2_register (&f->sb, "other-token", "tokenless", "");

  bots = botbench_bot_store_new (botbench_profile_get_uuid (f->profile), base);
  g_assert_true (botbench_bot_store_load (bots, &error));
  bot = saved_bot (bots, "managed", bot_id);
  saved_bot (bots, "tokenless", other_id);
  key = botbench_secret_bot_token_key (botbench_profile_get_uuid (f->profile), "managed");
  botbench_secret_store_hold (f->secrets, key, BOTBENCH_SECRET_KIND_BOT_TOKEN, TOKEN);
  user_writes (f, bot_id, "managed hello");

  manager = botbench_fetch_manager_new (f->client, f->secrets, bots, f->store);
  g_signal_connect (manager, "events-stored", G_CALLBACK (manager_stored), f);
  botbench_fetch_manager_start (manager);
  botbench_test_assert_wait_until (has_stored, f, "the managed bot's event stored");
  g_assert_cmpint (count_events (f), ==, 1);
  fetcher = botbench_fetch_manager_get_fetcher (manager, bot_id);
  g_assert_nonnull (fetcher);
  g_assert_cmpint (botbench_fetcher_get_bot_id (fetcher), ==, bot_id);

  /* No botToken in the keyring: shown on that bot, not retried. */
  tokenless = botbench_fetch_manager_get_fetcher (manager, other_id);
  g_assert_nonnull (tokenless);
  botbench_test_assert_wait_until (is_failed, tokenless, "the tokenless bot's fetcher failed");
  g_assert_cmpstr (botbench_rest_error_get_code (botbench_fetcher_get_error (tokenless)), ==,
                   "BOT_TOKEN_NOT_SPECIFIED");

  /* Switched to webhook mode: no longer polled. */
  botbench_bot_set_event_mode (bot, "webhook");
  g_assert_true (botbench_bot_store_save (bots, bot, &error));
  botbench_fetch_manager_refresh (manager);
  g_assert_null (botbench_fetch_manager_get_fetcher (manager, bot_id));

  botbench_fetch_manager_stop (manager);
  g_assert_null (botbench_fetch_manager_get_fetcher (manager, other_id));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, FetchFixture, NULL, fetch_setup, func, fetch_teardown)

  ADD ("/fetch/sandbox/stored-once", test_sandbox_stored_once);
  ADD ("/fetch/sandbox/restart", test_sandbox_restart);
  ADD ("/fetch/cadence/has-more-and-idle", test_cadence);
  g_test_add ("/fetch/cadence/backoff", FetchFixture, GINT_TO_POINTER ('r'),
              fetch_setup, test_backoff, fetch_teardown);
  ADD ("/fetch/errors/that-matter", test_errors_that_matter);
  ADD ("/fetch/errors/of-the-profile", test_errors_of_the_profile);
  ADD ("/fetch/forward/once", test_forwarded);
  ADD ("/fetch/manager/profile-bots", test_manager);

  return g_test_run ();
}
