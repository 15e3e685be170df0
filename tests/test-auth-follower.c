/* test-auth-follower.c: OAuth profiles kept fresh by their application's events
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "botbench-core.h"
#include "botbench-test-utils.h"

#define MEMBER "bac1cd5c8940947a75e0d71b1a84e348"
#define APP_TOKEN "831c76b092f9f135d9b6b36c3a720757"

typedef struct
{
  char                   *dir;
  BotbenchEventStore     *store;
  BotbenchProfileManager *profiles;
  BotbenchSecretStore    *secrets;
  BotbenchProfile        *profile;
  BotbenchAuthFollower   *follower;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *db = NULL;
  g_autofree char *ini = NULL;
  g_autoptr(GError) error = NULL;

  f->dir = botbench_test_make_tmp_dir ();
  db = g_build_filename (f->dir, "events.db", NULL);
  ini = g_build_filename (f->dir, "profiles.ini", NULL);
  f->store = botbench_event_store_new (db, &error);
  g_assert_no_error (error);
  f->profiles = botbench_profile_manager_new (ini);
  g_assert_true (botbench_profile_manager_load (f->profiles, &error));
  f->secrets = botbench_secret_store_new ();
  botbench_secret_store_set_session_only (f->secrets, TRUE);

  f->profile = botbench_profile_new (BOTBENCH_PROFILE_KIND_OAUTH, NULL);
  botbench_profile_set_name (f->profile, "Installed");
  botbench_profile_set_portal_url (f->profile, "https://example.bitrix24.com/");
  botbench_profile_set_member_id (f->profile, MEMBER);
  botbench_profile_set_token_expires (f->profile, 1000);
  g_assert_true (botbench_profile_manager_add (f->profiles, f->profile, &error));
  botbench_secret_store_store_sync (f->secrets, botbench_profile_get_uuid (f->profile),
                                    BOTBENCH_SECRET_KIND_APPLICATION_TOKEN, APP_TOKEN, NULL, &error);
  botbench_secret_store_store_sync (f->secrets, botbench_profile_get_uuid (f->profile),
                                    BOTBENCH_SECRET_KIND_ACCESS_TOKEN, "access-0", NULL, &error);
  g_assert_no_error (error);

  f->follower = botbench_auth_follower_new (f->store, f->profiles, f->secrets);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  botbench_auth_follower_stop (f->follower);
  g_clear_object (&f->follower);
  botbench_event_store_close (f->store);
  g_clear_object (&f->store);
  g_clear_object (&f->profile);
  g_clear_object (&f->profiles);
  g_clear_object (&f->secrets);
  botbench_test_rm_rf (f->dir);
  g_free (f->dir);
}

static void
post (Fixture    *f,
      const char *event,
      const char *member,
      const char *app_token,
      const char *access,
      gint64      expires)
{
  g_autofree char *body = g_strdup_printf ("event=%s&auth[access_token]=%s&auth[refresh_token]=r-%s"
                                           "&auth[expires]=%" G_GINT64_FORMAT "&auth[member_id]=%s"
                                           "&auth[application_token]=%s&auth[domain]=example.bitrix24.com"
                                           "&auth[client_endpoint]=https://example.bitrix24.com/rest/",
                                           event, access, access, expires, member, app_token);
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
  g_autoptr(BotbenchEvent) stored = botbench_event_new (g_get_real_time (), "127.0.0.1", "POST", "/", "", NULL,
                                                        "application/x-www-form-urlencoded", bytes);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (botbench_event_store_insert (f->store, stored, &error), >, 0);
  g_assert_no_error (error);
}

/* ONAPPUNINSTALL as a portal sends it: no tokens (reference §4.7). */
static void
post_uninstall (Fixture    *f,
                const char *app_token)
{
  g_autofree char *body = g_strdup_printf ("event=ONAPPUNINSTALL&event_handler_id=7&data[LANGUAGE_ID]=en"
                                           "&data[CLEAN]=0&ts=1&auth[domain]=example.bitrix24.com"
                                           "&auth[member_id]=%s&auth[application_token]=%s",
                                           MEMBER, app_token);
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
  g_autoptr(BotbenchEvent) stored = botbench_event_new (g_get_real_time (), "127.0.0.1", "POST", "/", "", NULL,
                                                        "application/x-www-form-urlencoded", bytes);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (botbench_event_store_insert (f->store, stored, &error), >, 0);
  g_assert_no_error (error);
}

static char *
secret (Fixture            *f,
        BotbenchSecretKind  kind)
{
  g_autoptr(GError) error = NULL;
  char *value = botbench_secret_store_lookup_sync (f->secrets, botbench_profile_get_uuid (f->profile),
                                                   kind, NULL, &error);

  g_assert_no_error (error);
  return value;
}

static void
test_follows (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(BotbenchSignalCounter) updated = botbench_test_count_signal (f->follower, "tokens-updated");
  g_autoptr(BotbenchSignalCounter) uninstalled = botbench_test_count_signal (f->follower, "uninstalled");
  char *value;

  /* A bot event of the installation with a later expiry: taken. */
  post (f, "ONIMBOTMESSAGEADD", MEMBER, APP_TOKEN, "access-1", 2000);
  botbench_signal_counter_assert_wait (updated, 1);
  value = secret (f, BOTBENCH_SECRET_KIND_ACCESS_TOKEN);
  g_assert_cmpstr (value, ==, "access-1");
  botbench_secret_free (value);
  value = secret (f, BOTBENCH_SECRET_KIND_REFRESH_TOKEN);
  g_assert_cmpstr (value, ==, "r-access-1");
  botbench_secret_free (value);
  g_assert_cmpint (botbench_profile_get_token_expires (f->profile), ==, 2000);

  /* Another application's token (even later), another portal, an older
   * expiry: none of them is taken; the one after them is. */
  post (f, "ONIMBOTMESSAGEADD", MEMBER, "0000stranger0000", "stolen", 9000);
  post (f, "ONIMBOTMESSAGEADD", "othermember", APP_TOKEN, "other-portal", 9000);
  post (f, "ONIMBOTMESSAGEADD", MEMBER, APP_TOKEN, "older", 1500);
  post (f, "ONIMBOTJOINCHAT", MEMBER, APP_TOKEN, "access-2", 3000);
  botbench_signal_counter_assert_wait (updated, 2);
  value = secret (f, BOTBENCH_SECRET_KIND_ACCESS_TOKEN);
  g_assert_cmpstr (value, ==, "access-2");
  botbench_secret_free (value);
  g_assert_cmpint (botbench_profile_get_token_expires (f->profile), ==, 3000);

  /* Uninstalled: marked, the tokens left alone; installed again: back. */
  post (f, "ONAPPUNINSTALL", MEMBER, APP_TOKEN, "void", 4000);
  botbench_signal_counter_assert_wait (uninstalled, 1);
  g_assert_true (botbench_profile_get_uninstalled (f->profile));
  value = secret (f, BOTBENCH_SECRET_KIND_ACCESS_TOKEN);
  g_assert_cmpstr (value, ==, "access-2");
  botbench_secret_free (value);

  post (f, "ONAPPINSTALL", MEMBER, APP_TOKEN, "access-3", 5000);
  botbench_signal_counter_assert_wait (updated, 3);
  g_assert_false (botbench_profile_get_uninstalled (f->profile));
  g_assert_cmpuint (botbench_signal_counter_get (updated), ==, 3);
  value = secret (f, BOTBENCH_SECRET_KIND_ACCESS_TOKEN);
  g_assert_cmpstr (value, ==, "access-3");
  botbench_secret_free (value);
}

/* Switched off: the profile's tokens are its own business. */
static void
test_uninstall_without_tokens (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(BotbenchSignalCounter) updated = botbench_test_count_signal (f->follower, "tokens-updated");
  g_autoptr(BotbenchSignalCounter) uninstalled = botbench_test_count_signal (f->follower, "uninstalled");

  /* Another application's uninstall is not this one's; then ours is, and
   * an event after it proves both were looked at. */
  post_uninstall (f, "0000stranger0000");
  post_uninstall (f, APP_TOKEN);
  botbench_signal_counter_assert_wait (uninstalled, 1);
  g_assert_true (botbench_profile_get_uninstalled (f->profile));
  post (f, "ONAPPINSTALL", MEMBER, APP_TOKEN, "access-9", 9000);
  botbench_signal_counter_assert_wait (updated, 1);
  g_assert_false (botbench_profile_get_uninstalled (f->profile));
  g_assert_cmpuint (botbench_signal_counter_get (uninstalled), ==, 1);
}

static void
test_switched_off (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(BotbenchSignalCounter) updated = botbench_test_count_signal (f->follower, "tokens-updated");
  g_autoptr(BotbenchProfile) other = botbench_profile_new (BOTBENCH_PROFILE_KIND_OAUTH, NULL);
  g_autoptr(GError) error = NULL;
  char *value;

  botbench_profile_set_follow_event_tokens (f->profile, FALSE);
  /* A second installation that does follow: its update says the first
   * event was looked at and passed over. */
  botbench_profile_set_name (other, "Other");
  botbench_profile_set_member_id (other, "member2");
  g_assert_true (botbench_profile_manager_add (f->profiles, other, &error));
  botbench_secret_store_store_sync (f->secrets, botbench_profile_get_uuid (other),
                                    BOTBENCH_SECRET_KIND_APPLICATION_TOKEN, "tok2", NULL, &error);
  g_assert_no_error (error);

  post (f, "ONIMBOTMESSAGEADD", MEMBER, APP_TOKEN, "ignored", 2000);
  post (f, "ONIMBOTMESSAGEADD", "member2", "tok2", "taken", 2000);
  botbench_signal_counter_assert_wait (updated, 1);
  g_assert_cmpint (botbench_profile_get_token_expires (other), ==, 2000);
  value = secret (f, BOTBENCH_SECRET_KIND_ACCESS_TOKEN);
  g_assert_cmpstr (value, ==, "access-0");
  botbench_secret_free (value);
  g_assert_cmpint (botbench_profile_get_token_expires (f->profile), ==, 1000);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/auth-follower/follows", Fixture, NULL, fixture_setup, test_follows, fixture_teardown);
  g_test_add ("/auth-follower/uninstall-without-tokens", Fixture, NULL, fixture_setup,
              test_uninstall_without_tokens, fixture_teardown);
  g_test_add ("/auth-follower/switched-off", Fixture, NULL, fixture_setup, test_switched_off, fixture_teardown);

  return g_test_run ();
}
