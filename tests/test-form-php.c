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
 * multipart/form-data bodies (the hand-written table
 * tests/fixtures/multipart/cases.txt, generated long ones and seeded random
 * ones: random boundaries and Content-Types, CR/LF mixes, folded and broken
 * headers, quotes and escapes in name=, file parts, fake and cut-off
 * delimiters, truncated bodies, the input-vars, body-parts and upload
 * limits) cannot go through php-cli: PHP only parses them from a real
 * request.  They are POSTed, each as its own request, to the built-in
 * server (php -S on 127.0.0.1, same php-cli package) with a router that
 * prints json_encode($_POST).  Where PHP refuses the Content-Type ($_POST
 * stays empty, with a warning) our decoder returns an error, compared as
 * [].
 *
 * php must be installed (build-aux/dev test installs php-cli); without it
 * the test fails.  BOTBENCH_PHP overrides the interpreter,
 * BOTBENCH_FORM_SEED the random seed; BOTBENCH_FORM_DUMP=FILE keeps the
 * bodies (one base64 line each) for a look with other tools.
 */
#define G_LOG_DOMAIN "test-form-php"

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "botbench-post-decoder.h"
#include "botbench-test-utils.h"

#define DEFAULT_SEED      20240601
#define N_RANDOM_BODIES   800
#define N_RANDOM_MULTIPART 400
#define MAX_REPORTED      10

typedef enum
{
  SOURCE_FIXTURE,
  SOURCE_CASE,
  SOURCE_RANDOM,
  SOURCE_MULTIPART_CASE,
  SOURCE_MULTIPART_LONG,
  SOURCE_MULTIPART_RANDOM,
  N_SOURCES
} BodySource;

typedef struct
{
  BodySource  source;
  char       *label;
  GBytes     *body;
  char       *expected;     /* form-cases.txt, multipart/cases.txt only */
  char       *content_type; /* multipart only; NULL: urlencoded */
  char       *php_json;
} OracleBody;

typedef struct
{
  GPtrArray *bodies;
  char      *error;       /* why php-cli could not be run */
  char      *mp_error;    /* why php -S could not be run */
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
  g_free (ob->content_type);
  g_free (ob->php_json);
  g_free (ob);
}

static OracleBody *
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

  return ob;
}

static void
add_multipart_body (GPtrArray  *bodies,
                    BodySource  source,
                    char       *label,
                    char       *content_type,
                    GBytes     *body,
                    char       *expected)
{
  OracleBody *ob = add_body (bodies, source, label, body, expected);

  ob->content_type = content_type;
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

/* \\ and \xHH; \r and \n too (multipart/cases.txt) */
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
      else if (p[0] == '\\' && (p[1] == 'r' || p[1] == 'n'))
        {
          g_string_append_c (out, p[1] == 'r' ? '\r' : '\n');
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

/* Random multipart bodies {{{ */

/* RFC 2046 bchars, without the space (a trailing one would be stripped
 * from the header by some servers) */
static const char boundary_chars[] =
  "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'()+_-./:=?";

typedef struct
{
  GRand      *rand;
  GString    *out;
  const char *boundary;       /* the one the body is written with */
  const char *eol;            /* the body's usual line ending */
  gboolean    mixed_eol;
} MpGen;

static const char *
mp_eol (MpGen *g)
{
  static const char *const eols[] = { "\r\n", "\n", "\r\r\n", "\n\r" };

  if (g->mixed_eol && g_rand_int_range (g->rand, 0, 4) == 0)
    return PICK (g->rand, eols);
  return g->eol;
}

static char *
random_boundary (GRand *rand)
{
  GString *b = g_string_new (NULL);
  guint r = g_rand_int_range (rand, 0, 100);
  guint len;

  if (r < 3)
    len = 5113 + g_rand_int_range (rand, 0, 5);      /* PHP's limit is 5116 */
  else if (r < 8)
    len = g_rand_int_range (rand, 0, 3);
  else if (r < 20)
    {
      g_string_append (b, "----WebKitFormBoundary");
      len = 16;
    }
  else
    len = g_rand_int_range (rand, 1, 71);

  for (guint i = 0; i < len; i++)
    g_string_append_c (b, boundary_chars[g_rand_int_range (rand, 0, sizeof boundary_chars - 1)]);

  return g_string_free (b, FALSE);
}

/* A Content-Type from which PHP takes boundary (or, now and then, one
 * where it finds something else or nothing) */
static char *
random_content_type (GRand      *rand,
                     const char *boundary,
                     gboolean   *usable)
{
  *usable = TRUE;

  switch (g_rand_int_range (rand, 0, 14))
    {
    case 0:
      return g_strdup_printf ("multipart/form-data; boundary=\"%s\"", boundary);
    case 1:
      return g_strdup_printf ("multipart/form-data; charset=UTF-8; boundary=%s", boundary);
    case 2:
      return g_strdup_printf ("Multipart/Form-Data;BOUNDARY=%s", boundary);
    case 3:
      return g_strdup_printf ("multipart/form-data; boundary=%s; charset=utf-8", boundary);
    case 4:
      return g_strdup_printf ("multipart/form-data; boundary=\"%s\"; x=y", boundary);
    case 5:
      *usable = FALSE;
      switch (g_rand_int_range (rand, 0, 5))
        {
        case 0:
          return g_strdup ("multipart/form-data");
        case 1:
          return g_strdup_printf ("multipart/form-data; boundary=\"%s", boundary);
        case 2:
          return g_strdup_printf ("multipart/form-data; x=\"boundary=q\"; boundary=%s", boundary);
        case 3:
          return g_strdup_printf ("multipart/form-data; boundary=%sx", boundary);
        default:
          return g_strdup_printf ("multipart/form-data\tboundary=%s", boundary);
        }
    default:
      return g_strdup_printf ("multipart/form-data; boundary=%s", boundary);
    }
}

/* name=... as clients write it, and as they should not */
static void
append_name_param (MpGen      *g,
                   const char *param,
                   const char *value,
                   gsize       len)
{
  GString *out = g->out;
  guint r = g_rand_int_range (g->rand, 0, 100);

  if (r < 55)
    {
      g_string_append_printf (out, "%s=\"", param);
      for (gsize i = 0; i < len; i++)
        {
          if (value[i] == '"' || value[i] == '\\')
            g_string_append_c (out, '\\');
          g_string_append_c (out, value[i]);
        }
      g_string_append_c (out, '"');
    }
  else if (r < 65)
    {
      g_string_append_printf (out, "%s=\"", param);
      g_string_append_len (out, value, len);
      g_string_append_c (out, '"');
    }
  else if (r < 78)
    {
      g_string_append_printf (out, "%s=", param);
      g_string_append_len (out, value, len);
    }
  else if (r < 86)
    {
      g_string_append_printf (out, "%s='", param);
      for (gsize i = 0; i < len; i++)
        {
          if (value[i] == '\'')
            g_string_append_c (out, '\\');
          g_string_append_c (out, value[i]);
        }
      g_string_append_c (out, '\'');
    }
  else if (r < 90)
    {
      g_string_append_printf (out, "%s = \"", param);
      g_string_append_len (out, value, len);
      g_string_append_c (out, '"');
    }
  else if (r < 94)
    {
      g_string_append_printf (out, "%c%s=\"", g_ascii_toupper (param[0]), param + 1);
      g_string_append_len (out, value, len);
      g_string_append_c (out, '"');
    }
  else if (r < 97)
    {
      /* unterminated */
      g_string_append_printf (out, "%s=\"", param);
      g_string_append_len (out, value, len);
    }
  else
    {
      g_string_append_printf (out, "%s*=utf-8''", param);
      g_string_append_len (out, value, len);
    }
}

static void
append_random_part_value (MpGen *g,
                          guint  max_atoms)
{
  static const char *const atoms[] = {
    "", "1", "Hello, bot!", "/echo test", "\r\n", "\n", "\r", "\r\n\r\n", "--", "-", "\xc3\xa9",
    "\xff\xfe", "\xe2\x80\xa8", "'", "\"", "\\", ";", "=", "&a=1", "%41",
    "Content-Disposition: form-data; name=\"evil\"", "\t", " ",
  };
  guint n = g_rand_int_range (g->rand, 0, max_atoms + 1);

  for (guint i = 0; i < n; i++)
    {
      guint r = g_rand_int_range (g->rand, 0, 100);

      if (r < 70)
        {
          g_string_append (g->out, PICK (g->rand, atoms));
        }
      else if (r < 74)
        {
          g_string_append_c (g->out, '\0');
        }
      else if (r < 80)
        {
          /* the boundary where it is no delimiter, or a cut-off one */
          static const char *const leads[] = { "\r\n--", "\n--", "--", "x\n--" };
          gsize blen = strlen (g->boundary);

          g_string_append (g->out, PICK (g->rand, leads));
          g_string_append_len (g->out, g->boundary, g_rand_int_range (g->rand, 0, blen + 1));
          if (g_rand_boolean (g->rand))
            g_string_append (g->out, "x");
        }
      else if (r < 83)
        {
          /* a real delimiter line inside the data */
          g_string_append_printf (g->out, "%s--%s%s", mp_eol (g), g->boundary, mp_eol (g));
          if (g_rand_boolean (g->rand))
            g_string_append_printf (g->out, "Content-Disposition: form-data; name=\"inner%u\"%s%s",
                                    g_rand_int_range (g->rand, 0, 9), mp_eol (g), mp_eol (g));
        }
      else if (r < 86)
        {
          /* long enough to cross PHP's 5120-byte buffer */
          guint len = g_rand_int_range (g->rand, 4000, 12000);
          gsize at = g->out->len;

          g_string_set_size (g->out, at + len);
          memset (g->out->str + at, 'a' + g_rand_int_range (g->rand, 0, 26), len);
          if (g_rand_boolean (g->rand))
            g->out->str[at + g_rand_int_range (g->rand, 0, len)] = '\n';
        }
      else
        {
          g_string_append_printf (g->out, "v%u", g_rand_int_range (g->rand, 0, 1000));
        }
    }
}

static void
append_random_name (GRand   *rand,
                    GString *name)
{
  static const char *const special[] = {
    "MAX_FILE_SIZE", "max_file_size", "_charset_", "", " ", "a.b", "a[b", "a]", "[x]", "a[]b",
    "a;b", "a=b", "a b", "\"q\"", "a\\b", "caf\xc3\xa9",
  };

  if (g_rand_int_range (rand, 0, 8) == 0)
    {
      g_string_append (name, PICK (rand, special));
      return;
    }

  g_string_append (name, PICK (rand, base_names));
  for (guint i = g_rand_int_range (rand, 0, 4); i > 0; i--)
    append_key_segment (rand, name);
}

static void
append_random_part (MpGen *g)
{
  GString *out = g->out;
  g_autoptr(GString) name = g_string_new (NULL);
  guint r = g_rand_int_range (g->rand, 0, 100);
  gboolean is_file = r < 18;
  gboolean is_max_file_size = !is_file && r < 22;

  /* the delimiter line, now and then not quite one */
  switch (g_rand_int_range (g->rand, 0, 30))
    {
    case 0:
      g_string_append_printf (out, "--%s \r\n", g->boundary);
      break;
    case 1:
      g_string_append_printf (out, "--%s--%s", g->boundary, mp_eol (g));
      break;
    default:
      g_string_append_printf (out, "--%s%s", g->boundary, mp_eol (g));
      break;
    }

  /* headers */
  if (g_rand_int_range (g->rand, 0, 5) == 0)
    g_string_append_printf (out, "Content-Type: text/plain; charset=UTF-8%s", mp_eol (g));

  if (g_rand_int_range (g->rand, 0, 20) != 0)
    {
      static const char *const cd_names[] = {
        "Content-Disposition", "content-disposition", "CONTENT-DISPOSITION", "Content-Disposition ",
      };

      g_string_append (out, g_rand_int_range (g->rand, 0, 10) == 0 ? PICK (g->rand, cd_names)
                                                                  : "Content-Disposition");
      g_string_append (out, g_rand_int_range (g->rand, 0, 10) == 0 ? ":" : ": ");
      if (g_rand_int_range (g->rand, 0, 10) != 0)
        g_string_append (out, "form-data; ");

      if (is_max_file_size)
        {
          g_string_append (name, g_rand_boolean (g->rand) ? "MAX_FILE_SIZE" : "max_file_size");
        }
      else
        {
          append_random_name (g->rand, name);
          /* our names hold no line breaks unless asked to */
          if (g_rand_int_range (g->rand, 0, 10) != 0)
            {
              g_strdelimit (name->str, "\r\n", '_');
            }
        }

      if (g_rand_int_range (g->rand, 0, 15) != 0)
        append_name_param (g, "name", name->str, name->len);

      if (g_rand_int_range (g->rand, 0, 8) == 0)
        {
          /* folded */
          g_string_append_printf (out, ";%s%s", mp_eol (g), g_rand_boolean (g->rand) ? " " : "\t");
        }
      else if (g_rand_int_range (g->rand, 0, 6) == 0)
        {
          static const char *const extra[] = { "; x=y", ";;", "; name=\"dup\"", "; x=\"a;b\"" };

          g_string_append (out, PICK (g->rand, extra));
        }

      if (is_file)
        {
          static const char *const filenames[] = {
            "a.txt", "", "C:\\dir\\b.png", "../../etc/passwd", "q\"uote", "semi;colon",
          };
          const char *filename = PICK (g->rand, filenames);

          g_string_append (out, "; ");
          append_name_param (g, "filename", filename, strlen (filename));
        }

      if (g_rand_int_range (g->rand, 0, 40) == 0)
        {
          /* a header line longer than PHP's buffer */
          guint len = g_rand_int_range (g->rand, 5000, 11000);

          g_string_append (out, "; pad=\"");
          for (guint i = 0; i < len; i++)
            g_string_append_c (out, i % 97 == 96 ? ';' : 'p');
          g_string_append_c (out, '"');
        }
      g_string_append (out, mp_eol (g));
    }

  if (is_file && g_rand_boolean (g->rand))
    g_string_append_printf (out, "Content-Type: application/octet-stream%s", mp_eol (g));
  if (g_rand_int_range (g->rand, 0, 15) == 0)
    {
      static const char *const odd_lines[] = { "no colon", " folded", "X-A: b", "\tx" };

      g_string_append_printf (out, "%s%s", PICK (g->rand, odd_lines), mp_eol (g));
    }

  g_string_append (out, mp_eol (g));

  /* body */
  if (is_max_file_size)
    {
      static const char *const sizes[] = {
        "0", "1", "3", "100", "5119", "6000", "-1", " 7", "abc", "99999999999999999999", "2097152",
      };

      g_string_append (out, PICK (g->rand, sizes));
    }
  else
    {
      append_random_part_value (g, is_file ? 6 : 4);
    }

  switch (g_rand_int_range (g->rand, 0, 20))
    {
    case 0:
      break;
    case 1:
      g_string_append (out, "\r\r\n");
      break;
    default:
      g_string_append (out, mp_eol (g));
      break;
    }
}

/* Many parts: max_input_vars, max_multipart_body_parts, max_file_uploads */
static void
append_many_parts (MpGen *g)
{
  guint n_fields = g_rand_int_range (g->rand, 985, 1030);
  guint n_files = g_rand_int_range (g->rand, 0, 28);

  for (guint i = 0; i < n_fields + n_files; i++)
    {
      guint r = g_rand_int_range (g->rand, 0, n_fields + n_files);

      if (r < n_files)
        g_string_append_printf (g->out,
                                "--%s\r\nContent-Disposition: form-data; name=\"f%u\"; filename=\"f%u\"\r\n\r\n"
                                "--%s\r\nContent-Disposition: form-data; name=\"in%u\"\r\n\r\n%u\r\n",
                                g->boundary, i, i, g->boundary, i, i);
      else if (r % 50 == 0)
        g_string_append_printf (g->out, "--%s\r\nContent-Type: text/plain\r\n\r\n%u\r\n", g->boundary, i);
      else
        g_string_append_printf (g->out, "--%s\r\nContent-Disposition: form-data; name=\"%s%u\"\r\n\r\n%u\r\n",
                                g->boundary, r % 3 == 0 ? "l[]" : "v", i, i);
    }
}

static GBytes *
random_multipart_body (GRand  *rand,
                       guint   index_,
                       char  **content_type,
                       char  **label)
{
  g_autofree char *boundary = random_boundary (rand);
  GString *out = g_string_new (NULL);
  gboolean usable;
  MpGen g;
  guint r;

  *content_type = random_content_type (rand, boundary, &usable);

  g.rand = rand;
  g.out = out;
  g.boundary = boundary;
  r = g_rand_int_range (rand, 0, 100);
  g.eol = r < 75 ? "\r\n" : r < 95 ? "\n" : "\r\r\n";
  g.mixed_eol = g_rand_int_range (rand, 0, 10) == 0;

  if (g_rand_int_range (rand, 0, 10) == 0)
    {
      g_string_append_printf (out, "This is a preamble.%s--%sx%s", g.eol, boundary, g.eol);
      append_random_part_value (&g, 3);
      g_string_append (out, g.eol);
    }

  if (index_ % 25 == 3)
    {
      append_many_parts (&g);
      *label = g_strdup_printf ("random multipart %u (many parts)", index_);
    }
  else
    {
      guint n = g_rand_int_range (rand, 0, 12);

      for (guint i = 0; i < n; i++)
        append_random_part (&g);
      *label = g_strdup_printf ("random multipart %u", index_);
    }

  switch (g_rand_int_range (rand, 0, 10))
    {
    case 0:
      break;
    case 1:
      g_string_append_printf (out, "--%s--", boundary);
      break;
    case 2:
      g_string_append_printf (out, "--%s--%sepilogue%s--%s%s", boundary, g.eol, g.eol, boundary, g.eol);
      break;
    default:
      g_string_append_printf (out, "--%s--%s", boundary, g.eol);
      break;
    }

  /* cut short */
  if (out->len > 0 && g_rand_int_range (rand, 0, 8) == 0)
    g_string_truncate (out, g_rand_int_range (rand, 0, out->len));

  if (!usable)
    {
      char *old = *label;

      *label = g_strconcat (old, " (Content-Type PHP refuses or misreads)", NULL);
      g_free (old);
    }

  return g_string_free_to_bytes (out);
}

/* Deterministic bodies around PHP's 5120-byte buffer and its limits */
static void
add_long_multipart_bodies (GPtrArray *bodies)
{
  static const guint delim_at[] = { 5110, 5116, 5117, 5118, 5119, 5120, 5121, 5122, 10236, 10238, 10240 };
  static const guint blens[] = { 1, 40, 5114, 5115, 5116, 5117 };

  /* a value whose end (and the CR before it) falls around the buffer's edge */
  for (guint i = 0; i < G_N_ELEMENTS (delim_at); i++)
    for (guint cr = 0; cr < 2; cr++)
      {
        GString *out = g_string_new ("--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n");
        gsize start = out->len;

        g_string_set_size (out, start + delim_at[i]);
        memset (out->str + start, 'x', delim_at[i]);
        if (cr)
          out->str[out->len - 1] = '\r';
        g_string_append (out, "\n--b\r\nContent-Disposition: form-data; name=\"c\"\r\n\r\n3\r\n--b--\r\n");
        add_multipart_body (bodies, SOURCE_MULTIPART_LONG,
                            g_strdup_printf ("value of %u bytes%s", delim_at[i], cr ? " ending in CR" : ""),
                            g_strdup ("multipart/form-data; boundary=b"), g_string_free_to_bytes (out), NULL);
      }

  /* long boundaries (the limit is 5116) with long values and fake delimiters */
  for (guint i = 0; i < G_N_ELEMENTS (blens); i++)
    {
      g_autofree char *b = g_strnfill (blens[i], 'B');
      g_autofree char *fake = g_strndup (b, blens[i] - 1);
      GString *out = g_string_new (NULL);

      g_string_append_printf (out, "--%s\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n", b);
      for (guint j = 0; j < 6000; j++)
        g_string_append_c (out, j % 100 == 99 ? '\n' : 'v');
      g_string_append_printf (out, "\r\n--%sC\r\n--%s\r\n"
                              "Content-Disposition: form-data; name=\"c\"\r\n\r\n3\r\n--%s--\r\n",
                              fake, b, b);
      add_multipart_body (bodies, SOURCE_MULTIPART_LONG, g_strdup_printf ("boundary of %u bytes", blens[i]),
                          g_strdup_printf ("multipart/form-data; boundary=%s", b), g_string_free_to_bytes (out), NULL);
    }

  /* header lines longer than the buffer come in pieces */
  for (guint pad = 5060; pad < 5140; pad += 7)
    {
      GString *out = g_string_new ("--b\r\nContent-Disposition: form-data; x=\"");

      for (guint j = 0; j < pad; j++)
        g_string_append_c (out, j % 10 == 9 ? ';' : 'p');
      g_string_append (out, "\"; name=\"a\"; y=name:z\r\n\r\n1\r\n--b\r\n");
      for (guint j = 0; j < pad; j++)
        g_string_append_c (out, 'q');
      g_string_append (out, "--b\r\nContent-Disposition: form-data; name=\"c\"\r\n\r\n3\r\n--b--\r\n");
      add_multipart_body (bodies, SOURCE_MULTIPART_LONG,
                          g_strdup_printf ("header line with %u bytes of padding", pad),
                          g_strdup ("multipart/form-data; boundary=b"), g_string_free_to_bytes (out), NULL);
    }

  /* MAX_FILE_SIZE stops reading a file part (after one more piece of
   * at most 5119 bytes); the rest of it is searched for delimiter lines,
   * from wherever the reading stopped */
  {
    static const char *const limits[] = { "1", "5119", "5120", "10238", "-5", "0", "abc" };
    static const guint pads[] = { 5117, 5118, 5119, 5120, 5121, 10237, 10238 };

    for (guint i = 0; i < G_N_ELEMENTS (limits); i++)
      for (guint j = 0; j < G_N_ELEMENTS (pads); j++)
        {
          GString *out = g_string_new (NULL);
          gsize start;

          g_string_append_printf (out, "--b\r\nContent-Disposition: form-data; name=\"MAX_FILE_SIZE\"\r\n\r\n%s\r\n"
                                  "--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"f\"\r\n\r\n",
                                  limits[i]);
          start = out->len;
          g_string_set_size (out, start + pads[j]);
          memset (out->str + start, 'x', pads[j]);
          g_string_append (out, "--b\r\nContent-Disposition: form-data; name=\"evil\"\r\n\r\nE\r\n"
                           "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--b--\r\n");
          add_multipart_body (bodies, SOURCE_MULTIPART_LONG,
                              g_strdup_printf ("MAX_FILE_SIZE %s, file of %u bytes", limits[i], pads[j]),
                              g_strdup ("multipart/form-data; boundary=b"), g_string_free_to_bytes (out), NULL);
        }
  }
  /* the same for upload_max_filesize (2M): 410 pieces of 5119 bytes go
   * over it, PHP reads a 411th */
  {
    static const guint pads[] = { 2098790, 2103909, 2103910 };

    for (guint j = 0; j < G_N_ELEMENTS (pads); j++)
      {
        GString *out = g_string_new ("--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"big\"\r\n\r\n");
        gsize start = out->len;

        g_string_set_size (out, start + pads[j]);
        memset (out->str + start, 'x', pads[j]);
        g_string_append (out, "--b\r\nContent-Disposition: form-data; name=\"evil\"\r\n\r\nE\r\n"
                         "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--b--\r\n");
        add_multipart_body (bodies, SOURCE_MULTIPART_LONG,
                            g_strdup_printf ("file of %u bytes, over upload_max_filesize", pads[j]),
                            g_strdup ("multipart/form-data; boundary=b"), g_string_free_to_bytes (out), NULL);
      }
  }
}

/* }}} */

/* PHP's built-in server for multipart bodies {{{ */

/* $_POST of one real request; base64 keeps the reply byte-exact */
static const char php_router[] =
  "<?php\n"
  "/* written by test-form-php.c */\n"
  "echo base64_encode(json_encode($_POST, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES\n"
  "    | JSON_INVALID_UTF8_SUBSTITUTE));\n";

typedef struct
{
  GSubprocess *process;
  char        *dir;
  guint16      port;
} PhpServer;

/* php -S goes away with us, even if we crash */
static void
php_server_child_setup (gpointer user_data)
{
#ifdef __linux__
  prctl (PR_SET_PDEATHSIG, SIGKILL);
#endif
}

static guint16
pick_free_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  if (socket == NULL || !g_socket_bind (socket, any_port, FALSE, NULL) ||
      (bound = g_socket_get_local_address (socket, NULL)) == NULL)
    return 0;

  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* One POST over its own connection; the $_POST JSON, or NULL and error */
static char *
php_server_post (PhpServer   *server,
                 const char  *content_type,
                 GBytes      *body,
                 char       **error_out)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GByteArray) reply = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *head = NULL;
  g_autofree char *b64 = NULL;
  GInputStream *in;
  GOutputStream *out;
  const char *data;
  const char *sep;
  guchar *json;
  gsize json_len;
  gsize len;
  guchar buf[65536];
  gssize n;

  g_socket_client_set_timeout (client, 60);
  connection = g_socket_client_connect_to_host (client, "127.0.0.1", server->port, NULL, &error);
  if (connection == NULL)
    goto fail;

  data = g_bytes_get_data (body, &len);
  head = g_strdup_printf ("POST /router.php HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: %s\r\n"
                          "Content-Length: %" G_GSIZE_FORMAT "\r\nConnection: close\r\n\r\n",
                          content_type, len);
  out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  if (!g_output_stream_write_all (out, head, strlen (head), NULL, NULL, &error) ||
      (len > 0 && !g_output_stream_write_all (out, data, len, NULL, NULL, &error)))
    goto fail;

  while ((n = g_input_stream_read (in, buf, sizeof buf, NULL, &error)) > 0)
    g_byte_array_append (reply, buf, n);
  if (n < 0)
    goto fail;

  g_byte_array_append (reply, (const guint8 *)"", 1);
  sep = strstr ((const char *)reply->data, "\r\n\r\n");
  if (!g_str_has_prefix ((const char *)reply->data, "HTTP/1.1 200") || sep == NULL)
    {
      *error_out = g_strdup_printf ("php -S answered: %.200s", (const char *)reply->data);
      return NULL;
    }

  b64 = g_strdup (sep + 4);
  json = g_base64_decode (g_strstrip (b64), &json_len);
  json = g_realloc (json, json_len + 1);
  json[json_len] = '\0';
  if (strlen ((const char *)json) != json_len)
    {
      g_free (json);
      *error_out = g_strdup ("php printed JSON with a NUL byte");
      return NULL;
    }

  return (char *)json;

fail:
  *error_out = g_strdup_printf ("POST to php -S: %s", error->message);
  return NULL;
}

static gboolean
php_server_is_up (PhpServer *server)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;

  connection = g_socket_client_connect_to_host (client, "127.0.0.1", server->port, NULL, NULL);
  return connection != NULL;
}

static void
php_server_stop (PhpServer *server)
{
  if (server->process != NULL)
    {
      g_subprocess_force_exit (server->process);
      g_subprocess_wait (server->process, NULL, NULL);
      g_clear_object (&server->process);
    }
  if (server->dir != NULL)
    {
      botbench_test_rm_rf (server->dir);
      g_clear_pointer (&server->dir, g_free);
    }
}

/* php -S with the php.ini defaults that shape $_POST set explicitly */
static char *
php_server_start (PhpServer *server)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *php = NULL;
  g_autofree char *router = NULL;
  g_autofree char *upload_dir = NULL;
  const char *php_env = g_getenv ("BOTBENCH_PHP");

  php = g_find_program_in_path (php_env != NULL ? php_env : "php");
  if (php == NULL)
    return g_strdup ("php is not installed (apt install php-cli, or run build-aux/dev test)");

  server->dir = botbench_test_make_tmp_dir ();
  router = g_build_filename (server->dir, "router.php", NULL);
  g_file_set_contents (router, php_router, -1, &error);
  g_assert_no_error (error);
  upload_dir = g_strdup_printf ("upload_tmp_dir=%s", server->dir);

  /* another process may take the port between pick_free_port() and php */
  for (guint attempt = 0; attempt < 5; attempt++)
    {
      g_autoptr(GSubprocessLauncher) launcher = NULL;
      g_autofree char *listen = NULL;
      gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

      server->port = pick_free_port ();
      if (server->port == 0)
        continue;
      listen = g_strdup_printf ("127.0.0.1:%u", server->port);

      launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                            G_SUBPROCESS_FLAGS_STDERR_SILENCE);
      g_subprocess_launcher_set_cwd (launcher, server->dir);
      g_subprocess_launcher_set_child_setup (launcher, php_server_child_setup, NULL, NULL);
      g_subprocess_launcher_unsetenv (launcher, "PHP_CLI_SERVER_WORKERS");
      g_subprocess_launcher_unsetenv (launcher, "PHP_INI_SCAN_DIR");
      server->process = g_subprocess_launcher_spawn (launcher, &error,
                                                     php, "-n",
                                                     "-d", "max_input_vars=1000",
                                                     "-d", "max_input_nesting_level=64",
                                                     "-d", "file_uploads=1",
                                                     "-d", "upload_max_filesize=2M",
                                                     "-d", "max_file_uploads=20",
                                                     "-d", "max_multipart_body_parts=-1",
                                                     "-d", "post_max_size=8M",
                                                     "-d", "memory_limit=256M",
                                                     "-d", upload_dir,
                                                     "-d", "display_errors=0",
                                                     "-d", "log_errors=0",
                                                     "-S", listen, router, NULL);
      if (server->process == NULL)
        return g_strdup_printf ("Cannot start php -S: %s", error->message);

      while (g_get_monotonic_time () < deadline && !php_server_is_up (server))
        g_usleep (20 * 1000);
      if (php_server_is_up (server))
        return NULL;

      g_subprocess_force_exit (server->process);
      g_subprocess_wait (server->process, NULL, NULL);
      g_clear_object (&server->process);
    }

  return g_strdup ("php -S did not start listening on 127.0.0.1");
}

/* Fills php_json for every multipart body */
static char *
run_php_server (GPtrArray *bodies)
{
  PhpServer server = { NULL, NULL, 0 };
  char *error = php_server_start (&server);

  for (guint i = 0; error == NULL && i < bodies->len; i++)
    {
      OracleBody *ob = g_ptr_array_index (bodies, i);

      if (ob->content_type == NULL)
        continue;

      ob->php_json = php_server_post (&server, ob->content_type, ob->body, &error);
      if (error != NULL)
        {
          char *with_label = g_strdup_printf ("%s: %s", ob->label, error);

          g_free (error);
          error = with_label;
        }
    }

  php_server_stop (&server);

  return error;
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

  /* multipart: CONTENT-TYPE <TAB> BODY <TAB> EXPECTED */
  g_clear_pointer (&cases_path, g_free);
  g_clear_pointer (&contents, g_free);
  g_clear_pointer (&lines, g_strfreev);
  cases_path = g_test_build_filename (G_TEST_DIST, "fixtures", "multipart", "cases.txt", NULL);
  g_file_get_contents (cases_path, &contents, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(GBytes) content_type = NULL;
      char *tab;
      char *tab2;

      if (lines[i][0] == '#' || lines[i][0] == '\0')
        continue;
      tab = strchr (lines[i], '\t');
      g_assert_nonnull (tab);
      tab2 = strchr (tab + 1, '\t');
      g_assert_nonnull (tab2);
      *tab = '\0';
      *tab2 = '\0';
      content_type = unescape_case_body (lines[i]);
      add_multipart_body (bodies, SOURCE_MULTIPART_CASE, g_strdup_printf ("multipart/cases.txt line %u", i + 1),
                          g_strndup (g_bytes_get_data (content_type, NULL), g_bytes_get_size (content_type)),
                          unescape_case_body (tab + 1), g_strdup (tab2 + 1));
    }

  add_long_multipart_bodies (bodies);

  for (guint i = 0; i < N_RANDOM_MULTIPART; i++)
    {
      char *label = NULL;
      char *content_type = NULL;
      GBytes *body = random_multipart_body (rand, i, &content_type, &label);

      add_multipart_body (bodies, SOURCE_MULTIPART_RANDOM, label, content_type, body, NULL);
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
  guint n_urlencoded = 0;
  guint line = 0;
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
      g_autofree char *b64 = NULL;

      if (ob->content_type != NULL)
        continue;

      b64 = g_base64_encode (data, len);
      g_string_append (input, b64);
      g_string_append_c (input, '\n');
      n_urlencoded++;
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
  if (g_strv_length (lines) != n_urlencoded + 1)
    return g_strdup_printf ("php printed %u lines for %u bodies",
                            g_strv_length (lines), n_urlencoded);

  for (guint i = 0; i < bodies->len; i++)
    {
      OracleBody *ob = g_ptr_array_index (bodies, i);
      guchar *json;
      gsize json_len;

      if (ob->content_type != NULL)
        continue;

      json = g_base64_decode (lines[line++], &json_len);
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
        g_test_message ("php ran over the urlencoded bodies in %.2f s",
                        (g_get_monotonic_time () - start) / 1e6);
      start = g_get_monotonic_time ();
      oracle->mp_error = run_php_server (oracle->bodies);
      if (oracle->mp_error == NULL)
        g_test_message ("php -S took the multipart bodies in %.2f s",
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
  g_free (oracle->mp_error);
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

  if (o->error != NULL && source < SOURCE_MULTIPART_CASE)
    {
      g_test_fail_printf ("Cannot run the PHP oracle: %s", o->error);
      return;
    }
  if (o->mp_error != NULL && source >= SOURCE_MULTIPART_CASE)
    {
      g_test_fail_printf ("Cannot run the PHP oracle (php -S): %s", o->mp_error);
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
      if (ob->content_type != NULL)
        {
          g_autoptr(GError) error = NULL;

          /* where PHP refuses the Content-Type, $_POST stays empty */
          root = botbench_post_decode (data, len, ob->content_type, &error);
          g_assert_true ((root == NULL) == (error != NULL));
          json = root != NULL ? botbench_form_node_to_json (root) : g_strdup ("[]");
        }
      else
        {
          root = botbench_post_decode_urlencoded (data, len);
          json = botbench_form_node_to_json (root);
        }
      n_compared++;

      if (strcmp (json, ob->php_json) != 0)
        {
          if (++n_mismatches <= MAX_REPORTED)
            {
              g_autofree char *body_text = escape_bytes (data, len, 4000);
              g_autofree char *ours = escape_bytes (json, strlen (json), 4000);
              g_autofree char *theirs = escape_bytes (ob->php_json, strlen (ob->php_json), 4000);

              g_test_message ("MISMATCH %s%s%s\n  body: %s\n  ours: %s\n  php:  %s",
                              ob->label, ob->content_type ? "\n  content type: " : "",
                              ob->content_type ? ob->content_type : "", body_text, ours, theirs);
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
test_oracle_multipart_cases (void)
{
  compare_source (SOURCE_MULTIPART_CASE);
}

static void
test_oracle_multipart_long (void)
{
  compare_source (SOURCE_MULTIPART_LONG);
}

static void
test_oracle_multipart_random (void)
{
  compare_source (SOURCE_MULTIPART_RANDOM);
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

  g_assert_cmpuint (o->bodies->len, >=, 500 + N_RANDOM_MULTIPART);
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
  g_test_add_func ("/form-php/multipart/cases", test_oracle_multipart_cases);
  g_test_add_func ("/form-php/multipart/long", test_oracle_multipart_long);
  g_test_add_func ("/form-php/multipart/random", test_oracle_multipart_random);

  ret = g_test_run ();
  oracle_free ();

  return ret;
}
