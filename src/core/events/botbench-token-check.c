/* botbench-token-check.c: application_token verification
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The token states, their strings, and the comparison of an event's
 * top-level auth[application_token] with the profile's expected token.
 */
#define G_LOG_DOMAIN "botbench-token-check"

#include "config.h"

#include <string.h>

#include "botbench-form-node.h"
#include "botbench-token-check.h"

gboolean
botbench_token_equal (const char *a,
                      const char *b)
{
  gsize len_a, len_b, len;
  guint diff;

  g_return_val_if_fail (a != NULL, FALSE);
  g_return_val_if_fail (b != NULL, FALSE);

  len_a = strlen (a);
  len_b = strlen (b);
  len = MAX (len_a, len_b);
  diff = len_a != len_b;

  /* Every byte of the longer string is looked at, whatever differs. */
  for (gsize i = 0; i < len; i++)
    {
      guchar ca = i < len_a ? (guchar)a[i] : 0;
      guchar cb = i < len_b ? (guchar)b[i] : 0;

      diff |= (guint)(ca ^ cb);
    }

  return diff == 0;
}

const char *
botbench_token_check_find (BotbenchEvent *event)
{
  BotbenchFormNode *form;
  JsonNode *json;
  const char *token = NULL;

  g_return_val_if_fail (BOTBENCH_IS_EVENT (event), NULL);

  if ((form = botbench_event_get_form (event)) != NULL)
    {
      gsize len = 0;
      BotbenchFormNode *auth = botbench_form_node_lookup (form, "auth");
      BotbenchFormNode *node = auth ? botbench_form_node_lookup (auth, "application_token") : NULL;

      /* A token with a NUL in it is no token we could have issued. */
      if (node != NULL && botbench_form_node_get_node_type (node) == BOTBENCH_FORM_NODE_STRING &&
          (token = botbench_form_node_get_string (node, &len)) != NULL && strlen (token) != len)
        token = NULL;
    }
  else if ((json = botbench_event_get_json (event)) != NULL && JSON_NODE_HOLDS_OBJECT (json))
    {
      JsonNode *auth = json_object_get_member (json_node_get_object (json), "auth");
      JsonNode *node = NULL;

      if (auth != NULL && JSON_NODE_HOLDS_OBJECT (auth))
        node = json_object_get_member (json_node_get_object (auth), "application_token");
      if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
          json_node_get_value_type (node) == G_TYPE_STRING)
        token = json_node_get_string (node);
    }

  if (token == NULL || *token == '\0')
    return NULL;

  return token;
}

const char *
botbench_token_check_find_install (BotbenchEvent *event)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENT (event), NULL);

  if (g_strcmp0 (botbench_event_get_event_name (event), "ONAPPINSTALL") != 0)
    return NULL;

  return botbench_token_check_find (event);
}

BotbenchTokenState
botbench_token_check (BotbenchEvent *event,
                      const char    *expected)
{
  const char *token;

  g_return_val_if_fail (BOTBENCH_IS_EVENT (event), BOTBENCH_TOKEN_STATE_UNKNOWN);

  if (expected == NULL || *expected == '\0')
    return BOTBENCH_TOKEN_STATE_UNKNOWN;

  if ((token = botbench_token_check_find (event)) == NULL)
    return BOTBENCH_TOKEN_STATE_MISSING;

  return botbench_token_equal (token, expected) ? BOTBENCH_TOKEN_STATE_VERIFIED
                                                : BOTBENCH_TOKEN_STATE_WRONG;
}

/* The fallback when the keyring holds no token (see the header). */
static char *
dup_builtin_token (BotbenchProfile *profile)
{
  const char *client_id = botbench_profile_get_client_id (profile);

  if (botbench_profile_is_builtin_sandbox (profile) &&
      botbench_profile_get_kind (profile) == BOTBENCH_PROFILE_KIND_WEBHOOK &&
      client_id != NULL && *client_id != '\0')
    return g_strdup (client_id);

  return NULL;
}

char *
botbench_token_check_dup_expected_sync (BotbenchProfile     *profile,
                                        BotbenchSecretStore *secrets,
                                        GCancellable        *cancellable,
                                        GError             **error)
{
  g_autoptr(GError) local_error = NULL;
  char *token;

  g_return_val_if_fail (BOTBENCH_IS_PROFILE (profile), NULL);
  g_return_val_if_fail (BOTBENCH_IS_SECRET_STORE (secrets), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  token = botbench_secret_store_lookup_sync (secrets, botbench_profile_get_uuid (profile),
                                             BOTBENCH_SECRET_KIND_APPLICATION_TOKEN,
                                             cancellable, &local_error);
  if (token != NULL && *token != '\0')
    return token;
  g_clear_pointer (&token, botbench_secret_free);

  if ((token = dup_builtin_token (profile)) != NULL)
    return token;

  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));

  return NULL;
}

static void
expected_lookup_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BotbenchProfile *profile = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  char *token;

  token = botbench_secret_store_lookup_finish (BOTBENCH_SECRET_STORE (object), result, &error);
  if (token != NULL && *token != '\0')
    {
      g_task_return_pointer (task, token, (GDestroyNotify)botbench_secret_free);
      return;
    }
  g_clear_pointer (&token, botbench_secret_free);

  if ((token = dup_builtin_token (profile)) != NULL)
    g_task_return_pointer (task, token, (GDestroyNotify)botbench_secret_free);
  else if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, NULL, NULL);
}

void
botbench_token_check_dup_expected_async (BotbenchProfile     *profile,
                                         BotbenchSecretStore *secrets,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (BOTBENCH_IS_PROFILE (profile));
  g_return_if_fail (BOTBENCH_IS_SECRET_STORE (secrets));

  task = g_task_new (profile, cancellable, callback, user_data);
  g_task_set_source_tag (task, botbench_token_check_dup_expected_async);
  botbench_secret_store_lookup_async (secrets, botbench_profile_get_uuid (profile),
                                      BOTBENCH_SECRET_KIND_APPLICATION_TOKEN, cancellable,
                                      expected_lookup_cb, task);
}

char *
botbench_token_check_dup_expected_finish (BotbenchProfile  *profile,
                                          GAsyncResult     *result,
                                          GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, profile), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == botbench_token_check_dup_expected_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
