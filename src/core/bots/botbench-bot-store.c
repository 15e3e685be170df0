/* botbench-bot-store.c: the saved bot definitions of one profile
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "botbench-bot-store"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "botbench-bot-store.h"
#include "botbench-bot-private.h"

typedef struct
{
  BotbenchBot *bot;
  char        *path;   /* the file last written or read for it */
} Entry;

struct _BotbenchBotStore
{
  GObject    parent_instance;

  char      *profile_uuid;
  char      *base_dir;
  char      *directory;
  GPtrArray *entries;    /* of Entry */
  GPtrArray *problems;   /* of char * */
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (BotbenchBotStore, botbench_bot_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))
G_DEFINE_QUARK (botbench-bot-store-error-quark, botbench_bot_store_error)

enum {
  PROP_0,
  PROP_PROFILE_UUID,
  PROP_BASE_DIR,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
entry_free (Entry *entry)
{
  g_clear_object (&entry->bot);
  g_free (entry->path);
  g_free (entry);
}

static Entry *
entry_new (BotbenchBot *bot,
           const char  *path)
{
  Entry *entry = g_new0 (Entry, 1);

  entry->bot = g_object_ref (bot);
  entry->path = g_strdup (path);

  return entry;
}

static int
entry_compare (gconstpointer a,
               gconstpointer b)
{
  const Entry *ea = *(const Entry * const *)a;
  const Entry *eb = *(const Entry * const *)b;

  return g_strcmp0 (botbench_bot_get_code (ea->bot), botbench_bot_get_code (eb->bot));
}

static Entry *
find_entry (BotbenchBotStore *self,
            BotbenchBot      *bot,
            guint            *position)
{
  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      if (entry->bot == bot)
        {
          if (position != NULL)
            *position = i;
          return entry;
        }
    }

  return NULL;
}

static char *
path_for_code (BotbenchBotStore *self,
               const char       *code)
{
  g_autofree char *escaped = g_uri_escape_string (code, NULL, FALSE);
  g_autofree char *name = g_strconcat (escaped, ".json", NULL);

  return g_build_filename (self->directory, name, NULL);
}

/* NO_CODE / CODE_TAKEN for @bot's CODE. */
static gboolean
check_code (BotbenchBotStore  *self,
            BotbenchBot       *bot,
            GError           **error)
{
  const char *code = botbench_bot_get_code (bot);

  if (_botbench_bot_php_empty (code))
    {
      g_set_error (error, BOTBENCH_BOT_STORE_ERROR, BOTBENCH_BOT_STORE_ERROR_NO_CODE,
                   _("The bot needs a CODE before it can be saved"));
      return FALSE;
    }

  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      if (entry->bot != bot && g_strcmp0 (botbench_bot_get_code (entry->bot), code) == 0)
        {
          g_set_error (error, BOTBENCH_BOT_STORE_ERROR, BOTBENCH_BOT_STORE_ERROR_CODE_TAKEN,
                       _("This profile already has a bot with the CODE “%s”"), code);
          return FALSE;
        }
    }

  return TRUE;
}

/* Writes @bot to its CODE's file; returns the path. */
static char *
write_bot (BotbenchBotStore  *self,
           BotbenchBot       *bot,
           GError           **error)
{
  g_autofree char *path = path_for_code (self, botbench_bot_get_code (bot));
  g_autofree char *data = NULL;
  g_autoptr(GError) local_error = NULL;

  if (g_mkdir_with_parents (self->directory, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, BOTBENCH_BOT_STORE_ERROR, BOTBENCH_BOT_STORE_ERROR_FAILED,
                   _("Could not create the folder %s: %s"), self->directory, g_strerror (saved_errno));
      return NULL;
    }

  data = botbench_bot_to_data (bot);
  if (!g_file_set_contents_full (path, data, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &local_error))
    {
      g_set_error (error, BOTBENCH_BOT_STORE_ERROR, BOTBENCH_BOT_STORE_ERROR_FAILED,
                   _("Could not save the bot “%s”: %s"), botbench_bot_get_code (bot), local_error->message);
      return NULL;
    }

  g_debug ("Saved bot %s of profile %s", botbench_bot_get_code (bot), self->profile_uuid);

  return g_steal_pointer (&path);
}

static gboolean
delete_file (const char  *path,
             GError     **error)
{
  if (g_unlink (path) != 0 && errno != ENOENT)
    {
      int saved_errno = errno;

      g_set_error (error, BOTBENCH_BOT_STORE_ERROR, BOTBENCH_BOT_STORE_ERROR_FAILED,
                   _("Could not delete %s: %s"), path, g_strerror (saved_errno));
      return FALSE;
    }

  return TRUE;
}

static GType
botbench_bot_store_get_item_type (GListModel *model)
{
  return BOTBENCH_TYPE_BOT;
}

static guint
botbench_bot_store_get_n_items (GListModel *model)
{
  return BOTBENCH_BOT_STORE (model)->entries->len;
}

static gpointer
botbench_bot_store_get_item (GListModel *model,
                             guint       position)
{
  BotbenchBotStore *self = BOTBENCH_BOT_STORE (model);

  if (position >= self->entries->len)
    return NULL;

  return g_object_ref (((Entry *)g_ptr_array_index (self->entries, position))->bot);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = botbench_bot_store_get_item_type;
  iface->get_n_items = botbench_bot_store_get_n_items;
  iface->get_item = botbench_bot_store_get_item;
}

static void
botbench_bot_store_constructed (GObject *object)
{
  BotbenchBotStore *self = (BotbenchBotStore *)object;

  G_OBJECT_CLASS (botbench_bot_store_parent_class)->constructed (object);

  if (self->base_dir == NULL)
    self->base_dir = botbench_bot_store_dup_default_base_dir ();
  self->directory = g_build_filename (self->base_dir, self->profile_uuid, NULL);
}

static void
botbench_bot_store_dispose (GObject *object)
{
  BotbenchBotStore *self = (BotbenchBotStore *)object;

  if (self->entries != NULL)
    g_ptr_array_set_size (self->entries, 0);

  G_OBJECT_CLASS (botbench_bot_store_parent_class)->dispose (object);
}

static void
botbench_bot_store_finalize (GObject *object)
{
  BotbenchBotStore *self = (BotbenchBotStore *)object;

  g_clear_pointer (&self->profile_uuid, g_free);
  g_clear_pointer (&self->base_dir, g_free);
  g_clear_pointer (&self->directory, g_free);
  g_clear_pointer (&self->entries, g_ptr_array_unref);
  g_clear_pointer (&self->problems, g_ptr_array_unref);

  G_OBJECT_CLASS (botbench_bot_store_parent_class)->finalize (object);
}

static void
botbench_bot_store_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  BotbenchBotStore *self = BOTBENCH_BOT_STORE (object);

  switch (prop_id)
    {
    case PROP_PROFILE_UUID:
      g_value_set_string (value, self->profile_uuid);
      break;

    case PROP_BASE_DIR:
      g_value_set_string (value, self->base_dir);
      break;

    case PROP_N_ITEMS:
      g_value_set_uint (value, self->entries->len);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
botbench_bot_store_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  BotbenchBotStore *self = BOTBENCH_BOT_STORE (object);

  switch (prop_id)
    {
    case PROP_PROFILE_UUID:
      self->profile_uuid = g_value_dup_string (value);
      break;

    case PROP_BASE_DIR:
      self->base_dir = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
botbench_bot_store_class_init (BotbenchBotStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = botbench_bot_store_constructed;
  object_class->dispose = botbench_bot_store_dispose;
  object_class->finalize = botbench_bot_store_finalize;
  object_class->get_property = botbench_bot_store_get_property;
  object_class->set_property = botbench_bot_store_set_property;

  properties[PROP_PROFILE_UUID] =
    g_param_spec_string ("profile-uuid", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BASE_DIR] =
    g_param_spec_string ("base-dir", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
botbench_bot_store_init (BotbenchBotStore *self)
{
  self->entries = g_ptr_array_new_with_free_func ((GDestroyNotify)entry_free);
  self->problems = g_ptr_array_new_with_free_func (g_free);
}

static void
items_changed (BotbenchBotStore *self,
               guint             position,
               guint             removed,
               guint             added)
{
  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
  if (removed != added)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

char *
botbench_bot_store_dup_default_base_dir (void)
{
  return g_build_filename (g_get_user_config_dir (), "botbench", "bots", NULL);
}

BotbenchBotStore *
botbench_bot_store_new (const char *profile_uuid,
                        const char *base_dir)
{
  g_return_val_if_fail (profile_uuid != NULL && *profile_uuid != '\0', NULL);
  g_return_val_if_fail (strchr (profile_uuid, G_DIR_SEPARATOR) == NULL, NULL);

  return g_object_new (BOTBENCH_TYPE_BOT_STORE,
                       "profile-uuid", profile_uuid,
                       "base-dir", base_dir,
                       NULL);
}

const char *
botbench_bot_store_get_profile_uuid (BotbenchBotStore *self)
{
  g_return_val_if_fail (BOTBENCH_IS_BOT_STORE (self), NULL);
  return self->profile_uuid;
}

const char *
botbench_bot_store_get_directory (BotbenchBotStore *self)
{
  g_return_val_if_fail (BOTBENCH_IS_BOT_STORE (self), NULL);
  return self->directory;
}

GPtrArray *
botbench_bot_store_get_load_problems (BotbenchBotStore *self)
{
  g_return_val_if_fail (BOTBENCH_IS_BOT_STORE (self), NULL);
  return self->problems;
}

gboolean
botbench_bot_store_load (BotbenchBotStore  *self,
                         GError           **error)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *name;
  guint removed;

  g_return_val_if_fail (BOTBENCH_IS_BOT_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  entries = g_ptr_array_new_with_free_func ((GDestroyNotify)entry_free);
  problems = g_ptr_array_new_with_free_func (g_free);

  dir = g_dir_open (self->directory, 0, &local_error);
  if (dir == NULL && !g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    {
      g_set_error (error, BOTBENCH_BOT_STORE_ERROR, BOTBENCH_BOT_STORE_ERROR_FAILED,
                   _("Could not read the saved bots: %s"), local_error->message);
      return FALSE;
    }

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autoptr(BotbenchBot) bot = NULL;
      g_autoptr(GError) bot_error = NULL;

      if (!g_str_has_suffix (name, ".json"))
        continue;

      path = g_build_filename (self->directory, name, NULL);
      bot = botbench_bot_new_from_file (path, NULL, &bot_error);
      if (bot == NULL)
        {
          g_ptr_array_add (problems, g_strdup_printf (_("%s was skipped: %s"), path, bot_error->message));
          continue;
        }

      if (_botbench_bot_php_empty (botbench_bot_get_code (bot)))
        {
          g_ptr_array_add (problems, g_strdup_printf (_("%s was skipped: it has no CODE"), path));
          continue;
        }

      for (guint i = 0; i < entries->len; i++)
        if (g_strcmp0 (botbench_bot_get_code (((Entry *)g_ptr_array_index (entries, i))->bot),
                       botbench_bot_get_code (bot)) == 0)
          {
            g_ptr_array_add (problems, g_strdup_printf (_("%s was skipped: another file has the CODE “%s”"),
                                                        path, botbench_bot_get_code (bot)));
            g_clear_object (&bot);
            break;
          }
      if (bot == NULL)
        continue;

      botbench_bot_set_profile_uuid (bot, self->profile_uuid);
      g_ptr_array_add (entries, entry_new (bot, path));
    }

  g_ptr_array_sort (entries, entry_compare);

  for (guint i = 0; i < problems->len; i++)
    g_debug ("Profile %s: %s", self->profile_uuid, (const char *)g_ptr_array_index (problems, i));

  removed = self->entries->len;
  g_clear_pointer (&self->entries, g_ptr_array_unref);
  self->entries = g_steal_pointer (&entries);
  g_clear_pointer (&self->problems, g_ptr_array_unref);
  self->problems = g_steal_pointer (&problems);

  items_changed (self, 0, removed, self->entries->len);

  return TRUE;
}

gboolean
botbench_bot_store_add (BotbenchBotStore  *self,
                        BotbenchBot       *bot,
                        GError           **error)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (BOTBENCH_IS_BOT_STORE (self), FALSE);
  g_return_val_if_fail (BOTBENCH_IS_BOT (bot), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  g_return_val_if_fail (find_entry (self, bot, NULL) == NULL, FALSE);

  if (!check_code (self, bot, error))
    return FALSE;

  botbench_bot_set_profile_uuid (bot, self->profile_uuid);
  path = write_bot (self, bot, error);
  if (path == NULL)
    return FALSE;

  g_ptr_array_add (self->entries, entry_new (bot, path));
  items_changed (self, self->entries->len - 1, 0, 1);

  return TRUE;
}

gboolean
botbench_bot_store_save (BotbenchBotStore  *self,
                         BotbenchBot       *bot,
                         GError           **error)
{
  g_autofree char *path = NULL;
  Entry *entry;
  guint position;

  g_return_val_if_fail (BOTBENCH_IS_BOT_STORE (self), FALSE);
  g_return_val_if_fail (BOTBENCH_IS_BOT (bot), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  entry = find_entry (self, bot, &position);
  if (entry == NULL)
    {
      g_set_error (error, BOTBENCH_BOT_STORE_ERROR, BOTBENCH_BOT_STORE_ERROR_NOT_FOUND,
                   _("The bot “%s” is not saved in this profile"),
                   botbench_bot_get_code (bot) ? botbench_bot_get_code (bot) : "");
      return FALSE;
    }

  if (!check_code (self, bot, error))
    return FALSE;

  botbench_bot_set_profile_uuid (bot, self->profile_uuid);
  path = write_bot (self, bot, error);
  if (path == NULL)
    return FALSE;

  /* A new CODE: the new file is complete before the old one goes. */
  if (g_strcmp0 (entry->path, path) != 0)
    {
      g_autoptr(GError) delete_error = NULL;

      if (entry->path != NULL && !delete_file (entry->path, &delete_error))
        g_debug ("%s", delete_error->message);
      g_free (entry->path);
      entry->path = g_steal_pointer (&path);
    }

  return TRUE;
}

gboolean
botbench_bot_store_remove (BotbenchBotStore  *self,
                           BotbenchBot       *bot,
                           GError           **error)
{
  Entry *entry;
  guint position;

  g_return_val_if_fail (BOTBENCH_IS_BOT_STORE (self), FALSE);
  g_return_val_if_fail (BOTBENCH_IS_BOT (bot), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  entry = find_entry (self, bot, &position);
  if (entry == NULL)
    {
      g_set_error (error, BOTBENCH_BOT_STORE_ERROR, BOTBENCH_BOT_STORE_ERROR_NOT_FOUND,
                   _("The bot “%s” is not saved in this profile"),
                   botbench_bot_get_code (bot) ? botbench_bot_get_code (bot) : "");
      return FALSE;
    }

  if (entry->path != NULL && !delete_file (entry->path, error))
    return FALSE;

  g_ptr_array_remove_index (self->entries, position);
  items_changed (self, position, 1, 0);

  return TRUE;
}

BotbenchBot *
botbench_bot_store_lookup_by_code (BotbenchBotStore *self,
                                   const char       *code)
{
  g_return_val_if_fail (BOTBENCH_IS_BOT_STORE (self), NULL);

  for (guint i = 0; code != NULL && i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      if (g_strcmp0 (botbench_bot_get_code (entry->bot), code) == 0)
        return entry->bot;
    }

  return NULL;
}

BotbenchBot *
botbench_bot_store_lookup_by_id (BotbenchBotStore *self,
                                 gint64            bot_id)
{
  g_return_val_if_fail (BOTBENCH_IS_BOT_STORE (self), NULL);

  for (guint i = 0; bot_id > 0 && i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      if (botbench_bot_get_bot_id (entry->bot) == bot_id)
        return entry->bot;
    }

  return NULL;
}

GPtrArray *
botbench_bot_store_dup_handler_sets (BotbenchBotStore *self,
                                     BotbenchBot      *exclude)
{
  GPtrArray *sets;
  gint64 exclude_id;

  g_return_val_if_fail (BOTBENCH_IS_BOT_STORE (self), NULL);
  g_return_val_if_fail (exclude == NULL || BOTBENCH_IS_BOT (exclude), NULL);

  sets = g_ptr_array_new_with_free_func ((GDestroyNotify)botbench_bot_handler_set_free);
  exclude_id = exclude != NULL ? botbench_bot_get_bot_id (exclude) : 0;

  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);
      gint64 bot_id = botbench_bot_get_bot_id (entry->bot);

      if (entry->bot == exclude || bot_id == 0 || bot_id == exclude_id)
        continue;

      g_ptr_array_add (sets, botbench_bot_handler_set_new (entry->bot));
    }

  return sets;
}

guint
botbench_bot_store_count_registered (BotbenchBotStore *self)
{
  guint count = 0;

  g_return_val_if_fail (BOTBENCH_IS_BOT_STORE (self), 0);

  for (guint i = 0; i < self->entries->len; i++)
    if (botbench_bot_get_bot_id (((Entry *)g_ptr_array_index (self->entries, i))->bot) > 0)
      count++;

  return count;
}
