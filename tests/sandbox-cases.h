/* sandbox-cases.h: the reference's validation tables (§1.3, §2.1–2.5)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shared by test-sandbox.c (raw libsoup requests) and test-sandbox-client.c
 * (the same rows through BotbenchRestClient).  Each row is one request and
 * the exact answer the portal gives.
 */
#pragma once

#include <glib.h>

typedef struct
{
  const char *name;
  const char *method;
  const char *body;          /* JSON; %BOT% %OTHER% %CMD% %OTHERCMD% %MSG% substituted */
  guint       status;
  const char *error;         /* NULL: success expected */
  const char *description;
} ValidationCase;

#define PNG_1X1 "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
#define H "\"EVENT_MESSAGE_ADD\":\"https://bot.example.com/a\",\"EVENT_WELCOME_MESSAGE\":\"https://bot.example.com/w\",\"EVENT_BOT_DELETE\":\"https://bot.example.com/d\""
#define P "\"PROPERTIES\":{\"NAME\":\"Bot\"}"

static const ValidationCase register_cases[] = {
  { "method-not-found", "imbot.nosuch", "{}", 404, "ERROR_METHOD_NOT_FOUND", "Method not found!" },
  { "no-client-id", "imbot.register", "{\"CODE\":\"x\"," H "," P "}", 403, "ACCESS_DENIED",
    "Access denied! Client ID not specified" },
  { "client-id-empty", "imbot.register", "{\"CLIENT_ID\":\"\",\"CODE\":\"x\"," H "," P "}", 403, "ACCESS_DENIED",
    "Access denied! Client ID not specified" },
  { "add-missing", "imbot.register", "{\"CLIENT_ID\":\"app1\"}", 400, "EVENT_MESSAGE_ADD_ERROR",
    "Handler for \"Message add\" event isn't specified" },
  { "add-localhost", "imbot.register", "{\"CLIENT_ID\":\"app1\",\"EVENT_MESSAGE_ADD\":\"http://localhost:8080/x\"}",
    400, "EVENT_MESSAGE_ADD_ERROR", "Wrong handler URL" },
  { "add-ftp", "imbot.register", "{\"CLIENT_ID\":\"app1\",\"EVENT_MESSAGE_ADD\":\"ftp://example.com/x\"}",
    400, "EVENT_MESSAGE_ADD_ERROR", "Unsupported handler protocol" },
  { "update-bad-before-welcome", "imbot.register",
    "{\"CLIENT_ID\":\"app1\",\"EVENT_MESSAGE_ADD\":\"https://bot.example.com/a\",\"EVENT_MESSAGE_UPDATE\":\"https://mybox/x\"}",
    400, "EVENT_MESSAGE_UPDATE_ERROR", "Wrong handler URL" },
  { "delete-bad", "imbot.register",
    "{\"CLIENT_ID\":\"app1\",\"EVENT_MESSAGE_ADD\":\"https://bot.example.com/a\",\"EVENT_MESSAGE_DELETE\":\"mailto:a@b.example\"}",
    400, "EVENT_MESSAGE_DELETE_ERROR", "Wrong handler URL" },
  { "welcome-missing", "imbot.register", "{\"CLIENT_ID\":\"app1\",\"EVENT_MESSAGE_ADD\":\"https://bot.example.com/a\"}",
    400, "EVENT_WELCOME_MESSAGE_ERROR", "Handler for \"Welcome message\" event isn't specified" },
  { "welcome-bad", "imbot.register",
    "{\"CLIENT_ID\":\"app1\",\"EVENT_MESSAGE_ADD\":\"https://bot.example.com/a\",\"EVENT_WELCOME_MESSAGE\":\"example.com/w\"}",
    400, "EVENT_WELCOME_MESSAGE_ERROR", "Wrong handler URL" },
  { "bot-delete-missing", "imbot.register",
    "{\"CLIENT_ID\":\"app1\",\"EVENT_MESSAGE_ADD\":\"https://bot.example.com/a\",\"EVENT_WELCOME_MESSAGE\":\"https://bot.example.com/w\"}",
    400, "EVENT_BOT_DELETE_ERROR", "Handler for \"Bot delete\" event isn't specified" },
  { "bot-delete-bad", "imbot.register",
    "{\"CLIENT_ID\":\"app1\",\"EVENT_MESSAGE_ADD\":\"https://bot.example.com/a\",\"EVENT_WELCOME_MESSAGE\":\"https://bot.example.com/w\",\"EVENT_BOT_DELETE\":\"HTTP://bot.example.com/d\"}",
    400, "EVENT_BOT_DELETE_ERROR", "Unsupported handler protocol" },
  { "code-missing", "imbot.register", "{\"CLIENT_ID\":\"app1\"," H "}", 400, "CODE_ERROR", "Bot code isn't specified" },
  { "code-zero", "imbot.register", "{\"CLIENT_ID\":\"app1\",\"CODE\":\"0\"," H "," P "}", 400, "CODE_ERROR",
    "Bot code isn't specified" },
  { "name-missing", "imbot.register", "{\"CLIENT_ID\":\"app1\",\"CODE\":\"x\"," H ",\"PROPERTIES\":{\"COLOR\":\"RED\"}}",
    400, "NAME_ERROR", "Bot name isn't specified" },
  { "name-null", "imbot.register", "{\"CLIENT_ID\":\"app1\",\"CODE\":\"x\"," H ",\"PROPERTIES\":{\"NAME\":null}}",
    400, "NAME_ERROR", "Bot name isn't specified" },
  { "properties-missing", "imbot.register", "{\"CLIENT_ID\":\"app1\",\"CODE\":\"x\"," H "}", 400, "NAME_ERROR",
    "Bot name isn't specified" },
  { "birthday-bad", "imbot.register",
    "{\"CLIENT_ID\":\"app1\",\"CODE\":\"x\"," H ",\"PROPERTIES\":{\"NAME\":\"B\",\"PERSONAL_BIRTHDAY\":\"11.03.2016\"}}",
    400, "ERROR_CORE", "Incorrect date/time: 11.03.2016 19:45:00" },
  { "email-bad", "imbot.register",
    "{\"CLIENT_ID\":\"app1\",\"CODE\":\"x\"," H ",\"PROPERTIES\":{\"NAME\":\"B\",\"EMAIL\":\"not an email\"}}",
    400, "WRONG_REQUEST", "Bot can't be created" },
  { "photo-bad-name", "imbot.register",
    "{\"CLIENT_ID\":\"app1\",\"CODE\":\"x\"," H ",\"PROPERTIES\":{\"NAME\":\"B\",\"PERSONAL_PHOTO\":[\"a.svg\",\"" PNG_1X1 "\"]}}",
    400, "WRONG_REQUEST", "Bot can't be created" },
  { "photo-garbage-dropped", "imbot.register",
    "{\"CLIENT_ID\":\"app1\",\"CODE\":\"x\"," H ",\"PROPERTIES\":{\"NAME\":\"B\",\"PERSONAL_PHOTO\":\"data:image/png;base64,xyz\"}}",
    200, NULL, NULL },
  { "photo-ok", "imbot.register",
    "{\"CLIENT_ID\":\"app1\",\"CODE\":\"x\"," H ",\"PROPERTIES\":{\"NAME\":\"B\",\"PERSONAL_PHOTO\":\"" PNG_1X1 "\"}}",
    200, NULL, NULL },
  { "name-empty-ok", "imbot.register", "{\"CLIENT_ID\":\"app1\",\"CODE\":\"x\"," H ",\"PROPERTIES\":{\"NAME\":\"\"}}",
    200, NULL, NULL },
  { "event-handler-fans-out", "imbot.register",
    "{\"CLIENT_ID\":\"app1\",\"CODE\":\"x\",\"EVENT_HANDLER\":\"http://127.0.0.1:8080/x\"," P "}", 200, NULL, NULL },
  { "event-handler-overrides", "imbot.register",
    "{\"CLIENT_ID\":\"app1\",\"CODE\":\"x\",\"EVENT_MESSAGE_ADD\":\"http://localhost/x\",\"EVENT_HANDLER\":\"https://bot.example.com/e\"," P "}",
    200, NULL, NULL },
  { "keys-case-insensitive", "imbot.register",
    "{\"client_id\":\"app1\",\"code\":\"x\",\"event_handler\":\"https://bot.example.com/e\",\"Properties\":{\"NAME\":\"B\"}}",
    200, NULL, NULL },
  { "properties-keys-case-sensitive", "imbot.register",
    "{\"CLIENT_ID\":\"app1\",\"CODE\":\"x\",\"EVENT_HANDLER\":\"https://bot.example.com/e\",\"PROPERTIES\":{\"name\":\"B\"}}",
    400, "NAME_ERROR", "Bot name isn't specified" },
  { "code-error-before-name", "imbot.register", "{\"CLIENT_ID\":\"app1\"," H ",\"PROPERTIES\":{}}", 400, "CODE_ERROR",
    "Bot code isn't specified" },

  /* §2.1 imbot.unregister */
  { "unregister-no-client", "imbot.unregister", "{\"BOT_ID\":%BOT%}", 403, "ACCESS_DENIED",
    "Access denied! Client ID not specified" },
  { "unregister-no-bot-id", "imbot.unregister", "{\"CLIENT_ID\":\"app1\"}", 400, "BOT_ID_ERROR", "Bot not found" },
  { "unregister-unknown", "imbot.unregister", "{\"CLIENT_ID\":\"app1\",\"BOT_ID\":99999}", 400, "BOT_ID_ERROR",
    "Bot not found" },
  { "unregister-other-owner", "imbot.unregister", "{\"CLIENT_ID\":\"app1\",\"BOT_ID\":%OTHER%}", 400, "APP_ID_ERROR",
    "Bot was installed by another rest application" },
  { "unregister-ok", "imbot.unregister", "{\"CLIENT_ID\":\"app1\",\"BOT_ID\":%BOT%}", 200, NULL, NULL },

  /* §2.2 imbot.update */
  { "update-no-client", "imbot.update", "{\"BOT_ID\":%BOT%,\"FIELDS\":{\"CODE\":\"y\"}}", 403, "ACCESS_DENIED",
    "Access denied! Client ID not specified" },
  { "update-unknown", "imbot.update", "{\"CLIENT_ID\":\"app1\",\"BOT_ID\":99999,\"FIELDS\":{\"CODE\":\"y\"}}", 400,
    "BOT_ID_ERROR", "Bot not found" },
  { "update-other-owner", "imbot.update", "{\"CLIENT_ID\":\"app1\",\"BOT_ID\":%OTHER%,\"FIELDS\":{\"CODE\":\"y\"}}",
    400, "APP_ID_ERROR", "Bot was installed by another rest application" },
  { "update-bad-handler", "imbot.update",
    "{\"CLIENT_ID\":\"app1\",\"BOT_ID\":%BOT%,\"FIELDS\":{\"EVENT_WELCOME_MESSAGE\":\"http://localhost/w\"}}", 400,
    "EVENT_WELCOME_MESSAGE_ERROR", "Wrong handler URL" },
  { "update-fanout-bad", "imbot.update",
    "{\"CLIENT_ID\":\"app1\",\"BOT_ID\":%BOT%,\"FIELDS\":{\"EVENT_HANDLER\":\"gopher://example.com/\"}}", 400,
    "EVENT_MESSAGE_ADD_ERROR", "Unsupported handler protocol" },
  { "update-names-empty", "imbot.update",
    "{\"CLIENT_ID\":\"app1\",\"BOT_ID\":%BOT%,\"FIELDS\":{\"PROPERTIES\":{\"NAME\":\"\",\"LAST_NAME\":\"\"}}}", 400,
    "NAME_ERROR", "Bot name isn't specified" },
  { "update-nothing", "imbot.update", "{\"CLIENT_ID\":\"app1\",\"BOT_ID\":%BOT%,\"FIELDS\":{}}", 400,
    "WRONG_REQUEST", "Update fields can't be empty" },
  { "update-no-fields", "imbot.update", "{\"CLIENT_ID\":\"app1\",\"BOT_ID\":%BOT%}", 400,
    "WRONG_REQUEST", "Update fields can't be empty" },
  { "update-ok", "imbot.update",
    "{\"CLIENT_ID\":\"app1\",\"BOT_ID\":%BOT%,\"FIELDS\":{\"PROPERTIES\":{\"NAME\":\"Renamed\"}}}", 200, NULL, NULL },

  /* §2.4 imbot.message.add */
  { "message-no-client", "imbot.message.add", "{\"BOT_ID\":%BOT%,\"DIALOG_ID\":\"1\",\"MESSAGE\":\"hi\"}", 403,
    "ACCESS_DENIED", "Access denied! Client ID not specified" },
  { "message-unknown-bot", "imbot.message.add",
    "{\"CLIENT_ID\":\"app1\",\"BOT_ID\":99999,\"DIALOG_ID\":\"1\",\"MESSAGE\":\"hi\"}", 400, "BOT_ID_ERROR", "Bot not found" },
  { "message-no-bot-of-owner", "imbot.message.add",
    "{\"CLIENT_ID\":\"nobody\",\"DIALOG_ID\":\"1\",\"MESSAGE\":\"hi\"}", 400, "BOT_ID_ERROR", "Bot not found" },
  { "message-other-owner", "imbot.message.add",
    "{\"CLIENT_ID\":\"app1\",\"BOT_ID\":%OTHER%,\"DIALOG_ID\":\"1\",\"MESSAGE\":\"hi\"}", 400, "APP_ID_ERROR",
    "Bot was installed by another rest application" },
  { "message-no-dialog", "imbot.message.add", "{\"CLIENT_ID\":\"app1\",\"BOT_ID\":%BOT%,\"MESSAGE\":\"hi\"}", 400,
    "DIALOG_ID_EMPTY", "Dialog ID can't be empty" },
  { "message-empty", "imbot.message.add", "{\"CLIENT_ID\":\"app1\",\"BOT_ID\":%BOT%,\"DIALOG_ID\":\"1\",\"MESSAGE\":\"  \"}",
    400, "MESSAGE_EMPTY", "Message can't be empty" },
  { "message-attach", "imbot.message.add",
    "{\"CLIENT_ID\":\"app1\",\"BOT_ID\":%BOT%,\"DIALOG_ID\":\"1\",\"MESSAGE\":\"hi\",\"ATTACH\":\"{broken\"}", 400,
    "ATTACH_ERROR", "Incorrect attach params" },
  { "message-keyboard", "imbot.message.add",
    "{\"CLIENT_ID\":\"app1\",\"BOT_ID\":%BOT%,\"DIALOG_ID\":\"1\",\"MESSAGE\":\"hi\",\"KEYBOARD\":42}", 400,
    "KEYBOARD_ERROR", "Incorrect keyboard params" },
  { "message-menu", "imbot.message.add",
    "{\"CLIENT_ID\":\"app1\",\"BOT_ID\":%BOT%,\"DIALOG_ID\":\"1\",\"MESSAGE\":\"hi\",\"MENU\":\"nope\"}", 400,
    "MENU_ERROR", "Incorrect menu params" },
  { "message-chat-not-member", "imbot.message.add",
    "{\"CLIENT_ID\":\"app1\",\"BOT_ID\":%BOT%,\"DIALOG_ID\":\"chat777\",\"MESSAGE\":\"hi\"}", 400, "WRONG_REQUEST",
    "Message isn't added" },
  { "message-ok", "imbot.message.add",
    "{\"CLIENT_ID\":\"app1\",\"BOT_ID\":%BOT%,\"DIALOG_ID\":\"1\",\"MESSAGE\":\"hi\",\"ATTACH\":[{\"MESSAGE\":\"x\"}]}",
    200, NULL, NULL },
  { "message-default-bot", "imbot.message.add", "{\"CLIENT_ID\":\"app1\",\"DIALOG_ID\":\"1\",\"MESSAGE\":\"hi\"}",
    200, NULL, NULL },

  /* §2.5 imbot.command.* */
  { "command-no-client", "imbot.command.register", "{\"BOT_ID\":%BOT%}", 403, "ACCESS_DENIED",
    "Access denied! Client ID not specified" },
  { "command-no-handler", "imbot.command.register", "{\"CLIENT_ID\":\"app1\",\"BOT_ID\":%BOT%,\"COMMAND\":\"x\"}", 400,
    "EVENT_COMMAND_ADD_ERROR", "Handler for \"Command add\" event isn't specified" },
  { "command-bad-handler", "imbot.command.register",
    "{\"CLIENT_ID\":\"app1\",\"BOT_ID\":%BOT%,\"COMMAND\":\"x\",\"EVENT_COMMAND_ADD\":\"http://mybox/c\"}", 400,
    "EVENT_COMMAND_ADD_ERROR", "Wrong handler URL" },
  { "command-missing", "imbot.command.register",
    "{\"CLIENT_ID\":\"app1\",\"BOT_ID\":%BOT%,\"EVENT_COMMAND_ADD\":\"https://bot.example.com/c\"}", 400,
    "COMMAND_ERROR", "Command isn't specified" },
  { "command-bot-zero", "imbot.command.register",
    "{\"CLIENT_ID\":\"app1\",\"BOT_ID\":0,\"COMMAND\":\"x\",\"EVENT_COMMAND_ADD\":\"https://bot.example.com/c\"}", 400,
    "BOT_ID_ERROR", "Bot not found" },
  { "command-other-owner", "imbot.command.register",
    "{\"CLIENT_ID\":\"app1\",\"BOT_ID\":%OTHER%,\"COMMAND\":\"x\",\"EVENT_COMMAND_ADD\":\"https://bot.example.com/c\"}",
    400, "APP_ID_ERROR", "Bot was installed by another rest application" },
  { "command-no-lang", "imbot.command.register",
    "{\"CLIENT_ID\":\"app1\",\"BOT_ID\":%BOT%,\"COMMAND\":\"x\",\"EVENT_COMMAND_ADD\":\"https://bot.example.com/c\"}", 400,
    "LANG_ERROR", "Lang set can't be empty" },
  { "command-ok", "imbot.command.register",
    "{\"CLIENT_ID\":\"app1\",\"BOT_ID\":%BOT%,\"COMMAND\":\"x\",\"EVENT_COMMAND_ADD\":\"https://bot.example.com/c\","
    "\"LANG\":[{\"LANGUAGE_ID\":\"en\",\"TITLE\":\"X\"}]}", 200, NULL, NULL },
  { "command-unregister-unknown", "imbot.command.unregister", "{\"CLIENT_ID\":\"app1\",\"COMMAND_ID\":99999}", 400,
    "COMMAND_ID_ERROR", "Command not found" },
  { "command-unregister-other", "imbot.command.unregister", "{\"CLIENT_ID\":\"app1\",\"COMMAND_ID\":%OTHERCMD%}", 400,
    "APP_ID_ERROR", "Command was installed by another rest application" },
  { "command-unregister-ok", "imbot.command.unregister", "{\"CLIENT_ID\":\"app1\",\"COMMAND_ID\":%CMD%}", 200, NULL, NULL },
  { "command-update-empty", "imbot.command.update", "{\"CLIENT_ID\":\"app1\",\"COMMAND_ID\":%CMD%,\"FIELDS\":{}}", 400,
    "WRONG_REQUEST", "Update fields can't be empty" },
  { "command-update-bad-handler", "imbot.command.update",
    "{\"CLIENT_ID\":\"app1\",\"COMMAND_ID\":%CMD%,\"FIELDS\":{\"EVENT_COMMAND_ADD\":\"ftp://a.example/\"}}", 400,
    "EVENT_COMMAND_ADD_ERROR", "Unsupported handler protocol" },
  { "command-update-ok", "imbot.command.update",
    "{\"CLIENT_ID\":\"app1\",\"COMMAND_ID\":%CMD%,\"FIELDS\":{\"HIDDEN\":\"Y\"}}", 200, NULL, NULL },
  { "command-answer-no-message", "imbot.command.answer", "{\"CLIENT_ID\":\"app1\",\"COMMAND_ID\":%CMD%,\"MESSAGE\":\"a\"}",
    400, "MESSAGE_ID_EMPTY", "Message ID can't be empty" },
  { "command-answer-empty", "imbot.command.answer",
    "{\"CLIENT_ID\":\"app1\",\"COMMAND_ID\":%CMD%,\"MESSAGE_ID\":%MSG%,\"MESSAGE\":\"\"}", 400, "MESSAGE_EMPTY",
    "Message can't be empty" },
  { "command-answer-other", "imbot.command.answer",
    "{\"CLIENT_ID\":\"app1\",\"COMMAND_ID\":%OTHERCMD%,\"MESSAGE_ID\":%MSG%,\"MESSAGE\":\"a\"}", 400, "APP_ID_ERROR",
    "Command was installed by another rest application" },
  { "command-answer-ok", "imbot.command.answer",
    "{\"CLIENT_ID\":\"app1\",\"COMMAND\":\"echo\",\"MESSAGE_ID\":%MSG%,\"MESSAGE\":\"a\"}", 200, NULL, NULL },
};

/* §1.3 step 0b and §4.4: authentication failures. */
typedef enum
{
  AUTH_BAD_SECRET,
  AUTH_BAD_USER,
  AUTH_OAUTH_NONE,
  AUTH_OAUTH_BOGUS,
  AUTH_OAUTH_BOGUS_BEARER,
} AuthKind;

typedef struct
{
  const char *name;
  AuthKind    kind;
  guint       status;
  const char *error;
  const char *description;
} AuthCase;

static const AuthCase auth_cases[] = {
  { "bad-secret", AUTH_BAD_SECRET, 401, "INVALID_CREDENTIALS", "Invalid request credentials" },
  { "bad-user", AUTH_BAD_USER, 401, "INVALID_CREDENTIALS", "Invalid request credentials" },
  { "oauth-no-token", AUTH_OAUTH_NONE, 401, "NO_AUTH_FOUND", "Wrong authorization data" },
  { "oauth-bogus-token", AUTH_OAUTH_BOGUS, 401, "invalid_token", "Unable to get application by token" },
  { "oauth-bogus-bearer", AUTH_OAUTH_BOGUS_BEARER, 401, "invalid_token", "Unable to get application by token" },
};
