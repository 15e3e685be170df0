/* botbench-cli-chat.c: `botbench-cli chat`, a portal user talking to a bot
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Sends TEXT as a portal user of the sandbox (or opens the dialog with
 * --join), then follows /_sandbox/updates and prints the bot's replies as
 * JSON lines until every delivery of the event has finished and no message
 * came for a second, or --wait runs out.  An event the sandbox queued for
 * a v2 fetch-mode bot (imbot.v2.Event.get) is printed as a "queued" JSON
 * line.  Exit 0 when a handler answered 2xx or the event was queued, 1
 * when delivery failed (the reason on stderr), 2 on usage errors.
 * The core chat client does the HTTP; this file only drives it, spinning
 * the main context while a call is in flight.
 */
#define G_LOG_DOMAIN "botbench-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "botbench-core.h"
#include "botbench-sandbox.h"
#include "botbench-cli-private.h"

#define DEFAULT_WAIT_S 5
#define MAX_WAIT_S     600
#define QUIET_US       (1 * G_USEC_PER_SEC)

typedef struct
{
  BotbenchProfileManager *manager;
  BotbenchProfile        *profile;   /* borrowed */
  BotbenchChatClient     *client;
  BotbenchSandbox        *sandbox;   /* started here for the built-in profile */
  GHashTable             *deliveries; /* id -> BotbenchChatDelivery */
  GHashTable             *printed;    /* message ids already printed */
  GHashTable             *queued;     /* delivery ids printed as queued */
  GHashTable             *bots;       /* bot ids of the sandbox */
} ChatContext;

static void
chat_context_clear (ChatContext *ctx)
{
  g_clear_object (&ctx->client);
  if (ctx->sandbox != NULL)
    botbench_sandbox_stop (ctx->sandbox);
  g_clear_object (&ctx->sandbox);
  g_clear_object (&ctx->manager);
  g_clear_pointer (&ctx->deliveries, g_hash_table_unref);
  g_clear_pointer (&ctx->printed, g_hash_table_unref);
  g_clear_pointer (&ctx->queued, g_hash_table_unref);
  g_clear_pointer (&ctx->bots, g_hash_table_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ChatContext, chat_context_clear)

/* Runs the main context until an async call finished. */
static void
result_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

#define CALL(ctx, name, error, ...) \
  ({ \
    g_autoptr(GAsyncResult) _r = NULL; \
    botbench_chat_client_##name##_async ((ctx)->client, __VA_ARGS__, NULL, result_cb, &_r); \
    botbench_chat_client_##name##_finish ((ctx)->client, wait_result (&_r), (error)); \
  })

static JsonObject *
get_info (ChatContext  *ctx,
          GError      **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  botbench_chat_client_info_async (ctx->client, NULL, result_cb, &result);
  return botbench_chat_client_info_finish (ctx->client, wait_result (&result), error);
}

static gboolean
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

/* One long poll, cut at @deadline (monotonic µs) whatever the sandbox does:
 * its hold time is whole seconds and may run late. */
static JsonObject *
poll_updates (ChatContext  *ctx,
              gint64        rev,
              guint         timeout_s,
              gint64        deadline,
              GError      **error)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  gint64 left_ms = MAX (deadline - g_get_monotonic_time (), 0) / 1000;
  GSource *timer = g_timeout_source_new ((guint)MIN (left_ms, G_MAXUINT));
  JsonObject *answer;

  g_source_set_callback (timer, cancel_cb, g_object_ref (cancellable), g_object_unref);
  g_source_attach (timer, NULL);
  botbench_chat_client_updates_async (ctx->client, rev, timeout_s, cancellable, result_cb, &result);
  answer = botbench_chat_client_updates_finish (ctx->client, wait_result (&result), error);
  g_source_destroy (timer);
  g_source_unref (timer);
  return answer;
}

static gboolean
parse_id (const char *text,
          gint64     *id)
{
  return text != NULL && g_ascii_string_to_signed (text, 10, 1, G_MAXINT64, id, NULL);
}

/* Profile -> client; the built-in sandbox is started here when nothing
 * answers at its URL.  Returns the /_sandbox/info result or NULL. */
static JsonObject *
connect_sandbox (ChatContext  *ctx,
                 GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonObject) info = NULL;

  ctx->manager = botbench_profile_manager_new (NULL);
  if (!botbench_profile_manager_load (ctx->manager, error))
    return NULL;

  ctx->profile = botbench_cli_profile_name != NULL
    ? botbench_profile_manager_lookup (ctx->manager, botbench_cli_profile_name)
    : botbench_profile_manager_get_active (ctx->manager);
  if (ctx->profile == NULL)
    {
      if (botbench_cli_profile_name != NULL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("No profile named “%s”"), botbench_cli_profile_name);
      else
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                             _("No active profile; add one with “botbench-cli profiles add”"));
      return NULL;
    }

  ctx->client = botbench_chat_client_new_for_profile (ctx->profile, &local_error);
  if (ctx->client == NULL)
    {
      g_set_error (error, BOTBENCH_CHAT_ERROR, BOTBENCH_CHAT_ERROR_NOT_SANDBOX,
                   _("Profile %s's portal is not a Botbench sandbox: chat needs the sandbox"),
                   botbench_profile_get_name (ctx->profile));
      return NULL;
    }

  info = get_info (ctx, &local_error);
  if (info == NULL && g_error_matches (local_error, BOTBENCH_CHAT_ERROR, BOTBENCH_CHAT_ERROR_NETWORK) &&
      botbench_profile_is_builtin_sandbox (ctx->profile))
    {
      /* As the app does: the default state, on the profile's port. */
      g_autoptr(GUri) uri = g_uri_parse (botbench_chat_client_get_base_url (ctx->client), G_URI_FLAGS_NONE, NULL);
      g_autofree char *state_path = botbench_sandbox_dup_default_state_path ();
      g_autoptr(GError) start_error = NULL;

      g_debug ("Starting the built-in sandbox for this command");
      ctx->sandbox = botbench_sandbox_new ();
      botbench_sandbox_set_state_path (ctx->sandbox, state_path);
      botbench_sandbox_set_host (ctx->sandbox, BOTBENCH_SANDBOX_DEFAULT_HOST);
      botbench_sandbox_set_tls (ctx->sandbox, FALSE);
      botbench_sandbox_set_port (ctx->sandbox, uri != NULL && g_uri_get_port (uri) > 0
                                               ? (guint)g_uri_get_port (uri) : BOTBENCH_SANDBOX_DEFAULT_PORT);
      if (!botbench_sandbox_start (ctx->sandbox, &start_error))
        {
          g_set_error (error, BOTBENCH_CHAT_ERROR, BOTBENCH_CHAT_ERROR_NETWORK,
                       _("Cannot start the built-in sandbox: %s"), start_error->message);
          return NULL;
        }
      g_clear_error (&local_error);
      info = get_info (ctx, &local_error);
    }

  if (info == NULL)
    {
      if (g_error_matches (local_error, BOTBENCH_CHAT_ERROR, BOTBENCH_CHAT_ERROR_NOT_SANDBOX))
        g_set_error (error, BOTBENCH_CHAT_ERROR, BOTBENCH_CHAT_ERROR_NOT_SANDBOX,
                     _("Profile %s's portal is not a Botbench sandbox: chat needs the sandbox"),
                     botbench_profile_get_name (ctx->profile));
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  return g_steal_pointer (&info);
}

static JsonArray *
get_array (JsonObject *object,
           const char *key)
{
  JsonNode *node = json_object_get_member (object, key);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static gint64
get_int (JsonObject *object,
         const char *key)
{
  JsonNode *node = json_object_get_member (object, key);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return 0;
  return json_node_get_int (node);
}

/* Takes in DELIVERY objects that belong to our event. */
static gboolean
take_deliveries (ChatContext *ctx,
                 JsonObject  *result,
                 gint64       message_id,
                 gboolean     accept_new)
{
  JsonArray *list = get_array (result, "DELIVERIES");
  gboolean changed = FALSE;

  for (guint i = 0; list != NULL && i < json_array_get_length (list); i++)
    {
      JsonNode *element = json_array_get_element (list, i);
      g_autoptr(BotbenchChatDelivery) delivery = NULL;
      BotbenchChatDelivery *known;
      gint64 id;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      delivery = botbench_chat_delivery_new_from_json (json_node_get_object (element));
      if (delivery == NULL)
        continue;
      id = botbench_chat_delivery_get_id (delivery);
      known = g_hash_table_lookup (ctx->deliveries, &id);
      if (known != NULL)
        changed |= botbench_chat_delivery_update_from (known, delivery);
      else if (accept_new || (message_id > 0 && botbench_chat_delivery_get_message_id (delivery) == message_id))
        {
          g_hash_table_insert (ctx->deliveries, g_memdup2 (&id, sizeof id), g_object_ref (delivery));
          changed = TRUE;
        }
    }
  return changed;
}

/* One JSON line per queued delivery, the first time it is seen:
 * {"state": "queued", "event", "bot_id", "delivery_id", "reason"}. */
static void
print_queued (ChatContext *ctx)
{
  GHashTableIter iter;
  BotbenchChatDelivery *delivery;

  g_hash_table_iter_init (&iter, ctx->deliveries);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&delivery))
    {
      gint64 id = botbench_chat_delivery_get_id (delivery);
      g_autoptr(JsonBuilder) builder = NULL;
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *line = NULL;

      if (!botbench_chat_delivery_is_queued (delivery) || g_hash_table_contains (ctx->queued, &id))
        continue;
      g_hash_table_add (ctx->queued, g_memdup2 (&id, sizeof id));

      builder = json_builder_new ();
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "state");
      json_builder_add_string_value (builder, "queued");
      json_builder_set_member_name (builder, "event");
      json_builder_add_string_value (builder, botbench_chat_delivery_get_event (delivery));
      json_builder_set_member_name (builder, "bot_id");
      json_builder_add_int_value (builder, botbench_chat_delivery_get_bot_id (delivery));
      json_builder_set_member_name (builder, "delivery_id");
      json_builder_add_int_value (builder, id);
      json_builder_set_member_name (builder, "reason");
      json_builder_add_string_value (builder, "FETCH_QUEUED");
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      line = json_to_string (root, FALSE);
      printf ("%s\n", line);
      fflush (stdout);
    }
}

static gboolean
all_finished (ChatContext *ctx)
{
  GHashTableIter iter;
  BotbenchChatDelivery *delivery;

  g_hash_table_iter_init (&iter, ctx->deliveries);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&delivery))
    if (!botbench_chat_delivery_is_finished (delivery))
      return FALSE;
  return TRUE;
}

/* Prints the bots' new messages in our chat; returns how many. */
static guint
print_replies (ChatContext *ctx,
               JsonObject  *result,
               gint64       chat_id,
               gint64       after_id)
{
  JsonArray *list = get_array (result, "MESSAGES");
  guint printed = 0;

  for (guint i = 0; list != NULL && i < json_array_get_length (list); i++)
    {
      JsonNode *element = json_array_get_element (list, i);
      g_autoptr(BotbenchChatMessage) message = NULL;
      g_autofree char *line = NULL;
      gint64 id;
      gint64 author;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      message = botbench_chat_message_new_from_json (json_node_get_object (element));
      if (message == NULL)
        continue;
      id = botbench_chat_message_get_id (message);
      author = botbench_chat_message_get_author_id (message);
      if (id <= after_id || botbench_chat_message_get_chat_id (message) != chat_id ||
          !g_hash_table_contains (ctx->bots, &author) || g_hash_table_contains (ctx->printed, &id) ||
          botbench_chat_message_get_deleted (message))
        continue;

      g_hash_table_add (ctx->printed, g_memdup2 (&id, sizeof id));
      line = botbench_chat_message_to_json_line (message);
      printf ("%s\n", line);
      fflush (stdout);
      printed++;
    }
  return printed;
}

/* The exit status from the deliveries, with the reasons on stderr. */
static int
report (ChatContext *ctx,
        guint        wait_s)
{
  GHashTableIter iter;
  BotbenchChatDelivery *delivery;
  gboolean delivered = FALSE;
  gboolean pending = FALSE;
  g_autoptr(GPtrArray) queued = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);

  g_hash_table_iter_init (&iter, ctx->deliveries);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&delivery))
    {
      BotbenchChatDeliveryState state = botbench_chat_delivery_get_state (delivery);
      guint status = botbench_chat_delivery_get_status (delivery);

      if (state == BOTBENCH_CHAT_DELIVERY_DONE && status >= 200 && status < 300)
        delivered = TRUE;
      else if (botbench_chat_delivery_is_queued (delivery))
        /* TRANSLATORS: "Queued for fetching: bot 100 reads ONIMBOTV2MESSAGEADD with imbot.v2.Event.get" */
        g_ptr_array_add (queued, g_strdup_printf (_("Queued for fetching: bot %lld reads %s "
                                                    "with imbot.v2.Event.get"),
                                                  (long long) botbench_chat_delivery_get_bot_id (delivery),
                                                  botbench_chat_delivery_get_event (delivery)));
      else if (state == BOTBENCH_CHAT_DELIVERY_PENDING)
        {
          g_autofree char *url = botbench_chat_delivery_dup_display_url (delivery);

          pending = TRUE;
          g_ptr_array_add (problems, g_strdup_printf (_("The handler at %s has not answered within %u s"),
                                                      url, wait_s));
        }
      else if (botbench_chat_delivery_is_problem (delivery))
        g_ptr_array_add (problems, botbench_chat_delivery_dup_summary (delivery));
    }

  for (guint i = 0; i < queued->len; i++)
    g_printerr ("%s\n", (char *)queued->pdata[i]);

  if (delivered || queued->len > 0 || (pending && wait_s == 0))
    {
      for (guint i = 0; i < problems->len && wait_s > 0; i++)
        g_printerr (_("Note: %s\n"), (char *)problems->pdata[i]);
      return EXIT_SUCCESS;
    }

  if (problems->len == 0)
    g_ptr_array_add (problems, g_strdup (_("No bot got the event")));
  for (guint i = 0; i < problems->len; i++)
    g_printerr ("%s\n", (char *)problems->pdata[i]);
  return EXIT_FAILURE;
}

/* Finds the target chat in /_sandbox/chats: its id, its last message, and
 * whether the bot is a member.  FALSE when a group chat is not found. */
static gboolean
find_chat (ChatContext *ctx,
           JsonObject  *chats,
           gint64       bot_id,
           gint64       chat_id,
           gint64      *found_chat,
           gint64      *last_id,
           gboolean    *bot_member)
{
  JsonArray *list = get_array (chats, "CHATS");
  g_autofree char *dialog = chat_id > 0 ? g_strdup_printf ("chat%" G_GINT64_FORMAT, chat_id)
                                        : g_strdup_printf ("%" G_GINT64_FORMAT, bot_id);

  *found_chat = 0;
  *last_id = 0;
  *bot_member = chat_id == 0;
  for (guint i = 0; list != NULL && i < json_array_get_length (list); i++)
    {
      JsonNode *element = json_array_get_element (list, i);
      BotbenchChatConversation *conversation;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      conversation = botbench_chat_conversation_new_from_json (json_node_get_object (element));
      if (conversation != NULL && g_str_equal (botbench_chat_conversation_get_dialog_id (conversation), dialog))
        {
          *found_chat = botbench_chat_conversation_get_chat_id (conversation);
          *last_id = botbench_chat_conversation_get_last_message_id (conversation);
          *bot_member = chat_id == 0 || botbench_chat_conversation_has_member (conversation, bot_id);
        }
      g_clear_object (&conversation);
    }
  return chat_id == 0 || *found_chat > 0;
}

static int
failed (GError *error)
{
  g_printerr ("%s\n", error->message);
  return EXIT_FAILURE;
}

int
botbench_cli_chat (int    argc,
                   char **argv)
{
  gint64 user_id = 1;
  gint64 chat_id = 0;
  int wait_s = DEFAULT_WAIT_S;
  gboolean join = FALSE;
  g_autofree char *user_text = NULL;
  g_autofree char *chat_text = NULL;
  GOptionEntry entries[] = {
    { "user", 'u', 0, G_OPTION_ARG_STRING, &user_text, N_("The portal user who writes (default 1)"), N_("USER_ID") },
    { "chat", 'c', 0, G_OPTION_ARG_STRING, &chat_text, N_("Write to group chat CHAT_ID instead of the bot's private dialog"), N_("CHAT_ID") },
    { "wait", 'w', 0, G_OPTION_ARG_INT, &wait_s, N_("Seconds to wait for replies, 0-600 (default 5)"), N_("SECONDS") },
    { "join", 'j', 0, G_OPTION_ARG_NONE, &join, N_("Open the dialog (ONIMBOTJOINCHAT) or add the bot to --chat instead of writing"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("BOT_ID [TEXT] — write to a bot as a portal user"));
  g_auto(ChatContext) ctx = { NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) info = NULL;
  g_autoptr(JsonObject) chats = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autofree char *dialog = NULL;
  JsonArray *bots;
  gint64 bot_id;
  gint64 target_chat;
  gint64 last_id;
  gint64 message_id = 0;
  gint64 rev;
  gint64 deadline;
  gint64 quiet_since;
  gboolean member;
  int status;

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
    _("Sends TEXT as a portal user of the sandbox to the bot's private dialog (or to group chat\n"
      "--chat), then prints the bot's replies as JSON lines:\n"
      "  {\"message_id\", \"author_id\", \"dialog_id\", \"text\", \"attach\", \"keyboard\"}\n"
      "An event queued for a v2 bot in fetch mode (it reads its events with\n"
      "imbot.v2.Event.get) is printed as\n"
      "  {\"state\": \"queued\", \"event\", \"bot_id\", \"delivery_id\", \"reason\": \"FETCH_QUEUED\"}\n"
      "It stops once every delivery of the event finished and no message came for 1 s,\n"
      "or after --wait seconds.  With --join it opens the dialog (the bot gets\n"
      "ONIMBOTJOINCHAT) or adds the bot to --chat, and prints the replies the same way.\n"
      "The profile's portal must be a Botbench sandbox; the built-in sandbox profile\n"
      "starts the sandbox for the command when it is not running."));
  g_option_context_set_description (context,
    _("Exit status: 0 the event was delivered (a handler answered 2xx, even without a\n"
      "reply) or queued for fetching, 1 delivery failed (the reason on stderr, e.g.\n"
      "\"The handler at URL answered 500 in 12 ms\", \"Connection refused\", \"No handler\n"
      "for ONIMBOTMESSAGEADD (EVENT_MESSAGE_ADD is empty)\"), 2 usage error.\n\n"
      "Examples:\n"
      "  botbench-cli chat 100 hello\n"
      "  botbench-cli chat 100 /help --wait 10\n"
      "  botbench-cli chat 100 --join\n"
      "  botbench-cli chat 100 --join --chat 7\n"
      "  botbench-cli chat 100 \"[USER=100]Bot[/USER] hi\" --chat 7 --user 2"));

  if ((status = botbench_cli_parse_options (context, &argc, &argv)) >= 0)
    return status;

  if (argc < 2 || !parse_id (argv[1], &bot_id))
    return botbench_cli_usage_error (context, argc < 2 ? _("Missing BOT_ID") : _("BOT_ID must be a positive number"));
  if (join && argc > 2)
    return botbench_cli_usage_error (context, _("--join takes no TEXT"));
  if (!join && argc < 3)
    return botbench_cli_usage_error (context, _("Missing TEXT (or --join)"));
  if (argc > 3)
    return botbench_cli_usage_error (context, _("Too many arguments: quote TEXT"));
  if (!join && *argv[2] == '\0')
    return botbench_cli_usage_error (context, _("TEXT is empty"));
  if (user_text != NULL && !parse_id (user_text, &user_id))
    return botbench_cli_usage_error (context, _("--user must be a positive number"));
  if (chat_text != NULL && !parse_id (chat_text, &chat_id))
    return botbench_cli_usage_error (context, _("--chat must be a positive number"));
  if (wait_s < 0 || wait_s > MAX_WAIT_S)
    return botbench_cli_usage_error (context, _("--wait must be between 0 and 600"));

  ctx.deliveries = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  ctx.printed = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  ctx.queued = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  ctx.bots = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  info = connect_sandbox (&ctx, &error);
  if (info == NULL)
    return failed (error);

  chats = CALL (&ctx, chats, &error, user_id);
  if (chats == NULL)
    return failed (error);

  bots = get_array (chats, "BOTS");
  for (guint i = 0; bots != NULL && i < json_array_get_length (bots); i++)
    {
      JsonNode *element = json_array_get_element (bots, i);
      gint64 id = JSON_NODE_HOLDS_OBJECT (element) ? get_int (json_node_get_object (element), "ID") : 0;

      if (id > 0)
        g_hash_table_add (ctx.bots, g_memdup2 (&id, sizeof id));
    }
  if (!g_hash_table_contains (ctx.bots, &bot_id))
    {
      g_printerr (_("The sandbox has no bot %lld\n"), (long long) bot_id);
      return EXIT_FAILURE;
    }

  if (!find_chat (&ctx, chats, bot_id, chat_id, &target_chat, &last_id, &member))
    {
      g_printerr (_("User %lld is not in a chat %lld\n"), (long long) user_id, (long long) chat_id);
      return EXIT_FAILURE;
    }
  if (!member && !join)
    {
      g_printerr (_("Bot %lld is not a member of chat %lld: add it with "
                    "“botbench-cli chat %lld --join --chat %lld”\n"),
                  (long long) bot_id, (long long) chat_id, (long long) bot_id, (long long) chat_id);
      return EXIT_FAILURE;
    }

  rev = MAX (get_int (info, "REV"), get_int (chats, "REV"));

  if (join)
    answer = CALL (&ctx, join, &error, bot_id, user_id, chat_id);
  else
    {
      dialog = chat_id > 0 ? g_strdup_printf ("chat%" G_GINT64_FORMAT, chat_id)
                           : g_strdup_printf ("%" G_GINT64_FORMAT, bot_id);
      answer = CALL (&ctx, send, &error, dialog, user_id, argv[2]);
    }
  if (answer == NULL)
    return failed (error);

  message_id = get_int (answer, "MESSAGE_ID");
  if (get_int (answer, "CHAT_ID") > 0)
    target_chat = get_int (answer, "CHAT_ID");
  take_deliveries (&ctx, answer, message_id, TRUE);
  print_queued (&ctx);
  if (message_id > 0)
    last_id = MAX (last_id, message_id);

  deadline = g_get_monotonic_time () + (gint64)wait_s * G_USEC_PER_SEC;
  quiet_since = g_get_monotonic_time ();

  while (wait_s > 0)
    {
      g_autoptr(JsonObject) updates = NULL;
      gint64 now = g_get_monotonic_time ();
      gint64 left_us = deadline - now;
      guint timeout_s;

      if (left_us <= 0)
        break;
      if (all_finished (&ctx) && now - quiet_since >= QUIET_US)
        break;

      /* Whole seconds only: wait at most until the deadline or the quiet second ends. */
      if (all_finished (&ctx))
        left_us = MIN (left_us, QUIET_US - (now - quiet_since));
      timeout_s = (guint)MIN ((left_us + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC, BOTBENCH_CHAT_UPDATES_MAX_TIMEOUT_S);

      updates = poll_updates (&ctx, rev, MAX (timeout_s, 1), deadline, &error);
      if (updates == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        break;  /* --wait ran out while the sandbox held the poll */
      if (updates == NULL)
        return failed (error);
      rev = MAX (rev, get_int (updates, "REV"));

      if (print_replies (&ctx, updates, target_chat, last_id) > 0)
        quiet_since = g_get_monotonic_time ();
      if (take_deliveries (&ctx, updates, message_id, FALSE) && all_finished (&ctx))
        quiet_since = MAX (quiet_since, g_get_monotonic_time ());
      print_queued (&ctx);
    }

  return report (&ctx, (guint)wait_s);
}
