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
#include <math.h>
#include <string.h>

#include "botbench-form-encoder.h"
#include "botbench-json.h"
#include "botbench-post-decoder.h"
#include "botbench-sandbox-php-private.h"

#define PHP_JSON_MAX_NESTING (512 - 1)

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

      /* Only a canonical decimal ("1", not "01" or "+1") is an index. */
      if (g_ascii_isdigit (*key) && (key[0] != '0' || key[1] == '\0') &&
          *end == '\0' && index < json_array_get_length (array))
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

/* (int) of a double: 0 for INF and NAN, modulo 2^64 out of range (PHP 8
 * on 64-bit hosts, zend_dval_to_lval). */
static gint64
php_double_to_int (double value)
{
  const double two_pow_64 = 18446744073709551616.0;
  double mod;

  if (!isfinite (value))
    return 0;
  if (value >= -9223372036854775808.0 && value < 9223372036854775808.0)
    return (gint64)value;

  mod = fmod (value, two_pow_64);
  if (mod < 0)
    mod += two_pow_64;
  if (mod >= 9223372036854775808.0)
    mod -= two_pow_64;

  return (gint64)mod;
}

/* intval() of a string: its leading numeric part ("12abc" is 12), read as
 * a float when it has a fraction or an exponent ("1e3" is 1000), capped
 * to the gint64 range; 0 when it has none. */
static gint64
php_string_to_int (const char *s)
{
  const char *p = s;
  gboolean is_double = FALSE;
  guint n_digits = 0;
  double value;

  while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\v' || *p == '\f')
    p++;
  if (*p == '+' || *p == '-')
    p++;
  for (; g_ascii_isdigit (*p); p++)
    n_digits++;
  if (*p == '.')
    {
      for (p++; g_ascii_isdigit (*p); p++)
        n_digits++;
      is_double = TRUE;
    }
  if (n_digits == 0)
    return 0;
  if ((p[0] == 'e' || p[0] == 'E') &&
      (g_ascii_isdigit (p[1]) || ((p[1] == '+' || p[1] == '-') && g_ascii_isdigit (p[2]))))
    is_double = TRUE;

  if (!is_double)
    return g_ascii_strtoll (s, NULL, 10);   /* saturates, like the cap */

  value = g_ascii_strtod (s, NULL);
  if (!isfinite (value))
    return 0;
  if (value >= 9223372036854775808.0)
    return G_MAXINT64;
  if (value < -9223372036854775808.0)
    return G_MININT64;

  return (gint64)value;
}

/* PHP intval(). */
gint64
_botbench_php_intval (JsonNode *node)
{
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    return json_object_get_size (json_node_get_object (node)) > 0 ? 1 : 0;

  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    return json_array_get_length (json_node_get_array (node)) > 0 ? 1 : 0;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return 0;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return php_string_to_int (json_node_get_string (node));

    case G_TYPE_BOOLEAN:
      return json_node_get_boolean (node) ? 1 : 0;

    case G_TYPE_INT64:
      return json_node_get_int (node);

    case G_TYPE_DOUBLE:
      return php_double_to_int (json_node_get_double (node));

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

/* Like PHP's json_decode(): NULL for anything but one JSON value with
 * arrays and objects nested at most 511 deep: PHP's default depth of 512
 * counts the values inside the deepest array as one more level. */
JsonNode *
_botbench_php_json_decode (const char *text,
                           gssize      len)
{
  gsize size;

  if (text == NULL)
    return NULL;

  size = len < 0 ? strlen (text) : (gsize)len;
  if (!botbench_json_check (text, size, PHP_JSON_MAX_NESTING, NULL))
    return NULL;

  return botbench_json_parse (text, size, NULL);
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

/* parse_url()'s port: at most 5 characters read by strtol(), 0..65535;
 * none is fine.  FALSE makes parse_url() return false. */
static gboolean
php_url_port (const char *p,
              const char *end,
              gint64     *port)
{
  char buf[6];
  char *stop = NULL;

  if (end - p > 5)
    return FALSE;
  if (end == p)
    return TRUE;

  memcpy (buf, p, end - p);
  buf[end - p] = '\0';
  *port = g_ascii_strtoll (buf, &stop, 10);

  return stop != buf && *port >= 0 && *port <= 65535;
}

static gboolean
php_url_is_relative (const char *s,
                     const char *ue)
{
  return s + 1 < ue && s[0] == '/' && s[1] == '/';
}

/* PHP parse_url() (php_url_parse_ex2 of PHP 8) reduced to what a portal
 * reads from a handler URL: the scheme and the host, each NULL when the
 * array would have no such key.  Returns FALSE where parse_url() returns
 * false.  Control characters in the host come out as '_', as in PHP. */
gboolean
_botbench_php_parse_url (const char  *url,
                         char       **scheme,
                         char       **host)
{
  const char *s = url;
  const char *ue = url + strlen (url);
  const char *e;
  const char *p;
  gint64 port = 0;

  g_return_val_if_fail (url != NULL, FALSE);

  *scheme = NULL;
  *host = NULL;

  e = strchr (s, ':');
  if (e != NULL && e != s)
    {
      const char *query = s + strcspn (s, "?#");

      for (p = s; p < e; p++)
        if (!g_ascii_isalnum (*p) && *p != '+' && *p != '.' && *p != '-')
          break;

      if (p < e)
        {
          /* Not a scheme: "host:port/…", "//host…" or a path. */
          if (e + 1 < ue && e < query)
            goto parse_port;
          if (!php_url_is_relative (s, ue))
            return TRUE;
          s += 2;
          goto parse_host;
        }

      if (e + 1 == ue)
        {
          *scheme = g_strndup (s, e - s);
          return TRUE;
        }

      if (e[1] != '/')
        {
          /* "a.com:80" is a host and port; "mailto:x" a scheme and path. */
          for (p = e + 1; p < ue && g_ascii_isdigit (*p); p++)
            ;
          if ((p == ue || *p == '/') && p - e < 7)
            goto parse_port;

          *scheme = g_strndup (s, e - s);
          return TRUE;
        }

      *scheme = g_strndup (s, e - s);
      if (e + 2 < ue && e[2] == '/')
        {
          s = e + 3;
          /* file:/// is a path */
          if (g_ascii_strcasecmp (*scheme, "file") == 0 && e + 3 < ue && e[3] == '/')
            return TRUE;
          goto parse_host;
        }
      return TRUE;
    }
  else if (e != NULL)
    {
      const char *pp;

    parse_port:
      p = e + 1;
      for (pp = p; pp < ue && pp - p < 6 && g_ascii_isdigit (*pp); pp++)
        ;

      if (pp - p > 0 && pp - p < 6 && (pp == ue || *pp == '/'))
        {
          if (!php_url_port (p, pp, &port))
            {
              g_clear_pointer (scheme, g_free);
              return FALSE;
            }
          if (php_url_is_relative (s, ue))
            s += 2;
        }
      else if (p == pp && pp == ue)
        {
          g_clear_pointer (scheme, g_free);
          return FALSE;
        }
      else if (php_url_is_relative (s, ue))
        s += 2;
      else
        return TRUE;
    }
  else if (php_url_is_relative (s, ue))
    s += 2;
  else
    return TRUE;

parse_host:
  e = s + strcspn (s, "/?#");

  /* user:pass@ ends at the last '@' */
  for (p = e; p > s; p--)
    if (p[-1] == '@')
      {
        s = p;
        break;
      }

  /* The port follows the last ':', unless the host is all "[…]".  As in
   * PHP, a port already read (and not 0) is not read again. */
  if (e > s && *s == '[' && e[-1] == ']')
    p = e;
  else
    {
      for (p = e; p > s && p[-1] != ':'; p--)
        ;
      if (p > s)
        {
          if (port == 0 && !php_url_port (p, e, &port))
            {
              g_clear_pointer (scheme, g_free);
              return FALSE;
            }
          p--;
        }
      else
        p = e;
    }

  if (p - s < 1)
    {
      g_clear_pointer (scheme, g_free);
      return FALSE;
    }

  *host = g_strndup (s, p - s);
  for (char *c = *host; *c != '\0'; c++)
    if ((guchar)*c < 0x20 || *c == 0x7f)
      *c = '_';

  return TRUE;
}
