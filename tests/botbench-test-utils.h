/* botbench-test-utils.h: helpers shared by the test programs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

/* How long the assert_ waits below wait before they fail the test. */
#define BOTBENCH_TEST_WAIT_MS 10000

/* Spins the thread-default main context until *flag is TRUE or timeout_ms
 * passes; returns *flag. Never sleeps. */
gboolean  botbench_test_wait_for       (gboolean   *flag,
                                        guint       timeout_ms);
/* Spins until *flag is TRUE; fails the test, naming @what, after timeout_ms
 * (0 for BOTBENCH_TEST_WAIT_MS). */
void      botbench_test_assert_wait_for (gboolean   *flag,
                                         guint       timeout_ms,
                                         const char *what);
/* Spins the default context until func(data) returns TRUE, or timeout_ms. */
gboolean  botbench_test_wait_until     (gboolean  (*func) (gpointer data),
                                        gpointer    data,
                                        guint       timeout_ms);
/* Spins until func(data) returns TRUE; fails the test, naming @what,
 * after BOTBENCH_TEST_WAIT_MS. */
void      botbench_test_assert_wait_until (gboolean  (*func) (gpointer data),
                                           gpointer    data,
                                           const char *what);
/* The same, failing after timeout_ms (0 for BOTBENCH_TEST_WAIT_MS). */
void      botbench_test_assert_wait_until_full (gboolean  (*func) (gpointer data),
                                                gpointer    data,
                                                guint       timeout_ms,
                                                const char *what);
/* Dispatches what is ready on the thread-default context, without
 * blocking: @n_iterations times, or (0) until nothing is ready. */
void      botbench_test_iterate_pending (guint n_iterations);
/* Spins until @model has @n_items items, or fails the test saying how many
 * it has after BOTBENCH_TEST_WAIT_MS. */
void      botbench_test_assert_wait_n_items (GListModel *model,
                                             guint       n_items);

/* The result of an _async call, for its _finish:
 *
 *   BotbenchTestResult r = { NULL };
 *   botbench_x_do_async (x, NULL, botbench_test_result_cb, &r);
 *   ok = botbench_x_do_finish (x, botbench_test_result_wait (&r), &error);
 *   botbench_test_result_clear (&r);
 *
 * or g_auto(BotbenchTestResult) r = { NULL }; for the clear.
 */
typedef struct
{
  GAsyncResult *result;
} BotbenchTestResult;

void          botbench_test_result_cb    (GObject            *source,
                                          GAsyncResult       *result,
                                          gpointer            user_data);
/* Spins until the callback ran (the test fails after timeout_ms, 0 for
 * BOTBENCH_TEST_WAIT_MS); the result is borrowed. */
GAsyncResult *botbench_test_result_wait  (BotbenchTestResult *r,
                                          guint               timeout_ms);
void          botbench_test_result_clear (BotbenchTestResult *r);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (BotbenchTestResult, botbench_test_result_clear)

/* Counts a property's notifications, the way Console's
 * kgx_expect_property_notify() does: each expect adds one to what
 * assert_expected_notifies() wants to have seen since the first expect.
 * Watching ends with the object, or with the assert. */
void      botbench_test_expect_property_notify   (gpointer    object,
                                                  const char *property);
void      botbench_test_assert_expected_notifies (gpointer    object);

/* Counts emissions of a signal (any signal returning nothing). */
typedef struct _BotbenchSignalCounter BotbenchSignalCounter;

BotbenchSignalCounter *botbench_test_count_signal (gpointer               instance,
                                                   const char            *detailed_signal);
guint                  botbench_signal_counter_get (BotbenchSignalCounter *counter);
/* Spins until the signal was emitted at least @n times since counting
 * began; fails the test, naming the signal, after BOTBENCH_TEST_WAIT_MS. */
void                   botbench_signal_counter_assert_wait (BotbenchSignalCounter *counter,
                                                            guint                  n);
/* Disconnects (if the instance is still there) and frees. */
void                   botbench_signal_counter_free (BotbenchSignalCounter *counter);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BotbenchSignalCounter, botbench_signal_counter_free)

/* Runs botbench-cli ($BOTBENCH_CLI) with @argv (NULL-terminated, without
 * the program) and @stdin_data (NULL: nothing), spinning the main context
 * meanwhile so that an in-process sandbox answers it; fails the test after
 * @timeout_ms (0: two minutes).  @launcher: NULL, or one that sets the
 * child's environment.  @out and @err (nullable) get what it printed.
 * Returns its exit status, -1 when a signal ended it. */
int       botbench_test_run_cli        (GSubprocessLauncher *launcher,
                                        const char          *stdin_data,
                                        guint                timeout_ms,
                                        char               **out,
                                        char               **err,
                                        const char * const  *argv);

/* A fresh temporary directory (removed with botbench_test_rm_rf). */
char     *botbench_test_make_tmp_dir   (void);
void      botbench_test_rm_rf          (const char *path);
/* The directory of the event fixtures (NAME.form), from BOTBENCH_FIXTURES_DIR. */
const char *botbench_test_fixtures_dir (void);
/* Reads fixtures/events/NAME.form; aborts the test if missing. */
GBytes   *botbench_test_load_fixture   (const char *name);
/* Sorted list of the fixture names (without .form). */
char    **botbench_test_list_fixtures  (void);
/* Serves a test's own SoupServer on 127.0.0.1 (a free port, returned) with
 * connections accepted by a GSocketService on the thread-default context,
 * not by soup_server_listen_*(): libsoup 3.2's listener leaks a GSocket per
 * connection, which LeakSanitizer would report.  One request per connection
 * (libsoup keeps none alive without a listener of its own).  Serving stops
 * when the server is finalized. */
guint     botbench_test_serve_loopback (SoupServer *server);
/* Closes every connection the loopback server still has (kept-alive ones
 * included): a client's next request must open a new connection. */
void      botbench_test_close_connections (SoupServer *server);
/* A socket bound to 127.0.0.1:@port (0: any free port) but not listening:
 * while it lives every connection to that port is refused and nothing else
 * can bind it.  Asserts on failure. */
GSocket  *botbench_test_new_refusing_socket (guint port);
guint     botbench_test_socket_get_port (GSocket *socket);

/* A copy of data placed so that data[len] is the first byte of a PROT_NONE
 * page: a parser that reads past len crashes at once. */
typedef struct
{
  guint8 *map;
  gsize   map_len;
  char   *data;
} BotbenchGuarded;

void      botbench_test_guarded_init   (BotbenchGuarded *g,
                                        const char      *data,
                                        gsize            len);
void      botbench_test_guarded_clear  (BotbenchGuarded *g);

G_END_DECLS
