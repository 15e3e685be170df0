/* botbench-event-detail.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "botbench-event-detail"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "botbench-a11y.h"
#include "botbench-application-private.h"
#include "botbench-decoded-item.h"
#include "botbench-event-detail-private.h"
#include "botbench-event-row.h"
#include "botbench-install-profile.h"
#include "botbench-field-list.h"
#include "botbench-handler-view.h"

/* Subtrees up to this many leaves are expanded when an event is shown. */
#define AUTO_EXPAND_MAX_LEAVES 40
/* Longest value laid out in the value column, in characters. */
#define VALUE_MAX_CHARS 400

struct _BotbenchEventDetail
{
  GtkWidget        parent_instance;

  BotbenchEvent   *event;
  GtkTreeListModel *decoded_model;

  GtkStack        *stack;
  GtkButton       *back_button;
  GtkLabel        *title_label;
  GtkLabel        *subtitle_label;
  GtkWidget       *create_profile_button;
  AdwViewStack    *view_stack;
  GtkStack        *decoded_stack;
  GtkColumnView   *decoded_view;
  GtkLabel        *raw_truncated_label;
  GtkTextView     *raw_view;
  GtkListBox      *request_list;
  GtkListBox      *headers_list;
  BotbenchHandlerView *handler_view;
};

G_DEFINE_FINAL_TYPE (BotbenchEventDetail, botbench_event_detail, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_EVENT,
  PROP_SHOW_BACK_BUTTON,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* One line of at most VALUE_MAX_CHARS (newlines shown as ↵). */
static char *
make_value_line (const char *value)
{
  GString *out = g_string_new (NULL);
  guint n_chars = 0;

  for (const char *p = value; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (n_chars++ == VALUE_MAX_CHARS)
        {
          g_string_append (out, "…");
          break;
        }

      if (c == '\n')
        g_string_append (out, "↵");
      else if (c == '\r')
        continue;
      else if (c == '\t')
        g_string_append_c (out, ' ');
      else
        g_string_append_unichar (out, c);
    }

  return g_string_free (out, FALSE);
}

static GListModel *
decoded_create_children_cb (gpointer item,
                            gpointer user_data)
{
  return botbench_decoded_item_dup_children (BOTBENCH_DECODED_ITEM (item));
}

static void
key_setup_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              gpointer                  user_data)
{
  GtkWidget *expander;
  GtkWidget *label;

  label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);

  expander = gtk_tree_expander_new ();
  gtk_tree_expander_set_indent_for_icon (GTK_TREE_EXPANDER (expander), TRUE);
  gtk_tree_expander_set_child (GTK_TREE_EXPANDER (expander), label);

  gtk_list_item_set_child (list_item, expander);
}

static void
key_bind_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             gpointer                  user_data)
{
  GtkTreeListRow *row = gtk_list_item_get_item (list_item);
  GtkWidget *expander = gtk_list_item_get_child (list_item);
  GtkWidget *label = gtk_tree_expander_get_child (GTK_TREE_EXPANDER (expander));
  BotbenchDecodedItem *item = gtk_tree_list_row_get_item (row);

  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (expander), row);
  gtk_label_set_label (GTK_LABEL (label), botbench_decoded_item_get_key (item));

  if (botbench_decoded_item_is_container (item))
    gtk_widget_add_css_class (label, "container-key");
  else
    gtk_widget_remove_css_class (label, "container-key");

  g_object_unref (item);
}

static void
key_unbind_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               gpointer                  user_data)
{
  GtkWidget *expander = gtk_list_item_get_child (list_item);

  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (expander), NULL);
}

static void
value_setup_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item,
                gpointer                  user_data)
{
  GtkWidget *label;

  label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  gtk_list_item_set_child (list_item, label);
}

static void
value_bind_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               gpointer                  user_data)
{
  GtkTreeListRow *row = gtk_list_item_get_item (list_item);
  GtkWidget *label = gtk_list_item_get_child (list_item);
  g_autoptr(BotbenchDecodedItem) item = gtk_tree_list_row_get_item (row);

  gtk_widget_remove_css_class (label, "dim-label");
  gtk_widget_remove_css_class (label, "literal");
  gtk_widget_set_tooltip_text (label, NULL);

  if (botbench_decoded_item_is_container (item))
    {
      guint n = botbench_decoded_item_get_n_children (item);
      g_autofree char *text = NULL;

      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u item", "%u items", n), n);
      gtk_label_set_label (GTK_LABEL (label), text);
      gtk_widget_add_css_class (label, "dim-label");
    }
  else
    {
      const char *value = botbench_decoded_item_get_value (item);
      g_autofree char *line = make_value_line (value);

      gtk_label_set_label (GTK_LABEL (label), line);
      if (!botbench_decoded_item_is_string (item))
        gtk_widget_add_css_class (label, "literal");
      if (g_utf8_strlen (value, 2 * VALUE_MAX_CHARS) > 60 || strchr (value, '\n') != NULL)
        {
          g_autofree char *tip = g_utf8_substring (value, 0, MIN (g_utf8_strlen (value, -1), 2000));
          gtk_widget_set_tooltip_text (label, tip);
        }
    }

  /* The row is focused, not its cells: it says both */
  botbench_a11y_label_column_row (label, botbench_decoded_item_get_key (item),
                                  gtk_label_get_label (GTK_LABEL (label)));
}

static void
botbench_event_detail_toast (BotbenchEventDetail *self,
                             const char          *title)
{
  GtkWidget *overlay;

  overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (title));
  /* for screen readers, with the window's toasts */
  gtk_widget_activate_action (GTK_WIDGET (self), "win.announce", "s", title);
}

/* Enter or double click: containers open and close, values are copied. */
static void
decoded_view_activate_cb (BotbenchEventDetail *self,
                          guint                position,
                          GtkColumnView       *view)
{
  g_autoptr(GtkTreeListRow) row = NULL;
  g_autoptr(BotbenchDecodedItem) item = NULL;

  g_assert (BOTBENCH_IS_EVENT_DETAIL (self));

  if (self->decoded_model == NULL)
    return;

  row = g_list_model_get_item (G_LIST_MODEL (self->decoded_model), position);
  if (row == NULL)
    return;

  item = gtk_tree_list_row_get_item (row);
  if (botbench_decoded_item_is_container (item))
    {
      gtk_tree_list_row_set_expanded (row, !gtk_tree_list_row_get_expanded (row));
      return;
    }

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)),
                          botbench_decoded_item_get_value (item));
  botbench_event_detail_toast (self, _("Value copied"));
}

static void
botbench_event_detail_expand_initial (BotbenchEventDetail *self,
                                      gboolean             has_data_key)
{
  GListModel *model = G_LIST_MODEL (self->decoded_model);

  /* Rows are inserted below a row as it expands, so the loop visits them. */
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (model, i);
      g_autoptr(BotbenchDecodedItem) item = gtk_tree_list_row_get_item (row);
      guint depth = gtk_tree_list_row_get_depth (row);
      gboolean expand;

      if (!botbench_decoded_item_is_container (item))
        continue;

      if (depth == 0 && has_data_key)
        expand = g_str_equal (botbench_decoded_item_get_key (item), "data");
      else if (depth <= 1)
        expand = botbench_decoded_item_get_n_leaves (item) <= AUTO_EXPAND_MAX_LEAVES;
      else
        expand = FALSE;

      if (expand)
        gtk_tree_list_row_set_expanded (row, TRUE);
    }
}

static void
botbench_event_detail_update_decoded (BotbenchEventDetail *self)
{
  g_autoptr(GtkSingleSelection) selection = NULL;
  GListModel *root = NULL;
  BotbenchFormNode *form;
  JsonNode *json;
  gboolean has_data_key = FALSE;

  g_clear_object (&self->decoded_model);

  form = botbench_event_get_form (self->event);
  json = form == NULL ? botbench_event_get_json (self->event) : NULL;

  if (form != NULL)
    {
      root = botbench_decoded_item_list_new_for_form (form);
      has_data_key = botbench_form_node_lookup (form, "data") != NULL;
    }
  else if (json != NULL)
    {
      root = botbench_decoded_item_list_new_for_json (json);
      has_data_key = JSON_NODE_HOLDS_OBJECT (json) &&
                     json_object_has_member (json_node_get_object (json), "data");
    }

  if (root == NULL)
    {
      gtk_column_view_set_model (self->decoded_view, NULL);
      gtk_stack_set_visible_child_name (self->decoded_stack, "none");
      return;
    }

  self->decoded_model = gtk_tree_list_model_new (root, FALSE, FALSE,
                                                 decoded_create_children_cb, NULL, NULL);
  botbench_event_detail_expand_initial (self, has_data_key);

  selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->decoded_model)));
  gtk_single_selection_set_autoselect (selection, FALSE);
  gtk_single_selection_set_can_unselect (selection, TRUE);
  gtk_single_selection_set_selected (selection, GTK_INVALID_LIST_POSITION);
  gtk_column_view_set_model (self->decoded_view, GTK_SELECTION_MODEL (selection));
  gtk_stack_set_visible_child_name (self->decoded_stack, "tree");
}

static void
botbench_event_detail_update_raw (BotbenchEventDetail *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->raw_view);
  g_autofree char *text = NULL;
  GtkTextIter iter;
  GBytes *body;
  const char *data;
  gsize len = 0;
  gsize shown;

  body = botbench_event_get_body (self->event);
  data = body != NULL ? g_bytes_get_data (body, &len) : NULL;
  shown = MIN (len, BOTBENCH_EVENT_DETAIL_RAW_MAX);

  text = botbench_decoded_make_display_text (data, shown);
  gtk_text_buffer_set_text (buffer, "", 0);
  gtk_text_buffer_get_start_iter (buffer, &iter);
  /* Bodies break anywhere, and a hyphen there would read as part of them. */
  gtk_text_buffer_insert_with_tags_by_name (buffer, &iter, text, -1, "raw", NULL);

  if (shown < len)
    {
      g_autofree char *shown_size = g_format_size (shown);
      g_autofree char *size = g_format_size (len);
      g_autofree char *notice = NULL;

      /* Translators: the first is a size such as "512.0 kB", the second the body size */
      notice = g_strdup_printf (_("Showing the first %s of %s. Copy as curl sends the whole body."),
                                shown_size, size);
      gtk_label_set_label (self->raw_truncated_label, notice);
      gtk_widget_set_visible (GTK_WIDGET (self->raw_truncated_label), TRUE);
    }
  else
    {
      gtk_widget_set_visible (GTK_WIDGET (self->raw_truncated_label), FALSE);
    }
}

static void
botbench_event_detail_update_headers (BotbenchEventDetail *self)
{
  const char * const *headers;
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;
  g_autofree char *received = NULL;
  g_autofree char *size = NULL;
  gint64 received_us;
  const char *query;

  _botbench_field_list_clear (self->request_list);
  _botbench_field_list_clear (self->headers_list);

  received_us = botbench_event_get_received (self->event);
  utc = g_date_time_new_from_unix_utc (received_us / G_USEC_PER_SEC);
  if (utc != NULL)
    {
      g_autoptr(GDateTime) exact = NULL;

      local = g_date_time_to_local (utc);
      exact = g_date_time_add (local, received_us % G_USEC_PER_SEC);
      /* Translators: full received time, see g_date_time_format() */
      received = g_date_time_format (exact, _("%Y-%m-%d %H:%M:%S.%f %Z"));
    }
  size = g_format_size_full (botbench_event_get_size (self->event), G_FORMAT_SIZE_LONG_FORMAT);
  query = botbench_event_get_query (self->event);

  _botbench_field_list_add (self->request_list, _("Method"), botbench_event_get_method (self->event));
  _botbench_field_list_add (self->request_list, _("Path"), botbench_event_get_path (self->event));
  if (query != NULL && *query != '\0')
    _botbench_field_list_add (self->request_list, _("Query"), query);
  _botbench_field_list_add (self->request_list, _("Remote Address"), botbench_event_get_remote_address (self->event));
  _botbench_field_list_add (self->request_list, _("Received"), received);
  _botbench_field_list_add (self->request_list, _("Content Type"), botbench_event_get_content_type (self->event));
  _botbench_field_list_add (self->request_list, _("Body Size"), size);

  headers = botbench_event_get_headers (self->event);
  for (guint i = 0; headers[i] != NULL && headers[i + 1] != NULL; i += 2)
    _botbench_field_list_add (self->headers_list, headers[i], headers[i + 1]);

  gtk_widget_set_visible (GTK_WIDGET (self->headers_list), headers[0] != NULL);
}

static void
botbench_event_detail_update (BotbenchEventDetail *self)
{
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *time = NULL;
  g_autofree char *bot = NULL;
  g_autofree char *size = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *source = NULL;
  g_autofree char *source_tooltip = NULL;
  const char *name;

  g_assert (BOTBENCH_IS_EVENT_DETAIL (self));

  if (self->event == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "none");
      gtk_column_view_set_model (self->decoded_view, NULL);
      g_clear_object (&self->decoded_model);
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->raw_view), "", 0);
      _botbench_field_list_clear (self->request_list);
      _botbench_field_list_clear (self->headers_list);
      botbench_handler_view_set_result (self->handler_view, NULL);
      return;
    }

  now = g_date_time_new_now_local ();
  name = botbench_event_get_event_name (self->event);
  gtk_label_set_label (self->title_label, *name != '\0' ? name : _("Unknown Event"));

  time = botbench_format_event_time (botbench_event_get_received (self->event), now);
  bot = botbench_format_event_bot (self->event);
  size = g_format_size (botbench_event_get_size (self->event));
  source = botbench_format_event_source (self->event, &source_tooltip);
  subtitle = g_strjoin (" · ", time, bot != NULL ? bot : botbench_event_get_remote_address (self->event),
                        size, source, NULL);
  gtk_label_set_label (self->subtitle_label, subtitle);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->subtitle_label), source_tooltip);
  gtk_widget_set_visible (self->create_profile_button, botbench_install_profile_offered (self->event));

  botbench_event_detail_update_decoded (self);
  botbench_event_detail_update_raw (self);
  botbench_event_detail_update_headers (self);
  botbench_handler_view_set_result (self->handler_view, botbench_event_get_forward (self->event));

  gtk_stack_set_visible_child_name (self->stack, "event");
}

static void
botbench_event_detail_dispose (GObject *object)
{
  BotbenchEventDetail *self = (BotbenchEventDetail *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), BOTBENCH_TYPE_EVENT_DETAIL);
  g_clear_object (&self->decoded_model);
  g_clear_object (&self->event);

  G_OBJECT_CLASS (botbench_event_detail_parent_class)->dispose (object);
}

static void
botbench_event_detail_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  BotbenchEventDetail *self = BOTBENCH_EVENT_DETAIL (object);

  switch (prop_id)
    {
    case PROP_EVENT:
      g_value_set_object (value, self->event);
      break;

    case PROP_SHOW_BACK_BUTTON:
      g_value_set_boolean (value, botbench_event_detail_get_show_back_button (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
botbench_event_detail_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  BotbenchEventDetail *self = BOTBENCH_EVENT_DETAIL (object);

  switch (prop_id)
    {
    case PROP_EVENT:
      botbench_event_detail_set_event (self, g_value_get_object (value));
      break;

    case PROP_SHOW_BACK_BUTTON:
      botbench_event_detail_set_show_back_button (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
botbench_event_detail_class_init (BotbenchEventDetailClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = botbench_event_detail_dispose;
  object_class->get_property = botbench_event_detail_get_property;
  object_class->set_property = botbench_event_detail_set_property;

  properties[PROP_EVENT] =
    g_param_spec_object ("event", NULL, NULL,
                         BOTBENCH_TYPE_EVENT,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_SHOW_BACK_BUTTON] =
    g_param_spec_boolean ("show-back-button", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (BOTBENCH_TYPE_HANDLER_VIEW);

  _botbench_ensure_resources ();
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/botbench/Botbench/botbench-event-detail.ui");
  gtk_widget_class_bind_template_child (widget_class, BotbenchEventDetail, stack);
  gtk_widget_class_bind_template_child (widget_class, BotbenchEventDetail, back_button);
  gtk_widget_class_bind_template_child (widget_class, BotbenchEventDetail, title_label);
  gtk_widget_class_bind_template_child (widget_class, BotbenchEventDetail, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, BotbenchEventDetail, create_profile_button);
  gtk_widget_class_bind_template_child (widget_class, BotbenchEventDetail, view_stack);
  gtk_widget_class_bind_template_child (widget_class, BotbenchEventDetail, decoded_stack);
  gtk_widget_class_bind_template_child (widget_class, BotbenchEventDetail, decoded_view);
  gtk_widget_class_bind_template_child (widget_class, BotbenchEventDetail, raw_truncated_label);
  gtk_widget_class_bind_template_child (widget_class, BotbenchEventDetail, raw_view);
  gtk_widget_class_bind_template_child (widget_class, BotbenchEventDetail, request_list);
  gtk_widget_class_bind_template_child (widget_class, BotbenchEventDetail, headers_list);
  gtk_widget_class_bind_template_child (widget_class, BotbenchEventDetail, handler_view);
  gtk_widget_class_bind_template_callback (widget_class, decoded_view_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, key_setup_cb);
  gtk_widget_class_bind_template_callback (widget_class, key_bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, key_unbind_cb);
  gtk_widget_class_bind_template_callback (widget_class, value_setup_cb);
  gtk_widget_class_bind_template_callback (widget_class, value_bind_cb);
}

static void
botbench_event_detail_init (BotbenchEventDetail *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  botbench_a11y_label_list_view_of (GTK_WIDGET (self->decoded_view));

  gtk_text_buffer_create_tag (gtk_text_view_get_buffer (self->raw_view), "raw",
                              "insert-hyphens", FALSE,
                              NULL);
}

GtkWidget *
botbench_event_detail_new (void)
{
  return g_object_new (BOTBENCH_TYPE_EVENT_DETAIL, NULL);
}

BotbenchEvent *
botbench_event_detail_get_event (BotbenchEventDetail *self)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENT_DETAIL (self), NULL);

  return self->event;
}

void
botbench_event_detail_set_event (BotbenchEventDetail *self,
                                 BotbenchEvent       *event)
{
  g_return_if_fail (BOTBENCH_IS_EVENT_DETAIL (self));
  g_return_if_fail (event == NULL || BOTBENCH_IS_EVENT (event));

  /* The list model may hand out a new object for the same stored row. */
  if (event != NULL && self->event != NULL &&
      botbench_event_get_id (event) != 0 &&
      botbench_event_get_id (event) == botbench_event_get_id (self->event))
    return;

  if (!g_set_object (&self->event, event))
    return;

  botbench_event_detail_update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EVENT]);
}

void
botbench_event_detail_refresh_event (BotbenchEventDetail *self,
                                     BotbenchEvent       *event)
{
  g_return_if_fail (BOTBENCH_IS_EVENT_DETAIL (self));
  g_return_if_fail (BOTBENCH_IS_EVENT (event));

  if (self->event == NULL || botbench_event_get_id (self->event) != botbench_event_get_id (event))
    return;

  /* Only the forward changes once an event is stored: the decoded tree
   * and the tab the user is on stay as they are. */
  g_set_object (&self->event, event);
  botbench_handler_view_set_result (self->handler_view, botbench_event_get_forward (event));
}

gboolean
botbench_event_detail_get_show_back_button (BotbenchEventDetail *self)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENT_DETAIL (self), FALSE);

  return gtk_widget_get_visible (GTK_WIDGET (self->back_button));
}

void
botbench_event_detail_set_show_back_button (BotbenchEventDetail *self,
                                            gboolean             show_back_button)
{
  g_return_if_fail (BOTBENCH_IS_EVENT_DETAIL (self));

  show_back_button = !!show_back_button;
  if (show_back_button == botbench_event_detail_get_show_back_button (self))
    return;

  gtk_widget_set_visible (GTK_WIDGET (self->back_button), show_back_button);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_BACK_BUTTON]);
}

GListModel *
_botbench_event_detail_get_decoded_model (BotbenchEventDetail *self)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENT_DETAIL (self), NULL);

  return G_LIST_MODEL (self->decoded_model);
}
