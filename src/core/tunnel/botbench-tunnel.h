/* botbench-tunnel.h: a public HTTPS URL for the listener, through a tunnel program the user has
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A cloud portal cannot POST to 127.0.0.1.  A BotbenchTunnel runs a tunnel
 * program that is already installed (ssh -R to a host the user names,
 * cloudflared's quick tunnel, ngrok), reads the public https URL it
 * prints, and keeps it running until stop() or until it dies.  Nothing is
 * downloaded or shipped: a missing program is reported with how to
 * install it.  Programs are looked up in PATH.
 */
#pragma once

#include <gio/gio.h>

#include "botbench-types.h"

G_BEGIN_DECLS

typedef enum
{
  BOTBENCH_TUNNEL_VIA_SSH,
  BOTBENCH_TUNNEL_VIA_CLOUDFLARED,
  BOTBENCH_TUNNEL_VIA_NGROK,
} BotbenchTunnelVia;

typedef enum
{
  BOTBENCH_TUNNEL_STATE_STOPPED,   /* not started, or stopped */
  BOTBENCH_TUNNEL_STATE_STARTING,  /* running, no URL yet */
  BOTBENCH_TUNNEL_STATE_RUNNING,   /* the public URL is known */
  BOTBENCH_TUNNEL_STATE_FAILED,    /* could not start, or died: get_error() */
} BotbenchTunnelState;

#define BOTBENCH_TUNNEL_ERROR (botbench_tunnel_error_quark ())

typedef enum
{
  BOTBENCH_TUNNEL_ERROR_NOT_INSTALLED,  /* the program is not in PATH */
  BOTBENCH_TUNNEL_ERROR_NO_URL,         /* it printed no public URL in time */
  BOTBENCH_TUNNEL_ERROR_EXITED,         /* it exited (before or after the URL) */
  BOTBENCH_TUNNEL_ERROR_INVALID,        /* bad arguments (no ssh host, …) */
} BotbenchTunnelError;

/* How long start() waits for the URL (seconds). */
#define BOTBENCH_TUNNEL_URL_TIMEOUT 45

GQuark              botbench_tunnel_error_quark      (void);

/* "ssh", "cloudflared", "ngrok"; parse: FALSE for anything else. */
const char         *botbench_tunnel_via_to_string    (BotbenchTunnelVia  via);
gboolean            botbench_tunnel_via_from_string  (const char        *name,
                                                      BotbenchTunnelVia *via);
/* The program's name in PATH ("ssh", "cloudflared", "ngrok"). */
const char         *botbench_tunnel_via_program      (BotbenchTunnelVia  via);
/* Its full path, NULL when it is not installed. */
char               *botbench_tunnel_via_find         (BotbenchTunnelVia  via);
/* One translated sentence: how to install it on Debian. */
const char         *botbench_tunnel_via_install_hint (BotbenchTunnelVia  via);

/* The argument vector that tunnels local port to the internet (argv[0] is
 * the program's name).  ssh_host: for SSH, the host to tunnel through
 * ("nokey@localhost.run", "user@vps.example.org"); ignored otherwise. */
GStrv               botbench_tunnel_build_argv       (BotbenchTunnelVia  via,
                                                      guint              port,
                                                      const char        *ssh_host,
                                                      GError           **error);

/* Pure: the public https URL one line of the program's output announces
 * (without a trailing slash), or NULL.  Only the lines each tool prints
 * for its tunnel count: cloudflared's *.trycloudflare.com box, ngrok's
 * `msg="started tunnel" … url=https://…` log line, an ssh service's
 * "… tunneled with tls termination, https://…" or "Forwarding HTTP
 * traffic from https://…"; never the documentation links around them. */
char               *botbench_tunnel_parse_url_line   (BotbenchTunnelVia  via,
                                                      const char        *line);

#define BOTBENCH_TYPE_TUNNEL (botbench_tunnel_get_type ())
G_DECLARE_FINAL_TYPE (BotbenchTunnel, botbench_tunnel, BOTBENCH, TUNNEL, GObject)

BotbenchTunnel     *botbench_tunnel_new              (BotbenchTunnelVia   via,
                                                      guint               port,
                                                      const char         *ssh_host);
/* Runs the program; finishes with the public URL once it printed it, or
 * with an error (not installed, exited, no URL within the timeout: the
 * message quotes its last output lines).  Cancelling stops the program. */
void                botbench_tunnel_start_async      (BotbenchTunnel      *self,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
char               *botbench_tunnel_start_finish     (BotbenchTunnel      *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);
/* Terminates the program (SIGTERM, then SIGKILL after 2 s); no "died". */
void                botbench_tunnel_stop             (BotbenchTunnel      *self);
BotbenchTunnelState botbench_tunnel_get_state        (BotbenchTunnel      *self);
BotbenchTunnelVia   botbench_tunnel_get_via          (BotbenchTunnel      *self);
/* The public URL while RUNNING, else NULL. */
const char         *botbench_tunnel_get_url          (BotbenchTunnel      *self);
const GError       *botbench_tunnel_get_error        (BotbenchTunnel      *self);
/* The program's last output lines (at most 20), newline-separated. */
char               *botbench_tunnel_dup_output_tail  (BotbenchTunnel      *self);
/* Seconds start() waits for the URL (default BOTBENCH_TUNNEL_URL_TIMEOUT). */
void                botbench_tunnel_set_url_timeout  (BotbenchTunnel      *self,
                                                      guint               seconds);

/* Signals:
 *   "died" (GError *error)  the program exited after the URL was known:
 *       the URL no longer reaches the listener (state FAILED). */

G_END_DECLS
