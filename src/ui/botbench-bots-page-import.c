/* botbench-bots-page-import.c: Import… of the Bots page: a definition
 * file read off the UI thread, added to the active profile's store and
 * opened; a v2 definition's botToken kept in the keyring first
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "botbench-bots-page"

#include "config.h"

#include <glib/gi18n.h>

#include "botbench-application-private.h"
#include "botbench-bot-v2.h"
#include "botbench-bots-page-internal.h"

/* Reads the file off the UI thread, refusing one over the size a definition
 * may have before reading it whole. */
static void
import_read_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  GError *error = NULL;
  GBytes *bytes = botbench_json_read_file (task_data, BOTBENCH_BOT_MAX_FILE_SIZE, cancellable, &error);

  if (bytes == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, bytes, (GDestroyNotify)g_bytes_unref);
}

/* Adds an imported definition to the store and opens it. */
static void
botbench_bots_page_add_imported (BotbenchBotsPage *self,
                                 BotbenchBot      *bot,
                                 GPtrArray        *warnings)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (self->store == NULL || !botbench_bot_store_add (self->store, bot, &error))
    {
      message = g_strdup_printf (_("Cannot import: %s"),
                                 error != NULL ? error->message : _("no active profile"));
      _botbench_bots_page_toast (self, message);
      return;
    }

  if (warnings->len > 0)
    /* Translators: %s is the first thing the import ignored */
    message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Imported, with a warning: %s",
                                            "Imported, with warnings: %s", warnings->len),
                               (const char *)g_ptr_array_index (warnings, 0));
  else
    /* Translators: %s is a bot's CODE */
    message = g_strdup_printf (_("Imported “%s”"), botbench_bot_get_code (bot));
  _botbench_bots_page_toast (self, message);
  botbench_bots_page_edit_bot (self, bot);
}

typedef struct
{
  BotbenchBotsPage *self;
  BotbenchBot      *bot;
  GPtrArray        *warnings;
} Import;

static void
import_free (Import *import)
{
  g_object_unref (import->self);
  g_object_unref (import->bot);
  g_ptr_array_unref (import->warnings);
  g_free (import);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Import, import_free)

static void
import_token_kept_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(Import) import = user_data;
  g_autoptr(GError) error = NULL;

  /* Kept first, so that the fetch manager finds the token as soon as the
   * (registered) bot is in the store. */
  if (!botbench_secret_store_store_finish (BOTBENCH_SECRET_STORE (object), result, &error))
    {
      g_autofree char *message = NULL;

      /* Translators: %s says why the keyring refused */
      message = g_strdup_printf (_("The imported botToken could not be kept in the keyring: %s"),
                                 error->message);
      g_ptr_array_insert (import->warnings, 0, g_steal_pointer (&message));
    }
  botbench_bots_page_add_imported (import->self, import->bot, import->warnings);
}

static void
import_loaded_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  BotbenchBotsPage *self = BOTBENCH_BOTS_PAGE (object);
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(BotbenchBot) bot = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *message = NULL;

  if (!(bytes = g_task_propagate_pointer (G_TASK (result), &error)) ||
      (bot = botbench_bot_new_from_data (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                         warnings, &error)) == NULL)
    {
      /* Translators: %s says why a definition file could not be read */
      message = g_strdup_printf (_("Cannot import: %s"), error->message);
      _botbench_bots_page_toast (self, message);
      return;
    }

  /* A v2 definition with its botToken (a file written by hand, or for
   * `register`): the token goes to the keyring, the store's file never
   * has it. */
  if (botbench_bot_get_api (bot) == BOTBENCH_BOT_API_V2 && botbench_bot_get_bot_token (bot) != NULL &&
      *botbench_bot_get_bot_token (bot) != '\0' && botbench_bot_get_code (bot) != NULL &&
      self->profile != NULL && self->store != NULL &&
      botbench_bot_store_lookup_by_code (self->store, botbench_bot_get_code (bot)) == NULL &&
      botbench_profile_get_kind (self->profile) == BOTBENCH_PROFILE_KIND_WEBHOOK)
    {
      g_autofree char *key = botbench_secret_bot_token_key (botbench_profile_get_uuid (self->profile),
                                                            botbench_bot_get_code (bot));
      Import *import = g_new0 (Import, 1);

      import->self = g_object_ref (self);
      import->bot = g_object_ref (bot);
      import->warnings = g_ptr_array_ref (warnings);
      botbench_secret_store_store_async (botbench_application_get_secret_store (self->app), key,
                                         BOTBENCH_SECRET_KIND_BOT_TOKEN, botbench_bot_get_bot_token (bot),
                                         NULL, import_token_kept_cb, import);
      return;
    }

  botbench_bots_page_add_imported (self, bot, warnings);
}

void
_botbench_bots_page_import_file (BotbenchBotsPage *self,
                                 GFile            *file)
{
  g_return_if_fail (BOTBENCH_IS_BOTS_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));

  g_autoptr(GTask) task = g_task_new (self, NULL, import_loaded_cb, NULL);

  g_task_set_source_tag (task, _botbench_bots_page_import_file);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, import_read_thread);
}

static void
import_chooser_response_cb (BotbenchBotsPage     *self,
                            int                   response,
                            GtkFileChooserNative *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        _botbench_bots_page_import_file (self, file);
    }
  g_object_unref (chooser);
}

void
botbench_bots_page_import (BotbenchBotsPage *self)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  g_return_if_fail (BOTBENCH_IS_BOTS_PAGE (self));

  if (self->store == NULL)
    return;

  chooser = gtk_file_chooser_native_new (_("Import Bot Definition"),
                                         GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                         GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Import"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("JSON files"));
  gtk_file_filter_add_mime_type (filter, "application/json");
  gtk_file_filter_add_suffix (filter, "json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect_object (chooser, "response", G_CALLBACK (import_chooser_response_cb),
                           self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}
