/* botbench-bot-editor.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "botbench-bot-editor"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "botbench-application-private.h"
#include "botbench-bot-editor-private.h"

/* Long values (PERSONAL_PHOTO) are cut in the preview, not in the request. */
#define PREVIEW_MAX_VALUE 120

G_DEFINE_FINAL_TYPE (BotbenchBotEditor, botbench_bot_editor, GTK_TYPE_WIDGET)

enum {
  CLOSED,
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void botbench_bot_editor_validate         (BotbenchBotEditor *self);
static void botbench_bot_editor_update_commands  (BotbenchBotEditor *self);
static void command_edit_clicked_cb              (GtkButton         *button,
                                                  BotbenchBotEditor *self);

static const char *property_titles[BOTBENCH_BOT_N_PROPERTIES] = {
  N_("Name"),
  N_("Last Name"),
  N_("E-mail"),
  N_("Birthday (YYYY-MM-DD)"),
  N_("Work Position"),
  N_("Website"),
  NULL,  /* PERSONAL_PHOTO: the avatar group */
};

static void
field_free (gpointer data)
{
  g_free (data);
}

static void
botbench_bot_editor_toast (BotbenchBotEditor *self,
                           const char        *text)
{
  /* win.toast escapes the markup. */
  gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", text);
}

static void
botbench_bot_editor_show_banner (BotbenchBotEditor *self,
                                 const char        *text)
{
  gtk_label_set_label (self->banner_label, text != NULL ? text : "");
  gtk_revealer_set_reveal_child (self->banner_revealer, text != NULL);
}

static BotbenchBotEditorField *
botbench_bot_editor_add_field (BotbenchBotEditor *self,
                               const char        *key,
                               GtkWidget         *row)
{
  BotbenchBotEditorField *field = g_new0 (BotbenchBotEditorField, 1);

  field->row = row;
  field->icon = gtk_image_new ();
  gtk_widget_set_visible (field->icon, FALSE);
  gtk_widget_set_valign (field->icon, GTK_ALIGN_CENTER);
  if (ADW_IS_ENTRY_ROW (row))
    adw_entry_row_add_suffix (ADW_ENTRY_ROW (row), field->icon);
  else if (ADW_IS_ACTION_ROW (row))
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), field->icon);
  else if (ADW_IS_EXPANDER_ROW (row))
    adw_expander_row_add_action (ADW_EXPANDER_ROW (row), field->icon);

  g_hash_table_insert (self->fields, g_strdup (key), field);
  return field;
}

/* Entries, in a boxed list with the field message below the group. */
static AdwEntryRow *
botbench_bot_editor_add_entry (BotbenchBotEditor   *self,
                               AdwPreferencesGroup *group,
                               AdwExpanderRow      *expander,
                               const char          *key,
                               const char          *title)
{
  GtkWidget *row = adw_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), FALSE);
  g_signal_connect_object (row, "changed", G_CALLBACK (botbench_bot_editor_validate),
                           self, G_CONNECT_SWAPPED);
  if (expander != NULL)
    adw_expander_row_add_row (expander, row);
  else
    adw_preferences_group_add (group, row);
  botbench_bot_editor_add_field (self, key, row);

  return ADW_ENTRY_ROW (row);
}

/* One label per group, below it, for the messages of its fields. */
static GtkLabel *
group_message_label (AdwPreferencesGroup *group)
{
  GtkLabel *label = g_object_get_data (G_OBJECT (group), "message");

  if (label == NULL)
    {
      label = GTK_LABEL (gtk_label_new (NULL));
      gtk_label_set_xalign (label, 0);
      gtk_label_set_wrap (label, TRUE);
      gtk_widget_set_margin_top (GTK_WIDGET (label), 6);
      gtk_widget_set_visible (GTK_WIDGET (label), FALSE);
      gtk_widget_add_css_class (GTK_WIDGET (label), "field-message");
      adw_preferences_group_add (group, GTK_WIDGET (label));
      g_object_set_data (G_OBJECT (group), "message", label);
    }
  return label;
}

static void
set_text (AdwEntryRow *row,
          const char  *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row), text != NULL ? text : "");
}

static const char *
get_text (AdwEntryRow *row)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (row));

  return *text != '\0' ? text : NULL;
}

/* Form ↔ definition */

BotbenchBot *
botbench_bot_editor_dup_form_bot (BotbenchBotEditor *self)
{
  BotbenchBot *bot;
  BotbenchBotColor color = BOTBENCH_BOT_COLOR_NONE;

  g_return_val_if_fail (BOTBENCH_IS_BOT_EDITOR (self), NULL);

  bot = self->bot != NULL ? botbench_bot_copy (self->bot) : botbench_bot_new ();
  botbench_bot_set_code (bot, get_text (self->code_row));
  botbench_bot_set_bot_type (bot, adw_combo_row_get_selected (self->type_row));
  botbench_bot_set_openline (bot, gtk_switch_get_active (self->openline_switch));
  botbench_bot_set_event_handler (bot, get_text (self->event_handler_row));
  for (guint i = 0; i < BOTBENCH_BOT_N_HANDLERS; i++)
    botbench_bot_set_handler (bot, i, get_text (self->handler_rows[i]));
  for (guint i = 0; i < BOTBENCH_BOT_N_PROPERTIES; i++)
    if (self->property_rows[i] != NULL)
      botbench_bot_set_property_value (bot, i, get_text (self->property_rows[i]));
  for (guint i = 1; i <= BOTBENCH_BOT_N_COLORS; i++)
    if (gtk_toggle_button_get_active (self->color_buttons[i]))
      color = i;
  botbench_bot_set_color (bot, color);
  botbench_bot_set_gender (bot, adw_combo_row_get_selected (self->gender_row));

  if (self->avatar != NULL)
    botbench_bot_set_property_value (bot, BOTBENCH_BOT_PROPERTY_PERSONAL_PHOTO,
                                     botbench_avatar_get_base64 (self->avatar));
  else
    botbench_bot_set_property_value (bot, BOTBENCH_BOT_PROPERTY_PERSONAL_PHOTO, self->avatar_base64);

  return bot;
}

static void
botbench_bot_editor_update_avatar_row (BotbenchBotEditor *self,
                                       const GError      *error)
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
botbench_bot_editor_set_avatar (BotbenchBotEditor *self,
                                BotbenchAvatar    *avatar)
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

  botbench_bot_editor_update_avatar_row (self, NULL);
}

static void
botbench_bot_editor_load_form (BotbenchBotEditor *self,
                               BotbenchBot       *bot)
{
  self->loading = TRUE;

  set_text (self->code_row, bot ? botbench_bot_get_code (bot) : NULL);
  adw_combo_row_set_selected (self->type_row, bot ? botbench_bot_get_bot_type (bot) : BOTBENCH_BOT_TYPE_BOT);
  gtk_switch_set_active (self->openline_switch, bot ? botbench_bot_get_openline (bot) : FALSE);
  set_text (self->event_handler_row, bot ? botbench_bot_get_event_handler (bot) : NULL);
  for (guint i = 0; i < BOTBENCH_BOT_N_HANDLERS; i++)
    set_text (self->handler_rows[i], bot ? botbench_bot_get_handler (bot, i) : NULL);
  adw_expander_row_set_expanded (self->handlers_expander, FALSE);
  for (guint i = 0; i < BOTBENCH_BOT_N_PROPERTIES; i++)
    if (self->property_rows[i] != NULL)
      set_text (self->property_rows[i], bot ? botbench_bot_get_property_value (bot, i) : NULL);
  gtk_toggle_button_set_active (self->color_buttons[bot ? botbench_bot_get_color (bot) : 0], TRUE);
  adw_combo_row_set_selected (self->gender_row, bot ? botbench_bot_get_gender (bot) : 0);

  g_cancellable_cancel (self->avatar_cancellable);
  g_clear_object (&self->avatar_cancellable);
  g_clear_object (&self->avatar_file);
  self->encoding = FALSE;
  g_free (self->avatar_base64);
  self->avatar_base64 = g_strdup (bot ? botbench_bot_get_property_value (bot, BOTBENCH_BOT_PROPERTY_PERSONAL_PHOTO) : NULL);
  botbench_bot_editor_set_avatar (self, NULL);

  self->loading = FALSE;
}

/* Validation */

static void
botbench_bot_editor_clear_field (BotbenchBotEditorField *field)
{
  gtk_widget_remove_css_class (field->row, "error");
  gtk_widget_remove_css_class (field->row, "warning");
  gtk_widget_set_visible (field->icon, FALSE);
  gtk_widget_set_tooltip_text (field->icon, NULL);
}

static void
botbench_bot_editor_mark_field (BotbenchBotEditor *self,
                                const char        *key,
                                gboolean           is_error,
                                const char        *message,
                                GString          **group_texts,
                                GPtrArray         *groups)
{
  BotbenchBotEditorField *field = key != NULL ? g_hash_table_lookup (self->fields, key) : NULL;
  GtkWidget *group;
  guint index;

  if (field == NULL)
    return;

  if (!gtk_widget_has_css_class (field->row, "error"))
    {
      gtk_widget_remove_css_class (field->row, "warning");
      gtk_widget_add_css_class (field->row, is_error ? "error" : "warning");
      gtk_image_set_from_icon_name (GTK_IMAGE (field->icon),
                                    is_error ? "dialog-error-symbolic" : "dialog-warning-symbolic");
      gtk_widget_set_tooltip_text (field->icon, message);
      gtk_accessible_update_property (GTK_ACCESSIBLE (field->icon),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, message, -1);
      gtk_widget_set_visible (field->icon, TRUE);
    }

  group = gtk_widget_get_ancestor (field->row, ADW_TYPE_PREFERENCES_GROUP);
  if (group == NULL || !g_ptr_array_find (groups, group, &index))
    return;
  if (group_texts[index]->len > 0)
    g_string_append_c (group_texts[index], '\n');
  g_string_append (group_texts[index], message);
  if (is_error)
    g_object_set_data (G_OBJECT (group), "has-error", GINT_TO_POINTER (TRUE));
}

static void
botbench_bot_editor_validate (BotbenchBotEditor *self)
{
  BotbenchBotValidationContext context = { 0 };
  g_autoptr(BotbenchBot) bot = NULL;
  g_autoptr(GPtrArray) handler_sets = NULL;
  g_autoptr(GPtrArray) groups = g_ptr_array_new ();
  GString *texts[5];
  GHashTableIter iter;
  gpointer value;
  gboolean registered;
  gboolean has_error;
  gboolean nothing_changed = FALSE;
  gboolean code_clash = FALSE;
  BotbenchPortalCode *taken = NULL;

  if (self->loading || self->profile == NULL)
    return;

  bot = botbench_bot_editor_dup_form_bot (self);
  registered = self->bot != NULL && botbench_bot_get_bot_id (self->bot) > 0;

  context.portal_url = botbench_profile_get_portal_url (self->profile);
  context.missing_client_id = botbench_profile_get_kind (self->profile) == BOTBENCH_PROFILE_KIND_WEBHOOK &&
                              (botbench_profile_get_client_id (self->profile) == NULL ||
                               *botbench_profile_get_client_id (self->profile) == '\0');
  if (self->store != NULL)
    {
      handler_sets = botbench_bot_store_dup_handler_sets (self->store, self->bot);
      context.other_handler_sets = handler_sets;
      context.owner_bot_count = botbench_bot_store_count_registered (self->store);
      if (registered && context.owner_bot_count > 0)
        context.owner_bot_count--;
    }
  if (botbench_profile_is_sandbox (self->profile))
    context.bot_limit = botbench_sandbox_get_bot_limit (botbench_application_get_sandbox (self->app));
  else
    context.bot_limit = BOTBENCH_BOT_DEFAULT_LIMIT;
  context.previous = registered ? self->bot : NULL;

  g_clear_pointer (&self->issues, g_ptr_array_unref);
  self->issues = botbench_bot_validate (bot, &context);

  g_hash_table_iter_init (&iter, self->fields);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    botbench_bot_editor_clear_field (value);

  g_ptr_array_add (groups, self->bot_group);
  g_ptr_array_add (groups, self->handlers_group);
  g_ptr_array_add (groups, self->properties_group);
  g_ptr_array_add (groups, self->color_group);
  g_ptr_array_add (groups, self->avatar_group);
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    texts[i] = g_string_new (NULL);

  for (guint i = 0; i < self->issues->len; i++)
    {
      BotbenchBotIssue *issue = g_ptr_array_index (self->issues, i);
      gboolean is_error = issue->severity == BOTBENCH_BOT_ISSUE_ERROR;
      g_autofree char *message = NULL;

      if (is_error && issue->hint != NULL)
        message = g_strdup_printf ("%s — %s", issue->message, issue->hint);
      else
        message = g_strdup (issue->message);

      if (issue->field != NULL && g_hash_table_contains (self->fields, issue->field))
        botbench_bot_editor_mark_field (self, issue->field, is_error, message, texts, groups);
      else
        {
          /* imbot.update with nothing changed: Update is simply off. */
          if (context.previous != NULL && g_strcmp0 (issue->code, "WRONG_REQUEST") == 0 &&
              issue->field == NULL)
            {
              nothing_changed = TRUE;
              continue;
            }

          /* The definition as a whole: shown with the bot's own fields. */
          if (texts[0]->len > 0)
            g_string_append_c (texts[0], '\n');
          g_string_append (texts[0], message);
          if (is_error)
            g_object_set_data (G_OBJECT (self->bot_group), "has-error", GINT_TO_POINTER (TRUE));
        }
    }

  /* A CODE the portal already has: adopt that bot rather than register a
   * duplicate. */
  if (!registered && self->portal_codes != NULL && botbench_bot_get_code (bot) != NULL)
    taken = g_hash_table_lookup (self->portal_codes, botbench_bot_get_code (bot));
  self->adopt_id = taken != NULL ? taken->id : 0;
  if (taken != NULL)
    {
      g_autofree char *message = NULL;

      /* Translators: %ld is the id of a bot on the portal */
      message = g_strdup_printf (_("The portal already has a bot with this code (bot %" G_GINT64_FORMAT
                                   "): adopt it instead of registering a duplicate"), taken->id);
      botbench_bot_editor_mark_field (self, "CODE", FALSE, message, texts, groups);
    }

  /* The store names files after CODE: two definitions cannot share one. */
  if (self->store != NULL && botbench_bot_get_code (bot) != NULL)
    {
      BotbenchBot *holder = botbench_bot_store_lookup_by_code (self->store, botbench_bot_get_code (bot));

      if (holder != NULL && holder != self->bot)
        {
          botbench_bot_editor_mark_field (self, "CODE", TRUE,
                                          _("Another definition of this profile has this code"),
                                          texts, groups);
          code_clash = TRUE;
        }
    }

  /* A picked file that could not be used (the previous avatar stays). */
  if (self->avatar_error != NULL)
    botbench_bot_editor_mark_field (self, "PROPERTIES.PERSONAL_PHOTO", TRUE, self->avatar_error, texts, groups);

  for (guint i = 0; i < groups->len; i++)
    {
      GtkWidget *group = g_ptr_array_index (groups, i);
      GtkLabel *label = group_message_label (ADW_PREFERENCES_GROUP (group));
      gboolean group_error = g_object_get_data (G_OBJECT (group), "has-error") != NULL;

      gtk_widget_remove_css_class (GTK_WIDGET (label), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (label), "warning");
      gtk_widget_add_css_class (GTK_WIDGET (label), group_error ? "error" : "warning");
      g_object_set_data (G_OBJECT (group), "has-error", NULL);
      gtk_label_set_label (label, texts[i]->str);
      gtk_widget_set_visible (GTK_WIDGET (label), texts[i]->len > 0);
      g_string_free (texts[i], TRUE);
    }

  has_error = botbench_bot_issues_have_error (self->issues) || code_clash;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "bot-editor.send", !has_error && !self->busy);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->register_button),
                               nothing_changed ? _("Nothing changed since the last update") : NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->adopt_button), self->adopt_id > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "bot-editor.adopt", self->adopt_id > 0 && !self->busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "bot-editor.save",
                                 !self->busy && !code_clash && !registered && botbench_bot_get_code (bot) != NULL &&
                                 g_strcmp0 (botbench_bot_get_code (bot), "0") != 0);
}

const char *
_botbench_bot_editor_field_for_error (BotbenchBot *bot,
                                      const char  *code)
{
  if (code == NULL)
    return NULL;
  if (g_str_equal (code, "CODE_ERROR"))
    return "CODE";
  if (g_str_equal (code, "NAME_ERROR"))
    return "PROPERTIES.NAME";

  for (guint i = 0; i < BOTBENCH_BOT_N_HANDLERS; i++)
    {
      const char *param = botbench_bot_handler_to_param (i);

      if (g_str_has_prefix (code, param) && g_str_equal (code + strlen (param), "_ERROR"))
        {
          const char *handler = bot != NULL ? botbench_bot_get_event_handler (bot) : NULL;

          /* EVENT_HANDLER is copied over all five when it is set. */
          if (handler != NULL && *handler != '\0' && g_strcmp0 (handler, "0") != 0)
            return "EVENT_HANDLER";
          return param;
        }
    }

  return NULL;
}

void
_botbench_bot_editor_show_portal_error (BotbenchBotEditor *self,
                                        const char        *code,
                                        const char        *message)
{
  g_autoptr(BotbenchBot) bot = botbench_bot_editor_dup_form_bot (self);
  const char *key = _botbench_bot_editor_field_for_error (bot, code);
  BotbenchBotEditorField *field = key != NULL ? g_hash_table_lookup (self->fields, key) : NULL;
  g_autofree char *text = NULL;

  /* Translators: the portal's answer, e.g. "The portal refused: CODE_ERROR: Bot code isn't specified" */
  text = g_strdup_printf (_("The portal refused: %s%s%s"),
                          code != NULL ? code : "", code != NULL ? ": " : "", message);

  if (field != NULL)
    {
      GtkWidget *group = gtk_widget_get_ancestor (field->row, ADW_TYPE_PREFERENCES_GROUP);

      botbench_bot_editor_clear_field (field);
      gtk_widget_add_css_class (field->row, "error");
      gtk_image_set_from_icon_name (GTK_IMAGE (field->icon), "dialog-error-symbolic");
      gtk_widget_set_tooltip_text (field->icon, text);
      gtk_widget_set_visible (field->icon, TRUE);
      if (group != NULL)
        {
          GtkLabel *label = group_message_label (ADW_PREFERENCES_GROUP (group));

          gtk_widget_remove_css_class (GTK_WIDGET (label), "warning");
          gtk_widget_add_css_class (GTK_WIDGET (label), "error");
          gtk_label_set_label (label, text);
          gtk_widget_set_visible (GTK_WIDGET (label), TRUE);
        }
      if (ADW_IS_EXPANDER_ROW (gtk_widget_get_ancestor (gtk_widget_get_parent (field->row),
                                                        ADW_TYPE_EXPANDER_ROW)))
        adw_expander_row_set_expanded (self->handlers_expander, TRUE);
      gtk_widget_grab_focus (field->row);
      botbench_bot_editor_show_banner (self, NULL);
    }
  else
    botbench_bot_editor_show_banner (self, text);
}

/* Title, buttons */

static void
botbench_bot_editor_update_state (BotbenchBotEditor *self)
{
  gboolean registered = self->bot != NULL && botbench_bot_get_bot_id (self->bot) > 0;
  g_autofree char *id = NULL;
  g_autofree char *title = NULL;

  if (self->bot == NULL)
    title = g_strdup (_("New Bot"));
  else if (botbench_bot_get_name (self->bot) != NULL)
    title = g_strdup (botbench_bot_get_name (self->bot));
  else
    title = g_strdup (botbench_bot_get_code (self->bot));
  gtk_label_set_label (self->title_label, title);

  if (registered)
    id = g_strdup_printf ("%" G_GINT64_FORMAT, botbench_bot_get_bot_id (self->bot));
  adw_action_row_set_subtitle (self->bot_id_row, registered ? id : _("Not registered"));

  gtk_button_set_label (self->register_button, registered ? _("_Update…") : _("_Register…"));
  gtk_widget_set_visible (GTK_WIDGET (self->unregister_button), registered);
  /* A registered bot's saved definition is what the portal has: changes
   * go through Update, which diffs against it. */
  gtk_widget_set_visible (GTK_WIDGET (self->save_button), !registered);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "bot-editor.unregister", registered && !self->busy);

  /* TYPE and OPENLINE cannot be updated. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->type_row), !registered);
  gtk_widget_set_sensitive (GTK_WIDGET (self->openline_row), !registered);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "bot-editor.add-command", registered && !self->busy);
  gtk_spinner_set_spinning (self->spinner, self->busy || self->encoding);
  botbench_bot_editor_validate (self);
}

static void
type_selected_cb (BotbenchBotEditor *self)
{
  guint selected = adw_combo_row_get_selected (self->type_row);
  g_autofree char *escaped = NULL;

  if (selected < BOTBENCH_BOT_N_TYPES)
    escaped = g_markup_escape_text (botbench_bot_type_get_description (selected), -1);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->type_row), escaped);
  botbench_bot_editor_validate (self);
}

/* Saving */

static gboolean
botbench_bot_editor_store_bot (BotbenchBotEditor  *self,
                               BotbenchBot        *form,
                               GError            **error)
{
  g_assert (BOTBENCH_IS_BOT_EDITOR (self));

  if (self->bot == NULL)
    {
      if (!botbench_bot_store_add (self->store, form, error))
        return FALSE;
      self->bot = g_object_ref (form);
    }
  else
    {
      BotbenchBot *old_code_holder;

      /* The stored object is the one the list shows: write the form into
       * it field by field, keeping the store's identity. */
      old_code_holder = botbench_bot_store_lookup_by_code (self->store, botbench_bot_get_code (form));
      if (old_code_holder != NULL && old_code_holder != self->bot)
        {
          g_set_error (error, BOTBENCH_BOT_STORE_ERROR, BOTBENCH_BOT_STORE_ERROR_CODE_TAKEN,
                       _("Another bot of this profile has the code “%s”"), botbench_bot_get_code (form));
          return FALSE;
        }
      botbench_bot_set_code (self->bot, botbench_bot_get_code (form));
      botbench_bot_set_bot_type (self->bot, botbench_bot_get_bot_type (form));
      botbench_bot_set_openline (self->bot, botbench_bot_get_openline (form));
      botbench_bot_set_event_handler (self->bot, botbench_bot_get_event_handler (form));
      for (guint i = 0; i < BOTBENCH_BOT_N_HANDLERS; i++)
        botbench_bot_set_handler (self->bot, i, botbench_bot_get_handler (form, i));
      for (guint i = 0; i < BOTBENCH_BOT_N_PROPERTIES; i++)
        botbench_bot_set_property_value (self->bot, i, botbench_bot_get_property_value (form, i));
      botbench_bot_set_color (self->bot, botbench_bot_get_color (form));
      botbench_bot_set_gender (self->bot, botbench_bot_get_gender (form));
      botbench_bot_set_bot_id (self->bot, botbench_bot_get_bot_id (form));
      if (!botbench_bot_store_save (self->store, self->bot, error))
        return FALSE;
    }

  g_signal_emit (self, signals[SAVED], 0, self->bot);
  botbench_bot_editor_update_state (self);
  botbench_bot_editor_update_commands (self);
  return TRUE;
}

static void
botbench_bot_editor_save_action (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  BotbenchBotEditor *self = BOTBENCH_BOT_EDITOR (widget);
  g_autoptr(BotbenchBot) form = NULL;
  g_autoptr(GError) error = NULL;

  if (self->store == NULL)
    return;

  form = botbench_bot_editor_dup_form_bot (self);
  if (!botbench_bot_editor_store_bot (self, form, &error))
    {
      botbench_bot_editor_show_banner (self, error->message);
      return;
    }
  botbench_bot_editor_show_banner (self, NULL);
  botbench_bot_editor_toast (self, _("Bot definition saved"));
}

/* Request preview and sending */

static char *
botbench_bot_editor_dup_display_url (BotbenchBotEditor *self,
                                     const char        *method)
{
  const char *portal = botbench_profile_get_portal_url (self->profile);
  g_autofree char *base = NULL;

  if (botbench_profile_get_kind (self->profile) == BOTBENCH_PROFILE_KIND_WEBHOOK)
    base = botbench_profile_dup_display_url (self->profile);
  if (base == NULL)
    base = g_strdup_printf ("%s%srest/", portal != NULL ? portal : "",
                            portal != NULL && g_str_has_suffix (portal, "/") ? "" : "/");
  if (!g_str_has_suffix (base, "/"))
    {
      char *tmp = g_strconcat (base, "/", NULL);

      g_free (base);
      base = tmp;
    }

  return g_strdup_printf ("%s%s.json", base, method);
}

static JsonObject *
object_member (JsonObject *object,
               const char *key)
{
  JsonNode *node = json_object_get_member (object, key);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* The body as sent; CLIENT_ID (webhooks) and auth (OAuth) are added by the
 * REST client and shown masked. */
static char *
botbench_bot_editor_dup_body (BotbenchBotEditor *self,
                              gboolean           for_display)
{
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(GList) members = json_object_get_members (self->pending_params);

  for (GList *l = members; l != NULL; l = l->next)
    {
      JsonNode *member = json_object_get_member (self->pending_params, l->data);

      json_object_set_member (body, l->data, json_node_copy (member));
    }

  if (botbench_profile_get_kind (self->profile) == BOTBENCH_PROFILE_KIND_WEBHOOK)
    json_object_set_string_member (body, "CLIENT_ID", "•••");
  else
    json_object_set_string_member (body, "auth", "•••");

  if (for_display)
    {
      const char *keys[] = { "PROPERTIES", "FIELDS" };

      for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
        {
          JsonObject *inner = object_member (body, keys[i]);

          if (inner != NULL && object_member (inner, "PROPERTIES") != NULL)
            inner = object_member (inner, "PROPERTIES");
          if (inner != NULL && json_object_has_member (inner, "PERSONAL_PHOTO") &&
              json_object_get_string_member (inner, "PERSONAL_PHOTO") != NULL)
            {
              const char *photo = json_object_get_string_member (inner, "PERSONAL_PHOTO");
              g_autofree char *size = g_format_size (strlen (photo));
              g_autofree char *cut = NULL;

              if (strlen (photo) > PREVIEW_MAX_VALUE)
                {
                  /* Translators: a long base64 value cut short in the preview */
                  cut = g_strdup_printf (_("%.40s… (%s of base64)"), photo, size);
                  json_object_set_string_member (inner, "PERSONAL_PHOTO", cut);
                }
            }
        }
    }

  json_node_set_object (root, body);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, for_display);
  json_generator_set_indent (generator, 2);
  return json_generator_to_data (generator, NULL);
}

char *
_botbench_bot_editor_dup_curl (BotbenchBotEditor *self)
{
  g_autofree char *url = NULL;
  g_autofree char *body = NULL;
  g_autofree char *quoted_url = NULL;
  g_autofree char *quoted_body = NULL;

  g_return_val_if_fail (BOTBENCH_IS_BOT_EDITOR (self), NULL);

  if (self->pending_method == NULL)
    return NULL;

  url = botbench_bot_editor_dup_display_url (self, self->pending_method);
  body = botbench_bot_editor_dup_body (self, FALSE);
  quoted_url = g_shell_quote (url);
  quoted_body = g_shell_quote (body);

  return g_strdup_printf ("curl -X POST -H 'Content-Type: application/json' -d %s %s",
                          quoted_body, quoted_url);
}

static void
botbench_bot_editor_set_busy (BotbenchBotEditor *self,
                              gboolean           busy)
{
  self->busy = busy;
  botbench_bot_editor_update_state (self);
}

static void
botbench_bot_editor_report_error (BotbenchBotEditor *self,
                                  const GError      *error)
{
  const char *code = NULL;
  const char *description = NULL;

  if (error->domain == BOTBENCH_REST_ERROR)
    {
      code = botbench_rest_error_get_code (error);
      description = botbench_rest_error_get_description (error);
    }

  if (code != NULL && description != NULL)
    _botbench_bot_editor_show_portal_error (self, code, description);
  else
    botbench_bot_editor_show_banner (self, error->message);
}

static void
botbench_bot_editor_call_cb (GObject      *object,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  g_autoptr(BotbenchBotEditor) self = user_data;
  g_autoptr(BotbenchRestResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BotbenchBot) form = NULL;
  g_autofree char *method = g_steal_pointer (&self->pending_method);
  g_autofree char *escaped = NULL;
  g_autofree char *toast = NULL;
  JsonNode *node;

  response = botbench_rest_client_call_finish (BOTBENCH_REST_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  botbench_bot_editor_set_busy (self, FALSE);

  if (response == NULL)
    {
      botbench_bot_editor_report_error (self, error);
      return;
    }

  botbench_bot_editor_show_banner (self, NULL);
  node = botbench_rest_response_get_result (response);
  form = botbench_bot_editor_dup_form_bot (self);

  if (g_str_equal (method, "imbot.register"))
    {
      gint64 bot_id = 0;

      if (node != NULL && JSON_NODE_HOLDS_VALUE (node))
        bot_id = json_node_get_value_type (node) == G_TYPE_STRING
                 ? g_ascii_strtoll (json_node_get_string (node), NULL, 10)
                 : json_node_get_int (node);
      if (bot_id <= 0)
        {
          botbench_bot_editor_show_banner (self, _("The portal answered without a bot id"));
          return;
        }
      botbench_bot_set_bot_id (form, bot_id);
      /* Translators: %s is the bot's name, %ld its new id */
      toast = g_strdup_printf (_("Registered “%s” as bot %" G_GINT64_FORMAT),
                               botbench_bot_get_name (form) != NULL ? botbench_bot_get_name (form)
                                                                    : botbench_bot_get_code (form),
                               bot_id);
    }
  else if (g_str_equal (method, "imbot.update"))
    {
      /* Translators: %ld is the bot's id */
      toast = g_strdup_printf (_("Updated bot %" G_GINT64_FORMAT), botbench_bot_get_bot_id (form));
    }
  else if (g_str_equal (method, "imbot.unregister"))
    {
      toast = g_strdup_printf (_("Unregistered bot %" G_GINT64_FORMAT), botbench_bot_get_bot_id (form));
      botbench_bot_set_bot_id (form, 0);
    }

  if (!botbench_bot_editor_store_bot (self, form, &error))
    botbench_bot_editor_show_banner (self, error->message);

  if (toast != NULL)
    botbench_bot_editor_toast (self, toast);
}

static void
botbench_bot_editor_send_pending (BotbenchBotEditor *self)
{
  BotbenchRestClient *client;

  g_assert (self->pending_method != NULL);

  client = botbench_application_get_rest_client (self->app, self->profile);
  botbench_bot_editor_set_busy (self, TRUE);
  botbench_rest_client_call_async (client, self->pending_method, self->pending_params,
                                   self->cancellable, botbench_bot_editor_call_cb,
                                   g_object_ref (self));
}

static void
copy_curl_clicked_cb (BotbenchBotEditor *self)
{
  g_autofree char *curl = _botbench_bot_editor_dup_curl (self);

  if (curl == NULL)
    return;
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), curl);
  botbench_bot_editor_toast (self, _("Copied as curl (the secret is masked)"));
}

static void
preview_response_cb (BotbenchBotEditor *self,
                     const char        *response,
                     AdwMessageDialog  *dialog)
{
  if (self->preview_dialog == dialog)
    self->preview_dialog = NULL;

  if (g_strcmp0 (response, "send") == 0 && self->pending_method != NULL && !self->busy)
    botbench_bot_editor_send_pending (self);
  else if (!self->busy)
    g_clear_pointer (&self->pending_method, g_free);
}

static void
botbench_bot_editor_preview (BotbenchBotEditor *self,
                             const char        *method,
                             JsonNode          *params,
                             const char        *heading)
{
  GtkWidget *dialog;
  GtkWidget *box;
  GtkWidget *url_label;
  GtkWidget *scroller;
  GtkWidget *body_label;
  GtkWidget *copy_button;
  g_autofree char *url = NULL;
  g_autofree char *body = NULL;
  g_autofree char *url_text = NULL;

  g_assert (JSON_NODE_HOLDS_OBJECT (params));

  g_free (self->pending_method);
  self->pending_method = g_strdup (method);
  g_clear_pointer (&self->pending_params, json_object_unref);
  self->pending_params = json_object_ref (json_node_get_object (params));

  url = botbench_bot_editor_dup_display_url (self, method);
  body = botbench_bot_editor_dup_body (self, TRUE);

  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), heading, NULL);
  /* Translators: %s is the REST method, e.g. imbot.register */
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog), _("POST %s, secrets masked:"), method);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  url_text = g_strdup_printf ("POST %s", url);
  url_label = gtk_label_new (url_text);
  gtk_label_set_selectable (GTK_LABEL (url_label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (url_label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (url_label), PANGO_WRAP_CHAR);
  gtk_label_set_xalign (GTK_LABEL (url_label), 0);
  gtk_widget_add_css_class (url_label, "field-value");
  gtk_box_append (GTK_BOX (box), url_label);

  body_label = gtk_label_new (body);
  gtk_label_set_selectable (GTK_LABEL (body_label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (body_label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (body_label), PANGO_WRAP_CHAR);
  gtk_label_set_xalign (GTK_LABEL (body_label), 0);
  gtk_label_set_yalign (GTK_LABEL (body_label), 0);
  gtk_widget_add_css_class (body_label, "field-value");
  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scroller), 320);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), body_label);
  gtk_widget_add_css_class (scroller, "card");
  gtk_box_append (GTK_BOX (box), scroller);
  g_object_set_data (G_OBJECT (dialog), "body-label", body_label);

  copy_button = gtk_button_new_with_mnemonic (_("Copy as _curl"));
  gtk_widget_set_halign (copy_button, GTK_ALIGN_START);
  g_signal_connect_object (copy_button, "clicked", G_CALLBACK (copy_curl_clicked_cb),
                           self, G_CONNECT_SWAPPED);
  gtk_box_append (GTK_BOX (box), copy_button);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "send", _("_Send"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "send",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "send");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (preview_response_cb), self, G_CONNECT_SWAPPED);

  self->preview_dialog = ADW_MESSAGE_DIALOG (dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
botbench_bot_editor_send_action (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  BotbenchBotEditor *self = BOTBENCH_BOT_EDITOR (widget);
  g_autoptr(BotbenchBot) form = NULL;
  g_autoptr(JsonNode) params = NULL;

  if (self->profile == NULL || self->busy)
    return;

  botbench_bot_editor_validate (self);
  if (botbench_bot_issues_have_error (self->issues))
    return;

  form = botbench_bot_editor_dup_form_bot (self);
  if (self->bot != NULL && botbench_bot_get_bot_id (self->bot) > 0)
    {
      params = botbench_bot_build_update_fields (self->bot, form, NULL);
      if (params == NULL)
        {
          botbench_bot_editor_toast (self, _("Nothing to update: no field changed"));
          return;
        }
      botbench_bot_editor_preview (self, "imbot.update", params, _("Update Bot?"));
    }
  else
    {
      params = botbench_bot_build_register_body (form, NULL);
      botbench_bot_editor_preview (self, "imbot.register", params, _("Register Bot?"));
    }
}

static void
unregister_response_cb (BotbenchBotEditor *self,
                        const char        *response,
                        AdwMessageDialog  *dialog)
{
  g_autoptr(JsonNode) params = NULL;

  if (self->unregister_dialog == dialog)
    self->unregister_dialog = NULL;

  if (g_strcmp0 (response, "unregister") != 0 || self->bot == NULL || self->busy)
    return;

  params = botbench_bot_build_unregister_body (self->bot, NULL);
  g_free (self->pending_method);
  self->pending_method = g_strdup ("imbot.unregister");
  g_clear_pointer (&self->pending_params, json_object_unref);
  self->pending_params = json_object_ref (json_node_get_object (params));
  botbench_bot_editor_send_pending (self);
}

static void
botbench_bot_editor_unregister_action (GtkWidget  *widget,
                                       const char *action_name,
                                       GVariant   *parameter)
{
  BotbenchBotEditor *self = BOTBENCH_BOT_EDITOR (widget);
  GtkWidget *dialog;
  const char *name;

  if (self->bot == NULL || botbench_bot_get_bot_id (self->bot) <= 0)
    return;

  name = botbench_bot_get_name (self->bot) != NULL ? botbench_bot_get_name (self->bot)
                                                   : botbench_bot_get_code (self->bot);
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), _("Unregister Bot?"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("“%s” (bot %" G_GINT64_FORMAT ") is removed from the portal and "
                                    "its private chats with users are deleted. The definition "
                                    "stays here, so you can register it again."),
                                  name, botbench_bot_get_bot_id (self->bot));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "unregister", _("_Unregister"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "unregister",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (unregister_response_cb), self, G_CONNECT_SWAPPED);
  self->unregister_dialog = ADW_MESSAGE_DIALOG (dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
botbench_bot_editor_adopt_action (GtkWidget  *widget,
                                  const char *action_name,
                                  GVariant   *parameter)
{
  BotbenchBotEditor *self = BOTBENCH_BOT_EDITOR (widget);
  g_autoptr(BotbenchBot) form = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *toast = NULL;
  gint64 bot_id = self->adopt_id;

  if (bot_id <= 0 || self->store == NULL || self->busy)
    return;

  form = botbench_bot_editor_dup_form_bot (self);
  botbench_bot_set_bot_id (form, bot_id);
  if (!botbench_bot_editor_store_bot (self, form, &error))
    {
      botbench_bot_editor_show_banner (self, error->message);
      return;
    }

  /* Translators: %s is a bot's CODE, %ld its id on the portal */
  toast = g_strdup_printf (_("“%s” is now linked to bot %" G_GINT64_FORMAT),
                           botbench_bot_get_code (form), bot_id);
  botbench_bot_editor_toast (self, toast);
}

void
_botbench_bot_editor_set_portal_codes (BotbenchBotEditor *self,
                                       GHashTable        *codes)
{
  g_return_if_fail (BOTBENCH_IS_BOT_EDITOR (self));

  g_clear_pointer (&self->portal_codes, g_hash_table_unref);
  if (codes != NULL)
    self->portal_codes = g_hash_table_ref (codes);
  botbench_bot_editor_validate (self);
}

static void
botbench_bot_editor_close_action (GtkWidget  *widget,
                                  const char *action_name,
                                  GVariant   *parameter)
{
  g_signal_emit (widget, signals[CLOSED], 0);
}

/* Commands */

typedef enum
{
  COMMAND_REGISTER,
  COMMAND_UPDATE,
  COMMAND_UNREGISTER,
} CommandCallKind;

typedef struct
{
  BotbenchBotEditor  *self;
  BotbenchBotCommand *command;
  BotbenchBotCommand *old;      /* COMMAND_UPDATE: the one it replaces */
  CommandCallKind     kind;
} CommandCall;

static void
command_call_free (CommandCall *call)
{
  g_object_unref (call->self);
  g_object_unref (call->command);
  g_clear_object (&call->old);
  g_free (call);
}

static void
command_call_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  CommandCall *call = user_data;
  BotbenchBotEditor *self = call->self;
  g_autoptr(BotbenchRestResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *toast = NULL;

  response = botbench_rest_client_call_finish (BOTBENCH_REST_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      command_call_free (call);
      return;
    }

  botbench_bot_editor_set_busy (self, FALSE);

  if (response == NULL)
    {
      const char *code = error->domain == BOTBENCH_REST_ERROR ? botbench_rest_error_get_code (error) : NULL;
      g_autofree char *text = NULL;

      /* Translators: %s is the portal's error, e.g. "COMMAND_ERROR: Command isn't specified" */
      text = g_strdup_printf (_("The command was refused: %s%s%s"),
                              code != NULL ? code : "", code != NULL ? ": " : "",
                              code != NULL && botbench_rest_error_get_description (error) != NULL
                              ? botbench_rest_error_get_description (error) : error->message);
      botbench_bot_editor_show_banner (self, text);
      command_call_free (call);
      return;
    }

  botbench_bot_editor_show_banner (self, NULL);
  if (call->kind == COMMAND_REGISTER)
    {
      JsonNode *node = botbench_rest_response_get_result (response);
      gint64 id = 0;

      if (node != NULL && JSON_NODE_HOLDS_VALUE (node))
        id = json_node_get_value_type (node) == G_TYPE_STRING
             ? g_ascii_strtoll (json_node_get_string (node), NULL, 10)
             : json_node_get_int (node);
      botbench_bot_command_set_command_id (call->command, id);
      botbench_bot_add_command (self->bot, call->command);
      /* Translators: %s is a command (without the slash), %ld its id */
      toast = g_strdup_printf (_("Registered command /%s (id %" G_GINT64_FORMAT ")"),
                               botbench_bot_command_get_command (call->command), id);
    }
  else if (call->kind == COMMAND_UPDATE)
    {
      botbench_bot_command_set_command_id (call->command, botbench_bot_command_get_command_id (call->old));
      botbench_bot_remove_command (self->bot, call->old);
      botbench_bot_add_command (self->bot, call->command);
      toast = g_strdup_printf (_("Updated command /%s"), botbench_bot_command_get_command (call->command));
    }
  else
    {
      botbench_bot_remove_command (self->bot, call->command);
      toast = g_strdup_printf (_("Unregistered command /%s"), botbench_bot_command_get_command (call->command));
    }

  if (!botbench_bot_store_save (self->store, self->bot, &error))
    botbench_bot_editor_show_banner (self, error->message);
  botbench_bot_editor_update_commands (self);
  botbench_bot_editor_toast (self, toast);
  command_call_free (call);
}

static void
botbench_bot_editor_send_command (BotbenchBotEditor  *self,
                                  BotbenchBotCommand *command,
                                  BotbenchBotCommand *old,
                                  CommandCallKind     kind)
{
  static const char * const methods[] = {
    [COMMAND_REGISTER] = "imbot.command.register",
    [COMMAND_UPDATE] = "imbot.command.update",
    [COMMAND_UNREGISTER] = "imbot.command.unregister",
  };
  g_autoptr(JsonNode) params = NULL;
  CommandCall *call;

  switch (kind)
    {
    case COMMAND_REGISTER:
      params = botbench_bot_command_build_register_body (command, botbench_bot_get_bot_id (self->bot), NULL);
      break;

    case COMMAND_UPDATE:
      params = botbench_bot_command_build_update_body (old, command, NULL);
      if (params == NULL)
        {
          botbench_bot_editor_toast (self, _("Nothing to update: the command is unchanged"));
          return;
        }
      break;

    case COMMAND_UNREGISTER:
    default:
      params = botbench_bot_command_build_unregister_body (command, NULL);
      break;
    }

  call = g_new0 (CommandCall, 1);
  call->self = g_object_ref (self);
  call->command = g_object_ref (command);
  call->old = old != NULL ? g_object_ref (old) : NULL;
  call->kind = kind;

  botbench_bot_editor_set_busy (self, TRUE);
  botbench_rest_client_call_async (botbench_application_get_rest_client (self->app, self->profile),
                                   methods[kind], json_node_get_object (params), self->cancellable,
                                   command_call_cb, call);
}

static void
command_remove_clicked_cb (GtkButton         *button,
                           BotbenchBotEditor *self)
{
  BotbenchBotCommand *command = g_object_get_data (G_OBJECT (button), "command");

  if (command != NULL && !self->busy && self->bot != NULL)
    botbench_bot_editor_send_command (self, command, NULL, COMMAND_UNREGISTER);
}

static void
botbench_bot_editor_update_commands (BotbenchBotEditor *self)
{
  gboolean registered = self->bot != NULL && botbench_bot_get_bot_id (self->bot) > 0;
  GListModel *commands;
  guint n;

  for (guint i = 0; i < self->command_list_rows->len; i++)
    adw_preferences_group_remove (self->commands_group, g_ptr_array_index (self->command_list_rows, i));
  g_ptr_array_set_size (self->command_list_rows, 0);

  gtk_widget_set_visible (GTK_WIDGET (self->commands_group), registered);
  if (!registered)
    return;

  commands = botbench_bot_get_commands (self->bot);
  n = g_list_model_get_n_items (commands);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BotbenchBotCommand) command = g_list_model_get_item (commands, i);
      const BotbenchBotCommandLang *lang = botbench_bot_command_get_n_langs (command) > 0
                                           ? botbench_bot_command_get_lang (command, 0) : NULL;
      g_autofree char *title = g_strdup_printf ("/%s", botbench_bot_command_get_command (command));
      g_autofree char *escaped_title = g_markup_escape_text (title, -1);
      g_autofree char *subtitle = NULL;
      g_autofree char *escaped = NULL;
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *button;

      /* Translators: a command's subtitle: its title and id */
      subtitle = g_strdup_printf (_("%s · id %" G_GINT64_FORMAT), lang != NULL ? lang->title : "",
                                  botbench_bot_command_get_command_id (command));
      escaped = g_markup_escape_text (subtitle, -1);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), escaped_title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), escaped);

      button = gtk_button_new_from_icon_name ("document-edit-symbolic");
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_set_tooltip_text (button, _("Edit Command"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Edit the command"), -1);
      g_object_set_data_full (G_OBJECT (button), "command", g_object_ref (command), g_object_unref);
      g_signal_connect_object (button, "clicked", G_CALLBACK (command_edit_clicked_cb), self, 0);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);

      button = gtk_button_new_from_icon_name ("user-trash-symbolic");
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_set_tooltip_text (button, _("Unregister Command"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Unregister the command"), -1);
      g_object_set_data_full (G_OBJECT (button), "command", g_object_ref (command), g_object_unref);
      g_signal_connect_object (button, "clicked", G_CALLBACK (command_remove_clicked_cb), self, 0);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);

      adw_preferences_group_add (self->commands_group, row);
      g_ptr_array_add (self->command_list_rows, row);
    }

  if (n == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No commands"));
      gtk_widget_add_css_class (row, "dim-label");
      adw_preferences_group_add (self->commands_group, row);
      g_ptr_array_add (self->command_list_rows, row);
    }
}

static void
command_dialog_changed_cb (BotbenchBotEditor *self)
{
  gboolean ok;

  if (self->command_dialog == NULL)
    return;

  ok = gtk_editable_get_text (GTK_EDITABLE (self->command_rows[0]))[0] != '\0' &&
       gtk_editable_get_text (GTK_EDITABLE (self->command_rows[1]))[0] != '\0';
  adw_message_dialog_set_response_enabled (self->command_dialog, "register", ok);
}

static void
command_dialog_response_cb (BotbenchBotEditor *self,
                            const char        *response,
                            AdwMessageDialog  *dialog)
{
  g_autoptr(BotbenchBotCommand) command = NULL;
  const char *name;
  const char *handler;

  g_autoptr(BotbenchBotCommand) editing = g_steal_pointer (&self->editing_command);

  if (self->command_dialog == dialog)
    self->command_dialog = NULL;

  if (g_strcmp0 (response, "register") != 0 || self->bot == NULL || self->busy)
    return;

  name = gtk_editable_get_text (GTK_EDITABLE (self->command_rows[0]));
  while (*name == '/')
    name++;
  command = botbench_bot_command_new (name);
  botbench_bot_command_set_common (command, gtk_switch_get_active (self->command_common_switch));
  botbench_bot_command_set_hidden (command, gtk_switch_get_active (self->command_hidden_switch));
  botbench_bot_command_set_lang (command, "en",
                                 gtk_editable_get_text (GTK_EDITABLE (self->command_rows[1])),
                                 get_text (self->command_rows[2]));
  /* Commands post to the bot's message handler unless told otherwise. */
  if (editing != NULL && botbench_bot_command_get_event_command_add (editing) != NULL)
    handler = botbench_bot_command_get_event_command_add (editing);
  else
    handler = botbench_bot_get_effective_handler (self->bot, BOTBENCH_BOT_HANDLER_MESSAGE_ADD);
  botbench_bot_command_set_event_command_add (command, handler);

  if (editing != NULL)
    {
      /* COMMON cannot change with imbot.command.update: keep it. */
      botbench_bot_command_set_common (command, botbench_bot_command_get_common (editing));
      botbench_bot_command_set_extranet_support (command, botbench_bot_command_get_extranet_support (editing));
      botbench_bot_editor_send_command (self, command, editing, COMMAND_UPDATE);
    }
  else
    botbench_bot_editor_send_command (self, command, NULL, COMMAND_REGISTER);
}

static GtkWidget *
switch_row_new (const char  *title,
                GtkSwitch  **out)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *toggle = gtk_switch_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
  *out = GTK_SWITCH (toggle);
  return row;
}

/* The Add Command dialog, or with @editing the same dialog to change one. */
static void
botbench_bot_editor_open_command_dialog (BotbenchBotEditor  *self,
                                         BotbenchBotCommand *editing)
{
  GtkWidget *widget = GTK_WIDGET (self);
  const char *titles[] = { N_("Command (without /)"), N_("Title (English)"), N_("Parameters Hint") };
  GtkWidget *dialog;
  GtkWidget *list;

  if (self->bot == NULL || botbench_bot_get_bot_id (self->bot) <= 0 || self->busy)
    return;

  g_set_object (&self->editing_command, editing);
  if (editing != NULL)
    dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), _("Edit Command"),
                                     _("The changes are sent to the portal right away (imbot.command.update)."));
  else
    dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), _("Add Command"),
                                     _("It is registered on the portal right away, for this bot."));
  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    {
      GtkWidget *row = adw_entry_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(titles[i]));
      g_signal_connect_object (row, "changed", G_CALLBACK (command_dialog_changed_cb), self, G_CONNECT_SWAPPED);
      gtk_list_box_append (GTK_LIST_BOX (list), row);
      self->command_rows[i] = ADW_ENTRY_ROW (row);
    }
  gtk_list_box_append (GTK_LIST_BOX (list), switch_row_new (_("Available in Every Chat (COMMON)"),
                                                            &self->command_common_switch));
  gtk_list_box_append (GTK_LIST_BOX (list), switch_row_new (_("Hidden from the List (HIDDEN)"),
                                                            &self->command_hidden_switch));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), list);

  if (editing != NULL)
    {
      const BotbenchBotCommandLang *lang = botbench_bot_command_get_n_langs (editing) > 0
                                           ? botbench_bot_command_get_lang (editing, 0) : NULL;

      gtk_editable_set_text (GTK_EDITABLE (self->command_rows[0]), botbench_bot_command_get_command (editing));
      gtk_editable_set_text (GTK_EDITABLE (self->command_rows[1]), lang != NULL && lang->title ? lang->title : "");
      gtk_editable_set_text (GTK_EDITABLE (self->command_rows[2]), lang != NULL && lang->params ? lang->params : "");
      gtk_switch_set_active (self->command_common_switch, botbench_bot_command_get_common (editing));
      gtk_widget_set_sensitive (GTK_WIDGET (self->command_common_switch), FALSE);
      gtk_switch_set_active (self->command_hidden_switch, botbench_bot_command_get_hidden (editing));
    }

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "register", editing != NULL ? _("_Update") : _("_Register"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "register",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (command_dialog_response_cb), self, G_CONNECT_SWAPPED);
  self->command_dialog = ADW_MESSAGE_DIALOG (dialog);
  command_dialog_changed_cb (self);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
botbench_bot_editor_add_command_action (GtkWidget  *widget,
                                        const char *action_name,
                                        GVariant   *parameter)
{
  botbench_bot_editor_open_command_dialog (BOTBENCH_BOT_EDITOR (widget), NULL);
}

static void
command_edit_clicked_cb (GtkButton         *button,
                         BotbenchBotEditor *self)
{
  BotbenchBotCommand *command = g_object_get_data (G_OBJECT (button), "command");

  if (command != NULL)
    botbench_bot_editor_open_command_dialog (self, command);
}

/* Export */

static void
export_written_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(BotbenchBotEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *toast = NULL;

  if (!g_file_replace_contents_finish (G_FILE (object), result, NULL, &error))
    {
      botbench_bot_editor_show_banner (self, error->message);
      return;
    }

  name = g_file_get_basename (G_FILE (object));
  /* Translators: %s is a file name */
  toast = g_strdup_printf (_("Exported to %s"), name);
  self->exported = TRUE;
  botbench_bot_editor_toast (self, toast);
}

void
_botbench_bot_editor_export_to (BotbenchBotEditor *self,
                                GFile             *file)
{
  g_autoptr(BotbenchBot) form = NULL;
  g_autoptr(GBytes) bytes = NULL;
  char *data;

  g_return_if_fail (BOTBENCH_IS_BOT_EDITOR (self));
  g_return_if_fail (G_IS_FILE (file));

  self->exported = FALSE;
  form = botbench_bot_editor_dup_form_bot (self);
  data = botbench_bot_to_data (form);
  bytes = g_bytes_new_take (data, strlen (data));
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_PRIVATE,
                                       self->cancellable, export_written_cb, g_object_ref (self));
}

static void
export_chooser_response_cb (BotbenchBotEditor    *self,
                            int                   response,
                            GtkFileChooserNative *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        _botbench_bot_editor_export_to (self, file);
    }
  g_object_unref (chooser);
}

static void
botbench_bot_editor_export_action (GtkWidget  *widget,
                                   const char *action_name,
                                   GVariant   *parameter)
{
  BotbenchBotEditor *self = BOTBENCH_BOT_EDITOR (widget);
  GtkFileChooserNative *chooser;
  g_autofree char *name = NULL;
  const char *code = gtk_editable_get_text (GTK_EDITABLE (self->code_row));

  chooser = gtk_file_chooser_native_new (_("Export Bot Definition"),
                                         GTK_WINDOW (gtk_widget_get_root (widget)),
                                         GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Export"), _("_Cancel"));
  name = g_strdup_printf ("%s.json", *code != '\0' ? code : "bot");
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect_object (chooser, "response", G_CALLBACK (export_chooser_response_cb),
                           self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* Handlers */

void
botbench_bot_editor_fill_handlers (BotbenchBotEditor *self)
{
  g_autofree char *url = NULL;

  g_return_if_fail (BOTBENCH_IS_BOT_EDITOR (self));

  if (self->profile == NULL)
    return;

  if (botbench_profile_is_sandbox (self->profile))
    {
      BotbenchListener *listener = botbench_application_get_listener (self->app);

      if (listener != NULL)
        url = botbench_listener_dup_url (listener);
      if (url == NULL)
        {
          g_autofree char *base = botbench_application_dup_listener_base_url (self->app);

          url = g_strconcat (base, "/", NULL);
          botbench_bot_editor_toast (self, _("The listener is off: turn it on to receive the bot's events"));
        }
    }
  else
    {
      const char *base = botbench_profile_get_public_base_url (self->profile);

      if (base == NULL || *base == '\0')
        {
          botbench_bot_editor_show_banner (self, _("This profile has no public base URL. Set one in the "
                                                   "profile (e.g. your tunnel's https address) to fill in "
                                                   "the handlers."));
          return;
        }
      url = g_str_has_suffix (base, "/") ? g_strdup (base) : g_strconcat (base, "/", NULL);
    }

  set_text (self->event_handler_row, url);
  for (guint i = 0; i < BOTBENCH_BOT_N_HANDLERS; i++)
    set_text (self->handler_rows[i], NULL);
}

static void
botbench_bot_editor_fill_action (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  botbench_bot_editor_fill_handlers (BOTBENCH_BOT_EDITOR (widget));
}

/* The handler URL the portal would post to first: EVENT_HANDLER, else
 * EVENT_MESSAGE_ADD. */
static char *
botbench_bot_editor_dup_check_url (BotbenchBotEditor *self)
{
  const char *url = gtk_editable_get_text (GTK_EDITABLE (self->event_handler_row));

  if (url == NULL || *url == '\0')
    url = gtk_editable_get_text (GTK_EDITABLE (self->handler_rows[BOTBENCH_BOT_HANDLER_MESSAGE_ADD]));

  return url != NULL && *url != '\0' ? g_strstrip (g_strdup (url)) : NULL;
}

static void
handler_probe_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(BotbenchBotEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  gint64 took;

  took = botbench_handler_probe_finish (BOTBENCH_EVENT_STORE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->checking = FALSE;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "bot-editor.check-handlers", TRUE);

  if (took < 0)
    {
      botbench_bot_editor_show_banner (self, error->message);
      return;
    }

  {
    /* Translators: %d is milliseconds */
    g_autofree char *text = g_strdup_printf (_("The handler URL reaches this Botbench (%d ms)"),
                                             (int)(took / 1000));

    botbench_bot_editor_show_banner (self, NULL);
    botbench_bot_editor_toast (self, text);
  }
}

static void
botbench_bot_editor_check_action (GtkWidget  *widget,
                                  const char *action_name,
                                  GVariant   *parameter)
{
  BotbenchBotEditor *self = BOTBENCH_BOT_EDITOR (widget);
  BotbenchEventStore *store = botbench_application_get_store (self->app);
  BotbenchListener *listener = botbench_application_get_listener (self->app);
  g_autofree char *url = botbench_bot_editor_dup_check_url (self);

  if (url == NULL)
    {
      botbench_bot_editor_show_banner (self, _("Fill in EVENT_HANDLER (or EVENT_MESSAGE_ADD) first"));
      return;
    }

  if (store == NULL || listener == NULL || !botbench_listener_get_running (listener))
    {
      botbench_bot_editor_show_banner (self, _("The listener is off: turn it on, then check again"));
      return;
    }

  self->checking = TRUE;
  gtk_widget_action_set_enabled (widget, "bot-editor.check-handlers", FALSE);
  botbench_handler_probe_async (store, url, 0, self->cancellable, handler_probe_cb, g_object_ref (self));
}

/* Avatar */

static void
avatar_encoded_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(BotbenchBotEditor) self = user_data;
  g_autoptr(BotbenchAvatar) avatar = NULL;
  g_autoptr(GError) error = NULL;

  avatar = botbench_avatar_encode_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->encoding = FALSE;
  g_clear_object (&self->avatar_cancellable);

  if (avatar == NULL)
    {
      botbench_bot_editor_update_avatar_row (self, error);
      botbench_bot_editor_update_state (self);
      return;
    }

  botbench_bot_editor_set_avatar (self, avatar);
  botbench_bot_editor_update_state (self);
}

static void
botbench_bot_editor_encode_avatar (BotbenchBotEditor *self)
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
  botbench_bot_editor_update_avatar_row (self, NULL);
  gtk_spinner_set_spinning (self->spinner, TRUE);
  botbench_avatar_encode_async (self->avatar_file, &options, self->avatar_cancellable,
                                avatar_encoded_cb, g_object_ref (self));
}

void
botbench_bot_editor_load_avatar (BotbenchBotEditor *self,
                                 GFile             *file)
{
  g_return_if_fail (BOTBENCH_IS_BOT_EDITOR (self));
  g_return_if_fail (G_IS_FILE (file));

  g_set_object (&self->avatar_file, file);
  botbench_bot_editor_encode_avatar (self);
}

static void
avatar_size_changed_cb (BotbenchBotEditor *self)
{
  if (!self->loading)
    botbench_bot_editor_encode_avatar (self);
}

static gboolean
avatar_crop_settled_cb (gpointer data)
{
  BotbenchBotEditor *self = data;

  self->avatar_crop_source = 0;
  botbench_bot_editor_encode_avatar (self);
  return G_SOURCE_REMOVE;
}

/* Dragging the slider re-encodes once it rests, not at every step. */
static void
avatar_crop_changed_cb (BotbenchBotEditor *self)
{
  if (self->loading)
    return;

  g_clear_handle_id (&self->avatar_crop_source, g_source_remove);
  self->avatar_crop_source = g_timeout_add (150, avatar_crop_settled_cb, self);
}

static void
avatar_chooser_response_cb (BotbenchBotEditor    *self,
                            int                   response,
                            GtkFileChooserNative *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        botbench_bot_editor_load_avatar (self, file);
    }
  g_object_unref (chooser);
}

static void
botbench_bot_editor_choose_avatar_action (GtkWidget  *widget,
                                          const char *action_name,
                                          GVariant   *parameter)
{
  BotbenchBotEditor *self = BOTBENCH_BOT_EDITOR (widget);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  chooser = gtk_file_chooser_native_new (_("Choose an Avatar"),
                                         GTK_WINDOW (gtk_widget_get_root (widget)),
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

static void
botbench_bot_editor_remove_avatar_action (GtkWidget  *widget,
                                          const char *action_name,
                                          GVariant   *parameter)
{
  BotbenchBotEditor *self = BOTBENCH_BOT_EDITOR (widget);

  g_cancellable_cancel (self->avatar_cancellable);
  g_clear_object (&self->avatar_cancellable);
  g_clear_object (&self->avatar_file);
  g_clear_pointer (&self->avatar_base64, g_free);
  self->encoding = FALSE;
  botbench_bot_editor_set_avatar (self, NULL);
  botbench_bot_editor_update_state (self);
}

static gboolean
avatar_drop_cb (BotbenchBotEditor *self,
                const GValue      *value,
                double             x,
                double             y,
                GtkDropTarget     *target)
{
  GFile *file = g_value_get_object (value);

  if (file == NULL)
    return FALSE;

  botbench_bot_editor_load_avatar (self, file);
  return TRUE;
}

/* Building the rows */

static void
botbench_bot_editor_ensure_css (void)
{
  static gboolean done;
  g_autoptr(GtkCssProvider) provider = NULL;
  g_autoptr(GString) css = NULL;

  if (done || gdk_display_get_default () == NULL)
    return;
  done = TRUE;

  css = g_string_new (".color-swatch { min-width: 24px; min-height: 24px; padding: 0; "
                      "border-radius: 999px; border: 2px solid alpha(currentColor, 0.15); }\n"
                      ".color-swatch:checked { border: 3px solid @accent_color; }\n"
                      ".color-swatch.none { background: none; }\n");
  for (guint i = 1; i <= BOTBENCH_BOT_N_COLORS; i++)
    g_string_append_printf (css, ".color-swatch.color-%u { background: %s; }\n",
                            i, botbench_bot_color_get_rgb (i));

  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_data (provider, css->str, -1);
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static void
botbench_bot_editor_build (BotbenchBotEditor *self)
{
  g_autoptr(GtkStringList) types = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) genders = gtk_string_list_new (NULL);
  GtkWidget *flow;
  GtkWidget *button;
  GtkWidget *spin;
  GtkWidget *row;
  GtkDropTarget *drop;

  botbench_bot_editor_ensure_css ();

  /* Bot */
  self->bot_id_row = ADW_ACTION_ROW (adw_action_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->bot_id_row), _("Bot ID"));
  gtk_widget_add_css_class (GTK_WIDGET (self->bot_id_row), "property");
  adw_preferences_group_add (self->bot_group, GTK_WIDGET (self->bot_id_row));

  self->code_row = botbench_bot_editor_add_entry (self, self->bot_group, NULL, "CODE", _("Code (unique per portal)"));

  for (guint i = 0; i < BOTBENCH_BOT_N_TYPES; i++)
    {
      /* Translators: a bot type and its letter, e.g. "Ordinary bot (B)" */
      g_autofree char *label = g_strdup_printf (_("%s (%s)"), botbench_bot_type_get_label (i),
                                                botbench_bot_type_to_code (i));
      gtk_string_list_append (types, label);
    }
  self->type_row = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->type_row), _("Type"));
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (self->type_row), 2);
  adw_combo_row_set_model (self->type_row, G_LIST_MODEL (types));
  g_signal_connect_object (self->type_row, "notify::selected", G_CALLBACK (type_selected_cb),
                           self, G_CONNECT_SWAPPED);
  adw_preferences_group_add (self->bot_group, GTK_WIDGET (self->type_row));
  botbench_bot_editor_add_field (self, "TYPE", GTK_WIDGET (self->type_row));

  self->openline_row = ADW_ACTION_ROW (adw_action_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->openline_row), _("Open Channels"));
  adw_action_row_set_subtitle (self->openline_row, _("OPENLINE: the bot also answers in open channels"));
  self->openline_switch = GTK_SWITCH (gtk_switch_new ());
  gtk_widget_set_valign (GTK_WIDGET (self->openline_switch), GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (self->openline_row, GTK_WIDGET (self->openline_switch));
  adw_action_row_set_activatable_widget (self->openline_row, GTK_WIDGET (self->openline_switch));
  g_signal_connect_object (self->openline_switch, "notify::active", G_CALLBACK (botbench_bot_editor_validate),
                           self, G_CONNECT_SWAPPED);
  adw_preferences_group_add (self->bot_group, GTK_WIDGET (self->openline_row));
  botbench_bot_editor_add_field (self, "OPENLINE", GTK_WIDGET (self->openline_row));

  /* Handlers */
  self->event_handler_row = botbench_bot_editor_add_entry (self, self->handlers_group, NULL,
                                                           "EVENT_HANDLER", _("All Events (EVENT_HANDLER)"));
  self->handlers_expander = ADW_EXPANDER_ROW (adw_expander_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->handlers_expander), _("One URL per Event"));
  adw_expander_row_set_subtitle (self->handlers_expander, _("Used when EVENT_HANDLER is empty"));
  adw_preferences_group_add (self->handlers_group, GTK_WIDGET (self->handlers_expander));
  for (guint i = 0; i < BOTBENCH_BOT_N_HANDLERS; i++)
    self->handler_rows[i] = botbench_bot_editor_add_entry (self, NULL, self->handlers_expander,
                                                           botbench_bot_handler_to_param (i),
                                                           botbench_bot_handler_to_param (i));

  /* Properties */
  for (guint i = 0; i < BOTBENCH_BOT_N_PROPERTIES; i++)
    {
      g_autofree char *key = NULL;

      if (property_titles[i] == NULL)
        continue;
      key = g_strconcat ("PROPERTIES.", botbench_bot_property_to_key (i), NULL);
      self->property_rows[i] = botbench_bot_editor_add_entry (self, self->properties_group, NULL,
                                                              key, _(property_titles[i]));
    }
  gtk_string_list_append (genders, _("Not set"));
  gtk_string_list_append (genders, _("Male"));
  gtk_string_list_append (genders, _("Female"));
  self->gender_row = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->gender_row), _("Gender"));
  adw_combo_row_set_model (self->gender_row, G_LIST_MODEL (genders));
  g_signal_connect_object (self->gender_row, "notify::selected", G_CALLBACK (botbench_bot_editor_validate),
                           self, G_CONNECT_SWAPPED);
  adw_preferences_group_add (self->properties_group, GTK_WIDGET (self->gender_row));
  botbench_bot_editor_add_field (self, "PROPERTIES.PERSONAL_GENDER", GTK_WIDGET (self->gender_row));

  /* Colour swatches */
  flow = gtk_flow_box_new ();
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (flow), GTK_SELECTION_NONE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (flow), 17);
  gtk_flow_box_set_min_children_per_line (GTK_FLOW_BOX (flow), 6);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (flow), 6);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (flow), 6);
  for (guint i = 0; i <= BOTBENCH_BOT_N_COLORS; i++)
    {
      const char *label = i == 0 ? _("No color") : botbench_bot_color_get_label (i);
      g_autofree char *css_class = g_strdup_printf ("color-%u", i);

      button = gtk_toggle_button_new ();
      gtk_widget_add_css_class (button, "color-swatch");
      gtk_widget_add_css_class (button, i == 0 ? "none" : css_class);
      if (i == 0)
        gtk_button_set_icon_name (GTK_BUTTON (button), "action-unavailable-symbolic");
      gtk_widget_set_tooltip_text (button, label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      gtk_widget_set_halign (button, GTK_ALIGN_CENTER);
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      if (i > 0)
        gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (button), self->color_buttons[0]);
      g_signal_connect_object (button, "toggled", G_CALLBACK (botbench_bot_editor_validate),
                               self, G_CONNECT_SWAPPED);
      self->color_buttons[i] = GTK_TOGGLE_BUTTON (button);
      gtk_flow_box_append (GTK_FLOW_BOX (flow), button);
    }
  gtk_toggle_button_set_active (self->color_buttons[0], TRUE);
  adw_preferences_group_add (self->color_group, flow);

  /* Avatar */
  self->avatar_row = ADW_ACTION_ROW (adw_action_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->avatar_row), _("Picture"));
  self->avatar_picture = GTK_PICTURE (gtk_picture_new ());
  gtk_picture_set_can_shrink (self->avatar_picture, TRUE);
  gtk_picture_set_content_fit (self->avatar_picture, GTK_CONTENT_FIT_COVER);
  gtk_widget_set_size_request (GTK_WIDGET (self->avatar_picture), 64, 64);
  gtk_widget_set_margin_top (GTK_WIDGET (self->avatar_picture), 6);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->avatar_picture), 6);
  gtk_widget_add_css_class (GTK_WIDGET (self->avatar_picture), "card");
  adw_action_row_add_prefix (self->avatar_row, GTK_WIDGET (self->avatar_picture));

  button = gtk_button_new_from_icon_name ("document-open-symbolic");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "bot-editor.choose-avatar");
  gtk_widget_set_tooltip_text (button, _("Choose Picture…"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Choose a picture for the avatar"), -1);
  gtk_widget_add_css_class (button, "flat");
  adw_action_row_add_suffix (self->avatar_row, button);

  button = gtk_button_new_from_icon_name ("user-trash-symbolic");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "bot-editor.remove-avatar");
  gtk_widget_set_tooltip_text (button, _("Remove Picture"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Remove the avatar"), -1);
  gtk_widget_add_css_class (button, "flat");
  adw_action_row_add_suffix (self->avatar_row, button);
  self->avatar_remove_button = GTK_BUTTON (button);
  adw_preferences_group_add (self->avatar_group, GTK_WIDGET (self->avatar_row));
  botbench_bot_editor_add_field (self, "PROPERTIES.PERSONAL_PHOTO", GTK_WIDGET (self->avatar_row));

  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Size in Pixels"));
  spin = gtk_spin_button_new_with_range (16, BOTBENCH_AVATAR_MAX_SIZE, 16);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), BOTBENCH_AVATAR_DEFAULT_SIZE);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Avatar size in pixels"), -1);
  g_signal_connect_object (spin, "value-changed", G_CALLBACK (avatar_size_changed_cb),
                           self, G_CONNECT_SWAPPED);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  self->avatar_size_spin = GTK_SPIN_BUTTON (spin);
  adw_preferences_group_add (self->avatar_group, row);

  {
    GtkWidget *scale;

    row = adw_action_row_new ();
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Crop Position"));
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                 _("Which part of a wide or tall picture the square keeps"));
    scale = gtk_scale_new_with_range (GTK_ORIENTATION_HORIZONTAL, 0.0, 1.0, 0.05);
    gtk_range_set_value (GTK_RANGE (scale), 0.5);
    gtk_scale_set_draw_value (GTK_SCALE (scale), FALSE);
    gtk_widget_set_size_request (scale, 160, -1);
    gtk_widget_set_valign (scale, GTK_ALIGN_CENTER);
    gtk_accessible_update_property (GTK_ACCESSIBLE (scale), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    _("Avatar crop position, from start to end"), -1);
    g_signal_connect_object (scale, "value-changed", G_CALLBACK (avatar_crop_changed_cb),
                             self, G_CONNECT_SWAPPED);
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), scale);
    self->avatar_crop_scale = GTK_RANGE (scale);
    adw_preferences_group_add (self->avatar_group, row);
  }

  drop = gtk_drop_target_new (G_TYPE_FILE, GDK_ACTION_COPY);
  g_signal_connect_object (drop, "drop", G_CALLBACK (avatar_drop_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self->avatar_group), GTK_EVENT_CONTROLLER (drop));
}

/* GObject */

static void
botbench_bot_editor_dispose (GObject *object)
{
  BotbenchBotEditor *self = (BotbenchBotEditor *)object;

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->avatar_cancellable);
  g_clear_handle_id (&self->avatar_crop_source, g_source_remove);
  g_clear_object (&self->editing_command);
  if (self->preview_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->preview_dialog));
  if (self->unregister_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->unregister_dialog));
  if (self->command_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->command_dialog));

  gtk_widget_dispose_template (GTK_WIDGET (self), BOTBENCH_TYPE_BOT_EDITOR);

  g_clear_object (&self->app);
  g_clear_object (&self->profile);
  g_clear_object (&self->store);
  g_clear_object (&self->bot);
  g_clear_object (&self->avatar);
  g_clear_object (&self->avatar_file);
  g_clear_object (&self->avatar_cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->issues, g_ptr_array_unref);
  g_clear_pointer (&self->pending_params, json_object_unref);
  g_clear_pointer (&self->pending_method, g_free);
  g_clear_pointer (&self->avatar_base64, g_free);
  g_clear_pointer (&self->avatar_error, g_free);
  g_clear_pointer (&self->portal_codes, g_hash_table_unref);

  G_OBJECT_CLASS (botbench_bot_editor_parent_class)->dispose (object);
}

static void
botbench_bot_editor_finalize (GObject *object)
{
  BotbenchBotEditor *self = (BotbenchBotEditor *)object;

  g_clear_pointer (&self->fields, g_hash_table_unref);
  g_clear_pointer (&self->command_list_rows, g_ptr_array_unref);

  G_OBJECT_CLASS (botbench_bot_editor_parent_class)->finalize (object);
}

static void
botbench_bot_editor_class_init (BotbenchBotEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = botbench_bot_editor_dispose;
  object_class->finalize = botbench_bot_editor_finalize;

  signals[CLOSED] =
    g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SAVED] =
    g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, BOTBENCH_TYPE_BOT);

  _botbench_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/botbench/Botbench/botbench-bot-editor.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, BotbenchBotEditor, root_box);
  gtk_widget_class_bind_template_child (widget_class, BotbenchBotEditor, title_label);
  gtk_widget_class_bind_template_child (widget_class, BotbenchBotEditor, banner_revealer);
  gtk_widget_class_bind_template_child (widget_class, BotbenchBotEditor, banner_label);
  gtk_widget_class_bind_template_child (widget_class, BotbenchBotEditor, bot_group);
  gtk_widget_class_bind_template_child (widget_class, BotbenchBotEditor, handlers_group);
  gtk_widget_class_bind_template_child (widget_class, BotbenchBotEditor, properties_group);
  gtk_widget_class_bind_template_child (widget_class, BotbenchBotEditor, color_group);
  gtk_widget_class_bind_template_child (widget_class, BotbenchBotEditor, avatar_group);
  gtk_widget_class_bind_template_child (widget_class, BotbenchBotEditor, save_button);
  gtk_widget_class_bind_template_child (widget_class, BotbenchBotEditor, adopt_button);
  gtk_widget_class_bind_template_child (widget_class, BotbenchBotEditor, commands_group);
  gtk_widget_class_bind_template_child (widget_class, BotbenchBotEditor, add_command_button);
  gtk_widget_class_bind_template_child (widget_class, BotbenchBotEditor, register_button);
  gtk_widget_class_bind_template_child (widget_class, BotbenchBotEditor, unregister_button);
  gtk_widget_class_bind_template_child (widget_class, BotbenchBotEditor, fill_button);
  gtk_widget_class_bind_template_child (widget_class, BotbenchBotEditor, spinner);

  gtk_widget_class_install_action (widget_class, "bot-editor.close", NULL, botbench_bot_editor_close_action);
  gtk_widget_class_install_action (widget_class, "bot-editor.save", NULL, botbench_bot_editor_save_action);
  gtk_widget_class_install_action (widget_class, "bot-editor.export", NULL, botbench_bot_editor_export_action);
  gtk_widget_class_install_action (widget_class, "bot-editor.adopt", NULL, botbench_bot_editor_adopt_action);
  gtk_widget_class_install_action (widget_class, "bot-editor.add-command", NULL,
                                   botbench_bot_editor_add_command_action);
  gtk_widget_class_install_action (widget_class, "bot-editor.send", NULL, botbench_bot_editor_send_action);
  gtk_widget_class_install_action (widget_class, "bot-editor.unregister", NULL,
                                   botbench_bot_editor_unregister_action);
  gtk_widget_class_install_action (widget_class, "bot-editor.check-handlers", NULL,
                                   botbench_bot_editor_check_action);
  gtk_widget_class_install_action (widget_class, "bot-editor.fill-handlers", NULL,
                                   botbench_bot_editor_fill_action);
  gtk_widget_class_install_action (widget_class, "bot-editor.choose-avatar", NULL,
                                   botbench_bot_editor_choose_avatar_action);
  gtk_widget_class_install_action (widget_class, "bot-editor.remove-avatar", NULL,
                                   botbench_bot_editor_remove_avatar_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "bot-editor.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "bot-editor.close", NULL);
}

static void
botbench_bot_editor_init (BotbenchBotEditor *self)
{
  self->fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, field_free);
  self->command_list_rows = g_ptr_array_new ();
  self->cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  botbench_bot_editor_build (self);
  type_selected_cb (self);
}

/* Public API */

void
botbench_bot_editor_edit (BotbenchBotEditor   *self,
                          BotbenchApplication *app,
                          BotbenchProfile     *profile,
                          BotbenchBotStore    *store,
                          BotbenchBot         *bot)
{
  g_return_if_fail (BOTBENCH_IS_BOT_EDITOR (self));
  g_return_if_fail (BOTBENCH_IS_APPLICATION (app));
  g_return_if_fail (BOTBENCH_IS_PROFILE (profile));
  g_return_if_fail (BOTBENCH_IS_BOT_STORE (store));
  g_return_if_fail (bot == NULL || BOTBENCH_IS_BOT (bot));

  /* A call of the previous bot may still run; its answer is dropped. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->busy = FALSE;
  g_clear_pointer (&self->pending_method, g_free);

  g_set_object (&self->app, app);
  g_set_object (&self->profile, profile);
  g_set_object (&self->store, store);
  g_set_object (&self->bot, bot);

  botbench_bot_editor_show_banner (self, NULL);
  self->loading = TRUE;
  gtk_spin_button_set_value (self->avatar_size_spin, BOTBENCH_AVATAR_DEFAULT_SIZE);
  gtk_range_set_value (self->avatar_crop_scale, 0.5);
  self->loading = FALSE;
  botbench_bot_editor_load_form (self, bot);
  botbench_bot_editor_update_state (self);
  botbench_bot_editor_update_commands (self);
}

BotbenchBot *
botbench_bot_editor_get_bot (BotbenchBotEditor *self)
{
  g_return_val_if_fail (BOTBENCH_IS_BOT_EDITOR (self), NULL);

  return self->bot;
}
