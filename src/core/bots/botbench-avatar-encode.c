/* botbench-avatar-encode.c: decode, crop, scale and encode an avatar
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The EXIF orientation applied, the square placed in source coordinates
 * (centred, by focus, or an explicit rectangle) and mapped onto the
 * decoded pixbuf, one scale, then PNG or JPEG: transparency kept in PNG,
 * and for "auto" the smaller of the two.
 */
#define G_LOG_DOMAIN "botbench-avatar"

#include "config.h"

#include <math.h>
#include <stdlib.h>

#include <glib/gi18n-lib.h>

#include "botbench-avatar-private.h"

/* Pixels */

static gboolean
pixbuf_is_transparent (GdkPixbuf *pixbuf)
{
  const guint8 *pixels;
  int width, height, rowstride;

  if (!gdk_pixbuf_get_has_alpha (pixbuf) || gdk_pixbuf_get_n_channels (pixbuf) != 4)
    return FALSE;

  pixels = gdk_pixbuf_read_pixels (pixbuf);
  width = gdk_pixbuf_get_width (pixbuf);
  height = gdk_pixbuf_get_height (pixbuf);
  rowstride = gdk_pixbuf_get_rowstride (pixbuf);

  for (int y = 0; y < height; y++)
    {
      const guint8 *p = pixels + (gsize)y * rowstride;

      for (int x = 0; x < width; x++)
        if (p[x * 4 + 3] != 0xff)
          return TRUE;
    }

  return FALSE;
}

/* An RGB copy, transparent parts laid on white (exact for opaque pixels). */
static GdkPixbuf *
pixbuf_flatten (GdkPixbuf *pixbuf)
{
  int width = gdk_pixbuf_get_width (pixbuf);
  int height = gdk_pixbuf_get_height (pixbuf);
  GdkPixbuf *rgb;

  if (!gdk_pixbuf_get_has_alpha (pixbuf))
    return g_object_ref (pixbuf);

  rgb = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  if (rgb == NULL)
    return NULL;
  gdk_pixbuf_fill (rgb, 0xffffffff);
  gdk_pixbuf_composite (pixbuf, rgb, 0, 0, width, height, 0, 0, 1, 1, GDK_INTERP_NEAREST, 255);

  return rgb;
}

static GBytes *
pixbuf_encode (GdkPixbuf             *pixbuf,
               BotbenchAvatarFormat   format,
               guint                  quality,
               GError               **error)
{
  g_autofree char *quality_str = g_strdup_printf ("%u", quality);
  g_autoptr(GError) local_error = NULL;
  char *buffer = NULL;
  gsize len = 0;
  gboolean ok;

  if (format == BOTBENCH_AVATAR_FORMAT_JPEG)
    ok = gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &len, "jpeg", &local_error,
                                    "quality", quality_str, NULL);
  else
    ok = gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &len, "png", &local_error, NULL);

  if (!ok)
    {
      g_set_error (error, BOTBENCH_AVATAR_ERROR, BOTBENCH_AVATAR_ERROR_IO,
                   _("Could not encode the avatar as %s: %s"),
                   format == BOTBENCH_AVATAR_FORMAT_JPEG ? "JPEG" : "PNG", local_error->message);
      return NULL;
    }

  return g_bytes_new_take (buffer, len);
}

/* zlib level 6 costs 8× level 1 on photo-like pixels for ~15% less; on
 * graphics it is cheap and saves more.  So: level 1 first, and level 6 only
 * when that came out under one byte per pixel. */
static GBytes *
pixbuf_encode_png (GdkPixbuf  *pixbuf,
                   GError    **error)
{
  g_autoptr(GError) local_error = NULL;
  char *buffer = NULL;
  gsize len = 0;
  gsize n_pixels = (gsize)gdk_pixbuf_get_width (pixbuf) * gdk_pixbuf_get_height (pixbuf);

  if (!gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &len, "png", &local_error,
                                  "compression", "1", NULL))
    {
      g_set_error (error, BOTBENCH_AVATAR_ERROR, BOTBENCH_AVATAR_ERROR_IO,
                   _("Could not encode the avatar as %s: %s"), "PNG", local_error->message);
      return NULL;
    }

  if (len >= n_pixels)
    return g_bytes_new_take (buffer, len);

  g_free (buffer);
  return pixbuf_encode (pixbuf, BOTBENCH_AVATAR_FORMAT_PNG, 0, error);
}

BotbenchAvatar *
_botbench_avatar_encode_stream (GInputStream                 *stream,
                                const char                   *name,
                                const BotbenchAvatarOptions  *options,
                                GCancellable                 *cancellable,
                                GError                      **error)
{
  BotbenchAvatarOptions defaults;
  g_autoptr(BotbenchAvatar) self = NULL;
  g_autoptr(GdkPixbuf) decoded = NULL;
  g_autoptr(GdkPixbuf) oriented = NULL;
  g_autoptr(GdkPixbuf) sub = NULL;
  g_autoptr(GdkPixbuf) square = NULL;
  g_autoptr(GdkPixbuf) rgb = NULL;
  g_autoptr(GBytes) png = NULL;
  g_autoptr(GBytes) jpeg = NULL;
  const char *orientation;
  BotbenchAvatarDecoder d;
  guint size, quality;
  int src_w, src_h, pw, ph;
  int cx, cy, side;
  double rx, ry;
  int px0, py0, px1, py1;
  gboolean transparent;

  if (options == NULL)
    {
      botbench_avatar_options_init (&defaults);
      options = &defaults;
    }
  size = botbench_avatar_clamp_size (options->size);
  quality = options->jpeg_quality == 0 ? BOTBENCH_AVATAR_DEFAULT_JPEG_QUALITY
                                       : CLAMP (options->jpeg_quality, 1, 100);

  _botbench_avatar_decoder_init (&d, options, size, FALSE);
  decoded = _botbench_avatar_decoder_run (&d, stream, name, cancellable, error);
  if (decoded == NULL)
    {
      _botbench_avatar_decoder_clear (&d);
      return NULL;
    }

  /* Source size after orientation (5–8 swap the axes). */
  orientation = gdk_pixbuf_get_option (decoded, "orientation");
  if (orientation != NULL && atoi (orientation) >= 5 && atoi (orientation) <= 8)
    {
      src_w = d.height;
      src_h = d.width;
    }
  else
    {
      src_w = d.width;
      src_h = d.height;
    }

  oriented = gdk_pixbuf_apply_embedded_orientation (decoded);
  if (oriented == NULL)
    {
      g_set_error (error, BOTBENCH_AVATAR_ERROR, BOTBENCH_AVATAR_ERROR_TOO_LARGE,
                   _("Not enough memory to rotate “%s”"), name);
      _botbench_avatar_decoder_clear (&d);
      return NULL;
    }
  pw = gdk_pixbuf_get_width (oriented);
  ph = gdk_pixbuf_get_height (oriented);

  /* The square, in source pixels. */
  if (options->use_crop_rect)
    {
      gint64 x0 = CLAMP ((gint64)options->crop_x, 0, src_w);
      gint64 y0 = CLAMP ((gint64)options->crop_y, 0, src_h);
      gint64 x1 = CLAMP ((gint64)options->crop_x + options->crop_width, 0, src_w);
      gint64 y1 = CLAMP ((gint64)options->crop_y + options->crop_height, 0, src_h);

      if (x1 - x0 <= 0 || y1 - y0 <= 0)
        {
          g_set_error (error, BOTBENCH_AVATAR_ERROR, BOTBENCH_AVATAR_ERROR_INVALID_CROP,
                       _("The crop %d × %d at (%d, %d) lies outside “%s” (%d × %d pixels)"),
                       options->crop_width, options->crop_height, options->crop_x,
                       options->crop_y, name, src_w, src_h);
          _botbench_avatar_decoder_clear (&d);
          return NULL;
        }
      side = (int)MIN (x1 - x0, y1 - y0);
      cx = (int)(x0 + (x1 - x0 - side) / 2);
      cy = (int)(y0 + (y1 - y0 - side) / 2);
    }
  else
    {
      double fx = isfinite (options->focus_x) ? CLAMP (options->focus_x, 0.0, 1.0) : 0.5;
      double fy = isfinite (options->focus_y) ? CLAMP (options->focus_y, 0.0, 1.0) : 0.5;

      side = MIN (src_w, src_h);
      cx = (int)floor ((src_w - side) * fx + 0.5);
      cy = (int)floor ((src_h - side) * fy + 0.5);
    }

  /* …mapped onto the (possibly smaller) decoded pixbuf. */
  rx = (double)pw / src_w;
  ry = (double)ph / src_h;
  px0 = CLAMP ((int)floor (cx * rx + 0.5), 0, pw - 1);
  py0 = CLAMP ((int)floor (cy * ry + 0.5), 0, ph - 1);
  px1 = CLAMP ((int)floor ((cx + side) * rx + 0.5), px0 + 1, pw);
  py1 = CLAMP ((int)floor ((cy + side) * ry + 0.5), py0 + 1, ph);

  g_debug ("%s: %s %d×%d, decoded %d×%d, square %d at (%d, %d) → %u px",
           name, d.format, src_w, src_h, pw, ph, side, cx, cy, size);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      _botbench_avatar_decoder_clear (&d);
      return NULL;
    }

  sub = gdk_pixbuf_new_subpixbuf (oriented, px0, py0, px1 - px0, py1 - py0);
  if (px1 - px0 == (int)size && py1 - py0 == (int)size)
    square = gdk_pixbuf_copy (sub);
  else
    square = gdk_pixbuf_scale_simple (sub, size, size, GDK_INTERP_BILINEAR);
  if (square == NULL)
    {
      g_set_error (error, BOTBENCH_AVATAR_ERROR, BOTBENCH_AVATAR_ERROR_TOO_LARGE,
                   g_dngettext (GETTEXT_PACKAGE, "Not enough memory to scale “%s” to %u pixel",
                                "Not enough memory to scale “%s” to %u pixels", size), name, size);
      _botbench_avatar_decoder_clear (&d);
      return NULL;
    }

  self = g_object_new (BOTBENCH_TYPE_AVATAR, NULL);
  self->source_width = src_w;
  self->source_height = src_h;
  self->crop_x = cx;
  self->crop_y = cy;
  self->crop_side = side;
  self->source_format = g_steal_pointer (&d.format);
  _botbench_avatar_decoder_clear (&d);

  transparent = pixbuf_is_transparent (square);
  if (!transparent || options->format == BOTBENCH_AVATAR_FORMAT_JPEG)
    {
      rgb = pixbuf_flatten (square);
      if (rgb == NULL)
        {
          g_set_error (error, BOTBENCH_AVATAR_ERROR, BOTBENCH_AVATAR_ERROR_TOO_LARGE,
                       _("Not enough memory for a %u pixel avatar"), size);
          return NULL;
        }
    }

  switch (options->format)
    {
    case BOTBENCH_AVATAR_FORMAT_JPEG:
      if (!(jpeg = pixbuf_encode (rgb, BOTBENCH_AVATAR_FORMAT_JPEG, quality, error)))
        return NULL;
      self->format = BOTBENCH_AVATAR_FORMAT_JPEG;
      self->bytes = g_steal_pointer (&jpeg);
      self->pixbuf = g_steal_pointer (&rgb);
      break;

    case BOTBENCH_AVATAR_FORMAT_PNG:
      if (!(png = pixbuf_encode_png (transparent ? square : rgb, error)))
        return NULL;
      self->format = BOTBENCH_AVATAR_FORMAT_PNG;
      self->bytes = g_steal_pointer (&png);
      self->pixbuf = transparent ? g_steal_pointer (&square) : g_steal_pointer (&rgb);
      break;

    case BOTBENCH_AVATAR_FORMAT_AUTO:
    default:
      /* JPEG cannot keep transparency; otherwise the smaller file wins. */
      if (!(png = pixbuf_encode_png (transparent ? square : rgb, error)))
        return NULL;
      if (!transparent &&
          !(jpeg = pixbuf_encode (rgb, BOTBENCH_AVATAR_FORMAT_JPEG, quality, error)))
        return NULL;

      if (jpeg != NULL && g_bytes_get_size (jpeg) < g_bytes_get_size (png))
        {
          self->format = BOTBENCH_AVATAR_FORMAT_JPEG;
          self->bytes = g_steal_pointer (&jpeg);
        }
      else
        {
          self->format = BOTBENCH_AVATAR_FORMAT_PNG;
          self->bytes = g_steal_pointer (&png);
        }
      self->pixbuf = transparent ? g_steal_pointer (&square) : g_steal_pointer (&rgb);
      break;
    }

  self->base64 = g_base64_encode (g_bytes_get_data (self->bytes, NULL),
                                  g_bytes_get_size (self->bytes));

  g_debug ("%s: %u px %s, %" G_GSIZE_FORMAT " bytes", name, size,
           botbench_avatar_format_to_string (self->format), g_bytes_get_size (self->bytes));

  return g_steal_pointer (&self);
}
