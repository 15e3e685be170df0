/* botbench-cli-avatar.c: avatar, an image as a bot's PERSONAL_PHOTO
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "botbench-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "botbench-core.h"
#include "botbench-avatar.h"
#include "botbench-cli-private.h"

int
botbench_cli_avatar (int    argc,
                     char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(BotbenchAvatar) avatar = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *format = NULL;
  BotbenchAvatarOptions options;
  int size = BOTBENCH_AVATAR_DEFAULT_SIZE;
  int status;
  const GOptionEntry entries[] = {
    { "size", 0, 0, G_OPTION_ARG_INT, &size, N_("Side of the square in pixels (default 512, at most 5000)"), N_("N") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format, N_("png, jpeg, or auto: the smaller of the two (default)"), N_("png|jpeg") },
    { NULL }
  };

  context = g_option_context_new (_("FILE — print an image as a PERSONAL_PHOTO"));
  g_option_context_set_summary (context,
    _("Turns FILE (PNG, JPEG, GIF, WebP, BMP, SVG) into a square avatar: EXIF\n"
      "orientation applied, centred crop, scaled to --size, encoded, and printed\n"
      "as base64 without a data: prefix or line breaks, ready for\n"
      "PROPERTIES[PERSONAL_PHOTO]. Sizes and format go to standard error."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((status = botbench_cli_parse_options (context, &argc, &argv)) >= 0)
    return status;

  if (argc != 2)
    return botbench_cli_usage_error (context, _("avatar takes one FILE"));
  if (size <= 0)
    return botbench_cli_usage_error (context, _("--size must be a positive number of pixels"));

  botbench_avatar_options_init (&options);
  if (format != NULL && !botbench_avatar_format_from_string (format, &options.format))
    return botbench_cli_usage_error (context, _("--format must be png, jpeg or auto"));

  if ((guint)size > BOTBENCH_AVATAR_MAX_SIZE)
    g_printerr (_("Warning: %d px is larger than the portal keeps; using %u px\n"),
                size, BOTBENCH_AVATAR_MAX_SIZE);
  options.size = botbench_avatar_clamp_size ((guint)size);

  file = g_file_new_for_commandline_arg (argv[1]);
  avatar = botbench_avatar_encode_sync (file, &options, NULL, &error);
  if (avatar == NULL)
    {
      g_printerr ("%s\n", error->message);
      return EXIT_FAILURE;
    }

  g_printerr (g_dngettext (GETTEXT_PACKAGE, "%u×%u %s from a %u×%u image, %lu byte (%lu as base64)\n",
                           "%u×%u %s from a %u×%u image, %lu bytes (%lu as base64)\n",
                           botbench_avatar_get_byte_size (avatar)),
              botbench_avatar_get_width (avatar), botbench_avatar_get_height (avatar),
              botbench_avatar_format_to_string (botbench_avatar_get_format (avatar)),
              botbench_avatar_get_source_width (avatar), botbench_avatar_get_source_height (avatar),
              (unsigned long) botbench_avatar_get_byte_size (avatar),
              (unsigned long) strlen (botbench_avatar_get_base64 (avatar)));

  fputs (botbench_avatar_get_base64 (avatar), stdout);
  /* Piped output is exactly the base64; a terminal gets a newline. */
  if (isatty (STDOUT_FILENO))
    fputc ('\n', stdout);
  fflush (stdout);

  return EXIT_SUCCESS;
}
