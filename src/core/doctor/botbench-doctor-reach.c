/* botbench-doctor-reach.c: can the portal reach a handler, and does it answer?
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * handler-reachable is judged from where the portal is
 * (botbench-doctor-place.c): one on this machine (the sandbox) reaches
 * loopback and private hosts, one on a private address reaches private
 * hosts, a cloud portal public hosts only.
 * A handler that goes to Botbench's own listener through the profile's
 * public URL (a tunnel) is followed end to end without storing anything:
 * GET on the public URL's root reaches the listener's status page (GET /
 * is never stored) and must show the same listener as GET on the
 * listener's own URL (name "Botbench", same event store, same version).
 *
 * handler-answers POSTs event=ONDOCTORPROBE (no bot reacts to it) to each
 * handler that is not Botbench's own listener and wants a 2xx within the
 * handler timeout (BOTBENCH_DOCTOR_HANDLER_TIMEOUT_MS); redirects are not
 * followed.  Botbench's listener is not probed that way: it would store
 * the probe.
 */
#define G_LOG_DOMAIN "botbench-doctor"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "botbench-doctor-private.h"
#include "botbench-json.h"

/* ------------------------------------------------------------------------ */
/* one request with a timeout                                               */

typedef struct _Request Request;
typedef void (*RequestDone) (DoctorRun *run,
                             Request   *request,
                             guint      status,
                             GBytes    *body,
                             GError    *error);

struct _Request
{
  DoctorRun    *run;
  RequestDone   done;
  GCancellable *cancellable;
  guint         timeout_source;
  gboolean      timed_out;
  gint64        started;
  gint64        elapsed;    /* µs, until the status line and headers */
  SoupMessage  *msg;
  GInputStream *stream;
  GByteArray   *body;
};

/* An answer's body is read up to this (a listener's status is small; a
 * hostile handler's endless body is cut). */
#define MAX_BODY (64 * 1024)

static gboolean
request_timeout_cb (gpointer data)
{
  Request *request = data;

  request->timeout_source = 0;
  request->timed_out = TRUE;
  g_cancellable_cancel (request->cancellable);

  return G_SOURCE_REMOVE;
}

static void
request_finish (Request *request,
                GError  *error)
{
  g_autoptr(GBytes) body = NULL;
  guint status = 0;

  g_clear_handle_id (&request->timeout_source, g_source_remove);
  if (error == NULL)
    {
      status = soup_message_get_status (request->msg);
      body = g_byte_array_free_to_bytes (g_steal_pointer (&request->body));
    }

  request->done (request->run, request, status, body, error);

  if (request->stream != NULL)
    g_input_stream_close_async (request->stream, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
  g_clear_object (&request->stream);
  g_clear_object (&request->msg);
  g_clear_pointer (&request->body, g_byte_array_unref);
  g_clear_object (&request->cancellable);
  g_free (request);
}

static void
request_read_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Request *request = user_data;
  g_autoptr(GBytes) chunk = NULL;
  g_autoptr(GError) error = NULL;

  chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);
  if (chunk == NULL)
    {
      request_finish (request, error);
      return;
    }

  if (g_bytes_get_size (chunk) > 0 && request->body->len < MAX_BODY)
    {
      g_byte_array_append (request->body, g_bytes_get_data (chunk, NULL),
                           MIN (g_bytes_get_size (chunk), MAX_BODY - request->body->len));
      g_input_stream_read_bytes_async (request->stream, 8192, G_PRIORITY_DEFAULT, request->cancellable,
                                       request_read_cb, request);
      return;
    }

  request_finish (request, NULL);
}

static void
request_sent_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Request *request = user_data;
  g_autoptr(GError) error = NULL;

  request->stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  request->elapsed = g_get_monotonic_time () - request->started;
  if (request->stream == NULL)
    {
      request_finish (request, error);
      return;
    }

  request->body = g_byte_array_new ();
  g_input_stream_read_bytes_async (request->stream, 8192, G_PRIORITY_DEFAULT, request->cancellable,
                                   request_read_cb, request);
}

static void
request_start (DoctorRun   *run,
               const char  *method,
               const char  *url,
               const char  *form,
               guint        timeout_ms,
               RequestDone  done)
{
  g_autoptr(SoupMessage) msg = NULL;
  Request *request;

  msg = soup_message_new (method, url);
  if (msg == NULL)
    {
      g_autoptr(GError) error = g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                             _("“%s” is not a valid URL"), url);
      Request bad = { .run = run, .done = done };

      done (run, &bad, 0, NULL, error);
      return;
    }

  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  if (form != NULL)
    {
      g_autoptr(GBytes) body = g_bytes_new (form, strlen (form));

      soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", body);
    }

  request = g_new0 (Request, 1);
  request->run = run;
  request->done = done;
  request->msg = g_object_ref (msg);
  request->cancellable = g_cancellable_new ();
  g_signal_connect_object (run->cancellable, "cancelled", G_CALLBACK (g_cancellable_cancel),
                           request->cancellable, G_CONNECT_SWAPPED);
  request->timeout_source = g_timeout_add (timeout_ms, request_timeout_cb, request);
  request->started = g_get_monotonic_time ();
  soup_session_send_async (run->session, msg, G_PRIORITY_DEFAULT, request->cancellable,
                           request_sent_cb, request);
}

/* ------------------------------------------------------------------------ */
/* handler-reachable                                                        */

static void reach_next (DoctorRun *run);

static void
reach_note (DoctorRun            *run,
            BotbenchDoctorStatus  status,
            char                 *sentence)
{
  if (status > run->status)
    run->status = status;
  if (run->message->len > 0)
    g_string_append_c (run->message, ' ');
  g_string_append (run->message, sentence);
  g_free (sentence);
}

static const char *
current_url (DoctorRun *run)
{
  return g_ptr_array_index (run->urls, run->url_index);
}

/* The listener's identity from its status page (GET /), or NULL when
 * what answered is not a Botbench listener. */
static char *
identity_of (GBytes *body)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;
  const char *name, *store, *version;

  if (body == NULL)
    return NULL;

  root = botbench_json_parse (g_bytes_get_data (body, NULL), g_bytes_get_size (body), NULL);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;

  object = json_node_get_object (root);
  name = json_object_get_string_member_with_default (object, "name", NULL);
  store = json_object_get_string_member_with_default (object, "store", NULL);
  version = json_object_get_string_member_with_default (object, "version", NULL);
  if (g_strcmp0 (name, "Botbench") != 0 || store == NULL)
    return NULL;

  return g_strdup_printf ("%s\n%s", store, version != NULL ? version : "");
}

static char *
failure_text (Request *request,
              guint    status,
              GError  *error)
{
  if (request->timed_out)
    return g_strdup_printf (_("no answer within %u ms"), request->run->self->handler_timeout_ms);
  if (error != NULL)
    return g_strdup (error->message);
  return g_strdup_printf ("%u %s", status, soup_status_get_phrase (status));
}

static void
public_status_cb (DoctorRun *run,
                  Request   *request,
                  guint      status,
                  GBytes    *body,
                  GError    *error)
{
  const char *url = current_url (run);
  g_autofree char *identity = NULL;
  const char *listener_identity_text = g_object_get_data (G_OBJECT (run->task), "listener-identity");

  if (status != SOUP_STATUS_OK)
    {
      g_autofree char *why = failure_text (request, status, error);

      reach_note (run, BOTBENCH_DOCTOR_STATUS_PROBLEM,
                  g_strdup_printf (_("%s goes through the public URL, but nothing answers there (%s): is the "
                                     "tunnel running? Start it again: botbench-cli tunnel, or “Make the "
                                     "Listener Public” in the profile."), url, why));
      reach_next (run);
      return;
    }

  identity = identity_of (body);
  if (identity != NULL && g_strcmp0 (identity, listener_identity_text) == 0)
    reach_note (run, BOTBENCH_DOCTOR_STATUS_OK,
                g_strdup_printf (_("%s comes back to this Botbench’s listener through the public URL "
                                   "(%lld ms)."), url, (long long) (request->elapsed / 1000)));
  else
    reach_note (run, BOTBENCH_DOCTOR_STATUS_PROBLEM,
                g_strdup_printf (_("%s goes through the public URL, but what answers there is not this "
                                   "Botbench’s listener: point the tunnel at the listener’s address, or set "
                                   "the profile’s public URL to the tunnel’s."), url));
  reach_next (run);
}

static void
listener_status_cb (DoctorRun *run,
                    Request   *request,
                    guint      status,
                    GBytes    *body,
                    GError    *error)
{
  const char *url = current_url (run);
  gboolean through_public = FALSE;
  g_autofree char *identity = status == SOUP_STATUS_OK ? identity_of (body) : NULL;

  _botbench_doctor_url_is_ours (run->self, url, &through_public);

  if (identity == NULL)
    {
      g_autofree char *why = status == SOUP_STATUS_OK ? g_strdup (_("not a Botbench listener"))
                                                      : failure_text (request, status, error);

      reach_note (run, BOTBENCH_DOCTOR_STATUS_PROBLEM,
                  g_strdup_printf (_("%s goes to Botbench’s listener, but it does not answer at %s (%s): start "
                                     "listening."), url, run->self->listener_url, why));
      reach_next (run);
      return;
    }

  if (!through_public)
    {
      reach_note (run, BOTBENCH_DOCTOR_STATUS_OK,
                  g_strdup_printf (_("The portal is on this machine and reaches Botbench’s listener at %s."), url));
      reach_next (run);
      return;
    }

  g_object_set_data_full (G_OBJECT (run->task), "listener-identity", g_steal_pointer (&identity), g_free);
  {
    g_autofree char *root = _botbench_doctor_root_of (url);

    request_start (run, "GET", root != NULL ? root : url, NULL, run->self->handler_timeout_ms,
                   public_status_cb);
  }
}

static void
reach_one (DoctorRun *run)
{
  BotbenchDoctor *self = run->self;
  const char *url = current_url (run);
  g_autoptr(GUri) uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);
  DoctorPlace portal = _botbench_doctor_portal_place (self);
  DoctorPlace place = _botbench_doctor_place_of_host (self, uri != NULL ? g_uri_get_host (uri) : NULL);
  gboolean through_public = FALSE;
  gboolean ours = _botbench_doctor_url_is_ours (self, url, &through_public);

  if (place > portal)
    {
      reach_note (run, BOTBENCH_DOCTOR_STATUS_PROBLEM,
                  portal == DOCTOR_PLACE_PUBLIC
                  ? g_strdup_printf (_("The portal is not on this machine or network and cannot reach %s: "
                                       "make the listener public (botbench-cli tunnel, or “Make the Listener "
                                       "Public” in the profile) and register the handlers with the public "
                                       "URL."), url)
                  : g_strdup_printf (_("The portal is on another machine and cannot reach %s on this one: "
                                       "use this machine’s network address or a tunnel "
                                       "(botbench-cli tunnel)."), url));
      reach_next (run);
      return;
    }

  if (!ours)
    {
      reach_note (run, BOTBENCH_DOCTOR_STATUS_OK,
                  portal == DOCTOR_PLACE_PUBLIC
                  ? g_strdup_printf (_("%s is on a public host (whether it answers: handler-answers)."), url)
                  : g_strdup_printf (_("The portal can reach %s from where it is."), url));
      reach_next (run);
      return;
    }

  if (self->listener_url == NULL)
    {
      reach_note (run, BOTBENCH_DOCTOR_STATUS_PROBLEM,
                  g_strdup_printf (_("%s goes to Botbench’s listener, which is not running: start "
                                     "listening."), url));
      reach_next (run);
      return;
    }

  request_start (run, "GET", self->listener_url, NULL, self->handler_timeout_ms, listener_status_cb);
}

static void answers_one (DoctorRun *run);

static void
reach_finish (DoctorRun *run)
{
  DoctorBot *bot = &g_array_index (run->v1, DoctorBot, run->index);
  g_autofree char *label = _botbench_doctor_bot_label (bot->id, bot->definition);

  _botbench_doctor_add (run, run->step == 1 ? "handler-reachable" : "handler-answers", run->status, bot->id,
                        g_strdup_printf ("%s%s", label, run->message->str));
  g_string_free (run->message, TRUE);
  run->message = NULL;
  _botbench_doctor_v1_step_done (run);
}

/* On to the next URL of the bot, or the check's result. */
static void
reach_next (DoctorRun *run)
{
  if (g_cancellable_is_cancelled (run->cancellable))
    {
      g_string_free (run->message, TRUE);
      run->message = NULL;
      _botbench_doctor_next (run);
      return;
    }

  if (++run->url_index < run->urls->len)
    {
      if (run->step == 1)
        reach_one (run);
      else
        answers_one (run);
      return;
    }

  reach_finish (run);
}

/* FALSE (the check added, skipped) when the bot has no URL to look at. */
static gboolean
loop_begin (DoctorRun  *run,
            const char *name)
{
  DoctorBot *bot = &g_array_index (run->v1, DoctorBot, run->index);

  if (run->urls == NULL || run->urls->len == 0)
    {
      g_autofree char *label = _botbench_doctor_bot_label (bot->id, bot->definition);

      _botbench_doctor_add (run, name, BOTBENCH_DOCTOR_STATUS_WARNING, bot->id,
                            g_strdup_printf (_("%sNot checked: no handler URL the portal would accept "
                                               "(see handler-url)"), label));
      _botbench_doctor_v1_step_done (run);
      return FALSE;
    }

  if (run->message != NULL)
    g_string_free (run->message, TRUE);
  run->message = g_string_new (NULL);
  run->status = BOTBENCH_DOCTOR_STATUS_OK;
  run->url_index = 0;

  return TRUE;
}

void
_botbench_doctor_reach_start (DoctorRun *run)
{
  if (loop_begin (run, "handler-reachable"))
    reach_one (run);
}

/* ------------------------------------------------------------------------ */
/* handler-answers                                                          */

static void
probe_answered_cb (DoctorRun *run,
                   Request   *request,
                   guint      status,
                   GBytes    *body,
                   GError    *error)
{
  const char *url = current_url (run);

  if (body != NULL && SOUP_STATUS_IS_SUCCESSFUL (status))
    reach_note (run, BOTBENCH_DOCTOR_STATUS_OK,
                g_strdup_printf (_("%s answered %u in %lld ms."), url, status,
                                 (long long) (request->elapsed / 1000)));
  else if (request->timed_out)
    reach_note (run, BOTBENCH_DOCTOR_STATUS_PROBLEM,
                g_strdup_printf (_("%s did not answer within %u ms: the portal gives up on a slow handler and "
                                   "throttles it; answer 200 at once and work afterwards."),
                                 url, run->self->handler_timeout_ms));
  else if (body != NULL)
    reach_note (run, BOTBENCH_DOCTOR_STATUS_PROBLEM,
                g_strdup_printf (_("%s answered %u %s after %lld ms: the portal wants 200, and "
                                   "does not send an event again; make the handler answer 200 to every POST."),
                                 url, status, soup_status_get_phrase (status), (long long) (request->elapsed / 1000)));
  else
    reach_note (run, BOTBENCH_DOCTOR_STATUS_PROBLEM,
                g_strdup_printf (_("Nothing answers at %s (%s): start the bot’s server, or fix the URL."),
                                 url, error != NULL ? error->message : ""));
  reach_next (run);
}

static void
answers_one (DoctorRun *run)
{
  const char *url = current_url (run);
  gboolean through_public = FALSE;
  g_autofree char *form = NULL;
  g_autofree char *probe_url = NULL;
  BotbenchProfile *profile;
  const char *client_id;

  if (_botbench_doctor_url_is_ours (run->self, url, &through_public))
    {
      reach_note (run, BOTBENCH_DOCTOR_STATUS_OK,
                  g_strdup_printf (_("%s goes to Botbench’s listener, which answers 200 once an event is "
                                     "stored (not probed, a probe would be stored: see handler-reachable)."),
                                   url));
      reach_next (run);
      return;
    }

  form = g_strdup_printf ("event=" BOTBENCH_DOCTOR_PROBE_EVENT "&data%%5BBOTBENCH%%5D=delivery-doctor"
                          "&ts=%" G_GINT64_FORMAT, g_get_real_time () / G_USEC_PER_SEC);

  /* A webhook's handler URLs are called with ?CLIENT_ID=… appended
   * (reference §1.9): probe the URL the portal calls. */
  profile = botbench_rest_client_get_profile (run->self->client);
  client_id = botbench_profile_get_client_id (profile);
  if (botbench_profile_get_kind (profile) == BOTBENCH_PROFILE_KIND_WEBHOOK && client_id != NULL && *client_id != '\0')
    probe_url = g_strdup_printf ("%s%cCLIENT_ID=%s", url, strchr (url, '?') != NULL ? '&' : '?', client_id);

  request_start (run, "POST", probe_url != NULL ? probe_url : url, form, run->self->handler_timeout_ms,
                 probe_answered_cb);
}

void
_botbench_doctor_answers_start (DoctorRun *run)
{
  if (loop_begin (run, "handler-answers"))
    answers_one (run);
}
