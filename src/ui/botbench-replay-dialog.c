/* botbench-replay-dialog.c: replay a stored event, with edits
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Request page edits what is sent: the target (this listener, the
 * forward target of the event's path, or any URL) and the body, either as
 * the decoded tree's values (one entry row per PHP key: change a value,
 * remove a key, add one) re-encoded the way Bitrix24 encodes, or as the
 * raw body.  The Changes page shows the diff against the original; the
 * Answer page what the target answered.  The replay is stored as a new
 * event ("replay of #ID") and selected in the window.
 */
#define G_LOG_DOMAIN "botbench-replay-dialog"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "botbench-a11y.h"
#include "botbench-application-private.h"
#include "botbench-forward-settings.h"
#include "botbench-handler-view.h"
#include "botbench-replay-dialog.h"
#include "botbench-request-sender.h"

typedef enum
{
  TARGET_LISTENER,
  TARGET_FORWARD,
  TARGET_OTHER,
} Target;

typedef struct
{
  char        *key;
  char        *original_value;   /* NULL: added */
  AdwEntryRow *row;
  gboolean     removed;
} PairRow;

struct _BotbenchReplayDialog
{
  AdwWindow            parent_instance;

  BotbenchApplication *app;
  GtkWindow           *parent;
  BotbenchEvent       *original;
  /* PairRow *, in the body's order, added keys last */
  GPtrArray           *pairs;
  /* Sends and shows the answer (shared with the Simulate dialog). */
  BotbenchRequestSender *sender;
  char                *forward_target;
  guint                setting_url : 1;

  AdwViewStack        *view_stack;
  AdwViewStackPage    *answer_page;
  GtkButton           *send_button;
  AdwComboRow         *target_row;
  AdwEntryRow         *url_row;
  GtkSwitch           *raw_switch;
  AdwPreferencesGroup *pairs_group;
  AdwPreferencesGroup *add_group;
  AdwEntryRow         *new_key_row;
  AdwEntryRow         *new_value_row;
  GtkWidget           *raw_box;
  GtkTextView         *raw_view;
  GtkTextView         *diff_view;
  GtkLabel            *problem_label;
  BotbenchHandlerView *answer_view;
};

G_DEFINE_FINAL_TYPE (BotbenchReplayDialog, botbench_replay_dialog, ADW_TYPE_WINDOW)

static void
pair_row_free (PairRow *pair)
{
  g_free (pair->key);
  g_free (pair->original_value);
  g_free (pair);
}

static char *
dup_raw_text (BotbenchReplayDialog *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->raw_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);

  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static gboolean
botbench_replay_dialog_has_tree_edits (BotbenchReplayDialog *self)
{
  for (guint i = 0; i < self->pairs->len; i++)
    {
      PairRow *pair = g_ptr_array_index (self->pairs, i);

      if (pair->removed || pair->original_value == NULL ||
          g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (pair->row)), pair->original_value) != 0)
        return TRUE;
    }

  return FALSE;
}

static void
botbench_replay_dialog_set_diff (BotbenchReplayDialog *self,
                                 const char           *text)
{
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->diff_view), text, -1);
}

/* The request the dialog would send now. */
static BotbenchEvent *
botbench_replay_dialog_build (BotbenchReplayDialog  *self,
                              GError               **error)
{
  g_autoptr(BotbenchFormNode) root = NULL;
  BotbenchFormNode *form;

  if (gtk_switch_get_active (self->raw_switch))
    {
      g_autofree char *text = dup_raw_text (self);
      gsize len = strlen (text);
      g_autoptr(GBytes) body = g_bytes_new_take (g_steal_pointer (&text), len);

      return botbench_replay_build_from_body (self->original, body, NULL);
    }

  /* Untouched, the body goes byte for byte. */
  if (!botbench_replay_dialog_has_tree_edits (self))
    return botbench_replay_build (self->original, NULL, error);

  form = botbench_event_get_form (self->original);
  if (form != NULL)
    root = botbench_form_node_ref (form);

  for (guint i = 0; i < self->pairs->len; i++)
    {
      PairRow *pair = g_ptr_array_index (self->pairs, i);
      const char *value = gtk_editable_get_text (GTK_EDITABLE (pair->row));

      if (pair->removed)
        {
          if (pair->original_value != NULL && !botbench_form_edit_remove (&root, pair->key, error))
            return NULL;
        }
      else if (pair->original_value == NULL || !g_str_equal (value, pair->original_value))
        {
          if (!botbench_form_edit_set (&root, pair->key, value, error))
            return NULL;
        }
    }

  return botbench_replay_build_from_form (self->original, root);
}

static void
botbench_replay_dialog_update (BotbenchReplayDialog *self)
{
  g_autoptr(BotbenchEvent) replay = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url_problem = NULL;
  g_autofree char *diff = NULL;
  const char *url;

  replay = botbench_replay_dialog_build (self, &error);
  if (replay == NULL)
    {
      botbench_replay_dialog_set_diff (self, "");
      gtk_label_set_label (self->problem_label, error->message);
    }
  else
    {
      diff = botbench_replay_dup_event_diff (self->original, replay);
      botbench_replay_dialog_set_diff (self,
                           diff != NULL && *diff != '\0' ? diff
                           : _("No changes: the original body is sent byte for byte."));
      gtk_label_set_label (self->problem_label, "");
    }

  url = gtk_editable_get_text (GTK_EDITABLE (self->url_row));
  if (url == NULL || *url == '\0')
    url_problem = g_strdup (_("Enter an http:// or https:// URL to send to"));
  else
    url_problem = botbench_forward_settings_check_url (url);
  if (url_problem != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->url_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->url_row), "error");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->url_row), url_problem);

  gtk_widget_set_visible (GTK_WIDGET (self->problem_label), replay == NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->send_button),
                            replay != NULL && url_problem == NULL &&
                            (self->sender == NULL || !_botbench_request_sender_get_sending (self->sender)));
}

static void
botbench_replay_dialog_set_url (BotbenchReplayDialog *self,
                                const char           *url)
{
  self->setting_url = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->url_row), url != NULL ? url : "");
  self->setting_url = FALSE;
}

static void
target_changed_cb (BotbenchReplayDialog *self)
{
  switch ((Target)adw_combo_row_get_selected (self->target_row))
    {
    case TARGET_LISTENER:
      {
        g_autofree char *base = botbench_application_dup_listener_base_url (self->app);
        g_autofree char *url = g_strconcat (base, botbench_event_get_path (self->original), NULL);

        botbench_replay_dialog_set_url (self, url);
      }
      break;

    case TARGET_FORWARD:
      if (self->forward_target != NULL)
        botbench_replay_dialog_set_url (self, self->forward_target);
      else
        botbench_replay_dialog_set_url (self, "");
      break;

    case TARGET_OTHER:
    default:
      break;
    }

  botbench_replay_dialog_update (self);
}

static void
url_changed_cb (BotbenchReplayDialog *self)
{
  if (!self->setting_url && adw_combo_row_get_selected (self->target_row) != TARGET_OTHER)
    {
      self->setting_url = TRUE;
      adw_combo_row_set_selected (self->target_row, TARGET_OTHER);
      self->setting_url = FALSE;
    }

  botbench_replay_dialog_update (self);
}

static void
raw_switch_cb (BotbenchReplayDialog *self)
{
  gboolean raw = gtk_switch_get_active (self->raw_switch);

  gtk_widget_set_visible (GTK_WIDGET (self->pairs_group), !raw);
  gtk_widget_set_visible (GTK_WIDGET (self->add_group), !raw);
  gtk_widget_set_visible (self->raw_box, raw);
  botbench_replay_dialog_update (self);
}

static void
pair_remove_clicked_cb (GtkButton *button,
                        PairRow   *pair)
{
  BotbenchReplayDialog *self = BOTBENCH_REPLAY_DIALOG (gtk_widget_get_root (GTK_WIDGET (button)));

  pair->removed = TRUE;
  gtk_widget_set_visible (GTK_WIDGET (pair->row), FALSE);
  botbench_replay_dialog_update (self);
}

static PairRow *
botbench_replay_dialog_add_pair (BotbenchReplayDialog *self,
                                 const char           *key,
                                 const char           *value,
                                 gboolean              added)
{
  g_autofree char *remove_label = NULL;
  PairRow *pair = g_new0 (PairRow, 1);
  GtkWidget *remove;

  pair->key = g_strdup (key);
  pair->original_value = added ? NULL : g_strdup (value);
  pair->row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (pair->row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (pair->row), key);
  gtk_editable_set_text (GTK_EDITABLE (pair->row), value);
  g_signal_connect_object (pair->row, "changed", G_CALLBACK (botbench_replay_dialog_update),
                           self, G_CONNECT_SWAPPED);

  remove = gtk_button_new_from_icon_name ("list-remove-symbolic");
  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_set_tooltip_text (remove, _("Remove Key"));
  /* Translators: accessible label of a button, %s is a form key such as data[PARAMS][MESSAGE] */
  remove_label = g_strdup_printf (_("Remove %s"), key);
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL, remove_label, -1);
  g_signal_connect (remove, "clicked", G_CALLBACK (pair_remove_clicked_cb), pair);
  adw_entry_row_add_suffix (pair->row, remove);

  adw_preferences_group_add (self->pairs_group, GTK_WIDGET (pair->row));
  g_ptr_array_add (self->pairs, pair);

  return pair;
}

static void
add_key_clicked_cb (BotbenchReplayDialog *self)
{
  g_autofree char *key = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->new_key_row))));
  const char *value = gtk_editable_get_text (GTK_EDITABLE (self->new_value_row));

  if (*key == '\0')
    return;

  botbench_replay_dialog_set_value (self, key, value);
  gtk_editable_set_text (GTK_EDITABLE (self->new_key_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->new_value_row), "");
}

static void
send_clicked_cb (BotbenchReplayDialog *self)
{
  g_autoptr(BotbenchEvent) replay = NULL;
  g_autoptr(GError) error = NULL;

  replay = botbench_replay_dialog_build (self, &error);
  if (replay == NULL)
    {
      _botbench_request_sender_show_problem (self->sender, error->message);
      return;
    }

  _botbench_request_sender_send (self->sender, replay, gtk_editable_get_text (GTK_EDITABLE (self->url_row)));
  gtk_widget_set_sensitive (GTK_WIDGET (self->send_button), FALSE);
}

static void
request_sent_cb (gpointer owner)
{
  botbench_replay_dialog_update (owner);
}

static void
botbench_replay_dialog_dispose (GObject *object)
{
  BotbenchReplayDialog *self = (BotbenchReplayDialog *)object;

  g_clear_pointer (&self->sender, _botbench_request_sender_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), BOTBENCH_TYPE_REPLAY_DIALOG);
  g_clear_pointer (&self->pairs, g_ptr_array_unref);
  g_clear_object (&self->original);
  g_clear_object (&self->app);
  g_clear_pointer (&self->forward_target, g_free);
  g_clear_weak_pointer (&self->parent);

  G_OBJECT_CLASS (botbench_replay_dialog_parent_class)->dispose (object);
}

static void
botbench_replay_dialog_class_init (BotbenchReplayDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = botbench_replay_dialog_dispose;

  g_type_ensure (BOTBENCH_TYPE_HANDLER_VIEW);

  _botbench_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/botbench/Botbench/botbench-replay-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, BotbenchReplayDialog, view_stack);
  gtk_widget_class_bind_template_child (widget_class, BotbenchReplayDialog, answer_page);
  gtk_widget_class_bind_template_child (widget_class, BotbenchReplayDialog, send_button);
  gtk_widget_class_bind_template_child (widget_class, BotbenchReplayDialog, target_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchReplayDialog, url_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchReplayDialog, raw_switch);
  gtk_widget_class_bind_template_child (widget_class, BotbenchReplayDialog, pairs_group);
  gtk_widget_class_bind_template_child (widget_class, BotbenchReplayDialog, add_group);
  gtk_widget_class_bind_template_child (widget_class, BotbenchReplayDialog, new_key_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchReplayDialog, new_value_row);
  gtk_widget_class_bind_template_child (widget_class, BotbenchReplayDialog, raw_box);
  gtk_widget_class_bind_template_child (widget_class, BotbenchReplayDialog, raw_view);
  gtk_widget_class_bind_template_child (widget_class, BotbenchReplayDialog, diff_view);
  gtk_widget_class_bind_template_child (widget_class, BotbenchReplayDialog, problem_label);
  gtk_widget_class_bind_template_child (widget_class, BotbenchReplayDialog, answer_view);
  gtk_widget_class_bind_template_callback (widget_class, target_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, url_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, raw_switch_cb);
  gtk_widget_class_bind_template_callback (widget_class, add_key_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, send_clicked_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
botbench_replay_dialog_init (BotbenchReplayDialog *self)
{
  self->pairs = g_ptr_array_new_with_free_func ((GDestroyNotify)pair_row_free);

  gtk_widget_init_template (GTK_WIDGET (self));
  botbench_a11y_label_lists (GTK_WIDGET (self->pairs_group), _("Values"));
}

GtkWidget *
botbench_replay_dialog_new (BotbenchApplication *app,
                            GtkWindow           *parent,
                            BotbenchEvent       *original)
{
  BotbenchReplayDialog *self;
  BotbenchForwarder *forwarder;
  BotbenchFormNode *form;
  GBytes *body;
  g_autofree char *text = NULL;

  g_return_val_if_fail (BOTBENCH_IS_APPLICATION (app), NULL);
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (BOTBENCH_IS_EVENT (original), NULL);

  self = g_object_new (BOTBENCH_TYPE_REPLAY_DIALOG,
                       "transient-for", parent,
                       NULL);
  self->app = g_object_ref (app);
  self->original = g_object_ref (original);
  g_set_weak_pointer (&self->parent, parent);
  self->sender = _botbench_request_sender_new (app, parent, self->view_stack, self->answer_page,
                                               self->problem_label, self->answer_view,
                                               request_sent_cb, self);

  {
    /* Translators: the replay dialog's title, %s is an event id */
    g_autofree char *title = g_strdup_printf (_("Replay Event #%lld"),
                                              (long long) botbench_event_get_id (original));
    gtk_window_set_title (GTK_WINDOW (self), title);
  }

  forwarder = botbench_application_get_forwarder (app);
  if (forwarder != NULL)
    self->forward_target = botbench_forwarder_dup_target (forwarder, botbench_event_get_path (original));

  /* The raw body (shown as text: invalid UTF-8 is replaced). */
  body = botbench_event_get_body (original);
  if (body != NULL)
    {
      gsize len;
      const char *data = g_bytes_get_data (body, &len);

      text = g_utf8_make_valid (data != NULL ? data : "", len);
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->raw_view), text, -1);
    }

  form = botbench_event_get_form (original);
  if (form != NULL)
    {
      g_auto(GStrv) pairs = botbench_form_edit_dup_pairs (form);

      for (guint i = 0; pairs[i] != NULL && pairs[i + 1] != NULL; i += 2)
        botbench_replay_dialog_add_pair (self, pairs[i], pairs[i + 1], FALSE);
    }
  else
    {
      /* Not a form (JSON, text): the raw body is all there is to edit. */
      gtk_switch_set_active (self->raw_switch, TRUE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->raw_switch), FALSE);
    }

  adw_combo_row_set_selected (self->target_row,
                              self->forward_target != NULL ? TARGET_FORWARD : TARGET_LISTENER);
  target_changed_cb (self);
  raw_switch_cb (self);

  return GTK_WIDGET (self);
}

gboolean
botbench_replay_dialog_set_value (BotbenchReplayDialog *self,
                                  const char           *key,
                                  const char           *value)
{
  PairRow *pair;

  g_return_val_if_fail (BOTBENCH_IS_REPLAY_DIALOG (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  if (gtk_switch_get_active (self->raw_switch))
    return FALSE;

  for (guint i = 0; i < self->pairs->len; i++)
    {
      pair = g_ptr_array_index (self->pairs, i);
      if (!pair->removed && g_str_equal (pair->key, key))
        {
          gtk_editable_set_text (GTK_EDITABLE (pair->row), value);
          return TRUE;
        }
    }

  botbench_replay_dialog_add_pair (self, key, value, TRUE);
  botbench_replay_dialog_update (self);

  return TRUE;
}

gint64
botbench_replay_dialog_get_event_id (BotbenchReplayDialog *self)
{
  g_return_val_if_fail (BOTBENCH_IS_REPLAY_DIALOG (self), 0);

  return _botbench_request_sender_get_event_id (self->sender);
}

gboolean
botbench_replay_dialog_get_sent (BotbenchReplayDialog *self)
{
  g_return_val_if_fail (BOTBENCH_IS_REPLAY_DIALOG (self), FALSE);

  return _botbench_request_sender_get_sent (self->sender);
}
