/* botbench-avatar-private.h: what the botbench-avatar-*.c files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The avatar's instance struct, and the decoder: its state, built by
 * botbench-avatar-decoder.c, with the header checks of
 * botbench-avatar-sniff.c; botbench-avatar-encode.c crops and encodes what
 * it decodes.
 */
#pragma once

#include "botbench-avatar.h"

G_BEGIN_DECLS

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

#define READ_CHUNK     (64 * 1024)
#define HEAD_SIZE      64
#define TAIL_SIZE      64
/* What gdk-pixbuf's loader sniffs the format from (SNIFF_BUFFER_SIZE). */
#define SNIFF_SIZE     4096
/* A header that goes on longer than this (PNM comments) is refused. */
#define MAX_HEADER     (64 * 1024)
/* check_base64 wants to know that the image decodes, not to see it. */
#define CHECK_SCALE    1e-6

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
} BotbenchAvatarDecoder;

typedef enum
{
  BOTBENCH_AVATAR_HEADER_OK,
  BOTBENCH_AVATAR_HEADER_NEED_MORE,   /* not all of the header is here yet */
  BOTBENCH_AVATAR_HEADER_REFUSED,     /* error set */
} BotbenchAvatarHeaderCheck;

/* botbench-avatar-decoder.c */
/* @options: NULL for full size; @check: check_base64's smallest decode and
 * 5000 px limit. */
void                       _botbench_avatar_decoder_init         (BotbenchAvatarDecoder       *d,
                                                                  const BotbenchAvatarOptions *options,
                                                                  guint                        out_size,
                                                                  gboolean                     check);
void                       _botbench_avatar_decoder_clear        (BotbenchAvatarDecoder       *d);
GdkPixbuf                 *_botbench_avatar_decoder_run          (BotbenchAvatarDecoder       *d,
                                                                  GInputStream                *stream,
                                                                  const char                  *name,
                                                                  GCancellable                *cancellable,
                                                                  GError                     **error);
gboolean                   _botbench_avatar_decoder_is_format    (const BotbenchAvatarDecoder *d,
                                                                  const char                  *name);
const char                *_botbench_avatar_decoder_describe     (const BotbenchAvatarDecoder *d);
void                       _botbench_avatar_decoder_set_error    (const BotbenchAvatarDecoder *d,
                                                                  const char                  *name,
                                                                  const GError                *pixbuf_error,
                                                                  GError                     **error);

/* botbench-avatar-sniff.c */
BotbenchAvatarHeaderCheck  _botbench_avatar_header_corrupt       (const BotbenchAvatarDecoder *d,
                                                                  const char                  *name,
                                                                  const char                  *why,
                                                                  GError                     **error);
BotbenchAvatarHeaderCheck  _botbench_avatar_decoder_check_header (BotbenchAvatarDecoder       *d,
                                                                  const guint8                *p,
                                                                  gsize                        len,
                                                                  gboolean                     complete,
                                                                  const char                  *name,
                                                                  GError                     **error);

/* botbench-avatar-encode.c */
BotbenchAvatar            *_botbench_avatar_encode_stream        (GInputStream                *stream,
                                                                  const char                  *name,
                                                                  const BotbenchAvatarOptions *options,
                                                                  GCancellable                *cancellable,
                                                                  GError                     **error);

G_END_DECLS
