/* test-event-import-fetched.c: export and import keep where events came from
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A fetched event (imbot.v2.Event.get) exported as a JSON line comes back
 * from an import as a fetched JSON event with its portal, bot and portal
 * event id, so that the store's UNIQUE (portal, bot, event id) keeps it
 * once; the other sources travel unchanged.
 */
#include "config.h"

#include <string.h>

#include "botbench-core.h"
#include "botbench-test-utils.h"

#define PORTAL "https://portal.example.com"
#define T0     1772090363000000

typedef struct
{
  char               *dir;
  BotbenchEventStore *store;   /* exported from */
  BotbenchEventStore *fresh;   /* imported into */
} Fixture;

static BotbenchEventStore *
open_store (const char *dir,
            const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;
  BotbenchEventStore *store = botbench_event_store_new (path, &error);

  g_assert_no_error (error);
  return store;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->dir = botbench_test_make_tmp_dir ();
  f->store = open_store (f->dir, "a.db");
  f->fresh = open_store (f->dir, "b.db");
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  botbench_event_store_close (f->store);
  botbench_event_store_close (f->fresh);
  g_clear_object (&f->store);
  g_clear_object (&f->fresh);
  botbench_test_rm_rf (f->dir);
  g_free (f->dir);
}

static BotbenchEvent *
form_event (gint64      received,
            const char *body)
{
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

  return botbench_event_new (received, "127.0.0.1", "POST", "/bot.php", "", NULL,
                             "application/x-www-form-urlencoded", bytes);
}

/* As the fetcher makes them: JSON, marked fetched. */
static BotbenchEvent *
fetched_event (gint64 received,
               gint64 bot_id,
               gint64 event_id,
               const char *message)
{
  g_autofree char *body = g_strdup_printf ("{\"event\":\"ONIMBOTV2MESSAGEADD\",\"eventId\":%" G_GINT64_FORMAT
                                           ",\"date\":null,\"data\":{\"message\":{\"text\":\"%s\"},"
                                           "\"bot\":{\"id\":%" G_GINT64_FORMAT "}}}",
                                           event_id, message, bot_id);
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
  BotbenchEvent *event = botbench_event_new (received, "portal.example.com", "POST", "/", "", NULL,
                                             "application/json", bytes);

  botbench_event_set_fetched (event, PORTAL, bot_id, event_id);
  return event;
}

static gint64
insert (BotbenchEventStore *store,
        BotbenchEvent      *event)
{
  g_autoptr(GError) error = NULL;
  gint64 id = botbench_event_store_insert (store, event, &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static GPtrArray *
all_events (BotbenchEventStore *store)
{
  g_autoptr(GError) error = NULL;
  BotbenchEventQuery query = { .limit = 1000, .ascending = TRUE };
  GPtrArray *events = botbench_event_store_query (store, &query, &error);

  g_assert_no_error (error);
  return events;
}

/* What `botbench-cli events` prints: newest first, a line each. */
static char *
export_jsonl (BotbenchEventStore *store)
{
  g_autoptr(GError) error = NULL;
  BotbenchEventQuery query = { .limit = 1000 };
  g_autoptr(GPtrArray) events = botbench_event_store_query (store, &query, &error);
  GString *out = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < events->len; i++)
    {
      g_autofree char *line = botbench_event_to_json_line (g_ptr_array_index (events, i));

      g_string_append (out, line);
      g_string_append_c (out, '\n');
    }

  return g_string_free (out, FALSE);
}

static BotbenchEventImportSummary *
import_text (BotbenchEventStore *store,
             const char         *text)
{
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_data (g_strdup (text), strlen (text), g_free);
  g_autoptr(GError) error = NULL;
  BotbenchEventImportSummary *summary = botbench_event_import_stream (store, stream, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (summary);
  return summary;
}

static BotbenchEvent *
find_fetched (GPtrArray *events,
              gint64     event_id)
{
  for (guint i = 0; i < events->len; i++)
    {
      BotbenchEvent *event = g_ptr_array_index (events, i);

      if (botbench_event_get_source (event) == BOTBENCH_EVENT_SOURCE_FETCHED &&
          botbench_event_get_fetch_event_id (event) == event_id)
        return event;
    }

  return NULL;
}

static void
test_round_trip (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(BotbenchEvent) listener = form_event (T0, "event=ONIMBOTJOINCHAT&data[BOT][1][BOT_ID]=5");
  g_autoptr(BotbenchEvent) fetched = fetched_event (T0 + 1, 5, 42, "hello");
  g_autoptr(BotbenchEvent) replay = form_event (T0 + 2, "event=ONIMBOTJOINCHAT&data[BOT][1][BOT_ID]=5");
  g_autoptr(BotbenchEventImportSummary) first = NULL;
  g_autoptr(BotbenchEventImportSummary) second = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autofree char *jsonl = NULL;
  g_autofree char *line = NULL;
  BotbenchEvent *copy;
  JsonNode *json;
  gint64 listener_id;

  listener_id = insert (f->store, listener);
  insert (f->store, fetched);
  botbench_event_set_replay_of (replay, listener_id);
  insert (f->store, replay);

  jsonl = export_jsonl (f->store);
  g_assert_nonnull (strstr (jsonl, "\"source\":\"fetched\",\"fetch\":{\"bot_id\":5,\"event_id\":42,"
                                   "\"portal\":\"" PORTAL "\"}"));
  g_assert_nonnull (strstr (jsonl, "\"source\":\"listener\""));
  g_assert_nonnull (strstr (jsonl, "\"source\":\"replay\""));

  first = import_text (f->fresh, jsonl);
  g_assert_cmpuint (first->imported, ==, 3);
  g_assert_cmpuint (first->duplicates, ==, 0);
  g_assert_cmpuint (first->failed, ==, 0);

  after = all_events (f->fresh);
  g_assert_cmpuint (after->len, ==, 3);
  g_assert_cmpint (botbench_event_get_source (g_ptr_array_index (after, 0)), ==, BOTBENCH_EVENT_SOURCE_LISTENER);
  g_assert_cmpint (botbench_event_get_source (g_ptr_array_index (after, 2)), ==, BOTBENCH_EVENT_SOURCE_REPLAY);
  g_assert_cmpint (botbench_event_get_replay_of (g_ptr_array_index (after, 2)), ==,
                   botbench_event_get_id (g_ptr_array_index (after, 0)));

  /* The fetched one: fetched, its ids kept, decoded as JSON (not a form). */
  copy = find_fetched (after, 42);
  g_assert_nonnull (copy);
  g_assert_cmpint (botbench_event_get_fetch_bot_id (copy), ==, 5);
  g_assert_cmpstr (botbench_event_get_fetch_portal (copy), ==, PORTAL);
  g_assert_cmpstr (botbench_event_get_content_type (copy), ==, "application/json");
  g_assert_true (g_bytes_equal (botbench_event_get_body (copy), botbench_event_get_body (fetched)));
  g_assert_null (botbench_event_get_form (copy));
  json = botbench_event_get_json (copy);
  g_assert_nonnull (json);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json));
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (json), "event"), ==,
                   "ONIMBOTV2MESSAGEADD");
  g_assert_cmpstr (botbench_event_get_event_name (copy), ==, "ONIMBOTV2MESSAGEADD");
  line = botbench_event_to_json_line (copy);
  g_assert_nonnull (strstr (line, "\"data\":{\"message\":{\"text\":\"hello\"}"));
  g_assert_nonnull (strstr (line, "\"fetch\":{\"bot_id\":5,\"event_id\":42,"));

  /* `events --source fetched` finds it in the fresh store. */
  {
    g_autoptr(GError) error = NULL;
    BotbenchEventQuery query = { .source = "fetched" };
    g_autoptr(GPtrArray) only = botbench_event_store_query (f->fresh, &query, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (only->len, ==, 1);
    g_assert_cmpint (botbench_event_get_fetch_event_id (g_ptr_array_index (only, 0)), ==, 42);
  }

  /* Twice: nothing added. */
  second = import_text (f->fresh, jsonl);
  g_assert_cmpuint (second->imported, ==, 0);
  g_assert_cmpuint (second->duplicates, ==, 3);
  again = all_events (f->fresh);
  g_assert_cmpuint (again->len, ==, 3);
}

/* The same portal event, however the rest of the line differs, is stored
 * once: against the store, and within one file (the UNIQUE index would
 * otherwise fail the whole batch). */
static void
test_same_portal_event (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(BotbenchEvent) stored = fetched_event (T0, 5, 42, "first");
  g_autoptr(BotbenchEvent) other_time = fetched_event (T0 + 500, 5, 42, "changed");
  g_autoptr(BotbenchEvent) twin_a = fetched_event (T0 + 600, 5, 43, "twin a");
  g_autoptr(BotbenchEvent) twin_b = fetched_event (T0 + 700, 5, 43, "twin b");
  g_autoptr(BotbenchEvent) other_bot = fetched_event (T0 + 800, 6, 43, "other bot");
  g_autoptr(BotbenchEvent) other_portal = fetched_event (T0 + 900, 5, 43, "other portal");
  g_autoptr(BotbenchEvent) plain = form_event (T0 + 1000, "event=ONIMBOTJOINCHAT");
  g_autoptr(BotbenchEventImportSummary) summary = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autofree char *text = NULL;
  BotbenchEvent *events[] = { other_time, twin_a, twin_b, other_bot, other_portal, plain };
  GString *lines = g_string_new (NULL);

  insert (f->fresh, stored);
  botbench_event_set_fetched (other_portal, "https://other.example.com", 5, 43);

  for (guint i = 0; i < G_N_ELEMENTS (events); i++)
    {
      g_autofree char *line = botbench_event_to_json_line (events[i]);

      g_string_append (lines, line);
      g_string_append_c (lines, '\n');
    }
  text = g_string_free (lines, FALSE);

  summary = import_text (f->fresh, text);
  /* 42 is there already; 43 once per portal and bot; the form event. */
  g_assert_cmpuint (summary->failed, ==, 0);
  g_assert_cmpuint (summary->duplicates, ==, 2);
  g_assert_cmpuint (summary->imported, ==, 4);

  after = all_events (f->fresh);
  g_assert_cmpuint (after->len, ==, 5);
  {
    g_autofree char *body = NULL;
    BotbenchEvent *kept = find_fetched (after, 42);
    gsize len;
    const char *bytes = g_bytes_get_data (botbench_event_get_body (kept), &len);

    body = g_strndup (bytes, len);
    g_assert_nonnull (strstr (body, "first"));
  }
  /* The form event's line said "listener": it still does. */
  g_assert_cmpint (botbench_event_get_source (g_ptr_array_index (after, after->len - 1)), ==,
                   BOTBENCH_EVENT_SOURCE_LISTENER);
}

/* A line without "source" (an older export or a hand-made one) is an
 * import; "source" and "fetch" are checked like every other member. */
static void
test_source_members (Fixture       *f,
                     gconstpointer  data)
{
  static const struct {
    const char *members;
    const char *error;   /* NULL: imported */
  } cases[] = {
    { "", NULL },
    { ",\"source\":\"import\"", NULL },
    { ",\"source\":\"listener\"", NULL },
    { ",\"source\":\"fetched\",\"fetch\":{\"bot_id\":7,\"event_id\":9}", NULL },
    { ",\"source\":null", NULL },
    { ",\"source\":\"webhook\"", "“source” must be" },
    { ",\"source\":5", "“source” must be a string" },
    { ",\"source\":\"fetched\"", "“fetch” must be" },
    { ",\"source\":\"fetched\",\"fetch\":null", "“fetch” must be" },
    { ",\"source\":\"fetched\",\"fetch\":[7,9]", "“fetch” must be" },
    { ",\"source\":\"fetched\",\"fetch\":{\"bot_id\":\"7\",\"event_id\":9}", "“bot_id”" },
    { ",\"source\":\"fetched\",\"fetch\":{\"bot_id\":7,\"event_id\":0}", "“event_id”" },
    { ",\"source\":\"fetched\",\"fetch\":{\"bot_id\":7}", "“fetch.event_id”" },
    { ",\"source\":\"fetched\",\"fetch\":{\"bot_id\":-1,\"event_id\":9}", "“bot_id”" },
    { ",\"source\":\"fetched\",\"fetch\":{\"bot_id\":7,\"event_id\":9,\"portal\":{}}", "“portal”" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *line = g_strdup_printf ("{\"received\":%" G_GINT64_FORMAT ",\"method\":\"POST\","
                                               "\"path\":\"/\",\"content_type\":\"application/json\","
                                               "\"body\":\"{\\\"event\\\":\\\"X%u\\\"}\"%s}",
                                               (gint64)T0 + i, i, cases[i].members);
      g_autoptr(GError) error = NULL;
      g_autoptr(BotbenchEvent) event = botbench_event_from_json_line (line, strlen (line), &error);

      g_test_message ("%s", line);
      if (cases[i].error == NULL)
        {
          g_assert_no_error (error);
          g_assert_nonnull (event);
        }
      else
        {
          g_assert_error (error, BOTBENCH_EVENT_IMPORT_ERROR, BOTBENCH_EVENT_IMPORT_ERROR_MALFORMED);
          g_assert_nonnull (strstr (error->message, cases[i].error));
          g_assert_null (event);
        }
    }

  {
    const char *bare = "{\"received\":1,\"method\":\"POST\",\"path\":\"/\",\"body\":\"a=1\"}";
    const char *old = "{\"received\":2,\"method\":\"POST\",\"path\":\"/\",\"body\":\"a=2\","
                      "\"source\":\"fetched\",\"fetch\":{\"bot_id\":7,\"event_id\":9}}";
    g_autoptr(BotbenchEvent) import = botbench_event_from_json_line (bare, strlen (bare), NULL);
    g_autoptr(BotbenchEvent) fetched = botbench_event_from_json_line (old, strlen (old), NULL);

    g_assert_cmpint (botbench_event_get_source (import), ==, BOTBENCH_EVENT_SOURCE_IMPORT);
    /* A line from before the portal was exported: the portal is "". */
    g_assert_cmpint (botbench_event_get_source (fetched), ==, BOTBENCH_EVENT_SOURCE_FETCHED);
    g_assert_cmpstr (botbench_event_get_fetch_portal (fetched), ==, "");
    g_assert_cmpint (botbench_event_get_fetch_bot_id (fetched), ==, 7);
    g_assert_cmpint (botbench_event_get_fetch_event_id (fetched), ==, 9);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/event-import-fetched/round-trip", Fixture, NULL,
              fixture_setup, test_round_trip, fixture_teardown);
  g_test_add ("/event-import-fetched/same-portal-event", Fixture, NULL,
              fixture_setup, test_same_portal_event, fixture_teardown);
  g_test_add ("/event-import-fetched/source-members", Fixture, NULL,
              fixture_setup, test_source_members, fixture_teardown);

  return g_test_run ();
}
