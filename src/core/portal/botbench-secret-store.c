/* botbench-secret-store.c: profile secrets in the Secret Service
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Nothing here logs a secret or puts one in an error message: debug lines
 * name the profile UUID and the kind only.
 */
#define G_LOG_DOMAIN "botbench-secret-store"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>
#include <string.h>

#include "botbench-secret-store.h"

struct _BotbenchSecretStore
{
  GObject     parent_instance;

  gboolean    session_only;
  GHashTable *memory;   /* "uuid/kind" → secret (wiped on removal) */
  GHashTable *held;     /* "uuid/kind" → secret held for this process (wiped on removal) */
};

G_DEFINE_FINAL_TYPE (BotbenchSecretStore, botbench_secret_store, G_TYPE_OBJECT)
G_DEFINE_QUARK (botbench-secret-store-error-quark, botbench_secret_store_error)

enum {
  PROP_0,
  PROP_SESSION_ONLY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const SecretSchema secret_schema = {
  BOTBENCH_SECRET_SCHEMA_NAME,
  SECRET_SCHEMA_NONE,
  {
    { "profile-uuid", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "kind", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "bot", SECRET_SCHEMA_ATTRIBUTE_STRING },   /* bot-token only: the bot's code */
    { NULL, 0 },
  }
};

/* Helpers */

void
botbench_secret_free (char *secret)
{
  if (secret == NULL)
    return;
  memset (secret, 0, strlen (secret));
  g_free (secret);
}

const char *
botbench_secret_kind_to_string (BotbenchSecretKind kind)
{
  switch (kind)
    {
    case BOTBENCH_SECRET_KIND_WEBHOOK_SECRET: return "webhook-secret";
    case BOTBENCH_SECRET_KIND_CLIENT_SECRET:  return "client-secret";
    case BOTBENCH_SECRET_KIND_ACCESS_TOKEN:   return "access-token";
    case BOTBENCH_SECRET_KIND_REFRESH_TOKEN:  return "refresh-token";
    case BOTBENCH_SECRET_KIND_APPLICATION_TOKEN: return "application-token";
    case BOTBENCH_SECRET_KIND_BOT_TOKEN:      return "bot-token";
    case BOTBENCH_SECRET_KIND_ANY:
    default:
      return NULL;
    }
}

char *
botbench_secret_bot_token_key (const char *profile_uuid,
                               const char *bot_code)
{
  g_return_val_if_fail (profile_uuid != NULL && strchr (profile_uuid, '/') == NULL, NULL);
  g_return_val_if_fail (bot_code != NULL, NULL);

  return g_strconcat (profile_uuid, "/", bot_code, NULL);
}

static char *
memory_key (const char         *uuid,
            BotbenchSecretKind  kind)
{
  return g_strconcat (uuid, "/", botbench_secret_kind_to_string (kind), NULL);
}

static GHashTable *
make_attributes (const char         *uuid,
                 BotbenchSecretKind  kind)
{
  /* Owns its values: libsecret keeps the table (and reads the UUID) after
   * the call returns, when the caller's string may be gone. */
  GHashTable *attributes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  const char *slash = strchr (uuid, '/');

  /* "UUID/CODE" (botbench_secret_bot_token_key()) */
  if (kind == BOTBENCH_SECRET_KIND_BOT_TOKEN && slash != NULL)
    {
      g_hash_table_insert (attributes, (gpointer)"profile-uuid", g_strndup (uuid, slash - uuid));
      g_hash_table_insert (attributes, (gpointer)"bot", g_strdup (slash + 1));
    }
  else
    g_hash_table_insert (attributes, (gpointer)"profile-uuid", g_strdup (uuid));
  if (kind != BOTBENCH_SECRET_KIND_ANY)
    g_hash_table_insert (attributes, (gpointer)"kind",
                         g_strdup (botbench_secret_kind_to_string (kind)));
  return attributes;
}

/* Turns a libsecret / D-Bus error into ours; the original messages hold no secrets. */
static GError *
translate_error (GError *error)
{
  GError *ret;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);

  if (error->domain == SECRET_ERROR && error->code == SECRET_ERROR_IS_LOCKED)
    ret = g_error_new (BOTBENCH_SECRET_STORE_ERROR, BOTBENCH_SECRET_STORE_ERROR_LOCKED,
                       _("The keyring is locked; unlock it and try again"));
  else if (error->domain == G_DBUS_ERROR || error->domain == G_IO_ERROR ||
           error->domain == G_SPAWN_ERROR)
    ret = g_error_new (BOTBENCH_SECRET_STORE_ERROR, BOTBENCH_SECRET_STORE_ERROR_UNAVAILABLE,
                       _("No Secret Service (such as GNOME Keyring) can be reached (%s); start one, "
                         "or keep secrets in memory for this session only"),
                       error->message);
  else
    ret = g_error_new (BOTBENCH_SECRET_STORE_ERROR, BOTBENCH_SECRET_STORE_ERROR_FAILED,
                       _("The Secret Service failed: %s"), error->message);

  return ret;
}

typedef void (*KeyringCall) (GTask *task);

typedef struct
{
  char               *uuid;
  BotbenchSecretKind  kind;
  char               *secret;   /* store only; wiped */
  KeyringCall         call;     /* the libsecret call, once the bus is there */
} Request;

static void
request_free (Request *request)
{
  g_free (request->uuid);
  if (request->secret != NULL)
    botbench_secret_free (request->secret);
  g_free (request);
}

static void
emit_changed (BotbenchSecretStore *self,
              const char          *uuid,
              BotbenchSecretKind   kind)
{
  g_signal_emit (self, signals[CHANGED], 0, uuid, (guint)kind);
}

static GTask *
new_task (BotbenchSecretStore *self,
          const char          *uuid,
          BotbenchSecretKind   kind,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data,
          gpointer             source_tag)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Request *request = g_new0 (Request, 1);

  g_task_set_source_tag (task, source_tag);
  request->uuid = g_strdup (uuid);
  request->kind = kind;
  g_task_set_task_data (task, request, (GDestroyNotify)request_free);
  return task;
}

/* Callbacks */

static void
botbench_secret_store_store_cb (GObject      *object,
                                GAsyncResult *result,
                                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  Request *request = g_task_get_task_data (task);

  if (!secret_password_store_finish (result, &error))
    {
      g_debug ("Storing %s of profile %s failed", botbench_secret_kind_to_string (request->kind),
               request->uuid);
      g_task_return_error (task, translate_error (error));
      return;
    }

  g_debug ("Stored %s of profile %s", botbench_secret_kind_to_string (request->kind), request->uuid);
  emit_changed (g_task_get_source_object (task), request->uuid, request->kind);
  g_task_return_boolean (task, TRUE);
}

static void
botbench_secret_store_lookup_cb (GObject      *object,
                                 GAsyncResult *result,
                                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  char *secret;

  secret = secret_password_lookup_finish (result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, translate_error (error));
      return;
    }

  /* Re-own the secure memory as ordinary memory, wiped on free. */
  if (secret != NULL)
    {
      char *copy = g_strdup (secret);

      secret_password_free (secret);
      secret = copy;
    }
  g_task_return_pointer (task, secret, (GDestroyNotify)botbench_secret_free);
}

static void
botbench_secret_store_clear_cb (GObject      *object,
                                GAsyncResult *result,
                                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  Request *request = g_task_get_task_data (task);

  secret_password_clear_finish (result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, translate_error (error));
      return;
    }
  emit_changed (g_task_get_source_object (task), request->uuid, request->kind);
  g_task_return_boolean (task, TRUE);
}

/* Overrides */

static void
botbench_secret_store_finalize (GObject *object)
{
  BotbenchSecretStore *self = (BotbenchSecretStore *)object;

  g_clear_pointer (&self->memory, g_hash_table_unref);
  g_clear_pointer (&self->held, g_hash_table_unref);

  G_OBJECT_CLASS (botbench_secret_store_parent_class)->finalize (object);
}

static void
botbench_secret_store_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  BotbenchSecretStore *self = BOTBENCH_SECRET_STORE (object);

  switch (prop_id)
    {
    case PROP_SESSION_ONLY:
      g_value_set_boolean (value, self->session_only);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
botbench_secret_store_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  BotbenchSecretStore *self = BOTBENCH_SECRET_STORE (object);

  switch (prop_id)
    {
    case PROP_SESSION_ONLY:
      botbench_secret_store_set_session_only (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
botbench_secret_store_class_init (BotbenchSecretStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = botbench_secret_store_finalize;
  object_class->get_property = botbench_secret_store_get_property;
  object_class->set_property = botbench_secret_store_set_property;

  properties[PROP_SESSION_ONLY] =
    g_param_spec_boolean ("session-only", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_UINT);
}

static void
botbench_secret_store_init (BotbenchSecretStore *self)
{
  self->memory = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify)botbench_secret_free);
  self->held = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify)botbench_secret_free);
}

/* Public API */

BotbenchSecretStore *
botbench_secret_store_new (void)
{
  return g_object_new (BOTBENCH_TYPE_SECRET_STORE, NULL);
}

gboolean
botbench_secret_store_get_session_only (BotbenchSecretStore *self)
{
  g_return_val_if_fail (BOTBENCH_IS_SECRET_STORE (self), FALSE);
  return self->session_only;
}

void
botbench_secret_store_set_session_only (BotbenchSecretStore *self,
                                        gboolean             session_only)
{
  g_return_if_fail (BOTBENCH_IS_SECRET_STORE (self));

  session_only = !!session_only;
  if (self->session_only == session_only)
    return;
  self->session_only = session_only;
  if (!session_only)
    g_hash_table_remove_all (self->memory);
  g_debug ("Session-only secrets %s", session_only ? "on" : "off");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION_ONLY]);
}

/* Held secrets */

void
botbench_secret_store_hold (BotbenchSecretStore *self,
                            const char          *profile_uuid,
                            BotbenchSecretKind   kind,
                            const char          *secret)
{
  g_autofree char *key = NULL;
  const char *old;

  g_return_if_fail (BOTBENCH_IS_SECRET_STORE (self));
  g_return_if_fail (profile_uuid != NULL);
  g_return_if_fail (kind != BOTBENCH_SECRET_KIND_ANY);
  g_return_if_fail (secret != NULL);

  key = memory_key (profile_uuid, kind);
  old = g_hash_table_lookup (self->held, key);
  if (g_strcmp0 (old, secret) == 0)
    return;

  g_hash_table_replace (self->held, g_steal_pointer (&key), g_strdup (secret));
  g_debug ("Holding %s of profile %s", botbench_secret_kind_to_string (kind), profile_uuid);
  emit_changed (self, profile_uuid, kind);
}

void
botbench_secret_store_release (BotbenchSecretStore *self,
                               const char          *profile_uuid,
                               BotbenchSecretKind   kind)
{
  g_autofree char *key = NULL;

  g_return_if_fail (BOTBENCH_IS_SECRET_STORE (self));
  g_return_if_fail (profile_uuid != NULL);
  g_return_if_fail (kind != BOTBENCH_SECRET_KIND_ANY);

  key = memory_key (profile_uuid, kind);
  if (!g_hash_table_remove (self->held, key))
    return;

  g_debug ("Released %s of profile %s", botbench_secret_kind_to_string (kind), profile_uuid);
  emit_changed (self, profile_uuid, kind);
}

gboolean
botbench_secret_store_is_held (BotbenchSecretStore *self,
                               const char          *profile_uuid,
                               BotbenchSecretKind   kind)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (BOTBENCH_IS_SECRET_STORE (self), FALSE);
  g_return_val_if_fail (profile_uuid != NULL, FALSE);

  if (kind == BOTBENCH_SECRET_KIND_ANY)
    return FALSE;
  key = memory_key (profile_uuid, kind);
  return g_hash_table_contains (self->held, key);
}

char *
botbench_secret_store_dup_held (BotbenchSecretStore *self,
                                const char          *profile_uuid,
                                BotbenchSecretKind   kind)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (BOTBENCH_IS_SECRET_STORE (self), NULL);
  g_return_val_if_fail (profile_uuid != NULL, NULL);

  if (kind == BOTBENCH_SECRET_KIND_ANY)
    return NULL;
  key = memory_key (profile_uuid, kind);
  return g_strdup (g_hash_table_lookup (self->held, key));
}

/* The keyring calls, made once the session bus is known to be there. */

static void
keyring_store (GTask *task)
{
  Request *request = g_task_get_task_data (task);
  g_autoptr(GHashTable) attributes = make_attributes (request->uuid, request->kind);
  g_autofree char *label = NULL;

  /* Translators: %s is a kind such as "access-token", the second a UUID */
  label = g_strdup_printf (_("Botbench %s for profile %s"),
                           botbench_secret_kind_to_string (request->kind), request->uuid);
  secret_password_storev (&secret_schema, attributes, SECRET_COLLECTION_DEFAULT, label,
                          request->secret, g_task_get_cancellable (task),
                          botbench_secret_store_store_cb, task);
}

static void
keyring_lookup (GTask *task)
{
  Request *request = g_task_get_task_data (task);
  g_autoptr(GHashTable) attributes = make_attributes (request->uuid, request->kind);

  secret_password_lookupv (&secret_schema, attributes, g_task_get_cancellable (task),
                           botbench_secret_store_lookup_cb, task);
}

static void
keyring_clear (GTask *task)
{
  Request *request = g_task_get_task_data (task);
  g_autoptr(GHashTable) attributes = make_attributes (request->uuid, request->kind);

  secret_password_clearv (&secret_schema, attributes, g_task_get_cancellable (task),
                          botbench_secret_store_clear_cb, task);
}

static void
session_bus_ready_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  GTask *task = user_data;
  Request *request = g_task_get_task_data (task);
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GError) error = NULL;

  bus = g_bus_get_finish (result, &error);
  if (bus == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, BOTBENCH_SECRET_STORE_ERROR, BOTBENCH_SECRET_STORE_ERROR_UNAVAILABLE,
                                 _("No Secret Service can be reached: there is no D-Bus session bus (%s)"),
                                 error->message);
      g_object_unref (task);
      return;
    }

  /* libsecret uses this same shared connection. */
  request->call (task);
}

/* libsecret 0.20 mishandles a session bus that cannot be had (an X11
 * autolaunch that fails, say: a critical and a NULL error), so the bus is
 * fetched first and its absence reported as UNAVAILABLE.  Takes @task. */
static void
with_session_bus (GTask       *task,
                  KeyringCall  call)
{
  Request *request = g_task_get_task_data (task);

  request->call = call;
  g_bus_get (G_BUS_TYPE_SESSION, g_task_get_cancellable (task), session_bus_ready_cb, task);
}

void
botbench_secret_store_store_async (BotbenchSecretStore *self,
                                   const char          *profile_uuid,
                                   BotbenchSecretKind   kind,
                                   const char          *secret,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (BOTBENCH_IS_SECRET_STORE (self));
  g_return_if_fail (profile_uuid != NULL);
  g_return_if_fail (kind != BOTBENCH_SECRET_KIND_ANY);
  g_return_if_fail (secret != NULL);

  task = new_task (self, profile_uuid, kind, cancellable, callback, user_data,
                   botbench_secret_store_store_async);

  /* A held secret follows what is stored through this object, so that it
   * does not hide the newer value. */
  if (botbench_secret_store_is_held (self, profile_uuid, kind))
    botbench_secret_store_hold (self, profile_uuid, kind, secret);

  if (self->session_only)
    {
      g_hash_table_replace (self->memory, memory_key (profile_uuid, kind), g_strdup (secret));
      emit_changed (self, profile_uuid, kind);
      g_task_return_boolean (task, TRUE);
      return;
    }

  ((Request *)g_task_get_task_data (task))->secret = g_strdup (secret);
  with_session_bus (g_steal_pointer (&task), keyring_store);
}

gboolean
botbench_secret_store_store_finish (BotbenchSecretStore  *self,
                                    GAsyncResult         *result,
                                    GError              **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == botbench_secret_store_store_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
botbench_secret_store_lookup_async (BotbenchSecretStore *self,
                                    const char          *profile_uuid,
                                    BotbenchSecretKind   kind,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  char *held;

  g_return_if_fail (BOTBENCH_IS_SECRET_STORE (self));
  g_return_if_fail (profile_uuid != NULL);
  g_return_if_fail (kind != BOTBENCH_SECRET_KIND_ANY);

  task = new_task (self, profile_uuid, kind, cancellable, callback, user_data,
                   botbench_secret_store_lookup_async);

  /* A held secret answers first: it needs no keyring (and no prompt). */
  held = botbench_secret_store_dup_held (self, profile_uuid, kind);
  if (held != NULL)
    {
      g_task_return_pointer (task, g_steal_pointer (&held), (GDestroyNotify)botbench_secret_free);
      return;
    }

  if (self->session_only)
    {
      g_autofree char *key = memory_key (profile_uuid, kind);

      g_task_return_pointer (task, g_strdup (g_hash_table_lookup (self->memory, key)),
                             (GDestroyNotify)botbench_secret_free);
      return;
    }

  with_session_bus (g_steal_pointer (&task), keyring_lookup);
}

char *
botbench_secret_store_lookup_finish (BotbenchSecretStore  *self,
                                     GAsyncResult         *result,
                                     GError              **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == botbench_secret_store_lookup_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static gboolean
is_bot_token_of (gpointer key,
                 gpointer value,
                 gpointer user_data)
{
  const char *uuid = user_data;
  gsize len = strlen (uuid);

  return strncmp (key, uuid, len) == 0 && ((const char *)key)[len] == '/' &&
         g_str_has_suffix (key, "/bot-token") && strchr (uuid, '/') == NULL;
}

void
botbench_secret_store_clear_async (BotbenchSecretStore *self,
                                   const char          *profile_uuid,
                                   BotbenchSecretKind   kind,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (BOTBENCH_IS_SECRET_STORE (self));
  g_return_if_fail (profile_uuid != NULL);

  task = new_task (self, profile_uuid, kind, cancellable, callback, user_data,
                   botbench_secret_store_clear_async);

  /* Cleared means gone, held copies included. */
  for (BotbenchSecretKind k = 0; k < BOTBENCH_SECRET_KIND_ANY; k++)
    if (kind == BOTBENCH_SECRET_KIND_ANY || kind == k)
      botbench_secret_store_release (self, profile_uuid, k);

  if (self->session_only)
    {
      for (BotbenchSecretKind k = 0; k < BOTBENCH_SECRET_KIND_ANY; k++)
        if (kind == BOTBENCH_SECRET_KIND_ANY || kind == k)
          {
            g_autofree char *key = memory_key (profile_uuid, k);

            g_hash_table_remove (self->memory, key);
          }
      /* and the profile's bot tokens ("UUID/CODE/bot-token") */
      if (kind == BOTBENCH_SECRET_KIND_ANY || kind == BOTBENCH_SECRET_KIND_BOT_TOKEN)
        g_hash_table_foreach_remove (self->memory, is_bot_token_of, (gpointer)profile_uuid);
      emit_changed (self, profile_uuid, kind);
      g_task_return_boolean (task, TRUE);
      return;
    }

  with_session_bus (g_steal_pointer (&task), keyring_clear);
}

gboolean
botbench_secret_store_clear_finish (BotbenchSecretStore  *self,
                                    GAsyncResult         *result,
                                    GError              **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == botbench_secret_store_clear_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Sync wrappers: a private context, so nothing else runs meanwhile */

static void
sync_result_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static GAsyncResult *
wait_for_result (GMainContext  *context,
                 GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (context, TRUE);
  return *slot;
}

gboolean
botbench_secret_store_store_sync (BotbenchSecretStore  *self,
                                  const char           *profile_uuid,
                                  BotbenchSecretKind    kind,
                                  const char           *secret,
                                  GCancellable         *cancellable,
                                  GError              **error)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GAsyncResult) result = NULL;
  gboolean ret;

  g_return_val_if_fail (BOTBENCH_IS_SECRET_STORE (self), FALSE);

  g_main_context_push_thread_default (context);
  botbench_secret_store_store_async (self, profile_uuid, kind, secret, cancellable,
                                     sync_result_cb, &result);
  wait_for_result (context, &result);
  ret = botbench_secret_store_store_finish (self, result, error);
  g_main_context_pop_thread_default (context);

  return ret;
}

char *
botbench_secret_store_lookup_sync (BotbenchSecretStore  *self,
                                   const char           *profile_uuid,
                                   BotbenchSecretKind    kind,
                                   GCancellable         *cancellable,
                                   GError              **error)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GAsyncResult) result = NULL;
  char *ret;

  g_return_val_if_fail (BOTBENCH_IS_SECRET_STORE (self), NULL);

  g_main_context_push_thread_default (context);
  botbench_secret_store_lookup_async (self, profile_uuid, kind, cancellable,
                                      sync_result_cb, &result);
  wait_for_result (context, &result);
  ret = botbench_secret_store_lookup_finish (self, result, error);
  g_main_context_pop_thread_default (context);

  return ret;
}
