/* botbench-event-import-file.c: JSON Lines files into the event store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reads a stream line by line (no line is trusted to be short), turns
 * each line into an event (botbench-event-import.c), orders them oldest
 * first and stores those not stored yet: duplicates within the file are
 * found in memory, those already in the store by
 * botbench_event_store_find_same(); the inserts go to the writer in
 * batches, so that it commits many per transaction.
 */
#define G_LOG_DOMAIN "botbench-event-import"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "botbench-event-import-private.h"
#include "botbench-event-store.h"
#include "botbench-forward-result.h"

/* Inserts handed to the writer before waiting for their commits. */
#define IMPORT_BATCH 256

void
botbench_event_import_summary_free (BotbenchEventImportSummary *summary)
{
  if (summary == NULL)
    return;

  g_clear_pointer (&summary->errors, g_ptr_array_unref);
  g_free (summary);
}

/* Splits a stream into lines without trusting their length. */
typedef struct
{
  GInputStream *stream;
  GByteArray   *pending;   /* read, not yet returned */
  gboolean      eof;
} LineReader;

static void
strip_cr (GByteArray *line)
{
  if (line->len > 0 && line->data[line->len - 1] == '\r')
    g_byte_array_set_size (line, line->len - 1);
}

static void
keep (GByteArray   *line,
      const guint8 *data,
      gsize         len,
      gboolean     *too_long)
{
  if (*too_long || line->len + len > BOTBENCH_EVENT_IMPORT_MAX_LINE)
    {
      /* Read to its end, never kept. */
      *too_long = TRUE;
      g_byte_array_set_size (line, 0);
      return;
    }

  g_byte_array_append (line, data, len);
}

/* The next line (without "\n" or "\r\n") into line; FALSE at the end of
 * the stream or on error (then error is set). */
static gboolean
line_reader_next (LineReader    *reader,
                  GByteArray    *line,
                  gboolean      *too_long,
                  GCancellable  *cancellable,
                  GError       **error)
{
  gboolean any = FALSE;

  g_byte_array_set_size (line, 0);
  *too_long = FALSE;

  for (;;)
    {
      guint8 *newline = NULL;
      gssize n;

      if (reader->pending->len > 0)
        newline = memchr (reader->pending->data, '\n', reader->pending->len);

      if (newline != NULL)
        {
          gsize len = (gsize)(newline - reader->pending->data);

          keep (line, reader->pending->data, len, too_long);
          g_byte_array_remove_range (reader->pending, 0, len + 1);
          strip_cr (line);
          return TRUE;
        }

      if (reader->pending->len > 0)
        {
          any = TRUE;
          keep (line, reader->pending->data, reader->pending->len, too_long);
          g_byte_array_set_size (reader->pending, 0);
        }

      if (reader->eof)
        {
          strip_cr (line);
          return any;
        }

      g_byte_array_set_size (reader->pending, 65536);
      n = g_input_stream_read (reader->stream, reader->pending->data, 65536, cancellable, error);
      g_byte_array_set_size (reader->pending, MAX (n, 0));
      if (n < 0)
        return FALSE;
      if (n == 0)
        reader->eof = TRUE;
    }
}

typedef struct
{
  BotbenchEvent *event;
  gint64         id;       /* the exported "id", 0 when none */
  guint          line;
} ImportItem;

static void
import_item_clear (ImportItem *item)
{
  g_clear_object (&item->event);
}

/* Oldest first; events of one microsecond in their old id order, then
 * in file order. */
static int
compare_items (gconstpointer a,
               gconstpointer b)
{
  const ImportItem *ia = a;
  const ImportItem *ib = b;
  gint64 ra = botbench_event_get_received (ia->event);
  gint64 rb = botbench_event_get_received (ib->event);

  if (ra != rb)
    return ra < rb ? -1 : 1;
  if (ia->id != ib->id)
    return ia->id < ib->id ? -1 : 1;
  return ia->line < ib->line ? -1 : ia->line > ib->line;
}

/* Events alike for an import: same received time, method, path, query
 * and body. */
static guint
event_key_hash (gconstpointer key)
{
  BotbenchEvent *event = (BotbenchEvent *)key;
  gint64 received = botbench_event_get_received (event);

  return g_int64_hash (&received) ^ g_str_hash (botbench_event_get_path (event)) ^
         g_bytes_hash (botbench_event_get_body (event));
}

static gboolean
event_key_equal (gconstpointer a,
                 gconstpointer b)
{
  BotbenchEvent *ea = (BotbenchEvent *)a;
  BotbenchEvent *eb = (BotbenchEvent *)b;

  return botbench_event_get_received (ea) == botbench_event_get_received (eb) &&
         g_str_equal (botbench_event_get_method (ea), botbench_event_get_method (eb)) &&
         g_str_equal (botbench_event_get_path (ea), botbench_event_get_path (eb)) &&
         g_str_equal (botbench_event_get_query (ea), botbench_event_get_query (eb)) &&
         g_bytes_equal (botbench_event_get_body (ea), botbench_event_get_body (eb));
}

/* Inserts under way, on a context of our own. */
typedef struct
{
  BotbenchEventStore *store;
  GMainContext       *context;
  guint               in_flight;
  guint               stored;
  GError             *error;
} Inserts;

static void
insert_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Inserts *inserts = user_data;
  GError *error = NULL;

  if (botbench_event_store_insert_finish (BOTBENCH_EVENT_STORE (object), result, &error) > 0)
    inserts->stored++;
  else if (inserts->error == NULL)
    inserts->error = error;
  else
    g_clear_error (&error);

  inserts->in_flight--;
}

static void
inserts_wait (Inserts *inserts)
{
  while (inserts->in_flight > 0)
    g_main_context_iteration (inserts->context, TRUE);
}

/* Stores the events of items (sorted) that are not stored yet; counts in
 * summary.  FALSE with error when the store fails. */
static gboolean
store_items (BotbenchEventStore          *store,
             GArray                      *items,
             BotbenchEventImportSummary  *summary,
             GCancellable                *cancellable,
             GError                     **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (event_key_hash, event_key_equal);
  g_autoptr(GMainContext) context = g_main_context_new ();
  Inserts inserts = { store, context, 0, 0, NULL };
  gboolean ok = TRUE;

  g_main_context_push_thread_default (context);

  for (guint i = 0; i < items->len && ok; i++)
    {
      BotbenchEvent *event = g_array_index (items, ImportItem, i).event;
      gint64 same;

      if (!g_hash_table_add (seen, event))
        {
          summary->duplicates++;
          continue;
        }

      if ((same = botbench_event_store_find_same (store, event, error)) < 0)
        ok = FALSE;
      else if (same > 0)
        summary->duplicates++;
      else
        {
          inserts.in_flight++;
          botbench_event_store_insert_async (store, event, NULL, insert_done_cb, &inserts);
        }

      if (inserts.in_flight >= IMPORT_BATCH || i + 1 == items->len || !ok)
        {
          inserts_wait (&inserts);
          if (inserts.error != NULL)
            ok = FALSE;
          else if (ok && g_cancellable_set_error_if_cancelled (cancellable, error))
            ok = FALSE;
        }
    }

  inserts_wait (&inserts);
  g_main_context_pop_thread_default (context);

  summary->imported = inserts.stored;
  if (inserts.error != NULL)
    {
      if (ok || (error != NULL && *error == NULL))
        g_propagate_error (error, g_steal_pointer (&inserts.error));
      g_clear_error (&inserts.error);
      return FALSE;
    }
  if (!ok)
    return FALSE;

  /* The handlers' answers, beside their (now committed) events. */
  for (guint i = 0; i < items->len; i++)
    {
      BotbenchEvent *event = g_array_index (items, ImportItem, i).event;
      BotbenchForwardResult *forward = botbench_event_get_forward (event);

      if (forward != NULL && botbench_event_get_id (event) > 0 &&
          !botbench_event_store_record_forward (store, botbench_event_get_id (event), forward, error))
        return FALSE;
    }

  return TRUE;
}

BotbenchEventImportSummary *
botbench_event_import_stream (BotbenchEventStore  *store,
                              GInputStream        *stream,
                              GCancellable        *cancellable,
                              GError             **error)
{
  g_autoptr(BotbenchEventImportSummary) summary = NULL;
  g_autoptr(GByteArray) pending = g_byte_array_new ();
  g_autoptr(GByteArray) line = g_byte_array_new ();
  g_autoptr(GArray) items = g_array_new (FALSE, TRUE, sizeof (ImportItem));
  LineReader reader = { stream, pending, FALSE };
  GError *read_error = NULL;
  gboolean too_long;
  guint number = 0;

  g_return_val_if_fail (BOTBENCH_IS_EVENT_STORE (store), NULL);
  g_return_val_if_fail (G_IS_INPUT_STREAM (stream), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  summary = g_new0 (BotbenchEventImportSummary, 1);
  summary->errors = g_ptr_array_new_with_free_func (g_free);
  g_array_set_clear_func (items, (GDestroyNotify)import_item_clear);

  while (line_reader_next (&reader, line, &too_long, cancellable, &read_error))
    {
      g_autoptr(GError) line_error = NULL;
      BotbenchEvent *event = NULL;
      gint64 id = 0;
      gsize i = 0;

      number++;

      while (i < line->len && g_ascii_isspace (line->data[i]))
        i++;
      if (i == line->len && !too_long)
        continue;

      if (too_long)
        g_set_error (&line_error, BOTBENCH_EVENT_IMPORT_ERROR, BOTBENCH_EVENT_IMPORT_ERROR_TOO_LONG,
                     _("Longer than %u bytes"), (guint)BOTBENCH_EVENT_IMPORT_MAX_LINE);
      else
        event = _botbench_event_from_json_line_full ((const char *)line->data, line->len, &id, &line_error);

      if (event == NULL)
        {
          /* Translators: %u is a line number of the imported file */
          g_ptr_array_add (summary->errors,
                           g_strdup_printf (_("Line %u: %s"), number, line_error->message));
          summary->failed++;
        }
      else
        {
          ImportItem item = { event, id, number };

          g_array_append_val (items, item);
        }
    }

  if (read_error != NULL)
    {
      g_propagate_error (error, read_error);
      return NULL;
    }

  /* `events` prints newest first: stored oldest first, ids follow time
   * again. */
  g_array_sort (items, compare_items);

  if (!store_items (store, items, summary, cancellable, error))
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
