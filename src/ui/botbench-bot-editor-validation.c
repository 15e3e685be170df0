/* botbench-bot-editor-validation.c: the bot editor's validation display:
 * each field's issue on its row and below its group, and the portal's
 * errors on the field they name
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "botbench-bot-editor"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "botbench-application-private.h"
#include "botbench-bot-editor-internal.h"

/* The user edited a field: its issues show from now on. */
static void
botbench_bot_editor_touch (BotbenchBotEditor *self,
                           GObject           *row)
{
  const char *key = g_object_get_data (row, "botbench-field-key");

  if (self->loading || key == NULL || g_hash_table_contains (self->touched, key))
    return;
  g_hash_table_add (self->touched, g_strdup (key));
  /* The section's own "changed" validated the form before this ran. */
  _botbench_bot_editor_validate (self);
}

static void
field_edited_cb (GtkEditable       *row,
                 BotbenchBotEditor *self)
{
  botbench_bot_editor_touch (self, G_OBJECT (row));
}

static void
field_selected_cb (GObject           *row,
                   GParamSpec        *pspec,
                   BotbenchBotEditor *self)
{
  botbench_bot_editor_touch (self, row);
}

void
_botbench_bot_editor_add_field (BotbenchBotEditor *self,
                                const char        *key,
                                GtkWidget         *row)
{
  BotbenchBotEditorField *field = g_new0 (BotbenchBotEditorField, 1);

  g_assert (BOTBENCH_IS_BOT_EDITOR (self));

  g_object_set_data_full (G_OBJECT (row), "botbench-field-key", g_strdup (key), g_free);
  if (GTK_IS_EDITABLE (row))
    g_signal_connect_object (row, "changed", G_CALLBACK (field_edited_cb), self, 0);
  else if (ADW_IS_COMBO_ROW (row))
    g_signal_connect_object (row, "notify::selected", G_CALLBACK (field_selected_cb), self, 0);

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
botbench_bot_editor_clear_field (BotbenchBotEditorField *field)
{
  gtk_widget_remove_css_class (field->row, "error");
  gtk_widget_remove_css_class (field->row, "warning");
  gtk_widget_set_visible (field->icon, FALSE);
  gtk_widget_set_tooltip_text (field->icon, NULL);
}

/* Whether a field's issues show yet: every field's once the bot is stored
 * or Register was pressed, else only those of fields the user edited.
 * Rows the user cannot type into (switches, the avatar) only change on
 * the user's word, so theirs always show. */
static gboolean
botbench_bot_editor_shows_field (BotbenchBotEditor *self,
                                 const char        *key)
{
  BotbenchBotEditorField *field = key != NULL ? g_hash_table_lookup (self->fields, key) : NULL;

  if (self->show_all_issues || field == NULL)
    return TRUE;
  if (!GTK_IS_EDITABLE (field->row) && !ADW_IS_COMBO_ROW (field->row))
    return TRUE;
  return g_hash_table_contains (self->touched, key);
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

  if (field == NULL || !botbench_bot_editor_shows_field (self, key))
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

/* The editor's key of a field the v2 validator names ("code",
 * "properties.name"…): the v1 rows they share, or the API group's. */
static const char *
botbench_bot_editor_field_key (const char *field)
{
  static const struct { const char *v2; const char *key; } shared[] = {
    { "code", "CODE" },
    { "properties.name", "PROPERTIES.NAME" },
    { "properties.lastName", "PROPERTIES.LAST_NAME" },
    { "properties.workPosition", "PROPERTIES.WORK_POSITION" },
    { "properties.gender", "PROPERTIES.PERSONAL_GENDER" },
    { "properties.avatar", "PROPERTIES.PERSONAL_PHOTO" },
  };

  for (guint i = 0; field != NULL && i < G_N_ELEMENTS (shared); i++)
    if (g_str_equal (field, shared[i].v2))
      return shared[i].key;
  return field;
}

/* Whether any error of the last validation is on show. */
static gboolean
botbench_bot_editor_shows_errors (BotbenchBotEditor *self,
                                  gboolean           code_clash)
{
  if (self->show_all_issues || (code_clash && botbench_bot_editor_shows_field (self, "CODE")))
    return TRUE;
  for (guint i = 0; i < self->issues->len; i++)
    {
      BotbenchBotIssue *issue = g_ptr_array_index (self->issues, i);
      const char *key = botbench_bot_editor_field_key (issue->field);

      if (issue->severity != BOTBENCH_BOT_ISSUE_ERROR)
        continue;
      if (key != NULL && g_hash_table_contains (self->fields, key))
        {
          if (botbench_bot_editor_shows_field (self, key))
            return TRUE;
        }
      else if (g_hash_table_size (self->touched) > 0)
        return TRUE;
    }
  return botbench_avatar_section_get_error (self->avatar_section) != NULL;
}

gboolean
_botbench_bot_editor_reveal_issues (BotbenchBotEditor *self)
{
  g_assert (BOTBENCH_IS_BOT_EDITOR (self));

  self->show_all_issues = TRUE;
  _botbench_bot_editor_validate (self);
  if (self->issues == NULL)
    return FALSE;
  for (guint i = 0; i < self->issues->len; i++)
    {
      BotbenchBotIssue *issue = g_ptr_array_index (self->issues, i);
      const char *key = botbench_bot_editor_field_key (issue->field);
      BotbenchBotEditorField *field = key != NULL ? g_hash_table_lookup (self->fields, key) : NULL;

      if (issue->severity != BOTBENCH_BOT_ISSUE_ERROR)
        continue;
      if (field != NULL && gtk_widget_get_visible (field->row))
        {
          GtkWidget *expander = gtk_widget_get_ancestor (gtk_widget_get_parent (field->row),
                                                         ADW_TYPE_EXPANDER_ROW);

          /* A per-event handler URL: unfold the handlers first. */
          if (expander != NULL)
            adw_expander_row_set_expanded (ADW_EXPANDER_ROW (expander), TRUE);
          gtk_widget_grab_focus (field->row);
        }
      return TRUE;
    }
  return FALSE;
}

void
_botbench_bot_editor_validate (BotbenchBotEditor *self)
{
  BotbenchBotValidationContext context = { 0 };
  g_autoptr(BotbenchBot) bot = NULL;
  g_autoptr(GPtrArray) handler_sets = NULL;
  g_autoptr(GPtrArray) groups = g_ptr_array_new ();
  GString *texts[6];
  GHashTableIter iter;
  gpointer value;
  gboolean registered;
  gboolean v2;
  gboolean has_error;
  gboolean nothing_changed = FALSE;
  gboolean code_clash = FALSE;
  BotbenchPortalCode *taken = NULL;
  const char *avatar_error;

  if (self->loading || self->profile == NULL)
    return;

  bot = botbench_bot_editor_dup_form_bot (self);
  registered = self->bot != NULL && botbench_bot_get_bot_id (self->bot) > 0;
  v2 = botbench_bot_get_api (bot) == BOTBENCH_BOT_API_V2;
  /* Register generates a botToken when there is none: not an issue. */
  if (v2 && !registered)
    botbench_bot_ensure_bot_token (bot);
  context.oauth = !_botbench_bot_editor_webhook_auth (self);

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
  if (botbench_profile_is_builtin_sandbox (self->profile))
    context.bot_limit = botbench_sandbox_get_bot_limit (botbench_application_get_sandbox (self->app));
  else
    context.bot_limit = BOTBENCH_BOT_DEFAULT_LIMIT;
  context.previous = registered ? self->bot : NULL;

  g_clear_pointer (&self->issues, g_ptr_array_unref);
  self->issues = botbench_bot_validate (bot, &context);

  g_hash_table_iter_init (&iter, self->fields);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    botbench_bot_editor_clear_field (value);

  /* In the order of texts[]: the first takes the definition's own issues. */
  g_ptr_array_add (groups, self->identity_section);
  g_ptr_array_add (groups, self->handlers_section);
  g_ptr_array_add (groups, self->properties_section);
  g_ptr_array_add (groups, self->color_section);
  g_ptr_array_add (groups, self->avatar_section);
  g_ptr_array_add (groups, self->v2_section);
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    texts[i] = g_string_new (NULL);

  for (guint i = 0; i < self->issues->len; i++)
    {
      BotbenchBotIssue *issue = g_ptr_array_index (self->issues, i);
      gboolean is_error = issue->severity == BOTBENCH_BOT_ISSUE_ERROR;
      const char *key = botbench_bot_editor_field_key (issue->field);
      g_autofree char *message = NULL;

      if (is_error && issue->hint != NULL)
        message = g_strdup_printf ("%s — %s", issue->message, issue->hint);
      else
        message = g_strdup (issue->message);

      if (key != NULL && g_hash_table_contains (self->fields, key))
        botbench_bot_editor_mark_field (self, key, is_error, message, texts, groups);
      else
        {
          /* imbot.update with nothing changed: Update is simply off. */
          if (context.previous != NULL && g_strcmp0 (issue->code, "WRONG_REQUEST") == 0 &&
              issue->field == NULL)
            {
              nothing_changed = TRUE;
              continue;
            }

          /* The definition as a whole: shown with the bot's own fields,
           * once the user has edited one. */
          if (!self->show_all_issues && g_hash_table_size (self->touched) == 0)
            continue;
          if (texts[0]->len > 0)
            g_string_append_c (texts[0], '\n');
          g_string_append (texts[0], message);
          if (is_error)
            g_object_set_data (G_OBJECT (self->identity_section), "has-error", GINT_TO_POINTER (TRUE));
        }
    }

  /* A CODE the portal already has: adopt that bot rather than register a
   * duplicate. */
  if (!registered && !v2 && self->portal_codes != NULL && botbench_bot_get_code (bot) != NULL)
    taken = g_hash_table_lookup (self->portal_codes, botbench_bot_get_code (bot));
  self->adopt_id = taken != NULL ? taken->id : 0;
  if (taken != NULL)
    {
      g_autofree char *message = NULL;

      /* Translators: %ld is the id of a bot on the portal */
      message = g_strdup_printf (_("The portal already has a bot with this code (bot %lld): adopt it instead of registering a duplicate"), (long long) taken->id);
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
  avatar_error = botbench_avatar_section_get_error (self->avatar_section);
  if (avatar_error != NULL)
    botbench_bot_editor_mark_field (self, "PROPERTIES.PERSONAL_PHOTO", TRUE, avatar_error, texts, groups);

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
  /* Register stays pressable while the errors are not shown yet: pressing
   * it shows them (and sends nothing). */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "bot-editor.send",
                                 !self->busy && (!has_error || !botbench_bot_editor_shows_errors (self, code_clash)));
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
  static const struct { const char *code; const char *key; } v2_codes[] = {
    { "BOT_CODE_REQUIRED", "CODE" },
    { "BOT_CODE_ALREADY_TAKEN", "CODE" },
    { "BOT_PROPERTIES_REQUIRED", "PROPERTIES.NAME" },
    { "BOT_INVALID_EVENT_MODE", "eventMode" },
    { "BOT_WEBHOOK_URL_REQUIRED", "webhookUrl" },
    { "BOT_INVALID_CALLBACK", "webhookUrl" },
    { "BOT_INVALID_TYPE", "type" },
    { "BOT_AVATAR_INCORRECT_TYPE", "PROPERTIES.PERSONAL_PHOTO" },
    { "BOT_AVATAR_INCORRECT_SIZE", "PROPERTIES.PERSONAL_PHOTO" },
    { "BOT_TOKEN_NOT_SPECIFIED", "botToken" },
    { "BOT_TOKEN_INVALID_LENGTH", "botToken" },
    { "BOT_TOKEN_ROTATION_FAILED", "botToken" },
    { "BOT_OWNERSHIP_ERROR", "botToken" },
  };

  if (code == NULL)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (v2_codes); i++)
    if (g_str_equal (code, v2_codes[i].code))
      return v2_codes[i].key;
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
      GtkWidget *expander = gtk_widget_get_ancestor (gtk_widget_get_parent (field->row),
                                                     ADW_TYPE_EXPANDER_ROW);

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
      /* A per-event handler URL: unfold the handlers. */
      if (ADW_IS_EXPANDER_ROW (expander))
        adw_expander_row_set_expanded (ADW_EXPANDER_ROW (expander), TRUE);
      gtk_widget_grab_focus (field->row);
      _botbench_bot_editor_show_banner (self, NULL);
    }
  else
    _botbench_bot_editor_show_banner (self, text);
}

void
_botbench_bot_editor_set_portal_codes (BotbenchBotEditor *self,
                                       GHashTable        *codes)
{
  g_return_if_fail (BOTBENCH_IS_BOT_EDITOR (self));

  g_clear_pointer (&self->portal_codes, g_hash_table_unref);
  if (codes != NULL)
    self->portal_codes = g_hash_table_ref (codes);
  _botbench_bot_editor_validate (self);
}

GtkWidget *
_botbench_bot_editor_get_field_row (BotbenchBotEditor *self,
                                    const char        *key)
{
  BotbenchBotEditorField *field;

  g_return_val_if_fail (BOTBENCH_IS_BOT_EDITOR (self), NULL);

  field = g_hash_table_lookup (self->fields, key);
  return field != NULL ? field->row : NULL;
}

GtkWidget *
_botbench_bot_editor_get_field_icon (BotbenchBotEditor *self,
                                     const char        *key)
{
  BotbenchBotEditorField *field;

  g_return_val_if_fail (BOTBENCH_IS_BOT_EDITOR (self), NULL);

  field = g_hash_table_lookup (self->fields, key);
  return field != NULL ? field->icon : NULL;
}
