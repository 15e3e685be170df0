/* botbench-rest-exchange.c: one HTTP request of the REST client
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The session (with the profile's pinned certificate, if any) and one
 * exchange: a request sent with its own timeout and the caller's
 * cancellable, whose answer is the raw bytes.  Both calls and token
 * refreshes go through here.
 */
#define G_LOG_DOMAIN "botbench-rest-client"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "botbench-rest-client-private.h"

gboolean
_botbench_rest_client_ensure_session (BotbenchRestClient  *self,
                                      GError             **error)
{
  g_autoptr(GError) local_error = NULL;

  if (self->session != NULL)
    return TRUE;

  g_clear_object (&self->pinned);
  self->pinned = botbench_profile_dup_certificate (self->profile, &local_error);
  if (local_error != NULL)
    {
      *error = _botbench_rest_client_error_new (self, BOTBENCH_REST_ERROR_BAD_PROFILE, 0, NULL, NULL, local_error->message);
      return FALSE;
    }

  if (self->pinned != NULL)
    /* No database: every certificate goes through accept-certificate, which
     * accepts exactly the pinned one — not the system CAs as well. */
    self->session = soup_session_new_with_options ("tls-database", NULL, NULL);
  else
    self->session = soup_session_new ();
  soup_session_set_user_agent (self->session, "Botbench/" PACKAGE_VERSION " ");
  /* Our own per-attempt timer does the timing out. */
  soup_session_set_timeout (self->session, 0);

  return TRUE;
}

/* Exchange: one HTTP request with a timeout and the caller's cancellable */

static void
botbench_rest_exchange_free (BotbenchRestExchange *ex)
{
  if (ex->caller_id != 0)
    g_cancellable_disconnect (ex->caller, ex->caller_id);
  if (ex->timer != NULL)
    {
      g_source_destroy (ex->timer);
      g_source_unref (ex->timer);
    }
  g_clear_object (&ex->caller);
  g_clear_object (&ex->cancellable);
  g_clear_object (&ex->msg);
  g_free (ex);
}

static gboolean
botbench_rest_client_exchange_timeout_cb (gpointer data)
{
  BotbenchRestExchange *ex = data;

  ex->timed_out = TRUE;
  g_cancellable_cancel (ex->cancellable);
  return G_SOURCE_REMOVE;
}

static void
botbench_rest_client_exchange_cancelled_cb (GCancellable *caller,
                                            GCancellable *ours)
{
  g_cancellable_cancel (ours);
}

static gboolean
botbench_rest_client_accept_certificate_cb (SoupMessage          *msg,
                                            GTlsCertificate      *certificate,
                                            GTlsCertificateFlags  errors,
                                            BotbenchRestClient   *self)
{
  gboolean ok = self->pinned != NULL && g_tls_certificate_is_same (certificate, self->pinned);

  g_debug ("Certificate for profile %s %s the pinned one", botbench_profile_get_uuid (self->profile),
           ok ? "is" : "is not");
  return ok;
}

static void
botbench_rest_client_exchange_cb (GObject      *object,
                                  GAsyncResult *result,
                                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BotbenchRestClient *self = g_task_get_source_object (task);
  BotbenchRestExchange *ex = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  ex->duration = g_get_monotonic_time () - ex->start;
  if (ex->timer != NULL)
    {
      g_source_destroy (ex->timer);
      g_clear_pointer (&ex->timer, g_source_unref);
    }

  /* Belt and braces: over TLS, the peer must be exactly the pinned certificate */
  if (bytes != NULL && self->pinned != NULL &&
      g_ascii_strcasecmp (g_uri_get_scheme (soup_message_get_uri (ex->msg)), "https") == 0)
    {
      GTlsCertificate *peer = soup_message_get_tls_peer_certificate (ex->msg);

      if (peer == NULL || !g_tls_certificate_is_same (peer, self->pinned))
        {
          g_clear_pointer (&bytes, g_bytes_unref);
          error = g_error_new_literal (G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE,
                                       _("the certificate is not the pinned one"));
        }
    }

  if (bytes == NULL)
    {
      g_autoptr(GUri) uri = g_uri_ref (soup_message_get_uri (ex->msg));

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && !ex->timed_out)
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_error (task, _botbench_rest_error_new_transport (_botbench_rest_client_get_mask (self), self->timeout_ms,
                                                                      error, ex->timed_out, g_uri_get_host (uri)));
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&bytes), (GDestroyNotify)g_bytes_unref);
}

void
_botbench_rest_client_exchange_async (BotbenchRestClient  *self,
                                      SoupMessage         *msg,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);
  BotbenchRestExchange *ex = g_new0 (BotbenchRestExchange, 1);

  g_task_set_source_tag (task, _botbench_rest_client_exchange_async);
  g_task_set_task_data (task, ex, (GDestroyNotify)botbench_rest_exchange_free);
  ex->msg = g_object_ref (msg);
  ex->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      ex->caller = g_object_ref (cancellable);
      ex->caller_id = g_cancellable_connect (cancellable,
                                             G_CALLBACK (botbench_rest_client_exchange_cancelled_cb),
                                             ex->cancellable, NULL);
    }
  if (self->timeout_ms > 0)
    {
      ex->timer = g_timeout_source_new (self->timeout_ms);
      g_source_set_callback (ex->timer, botbench_rest_client_exchange_timeout_cb, ex, NULL);
      g_source_attach (ex->timer, g_task_get_context (task));
    }
  if (self->pinned != NULL)
    g_signal_connect_object (msg, "accept-certificate",
                             G_CALLBACK (botbench_rest_client_accept_certificate_cb), self, 0);

  ex->start = g_get_monotonic_time ();
  ex->start_wall = g_get_real_time ();
  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT, ex->cancellable,
                                    botbench_rest_client_exchange_cb, g_steal_pointer (&task));
}

GBytes *
_botbench_rest_client_exchange_finish (BotbenchRestClient    *self,
                                       GAsyncResult          *result,
                                       BotbenchRestExchange **ex,
                                       GError               **error)
{
  g_assert (g_task_is_valid (result, self));
  *ex = g_task_get_task_data (G_TASK (result));
  return g_task_propagate_pointer (G_TASK (result), error);
}
