/* botbench-chat-json.c: type-checked reads of untrusted JSON members
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The helpers the chat files use to read the sandbox's answers and the bots'
 * ATTACH/KEYBOARD values without ever assuming a member's type, and the
 * warnings list the ATTACH and KEYBOARD parsers share.
 */
#define G_LOG_DOMAIN "botbench-chat"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "botbench-chat-json-private.h"

JsonNode *
_botbench_chat_json_member (JsonObject *object,
                            const char *key)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  if (object == NULL)
    return NULL;

  node = json_object_get_member (object, key);
  if (node != NULL)
    return node;

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &node))
    if (g_ascii_strcasecmp (name, key) == 0)
      return node;

  return NULL;
}

const char *
_botbench_chat_json_get_string (JsonObject *object,
                                const char *key)
{
  JsonNode *node = _botbench_chat_json_member (object, key);

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);
  return NULL;
}

char *
_botbench_chat_json_dup_string (JsonObject *object,
                                const char *key,
                                const char *fallback)
{
  JsonNode *node = _botbench_chat_json_member (object, key);
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return g_strdup (fallback);

  type = json_node_get_value_type (node);
  if (type == G_TYPE_STRING)
    return g_utf8_make_valid (json_node_get_string (node), -1);
  if (type == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  if (type == G_TYPE_DOUBLE)
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];

      return g_strdup (g_ascii_dtostr (buf, sizeof buf, json_node_get_double (node)));
    }
  if (type == G_TYPE_BOOLEAN)
    return g_strdup (json_node_get_boolean (node) ? "true" : "false");

  return g_strdup (fallback);
}

gint64
_botbench_chat_json_get_int (JsonObject *object,
                             const char *key,
                             gint64      fallback)
{
  JsonNode *node = _botbench_chat_json_member (object, key);
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return fallback;

  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    return json_node_get_int (node);
  if (type == G_TYPE_DOUBLE)
    {
      double d = json_node_get_double (node);

      if (d >= -9.0e15 && d <= 9.0e15 && d == (double)(gint64)d)
        return (gint64)d;
      return fallback;
    }
  if (type == G_TYPE_STRING)
    {
      const char *s = json_node_get_string (node);
      gint64 value;

      if (s != NULL && g_ascii_string_to_signed (s, 10, G_MININT64, G_MAXINT64, &value, NULL))
        return value;
    }
  return fallback;
}

gboolean
_botbench_chat_json_get_flag (JsonObject *object,
                              const char *key)
{
  JsonNode *node = _botbench_chat_json_member (object, key);
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  type = json_node_get_value_type (node);
  if (type == G_TYPE_BOOLEAN)
    return json_node_get_boolean (node);
  if (type == G_TYPE_INT64)
    return json_node_get_int (node) != 0;
  if (type == G_TYPE_STRING)
    {
      const char *s = json_node_get_string (node);

      return g_ascii_strcasecmp (s, "Y") == 0 || g_str_equal (s, "1") || g_ascii_strcasecmp (s, "true") == 0;
    }
  return FALSE;
}

JsonObject *
_botbench_chat_json_get_object (JsonObject *object,
                                const char *key)
{
  JsonNode *node = _botbench_chat_json_member (object, key);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

JsonArray *
_botbench_chat_json_get_array (JsonObject *object,
                               const char *key)
{
  JsonNode *node = _botbench_chat_json_member (object, key);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

GArray *
_botbench_chat_json_get_ids (JsonObject *object,
                             const char *key)
{
  JsonArray *array = _botbench_chat_json_get_array (object, key);
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  guint n = array != NULL ? json_array_get_length (array) : 0;

  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64)
        {
          gint64 id = json_node_get_int (node);

          g_array_append_val (ids, id);
        }
    }

  return ids;
}

GDateTime *
_botbench_chat_json_get_date (JsonObject *object,
                              const char *key)
{
  const char *text = _botbench_chat_json_get_string (object, key);

  if (text == NULL || *text == '\0')
    return NULL;
  return g_date_time_new_from_iso8601 (text, NULL);
}

char *
_botbench_chat_json_node_to_string (JsonNode *node,
                                    gboolean  pretty)
{
  g_autoptr(JsonGenerator) generator = NULL;

  if (node == NULL)
    return g_strdup ("");

  generator = json_generator_new ();
  json_generator_set_pretty (generator, pretty);
  json_generator_set_root (generator, node);
  return json_generator_to_data (generator, NULL);
}

gboolean
_botbench_chat_json_node_equal (JsonNode *a,
                                JsonNode *b)
{
  if (a == NULL || b == NULL)
    return a == b;

  return json_node_equal (a, b);
}

gboolean
_botbench_chat_color_is_valid (const char *color)
{
  gsize len;

  if (color == NULL || color[0] != '#')
    return FALSE;
  len = strlen (color);
  if (len != 4 && len != 7)
    return FALSE;
  for (gsize i = 1; i < len; i++)
    if (!g_ascii_isxdigit (color[i]))
      return FALSE;
  return TRUE;
}

/* Warnings of the ATTACH and KEYBOARD parsers */

void
_botbench_chat_warn (GPtrArray  *warnings,
                     const char *format,
                     ...)
{
  va_list args;

  if (warnings->len > BOTBENCH_CHAT_MAX_WARNINGS)
    return;
  if (warnings->len == BOTBENCH_CHAT_MAX_WARNINGS)
    {
      g_ptr_array_add (warnings, g_strdup (_("More problems were found but are not listed")));
      return;
    }

  va_start (args, format);
  g_ptr_array_add (warnings, g_strdup_vprintf (format, args));
  va_end (args);
}

gboolean
_botbench_chat_link_is_safe (const char *link)
{
  return g_ascii_strncasecmp (link, "http://", 7) == 0 ||
         g_ascii_strncasecmp (link, "https://", 8) == 0 ||
         g_ascii_strncasecmp (link, "mailto:", 7) == 0;
}

/* A colour member: valid or "" (with a warning when something else was given). */
char *
_botbench_chat_dup_color (JsonObject *object,
                          const char *key,
                          GPtrArray  *warnings,
                          const char *where)
{
  g_autofree char *color = _botbench_chat_json_dup_string (object, key, "");

  if (*color == '\0' || _botbench_chat_color_is_valid (color))
    return g_steal_pointer (&color);

  /* TRANSLATORS: "Block 2: COLOR “red” is not a #rrggbb colour" */
  _botbench_chat_warn (warnings, _("%s: %s “%s” is not a #rrggbb colour"), where, key, color);
  return g_strdup ("");
}
