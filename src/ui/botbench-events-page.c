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
 */
#define G_LOG_DOMAIN "botbench-events-page"

#include "config.h"

#include <glib/gi18n.h>

#include "botbench-application-private.h"
#include "botbench-event-detail.h"
#include "botbench-event-row.h"
#include "botbench-events-actions.h"
#include "botbench-events-page-private.h"
#include "botbench-forward-tracker.h"
#include "botbench-paced-model.h"

/* While events stream in, the log shows new ones at most this often. */
#define LIST_UPDATE_INTERVAL_MS 250

/* The list of event names is re-read at most this often while events arrive. */
#define NAMES_REFRESH_INTERVAL_US (1 * G_USEC_PER_SEC)

struct _BotbenchEventsPage
{
  GtkWidget               parent_instance;

  BotbenchEventStore     *store;
  BotbenchEventListModel *event_model;
  /* What the list shows: event_model with new events at a steady pace. */
  BotbenchPacedModel     *paced_model;
  GtkSingleSelection     *selection;
  /* The token state filter (a token state string, NULL: all), and the
   * paced model filtered by it.  The store's list model has no token
   * filter yet, so this one scans the events as they are read. */
  GCancellable           *cancellable;

  /* Event names are re-read in a thread, at most once a second. */
  gint64                  names_last_load;
  guint                   names_timeout;
  guint                   names_loading : 1;
  guint                   names_pending : 1;
  /* The last "loading-names" notified. */
  guint                   loading_names : 1;

  /* TRUE while the log is scrolled to the top: new events stay in view. */
  guint                   follow_head : 1;
  guint                   updating_event_types : 1;

  /* Rows kept in step with forwards recorded after the list read them. */
  BotbenchForwardTracker *forwards;

  /* Template objects */
  GtkStringList          *event_types;
  GtkWidget              *header_box;
  GtkSearchEntry         *search_entry;
  GtkDropDown            *event_type_dropdown;
  GtkStack               *events_stack;
  GtkLabel               *try_command_label;
  GtkWidget              *chat_with_button;
  GtkWidget              *try_sandbox_button;
  AdwLeaflet             *events_leaflet;
  GtkScrolledWindow      *event_scroller;
  GtkListView            *event_list;
  BotbenchEventDetail    *detail;
};

G_DEFINE_FINAL_TYPE (BotbenchEventsPage, botbench_events_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SELECTED_EVENT,
  PROP_LOADING_NAMES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void botbench_events_page_load_event_names (BotbenchEventsPage *self);


static void
botbench_events_page_update_loading_names (BotbenchEventsPage *self)
{
  gboolean loading = self->names_loading || self->names_timeout != 0;

  if (self->loading_names == loading)
    return;

  self->loading_names = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING_NAMES]);
}

static gboolean
botbench_events_page_is_filtered (BotbenchEventsPage *self)
{
  const char *search = botbench_event_list_model_get_search (self->event_model);
  const char *name = botbench_event_list_model_get_event_name (self->event_model);

  const char *verified = botbench_event_list_model_get_verified (self->event_model);

  return (search != NULL && *search != '\0') || (name != NULL && *name != '\0') ||
         (verified != NULL && *verified != '\0');
}

static void
botbench_events_page_update_state (BotbenchEventsPage *self)
{
  const char *state;

  g_assert (BOTBENCH_IS_EVENTS_PAGE (self));

  if (self->event_model == NULL)
    return;

  if (g_list_model_get_n_items (G_LIST_MODEL (self->selection)) > 0)
    state = "events";
  else if (botbench_events_page_is_filtered (self))
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
  botbench_events_page_update_state (self);
}

static void
search_stopped_cb (BotbenchEventsPage *self,
                   GtkSearchEntry     *entry)
{
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
}

static void
event_type_selected_cb (BotbenchEventsPage *self,
                        GParamSpec         *pspec,
                        GtkDropDown        *dropdown)
{
  guint selected;
  const char *name = NULL;

  g_assert (BOTBENCH_IS_EVENTS_PAGE (self));

  if (self->updating_event_types || self->event_model == NULL)
    return;

  selected = gtk_drop_down_get_selected (dropdown);
  if (selected != 0 && selected != GTK_INVALID_LIST_POSITION)
    name = gtk_string_list_get_string (self->event_types, selected);

  self->follow_head = TRUE;
  botbench_event_list_model_set_event_name (self->event_model, name);
  botbench_events_page_update_state (self);
}

static void
botbench_events_page_set_event_names (BotbenchEventsPage *self,
                                      const char * const *names)
{
  g_autofree char *selected_name = NULL;
  guint n_items;
  guint n_names;
  guint selected;
  gboolean same = TRUE;

  g_assert (BOTBENCH_IS_EVENTS_PAGE (self));

  n_items = g_list_model_get_n_items (G_LIST_MODEL (self->event_types));
  n_names = g_strv_length ((char **)names);

  if (n_items == n_names + 1)
    {
      for (guint i = 0; i < n_names && same; i++)
        same = g_strcmp0 (gtk_string_list_get_string (self->event_types, i + 1), names[i]) == 0;
    }
  else
    same = FALSE;

  if (same)
    return;

  selected = gtk_drop_down_get_selected (self->event_type_dropdown);
  if (selected != 0 && selected != GTK_INVALID_LIST_POSITION)
    selected_name = g_strdup (gtk_string_list_get_string (self->event_types, selected));

  self->updating_event_types = TRUE;
  gtk_string_list_splice (self->event_types, 1, n_items - 1, names);

  selected = 0;
  if (selected_name != NULL)
    {
      for (guint i = 0; i < n_names; i++)
        {
          if (g_str_equal (names[i], selected_name))
            {
              selected = i + 1;
              break;
            }
        }
    }
  gtk_drop_down_set_selected (self->event_type_dropdown, selected);
  self->updating_event_types = FALSE;

  /* The filtered name may be gone after retention; show everything then. */
  if (selected_name != NULL && selected == 0)
    event_type_selected_cb (self, NULL, self->event_type_dropdown);
}

static void
load_event_names_thread (GTask        *task,
                         gpointer      source_object,
                         gpointer      task_data,
                         GCancellable *cancellable)
{
  BotbenchEventStore *store = task_data;
  g_autoptr(GError) error = NULL;
  char **names;

  names = botbench_event_store_list_event_names (store, &error);
  if (names == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, names, (GDestroyNotify)g_strfreev);
}

static void
load_event_names_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GWeakRef *weak = user_data;
  g_autoptr(BotbenchEventsPage) self = g_weak_ref_get (weak);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) names = NULL;

  g_weak_ref_clear (weak);
  g_free (weak);

  names = g_task_propagate_pointer (G_TASK (result), &error);

  /* Closed while the read ran: nothing to show it on. */
  if (self == NULL)
    return;

  self->names_loading = FALSE;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_cancellable_is_cancelled (self->cancellable))
    {
      botbench_events_page_update_loading_names (self);
      return;
    }

  if (names == NULL)
    g_debug ("Cannot list event names: %s", error->message);
  else
    botbench_events_page_set_event_names (self, (const char * const *)names);

  if (self->names_pending)
    {
      self->names_pending = FALSE;
      botbench_events_page_load_event_names (self);
    }

  botbench_events_page_update_loading_names (self);
}

static gboolean
load_event_names_timeout_cb (gpointer user_data)
{
  BotbenchEventsPage *self = user_data;

  self->names_timeout = 0;
  botbench_events_page_load_event_names (self);
  botbench_events_page_update_loading_names (self);

  return G_SOURCE_REMOVE;
}

/* Reads the distinct event names in a thread; calls arriving while a read
 * runs, or within NAMES_REFRESH_INTERVAL_US of the last, are merged. */
static void
botbench_events_page_load_event_names (BotbenchEventsPage *self)
{
  g_autoptr(GTask) task = NULL;
  GWeakRef *weak;
  gint64 now;

  g_assert (BOTBENCH_IS_EVENTS_PAGE (self));

  if (self->store == NULL || self->names_timeout != 0)
    return;

  if (self->names_loading)
    {
      self->names_pending = TRUE;
      return;
    }

  now = g_get_monotonic_time ();
  if (self->names_last_load != 0 && now - self->names_last_load < NAMES_REFRESH_INTERVAL_US)
    {
      guint delay_ms = (NAMES_REFRESH_INTERVAL_US - (now - self->names_last_load)) / 1000;

      self->names_timeout = g_timeout_add (MAX (delay_ms, 1), load_event_names_timeout_cb, self);
      botbench_events_page_update_loading_names (self);
      return;
    }

  self->names_last_load = now;
  self->names_loading = TRUE;
  botbench_events_page_update_loading_names (self);

  /* The read must not keep a closed page alive: a weak reference. */
  weak = g_new0 (GWeakRef, 1);
  g_weak_ref_init (weak, self);
  task = g_task_new (NULL, self->cancellable, load_event_names_cb, weak);
  g_task_set_source_tag (task, botbench_events_page_load_event_names);
  g_task_set_task_data (task, g_object_ref (self->store), g_object_unref);
  g_task_run_in_thread (task, load_event_names_thread);
}

static void
store_events_added_cb (BotbenchEventsPage *self,
                       gint64              last_id,
                       BotbenchEventStore *store)
{
  botbench_events_page_load_event_names (self);
}

static void
store_events_removed_cb (BotbenchEventsPage *self,
                         BotbenchEventStore *store)
{
  botbench_events_page_load_event_names (self);
}

static void
event_scroller_value_changed_cb (BotbenchEventsPage *self,
                                 GtkAdjustment      *adjustment)
{
  self->follow_head = gtk_adjustment_get_value (adjustment) < 1.0;
}

static void
selection_items_changed_cb (BotbenchEventsPage *self,
                            guint               position,
                            guint               removed,
                            guint               added,
                            GListModel         *model)
{
  g_assert (BOTBENCH_IS_EVENTS_PAGE (self));

  botbench_events_page_update_state (self);

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

static void
store_forward_recorded_cb (BotbenchEventsPage *self,
                           gint64              event_id,
                           BotbenchEventStore *store)
{
  BotbenchEvent *shown = botbench_event_detail_get_event (self->detail);

  _botbench_forward_tracker_recorded (self->forwards, event_id,
                                      shown != NULL ? botbench_event_get_id (shown) : 0);
}

/* The tracker read an event again (in a thread) after its forward. */
static void
forward_refreshed_cb (BotbenchEvent *event,
                      GtkWidget     *row,
                      gpointer       user_data)
{
  BotbenchEventsPage *self = user_data;

  if (row != NULL)
    botbench_event_row_set_event (BOTBENCH_EVENT_ROW (row), event);
  botbench_event_detail_refresh_event (self->detail, event);
}

/* The event list's factory (declared in the .ui) */

static void
event_row_setup_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *list_item,
                    gpointer                  user_data)
{
  GtkWidget *row = botbench_event_row_new ();

  _botbench_events_actions_add_row_menu (row);
  gtk_list_item_set_child (list_item, row);
}

static void
event_row_bind_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   BotbenchEventsPage       *self)
{
  GtkWidget *row = gtk_list_item_get_child (list_item);
  BotbenchEvent *event = _botbench_forward_tracker_get_fresh (self->forwards, gtk_list_item_get_item (list_item));

  botbench_event_row_set_event (BOTBENCH_EVENT_ROW (row), event);
  _botbench_forward_tracker_bind (self->forwards, row, event);
}

static void
event_row_unbind_cb (GtkSignalListItemFactory *factory,
                     GtkListItem              *list_item,
                     BotbenchEventsPage       *self)
{
  _botbench_forward_tracker_unbind (self->forwards, gtk_list_item_get_child (list_item));

  /* Only drops the reference: relaying out a row that is going away is
   * wasted work when hundreds of events arrive at once. */
  botbench_event_row_release_event (BOTBENCH_EVENT_ROW (gtk_list_item_get_child (list_item)));
}

/* Overrides */

static void
botbench_events_page_dispose (GObject *object)
{
  BotbenchEventsPage *self = (BotbenchEventsPage *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->names_timeout, g_source_remove);

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
  gtk_widget_class_bind_template_callback (widget_class, event_type_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, event_row_setup_cb);
  gtk_widget_class_bind_template_callback (widget_class, event_row_bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, event_row_unbind_cb);
}

static void
botbench_events_page_init (BotbenchEventsPage *self)
{
  self->cancellable = g_cancellable_new ();
  self->follow_head = TRUE;

  gtk_widget_init_template (GTK_WIDGET (self));
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
  self->forwards = _botbench_forward_tracker_new (store, forward_refreshed_cb, self);
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
                           G_CALLBACK (store_forward_recorded_cb), self, G_CONNECT_SWAPPED);

  botbench_events_page_load_event_names (self);
  botbench_events_page_update_state (self);
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
  if (botbench_events_page_is_filtered (self))
    {
      gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
      gtk_drop_down_set_selected (self->event_type_dropdown, 0);
      botbench_event_list_model_set_search (self->event_model, NULL);
      botbench_event_list_model_set_event_name (self->event_model, NULL);
      /* Through the action, so that the menu shows "All" again. */
      gtk_widget_activate_action (GTK_WIDGET (self), "events.token-filter", "s", "");
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

gboolean
botbench_events_page_get_loading_names (BotbenchEventsPage *self)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENTS_PAGE (self), FALSE);

  return self->loading_names;
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
  botbench_events_page_update_state (self);
}

const char *
_botbench_events_page_get_token_filter (BotbenchEventsPage *self)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENTS_PAGE (self), NULL);

  return self->event_model != NULL ? botbench_event_list_model_get_verified (self->event_model) : NULL;
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
