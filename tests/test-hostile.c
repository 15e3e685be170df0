/* test-hostile.c: hostile clients against `botbench-cli listen` and `sandbox`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Issue 8's hostile-client test and the regression tests of its items 1–4,
 * 6 and the HTTP parts of 7, black-box: every case starts the real CLI as a
 * child process and talks to it over raw 127.0.0.1 sockets.  Nothing here
 * blocks without a deadline, and every case runs in its own GTest
 * subprocess, so a crash or a hang in one server does not hide the others.
 * The servers get PR_SET_PDEATHSIG: a killed case leaves no server behind.
 *
 * The deadlines are liveness bounds ("answered within the idle timeout plus
 * a few seconds"), not speed measurements.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "botbench-test-utils.h"

#define IDLE_TIMEOUT_S   2       /* --idle-timeout of most cases */
#define LONG_IDLE_S      30      /* where no close may come from the idle timeout */
#define SLACK_MS         5000    /* "a few seconds" past a timeout */
#define ANSWER_MS        5000    /* a prompt answer to a small request */

/* Under AddressSanitizer (build-aux/dev sanitize unwinds every malloc the
 * slow way) a TLS client spends about a second loading the system's CA
 * list before its ClientHello: the TLS cases give it a longer timeout. */
#if defined(__SANITIZE_ADDRESS__)
# define TLS_IDLE_TIMEOUT_S (IDLE_TIMEOUT_S * 4)
#elif defined(__has_feature)
# if __has_feature(address_sanitizer)
#  define TLS_IDLE_TIMEOUT_S (IDLE_TIMEOUT_S * 4)
# endif
#endif
#ifndef TLS_IDLE_TIMEOUT_S
# define TLS_IDLE_TIMEOUT_S IDLE_TIMEOUT_S
#endif
#define HEAVY_MS         30000   /* bombs: decoding may take a while (ASan) */
#define CASE_TIMEOUT_S   120     /* a whole case; guards against this file's own bugs */
#define STARTUP_MS       15000
#define SECRET           "hostileWebhookKey8"
#define WEBHOOK_PATH     "/rest/1/" SECRET "/imbot.bot.list"
#define WRONG_PATH       "/rest/1/wrongSecret123/imbot.bot.list"
#define FD_LIMIT         256     /* RLIMIT_NOFILE of the EMFILE cases' servers */
#define N_IDLE_FLOOD     400
#define N_OPTIONS_FLOOD  300
#define MIB              (1024 * 1024)
#define GIB_TEXT         "1073741824"
#define STREAM_BYTES     (256 * MIB)
#define MAX_ACCEPTED     (64 * MIB)   /* a 413 must come long before 256 MiB */
#define MAX_RSS_GROWTH   (32 * MIB)

/* ---- reporting --------------------------------------------------------- */

static void note (const char *format, ...) G_GNUC_PRINTF (1, 2);

static void
note (const char *format,
      ...)
{
  g_autofree char *text = NULL;
  va_list ap;

  va_start (ap, format);
  text = g_strdup_vprintf (format, ap);
  va_end (ap);

  /* A case runs in a subprocess whose stdout nobody reads. */
  if (g_test_subprocess ())
    g_printerr ("# %s\n", text);
  else
    g_test_message ("%s", text);
}

/* Failures that do not stop a case: the later steps still say what they
 * see, and the case fails at the end with all of them. */
typedef struct
{
  GPtrArray *failures;
} Checks;

static void
checks_init (Checks *checks)
{
  checks->failures = g_ptr_array_new_with_free_func (g_free);
}

static gboolean check (Checks *checks, gboolean ok, const char *format, ...) G_GNUC_PRINTF (3, 4);

static gboolean
check (Checks     *checks,
       gboolean    ok,
       const char *format,
       ...)
{
  char *text;
  va_list ap;

  if (ok)
    return TRUE;

  va_start (ap, format);
  text = g_strdup_vprintf (format, ap);
  va_end (ap);

  note ("FAIL: %s", text);
  g_ptr_array_add (checks->failures, text);
  return FALSE;
}

#define checks_finish(checks) checks_finish_at ((checks), __FILE__, __LINE__)

static void
checks_finish_at (Checks     *checks,
                  const char *file,
                  int         line)
{
  g_autoptr(GPtrArray) failures = g_steal_pointer (&checks->failures);

  if (failures->len > 0)
    {
      g_autoptr(GString) text = g_string_new (NULL);

      g_string_append_printf (text, "%u check(s) failed:", failures->len);
      for (guint i = 0; i < failures->len; i++)
        g_string_append_printf (text, "\n  - %s", (const char *)g_ptr_array_index (failures, i));
      g_assertion_message (G_LOG_DOMAIN, file, line, G_STRFUNC, text->str);
    }
}

/* ---- time -------------------------------------------------------------- */

static gint64
deadline_in_ms (guint ms)
{
  return g_get_monotonic_time () + (gint64)ms * 1000;
}

static int
remaining_ms (gint64 deadline)
{
  gint64 left = deadline - g_get_monotonic_time ();

  if (left <= 0)
    return 0;
  return (int)MIN ((left + 999) / 1000, G_MAXINT);
}

static double
seconds_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / (double)G_USEC_PER_SEC;
}

/* ---- raw connections --------------------------------------------------- */

typedef struct
{
  int       fd;
  GString  *in;       /* received and not parsed yet */
  gsize     sent;
  gboolean  eof;      /* the server closed its side */
  gboolean  reset;    /* ECONNRESET, EPIPE or a failed connect */
} Conn;

static void
conn_free (Conn *c)
{
  if (c->fd >= 0)
    close (c->fd);
  g_string_free (c->in, TRUE);
  g_free (c);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Conn, conn_free)

static gboolean
conn_closed (Conn *c)
{
  return c->eof || c->reset;
}

/* Starts a connection to 127.0.0.1:port.  With timeout_ms 0 it does not wait
 * for the connect to complete (floods); otherwise it returns NULL if the
 * connect fails or takes longer. */
static Conn *
conn_new (guint16 port,
          guint   timeout_ms)
{
  struct sockaddr_in address = { 0 };
  Conn *c = g_new0 (Conn, 1);

  c->in = g_string_new (NULL);
  c->fd = socket (AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  g_assert_cmpint (c->fd, >=, 0);

  address.sin_family = AF_INET;
  address.sin_port = htons (port);
  address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);

  if (connect (c->fd, (struct sockaddr *)&address, sizeof address) < 0)
    {
      if (errno != EINPROGRESS)
        c->reset = TRUE;
      else if (timeout_ms > 0)
        {
          struct pollfd pfd = { c->fd, POLLOUT, 0 };
          int so_error = 0;
          socklen_t len = sizeof so_error;

          if (poll (&pfd, 1, timeout_ms) <= 0 ||
              getsockopt (c->fd, SOL_SOCKET, SO_ERROR, &so_error, &len) < 0 || so_error != 0)
            c->reset = TRUE;
        }
    }

  if (timeout_ms > 0 && c->reset)
    {
      conn_free (c);
      return NULL;
    }

  return c;
}

/* Reads whatever is there without blocking. */
static void
conn_receive (Conn *c)
{
  char buffer[65536];

  while (!conn_closed (c))
    {
      ssize_t n = recv (c->fd, buffer, sizeof buffer, MSG_DONTWAIT);

      if (n > 0)
        {
          /* Servers answer small; don't let a broken one eat our memory. */
          if (c->in->len < 4 * MIB)
            g_string_append_len (c->in, buffer, n);
        }
      else if (n == 0)
        c->eof = TRUE;
      else if (errno == EINTR)
        continue;
      else if (errno == EAGAIN || errno == EWOULDBLOCK)
        break;
      else
        c->reset = TRUE;
    }
}

/* Waits until something can be read or the deadline; FALSE on the deadline. */
static gboolean
conn_wait_readable (Conn   *c,
                    gint64  deadline)
{
  for (;;)
    {
      struct pollfd pfd = { c->fd, POLLIN, 0 };
      int timeout = remaining_ms (deadline);
      int n;

      if (timeout == 0)
        return FALSE;
      n = poll (&pfd, 1, timeout);
      if (n < 0 && errno == EINTR)
        continue;
      g_assert_cmpint (n, >=, 0);
      if (n > 0)
        return TRUE;
    }
}

/* Sends len bytes while reading whatever the server answers meanwhile (an
 * early 413 must not be lost in a reset).  Stops when all is sent, the
 * connection is closed or the deadline passes; TRUE if all was sent. */
static gboolean
conn_send (Conn       *c,
           const void *data,
           gsize       len,
           gint64      deadline)
{
  gsize offset = 0;

  while (offset < len && !conn_closed (c))
    {
      struct pollfd pfd = { c->fd, POLLIN | POLLOUT, 0 };
      int timeout = remaining_ms (deadline);
      int n;

      if (timeout == 0)
        break;
      n = poll (&pfd, 1, timeout);
      if (n < 0 && errno == EINTR)
        continue;
      g_assert_cmpint (n, >=, 0);

      if (pfd.revents & (POLLIN | POLLHUP | POLLERR))
        conn_receive (c);

      if (!conn_closed (c) && (pfd.revents & POLLOUT))
        {
          ssize_t sent = send (c->fd, (const char *)data + offset, MIN (len - offset, 256 * 1024),
                               MSG_NOSIGNAL | MSG_DONTWAIT);

          if (sent > 0)
            {
              offset += sent;
              c->sent += sent;
            }
          else if (sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            {
              conn_receive (c);
              c->reset = TRUE;
            }
        }
    }

  return offset == len;
}

static gboolean
conn_send_str (Conn       *c,
               const char *text,
               gint64      deadline)
{
  return conn_send (c, text, strlen (text), deadline);
}

static gboolean
conn_send_bytes (Conn   *c,
                 GBytes *bytes,
                 gint64  deadline)
{
  return conn_send (c, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), deadline);
}

/* Reads until the server closes the connection or the deadline. */
static gboolean
conn_wait_closed (Conn   *c,
                  gint64  deadline)
{
  conn_receive (c);
  while (!conn_closed (c) && conn_wait_readable (c, deadline))
    conn_receive (c);

  return conn_closed (c);
}

/* ---- responses --------------------------------------------------------- */

typedef struct
{
  guint     status;       /* 0: no parseable status line */
  gboolean  conn_close;   /* "Connection: close" */
  char     *head;
  GBytes   *body;
} Response;

static void
response_clear (Response *r)
{
  g_clear_pointer (&r->head, g_free);
  g_clear_pointer (&r->body, g_bytes_unref);
  r->status = 0;
  r->conn_close = FALSE;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Response, response_clear)

static gssize
find_bytes (const char *haystack,
            gsize       len,
            const char *needle)
{
  gsize n = strlen (needle);

  for (gsize i = 0; i + n <= len; i++)
    if (memcmp (haystack + i, needle, n) == 0)
      return (gssize)i;

  return -1;
}

/* Takes one complete response off c->in. */
static gboolean
response_parse (Conn     *c,
                Response *r)
{
  g_auto(GStrv) lines = NULL;
  gssize end = find_bytes (c->in->str, c->in->len, "\r\n\r\n");
  gsize head_len;
  guint64 body_len = 0;
  gboolean have_length = FALSE;

  response_clear (r);

  if (end < 0)
    {
      if (!conn_closed (c) || c->in->len == 0)
        return FALSE;

      /* Closed after something that is no HTTP response. */
      r->head = g_strndup (c->in->str, MIN (c->in->len, 200));
      g_string_truncate (c->in, 0);
      return TRUE;
    }

  head_len = (gsize)end + 4;
  r->head = g_strndup (c->in->str, head_len);
  if (g_str_has_prefix (r->head, "HTTP/1.") && head_len > 12 && r->head[8] == ' ')
    r->status = (guint)g_ascii_strtoull (r->head + 9, NULL, 10);

  lines = g_strsplit (r->head, "\r\n", -1);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      char *colon = strchr (lines[i], ':');
      g_autofree char *name = NULL;
      g_autofree char *value = NULL;

      if (colon == NULL)
        continue;
      name = g_strstrip (g_strndup (lines[i], colon - lines[i]));
      value = g_strstrip (g_strdup (colon + 1));

      if (g_ascii_strcasecmp (name, "Content-Length") == 0)
        {
          body_len = g_ascii_strtoull (value, NULL, 10);
          have_length = TRUE;
        }
      else if (g_ascii_strcasecmp (name, "Connection") == 0)
        {
          g_autofree char *lower = g_ascii_strdown (value, -1);

          if (strstr (lower, "close") != NULL)
            r->conn_close = TRUE;
        }
    }

  if (!have_length)
    {
      if (r->status / 100 == 1 || r->status == 204 || r->status == 304)
        body_len = 0;
      else if (!conn_closed (c))
        {
          response_clear (r);
          return FALSE;
        }
      else
        body_len = c->in->len - head_len;
    }

  if (c->in->len - head_len < body_len)
    {
      if (!conn_closed (c))
        {
          response_clear (r);
          return FALSE;
        }
      body_len = c->in->len - head_len;   /* cut short */
    }

  r->body = g_bytes_new (c->in->str + head_len, body_len);
  g_string_erase (c->in, 0, head_len + body_len);
  return TRUE;
}

/* Reads one response; FALSE if none came before the deadline or the close. */
static gboolean
conn_read_response (Conn     *c,
                    gint64    deadline,
                    Response *r)
{
  for (;;)
    {
      conn_receive (c);
      if (response_parse (c, r))
        return TRUE;
      if (conn_closed (c) || !conn_wait_readable (c, deadline))
        return FALSE;
    }
}

static GBytes *
build_request (const char *method,
               const char *path,
               const char *content_type,
               const void *body,
               gsize       body_len,
               gboolean    keep_alive)
{
  GString *request = g_string_new (NULL);

  g_string_append_printf (request, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n", method, path);
  if (content_type != NULL)
    g_string_append_printf (request, "Content-Type: %s\r\n", content_type);
  if (body != NULL)
    g_string_append_printf (request, "Content-Length: %" G_GSIZE_FORMAT "\r\n", body_len);
  if (!keep_alive)
    g_string_append (request, "Connection: close\r\n");
  g_string_append (request, "\r\n");
  if (body != NULL)
    g_string_append_len (request, body, body_len);

  return g_string_free_to_bytes (request);
}

/* One request on a new connection; TRUE if a response came by the deadline. */
static gboolean
exchange (guint16   port,
          GBytes   *request,
          guint     timeout_ms,
          Response *r)
{
  gint64 deadline = deadline_in_ms (timeout_ms);
  g_autoptr(Conn) c = conn_new (port, timeout_ms);

  response_clear (r);
  if (c == NULL)
    return FALSE;

  conn_send_bytes (c, request, deadline);
  return conn_read_response (c, deadline, r) && r->status != 0;
}

static guint
post_form (guint16     port,
           const char *path,
           const char *body,
           guint       timeout_ms)
{
  g_autoptr(GBytes) request = build_request ("POST", path, "application/x-www-form-urlencoded",
                                             body, strlen (body), FALSE);
  g_auto(Response) r = { 0 };

  return exchange (port, request, timeout_ms, &r) ? r.status : 0;
}

static JsonNode *
parse_json (GBytes *bytes)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (bytes == NULL || g_bytes_get_size (bytes) == 0 ||
      !json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL) ||
      json_parser_get_root (parser) == NULL)
    return NULL;

  return json_node_ref (json_parser_get_root (parser));
}

/* An error body the way the listener and the portal write them:
 * {"error": "...", "error_description": "..."}. */
static gboolean
is_json_error (GBytes *body)
{
  g_autoptr(JsonNode) root = parse_json (body);

  return root != NULL && JSON_NODE_HOLDS_OBJECT (root) &&
         json_object_has_member (json_node_get_object (root), "error");
}

static gint64
json_id (GBytes *body)
{
  g_autoptr(JsonNode) root = parse_json (body);

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      !json_object_has_member (json_node_get_object (root), "id"))
    return -1;

  return json_object_get_int_member (json_node_get_object (root), "id");
}

static char *
body_excerpt (GBytes *body)
{
  gsize len = 0;
  const char *data = body ? g_bytes_get_data (body, &len) : NULL;
  g_autofree char *text = g_strndup (data ? data : "", data ? MIN (len, 160) : 0);

  return g_strescape (text, NULL);
}

/* ---- the CLI ----------------------------------------------------------- */

static const char *
cli_path (void)
{
  const char *path = g_getenv ("BOTBENCH_CLI");

  g_assert_nonnull (path);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_EXECUTABLE));
  return path;
}

static char *
run_cli_sync (int         *exit_status,
              const char  *first_arg,
              ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  int status = 0;
  va_list ap;

  g_ptr_array_add (args, (char *)cli_path ());
  va_start (ap, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *)arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  g_spawn_sync (NULL, (char **)args->pdata, NULL, G_SPAWN_STDIN_FROM_DEV_NULL, NULL, NULL,
                &out, &err, &status, &error);
  g_assert_no_error (error);

  *exit_status = WIFEXITED (status) ? WEXITSTATUS (status) : -1;
  if (*exit_status != 0)
    note ("%s %s: exit %d: %s", cli_path (), first_arg, *exit_status, err);

  return out;
}

/* Does `botbench-cli COMMAND --help` list OPTION? */
static gboolean
cli_supports (const char *command,
              const char *option)
{
  static GHashTable *help;
  const char *text;
  g_autofree char *pattern = g_strconcat (option, "=", NULL);

  if (help == NULL)
    help = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  text = g_hash_table_lookup (help, command);
  if (text == NULL)
    {
      int status;
      char *out = run_cli_sync (&status, command, "--help", NULL);

      g_assert_cmpint (status, ==, 0);
      g_hash_table_insert (help, g_strdup (command), out);
      text = out;
    }

  return strstr (text, pattern) != NULL;
}

/* ---- a running server -------------------------------------------------- */

typedef enum
{
  KIND_LISTEN,
  KIND_SANDBOX,
} ServerKind;

typedef struct
{
  guint     idle_timeout;      /* 0: the default */
  guint     max_connections;   /* 0: the default */
  gsize     max_body;          /* 0: the default */
  guint     fd_limit;          /* 0: inherited */
  gboolean  tls;
} ServerOptions;

typedef struct
{
  ServerKind  kind;
  const char *name;
  char       *dir;
  char       *db;
  char       *err_path;
  GPid        pid;
  gboolean    dead;
  int         wait_status;
  guint16     port;         /* the listener, or the sandbox's (TLS) port */
  guint16     http_port;    /* the sandbox's plain side with --tls */
  gboolean    tls;
} Server;

static void
child_setup (gpointer data)
{
  rlim_t limit = GPOINTER_TO_UINT (data);

  /* The server dies with the case's process, even when a watchdog kills it. */
  prctl (PR_SET_PDEATHSIG, SIGKILL);

  if (limit > 0)
    {
      struct rlimit rl = { limit, limit };

      setrlimit (RLIMIT_NOFILE, &rl);
    }
}

static gboolean
server_is_dead (Server *s)
{
  int status;

  if (!s->dead && waitpid (s->pid, &status, WNOHANG) == s->pid)
    {
      s->dead = TRUE;
      s->wait_status = status;
    }

  return s->dead;
}

/* After a connection was cut without an answer: a crashing server may take
 * a moment to be reaped. */
static gboolean
server_wait_dead (Server *s,
                  guint   timeout_ms)
{
  gint64 deadline = deadline_in_ms (timeout_ms);

  while (!server_is_dead (s) && remaining_ms (deadline) > 0)
    g_usleep (10 * 1000);

  return s->dead;
}

static char *
server_describe_death (Server *s)
{
  g_autofree char *err = NULL;
  g_autofree char *how = NULL;
  gsize len = 0;

  g_file_get_contents (s->err_path, &err, &len, NULL);

  if (WIFSIGNALED (s->wait_status))
    how = g_strdup_printf ("killed by signal %d (%s)", WTERMSIG (s->wait_status),
                           g_strsignal (WTERMSIG (s->wait_status)));
  else
    how = g_strdup_printf ("exited with status %d", WEXITSTATUS (s->wait_status));

  return g_strdup_printf ("%s; its stderr ends with: %s", how,
                          err ? err + (len > 1500 ? len - 1500 : 0) : "");
}

static char *
read_port_line (const char *text,
                const char *prefix,
                guint16    *port)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], prefix))
      {
        const char *colon = strrchr (lines[i], ':');

        *port = (guint16)g_ascii_strtoull (colon + 1, NULL, 10);
        return g_strdup (lines[i]);
      }

  return NULL;
}

static void
server_start (Server              *s,
              ServerKind           kind,
              const ServerOptions *options)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *out_path = NULL;
  const char *command = kind == KIND_LISTEN ? "listen" : "sandbox";
  gint64 deadline = deadline_in_ms (STARTUP_MS);
  int out_fd, err_fd;

  memset (s, 0, sizeof *s);
  s->kind = kind;
  s->name = kind == KIND_LISTEN ? "botbench-cli listen" : "botbench-cli sandbox";
  s->tls = options->tls;
  /* Inside the case's directory, which run_case() removes even after an abort. */
  if (g_getenv ("BOTBENCH_HOSTILE_DIR") != NULL)
    {
      s->dir = g_build_filename (g_getenv ("BOTBENCH_HOSTILE_DIR"), "server-XXXXXX", NULL);
      g_assert_nonnull (g_mkdtemp (s->dir));
    }
  else
    s->dir = botbench_test_make_tmp_dir ();
  s->err_path = g_build_filename (s->dir, "stderr.txt", NULL);
  out_path = g_build_filename (s->dir, "stdout.txt", NULL);

  g_ptr_array_add (args, g_strdup (cli_path ()));
  g_ptr_array_add (args, g_strdup (command));
  g_ptr_array_add (args, g_strdup ("--port"));
  g_ptr_array_add (args, g_strdup ("0"));
  if (kind == KIND_LISTEN)
    {
      s->db = g_build_filename (s->dir, "events.db", NULL);
      g_ptr_array_add (args, g_strdup ("--db"));
      g_ptr_array_add (args, g_strdup (s->db));
    }
  else
    {
      g_ptr_array_add (args, g_strdup ("--memory"));
      g_ptr_array_add (args, g_strdup ("--webhook-secret"));
      g_ptr_array_add (args, g_strdup (SECRET));
      g_ptr_array_add (args, g_strdup ("--rate-limit"));
      g_ptr_array_add (args, g_strdup ("off"));
      if (options->tls)
        g_ptr_array_add (args, g_strdup ("--tls"));
    }

  /* Options the CLI does not know yet are left out (and reported), so that
   * the cases fail on what the server does, not on a usage error;
   * /hostile/cli-options fails for the missing options themselves. */
#define ADD_OPTION(opt, value, format)                                              \
  if ((value) > 0)                                                                  \
    {                                                                               \
      if (cli_supports (command, opt))                                              \
        {                                                                           \
          g_ptr_array_add (args, g_strdup (opt));                                   \
          g_ptr_array_add (args, g_strdup_printf (format, value));                  \
        }                                                                           \
      else                                                                          \
        note ("%s does not know %s yet: running without it", s->name, opt);         \
    }
  ADD_OPTION ("--idle-timeout", options->idle_timeout, "%u");
  ADD_OPTION ("--max-connections", options->max_connections, "%u");
  ADD_OPTION ("--max-body", options->max_body, "%" G_GSIZE_FORMAT);
#undef ADD_OPTION
  g_ptr_array_add (args, NULL);

  out_fd = open (out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  err_fd = open (s->err_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  g_assert_cmpint (out_fd, >=, 0);
  g_assert_cmpint (err_fd, >=, 0);

  g_spawn_async_with_pipes_and_fds (NULL, (const char * const *)args->pdata, NULL,
                                    G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDIN_FROM_DEV_NULL,
                                    child_setup, GUINT_TO_POINTER (options->fd_limit),
                                    -1, out_fd, err_fd, NULL, NULL, 0,
                                    &s->pid, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  close (out_fd);
  close (err_fd);

  /* It says where it listens on stderr (see test-cli.c). */
  for (;;)
    {
      g_autofree char *err = NULL;
      g_autofree char *line = NULL;
      g_autofree char *http_line = NULL;

      g_file_get_contents (s->err_path, &err, NULL, NULL);
      if (err != NULL && strchr (err, '\n') != NULL)
        {
          if (kind == KIND_LISTEN)
            line = read_port_line (err, "listening on http://127.0.0.1:", &s->port);
          else
            line = read_port_line (err, options->tls ? "sandbox listening on https://127.0.0.1:"
                                                     : "sandbox listening on http://127.0.0.1:", &s->port);
          if (options->tls)
            http_line = read_port_line (err, "plain HTTP (OAuth and control API only) on http://127.0.0.1:",
                                        &s->http_port);
          if (line != NULL && (!options->tls || http_line != NULL) && s->port != 0)
            break;
        }

      if (server_is_dead (s))
        {
          g_autofree char *death = server_describe_death (s);

          g_error ("%s did not start: %s", s->name, death);
        }
      g_assert_cmpint (remaining_ms (deadline), >, 0);
      g_usleep (20 * 1000);
    }
}

/* Stops a server that is still running with SIGTERM: it must exit 0 (under
 * the sanitizers, a leak report makes that fail), within 5 s. */
static void
server_stop (Server *s,
             Checks *checks)
{
  if (!server_is_dead (s))
    {
      kill (s->pid, SIGTERM);
      if (!server_wait_dead (s, 5000))
        {
          if (checks != NULL)
            check (checks, FALSE, "%s ignored SIGTERM for 5 s", s->name);
          kill (s->pid, SIGKILL);
          while (!server_is_dead (s))
            g_usleep (10 * 1000);
        }
      else if (checks != NULL && !(WIFEXITED (s->wait_status) && WEXITSTATUS (s->wait_status) == 0))
        {
          g_autofree char *death = server_describe_death (s);

          check (checks, FALSE, "%s did not exit cleanly on SIGTERM: %s", s->name, death);
        }
    }

  g_spawn_close_pid (s->pid);
  botbench_test_rm_rf (s->dir);
  g_clear_pointer (&s->dir, g_free);
  g_clear_pointer (&s->db, g_free);
  g_clear_pointer (&s->err_path, g_free);
}

#define assert_alive(s, step) server_assert_alive ((s), (step), __FILE__, __LINE__)
#define assert_serving(s, step) server_assert_serving ((s), (step), __FILE__, __LINE__)

static void
server_assert_alive (Server     *s,
                     const char *step,
                     const char *file,
                     int         line)
{
  g_autofree char *death = NULL;
  g_autofree char *message = NULL;

  if (!server_is_dead (s))
    return;

  death = server_describe_death (s);
  message = g_strdup_printf ("%s died after %s: %s", s->name, step, death);
  g_assertion_message (G_LOG_DOMAIN, file, line, G_STRFUNC, message);
}

static gint64
proc_status_bytes (Server     *s,
                   const char *field)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int)s->pid);
  g_autofree char *text = NULL;
  const char *p;

  if (!g_file_get_contents (path, &text, NULL, NULL) || (p = strstr (text, field)) == NULL)
    return -1;

  return (gint64)g_ascii_strtoull (p + strlen (field), NULL, 10) * 1024;
}

/* Sanitizers make RSS meaningless (shadow memory, quarantine). */
static gboolean
server_has_asan (Server *s)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/maps", (int)s->pid);
  g_autofree char *maps = NULL;

  return g_file_get_contents (path, &maps, NULL, NULL) && strstr (maps, "libasan") != NULL;
}

/* ---- TLS --------------------------------------------------------------- */

static gboolean
accept_any_certificate_cb (GTlsConnection       *connection,
                           GTlsCertificate      *certificate,
                           GTlsCertificateFlags  errors,
                           gpointer              user_data)
{
  return TRUE;   /* curl -k: the sandbox's certificate is self-signed */
}

static guint
remaining_s (gint64 deadline)
{
  return MAX (1, (remaining_ms (deadline) + 999) / 1000);
}

/* GET / over HTTPS with GTlsClientConnection; the status, or 0 and error. */
static guint
tls_get_status (guint16   port,
                gint64    deadline,
                GError  **error)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new_from_string ("127.0.0.1", port);
  g_autoptr(GSocketConnection) tcp = NULL;
  g_autoptr(GIOStream) tls = NULL;
  const char *request = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  char buffer[4096];
  gsize got = 0;
  GSocket *socket;

  g_socket_client_set_timeout (client, remaining_s (deadline));
  tcp = g_socket_client_connect (client, G_SOCKET_CONNECTABLE (address), NULL, error);
  if (tcp == NULL)
    return 0;

  socket = g_socket_connection_get_socket (tcp);
  g_socket_set_timeout (socket, remaining_s (deadline));
  tls = g_tls_client_connection_new (G_IO_STREAM (tcp), NULL, error);
  if (tls == NULL)
    return 0;
  g_signal_connect (tls, "accept-certificate", G_CALLBACK (accept_any_certificate_cb), NULL);

  if (!g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, error))
    return 0;

  g_socket_set_timeout (socket, remaining_s (deadline));
  if (!g_output_stream_write_all (g_io_stream_get_output_stream (tls), request, strlen (request),
                                  NULL, NULL, error))
    return 0;

  while (got < sizeof buffer - 1 && find_bytes (buffer, got, "\r\n") < 0)
    {
      gssize n;

      g_socket_set_timeout (socket, remaining_s (deadline));
      n = g_input_stream_read (g_io_stream_get_input_stream (tls), buffer + got,
                               sizeof buffer - 1 - got, NULL, error);
      if (n < 0)
        return 0;
      if (n == 0)
        break;
      got += n;
    }
  buffer[got] = '\0';

  if (!g_str_has_prefix (buffer, "HTTP/1.") || got < 12)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "no HTTP response: '%s'", buffer);
      return 0;
    }

  return (guint)g_ascii_strtoull (buffer + 9, NULL, 10);
}

static gboolean
tls_available (void)
{
  return g_tls_backend_supports_tls (g_tls_backend_get_default ());
}

/* Alive, and a new client still gets GET / answered 200. */
static void
server_assert_serving (Server     *s,
                       const char *step,
                       const char *file,
                       int         line)
{
  g_autofree char *message = NULL;
  g_autoptr(GError) error = NULL;
  guint status;

  server_assert_alive (s, step, file, line);

  if (s->tls)
    status = tls_get_status (s->port, deadline_in_ms (ANSWER_MS), &error);
  else
    {
      g_autoptr(GBytes) request = build_request ("GET", "/", NULL, NULL, 0, FALSE);
      g_auto(Response) r = { 0 };

      status = exchange (s->port, request, ANSWER_MS, &r) ? r.status : 0;
    }

  if (status == 200)
    return;

  server_wait_dead (s, 2000);
  server_assert_alive (s, step, file, line);
  message = g_strdup_printf ("%s no longer serves after %s: GET / -> %u%s%s", s->name, step, status,
                             error ? ", " : "", error ? error->message : "");
  g_assertion_message (G_LOG_DOMAIN, file, line, G_STRFUNC, message);
}

/* ---- the listener's store ------------------------------------------------ */

/* Every stored event, newest first, from `botbench-cli events`. */
static GPtrArray *
listener_events (Server *s)
{
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  int status;

  out = run_cli_sync (&status, "events", "--db", s->db, "--limit", "0", "--format", "jsonl", NULL);
  g_assert_cmpint (status, ==, 0);

  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;

      if (*lines[i] == '\0')
        continue;
      json_parser_load_from_data (parser, lines[i], -1, &error);
      g_assert_no_error (error);
      g_ptr_array_add (events, json_node_ref (json_parser_get_root (parser)));
    }

  return g_steal_pointer (&events);
}

static guint
listener_count (Server *s)
{
  g_autoptr(GPtrArray) events = listener_events (s);

  return events->len;
}

/* The stored event whose data has member KEY equal to VALUE, or NULL. */
static JsonObject *
find_event (GPtrArray  *events,
            const char *key,
            const char *value)
{
  for (guint i = 0; i < events->len; i++)
    {
      JsonObject *event = json_node_get_object (g_ptr_array_index (events, i));
      JsonNode *data = json_object_get_member (event, "data");
      JsonNode *member;

      if (data == NULL || !JSON_NODE_HOLDS_OBJECT (data))
        continue;
      member = json_object_get_member (json_node_get_object (data), key);
      if (member != NULL && JSON_NODE_HOLDS_VALUE (member) &&
          json_node_get_value_type (member) == G_TYPE_STRING &&
          g_strcmp0 (json_node_get_string (member), value) == 0)
        return event;
    }

  return NULL;
}

static void
check_nothing_stored (Checks     *checks,
                      Server     *s,
                      const char *what)
{
  g_autoptr(GPtrArray) events = listener_events (s);
  g_autofree char *first = NULL;

  if (events->len > 0)
    first = json_to_string (g_ptr_array_index (events, events->len - 1), FALSE);
  check (checks, events->len == 0, "%s: %u event(s) stored, the first: %.300s", what, events->len, first);
}

/* ---- floods ------------------------------------------------------------ */

static GPtrArray *
open_flood (guint16 port,
            guint   n)
{
  GPtrArray *conns = g_ptr_array_new_with_free_func ((GDestroyNotify)conn_free);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (conns, conn_new (port, 0));

  return conns;
}

/* Sends request on every connection as soon as its connect completes;
 * returns how many got it. */
static guint
flood_send (GPtrArray  *conns,
            const char *request,
            gint64      deadline)
{
  g_autofree struct pollfd *pfds = g_new0 (struct pollfd, conns->len);
  g_autofree guint *index = g_new0 (guint, conns->len);
  gsize len = strlen (request);
  guint n_sent = 0;

  for (;;)
    {
      guint n = 0;
      int timeout = remaining_ms (deadline);

      for (guint i = 0; i < conns->len; i++)
        {
          Conn *c = g_ptr_array_index (conns, i);

          if (c->sent == 0 && !conn_closed (c))
            {
              pfds[n] = (struct pollfd) { c->fd, POLLOUT, 0 };
              index[n++] = i;
            }
        }
      if (n == 0 || timeout == 0)
        break;

      if (poll (pfds, n, MIN (timeout, 200)) < 0)
        {
          g_assert_cmpint (errno, ==, EINTR);
          continue;
        }

      for (guint j = 0; j < n; j++)
        {
          Conn *c = g_ptr_array_index (conns, index[j]);

          if (pfds[j].revents & (POLLERR | POLLHUP))
            {
              conn_receive (c);
              c->reset = TRUE;
            }
          else if (pfds[j].revents & POLLOUT)
            {
              ssize_t sent = send (c->fd, request, len, MSG_NOSIGNAL | MSG_DONTWAIT);

              if (sent == (ssize_t)len)
                {
                  c->sent = len;
                  n_sent++;
                }
              else if (sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
                c->reset = TRUE;
            }
        }
    }

  return n_sent;
}

/* Reads on every open connection until all are closed or the deadline;
 * returns how many are closed. */
static guint
wait_all_closed (GPtrArray *conns,
                 gint64     deadline)
{
  g_autofree struct pollfd *pfds = g_new0 (struct pollfd, conns->len);
  g_autofree guint *index = g_new0 (guint, conns->len);

  for (;;)
    {
      guint n = 0;
      int timeout = remaining_ms (deadline);

      for (guint i = 0; i < conns->len; i++)
        {
          Conn *c = g_ptr_array_index (conns, i);

          if (!conn_closed (c))
            {
              pfds[n] = (struct pollfd) { c->fd, POLLIN, 0 };
              index[n++] = i;
            }
        }
      if (n == 0 || timeout == 0)
        return conns->len - n;

      if (poll (pfds, n, MIN (timeout, 200)) < 0)
        {
          g_assert_cmpint (errno, ==, EINTR);
          continue;
        }

      for (guint j = 0; j < n; j++)
        if (pfds[j].revents != 0)
          conn_receive (g_ptr_array_index (conns, index[j]));
    }
}

/* ---- bodies ------------------------------------------------------------ */

/* Item 1: libsoup 3.2.3's multipart parser makes a part of size −2 of it. */
static const char multipart_52[] =
  "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n--b--\r\n";

static GBytes *
multipart_many_parts (guint n)
{
  GString *body = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    g_string_append_printf (body, "--b\r\nContent-Disposition: form-data; name=\"p%u\"\r\n\r\nv\r\n", i);
  g_string_append (body, "--b--\r\n");

  return g_string_free_to_bytes (body);
}

/* Item 2: '[' * depth + ']' * depth */
static GBytes *
json_nested (guint depth)
{
  GString *body = g_string_sized_new (2 * depth);

  for (guint i = 0; i < depth; i++)
    g_string_append_c (body, '[');
  for (guint i = 0; i < depth; i++)
    g_string_append_c (body, ']');

  return g_string_free_to_bytes (body);
}

static GBytes *
urlencoded_many (guint n)
{
  GString *body = g_string_new ("event=ONHOSTILEMANY");

  for (guint i = 0; i < n; i++)
    g_string_append (body, "&a[]=");

  return g_string_free_to_bytes (body);
}

static GBytes *
urlencoded_nested (guint depth)
{
  GString *body = g_string_new ("event=ONHOSTILENESTED&a");

  for (guint i = 0; i < depth; i++)
    g_string_append_c (body, '[');
  g_string_append (body, "=1&b");
  for (guint i = 0; i < depth; i++)
    g_string_append (body, "[x]");
  g_string_append (body, "=2");

  return g_string_free_to_bytes (body);
}

/* ---- idle and header timeouts (item 3) ----------------------------------- */

static void
run_idle_timeouts (ServerKind kind)
{
  enum { IDLE, PARTIAL_HEAD, SLOWLORIS, STALLED_BODY, AFTER_RESPONSE, N_CONNS };
  static const char * const names[N_CONNS] = {
    "a connection that sends nothing",
    "a connection that stops in the middle of its head",
    "slowloris (one header byte a second)",
    "a connection that stops in the middle of its body",
    "a kept-alive connection after its response",
  };
  const ServerOptions options = { .idle_timeout = IDLE_TIMEOUT_S };
  const char *path = kind == KIND_LISTEN ? "/" : WEBHOOK_PATH;
  g_autofree char *head = g_strdup_printf ("POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n", path);
  g_autofree char *body_head = NULL;
  g_autoptr(GBytes) get = build_request ("GET", "/", NULL, NULL, 0, TRUE);
  g_auto(Response) r = { 0 };
  Conn *conns[N_CONNS];
  double closed_after[N_CONNS] = { 0 };
  guint dripped = 0;
  gint64 start, deadline, next_drip;
  Checks checks;
  Server s;

  checks_init (&checks);
  server_start (&s, kind, &options);

  start = g_get_monotonic_time ();
  deadline = start + (IDLE_TIMEOUT_S * 1000 + SLACK_MS) * (gint64)1000;

  for (guint i = 0; i < N_CONNS; i++)
    {
      conns[i] = conn_new (s.port, ANSWER_MS);
      g_assert_nonnull (conns[i]);
    }

  conn_send_str (conns[PARTIAL_HEAD], head, deadline);
  conn_send_str (conns[SLOWLORIS], head, deadline);
  conn_send_str (conns[SLOWLORIS], "X-Slow: ", deadline);
  body_head = g_strdup_printf ("%sContent-Type: application/x-www-form-urlencoded\r\n"
                               "Content-Length: 100\r\n\r\nevent=ONHOSTILE&", head);
  conn_send_str (conns[STALLED_BODY], body_head, deadline);
  conn_send_bytes (conns[AFTER_RESPONSE], get, deadline);
  if (check (&checks, conn_read_response (conns[AFTER_RESPONSE], deadline_in_ms (ANSWER_MS), &r),
             "%s: no answer to GET / within %d ms", names[AFTER_RESPONSE], ANSWER_MS))
    check (&checks, r.status == 200, "%s: GET / -> %u", names[AFTER_RESPONSE], r.status);

  next_drip = start + G_USEC_PER_SEC;
  for (;;)
    {
      struct pollfd pfds[N_CONNS];
      guint index[N_CONNS];
      guint n = 0;

      for (guint i = 0; i < N_CONNS; i++)
        if (!conn_closed (conns[i]))
          {
            pfds[n] = (struct pollfd) { conns[i]->fd, POLLIN, 0 };
            index[n++] = i;
          }
      if (n == 0 || remaining_ms (deadline) == 0)
        break;

      if (g_get_monotonic_time () >= next_drip && !conn_closed (conns[SLOWLORIS]))
        {
          /* A byte a second: bytes keep coming, the head never ends. */
          if (send (conns[SLOWLORIS]->fd, "a", 1, MSG_NOSIGNAL | MSG_DONTWAIT) == 1)
            dripped++;
          else if (errno != EAGAIN)
            {
              conn_receive (conns[SLOWLORIS]);
              conns[SLOWLORIS]->reset = TRUE;
            }
          next_drip += G_USEC_PER_SEC;
        }

      if (poll (pfds, n, conn_closed (conns[SLOWLORIS]) ? remaining_ms (deadline)
                         : MIN (remaining_ms (deadline), remaining_ms (next_drip) + 1)) < 0)
        g_assert_cmpint (errno, ==, EINTR);

      for (guint j = 0; j < n; j++)
        if (pfds[j].revents != 0)
          {
            conn_receive (conns[index[j]]);
            if (conn_closed (conns[index[j]]))
              closed_after[index[j]] = seconds_since (start);
          }
    }

  for (guint i = 0; i < N_CONNS; i++)
    {
      if (!check (&checks, conn_closed (conns[i]),
                  "%s: still open %.1f s after it was opened (--idle-timeout %d)",
                  names[i], seconds_since (start), IDLE_TIMEOUT_S))
        continue;

      note ("%s: closed by the server after %.1f s", names[i], closed_after[i]);
      /* A 408 may come first; nothing that was never complete is a success. */
      if (i != AFTER_RESPONSE && conns[i]->in->len > 0 && response_parse (conns[i], &r))
        check (&checks, r.status == 0 || r.status >= 400,
               "%s: answered %u before the close", names[i], r.status);
    }
  note ("slowloris sent %u header bytes, one a second", dripped);

  for (guint i = 0; i < N_CONNS; i++)
    conn_free (conns[i]);

  assert_serving (&s, "the idle-timeout step");
  if (kind == KIND_LISTEN)
    check_nothing_stored (&checks, &s, "incomplete requests");

  server_stop (&s, &checks);
  checks_finish (&checks);
}

static void
test_listener_idle_timeouts (void)
{
  run_idle_timeouts (KIND_LISTEN);
}

static void
test_sandbox_idle_timeouts (void)
{
  run_idle_timeouts (KIND_SANDBOX);
}

/* ---- the connection cap (item 3) --------------------------------------- */

static void
run_connection_cap (ServerKind kind)
{
  enum { CAP = 16, N_FIRST = CAP, N_MORE = 8 };
  /* A long idle timeout: whatever is closed here, the cap closed. */
  const ServerOptions options = { .idle_timeout = LONG_IDLE_S, .max_connections = CAP };
  g_autoptr(GPtrArray) idle = g_ptr_array_new_with_free_func ((GDestroyNotify)conn_free);
  guint status, n_closed, expected;
  Checks checks;
  Server s;

  checks_init (&checks);
  server_start (&s, kind, &options);

  /* One after the other, so that the first is the longest idle. */
  for (guint i = 0; i < N_FIRST + N_MORE; i++)
    {
      Conn *c = conn_new (s.port, ANSWER_MS);

      g_assert_nonnull (c);
      g_ptr_array_add (idle, c);
      g_usleep (i < N_FIRST ? 20 * 1000 : 50 * 1000);
    }

  if (kind == KIND_LISTEN)
    status = post_form (s.port, "/", "event=ONHOSTILECAP&step=legit", IDLE_TIMEOUT_S * 1000 + SLACK_MS);
  else
    status = post_form (s.port, WEBHOOK_PATH, "step=legit", IDLE_TIMEOUT_S * 1000 + SLACK_MS);
  check (&checks, status == 200,
         "a legitimate client with %u idle connections open and --max-connections %u got %u",
         N_FIRST + N_MORE, CAP, status);

  /* 24 idle + 1 served on 16 slots: at least 9 idle ones must have gone,
   * the longest-idle first. */
  expected = N_FIRST + N_MORE + 1 - CAP;
  wait_all_closed (idle, deadline_in_ms (1000));
  n_closed = 0;
  for (guint i = 0; i < idle->len; i++)
    n_closed += conn_closed (g_ptr_array_index (idle, i));
  note ("the cap closed %u of %u idle connections", n_closed, idle->len);
  check (&checks, n_closed >= expected,
         "only %u of %u idle connections were closed; --max-connections %u must close at least %u",
         n_closed, idle->len, CAP, expected);
  check (&checks, conn_closed (g_ptr_array_index (idle, 0)),
         "the longest-idle connection was not the one closed");

  assert_serving (&s, "the connection-cap step");
  if (kind == KIND_LISTEN)
    {
      g_autoptr(GPtrArray) events = listener_events (&s);

      check (&checks, status != 200 || find_event (events, "step", "legit") != NULL,
             "the legitimate client's event answered 200 is not stored");
    }

  g_clear_pointer (&idle, g_ptr_array_unref);
  server_stop (&s, &checks);
  checks_finish (&checks);
}

static void
test_listener_connection_cap (void)
{
  run_connection_cap (KIND_LISTEN);
}

static void
test_sandbox_connection_cap (void)
{
  run_connection_cap (KIND_SANDBOX);
}

/* ---- fd exhaustion under a low RLIMIT_NOFILE (item 3) --------------------- */

static void
run_emfile (ServerKind kind)
{
  const ServerOptions options = { .idle_timeout = IDLE_TIMEOUT_S, .fd_limit = FD_LIMIT };
  g_autoptr(GPtrArray) idle = NULL;
  g_autoptr(GPtrArray) options_flood = NULL;
  g_autoptr(GBytes) during = NULL;
  g_auto(Response) r = { 0 };
  Conn *legit;
  guint n_sent, n_closed, n_flood, status;
  guint during_status = 0;
  gint64 flood_end;
  Checks checks;
  Server s;

  checks_init (&checks);
  server_start (&s, kind, &options);

  /* More idle connections than the server has fds, then requests that
   * libsoup answers with an error and keeps open. */
  idle = open_flood (s.port, N_IDLE_FLOOD);
  options_flood = open_flood (s.port, N_OPTIONS_FLOOD);
  n_sent = flood_send (options_flood, "OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", deadline_in_ms (SLACK_MS));
  flood_end = g_get_monotonic_time ();
  note ("flood: %u idle connections, OPTIONS * sent on %u of %u more; server fd limit %u",
        N_IDLE_FLOOD, n_sent, N_OPTIONS_FLOOD, FD_LIMIT);
  assert_alive (&s, "the connection flood");

  /* While the flood is held open, a new client is served. */
  if (kind == KIND_LISTEN)
    during = build_request ("POST", "/", "application/x-www-form-urlencoded",
                            "event=ONHOSTILEFLOOD&step=during", strlen ("event=ONHOSTILEFLOOD&step=during"), FALSE);
  else
    during = build_request ("GET", "/", NULL, NULL, 0, FALSE);
  legit = conn_new (s.port, IDLE_TIMEOUT_S * 1000 + SLACK_MS);
  if (check (&checks, legit != NULL, "a new client could not even connect during the flood"))
    {
      gint64 deadline = flood_end + (IDLE_TIMEOUT_S * 1000 + SLACK_MS) * (gint64)1000;

      conn_send_bytes (legit, during, deadline);
      if (check (&checks, conn_read_response (legit, deadline, &r),
                 "a new client got no answer within %d s while %u connections were held open "
                 "(server fd limit %u)", IDLE_TIMEOUT_S + SLACK_MS / 1000,
                 N_IDLE_FLOOD + N_OPTIONS_FLOOD, FD_LIMIT))
        check (&checks, (during_status = r.status) == 200, "a new client during the flood got %u", r.status);
      conn_free (legit);
    }
  assert_alive (&s, "serving during the flood");

  /* Idle ones time out or are evicted; error replies close theirs. */
  g_ptr_array_extend_and_steal (idle, g_steal_pointer (&options_flood));
  n_flood = idle->len;
  n_closed = wait_all_closed (idle, flood_end + (IDLE_TIMEOUT_S * 1000 + SLACK_MS) * (gint64)1000);
  note ("the server closed %u of the %u flood connections", n_closed, n_flood);
  check (&checks, n_closed == n_flood,
         "%u of %u flood connections (idle or answered) still open %d s after the flood",
         n_flood - n_closed, n_flood, IDLE_TIMEOUT_S + SLACK_MS / 1000);

  /* Everyone leaves: the server must be back to normal. */
  g_clear_pointer (&idle, g_ptr_array_unref);
  assert_alive (&s, "the flood's end");

  if (kind == KIND_LISTEN)
    {
      status = post_form (s.port, "/", "event=ONHOSTILEFLOOD&step=after", ANSWER_MS);
      check (&checks, status == 200, "after the flood, a POST got %u (0: no answer within %d s)",
             status, ANSWER_MS / 1000);
      if (status == 200)
        {
          g_autoptr(GPtrArray) events = listener_events (&s);

          check (&checks, find_event (events, "step", "after") != NULL,
                 "the POST answered 200 after the flood is not stored");
          check (&checks, during_status != 200 || find_event (events, "step", "during") != NULL,
                 "the POST answered 200 during the flood is not stored");
        }
    }
  else
    {
      g_autoptr(GBytes) get = build_request ("GET", "/", NULL, NULL, 0, FALSE);

      status = exchange (s.port, get, ANSWER_MS, &r) ? r.status : 0;
      check (&checks, status == 200, "after the flood, GET / got %u (0: no answer within %d s)",
             status, ANSWER_MS / 1000);
    }

  assert_alive (&s, "the fd-exhaustion step");
  server_stop (&s, &checks);
  checks_finish (&checks);
}

static void
test_listener_emfile (void)
{
  run_emfile (KIND_LISTEN);
}

static void
test_sandbox_emfile (void)
{
  run_emfile (KIND_SANDBOX);
}

/* ---- huge declared bodies (item 4) --------------------------------------- */

/* A head that declares CONTENT_LENGTH and nothing else: the answer must come
 * from the head alone. */
static void
check_head_only (Checks     *checks,
                 Server     *s,
                 const char *what,
                 const char *path,
                 const char *content_length,
                 guint       expected_status,
                 gboolean    expect_json_error)
{
  g_autofree char *head = g_strdup_printf ("POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                           "Content-Type: application/x-www-form-urlencoded\r\n"
                                           "Content-Length: %s\r\n\r\n", path, content_length);
  g_auto(Response) r = { 0 };
  g_autoptr(Conn) c = conn_new (s->port, ANSWER_MS);
  gint64 start = g_get_monotonic_time ();

  g_assert_nonnull (c);
  conn_send_str (c, head, deadline_in_ms (ANSWER_MS));
  if (!check (checks, conn_read_response (c, deadline_in_ms (ANSWER_MS), &r),
              "%s: no answer within %d s to a head declaring Content-Length: %s "
              "(the body was never sent)%s", what, ANSWER_MS / 1000, content_length,
              conn_closed (c) ? ", the connection was closed" : ""))
    return;

  note ("%s: %u after %.2f s", what, r.status, seconds_since (start));
  check (checks, r.status == expected_status, "%s: answered %u, expected %u", what, r.status, expected_status);
  if (expect_json_error)
    {
      g_autofree char *excerpt = body_excerpt (r.body);

      check (checks, is_json_error (r.body), "%s: the %u has no JSON error body: '%s'", what, r.status, excerpt);
    }
  check (checks, conn_wait_closed (c, deadline_in_ms (ANSWER_MS)),
         "%s: the connection stayed open after the %u", what, r.status);
}

/* Streams STREAM_BYTES of a declared 1 GiB body; the server must answer 413
 * and close long before, and its peak RSS must not follow the body. */
static void
check_stream (Checks     *checks,
              Server     *s,
              const char *what,
              const char *path)
{
  g_autofree char *head = g_strdup_printf ("POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                           "Content-Type: application/x-www-form-urlencoded\r\n"
                                           "Content-Length: " GIB_TEXT "\r\n\r\n", path);
  g_autofree char *chunk = g_malloc (MIB);
  g_auto(Response) r = { 0 };
  g_autoptr(Conn) c = conn_new (s->port, ANSWER_MS);
  gint64 rss_before = proc_status_bytes (s, "VmRSS:");
  gint64 hwm_before = proc_status_bytes (s, "VmHWM:");
  gint64 hwm_after;
  gsize accepted;
  gboolean stalled = FALSE;
  gboolean answered;

  g_assert_nonnull (c);
  memset (chunk, 'a', MIB);
  conn_send_str (c, head, deadline_in_ms (ANSWER_MS));

  while (c->sent - strlen (head) < STREAM_BYTES && !conn_closed (c) && c->in->len == 0)
    if (!conn_send (c, chunk, MIB, deadline_in_ms (ANSWER_MS)) && !conn_closed (c) && c->in->len == 0)
      {
        stalled = TRUE;   /* neither reads nor answers nor closes */
        break;
      }

  accepted = c->sent - strlen (head);
  answered = conn_read_response (c, deadline_in_ms (c->in->len > 0 || conn_closed (c) ? ANSWER_MS : 2000), &r);
  hwm_after = proc_status_bytes (s, "VmHWM:");
  assert_alive (s, what);

  note ("%s: the server took %.1f MiB of a declared 1 GiB body%s, answered %u%s; "
        "VmRSS before %.1f MiB, VmHWM %.1f -> %.1f MiB",
        what, accepted / (double)MIB, stalled ? " then stopped reading" : "", r.status,
        conn_closed (c) ? " and closed" : "",
        rss_before / (double)MIB, hwm_before / (double)MIB, hwm_after / (double)MIB);

  check (checks, answered && r.status == 413, "%s: streaming a declared 1 GiB body got %u (0: no answer)",
         what, answered ? r.status : 0);
  check (checks, accepted <= MAX_ACCEPTED, "%s: the server took %.1f MiB before closing (at most %d MiB)",
         what, accepted / (double)MIB, MAX_ACCEPTED / MIB);
  if (server_has_asan (s))
    note ("%s: built with ASan, its RSS is not checked", s->name);
  else
    check (checks, hwm_after - rss_before <= MAX_RSS_GROWTH,
           "%s: peak RSS grew by %.1f MiB while the body streamed (at most %d MiB)",
           what, (hwm_after - rss_before) / (double)MIB, MAX_RSS_GROWTH / MIB);
}

static void
test_listener_huge_body (void)
{
  const ServerOptions options = { .idle_timeout = LONG_IDLE_S };
  Checks checks;
  Server s;

  checks_init (&checks);
  server_start (&s, KIND_LISTEN, &options);

  check_head_only (&checks, &s, "listener, Content-Length 1 GiB", "/", GIB_TEXT, 413, TRUE);
  assert_serving (&s, "a head declaring 1 GiB");
  check_stream (&checks, &s, "listener, 256 MiB streamed", "/");
  assert_serving (&s, "256 MiB of a declared 1 GiB body");
  check_nothing_stored (&checks, &s, "a body over --max-body");

  server_stop (&s, &checks);
  checks_finish (&checks);
}

static void
test_sandbox_huge_body (void)
{
  const ServerOptions options = { .idle_timeout = LONG_IDLE_S };
  g_autofree char *over_cap = g_strdup_printf ("%d", 64 * MIB + 1);
  Checks checks;
  Server s;

  checks_init (&checks);
  server_start (&s, KIND_SANDBOX, &options);

  /* The secret is checked from the URL before any body is read. */
  check_head_only (&checks, &s, "sandbox, wrong webhook secret, Content-Length 1 GiB",
                   WRONG_PATH, GIB_TEXT, 401, TRUE);
  assert_serving (&s, "a wrong secret with a 1 GiB head");
  /* Its own cap, 64 MiB by default, with the portal's error. */
  check_head_only (&checks, &s, "sandbox, webhook, Content-Length 1 GiB", WEBHOOK_PATH, GIB_TEXT, 413, TRUE);
  assert_serving (&s, "a webhook call declaring 1 GiB");
  check_head_only (&checks, &s, "sandbox, webhook, Content-Length 64 MiB + 1", WEBHOOK_PATH, over_cap, 413, TRUE);
  assert_serving (&s, "a webhook call declaring 64 MiB + 1");
  check_stream (&checks, &s, "sandbox, webhook, 256 MiB streamed", WEBHOOK_PATH);
  assert_serving (&s, "256 MiB of a declared 1 GiB body");

  server_stop (&s, &checks);
  checks_finish (&checks);
}

/* ---- garbage ------------------------------------------------------------- */

typedef struct
{
  char     *name;
  GBytes   *data;
  gboolean  shut_write;   /* half-close after sending */
} Garbage;

static void
garbage_free (Garbage *g)
{
  g_free (g->name);
  g_bytes_unref (g->data);
  g_free (g);
}

static void
add_garbage (GPtrArray  *list,
             const char *name,
             GBytes     *data,
             gboolean    shut_write)
{
  Garbage *g = g_new0 (Garbage, 1);

  g->name = g_strdup (name);
  g->data = data;
  g->shut_write = shut_write;
  g_ptr_array_add (list, g);
}

static void
add_garbage_text (GPtrArray  *list,
                  const char *name,
                  const char *text,
                  gsize       len,
                  gboolean    shut_write)
{
  add_garbage (list, name, g_bytes_new (text, len), shut_write);
}

#define GARBAGE(list, name, literal, shut) \
  add_garbage_text ((list), (name), (literal), sizeof (literal) - 1, (shut))

static GPtrArray *
make_garbage (const char *path)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify)garbage_free);
  const char *form_tail = "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 3\r\n\r\na=1";
  g_autoptr(GRand) rand = g_rand_new_with_seed (8);
  GString *text;

  text = g_string_new (NULL);
  for (guint i = 0; i < 4096; i++)
    g_string_append_c (text, (char)g_rand_int_range (rand, 0, 256));
  add_garbage (list, "4 KiB of random bytes", g_string_free_to_bytes (text), FALSE);

  /* A TLS ClientHello on the plain port, then every byte value. */
  text = g_string_new (NULL);
  g_string_append_len (text, "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\0\0\0\0", 15);
  for (guint i = 0; i < 256; i++)
    g_string_append_c (text, (char)i);
  add_garbage (list, "binary junk (a TLS ClientHello, all byte values)", g_string_free_to_bytes (text), FALSE);

  text = g_string_new (NULL);
  g_string_append_printf (text, "POST %s?", path);
  for (guint i = 0; i < MIB; i++)
    g_string_append_c (text, 'a');
  g_string_append_printf (text, " HTTP/1.1\r\nHost: 127.0.0.1\r\n%s", form_tail);
  add_garbage (list, "a request line of 1 MiB", g_string_free_to_bytes (text), FALSE);

  text = g_string_new (NULL);
  g_string_append_printf (text, "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n", path);
  for (guint i = 0; i < 10000; i++)
    g_string_append_printf (text, "X-Hostile-%05u: y\r\n", i);
  g_string_append (text, form_tail);
  add_garbage (list, "10000 headers", g_string_free_to_bytes (text), FALSE);

  text = g_string_new (NULL);
  g_string_append_printf (text, "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Long: ", path);
  for (guint i = 0; i < MIB; i++)
    g_string_append_c (text, 'a');
  g_string_append_printf (text, "\r\n%s", form_tail);
  add_garbage (list, "a header line of 1 MiB", g_string_free_to_bytes (text), FALSE);

  text = g_string_new (NULL);
  g_string_append_printf (text, "POST %s", path);
  g_string_append_len (text, "\0x HTTP/1.1\r\nHost: 127.0.0.1\r\n", 30);
  g_string_append (text, form_tail);
  add_garbage (list, "a NUL in the request line", g_string_free_to_bytes (text), FALSE);

  text = g_string_new (NULL);
  g_string_append_printf (text, "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Nul: a", path);
  g_string_append_len (text, "\0b\r\n", 4);
  g_string_append (text, form_tail);
  add_garbage (list, "a NUL in a header", g_string_free_to_bytes (text), FALSE);

  GARBAGE (list, "GET / without CRLF, then the client half-closes", "GET /", TRUE);
  GARBAGE (list, "HTTP/0.9: GET / and one CRLF", "GET /\r\n", FALSE);
  GARBAGE (list, "HTTP/0.9: GET / and two CRLFs", "GET /\r\n\r\n", FALSE);
  GARBAGE (list, "HTTP/9.9", "GET / HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n", FALSE);
  GARBAGE (list, "a method with control characters", "G\x01\x7f" "ET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", FALSE);
  GARBAGE (list, "an unknown method on /", "BREW / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", FALSE);
  GARBAGE (list, "two methods", "GET POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", FALSE);

  text = g_string_new (NULL);
  for (guint i = 0; i < 100 * 1024; i++)
    g_string_append_c (text, 'A');
  g_string_append (text, " / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  add_garbage (list, "a method of 100 KiB", g_string_free_to_bytes (text), FALSE);

  text = g_string_new (NULL);
  g_string_append_printf (text, "POST %s HTTP/1.1\r\n%s", path, form_tail);
  add_garbage (list, "an HTTP/1.1 POST without Host", g_string_free_to_bytes (text), FALSE);

  text = g_string_new (NULL);
  g_string_append_printf (text, "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nNo colon in this line\r\n%s", path, form_tail);
  add_garbage (list, "a header line without a colon", g_string_free_to_bytes (text), FALSE);

  /* libsoup 3.2 would take it and leak the request path (the sandbox's
   * gate refuses it first) */
  text = g_string_new (NULL);
  g_string_append_printf (text, "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 3\r\n"
                          "Content-Length: 4\r\n\r\nabcd", path);
  add_garbage (list, "two different Content-Lengths", g_string_free_to_bytes (text), FALSE);

  return list;
}

static void
run_garbage (ServerKind kind)
{
  const ServerOptions options = { .idle_timeout = IDLE_TIMEOUT_S };
  g_autoptr(GPtrArray) list = make_garbage (kind == KIND_LISTEN ? "/" : WEBHOOK_PATH);
  Checks checks;
  Server s;

  checks_init (&checks);
  server_start (&s, kind, &options);

  for (guint i = 0; i < list->len; i++)
    {
      Garbage *g = g_ptr_array_index (list, i);
      g_autoptr(Conn) c = conn_new (s.port, ANSWER_MS);
      gint64 deadline = deadline_in_ms (IDLE_TIMEOUT_S * 1000 + SLACK_MS);
      g_auto(Response) r = { 0 };
      g_autofree char *step = g_strdup_printf ("garbage: %s", g->name);
      gboolean answered;

      g_assert_nonnull (c);
      conn_send_bytes (c, g->data, deadline);
      if (g->shut_write && !conn_closed (c))
        shutdown (c->fd, SHUT_WR);

      answered = conn_read_response (c, deadline, &r);
      if (answered && r.status != 0)
        {
          note ("%s: %u", step, r.status);
          check (&checks, (r.status >= 400 && r.status < 500) || r.status == 501 || r.status == 505,
                 "%s: answered %u", step, r.status);
        }
      else if (check (&checks, conn_closed (c), "%s: neither answered nor closed within %d s",
                      step, IDLE_TIMEOUT_S + SLACK_MS / 1000))
        note ("%s: closed without an answer", step);

      assert_serving (&s, step);
    }

  if (kind == KIND_LISTEN)
    check_nothing_stored (&checks, &s, "garbage");

  server_stop (&s, &checks);
  checks_finish (&checks);
}

static void
test_listener_garbage (void)
{
  run_garbage (KIND_LISTEN);
}

static void
test_sandbox_garbage (void)
{
  run_garbage (KIND_SANDBOX);
}

/* ---- framing (item 7) -------------------------------------------------- */

static void
test_listener_framing (void)
{
  static const struct {
    const char *name;
    const char *request;
  } cases[] = {
    { "two different Content-Length headers (5, 3)",
      "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
      "Content-Length: 5\r\nContent-Length: 3\r\n\r\na=1&b" },
    { "two different Content-Length headers (3, 5)",
      "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
      "Content-Length: 3\r\nContent-Length: 5\r\n\r\na=1&b" },
    { "Content-Length and Transfer-Encoding: chunked",
      "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
      "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\na=1\r\n0\r\n\r\n" },
    { "chunk size 'zz'",
      "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
      "Transfer-Encoding: chunked\r\n\r\nzz\r\na=1\r\n0\r\n\r\n" },
    { "chunk size '-1'",
      "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
      "Transfer-Encoding: chunked\r\n\r\n-1\r\na=1\r\n0\r\n\r\n" },
    { "chunk size '1 2'",
      "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
      "Transfer-Encoding: chunked\r\n\r\n1 2\r\na\r\n0\r\n\r\n" },
    { "chunk size of 19 hex digits (overflows 64 bits)",
      "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
      "Transfer-Encoding: chunked\r\n\r\n1000000000000000003\r\na=1\r\n0\r\n\r\n" },
  };
  const ServerOptions options = { .idle_timeout = IDLE_TIMEOUT_S };
  Checks checks;
  Server s;

  checks_init (&checks);
  server_start (&s, KIND_LISTEN, &options);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) request = g_bytes_new_static (cases[i].request, strlen (cases[i].request));
      g_autofree char *step = g_strdup_printf ("framing: %s", cases[i].name);
      g_auto(Response) r = { 0 };
      guint status = exchange (s.port, request, ANSWER_MS, &r) ? r.status : 0;

      note ("%s: %u", step, status);
      check (&checks, status == 400, "%s: answered %u (0: none within %d s), expected 400",
             step, status, ANSWER_MS / 1000);
      assert_serving (&s, step);
    }

  check_nothing_stored (&checks, &s, "badly framed requests");

  server_stop (&s, &checks);
  checks_finish (&checks);
}

/* ---- multipart and JSON bombs (items 1 and 2) ----------------------------- */

static guint
post_bytes (Server     *s,
            const char *path,
            const char *content_type,
            GBytes     *body,
            Response   *r)
{
  g_autoptr(GBytes) request = build_request ("POST", path, content_type, g_bytes_get_data (body, NULL),
                                             g_bytes_get_size (body), FALSE);

  return exchange (s->port, request, HEAVY_MS, r) ? r->status : 0;
}

/* A server that died is reported and replaced, so that one crash does not
 * hide what the next bombs do. */
static gboolean
survived (Checks              *checks,
          Server              *s,
          const ServerOptions *options,
          const char          *step,
          guint                status)
{
  g_autofree char *death = NULL;
  ServerKind kind = s->kind;

  if (!(status == 0 ? server_wait_dead (s, 2000) : server_is_dead (s)))
    return TRUE;

  death = server_describe_death (s);
  check (checks, FALSE, "%s died after %s: %s", s->name, step, death);
  server_stop (s, NULL);
  server_start (s, kind, options);
  return FALSE;
}

typedef struct
{
  const char *name;
  const char *content_type;
  GBytes     *body;
  guint       expected;      /* 0: 200, 400 or 413 will do */
  const char *key;           /* a 200's event has this data member... */
  const char *value;         /* ...with this value */
} Bomb;

static void
test_listener_bombs (void)
{
  const ServerOptions options = { .idle_timeout = IDLE_TIMEOUT_S };
  g_autoptr(GBytes) multipart = g_bytes_new_static (multipart_52, sizeof multipart_52 - 1);
  g_autoptr(GBytes) many_parts = multipart_many_parts (100000);
  g_autoptr(GBytes) json_bomb = json_nested (100000);
  g_autoptr(GBytes) json_deep = json_nested (100);
  g_autoptr(GBytes) many = urlencoded_many (1000000);
  g_autoptr(GBytes) nested = urlencoded_nested (100000);
  const Bomb bombs[] = {
    /* Item 1: stored, decoded as PHP decodes it. */
    { "the 52-byte multipart body (item 1)", "multipart/form-data; boundary=b", multipart, 200, "a", "--b--" },
    { "a multipart body of 100000 parts", "multipart/form-data; boundary=b", many_parts, 0, "p0", "v" },
    /* Item 2: a clear 400, nothing stored. */
    { "a JSON body nested 100000 deep (item 2)", "application/json", json_bomb, 400 },
    /* A depth limit must leave room for real payloads. */
    { "a JSON body nested 100 deep", "application/json", json_deep, 200 },
    { "a urlencoded body of 1e6 a[]=", "application/x-www-form-urlencoded", many, 200, "event", "ONHOSTILEMANY" },
    { "urlencoded names nested 100000 deep", "application/x-www-form-urlencoded", nested, 200,
      "event", "ONHOSTILENESTED" },
  };
  Checks checks;
  Server s;

  checks_init (&checks);
  server_start (&s, KIND_LISTEN, &options);

  for (guint i = 0; i < G_N_ELEMENTS (bombs); i++)
    {
      const Bomb *bomb = &bombs[i];
      g_auto(Response) r = { 0 };
      g_autofree char *excerpt = NULL;
      guint before = listener_count (&s);
      guint status, after;

      status = post_bytes (&s, "/", bomb->content_type, bomb->body, &r);
      excerpt = body_excerpt (r.body);
      note ("listener, %s: %u %s", bomb->name, status, excerpt);
      if (!survived (&checks, &s, &options, bomb->name, status))
        continue;

      if (bomb->expected != 0)
        check (&checks, status == bomb->expected, "%s: got %u (0: no answer within %d s), expected %u",
               bomb->name, status, HEAVY_MS / 1000, bomb->expected);
      else
        check (&checks, status == 200 || status == 400 || status == 413,
               "%s: got %u (0: none within %d s, or cut)", bomb->name, status, HEAVY_MS / 1000);
      if (status >= 400)
        check (&checks, is_json_error (r.body), "%s: the %u has no JSON error body: '%s'",
               bomb->name, status, excerpt);

      after = listener_count (&s);
      check (&checks, after == before + (status == 200),
             "%s: answered %u and %u event(s) stored", bomb->name, status, after - before);
      if (status == 200 && bomb->key != NULL)
        {
          g_autoptr(GPtrArray) events = listener_events (&s);

          check (&checks, find_event (events, bomb->key, bomb->value) != NULL,
                 "%s: not stored as PHP decodes it (no \"%s\":\"%s\")", bomb->name, bomb->key, bomb->value);
        }

      assert_serving (&s, bomb->name);
    }

  server_stop (&s, &checks);
  checks_finish (&checks);
}

static void
test_sandbox_bombs (void)
{
  const ServerOptions options = { .idle_timeout = IDLE_TIMEOUT_S };
  const char * const paths[] = { WRONG_PATH, WEBHOOK_PATH };
  const char * const whose[] = { "wrong secret", "webhook" };
  g_autoptr(GBytes) multipart = g_bytes_new_static (multipart_52, sizeof multipart_52 - 1);
  g_autoptr(GBytes) many_parts = multipart_many_parts (100000);
  g_autoptr(GBytes) json_bomb = json_nested (100000);
  g_autoptr(GBytes) many = urlencoded_many (1000000);
  g_autoptr(GBytes) nested = urlencoded_nested (100000);
  /* Any answer from the portal will do, except for deep JSON: a 4xx. */
  const Bomb bombs[] = {
    { "the 52-byte multipart body (item 1)", "multipart/form-data; boundary=b", multipart },
    { "a multipart body of 100000 parts", "multipart/form-data; boundary=b", many_parts },
    { "a JSON body nested 100000 deep (item 2)", "application/json", json_bomb, 400 },
    { "a urlencoded body of 1e6 a[]=", "application/x-www-form-urlencoded", many },
    { "urlencoded names nested 100000 deep", "application/x-www-form-urlencoded", nested },
  };
  Checks checks;
  Server s;

  checks_init (&checks);
  server_start (&s, KIND_SANDBOX, &options);

  /* Before authentication (a wrong secret) and after it. */
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    for (guint j = 0; j < G_N_ELEMENTS (bombs); j++)
      {
        g_autofree char *step = g_strdup_printf ("%s, %s", bombs[j].name, whose[i]);
        g_autofree char *excerpt = NULL;
        g_auto(Response) r = { 0 };
        guint status = post_bytes (&s, paths[i], bombs[j].content_type, bombs[j].body, &r);

        excerpt = body_excerpt (r.body);
        note ("sandbox, %s: %u %s", step, status, excerpt);
        if (!survived (&checks, &s, &options, step, status))
          continue;

        check (&checks, status >= 200, "%s: no answer (cut, or none within %d s)", step, HEAVY_MS / 1000);
        if (bombs[j].expected != 0)
          {
            check (&checks, status >= 400 && status < 500, "%s: got %u, expected a 4xx", step, status);
            check (&checks, status == 0 || is_json_error (r.body),
                   "%s: the %u has no JSON error body: '%s'", step, status, excerpt);
          }
        assert_serving (&s, step);
      }

  server_stop (&s, &checks);
  checks_finish (&checks);
}

/* ---- keep-alive and pipelining ------------------------------------------- */

static void
test_listener_keep_alive (void)
{
  enum { N_REQUESTS = 100 };
  const ServerOptions options = { .idle_timeout = IDLE_TIMEOUT_S };
  g_autoptr(Conn) c = NULL;
  g_autoptr(GString) pipeline = g_string_new (NULL);
  g_autoptr(GPtrArray) events = NULL;
  guint n_ok = 0;
  gint64 last_id = 0;
  Checks checks;
  Server s;

  checks_init (&checks);
  server_start (&s, KIND_LISTEN, &options);

  c = conn_new (s.port, ANSWER_MS);
  g_assert_nonnull (c);
  for (guint i = 0; i < N_REQUESTS; i++)
    {
      g_autofree char *body = g_strdup_printf ("event=ONHOSTILEKEEPALIVE&n=%u", i);
      g_autoptr(GBytes) request = build_request ("POST", "/", "application/x-www-form-urlencoded",
                                                 body, strlen (body), TRUE);
      g_auto(Response) r = { 0 };
      gint64 deadline = deadline_in_ms (ANSWER_MS);
      gint64 id;

      conn_send_bytes (c, request, deadline);
      if (!check (&checks, conn_read_response (c, deadline, &r),
                  "keep-alive: no response to request %u of %u on one connection%s", i + 1, N_REQUESTS,
                  conn_closed (c) ? " (the server closed it)" : ""))
        break;
      id = json_id (r.body);
      if (!check (&checks, r.status == 200 && id > last_id,
                  "keep-alive: request %u got %u, id %" G_GINT64_FORMAT, i + 1, r.status, id))
        break;
      last_id = id;
      n_ok++;
      if (!check (&checks, !r.conn_close, "keep-alive: response %u of %u says Connection: close",
                  i + 1, N_REQUESTS))
        break;
    }
  note ("keep-alive: %u of %u POSTs answered 200 on one connection", n_ok, N_REQUESTS);
  if (n_ok == N_REQUESTS)
    check (&checks, !conn_wait_closed (c, deadline_in_ms (200)),
           "keep-alive: the server closed the connection after %u responses", N_REQUESTS);
  g_clear_pointer (&c, conn_free);

  events = listener_events (&s);
  check (&checks, events->len == n_ok, "keep-alive: %u events stored, %u answered 200", events->len, n_ok);
  for (guint i = 0; i < n_ok; i++)
    {
      g_autofree char *n = g_strdup_printf ("%u", i);

      if (!check (&checks, find_event (events, "n", n) != NULL, "keep-alive: event n=%u is not stored", i))
        break;
    }

  /* Pipelined: four requests in one write, four answers in order. */
  {
    static const char * const marks[] = { "p1", "p2", NULL, "p3" };
    g_auto(Response) r = { 0 };
    gint64 ids[G_N_ELEMENTS (marks)] = { 0 };
    gint64 previous = 0;
    guint got = 0;

    for (guint i = 0; i < G_N_ELEMENTS (marks); i++)
      {
        g_autoptr(GBytes) request = NULL;

        if (marks[i] != NULL)
          {
            g_autofree char *body = g_strdup_printf ("event=ONHOSTILEPIPELINE&mark=%s", marks[i]);

            request = build_request ("POST", "/", "application/x-www-form-urlencoded", body, strlen (body), TRUE);
          }
        else
          request = build_request ("GET", "/", NULL, NULL, 0, TRUE);
        g_string_append_len (pipeline, g_bytes_get_data (request, NULL), g_bytes_get_size (request));
      }

    c = conn_new (s.port, ANSWER_MS);
    g_assert_nonnull (c);
    conn_send (c, pipeline->str, pipeline->len, deadline_in_ms (ANSWER_MS));

    for (guint i = 0; i < G_N_ELEMENTS (marks); i++)
      {
        if (!check (&checks, conn_read_response (c, deadline_in_ms (ANSWER_MS), &r),
                    "pipelining: response %u of %zu missing%s", i + 1, G_N_ELEMENTS (marks),
                    conn_closed (c) ? " (the server closed the connection)" : ""))
          break;
        if (!check (&checks, r.status == 200, "pipelining: response %u is %u", i + 1, r.status))
          break;

        if (marks[i] != NULL)
          {
            ids[i] = json_id (r.body);
            if (!check (&checks, ids[i] > previous, "pipelining: response %u is not the next POST's (id %"
                        G_GINT64_FORMAT " after %" G_GINT64_FORMAT ")", i + 1, ids[i], previous))
              break;
            previous = ids[i];
          }
        else
          {
            g_autoptr(JsonNode) root = parse_json (r.body);

            if (!check (&checks, root != NULL && JSON_NODE_HOLDS_OBJECT (root) &&
                        g_strcmp0 (json_object_get_string_member_with_default (json_node_get_object (root),
                                                                               "name", NULL), "Botbench") == 0,
                        "pipelining: response %u is not the status page", i + 1))
              break;
          }
        got++;
      }
    g_clear_pointer (&c, conn_free);

    if (got == G_N_ELEMENTS (marks))
      {
        g_clear_pointer (&events, g_ptr_array_unref);
        events = listener_events (&s);
        for (guint i = 0; i < G_N_ELEMENTS (marks); i++)
          if (marks[i] != NULL)
            {
              JsonObject *event = find_event (events, "mark", marks[i]);

              check (&checks, event != NULL && json_object_get_int_member (event, "id") == ids[i],
                     "pipelining: the event with mark=%s is not the one answered in place %u", marks[i], i + 1);
            }
      }
  }

  assert_serving (&s, "keep-alive and pipelining");
  server_stop (&s, &checks);
  checks_finish (&checks);
}

/* ---- TLS handshakes that never come (item 6) ---------------------------- */

static void
test_sandbox_tls_idle (void)
{
  enum { N_IDLE = 200 };
  const ServerOptions options = { .idle_timeout = TLS_IDLE_TIMEOUT_S, .tls = TRUE };
  g_autoptr(GPtrArray) idle = g_ptr_array_new_with_free_func ((GDestroyNotify)conn_free);
  g_autoptr(GError) error = NULL;
  gint64 start;
  guint status, n_closed;
  Checks checks;
  Server s;

  checks_init (&checks);
  server_start (&s, KIND_SANDBOX, &options);

  for (guint i = 0; i < N_IDLE; i++)
    {
      Conn *c = conn_new (s.port, ANSWER_MS);

      g_assert_nonnull (c);
      g_ptr_array_add (idle, c);
    }
  /* And one that starts a handshake and stops after the record header. */
  {
    Conn *c = conn_new (s.port, ANSWER_MS);

    g_assert_nonnull (c);
    conn_send (c, "\x16\x03\x01\x02\x00", 5, deadline_in_ms (ANSWER_MS));
    g_ptr_array_add (idle, c);
  }
  start = g_get_monotonic_time ();

  status = tls_get_status (s.port, start + (TLS_IDLE_TIMEOUT_S * 1000 + SLACK_MS) * (gint64)1000, &error);
  note ("HTTPS GET / with %u idle TCP connections open: %u after %.1f s%s%s", N_IDLE, status,
        seconds_since (start), error ? ": " : "", error ? error->message : "");
  check (&checks, status == 200, "HTTPS GET / with %u idle TCP connections open got %u within %d s%s%s",
         N_IDLE, status, TLS_IDLE_TIMEOUT_S + SLACK_MS / 1000, error ? ": " : "", error ? error->message : "");
  g_clear_error (&error);
  assert_alive (&s, "200 idle TLS connections");

  n_closed = wait_all_closed (idle, start + (TLS_IDLE_TIMEOUT_S * 1000 + SLACK_MS) * (gint64)1000);
  note ("the server dropped %u of %u idle handshakes", n_closed, idle->len);
  check (&checks, n_closed == idle->len, "%u of %u connections that never finished a TLS handshake "
         "are still open %d s later", idle->len - n_closed, idle->len, TLS_IDLE_TIMEOUT_S + SLACK_MS / 1000);

  g_ptr_array_set_size (idle, 0);
  assert_serving (&s, "200 idle TLS connections");

  server_stop (&s, &checks);
  checks_finish (&checks);
}

/* ---- the options themselves --------------------------------------------- */

static void
test_cli_options (void)
{
  static const char * const commands[] = { "listen", "sandbox" };
  static const char * const options[] = { "--max-body", "--max-connections", "--idle-timeout" };
  Checks checks;

  checks_init (&checks);
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    for (guint j = 0; j < G_N_ELEMENTS (options); j++)
      check (&checks, cli_supports (commands[i], options[j]),
             "botbench-cli %s --help does not list %s", commands[i], options[j]);
  checks_finish (&checks);
}

/* ---- main ---------------------------------------------------------------- */

typedef struct
{
  const char *path;
  void      (*func) (void);
  gboolean    needs_fds;
  gboolean    needs_tls;
} HostileCase;

/* Each case in its own subprocess: a crash, an abort or a hang (killed after
 * CASE_TIMEOUT_S) fails that case only. */
static void
run_case (gconstpointer data)
{
  const HostileCase *hc = data;
  g_autofree char *dir = NULL;
  struct rlimit rl;

  if (hc->needs_tls && !tls_available ())
    {
      g_test_skip ("no TLS backend (glib-networking)");
      return;
    }
  if (hc->needs_fds && (getrlimit (RLIMIT_NOFILE, &rl) < 0 ||
                        rl.rlim_cur < N_IDLE_FLOOD + N_OPTIONS_FLOOD + 100))
    {
      g_test_skip ("the fd limit is too low to flood a server");
      return;
    }

  if (g_test_subprocess ())
    {
      hc->func ();
      return;
    }

  dir = botbench_test_make_tmp_dir ();
  g_setenv ("BOTBENCH_HOSTILE_DIR", dir, TRUE);

  /* A failed case must not stop the next ones from running. */
  g_test_set_nonfatal_assertions ();
  g_test_trap_subprocess (NULL, CASE_TIMEOUT_S * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();

  g_unsetenv ("BOTBENCH_HOSTILE_DIR");
  botbench_test_rm_rf (dir);
}

int
main (int    argc,
      char **argv)
{
  static const HostileCase cases[] = {
    { "/hostile/cli-options", test_cli_options },
    { "/hostile/listener/idle-timeouts", test_listener_idle_timeouts },
    { "/hostile/listener/connection-cap", test_listener_connection_cap },
    { "/hostile/listener/emfile", test_listener_emfile, TRUE },
    { "/hostile/listener/huge-body", test_listener_huge_body },
    { "/hostile/listener/garbage", test_listener_garbage },
    { "/hostile/listener/framing", test_listener_framing },
    { "/hostile/listener/bombs", test_listener_bombs },
    { "/hostile/listener/keep-alive", test_listener_keep_alive },
    { "/hostile/sandbox/idle-timeouts", test_sandbox_idle_timeouts },
    { "/hostile/sandbox/connection-cap", test_sandbox_connection_cap },
    { "/hostile/sandbox/emfile", test_sandbox_emfile, TRUE },
    { "/hostile/sandbox/huge-body", test_sandbox_huge_body },
    { "/hostile/sandbox/garbage", test_sandbox_garbage },
    { "/hostile/sandbox/bombs", test_sandbox_bombs },
    { "/hostile/sandbox/tls-idle", test_sandbox_tls_idle, FALSE, TRUE },
  };
  struct rlimit rl;

  /* The floods hold ~700 connections of our own. */
  if (getrlimit (RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 4096)
    {
      rl.rlim_cur = rl.rlim_max == RLIM_INFINITY ? 4096 : MIN (rl.rlim_max, 4096);
      setrlimit (RLIMIT_NOFILE, &rl);
    }

  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_test_add_data_func (cases[i].path, &cases[i], run_case);

  return g_test_run ();
}
