/* botbench-event-template.c: simulated Bitrix24 events
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each template writes its keys in the order of the matching fixture
 * (tests/fixtures/events, reference §3.4) into a form tree, which
 * botbench_form_encode() turns into the body exactly as the portal's
 * http_build_query() does.  Where a variant has keys the fixture lacks,
 * the comment says which reference section (or source) they come from;
 * test-event-template checks that every template has all its fixture's key
 * paths in the fixture's order and nothing else beyond those named.
 */
#define G_LOG_DOMAIN "botbench-event"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "botbench-bot.h"
#include "botbench-event-template.h"
#include "botbench-form-edit.h"
#include "botbench-form-encoder.h"

G_DEFINE_QUARK (botbench-event-template-error-quark, botbench_event_template_error)

typedef enum
{
  MESSAGE_ADD_PRIVATE,
  MESSAGE_ADD_GROUP_MENTION,
  MESSAGE_ADD_FILES,
  MESSAGE_ADD_FORWARDED,
  MESSAGE_UPDATE,
  MESSAGE_DELETE,
  JOIN_CHAT_PRIVATE,
  JOIN_CHAT_GROUP,
  BOT_DELETE,
  COMMAND_ADD,
  APP_INSTALL,
  N_TEMPLATES
} TemplateId;

static const char * const template_names[N_TEMPLATES + 1] = {
  "message-add-private",
  "message-add-group-mention",
  "message-add-files",
  "message-add-forwarded",
  "message-update",
  "message-delete",
  "join-chat-private",
  "join-chat-group",
  "bot-delete",
  "command-add",
  "app-install",
  NULL
};

static const struct
{
  const char *event;
  const char *handler_id;   /* event_handler_id of the fixture, NULL: none */
  const char *title;
} template_info[N_TEMPLATES] = {
  { "ONIMBOTMESSAGEADD",    "403",  N_("Message in a private chat") },
  { "ONIMBOTMESSAGEADD",    "403",  N_("Message in a group chat that mentions the bot") },
  { "ONIMBOTMESSAGEADD",    "403",  N_("Message with a file") },
  { "ONIMBOTMESSAGEADD",    "403",  N_("Forwarded message") },
  { "ONIMBOTMESSAGEUPDATE", "455",  N_("Message edited") },
  { "ONIMBOTMESSAGEDELETE", "457",  N_("Message deleted") },
  { "ONIMBOTJOINCHAT",      "459",  N_("User opens a private chat with the bot") },
  { "ONIMBOTJOINCHAT",      "459",  N_("Bot added to a group chat") },
  { "ONIMBOTDELETE",        "439",  N_("Bot deleted") },
  { "ONIMCOMMANDADD",       "1045", N_("Slash command") },
  { "ONAPPINSTALL",         NULL,   N_("Application installed") },
};

/* The fixtures' portal, app and user */
#define DEFAULT_BOT_ID            567
#define DEFAULT_BOT_CODE          "echo_bot"
#define DEFAULT_DOMAIN            "example.bitrix24.com"
#define DEFAULT_MEMBER_ID         "bac1cd5c8940947a75e0d71b1a84e348"
#define DEFAULT_APP_TOKEN         "831c76b092f9f135d9b6b36c3a720757"
#define DEFAULT_CLIENT_ID         "local.6650a1b2c3d4e5.12345678"
#define DEFAULT_USER_ID           27
#define DEFAULT_CHAT_ID           1157
#define DEFAULT_COMMAND_ID        103
#define SERVER_ENDPOINT           "https://oauth.bitrix.info/rest/"

typedef struct
{
  BotbenchFormNode *tree;
  GString          *prefix;         /* e.g. "data[PARAMS]" */

  /* the context with defaults filled in */
  gint64            bot_id;
  const char       *bot_code;
  const char       *bot_name;
  const char       *domain;
  char             *client_endpoint;
  const char       *member_id;
  const char       *app_token;
  const char       *client_id;
  const char       *scope;
  gint64            user_id;
  const char       *first_name;
  const char       *last_name;
  const char       *gender;
  const char       *message;
  gint64            chat_id;
  const char       *command;
  const char       *command_params;
  gint64            command_id;
  const char       *language;
  gint64            now;
  gint64            message_id;
} Builder;

/* Sets PREFIX[key] (or key at the top when the prefix is empty). */
static void
put (Builder    *b,
     const char *key,
     const char *value)
{
  g_autofree char *full = NULL;
  g_autoptr(GError) error = NULL;

  if (b->prefix->len == 0)
    full = g_strdup (key);
  else
    full = g_strdup_printf ("%s[%s]", b->prefix->str, key);

  if (!botbench_form_edit_set (&b->tree, full, value, &error))
    g_warning ("Template key %s: %s", full, error->message);
}

static void
put_int (Builder    *b,
         const char *key,
         gint64      value)
{
  char buf[24];

  g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, value);
  put (b, key, buf);
}

static void
enter (Builder    *b,
       const char *path)
{
  g_string_assign (b->prefix, path);
}

static char *
fake_token (void)
{
  return g_strdup_printf ("%08x%08x%08x%08x%08x", g_random_int (), g_random_int (), g_random_int (),
                          g_random_int (), g_random_int ());
}

/* The OAuth credentials of §3.2, in the fixtures' order; user_id and the
 * refresh token placed as in data[BOT][id] (bot) or auth[] (user). */
static void
put_credentials (Builder    *b,
                 gboolean    bot_entry,
                 gint64      user_id,
                 const char *access_token,
                 const char *refresh_token)
{
  put (b, "access_token", access_token);
  put_int (b, "expires", b->now + 3600);
  put (b, "expires_in", "3600");
  put (b, "scope", b->scope);
  put (b, "domain", b->domain);
  put (b, "server_endpoint", SERVER_ENDPOINT);
  put (b, "status", "L");
  put (b, "client_endpoint", b->client_endpoint);
  put (b, "member_id", b->member_id);
  if (bot_entry)
    {
      put (b, "refresh_token", refresh_token);
      put_int (b, "user_id", user_id);
      put (b, "client_id", b->client_id);
    }
  else
    {
      put_int (b, "user_id", user_id);
      if (refresh_token != NULL)
        put (b, "refresh_token", refresh_token);
    }
  put (b, "application_token", b->app_token);
}

/* data[BOT][id] or data[COMMAND][id]: the bot's credentials, AUTH (a
 * copy), BOT_ID, BOT_CODE (§3.2). */
static void
put_bot_entry (Builder    *b,
               const char *path)
{
  g_autofree char *access_token = fake_token ();
  g_autofree char *refresh_token = fake_token ();
  g_autofree char *auth_path = g_strdup_printf ("%s[AUTH]", path);

  enter (b, path);
  put_credentials (b, TRUE, b->bot_id, access_token, refresh_token);
  enter (b, auth_path);
  put_credentials (b, TRUE, b->bot_id, access_token, refresh_token);
  enter (b, path);
  put_int (b, "BOT_ID", b->bot_id);
  put (b, "BOT_CODE", b->bot_code);
}

static void
put_bot_map (Builder *b)
{
  g_autofree char *path = g_strdup_printf ("data[BOT][%" G_GINT64_FORMAT "]", b->bot_id);

  put_bot_entry (b, path);
}

typedef enum
{
  USER_SHORT,     /* ONIMCOMMANDADD: no WORK_POSITION */
  USER_JOIN,      /* ONIMBOTJOINCHAT: the first six */
  USER_MESSAGE,   /* message events: and the IS_* flags */
} UserShape;

/* data[USER] (§3.2) */
static void
put_user (Builder   *b,
          UserShape  shape)
{
  g_autofree char *name = g_strdup_printf ("%s %s", b->first_name, b->last_name);

  enter (b, "data[USER]");
  put_int (b, "ID", b->user_id);
  put (b, "NAME", name);
  put (b, "FIRST_NAME", b->first_name);
  put (b, "LAST_NAME", b->last_name);
  if (shape != USER_SHORT)
    put (b, "WORK_POSITION", "");
  put (b, "GENDER", b->gender);
  if (shape == USER_MESSAGE)
    {
      put (b, "IS_BOT", "N");
      put (b, "IS_CONNECTOR", "N");
      put (b, "IS_NETWORK", "N");
      put (b, "IS_EXTRANET", "N");
    }
}

/* ts and auth[] of the user (§3.2); refresh token for message and command
 * events (§3.1). */
static void
put_ts_auth (Builder  *b,
             gboolean  with_refresh)
{
  g_autofree char *access_token = fake_token ();
  g_autofree char *refresh_token = with_refresh ? fake_token () : NULL;

  enter (b, "");
  put_int (b, "ts", b->now);
  enter (b, "auth");
  put_credentials (b, FALSE, b->user_id, access_token, refresh_token);
}

static const char * const delivery_flags[] = {
  "PUSH", "Y", "PUSH_IMPORTANT", "N", "RECENT_SKIP_AUTHOR", "N", "CONVERT", "N",
  "SKIP_COMMAND", "N", "SKIP_COUNTER_INCREMENTS", "N", "SILENT_CONNECTOR", "N",
  "SKIP_CONNECTOR", "N", "IMPORTANT_CONNECTOR", "N", "NO_SESSION_OL", "N",
  "FAKE_RELATION", "0", "SKIP_URL_INDEX", "N",
};

/* ONIMBOTMESSAGEADD, the four variants (§3.4.1) */
static void
build_message_add (Builder    *b,
                   TemplateId  id)
{
  gboolean group = id == MESSAGE_ADD_GROUP_MENTION;
  g_autofree char *template_id = g_uuid_string_random ();
  g_autofree char *dialog = group ? g_strdup_printf ("chat%" G_GINT64_FORMAT, b->chat_id)
                                  : g_strdup_printf ("%" G_GINT64_FORMAT, b->user_id);
  gint64 private_chat = b->chat_id + 250;

  put_bot_map (b);

  enter (b, "data[PARAMS]");
  put (b, "MESSAGE", b->message);
  put (b, "TEMPLATE_ID", template_id);
  put (b, "MESSAGE_TYPE", group ? "C" : "P");
  put_int (b, "FROM_USER_ID", b->user_id);
  put (b, "DIALOG_ID", dialog);
  put_int (b, "TO_CHAT_ID", group ? b->chat_id : private_chat);
  put_int (b, "AUTHOR_ID", b->user_id);
  put (b, "SYSTEM", "N");
  put_int (b, "TO_USER_ID", b->bot_id);
  if (group)
    {
      /* group-only chat fields, in this order: reference §3.2 (documented
       * PARAMS keys marked "group chats only") and §3.4.1 group variant */
      put_int (b, "CHAT_ID", b->chat_id);
      put (b, "CHAT_TITLE", "Project chat");
      put_int (b, "CHAT_AUTHOR_ID", b->user_id);
      put (b, "CHAT_AVATAR", "");
      put (b, "CHAT_COLOR", "#4ba984");
      put (b, "CHAT_ENTITY_TYPE", "");
      put (b, "CHAT_ENTITY_ID", "");
      put (b, "CHAT_ENTITY_DATA_1", "");
      put (b, "CHAT_ENTITY_DATA_2", "");
      put (b, "CHAT_ENTITY_DATA_3", "");
      put (b, "CHAT_EXTRANET", "N");
      put_int (b, "CHAT_PREV_MESSAGE_ID", b->message_id - 1);
      put (b, "CHAT_CAN_POST", "MEMBER");
      put (b, "RID", "0");
      put (b, "IS_MANAGER", "N");
    }
  for (guint i = 0; i < G_N_ELEMENTS (delivery_flags); i += 2)
    put (b, delivery_flags[i], delivery_flags[i + 1]);
  put (b, "COMMAND_CONTEXT", "TEXTAREA");
  put (b, "CHAT_USER_COUNT", group ? "3" : "2");
  if (group)
    {
      /* §3.4.1 group variant: data[PARAMS][MENTIONED_LIST][567]=567 */
      g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT, b->bot_id);

      enter (b, "data[PARAMS][MENTIONED_LIST]");
      put_int (b, key, b->bot_id);
      enter (b, "data[PARAMS]");
    }
  put (b, "PLATFORM_CONTEXT", "web");
  if (group)
    {
      /* §3.1, §3.4.1: the raw text keeps the mention, MESSAGE lost it */
      g_autofree char *original = g_strdup_printf ("[USER=%" G_GINT64_FORMAT "]%s[/USER] %s",
                                                   b->bot_id, b->bot_name, b->message);

      put (b, "MESSAGE_ORIGINAL", original);
    }
  if (id == MESSAGE_ADD_FILES)
    {
      /* data[PARAMS][FILES][<fileId>][...]: reference §3.2 ("Files sent to
       * the bot", with name, type, urlDownload); id, chatId, extension and
       * size as the im module's file records carry them */
      g_autofree char *url = g_strdup_printf ("https://%s/disk/downloadFile/5001/?&ncc=1&filename=report.pdf",
                                              b->domain);

      enter (b, "data[PARAMS][FILES][5001]");
      put (b, "id", "5001");
      put_int (b, "chatId", private_chat);
      put (b, "name", "report.pdf");
      put (b, "extension", "pdf");
      put (b, "type", "file");
      put (b, "size", "48213");
      put (b, "urlDownload", url);
      enter (b, "data[PARAMS]");
    }
  else if (id == MESSAGE_ADD_FORWARDED)
    {
      /* data[PARAMS][PARAMS][FORWARD_*]: not in the reference's v1 examples
       * (§3.4); the message's own PARAMS as the im module keeps them for a
       * forward (FORWARD_ID, FORWARD_CONTEXT_ID "chat<id>/<message id>",
       * FORWARD_USER_ID, FORWARD_CHAT_TITLE), which imbot.v2 shows as
       * message.forward {id, userId, chatTitle} (bitrix24-imbot-v2.md §3.3) */
      g_autofree char *context = g_strdup_printf ("chat%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT,
                                                  b->chat_id, b->message_id - 40);

      enter (b, "data[PARAMS][PARAMS]");
      put_int (b, "FORWARD_ID", b->message_id - 40);
      put (b, "FORWARD_CONTEXT_ID", context);
      put_int (b, "FORWARD_USER_ID", b->user_id + 1);
      put (b, "FORWARD_CHAT_TITLE", "Project chat");
      enter (b, "data[PARAMS]");
    }
  put_int (b, "MESSAGE_ID", b->message_id);
  put (b, "CHAT_TYPE", group ? "C" : "P");
  put (b, "LANGUAGE", b->language);

  put_user (b, USER_MESSAGE);
  put_ts_auth (b, TRUE);
}

/* ONIMBOTMESSAGEUPDATE (§3.4.3) and ONIMBOTMESSAGEDELETE (§3.4.4) */
static void
build_message_change (Builder  *b,
                      gboolean  update)
{
  g_autofree char *deleted = NULL;
  gint64 private_chat = b->chat_id + 250;

  put_bot_map (b);

  enter (b, "data[PARAMS]");
  put_int (b, "ID", b->message_id);
  put_int (b, "CHAT_ID", private_chat);
  put_int (b, "AUTHOR_ID", b->user_id);
  if (update)
    {
      put (b, "MESSAGE", b->message);
    }
  else
    {
      g_autoptr(GDateTime) now = g_date_time_new_from_unix_utc (b->now);

      deleted = g_date_time_format (now, "Message from %m/%d/%Y %H:%M:%S has been deleted");
      put (b, "MESSAGE", deleted);
    }
  put (b, "MESSAGE_TYPE", "P");
  put_int (b, "CHAT_AUTHOR_ID", b->bot_id);
  put (b, "CHAT_ENTITY_ID", "");
  put (b, "CHAT_ENTITY_DATA_1", "");
  put (b, "CHAT_ENTITY_DATA_2", "");
  put (b, "CHAT_ENTITY_DATA_3", "");
  put_int (b, "FROM_USER_ID", b->user_id);
  put_int (b, "TO_USER_ID", b->bot_id);
  if (update)
    {
      put (b, "CHAT_USER_COUNT", "2");
      put (b, "PLATFORM_CONTEXT", "web");
    }
  put_int (b, "DIALOG_ID", b->user_id);
  put_int (b, "MESSAGE_ID", b->message_id);
  put (b, "CHAT_TYPE", "P");
  put (b, "LANGUAGE", b->language);

  put_user (b, USER_MESSAGE);
  put_ts_auth (b, TRUE);
}

/* ONIMBOTJOINCHAT (§3.4.2 and its group variant) */
static void
build_join_chat (Builder  *b,
                 gboolean  group)
{
  put_bot_map (b);

  enter (b, "data[PARAMS]");
  put (b, "CHAT_TYPE", group ? "C" : "P");
  put (b, "MESSAGE_TYPE", group ? "C" : "P");
  put_int (b, "BOT_ID", b->bot_id);
  put_int (b, "USER_ID", b->user_id);
  if (group)
    {
      /* group variant (§3.3, §3.4.2): CHAT_ID, CHAT_AUTHOR_ID,
       * CHAT_ENTITY_TYPE, CHAT_ENTITY_ID, ACCESS_HISTORY */
      put_int (b, "CHAT_ID", b->chat_id);
      put_int (b, "CHAT_AUTHOR_ID", b->user_id);
      put (b, "CHAT_ENTITY_TYPE", "CHAT");
      put (b, "CHAT_ENTITY_ID", "");
      put (b, "ACCESS_HISTORY", "1");
    }
  /* The reference's group example has no TO_USER_ID / FROM_USER_ID; they
   * are kept so that every simulated body has its fixture's key paths
   * (issue 11), with the values a private join would give. */
  put_int (b, "TO_USER_ID", b->user_id);
  put_int (b, "FROM_USER_ID", b->bot_id);
  if (group)
    {
      g_autofree char *dialog = g_strdup_printf ("chat%" G_GINT64_FORMAT, b->chat_id);

      put (b, "DIALOG_ID", dialog);
    }
  else
    {
      put_int (b, "DIALOG_ID", b->user_id);
    }
  put (b, "LANGUAGE", b->language);

  put_user (b, USER_JOIN);
  put_ts_auth (b, FALSE);
}

/* ONIMBOTDELETE (§3.4.5) */
static void
build_bot_delete (Builder *b)
{
  enter (b, "data");
  put_int (b, "BOT_ID", b->bot_id);
  put (b, "BOT_CODE", b->bot_code);
  put_ts_auth (b, FALSE);
}

/* ONIMCOMMANDADD (§3.4.6) */
static void
build_command_add (Builder *b)
{
  g_autofree char *path = g_strdup_printf ("data[COMMAND][%" G_GINT64_FORMAT "]", b->command_id);
  g_autofree char *template_id = g_uuid_string_random ();
  g_autofree char *text = NULL;

  if (b->command_params != NULL && *b->command_params != '\0')
    text = g_strdup_printf ("/%s %s", b->command, b->command_params);
  else
    text = g_strdup_printf ("/%s", b->command);

  put_bot_entry (b, path);
  put (b, "COMMAND", b->command);
  put_int (b, "COMMAND_ID", b->command_id);
  put (b, "COMMAND_PARAMS", b->command_params);
  put (b, "COMMAND_CONTEXT", "TEXTAREA");
  put_int (b, "MESSAGE_ID", b->message_id);

  enter (b, "data[PARAMS]");
  put (b, "MESSAGE", text);
  put (b, "TEMPLATE_ID", template_id);
  put (b, "MESSAGE_TYPE", "P");
  put_int (b, "FROM_USER_ID", b->user_id);
  put_int (b, "DIALOG_ID", b->user_id);
  put_int (b, "TO_CHAT_ID", b->chat_id + 250);
  put_int (b, "AUTHOR_ID", b->user_id);
  put (b, "SYSTEM", "N");
  put_int (b, "TO_USER_ID", b->bot_id);
  put (b, "SKIP_USER_CHECK", "Y");
  for (guint i = 0; i < G_N_ELEMENTS (delivery_flags); i += 2)
    {
      put (b, delivery_flags[i], delivery_flags[i + 1]);
      if (g_str_equal (delivery_flags[i], "PUSH_IMPORTANT"))
        put (b, "RECENT_ADD", "Y");
    }
  put_int (b, "MESSAGE_ID", b->message_id);
  put (b, "CHAT_TYPE", "P");
  put (b, "LANGUAGE", b->language);

  put_user (b, USER_SHORT);
  put_ts_auth (b, TRUE);
}

/* ONAPPINSTALL (§3.4.7) */
static void
build_app_install (Builder *b)
{
  enter (b, "data");
  put (b, "VERSION", "1");
  put (b, "ACTIVE", "Y");
  put (b, "INSTALLED", "Y");
  put (b, "LANGUAGE_ID", b->language);
  put_ts_auth (b, TRUE);
}

static int
template_lookup (const char *name)
{
  for (guint i = 0; i < N_TEMPLATES; i++)
    {
      if (g_strcmp0 (name, template_names[i]) == 0)
        return i;
    }

  return -1;
}

static const char *
or_default (const char *value,
            const char *fallback)
{
  return value != NULL && *value != '\0' ? value : fallback;
}

const char * const *
botbench_event_template_list (void)
{
  return template_names;
}

const char *
botbench_event_template_get_event (const char *name)
{
  int id = template_lookup (name);

  return id < 0 ? NULL : template_info[id].event;
}

const char *
botbench_event_template_get_title (const char *name)
{
  int id = template_lookup (name);

  return id < 0 ? NULL : _(template_info[id].title);
}

char *
botbench_event_template_build (const char                    *name,
                               BotbenchBot                   *bot,
                               const BotbenchTemplateContext *ctx,
                               GError                       **error)
{
  static const BotbenchTemplateContext defaults = { NULL };
  g_autoptr(BotbenchFormNode) tree = NULL;
  g_autoptr(GString) prefix = g_string_new (NULL);
  g_autofree char *client_endpoint = NULL;
  int id;
  Builder b;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (bot == NULL || BOTBENCH_IS_BOT (bot), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  id = template_lookup (name);
  if (id < 0)
    {
      g_autofree char *names = g_strjoinv (", ", (char **)template_names);

      g_set_error (error, BOTBENCH_EVENT_TEMPLATE_ERROR, BOTBENCH_EVENT_TEMPLATE_ERROR_UNKNOWN,
                   _("Unknown template “%s”; the templates are: %s"), name, names);
      return NULL;
    }

  if (ctx == NULL)
    ctx = &defaults;

  memset (&b, 0, sizeof b);
  b.prefix = prefix;
  b.bot_id = bot != NULL && botbench_bot_get_bot_id (bot) > 0 ? botbench_bot_get_bot_id (bot) : DEFAULT_BOT_ID;
  b.bot_code = bot != NULL ? or_default (botbench_bot_get_code (bot), DEFAULT_BOT_CODE) : DEFAULT_BOT_CODE;
  b.bot_name = bot != NULL ? or_default (botbench_bot_get_name (bot), b.bot_code) : "Echo Bot";
  b.domain = or_default (ctx->domain, DEFAULT_DOMAIN);
  if (ctx->client_endpoint != NULL && *ctx->client_endpoint != '\0')
    client_endpoint = g_strdup (ctx->client_endpoint);
  else
    client_endpoint = g_strdup_printf ("https://%s/rest/", b.domain);
  b.client_endpoint = client_endpoint;
  b.member_id = or_default (ctx->member_id, DEFAULT_MEMBER_ID);
  b.app_token = or_default (ctx->application_token, DEFAULT_APP_TOKEN);
  b.client_id = or_default (ctx->client_id, DEFAULT_CLIENT_ID);
  b.scope = or_default (ctx->scope, "imbot");
  b.user_id = ctx->user_id > 0 ? ctx->user_id : DEFAULT_USER_ID;
  b.first_name = or_default (ctx->user_first_name, "Svetlana");
  b.last_name = or_default (ctx->user_last_name, "Ivanova");
  b.gender = or_default (ctx->user_gender, "F");
  b.chat_id = ctx->chat_id > 0 ? ctx->chat_id : DEFAULT_CHAT_ID;
  b.command = ctx->command != NULL && *ctx->command != '\0'
              ? ctx->command + (ctx->command[0] == '/') : "echo";
  b.command_params = ctx->command_params != NULL ? ctx->command_params : "test";
  b.command_id = ctx->command_id > 0 ? ctx->command_id : DEFAULT_COMMAND_ID;
  b.language = or_default (ctx->language, "en");
  b.now = g_get_real_time () / G_USEC_PER_SEC;
  b.message_id = 84000 + g_random_int_range (0, 1000);

  if (ctx->message != NULL)
    b.message = ctx->message;
  else if (id == MESSAGE_UPDATE)
    b.message = "How to add an observer to the task?";
  else if (id == MESSAGE_ADD_FILES)
    b.message = "";
  else
    b.message = "Hello, bot!";

  /* event and event_handler_id first, as in every fixture */
  put (&b, "event", template_info[id].event);
  if (template_info[id].handler_id != NULL)
    put (&b, "event_handler_id", template_info[id].handler_id);

  switch ((TemplateId)id)
    {
    case MESSAGE_ADD_PRIVATE:
    case MESSAGE_ADD_GROUP_MENTION:
    case MESSAGE_ADD_FILES:
    case MESSAGE_ADD_FORWARDED:
      build_message_add (&b, id);
      break;
    case MESSAGE_UPDATE:
      build_message_change (&b, TRUE);
      break;
    case MESSAGE_DELETE:
      build_message_change (&b, FALSE);
      break;
    case JOIN_CHAT_PRIVATE:
      build_join_chat (&b, FALSE);
      break;
    case JOIN_CHAT_GROUP:
      build_join_chat (&b, TRUE);
      break;
    case BOT_DELETE:
      build_bot_delete (&b);
      break;
    case COMMAND_ADD:
      build_command_add (&b);
      break;
    case APP_INSTALL:
      build_app_install (&b);
      break;
    case N_TEMPLATES:
    default:
      g_assert_not_reached ();
    }

  tree = b.tree;
  return botbench_form_encode (tree);
}
