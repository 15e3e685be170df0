#!/usr/bin/python3
# botbench-a11y.py: the window's accessibility tree over AT-SPI
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Starts the real botbench (argv[1] or BOTBENCH_APP) on the a11y bus of a private D-Bus
# session with its own keyring (with-keyring.sh), under Xvfb, then for every
# page and every dialog it can reach walks the accessibility tree and fails
# on any shown object a user can focus or act on that has no name (GTK 4.8
# reports a widget's type name, "GtkToggleButton", when it has none),
# printing its role, path and nearest named ancestor.  It also checks the
# roles of the main controls, the status region that repeats toasts and new
# events, and the keyboard shortcuts (Alt+1…5, Ctrl+N, Ctrl+F, Ctrl+L,
# Escape in dialogs), typed with xdotool into the focused window.
# Navigation is by AT-SPI actions and keys only, never pointer coordinates.
# Traffic goes only to 127.0.0.1.  Output is TAP.  The tree walking and
# the app under test are in a11y_session.py.

import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# Stage 1: a private bus with an unlocked keyring; with-keyring.sh drops
# DISPLAY (its own tests need none), so it is passed along here.
# The TAP output keeps stdout; the bus and the services it starts (the
# registry prints a line) write to stderr.
if not os.environ.get('BOTBENCH_PRIVATE_BUS'):
    os.environ['BOTBENCH_A11Y_DISPLAY'] = os.environ.get('DISPLAY', '')
    tap = os.dup(1)
    os.set_inheritable(tap, True)
    os.dup2(2, 1)
    os.environ['BOTBENCH_A11Y_TAP_FD'] = str(tap)
    wrapper = os.path.join(HERE, '..', 'with-keyring.sh')
    os.execv(wrapper, [wrapper, sys.executable, os.path.abspath(__file__)] + sys.argv[1:])

if os.environ.get('BOTBENCH_A11Y_DISPLAY'):
    os.environ['DISPLAY'] = os.environ['BOTBENCH_A11Y_DISPLAY']
if os.environ.get('BOTBENCH_A11Y_TAP_FD'):
    sys.stdout = os.fdopen(int(os.environ.pop('BOTBENCH_A11Y_TAP_FD')), 'w', buffering=1)

try:
    import gi
    gi.require_version('Atspi', '2.0')
    import pyatspi
except (ImportError, ValueError) as e:
    print('1..0 # SKIP python3-pyatspi missing: %s' % e)
    sys.exit(0)

APP = sys.argv[1] if len(sys.argv) > 1 else os.environ.get('BOTBENCH_APP')

sys.dont_write_bytecode = True  # nothing written into the source tree
from a11y_session import *  # noqa: E402,F401,F403


# --- the checks -------------------------------------------------------------

PAGES = ['Events', 'Profiles', 'Bots', 'Chat', 'Requests']
FALLBACK_ACTIONS = {'Events': 'win.focus-search', 'Profiles': 'win.show-profiles',
                    'Bots': 'win.show-bots', 'Chat': 'win.show-chat'}


class Failure(Exception):
    pass


def sidebar(s):
    return find(s.window, pyatspi.ROLE_LIST, 'Pages')


def page_shown(s, title):
    """The sidebar selects the shown page's row."""
    rows = [c for c in sidebar(s) if c is not None]
    return states(rows[PAGES.index(title)]).contains(pyatspi.STATE_SELECTED)


def focused_in(s, pred):
    obj = s.focused()
    return obj if obj is not None and pred(obj) else None


class Run:
    def __init__(self, session):
        self.s = session
        self.n = 0
        self.failed = 0

    def result(self, name, problems, todo=None):
        self.n += 1
        if problems and todo:
            print('not ok %d - %s # TODO %s' % (self.n, name, todo), flush=True)
            for p in problems:
                log('  ' + p)
        elif problems:
            self.failed += 1
            print('not ok %d - %s' % (self.n, name), flush=True)
            for p in problems:
                log('  ' + p)
        else:
            print('ok %d - %s' % (self.n, name), flush=True)

    def check(self, name, fn):
        try:
            problems = fn() or []
        except (Failure, TimeoutError, LookupError) as e:
            problems = [str(e)]
        self.result(name, problems)

    seen = set()

    def unnamed(self, root):
        """The unnamed objects not reported yet."""
        found = [p for p in unnamed_interactive(root) if p not in self.seen]
        self.seen.update(found)
        return found

    def names(self, where, root):
        self.result('every focusable or clickable object has a name: ' + where, self.unnamed(root))

    # Alt+N switches to page N; on failure the window's own action is used
    # so that the page is still checked.
    def go(self, index, title):
        s = self.s
        s.focus_window()
        s.key('alt+%d' % (index + 1))
        try:
            wait_until(lambda: page_shown(s, title), 'the %s page after Alt+%d' % (title, index + 1), 5)
            return []
        except TimeoutError as e:
            if title in FALLBACK_ACTIONS:
                do_action(s.window, FALLBACK_ACTIONS[title])
                wait_until(lambda: page_shown(s, title), 'the %s page' % title)
            return [str(e)]

    def dialog(self, name, open_fn, inside=None, toolkit=False):
        """Opens a dialog, checks its names, closes it with Escape."""
        s = self.s
        before = {f.path for f in s.frames()}
        problems = []
        try:
            open_fn()
            dlg = wait_until(lambda: next((f for f in s.frames() if f.path not in before), None),
                             'the %s dialog' % name)
        except (TimeoutError, LookupError, subprocess.CalledProcessError) as e:
            self.result('dialog %s opens' % name, [str(e)])
            return
        wait_until(lambda: find(dlg, pred=lambda o: states(o).contains(pyatspi.STATE_FOCUSABLE)),
                   'something focusable in %s' % name)
        if inside is not None:
            try:
                problems += inside(dlg) or []
            except (Failure, TimeoutError, LookupError) as e:
                problems.append(str(e))
        # GTK's and libadwaita's own windows (About, Keyboard Shortcuts):
        # their nameless parts are listed, as a TODO for the toolkit.
        self.result('every focusable or clickable object has a name: dialog ' + name,
                    self.unnamed(dlg) + problems,
                    todo='inside %s, a GTK 4.8 / libadwaita 1.2 window' % name if toolkit else None)
        count = len(s.frames())
        s.focus_window(newest=True)
        s.key('Escape')
        try:
            wait_until(lambda: len(s.frames()) < count, 'Escape to close %s' % name, 5)
            self.result('Escape closes ' + name, [])
        except TimeoutError as e:
            self.result('Escape closes ' + name, [str(e)])
            try:
                do_action(dlg, 'window.close')
            except Exception:
                pass
            wait_until(lambda: len(s.frames()) < count, 'closing %s' % name)


def roles_main(s):
    problems = []
    sidebar = find(s.window, pyatspi.ROLE_LIST, 'Pages')
    if sidebar is None:
        return ['no list named "Pages" (the page sidebar)']
    items = [real_name(c) for c in sidebar if c is not None]
    roles = {c.getRole() for c in sidebar if c is not None}
    if items != PAGES:
        problems.append('sidebar items are named %r, not %r' % (items, PAGES))
    if not roles <= {pyatspi.ROLE_LIST_ITEM, pyatspi.ROLE_PUSH_BUTTON, pyatspi.ROLE_TOGGLE_BUTTON}:
        problems.append('sidebar items are %s' % sorted(c.getRoleName() for c in sidebar if c is not None))
    search = find_any(s.window, pyatspi.ROLE_ENTRY, 'Search events') or find_any(s.window, pyatspi.ROLE_TEXT,
                                                                                 'Search events')
    if search is None:
        problems.append('no entry (or text) named "Search events"')
    events = find_any(s.window, pyatspi.ROLE_LIST, 'Events') or find_any(s.window, pyatspi.ROLE_TABLE, 'Events')
    if events is None:
        problems.append('no list (or table) named "Events"')
    elif not [c for c in events if c is not None and c.getRole() in (pyatspi.ROLE_LIST_ITEM, pyatspi.ROLE_TABLE_ROW)]:
        problems.append('the "Events" list has no rows')
    return problems


EVENTS = [
    'event=ONIMBOTMESSAGEADD&data[PARAMS][MESSAGE]=Hello&data[PARAMS][DIALOG_ID]=1'
    '&data[BOT][42][BOT_ID]=42&ts=1700000000',
    'event=ONIMBOTJOINCHAT&data[PARAMS][DIALOG_ID]=chat7&data[BOT][42][BOT_ID]=42&ts=1700000001',
    'event=ONIMCOMMANDADD&data[COMMAND][1][COMMAND]=help&data[PARAMS][MESSAGE]=/help&ts=1700000002',
]


def install_event():
    path = os.path.join(os.environ.get('BOTBENCH_FIXTURES_DIR', os.path.join(HERE, '..', 'fixtures')),
                        'events', 'ONAPPINSTALL.form')
    with open(path) as f:
        return f.read().strip()


def event_rows(s):
    lst = find(s.window, pyatspi.ROLE_LIST, 'Events')
    return [c for c in lst if c is not None] if lst is not None else []


def find_any(root, role, name=None):
    """Like find(), in the whole tree: hidden objects too."""
    if root.getRole() == role and (name is None or real_name(root) == name):
        return root
    for child in root:
        if child is not None:
            found = find_any(child, role, name)
            if found is not None:
                return found
    return None


def alert_text(s):
    alert = find_any(s.window, pyatspi.ROLE_ALERT)
    return real_name(alert) if alert is not None else None


def check_pages(run, s):
    for i, title in enumerate(PAGES):
        run.result('Alt+%d shows the %s page' % (i + 1, title), run.go(i, title))
        if title == 'Events':
            run.check('the event list rows are named',
                      lambda: ['row %d has no name' % k for k, r in enumerate(event_rows(s))
                               if not real_name(r)])
        if title == 'Profiles':
            # the profile editor, through the header's Add Profile button
            add = find(s.window, pyatspi.ROLE_PUSH_BUTTON, 'Add profile')
            if add is not None:
                do_action(add, 'click')
                wait_until(lambda: find(s.window, pyatspi.ROLE_TEXT, 'Name'), 'the profile editor')
        if title == 'Bots':
            s.focus_window()
            s.key('ctrl+n')
            try:
                wait_until(lambda: find(s.window, pyatspi.ROLE_PUSH_BUTTON,
                                        pred=lambda o: real_name(o).replace('_', '').startswith('Register')),
                           'the bot editor after Ctrl+N', 5)
                run.result('Ctrl+N opens a new bot in the editor', [])
            except TimeoutError as e:
                run.result('Ctrl+N opens a new bot in the editor', [str(e)])
                do_action(s.window, 'win.new-bot')
                wait_until(lambda: find(s.window, pyatspi.ROLE_PUSH_BUTTON,
                                        pred=lambda o: 'Register' in real_name(o)), 'the bot editor')
            register = find(s.window, pyatspi.ROLE_PUSH_BUTTON,
                            pred=lambda o: 'Register' in real_name(o))
            # GTK 4.8 names a mnemonic button "_Register… Register…"
            run.result('the Register button is a push button named "Register…"',
                       [] if register is not None and real_name(register).replace('_', '').startswith('Register…')
                       else ['Register button: %s' % (describe(register) if register else 'not found')])
        run.names('page ' + title, s.window)


def focus_event_list(s):
    """Ctrl+F, then Tab until a row of the event list has the focus."""
    s.focus_window()
    s.key('ctrl+f')
    wait_until(lambda: focused_in(s, lambda o: real_name(o) == 'Search events'), 'the search entry')
    for _ in range(12):
        if focused_in(s, lambda o: o.getRole() == pyatspi.ROLE_LIST_ITEM):
            return True
        s.key('Tab')
        try:
            wait_until(lambda: s.focused() is not None, 'the focus', 2)
        except TimeoutError:
            pass
    return focused_in(s, lambda o: o.getRole() == pyatspi.ROLE_LIST_ITEM) is not None


def replay_button(s):
    return find(s.window, pyatspi.ROLE_PUSH_BUTTON, pred=lambda o: real_name(o).startswith('Replay'))


def check_event_detail(run, s):
    """The newest event (ONAPPINSTALL) opened by keyboard, its detail and dialogs."""
    if not focus_event_list(s):
        run.result('Tab from the search entry reaches the event list',
                   ['focus on %s' % (describe(s.focused()) if s.focused() else 'nothing')])
        return
    s.key('Home')
    s.key('Return')
    try:
        wait_until(lambda: replay_button(s), 'the event detail (its Replay… button)', 10)
        run.result('the keyboard opens an event in the detail pane', [])
    except TimeoutError as e:
        run.result('the keyboard opens an event in the detail pane', [str(e)])
        return
    run.names('page Events, event detail', s.window)

    # Ctrl+Shift+C copies it as curl, and says so
    before = alert_text(s)
    s.key('ctrl+shift+c')
    try:
        wait_until(lambda: alert_text(s) == 'Copied' and alert_text(s) != before,
                   'the "Copied" toast in the alert', 5)
        run.result('Ctrl+Shift+C copies the event as curl (%r)' % alert_text(s), [])
    except TimeoutError as e:
        run.result('Ctrl+Shift+C copies the event as curl', ['%s (it says %r)' % (e, alert_text(s))])

    run.dialog('Replay', lambda: do_action(replay_button(s), 'click'))
    run.dialog('Replay (Ctrl+R)', lambda: (s.focus_window(), s.key('ctrl+r')))
    create = find(s.window, pyatspi.ROLE_PUSH_BUTTON, pred=lambda o: 'Create Profile' in real_name(o))
    page = find(s.window, pyatspi.ROLE_FILLER, pred=lambda o: 'events.create-profile' in action_names(o))
    run.dialog('Create Profile', lambda: do_action(create, 'click') if create is not None
               else do_action(page, 'events.create-profile'))


def check_shortcuts(run, s):
    # Ctrl+F from another page: the Events page, focus in the search entry
    s.focus_window()
    s.key('alt+4')
    wait_until(lambda: page_shown(s, 'Chat'), 'the Chat page')
    s.key('ctrl+f')
    try:
        wait_until(lambda: page_shown(s, 'Events') and
                   focused_in(s, lambda o: o.getRole() in (pyatspi.ROLE_ENTRY, pyatspi.ROLE_TEXT)
                              and real_name(o) == 'Search events'),
                   'Ctrl+F to focus "Search events" on the Events page', 5)
        run.result('Ctrl+F from the Chat page focuses the event search', [])
    except TimeoutError as e:
        run.result('Ctrl+F from the Chat page focuses the event search', [str(e)])


def check_alerts(run, s):
    # a toast: Copy listener URL
    s.key('alt+1')
    wait_until(lambda: page_shown(s, 'Events'), 'the Events page')
    copy = find(s.window, pyatspi.ROLE_PUSH_BUTTON, 'Copy listener URL')
    before = alert_text(s)
    do_action(copy, 'click')
    try:
        wait_until(lambda: alert_text(s) not in (None, before, ''), 'the alert to repeat the toast', 5)
        run.result('a toast is repeated in the alert region (%r)' % alert_text(s), [])
    except TimeoutError as e:
        run.result('a toast is repeated in the alert region', [str(e)])

    # new events while the list has the focus
    problems = []
    if not focus_event_list(s):
        problems.append('Tab from the search entry never reaches the event list (focus on %s)'
                        % (describe(s.focused()) if s.focused() else 'nothing'))
    else:
        s.post_event(EVENTS[0])
        s.post_event(EVENTS[1])
        try:
            wait_until(lambda: alert_text(s) == '2 new events', 'the alert "2 new events"', 10)
        except TimeoutError as e:
            problems.append('%s (it says %r)' % (e, alert_text(s)))
    run.result('new events while the list has the focus are announced', problems)


def check_dialogs(run, s, registered):
    s.key('alt+1')
    wait_until(lambda: page_shown(s, 'Events'), 'the Events page')

    def keys(*k):
        def open_():
            s.focus_window()
            s.key(*k)
        return open_

    def click(name, role=pyatspi.ROLE_PUSH_BUTTON):
        return lambda: do_action(find(s.window, role, name), 'click')

    def action_on(role, name, action):
        return lambda: do_action(find(s.window, role, name), action)

    run.dialog('Preferences', keys('ctrl+comma'))
    run.dialog('Preferences, Forwarding', lambda: s.app_action('forwarding-preferences'))
    run.dialog('Keyboard Shortcuts', keys('ctrl+question'), toolkit=True)
    run.dialog('About', lambda: s.app_action('about'), toolkit=True)
    page = find(s.window, pyatspi.ROLE_FILLER, pred=lambda o: 'events.simulate' in action_names(o))
    run.dialog('Simulate Event', lambda: do_action(page, 'events.simulate'))
    run.dialog('Replay Shown Events', lambda: do_action(page, 'events.replay-shown'))

    def menu_item(button, item):
        def open_():
            do_action(find(s.window, pyatspi.ROLE_PUSH_BUTTON, button,
                           pred=lambda o: 'click' in action_names(o)), 'click')
            entry = wait_until(lambda: find_any(s.window, pyatspi.ROLE_MENU_ITEM, item)
                               or next((find_any(f, pyatspi.ROLE_MENU_ITEM, item) for f in s.frames()
                                        if find_any(f, pyatspi.ROLE_MENU_ITEM, item)), None),
                               'the menu item ' + item)
            do_action(entry, action_names(entry)[0])
        return open_

    run.dialog('Why No Events?', menu_item('Events menu', 'Why No Events?…'))

    s.key('alt+4')
    wait_until(lambda: page_shown(s, 'Chat'), 'the Chat page')
    chat = find(s.window, pyatspi.ROLE_FILLER, pred=lambda o: 'chat.new-group' in action_names(o))
    run.dialog('New Group Chat', lambda: do_action(chat, 'chat.new-group'))

    # commands are added to a registered bot: the keyboard walk's
    try:
        editor = wait_until(lambda: find(s.window, pred=lambda o: 'bot-editor.add-command' in action_names(o)),
                            'the registered bot in the editor', 5)
        run.dialog('Command', lambda: do_action(editor, 'bot-editor.add-command'))
    except TimeoutError as e:
        run.result('the Command dialog of a registered bot',
                   [str(e)] + sorted({a for o, _ in walk(s.window) for a in action_names(o)
                                      if a.startswith('bot')}),
                   todo=None if registered else 'no bot registered by the keyboard walk')


def tab_to(s, pred, what, limit=25):
    """Tab until the focused object satisfies pred."""
    for _ in range(limit):
        obj = focused_in(s, pred)
        if obj is not None:
            return obj
        s.key('Tab')
        try:
            wait_until(lambda: s.focused() is not None, 'the focus', 2)
        except TimeoutError:
            pass
    raise Failure('Tab never reaches %s (focus on %s)'
                  % (what, describe(s.focused()) if s.focused() else 'nothing'))


def text_of(obj):
    try:
        t = obj.queryText()
        return t.getText(0, t.characterCount)
    except NotImplementedError:
        return None


def focused_field(s, root=None):
    """The focused object; in an AdwEntryRow (libadwaita 1.2 does not
    report its focus) a probe letter typed and erased finds the row."""
    root = root or s.window
    obj = s.focused(root)
    if obj is not None:
        return obj
    before = {id(o): text_of(o) for o in find_all(root, pyatspi.ROLE_TEXT)}
    s.type('Q')
    try:
        field = wait_until(lambda: next((o for o in find_all(root, pyatspi.ROLE_TEXT)
                                         if (text_of(o) or '').endswith('Q')
                                         and text_of(o) != before.get(id(o))), None),
                           'the field the keys go to', 3)
    except TimeoutError:
        return None
    s.key('BackSpace')
    return field


def tab_to_field(s, name, root=None, press=(), limit=70):
    """Tab to the field called name; Space on the buttons called press."""
    seen = []
    for _ in range(limit):
        s.key('Tab')
        field = focused_field(s, root)
        seen.append(describe(field) if field is not None else 'nothing')
        if field is not None and real_name(field) == name:
            return field
        if field is not None and field.getRole() == pyatspi.ROLE_PUSH_BUTTON and real_name(field) in press:
            s.key('space')
    raise Failure('Tab never reaches the %s field; it goes to %s' % (name, ', '.join(seen)))


BOT_CODE = 'a11y_walk_bot'
BOT_NAME = 'Walk Bot'


def walk_register(run, s):
    """Ctrl+N, type the bot, Ctrl+Return until it is registered."""
    s.focus_window()
    s.key('ctrl+n')
    wait_until(lambda: find(s.window, pyatspi.ROLE_TEXT, pred=lambda o: real_name(o).startswith('Code')),
               'the Code field after Ctrl+N')
    editor = find(s.window, pred=lambda o: 'bot-editor.close' in action_names(o))
    field = focused_field(s, editor)
    if field is None or not real_name(field).startswith('Code'):
        raise Failure('Ctrl+N leaves the focus on %s, not the Code field' % (describe(field) if field else 'nothing'))
    s.type(BOT_CODE)
    # "Fill In" puts the listener's URL in the handlers, on the way
    tab_to_field(s, 'Name', editor, press=('Fill In',))
    s.type(BOT_NAME)
    url = 'http://127.0.0.1:%d/' % s.listener_port
    filled = set()
    for _ in range(8):
        s.key('ctrl+Return')
        # a request preview to confirm, or the focus on the first field to fix
        try:
            got = wait_until(lambda: next((f for f in s.frames() if f.name != 'Botbench'), None),
                             'a request preview after Ctrl+Return', 3)
        except TimeoutError:
            got = focused_field(s, editor)
            if got is None or real_name(got) in filled:
                raise Failure('Ctrl+Return neither registers nor moves the focus to a field to fix '
                              '(focus on %s)' % (describe(got) if got else 'nothing'))
        if got.getRole() in (pyatspi.ROLE_DIALOG, pyatspi.ROLE_FRAME, pyatspi.ROLE_ALERT):
            run.result('every focusable or clickable object has a name: dialog %s' % got.name,
                       run.unnamed(got))
            s.focus_window(newest=True)
            s.key('Return')  # its default response: Send
            wait_until(lambda: len(s.frames()) == 1, 'the preview to close')
            wait_until(lambda: find(s.window, pyatspi.ROLE_PUSH_BUTTON,
                                    pred=lambda o: real_name(o).replace('_', '').startswith('Update')),
                       'the editor to show "Update…" once registered')
            return
        name = real_name(got)
        filled.add(name)
        log('Ctrl+Return: the focus on %r, filled in' % name)
        s.type(url if ('URL' in name or 'HANDLER' in name or 'EVENT' in name) else 'x')
    raise Failure('Ctrl+Return never registers the bot')


def editor_messages(s):
    """The sentences the bot editor shows (its groups' error and warning lines)."""
    editor = find(s.window, pred=lambda o: 'bot-editor.close' in action_names(o))
    if editor is None:
        return []
    return ['editor says: ' + real_name(o) for o in find_all(editor, pyatspi.ROLE_LABEL)
            if len(real_name(o)) > 30]


def walk_chat(run, s):
    """The bot's conversation in Chat, a message typed and sent."""
    s.key('alt+4')
    wait_until(lambda: page_shown(s, 'Chat'), 'the Chat page')
    tab_to(s, lambda o: o.getRole() == pyatspi.ROLE_LIST_ITEM and BOT_NAME in real_name(o),
           'the bot in the chat lists', 40)
    s.key('Return')
    s.key('ctrl+l')
    wait_until(lambda: focused_in(s, lambda o: o.getRole() in (pyatspi.ROLE_TEXT, pyatspi.ROLE_ENTRY)
                                  and states(o).contains(pyatspi.STATE_EDITABLE)),
               'the focus in the message entry after Ctrl+L')
    s.type('hello from the keyboard')
    s.key('Return')
    run.names('page Chat, a conversation', s.window)


def walk_event(run, s):
    """The event the message caused, opened and copied as curl."""
    before = len(event_rows(s))
    s.key('alt+1')
    wait_until(lambda: page_shown(s, 'Events'), 'the Events page')
    wait_until(lambda: any('ONIMBOTMESSAGEADD' in real_name(r) and 'hello from the keyboard' in real_name(r)
                           for r in event_rows(s)),
               'the ONIMBOTMESSAGEADD of the message in the event list')
    if not focus_event_list(s):
        raise Failure('Tab from the search entry never reaches the event list')
    s.key('Home')
    s.key('Return')
    wait_until(lambda: replay_button(s), 'the event detail')
    prior = alert_text(s)
    s.key('ctrl+shift+c')
    wait_until(lambda: alert_text(s) == 'Copied', 'the "Copied" toast (it says %r before)' % prior)


def check_keyboard_walk(run, s):
    """Register a bot, chat with it, open its event, copy it as curl: keys only."""
    # Ctrl+Return on a form with errors moves the focus to the first field
    # to fix (the walk types the listener's URL there) until Register…
    # opens the request preview.  A step that fails is reported and ends
    # the walk.
    for name, step in (('register a bot with the keyboard', walk_register),
                       ('chat with the bot with the keyboard', walk_chat),
                       ('open its event and copy it as curl with the keyboard', walk_event)):
        try:
            step(run, s)
            run.result(name, [])
        except (Failure, TimeoutError, LookupError) as e:
            run.result(name, [str(e)] + (editor_messages(s) if step is walk_register else []))
            return False
    return True


def main():
    if not APP or not os.access(APP, os.X_OK):
        print('1..0 # SKIP BOTBENCH_APP is not set')
        return 0
    for tool in ('xdotool', 'gdbus'):
        if subprocess.run(['sh', '-c', 'command -v ' + tool], capture_output=True).returncode != 0:
            print('1..0 # SKIP %s missing' % tool)
            return 0
    s = Session(APP)
    run = Run(s)
    try:
        for body in EVENTS:
            assert s.post_event(body) == 200
        assert s.post_event(install_event()) == 200
        wait_until(lambda: len(event_rows(s)) >= len(EVENTS) + 1, 'the posted events in the list')
        # the sandbox portal and its profile, active: bots and chat work
        do_action(s.window, 'win.try-sandbox')
        wait_until(lambda: find(s.window, pyatspi.ROLE_PUSH_BUTTON, 'Active profile',
                                pred=lambda o: find_any(o, pyatspi.ROLE_LABEL, 'Sandbox')),
                   'the sandbox profile to be active')
        run.check('the main controls have their roles', lambda: roles_main(s))
        check_pages(run, s)
        check_shortcuts(run, s)
        check_event_detail(run, s)
        registered = check_keyboard_walk(run, s)
        check_alerts(run, s)
        check_dialogs(run, s, registered)
    finally:
        s.close()
    print('1..%d' % run.n)
    return 1 if run.failed else 0


if __name__ == '__main__':
    sys.exit(main())
