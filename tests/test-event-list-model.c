/* test-event-list-model.c: the lazy GListModel over the event store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-event-list-model"

#include "config.h"

#include <string.h>

#include "botbench-event-list-model.h"
#include "botbench-event-store.h"
#include "botbench-test-utils.h"

typedef struct
{
  char               *dir;
  BotbenchEventStore *store;
} ModelFixture;

static void
model_setup (ModelFixture  *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  f->dir = botbench_test_make_tmp_dir ();
  path = g_build_filename (f->dir, "events.db", NULL);
  f->store = botbench_event_store_new (path, &error);
  g_assert_no_error (error);
}

static void
model_teardown (ModelFixture  *f,
                gconstpointer  data)
{
  g_assert_finalize_object (g_steal_pointer (&f->store));
  botbench_test_rm_rf (f->dir);
  g_free (f->dir);
}

/* ---- helpers ---------------------------------------------------------------- */

static BotbenchEvent *
make_event (const char *event_name,
            const char *message)
{
  g_autoptr(GString) body = g_string_new (NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *escaped = g_uri_escape_string (message, NULL, FALSE);

  g_string_append_printf (body, "event=%s&data[BOT][5][BOT_ID]=5&data[PARAMS][MESSAGE]=%s",
                          event_name, escaped);
  bytes = g_bytes_new (body->str, body->len);

  return botbench_event_new (g_get_real_time (), "127.0.0.1", "POST", "/", "", NULL,
                             "application/x-www-form-urlencoded", bytes);
}

typedef struct
{
  guint queued;
  guint done;
} FillState;

static void
fill_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  FillState *state = user_data;
  g_autoptr(GError) error = NULL;

  botbench_event_store_insert_finish (BOTBENCH_EVENT_STORE (object), result, &error);
  g_assert_no_error (error);
  state->done++;
}

static gboolean
fill_finished (gpointer data)
{
  FillState *state = data;

  return state->done == state->queued;
}

/* Stores n events named after name_for(i), message "event <i>", in
 * bursts so that the writer's group commits keep this fast. */
static void
fill_store (BotbenchEventStore *store,
            guint               n,
            const char *(*name_for) (guint i))
{
  FillState state = { 0 };

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *message = g_strdup_printf ("event %u", i);
      g_autoptr(BotbenchEvent) event = NULL;

      event = make_event (name_for != NULL ? name_for (i) : "ONIMBOTMESSAGEADD", message);
      botbench_event_store_insert_async (store, event, NULL, fill_done_cb, &state);
      state.queued++;

      if (state.queued - state.done >= 2000)
        botbench_test_assert_wait_until_full (fill_finished, &state, 60000, "the store to be filled");
    }

  botbench_test_assert_wait_until_full (fill_finished, &state, 60000, "the store to be filled");
}

static const char *
alternate_names (guint i)
{
  return i % 4 == 0 ? "ONIMBOTJOINCHAT" : "ONIMBOTMESSAGEADD";
}

static gint64
item_id (BotbenchEventListModel *model,
         guint                   position)
{
  g_autoptr(BotbenchEvent) event = g_list_model_get_item (G_LIST_MODEL (model), position);

  g_assert_nonnull (event);
  return botbench_event_get_id (event);
}

typedef struct
{
  guint position;
  guint removed;
  guint added;
} Change;

typedef struct
{
  GArray *changes;
  guint   n_notify;
} Recorder;

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Recorder   *rec)
{
  Change change = { position, removed, added };

  g_array_append_val (rec->changes, change);
}

static void
notify_cb (GObject    *object,
           GParamSpec *pspec,
           Recorder   *rec)
{
  rec->n_notify++;
}

static void
recorder_init (Recorder               *rec,
               BotbenchEventListModel *model,
               const char             *notify_signal)
{
  rec->changes = g_array_new (FALSE, FALSE, sizeof (Change));
  rec->n_notify = 0;
  g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), rec);
  g_signal_connect (model, notify_signal, G_CALLBACK (notify_cb), rec);
}

static void
recorder_clear (Recorder               *rec,
                BotbenchEventListModel *model)
{
  g_signal_handlers_disconnect_by_data (model, rec);
  g_array_unref (rec->changes);
}

static Change *
change_at (Recorder *rec,
           guint     i)
{
  g_assert_cmpuint (i, <, rec->changes->len);
  return &g_array_index (rec->changes, Change, i);
}

/* ---- tests --------------------------------------------------------------------- */

static void
test_empty (ModelFixture  *f,
            gconstpointer  data)
{
  g_autoptr(BotbenchEventListModel) model = botbench_event_list_model_new (f->store);
  g_autoptr(BotbenchEventStore) store = NULL;
  guint n_items = 99;

  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (model)) == BOTBENCH_TYPE_EVENT);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (model), 0));
  g_assert_true (botbench_event_list_model_get_store (model) == f->store);
  g_assert_null (botbench_event_list_model_get_event_name (model));
  g_assert_null (botbench_event_list_model_get_search (model));

  g_object_get (model, "store", &store, "n-items", &n_items, NULL);
  g_assert_true (store == f->store);
  g_assert_cmpuint (n_items, ==, 0);

  g_assert_finalize_object (g_steal_pointer (&model));
}

static void
test_order (ModelFixture  *f,
            gconstpointer  data)
{
  g_autoptr(BotbenchEventListModel) model = NULL;
  BotbenchEvent *a;
  BotbenchEvent *b;
  guint n_items = 0;

  fill_store (f->store, 200, NULL);

  model = botbench_event_list_model_new (f->store);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 200);
  g_object_get (model, "n-items", &n_items, NULL);
  g_assert_cmpuint (n_items, ==, 200);

  /* Newest first; a fresh store numbers events from 1. */
  for (guint i = 0; i < 200; i++)
    {
      g_autoptr(BotbenchEvent) event = g_list_model_get_item (G_LIST_MODEL (model), i);
      g_autofree char *message = g_strdup_printf ("event %u", 199 - i);

      g_assert_nonnull (event);
      g_assert_cmpint (botbench_event_get_id (event), ==, 200 - i);
      g_assert_cmpstr (botbench_event_get_message (event), ==, message);
    }
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (model), 200));

  /* A cached item is handed out again, not re-read. */
  a = g_list_model_get_item (G_LIST_MODEL (model), 3);
  b = g_list_model_get_item (G_LIST_MODEL (model), 3);
  g_assert_true (a == b);
  g_object_unref (a);
  g_object_unref (b);

  g_assert_finalize_object (g_steal_pointer (&model));
}

static void
test_items_changed_batched (ModelFixture  *f,
                            gconstpointer  data)
{
  g_autoptr(BotbenchEventListModel) model = NULL;
  guint added = 0;
  Recorder rec;

  fill_store (f->store, 10, NULL);
  model = botbench_event_list_model_new (f->store);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 10);
  /* Look at everything, so the partial top page is cached. */
  for (guint i = 0; i < 10; i++)
    g_assert_cmpint (item_id (model, i), ==, 10 - i);

  recorder_init (&rec, model, "notify::n-items");

  /* Many commits, few batches: every change is an insertion at the top. */
  fill_store (f->store, 1500, NULL);
  botbench_test_assert_wait_n_items (G_LIST_MODEL (model), 1510);

  g_assert_cmpuint (rec.changes->len, >=, 1);
  g_assert_cmpuint (rec.changes->len, <, 100);
  for (guint i = 0; i < rec.changes->len; i++)
    {
      Change *c = change_at (&rec, i);

      g_assert_cmpuint (c->position, ==, 0);
      g_assert_cmpuint (c->removed, ==, 0);
      g_assert_cmpuint (c->added, >, 0);
      added += c->added;
    }
  g_assert_cmpuint (added, ==, 1500);
  g_assert_cmpuint (rec.n_notify, ==, rec.changes->len);

  /* The old rows moved down intact, the new ones sit on top. */
  for (guint i = 0; i < 1510; i++)
    g_assert_cmpint (item_id (model, i), ==, 1510 - i);

  recorder_clear (&rec, model);

  /* One event: exactly one items-changed (0, 0, 1). */
  recorder_init (&rec, model, "notify::n-items");
  fill_store (f->store, 1, NULL);
  botbench_test_assert_wait_n_items (G_LIST_MODEL (model), 1511);
  g_assert_cmpuint (rec.changes->len, ==, 1);
  g_assert_cmpuint (change_at (&rec, 0)->position, ==, 0);
  g_assert_cmpuint (change_at (&rec, 0)->removed, ==, 0);
  g_assert_cmpuint (change_at (&rec, 0)->added, ==, 1);
  g_assert_cmpint (item_id (model, 0), ==, 1511);
  recorder_clear (&rec, model);

  g_assert_finalize_object (g_steal_pointer (&model));
}

static void
test_partial_page_grows (ModelFixture  *f,
                         gconstpointer  data)
{
  g_autoptr(BotbenchEventListModel) model = NULL;

  /* 60 rows: the one page is partial; crossing 64 must refetch it. */
  fill_store (f->store, 60, NULL);
  model = botbench_event_list_model_new (f->store);
  for (guint i = 0; i < 60; i++)
    g_assert_cmpint (item_id (model, i), ==, 60 - i);

  fill_store (f->store, 10, NULL);
  botbench_test_assert_wait_n_items (G_LIST_MODEL (model), 70);
  for (guint i = 0; i < 70; i++)
    g_assert_cmpint (item_id (model, i), ==, 70 - i);

  g_assert_finalize_object (g_steal_pointer (&model));
}

static void
test_rows_keep_their_objects (ModelFixture  *f,
                              gconstpointer  data)
{
  g_autoptr(BotbenchEventListModel) model = NULL;
  g_autoptr(GPtrArray) before = g_ptr_array_new_with_free_func (g_object_unref);

  fill_store (f->store, 10, NULL);
  model = botbench_event_list_model_new (f->store);
  for (guint i = 0; i < 10; i++)
    g_ptr_array_add (before, g_list_model_get_item (G_LIST_MODEL (model), i));

  /* A batch lands on top: the rows already shown are the same objects
   * (the detail pane and the row widgets keep theirs), the new ones are
   * read, newest first. */
  fill_store (f->store, 5, NULL);
  botbench_test_assert_wait_n_items (G_LIST_MODEL (model), 15);
  for (guint i = 0; i < 10; i++)
    {
      g_autoptr(BotbenchEvent) now = g_list_model_get_item (G_LIST_MODEL (model), i + 5);
      g_assert_true (now == g_ptr_array_index (before, i));
    }
  for (guint i = 0; i < 5; i++)
    g_assert_cmpint (item_id (model, i), ==, 15 - i);
  g_assert_cmpstr (botbench_event_get_message (g_ptr_array_index (before, 0)), ==, "event 9");

  g_clear_pointer (&before, g_ptr_array_unref);
  g_assert_finalize_object (g_steal_pointer (&model));
}

static void
test_filter_ignores_other_events (ModelFixture  *f,
                                  gconstpointer  data)
{
  g_autoptr(BotbenchEventListModel) model = botbench_event_list_model_new (f->store);
  g_autoptr(BotbenchEventListModel) all = botbench_event_list_model_new (f->store);
  Recorder rec;

  botbench_event_list_model_set_event_name (model, "ONIMBOTJOINCHAT");
  recorder_init (&rec, model, "notify::n-items");

  fill_store (f->store, 50, NULL);   /* all ONIMBOTMESSAGEADD */
  botbench_test_assert_wait_n_items (G_LIST_MODEL (all), 50);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);
  g_assert_cmpuint (rec.changes->len, ==, 0);

  fill_store (f->store, 8, alternate_names);   /* i = 0, 4: two joins */
  botbench_test_assert_wait_n_items (G_LIST_MODEL (model), 2);
  g_assert_cmpuint (rec.changes->len, >=, 1);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(BotbenchEvent) event = g_list_model_get_item (G_LIST_MODEL (model), i);

      g_assert_cmpstr (botbench_event_get_event_name (event), ==, "ONIMBOTJOINCHAT");
    }
  g_assert_cmpint (item_id (model, 0), ==, 55);
  g_assert_cmpint (item_id (model, 1), ==, 51);

  recorder_clear (&rec, model);
}

static void
test_filter_and_search (ModelFixture  *f,
                        gconstpointer  data)
{
  g_autoptr(BotbenchEventListModel) model = NULL;
  Recorder rec;
  Recorder search_rec;

  fill_store (f->store, 400, alternate_names);
  model = botbench_event_list_model_new (f->store);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 400);

  /* Event name: one reload, one notify. */
  recorder_init (&rec, model, "notify::event-name");
  botbench_event_list_model_set_event_name (model, "ONIMBOTJOINCHAT");
  g_assert_cmpstr (botbench_event_list_model_get_event_name (model), ==, "ONIMBOTJOINCHAT");
  g_assert_cmpuint (rec.n_notify, ==, 1);
  g_assert_cmpuint (rec.changes->len, ==, 1);
  g_assert_cmpuint (change_at (&rec, 0)->position, ==, 0);
  g_assert_cmpuint (change_at (&rec, 0)->removed, ==, 400);
  g_assert_cmpuint (change_at (&rec, 0)->added, ==, 100);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 100);
  for (guint i = 0; i < 100; i++)
    {
      g_autoptr(BotbenchEvent) event = g_list_model_get_item (G_LIST_MODEL (model), i);

      g_assert_cmpstr (botbench_event_get_event_name (event), ==, "ONIMBOTJOINCHAT");
      /* i-th newest join: event 396 - 4 i, id 397 - 4 i */
      g_assert_cmpint (botbench_event_get_id (event), ==, 397 - 4 * i);
    }

  /* The same value again changes nothing. */
  botbench_event_list_model_set_event_name (model, "ONIMBOTJOINCHAT");
  g_assert_cmpuint (rec.n_notify, ==, 1);
  g_assert_cmpuint (rec.changes->len, ==, 1);

  /* Search on top of the filter: "event 12*" → 12, 120…129 (joins: 12, 120, 124, 128). */
  recorder_init (&search_rec, model, "notify::search");
  botbench_event_list_model_set_search (model, "event 12");
  g_assert_cmpstr (botbench_event_list_model_get_search (model), ==, "event 12");
  g_assert_cmpuint (search_rec.n_notify, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 4);
  g_assert_cmpuint (change_at (&search_rec, 0)->removed, ==, 100);
  g_assert_cmpuint (change_at (&search_rec, 0)->added, ==, 4);
  g_assert_cmpint (item_id (model, 0), ==, 129);
  g_assert_cmpint (item_id (model, 3), ==, 13);

  /* Hostile search text neither fails nor empties the list by accident. */
  botbench_event_list_model_set_search (model, "\"(*");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 100);

  /* Back to everything: "" and NULL are the same. */
  botbench_event_list_model_set_search (model, "");
  g_assert_null (botbench_event_list_model_get_search (model));
  botbench_event_list_model_set_event_name (model, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 400);
  g_assert_cmpint (item_id (model, 0), ==, 400);

  /* Properties go through the same setters. */
  g_object_set (model, "event-name", "ONIMBOTMESSAGEADD", NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 300);
  g_assert_cmpuint (rec.n_notify, ==, 3);

  recorder_clear (&search_rec, model);
  recorder_clear (&rec, model);
}

static void
test_events_removed_reloads (ModelFixture  *f,
                             gconstpointer  data)
{
  g_autoptr(BotbenchEventListModel) model = NULL;
  g_autoptr(GError) error = NULL;
  Recorder rec;

  fill_store (f->store, 300, NULL);
  model = botbench_event_list_model_new (f->store);
  g_assert_cmpint (item_id (model, 299), ==, 1);

  recorder_init (&rec, model, "notify::n-items");
  botbench_event_store_set_retention (f->store, 100, 0);
  g_assert_cmpint (botbench_event_store_apply_retention (f->store, &error), >=, 0);
  g_assert_no_error (error);
  botbench_test_assert_wait_n_items (G_LIST_MODEL (model), 100);
  g_assert_cmpuint (change_at (&rec, 0)->removed, ==, 300);
  g_assert_cmpuint (change_at (&rec, 0)->added, ==, 100);
  g_assert_cmpint (item_id (model, 0), ==, 300);
  g_assert_cmpint (item_id (model, 99), ==, 201);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (model), 100));

  g_assert_true (botbench_event_store_clear (f->store, &error));
  g_assert_no_error (error);
  botbench_test_assert_wait_n_items (G_LIST_MODEL (model), 0);

  /* And it keeps following the store afterwards. */
  fill_store (f->store, 3, NULL);
  botbench_test_assert_wait_n_items (G_LIST_MODEL (model), 3);
  g_assert_cmpint (item_id (model, 0), ==, 303);

  recorder_clear (&rec, model);
}

static gint n_finalized;

static void
event_finalized_cb (gpointer  data,
                    GObject  *where_the_object_was)
{
  g_atomic_int_inc (&n_finalized);
}

#define BIG 20000

static void
test_random_access (ModelFixture  *f,
                    gconstpointer  data)
{
  g_autoptr(BotbenchEventListModel) model = NULL;
  GListModel *list;
  gpointer weak = NULL;
  guint n_fetched = 0;
  guint alive;

  fill_store (f->store, BIG, NULL);
  model = botbench_event_list_model_new (f->store);
  list = G_LIST_MODEL (model);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, BIG);

  /* Jumps far into the list land on the right event. */
  {
    const guint jumps[] = { BIG - 1, BIG / 2, 0, 12345, 63, 64, BIG - 64, BIG - 65, 7777, 1 };

    for (guint i = 0; i < G_N_ELEMENTS (jumps); i++)
      {
        g_autoptr(BotbenchEvent) event = g_list_model_get_item (list, jumps[i]);
        g_autofree char *message = g_strdup_printf ("event %u", BIG - 1 - jumps[i]);

        g_assert_nonnull (event);
        g_assert_cmpint (botbench_event_get_id (event), ==, BIG - jumps[i]);
        g_assert_cmpstr (botbench_event_get_message (event), ==, message);
      }
  }
  for (guint i = 0; i < 300; i++)
    {
      guint position = g_test_rand_int_range (0, BIG);

      g_assert_cmpint (item_id (model, position), ==, BIG - position);
    }
  g_assert_null (g_list_model_get_item (list, BIG));

  /* Scrolling backwards from the bottom uses neighbour pages. */
  for (guint i = BIG - 1; i > BIG - 500; i--)
    g_assert_cmpint (item_id (model, i), ==, BIG - i);

  /* The cache is bounded: walking the whole list leaves few items alive. */
  {
    BotbenchEvent *first = g_list_model_get_item (list, 0);

    weak = first;
    g_object_add_weak_pointer (G_OBJECT (first), &weak);
    g_object_unref (first);
    g_assert_nonnull (weak);   /* still cached */
  }

  n_finalized = 0;
  for (guint i = 0; i < BIG; i++)
    {
      BotbenchEvent *event = g_list_model_get_item (list, i);

      g_assert_cmpint (botbench_event_get_id (event), ==, BIG - i);
      if (event != weak)
        {
          g_object_weak_ref (G_OBJECT (event), event_finalized_cb, NULL);
          n_fetched++;
        }
      g_object_unref (event);
    }

  alive = n_fetched - g_atomic_int_get (&n_finalized);
  g_test_message ("%u of %u items still alive after a full walk", alive, n_fetched);
  g_assert_cmpuint (alive, <=, 2048);
  g_assert_null (weak);   /* the first page was evicted long ago */

  /* The rest go with the model. */
  g_assert_finalize_object (g_steal_pointer (&model));
  g_assert_cmpuint (g_atomic_int_get (&n_finalized), ==, n_fetched);
}

/* The token state filter: done by the store (the verified column), with
 * live inserts of both kinds. */
static void
test_verified_filter (ModelFixture  *f,
                      gconstpointer  data)
{
  g_autoptr(BotbenchEventListModel) model = botbench_event_list_model_new (f->store);
  g_autoptr(BotbenchEventListModel) all = botbench_event_list_model_new (f->store);
  Recorder rec;

  for (guint i = 0; i < 30; i++)
    {
      g_autofree char *message = g_strdup_printf ("event %u", i);
      g_autoptr(BotbenchEvent) event = make_event ("ONIMBOTMESSAGEADD", message);

      /* every third one carries a wrong token */
      botbench_event_set_token_state (event, i % 3 == 0 ? BOTBENCH_TOKEN_STATE_WRONG : BOTBENCH_TOKEN_STATE_VERIFIED);
      g_assert_cmpint (botbench_event_store_insert (f->store, event, NULL), >, 0);
    }
  botbench_test_assert_wait_n_items (G_LIST_MODEL (all), 30);

  recorder_init (&rec, model, "notify::verified");
  botbench_event_list_model_set_verified (model, "wrong-token");
  g_assert_cmpstr (botbench_event_list_model_get_verified (model), ==, "wrong-token");
  g_assert_cmpuint (rec.n_notify, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 10);
  for (guint i = 0; i < 10; i++)
    {
      g_autoptr(BotbenchEvent) event = g_list_model_get_item (G_LIST_MODEL (model), i);

      g_assert_cmpint (botbench_event_get_token_state (event), ==, BOTBENCH_TOKEN_STATE_WRONG);
      /* newest first: events 27, 24, …, ids 28, 25, … */
      g_assert_cmpint (botbench_event_get_id (event), ==, 28 - 3 * (gint64)i);
    }

  /* A new verified event does not show; a new wrong one does. */
  fill_store (f->store, 1, NULL);
  botbench_test_assert_wait_n_items (G_LIST_MODEL (all), 31);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 10);
  {
    g_autoptr(BotbenchEvent) event = make_event ("ONIMBOTMESSAGEADD", "late");

    botbench_event_set_token_state (event, BOTBENCH_TOKEN_STATE_WRONG);
    g_assert_cmpint (botbench_event_store_insert (f->store, event, NULL), ==, 32);
  }
  botbench_test_assert_wait_n_items (G_LIST_MODEL (model), 11);
  g_assert_cmpint (item_id (model, 0), ==, 32);

  /* Other states, the property, and back to everything. */
  g_object_set (model, "verified", "no-token", NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);
  botbench_event_list_model_set_verified (model, "unknown");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 1);   /* fill_store's */
  botbench_event_list_model_set_verified (model, "");
  g_assert_null (botbench_event_list_model_get_verified (model));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 32);
  g_assert_cmpuint (rec.n_notify, ==, 4);

  recorder_clear (&rec, model);
}

/* The source filter (listener, fetched, replay, import), done by the
 * store, and the filter a list hands to export and replay. */
static void
test_source_filter (ModelFixture  *f,
                    gconstpointer  data)
{
  g_autoptr(BotbenchEventListModel) model = botbench_event_list_model_new (f->store);
  g_autoptr(BotbenchEventFilter) filter = NULL;
  BotbenchEventQuery query = { 0 };
  Recorder rec;

  for (guint i = 0; i < 12; i++)
    {
      g_autofree char *message = g_strdup_printf ("event %u", i);
      g_autoptr(BotbenchEvent) event = make_event ("ONIMBOTMESSAGEADD", message);

      /* every fourth one fetched, every sixth imported */
      if (i % 4 == 0)
        botbench_event_set_fetched (event, "http://127.0.0.1:8124/", 7, 100 + i);
      else if (i % 6 == 1)
        botbench_event_set_source (event, BOTBENCH_EVENT_SOURCE_IMPORT);
      g_assert_cmpint (botbench_event_store_insert (f->store, event, NULL), >, 0);
    }
  botbench_test_assert_wait_n_items (G_LIST_MODEL (model), 12);

  recorder_init (&rec, model, "notify::source");
  botbench_event_list_model_set_source (model, "fetched");
  g_assert_cmpstr (botbench_event_list_model_get_source (model), ==, "fetched");
  g_assert_cmpuint (rec.n_notify, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(BotbenchEvent) event = g_list_model_get_item (G_LIST_MODEL (model), i);

      g_assert_cmpint (botbench_event_get_source (event), ==, BOTBENCH_EVENT_SOURCE_FETCHED);
      /* newest first: events 8, 4, 0 */
      g_assert_cmpint (botbench_event_get_fetch_event_id (event), ==, 108 - 4 * (gint64)i);
    }

  /* The filter copied for export and replay gives the same events. */
  botbench_event_list_model_set_search (model, NULL);
  filter = botbench_event_list_model_dup_filter (model);
  g_assert_cmpstr (filter->source, ==, "fetched");
  g_assert_null (filter->verified);
  botbench_event_filter_to_query (filter, &query);
  g_assert_cmpint (botbench_event_store_count (f->store, &query, NULL), ==, 3);

  g_object_set (model, "source", "import", NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 2);   /* 1 and 7 */
  botbench_event_list_model_set_source (model, "listener");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 7);
  botbench_event_list_model_set_source (model, "");
  g_assert_null (botbench_event_list_model_get_source (model));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 12);
  g_assert_cmpuint (rec.n_notify, ==, 4);

  recorder_clear (&rec, model);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add ("/event-list-model/" name, ModelFixture, NULL, model_setup, func, model_teardown)

  ADD ("empty", test_empty);
  ADD ("order", test_order);
  ADD ("items-changed-batched", test_items_changed_batched);
  ADD ("partial-page-grows", test_partial_page_grows);
  ADD ("rows-keep-their-objects", test_rows_keep_their_objects);
  ADD ("filter-ignores-other-events", test_filter_ignores_other_events);
  ADD ("filter-and-search", test_filter_and_search);
  ADD ("verified-filter", test_verified_filter);
  ADD ("source-filter", test_source_filter);
  ADD ("events-removed-reloads", test_events_removed_reloads);
  ADD ("random-access", test_random_access);

#undef ADD

  return g_test_run ();
}
