/* bench-decoder.c: form decoder throughput, ours vs php-cli
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Decodes the same bodies (the event fixtures plus a generated mix) with
 * botbench_post_decode_urlencoded () + botbench_form_node_to_json () and
 * with PHP's parse_str () + json_encode (), timed inside PHP with hrtime()
 * so that process start-up is not counted, and prints bodies per second
 * and the ratio.  Prints figures only; it asserts nothing.
 *
 * Usage: bench-decoder [FIXTURES_DIR]   (default: $BOTBENCH_FIXTURES_DIR,
 * then tests/fixtures next to the source tree).  BOTBENCH_PHP names the
 * PHP interpreter.
 */
#define G_LOG_DOMAIN "bench-decoder"

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "botbench-post-decoder.h"

#define N_GENERATED   400
/* Each side runs N_ROUNDS rounds of at least ROUND_SECONDS over the whole
 * set and keeps its best round, which filters out a busy machine. */
#define N_ROUNDS      9
#define ROUND_SECONDS 0.2

static const char php_script[] =
  "<?php\n"
  "$bodies = [];\n"
  "foreach (file($argv[1], FILE_IGNORE_NEW_LINES) as $line) {\n"
  "    $bodies[] = base64_decode($line);\n"
  "}\n"
  "$flags = JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE;\n"
  "$best = 0.0;\n"
  "for ($round = 0; $round < (int) $argv[3]; $round++) {\n"
  "    $bytes = 0;\n"
  "    $n = 0;\n"
  "    $start = hrtime(true);\n"
  "    do {\n"
  "        foreach ($bodies as $body) {\n"
  "            parse_str($body, $out);\n"
  "            $bytes += strlen(json_encode($out, $flags));\n"
  "        }\n"
  "        $n += count($bodies);\n"
  "        $elapsed = (hrtime(true) - $start) / 1e9;\n"
  "    } while ($elapsed < (float) $argv[2]);\n"
  "    $best = max($best, $n / $elapsed);\n"
  "}\n"
  "printf(\"%.3f %d\\n\", $best, $bytes / $n);\n";

static const char *const words[] = {
  "Hello", "bot", "/echo", "test", "Svetlana", "Ivanova", "https://example.bitrix24.com/rest/",
  "Привет", "мир", "😀", "a&b", "x=y", "100%", "line\nbreak", "tab\there", "\"quoted\"",
};

static const char *const params[] = {
  "MESSAGE", "TEMPLATE_ID", "MESSAGE_TYPE", "FROM_USER_ID", "DIALOG_ID", "TO_CHAT_ID",
  "AUTHOR_ID", "SYSTEM", "TO_USER_ID", "PUSH", "CHAT_TYPE", "LANGUAGE", "MESSAGE_ID",
};

/* Helpers {{{ */

static char *
find_fixtures_dir (const char *argv0,
                   const char *arg)
{
  g_autofree char *exe_dir = NULL;
  const char *env = g_getenv ("BOTBENCH_FIXTURES_DIR");
  const char *const relative[] = {
    "tests/fixtures", "../tests/fixtures", "../../tests/fixtures", "../../../tests/fixtures",
  };

  if (arg != NULL)
    return g_strdup (arg);
  if (env != NULL)
    return g_strdup (env);

  exe_dir = g_path_get_dirname (argv0);
  for (guint i = 0; i < G_N_ELEMENTS (relative); i++)
    {
      g_autofree char *from_cwd = g_strdup (relative[i]);
      g_autofree char *from_exe = g_build_filename (exe_dir, relative[i], NULL);
      g_autofree char *probe_cwd = g_build_filename (from_cwd, "events", NULL);
      g_autofree char *probe_exe = g_build_filename (from_exe, "events", NULL);

      if (g_file_test (probe_cwd, G_FILE_TEST_IS_DIR))
        return g_steal_pointer (&from_cwd);
      if (g_file_test (probe_exe, G_FILE_TEST_IS_DIR))
        return g_steal_pointer (&from_exe);
    }

  return NULL;
}

static guint
load_fixtures (GPtrArray  *bodies,
               const char *fixtures_dir)
{
  g_autofree char *events = g_build_filename (fixtures_dir, "events", NULL);
  g_autoptr(GDir) dir = g_dir_open (events, 0, NULL);
  const char *name;
  guint n = 0;

  if (dir == NULL)
    return 0;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      char *contents;
      gsize len;

      if (!g_str_has_suffix (name, ".form"))
        continue;
      path = g_build_filename (events, name, NULL);
      if (g_file_get_contents (path, &contents, &len, NULL))
        {
          g_ptr_array_add (bodies, g_bytes_new_take (contents, len));
          n++;
        }
    }

  return n;
}

static void
append_encoded (GString    *out,
                const char *text)
{
  g_autofree char *escaped = g_uri_escape_string (text, NULL, TRUE);

  g_string_append (out, escaped);
}

/* Bitrix24-like events: http_build_query() of nested arrays */
static GBytes *
generate_event (GRand *rand,
                guint  n)
{
  GString *out = g_string_new ("event=ONIMBOTMESSAGEADD&event_handler_id=403");
  guint bot_id = g_rand_int_range (rand, 1, 100000);
  guint n_params = g_rand_int_range (rand, 5, G_N_ELEMENTS (params));

  for (guint i = 0; i < 13; i++)
    g_string_append_printf (out, "&data%%5BBOT%%5D%%5B%u%%5D%%5Bfield_%u%%5D=%x%x",
                            bot_id, i, g_rand_int (rand), g_rand_int (rand));
  for (guint i = 0; i < 13; i++)
    g_string_append_printf (out, "&data%%5BBOT%%5D%%5B%u%%5D%%5BAUTH%%5D%%5Bfield_%u%%5D=%x",
                            bot_id, i, g_rand_int (rand));
  for (guint i = 0; i < n_params; i++)
    {
      g_string_append_printf (out, "&data%%5BPARAMS%%5D%%5B%s%%5D=", params[i]);
      for (guint w = 0, nw = g_rand_int_range (rand, 1, 6); w < nw; w++)
        {
          if (w > 0)
            g_string_append_c (out, '+');
          append_encoded (out, words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))]);
        }
    }
  if (n % 3 == 0)
    for (guint i = 0; i < 4; i++)
      g_string_append_printf (out, "&data%%5BPARAMS%%5D%%5BFILES%%5D%%5B%u%%5D%%5Bname%%5D=file%u.png",
                              g_rand_int_range (rand, 1, 1000000), i);
  g_string_append_printf (out, "&data%%5BUSER%%5D%%5BID%%5D=%u&data%%5BUSER%%5D%%5BNAME%%5D=Svetlana+Ivanova"
                          "&ts=%u&auth%%5Bdomain%%5D=example.bitrix24.com&auth%%5Bmember_id%%5D=%x",
                          g_rand_int_range (rand, 1, 1000), g_rand_int (rand), g_rand_int (rand));

  return g_string_free_to_bytes (out);
}

/* Small and odd bodies: lists, dots, escapes, invalid UTF-8 */
static GBytes *
generate_small (GRand *rand,
                guint  n)
{
  GString *out = g_string_new (NULL);
  guint n_pairs = g_rand_int_range (rand, 1, 12);

  for (guint i = 0; i < n_pairs; i++)
    {
      if (i > 0)
        g_string_append_c (out, '&');
      switch ((n + i) % 5)
        {
        case 0:
          g_string_append_printf (out, "list[]=%u", g_rand_int (rand));
          break;
        case 1:
          g_string_append_printf (out, "a.b[c][%u]=x%%ffy", i);
          break;
        case 2:
          g_string_append (out, "name=");
          append_encoded (out, words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))]);
          break;
        case 3:
          g_string_append_printf (out, "m[%d][]=%%e2%%80%%a8", g_rand_int_range (rand, -2, 3));
          break;
        default:
          g_string_append_printf (out, "k%u=v%u", i, i);
          break;
        }
    }

  return g_string_free_to_bytes (out);
}

/* }}} */

/* Best rate in bodies per second; *json_bytes per body */
static double
bench_ours (GPtrArray *bodies,
            guint64   *json_bytes)
{
  double best = 0.0;

  for (guint round = 0; round < N_ROUNDS; round++)
    {
      gint64 start = g_get_monotonic_time ();
      double elapsed;
      guint64 n = 0;
      guint64 bytes = 0;

      do
        {
          for (guint i = 0; i < bodies->len; i++)
            {
              gsize len;
              const char *data = g_bytes_get_data (g_ptr_array_index (bodies, i), &len);
              BotbenchFormNode *root = botbench_post_decode_urlencoded (data, len);
              char *json = botbench_form_node_to_json (root);

              bytes += strlen (json);
              g_free (json);
              botbench_form_node_unref (root);
            }
          n += bodies->len;
          elapsed = (g_get_monotonic_time () - start) / 1e6;
        }
      while (elapsed < ROUND_SECONDS);

      best = MAX (best, n / elapsed);
      *json_bytes = bytes / n;
    }

  return best;
}

/* Best rate of php-cli, timed inside PHP; 0 if php cannot be run */
static double
bench_php (GPtrArray *bodies,
           guint64   *json_bytes)
{
  g_autoptr(GSubprocess) subprocess = NULL;
  g_autoptr(GBytes) stdout_bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) input = g_string_new (NULL);
  g_autofree char *php = NULL;
  g_autofree char *script_path = NULL;
  g_autofree char *bodies_path = NULL;
  g_autofree char *seconds = NULL;
  g_autofree char *rounds = g_strdup_printf ("%u", N_ROUNDS);
  g_autofree char *output = NULL;
  const char *php_env = g_getenv ("BOTBENCH_PHP");
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  double rate = 0.0;
  int fd;

  php = g_find_program_in_path (php_env != NULL ? php_env : "php");
  if (php == NULL)
    {
      g_printerr ("php not found; install php-cli for the comparison\n");
      return 0.0;
    }

  seconds = g_strdup (g_ascii_dtostr (buf, sizeof buf, ROUND_SECONDS));

  for (guint i = 0; i < bodies->len; i++)
    {
      gsize len;
      const guchar *data = g_bytes_get_data (g_ptr_array_index (bodies, i), &len);
      g_autofree char *b64 = g_base64_encode (data, len);

      g_string_append_printf (input, "%s\n", b64);
    }

  if ((fd = g_file_open_tmp ("bench-decoder-XXXXXX.php", &script_path, &error)) < 0)
    goto out;
  close (fd);
  if ((fd = g_file_open_tmp ("bench-decoder-XXXXXX.txt", &bodies_path, &error)) < 0)
    goto out;
  close (fd);
  if (!g_file_set_contents (script_path, php_script, -1, &error) ||
      !g_file_set_contents (bodies_path, input->str, input->len, &error))
    goto out;

  subprocess = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                                 php, "-n", "-d", "max_input_vars=100000",
                                 "-d", "memory_limit=1G", "-d", "error_reporting=0",
                                 script_path, bodies_path, seconds, rounds, NULL);
  if (subprocess == NULL ||
      !g_subprocess_communicate (subprocess, NULL, NULL, &stdout_bytes, NULL, &error))
    goto out;

  output = g_strndup (g_bytes_get_data (stdout_bytes, NULL), g_bytes_get_size (stdout_bytes));
  if (sscanf (output, "%lf %" G_GUINT64_FORMAT, &rate, json_bytes) != 2)
    {
      g_printerr ("Unexpected output from php: %s\n", output);
      rate = 0.0;
    }

out:
  if (error != NULL)
    g_printerr ("Cannot run php: %s\n", error->message);
  if (script_path != NULL)
    g_unlink (script_path);
  if (bodies_path != NULL)
    g_unlink (bodies_path);

  return rate;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GPtrArray) bodies = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  g_autoptr(GPtrArray) fixtures = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  g_autofree char *fixtures_dir = NULL;
  guint64 total_bytes = 0;
  guint n_fixtures;
  struct
  {
    const char *name;
    GPtrArray  *set;
  } sets[2];

  setlocale (LC_ALL, "");

  fixtures_dir = find_fixtures_dir (argv[0], argc > 1 ? argv[1] : NULL);
  n_fixtures = fixtures_dir ? load_fixtures (fixtures, fixtures_dir) : 0;
  if (n_fixtures == 0)
    g_printerr ("No fixtures found (pass the tests/fixtures directory); using generated bodies only\n");

  for (guint i = 0; i < fixtures->len; i++)
    g_ptr_array_add (bodies, g_bytes_ref (g_ptr_array_index (fixtures, i)));
  for (guint i = 0; i < N_GENERATED; i++)
    g_ptr_array_add (bodies, i % 2 == 0 ? generate_event (rand, i) : generate_small (rand, i));
  for (guint i = 0; i < bodies->len; i++)
    total_bytes += g_bytes_get_size (g_ptr_array_index (bodies, i));

  g_print ("Corpus: %u fixtures + %u generated bodies, %" G_GUINT64_FORMAT " bytes, %.0f bytes/body\n\n",
           n_fixtures, N_GENERATED, total_bytes, (double)total_bytes / bodies->len);

  sets[0].name = "fixtures";
  sets[0].set = fixtures;
  sets[1].name = "fixtures + generated mix";
  sets[1].set = bodies;

  g_print ("Best of %u rounds of %.1f s each, decode + to_json (php: parse_str + json_encode)\n\n",
           N_ROUNDS, ROUND_SECONDS);

  for (guint s = 0; s < G_N_ELEMENTS (sets); s++)
    {
      guint64 json_ours = 0;
      guint64 json_php = 0;
      double rate_ours;
      double rate_php;

      if (sets[s].set->len == 0)
        continue;

      g_print ("%s (%u bodies):\n", sets[s].name, sets[s].set->len);

      rate_ours = bench_ours (sets[s].set, &json_ours);
      g_print ("  botbench   %10.0f bodies/s  (%.2f µs/body)\n", rate_ours, 1e6 / rate_ours);

      rate_php = bench_php (sets[s].set, &json_php);
      if (rate_php <= 0.0)
        {
          g_print ("  php-cli    (not available)\n\n");
          continue;
        }
      g_print ("  php-cli    %10.0f bodies/s  (%.2f µs/body)\n", rate_php, 1e6 / rate_php);
      g_print ("  ratio      %10.2fx\n", rate_ours / rate_php);
      if (json_ours != json_php)
        g_print ("  note: JSON sizes differ (%" G_GUINT64_FORMAT " vs %" G_GUINT64_FORMAT " bytes/body)\n",
                 json_ours, json_php);
      g_print ("\n");
    }

  return 0;
}
