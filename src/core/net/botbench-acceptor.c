/* botbench-acceptor.c: accepting connections that cannot wedge a server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "botbench-acceptor"

#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>

#include "botbench-acceptor-private.h"

/* After a failed accept() (no fd left, no memory), wait this long. */
#define RETRY_MS 100
/* Accepts per wake-up, so that one busy socket cannot starve the rest. */
#define ACCEPTS_PER_DISPATCH 64
/* Say it in the log at most this often. */
#define LOG_INTERVAL_US (60 * G_USEC_PER_SEC)

struct _BotbenchAcceptor
{
  GSocket                   *listening;
  GMainContext              *context;
  GSource                   *source;        /* G_IO_IN on listening, NULL while paused */
  GSource                   *retry_source;  /* after a failed accept */
  guint                      max_connections;
  guint                      n_open;
  BotbenchAcceptorFunc       accept_func;
  BotbenchAcceptorEvictFunc  evict_func;
  gpointer                   user_data;
  gint64                     last_log_us;
};

static gboolean accept_cb (GSocket      *socket,
                           GIOCondition  condition,
                           gpointer      user_data);

guint
_botbench_acceptor_default_max_connections (void)
{
  struct rlimit limit;
  guint64 fds = 1024;

  if (getrlimit (RLIMIT_NOFILE, &limit) == 0)
    fds = limit.rlim_cur == RLIM_INFINITY ? G_MAXUINT32 : limit.rlim_cur;

  if (fds <= 64 + 3 * 8)
    return 8;

  return (guint)CLAMP ((fds - 64) / 3, 8, 512);
}

static void
acceptor_resume (BotbenchAcceptor *self)
{
  if (self->source != NULL || self->retry_source != NULL)
    return;

  self->source = g_socket_create_source (self->listening, G_IO_IN, NULL);
  g_source_set_callback (self->source, (GSourceFunc)(GCallback)accept_cb, self, NULL);
  g_source_attach (self->source, self->context);
}

static void
acceptor_pause (BotbenchAcceptor *self)
{
  if (self->source != NULL)
    {
      g_source_destroy (self->source);
      g_clear_pointer (&self->source, g_source_unref);
    }
}

static gboolean
retry_cb (gpointer data)
{
  BotbenchAcceptor *self = data;

  g_clear_pointer (&self->retry_source, g_source_unref);
  acceptor_resume (self);

  return G_SOURCE_REMOVE;
}

static void
retry_later (BotbenchAcceptor *self)
{
  acceptor_pause (self);
  if (self->retry_source != NULL)
    return;

  self->retry_source = g_timeout_source_new (RETRY_MS);
  g_source_set_callback (self->retry_source, retry_cb, self, NULL);
  g_source_attach (self->retry_source, self->context);
}

static void
log_trouble (BotbenchAcceptor *self,
             const char       *what)
{
  gint64 now = g_get_monotonic_time ();

  if (self->last_log_us != 0 && now - self->last_log_us < LOG_INTERVAL_US)
    return;

  self->last_log_us = now;
  g_message ("%s; closing idle connections and retrying every %d ms", what, RETRY_MS);
}

static gboolean
accept_cb (GSocket      *socket,
           GIOCondition  condition,
           gpointer      user_data)
{
  BotbenchAcceptor *self = user_data;

  for (guint i = 0; i < ACCEPTS_PER_DISPATCH; i++)
    {
      g_autoptr(GError) error = NULL;
      GSocket *client;

      if (self->n_open >= self->max_connections &&
          !(self->evict_func (self->user_data) && self->n_open < self->max_connections))
        {
          /* Every slot busy and none idle: the kernel's backlog holds the
           * rest until a connection ends (release resumes). */
          log_trouble (self, "All connection slots are busy");
          acceptor_pause (self);
          return G_SOURCE_REMOVE;
        }

      client = g_socket_accept (self->listening, NULL, &error);
      if (client == NULL)
        {
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            return G_SOURCE_CONTINUE;

          /* EMFILE, ENFILE, ENOBUFS, ENOMEM, ECONNABORTED…: make room if we
           * can, and try again in a moment either way.  Never give up. */
          log_trouble (self, error->message);
          self->evict_func (self->user_data);
          retry_later (self);
          return G_SOURCE_REMOVE;
        }

      g_socket_set_blocking (client, FALSE);
      g_socket_set_option (client, IPPROTO_TCP, TCP_NODELAY, TRUE, NULL);
      self->n_open++;
      self->accept_func (client, self->user_data);
    }

  return G_SOURCE_CONTINUE;
}

BotbenchAcceptor *
_botbench_acceptor_new (GSocket                   *listening,
                        guint                      max_connections,
                        BotbenchAcceptorFunc       accept_func,
                        BotbenchAcceptorEvictFunc  evict_func,
                        gpointer                   user_data)
{
  BotbenchAcceptor *self;

  g_return_val_if_fail (G_IS_SOCKET (listening), NULL);
  g_return_val_if_fail (accept_func != NULL && evict_func != NULL, NULL);

  self = g_new0 (BotbenchAcceptor, 1);
  self->listening = g_object_ref (listening);
  self->context = g_main_context_ref_thread_default ();
  self->max_connections = max_connections > 0 ? max_connections
                                              : _botbench_acceptor_default_max_connections ();
  self->accept_func = accept_func;
  self->evict_func = evict_func;
  self->user_data = user_data;

  g_socket_set_blocking (listening, FALSE);
  acceptor_resume (self);

  return self;
}

void
_botbench_acceptor_release (BotbenchAcceptor *self)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (self->n_open > 0);

  self->n_open--;
  if (self->n_open < self->max_connections)
    acceptor_resume (self);
}

guint
_botbench_acceptor_get_n_open (BotbenchAcceptor *self)
{
  return self->n_open;
}

void
_botbench_acceptor_free (BotbenchAcceptor *self)
{
  if (self == NULL)
    return;

  acceptor_pause (self);
  if (self->retry_source != NULL)
    {
      g_source_destroy (self->retry_source);
      g_clear_pointer (&self->retry_source, g_source_unref);
    }
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_object (&self->listening);
  g_free (self);
}
