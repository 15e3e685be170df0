/* botbench-event-import-lines.c: the lines of an imported file, twice
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The import reads its stream once to check every line and again, in
 * another order, to store the events, holding one line at a time.  This
 * splits the stream into lines without trusting their length (a line
 * longer than BOTBENCH_EVENT_IMPORT_MAX_LINE is read to its end but never
 * kept) and says where each line is, so that it can be read again.  A
 * stream that cannot seek (a pipe, standard input) has the lines worth
 * reading again copied to an unlinked temporary file.
 */
#define G_LOG_DOMAIN "botbench-event-import"

#include "config.h"

#include <string.h>

#include "botbench-event-import-private.h"

#define READ_CHUNK 65536

struct _BotbenchImportLines
{
  GInputStream *stream;
  GByteArray   *pending;   /* read; returned up to start */
  gsize         start;
  goffset       offset;    /* of pending->data[start] in stream */
  gboolean      eof;
  guint         number;    /* of the line last returned, from 1 */

  /* Only when stream cannot seek. */
  GFileIOStream *spool;
  goffset        spool_len;
};

BotbenchImportLines *
_botbench_import_lines_new (GInputStream  *stream,
                            GCancellable  *cancellable,
                            GError       **error)
{
  g_autoptr(BotbenchImportLines) lines = g_new0 (BotbenchImportLines, 1);

  lines->stream = g_object_ref (stream);
  lines->pending = g_byte_array_new ();

  if (G_IS_SEEKABLE (stream) && g_seekable_can_seek (G_SEEKABLE (stream)))
    lines->offset = g_seekable_tell (G_SEEKABLE (stream));
  else
    {
      g_autoptr(GFile) file = g_file_new_tmp ("botbench-import-XXXXXX.jsonl", &lines->spool, error);

      if (file == NULL)
        return NULL;
      /* Gone when the stream closes, whatever happens. */
      g_file_delete (file, NULL, NULL);
    }

  return g_steal_pointer (&lines);
}

void
_botbench_import_lines_free (BotbenchImportLines *lines)
{
  if (lines == NULL)
    return;

  g_clear_object (&lines->stream);
  g_clear_pointer (&lines->pending, g_byte_array_unref);
  if (lines->spool != NULL)
    g_io_stream_close (G_IO_STREAM (lines->spool), NULL, NULL);
  g_clear_object (&lines->spool);
  g_free (lines);
}

guint
_botbench_import_lines_get_number (BotbenchImportLines *lines)
{
  return lines->number;
}

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

static void
consume (BotbenchImportLines *lines,
         gsize                len)
{
  lines->start += len;
  lines->offset += (goffset)len;
}

gboolean
_botbench_import_lines_next (BotbenchImportLines  *lines,
                             GByteArray           *line,
                             goffset              *offset,
                             gboolean             *too_long,
                             GCancellable         *cancellable,
                             GError              **error)
{
  gboolean any = FALSE;

  g_byte_array_set_size (line, 0);
  *too_long = FALSE;
  *offset = lines->offset;

  for (;;)
    {
      guint8 *data = lines->pending->data + lines->start;
      gsize left = lines->pending->len - lines->start;
      guint8 *newline = NULL;
      gssize n;

      if (left > 0)
        newline = memchr (data, '\n', left);

      if (newline != NULL)
        {
          gsize len = (gsize)(newline - data);

          keep (line, data, len, too_long);
          consume (lines, len + 1);
          strip_cr (line);
          lines->number++;
          return TRUE;
        }

      if (left > 0)
        {
          any = TRUE;
          keep (line, data, left, too_long);
          consume (lines, left);
        }

      if (lines->eof)
        {
          strip_cr (line);
          if (any)
            lines->number++;
          return any;
        }

      lines->start = 0;
      g_byte_array_set_size (lines->pending, READ_CHUNK);
      n = g_input_stream_read (lines->stream, lines->pending->data, READ_CHUNK, cancellable, error);
      g_byte_array_set_size (lines->pending, (guint)MAX (n, 0));
      if (n < 0)
        return FALSE;
      if (n == 0)
        lines->eof = TRUE;
    }
}

gboolean
_botbench_import_lines_keep (BotbenchImportLines  *lines,
                             GByteArray           *line,
                             goffset              *offset,
                             GCancellable         *cancellable,
                             GError              **error)
{
  GOutputStream *out;

  if (lines->spool == NULL)
    return TRUE;

  out = g_io_stream_get_output_stream (G_IO_STREAM (lines->spool));
  if (!g_seekable_seek (G_SEEKABLE (lines->spool), lines->spool_len, G_SEEK_SET, cancellable, error) ||
      !g_output_stream_write_all (out, line->data, line->len, NULL, cancellable, error))
    return FALSE;

  *offset = lines->spool_len;
  lines->spool_len += (goffset)line->len;
  return TRUE;
}

GInputStream *
_botbench_import_lines_get_source (BotbenchImportLines *lines)
{
  if (lines->spool != NULL)
    return g_io_stream_get_input_stream (G_IO_STREAM (lines->spool));

  return lines->stream;
}

gboolean
_botbench_event_import_read_at (GInputStream  *source,
                                goffset        offset,
                                gsize          len,
                                GByteArray    *line,
                                GCancellable  *cancellable,
                                GError       **error)
{
  gsize got = 0;

  g_byte_array_set_size (line, (guint)len);
  if (!g_seekable_seek (G_SEEKABLE (source), offset, G_SEEK_SET, cancellable, error) ||
      !g_input_stream_read_all (source, line->data, len, &got, cancellable, error))
    return FALSE;

  /* Shorter now: the file changed since the first pass; the line fails
   * to parse and is reported. */
  g_byte_array_set_size (line, (guint)got);
  return TRUE;
}
