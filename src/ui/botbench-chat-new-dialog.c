/* botbench-chat-new-dialog.c: the New Group Chat dialog
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A title, check buttons for the other portal users and for the bots.
 * "Create" asks the sandbox for the chat (the speaking user is its
 * author), then adds each chosen bot one after the other (each gets
 * ONIMBOTJOINCHAT), then emits "created" with the chat's DIALOG_ID.
 */
#define G_LOG_DOMAIN "botbench-chat"

#include "config.h"

#include <glib/gi18n.h>

#include "botbench-chat-new-dialog.h"

struct _BotbenchChatNewDialog
{
  AdwMessageDialog     parent_instance;

  BotbenchChatSession *session;
  GtkEntry            *title_entry;
  GHashTable          *checks;      /* id (gint64 *) -> GtkCheckButton (borrowed) */
  GArray              *user_ids;
  GArray              *bot_ids;
};

G_DEFINE_FINAL_TYPE (BotbenchChatNewDialog, botbench_chat_new_dialog, ADW_TYPE_MESSAGE_DIALOG)

enum {
  CREATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  BotbenchChatNewDialog *dialog;    /* owned */
  BotbenchChatSession   *session;   /* owned: the dialog may be gone */
  GArray                *bots;      /* gint64, still to add */
  char                  *dialog_id;
  gint64                 chat_id;
} Creation;

static void
creation_free (Creation *creation)
{
  g_clear_object (&creation->dialog);
  g_clear_object (&creation->session);
  g_clear_pointer (&creation->bots, g_array_unref);
  g_free (creation->dialog_id);
  g_free (creation);
}

static void
botbench_chat_new_dialog_toast (BotbenchChatNewDialog *self,
                                const char            *what,
                                const GError          *error)
{
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));
  g_autofree char *text = g_strdup_printf ("%s: %s", what, error->message);

  if (parent != NULL)
    gtk_widget_activate_action (GTK_WIDGET (parent), "win.toast", "s", text);
}

static void botbench_chat_new_dialog_next_bot (Creation *creation);

static void
join_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Creation *creation = user_data;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = botbench_chat_session_action_finish (BOTBENCH_CHAT_SESSION (object), result, &error);
  if (reply == NULL)
    botbench_chat_new_dialog_toast (creation->dialog, _("Cannot add the bot"), error);

  botbench_chat_new_dialog_next_bot (creation);
}

static void
botbench_chat_new_dialog_next_bot (Creation *creation)
{
  gint64 bot_id;

  if (creation->bots->len == 0)
    {
      g_signal_emit (creation->dialog, signals[CREATED], 0, creation->dialog_id);
      creation_free (creation);
      return;
    }

  bot_id = g_array_index (creation->bots, gint64, 0);
  g_array_remove_index (creation->bots, 0);
  botbench_chat_session_join_async (creation->session, bot_id, creation->chat_id, NULL,
                                    join_done_cb, creation);
}

static void
create_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Creation *creation = user_data;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *node;

  reply = botbench_chat_session_action_finish (BOTBENCH_CHAT_SESSION (object), result, &error);
  if (reply == NULL)
    {
      botbench_chat_new_dialog_toast (creation->dialog, _("Cannot create the chat"), error);
      creation_free (creation);
      return;
    }

  node = json_object_get_member (reply, "CHAT_ID");
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64)
    creation->chat_id = json_node_get_int (node);
  node = json_object_get_member (reply, "DIALOG_ID");
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    creation->dialog_id = g_strdup (json_node_get_string (node));
  if (creation->dialog_id == NULL && creation->chat_id > 0)
    creation->dialog_id = g_strdup_printf ("chat%" G_GINT64_FORMAT, creation->chat_id);

  if (creation->chat_id <= 0 || creation->dialog_id == NULL)
    {
      g_autoptr(GError) invalid = g_error_new_literal (BOTBENCH_CHAT_ERROR, BOTBENCH_CHAT_ERROR_INVALID_RESPONSE,
                                                       _("The sandbox did not say which chat it made"));

      botbench_chat_new_dialog_toast (creation->dialog, _("Cannot create the chat"), invalid);
      creation_free (creation);
      return;
    }

  botbench_chat_new_dialog_next_bot (creation);
}

static void
botbench_chat_new_dialog_response (AdwMessageDialog *dialog,
                                   const char       *response)
{
  BotbenchChatNewDialog *self = BOTBENCH_CHAT_NEW_DIALOG (dialog);
  g_autoptr(GArray) users = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *title = NULL;
  Creation *creation;

  if (g_str_equal (response, "create"))
    {
      creation = g_new0 (Creation, 1);
      creation->dialog = g_object_ref (self);
      creation->session = g_object_ref (self->session);
      creation->bots = g_array_new (FALSE, FALSE, sizeof (gint64));

      for (guint i = 0; i < self->user_ids->len; i++)
        {
          gint64 id = g_array_index (self->user_ids, gint64, i);

          if (gtk_check_button_get_active (g_hash_table_lookup (self->checks, &id)))
            g_array_append_val (users, id);
        }
      for (guint i = 0; i < self->bot_ids->len; i++)
        {
          gint64 id = g_array_index (self->bot_ids, gint64, i);

          if (gtk_check_button_get_active (g_hash_table_lookup (self->checks, &id)))
            g_array_append_val (creation->bots, id);
        }

      title = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->title_entry))));
      botbench_chat_session_create_chat_async (self->session, *title != '\0' ? title : NULL,
                                               (const gint64 *)(gpointer)users->data, users->len,
                                               NULL, create_done_cb, creation);
    }

  /* libadwaita 1.2 has no default handler to chain up to. */
  if (ADW_MESSAGE_DIALOG_CLASS (botbench_chat_new_dialog_parent_class)->response != NULL)
    ADW_MESSAGE_DIALOG_CLASS (botbench_chat_new_dialog_parent_class)->response (dialog, response);
}

static void
botbench_chat_new_dialog_dispose (GObject *object)
{
  BotbenchChatNewDialog *self = (BotbenchChatNewDialog *)object;

  g_clear_object (&self->session);
  g_clear_pointer (&self->checks, g_hash_table_unref);
  g_clear_pointer (&self->user_ids, g_array_unref);
  g_clear_pointer (&self->bot_ids, g_array_unref);

  G_OBJECT_CLASS (botbench_chat_new_dialog_parent_class)->dispose (object);
}

static void
botbench_chat_new_dialog_class_init (BotbenchChatNewDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  AdwMessageDialogClass *dialog_class = ADW_MESSAGE_DIALOG_CLASS (klass);

  object_class->dispose = botbench_chat_new_dialog_dispose;
  dialog_class->response = botbench_chat_new_dialog_response;

  signals[CREATED] =
    g_signal_new ("created", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
botbench_chat_new_dialog_init (BotbenchChatNewDialog *self)
{
  self->checks = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->user_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->bot_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
}

static GtkWidget *
section_label (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  gtk_widget_set_margin_top (label, 6);

  return label;
}

static void
botbench_chat_new_dialog_add_check (BotbenchChatNewDialog *self,
                                    GtkBox                *box,
                                    gint64                 id,
                                    const char            *label)
{
  GtkWidget *check = gtk_check_button_new_with_label (label);

  gtk_box_append (box, check);
  g_hash_table_insert (self->checks, g_memdup2 (&id, sizeof id), check);
}

GtkWidget *
botbench_chat_new_dialog_new (GtkWindow           *parent,
                              BotbenchChatSession *session)
{
  BotbenchChatNewDialog *self;
  GPtrArray *users = botbench_chat_session_get_users (session);
  GPtrArray *bots = botbench_chat_session_get_bots (session);
  gint64 speaker = botbench_chat_session_get_user_id (session);
  g_autofree char *speaker_name = botbench_chat_session_dup_author_name (session, speaker);
  g_autofree char *body = NULL;
  GtkWidget *box;
  GtkWidget *scroller;

  g_return_val_if_fail (BOTBENCH_IS_CHAT_SESSION (session), NULL);

  /* Translators: %s is the portal user who speaks, e.g. "Svetlana Ivanova" */
  body = g_strdup_printf (_("%s creates the chat. Each bot added gets ONIMBOTJOINCHAT."), speaker_name);
  self = g_object_new (BOTBENCH_TYPE_CHAT_NEW_DIALOG,
                       "transient-for", parent,
                       "modal", TRUE,
                       "heading", _("New Group Chat"),
                       "body", body,
                       NULL);
  self->session = g_object_ref (session);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (self),
                                    "cancel", _("_Cancel"), "create", _("C_reate"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (self), "create", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (self), "create");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (self), "cancel");

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  self->title_entry = GTK_ENTRY (gtk_entry_new ());
  gtk_entry_set_placeholder_text (self->title_entry, _("Title"));
  gtk_entry_set_activates_default (self->title_entry, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->title_entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Chat title"), -1);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->title_entry));

  gtk_box_append (GTK_BOX (box), section_label (_("Users")));
  for (guint i = 0; users != NULL && i < users->len; i++)
    {
      BotbenchChatUser *user = g_ptr_array_index (users, i);

      if (user->id == speaker)
        continue;
      botbench_chat_new_dialog_add_check (self, GTK_BOX (box), user->id, user->name);
      g_array_append_val (self->user_ids, user->id);
    }

  gtk_box_append (GTK_BOX (box), section_label (_("Bots")));
  for (guint i = 0; bots != NULL && i < bots->len; i++)
    {
      BotbenchChatBot *bot = g_ptr_array_index (bots, i);
      g_autofree char *name = botbench_chat_bot_dup_display_name (bot);
      g_autofree char *label = g_strdup_printf ("%s (%" G_GINT64_FORMAT ", %s)", name, bot->id, bot->type);

      botbench_chat_new_dialog_add_check (self, GTK_BOX (box), bot->id, label);
      g_array_append_val (self->bot_ids, bot->id);
    }

  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scroller), 360);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), box);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (self), scroller);

  return GTK_WIDGET (self);
}

GtkEditable *
botbench_chat_new_dialog_get_title_entry (BotbenchChatNewDialog *self)
{
  g_return_val_if_fail (BOTBENCH_IS_CHAT_NEW_DIALOG (self), NULL);

  return GTK_EDITABLE (self->title_entry);
}

GtkCheckButton *
botbench_chat_new_dialog_get_check (BotbenchChatNewDialog *self,
                                    gint64                 id)
{
  g_return_val_if_fail (BOTBENCH_IS_CHAT_NEW_DIALOG (self), NULL);

  return g_hash_table_lookup (self->checks, &id);
}
