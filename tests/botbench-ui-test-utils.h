/* botbench-ui-test-utils.h: the harness of the window tests that run the
 * whole application (test-window, test-profiles-ui, test-bots-ui)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <gtk/gtk.h>

#include "botbench-application.h"
#include "botbench-events-page.h"
#include "botbench-window.h"

G_BEGIN_DECLS

#define BOTBENCH_UI_TEST_WAIT_MS 15000

typedef struct _BotbenchUiFixture BotbenchUiFixture;
typedef void (*BotbenchUiTestBody) (BotbenchUiFixture *f);

struct _BotbenchUiFixture
{
  BotbenchApplication *app;
  BotbenchWindow      *window;
  BotbenchUiTestBody   body;
  gboolean             body_ran;
};

/* Call first: a fresh temporary root for XDG dirs and the db, the memory
 * GSettings backend, no a11y bus, and (unless BOTBENCH_TEST_KEYRING=1, see
 * tests/with-keyring.sh) a session bus address that leads nowhere, so
 * secrets take the session-only path; then gtk_test_init().  Returns the
 * root (owned by the harness); *have_keyring tells which path it is. */
const char *botbench_ui_test_init            (int               *argc,
                                              char            ***argv,
                                              gboolean          *have_keyring);
/* g_test_add() of a body run inside the application. */
void     botbench_ui_test_add                (const char        *path,
                                              BotbenchUiTestBody body);
/* g_test_run(), then removes the temporary root. */
int      botbench_ui_test_run                (void);
/* Default settings, a window wide enough for sidebar and editor
 * (BOTBENCH_TEST_WINDOW_WIDTH overrides the width). */
void     botbench_ui_test_reset_settings     (void);
/* g_test_add() setup/teardown: free ports, a fresh db; clean up after. */
void     botbench_ui_test_fixture_setup      (BotbenchUiFixture *f,
                                              gconstpointer      data);
void     botbench_ui_test_fixture_teardown   (BotbenchUiFixture *f,
                                              gconstpointer      data);
/* Runs the application; @data is the BotbenchUiTestBody to run inside it
 * once the window is drawn.  The window and the app must finalize. */
void     botbench_ui_test_run_body           (BotbenchUiFixture *f,
                                              gconstpointer      data);
/* With BOTBENCH_TEST_SCREENSHOT_DIR set, `import -window root DIR/name`. */
void     botbench_ui_test_screenshot         (BotbenchUiFixture *f,
                                              const char        *name);
/* The widget under @root (a widget, its templates' children included)
 * whose buildable id (the .ui's id="…") is @id; fails the test if none. */
GtkWidget *botbench_ui_test_find             (gpointer           root,
                                              const char        *id);
/* The first widget under @root (itself included) of @type, or of a type
 * derived from it; fails the test if none. */
GtkWidget *botbench_ui_test_find_by_type     (gpointer           root,
                                              GType              type);
/* The visible dialog (a toplevel) whose type is exactly @type, an
 * AdwMessageDialog or a subclass, with @heading unless that is NULL; or
 * NULL. */
AdwMessageDialog *botbench_ui_test_find_dialog (GType            type,
                                                const char      *heading);
/* Waits until @button is mapped, asserts it is sensitive, and clicks it. */
void     botbench_ui_test_click              (GtkWidget         *button);
/* Waits until the window shows a toast whose title is @text (markup, as
 * given to the toast). */
void     botbench_ui_test_assert_toast_shown (BotbenchWindow    *window,
                                              const char        *text);
/* Without a keyring, a secret store fails: waits for the window's banner
 * offering session-only secrets, takes it, and checks the store took it. */
void     botbench_ui_test_accept_session_only (BotbenchUiFixture *f);
/* The window's events page. */
BotbenchEventsPage *botbench_ui_test_get_events_page (BotbenchWindow *window);
/* Waits until the events page has no read of event names running or
 * waiting, so that closing the window leaves no work behind. */
void     botbench_ui_test_wait_events_settled (BotbenchWindow   *window);
/* Waits until the event log (the list view of BotbenchEvents in @window)
 * shows an @event (with @message, unless NULL), then until the log's
 * event-name filter offers @event: the names the log re-reads in a thread
 * are back. */
void     botbench_ui_test_wait_for_logged_event (BotbenchWindow *window,
                                                 const char     *event,
                                                 const char     *message);
/* Waits until a mapped GtkLabel under @widget reads exactly @text. */
void     botbench_ui_test_assert_label_shown (GtkWidget         *widget,
                                              const char        *text);
gboolean botbench_ui_test_widget_is_mapped   (gpointer           widget);

/* POSTs to the listener, on an async SoupSession the fixture teardown
 * closes; the main loop runs while they are answered. */

/* POSTs @body (form-urlencoded) to @url and returns at once. */
void     botbench_ui_test_post_start         (const char        *url,
                                              GBytes            *body);
/* Waits until every POST is answered; asserts the last got 200 OK. */
void     botbench_ui_test_post_wait          (void);
/* POSTs @body to the application's listener at @path (its base URL +
 * @path) and waits for 200 OK; returns the id of the last stored event. */
gint64   botbench_ui_test_post_to_listener   (BotbenchUiFixture *f,
                                              const char        *path,
                                              GBytes            *body);

G_END_DECLS
