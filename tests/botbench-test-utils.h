/* botbench-test-utils.h: helpers shared by the test programs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

/* Spins the thread-default main context until *flag is TRUE or timeout_ms
 * passes; returns *flag. Never sleeps. */
gboolean  botbench_test_wait_for       (gboolean   *flag,
                                        guint       timeout_ms);
/* Spins the default context until func(data) returns TRUE, or timeout_ms. */
gboolean  botbench_test_wait_until     (gboolean  (*func) (gpointer data),
                                        gpointer    data,
                                        guint       timeout_ms);
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
