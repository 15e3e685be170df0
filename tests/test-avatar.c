/* test-avatar.c: BotbenchAvatar, picture → PERSONAL_PHOTO base64
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Source images are drawn with gdk-pixbuf into a temporary directory (no
 * ImageMagick needed).  Two small files live in tests/images/ because
 * gdk-pixbuf cannot write them: a GIF, and a JPEG with EXIF Orientation=6.
 * The standard picture is 200×120: left half red, right half blue, so the
 * centred square shows red on its left half and blue on its right.
 */
#define G_LOG_DOMAIN "test-avatar"

#include "config.h"

#include <string.h>
#include <sys/resource.h>

#include "botbench-avatar.h"
#include "botbench-test-utils.h"

#if defined(__SANITIZE_ADDRESS__)
# define TEST_UNDER_ASAN 1
#elif defined(__has_feature)
# if __has_feature(address_sanitizer)
#  define TEST_UNDER_ASAN 1
# endif
#endif

typedef struct
{
  char *dir;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->dir = botbench_test_make_tmp_dir ();
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  botbench_test_rm_rf (f->dir);
  g_free (f->dir);
}

/* Helpers */

static GdkPixbuf *
make_red_blue (int      width,
               int      height,
               gboolean alpha)
{
  GdkPixbuf *pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, alpha, 8, width, height);
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int rowstride = gdk_pixbuf_get_rowstride (pixbuf);
  int n = gdk_pixbuf_get_n_channels (pixbuf);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint8 *p = pixels + y * rowstride + x * n;
        gboolean left = x < width / 2;

        p[0] = left ? 0xff : 0x00;
        p[1] = 0x00;
        p[2] = left ? 0x00 : 0xff;
        if (alpha)
          p[3] = 0xff;
      }

  return pixbuf;
}

/* Photo-like: smooth gradients plus noise, so JPEG beats PNG. */
static GdkPixbuf *
make_photo (int width,
            int height)
{
  GdkPixbuf *pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int rowstride = gdk_pixbuf_get_rowstride (pixbuf);
  guint32 seed = 12345;

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint8 *p = pixels + (gsize)y * rowstride + x * 3;
        int noise;

        seed = seed * 1103515245 + 12345;
        noise = (int)((seed >> 16) & 0x1f) - 16;
        p[0] = CLAMP (x * 255 / width + noise, 0, 255);
        p[1] = CLAMP (y * 255 / height + noise, 0, 255);
        p[2] = CLAMP (128 + noise * 2, 0, 255);
      }

  return pixbuf;
}

static char *
save_pixbuf (Fixture    *f,
             GdkPixbuf  *pixbuf,
             const char *name,
             const char *type)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (f->dir, name, NULL);

  if (g_str_equal (type, "jpeg"))
    gdk_pixbuf_save (pixbuf, path, type, &error, "quality", "95", NULL);
  else
    gdk_pixbuf_save (pixbuf, path, type, &error, NULL);
  g_assert_no_error (error);

  return path;
}

static char *
write_file (Fixture    *f,
            const char *name,
            const void *data,
            gsize       len)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (f->dir, name, NULL);

  g_file_set_contents (path, data, len, &error);
  g_assert_no_error (error);

  return path;
}

static BotbenchAvatar *
encode_path (const char                  *path,
             const BotbenchAvatarOptions *options,
             GError                     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  return botbench_avatar_encode_sync (file, options, NULL, error);
}

static BotbenchAvatar *
encode_size (const char           *path,
             guint                 size,
             BotbenchAvatarFormat  format)
{
  BotbenchAvatarOptions options;
  g_autoptr(GError) error = NULL;
  BotbenchAvatar *avatar;

  botbench_avatar_options_init (&options);
  options.size = size;
  options.format = format;
  avatar = encode_path (path, &options, &error);
  g_assert_no_error (error);
  g_assert_nonnull (avatar);

  return avatar;
}

/* Decodes the base64 the way a strict client would and loads the image. */
static GdkPixbuf *
decode_base64_image (const char *base64)
{
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new ();
  g_autoptr(GError) error = NULL;
  g_autofree guchar *data = NULL;
  gsize len = 0;

  g_assert_nonnull (base64);
  g_assert_false (g_str_has_prefix (base64, "data:"));
  g_assert_null (strchr (base64, '\n'));
  g_assert_null (strchr (base64, '\r'));
  g_assert_null (strchr (base64, ' '));
  g_assert_cmpuint (strlen (base64) % 4, ==, 0);

  data = g_base64_decode (base64, &len);
  g_assert_cmpuint (len, >, 8);
  gdk_pixbuf_loader_write (loader, data, len, &error);
  g_assert_no_error (error);
  gdk_pixbuf_loader_close (loader, &error);
  g_assert_no_error (error);

  return g_object_ref (gdk_pixbuf_loader_get_pixbuf (loader));
}

static void
get_pixel (GdkPixbuf *pixbuf,
           int        x,
           int        y,
           guint8     rgba[4])
{
  const guint8 *p;
  int n = gdk_pixbuf_get_n_channels (pixbuf);

  g_assert_cmpint (x, <, gdk_pixbuf_get_width (pixbuf));
  g_assert_cmpint (y, <, gdk_pixbuf_get_height (pixbuf));
  p = gdk_pixbuf_read_pixels (pixbuf) + y * gdk_pixbuf_get_rowstride (pixbuf) + x * n;
  rgba[0] = p[0];
  rgba[1] = p[1];
  rgba[2] = p[2];
  rgba[3] = n == 4 ? p[3] : 0xff;
}

static void
assert_red (GdkPixbuf *pixbuf,
            int        x,
            int        y)
{
  guint8 c[4];

  get_pixel (pixbuf, x, y, c);
  g_assert_cmpuint (c[0], >, 180);
  g_assert_cmpuint (c[1], <, 80);
  g_assert_cmpuint (c[2], <, 80);
}

static void
assert_blue (GdkPixbuf *pixbuf,
             int        x,
             int        y)
{
  guint8 c[4];

  get_pixel (pixbuf, x, y, c);
  g_assert_cmpuint (c[0], <, 80);
  g_assert_cmpuint (c[1], <, 80);
  g_assert_cmpuint (c[2], >, 180);
}

/* The encoded image is exactly size×size, decodes, and holds the red/blue
 * split of the centred square. */
static void
assert_red_blue_avatar (BotbenchAvatar *avatar,
                        guint           size)
{
  g_autoptr(GdkPixbuf) decoded = decode_base64_image (botbench_avatar_get_base64 (avatar));
  g_autofree guchar *raw = NULL;
  gsize raw_len = 0;

  g_assert_cmpint (gdk_pixbuf_get_width (decoded), ==, size);
  g_assert_cmpint (gdk_pixbuf_get_height (decoded), ==, size);
  g_assert_cmpuint (botbench_avatar_get_width (avatar), ==, size);
  g_assert_cmpuint (botbench_avatar_get_height (avatar), ==, size);
  g_assert_cmpint (gdk_pixbuf_get_width (botbench_avatar_get_pixbuf (avatar)), ==, size);

  raw = g_base64_decode (botbench_avatar_get_base64 (avatar), &raw_len);
  g_assert_cmpuint (raw_len, ==, botbench_avatar_get_byte_size (avatar));
  g_assert_cmpmem (raw, raw_len,
                   g_bytes_get_data (botbench_avatar_get_bytes (avatar), NULL),
                   g_bytes_get_size (botbench_avatar_get_bytes (avatar)));

  assert_red (decoded, size / 8, size / 2);
  assert_red (decoded, size * 3 / 8, size / 8);
  assert_blue (decoded, size * 5 / 8, size / 2);
  assert_blue (decoded, size * 7 / 8, size * 7 / 8);
}

static char *
image_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "images", name, NULL);
}

/* Formats */

typedef struct
{
  const char *format;
  guint       size;
} FormatCase;

static char *
make_source (Fixture    *f,
             const char *format)
{
  g_autoptr(GdkPixbuf) pixbuf = make_red_blue (200, 120, FALSE);

  if (g_str_equal (format, "gif"))
    return image_path ("red-blue-24x16.gif");

  if (g_str_equal (format, "svg"))
    {
      const char *svg =
        "<?xml version=\"1.0\"?>\n"
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"200\" height=\"120\">"
        "<rect x=\"0\" y=\"0\" width=\"100\" height=\"120\" fill=\"#ff0000\"/>"
        "<rect x=\"100\" y=\"0\" width=\"100\" height=\"120\" fill=\"#0000ff\"/>"
        "</svg>\n";

      return write_file (f, "source.svg", svg, strlen (svg));
    }

  {
    g_autofree char *name = g_strdup_printf ("source.%s", format);

    return save_pixbuf (f, pixbuf, name, format);
  }
}

static void
test_format (Fixture       *f,
             gconstpointer  data)
{
  const FormatCase *c = data;
  g_autofree char *path = make_source (f, c->format);
  g_autoptr(BotbenchAvatar) avatar = NULL;
  g_autoptr(BotbenchAvatar) jpeg = NULL;

  avatar = encode_size (path, c->size, BOTBENCH_AVATAR_FORMAT_PNG);
  g_assert_cmpint (botbench_avatar_get_format (avatar), ==, BOTBENCH_AVATAR_FORMAT_PNG);
  g_assert_cmpstr (botbench_avatar_get_mime_type (avatar), ==, "image/png");
  g_assert_true (g_str_has_prefix (botbench_avatar_get_base64 (avatar), "iVBORw0KGgo"));
  g_assert_cmpstr (botbench_avatar_get_source_format (avatar), ==, c->format);
  assert_red_blue_avatar (avatar, c->size);

  jpeg = encode_size (path, c->size, BOTBENCH_AVATAR_FORMAT_JPEG);
  g_assert_cmpint (botbench_avatar_get_format (jpeg), ==, BOTBENCH_AVATAR_FORMAT_JPEG);
  g_assert_true (g_str_has_prefix (botbench_avatar_get_base64 (jpeg), "/9j/"));
  assert_red_blue_avatar (jpeg, c->size);
}

/* EXIF orientation: the file is stored 64×32 (landscape) with a red 16×16
 * block at x 16..31, y 0..15 on blue, and Orientation=6 (rotate 90°
 * clockwise to show).  Shown, it is 32×64 and the block sits at x 16..31,
 * y 16..31: the top-right quarter of the centred square.  Without the
 * rotation it would be in the top-left quarter. */
static void
test_exif_orientation (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *path = image_path ("exif-orientation-6.jpg");
  g_autoptr(BotbenchAvatar) avatar = encode_size (path, 64, BOTBENCH_AVATAR_FORMAT_PNG);
  g_autoptr(GdkPixbuf) decoded = decode_base64_image (botbench_avatar_get_base64 (avatar));
  int x, y, side;

  g_assert_cmpuint (botbench_avatar_get_source_width (avatar), ==, 32);
  g_assert_cmpuint (botbench_avatar_get_source_height (avatar), ==, 64);
  botbench_avatar_get_crop (avatar, &x, &y, &side);
  g_assert_cmpint (x, ==, 0);
  g_assert_cmpint (y, ==, 16);
  g_assert_cmpint (side, ==, 32);

  g_assert_cmpint (gdk_pixbuf_get_width (decoded), ==, 64);
  g_assert_cmpint (gdk_pixbuf_get_height (decoded), ==, 64);
  assert_red (decoded, 48, 16);    /* top right */
  assert_blue (decoded, 16, 16);   /* top left: red here means no rotation */
  assert_blue (decoded, 48, 48);
  assert_blue (decoded, 16, 48);
}

/* The same file at 16 and 8 px: decoded at 1/2 and 1/4 scale (libjpeg's
 * DCT scaling), and the orientation must still be applied. */
static void
test_exif_orientation_scaled (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *path = image_path ("exif-orientation-6.jpg");
  guint sizes[] = { 16, 8 };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      guint s = sizes[i];
      g_autoptr(BotbenchAvatar) avatar = encode_size (path, s, BOTBENCH_AVATAR_FORMAT_PNG);
      g_autoptr(GdkPixbuf) decoded = decode_base64_image (botbench_avatar_get_base64 (avatar));

      g_assert_cmpint (gdk_pixbuf_get_width (decoded), ==, s);
      g_assert_cmpuint (botbench_avatar_get_source_width (avatar), ==, 32);
      g_assert_cmpuint (botbench_avatar_get_source_height (avatar), ==, 64);
      assert_red (decoded, s * 3 / 4, s / 4);
      assert_blue (decoded, s / 4, s / 4);
      assert_blue (decoded, s * 3 / 4, s * 3 / 4);
    }
}

/* A crop rectangle is in the coordinates of the picture as shown (after
 * the rotation): x 16..31, y 16..31 of the 32×64 picture is the red block. */
static void
test_exif_orientation_crop (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *path = image_path ("exif-orientation-6.jpg");
  g_autoptr(BotbenchAvatar) avatar = NULL;
  g_autoptr(GdkPixbuf) decoded = NULL;
  g_autoptr(GError) error = NULL;
  BotbenchAvatarOptions options;

  botbench_avatar_options_init (&options);
  options.size = 32;
  options.format = BOTBENCH_AVATAR_FORMAT_PNG;
  options.use_crop_rect = TRUE;
  options.crop_x = 18;
  options.crop_y = 18;
  options.crop_width = 12;
  options.crop_height = 12;
  avatar = encode_path (path, &options, &error);
  g_assert_no_error (error);
  decoded = decode_base64_image (botbench_avatar_get_base64 (avatar));
  assert_red (decoded, 2, 2);
  assert_red (decoded, 29, 2);
  assert_red (decoded, 2, 29);
  assert_red (decoded, 29, 29);
  assert_red (decoded, 16, 16);
}

/* A 6000×4000 photo: decoded at 1/4 scale, so it is quick and small. */
static void
test_large_jpeg (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "large.jpg", NULL);

  if (g_test_subprocess ())
    {
      const char *source = g_getenv ("BOTBENCH_AVATAR_LARGE");
      g_autoptr(BotbenchAvatar) avatar = NULL;
      g_autoptr(GdkPixbuf) decoded = NULL;
      struct rusage usage;
      double elapsed;

      g_test_timer_start ();
      avatar = encode_size (source, 512, BOTBENCH_AVATAR_FORMAT_AUTO);
      elapsed = g_test_timer_elapsed ();
      decoded = decode_base64_image (botbench_avatar_get_base64 (avatar));
      g_assert_cmpint (gdk_pixbuf_get_width (decoded), ==, 512);
      g_assert_cmpint (gdk_pixbuf_get_height (decoded), ==, 512);
      g_assert_cmpuint (botbench_avatar_get_source_width (avatar), ==, 6000);
      g_assert_cmpuint (botbench_avatar_get_source_height (avatar), ==, 4000);

      /* A full decode alone would be 6000×4000×3 = 72 MB. */
      g_assert_cmpint (getrusage (RUSAGE_SELF, &usage), ==, 0);
      g_printerr ("# 6000×4000 JPEG → 512 px in %.3f s, max RSS %ld KiB\n",
                  elapsed, usage.ru_maxrss);
#ifdef TEST_UNDER_ASAN
      g_test_message ("RSS limit not checked: AddressSanitizer's shadow memory, quarantine and "
                      "redzones inflate RSS (%ld KiB here); normal builds check < 60 MiB",
                      usage.ru_maxrss);
#else
      g_assert_cmpint (usage.ru_maxrss, <, 60 * 1024);
#endif
      /* Speed is bench/bench-avatar's to measure, not a test's. */
      return;
    }

  {
    g_autoptr(GdkPixbuf) photo = make_photo (6000, 4000);
    g_autoptr(GError) error = NULL;

    gdk_pixbuf_save (photo, path, "jpeg", &error, "quality", "85", NULL);
    g_assert_no_error (error);
  }

  g_setenv ("BOTBENCH_AVATAR_LARGE", path, TRUE);
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* The same for PNG, which gdk-pixbuf cannot decode at scale: full decode,
 * one scaling pass. */
static void
test_large_png (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GdkPixbuf) source = make_red_blue (6000, 4000, FALSE);
  g_autofree char *path = g_build_filename (f->dir, "large.png", NULL);
  g_autoptr(BotbenchAvatar) avatar = NULL;
  g_autoptr(GError) error = NULL;

  gdk_pixbuf_save (source, path, "png", &error, "compression", "1", NULL);
  g_assert_no_error (error);

  g_test_timer_start ();
  avatar = encode_size (path, 512, BOTBENCH_AVATAR_FORMAT_PNG);
  g_test_message ("6000×4000 PNG → 512 px in %.3f s", g_test_timer_elapsed ());
  assert_red_blue_avatar (avatar, 512);
}

/* 1×1 → scaled up to the chosen size, one colour throughout. */
static void
test_tiny (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GdkPixbuf) dot = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 1, 1);
  g_autofree char *path = NULL;
  guint sizes[] = { 1, 64, 512 };

  gdk_pixbuf_fill (dot, 0xff0000ff);
  path = save_pixbuf (f, dot, "dot.png", "png");

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr(BotbenchAvatar) avatar = encode_size (path, sizes[i], BOTBENCH_AVATAR_FORMAT_AUTO);
      g_autoptr(GdkPixbuf) decoded = decode_base64_image (botbench_avatar_get_base64 (avatar));
      guint s = sizes[i];

      g_assert_cmpint (gdk_pixbuf_get_width (decoded), ==, s);
      g_assert_cmpint (gdk_pixbuf_get_height (decoded), ==, s);
      assert_red (decoded, 0, 0);
      assert_red (decoded, s / 2, s / 2);
      assert_red (decoded, s - 1, s - 1);
    }
}

/* Errors */

static void
assert_encode_error (const char *path,
                     int         code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BotbenchAvatar) avatar = encode_path (path, NULL, &error);
  g_autofree char *base = g_path_get_basename (path);

  g_assert_null (avatar);
  g_assert_error (error, BOTBENCH_AVATAR_ERROR, code);
  g_test_message ("%s: %s", base, error->message);
  /* The message names the file. */
  g_assert_nonnull (strstr (error->message, base));
}

static void
test_error_empty (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *path = write_file (f, "empty.png", "", 0);

  assert_encode_error (path, BOTBENCH_AVATAR_ERROR_EMPTY);
}

static void
test_error_not_an_image (Fixture       *f,
                         gconstpointer  data)
{
  const char *text = "Hello, this is a text file pretending to be a PNG.\n";
  g_autofree char *text_path = write_file (f, "text.png", text, strlen (text));
  guint8 noise[4096];
  g_autofree char *noise_path = NULL;
  guint32 seed = 7;

  for (gsize i = 0; i < sizeof noise; i++)
    {
      seed = seed * 1664525 + 1013904223;
      noise[i] = seed >> 24;
    }
  noise_path = write_file (f, "noise.jpg", noise, sizeof noise);

  assert_encode_error (text_path, BOTBENCH_AVATAR_ERROR_NOT_AN_IMAGE);
  assert_encode_error (noise_path, BOTBENCH_AVATAR_ERROR_NOT_AN_IMAGE);
}

static void
truncate_copy (Fixture    *f,
               const char *source,
               const char *name,
               gsize       keep_num,
               gsize       keep_den,
               char      **out_path)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (source, &contents, &len, NULL));
  *out_path = write_file (f, name, contents, len * keep_num / keep_den);
}

static void
test_error_truncated (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GdkPixbuf) photo = make_photo (300, 200);
  g_autofree char *png = save_pixbuf (f, photo, "photo.png", "png");
  g_autofree char *jpeg = save_pixbuf (f, photo, "photo.jpg", "jpeg");
  g_autofree char *bmp = save_pixbuf (f, photo, "photo.bmp", "bmp");
  g_autofree char *webp = save_pixbuf (f, photo, "photo.webp", "webp");
  g_autofree char *gif = image_path ("red-blue-24x16.gif");
  const char *sources[] = { png, jpeg, bmp, webp, gif };
  const char *names[] = { "cut.png", "cut.jpg", "cut.bmp", "cut.webp", "cut.gif" };

  for (guint i = 0; i < G_N_ELEMENTS (sources); i++)
    {
      g_autofree char *half = NULL;
      g_autofree char *most = NULL;
      g_autofree char *most_name = g_strconcat ("most-", names[i], NULL);

      truncate_copy (f, sources[i], names[i], 1, 2, &half);
      assert_encode_error (half, BOTBENCH_AVATAR_ERROR_CORRUPT);
      /* Only the last few bytes missing. */
      truncate_copy (f, sources[i], most_name, 95, 100, &most);
      assert_encode_error (most, BOTBENCH_AVATAR_ERROR_CORRUPT);
    }

  /* The untouched files still work. */
  for (guint i = 0; i < G_N_ELEMENTS (sources); i++)
    {
      g_autoptr(BotbenchAvatar) avatar = encode_size (sources[i], 32, BOTBENCH_AVATAR_FORMAT_AUTO);

      g_assert_cmpuint (botbench_avatar_get_width (avatar), ==, 32);
    }
}

static void
test_error_corrupt (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GdkPixbuf) photo = make_photo (64, 64);
  g_autofree char *png = save_pixbuf (f, photo, "photo.png", "png");
  g_autofree char *contents = NULL;
  g_autofree char *bad_path = NULL;
  g_autofree char *header_path = NULL;
  gsize len = 0;

  /* A PNG signature followed by garbage. */
  g_assert_true (g_file_get_contents (png, &contents, &len, NULL));
  for (gsize i = 16; i < len; i++)
    contents[i] = (char)(i * 31);
  bad_path = write_file (f, "garbage.png", contents, len);
  assert_encode_error (bad_path, BOTBENCH_AVATAR_ERROR_CORRUPT);

  /* GIFs whose frame is empty or lies outside the screen: gdk-pixbuf's
   * loader would hit its own assertions (criticals are fatal here). */
  {
    static const guint8 outside[] = {
      'G', 'I', 'F', '8', '9', 'a', 4, 0, 4, 0, 0x80, 0, 0,
      0, 0, 0, 0xff, 0xff, 0xff,
      0x2c, 2, 0, 2, 0, 4, 0, 4, 0, 0x00,
      0x02, 0x02, 0x44, 0x01, 0x00, 0x3b,
    };
    static const guint8 empty_frame[] = {
      'G', 'I', 'F', '8', '9', 'a', 4, 0, 4, 0, 0x80, 0, 0,
      0, 0, 0, 0xff, 0xff, 0xff,
      0x2c, 0, 0, 0, 0, 0, 0, 4, 0, 0x00,
      0x02, 0x02, 0x44, 0x01, 0x00, 0x3b,
    };
    static const guint8 zero_screen[] = {
      'G', 'I', 'F', '8', '9', 'a', 0, 0, 4, 0, 0x80, 0, 0,
      0, 0, 0, 0xff, 0xff, 0xff,
      0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0x00,
      0x02, 0x02, 0x44, 0x01, 0x00, 0x3b,
    };
    g_autofree char *p1 = write_file (f, "outside.gif", outside, sizeof outside);
    g_autofree char *p2 = write_file (f, "empty-frame.gif", empty_frame, sizeof empty_frame);
    g_autofree char *p3 = write_file (f, "zero-screen.gif", zero_screen, sizeof zero_screen);

    assert_encode_error (p1, BOTBENCH_AVATAR_ERROR_CORRUPT);
    assert_encode_error (p2, BOTBENCH_AVATAR_ERROR_CORRUPT);
    assert_encode_error (p3, BOTBENCH_AVATAR_ERROR_CORRUPT);
  }

  /* Just the 8-byte signature. */
  header_path = write_file (f, "signature.png", "\x89PNG\r\n\x1a\n", 8);
  assert_encode_error (header_path, BOTBENCH_AVATAR_ERROR_CORRUPT);
}

static guint32
crc32_png (const guint8 *data,
           gsize         len)
{
  guint32 crc = 0xffffffff;

  for (gsize i = 0; i < len; i++)
    {
      crc ^= data[i];
      for (int k = 0; k < 8; k++)
        crc = (crc >> 1) ^ (0xedb88320 & (0u - (crc & 1)));
    }

  return crc ^ 0xffffffff;
}

static void
put_be32 (guint8  *p,
          guint32  v)
{
  p[0] = v >> 24;
  p[1] = v >> 16;
  p[2] = v >> 8;
  p[3] = v;
}

static void
put_le16 (guint8  *p,
          guint32  v)
{
  p[0] = v;
  p[1] = v >> 8;
}

static void
put_le32 (guint8  *p,
          guint32  v)
{
  p[0] = v;
  p[1] = v >> 8;
  p[2] = v >> 16;
  p[3] = v >> 24;
}

/* The hostile 42-byte BMP: a file header and the first 28 bytes of a
 * BITMAPINFOHEADER, nothing else. */
static void
make_bmp_42 (guint8  *bmp,
             guint32  header_size,
             guint32  width,
             guint32  height)
{
  memset (bmp, 0, 42);
  bmp[0] = 'B';
  bmp[1] = 'M';
  put_le32 (bmp + 2, 42);
  put_le32 (bmp + 10, 54);
  put_le32 (bmp + 14, header_size);
  put_le32 (bmp + 18, width);
  put_le32 (bmp + 22, height);
  put_le16 (bmp + 26, 1);
  put_le16 (bmp + 28, 24);
}

static void
assert_encode_error_says (const char *path,
                          int         code,
                          const char *says)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BotbenchAvatar) avatar = encode_path (path, NULL, &error);

  g_assert_null (avatar);
  g_assert_error (error, BOTBENCH_AVATAR_ERROR, code);
  g_test_message ("%s", error->message);
  if (strstr (error->message, says) == NULL)
    g_error ("“%s” not in “%s”", says, error->message);
}

/* gdk-pixbuf asks for 4 GB for a 42-byte BMP.  Headers that
 * loaders trust for an allocation are checked before a loader sees them. */
static void
test_error_hostile_headers (Fixture       *f,
                            gconstpointer  data)
{
  guint8 bmp[42];
  guint8 bmp_offset[58];
  guint8 ico[22 + 40] = { 0 };
  guint8 tga[18 + 4] = { 0 };
  guint8 tiff[8 + 2 + 2 * 12 + 4] = { 'I', 'I', 42, 0 };
  guint8 tiff_be[8 + 2 + 2 * 12 + 4] = { 'M', 'M', 0, 42 };
  guint8 gif[13 + 3 + 10 + 5] = { 'G', 'I', 'F', '8', '9', 'a' };
  g_autofree char *path = NULL;

  /* 65535 × 65535, top-down or not: refused from the header. */
  make_bmp_42 (bmp, 40, 65535, 65535);
  path = write_file (f, "huge.bmp", bmp, sizeof bmp);
  assert_encode_error_says (path, BOTBENCH_AVATAR_ERROR_TOO_LARGE, "65535 × 65535 pixels");
  g_clear_pointer (&path, g_free);
  make_bmp_42 (bmp, 40, 65535, (guint32)-65535);
  path = write_file (f, "huge-top-down.bmp", bmp, sizeof bmp);
  assert_encode_error_says (path, BOTBENCH_AVATAR_ERROR_TOO_LARGE, "65535 × 65535 pixels");
  g_clear_pointer (&path, g_free);

  /* The header size the loader grew its buffer to (4 GB). */
  make_bmp_42 (bmp, 0xfffffff0, 16, 16);
  path = write_file (f, "header-size.bmp", bmp, sizeof bmp);
  assert_encode_error_says (path, BOTBENCH_AVATAR_ERROR_CORRUPT, "header size is 4294967280 bytes");
  g_clear_pointer (&path, g_free);

  make_bmp_42 (bmp, 40, 16, 0x80000000);
  path = write_file (f, "int-min.bmp", bmp, sizeof bmp);
  assert_encode_error (path, BOTBENCH_AVATAR_ERROR_CORRUPT);
  g_clear_pointer (&path, g_free);

  /* A 1×1 BMP whose pixels "start" 4 GB in. */
  make_bmp_42 (bmp_offset, 40, 1, 1);
  memset (bmp_offset + 42, 0, sizeof bmp_offset - 42);
  put_le32 (bmp_offset + 2, sizeof bmp_offset);
  put_le32 (bmp_offset + 10, 0xfffffff0);
  path = write_file (f, "offset.bmp", bmp_offset, sizeof bmp_offset);
  assert_encode_error_says (path, BOTBENCH_AVATAR_ERROR_CORRUPT, "pixels start");
  g_clear_pointer (&path, g_free);

  /* An icon whose directory entry points 2 GB in, then one whose palette
   * is a billion colours. */
  put_le16 (ico + 2, 1);
  put_le16 (ico + 4, 1);
  ico[6] = 16;
  ico[7] = 16;
  put_le32 (ico + 6 + 8, 40);
  put_le32 (ico + 6 + 12, 0x7fffff00);
  put_le32 (ico + 22, 40);
  put_le32 (ico + 22 + 4, 16);
  put_le32 (ico + 22 + 8, 32);
  put_le16 (ico + 22 + 12, 1);
  put_le16 (ico + 22 + 14, 8);
  path = write_file (f, "offset.ico", ico, sizeof ico);
  assert_encode_error_says (path, BOTBENCH_AVATAR_ERROR_CORRUPT, "past the end of the file");
  g_clear_pointer (&path, g_free);
  put_le32 (ico + 6 + 12, 22);
  put_le32 (ico + 22 + 32, 0x3fffffff);
  path = write_file (f, "palette.ico", ico, sizeof ico);
  assert_encode_error_says (path, BOTBENCH_AVATAR_ERROR_CORRUPT, "palette");
  g_clear_pointer (&path, g_free);

  /* TGA: 16-bit sides, 4 gigapixels. */
  tga[2] = 2;
  put_le16 (tga + 12, 65535);
  put_le16 (tga + 14, 65535);
  tga[16] = 24;
  path = write_file (f, "huge.tga", tga, sizeof tga);
  assert_encode_error_says (path, BOTBENCH_AVATAR_ERROR_TOO_LARGE, "65535 × 65535 pixels");
  g_clear_pointer (&path, g_free);

  /* PNM, with a comment in the way. */
  {
    const char *ppm = "P6\n# made by hand\n100000 100000\n255\n\x01\x02\x03";

    path = write_file (f, "huge.ppm", ppm, strlen (ppm));
    assert_encode_error_says (path, BOTBENCH_AVATAR_ERROR_TOO_LARGE, "100000 × 100000 pixels");
    g_clear_pointer (&path, g_free);
  }

  /* TIFF, both byte orders: ImageWidth and ImageLength as LONG. */
  put_le32 (tiff + 4, 8);
  put_le16 (tiff + 8, 2);
  put_le16 (tiff + 10, 256);
  put_le16 (tiff + 12, 4);
  put_le32 (tiff + 14, 1);
  put_le32 (tiff + 18, 100000);
  put_le16 (tiff + 22, 257);
  put_le16 (tiff + 24, 4);
  put_le32 (tiff + 26, 1);
  put_le32 (tiff + 30, 100000);
  path = write_file (f, "huge.tif", tiff, sizeof tiff);
  assert_encode_error_says (path, BOTBENCH_AVATAR_ERROR_TOO_LARGE, "100000 × 100000 pixels");
  g_clear_pointer (&path, g_free);

  put_be32 (tiff_be + 4, 8);
  tiff_be[9] = 2;
  tiff_be[10] = 1;                    /* 256 */
  tiff_be[13] = 3;                    /* SHORT, value left-justified */
  put_be32 (tiff_be + 14, 1);
  tiff_be[18] = 0xea;                 /* 60000 */
  tiff_be[19] = 0x60;
  tiff_be[22] = 1;                    /* 257 */
  tiff_be[23] = 1;
  tiff_be[25] = 3;
  put_be32 (tiff_be + 26, 1);
  tiff_be[30] = 0xea;
  tiff_be[31] = 0x60;
  path = write_file (f, "huge-be.tif", tiff_be, sizeof tiff_be);
  assert_encode_error_says (path, BOTBENCH_AVATAR_ERROR_TOO_LARGE, "60000 × 60000 pixels");
  g_clear_pointer (&path, g_free);

  /* The first directory beyond the end of the file. */
  put_le32 (tiff + 4, 0x7ffffff0);
  path = write_file (f, "ifd.tif", tiff, sizeof tiff);
  assert_encode_error_says (path, BOTBENCH_AVATAR_ERROR_CORRUPT, "past the end of the file");
  g_clear_pointer (&path, g_free);

  /* GIF: a 65535 × 65535 screen around a 1 × 1 frame. */
  put_le16 (gif + 6, 65535);
  put_le16 (gif + 8, 65535);
  gif[10] = 0x80;
  gif[13 + 3] = 0x2c;
  put_le16 (gif + 13 + 3 + 5, 1);
  put_le16 (gif + 13 + 3 + 7, 1);
  memcpy (gif + 13 + 3 + 10, "\x02\x02\x44\x01\x00", 5);
  path = write_file (f, "huge.gif", gif, sizeof gif);
  assert_encode_error_says (path, BOTBENCH_AVATAR_ERROR_TOO_LARGE, "65535 × 65535 pixels");
  g_clear_pointer (&path, g_free);
}

/* Refused by the encoder and by the check, with the message saying why. */
static void
assert_refused (Fixture      *f,
                const char   *name,
                const guint8 *data,
                gsize         len,
                const char   *says)
{
  g_autofree char *path = write_file (f, name, data, len);
  g_autofree char *base64 = g_base64_encode (data, len);
  g_autoptr(GError) error = NULL;

  assert_encode_error_says (path, BOTBENCH_AVATAR_ERROR_CORRUPT, says);
  g_assert_false (botbench_avatar_check_base64 (base64, NULL, NULL, &error));
  g_assert_error (error, BOTBENCH_AVATAR_ERROR, BOTBENCH_AVATAR_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, says));
}

/* Found by fuzz/fuzz-avatar after the header checks: what
 * gdk-pixbuf 2.42's BMP loader allocates from and the GIF frames its loader
 * decodes are checked before it sees a byte, and animated WebP never
 * reaches the WebP loader.  Under the test harness a GLib critical is
 * fatal, so a GIF frame or a WebP animation that reaches a loader fails the
 * test by itself. */
static void
test_error_fuzzed (Fixture       *f,
                   gconstpointer  data)
{
  /* 70 bytes, 1 × 1 at 1 bit per pixel, biClrUsed 0xffffffff: its palette
   * buffer was 0xffffffff × 4 bytes (malloc(4294967292)). */
  static const guint8 bmp_colors[] = {
    0x42, 0x4d, 0x3a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x36, 0x00,
    0x00, 0x00, 0x28, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00,
    0x00, 0x00, 0x00, 0xe4, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x35,
    0xe4, 0xe4, 0xe4, 0x01, 0x00, 0x00, 0x00, 0x18, 0x00, 0xff, 0xff, 0xff,
    0xff, 0xff, 0x00, 0x00, 0x69, 0x6d, 0x61, 0x67, 0x65, 0x2f, 0x69, 0x63,
    0x6f, 0x6e, 0x00, 0x00, 0x00, 0x00, 0xff, 0x00, 0x00, 0x00,
  };
  /* 28 bytes whose info header "is" 0xf8f8f8f8 bytes long. */
  static const guint8 bmp_header_size[] = {
    0x42, 0x4d, 0xf8, 0xf8, 0xf8, 0xf8, 0x00, 0x00, 0x00, 0xf8, 0xf8, 0xf8,
    0xf8, 0xf8, 0xf8, 0xf8, 0xf8, 0xf8, 0x0c, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x4d, 0x00,
  };
  /* A 24 × 16 GIF: bytes the loader skips between blocks, a Graphic Control
   * extension, then a frame 0 pixels wide (a critical from
   * gdk_pixbuf_calculate_rowstride()). */
  static const guint8 gif_junk[] = {
    0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x18, 0x00, 0x10, 0x00, 0xf0, 0x00,
    0x01, 0xea, 0xea, 0xea, 0xea, 0xea, 0xea, 0xea, 0xea, 0xea, 0xea, 0xea,
    0xea, 0xea, 0xea, 0xea, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0x21, 0xf9,
    0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x08, 0x00, 0x01, 0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01,
    0x00, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xe0, 0x00, 0x10,
    0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x9d, 0xa2,
    0x44, 0xae, 0xaa, 0xd9, 0xc2, 0xa0, 0x1b, 0xa7, 0xb5, 0xf6, 0xda, 0x60,
    0x01, 0x00, 0x3b,
  };
  /* A Graphic Control extension whose first sub-block is empty: the loader
   * reads on to the next empty one, past a ';' that ends the file for a
   * reader that stops at the first, to a frame 0 pixels wide. */
  static const guint8 gif_control[] = {
    'G', 'I', 'F', '8', '9', 'a', 4, 0, 4, 0, 0x80, 0, 0,
    0, 0, 0, 0xff, 0xff, 0xff,
    0x21, 0xf9, 0x00, 0x01, 0x3b, 0x00,
    0x2c, 0, 0, 0, 0, 0, 0, 4, 0, 0x00,
    0x02, 0x02, 0x44, 0x01, 0x00, 0x3b,
  };
  /* The same with an Application extension, after a sound first frame; the
   * second frame is 0 pixels high. */
  static const guint8 gif_application[] = {
    'G', 'I', 'F', '8', '9', 'a', 4, 0, 4, 0, 0x80, 0, 0,
    0, 0, 0, 0xff, 0xff, 0xff,
    0x2c, 0, 0, 0, 0, 4, 0, 4, 0, 0x00,
    0x02, 0x02, 0x44, 0x01, 0x00,
    0x21, 0xff, 0x00, 0x01, 0x3b, 0x00,
    0x2c, 0, 0, 0, 0, 4, 0, 0, 0, 0x00,
    0x02, 0x02, 0x44, 0x01, 0x00, 0x3b,
  };
  /* An animated WebP (VP8X, animation flag) that libwebp's animation
   * decoder refuses: the WebP loader then handed a NULL iterator to
   * gdk_pixbuf_animation_iter_get_pixbuf() (a critical). */
  static const guint8 webp_animated[] = {
    0x52, 0x49, 0x46, 0x46, 0x60, 0x44, 0x81, 0x45, 0x57, 0x45, 0x42, 0x50,
    0x56, 0x50, 0x38, 0x58, 0x0a, 0x00, 0x00, 0x00, 0xfa, 0x00, 0x00, 0x00,
    0x04, 0x00, 0x00, 0x02, 0x00, 0x00, 0x41, 0x4c, 0x0a, 0xff, 0xff, 0xff,
    0xff, 0x00, 0x01, 0x07, 0x50, 0xc0, 0x6b, 0x6b, 0x6b, 0x6b, 0x6b, 0x6b,
    0x6b, 0x6b, 0x6b, 0x6b, 0x6b, 0x6b, 0x6b, 0x6b, 0x6b, 0x6b, 0x6b, 0x6b,
    0x6b, 0x6b, 0x6b, 0x72, 0x6b, 0x6b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x70, 0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01,
    0x00, 0x80, 0x00, 0x00, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
  };
  guint8 bmp_v5[14 + 124 + 16] = { 'B', 'M' };
  guint8 bmp_sound[14 + 40 + 8 + 8] = { 'B', 'M' };
  g_autofree char *sound_path = NULL;
  g_autofree char *sound_base64 = NULL;
  g_autofree char *webp_path = NULL;
  g_autofree char *webp_base64 = NULL;
  g_autoptr(BotbenchAvatar) avatar = NULL;
  g_autoptr(GdkPixbuf) decoded = NULL;
  g_autoptr(GError) error = NULL;
  guint w = 0, h = 0;

  assert_refused (f, "colors.bmp", bmp_colors, sizeof bmp_colors, "palette");
  assert_refused (f, "header-size-28.bmp", bmp_header_size, sizeof bmp_header_size,
                  "header size is 4177066232 bytes");

  /* A BITMAPV5HEADER, 4 bits per pixel, biClrUsed 0xfffffff0: the count
   * lies at the same place in every header but the OS/2 one. */
  put_le32 (bmp_v5 + 2, sizeof bmp_v5);
  put_le32 (bmp_v5 + 10, 14 + 124);
  put_le32 (bmp_v5 + 14, 124);
  put_le32 (bmp_v5 + 18, 2);
  put_le32 (bmp_v5 + 22, 2);
  put_le16 (bmp_v5 + 26, 1);
  put_le16 (bmp_v5 + 28, 4);
  put_le32 (bmp_v5 + 46, 0xfffffff0);
  assert_refused (f, "colors-v5.bmp", bmp_v5, sizeof bmp_v5, "palette");

  webp_path = write_file (f, "animated.webp", webp_animated, sizeof webp_animated);
  assert_encode_error_says (webp_path, BOTBENCH_AVATAR_ERROR_UNSUPPORTED_FORMAT, "animated WebP");
  webp_base64 = g_base64_encode (webp_animated, sizeof webp_animated);
  g_assert_false (botbench_avatar_check_base64 (webp_base64, NULL, NULL, &error));
  g_assert_error (error, BOTBENCH_AVATAR_ERROR, BOTBENCH_AVATAR_ERROR_UNSUPPORTED_FORMAT);
  g_clear_error (&error);

  assert_refused (f, "junk.gif", gif_junk, sizeof gif_junk, "empty");
  assert_refused (f, "control.gif", gif_control, sizeof gif_control, "empty");
  assert_refused (f, "application.gif", gif_application, sizeof gif_application, "empty");

  /* Still read: a 2 × 2 BMP at 1 bit per pixel that states its 2 colours
   * (blue, red; rows bottom-up: red blue, then blue red). */
  put_le32 (bmp_sound + 2, sizeof bmp_sound);
  put_le32 (bmp_sound + 10, 14 + 40 + 8);
  put_le32 (bmp_sound + 14, 40);
  put_le32 (bmp_sound + 18, 2);
  put_le32 (bmp_sound + 22, 2);
  put_le16 (bmp_sound + 26, 1);
  put_le16 (bmp_sound + 28, 1);
  put_le32 (bmp_sound + 46, 2);
  memcpy (bmp_sound + 54, "\x00\x00\xff\x00\xff\x00\x00\x00", 8);
  bmp_sound[62] = 0x40;
  bmp_sound[66] = 0x80;
  sound_path = write_file (f, "two-colors.bmp", bmp_sound, sizeof bmp_sound);
  avatar = encode_size (sound_path, 2, BOTBENCH_AVATAR_FORMAT_PNG);
  decoded = decode_base64_image (botbench_avatar_get_base64 (avatar));
  assert_blue (decoded, 0, 0);
  assert_red (decoded, 1, 0);
  assert_red (decoded, 0, 1);
  assert_blue (decoded, 1, 1);

  sound_base64 = g_base64_encode (bmp_sound, sizeof bmp_sound);
  g_assert_true (botbench_avatar_check_base64 (sound_base64, &w, &h, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (w, ==, 2);
  g_assert_cmpuint (h, ==, 2);
}

/* The peak of the address space, in KiB (VmPeak). */
static guint64
vm_peak_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  g_assert_true (g_file_get_contents ("/proc/self/status", &status, NULL, NULL));
  line = strstr (status, "VmPeak:");
  g_assert_nonnull (line);
  return g_ascii_strtoull (line + strlen ("VmPeak:"), NULL, 10);
}

/* A 52-byte lossless WebP that states 16383 × 16383: the WebP loader asks
 * for the size but ignores the 0 × 0 answer and allocates the pixbuf all
 * the same (805 MB), so the size is read from the header before the loader
 * sees a byte.  The error is the same either way; the address space shows
 * the difference (in a fresh process, so earlier tests do not hide it). */
static void
test_error_webp_size (Fixture       *f,
                      gconstpointer  data)
{
  guint8 webp[52] = { 'R', 'I', 'F', 'F' };
  g_autofree char *path = NULL;
  g_autofree char *base64 = NULL;
  g_autoptr(GError) error = NULL;
  guint64 before;
  guint w = 0, h = 0;

  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  put_le32 (webp + 4, sizeof webp - 8);
  memcpy (webp + 8, "WEBPVP8L", 8);
  put_le32 (webp + 16, sizeof webp - 20);
  webp[20] = 0x2f;
  put_le32 (webp + 21, 16382 | 16382 << 14);
  path = write_file (f, "huge.webp", webp, sizeof webp);
  base64 = g_base64_encode (webp, sizeof webp);

  before = vm_peak_kib ();
  assert_encode_error_says (path, BOTBENCH_AVATAR_ERROR_TOO_LARGE, "16383 × 16383 pixels");
  g_assert_false (botbench_avatar_check_base64 (base64, &w, &h, &error));
  g_assert_error (error, BOTBENCH_AVATAR_ERROR, BOTBENCH_AVATAR_ERROR_TOO_LARGE);
  g_assert_cmpuint (w, ==, 16383);
  g_assert_cmpuint (h, ==, 16383);
#ifdef TEST_UNDER_ASAN
  (void) before;
  g_test_message ("address space not checked: AddressSanitizer's allocator reserves its own");
#else
  g_assert_cmpuint (vm_peak_kib () - before, <, 256 * 1024);
#endif
}

/* Loaders that allocate from their header without asking for the size
 * (XBM g_malloc()s and aborts) are not fed at all. */
static void
test_error_unread_formats (Fixture       *f,
                           gconstpointer  data)
{
  const char *xbm = "#define bomb_width 65535\n#define bomb_height 65535\n"
                    "static unsigned char bomb_bits[] = {\n0x00, 0x00 };\n";
  const char *xpm = "/* XPM */\nstatic char *bomb[] = {\n\"30000 30000 1 1\",\n\"  c None\",\n};\n";
  const char * const files[][2] = { { "bomb.xbm", xbm }, { "bomb.xpm", xpm } };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = write_file (f, files[i][0], files[i][1], strlen (files[i][1]));
      g_autoptr(GError) error = NULL;
      g_autoptr(BotbenchAvatar) avatar = encode_path (path, NULL, &error);

      g_assert_null (avatar);
      g_assert_nonnull (error);
      g_test_message ("%s: %s", files[i][0], error->message);
      g_assert_true (g_error_matches (error, BOTBENCH_AVATAR_ERROR, BOTBENCH_AVATAR_ERROR_UNSUPPORTED_FORMAT) ||
                     g_error_matches (error, BOTBENCH_AVATAR_ERROR, BOTBENCH_AVATAR_ERROR_NOT_AN_IMAGE));
    }
}

/* What gdk-pixbuf itself writes as ICO and TIFF passes the checks. */
static void
test_ico_and_tiff (Fixture       *f,
                   gconstpointer  data)
{
  static const char * const types[] = { "ico", "tiff" };

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      g_autoptr(GdkPixbuf) source = make_red_blue (48, 48, TRUE);
      g_autofree char *name = g_strconcat ("picture.", types[i], NULL);
      g_autofree char *path = save_pixbuf (f, source, name, types[i]);
      g_autoptr(BotbenchAvatar) avatar = encode_size (path, 32, BOTBENCH_AVATAR_FORMAT_PNG);
      GdkPixbuf *pixbuf = botbench_avatar_get_pixbuf (avatar);

      g_assert_cmpstr (botbench_avatar_get_source_format (avatar), ==, types[i]);
      g_assert_cmpuint (botbench_avatar_get_source_width (avatar), ==, 48);
      g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, 32);
      assert_red (pixbuf, 2, 16);
    }
}

static void
test_error_too_large (Fixture       *f,
                      gconstpointer  data)
{
  /* A PNG header claiming 20000×20000 (400 megapixels), then an empty
   * IDAT so that the decoder reaches the point where it allocates. */
  guint8 png[8 + 25 + 12] = "\x89PNG\r\n\x1a\n";
  g_autofree char *huge_path = NULL;
  g_autofree char *big_path = g_build_filename (f->dir, "big.png", NULL);
  g_autoptr(GFile) big = g_file_new_for_path (big_path);
  g_autoptr(GFileOutputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) photo = make_photo (16, 16);
  gchar *buffer = NULL;
  gsize len = 0;

  put_be32 (png + 8, 13);
  memcpy (png + 12, "IHDR", 4);
  put_be32 (png + 16, 20000);
  put_be32 (png + 20, 20000);
  png[24] = 8;   /* bit depth */
  png[25] = 2;   /* RGB */
  png[26] = png[27] = png[28] = 0;
  put_be32 (png + 29, crc32_png (png + 12, 17));
  put_be32 (png + 33, 0);
  memcpy (png + 37, "IDAT", 4);
  put_be32 (png + 41, crc32_png (png + 37, 4));
  huge_path = write_file (f, "huge.png", png, sizeof png);
  assert_encode_error (huge_path, BOTBENCH_AVATAR_ERROR_TOO_LARGE);

  /* A 101 MB file (a real PNG padded with zeros): refused before decoding. */
  gdk_pixbuf_save_to_buffer (photo, &buffer, &len, "png", &error, NULL);
  g_assert_no_error (error);
  out = g_file_replace (big, NULL, FALSE, G_FILE_CREATE_NONE, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_write_all (G_OUTPUT_STREAM (out), buffer, len, NULL, NULL, &error);
  g_assert_no_error (error);
  g_seekable_truncate (G_SEEKABLE (out), 101 * 1024 * 1024, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_close (G_OUTPUT_STREAM (out), NULL, &error);
  g_assert_no_error (error);
  g_free (buffer);
  assert_encode_error (big_path, BOTBENCH_AVATAR_ERROR_TOO_LARGE);
}

static void
test_error_io (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *missing = g_build_filename (f->dir, "missing.png", NULL);

  assert_encode_error (missing, BOTBENCH_AVATAR_ERROR_IO);
  assert_encode_error (f->dir, BOTBENCH_AVATAR_ERROR_IO);
}

static void
test_error_unsupported (Fixture       *f,
                        gconstpointer  data)
{
  /* The start of a HEIF file: an image type with no gdk-pixbuf loader here. */
  static const guint8 heif[] = {
    0x00, 0x00, 0x00, 0x18, 'f', 't', 'y', 'p', 'h', 'e', 'i', 'c',
    0x00, 0x00, 0x00, 0x00, 'm', 'i', 'f', '1', 'h', 'e', 'i', 'c',
    0x00, 0x00, 0x00, 0x08, 'm', 'e', 't', 'a',
  };
  g_autofree char *type = g_content_type_guess (NULL, heif, sizeof heif, NULL);
  g_autofree char *mime = g_content_type_get_mime_type (type);
  g_autofree char *path = NULL;
  g_autoptr(GSList) formats = gdk_pixbuf_get_formats ();

  if (mime == NULL || !g_str_has_prefix (mime, "image/"))
    {
      g_test_skip ("shared-mime-info does not know HEIF here");
      return;
    }
  for (GSList *l = formats; l != NULL; l = l->next)
    {
      g_autofree char *format_name = gdk_pixbuf_format_get_name (l->data);

      if (g_str_equal (format_name, "heif") || g_str_equal (format_name, "avif"))
        {
          g_test_skip ("a HEIF/AVIF gdk-pixbuf loader is installed");
          return;
        }
    }

  path = write_file (f, "photo.heic", heif, sizeof heif);
  assert_encode_error (path, BOTBENCH_AVATAR_ERROR_UNSUPPORTED_FORMAT);
}

/* Options */

static void
test_size_clamp (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GdkPixbuf) source = make_red_blue (20, 12, FALSE);
  g_autofree char *path = save_pixbuf (f, source, "small.png", "png");
  g_autoptr(BotbenchAvatar) avatar = NULL;
  g_autoptr(BotbenchAvatar) deflt = NULL;
  g_autoptr(GdkPixbuf) decoded = NULL;

  g_assert_cmpuint (botbench_avatar_clamp_size (0), ==, 512);
  g_assert_cmpuint (botbench_avatar_clamp_size (1), ==, 1);
  g_assert_cmpuint (botbench_avatar_clamp_size (5000), ==, 5000);
  g_assert_cmpuint (botbench_avatar_clamp_size (5001), ==, 5000);
  g_assert_cmpuint (botbench_avatar_clamp_size (G_MAXUINT), ==, 5000);

  avatar = encode_size (path, 6000, BOTBENCH_AVATAR_FORMAT_PNG);
  decoded = decode_base64_image (botbench_avatar_get_base64 (avatar));
  g_assert_cmpint (gdk_pixbuf_get_width (decoded), ==, 5000);
  g_assert_cmpint (gdk_pixbuf_get_height (decoded), ==, 5000);
  g_assert_true (botbench_avatar_check_base64 (botbench_avatar_get_base64 (avatar), NULL, NULL, NULL));

  deflt = encode_path (path, NULL, NULL);
  g_assert_nonnull (deflt);
  g_assert_cmpuint (botbench_avatar_get_width (deflt), ==, 512);
}

static void
test_auto_format (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GdkPixbuf) photo = make_photo (400, 300);
  g_autoptr(GdkPixbuf) flat = make_red_blue (400, 300, FALSE);
  const char *paths[2];
  g_autofree char *photo_path = save_pixbuf (f, photo, "photo.png", "png");
  g_autofree char *flat_path = save_pixbuf (f, flat, "flat.png", "png");

  paths[0] = photo_path;
  paths[1] = flat_path;
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(BotbenchAvatar) png = encode_size (paths[i], 256, BOTBENCH_AVATAR_FORMAT_PNG);
      g_autoptr(BotbenchAvatar) jpeg = encode_size (paths[i], 256, BOTBENCH_AVATAR_FORMAT_JPEG);
      g_autoptr(BotbenchAvatar) aut = encode_size (paths[i], 256, BOTBENCH_AVATAR_FORMAT_AUTO);
      gsize png_size = botbench_avatar_get_byte_size (png);
      gsize jpeg_size = botbench_avatar_get_byte_size (jpeg);

      g_test_message ("%s: png %" G_GSIZE_FORMAT ", jpeg %" G_GSIZE_FORMAT ", auto %s",
                      paths[i], png_size, jpeg_size,
                      botbench_avatar_format_to_string (botbench_avatar_get_format (aut)));
      g_assert_cmpuint (botbench_avatar_get_byte_size (aut), ==, MIN (png_size, jpeg_size));
      g_assert_cmpint (botbench_avatar_get_format (aut), ==,
                       jpeg_size < png_size ? BOTBENCH_AVATAR_FORMAT_JPEG : BOTBENCH_AVATAR_FORMAT_PNG);
      if (i == 0)
        g_assert_cmpint (botbench_avatar_get_format (aut), ==, BOTBENCH_AVATAR_FORMAT_JPEG);
      else
        g_assert_cmpint (botbench_avatar_get_format (aut), ==, BOTBENCH_AVATAR_FORMAT_PNG);
    }
}

static void
test_transparency (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GdkPixbuf) source = make_red_blue (100, 100, TRUE);
  g_autofree char *path = NULL;
  g_autoptr(BotbenchAvatar) aut = NULL;
  g_autoptr(BotbenchAvatar) jpeg = NULL;
  g_autoptr(BotbenchAvatar) opaque = NULL;
  g_autoptr(GdkPixbuf) decoded = NULL;
  g_autoptr(GdkPixbuf) decoded_jpeg = NULL;
  g_autoptr(GdkPixbuf) solid = make_red_blue (100, 100, TRUE);
  g_autofree char *solid_path = save_pixbuf (f, solid, "solid.png", "png");
  guint8 c[4];

  /* Make the top half fully transparent. */
  for (int y = 0; y < 50; y++)
    for (int x = 0; x < 100; x++)
      gdk_pixbuf_get_pixels (source)[y * gdk_pixbuf_get_rowstride (source) + x * 4 + 3] = 0;
  path = save_pixbuf (f, source, "alpha.png", "png");

  aut = encode_size (path, 64, BOTBENCH_AVATAR_FORMAT_AUTO);
  g_assert_cmpint (botbench_avatar_get_format (aut), ==, BOTBENCH_AVATAR_FORMAT_PNG);
  decoded = decode_base64_image (botbench_avatar_get_base64 (aut));
  g_assert_true (gdk_pixbuf_get_has_alpha (decoded));
  get_pixel (decoded, 10, 10, c);
  g_assert_cmpuint (c[3], ==, 0);
  get_pixel (decoded, 10, 54, c);
  g_assert_cmpuint (c[3], ==, 255);

  jpeg = encode_size (path, 64, BOTBENCH_AVATAR_FORMAT_JPEG);
  decoded_jpeg = decode_base64_image (botbench_avatar_get_base64 (jpeg));
  get_pixel (decoded_jpeg, 10, 10, c);   /* flattened onto white */
  g_assert_cmpuint (c[0], >, 240);
  g_assert_cmpuint (c[1], >, 240);
  g_assert_cmpuint (c[2], >, 240);

  /* An alpha channel that is opaque everywhere is dropped. */
  opaque = encode_size (solid_path, 64, BOTBENCH_AVATAR_FORMAT_PNG);
  g_assert_false (gdk_pixbuf_get_has_alpha (botbench_avatar_get_pixbuf (opaque)));
}

static void
test_crop (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GdkPixbuf) source = make_red_blue (200, 120, FALSE);
  g_autofree char *path = save_pixbuf (f, source, "source.png", "png");
  BotbenchAvatarOptions options;
  g_autoptr(GError) error = NULL;
  int x, y, side;

  /* Focus on the left edge: square x 0..119, red up to 99. */
  {
    g_autoptr(BotbenchAvatar) avatar = NULL;
    g_autoptr(GdkPixbuf) decoded = NULL;

    botbench_avatar_options_init (&options);
    options.size = 120;
    options.format = BOTBENCH_AVATAR_FORMAT_PNG;
    options.focus_x = 0.0;
    avatar = encode_path (path, &options, &error);
    g_assert_no_error (error);
    botbench_avatar_get_crop (avatar, &x, &y, &side);
    g_assert_cmpint (x, ==, 0);
    g_assert_cmpint (y, ==, 0);
    g_assert_cmpint (side, ==, 120);
    decoded = decode_base64_image (botbench_avatar_get_base64 (avatar));
    assert_red (decoded, 90, 60);
    assert_blue (decoded, 110, 60);
  }

  /* Right edge. */
  {
    g_autoptr(BotbenchAvatar) avatar = NULL;
    g_autoptr(GdkPixbuf) decoded = NULL;

    options.focus_x = 1.0;
    avatar = encode_path (path, &options, &error);
    g_assert_no_error (error);
    botbench_avatar_get_crop (avatar, &x, &y, &side);
    g_assert_cmpint (x, ==, 80);
    decoded = decode_base64_image (botbench_avatar_get_base64 (avatar));
    assert_red (decoded, 10, 60);
    assert_blue (decoded, 30, 60);
  }

  /* An explicit rectangle: 90×120 at x 110 → the 90 px square at y 15, all blue. */
  {
    g_autoptr(BotbenchAvatar) avatar = NULL;
    g_autoptr(GdkPixbuf) decoded = NULL;

    options.use_crop_rect = TRUE;
    options.crop_x = 110;
    options.crop_y = 0;
    options.crop_width = 90;
    options.crop_height = 120;
    options.size = 90;
    avatar = encode_path (path, &options, &error);
    g_assert_no_error (error);
    botbench_avatar_get_crop (avatar, &x, &y, &side);
    g_assert_cmpint (x, ==, 110);
    g_assert_cmpint (y, ==, 15);
    g_assert_cmpint (side, ==, 90);
    decoded = decode_base64_image (botbench_avatar_get_base64 (avatar));
    assert_blue (decoded, 0, 0);
    assert_blue (decoded, 89, 89);
  }

  /* Outside the image. */
  {
    g_autoptr(BotbenchAvatar) avatar = NULL;

    options.crop_x = 500;
    options.crop_y = 500;
    avatar = encode_path (path, &options, &error);
    g_assert_null (avatar);
    g_assert_error (error, BOTBENCH_AVATAR_ERROR, BOTBENCH_AVATAR_ERROR_INVALID_CROP);
    g_clear_error (&error);
  }
}

/* A crop rectangle on a big JPEG: decoded at scale, mapped back correctly. */
static void
test_crop_scaled_jpeg (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GdkPixbuf) source = make_red_blue (1600, 1200, FALSE);
  g_autofree char *path = save_pixbuf (f, source, "big.jpg", "jpeg");
  BotbenchAvatarOptions options;
  g_autoptr(GError) error = NULL;
  g_autoptr(BotbenchAvatar) avatar = NULL;
  g_autoptr(GdkPixbuf) decoded = NULL;

  botbench_avatar_options_init (&options);
  options.size = 64;
  options.format = BOTBENCH_AVATAR_FORMAT_PNG;
  options.use_crop_rect = TRUE;
  options.crop_x = 400;   /* 400..1200 across the red/blue border at 800 */
  options.crop_y = 200;
  options.crop_width = 800;
  options.crop_height = 800;
  avatar = encode_path (path, &options, &error);
  g_assert_no_error (error);
  decoded = decode_base64_image (botbench_avatar_get_base64 (avatar));
  assert_red (decoded, 28, 32);
  assert_blue (decoded, 36, 32);
}

/* Async */

static void
test_async (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GdkPixbuf) source = make_red_blue (200, 120, FALSE);
  g_autofree char *path = save_pixbuf (f, source, "source.png", "png");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_auto(BotbenchTestResult) result = { NULL };
  g_auto(BotbenchTestResult) cancelled_result = { NULL };
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(BotbenchAvatar) avatar = NULL;
  g_autoptr(BotbenchAvatar) sync = NULL;
  g_autoptr(BotbenchAvatar) none = NULL;
  g_autoptr(GError) error = NULL;
  BotbenchAvatarOptions options;

  botbench_avatar_options_init (&options);
  options.size = 64;
  botbench_avatar_encode_async (file, &options, NULL, botbench_test_result_cb, &result);
  /* The options are copied: changing them now must not matter. */
  options.size = 8;
  g_assert_null (result.result);
  avatar = botbench_avatar_encode_finish (botbench_test_result_wait (&result, 10000), &error);
  g_assert_no_error (error);
  assert_red_blue_avatar (avatar, 64);

  options.size = 64;
  sync = botbench_avatar_encode_sync (file, &options, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (botbench_avatar_get_base64 (sync), ==, botbench_avatar_get_base64 (avatar));

  g_cancellable_cancel (cancellable);
  botbench_avatar_encode_async (file, &options, cancellable, botbench_test_result_cb, &cancelled_result);
  none = botbench_avatar_encode_finish (botbench_test_result_wait (&cancelled_result, 10000), &error);
  g_assert_null (none);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_bytes (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GdkPixbuf) source = make_red_blue (200, 120, FALSE);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr(BotbenchAvatar) avatar = NULL;
  g_autoptr(BotbenchAvatar) none = NULL;
  g_autoptr(GError) error = NULL;
  BotbenchAvatarOptions options;
  gchar *buffer = NULL;
  gsize len = 0;

  g_assert_true (gdk_pixbuf_save_to_buffer (source, &buffer, &len, "png", NULL, NULL));
  bytes = g_bytes_new_take (buffer, len);
  botbench_avatar_options_init (&options);
  options.size = 48;
  avatar = botbench_avatar_encode_bytes_sync (bytes, "dropped.png", &options, NULL, &error);
  g_assert_no_error (error);
  assert_red_blue_avatar (avatar, 48);

  none = botbench_avatar_encode_bytes_sync (empty, "dropped.png", NULL, NULL, &error);
  g_assert_null (none);
  g_assert_error (error, BOTBENCH_AVATAR_ERROR, BOTBENCH_AVATAR_ERROR_EMPTY);
}

static void
test_format_strings (void)
{
  BotbenchAvatarFormat format = BOTBENCH_AVATAR_FORMAT_AUTO;

  g_assert_true (botbench_avatar_format_from_string ("PNG", &format));
  g_assert_cmpint (format, ==, BOTBENCH_AVATAR_FORMAT_PNG);
  g_assert_true (botbench_avatar_format_from_string ("jpg", &format));
  g_assert_cmpint (format, ==, BOTBENCH_AVATAR_FORMAT_JPEG);
  g_assert_true (botbench_avatar_format_from_string ("auto", &format));
  g_assert_cmpint (format, ==, BOTBENCH_AVATAR_FORMAT_AUTO);
  g_assert_false (botbench_avatar_format_from_string ("gif", &format));
  g_assert_false (botbench_avatar_format_from_string (NULL, &format));
  g_assert_cmpint (format, ==, BOTBENCH_AVATAR_FORMAT_AUTO);
  g_assert_cmpstr (botbench_avatar_format_to_string (BOTBENCH_AVATAR_FORMAT_JPEG), ==, "jpeg");
}

/* check_base64 */

static char *
pixbuf_base64 (GdkPixbuf  *pixbuf,
               const char *type)
{
  gchar *buffer = NULL;
  gsize len = 0;
  char *base64;

  g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &len, type, NULL, NULL));
  base64 = g_base64_encode ((guchar *)buffer, len);
  g_free (buffer);

  return base64;
}

static void
assert_check_fails (const char *base64,
                    int         code)
{
  g_autoptr(GError) error = NULL;
  guint w = 1, h = 1;

  g_assert_false (botbench_avatar_check_base64 (base64, &w, &h, &error));
  g_assert_error (error, BOTBENCH_AVATAR_ERROR, code);
  g_test_message ("check: %s", error->message);
}

static void
test_check_base64 (void)
{
  g_autoptr(GdkPixbuf) small = make_photo (40, 30);
  g_autoptr(GdkPixbuf) wide = make_red_blue (5001, 10, FALSE);
  g_autoptr(GdkPixbuf) limit = make_red_blue (5000, 10, FALSE);
  g_autofree char *small_png = pixbuf_base64 (small, "png");
  g_autofree char *small_jpeg = pixbuf_base64 (small, "jpeg");
  g_autofree char *wide_png = pixbuf_base64 (wide, "png");
  g_autofree char *limit_png = pixbuf_base64 (limit, "png");
  g_autofree char *data_uri = g_strconcat ("data:image/png;base64,", small_png, NULL);
  g_autofree char *truncated = g_strndup (small_png, strlen (small_png) / 2);
  g_autofree char *wrapped = NULL;
  g_autofree char *url_safe = g_strdup (small_png);
  const char *svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>";
  g_autofree char *svg_b64 = g_base64_encode ((const guchar *)svg, strlen (svg));
  g_autoptr(GError) error = NULL;
  guint w = 0, h = 0;

  g_assert_true (botbench_avatar_check_base64 (small_png, &w, &h, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (w, ==, 40);
  g_assert_cmpuint (h, ==, 30);

  g_assert_true (botbench_avatar_check_base64 (small_jpeg, &w, &h, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (w, ==, 40);

  g_assert_true (botbench_avatar_check_base64 (limit_png, &w, &h, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (w, ==, 5000);

  /* Wider than 5000: dropped, but the size is reported. */
  g_assert_false (botbench_avatar_check_base64 (wide_png, &w, &h, &error));
  g_assert_error (error, BOTBENCH_AVATAR_ERROR, BOTBENCH_AVATAR_ERROR_TOO_LARGE);
  g_assert_cmpuint (w, ==, 5001);
  g_assert_cmpuint (h, ==, 10);
  g_clear_error (&error);

  /* PHP's decoder skips line breaks, so wrapped base64 is kept. */
  {
    g_autofree guchar *raw = NULL;
    gsize len = 0;
    gsize n;
    int state = 0, save = 0;

    raw = g_base64_decode (small_png, &len);
    wrapped = g_malloc (len * 4 / 3 + len / 72 * 2 + 16);
    n = g_base64_encode_step (raw, len, TRUE, wrapped, &state, &save);
    n += g_base64_encode_close (TRUE, wrapped + n, &state, &save);
    wrapped[n] = '\0';
    g_assert_nonnull (strchr (wrapped, '\n'));
    g_assert_true (botbench_avatar_check_base64 (wrapped, &w, &h, &error));
    g_assert_no_error (error);
  }

  assert_check_fails ("", BOTBENCH_AVATAR_ERROR_EMPTY);
  assert_check_fails (NULL, BOTBENCH_AVATAR_ERROR_EMPTY);
  assert_check_fails ("false", BOTBENCH_AVATAR_ERROR_EMPTY);
  assert_check_fails (data_uri, BOTBENCH_AVATAR_ERROR_DATA_URI);
  assert_check_fails ("!!!! ;;;; ----", BOTBENCH_AVATAR_ERROR_NOT_AN_IMAGE);
  assert_check_fails ("SGVsbG8sIHdvcmxkIQ==", BOTBENCH_AVATAR_ERROR_NOT_AN_IMAGE);
  assert_check_fails ("this is not base64 at all, just some words", BOTBENCH_AVATAR_ERROR_NOT_AN_IMAGE);
  assert_check_fails (truncated, BOTBENCH_AVATAR_ERROR_CORRUPT);
  assert_check_fails (svg_b64, BOTBENCH_AVATAR_ERROR_UNSUPPORTED_FORMAT);

  /* The 42-byte BMP that makes gdk-pixbuf ask for 4 GB. */
  {
    guint8 bmp[42];
    g_autofree char *huge = NULL;
    g_autofree char *top_down = NULL;
    g_autofree char *header_size = NULL;
    g_autoptr(GError) bmp_error = NULL;

    make_bmp_42 (bmp, 40, 65535, 65535);
    huge = g_base64_encode (bmp, sizeof bmp);
    make_bmp_42 (bmp, 40, 65535, (guint32)-65535);
    top_down = g_base64_encode (bmp, sizeof bmp);
    make_bmp_42 (bmp, 0xfffffff0, 16, 16);
    header_size = g_base64_encode (bmp, sizeof bmp);

    g_assert_false (botbench_avatar_check_base64 (huge, &w, &h, &bmp_error));
    g_assert_error (bmp_error, BOTBENCH_AVATAR_ERROR, BOTBENCH_AVATAR_ERROR_TOO_LARGE);
    g_assert_cmpuint (w, ==, 65535);
    g_assert_cmpuint (h, ==, 65535);
    g_clear_error (&bmp_error);

    g_assert_false (botbench_avatar_check_base64 (top_down, &w, &h, &bmp_error));
    g_assert_error (bmp_error, BOTBENCH_AVATAR_ERROR, BOTBENCH_AVATAR_ERROR_TOO_LARGE);
    g_assert_cmpuint (h, ==, 65535);
    g_clear_error (&bmp_error);

    g_assert_false (botbench_avatar_check_base64 (header_size, &w, &h, &bmp_error));
    g_assert_error (bmp_error, BOTBENCH_AVATAR_ERROR, BOTBENCH_AVATAR_ERROR_CORRUPT);
    g_assert_nonnull (strstr (bmp_error->message, "header size"));
  }

  /* Formats the portal drops are refused before any decoding. */
  {
    guint8 tga[18 + 4] = { 0 };
    g_autofree char *tga_b64 = NULL;

    tga[2] = 2;
    put_le16 (tga + 12, 65535);
    put_le16 (tga + 14, 65535);
    tga[16] = 24;
    tga_b64 = g_base64_encode (tga, sizeof tga);
    assert_check_fails (tga_b64, BOTBENCH_AVATAR_ERROR_UNSUPPORTED_FORMAT);
  }

  /* URL-safe base64: PHP skips '-' and '_', so the image is corrupted. */
  g_strdelimit (url_safe, "+", '-');
  g_strdelimit (url_safe, "/", '_');
  if (strcmp (url_safe, small_png) != 0)
    {
      g_assert_false (botbench_avatar_check_base64 (url_safe, &w, &h, &error));
      g_assert_nonnull (error);
      g_assert_true (error->domain == BOTBENCH_AVATAR_ERROR);
      g_clear_error (&error);
    }
}

/* What encode produces, check accepts. */
static void
test_check_roundtrip (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GdkPixbuf) photo = make_photo (300, 200);
  g_autofree char *path = save_pixbuf (f, photo, "photo.png", "png");
  BotbenchAvatarFormat formats[] = { BOTBENCH_AVATAR_FORMAT_PNG, BOTBENCH_AVATAR_FORMAT_JPEG };

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autoptr(BotbenchAvatar) avatar = encode_size (path, 100, formats[i]);
      g_autoptr(GError) error = NULL;
      guint w = 0, h = 0;

      g_assert_true (botbench_avatar_check_base64 (botbench_avatar_get_base64 (avatar), &w, &h, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (w, ==, 100);
      g_assert_cmpuint (h, ==, 100);
    }
}

int
main (int   argc,
      char *argv[])
{
  static const char *formats[] = { "png", "jpeg", "gif", "webp", "bmp", "svg" };
  static const guint sizes[] = { 64, 512 };
  static FormatCase cases[G_N_ELEMENTS (formats) * G_N_ELEMENTS (sizes)];
  guint n = 0;

  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    for (guint j = 0; j < G_N_ELEMENTS (sizes); j++)
      {
        g_autofree char *name = g_strdup_printf ("/avatar/format/%s/%u",
                                                 formats[i], sizes[j]);

        cases[n].format = formats[i];
        cases[n].size = sizes[j];
        g_test_add (name, Fixture, &cases[n], fixture_setup, test_format, fixture_teardown);
        n++;
      }

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/avatar/exif-orientation", test_exif_orientation);
  ADD ("/avatar/exif-orientation-scaled", test_exif_orientation_scaled);
  ADD ("/avatar/exif-orientation-crop", test_exif_orientation_crop);
  ADD ("/avatar/large-jpeg", test_large_jpeg);
  ADD ("/avatar/large-png", test_large_png);
  ADD ("/avatar/tiny", test_tiny);
  ADD ("/avatar/error/empty", test_error_empty);
  ADD ("/avatar/error/not-an-image", test_error_not_an_image);
  ADD ("/avatar/error/truncated", test_error_truncated);
  ADD ("/avatar/error/corrupt", test_error_corrupt);
  ADD ("/avatar/error/too-large", test_error_too_large);
  ADD ("/avatar/error/io", test_error_io);
  ADD ("/avatar/error/unsupported", test_error_unsupported);
  ADD ("/avatar/error/hostile-headers", test_error_hostile_headers);
  ADD ("/avatar/error/fuzzed", test_error_fuzzed);
  ADD ("/avatar/error/webp-size", test_error_webp_size);
  ADD ("/avatar/error/unread-formats", test_error_unread_formats);
  ADD ("/avatar/ico-and-tiff", test_ico_and_tiff);
  ADD ("/avatar/size-clamp", test_size_clamp);
  ADD ("/avatar/auto-format", test_auto_format);
  ADD ("/avatar/transparency", test_transparency);
  ADD ("/avatar/crop", test_crop);
  ADD ("/avatar/crop-scaled-jpeg", test_crop_scaled_jpeg);
  ADD ("/avatar/async", test_async);
  ADD ("/avatar/bytes", test_bytes);
  ADD ("/avatar/check-roundtrip", test_check_roundtrip);
#undef ADD
  g_test_add_func ("/avatar/format-strings", test_format_strings);
  g_test_add_func ("/avatar/check-base64", test_check_base64);

  return g_test_run ();
}
