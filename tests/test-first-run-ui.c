/* test-first-run-ui.c: "Try the Sandbox Portal" on a first run, when the
 * keyring has no default collection yet
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs under xvfb-run and tests/with-empty-keyring.sh: a private bus with
 * a gnome-keyring that has no "default" alias, and no prompter that could
 * make one (a store to the default collection fails, as when the user
 * dismisses "create a keyring").  Without that script the cases skip.
 *
 * BOTBENCH_TEST_SCREENSHOT_DIR=DIR saves `import -window root` shots there.
 */
#include "config.h"

#include <string.h>

#include "botbench-application.h"
#include "botbench-bots-page.h"
#include "botbench-test-utils.h"
#include "botbench-ui-test-bots.h"
#include "botbench-ui-test-utils.h"

#define WAIT_MS BOTBENCH_UI_TEST_WAIT_MS

static const char *tmp_root;
static gboolean have_keyring;

/* Every log line of the run, debug included (to find the failed keyring
 * store, and to check that no secret is logged). */
static GString *captured_log;

typedef BotbenchUiFixture Fixture;

static GLogFunc default_log_handler;

static void
capture_log_handler (const char     *log_domain,
                     GLogLevelFlags  log_level,
                     const char     *message,
                     gpointer        user_data)
{
  g_string_append_printf (captured_log, "%s: %s\n", log_domain != NULL ? log_domain : "", message);

  /* Debug and info lines are printed only when asked for, as usual. */
  if ((log_level & (G_LOG_LEVEL_DEBUG | G_LOG_LEVEL_INFO)) != 0 && g_getenv ("G_MESSAGES_DEBUG") == NULL)
    return;
  default_log_handler (log_domain, log_level, message, user_data);
}

static gboolean
log_contains (gpointer data)
{
  return strstr (captured_log->str, data) != NULL;
}

/* ---- the keyring -------------------------------------------------------- */

/* The Secret Service's "default" alias: "/" when there is no default
 * collection. */
static char *
read_default_alias (void)
{
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  const char *path;

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.secrets", "/org/freedesktop/secrets",
                                       "org.freedesktop.Secret.Service", "ReadAlias",
                                       g_variant_new ("(s)", "default"), G_VARIANT_TYPE ("(o)"),
                                       G_DBUS_CALL_FLAGS_NONE, WAIT_MS, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(&o)", &path);
  return g_strdup (path);
}

/* Skips unless run by with-empty-keyring.sh; then makes sure the case
 * really starts with no default collection, and that none can be made
 * without a prompt (a store to it fails). */
static gboolean
skip_unless_empty_keyring (void)
{
  g_autoptr(BotbenchSecretStore) probe = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *alias = NULL;
  g_autofree char *uuid = g_uuid_string_random ();

  if (!have_keyring || g_strcmp0 (g_getenv ("BOTBENCH_TEST_KEYRING_EMPTY"), "1") != 0)
    {
      g_test_skip ("needs a keyring without a default collection: run through tests/with-empty-keyring.sh");
      return TRUE;
    }

  alias = read_default_alias ();
  g_assert_cmpstr (alias, ==, "/");

  probe = botbench_secret_store_new ();
  g_assert_false (botbench_secret_store_store_sync (probe, uuid, BOTBENCH_SECRET_KIND_WEBHOOK_SECRET,
                                                    "probe-secret", NULL, &error));
  g_assert_error (error, BOTBENCH_SECRET_STORE_ERROR, BOTBENCH_SECRET_STORE_ERROR_UNAVAILABLE);
  g_free (alias);
  alias = read_default_alias ();
  g_assert_cmpstr (alias, ==, "/");

  return FALSE;
}

/* What the keyring itself holds for the sandbox profile (another store
 * object: nothing held there). */
static char *
keyring_sandbox_secret (void)
{
  g_autoptr(BotbenchSecretStore) reader = botbench_secret_store_new ();
  g_autoptr(GError) error = NULL;
  char *secret;

  secret = botbench_secret_store_lookup_sync (reader, BOTBENCH_PROFILE_SANDBOX_UUID,
                                              BOTBENCH_SECRET_KIND_WEBHOOK_SECRET, NULL, &error);
  g_assert_no_error (error);
  return secret;
}

/* ---- the window --------------------------------------------------------- */

static gboolean
portal_settled (gpointer data)
{
  BotbenchBotsPage *page = data;
  GtkWidget *portal_list = botbench_ui_test_find (page, "portal_list");

  return !gtk_spinner_get_spinning (GTK_SPINNER (botbench_ui_test_find (page, "portal_spinner"))) &&
         (gtk_widget_get_first_child (portal_list) != NULL ||
          gtk_widget_get_visible (botbench_ui_test_find (page, "portal_message")));
}

static gboolean
portal_shows_error (gpointer data)
{
  return portal_settled (data) &&
         gtk_widget_has_css_class (botbench_ui_test_find (data, "portal_message"), "error");
}

static gboolean
portal_lists (gpointer data)
{
  BotbenchBotsPage *page = data;
  GtkWidget *message = botbench_ui_test_find (page, "portal_message");

  /* The sandbox's bots, or its empty list said plainly. */
  return portal_settled (page) && !gtk_widget_has_css_class (message, "error") &&
         (gtk_widget_get_first_child (botbench_ui_test_find (page, "portal_list")) != NULL ||
          g_strcmp0 (gtk_label_get_label (GTK_LABEL (message)), "The portal has no bots.") == 0);
}

static gboolean
secrets_banner_shown (Fixture *f)
{
  return gtk_revealer_get_reveal_child (GTK_REVEALER (botbench_ui_test_find (f->window, "secrets_revealer")));
}

/* The first click, as a new user makes it on the empty event log. */
static void
try_sandbox (Fixture *f)
{
  BotbenchProfileManager *manager = botbench_application_get_profile_manager (f->app);

  g_string_truncate (captured_log, 0);
  g_assert_null (botbench_profile_manager_get_active (manager));
  g_assert_true (gtk_widget_get_mapped (botbench_ui_test_find (botbench_ui_test_get_events_page (f->window),
                                                               "empty_page")));
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.try-sandbox", NULL);

  g_assert_true (botbench_sandbox_get_running (botbench_application_get_sandbox (f->app)));
  g_assert_true (botbench_profile_manager_get_active (manager) == botbench_application_get_sandbox_profile (f->app));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (botbench_ui_test_find (f->window, "page_stack"))),
                   ==, "bots");
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
}

/* The application's keyring store of the sandbox secret has failed (so a
 * release after this cannot race it). */
static void
wait_keyring_store_failed (void)
{
  botbench_test_assert_wait_until_full (log_contains, (gpointer)"Cannot store the sandbox secret", WAIT_MS,
                                        "the keyring store to fail");
}

static char *
dup_sandbox_secret (Fixture *f)
{
  g_autofree char *url = botbench_sandbox_dup_webhook_url (botbench_application_get_sandbox (f->app));
  g_autoptr(BotbenchWebhookUrl) parsed = botbench_webhook_url_parse (url, NULL);

  g_assert_nonnull (parsed);
  return g_strdup (parsed->secret);
}

/* ---- tests -------------------------------------------------------------- */

/* The bug: Bots said "No webhook secret is stored" while the desktop asked
 * to make a keyring.  Now the page lists at once, the failed keyring store
 * says nothing to the user, and the secret is in no log. */
static void
first_click_lists_bots (Fixture *f)
{
  BotbenchSecretStore *secrets = botbench_application_get_secret_store (f->app);
  g_autofree char *secret = NULL;
  g_autofree char *alias = NULL;
  char *stored;

  if (skip_unless_empty_keyring ())
    return;

  try_sandbox (f);
  secret = dup_sandbox_secret (f);

  botbench_test_assert_wait_until_full (portal_settled, botbench_ui_test_bots_page (f), WAIT_MS, "the portal's bot list");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (botbench_ui_test_find (botbench_ui_test_bots_page (f), "portal_message"))),
                   ==, "The portal has no bots.");
  g_assert_false (gtk_widget_has_css_class (botbench_ui_test_find (botbench_ui_test_bots_page (f), "portal_message"), "error"));
  g_assert_true (portal_lists (botbench_ui_test_bots_page (f)));
  g_assert_true (botbench_secret_store_is_held (secrets, BOTBENCH_PROFILE_SANDBOX_UUID,
                                                BOTBENCH_SECRET_KIND_WEBHOOK_SECRET));

  /* The keyring copy (for botbench-cli) could not be made: said in the
   * debug log only, no banner, and the list stays. */
  wait_keyring_store_failed ();
  botbench_test_iterate_pending (0);
  g_assert_false (secrets_banner_shown (f));
  g_assert_true (portal_lists (botbench_ui_test_bots_page (f)));
  g_assert_false (botbench_secret_store_get_session_only (secrets));
  stored = keyring_sandbox_secret ();
  g_assert_null (stored);
  alias = read_default_alias ();
  g_assert_cmpstr (alias, ==, "/");

  botbench_ui_test_screenshot (f, "first-run-bots.png");

  /* Held secrets are never logged. */
  g_assert_nonnull (strstr (captured_log->str, BOTBENCH_PROFILE_SANDBOX_UUID));
  g_assert_null (strstr (captured_log->str, secret));
}

/* A secret that comes after the page showed "No webhook secret is stored"
 * (the keyring prompt answered late) reloads the page: no Refresh. */
static void
late_secret_reloads_page (Fixture *f)
{
  BotbenchSecretStore *secrets = botbench_application_get_secret_store (f->app);
  GtkWidget *message;
  g_autofree char *secret = NULL;
  g_autoptr(BotbenchSignalCounter) changes = NULL;

  if (skip_unless_empty_keyring ())
    return;

  try_sandbox (f);
  secret = dup_sandbox_secret (f);
  message = botbench_ui_test_find (botbench_ui_test_bots_page (f), "portal_message");
  botbench_test_assert_wait_until_full (portal_lists, botbench_ui_test_bots_page (f), WAIT_MS, "the portal's bot list");
  wait_keyring_store_failed ();

  /* Back to the state of the bug: no secret anywhere, and the page, once
   * refreshed, says so. */
  changes = botbench_test_count_signal (secrets, "changed");
  botbench_secret_store_release (secrets, BOTBENCH_PROFILE_SANDBOX_UUID, BOTBENCH_SECRET_KIND_WEBHOOK_SECRET);
  g_assert_cmpuint (botbench_signal_counter_get (changes), ==, 1);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.refresh-bots", NULL);
  botbench_test_assert_wait_until_full (portal_shows_error, botbench_ui_test_bots_page (f), WAIT_MS, "the missing-secret error");
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (message)), "No webhook secret is stored"));
  botbench_ui_test_screenshot (f, "first-run-missing-secret.png");

  /* The secret arrives: the page lists again by itself. */
  botbench_secret_store_hold (secrets, BOTBENCH_PROFILE_SANDBOX_UUID, BOTBENCH_SECRET_KIND_WEBHOOK_SECRET, secret);
  g_assert_cmpuint (botbench_signal_counter_get (changes), ==, 2);
  botbench_test_assert_wait_until_full (portal_lists, botbench_ui_test_bots_page (f), WAIT_MS, "the page to reload by itself");
  g_assert_false (gtk_widget_has_css_class (message, "error"));
  g_assert_false (secrets_banner_shown (f));

  /* A change for another profile does not reload a page that lists. */
  botbench_secret_store_hold (secrets, "not-the-active-profile", BOTBENCH_SECRET_KIND_WEBHOOK_SECRET, "x");
  botbench_test_iterate_pending (0);
  g_assert_false (gtk_spinner_get_spinning (GTK_SPINNER (botbench_ui_test_find (botbench_ui_test_bots_page (f), "portal_spinner"))));
  botbench_secret_store_release (secrets, "not-the-active-profile", BOTBENCH_SECRET_KIND_WEBHOOK_SECRET);
}

/* A sandbox restart holds its secret again: the page keeps working. */
static void
restart_holds_again (Fixture *f)
{
  BotbenchSecretStore *secrets = botbench_application_get_secret_store (f->app);
  g_autoptr(GError) error = NULL;

  if (skip_unless_empty_keyring ())
    return;

  try_sandbox (f);
  botbench_test_assert_wait_until_full (portal_lists, botbench_ui_test_bots_page (f), WAIT_MS, "the portal's bot list");
  wait_keyring_store_failed ();

  botbench_application_stop_sandbox (f->app);
  g_string_truncate (captured_log, 0);
  botbench_secret_store_release (secrets, BOTBENCH_PROFILE_SANDBOX_UUID, BOTBENCH_SECRET_KIND_WEBHOOK_SECRET);
  g_assert_true (botbench_application_start_sandbox (f->app, &error));
  g_assert_no_error (error);
  g_assert_true (botbench_secret_store_is_held (secrets, BOTBENCH_PROFILE_SANDBOX_UUID,
                                                BOTBENCH_SECRET_KIND_WEBHOOK_SECRET));
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.refresh-bots", NULL);
  botbench_test_assert_wait_until_full (portal_lists, botbench_ui_test_bots_page (f), WAIT_MS, "the list after the restart");
  /* The restart's keyring store fails too, still without a word. */
  wait_keyring_store_failed ();
  botbench_test_iterate_pending (0);
  g_assert_false (secrets_banner_shown (f));
}

int
main (int   argc,
      char *argv[])
{
  tmp_root = botbench_ui_test_init (&argc, &argv, &have_keyring);
  captured_log = g_string_new (NULL);
  default_log_handler = g_log_set_default_handler (capture_log_handler, NULL);

  botbench_ui_test_add ("/first-run-ui/first-click-lists-bots", first_click_lists_bots);
  botbench_ui_test_add ("/first-run-ui/late-secret-reloads-page", late_secret_reloads_page);
  botbench_ui_test_add ("/first-run-ui/restart-holds-again", restart_holds_again);

  return botbench_ui_test_run ();
}
