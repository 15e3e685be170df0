/* botbench-avatar.c: a picture turned into a bot's PERSONAL_PHOTO
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The pipeline: read the first 4 KiB and pick the loader the way
 * gdk-pixbuf does (shared-mime-info), but only among the formats below whose
 * loaders we have read; check the header ourselves where a loader trusts it
 * for an allocation or a size before asking us, or ignores our answer
 * (BMP, ICO, TGA, PNM, TIFF, GIF, PNG, WebP); then stream the file into a
 * GdkPixbufLoader made for exactly that format (never more than 100 MB,
 * never more than 100 megapixels; ICO, TIFF and GIF whole, checked first);
 * in "size-prepared" ask JPEGs for the smallest DCT-scaled size that still
 * covers the crop at the target size and SVGs for exactly the target
 * scale; check that the file is complete (gdk-pixbuf happily returns half
 * a PNG); apply the EXIF orientation; crop the square in source
 * coordinates and map it onto the decoded pixbuf; scale once; encode.
 *
 * This file holds the object, its options and the entry points (files,
 * bytes, a thread, the validator's PERSONAL_PHOTO check); the decoder is in
 * botbench-avatar-decoder.c, the header checks in botbench-avatar-sniff.c,
 * cropping and encoding in botbench-avatar-encode.c.
 */
#define G_LOG_DOMAIN "botbench-avatar"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "botbench-avatar-private.h"

G_DEFINE_FINAL_TYPE (BotbenchAvatar, botbench_avatar, G_TYPE_OBJECT)

G_DEFINE_BOXED_TYPE (BotbenchAvatarOptions, botbench_avatar_options,
                     botbench_avatar_options_copy, botbench_avatar_options_free)

G_DEFINE_QUARK (botbench-avatar-error-quark, botbench_avatar_error)

/* Helpers */

static char *
file_display_name (GFile *file)
{
  const char *path = g_file_peek_path (file);

  if (path != NULL)
    return g_filename_display_basename (path);

  return g_file_get_parse_name (file);
}

/* PHP's base64_decode() without strict: everything outside the alphabet
 * (whitespace, '=', '-', '_', ':', …) is skipped; a lone trailing sextet
 * is dropped. */
static GBytes *
php_base64_decode (const char *in)
{
  GByteArray *out = g_byte_array_sized_new (strlen (in) / 4 * 3 + 3);
  guint8 cur = 0;
  guint i = 0;

  for (const char *p = in; *p != '\0'; p++)
    {
      int c = (guchar)*p;
      int v;

      if (c >= 'A' && c <= 'Z')
        v = c - 'A';
      else if (c >= 'a' && c <= 'z')
        v = c - 'a' + 26;
      else if (c >= '0' && c <= '9')
        v = c - '0' + 52;
      else if (c == '+')
        v = 62;
      else if (c == '/')
        v = 63;
      else
        continue;

      switch (i % 4)
        {
        case 0:
          cur = v << 2;
          break;
        case 1:
          cur |= v >> 4;
          g_byte_array_append (out, &cur, 1);
          cur = (v & 0x0f) << 4;
          break;
        case 2:
          cur |= v >> 2;
          g_byte_array_append (out, &cur, 1);
          cur = (v & 0x03) << 6;
          break;
        case 3:
        default:
          cur |= v;
          g_byte_array_append (out, &cur, 1);
          break;
        }
      i++;
    }

  return g_byte_array_free_to_bytes (out);
}

static gboolean
is_php_false (const char *p)
{
  if (strncmp (p, "false", 5) != 0)
    return FALSE;
  for (p += 5; *p != '\0'; p++)
    if (!g_ascii_isspace (*p))
      return FALSE;
  return TRUE;
}

/* GObject */

static void
botbench_avatar_finalize (GObject *object)
{
  BotbenchAvatar *self = (BotbenchAvatar *)object;

  g_clear_pointer (&self->base64, g_free);
  g_clear_pointer (&self->bytes, g_bytes_unref);
  g_clear_object (&self->pixbuf);
  g_clear_pointer (&self->source_format, g_free);

  G_OBJECT_CLASS (botbench_avatar_parent_class)->finalize (object);
}

static void
botbench_avatar_class_init (BotbenchAvatarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = botbench_avatar_finalize;
}

static void
botbench_avatar_init (BotbenchAvatar *self)
{
}

/* Public API */

const char *
botbench_avatar_format_to_string (BotbenchAvatarFormat format)
{
  switch (format)
    {
    case BOTBENCH_AVATAR_FORMAT_PNG:
      return "png";
    case BOTBENCH_AVATAR_FORMAT_JPEG:
      return "jpeg";
    case BOTBENCH_AVATAR_FORMAT_AUTO:
    default:
      return "auto";
    }
}

gboolean
botbench_avatar_format_from_string (const char           *string,
                                    BotbenchAvatarFormat *format)
{
  BotbenchAvatarFormat f;

  g_return_val_if_fail (format != NULL, FALSE);

  if (string == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (string, "auto") == 0)
    f = BOTBENCH_AVATAR_FORMAT_AUTO;
  else if (g_ascii_strcasecmp (string, "png") == 0)
    f = BOTBENCH_AVATAR_FORMAT_PNG;
  else if (g_ascii_strcasecmp (string, "jpeg") == 0 || g_ascii_strcasecmp (string, "jpg") == 0)
    f = BOTBENCH_AVATAR_FORMAT_JPEG;
  else
    return FALSE;

  *format = f;
  return TRUE;
}

void
botbench_avatar_options_init (BotbenchAvatarOptions *options)
{
  g_return_if_fail (options != NULL);

  memset (options, 0, sizeof *options);
  options->size = BOTBENCH_AVATAR_DEFAULT_SIZE;
  options->format = BOTBENCH_AVATAR_FORMAT_AUTO;
  options->jpeg_quality = BOTBENCH_AVATAR_DEFAULT_JPEG_QUALITY;
  options->focus_x = 0.5;
  options->focus_y = 0.5;
}

BotbenchAvatarOptions *
botbench_avatar_options_new (void)
{
  BotbenchAvatarOptions *options = g_new (BotbenchAvatarOptions, 1);

  botbench_avatar_options_init (options);
  return options;
}

BotbenchAvatarOptions *
botbench_avatar_options_copy (const BotbenchAvatarOptions *options)
{
  g_return_val_if_fail (options != NULL, NULL);

  return g_memdup2 (options, sizeof *options);
}

void
botbench_avatar_options_free (BotbenchAvatarOptions *options)
{
  g_free (options);
}

guint
botbench_avatar_clamp_size (guint size)
{
  if (size == 0)
    return BOTBENCH_AVATAR_DEFAULT_SIZE;

  return MIN (size, BOTBENCH_AVATAR_MAX_SIZE);
}

const char *
botbench_avatar_get_base64 (BotbenchAvatar *self)
{
  g_return_val_if_fail (BOTBENCH_IS_AVATAR (self), NULL);
  return self->base64;
}

GBytes *
botbench_avatar_get_bytes (BotbenchAvatar *self)
{
  g_return_val_if_fail (BOTBENCH_IS_AVATAR (self), NULL);
  return self->bytes;
}

gsize
botbench_avatar_get_byte_size (BotbenchAvatar *self)
{
  g_return_val_if_fail (BOTBENCH_IS_AVATAR (self), 0);
  return g_bytes_get_size (self->bytes);
}

BotbenchAvatarFormat
botbench_avatar_get_format (BotbenchAvatar *self)
{
  g_return_val_if_fail (BOTBENCH_IS_AVATAR (self), BOTBENCH_AVATAR_FORMAT_PNG);
  return self->format;
}

const char *
botbench_avatar_get_mime_type (BotbenchAvatar *self)
{
  g_return_val_if_fail (BOTBENCH_IS_AVATAR (self), NULL);
  return self->format == BOTBENCH_AVATAR_FORMAT_JPEG ? "image/jpeg" : "image/png";
}

guint
botbench_avatar_get_width (BotbenchAvatar *self)
{
  g_return_val_if_fail (BOTBENCH_IS_AVATAR (self), 0);
  return gdk_pixbuf_get_width (self->pixbuf);
}

guint
botbench_avatar_get_height (BotbenchAvatar *self)
{
  g_return_val_if_fail (BOTBENCH_IS_AVATAR (self), 0);
  return gdk_pixbuf_get_height (self->pixbuf);
}

GdkPixbuf *
botbench_avatar_get_pixbuf (BotbenchAvatar *self)
{
  g_return_val_if_fail (BOTBENCH_IS_AVATAR (self), NULL);
  return self->pixbuf;
}

guint
botbench_avatar_get_source_width (BotbenchAvatar *self)
{
  g_return_val_if_fail (BOTBENCH_IS_AVATAR (self), 0);
  return self->source_width;
}

guint
botbench_avatar_get_source_height (BotbenchAvatar *self)
{
  g_return_val_if_fail (BOTBENCH_IS_AVATAR (self), 0);
  return self->source_height;
}

void
botbench_avatar_get_crop (BotbenchAvatar *self,
                          int            *x,
                          int            *y,
                          int            *side)
{
  g_return_if_fail (BOTBENCH_IS_AVATAR (self));

  if (x != NULL)
    *x = self->crop_x;
  if (y != NULL)
    *y = self->crop_y;
  if (side != NULL)
    *side = self->crop_side;
}

const char *
botbench_avatar_get_source_format (BotbenchAvatar *self)
{
  g_return_val_if_fail (BOTBENCH_IS_AVATAR (self), NULL);
  return self->source_format;
}

BotbenchAvatar *
botbench_avatar_encode_sync (GFile                        *file,
                             const BotbenchAvatarOptions  *options,
                             GCancellable                 *cancellable,
                             GError                      **error)
{
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  name = file_display_name (file);

  stream = g_file_read (file, cancellable, &local_error);
  if (stream == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, BOTBENCH_AVATAR_ERROR, BOTBENCH_AVATAR_ERROR_IO,
                     _("Could not open “%s”: %s"), name, local_error->message);
      return NULL;
    }

  /* Refuse the obvious cases before reading anything. */
  info = g_file_input_stream_query_info (stream, G_FILE_ATTRIBUTE_STANDARD_SIZE,
                                         cancellable, NULL);
  if (info != NULL && g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_STANDARD_SIZE))
    {
      goffset size = g_file_info_get_size (info);

      if (size > BOTBENCH_AVATAR_MAX_FILE_SIZE)
        {
          g_set_error (error, BOTBENCH_AVATAR_ERROR, BOTBENCH_AVATAR_ERROR_TOO_LARGE,
                       _("“%s” is larger than %d MB; pick a smaller picture"),
                       name, BOTBENCH_AVATAR_MAX_FILE_SIZE / (1024 * 1024));
          return NULL;
        }
    }

  return _botbench_avatar_encode_stream (G_INPUT_STREAM (stream), name, options, cancellable, error);
}

BotbenchAvatar *
botbench_avatar_encode_bytes_sync (GBytes                       *bytes,
                                   const char                   *name,
                                   const BotbenchAvatarOptions  *options,
                                   GCancellable                 *cancellable,
                                   GError                      **error)
{
  g_autoptr(GInputStream) stream = NULL;

  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_bytes_get_size (bytes) > BOTBENCH_AVATAR_MAX_FILE_SIZE)
    {
      g_set_error (error, BOTBENCH_AVATAR_ERROR, BOTBENCH_AVATAR_ERROR_TOO_LARGE,
                   _("“%s” is larger than %d MB; pick a smaller picture"),
                   name ? name : _("The image"), BOTBENCH_AVATAR_MAX_FILE_SIZE / (1024 * 1024));
      return NULL;
    }

  stream = g_memory_input_stream_new_from_bytes (bytes);
  return _botbench_avatar_encode_stream (stream, name ? name : _("the image"), options, cancellable, error);
}

typedef struct
{
  GFile                 *file;
  BotbenchAvatarOptions  options;
} EncodeData;

static void
encode_data_free (gpointer data)
{
  EncodeData *ed = data;

  g_clear_object (&ed->file);
  g_free (ed);
}

static void
botbench_avatar_encode_thread (GTask        *task,
                               gpointer      source_object,
                               gpointer      task_data,
                               GCancellable *cancellable)
{
  EncodeData *ed = task_data;
  g_autoptr(GError) error = NULL;
  BotbenchAvatar *avatar;

  avatar = botbench_avatar_encode_sync (ed->file, &ed->options, cancellable, &error);
  if (avatar == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, avatar, g_object_unref);
}

void
botbench_avatar_encode_async (GFile                        *file,
                              const BotbenchAvatarOptions  *options,
                              GCancellable                 *cancellable,
                              GAsyncReadyCallback           callback,
                              gpointer                      user_data)
{
  g_autoptr(GTask) task = NULL;
  EncodeData *ed;

  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  ed = g_new0 (EncodeData, 1);
  ed->file = g_object_ref (file);
  if (options != NULL)
    ed->options = *options;
  else
    botbench_avatar_options_init (&ed->options);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, botbench_avatar_encode_async);
  g_task_set_task_data (task, ed, encode_data_free);
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, botbench_avatar_encode_thread);
}

BotbenchAvatar *
botbench_avatar_encode_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == botbench_avatar_encode_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
botbench_avatar_check_base64 (const char  *base64,
                              guint       *width,
                              guint       *height,
                              GError     **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  const char *name = _("PERSONAL_PHOTO");
  const char *p;
  BotbenchAvatarDecoder d;
  gboolean ok = FALSE;

  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (width != NULL)
    *width = 0;
  if (height != NULL)
    *height = 0;

  p = base64 != NULL ? base64 : "";
  while (g_ascii_isspace (*p))
    p++;

  /* CRestUtil::saveFile() saves nothing for "" and "false". */
  if (*p == '\0' || is_php_false (p))
    {
      g_set_error (error, BOTBENCH_AVATAR_ERROR, BOTBENCH_AVATAR_ERROR_EMPTY,
                   _("PERSONAL_PHOTO is empty; the bot gets no avatar"));
      return FALSE;
    }

  /* The lenient decoder turns "data:image/png;base64," into leading garbage. */
  if (g_ascii_strncasecmp (p, "data:", 5) == 0)
    {
      g_set_error (error, BOTBENCH_AVATAR_ERROR, BOTBENCH_AVATAR_ERROR_DATA_URI,
                   _("PERSONAL_PHOTO starts with a “data:” prefix; the portal decodes it "
                     "as garbage and silently drops the avatar. Send only the base64 after "
                     "the comma"));
      return FALSE;
    }

  if (strlen (p) / 4 * 3 > BOTBENCH_AVATAR_MAX_FILE_SIZE + 3)
    {
      g_set_error (error, BOTBENCH_AVATAR_ERROR, BOTBENCH_AVATAR_ERROR_TOO_LARGE,
                   _("PERSONAL_PHOTO holds more than %d MB"),
                   BOTBENCH_AVATAR_MAX_FILE_SIZE / (1024 * 1024));
      return FALSE;
    }

  bytes = php_base64_decode (p);
  if (g_bytes_get_size (bytes) == 0)
    {
      g_set_error (error, BOTBENCH_AVATAR_ERROR, BOTBENCH_AVATAR_ERROR_NOT_AN_IMAGE,
                   _("PERSONAL_PHOTO is not base64: nothing decodes from it"));
      return FALSE;
    }

  stream = g_memory_input_stream_new_from_bytes (bytes);
  _botbench_avatar_decoder_init (&d, NULL, 0, TRUE);
  pixbuf = _botbench_avatar_decoder_run (&d, stream, name, NULL, error);

  if (d.width > 0 && d.height > 0)
    {
      if (width != NULL)
        *width = d.width;
      if (height != NULL)
        *height = d.height;
    }

  /* Formats the portal drops were refused before decoding. */
  if (pixbuf == NULL)
    goto out;

  if (d.width > BOTBENCH_AVATAR_MAX_SIZE || d.height > BOTBENCH_AVATAR_MAX_SIZE)
    {
      g_set_error (error, BOTBENCH_AVATAR_ERROR, BOTBENCH_AVATAR_ERROR_TOO_LARGE,
                   _("PERSONAL_PHOTO is %d × %d pixels; the portal drops avatars over %d × %d"),
                   d.width, d.height, BOTBENCH_AVATAR_MAX_SIZE, BOTBENCH_AVATAR_MAX_SIZE);
      goto out;
    }

  ok = TRUE;

out:
  _botbench_avatar_decoder_clear (&d);
  return ok;
}
