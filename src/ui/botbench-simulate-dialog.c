/* botbench-simulate-dialog.c: send a simulated Bitrix24 event
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pick a template (ONIMBOTMESSAGEADD private, group with mention, …), a
 * bot of the active profile, optional KEY=VALUE edits (PHP keys, as
 * `send-event --set` takes them) and a target (the listener by default);
 * Send builds the body the way the portal encodes it, sends it, shows the
 * answer and selects the stored event in the window.
 */
#define G_LOG_DOMAIN "botbench-simulate-dialog"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "botbench-application-private.h"
#include "botbench-handler-view.h"
#include "botbench-request-sender.h"
#include "botbench-simulate-dialog.h"

struct _BotbenchSimulateDialog
{
  AdwWindow            parent_instance;

  BotbenchApplication *app;
  GtkWindow           *parent;
  BotbenchBotStore    *bots;
  /* BotbenchBot * offered, index + 1 in bot_row (0: the template's own) */
  GPtrArray           *bot_items;
  /* Sends and shows the answer (shared with the Replay dialog). */
  BotbenchRequestSender *sender;
  /* For the keyring lookup of the expected token. */
  GCancellable        *cancellable;
  /* The active profile (NULL: none) and its portal facts for the
   * templates, its expected application_token once the keyring answered. */
  BotbenchProfile     *profile;
  BotbenchTemplateContext context;
  guint                token_pending : 1;
  /* Send was clicked while the token was looked up: send once it is in. */
  guint                send_pending : 1;

  AdwViewStack        *view_stack;
  AdwViewStackPage    *answer_page;
  GtkButton           *send_button;
  AdwComboRow         *template_row;
  GtkStringList       *template_titles;
  AdwComboRow         *bot_row;
  GtkStringList       *bot_titles;
  GtkTextView         *values_view;
  AdwEntryRow         *url_row;
  GtkLabel            *problem_label;
  GtkLabel            *event_label;
  BotbenchHandlerView *answer_view;
};

G_DEFINE_FINAL_TYPE (BotbenchSimulateDialog, botbench_simulate_dialog, ADW_TYPE_WINDOW)

static char *
dup_values_text (BotbenchSimulateDialog *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->values_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);

  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* The KEY=VALUE lines (blank lines skipped), checked. */
static GStrv
botbench_simulate_dialog_dup_sets (BotbenchSimulateDialog  *self,
                                   GError                 **error)
{
  g_autofree char *text = dup_values_text (self);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *key = NULL;
      g_autofree char *value = NULL;
      const char *line = lines[i];

      if (*g_strstrip (lines[i]) == '\0')
        continue;

      if (!botbench_form_edit_parse_assignment (line, &key, &value, error))
        {
          g_prefix_error (error, _("Line %u: "), i + 1);
          return NULL;
        }
      g_strv_builder_add (builder, line);
    }

  return g_strv_builder_end (builder);
}

static const char *
botbench_simulate_dialog_get_template (BotbenchSimulateDialog *self)
{
  const char * const *names = botbench_event_template_list ();
  guint selected = adw_combo_row_get_selected (self->template_row);

  if (selected >= g_strv_length ((char **)names))
    return NULL;

  return names[selected];
}

/* The request Send would send now. */
static BotbenchEvent *
botbench_simulate_dialog_build (BotbenchSimulateDialog  *self,
                                GError                 **error)
{
  g_autoptr(BotbenchEvent) event = NULL;
  g_auto(GStrv) sets = NULL;
  g_autofree char *body = NULL;
  g_autoptr(GBytes) bytes = NULL;
  BotbenchBot *bot = NULL;
  const char *name = botbench_simulate_dialog_get_template (self);
  guint bot_index = adw_combo_row_get_selected (self->bot_row);
  gsize len;

  if (name == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("Choose a template"));
      return NULL;
    }

  sets = botbench_simulate_dialog_dup_sets (self, error);
  if (sets == NULL)
    return NULL;

  if (bot_index > 0 && bot_index <= self->bot_items->len)
    bot = g_ptr_array_index (self->bot_items, bot_index - 1);

  body = botbench_event_template_build (name, bot, &self->context, error);
  if (body == NULL)
    return NULL;

  len = strlen (body);
  bytes = g_bytes_new_take (g_steal_pointer (&body), len);
  event = botbench_replay_build_new ("/", bytes);
  if (sets[0] == NULL)
    return g_steal_pointer (&event);

  return botbench_replay_build (event, (const char * const *)sets, error);
}

static void
botbench_simulate_dialog_update (BotbenchSimulateDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) sets = NULL;
  const char *url = gtk_editable_get_text (GTK_EDITABLE (self->url_row));
  const char *name = botbench_simulate_dialog_get_template (self);
  gboolean url_ok;

  url_ok = g_str_has_prefix (url, "http://") || g_str_has_prefix (url, "https://");
  if (url_ok)
    gtk_widget_remove_css_class (GTK_WIDGET (self->url_row), "error");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->url_row), "error");

  gtk_label_set_label (self->event_label, name != NULL ? botbench_event_template_get_event (name) : "");

  sets = botbench_simulate_dialog_dup_sets (self, &error);
  gtk_label_set_label (self->problem_label, sets == NULL ? error->message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->problem_label), sets == NULL);

  gtk_widget_set_sensitive (GTK_WIDGET (self->send_button),
                            url_ok && sets != NULL && name != NULL && !self->send_pending &&
                            (self->sender == NULL || !_botbench_request_sender_get_sending (self->sender)));
}

static void
send_clicked_cb (BotbenchSimulateDialog *self)
{
  g_autoptr(BotbenchEvent) event = NULL;
  g_autoptr(GError) error = NULL;

  /* The event must carry the profile's token: wait for the keyring. */
  if (self->token_pending)
    {
      self->send_pending = TRUE;
      gtk_widget_set_sensitive (GTK_WIDGET (self->send_button), FALSE);
      return;
    }

  event = botbench_simulate_dialog_build (self, &error);
  if (event == NULL)
    {
      _botbench_request_sender_show_problem (self->sender, error->message);
      return;
    }

  _botbench_request_sender_send (self->sender, event, gtk_editable_get_text (GTK_EDITABLE (self->url_row)));
  gtk_widget_set_sensitive (GTK_WIDGET (self->send_button), FALSE);
}

static void
request_sent_cb (gpointer owner)
{
  botbench_simulate_dialog_update (owner);
}

static void
changed_cb (BotbenchSimulateDialog *self)
{
  botbench_simulate_dialog_update (self);
}

static void
expected_token_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(BotbenchSimulateDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  char *token;

  token = botbench_token_check_dup_expected_finish (BOTBENCH_PROFILE (object), result, &error);
  /* Closed meanwhile (dispose cancelled, then dropped, the cancellable). */
  if (self->cancellable == NULL || g_cancellable_is_cancelled (self->cancellable))
    {
      botbench_secret_free (token);
      return;
    }

  if (error != NULL)
    g_debug ("Cannot read the expected application_token: %s", error->message);

  botbench_template_context_clear (&self->context);
  botbench_template_context_init_from_profile (&self->context, self->profile, token);
  botbench_secret_free (token);
  self->token_pending = FALSE;

  if (self->send_pending)
    {
      self->send_pending = FALSE;
      send_clicked_cb (self);
    }
  else
    botbench_simulate_dialog_update (self);
}

/* The active profile's portal and bots; its expected token is looked up
 * (asynchronously: the keyring) for the templates' auth[application_token]. */
static void
botbench_simulate_dialog_load_profile (BotbenchSimulateDialog *self)
{
  BotbenchProfileManager *profiles = botbench_application_get_profile_manager (self->app);
  BotbenchProfile *profile = profiles != NULL ? botbench_profile_manager_get_active (profiles) : NULL;
  g_autoptr(GError) error = NULL;
  gboolean have_registered = FALSE;

  /* Translators: the bot choice of the Simulate Event dialog when no bot of the profile is used */
  gtk_string_list_append (self->bot_titles, _("echo_bot (567, example)"));

  if (profile == NULL)
    return;

  self->profile = g_object_ref (profile);
  botbench_template_context_init_from_profile (&self->context, profile, NULL);
  self->token_pending = TRUE;
  botbench_token_check_dup_expected_async (profile, botbench_application_get_secret_store (self->app),
                                           self->cancellable, expected_token_cb, g_object_ref (self));

  self->bots = botbench_bot_store_new (botbench_profile_get_uuid (profile), NULL);
  if (!botbench_bot_store_load (self->bots, &error))
    {
      g_debug ("Cannot read the profile's bots: %s", error->message);
      return;
    }

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->bots)); i++)
    {
      g_autoptr(BotbenchBot) bot = g_list_model_get_item (G_LIST_MODEL (self->bots), i);
      g_autofree char *title = NULL;

      if (botbench_bot_get_bot_id (bot) > 0)
        /* Translators: a bot in the Simulate Event dialog: name, code and bot id */
        title = g_strdup_printf (_("%s (%s, %lld)"), botbench_bot_get_name (bot),
                                 botbench_bot_get_code (bot), (long long) botbench_bot_get_bot_id (bot));
      else
        /* Translators: a bot not registered yet in the Simulate Event dialog: name and code */
        title = g_strdup_printf (_("%s (%s, not registered)"), botbench_bot_get_name (bot),
                                 botbench_bot_get_code (bot));
      gtk_string_list_append (self->bot_titles, title);
      /* The profile's first registered bot is the one simulated at first */
      if (botbench_bot_get_bot_id (bot) > 0 && !have_registered)
        {
          adw_combo_row_set_selected (self->bot_row, self->bot_items->len + 1);
          have_registered = TRUE;
        }
      g_ptr_array_add (self->bot_items, g_steal_pointer (&bot));
    }
}

static void
botbench_simulate_dialog_dispose (GObject *object)
{
  BotbenchSimulateDialog *self = (BotbenchSimulateDialog *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_pointer (&self->sender, _botbench_request_sender_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), BOTBENCH_TYPE_SIMULATE_DIALOG);
  g_clear_pointer (&self->bot_items, g_ptr_array_unref);
  g_clear_object (&self->bots);
  g_clear_object (&self->app);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->profile);
  botbench_template_context_clear (&self->context);
  g_clear_weak_pointer (&self->parent);

  G_OBJECT_CLASS (botbench_simulate_dialog_parent_class)->dispose (object);
}

static void
botbench_simulate_dialog_class_init (BotbenchSimulateDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = botbench_simulate_dialog_dispose;

  g_type_ensure (BOTBENCH_TYPE_HANDLER_VIEW);

  _botbench_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/botbench/Botbench/botbench-simulate-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, BotbenchSimulateDialog, view_stack);
  gtk_widget_class_bind_template_child (widget_class, BotbenchSimulateDialog, answer_page);
  gtk_widget_class_bind_template_child (widget_class, BotbenchSimulateDialog, send_button);
  gtk_widget_class_bind_template_child (widget_class, BotbenchSimulateDialog, template_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchSimulateDialog, template_titles);
  gtk_widget_class_bind_template_child (widget_class, BotbenchSimulateDialog, bot_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchSimulateDialog, bot_titles);
  gtk_widget_class_bind_template_child (widget_class, BotbenchSimulateDialog, values_view);
  gtk_widget_class_bind_template_child (widget_class, BotbenchSimulateDialog, url_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchSimulateDialog, problem_label);
  gtk_widget_class_bind_template_child (widget_class, BotbenchSimulateDialog, event_label);
  gtk_widget_class_bind_template_child (widget_class, BotbenchSimulateDialog, answer_view);
  gtk_widget_class_bind_template_callback (widget_class, changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, send_clicked_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
botbench_simulate_dialog_init (BotbenchSimulateDialog *self)
{
  const char * const *names = botbench_event_template_list ();

  self->bot_items = g_ptr_array_new_with_free_func (g_object_unref);
  self->cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; names[i] != NULL; i++)
    gtk_string_list_append (self->template_titles, botbench_event_template_get_title (names[i]));

  g_signal_connect_object (gtk_text_view_get_buffer (self->values_view), "changed",
                           G_CALLBACK (changed_cb), self, G_CONNECT_SWAPPED);
}

GtkWidget *
botbench_simulate_dialog_new (BotbenchApplication *app,
                              GtkWindow           *parent)
{
  BotbenchSimulateDialog *self;
  g_autofree char *base = NULL;
  g_autofree char *url = NULL;

  g_return_val_if_fail (BOTBENCH_IS_APPLICATION (app), NULL);
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  self = g_object_new (BOTBENCH_TYPE_SIMULATE_DIALOG,
                       "transient-for", parent,
                       NULL);
  self->app = g_object_ref (app);
  g_set_weak_pointer (&self->parent, parent);
  self->sender = _botbench_request_sender_new (app, parent, self->view_stack, self->answer_page,
                                               self->problem_label, self->answer_view,
                                               request_sent_cb, self);

  botbench_simulate_dialog_load_profile (self);

  base = botbench_application_dup_listener_base_url (app);
  url = g_strconcat (base, "/", NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->url_row), url);

  botbench_simulate_dialog_update (self);

  return GTK_WIDGET (self);
}

gboolean
botbench_simulate_dialog_select_template (BotbenchSimulateDialog *self,
                                          const char             *name)
{
  const char * const *names = botbench_event_template_list ();

  g_return_val_if_fail (BOTBENCH_IS_SIMULATE_DIALOG (self), FALSE);

  for (guint i = 0; names[i] != NULL; i++)
    {
      if (g_strcmp0 (names[i], name) == 0)
        {
          adw_combo_row_set_selected (self->template_row, i);
          return TRUE;
        }
    }

  return FALSE;
}

gint64
botbench_simulate_dialog_get_event_id (BotbenchSimulateDialog *self)
{
  g_return_val_if_fail (BOTBENCH_IS_SIMULATE_DIALOG (self), 0);

  return _botbench_request_sender_get_event_id (self->sender);
}

gboolean
botbench_simulate_dialog_get_sent (BotbenchSimulateDialog *self)
{
  g_return_val_if_fail (BOTBENCH_IS_SIMULATE_DIALOG (self), FALSE);

  return _botbench_request_sender_get_sent (self->sender);
}
