/* botbench-chat-conversation-row.c: a conversation in the Chat page's list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An avatar (the bot's initials, with a dot in the bot's colour for a
 * private dialog; a group icon for a group chat), the title, the last
 * message as plain text when the session has it, and a warning icon when
 * the conversation's last delivery had a problem.
 */
#define G_LOG_DOMAIN "botbench-chat"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "botbench-chat-conversation-row.h"

struct _BotbenchChatConversationRow
{
  GtkListBoxRow             parent_instance;

  BotbenchChatSession      *session;
  BotbenchChatConversation *conversation;
  GdkRGBA                   color;

  AdwAvatar                *avatar;
  GtkWidget                *dot;
  GtkLabel                 *title;
  GtkLabel                 *preview;
  GtkWidget                *problem;
};

G_DEFINE_FINAL_TYPE (BotbenchChatConversationRow, botbench_chat_conversation_row, GTK_TYPE_LIST_BOX_ROW)

static void
dot_draw_cb (GtkDrawingArea *area,
             cairo_t        *cr,
             int             width,
             int             height,
             gpointer        user_data)
{
  BotbenchChatConversationRow *self = user_data;

  gdk_cairo_set_source_rgba (cr, &self->color);
  cairo_arc (cr, width / 2.0, height / 2.0, MIN (width, height) / 2.0, 0, 2 * G_PI);
  cairo_fill (cr);
}

static void
conversation_notify_cb (BotbenchChatConversationRow *self)
{
  botbench_chat_conversation_row_update (self);
}

static void
botbench_chat_conversation_row_dispose (GObject *object)
{
  BotbenchChatConversationRow *self = (BotbenchChatConversationRow *)object;

  g_clear_object (&self->conversation);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (botbench_chat_conversation_row_parent_class)->dispose (object);
}

static void
botbench_chat_conversation_row_class_init (BotbenchChatConversationRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = botbench_chat_conversation_row_dispose;
}

static void
botbench_chat_conversation_row_init (BotbenchChatConversationRow *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 9);
  GtkWidget *overlay = gtk_overlay_new ();
  GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);

  self->avatar = ADW_AVATAR (adw_avatar_new (32, NULL, TRUE));
  gtk_overlay_set_child (GTK_OVERLAY (overlay), GTK_WIDGET (self->avatar));
  self->dot = gtk_drawing_area_new ();
  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (self->dot), 10);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (self->dot), 10);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self->dot), dot_draw_cb, self, NULL);
  gtk_widget_set_halign (self->dot, GTK_ALIGN_END);
  gtk_widget_set_valign (self->dot, GTK_ALIGN_END);
  gtk_widget_set_visible (self->dot, FALSE);
  gtk_overlay_add_overlay (GTK_OVERLAY (overlay), self->dot);
  gtk_widget_set_valign (overlay, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), overlay);

  self->title = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->title, 0);
  gtk_label_set_ellipsize (self->title, PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (GTK_WIDGET (self->title), "heading");
  gtk_box_append (GTK_BOX (texts), GTK_WIDGET (self->title));
  self->preview = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->preview, 0);
  gtk_label_set_ellipsize (self->preview, PANGO_ELLIPSIZE_END);
  gtk_label_set_single_line_mode (self->preview, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->preview), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (self->preview), "caption");
  gtk_box_append (GTK_BOX (texts), GTK_WIDGET (self->preview));
  gtk_widget_set_hexpand (texts, TRUE);
  gtk_widget_set_valign (texts, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), texts);

  self->problem = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
  gtk_widget_add_css_class (self->problem, "warning");
  gtk_widget_set_tooltip_text (self->problem, _("The Last Event Had a Delivery Problem"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->problem), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Delivery problem"), -1);
  gtk_widget_set_visible (self->problem, FALSE);
  gtk_box_append (GTK_BOX (box), self->problem);

  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (self), box);
}

GtkWidget *
botbench_chat_conversation_row_new (BotbenchChatSession      *session,
                                    BotbenchChatConversation *conversation)
{
  BotbenchChatConversationRow *self;

  g_return_val_if_fail (BOTBENCH_IS_CHAT_SESSION (session), NULL);
  g_return_val_if_fail (BOTBENCH_IS_CHAT_CONVERSATION (conversation), NULL);

  self = g_object_new (BOTBENCH_TYPE_CHAT_CONVERSATION_ROW, NULL);
  self->session = g_object_ref (session);
  self->conversation = g_object_ref (conversation);
  g_signal_connect_object (conversation, "notify", G_CALLBACK (conversation_notify_cb),
                           self, G_CONNECT_SWAPPED);
  botbench_chat_conversation_row_update (self);

  return GTK_WIDGET (self);
}

BotbenchChatConversation *
botbench_chat_conversation_row_get_conversation (BotbenchChatConversationRow *self)
{
  g_return_val_if_fail (BOTBENCH_IS_CHAT_CONVERSATION_ROW (self), NULL);

  return self->conversation;
}

void
botbench_chat_conversation_row_set_problem (BotbenchChatConversationRow *self,
                                            gboolean                     problem)
{
  g_return_if_fail (BOTBENCH_IS_CHAT_CONVERSATION_ROW (self));

  gtk_widget_set_visible (self->problem, problem);
}

void
botbench_chat_conversation_row_update (BotbenchChatConversationRow *self)
{
  BotbenchChatConversation *conversation;
  BotbenchChatMessage *last;
  BotbenchChatBot *bot = NULL;
  g_autofree char *title = NULL;
  g_autofree char *preview = NULL;
  g_autofree char *accessible = NULL;
  gboolean group;

  g_return_if_fail (BOTBENCH_IS_CHAT_CONVERSATION_ROW (self));

  conversation = self->conversation;
  group = botbench_chat_conversation_get_conversation_type (conversation) == BOTBENCH_CHAT_CONVERSATION_GROUP;
  if (!group)
    bot = botbench_chat_session_lookup_bot (self->session, botbench_chat_conversation_get_bot_id (conversation));

  title = bot != NULL ? botbench_chat_bot_dup_display_name (bot)
                      : g_strdup (botbench_chat_conversation_get_title (conversation));
  if (*title == '\0')
    {
      g_free (title);
      title = g_strdup (botbench_chat_conversation_get_dialog_id (conversation));
    }
  gtk_label_set_label (self->title, title);
  adw_avatar_set_text (self->avatar, title);
  adw_avatar_set_icon_name (self->avatar, group ? "system-users-symbolic" : NULL);
  adw_avatar_set_show_initials (self->avatar, !group);

  gtk_widget_set_visible (self->dot, FALSE);
  if (bot != NULL && *bot->color != '\0')
    {
      BotbenchBotColor color;

      if (botbench_bot_color_from_name (bot->color, &color) &&
          gdk_rgba_parse (&self->color, botbench_bot_color_get_rgb (color)))
        {
          gtk_widget_set_visible (self->dot, TRUE);
          gtk_widget_queue_draw (self->dot);
        }
    }

  last = botbench_chat_session_lookup_message (self->session,
                                               botbench_chat_conversation_get_last_message_id (conversation));
  if (last != NULL && botbench_chat_message_get_deleted (last))
    preview = g_strdup (_("This message was deleted"));
  else if (last != NULL)
    {
      g_autofree char *plain = botbench_bbcode_to_plain (botbench_chat_message_get_text (last));

      if (g_utf8_strlen (plain, -1) > 120)
        *g_utf8_offset_to_pointer (plain, 120) = '\0';
      g_strdelimit (plain, "\n\r\t", ' ');
      preview = g_steal_pointer (&plain);
    }
  else if (group)
    preview = g_strdup (_("Group chat"));
  else
    preview = g_strdup (_("Private dialog"));
  gtk_label_set_label (self->preview, preview);

  accessible = g_strdup_printf ("%s, %s", title, preview);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
}
