/* botbench-forwarder-targets.c: the forwarder's per-target queues
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A target is one handler URL: the events waiting for it, oldest first,
 * and whether a send to it is under way (one at a time, so the handler
 * sees events in commit order).  A queue holds at most max_queued events
 * and max_queued_bytes of bodies; a target's state goes once it is idle
 * and no enabled rule points at it.  Everything here runs with the
 * forwarder's lock held.
 */
#define G_LOG_DOMAIN "botbench-forward"

#include "config.h"

#include "botbench-forwarder-private.h"

static gsize
event_bytes (BotbenchEvent *event)
{
  GBytes *body = botbench_event_get_body (event);

  return body != NULL ? g_bytes_get_size (body) : 0;
}

void
_botbench_forwarder_target_free (Target *target)
{
  g_queue_clear_full (&target->events, g_object_unref);
  g_free (target->url);
  g_free (target);
}

static Target *
target_find (BotbenchForwarder *self,
             const char        *url)
{
  for (guint i = 0; i < self->targets->len; i++)
    {
      Target *target = g_ptr_array_index (self->targets, i);

      if (g_str_equal (target->url, url))
        return target;
    }

  return NULL;
}

static Target *
target_lookup (BotbenchForwarder *self,
               const char        *url)
{
  Target *target = target_find (self, url);

  if (target != NULL)
    return target;

  target = g_new0 (Target, 1);
  target->url = g_strdup (url);
  g_queue_init (&target->events);
  g_ptr_array_add (self->targets, target);

  return target;
}

static gboolean
rule_points_at (BotbenchForwarder *self,
                const char        *url)
{
  for (guint i = 0; self->rules != NULL && i < self->rules->len; i++)
    {
      BotbenchForwardRule *rule = g_ptr_array_index (self->rules, i);

      if (botbench_forward_rule_get_enabled (rule) &&
          g_str_equal (botbench_forward_rule_get_url (rule), url))
        return TRUE;
    }

  return FALSE;
}

const char *
_botbench_forwarder_match_locked (BotbenchForwarder *self,
                                  const char        *path)
{
  for (guint i = 0; self->rules != NULL && i < self->rules->len; i++)
    {
      BotbenchForwardRule *rule = g_ptr_array_index (self->rules, i);

      if (botbench_forward_rule_get_enabled (rule) && *botbench_forward_rule_get_url (rule) != '\0' &&
          botbench_forward_rule_matches (rule, path))
        return botbench_forward_rule_get_url (rule);
    }

  return NULL;
}

gboolean
_botbench_forwarder_enqueue_locked (BotbenchForwarder *self,
                                    const char        *url,
                                    BotbenchEvent     *event)
{
  Target *target = target_lookup (self, url);
  gsize bytes = event_bytes (event);

  /* An empty queue takes one event whatever its size (the listener holds
   * it anyway): the byte bound is on what waits behind a slow handler. */
  if (target->events.length >= self->max_queued ||
      (target->events.length > 0 && target->queued_bytes + bytes > self->max_queued_bytes))
    {
      g_debug ("Forward queue for %s full (%u events, %" G_GUINT64_FORMAT " bytes)",
               url, target->events.length, target->queued_bytes);
      return FALSE;
    }

  g_queue_push_tail (&target->events, g_object_ref (event));
  target->queued_bytes += bytes;

  return TRUE;
}

BotbenchEvent *
_botbench_forwarder_next_locked (BotbenchForwarder  *self,
                                 Target            **out_target)
{
  for (guint i = 0; i < self->targets->len; i++)
    {
      guint index_ = (self->next_target + i) % self->targets->len;
      Target *target = g_ptr_array_index (self->targets, index_);
      BotbenchEvent *event;

      if (target->busy || target->events.length == 0)
        continue;

      self->next_target = (index_ + 1) % self->targets->len;
      event = g_queue_pop_head (&target->events);
      g_assert (target->queued_bytes >= event_bytes (event));
      target->queued_bytes -= event_bytes (event);
      target->busy = TRUE;
      *out_target = target;

      return event;
    }

  return NULL;
}

void
_botbench_forwarder_drain_locked (BotbenchForwarder *self,
                                  GPtrArray         *events,
                                  GPtrArray         *urls)
{
  for (guint i = 0; i < self->targets->len; i++)
    {
      Target *target = g_ptr_array_index (self->targets, i);
      BotbenchEvent *event;

      while ((event = g_queue_pop_head (&target->events)) != NULL)
        {
          g_ptr_array_add (events, event);
          g_ptr_array_add (urls, g_strdup (target->url));
        }
      target->queued_bytes = 0;
    }
}

void
_botbench_forwarder_prune_locked (BotbenchForwarder *self)
{
  for (guint i = self->targets->len; i > 0; i--)
    {
      Target *target = g_ptr_array_index (self->targets, i - 1);

      if (target->busy || target->events.length > 0 || rule_points_at (self, target->url))
        continue;

      g_debug ("Dropping the state of forward target %s", target->url);
      /* Keeps the order of the others: round robin stays fair. */
      g_ptr_array_remove_index (self->targets, i - 1);
      if (self->next_target >= i && self->next_target > 0)
        self->next_target--;
    }

  if (self->targets->len == 0 || self->next_target >= self->targets->len)
    self->next_target = 0;
}

guint
_botbench_forwarder_get_n_targets (BotbenchForwarder *self)
{
  guint n;

  g_return_val_if_fail (BOTBENCH_IS_FORWARDER (self), 0);

  g_mutex_lock (&self->lock);
  n = self->targets->len;
  g_mutex_unlock (&self->lock);

  return n;
}
