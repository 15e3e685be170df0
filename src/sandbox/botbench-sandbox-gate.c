/* botbench-sandbox-gate.c: the sandbox's connections, before libsoup sees them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "botbench-sandbox"
#define _GNU_SOURCE   /* POLLRDHUP */

#include "config.h"

#include <errno.h>
#include <json-glib/json-glib.h>
#include <poll.h>
#include <sys/socket.h>

#include "botbench-acceptor-private.h"
#include "botbench-http-parser-private.h"
#include "botbench-sandbox-gate-private.h"

#define SWEEP_INTERVAL_MS    250
#define BODY_DEADLINE_FACTOR 10
/* After an early answer, how long the rest of a refused body is read and
 * dropped, so that the client sees the answer instead of a reset. */
#define LINGER_US            (2 * G_USEC_PER_SEC)
#define LINGER_READ_SIZE     (16 * 1024)
/* TLS handshakes run on GLib's thread pool, one blocked thread each: only
 * this many at once, only once the client has spoken, and each within at
 * most HANDSHAKE_US. */
#define MAX_HANDSHAKES       16
#define HANDSHAKE_US         (5 * G_USEC_PER_SEC)
/* … and while others wait for a slot, at most this long. */
#define HANDSHAKE_BUSY_US    (1 * G_USEC_PER_SEC)
/* Connections shut at once when every slot is taken. */
#define EVICT_BATCH          8
/* A head that has not come whole is looked at again after this long, so
 * that one sent a byte at a time costs few peeks. */
#define PEEK_AGAIN_MS        50

typedef enum
{
  GATE_PEEK,        /* plain: the request head is checked before libsoup reads it (ours) */
  GATE_HELLO,       /* TLS: waiting for the client's first bytes (ours) */
  GATE_HANDSHAKE,   /* TLS handshake queued or under way (ours) */
  GATE_HEAD,        /* libsoup is reading a request head */
  GATE_BODY,        /* … a body */
  GATE_HANDLING,    /* the sandbox is answering: no deadline */
  GATE_SHUT,        /* shut down by us, libsoup closes it */
  GATE_EARLY,       /* refused from its head: ours, answering then lingering */
} GateState;

typedef struct _GateListener GateListener;

typedef struct
{
  gatomicrefcount      ref_count;
  BotbenchSandboxGate *gate;        /* NULL once the gate is gone */
  GateListener        *listener;
  GList                link;        /* in gate->conns */
  GSocket             *socket;
  GIOStream           *stream;
  GSocketAddress      *local;
  GSocketAddress      *remote;      /* the key libsoup hands back with each message */
  GCancellable        *cancellable; /* of the handshake */
  GSource             *hello;       /* GATE_HELLO, GATE_PEEK: G_IO_IN on socket, or a timer */
  BotbenchHttpHeadScan scan;        /* GATE_PEEK: how far the head was looked at */
  GList                queued;      /* GATE_HANDSHAKE: in gate->handshake_queue */
  gboolean             handshaking; /* holds one of MAX_HANDSHAKES */
  gint64               handshake_start;
  GIOStream           *stolen;      /* GATE_EARLY: taken back from libsoup */
  GBytes              *answer;      /* GATE_EARLY: the answer being written */
  guint8              *drain;       /* GATE_EARLY: where the rest of the body goes */
  GateState            state;
  gint64               deadline;
  gint64               request_deadline;
} GateConn;

struct _GateListener
{
  BotbenchSandboxGate *gate;
  BotbenchAcceptor    *acceptor;
  GTlsCertificate     *certificate;
};

struct _BotbenchSandboxGate
{
  SoupServer   *server;
  GMainContext *context;
  guint         max_connections;
  gint64        idle_timeout_us;
  GPtrArray    *listeners;
  GQueue        conns;
  GQueue        handshake_queue;  /* spoke first, wait for a handshake slot */
  guint         n_handshakes;
  GHashTable   *by_remote;    /* GSocketAddress* → GateConn* (borrowed) */
  GSource      *sweep;
  GSource      *reap;
  char         *peek_buffer;     /* BOTBENCH_HTTP_MAX_HEAD + 1 bytes */
  gulong        started_id;
  gulong        read_id;
  gulong        finished_id;
  gulong        aborted_id;
};

static GateConn *
gate_conn_ref (GateConn *conn)
{
  g_atomic_ref_count_inc (&conn->ref_count);
  return conn;
}

static void
gate_conn_unref (GateConn *conn)
{
  if (!g_atomic_ref_count_dec (&conn->ref_count))
    return;

  g_clear_object (&conn->cancellable);
  g_clear_object (&conn->stolen);
  g_clear_pointer (&conn->answer, g_bytes_unref);
  g_free (conn->drain);
  g_clear_object (&conn->stream);
  g_clear_object (&conn->socket);
  g_clear_object (&conn->local);
  g_clear_object (&conn->remote);
  g_free (conn);
}

/* The connection is closed: forget it and free its slot. */
static void
gate_conn_remove (GateConn *conn)
{
  BotbenchSandboxGate *gate = conn->gate;

  if (conn->hello != NULL)
    {
      g_source_destroy (conn->hello);
      g_clear_pointer (&conn->hello, g_source_unref);
    }

  if (gate == NULL)
    return;

  if (conn->queued.data != NULL)
    {
      g_queue_unlink (&gate->handshake_queue, &conn->queued);
      conn->queued.data = NULL;
    }

  g_hash_table_remove (gate->by_remote, conn->remote);
  g_queue_unlink (&gate->conns, &conn->link);
  _botbench_acceptor_release (conn->listener->acceptor);
  conn->gate = NULL;
  gate_conn_unref (conn);
}

static gboolean
gate_conn_is_closed (GateConn *conn)
{
  return g_socket_is_closed (conn->socket);
}

/* Ends a connection that libsoup owns: reads and writes fail at once, and
 * libsoup closes it as it would for a client that went away. */
static void
gate_conn_shut (GateConn *conn)
{
  if (conn->state == GATE_HELLO || conn->state == GATE_PEEK ||
      (conn->state == GATE_HANDSHAKE && !conn->handshaking))
    {
      /* Still entirely ours. */
      g_socket_close (conn->socket, NULL);
      gate_conn_remove (conn);
      return;
    }

  if (conn->state == GATE_HANDSHAKE)
    {
      g_cancellable_cancel (conn->cancellable);
      return;
    }

  if (conn->state == GATE_EARLY)
    {
      /* Its pending write or read fails at once and closes it. */
      conn->deadline = 0;
      if (!gate_conn_is_closed (conn))
        g_socket_shutdown (conn->socket, TRUE, TRUE, NULL);
      return;
    }

  conn->state = GATE_SHUT;
  conn->deadline = 0;
  if (!gate_conn_is_closed (conn))
    g_socket_shutdown (conn->socket, TRUE, TRUE, NULL);
}

static GateConn *
lookup (BotbenchSandboxGate *gate,
        SoupServerMessage   *msg)
{
  return g_hash_table_lookup (gate->by_remote, soup_server_message_get_remote_address (msg));
}

static guint
reap_closed (BotbenchSandboxGate *gate)
{
  GList *l = gate->conns.head;
  guint n = 0;

  while (l != NULL)
    {
      GateConn *conn = l->data;

      l = l->next;
      if (conn->state >= GATE_HEAD && conn->state != GATE_EARLY && gate_conn_is_closed (conn))
        {
          gate_conn_remove (conn);
          n++;
        }
    }

  return n;
}

static gboolean
reap_cb (gpointer data)
{
  BotbenchSandboxGate *gate = data;

  g_clear_pointer (&gate->reap, g_source_unref);
  reap_closed (gate);

  return G_SOURCE_REMOVE;
}

static void
schedule_reap (BotbenchSandboxGate *gate)
{
  if (gate->reap != NULL)
    return;

  gate->reap = g_idle_source_new ();
  g_source_set_callback (gate->reap, reap_cb, gate, NULL);
  g_source_attach (gate->reap, gate->context);
}

/* ------------------------------------------------------------------------ */
/* what libsoup does with a connection                                      */

static void
early_closed (GateConn *conn)
{
  if (conn->stolen != NULL)
    g_io_stream_close (conn->stolen, NULL, NULL);
  if (!gate_conn_is_closed (conn))
    g_socket_close (conn->socket, NULL);
  conn->state = GATE_SHUT;
  gate_conn_remove (conn);
}

static void
drain_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  GateConn *conn = user_data;   /* the reference taken for the read */
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, NULL);

  if (n > 0 && conn->gate != NULL)
    g_input_stream_read_async (G_INPUT_STREAM (object), conn->drain, LINGER_READ_SIZE,
                               G_PRIORITY_DEFAULT, NULL, drain_cb, gate_conn_ref (conn));
  else
    early_closed (conn);

  gate_conn_unref (conn);
}

static void
answer_written_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GateConn *conn = user_data;   /* the reference taken for the write */
  g_autoptr(GError) error = NULL;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL, &error) ||
      conn->gate == NULL)
    early_closed (conn);
  else
    {
      /* The answer is out; take what the client may still send (the body
       * it was refused) for a moment, then close. */
      g_socket_shutdown (conn->socket, FALSE, TRUE, NULL);
      conn->deadline = g_get_monotonic_time () + LINGER_US;
      conn->drain = g_malloc (LINGER_READ_SIZE);
      g_input_stream_read_async (g_io_stream_get_input_stream (conn->stolen), conn->drain,
                                 LINGER_READ_SIZE, G_PRIORITY_DEFAULT, NULL, drain_cb,
                                 gate_conn_ref (conn));
    }

  gate_conn_unref (conn);
}

/* Writes conn->answer on stream (taken), then lingers and closes: the
 * connection is the gate's from now on. */
static void
send_answer (GateConn  *conn,
             GIOStream *stream)
{
  conn->state = GATE_EARLY;
  conn->deadline = g_get_monotonic_time () + conn->gate->idle_timeout_us;
  conn->stolen = stream;
  if (conn->stolen == NULL)
    {
      early_closed (conn);
      return;
    }

  g_output_stream_write_all_async (g_io_stream_get_output_stream (conn->stolen),
                                   g_bytes_get_data (conn->answer, NULL), g_bytes_get_size (conn->answer),
                                   G_PRIORITY_DEFAULT, NULL, answer_written_cb, gate_conn_ref (conn));
}

/* The sandbox refused the request from its head (413, a wrong secret…):
 * libsoup 3.2 would read the whole body before answering, so the gate takes
 * the connection back and answers now. */
static void
answer_early (GateConn          *conn,
              SoupServerMessage *msg)
{
  guint status = soup_server_message_get_status (msg);
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_response_body (msg));
  GString *answer = g_string_new (NULL);
  SoupMessageHeadersIter iter;
  const char *name, *value;

  g_string_append_printf (answer, "HTTP/1.1 %u %s\r\n", status, soup_status_get_phrase (status));
  soup_message_headers_iter_init (&iter, soup_server_message_get_response_headers (msg));
  while (soup_message_headers_iter_next (&iter, &name, &value))
    if (g_ascii_strcasecmp (name, "Content-Length") != 0 &&
        g_ascii_strcasecmp (name, "Transfer-Encoding") != 0 &&
        g_ascii_strcasecmp (name, "Connection") != 0)
      g_string_append_printf (answer, "%s: %s\r\n", name, value);
  g_string_append_printf (answer, "Content-Length: %" G_GSIZE_FORMAT "\r\nConnection: close\r\n\r\n",
                          g_bytes_get_size (body));
  g_string_append_len (answer, g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  conn->answer = g_string_free_to_bytes (answer);

  g_hash_table_remove (conn->gate->by_remote, conn->remote);
  send_answer (conn, soup_server_message_steal_connection (msg));
}

static void
got_headers_cb (SoupServerMessage   *msg,
                BotbenchSandboxGate *gate)
{
  GateConn *conn = lookup (gate, msg);
  gint64 now = g_get_monotonic_time ();

  if (conn == NULL || conn->state == GATE_SHUT)
    return;

  /* An early handler answered already. */
  if (soup_server_message_get_status (msg) != 0)
    {
      answer_early (conn, msg);
      return;
    }

  conn->state = GATE_BODY;
  conn->deadline = now + gate->idle_timeout_us;
  conn->request_deadline = now + BODY_DEADLINE_FACTOR * gate->idle_timeout_us;
}

static void
got_chunk_cb (SoupServerMessage   *msg,
              GBytes              *chunk,
              BotbenchSandboxGate *gate)
{
  GateConn *conn = lookup (gate, msg);

  if (conn != NULL && conn->state == GATE_BODY)
    conn->deadline = MIN (g_get_monotonic_time () + gate->idle_timeout_us, conn->request_deadline);
}

static void
request_started_cb (SoupServer          *server,
                    SoupServerMessage   *msg,
                    BotbenchSandboxGate *gate)
{
  GateConn *conn = lookup (gate, msg);

  if (conn == NULL)
    return;

  /* The head's deadline runs from the accept (set there). */
  g_signal_connect (msg, "got-headers", G_CALLBACK (got_headers_cb), gate);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (got_chunk_cb), gate);
}

static void
request_read_cb (SoupServer          *server,
                 SoupServerMessage   *msg,
                 BotbenchSandboxGate *gate)
{
  GateConn *conn = lookup (gate, msg);

  if (conn != NULL && conn->state != GATE_SHUT)
    {
      conn->state = GATE_HANDLING;
      conn->deadline = 0;
    }
}

static void
request_done_cb (SoupServer          *server,
                 SoupServerMessage   *msg,
                 BotbenchSandboxGate *gate)
{
  GateConn *conn = lookup (gate, msg);

  /* libsoup closes the connection right after this signal (the sandbox
   * keeps no connection alive); free its slot once it has. */
  if (conn != NULL && conn->state != GATE_SHUT)
    {
      conn->state = GATE_HEAD;
      conn->deadline = g_get_monotonic_time () + gate->idle_timeout_us;
    }
  schedule_reap (gate);
}

/* ------------------------------------------------------------------------ */
/* accepting                                                                */

static void
hand_over (GateConn *conn)
{
  BotbenchSandboxGate *gate = conn->gate;
  g_autoptr(GError) error = NULL;

  conn->state = GATE_HEAD;
  g_hash_table_insert (gate->by_remote, conn->remote, conn);

  if (!soup_server_accept_iostream (gate->server, conn->stream, conn->local, conn->remote, &error))
    {
      g_debug ("libsoup refused a connection: %s", error->message);
      g_io_stream_close (conn->stream, NULL, NULL);
      gate_conn_remove (conn);
    }
}

static void start_handshakes (BotbenchSandboxGate *gate);

static void
handshake_done_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GateConn *conn = user_data;   /* the reference taken for the handshake */
  BotbenchSandboxGate *gate = conn->gate;
  g_autoptr(GError) error = NULL;

  conn->handshaking = FALSE;
  if (gate != NULL)
    {
      gate->n_handshakes--;
      start_handshakes (gate);
    }

  if (!g_tls_connection_handshake_finish (G_TLS_CONNECTION (object), result, &error) ||
      conn->gate == NULL)
    {
      g_debug ("TLS handshake failed: %s", error ? error->message : "the sandbox stopped");
      g_socket_close (conn->socket, NULL);
      conn->state = GATE_SHUT;
      gate_conn_remove (conn);
    }
  else
    hand_over (conn);

  gate_conn_unref (conn);
}

static void
start_handshakes (BotbenchSandboxGate *gate)
{
  while (gate->n_handshakes < MAX_HANDSHAKES && gate->handshake_queue.head != NULL)
    {
      GateConn *conn = gate->handshake_queue.head->data;

      g_queue_unlink (&gate->handshake_queue, &conn->queued);
      conn->queued.data = NULL;
      conn->handshaking = TRUE;
      conn->handshake_start = g_get_monotonic_time ();
      gate->n_handshakes++;
      conn->deadline = MIN (conn->deadline, g_get_monotonic_time () + HANDSHAKE_US);
      conn->cancellable = g_cancellable_new ();
      g_tls_connection_handshake_async (G_TLS_CONNECTION (conn->stream), G_PRIORITY_DEFAULT,
                                        conn->cancellable, handshake_done_cb, gate_conn_ref (conn));
    }
}

/* The client has spoken (its ClientHello): its handshake may start. */
static gboolean
hello_cb (GSocket      *socket,
          GIOCondition  condition,
          gpointer      user_data)
{
  GateConn *conn = user_data;
  BotbenchSandboxGate *gate = conn->gate;
  g_autoptr(GError) error = NULL;
  GIOStream *tls;

  g_clear_pointer (&conn->hello, g_source_unref);

  /* No database: the sandbox never asks for client certificates, and
   * glib-networking would otherwise build a trust list of every system CA
   * for each connection (~140 certificates parsed per handshake). */
  tls = g_initable_new (g_tls_backend_get_server_connection_type (g_tls_backend_get_default ()),
                        NULL, &error,
                        "base-io-stream", conn->stream,
                        "certificate", conn->listener->certificate,
                        "database", NULL,
                        NULL);
  if (tls == NULL)
    {
      g_debug ("Cannot start TLS: %s", error->message);
      g_socket_close (conn->socket, NULL);
      conn->state = GATE_SHUT;
      gate_conn_remove (conn);
      return G_SOURCE_REMOVE;
    }
  g_object_set (tls, "require-close-notify", FALSE, NULL);
  g_object_unref (conn->stream);
  conn->stream = tls;

  conn->state = GATE_HANDSHAKE;
  conn->queued.data = conn;
  g_queue_push_tail_link (&gate->handshake_queue, &conn->queued);
  start_handshakes (gate);

  return G_SOURCE_REMOVE;
}

/* A head the sandbox's strict reading refuses is answered here: libsoup
 * 3.2 takes some broken heads (a line without a colon, a method that is not
 * a token, two Content-Lengths) and leaks the request path on others. */
static void
refuse_head (GateConn   *conn,
             guint       status,
             const char *reason)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;
  char *text;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, "BAD_REQUEST");
  json_builder_set_member_name (builder, "error_description");
  json_builder_add_string_value (builder, reason);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json = json_to_string (root, FALSE);

  text = g_strdup_printf ("HTTP/1.1 %u %s\r\n"
                                "Content-Type: application/json; charset=utf-8\r\n"
                                "Content-Length: %" G_GSIZE_FORMAT "\r\n"
                                "Connection: close\r\n\r\n%s",
                                status, soup_status_get_phrase (status), strlen (json), json);

  conn->answer = g_bytes_new_take (text, strlen (text));
  send_answer (conn, g_object_ref (conn->stream));
}

static gboolean peek_cb (GSocket      *socket,
                         GIOCondition  condition,
                         gpointer      user_data);

static void
wait_readable (GateConn *conn)
{
  conn->hello = g_socket_create_source (conn->socket, G_IO_IN, NULL);
  g_source_set_callback (conn->hello, (GSourceFunc)(GCallback)peek_cb, conn, NULL);
  g_source_attach (conn->hello, conn->gate->context);
}

static gboolean
peek_again_cb (gpointer user_data)
{
  GateConn *conn = user_data;

  g_clear_pointer (&conn->hello, g_source_unref);
  wait_readable (conn);

  return G_SOURCE_REMOVE;
}

/* The request head, looked at without taking it (MSG_PEEK): refused here,
 * or left whole for libsoup. */
static gboolean
peek_cb (GSocket      *socket,
         GIOCondition  condition,
         gpointer      user_data)
{
  GateConn *conn = user_data;
  BotbenchSandboxGate *gate = conn->gate;
  BotbenchHttpHead head;
  const char *reason = NULL;
  guint status = 0;
  gssize n;
  gsize end;

  n = recv (g_socket_get_fd (socket), gate->peek_buffer, BOTBENCH_HTTP_MAX_HEAD + 1, MSG_PEEK);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
    return G_SOURCE_CONTINUE;

  g_clear_pointer (&conn->hello, g_source_unref);

  if (n <= 0)
    {
      /* Gone before sending a head. */
      g_socket_close (conn->socket, NULL);
      conn->state = GATE_SHUT;
      gate_conn_remove (conn);
      return G_SOURCE_REMOVE;
    }

  end = _botbench_http_find_head_end (gate->peek_buffer, n, &conn->scan, &status);
  if (status != 0)
    {
      refuse_head (conn, status, status == 414 ? "The request line is too long" : "The request head is too long");
      return G_SOURCE_REMOVE;
    }

  if (end == 0)
    {
      struct pollfd pfd = { g_socket_get_fd (socket), POLLRDHUP, 0 };

      /* Peeking never sees the end of the stream behind unread bytes: ask
       * whether the client has finished sending.  Its head never will be
       * complete. */
      if (poll (&pfd, 1, 0) == 1 && (pfd.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0)
        {
          refuse_head (conn, 400, "The request head ended before its blank line");
          return G_SOURCE_REMOVE;
        }

      conn->hello = g_timeout_source_new (PEEK_AGAIN_MS);
      g_source_set_callback (conn->hello, peek_again_cb, conn, NULL);
      g_source_attach (conn->hello, gate->context);
      return G_SOURCE_REMOVE;
    }

  if (!_botbench_http_parse_head (gate->peek_buffer, end, &head, &status, &reason))
    {
      refuse_head (conn, status, reason);
      return G_SOURCE_REMOVE;
    }
  _botbench_http_head_clear (&head);

  hand_over (conn);
  return G_SOURCE_REMOVE;
}

static void
accept_cb (GSocket  *client,
           gpointer  user_data)
{
  GateListener *listener = user_data;
  BotbenchSandboxGate *gate = listener->gate;
  GateConn *conn;

  conn = g_new0 (GateConn, 1);
  g_atomic_ref_count_init (&conn->ref_count);
  conn->gate = gate;
  conn->listener = listener;
  conn->socket = client;
  conn->link.data = conn;
  conn->deadline = g_get_monotonic_time () + gate->idle_timeout_us;
  g_queue_push_tail_link (&gate->conns, &conn->link);

  conn->local = g_socket_get_local_address (client, NULL);
  conn->remote = g_socket_get_remote_address (client, NULL);
  if (conn->local == NULL || conn->remote == NULL)
    {
      /* Reset before we got to it. */
      g_socket_close (client, NULL);
      conn->state = GATE_SHUT;
      gate_conn_remove (conn);
      return;
    }

  conn->stream = G_IO_STREAM (g_socket_connection_factory_create_connection (client));

  if (listener->certificate == NULL)
    {
      conn->state = GATE_PEEK;
      wait_readable (conn);
      return;
    }

  /* TLS costs nothing until the client speaks: a TLS session is set up
   * (milliseconds of CPU each) only then. */
  conn->state = GATE_HELLO;
  conn->hello = g_socket_create_source (client, G_IO_IN, NULL);
  g_source_set_callback (conn->hello, (GSourceFunc)(GCallback)hello_cb, conn, NULL);
  g_source_attach (conn->hello, gate->context);
}

static gboolean
evict_cb (gpointer user_data)
{
  GateListener *listener = user_data;
  BotbenchSandboxGate *gate = listener->gate;
  GateConn *oldest = NULL;
  guint n_shut = 0;

  if (reap_closed (gate) > 0)
    return TRUE;

  /* A TLS client that never said hello is ours to close at once. */
  for (GList *l = gate->conns.head; l != NULL; l = l->next)
    {
      GateConn *conn = l->data;

      if ((conn->state == GATE_HELLO || conn->state == GATE_PEEK) &&
          (oldest == NULL || conn->deadline < oldest->deadline))
        oldest = conn;
    }
  if (oldest != NULL)
    {
      gate_conn_shut (oldest);
      return TRUE;
    }

  /* Nothing is kept alive here: the connections worth ending are those
   * still handshaking or sending their head, the oldest (first in the
   * list) first.  libsoup closes them on its next turn; a few at once, so
   * that a flood of silent connections gives way quickly. */
  for (GList *l = gate->conns.head, *next; l != NULL && n_shut < EVICT_BATCH; l = next)
    {
      GateConn *conn = l->data;

      next = l->next;
      if (conn->state == GATE_HANDSHAKE || conn->state == GATE_HEAD)
        {
          gate_conn_shut (conn);
          n_shut++;
        }
    }

  /* Their slots are free once libsoup has closed them. */
  schedule_reap (gate);
  return FALSE;
}

static gboolean
sweep_cb (gpointer data)
{
  BotbenchSandboxGate *gate = data;
  gint64 now = g_get_monotonic_time ();

  reap_closed (gate);

  for (GList *l = gate->conns.head, *next; l != NULL; l = next)
    {
      GateConn *conn = l->data;

      /* gate_conn_shut() may unlink and free it */
      next = l->next;

      /* A handshake dribbled out byte by byte keeps a thread from clients
       * that wait for one. */
      if (conn->handshaking && gate->handshake_queue.length > 0 &&
          now - conn->handshake_start > HANDSHAKE_BUSY_US)
        {
          g_debug ("Slow TLS handshake while others wait: cancelling it");
          gate_conn_shut (conn);
          continue;
        }

      if (conn->deadline != 0 && now >= conn->deadline)
        {
          g_debug ("Connection past its deadline (state %d): shutting it down", conn->state);
          gate_conn_shut (conn);
        }
    }

  return G_SOURCE_CONTINUE;
}

/* ------------------------------------------------------------------------ */

BotbenchSandboxGate *
_botbench_sandbox_gate_new (SoupServer *server,
                            guint       max_connections,
                            guint       idle_timeout)
{
  BotbenchSandboxGate *gate = g_new0 (BotbenchSandboxGate, 1);

  gate->server = g_object_ref (server);
  gate->context = g_main_context_ref_thread_default ();
  gate->max_connections = max_connections;
  gate->idle_timeout_us = (gint64)MAX (idle_timeout, 1) * G_USEC_PER_SEC;
  gate->listeners = g_ptr_array_new ();
  gate->by_remote = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_queue_init (&gate->conns);
  g_queue_init (&gate->handshake_queue);
  gate->peek_buffer = g_malloc (BOTBENCH_HTTP_MAX_HEAD + 1);

  gate->started_id = g_signal_connect (server, "request-started", G_CALLBACK (request_started_cb), gate);
  gate->read_id = g_signal_connect (server, "request-read", G_CALLBACK (request_read_cb), gate);
  gate->finished_id = g_signal_connect (server, "request-finished", G_CALLBACK (request_done_cb), gate);
  gate->aborted_id = g_signal_connect (server, "request-aborted", G_CALLBACK (request_done_cb), gate);

  gate->sweep = g_timeout_source_new (SWEEP_INTERVAL_MS);
  g_source_set_callback (gate->sweep, sweep_cb, gate, NULL);
  g_source_attach (gate->sweep, gate->context);

  return gate;
}

void
_botbench_sandbox_gate_add_socket (BotbenchSandboxGate *self,
                                   GSocket             *listening,
                                   GTlsCertificate     *certificate)
{
  GateListener *listener = g_new0 (GateListener, 1);

  listener->gate = self;
  listener->certificate = certificate ? g_object_ref (certificate) : NULL;
  listener->acceptor = _botbench_acceptor_new (listening, self->max_connections,
                                               accept_cb, evict_cb, listener);
  g_ptr_array_add (self->listeners, listener);
}

GSocket *
_botbench_sandbox_gate_get_socket (BotbenchSandboxGate *self,
                                   SoupServerMessage   *msg)
{
  GateConn *conn = self != NULL ? lookup (self, msg) : NULL;

  return conn != NULL && conn->state != GATE_SHUT ? conn->socket : NULL;
}

void
_botbench_sandbox_gate_free (BotbenchSandboxGate *self)
{
  if (self == NULL)
    return;

  g_clear_signal_handler (&self->started_id, self->server);
  g_clear_signal_handler (&self->read_id, self->server);
  g_clear_signal_handler (&self->finished_id, self->server);
  g_clear_signal_handler (&self->aborted_id, self->server);

  g_source_destroy (self->sweep);
  g_clear_pointer (&self->sweep, g_source_unref);
  if (self->reap != NULL)
    {
      g_source_destroy (self->reap);
      g_clear_pointer (&self->reap, g_source_unref);
    }

  while (self->conns.head != NULL)
    {
      GateConn *conn = gate_conn_ref (self->conns.head->data);

      gate_conn_shut (conn);
      gate_conn_remove (conn);
      gate_conn_unref (conn);
    }

  for (guint i = 0; i < self->listeners->len; i++)
    {
      GateListener *listener = self->listeners->pdata[i];

      _botbench_acceptor_free (listener->acceptor);
      g_clear_object (&listener->certificate);
      g_free (listener);
    }
  g_ptr_array_unref (self->listeners);
  g_hash_table_unref (self->by_remote);
  g_free (self->peek_buffer);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_object (&self->server);
  g_free (self);
}
