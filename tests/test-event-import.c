/* test-event-import.c: JSON Lines import: replay_of remapped, streaming, error cap
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <gio/gunixinputstream.h>

#include "botbench-core.h"
#include "botbench-test-utils.h"

typedef struct
{
  char               *dir;
  BotbenchEventStore *store;
} ImportFixture;

static void
import_setup (ImportFixture *f,
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
import_teardown (ImportFixture *f,
                 gconstpointer  data)
{
  botbench_event_store_close (f->store);
  g_clear_object (&f->store);
  botbench_test_rm_rf (f->dir);
  g_free (f->dir);
}

/* A line as `events` writes it, with the exported id and replay_of. */
static char *
line_for (gint64      id,
          gint64      received,
          const char *body,
          gint64      replay_of)
{
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
  g_autoptr(BotbenchEvent) event = botbench_event_new (received, "127.0.0.1", "POST", "/bot.php", "",
                                                       NULL, "application/x-www-form-urlencoded", bytes);
  g_autofree char *line = NULL;
  g_autofree char *id_member = NULL;

  botbench_event_set_replay_of (event, replay_of);
  line = botbench_event_to_json_line (event);
  /* An event not stored says "id":0; give it the exported one. */
  g_assert_true (g_str_has_prefix (line, "{\"id\":0,"));
  id_member = g_strdup_printf ("{\"id\":%" G_GINT64_FORMAT ",", id);
  return g_strconcat (id_member, line + strlen ("{\"id\":0,"), NULL);
}

static gint64
insert (BotbenchEventStore *store,
        gint64              received,
        const char         *body)
{
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
  g_autoptr(BotbenchEvent) event = botbench_event_new (received, "127.0.0.1", "POST", "/bot.php", "",
                                                       NULL, "application/x-www-form-urlencoded", bytes);
  g_autoptr(GError) error = NULL;
  gint64 id = botbench_event_store_insert (store, event, &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static BotbenchEventImportSummary *
import_stream (BotbenchEventStore *store,
               GInputStream       *stream)
{
  g_autoptr(GError) error = NULL;
  BotbenchEventImportSummary *summary = botbench_event_import_stream (store, stream, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (summary);
  return summary;
}

static BotbenchEventImportSummary *
import_text (BotbenchEventStore *store,
             const char         *text)
{
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_data (g_strdup (text), strlen (text), g_free);

  return import_stream (store, stream);
}

/* The stored event whose body is body. */
static BotbenchEvent *
find_by_body (BotbenchEventStore *store,
              const char         *body)
{
  g_autoptr(GError) error = NULL;
  BotbenchEventQuery query = { .limit = 1000, .ascending = TRUE };
  g_autoptr(GPtrArray) events = botbench_event_store_query (store, &query, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < events->len; i++)
    {
      BotbenchEvent *event = g_ptr_array_index (events, i);
      gsize len;
      const char *data = g_bytes_get_data (botbench_event_get_body (event), &len);

      if (len == strlen (body) && memcmp (data, body, len) == 0)
        return g_object_ref (event);
    }

  g_assert_not_reached ();
}

static void
assert_replay_of (BotbenchEventStore *store,
                  const char         *replay_body,
                  const char         *original_body)
{
  g_autoptr(BotbenchEvent) replay = find_by_body (store, replay_body);

  if (original_body == NULL)
    g_assert_cmpint (botbench_event_get_replay_of (replay), ==, 0);
  else
    {
      g_autoptr(BotbenchEvent) original = find_by_body (store, original_body);

      g_assert_cmpint (botbench_event_get_replay_of (replay), ==, botbench_event_get_id (original));
    }
}

/* The store already holds other events, so the exported ids point at the
 * wrong ones unless remapped; one original is already there (its copy is
 * skipped), one is nowhere. */
static void
test_replay_of_remapped (ImportFixture *f,
                         gconstpointer  data)
{
  gint64 t = 1772090363000000;
  g_autofree char *l10 = line_for (10, t + 10, "event=A", 0);
  g_autofree char *l11 = line_for (11, t + 11, "event=B", 0);
  g_autofree char *l12 = line_for (12, t + 12, "event=A&replay=1", 10);
  g_autofree char *l13 = line_for (13, t + 13, "event=A&replay=2", 12);
  g_autofree char *l14 = line_for (14, t + 14, "event=B&replay=1", 11);
  g_autofree char *l15 = line_for (15, t + 15, "event=Z&replay=1", 7);
  g_autofree char *text = NULL;
  g_autoptr(BotbenchEventImportSummary) summary = NULL;
  g_autoptr(BotbenchEvent) replay = NULL;
  gint64 present;

  /* Ids 1–12 are taken by other events; "event=B" is one of them. */
  for (guint i = 0; i < 11; i++)
    {
      g_autofree char *body = g_strdup_printf ("other=%u", i);

      insert (f->store, t - 1000 + i, body);
    }
  present = insert (f->store, t + 11, "event=B");

  /* Newest first, as `events` prints: every replay before its original. */
  text = g_strjoin ("\n", l15, l14, l13, l12, l11, l10, "", NULL);
  summary = import_text (f->store, text);
  g_assert_cmpuint (summary->imported, ==, 5);
  g_assert_cmpuint (summary->duplicates, ==, 1);
  g_assert_cmpuint (summary->failed, ==, 0);

  assert_replay_of (f->store, "event=A&replay=1", "event=A");
  assert_replay_of (f->store, "event=A&replay=2", "event=A&replay=1");
  /* The original that was skipped: its copy already stored. */
  assert_replay_of (f->store, "event=B&replay=1", "event=B");
  replay = find_by_body (f->store, "event=B&replay=1");
  g_assert_cmpint (botbench_event_get_replay_of (replay), ==, present);
  /* Exported id 7 is nowhere in the file: no original. */
  assert_replay_of (f->store, "event=Z&replay=1", NULL);
  assert_replay_of (f->store, "event=A", NULL);
}

/* A hand-made file: a replay received before its original, one id used
 * twice, a replay of itself and a cycle, all in one batch. */
static void
test_replay_of_hand_made (ImportFixture *f,
                          gconstpointer  data)
{
  gint64 t = 1772090363000000;
  g_autofree char *early = line_for (2, t, "early-replay", 1);
  g_autofree char *original = line_for (1, t + 500, "original", 0);
  g_autofree char *self = line_for (3, t + 1, "self", 3);
  g_autofree char *cycle_a = line_for (4, t + 2, "cycle-a", 5);
  g_autofree char *cycle_b = line_for (5, t + 3, "cycle-b", 4);
  g_autofree char *text = NULL;
  g_autoptr(BotbenchEventImportSummary) summary = NULL;
  g_autoptr(BotbenchEvent) replay = NULL;
  g_autoptr(BotbenchEvent) stored_original = NULL;
  g_autoptr(BotbenchEvent) a = NULL;
  g_autoptr(BotbenchEvent) b = NULL;

  insert (f->store, t - 1, "unrelated");
  text = g_strjoin ("\n", early, self, cycle_a, cycle_b, original, NULL);
  summary = import_text (f->store, text);
  g_assert_cmpuint (summary->imported, ==, 5);
  g_assert_cmpuint (summary->failed, ==, 0);

  /* Stored after its original, pointing at it. */
  replay = find_by_body (f->store, "early-replay");
  stored_original = find_by_body (f->store, "original");
  g_assert_cmpint (botbench_event_get_replay_of (replay), ==, botbench_event_get_id (stored_original));
  g_assert_cmpint (botbench_event_get_id (replay), >, botbench_event_get_id (stored_original));
  g_assert_cmpint (botbench_event_get_received (replay), ==, t);

  /* A cycle is cut once: one of the two points at the other, and nothing
   * points at itself. */
  assert_replay_of (f->store, "self", NULL);
  a = find_by_body (f->store, "cycle-a");
  b = find_by_body (f->store, "cycle-b");
  g_assert_true ((botbench_event_get_replay_of (a) == botbench_event_get_id (b)) !=
                 (botbench_event_get_replay_of (b) == botbench_event_get_id (a)));
  g_assert_cmpint (botbench_event_get_replay_of (a), !=, botbench_event_get_id (a));
  g_assert_cmpint (botbench_event_get_replay_of (b), !=, botbench_event_get_id (b));
}

/* Only the first 100 messages are kept; every failed line is counted. */
static void
test_error_cap (ImportFixture *f,
                gconstpointer  data)
{
  g_autofree char *good = line_for (1, 1772090363000000, "good", 0);
  GString *text = g_string_new (NULL);
  g_autoptr(BotbenchEventImportSummary) summary = NULL;

  for (guint i = 0; i < 5000; i++)
    g_string_append (text, "not json\n");
  g_string_append (text, good);
  summary = import_text (f->store, text->str);
  g_string_free (text, TRUE);

  g_assert_cmpuint (summary->imported, ==, 1);
  g_assert_cmpuint (summary->failed, ==, 5000);
  g_assert_cmpuint (summary->errors->len, ==, 100);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (summary->errors, 0), "Line 1: Not JSON: "));
  g_assert_true (g_str_has_prefix (g_ptr_array_index (summary->errors, 99), "Line 100: "));
}

typedef struct
{
  int     fd;
  char   *text;
  gsize   len;
} Writer;

static gpointer
write_thread (gpointer data)
{
  Writer *writer = data;
  gsize done = 0;

  while (done < writer->len)
    {
      gssize n = write (writer->fd, writer->text + done, writer->len - done);

      g_assert_cmpint (n, >, 0);
      done += (gsize)n;
    }
  close (writer->fd);
  return NULL;
}

/* Standard input cannot seek: the lines are read again from a copy. */
static void
test_pipe (ImportFixture *f,
           gconstpointer  data)
{
  gint64 t = 1772090363000000;
  GString *text = g_string_new (NULL);
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(BotbenchEventImportSummary) summary = NULL;
  g_autoptr(GThread) thread = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  BotbenchEventQuery query = { .limit = 1000, .ascending = TRUE };
  Writer writer;
  int fds[2];

  /* Newest first, bodies big enough to overflow a pipe's buffer. */
  for (guint i = 600; i > 0; i--)
    {
      g_autofree char *body = g_strdup_printf ("n=%u&pad=%0*u", i, 400, 0);
      g_autofree char *line = line_for (i, t + i, body, i > 1 ? i - 1 : 0);

      g_string_append (text, line);
      g_string_append_c (text, '\n');
    }

  g_assert_cmpint (pipe (fds), ==, 0);
  writer.fd = fds[1];
  writer.len = text->len;
  writer.text = g_string_free (text, FALSE);
  stream = g_unix_input_stream_new (fds[0], TRUE);
  g_assert_false (G_IS_SEEKABLE (stream) && g_seekable_can_seek (G_SEEKABLE (stream)));
  thread = g_thread_new ("writer", write_thread, &writer);

  summary = import_stream (f->store, stream);
  g_thread_join (g_steal_pointer (&thread));
  g_free (writer.text);
  g_assert_cmpuint (summary->imported, ==, 600);
  g_assert_cmpuint (summary->failed, ==, 0);

  /* Oldest first, each a replay of the one before. */
  events = botbench_event_store_query (f->store, &query, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (events->len, ==, 600);
  for (guint i = 0; i < events->len; i++)
    {
      BotbenchEvent *event = g_ptr_array_index (events, i);

      g_assert_cmpint (botbench_event_get_received (event), ==, t + i + 1);
      g_assert_cmpint (botbench_event_get_replay_of (event), ==,
                       i > 0 ? botbench_event_get_id (g_ptr_array_index (events, i - 1)) : 0);
    }
}

/* The peak-memory test: not built under AddressSanitizer, which keeps
 * freed memory in quarantine (what it measures would be the sanitizer). */
#if !defined(__SANITIZE_ADDRESS__)

/* Lines made up as they are read, never all in memory (nor seekable). */
#define GEN_LINES 1600
#define GEN_BODY (64 * 1024)

typedef struct
{
  GInputStream parent_instance;
  guint        next;     /* the next line to make */
  GString     *line;     /* what is left of the current one */
  gsize        sent;
} GenStream;

typedef struct
{
  GInputStreamClass parent_class;
} GenStreamClass;

static GType gen_stream_get_type (void);
G_DEFINE_TYPE (GenStream, gen_stream, G_TYPE_INPUT_STREAM)

static gssize
gen_stream_read (GInputStream  *stream,
                 void          *buffer,
                 gsize          count,
                 GCancellable  *cancellable,
                 GError       **error)
{
  GenStream *self = (GenStream *)stream;
  gsize n;

  if (self->sent == self->line->len)
    {
      g_autofree char *body = NULL;
      g_autofree char *line = NULL;

      if (self->next == GEN_LINES)
        return 0;
      body = g_strnfill (GEN_BODY, 'a' + self->next % 26);
      memcpy (body, "n=", 2);
      g_snprintf (body + 2, 12, "%08u", self->next);
      body[10] = '&';
      line = line_for (self->next + 1, 1772090363000000 + self->next, body, 0);
      g_string_assign (self->line, line);
      g_string_append_c (self->line, '\n');
      self->sent = 0;
      self->next++;
    }

  n = MIN (count, self->line->len - self->sent);
  memcpy (buffer, self->line->str + self->sent, n);
  self->sent += n;
  return (gssize)n;
}

static void
gen_stream_finalize (GObject *object)
{
  g_string_free (((GenStream *)object)->line, TRUE);
  G_OBJECT_CLASS (gen_stream_parent_class)->finalize (object);
}

static void
gen_stream_class_init (GenStreamClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = gen_stream_finalize;
  G_INPUT_STREAM_CLASS (klass)->read_fn = gen_stream_read;
}

static void
gen_stream_init (GenStream *self)
{
  self->line = g_string_new (NULL);
}

static glong
max_rss_kib (void)
{
  struct rusage usage;

  g_assert_cmpint (getrusage (RUSAGE_SELF, &usage), ==, 0);
  return usage.ru_maxrss;
}

/* 100 MiB of events imported with far less memory than that: one line at
 * a time, not the file (nor all its events). */
static void
test_memory (ImportFixture *f,
             gconstpointer  data)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GInputStream) stream = g_object_new (gen_stream_get_type (), NULL);
      g_autoptr(BotbenchEventImportSummary) summary = NULL;
      glong before = max_rss_kib ();
      glong grown;

      summary = import_stream (f->store, stream);
      g_assert_cmpuint (summary->imported, ==, GEN_LINES);
      grown = max_rss_kib () - before;
      g_test_message ("peak memory grew by %ld KiB importing %u KiB", grown,
                      GEN_LINES * (GEN_BODY / 1024));
      g_assert_cmpint (grown, <, GEN_LINES * (GEN_BODY / 1024) / 3);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}
#endif /* !__SANITIZE_ADDRESS__ */

/* head, then filler bytes of 'x', then tail: a huge line never in memory. */
typedef struct
{
  GInputStream parent_instance;
  char        *head;
  gsize        filler;
  char        *tail;
  gsize        pos;
} BigLineStream;

typedef struct
{
  GInputStreamClass parent_class;
} BigLineStreamClass;

static GType big_line_stream_get_type (void);
G_DEFINE_TYPE (BigLineStream, big_line_stream, G_TYPE_INPUT_STREAM)

static gssize
big_line_stream_read (GInputStream  *stream,
                      void          *buffer,
                      gsize          count,
                      GCancellable  *cancellable,
                      GError       **error)
{
  BigLineStream *self = (BigLineStream *)stream;
  gsize head = strlen (self->head);
  gsize tail = strlen (self->tail);
  guint8 *out = buffer;
  gsize n = 0;

  while (n < count && self->pos < head + self->filler + tail)
    {
      if (self->pos < head)
        out[n] = (guint8)self->head[self->pos];
      else if (self->pos < head + self->filler)
        out[n] = 'x';
      else
        out[n] = (guint8)self->tail[self->pos - head - self->filler];
      n++;
      self->pos++;
    }

  return (gssize)n;
}

static void
big_line_stream_finalize (GObject *object)
{
  BigLineStream *self = (BigLineStream *)object;

  g_free (self->head);
  g_free (self->tail);
  G_OBJECT_CLASS (big_line_stream_parent_class)->finalize (object);
}

static void
big_line_stream_class_init (BigLineStreamClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = big_line_stream_finalize;
  G_INPUT_STREAM_CLASS (klass)->read_fn = big_line_stream_read;
}

static void
big_line_stream_init (BigLineStream *self)
{
}

/* A line over the limit fails alone, with a message saying so; the lines
 * around it are imported. */
static void
test_too_long (ImportFixture *f,
               gconstpointer  data)
{
  g_autofree char *first = line_for (1, 1772090363000000, "first", 0);
  g_autofree char *last = line_for (2, 1772090363000001, "last", 0);
  g_autoptr(GInputStream) input = g_object_new (big_line_stream_get_type (), NULL);
  BigLineStream *stream = (BigLineStream *)input;
  g_autoptr(BotbenchEventImportSummary) summary = NULL;
  g_autofree char *expected = g_strdup_printf ("Line 2: Longer than %u bytes",
                                               (guint)BOTBENCH_EVENT_IMPORT_MAX_LINE);

  stream->head = g_strconcat (first, "\n{\"received\":1,\"body\":\"", NULL);
  stream->filler = BOTBENCH_EVENT_IMPORT_MAX_LINE;
  stream->tail = g_strconcat ("\"}\n", last, "\n", NULL);

  summary = import_stream (f->store, input);
  g_assert_cmpuint (summary->imported, ==, 2);
  g_assert_cmpuint (summary->failed, ==, 1);
  g_assert_cmpuint (summary->errors->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (summary->errors, 0), ==, expected);
  g_object_unref (find_by_body (f->store, "first"));
  g_object_unref (find_by_body (f->store, "last"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/event-import/replay-of/remapped", ImportFixture, NULL,
              import_setup, test_replay_of_remapped, import_teardown);
  g_test_add ("/event-import/replay-of/hand-made", ImportFixture, NULL,
              import_setup, test_replay_of_hand_made, import_teardown);
  g_test_add ("/event-import/errors/cap", ImportFixture, NULL,
              import_setup, test_error_cap, import_teardown);
  g_test_add ("/event-import/stream/pipe", ImportFixture, NULL,
              import_setup, test_pipe, import_teardown);
  g_test_add ("/event-import/stream/too-long", ImportFixture, NULL,
              import_setup, test_too_long, import_teardown);
#if !defined(__SANITIZE_ADDRESS__)
  g_test_add ("/event-import/stream/memory", ImportFixture, NULL,
              import_setup, test_memory, import_teardown);
#endif

  return g_test_run ();
}
