/* botbench-chat-session-state.c: what the session knows, merged in place
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * MESSAGE objects into their conversation's list (by id: new ones inserted
 * at their place, known ones updated in place), DELIVERY objects by id, a
 * conversation's history when it is first shown, and the CHATS/BOTS/USERS
 * lists of a reload (conversations keep their objects); and the public
 * accessors that read that state.
 */
#define G_LOG_DOMAIN "botbench-chat"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "botbench-chat-conversation-private.h"
#include "botbench-chat-json-private.h"
#include "botbench-chat-message-private.h"
#include "botbench-chat-session-private.h"

/* Messages and deliveries */

static int
compare_ids (gint64 a,
             gint64 b)
{
  /* Pending echoes (negative ids) after every stored message, in sending order. */
  if ((a < 0) != (b < 0))
    return a < 0 ? 1 : -1;
  if (a < 0)
    return a > b ? -1 : (a < b);
  return a < b ? -1 : (a > b);
}

void
_botbench_chat_session_insert_sorted (ChatDialog          *dialog,
                                      BotbenchChatMessage *message)
{
  guint lo = 0;
  guint hi = g_list_model_get_n_items (G_LIST_MODEL (dialog->store));
  gint64 id = botbench_chat_message_get_id (message);

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      g_autoptr(BotbenchChatMessage) other = g_list_model_get_item (G_LIST_MODEL (dialog->store), mid);

      if (compare_ids (botbench_chat_message_get_id (other), id) < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  g_list_store_insert (dialog->store, lo, message);
}

static BotbenchChatConversation *
conversation_for_chat (BotbenchChatSession *self,
                       gint64               chat_id,
                       const char          *dialog_hint)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->conversations));

  for (guint i = 0; i < n && chat_id > 0; i++)
    {
      g_autoptr(BotbenchChatConversation) conversation = g_list_model_get_item (G_LIST_MODEL (self->conversations), i);

      if (botbench_chat_conversation_get_chat_id (conversation) == chat_id)
        return conversation;
    }

  /* A private dialog whose chat we do not know yet (our own send told us the dialog). */
  if (dialog_hint != NULL)
    return g_hash_table_lookup (self->by_dialog, dialog_hint);
  return NULL;
}

/* Moves @conversation to the top when a message makes it the most recent. */
static void
raise_conversation (BotbenchChatSession      *self,
                    BotbenchChatConversation *conversation)
{
  guint position;

  if (!g_list_store_find (self->conversations, conversation, &position) || position == 0)
    return;
  g_object_ref (conversation);
  g_list_store_remove (self->conversations, position);
  g_list_store_insert (self->conversations, 0, conversation);
  g_object_unref (conversation);
}

BotbenchChatMessage *
_botbench_chat_session_take_message (BotbenchChatSession *self,
                                     JsonObject          *object,
                                     const char          *dialog_hint)
{
  g_autoptr(BotbenchChatMessage) incoming = botbench_chat_message_new_from_json (object);
  BotbenchChatConversation *conversation;
  BotbenchChatMessage *known;
  ChatDialog *dialog;
  GDateTime *date;

  if (incoming == NULL)
    return NULL;

  known = g_hash_table_lookup (self->messages, &(gint64) { botbench_chat_message_get_id (incoming) });
  if (known != NULL)
    {
      if (botbench_chat_message_update_from (known, incoming))
        _botbench_chat_session_emit_message_changed (self, known);
      return known;
    }

  conversation = conversation_for_chat (self, botbench_chat_message_get_chat_id (incoming), dialog_hint);
  if (conversation != NULL)
    {
      date = botbench_chat_message_get_date (incoming);
      _botbench_chat_conversation_note_message (conversation, botbench_chat_message_get_id (incoming),
                                                date != NULL ? g_date_time_to_unix (date) : 0);
      raise_conversation (self, conversation);
      dialog_hint = botbench_chat_conversation_get_dialog_id (conversation);
    }
  if (dialog_hint == NULL)
    return NULL;

  dialog = g_hash_table_lookup (self->dialogs, dialog_hint);
  if (dialog == NULL)
    return NULL;  /* not shown yet: loaded whole on first use */

  g_hash_table_insert (self->messages, g_memdup2 (&(gint64) { botbench_chat_message_get_id (incoming) }, sizeof (gint64)),
                       g_object_ref (incoming));
  _botbench_chat_session_insert_sorted (dialog, incoming);
  _botbench_chat_session_emit_message_added (self, conversation, incoming);
  return incoming;
}

void
_botbench_chat_session_take_deliveries (BotbenchChatSession *self,
                                        JsonObject          *result)
{
  JsonArray *list = _botbench_chat_json_get_array (result, "DELIVERIES");
  guint n = list != NULL ? json_array_get_length (list) : 0;

  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (list, i);
      g_autoptr(BotbenchChatDelivery) incoming = NULL;
      BotbenchChatDelivery *delivery;
      BotbenchChatMessage *message;
      gint64 id;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      incoming = botbench_chat_delivery_new_from_json (json_node_get_object (element));
      if (incoming == NULL)
        continue;

      id = botbench_chat_delivery_get_id (incoming);
      delivery = g_hash_table_lookup (self->deliveries, &id);
      if (delivery != NULL)
        {
          if (!botbench_chat_delivery_update_from (delivery, incoming))
            continue;
        }
      else
        {
          delivery = incoming;
          g_hash_table_insert (self->deliveries, g_memdup2 (&id, sizeof id), g_object_ref (incoming));
        }

      message = g_hash_table_lookup (self->messages, &(gint64) { botbench_chat_delivery_get_message_id (delivery) });
      if (message != NULL)
        _botbench_chat_message_add_deliveries (message, &id, 1);

      _botbench_chat_session_emit_delivery_changed (self, delivery);
    }
}

void
_botbench_chat_session_apply_updates (BotbenchChatSession *self,
                                      JsonObject          *result)
{
  JsonArray *messages = _botbench_chat_json_get_array (result, "MESSAGES");
  guint n = messages != NULL ? json_array_get_length (messages) : 0;

  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (messages, i);

      if (JSON_NODE_HOLDS_OBJECT (element))
        _botbench_chat_session_take_message (self, json_node_get_object (element), NULL);
    }
  _botbench_chat_session_take_deliveries (self, result);
  _botbench_chat_session_set_rev (self, _botbench_chat_json_get_int (result, "REV", self->rev));
}

/* Loading a conversation's history */

typedef struct
{
  BotbenchChatSession *self;
  char                *dialog_id;
  gint64               user_id;   /* whose dialog it is */
} DialogLoad;

static void
dialog_load_free (DialogLoad *load)
{
  g_object_unref (load->self);
  g_free (load->dialog_id);
  g_free (load);
}

static void
load_dialog_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  DialogLoad *load = user_data;
  BotbenchChatSession *self = load->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) answer = botbench_chat_client_messages_finish (BOTBENCH_CHAT_CLIENT (object), result, &error);
  ChatDialog *dialog = g_hash_table_lookup (self->dialogs, load->dialog_id);
  JsonArray *messages;
  gint64 chat_id;

  if (dialog == NULL)
    goto out;
  dialog->loading = FALSE;

  /* The speaking user changed meanwhile: this history is someone else's. */
  if (load->user_id != self->user_id)
    {
      if (!dialog->loaded)
        _botbench_chat_session_load_dialog (self, dialog);
      goto out;
    }

  if (answer == NULL)
    {
      /* Loaded again when the chats are reloaded (see load_chats_cb). */
      g_debug ("Cannot load conversation %s: %s", load->dialog_id, error->message);
      goto out;
    }
  dialog->loaded = TRUE;

  chat_id = _botbench_chat_json_get_int (answer, "CHAT_ID", 0);
  if (chat_id > 0)
    {
      BotbenchChatConversation *conversation = g_hash_table_lookup (self->by_dialog, load->dialog_id);

      if (conversation != NULL && botbench_chat_conversation_get_chat_id (conversation) == 0)
        _botbench_chat_conversation_set_chat_id (conversation, chat_id);
    }

  messages = _botbench_chat_json_get_array (answer, "MESSAGES");
  for (guint i = 0; messages != NULL && i < json_array_get_length (messages); i++)
    {
      JsonNode *element = json_array_get_element (messages, i);

      if (JSON_NODE_HOLDS_OBJECT (element))
        _botbench_chat_session_take_message (self, json_node_get_object (element), load->dialog_id);
    }

out:
  dialog_load_free (load);
}

void
_botbench_chat_session_load_dialog (BotbenchChatSession *self,
                                    ChatDialog          *dialog)
{
  DialogLoad *load;

  if (dialog->loading || self->cancellable == NULL)
    return;
  dialog->loading = TRUE;
  load = g_new0 (DialogLoad, 1);
  load->self = g_object_ref (self);
  load->dialog_id = g_strdup (dialog->dialog_id);
  load->user_id = self->user_id;
  botbench_chat_client_messages_async (self->client, dialog->dialog_id, self->user_id, -1, self->cancellable,
                                       load_dialog_cb, load);
}

ChatDialog *
_botbench_chat_session_ensure_dialog (BotbenchChatSession *self,
                                      const char          *dialog_id)
{
  ChatDialog *dialog = g_hash_table_lookup (self->dialogs, dialog_id);

  if (dialog == NULL)
    {
      dialog = g_new0 (ChatDialog, 1);
      dialog->dialog_id = g_strdup (dialog_id);
      dialog->store = g_list_store_new (BOTBENCH_TYPE_CHAT_MESSAGE);
      g_hash_table_insert (self->dialogs, dialog->dialog_id, dialog);
    }
  if (!dialog->loaded)
    _botbench_chat_session_load_dialog (self, dialog);
  return dialog;
}

/* Reloads */

void
_botbench_chat_session_replace_array (GPtrArray      **array,
                                      JsonArray       *list,
                                      gpointer       (*new_from_json) (JsonObject *),
                                      GDestroyNotify   free_func)
{
  GPtrArray *fresh = g_ptr_array_new_with_free_func (free_func);

  for (guint i = 0; list != NULL && i < json_array_get_length (list); i++)
    {
      JsonNode *element = json_array_get_element (list, i);
      gpointer item;

      if (JSON_NODE_HOLDS_OBJECT (element) && (item = new_from_json (json_node_get_object (element))) != NULL)
        g_ptr_array_add (fresh, item);
    }
  g_ptr_array_unref (*array);
  *array = fresh;
}

void
_botbench_chat_session_replace_conversations (BotbenchChatSession *self,
                                              JsonArray           *chats)
{
  g_autoptr(GPtrArray) fresh = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; chats != NULL && i < json_array_get_length (chats); i++)
    {
      JsonNode *element = json_array_get_element (chats, i);
      g_autoptr(BotbenchChatConversation) incoming = NULL;
      BotbenchChatConversation *known;
      const char *dialog_id;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      incoming = botbench_chat_conversation_new_from_json (json_node_get_object (element));
      if (incoming == NULL)
        continue;
      dialog_id = botbench_chat_conversation_get_dialog_id (incoming);
      if (g_hash_table_contains (seen, dialog_id))
        continue;

      known = g_hash_table_lookup (self->by_dialog, dialog_id);
      if (known != NULL)
        {
          botbench_chat_conversation_update_from (known, incoming);
          g_ptr_array_add (fresh, g_object_ref (known));
        }
      else
        g_ptr_array_add (fresh, g_object_ref (incoming));
      g_hash_table_add (seen, (gpointer)botbench_chat_conversation_get_dialog_id (fresh->pdata[fresh->len - 1]));
    }

  /* One private dialog per bot, even before the user wrote to it (the
   * sandbox lists only the chats that exist): CHAT_ID 0 until then. */
  for (guint i = 0; i < self->bots->len; i++)
    {
      BotbenchChatBot *bot = self->bots->pdata[i];
      g_autofree char *dialog_id = g_strdup_printf ("%" G_GINT64_FORMAT, bot->id);
      g_autofree char *title = NULL;
      g_autoptr(JsonObject) object = NULL;
      g_autoptr(JsonArray) members = NULL;
      g_autoptr(BotbenchChatConversation) incoming = NULL;
      BotbenchChatConversation *known;

      if (g_hash_table_contains (seen, dialog_id))
        continue;

      title = botbench_chat_bot_dup_display_name (bot);
      members = json_array_new ();
      json_array_add_int_element (members, self->user_id);
      json_array_add_int_element (members, bot->id);
      object = json_object_new ();
      json_object_set_int_member (object, "CHAT_ID", 0);
      json_object_set_string_member (object, "DIALOG_ID", dialog_id);
      json_object_set_string_member (object, "TYPE", "P");
      json_object_set_string_member (object, "TITLE", title);
      json_object_set_int_member (object, "BOT_ID", bot->id);
      json_object_set_array_member (object, "MEMBERS", json_array_ref (members));
      incoming = botbench_chat_conversation_new_from_json (object);

      known = g_hash_table_lookup (self->by_dialog, dialog_id);
      if (known != NULL && botbench_chat_conversation_get_chat_id (known) == 0)
        {
          botbench_chat_conversation_update_from (known, incoming);
          g_ptr_array_add (fresh, g_object_ref (known));
        }
      else
        g_ptr_array_add (fresh, g_object_ref (incoming));
      g_hash_table_add (seen, (gpointer)botbench_chat_conversation_get_dialog_id (fresh->pdata[fresh->len - 1]));
    }

  g_hash_table_remove_all (self->by_dialog);
  for (guint i = 0; i < fresh->len; i++)
    g_hash_table_insert (self->by_dialog, (gpointer)botbench_chat_conversation_get_dialog_id (fresh->pdata[i]),
                         fresh->pdata[i]);
  g_list_store_splice (self->conversations, 0, g_list_model_get_n_items (G_LIST_MODEL (self->conversations)),
                       fresh->pdata, fresh->len);
}

/* Reading the state */

GListModel *
botbench_chat_session_get_conversations (BotbenchChatSession *self)
{
  g_return_val_if_fail (BOTBENCH_IS_CHAT_SESSION (self), NULL);
  return G_LIST_MODEL (self->conversations);
}

BotbenchChatConversation *
botbench_chat_session_lookup_conversation (BotbenchChatSession *self,
                                           const char          *dialog_id)
{
  g_return_val_if_fail (BOTBENCH_IS_CHAT_SESSION (self), NULL);
  g_return_val_if_fail (dialog_id != NULL, NULL);
  return g_hash_table_lookup (self->by_dialog, dialog_id);
}

GPtrArray *
botbench_chat_session_get_users (BotbenchChatSession *self)
{
  g_return_val_if_fail (BOTBENCH_IS_CHAT_SESSION (self), NULL);
  return self->users;
}

GPtrArray *
botbench_chat_session_get_bots (BotbenchChatSession *self)
{
  g_return_val_if_fail (BOTBENCH_IS_CHAT_SESSION (self), NULL);
  return self->bots;
}

BotbenchChatUser *
botbench_chat_session_lookup_user (BotbenchChatSession *self,
                                   gint64               user_id)
{
  g_return_val_if_fail (BOTBENCH_IS_CHAT_SESSION (self), NULL);

  for (guint i = 0; i < self->users->len; i++)
    if (((BotbenchChatUser *)self->users->pdata[i])->id == user_id)
      return self->users->pdata[i];
  return NULL;
}

BotbenchChatBot *
botbench_chat_session_lookup_bot (BotbenchChatSession *self,
                                  gint64               bot_id)
{
  g_return_val_if_fail (BOTBENCH_IS_CHAT_SESSION (self), NULL);

  for (guint i = 0; i < self->bots->len; i++)
    if (((BotbenchChatBot *)self->bots->pdata[i])->id == bot_id)
      return self->bots->pdata[i];
  return NULL;
}

char *
botbench_chat_session_dup_author_name (BotbenchChatSession *self,
                                       gint64               author_id)
{
  BotbenchChatUser *user;
  BotbenchChatBot *bot;

  g_return_val_if_fail (BOTBENCH_IS_CHAT_SESSION (self), NULL);

  if (author_id == 0)
    return g_strdup (_("Portal"));
  if ((bot = botbench_chat_session_lookup_bot (self, author_id)) != NULL)
    return botbench_chat_bot_dup_display_name (bot);
  if ((user = botbench_chat_session_lookup_user (self, author_id)) != NULL)
    return g_strdup (user->name);
  return g_strdup_printf (_("User %lld"), (long long) author_id);
}

GListModel *
botbench_chat_session_get_messages (BotbenchChatSession *self,
                                    const char          *dialog_id)
{
  g_return_val_if_fail (BOTBENCH_IS_CHAT_SESSION (self), NULL);
  g_return_val_if_fail (dialog_id != NULL, NULL);

  return G_LIST_MODEL (_botbench_chat_session_ensure_dialog (self, dialog_id)->store);
}

BotbenchChatMessage *
botbench_chat_session_lookup_message (BotbenchChatSession *self,
                                      gint64               message_id)
{
  g_return_val_if_fail (BOTBENCH_IS_CHAT_SESSION (self), NULL);
  return g_hash_table_lookup (self->messages, &message_id);
}

BotbenchChatDelivery *
botbench_chat_session_lookup_delivery (BotbenchChatSession *self,
                                       gint64               delivery_id)
{
  g_return_val_if_fail (BOTBENCH_IS_CHAT_SESSION (self), NULL);
  return g_hash_table_lookup (self->deliveries, &delivery_id);
}
