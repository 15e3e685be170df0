/* botbench-sandbox-delivery.c: event delivery to bot handlers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Builds the events a portal POSTs to handlers (ONIMBOTMESSAGEADD,
 * ONIMCOMMANDADD, ONIMBOTJOINCHAT, ONIMBOTDELETE) with their auth[] and
 * data[BOT] entries, and sends them with the server thread's SoupSession.
 * No retries, as on a real portal.
 */
#define G_LOG_DOMAIN "botbench-sandbox"

#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "botbench-form-encoder.h"
#include "botbench-sandbox-private.h"
#include "botbench-sandbox-v2-private.h"
#include "botbench-sandbox-php-private.h"

typedef struct
{
  BotbenchSandbox *self;
  char            *event;
  char            *url;
  gint64           record_id;
  gint64           start_us;
} Delivery;

/* The transport error as the delivery record says it. */
static char *
transport_error_text (BotbenchSandbox *self,
                      const GError    *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    return g_strdup ("Connection refused");
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return g_strdup_printf ("Timed out after %u s", self->session ? soup_session_get_timeout (self->session) : 0);
  if (error->domain == G_RESOLVER_ERROR)
    return g_strdup ("Cannot resolve host");
  if (error->domain == G_TLS_ERROR)
    return g_strdup_printf ("TLS error: %s", error->message);

  return g_strdup (error->message);
}

static void
delivery_done_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Delivery *delivery = user_data;
  BotbenchSandbox *self = delivery->self;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *error_text = NULL;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  guint status;

  body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  status = error == NULL && msg != NULL ? soup_message_get_status (msg) : 0;
  g_debug ("%s delivered with status %u%s%s", delivery->event, status,
           error ? ": " : "", error ? error->message : "");

  if (error != NULL)
    error_text = transport_error_text (self, error);
  else if (status == 0)
    error_text = g_strdup ("No answer");
  _botbench_sandbox_finish_delivery (self, delivery->record_id, status,
                                     (g_get_monotonic_time () - delivery->start_us) / 1000, error_text);

  /* No retries, as on a real portal (§3.1). */
  _botbench_sandbox_post_delivered (self, delivery->event, delivery->url, status);

  g_assert (self->n_deliveries > 0);
  self->n_deliveries--;
  g_free (delivery->event);
  g_free (delivery->url);
  g_free (delivery);
}

/* auth[...] of the user who triggered the event (§3.2). */
JsonObject *
_botbench_sandbox_event_auth (BotbenchSandbox *self,
                              const Owner     *owner,
                              gint64           user_id,
                              gboolean         with_refresh)
{
  JsonObject *auth = json_object_new ();
  g_autofree char *endpoint = g_strconcat (self->base_url, "rest/", NULL);

  if (owner->webhook)
    {
      /* Webhook-mode rows have no app to issue tokens for (§1.9, §3.4.8). */
      json_object_set_string_member (auth, "domain", self->domain);
      json_object_set_string_member (auth, "client_endpoint", endpoint);
      json_object_set_string_member (auth, "server_endpoint", endpoint);
      json_object_set_string_member (auth, "member_id", self->member_id);
      json_object_set_string_member (auth, "application_token", owner->app_token);
    }
  else
    {
      g_autofree char *access_token = NULL;
      g_autofree char *refresh_token = NULL;
      gint64 expires;

      _botbench_sandbox_issue_token (self, _botbench_sandbox_owner_token_client (owner), user_id,
                                     _botbench_sandbox_owner_scope (self, owner),
                                     &access_token, &refresh_token, &expires);
      json_object_set_string_member (auth, "access_token", access_token);
      _botbench_php_set_int_string (auth, "expires", expires);
      _botbench_php_set_int_string (auth, "expires_in", self->run.token_ttl);
      json_object_set_string_member (auth, "scope", _botbench_sandbox_owner_scope (self, owner));
      json_object_set_string_member (auth, "domain", self->domain);
      json_object_set_string_member (auth, "server_endpoint", endpoint);
      json_object_set_string_member (auth, "status", STATUS_LETTER);
      json_object_set_string_member (auth, "client_endpoint", endpoint);
      json_object_set_string_member (auth, "member_id", self->member_id);
      _botbench_php_set_int_string (auth, "user_id", user_id);
      if (with_refresh)
        json_object_set_string_member (auth, "refresh_token", refresh_token);
      json_object_set_string_member (auth, "application_token", owner->app_token);
    }

  return auth;
}

/* data[BOT][id] / data[COMMAND][id]: the bot user's credentials, AUTH (a
 * copy), BOT_ID, BOT_CODE; only the last two in webhook mode (§3.2). */
JsonObject *
_botbench_sandbox_bot_entry (BotbenchSandbox *self,
                             const Owner     *owner,
                             gint64           bot_id,
                             const char      *bot_code)
{
  JsonObject *entry = json_object_new ();

  if (!owner->webhook)
    {
      JsonObject *creds = json_object_new ();
      g_autofree char *endpoint = g_strconcat (self->base_url, "rest/", NULL);
      g_autofree char *access_token = NULL;
      g_autofree char *refresh_token = NULL;
      g_autoptr(GList) members = NULL;
      gint64 expires;

      _botbench_sandbox_issue_token (self, _botbench_sandbox_owner_token_client (owner), bot_id,
                                     _botbench_sandbox_owner_scope (self, owner),
                                     &access_token, &refresh_token, &expires);
      json_object_set_string_member (creds, "access_token", access_token);
      _botbench_php_set_int_string (creds, "expires", expires);
      _botbench_php_set_int_string (creds, "expires_in", self->run.token_ttl);
      json_object_set_string_member (creds, "scope", _botbench_sandbox_owner_scope (self, owner));
      json_object_set_string_member (creds, "domain", self->domain);
      json_object_set_string_member (creds, "server_endpoint", endpoint);
      json_object_set_string_member (creds, "status", STATUS_LETTER);
      json_object_set_string_member (creds, "client_endpoint", endpoint);
      json_object_set_string_member (creds, "member_id", self->member_id);
      json_object_set_string_member (creds, "refresh_token", refresh_token);
      _botbench_php_set_int_string (creds, "user_id", bot_id);
      json_object_set_string_member (creds, "client_id", owner->client_id);
      json_object_set_string_member (creds, "application_token", owner->app_token);

      members = json_object_get_members (creds);
      for (const GList *l = members; l != NULL; l = l->next)
        json_object_set_member (entry, l->data, json_node_copy (json_object_get_member (creds, l->data)));
      json_object_set_object_member (entry, "AUTH", creds);
    }

  _botbench_php_set_int_string (entry, "BOT_ID", bot_id);
  json_object_set_string_member (entry, "BOT_CODE", bot_code);

  return entry;
}

/* POSTs {event, event_handler_id, data, ts, auth} to the handler; takes
 * data and auth.  Returns FALSE if the message could not be queued.  With
 * record, a delivery record follows the POST. */
gboolean
_botbench_sandbox_send_event (BotbenchSandbox    *self,
                              const char         *event,
                              gint64              handler_id,
                              const char         *url,
                              JsonObject         *data,
                              JsonObject         *auth,
                              const RecordTarget *record)
{
  gint64 record_id = 0;

  g_autoptr(JsonNode) root = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) bytes = NULL;
  JsonObject *object = json_object_new ();
  Delivery *delivery;
  char *body;

  json_object_set_string_member (object, "event", event);
  /* imbot.v2 deliveries (handler_id 0) have no handler row (v2 §3.4). */
  if (handler_id > 0)
    _botbench_php_set_int_string (object, "event_handler_id", handler_id);
  json_object_set_object_member (object, "data", data);
  _botbench_php_set_int_string (object, "ts", _botbench_sandbox_now (self));
  json_object_set_object_member (object, "auth", auth);
  root = _botbench_php_object_node (object);

  if (record != NULL)
    record_id = _botbench_sandbox_record_delivery (self, record->message_id, record->chat_id, record->bot_ids,
                                                   event, url, NULL);

  msg = soup_message_new (SOUP_METHOD_POST, url);
  if (msg == NULL)
    {
      _botbench_sandbox_finish_delivery (self, record_id, 0, 0, "Invalid handler URL");
      _botbench_sandbox_post_delivered (self, event, url, 0);
      return FALSE;
    }

  body = botbench_form_encode_json (root);
  bytes = g_bytes_new_take (body, strlen (body));
  soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", bytes);

  delivery = g_new0 (Delivery, 1);
  delivery->self = self;
  delivery->event = g_strdup (event);
  delivery->url = g_strdup (url);
  delivery->record_id = record_id;
  delivery->start_us = g_get_monotonic_time ();
  self->n_deliveries++;

  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT, self->cancellable,
                                    delivery_done_cb, delivery);

  return TRUE;
}

void
_botbench_sandbox_deliver_bot_delete (BotbenchSandbox *self,
                                      const Owner     *owner,
                                      gint64           bot_id,
                                      const char      *bot_code,
                                      gint64           user_id)
{
  g_autofree char *url = NULL;
  JsonObject *data;
  gint64 handler_id;

  if (!_botbench_sandbox_lookup_handler (self, owner->id, "ONIMBOTDELETE", &handler_id, &url))
    return;

  data = json_object_new ();
  _botbench_php_set_int_string (data, "BOT_ID", bot_id);
  json_object_set_string_member (data, "BOT_CODE", bot_code);

  _botbench_sandbox_send_event (self, "ONIMBOTDELETE", handler_id, url, data,
                                _botbench_sandbox_event_auth (self, owner, user_id, FALSE), NULL);
}

/* ------------------------------------------------------------------------ */
/* Events caused by portal users (§3.3, §3.4)                                */

static const struct { const char *key; const char *value; } message_flags[] = {
  { "PUSH", "Y" }, { "PUSH_IMPORTANT", "N" }, { "RECENT_SKIP_AUTHOR", "N" }, { "CONVERT", "N" },
  { "SKIP_COMMAND", "N" }, { "SKIP_COUNTER_INCREMENTS", "N" }, { "SILENT_CONNECTOR", "N" },
  { "SKIP_CONNECTOR", "N" }, { "IMPORTANT_CONNECTOR", "N" }, { "NO_SESSION_OL", "N" },
  { "FAKE_RELATION", "0" }, { "SKIP_URL_INDEX", "N" },
};

static void
add_chat_fields (BotbenchSandbox   *self,
                 JsonObject        *params,
                 const UserMessage *m)
{
  g_autofree char *title = botbench_sandbox_state_query_text (self->state, "SELECT title FROM chats WHERE id = ?",
                                                              "i", m->chat_id);
  gint64 author = botbench_sandbox_state_query_int (self->state, 0, "SELECT author_id FROM chats WHERE id = ?",
                                                    "i", m->chat_id);
  gint64 prev = botbench_sandbox_state_query_int (self->state, 0,
                                                  "SELECT MAX(id) FROM messages WHERE chat_id = ? AND id < ?",
                                                  "ii", m->chat_id, m->message_id);

  _botbench_php_set_int_string (params, "CHAT_ID", m->chat_id);
  json_object_set_string_member (params, "CHAT_TITLE", title ? title : "");
  _botbench_php_set_int_string (params, "CHAT_AUTHOR_ID", author);
  json_object_set_string_member (params, "CHAT_AVATAR", "");
  json_object_set_string_member (params, "CHAT_COLOR", "#4ba984");
  json_object_set_string_member (params, "CHAT_ENTITY_TYPE", "");
  json_object_set_string_member (params, "CHAT_ENTITY_ID", "");
  json_object_set_string_member (params, "CHAT_ENTITY_DATA_1", "");
  json_object_set_string_member (params, "CHAT_ENTITY_DATA_2", "");
  json_object_set_string_member (params, "CHAT_ENTITY_DATA_3", "");
  json_object_set_string_member (params, "CHAT_EXTRANET", "N");
  _botbench_php_set_int_string (params, "CHAT_PREV_MESSAGE_ID", prev);
  json_object_set_string_member (params, "CHAT_CAN_POST", "MEMBER");
  json_object_set_string_member (params, "RID", "0");
  json_object_set_string_member (params, "IS_MANAGER", "N");
}

static gint64
chat_user_count (BotbenchSandbox *self,
                 gint64           chat_id)
{
  return botbench_sandbox_state_query_int (self->state, 0, "SELECT COUNT(*) FROM chat_members WHERE chat_id = ?",
                                           "i", chat_id);
}

static char *
dialog_for_bot (const UserMessage *m)
{
  if (m->group)
    return g_strdup_printf ("chat%" G_GINT64_FORMAT, m->chat_id);

  return g_strdup_printf ("%" G_GINT64_FORMAT, m->from_user);
}

/* data[PARAMS] up to TO_USER_ID (and the chat fields in group chats), the
 * part ONIMBOTMESSAGEADD and ONIMCOMMANDADD share (§3.4.1, §3.4.6). */
static JsonObject *
message_params_head (BotbenchSandbox   *self,
                     const UserMessage *m,
                     const char        *text,
                     gint64             private_to)
{
  JsonObject *params = json_object_new ();
  g_autofree char *template_id = g_uuid_string_random ();
  g_autofree char *dialog = dialog_for_bot (m);

  json_object_set_string_member (params, "MESSAGE", text);
  json_object_set_string_member (params, "TEMPLATE_ID", template_id);
  json_object_set_string_member (params, "MESSAGE_TYPE", m->group ? "C" : "P");
  _botbench_php_set_int_string (params, "FROM_USER_ID", m->from_user);
  json_object_set_string_member (params, "DIALOG_ID", dialog);
  _botbench_php_set_int_string (params, "TO_CHAT_ID", m->chat_id);
  _botbench_php_set_int_string (params, "AUTHOR_ID", m->from_user);
  json_object_set_string_member (params, "SYSTEM", "N");
  _botbench_php_set_int_string (params, "TO_USER_ID", m->group ? m->to_user : private_to);
  if (m->group)
    add_chat_fields (self, params, m);

  return params;
}

/* ONIMBOTMESSAGEADD for one owner's bots among bot_ids; TRUE if sent. */
gboolean
_botbench_sandbox_deliver_message_add (BotbenchSandbox   *self,
                                       const char        *owner_id,
                                       GArray            *bot_ids,
                                       const UserMessage *m)
{
  g_auto(Owner) owner = { 0 };
  g_autofree char *url = NULL;
  JsonObject *data, *bots, *params;
  g_autoptr(GArray) v1_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  RecordTarget record = { m->message_id, m->chat_id, v1_ids };
  gboolean sent = FALSE;
  gint64 handler_id;

  /* Bots registered through imbot.v2 get ONIMBOTV2MESSAGEADD instead. */
  for (guint i = 0; i < bot_ids->len; i++)
    {
      gint64 bot_id = g_array_index (bot_ids, gint64, i);

      if (_botbench_sandbox_v2_is_v2_bot (self, bot_id))
        sent |= _botbench_sandbox_v2_deliver_message (self, bot_id, "ONIMBOTV2MESSAGEADD", m->message_id,
                                                      m->chat_id, m->from_user,
                                                      m->original ? m->original : m->text);
      else
        g_array_append_val (v1_ids, bot_id);
    }
  if (v1_ids->len == 0)
    return sent;
  bot_ids = v1_ids;

  if (!_botbench_sandbox_lookup_handler (self, owner_id, "ONIMBOTMESSAGEADD", &handler_id, &url))
    {
      for (guint i = 0; i < bot_ids->len; i++)
        _botbench_sandbox_record_skipped_bot (self, m->message_id, m->chat_id, g_array_index (bot_ids, gint64, i),
                                              "ONIMBOTMESSAGEADD", "NO_HANDLER");
      return sent;
    }

  _botbench_sandbox_owner_init_from_id (self, owner_id, &owner);
  data = json_object_new ();
  bots = json_object_new ();
  for (guint i = 0; i < bot_ids->len; i++)
    {
      gint64 bot_id = g_array_index (bot_ids, gint64, i);
      g_autofree char *code = NULL;
      g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT, bot_id);

      _botbench_sandbox_lookup_bot (self, bot_id, NULL, &code);
      json_object_set_object_member (bots, key, _botbench_sandbox_bot_entry (self, &owner, bot_id, code ? code : ""));
    }
  json_object_set_object_member (data, "BOT", bots);

  params = message_params_head (self, m, m->text, m->bot_id);
  for (guint i = 0; i < G_N_ELEMENTS (message_flags); i++)
    json_object_set_string_member (params, message_flags[i].key, message_flags[i].value);
  json_object_set_string_member (params, "COMMAND_CONTEXT", "TEXTAREA");
  _botbench_php_set_int_string (params, "CHAT_USER_COUNT", chat_user_count (self, m->chat_id));
  if (m->group && m->mentions->len > 0)
    {
      JsonObject *mentioned = json_object_new ();

      for (guint i = 0; i < m->mentions->len; i++)
        {
          gint64 id = g_array_index (m->mentions, gint64, i);
          g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT, id);

          _botbench_php_set_int_string (mentioned, key, id);
        }
      json_object_set_object_member (params, "MENTIONED_LIST", mentioned);
    }
  json_object_set_string_member (params, "PLATFORM_CONTEXT", "web");
  if (m->group)
    json_object_set_string_member (params, "MESSAGE_ORIGINAL", m->original);
  _botbench_php_set_int_string (params, "MESSAGE_ID", m->message_id);
  json_object_set_string_member (params, "CHAT_TYPE", m->group ? "C" : "P");
  json_object_set_string_member (params, "LANGUAGE", "en");
  json_object_set_object_member (data, "PARAMS", params);
  json_object_set_object_member (data, "USER", _botbench_sandbox_user_object (self, m->from_user, TRUE, TRUE));

  return _botbench_sandbox_send_event (self, "ONIMBOTMESSAGEADD", handler_id, url, data,
                                       _botbench_sandbox_event_auth (self, &owner, m->from_user, TRUE), &record) ||
         sent;
}

gboolean
_botbench_sandbox_deliver_command_add (BotbenchSandbox   *self,
                                       const Command     *command,
                                       const char        *command_params,
                                       const char        *context,
                                       const UserMessage *m)
{
  g_autoptr(GArray) bot_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  RecordTarget record = { m->message_id, m->chat_id, bot_ids };
  g_auto(Owner) owner = { 0 };
  g_autofree char *url = NULL;
  g_autofree char *code = NULL;
  g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT, command->id);
  JsonObject *data, *commands, *entry, *params;
  gint64 handler_id;

  if (_botbench_sandbox_v2_is_v2_bot (self, command->bot_id))
    return _botbench_sandbox_v2_deliver_command (self, command, command_params, context, m->message_id,
                                                 m->chat_id, m->from_user);

  g_array_append_val (bot_ids, command->bot_id);
  if (!_botbench_sandbox_lookup_handler (self, command->owner, "ONIMCOMMANDADD", &handler_id, &url))
    {
      _botbench_sandbox_record_skipped_bot (self, m->message_id, m->chat_id, command->bot_id,
                                            "ONIMCOMMANDADD", "NO_HANDLER");
      return FALSE;
    }

  _botbench_sandbox_owner_init_from_id (self, command->owner, &owner);
  _botbench_sandbox_lookup_bot (self, command->bot_id, NULL, &code);

  entry = _botbench_sandbox_bot_entry (self, &owner, command->bot_id, code ? code : "");
  json_object_set_string_member (entry, "COMMAND", command->command);
  _botbench_php_set_int_string (entry, "COMMAND_ID", command->id);
  json_object_set_string_member (entry, "COMMAND_PARAMS", command_params);
  json_object_set_string_member (entry, "COMMAND_CONTEXT", context);
  _botbench_php_set_int_string (entry, "MESSAGE_ID", m->message_id);
  commands = json_object_new ();
  json_object_set_object_member (commands, key, entry);
  data = json_object_new ();
  json_object_set_object_member (data, "COMMAND", commands);

  params = message_params_head (self, m, m->original ? m->original : m->text, command->bot_id);
  json_object_set_string_member (params, "SKIP_USER_CHECK", "Y");
  for (guint i = 0; i < G_N_ELEMENTS (message_flags); i++)
    {
      json_object_set_string_member (params, message_flags[i].key, message_flags[i].value);
      if (g_str_equal (message_flags[i].key, "PUSH_IMPORTANT"))
        json_object_set_string_member (params, "RECENT_ADD", "Y");
    }
  _botbench_php_set_int_string (params, "MESSAGE_ID", m->message_id);
  json_object_set_string_member (params, "CHAT_TYPE", m->group ? "C" : "P");
  json_object_set_string_member (params, "LANGUAGE", "en");
  json_object_set_object_member (data, "PARAMS", params);
  json_object_set_object_member (data, "USER", _botbench_sandbox_user_object (self, m->from_user, FALSE, FALSE));

  return _botbench_sandbox_send_event (self, "ONIMCOMMANDADD", handler_id, url, data,
                                       _botbench_sandbox_event_auth (self, &owner, m->from_user, TRUE), &record);
}

gboolean
_botbench_sandbox_deliver_join (BotbenchSandbox *self,
                                gint64           bot_id,
                                gint64           user_id,
                                gint64           chat_id,
                                gint64           message_id)
{
  g_auto(Owner) owner = { 0 };
  g_autofree char *owner_id = NULL;
  g_autofree char *code = NULL;
  g_autofree char *url = NULL;
  g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT, bot_id);
  g_autoptr(GArray) bot_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  RecordTarget record = { message_id, chat_id, bot_ids };
  JsonObject *data, *bots, *params;
  gint64 record_chat;
  gint64 handler_id;

  if (!_botbench_sandbox_lookup_bot (self, bot_id, &owner_id, &code))
    return FALSE;
  if (_botbench_sandbox_v2_is_v2_bot (self, bot_id))
    return _botbench_sandbox_v2_deliver_join (self, bot_id, user_id, chat_id, message_id);
  g_array_append_val (bot_ids, bot_id);
  record_chat = chat_id > 0 ? chat_id : _botbench_sandbox_private_chat (self, user_id, bot_id);
  record.chat_id = record_chat;
  if (!_botbench_sandbox_lookup_handler (self, owner_id, "ONIMBOTJOINCHAT", &handler_id, &url))
    {
      _botbench_sandbox_record_skipped_bot (self, message_id, record_chat, bot_id, "ONIMBOTJOINCHAT", "NO_HANDLER");
      return FALSE;
    }

  _botbench_sandbox_owner_init_from_id (self, owner_id, &owner);
  bots = json_object_new ();
  json_object_set_object_member (bots, key, _botbench_sandbox_bot_entry (self, &owner, bot_id, code));
  data = json_object_new ();
  json_object_set_object_member (data, "BOT", bots);

  params = json_object_new ();
  json_object_set_string_member (params, "CHAT_TYPE", chat_id > 0 ? "C" : "P");
  json_object_set_string_member (params, "MESSAGE_TYPE", chat_id > 0 ? "C" : "P");
  _botbench_php_set_int_string (params, "BOT_ID", bot_id);
  _botbench_php_set_int_string (params, "USER_ID", user_id);
  if (chat_id > 0)
    {
      g_autofree char *dialog = g_strdup_printf ("chat%" G_GINT64_FORMAT, chat_id);

      _botbench_php_set_int_string (params, "CHAT_ID", chat_id);
      _botbench_php_set_int_string (params, "CHAT_AUTHOR_ID",
                                    botbench_sandbox_state_query_int (self->state, 0,
                                                                      "SELECT author_id FROM chats WHERE id = ?",
                                                                      "i", chat_id));
      json_object_set_string_member (params, "CHAT_ENTITY_TYPE", "");
      json_object_set_string_member (params, "CHAT_ENTITY_ID", "");
      json_object_set_string_member (params, "ACCESS_HISTORY", "1");
      json_object_set_string_member (params, "DIALOG_ID", dialog);
    }
  else
    {
      _botbench_php_set_int_string (params, "TO_USER_ID", user_id);
      _botbench_php_set_int_string (params, "FROM_USER_ID", bot_id);
      _botbench_php_set_int_string (params, "DIALOG_ID", user_id);
    }
  json_object_set_string_member (params, "LANGUAGE", "en");
  json_object_set_object_member (data, "PARAMS", params);
  json_object_set_object_member (data, "USER", _botbench_sandbox_user_object (self, user_id, TRUE, FALSE));

  return _botbench_sandbox_send_event (self, "ONIMBOTJOINCHAT", handler_id, url, data,
                                       _botbench_sandbox_event_auth (self, &owner, user_id, FALSE), &record);
}
