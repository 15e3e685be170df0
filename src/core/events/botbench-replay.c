/* botbench-replay.c: replaying a stored event, with edits
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Building a replay (the original's request with a new, edited or raw
 * body) and sending it: botbench_http_send_async() does the exchange;
 * then either a Botbench listener answered, which stored the request
 * itself (it reads X-Botbench-Replay-Of), or the replay is inserted here
 * and its answer recorded like a forward.  The diff lives in
 * botbench-replay-diff.c.
 */
#define G_LOG_DOMAIN "botbench-event"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "botbench-event-store.h"
#include "botbench-form-edit.h"
#include "botbench-form-encoder.h"
#include "botbench-http-send.h"
#include "botbench-json.h"
#include "botbench-replay.h"

#define FORM_CONTENT_TYPE "application/x-www-form-urlencoded"
/* What Bitrix24's queue sends (reference §3.1) */
#define PORTAL_USER_AGENT "Bitrix24 Webhook Engine"

typedef struct
{
  BotbenchEventStore    *store;
  BotbenchEvent         *replay;
  BotbenchForwardResult *result;
  gint64                 event_id;
  /* The message http-send queued, watched for its headers going out. */
  SoupMessage           *msg;
  gulong                 wrote_handler;
  gboolean               went_out;
} SendData;

static void
send_data_free (SendData *data)
{
  if (data->msg != NULL)
    g_clear_signal_handler (&data->wrote_handler, data->msg);
  g_clear_object (&data->msg);
  g_clear_object (&data->store);
  g_clear_object (&data->replay);
  g_clear_pointer (&data->result, botbench_forward_result_unref);
  g_free (data);
}

/* original's headers with Content-Type and Content-Length made true for
 * the new body (in place; added at the end when missing). */
static char **
headers_for_body (BotbenchEvent *original,
                  const char    *content_type,
                  gsize          size)
{
  const char * const *headers = botbench_event_get_headers (original);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *length = g_strdup_printf ("%" G_GSIZE_FORMAT, size);
  gboolean have_type = FALSE;
  gboolean have_length = FALSE;

  for (guint i = 0; headers[i] != NULL && headers[i + 1] != NULL; i += 2)
    {
      const char *value = headers[i + 1];

      if (g_ascii_strcasecmp (headers[i], "Content-Type") == 0)
        {
          if (have_type || content_type == NULL)
            continue;
          value = content_type;
          have_type = TRUE;
        }
      else if (g_ascii_strcasecmp (headers[i], "Content-Length") == 0)
        {
          if (have_length)
            continue;
          value = length;
          have_length = TRUE;
        }
      else if (g_ascii_strcasecmp (headers[i], "Transfer-Encoding") == 0)
        {
          /* the body is whole now */
          continue;
        }

      g_strv_builder_add (builder, headers[i]);
      g_strv_builder_add (builder, value);
    }

  if (!have_type && content_type != NULL)
    {
      g_strv_builder_add (builder, "Content-Type");
      g_strv_builder_add (builder, content_type);
    }
  if (!have_length)
    {
      g_strv_builder_add (builder, "Content-Length");
      g_strv_builder_add (builder, length);
    }

  return g_strv_builder_end (builder);
}

BotbenchEvent *
botbench_replay_build_from_body (BotbenchEvent *original,
                                 GBytes        *body,
                                 const char    *content_type)
{
  g_auto(GStrv) headers = NULL;
  BotbenchEvent *replay;

  g_return_val_if_fail (BOTBENCH_IS_EVENT (original), NULL);
  g_return_val_if_fail (body != NULL, NULL);

  if (content_type == NULL)
    content_type = botbench_event_get_content_type (original);

  headers = headers_for_body (original, content_type, g_bytes_get_size (body));
  replay = botbench_event_new (g_get_real_time (), BOTBENCH_REPLAY_REMOTE,
                               botbench_event_get_method (original),
                               botbench_event_get_path (original),
                               botbench_event_get_query (original),
                               (const char * const *)headers, content_type, body);
  botbench_event_set_replay_of (replay, botbench_event_get_id (original));

  return replay;
}

BotbenchEvent *
botbench_replay_build_from_form (BotbenchEvent    *original,
                                 BotbenchFormNode *form)
{
  g_autoptr(GBytes) body = NULL;
  char *text;

  g_return_val_if_fail (BOTBENCH_IS_EVENT (original), NULL);
  g_return_val_if_fail (form != NULL, NULL);

  text = botbench_form_encode (form);
  body = g_bytes_new_take (text, strlen (text));

  return botbench_replay_build_from_body (original, body, FORM_CONTENT_TYPE);
}

BotbenchEvent *
botbench_replay_build (BotbenchEvent       *original,
                       const char * const  *sets,
                       GError             **error)
{
  g_autoptr(BotbenchFormNode) tree = NULL;
  BotbenchFormNode *form;

  g_return_val_if_fail (BOTBENCH_IS_EVENT (original), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (sets == NULL || sets[0] == NULL)
    return botbench_replay_build_from_body (original, botbench_event_get_body (original), NULL);

  form = botbench_event_get_form (original);
  if (form == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("Event %lld has no form body to edit"),
                   (long long) botbench_event_get_id (original));
      return NULL;
    }

  /* the event's tree is shared: edits copy what they change */
  tree = botbench_form_node_ref (form);
  for (guint i = 0; sets[i] != NULL; i++)
    {
      g_autofree char *key = NULL;
      g_autofree char *value = NULL;

      if (!botbench_form_edit_parse_assignment (sets[i], &key, &value, error) ||
          !botbench_form_edit_set (&tree, key, value, error))
        return NULL;
    }

  return botbench_replay_build_from_form (original, tree);
}

BotbenchEvent *
botbench_replay_build_new (const char *path,
                           GBytes     *body)
{
  g_autofree char *length = NULL;
  const char *headers[7];

  g_return_val_if_fail (body != NULL, NULL);

  length = g_strdup_printf ("%" G_GSIZE_FORMAT, g_bytes_get_size (body));
  headers[0] = "User-Agent";
  headers[1] = PORTAL_USER_AGENT;
  headers[2] = "Content-Type";
  headers[3] = FORM_CONTENT_TYPE;
  headers[4] = "Content-Length";
  headers[5] = length;
  headers[6] = NULL;

  return botbench_event_new (g_get_real_time (), BOTBENCH_REPLAY_REMOTE, "POST",
                             path != NULL && *path == '/' ? path : "/", "",
                             headers, FORM_CONTENT_TYPE, body);
}

gint64
botbench_replay_get_listener_id (BotbenchForwardResult *result)
{
  const char * const *headers;
  g_autoptr(JsonNode) root = NULL;
  GBytes *body;
  JsonObject *object;
  JsonNode *id;
  gboolean from_botbench = FALSE;

  g_return_val_if_fail (result != NULL, 0);

  headers = botbench_forward_result_get_response_headers (result);
  for (guint i = 0; headers != NULL && headers[i] != NULL && headers[i + 1] != NULL; i += 2)
    {
      if (g_ascii_strcasecmp (headers[i], "Server") == 0 && g_str_has_prefix (headers[i + 1], "Botbench/"))
        from_botbench = TRUE;
    }

  body = botbench_forward_result_get_response_body (result);
  if (!from_botbench || body == NULL || g_bytes_get_size (body) == 0 || g_bytes_get_size (body) > 4096)
    return 0;

  /* hostile until checked: whatever answered may only pretend */
  root = botbench_json_parse (g_bytes_get_data (body, NULL), g_bytes_get_size (body), NULL);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return 0;

  object = json_node_get_object (root);
  id = json_object_get_member (object, "id");
  if (id == NULL || !JSON_NODE_HOLDS_VALUE (id) || json_node_get_value_type (id) != G_TYPE_INT64)
    return 0;

  return MAX (json_node_get_int (id), 0);
}

static void
replay_recorded_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SendData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!botbench_event_store_record_forward_finish (BOTBENCH_EVENT_STORE (source), result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_pointer (task, botbench_forward_result_ref (data->result),
                         (GDestroyNotify)botbench_forward_result_unref);
}

static void
replay_inserted_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SendData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  data->event_id = botbench_event_store_insert_finish (BOTBENCH_EVENT_STORE (source), result, &error);
  if (data->event_id <= 0)
    {
      data->event_id = 0;
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_debug ("Stored replay %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT,
           data->event_id, botbench_event_get_replay_of (data->replay));
  botbench_event_store_record_forward_async (data->store, data->event_id, data->result, NULL,
                                             replay_recorded_cb, g_steal_pointer (&task));
}

static void
replay_sent_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SendData *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  gint64 listener_id;

  data->result = botbench_http_send_finish (result);

  /* Cancelled before a byte went out: the target never saw it, so there
   * is nothing to keep.  Cancelled later, it may have acted on it: the
   * replay is stored, with the answer's error ("Cancelled"). */
  if (g_cancellable_is_cancelled (cancellable) && !data->went_out)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               _("The replay was cancelled before it was sent"));
      return;
    }
  listener_id = botbench_replay_get_listener_id (data->result);

  if (listener_id > 0 || data->store == NULL)
    {
      /* a Botbench listener stored it (and its forward, if any) */
      data->event_id = listener_id;
      g_task_return_pointer (task, botbench_forward_result_ref (data->result),
                             (GDestroyNotify)botbench_forward_result_unref);
      return;
    }

  /* What went out is stored even when cancelled meanwhile. */
  botbench_event_store_insert_async (data->store, data->replay, NULL,
                                     replay_inserted_cb, g_steal_pointer (&task));
}

static void
message_wrote_headers_cb (SoupMessage *msg,
                          SendData    *data)
{
  data->went_out = TRUE;
}

/* Emitted while botbench_http_send_async() queues its message. */
static void
session_request_queued_cb (SoupSession *session,
                           SoupMessage *msg,
                           SendData    *data)
{
  if (data->msg != NULL)
    return;

  data->msg = g_object_ref (msg);
  data->wrote_handler = g_signal_connect (msg, "wrote-headers", G_CALLBACK (message_wrote_headers_cb), data);
}

void
botbench_replay_send_async (BotbenchEventStore  *store,
                            SoupSession         *session,
                            BotbenchEvent       *replay,
                            const char          *url,
                            guint                timeout_s,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SendData *data;
  gulong queued;

  g_return_if_fail (store == NULL || BOTBENCH_IS_EVENT_STORE (store));
  g_return_if_fail (SOUP_IS_SESSION (session));
  g_return_if_fail (BOTBENCH_IS_EVENT (replay));
  g_return_if_fail (url != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  data = g_new0 (SendData, 1);
  data->store = store != NULL ? g_object_ref (store) : NULL;
  data->replay = g_object_ref (replay);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, botbench_replay_send_async);
  g_task_set_task_data (task, data, (GDestroyNotify)send_data_free);
  /* A replay cancelled in flight still has its result (see replay_sent_cb). */
  g_task_set_check_cancellable (task, FALSE);

  queued = g_signal_connect (session, "request-queued", G_CALLBACK (session_request_queued_cb), data);
  botbench_http_send_async (session, url, replay, timeout_s, cancellable,
                            replay_sent_cb, g_steal_pointer (&task));
  g_signal_handler_disconnect (session, queued);
}

BotbenchForwardResult *
botbench_replay_send_finish (GAsyncResult  *result,
                             gint64        *out_event_id,
                             GError       **error)
{
  SendData *data;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == botbench_replay_send_async, NULL);

  data = g_task_get_task_data (G_TASK (result));
  if (out_event_id != NULL)
    *out_event_id = data->event_id;

  return g_task_propagate_pointer (G_TASK (result), error);
}
