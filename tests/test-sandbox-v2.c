/* test-sandbox-v2.c: imbot.v2.Bot.* and Revision.get in the sandbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Against reference v2 §2.0–§2.6 and §6: owner resolution (custom +
 * botToken, OAuth client id), every error row of §2.0 and §2.1 in the
 * server's order, BOT_CODE_ALREADY_TAKEN across owners (v1 bots too),
 * idempotent re-register, update with token rotation, list, get, and
 * hostile parameters.
 */
#include "config.h"

#include "sandbox-v2-fixture.h"

#define REGISTER "imbot.v2.Bot.register"

/* A PNG header of width × height, base64. */
static char *
png_base64 (guint32 width,
            guint32 height)
{
  guchar png[33] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R' };

  png[16] = width >> 24; png[17] = width >> 16; png[18] = width >> 8; png[19] = width;
  png[20] = height >> 24; png[21] = height >> 16; png[22] = height >> 8; png[23] = height;
  png[24] = 8; png[25] = 6;

  return g_base64_encode (png, sizeof png);
}

/* A BMP header (BITMAPINFOHEADER) of width × height, base64. */
static char *
bmp_base64 (guint32 width,
            guint32 height)
{
  guchar bmp[54] = { 'B', 'M', 54, 0, 0, 0, 0, 0, 0, 0, 54, 0, 0, 0, 40 };

  for (guint i = 0; i < 4; i++)
    {
      bmp[18 + i] = width >> (8 * i);
      bmp[22 + i] = height >> (8 * i);
    }
  bmp[26] = 1;
  bmp[28] = 24;

  return g_base64_encode (bmp, sizeof bmp);
}

/* ------------------------------------------------------------------------ */
/* Register: §2.1's rows in the server's order                               */

static void
test_register_order (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *big = png_base64 (6000, 10);
  g_autofree char *json = NULL;

  /* 0: no owner at all */
  v2_error (f, REGISTER, "{\"fields\":{}}", "BOT_TOKEN_NOT_SPECIFIED");
  v2_error (f, REGISTER, "{\"botToken\":\"\",\"fields\":{\"code\":\"x\"}}", "BOT_TOKEN_NOT_SPECIFIED");
  /* A token longer than 40 characters, wherever it sits */
  v2_error (f, REGISTER, "{\"botToken\":\"12345678901234567890123456789012345678901\",\"fields\":{}}",
            "BOT_TOKEN_INVALID_LENGTH");
  v2_error (f, REGISTER, "{\"fields\":{\"botToken\":\"12345678901234567890123456789012345678901\"}}",
            "BOT_TOKEN_INVALID_LENGTH");
  /* 1 → 10, each with every later check failing too */
  v2_error (f, REGISTER, "{\"botToken\":\"t1\",\"fields\":{\"type\":\"alien\",\"eventMode\":\"push\"}}",
            "BOT_CODE_REQUIRED");
  v2_error (f, REGISTER, "{\"botToken\":\"t1\",\"fields\":{\"code\":\"a\",\"properties\":{},\"eventMode\":\"push\"}}",
            "BOT_PROPERTIES_REQUIRED");
  v2_error (f, REGISTER, "{\"botToken\":\"t1\",\"fields\":{\"code\":\"a\",\"properties\":{\"name\":\"\"}}}",
            "BOT_PROPERTIES_REQUIRED");
  v2_error (f, REGISTER, "{\"botToken\":\"t1\",\"fields\":{\"code\":\"a\",\"properties\":{\"name\":\"A\"},"
            "\"eventMode\":\"push\",\"type\":\"alien\"}}", "BOT_INVALID_EVENT_MODE");
  v2_error (f, REGISTER, "{\"botToken\":\"t1\",\"fields\":{\"code\":\"a\",\"properties\":{\"name\":\"A\"},"
            "\"eventMode\":\"WebHook\",\"type\":\"alien\"}}", "BOT_WEBHOOK_URL_REQUIRED");
  v2_error (f, REGISTER, "{\"botToken\":\"t1\",\"fields\":{\"code\":\"a\",\"properties\":{\"name\":\"A\"},"
            "\"eventMode\":\"webhook\",\"webhookUrl\":\"ftp://example.com/h\",\"type\":\"alien\"}}",
            "BOT_INVALID_CALLBACK");
  v2_error (f, REGISTER, "{\"botToken\":\"t1\",\"fields\":{\"code\":\"a\",\"type\":\"alien\","
            "\"properties\":{\"name\":\"A\",\"avatar\":\"bm90IGFuIGltYWdl\"}}}", "BOT_INVALID_TYPE");
  v2_error (f, REGISTER, "{\"botToken\":\"t1\",\"fields\":{\"code\":\"a\","
            "\"properties\":{\"name\":\"A\",\"avatar\":\"bm90IGFuIGltYWdl\"}}}", "BOT_AVATAR_INCORRECT_TYPE");
  json = g_strdup_printf ("{\"botToken\":\"t1\",\"fields\":{\"code\":\"a\",\"properties\":{\"name\":\"A\",\"avatar\":\"%s\"}}}",
                          big);
  v2_error (f, REGISTER, json, "BOT_AVATAR_INCORRECT_SIZE");

  /* Nothing was created by the failures. */
  {
    g_autoptr(JsonObject) list = v2_ok (f, "imbot.v2.Bot.list", "{\"botToken\":\"t1\"}");

    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (list, "bots")), ==, 0);
  }
}

/* §2.1 rows 9 and 10: any image is an avatar (BMP as well as PNG),
 * within 5000 × 5000; anything else is the wrong type. */
static void
test_register_avatar_kinds (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *bmp = bmp_base64 (64, 64);
  g_autofree char *big_bmp = bmp_base64 (64, 5001);
  g_autofree char *json = NULL;
  g_autoptr(JsonObject) result = NULL;
  gint64 bot_id;

  json = g_strdup_printf ("{\"botToken\":\"t1\",\"fields\":{\"code\":\"bmp\",\"properties\":"
                          "{\"name\":\"Bmp\",\"avatar\":\"%s\"}}}", bmp);
  result = v2_ok (f, REGISTER, json);
  bot_id = json_object_get_int_member (json_object_get_object_member (result, "bot"), "id");
  g_assert_cmpint (bot_id, >, 0);

  g_free (json);
  json = g_strdup_printf ("{\"botToken\":\"t1\",\"fields\":{\"code\":\"bmp2\",\"properties\":"
                          "{\"name\":\"Bmp\",\"avatar\":\"%s\"}}}", big_bmp);
  v2_error (f, REGISTER, json, "BOT_AVATAR_INCORRECT_SIZE");
  /* GIF's magic without an image behind it is no image. */
  v2_error (f, REGISTER, "{\"botToken\":\"t1\",\"fields\":{\"code\":\"gif\",\"properties\":"
            "{\"name\":\"Gif\",\"avatar\":\"R0lGODlh\"}}}", "BOT_AVATAR_INCORRECT_TYPE");

  /* The same rules on update. */
  g_free (json);
  json = g_strdup_printf ("{\"botToken\":\"t1\",\"botId\":%" G_GINT64_FORMAT ",\"fields\":{\"properties\":"
                          "{\"avatar\":\"%s\"}}}", bot_id, big_bmp);
  v2_error (f, "imbot.v2.Bot.update", json, "BOT_AVATAR_INCORRECT_SIZE");
  g_free (json);
  json = g_strdup_printf ("{\"botToken\":\"t1\",\"botId\":%" G_GINT64_FORMAT ",\"fields\":{\"properties\":"
                          "{\"avatar\":\"%s\"}}}", bot_id, bmp);
  g_clear_pointer (&result, json_object_unref);
  result = v2_ok (f, "imbot.v2.Bot.update", json);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (result, "bot"), "id"), ==, bot_id);
}

static void
test_register_success (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *avatar = png_base64 (64, 64);
  g_autofree char *json = g_strdup_printf ("{\"fields\":{\"botToken\":\"tok\",\"code\":\"support\",\"properties\":"
                                           "{\"name\":\"Support\",\"lastName\":\"Bot\",\"workPosition\":\"Helper\","
                                           "\"color\":\"lightBlue\",\"gender\":\"F\",\"avatar\":\"%s\"},"
                                           "\"type\":\"SUPERVISOR\",\"eventMode\":\"FETCH\",\"isHidden\":\"Y\","
                                           "\"isReactionsEnabled\":false,\"backgroundId\":\"mint\"}}", avatar);
  g_autoptr(JsonObject) result = v2_ok (f, "imbot.v2.bot.REGISTER", json);
  JsonObject *bot = json_object_get_object_member (result, "bot");
  JsonArray *users = json_object_get_array_member (result, "users");
  JsonObject *user;

  g_assert_cmpint (json_object_get_int_member (bot, "id"), >=, 100);
  g_assert_cmpstr (json_object_get_string_member (bot, "code"), ==, "support");
  g_assert_cmpstr (json_object_get_string_member (bot, "type"), ==, "supervisor");
  g_assert_true (json_object_get_boolean_member (bot, "isHidden"));
  g_assert_false (json_object_get_boolean_member (bot, "isSupportOpenline"));
  g_assert_false (json_object_get_boolean_member (bot, "isReactionsEnabled"));
  g_assert_cmpstr (json_object_get_string_member (bot, "backgroundId"), ==, "mint");
  g_assert_cmpstr (json_object_get_string_member (bot, "language"), ==, "en");
  g_assert_cmpstr (json_object_get_string_member (bot, "moduleId"), ==, "rest");
  g_assert_cmpstr (json_object_get_string_member (bot, "eventMode"), ==, "fetch");
  g_assert_cmpint (json_object_get_int_member (bot, "countMessage"), ==, 0);
  g_assert_false (json_object_has_member (bot, "appId"));

  g_assert_cmpuint (json_array_get_length (users), ==, 1);
  user = json_array_get_object_element (users, 0);
  g_assert_cmpint (json_object_get_int_member (user, "id"), ==, json_object_get_int_member (bot, "id"));
  g_assert_cmpstr (json_object_get_string_member (user, "name"), ==, "Support Bot");
  g_assert_cmpstr (json_object_get_string_member (user, "workPosition"), ==, "Helper");
  g_assert_cmpstr (json_object_get_string_member (user, "color"), ==, "#4ba5c3");
  g_assert_cmpstr (json_object_get_string_member (user, "gender"), ==, "F");
  g_assert_true (json_object_get_boolean_member (user, "bot"));
  g_assert_cmpstr (json_object_get_string_member (user, "type"), ==, "bot");
  g_assert_cmpstr (json_object_get_string_member (user, "externalAuthId"), ==, "bot");

  /* Defaults: type bot, fetch, not hidden, reactions on, no background. */
  {
    g_autoptr(JsonObject) plain = v2_ok (f, REGISTER,
                                         "{\"botToken\":\"tok2\",\"fields\":{\"code\":\"plain\","
                                         "\"properties\":{\"name\":\"Plain\"},\"backgroundId\":\"nope\"}}");

    bot = json_object_get_object_member (plain, "bot");
    g_assert_cmpstr (json_object_get_string_member (bot, "type"), ==, "bot");
    g_assert_cmpstr (json_object_get_string_member (bot, "eventMode"), ==, "fetch");
    g_assert_false (json_object_get_boolean_member (bot, "isHidden"));
    g_assert_true (json_object_get_boolean_member (bot, "isReactionsEnabled"));
    g_assert_true (json_object_get_null_member (bot, "backgroundId"));
  }
}

static void
test_register_owners (Fixture       *f,
                      gconstpointer  data)
{
  gint64 id, again, v1;

  id = v2_register (f, "alpha", "shared", "");
  /* Idempotent for the same owner, before the type check, unchanged. */
  {
    g_autoptr(JsonObject) result = v2_ok (f, REGISTER,
                                          "{\"botToken\":\"alpha\",\"fields\":{\"code\":\"shared\","
                                          "\"properties\":{\"name\":\"Renamed\"},\"type\":\"alien\"}}");
    JsonObject *user = json_array_get_object_element (json_object_get_array_member (result, "users"), 0);

    again = json_object_get_int_member (json_object_get_object_member (result, "bot"), "id");
    g_assert_cmpint (again, ==, id);
    g_assert_cmpstr (json_object_get_string_member (user, "firstName"), ==, "Bot shared");
  }
  /* Another token is another owner. */
  v2_error (f, REGISTER, "{\"botToken\":\"beta\",\"fields\":{\"code\":\"shared\",\"properties\":{\"name\":\"B\"}}}",
            "BOT_CODE_ALREADY_TAKEN");
  /* OAuth owner: the app's client id, no botToken needed; it is another owner. */
  {
    g_autofree char *token = v2_oauth_token (f, 1);
    g_autoptr(JsonNode) reply = NULL;
    g_autoptr(JsonNode) taken = NULL;
    guint status;

    reply = v2_oauth_raw (f, token, "imbot.v2.Bot.register",
                          "{\"fields\":{\"code\":\"app_bot\",\"properties\":{\"name\":\"App\"}}}", &status);
    g_assert_cmpuint (status, ==, 200);
    g_assert_true (json_object_has_member (json_node_get_object (reply), "result"));
    taken = v2_oauth_raw (f, token, "imbot.v2.Bot.register",
                          "{\"fields\":{\"code\":\"shared\",\"properties\":{\"name\":\"App\"}}}", &status);
    g_assert_cmpuint (status, ==, 400);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (taken), "error"), ==,
                     "BOT_CODE_ALREADY_TAKEN");
  }

  /* A v1 bot's code is taken too; its v2 owner is botToken = its CLIENT_ID. */
  v1 = register_bot (f, "legacy", "oldbot", "B", NULL);
  v2_error (f, REGISTER, "{\"botToken\":\"alpha\",\"fields\":{\"code\":\"oldbot\",\"properties\":{\"name\":\"B\"}}}",
            "BOT_CODE_ALREADY_TAKEN");
  g_assert_cmpint (v2_register (f, "legacy", "oldbot", ""), ==, v1);

  /* The top-level botToken wins over fields.botToken. */
  {
    g_autoptr(JsonObject) result = v2_ok (f, REGISTER,
                                          "{\"botToken\":\"top\",\"fields\":{\"botToken\":\"inner\",\"code\":\"both\","
                                          "\"properties\":{\"name\":\"Both\"}}}");
    g_autoptr(JsonObject) top = v2_ok (f, "imbot.v2.Bot.list", "{\"botToken\":\"top\"}");
    g_autoptr(JsonObject) inner = v2_ok (f, "imbot.v2.Bot.list", "{\"botToken\":\"inner\"}");

    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (top, "bots")), ==, 1);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (inner, "bots")), ==, 0);
  }
  /* clientId is the deprecated owner (v1's CLIENT_ID). */
  {
    g_autoptr(JsonObject) list = v2_ok (f, "imbot.v2.Bot.list", "{\"clientId\":\"legacy\"}");

    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (list, "bots")), ==, 1);
  }
}

static void
test_register_limit (Fixture       *f,
                     gconstpointer  data)
{
  botbench_sandbox_set_bot_limit (f->sandbox, 2);
  fixture_start (f);

  v2_register (f, "lim", "one", "");
  v2_register (f, "lim", "two", "");
  /* The same code is returned before the limit, a new one is refused. */
  v2_register (f, "lim", "two", "");
  v2_error (f, REGISTER, "{\"botToken\":\"lim\",\"fields\":{\"code\":\"three\",\"properties\":{\"name\":\"3\"}}}",
            "BOT_LIMIT_EXCEEDED");
  /* The limit is per owner. */
  v2_register (f, "other", "three", "");
}

/* ------------------------------------------------------------------------ */
/* §2.0 rows for the bot-scoped methods                                      */

static void
test_bot_checks (Fixture       *f,
                 gconstpointer  data)
{
  static const char *methods[] = {
    "imbot.v2.Bot.update", "imbot.v2.Bot.unregister", "imbot.v2.Event.get", "imbot.v2.Chat.Message.send",
    "imbot.v2.Chat.Message.update", "imbot.v2.Chat.Message.delete", "imbot.v2.Command.register",
    "imbot.v2.Command.update", "imbot.v2.Command.unregister", "imbot.v2.Command.list", "imbot.v2.Command.answer",
  };
  gint64 id = v2_register (f, "owner", "checked", "");

  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    {
      g_autofree char *mine = g_strdup_printf ("{\"botToken\":\"thief\",\"botId\":%" G_GINT64_FORMAT "}", id);
      g_autofree char *no_token = g_strdup_printf ("{\"botId\":%" G_GINT64_FORMAT "}", id);

      v2_error (f, methods[i], no_token, "BOT_TOKEN_NOT_SPECIFIED");
      v2_error (f, methods[i], "{\"botToken\":\"owner\"}", "BOT_ID_REQUIRED");
      v2_error (f, methods[i], "{\"botToken\":\"owner\",\"botId\":-4}", "BOT_ID_REQUIRED");
      v2_error (f, methods[i], "{\"botToken\":\"owner\",\"botId\":99999}", "BOT_NOT_FOUND");
      /* A wrong botToken is an ownership error, not an auth error. */
      v2_error (f, methods[i], mine, "BOT_OWNERSHIP_ERROR");
      /* UPPER_SNAKE aliases */
      g_free (mine);
      mine = g_strdup_printf ("{\"BOT_TOKEN\":\"thief\",\"BOT_ID\":%" G_GINT64_FORMAT "}", id);
      v2_error (f, methods[i], mine, "BOT_OWNERSHIP_ERROR");
    }

  /* Bot.list and Bot.get only need the owner. */
  v2_error (f, "imbot.v2.Bot.list", "{}", "BOT_TOKEN_NOT_SPECIFIED");
  v2_error (f, "imbot.v2.Bot.get", "{\"botId\":1}", "BOT_TOKEN_NOT_SPECIFIED");
  /* Revision.get needs nothing */
  {
    g_autoptr(JsonObject) revision = v2_ok (f, "imbot.v2.Revision.get", "{}");

    g_assert_cmpint (json_object_get_int_member (revision, "rest"), ==, 36);
    g_assert_true (json_object_has_member (revision, "web"));
    g_assert_true (json_object_has_member (revision, "mobile"));
    g_assert_true (json_object_has_member (revision, "desktop"));
  }
}

/* ------------------------------------------------------------------------ */
/* Update, unregister, list, get                                             */

static void
test_update (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *json = NULL;
  g_autofree char *big = png_base64 (10, 6000);
  gint64 id = v2_register (f, "old", "rot", "");
  gint64 other = v2_register (f, "taken", "other", "");
  g_autoptr(JsonObject) result = NULL;
  JsonObject *bot, *user;

  /* avatar → eventMode → token length → webhookUrl, in that order */
  json = g_strdup_printf ("{\"botToken\":\"old\",\"botId\":%" G_GINT64_FORMAT ",\"fields\":{\"properties\":"
                          "{\"avatar\":\"%s\"},\"eventMode\":\"push\",\"webhookUrl\":\"ftp://x\"}}", id, big);
  v2_error (f, "imbot.v2.Bot.update", json, "BOT_AVATAR_INCORRECT_SIZE");
  g_free (json);
  json = g_strdup_printf ("{\"botToken\":\"old\",\"botId\":%" G_GINT64_FORMAT ",\"fields\":{\"eventMode\":\"push\","
                          "\"botToken\":\"12345678901234567890123456789012345678901\"}}", id);
  v2_error (f, "imbot.v2.Bot.update", json, "BOT_INVALID_EVENT_MODE");
  g_free (json);
  json = g_strdup_printf ("{\"botToken\":\"old\",\"botId\":%" G_GINT64_FORMAT ",\"fields\":{\"webhookUrl\":\"ftp://x\","
                          "\"botToken\":\"12345678901234567890123456789012345678901\"}}", id);
  v2_error (f, "imbot.v2.Bot.update", json, "BOT_TOKEN_INVALID_LENGTH");
  g_free (json);
  json = g_strdup_printf ("{\"botToken\":\"old\",\"botId\":%" G_GINT64_FORMAT ",\"fields\":{\"webhookUrl\":\"ftp://x\"}}", id);
  v2_error (f, "imbot.v2.Bot.update", json, "BOT_INVALID_CALLBACK");
  /* A token another bot owns */
  g_free (json);
  json = g_strdup_printf ("{\"botToken\":\"old\",\"botId\":%" G_GINT64_FORMAT ",\"fields\":{\"botToken\":\"taken\"}}", id);
  v2_error (f, "imbot.v2.Bot.update", json, "BOT_TOKEN_ROTATION_FAILED");

  /* Properties, flags, mode (no URL check in update), and rotation at once. */
  g_free (json);
  json = g_strdup_printf ("{\"botToken\":\"old\",\"botId\":%" G_GINT64_FORMAT ",\"fields\":{\"properties\":"
                          "{\"name\":\"New\",\"workPosition\":\"Tester\"},\"isHidden\":true,"
                          "\"isSupportOpenline\":\"Y\",\"backgroundId\":\"teal\",\"eventMode\":\"WEBHOOK\","
                          "\"botToken\":\"  new  \"}}", id);
  result = v2_ok (f, "imbot.v2.Bot.update", json);
  bot = json_object_get_object_member (result, "bot");
  user = json_array_get_object_element (json_object_get_array_member (result, "users"), 0);
  g_assert_cmpint (json_object_get_int_member (bot, "id"), ==, id);
  g_assert_true (json_object_get_boolean_member (bot, "isHidden"));
  g_assert_true (json_object_get_boolean_member (bot, "isSupportOpenline"));
  g_assert_cmpstr (json_object_get_string_member (bot, "backgroundId"), ==, "teal");
  g_assert_cmpstr (json_object_get_string_member (bot, "eventMode"), ==, "webhook");
  g_assert_cmpstr (json_object_get_string_member (user, "firstName"), ==, "New");
  g_assert_cmpstr (json_object_get_string_member (user, "workPosition"), ==, "Tester");

  /* The old token lost access at once; the new one has it. */
  g_free (json);
  json = g_strdup_printf ("{\"botToken\":\"old\",\"botId\":%" G_GINT64_FORMAT ",\"fields\":{}}", id);
  v2_error (f, "imbot.v2.Bot.update", json, "BOT_OWNERSHIP_ERROR");
  g_free (json);
  json = g_strdup_printf ("{\"botToken\":\"new\",\"botId\":%" G_GINT64_FORMAT ",\"fields\":{\"backgroundId\":null}}", id);
  g_clear_pointer (&result, json_object_unref);
  result = v2_ok (f, "imbot.v2.Bot.update", json);
  g_assert_true (json_object_get_null_member (json_object_get_object_member (result, "bot"), "backgroundId"));

  /* OAuth callers cannot rotate. */
  {
    g_autofree char *token = v2_oauth_token (f, 1);
    g_autoptr(JsonNode) reply = NULL;
    g_autofree char *body = NULL;
    guint status;

    reply = v2_oauth_raw (f, token, "imbot.v2.Bot.register",
                          "{\"fields\":{\"code\":\"app\",\"properties\":{\"name\":\"App\"}}}", &status);
    g_assert_cmpuint (status, ==, 200);
    body = g_strdup_printf ("{\"botId\":%" G_GINT64_FORMAT ",\"fields\":{\"botToken\":\"mine\"}}",
                            json_object_get_int_member (json_object_get_object_member (json_object_get_object_member (json_node_get_object (reply), "result"), "bot"), "id"));
    g_clear_pointer (&reply, json_node_unref);
    reply = v2_oauth_raw (f, token, "imbot.v2.Bot.update", body, &status);
    g_assert_cmpuint (status, ==, 400);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (reply), "error"), ==,
                     "BOT_TOKEN_ROTATION_FAILED");
    /* Through a webhook, fields.botToken is no owner outside register. */
    g_clear_pointer (&reply, json_node_unref);
    reply = rest_raw (f, "imbot.v2.Bot.update", body, &status);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (reply), "error"), ==,
                     "BOT_TOKEN_NOT_SPECIFIED");
  }
  g_assert_cmpint (other, >, 0);
}

static void
test_unregister (Fixture       *f,
                 gconstpointer  data)
{
  gint64 id = v2_register (f, "gone", "gone", "");
  g_autofree char *json = g_strdup_printf ("{\"botToken\":\"gone\",\"botId\":%" G_GINT64_FORMAT "}", id);
  g_autoptr(JsonObject) result = v2_ok (f, "imbot.v2.Bot.unregister", json);
  g_autofree char *query = g_strdup_printf ("v2/events?BOT_ID=%" G_GINT64_FORMAT, id);
  g_autoptr(JsonObject) queued = NULL;
  JsonArray *events;

  g_assert_true (json_object_get_boolean_member (result, "result"));
  /* Afterwards the bot is gone for every call, Event.get included. */
  v2_error (f, "imbot.v2.Bot.unregister", json, "BOT_NOT_FOUND");
  v2_error (f, "imbot.v2.Event.get", json, "BOT_NOT_FOUND");
  /* Its ONIMBOTV2DELETE was queued (and stays until the 24 h clean-up). */
  queued = control_get (f, query);
  events = json_object_get_array_member (queued, "EVENTS");
  g_assert_cmpuint (json_array_get_length (events), ==, 1);
  {
    JsonObject *event = json_array_get_object_element (events, 0);
    JsonObject *payload = json_object_get_object_member (event, "data");

    g_assert_cmpstr (json_object_get_string_member (event, "type"), ==, "ONIMBOTV2DELETE");
    g_assert_cmpuint (json_object_get_size (payload), ==, 1);
    g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (payload, "bot"), "id"), ==, id);
  }
  /* The code is free again. */
  v2_register (f, "someone", "gone", "");
}

/* §6 item 12: the docs' behaviour for an unknown filter.type (no bots),
 * switched on; known types and no filter work as before. */
static void
test_list_strict_filter (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(JsonObject) unknown = NULL;
  g_autoptr(JsonObject) known = NULL;
  g_autoptr(JsonObject) all = NULL;
  gboolean strict = TRUE;

  g_object_get (f->sandbox, "v2-strict-list-filter", &strict, NULL);
  g_assert_false (strict);
  botbench_sandbox_set_v2_strict_list_filter (f->sandbox, TRUE);
  g_assert_true (botbench_sandbox_get_v2_strict_list_filter (f->sandbox));
  fixture_start (f);

  v2_register (f, "lister", "s1", "");
  v2_register (f, "lister", "s2", ",\"type\":\"personal\"");

  unknown = v2_ok (f, "imbot.v2.Bot.list", "{\"botToken\":\"lister\",\"filter\":{\"type\":\"alien\"}}");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (unknown, "bots")), ==, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (unknown, "users")), ==, 0);
  g_assert_false (json_object_get_boolean_member (unknown, "hasNextPage"));
  known = v2_ok (f, "imbot.v2.Bot.list", "{\"botToken\":\"lister\",\"filter\":{\"type\":\"PERSONAL\"}}");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (known, "bots")), ==, 1);
  all = v2_ok (f, "imbot.v2.Bot.list", "{\"botToken\":\"lister\"}");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (all, "bots")), ==, 2);
}

static void
test_list_get (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(JsonObject) list = NULL;
  gint64 a = v2_register (f, "lister", "l1", "");
  gint64 b = v2_register (f, "lister", "l2", ",\"type\":\"supervisor\"");
  JsonObject *bot;

  v2_register (f, "stranger", "l3", "");

  /* Only the owner's bots, in extended form. */
  list = v2_ok (f, "imbot.v2.Bot.list", "{\"botToken\":\"lister\"}");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (list, "bots")), ==, 2);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (list, "users")), ==, 2);
  g_assert_false (json_object_get_boolean_member (list, "hasNextPage"));
  bot = json_array_get_object_element (json_object_get_array_member (list, "bots"), 0);
  g_assert_cmpint (json_object_get_int_member (bot, "id"), ==, a);
  g_assert_true (json_object_has_member (bot, "eventMode"));

  /* hasNextPage = a full page, also the exactly full last one. */
  g_clear_pointer (&list, json_object_unref);
  list = v2_ok (f, "imbot.v2.Bot.list", "{\"botToken\":\"lister\",\"limit\":2}");
  g_assert_true (json_object_get_boolean_member (list, "hasNextPage"));
  g_clear_pointer (&list, json_object_unref);
  list = v2_ok (f, "imbot.v2.Bot.list", "{\"botToken\":\"lister\",\"limit\":1,\"offset\":1}");
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (json_object_get_array_member (list, "bots"), 0),
                                               "id"), ==, b);

  /* filter.type; an unknown type is ignored (the source's behaviour). */
  g_clear_pointer (&list, json_object_unref);
  list = v2_ok (f, "imbot.v2.Bot.list", "{\"botToken\":\"lister\",\"filter\":{\"type\":\"supervisor\"}}");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (list, "bots")), ==, 1);
  g_clear_pointer (&list, json_object_unref);
  list = v2_ok (f, "imbot.v2.Bot.list", "{\"botToken\":\"lister\",\"filter\":{\"type\":\"alien\"}}");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (list, "bots")), ==, 2);

  /* get: by id (extended for the owner), by code (brief for others) */
  {
    g_autofree char *json = g_strdup_printf ("{\"botToken\":\"lister\",\"botId\":%" G_GINT64_FORMAT "}", a);
    g_autoptr(JsonObject) own = v2_ok (f, "imbot.v2.Bot.get", json);
    g_autoptr(JsonObject) brief = v2_ok (f, "imbot.v2.Bot.get", "{\"botToken\":\"stranger\",\"code\":\"l2\"}");

    bot = json_object_get_object_member (own, "bot");
    g_assert_cmpint (json_object_get_int_member (bot, "id"), ==, a);
    g_assert_true (json_object_has_member (bot, "countMessage"));
    bot = json_object_get_object_member (brief, "bot");
    g_assert_cmpint (json_object_get_int_member (bot, "id"), ==, b);
    g_assert_cmpuint (json_object_get_size (bot), ==, 8);
    g_assert_false (json_object_has_member (bot, "eventMode"));
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (brief, "users")), ==, 1);
  }
  v2_error (f, "imbot.v2.Bot.get", "{\"botToken\":\"lister\"}", "PARAMS_REQUIRED");
  v2_error (f, "imbot.v2.Bot.get", "{\"botToken\":\"lister\",\"botId\":99999,\"code\":\"l1\"}", "BOT_NOT_FOUND");
  v2_error (f, "imbot.v2.Bot.get", "{\"botToken\":\"lister\",\"code\":\"nobody\"}", "BOT_NOT_FOUND");
}

/* ------------------------------------------------------------------------ */
/* Hostile parameters: wrong types never crash, they fail or are ignored     */

static void
test_hostile (Fixture       *f,
              gconstpointer  data)
{
  static const char *calls[][2] = {
    { REGISTER, "{\"botToken\":[1,2],\"fields\":\"x\"}" },
    { REGISTER, "{\"botToken\":{\"a\":1},\"fields\":{\"code\":[],\"properties\":\"name\"}}" },
    { REGISTER, "{\"botToken\":\"h\",\"fields\":{\"code\":{\"x\":1},\"properties\":{\"name\":[\"a\"]},"
                "\"eventMode\":[],\"type\":{},\"isHidden\":{},\"webhookUrl\":[]}}" },
    { REGISTER, "{\"botToken\":\"h\",\"fields\":{\"code\":\"h\",\"properties\":{\"name\":\"h\",\"avatar\":{\"a\":1},"
                "\"color\":[1]}}}" },
    { "imbot.v2.Bot.update", "{\"botToken\":\"h\",\"botId\":[1],\"fields\":[]}" },
    { "imbot.v2.Bot.list", "{\"botToken\":\"h\",\"filter\":\"x\",\"limit\":\"abc\",\"offset\":-5}" },
    { "imbot.v2.Bot.get", "{\"botToken\":\"h\",\"botId\":\"1e99\",\"code\":{}}" },
    { "imbot.v2.Event.get", "{\"botToken\":\"h\",\"botId\":{},\"offset\":[],\"limit\":{}}" },
    { "imbot.v2.Chat.Message.send", "{\"botToken\":\"h\",\"botId\":\"x\",\"dialogId\":[],\"fields\":7}" },
    { "imbot.v2.Bot.register", "not json at all" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (calls); i++)
    {
      g_autoptr(JsonNode) reply = NULL;
      guint status;

      reply = rest_raw (f, calls[i][0], calls[i][1], &status);
      g_assert_true (JSON_NODE_HOLDS_OBJECT (reply));
      g_assert_true (status == 200 || status == 400);
    }

  /* Form bodies with bytes that are not UTF-8 */
  {
    static const char *forms[] = {
      "botToken=%F0&fields[code]=%F0&fields[properties][name]=%C3&fields[eventMode]=%E2%82",
      "botToken=%F0%9F%98%80%F0%9F%98%80%F0%9F%98%80%F0%9F%98%80%F0%9F%98%80%F0%9F%98%80%F0%9F%98%80%F0%9F%98%80"
      "%F0%9F%98%80%F0%9F%98%80%F0%9F%98%80%F0%9F%98%80%F0%9F%98%80%F0%9F%98%80%F0%9F%98%80%F0%9F%98%80"
      "%F0%9F%98%80%F0%9F%98%80%F0%9F%98%80%F0%9F%98%80%F0%9F%98%80%F0%9F%98%80%F0%9F%98%80%F0%9F%98%80"
      "%F0%9F%98%80%F0%9F%98%80%F0%9F%98%80%F0%9F%98%80%F0%9F%98%80%F0%9F%98%80%F0%9F%98%80%F0%9F%98%80"
      "%F0%9F%98%80%F0%9F%98%80%F0%9F%98%80%F0%9F%98%80%F0%9F%98%80%F0%9F%98%80%F0%9F%98%80%F0%9F%98%80"
      "&fields[code]=emoji&fields[properties][name]=E",
      "botToken=%FF%FE&fields[code]=bytes&fields[properties][name]=%FF&fields[type]=%F0",
    };

    for (guint i = 0; i < G_N_ELEMENTS (forms); i++)
      {
        g_autofree char *url = g_strconcat (f->webhook, "imbot.v2.Bot.register", NULL);
        g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
        g_autoptr(GBytes) body = g_bytes_new_static (forms[i], strlen (forms[i]));
        g_autoptr(GBytes) reply = NULL;
        g_autoptr(GError) error = NULL;

        soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", body);
        reply = soup_session_send_and_read (f->session, msg, NULL, &error);
        g_assert_no_error (error);
        g_assert_true (soup_message_get_status (msg) == 200 || soup_message_get_status (msg) == 400);
      }
    /* 40 emoji are 40 characters: a valid token */
    {
      g_autoptr(JsonObject) list = v2_ok (f, "imbot.v2.Bot.list",
                                          "{\"botToken\":\"😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀\"}");

      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (list, "bots")), ==, 1);
    }
  }

  /* Still serving */
  v2_register (f, "after", "after", "");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, data) \
  g_test_add ("/sandbox-v2/" path, Fixture, data, fixture_setup, func, fixture_teardown)

  ADD ("register/order", test_register_order, NULL);
  ADD ("register/success", test_register_success, NULL);
  ADD ("register/avatar-kinds", test_register_avatar_kinds, NULL);
  ADD ("register/owners", test_register_owners, NULL);
  ADD ("register/limit", test_register_limit, GINT_TO_POINTER ('n'));
  ADD ("bots/checks", test_bot_checks, NULL);
  ADD ("bots/update", test_update, NULL);
  ADD ("bots/unregister", test_unregister, NULL);
  ADD ("bots/list-get", test_list_get, NULL);
  ADD ("bots/list-strict-filter", test_list_strict_filter, GINT_TO_POINTER ('n'));
  ADD ("hostile/params", test_hostile, NULL);

#undef ADD

  return g_test_run ();
}
