/* botbench-chat-page.c: the Chat page (play the sandbox portal's users)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For the active profile, when its portal is a Botbench sandbox (it answers
 * /_sandbox/info), a BotbenchChatSession: the conversations on the left
 * (a private dialog per bot, group chats), the open conversation on the
 * right (its messages, kept scrolled to the bottom while new ones arrive
 * there), the "Speaking as" user and the composer.  Another portal gets a
 * status page saying that chatting needs the sandbox.  This file owns the
 * session (follows the active profile, restarts on a new sandbox URL) and
 * sends; the lists and the open conversation are in
 * botbench-chat-page-view.c, the chat.* actions of rows and menus in
 * botbench-chat-page-actions.c.
 */
#define G_LOG_DOMAIN "botbench-chat"

#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>

#include "botbench-a11y.h"
#include "botbench-application-private.h"
#include "botbench-chat-composer.h"
#include "botbench-chat-conversation-row.h"
#include "botbench-chat-message-row.h"
#include "botbench-chat-page-private.h"

G_DEFINE_FINAL_TYPE (BotbenchChatPage, botbench_chat_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STATE,
  PROP_FIRST_BOT_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void botbench_chat_page_load      (BotbenchChatPage *self);

void
_botbench_chat_page_toast (BotbenchChatPage *self,
                           const char       *text)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", text);
}

void
_botbench_chat_page_error_toast (BotbenchChatPage *self,
                                 const char       *what,
                                 const GError     *error)
{
  g_autofree char *text = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* Translators: "Cannot send: Message not found (MESSAGE_ID_ERROR)" */
  text = g_strdup_printf (_("%s: %s"), what, error->message);
  _botbench_chat_page_toast (self, text);
}

typedef struct
{
  BotbenchChatPage *page;   /* not a reference: the page cancels its calls when it goes */
  const char       *what;
} ActionCall;

gpointer
_botbench_chat_page_action_new (BotbenchChatPage *self,
                                const char       *what)
{
  ActionCall *call = g_new (ActionCall, 1);

  call->page = self;
  call->what = what;
  return call;
}

void
_botbench_chat_page_action_done_cb (GObject      *object,
                                    GAsyncResult *result,
                                    gpointer      user_data)
{
  g_autofree ActionCall *call = user_data;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GError) error = NULL;

  /* A cancelled call touches nothing: the page may be gone. */
  reply = botbench_chat_session_action_finish (BOTBENCH_CHAT_SESSION (object), result, &error);
  if (reply == NULL)
    _botbench_chat_page_error_toast (call->page, call->what, error);
}

static void
botbench_chat_page_set_state (BotbenchChatPage *self,
                              const char       *state)
{
  gtk_stack_set_visible_child_name (self->chat_stack, state);
  gtk_spinner_set_spinning (self->loading_spinner, g_str_equal (state, "loading"));

  if (g_strcmp0 (self->state, state) == 0)
    return;

  g_free (self->state);
  self->state = g_strdup (state);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

BotbenchChatConversation *
_botbench_chat_page_get_conversation (BotbenchChatPage *self)
{
  if (self->session == NULL || self->dialog_id == NULL)
    return NULL;

  return botbench_chat_session_lookup_conversation (self->session, self->dialog_id);
}

static void
botbench_chat_page_update_first_bot (BotbenchChatPage *self)
{
  GPtrArray *bots = self->session != NULL ? botbench_chat_session_get_bots (self->session) : NULL;
  gint64 first = 0;

  if (bots != NULL && bots->len > 0 && botbench_chat_session_get_ready (self->session))
    first = ((BotbenchChatBot *)g_ptr_array_index (bots, 0))->id;

  if (first == self->first_bot_id)
    return;

  self->first_bot_id = first;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FIRST_BOT_ID]);
}

/* ---- the session -------------------------------------------------------- */

static void
session_ready_cb (BotbenchChatPage    *self,
                  GParamSpec          *pspec,
                  BotbenchChatSession *session)
{
  if (!botbench_chat_session_get_ready (session))
    return;

  botbench_chat_page_set_state (self, "chat");
  _botbench_chat_page_update_users (self);
  _botbench_chat_page_update_bot_list (self);
  botbench_chat_page_update_first_bot (self);
  _botbench_chat_page_update_menus (self);

  if (self->pending_dialog != NULL)
    {
      g_autofree char *dialog_id = g_strdup (self->pending_dialog);

      _botbench_chat_page_open_now (self, dialog_id);
    }
}

static void
session_chats_changed_cb (BotbenchChatPage    *self,
                          BotbenchChatSession *session)
{
  _botbench_chat_page_update_users (self);
  botbench_chat_page_update_first_bot (self);
  _botbench_chat_page_update_rows (self);
  _botbench_chat_page_update_bot_list (self);
  _botbench_chat_page_update_header (self);

  if (self->pending_dialog != NULL && botbench_chat_session_get_ready (session))
    {
      g_autofree char *dialog_id = g_strdup (self->pending_dialog);

      if (botbench_chat_session_lookup_conversation (session, dialog_id) != NULL)
        _botbench_chat_page_open_now (self, dialog_id);
    }
}

static void
session_message_added_cb (BotbenchChatPage         *self,
                          BotbenchChatConversation *conversation,
                          BotbenchChatMessage      *message,
                          BotbenchChatSession      *session)
{
  _botbench_chat_page_update_rows (self);
}

static void
session_delivery_changed_cb (BotbenchChatPage     *self,
                             BotbenchChatDelivery *delivery,
                             BotbenchChatSession  *session)
{
  gint64 chat_id = botbench_chat_delivery_get_chat_id (delivery);

  if (!botbench_chat_delivery_is_finished (delivery) || chat_id <= 0)
    return;

  g_hash_table_insert (self->problems, g_memdup2 (&chat_id, sizeof chat_id),
                       GINT_TO_POINTER (botbench_chat_delivery_is_problem (delivery)));
  _botbench_chat_page_update_rows (self);
}

static void
session_error_cb (BotbenchChatPage    *self,
                  GParamSpec          *pspec,
                  BotbenchChatSession *session)
{
  const GError *error = botbench_chat_session_get_error (session);

  if (error != NULL)
    {
      g_autofree char *text = NULL;

      /* Translators: %s says why, e.g. "Connection refused" */
      text = g_strdup_printf (_("Lost contact with the sandbox portal, trying again: %s"), error->message);
      gtk_label_set_label (self->error_label, text);
    }
  gtk_revealer_set_reveal_child (self->error_revealer, error != NULL);

  if (error != NULL && !botbench_chat_session_get_ready (session))
    {
      adw_status_page_set_description (self->error_page, gtk_label_get_label (self->error_label));
      botbench_chat_page_set_state (self, "error");
    }
  else if (error == NULL && botbench_chat_session_get_ready (session))
    botbench_chat_page_set_state (self, "chat");
}

static void
botbench_chat_page_drop_session (BotbenchChatPage *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  _botbench_chat_page_close_conversation (self);
  if (self->conversation_list != NULL)
    gtk_list_box_bind_model (self->conversation_list, NULL, NULL, NULL, NULL);

  if (self->session != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->session, self);
      g_signal_handlers_disconnect_by_data (botbench_chat_session_get_conversations (self->session), self);
      botbench_chat_session_stop (self->session);
    }
  g_clear_object (&self->session);
  _botbench_chat_page_update_bot_list (self);
  g_clear_object (&self->client);
  if (self->joined != NULL)
    g_hash_table_remove_all (self->joined);
  if (self->problems != NULL)
    g_hash_table_remove_all (self->problems);
  if (self->error_revealer != NULL)
    gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
  botbench_chat_page_update_first_bot (self);
}

static void
botbench_chat_page_start_session (BotbenchChatPage *self)
{
  GListModel *conversations;

  self->session = botbench_chat_session_new (self->client);
  conversations = botbench_chat_session_get_conversations (self->session);

  g_signal_connect_object (self->session, "notify::ready", G_CALLBACK (session_ready_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::error", G_CALLBACK (session_error_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "chats-changed", G_CALLBACK (session_chats_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "message-added", G_CALLBACK (session_message_added_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "delivery-changed", G_CALLBACK (session_delivery_changed_cb),
                           self, G_CONNECT_SWAPPED);

  gtk_list_box_bind_model (self->conversation_list, conversations,
                           _botbench_chat_page_create_row_cb, self, NULL);
  g_signal_connect_object (conversations, "items-changed", G_CALLBACK (_botbench_chat_page_conversations_changed_cb),
                           self, G_CONNECT_SWAPPED | G_CONNECT_AFTER);
  _botbench_chat_page_update_bot_list (self);

  botbench_chat_session_start (self->session);
}

static void
info_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  /* Not a reference: the page cancels its calls when it goes, and a
   * cancelled call touches nothing. */
  BotbenchChatPage *self = user_data;
  g_autoptr(JsonObject) info = NULL;
  g_autoptr(GError) error = NULL;

  info = botbench_chat_client_info_finish (BOTBENCH_CHAT_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      BOTBENCH_CHAT_CLIENT (object) != self->client)
    return;

  if (info == NULL)
    {
      if (g_error_matches (error, BOTBENCH_CHAT_ERROR, BOTBENCH_CHAT_ERROR_NOT_SANDBOX))
        botbench_chat_page_set_state (self, "not-sandbox");
      else
        {
          g_autofree char *description = g_markup_escape_text (error->message, -1);

          adw_status_page_set_description (self->error_page, description);
          botbench_chat_page_set_state (self, "error");
        }
      return;
    }

  botbench_chat_page_start_session (self);
}

static void
botbench_chat_page_load (BotbenchChatPage *self)
{
  BotbenchProfile *active;
  g_autoptr(GError) error = NULL;

  botbench_chat_page_drop_session (self);

  active = self->app != NULL ? botbench_profile_manager_get_active (botbench_application_get_profile_manager (self->app)) : NULL;
  g_set_object (&self->profile, active);

  if (active == NULL)
    {
      botbench_chat_page_set_state (self, "none");
      return;
    }

  self->client = botbench_chat_client_new_for_profile (active, &error);
  if (self->client == NULL)
    {
      g_debug ("No sandbox URL for profile %s: %s", botbench_profile_get_uuid (active), error->message);
      botbench_chat_page_set_state (self, "not-sandbox");
      return;
    }

  /* The built-in sandbox says where it runs once it runs. */
  if (botbench_profile_is_builtin_sandbox (active) &&
      !botbench_sandbox_get_running (botbench_application_get_sandbox (self->app)))
    {
      adw_status_page_set_description (self->error_page, _("The sandbox portal is not running"));
      botbench_chat_page_set_state (self, "error");
      return;
    }

  self->cancellable = g_cancellable_new ();
  botbench_chat_page_set_state (self, "loading");
  botbench_chat_client_info_async (self->client, self->cancellable, info_done_cb, self);
}

void
_botbench_chat_page_reload (BotbenchChatPage *self)
{
  botbench_chat_page_load (self);
}

/* Reloads when the portal's sandbox URL is no longer the session's. */
static void
botbench_chat_page_check_profile (BotbenchChatPage *self)
{
  BotbenchProfile *active = botbench_profile_manager_get_active (botbench_application_get_profile_manager (self->app));
  g_autofree char *url = NULL;

  if (active != self->profile)
    {
      botbench_chat_page_load (self);
      return;
    }

  if (active == NULL)
    return;

  url = botbench_chat_dup_sandbox_url (active, NULL);
  if (self->client == NULL || url == NULL ||
      g_strcmp0 (url, botbench_chat_client_get_base_url (self->client)) != 0 ||
      g_strcmp0 (self->state, "error") == 0)
    botbench_chat_page_load (self);
}

static void
sandbox_running_cb (BotbenchChatPage *self,
                    GParamSpec       *pspec,
                    BotbenchSandbox  *sandbox)
{
  if (self->profile != NULL && botbench_profile_is_builtin_sandbox (self->profile))
    botbench_chat_page_load (self);
}

static void
composer_send_cb (BotbenchChatPage     *self,
                  const char           *text,
                  BotbenchChatComposer *composer)
{
  if (self->session == NULL || self->dialog_id == NULL)
    return;

  self->follow_tail = TRUE;
  botbench_chat_session_send_async (self->session, self->dialog_id, text, self->cancellable,
                                    _botbench_chat_page_action_done_cb,
                                            _botbench_chat_page_action_new (self, _("Cannot send")));
  botbench_chat_composer_set_text (composer, "");
}

/* ---- GObject ------------------------------------------------------------ */

static void
botbench_chat_page_dispose (GObject *object)
{
  BotbenchChatPage *self = (BotbenchChatPage *)object;

  botbench_chat_page_drop_session (self);
  g_clear_handle_id (&self->tail_source, g_source_remove);

  gtk_widget_dispose_template (GTK_WIDGET (self), BOTBENCH_TYPE_CHAT_PAGE);

  g_clear_object (&self->profile);
  g_clear_object (&self->app);
  g_clear_pointer (&self->joined, g_hash_table_unref);
  g_clear_pointer (&self->problems, g_hash_table_unref);
  g_clear_pointer (&self->user_ids, g_array_unref);
  g_clear_pointer (&self->dialog_id, g_free);
  g_clear_pointer (&self->pending_dialog, g_free);
  g_clear_pointer (&self->state, g_free);

  G_OBJECT_CLASS (botbench_chat_page_parent_class)->dispose (object);
}

static void
botbench_chat_page_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  BotbenchChatPage *self = BOTBENCH_CHAT_PAGE (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_string (value, self->state);
      break;
    case PROP_FIRST_BOT_ID:
      g_value_set_int64 (value, self->first_bot_id);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
botbench_chat_page_class_init (BotbenchChatPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = botbench_chat_page_dispose;
  object_class->get_property = botbench_chat_page_get_property;

  properties[PROP_STATE] =
    g_param_spec_string ("state", NULL, NULL, "none",
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FIRST_BOT_ID] =
    g_param_spec_int64 ("first-bot-id", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (BOTBENCH_TYPE_CHAT_COMPOSER);

  _botbench_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/botbench/Botbench/botbench-chat-page.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, BotbenchChatPage, user_names);
  gtk_widget_class_bind_template_child (widget_class, BotbenchChatPage, add_bot_section);
  gtk_widget_class_bind_template_child (widget_class, BotbenchChatPage, mention_section);
  gtk_widget_class_bind_template_child (widget_class, BotbenchChatPage, chat_stack);
  gtk_widget_class_bind_template_child (widget_class, BotbenchChatPage, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, BotbenchChatPage, not_sandbox_page);
  gtk_widget_class_bind_template_child (widget_class, BotbenchChatPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, BotbenchChatPage, chat_leaflet);
  gtk_widget_class_bind_template_child (widget_class, BotbenchChatPage, list_stack);
  gtk_widget_class_bind_template_child (widget_class, BotbenchChatPage, conversation_list);
  gtk_widget_class_bind_template_child (widget_class, BotbenchChatPage, bots_heading);
  gtk_widget_class_bind_template_child (widget_class, BotbenchChatPage, bot_list);
  gtk_widget_class_bind_template_child (widget_class, BotbenchChatPage, conversation_title);
  gtk_widget_class_bind_template_child (widget_class, BotbenchChatPage, conversation_subtitle);
  gtk_widget_class_bind_template_child (widget_class, BotbenchChatPage, add_bot_button);
  gtk_widget_class_bind_template_child (widget_class, BotbenchChatPage, user_dropdown);
  gtk_widget_class_bind_template_child (widget_class, BotbenchChatPage, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, BotbenchChatPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, BotbenchChatPage, handler_hint_revealer);
  gtk_widget_class_bind_template_child (widget_class, BotbenchChatPage, handler_hint_label);
  gtk_widget_class_bind_template_child (widget_class, BotbenchChatPage, conversation_stack);
  gtk_widget_class_bind_template_child (widget_class, BotbenchChatPage, message_scroller);
  gtk_widget_class_bind_template_child (widget_class, BotbenchChatPage, message_list);
  gtk_widget_class_bind_template_child (widget_class, BotbenchChatPage, mention_button);
  gtk_widget_class_bind_template_child (widget_class, BotbenchChatPage, composer);
  _botbench_chat_page_class_init_view (widget_class);
  gtk_widget_class_bind_template_callback (widget_class, composer_send_cb);

  _botbench_chat_page_class_init_actions (widget_class);
}

static void
botbench_chat_page_init (BotbenchChatPage *self)
{
  self->joined = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->problems = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->user_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->state = g_strdup ("none");
  self->follow_tail = TRUE;

  gtk_widget_init_template (GTK_WIDGET (self));
  botbench_a11y_label_drop_down (self->user_dropdown);

  _botbench_chat_page_init_view (self);

  botbench_chat_page_set_state (self, "none");
  gtk_stack_set_visible_child_name (self->conversation_stack, "empty");
  adw_leaflet_set_visible_child_name (self->chat_leaflet, "list");
}

/* ---- public API --------------------------------------------------------- */

void
botbench_chat_page_set_application (BotbenchChatPage    *self,
                                    BotbenchApplication *app)
{
  BotbenchProfileManager *manager;

  g_return_if_fail (BOTBENCH_IS_CHAT_PAGE (self));
  g_return_if_fail (BOTBENCH_IS_APPLICATION (app));
  g_return_if_fail (self->app == NULL);

  self->app = g_object_ref (app);
  manager = botbench_application_get_profile_manager (app);
  g_signal_connect_object (manager, "notify::active", G_CALLBACK (botbench_chat_page_check_profile),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (manager, "items-changed", G_CALLBACK (botbench_chat_page_check_profile),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (botbench_application_get_sandbox (app), "notify::running",
                           G_CALLBACK (sandbox_running_cb), self, G_CONNECT_SWAPPED);
  botbench_chat_page_load (self);
}

BotbenchChatSession *
botbench_chat_page_get_session (BotbenchChatPage *self)
{
  g_return_val_if_fail (BOTBENCH_IS_CHAT_PAGE (self), NULL);

  return self->session;
}

const char *
botbench_chat_page_get_state (BotbenchChatPage *self)
{
  g_return_val_if_fail (BOTBENCH_IS_CHAT_PAGE (self), NULL);

  return self->state;
}

void
botbench_chat_page_open_bot (BotbenchChatPage *self,
                             gint64            bot_id)
{
  g_autofree char *dialog_id = NULL;

  g_return_if_fail (BOTBENCH_IS_CHAT_PAGE (self));
  g_return_if_fail (bot_id > 0);

  dialog_id = g_strdup_printf ("%" G_GINT64_FORMAT, bot_id);
  botbench_chat_page_open_dialog (self, dialog_id);
}

void
botbench_chat_page_open_dialog (BotbenchChatPage *self,
                                const char       *dialog_id)
{
  g_return_if_fail (BOTBENCH_IS_CHAT_PAGE (self));
  g_return_if_fail (dialog_id != NULL);

  g_free (self->pending_dialog);
  self->pending_dialog = g_strdup (dialog_id);

  if (self->session != NULL && botbench_chat_session_get_ready (self->session))
    _botbench_chat_page_open_now (self, dialog_id);
}

const char *
botbench_chat_page_get_dialog_id (BotbenchChatPage *self)
{
  g_return_val_if_fail (BOTBENCH_IS_CHAT_PAGE (self), NULL);

  return self->dialog_id;
}

void
botbench_chat_page_focus_composer (BotbenchChatPage *self)
{
  g_return_if_fail (BOTBENCH_IS_CHAT_PAGE (self));

  if (self->dialog_id != NULL)
    adw_leaflet_set_visible_child_name (self->chat_leaflet, "conversation");
  botbench_chat_composer_focus (self->composer);
}

gint64
botbench_chat_page_get_first_bot_id (BotbenchChatPage *self)
{
  g_return_val_if_fail (BOTBENCH_IS_CHAT_PAGE (self), 0);

  return self->first_bot_id;
}

char *
botbench_chat_page_dup_first_bot_name (BotbenchChatPage *self)
{
  BotbenchChatBot *bot;

  g_return_val_if_fail (BOTBENCH_IS_CHAT_PAGE (self), NULL);

  if (self->session == NULL || self->first_bot_id == 0 ||
      (bot = botbench_chat_session_lookup_bot (self->session, self->first_bot_id)) == NULL)
    return NULL;

  return botbench_chat_bot_dup_display_name (bot);
}
