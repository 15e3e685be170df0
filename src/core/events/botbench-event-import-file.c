/* botbench-event-import-file.c: JSON Lines files into the event store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two passes, so that no more than one line is held at a time:
 *
 * 1. Each line (botbench-event-import-lines.c) is parsed and checked
 *    (botbench-event-import.c), then dropped: only its place in the file,
 *    received time, exported "id" and "replay_of" are kept.  A stream that
 *    cannot seek (standard input) is copied to an unlinked temporary file
 *    on the way.
 * 2. The lines are ordered oldest first (`events` prints newest first;
 *    a replay always after its original, even in a hand-made file), read
 *    again one by one and stored unless already stored
 *    (botbench_event_store_find_same()), in batches the writer commits
 *    together.  "replay_of" is remapped from the exported ids to the ids
 *    the originals have in this store: the event just imported, or the
 *    copy already there.  An original that is in neither gives 0 (the
 *    event is then not marked as a replay: the model has no "replay of an
 *    unknown event").
 *
 * Each event keeps the source its line gives (a line without one, from
 * before sources were exported or made by hand, gives "import").  A
 * fetched event keeps its portal, bot and portal event id too, and is a
 * duplicate when those are stored already (botbench-event-import-fetched.c).
 */
#define G_LOG_DOMAIN "botbench-event-import"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "botbench-event-import-private.h"
#include "botbench-event-store.h"
#include "botbench-forward-result.h"

/* Inserts handed to the writer before waiting for their commits, and the
 * bodies they may hold together. */
#define IMPORT_BATCH 256
#define IMPORT_BATCH_BYTES (4 * 1024 * 1024)

/* The exported id of an event in the current batch, not committed yet. */
#define ID_IN_FLIGHT (-1)

void
botbench_event_import_summary_free (BotbenchEventImportSummary *summary)
{
  if (summary == NULL)
    return;

  g_clear_pointer (&summary->errors, g_ptr_array_unref);
  g_free (summary);
}

void
_botbench_event_import_summary_fail (BotbenchEventImportSummary *summary,
                                     guint                       line,
                                     const char                 *message)
{
  summary->failed++;
  if (summary->errors->len < BOTBENCH_EVENT_IMPORT_MAX_ERRORS)
    /* Translators: %u is a line number of the imported file */
    g_ptr_array_add (summary->errors, g_strdup_printf (_("Line %u: %s"), line, message));
}

/* A line kept for the second pass. */
typedef struct
{
  goffset offset;      /* of the line in the source */
  gsize   len;
  guint   line;
  guint   depth;       /* replays of replays … of an original in the file */
  gint64  received;
  gint64  order;       /* the latest received time along its originals */
  gint64  id;          /* the exported "id", 0 when none */
  gint64  replay_of;   /* the exported "replay_of", 0 when none */
} ImportItem;

/* Oldest first, each original before its replays; events of one
 * microsecond in their old id order, then in file order. */
static int
compare_items (gconstpointer a,
               gconstpointer b)
{
  const ImportItem *ia = a;
  const ImportItem *ib = b;

  if (ia->order != ib->order)
    return ia->order < ib->order ? -1 : 1;
  if (ia->depth != ib->depth)
    return ia->depth < ib->depth ? -1 : 1;
  if (ia->received != ib->received)
    return ia->received < ib->received ? -1 : 1;
  if (ia->id != ib->id)
    return ia->id < ib->id ? -1 : 1;
  return ia->line < ib->line ? -1 : ia->line > ib->line;
}

/* Sets each item's order and depth from its chain of originals in the
 * file (a cycle, possible in a hand-made file, is cut where it closes).
 * by_id: exported id → index + 1 of its first line. */
static void
order_items (GArray     *items,
             GHashTable *by_id)
{
  g_autofree guint8 *state = g_new0 (guint8, items->len);   /* 0 new, 1 on the path, 2 done */
  g_autoptr(GArray) path = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; i < items->len; i++)
    {
      guint k = i;

      /* Walk up to an original already done, the end of the chain, or a
       * cycle. */
      while (state[k] == 0)
        {
          ImportItem *item = &g_array_index (items, ImportItem, k);
          gpointer found;

          state[k] = 1;
          g_array_append_val (path, k);
          if (item->replay_of <= 0 ||
              !g_hash_table_lookup_extended (by_id, &item->replay_of, NULL, &found))
            break;
          k = GPOINTER_TO_UINT (found) - 1;
        }

      /* Then back down, originals first. */
      while (path->len > 0)
        {
          guint n = g_array_index (path, guint, path->len - 1);
          ImportItem *item = &g_array_index (items, ImportItem, n);
          gpointer found;

          g_array_set_size (path, path->len - 1);
          item->order = item->received;
          item->depth = 0;
          if (item->replay_of > 0 &&
              g_hash_table_lookup_extended (by_id, &item->replay_of, NULL, &found) &&
              state[GPOINTER_TO_UINT (found) - 1] == 2)
            {
              ImportItem *original = &g_array_index (items, ImportItem, GPOINTER_TO_UINT (found) - 1);

              item->order = MAX (item->received, original->order);
              item->depth = original->depth + 1;
            }
          state[n] = 2;
        }
    }
}

/* The second pass: inserts under way on a context of our own, and what
 * the originals became. */
typedef struct
{
  BotbenchEventStore         *store;
  BotbenchEventImportSummary *summary;
  GMainContext               *context;
  GHashTable                 *referenced;   /* exported ids some line replays */
  GHashTable                 *new_ids;      /* exported id → id in this store, or ID_IN_FLIGHT */
  BotbenchImportFetched      *fetched;      /* fetched events already stored */
  GPtrArray                  *batch;        /* BotbenchEvent, inserted, not committed yet */
  GArray                     *batch_ids;    /* their exported ids */
  gsize                       batch_bytes;
  guint                       in_flight;
  GError                     *error;
} Importer;

static void
insert_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Importer *importer = user_data;
  GError *error = NULL;

  if (botbench_event_store_insert_finish (BOTBENCH_EVENT_STORE (object), result, &error) > 0)
    importer->summary->imported++;
  else if (importer->error == NULL)
    importer->error = error;
  else
    g_clear_error (&error);

  importer->in_flight--;
}

static void
remember_id (Importer *importer,
             gint64    exported_id,
             gint64    id)
{
  gint64 *key;

  if (exported_id <= 0 || !g_hash_table_contains (importer->referenced, &exported_id))
    return;
  /* A hand-made file may give one id twice: the first stored keeps it. */
  if (g_hash_table_contains (importer->new_ids, &exported_id))
    return;

  key = g_memdup2 (&exported_id, sizeof exported_id);
  g_hash_table_insert (importer->new_ids, key, g_memdup2 (&id, sizeof id));
}

/* Waits for the batch's commits, then records the ids the originals got
 * and the handlers' answers beside their events. */
static gboolean
importer_flush (Importer  *importer,
                GError   **error)
{
  while (importer->in_flight > 0)
    g_main_context_iteration (importer->context, TRUE);

  for (guint i = 0; i < importer->batch->len; i++)
    {
      BotbenchEvent *event = g_ptr_array_index (importer->batch, i);
      gint64 exported_id = g_array_index (importer->batch_ids, gint64, i);
      gint64 id = botbench_event_get_id (event);
      BotbenchForwardResult *forward = botbench_event_get_forward (event);

      if (exported_id > 0 && g_hash_table_contains (importer->new_ids, &exported_id))
        {
          gint64 *known = g_hash_table_lookup (importer->new_ids, &exported_id);

          if (*known == ID_IN_FLIGHT)
            *known = id > 0 ? id : 0;
        }

      if (importer->error == NULL && forward != NULL && id > 0 &&
          !botbench_event_store_record_forward (importer->store, id, forward, error))
        return FALSE;
    }

  g_ptr_array_set_size (importer->batch, 0);
  g_array_set_size (importer->batch_ids, 0);
  importer->batch_bytes = 0;

  if (importer->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&importer->error));
      return FALSE;
    }

  return TRUE;
}

static gboolean
batch_has_same (Importer      *importer,
                BotbenchEvent *event)
{
  for (guint i = 0; i < importer->batch->len; i++)
    {
      BotbenchEvent *other = g_ptr_array_index (importer->batch, i);

      if (_botbench_import_fetched_same (other, event))
        return TRUE;
      if (botbench_event_get_received (other) == botbench_event_get_received (event) &&
          g_str_equal (botbench_event_get_method (other), botbench_event_get_method (event)) &&
          g_str_equal (botbench_event_get_path (other), botbench_event_get_path (event)) &&
          g_str_equal (botbench_event_get_query (other), botbench_event_get_query (event)) &&
          g_bytes_equal (botbench_event_get_body (other), botbench_event_get_body (event)))
        return TRUE;
    }

  return FALSE;
}

/* Stores event (read from item's line) unless it is stored already. */
static gboolean
importer_add (Importer       *importer,
              BotbenchEvent  *event,
              ImportItem     *item,
              GError        **error)
{
  gint64 same;

  if (item->replay_of > 0)
    {
      gint64 *original = g_hash_table_lookup (importer->new_ids, &item->replay_of);

      /* Its original is in this batch: its id comes with the commit. */
      if (original != NULL && *original == ID_IN_FLIGHT && !importer_flush (importer, error))
        return FALSE;
      original = g_hash_table_lookup (importer->new_ids, &item->replay_of);
      botbench_event_set_replay_of (event, original != NULL ? *original : 0);
    }

  /* A copy in this batch is found once committed. */
  if (batch_has_same (importer, event) && !importer_flush (importer, error))
    return FALSE;

  /* The same portal event, or the same request. */
  if ((same = _botbench_import_fetched_find (importer->fetched, event, error)) < 0)
    return FALSE;
  if (same == 0 && (same = botbench_event_store_find_same (importer->store, event, error)) < 0)
    return FALSE;
  if (same > 0)
    {
      importer->summary->duplicates++;
      remember_id (importer, item->id, same);
      return TRUE;
    }

  remember_id (importer, item->id, ID_IN_FLIGHT);
  g_ptr_array_add (importer->batch, g_object_ref (event));
  g_array_append_val (importer->batch_ids, item->id);
  importer->batch_bytes += g_bytes_get_size (botbench_event_get_body (event));
  importer->in_flight++;
  botbench_event_store_insert_async (importer->store, event, NULL, insert_done_cb, importer);

  if (importer->batch->len >= IMPORT_BATCH || importer->batch_bytes >= IMPORT_BATCH_BYTES)
    return importer_flush (importer, error);

  return TRUE;
}

/* Pass 2: items sorted, read back from source one at a time. */
static gboolean
store_items (BotbenchEventStore          *store,
             GArray                      *items,
             GHashTable                  *referenced,
             GInputStream                *source,
             BotbenchEventImportSummary  *summary,
             GCancellable                *cancellable,
             GError                     **error)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GHashTable) new_ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GArray) batch_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GByteArray) line = g_byte_array_new ();
  g_autoptr(BotbenchImportFetched) fetched = _botbench_import_fetched_new (store);
  Importer importer = { store, summary, context, referenced, new_ids, fetched, batch, batch_ids, 0, 0, NULL };
  gboolean ok = TRUE;

  g_main_context_push_thread_default (context);

  for (guint i = 0; i < items->len && ok; i++)
    {
      ImportItem *item = &g_array_index (items, ImportItem, i);
      g_autoptr(BotbenchEvent) event = NULL;
      g_autoptr(GError) line_error = NULL;
      gint64 id;

      if (i % IMPORT_BATCH == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          ok = FALSE;
          break;
        }

      if (!_botbench_event_import_read_at (source, item->offset, item->len, line, cancellable, error))
        {
          ok = FALSE;
          break;
        }

      /* Checked in the first pass; the file may have changed since. */
      event = _botbench_event_from_json_line_full ((const char *)line->data, line->len, &id, &line_error);
      if (event == NULL)
        {
          _botbench_event_import_summary_fail (summary, item->line, line_error->message);
          continue;
        }

      ok = importer_add (&importer, event, item, error);
    }

  if (ok)
    ok = importer_flush (&importer, error);
  else
    {
      /* Commits under way still count. */
      while (importer.in_flight > 0)
        g_main_context_iteration (context, TRUE);
      g_clear_error (&importer.error);
    }

  g_main_context_pop_thread_default (context);
  return ok;
}

BotbenchEventImportSummary *
botbench_event_import_stream (BotbenchEventStore  *store,
                              GInputStream        *stream,
                              GCancellable        *cancellable,
                              GError             **error)
{
  g_autoptr(BotbenchEventImportSummary) summary = NULL;
  g_autoptr(GByteArray) line = g_byte_array_new ();
  g_autoptr(GArray) items = g_array_new (FALSE, TRUE, sizeof (ImportItem));
  g_autoptr(GHashTable) by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GHashTable) referenced = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(BotbenchImportLines) lines = NULL;
  GError *read_error = NULL;
  GInputStream *source;
  gboolean too_long;
  goffset offset;

  g_return_val_if_fail (BOTBENCH_IS_EVENT_STORE (store), NULL);
  g_return_val_if_fail (G_IS_INPUT_STREAM (stream), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  summary = g_new0 (BotbenchEventImportSummary, 1);
  summary->errors = g_ptr_array_new_with_free_func (g_free);

  lines = _botbench_import_lines_new (stream, cancellable, error);
  if (lines == NULL)
    return NULL;

  /* Pass 1: check every line, keep where the good ones are. */
  while (_botbench_import_lines_next (lines, line, &offset, &too_long, cancellable, &read_error))
    {
      g_autoptr(BotbenchEvent) event = NULL;
      g_autoptr(GError) line_error = NULL;
      guint number = _botbench_import_lines_get_number (lines);
      ImportItem item = { 0 };
      gsize i = 0;

      while (i < line->len && g_ascii_isspace (line->data[i]))
        i++;
      if (i == line->len && !too_long)
        continue;

      if (too_long)
        g_set_error (&line_error, BOTBENCH_EVENT_IMPORT_ERROR, BOTBENCH_EVENT_IMPORT_ERROR_TOO_LONG,
                     g_dngettext (GETTEXT_PACKAGE, "Longer than %u byte", "Longer than %u bytes",
                                  BOTBENCH_EVENT_IMPORT_MAX_LINE),
                     (guint)BOTBENCH_EVENT_IMPORT_MAX_LINE);
      else
        event = _botbench_event_from_json_line_full ((const char *)line->data, line->len, &item.id, &line_error);

      if (event == NULL)
        {
          _botbench_event_import_summary_fail (summary, number, line_error->message);
          continue;
        }

      if (!_botbench_import_lines_keep (lines, line, &offset, cancellable, error))
        return NULL;

      item.offset = offset;
      item.len = line->len;
      item.line = number;
      item.received = botbench_event_get_received (event);
      item.replay_of = botbench_event_get_replay_of (event);
      if (item.id > 0 && !g_hash_table_contains (by_id, &item.id))
        g_hash_table_insert (by_id, g_memdup2 (&item.id, sizeof item.id), GUINT_TO_POINTER (items->len + 1));
      if (item.replay_of > 0)
        g_hash_table_add (referenced, g_memdup2 (&item.replay_of, sizeof item.replay_of));
      g_array_append_val (items, item);
    }
  if (read_error != NULL)
    {
      g_propagate_error (error, read_error);
      return NULL;
    }

  order_items (items, by_id);
  g_array_sort (items, compare_items);
  g_clear_pointer (&by_id, g_hash_table_unref);

  source = _botbench_import_lines_get_source (lines);
  if (!store_items (store, items, referenced, source, summary, cancellable, error))
    return NULL;

  return g_steal_pointer (&summary);
}

static void
import_file_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  BotbenchEventStore *store = source_object;
  GFile *file = task_data;
  g_autoptr(GFileInputStream) stream = NULL;
  BotbenchEventImportSummary *summary;
  GError *error = NULL;

  stream = g_file_read (file, cancellable, &error);
  if (stream == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  summary = botbench_event_import_stream (store, G_INPUT_STREAM (stream), cancellable, &error);
  if (summary == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, summary, (GDestroyNotify)botbench_event_import_summary_free);
}

void
botbench_event_import_file_async (BotbenchEventStore  *store,
                                  GFile               *file,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (BOTBENCH_IS_EVENT_STORE (store));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, botbench_event_import_file_async);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, import_file_thread);
}

BotbenchEventImportSummary *
botbench_event_import_file_finish (BotbenchEventStore  *store,
                                   GAsyncResult        *result,
                                   GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == botbench_event_import_file_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
