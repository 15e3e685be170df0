#!/bin/sh
# with-keyring.sh: run a test program under a private D-Bus session bus with
# its own unlocked gnome-keyring, so keyring tests never touch the user's
# keyring.  Usage: with-keyring.sh PROGRAM [ARGS...]
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu

if [ -z "${BOTBENCH_PRIVATE_BUS:-}" ]; then
  if ! command -v dbus-run-session >/dev/null 2>&1 ||
     ! command -v gnome-keyring-daemon >/dev/null 2>&1; then
    # The test program skips its keyring cases when this is unset.
    echo "# with-keyring.sh: dbus-run-session or gnome-keyring-daemon missing" >&2
    exec "$@"
  fi
  BOTBENCH_PRIVATE_BUS=1 exec dbus-run-session -- "$0" "$@"
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
unset DISPLAY WAYLAND_DISPLAY GNOME_KEYRING_CONTROL || true

# Prints GNOME_KEYRING_CONTROL=… once the daemon is up and the login
# keyring (created with this password) is unlocked.
eval "$(printf '%s' 'botbench-test-password' |
        gnome-keyring-daemon --daemonize --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL
keyring_pid=${GNOME_KEYRING_PID:-}

export BOTBENCH_TEST_KEYRING=1
"$@"
