/* botbench-avatar.h: a picture turned into a bot's PERSONAL_PHOTO
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Loads any image gdk-pixbuf reads (PNG, JPEG, GIF, WebP, BMP, SVG, …),
 * applies the EXIF orientation, crops a square (centred, or placed by
 * focus_x/focus_y, or an explicit rectangle), scales it to the chosen size
 * (default 512 px, never above 5000 px: imbot.register silently drops larger
 * avatars) and encodes it as PNG or JPEG, base64 without a data: prefix or
 * line breaks.  Big JPEGs are decoded at 1/2, 1/4 or 1/8 scale (libjpeg's
 * DCT scaling) and SVGs are rendered at the target size, so a 6000×4000
 * photo costs a few megabytes, not a hundred.
 *
 * botbench_avatar_check_base64() answers the bot validator's question: is
 * this PERSONAL_PHOTO value something the portal keeps, or drops silently?
 */
#pragma once

#include <gio/gio.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

G_BEGIN_DECLS

#define BOTBENCH_AVATAR_DEFAULT_SIZE          512
#define BOTBENCH_AVATAR_MAX_SIZE              5000      /* the portal's limit, per side */
#define BOTBENCH_AVATAR_DEFAULT_JPEG_QUALITY  90
#define BOTBENCH_AVATAR_MAX_FILE_SIZE         (100 * 1024 * 1024)  /* bytes */
#define BOTBENCH_AVATAR_MAX_PIXELS            (100 * 1000 * 1000)  /* source pixels */

#define BOTBENCH_AVATAR_ERROR (botbench_avatar_error_quark ())

typedef enum
{
  BOTBENCH_AVATAR_ERROR_EMPTY,               /* zero-byte file, or empty PERSONAL_PHOTO */
  BOTBENCH_AVATAR_ERROR_NOT_AN_IMAGE,        /* no image format recognised (text, random bytes) */
  BOTBENCH_AVATAR_ERROR_CORRUPT,             /* recognised, but damaged or truncated */
  BOTBENCH_AVATAR_ERROR_TOO_LARGE,           /* file > 100 MB, > 100 megapixels; check: > 5000 px */
  BOTBENCH_AVATAR_ERROR_UNSUPPORTED_FORMAT,  /* an image, but no loader / a format the portal drops */
  BOTBENCH_AVATAR_ERROR_IO,                  /* the file could not be read */
  BOTBENCH_AVATAR_ERROR_INVALID_CROP,        /* the crop rectangle lies outside the image */
  BOTBENCH_AVATAR_ERROR_DATA_URI,            /* check: "data:…;base64," prefix, the portal drops it */
} BotbenchAvatarError;

GQuark botbench_avatar_error_quark (void);

typedef enum
{
  BOTBENCH_AVATAR_FORMAT_AUTO,  /* the smaller of PNG and JPEG; PNG when anything is transparent */
  BOTBENCH_AVATAR_FORMAT_PNG,
  BOTBENCH_AVATAR_FORMAT_JPEG,  /* transparent parts are flattened onto white */
} BotbenchAvatarFormat;

const char *botbench_avatar_format_to_string   (BotbenchAvatarFormat  format);
/* "auto", "png", "jpeg"/"jpg" (case-insensitive); FALSE for anything else. */
gboolean    botbench_avatar_format_from_string (const char           *string,
                                                BotbenchAvatarFormat *format);

/* Plain data: fill it with botbench_avatar_options_init() and change fields.
 * Coordinates are in source pixels after the EXIF orientation is applied. */
typedef struct _BotbenchAvatarOptions BotbenchAvatarOptions;

struct _BotbenchAvatarOptions
{
  guint                size;          /* output side; 0 = 512; clamped to 1..5000 */
  BotbenchAvatarFormat format;
  guint                jpeg_quality;  /* 1..100; 0 = 90 */

  /* Where the largest square sits when no crop rectangle is given:
   * 0.0 = left/top edge, 0.5 = centred (default), 1.0 = right/bottom edge. */
  double               focus_x;
  double               focus_y;

  /* An explicit crop.  It is clipped to the image; if it is not square, the
   * largest square centred in it is used. */
  gboolean             use_crop_rect;
  int                  crop_x;
  int                  crop_y;
  int                  crop_width;
  int                  crop_height;

  /*< private >*/
  gpointer             padding[4];
};

#define BOTBENCH_TYPE_AVATAR_OPTIONS (botbench_avatar_options_get_type ())

GType                  botbench_avatar_options_get_type (void) G_GNUC_CONST;
void                   botbench_avatar_options_init     (BotbenchAvatarOptions       *options);
BotbenchAvatarOptions *botbench_avatar_options_new      (void);
BotbenchAvatarOptions *botbench_avatar_options_copy     (const BotbenchAvatarOptions *options);
void                   botbench_avatar_options_free     (BotbenchAvatarOptions       *options);
/* The size actually produced for a requested one: 0 → 512, > 5000 → 5000. */
guint                  botbench_avatar_clamp_size       (guint                        size);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BotbenchAvatarOptions, botbench_avatar_options_free)

/* The result: immutable, safe to hand between threads. */
#define BOTBENCH_TYPE_AVATAR (botbench_avatar_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchAvatar, botbench_avatar, BOTBENCH, AVATAR, GObject)

/* Base64 of the encoded file, no "data:" prefix, no line breaks. */
const char           *botbench_avatar_get_base64        (BotbenchAvatar *self);
/* The encoded PNG or JPEG file itself. */
GBytes               *botbench_avatar_get_bytes         (BotbenchAvatar *self);
gsize                 botbench_avatar_get_byte_size     (BotbenchAvatar *self);
/* BOTBENCH_AVATAR_FORMAT_PNG or _JPEG (never AUTO). */
BotbenchAvatarFormat  botbench_avatar_get_format        (BotbenchAvatar *self);
const char           *botbench_avatar_get_mime_type     (BotbenchAvatar *self);
guint                 botbench_avatar_get_width         (BotbenchAvatar *self);
guint                 botbench_avatar_get_height        (BotbenchAvatar *self);
/* The processed square (what the base64 holds, before compression), for a preview. */
GdkPixbuf            *botbench_avatar_get_pixbuf        (BotbenchAvatar *self);
/* The source after EXIF orientation, and the square taken from it (source
 * pixels), so a crop editor can show and move it. */
guint                 botbench_avatar_get_source_width  (BotbenchAvatar *self);
guint                 botbench_avatar_get_source_height (BotbenchAvatar *self);
void                  botbench_avatar_get_crop          (BotbenchAvatar *self,
                                                         int            *x,
                                                         int            *y,
                                                         int            *side);
/* gdk-pixbuf's name of the source format ("png", "jpeg", "svg", …). */
const char           *botbench_avatar_get_source_format (BotbenchAvatar *self);

/* options may be NULL (defaults).  Blocks: for the CLI, tests, or a thread. */
BotbenchAvatar *botbench_avatar_encode_sync       (GFile                        *file,
                                                   const BotbenchAvatarOptions  *options,
                                                   GCancellable                 *cancellable,
                                                   GError                      **error);
/* The same for image data already in memory (a drop, a paste); name is
 * only used in error messages and may be NULL. */
BotbenchAvatar *botbench_avatar_encode_bytes_sync (GBytes                       *bytes,
                                                   const char                   *name,
                                                   const BotbenchAvatarOptions  *options,
                                                   GCancellable                 *cancellable,
                                                   GError                      **error);
/* Runs encode_sync in a worker thread (g_task_run_in_thread). */
void            botbench_avatar_encode_async      (GFile                        *file,
                                                   const BotbenchAvatarOptions  *options,
                                                   GCancellable                 *cancellable,
                                                   GAsyncReadyCallback           callback,
                                                   gpointer                      user_data);
BotbenchAvatar *botbench_avatar_encode_finish     (GAsyncResult                 *result,
                                                   GError                      **error);

/* Would the portal keep this PERSONAL_PHOTO value?  Decodes it the way PHP's
 * lenient base64_decode does (characters outside the alphabet are skipped)
 * and returns TRUE for a complete PNG, JPEG, GIF, WebP or BMP image of at
 * most 5000×5000 px.  Otherwise FALSE with the reason: EMPTY, DATA_URI,
 * NOT_AN_IMAGE, CORRUPT, TOO_LARGE (wider or taller than 5000 px) or
 * UNSUPPORTED_FORMAT (e.g. SVG, which the portal cannot size).  width and
 * height (may be NULL) get the image's size whenever it could be read, also
 * when it is too large; 0 otherwise.  Fast: JPEGs are decoded at 1/8 scale. */
gboolean botbench_avatar_check_base64 (const char  *base64,
                                       guint       *width,
                                       guint       *height,
                                       GError     **error);

G_END_DECLS
