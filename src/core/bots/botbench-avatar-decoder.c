/* botbench-avatar-decoder.c: a picture streamed into gdk-pixbuf, within limits
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Picks the loader the way gdk-pixbuf does (shared-mime-info on the first
 * 4 KiB) but only among the formats whose loaders we have read, has the
 * header checked (botbench-avatar-sniff.c), then streams the file into a
 * GdkPixbufLoader made for exactly that format: never more than 100 MB or
 * 100 megapixels, JPEGs decoded at the smallest DCT scale that covers the
 * crop, SVGs rendered at the target scale, and a file cut short refused
 * (gdk-pixbuf happily returns half a PNG).
 */
#define G_LOG_DOMAIN "botbench-avatar"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "botbench-avatar-private.h"

/* Formats imbot.register keeps: PHP getimagesize() sizes them and libmagic
 * reports an image MIME type.  SVG cannot be sized; TIFF and ICO are kept but no
 * browser shows them (bitrix24-imbot.md §1.8). */
static const char * const portal_formats[] = { "png", "jpeg", "gif", "webp", "bmp", NULL };

/* The loaders Botbench feeds, after reading them (gdk-pixbuf 2.42): each
 * either asks the size callback before it allocates for pixels, or has its
 * header checked here first.  Not fed: XBM (g_malloc()s width × height from
 * its #defines, which abort()s, and never asks the size), XPM (allocates
 * from its header without asking), ANI (decodes ICO frames with an inner
 * loader no check reaches), ICNS, QTIF, and any loader installed later. */
static const char * const decoded_formats[] = {
  "png", "jpeg", "gif", "webp", "bmp", "ico", "tga", "pnm", "tiff", "svg", NULL
};

/* Checked whole, before the loader sees a byte: their headers point
 * anywhere in the file (ICO directory, TIFF IFD, GIF frames). */
static const char * const whole_formats[] = { "gif", "ico", "tiff", NULL };

/* Decoding */

void
_botbench_avatar_decoder_clear (BotbenchAvatarDecoder *d)
{
  if (d->loader != NULL)
    {
      /* A loader must be closed before it goes away; errors no longer matter. */
      gdk_pixbuf_loader_close (d->loader, NULL);
      g_clear_object (&d->loader);
    }
  g_clear_pointer (&d->format, g_free);
  g_clear_pointer (&d->format_description, g_free);
  g_clear_pointer (&d->rows, g_free);
}

gboolean
_botbench_avatar_decoder_is_format (const BotbenchAvatarDecoder *d,
                                    const char                  *name)
{
  return d->format != NULL && g_strcmp0 (d->format, name) == 0;
}

/* The crop's side in source pixels, for the decode scale.  The orientation
 * is not known yet, so a rectangle is clipped both ways and the smaller
 * side wins (decoding a little larger than needed is harmless). */
static int
decoder_crop_side (const BotbenchAvatarDecoder *d,
                   int                          width,
                   int                          height)
{
  const BotbenchAvatarOptions *o = d->options;
  int side = MIN (width, height);

  if (o != NULL && o->use_crop_rect)
    {
      for (guint swap = 0; swap < 2; swap++)
        {
          int w = swap ? height : width;
          int h = swap ? width : height;
          int x0 = CLAMP (o->crop_x, 0, w);
          int y0 = CLAMP (o->crop_y, 0, h);
          int x1 = CLAMP ((gint64)o->crop_x + o->crop_width, 0, w);
          int y1 = CLAMP ((gint64)o->crop_y + o->crop_height, 0, h);
          int s = MIN (x1 - x0, y1 - y0);

          if (s > 0)
            side = MIN (side, s);
        }
    }

  return MAX (side, 1);
}

/* "PNG image", "JPEG image", …: gdk-pixbuf's descriptions vary in style. */
static void
decoder_take_format (BotbenchAvatarDecoder *d,
                     GdkPixbufFormat       *format)
{
  g_autofree char *upper = NULL;

  if (format == NULL || d->format != NULL)
    return;

  d->format = gdk_pixbuf_format_get_name (format);
  d->is_vector = gdk_pixbuf_format_is_scalable (format);
  if (g_str_equal (d->format, "webp"))
    upper = g_strdup ("WebP");
  else
    upper = g_ascii_strup (d->format, -1);
  /* Translators: %s is a format name such as PNG or JPEG */
  d->format_description = g_strdup_printf (_("%s image"), upper);
}

const char *
_botbench_avatar_decoder_describe (const BotbenchAvatarDecoder *d)
{
  return d->format_description != NULL ? d->format_description : _("image");
}

static void
decoder_size_prepared_cb (GdkPixbufLoader *loader,
                          int              width,
                          int              height,
                          gpointer         user_data)
{
  BotbenchAvatarDecoder *d = user_data;
  GdkPixbufFormat *format = gdk_pixbuf_loader_get_format (loader);
  double scale;

  d->width = width;
  d->height = height;
  decoder_take_format (d, format);

  if (width <= 0 || height <= 0)
    {
      d->bad_size = TRUE;
      gdk_pixbuf_loader_set_size (loader, 0, 0);
      return;
    }

  if (d->check && !d->is_vector &&
      (width > BOTBENCH_AVATAR_MAX_SIZE || height > BOTBENCH_AVATAR_MAX_SIZE))
    {
      d->too_large = TRUE;
      gdk_pixbuf_loader_set_size (loader, 0, 0);
      return;
    }

  if (d->check)
    scale = CHECK_SCALE;
  else if (d->options != NULL)
    scale = (double)d->out_size / decoder_crop_side (d, width, height);
  else
    scale = 0;

  if (d->is_vector)
    {
      /* Render at the target scale: sharp, and cheap whatever the SVG claims. */
      double s = scale > 0 ? scale : 1.0;
      double tw = ceil (width * s - 1e-6);
      double th = ceil (height * s - 1e-6);

      tw = MAX (tw, 1);
      th = MAX (th, 1);
      if (tw * th > BOTBENCH_AVATAR_MAX_PIXELS || tw > G_MAXINT || th > G_MAXINT)
        {
          d->too_large = TRUE;
          gdk_pixbuf_loader_set_size (loader, 0, 0);
          return;
        }
      if ((int)tw != width || (int)th != height)
        gdk_pixbuf_loader_set_size (loader, (int)tw, (int)th);
      return;
    }

  if ((guint64)width * (guint64)height > BOTBENCH_AVATAR_MAX_PIXELS)
    {
      d->too_large = TRUE;
      gdk_pixbuf_loader_set_size (loader, 0, 0);
      return;
    }

  if (scale > 0 && scale < 1 && _botbench_avatar_decoder_is_format (d, "jpeg"))
    {
      /* Ask for exactly what libjpeg produces at 1/d (it rounds up), so the
       * loader does not rescale it a second time. */
      double need_w = ceil (width * scale - 1e-6);
      double need_h = ceil (height * scale - 1e-6);

      for (int denom = 8; denom >= 2; denom /= 2)
        {
          int dw = (width + denom - 1) / denom;
          int dh = (height + denom - 1) / denom;

          if (dw >= need_w && dh >= need_h)
            {
              g_debug ("Decoding %d×%d JPEG at 1/%d: %d×%d", width, height, denom, dw, dh);
              gdk_pixbuf_loader_set_size (loader, dw, dh);
              break;
            }
        }
    }
}

static void
decoder_area_prepared_cb (GdkPixbufLoader *loader,
                          gpointer         user_data)
{
  BotbenchAvatarDecoder *d = user_data;
  GdkPixbuf *pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);

  if (pixbuf == NULL || d->prepared)
    return;

  d->prepared = TRUE;
  d->n_rows = gdk_pixbuf_get_height (pixbuf);
  d->rows_left = d->n_rows;
  d->rows = g_new0 (guint8, MAX (d->n_rows, 1));
}

static void
decoder_area_updated_cb (GdkPixbufLoader *loader,
                         int              x,
                         int              y,
                         int              width,
                         int              height,
                         gpointer         user_data)
{
  BotbenchAvatarDecoder *d = user_data;
  int first, last;

  if (d->rows == NULL || width <= 0 || height <= 0)
    return;

  first = MAX (y, 0);
  last = (int)MIN ((gint64)y + height, (gint64)d->n_rows);
  for (int i = first; i < last; i++)
    {
      if (!d->rows[i])
        {
          d->rows[i] = 1;
          d->rows_left--;
        }
    }
}

void
_botbench_avatar_decoder_init (BotbenchAvatarDecoder       *d,
                               const BotbenchAvatarOptions *options,
                               guint                        out_size,
                               gboolean                     check)
{
  memset (d, 0, sizeof *d);
  d->options = options;
  d->out_size = out_size;
  d->check = check;
}

static void
decoder_remember (BotbenchAvatarDecoder *d,
                  const guint8          *buf,
                  gsize                  len)
{
  if (d->head_len < HEAD_SIZE)
    {
      gsize n = MIN (len, HEAD_SIZE - d->head_len);

      memcpy (d->head + d->head_len, buf, n);
      d->head_len += n;
    }

  if (len >= TAIL_SIZE)
    {
      memcpy (d->tail, buf + len - TAIL_SIZE, TAIL_SIZE);
      d->tail_len = TAIL_SIZE;
    }
  else
    {
      gsize keep = MIN (d->tail_len, TAIL_SIZE - len);

      memmove (d->tail, d->tail + d->tail_len - keep, keep);
      memcpy (d->tail + keep, buf, len);
      d->tail_len = keep + len;
    }

  d->total += len;
}

static gboolean
tail_contains (const BotbenchAvatarDecoder *d,
               const guint8                *needle,
               gsize                        needle_len)
{
  if (d->tail_len < needle_len)
    return FALSE;

  for (gsize i = 0; i + needle_len <= d->tail_len; i++)
    if (memcmp (d->tail + i, needle, needle_len) == 0)
      return TRUE;

  return FALSE;
}

/* gdk-pixbuf returns a partly filled pixbuf for a cut-off PNG, JPEG, WebP
 * or BMP without complaint, so look for the end of the file ourselves. */
static gboolean
decoder_is_truncated (const BotbenchAvatarDecoder *d)
{
  if (_botbench_avatar_decoder_is_format (d, "png"))
    return !tail_contains (d, (const guint8 *)"IEND\xae\x42\x60\x82", 8);

  if (_botbench_avatar_decoder_is_format (d, "jpeg"))
    return !tail_contains (d, (const guint8 *)"\xff\xd9", 2);

  if (_botbench_avatar_decoder_is_format (d, "webp") && d->head_len >= 12 && memcmp (d->head, "RIFF", 4) == 0)
    {
      guint32 riff = (guint32)d->head[4] | (guint32)d->head[5] << 8 |
                     (guint32)d->head[6] << 16 | (guint32)d->head[7] << 24;

      return d->total < (guint64)riff + 8;
    }

  if ((_botbench_avatar_decoder_is_format (d, "png") || _botbench_avatar_decoder_is_format (d, "bmp") || _botbench_avatar_decoder_is_format (d, "ico")) &&
      d->prepared && d->rows_left > 0)
    return TRUE;

  return FALSE;
}

static void
set_not_an_image (const BotbenchAvatarDecoder  *d,
                  const char                   *name,
                  GError                      **error)
{
  g_autofree char *type = g_content_type_guess (NULL, d->head, d->head_len, NULL);
  g_autofree char *mime = g_content_type_get_mime_type (type);
  g_autofree char *description = g_content_type_get_description (type);

  if (mime != NULL && g_str_has_prefix (mime, "image/"))
    g_set_error (error, BOTBENCH_AVATAR_ERROR, BOTBENCH_AVATAR_ERROR_UNSUPPORTED_FORMAT,
                 /* Translators: the second %s is a file type such as "HEIF image" */
                 _("“%s” is a %s, which this system cannot read; save it as PNG or JPEG first"),
                 name, description);
  else if (g_content_type_is_unknown (type))
    g_set_error (error, BOTBENCH_AVATAR_ERROR, BOTBENCH_AVATAR_ERROR_NOT_AN_IMAGE,
                 _("“%s” is not an image: its contents match no known file type"), name);
  else
    g_set_error (error, BOTBENCH_AVATAR_ERROR, BOTBENCH_AVATAR_ERROR_NOT_AN_IMAGE,
                 /* Translators: the second %s is a file type such as "plain text document" */
                 _("“%s” is not an image (file type: %s)"), name, description);
}

void
_botbench_avatar_decoder_set_error (const BotbenchAvatarDecoder  *d,
                                    const char                   *name,
                                    const GError                 *pixbuf_error,
                                    GError                      **error)
{
  const char *why = pixbuf_error != NULL ? pixbuf_error->message : _("unknown error");

  if (d->too_large && d->check)
    g_set_error (error, BOTBENCH_AVATAR_ERROR, BOTBENCH_AVATAR_ERROR_TOO_LARGE,
                 _("%s is %d × %d pixels; the portal drops avatars over %d × %d"),
                 name, d->width, d->height, BOTBENCH_AVATAR_MAX_SIZE, BOTBENCH_AVATAR_MAX_SIZE);
  else if (d->too_large)
    g_set_error (error, BOTBENCH_AVATAR_ERROR, BOTBENCH_AVATAR_ERROR_TOO_LARGE,
                 g_dngettext (GETTEXT_PACKAGE, "“%s” is %d × %d pixels; images over %d megapixel are refused",
                              "“%s” is %d × %d pixels; images over %d megapixels are refused",
                              BOTBENCH_AVATAR_MAX_PIXELS / 1000000),
                 name, d->width, d->height, BOTBENCH_AVATAR_MAX_PIXELS / 1000000);
  else if (d->bad_size)
    g_set_error (error, BOTBENCH_AVATAR_ERROR, BOTBENCH_AVATAR_ERROR_CORRUPT,
                 _("“%s” is damaged: its header gives a size of %d × %d pixels"),
                 name, d->width, d->height);
  else if (d->format == NULL &&
           (pixbuf_error == NULL ||
            g_error_matches (pixbuf_error, GDK_PIXBUF_ERROR, GDK_PIXBUF_ERROR_UNKNOWN_TYPE)))
    set_not_an_image (d, name, error);
  else if (g_error_matches (pixbuf_error, GDK_PIXBUF_ERROR, GDK_PIXBUF_ERROR_INSUFFICIENT_MEMORY))
    g_set_error (error, BOTBENCH_AVATAR_ERROR, BOTBENCH_AVATAR_ERROR_TOO_LARGE,
                 _("“%s” needs more memory than is available: %s"), name, why);
  else if (g_error_matches (pixbuf_error, GDK_PIXBUF_ERROR, GDK_PIXBUF_ERROR_UNKNOWN_TYPE) ||
           g_error_matches (pixbuf_error, GDK_PIXBUF_ERROR, GDK_PIXBUF_ERROR_UNSUPPORTED_OPERATION))
    g_set_error (error, BOTBENCH_AVATAR_ERROR, BOTBENCH_AVATAR_ERROR_UNSUPPORTED_FORMAT,
                 _("“%s” uses a kind of %s this system cannot read: %s"),
                 name, _botbench_avatar_decoder_describe (d), why);
  else
    g_set_error (error, BOTBENCH_AVATAR_ERROR, BOTBENCH_AVATAR_ERROR_CORRUPT,
                 /* Translators: "“photo.png” is a damaged PNG image: <reason from gdk-pixbuf>" */
                 _("“%s” is a damaged %s: %s"), name,
                 _botbench_avatar_decoder_describe (d), why);
}

/* Reading */

/* The module gdk-pixbuf's own loader would pick for these first bytes:
 * the content type shared-mime-info guesses, matched against each loader's
 * MIME types in gdk-pixbuf's order.  Borrowed, or NULL. */
static GdkPixbufFormat *
sniff_format (const guint8 *head,
              gsize         len)
{
  g_autofree char *type = g_content_type_guess (NULL, head, MIN (len, SNIFF_SIZE), NULL);
  GSList *formats = g_slist_reverse (gdk_pixbuf_get_formats ());
  GdkPixbufFormat *found = NULL;

  for (const GSList *l = formats; l != NULL && found == NULL; l = l->next)
    {
      g_auto(GStrv) mime_types = NULL;

      if (gdk_pixbuf_format_is_disabled (l->data))
        continue;

      mime_types = gdk_pixbuf_format_get_mime_types (l->data);
      for (guint i = 0; mime_types != NULL && mime_types[i] != NULL; i++)
        {
          g_autofree char *candidate = g_content_type_from_mime_type (mime_types[i]);

          if (candidate != NULL && g_content_type_equals (candidate, type))
            {
              found = l->data;
              break;
            }
        }
    }

  g_slist_free (formats);
  return found;
}

/* Picks the format and refuses what is not decoded here; then the loader,
 * made for that format only, so the checked header is what it reads. */
static gboolean
decoder_choose_format (BotbenchAvatarDecoder  *d,
                       const guint8           *head,
                       gsize                   len,
                       const char             *name,
                       GError                **error)
{
  GdkPixbufFormat *format = sniff_format (head, len);
  g_autoptr(GError) local_error = NULL;

  if (format == NULL)
    {
      set_not_an_image (d, name, error);
      return FALSE;
    }

  decoder_take_format (d, format);

  if (d->check && !g_strv_contains (portal_formats, d->format))
    {
      if (g_str_equal (d->format, "svg"))
        g_set_error (error, BOTBENCH_AVATAR_ERROR, BOTBENCH_AVATAR_ERROR_UNSUPPORTED_FORMAT,
                     _("%s is an SVG image; the portal cannot size SVG and "
                       "silently drops it. Send PNG or JPEG"), name);
      else
        g_set_error (error, BOTBENCH_AVATAR_ERROR, BOTBENCH_AVATAR_ERROR_UNSUPPORTED_FORMAT,
                     _("%s is a %s; the portal keeps only PNG, JPEG, GIF, "
                       "WebP and BMP avatars reliably. Send PNG or JPEG"),
                     name, _botbench_avatar_decoder_describe (d));
      return FALSE;
    }

  if (!g_strv_contains (decoded_formats, d->format))
    {
      g_set_error (error, BOTBENCH_AVATAR_ERROR, BOTBENCH_AVATAR_ERROR_UNSUPPORTED_FORMAT,
                   /* Translators: the second %s is a file type such as "XBM image" */
                   _("“%s” is a %s, which Botbench does not read for an avatar; save it as PNG or JPEG first"),
                   name, _botbench_avatar_decoder_describe (d));
      return FALSE;
    }

  d->loader = gdk_pixbuf_loader_new_with_type (d->format, &local_error);
  if (d->loader == NULL)
    {
      g_set_error (error, BOTBENCH_AVATAR_ERROR, BOTBENCH_AVATAR_ERROR_UNSUPPORTED_FORMAT,
                   _("“%s” uses a kind of %s this system cannot read: %s"),
                   name, _botbench_avatar_decoder_describe (d), local_error->message);
      return FALSE;
    }

  g_signal_connect (d->loader, "size-prepared", G_CALLBACK (decoder_size_prepared_cb), d);
  g_signal_connect (d->loader, "area-prepared", G_CALLBACK (decoder_area_prepared_cb), d);
  g_signal_connect (d->loader, "area-updated", G_CALLBACK (decoder_area_updated_cb), d);
  return TRUE;
}

/* One read: 0 at the end, -1 with the error set. */
static gssize
decoder_read (BotbenchAvatarDecoder  *d,
              GInputStream           *stream,
              guint8                 *buf,
              const char             *name,
              GCancellable           *cancellable,
              GError                **error)
{
  g_autoptr(GError) local_error = NULL;
  gssize n = g_input_stream_read (stream, buf, READ_CHUNK, cancellable, &local_error);

  if (n < 0)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, BOTBENCH_AVATAR_ERROR, BOTBENCH_AVATAR_ERROR_IO,
                     _("Could not read “%s”: %s"), name, local_error->message);
      return -1;
    }

  decoder_remember (d, buf, n);
  if (d->total > BOTBENCH_AVATAR_MAX_FILE_SIZE)
    {
      g_set_error (error, BOTBENCH_AVATAR_ERROR, BOTBENCH_AVATAR_ERROR_TOO_LARGE,
                   _("“%s” is larger than %d MB; pick a smaller picture"),
                   name, BOTBENCH_AVATAR_MAX_FILE_SIZE / (1024 * 1024));
      return -1;
    }

  return n;
}

/* Feeds the stream to the loader and returns the decoded (unrotated)
 * pixbuf, or NULL with a BOTBENCH_AVATAR_ERROR (or G_IO_ERROR_CANCELLED). */
GdkPixbuf *
_botbench_avatar_decoder_run (BotbenchAvatarDecoder  *d,
                              GInputStream           *stream,
                              const char             *name,
                              GCancellable           *cancellable,
                              GError                **error)
{
  g_autofree guint8 *buf = g_malloc (READ_CHUNK);
  g_autoptr(GByteArray) held = g_byte_array_new ();   /* read, not yet written */
  g_autoptr(GError) pixbuf_error = NULL;
  GdkPixbuf *pixbuf;
  gboolean failed = FALSE;
  gboolean eof = FALSE;
  gboolean whole;
  BotbenchAvatarHeaderCheck header;
  gssize n;

  /* The first bytes: what the format is sniffed from. */
  while (!eof && held->len < SNIFF_SIZE)
    {
      if ((n = decoder_read (d, stream, buf, name, cancellable, error)) < 0)
        return NULL;
      eof = n == 0;
      g_byte_array_append (held, buf, n);
    }

  if (d->total == 0)
    {
      g_set_error (error, BOTBENCH_AVATAR_ERROR, BOTBENCH_AVATAR_ERROR_EMPTY,
                   _("“%s” is empty (0 bytes)"), name);
      return NULL;
    }

  if (!decoder_choose_format (d, held->data, held->len, name, error))
    return NULL;

  /* Whole-file formats are read to the end first; the others until their
   * header is complete. */
  whole = g_strv_contains (whole_formats, d->format);
  for (;;)
    {
      if (!whole || eof)
        {
          header = _botbench_avatar_decoder_check_header (d, held->data, held->len, eof, name, error);
          if (header == BOTBENCH_AVATAR_HEADER_REFUSED)
            return NULL;
          if (header == BOTBENCH_AVATAR_HEADER_OK)
            break;
          if (held->len >= MAX_HEADER)
            {
              _botbench_avatar_header_corrupt (d, name, _("its header is too long"), error);
              return NULL;
            }
        }

      if ((n = decoder_read (d, stream, buf, name, cancellable, error)) < 0)
        return NULL;
      eof = n == 0;
      g_byte_array_append (held, buf, n);
    }

  if (!gdk_pixbuf_loader_write (d->loader, held->data, held->len, &pixbuf_error))
    failed = TRUE;
  g_clear_pointer (&held, g_byte_array_unref);

  /* Stop at once: some loaders ignore the 0×0 request and go on. */
  while (!eof && !failed && !d->too_large && !d->bad_size)
    {
      if ((n = decoder_read (d, stream, buf, name, cancellable, error)) < 0)
        return NULL;
      eof = n == 0;
      if (n > 0 && !gdk_pixbuf_loader_write (d->loader, buf, n, &pixbuf_error))
        failed = TRUE;
    }

  if (!failed && !d->too_large && !d->bad_size &&
      !gdk_pixbuf_loader_close (d->loader, &pixbuf_error))
    failed = TRUE;

  decoder_take_format (d, gdk_pixbuf_loader_get_format (d->loader));

  if (failed || d->too_large || d->bad_size)
    {
      _botbench_avatar_decoder_set_error (d, name, pixbuf_error, error);
      return NULL;
    }

  pixbuf = gdk_pixbuf_loader_get_pixbuf (d->loader);
  if (pixbuf == NULL)
    {
      g_set_error (error, BOTBENCH_AVATAR_ERROR, BOTBENCH_AVATAR_ERROR_CORRUPT,
                   _("“%s” is a damaged %s: it ends before any picture"),
                   name, _botbench_avatar_decoder_describe (d));
      return NULL;
    }

  if (decoder_is_truncated (d))
    {
      g_set_error (error, BOTBENCH_AVATAR_ERROR, BOTBENCH_AVATAR_ERROR_CORRUPT,
                   _("“%s” is a damaged %s: the file ends early (it was cut off)"),
                   name, _botbench_avatar_decoder_describe (d));
      return NULL;
    }

  if (d->width <= 0 || d->height <= 0)
    {
      /* A loader that never asked for the size. */
      d->width = gdk_pixbuf_get_width (pixbuf);
      d->height = gdk_pixbuf_get_height (pixbuf);
    }

  return g_object_ref (pixbuf);
}
