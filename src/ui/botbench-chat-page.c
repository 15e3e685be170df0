/* botbench-chat-page.c: the Chat page (play the sandbox portal's users)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For the active profile, when its portal is a Botbench sandbox (it answers
 * /_sandbox/info), a BotbenchChatSession: the conversations on the left
 * (a private dialog per bot, group chats), the open conversation on the
 * right (its messages, kept scrolled to the bottom while new ones arrive
 * there), the "Speaking as" user and the composer.  Another portal gets a
 * status page saying that chatting needs the sandbox.  The chat.* actions
 * of rows and menus are in botbench-chat-page-actions.c.
 */
#define G_LOG_DOMAIN "botbench-chat"

#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>

#include "botbench-application-private.h"
#include "botbench-chat-composer.h"
#include "botbench-chat-conversation-row.h"
#include "botbench-chat-message-row.h"
#include "botbench-chat-page-private.h"

G_DEFINE_FINAL_TYPE (BotbenchChatPage, botbench_chat_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STATE,
  PROP_FIRST_BOT_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void botbench_chat_page_load      (BotbenchChatPage *self);
static void botbench_chat_page_open_now  (BotbenchChatPage *self,
                                          const char       *dialog_id);
static void botbench_chat_page_update_bot_list (BotbenchChatPage *self);

void
_botbench_chat_page_toast (BotbenchChatPage *self,
                           const char       *text)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", text);
}

void
_botbench_chat_page_error_toast (BotbenchChatPage *self,
                                 const char       *what,
                                 const GError     *error)
{
  g_autofree char *text = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* Translators: "Cannot send: Message not found (MESSAGE_ID_ERROR)" */
  text = g_strdup_printf (_("%s: %s"), what, error->message);
  _botbench_chat_page_toast (self, text);
}

static void
botbench_chat_page_set_state (BotbenchChatPage *self,
                              const char       *state)
{
  gtk_stack_set_visible_child_name (self->chat_stack, state);
  gtk_spinner_set_spinning (self->loading_spinner, g_str_equal (state, "loading"));

  if (g_strcmp0 (self->state, state) == 0)
    return;

  g_free (self->state);
  self->state = g_strdup (state);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

BotbenchChatConversation *
_botbench_chat_page_get_conversation (BotbenchChatPage *self)
{
  if (self->session == NULL || self->dialog_id == NULL)
    return NULL;

  return botbench_chat_session_lookup_conversation (self->session, self->dialog_id);
}

static void
botbench_chat_page_update_first_bot (BotbenchChatPage *self)
{
  GPtrArray *bots = self->session != NULL ? botbench_chat_session_get_bots (self->session) : NULL;
  gint64 first = 0;

  if (bots != NULL && bots->len > 0 && botbench_chat_session_get_ready (self->session))
    first = ((BotbenchChatBot *)g_ptr_array_index (bots, 0))->id;

  if (first == self->first_bot_id)
    return;

  self->first_bot_id = first;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FIRST_BOT_ID]);
}

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
}

static void
message_unbind_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   gpointer                  user_data)
{
  botbench_chat_message_row_unbind (BOTBENCH_CHAT_MESSAGE_ROW (gtk_list_item_get_child (list_item)));
}

/* ---- the open conversation ---------------------------------------------- */

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

static void
botbench_chat_page_update_header (BotbenchChatPage *self)
{
  BotbenchChatConversation *conversation = _botbench_chat_page_get_conversation (self);
  g_autofree char *subtitle = NULL;
  gboolean group;

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
        subtitle = g_strdup_printf (_("Bot %" G_GINT64_FORMAT " · type %s"), bot->id, bot->type);
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
join_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(BotbenchChatPage) self = user_data;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = botbench_chat_session_action_finish (BOTBENCH_CHAT_SESSION (object), result, &error);
  if (reply == NULL)
    _botbench_chat_page_error_toast (self, _("Cannot open the dialog"), error);
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

static void
botbench_chat_page_open_now (BotbenchChatPage *self,
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
                                            join_done_cb, g_object_ref (self));
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
  botbench_chat_page_update_header (self);
  adw_leaflet_set_visible_child_name (self->chat_leaflet, "conversation");

  /* Opening a private dialog for the first time: the portal tells the
   * bot (ONIMBOTJOINCHAT). */
  if (botbench_chat_conversation_get_conversation_type (conversation) == BOTBENCH_CHAT_CONVERSATION_PRIVATE &&
      botbench_chat_conversation_get_last_message_id (conversation) == 0 &&
      !botbench_chat_page_joined (self, dialog_id, FALSE))
    {
      botbench_chat_page_joined (self, dialog_id, TRUE);
      botbench_chat_session_join_async (self->session, botbench_chat_conversation_get_bot_id (conversation),
                                        0, self->cancellable, join_done_cb, g_object_ref (self));
    }
}

static void
botbench_chat_page_close_conversation (BotbenchChatPage *self)
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
  botbench_chat_page_update_header (self);
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

  botbench_chat_page_open_now (self, botbench_chat_conversation_get_dialog_id (conversation));
  botbench_chat_composer_focus (self->composer);
}

/* ---- the conversation list ---------------------------------------------- */

static GtkWidget *
conversation_create_row_cb (gpointer item,
                            gpointer user_data)
{
  BotbenchChatPage *self = user_data;
  GtkWidget *row = botbench_chat_conversation_row_new (self->session, item);
  gint64 chat_id = botbench_chat_conversation_get_chat_id (item);

  botbench_chat_conversation_row_set_problem (BOTBENCH_CHAT_CONVERSATION_ROW (row),
                                              GPOINTER_TO_INT (g_hash_table_lookup (self->problems, &chat_id)));
  return row;
}

static void
conversations_items_changed_cb (BotbenchChatPage *self,
                                guint             position,
                                guint             removed,
                                guint             added,
                                GListModel       *model)
{
  botbench_chat_page_update_bot_list (self);

  /* Rows were made anew: select the open conversation again. */
  botbench_chat_page_select_row (self);

  if (self->dialog_id != NULL && _botbench_chat_page_get_conversation (self) == NULL)
    botbench_chat_page_close_conversation (self);
  else if (self->dialog_id != NULL)
    botbench_chat_page_update_header (self);

  if (self->pending_dialog != NULL && botbench_chat_session_get_ready (self->session))
    {
      g_autofree char *dialog_id = g_strdup (self->pending_dialog);

      if (botbench_chat_session_lookup_conversation (self->session, dialog_id) != NULL)
        botbench_chat_page_open_now (self, dialog_id);
    }
}

static void
botbench_chat_page_update_rows (BotbenchChatPage *self)
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
static void
botbench_chat_page_update_bot_list (BotbenchChatPage *self)
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
      subtitle = g_strdup_printf (_("Bot %" G_GINT64_FORMAT " · type %s"), bot->id, bot->type);
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

static void
botbench_chat_page_update_users (BotbenchChatPage *self)
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

/* ---- the session -------------------------------------------------------- */

static void
session_ready_cb (BotbenchChatPage    *self,
                  GParamSpec          *pspec,
                  BotbenchChatSession *session)
{
  if (!botbench_chat_session_get_ready (session))
    return;

  botbench_chat_page_set_state (self, "chat");
  botbench_chat_page_update_users (self);
  botbench_chat_page_update_bot_list (self);
  botbench_chat_page_update_first_bot (self);
  _botbench_chat_page_update_menus (self);

  if (self->pending_dialog != NULL)
    {
      g_autofree char *dialog_id = g_strdup (self->pending_dialog);

      botbench_chat_page_open_now (self, dialog_id);
    }
}

static void
session_chats_changed_cb (BotbenchChatPage    *self,
                          BotbenchChatSession *session)
{
  botbench_chat_page_update_users (self);
  botbench_chat_page_update_first_bot (self);
  botbench_chat_page_update_rows (self);
  botbench_chat_page_update_bot_list (self);
  botbench_chat_page_update_header (self);

  if (self->pending_dialog != NULL && botbench_chat_session_get_ready (session))
    {
      g_autofree char *dialog_id = g_strdup (self->pending_dialog);

      if (botbench_chat_session_lookup_conversation (session, dialog_id) != NULL)
        botbench_chat_page_open_now (self, dialog_id);
    }
}

static void
session_message_added_cb (BotbenchChatPage         *self,
                          BotbenchChatConversation *conversation,
                          BotbenchChatMessage      *message,
                          BotbenchChatSession      *session)
{
  botbench_chat_page_update_rows (self);
}

static void
session_delivery_changed_cb (BotbenchChatPage     *self,
                             BotbenchChatDelivery *delivery,
                             BotbenchChatSession  *session)
{
  gint64 chat_id = botbench_chat_delivery_get_chat_id (delivery);

  if (!botbench_chat_delivery_is_finished (delivery) || chat_id <= 0)
    return;

  g_hash_table_insert (self->problems, g_memdup2 (&chat_id, sizeof chat_id),
                       GINT_TO_POINTER (botbench_chat_delivery_is_problem (delivery)));
  botbench_chat_page_update_rows (self);
}

static void
session_error_cb (BotbenchChatPage    *self,
                  GParamSpec          *pspec,
                  BotbenchChatSession *session)
{
  const GError *error = botbench_chat_session_get_error (session);

  if (error != NULL)
    {
      g_autofree char *text = NULL;

      /* Translators: %s says why, e.g. "Connection refused" */
      text = g_strdup_printf (_("Lost contact with the sandbox portal, trying again: %s"), error->message);
      gtk_label_set_label (self->error_label, text);
    }
  gtk_revealer_set_reveal_child (self->error_revealer, error != NULL);

  if (error != NULL && !botbench_chat_session_get_ready (session))
    {
      adw_status_page_set_description (self->error_page, gtk_label_get_label (self->error_label));
      botbench_chat_page_set_state (self, "error");
    }
  else if (error == NULL && botbench_chat_session_get_ready (session))
    botbench_chat_page_set_state (self, "chat");
}

static void
botbench_chat_page_drop_session (BotbenchChatPage *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  botbench_chat_page_close_conversation (self);
  if (self->conversation_list != NULL)
    gtk_list_box_bind_model (self->conversation_list, NULL, NULL, NULL, NULL);

  if (self->session != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->session, self);
      g_signal_handlers_disconnect_by_data (botbench_chat_session_get_conversations (self->session), self);
      botbench_chat_session_stop (self->session);
    }
  g_clear_object (&self->session);
  botbench_chat_page_update_bot_list (self);
  g_clear_object (&self->client);
  if (self->joined != NULL)
    g_hash_table_remove_all (self->joined);
  if (self->problems != NULL)
    g_hash_table_remove_all (self->problems);
  if (self->error_revealer != NULL)
    gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
  botbench_chat_page_update_first_bot (self);
}

static void
botbench_chat_page_start_session (BotbenchChatPage *self)
{
  GListModel *conversations;

  self->session = botbench_chat_session_new (self->client);
  conversations = botbench_chat_session_get_conversations (self->session);

  g_signal_connect_object (self->session, "notify::ready", G_CALLBACK (session_ready_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::error", G_CALLBACK (session_error_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "chats-changed", G_CALLBACK (session_chats_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "message-added", G_CALLBACK (session_message_added_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "delivery-changed", G_CALLBACK (session_delivery_changed_cb),
                           self, G_CONNECT_SWAPPED);

  gtk_list_box_bind_model (self->conversation_list, conversations,
                           conversation_create_row_cb, self, NULL);
  g_signal_connect_object (conversations, "items-changed", G_CALLBACK (conversations_items_changed_cb),
                           self, G_CONNECT_SWAPPED | G_CONNECT_AFTER);
  botbench_chat_page_update_bot_list (self);

  botbench_chat_session_start (self->session);
}

static void
info_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(BotbenchChatPage) self = user_data;
  g_autoptr(JsonObject) info = NULL;
  g_autoptr(GError) error = NULL;

  info = botbench_chat_client_info_finish (BOTBENCH_CHAT_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      BOTBENCH_CHAT_CLIENT (object) != self->client)
    return;

  if (info == NULL)
    {
      if (g_error_matches (error, BOTBENCH_CHAT_ERROR, BOTBENCH_CHAT_ERROR_NOT_SANDBOX))
        botbench_chat_page_set_state (self, "not-sandbox");
      else
        {
          g_autofree char *description = g_markup_escape_text (error->message, -1);

          adw_status_page_set_description (self->error_page, description);
          botbench_chat_page_set_state (self, "error");
        }
      return;
    }

  botbench_chat_page_start_session (self);
}

static void
botbench_chat_page_load (BotbenchChatPage *self)
{
  BotbenchProfile *active;
  g_autoptr(GError) error = NULL;

  botbench_chat_page_drop_session (self);

  active = self->app != NULL ? botbench_profile_manager_get_active (botbench_application_get_profile_manager (self->app)) : NULL;
  g_set_object (&self->profile, active);

  if (active == NULL)
    {
      botbench_chat_page_set_state (self, "none");
      return;
    }

  self->client = botbench_chat_client_new_for_profile (active, &error);
  if (self->client == NULL)
    {
      g_debug ("No sandbox URL for profile %s: %s", botbench_profile_get_uuid (active), error->message);
      botbench_chat_page_set_state (self, "not-sandbox");
      return;
    }

  /* The built-in sandbox says where it runs once it runs. */
  if (botbench_profile_is_sandbox (active) &&
      !botbench_sandbox_get_running (botbench_application_get_sandbox (self->app)))
    {
      adw_status_page_set_description (self->error_page, _("The sandbox portal is not running"));
      botbench_chat_page_set_state (self, "error");
      return;
    }

  self->cancellable = g_cancellable_new ();
  botbench_chat_page_set_state (self, "loading");
  botbench_chat_client_info_async (self->client, self->cancellable, info_done_cb, g_object_ref (self));
}

void
_botbench_chat_page_reload (BotbenchChatPage *self)
{
  botbench_chat_page_load (self);
}

/* Reloads when the portal's sandbox URL is no longer the session's. */
static void
botbench_chat_page_check_profile (BotbenchChatPage *self)
{
  BotbenchProfile *active = botbench_profile_manager_get_active (botbench_application_get_profile_manager (self->app));
  g_autofree char *url = NULL;

  if (active != self->profile)
    {
      botbench_chat_page_load (self);
      return;
    }

  if (active == NULL)
    return;

  url = botbench_chat_dup_sandbox_url (active, NULL);
  if (self->client == NULL || url == NULL ||
      g_strcmp0 (url, botbench_chat_client_get_base_url (self->client)) != 0 ||
      g_strcmp0 (self->state, "error") == 0)
    botbench_chat_page_load (self);
}

static void
sandbox_running_cb (BotbenchChatPage *self,
                    GParamSpec       *pspec,
                    BotbenchSandbox  *sandbox)
{
  if (self->profile != NULL && botbench_profile_is_sandbox (self->profile))
    botbench_chat_page_load (self);
}

static void
composer_send_done_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(BotbenchChatPage) self = user_data;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = botbench_chat_session_action_finish (BOTBENCH_CHAT_SESSION (object), result, &error);
  if (reply == NULL)
    _botbench_chat_page_error_toast (self, _("Cannot send"), error);
}

static void
composer_send_cb (BotbenchChatPage     *self,
                  const char           *text,
                  BotbenchChatComposer *composer)
{
  if (self->session == NULL || self->dialog_id == NULL)
    return;

  self->follow_tail = TRUE;
  botbench_chat_session_send_async (self->session, self->dialog_id, text, self->cancellable,
                                    composer_send_done_cb, g_object_ref (self));
  botbench_chat_composer_set_text (composer, "");
}

/* ---- GObject ------------------------------------------------------------ */

static void
botbench_chat_page_dispose (GObject *object)
{
  BotbenchChatPage *self = (BotbenchChatPage *)object;

  botbench_chat_page_drop_session (self);
  g_clear_handle_id (&self->tail_source, g_source_remove);

  gtk_widget_dispose_template (GTK_WIDGET (self), BOTBENCH_TYPE_CHAT_PAGE);

  g_clear_object (&self->profile);
  g_clear_object (&self->app);
  g_clear_pointer (&self->joined, g_hash_table_unref);
  g_clear_pointer (&self->problems, g_hash_table_unref);
  g_clear_pointer (&self->user_ids, g_array_unref);
  g_clear_pointer (&self->dialog_id, g_free);
  g_clear_pointer (&self->pending_dialog, g_free);
  g_clear_pointer (&self->state, g_free);

  G_OBJECT_CLASS (botbench_chat_page_parent_class)->dispose (object);
}

static void
botbench_chat_page_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  BotbenchChatPage *self = BOTBENCH_CHAT_PAGE (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_string (value, self->state);
      break;
    case PROP_FIRST_BOT_ID:
      g_value_set_int64 (value, self->first_bot_id);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
botbench_chat_page_class_init (BotbenchChatPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = botbench_chat_page_dispose;
  object_class->get_property = botbench_chat_page_get_property;

  properties[PROP_STATE] =
    g_param_spec_string ("state", NULL, NULL, "none",
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FIRST_BOT_ID] =
    g_param_spec_int64 ("first-bot-id", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (BOTBENCH_TYPE_CHAT_COMPOSER);

  _botbench_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/botbench/Botbench/botbench-chat-page.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, BotbenchChatPage, user_names);
  gtk_widget_class_bind_template_child (widget_class, BotbenchChatPage, add_bot_section);
  gtk_widget_class_bind_template_child (widget_class, BotbenchChatPage, mention_section);
  gtk_widget_class_bind_template_child (widget_class, BotbenchChatPage, chat_stack);
  gtk_widget_class_bind_template_child (widget_class, BotbenchChatPage, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, BotbenchChatPage, not_sandbox_page);
  gtk_widget_class_bind_template_child (widget_class, BotbenchChatPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, BotbenchChatPage, chat_leaflet);
  gtk_widget_class_bind_template_child (widget_class, BotbenchChatPage, list_stack);
  gtk_widget_class_bind_template_child (widget_class, BotbenchChatPage, conversation_list);
  gtk_widget_class_bind_template_child (widget_class, BotbenchChatPage, bots_heading);
  gtk_widget_class_bind_template_child (widget_class, BotbenchChatPage, bot_list);
  gtk_widget_class_bind_template_child (widget_class, BotbenchChatPage, conversation_title);
  gtk_widget_class_bind_template_child (widget_class, BotbenchChatPage, conversation_subtitle);
  gtk_widget_class_bind_template_child (widget_class, BotbenchChatPage, add_bot_button);
  gtk_widget_class_bind_template_child (widget_class, BotbenchChatPage, user_dropdown);
  gtk_widget_class_bind_template_child (widget_class, BotbenchChatPage, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, BotbenchChatPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, BotbenchChatPage, conversation_stack);
  gtk_widget_class_bind_template_child (widget_class, BotbenchChatPage, message_scroller);
  gtk_widget_class_bind_template_child (widget_class, BotbenchChatPage, message_list);
  gtk_widget_class_bind_template_child (widget_class, BotbenchChatPage, mention_button);
  gtk_widget_class_bind_template_child (widget_class, BotbenchChatPage, composer);
  gtk_widget_class_bind_template_callback (widget_class, conversation_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, bot_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, user_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, composer_send_cb);

  _botbench_chat_page_class_init_actions (widget_class);
}

static void
botbench_chat_page_init (BotbenchChatPage *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  GtkAdjustment *adjustment;

  self->joined = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->problems = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->user_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->state = g_strdup ("none");
  self->follow_tail = TRUE;

  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect (factory, "setup", G_CALLBACK (message_setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (message_bind_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (message_unbind_cb), self);
  gtk_list_view_set_factory (self->message_list, factory);

  adjustment = gtk_scrolled_window_get_vadjustment (self->message_scroller);
  g_signal_connect_object (adjustment, "value-changed", G_CALLBACK (scroller_value_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (adjustment, "notify::upper", G_CALLBACK (scroller_upper_changed_cb),
                           self, G_CONNECT_SWAPPED);

  botbench_chat_page_set_state (self, "none");
  gtk_stack_set_visible_child_name (self->conversation_stack, "empty");
  adw_leaflet_set_visible_child_name (self->chat_leaflet, "list");
}

/* ---- public API --------------------------------------------------------- */

void
botbench_chat_page_set_application (BotbenchChatPage    *self,
                                    BotbenchApplication *app)
{
  BotbenchProfileManager *manager;

  g_return_if_fail (BOTBENCH_IS_CHAT_PAGE (self));
  g_return_if_fail (BOTBENCH_IS_APPLICATION (app));
  g_return_if_fail (self->app == NULL);

  self->app = g_object_ref (app);
  manager = botbench_application_get_profile_manager (app);
  g_signal_connect_object (manager, "notify::active", G_CALLBACK (botbench_chat_page_check_profile),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (manager, "items-changed", G_CALLBACK (botbench_chat_page_check_profile),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (botbench_application_get_sandbox (app), "notify::running",
                           G_CALLBACK (sandbox_running_cb), self, G_CONNECT_SWAPPED);
  botbench_chat_page_load (self);
}

BotbenchChatSession *
botbench_chat_page_get_session (BotbenchChatPage *self)
{
  g_return_val_if_fail (BOTBENCH_IS_CHAT_PAGE (self), NULL);

  return self->session;
}

const char *
botbench_chat_page_get_state (BotbenchChatPage *self)
{
  g_return_val_if_fail (BOTBENCH_IS_CHAT_PAGE (self), NULL);

  return self->state;
}

void
botbench_chat_page_open_bot (BotbenchChatPage *self,
                             gint64            bot_id)
{
  g_autofree char *dialog_id = NULL;

  g_return_if_fail (BOTBENCH_IS_CHAT_PAGE (self));
  g_return_if_fail (bot_id > 0);

  dialog_id = g_strdup_printf ("%" G_GINT64_FORMAT, bot_id);
  botbench_chat_page_open_dialog (self, dialog_id);
}

void
botbench_chat_page_open_dialog (BotbenchChatPage *self,
                                const char       *dialog_id)
{
  g_return_if_fail (BOTBENCH_IS_CHAT_PAGE (self));
  g_return_if_fail (dialog_id != NULL);

  g_free (self->pending_dialog);
  self->pending_dialog = g_strdup (dialog_id);

  if (self->session != NULL && botbench_chat_session_get_ready (self->session))
    botbench_chat_page_open_now (self, dialog_id);
}

const char *
botbench_chat_page_get_dialog_id (BotbenchChatPage *self)
{
  g_return_val_if_fail (BOTBENCH_IS_CHAT_PAGE (self), NULL);

  return self->dialog_id;
}

void
botbench_chat_page_focus_composer (BotbenchChatPage *self)
{
  g_return_if_fail (BOTBENCH_IS_CHAT_PAGE (self));

  if (self->dialog_id != NULL)
    adw_leaflet_set_visible_child_name (self->chat_leaflet, "conversation");
  botbench_chat_composer_focus (self->composer);
}

gint64
botbench_chat_page_get_first_bot_id (BotbenchChatPage *self)
{
  g_return_val_if_fail (BOTBENCH_IS_CHAT_PAGE (self), 0);

  return self->first_bot_id;
}

char *
botbench_chat_page_dup_first_bot_name (BotbenchChatPage *self)
{
  BotbenchChatBot *bot;

  g_return_val_if_fail (BOTBENCH_IS_CHAT_PAGE (self), NULL);

  if (self->session == NULL || self->first_bot_id == 0 ||
      (bot = botbench_chat_session_lookup_bot (self->session, self->first_bot_id)) == NULL)
    return NULL;

  return botbench_chat_bot_dup_display_name (bot);
}
