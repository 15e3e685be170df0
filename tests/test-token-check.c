/* test-token-check.c: application_token verification
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "botbench-core.h"
#include "botbench-test-utils.h"

#define FIXTURE_TOKEN "831c76b092f9f135d9b6b36c3a720757"

static BotbenchEvent *
event_from_body (const char *body,
                 const char *content_type)
{
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

  return botbench_event_new (1772090363000000, "10.1.2.3", "POST", "/bot", "", NULL,
                             content_type, bytes);
}

static BotbenchEvent *
event_from_fixture (const char *name)
{
  g_autoptr(GBytes) body = botbench_test_load_fixture (name);

  return botbench_event_new (1772090363000000, "10.1.2.3", "POST", "/bot", "", NULL,
                             "application/x-www-form-urlencoded", body);
}

static void
test_state_strings (void)
{
  static const struct { BotbenchTokenState state; const char *str; } cases[] = {
    { BOTBENCH_TOKEN_STATE_UNKNOWN, "unknown" },
    { BOTBENCH_TOKEN_STATE_VERIFIED, "verified" },
    { BOTBENCH_TOKEN_STATE_WRONG, "wrong-token" },
    { BOTBENCH_TOKEN_STATE_MISSING, "no-token" },
  };
  BotbenchTokenState state;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_assert_cmpstr (botbench_token_state_to_string (cases[i].state), ==, cases[i].str);
      state = 99;
      g_assert_true (botbench_token_state_from_string (cases[i].str, &state));
      g_assert_cmpint (state, ==, cases[i].state);
    }

  state = BOTBENCH_TOKEN_STATE_VERIFIED;
  g_assert_false (botbench_token_state_from_string ("wrong", &state));
  g_assert_false (botbench_token_state_from_string ("", &state));
  g_assert_false (botbench_token_state_from_string (NULL, &state));
  g_assert_false (botbench_token_state_from_string ("Verified", &state));
  g_assert_cmpint (state, ==, BOTBENCH_TOKEN_STATE_VERIFIED);
}

/* Every fixture carries the same top-level token. */
static void
test_fixtures (void)
{
  g_auto(GStrv) names = botbench_test_list_fixtures ();

  g_assert_cmpuint (g_strv_length (names), >=, 7);
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autoptr(BotbenchEvent) event = event_from_fixture (names[i]);

      g_test_message ("%s", names[i]);
      g_assert_cmpstr (botbench_token_check_find (event), ==, FIXTURE_TOKEN);
      g_assert_cmpint (botbench_token_check (event, FIXTURE_TOKEN), ==, BOTBENCH_TOKEN_STATE_VERIFIED);
      g_assert_cmpint (botbench_token_check (event, "831c76b092f9f135d9b6b36c3a720758"), ==,
                       BOTBENCH_TOKEN_STATE_WRONG);
      g_assert_cmpint (botbench_token_check (event, NULL), ==, BOTBENCH_TOKEN_STATE_UNKNOWN);
      g_assert_cmpint (botbench_token_check (event, ""), ==, BOTBENCH_TOKEN_STATE_UNKNOWN);
    }
}

/* The copies in data[BOT][N] and data[COMMAND][N] do not count: a body
 * whose only right token is there is wrong, or has none. */
static void
test_only_top_level (void)
{
  static const struct { const char *body; BotbenchTokenState state; } cases[] = {
    { "event=ONIMBOTMESSAGEADD&data[BOT][567][application_token]=" FIXTURE_TOKEN,
      BOTBENCH_TOKEN_STATE_MISSING },
    { "event=ONIMBOTMESSAGEADD&data[BOT][567][application_token]=" FIXTURE_TOKEN
      "&auth[application_token]=forged", BOTBENCH_TOKEN_STATE_WRONG },
    { "data[COMMAND][103][AUTH][application_token]=" FIXTURE_TOKEN, BOTBENCH_TOKEN_STATE_MISSING },
    { "application_token=" FIXTURE_TOKEN, BOTBENCH_TOKEN_STATE_MISSING },
    { "auth[application_token]=", BOTBENCH_TOKEN_STATE_MISSING },
    { "auth=" FIXTURE_TOKEN, BOTBENCH_TOKEN_STATE_MISSING },
    { "auth[application_token][]=" FIXTURE_TOKEN, BOTBENCH_TOKEN_STATE_MISSING },
    { "auth[application_token][x]=" FIXTURE_TOKEN, BOTBENCH_TOKEN_STATE_MISSING },
    { "auth[application_token]=" FIXTURE_TOKEN "%00", BOTBENCH_TOKEN_STATE_MISSING },
    { "auth[application_token]=" FIXTURE_TOKEN "x", BOTBENCH_TOKEN_STATE_WRONG },
    { "auth[application_token]=831c76b092f9f135d9b6b36c3a72075", BOTBENCH_TOKEN_STATE_WRONG },
    { "auth[application_token]=" FIXTURE_TOKEN, BOTBENCH_TOKEN_STATE_VERIFIED },
    /* PHP: the later value wins. */
    { "auth[application_token]=forged&auth[application_token]=" FIXTURE_TOKEN,
      BOTBENCH_TOKEN_STATE_VERIFIED },
    { "auth[application_token]=" FIXTURE_TOKEN "&auth[application_token]=forged",
      BOTBENCH_TOKEN_STATE_WRONG },
    { "auth%5Bapplication_token%5D=" FIXTURE_TOKEN, BOTBENCH_TOKEN_STATE_VERIFIED },
    { "", BOTBENCH_TOKEN_STATE_MISSING },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(BotbenchEvent) event = event_from_body (cases[i].body,
                                                        "application/x-www-form-urlencoded");

      g_test_message ("%s", cases[i].body);
      g_assert_cmpstr (botbench_token_state_to_string (botbench_token_check (event, FIXTURE_TOKEN)), ==,
                       botbench_token_state_to_string (cases[i].state));
    }
}

static void
test_json_body (void)
{
  static const struct { const char *body; BotbenchTokenState state; } cases[] = {
    { "{\"event\":\"ONIMBOTMESSAGEADD\",\"auth\":{\"application_token\":\"" FIXTURE_TOKEN "\"}}",
      BOTBENCH_TOKEN_STATE_VERIFIED },
    { "{\"auth\":{\"application_token\":\"nope\"}}", BOTBENCH_TOKEN_STATE_WRONG },
    { "{\"auth\":{\"application_token\":32}}", BOTBENCH_TOKEN_STATE_MISSING },
    { "{\"auth\":{\"application_token\":null}}", BOTBENCH_TOKEN_STATE_MISSING },
    { "{\"auth\":[\"" FIXTURE_TOKEN "\"]}", BOTBENCH_TOKEN_STATE_MISSING },
    { "{\"data\":{\"BOT\":{\"1\":{\"application_token\":\"" FIXTURE_TOKEN "\"}}}}",
      BOTBENCH_TOKEN_STATE_MISSING },
    { "[\"" FIXTURE_TOKEN "\"]", BOTBENCH_TOKEN_STATE_MISSING },
    { "{\"auth\":", BOTBENCH_TOKEN_STATE_MISSING },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(BotbenchEvent) event = event_from_body (cases[i].body, "application/json");

      g_test_message ("%s", cases[i].body);
      g_assert_cmpstr (botbench_token_state_to_string (botbench_token_check (event, FIXTURE_TOKEN)), ==,
                       botbench_token_state_to_string (cases[i].state));
    }
}

static void
test_multipart_body (void)
{
  const char *body =
    "--XyZ\r\n"
    "Content-Disposition: form-data; name=\"auth[application_token]\"\r\n"
    "\r\n"
    FIXTURE_TOKEN "\r\n"
    "--XyZ--\r\n";
  g_autoptr(BotbenchEvent) event = event_from_body (body, "multipart/form-data; boundary=XyZ");

  g_assert_cmpint (botbench_token_check (event, FIXTURE_TOKEN), ==, BOTBENCH_TOKEN_STATE_VERIFIED);
  g_assert_cmpint (botbench_token_check (event, "other"), ==, BOTBENCH_TOKEN_STATE_WRONG);
}

static void
test_equal (void)
{
  g_assert_true (botbench_token_equal ("", ""));
  g_assert_true (botbench_token_equal ("abc", "abc"));
  g_assert_false (botbench_token_equal ("abc", "abd"));
  g_assert_false (botbench_token_equal ("abc", "ab"));
  g_assert_false (botbench_token_equal ("ab", "abc"));
  g_assert_false (botbench_token_equal ("", "a"));
  g_assert_false (botbench_token_equal ("\x01", "\x00" "1"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/token-check/state/strings", test_state_strings);
  g_test_add_func ("/token-check/check/fixtures", test_fixtures);
  g_test_add_func ("/token-check/check/only-top-level", test_only_top_level);
  g_test_add_func ("/token-check/check/json-body", test_json_body);
  g_test_add_func ("/token-check/check/multipart-body", test_multipart_body);
  g_test_add_func ("/token-check/equal", test_equal);

  return g_test_run ();
}
