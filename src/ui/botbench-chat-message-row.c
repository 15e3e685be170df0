/* botbench-chat-message-row.c: one message in the Chat page's list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Author, time and "edited" on top; the text (BB-code as Pango markup,
 * cut at BOTBENCH_CHAT_TEXT_MAX_CHARS), or "This message was deleted";
 * the ATTACH card and the KEYBOARD.  Under a user message, one line per
 * delivery it caused (problems in error or warning style) with "Show in
 * Events", or "Queued for fetching" for a v2 fetch-mode bot; the speaking user's own messages have Edit and Delete; a bot's
 * message has a Request button showing how the bot made it (SOURCE).
 *
 * The row is rebuilt whenever the message or one of its deliveries
 * changes: messages are small and change seldom.  Buttons only name
 * "chat.*" actions, which the Chat page implements.
 */
#define G_LOG_DOMAIN "botbench-chat"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "botbench-chat-attach-card.h"
#include "botbench-chat-keyboard-view.h"
#include "botbench-chat-message-row.h"

struct _BotbenchChatMessageRow
{
  GtkWidget            parent_instance;

  BotbenchChatSession *session;
  BotbenchChatMessage *message;
  GStrv                listener_urls;
  gulong               notify_handler;
  gulong               delivery_handler;
  gulong               chats_handler;
};

G_DEFINE_FINAL_TYPE (BotbenchChatMessageRow, botbench_chat_message_row, GTK_TYPE_WIDGET)

static void botbench_chat_message_row_rebuild (BotbenchChatMessageRow *self);

static void
botbench_chat_message_row_clear (BotbenchChatMessageRow *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
}

static GtkWidget *
icon_button (const char *icon_name,
             const char *tooltip,
             const char *accessible_label,
             const char *action_name,
             GVariant   *target)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon_name);

  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible_label, -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action_name);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), target);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_add_css_class (button, "circular");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);

  return button;
}

static GtkWidget *
botbench_chat_message_row_source_popover (BotbenchChatMessage *message)
{
  JsonObject *source = botbench_chat_message_get_source (message);
  g_autoptr(GString) text = g_string_new (NULL);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *scroller;
  GtkWidget *label;
  GtkWidget *popover;
  JsonNode *params;
  const char *members[] = { "METHOD", "DATE", "AUTH" };

  label = gtk_label_new (_("How the Bot Sent This Message"));
  gtk_widget_add_css_class (label, "heading");
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_box_append (GTK_BOX (box), label);

  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    {
      JsonNode *node = json_object_get_member (source, members[i]);

      if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
          json_node_get_value_type (node) == G_TYPE_STRING)
        g_string_append_printf (text, "%s: %s\n", members[i], json_node_get_string (node));
    }

  params = json_object_get_member (source, "PARAMS");
  if (params != NULL)
    {
      g_autofree char *json = json_to_string (params, TRUE);

      if (strlen (json) > BOTBENCH_CHAT_RAW_MAX)
        json[g_utf8_find_prev_char (json, json + BOTBENCH_CHAT_RAW_MAX) - json] = '\0';
      g_string_append_printf (text, "PARAMS: %s", json);
    }

  label = gtk_label_new (text->str);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_CHAR);
  gtk_widget_add_css_class (label, "monospace");
  gtk_widget_set_name (label, "source_label");

  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scroller), 400);
  gtk_widget_set_size_request (scroller, 420, -1);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), label);
  gtk_box_append (GTK_BOX (box), scroller);

  popover = gtk_popover_new ();
  gtk_popover_set_child (GTK_POPOVER (popover), box);

  return popover;
}

static GtkWidget *
botbench_chat_message_row_header (BotbenchChatMessageRow *self)
{
  BotbenchChatMessage *message = self->message;
  gint64 author_id = botbench_chat_message_get_author_id (message);
  gint64 id = botbench_chat_message_get_id (message);
  GDateTime *date = botbench_chat_message_get_date (message);
  g_autofree char *name = botbench_chat_session_dup_author_name (self->session, author_id);
  gboolean own = author_id == botbench_chat_session_get_user_id (self->session);
  gboolean live = id > 0 && !botbench_chat_message_get_deleted (message);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label;

  label = gtk_label_new (name);
  gtk_widget_add_css_class (label, "heading");
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_box_append (GTK_BOX (box), label);

  if (date != NULL)
    {
      g_autoptr(GDateTime) local = g_date_time_to_local (date);
      g_autofree char *time = g_date_time_format (local, "%H:%M");
      g_autofree char *full = g_date_time_format (local, "%x %X");

      label = gtk_label_new (time);
      gtk_widget_set_tooltip_text (label, full);
      gtk_widget_add_css_class (label, "dim-label");
      gtk_widget_add_css_class (label, "caption");
      gtk_box_append (GTK_BOX (box), label);
    }

  if (botbench_chat_message_get_pending (message))
    {
      label = gtk_label_new (_("Sending…"));
      gtk_widget_add_css_class (label, "dim-label");
      gtk_widget_add_css_class (label, "caption");
      gtk_box_append (GTK_BOX (box), label);
    }
  else if (botbench_chat_message_get_edited (message) && !botbench_chat_message_get_deleted (message))
    {
      label = gtk_label_new (_("edited"));
      gtk_widget_add_css_class (label, "dim-label");
      gtk_widget_add_css_class (label, "caption");
      gtk_box_append (GTK_BOX (box), label);
    }

  label = gtk_label_new (NULL);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_box_append (GTK_BOX (box), label);

  if (own && live && !botbench_chat_message_get_system (message))
    {
      gtk_box_append (GTK_BOX (box),
                      icon_button ("document-edit-symbolic", _("Edit"), _("Edit message"),
                                   "chat.edit", g_variant_new_int64 (id)));
      gtk_box_append (GTK_BOX (box),
                      icon_button ("user-trash-symbolic", _("Delete"), _("Delete message"),
                                   "chat.delete", g_variant_new_int64 (id)));
    }

  if (botbench_chat_message_get_source (message) != NULL)
    {
      GtkWidget *button = gtk_menu_button_new ();

      gtk_menu_button_set_label (GTK_MENU_BUTTON (button), _("Request"));
      gtk_widget_set_tooltip_text (button, _("The REST Call That Made This Message"));
      gtk_menu_button_set_popover (GTK_MENU_BUTTON (button), botbench_chat_message_row_source_popover (message));
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_set_name (button, "request_button");
      gtk_box_append (GTK_BOX (box), button);
    }

  return box;
}

/* Whether the delivery went to Botbench's listener (so the event is in
 * the log). */
static gboolean
botbench_chat_message_row_is_logged (BotbenchChatMessageRow *self,
                                     BotbenchChatDelivery   *delivery)
{
  const char *url = botbench_chat_delivery_get_url (delivery);

  for (guint i = 0; self->listener_urls != NULL && self->listener_urls[i] != NULL; i++)
    if (*self->listener_urls[i] != '\0' && g_str_has_prefix (url, self->listener_urls[i]))
      return TRUE;

  return FALSE;
}

static GtkWidget *
botbench_chat_message_row_delivery (BotbenchChatMessageRow *self,
                                    BotbenchChatDelivery   *delivery)
{
  g_autofree char *summary = NULL;
  BotbenchChatDeliveryState state = botbench_chat_delivery_get_state (delivery);
  gboolean queued = botbench_chat_delivery_is_queued (delivery);
  gboolean problem = botbench_chat_delivery_is_problem (delivery);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label;
  GtkWidget *icon;
  const char *icon_name;

  summary = botbench_chat_delivery_dup_summary (delivery);

  switch (state)
    {
    case BOTBENCH_CHAT_DELIVERY_PENDING:
      icon_name = "content-loading-symbolic";
      break;
    case BOTBENCH_CHAT_DELIVERY_FAILED:
      icon_name = "dialog-error-symbolic";
      break;
    case BOTBENCH_CHAT_DELIVERY_SKIPPED:
      icon_name = queued ? "mail-send-receive-symbolic" : "action-unavailable-symbolic";
      break;
    case BOTBENCH_CHAT_DELIVERY_DONE:
    default:
      icon_name = problem ? "dialog-warning-symbolic" : "object-select-symbolic";
      break;
    }

  /* GTK 4.8 measures a wrapping label beside an icon one pixel taller at
   * huge widths than without a width (a critical): lines have a height. */
  gtk_widget_set_size_request (box, -1, BOTBENCH_CHAT_LINE_MIN_HEIGHT);
  icon = gtk_image_new_from_icon_name (icon_name);
  gtk_widget_set_valign (icon, GTK_ALIGN_START);
  gtk_box_append (GTK_BOX (box), icon);

  label = gtk_label_new (summary);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_add_css_class (label, "caption");
  gtk_widget_add_css_class (label, "chat-delivery");
  if (problem)
    gtk_widget_add_css_class (label, state == BOTBENCH_CHAT_DELIVERY_SKIPPED ? "warning" : "error");
  else
    gtk_widget_add_css_class (label, "dim-label");
  gtk_box_append (GTK_BOX (box), label);
  if (queued)
    {
      const char *tooltip = _("The bot reads its events with imbot.v2.Event.get");

      gtk_widget_set_tooltip_text (label, tooltip);
      gtk_widget_set_tooltip_text (icon, tooltip);
      gtk_widget_add_css_class (label, "chat-delivery-queued");
    }

  if (state == BOTBENCH_CHAT_DELIVERY_DONE && botbench_chat_message_row_is_logged (self, delivery))
    {
      GtkWidget *button = gtk_button_new_with_label (_("Show in Events"));

      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "chat.show-event");
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button),
                                              g_variant_new_int64 (botbench_chat_delivery_get_id (delivery)));
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_add_css_class (button, "caption");
      gtk_widget_set_valign (button, GTK_ALIGN_START);
      gtk_box_append (GTK_BOX (box), button);
    }

  return box;
}

/* One line per delivery the message caused (problems stand out). */
static void
botbench_chat_message_row_add_deliveries (BotbenchChatMessageRow *self)
{
  const gint64 *deliveries;
  guint n_deliveries = 0;

  deliveries = botbench_chat_message_get_deliveries (self->message, &n_deliveries);
  for (guint i = 0; i < n_deliveries; i++)
    {
      BotbenchChatDelivery *delivery = botbench_chat_session_lookup_delivery (self->session, deliveries[i]);

      if (delivery != NULL)
        gtk_widget_set_parent (botbench_chat_message_row_delivery (self, delivery), GTK_WIDGET (self));
    }
}

static void
botbench_chat_message_row_rebuild (BotbenchChatMessageRow *self)
{
  BotbenchChatMessage *message = self->message;
  GtkWidget *label;
  gint64 author_id;

  botbench_chat_message_row_clear (self);

  if (message == NULL)
    return;

  /* A system message (who opened the dialog, who added a bot): one
   * centred line, then what the event it caused became. */
  if (botbench_chat_message_get_system (message))
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self), "chat-own");
      gtk_widget_remove_css_class (GTK_WIDGET (self), "chat-bot");
      gtk_widget_add_css_class (GTK_WIDGET (self), "chat-system");
      label = gtk_label_new (botbench_chat_message_get_text (message));
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_CENTER);
      gtk_widget_add_css_class (label, "dim-label");
      gtk_widget_set_parent (label, GTK_WIDGET (self));
      botbench_chat_message_row_add_deliveries (self);
      return;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (self), "chat-system");

  author_id = botbench_chat_message_get_author_id (message);
  if (author_id == botbench_chat_session_get_user_id (self->session))
    gtk_widget_add_css_class (GTK_WIDGET (self), "chat-own");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "chat-own");
  if (botbench_chat_session_lookup_bot (self->session, author_id) != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self), "chat-bot");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "chat-bot");

  gtk_widget_set_parent (botbench_chat_message_row_header (self), GTK_WIDGET (self));

  if (botbench_chat_message_get_deleted (message))
    {
      label = gtk_label_new (_("This message was deleted"));
      gtk_widget_add_css_class (label, "dim-label");
      gtk_widget_add_css_class (label, "chat-deleted");
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_set_parent (label, GTK_WIDGET (self));
    }
  else
    {
      const char *text = botbench_chat_message_get_text (message);
      BotbenchAttach *attach = botbench_chat_message_get_attach (message);
      BotbenchKeyboard *keyboard = botbench_chat_message_get_keyboard (message);

      if (*text != '\0')
        {
          g_autofree char *markup = botbench_bbcode_to_markup (text, BOTBENCH_CHAT_TEXT_MAX_CHARS);

          label = gtk_label_new (NULL);
          gtk_label_set_markup (GTK_LABEL (label), markup);
          gtk_label_set_xalign (GTK_LABEL (label), 0);
          gtk_label_set_wrap (GTK_LABEL (label), TRUE);
          gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
          gtk_label_set_selectable (GTK_LABEL (label), TRUE);
          gtk_widget_add_css_class (label, "chat-text");
          gtk_widget_set_parent (label, GTK_WIDGET (self));
        }

      if (!botbench_attach_is_empty (attach))
        gtk_widget_set_parent (botbench_chat_attach_card_new (attach), GTK_WIDGET (self));

      if (!botbench_keyboard_is_empty (keyboard))
        gtk_widget_set_parent (botbench_chat_keyboard_view_new (keyboard, botbench_chat_message_get_id (message)),
                               GTK_WIDGET (self));
    }

  botbench_chat_message_row_add_deliveries (self);
}

static void
message_notify_cb (BotbenchChatMessageRow *self,
                   GParamSpec             *pspec,
                   BotbenchChatMessage    *message)
{
  botbench_chat_message_row_rebuild (self);
}

static void
delivery_changed_cb (BotbenchChatMessageRow *self,
                     BotbenchChatDelivery   *delivery,
                     BotbenchChatSession    *session)
{
  const gint64 *deliveries;
  guint n_deliveries = 0;
  gint64 id;

  if (self->message == NULL)
    return;

  /* A delivery this message caused; its list may be new too. */
  id = botbench_chat_delivery_get_id (delivery);
  deliveries = botbench_chat_message_get_deliveries (self->message, &n_deliveries);
  for (guint i = 0; i < n_deliveries; i++)
    if (deliveries[i] == id)
      {
        botbench_chat_message_row_rebuild (self);
        return;
      }

  if (botbench_chat_delivery_get_message_id (delivery) == botbench_chat_message_get_id (self->message))
    botbench_chat_message_row_rebuild (self);
}

static void
chats_changed_cb (BotbenchChatMessageRow *self,
                  BotbenchChatSession    *session)
{
  /* Names and bots may have changed. */
  botbench_chat_message_row_rebuild (self);
}

static void
botbench_chat_message_row_dispose (GObject *object)
{
  BotbenchChatMessageRow *self = (BotbenchChatMessageRow *)object;

  botbench_chat_message_row_unbind (self);
  botbench_chat_message_row_clear (self);

  G_OBJECT_CLASS (botbench_chat_message_row_parent_class)->dispose (object);
}

static void
botbench_chat_message_row_class_init (BotbenchChatMessageRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = botbench_chat_message_row_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "chatmessage");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
botbench_chat_message_row_init (BotbenchChatMessageRow *self)
{
  GtkBoxLayout *layout = GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (GTK_WIDGET (self)));

  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (layout, 4);
}

GtkWidget *
botbench_chat_message_row_new (void)
{
  return g_object_new (BOTBENCH_TYPE_CHAT_MESSAGE_ROW, NULL);
}

void
botbench_chat_message_row_bind (BotbenchChatMessageRow *self,
                                BotbenchChatSession    *session,
                                BotbenchChatMessage    *message,
                                const char * const     *listener_urls)
{
  g_autofree char *name = NULL;
  g_autofree char *plain = NULL;
  g_autofree char *accessible = NULL;

  g_return_if_fail (BOTBENCH_IS_CHAT_MESSAGE_ROW (self));
  g_return_if_fail (BOTBENCH_IS_CHAT_SESSION (session));
  g_return_if_fail (BOTBENCH_IS_CHAT_MESSAGE (message));

  botbench_chat_message_row_unbind (self);

  self->session = g_object_ref (session);
  self->message = g_object_ref (message);
  self->listener_urls = g_strdupv ((char **)listener_urls);
  self->notify_handler = g_signal_connect_object (message, "notify",
                                                  G_CALLBACK (message_notify_cb), self, G_CONNECT_SWAPPED);
  self->delivery_handler = g_signal_connect_object (session, "delivery-changed",
                                                    G_CALLBACK (delivery_changed_cb), self, G_CONNECT_SWAPPED);
  self->chats_handler = g_signal_connect_object (session, "chats-changed",
                                                 G_CALLBACK (chats_changed_cb), self, G_CONNECT_SWAPPED);

  name = botbench_chat_session_dup_author_name (session, botbench_chat_message_get_author_id (message));
  plain = botbench_bbcode_to_plain (botbench_chat_message_get_text (message));
  if (g_utf8_strlen (plain, -1) > 200)
    *g_utf8_offset_to_pointer (plain, 200) = '\0';
  /* Translators: a message row for screen readers: author and text */
  accessible = g_strdup_printf (_("%s: %s"), name, plain);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);

  botbench_chat_message_row_rebuild (self);
}

void
botbench_chat_message_row_unbind (BotbenchChatMessageRow *self)
{
  g_return_if_fail (BOTBENCH_IS_CHAT_MESSAGE_ROW (self));

  if (self->message != NULL)
    g_clear_signal_handler (&self->notify_handler, self->message);
  if (self->session != NULL)
    {
      g_clear_signal_handler (&self->delivery_handler, self->session);
      g_clear_signal_handler (&self->chats_handler, self->session);
    }
  g_clear_object (&self->message);
  g_clear_object (&self->session);
  g_clear_pointer (&self->listener_urls, g_strfreev);
}

BotbenchChatMessage *
botbench_chat_message_row_get_message (BotbenchChatMessageRow *self)
{
  g_return_val_if_fail (BOTBENCH_IS_CHAT_MESSAGE_ROW (self), NULL);

  return self->message;
}
