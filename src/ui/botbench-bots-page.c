/* botbench-bots-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "botbench-bots-page"

#include "config.h"

#include <glib/gi18n.h>

#include "botbench-application-private.h"
#include "botbench-bot-editor-private.h"
#include "botbench-bot-fetch-status.h"
#include "botbench-bot-v2.h"
#include "botbench-bots-page-internal.h"

G_DEFINE_FINAL_TYPE (BotbenchBotsPage, botbench_bots_page, GTK_TYPE_WIDGET)

static void botbench_bots_page_update_rows (BotbenchBotsPage *self);

static void
portal_bot_free (gpointer data)
{
  BotbenchPortalBot *bot = data;

  g_free (bot->code);
  g_free (bot->name);
  g_free (bot);
}

static BotbenchPortalBot *
botbench_bots_page_lookup_portal_code (BotbenchBotsPage *self,
                                       const char       *code)
{
  if (self->portal_bots == NULL || code == NULL)
    return NULL;

  for (guint i = 0; i < self->portal_bots->len; i++)
    {
      BotbenchPortalBot *bot = g_ptr_array_index (self->portal_bots, i);

      if (g_strcmp0 (bot->code, code) == 0)
        return bot;
    }
  return NULL;
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

void
_botbench_bots_page_toast (BotbenchBotsPage *self,
                           const char       *text)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", text);
}

/* Links @bot (a definition, or NULL for a new one) to the portal bot @id. */
static void
botbench_bots_page_adopt (BotbenchBotsPage  *self,
                          BotbenchBot       *bot,
                          BotbenchPortalBot *portal_bot)
{
  g_autoptr(BotbenchBot) created = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  gboolean ok;

  if (self->store == NULL)
    return;

  if (bot == NULL)
    {
      created = botbench_bot_new ();
      botbench_bot_set_code (created, portal_bot->code);
      botbench_bot_set_name (created, portal_bot->name);
      botbench_bot_set_bot_id (created, portal_bot->id);
      ok = botbench_bot_store_add (self->store, created, &error);
    }
  else
    {
      botbench_bot_set_bot_id (bot, portal_bot->id);
      ok = botbench_bot_store_save (self->store, bot, &error);
    }

  if (!ok)
    {
      _botbench_bots_page_toast (self, error->message);
      return;
    }

  /* Translators: %s is a bot's CODE, %ld its id on the portal */
  message = g_strdup_printf (_("“%s” is now linked to bot %lld"),
                             portal_bot->code, (long long) portal_bot->id);
  _botbench_bots_page_toast (self, message);
  botbench_bots_page_update_rows (self);
}

static void
adopt_clicked_cb (GtkButton        *button,
                  BotbenchBotsPage *self)
{
  BotbenchBot *bot = g_object_get_data (G_OBJECT (button), "bot");
  BotbenchPortalBot *portal_bot = g_object_get_data (G_OBJECT (button), "portal-bot");

  botbench_bots_page_adopt (self, bot, portal_bot);
}

static GtkWidget *
adopt_button_new (BotbenchBotsPage  *self,
                  BotbenchBot       *bot,
                  BotbenchPortalBot *portal_bot)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (_("_Adopt"));
  g_autofree char *tooltip = NULL;

  /* Translators: %ld is a bot id on the portal */
  tooltip = g_strdup_printf (_("Link this definition to bot %lld"
                               " instead of registering a duplicate"), (long long) portal_bot->id);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  if (bot != NULL)
    g_object_set_data_full (G_OBJECT (button), "bot", g_object_ref (bot), g_object_unref);
  g_object_set_data (G_OBJECT (button), "portal-bot", portal_bot);
  g_signal_connect_object (button, "clicked", G_CALLBACK (adopt_clicked_cb), self, 0);

  return button;
}

static GtkWidget *
tag_new (const char *text,
         const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (label, "caption-heading");
  gtk_widget_add_css_class (label, css_class);
  return label;
}

/* A definition row's subtitle: its CODE and id, and for a v2 bot in fetch
 * mode what its fetcher does. */
static void
botbench_bots_page_describe_row (BotbenchBotsPage *self,
                                 GtkWidget        *row,
                                 BotbenchBot      *bot)
{
  GtkWidget *icon = g_object_get_data (G_OBJECT (row), "fetch-icon");
  gint64 bot_id = botbench_bot_get_bot_id (bot);
  g_autofree char *subtitle = NULL;
  g_autofree char *status = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *detail = NULL;
  gboolean is_error = FALSE;

  if (bot_id > 0)
    /* Translators: a definition's subtitle: its CODE and bot id */
    subtitle = g_strdup_printf (_("%s · bot %lld"), botbench_bot_get_code (bot), (long long) bot_id);
  else
    /* Translators: a definition's subtitle: its CODE */
    subtitle = g_strdup_printf (_("%s · not registered"), botbench_bot_get_code (bot));

  if (self->fetch_status != NULL)
    status = botbench_bot_fetch_status_describe (self->fetch_status, bot, &is_error);
  if (status != NULL)
    {
      char *both = g_strconcat (subtitle, "\n", status, NULL);

      g_free (subtitle);
      subtitle = both;
    }
  escaped = g_markup_escape_text (subtitle, -1);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), escaped);

  if (icon != NULL)
    {
      if (is_error)
        detail = botbench_bot_fetch_status_dup_error (self->fetch_status, bot);
      gtk_widget_set_tooltip_text (icon, detail != NULL ? detail : status);
      gtk_widget_set_visible (icon, is_error);
    }
}

static void
fetch_status_changed_cb (BotbenchBotsPage *self,
                         gint64            bot_id)
{
  GtkWidget *row;
  BotbenchBot *bot;

  if (bot_id == 0)
    {
      botbench_bots_page_update_rows (self);
      return;
    }

  row = g_hash_table_lookup (self->fetch_rows, &bot_id);
  bot = row != NULL ? g_object_get_data (G_OBJECT (row), "bot") : NULL;
  if (bot != NULL)
    botbench_bots_page_describe_row (self, row, bot);
}

static void
botbench_bots_page_update_rows (BotbenchBotsPage *self)
{
  guint n_defs = 0;
  guint n_portal = self->portal_bots != NULL ? self->portal_bots->len : 0;

  g_hash_table_remove_all (self->fetch_rows);
  clear_list (self->definition_list);
  clear_list (self->portal_list);

  if (self->profile == NULL || self->store == NULL)
    {
      gtk_stack_set_visible_child_name (self->list_stack, "no-profile");
      return;
    }

  n_defs = g_list_model_get_n_items (G_LIST_MODEL (self->store));
  for (guint i = 0; i < n_defs; i++)
    {
      g_autoptr(BotbenchBot) bot = g_list_model_get_item (G_LIST_MODEL (self->store), i);
      BotbenchPortalBot *portal_bot = botbench_bots_page_lookup_portal_code (self, botbench_bot_get_code (bot));
      gint64 bot_id = botbench_bot_get_bot_id (bot);
      const char *name = botbench_bot_get_name (bot);
      g_autofree char *title = g_markup_escape_text (name != NULL ? name : botbench_bot_get_code (bot), -1);
      gboolean v2 = botbench_bot_get_api (bot) == BOTBENCH_BOT_API_V2;
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data_full (G_OBJECT (row), "bot", g_object_ref (bot), g_object_unref);

      /* imbot.v2 bots: marked, with their event mode and fetch state. */
      if (v2)
        {
          GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-error-symbolic");

          gtk_widget_add_css_class (icon, "error");
          gtk_widget_set_valign (icon, GTK_ALIGN_CENTER);
          gtk_widget_set_visible (icon, FALSE);
          g_object_set_data (G_OBJECT (row), "fetch-icon", icon);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), icon);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), tag_new ("v2", "accent"));
          adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                     tag_new (botbench_bot_event_mode_to_string (botbench_bot_get_effective_event_mode (bot)),
                                              "dim-label"));
          if (bot_id > 0)
            g_hash_table_insert (self->fetch_rows, g_memdup2 (&bot_id, sizeof bot_id), row);
        }
      botbench_bots_page_describe_row (self, row, bot);

      /* Adoption (imbot.bot.list, v1) gives a bot id without a botToken. */
      if (bot_id <= 0 && portal_bot != NULL && !v2)
        adw_action_row_add_suffix (ADW_ACTION_ROW (row), adopt_button_new (self, bot, portal_bot));
      else if (bot_id > 0 && self->portal_bots != NULL && portal_bot == NULL)
        adw_action_row_add_suffix (ADW_ACTION_ROW (row), tag_new (_("Not on the portal"), "warning"));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
      gtk_list_box_append (self->definition_list, row);
    }

  for (guint i = 0; i < n_portal; i++)
    {
      BotbenchPortalBot *portal_bot = g_ptr_array_index (self->portal_bots, i);
      BotbenchBot *own = botbench_bot_store_lookup_by_id (self->store, portal_bot->id);
      BotbenchBot *same_code = botbench_bot_store_lookup_by_code (self->store, portal_bot->code);
      g_autofree char *title = g_markup_escape_text (portal_bot->name != NULL && *portal_bot->name != '\0'
                                                     ? portal_bot->name : portal_bot->code, -1);
      g_autofree char *subtitle = NULL;
      g_autofree char *escaped = NULL;
      GtkWidget *row = adw_action_row_new ();

      /* Translators: a portal bot's subtitle: its id and CODE */
      subtitle = g_strdup_printf (_("ID %lld · %s"), (long long) portal_bot->id, portal_bot->code);
      escaped = g_markup_escape_text (subtitle, -1);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), escaped);

      if (own != NULL)
        adw_action_row_add_suffix (ADW_ACTION_ROW (row), tag_new (_("Yours"), "accent"));
      /* A v2 definition is not adopted: its botToken is the owner. */
      else if (same_code == NULL ||
               (botbench_bot_get_bot_id (same_code) <= 0 && botbench_bot_get_api (same_code) != BOTBENCH_BOT_API_V2))
        adw_action_row_add_suffix (ADW_ACTION_ROW (row), adopt_button_new (self, same_code, portal_bot));
      g_object_set_data (G_OBJECT (row), "portal-bot", portal_bot);
      gtk_list_box_append (self->portal_list, row);
    }

  if (n_defs == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No definitions for this profile"));
      gtk_widget_add_css_class (row, "dim-label");
      gtk_list_box_append (self->definition_list, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->portal_list), n_portal > 0);

  gtk_stack_set_visible_child_name (self->list_stack, n_defs == 0 && n_portal == 0 && !self->listing &&
                                    !gtk_widget_has_css_class (GTK_WIDGET (self->portal_message), "error")
                                    ? "empty" : "list");
}

static void
botbench_bots_page_show_portal_message (BotbenchBotsPage *self,
                                        const char       *text,
                                        const char       *css_class)
{
  gtk_widget_remove_css_class (GTK_WIDGET (self->portal_message), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->portal_message), "dim-label");
  gtk_label_set_label (self->portal_message, text != NULL ? text : "");
  if (css_class != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->portal_message), css_class);
  gtk_widget_set_visible (GTK_WIDGET (self->portal_message), text != NULL);
}

static void
botbench_bots_page_update_editor_codes (BotbenchBotsPage *self)
{
  g_autoptr(GHashTable) codes = NULL;

  if (self->portal_bots != NULL)
    {
      codes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      for (guint i = 0; i < self->portal_bots->len; i++)
        {
          BotbenchPortalBot *bot = g_ptr_array_index (self->portal_bots, i);
          BotbenchPortalCode *code = g_new0 (BotbenchPortalCode, 1);

          code->id = bot->id;
          g_hash_table_replace (codes, g_strdup (bot->code), code);
        }
    }
  _botbench_bot_editor_set_portal_codes (self->editor, codes);
}

/* Takes the page out of @ref (NULL once it is gone) and frees @ref. */
static BotbenchBotsPage *
steal_weak_page (GWeakRef *ref)
{
  BotbenchBotsPage *page = g_weak_ref_get (ref);

  g_weak_ref_clear (ref);
  g_free (ref);
  return page;
}

static void
bot_list_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(BotbenchBotsPage) self = steal_weak_page (user_data);
  g_autoptr(BotbenchRestResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) bots = g_ptr_array_new_with_free_func (portal_bot_free);
  JsonNode *node;

  /* A call in flight does not keep the page (and the application) alive:
   * a window closed meanwhile lets both go at once. */
  response = botbench_rest_client_call_finish (BOTBENCH_REST_CLIENT (object), result, &error);
  if (self == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->listing = FALSE;
  gtk_spinner_set_spinning (self->portal_spinner, FALSE);
  self->secret_error = response == NULL &&
                       (g_error_matches (error, BOTBENCH_REST_ERROR, BOTBENCH_REST_ERROR_MISSING_SECRET) ||
                        error->domain == BOTBENCH_SECRET_STORE_ERROR);

  if (response == NULL)
    {
      g_autofree char *message = NULL;

      /* Translators: %s says why imbot.bot.list failed */
      message = g_strdup_printf (_("Cannot list the portal's bots: %s"), error->message);
      botbench_bots_page_show_portal_message (self, message, "error");
      botbench_bots_page_update_rows (self);
      return;
    }

  /* {"1": {ID, NAME, CODE, OPENLINE}, …}, or [] when there is none. */
  node = botbench_rest_response_get_result (response);
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object_ = json_node_get_object (node);
      g_autoptr(GList) members = json_object_get_members (object_);

      for (GList *l = members; l != NULL; l = l->next)
        {
          JsonNode *member = json_object_get_member (object_, l->data);
          JsonObject *item;
          BotbenchPortalBot *bot;

          if (!JSON_NODE_HOLDS_OBJECT (member))
            continue;
          item = json_node_get_object (member);
          bot = g_new0 (BotbenchPortalBot, 1);
          bot->id = g_ascii_strtoll (l->data, NULL, 10);
          if (json_object_has_member (item, "ID"))
            {
              JsonNode *id = json_object_get_member (item, "ID");

              if (json_node_get_value_type (id) == G_TYPE_STRING)
                bot->id = g_ascii_strtoll (json_node_get_string (id), NULL, 10);
              else if (JSON_NODE_HOLDS_VALUE (id))
                bot->id = json_node_get_int (id);
            }
          bot->code = g_strdup (json_object_get_string_member_with_default (item, "CODE", ""));
          bot->name = g_strdup (json_object_get_string_member_with_default (item, "NAME", ""));
          g_ptr_array_add (bots, bot);
        }
    }

  g_clear_pointer (&self->portal_bots, g_ptr_array_unref);
  self->portal_bots = g_steal_pointer (&bots);
  botbench_bots_page_update_editor_codes (self);
  if (self->portal_bots->len == 0)
    botbench_bots_page_show_portal_message (self, _("The portal has no bots."), "dim-label");
  else
    botbench_bots_page_show_portal_message (self, NULL, NULL);
  botbench_bots_page_update_rows (self);
}

void
botbench_bots_page_refresh (BotbenchBotsPage *self)
{
  BotbenchRestClient *client;
  GWeakRef *ref;

  g_return_if_fail (BOTBENCH_IS_BOTS_PAGE (self));

  if (self->app == NULL || self->profile == NULL)
    return;

  g_cancellable_cancel (self->list_cancellable);
  g_clear_object (&self->list_cancellable);
  self->list_cancellable = g_cancellable_new ();

  self->listing = TRUE;
  gtk_spinner_set_spinning (self->portal_spinner, TRUE);
  client = botbench_application_get_rest_client (self->app, self->profile);
  ref = g_new0 (GWeakRef, 1);
  g_weak_ref_init (ref, self);
  botbench_rest_client_call_async (client, "imbot.bot.list", NULL, self->list_cancellable,
                                   bot_list_cb, ref);
}

static void
store_items_changed_cb (BotbenchBotsPage *self)
{
  botbench_bots_page_update_rows (self);
}

/* Connected after the REST clients' own handlers, which drop the secrets
 * they read before: the list made here reads the new ones.  So a secret
 * that arrives late (a keyring made after the first click) shows the bots
 * without Refresh. */
static void
secrets_changed_cb (BotbenchBotsPage    *self,
                    const char          *profile_uuid,
                    guint                kind,
                    BotbenchSecretStore *secrets)
{
  if (!self->secret_error || self->profile == NULL ||
      g_strcmp0 (profile_uuid, botbench_profile_get_uuid (self->profile)) != 0)
    return;

  g_debug ("Secrets of profile %s changed: listing the portal's bots again", profile_uuid);
  self->secret_error = FALSE;
  botbench_bots_page_refresh (self);
}

static void
botbench_bots_page_set_store (BotbenchBotsPage *self,
                              BotbenchBotStore *store)
{
  if (self->store == store)
    return;
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_func (self->store, store_items_changed_cb, self);
  g_set_object (&self->store, store);
  if (store != NULL)
    g_signal_connect_object (store, "items-changed",
                             G_CALLBACK (store_items_changed_cb), self, G_CONNECT_SWAPPED);
}

static void
botbench_bots_page_load_profile (BotbenchBotsPage *self)
{
  BotbenchProfileManager *manager = botbench_application_get_profile_manager (self->app);
  BotbenchProfile *active = botbench_profile_manager_get_active (manager);
  BotbenchBotStore *store;

  if (active == self->profile && active != NULL &&
      self->store == botbench_application_get_bot_store (self->app))
    return;

  g_cancellable_cancel (self->list_cancellable);
  g_clear_object (&self->list_cancellable);
  self->listing = FALSE;
  self->secret_error = FALSE;
  gtk_spinner_set_spinning (self->portal_spinner, FALSE);
  g_clear_pointer (&self->portal_bots, g_ptr_array_unref);
  botbench_bots_page_update_editor_codes (self);
  botbench_bots_page_show_portal_message (self, NULL, NULL);
  botbench_bots_page_set_store (self, NULL);
  g_set_object (&self->profile, active);

  /* The application's store of the active profile, shared with its fetch
   * manager; NULL until the application has followed the change
   * ("bot-store-changed" brings it). */
  store = botbench_application_get_bot_store (self->app);
  if (active != NULL && store != NULL &&
      g_strcmp0 (botbench_bot_store_get_profile_uuid (store), botbench_profile_get_uuid (active)) == 0)
    {
      const GError *error = botbench_application_get_bot_store_error (self->app);

      botbench_bots_page_set_store (self, store);
      if (error != NULL)
        botbench_bots_page_show_portal_message (self, error->message, "error");
    }

  botbench_bots_page_show_list (self);
  botbench_bots_page_update_rows (self);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    botbench_bots_page_refresh (self);
}

static void
definition_row_activated_cb (BotbenchBotsPage *self,
                             GtkListBoxRow    *row)
{
  BotbenchBot *bot = g_object_get_data (G_OBJECT (row), "bot");

  if (bot != NULL)
    botbench_bots_page_edit_bot (self, bot);
}

static void
editor_closed_cb (BotbenchBotsPage *self)
{
  botbench_bots_page_show_list (self);
}

static void
editor_saved_cb (BotbenchBotsPage *self,
                 BotbenchBot      *bot)
{
  botbench_bots_page_update_rows (self);
  botbench_bots_page_refresh (self);
}

static void
botbench_bots_page_new_action (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  botbench_bots_page_new_bot (BOTBENCH_BOTS_PAGE (widget));
}

static void
botbench_bots_page_map (GtkWidget *widget)
{
  BotbenchBotsPage *self = BOTBENCH_BOTS_PAGE (widget);

  GTK_WIDGET_CLASS (botbench_bots_page_parent_class)->map (widget);

  /* The portal list is read when the page is first shown. */
  if (self->portal_bots == NULL && !self->listing)
    botbench_bots_page_refresh (self);
}

static void
botbench_bots_page_dispose (GObject *object)
{
  BotbenchBotsPage *self = (BotbenchBotsPage *)object;

  g_cancellable_cancel (self->list_cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), BOTBENCH_TYPE_BOTS_PAGE);
  g_clear_object (&self->list_cancellable);
  g_clear_object (&self->store);
  g_clear_object (&self->profile);
  g_clear_object (&self->app);
  g_clear_pointer (&self->portal_bots, g_ptr_array_unref);
  if (self->fetch_status != NULL)
    g_signal_handlers_disconnect_by_data (self->fetch_status, self);
  g_clear_object (&self->fetch_status);
  g_clear_pointer (&self->fetch_rows, g_hash_table_unref);

  G_OBJECT_CLASS (botbench_bots_page_parent_class)->dispose (object);
}

static void
botbench_bots_page_class_init (BotbenchBotsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = botbench_bots_page_dispose;
  widget_class->map = botbench_bots_page_map;

  g_type_ensure (BOTBENCH_TYPE_BOT_EDITOR);

  _botbench_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/botbench/Botbench/botbench-bots-page.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, BotbenchBotsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, BotbenchBotsPage, list_stack);
  gtk_widget_class_bind_template_child (widget_class, BotbenchBotsPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, BotbenchBotsPage, no_profile_page);
  gtk_widget_class_bind_template_child (widget_class, BotbenchBotsPage, definitions_group);
  gtk_widget_class_bind_template_child (widget_class, BotbenchBotsPage, definition_list);
  gtk_widget_class_bind_template_child (widget_class, BotbenchBotsPage, portal_group);
  gtk_widget_class_bind_template_child (widget_class, BotbenchBotsPage, portal_list);
  gtk_widget_class_bind_template_child (widget_class, BotbenchBotsPage, portal_message);
  gtk_widget_class_bind_template_child (widget_class, BotbenchBotsPage, portal_spinner);
  gtk_widget_class_bind_template_child (widget_class, BotbenchBotsPage, editor);
  gtk_widget_class_bind_template_callback (widget_class, definition_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, editor_closed_cb);
  gtk_widget_class_bind_template_callback (widget_class, editor_saved_cb);

  gtk_widget_class_install_action (widget_class, "bots.new", NULL, botbench_bots_page_new_action);
}

static void
botbench_bots_page_init (BotbenchBotsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->fetch_rows = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
}

void
botbench_bots_page_set_application (BotbenchBotsPage    *self,
                                    BotbenchApplication *app)
{
  BotbenchProfileManager *manager;

  g_return_if_fail (BOTBENCH_IS_BOTS_PAGE (self));
  g_return_if_fail (BOTBENCH_IS_APPLICATION (app));
  g_return_if_fail (self->app == NULL);

  self->app = g_object_ref (app);
  self->fetch_status = botbench_bot_fetch_status_new (app);
  g_signal_connect_swapped (self->fetch_status, "changed", G_CALLBACK (fetch_status_changed_cb), self);
  manager = botbench_application_get_profile_manager (app);
  g_signal_connect_object (manager, "notify::active",
                           G_CALLBACK (botbench_bots_page_load_profile), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (manager, "items-changed",
                           G_CALLBACK (botbench_bots_page_load_profile), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (botbench_application_get_secret_store (app), "changed",
                           G_CALLBACK (secrets_changed_cb), self, G_CONNECT_SWAPPED | G_CONNECT_AFTER);
  g_signal_connect_object (app, "bot-store-changed",
                           G_CALLBACK (botbench_bots_page_load_profile), self, G_CONNECT_SWAPPED);
  botbench_bots_page_load_profile (self);
}

void
botbench_bots_page_new_bot (BotbenchBotsPage *self)
{
  g_return_if_fail (BOTBENCH_IS_BOTS_PAGE (self));

  if (self->app == NULL || self->store == NULL)
    return;

  botbench_bot_editor_edit (self->editor, self->app, self->profile, self->store, NULL);
  gtk_stack_set_visible_child_name (self->stack, "editor");
  _botbench_bot_editor_focus_code (self->editor);
}

void
botbench_bots_page_edit_bot (BotbenchBotsPage *self,
                             BotbenchBot      *bot)
{
  g_return_if_fail (BOTBENCH_IS_BOTS_PAGE (self));
  g_return_if_fail (BOTBENCH_IS_BOT (bot));

  if (self->app == NULL || self->store == NULL)
    return;

  botbench_bot_editor_edit (self->editor, self->app, self->profile, self->store, bot);
  gtk_stack_set_visible_child_name (self->stack, "editor");
}

void
botbench_bots_page_show_list (BotbenchBotsPage *self)
{
  g_return_if_fail (BOTBENCH_IS_BOTS_PAGE (self));

  gtk_stack_set_visible_child_name (self->stack, "list");
}

BotbenchBotStore *
_botbench_bots_page_get_store (BotbenchBotsPage *self)
{
  g_return_val_if_fail (BOTBENCH_IS_BOTS_PAGE (self), NULL);

  return self->store;
}
