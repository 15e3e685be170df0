/* test-notify-ui.c: desktop notifications of new events
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The application under a private session bus (dbus-run-session, see
 * tests/meson.build) on which the test owns org.gtk.Notifications, the service GNotification talks to on GNOME:
 * each AddNotification/RemoveNotification the application makes is recorded
 * and checked.  Under Xvfb with no window manager the last presented
 * window has the focus: another window takes it from the application's.
 */
#include "config.h"

#include <string.h>

#include "botbench-application.h"
#include "botbench-test-utils.h"
#include "botbench-ui-test-utils.h"

#define APP_ID "io.github.botbench.Botbench"

static const char introspection_xml[] =
  "<node>"
  "  <interface name='org.gtk.Notifications'>"
  "    <method name='AddNotification'>"
  "      <arg type='s' direction='in'/>"
  "      <arg type='s' direction='in'/>"
  "      <arg type='a{sv}' direction='in'/>"
  "    </method>"
  "    <method name='RemoveNotification'>"
  "      <arg type='s' direction='in'/>"
  "      <arg type='s' direction='in'/>"
  "    </method>"
  "  </interface>"
  "</node>";

/* What the stand-in notification server received. */
static struct
{
  GDBusConnection *connection;
  GPtrArray       *added;    /* of GVariant (ssa{sv}) */
  guint            removed;
} server;

static void
server_method_call (GDBusConnection       *connection,
                    const char            *sender,
                    const char            *object_path,
                    const char            *interface_name,
                    const char            *method_name,
                    GVariant              *parameters,
                    GDBusMethodInvocation *invocation,
                    gpointer               user_data)
{
  if (g_str_equal (method_name, "AddNotification"))
    g_ptr_array_add (server.added, g_variant_ref (parameters));
  else
    server.removed++;
  g_dbus_method_invocation_return_value (invocation, NULL);
}

static const GDBusInterfaceVTable server_vtable = { server_method_call, NULL, NULL, { 0 } };

static void
server_start (void)
{
  g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (introspection_xml, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autofree char *address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, &error);

  g_assert_no_error (error);
  /* Its own connection: the application's calls really cross the bus. */
  server.connection = g_dbus_connection_new_for_address_sync (address,
                                                              G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                              G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                              NULL, NULL, &error);
  g_assert_no_error (error);
  g_dbus_connection_register_object (server.connection, "/org/gtk/Notifications",
                                     info->interfaces[0], &server_vtable, NULL, NULL, &error);
  g_assert_no_error (error);
  reply = g_dbus_connection_call_sync (server.connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "RequestName",
                                       g_variant_new ("(su)", "org.gtk.Notifications", 4 /* DO_NOT_QUEUE */),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  server.added = g_ptr_array_new_with_free_func ((GDestroyNotify)g_variant_unref);
}

static void
post_event (BotbenchUiFixture *f,
            const char        *message)
{
  static const char *headers[] = { "Content-Type", "application/x-www-form-urlencoded", NULL };
  g_autofree char *body = g_strdup_printf ("event=ONIMBOTMESSAGEADD&data%%5BPARAMS%%5D%%5BMESSAGE%%5D=%s"
                                           "&data%%5BBOT%%5D%%5B39%%5D%%5BBOT_ID%%5D=39", message);
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
  g_autoptr(BotbenchEvent) event = NULL;
  g_autoptr(GError) error = NULL;

  event = botbench_event_new (g_get_real_time (), "127.0.0.1", "POST", "/", "", headers,
                              "application/x-www-form-urlencoded", bytes);
  botbench_event_store_insert (botbench_application_get_store (f->app), event, &error);
  g_assert_no_error (error);
}

static gboolean
added_at_least (gpointer data)
{
  return server.added->len >= GPOINTER_TO_UINT (data);
}

/* The notification's (title, body, default-action-target). */
static void
notification_fields (guint        index,
                     char       **title,
                     char       **body,
                     gint64      *target)
{
  GVariant *call = g_ptr_array_index (server.added, index);
  const char *app_id;
  const char *id;
  g_autoptr(GVariant) dict = NULL;
  g_autoptr(GVariant) target_value = NULL;
  g_autoptr(GVariant) inner = NULL;

  g_variant_get (call, "(&s&s@a{sv})", &app_id, &id, &dict);
  g_assert_cmpstr (app_id, ==, APP_ID);
  g_assert_cmpstr (id, ==, "new-events");
  g_assert_true (g_variant_lookup (dict, "title", "s", title));
  if (!g_variant_lookup (dict, "body", "s", body))
    *body = NULL;
  g_assert_true (g_variant_lookup (dict, "default-action", "&s", &id));
  g_assert_cmpstr (id, ==, "app.show-event");
  target_value = g_variant_lookup_value (dict, "default-action-target", NULL);
  g_assert_nonnull (target_value);
  inner = g_variant_is_of_type (target_value, G_VARIANT_TYPE_VARIANT) ? g_variant_get_variant (target_value)
                                                                      : g_variant_ref (target_value);
  g_assert_true (g_variant_is_of_type (inner, G_VARIANT_TYPE_INT64));
  *target = g_variant_get_int64 (inner);
}

static BotbenchUiFixture *current;

static gboolean
window_inactive (gpointer data)
{
  return !gtk_window_is_active (data);
}

static gboolean
removed_at_least (gpointer data)
{
  return server.removed >= GPOINTER_TO_UINT (data);
}

static gboolean
selected_is (gpointer data)
{
  BotbenchEvent *event = botbench_events_page_get_selected_event (botbench_ui_test_get_events_page (current->window));

  return event != NULL && botbench_event_get_id (event) == *(gint64 *)data;
}

static void
notifies_unfocused_events (BotbenchUiFixture *f)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  gint64 target = 0;
  gint64 last_id;
  GtkWidget *other;

  current = f;
  g_assert_true (gtk_window_is_active (GTK_WINDOW (f->window)));

  /* Off by default: an event is stored, nothing is announced. */
  g_assert_false (g_settings_get_boolean (settings, "notify-events"));
  post_event (f, "quiet");
  botbench_ui_test_wait_for_logged_event (f->window, "ONIMBOTMESSAGEADD", "quiet");
  g_assert_cmpuint (server.added->len, ==, 0);

  /* On, but the window has the focus: the user sees it there. */
  g_settings_set_boolean (settings, "notify-events", TRUE);
  post_event (f, "seen");
  botbench_ui_test_wait_for_logged_event (f->window, "ONIMBOTMESSAGEADD", "seen");
  g_assert_cmpuint (server.added->len, ==, 0);

  /* Another program's window takes the focus. */
  other = gtk_window_new ();
  gtk_window_present (GTK_WINDOW (other));
  botbench_test_assert_wait_until (window_inactive, f->window, "the window to lose the focus");

  /* Unfocused: the next event is announced with its name and message,
   * and clicking it would show that event. */
  post_event (f, "hello");
  botbench_test_assert_wait_until (added_at_least, GUINT_TO_POINTER (1), "a notification");
  notification_fields (0, &title, &body, &target);
  g_assert_cmpstr (title, ==, "New event: ONIMBOTMESSAGEADD");
  g_assert_cmpstr (body, ==, "hello");
  last_id = botbench_event_store_get_last_id (botbench_application_get_store (f->app));
  g_assert_cmpint (target, ==, last_id);

  /* More while unfocused: one notification, replaced, counting both. */
  post_event (f, "again");
  botbench_test_assert_wait_until (added_at_least, GUINT_TO_POINTER (2), "the replaced notification");
  g_clear_pointer (&title, g_free);
  g_clear_pointer (&body, g_free);
  notification_fields (server.added->len - 1, &title, &body, &target);
  g_assert_cmpstr (title, ==, "2 new events");
  g_assert_cmpstr (body, ==, "Newest: ONIMBOTMESSAGEADD — again");
  g_assert_cmpint (target, ==, botbench_event_store_get_last_id (botbench_application_get_store (f->app)));

  /* Focusing the window withdraws it. */
  gtk_window_present (GTK_WINDOW (f->window));
  botbench_test_assert_wait_until (removed_at_least, GUINT_TO_POINTER (1), "the notification withdrawn");
  gtk_window_present (GTK_WINDOW (other));
  botbench_test_assert_wait_until (window_inactive, f->window, "the window to lose the focus again");

  /* Its action shows that event in the window, from another page. */
  gtk_stack_set_visible_child_name (GTK_STACK (botbench_ui_test_find (f->window, "page_stack")), "profiles");
  last_id = target;
  g_action_group_activate_action (G_ACTION_GROUP (f->app), "show-event", g_variant_new_int64 (last_id));
  botbench_test_assert_wait_until (selected_is, &last_id, "the notified event selected");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (botbench_ui_test_find (f->window, "page_stack"))),
                   ==, "events");

  /* Off again: silence. */
  g_settings_set_boolean (settings, "notify-events", FALSE);
  {
    guint before = server.added->len;

    post_event (f, "late");
    botbench_ui_test_wait_for_logged_event (f->window, "ONIMBOTMESSAGEADD", "late");
    g_assert_cmpuint (server.added->len, ==, before);
  }
  g_settings_reset (settings, "notify-events");
  gtk_window_destroy (GTK_WINDOW (other));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *bus = g_strdup (g_getenv ("DBUS_SESSION_BUS_ADDRESS"));
  gboolean have_keyring;
  int status;

  /* The harness points the session bus nowhere (no keyring): this test
   * keeps the private one dbus-run-session gave it. */
  botbench_ui_test_init (&argc, &argv, &have_keyring);
  if (bus == NULL || *bus == '\0')
    {
      g_printerr ("# notify-ui needs a session bus of its own: run it under dbus-run-session\n");
      return 1;
    }
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", bus, TRUE);
  server_start ();

  botbench_ui_test_add ("/notify-ui/unfocused-events", notifies_unfocused_events);
  status = botbench_ui_test_run ();

  g_clear_pointer (&server.added, g_ptr_array_unref);
  g_clear_object (&server.connection);
  return status;
}
