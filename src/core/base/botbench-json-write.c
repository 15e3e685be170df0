/* botbench-json-write.c: JSON text written by hand
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The one JSON string escaper every hand-written JSON line uses (the
 * event's `events`/`listen` line, the export's raw members, the handler's
 * answer), and the [[name, value], …] header lists stored in the event
 * store and written in JSON Lines, with their reader.
 */
#define G_LOG_DOMAIN "botbench-json"

#include "config.h"

#include <string.h>

#include "botbench-json.h"

/* len bytes of valid UTF-8 without NUL, escaped. */
static void
append_escaped (GString    *out,
                const char *valid,
                gsize       len)
{
  static const char hex[] = "0123456789abcdef";
  const char *end = valid + len;
  const char *run = valid;
  const char *p;

  for (p = valid; p < end; p++)
    {
      guchar c = (guchar)*p;
      const char *escape = NULL;
      char u[7];

      if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f)
        continue;

      switch (c)
        {
        case '"':  escape = "\\\""; break;
        case '\\': escape = "\\\\"; break;
        case '\n': escape = "\\n"; break;
        case '\r': escape = "\\r"; break;
        case '\t': escape = "\\t"; break;
        case '\b': escape = "\\b"; break;
        case '\f': escape = "\\f"; break;
        default:
          u[0] = '\\';
          u[1] = 'u';
          u[2] = '0';
          u[3] = '0';
          u[4] = hex[c >> 4];
          u[5] = hex[c & 0xf];
          u[6] = '\0';
          escape = u;
          break;
        }

      g_string_append_len (out, run, p - run);
      g_string_append (out, escape);
      run = p + 1;
    }

  g_string_append_len (out, run, p - run);
}

void
botbench_json_append_string (GString    *out,
                             const char *str,
                             gssize      len)
{
  g_autofree char *valid = NULL;

  g_return_if_fail (out != NULL);

  if (str == NULL)
    str = "";
  if (len < 0)
    len = (gssize)strlen (str);

  if (memchr (str, '\0', (gsize)len) != NULL)
    {
      /* g_utf8_make_valid() keeps NUL bytes; they become U+FFFD too. */
      GString *copy = g_string_sized_new ((gsize)len + 8);

      for (gssize i = 0; i < len; i++)
        {
          if (str[i] == '\0')
            g_string_append (copy, "\xef\xbf\xbd");
          else
            g_string_append_c (copy, str[i]);
        }
      valid = g_utf8_make_valid (copy->str, (gssize)copy->len);
      g_string_free (copy, TRUE);
    }
  else if (!g_utf8_validate_len (str, (gsize)len, NULL))
    valid = g_utf8_make_valid (str, len);

  g_string_append_c (out, '"');
  if (valid != NULL)
    append_escaped (out, valid, strlen (valid));
  else
    append_escaped (out, str, (gsize)len);
  g_string_append_c (out, '"');
}

void
botbench_json_append_string_pairs (GString            *out,
                                   const char * const *pairs)
{
  g_return_if_fail (out != NULL);

  g_string_append_c (out, '[');
  for (guint i = 0; pairs != NULL && pairs[i] != NULL && pairs[i + 1] != NULL; i += 2)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, '[');
      botbench_json_append_string (out, pairs[i], -1);
      g_string_append_c (out, ',');
      botbench_json_append_string (out, pairs[i + 1], -1);
      g_string_append_c (out, ']');
    }
  g_string_append_c (out, ']');
}

char *
botbench_json_dup_string_pairs (const char * const *pairs)
{
  GString *out = g_string_new (NULL);

  botbench_json_append_string_pairs (out, pairs);
  return g_string_free (out, FALSE);
}

static gboolean
node_is_string (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_STRING;
}

char **
botbench_json_get_string_pairs (JsonNode *node,
                                gboolean  skip_invalid)
{
  g_autoptr(GPtrArray) pairs = g_ptr_array_new_with_free_func (g_free);
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return skip_invalid ? g_new0 (char *, 1) : NULL;

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *pair = json_array_get_element (array, i);
      JsonArray *pa;

      if (!JSON_NODE_HOLDS_ARRAY (pair) ||
          json_array_get_length (pa = json_node_get_array (pair)) != 2 ||
          !node_is_string (json_array_get_element (pa, 0)) ||
          !node_is_string (json_array_get_element (pa, 1)))
        {
          if (skip_invalid)
            continue;
          return NULL;
        }

      g_ptr_array_add (pairs, g_strdup (json_array_get_string_element (pa, 0)));
      g_ptr_array_add (pairs, g_strdup (json_array_get_string_element (pa, 1)));
    }

  g_ptr_array_add (pairs, NULL);
  g_ptr_array_set_free_func (pairs, NULL);
  return (char **)g_ptr_array_free (g_steal_pointer (&pairs), FALSE);
}

char **
botbench_json_parse_string_pairs (const char *json)
{
  g_autoptr(JsonNode) root = NULL;

  if (json != NULL)
    root = botbench_json_parse (json, strlen (json), NULL);

  return botbench_json_get_string_pairs (root, TRUE);
}
