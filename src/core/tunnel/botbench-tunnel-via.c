/* botbench-tunnel-via.c: the tunnel programs: names, how to run them, where their URL is
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pure helpers of BotbenchTunnel.  Each tool announces its public URL in
 * its own words, among links to its documentation and terms, so each has
 * its own rule:
 *   cloudflared  tunnel --url: a box around https://NAME.trycloudflare.com
 *   ngrok http --log stdout --log-format logfmt: a line with
 *                msg="started tunnel" and url=https://…
 *   ssh -R 80:…  the service's line: "NAME tunneled with tls termination,
 *                https://NAME" (localhost.run), "Forwarding HTTP traffic
 *                from https://NAME" (serveo and the like)
 */
#define G_LOG_DOMAIN "botbench-tunnel"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "botbench-tunnel.h"

G_DEFINE_QUARK (botbench-tunnel-error-quark, botbench_tunnel_error)

static const char * const via_names[] = {
  [BOTBENCH_TUNNEL_VIA_SSH] = "ssh",
  [BOTBENCH_TUNNEL_VIA_CLOUDFLARED] = "cloudflared",
  [BOTBENCH_TUNNEL_VIA_NGROK] = "ngrok",
};

const char *
botbench_tunnel_via_to_string (BotbenchTunnelVia via)
{
  g_return_val_if_fail ((guint)via < G_N_ELEMENTS (via_names), "ssh");

  return via_names[via];
}

gboolean
botbench_tunnel_via_from_string (const char        *name,
                                 BotbenchTunnelVia *via)
{
  g_return_val_if_fail (via != NULL, FALSE);

  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (via_names); i++)
    if (g_str_equal (name, via_names[i]))
      {
        *via = (BotbenchTunnelVia)i;
        return TRUE;
      }

  return FALSE;
}

const char *
botbench_tunnel_via_program (BotbenchTunnelVia via)
{
  return botbench_tunnel_via_to_string (via);
}

char *
botbench_tunnel_via_find (BotbenchTunnelVia via)
{
  return g_find_program_in_path (botbench_tunnel_via_program (via));
}

const char *
botbench_tunnel_via_install_hint (BotbenchTunnelVia via)
{
  switch (via)
    {
    case BOTBENCH_TUNNEL_VIA_SSH:
      return _("Install the OpenSSH client: sudo apt install openssh-client");

    case BOTBENCH_TUNNEL_VIA_CLOUDFLARED:
      return _("cloudflared is not packaged by Debian: add Cloudflare’s repository "
               "(pkg.cloudflare.com) and run sudo apt install cloudflared");

    case BOTBENCH_TUNNEL_VIA_NGROK:
      return _("ngrok is not packaged by Debian: install it from ngrok.com "
               "and run ngrok config add-authtoken TOKEN once");

    default:
      g_return_val_if_reached ("");
    }
}

/* A host for ssh: no spaces, no option, no control characters. */
static gboolean
ssh_host_is_valid (const char *host)
{
  if (host == NULL || *host == '\0' || *host == '-')
    return FALSE;

  for (const char *p = host; *p != '\0'; p++)
    if (g_ascii_isspace (*p) || g_ascii_iscntrl (*p))
      return FALSE;

  return TRUE;
}

GStrv
botbench_tunnel_build_argv (BotbenchTunnelVia   via,
                            guint               port,
                            const char         *ssh_host,
                            GError            **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *local = g_strdup_printf ("127.0.0.1:%u", port);
  g_autofree char *local_url = g_strdup_printf ("http://127.0.0.1:%u", port);
  g_autofree char *forward = g_strdup_printf ("80:127.0.0.1:%u", port);

  if (port == 0 || port > G_MAXUINT16)
    {
      g_set_error (error, BOTBENCH_TUNNEL_ERROR, BOTBENCH_TUNNEL_ERROR_INVALID,
                   _("%u is not a port the listener can use"), port);
      return NULL;
    }

  switch (via)
    {
    case BOTBENCH_TUNNEL_VIA_SSH:
      if (!ssh_host_is_valid (ssh_host))
        {
          g_set_error_literal (error, BOTBENCH_TUNNEL_ERROR, BOTBENCH_TUNNEL_ERROR_INVALID,
                               _("Name the host to tunnel through with ssh, for example nokey@localhost.run"));
          return NULL;
        }
      /* No terminal, no remote command; give up when the forward is refused,
       * notice a dead connection, never ask questions (no terminal to answer). */
      g_strv_builder_add_many (builder, "ssh", "-T", "-N",
                               "-o", "ExitOnForwardFailure=yes",
                               "-o", "ServerAliveInterval=30",
                               "-o", "BatchMode=yes",
                               "-o", "StrictHostKeyChecking=accept-new",
                               "-R", forward, "--", ssh_host, NULL);
      break;

    case BOTBENCH_TUNNEL_VIA_CLOUDFLARED:
      g_strv_builder_add_many (builder, "cloudflared", "tunnel", "--no-autoupdate",
                               "--url", local_url, NULL);
      break;

    case BOTBENCH_TUNNEL_VIA_NGROK:
      g_strv_builder_add_many (builder, "ngrok", "http", local,
                               "--log", "stdout", "--log-format", "logfmt", NULL);
      break;

    default:
      g_return_val_if_reached (NULL);
    }

  return g_strv_builder_end (builder);
}

/* The https URL starting at p, up to the first character a host name
 * cannot hold (space, quote, a box's '|', …), without a trailing dot or
 * slash; NULL when it has no host. */
static char *
url_at (const char *p)
{
  const char *host = p + strlen ("https://");
  const char *end = host;

  while (g_ascii_isalnum (*end) || *end == '-' || *end == '.' || *end == ':')
    end++;
  while (end > host && (end[-1] == '.' || end[-1] == ':'))
    end--;
  if (end == host || memchr (host, '.', end - host) == NULL)
    return NULL;

  return g_strndup (p, end - p);
}

/* The first https URL in line whose host ends with suffix (NULL: any). */
static char *
find_url (const char *line,
          const char *suffix)
{
  for (const char *p = strstr (line, "https://"); p != NULL; p = strstr (p + 1, "https://"))
    {
      g_autofree char *url = url_at (p);

      if (url != NULL && (suffix == NULL || g_str_has_suffix (url, suffix)))
        return g_steal_pointer (&url);
    }

  return NULL;
}

char *
botbench_tunnel_parse_url_line (BotbenchTunnelVia  via,
                                const char        *line)
{
  const char *p;

  g_return_val_if_fail (line != NULL, NULL);

  switch (via)
    {
    case BOTBENCH_TUNNEL_VIA_CLOUDFLARED:
      return find_url (line, ".trycloudflare.com");

    case BOTBENCH_TUNNEL_VIA_NGROK:
      if (strstr (line, "msg=\"started tunnel\"") == NULL)
        return NULL;
      p = strstr (line, " url=https://");
      return p != NULL ? url_at (p + strlen (" url=")) : NULL;

    case BOTBENCH_TUNNEL_VIA_SSH:
      if (strstr (line, "tunneled with tls termination") == NULL &&
          strstr (line, "Forwarding HTTP traffic from") == NULL)
        return NULL;
      return find_url (line, NULL);

    default:
      g_return_val_if_reached (NULL);
    }
}
