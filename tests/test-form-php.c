/* test-form-php.c: the form decoder against PHP itself
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Builds several hundred bodies (the fixtures, the hand-written table
 * tests/php/form-cases.txt and seeded random ones full of brackets, dots,
 * spaces, percent escapes, NUL bytes, invalid UTF-8, deep nesting and
 * ~1000 variables), runs php-cli once over all of them with
 * tests/php/form-oracle.php and compares PHP's json_encode($_POST, ...)
 * with botbench_form_node_to_json() byte for byte.
 *
 * php must be installed (build-aux/dev test installs php-cli); without it
 * the test fails.  BOTBENCH_PHP overrides the interpreter,
 * BOTBENCH_FORM_SEED the random seed; BOTBENCH_FORM_DUMP=FILE keeps the
 * bodies (one base64 line each) for a look with other tools.
 */
#define G_LOG_DOMAIN "test-form-php"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "botbench-form.h"
#include "botbench-test-utils.h"

#define DEFAULT_SEED      20240601
#define N_RANDOM_BODIES   800
#define MAX_REPORTED      10

typedef enum
{
  SOURCE_FIXTURE,
  SOURCE_CASE,
  SOURCE_RANDOM,
  N_SOURCES
} BodySource;

typedef struct
{
  BodySource  source;
  char       *label;
  GBytes     *body;
  char       *expected;   /* form-cases.txt only */
  char       *php_json;
} OracleBody;

typedef struct
{
  GPtrArray *bodies;
  char      *error;       /* why PHP could not be run */
} Oracle;

static Oracle *oracle;

/* Helpers {{{ */

static void
oracle_body_free (gpointer data)
{
  OracleBody *ob = data;

  g_free (ob->label);
  g_bytes_unref (ob->body);
  g_free (ob->expected);
  g_free (ob->php_json);
  g_free (ob);
}

static void
add_body (GPtrArray  *bodies,
          BodySource  source,
          char       *label,
          GBytes     *body,
          char       *expected)
{
  OracleBody *ob = g_new0 (OracleBody, 1);

  ob->source = source;
  ob->label = label;
  ob->body = body;
  ob->expected = expected;
  g_ptr_array_add (bodies, ob);
}

/* For failure messages: printable ASCII as is, anything else as \xHH. */
static char *
escape_bytes (const char *data,
              gsize       len,
              gsize       max_len)
{
  GString *out = g_string_new (NULL);

  for (gsize i = 0; i < len && i < max_len; i++)
    {
      guchar c = data[i];

      if (c == '\\')
        g_string_append (out, "\\\\");
      else if (c >= 0x20 && c < 0x7f)
        g_string_append_c (out, c);
      else
        g_string_append_printf (out, "\\x%02x", c);
    }
  if (len > max_len)
    g_string_append_printf (out, "... (%" G_GSIZE_FORMAT " bytes)", len);

  return g_string_free (out, FALSE);
}

static GBytes *
unescape_case_body (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (p[0] == '\\' && p[1] == '\\')
        {
          g_string_append_c (out, '\\');
          p++;
        }
      else if (p[0] == '\\' && p[1] == 'x' &&
               g_ascii_isxdigit (p[2]) && g_ascii_isxdigit (p[3]))
        {
          g_string_append_c (out, (char)(g_ascii_xdigit_value (p[2]) * 16 +
                                         g_ascii_xdigit_value (p[3])));
          p += 3;
        }
      else
        {
          g_string_append_c (out, *p);
        }
    }

  return g_string_free_to_bytes (out);
}

/* }}} */

/* Random bodies {{{ */

static const char *const name_atoms[] = {
  "a", "b", "x", "data", "PARAMS", "MESSAGE", "BOT", "567", "0", "1", "5", "-3", "-0", "05",
  "1e3", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
  "-9223372036854775809", "__Host-", "__Secure-", "..Host-", "_.Secure-", "__Host",
  "caf\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xe2\x80\xa8", "\xe2\x80\xa9",
  "\xff", "\xc3", "\xed\xa0\x80", "\xc0\xaf", "\xf4\x90\x80\x80", "\xf0\x9f\x98",
  "%00", "%zz", "%4", "%", "%5B", "%5D", "%5b%5d", "%2E", "%20", "%26", "%3D", "%2B",
  "%E2%82%AC", "%ff", "%C3%A9", "%e2%80%a8", "+", " ", "  ", ".", "..", "[", "]", "[]",
  "[ ]", "[\t]", "[\n]", "[x]", "[0]", "[-1]", "[[", "]]", "][", "-", "_", "=", "&", "&&",
  "\\", "\"", "/", "'", "<", "\x01", "\x1f", "\x7f", "\t", "\r\n",
};

static const char *const value_atoms[] = {
  "", "1", "0", "Hello, bot!", "/echo test", "https%3A%2F%2Fexample.com%2Frest%2F", "+", "%2B",
  "%", "%zz", "%4", "%00", "%0a", "%0D", "%09", "%08", "%0c", "%1f", "%7f", "%22", "%5C", "%2F",
  "\\", "\"", "/", "\xc3\xa9", "%C3%A9", "\xe2\x82\xac", "%e2%82%ac", "\xf0\x9f\x98\x80",
  "%F0%9F%98%80", "\xe2\x80\xa8", "%E2%80%A9", "\xff", "%FF%FE", "\xc3", "%c3", "\xe2\x82",
  "%e2%82", "\xed\xa0\x80", "%ed%b0%80", "\xc0\xaf", "%c1%bf", "\xf4\x90\x80\x80",
  "%f5%80%80%80", "\xf0\x9f\x98", "%f0%9f", "\xf8\x88\x80\x80\x80", "\xe0\x80\x80", "\x80",
  "%80%80", "[", "]", "=", ".", " ", "\x01", "\x7f", "\t", "<b>", "'", "\0", "\x00\x00",
};

static const char *const keys[] = {
  "", "0", "1", "2", "5", "7", "-1", "-5", "-0", "00", "01", "05", "5 ", " 5", "+5", "1e3",
  "0x1", "1.5", "9223372036854775806", "9223372036854775807", "9223372036854775808",
  "-9223372036854775807", "-9223372036854775808", "-9223372036854775809",
  "99999999999999999999", "-", "x", "X", "BOT_CODE", "MESSAGE", "a.b", "a b", " ", "  ", "\t",
  "__Host-x", "__Secure-x", "[", "[x", "\xc3\xa9", "\xff", "%5B", "%00", "\0",
};

static const char *const base_names[] = {
  "a", "b", "data", "auth", "a.b", "a b", " a", "5", "-1", "05", "__Host-c", "..Host-c",
  "__Secure-s", "x%20y", "\xc3\xa9t\xc3\xa9", "\xff",
};

#define PICK(rand, array) ((array)[g_rand_int_range ((rand), 0, G_N_ELEMENTS (array))])

/* Appends text, percent-encoding some bytes at random as a client might. */
static void
append_maybe_encoded (GRand      *rand,
                      GString    *out,
                      const char *text,
                      gsize       len,
                      double      probability)
{
  for (gsize i = 0; i < len; i++)
    {
      guchar c = text[i];

      if (g_rand_double (rand) < probability)
        g_string_append_printf (out, g_rand_boolean (rand) ? "%%%02X" : "%%%02x", c);
      else
        g_string_append_c (out, c);
    }
}

static void
append_random_value (GRand   *rand,
                     GString *out)
{
  guint n = g_rand_int_range (rand, 0, 5);

  for (guint i = 0; i < n; i++)
    {
      const char *atom = PICK (rand, value_atoms);
      gsize len = strlen (atom);

      /* "\0" and "\x00\x00" are meant as NUL bytes */
      if (len == 0 && atom != value_atoms[0])
        len = atom == value_atoms[G_N_ELEMENTS (value_atoms) - 1] ? 2 : 1;
      append_maybe_encoded (rand, out, atom, len, 0.05);
    }
}

static void
append_key_segment (GRand   *rand,
                    GString *out)
{
  guint r = g_rand_int_range (rand, 0, 100);

  if (r < 25)
    {
      g_string_append (out, "[]");
    }
  else if (r < 88)
    {
      const char *key = PICK (rand, keys);

      g_string_append_c (out, '[');
      if (key == keys[G_N_ELEMENTS (keys) - 1])
        g_string_append_c (out, '\0');
      else
        g_string_append (out, key);
      g_string_append_c (out, ']');
    }
  else if (r < 92)
    {
      g_string_append_c (out, '[');
      g_string_append (out, PICK (rand, keys));
    }
  else if (r < 95)
    {
      g_string_append (out, PICK (rand, keys));
      g_string_append (out, "]");
    }
  else if (r < 97)
    {
      g_string_append (out, "[[x]]");
    }
  else
    {
      g_string_append (out, "[ ]");
    }
}

/* name[k1][k2]...=value */
static void
append_random_pair (GRand   *rand,
                    GString *out,
                    guint    max_depth)
{
  g_autoptr(GString) name = g_string_new (PICK (rand, base_names));
  guint depth = g_rand_int_range (rand, 0, max_depth + 1);
  double encode = 0.0;

  for (guint i = 0; i < depth; i++)
    append_key_segment (rand, name);

  /* http_build_query encodes brackets; some clients encode everything */
  switch (g_rand_int_range (rand, 0, 4))
    {
    case 0:
      encode = 0.0;
      break;
    case 1:
      encode = 0.1;
      break;
    case 2:
      encode = 0.5;
      break;
    default:
      encode = 1.0;
      break;
    }
  append_maybe_encoded (rand, out, name->str, name->len, encode);

  if (g_rand_int_range (rand, 0, 10) != 0)
    {
      g_string_append_c (out, '=');
      append_random_value (rand, out);
    }
}

static GBytes *
random_soup_body (GRand *rand)
{
  GString *out = g_string_new (NULL);
  guint n = g_rand_int_range (rand, 0, 120);

  for (guint i = 0; i < n; i++)
    {
      const char *atom = g_rand_boolean (rand) ? PICK (rand, name_atoms) : PICK (rand, value_atoms);

      g_string_append (out, atom);
      if (g_rand_int_range (rand, 0, 6) == 0)
        g_string_append_c (out, '=');
      if (g_rand_int_range (rand, 0, 6) == 0)
        g_string_append_c (out, '&');
      if (g_rand_int_range (rand, 0, 60) == 0)
        g_string_append_c (out, '\0');
    }

  return g_string_free_to_bytes (out);
}

static GBytes *
random_pairs_body (GRand *rand,
                   guint  min_pairs,
                   guint  max_pairs,
                   guint  max_depth)
{
  GString *out = g_string_new (NULL);
  guint n = g_rand_int_range (rand, min_pairs, max_pairs + 1);

  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append (out, g_rand_int_range (rand, 0, 30) == 0 ? "&&" : "&");
      append_random_pair (rand, out, max_depth);
    }
  if (g_rand_int_range (rand, 0, 10) == 0)
    g_string_append_c (out, '&');

  return g_string_free_to_bytes (out);
}

static GBytes *
random_deep_body (GRand *rand)
{
  GString *out = g_string_new (NULL);
  guint depth = g_rand_int_range (rand, 55, 71);
  const char *top = g_rand_boolean (rand) ? "a" : "a.b";

  if (g_rand_boolean (rand))
    g_string_append_printf (out, "%s[k]=before&z=1&", top);

  g_string_append (out, top);
  for (guint i = 0; i < depth; i++)
    {
      switch (g_rand_int_range (rand, 0, 4))
        {
        case 0:
          g_string_append (out, "[]");
          break;
        case 1:
          g_string_append (out, "%5B%5D");
          break;
        case 2:
          g_string_append_printf (out, "[%u]", g_rand_int_range (rand, 0, 3));
          break;
        default:
          g_string_append (out, "[k]");
          break;
        }
    }
  g_string_append (out, "=deep");

  if (g_rand_boolean (rand))
    g_string_append_printf (out, "&%s[k]=after", top);
  if (g_rand_boolean (rand))
    g_string_append_printf (out, "&%s=plain", top);

  return g_string_free_to_bytes (out);
}

static GBytes *
random_many_vars_body (GRand *rand)
{
  GString *out = g_string_new (NULL);
  guint n = g_rand_int_range (rand, 995, 1007);

  for (guint i = 0; i < n; i++)
    {
      guint r = g_rand_int_range (rand, 0, 100);

      if (i > 0)
        g_string_append_c (out, '&');

      if (r < 3)
        ;                                   /* empty segment */
      else if (r < 5)
        g_string_append (out, "=nameless");
      else if (r < 30)
        g_string_append_printf (out, "list[]=%u", i);
      else if (r < 40)
        g_string_append_printf (out, "dup[%u]=%u", g_rand_int_range (rand, 0, 20), i);
      else if (r < 45)
        g_string_append_printf (out, "noval%u", i);
      else
        g_string_append_printf (out, "v%u=%u", i, i);
    }

  return g_string_free_to_bytes (out);
}

static GBytes *
random_bytes_body (GRand *rand)
{
  GString *out = g_string_new (NULL);
  guint n = g_rand_int_range (rand, 1, 6);

  for (guint i = 0; i < n; i++)
    {
      guint len = g_rand_int_range (rand, 0, 40);

      if (i > 0)
        g_string_append_c (out, '&');
      g_string_append_printf (out, "k%u%s=", i, g_rand_boolean (rand) ? "[]" : "");
      for (guint j = 0; j < len; j++)
        {
          guchar c = g_rand_int_range (rand, 0, 256);

          /* raw '&' and '=' would start another pair; encode them */
          if (c == '&' || c == '=' || c == '%' || g_rand_boolean (rand))
            g_string_append_printf (out, "%%%02x", c);
          else
            g_string_append_c (out, c);
        }
    }

  return g_string_free_to_bytes (out);
}

static GBytes *
random_numeric_keys_body (GRand *rand)
{
  GString *out = g_string_new (NULL);
  guint n = g_rand_int_range (rand, 1, 25);

  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (out, '&');
      if (g_rand_int_range (rand, 0, 3) == 0)
        g_string_append_printf (out, "a[]=%u", i);
      else
        g_string_append_printf (out, "a[%s]=%u", PICK (rand, keys), i);
    }

  return g_string_free_to_bytes (out);
}

/* Runs of names that share prefixes and then differ in every way the
 * decoder's path cache must get right: deeper or shallower levels,
 * appends, a plain value replacing a subtree, unmatched or trailing
 * brackets, the nesting limit, cookie prefixes, other encodings of the
 * same prefix. */
static GBytes *
random_chain_body (GRand *rand)
{
  static const char *const chain_keys[] = {
    "BOT", "567", "AUTH", "PARAMS", "x", "0", "1", "-1", "05", "a b", "a.b", "", " ",
    "__Host-k", "__Secure-k", "k]", "[k", "MESSAGE", "\xc3\xa9", "%5D", "%00",
  };
  static const char *const tops[] = { "data", "a", " a", "a.b", "__Host-d", "__Secure-d", "5" };
  GString *out = g_string_new (NULL);
  g_autoptr(GPtrArray) path = g_ptr_array_new_with_free_func (g_free);
  const char *top = PICK (rand, tops);
  guint n = g_rand_int_range (rand, 5, 40);

  for (guint i = 0; i < 4; i++)
    g_ptr_array_add (path, g_strdup (PICK (rand, chain_keys)));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GString) name = g_string_new (NULL);
      guint keep = g_rand_int_range (rand, 0, path->len + 1);
      guint r = g_rand_int_range (rand, 0, 100);

      /* keep a prefix of the previous path, then add new levels */
      g_ptr_array_set_size (path, keep);
      for (guint j = g_rand_int_range (rand, 0, 4); j > 0; j--)
        g_ptr_array_add (path, g_strdup (g_rand_int_range (rand, 0, 8) == 0 ? "" : PICK (rand, chain_keys)));

      if (g_rand_int_range (rand, 0, 20) == 0)
        top = PICK (rand, tops);
      g_string_append (name, top);
      for (guint j = 0; j < path->len; j++)
        {
          const char *key = g_ptr_array_index (path, j);

          if (*key == '\0' && g_rand_boolean (rand))
            g_string_append (name, "[]");
          else
            g_string_append_printf (name, "[%s]", key);
        }

      if (r < 4)
        g_string_append (name, "[unmatched");
      else if (r < 7)
        g_string_append (name, "trailing");
      else if (r < 9)
        g_string_append (name, "][x]");
      else if (r < 11)
        for (guint j = 0; j < 66; j++)
          g_string_append (name, "[d]");

      if (i > 0)
        g_string_append_c (out, '&');
      /* the same name spelled differently, or not */
      switch (g_rand_int_range (rand, 0, 6))
        {
        case 0:
          append_maybe_encoded (rand, out, name->str, name->len, 0.3);
          break;
        case 1:
          for (gsize j = 0; j < name->len; j++)
            {
              if (name->str[j] == '[')
                g_string_append (out, "%5B");
              else if (name->str[j] == ']')
                g_string_append (out, g_rand_boolean (rand) ? "%5D" : "%5d");
              else
                g_string_append_c (out, name->str[j]);
            }
          break;
        default:
          g_string_append_len (out, name->str, name->len);
          break;
        }
      g_string_append_printf (out, "=%u", i);
    }

  return g_string_free_to_bytes (out);
}

static GBytes *
random_body (GRand *rand,
             guint  index_,
             char **label)
{
  switch (index_ % 10)
    {
    case 0:
    case 1:
      *label = g_strdup_printf ("random %u (soup)", index_);
      return random_soup_body (rand);
    case 2:
      *label = g_strdup_printf ("random %u (shared prefixes)", index_);
      return random_chain_body (rand);
    case 3:
    case 4:
      *label = g_strdup_printf ("random %u (pairs)", index_);
      return random_pairs_body (rand, 1, 40, 5);
    case 5:
      *label = g_strdup_printf ("random %u (deep)", index_);
      return random_deep_body (rand);
    case 6:
      *label = g_strdup_printf ("random %u (bytes)", index_);
      return random_bytes_body (rand);
    case 7:
      if (index_ % 20 == 7)
        {
          *label = g_strdup_printf ("random %u (numeric keys)", index_);
          return random_numeric_keys_body (rand);
        }
      *label = g_strdup_printf ("random %u (shared prefixes)", index_);
      return random_chain_body (rand);
    case 8:
      if (index_ % 40 == 8)
        {
          *label = g_strdup_printf ("random %u (many vars)", index_);
          return random_many_vars_body (rand);
        }
      *label = g_strdup_printf ("random %u (nested pairs)", index_);
      return random_pairs_body (rand, 1, 12, 12);
    default:
      *label = g_strdup_printf ("random %u (bitrix-like)", index_);
      return random_pairs_body (rand, 20, 120, 4);
    }
}

/* }}} */

/* Running PHP {{{ */

static GPtrArray *
collect_bodies (void)
{
  GPtrArray *bodies = g_ptr_array_new_with_free_func (oracle_body_free);
  g_auto(GStrv) fixtures = botbench_test_list_fixtures ();
  g_autofree char *cases_path = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GRand) rand = NULL;
  const char *seed_env = g_getenv ("BOTBENCH_FORM_SEED");
  guint32 seed = seed_env ? (guint32)g_ascii_strtoull (seed_env, NULL, 10) : DEFAULT_SEED;

  for (guint i = 0; fixtures[i] != NULL; i++)
    add_body (bodies, SOURCE_FIXTURE, g_strdup_printf ("fixture %s", fixtures[i]),
              botbench_test_load_fixture (fixtures[i]), NULL);

  cases_path = g_test_build_filename (G_TEST_DIST, "php", "form-cases.txt", NULL);
  g_file_get_contents (cases_path, &contents, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *tab;

      if (lines[i][0] == '#' || lines[i][0] == '\0')
        continue;
      tab = strchr (lines[i], '\t');
      g_assert_nonnull (tab);
      *tab = '\0';
      add_body (bodies, SOURCE_CASE, g_strdup_printf ("form-cases.txt line %u", i + 1),
                unescape_case_body (lines[i]), g_strdup (tab + 1));
    }

  g_test_message ("random seed %u (set BOTBENCH_FORM_SEED to change)", seed);
  rand = g_rand_new_with_seed (seed);
  for (guint i = 0; i < N_RANDOM_BODIES; i++)
    {
      char *label = NULL;
      GBytes *body = random_body (rand, i, &label);

      add_body (bodies, SOURCE_RANDOM, label, body, NULL);
    }

  return bodies;
}

static char *
run_php (GPtrArray *bodies)
{
  g_autoptr(GSubprocess) subprocess = NULL;
  g_autoptr(GBytes) stdout_bytes = NULL;
  g_autoptr(GBytes) stderr_bytes = NULL;
  g_autoptr(GString) input = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *php = NULL;
  g_autofree char *script = NULL;
  g_autofree char *tmp_path = NULL;
  g_auto(GStrv) lines = NULL;
  const char *php_env = g_getenv ("BOTBENCH_PHP");
  const char *stdout_data;
  gsize stdout_len;
  int fd;

  php = g_find_program_in_path (php_env != NULL ? php_env : "php");
  if (php == NULL)
    return g_strdup ("php is not installed (apt install php-cli, or run build-aux/dev test)");

  script = g_test_build_filename (G_TEST_DIST, "php", "form-oracle.php", NULL);
  if (!g_file_test (script, G_FILE_TEST_IS_REGULAR))
    return g_strdup_printf ("%s is missing", script);

  for (guint i = 0; i < bodies->len; i++)
    {
      OracleBody *ob = g_ptr_array_index (bodies, i);
      gsize len;
      const guchar *data = g_bytes_get_data (ob->body, &len);
      g_autofree char *b64 = g_base64_encode (data, len);

      g_string_append (input, b64);
      g_string_append_c (input, '\n');
    }

  if (g_getenv ("BOTBENCH_FORM_DUMP") != NULL)
    {
      g_file_set_contents (g_getenv ("BOTBENCH_FORM_DUMP"), input->str, input->len, &error);
      g_assert_no_error (error);
    }

  fd = g_file_open_tmp ("botbench-form-php-XXXXXX", &tmp_path, &error);
  g_assert_no_error (error);
  close (fd);
  g_file_set_contents (tmp_path, input->str, input->len, &error);
  g_assert_no_error (error);

  /* -n: no php.ini, so the compiled-in defaults apply (those of the
   * stock php.ini too); the oracle script applies max_input_vars = 1000
   * itself, see there */
  subprocess = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                                 &error,
                                 php, "-n",
                                 "-d", "max_input_vars=100000",
                                 "-d", "max_input_nesting_level=64",
                                 "-d", "arg_separator.input=&",
                                 "-d", "memory_limit=1G",
                                 "-d", "display_errors=stderr",
                                 "-d", "error_reporting=0",
                                 script, tmp_path, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate (subprocess, NULL, NULL, &stdout_bytes, &stderr_bytes, &error);
  g_unlink (tmp_path);
  g_assert_no_error (error);

  if (!g_subprocess_get_successful (subprocess))
    {
      gsize len;
      const char *err = g_bytes_get_data (stderr_bytes, &len);

      return g_strdup_printf ("%s failed: %.*s", php, (int)MIN (len, 2000), err ? err : "");
    }

  stdout_data = g_bytes_get_data (stdout_bytes, &stdout_len);
  lines = g_strsplit (stdout_len > 0 ? stdout_data : "", "\n", -1);
  if (g_strv_length (lines) != bodies->len + 1)
    return g_strdup_printf ("php printed %u lines for %u bodies",
                            g_strv_length (lines), bodies->len);

  for (guint i = 0; i < bodies->len; i++)
    {
      OracleBody *ob = g_ptr_array_index (bodies, i);
      guchar *json;
      gsize json_len;

      json = g_base64_decode (lines[i], &json_len);
      ob->php_json = g_realloc (json, json_len + 1);
      ob->php_json[json_len] = '\0';
      if (strlen (ob->php_json) != json_len)
        return g_strdup_printf ("php printed JSON with a NUL byte for %s", ob->label);
    }

  return NULL;
}

static Oracle *
get_oracle (void)
{
  if (oracle == NULL)
    {
      gint64 start = g_get_monotonic_time ();

      oracle = g_new0 (Oracle, 1);
      oracle->bodies = collect_bodies ();
      oracle->error = run_php (oracle->bodies);
      if (oracle->error == NULL)
        g_test_message ("php ran over %u bodies in %.2f s", oracle->bodies->len,
                        (g_get_monotonic_time () - start) / 1e6);
    }

  return oracle;
}

static void
oracle_free (void)
{
  if (oracle == NULL)
    return;

  g_ptr_array_unref (oracle->bodies);
  g_free (oracle->error);
  g_clear_pointer (&oracle, g_free);
}

/* }}} */

/* Tests {{{ */

static void
compare_source (BodySource source)
{
  Oracle *o = get_oracle ();
  guint n_compared = 0;
  guint n_mismatches = 0;

  if (o->error != NULL)
    {
      g_test_fail_printf ("Cannot run the PHP oracle: %s", o->error);
      return;
    }

  for (guint i = 0; i < o->bodies->len; i++)
    {
      OracleBody *ob = g_ptr_array_index (o->bodies, i);
      g_autoptr(BotbenchFormNode) root = NULL;
      g_autofree char *json = NULL;
      gsize len;
      const char *data;

      if (ob->source != source)
        continue;

      data = g_bytes_get_data (ob->body, &len);
      root = botbench_form_decode_urlencoded (data, len);
      json = botbench_form_node_to_json (root);
      n_compared++;

      if (strcmp (json, ob->php_json) != 0)
        {
          if (++n_mismatches <= MAX_REPORTED)
            {
              g_autofree char *body_text = escape_bytes (data, len, 4000);
              g_autofree char *ours = escape_bytes (json, strlen (json), 4000);
              g_autofree char *theirs = escape_bytes (ob->php_json, strlen (ob->php_json), 4000);

              g_test_message ("MISMATCH %s\n  body: %s\n  ours: %s\n  php:  %s",
                              ob->label, body_text, ours, theirs);
            }
        }

      /* the table's expectations are PHP's */
      if (ob->expected != NULL && strcmp (ob->expected, ob->php_json) != 0)
        {
          g_test_message ("%s: expected column differs from php: %s", ob->label, ob->php_json);
          n_mismatches++;
        }
    }

  g_test_message ("%u bodies compared, %u mismatches", n_compared, n_mismatches);
  g_assert_cmpuint (n_compared, >, 0);
  /* not fatal, so that the other groups still run and report */
  if (n_mismatches > 0)
    g_test_fail_printf ("%u of %u bodies decode differently from PHP", n_mismatches, n_compared);
}

static void
test_oracle_fixtures (void)
{
  compare_source (SOURCE_FIXTURE);
}

static void
test_oracle_cases (void)
{
  compare_source (SOURCE_CASE);
}

static void
test_oracle_random (void)
{
  compare_source (SOURCE_RANDOM);
}

static void
test_oracle_size (void)
{
  Oracle *o = get_oracle ();

  if (o->error != NULL)
    {
      g_test_fail_printf ("Cannot run the PHP oracle: %s", o->error);
      return;
    }

  g_assert_cmpuint (o->bodies->len, >=, 500);
}

/* }}} */

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/form-php/size", test_oracle_size);
  g_test_add_func ("/form-php/fixtures", test_oracle_fixtures);
  g_test_add_func ("/form-php/cases", test_oracle_cases);
  g_test_add_func ("/form-php/random", test_oracle_random);

  ret = g_test_run ();
  oracle_free ();

  return ret;
}
