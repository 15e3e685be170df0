/* botbench-form-encoder.c: PHP http_build_query() encoder
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Mirrors ext/standard/http.c (php_url_encode_hash_ex) of PHP 8: the first
 * level key is written as is, deeper keys as %5B<key>%5D, each key and value
 * through php_url_encode().  Floats go through smart_str_append_double() with
 * precision 14, i.e. php_gcvt().
 */
#define G_LOG_DOMAIN "botbench-form-encoder"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "botbench-form-node.h"
#include "botbench-form-encoder.h"

#define PHP_PRECISION 14

static inline gboolean
is_unreserved (guchar c)
{
  return g_ascii_isalnum (c) || c == '-' || c == '_' || c == '.';
}

static void
append_pair_start (GString    *out,
                   const char *prefix,
                   gsize       prefix_len)
{
  if (out->len > 0)
    g_string_append_c (out, '&');
  g_string_append_len (out, prefix, prefix_len);
  g_string_append_c (out, '=');
}

/* prefix: the already encoded key path of this array ("" at the top). */
static void
child_prefix (GString    *prefix,
              gsize       base_len,
              gboolean    top,
              const char *key,
              gssize      key_len)
{
  g_string_truncate (prefix, base_len);
  if (top)
    botbench_form_urlencode_append (prefix, key, key_len);
  else
    {
      g_string_append (prefix, "%5B");
      botbench_form_urlencode_append (prefix, key, key_len);
      g_string_append (prefix, "%5D");
    }
}

static void
encode_form_node (const BotbenchFormNode *node,
                  GString                *prefix,
                  gboolean                top,
                  GString                *out)
{
  gsize base_len = prefix->len;
  guint n = botbench_form_node_get_n_children (node);

  for (guint i = 0; i < n; i++)
    {
      BotbenchFormNode *child = botbench_form_node_get_child (node, i);

      child_prefix (prefix, base_len, top, botbench_form_node_get_child_key (node, i), -1);

      if (botbench_form_node_get_node_type (child) == BOTBENCH_FORM_NODE_ARRAY)
        encode_form_node (child, prefix, FALSE, out);
      else
        {
          gsize len;
          const char *value = botbench_form_node_get_string (child, &len);

          append_pair_start (out, prefix->str, prefix->len);
          botbench_form_urlencode_append (out, value, len);
        }
    }

  g_string_truncate (prefix, base_len);
}

static void encode_json_container (JsonNode *node,
                                   GString  *prefix,
                                   gboolean  top,
                                   GString  *out);

static void
encode_json_member (JsonNode *value,
                    GString  *prefix,
                    GString  *out)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  switch (json_node_get_node_type (value))
    {
    case JSON_NODE_OBJECT:
    case JSON_NODE_ARRAY:
      encode_json_container (value, prefix, FALSE, out);
      break;

    case JSON_NODE_NULL:
      break;

    case JSON_NODE_VALUE:
      append_pair_start (out, prefix->str, prefix->len);
      switch (json_node_get_value_type (value))
        {
        case G_TYPE_BOOLEAN:
          g_string_append_c (out, json_node_get_boolean (value) ? '1' : '0');
          break;

        case G_TYPE_INT64:
          g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, json_node_get_int (value));
          g_string_append (out, buf);
          break;

        case G_TYPE_DOUBLE:
          {
            g_autoptr(GString) number = g_string_new (NULL);

            botbench_form_append_php_double (number, json_node_get_double (value));
            botbench_form_urlencode_append (out, number->str, number->len);
          }
          break;

        case G_TYPE_STRING:
          botbench_form_urlencode_append (out, json_node_get_string (value), -1);
          break;

        default:
          break;
        }
      break;

    default:
      break;
    }
}

static void
encode_json_container (JsonNode *node,
                       GString  *prefix,
                       gboolean  top,
                       GString  *out)
{
  gsize base_len = prefix->len;

  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      g_autoptr(GList) members = json_object_get_members (object);

      for (const GList *l = members; l != NULL; l = l->next)
        {
          child_prefix (prefix, base_len, top, l->data, -1);
          encode_json_member (json_object_get_member (object, l->data), prefix, out);
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      guint n = json_array_get_length (array);

      for (guint i = 0; i < n; i++)
        {
          char key[16];

          g_snprintf (key, sizeof key, "%u", i);
          child_prefix (prefix, base_len, top, key, -1);
          encode_json_member (json_array_get_element (array, i), prefix, out);
        }
    }

  g_string_truncate (prefix, base_len);
}

void
botbench_form_urlencode_append (GString    *out,
                                const char *value,
                                gssize      len)
{
  static const char hex[] = "0123456789ABCDEF";

  g_return_if_fail (out != NULL);

  if (value == NULL)
    return;
  if (len < 0)
    len = strlen (value);

  for (gssize i = 0; i < len; i++)
    {
      guchar c = value[i];

      if (is_unreserved (c))
        g_string_append_c (out, c);
      else if (c == ' ')
        g_string_append_c (out, '+');
      else
        {
          g_string_append_c (out, '%');
          g_string_append_c (out, hex[c >> 4]);
          g_string_append_c (out, hex[c & 0xf]);
        }
    }
}

void
botbench_form_append_php_double (GString *out,
                                 double   value)
{
  char buf[64];
  char digits[PHP_PRECISION + 1];
  guint n_digits = 0;
  int exponent;
  int decpt;
  char *e;

  g_return_if_fail (out != NULL);

  if (isnan (value))
    {
      g_string_append (out, "NAN");
      return;
    }
  if (isinf (value))
    {
      g_string_append (out, value < 0 ? "-INF" : "INF");
      return;
    }
  if (value == 0.0)
    {
      g_string_append (out, signbit (value) ? "-0" : "0");
      return;
    }

  /* The PHP_PRECISION significant digits, rounded like zend_dtoa mode 2. */
  g_snprintf (buf, sizeof buf, "%.*e", PHP_PRECISION - 1, fabs (value));
  for (const char *p = buf; *p != 'e'; p++)
    if (g_ascii_isdigit (*p))
      digits[n_digits++] = *p;
  while (n_digits > 1 && digits[n_digits - 1] == '0')
    n_digits--;
  e = strchr (buf, 'e');
  exponent = (int)g_ascii_strtoll (e + 1, NULL, 10);
  decpt = exponent + 1;

  if (value < 0)
    g_string_append_c (out, '-');

  if (decpt < 0 ? decpt < -3 : decpt > PHP_PRECISION)
    {
      /* php_gcvt()'s exponential form: 1.0E+20, 1.5E-10 */
      g_string_append_c (out, digits[0]);
      g_string_append_c (out, '.');
      if (n_digits > 1)
        g_string_append_len (out, digits + 1, n_digits - 1);
      else
        g_string_append_c (out, '0');
      g_string_append_printf (out, "E%c%d", exponent < 0 ? '-' : '+', ABS (exponent));
    }
  else if (decpt <= 0)
    {
      g_string_append (out, "0.");
      for (int i = 0; i < -decpt; i++)
        g_string_append_c (out, '0');
      g_string_append_len (out, digits, n_digits);
    }
  else
    {
      for (int i = 0; i < decpt; i++)
        g_string_append_c (out, (guint)i < n_digits ? digits[i] : '0');
      if ((guint)decpt < n_digits)
        {
          g_string_append_c (out, '.');
          g_string_append_len (out, digits + decpt, n_digits - decpt);
        }
    }
}

char *
botbench_form_encode (const BotbenchFormNode *node)
{
  g_autoptr(GString) prefix = g_string_new (NULL);
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (node != NULL, NULL);

  if (botbench_form_node_get_node_type (node) == BOTBENCH_FORM_NODE_ARRAY)
    encode_form_node (node, prefix, TRUE, out);

  return g_string_free (out, FALSE);
}

char *
botbench_form_encode_json (JsonNode *node)
{
  g_autoptr(GString) prefix = g_string_new (NULL);
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (node != NULL, NULL);

  encode_json_container (node, prefix, TRUE, out);

  return g_string_free (out, FALSE);
}
