/* test-cli.c: botbench-cli as a user runs it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <fcntl.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "botbench-core.h"
#include "botbench-test-handler.h"
#include "botbench-test-utils.h"

static const char *
cli_path (void)
{
  const char *path = g_getenv ("BOTBENCH_CLI");

  g_assert_nonnull (path);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_EXECUTABLE));
  return path;
}

/* Runs the CLI to completion; returns its exit status. */
static int
run_cli (const char  *stdin_data,
         char       **out,
         char       **err,
         const char  *first_arg,
         ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GBytes) in_bytes = NULL;
  g_autoptr(GBytes) out_bytes = NULL;
  g_autoptr(GBytes) err_bytes = NULL;
  g_autoptr(GError) error = NULL;
  va_list ap;

  g_ptr_array_add (args, (char *)cli_path ());
  va_start (ap, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *)arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  proc = g_subprocess_newv ((const char * const *)args->pdata,
                            G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                            G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);

  in_bytes = g_bytes_new (stdin_data ? stdin_data : "", stdin_data ? strlen (stdin_data) : 0);

  g_subprocess_communicate (proc, in_bytes, NULL, &out_bytes, &err_bytes, &error);
  g_assert_no_error (error);

  if (out != NULL)
    *out = g_strndup (g_bytes_get_size (out_bytes) ? g_bytes_get_data (out_bytes, NULL) : "",
                      g_bytes_get_size (out_bytes));
  if (err != NULL)
    *err = g_strndup (g_bytes_get_size (err_bytes) ? g_bytes_get_data (err_bytes, NULL) : "",
                      g_bytes_get_size (err_bytes));

  return g_subprocess_get_if_exited (proc) ? g_subprocess_get_exit_status (proc) : -1;
}

static void
test_help_and_usage (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  static const char * const commands[] = { "decode", "listen", "events", "sandbox", "avatar", "call" };

  g_assert_cmpint (run_cli (NULL, &out, NULL, "--help", NULL), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_assert_nonnull (strstr (out, commands[i]));

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *cmd_out = NULL;

      g_assert_cmpint (run_cli (NULL, &cmd_out, NULL, commands[i], "--help", NULL), ==, 0);
      g_assert_nonnull (strstr (cmd_out, commands[i]));
    }

  g_assert_cmpint (run_cli (NULL, NULL, &err, "no-such-command", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "no-such-command"));
  g_assert_cmpint (run_cli (NULL, NULL, NULL, NULL), ==, 2);
  g_assert_cmpint (run_cli (NULL, NULL, NULL, "events", "--no-such-option", NULL), ==, 2);
  g_assert_cmpint (run_cli (NULL, NULL, NULL, "events", "--format", "xml", NULL), ==, 2);
  g_assert_cmpint (run_cli (NULL, NULL, NULL, "listen", "--port", "70000", NULL), ==, 2);
  g_assert_cmpint (run_cli (NULL, NULL, NULL, "decode", "a", "b", NULL), ==, 2);
}

static void
test_decode (void)
{
  g_auto(GStrv) names = botbench_test_list_fixtures ();

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autoptr(GBytes) body = botbench_test_load_fixture (names[i]);
      g_autofree char *file = g_strconcat (names[i], ".form", NULL);
      g_autofree char *path = g_build_filename (botbench_test_fixtures_dir (), file, NULL);
      g_autoptr(BotbenchFormNode) form = NULL;
      g_autofree char *expected = NULL;
      g_autofree char *out = NULL;
      g_autofree char *out_stdin = NULL;
      g_autofree char *text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));

      form = botbench_post_decode_urlencoded (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
      expected = botbench_form_node_to_json (form);

      g_assert_cmpint (run_cli (NULL, &out, NULL, "decode", path, NULL), ==, 0);
      g_assert_cmpstr (out, ==, expected);

      g_assert_cmpint (run_cli (text, &out_stdin, NULL, "decode", "-", NULL), ==, 0);
      g_assert_cmpstr (out_stdin, ==, expected);
    }

  {
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_cmpint (run_cli ("a[]=1&a[]=2&b[x]=%C3%A9", &out, NULL, "decode", NULL), ==, 0);
    g_assert_cmpstr (out, ==, "{\"a\":[\"1\",\"2\"],\"b\":{\"x\":\"é\"}}");

    /* run_cli() hands back a new string: free the last one first (LSan). */
    g_clear_pointer (&out, g_free);
    g_assert_cmpint (run_cli ("", &out, NULL, "decode", "-", NULL), ==, 0);
    g_assert_cmpstr (g_strstrip (out), ==, "[]");

    g_assert_cmpint (run_cli (NULL, NULL, &err, "decode", "/nonexistent/body.form", NULL), ==, 1);
    g_assert_nonnull (strstr (err, "nonexistent"));
  }
}

/* ---- a running `botbench-cli listen` ------------------------------------ */

typedef struct
{
  GSubprocess      *proc;
  GDataInputStream *out;
  char             *url;
} ListenProcess;

/* extra: more arguments for listen, NULL-terminated (or NULL). */
static void
listen_process_start_full (ListenProcess      *lp,
                           const char         *db,
                           const char * const *extra)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) err = NULL;
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autofree char *line = NULL;

  g_ptr_array_add (args, (char *)cli_path ());
  g_ptr_array_add (args, (char *)"listen");
  g_ptr_array_add (args, (char *)"--port");
  g_ptr_array_add (args, (char *)"0");
  g_ptr_array_add (args, (char *)"--db");
  g_ptr_array_add (args, (char *)db);
  for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
    g_ptr_array_add (args, (char *)extra[i]);
  g_ptr_array_add (args, NULL);
  lp->proc = g_subprocess_newv ((const char * const *)args->pdata,
                                G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);

  err = g_data_input_stream_new (g_subprocess_get_stderr_pipe (lp->proc));
  line = g_data_input_stream_read_line_utf8 (err, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "listening on http://127.0.0.1:"));
  g_assert_true (g_str_has_suffix (line, "/"));

  lp->url = g_strdup (line + strlen ("listening on "));
  lp->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (lp->proc));
}

static void
listen_process_start (ListenProcess *lp,
                      const char    *db)
{
  listen_process_start_full (lp, db, NULL);
}

static void
listen_process_clear (ListenProcess *lp)
{
  g_clear_object (&lp->out);
  g_clear_object (&lp->proc);
  g_clear_pointer (&lp->url, g_free);
}

static guint
post (SoupSession *session,
      const char  *url,
      const char  *body,
      gint64      *id)
{
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
  g_autoptr(GBytes) response = NULL;
  g_autoptr(GError) error = NULL;

  soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", bytes);
  response = soup_session_send_and_read (session, msg, NULL, &error);
  if (error != NULL)
    return 0;

  if (id != NULL && soup_message_get_status (msg) == 200)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonNode *root;

      /* A kill -9 can cut the answer short: without its body it was never
       * a complete acknowledgement. */
      if (g_bytes_get_size (response) == 0 ||
          !json_parser_load_from_data (parser, g_bytes_get_data (response, NULL),
                                       g_bytes_get_size (response), NULL) ||
          (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
          !json_object_has_member (json_node_get_object (root), "id"))
        return 0;

      *id = json_object_get_int_member (json_node_get_object (root), "id");
    }

  return soup_message_get_status (msg);
}

static void
test_listen_prints_events (void)
{
  g_autofree char *dir = botbench_test_make_tmp_dir ();
  g_autofree char *db = g_build_filename (dir, "events.db", NULL);
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 30, NULL);
  g_autoptr(GBytes) body = botbench_test_load_fixture ("ONIMBOTMESSAGEADD");
  g_autofree char *text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *url = NULL;
  g_autofree char *events_out = NULL;
  ListenProcess lp = { 0 };
  JsonObject *object;
  JsonObject *data;
  gint64 id = 0;

  listen_process_start (&lp, db);
  url = g_strconcat (lp.url, "handler?CLIENT_ID=xyz", NULL);
  g_assert_cmpuint (post (session, url, text, &id), ==, 200);

  line = g_data_input_stream_read_line_utf8 (lp.out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);

  json_parser_load_from_data (parser, line, -1, &error);
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (object, "id"), ==, id);
  g_assert_true (json_object_has_member (object, "received"));
  g_assert_cmpstr (json_object_get_string_member (object, "method"), ==, "POST");
  g_assert_cmpstr (json_object_get_string_member (object, "path"), ==, "/handler");
  g_assert_cmpstr (json_object_get_string_member (object, "query"), ==, "CLIENT_ID=xyz");
  g_assert_cmpstr (json_object_get_string_member (object, "event"), ==, "ONIMBOTMESSAGEADD");
  data = json_object_get_object_member (object, "data");
  g_assert_cmpstr (json_object_get_string_member (data, "event"), ==, "ONIMBOTMESSAGEADD");
  g_assert_cmpstr (json_object_get_string_member (
                     json_object_get_object_member (json_object_get_object_member (data, "data"), "PARAMS"),
                     "MESSAGE"), ==, "Hello, bot!");

  g_subprocess_send_signal (lp.proc, SIGTERM);
  g_subprocess_wait (lp.proc, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (lp.proc));
  g_assert_cmpint (g_subprocess_get_exit_status (lp.proc), ==, 0);
  listen_process_clear (&lp);

  /* What listen stored, events prints. */
  g_assert_cmpint (run_cli (NULL, &events_out, NULL, "events", "--db", db, NULL), ==, 0);
  g_assert_nonnull (strstr (events_out, "\"event\":\"ONIMBOTMESSAGEADD\""));
  g_assert_nonnull (strstr (events_out, "Hello, bot!"));

  botbench_test_rm_rf (dir);
}

static void
test_listen_port_in_use (void)
{
  g_autofree char *dir = botbench_test_make_tmp_dir ();
  g_autofree char *db = g_build_filename (dir, "events.db", NULL);
  g_autofree char *db2 = g_build_filename (dir, "events2.db", NULL);
  g_autofree char *err = NULL;
  g_autofree char *port = NULL;
  ListenProcess lp = { 0 };
  const char *colon;

  listen_process_start (&lp, db);
  colon = strrchr (lp.url, ':');
  port = g_strndup (colon + 1, strlen (colon + 1) - 1);

  g_assert_cmpint (run_cli (NULL, NULL, &err, "listen", "--port", port, "--db", db2, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "already in use"));

  g_subprocess_force_exit (lp.proc);
  g_subprocess_wait (lp.proc, NULL, NULL);
  listen_process_clear (&lp);
  botbench_test_rm_rf (dir);
}

/* On SIGINT, listen once printed 17 of 30 stored events.  Every event
 * acknowledged before the signal must have its line on stdout. */
static void
test_listen_signal_prints_all (gconstpointer data)
{
  int signum = GPOINTER_TO_INT (data);
  enum { N = 120 };
  g_autofree char *dir = botbench_test_make_tmp_dir ();
  g_autofree char *db = g_build_filename (dir, "events.db", NULL);
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 30, NULL);
  g_autoptr(GHashTable) printed = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GError) error = NULL;
  ListenProcess lp = { 0 };
  guint lines = 0;

  listen_process_start (&lp, db);

  for (guint i = 0; i < N; i++)
    {
      g_autofree char *body = g_strdup_printf ("event=ONIMBOTMESSAGEADD&data[PARAMS][MESSAGE]=m%u", i);
      gint64 id = 0;

      g_assert_cmpuint (post (session, lp.url, body, &id), ==, 200);
      g_assert_cmpint (id, >, 0);
      g_array_append_val (ids, id);
    }

  /* Right after the last 200: its line has not been announced yet. */
  g_subprocess_send_signal (lp.proc, signum);

  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (lp.out, NULL, NULL, &error);
      g_autoptr(JsonNode) node = NULL;
      gint64 *id;

      g_assert_no_error (error);
      if (line == NULL)
        break;

      node = botbench_json_parse (line, strlen (line), &error);
      g_assert_no_error (error);
      id = g_new (gint64, 1);
      *id = json_object_get_int_member (json_node_get_object (node), "id");
      g_assert_false (g_hash_table_contains (printed, id));   /* each once */
      g_hash_table_add (printed, id);
      lines++;
    }

  g_subprocess_wait (lp.proc, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (lp.proc));
  g_assert_cmpint (g_subprocess_get_exit_status (lp.proc), ==, 0);

  g_test_message ("%u lines for %u acknowledged events", lines, (guint)N);
  for (guint i = 0; i < ids->len; i++)
    g_assert_true (g_hash_table_contains (printed, &g_array_index (ids, gint64, i)));
  g_assert_cmpuint (lines, ==, N);

  {
    GHashTableIter iter;
    gpointer key;

    g_hash_table_iter_init (&iter, printed);
    while (g_hash_table_iter_next (&iter, &key, NULL))
      g_free (key);
  }
  listen_process_clear (&lp);
  botbench_test_rm_rf (dir);
}

/* Runs the CLI; *max_rss_kib gets its peak resident set (wait4). */
static int
run_cli_rss (char       **err,
             glong       *max_rss_kib,
             const char  *first_arg,
             ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  struct rusage usage;
  char buffer[4096];
  int status = 0;
  int err_fd = -1;
  GPid pid;
  va_list ap;
  gssize n;

  g_ptr_array_add (args, (char *)cli_path ());
  va_start (ap, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *)arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  g_spawn_async_with_pipes (NULL, (char **)args->pdata, NULL,
                            G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
                            NULL, NULL, &pid, NULL, NULL, &err_fd, &error);
  g_assert_no_error (error);

  while ((n = read (err_fd, buffer, sizeof buffer)) > 0)
    g_string_append_len (text, buffer, n);
  close (err_fd);

  g_assert_cmpint (wait4 (pid, &status, 0, &usage), ==, pid);
  g_spawn_close_pid (pid);

  *err = g_strdup (text->str);
  *max_rss_kib = usage.ru_maxrss;
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static void
write_nested (const char *path,
              guint       depth,
              const char *inner)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < depth; i++)
    g_string_append_c (text, '[');
  g_string_append (text, inner);
  for (guint i = 0; i < depth; i++)
    g_string_append_c (text, ']');
  g_string_append_c (text, '\n');

  g_file_set_contents (path, text->str, text->len, &error);
  g_assert_no_error (error);
}

/* JSON bombs, two values, and a 1 GiB definition file.  All of
 * these are read before any profile is needed, so no keyring here. */
static void
test_hostile_definition_files (void)
{
  g_autofree char *dir = botbench_test_make_tmp_dir ();
  g_autofree char *deep = g_build_filename (dir, "deep.json", NULL);
  g_autofree char *twice = g_build_filename (dir, "twice.json", NULL);
  g_autofree char *sparse = g_build_filename (dir, "sparse.json", NULL);
  g_autofree char *deep_text = NULL;
  g_autoptr(GError) error = NULL;
  int fd;

  write_nested (deep, 100000, "");
  g_assert_true (g_file_set_contents (twice,
    "{\"CODE\":\"echo\",\"EVENT_HANDLER\":\"https://bot.example.com/hook\",\"PROPERTIES\":{\"NAME\":\"Echo\"}}\n"
    "{\"CODE\":\"evil\",\"EVENT_HANDLER\":\"https://evil.example.com/hook\",\"PROPERTIES\":{\"NAME\":\"Evil\"}}\n",
    -1, &error));
  g_assert_no_error (error);
  fd = g_open (sparse, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, (off_t)1 << 30), ==, 0);
  close (fd);
  g_assert_true (g_file_get_contents (deep, &deep_text, NULL, NULL));

  {
    static const char * const commands[][3] = {
      { "register", NULL, NULL },
      { "register", "--dry-run", NULL },
      { "update", "12", NULL },
      { "command-register", "12", NULL },
      { "call", "imbot.bot.list", "--json" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
      {
        const char *files[] = { deep, twice, sparse };
        const char *expect[] = { "nested deeper than 512 levels", "Unexpected data after the JSON value", "more than the" };

        for (guint f = 0; f < G_N_ELEMENTS (files); f++)
          {
            g_autofree char *out = NULL;
            g_autofree char *err = NULL;
            glong rss = 0;
            int status;

            g_test_message ("%s %s %s", commands[i][0], commands[i][1] ? commands[i][1] : "", files[f]);
            if (g_str_equal (commands[i][0], "register") && commands[i][1] != NULL)
              status = run_cli (NULL, &out, &err, commands[i][0], files[f], commands[i][1], NULL);
            else if (commands[i][1] == NULL)
              status = run_cli (NULL, &out, &err, commands[i][0], files[f], NULL);
            else if (commands[i][2] == NULL)
              status = run_cli (NULL, &out, &err, commands[i][0], commands[i][1], files[f], NULL);
            else
              status = run_cli (NULL, &out, &err, commands[i][0], commands[i][1], commands[i][2], files[f], NULL);

            g_assert_cmpint (status, ==, 1);
            g_assert_cmpstr (out, ==, "");
            if (strstr (err, expect[f]) == NULL)
              g_error ("“%s” not in “%s”", expect[f], err);
            /* The message names the file. */
            g_assert_nonnull (strstr (err, files[f]));

            /* Refused from its size: the 1 GiB file is never read. */
            if (f == 2 && i == 0)
              {
                g_autofree char *rss_err = NULL;

                g_assert_cmpint (run_cli_rss (&rss_err, &rss, "register", sparse, NULL), ==, 1);
                g_test_message ("register of a 1 GiB file: peak RSS %ld KiB", rss);
                g_assert_cmpint (rss, <, 256 * 1024);
              }
          }
      }
  }

  /* --json - reads standard input, with the same checks. */
  {
    g_autofree char *err = NULL;

    g_assert_cmpint (run_cli (deep_text, NULL, &err, "call", "imbot.bot.list", "--json", "-", NULL), ==, 1);
    g_assert_nonnull (strstr (err, "nested deeper than 512 levels"));
    g_clear_pointer (&err, g_free);
    g_assert_cmpint (run_cli ("{\"A\":1} {\"B\":2}", NULL, &err, "call", "imbot.bot.list", "--json", "-", NULL), ==, 1);
    g_assert_nonnull (strstr (err, "Unexpected data after the JSON value at byte 9"));
  }

  botbench_test_rm_rf (dir);
}

static void
test_events_filters (void)
{
  g_autofree char *dir = botbench_test_make_tmp_dir ();
  g_autofree char *db = g_build_filename (dir, "events.db", NULL);
  g_autoptr(BotbenchEventStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) names = botbench_test_list_fixtures ();
  g_autofree char *out = NULL;
  g_autofree char *json_out = NULL;
  g_autofree char *search_out = NULL;
  g_autofree char *limit_out = NULL;
  g_autofree char *missing_out = NULL;
  g_autofree char *missing_db = g_build_filename (dir, "missing.db", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_auto(GStrv) lines = NULL;
  JsonArray *array;

  store = botbench_event_store_new (db, &error);
  g_assert_no_error (error);
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autoptr(GBytes) body = botbench_test_load_fixture (names[i]);
      g_autoptr(BotbenchEvent) event = botbench_event_new (g_get_real_time (), "127.0.0.1", "POST", "/",
                                                           "", NULL, "application/x-www-form-urlencoded", body);

      botbench_event_store_insert (store, event, &error);
      g_assert_no_error (error);
    }
  botbench_event_store_close (store);

  g_assert_cmpint (run_cli (NULL, &out, NULL, "events", "--db", db, "--event", "ONIMCOMMANDADD", NULL), ==, 0);
  lines = g_strsplit (g_strchomp (out), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 1);
  g_assert_nonnull (strstr (lines[0], "\"event\":\"ONIMCOMMANDADD\""));

  g_assert_cmpint (run_cli (NULL, &json_out, NULL, "events", "--db", db, "--format", "json", NULL), ==, 0);
  json_parser_load_from_data (parser, json_out, -1, &error);
  g_assert_no_error (error);
  array = json_node_get_array (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (array), ==, g_strv_length (names));
  /* newest first */
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (array, 0), "id"), >,
                   json_object_get_int_member (json_array_get_object_element (array, 1), "id"));

  g_assert_cmpint (run_cli (NULL, &search_out, NULL, "events", "--db", db, "--search", "observer", NULL), ==, 0);
  g_assert_nonnull (strstr (search_out, "ONIMBOTMESSAGEUPDATE"));
  g_assert_null (strstr (search_out, "ONIMBOTJOINCHAT"));

  g_assert_cmpint (run_cli (NULL, &limit_out, NULL, "events", "--db", db, "--limit", "2", NULL), ==, 0);
  g_clear_pointer (&lines, g_strfreev);
  lines = g_strsplit (g_strchomp (limit_out), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 2);

  g_assert_cmpint (run_cli (NULL, &missing_out, NULL, "events", "--db", missing_db, "--format", "json", NULL), ==, 0);
  g_assert_cmpstr (g_strstrip (missing_out), ==, "[]");
  g_assert_false (g_file_test (missing_db, G_FILE_TEST_EXISTS));

  botbench_test_rm_rf (dir);
}

/* `events --source`: only the events that came that way. */
static void
test_events_source (void)
{
  g_autofree char *dir = botbench_test_make_tmp_dir ();
  g_autofree char *db = g_build_filename (dir, "events.db", NULL);
  g_autoptr(BotbenchEventStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *help = NULL;
  g_autofree char *err = NULL;
  static const struct {
    const char *source;
    const char *body;
  } expected[] = {
    { "listener", "event=ONIMBOTJOINCHAT&n=listener" },
    { "fetched", "{\"event\":\"ONIMBOTV2MESSAGEADD\",\"eventId\":7,\"data\":{}}" },
    { "replay", "event=ONIMBOTJOINCHAT&n=replay" },
    { "import", "event=ONIMBOTJOINCHAT&n=import" },
  };

  store = botbench_event_store_new (db, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr(GBytes) body = g_bytes_new (expected[i].body, strlen (expected[i].body));
      gboolean json = expected[i].body[0] == '{';
      g_autoptr(BotbenchEvent) event = botbench_event_new (g_get_real_time () + i, "127.0.0.1", "POST", "/", "",
                                                           NULL, json ? "application/json"
                                                                      : "application/x-www-form-urlencoded",
                                                           body);

      if (json)
        botbench_event_set_fetched (event, "https://portal.example", 5, 7);
      else if (i == 2)
        botbench_event_set_replay_of (event, 1);
      else if (i == 3)
        botbench_event_set_source (event, BOTBENCH_EVENT_SOURCE_IMPORT);
      botbench_event_store_insert (store, event, &error);
      g_assert_no_error (error);
    }
  botbench_event_store_close (store);

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autofree char *out = NULL;
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autofree char *body = NULL;
      JsonArray *array;
      JsonObject *object;

      g_assert_cmpint (run_cli (NULL, &out, NULL, "events", "--db", db, "--format", "json",
                                "--source", expected[i].source, NULL), ==, 0);
      json_parser_load_from_data (parser, out, -1, &error);
      g_assert_no_error (error);
      array = json_node_get_array (json_parser_get_root (parser));
      g_assert_cmpuint (json_array_get_length (array), ==, 1);
      object = json_array_get_object_element (array, 0);
      g_assert_cmpstr (json_object_get_string_member (object, "source"), ==, expected[i].source);
      g_assert_cmpstr (json_object_get_string_member (object, "body"), ==, expected[i].body);
    }

  /* A source that does not exist is a usage error naming the four. */
  g_assert_cmpint (run_cli (NULL, NULL, &err, "events", "--db", db, "--source", "webhook", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "--source must be listener, fetched, replay or import"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (NULL, NULL, &err, "events", "--db", db, "--source", "", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "--source"));

  g_assert_cmpint (run_cli (NULL, &help, NULL, "events", "--help", NULL), ==, 0);
  g_assert_nonnull (strstr (help, "--source"));
  g_assert_nonnull (strstr (help, "listener"));
  g_assert_nonnull (strstr (help, "fetched"));

  botbench_test_rm_rf (dir);
}

/* ---- kill -9 under load ---------------------------------------------------- */

typedef struct
{
  const char *url;
  guint       client;
  GMutex     *mutex;
  GArray     *acked_ids;      /* gint64, shared */
  GPtrArray  *acked_bodies;   /* char *, shared, parallel to acked_ids */
  gboolean   *stop;
} KillClient;

static gpointer
kill_client_thread (gpointer data)
{
  KillClient *client = data;
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 10, NULL);

  for (guint i = 0; !g_atomic_int_get (client->stop); i++)
    {
      g_autofree char *body = g_strdup_printf ("event=ONIMBOTMESSAGEADD&data[PARAMS][MESSAGE]=c%u-m%u&pad=%0400u",
                                               client->client, i, i);
      gint64 id = 0;

      if (post (session, client->url, body, &id) != 200)
        break;   /* the listener died: no more acknowledgements */

      g_mutex_lock (client->mutex);
      g_array_append_val (client->acked_ids, id);
      g_ptr_array_add (client->acked_bodies, g_steal_pointer (&body));
      g_mutex_unlock (client->mutex);
    }

  return NULL;
}

/* How long the clients may take to have 1500 events acknowledged. */
#define KILL_LOAD_WAIT_S 120

static void
test_kill_under_load (void)
{
  enum { N_CLIENTS = 8 };
  g_autofree char *dir = botbench_test_make_tmp_dir ();
  g_autofree char *db = g_build_filename (dir, "events.db", NULL);
  g_autoptr(GArray) acked_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) acked_bodies = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(BotbenchEventStore) store = NULL;
  g_autoptr(GError) error = NULL;
  KillClient clients[N_CLIENTS];
  GThread *threads[N_CLIENTS];
  ListenProcess lp = { 0 };
  gboolean stop = FALSE;
  GMutex mutex;
  guint n_acked;

  g_mutex_init (&mutex);
  listen_process_start (&lp, db);

  for (guint i = 0; i < N_CLIENTS; i++)
    {
      clients[i] = (KillClient) { lp.url, i, &mutex, acked_ids, acked_bodies, &stop };
      threads[i] = g_thread_new ("kill-client", kill_client_thread, &clients[i]);
    }

  /* Let load build up, then kill -9 in the middle of it. */
  for (gint64 deadline = g_get_monotonic_time () + KILL_LOAD_WAIT_S * G_USEC_PER_SEC;;)
    {
      g_mutex_lock (&mutex);
      n_acked = acked_ids->len;
      g_mutex_unlock (&mutex);
      if (n_acked >= 1500)
        break;
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out after %d s waiting for 1500 acknowledged events (%u so far)",
                 KILL_LOAD_WAIT_S, n_acked);
      g_thread_yield ();
      g_usleep (1000);
    }

  g_subprocess_send_signal (lp.proc, SIGKILL);
  g_subprocess_wait (lp.proc, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_signaled (lp.proc));
  g_assert_cmpint (g_subprocess_get_term_sig (lp.proc), ==, SIGKILL);

  g_atomic_int_set (&stop, TRUE);
  for (guint i = 0; i < N_CLIENTS; i++)
    g_thread_join (threads[i]);

  g_test_message ("%u events acknowledged before kill -9", acked_ids->len);
  g_assert_cmpuint (acked_ids->len, >=, 1500);

  store = botbench_event_store_new (db, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < acked_ids->len; i++)
    {
      gint64 id = g_array_index (acked_ids, gint64, i);
      const char *body = g_ptr_array_index (acked_bodies, i);
      g_autoptr(BotbenchEvent) stored = botbench_event_store_get (store, id, &error);

      g_assert_no_error (error);
      g_assert_nonnull (stored);
      g_assert_cmpmem (g_bytes_get_data (botbench_event_get_body (stored), NULL),
                       g_bytes_get_size (botbench_event_get_body (stored)),
                       body, strlen (body));
    }

  botbench_event_store_close (store);
  listen_process_clear (&lp);
  g_mutex_clear (&mutex);
  botbench_test_rm_rf (dir);
}

static void
test_avatar (void)
{
  g_autofree char *dir = botbench_test_make_tmp_dir ();
  g_autofree char *png = g_build_filename (dir, "wide.png", NULL);
  g_autofree char *text = g_build_filename (dir, "notes.png", NULL);
  g_autoptr(GdkPixbuf) source = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 300, 200);
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *jpeg_out = NULL;
  g_autofree char *err = NULL;
  g_autofree guchar *decoded = NULL;
  g_autofree guchar *jpeg = NULL;
  GdkPixbuf *result;
  gsize len = 0;

  gdk_pixbuf_fill (source, 0x3366ccff);
  g_assert_true (gdk_pixbuf_save (source, png, "png", &error, NULL));
  g_assert_true (g_file_set_contents (text, "not a picture", -1, &error));

  g_assert_cmpint (run_cli (NULL, &out, &err, "avatar", png, "--size", "64", NULL), ==, 0);
  g_assert_null (strchr (out, '\n'));
  g_assert_false (g_str_has_prefix (out, "data:"));
  decoded = g_base64_decode (out, &len);
  g_assert_cmpuint (len, >, 8);
  g_assert_true (gdk_pixbuf_loader_write (loader, decoded, len, &error));
  g_assert_true (gdk_pixbuf_loader_close (loader, &error));
  result = gdk_pixbuf_loader_get_pixbuf (loader);
  g_assert_cmpint (gdk_pixbuf_get_width (result), ==, 64);
  g_assert_cmpint (gdk_pixbuf_get_height (result), ==, 64);
  g_assert_nonnull (strstr (err, "64×64"));

  g_assert_cmpint (run_cli (NULL, &jpeg_out, NULL, "avatar", png, "--format", "jpeg", NULL), ==, 0);
  jpeg = g_base64_decode (jpeg_out, &len);
  g_assert_cmpuint (len, >, 3);
  g_assert_cmpmem (jpeg, 3, "\xff\xd8\xff", 3);

  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (NULL, NULL, &err, "avatar", text, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "not an image"));
  g_assert_cmpint (run_cli (NULL, NULL, NULL, "avatar", png, "--size", "0", NULL), ==, 2);
  g_assert_cmpint (run_cli (NULL, NULL, NULL, "avatar", png, "--format", "gif", NULL), ==, 2);
  g_assert_cmpint (run_cli (NULL, NULL, NULL, "avatar", NULL), ==, 2);

  botbench_test_rm_rf (dir);
}

/* ---- listen --forward ------------------------------------------------------------- */

/* The loopback handler on a thread of its own: the test blocks reading
 * the CLI's output meanwhile. */
typedef struct
{
  GThread                 *thread;
  GMainContext            *context;
  GMainLoop               *loop;
  GMutex                   mutex;
  GCond                    cond;
  BotbenchTestHandlerMode  mode;
  guint                    delay_ms;
  char                    *url;
} HandlerThread;

static gpointer
handler_thread_func (gpointer data)
{
  HandlerThread *ht = data;
  g_autoptr(BotbenchTestHandler) handler = NULL;

  g_main_context_push_thread_default (ht->context);
  handler = botbench_test_handler_new ();
  botbench_test_handler_set_mode (handler, ht->mode);
  botbench_test_handler_set_delay_ms (handler, ht->delay_ms);

  g_mutex_lock (&ht->mutex);
  ht->url = g_strconcat (botbench_test_handler_get_url (handler), "/bot.php", NULL);
  g_cond_signal (&ht->cond);
  g_mutex_unlock (&ht->mutex);

  g_main_loop_run (ht->loop);
  g_clear_pointer (&handler, botbench_test_handler_free);
  g_main_context_pop_thread_default (ht->context);

  return NULL;
}

static void
handler_thread_start (HandlerThread           *ht,
                      BotbenchTestHandlerMode  mode,
                      guint                    delay_ms)
{
  g_mutex_init (&ht->mutex);
  g_cond_init (&ht->cond);
  ht->mode = mode;
  ht->delay_ms = delay_ms;
  ht->context = g_main_context_new ();
  ht->loop = g_main_loop_new (ht->context, FALSE);
  ht->thread = g_thread_new ("test-handler", handler_thread_func, ht);

  g_mutex_lock (&ht->mutex);
  while (ht->url == NULL)
    g_cond_wait (&ht->cond, &ht->mutex);
  g_mutex_unlock (&ht->mutex);
}

static gboolean
handler_thread_quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static void
handler_thread_stop (HandlerThread *ht)
{
  g_main_context_invoke (ht->context, handler_thread_quit_cb, ht->loop);
  g_thread_join (ht->thread);
  g_main_loop_unref (ht->loop);
  g_main_context_unref (ht->context);
  g_mutex_clear (&ht->mutex);
  g_cond_clear (&ht->cond);
  g_free (ht->url);
}

static JsonObject *
parse_line (JsonParser *parser,
            const char *line)
{
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (line);
  json_parser_load_from_data (parser, line, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_node_get_object (json_parser_get_root (parser));
}

static void
test_listen_forward (void)
{
  g_autofree char *dir = botbench_test_make_tmp_dir ();
  g_autofree char *db = g_build_filename (dir, "events.db", NULL);
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 30, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *events_out = NULL;
  g_auto(GStrv) lines = NULL;
  HandlerThread ht = { 0 };
  ListenProcess lp = { 0 };
  gint64 ids[3] = { 0 };

  handler_thread_start (&ht, BOTBENCH_TEST_HANDLER_OK, 0);
  {
    const char * const extra[] = { "--forward", ht.url, "--forward-timeout", "5", NULL };

    listen_process_start_full (&lp, db, extra);
  }

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autofree char *url = g_strdup_printf ("%shook?n=%u", lp.url, i);
      g_autofree char *line = NULL;
      JsonObject *object, *forward;

      g_assert_cmpuint (post (session, url, "event=ONIMBOTMESSAGEADD&data[PARAMS][MESSAGE]=hi", &ids[i]), ==, 200);

      /* One line per event, once its forward finished, with the answer. */
      line = g_data_input_stream_read_line_utf8 (lp.out, NULL, NULL, &error);
      g_assert_no_error (error);
      object = parse_line (parser, line);
      g_assert_cmpint (json_object_get_int_member (object, "id"), ==, ids[i]);
      g_assert_true (JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, "forward")));
      forward = json_object_get_object_member (object, "forward");
      g_assert_cmpstr (json_object_get_string_member (forward, "url"), ==, ht.url);
      g_assert_cmpint (json_object_get_int_member (forward, "status"), ==, 200);
      g_assert_true (json_object_get_null_member (forward, "error"));
      g_assert_cmpstr (json_object_get_string_member (forward, "response_body"), ==, "ok");
      g_assert_cmpint (json_object_get_int_member (forward, "duration_ms"), >=, 0);
    }

  g_subprocess_send_signal (lp.proc, SIGTERM);
  g_subprocess_wait (lp.proc, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (lp.proc));
  g_assert_cmpint (g_subprocess_get_exit_status (lp.proc), ==, 0);
  listen_process_clear (&lp);
  handler_thread_stop (&ht);

  /* events shows the same forward; null for an event never forwarded. */
  {
    g_autoptr(BotbenchEventStore) store = botbench_event_store_new (db, &error);
    g_autoptr(GBytes) plain_body = g_bytes_new_static ("event=PLAIN", 11);
    g_autoptr(BotbenchEvent) plain = botbench_event_new (g_get_real_time (), "127.0.0.1", "POST", "/", "",
                                                         NULL, "application/x-www-form-urlencoded",
                                                         plain_body);

    g_assert_no_error (error);
    botbench_event_store_insert (store, plain, &error);
    g_assert_no_error (error);
    botbench_event_store_close (store);
  }
  g_assert_cmpint (run_cli (NULL, &events_out, NULL, "events", "--db", db, NULL), ==, 0);
  lines = g_strsplit (g_strchomp (events_out), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *object = parse_line (parser, lines[i]);

      g_assert_true (json_object_has_member (object, "forward"));
      if (i == 0)
        {
          g_assert_true (json_object_get_null_member (object, "forward"));
          continue;
        }
      g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (object, "forward"),
                                                   "status"), ==, 200);
    }

  /* Usage errors. */
  g_assert_cmpint (run_cli (NULL, NULL, NULL, "listen", "--db", db, "--forward", "ftp://x/", NULL), ==, 2);
  g_assert_cmpint (run_cli (NULL, NULL, NULL, "listen", "--db", db, "--forward", "http://127.0.0.1:1/",
                            "--forward-timeout", "0", NULL), ==, 2);
  g_assert_cmpint (run_cli (NULL, NULL, NULL, "listen", "--db", db, "--forward", "http://127.0.0.1:1/",
                            "--forward-timeout", "601", NULL), ==, 2);

  botbench_test_rm_rf (dir);
}

/* The next line listen prints; fails the test after timeout_ms. */
static JsonObject *
read_line_within (ListenProcess *lp,
                  JsonParser    *parser,
                  guint          timeout_ms)
{
  g_auto(BotbenchTestResult) r = { NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;

  g_data_input_stream_read_line_async (lp->out, G_PRIORITY_DEFAULT, NULL, botbench_test_result_cb, &r);
  line = g_data_input_stream_read_line_finish_utf8 (lp->out, botbench_test_result_wait (&r, timeout_ms),
                                                     NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  return parse_line (parser, line);
}

/* Another process stores events in the same database: listen --forward
 * prints them without waiting for a forward it does not make, and its
 * own lines keep coming.  One stored with another forwarder's pending
 * forward prints as pending. */
static void
test_listen_forward_other_writers (void)
{
  g_autofree char *dir = botbench_test_make_tmp_dir ();
  g_autofree char *db = g_build_filename (dir, "events.db", NULL);
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 30, NULL);
  g_autoptr(BotbenchEventStore) other = NULL;
  g_autoptr(GError) error = NULL;
  HandlerThread ht = { 0 };
  ListenProcess lp = { 0 };

  handler_thread_start (&ht, BOTBENCH_TEST_HANDLER_OK, 0);
  {
    const char * const extra[] = { "--forward", ht.url, "--forward-timeout", "5", NULL };

    listen_process_start_full (&lp, db, extra);
  }
  other = botbench_event_store_new (db, &error);
  g_assert_no_error (error);

  for (guint round = 0; round < 2; round++)
    {
      g_autoptr(GBytes) body = g_bytes_new_static ("event=OTHER", 11);
      g_autoptr(BotbenchEvent) event = botbench_event_new (g_get_real_time (), "127.0.0.1", "POST", "/", "",
                                                           NULL, "application/x-www-form-urlencoded", body);
      g_autoptr(JsonParser) p1 = json_parser_new ();
      g_autoptr(JsonParser) p2 = json_parser_new ();
      JsonObject *line, *forward;
      gint64 other_id, own_id = 0;

      /* Round 1: never forwarded; round 2: another forwarder's, pending. */
      if (round == 1)
        {
          g_autoptr(BotbenchForwardResult) pending = botbench_forward_result_new ("http://127.0.0.1:9/elsewhere");

          botbench_event_set_forward (event, pending);
        }
      other_id = botbench_event_store_insert (other, event, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (post (session, lp.url, "event=ONIMBOTMESSAGEADD&data[PARAMS][MESSAGE]=own", &own_id), ==, 200);

      line = read_line_within (&lp, p1, 10000);
      g_assert_cmpint (json_object_get_int_member (line, "id"), ==, other_id);
      if (round == 0)
        g_assert_true (json_object_get_null_member (line, "forward"));
      else
        {
          forward = json_object_get_object_member (line, "forward");
          g_assert_cmpstr (json_object_get_string_member (forward, "state"), ==, "pending");
          g_assert_true (json_object_get_null_member (forward, "status"));
          g_assert_true (json_object_get_null_member (forward, "error"));
        }

      line = read_line_within (&lp, p2, 10000);
      g_assert_cmpint (json_object_get_int_member (line, "id"), ==, own_id);
      forward = json_object_get_object_member (line, "forward");
      g_assert_cmpint (json_object_get_int_member (forward, "status"), ==, 200);
      g_assert_cmpstr (json_object_get_string_member (forward, "state"), ==, "done");
    }

  botbench_event_store_close (other);
  g_subprocess_send_signal (lp.proc, SIGTERM);
  g_subprocess_wait (lp.proc, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (lp.proc), ==, 0);
  listen_process_clear (&lp);
  handler_thread_stop (&ht);
  botbench_test_rm_rf (dir);
}

/* kill -9 of listen --forward while forwards hang: every acknowledged
 * event is in the store afterwards. */
static void
test_listen_forward_kill (void)
{
  g_autofree char *dir = botbench_test_make_tmp_dir ();
  g_autofree char *db = g_build_filename (dir, "events.db", NULL);
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 30, NULL);
  g_autoptr(BotbenchEventStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) acked = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *target = NULL;
  HandlerThread ht = { 0 };
  ListenProcess lp = { 0 };
  const guint n = 40;

  handler_thread_start (&ht, BOTBENCH_TEST_HANDLER_SLOW, 30000);
  target = g_strdup (ht.url);
  {
    const char * const extra[] = { "--forward", ht.url, NULL };

    listen_process_start_full (&lp, db, extra);
  }

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *body = g_strdup_printf ("event=ONIMBOTMESSAGEADD&data[PARAMS][MESSAGE]=kill%u", i);
      gint64 id = 0;

      g_assert_cmpuint (post (session, lp.url, body, &id), ==, 200);
      g_array_append_val (acked, id);
    }

  g_subprocess_send_signal (lp.proc, SIGKILL);
  g_subprocess_wait (lp.proc, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_signaled (lp.proc));
  listen_process_clear (&lp);
  handler_thread_stop (&ht);

  store = botbench_event_store_new (db, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < acked->len; i++)
    {
      g_autoptr(BotbenchEvent) stored = botbench_event_store_get (store, g_array_index (acked, gint64, i), &error);
      g_autofree char *message = g_strdup_printf ("kill%u", i);
      BotbenchForwardResult *fw;

      g_assert_no_error (error);
      g_assert_cmpstr (botbench_event_get_message (stored), ==, message);
      /* The forwards hung: none finished, and each shows as pending
       * (written with the event), not as never forwarded. */
      fw = botbench_event_get_forward (stored);
      g_assert_nonnull (fw);
      g_assert_cmpint (botbench_forward_result_get_state (fw), ==, BOTBENCH_FORWARD_STATE_PENDING);
      g_assert_cmpstr (botbench_forward_result_get_url (fw), ==, target);
      g_assert_cmpuint (botbench_forward_result_get_status (fw), ==, 0);
      g_assert_null (botbench_forward_result_get_error (fw));
    }
  botbench_event_store_close (store);
  botbench_test_rm_rf (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli/help-and-usage", test_help_and_usage);
  g_test_add_func ("/cli/decode", test_decode);
  g_test_add_func ("/cli/listen-prints-events", test_listen_prints_events);
  g_test_add_func ("/cli/listen-port-in-use", test_listen_port_in_use);
  g_test_add_data_func ("/cli/listen-sigint-prints-all", GINT_TO_POINTER (SIGINT), test_listen_signal_prints_all);
  g_test_add_data_func ("/cli/listen-sigterm-prints-all", GINT_TO_POINTER (SIGTERM), test_listen_signal_prints_all);
  g_test_add_func ("/cli/hostile-definition-files", test_hostile_definition_files);
  g_test_add_func ("/cli/events-filters", test_events_filters);
  g_test_add_func ("/cli/events-source", test_events_source);
  g_test_add_func ("/cli/avatar", test_avatar);
  g_test_add_func ("/cli/kill-9-under-load", test_kill_under_load);
  g_test_add_func ("/cli/listen-forward", test_listen_forward);
  g_test_add_func ("/cli/listen-forward-kill-9", test_listen_forward_kill);
  g_test_add_func ("/cli/listen-forward-other-writers", test_listen_forward_other_writers);

  return g_test_run ();
}
