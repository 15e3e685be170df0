/* test-sandbox-php.c: the sandbox's PHP semantics and its handler-URL rule
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The emulated portal is PHP code, so botbench-sandbox-php.c must do what
 * PHP 8 does.  Every expected value here was checked with php-cli
 * (`php -r 'var_dump (intval ("1e3"));'`).  The handler-URL cases are the
 * ones of the imbot reference, §1.4.
 */
#define G_LOG_DOMAIN "test-sandbox-php"

#include "config.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "botbench-sandbox-php-private.h"
#include "botbench-sandbox-private.h"

/* A JsonNode from JSON text; aborts on a typo in the test. */
static JsonNode *
node (const char *json)
{
  g_autoptr(GError) error = NULL;
  JsonNode *result = json_from_string (json, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  return result;
}

static JsonNode *
string_node (const char *value)
{
  JsonNode *result = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (result, value);
  return result;
}

static JsonNode *
double_node (double value)
{
  JsonNode *result = json_node_new (JSON_NODE_VALUE);

  json_node_set_double (result, value);
  return result;
}

static char *
to_json (JsonNode *value)
{
  return json_to_string (value, FALSE);
}

static void
test_empty (void)
{
  /* empty(): null, "", "0", 0, 0.0, -0.0, false, [] */
  static const char *empty[] = { "null", "\"\"", "\"0\"", "0", "0.0", "-0.0", "false", "[]", "{}" };
  /* and nothing else: not "0.0", " ", "00", "a", [0], true */
  static const char *full[] = { "\"0.0\"", "\" \"", "\"00\"", "\"a\"", "\"false\"", "[0]", "{\"a\":null}",
                                "1", "-1", "0.5", "true" };

  g_assert_true (_botbench_php_empty (NULL));

  for (guint i = 0; i < G_N_ELEMENTS (empty); i++)
    {
      g_autoptr(JsonNode) value = node (empty[i]);

      g_test_message ("empty(%s)", empty[i]);
      g_assert_true (_botbench_php_empty (value));
    }

  for (guint i = 0; i < G_N_ELEMENTS (full); i++)
    {
      g_autoptr(JsonNode) value = node (full[i]);

      g_test_message ("!empty(%s)", full[i]);
      g_assert_false (_botbench_php_empty (value));
    }
}

static void
test_intval_string (void)
{
  static const struct { const char *in; gint64 out; } cases[] = {
    { "42", 42 },
    { "12abc", 12 },             /* the leading number */
    { " 42", 42 },               /* leading white space */
    { "\n\v\f12", 12 },
    { " 12 ", 12 },
    { "-7", -7 },
    { "+5", 5 },
    { "-0", 0 },
    { "012", 12 },               /* not octal */
    { "0x1A", 0 },               /* not hex */
    { "abc", 0 },
    { "", 0 },
    { ".", 0 },
    { "1.9", 1 },                /* a float, truncated */
    { "1.", 1 },
    { ".5", 0 },
    { "-.5e1", -5 },
    { "1e3", 1000 },             /* numeric strings with exponents are floats */
    { "1.5e3", 1500 },
    { "1e3abc", 1000 },
    { "1e+2", 100 },
    { "1e", 1 },                 /* no exponent digits: the integer */
    { "1e+", 1 },
    { "9999999999999999999", G_MAXINT64 },   /* capped */
    { "-9999999999999999999", G_MININT64 },
    { "1e100", G_MAXINT64 },
    { "1e1000", 0 },             /* INF */
    { "-1e1000", 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) value = string_node (cases[i].in);

      g_test_message ("intval(\"%s\")", cases[i].in);
      g_assert_cmpint (_botbench_php_intval (value), ==, cases[i].out);
    }
}

static void
test_intval_other (void)
{
  static const struct { const char *json; gint64 out; } cases[] = {
    { "null", 0 },
    { "true", 1 },
    { "false", 0 },
    { "17", 17 },
    { "3.9", 3 },
    { "-3.9", -3 },
    { "[]", 0 },
    { "[0]", 1 },                /* a non-empty array is 1 */
    { "{}", 0 },
    { "{\"a\":0}", 1 },
  };

  g_assert_cmpint (_botbench_php_intval (NULL), ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) value = node (cases[i].json);

      g_test_message ("intval(%s)", cases[i].json);
      g_assert_cmpint (_botbench_php_intval (value), ==, cases[i].out);
    }

  /* Floats out of range wrap modulo 2^64 on 64-bit PHP 8; INF and NAN are 0. */
  {
    g_autoptr(JsonNode) big = double_node (1e30);
    g_autoptr(JsonNode) inf = double_node (INFINITY);
    g_autoptr(JsonNode) nan_value = double_node (NAN);
    g_autoptr(JsonNode) max = double_node (9223372036854775807.0);   /* 2^63 */

    g_assert_cmpint (_botbench_php_intval (big), ==, G_GINT64_CONSTANT (5076964154930102272));
    g_assert_cmpint (_botbench_php_intval (inf), ==, 0);
    g_assert_cmpint (_botbench_php_intval (nan_value), ==, 0);
    g_assert_cmpint (_botbench_php_intval (max), ==, G_MININT64);
  }
}

static void
test_string (void)
{
  static const struct { const char *json; const char *out; } cases[] = {
    { "\"abc\"", "abc" },
    { "\"\"", "" },
    { "true", "1" },
    { "false", "" },
    { "-12", "-12" },
    { "1.0", "1" },
    { "0.1", "0.1" },
    { "-0.0", "-0" },
    { "0.30000000000000004", "0.3" },          /* precision=14 */
    { "1e15", "1.0E+15" },
    { "1e25", "1.0E+25" },
    { "123456789012345678.0", "1.2345678901235E+17" },
    /* NULL, arrays: no string (the callers decide: "" or "Array") */
    { "null", NULL },
    { "[1]", NULL },
    { "{\"a\":1}", NULL },
  };

  g_assert_null (_botbench_php_string (NULL));

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) value = node (cases[i].json);
      g_autofree char *out = _botbench_php_string (value);

      g_test_message ("(string)%s", cases[i].json);
      g_assert_cmpstr (out, ==, cases[i].out);
    }
}

static void
test_isset (void)
{
  g_autoptr(JsonNode) null_value = node ("null");
  g_autoptr(JsonNode) empty_string = node ("\"\"");
  g_autoptr(JsonNode) zero = node ("0");
  g_autoptr(JsonNode) array = node ("[]");

  g_assert_false (_botbench_php_isset (NULL));
  g_assert_false (_botbench_php_isset (null_value));
  g_assert_true (_botbench_php_isset (empty_string));
  g_assert_true (_botbench_php_isset (zero));
  g_assert_true (_botbench_php_isset (array));

  g_assert_false (_botbench_php_is_array (NULL));
  g_assert_false (_botbench_php_is_array (zero));
  g_assert_true (_botbench_php_is_array (array));
}

static void
test_array_get (void)
{
  g_autoptr(JsonNode) object = node ("{\"NAME\":\"Echo\",\"0\":\"zero\",\"N\":null}");
  g_autoptr(JsonNode) list = node ("[\"a\",\"b\"]");
  g_autoptr(JsonNode) scalar = node ("\"NAME\"");
  g_autofree char *name = NULL;
  g_autofree char *second = NULL;

  g_assert_nonnull (_botbench_php_array_get (object, "NAME"));
  g_assert_null (_botbench_php_array_get (object, "name"));     /* keys are case-sensitive */
  g_assert_nonnull (_botbench_php_array_get (object, "0"));
  g_assert_true (JSON_NODE_HOLDS_NULL (_botbench_php_array_get (object, "N")));
  g_assert_null (_botbench_php_array_get (NULL, "NAME"));
  g_assert_null (_botbench_php_array_get (scalar, "0"));       /* not an array */

  /* $list["1"] is $list[1]; "01", "-1", "" and out of range are not there */
  second = _botbench_php_array_get_string (list, "1");
  g_assert_cmpstr (second, ==, "b");
  g_assert_null (_botbench_php_array_get (list, "2"));
  g_assert_null (_botbench_php_array_get (list, ""));
  g_assert_null (_botbench_php_array_get (list, "-1"));
  g_assert_null (_botbench_php_array_get (list, "x"));
  g_assert_null (_botbench_php_array_get (list, "01"));
  g_assert_null (_botbench_php_array_get (list, "+1"));
  g_assert_null (_botbench_php_array_get (list, " 1"));
  g_assert_nonnull (_botbench_php_array_get (list, "0"));

  name = _botbench_php_array_get_string (object, "NAME");
  g_assert_cmpstr (name, ==, "Echo");
}

static void
test_params (void)
{
  g_autoptr(JsonNode) root = node ("{\"A\":\"  text \\n\",\"Y\":\"Y\",\"y\":\"y\",\"ONE\":1,\"L\":[1]}");
  JsonObject *params = json_node_get_object (root);
  g_autofree char *trimmed = _botbench_php_param_trimmed (params, "A");
  g_autofree char *missing = _botbench_php_param_trimmed (params, "NOPE");
  g_autofree char *one = _botbench_php_param_string (params, "ONE");
  g_autofree char *list = _botbench_php_param_string (params, "L");

  g_assert_cmpstr (trimmed, ==, "text");
  g_assert_cmpstr (missing, ==, "");
  g_assert_cmpstr (one, ==, "1");
  g_assert_null (list);
  g_assert_null (_botbench_php_param (params, "NOPE"));
  g_assert_null (_botbench_php_param (NULL, "A"));

  /* == "Y", nothing else */
  g_assert_true (_botbench_php_param_is_y (params, "Y"));
  g_assert_false (_botbench_php_param_is_y (params, "y"));
  g_assert_false (_botbench_php_param_is_y (params, "ONE"));
  g_assert_false (_botbench_php_param_is_y (params, "NOPE"));
}

static void
test_json_decode (void)
{
  static const char *invalid[] = { "", "nul", "1 2", "{\"a\":}", "[1,]", "'a'" };
  g_autoptr(JsonNode) scalar = _botbench_php_json_decode (" 1 ", -1);
  g_autoptr(JsonNode) prefix = _botbench_php_json_decode ("[1]xyz", 3);
  g_autoptr(GString) deep = g_string_new (NULL);

  g_assert_nonnull (scalar);
  g_assert_cmpint (json_node_get_int (scalar), ==, 1);
  g_assert_nonnull (prefix);   /* len bytes only */
  g_assert_null (_botbench_php_json_decode (NULL, -1));

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr(JsonNode) value = _botbench_php_json_decode (invalid[i], -1);

      g_test_message ("json_decode('%s')", invalid[i]);
      g_assert_null (value);
    }

  /* PHP's default depth: 511 nested arrays decode */
  for (guint i = 0; i < 511; i++)
    g_string_append_c (deep, '[');
  for (guint i = 0; i < 511; i++)
    g_string_append_c (deep, ']');
  {
    g_autoptr(JsonNode) value = _botbench_php_json_decode (deep->str, deep->len);

    g_assert_nonnull (value);
  }

  /* 512 do not, nor far deeper ones (NULL, not a crash) */
  g_string_truncate (deep, 0);
  for (guint i = 0; i < 512; i++)
    g_string_append_c (deep, '[');
  for (guint i = 0; i < 512; i++)
    g_string_append_c (deep, ']');
  {
    g_autoptr(JsonNode) value = _botbench_php_json_decode (deep->str, deep->len);

    g_assert_null (value);
  }
  g_string_truncate (deep, 0);
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (deep, ']');
  {
    g_autoptr(JsonNode) value = _botbench_php_json_decode (deep->str, deep->len);

    g_assert_null (value);
  }
}

static void
test_parse_str (void)
{
  /* parse_str("a.b=1&c d=2&e[]=x&e[]=y&f[k]=z&g[=3") */
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;
  const char *form = "a.b=1&c d=2&e[]=x&e[]=y&f[k]=z&g[=3";

  object = _botbench_php_parse_str (form, strlen (form));
  root = json_node_init_object (json_node_alloc (), object);
  json = to_json (root);
  g_assert_cmpstr (json, ==, "{\"a_b\":\"1\",\"c_d\":\"2\",\"e\":[\"x\",\"y\"],\"f\":{\"k\":\"z\"},\"g_\":\"3\"}");

  g_clear_pointer (&object, json_object_unref);
  object = _botbench_php_parse_str ("", 0);
  g_assert_cmpuint (json_object_get_size (object), ==, 0);
}

static void
test_array_to_object (void)
{
  g_autoptr(JsonNode) list = node ("[\"a\",\"b\"]");
  g_autoptr(JsonNode) scalar = node ("\"a\"");
  g_autoptr(JsonObject) from_list = _botbench_php_array_to_object (list);
  g_autoptr(JsonObject) from_scalar = _botbench_php_array_to_object (scalar);
  g_autoptr(JsonObject) from_null = _botbench_php_array_to_object (NULL);

  g_assert_cmpstr (json_object_get_string_member (from_list, "0"), ==, "a");
  g_assert_cmpstr (json_object_get_string_member (from_list, "1"), ==, "b");
  g_assert_cmpuint (json_object_get_size (from_scalar), ==, 0);
  g_assert_cmpuint (json_object_get_size (from_null), ==, 0);
}

static void
test_array_node (void)
{
  /* json_encode(): [] when empty, a list for keys 0..n-1 in that order */
  static const struct { const char *in; const char *out; } cases[] = {
    { "{}", "[]" },
    { "{\"0\":\"a\",\"1\":\"b\"}", "[\"a\",\"b\"]" },
    { "{\"1\":\"a\",\"0\":\"b\"}", "{\"1\":\"a\",\"0\":\"b\"}" },
    { "{\"0\":\"a\",\"2\":\"b\"}", "{\"0\":\"a\",\"2\":\"b\"}" },
    { "{\"a\":1}", "{\"a\":1}" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) in = node (cases[i].in);
      g_autoptr(JsonNode) out = _botbench_php_array_node (json_node_get_object (in));
      g_autofree char *json = to_json (out);

      g_test_message ("json_encode(%s)", cases[i].in);
      g_assert_cmpstr (json, ==, cases[i].out);
    }
}

static void
test_upper_case_keys (void)
{
  /* array_change_key_case(["b"=>1,"a"=>2,"B"=>3], CASE_UPPER) is
   * {"B":3,"A":2}: the first key's place, the last spelling's value */
  g_autoptr(JsonNode) in = node ("{\"b\":1,\"a\":2,\"B\":3}");
  g_autoptr(JsonObject) upper = _botbench_php_upper_case_keys (json_node_get_object (in));
  g_autoptr(JsonNode) root = json_node_init_object (json_node_alloc (), upper);
  g_autofree char *json = to_json (root);

  g_assert_cmpstr (json, ==, "{\"B\":3,\"A\":2}");
}

static void
test_nodes (void)
{
  g_autoptr(JsonNode) number = _botbench_php_int_node (-3);
  g_autoptr(JsonNode) yes = _botbench_php_bool_node (TRUE);
  g_autoptr(JsonNode) object = _botbench_php_object_node (json_object_new ());
  g_autoptr(JsonObject) target = json_object_new ();

  g_assert_cmpint (json_node_get_int (number), ==, -3);
  g_assert_true (json_node_get_boolean (yes));
  g_assert_true (JSON_NODE_HOLDS_OBJECT (object));

  /* ids go out as strings, as PHP arrays built from DB rows hold them */
  _botbench_php_set_int_string (target, "ID", G_MININT64);
  g_assert_cmpstr (json_object_get_string_member (target, "ID"), ==, "-9223372036854775808");
}

static void
test_parse_url (void)
{
  /* parse_url($url) === false, else ['scheme'] and ['host'] (php-cli 8.2) */
  static const struct { const char *url; gboolean ok; const char *scheme; const char *host; } cases[] = {
    { "https://bot.example.com/h", TRUE, "https", "bot.example.com" },
    { "http://user:pass@bot.example.com:8080/x?y#z", TRUE, "http", "bot.example.com" },
    { "http://localhost:8080/x", TRUE, "http", "localhost" },
    { "http://[::1]:8080/", TRUE, "http", "[::1]" },
    { "example.com/x", TRUE, NULL, NULL },
    { "bot.example.com:8080/x", TRUE, NULL, "bot.example.com" },
    { "//bot.example.com/x", TRUE, NULL, "bot.example.com" },
    { "HTTP://bot.example.com/", TRUE, "HTTP", "bot.example.com" },
    { "mailto:a@b.com", TRUE, "mailto", NULL },
    { "http:bot.example.com", TRUE, "http", NULL },
    { "http:///path", FALSE, NULL, NULL },
    { "https://user@/x", FALSE, NULL, NULL },
    { "http://a.b:99999/", FALSE, NULL, NULL },
    { "http://a.b:-1/", FALSE, NULL, NULL },
    { "http://a.b:80x/", TRUE, "http", "a.b" },
    { "https://a.b:8080:90/", TRUE, "https", "a.b:8080" },
    { "http://a@b@c.d/", TRUE, "http", "c.d" },
    { "http://a.b?x@y.z/", TRUE, "http", "a.b" },
    { "a_b.com:80/x", TRUE, NULL, "a_b.com" },
    { "a#b:5/x", TRUE, NULL, NULL },
    { "a.b:0", TRUE, NULL, "a.b" },
    { "x:", TRUE, "x", NULL },
    { "file:///a.b/c", TRUE, "file", NULL },
    { "", TRUE, NULL, NULL },
    { "http://a.b\001c/", TRUE, "http", "a.b_c" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *scheme = NULL;
      g_autofree char *host = NULL;
      gboolean ok;

      g_test_message ("parse_url('%s')", cases[i].url);
      ok = _botbench_php_parse_url (cases[i].url, &scheme, &host);
      g_assert_cmpint (ok, ==, cases[i].ok);
      g_assert_cmpstr (scheme, ==, cases[i].scheme);
      g_assert_cmpstr (host, ==, cases[i].host);
    }
}

static void
test_handler_url (void)
{
  /* The portal's rule (reference §1.4): a host with a dot after its first
   * character, then exactly "http" or "https".  Nothing about reachability. */
  static const struct { const char *url; const char *error; } cases[] = {
    { "https://bot.example.com/events", NULL },
    { "http://bot.example.com/events", NULL },              /* plain http is accepted */
    { "http://127.0.0.1:8080/x", NULL },                    /* loopback, but it has dots */
    { "http://192.168.1.5/x", NULL },
    { "https://bot.example.com:8443/h?CLIENT_ID=x", NULL },
    { "https://user:pass@bot.example.com/", NULL },
    { "https://bot.example.com", NULL },
    { "http://localhost:8080/x", "Wrong handler URL" },
    { "https://mybox/x", "Wrong handler URL" },
    { "example.com/x", "Wrong handler URL" },               /* no scheme: all path */
    { "http://[::1]/", "Wrong handler URL" },
    { "http://[::1]:8080/x", "Wrong handler URL" },
    { "http://.example.com/", "Wrong handler URL" },        /* the dot at position 0 */
    { "http:///path", "Wrong handler URL" },
    { "http://bot.example.com:99999/", "Wrong handler URL" },   /* parse_url() is false */
    { "", "Wrong handler URL" },
    { " https://bot.example.com/", "Wrong handler URL" },
    { "ftp://bot.example.com/x", "Unsupported handler protocol" },
    { "HTTPS://bot.example.com/", "Unsupported handler protocol" },  /* case-sensitive */
    { "//bot.example.com/x", "Unsupported handler protocol" },
    { "bot.example.com:8080/x", "Unsupported handler protocol" },
    { "javascript://bot.example.com/", "Unsupported handler protocol" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("checkCallback('%s')", cases[i].url);
      g_assert_cmpstr (_botbench_sandbox_check_handler_url (cases[i].url), ==, cases[i].error);
    }

  g_assert_cmpstr (_botbench_sandbox_check_handler_url (NULL), ==, "Wrong handler URL");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sandbox-php/empty", test_empty);
  g_test_add_func ("/sandbox-php/intval/string", test_intval_string);
  g_test_add_func ("/sandbox-php/intval/other", test_intval_other);
  g_test_add_func ("/sandbox-php/string", test_string);
  g_test_add_func ("/sandbox-php/isset", test_isset);
  g_test_add_func ("/sandbox-php/array-get", test_array_get);
  g_test_add_func ("/sandbox-php/params", test_params);
  g_test_add_func ("/sandbox-php/json-decode", test_json_decode);
  g_test_add_func ("/sandbox-php/parse-str", test_parse_str);
  g_test_add_func ("/sandbox-php/array-to-object", test_array_to_object);
  g_test_add_func ("/sandbox-php/array-node", test_array_node);
  g_test_add_func ("/sandbox-php/upper-case-keys", test_upper_case_keys);
  g_test_add_func ("/sandbox-php/nodes", test_nodes);
  g_test_add_func ("/sandbox-php/parse-url", test_parse_url);
  g_test_add_func ("/sandbox-php/handler-url", test_handler_url);

  return g_test_run ();
}
