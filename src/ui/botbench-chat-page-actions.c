/* botbench-chat-page-actions.c: the Chat page's chat.* actions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the buttons in message rows and the page's menus do: keyboard
 * buttons (COMMAND and SEND go to the sandbox, links open, PUT fills the
 * composer, COPY copies), edit and delete of the user's own messages,
 * "Show in Events" for a delivery, adding a bot to a group chat, mentions,
 * and the new group chat dialog.
 */
#define G_LOG_DOMAIN "botbench-chat"

#include "config.h"

#include <glib/gi18n.h>

#include "botbench-chat-new-dialog.h"
#include "botbench-chat-page-private.h"

/* ---- keyboard buttons --------------------------------------------------- */

static gboolean
uri_is_web (const char *uri)
{
  g_autofree char *scheme = g_uri_parse_scheme (uri);

  return scheme != NULL &&
         (g_ascii_strcasecmp (scheme, "http") == 0 || g_ascii_strcasecmp (scheme, "https") == 0);
}

static void
botbench_chat_page_press_button (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  BotbenchChatPage *self = BOTBENCH_CHAT_PAGE (widget);
  const BotbenchKeyboardButton *button;
  BotbenchChatMessage *message;
  gint64 message_id;
  guint index;

  g_variant_get (parameter, "(xu)", &message_id, &index);

  if (self->session == NULL ||
      (message = botbench_chat_session_lookup_message (self->session, message_id)) == NULL ||
      (button = botbench_keyboard_get_button (botbench_chat_message_get_keyboard (message), index)) == NULL)
    return;

  if (*button->link != '\0')
    {
      if (uri_is_web (button->link))
        gtk_show_uri (GTK_WINDOW (gtk_widget_get_root (widget)), button->link, GDK_CURRENT_TIME);
      else
        _botbench_chat_page_toast (self, _("Only http and https links are opened"));
      return;
    }

  if (g_ascii_strcasecmp (button->action, "PUT") == 0)
    {
      botbench_chat_composer_set_text (self->composer, button->action_value);
      botbench_chat_composer_focus (self->composer);
      return;
    }

  if (g_ascii_strcasecmp (button->action, "COPY") == 0)
    {
      gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), button->action_value);
      _botbench_chat_page_toast (self, _("Copied"));
      return;
    }

  if (g_ascii_strcasecmp (button->action, "DIALOG") == 0)
    {
      botbench_chat_page_open_dialog (self, button->action_value);
      return;
    }

  if (g_ascii_strcasecmp (button->action, "CALL") == 0)
    {
      _botbench_chat_page_toast (self, _("The sandbox portal does not make calls"));
      return;
    }

  /* COMMAND and SEND: the sandbox sends the event. */
  self->follow_tail = TRUE;
  botbench_chat_session_press_button_async (self->session, message_id, index, self->cancellable,
                                            _botbench_chat_page_action_done_cb,
                                            _botbench_chat_page_action_new (self, _("The button did nothing")));
}

/* ---- edit and delete ---------------------------------------------------- */

static void
edit_response_cb (AdwMessageDialog *dialog,
                  const char       *response,
                  BotbenchChatPage *self)
{
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
  gint64 message_id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (dialog), "message-id"));
  g_autofree char *text = NULL;

  if (!g_str_equal (response, "save") || self->session == NULL)
    return;

  text = g_strstrip (g_strdup (gtk_editable_get_text (entry)));
  if (*text == '\0')
    return;

  botbench_chat_session_edit_async (self->session, message_id, text, self->cancellable,
                                    _botbench_chat_page_action_done_cb,
                                            _botbench_chat_page_action_new (self, _("Cannot edit")));
}

static void
botbench_chat_page_edit (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  BotbenchChatPage *self = BOTBENCH_CHAT_PAGE (widget);
  gint64 message_id = g_variant_get_int64 (parameter);
  BotbenchChatMessage *message;
  GtkWidget *dialog;
  GtkWidget *entry;

  if (self->session == NULL ||
      (message = botbench_chat_session_lookup_message (self->session, message_id)) == NULL)
    return;

  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), _("Edit Message"),
                                   _("The bot gets the new text as ONIMBOTMESSAGEUPDATE when it is of type S or O"));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"), "save", _("_Save"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");

  entry = gtk_entry_new ();
  gtk_editable_set_text (GTK_EDITABLE (entry), botbench_chat_message_get_text (message));
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Message"), -1);
  /* Enter is the default response, Save (which also closes the dialog). */
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);

  g_object_set_data (G_OBJECT (dialog), "message-id", GSIZE_TO_POINTER ((gsize)message_id));
  g_signal_connect_object (dialog, "response", G_CALLBACK (edit_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (entry);
}

static void
delete_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    BotbenchChatPage *self)
{
  gint64 message_id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (dialog), "message-id"));

  if (!g_str_equal (response, "delete") || self->session == NULL)
    return;

  botbench_chat_session_delete_async (self->session, message_id, self->cancellable,
                                      _botbench_chat_page_action_done_cb,
                                            _botbench_chat_page_action_new (self, _("Cannot delete")));
}

static void
botbench_chat_page_delete (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  BotbenchChatPage *self = BOTBENCH_CHAT_PAGE (widget);
  gint64 message_id = g_variant_get_int64 (parameter);
  GtkWidget *dialog;

  if (self->session == NULL || botbench_chat_session_lookup_message (self->session, message_id) == NULL)
    return;

  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), _("Delete Message?"),
                                   _("The bot gets ONIMBOTMESSAGEDELETE when it is of type S or O"));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"), "delete", _("_Delete"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "message-id", GSIZE_TO_POINTER ((gsize)message_id));
  g_signal_connect_object (dialog, "response", G_CALLBACK (delete_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- Show in Events ----------------------------------------------------- */

static void
find_event_done_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GWeakRef *page_ref = user_data;
  g_autoptr(BotbenchChatPage) self = g_weak_ref_get (page_ref);
  gint64 event_id;

  g_weak_ref_clear (page_ref);
  g_free (page_ref);

  event_id = botbench_chat_delivery_find_event_finish (BOTBENCH_CHAT_DELIVERY (object), result);
  if (self == NULL || gtk_widget_get_root (GTK_WIDGET (self)) == NULL)
    return;

  if (event_id <= 0)
    {
      _botbench_chat_page_toast (self, _("The event log does not have this event"));
      return;
    }

  gtk_widget_activate_action (GTK_WIDGET (self), "win.show-event", "x", event_id);
}

static void
botbench_chat_page_show_event (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  BotbenchChatPage *self = BOTBENCH_CHAT_PAGE (widget);
  BotbenchChatDelivery *delivery;
  BotbenchEventStore *store;
  GWeakRef *page_ref;

  if (self->session == NULL || self->app == NULL ||
      (delivery = botbench_chat_session_lookup_delivery (self->session, g_variant_get_int64 (parameter))) == NULL ||
      (store = botbench_application_get_store (self->app)) == NULL)
    return;

  /* The store is read on a worker thread; the page may be gone by then. */
  page_ref = g_new0 (GWeakRef, 1);
  g_weak_ref_init (page_ref, self);
  botbench_chat_delivery_find_event_async (delivery, store, self->cancellable, find_event_done_cb, page_ref);
}

/* ---- group chats -------------------------------------------------------- */

static void
botbench_chat_page_add_bot (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  BotbenchChatPage *self = BOTBENCH_CHAT_PAGE (widget);
  BotbenchChatConversation *conversation = _botbench_chat_page_get_conversation (self);

  if (conversation == NULL ||
      botbench_chat_conversation_get_conversation_type (conversation) != BOTBENCH_CHAT_CONVERSATION_GROUP)
    return;

  botbench_chat_session_join_async (self->session, g_variant_get_int64 (parameter),
                                    botbench_chat_conversation_get_chat_id (conversation),
                                    self->cancellable, _botbench_chat_page_action_done_cb,
                                            _botbench_chat_page_action_new (self, _("Cannot add the bot")));
}

static void
botbench_chat_page_mention (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  BotbenchChatPage *self = BOTBENCH_CHAT_PAGE (widget);
  gint64 id = g_variant_get_int64 (parameter);
  g_autofree char *name = NULL;
  g_autofree char *text = NULL;

  if (self->session == NULL)
    return;

  name = botbench_chat_session_dup_author_name (self->session, id);
  text = g_strdup_printf ("[USER=%" G_GINT64_FORMAT "]%s[/USER] ", id, name);
  botbench_chat_composer_insert (self->composer, text);
}

void
_botbench_chat_page_update_menus (BotbenchChatPage *self)
{
  BotbenchChatConversation *conversation = _botbench_chat_page_get_conversation (self);
  GPtrArray *bots;
  const gint64 *members;
  guint n_members = 0;

  g_menu_remove_all (self->add_bot_section);
  g_menu_remove_all (self->mention_section);

  if (conversation == NULL ||
      botbench_chat_conversation_get_conversation_type (conversation) != BOTBENCH_CHAT_CONVERSATION_GROUP)
    return;

  bots = botbench_chat_session_get_bots (self->session);
  for (guint i = 0; bots != NULL && i < bots->len; i++)
    {
      BotbenchChatBot *bot = g_ptr_array_index (bots, i);
      g_autofree char *name = NULL;
      g_autoptr(GMenuItem) item = NULL;

      if (botbench_chat_conversation_has_member (conversation, bot->id))
        continue;

      name = botbench_chat_bot_dup_display_name (bot);
      item = g_menu_item_new (name, NULL);
      g_menu_item_set_action_and_target_value (item, "chat.add-bot", g_variant_new_int64 (bot->id));
      g_menu_append_item (self->add_bot_section, item);
    }
  if (g_menu_model_get_n_items (G_MENU_MODEL (self->add_bot_section)) == 0)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (_("Every bot is in this chat"), NULL);

      g_menu_append_item (self->add_bot_section, item);
    }

  members = botbench_chat_conversation_get_members (conversation, &n_members);
  for (guint i = 0; i < n_members; i++)
    {
      g_autofree char *name = NULL;
      g_autoptr(GMenuItem) item = NULL;

      if (members[i] == botbench_chat_session_get_user_id (self->session))
        continue;

      name = botbench_chat_session_dup_author_name (self->session, members[i]);
      item = g_menu_item_new (name, NULL);
      g_menu_item_set_action_and_target_value (item, "chat.mention", g_variant_new_int64 (members[i]));
      g_menu_append_item (self->mention_section, item);
    }
}

static void
botbench_chat_page_new_group (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  BotbenchChatPage *self = BOTBENCH_CHAT_PAGE (widget);
  GtkWidget *dialog;

  if (self->session == NULL || !botbench_chat_session_get_ready (self->session))
    return;

  dialog = botbench_chat_new_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), self->session);
  g_signal_connect_object (dialog, "created", G_CALLBACK (botbench_chat_page_open_dialog),
                           self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- the rest ----------------------------------------------------------- */

static void
botbench_chat_page_retry (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  _botbench_chat_page_reload (BOTBENCH_CHAT_PAGE (widget));
}

static void
botbench_chat_page_show_list (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  adw_leaflet_set_visible_child_name (BOTBENCH_CHAT_PAGE (widget)->chat_leaflet, "list");
}

void
_botbench_chat_page_class_init_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "chat.press-button", "(xu)", botbench_chat_page_press_button);
  gtk_widget_class_install_action (widget_class, "chat.edit", "x", botbench_chat_page_edit);
  gtk_widget_class_install_action (widget_class, "chat.delete", "x", botbench_chat_page_delete);
  gtk_widget_class_install_action (widget_class, "chat.show-event", "x", botbench_chat_page_show_event);
  gtk_widget_class_install_action (widget_class, "chat.add-bot", "x", botbench_chat_page_add_bot);
  gtk_widget_class_install_action (widget_class, "chat.mention", "x", botbench_chat_page_mention);
  gtk_widget_class_install_action (widget_class, "chat.new-group", NULL, botbench_chat_page_new_group);
  gtk_widget_class_install_action (widget_class, "chat.retry", NULL, botbench_chat_page_retry);
  gtk_widget_class_install_action (widget_class, "chat.show-list", NULL, botbench_chat_page_show_list);
}
