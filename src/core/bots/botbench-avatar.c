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
 */
#define G_LOG_DOMAIN "botbench-avatar"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "botbench-avatar.h"

struct _BotbenchAvatar
{
  GObject               parent_instance;

  char                 *base64;
  GBytes               *bytes;
  BotbenchAvatarFormat  format;
  GdkPixbuf            *pixbuf;
  guint                 source_width;
  guint                 source_height;
  int                   crop_x;
  int                   crop_y;
  int                   crop_side;
  char                 *source_format;
};

G_DEFINE_FINAL_TYPE (BotbenchAvatar, botbench_avatar, G_TYPE_OBJECT)

G_DEFINE_BOXED_TYPE (BotbenchAvatarOptions, botbench_avatar_options,
                     botbench_avatar_options_copy, botbench_avatar_options_free)

G_DEFINE_QUARK (botbench-avatar-error-quark, botbench_avatar_error)

#define READ_CHUNK     (64 * 1024)
#define HEAD_SIZE      64
#define TAIL_SIZE      64
/* What gdk-pixbuf's loader sniffs the format from (SNIFF_BUFFER_SIZE). */
#define SNIFF_SIZE     4096
/* A header that goes on longer than this (PNM comments) is refused. */
#define MAX_HEADER     (64 * 1024)
/* check_base64 wants to know that the image decodes, not to see it. */
#define CHECK_SCALE    1e-6

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

typedef struct
{
  GdkPixbufLoader             *loader;
  const BotbenchAvatarOptions *options;   /* NULL: full size */
  guint                        out_size;
  gboolean                     check;     /* check_base64: smallest decode, 5000 px limit */

  /* from size-prepared */
  int                          width;
  int                          height;
  char                        *format;
  char                        *format_description;
  gboolean                     is_vector;
  gboolean                     too_large;
  gboolean                     bad_size;

  /* completeness */
  gboolean                     prepared;
  guint8                      *rows;
  int                          n_rows;
  int                          rows_left;

  guint8                       head[HEAD_SIZE];
  gsize                        head_len;
  guint8                       tail[TAIL_SIZE];
  gsize                        tail_len;
  guint64                      total;
} Decoder;

static void
decoder_clear (Decoder *d)
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

static gboolean
format_is (const Decoder *d,
           const char    *name)
{
  return d->format != NULL && g_strcmp0 (d->format, name) == 0;
}

/* The crop's side in source pixels, for the decode scale.  The orientation
 * is not known yet, so a rectangle is clipped both ways and the smaller
 * side wins (decoding a little larger than needed is harmless). */
static int
decoder_crop_side (const Decoder *d,
                   int            width,
                   int            height)
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
decoder_take_format (Decoder         *d,
                     GdkPixbufFormat *format)
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

static const char *
decoder_describe (const Decoder *d)
{
  return d->format_description != NULL ? d->format_description : _("image");
}

static void
decoder_size_prepared_cb (GdkPixbufLoader *loader,
                          int              width,
                          int              height,
                          gpointer         user_data)
{
  Decoder *d = user_data;
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

  if (scale > 0 && scale < 1 && format_is (d, "jpeg"))
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
  Decoder *d = user_data;
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
  Decoder *d = user_data;
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

static void
decoder_init (Decoder                     *d,
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
decoder_remember (Decoder      *d,
                  const guint8 *buf,
                  gsize         len)
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
tail_contains (const Decoder *d,
               const guint8  *needle,
               gsize          needle_len)
{
  if (d->tail_len < needle_len)
    return FALSE;

  for (gsize i = 0; i + needle_len <= d->tail_len; i++)
    if (memcmp (d->tail + i, needle, needle_len) == 0)
      return TRUE;

  return FALSE;
}

/* Skips data sub-blocks up to and including the empty one that ends
 * them; FALSE if the file ends first. */
static gboolean
gif_skip_sub_blocks (const guint8 *p,
                     gsize         len,
                     gsize        *o)
{
  while (*o < len)
    {
      guint8 n = p[(*o)++];

      if (n == 0)
        return TRUE;
      *o += n;
    }

  return FALSE;
}

/* gdk-pixbuf's GIF loader (io-gif.c, 2.42) trips over its own assertions
 * (criticals, fatal under G_DEBUG=fatal-criticals): gif_get_lzw() passes
 * each frame's size to gdk_pixbuf_calculate_rowstride(), which wants it
 * above zero, and the frames are later composited with
 * gdk_pixbuf_copy_area() and memset() at their offsets, which must lie on
 * the screen.  So walk the blocks first, the way its state machine does,
 * so that every frame it decodes is one seen here:
 *  - between blocks, a byte other than ',', '!' and ';' is skipped, not an
 *    error (gif_get_next_step());
 *  - a Graphic Control (0xf9) or Application (0xff) extension's first
 *    sub-block is read even when its count is 0; the sub-blocks up to an
 *    empty one come after it (gif_get_extension());
 *  - a frame without a colour map, or with an LZW code size of 12 or more,
 *    ends the decoding with an error: nothing after it is decoded.
 * Anything else (truncation, bad LZW data) is left to the loader. */
static const char *
gif_check_frames (const guint8 *p,
                  gsize         len)
{
  guint sw, sh;
  gboolean global_map;
  gsize o = 13;

  if (len < 13)
    return NULL;

  sw = p[6] | p[7] << 8;
  sh = p[8] | p[9] << 8;
  if (sw == 0 || sh == 0)
    return _("its screen size is zero");
  global_map = (p[10] & 0x80) != 0;
  if (global_map)
    o += 3u * (1u << ((p[10] & 7) + 1));

  while (o < len)
    {
      guint8 block = p[o++];

      if (block == ';')
        break;
      else if (block == '!')
        {
          guint8 label;

          if (o >= len)
            break;
          label = p[o++];
          if ((label == 0xf9 || label == 0xff) && o < len)
            o += 1 + p[o];
          if (!gif_skip_sub_blocks (p, len, &o))
            break;
        }
      else if (block == ',')
        {
          guint x, y, w, h;
          guint8 flags;

          if (o + 9 > len)
            break;
          x = p[o] | p[o + 1] << 8;
          y = p[o + 2] | p[o + 3] << 8;
          w = p[o + 4] | p[o + 5] << 8;
          h = p[o + 6] | p[o + 7] << 8;
          flags = p[o + 8];
          o += 9;
          if (w == 0 || h == 0)
            return _("one of its frames is empty");
          if (x + w > sw || y + h > sh)
            return _("one of its frames reaches outside the picture");
          if (flags & 0x80)
            o += 3u * (1u << ((flags & 7) + 1));
          else if (!global_map)
            break;
          if (o >= len || p[o++] >= 12)
            break;
          if (!gif_skip_sub_blocks (p, len, &o))
            break;
        }
    }

  return NULL;
}

/* gdk-pixbuf returns a partly filled pixbuf for a cut-off PNG, JPEG, WebP
 * or BMP without complaint, so look for the end of the file ourselves. */
static gboolean
decoder_is_truncated (const Decoder *d)
{
  if (format_is (d, "png"))
    return !tail_contains (d, (const guint8 *)"IEND\xae\x42\x60\x82", 8);

  if (format_is (d, "jpeg"))
    return !tail_contains (d, (const guint8 *)"\xff\xd9", 2);

  if (format_is (d, "webp") && d->head_len >= 12 && memcmp (d->head, "RIFF", 4) == 0)
    {
      guint32 riff = (guint32)d->head[4] | (guint32)d->head[5] << 8 |
                     (guint32)d->head[6] << 16 | (guint32)d->head[7] << 24;

      return d->total < (guint64)riff + 8;
    }

  if ((format_is (d, "png") || format_is (d, "bmp") || format_is (d, "ico")) &&
      d->prepared && d->rows_left > 0)
    return TRUE;

  return FALSE;
}

static void
set_not_an_image (const Decoder  *d,
                  const char     *name,
                  GError        **error)
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

static void
decoder_set_error (const Decoder  *d,
                   const char     *name,
                   const GError   *pixbuf_error,
                   GError        **error)
{
  const char *why = pixbuf_error != NULL ? pixbuf_error->message : _("unknown error");

  if (d->too_large && d->check)
    g_set_error (error, BOTBENCH_AVATAR_ERROR, BOTBENCH_AVATAR_ERROR_TOO_LARGE,
                 _("%s is %d × %d pixels; the portal drops avatars over %d × %d"),
                 name, d->width, d->height, BOTBENCH_AVATAR_MAX_SIZE, BOTBENCH_AVATAR_MAX_SIZE);
  else if (d->too_large)
    g_set_error (error, BOTBENCH_AVATAR_ERROR, BOTBENCH_AVATAR_ERROR_TOO_LARGE,
                 _("“%s” is %d × %d pixels; images over %d megapixels are refused"),
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
                 name, decoder_describe (d), why);
  else
    g_set_error (error, BOTBENCH_AVATAR_ERROR, BOTBENCH_AVATAR_ERROR_CORRUPT,
                 /* Translators: "“photo.png” is a damaged PNG image: <reason from gdk-pixbuf>" */
                 _("“%s” is a damaged %s: %s"), name,
                 decoder_describe (d), why);
}

/* Header checks */

typedef enum
{
  HEADER_OK,
  HEADER_NEED_MORE,   /* not all of the header is here yet */
  HEADER_REFUSED,     /* error set */
} HeaderCheck;

static guint32
le16 (const guint8 *p)
{
  return (guint32)p[0] | (guint32)p[1] << 8;
}

static guint32
le32 (const guint8 *p)
{
  return (guint32)p[0] | (guint32)p[1] << 8 | (guint32)p[2] << 16 | (guint32)p[3] << 24;
}

static guint32
be32 (const guint8 *p)
{
  return (guint32)p[0] << 24 | (guint32)p[1] << 16 | (guint32)p[2] << 8 | (guint32)p[3];
}

static HeaderCheck
header_corrupt (const Decoder  *d,
                const char     *name,
                const char     *why,
                GError        **error)
{
  g_set_error (error, BOTBENCH_AVATAR_ERROR, BOTBENCH_AVATAR_ERROR_CORRUPT,
               /* Translators: "“a.bmp” is a damaged BMP image: its header size is 4294967280 bytes" */
               _("“%s” is a damaged %s: %s"), name, decoder_describe (d), why);
  return HEADER_REFUSED;
}

/* The limits size-prepared applies, applied to what the header says. */
static HeaderCheck
header_check_size (Decoder     *d,
                   guint64      width,
                   guint64      height,
                   const char  *name,
                   GError     **error)
{
  d->width = (int)MIN (width, (guint64)G_MAXINT);
  d->height = (int)MIN (height, (guint64)G_MAXINT);

  if (d->check)
    d->too_large = width > BOTBENCH_AVATAR_MAX_SIZE || height > BOTBENCH_AVATAR_MAX_SIZE;
  else
    d->too_large = width > G_MAXINT || height > G_MAXINT ||
                   width * height > BOTBENCH_AVATAR_MAX_PIXELS;

  if (!d->too_large)
    return HEADER_OK;

  decoder_set_error (d, name, NULL, error);
  return HEADER_REFUSED;
}

/* gdk-pixbuf's BMP loader (io-bmp.c, 2.42) grows its buffer to what the
 * file states, without a limit: the info header's size (a 42-byte file
 * asked for 4 GB), the pixel data offset, the palette size; and to a row,
 * from the width. */
static HeaderCheck
check_bmp (Decoder       *d,
           const guint8  *p,
           gsize          len,
           const char    *name,
           GError       **error)
{
  static const guint32 header_sizes[] = { 12, 40, 52, 56, 64, 108, 124 };
  guint32 header_size, offset;
  gint64 width, height;
  gboolean known = FALSE;

  if (len < 18)
    return HEADER_NEED_MORE;

  header_size = le32 (p + 14);
  for (guint i = 0; i < G_N_ELEMENTS (header_sizes); i++)
    known |= header_size == header_sizes[i];
  if (!known)
    {
      g_autofree char *why = g_strdup_printf (_("its header size is %u bytes"), header_size);
      return header_corrupt (d, name, why, error);
    }

  if (len < 26)
    return HEADER_NEED_MORE;

  /* The palette is at most 256 × 4 bytes; anything far beyond is a lie. */
  offset = le32 (p + 10);
  if (offset > 1024 * 1024)
    {
      g_autofree char *why = g_strdup_printf (_("its pixels start %u bytes in"), offset);
      return header_corrupt (d, name, why, error);
    }

  if (header_size == 12)
    {
      width = le16 (p + 18);
      height = le16 (p + 20);
    }
  else
    {
      width = (gint32)le32 (p + 18);
      height = (gint32)le32 (p + 22);
    }

  /* A negative height is a top-down image. */
  if (width <= 0 || height == 0 || height == G_MININT32)
    {
      g_autofree char *why = g_strdup_printf (_("its header gives a size of %" G_GINT64_FORMAT " × %"
                                                G_GINT64_FORMAT " pixels"), width, height);
      d->bad_size = TRUE;
      return header_corrupt (d, name, why, error);
    }

  if (header_check_size (d, (guint64)width, (guint64)ABS (height), name, error) != HEADER_OK)
    return HEADER_REFUSED;

  /* The loader decodes the rest once it holds the whole info header. */
  if (len < 14 + (gsize)header_size)
    return HEADER_NEED_MORE;

  /* The palette: for up to 8 bits per pixel the loader allocates
   * biClrUsed × 4 bytes (a guint that wraps) for it.  It reads biClrUsed
   * as a signed int and refuses only counts above 1 << depth, so a
   * "negative" one such as 0xffffffff gets through and asks for 4 GB (a
   * 70-byte file did).  OS/2 headers (12 bytes) have no count. */
  if (header_size != 12)
    {
      guint32 depth = le16 (p + 28);
      guint32 colors = le32 (p + 46);

      if (depth <= 8 && colors > (1u << depth))
        {
          g_autofree char *why = g_strdup_printf (_("its palette has %u colors for %u bits per pixel"),
                                                  colors, depth);
          return header_corrupt (d, name, why, error);
        }
    }

  return HEADER_OK;
}

/* The ICO loader grows its buffer to every directory entry's offset (up
 * to 2 GB) and to the palette size the chosen entry states. */
static HeaderCheck
check_ico (Decoder       *d,
           const guint8  *p,
           gsize          len,
           const char    *name,
           GError       **error)
{
  guint count;
  guint64 width = 0, height = 0;

  if (len < 6)
    return header_corrupt (d, name, _("it ends inside its header"), error);

  count = le16 (p + 4);
  if (count == 0 || 6 + 16 * (guint64)count > len)
    return header_corrupt (d, name, _("its directory does not fit in the file"), error);

  for (guint i = 0; i < count; i++)
    {
      const guint8 *entry = p + 6 + 16 * i;
      guint64 offset = le32 (entry + 12);
      guint64 palette;
      guint32 depth, colors;

      width = MAX (width, entry[0] ? entry[0] : 256);
      height = MAX (height, entry[1] ? entry[1] : 256);

      if (offset + 40 > len)
        return header_corrupt (d, name, _("its directory points past the end of the file"), error);

      /* Compressed (PNG) entries are skipped by the loader. */
      if (le32 (p + offset + 16) != 0)
        continue;

      depth = le16 (p + offset + 14);
      colors = le32 (p + offset + 32);
      palette = colors != 0 ? (guint64)colors * 4 : depth <= 8 ? (4u << depth) : 0;
      if (offset + 40 + palette > len)
        return header_corrupt (d, name, _("its palette does not fit in the file"), error);
    }

  return header_check_size (d, width, height, name, error);
}

/* Sizes the TGA loader then asks about: checked first all the same. */
static HeaderCheck
check_tga (Decoder       *d,
           const guint8  *p,
           gsize          len,
           const char    *name,
           GError       **error)
{
  if (len < 18)
    return HEADER_NEED_MORE;

  return header_check_size (d, le16 (p + 12), le16 (p + 14), name, error);
}

/* "P6 # comment\n 640 480 …": the width and height of a PNM. */
static HeaderCheck
check_pnm (Decoder       *d,
           const guint8  *p,
           gsize          len,
           const char    *name,
           GError       **error)
{
  guint64 values[2] = { 0, 0 };
  gsize i = 2;

  if (len < 2)
    return HEADER_NEED_MORE;

  for (guint v = 0; v < 2; v++)
    {
      gsize digits = 0;

      for (;;)
        {
          if (i >= len)
            return HEADER_NEED_MORE;
          if (g_ascii_isspace (p[i]))
            i++;
          else if (p[i] == '#')
            {
              while (i < len && p[i] != '\n' && p[i] != '\r')
                i++;
            }
          else
            break;
        }

      if (!g_ascii_isdigit (p[i]))
        return header_corrupt (d, name, _("its header holds no width and height"), error);

      for (; i < len && g_ascii_isdigit (p[i]); i++, digits++)
        if (values[v] <= G_MAXUINT32)
          values[v] = values[v] * 10 + (p[i] - '0');
      if (i >= len)
        return HEADER_NEED_MORE;
    }

  return header_check_size (d, values[0], values[1], name, error);
}

/* The first image file directory of a TIFF (or BigTIFF): ImageWidth and
 * ImageLength, before libtiff reads anything. */
static HeaderCheck
check_tiff (Decoder       *d,
            const guint8  *p,
            gsize          len,
            const char    *name,
            GError       **error)
{
  gboolean le, big;
  guint64 ifd, count, entry_size, width = 0, height = 0;

  if (len < 8)
    return header_corrupt (d, name, _("it ends inside its header"), error);

  le = p[0] == 'I';
#define U16(q) (le ? (guint64)le16 (q) : (guint64)((q)[0] << 8 | (q)[1]))
#define U32(q) (le ? (guint64)le32 (q) : (guint64)be32 (q))
#define U64(q) (le ? (U32 (q) | U32 ((q) + 4) << 32) : (U32 (q) << 32 | U32 ((q) + 4)))

  big = U16 (p + 2) == 43;
  if (big)
    {
      if (len < 16 || U16 (p + 4) != 8)
        return header_corrupt (d, name, _("it ends inside its header"), error);
      ifd = U64 (p + 8);
      if (ifd > len || len - ifd < 8)
        return header_corrupt (d, name, _("its first directory lies past the end of the file"), error);
      count = U64 (p + ifd);
      ifd += 8;
      entry_size = 20;
    }
  else
    {
      ifd = U32 (p + 4);
      if (ifd > len || len - ifd < 2)
        return header_corrupt (d, name, _("its first directory lies past the end of the file"), error);
      count = U16 (p + ifd);
      ifd += 2;
      entry_size = 12;
    }

  if (count > (len - ifd) / entry_size)
    return header_corrupt (d, name, _("its first directory does not fit in the file"), error);

  for (guint64 i = 0; i < count; i++)
    {
      const guint8 *e = p + ifd + i * entry_size;
      const guint8 *value = e + (big ? 12 : 8);
      guint tag = (guint)U16 (e);
      guint type = (guint)U16 (e + 2);
      guint64 v;

      if (tag != 256 && tag != 257)
        continue;

      if (type == 3)
        v = U16 (value);
      else if (type == 4)
        v = U32 (value);
      else if (type == 16 && big)
        v = U64 (value);
      else
        continue;

      /* Duplicates: whichever libtiff keeps, the larger is what counts. */
      if (tag == 256)
        width = MAX (width, v);
      else
        height = MAX (height, v);
    }
#undef U16
#undef U32
#undef U64

  return header_check_size (d, width, height, name, error);
}

static HeaderCheck
check_gif (Decoder       *d,
           const guint8  *p,
           gsize          len,
           const char    *name,
           GError       **error)
{
  const char *why;

  if (len < 10)
    return header_corrupt (d, name, _("it ends inside its header"), error);

  if (header_check_size (d, le16 (p + 6), le16 (p + 8), name, error) != HEADER_OK)
    return HEADER_REFUSED;

  if ((why = gif_check_frames (p, len)) != NULL)
    return header_corrupt (d, name, why, error);

  return HEADER_OK;
}

static HeaderCheck
check_png (Decoder       *d,
           const guint8  *p,
           gsize          len,
           const char    *name,
           GError       **error)
{
  guint32 crc = 0xffffffff;

  if (len < 33)
    return HEADER_NEED_MORE;

  /* Only a sound IHDR is read here; anything else, libpng says what is
   * wrong with it (and stops before allocating). */
  if (be32 (p + 8) != 13 || memcmp (p + 12, "IHDR", 4) != 0)
    return HEADER_OK;
  for (guint i = 12; i < 29; i++)
    {
      crc ^= p[i];
      for (guint bit = 0; bit < 8; bit++)
        crc = (crc >> 1) ^ (0xedb88320 & -(crc & 1));
    }
  if ((crc ^ 0xffffffff) != be32 (p + 29))
    return HEADER_OK;

  return header_check_size (d, be32 (p + 16), be32 (p + 20), name, error);
}

/* The WebP loader (webp-pixbuf-loader 0.2.1, Debian 12's) asks for the
 * size but ignores a 0 × 0 answer: it allocates a pixbuf of the full
 * header size (VP8/VP8L sides go to 16383) and decodes into it, so the
 * size is checked here.  An animation (VP8X with its animation flag) it
 * keeps whole and decodes at close, every frame into a pixbuf of the
 * canvas size, whatever the size callback said; and when libwebp's
 * animation decoder refuses the data, it passes a NULL iterator to
 * gdk_pixbuf_animation_iter_get_pixbuf() (a critical).  Animated WebP is
 * therefore not decoded at all.  Layouts other than these three, libwebp
 * refuses before the loader allocates. */
static HeaderCheck
check_webp (Decoder       *d,
            const guint8  *p,
            gsize          len,
            const char    *name,
            GError       **error)
{
  if (len < 30)
    return HEADER_NEED_MORE;

  if (memcmp (p + 12, "VP8X", 4) == 0)
    {
      if (p[20] & 0x02)
        {
          g_set_error (error, BOTBENCH_AVATAR_ERROR, BOTBENCH_AVATAR_ERROR_UNSUPPORTED_FORMAT,
                       _("“%s” is an animated WebP image, which Botbench does not read for an avatar; "
                         "save it as PNG or JPEG first"), name);
          return HEADER_REFUSED;
        }
      /* The canvas: 24 bits each of width − 1, height − 1. */
      return header_check_size (d, (le16 (p + 24) | (guint32)p[26] << 16) + 1,
                                (le16 (p + 27) | (guint32)p[29] << 16) + 1, name, error);
    }

  /* A lossy frame header: start code 9d 01 2a, then 14-bit sides. */
  if (memcmp (p + 12, "VP8 ", 4) == 0 && memcmp (p + 23, "\x9d\x01\x2a", 3) == 0)
    return header_check_size (d, le16 (p + 26) & 0x3fff, le16 (p + 28) & 0x3fff, name, error);

  /* Lossless: signature 0x2f, then 14 bits each of width − 1, height − 1. */
  if (memcmp (p + 12, "VP8L", 4) == 0 && p[20] == 0x2f)
    return header_check_size (d, (le32 (p + 21) & 0x3fff) + 1, ((le32 (p + 21) >> 14) & 0x3fff) + 1,
                              name, error);

  return HEADER_OK;
}

/* complete: p holds the whole file (no more data will come). */
static HeaderCheck
decoder_check_header (Decoder       *d,
                      const guint8  *p,
                      gsize          len,
                      gboolean       complete,
                      const char    *name,
                      GError       **error)
{
  HeaderCheck result;

  if (format_is (d, "bmp"))
    result = check_bmp (d, p, len, name, error);
  else if (format_is (d, "ico"))
    result = check_ico (d, p, len, name, error);
  else if (format_is (d, "tga"))
    result = check_tga (d, p, len, name, error);
  else if (format_is (d, "pnm"))
    result = check_pnm (d, p, len, name, error);
  else if (format_is (d, "tiff"))
    result = check_tiff (d, p, len, name, error);
  else if (format_is (d, "gif"))
    result = check_gif (d, p, len, name, error);
  else if (format_is (d, "png"))
    result = check_png (d, p, len, name, error);
  else if (format_is (d, "webp"))
    result = check_webp (d, p, len, name, error);
  else
    result = HEADER_OK;

  if (result == HEADER_NEED_MORE && complete)
    return header_corrupt (d, name, _("it ends inside its header"), error);

  return result;
}

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
decoder_choose_format (Decoder       *d,
                       const guint8  *head,
                       gsize          len,
                       const char    *name,
                       GError       **error)
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
                     name, decoder_describe (d));
      return FALSE;
    }

  if (!g_strv_contains (decoded_formats, d->format))
    {
      g_set_error (error, BOTBENCH_AVATAR_ERROR, BOTBENCH_AVATAR_ERROR_UNSUPPORTED_FORMAT,
                   /* Translators: the second %s is a file type such as "XBM image" */
                   _("“%s” is a %s, which Botbench does not read for an avatar; save it as PNG or JPEG first"),
                   name, decoder_describe (d));
      return FALSE;
    }

  d->loader = gdk_pixbuf_loader_new_with_type (d->format, &local_error);
  if (d->loader == NULL)
    {
      g_set_error (error, BOTBENCH_AVATAR_ERROR, BOTBENCH_AVATAR_ERROR_UNSUPPORTED_FORMAT,
                   _("“%s” uses a kind of %s this system cannot read: %s"),
                   name, decoder_describe (d), local_error->message);
      return FALSE;
    }

  g_signal_connect (d->loader, "size-prepared", G_CALLBACK (decoder_size_prepared_cb), d);
  g_signal_connect (d->loader, "area-prepared", G_CALLBACK (decoder_area_prepared_cb), d);
  g_signal_connect (d->loader, "area-updated", G_CALLBACK (decoder_area_updated_cb), d);
  return TRUE;
}

/* One read: 0 at the end, -1 with the error set. */
static gssize
decoder_read (Decoder       *d,
              GInputStream  *stream,
              guint8        *buf,
              const char    *name,
              GCancellable  *cancellable,
              GError       **error)
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
static GdkPixbuf *
decoder_run (Decoder       *d,
             GInputStream  *stream,
             const char    *name,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autofree guint8 *buf = g_malloc (READ_CHUNK);
  g_autoptr(GByteArray) held = g_byte_array_new ();   /* read, not yet written */
  g_autoptr(GError) pixbuf_error = NULL;
  GdkPixbuf *pixbuf;
  gboolean failed = FALSE;
  gboolean eof = FALSE;
  gboolean whole;
  HeaderCheck header;
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
          header = decoder_check_header (d, held->data, held->len, eof, name, error);
          if (header == HEADER_REFUSED)
            return NULL;
          if (header == HEADER_OK)
            break;
          if (held->len >= MAX_HEADER)
            {
              header_corrupt (d, name, _("its header is too long"), error);
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
      decoder_set_error (d, name, pixbuf_error, error);
      return NULL;
    }

  pixbuf = gdk_pixbuf_loader_get_pixbuf (d->loader);
  if (pixbuf == NULL)
    {
      g_set_error (error, BOTBENCH_AVATAR_ERROR, BOTBENCH_AVATAR_ERROR_CORRUPT,
                   _("“%s” is a damaged %s: it ends before any picture"),
                   name, decoder_describe (d));
      return NULL;
    }

  if (decoder_is_truncated (d))
    {
      g_set_error (error, BOTBENCH_AVATAR_ERROR, BOTBENCH_AVATAR_ERROR_CORRUPT,
                   _("“%s” is a damaged %s: the file ends early (it was cut off)"),
                   name, decoder_describe (d));
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

static BotbenchAvatar *
avatar_encode_stream (GInputStream                 *stream,
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
  Decoder d;
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

  decoder_init (&d, options, size, FALSE);
  decoded = decoder_run (&d, stream, name, cancellable, error);
  if (decoded == NULL)
    {
      decoder_clear (&d);
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
      decoder_clear (&d);
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
          decoder_clear (&d);
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
      decoder_clear (&d);
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
                   _("Not enough memory to scale “%s” to %u pixels"), name, size);
      decoder_clear (&d);
      return NULL;
    }

  self = g_object_new (BOTBENCH_TYPE_AVATAR, NULL);
  self->source_width = src_w;
  self->source_height = src_h;
  self->crop_x = cx;
  self->crop_y = cy;
  self->crop_side = side;
  self->source_format = g_steal_pointer (&d.format);
  decoder_clear (&d);

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

  return avatar_encode_stream (G_INPUT_STREAM (stream), name, options, cancellable, error);
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
  return avatar_encode_stream (stream, name ? name : _("the image"), options, cancellable, error);
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
  Decoder d;
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
  decoder_init (&d, NULL, 0, TRUE);
  pixbuf = decoder_run (&d, stream, name, NULL, error);

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
  decoder_clear (&d);
  return ok;
}
