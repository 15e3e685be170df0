/* botbench-chat-attach-card.c: a bot message's ATTACH, drawn as a card
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A colour bar on the left, then one widget per block: MESSAGE as
 * BB-code, LINK as a link with its description, IMAGE and FILE as links,
 * USER as a name, GRID as name/value rows, DELIMITER as a separator, and
 * what the parser did not know as a note.  The parser's warnings come last,
 * with the raw JSON behind an expander.  Links are GtkLabel links: GTK
 * opens them with gtk_show_uri(); the parser keeps only http(s)/mailto.
 */
#define G_LOG_DOMAIN "botbench-chat"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "botbench-chat-attach-card.h"

/* Text blocks are cut for display beyond this many characters. */
#define ATTACH_TEXT_MAX_CHARS 4000

struct _BotbenchChatAttachCard
{
  GtkWidget  parent_instance;

  GdkRGBA    color;
  GtkWidget *bar;
  GtkWidget *box;
};

G_DEFINE_FINAL_TYPE (BotbenchChatAttachCard, botbench_chat_attach_card, GTK_TYPE_WIDGET)

static void
bar_draw_cb (GtkDrawingArea *area,
             cairo_t        *cr,
             int             width,
             int             height,
             gpointer        user_data)
{
  BotbenchChatAttachCard *self = user_data;

  gdk_cairo_set_source_rgba (cr, &self->color);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_fill (cr);
}

static GtkWidget *
markup_label (const char *markup)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_markup (GTK_LABEL (label), markup);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);

  return label;
}

static GtkWidget *
text_label (const char *text)
{
  g_autofree char *markup = g_markup_escape_text (text, -1);

  return markup_label (markup);
}

/* "<a href>name</a>", or the name alone without a usable link. */
static char *
link_markup (const char *name,
             const char *link)
{
  const char *shown = name != NULL && *name != '\0' ? name : link;

  if (shown == NULL || *shown == '\0')
    shown = _("(no name)");

  if (link != NULL && *link != '\0')
    return g_markup_printf_escaped ("<a href=\"%s\">%s</a>", link, shown);

  return g_markup_escape_text (shown, -1);
}

static GtkWidget *
botbench_chat_attach_card_grid (BotbenchAttachBlock *block)
{
  GtkWidget *grid = gtk_grid_new ();
  int row = 0;

  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 3);

  for (guint i = 0; i < block->items->len; i++)
    {
      BotbenchAttachItem *item = g_ptr_array_index (block->items, i);
      g_autofree char *value_markup = NULL;
      GtkWidget *name;
      GtkWidget *value;

      name = text_label (item->name);
      gtk_widget_add_css_class (name, "dim-label");
      gtk_label_set_yalign (GTK_LABEL (name), 0);

      if (item->link != NULL && *item->link != '\0')
        value_markup = link_markup (item->value, item->link);
      else
        value_markup = botbench_bbcode_to_markup (item->value, ATTACH_TEXT_MAX_CHARS);
      if (item->color != NULL && *item->color == '#')
        {
          g_autofree char *inner = g_steal_pointer (&value_markup);

          value_markup = g_strdup_printf ("<span foreground=\"%s\">%s</span>", item->color, inner);
        }
      value = markup_label (value_markup);

      if (item->display == BOTBENCH_ATTACH_GRID_BLOCK)
        {
          /* BLOCK: the name above its value */
          gtk_grid_attach (GTK_GRID (grid), name, 0, row++, 2, 1);
          gtk_grid_attach (GTK_GRID (grid), value, 0, row++, 2, 1);
        }
      else
        {
          gtk_grid_attach (GTK_GRID (grid), name, 0, row, 1, 1);
          gtk_grid_attach (GTK_GRID (grid), value, 1, row++, 1, 1);
          gtk_widget_set_hexpand (value, TRUE);
        }
    }

  return grid;
}

static GtkWidget *
botbench_chat_attach_card_items (BotbenchAttachBlock *block)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);

  for (guint i = 0; i < block->items->len; i++)
    {
      BotbenchAttachItem *item = g_ptr_array_index (block->items, i);
      g_autofree char *markup = NULL;
      GtkWidget *label;

      switch (block->kind)
        {
        case BOTBENCH_ATTACH_BLOCK_LINK:
          markup = link_markup (item->name, item->link);
          label = markup_label (markup);
          gtk_widget_add_css_class (label, "heading");
          gtk_box_append (GTK_BOX (box), label);
          if (item->desc != NULL && *item->desc != '\0')
            {
              g_autofree char *desc = botbench_bbcode_to_markup (item->desc, ATTACH_TEXT_MAX_CHARS);

              label = markup_label (desc);
              gtk_widget_add_css_class (label, "dim-label");
              gtk_box_append (GTK_BOX (box), label);
            }
          break;

        case BOTBENCH_ATTACH_BLOCK_IMAGE:
          {
            g_autofree char *link = link_markup (item->name, item->link != NULL && *item->link != '\0'
                                                             ? item->link : item->preview);

            /* Translators: %s is an image's name as a link */
            markup = g_strdup_printf (_("Image: %s"), link);
            gtk_box_append (GTK_BOX (box), markup_label (markup));
          }
          break;

        case BOTBENCH_ATTACH_BLOCK_FILE:
          {
            g_autofree char *link = link_markup (item->name, item->link);

            if (item->size > 0)
              {
                g_autofree char *size = g_format_size ((guint64)item->size);

                /* Translators: a file's name (a link) and its size */
                markup = g_strdup_printf (_("File: %s (%s)"), link, size);
              }
            else
              markup = g_strdup_printf (_("File: %s"), link);
            gtk_box_append (GTK_BOX (box), markup_label (markup));
          }
          break;

        case BOTBENCH_ATTACH_BLOCK_USER:
          {
            g_autofree char *link = link_markup (item->name, item->link);

            markup = g_strdup_printf ("<b>%s</b>", link);
            gtk_box_append (GTK_BOX (box), markup_label (markup));
          }
          break;

        case BOTBENCH_ATTACH_BLOCK_MESSAGE:
        case BOTBENCH_ATTACH_BLOCK_GRID:
        case BOTBENCH_ATTACH_BLOCK_DELIMITER:
        case BOTBENCH_ATTACH_BLOCK_UNKNOWN:
        default:
          break;
        }
    }

  return box;
}

static GtkWidget *
botbench_chat_attach_card_block (BotbenchAttachBlock *block)
{
  g_autofree char *markup = NULL;
  GtkWidget *widget;

  switch (block->kind)
    {
    case BOTBENCH_ATTACH_BLOCK_MESSAGE:
      markup = botbench_bbcode_to_markup (block->text, ATTACH_TEXT_MAX_CHARS);
      return markup_label (markup);

    case BOTBENCH_ATTACH_BLOCK_LINK:
    case BOTBENCH_ATTACH_BLOCK_IMAGE:
    case BOTBENCH_ATTACH_BLOCK_FILE:
    case BOTBENCH_ATTACH_BLOCK_USER:
      return botbench_chat_attach_card_items (block);

    case BOTBENCH_ATTACH_BLOCK_GRID:
      return botbench_chat_attach_card_grid (block);

    case BOTBENCH_ATTACH_BLOCK_DELIMITER:
      widget = gtk_separator_new (GTK_ORIENTATION_HORIZONTAL);
      gtk_widget_set_margin_top (widget, 3);
      gtk_widget_set_margin_bottom (widget, 3);
      if (block->size > 0)
        {
          gtk_widget_set_size_request (widget, (int)MIN (block->size, 2000), -1);
          gtk_widget_set_halign (widget, GTK_ALIGN_START);
        }
      return widget;

    case BOTBENCH_ATTACH_BLOCK_UNKNOWN:
    default:
      /* Translators: %s is the name of an ATTACH block Botbench does not draw, e.g. "HTML" */
      markup = g_strdup_printf (_("A “%s” block is not shown"), block->kind_name);
      widget = text_label (markup);
      gtk_widget_add_css_class (widget, "dim-label");
      return widget;
    }
}

static void
botbench_chat_attach_card_dispose (GObject *object)
{
  BotbenchChatAttachCard *self = (BotbenchChatAttachCard *)object;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  self->bar = NULL;
  self->box = NULL;

  G_OBJECT_CLASS (botbench_chat_attach_card_parent_class)->dispose (object);
}

static void
botbench_chat_attach_card_class_init (BotbenchChatAttachCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = botbench_chat_attach_card_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "chatattach");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
botbench_chat_attach_card_init (BotbenchChatAttachCard *self)
{
  GtkBoxLayout *layout = GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (GTK_WIDGET (self)));

  gtk_box_layout_set_spacing (layout, 8);

  /* The portal's default attach colour */
  gdk_rgba_parse (&self->color, "#3584e4");
  self->bar = gtk_drawing_area_new ();
  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (self->bar), 3);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self->bar), bar_draw_cb, self, NULL);
  gtk_widget_set_parent (self->bar, GTK_WIDGET (self));

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_hexpand (self->box, TRUE);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Attachment"), -1);
}

GtkWidget *
botbench_chat_attach_card_new (BotbenchAttach *attach)
{
  BotbenchChatAttachCard *self;
  GtkWidget *warnings;

  g_return_val_if_fail (attach != NULL, NULL);

  self = g_object_new (BOTBENCH_TYPE_CHAT_ATTACH_CARD, NULL);

  if (attach->color != NULL && *attach->color != '\0')
    {
      GdkRGBA color;

      if (gdk_rgba_parse (&color, attach->color))
        self->color = color;
    }

  for (guint i = 0; i < attach->blocks->len; i++)
    gtk_box_append (GTK_BOX (self->box),
                    botbench_chat_attach_card_block (g_ptr_array_index (attach->blocks, i)));

  if (attach->warnings->len > 0)
    {
      g_autofree char *raw = botbench_attach_dup_raw (attach);

      warnings = _botbench_chat_warnings_new (attach->warnings, raw);
      gtk_box_append (GTK_BOX (self->box), warnings);
    }

  return GTK_WIDGET (self);
}

GtkWidget *
_botbench_chat_warnings_new (GPtrArray  *warnings,
                             const char *raw)
{
  GtkWidget *box;
  GtkWidget *expander;
  GtkWidget *label;

  if (warnings == NULL || warnings->len == 0)
    return NULL;

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  gtk_widget_add_css_class (box, "chat-warnings");

  for (guint i = 0; i < warnings->len; i++)
    {
      GtkWidget *line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");

      gtk_widget_set_valign (icon, GTK_ALIGN_START);
      gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Warning"), -1);
      gtk_box_append (GTK_BOX (line), icon);
      label = text_label (g_ptr_array_index (warnings, i));
      gtk_label_set_selectable (GTK_LABEL (label), FALSE);
      gtk_widget_set_valign (label, GTK_ALIGN_START);
      /* GTK 4.8 measures a wrapping label beside an icon one pixel
       * taller at huge widths than without a width (a critical): a
       * line is at least as tall as that. */
      gtk_widget_set_size_request (line, -1, BOTBENCH_CHAT_LINE_MIN_HEIGHT);
      gtk_widget_add_css_class (label, "warning");
      gtk_widget_add_css_class (label, "chat-warning");
      gtk_box_append (GTK_BOX (line), label);
      gtk_box_append (GTK_BOX (box), line);
    }

  if (raw != NULL)
    {
      g_autofree char *cut = NULL;

      if (strlen (raw) > BOTBENCH_CHAT_RAW_MAX)
        {
          const char *end = raw + BOTBENCH_CHAT_RAW_MAX;

          /* On a character boundary */
          end = g_utf8_find_prev_char (raw, end + 1);
          cut = g_strdup_printf ("%.*s\n…", (int)(end - raw), raw);
        }

      expander = gtk_expander_new_with_mnemonic (_("Show _Raw JSON"));
      label = gtk_label_new (cut != NULL ? cut : raw);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_selectable (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_CHAR);
      gtk_widget_add_css_class (label, "monospace");
      gtk_expander_set_child (GTK_EXPANDER (expander), label);
      gtk_box_append (GTK_BOX (box), expander);
    }

  return box;
}
