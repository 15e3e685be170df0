/* botbench-profile-manager.c: the shared store of portal profiles
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * File layout:
 *
 *   [botbench]
 *   active=<uuid>
 *
 *   [profile <uuid>]
 *   uuid=…  kind=webhook|oauth  name=…  portal-url=…  user-id=…  client-id=…
 *   oauth-client-id=…  token-endpoint=…  token-expires=…  public-base-url=…
 *   certificate=<PEM, newlines escaped>  strict-token=true  member-id=…
 *   uninstalled=true
 *
 * Profiles keep their order of appearance.  Reloading updates the existing
 * objects in place, so views bound to them stay valid.
 */
#define G_LOG_DOMAIN "botbench-profile-manager"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#include "botbench-profile-manager.h"
#include "botbench-profile-private.h"

#define MAIN_GROUP     "botbench"
#define PROFILE_PREFIX "profile "

struct _BotbenchProfileManager
{
  GObject          parent_instance;

  char            *path;
  GFileMonitor    *monitor;
  GPtrArray       *profiles;       /* BotbenchProfile */
  BotbenchProfile *active;         /* borrowed from profiles */
  char            *last_contents;  /* what we last read or wrote */
  guint            save_source;
  gboolean         loading;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (BotbenchProfileManager, botbench_profile_manager, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))
G_DEFINE_QUARK (botbench-profile-manager-error-quark, botbench_profile_manager_error)

enum {
  PROP_0,
  PROP_PATH,
  PROP_ACTIVE,
  PROP_N_ITEMS,
  N_PROPS
};

enum {
  SAVE_FAILED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* Helpers */

static BotbenchProfile *
find_by_uuid (BotbenchProfileManager *self,
              const char             *uuid,
              guint                  *position)
{
  if (uuid == NULL)
    return NULL;

  for (guint i = 0; i < self->profiles->len; i++)
    {
      BotbenchProfile *profile = g_ptr_array_index (self->profiles, i);

      if (g_str_equal (botbench_profile_get_uuid (profile), uuid))
        {
          if (position)
            *position = i;
          return profile;
        }
    }
  return NULL;
}

static void
set_active_internal (BotbenchProfileManager *self,
                     BotbenchProfile        *profile)
{
  if (self->active == profile)
    return;
  self->active = profile;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVE]);
}

static char *
to_data (BotbenchProfileManager *self)
{
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();

  g_key_file_set_comment (keyfile, NULL, NULL,
                          " Botbench portal profiles. Secrets are in the Secret Service, not here.",
                          NULL);
  if (self->active != NULL)
    g_key_file_set_string (keyfile, MAIN_GROUP, "active", botbench_profile_get_uuid (self->active));
  else
    g_key_file_set_string (keyfile, MAIN_GROUP, "active", "");

  for (guint i = 0; i < self->profiles->len; i++)
    {
      BotbenchProfile *profile = g_ptr_array_index (self->profiles, i);
      g_autofree char *group = g_strconcat (PROFILE_PREFIX, botbench_profile_get_uuid (profile), NULL);

      _botbench_profile_save_to_keyfile (profile, keyfile, group);
    }

  return g_key_file_to_data (keyfile, NULL, NULL);
}

static void profile_notify_cb (BotbenchProfileManager *self);

static void
track_profile (BotbenchProfileManager *self,
               BotbenchProfile        *profile)
{
  g_signal_connect_object (profile, "notify", G_CALLBACK (profile_notify_cb),
                           self, G_CONNECT_SWAPPED);
}

static void
untrack_profile (BotbenchProfileManager *self,
                 BotbenchProfile        *profile)
{
  g_signal_handlers_disconnect_by_func (profile, profile_notify_cb, self);
}

static gboolean
load_from_data (BotbenchProfileManager  *self,
                const char              *data,
                GError                 **error)
{
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autoptr(GPtrArray) profiles = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) old = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *active_uuid = NULL;
  g_auto(GStrv) groups = NULL;
  gboolean same_list;

  if (!g_key_file_load_from_data (keyfile, data, -1, G_KEY_FILE_KEEP_COMMENTS, &local_error))
    {
      g_set_error (error, BOTBENCH_PROFILE_MANAGER_ERROR, BOTBENCH_PROFILE_MANAGER_ERROR_FAILED,
                   _("Cannot read the profiles file %s: %s"), self->path, local_error->message);
      return FALSE;
    }

  groups = g_key_file_get_groups (keyfile, NULL);
  self->loading = TRUE;

  for (guint i = 0; groups[i]; i++)
    {
      const char *uuid;
      BotbenchProfile *profile;

      if (!g_str_has_prefix (groups[i], PROFILE_PREFIX))
        continue;
      uuid = groups[i] + strlen (PROFILE_PREFIX);
      if (!g_uuid_string_is_valid (uuid))
        continue;

      profile = find_by_uuid (self, uuid, NULL);
      if (profile != NULL)
        g_object_ref (profile);
      else
        {
          profile = g_object_new (BOTBENCH_TYPE_PROFILE, "uuid", uuid, NULL);
          track_profile (self, profile);
        }
      _botbench_profile_load_from_keyfile (profile, keyfile, groups[i]);
      g_ptr_array_add (profiles, profile);
    }

  same_list = profiles->len == self->profiles->len;
  for (guint i = 0; same_list && i < profiles->len; i++)
    same_list = g_ptr_array_index (profiles, i) == g_ptr_array_index (self->profiles, i);

  old = g_steal_pointer (&self->profiles);
  self->profiles = g_steal_pointer (&profiles);

  for (guint i = 0; i < old->len; i++)
    {
      BotbenchProfile *profile = g_ptr_array_index (old, i);

      if (!g_ptr_array_find (self->profiles, profile, NULL))
        untrack_profile (self, profile);
    }

  active_uuid = g_key_file_get_string (keyfile, MAIN_GROUP, "active", NULL);
  self->active = g_ptr_array_find (self->profiles, self->active, NULL) ? self->active : NULL;

  if (!same_list)
    {
      g_list_model_items_changed (G_LIST_MODEL (self), 0, old->len, self->profiles->len);
      if (old->len != self->profiles->len)
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
    }
  set_active_internal (self, find_by_uuid (self, active_uuid, NULL));

  self->loading = FALSE;
  return TRUE;
}

static gboolean
reload (BotbenchProfileManager  *self,
        GError                 **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;

  if (!g_file_get_contents (self->path, &contents, NULL, &local_error))
    {
      if (!g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        {
          g_set_error (error, BOTBENCH_PROFILE_MANAGER_ERROR, BOTBENCH_PROFILE_MANAGER_ERROR_FAILED,
                       _("Cannot read the profiles file: %s"), local_error->message);
          return FALSE;
        }
      contents = g_strdup ("");
    }

  if (self->last_contents != NULL && g_str_equal (contents, self->last_contents))
    return TRUE;

  if (!load_from_data (self, contents, error))
    return FALSE;

  g_free (self->last_contents);
  self->last_contents = g_steal_pointer (&contents);
  g_debug ("Loaded %u profiles from %s", self->profiles->len, self->path);
  return TRUE;
}

/* A save nobody waits for (on an idle, or on dispose) failed: tell whoever
 * listens to "save-failed", else the log. */
static void
save_failed (BotbenchProfileManager *self,
             const GError           *error)
{
  if (g_signal_has_handler_pending (self, signals[SAVE_FAILED], 0, FALSE))
    {
      g_debug ("Cannot save profiles: %s", error->message);
      g_signal_emit (self, signals[SAVE_FAILED], 0, error);
    }
  else
    g_warning ("Cannot save profiles: %s", error->message);
}

/* Writes the file unless it already holds this; on failure, the error
 * says why without a prefix. */
static gboolean
write_file (BotbenchProfileManager  *self,
            GError                 **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *data = NULL;

  data = to_data (self);
  if (self->last_contents != NULL && g_str_equal (data, self->last_contents))
    return TRUE;

  dir = g_path_get_dirname (self->path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int errsv = errno;

      g_set_error (error, BOTBENCH_PROFILE_MANAGER_ERROR, BOTBENCH_PROFILE_MANAGER_ERROR_FAILED,
                   _("Cannot create %s: %s"), dir, g_strerror (errsv));
      return FALSE;
    }

  if (!g_file_set_contents_full (self->path, data, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, error))
    return FALSE;

  g_free (self->last_contents);
  self->last_contents = g_steal_pointer (&data);
  g_debug ("Saved %u profiles to %s", self->profiles->len, self->path);
  return TRUE;
}

static void
save_deferred (BotbenchProfileManager *self)
{
  g_autoptr(GError) error = NULL;

  if (!write_file (self, &error))
    save_failed (self, error);
}

static gboolean
save_idle_cb (gpointer data)
{
  BotbenchProfileManager *self = data;

  self->save_source = 0;
  save_deferred (self);

  return G_SOURCE_REMOVE;
}

/* Callbacks */

static void
profile_notify_cb (BotbenchProfileManager *self)
{
  if (self->loading || self->save_source != 0)
    return;
  self->save_source = g_idle_add (save_idle_cb, self);
}

static void
botbench_profile_manager_file_changed_cb (BotbenchProfileManager *self,
                                          GFile                  *file,
                                          GFile                  *other_file,
                                          GFileMonitorEvent       event,
                                          GFileMonitor           *monitor)
{
  g_autoptr(GError) error = NULL;

  switch (event)
    {
    case G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT:
    case G_FILE_MONITOR_EVENT_CREATED:
    case G_FILE_MONITOR_EVENT_DELETED:
    case G_FILE_MONITOR_EVENT_MOVED_IN:
    case G_FILE_MONITOR_EVENT_RENAMED:
    case G_FILE_MONITOR_EVENT_MOVED:
      break;
    case G_FILE_MONITOR_EVENT_CHANGED:
    case G_FILE_MONITOR_EVENT_ATTRIBUTE_CHANGED:
    case G_FILE_MONITOR_EVENT_PRE_UNMOUNT:
    case G_FILE_MONITOR_EVENT_UNMOUNTED:
    case G_FILE_MONITOR_EVENT_MOVED_OUT:
    default:
      return;
    }

  if (!reload (self, &error))
    g_debug ("Ignoring unreadable profiles file: %s", error->message);
}

/* GListModel */

static GType
list_model_get_item_type (GListModel *model)
{
  return BOTBENCH_TYPE_PROFILE;
}

static guint
list_model_get_n_items (GListModel *model)
{
  return BOTBENCH_PROFILE_MANAGER (model)->profiles->len;
}

static gpointer
list_model_get_item (GListModel *model,
                     guint       position)
{
  BotbenchProfileManager *self = BOTBENCH_PROFILE_MANAGER (model);

  if (position >= self->profiles->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->profiles, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = list_model_get_item_type;
  iface->get_n_items = list_model_get_n_items;
  iface->get_item = list_model_get_item;
}

/* Overrides */

static void
botbench_profile_manager_dispose (GObject *object)
{
  BotbenchProfileManager *self = (BotbenchProfileManager *)object;

  if (self->save_source != 0)
    {
      g_clear_handle_id (&self->save_source, g_source_remove);
      save_deferred (self);
    }

  if (self->monitor != NULL)
    {
      g_file_monitor_cancel (self->monitor);
      g_signal_handlers_disconnect_by_data (self->monitor, self);
      g_clear_object (&self->monitor);
    }

  if (self->profiles != NULL)
    for (guint i = 0; i < self->profiles->len; i++)
      untrack_profile (self, g_ptr_array_index (self->profiles, i));
  self->active = NULL;
  g_clear_pointer (&self->profiles, g_ptr_array_unref);

  G_OBJECT_CLASS (botbench_profile_manager_parent_class)->dispose (object);
}

static void
botbench_profile_manager_finalize (GObject *object)
{
  BotbenchProfileManager *self = (BotbenchProfileManager *)object;

  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->last_contents, g_free);

  G_OBJECT_CLASS (botbench_profile_manager_parent_class)->finalize (object);
}

static void
botbench_profile_manager_get_property (GObject    *object,
                                       guint       prop_id,
                                       GValue     *value,
                                       GParamSpec *pspec)
{
  BotbenchProfileManager *self = BOTBENCH_PROFILE_MANAGER (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_ACTIVE:
      g_value_set_object (value, self->active);
      break;
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->profiles ? self->profiles->len : 0);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
botbench_profile_manager_set_property (GObject      *object,
                                       guint         prop_id,
                                       const GValue *value,
                                       GParamSpec   *pspec)
{
  BotbenchProfileManager *self = BOTBENCH_PROFILE_MANAGER (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_assert (self->path == NULL);
      self->path = g_value_dup_string (value);
      if (self->path == NULL)
        self->path = botbench_profile_manager_dup_default_path ();
      break;
    case PROP_ACTIVE:
      botbench_profile_manager_set_active (self, g_value_get_object (value), NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
botbench_profile_manager_class_init (BotbenchProfileManagerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = botbench_profile_manager_dispose;
  object_class->finalize = botbench_profile_manager_finalize;
  object_class->get_property = botbench_profile_manager_get_property;
  object_class->set_property = botbench_profile_manager_set_property;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACTIVE] =
    g_param_spec_object ("active", NULL, NULL, BOTBENCH_TYPE_PROFILE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * BotbenchProfileManager::save-failed:
   * @self: the manager
   * @error: why the file could not be written (a #GError, without the
   *   "Cannot save profiles" prefix)
   *
   * A save that nobody waited for failed: the one that follows a change
   * of a managed profile's property, or the last one on dispose.  The
   * profiles in memory are still there; the next change tries again.
   */
  signals[SAVE_FAILED] =
    g_signal_new ("save-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
botbench_profile_manager_init (BotbenchProfileManager *self)
{
  self->profiles = g_ptr_array_new_with_free_func (g_object_unref);
}

/* Public API */

char *
botbench_profile_manager_dup_default_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "botbench", "profiles.ini", NULL);
}

BotbenchProfileManager *
botbench_profile_manager_new (const char *path)
{
  return g_object_new (BOTBENCH_TYPE_PROFILE_MANAGER, "path", path, NULL);
}

const char *
botbench_profile_manager_get_path (BotbenchProfileManager *self)
{
  g_return_val_if_fail (BOTBENCH_IS_PROFILE_MANAGER (self), NULL);
  return self->path;
}

gboolean
botbench_profile_manager_load (BotbenchProfileManager  *self,
                               GError                 **error)
{
  g_return_val_if_fail (BOTBENCH_IS_PROFILE_MANAGER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!reload (self, error))
    return FALSE;

  if (self->monitor == NULL)
    {
      g_autoptr(GFile) file = g_file_new_for_path (self->path);
      g_autoptr(GError) local_error = NULL;
      g_autofree char *dir = g_path_get_dirname (self->path);

      /* Watching a file in a missing directory falls back to slow polling */
      if (g_mkdir_with_parents (dir, 0700) != 0)
        g_debug ("Cannot create %s: %s", dir, g_strerror (errno));

      self->monitor = g_file_monitor_file (file, G_FILE_MONITOR_WATCH_MOVES, NULL, &local_error);
      if (self->monitor == NULL)
        g_debug ("Not watching %s: %s", self->path, local_error->message);
      else
        g_signal_connect_object (self->monitor, "changed",
                                 G_CALLBACK (botbench_profile_manager_file_changed_cb),
                                 self, G_CONNECT_SWAPPED);
    }

  return TRUE;
}

gboolean
botbench_profile_manager_save (BotbenchProfileManager  *self,
                               GError                 **error)
{
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (BOTBENCH_IS_PROFILE_MANAGER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* This save writes every change: a deferred one would only repeat it
   * (and, failing, say the same reason a second time). */
  g_clear_handle_id (&self->save_source, g_source_remove);

  if (write_file (self, &local_error))
    return TRUE;

  /* A directory that cannot be made is said as it is; a failed write
   * names what failed. */
  if (g_error_matches (local_error, BOTBENCH_PROFILE_MANAGER_ERROR, BOTBENCH_PROFILE_MANAGER_ERROR_FAILED))
    g_propagate_error (error, g_steal_pointer (&local_error));
  else
    g_set_error (error, BOTBENCH_PROFILE_MANAGER_ERROR, BOTBENCH_PROFILE_MANAGER_ERROR_FAILED,
                 _("Cannot save profiles: %s"), local_error->message);
  return FALSE;
}

BotbenchProfile *
botbench_profile_manager_lookup (BotbenchProfileManager *self,
                                 const char             *name_or_uuid)
{
  g_return_val_if_fail (BOTBENCH_IS_PROFILE_MANAGER (self), NULL);

  if (name_or_uuid == NULL)
    return NULL;

  for (guint i = 0; i < self->profiles->len; i++)
    {
      BotbenchProfile *profile = g_ptr_array_index (self->profiles, i);

      if (g_strcmp0 (botbench_profile_get_name (profile), name_or_uuid) == 0)
        return profile;
    }

  return find_by_uuid (self, name_or_uuid, NULL);
}

gboolean
botbench_profile_manager_check_name (BotbenchProfileManager  *self,
                                     const char              *name,
                                     BotbenchProfile         *except,
                                     GError                 **error)
{
  g_return_val_if_fail (BOTBENCH_IS_PROFILE_MANAGER (self), FALSE);

  if (name == NULL || *name == '\0' || g_ascii_isspace (*name) ||
      g_ascii_isspace (name[strlen (name) - 1]))
    {
      g_set_error (error, BOTBENCH_PROFILE_MANAGER_ERROR, BOTBENCH_PROFILE_MANAGER_ERROR_INVALID_NAME,
                   _("A profile name must not be empty or start or end with a space"));
      return FALSE;
    }
  if (strpbrk (name, "\n\r\t") != NULL || !g_utf8_validate (name, -1, NULL))
    {
      g_set_error (error, BOTBENCH_PROFILE_MANAGER_ERROR, BOTBENCH_PROFILE_MANAGER_ERROR_INVALID_NAME,
                   _("A profile name must be one line of text"));
      return FALSE;
    }

  for (guint i = 0; i < self->profiles->len; i++)
    {
      BotbenchProfile *profile = g_ptr_array_index (self->profiles, i);

      if (profile != except && g_strcmp0 (botbench_profile_get_name (profile), name) == 0)
        {
          g_set_error (error, BOTBENCH_PROFILE_MANAGER_ERROR, BOTBENCH_PROFILE_MANAGER_ERROR_NAME_TAKEN,
                       _("A profile named “%s” already exists"), name);
          return FALSE;
        }
    }

  return TRUE;
}

gboolean
botbench_profile_manager_add (BotbenchProfileManager  *self,
                              BotbenchProfile         *profile,
                              GError                 **error)
{
  g_return_val_if_fail (BOTBENCH_IS_PROFILE_MANAGER (self), FALSE);
  g_return_val_if_fail (BOTBENCH_IS_PROFILE (profile), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (find_by_uuid (self, botbench_profile_get_uuid (profile), NULL) != NULL)
    {
      g_set_error (error, BOTBENCH_PROFILE_MANAGER_ERROR, BOTBENCH_PROFILE_MANAGER_ERROR_NAME_TAKEN,
                   _("This profile is already in the list"));
      return FALSE;
    }
  if (!botbench_profile_manager_check_name (self, botbench_profile_get_name (profile), NULL, error))
    return FALSE;

  g_ptr_array_add (self->profiles, g_object_ref (profile));
  track_profile (self, profile);
  if (self->active == NULL)
    self->active = profile;

  if (!botbench_profile_manager_save (self, error))
    {
      g_ptr_array_remove (self->profiles, profile);
      untrack_profile (self, profile);
      if (self->active == profile)
        self->active = NULL;
      return FALSE;
    }

  g_list_model_items_changed (G_LIST_MODEL (self), self->profiles->len - 1, 0, 1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
  if (self->active == profile)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVE]);

  return TRUE;
}

gboolean
botbench_profile_manager_remove (BotbenchProfileManager  *self,
                                 BotbenchProfile         *profile,
                                 GError                 **error)
{
  g_autoptr(BotbenchProfile) hold = NULL;
  guint position;

  g_return_val_if_fail (BOTBENCH_IS_PROFILE_MANAGER (self), FALSE);
  g_return_val_if_fail (BOTBENCH_IS_PROFILE (profile), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (find_by_uuid (self, botbench_profile_get_uuid (profile), &position) != profile)
    {
      g_set_error (error, BOTBENCH_PROFILE_MANAGER_ERROR, BOTBENCH_PROFILE_MANAGER_ERROR_NOT_FOUND,
                   _("There is no profile “%s”"), botbench_profile_get_name (profile));
      return FALSE;
    }

  hold = g_object_ref (profile);
  untrack_profile (self, profile);
  g_ptr_array_remove_index (self->profiles, position);
  if (self->active == profile)
    self->active = NULL;

  if (!botbench_profile_manager_save (self, error))
    {
      g_ptr_array_insert (self->profiles, position, g_object_ref (profile));
      track_profile (self, profile);
      return FALSE;
    }

  g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
  if (self->active == NULL)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVE]);

  return TRUE;
}

gboolean
botbench_profile_manager_rename (BotbenchProfileManager  *self,
                                 BotbenchProfile         *profile,
                                 const char              *name,
                                 GError                 **error)
{
  g_return_val_if_fail (BOTBENCH_IS_PROFILE_MANAGER (self), FALSE);
  g_return_val_if_fail (BOTBENCH_IS_PROFILE (profile), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!g_ptr_array_find (self->profiles, profile, NULL))
    {
      g_set_error (error, BOTBENCH_PROFILE_MANAGER_ERROR, BOTBENCH_PROFILE_MANAGER_ERROR_NOT_FOUND,
                   _("There is no profile “%s”"), botbench_profile_get_name (profile));
      return FALSE;
    }
  if (!botbench_profile_manager_check_name (self, name, profile, error))
    return FALSE;

  botbench_profile_set_name (profile, name);
  return botbench_profile_manager_save (self, error);
}

BotbenchProfile *
botbench_profile_manager_get_active (BotbenchProfileManager *self)
{
  g_return_val_if_fail (BOTBENCH_IS_PROFILE_MANAGER (self), NULL);
  return self->active;
}

gboolean
botbench_profile_manager_set_active (BotbenchProfileManager  *self,
                                     BotbenchProfile         *profile,
                                     GError                 **error)
{
  BotbenchProfile *previous;

  g_return_val_if_fail (BOTBENCH_IS_PROFILE_MANAGER (self), FALSE);
  g_return_val_if_fail (profile == NULL || BOTBENCH_IS_PROFILE (profile), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (profile != NULL && !g_ptr_array_find (self->profiles, profile, NULL))
    {
      g_set_error (error, BOTBENCH_PROFILE_MANAGER_ERROR, BOTBENCH_PROFILE_MANAGER_ERROR_NOT_FOUND,
                   _("There is no profile “%s”"), botbench_profile_get_name (profile));
      return FALSE;
    }
  if (self->active == profile)
    return TRUE;

  previous = self->active;
  self->active = profile;
  if (!botbench_profile_manager_save (self, error))
    {
      self->active = previous;
      return FALSE;
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVE]);
  return TRUE;
}
