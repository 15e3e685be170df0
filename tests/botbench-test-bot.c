/* botbench-test-bot.c: a loopback bot handler for tests and demos
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each event request is paused, recorded, answered by one portal call (or
 * none), and only then given its HTTP status, like a PHP bot that calls
 * imbot.message.add inside its handler.
 */
#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "botbench-core.h"
#include "botbench-test-bot.h"
#include "botbench-test-utils.h"

struct _BotbenchTestBot
{
  SoupServer  *server;
  SoupSession *session;
  GCancellable *cancellable;  /* cancelled by free(): calls in flight end quietly */
  char        *url;
  char        *webhook_url;
  char        *client_id;
  guint        port;
  guint        status;
  guint        delay_ms;
  GSocket     *refuser;    /* after stop(): holds the port, bound but not listening */
  GPtrArray   *events;     /* (element-type utf8) */
  GPtrArray   *data;       /* (element-type JsonObject) */
  guint        n_calls;
  char        *last_call_error;
  GPtrArray   *in_flight;  /* (element-type Reply) */
};

typedef struct
{
  BotbenchTestBot   *bot;
  SoupServerMessage *msg;
  char              *method;    /* NULL: just answer */
  char              *endpoint;  /* ".../rest/" or the webhook URL */
  JsonObject        *params;
  guint              timer;
} Reply;

static void
reply_free (gpointer data)
{
  Reply *reply = data;

  if (reply->timer != 0)
    {
      GSource *source = g_main_context_find_source_by_id (g_main_context_get_thread_default (), reply->timer);

      if (source != NULL)
        g_source_destroy (source);
      reply->timer = 0;
    }
  g_clear_object (&reply->msg);
  g_free (reply->method);
  g_free (reply->endpoint);
  g_clear_pointer (&reply->params, json_object_unref);
  g_free (reply);
}

static void
reply_finish (Reply *reply)
{
  soup_server_message_set_status (reply->msg, reply->bot->status, NULL);
  soup_server_message_set_response (reply->msg, "application/json", SOUP_MEMORY_STATIC, "{}", 2);
  soup_server_message_unpause (reply->msg);
  g_ptr_array_remove (reply->bot->in_flight, reply);
}

static void
call_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Reply *reply = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);

  /* The bot was freed (and @reply with it). */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  reply->bot->n_calls++;
  g_clear_pointer (&reply->bot->last_call_error, g_free);
  if (bytes == NULL)
    reply->bot->last_call_error = g_strdup (error->message);
  else if (g_strstr_len (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "\"error\"") != NULL)
    reply->bot->last_call_error = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));

  if (reply->bot->last_call_error != NULL)
    g_debug ("test bot: %s failed: %s", reply->method, reply->bot->last_call_error);
  reply_finish (reply);
}

static gboolean
reply_go_cb (gpointer user_data)
{
  Reply *reply = user_data;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *url = NULL;
  g_autofree char *body = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gsize len;

  reply->timer = 0;
  if (reply->method == NULL || reply->endpoint == NULL)
    {
      reply_finish (reply);
      return G_SOURCE_REMOVE;
    }

  url = g_strconcat (reply->endpoint, reply->method, NULL);
  msg = soup_message_new (SOUP_METHOD_POST, url);
  if (msg == NULL)
    {
      reply_finish (reply);
      return G_SOURCE_REMOVE;
    }
  root = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (root, reply->params);
  body = json_to_string (root, FALSE);
  len = strlen (body);
  bytes = g_bytes_new_take (g_steal_pointer (&body), len);
  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  soup_session_send_and_read_async (reply->bot->session, msg, G_PRIORITY_DEFAULT, reply->bot->cancellable,
                                    call_cb, reply);
  return G_SOURCE_REMOVE;
}

static const char *
lookup (JsonObject *object,
        const char *first,
        ...)
{
  va_list args;
  const char *key = first;
  JsonNode *node = NULL;

  va_start (args, first);
  while (key != NULL && object != NULL)
    {
      node = json_object_get_member (object, key);
      key = va_arg (args, const char *);
      if (node == NULL)
        break;
      if (key != NULL)
        object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
    }
  va_end (args);

  if (key != NULL || node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* The first member of data[BOT] or data[COMMAND]: (id, object). */
static JsonObject *
first_entry (JsonObject  *data,
             const char  *key,
             const char **id)
{
  JsonNode *node = json_object_get_member (data, key);
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  json_object_iter_init_ordered (&iter, json_node_get_object (node));
  while (json_object_iter_next_ordered (&iter, &name, &value))
    if (JSON_NODE_HOLDS_OBJECT (value))
      {
        *id = name;
        return json_node_get_object (value);
      }
  return NULL;
}

static JsonNode *
help_attach (void)
{
  return json_from_string ("{\"COLOR\": \"#29619b\", \"BLOCKS\": ["
                           " {\"MESSAGE\": \"Commands I know:\"},"
                           " {\"GRID\": [{\"NAME\": \"/help\", \"VALUE\": \"this text\", \"DISPLAY\": \"LINE\"},"
                           "            {\"NAME\": \"anything else\", \"VALUE\": \"echoed\", \"DISPLAY\": \"LINE\"}]}]}",
                           NULL);
}

static JsonNode *
help_keyboard (const char *bot_id)
{
  g_autofree char *json = g_strdup_printf ("[{\"TEXT\": \"More help\", \"COMMAND\": \"help\", \"COMMAND_PARAMS\": \"more\","
                                           "  \"BOT_ID\": %s, \"DISPLAY\": \"LINE\"},"
                                           " {\"TEXT\": \"Docs\", \"LINK\": \"https://example.com/docs\", \"DISPLAY\": \"LINE\"}]",
                                           bot_id);

  return json_from_string (json, NULL);
}

static void
plan_reply (BotbenchTestBot *bot,
            Reply           *reply,
            JsonObject      *post)
{
  const char *event = lookup (post, "event", NULL);
  JsonNode *data_node = json_object_get_member (post, "data");
  JsonObject *data = data_node != NULL && JSON_NODE_HOLDS_OBJECT (data_node) ? json_node_get_object (data_node) : NULL;
  const char *client_endpoint = lookup (post, "auth", "client_endpoint", NULL);
  const char *entry_id = NULL;
  JsonObject *entry = NULL;
  const char *token;

  if (event == NULL || data == NULL)
    return;

  if (g_str_equal (event, "ONIMCOMMANDADD"))
    entry = first_entry (data, "COMMAND", &entry_id);
  else
    entry = first_entry (data, "BOT", &entry_id);
  if (entry == NULL)
    return;

  reply->params = json_object_new ();
  token = lookup (entry, "access_token", NULL);
  if (token != NULL && *token != '\0' && client_endpoint != NULL)
    {
      reply->endpoint = g_strdup (client_endpoint);
      json_object_set_string_member (reply->params, "auth", token);
    }
  else if (bot->webhook_url != NULL)
    {
      reply->endpoint = g_strdup (bot->webhook_url);
      if (bot->client_id != NULL)
        json_object_set_string_member (reply->params, "CLIENT_ID", bot->client_id);
    }
  else
    return;

  if (g_str_equal (event, "ONIMBOTMESSAGEADD") || g_str_equal (event, "ONIMBOTJOINCHAT"))
    {
      const char *dialog = lookup (data, "PARAMS", "DIALOG_ID", NULL);
      const char *text = lookup (data, "PARAMS", "MESSAGE", NULL);
      g_autofree char *answer = NULL;

      if (dialog == NULL)
        return;
      answer = g_str_equal (event, "ONIMBOTJOINCHAT") ? g_strdup (BOTBENCH_TEST_BOT_WELCOME)
                                                       : g_strconcat ("echo: ", text != NULL ? text : "", NULL);
      reply->method = g_strdup ("imbot.message.add");
      json_object_set_string_member (reply->params, "BOT_ID", entry_id);
      json_object_set_string_member (reply->params, "DIALOG_ID", dialog);
      json_object_set_string_member (reply->params, "MESSAGE", answer);
    }
  else if (g_str_equal (event, "ONIMCOMMANDADD"))
    {
      const char *command = lookup (entry, "COMMAND", NULL);
      const char *params = lookup (entry, "COMMAND_PARAMS", NULL);
      const char *message_id = lookup (entry, "MESSAGE_ID", NULL);
      const char *bot_id = lookup (entry, "BOT_ID", NULL);

      if (g_strcmp0 (command, "help") != 0 || message_id == NULL || bot_id == NULL)
        return;
      reply->method = g_strdup ("imbot.command.answer");
      json_object_set_string_member (reply->params, "BOT_ID", bot_id);
      json_object_set_string_member (reply->params, "COMMAND_ID", entry_id);
      json_object_set_string_member (reply->params, "MESSAGE_ID", message_id);
      if (g_strcmp0 (params, "more") == 0)
        json_object_set_string_member (reply->params, "MESSAGE", BOTBENCH_TEST_BOT_MORE);
      else
        {
          json_object_set_string_member (reply->params, "MESSAGE", BOTBENCH_TEST_BOT_HELP);
          json_object_set_member (reply->params, "ATTACH", help_attach ());
          json_object_set_member (reply->params, "KEYBOARD", help_keyboard (bot_id));
        }
    }
}

static void
handle_event_cb (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  BotbenchTestBot *bot = user_data;
  SoupMessageBody *request = soup_server_message_get_request_body (msg);
  const char *type = soup_message_headers_get_content_type (soup_server_message_get_request_headers (msg), NULL);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (request);
  g_autoptr(BotbenchFormNode) form = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;
  JsonObject *post;
  const char *event;
  Reply *reply;

  form = botbench_post_decode (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), type, NULL);
  if (form == NULL)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_BAD_REQUEST, NULL);
      return;
    }
  json = botbench_form_node_to_json (form);
  root = json_from_string (json, NULL);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_BAD_REQUEST, NULL);
      return;
    }
  post = json_node_get_object (root);
  event = lookup (post, "event", NULL);
  g_ptr_array_add (bot->events, g_strdup (event != NULL ? event : ""));
  g_ptr_array_add (bot->data, json_object_ref (post));

  if (bot->status >= 300)
    {
      soup_server_message_set_status (msg, bot->status, NULL);
      return;
    }

  reply = g_new0 (Reply, 1);
  reply->bot = bot;
  reply->msg = g_object_ref (msg);
  plan_reply (bot, reply, post);
  g_ptr_array_add (bot->in_flight, reply);
  soup_server_message_pause (msg);
  {
    GSource *source = g_timeout_source_new (bot->delay_ms);

    g_source_set_callback (source, reply_go_cb, reply, NULL);
    reply->timer = g_source_attach (source, g_main_context_get_thread_default ());
    g_source_unref (source);
  }
}

BotbenchTestBot *
botbench_test_bot_new (const char  *webhook_url,
                       const char  *client_id,
                       guint        port,
                       GError     **error)
{
  BotbenchTestBot *bot = g_new0 (BotbenchTestBot, 1);

  bot->server = soup_server_new (NULL, NULL);
  bot->session = soup_session_new_with_options ("timeout", 30, NULL);
  bot->cancellable = g_cancellable_new ();
  bot->webhook_url = g_strdup (webhook_url);
  bot->client_id = g_strdup (client_id);
  bot->status = SOUP_STATUS_OK;
  bot->events = g_ptr_array_new_with_free_func (g_free);
  bot->data = g_ptr_array_new_with_free_func ((GDestroyNotify)json_object_unref);
  bot->in_flight = g_ptr_array_new_with_free_func (reply_free);
  soup_server_add_handler (bot->server, "/bot", handle_event_cb, bot, NULL);

  if (port == 0)
    /* Our own accept loop: libsoup 3.2's listener leaks a socket per connection. */
    port = botbench_test_serve_loopback (bot->server);
  else
    {
      g_autoptr(GSocketAddress) address = g_inet_socket_address_new_from_string ("127.0.0.1", port);

      if (!soup_server_listen (bot->server, address, 0, error))
        {
          botbench_test_bot_free (bot);
          return NULL;
        }
    }
  bot->port = port;
  bot->url = g_strdup_printf ("http://127.0.0.1:%u/bot", port);
  return bot;
}

void
botbench_test_bot_free (BotbenchTestBot *bot)
{
  if (bot == NULL)
    return;
  g_cancellable_cancel (bot->cancellable);
  g_clear_object (&bot->cancellable);
  g_clear_pointer (&bot->in_flight, g_ptr_array_unref);
  if (bot->server != NULL)
    soup_server_disconnect (bot->server);
  g_clear_object (&bot->server);
  g_clear_object (&bot->session);
  g_clear_object (&bot->refuser);
  g_free (bot->url);
  g_free (bot->webhook_url);
  g_free (bot->client_id);
  g_free (bot->last_call_error);
  g_ptr_array_unref (bot->events);
  g_ptr_array_unref (bot->data);
  g_free (bot);
}

const char *
botbench_test_bot_get_url (BotbenchTestBot *bot)
{
  return bot->url;
}

void
botbench_test_bot_set_status (BotbenchTestBot *bot,
                              guint            status)
{
  bot->status = status;
}

void
botbench_test_bot_set_delay (BotbenchTestBot *bot,
                             guint            delay_ms)
{
  bot->delay_ms = delay_ms;
}

void
botbench_test_bot_stop (BotbenchTestBot *bot)
{
  if (bot->server == NULL)
    return;
  /* The loopback accept loop (botbench_test_serve_loopback) is closed now,
   * even while a message still holds the server. */
  g_object_set_data (G_OBJECT (bot->server), "botbench-test-service", NULL);
  /* A client's kept-alive connection would otherwise take its next request
   * and never answer. */
  botbench_test_close_connections (bot->server);
  soup_server_disconnect (bot->server);
  g_clear_object (&bot->server);
  /* Keep the port: bound but not listening, every new connection to it is
   * refused, and no other server of the test can take it over meanwhile. */
  bot->refuser = botbench_test_new_refusing_socket (bot->port);
}

guint
botbench_test_bot_get_n_events (BotbenchTestBot *bot)
{
  return bot->events->len;
}

const char *
botbench_test_bot_get_event (BotbenchTestBot *bot,
                             guint            index)
{
  g_assert_cmpuint (index, <, bot->events->len);
  return bot->events->pdata[index];
}

JsonObject *
botbench_test_bot_get_data (BotbenchTestBot *bot,
                            guint            index)
{
  g_assert_cmpuint (index, <, bot->data->len);
  return bot->data->pdata[index];
}

guint
botbench_test_bot_get_n_calls (BotbenchTestBot *bot)
{
  return bot->n_calls;
}

const char *
botbench_test_bot_get_last_call_error (BotbenchTestBot *bot)
{
  return bot->last_call_error;
}

static gboolean
wait_counter (guint *counter,
              guint  n,
              guint  timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64)(timeout_ms > 0 ? timeout_ms : 10000) * 1000;
  GMainContext *context = g_main_context_get_thread_default ();

  while (*counter < n && g_get_monotonic_time () < deadline)
    {
      /* A wake-up every 50 ms at most, so the deadline is checked. */
      GSource *tick = g_timeout_source_new (50);

      g_source_set_dummy_callback (tick);
      g_source_attach (tick, context);
      g_main_context_iteration (context, TRUE);
      g_source_destroy (tick);
      g_source_unref (tick);
    }
  return *counter >= n;
}

gboolean
botbench_test_bot_wait_events (BotbenchTestBot *bot,
                               guint            n,
                               guint            timeout_ms)
{
  return wait_counter (&bot->events->len, n, timeout_ms);
}

gboolean
botbench_test_bot_wait_calls (BotbenchTestBot *bot,
                              guint            n,
                              guint            timeout_ms)
{
  return wait_counter (&bot->n_calls, n, timeout_ms);
}
