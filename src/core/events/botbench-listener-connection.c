/* botbench-listener-connection.c: one client connection of the listener
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * HTTP/1.1 with keep-alive and pipelining, read with the strict parser in
 * botbench-http-parser.c.  Each connection walks HEAD → BODY → STORE →
 * WRITE → HEAD …; it reads nothing while its event is being committed or
 * its answer written, so one connection holds at most one request's bytes.
 *
 * Deadlines (idle-timeout, 15 s by default): a request head must be complete
 * within the timeout of the connection's accept or of its previous answer
 * (bytes trickling in do not extend it: slowloris); a body must progress at
 * least once per timeout and be complete within ten timeouts.  A connection
 * that sent an error gets "Connection: close" and is closed after it.
 */
#define G_LOG_DOMAIN "botbench-listener"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "botbench-event.h"
#include "botbench-event-store.h"
#include "botbench-http-parser-private.h"
#include "botbench-http-send.h"
#include "botbench-json.h"
#include "botbench-listener-private.h"

#define BODY_DEADLINE_FACTOR 10
/* After a last answer, what the client still sends (a refused body) is read
 * and dropped for this long, so that it reads the answer instead of a
 * reset. */
#define LINGER_US            (2 * G_USEC_PER_SEC)

typedef enum
{
  CONN_HEAD,      /* waiting for (the rest of) a request head */
  CONN_BODY,      /* reading a body */
  CONN_STORE,     /* the event is with the store's writer */
  CONN_WRITE,     /* an answer is being written */
  CONN_LINGER,    /* answered for the last time, dropping what still comes */
} ConnState;

struct _ListenerConnection
{
  gatomicrefcount      ref_count;     /* one for being open, one per callback under way */
  ListenerServer      *server;
  GList                link;          /* in server->connections */
  GSocket             *socket;        /* NULL once closed */
  GSource             *read_source;
  GSource             *write_source;
  char                *remote;
  ConnState            state;

  GByteArray          *in;            /* read, not yet parsed */
  BotbenchHttpHeadScan scan;
  BotbenchHttpHead     head;
  BotbenchHttpChunked  chunked;
  GByteArray          *body;
  BotbenchEvent       *storing;       /* with the store's writer (CONN_STORE) */
  BotbenchForwarder   *forwarder;     /* prepared storing's forward */

  GString             *out;
  gsize                out_pos;
  gboolean             close_after_write;
  gboolean             token_rejected;  /* strict mode: answer 401 after the commit */

  gint64               deadline;      /* monotonic µs: head / body progress */
  gint64               request_deadline;
  gint64               idle_since;    /* 0 unless waiting for a new request's first byte */
};

static void connection_process      (ListenerConnection *conn);
static void connection_start_reading (ListenerConnection *conn);

/* ------------------------------------------------------------------------ */
/* life cycle                                                               */

static void
connection_stop_reading (ListenerConnection *conn)
{
  if (conn->read_source != NULL)
    {
      g_source_destroy (conn->read_source);
      g_clear_pointer (&conn->read_source, g_source_unref);
    }
}

static void
connection_forget_body (ListenerConnection *conn)
{
  ListenerServer *server = conn->server;

  if (conn->body != NULL)
    {
      g_assert (server->buffered >= conn->body->len);
      server->buffered -= conn->body->len;
      g_clear_pointer (&conn->body, g_byte_array_unref);
    }
}

static ListenerConnection *
connection_ref (ListenerConnection *conn)
{
  g_atomic_ref_count_inc (&conn->ref_count);
  return conn;
}

static void
connection_unref (ListenerConnection *conn)
{
  if (!g_atomic_ref_count_dec (&conn->ref_count))
    return;

  g_assert (conn->socket == NULL);
  _botbench_http_head_clear (&conn->head);
  g_clear_pointer (&conn->in, g_byte_array_unref);
  g_string_free (conn->out, TRUE);
  g_free (conn->remote);
  g_clear_object (&conn->storing);
  g_clear_object (&conn->forwarder);
  g_free (conn);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ListenerConnection, connection_unref)

static void
connection_close (ListenerConnection *conn)
{
  ListenerServer *server = conn->server;

  if (conn->socket == NULL)
    return;

  connection_stop_reading (conn);
  if (conn->write_source != NULL)
    {
      g_source_destroy (conn->write_source);
      g_clear_pointer (&conn->write_source, g_source_unref);
    }
  connection_forget_body (conn);

  g_socket_close (conn->socket, NULL);
  g_clear_object (&conn->socket);
  g_queue_unlink (&server->connections, &conn->link);

  if (server->acceptor != NULL)
    _botbench_acceptor_release (server->acceptor);

  /* A callback under way (the store's, a read) may still hold a reference. */
  connection_unref (conn);
}

static void
connection_reset_request (ListenerConnection *conn)
{
  _botbench_http_head_clear (&conn->head);
  connection_forget_body (conn);
  memset (&conn->scan, 0, sizeof conn->scan);
  conn->state = CONN_HEAD;
  conn->deadline = g_get_monotonic_time () + conn->server->idle_timeout_us;
  conn->request_deadline = 0;
}

/* ------------------------------------------------------------------------ */
/* answers                                                                  */

static gboolean
write_cb (GSocket      *socket,
          GIOCondition  condition,
          gpointer      user_data);

static void
connection_written (ListenerConnection *conn)
{
  g_string_truncate (conn->out, 0);
  conn->out_pos = 0;

  if (conn->state != CONN_WRITE)
    return;   /* a 100 Continue: the body comes next */

  if (conn->server->stopping)
    {
      connection_close (conn);
      return;
    }

  if (conn->close_after_write)
    {
      /* Half-close, then drop what still comes until the client closes:
       * closing with unread bytes would reset the connection, and the
       * client could lose the answer. */
      g_socket_shutdown (conn->socket, FALSE, TRUE, NULL);
      g_byte_array_set_size (conn->in, 0);
      connection_forget_body (conn);
      conn->state = CONN_LINGER;
      conn->deadline = g_get_monotonic_time () + LINGER_US;
      connection_start_reading (conn);
      return;
    }

  connection_reset_request (conn);
  connection_start_reading (conn);
  /* A pipelined request may be waiting in the buffer already. */
  connection_process (conn);
}

static void
connection_flush (ListenerConnection *conn)
{
  while (conn->out_pos < conn->out->len)
    {
      g_autoptr(GError) error = NULL;
      gssize n = g_socket_send (conn->socket, conn->out->str + conn->out_pos,
                                conn->out->len - conn->out_pos, NULL, &error);

      if (n < 0)
        {
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            {
              if (conn->write_source == NULL)
                {
                  conn->write_source = g_socket_create_source (conn->socket, G_IO_OUT, NULL);
                  g_source_set_callback (conn->write_source, (GSourceFunc)(GCallback)write_cb, conn, NULL);
                  g_source_attach (conn->write_source, g_main_context_get_thread_default ());
                }
              /* A client that does not read its answer is idle too. */
              conn->deadline = g_get_monotonic_time () + conn->server->idle_timeout_us;
              return;
            }
          g_debug ("Cannot answer %s: %s", conn->remote, error->message);
          connection_close (conn);
          return;
        }

      conn->out_pos += n;
    }

  connection_written (conn);
}

static gboolean
write_cb (GSocket      *socket,
          GIOCondition  condition,
          gpointer      user_data)
{
  g_autoptr(ListenerConnection) conn = connection_ref (user_data);

  g_clear_pointer (&conn->write_source, g_source_unref);
  connection_flush (conn);

  return G_SOURCE_REMOVE;
}

static void
connection_respond (ListenerConnection *conn,
                    guint               status,
                    const char         *extra_headers,
                    const char         *json)
{
  gboolean head_only = conn->head.method != NULL && g_str_equal (conn->head.method, "HEAD");
  gsize len = strlen (json);

  /* Errors end the connection: what follows an error in the stream cannot
   * be trusted to be a request. */
  if (status >= 400 || !conn->head.keep_alive)
    conn->close_after_write = TRUE;

  connection_stop_reading (conn);
  conn->state = CONN_WRITE;
  conn->deadline = g_get_monotonic_time () + conn->server->idle_timeout_us;

  g_string_append_printf (conn->out,
                          "HTTP/1.1 %u %s\r\n"
                          "Server: Botbench/" PACKAGE_VERSION "\r\n"
                          "Content-Type: application/json\r\n"
                          "Content-Length: %" G_GSIZE_FORMAT "\r\n"
                          "%s%s"
                          "\r\n",
                          status, soup_status_get_phrase (status), len,
                          extra_headers ? extra_headers : "",
                          conn->close_after_write ? "Connection: close\r\n" : "");
  if (!head_only)
    g_string_append_len (conn->out, json, len);

  connection_flush (conn);
}

/* stored_id > 0: the event was stored all the same (a rejected token), so
 * a replaying Botbench knows it need not store it again. */
static void
connection_respond_error_full (ListenerConnection *conn,
                               guint               status,
                               const char         *extra_headers,
                               const char         *message,
                               gint64              stored_id)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, soup_status_get_phrase (status));
  json_builder_set_member_name (builder, "error_description");
  json_builder_add_string_value (builder, message);
  if (stored_id > 0)
    {
      json_builder_set_member_name (builder, "id");
      json_builder_add_int_value (builder, stored_id);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json = json_to_string (root, FALSE);

  connection_respond (conn, status, extra_headers, json);
}

static void
connection_respond_error (ListenerConnection *conn,
                          guint               status,
                          const char         *extra_headers,
                          const char         *message)
{
  connection_respond_error_full (conn, status, extra_headers, message, 0);
}

static void
connection_respond_too_large (ListenerConnection *conn)
{
  g_autofree char *message = NULL;

  message = g_strdup_printf ("Request body exceeds the limit of %" G_GSIZE_FORMAT " bytes",
                             conn->server->max_body);
  connection_respond_error (conn, 413, NULL, message);
}

static void
connection_respond_status (ListenerConnection *conn)
{
  ListenerServer *server = conn->server;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, "Botbench");
  json_builder_set_member_name (builder, "version");
  json_builder_add_string_value (builder, PACKAGE_VERSION);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, "listening");
  json_builder_set_member_name (builder, "events");
  json_builder_add_int_value (builder, (gint64)(gsize)g_atomic_pointer_get (server->n_events));
  json_builder_set_member_name (builder, "max_body");
  json_builder_add_int_value (builder, (gint64)server->max_body);
  json_builder_set_member_name (builder, "store");
  json_builder_add_string_value (builder, botbench_event_store_get_path (server->store));
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json = json_to_string (root, FALSE);

  connection_respond (conn, 200, NULL, json);
}

/* ------------------------------------------------------------------------ */
/* requests                                                                 */

/* Before the event is stored: when a rule matches, it gets a pending
 * forward, stored with it.  A rule that points back at this listener
 * would forward its own forwards without end: such an event is stored,
 * not forwarded again; nor is a rejected one. */
static void
connection_prepare_forward (ListenerConnection *conn,
                            BotbenchEvent      *event)
{
  g_autoptr(BotbenchForwarder) forwarder = NULL;

  if (botbench_event_get_rejected (event) || botbench_http_send_is_own_forward (event))
    return;

  forwarder = _botbench_listener_dup_forwarder (conn->server->listener);
  if (forwarder != NULL && botbench_forwarder_prepare (forwarder, event))
    conn->forwarder = g_steal_pointer (&forwarder);
}

/* X-Botbench-Replay-Of: N (digits only) marks a replay of event N, when
 * N is an id the store has given out. */
static void
connection_apply_replay_of (ListenerServer *server,
                            BotbenchEvent  *event)
{
  const char *value = botbench_event_get_header (event, "X-Botbench-Replay-Of");
  guint64 id = 0;

  if (value == NULL || *value == '\0' || strlen (value) > 18)
    return;
  for (const char *p = value; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return;

  id = g_ascii_strtoull (value, NULL, 10);
  if (id > 0 && (gint64)id <= botbench_event_store_get_last_id (server->store))
    botbench_event_set_replay_of (event, (gint64)id);
}

static void
insert_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(ListenerConnection) conn = user_data;   /* the reference taken for the store */
  ListenerServer *server = conn->server;
  g_autoptr(GError) error = NULL;
  g_autoptr(BotbenchEvent) event = g_steal_pointer (&conn->storing);
  gint64 id;

  id = botbench_event_store_insert_finish (BOTBENCH_EVENT_STORE (object), result, &error);

  g_assert (server->n_pending > 0);
  server->n_pending--;

  if (error == NULL)
    g_atomic_pointer_add (server->n_events, 1);

  /* The sender hung up while its event was being committed: the event is
   * kept, there is just nobody left to tell. */
  if (conn->socket != NULL && error != NULL)
    {
      g_debug ("Could not store event: %s", error->message);
      /* Busy or failing: nothing was stored, the sender may try again. */
      connection_respond_error (conn, 503, "Retry-After: 1\r\n", error->message);
    }
  else if (conn->socket != NULL)
    {
      char json[64];

      g_snprintf (json, sizeof json, "{\"ok\":true,\"id\":%" G_GINT64_FORMAT "}", id);
      if (conn->token_rejected)
        connection_respond_error_full (conn, 401, NULL, BOTBENCH_LISTENER_TOKEN_REJECTED, id);
      else
        connection_respond (conn, 200, NULL, json);
    }

  /* Forwarded once acknowledged: the handler never delays the answer. */
  if (conn->forwarder != NULL && error == NULL)
    botbench_forwarder_submit (conn->forwarder, event);
  else if (conn->forwarder != NULL)
    botbench_forwarder_abandon (conn->forwarder, event);
  g_clear_object (&conn->forwarder);
}

static void
connection_store_event (ListenerConnection *conn)
{
  ListenerServer *server = conn->server;
  g_autoptr(BotbenchEvent) event = NULL;
  g_autoptr(GBytes) body = NULL;

  body = g_byte_array_free_to_bytes (g_steal_pointer (&conn->body));
  g_assert (server->buffered >= g_bytes_get_size (body));
  server->buffered -= g_bytes_get_size (body);

  /* JSON nested deeper than anything json-glib survives is refused here,
   * on its way in; other broken JSON is stored as sent, for the developer
   * to see. */
  if (botbench_event_content_type_is_json (conn->head.content_type))
    {
      g_autoptr(GError) error = NULL;

      if (!botbench_json_check (g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                                BOTBENCH_JSON_MAX_DEPTH, &error) &&
          g_error_matches (error, BOTBENCH_JSON_ERROR, BOTBENCH_JSON_ERROR_TOO_DEEP))
        {
          connection_respond_error (conn, 400, NULL, error->message);
          return;
        }
    }

  event = botbench_event_new (g_get_real_time (),
                              conn->remote,
                              conn->head.method,
                              conn->head.path,
                              conn->head.query,
                              (const char * const *)conn->head.headers,
                              conn->head.content_type,
                              body);

  /* Decode (and summarise) here rather than on the store's single writer
   * thread, which every event goes through. */
  botbench_event_get_event_name (event);
  conn->token_rejected = _botbench_listener_token_apply (server->token, event);
  connection_apply_replay_of (server, event);
  connection_prepare_forward (conn, event);

  connection_stop_reading (conn);
  conn->state = CONN_STORE;
  conn->deadline = 0;
  server->n_pending++;
  conn->storing = g_object_ref (event);
  botbench_event_store_insert_async (server->store, event, NULL, insert_done_cb, connection_ref (conn));
}

/* A whole request head is in: decide what to do with it. */
static void
connection_got_head (ListenerConnection *conn)
{
  ListenerServer *server = conn->server;
  BotbenchHttpHead *head = &conn->head;
  gboolean is_root = g_str_equal (head->path, "/");

  if (g_str_equal (head->method, "POST"))
    {
      if (head->body_kind == BOTBENCH_HTTP_BODY_LENGTH && head->content_length > server->max_body)
        {
          connection_respond_too_large (conn);
          return;
        }

      conn->body = g_byte_array_new ();
      conn->state = CONN_BODY;
      conn->deadline = g_get_monotonic_time () + server->idle_timeout_us;
      conn->request_deadline = g_get_monotonic_time () + BODY_DEADLINE_FACTOR * server->idle_timeout_us;
      _botbench_http_chunked_init (&conn->chunked);

      if (head->expect_continue)
        {
          g_string_append (conn->out, "HTTP/1.1 100 Continue\r\n\r\n");
          connection_flush (conn);
        }
      return;
    }

  /* Anything else is answered at once; a body it may carry is not read, so
   * the connection closes after the answer. */
  if (head->body_kind != BOTBENCH_HTTP_BODY_NONE)
    head->keep_alive = FALSE;

  if (is_root && (g_str_equal (head->method, "GET") || g_str_equal (head->method, "HEAD")))
    {
      connection_respond_status (conn);
      return;
    }

  connection_respond_error (conn, 405,
                            is_root ? "Allow: GET, HEAD, POST\r\n" : "Allow: POST\r\n",
                            is_root ? "Events are delivered with POST; GET / shows this listener's status"
                                    : "Events are delivered with POST");
}

/* Moves body bytes from the input buffer; TRUE when the body is complete. */
static gboolean
connection_read_body (ListenerConnection *conn)
{
  ListenerServer *server = conn->server;
  gsize before = conn->body->len;
  gsize take;

  if (conn->head.body_kind == BOTBENCH_HTTP_BODY_LENGTH)
    {
      take = MIN (conn->in->len, conn->head.content_length - conn->body->len);
      g_byte_array_append (conn->body, conn->in->data, take);
    }
  else if (conn->head.body_kind == BOTBENCH_HTTP_BODY_CHUNKED)
    {
      BotbenchHttpChunkedResult result;
      const char *reason = NULL;
      guint status = 0;

      result = _botbench_http_chunked_feed (&conn->chunked, (const char *)conn->in->data, conn->in->len,
                                            &take, conn->body, server->max_body, &status, &reason);
      server->buffered += conn->body->len - before;
      g_byte_array_remove_range (conn->in, 0, take);

      if (result == BOTBENCH_HTTP_CHUNKED_ERROR)
        {
          if (status == 413)
            connection_respond_too_large (conn);
          else
            connection_respond_error (conn, status, NULL, reason);
          return FALSE;
        }
      return result == BOTBENCH_HTTP_CHUNKED_DONE;
    }
  else
    take = 0;

  server->buffered += conn->body->len - before;
  g_byte_array_remove_range (conn->in, 0, take);

  return conn->body->len == (conn->head.body_kind == BOTBENCH_HTTP_BODY_LENGTH ? conn->head.content_length : 0);
}

static void
connection_process (ListenerConnection *conn)
{
  while (conn->socket != NULL)
    {
      switch (conn->state)
        {
        case CONN_HEAD:
          {
            const char *reason = NULL;
            guint status = 0;
            gsize end;

            if (conn->in->len == 0)
              {
                if (conn->idle_since == 0)
                  conn->idle_since = g_get_monotonic_time ();
                return;
              }
            conn->idle_since = 0;

            end = _botbench_http_find_head_end ((const char *)conn->in->data, conn->in->len,
                                                &conn->scan, &status);
            if (status != 0)
              {
                connection_respond_error (conn, status, NULL,
                                          status == 414 ? "The request line is too long"
                                                        : "The request head is too long");
                return;
              }
            if (end == 0)
              return;

            if (!_botbench_http_parse_head ((const char *)conn->in->data, end, &conn->head, &status, &reason))
              {
                connection_respond_error (conn, status, NULL, reason);
                return;
              }
            g_byte_array_remove_range (conn->in, 0, end);
            connection_got_head (conn);
          }
          break;

        case CONN_BODY:
          {
            gsize before = conn->body->len;

            if (conn->in->len == 0 && conn->head.body_kind != BOTBENCH_HTTP_BODY_NONE)
              return;
            if (connection_read_body (conn))
              {
                connection_store_event (conn);
                return;
              }
            if (conn->state != CONN_BODY)
              return;   /* refused */
            if (conn->body->len > before)
              conn->deadline = MIN (g_get_monotonic_time () + conn->server->idle_timeout_us,
                                    conn->request_deadline);
            if (conn->server->buffered > conn->server->body_budget)
              connection_respond_error (conn, 503, "Retry-After: 5\r\n",
                                        "Too many bodies are being received at once");
          }
          return;

        case CONN_LINGER:
          g_byte_array_set_size (conn->in, 0);
          return;

        case CONN_STORE:
        case CONN_WRITE:
          return;

        default:
          g_assert_not_reached ();
        }
    }
}

static gboolean
read_cb (GSocket      *socket,
         GIOCondition  condition,
         gpointer      user_data)
{
  g_autoptr(ListenerConnection) conn = connection_ref (user_data);
  g_autoptr(GError) error = NULL;
  gssize n;

  /* Read into the server's scratch buffer: an idle connection holds no
   * buffer of its own. */
  n = g_socket_receive (socket, conn->server->scratch, sizeof conn->server->scratch, NULL, &error);

  if (n < 0)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        return G_SOURCE_CONTINUE;
      g_debug ("Connection from %s: %s", conn->remote, error->message);
      g_clear_pointer (&conn->read_source, g_source_unref);
      connection_close (conn);
      return G_SOURCE_REMOVE;
    }

  if (n == 0)
    {
      /* The client is done.  A request it left half-sent is not an event. */
      g_clear_pointer (&conn->read_source, g_source_unref);
      connection_close (conn);
      return G_SOURCE_REMOVE;
    }

  g_byte_array_append (conn->in, (const guint8 *)conn->server->scratch, n);
  connection_process (conn);

  /* connection_process may have stopped reading (or closed the connection) */
  return G_SOURCE_CONTINUE;
}

static void
connection_start_reading (ListenerConnection *conn)
{
  if (conn->read_source != NULL || conn->socket == NULL)
    return;

  conn->read_source = g_socket_create_source (conn->socket, G_IO_IN, NULL);
  g_source_set_callback (conn->read_source, (GSourceFunc)(GCallback)read_cb, conn, NULL);
  g_source_attach (conn->read_source, g_main_context_get_thread_default ());
}

/* ------------------------------------------------------------------------ */
/* the server's side                                                        */

void
_botbench_listener_connection_accept (ListenerServer *server,
                                      GSocket        *socket)
{
  ListenerConnection *conn = g_new0 (ListenerConnection, 1);
  g_autoptr(GSocketAddress) address = g_socket_get_remote_address (socket, NULL);

  g_atomic_ref_count_init (&conn->ref_count);
  conn->server = server;
  conn->socket = socket;
  conn->link.data = conn;
  conn->in = g_byte_array_new ();
  conn->out = g_string_sized_new (256);
  if (G_IS_INET_SOCKET_ADDRESS (address))
    conn->remote = g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address)));
  else
    conn->remote = g_strdup ("");
  conn->idle_since = g_get_monotonic_time ();

  g_queue_push_tail_link (&server->connections, &conn->link);
  connection_reset_request (conn);
  connection_start_reading (conn);
}

gboolean
_botbench_listener_connection_evict (ListenerServer *server)
{
  ListenerConnection *idle = NULL;
  ListenerConnection *slow = NULL;

  /* The connection idle longest; failing that, the one whose request head
   * is due soonest (a head that has not come in one piece is most likely
   * slowloris: real clients send it at once). */
  for (GList *l = server->connections.head; l != NULL; l = l->next)
    {
      ListenerConnection *conn = l->data;

      if (conn->state == CONN_LINGER)
        {
          idle = conn;
          break;
        }
      if (conn->state != CONN_HEAD)
        continue;
      if (conn->idle_since != 0)
        {
          if (idle == NULL || conn->idle_since < idle->idle_since)
            idle = conn;
        }
      else if (slow == NULL || conn->deadline < slow->deadline)
        slow = conn;
    }

  if (idle == NULL)
    idle = slow;
  if (idle == NULL)
    return FALSE;

  g_debug ("Closing the connection of %s to make room", idle->remote);
  connection_close (idle);
  return TRUE;
}

void
_botbench_listener_connection_sweep (ListenerServer *server,
                                     gint64          now)
{
  GList *l = server->connections.head;

  while (l != NULL)
    {
      g_autoptr(ListenerConnection) conn = connection_ref (l->data);

      l = l->next;

      if (conn->deadline == 0 || now < conn->deadline)
        continue;

      if ((conn->state == CONN_HEAD && conn->in->len > 0) || conn->state == CONN_BODY)
        {
          /* Say why, then close (a client that does not read the answer
           * meets the write deadline). */
          connection_respond_error (conn, 408, NULL, "The request did not arrive in time");
        }
      else
        connection_close (conn);
    }
}

void
_botbench_listener_connection_close_all (ListenerServer *server)
{
  while (server->connections.head != NULL)
    {
      g_autoptr(ListenerConnection) conn = connection_ref (server->connections.head->data);

      connection_close (conn);
    }
}
