/* botbench-avatar-section.c: the Avatar group of the bot editor: the drop
 * area, the file chooser, size and crop, and the preview of the encoded
 * picture
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "botbench-avatar-section"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "botbench-application-private.h"
#include "botbench-avatar-section.h"
#include "botbench-bot-editor-internal.h"

struct _BotbenchAvatarSection
{
  AdwPreferencesGroup  parent_instance;

  BotbenchAvatar      *avatar;
  GFile               *avatar_file;
  GCancellable        *avatar_cancellable;
  char                *avatar_base64;  /* kept from a loaded definition */
  char                *avatar_error;   /* why the last picked file failed */
  guint                avatar_crop_source;
  guint                loading : 1;
  guint                encoding : 1;

  /* Template widgets */
  AdwActionRow        *avatar_row;
  GtkPicture          *avatar_picture;
  GtkButton           *avatar_remove_button;
  GtkSpinButton       *avatar_size_spin;
  GtkRange            *avatar_crop_scale;
};

G_DEFINE_FINAL_TYPE (BotbenchAvatarSection, botbench_avatar_section, ADW_TYPE_PREFERENCES_GROUP)

enum {
  PROP_0,
  PROP_ENCODING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* A running encoding is dropped: the spinner may stop. */
static void
botbench_avatar_section_stop_encoding (BotbenchAvatarSection *self)
{
  gboolean was_encoding = self->encoding;

  g_cancellable_cancel (self->avatar_cancellable);
  g_clear_object (&self->avatar_cancellable);
  g_clear_object (&self->avatar_file);
  self->encoding = FALSE;
  if (was_encoding)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENCODING]);
}

static void
botbench_avatar_section_update_row (BotbenchAvatarSection *self,
                                    const GError          *error)
{
  g_autofree char *subtitle = NULL;
  g_autofree char *escaped = NULL;

  g_free (self->avatar_error);
  self->avatar_error = error != NULL ? g_strdup (error->message) : NULL;

  if (error != NULL)
    subtitle = g_strdup (error->message);
  else if (self->encoding)
    subtitle = g_strdup (_("Converting…"));
  else if (self->avatar != NULL)
    {
      g_autofree char *size = g_format_size (botbench_avatar_get_byte_size (self->avatar));
      BotbenchAvatarFormat format = botbench_avatar_get_format (self->avatar);

      /* Translators: the avatar's size, e.g. "512 × 512 px · PNG · 41.2 kB" */
      subtitle = g_strdup_printf (_("%u × %u px · %s · %s"),
                                  botbench_avatar_get_width (self->avatar),
                                  botbench_avatar_get_height (self->avatar),
                                  format == BOTBENCH_AVATAR_FORMAT_JPEG ? "JPEG" : "PNG",
                                  size);
    }
  else if (self->avatar_base64 != NULL)
    {
      g_autofree char *size = g_format_size (strlen (self->avatar_base64) * 3 / 4);

      /* Translators: a saved avatar, %s its size */
      subtitle = g_strdup_printf (_("Saved picture · %s"), size);
    }
  else
    subtitle = g_strdup (_("None"));

  escaped = g_markup_escape_text (subtitle, -1);
  adw_action_row_set_subtitle (self->avatar_row, escaped);
  gtk_widget_set_sensitive (GTK_WIDGET (self->avatar_remove_button),
                            self->avatar != NULL || self->avatar_base64 != NULL);
}

static void
botbench_avatar_section_set_avatar (BotbenchAvatarSection *self,
                                    BotbenchAvatar        *avatar)
{
  g_set_object (&self->avatar, avatar);

  if (avatar != NULL)
    {
      g_autoptr(GdkTexture) texture = gdk_texture_new_for_pixbuf (botbench_avatar_get_pixbuf (avatar));

      gtk_picture_set_paintable (self->avatar_picture, GDK_PAINTABLE (texture));
      g_clear_pointer (&self->avatar_base64, g_free);
    }
  else if (self->avatar_base64 != NULL)
    {
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GdkTexture) texture = NULL;
      guchar *data;
      gsize len;

      data = g_base64_decode (self->avatar_base64, &len);
      bytes = g_bytes_new_take (data, len);
      texture = gdk_texture_new_from_bytes (bytes, NULL);
      gtk_picture_set_paintable (self->avatar_picture, GDK_PAINTABLE (texture));
    }
  else
    gtk_picture_set_paintable (self->avatar_picture, NULL);

  botbench_avatar_section_update_row (self, NULL);
}

static void
avatar_encoded_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(BotbenchAvatarSection) self = user_data;
  g_autoptr(BotbenchAvatar) avatar = NULL;
  g_autoptr(GError) error = NULL;

  avatar = botbench_avatar_encode_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->encoding = FALSE;
  g_clear_object (&self->avatar_cancellable);

  if (avatar == NULL)
    botbench_avatar_section_update_row (self, error);
  else
    botbench_avatar_section_set_avatar (self, avatar);

  /* The editor validates the form again now. */
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENCODING]);
}

static void
botbench_avatar_section_encode (BotbenchAvatarSection *self)
{
  BotbenchAvatarOptions options;

  if (self->avatar_file == NULL)
    return;

  g_cancellable_cancel (self->avatar_cancellable);
  g_clear_object (&self->avatar_cancellable);
  self->avatar_cancellable = g_cancellable_new ();

  botbench_avatar_options_init (&options);
  options.size = gtk_spin_button_get_value_as_int (self->avatar_size_spin);
  /* Along the longer side: left to right for a wide picture, top to
   * bottom for a tall one. */
  options.focus_x = options.focus_y = gtk_range_get_value (self->avatar_crop_scale);

  self->encoding = TRUE;
  botbench_avatar_section_update_row (self, NULL);
  /* The editor's spinner turns on. */
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENCODING]);
  botbench_avatar_encode_async (self->avatar_file, &options, self->avatar_cancellable,
                                avatar_encoded_cb, g_object_ref (self));
}

static void
avatar_size_changed_cb (BotbenchAvatarSection *self)
{
  if (!self->loading)
    botbench_avatar_section_encode (self);
}

static gboolean
avatar_crop_settled_cb (gpointer data)
{
  BotbenchAvatarSection *self = data;

  self->avatar_crop_source = 0;
  botbench_avatar_section_encode (self);
  return G_SOURCE_REMOVE;
}

/* Dragging the slider re-encodes once it rests, not at every step. */
static void
avatar_crop_changed_cb (BotbenchAvatarSection *self)
{
  if (self->loading)
    return;

  g_clear_handle_id (&self->avatar_crop_source, g_source_remove);
  self->avatar_crop_source = g_timeout_add (150, avatar_crop_settled_cb, self);
}

static void
avatar_chooser_response_cb (BotbenchAvatarSection *self,
                            int                    response,
                            GtkFileChooserNative  *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        botbench_avatar_section_load_file (self, file);
    }
  g_object_unref (chooser);
}

static gboolean
avatar_drop_cb (BotbenchAvatarSection *self,
                const GValue          *value,
                double                 x,
                double                 y,
                GtkDropTarget         *target)
{
  GFile *file = g_value_get_object (value);

  if (file == NULL)
    return FALSE;

  botbench_avatar_section_load_file (self, file);
  return TRUE;
}

static void
botbench_avatar_section_dispose (GObject *object)
{
  BotbenchAvatarSection *self = (BotbenchAvatarSection *)object;

  g_cancellable_cancel (self->avatar_cancellable);
  g_clear_handle_id (&self->avatar_crop_source, g_source_remove);

  gtk_widget_dispose_template (GTK_WIDGET (self), BOTBENCH_TYPE_AVATAR_SECTION);

  g_clear_object (&self->avatar);
  g_clear_object (&self->avatar_file);
  g_clear_object (&self->avatar_cancellable);
  g_clear_pointer (&self->avatar_base64, g_free);
  g_clear_pointer (&self->avatar_error, g_free);

  G_OBJECT_CLASS (botbench_avatar_section_parent_class)->dispose (object);
}

static void
botbench_avatar_section_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  BotbenchAvatarSection *self = BOTBENCH_AVATAR_SECTION (object);

  switch (prop_id)
    {
    case PROP_ENCODING:
      g_value_set_boolean (value, self->encoding);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
botbench_avatar_section_class_init (BotbenchAvatarSectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = botbench_avatar_section_dispose;
  object_class->get_property = botbench_avatar_section_get_property;

  properties[PROP_ENCODING] =
    g_param_spec_boolean ("encoding", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  _botbench_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/botbench/Botbench/botbench-avatar-section.ui");
  gtk_widget_class_bind_template_child (widget_class, BotbenchAvatarSection, avatar_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchAvatarSection, avatar_picture);
  gtk_widget_class_bind_template_child (widget_class, BotbenchAvatarSection, avatar_remove_button);
  gtk_widget_class_bind_template_child (widget_class, BotbenchAvatarSection, avatar_size_spin);
  gtk_widget_class_bind_template_child (widget_class, BotbenchAvatarSection, avatar_crop_scale);
  gtk_widget_class_bind_template_callback (widget_class, avatar_size_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, avatar_crop_changed_cb);
}

static void
botbench_avatar_section_init (BotbenchAvatarSection *self)
{
  GtkDropTarget *drop;

  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_spin_button_configure (self->avatar_size_spin,
                             gtk_adjustment_new (16, 16, BOTBENCH_AVATAR_MAX_SIZE, 16, 160, 0),
                             16, 0);
  gtk_spin_button_set_value (self->avatar_size_spin, BOTBENCH_AVATAR_DEFAULT_SIZE);

  drop = gtk_drop_target_new (G_TYPE_FILE, GDK_ACTION_COPY);
  g_signal_connect_object (drop, "drop", G_CALLBACK (avatar_drop_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
}

void
botbench_avatar_section_add_fields (BotbenchAvatarSection *self,
                                    BotbenchBotEditor     *editor)
{
  g_return_if_fail (BOTBENCH_IS_AVATAR_SECTION (self));

  _botbench_bot_editor_add_field (editor, "PROPERTIES.PERSONAL_PHOTO", GTK_WIDGET (self->avatar_row));
}

void
botbench_avatar_section_load (BotbenchAvatarSection *self,
                              BotbenchBot           *bot)
{
  g_return_if_fail (BOTBENCH_IS_AVATAR_SECTION (self));

  botbench_avatar_section_stop_encoding (self);
  g_free (self->avatar_base64);
  self->avatar_base64 = g_strdup (bot ? botbench_bot_get_property_value (bot, BOTBENCH_BOT_PROPERTY_PERSONAL_PHOTO) : NULL);
  botbench_avatar_section_set_avatar (self, NULL);
}

void
botbench_avatar_section_apply (BotbenchAvatarSection *self,
                               BotbenchBot           *bot)
{
  g_return_if_fail (BOTBENCH_IS_AVATAR_SECTION (self));

  if (self->avatar != NULL)
    botbench_bot_set_property_value (bot, BOTBENCH_BOT_PROPERTY_PERSONAL_PHOTO,
                                     botbench_avatar_get_base64 (self->avatar));
  else
    botbench_bot_set_property_value (bot, BOTBENCH_BOT_PROPERTY_PERSONAL_PHOTO, self->avatar_base64);
}

void
botbench_avatar_section_reset_options (BotbenchAvatarSection *self)
{
  g_return_if_fail (BOTBENCH_IS_AVATAR_SECTION (self));

  self->loading = TRUE;
  gtk_spin_button_set_value (self->avatar_size_spin, BOTBENCH_AVATAR_DEFAULT_SIZE);
  gtk_range_set_value (self->avatar_crop_scale, 0.5);
  self->loading = FALSE;
}

void
botbench_avatar_section_load_file (BotbenchAvatarSection *self,
                                   GFile                 *file)
{
  g_return_if_fail (BOTBENCH_IS_AVATAR_SECTION (self));
  g_return_if_fail (G_IS_FILE (file));

  g_set_object (&self->avatar_file, file);
  botbench_avatar_section_encode (self);
}

void
botbench_avatar_section_choose (BotbenchAvatarSection *self)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  g_return_if_fail (BOTBENCH_IS_AVATAR_SECTION (self));

  chooser = gtk_file_chooser_native_new (_("Choose an Avatar"),
                                         GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                         GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Open"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("Images"));
  gtk_file_filter_add_pixbuf_formats (filter);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect_object (chooser, "response", G_CALLBACK (avatar_chooser_response_cb),
                           self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

void
botbench_avatar_section_remove (BotbenchAvatarSection *self)
{
  g_return_if_fail (BOTBENCH_IS_AVATAR_SECTION (self));

  botbench_avatar_section_stop_encoding (self);
  g_clear_pointer (&self->avatar_base64, g_free);
  botbench_avatar_section_set_avatar (self, NULL);
}

BotbenchAvatar *
botbench_avatar_section_get_avatar (BotbenchAvatarSection *self)
{
  g_return_val_if_fail (BOTBENCH_IS_AVATAR_SECTION (self), NULL);

  return self->avatar;
}

gboolean
botbench_avatar_section_get_encoding (BotbenchAvatarSection *self)
{
  g_return_val_if_fail (BOTBENCH_IS_AVATAR_SECTION (self), FALSE);

  return self->encoding;
}

const char *
botbench_avatar_section_get_error (BotbenchAvatarSection *self)
{
  g_return_val_if_fail (BOTBENCH_IS_AVATAR_SECTION (self), NULL);

  return self->avatar_error;
}
