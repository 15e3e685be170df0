/* botbench-decoded-item.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "botbench-decoded-item"

#include "config.h"

#include <string.h>

#include "botbench-decoded-item.h"

struct _BotbenchDecodedItem
{
  GObject           parent_instance;

  char             *key;
  char             *value;
  BotbenchFormNode *form;
  JsonNode         *json;
  guint             n_leaves;
  guint             is_string : 1;
};

G_DEFINE_FINAL_TYPE (BotbenchDecodedItem, botbench_decoded_item, G_TYPE_OBJECT)

static guint
count_form_leaves (const BotbenchFormNode *node)
{
  guint n = 0;

  if (botbench_form_node_get_node_type (node) == BOTBENCH_FORM_NODE_STRING)
    return 1;

  for (guint i = 0; i < botbench_form_node_get_n_children (node); i++)
    n += count_form_leaves (botbench_form_node_get_child (node, i));

  return n;
}

static guint
count_json_leaves (JsonNode *node)
{
  guint n = 0;

  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObjectIter iter;
      JsonNode *member;

      json_object_iter_init (&iter, json_node_get_object (node));
      while (json_object_iter_next (&iter, NULL, &member))
        n += count_json_leaves (member);
      return n;
    }

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        n += count_json_leaves (json_array_get_element (array, i));
      return n;
    }

  return 1;
}

static BotbenchDecodedItem *
botbench_decoded_item_new_form (const char       *key,
                                BotbenchFormNode *node)
{
  BotbenchDecodedItem *self = g_object_new (BOTBENCH_TYPE_DECODED_ITEM, NULL);

  self->key = botbench_decoded_make_display_text (key, strlen (key));
  self->is_string = TRUE;

  if (botbench_form_node_get_node_type (node) == BOTBENCH_FORM_NODE_STRING)
    {
      const char *value;
      gsize len = 0;

      value = botbench_form_node_get_string (node, &len);
      self->value = botbench_decoded_make_display_text (value, len);
    }
  else
    {
      self->form = botbench_form_node_ref (node);
      self->n_leaves = count_form_leaves (node);
    }

  return self;
}

static BotbenchDecodedItem *
botbench_decoded_item_new_json (const char *key,
                                JsonNode   *node)
{
  BotbenchDecodedItem *self = g_object_new (BOTBENCH_TYPE_DECODED_ITEM, NULL);

  self->key = g_utf8_make_valid (key, -1);

  if (JSON_NODE_HOLDS_OBJECT (node) || JSON_NODE_HOLDS_ARRAY (node))
    {
      self->json = json_node_ref (node);
      self->n_leaves = count_json_leaves (node);
      self->is_string = TRUE;
    }
  else if (JSON_NODE_HOLDS_NULL (node))
    {
      self->value = g_strdup ("null");
    }
  else if (json_node_get_value_type (node) == G_TYPE_STRING)
    {
      const char *str = json_node_get_string (node);

      self->value = botbench_decoded_make_display_text (str, strlen (str));
      self->is_string = TRUE;
    }
  else
    {
      /* Numbers and booleans exactly as in the body. */
      g_autoptr(JsonGenerator) generator = json_generator_new ();

      json_generator_set_root (generator, node);
      self->value = json_generator_to_data (generator, NULL);
    }

  return self;
}

static void
botbench_decoded_item_finalize (GObject *object)
{
  BotbenchDecodedItem *self = (BotbenchDecodedItem *)object;

  g_clear_pointer (&self->key, g_free);
  g_clear_pointer (&self->value, g_free);
  g_clear_pointer (&self->form, botbench_form_node_unref);
  g_clear_pointer (&self->json, json_node_unref);

  G_OBJECT_CLASS (botbench_decoded_item_parent_class)->finalize (object);
}

static void
botbench_decoded_item_class_init (BotbenchDecodedItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = botbench_decoded_item_finalize;
}

static void
botbench_decoded_item_init (BotbenchDecodedItem *self)
{
}

GListModel *
botbench_decoded_item_list_new_for_form (BotbenchFormNode *node)
{
  GListStore *store;

  g_return_val_if_fail (node != NULL, NULL);

  store = g_list_store_new (BOTBENCH_TYPE_DECODED_ITEM);

  if (botbench_form_node_get_node_type (node) == BOTBENCH_FORM_NODE_STRING)
    {
      g_autoptr(BotbenchDecodedItem) item = botbench_decoded_item_new_form ("", node);
      g_list_store_append (store, item);
      return G_LIST_MODEL (store);
    }

  for (guint i = 0; i < botbench_form_node_get_n_children (node); i++)
    {
      g_autoptr(BotbenchDecodedItem) item = NULL;

      item = botbench_decoded_item_new_form (botbench_form_node_get_child_key (node, i),
                                             botbench_form_node_get_child (node, i));
      g_list_store_append (store, item);
    }

  return G_LIST_MODEL (store);
}

GListModel *
botbench_decoded_item_list_new_for_json (JsonNode *node)
{
  GListStore *store;

  g_return_val_if_fail (node != NULL, NULL);

  store = g_list_store_new (BOTBENCH_TYPE_DECODED_ITEM);

  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *member;

      json_object_iter_init (&iter, json_node_get_object (node));
      while (json_object_iter_next (&iter, &name, &member))
        {
          g_autoptr(BotbenchDecodedItem) item = botbench_decoded_item_new_json (name, member);
          g_list_store_append (store, item);
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          g_autoptr(BotbenchDecodedItem) item = NULL;
          char key[16];

          g_snprintf (key, sizeof key, "%u", i);
          item = botbench_decoded_item_new_json (key, json_array_get_element (array, i));
          g_list_store_append (store, item);
        }
    }
  else
    {
      g_autoptr(BotbenchDecodedItem) item = botbench_decoded_item_new_json ("", node);
      g_list_store_append (store, item);
    }

  return G_LIST_MODEL (store);
}

const char *
botbench_decoded_item_get_key (BotbenchDecodedItem *self)
{
  g_return_val_if_fail (BOTBENCH_IS_DECODED_ITEM (self), NULL);

  return self->key;
}

const char *
botbench_decoded_item_get_value (BotbenchDecodedItem *self)
{
  g_return_val_if_fail (BOTBENCH_IS_DECODED_ITEM (self), NULL);

  return self->value;
}

gboolean
botbench_decoded_item_is_container (BotbenchDecodedItem *self)
{
  g_return_val_if_fail (BOTBENCH_IS_DECODED_ITEM (self), FALSE);

  return self->form != NULL || self->json != NULL;
}

gboolean
botbench_decoded_item_is_string (BotbenchDecodedItem *self)
{
  g_return_val_if_fail (BOTBENCH_IS_DECODED_ITEM (self), FALSE);

  return self->is_string;
}

guint
botbench_decoded_item_get_n_children (BotbenchDecodedItem *self)
{
  g_return_val_if_fail (BOTBENCH_IS_DECODED_ITEM (self), 0);

  if (self->form != NULL)
    return botbench_form_node_get_n_children (self->form);

  if (self->json != NULL)
    {
      if (JSON_NODE_HOLDS_OBJECT (self->json))
        return json_object_get_size (json_node_get_object (self->json));
      return json_array_get_length (json_node_get_array (self->json));
    }

  return 0;
}

guint
botbench_decoded_item_get_n_leaves (BotbenchDecodedItem *self)
{
  g_return_val_if_fail (BOTBENCH_IS_DECODED_ITEM (self), 0);

  return self->n_leaves;
}

GListModel *
botbench_decoded_item_dup_children (BotbenchDecodedItem *self)
{
  g_return_val_if_fail (BOTBENCH_IS_DECODED_ITEM (self), NULL);

  if (self->form != NULL)
    return botbench_decoded_item_list_new_for_form (self->form);

  if (self->json != NULL)
    return botbench_decoded_item_list_new_for_json (self->json);

  return NULL;
}

char *
botbench_decoded_make_display_text (const char *data,
                                    gsize       len)
{
  GString *out;
  const char *p = data;
  const char *end = data + len;

  if (data == NULL)
    return g_strdup ("");

  out = g_string_sized_new (len + 1);

  while (p < end)
    {
      const char *nul = memchr (p, '\0', end - p);
      const char *chunk_end = nul != NULL ? nul : end;
      g_autofree char *valid = g_utf8_make_valid (p, chunk_end - p);

      g_string_append (out, valid);
      if (nul == NULL)
        break;

      /* SYMBOL FOR NULL, so the text is not cut at the NUL */
      g_string_append (out, "\xe2\x90\x80");
      p = nul + 1;
    }

  return g_string_free (out, FALSE);
}
