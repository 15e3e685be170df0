/* test-bot-v2-validator.c: the v2 validator, row by row, against the sandbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every row is a v2 definition the client validates and the sandbox is
 * sent (through the request body the client builds): the first error the
 * validator gives must be the code the sandbox answers, and a definition
 * the validator lets through must register.  So the client refuses early
 * exactly what the server would refuse, with the same code.
 */
#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>

#include "botbench-bot-v2.h"
#include "botbench-bot-validator.h"
#include "sandbox-v2-fixture.h"

#define T40 "1234567890123456789012345678901234567890"

typedef struct
{
  const char *json;     /* the definition */
  const char *expected; /* NULL: registers */
} Row;

/* @CODE@ (a code unique to the row), @AVATAR@ (a real PNG) and @BIG@ (6000 px wide) are replaced. */
static const Row register_rows[] = {
  /* 0: the owner's token */
  { "{\"fields\":{\"code\":\"@CODE@\",\"properties\":{\"name\":\"A\"}}}", "BOT_TOKEN_NOT_SPECIFIED" },
  { "{\"fields\":{\"code\":\"@CODE@\",\"botToken\":\"0\",\"properties\":{\"name\":\"A\"}}}", "BOT_TOKEN_NOT_SPECIFIED" },
  { "{\"fields\":{\"code\":\"@CODE@\",\"botToken\":\"" T40 "1\",\"properties\":{\"name\":\"A\"}}}",
    "BOT_TOKEN_INVALID_LENGTH" },
  { "{\"botToken\":\"" T40 "x\",\"fields\":{\"code\":\"@CODE@\",\"properties\":{\"name\":\"A\"}}}",
    "BOT_TOKEN_INVALID_LENGTH" },
  { "{\"fields\":{\"code\":\"@CODE@\",\"botToken\":\"" T40 "\",\"properties\":{\"name\":\"A\"}}}", NULL },
  /* 1: code, with every later row failing too */
  { "{\"fields\":{\"code\":\"\",\"botToken\":\"t\",\"eventMode\":\"push\",\"type\":\"alien\"}}",
    "BOT_CODE_REQUIRED" },
  { "{\"fields\":{\"code\":\"0\",\"botToken\":\"t\",\"properties\":{\"name\":\"A\"}}}", "BOT_CODE_REQUIRED" },
  /* 2: name */
  { "{\"fields\":{\"code\":\"@CODE@\",\"botToken\":\"t\",\"properties\":{},\"eventMode\":\"push\"}}",
    "BOT_PROPERTIES_REQUIRED" },
  { "{\"fields\":{\"code\":\"@CODE@\",\"botToken\":\"t\",\"properties\":{\"name\":\"\",\"lastName\":\"L\"}}}",
    "BOT_PROPERTIES_REQUIRED" },
  /* 3: event mode, any case */
  { "{\"fields\":{\"code\":\"@CODE@\",\"botToken\":\"t\",\"properties\":{\"name\":\"A\"},\"eventMode\":\"push\","
    "\"type\":\"alien\"}}", "BOT_INVALID_EVENT_MODE" },
  { "{\"fields\":{\"code\":\"@CODE@\",\"botToken\":\"t\",\"properties\":{\"name\":\"A\"},\"eventMode\":\"\"}}",
    "BOT_INVALID_EVENT_MODE" },
  { "{\"fields\":{\"code\":\"@CODE@\",\"botToken\":\"t\",\"properties\":{\"name\":\"A\"},\"eventMode\":\"FETCH\"}}",
    NULL },
  /* 4, 5: the webhook URL */
  { "{\"fields\":{\"code\":\"@CODE@\",\"botToken\":\"t\",\"properties\":{\"name\":\"A\"},\"eventMode\":\"WebHook\","
    "\"type\":\"alien\"}}", "BOT_WEBHOOK_URL_REQUIRED" },
  { "{\"fields\":{\"code\":\"@CODE@\",\"botToken\":\"t\",\"properties\":{\"name\":\"A\"},\"eventMode\":\"webhook\","
    "\"webhookUrl\":\"ftp://example.com/h\",\"type\":\"alien\"}}", "BOT_INVALID_CALLBACK" },
  { "{\"fields\":{\"code\":\"@CODE@\",\"botToken\":\"t\",\"properties\":{\"name\":\"A\"},\"eventMode\":\"webhook\","
    "\"webhookUrl\":\"not a url\"}}", "BOT_INVALID_CALLBACK" },
  { "{\"fields\":{\"code\":\"@CODE@\",\"botToken\":\"t\",\"properties\":{\"name\":\"A\"},\"eventMode\":\"webhook\","
    "\"webhookUrl\":\"http://127.0.0.1:9/h\"}}", NULL },
  /* fetch mode ignores the URL */
  { "{\"fields\":{\"code\":\"@CODE@\",\"botToken\":\"t\",\"properties\":{\"name\":\"A\"},"
    "\"webhookUrl\":\"ftp://x\"}}", NULL },
  /* 8: type, any case */
  { "{\"fields\":{\"code\":\"@CODE@\",\"botToken\":\"t\",\"type\":\"alien\","
    "\"properties\":{\"name\":\"A\",\"avatar\":\"aGVsbG8=\"}}}", "BOT_INVALID_TYPE" },
  { "{\"fields\":{\"code\":\"@CODE@\",\"botToken\":\"t\",\"properties\":{\"name\":\"A\"},\"type\":\"B\"}}",
    "BOT_INVALID_TYPE" },
  { "{\"fields\":{\"code\":\"@CODE@\",\"botToken\":\"t\",\"properties\":{\"name\":\"A\"},\"type\":\"Personal\"}}",
    NULL },
  /* 9, 10: the avatar */
  { "{\"fields\":{\"code\":\"@CODE@\",\"botToken\":\"t\",\"properties\":{\"name\":\"A\",\"avatar\":\"aGVsbG8=\"}}}",
    "BOT_AVATAR_INCORRECT_TYPE" },
  { "{\"fields\":{\"code\":\"@CODE@\",\"botToken\":\"t\",\"properties\":{\"name\":\"A\",\"avatar\":\"@BIG@\"}}}",
    "BOT_AVATAR_INCORRECT_SIZE" },
  { "{\"fields\":{\"code\":\"@CODE@\",\"botToken\":\"t\",\"properties\":{\"name\":\"A\",\"avatar\":\"@AVATAR@\"}}}",
    NULL },
};

/* A real PNG of that size, as base64. */
static char *
png_base64 (int width,
            int height)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, TRUE, 8, width, height);
  g_autoptr(GError) error = NULL;
  g_autofree char *buffer = NULL;
  gsize size = 0;

  gdk_pixbuf_fill (pixbuf, 0x336699ff);
  g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "png", &error, NULL));
  g_assert_no_error (error);
  return g_base64_encode ((const guchar *)buffer, size);
}

static char *
replace (const char *text,
         const char *what,
         const char *with)
{
  g_auto(GStrv) parts = g_strsplit (text, what, -1);

  return g_strjoinv (with, parts);
}

static BotbenchBot *
definition (const char *json)
{
  g_autoptr(GError) error = NULL;
  BotbenchBot *bot = botbench_bot_new_from_data (json, -1, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpint (botbench_bot_get_api (bot), ==, BOTBENCH_BOT_API_V2);
  return bot;
}

static const char *
first_error (GPtrArray *issues)
{
  for (guint i = 0; i < issues->len; i++)
    {
      BotbenchBotIssue *issue = g_ptr_array_index (issues, i);

      if (issue->severity == BOTBENCH_BOT_ISSUE_ERROR)
        return issue->code;
    }
  return NULL;
}

/* The sandbox's answer to @body: the error code, or NULL on success. */
static char *
sandbox_code (Fixture    *f,
              const char *method,
              JsonNode   *body)
{
  g_autofree char *json = json_to_string (body, FALSE);
  g_autoptr(JsonNode) reply = NULL;
  JsonObject *object;
  guint status;

  reply = rest_raw (f, method, json, &status);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (reply));
  object = json_node_get_object (reply);
  if (!json_object_has_member (object, "error"))
    {
      g_assert_cmpuint (status, ==, 200);
      return NULL;
    }
  g_assert_cmpuint (status, ==, 400);
  return g_strdup (json_object_get_string_member (object, "error"));
}

static void
test_register_rows (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *big = png_base64 (6000, 10);
  g_autofree char *avatar = png_base64 (8, 8);

  for (guint i = 0; i < G_N_ELEMENTS (register_rows); i++)
    {
      g_autofree char *code = g_strdup_printf ("row%u", i);
      g_autofree char *json1 = replace (register_rows[i].json, "@CODE@", code);
      g_autofree char *json2 = replace (json1, "@BIG@", big);
      g_autofree char *json = replace (json2, "@AVATAR@", avatar);
      g_autoptr(BotbenchBot) bot = definition (json);
      g_autoptr(GPtrArray) issues = botbench_bot_validate (bot, NULL);
      g_autoptr(JsonNode) body = botbench_bot_v2_build_register_body (bot, TRUE);
      g_autofree char *answer = sandbox_code (f, "imbot.v2.Bot.register", body);

      g_test_message ("row %u: %s", i, register_rows[i].json);
      g_assert_cmpstr (first_error (issues), ==, register_rows[i].expected);
      g_assert_cmpstr (answer, ==, register_rows[i].expected);
    }
}

/* All errors in the server's order, the first one being its answer. */
static void
test_register_order (void)
{
  g_autoptr(BotbenchBot) bot = definition ("{\"fields\":{\"code\":\"\",\"eventMode\":\"push\",\"type\":\"x\","
                                           "\"properties\":{\"avatar\":\"aGVsbG8=\"}}}");
  g_autoptr(GPtrArray) issues = botbench_bot_validate (bot, NULL);
  static const char *expected[] = {
    "BOT_TOKEN_NOT_SPECIFIED", "BOT_CODE_REQUIRED", "BOT_PROPERTIES_REQUIRED", "BOT_INVALID_EVENT_MODE",
    "BOT_INVALID_TYPE", "BOT_AVATAR_INCORRECT_TYPE",
  };
  BotbenchBotValidationContext oauth = { .oauth = TRUE, .bot_limit = 2, .owner_bot_count = 2 };
  g_autoptr(GPtrArray) oauth_issues = NULL;

  g_assert_cmpuint (issues->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      BotbenchBotIssue *issue = g_ptr_array_index (issues, i);

      g_assert_cmpint (issue->severity, ==, BOTBENCH_BOT_ISSUE_ERROR);
      g_assert_cmpstr (issue->code, ==, expected[i]);
      g_assert_nonnull (issue->hint);
    }

  /* OAuth: no token needed; the limit comes between URL and type */
  oauth_issues = botbench_bot_validate (bot, &oauth);
  g_assert_cmpstr (first_error (oauth_issues), ==, "BOT_CODE_REQUIRED");
  g_assert_cmpstr (((BotbenchBotIssue *)g_ptr_array_index (oauth_issues, 3))->code, ==, "BOT_LIMIT_EXCEEDED");
  g_assert_cmpstr (((BotbenchBotIssue *)g_ptr_array_index (oauth_issues, 4))->code, ==, "BOT_INVALID_TYPE");
}

static void
test_register_limit (Fixture       *f,
                     gconstpointer  data)
{
  BotbenchBotValidationContext context = { .bot_limit = 2 };

  botbench_sandbox_set_bot_limit (f->sandbox, 2);
  fixture_start (f);

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"fields\":{\"code\":\"lim%u\",\"botToken\":\"same\","
                                               "\"properties\":{\"name\":\"A\"},\"type\":\"alien\"}}", i);
      g_autoptr(BotbenchBot) bot = definition (json);
      g_autoptr(GPtrArray) issues = NULL;
      g_autoptr(JsonNode) body = NULL;
      g_autofree char *answer = NULL;

      botbench_bot_set_v2_type (bot, i < 2 ? "bot" : "alien");
      context.owner_bot_count = i;
      issues = botbench_bot_validate (bot, &context);
      body = botbench_bot_v2_build_register_body (bot, TRUE);
      answer = sandbox_code (f, "imbot.v2.Bot.register", body);
      g_assert_cmpstr (first_error (issues), ==, i < 2 ? NULL : "BOT_LIMIT_EXCEEDED");
      g_assert_cmpstr (answer, ==, first_error (issues));
    }
}

typedef struct
{
  const char *change;   /* what to change: "avatar=…", "eventMode=…", "token=…", "url=…", "id=0", "notoken" */
  const char *expected;
} UpdateRow;

static const UpdateRow update_rows[] = {
  { "avatar=aGVsbG8=", "BOT_AVATAR_INCORRECT_TYPE" },
  { "avatar=@BIG@", "BOT_AVATAR_INCORRECT_SIZE" },
  { "eventMode=push", "BOT_INVALID_EVENT_MODE" },
  { "token=" T40 "1", "BOT_TOKEN_INVALID_LENGTH" },
  { "url=ftp://example.com/x", "BOT_INVALID_CALLBACK" },
  { "id=0", "BOT_ID_REQUIRED" },
  { "notoken", "BOT_TOKEN_NOT_SPECIFIED" },
  { "eventMode=WEBHOOK", NULL },
  { "url=https://example.com/x", NULL },
};

static void
test_update_rows (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *big = png_base64 (6000, 10);

  for (guint i = 0; i < G_N_ELEMENTS (update_rows); i++)
    {
      g_autofree char *token = g_strdup_printf ("tok%u", i);
      g_autofree char *code = g_strdup_printf ("upd%u", i);
      g_autofree char *json = g_strdup_printf ("{\"fields\":{\"code\":\"%s\",\"botToken\":\"%s\","
                                               "\"properties\":{\"name\":\"A\"}}}", code, token);
      g_autoptr(BotbenchBot) old = definition (json);
      g_autoptr(BotbenchBot) bot = NULL;
      g_autoptr(GPtrArray) issues = NULL;
      g_autoptr(JsonNode) body = NULL;
      g_autofree char *answer = NULL;
      BotbenchBotValidationContext context = { 0, };
      const char *change = update_rows[i].change;
      const char *value = strchr (change, '=') ? strchr (change, '=') + 1 : NULL;

      botbench_bot_set_bot_id (old, v2_register (f, token, code, ""));
      bot = botbench_bot_copy (old);

      if (g_str_has_prefix (change, "avatar="))
        botbench_bot_set_property_value (bot, BOTBENCH_BOT_PROPERTY_PERSONAL_PHOTO,
                                         g_str_equal (value, "@BIG@") ? big : value);
      else if (g_str_has_prefix (change, "eventMode="))
        botbench_bot_set_event_mode (bot, value);
      else if (g_str_has_prefix (change, "token="))
        botbench_bot_set_bot_token (bot, value);
      else if (g_str_has_prefix (change, "url="))
        botbench_bot_set_webhook_url (bot, value);
      else if (g_str_equal (change, "id=0"))
        {
          botbench_bot_set_bot_id (old, 0);
          botbench_bot_set_bot_id (bot, 0);
          botbench_bot_set_name (bot, "B");
        }
      else if (g_str_equal (change, "notoken"))
        {
          botbench_bot_set_bot_token (old, NULL);
          botbench_bot_set_bot_token (bot, NULL);
          botbench_bot_set_name (bot, "B");
        }

      context.previous = old;
      issues = botbench_bot_validate (bot, &context);
      body = botbench_bot_v2_build_update_body (old, bot, TRUE);
      g_assert_nonnull (body);
      answer = sandbox_code (f, "imbot.v2.Bot.update", body);

      g_test_message ("update row %u: %s", i, change);
      g_assert_cmpstr (first_error (issues), ==, update_rows[i].expected);
      g_assert_cmpstr (answer, ==, update_rows[i].expected);
    }
}

/* A webhook URL a cloud portal cannot reach is accepted, with v1's warning. */
static void
test_register_unreachable (void)
{
  g_autoptr(BotbenchBot) bot = definition ("{\"fields\":{\"code\":\"w\",\"botToken\":\"t\",\"eventMode\":\"webhook\","
                                           "\"webhookUrl\":\"http://127.0.0.1:8080/h\",\"properties\":{\"name\":\"W\"}}}");
  BotbenchBotValidationContext local = { .portal_url = "http://127.0.0.1:3000/" };
  g_autoptr(GPtrArray) cloud = botbench_bot_validate (bot, NULL);
  g_autoptr(GPtrArray) here = botbench_bot_validate (bot, &local);

  g_assert_null (first_error (cloud));
  g_assert_cmpuint (cloud->len, ==, 2);
  g_assert_cmpstr (((BotbenchBotIssue *)g_ptr_array_index (cloud, 0))->code, ==,
                   BOTBENCH_BOT_WARNING_HANDLER_PRIVATE_ADDRESS);
  g_assert_cmpstr (((BotbenchBotIssue *)g_ptr_array_index (cloud, 0))->field, ==, "webhookUrl");
  g_assert_cmpstr (((BotbenchBotIssue *)g_ptr_array_index (cloud, 1))->code, ==,
                   BOTBENCH_BOT_WARNING_HANDLER_PLAIN_HTTP);
  /* a portal on this machine reaches it */
  g_assert_cmpuint (here->len, ==, 0);
}

/* What only the validator can say for an OAuth profile. */
static void
test_update_oauth (void)
{
  g_autoptr(BotbenchBot) old = definition ("{\"fields\":{\"code\":\"o\",\"botToken\":\"old\","
                                           "\"properties\":{\"name\":\"A\"}},\"BOTBENCH\":{\"BOT_ID\":5}}");
  g_autoptr(BotbenchBot) bot = botbench_bot_copy (old);
  BotbenchBotValidationContext context = { .oauth = TRUE, .previous = old };
  g_autoptr(GPtrArray) issues = NULL;
  g_autoptr(GPtrArray) warnings = NULL;

  botbench_bot_set_bot_token (bot, "new");
  issues = botbench_bot_validate (bot, &context);
  g_assert_cmpstr (first_error (issues), ==, "BOT_TOKEN_ROTATION_FAILED");

  /* code and type cannot change: warnings, not errors */
  g_clear_object (&bot);
  bot = botbench_bot_copy (old);
  botbench_bot_set_code (bot, "other");
  botbench_bot_set_v2_type (bot, "supervisor");
  warnings = botbench_bot_validate (bot, &context);
  g_assert_null (first_error (warnings));
  g_assert_cmpuint (warnings->len, ==, 2);
  g_assert_cmpstr (((BotbenchBotIssue *)g_ptr_array_index (warnings, 0))->code, ==,
                   BOTBENCH_BOT_WARNING_CODE_NOT_UPDATABLE);
  g_assert_cmpstr (((BotbenchBotIssue *)g_ptr_array_index (warnings, 1))->code, ==,
                   BOTBENCH_BOT_WARNING_TYPE_NOT_UPDATABLE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/bot-v2-validator/register/rows", Fixture, NULL, fixture_setup, test_register_rows,
              fixture_teardown);
  g_test_add_func ("/bot-v2-validator/register/order", test_register_order);
  g_test_add_func ("/bot-v2-validator/register/unreachable", test_register_unreachable);
  g_test_add ("/bot-v2-validator/register/limit", Fixture, GINT_TO_POINTER ('n'), fixture_setup,
              test_register_limit, fixture_teardown);
  g_test_add ("/bot-v2-validator/update/rows", Fixture, NULL, fixture_setup, test_update_rows,
              fixture_teardown);
  g_test_add_func ("/bot-v2-validator/update/oauth", test_update_oauth);

  return g_test_run ();
}
