#!/bin/sh
# with-empty-keyring.sh: run a test program under a private D-Bus session
# bus with its own gnome-keyring that has NO default collection yet, as on a
# first login before any keyring was made.  Storing to the default
# collection then asks gnome-keyring's prompter to make one; the bus has no
# display, so that prompt fails as if the user had dismissed it.  The
# program keeps the caller's DISPLAY (xvfb-run's).
# Usage: with-empty-keyring.sh PROGRAM [ARGS...]
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu

if [ -z "${BOTBENCH_PRIVATE_BUS:-}" ]; then
  if ! command -v dbus-run-session >/dev/null 2>&1 ||
     ! command -v gnome-keyring-daemon >/dev/null 2>&1 ||
     ! command -v gdbus >/dev/null 2>&1; then
    # The test program skips its keyring cases when this is unset.
    echo "# with-empty-keyring.sh: dbus-run-session, gnome-keyring-daemon or gdbus missing" >&2
    exec "$@"
  fi
  # The bus (and the prompter it would start) gets no display.
  BOTBENCH_PRIVATE_BUS=1 BOTBENCH_SAVED_DISPLAY="${DISPLAY:-}" \
    exec env -u DISPLAY -u WAYLAND_DISPLAY dbus-run-session -- "$0" "$@"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/botbench-keyring-XXXXXX")
keyring_pid=
cleanup () {
  if [ -n "$keyring_pid" ]; then kill "$keyring_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

mkdir -m 700 "$tmp/home" "$tmp/data" "$tmp/config" "$tmp/run"
export HOME="$tmp/home" XDG_DATA_HOME="$tmp/data" XDG_CONFIG_HOME="$tmp/config"
export XDG_RUNTIME_DIR="$tmp/run"
unset GNOME_KEYRING_CONTROL || true

# No --unlock: no login keyring is made, so the "default" alias stays unset.
gnome-keyring-daemon --daemonize --components=secrets </dev/null >/dev/null
gdbus wait --session --timeout 20 org.freedesktop.secrets
keyring_pid=$(gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
                --method org.freedesktop.DBus.GetConnectionUnixProcessID org.freedesktop.secrets |
              tr -dc '0-9')

if [ -n "${BOTBENCH_SAVED_DISPLAY:-}" ]; then
  export DISPLAY="$BOTBENCH_SAVED_DISPLAY"
fi
unset BOTBENCH_SAVED_DISPLAY

# The program checks the alias itself (ReadAlias "default" is "/").
export BOTBENCH_TEST_KEYRING=1 BOTBENCH_TEST_KEYRING_EMPTY=1
"$@"
