/* test-app-auth.c: an application's auth[...] block, and the OAuth profile it makes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "botbench-core.h"
#include "botbench-test-utils.h"

static BotbenchEvent *
event_from_body (const char *body,
                 const char *content_type)
{
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

  return botbench_event_new (1772090363000000, "10.1.2.3", "POST", "/install", "", NULL, content_type, bytes);
}

/* The fixture: every field where the profile needs it. */
static void
test_install_fixture (void)
{
  g_autoptr(GBytes) body = botbench_test_load_fixture ("ONAPPINSTALL");
  g_autoptr(BotbenchEvent) event = botbench_event_new (1772090363000000, "10.1.2.3", "POST", "/install", "", NULL,
                                                       "application/x-www-form-urlencoded", body);
  g_autoptr(BotbenchAppAuth) auth = NULL;
  g_autoptr(BotbenchProfile) profile = NULL;
  g_autoptr(GError) error = NULL;

  auth = botbench_app_auth_from_event (event, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (auth->event, ==, "ONAPPINSTALL");
  g_assert_cmpstr (auth->portal_url, ==, "https://example.bitrix24.com/");
  g_assert_cmpstr (auth->token_endpoint, ==, "https://oauth.bitrix.info/oauth/token/");
  g_assert_cmpstr (auth->member_id, ==, "bac1cd5c8940947a75e0d71b1a84e348");
  g_assert_cmpstr (auth->user_id, ==, "1");
  g_assert_cmpstr (auth->access_token, ==, "s6p6eclrvim6da22ft9ch94ekreb52lv");
  g_assert_cmpstr (auth->refresh_token, ==, "4s386p3q0tr8dy89xvmt96234v3dljg8");
  g_assert_cmpstr (auth->application_token, ==, "831c76b092f9f135d9b6b36c3a720757");
  g_assert_cmpstr (auth->scope, ==, "imbot");
  g_assert_cmpint (auth->expires, ==, 1696530600);

  profile = botbench_profile_new_from_app_auth (auth, "Installed", "local.5f0e.1a2b");
  g_assert_cmpint (botbench_profile_get_kind (profile), ==, BOTBENCH_PROFILE_KIND_OAUTH);
  g_assert_cmpstr (botbench_profile_get_name (profile), ==, "Installed");
  g_assert_cmpstr (botbench_profile_get_portal_url (profile), ==, "https://example.bitrix24.com/");
  g_assert_cmpstr (botbench_profile_get_token_endpoint (profile), ==, "https://oauth.bitrix.info/oauth/token/");
  g_assert_cmpstr (botbench_profile_get_member_id (profile), ==, "bac1cd5c8940947a75e0d71b1a84e348");
  g_assert_cmpstr (botbench_profile_get_user_id (profile), ==, "1");
  g_assert_cmpstr (botbench_profile_get_oauth_client_id (profile), ==, "local.5f0e.1a2b");
  g_assert_cmpint (botbench_profile_get_token_expires (profile), ==, 1696530600);
  g_assert_false (botbench_profile_get_uninstalled (profile));
}

/* A sandbox's install: its own server endpoint (with a port) gives the
 * token endpoint; without client_endpoint the domain names the portal. */
static void
test_endpoints (void)
{
  g_autoptr(BotbenchEvent) event = event_from_body (
    "event=ONAPPINSTALL&auth[access_token]=a1&auth[member_id]=m1&auth[domain]=127.0.0.1:8124"
    "&auth[server_endpoint]=http://127.0.0.1:8124/rest/", "application/x-www-form-urlencoded");
  g_autoptr(BotbenchAppAuth) auth = botbench_app_auth_from_event (event, NULL);

  g_assert_nonnull (auth);
  g_assert_cmpstr (auth->portal_url, ==, "https://127.0.0.1:8124/");
  g_assert_cmpstr (auth->token_endpoint, ==, "http://127.0.0.1:8124/oauth/token/");
  g_assert_null (auth->refresh_token);
  g_assert_null (auth->application_token);
  g_assert_cmpint (auth->expires, ==, 0);
}

/* What a stranger might POST: no token, no portal, values that are not
 * what they claim.  Each is refused with a sentence, none crashes. */
static void
test_hostile (void)
{
  static const struct {
    const char *body;
    const char *says;
  } cases[] = {
    { "event=ONIMBOTMESSAGEADD&data[PARAMS][MESSAGE]=hi", "access_token" },
    { "event=ONAPPINSTALL&auth[access_token]=has space&auth[member_id]=m&auth[domain]=x.example", "access_token" },
    { "event=ONAPPINSTALL&auth[access_token][]=1&auth[member_id]=m&auth[domain]=x.example", "access_token" },
    { "event=ONAPPINSTALL&auth[access_token]=a&auth[domain]=x.example", "member_id" },
    { "event=ONAPPINSTALL&auth[access_token]=a&auth[member_id]=m", "portal" },
    { "event=ONAPPINSTALL&auth[access_token]=a&auth[member_id]=m&auth[client_endpoint]=javascript:alert(1)", "portal" },
    { "event=ONAPPINSTALL&auth[access_token]=a&auth[member_id]=m&auth[domain]=evil.example/%0Ax", "portal" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(BotbenchEvent) event = event_from_body (cases[i].body, "application/x-www-form-urlencoded");
      g_autoptr(BotbenchAppAuth) auth = NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("%s", cases[i].body);
      auth = botbench_app_auth_from_event (event, &error);
      g_assert_null (auth);
      g_assert_nonnull (error);
      g_assert_nonnull (strstr (error->message, cases[i].says));
    }

  /* A JSON event (fetched) has no form. */
  {
    g_autoptr(BotbenchEvent) event = event_from_body ("{\"event\":\"ONIMBOTV2MESSAGEADD\"}", "application/json");
    g_autoptr(GError) error = NULL;

    g_assert_null (botbench_app_auth_from_event (event, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  }

  /* Odd optional values are dropped, not trusted. */
  {
    g_autoptr(BotbenchEvent) event = event_from_body (
      "auth[access_token]=a&auth[member_id]=m&auth[domain]=x.example&auth[user_id]=1;2"
      "&auth[expires]=soon&auth[server_endpoint]=ftp://x.example/rest/", "application/x-www-form-urlencoded");
    g_autoptr(BotbenchAppAuth) auth = botbench_app_auth_from_event (event, NULL);

    g_assert_nonnull (auth);
    g_assert_null (auth->user_id);
    g_assert_cmpint (auth->expires, ==, 0);
    g_assert_null (auth->token_endpoint);
  }
}

/* member-id and uninstalled survive profiles.ini. */
static void
test_profile_keys (void)
{
  g_autofree char *dir = botbench_test_make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "profiles.ini", NULL);
  g_autoptr(BotbenchProfileManager) manager = botbench_profile_manager_new (path);
  g_autoptr(BotbenchProfileManager) again = botbench_profile_manager_new (path);
  g_autoptr(BotbenchProfile) profile = botbench_profile_new (BOTBENCH_PROFILE_KIND_OAUTH, NULL);
  g_autoptr(GError) error = NULL;
  BotbenchProfile *loaded;

  g_assert_true (botbench_profile_manager_load (manager, &error));
  botbench_profile_set_name (profile, "Installed");
  botbench_profile_set_member_id (profile, "bac1cd5c");
  botbench_profile_set_uninstalled (profile, TRUE);
  g_assert_true (botbench_profile_manager_add (manager, profile, &error));
  g_assert_true (botbench_profile_manager_save (manager, &error));
  g_assert_no_error (error);

  g_assert_true (botbench_profile_manager_load (again, &error));
  loaded = botbench_profile_manager_lookup (again, "Installed");
  g_assert_nonnull (loaded);
  g_assert_cmpstr (botbench_profile_get_member_id (loaded), ==, "bac1cd5c");
  g_assert_true (botbench_profile_get_uninstalled (loaded));
  botbench_test_rm_rf (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/app-auth/install-fixture", test_install_fixture);
  g_test_add_func ("/app-auth/endpoints", test_endpoints);
  g_test_add_func ("/app-auth/hostile", test_hostile);
  g_test_add_func ("/app-auth/profile-keys", test_profile_keys);

  return g_test_run ();
}
