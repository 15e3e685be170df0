/* test-bot-validator.c: every validation rule, error and warning
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One table row per rule.  Each row lists the complete expected issue list,
 * in order: "E|field|code|exact server text" for errors, "W|field|code" for
 * warnings ("-" for the whole definition).
 */
#define G_LOG_DOMAIN "test-bot-validator"

#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <string.h>

#include "botbench-bot.h"
#include "botbench-bot-validator.h"

#define MAX_ISSUES 12

/* The sandbox profile's portal: the emulator on loopback. */
#define SANDBOX_PORTAL "http://127.0.0.1:8090/"

typedef struct
{
  const char *name;
  const char *json;               /* the definition */
  const char *photo;              /* NULL, or "@png:W:H" / "@svg" / text for PERSONAL_PHOTO */
  const char *portal_url;         /* NULL: a cloud portal */
  gboolean    missing_client_id;
  guint       owner_bot_count;
  guint       bot_limit;
  const char *others[3];          /* definitions of the profile's other bots */
  const char *previous;           /* update mode: the registered definition */
  const char *expected[MAX_ISSUES];
} Case;

#define H_OK   "\"EVENT_HANDLER\":\"https://bot.example.com/h\""
#define P_OK   "\"PROPERTIES\":{\"NAME\":\"Echo\"}"
#define VALID  "{\"CODE\":\"echobot\"," H_OK "," P_OK "}"
#define WITH_HANDLER(url) "{\"CODE\":\"echobot\",\"EVENT_HANDLER\":\"" url "\"," P_OK "}"
#define WITH_PROPS(props) "{\"CODE\":\"echobot\"," H_OK ",\"PROPERTIES\":{\"NAME\":\"Echo\"," props "}}"
#define PER_EVENT(type, extra) \
  "{\"CODE\":\"echobot\",\"TYPE\":\"" type "\"," extra \
  "\"EVENT_MESSAGE_ADD\":\"https://bot.example.com/add\"," \
  "\"EVENT_WELCOME_MESSAGE\":\"https://bot.example.com/welcome\"," \
  "\"EVENT_BOT_DELETE\":\"https://bot.example.com/delete\"," P_OK "}"

#define E_ADD_MISSING     "E|EVENT_MESSAGE_ADD|EVENT_MESSAGE_ADD_ERROR|Handler for \"Message add\" event isn't specified"
#define E_WELCOME_MISSING "E|EVENT_WELCOME_MESSAGE|EVENT_WELCOME_MESSAGE_ERROR|Handler for \"Welcome message\" event isn't specified"
#define E_DELETE_MISSING  "E|EVENT_BOT_DELETE|EVENT_BOT_DELETE_ERROR|Handler for \"Bot delete\" event isn't specified"
#define E_HANDLER_WRONG   "E|EVENT_HANDLER|EVENT_MESSAGE_ADD_ERROR|Wrong handler URL"
#define E_HANDLER_PROTO   "E|EVENT_HANDLER|EVENT_MESSAGE_ADD_ERROR|Unsupported handler protocol"
#define E_CODE            "E|CODE|CODE_ERROR|Bot code isn't specified"
#define E_NAME            "E|PROPERTIES.NAME|NAME_ERROR|Bot name isn't specified"
#define E_EMAIL           "E|PROPERTIES.EMAIL|WRONG_REQUEST|Bot can't be created"

static const Case cases[] = {
  { "valid", VALID, .expected = { NULL } },
  { "valid-last-name-only",
    "{\"CODE\":\"echobot\"," H_OK ",\"PROPERTIES\":{\"LAST_NAME\":\"Bot\"}}", .expected = { NULL } },
  { "valid-code-00-is-not-empty",
    "{\"CODE\":\"00\"," H_OK "," P_OK "}", .expected = { NULL } },

  /* §1.3 step 2 */
  { "access-denied", VALID, .missing_client_id = TRUE,
    .expected = { "E|CLIENT_ID|ACCESS_DENIED|Access denied! Client ID not specified" } },

  /* steps 4, 7, 8: required handlers */
  { "handlers-missing", "{\"CODE\":\"x\"," P_OK "}",
    .expected = { E_ADD_MISSING, E_WELCOME_MISSING, E_DELETE_MISSING } },
  { "event-handler-0-is-empty", "{\"CODE\":\"x\",\"EVENT_HANDLER\":\"0\"," P_OK "}",
    .expected = { E_ADD_MISSING, E_WELCOME_MISSING, E_DELETE_MISSING } },
  { "handler-welcome-missing",
    "{\"CODE\":\"x\",\"EVENT_MESSAGE_ADD\":\"https://a.example.com/\","
    "\"EVENT_BOT_DELETE\":\"https://a.example.com/\"," P_OK "}",
    .expected = { E_WELCOME_MISSING } },

  /* §1.4: the URL rule; EVENT_HANDLER fans out, so one issue */
  { "url-localhost", WITH_HANDLER ("http://localhost:8080/h"), .expected = { E_HANDLER_WRONG } },
  { "url-bare-host", WITH_HANDLER ("https://mybox/x"), .expected = { E_HANDLER_WRONG } },
  { "url-no-scheme", WITH_HANDLER ("example.com/x"), .expected = { E_HANDLER_WRONG } },
  { "url-ipv6-loopback", WITH_HANDLER ("http://[::1]/"), .expected = { E_HANDLER_WRONG } },
  { "url-leading-dot", WITH_HANDLER ("https://.example/x"), .expected = { E_HANDLER_WRONG } },
  { "url-ftp", WITH_HANDLER ("ftp://example.com/x"), .expected = { E_HANDLER_PROTO } },
  { "url-upper-case-scheme", WITH_HANDLER ("HTTPS://example.com/x"), .expected = { E_HANDLER_PROTO } },
  { "url-port-and-query", WITH_HANDLER ("https://bot.example.com:8443/h?x=1"), .expected = { NULL } },
  { "url-user-info", WITH_HANDLER ("https://user@bot.example.com/h"), .expected = { NULL } },

  /* steps 4–15 in the server's order, each field on its own */
  { "server-order",
    "{\"CODE\":\"0\",\"EVENT_MESSAGE_ADD\":\"localhost\",\"EVENT_MESSAGE_UPDATE\":\"ftp://a.example.com/\","
    "\"EVENT_MESSAGE_DELETE\":\"https://nodot/\",\"EVENT_BOT_DELETE\":\"//x\","
    "\"PROPERTIES\":{\"EMAIL\":\"nobody\",\"PERSONAL_BIRTHDAY\":\"11.03.2016\"}}",
    .owner_bot_count = 5, .bot_limit = 5,
    .expected = {
      "E|EVENT_MESSAGE_ADD|EVENT_MESSAGE_ADD_ERROR|Wrong handler URL",
      "E|EVENT_MESSAGE_UPDATE|EVENT_MESSAGE_UPDATE_ERROR|Unsupported handler protocol",
      "E|EVENT_MESSAGE_DELETE|EVENT_MESSAGE_DELETE_ERROR|Wrong handler URL",
      E_WELCOME_MISSING,
      "E|EVENT_BOT_DELETE|EVENT_BOT_DELETE_ERROR|Wrong handler URL",
      E_CODE,
      "E|-|MAX_COUNT_ERROR|Has reached the maximum number of bots for application (max: 5)",
      E_NAME,
      "E|PROPERTIES.PERSONAL_BIRTHDAY|ERROR_CORE|Incorrect date/time: 11.03.2016 19:45:00",
      E_EMAIL } },

  /* step 9: PHP empty() */
  { "code-empty", "{\"CODE\":\"\"," H_OK "," P_OK "}", .expected = { E_CODE } },
  { "code-0", "{\"CODE\":\"0\"," H_OK "," P_OK "}", .expected = { E_CODE } },
  { "code-missing", "{" H_OK "," P_OK "}", .expected = { E_CODE } },

  /* step 10 and §1.10 */
  { "max-count", VALID, .owner_bot_count = 5, .bot_limit = 5,
    .expected = { "E|-|MAX_COUNT_ERROR|Has reached the maximum number of bots for application (max: 5)" } },
  { "max-count-other-limit", VALID, .owner_bot_count = 7, .bot_limit = 3,
    .expected = { "E|-|MAX_COUNT_ERROR|Has reached the maximum number of bots for application (max: 3)" } },
  { "last-bot-before-limit", VALID, .owner_bot_count = 4, .bot_limit = 5,
    .expected = { "W|-|BOT_LIMIT_LAST" } },
  { "no-limit-on-premise", VALID, .owner_bot_count = 40, .bot_limit = 0, .expected = { NULL } },

  /* step 12: isset(), so "" counts as present */
  { "name-missing", "{\"CODE\":\"x\"," H_OK "}", .expected = { E_NAME } },
  { "name-lower-case-key", "{\"CODE\":\"x\"," H_OK ",\"PROPERTIES\":{\"name\":\"Echo\"}}",
    .expected = { E_NAME } },
  { "name-empty", "{\"CODE\":\"x\"," H_OK ",\"PROPERTIES\":{\"NAME\":\"\"}}",
    .expected = { "W|PROPERTIES.NAME|NAME_EMPTY" } },

  /* step 13 */
  { "birthday-ok", WITH_PROPS ("\"PERSONAL_BIRTHDAY\":\"2016-03-11\""), .expected = { NULL } },
  { "birthday-dots", WITH_PROPS ("\"PERSONAL_BIRTHDAY\":\"11.03.2016\""),
    .expected = { "E|PROPERTIES.PERSONAL_BIRTHDAY|ERROR_CORE|Incorrect date/time: 11.03.2016 19:45:00" } },
  { "birthday-empty", WITH_PROPS ("\"PERSONAL_BIRTHDAY\":\"\""),
    .expected = { "E|PROPERTIES.PERSONAL_BIRTHDAY|ERROR_CORE|Incorrect date/time:  19:45:00" } },
  { "birthday-short-parts", WITH_PROPS ("\"PERSONAL_BIRTHDAY\":\"2016-3-1\""),
    .expected = { "W|PROPERTIES.PERSONAL_BIRTHDAY|BIRTHDAY_FORMAT" } },
  { "birthday-february-30", WITH_PROPS ("\"PERSONAL_BIRTHDAY\":\"2016-02-30\""),
    .expected = { "W|PROPERTIES.PERSONAL_BIRTHDAY|BIRTHDAY_NOT_A_DATE" } },
  { "birthday-month-13", WITH_PROPS ("\"PERSONAL_BIRTHDAY\":\"2016-13-01\""),
    .expected = { "W|PROPERTIES.PERSONAL_BIRTHDAY|BIRTHDAY_NOT_A_DATE" } },
  { "birthday-leap-day", WITH_PROPS ("\"PERSONAL_BIRTHDAY\":\"2016-02-29\""), .expected = { NULL } },
  { "birthday-not-leap", WITH_PROPS ("\"PERSONAL_BIRTHDAY\":\"2015-2-29\""),
    .expected = { "W|PROPERTIES.PERSONAL_BIRTHDAY|BIRTHDAY_FORMAT",
                  "W|PROPERTIES.PERSONAL_BIRTHDAY|BIRTHDAY_NOT_A_DATE" } },

  /* step 15: CUser::Add refuses a malformed e-mail */
  { "email-ok", WITH_PROPS ("\"EMAIL\":\"bot@example.com\""), .expected = { NULL } },
  { "email-empty", WITH_PROPS ("\"EMAIL\":\"\""), .expected = { NULL } },
  { "email-no-at", WITH_PROPS ("\"EMAIL\":\"bot.example.com\""), .expected = { E_EMAIL } },
  { "email-no-dot", WITH_PROPS ("\"EMAIL\":\"bot@example\""), .expected = { E_EMAIL } },
  { "email-space", WITH_PROPS ("\"EMAIL\":\"bot @example.com\""), .expected = { E_EMAIL } },

  /* warnings: hosts a cloud portal cannot reach */
  { "private-192-168-http", WITH_HANDLER ("http://192.168.1.5/h"),
    .expected = { "W|EVENT_HANDLER|HANDLER_PRIVATE_ADDRESS", "W|EVENT_HANDLER|HANDLER_PLAIN_HTTP" } },
  { "private-10", WITH_HANDLER ("https://10.1.2.3/h"), .expected = { "W|EVENT_HANDLER|HANDLER_PRIVATE_ADDRESS" } },
  { "private-172-16", WITH_HANDLER ("https://172.16.0.1/h"),
    .expected = { "W|EVENT_HANDLER|HANDLER_PRIVATE_ADDRESS" } },
  { "private-172-31", WITH_HANDLER ("https://172.31.255.255/h"),
    .expected = { "W|EVENT_HANDLER|HANDLER_PRIVATE_ADDRESS" } },
  { "public-172-32", WITH_HANDLER ("https://172.32.0.1/h"), .expected = { NULL } },
  { "public-ip", WITH_HANDLER ("https://203.0.113.7/h"), .expected = { NULL } },
  { "loopback-127", WITH_HANDLER ("https://127.0.0.1:8080/h"),
    .expected = { "W|EVENT_HANDLER|HANDLER_PRIVATE_ADDRESS" } },
  { "ipv6-mapped-private", WITH_HANDLER ("https://[::ffff:192.168.1.1]/h"),
    .expected = { "W|EVENT_HANDLER|HANDLER_PRIVATE_ADDRESS" } },
  { "ipv6-unique-local", WITH_HANDLER ("https://[fd00::1.2.3.4]/h"),
    .expected = { "W|EVENT_HANDLER|HANDLER_PRIVATE_ADDRESS" } },
  { "local-name", WITH_HANDLER ("https://bot.local/h"), .expected = { "W|EVENT_HANDLER|HANDLER_LOCAL_HOST" } },
  { "localhost-subdomain", WITH_HANDLER ("https://bot.localhost/h"),
    .expected = { "W|EVENT_HANDLER|HANDLER_LOCAL_HOST" } },
  { "plain-http", WITH_HANDLER ("http://bot.example.com/h"),
    .expected = { "W|EVENT_HANDLER|HANDLER_PLAIN_HTTP" } },
  { "sandbox-reaches-loopback", WITH_HANDLER ("http://127.0.0.1:8080/h"), .portal_url = SANDBOX_PORTAL,
    .expected = { NULL } },
  { "sandbox-still-refuses-localhost", WITH_HANDLER ("http://localhost:8080/h"), .portal_url = SANDBOX_PORTAL,
    .expected = { E_HANDLER_WRONG } },

  /* what the portal reaches follows from its address */
  { "loopback-portal-reaches-private", WITH_HANDLER ("http://192.168.1.20:8080/h"), .portal_url = SANDBOX_PORTAL,
    .expected = { NULL } },
  { "loopback-portal-reaches-local-name", WITH_HANDLER ("http://bot.localhost/h"), .portal_url = SANDBOX_PORTAL,
    .expected = { NULL } },
  { "localhost-portal-reaches-loopback", WITH_HANDLER ("http://127.0.0.1:8080/h"),
    .portal_url = "http://localhost:8090/", .expected = { NULL } },
  { "ipv6-loopback-portal-reaches-loopback", WITH_HANDLER ("http://[::ffff:127.0.0.1]:8080/h"),
    .portal_url = "http://[::1]:8090/", .expected = { NULL } },
  { "loopback-portal-plain-http-public", WITH_HANDLER ("http://bot.example.com/h"), .portal_url = SANDBOX_PORTAL,
    .expected = { "W|EVENT_HANDLER|HANDLER_PLAIN_HTTP" } },
  { "lan-portal-reaches-private", WITH_HANDLER ("http://192.168.1.20:8080/h"),
    .portal_url = "https://192.168.1.10/", .expected = { NULL } },
  { "lan-portal-reaches-other-private-net", WITH_HANDLER ("https://10.0.0.2/h"),
    .portal_url = "https://172.20.0.5/", .expected = { NULL } },
  { "lan-portal-reaches-local-name", WITH_HANDLER ("https://bot.lan/h"),
    .portal_url = "https://portal.lan/", .expected = { NULL } },
  { "ula-portal-reaches-private", WITH_HANDLER ("https://[fd00::1.2.3.5]/h"),
    .portal_url = "https://[fd00::1]/", .expected = { NULL } },
  { "lan-portal-not-my-loopback", WITH_HANDLER ("http://127.0.0.1:8080/h"),
    .portal_url = "https://192.168.1.10/",
    .expected = { "W|EVENT_HANDLER|HANDLER_PRIVATE_ADDRESS", "W|EVENT_HANDLER|HANDLER_PLAIN_HTTP" } },
  { "lan-portal-not-my-localhost-name", WITH_HANDLER ("https://bot.localhost/h"),
    .portal_url = "https://192.168.1.10/", .expected = { "W|EVENT_HANDLER|HANDLER_LOCAL_HOST" } },
  { "lan-portal-plain-http-public", WITH_HANDLER ("http://bot.example.com/h"),
    .portal_url = "https://192.168.1.10/", .expected = { "W|EVENT_HANDLER|HANDLER_PLAIN_HTTP" } },
  { "cloud-portal-private-handler", WITH_HANDLER ("https://192.168.1.20/h"),
    .portal_url = "https://example.bitrix24.com/", .expected = { "W|EVENT_HANDLER|HANDLER_PRIVATE_ADDRESS" } },
  { "cloud-portal-local-name", WITH_HANDLER ("https://bot.lan/h"),
    .portal_url = "https://example.bitrix24.com/", .expected = { "W|EVENT_HANDLER|HANDLER_LOCAL_HOST" } },
  { "cloud-portal-plain-http-loopback", WITH_HANDLER ("http://127.0.0.1:8080/h"),
    .portal_url = "https://example.bitrix24.com/",
    .expected = { "W|EVENT_HANDLER|HANDLER_PRIVATE_ADDRESS", "W|EVENT_HANDLER|HANDLER_PLAIN_HTTP" } },
  { "public-ip-portal-private-handler", WITH_HANDLER ("https://10.1.2.3/h"),
    .portal_url = "https://203.0.113.7/", .expected = { "W|EVENT_HANDLER|HANDLER_PRIVATE_ADDRESS" } },
  { "portal-url-unparsable-is-cloud", WITH_HANDLER ("https://10.1.2.3/h"),
    .portal_url = "not a url", .expected = { "W|EVENT_HANDLER|HANDLER_PRIVATE_ADDRESS" } },
  { "per-event-warnings-on-their-field",
    "{\"CODE\":\"x\",\"EVENT_MESSAGE_ADD\":\"https://bot.example.com/add\","
    "\"EVENT_WELCOME_MESSAGE\":\"http://10.0.0.2/w\",\"EVENT_BOT_DELETE\":\"https://bot.example.com/d\"," P_OK "}",
    .expected = { "W|EVENT_WELCOME_MESSAGE|HANDLER_PRIVATE_ADDRESS", "W|EVENT_WELCOME_MESSAGE|HANDLER_PLAIN_HTTP" } },

  /* warnings: UPDATE/DELETE dropped for B/H without OPENLINE */
  { "dropped-update-type-b",
    PER_EVENT ("B", "\"EVENT_MESSAGE_UPDATE\":\"https://bot.example.com/u\","),
    .expected = { "W|EVENT_MESSAGE_UPDATE|HANDLER_DROPPED" } },
  { "dropped-both-type-h",
    PER_EVENT ("H", "\"EVENT_MESSAGE_UPDATE\":\"https://bot.example.com/u\","
               "\"EVENT_MESSAGE_DELETE\":\"https://bot.example.com/d\","),
    .expected = { "W|EVENT_MESSAGE_UPDATE|HANDLER_DROPPED", "W|EVENT_MESSAGE_DELETE|HANDLER_DROPPED" } },
  { "kept-type-s", PER_EVENT ("S", "\"EVENT_MESSAGE_UPDATE\":\"https://bot.example.com/u\","),
    .expected = { NULL } },
  { "kept-type-o", PER_EVENT ("O", "\"EVENT_MESSAGE_DELETE\":\"https://bot.example.com/d\","),
    .expected = { NULL } },
  { "kept-openline", PER_EVENT ("B", "\"OPENLINE\":\"Y\",\"EVENT_MESSAGE_UPDATE\":\"https://bot.example.com/u\","),
    .expected = { NULL } },
  { "dropped-but-still-checked", PER_EVENT ("B", "\"EVENT_MESSAGE_UPDATE\":\"mailto:x@y.z\","),
    .expected = { "E|EVENT_MESSAGE_UPDATE|EVENT_MESSAGE_UPDATE_ERROR|Wrong handler URL" } },

  /* warnings: one handler set per application (§1.7), CODE per portal (§1.6) */
  { "same-handlers-as-others", VALID,
    .others = { "{\"CODE\":\"other\"," H_OK "," P_OK "}" }, .expected = { NULL } },
  { "different-event-handler", VALID,
    .others = { "{\"CODE\":\"other\",\"EVENT_HANDLER\":\"https://bot.example.com/other\"," P_OK "}",
                "{\"CODE\":\"third\",\"EVENT_HANDLER\":\"https://bot.example.com/third\"," P_OK "}" },
    .expected = { "W|EVENT_HANDLER|HANDLER_SET_CONFLICT" } },
  { "different-welcome-only", PER_EVENT ("B", ""),
    .others = { "{\"CODE\":\"other\",\"EVENT_MESSAGE_ADD\":\"https://bot.example.com/add\","
                "\"EVENT_WELCOME_MESSAGE\":\"https://bot.example.com/hello\","
                "\"EVENT_BOT_DELETE\":\"https://bot.example.com/delete\"," P_OK "}" },
    .expected = { "W|EVENT_WELCOME_MESSAGE|HANDLER_SET_CONFLICT" } },
  { "one-conflict-warning-per-field", VALID,
    .others = { "{\"CODE\":\"other\",\"TYPE\":\"S\",\"EVENT_MESSAGE_ADD\":\"https://bot.example.com/add\","
                "\"EVENT_MESSAGE_UPDATE\":\"https://bot.example.com/u\","
                "\"EVENT_WELCOME_MESSAGE\":\"https://bot.example.com/welcome\","
                "\"EVENT_BOT_DELETE\":\"https://bot.example.com/delete\"," P_OK "}" },
    .expected = { "W|EVENT_HANDLER|HANDLER_SET_CONFLICT" } },
  { "code-taken", VALID,
    .others = { "{\"CODE\":\"echobot\"," H_OK ",\"PROPERTIES\":{\"NAME\":\"Old\"}}" },
    .expected = { "W|CODE|CODE_TAKEN" } },

  /* warnings: PERSONAL_PHOTO is dropped silently (§1.8) */
  { "avatar-ok", VALID, .photo = "@png:64:64", .expected = { NULL } },
  { "avatar-5000", VALID, .photo = "@png:5000:1", .expected = { NULL } },
  { "avatar-too-wide", VALID, .photo = "@png:5001:1",
    .expected = { "W|PROPERTIES.PERSONAL_PHOTO|AVATAR_TOO_LARGE" } },
  { "avatar-too-tall", VALID, .photo = "@png:1:5001",
    .expected = { "W|PROPERTIES.PERSONAL_PHOTO|AVATAR_TOO_LARGE" } },
  { "avatar-data-uri", VALID, .photo = "@data-uri",
    .expected = { "W|PROPERTIES.PERSONAL_PHOTO|AVATAR_DATA_URI" } },
  { "avatar-text", VALID, .photo = "aGVsbG8gd29ybGQ=",
    .expected = { "W|PROPERTIES.PERSONAL_PHOTO|AVATAR_NOT_IMAGE" } },
  { "avatar-svg", VALID, .photo = "@svg", .expected = { "W|PROPERTIES.PERSONAL_PHOTO|AVATAR_NOT_IMAGE" } },
  { "avatar-truncated", VALID, .photo = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB",
    .expected = { "W|PROPERTIES.PERSONAL_PHOTO|AVATAR_NOT_IMAGE" } },
  { "avatar-empty", VALID, .photo = "", .expected = { NULL } },
  { "avatar-false", VALID, .photo = "false", .expected = { NULL } },

  /* imbot.update (§2.2) */
  { "update-name", "{\"CODE\":\"echobot\"," H_OK ",\"PROPERTIES\":{\"NAME\":\"Echo 2\"}}",
    .previous = VALID, .expected = { NULL } },
  { "update-nothing", VALID, .previous = VALID,
    .expected = { "E|-|WRONG_REQUEST|Update fields can't be empty" } },
  { "update-no-code-needed", "{" H_OK ",\"PROPERTIES\":{\"NAME\":\"Echo 2\"}}",
    .previous = VALID, .owner_bot_count = 5, .bot_limit = 5, .expected = { NULL } },
  { "update-bad-handler", WITH_HANDLER ("https://localhost/h"), .previous = VALID,
    .expected = { E_HANDLER_WRONG } },
  { "update-one-bad-handler", PER_EVENT ("B", ""),
    .previous = "{\"CODE\":\"echobot\",\"EVENT_MESSAGE_ADD\":\"https://bot.example.com/add\","
                "\"EVENT_WELCOME_MESSAGE\":\"https://nodot/welcome\","
                "\"EVENT_BOT_DELETE\":\"https://bot.example.com/old\"," P_OK "}",
    .expected = { NULL } },
  { "update-changed-handler-is-checked",
    "{\"CODE\":\"echobot\",\"EVENT_MESSAGE_ADD\":\"https://bot.example.com/add\","
    "\"EVENT_WELCOME_MESSAGE\":\"https://nodot/welcome\","
    "\"EVENT_BOT_DELETE\":\"https://bot.example.com/delete\"," P_OK "}",
    .previous = PER_EVENT ("B", ""),
    .expected = { "E|EVENT_WELCOME_MESSAGE|EVENT_WELCOME_MESSAGE_ERROR|Wrong handler URL" } },
  { "update-both-names-empty",
    "{\"CODE\":\"echobot\"," H_OK ",\"PROPERTIES\":{\"NAME\":\"\",\"LAST_NAME\":\"\"}}",
    .previous = "{\"CODE\":\"echobot\"," H_OK ",\"PROPERTIES\":{\"NAME\":\"Echo\",\"LAST_NAME\":\"Bot\"}}",
    .expected = { E_NAME } },
  { "update-type",
    "{\"CODE\":\"echobot\",\"TYPE\":\"S\",\"OPENLINE\":\"Y\"," H_OK "," P_OK "}", .previous = VALID,
    .expected = { "E|-|WRONG_REQUEST|Update fields can't be empty", "W|TYPE|TYPE_NOT_UPDATABLE",
                  "W|OPENLINE|OPENLINE_NOT_UPDATABLE" } },
  { "update-access-denied", "{\"CODE\":\"echo2\"," H_OK "," P_OK "}", .previous = VALID,
    .missing_client_id = TRUE,
    .expected = { "E|CLIENT_ID|ACCESS_DENIED|Access denied! Client ID not specified" } },
};

static char *
png_base64 (int width,
            int height)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  g_autoptr(GError) error = NULL;
  g_autofree char *buffer = NULL;
  gsize size = 0;

  gdk_pixbuf_fill (pixbuf, 0x336699ff);
  gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "png", &error, NULL);
  g_assert_no_error (error);

  return g_base64_encode ((const guchar *)buffer, size);
}

static char *
make_photo (const char *spec)
{
  int width, height;

  if (sscanf (spec, "@png:%d:%d", &width, &height) == 2)
    return png_base64 (width, height);

  if (g_str_equal (spec, "@data-uri"))
    {
      g_autofree char *png = png_base64 (8, 8);

      return g_strconcat ("data:image/png;base64,", png, NULL);
    }

  if (g_str_equal (spec, "@svg"))
    {
      static const char svg[] = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"64\" height=\"64\">"
                                "<rect width=\"64\" height=\"64\" fill=\"red\"/></svg>";

      return g_base64_encode ((const guchar *)svg, strlen (svg));
    }

  return g_strdup (spec);
}

static BotbenchBot *
bot_from_string (const char *json)
{
  g_autoptr(GError) error = NULL;
  BotbenchBot *bot = botbench_bot_new_from_data (json, -1, NULL, &error);

  g_assert_no_error (error);
  return bot;
}

static char *
describe (const BotbenchBotIssue *issue)
{
  if (issue->severity == BOTBENCH_BOT_ISSUE_ERROR)
    return g_strdup_printf ("E|%s|%s|%s", issue->field ? issue->field : "-", issue->code, issue->message);

  return g_strdup_printf ("W|%s|%s", issue->field ? issue->field : "-", issue->code);
}

static void
test_rule (gconstpointer data)
{
  const Case *c = data;
  g_autoptr(BotbenchBot) bot = bot_from_string (c->json);
  g_autoptr(BotbenchBot) previous = NULL;
  g_autoptr(GPtrArray) sets = g_ptr_array_new_with_free_func ((GDestroyNotify)botbench_bot_handler_set_free);
  g_autoptr(GPtrArray) issues = NULL;
  g_autoptr(GString) actual = g_string_new (NULL);
  g_autoptr(GString) expected = g_string_new (NULL);
  BotbenchBotValidationContext context = { 0, };
  gboolean has_error = FALSE;

  if (c->photo != NULL)
    {
      g_autofree char *photo = make_photo (c->photo);

      botbench_bot_set_property_value (bot, BOTBENCH_BOT_PROPERTY_PERSONAL_PHOTO, photo);
    }

  for (guint i = 0; i < G_N_ELEMENTS (c->others) && c->others[i] != NULL; i++)
    {
      g_autoptr(BotbenchBot) other = bot_from_string (c->others[i]);

      g_ptr_array_add (sets, botbench_bot_handler_set_new (other));
    }

  if (c->previous != NULL)
    {
      previous = bot_from_string (c->previous);
      botbench_bot_set_bot_id (previous, 39);
    }

  context.portal_url = c->portal_url;
  context.missing_client_id = c->missing_client_id;
  context.other_handler_sets = sets;
  context.owner_bot_count = c->owner_bot_count;
  context.bot_limit = c->bot_limit;
  context.previous = previous;

  issues = botbench_bot_validate (bot, &context);

  for (guint i = 0; i < issues->len; i++)
    {
      const BotbenchBotIssue *issue = g_ptr_array_index (issues, i);
      g_autofree char *line = describe (issue);

      g_string_append_printf (actual, "%s\n", line);
      g_assert_nonnull (issue->message);
      g_assert_cmpstr (issue->message, !=, "");
      /* errors say what to fix next to the server text; warnings say it in the message */
      if (issue->severity == BOTBENCH_BOT_ISSUE_ERROR)
        {
          g_assert_nonnull (issue->hint);
          has_error = TRUE;
        }
      else
        g_assert_null (issue->hint);
    }

  for (guint i = 0; i < MAX_ISSUES && c->expected[i] != NULL; i++)
    g_string_append_printf (expected, "%s\n", c->expected[i]);

  g_assert_cmpstr (actual->str, ==, expected->str);
  g_assert_cmpint (botbench_bot_issues_have_error (issues), ==, has_error);
}

static void
test_null_context (void)
{
  g_autoptr(BotbenchBot) bot = bot_from_string (WITH_HANDLER ("http://127.0.0.1/h"));
  g_autoptr(GPtrArray) issues = botbench_bot_validate (bot, NULL);

  /* NULL: a cloud portal, nothing else known */
  g_assert_cmpuint (issues->len, ==, 2);
  g_assert_cmpstr (((BotbenchBotIssue *)g_ptr_array_index (issues, 0))->code, ==,
                   BOTBENCH_BOT_WARNING_HANDLER_PRIVATE_ADDRESS);
}

/* The sample definitions are clean. */
static void
test_samples (gconstpointer data)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "bots", data, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(BotbenchBot) bot = botbench_bot_new_from_file (path, NULL, &error);
  g_autoptr(GPtrArray) issues = NULL;

  g_assert_no_error (error);
  issues = botbench_bot_validate (bot, NULL);
  for (guint i = 0; i < issues->len; i++)
    g_test_message ("%s", ((BotbenchBotIssue *)g_ptr_array_index (issues, i))->message);
  g_assert_cmpuint (issues->len, ==, 0);
}

typedef struct
{
  const char *url;
  const char *problem;
} UrlCase;

/* §1.4 examples, verbatim from the reference */
static const UrlCase url_cases[] = {
  { "http://localhost:8080/x", "Wrong handler URL" },
  { "https://mybox/x", "Wrong handler URL" },
  { "example.com/x", "Wrong handler URL" },
  { "http://[::1]/", "Wrong handler URL" },
  { "", "Wrong handler URL" },
  { "http://127.0.0.1:8080/x", NULL },
  { "http://192.168.1.5/x", NULL },
  { "https://bot.example.com:8443/x?CLIENT_ID=abc", NULL },
  { "//bot.example.com/x", "Unsupported handler protocol" },
  { "gopher://bot.example.com/", "Unsupported handler protocol" },
};

static void
test_check_handler_url (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (url_cases); i++)
    g_assert_cmpstr (botbench_bot_check_handler_url (url_cases[i].url), ==, url_cases[i].problem);
}

static void
test_issue_copy (void)
{
  g_autoptr(BotbenchBot) bot = bot_from_string ("{}");
  g_autoptr(GPtrArray) issues = botbench_bot_validate (bot, NULL);
  const BotbenchBotIssue *first = g_ptr_array_index (issues, 0);
  g_autoptr(BotbenchBotIssue) copy = botbench_bot_issue_copy (first);

  g_assert_cmpint (copy->severity, ==, first->severity);
  g_assert_cmpstr (copy->field, ==, first->field);
  g_assert_cmpstr (copy->code, ==, "EVENT_MESSAGE_ADD_ERROR");
  g_assert_cmpstr (copy->message, ==, first->message);
  g_assert_cmpstr (copy->hint, ==, first->hint);
  g_assert_true (copy->message != first->message);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/bot-validator/rule/%s", cases[i].name);

      g_test_add_data_func (path, &cases[i], test_rule);
    }
  g_test_add_data_func ("/bot-validator/sample/echo-bot", "echo-bot.json", test_samples);
  g_test_add_data_func ("/bot-validator/sample/supervisor-bot", "supervisor-bot.json", test_samples);
  g_test_add_func ("/bot-validator/null-context", test_null_context);
  g_test_add_func ("/bot-validator/check-handler-url", test_check_handler_url);
  g_test_add_func ("/bot-validator/issue-copy", test_issue_copy);

  return g_test_run ();
}
