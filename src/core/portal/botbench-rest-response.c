/* botbench-rest-response.c: a successful REST envelope
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * BotbenchRestResponse: the parsed {"result", "time", "next", "total"}
 * envelope, with the HTTP status and duration of the attempt that got it.
 */
#define G_LOG_DOMAIN "botbench-rest-client"

#include "config.h"

#include "botbench-rest-client-private.h"

struct _BotbenchRestResponse
{
  gatomicrefcount  ref_count;
  JsonNode        *root;
  guint            status;
  gint64           duration;
};

G_DEFINE_BOXED_TYPE (BotbenchRestResponse, botbench_rest_response,
                     botbench_rest_response_ref, botbench_rest_response_unref)

BotbenchRestResponse *
_botbench_rest_response_new (JsonNode *root,
                             guint     status,
                             gint64    duration)
{
  BotbenchRestResponse *self = g_new0 (BotbenchRestResponse, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->root = json_node_ref (root);
  self->status = status;
  self->duration = duration;
  return self;
}

BotbenchRestResponse *
botbench_rest_response_ref (BotbenchRestResponse *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
botbench_rest_response_unref (BotbenchRestResponse *self)
{
  g_return_if_fail (self != NULL);
  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      json_node_unref (self->root);
      g_free (self);
    }
}

JsonNode *
botbench_rest_response_get_root (BotbenchRestResponse *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->root;
}

JsonNode *
botbench_rest_response_get_result (BotbenchRestResponse *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return json_object_get_member (json_node_get_object (self->root), "result");
}

JsonObject *
botbench_rest_response_get_time (BotbenchRestResponse *self)
{
  JsonNode *node;

  g_return_val_if_fail (self != NULL, NULL);
  node = json_object_get_member (json_node_get_object (self->root), "time");
  return node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static gint64
member_int (JsonNode   *root,
            const char *name)
{
  JsonNode *node = json_object_get_member (json_node_get_object (root), name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return -1;
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return g_ascii_strtoll (json_node_get_string (node), NULL, 10);
  return json_node_get_int (node);
}

gboolean
botbench_rest_response_has_next (BotbenchRestResponse *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return member_int (self->root, "next") >= 0;
}

gint64
botbench_rest_response_get_next (BotbenchRestResponse *self)
{
  g_return_val_if_fail (self != NULL, -1);
  return member_int (self->root, "next");
}

gint64
botbench_rest_response_get_total (BotbenchRestResponse *self)
{
  g_return_val_if_fail (self != NULL, -1);
  return member_int (self->root, "total");
}

guint
botbench_rest_response_get_status (BotbenchRestResponse *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->status;
}

gint64
botbench_rest_response_get_duration (BotbenchRestResponse *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->duration;
}
