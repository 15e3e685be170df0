/* listener-load.c: what bench-listener and bench-listener-rss share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "bench-listener"

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "listener-load.h"

struct _LoadRun
{
  GSubprocess *process;
  gboolean     done;
  char        *out;
  char        *err;
  GError      *error;
};

char *
load_find_source_file (const char *relative)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *exe_dir = g_path_get_dirname (exe != NULL ? exe : ".");
  g_autofree char *from_define = NULL;
  g_autofree char *from_cwd = g_canonicalize_filename (relative, NULL);
  g_autofree char *from_parent = g_build_filename ("..", relative, NULL);
  g_autofree char *from_exe = g_build_filename (exe_dir, "..", "..", relative, NULL);

#ifdef BENCH_SOURCE_DIR
  from_define = g_build_filename (BENCH_SOURCE_DIR, relative, NULL);
#endif

  {
    const char *candidates[] = { from_define, from_cwd, from_parent, from_exe };

    for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
      if (candidates[i] != NULL && g_file_test (candidates[i], G_FILE_TEST_IS_REGULAR))
        return g_canonicalize_filename (candidates[i], NULL);
  }

  return NULL;
}

static char *
lua_quote (const char *s)
{
  GString *quoted = g_string_new ("\"");

  for (; *s != '\0'; s++)
    {
      if (*s == '"' || *s == '\\')
        g_string_append_c (quoted, '\\');
      g_string_append_c (quoted, *s);
    }
  g_string_append_c (quoted, '"');

  return g_string_free (quoted, FALSE);
}

char *
load_write_script (const char  *dir,
                   const char  *body_path,
                   GError     **error)
{
  g_autofree char *path = g_build_filename (dir, "post.lua", NULL);
  g_autofree char *quoted = lua_quote (body_path);
  g_autofree char *lua = NULL;

  /* done() runs once after the run, in its own Lua state: it prints the
   * counts on one line that load_finish() reads instead of wrk's report. */
  lua = g_strdup_printf ("local f = assert(io.open(%s, \"rb\"))\n"
                         "wrk.method = \"POST\"\n"
                         "wrk.path = \"" LOAD_PATH "\"\n"
                         "wrk.body = f:read(\"*a\")\n"
                         "f:close()\n"
                         "wrk.headers[\"Content-Type\"] = \"application/x-www-form-urlencoded\"\n"
                         "\n"
                         "function done(summary, latency, requests)\n"
                         "  local e = summary.errors\n"
                         "  io.write(string.format(\"wrk-summary %%d %%d %%d %%d %%d %%d %%d %%d %%d\\n\",\n"
                         "    summary.requests, summary.duration, e.status, e.connect, e.read,\n"
                         "    e.write, e.timeout, latency:percentile(50), latency:percentile(99)))\n"
                         "end\n",
                         quoted);

  if (!g_file_set_contents (path, lua, -1, error))
    return NULL;

  return g_steal_pointer (&path);
}

static void
load_communicate_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  LoadRun *run = user_data;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (object), result,
                                        &run->out, &run->err, &run->error);
  run->done = TRUE;
  g_main_context_wakeup (g_main_context_get_thread_default ());
}

LoadRun *
load_start (const char  *script,
            guint        port,
            gboolean     close,
            guint        connections,
            guint        threads,
            guint        duration_s,
            GError     **error)
{
  g_autofree char *t = g_strdup_printf ("%u", threads);
  g_autofree char *c = g_strdup_printf ("%u", connections);
  /* "until interrupted": a day is longer than any run */
  g_autofree char *d = g_strdup_printf ("%us", duration_s > 0 ? duration_s : 24 * 3600);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u" LOAD_PATH, port);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  LoadRun *run;
  GSubprocess *process;

  g_ptr_array_add (argv, (char *)"wrk");
  g_ptr_array_add (argv, (char *)"-t");
  g_ptr_array_add (argv, t);
  g_ptr_array_add (argv, (char *)"-c");
  g_ptr_array_add (argv, c);
  g_ptr_array_add (argv, (char *)"-d");
  g_ptr_array_add (argv, d);
  g_ptr_array_add (argv, (char *)"-s");
  g_ptr_array_add (argv, (char *)script);
  if (close)
    {
      g_ptr_array_add (argv, (char *)"-H");
      g_ptr_array_add (argv, (char *)"Connection: close");
    }
  g_ptr_array_add (argv, url);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *)argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                               error);
  if (process == NULL)
    {
      g_prefix_error (error, "cannot run wrk (apt-get install wrk): ");
      return NULL;
    }

  run = g_new0 (LoadRun, 1);
  run->process = process;
  g_subprocess_communicate_utf8_async (process, NULL, NULL, load_communicate_cb, run);

  return run;
}

void
load_interrupt (LoadRun *run)
{
  if (!run->done)
    g_subprocess_send_signal (run->process, SIGINT);
}

gboolean
load_is_running (LoadRun *run)
{
  return !run->done;
}

gint64
load_socket_errors (const LoadResult *result)
{
  return result->connect_errors + result->read_errors + result->write_errors + result->timeouts;
}

gboolean
load_finish (LoadRun     *run,
             LoadResult  *result,
             GError     **error)
{
  gboolean ok = FALSE;
  const char *line;
  gint64 v[9];

  while (!run->done)
    g_main_context_iteration (g_main_context_get_thread_default (), TRUE);

  memset (result, 0, sizeof *result);

  if (run->error != NULL)
    g_propagate_error (error, g_steal_pointer (&run->error));
  else if (!g_subprocess_wait (run->process, NULL, error))
    ;
  else if (run->out == NULL || (line = strstr (run->out, "wrk-summary ")) == NULL ||
           sscanf (line, "wrk-summary %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT
                   " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT
                   " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT,
                   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8]) != 9)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "wrk gave no summary:\n%s%s",
                 run->out != NULL ? run->out : "", run->err != NULL ? run->err : "");
  else
    {
      result->requests = v[0];
      result->duration_us = v[1];
      result->non_2xx = v[2];
      result->connect_errors = v[3];
      result->read_errors = v[4];
      result->write_errors = v[5];
      result->timeouts = v[6];
      result->latency_p50_us = v[7];
      result->latency_p99_us = v[8];
      result->rps = v[1] > 0 ? v[0] / (v[1] / (double)G_USEC_PER_SEC) : 0;
      ok = TRUE;
    }

  g_clear_error (&run->error);
  g_free (run->out);
  g_free (run->err);
  g_object_unref (run->process);
  g_free (run);

  return ok;
}

/* ------------------------------------------------------------------------ */
/* probe                                                                    */

typedef struct
{
  guint    status;
  gboolean says_close;   /* "Connection: close" in the answer */
  gboolean eof;          /* the server closed the connection */
} ProbeAnswer;

static gboolean
probe_header_value (const char *head,
                    const char *name,
                    char      **value)
{
  g_auto(GStrv) lines = g_strsplit (head, "\r\n", -1);
  gsize len = strlen (name);

  for (guint i = 1; lines[i] != NULL; i++)
    if (g_ascii_strncasecmp (lines[i], name, len) == 0 && lines[i][len] == ':')
      {
        *value = g_strstrip (g_strdup (lines[i] + len + 1));
        return TRUE;
      }

  return FALSE;
}

/* Reads one answer: its head, then Content-Length bytes, or up to EOF when
 * it has none (HTTP/1.0-style close-delimited). */
static gboolean
probe_read_answer (GSocket     *socket,
                   ProbeAnswer *answer,
                   GError     **error)
{
  g_autoptr(GString) in = g_string_new (NULL);
  g_autofree char *head = NULL;
  g_autofree char *length = NULL;
  g_autofree char *connection = NULL;
  char buf[4096];
  const char *end;
  gssize want = -1;

  memset (answer, 0, sizeof *answer);

  for (;;)
    {
      gssize n;

      if (head == NULL && (end = strstr (in->str, "\r\n\r\n")) != NULL)
        {
          head = g_strndup (in->str, end - in->str);
          if (sscanf (head, "HTTP/1.%*d %u", &answer->status) != 1)
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "not an HTTP answer");
              return FALSE;
            }
          if (probe_header_value (head, "Content-Length", &length))
            want = (end - in->str) + 4 + g_ascii_strtoll (length, NULL, 10);
          if (probe_header_value (head, "Connection", &connection))
            answer->says_close = g_ascii_strcasecmp (connection, "close") == 0;
        }
      if (want >= 0 && (gssize)in->len >= want)
        return TRUE;

      n = g_socket_receive (socket, buf, sizeof buf, NULL, error);
      if (n < 0)
        return FALSE;
      if (n == 0)
        {
          answer->eof = TRUE;
          if (head == NULL)
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED, "closed before an answer");
              return FALSE;
            }
          return TRUE;
        }
      g_string_append_len (in, buf, n);
    }
}

static gboolean
probe_send (GSocket     *socket,
            const char  *data,
            gsize        len,
            GError     **error)
{
  while (len > 0)
    {
      gssize n = g_socket_send (socket, data, len, NULL, error);

      if (n < 0)
        return FALSE;
      data += n;
      len -= n;
    }

  return TRUE;
}

gboolean
load_probe (guint      port,
            gboolean   close,
            GBytes    *body,
            gboolean  *kept_alive,
            guint     *status,
            GError   **error)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GString) request = g_string_new (NULL);
  g_autoptr(GError) second_error = NULL;
  GSocket *socket;
  ProbeAnswer first, second;
  gsize len;
  const char *data = g_bytes_get_data (body, &len);

  *kept_alive = FALSE;
  *status = 0;

  g_socket_client_set_timeout (client, 5);
  connection = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, error);
  if (connection == NULL)
    return FALSE;
  socket = g_socket_connection_get_socket (connection);

  g_string_printf (request,
                   "POST " LOAD_PATH " HTTP/1.1\r\n"
                   "Host: 127.0.0.1:%u\r\n"
                   "Content-Type: application/x-www-form-urlencoded\r\n"
                   "Content-Length: %" G_GSIZE_FORMAT "\r\n"
                   "%s"
                   "\r\n",
                   port, len, close ? "Connection: close\r\n" : "");
  g_string_append_len (request, data, len);

  if (!probe_send (socket, request->str, request->len, error) ||
      !probe_read_answer (socket, &first, error))
    return FALSE;
  *status = first.status;

  if (first.eof || first.says_close)
    return TRUE;

  /* The answer did not say close: is the connection really still usable? */
  if (probe_send (socket, request->str, request->len, &second_error) &&
      probe_read_answer (socket, &second, &second_error))
    *kept_alive = second.status == first.status;

  return TRUE;
}

gboolean
load_wait_port (guint port,
                guint timeout_ms)
{
  gint64 until = g_get_monotonic_time () + (gint64)timeout_ms * 1000;

  do
    {
      g_autoptr(GSocketClient) client = g_socket_client_new ();
      g_autoptr(GSocketConnection) connection =
        g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, NULL);

      if (connection != NULL)
        return TRUE;
      g_usleep (20 * 1000);
    }
  while (g_get_monotonic_time () < until);

  return FALSE;
}

guint
load_free_port (GError **error)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL ||
      !g_socket_bind (socket, any, FALSE, error) ||
      (bound = g_socket_get_local_address (socket, error)) == NULL)
    return 0;

  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* ------------------------------------------------------------------------ */
/* readings                                                                 */

char *
load_dup_loadavg (void)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;

  if (!g_file_get_contents ("/proc/loadavg", &text, NULL, NULL))
    return g_strdup ("?");

  fields = g_strsplit (text, " ", 4);
  if (g_strv_length (fields) < 3)
    return g_strdup ("?");

  return g_strdup_printf ("%s %s %s", fields[0], fields[1], fields[2]);
}

gint64
load_rss_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) ||
      (line = strstr (status, "VmRSS:")) == NULL)
    return -1;

  return g_ascii_strtoll (line + strlen ("VmRSS:"), NULL, 10);
}

double
load_self_cpu_s (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);

  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

double
load_group_cpu_s (int    pgid,
                  guint *n_processes)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc", 0, NULL);
  const char *name;
  double ticks = 0;

  *n_processes = 0;
  if (dir == NULL)
    return 0;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autofree char *stat = NULL;
      g_auto(GStrv) fields = NULL;
      const char *after_name;

      if (!g_ascii_isdigit (name[0]))
        continue;
      path = g_build_filename ("/proc", name, "stat", NULL);
      if (!g_file_get_contents (path, &stat, NULL, NULL) ||
          (after_name = strrchr (stat, ')')) == NULL)
        continue;

      /* After "pid (comm) ": state is field 3, pgrp 5, utime 14, stime 15. */
      fields = g_strsplit (after_name + 2, " ", -1);
      if (g_strv_length (fields) > 12 && fields[0][0] != 'Z' &&
          g_ascii_strtoll (fields[2], NULL, 10) == pgid)
        {
          ticks += g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL);
          (*n_processes)++;
        }
    }

  return ticks / sysconf (_SC_CLK_TCK);
}

void
load_remove_db (const char *path)
{
  const char *suffixes[] = { "", "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
      g_remove (file);
    }
}
