# a11y_session.py: the AT-SPI tree and the botbench under test, for
# botbench-a11y.py
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Walking the shown tree (GTK 4.8 sets no "showing" state: what has no size
# was never shown), names as a screen reader gets them, and the Session:
# the app started with fresh XDG directories and free 127.0.0.1 ports, keys
# typed with xdotool, app.* actions over org.gtk.Actions, events posted to
# its listener.

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import pyatspi

TIMEOUT = 20.0
ACTIVATING = ('click', 'press', 'activate', 'toggle', 'jump')
# GTK 4.8 names an object without a name after its type
TYPE_NAME = re.compile(r'^(Gtk|Adw|Botbench)[A-Za-z0-9]+$')
# Scroll bars are not walked.  Scroll panes are not checked: GTK makes
# every GtkScrolledWindow focusable, but focus goes to what it holds.
SKIP_ROLES = {pyatspi.ROLE_SCROLL_BAR}
CONTAINER_ROLES = {pyatspi.ROLE_SCROLL_PANE}
# The parts of a button or drop-down are not focused on their own: the
# control is (a GtkDropDown's button, a GtkMenuButton's inner button are).
CONTROL_ROLES = {pyatspi.ROLE_PUSH_BUTTON, pyatspi.ROLE_TOGGLE_BUTTON, pyatspi.ROLE_CHECK_BOX,
                 pyatspi.ROLE_RADIO_BUTTON}


def log(msg):
    for line in str(msg).splitlines():
        print('# ' + line, flush=True)


def wait_until(cond, what, timeout=TIMEOUT):
    """Polls cond() until it returns something true; fails after timeout."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = cond()
        except Exception:  # objects come and go while the tree changes
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError('timed out waiting for ' + what)
        time.sleep(0.05)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


# --- the accessibility tree -------------------------------------------------

def states(obj):
    return obj.getState()


def extents(obj):
    try:
        e = obj.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
        return (e.x, e.y, e.width, e.height)
    except NotImplementedError:
        return None


def action_names(obj):
    try:
        action = obj.queryAction()
    except NotImplementedError:
        return []
    names = []
    for i in range(action.nActions):
        try:
            names.append(action.getName(i))
        except Exception:
            pass
    return names


def do_action(obj, name):
    action = obj.queryAction()
    for i in range(action.nActions):
        if action.getName(i) == name:
            return action.doAction(i)
    raise LookupError('%s has no action %s (it has %s)' % (describe(obj), name, action_names(obj)))


def real_name(obj):
    name = obj.name or ''
    return '' if TYPE_NAME.match(name) else name


def describe(obj):
    return '%s %r' % (obj.getRoleName(), obj.name)


def shown_children(obj):
    for index, child in enumerate(obj):
        if child is None or child.getRole() in SKIP_ROLES:
            continue
        # What was never shown has no size: hidden revealers, stack pages
        # not visited yet.  (GTK 4.8 sets no "showing" state, and a stack
        # page shown once keeps its size when hidden again.)
        ext = extents(child)
        if ext is not None and (ext[2] <= 0 or ext[3] <= 0):
            continue
        yield index, child


def walk(root, path=()):
    """Yields (object, path of (role, name, index) triples) for the shown tree."""
    here = path or ((root.getRoleName(), real_name(root), 0),)
    yield root, here
    for index, child in shown_children(root):
        yield from walk(child, here + ((child.getRoleName(), real_name(child), index),))


def path_text(path):
    return ' > '.join('%s%s[%d]' % (r, '(%s)' % n if n else '', i) for r, n, i in path)


def unnamed_interactive(root):
    """Shown objects a user can focus or activate that have no name."""
    found = []
    inside_control = set()
    for obj, path in walk(root):
        if path[:-1] and any(path[:k] in inside_control for k in range(1, len(path))):
            continue
        role = obj.getRole()
        if role in CONTROL_ROLES or role == pyatspi.ROLE_COMBO_BOX:
            inside_control.add(path)
        if role in CONTAINER_ROLES:
            continue
        st = states(obj)
        acts = [a for a in action_names(obj) if a in ACTIVATING]
        if not (st.contains(pyatspi.STATE_FOCUSABLE) or acts):
            continue
        if real_name(obj):
            continue
        named = [n for _, n, _ in path[:-1] if n]
        found.append('%s (%r) at %s; nearest named ancestor: %s'
                     % (obj.getRoleName(), obj.name, path_text(path), named[-1] if named else 'none'))
    return found


def find(root, role=None, name=None, pred=None):
    for obj, _ in walk(root):
        if role is not None and obj.getRole() != role:
            continue
        if name is not None and real_name(obj) != name:
            continue
        if pred is not None and not pred(obj):
            continue
        return obj
    return None


def find_all(root, role=None, pred=None):
    return [obj for obj, _ in walk(root)
            if (role is None or obj.getRole() == role) and (pred is None or pred(obj))]


# --- the application --------------------------------------------------------

class Session:
    def __init__(self, app):
        self.tmp = tempfile.mkdtemp(prefix='botbench-a11y-')
        self.listener_port = free_port()
        self.sandbox_port = free_port()
        env = dict(os.environ)
        for k in ('NO_AT_BRIDGE', 'GTK_A11Y', 'BOTBENCH_PRIVATE_BUS'):
            env.pop(k, None)
        for d in ('home', 'config', 'data', 'cache'):
            os.mkdir(os.path.join(self.tmp, d))
        env.update(HOME=os.path.join(self.tmp, 'home'),
                   XDG_CONFIG_HOME=os.path.join(self.tmp, 'config'),
                   XDG_DATA_HOME=os.path.join(self.tmp, 'data'),
                   XDG_CACHE_HOME=os.path.join(self.tmp, 'cache'),
                   BOTBENCH_LISTENER_PORT=str(self.listener_port),
                   BOTBENCH_SANDBOX_PORT=str(self.sandbox_port),
                   GTK_A11Y='atspi', LC_ALL='C.UTF-8', LANGUAGE='C')
        self.env = env
        # The registry (and the a11y bus) is up before GTK looks for it.
        self.desktop = pyatspi.Registry.getDesktop(0)
        self.proc = subprocess.Popen([app], env=env, stdout=sys.stderr, stderr=sys.stderr)
        self.app = wait_until(self._find_app, 'botbench on the AT-SPI registry')
        self.window = wait_until(lambda: self.frame('Botbench'), 'the main window')
        wait_until(lambda: self.xwindows(), 'the X window')
        self.focus_window()

    def _find_app(self):
        for a in self.desktop:
            if a is not None and a.get_process_id() == self.proc.pid:
                return a
        return None

    def frames(self):
        return [f for f in self.app if f is not None]

    def frame(self, name=None, pred=None):
        for f in self.frames():
            if (name is None or f.name == name) and (pred is None or pred(f)):
                return f
        return None

    def xwindows(self):
        r = subprocess.run(['xdotool', 'search', '--onlyvisible', '--pid', str(self.proc.pid)],
                           capture_output=True, text=True, env=self.env)
        return [int(w) for w in r.stdout.split()]

    def focus_window(self, newest=False):
        wins = wait_until(self.xwindows, 'a shown X window')
        # xdotool lists the windows of the pid in creation order
        win = wins[-1] if newest else wins[0]
        subprocess.run(['xdotool', 'windowfocus', '--sync', str(win)], env=self.env, check=False,
                       timeout=TIMEOUT)

    def key(self, *keys):
        subprocess.run(['xdotool', 'key', '--clearmodifiers'] + list(keys), env=self.env, check=True,
                       timeout=TIMEOUT)

    def type(self, text):
        subprocess.run(['xdotool', 'type', '--delay', '5', text], env=self.env, check=True,
                       timeout=TIMEOUT)

    def app_action(self, name):
        subprocess.run(['gdbus', 'call', '--session', '--dest', 'io.github.botbench.Botbench',
                        '--object-path', '/io/github/botbench/Botbench',
                        '--method', 'org.gtk.Actions.Activate', name, '[]', '{}'],
                       env=self.env, check=True, capture_output=True, timeout=TIMEOUT)

    def post_event(self, body):
        req = urllib.request.Request('http://127.0.0.1:%d/' % self.listener_port, data=body.encode(),
                                     headers={'Content-Type': 'application/x-www-form-urlencoded'})
        with urllib.request.urlopen(req, timeout=TIMEOUT) as r:
            return r.status

    def focused(self, root=None):
        for obj, _ in walk(root or self.window):
            if states(obj).contains(pyatspi.STATE_FOCUSED):
                return obj
        return None

    def close(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
