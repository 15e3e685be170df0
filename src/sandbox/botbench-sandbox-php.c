/* botbench-sandbox-php.c: PHP semantics the emulated portal shares with PHP code
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a PHP portal does to its request values, emulated on JsonNodes:
 * empty(), intval(), (string), isset(), json_decode(), parse_str(),
 * json_encode() of arrays and $_REQUEST keys upper-cased.  Pure functions,
 * tested on their own by tests/test-sandbox-php.c.
 */
#define G_LOG_DOMAIN "botbench-sandbox"

#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "botbench-form-encoder.h"
#include "botbench-json.h"
#include "botbench-post-decoder.h"
#include "botbench-sandbox-php-private.h"

JsonNode *
_botbench_php_param (JsonObject *params,
                     const char *key)
{
  if (params == NULL || !json_object_has_member (params, key))
    return NULL;

  return json_object_get_member (params, key);
}

gboolean
_botbench_php_is_array (JsonNode *node)
{
  return node != NULL && (JSON_NODE_HOLDS_OBJECT (node) || JSON_NODE_HOLDS_ARRAY (node));
}

/* $array[$key] for an object or a list. */
JsonNode *
_botbench_php_array_get (JsonNode   *node,
                         const char *key)
{
  if (node == NULL)
    return NULL;

  if (JSON_NODE_HOLDS_OBJECT (node))
    return _botbench_php_param (json_node_get_object (node), key);

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      char *end = NULL;
      guint64 index = g_ascii_strtoull (key, &end, 10);

      if (*key != '\0' && *end == '\0' && index < json_array_get_length (array))
        return json_array_get_element (array, index);
    }

  return NULL;
}

/* (string)$value for scalars; NULL for null, missing and arrays. */
char *
_botbench_php_string (JsonNode *node)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return g_strdup (json_node_get_string (node));

    case G_TYPE_BOOLEAN:
      return g_strdup (json_node_get_boolean (node) ? "1" : "");

    case G_TYPE_INT64:
      return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));

    case G_TYPE_DOUBLE:
      {
        GString *out = g_string_new (NULL);

        botbench_form_append_php_double (out, json_node_get_double (node));
        return g_string_free (out, FALSE);
      }

    default:
      return NULL;
    }
}

/* PHP empty(): null, "", "0", 0, 0.0, false, []. */
gboolean
_botbench_php_empty (JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (JSON_NODE_HOLDS_OBJECT (node))
    return json_object_get_size (json_node_get_object (node)) == 0;

  if (JSON_NODE_HOLDS_ARRAY (node))
    return json_array_get_length (json_node_get_array (node)) == 0;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      {
        const char *s = json_node_get_string (node);
        return s == NULL || *s == '\0' || g_str_equal (s, "0");
      }

    case G_TYPE_BOOLEAN:
      return !json_node_get_boolean (node);

    case G_TYPE_INT64:
      return json_node_get_int (node) == 0;

    case G_TYPE_DOUBLE:
      return json_node_get_double (node) == 0.0;

    default:
      return TRUE;
    }
}

/* PHP intval(). */
gint64
_botbench_php_intval (JsonNode *node)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return 0;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return g_ascii_strtoll (json_node_get_string (node), NULL, 10);

    case G_TYPE_BOOLEAN:
      return json_node_get_boolean (node) ? 1 : 0;

    case G_TYPE_INT64:
      return json_node_get_int (node);

    case G_TYPE_DOUBLE:
      return (gint64)json_node_get_double (node);

    default:
      return 0;
    }
}

char *
_botbench_php_param_string (JsonObject *params,
                            const char *key)
{
  return _botbench_php_string (_botbench_php_param (params, key));
}

/* trim()med string parameter, "" when missing. */
char *
_botbench_php_param_trimmed (JsonObject *params,
                             const char *key)
{
  char *s = _botbench_php_param_string (params, key);

  return s ? g_strstrip (s) : g_strdup ("");
}

gboolean
_botbench_php_param_is_y (JsonObject *params,
                          const char *key)
{
  g_autofree char *s = _botbench_php_param_string (params, key);

  return g_strcmp0 (s, "Y") == 0;
}

/* Like PHP's json_decode(): NULL for anything but one JSON value nested at
 * most 512 levels (PHP's default depth, and json-glib's stack). */
JsonNode *
_botbench_php_json_decode (const char *text,
                           gssize      len)
{
  if (text == NULL)
    return NULL;

  return botbench_json_parse (text, len < 0 ? strlen (text) : (gsize)len, NULL);
}

/* A PHP array as a JsonObject: lists get their indexes as keys. */
JsonObject *
_botbench_php_array_to_object (JsonNode *node)
{
  JsonObject *object;

  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    return json_object_ref (json_node_get_object (node));

  object = json_object_new ();
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          char key[16];

          g_snprintf (key, sizeof key, "%u", i);
          json_object_set_member (object, key, json_node_copy (json_array_get_element (array, i)));
        }
    }

  return object;
}

JsonObject *
_botbench_php_parse_str (const char *body,
                         gsize       len)
{
  g_autoptr(BotbenchFormNode) form = botbench_post_decode_urlencoded (body, len);
  g_autofree char *json = botbench_form_node_to_json (form);
  g_autoptr(JsonNode) node = _botbench_php_json_decode (json, -1);

  return _botbench_php_array_to_object (node);
}

/* PHP json_encode() of an array: [] when empty, a list when the keys are
 * 0..n-1, an object otherwise. */
JsonNode *
_botbench_php_array_node (JsonObject *object)
{
  g_autoptr(GList) members = json_object_get_members (object);
  JsonNode *node;
  guint i = 0;
  gboolean is_list = TRUE;

  for (const GList *l = members; l != NULL && is_list; l = l->next, i++)
    {
      char key[16];

      g_snprintf (key, sizeof key, "%u", i);
      is_list = g_str_equal (key, l->data);
    }

  if (is_list)
    {
      JsonArray *array = json_array_new ();

      for (const GList *l = members; l != NULL; l = l->next)
        json_array_add_element (array, json_node_copy (json_object_get_member (object, l->data)));
      node = json_node_new (JSON_NODE_ARRAY);
      json_node_take_array (node, array);
    }
  else
    {
      node = json_node_new (JSON_NODE_OBJECT);
      json_node_set_object (node, object);
    }

  return node;
}

JsonNode *
_botbench_php_int_node (gint64 value)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_int (node, value);
  return node;
}

JsonNode *
_botbench_php_bool_node (gboolean value)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_boolean (node, value);
  return node;
}

JsonNode *
_botbench_php_object_node (JsonObject *object)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, object);
  return node;
}

void
_botbench_php_set_int_string (JsonObject *object,
                              const char *key,
                              gint64      value)
{
  g_autofree char *s = g_strdup_printf ("%" G_GINT64_FORMAT, value);

  json_object_set_string_member (object, key, s);
}

/* Top-level keys upper-cased like array_change_key_case(CASE_UPPER): a later
 * spelling of the same key wins. */
JsonObject *
_botbench_php_upper_case_keys (JsonObject *params)
{
  JsonObject *upper = json_object_new ();
  g_autoptr(GList) members = json_object_get_members (params);

  for (const GList *l = members; l != NULL; l = l->next)
    {
      g_autofree char *key = g_ascii_strup (l->data, -1);

      json_object_set_member (upper, key, json_node_copy (json_object_get_member (params, l->data)));
    }

  return upper;
}

gboolean
_botbench_php_isset (JsonNode *node)
{
  return node != NULL && !JSON_NODE_HOLDS_NULL (node);
}

char *
_botbench_php_array_get_string (JsonNode   *props,
                                const char *key)
{
  return _botbench_php_string (_botbench_php_array_get (props, key));
}
