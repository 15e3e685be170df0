/* botbench-bot-editor-v2.c: the bot editor's imbot.v2 parts: the bot's
 * botToken in the keyring, its fetch state under the header
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A v2 bot of a webhook profile is known to the portal by its botToken:
 * the editor reads it from the keyring (kind "bot-token", key profile
 * UUID + CODE) when a bot is opened, and keeps it there before registering
 * and after a rotation (botbench-bot-editor-portal.c).  The token is never
 * in the definition file.
 */
#define G_LOG_DOMAIN "botbench-bot-editor"

#include "config.h"

#include <glib/gi18n.h>

#include "botbench-application-private.h"
#include "botbench-bot-editor-internal.h"


gboolean
_botbench_bot_editor_webhook_auth (BotbenchBotEditor *self)
{
  g_assert (BOTBENCH_IS_BOT_EDITOR (self));

  return self->profile != NULL && botbench_profile_get_kind (self->profile) == BOTBENCH_PROFILE_KIND_WEBHOOK;
}

static gboolean
token_is_blank (const char *token)
{
  for (; token != NULL && *token != '\0'; token++)
    if (!g_ascii_isspace (*token))
      return FALSE;
  return TRUE;
}

typedef struct
{
  BotbenchBotEditor *self;
  BotbenchBot       *bot;
  GCancellable      *cancellable;
} TokenLookup;

static void
token_lookup_free (TokenLookup *lookup)
{
  g_object_unref (lookup->self);
  g_object_unref (lookup->bot);
  g_object_unref (lookup->cancellable);
  g_free (lookup);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TokenLookup, token_lookup_free)

static void
token_lookup_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(TokenLookup) lookup = user_data;
  BotbenchBotEditor *self = lookup->self;
  g_autoptr(GError) error = NULL;
  char *token;

  token = botbench_secret_store_lookup_finish (BOTBENCH_SECRET_STORE (source), result, &error);
  if (g_cancellable_is_cancelled (lookup->cancellable) || self->bot != lookup->bot)
    {
      botbench_secret_free (token);
      return;
    }

  if (error != NULL)
    {
      g_autofree char *text = NULL;

      /* Translators: %s says why the keyring could not be read */
      text = g_strdup_printf (_("Cannot read the bot’s botToken from the keyring: %s"), error->message);
      _botbench_bot_editor_show_banner (self, text);
    }
  else if (token != NULL && token_is_blank (botbench_bot_get_bot_token (self->bot)))
    {
      /* The stored bot knows its token from now on (Update diffs against it). */
      botbench_bot_set_bot_token (self->bot, token);
      if (token_is_blank (botbench_v2_section_get_token (self->v2_section)))
        {
          self->loading = TRUE;
          botbench_v2_section_set_token (self->v2_section, token);
          self->loading = FALSE;
        }
      _botbench_bot_editor_validate (self);
    }
  botbench_secret_free (token);
}

/* A v2 bot of a webhook profile: its botToken from the keyring, unless
 * the bot has one (imported with it, or generated). */
void
_botbench_bot_editor_lookup_token (BotbenchBotEditor *self)
{
  g_autofree char *key = NULL;
  TokenLookup *lookup;

  g_cancellable_cancel (self->token_cancellable);
  g_clear_object (&self->token_cancellable);

  if (self->bot == NULL || botbench_bot_get_api (self->bot) != BOTBENCH_BOT_API_V2 ||
      !_botbench_bot_editor_webhook_auth (self) || botbench_bot_get_code (self->bot) == NULL ||
      !token_is_blank (botbench_bot_get_bot_token (self->bot)))
    return;

  self->token_cancellable = g_cancellable_new ();
  key = botbench_secret_bot_token_key (botbench_profile_get_uuid (self->profile), botbench_bot_get_code (self->bot));
  lookup = g_new0 (TokenLookup, 1);
  lookup->self = g_object_ref (self);
  lookup->bot = g_object_ref (self->bot);
  lookup->cancellable = g_object_ref (self->token_cancellable);
  botbench_secret_store_lookup_async (botbench_application_get_secret_store (self->app), key,
                                      BOTBENCH_SECRET_KIND_BOT_TOKEN, self->token_cancellable,
                                      token_lookup_cb, lookup);
}

void
_botbench_bot_editor_update_fetch_status (BotbenchBotEditor *self)
{
  g_autofree char *text = NULL;
  g_autofree char *detail = NULL;
  gboolean is_error = FALSE;

  g_assert (BOTBENCH_IS_BOT_EDITOR (self));

  if (self->fetch_status != NULL && self->bot != NULL)
    text = botbench_bot_fetch_status_describe (self->fetch_status, self->bot, &is_error);
  if (is_error)
    detail = botbench_bot_fetch_status_dup_error (self->fetch_status, self->bot);

  gtk_widget_remove_css_class (GTK_WIDGET (self->fetch_label), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->fetch_label), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (self->fetch_label), is_error ? "error" : "dim-label");
  if (detail != NULL && g_strstr_len (text, -1, detail) == NULL)
    {
      g_autofree char *both = g_strdup_printf ("%s\n%s", text, detail);

      gtk_label_set_label (self->fetch_label, both);
    }
  else
    gtk_label_set_label (self->fetch_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->fetch_label), text != NULL);
}

static gboolean
refresh_fetchers_idle (gpointer user_data)
{
  BotbenchBotEditor *self = user_data;

  if (self->app != NULL && botbench_application_get_fetch_manager (self->app) != NULL)
    botbench_fetch_manager_refresh (botbench_application_get_fetch_manager (self->app));
  return G_SOURCE_REMOVE;
}

static void
fetch_status_changed_cb (BotbenchBotEditor *self,
                         gint64             bot_id)
{
  BotbenchFetchManager *manager = self->app != NULL ? botbench_application_get_fetch_manager (self->app) : NULL;

  /* The fetch manager keeps a running fetcher's botToken: after a
   * rotation it fails with the old one (BOT_OWNERSHIP_ERROR), and a
   * refresh starts it again with the keyring's new one. */
  if (self->rotated_bot_id > 0 && manager != NULL && (bot_id == 0 || bot_id == self->rotated_bot_id))
    {
      BotbenchFetcher *fetcher = botbench_fetch_manager_get_fetcher (manager, self->rotated_bot_id);

      /* Not from inside the fetcher's own signal. */
      if (fetcher != NULL && botbench_fetcher_get_state (fetcher) == BOTBENCH_FETCHER_STATE_FAILED)
        {
          self->rotated_bot_id = 0;
          g_idle_add_full (G_PRIORITY_DEFAULT, refresh_fetchers_idle, g_object_ref (self), g_object_unref);
        }
    }

  if (self->bot != NULL && (bot_id == 0 || bot_id == botbench_bot_get_bot_id (self->bot)))
    _botbench_bot_editor_update_fetch_status (self);
}

void
_botbench_bot_editor_follow_fetch_status (BotbenchBotEditor *self)
{
  g_assert (BOTBENCH_IS_BOT_EDITOR (self));

  if (self->fetch_status != NULL || self->app == NULL)
    return;

  self->fetch_status = botbench_bot_fetch_status_new (self->app);
  g_signal_connect_swapped (self->fetch_status, "changed", G_CALLBACK (fetch_status_changed_cb), self);
}

static void
token_saved_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(BotbenchBotEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (botbench_secret_store_store_finish (BOTBENCH_SECRET_STORE (object), result, &error))
    return;

  /* Translators: %s says why the keyring refused */
  text = g_strdup_printf (_("The botToken could not be kept in the keyring: %s"), error->message);
  _botbench_bot_editor_show_banner (self, text);
}

void
_botbench_bot_editor_keep_token (BotbenchBotEditor *self,
                                 BotbenchBot       *bot)
{
  g_autofree char *key = NULL;

  g_assert (BOTBENCH_IS_BOT_EDITOR (self));

  if (botbench_bot_get_api (bot) != BOTBENCH_BOT_API_V2 || !_botbench_bot_editor_webhook_auth (self) ||
      botbench_bot_get_code (bot) == NULL || token_is_blank (botbench_bot_get_bot_token (bot)))
    return;

  key = botbench_secret_bot_token_key (botbench_profile_get_uuid (self->profile), botbench_bot_get_code (bot));
  botbench_secret_store_store_async (botbench_application_get_secret_store (self->app), key,
                                     BOTBENCH_SECRET_KIND_BOT_TOKEN, botbench_bot_get_bot_token (bot),
                                     NULL, token_saved_cb, g_object_ref (self));
}
