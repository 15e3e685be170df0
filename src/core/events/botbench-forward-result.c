/* botbench-forward-result.c: what a handler answered to a forwarded or replayed event
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The boxed result type, its JSON form (for `listen`, `events` and the
 * store's headers column) and the forward state strings.
 */
#define G_LOG_DOMAIN "botbench-forward"

#include "config.h"

#include <string.h>

#include "botbench-forward-result.h"
#include "botbench-json.h"

struct _BotbenchForwardResult
{
  gatomicrefcount       ref_count;

  char                 *url;
  BotbenchForwardState  state;
  guint                 status;
  gint64                duration_ms;
  char                 *error;
  char                **headers;
  GBytes               *body;
  guint64               size;
  gint64                finished;
};

G_DEFINE_BOXED_TYPE (BotbenchForwardResult, botbench_forward_result,
                     botbench_forward_result_ref, botbench_forward_result_unref)

static const char * const state_names[] = {
  [BOTBENCH_FORWARD_STATE_PENDING] = "pending",
  [BOTBENCH_FORWARD_STATE_DONE] = "done",
  [BOTBENCH_FORWARD_STATE_FAILED] = "failed",
};

const char *
botbench_forward_state_to_string (BotbenchForwardState state)
{
  if ((guint)state < G_N_ELEMENTS (state_names))
    return state_names[state];
  return "failed";
}

gboolean
botbench_forward_state_from_string (const char           *str,
                                    BotbenchForwardState *out)
{
  for (guint i = 0; i < G_N_ELEMENTS (state_names); i++)
    if (g_strcmp0 (str, state_names[i]) == 0)
      {
        if (out != NULL)
          *out = (BotbenchForwardState)i;
        return TRUE;
      }

  return FALSE;
}

BotbenchForwardResult *
botbench_forward_result_new (const char *url)
{
  BotbenchForwardResult *self = g_new0 (BotbenchForwardResult, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->url = g_strdup (url ? url : "");
  self->state = BOTBENCH_FORWARD_STATE_PENDING;
  self->duration_ms = -1;
  self->headers = g_new0 (char *, 1);

  return self;
}

BotbenchForwardResult *
botbench_forward_result_ref (BotbenchForwardResult *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
botbench_forward_result_unref (BotbenchForwardResult *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_free (self->url);
  g_free (self->error);
  g_strfreev (self->headers);
  g_clear_pointer (&self->body, g_bytes_unref);
  g_free (self);
}

void
botbench_forward_result_set_state (BotbenchForwardResult *self,
                                   BotbenchForwardState   state)
{
  g_return_if_fail (self != NULL);
  self->state = state;
}

void
botbench_forward_result_set_status (BotbenchForwardResult *self,
                                    guint                  status)
{
  g_return_if_fail (self != NULL);
  self->status = status;
}

void
botbench_forward_result_set_duration_ms (BotbenchForwardResult *self,
                                         gint64                 duration_ms)
{
  g_return_if_fail (self != NULL);
  self->duration_ms = duration_ms;
}

void
botbench_forward_result_set_error (BotbenchForwardResult *self,
                                   const char            *error)
{
  g_return_if_fail (self != NULL);

  g_free (self->error);
  self->error = g_strdup (error);
  if (error != NULL)
    self->state = BOTBENCH_FORWARD_STATE_FAILED;
}

void
botbench_forward_result_set_response_headers (BotbenchForwardResult *self,
                                              const char * const    *headers)
{
  g_return_if_fail (self != NULL);

  g_strfreev (self->headers);
  self->headers = headers != NULL ? g_strdupv ((char **)headers) : g_new0 (char *, 1);
}

void
botbench_forward_result_set_response_body (BotbenchForwardResult *self,
                                           GBytes                *body,
                                           guint64                size)
{
  g_return_if_fail (self != NULL);

  g_clear_pointer (&self->body, g_bytes_unref);
  if (body != NULL && g_bytes_get_size (body) > BOTBENCH_FORWARD_MAX_BODY)
    self->body = g_bytes_new_from_bytes (body, 0, BOTBENCH_FORWARD_MAX_BODY);
  else if (body != NULL)
    self->body = g_bytes_ref (body);
  self->size = size;
}

void
botbench_forward_result_set_finished (BotbenchForwardResult *self,
                                      gint64                 finished_us)
{
  g_return_if_fail (self != NULL);
  self->finished = finished_us;
}

const char *
botbench_forward_result_get_url (BotbenchForwardResult *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->url;
}

BotbenchForwardState
botbench_forward_result_get_state (BotbenchForwardResult *self)
{
  g_return_val_if_fail (self != NULL, BOTBENCH_FORWARD_STATE_FAILED);
  return self->state;
}

guint
botbench_forward_result_get_status (BotbenchForwardResult *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->status;
}

gint64
botbench_forward_result_get_duration_ms (BotbenchForwardResult *self)
{
  g_return_val_if_fail (self != NULL, -1);
  return self->duration_ms;
}

const char *
botbench_forward_result_get_error (BotbenchForwardResult *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->error;
}

const char * const *
botbench_forward_result_get_response_headers (BotbenchForwardResult *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return (const char * const *)self->headers;
}

GBytes *
botbench_forward_result_get_response_body (BotbenchForwardResult *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->body;
}

guint64
botbench_forward_result_get_response_size (BotbenchForwardResult *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->size;
}

gint64
botbench_forward_result_get_finished (BotbenchForwardResult *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->finished;
}

gboolean
botbench_forward_result_is_success (BotbenchForwardResult *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->status >= 200 && self->status < 300;
}

void
botbench_forward_result_append_json (BotbenchForwardResult *self,
                                     GString               *out)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (out != NULL);

  g_string_append (out, "{\"url\":");
  botbench_json_append_string (out, self->url, -1);
  g_string_append (out, ",\"state\":");
  botbench_json_append_string (out, botbench_forward_state_to_string (self->state), -1);
  if (self->status != 0)
    g_string_append_printf (out, ",\"status\":%u", self->status);
  else
    g_string_append (out, ",\"status\":null");
  if (self->duration_ms >= 0)
    g_string_append_printf (out, ",\"duration_ms\":%" G_GINT64_FORMAT, self->duration_ms);
  else
    g_string_append (out, ",\"duration_ms\":null");
  g_string_append (out, ",\"error\":");
  if (self->error != NULL)
    botbench_json_append_string (out, self->error, -1);
  else
    g_string_append (out, "null");
  g_string_append (out, ",\"response_body\":");
  if (self->body != NULL)
    {
      gsize len = 0;
      const char *data = g_bytes_get_data (self->body, &len);

      botbench_json_append_string (out, data ? data : "", (gssize)len);
    }
  else
    g_string_append (out, "null");
  g_string_append_printf (out, ",\"response_size\":%" G_GUINT64_FORMAT "}", self->size);
}

char *
botbench_forward_result_dup_headers_json (BotbenchForwardResult *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return botbench_json_dup_string_pairs ((const char * const *)self->headers);
}

void
botbench_forward_result_set_headers_json (BotbenchForwardResult *self,
                                          const char            *json)
{
  g_return_if_fail (self != NULL);

  /* Read back from a file anyone with the user's rights can edit. */
  g_strfreev (self->headers);
  self->headers = botbench_json_parse_string_pairs (json);
}
