/* botbench-chat-page-view.c: what the Chat page shows of its session
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The message list (a GtkListView of BotbenchChatMessageRow, kept at the
 * bottom while new messages arrive there), the open conversation (its
 * header, commands and menus; opening a private dialog the first time
 * is ONIMBOTJOINCHAT), the conversation list with the bots that have no
 * dialog yet, and the "Speaking as" users.  botbench-chat-page.c owns the
 * session and calls in here.
 */
#define G_LOG_DOMAIN "botbench-chat"

#include "config.h"

#include <glib/gi18n.h>

#include "botbench-a11y.h"
#include "botbench-application-private.h"
#include "botbench-chat-composer.h"
#include "botbench-chat-conversation-row.h"
#include "botbench-chat-message-row.h"
#include "botbench-chat-page-private.h"

/* ---- the message list --------------------------------------------------- */

static gboolean
botbench_chat_page_at_bottom (BotbenchChatPage *self)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->message_scroller);

  return gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment) >=
         gtk_adjustment_get_upper (adjustment) - 2.0;
}

static gboolean
botbench_chat_page_tail_cb (gpointer user_data)
{
  BotbenchChatPage *self = user_data;
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->message_scroller);

  self->tail_source = 0;
  if (self->follow_tail)
    {
      gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) -
                                            gtk_adjustment_get_page_size (adjustment));
      self->last_upper = gtk_adjustment_get_upper (adjustment);
    }

  return G_SOURCE_REMOVE;
}

static void
botbench_chat_page_scroll_to_bottom (BotbenchChatPage *self)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->message_scroller);
  guint n = self->messages != NULL ? g_list_model_get_n_items (self->messages) : 0;

  if (n > 0)
    gtk_widget_activate_action (GTK_WIDGET (self->message_list), "list.scroll-to-item", "u", n - 1);
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) -
                                        gtk_adjustment_get_page_size (adjustment));
  self->last_upper = gtk_adjustment_get_upper (adjustment);

  /* Rows are measured as they are laid out: once more after that. */
  if (self->tail_source == 0)
    self->tail_source = g_timeout_add_full (G_PRIORITY_LOW, 50, botbench_chat_page_tail_cb, self, NULL);
}

/* Only a scroll with the content unchanged is the user's: a change of the
 * content (rows added or grown) keeps following the bottom. */
static void
scroller_value_changed_cb (BotbenchChatPage *self,
                           GtkAdjustment    *adjustment)
{
  if (gtk_adjustment_get_upper (adjustment) == self->last_upper)
    self->follow_tail = botbench_chat_page_at_bottom (self);
}

/* The content grew (new rows, or rows measured): stay at the bottom when
 * we were there. */
static void
scroller_upper_changed_cb (BotbenchChatPage *self,
                           GParamSpec       *pspec,
                           GtkAdjustment    *adjustment)
{
  if (self->follow_tail)
    botbench_chat_page_scroll_to_bottom (self);
  else
    self->last_upper = gtk_adjustment_get_upper (adjustment);
}

static void
messages_items_changed_cb (BotbenchChatPage *self,
                           guint             position,
                           guint             removed,
                           guint             added,
                           GListModel       *model)
{
  if (self->follow_tail && added > 0)
    botbench_chat_page_scroll_to_bottom (self);
}

static void
message_setup_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item,
                  gpointer                  user_data)
{
  gtk_list_item_set_activatable (list_item, FALSE);
  gtk_list_item_set_selectable (list_item, FALSE);
  gtk_list_item_set_child (list_item, botbench_chat_message_row_new ());
}

static void
message_bind_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item,
                 gpointer                  user_data)
{
  BotbenchChatPage *self = user_data;
  g_autofree char *base = NULL;
  const char *urls[3] = { NULL };

  if (self->session == NULL)
    return;

  /* The listener's own URL, and the public one a tunnel gives it. */
  if (self->app != NULL)
    {
      base = botbench_application_dup_listener_base_url (self->app);
      urls[0] = base;
      if (self->profile != NULL)
        urls[1] = botbench_profile_get_public_base_url (self->profile);
    }
  botbench_chat_message_row_bind (BOTBENCH_CHAT_MESSAGE_ROW (gtk_list_item_get_child (list_item)),
                                  self->session, gtk_list_item_get_item (list_item), urls);

  /* Its name for a screen reader: who wrote what. */
  {
    BotbenchChatMessage *message = gtk_list_item_get_item (list_item);
    g_autofree char *text = g_utf8_substring (botbench_chat_message_get_text (message), 0,
                                              MIN (g_utf8_strlen (botbench_chat_message_get_text (message), -1), 300));
    g_autofree char *label = NULL;

    if (botbench_chat_message_get_system (message))
      label = g_strdup (text);
    else
      {
        g_autofree char *author = botbench_chat_session_dup_author_name (self->session,
                                                                         botbench_chat_message_get_author_id (message));

        /* Translators: a chat message's accessible name: its author, then its text */
        label = g_strdup_printf (C_("chat message", "%s: %s"), author, text);
      }
    botbench_a11y_label_list_item (gtk_list_item_get_child (list_item), *label != '\0' ? label : NULL);
  }
}

static void
message_unbind_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   gpointer                  user_data)
{
  botbench_chat_message_row_unbind (BOTBENCH_CHAT_MESSAGE_ROW (gtk_list_item_get_child (list_item)));
}

/* ---- the open conversation ---------------------------------------------- */

/* A bot whose handler is Botbench's own listener has nobody to answer:
 * its events land in the Events page.  Say so where the user waits for a
 * reply, and what to change. */
static void
botbench_chat_page_update_handler_hint (BotbenchChatPage         *self,
                                        BotbenchChatConversation *conversation)
{
  g_autofree char *base = NULL;
  g_autofree char *name = NULL;
  g_autofree char *text = NULL;
  BotbenchChatBot *bot = NULL;
  const char *url = NULL;
  const char *public_url = NULL;

  if (conversation != NULL &&
      botbench_chat_conversation_get_conversation_type (conversation) == BOTBENCH_CHAT_CONVERSATION_PRIVATE)
    bot = botbench_chat_session_lookup_bot (self->session, botbench_chat_conversation_get_bot_id (conversation));
  if (bot != NULL && bot->handlers != NULL)
    url = g_hash_table_lookup (bot->handlers, "ONIMBOTMESSAGEADD");
  if (url != NULL && self->app != NULL)
    base = botbench_application_dup_listener_base_url (self->app);
  if (self->profile != NULL)
    public_url = botbench_profile_get_public_base_url (self->profile);

  if (url == NULL || *url == '\0' ||
      !((base != NULL && *base != '\0' && g_str_has_prefix (url, base)) ||
        (public_url != NULL && *public_url != '\0' && g_str_has_prefix (url, public_url))))
    {
      gtk_revealer_set_reveal_child (self->handler_hint_revealer, FALSE);
      return;
    }

  name = botbench_chat_bot_dup_display_name (bot);
  /* Translators: %s is a bot's name; its handler is Botbench's own listener */
  text = g_strdup_printf (_("%s sends its events to Botbench's listener: they appear in the Events page, "
                            "but no code answers them. To see replies here, give the bot the URL of your own "
                            "handler script, for example http://127.0.0.1:8000/bot.php."), name);
  gtk_label_set_label (self->handler_hint_label, text);
  gtk_revealer_set_reveal_child (self->handler_hint_revealer, TRUE);
}

static void
botbench_chat_page_update_commands (BotbenchChatPage         *self,
                                    BotbenchChatConversation *conversation)
{
  GPtrArray *bots = botbench_chat_session_get_bots (self->session);

  botbench_chat_composer_clear_commands (self->composer);

  for (guint i = 0; bots != NULL && i < bots->len; i++)
    {
      BotbenchChatBot *bot = g_ptr_array_index (bots, i);

      if (!botbench_chat_conversation_has_member (conversation, bot->id) &&
          botbench_chat_conversation_get_bot_id (conversation) != bot->id)
        continue;

      for (guint j = 0; j < bot->commands->len; j++)
        {
          BotbenchChatCommand *command = g_ptr_array_index (bot->commands, j);

          if (!command->hidden)
            botbench_chat_composer_add_command (self->composer, command->command,
                                                command->params, command->title);
        }
    }
}

void
_botbench_chat_page_update_header (BotbenchChatPage *self)
{
  BotbenchChatConversation *conversation = _botbench_chat_page_get_conversation (self);
  g_autofree char *subtitle = NULL;
  gboolean group;

  /* Nobody to write to until a conversation is open. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->composer), conversation != NULL);
  botbench_chat_page_update_handler_hint (self, conversation);
  if (conversation == NULL)
    {
      gtk_label_set_label (self->conversation_title, "");
      gtk_label_set_label (self->conversation_subtitle, "");
      gtk_widget_set_visible (self->add_bot_button, FALSE);
      gtk_widget_set_visible (self->mention_button, FALSE);
      return;
    }

  group = botbench_chat_conversation_get_conversation_type (conversation) == BOTBENCH_CHAT_CONVERSATION_GROUP;
  if (group)
    {
      guint n_members = 0;

      botbench_chat_conversation_get_members (conversation, &n_members);
      subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Group chat, %u member",
                                               "Group chat, %u members", n_members), n_members);
      gtk_label_set_label (self->conversation_title, botbench_chat_conversation_get_title (conversation));
    }
  else
    {
      BotbenchChatBot *bot = botbench_chat_session_lookup_bot (self->session,
                                                               botbench_chat_conversation_get_bot_id (conversation));
      g_autofree char *name = bot != NULL ? botbench_chat_bot_dup_display_name (bot)
                                          : g_strdup (botbench_chat_conversation_get_title (conversation));

      gtk_label_set_label (self->conversation_title, name);
      if (bot != NULL)
        /* Translators: the subtitle of a private dialog: the bot's id and TYPE letter */
        subtitle = g_strdup_printf (_("Bot %lld · type %s"), (long long) bot->id, bot->type);
      else
        subtitle = g_strdup (_("Private dialog"));
    }

  gtk_label_set_label (self->conversation_subtitle, subtitle);
  gtk_widget_set_visible (self->add_bot_button, group);
  gtk_widget_set_visible (self->mention_button, group);
  botbench_chat_page_update_commands (self, conversation);
  _botbench_chat_page_update_menus (self);
}

static void
botbench_chat_page_select_row (BotbenchChatPage *self)
{
  GtkListBoxRow *row;

  self->selecting = TRUE;
  gtk_list_box_unselect_all (self->conversation_list);
  for (int i = 0; self->dialog_id != NULL && (row = gtk_list_box_get_row_at_index (self->conversation_list, i)) != NULL; i++)
    {
      BotbenchChatConversation *conversation =
        botbench_chat_conversation_row_get_conversation (BOTBENCH_CHAT_CONVERSATION_ROW (row));

      if (g_strcmp0 (botbench_chat_conversation_get_dialog_id (conversation), self->dialog_id) == 0)
        {
          gtk_list_box_select_row (self->conversation_list, row);
          break;
        }
    }
  self->selecting = FALSE;
}

/* Whether the speaking user opened @dialog_id in this session (each user
 * has their own dialog with a bot); @mark: it is opened now. */
static gboolean
botbench_chat_page_joined (BotbenchChatPage *self,
                           const char       *dialog_id,
                           gboolean          mark)
{
  g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT ":%s",
                                          botbench_chat_session_get_user_id (self->session), dialog_id);

  if (mark)
    return !g_hash_table_add (self->joined, g_steal_pointer (&key));

  return g_hash_table_contains (self->joined, key);
}

void
_botbench_chat_page_open_now (BotbenchChatPage *self,
                             const char       *dialog_id)
{
  g_autoptr(GtkNoSelection) selection = NULL;
  BotbenchChatConversation *conversation;
  GtkAdjustment *adjustment;

  g_assert (self->session != NULL);

  conversation = botbench_chat_session_lookup_conversation (self->session, dialog_id);
  if (conversation == NULL)
    {
      char *end = NULL;
      gint64 bot_id = g_ascii_strtoll (dialog_id, &end, 10);

      /* A bot's dialog that does not exist yet: opening it creates it. */
      if (end != NULL && *end == '\0' && bot_id > 0 &&
          botbench_chat_session_lookup_bot (self->session, bot_id) != NULL &&
          !botbench_chat_page_joined (self, dialog_id, FALSE))
        {
          botbench_chat_page_joined (self, dialog_id, TRUE);
          g_free (self->pending_dialog);
          self->pending_dialog = g_strdup (dialog_id);
          botbench_chat_session_join_async (self->session, bot_id, 0, self->cancellable,
                                            _botbench_chat_page_action_done_cb,
                                            _botbench_chat_page_action_new (self, _("Cannot open the dialog")));
        }
      return;
    }

  g_clear_pointer (&self->pending_dialog, g_free);

  if (self->messages != NULL)
    g_signal_handlers_disconnect_by_func (self->messages, messages_items_changed_cb, self);
  g_free (self->dialog_id);
  self->dialog_id = g_strdup (dialog_id);
  self->messages = botbench_chat_session_get_messages (self->session, dialog_id);
  g_signal_connect_object (self->messages, "items-changed",
                           G_CALLBACK (messages_items_changed_cb), self, G_CONNECT_SWAPPED | G_CONNECT_AFTER);

  selection = gtk_no_selection_new (g_object_ref (self->messages));
  gtk_list_view_set_model (self->message_list, GTK_SELECTION_MODEL (selection));
  gtk_stack_set_visible_child_name (self->conversation_stack, "messages");
  self->follow_tail = TRUE;
  adjustment = gtk_scrolled_window_get_vadjustment (self->message_scroller);
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
  botbench_chat_page_scroll_to_bottom (self);

  botbench_chat_page_select_row (self);
  _botbench_chat_page_update_header (self);
  adw_leaflet_set_visible_child_name (self->chat_leaflet, "conversation");

  /* Opening a private dialog for the first time: the portal tells the
   * bot (ONIMBOTJOINCHAT). */
  if (botbench_chat_conversation_get_conversation_type (conversation) == BOTBENCH_CHAT_CONVERSATION_PRIVATE &&
      botbench_chat_conversation_get_last_message_id (conversation) == 0 &&
      !botbench_chat_page_joined (self, dialog_id, FALSE))
    {
      botbench_chat_page_joined (self, dialog_id, TRUE);
      botbench_chat_session_join_async (self->session, botbench_chat_conversation_get_bot_id (conversation),
                                        0, self->cancellable, _botbench_chat_page_action_done_cb,
                                            _botbench_chat_page_action_new (self, _("Cannot open the dialog")));
    }
}

void
_botbench_chat_page_close_conversation (BotbenchChatPage *self)
{
  /* Disposed: the template's widgets are gone. */
  if (self->message_list == NULL)
    return;

  if (self->messages != NULL)
    g_signal_handlers_disconnect_by_func (self->messages, messages_items_changed_cb, self);
  self->messages = NULL;
  g_clear_pointer (&self->dialog_id, g_free);
  gtk_list_view_set_model (self->message_list, NULL);
  gtk_stack_set_visible_child_name (self->conversation_stack, "empty");
  _botbench_chat_page_update_header (self);
}

static void
conversation_activated_cb (BotbenchChatPage *self,
                           GtkListBoxRow    *row,
                           GtkListBox       *list)
{
  BotbenchChatConversation *conversation =
    botbench_chat_conversation_row_get_conversation (BOTBENCH_CHAT_CONVERSATION_ROW (row));

  if (self->selecting)
    return;

  _botbench_chat_page_open_now (self, botbench_chat_conversation_get_dialog_id (conversation));
  botbench_chat_composer_focus (self->composer);
}

/* ---- the conversation list ---------------------------------------------- */

GtkWidget *
_botbench_chat_page_create_row_cb (gpointer item,
                            gpointer user_data)
{
  BotbenchChatPage *self = user_data;
  GtkWidget *row = botbench_chat_conversation_row_new (self->session, item);
  gint64 chat_id = botbench_chat_conversation_get_chat_id (item);

  botbench_chat_conversation_row_set_problem (BOTBENCH_CHAT_CONVERSATION_ROW (row),
                                              GPOINTER_TO_INT (g_hash_table_lookup (self->problems, &chat_id)));
  return row;
}

void
_botbench_chat_page_conversations_changed_cb (BotbenchChatPage *self,
                                guint             position,
                                guint             removed,
                                guint             added,
                                GListModel       *model)
{
  _botbench_chat_page_update_bot_list (self);

  /* Rows were made anew: select the open conversation again. */
  botbench_chat_page_select_row (self);

  if (self->dialog_id != NULL && _botbench_chat_page_get_conversation (self) == NULL)
    _botbench_chat_page_close_conversation (self);
  else if (self->dialog_id != NULL)
    _botbench_chat_page_update_header (self);

  if (self->pending_dialog != NULL && botbench_chat_session_get_ready (self->session))
    {
      g_autofree char *dialog_id = g_strdup (self->pending_dialog);

      if (botbench_chat_session_lookup_conversation (self->session, dialog_id) != NULL)
        _botbench_chat_page_open_now (self, dialog_id);
    }
}

void
_botbench_chat_page_update_rows (BotbenchChatPage *self)
{
  GtkListBoxRow *row;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (self->conversation_list, i)) != NULL; i++)
    {
      BotbenchChatConversationRow *crow = BOTBENCH_CHAT_CONVERSATION_ROW (row);
      gint64 chat_id = botbench_chat_conversation_get_chat_id (botbench_chat_conversation_row_get_conversation (crow));

      botbench_chat_conversation_row_update (crow);
      botbench_chat_conversation_row_set_problem (crow, GPOINTER_TO_INT (g_hash_table_lookup (self->problems, &chat_id)));
    }
}

/* Bots the speaking user has no dialog with yet: opening one creates it. */
void
_botbench_chat_page_update_bot_list (BotbenchChatPage *self)
{
  GPtrArray *bots = self->session != NULL ? botbench_chat_session_get_bots (self->session) : NULL;
  GListModel *conversations;
  GtkWidget *child;
  guint n_shown = 0;

  if (self->bot_list == NULL)
    return;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->bot_list))) != NULL)
    gtk_list_box_remove (self->bot_list, child);

  for (guint i = 0; bots != NULL && i < bots->len; i++)
    {
      BotbenchChatBot *bot = g_ptr_array_index (bots, i);
      g_autofree char *dialog_id = g_strdup_printf ("%" G_GINT64_FORMAT, bot->id);
      g_autofree char *name = NULL;
      g_autofree char *subtitle = NULL;
      GtkWidget *row;
      GtkWidget *box;
      GtkWidget *label;

      if (botbench_chat_session_lookup_conversation (self->session, dialog_id) != NULL)
        continue;

      name = botbench_chat_bot_dup_display_name (bot);
      /* Translators: under a bot's name: its id and TYPE letter */
      subtitle = g_strdup_printf (_("Bot %lld · type %s"), (long long) bot->id, bot->type);
      box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
      label = gtk_label_new (name);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_box_append (GTK_BOX (box), label);
      label = gtk_label_new (subtitle);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_add_css_class (label, "caption");
      gtk_widget_add_css_class (label, "dim-label");
      gtk_box_append (GTK_BOX (box), label);
      gtk_widget_set_margin_top (box, 3);
      gtk_widget_set_margin_bottom (box, 3);

      row = gtk_list_box_row_new ();
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
      gtk_widget_set_name (row, dialog_id);
      gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
      gtk_list_box_append (self->bot_list, row);
      n_shown++;
    }

  gtk_widget_set_visible (self->bots_heading, n_shown > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->bot_list), n_shown > 0);

  conversations = self->session != NULL ? botbench_chat_session_get_conversations (self->session) : NULL;
  gtk_stack_set_visible_child_name (self->list_stack,
                                    n_shown > 0 || (conversations != NULL && g_list_model_get_n_items (conversations) > 0)
                                    ? "list" : "empty");
}

static void
bot_activated_cb (BotbenchChatPage *self,
                  GtkListBoxRow    *row,
                  GtkListBox       *list)
{
  const char *dialog_id = gtk_widget_get_name (GTK_WIDGET (row));

  if (self->session == NULL)
    return;

  botbench_chat_page_open_dialog (self, dialog_id);
  botbench_chat_composer_focus (self->composer);
}

/* ---- users -------------------------------------------------------------- */

void
_botbench_chat_page_update_users (BotbenchChatPage *self)
{
  GPtrArray *users = botbench_chat_session_get_users (self->session);
  gint64 user_id = botbench_chat_session_get_user_id (self->session);
  guint selected = GTK_INVALID_LIST_POSITION;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) names = NULL;

  g_array_set_size (self->user_ids, 0);
  for (guint i = 0; users != NULL && i < users->len; i++)
    {
      BotbenchChatUser *user = g_ptr_array_index (users, i);

      g_strv_builder_add (builder, *user->name != '\0' ? user->name : user->first_name);
      g_array_append_val (self->user_ids, user->id);
      if (user->id == user_id)
        selected = i;
    }
  if (selected == GTK_INVALID_LIST_POSITION)
    {
      g_autofree char *name = botbench_chat_session_dup_author_name (self->session, user_id);

      g_strv_builder_add (builder, name);
      g_array_append_val (self->user_ids, user_id);
      selected = self->user_ids->len - 1;
    }
  names = g_strv_builder_end (builder);

  self->updating_users = TRUE;
  gtk_string_list_splice (self->user_names, 0, g_list_model_get_n_items (G_LIST_MODEL (self->user_names)),
                          (const char * const *)names);
  gtk_drop_down_set_selected (self->user_dropdown, selected);
  self->updating_users = FALSE;
}

static void
user_selected_cb (BotbenchChatPage *self,
                  GParamSpec       *pspec,
                  GtkDropDown      *dropdown)
{
  guint selected = gtk_drop_down_get_selected (dropdown);

  if (self->updating_users || self->session == NULL || selected >= self->user_ids->len)
    return;

  /* Each user has their own dialogs: the session reloads them. */
  if (self->dialog_id != NULL)
    {
      g_free (self->pending_dialog);
      self->pending_dialog = g_strdup (self->dialog_id);
    }
  botbench_chat_session_set_user_id (self->session, g_array_index (self->user_ids, gint64, selected));
}

/* ---- setup -------------------------------------------------------------- */

void
_botbench_chat_page_init_view (BotbenchChatPage *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  GtkAdjustment *adjustment;

  g_signal_connect (factory, "setup", G_CALLBACK (message_setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (message_bind_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (message_unbind_cb), self);
  gtk_list_view_set_factory (self->message_list, factory);

  adjustment = gtk_scrolled_window_get_vadjustment (self->message_scroller);
  g_signal_connect_object (adjustment, "value-changed", G_CALLBACK (scroller_value_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (adjustment, "notify::upper", G_CALLBACK (scroller_upper_changed_cb),
                           self, G_CONNECT_SWAPPED);
}

void
_botbench_chat_page_class_init_view (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_callback (widget_class, conversation_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, bot_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, user_selected_cb);
}

