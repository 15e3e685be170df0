/* botbench-events-page.c: the event log page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The list of received events (the store's list model, new events shown at
 * a steady pace), the search and event type filter, the detail pane, the
 * empty and no-results states, and following the newest event while the
 * list is scrolled to the top.  The window puts the page's header widgets
 * (search, filter) in its header bar and keeps the actions (win.copy-curl,
 * win.focus-search, win.show-event-list) that call into this page.
 * The event type filter's names are in botbench-events-page-names.c, the
 * list's rows and their forwards in botbench-events-page-list.c.
 */
#define G_LOG_DOMAIN "botbench-events-page"

#include "config.h"

#include <glib/gi18n.h>

#include "botbench-a11y.h"
#include "botbench-application-private.h"
#include "botbench-event-detail.h"
#include "botbench-event-row.h"
#include "botbench-events-actions.h"
#include "botbench-events-page-internal.h"
#include "botbench-forward-tracker.h"
#include "botbench-paced-model.h"

/* While events stream in, the log shows new ones at most this often. */
#define LIST_UPDATE_INTERVAL_MS 250

G_DEFINE_FINAL_TYPE (BotbenchEventsPage, botbench_events_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SELECTED_EVENT,
  PROP_LOADING_NAMES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

void
_botbench_events_page_update_loading_names (BotbenchEventsPage *self)
{
  gboolean loading = self->names_loading || self->names_timeout != 0;

  if (self->loading_names == loading)
    return;

  self->loading_names = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING_NAMES]);
}

gboolean
_botbench_events_page_is_filtered (BotbenchEventsPage *self)
{
  const char *search = botbench_event_list_model_get_search (self->event_model);
  const char *name = botbench_event_list_model_get_event_name (self->event_model);

  const char *verified = botbench_event_list_model_get_verified (self->event_model);
  const char *source = botbench_event_list_model_get_source (self->event_model);

  return (search != NULL && *search != '\0') || (name != NULL && *name != '\0') ||
         (verified != NULL && *verified != '\0') || (source != NULL && *source != '\0');
}

void
_botbench_events_page_update_state (BotbenchEventsPage *self)
{
  const char *state;

  g_assert (BOTBENCH_IS_EVENTS_PAGE (self));

  if (self->event_model == NULL)
    return;

  if (g_list_model_get_n_items (G_LIST_MODEL (self->selection)) > 0)
    state = "events";
  else if (_botbench_events_page_is_filtered (self))
    state = "no-results";
  else
    state = "empty";

  gtk_stack_set_visible_child_name (self->events_stack, state);
}

static void
search_changed_cb (BotbenchEventsPage *self,
                   GtkSearchEntry     *entry)
{
  const char *text;

  g_assert (BOTBENCH_IS_EVENTS_PAGE (self));

  if (self->event_model == NULL)
    return;

  text = gtk_editable_get_text (GTK_EDITABLE (entry));
  self->follow_head = TRUE;
  botbench_event_list_model_set_search (self->event_model, text);
  _botbench_events_page_update_state (self);
}

static void
search_stopped_cb (BotbenchEventsPage *self,
                   GtkSearchEntry     *entry)
{
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
}

static void
store_events_added_cb (BotbenchEventsPage *self,
                       gint64              last_id,
                       BotbenchEventStore *store)
{
  _botbench_events_page_load_event_names (self);
}

static void
store_events_removed_cb (BotbenchEventsPage *self,
                         BotbenchEventStore *store)
{
  _botbench_events_page_load_event_names (self);
}

static void
event_scroller_value_changed_cb (BotbenchEventsPage *self,
                                 GtkAdjustment      *adjustment)
{
  self->follow_head = gtk_adjustment_get_value (adjustment) < 1.0;
}

static gboolean
announce_new_events_cb (gpointer user_data)
{
  BotbenchEventsPage *self = user_data;
  g_autofree char *text = NULL;

  self->announce_source = 0;
  text = g_strdup_printf (ngettext ("%u new event", "%u new events", self->new_events), self->new_events);
  self->new_events = 0;
  gtk_widget_activate_action (GTK_WIDGET (self), "win.announce", "s", text);

  return G_SOURCE_REMOVE;
}

/* New events at the head while the list has the focus are announced
 * (screen readers do not read a list that grows), a second after the
 * first of them, as one message. */
static void
botbench_events_page_count_new_events (BotbenchEventsPage *self,
                                       guint               added)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self->event_list));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  if (focus == NULL ||
      (focus != GTK_WIDGET (self->event_list) && !gtk_widget_is_ancestor (focus, GTK_WIDGET (self->event_list))))
    return;

  self->new_events += added;
  if (self->announce_source == 0)
    self->announce_source = g_timeout_add_seconds (1, announce_new_events_cb, self);
}

static void
selection_items_changed_cb (BotbenchEventsPage *self,
                            guint               position,
                            guint               removed,
                            guint               added,
                            GListModel         *model)
{
  g_assert (BOTBENCH_IS_EVENTS_PAGE (self));

  _botbench_events_page_update_state (self);

  if (position == 0 && removed == 0 && added > 0)
    botbench_events_page_count_new_events (self, added);

  /* At the top, keep the newest event in view.  Scrolled away, the list
   * view keeps its anchor row and nothing moves. */
  if (self->follow_head && position == 0 && added > 0 &&
      g_list_model_get_n_items (model) > 0)
    gtk_widget_activate_action (GTK_WIDGET (self->event_list), "list.scroll-to-item", "u", 0);
}

static void
selection_selected_item_cb (BotbenchEventsPage *self,
                            GParamSpec         *pspec,
                            GtkSingleSelection *selection)
{
  BotbenchEvent *event;

  g_assert (BOTBENCH_IS_EVENTS_PAGE (self));

  event = _botbench_forward_tracker_get_fresh (self->forwards, gtk_single_selection_get_selected_item (selection));
  botbench_event_detail_set_event (self->detail, event);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_EVENT]);

  if (event != NULL && adw_leaflet_get_folded (self->events_leaflet))
    adw_leaflet_set_visible_child_name (self->events_leaflet, "detail");
}

/* Overrides */

static void
botbench_events_page_dispose (GObject *object)
{
  BotbenchEventsPage *self = (BotbenchEventsPage *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->names_timeout, g_source_remove);
  g_clear_handle_id (&self->announce_source, g_source_remove);

  if (self->event_list != NULL)
    gtk_list_view_set_model (self->event_list, NULL);

  gtk_widget_dispose_template (GTK_WIDGET (self), BOTBENCH_TYPE_EVENTS_PAGE);

  g_clear_object (&self->selection);
  g_clear_object (&self->paced_model);
  g_clear_object (&self->event_model);
  g_clear_object (&self->store);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->forwards, _botbench_forward_tracker_free);

  G_OBJECT_CLASS (botbench_events_page_parent_class)->dispose (object);
}

static void
botbench_events_page_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  BotbenchEventsPage *self = BOTBENCH_EVENTS_PAGE (object);

  switch (prop_id)
    {
    case PROP_SELECTED_EVENT:
      g_value_set_object (value, botbench_events_page_get_selected_event (self));
      break;
    case PROP_LOADING_NAMES:
      g_value_set_boolean (value, botbench_events_page_get_loading_names (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
botbench_events_page_class_init (BotbenchEventsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = botbench_events_page_dispose;
  object_class->get_property = botbench_events_page_get_property;

  properties[PROP_SELECTED_EVENT] =
    g_param_spec_object ("selected-event", NULL, NULL, BOTBENCH_TYPE_EVENT,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADING_NAMES] =
    g_param_spec_boolean ("loading-names", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (BOTBENCH_TYPE_EVENT_DETAIL);

  _botbench_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/botbench/Botbench/botbench-events-page.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, BotbenchEventsPage, event_types);
  gtk_widget_class_bind_template_child (widget_class, BotbenchEventsPage, header_box);
  gtk_widget_class_bind_template_child (widget_class, BotbenchEventsPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, BotbenchEventsPage, event_type_dropdown);
  gtk_widget_class_bind_template_child (widget_class, BotbenchEventsPage, events_stack);
  gtk_widget_class_bind_template_child (widget_class, BotbenchEventsPage, try_command_label);
  gtk_widget_class_bind_template_child (widget_class, BotbenchEventsPage, chat_with_button);
  gtk_widget_class_bind_template_child (widget_class, BotbenchEventsPage, try_sandbox_button);
  gtk_widget_class_bind_template_child (widget_class, BotbenchEventsPage, events_leaflet);
  gtk_widget_class_bind_template_child (widget_class, BotbenchEventsPage, event_scroller);
  gtk_widget_class_bind_template_child (widget_class, BotbenchEventsPage, event_list);
  gtk_widget_class_bind_template_child (widget_class, BotbenchEventsPage, detail);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_stopped_cb);
  gtk_widget_class_bind_template_callback_full (widget_class, "event_type_selected_cb",
                                                G_CALLBACK (_botbench_events_page_event_type_selected_cb));
  gtk_widget_class_bind_template_callback_full (widget_class, "event_row_setup_cb",
                                                G_CALLBACK (_botbench_events_page_event_row_setup_cb));
  gtk_widget_class_bind_template_callback_full (widget_class, "event_row_bind_cb",
                                                G_CALLBACK (_botbench_events_page_event_row_bind_cb));
  gtk_widget_class_bind_template_callback_full (widget_class, "event_row_unbind_cb",
                                                G_CALLBACK (_botbench_events_page_event_row_unbind_cb));
}

static void
botbench_events_page_init (BotbenchEventsPage *self)
{
  self->cancellable = g_cancellable_new ();
  self->follow_head = TRUE;

  gtk_widget_init_template (GTK_WIDGET (self));
  botbench_a11y_label_drop_down (self->event_type_dropdown);
  _botbench_events_actions_install (self, self->header_box);

  /* Folded, the page opens on the list. */
  adw_leaflet_set_visible_child_name (self->events_leaflet, "list");
}

/* Public API */

void
botbench_events_page_set_store (BotbenchEventsPage *self,
                                BotbenchEventStore *store)
{
  GtkAdjustment *vadjustment;

  g_return_if_fail (BOTBENCH_IS_EVENTS_PAGE (self));
  g_return_if_fail (BOTBENCH_IS_EVENT_STORE (store));
  g_return_if_fail (self->store == NULL);

  self->store = g_object_ref (store);
  self->forwards = _botbench_forward_tracker_new (store, _botbench_events_page_forward_refreshed_cb, self);
  self->event_model = botbench_event_list_model_new (self->store);
  self->paced_model = botbench_paced_model_new (G_LIST_MODEL (self->event_model),
                                                LIST_UPDATE_INTERVAL_MS);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->paced_model)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);

  gtk_list_view_set_model (self->event_list, GTK_SELECTION_MODEL (self->selection));

  /* Connected after the list view, so these run once it knows the change. */
  g_signal_connect_object (self->selection, "items-changed",
                           G_CALLBACK (selection_items_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->selection, "notify::selected-item",
                           G_CALLBACK (selection_selected_item_cb), self, G_CONNECT_SWAPPED);

  vadjustment = gtk_scrolled_window_get_vadjustment (self->event_scroller);
  g_signal_connect_object (vadjustment, "value-changed",
                           G_CALLBACK (event_scroller_value_changed_cb), self, G_CONNECT_SWAPPED);

  g_signal_connect_object (self->store, "events-added",
                           G_CALLBACK (store_events_added_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->store, "events-removed",
                           G_CALLBACK (store_events_removed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->store, "forward-recorded",
                           G_CALLBACK (_botbench_events_page_forward_recorded_cb), self, G_CONNECT_SWAPPED);

  _botbench_events_page_load_event_names (self);
  _botbench_events_page_update_state (self);
}

GtkWidget *
botbench_events_page_get_header (BotbenchEventsPage *self)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENTS_PAGE (self), NULL);

  return self->header_box;
}

BotbenchEvent *
botbench_events_page_get_selected_event (BotbenchEventsPage *self)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENTS_PAGE (self), NULL);

  return botbench_event_detail_get_event (self->detail);
}

void
botbench_events_page_set_try_command (BotbenchEventsPage *self,
                                      const char         *command)
{
  g_return_if_fail (BOTBENCH_IS_EVENTS_PAGE (self));

  gtk_label_set_label (self->try_command_label, command);
}

void
botbench_events_page_set_chat_bot (BotbenchEventsPage *self,
                                   gint64              bot_id,
                                   const char         *bot_name)
{
  g_return_if_fail (BOTBENCH_IS_EVENTS_PAGE (self));

  if (bot_id > 0)
    {
      g_autofree char *label = NULL;

      /* Translators: %s is a bot's name; the button opens the Chat page on its dialog */
      label = g_strdup_printf (_("_Chat with %s"), bot_name != NULL && *bot_name != '\0' ? bot_name : "?");
      gtk_button_set_label (GTK_BUTTON (self->chat_with_button), label);
      /* The target first: the action takes an int64. */
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->chat_with_button),
                                              g_variant_new_int64 (bot_id));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->chat_with_button), "win.chat-with");
    }

  gtk_widget_set_visible (self->chat_with_button, bot_id > 0);
  gtk_widget_set_visible (self->try_sandbox_button, bot_id <= 0);
}

gboolean
botbench_events_page_show_event (BotbenchEventsPage *self,
                                 gint64              event_id)
{
  g_autoptr(BotbenchEvent) event = NULL;
  g_autoptr(GError) error = NULL;
  BotbenchEventQuery query = { 0 };
  gint64 newer;

  g_return_val_if_fail (BOTBENCH_IS_EVENTS_PAGE (self), FALSE);

  if (self->store == NULL || event_id <= 0)
    return FALSE;

  event = botbench_event_store_get (self->store, event_id, &error);
  if (event == NULL)
    {
      g_debug ("Cannot show event %" G_GINT64_FORMAT ": %s", event_id, error->message);
      return FALSE;
    }

  /* The event must be in the list: no filter, then its position is the
   * number of newer events (the list is newest first). */
  if (_botbench_events_page_is_filtered (self))
    {
      gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
      gtk_drop_down_set_selected (self->event_type_dropdown, 0);
      botbench_event_list_model_set_search (self->event_model, NULL);
      botbench_event_list_model_set_event_name (self->event_model, NULL);
      /* Through the action, so that the menu shows "All" again. */
      gtk_widget_activate_action (GTK_WIDGET (self), "events.token-filter", "s", "");
      gtk_widget_activate_action (GTK_WIDGET (self), "events.source-filter", "s", "");
    }
  botbench_paced_model_flush (self->paced_model);

  query.after_id = event_id;
  newer = botbench_event_store_count (self->store, &query, NULL);
  if (newer >= 0 && newer < g_list_model_get_n_items (G_LIST_MODEL (self->selection)))
    {
      g_autoptr(BotbenchEvent) item = g_list_model_get_item (G_LIST_MODEL (self->selection), newer);

      if (item != NULL && botbench_event_get_id (item) == event_id)
        {
          gtk_single_selection_set_selected (self->selection, newer);
          gtk_widget_activate_action (GTK_WIDGET (self->event_list), "list.scroll-to-item", "u", (guint)newer);
          return TRUE;
        }
    }

  /* Not where expected (the list is behind the store): show it anyway. */
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  botbench_event_detail_set_event (self->detail, event);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_EVENT]);
  if (adw_leaflet_get_folded (self->events_leaflet))
    adw_leaflet_set_visible_child_name (self->events_leaflet, "detail");

  return TRUE;
}

void
botbench_events_page_show_list (BotbenchEventsPage *self)
{
  g_return_if_fail (BOTBENCH_IS_EVENTS_PAGE (self));

  adw_leaflet_set_visible_child_name (self->events_leaflet, "list");
}

void
botbench_events_page_focus_search (BotbenchEventsPage *self)
{
  g_return_if_fail (BOTBENCH_IS_EVENTS_PAGE (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

void
_botbench_events_page_set_token_filter (BotbenchEventsPage *self,
                                        const char         *state)
{
  g_return_if_fail (BOTBENCH_IS_EVENTS_PAGE (self));

  if (self->event_model == NULL)
    return;

  /* The store filters (the verified column), like the event name. */
  self->follow_head = TRUE;
  botbench_event_list_model_set_verified (self->event_model, state);
  _botbench_events_page_update_state (self);
}

const char *
_botbench_events_page_get_token_filter (BotbenchEventsPage *self)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENTS_PAGE (self), NULL);

  return self->event_model != NULL ? botbench_event_list_model_get_verified (self->event_model) : NULL;
}

void
_botbench_events_page_set_source_filter (BotbenchEventsPage *self,
                                         const char         *source)
{
  g_return_if_fail (BOTBENCH_IS_EVENTS_PAGE (self));

  if (self->event_model == NULL)
    return;

  self->follow_head = TRUE;
  botbench_event_list_model_set_source (self->event_model, source);
  _botbench_events_page_update_state (self);
}

const char *
_botbench_events_page_get_source_filter (BotbenchEventsPage *self)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENTS_PAGE (self), NULL);

  return self->event_model != NULL ? botbench_event_list_model_get_source (self->event_model) : NULL;
}

/* For tests */

BotbenchEventListModel *
_botbench_events_page_get_event_model (BotbenchEventsPage *self)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENTS_PAGE (self), NULL);

  return self->event_model;
}

gboolean
_botbench_events_page_get_forwards_reading (BotbenchEventsPage *self)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENTS_PAGE (self), FALSE);

  return self->forwards != NULL && _botbench_forward_tracker_is_reading (self->forwards);
}

BotbenchPacedModel *
_botbench_events_page_get_shown_model (BotbenchEventsPage *self)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENTS_PAGE (self), NULL);

  return self->paced_model;
}
