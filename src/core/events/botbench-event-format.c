/* botbench-event-format.c: an event as text
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The decoded data as JSON, the one-line JSON of `botbench-cli events` and
 * `listen`, the header list the store keeps, and a curl command that
 * re-sends the request.  Every JSON string goes through
 * botbench_json_append_string().
 */
#define G_LOG_DOMAIN "botbench-event"

#include "config.h"

#include <string.h>

#include "botbench-event-internal.h"
#include "botbench-event-import.h"
#include "botbench-json.h"

char *
botbench_event_dup_data_json (BotbenchEvent *self)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENT (self), NULL);

  _botbench_event_decode (self);

  if (self->form != NULL)
    return botbench_form_node_to_json (self->form);

  if (self->json != NULL)
    return json_to_string (self->json, FALSE);

  return g_strdup ("[]");
}


char *
botbench_event_to_json_line (BotbenchEvent *self)
{
  g_autoptr(GDateTime) dt = NULL;
  g_autofree char *data = NULL;
  g_autofree char *iso = NULL;
  GString *out;

  g_return_val_if_fail (BOTBENCH_IS_EVENT (self), NULL);

  _botbench_event_summarize (self);
  dt = g_date_time_new_from_unix_utc (self->received / G_USEC_PER_SEC);
  if (dt != NULL)
    {
      g_autoptr(GDateTime) precise = g_date_time_add (dt, self->received % G_USEC_PER_SEC);
      iso = g_date_time_format (precise, "%Y-%m-%dT%H:%M:%S.%fZ");
    }

  data = botbench_event_dup_data_json (self);

  out = g_string_new ("{\"id\":");
  g_string_append_printf (out, "%" G_GINT64_FORMAT, self->id);
  g_string_append_printf (out, ",\"received\":%" G_GINT64_FORMAT, self->received);
  g_string_append (out, ",\"time\":");
  botbench_json_append_string (out, iso ? iso : "", -1);
  g_string_append (out, ",\"remote\":");
  botbench_json_append_string (out, self->remote_address, -1);
  g_string_append (out, ",\"method\":");
  botbench_json_append_string (out, self->method, -1);
  g_string_append (out, ",\"path\":");
  botbench_json_append_string (out, self->path, -1);
  g_string_append (out, ",\"query\":");
  botbench_json_append_string (out, self->query, -1);
  g_string_append (out, ",\"content_type\":");
  botbench_json_append_string (out, self->content_type ? self->content_type : "", -1);
  g_string_append (out, ",\"size\":");
  g_string_append_printf (out, "%" G_GSIZE_FORMAT, botbench_event_get_size (self));
  g_string_append (out, ",\"event\":");
  botbench_json_append_string (out, self->event_name, -1);
  g_string_append (out, ",\"bot_id\":");
  botbench_json_append_string (out, self->bot_id, -1);
  g_string_append (out, ",\"data\":");
  g_string_append (out, data);
  g_string_append (out, ",\"verified\":\"");
  g_string_append (out, botbench_token_state_to_string (self->token_state));
  g_string_append_c (out, '"');
  botbench_event_append_raw_json (self, out);
  if (self->replay_of > 0)
    g_string_append_printf (out, ",\"replay_of\":%" G_GINT64_FORMAT, self->replay_of);
  else
    g_string_append (out, ",\"replay_of\":null");
  g_string_append (out, self->rejected ? ",\"rejected\":true" : ",\"rejected\":false");
  g_string_append (out, ",\"source\":\"");
  g_string_append (out, botbench_event_source_to_string (botbench_event_get_source (self)));
  g_string_append_c (out, '"');
  if (self->source == BOTBENCH_EVENT_SOURCE_FETCHED)
    {
      /* The portal (scheme, host and port: no secret) completes the
       * event's identity, so that an import stores it once. */
      g_string_append_printf (out, ",\"fetch\":{\"bot_id\":%" G_GINT64_FORMAT
                              ",\"event_id\":%" G_GINT64_FORMAT,
                              self->fetch_bot_id, self->fetch_event_id);
      if (self->fetch_portal != NULL)
        {
          g_string_append (out, ",\"portal\":");
          botbench_json_append_string (out, self->fetch_portal, -1);
        }
      g_string_append_c (out, '}');
    }
  g_string_append (out, ",\"forward\":");
  if (self->forward != NULL)
    botbench_forward_result_append_json (self->forward, out);
  else
    g_string_append (out, "null");
  g_string_append_c (out, '}');

  return g_string_free (out, FALSE);
}

/* POSIX shell single-quoted word of len bytes (str need not be NUL-terminated). */
static void
append_shell_quoted_len (GString    *out,
                         const char *str,
                         gsize       len)
{
  g_string_append_c (out, '\'');
  for (gsize i = 0; i < len; i++)
    {
      if (str[i] == '\'')
        g_string_append (out, "'\\''");
      else
        g_string_append_c (out, str[i]);
    }
  g_string_append_c (out, '\'');
}

static void
append_shell_quoted (GString    *out,
                     const char *str)
{
  append_shell_quoted_len (out, str, strlen (str));
}

static gboolean
body_is_plain_text (const char *data,
                    gsize       len)
{
  if (!g_utf8_validate (data, len, NULL))
    return FALSE;

  for (gsize i = 0; i < len; i++)
    {
      guchar c = (guchar)data[i];

      if (c < 0x20 && c != '\n' && c != '\t')
        return FALSE;
    }

  return TRUE;
}

static gboolean
header_is_resent (const char *name)
{
  static const char * const skipped[] = {
    "Host", "Content-Length", "Connection", "Transfer-Encoding", "Expect",
    "Keep-Alive", "TE", "Trailer", "Upgrade", "Proxy-Connection",
  };

  for (guint i = 0; i < G_N_ELEMENTS (skipped); i++)
    if (g_ascii_strcasecmp (name, skipped[i]) == 0)
      return FALSE;

  return TRUE;
}

char *
botbench_event_dup_curl_command (BotbenchEvent *self,
                                 const char    *base_url)
{
  g_autofree char *url = NULL;
  g_autofree char *base = NULL;
  const char *data;
  gboolean plain;
  GString *out;
  gsize len;

  g_return_val_if_fail (BOTBENCH_IS_EVENT (self), NULL);

  base = g_strdup (base_url ? base_url : "http://127.0.0.1:8024");
  while (*base != '\0' && g_str_has_suffix (base, "/"))
    base[strlen (base) - 1] = '\0';

  url = g_strconcat (base,
                     self->path[0] == '/' ? "" : "/", self->path,
                     self->query[0] != '\0' ? "?" : "", self->query,
                     NULL);

  data = g_bytes_get_data (self->body, &len);
  if (data == NULL)
    data = "";
  /* curl reads a --data-binary value starting with @ as a file name */
  plain = body_is_plain_text (data, len) && (len == 0 || data[0] != '@');

  out = g_string_new (NULL);

  if (!plain)
    {
      /* Bytes a shell word cannot hold (NUL, invalid UTF-8, control
       * characters) go through printf's octal escapes. */
      g_string_append (out, "printf '");
      for (gsize i = 0; i < len; i++)
        {
          guchar c = (guchar)data[i];

          if (c >= 0x20 && c < 0x7f && c != '\'' && c != '\\' && c != '%')
            g_string_append_c (out, (char)c);
          else
            g_string_append_printf (out, "\\%03o", c);
        }
      g_string_append (out, "' | ");
    }

  g_string_append (out, "curl -X ");
  append_shell_quoted (out, self->method);

  for (guint i = 0; self->headers[i] != NULL && self->headers[i + 1] != NULL; i += 2)
    {
      g_autofree char *header = NULL;

      if (!header_is_resent (self->headers[i]))
        continue;

      header = g_strdup_printf ("%s: %s", self->headers[i], self->headers[i + 1]);
      g_string_append (out, " -H ");
      append_shell_quoted (out, header);
    }

  if (self->content_type != NULL && botbench_event_get_header (self, "Content-Type") == NULL)
    {
      g_autofree char *header = g_strdup_printf ("Content-Type: %s", self->content_type);
      g_string_append (out, " -H ");
      append_shell_quoted (out, header);
    }

  if (len > 0 || g_ascii_strcasecmp (self->method, "POST") == 0)
    {
      g_string_append (out, " --data-binary ");
      if (plain)
        append_shell_quoted_len (out, data, len);
      else
        g_string_append (out, "@-");
    }

  g_string_append_c (out, ' ');
  append_shell_quoted (out, url);

  return g_string_free (out, FALSE);
}

char *
_botbench_event_dup_headers_json (BotbenchEvent *self)
{
  return botbench_json_dup_string_pairs ((const char * const *)self->headers);
}

char **
_botbench_event_headers_from_json (const char *json)
{
  /* Ours, but read back from a file anyone with the user's rights can edit. */
  return botbench_json_parse_string_pairs (json);
}
