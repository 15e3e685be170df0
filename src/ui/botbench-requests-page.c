/* botbench-requests-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shows the application's request history filtered to the active profile,
 * newest first.  The records are masked by the core already, so URLs and
 * bodies are shown and exported as they are.
 */
#define G_LOG_DOMAIN "botbench-requests-page"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "botbench-application-private.h"
#include "botbench-request-row.h"
#include "botbench-requests-page-private.h"

struct _BotbenchRequestsPage
{
  GtkWidget              parent_instance;

  BotbenchApplication   *app;
  GtkFilterListModel    *filtered;
  GtkSortListModel      *sorted;
  GtkSingleSelection    *selection;
  GtkCustomFilter       *filter;
  /* UUID of the profile whose calls are shown. */
  char                  *profile_uuid;
  GtkFileChooserNative  *chooser;

  /* Template widgets */
  GtkStack              *stack;
  AdwStatusPage         *empty_page;
  AdwLeaflet            *leaflet;
  GtkListView           *list_view;
  GtkStack              *detail_stack;
  GtkLabel              *method_label;
  GtkLabel              *status_label;
  GtkLabel              *meta_label;
  GtkLabel              *url_label;
  GtkLabel              *error_label;
  GtkTextView           *request_view;
  GtkTextView           *response_view;
};

G_DEFINE_FINAL_TYPE (BotbenchRequestsPage, botbench_requests_page, GTK_TYPE_WIDGET)

/* Pretty JSON when the body is JSON, the text as it is otherwise.  Response
 * bodies come from the portal (or whatever answered): checked before
 * json-glib, so a nesting bomb or a second value is shown as text. */
static char *
dup_pretty_body (const char *body)
{
  g_autoptr(JsonNode) root = NULL;

  if (body == NULL || *body == '\0')
    return g_strdup ("");

  root = botbench_json_parse (body, strlen (body), NULL);
  if (root == NULL)
    return g_strdup (body);

  return json_to_string (root, TRUE);
}

char *
_botbench_requests_page_dup_time (gint64 usec)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (usec / G_USEC_PER_SEC);

  return dt != NULL ? g_date_time_format (dt, "%H:%M:%S") : g_strdup ("");
}

char *
_botbench_requests_page_dup_status (BotbenchRequestRecord *record)
{
  guint status = botbench_request_record_get_status (record);

  if (status == 0)
    /* Translators: a request got no HTTP response */
    return g_strdup (C_("request status", "Failed"));

  return g_strdup_printf ("%u", status);
}

char *
_botbench_requests_page_dup_duration (BotbenchRequestRecord *record)
{
  /* Translators: how long a request took */
  return g_strdup_printf (_("%d ms"), (int)((botbench_request_record_get_duration (record) + 500) / 1000));
}

void
_botbench_requests_page_set_status_style (GtkWidget             *label,
                                          BotbenchRequestRecord *record)
{
  guint status = botbench_request_record_get_status (record);
  gboolean ok = status >= 200 && status < 300 && botbench_request_record_get_error (record) == NULL;

  gtk_widget_remove_css_class (label, "success");
  gtk_widget_remove_css_class (label, "error");
  gtk_widget_add_css_class (label, ok ? "success" : "error");
}

static gboolean
record_matches_cb (gpointer item,
                   gpointer user_data)
{
  BotbenchRequestsPage *self = user_data;

  return self->profile_uuid != NULL &&
         g_strcmp0 (botbench_request_record_get_profile_uuid (item), self->profile_uuid) == 0;
}

static int
record_newest_first_cb (gconstpointer a,
                        gconstpointer b,
                        gpointer      user_data)
{
  gint64 ta = botbench_request_record_get_time ((BotbenchRequestRecord *)a);
  gint64 tb = botbench_request_record_get_time ((BotbenchRequestRecord *)b);

  return ta < tb ? 1 : ta > tb ? -1 : 0;
}

static void
botbench_requests_page_update_state (BotbenchRequestsPage *self)
{
  gboolean empty = g_list_model_get_n_items (G_LIST_MODEL (self->sorted)) == 0;

  gtk_stack_set_visible_child_name (self->stack, empty ? "empty" : "requests");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "requests.export", !empty);
}

static void
botbench_requests_page_show_record (BotbenchRequestsPage  *self,
                                    BotbenchRequestRecord *record)
{
  g_autofree char *status = NULL;
  g_autofree char *duration = NULL;
  g_autofree char *time = NULL;
  g_autofree char *meta = NULL;
  g_autofree char *request = NULL;
  g_autofree char *response = NULL;
  const char *error;

  if (record == NULL)
    {
      gtk_stack_set_visible_child_name (self->detail_stack, "none");
      return;
    }

  status = _botbench_requests_page_dup_status (record);
  duration = _botbench_requests_page_dup_duration (record);
  time = _botbench_requests_page_dup_time (botbench_request_record_get_time (record));
  if (botbench_request_record_get_attempt (record) > 1)
    /* Translators: HTTP method, time, duration and the attempt number of a retried request */
    meta = g_strdup_printf (_("%s at %s, took %s (attempt %u)"),
                            botbench_request_record_get_http_method (record), time, duration,
                            botbench_request_record_get_attempt (record));
  else
    /* Translators: HTTP method, time and duration of a request */
    meta = g_strdup_printf (_("%s at %s, took %s"),
                            botbench_request_record_get_http_method (record), time, duration);

  gtk_label_set_label (self->method_label, botbench_request_record_get_method (record));
  gtk_label_set_label (self->status_label, status);
  _botbench_requests_page_set_status_style (GTK_WIDGET (self->status_label), record);
  gtk_label_set_label (self->meta_label, meta);
  gtk_label_set_label (self->url_label, botbench_request_record_get_url (record));

  error = botbench_request_record_get_error (record);
  gtk_label_set_label (self->error_label, error != NULL ? error : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), error != NULL);

  request = dup_pretty_body (botbench_request_record_get_request_body (record));
  response = dup_pretty_body (botbench_request_record_get_response_body (record));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->request_view), request, -1);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->response_view), response, -1);

  gtk_stack_set_visible_child_name (self->detail_stack, "detail");
}

static void
selection_changed_cb (BotbenchRequestsPage *self)
{
  BotbenchRequestRecord *record = gtk_single_selection_get_selected_item (self->selection);

  botbench_requests_page_show_record (self, record);
  if (record != NULL && adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_set_visible_child_name (self->leaflet, "detail");
}

static void
items_changed_cb (BotbenchRequestsPage *self)
{
  botbench_requests_page_update_state (self);
}

static void
active_profile_cb (BotbenchRequestsPage *self)
{
  BotbenchProfile *active;

  active = botbench_profile_manager_get_active (botbench_application_get_profile_manager (self->app));
  g_free (self->profile_uuid);
  self->profile_uuid = active != NULL ? g_strdup (botbench_profile_get_uuid (active)) : NULL;
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  botbench_requests_page_update_state (self);
}

/* The list's factory (declared in the .ui) */

static void
request_row_setup_cb (GtkSignalListItemFactory *factory,
                      GtkListItem              *list_item,
                      gpointer                  user_data)
{
  gtk_list_item_set_child (list_item, botbench_request_row_new ());
}

static void
request_row_bind_cb (GtkSignalListItemFactory *factory,
                     GtkListItem              *list_item,
                     gpointer                  user_data)
{
  botbench_request_row_set_record (BOTBENCH_REQUEST_ROW (gtk_list_item_get_child (list_item)),
                                   gtk_list_item_get_item (list_item));
}

/* Export */

static void
weak_ref_free (GWeakRef *ref)
{
  g_weak_ref_clear (ref);
  g_free (ref);
}

/* The page (and through it the application) is not kept alive by a write
 * that outlasts the window. */
static void
export_written_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GWeakRef *ref = user_data;
  g_autoptr(BotbenchRequestsPage) self = g_weak_ref_get (ref);
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  gboolean written;

  written = g_file_replace_contents_finish (G_FILE (object), result, NULL, &error);
  weak_ref_free (ref);
  if (self == NULL)
    return;

  if (!written)
    /* Translators: %s says why the file could not be written */
    message = g_strdup_printf (_("Cannot export the requests: %s"), error->message);
  else
    message = g_strdup (_("Requests exported"));

  gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", message);
}

void
_botbench_requests_page_export_to (BotbenchRequestsPage *self,
                                   GFile                *file)
{
  g_autoptr(GBytes) bytes = NULL;
  GWeakRef *ref;
  char *json;

  g_return_if_fail (BOTBENCH_IS_REQUESTS_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));

  json = botbench_requests_page_dup_json (self);
  bytes = g_bytes_new_take (json, strlen (json));
  /* Private: bodies may name users and chats even with secrets masked. */
  ref = g_new0 (GWeakRef, 1);
  g_weak_ref_init (ref, self);
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_PRIVATE, NULL,
                                       export_written_cb, ref);
}

static void
chooser_response_cb (BotbenchRequestsPage *self,
                     int                   response,
                     GtkNativeDialog      *chooser)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_clear_object (&self->chooser);

  if (file == NULL)
    return;

  _botbench_requests_page_export_to (self, file);
}

static void
botbench_requests_page_export_action (GtkWidget  *widget,
                                      const char *action_name,
                                      GVariant   *parameter)
{
  botbench_requests_page_export (BOTBENCH_REQUESTS_PAGE (widget));
}

static void
botbench_requests_page_show_list_action (GtkWidget  *widget,
                                         const char *action_name,
                                         GVariant   *parameter)
{
  BotbenchRequestsPage *self = BOTBENCH_REQUESTS_PAGE (widget);

  adw_leaflet_set_visible_child_name (self->leaflet, "list");
}

static void
botbench_requests_page_dispose (GObject *object)
{
  BotbenchRequestsPage *self = (BotbenchRequestsPage *)object;

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);

  if (self->list_view != NULL)
    gtk_list_view_set_model (self->list_view, NULL);

  gtk_widget_dispose_template (GTK_WIDGET (self), BOTBENCH_TYPE_REQUESTS_PAGE);

  g_clear_object (&self->selection);
  g_clear_object (&self->sorted);
  g_clear_object (&self->filtered);
  g_clear_object (&self->filter);
  g_clear_object (&self->app);
  g_clear_pointer (&self->profile_uuid, g_free);

  G_OBJECT_CLASS (botbench_requests_page_parent_class)->dispose (object);
}

static void
botbench_requests_page_class_init (BotbenchRequestsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = botbench_requests_page_dispose;

  _botbench_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/botbench/Botbench/botbench-requests-page.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, BotbenchRequestsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, BotbenchRequestsPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, BotbenchRequestsPage, leaflet);
  gtk_widget_class_bind_template_child (widget_class, BotbenchRequestsPage, list_view);
  gtk_widget_class_bind_template_child (widget_class, BotbenchRequestsPage, detail_stack);
  gtk_widget_class_bind_template_child (widget_class, BotbenchRequestsPage, method_label);
  gtk_widget_class_bind_template_child (widget_class, BotbenchRequestsPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, BotbenchRequestsPage, meta_label);
  gtk_widget_class_bind_template_child (widget_class, BotbenchRequestsPage, url_label);
  gtk_widget_class_bind_template_child (widget_class, BotbenchRequestsPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, BotbenchRequestsPage, request_view);
  gtk_widget_class_bind_template_child (widget_class, BotbenchRequestsPage, response_view);
  gtk_widget_class_bind_template_callback (widget_class, request_row_setup_cb);
  gtk_widget_class_bind_template_callback (widget_class, request_row_bind_cb);

  gtk_widget_class_install_action (widget_class, "requests.export", NULL,
                                   botbench_requests_page_export_action);
  gtk_widget_class_install_action (widget_class, "requests.show-list", NULL,
                                   botbench_requests_page_show_list_action);
}

static void
botbench_requests_page_init (BotbenchRequestsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  adw_leaflet_set_visible_child_name (self->leaflet, "list");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "requests.export", FALSE);
}

void
botbench_requests_page_set_application (BotbenchRequestsPage *self,
                                        BotbenchApplication  *app)
{
  GtkCustomSorter *sorter;

  g_return_if_fail (BOTBENCH_IS_REQUESTS_PAGE (self));
  g_return_if_fail (BOTBENCH_IS_APPLICATION (app));
  g_return_if_fail (self->app == NULL);

  self->app = g_object_ref (app);

  self->filter = gtk_custom_filter_new (record_matches_cb, self, NULL);
  self->filtered = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (botbench_application_get_request_history (app))),
                                              g_object_ref (GTK_FILTER (self->filter)));
  sorter = gtk_custom_sorter_new (record_newest_first_cb, NULL, NULL);
  self->sorted = gtk_sort_list_model_new (g_object_ref (G_LIST_MODEL (self->filtered)),
                                          GTK_SORTER (sorter));
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->sorted)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);

  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));

  g_signal_connect_object (self->sorted, "items-changed",
                           G_CALLBACK (items_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->selection, "notify::selected-item",
                           G_CALLBACK (selection_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (botbench_application_get_profile_manager (app), "notify::active",
                           G_CALLBACK (active_profile_cb), self, G_CONNECT_SWAPPED);

  active_profile_cb (self);
}

GListModel *
botbench_requests_page_get_model (BotbenchRequestsPage *self)
{
  g_return_val_if_fail (BOTBENCH_IS_REQUESTS_PAGE (self), NULL);

  return self->sorted != NULL ? G_LIST_MODEL (self->sorted) : NULL;
}

char *
botbench_requests_page_dup_json (BotbenchRequestsPage *self)
{
  g_autoptr(JsonArray) array = json_array_new ();
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);
  guint n;

  g_return_val_if_fail (BOTBENCH_IS_REQUESTS_PAGE (self), NULL);

  n = self->filtered != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->filtered)) : 0;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BotbenchRequestRecord) record = g_list_model_get_item (G_LIST_MODEL (self->filtered), i);

      json_array_add_element (array, botbench_request_record_to_json (record));
    }

  json_node_set_array (root, array);
  return json_to_string (root, TRUE);
}

void
botbench_requests_page_export (BotbenchRequestsPage *self)
{
  GtkRoot *root;

  g_return_if_fail (BOTBENCH_IS_REQUESTS_PAGE (self));

  if (self->chooser != NULL)
    return;

  root = gtk_widget_get_root (GTK_WIDGET (self));
  self->chooser = gtk_file_chooser_native_new (_("Export Requests"),
                                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_SAVE,
                                               _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), "botbench-requests.json");
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (chooser_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}
