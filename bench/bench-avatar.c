/* bench-avatar.c: photo → 512 px avatar base64, ours vs ImageMagick
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Generates a 4000×3000 photo-like JPEG (gradients plus noise) in a
 * temporary directory, then times, in the same run, best of N:
 *   - botbench_avatar_encode_sync () to 512 px PNG (what ImageMagick makes)
 *     and with the "auto" policy (the app's default);
 *   - convert in.jpg -auto-orient -gravity center -crop 3000x3000+0+0
 *     -resize 512x512 png:- | base64 -w0
 * and prints both, the ratio, and the process start-up cost of convert
 * alone so the reader can judge.  Prints figures only; it asserts nothing.
 *
 * Usage: bench-avatar [RUNS]   (default 9).  BOTBENCH_CONVERT names the
 * convert binary (default /usr/bin/convert, then convert on PATH).
 */
#define G_LOG_DOMAIN "bench-avatar"

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "botbench-avatar.h"

#define SRC_WIDTH   4000
#define SRC_HEIGHT  3000
#define OUT_SIZE    512

static GdkPixbuf *
make_photo (int width,
            int height)
{
  GdkPixbuf *pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int rowstride = gdk_pixbuf_get_rowstride (pixbuf);
  guint32 seed = 4242;

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint8 *p = pixels + (gsize)y * rowstride + x * 3;
        int cx = x - width / 2;
        int cy = y - height / 2;
        int ring = ((cx * cx + cy * cy) >> 12) & 0x3f;
        int noise;

        seed = seed * 1103515245 + 12345;
        noise = (int)((seed >> 16) & 0x1f) - 16;
        p[0] = CLAMP (x * 200 / width + ring + noise, 0, 255);
        p[1] = CLAMP (y * 200 / height + noise, 0, 255);
        p[2] = CLAMP (90 + ring * 2 + noise, 0, 255);
      }

  return pixbuf;
}

static double
time_ours (const char           *path,
           BotbenchAvatarFormat  format,
           guint                 runs,
           gsize                *out_len,
           const char          **out_format)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  BotbenchAvatarOptions options;
  double best = G_MAXDOUBLE;

  botbench_avatar_options_init (&options);
  options.size = OUT_SIZE;
  options.format = format;

  for (guint i = 0; i < runs; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(BotbenchAvatar) avatar = NULL;
      gint64 start = g_get_monotonic_time ();
      double elapsed;

      avatar = botbench_avatar_encode_sync (file, &options, NULL, &error);
      elapsed = (g_get_monotonic_time () - start) / 1e6;
      if (avatar == NULL)
        g_error ("encode failed: %s", error->message);
      best = MIN (best, elapsed);
      *out_len = strlen (botbench_avatar_get_base64 (avatar));
      *out_format = botbench_avatar_format_to_string (botbench_avatar_get_format (avatar));
    }

  return best;
}

static double
time_command (const char *command,
              guint       runs,
              gsize      *out_len)
{
  double best = G_MAXDOUBLE;

  for (guint i = 0; i < runs; i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      g_autoptr(GError) error = NULL;
      const char *argv[] = { "/bin/sh", "-c", command, NULL };
      int status = 0;
      gint64 start = g_get_monotonic_time ();
      double elapsed;

      if (!g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                         &out, &err, &status, &error))
        g_error ("cannot run %s: %s", command, error->message);
      elapsed = (g_get_monotonic_time () - start) / 1e6;
      if (!g_spawn_check_wait_status (status, &error))
        {
          g_printerr ("command failed: %s\n%s\n", command, err ? err : "");
          return -1;
        }
      best = MIN (best, elapsed);
      *out_len = out != NULL ? strlen (g_strstrip (out)) : 0;
    }

  return best;
}

static char *
find_convert (void)
{
  const char *env = g_getenv ("BOTBENCH_CONVERT");

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  if (g_file_test ("/usr/bin/convert", G_FILE_TEST_IS_EXECUTABLE))
    return g_strdup ("/usr/bin/convert");
  return g_find_program_in_path ("convert");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) photo = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *convert = NULL;
  g_autofree char *quoted_path = NULL;
  g_autofree char *quoted_convert = NULL;
  g_autofree char *command = NULL;
  g_autofree char *startup = NULL;
  guint runs = argc > 1 ? (guint)MAX (1, atoi (argv[1])) : 9;
  const char *png_format = NULL;
  const char *auto_format = NULL;
  gsize png_len = 0, auto_len = 0, im_len = 0, startup_len = 0;
  double ours_png, ours_auto, im, im_startup;
  struct rusage usage;
  struct stat st;
  int side = MIN (SRC_WIDTH, SRC_HEIGHT);

  setlocale (LC_ALL, "");

  /* The source is drawn in a child process, so that the 36 MB it takes
   * does not show in our peak memory. */
  if (argc == 3 && g_str_equal (argv[1], "--generate"))
    {
      photo = make_photo (SRC_WIDTH, SRC_HEIGHT);
      gdk_pixbuf_save (photo, argv[2], "jpeg", &error, "quality", "90", NULL);
      g_assert_no_error (error);
      return 0;
    }

  dir = g_dir_make_tmp ("bench-avatar-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "photo.jpg", NULL);

  {
    g_autofree char *self = g_file_test (argv[0], G_FILE_TEST_IS_EXECUTABLE) && strchr (argv[0], '/')
                            ? g_strdup (argv[0]) : g_find_program_in_path (argv[0]);
    const char *gen_argv[] = { self, "--generate", path, NULL };
    int status = 0;

    if (!g_spawn_sync (NULL, (char **)gen_argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL,
                       &status, &error) ||
        !g_spawn_check_wait_status (status, &error))
      g_error ("cannot generate the source: %s", error->message);
  }
  g_stat (path, &st);

  g_print ("Source: %d×%d photo-like JPEG, %.1f MB; output %d px, best of %u runs\n",
           SRC_WIDTH, SRC_HEIGHT, st.st_size / 1e6, OUT_SIZE, runs);

  /* One warm-up run loads the gdk-pixbuf modules. */
  time_ours (path, BOTBENCH_AVATAR_FORMAT_PNG, 1, &png_len, &png_format);
  ours_png = time_ours (path, BOTBENCH_AVATAR_FORMAT_PNG, runs, &png_len, &png_format);
  ours_auto = time_ours (path, BOTBENCH_AVATAR_FORMAT_AUTO, runs, &auto_len, &auto_format);
  getrusage (RUSAGE_SELF, &usage);

  g_print ("botbench (png):   %8.1f ms   base64 %" G_GSIZE_FORMAT " chars\n",
           ours_png * 1000, png_len);
  g_print ("botbench (auto):  %8.1f ms   base64 %" G_GSIZE_FORMAT " chars (%s)\n",
           ours_auto * 1000, auto_len, auto_format);
  g_print ("botbench max RSS: %8.1f MB, whole process (the source decoded in full would be %.1f MB)\n",
           usage.ru_maxrss / 1024.0, SRC_WIDTH * SRC_HEIGHT * 3 / 1e6);

  convert = find_convert ();
  if (convert == NULL)
    {
      g_print ("ImageMagick convert not found; no comparison\n");
      goto out;
    }

  quoted_path = g_shell_quote (path);
  quoted_convert = g_shell_quote (convert);
  command = g_strdup_printf ("%s %s -auto-orient -gravity center -crop %dx%d+0+0 "
                             "-resize %dx%d png:- | base64 -w0",
                             quoted_convert, quoted_path, side, side, OUT_SIZE, OUT_SIZE);
  startup = g_strdup_printf ("%s -version > /dev/null", quoted_convert);

  im = time_command (command, runs, &im_len);
  im_startup = time_command (startup, runs, &startup_len);
  if (im < 0)
    goto out;

  g_print ("ImageMagick:      %8.1f ms   base64 %" G_GSIZE_FORMAT " chars (%s)\n",
           im * 1000, im_len, convert);
  g_print ("  of which process start-up (convert -version): %.1f ms\n", im_startup * 1000);
  g_print ("ratio botbench/ImageMagick: png %.3f×, auto %.3f× (target ≤ 0.25×)\n",
           ours_png / im, ours_auto / im);
  g_print ("sizes: botbench png %.0f%%, auto %.0f%% of ImageMagick's base64\n",
           100.0 * png_len / im_len, 100.0 * auto_len / im_len);

out:
  g_unlink (path);
  g_rmdir (dir);

  return 0;
}
