/* botbench-rest-connection-test.c: "Test connection" for a profile
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Calls `scope` and then `profile` and reports who the credentials belong
 * to and whether they allow bots (the imbot scope).
 */
#define G_LOG_DOMAIN "botbench-rest-client"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "botbench-rest-client-private.h"

void
botbench_connection_report_free (BotbenchConnectionReport *report)
{
  if (report == NULL)
    return;
  g_free (report->advice);
  g_free (report->user_id);
  g_free (report->user_name);
  g_strfreev (report->scopes);
  g_free (report);
}

typedef struct
{
  BotbenchConnectionReport *report;
} TestData;

static void
test_data_free (TestData *data)
{
  botbench_connection_report_free (data->report);
  g_free (data);
}

static void
botbench_rest_client_test_profile_cb (GObject      *object,
                                      GAsyncResult *result,
                                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BotbenchRestClient *self = BOTBENCH_REST_CLIENT (object);
  TestData *data = g_task_get_task_data (task);
  g_autoptr(BotbenchRestResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *result_node;

  response = botbench_rest_client_call_finish (self, result, &error);
  if (response == NULL)
    {
      if (_botbench_rest_client_is_webhook (self) || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      /* OAuth apps need not have the user scope: the report just has no user. */
    }
  else if ((result_node = botbench_rest_response_get_result (response)) != NULL &&
           JSON_NODE_HOLDS_OBJECT (result_node))
    {
      JsonObject *user = json_node_get_object (result_node);
      JsonNode *id = json_object_get_member (user, "ID");
      const char *name = json_object_get_string_member_with_default (user, "NAME", NULL);
      const char *last = json_object_get_string_member_with_default (user, "LAST_NAME", NULL);

      if (id != NULL && json_node_get_value_type (id) == G_TYPE_STRING)
        data->report->user_id = g_strdup (json_node_get_string (id));
      else if (id != NULL && JSON_NODE_HOLDS_VALUE (id))
        data->report->user_id = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (id));
      data->report->user_name = g_strstrip (g_strdup_printf ("%s %s", name ? name : "", last ? last : ""));
    }

  g_task_return_pointer (task, g_steal_pointer (&data->report),
                         (GDestroyNotify)botbench_connection_report_free);
}

static void
botbench_rest_client_test_scope_cb (GObject      *object,
                                    GAsyncResult *result,
                                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BotbenchRestClient *self = BOTBENCH_REST_CLIENT (object);
  TestData *data = g_task_get_task_data (task);
  g_autoptr(BotbenchRestResponse) response = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  GCancellable *cancellable;
  GError *error = NULL;
  JsonNode *node;

  response = botbench_rest_client_call_finish (self, result, &error);
  if (response == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  node = botbench_rest_response_get_result (response);
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          const char *scope = json_array_get_string_element (array, i);

          if (scope == NULL)
            continue;
          g_strv_builder_add (builder, scope);
          if (g_str_equal (scope, "imbot"))
            data->report->has_imbot_scope = TRUE;
        }
    }
  data->report->scopes = g_strv_builder_end (builder);
  data->report->latency = botbench_rest_response_get_duration (response);
  if (!data->report->has_imbot_scope)
    data->report->advice = g_strdup (_botbench_rest_client_is_webhook (self)
                                     ? _("The webhook has no “imbot” scope, so bots cannot be registered: "
                                         "add Chat bots (imbot) to the webhook's permissions and save")
                                     : _("The application has no “imbot” scope, so bots cannot be "
                                         "registered: add Chat bots (imbot) to its permissions and "
                                         "reinstall it"));

  cancellable = g_task_get_cancellable (task);
  botbench_rest_client_call_async (self, "profile", NULL, cancellable,
                                   botbench_rest_client_test_profile_cb, g_steal_pointer (&task));
}

void
botbench_rest_client_test_connection_async (BotbenchRestClient  *self,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  TestData *data;

  g_return_if_fail (BOTBENCH_IS_REST_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, botbench_rest_client_test_connection_async);
  data = g_new0 (TestData, 1);
  data->report = g_new0 (BotbenchConnectionReport, 1);
  g_task_set_task_data (task, data, (GDestroyNotify)test_data_free);

  botbench_rest_client_call_async (self, "scope", NULL, cancellable,
                                   botbench_rest_client_test_scope_cb, g_steal_pointer (&task));
}

BotbenchConnectionReport *
botbench_rest_client_test_connection_finish (BotbenchRestClient  *self,
                                             GAsyncResult        *result,
                                             GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == botbench_rest_client_test_connection_async,
                        NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

BotbenchConnectionReport *
botbench_rest_client_test_connection_sync (BotbenchRestClient  *self,
                                           GCancellable        *cancellable,
                                           GError             **error)
{
  GMainContext *context = g_main_context_ref_thread_default ();
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (BOTBENCH_IS_REST_CLIENT (self), NULL);

  botbench_rest_client_test_connection_async (self, cancellable, _botbench_rest_client_sync_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (context, TRUE);
  g_main_context_unref (context);

  return botbench_rest_client_test_connection_finish (self, result, error);
}
