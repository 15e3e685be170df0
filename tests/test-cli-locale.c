/* test-cli-locale.c: botbench-cli follows the locale (po/ru.po, built in _build/po)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * botbench-cli runs as a subprocess with LANGUAGE=ru LANG=ru_RU.UTF-8 and
 * BOTBENCH_LOCALEDIR (set by tests/meson.build to _build/po): its own help,
 * a command's GOption help and its error messages come out in Russian; in
 * the C locale they stay English.  Skips only when ru_RU.UTF-8 is not
 * generated (build-aux/dev generates it).
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "botbench-test-utils.h"

#define CLI_WAIT_MS 30000

static gboolean
have_russian_locale (void)
{
  g_autofree char *saved = g_strdup (setlocale (LC_MESSAGES, NULL));
  gboolean found = setlocale (LC_MESSAGES, "ru_RU.UTF-8") != NULL;

  setlocale (LC_MESSAGES, saved);
  if (!found)
    g_test_skip ("the ru_RU.UTF-8 locale is not generated (build-aux/dev test generates it)");
  return found;
}

/* botbench-cli ARGV… with the locale variables given ("NAME=VALUE"; the
 * others unset); its exit status, stdout and stderr. */
static int
run_cli (const char * const *locale_env,
         char              **out,
         char              **err,
         const char * const *argv)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  static const char *locale_vars[] = {
    "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LC_CTYPE", "LANG",
  };

  g_assert_nonnull (g_getenv ("BOTBENCH_LOCALEDIR"));
  for (guint i = 0; i < G_N_ELEMENTS (locale_vars); i++)
    g_subprocess_launcher_unsetenv (launcher, locale_vars[i]);
  for (guint i = 0; locale_env[i] != NULL; i++)
    {
      g_auto(GStrv) pair = g_strsplit (locale_env[i], "=", 2);

      g_subprocess_launcher_setenv (launcher, pair[0], pair[1], TRUE);
    }

  return botbench_test_run_cli (launcher, NULL, CLI_WAIT_MS, out, err, argv);
}

#define RU_ENV ((const char * const[]) { "LANGUAGE=ru", "LANG=ru_RU.UTF-8", NULL })
#define C_ENV ((const char * const[]) { "LC_ALL=C.UTF-8", NULL })
#define ARGV(...) ((const char * const[]) { __VA_ARGS__, NULL })

/* Letters of the Cyrillic block (U+0400–U+04FF) in valid UTF-8 text */
static guint
count_cyrillic (const char *text)
{
  guint n = 0;

  g_assert_true (g_utf8_validate (text, -1, NULL));
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c >= 0x0400 && c <= 0x04FF)
        n++;
    }
  return n;
}

static void
test_help_russian (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  if (!have_russian_locale ())
    return;

  g_assert_cmpint (run_cli (RU_ENV, &out, &err, ARGV ("--help")), ==, 0);
  g_assert_nonnull (strstr (out, "Команды:"));
  g_assert_nonnull (strstr (out, "Вывести сохранённые события"));
  g_assert_null (strstr (out, "Commands:"));
  g_assert_null (strstr (out, "Print stored events"));
  /* The command names and their options stay as they are typed */
  g_assert_nonnull (strstr (out, "  send-event "));
  g_assert_nonnull (strstr (out, "--profile"));
  g_assert_cmpuint (count_cyrillic (out), >, 500);
}

/* A command's --help is GOption's: the summary, the option descriptions and
 * their argument names come from botbench's domain, GOption's own headings
 * from GLib's. */
static void
test_command_help_russian (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  if (!have_russian_locale ())
    return;

  g_assert_cmpint (run_cli (RU_ENV, &out, &err, ARGV ("events", "--help")), ==, 0);
  g_assert_nonnull (strstr (out, "--db=ПУТЬ"));
  g_assert_nonnull (strstr (out, "Хранилище событий"));
  g_assert_null (strstr (out, "Event store"));
  g_assert_null (strstr (out, "Prints stored events"));
  g_assert_nonnull (strstr (out, "--source"));
}

static void
test_errors_russian (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *out2 = NULL;
  g_autofree char *err2 = NULL;

  if (!have_russian_locale ())
    return;

  g_assert_cmpint (run_cli (RU_ENV, &out, &err, ARGV ("no-such-command")), ==, 2);
  g_assert_nonnull (strstr (err, "Неизвестная команда «no-such-command»"));

  /* A usage error inside a command, and the hint after it */
  g_assert_cmpint (run_cli (RU_ENV, &out2, &err2, ARGV ("events", "--limit", "-3")), ==, 2);
  g_assert_cmpuint (count_cyrillic (err2), >, 10);
  g_assert_nonnull (strstr (err2, "Подробнее: «botbench-cli events --help»."));
}

/* Without a Russian locale nothing is translated: the same texts in English */
static void
test_english_in_c_locale (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (run_cli (C_ENV, &out, &err, ARGV ("--help")), ==, 0);
  g_assert_nonnull (strstr (out, "Commands:"));
  g_assert_nonnull (strstr (out, "Print stored events"));
  g_assert_cmpuint (count_cyrillic (out), ==, 0);

  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (C_ENV, &out, &err, ARGV ("no-such-command")), ==, 2);
  g_assert_nonnull (strstr (err, "Unknown command “no-such-command”"));
}

/* Display columns of the UTF-8 text before @p in @line */
static glong
column_of (const char *line,
           const char *p)
{
  return g_utf8_pointer_to_offset (line, p);
}

/* `botbench-cli profiles` lists names of any script in a column: the kind
 * column starts at the same place after a Cyrillic name as after a Latin
 * one (padding counts characters, not bytes). */
static void
test_profiles_table_aligns (void)
{
  g_autofree char *home = botbench_test_make_tmp_dir ();
  g_autofree char *dir = g_build_filename (home, "botbench", NULL);
  g_autofree char *ini = g_build_filename (dir, "profiles.ini", NULL);
  g_autofree char *config_env = g_strconcat ("XDG_CONFIG_HOME=", home, NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) lines = NULL;
  const char *ini_text =
    "[botbench]\n"
    "active=6c1f1a3e-8f3a-4d2b-9a51-0c7e1d2f3a4b\n"
    "[profile 6c1f1a3e-8f3a-4d2b-9a51-0c7e1d2f3a4b]\n"
    "kind=webhook\nname=Продажи\nportal-url=https://sales.example.ru/\nuser-id=1\nclient-id=abc\n"
    "[profile 0b8e2c4d-1a2b-4c3d-8e9f-a0b1c2d3e4f5]\n"
    "kind=oauth\nname=test\nportal-url=https://test.example.com/\n";
  glong columns[2] = { -1, -1 };
  guint n = 0;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (ini, ini_text, -1, NULL));

  g_assert_cmpint (run_cli ((const char * const[]) { "LC_ALL=C.UTF-8", config_env, NULL }, &out, &err,
                            ARGV ("profiles")), ==, 0);
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *kind = strstr (lines[i], " webhook ");

      if (kind == NULL)
        kind = strstr (lines[i], " oauth ");
      if (kind == NULL)
        continue;
      g_assert_cmpuint (n, <, 2);
      columns[n++] = column_of (lines[i], kind);
    }
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpint (columns[0], ==, columns[1]);
  g_assert_nonnull (strstr (out, "* Продажи "));

  botbench_test_rm_rf (home);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli-locale/help-russian", test_help_russian);
  g_test_add_func ("/cli-locale/command-help-russian", test_command_help_russian);
  g_test_add_func ("/cli-locale/errors-russian", test_errors_russian);
  g_test_add_func ("/cli-locale/english-in-c-locale", test_english_in_c_locale);
  g_test_add_func ("/cli-locale/profiles-table-aligns", test_profiles_table_aligns);

  return g_test_run ();
}
