/* botbench-sandbox-updates.c: GET /_sandbox/updates, the long poll
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A request with nothing new is paused (soup_server_message_pause) and kept
 * in self->waiters until REV moves past its AFTER_REV (the wake idle that
 * _botbench_sandbox_bump_rev schedules), its TIMEOUT fires, or the sandbox
 * stops.  While held its connection is in the gate's "handling" state, which
 * has no deadline, and the control API is not rate limited.  Held requests
 * take at most half of the connections the gate allows: past that the
 * oldest one is answered (with nothing new) so that others still get in.
 * A client that hangs up (or half-closes) while held is answered at once:
 * nobody waits there any more, and its slot is free sooner.
 */
#define G_LOG_DOMAIN "botbench-sandbox"

#define _GNU_SOURCE   /* POLLRDHUP */

#include "config.h"

#include <json-glib/json-glib.h>
#include <poll.h>
#include <libsoup/soup.h>

#include "botbench-acceptor-private.h"
#include "botbench-sandbox-private.h"
#include "botbench-sandbox-php-private.h"

#define MAX_ITEMS 500

typedef struct
{
  BotbenchSandbox   *self;
  SoupServerMessage *msg;
  gint64             after_rev;
  gint64             start_us;
  GSource           *timeout;
  GSource           *hangup;
  gulong             disconnected_id;
} Waiter;

static void
drop_source (GSource **source)
{
  if (*source == NULL)
    return;

  g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}

static void
waiter_free (Waiter *waiter)
{
  drop_source (&waiter->timeout);
  drop_source (&waiter->hangup);
  g_clear_signal_handler (&waiter->disconnected_id, waiter->msg);
  g_object_unref (waiter->msg);
  g_free (waiter);
}

/* The REV up to which one answer goes: at most MAX_ITEMS messages and as
 * many deliveries, oldest first. */
static gint64
cutoff_rev (BotbenchSandbox *self,
            gint64           after_rev)
{
  gint64 rev = _botbench_sandbox_get_rev (self);
  gint64 m = botbench_sandbox_state_query_int (self->state, G_MAXINT64,
                                               "SELECT rev FROM messages WHERE rev > ? ORDER BY rev"
                                               " LIMIT 1 OFFSET ?", "ii", after_rev, (gint64)MAX_ITEMS - 1);
  gint64 d = botbench_sandbox_state_query_int (self->state, G_MAXINT64,
                                               "SELECT rev FROM deliveries WHERE rev > ? ORDER BY rev"
                                               " LIMIT 1 OFFSET ?", "ii", after_rev, (gint64)MAX_ITEMS - 1);

  return MIN (rev, MIN (m, d));
}

static JsonNode *
updates_result (BotbenchSandbox *self,
                gint64           after_rev)
{
  JsonObject *result = json_object_new ();
  gint64 upto = cutoff_rev (self, after_rev);
  gboolean chats_changed = _botbench_sandbox_get_chats_rev (self) > after_rev ||
                           after_rev > _botbench_sandbox_get_rev (self);

  json_object_set_int_member (result, "REV", upto);
  json_object_set_array_member (result, "MESSAGES", _botbench_sandbox_messages_after (self, after_rev, upto));
  json_object_set_array_member (result, "DELIVERIES", _botbench_sandbox_deliveries_after (self, after_rev, upto));
  json_object_set_string_member (result, "CHATS_CHANGED", chats_changed ? "Y" : "N");

  return _botbench_php_object_node (result);
}

static void
answer (Waiter *waiter)
{
  BotbenchSandbox *self = waiter->self;

  g_ptr_array_remove_fast (self->waiters, waiter);
  _botbench_sandbox_reply_result (self, waiter->msg, updates_result (self, waiter->after_rev), waiter->start_us);
  soup_server_message_unpause (waiter->msg);
  waiter_free (waiter);
}

static gboolean
timeout_cb (gpointer data)
{
  Waiter *waiter = data;

  g_clear_pointer (&waiter->timeout, g_source_unref);
  answer (waiter);

  return G_SOURCE_REMOVE;
}

/* Readable while held: the client hung up or half-closed (answered now),
 * or sent more (pipelined; not watched any more). */
static gboolean
hangup_cb (GSocket      *socket,
           GIOCondition  condition,
           gpointer      data)
{
  Waiter *waiter = data;
  struct pollfd pfd = { g_socket_get_fd (socket), POLLRDHUP, 0 };

  g_clear_pointer (&waiter->hangup, g_source_unref);
  if ((condition & (G_IO_HUP | G_IO_ERR)) != 0 ||
      (poll (&pfd, 1, 0) == 1 && (pfd.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0))
    answer (waiter);

  return G_SOURCE_REMOVE;
}

/* The client went away: nothing to answer. */
static void
disconnected_cb (SoupServerMessage *msg,
                 Waiter            *waiter)
{
  g_ptr_array_remove_fast (waiter->self->waiters, waiter);
  waiter_free (waiter);
}

static gboolean
wake_cb (gpointer data)
{
  BotbenchSandbox *self = data;
  gint64 rev = _botbench_sandbox_get_rev (self);

  g_clear_pointer (&self->wake_source, g_source_unref);

  for (guint i = self->waiters->len; i > 0; i--)
    {
      Waiter *waiter = self->waiters->pdata[i - 1];

      if (rev > waiter->after_rev)
        answer (waiter);
    }

  return G_SOURCE_REMOVE;
}

void
_botbench_sandbox_updates_wake (BotbenchSandbox *self)
{
  if (self->waiters == NULL || self->waiters->len == 0 || self->wake_source != NULL)
    return;

  /* After the current request has done all its changes. */
  self->wake_source = g_idle_source_new ();
  g_source_set_callback (self->wake_source, wake_cb, self, NULL);
  g_source_attach (self->wake_source, g_main_context_get_thread_default ());
}

static void
flushed_cb (SoupServerMessage *msg,
            BotbenchSandbox   *self)
{
  g_signal_handlers_disconnect_by_func (msg, flushed_cb, self);
  self->n_flushing--;
}

static gboolean
flush_deadline_cb (gpointer data)
{
  *(gboolean *)data = TRUE;
  return G_SOURCE_REMOVE;
}

void
_botbench_sandbox_updates_flush (BotbenchSandbox *self)
{
  GMainContext *context = g_main_context_get_thread_default ();
  gboolean expired = FALSE;
  GSource *deadline;

  if (self->wake_source != NULL)
    {
      g_source_destroy (self->wake_source);
      g_clear_pointer (&self->wake_source, g_source_unref);
    }

  while (self->waiters != NULL && self->waiters->len > 0)
    {
      Waiter *waiter = self->waiters->pdata[self->waiters->len - 1];

      self->n_flushing++;
      g_signal_connect (waiter->msg, "finished", G_CALLBACK (flushed_cb), self);
      g_signal_connect (waiter->msg, "disconnected", G_CALLBACK (flushed_cb), self);
      answer (waiter);
    }
  g_clear_pointer (&self->waiters, g_ptr_array_unref);

  /* Written before the server goes, or given up after a second. */
  deadline = g_timeout_source_new (1000);
  g_source_set_callback (deadline, flush_deadline_cb, &expired, NULL);
  g_source_attach (deadline, context);
  while (self->n_flushing > 0 && !expired)
    g_main_context_iteration (context, TRUE);
  g_source_destroy (deadline);
  g_source_unref (deadline);
}

static guint
max_held (BotbenchSandbox *self)
{
  guint max = self->max_connections > 0 ? self->max_connections : _botbench_acceptor_default_max_connections ();

  return MAX (max / 2, 1);
}

static Waiter *
oldest (BotbenchSandbox *self)
{
  Waiter *found = self->waiters->pdata[0];

  for (guint i = 1; i < self->waiters->len; i++)
    {
      Waiter *waiter = self->waiters->pdata[i];

      if (waiter->start_us < found->start_us)
        found = waiter;
    }

  return found;
}

void
_botbench_sandbox_handle_updates (BotbenchSandbox   *self,
                                  SoupServerMessage *msg,
                                  JsonObject        *params,
                                  gint64             start_us)
{
  JsonNode *timeout_node = _botbench_php_param (params, "TIMEOUT");
  gint64 after_rev = MAX (_botbench_php_intval (_botbench_php_param (params, "AFTER_REV")), 0);
  gint64 timeout = timeout_node != NULL ? _botbench_php_intval (timeout_node) : 10;
  gint64 rev = _botbench_sandbox_get_rev (self);
  GSocket *socket;
  Waiter *waiter;

  timeout = CLAMP (timeout, 0, 25);

  /* Something new, no wait wanted, or a client ahead of this state (made
   * before it was reset): at once. */
  if (rev != after_rev || timeout == 0)
    {
      _botbench_sandbox_reply_result (self, msg, updates_result (self, after_rev), start_us);
      return;
    }

  if (self->waiters == NULL)
    self->waiters = g_ptr_array_new ();
  if (self->waiters->len >= max_held (self))
    answer (oldest (self));

  waiter = g_new0 (Waiter, 1);
  waiter->self = self;
  waiter->msg = g_object_ref (msg);
  waiter->after_rev = after_rev;
  waiter->start_us = start_us;
  waiter->timeout = g_timeout_source_new ((guint)timeout * 1000);
  g_source_set_callback (waiter->timeout, timeout_cb, waiter, NULL);
  g_source_attach (waiter->timeout, g_main_context_get_thread_default ());
  waiter->disconnected_id = g_signal_connect (msg, "disconnected", G_CALLBACK (disconnected_cb), waiter);
  socket = _botbench_sandbox_gate_get_socket (self->gate, msg);
  if (socket != NULL)
    {
      waiter->hangup = g_socket_create_source (socket, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
      g_source_set_callback (waiter->hangup, G_SOURCE_FUNC (hangup_cb), waiter, NULL);
      g_source_attach (waiter->hangup, g_main_context_get_thread_default ());
    }
  g_ptr_array_add (self->waiters, waiter);

  soup_server_message_pause (msg);
}
