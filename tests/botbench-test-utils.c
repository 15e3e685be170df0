/* botbench-test-utils.c: the harness every test program links: waiting
 * for async work without sleeping, counting notifications and signals,
 * temporary directories, event fixtures, loopback servers
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

void
botbench_test_assert_wait_for (gboolean   *flag,
                               guint       timeout_ms,
                               const char *what)
{
  if (timeout_ms == 0)
    timeout_ms = BOTBENCH_TEST_WAIT_MS;

  if (!botbench_test_wait_for (flag, timeout_ms))
    g_error ("Timed out after %u ms waiting for %s", timeout_ms, what);
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

void
botbench_test_assert_wait_until (gboolean  (*func) (gpointer data),
                                 gpointer    data,
                                 const char *what)
{
  botbench_test_assert_wait_until_full (func, data, BOTBENCH_TEST_WAIT_MS, what);
}

void
botbench_test_assert_wait_until_full (gboolean  (*func) (gpointer data),
                                      gpointer    data,
                                      guint       timeout_ms,
                                      const char *what)
{
  if (timeout_ms == 0)
    timeout_ms = BOTBENCH_TEST_WAIT_MS;

  if (!botbench_test_wait_until (func, data, timeout_ms))
    g_error ("Timed out after %u ms waiting for %s", timeout_ms, what);
}

void
botbench_test_iterate_pending (guint n_iterations)
{
  GMainContext *context = g_main_context_get_thread_default ();

  if (n_iterations == 0)
    {
      while (g_main_context_iteration (context, FALSE))
        ;
      return;
    }

  for (guint i = 0; i < n_iterations; i++)
    g_main_context_iteration (context, FALSE);
}

typedef struct
{
  GListModel *model;
  guint       n_items;
} NItemsWait;

static gboolean
n_items_reached (gpointer data)
{
  NItemsWait *wait = data;

  return g_list_model_get_n_items (wait->model) == wait->n_items;
}

void
botbench_test_assert_wait_n_items (GListModel *model,
                                   guint       n_items)
{
  NItemsWait wait = { model, n_items };

  if (!botbench_test_wait_until (n_items_reached, &wait, BOTBENCH_TEST_WAIT_MS))
    g_error ("%s has %u items, expected %u", G_OBJECT_TYPE_NAME (model),
             g_list_model_get_n_items (model), n_items);
}

void
botbench_test_result_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  BotbenchTestResult *r = user_data;

  g_assert_null (r->result);
  r->result = g_object_ref (result);
}

static gboolean
have_result (gpointer data)
{
  return ((BotbenchTestResult *)data)->result != NULL;
}

GAsyncResult *
botbench_test_result_wait (BotbenchTestResult *r,
                           guint               timeout_ms)
{
  if (timeout_ms == 0)
    timeout_ms = BOTBENCH_TEST_WAIT_MS;

  if (!botbench_test_wait_until (have_result, r, timeout_ms))
    g_error ("Timed out after %u ms waiting for an async result", timeout_ms);

  return r->result;
}

void
botbench_test_result_clear (BotbenchTestResult *r)
{
  g_clear_object (&r->result);
}

/* Property notifications, per object and property name */

typedef struct
{
  GHashTable *expected;  /* property name -> count */
  GHashTable *seen;      /* property name -> count */
} NotifyLog;

static void
notify_log_free (gpointer data)
{
  NotifyLog *log = data;

  g_hash_table_unref (log->expected);
  g_hash_table_unref (log->seen);
  g_free (log);
}

static void
notify_log_cb (GObject    *object,
               GParamSpec *pspec,
               NotifyLog  *log)
{
  const char *name = g_intern_string (pspec->name);

  g_hash_table_insert (log->seen, (gpointer)name,
                       GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (log->seen, name)) + 1));
}

void
botbench_test_expect_property_notify (gpointer    object,
                                      const char *property)
{
  NotifyLog *log = g_object_get_data (object, "botbench-test-notify-log");
  const char *name = g_intern_string (property);

  g_assert_nonnull (g_object_class_find_property (G_OBJECT_GET_CLASS (object), property));

  if (log == NULL)
    {
      log = g_new0 (NotifyLog, 1);
      log->expected = g_hash_table_new (NULL, NULL);
      log->seen = g_hash_table_new (NULL, NULL);
      g_object_set_data_full (object, "botbench-test-notify-log", log, notify_log_free);
      g_signal_connect (object, "notify", G_CALLBACK (notify_log_cb), log);
    }

  g_hash_table_insert (log->expected, (gpointer)name,
                       GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (log->expected, name)) + 1));
}

void
botbench_test_assert_expected_notifies (gpointer object)
{
  NotifyLog *log = g_object_get_data (object, "botbench-test-notify-log");
  GHashTableIter iter;
  gpointer name;
  gpointer count;

  g_assert_nonnull (log);

  g_hash_table_iter_init (&iter, log->expected);
  while (g_hash_table_iter_next (&iter, &name, &count))
    if (GPOINTER_TO_UINT (g_hash_table_lookup (log->seen, name)) != GPOINTER_TO_UINT (count))
      g_error ("%s::%s was notified %u times, expected %u", G_OBJECT_TYPE_NAME (object),
               (const char *)name, GPOINTER_TO_UINT (g_hash_table_lookup (log->seen, name)),
               GPOINTER_TO_UINT (count));

  g_hash_table_iter_init (&iter, log->seen);
  while (g_hash_table_iter_next (&iter, &name, &count))
    if (!g_hash_table_contains (log->expected, name))
      g_error ("%s::%s was notified %u times, expected none", G_OBJECT_TYPE_NAME (object),
               (const char *)name, GPOINTER_TO_UINT (count));

  g_signal_handlers_disconnect_by_func (object, notify_log_cb, log);
  g_object_set_data (object, "botbench-test-notify-log", NULL);
}

/* Signal emissions */

struct _BotbenchSignalCounter
{
  GWeakRef  instance;
  gulong    handler;
  guint     count;
  /* For the messages of botbench_signal_counter_assert_wait() */
  char     *type_name;
  char     *detailed_signal;
};

static void
signal_counter_cb (BotbenchSignalCounter *counter)
{
  counter->count++;
}

BotbenchSignalCounter *
botbench_test_count_signal (gpointer    instance,
                            const char *detailed_signal)
{
  BotbenchSignalCounter *counter = g_new0 (BotbenchSignalCounter, 1);

  g_weak_ref_init (&counter->instance, instance);
  counter->type_name = g_strdup (G_OBJECT_TYPE_NAME (instance));
  counter->detailed_signal = g_strdup (detailed_signal);
  /* Swapped: the counter comes first, the signal's own arguments are not read. */
  counter->handler = g_signal_connect_swapped (instance, detailed_signal,
                                               G_CALLBACK (signal_counter_cb), counter);
  g_assert_cmpuint (counter->handler, !=, 0);

  return counter;
}

guint
botbench_signal_counter_get (BotbenchSignalCounter *counter)
{
  return counter->count;
}

typedef struct
{
  BotbenchSignalCounter *counter;
  guint                  n;
} CountWait;

static gboolean
count_reached (gpointer data)
{
  CountWait *wait = data;

  return wait->counter->count >= wait->n;
}

void
botbench_signal_counter_assert_wait (BotbenchSignalCounter *counter,
                                     guint                  n)
{
  CountWait wait = { counter, n };

  if (!botbench_test_wait_until (count_reached, &wait, BOTBENCH_TEST_WAIT_MS))
    g_error ("Timed out after %u ms waiting for %s::%s to be emitted %u times (seen %u)",
             BOTBENCH_TEST_WAIT_MS, counter->type_name, counter->detailed_signal, n, counter->count);
}

void
botbench_signal_counter_free (BotbenchSignalCounter *counter)
{
  g_autoptr(GObject) instance = g_weak_ref_get (&counter->instance);

  if (instance != NULL)
    g_signal_handler_disconnect (instance, counter->handler);
  g_weak_ref_clear (&counter->instance);
  g_free (counter->type_name);
  g_free (counter->detailed_signal);
  g_free (counter);
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

/* The connections a loopback server accepted and that still exist, so
 * that botbench_test_close_connections() can hang up on kept-alive ones. */
#define CONNECTIONS_KEY "botbench-test-connections"

static void
connection_gone_cb (gpointer  data,
                    GObject  *gone)
{
  g_ptr_array_remove_fast (data, gone);
}

static void
connections_free (gpointer data)
{
  GPtrArray *connections = data;

  for (guint i = 0; i < connections->len; i++)
    g_object_weak_unref (connections->pdata[i], connection_gone_cb, connections);
  g_ptr_array_unref (connections);
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
  GPtrArray *connections = g_object_get_data (G_OBJECT (server), CONNECTIONS_KEY);

  if (connections == NULL)
    {
      connections = g_ptr_array_new ();
      g_object_set_data_full (G_OBJECT (server), CONNECTIONS_KEY, connections, connections_free);
    }
  g_ptr_array_add (connections, connection);
  g_object_weak_ref (G_OBJECT (connection), connection_gone_cb, connections);

  if (local != NULL && remote != NULL &&
      !soup_server_accept_iostream (server, G_IO_STREAM (connection), local, remote, &error))
    g_warning ("test server: %s", error->message);

  return TRUE;
}

void
botbench_test_close_connections (SoupServer *server)
{
  GPtrArray *connections = g_object_get_data (G_OBJECT (server), CONNECTIONS_KEY);

  /* shutdown(), not close: libsoup has a read pending on each idle
   * connection (g_io_stream_close() would refuse), and the descriptor
   * stays its own until libsoup lets go. */
  for (guint i = 0; connections != NULL && i < connections->len; i++)
    g_socket_shutdown (g_socket_connection_get_socket (connections->pdata[i]), TRUE, TRUE, NULL);
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

GSocket *
botbench_test_new_refusing_socket (guint port)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  g_autoptr(GError) error = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  /* allow_reuse: the port's old connections may linger in TIME_WAIT. */
  g_socket_bind (socket, address, TRUE, &error);
  g_assert_no_error (error);

  return g_steal_pointer (&socket);
}

guint
botbench_test_socket_get_port (GSocket *socket)
{
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);

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

int
botbench_test_run_cli (GSubprocessLauncher *launcher,
                       const char          *stdin_data,
                       guint                timeout_ms,
                       char               **out,
                       char               **err,
                       const char * const  *argv)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) default_launcher = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GBytes) in_bytes = NULL;
  g_autoptr(GBytes) out_bytes = NULL;
  g_autoptr(GBytes) err_bytes = NULL;
  g_auto(BotbenchTestResult) result = { NULL };
  g_autoptr(GError) error = NULL;
  const char *cli = g_getenv ("BOTBENCH_CLI");

  g_assert_nonnull (cli);
  g_ptr_array_add (args, (char *)cli);
  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (args, (char *)argv[i]);
  g_ptr_array_add (args, NULL);

  if (launcher == NULL)
    launcher = default_launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_set_flags (launcher, G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                             G_SUBPROCESS_FLAGS_STDERR_PIPE);
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *)args->pdata, &error);
  g_assert_no_error (error);

  in_bytes = g_bytes_new (stdin_data != NULL ? stdin_data : "", stdin_data != NULL ? strlen (stdin_data) : 0);
  g_subprocess_communicate_async (proc, in_bytes, NULL, botbench_test_result_cb, &result);
  g_subprocess_communicate_finish (proc, botbench_test_result_wait (&result, timeout_ms != 0 ? timeout_ms : 120000),
                                   &out_bytes, &err_bytes, &error);
  g_assert_no_error (error);
  g_subprocess_wait (proc, NULL, NULL);

  if (out != NULL)
    *out = g_strndup (g_bytes_get_size (out_bytes) ? g_bytes_get_data (out_bytes, NULL) : "",
                      g_bytes_get_size (out_bytes));
  if (err != NULL)
    *err = g_strndup (g_bytes_get_size (err_bytes) ? g_bytes_get_data (err_bytes, NULL) : "",
                      g_bytes_get_size (err_bytes));

  return g_subprocess_get_if_exited (proc) ? g_subprocess_get_exit_status (proc) : -1;
}
