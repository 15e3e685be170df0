#!/bin/sh
# fake-tunnel.sh: stands in for ssh, cloudflared and ngrok in the tunnel tests
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Linked as the program's name; prints what the real tool prints around its
# public URL (documentation links included, which must not be taken for it).
# FAKE_TUNNEL_MODE: url (print the URL, run until killed), fail (an error,
# exit 3), die (the URL, then exit 1 a moment later), silent (print nothing).
# FAKE_TUNNEL_ARGS: a file that gets the pid and the arguments.
tool=$(basename "$0")
mode=${FAKE_TUNNEL_MODE:-url}
if [ -n "$FAKE_TUNNEL_ARGS" ]; then
  printf '%s\n' "$$" "$@" > "$FAKE_TUNNEL_ARGS.tmp" && mv "$FAKE_TUNNEL_ARGS.tmp" "$FAKE_TUNNEL_ARGS"
fi

if [ "$mode" = fail ]; then
  case $tool in
    ssh) echo "ssh: connect to host vps.example.org port 22: Connection refused" >&2 ;;
    cloudflared) echo "2026-12-03T12:00:00Z ERR Failed to create new quick Tunnel error=\"Post \\\"https://api.trycloudflare.com/tunnel\\\": dial tcp: lookup api.trycloudflare.com: no such host\"" >&2 ;;
    ngrok) echo "ERROR:  authentication failed: Usage of ngrok requires a verified account and authtoken." >&2 ;;
  esac
  exit 3
fi

if [ "$mode" = silent ]; then
  exec sleep 600
fi

case $tool in
  ssh)
    echo "===============================================================================" 
    echo "Welcome to localhost.run!"
    echo "To explore using localhost.run visit the documentation site:"
    echo "https://localhost.run/docs/"
    echo "** your connection id is 5f0e, please mention it if you send me a message about an issue. **"
    echo "c0ffee1234abcd.lhr.life tunneled with tls termination, https://c0ffee1234abcd.lhr.life"
    ;;
  cloudflared)
    {
      echo "2026-12-03T12:00:00Z INF Thank you for trying Cloudflare Tunnel. Doing so, without a Cloudflare account, is a quick way to experiment and try it out. However, be aware that these account-less Tunnels have no uptime guarantee. If you intend to use Tunnels in production you should use a pre-created named tunnel by following: https://developers.cloudflare.com/cloudflare-one/connections/connect-apps"
      echo "2026-12-03T12:00:00Z INF Requesting new quick Tunnel on trycloudflare.com..."
      echo "2026-12-03T12:00:01Z INF +--------------------------------------------------------------------------------------------+"
      echo "2026-12-03T12:00:01Z INF |  Your quick Tunnel has been created! Visit it at (it may take some time to be reachable):  |"
      echo "2026-12-03T12:00:01Z INF |  https://plain-fake-words-here.trycloudflare.com                                           |"
      echo "2026-12-03T12:00:01Z INF +--------------------------------------------------------------------------------------------+"
    } >&2
    ;;
  ngrok)
    echo 't=2026-12-03T12:00:00+0000 lvl=info msg="no configuration paths supplied"'
    echo 't=2026-12-03T12:00:00+0000 lvl=info msg="starting web service" obj=web addr=127.0.0.1:4040'
    echo 't=2026-12-03T12:00:01+0000 lvl=info msg="started tunnel" obj=tunnels name=command_line addr=http://127.0.0.1:8024 url=https://1a2b-203-0-113-7.ngrok-free.app'
    ;;
esac

if [ "$mode" = die ]; then
  sleep 1
  echo "Connection to the tunnel service lost" >&2
  exit 1
fi
exec sleep 600
