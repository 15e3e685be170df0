/* botbench-handler-probe.c: does a handler URL reach our own listener?
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "botbench-handler-probe"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "botbench-handler-probe.h"

G_DEFINE_QUARK (botbench-handler-probe-error-quark, botbench_handler_probe_error)

#define DEFAULT_TIMEOUT_MS 10000
/* A tunnel that answers before it forwards gets this long to deliver. */
#define RECHECK_INTERVAL_MS 100
#define RECHECK_FOR_MS      1500

typedef struct
{
  SoupSession *session;
  char        *url;
  char        *token;
  gint64       started;
  gint64       answered;
  guint        recheck_source;
} Probe;

static void
probe_free (Probe *probe)
{
  g_clear_handle_id (&probe->recheck_source, g_source_remove);
  g_clear_object (&probe->session);
  g_free (probe->url);
  g_free (probe->token);
  g_free (probe);
}

static gboolean
probe_is_stored (BotbenchEventStore *store,
                 const char         *token)
{
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  BotbenchEventQuery query = {
    .event_name = BOTBENCH_HANDLER_PROBE_EVENT,
    .search = token,
    .limit = 1,
  };

  events = botbench_event_store_query (store, &query, &error);
  if (events == NULL)
    {
      g_debug ("Cannot look for the probe: %s", error->message);
      return FALSE;
    }

  return events->len > 0;
}

static gboolean
probe_recheck_cb (gpointer data)
{
  GTask *task = data;
  Probe *probe = g_task_get_task_data (task);
  BotbenchEventStore *store = g_task_get_source_object (task);

  if (probe_is_stored (store, probe->token))
    {
      probe->recheck_source = 0;
      g_task_return_int (task, g_get_monotonic_time () - probe->started);
      g_object_unref (task);
      return G_SOURCE_REMOVE;
    }

  if (g_get_monotonic_time () - probe->answered < RECHECK_FOR_MS * 1000)
    return G_SOURCE_CONTINUE;

  probe->recheck_source = 0;
  g_task_return_new_error (task, BOTBENCH_HANDLER_PROBE_ERROR, BOTBENCH_HANDLER_PROBE_ERROR_NOT_RECEIVED,
                           _("Something at %s answered, but not this Botbench: its listener never "
                             "received the probe. Check that the tunnel forwards to the listener's address"),
                           probe->url);
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

static void
probe_sent_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Probe *probe = g_task_get_task_data (task);
  BotbenchEventStore *store = g_task_get_source_object (task);
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  guint status;

  body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  if (body == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else if (error->domain == G_TLS_ERROR ||
               (msg != NULL && soup_message_get_tls_peer_certificate_errors (msg) != 0))
        g_task_return_new_error (task, BOTBENCH_HANDLER_PROBE_ERROR, BOTBENCH_HANDLER_PROBE_ERROR_TLS,
                                 _("The TLS certificate at %s is not trusted (%s); a tunnel needs a valid certificate, "
                                   "Bitrix24 refuses others too"), probe->url, error->message);
      else
        g_task_return_new_error (task, BOTBENCH_HANDLER_PROBE_ERROR, BOTBENCH_HANDLER_PROBE_ERROR_UNREACHABLE,
                                 _("Nothing answers at %s (%s): is the tunnel running?"),
                                 probe->url, error->message);
      return;
    }

  status = soup_message_get_status (msg);
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_task_return_new_error (task, BOTBENCH_HANDLER_PROBE_ERROR, BOTBENCH_HANDLER_PROBE_ERROR_HTTP,
                               _("%s answered %u %s: the portal's events would fail the same way"),
                               probe->url, status, soup_status_get_phrase (status));
      return;
    }

  probe->answered = g_get_monotonic_time ();

  /* Our listener answers only after the COMMIT, so through a plain tunnel
   * the probe is there already. */
  if (probe_is_stored (store, probe->token))
    {
      g_task_return_int (task, probe->answered - probe->started);
      return;
    }

  probe->recheck_source = g_timeout_add (RECHECK_INTERVAL_MS, probe_recheck_cb, g_steal_pointer (&task));
}

void
botbench_handler_probe_async (BotbenchEventStore  *store,
                              const char          *url,
                              guint                timeout_ms,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *text = NULL;
  g_autofree char *uuid = NULL;
  Probe *probe;
  const char *scheme;

  g_return_if_fail (BOTBENCH_IS_EVENT_STORE (store));
  g_return_if_fail (url != NULL);

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, botbench_handler_probe_async);

  uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);
  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  if (scheme == NULL || (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0) ||
      g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_task_return_new_error (task, BOTBENCH_HANDLER_PROBE_ERROR, BOTBENCH_HANDLER_PROBE_ERROR_INVALID_URL,
                               _("“%s” is not an http:// or https:// URL"), url);
      return;
    }

  probe = g_new0 (Probe, 1);
  probe->url = g_strdup (url);
  uuid = g_uuid_string_random ();
  probe->token = g_strdelimit (g_strdup (uuid), "-", 'x');
  probe->session = soup_session_new_with_options ("timeout", (timeout_ms ? timeout_ms : DEFAULT_TIMEOUT_MS) / 1000 + 1,
                                                  "user-agent", "Botbench handler check",
                                                  NULL);
  g_task_set_task_data (task, probe, (GDestroyNotify)probe_free);

  text = g_strdup_printf ("event=" BOTBENCH_HANDLER_PROBE_EVENT "&token=%s"
                          "&data%%5BPARAMS%%5D%%5BMESSAGE%%5D=Botbench+handler+check",
                          probe->token);
  body = g_bytes_new (text, strlen (text));

  msg = soup_message_new_from_uri ("POST", uri);
  soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", body);

  probe->started = g_get_monotonic_time ();
  soup_session_send_and_read_async (probe->session, msg, G_PRIORITY_DEFAULT, cancellable,
                                    probe_sent_cb, g_steal_pointer (&task));
}

gint64
botbench_handler_probe_finish (BotbenchEventStore  *store,
                               GAsyncResult        *result,
                               GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), -1);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == botbench_handler_probe_async, -1);

  return g_task_propagate_int (G_TASK (result), error);
}
