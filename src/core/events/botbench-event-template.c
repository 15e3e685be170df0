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
 * The parts all events share are in botbench-event-template-parts.c.
 */
#define G_LOG_DOMAIN "botbench-event"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "botbench-bot.h"
#include "botbench-event-template.h"
#include "botbench-form-encoder.h"
#include "botbench-event-template-private.h"

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

  _botbench_template_put_bot_map (b);

  _botbench_template_enter (b, "data[PARAMS]");
  _botbench_template_put (b, "MESSAGE", b->message);
  _botbench_template_put (b, "TEMPLATE_ID", template_id);
  _botbench_template_put (b, "MESSAGE_TYPE", group ? "C" : "P");
  _botbench_template_put_int (b, "FROM_USER_ID", b->user_id);
  _botbench_template_put (b, "DIALOG_ID", dialog);
  _botbench_template_put_int (b, "TO_CHAT_ID", group ? b->chat_id : private_chat);
  _botbench_template_put_int (b, "AUTHOR_ID", b->user_id);
  _botbench_template_put (b, "SYSTEM", "N");
  _botbench_template_put_int (b, "TO_USER_ID", b->bot_id);
  if (group)
    {
      /* group-only chat fields, in this order: reference §3.2 (documented
       * PARAMS keys marked "group chats only") and §3.4.1 group variant */
      _botbench_template_put_int (b, "CHAT_ID", b->chat_id);
      _botbench_template_put (b, "CHAT_TITLE", "Project chat");
      _botbench_template_put_int (b, "CHAT_AUTHOR_ID", b->user_id);
      _botbench_template_put (b, "CHAT_AVATAR", "");
      _botbench_template_put (b, "CHAT_COLOR", "#4ba984");
      _botbench_template_put (b, "CHAT_ENTITY_TYPE", "");
      _botbench_template_put (b, "CHAT_ENTITY_ID", "");
      _botbench_template_put (b, "CHAT_ENTITY_DATA_1", "");
      _botbench_template_put (b, "CHAT_ENTITY_DATA_2", "");
      _botbench_template_put (b, "CHAT_ENTITY_DATA_3", "");
      _botbench_template_put (b, "CHAT_EXTRANET", "N");
      _botbench_template_put_int (b, "CHAT_PREV_MESSAGE_ID", b->message_id - 1);
      _botbench_template_put (b, "CHAT_CAN_POST", "MEMBER");
      _botbench_template_put (b, "RID", "0");
      _botbench_template_put (b, "IS_MANAGER", "N");
    }
  for (guint i = 0; i < G_N_ELEMENTS (delivery_flags); i += 2)
    _botbench_template_put (b, delivery_flags[i], delivery_flags[i + 1]);
  _botbench_template_put (b, "COMMAND_CONTEXT", "TEXTAREA");
  _botbench_template_put (b, "CHAT_USER_COUNT", group ? "3" : "2");
  if (group)
    {
      /* §3.4.1 group variant: data[PARAMS][MENTIONED_LIST][567]=567 */
      g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT, b->bot_id);

      _botbench_template_enter (b, "data[PARAMS][MENTIONED_LIST]");
      _botbench_template_put_int (b, key, b->bot_id);
      _botbench_template_enter (b, "data[PARAMS]");
    }
  _botbench_template_put (b, "PLATFORM_CONTEXT", "web");
  if (group)
    {
      /* §3.1, §3.4.1: the raw text keeps the mention, MESSAGE lost it */
      g_autofree char *original = g_strdup_printf ("[USER=%" G_GINT64_FORMAT "]%s[/USER] %s",
                                                   b->bot_id, b->bot_name, b->message);

      _botbench_template_put (b, "MESSAGE_ORIGINAL", original);
    }
  if (id == MESSAGE_ADD_FILES)
    {
      /* data[PARAMS][FILES][<fileId>][...]: reference §3.2 ("Files sent to
       * the bot", with name, type, urlDownload); id, chatId, extension and
       * size as the im module's file records carry them */
      g_autofree char *url = g_strdup_printf ("https://%s/disk/downloadFile/5001/?&ncc=1&filename=report.pdf",
                                              b->domain);

      _botbench_template_enter (b, "data[PARAMS][FILES][5001]");
      _botbench_template_put (b, "id", "5001");
      _botbench_template_put_int (b, "chatId", private_chat);
      _botbench_template_put (b, "name", "report.pdf");
      _botbench_template_put (b, "extension", "pdf");
      _botbench_template_put (b, "type", "file");
      _botbench_template_put (b, "size", "48213");
      _botbench_template_put (b, "urlDownload", url);
      _botbench_template_enter (b, "data[PARAMS]");
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

      _botbench_template_enter (b, "data[PARAMS][PARAMS]");
      _botbench_template_put_int (b, "FORWARD_ID", b->message_id - 40);
      _botbench_template_put (b, "FORWARD_CONTEXT_ID", context);
      _botbench_template_put_int (b, "FORWARD_USER_ID", b->user_id + 1);
      _botbench_template_put (b, "FORWARD_CHAT_TITLE", "Project chat");
      _botbench_template_enter (b, "data[PARAMS]");
    }
  _botbench_template_put_int (b, "MESSAGE_ID", b->message_id);
  _botbench_template_put (b, "CHAT_TYPE", group ? "C" : "P");
  _botbench_template_put (b, "LANGUAGE", b->language);

  _botbench_template_put_user (b, USER_MESSAGE);
  _botbench_template_put_ts_auth (b, TRUE);
}

/* ONIMBOTMESSAGEUPDATE (§3.4.3) and ONIMBOTMESSAGEDELETE (§3.4.4) */
static void
build_message_change (Builder  *b,
                      gboolean  update)
{
  g_autofree char *deleted = NULL;
  gint64 private_chat = b->chat_id + 250;

  _botbench_template_put_bot_map (b);

  _botbench_template_enter (b, "data[PARAMS]");
  _botbench_template_put_int (b, "ID", b->message_id);
  _botbench_template_put_int (b, "CHAT_ID", private_chat);
  _botbench_template_put_int (b, "AUTHOR_ID", b->user_id);
  if (update)
    {
      _botbench_template_put (b, "MESSAGE", b->message);
    }
  else
    {
      g_autoptr(GDateTime) now = g_date_time_new_from_unix_utc (b->now);

      deleted = g_date_time_format (now, "Message from %m/%d/%Y %H:%M:%S has been deleted");
      _botbench_template_put (b, "MESSAGE", deleted);
    }
  _botbench_template_put (b, "MESSAGE_TYPE", "P");
  _botbench_template_put_int (b, "CHAT_AUTHOR_ID", b->bot_id);
  _botbench_template_put (b, "CHAT_ENTITY_ID", "");
  _botbench_template_put (b, "CHAT_ENTITY_DATA_1", "");
  _botbench_template_put (b, "CHAT_ENTITY_DATA_2", "");
  _botbench_template_put (b, "CHAT_ENTITY_DATA_3", "");
  _botbench_template_put_int (b, "FROM_USER_ID", b->user_id);
  _botbench_template_put_int (b, "TO_USER_ID", b->bot_id);
  if (update)
    {
      _botbench_template_put (b, "CHAT_USER_COUNT", "2");
      _botbench_template_put (b, "PLATFORM_CONTEXT", "web");
    }
  _botbench_template_put_int (b, "DIALOG_ID", b->user_id);
  _botbench_template_put_int (b, "MESSAGE_ID", b->message_id);
  _botbench_template_put (b, "CHAT_TYPE", "P");
  _botbench_template_put (b, "LANGUAGE", b->language);

  _botbench_template_put_user (b, USER_MESSAGE);
  _botbench_template_put_ts_auth (b, TRUE);
}

/* ONIMBOTJOINCHAT (§3.4.2 and its group variant) */
static void
build_join_chat (Builder  *b,
                 gboolean  group)
{
  _botbench_template_put_bot_map (b);

  _botbench_template_enter (b, "data[PARAMS]");
  _botbench_template_put (b, "CHAT_TYPE", group ? "C" : "P");
  _botbench_template_put (b, "MESSAGE_TYPE", group ? "C" : "P");
  _botbench_template_put_int (b, "BOT_ID", b->bot_id);
  _botbench_template_put_int (b, "USER_ID", b->user_id);
  if (group)
    {
      /* group variant (§3.3, §3.4.2): CHAT_ID, CHAT_AUTHOR_ID,
       * CHAT_ENTITY_TYPE, CHAT_ENTITY_ID, ACCESS_HISTORY */
      _botbench_template_put_int (b, "CHAT_ID", b->chat_id);
      _botbench_template_put_int (b, "CHAT_AUTHOR_ID", b->user_id);
      _botbench_template_put (b, "CHAT_ENTITY_TYPE", "CHAT");
      _botbench_template_put (b, "CHAT_ENTITY_ID", "");
      _botbench_template_put (b, "ACCESS_HISTORY", "1");
    }
  /* The reference's group example has no TO_USER_ID / FROM_USER_ID; they
   * are kept so that every simulated body has its fixture's key paths
   * (issue 11), with the values a private join would give. */
  _botbench_template_put_int (b, "TO_USER_ID", b->user_id);
  _botbench_template_put_int (b, "FROM_USER_ID", b->bot_id);
  if (group)
    {
      g_autofree char *dialog = g_strdup_printf ("chat%" G_GINT64_FORMAT, b->chat_id);

      _botbench_template_put (b, "DIALOG_ID", dialog);
    }
  else
    {
      _botbench_template_put_int (b, "DIALOG_ID", b->user_id);
    }
  _botbench_template_put (b, "LANGUAGE", b->language);

  _botbench_template_put_user (b, USER_JOIN);
  _botbench_template_put_ts_auth (b, FALSE);
}

/* ONIMBOTDELETE (§3.4.5) */
static void
build_bot_delete (Builder *b)
{
  _botbench_template_enter (b, "data");
  _botbench_template_put_int (b, "BOT_ID", b->bot_id);
  _botbench_template_put (b, "BOT_CODE", b->bot_code);
  _botbench_template_put_ts_auth (b, FALSE);
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

  _botbench_template_put_bot_entry (b, path);
  _botbench_template_put (b, "COMMAND", b->command);
  _botbench_template_put_int (b, "COMMAND_ID", b->command_id);
  _botbench_template_put (b, "COMMAND_PARAMS", b->command_params);
  _botbench_template_put (b, "COMMAND_CONTEXT", "TEXTAREA");
  _botbench_template_put_int (b, "MESSAGE_ID", b->message_id);

  _botbench_template_enter (b, "data[PARAMS]");
  _botbench_template_put (b, "MESSAGE", text);
  _botbench_template_put (b, "TEMPLATE_ID", template_id);
  _botbench_template_put (b, "MESSAGE_TYPE", "P");
  _botbench_template_put_int (b, "FROM_USER_ID", b->user_id);
  _botbench_template_put_int (b, "DIALOG_ID", b->user_id);
  _botbench_template_put_int (b, "TO_CHAT_ID", b->chat_id + 250);
  _botbench_template_put_int (b, "AUTHOR_ID", b->user_id);
  _botbench_template_put (b, "SYSTEM", "N");
  _botbench_template_put_int (b, "TO_USER_ID", b->bot_id);
  _botbench_template_put (b, "SKIP_USER_CHECK", "Y");
  for (guint i = 0; i < G_N_ELEMENTS (delivery_flags); i += 2)
    {
      _botbench_template_put (b, delivery_flags[i], delivery_flags[i + 1]);
      if (g_str_equal (delivery_flags[i], "PUSH_IMPORTANT"))
        _botbench_template_put (b, "RECENT_ADD", "Y");
    }
  _botbench_template_put_int (b, "MESSAGE_ID", b->message_id);
  _botbench_template_put (b, "CHAT_TYPE", "P");
  _botbench_template_put (b, "LANGUAGE", b->language);

  _botbench_template_put_user (b, USER_SHORT);
  _botbench_template_put_ts_auth (b, TRUE);
}

/* ONAPPINSTALL (§3.4.7) */
static void
build_app_install (Builder *b)
{
  _botbench_template_enter (b, "data");
  _botbench_template_put (b, "VERSION", "1");
  _botbench_template_put (b, "ACTIVE", "Y");
  _botbench_template_put (b, "INSTALLED", "Y");
  _botbench_template_put (b, "LANGUAGE_ID", b->language);
  _botbench_template_put_ts_auth (b, TRUE);
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
  _botbench_template_put (&b, "event", template_info[id].event);
  if (template_info[id].handler_id != NULL)
    _botbench_template_put (&b, "event_handler_id", template_info[id].handler_id);

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
