/* botbench-test-utils.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "botbench-test-utils.h"

static gboolean
timeout_cb (gpointer data)
{
  gboolean *expired = data;

  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
botbench_test_wait_for (gboolean *flag,
                        guint     timeout_ms)
{
  GMainContext *context = g_main_context_get_thread_default ();
  gboolean expired = FALSE;
  GSource *source;

  source = g_timeout_source_new (timeout_ms);
  g_source_set_callback (source, timeout_cb, &expired, NULL);
  g_source_attach (source, context);

  while (!*flag && !expired)
    g_main_context_iteration (context, TRUE);

  g_source_destroy (source);
  g_source_unref (source);

  return *flag;
}

gboolean
botbench_test_wait_until (gboolean (*func) (gpointer data),
                          gpointer   data,
                          guint      timeout_ms)
{
  GMainContext *context = g_main_context_get_thread_default ();
  gboolean expired = FALSE;
  gboolean done;
  GSource *source;

  source = g_timeout_source_new (timeout_ms);
  g_source_set_callback (source, timeout_cb, &expired, NULL);
  g_source_attach (source, context);

  while (!(done = func (data)) && !expired)
    g_main_context_iteration (context, TRUE);

  g_source_destroy (source);
  g_source_unref (source);

  return done;
}

char *
botbench_test_make_tmp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir;

  dir = g_dir_make_tmp ("botbench-test-XXXXXX", &error);
  g_assert_no_error (error);
  return dir;
}

void
botbench_test_rm_rf (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (path == NULL)
    return;

  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      dir = g_dir_open (path, 0, NULL);
      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          botbench_test_rm_rf (child);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

const char *
botbench_test_fixtures_dir (void)
{
  static char *dir;

  if (dir == NULL)
    {
      const char *env = g_getenv ("BOTBENCH_FIXTURES_DIR");

      g_assert_nonnull (env);
      dir = g_build_filename (env, "events", NULL);
    }

  return dir;
}

GBytes *
botbench_test_load_fixture (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *file = g_strconcat (name, ".form", NULL);
  g_autofree char *path = g_build_filename (botbench_test_fixtures_dir (), file, NULL);
  char *contents = NULL;
  gsize len = 0;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, len);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *)a, *(const char * const *)b);
}

char **
botbench_test_list_fixtures (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = g_dir_open (botbench_test_fixtures_dir (), 0, &error);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  const char *name;

  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".form"))
      g_ptr_array_add (names, g_strndup (name, strlen (name) - strlen (".form")));

  g_ptr_array_sort (names, compare_strings);
  g_ptr_array_add (names, NULL);
  return (char **)g_ptr_array_free (g_steal_pointer (&names), FALSE);
}

static gboolean
incoming_cb (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source_object,
             SoupServer        *server)
{
  g_autoptr(GSocketAddress) local = g_socket_connection_get_local_address (connection, NULL);
  g_autoptr(GSocketAddress) remote = g_socket_connection_get_remote_address (connection, NULL);
  g_autoptr(GError) error = NULL;

  if (local != NULL && remote != NULL &&
      !soup_server_accept_iostream (server, G_IO_STREAM (connection), local, remote, &error))
    g_warning ("test server: %s", error->message);

  return TRUE;
}

static void
stop_service (gpointer data)
{
  GSocketService *service = data;

  g_socket_service_stop (service);
  g_socket_listener_close (G_SOCKET_LISTENER (service));
  g_object_unref (service);
}

guint
botbench_test_serve_loopback (SoupServer *server)
{
  g_autoptr(GSocketService) service = g_socket_service_new ();
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  g_socket_listener_add_address (G_SOCKET_LISTENER (service), address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error);
  g_assert_no_error (error);
  g_signal_connect_object (service, "incoming", G_CALLBACK (incoming_cb), server, 0);
  g_socket_service_start (service);
  g_object_set_data_full (G_OBJECT (server), "botbench-test-service",
                          g_object_ref (service), stop_service);

  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

void
botbench_test_guarded_init (BotbenchGuarded *g,
                            const char      *data,
                            gsize            len)
{
  gsize page = (gsize)sysconf (_SC_PAGESIZE);
  gsize pages = (len + page - 1) / page + 1;

  g->map_len = pages * page;
  g->map = mmap (NULL, g->map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  g_assert_true (g->map != MAP_FAILED);
  g_assert_cmpint (mprotect (g->map + (pages - 1) * page, page, PROT_NONE), ==, 0);
  g->data = (char *)g->map + (pages - 1) * page - len;
  if (len > 0)
    memcpy (g->data, data, len);
}

void
botbench_test_guarded_clear (BotbenchGuarded *g)
{
  munmap (g->map, g->map_len);
}
