/* fuzz-sandbox.c: raw bytes from a client of the sandbox portal
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One BotbenchSandbox (state in memory, 127.0.0.1, a free port, no rate
 * limit, webhook secret "fuzzsecret") runs on its own thread for the whole
 * run.  Each input is written as is on a new loopback connection, which is
 * then half-closed; the reply is read until the sandbox closes the
 * connection, or until it has sent a complete response and gone quiet.
 *
 * "@CLIENT_ID@" and "@CLIENT_SECRET@" in an input are replaced by the
 * sandbox app's credentials (random per run), so seeds reach /oauth/token/.
 *
 * The sandbox keeps its state between inputs, like a real one (bots that
 * one input registers get the messages of the next).  Event deliveries go to
 * URLs inputs choose: a proxy resolver sends them all to a closed loopback
 * port, so nothing ever leaves the machine.
 *
 * A server that sends nothing and does not close within REPLY_TIMEOUT_MS of
 * the request and the client's EOF is wedged: that aborts (a crash
 * reproducer).
 * Seeds: fuzz/seeds/sandbox/.
 */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "botbench-core.h"
#include "botbench-sandbox.h"
#include "fuzz-common.h"

#define WEBHOOK_SECRET   "fuzzsecret"
#define REPLY_TIMEOUT_MS 5000
/* After a complete response, how long to wait for the close (a kept-alive
 * connection never closes) or for more (an input with several requests). */
#define QUIET_MS         50
#define DEAD_PROXY       "http://127.0.0.1:9"

static BotbenchSandbox *sandbox;
static guint16 port;

/* ------------------------------------------------------------------------ */
/* Deliveries never leave the machine                                        */

#define FUZZ_TYPE_DEAD_PROXY_RESOLVER (fuzz_dead_proxy_resolver_get_type ())
G_DECLARE_FINAL_TYPE (FuzzDeadProxyResolver, fuzz_dead_proxy_resolver,
                      FUZZ, DEAD_PROXY_RESOLVER, GObject)

struct _FuzzDeadProxyResolver
{
  GObject parent_instance;
};

static void fuzz_dead_proxy_resolver_iface_init (GProxyResolverInterface *iface);

G_DEFINE_TYPE_WITH_CODE (FuzzDeadProxyResolver, fuzz_dead_proxy_resolver, G_TYPE_OBJECT,
                         G_IMPLEMENT_INTERFACE (G_TYPE_PROXY_RESOLVER,
                                                fuzz_dead_proxy_resolver_iface_init))

static gboolean
dead_proxy_is_supported (GProxyResolver *resolver)
{
  return TRUE;
}

static char **
dead_proxy_lookup (GProxyResolver  *resolver,
                   const char      *uri,
                   GCancellable    *cancellable,
                   GError         **error)
{
  char **proxies = g_new0 (char *, 2);

  proxies[0] = g_strdup (DEAD_PROXY);
  return proxies;
}

static void
dead_proxy_lookup_async (GProxyResolver      *resolver,
                         const char          *uri,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (resolver, cancellable, callback, user_data);

  g_task_return_pointer (task, dead_proxy_lookup (resolver, uri, cancellable, NULL),
                         (GDestroyNotify)g_strfreev);
}

static char **
dead_proxy_lookup_finish (GProxyResolver  *resolver,
                          GAsyncResult    *result,
                          GError         **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
fuzz_dead_proxy_resolver_iface_init (GProxyResolverInterface *iface)
{
  iface->is_supported = dead_proxy_is_supported;
  iface->lookup = dead_proxy_lookup;
  iface->lookup_async = dead_proxy_lookup_async;
  iface->lookup_finish = dead_proxy_lookup_finish;
}

static void
fuzz_dead_proxy_resolver_class_init (FuzzDeadProxyResolverClass *klass)
{
}

static void
fuzz_dead_proxy_resolver_init (FuzzDeadProxyResolver *self)
{
}

static void
install_dead_proxy (void)
{
  GProxyResolver *resolver;

  /* Loads GIO's modules and extension points; the proxy default is chosen
   * later, on first use, by priority. */
  g_vfs_get_default ();
  g_io_extension_point_implement (G_PROXY_RESOLVER_EXTENSION_POINT_NAME,
                                  FUZZ_TYPE_DEAD_PROXY_RESOLVER, "botbench-fuzz-dead-proxy",
                                  G_MAXINT);
  resolver = g_proxy_resolver_get_default ();
  if (!FUZZ_IS_DEAD_PROXY_RESOLVER (resolver))
    g_error ("fuzz-sandbox: the default proxy resolver is %s, not ours: "
             "deliveries could leave the machine", G_OBJECT_TYPE_NAME (resolver));
}

/* ------------------------------------------------------------------------ */

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_autoptr(GError) error = NULL;

  fuzz_init_environment ();
  install_dead_proxy ();

  sandbox = botbench_sandbox_new ();
  botbench_sandbox_set_host (sandbox, "127.0.0.1");
  botbench_sandbox_set_port (sandbox, 0);
  botbench_sandbox_set_rate_limit (sandbox, FALSE);
  botbench_sandbox_set_webhook_secret (sandbox, WEBHOOK_SECRET);
  if (!botbench_sandbox_start (sandbox, &error))
    g_error ("fuzz-sandbox: cannot start the sandbox: %s", error->message);
  port = botbench_sandbox_get_bound_port (sandbox);

  return 0;
}

static GBytes *
substitute (const uint8_t *data,
            size_t         size)
{
  GString *s = g_string_new_len ((const char *)data, size);

  g_string_replace (s, "@CLIENT_ID@", botbench_sandbox_get_client_id (sandbox), 0);
  g_string_replace (s, "@CLIENT_SECRET@", botbench_sandbox_get_client_secret (sandbox), 0);
  return g_string_free_to_bytes (s);
}

static int
connect_loopback (void)
{
  struct sockaddr_in addr = { 0 };
  int fd;

  fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    g_error ("fuzz-sandbox: socket(): %s (file descriptors exhausted: does the sandbox "
             "keep connections open?)", g_strerror (errno));

  addr.sin_family = AF_INET;
  addr.sin_port = htons (port);
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  if (connect (fd, (struct sockaddr *)&addr, sizeof addr) < 0)
    g_error ("fuzz-sandbox: connect() to the sandbox: %s", g_strerror (errno));

  return fd;
}

/* Length of a complete first response in reply[0..len), or 0 while it is not
 * complete (or its end cannot be told without the close).  1xx interim
 * responses are skipped; the answer to HEAD has no body. */
static gsize
response_length (const char *reply,
                 gsize       len,
                 gboolean    head_request)
{
  gsize start = 0;

  for (;;)
    {
      const char *end = g_strstr_len (reply + start, len - start, "\r\n\r\n");
      g_autofree char *head = NULL;
      g_auto(GStrv) lines = NULL;
      gsize head_len;
      gint64 content_length = -1;
      gboolean chunked = FALSE;
      int status = 0;

      if (end == NULL)
        return 0;
      head_len = end + 4 - (reply + start);
      head = g_strndup (reply + start, head_len);
      lines = g_strsplit (head, "\r\n", -1);
      if (sscanf (lines[0], "HTTP/1.%*d %d", &status) != 1)
        return 0;

      for (guint i = 1; lines[i] != NULL; i++)
        {
          if (g_ascii_strncasecmp (lines[i], "Content-Length:", 15) == 0)
            content_length = g_ascii_strtoll (lines[i] + 15, NULL, 10);
          else if (g_ascii_strncasecmp (lines[i], "Transfer-Encoding:", 18) == 0 &&
                   strstr (lines[i], "chunked") != NULL)
            chunked = TRUE;
        }

      if (status >= 100 && status < 200)
        {
          start += head_len;
          continue;
        }
      if (head_request || status == 204 || status == 304)
        return start + head_len;
      if (chunked)
        {
          const char *last = g_strstr_len (reply + start + head_len, len - start - head_len,
                                           "0\r\n\r\n");
          return last != NULL ? (gsize)(last + 5 - reply) : 0;
        }
      if (content_length >= 0 && start + head_len + content_length <= len)
        return start + head_len + content_length;
      return 0;
    }
}

/* Sends @request, half-closes, reads the reply. */
static void
exchange (GBytes *request)
{
  gsize size;
  const char *data = g_bytes_get_data (request, &size);
  g_autoptr(GByteArray) reply = g_byte_array_new ();
  gint64 deadline = g_get_monotonic_time () + REPLY_TIMEOUT_MS * 1000;
  gboolean head_request = size >= 5 && memcmp (data, "HEAD ", 5) == 0;
  gsize sent = 0;
  int fd = connect_loopback ();

  if (size == 0)
    shutdown (fd, SHUT_WR);

  /* Write and read together: the sandbox may answer (413, 400) and close
   * before it has read everything. */
  for (;;)
    {
      struct pollfd pfd = { fd, POLLIN, 0 };
      gboolean complete = reply->len > 0 &&
                          response_length ((const char *)reply->data, reply->len,
                                                  head_request) > 0;
      int timeout;
      int n;

      if (sent < size)
        pfd.events |= POLLOUT;
      if (complete)
        timeout = QUIET_MS;
      else
        timeout = MAX (0, (int)((deadline - g_get_monotonic_time ()) / 1000));

      n = poll (&pfd, 1, timeout);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        g_error ("fuzz-sandbox: poll(): %s", g_strerror (errno));
      if (n == 0 && reply->len > 0)
        break;   /* a response on a connection kept open */
      if (n == 0)
        g_error ("fuzz-sandbox: the sandbox neither answered nor closed the connection "
                 "within %d ms (%" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " request bytes sent%s, "
                 "%u bytes received)", REPLY_TIMEOUT_MS, sent, size,
                 sent == size ? " and EOF" : "", reply->len);

      if (pfd.revents & (POLLIN | POLLHUP | POLLERR))
        {
          guint8 buf[16384];
          ssize_t r = recv (fd, buf, sizeof buf, MSG_DONTWAIT);

          if (r > 0)
            g_byte_array_append (reply, buf, r);
          else if (r == 0 || errno == ECONNRESET)
            break;
          else if (errno != EINTR && errno != EAGAIN)
            g_error ("fuzz-sandbox: recv(): %s", g_strerror (errno));
        }

      if (sent < size && pfd.revents & POLLOUT)
        {
          ssize_t w = send (fd, data + sent, size - sent, MSG_NOSIGNAL | MSG_DONTWAIT);

          if (w > 0)
            sent += w;
          else if (w < 0 && (errno == EPIPE || errno == ECONNRESET))
            sent = size;   /* the sandbox stopped reading: read what it says */
          else if (w < 0 && errno != EINTR && errno != EAGAIN)
            g_error ("fuzz-sandbox: send(): %s", g_strerror (errno));

          if (sent == size)
            shutdown (fd, SHUT_WR);
        }
    }

  close (fd);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) request = substitute (data, size);

  exchange (request);

  /* "delivered" signals are queued to this thread's context */
  while (g_main_context_iteration (NULL, FALSE))
    ;

  return 0;
}
