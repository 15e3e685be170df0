/* fuzz-avatar.c: the avatar check and encoder on arbitrary image bytes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Input: an image file.  The bot validator's check sees it as the
 * PERSONAL_PHOTO base64 of those bytes (and the raw bytes as a
 * PERSONAL_PHOTO string, for the lenient base64 decoder); when the check
 * accepts a picture of at most 4 megapixels, the synchronous encoder (what the
 * Bots page runs on a worker thread) turns it into a 64 px avatar.
 * Seeds: fuzz/seeds/avatar/ and tests/images/.
 */
#include "config.h"

#include "botbench-core.h"
#include "fuzz-common.h"

/* Larger pictures take the same path, only slower. */
#define ENCODE_MAX_PIXELS (4 * 1000 * 1000)

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_init_environment ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *base64 = g_base64_encode (data, size);
  g_autofree char *raw = g_strndup ((const char *)data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) raw_error = NULL;
  guint width = 0, height = 0;
  gboolean ok;

  ok = botbench_avatar_check_base64 (base64, &width, &height, &error);
  g_assert (ok == (error == NULL));
  botbench_avatar_check_base64 (raw, NULL, NULL, &raw_error);

  if (ok && (guint64)width * height <= ENCODE_MAX_PIXELS)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (data, size);
      g_autoptr(BotbenchAvatar) avatar = NULL;
      g_autoptr(GError) encode_error = NULL;
      BotbenchAvatarOptions options;

      botbench_avatar_options_init (&options);
      options.size = 64;
      avatar = botbench_avatar_encode_bytes_sync (bytes, "fuzz", &options, NULL, &encode_error);
      g_assert ((avatar == NULL) != (encode_error == NULL));
      if (avatar != NULL)
        {
          g_assert_cmpuint (botbench_avatar_get_width (avatar), ==, 64);
          g_assert_nonnull (botbench_avatar_get_base64 (avatar));
        }
    }

  return 0;
}
