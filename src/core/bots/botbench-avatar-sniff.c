/* botbench-avatar-sniff.c: image headers checked before gdk-pixbuf reads them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Several gdk-pixbuf loaders trust their header for an allocation or a
 * size before they ask the size callback, or ignore its answer: BMP, ICO,
 * TGA, PNM, TIFF, GIF, PNG and WebP headers are read here first, with the
 * limits the decoder applies, and a damaged or oversized one is refused
 * before the loader sees a byte.  GIF frames are walked the way the loader
 * walks them, since it asserts on what it finds there.
 */
#define G_LOG_DOMAIN "botbench-avatar"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "botbench-avatar-private.h"

/* GIF frames */

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

/* Header checks */

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

BotbenchAvatarHeaderCheck
_botbench_avatar_header_corrupt (const BotbenchAvatarDecoder  *d,
                                 const char                   *name,
                                 const char                   *why,
                                 GError                      **error)
{
  g_set_error (error, BOTBENCH_AVATAR_ERROR, BOTBENCH_AVATAR_ERROR_CORRUPT,
               /* Translators: "“a.bmp” is a damaged BMP image: its header size is 4294967280 bytes" */
               _("“%s” is a damaged %s: %s"), name, _botbench_avatar_decoder_describe (d), why);
  return BOTBENCH_AVATAR_HEADER_REFUSED;
}

/* The limits size-prepared applies, applied to what the header says. */
static BotbenchAvatarHeaderCheck
header_check_size (BotbenchAvatarDecoder  *d,
                   guint64                 width,
                   guint64                 height,
                   const char             *name,
                   GError                **error)
{
  d->width = (int)MIN (width, (guint64)G_MAXINT);
  d->height = (int)MIN (height, (guint64)G_MAXINT);

  if (d->check)
    d->too_large = width > BOTBENCH_AVATAR_MAX_SIZE || height > BOTBENCH_AVATAR_MAX_SIZE;
  else
    d->too_large = width > G_MAXINT || height > G_MAXINT ||
                   width * height > BOTBENCH_AVATAR_MAX_PIXELS;

  if (!d->too_large)
    return BOTBENCH_AVATAR_HEADER_OK;

  _botbench_avatar_decoder_set_error (d, name, NULL, error);
  return BOTBENCH_AVATAR_HEADER_REFUSED;
}

/* gdk-pixbuf's BMP loader (io-bmp.c, 2.42) grows its buffer to what the
 * file states, without a limit: the info header's size (a 42-byte file
 * asked for 4 GB), the pixel data offset, the palette size; and to a row,
 * from the width. */
static BotbenchAvatarHeaderCheck
check_bmp (BotbenchAvatarDecoder  *d,
           const guint8           *p,
           gsize                   len,
           const char             *name,
           GError                **error)
{
  static const guint32 header_sizes[] = { 12, 40, 52, 56, 64, 108, 124 };
  guint32 header_size, offset;
  gint64 width, height;
  gboolean known = FALSE;

  if (len < 18)
    return BOTBENCH_AVATAR_HEADER_NEED_MORE;

  header_size = le32 (p + 14);
  for (guint i = 0; i < G_N_ELEMENTS (header_sizes); i++)
    known |= header_size == header_sizes[i];
  if (!known)
    {
      g_autofree char *why = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "its header size is %u byte",
                                                               "its header size is %u bytes", header_size),
                                                  header_size);
      return _botbench_avatar_header_corrupt (d, name, why, error);
    }

  if (len < 26)
    return BOTBENCH_AVATAR_HEADER_NEED_MORE;

  /* The palette is at most 256 × 4 bytes; anything far beyond is a lie. */
  offset = le32 (p + 10);
  if (offset > 1024 * 1024)
    {
      g_autofree char *why = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "its pixels start %u byte in",
                                                               "its pixels start %u bytes in", offset),
                                                  offset);
      return _botbench_avatar_header_corrupt (d, name, why, error);
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
      g_autofree char *why = g_strdup_printf (_("its header gives a size of %lld × %lld pixels"), (long long) width, (long long) height);
      d->bad_size = TRUE;
      return _botbench_avatar_header_corrupt (d, name, why, error);
    }

  if (header_check_size (d, (guint64)width, (guint64)ABS (height), name, error) != BOTBENCH_AVATAR_HEADER_OK)
    return BOTBENCH_AVATAR_HEADER_REFUSED;

  /* The loader decodes the rest once it holds the whole info header. */
  if (len < 14 + (gsize)header_size)
    return BOTBENCH_AVATAR_HEADER_NEED_MORE;

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
          g_autofree char *why = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                               "its palette has %u color for %u bits per pixel",
                                                               "its palette has %u colors for %u bits per pixel",
                                                               colors),
                                                  colors, depth);
          return _botbench_avatar_header_corrupt (d, name, why, error);
        }
    }

  return BOTBENCH_AVATAR_HEADER_OK;
}

/* The ICO loader grows its buffer to every directory entry's offset (up
 * to 2 GB) and to the palette size the chosen entry states. */
static BotbenchAvatarHeaderCheck
check_ico (BotbenchAvatarDecoder  *d,
           const guint8           *p,
           gsize                   len,
           const char             *name,
           GError                **error)
{
  guint count;
  guint64 width = 0, height = 0;

  if (len < 6)
    return _botbench_avatar_header_corrupt (d, name, _("it ends inside its header"), error);

  count = le16 (p + 4);
  if (count == 0 || 6 + 16 * (guint64)count > len)
    return _botbench_avatar_header_corrupt (d, name, _("its directory does not fit in the file"), error);

  for (guint i = 0; i < count; i++)
    {
      const guint8 *entry = p + 6 + 16 * i;
      guint64 offset = le32 (entry + 12);
      guint64 palette;
      guint32 depth, colors;

      width = MAX (width, entry[0] ? entry[0] : 256);
      height = MAX (height, entry[1] ? entry[1] : 256);

      if (offset + 40 > len)
        return _botbench_avatar_header_corrupt (d, name, _("its directory points past the end of the file"), error);

      /* Compressed (PNG) entries are skipped by the loader. */
      if (le32 (p + offset + 16) != 0)
        continue;

      depth = le16 (p + offset + 14);
      colors = le32 (p + offset + 32);
      palette = colors != 0 ? (guint64)colors * 4 : depth <= 8 ? (4u << depth) : 0;
      if (offset + 40 + palette > len)
        return _botbench_avatar_header_corrupt (d, name, _("its palette does not fit in the file"), error);
    }

  return header_check_size (d, width, height, name, error);
}

/* Sizes the TGA loader then asks about: checked first all the same. */
static BotbenchAvatarHeaderCheck
check_tga (BotbenchAvatarDecoder  *d,
           const guint8           *p,
           gsize                   len,
           const char             *name,
           GError                **error)
{
  if (len < 18)
    return BOTBENCH_AVATAR_HEADER_NEED_MORE;

  return header_check_size (d, le16 (p + 12), le16 (p + 14), name, error);
}

/* "P6 # comment\n 640 480 …": the width and height of a PNM. */
static BotbenchAvatarHeaderCheck
check_pnm (BotbenchAvatarDecoder  *d,
           const guint8           *p,
           gsize                   len,
           const char             *name,
           GError                **error)
{
  guint64 values[2] = { 0, 0 };
  gsize i = 2;

  if (len < 2)
    return BOTBENCH_AVATAR_HEADER_NEED_MORE;

  for (guint v = 0; v < 2; v++)
    {
      gsize digits = 0;

      for (;;)
        {
          if (i >= len)
            return BOTBENCH_AVATAR_HEADER_NEED_MORE;
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
        return _botbench_avatar_header_corrupt (d, name, _("its header holds no width and height"), error);

      for (; i < len && g_ascii_isdigit (p[i]); i++, digits++)
        if (values[v] <= G_MAXUINT32)
          values[v] = values[v] * 10 + (p[i] - '0');
      if (i >= len)
        return BOTBENCH_AVATAR_HEADER_NEED_MORE;
    }

  return header_check_size (d, values[0], values[1], name, error);
}

/* The first image file directory of a TIFF (or BigTIFF): ImageWidth and
 * ImageLength, before libtiff reads anything. */
static BotbenchAvatarHeaderCheck
check_tiff (BotbenchAvatarDecoder  *d,
            const guint8           *p,
            gsize                   len,
            const char             *name,
            GError                **error)
{
  gboolean le, big;
  guint64 ifd, count, entry_size, width = 0, height = 0;

  if (len < 8)
    return _botbench_avatar_header_corrupt (d, name, _("it ends inside its header"), error);

  le = p[0] == 'I';
#define U16(q) (le ? (guint64)le16 (q) : (guint64)((q)[0] << 8 | (q)[1]))
#define U32(q) (le ? (guint64)le32 (q) : (guint64)be32 (q))
#define U64(q) (le ? (U32 (q) | U32 ((q) + 4) << 32) : (U32 (q) << 32 | U32 ((q) + 4)))

  big = U16 (p + 2) == 43;
  if (big)
    {
      if (len < 16 || U16 (p + 4) != 8)
        return _botbench_avatar_header_corrupt (d, name, _("it ends inside its header"), error);
      ifd = U64 (p + 8);
      if (ifd > len || len - ifd < 8)
        return _botbench_avatar_header_corrupt (d, name, _("its first directory lies past the end of the file"), error);
      count = U64 (p + ifd);
      ifd += 8;
      entry_size = 20;
    }
  else
    {
      ifd = U32 (p + 4);
      if (ifd > len || len - ifd < 2)
        return _botbench_avatar_header_corrupt (d, name, _("its first directory lies past the end of the file"), error);
      count = U16 (p + ifd);
      ifd += 2;
      entry_size = 12;
    }

  if (count > (len - ifd) / entry_size)
    return _botbench_avatar_header_corrupt (d, name, _("its first directory does not fit in the file"), error);

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

static BotbenchAvatarHeaderCheck
check_gif (BotbenchAvatarDecoder  *d,
           const guint8           *p,
           gsize                   len,
           const char             *name,
           GError                **error)
{
  const char *why;

  if (len < 10)
    return _botbench_avatar_header_corrupt (d, name, _("it ends inside its header"), error);

  if (header_check_size (d, le16 (p + 6), le16 (p + 8), name, error) != BOTBENCH_AVATAR_HEADER_OK)
    return BOTBENCH_AVATAR_HEADER_REFUSED;

  if ((why = gif_check_frames (p, len)) != NULL)
    return _botbench_avatar_header_corrupt (d, name, why, error);

  return BOTBENCH_AVATAR_HEADER_OK;
}

static BotbenchAvatarHeaderCheck
check_png (BotbenchAvatarDecoder  *d,
           const guint8           *p,
           gsize                   len,
           const char             *name,
           GError                **error)
{
  guint32 crc = 0xffffffff;

  if (len < 33)
    return BOTBENCH_AVATAR_HEADER_NEED_MORE;

  /* Only a sound IHDR is read here; anything else, libpng says what is
   * wrong with it (and stops before allocating). */
  if (be32 (p + 8) != 13 || memcmp (p + 12, "IHDR", 4) != 0)
    return BOTBENCH_AVATAR_HEADER_OK;
  for (guint i = 12; i < 29; i++)
    {
      crc ^= p[i];
      for (guint bit = 0; bit < 8; bit++)
        crc = (crc >> 1) ^ (0xedb88320 & -(crc & 1));
    }
  if ((crc ^ 0xffffffff) != be32 (p + 29))
    return BOTBENCH_AVATAR_HEADER_OK;

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
static BotbenchAvatarHeaderCheck
check_webp (BotbenchAvatarDecoder  *d,
            const guint8           *p,
            gsize                   len,
            const char             *name,
            GError                **error)
{
  if (len < 30)
    return BOTBENCH_AVATAR_HEADER_NEED_MORE;

  if (memcmp (p + 12, "VP8X", 4) == 0)
    {
      if (p[20] & 0x02)
        {
          g_set_error (error, BOTBENCH_AVATAR_ERROR, BOTBENCH_AVATAR_ERROR_UNSUPPORTED_FORMAT,
                       _("“%s” is an animated WebP image, which Botbench does not read for an avatar; "
                         "save it as PNG or JPEG first"), name);
          return BOTBENCH_AVATAR_HEADER_REFUSED;
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

  return BOTBENCH_AVATAR_HEADER_OK;
}

/* complete: p holds the whole file (no more data will come). */
BotbenchAvatarHeaderCheck
_botbench_avatar_decoder_check_header (BotbenchAvatarDecoder  *d,
                                       const guint8           *p,
                                       gsize                   len,
                                       gboolean                complete,
                                       const char             *name,
                                       GError                **error)
{
  BotbenchAvatarHeaderCheck result;

  if (_botbench_avatar_decoder_is_format (d, "bmp"))
    result = check_bmp (d, p, len, name, error);
  else if (_botbench_avatar_decoder_is_format (d, "ico"))
    result = check_ico (d, p, len, name, error);
  else if (_botbench_avatar_decoder_is_format (d, "tga"))
    result = check_tga (d, p, len, name, error);
  else if (_botbench_avatar_decoder_is_format (d, "pnm"))
    result = check_pnm (d, p, len, name, error);
  else if (_botbench_avatar_decoder_is_format (d, "tiff"))
    result = check_tiff (d, p, len, name, error);
  else if (_botbench_avatar_decoder_is_format (d, "gif"))
    result = check_gif (d, p, len, name, error);
  else if (_botbench_avatar_decoder_is_format (d, "png"))
    result = check_png (d, p, len, name, error);
  else if (_botbench_avatar_decoder_is_format (d, "webp"))
    result = check_webp (d, p, len, name, error);
  else
    result = BOTBENCH_AVATAR_HEADER_OK;

  if (result == BOTBENCH_AVATAR_HEADER_NEED_MORE && complete)
    return _botbench_avatar_header_corrupt (d, name, _("it ends inside its header"), error);

  return result;
}
