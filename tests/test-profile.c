/* test-profile.c: webhook URL parsing, profiles and the profiles file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-profile"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "botbench-profile.h"
#include "botbench-profile-manager.h"
#include "botbench-test-utils.h"

#define SECRET "q1w2e3r4t5y6u7i8"

typedef struct
{
  const char *url;
  int         code;        /* -1: parses */
  const char *message;     /* exact error message, or the warning */
  const char *portal_url;
  const char *user_id;
} WebhookCase;

static const WebhookCase webhook_cases[] = {
  { "https://example.bitrix24.com/rest/1/" SECRET "/", -1, NULL, "https://example.bitrix24.com/", "1" },
  { "  https://Example.Bitrix24.com/rest/17/" SECRET "\n", -1, NULL, "https://example.bitrix24.com/", "17" },
  { "https://portal.local:8443/rest/1/" SECRET "/", -1, NULL, "https://portal.local:8443/", "1" },
  { "http://127.0.0.1:8080/rest/1/" SECRET "/", -1,
    "The webhook URL uses plain http://: real Bitrix24 portals answer “Https required.” to such calls; use https://",
    "http://127.0.0.1:8080/", "1" },
  { "", BOTBENCH_PROFILE_ERROR_NOT_A_URL,
    "The webhook URL is empty: paste it from the portal (https://<portal>/rest/<user id>/<secret>/)" },
  { "example.bitrix24.com/rest/1/" SECRET "/", BOTBENCH_PROFILE_ERROR_BAD_SCHEME,
    "The webhook URL must start with https:// (https://<portal>/rest/<user id>/<secret>/)" },
  { "ftp://example.bitrix24.com/rest/1/" SECRET "/", BOTBENCH_PROFILE_ERROR_BAD_SCHEME,
    "The webhook URL must start with https://, not ftp://" },
  { "https://example.bitrix24.com:port/rest/1/" SECRET "/", BOTBENCH_PROFILE_ERROR_NOT_A_URL,
    "The webhook URL is not a valid URL; copy it again from the portal (https://<portal>/rest/<user id>/<secret>/)" },
  { "https:///rest/1/" SECRET "/", BOTBENCH_PROFILE_ERROR_NO_HOST,
    "The webhook URL has no portal address after https://" },
  { "https://example.bitrix24.com/", BOTBENCH_PROFILE_ERROR_NO_REST_PATH,
    "The webhook URL has no /rest/ right after the portal address (expected https://<portal>/rest/<user id>/<secret>/)" },
  { "https://example.bitrix24.com/api/1/" SECRET "/", BOTBENCH_PROFILE_ERROR_NO_REST_PATH,
    "The webhook URL has no /rest/ right after the portal address (expected https://<portal>/rest/<user id>/<secret>/)" },
  { "https://example.bitrix24.com/rest/", BOTBENCH_PROFILE_ERROR_BAD_USER_ID,
    "The user id is missing after /rest/ (expected https://<portal>/rest/<user id>/<secret>/)" },
  { "https://example.bitrix24.com/rest/" SECRET "/", BOTBENCH_PROFILE_ERROR_BAD_USER_ID,
    "The part after /rest/ must be the user id, a number (expected https://<portal>/rest/<user id>/<secret>/)" },
  { "https://example.bitrix24.com/rest/admin/" SECRET "/", BOTBENCH_PROFILE_ERROR_BAD_USER_ID,
    "The part after /rest/ must be the user id, a number (expected https://<portal>/rest/<user id>/<secret>/)" },
  { "https://example.bitrix24.com/rest/1/", BOTBENCH_PROFILE_ERROR_BAD_SECRET,
    "The webhook secret is missing after the user id (expected https://<portal>/rest/<user id>/<secret>/)" },
  { "https://example.bitrix24.com/rest/1/abc12/", BOTBENCH_PROFILE_ERROR_BAD_SECRET,
    "The webhook secret is too short (5 characters, at least 8 expected); copy the whole URL again" },
  { "https://example.bitrix24.com/rest/1/q1w2e3r4-5y6u7i8/", BOTBENCH_PROFILE_ERROR_BAD_SECRET,
    "The webhook secret may only contain letters and digits; copy the URL again" },
  { "https://example.bitrix24.com/rest/1/" SECRET "/profile.json", BOTBENCH_PROFILE_ERROR_EXTRA_PATH,
    "Remove “profile.json” after the secret: the webhook URL must end with /rest/<user id>/<secret>/" },
  { "https://example.bitrix24.com/rest/1/" SECRET "/imbot/register/", BOTBENCH_PROFILE_ERROR_EXTRA_PATH,
    "Remove “imbot/register/” after the secret: the webhook URL must end with /rest/<user id>/<secret>/" },
  { "https://example.bitrix24.com/rest/1/" SECRET "/?auth=x", BOTBENCH_PROFILE_ERROR_QUERY_STRING,
    "Remove the query string (“?…”): the webhook URL must end right after the secret" },
  { "https://example.bitrix24.com/rest/1/" SECRET "/#top", BOTBENCH_PROFILE_ERROR_QUERY_STRING,
    "Remove the “#…” part: the webhook URL must end right after the secret" },
};

static void
test_webhook_url (gconstpointer data)
{
  const WebhookCase *c = data;
  g_autoptr(BotbenchWebhookUrl) parsed = NULL;
  g_autoptr(GError) error = NULL;

  parsed = botbench_webhook_url_parse (c->url, &error);

  if (c->code < 0)
    {
      g_assert_no_error (error);
      g_assert_nonnull (parsed);
      g_assert_cmpstr (parsed->portal_url, ==, c->portal_url);
      g_assert_cmpstr (parsed->user_id, ==, c->user_id);
      g_assert_cmpstr (parsed->secret, ==, SECRET);
      g_assert_cmpstr (parsed->warning, ==, c->message);
    }
  else
    {
      g_assert_null (parsed);
      g_assert_error (error, BOTBENCH_PROFILE_ERROR, c->code);
      g_assert_cmpstr (error->message, ==, c->message);
      /* The message never quotes the secret */
      g_assert_null (strstr (error->message, SECRET));
    }
}

static void
test_client_id (void)
{
  g_autoptr(BotbenchProfile) webhook = botbench_profile_new (BOTBENCH_PROFILE_KIND_WEBHOOK, NULL);
  g_autoptr(BotbenchProfile) other = botbench_profile_new (BOTBENCH_PROFILE_KIND_WEBHOOK, NULL);
  g_autoptr(BotbenchProfile) oauth = botbench_profile_new (BOTBENCH_PROFILE_KIND_OAUTH, NULL);
  g_autoptr(GError) error = NULL;
  const char *id = botbench_profile_get_client_id (webhook);

  g_assert_cmpuint (strlen (id), ==, 32);
  g_assert_true (botbench_profile_check_client_id (id, NULL));
  g_assert_cmpstr (id, !=, botbench_profile_get_client_id (other));
  g_assert_null (botbench_profile_get_client_id (oauth));
  g_assert_true (g_uuid_string_is_valid (botbench_profile_get_uuid (webhook)));
  g_assert_cmpstr (botbench_profile_get_uuid (webhook), !=, botbench_profile_get_uuid (other));

  g_assert_false (botbench_profile_check_client_id ("abc&def", &error));
  g_assert_error (error, BOTBENCH_PROFILE_ERROR, BOTBENCH_PROFILE_ERROR_BAD_CLIENT_ID);
  g_clear_error (&error);
  g_assert_false (botbench_profile_check_client_id ("", &error));
  g_assert_error (error, BOTBENCH_PROFILE_ERROR, BOTBENCH_PROFILE_ERROR_BAD_CLIENT_ID);

  g_assert_cmpstr (botbench_profile_get_token_endpoint (oauth), ==, BOTBENCH_PROFILE_DEFAULT_TOKEN_ENDPOINT);
}

static void
test_notify (void)
{
  g_autoptr(BotbenchProfile) profile = botbench_profile_new (BOTBENCH_PROFILE_KIND_WEBHOOK, NULL);

  /* Once per change, never for the same value, and nothing else. */
  botbench_test_expect_property_notify (profile, "portal-url");
  botbench_profile_set_portal_url (profile, "https://a.example/");
  botbench_profile_set_portal_url (profile, "https://a.example/");
  botbench_test_assert_expected_notifies (profile);

  botbench_test_expect_property_notify (profile, "portal-url");
  botbench_profile_set_portal_url (profile, NULL);
  botbench_test_assert_expected_notifies (profile);
}

static void
test_display_url (void)
{
  g_autoptr(BotbenchProfile) profile = botbench_profile_new (BOTBENCH_PROFILE_KIND_WEBHOOK, NULL);
  g_autoptr(BotbenchWebhookUrl) parsed = NULL;
  g_autofree char *display = NULL;

  parsed = botbench_webhook_url_parse ("https://example.bitrix24.com/rest/5/" SECRET "/", NULL);
  g_assert_nonnull (parsed);
  botbench_profile_apply_webhook_url (profile, parsed);
  display = botbench_profile_dup_display_url (profile);
  g_assert_cmpstr (display, ==, "https://example.bitrix24.com/rest/5/•••/");
}

/* Manager */

typedef struct
{
  char *dir;
  char *path;
} FileFixture;

static void
file_setup (FileFixture   *f,
            gconstpointer  data)
{
  f->dir = botbench_test_make_tmp_dir ();
  f->path = g_build_filename (f->dir, "botbench", "profiles.ini", NULL);
}

static void
file_teardown (FileFixture   *f,
               gconstpointer  data)
{
  botbench_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

static BotbenchProfile *
add_webhook (BotbenchProfileManager *manager,
             const char             *name)
{
  g_autoptr(BotbenchProfile) profile = botbench_profile_new (BOTBENCH_PROFILE_KIND_WEBHOOK, NULL);
  g_autoptr(BotbenchWebhookUrl) parsed = NULL;
  g_autoptr(GError) error = NULL;

  parsed = botbench_webhook_url_parse ("https://example.bitrix24.com/rest/1/" SECRET "/", &error);
  g_assert_no_error (error);
  botbench_profile_apply_webhook_url (profile, parsed);
  botbench_profile_set_name (profile, name);
  botbench_profile_manager_add (manager, profile, &error);
  g_assert_no_error (error);
  return profile;
}

static void
test_round_trip (FileFixture   *f,
                 gconstpointer  data)
{
  g_autoptr(BotbenchProfileManager) manager = botbench_profile_manager_new (f->path);
  g_autoptr(BotbenchProfileManager) again = NULL;
  g_autoptr(BotbenchProfile) oauth = botbench_profile_new (BOTBENCH_PROFILE_KIND_OAUTH, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  BotbenchProfile *webhook;
  BotbenchProfile *loaded;
  const char *pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
  GStatBuf st;

  botbench_profile_manager_load (manager, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 0);
  g_assert_null (botbench_profile_manager_get_active (manager));

  webhook = add_webhook (manager, "Work portal");
  g_assert_true (botbench_profile_manager_get_active (manager) == webhook);

  botbench_profile_set_name (oauth, "App");
  botbench_profile_set_portal_url (oauth, "https://b.example/");
  botbench_profile_set_oauth_client_id (oauth, "local.1234.abcd");
  botbench_profile_set_token_endpoint (oauth, "https://b.example/oauth/token/");
  botbench_profile_set_token_expires (oauth, 1760000000);
  botbench_profile_set_public_base_url (oauth, "https://tunnel.example/");
  botbench_profile_set_certificate_pem (oauth, pem);
  botbench_profile_manager_add (manager, oauth, &error);
  g_assert_no_error (error);
  botbench_profile_manager_set_active (manager, oauth, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 2);

  /* The file is private and holds no secret */
  g_assert_cmpint (g_stat (f->path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_file_get_contents (f->path, &contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (strstr (contents, SECRET));

  again = botbench_profile_manager_new (f->path);
  botbench_profile_manager_load (again, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (again)), ==, 2);

  loaded = botbench_profile_manager_lookup (again, "Work portal");
  g_assert_nonnull (loaded);
  g_assert_cmpstr (botbench_profile_get_uuid (loaded), ==, botbench_profile_get_uuid (webhook));
  g_assert_cmpint (botbench_profile_get_kind (loaded), ==, BOTBENCH_PROFILE_KIND_WEBHOOK);
  g_assert_cmpstr (botbench_profile_get_portal_url (loaded), ==, "https://example.bitrix24.com/");
  g_assert_cmpstr (botbench_profile_get_user_id (loaded), ==, "1");
  g_assert_cmpstr (botbench_profile_get_client_id (loaded), ==, botbench_profile_get_client_id (webhook));

  loaded = botbench_profile_manager_lookup (again, botbench_profile_get_uuid (oauth));
  g_assert_nonnull (loaded);
  g_assert_true (botbench_profile_manager_get_active (again) == loaded);
  g_assert_cmpint (botbench_profile_get_kind (loaded), ==, BOTBENCH_PROFILE_KIND_OAUTH);
  g_assert_cmpstr (botbench_profile_get_name (loaded), ==, "App");
  g_assert_cmpstr (botbench_profile_get_oauth_client_id (loaded), ==, "local.1234.abcd");
  g_assert_cmpstr (botbench_profile_get_token_endpoint (loaded), ==, "https://b.example/oauth/token/");
  g_assert_cmpint (botbench_profile_get_token_expires (loaded), ==, 1760000000);
  g_assert_cmpstr (botbench_profile_get_public_base_url (loaded), ==, "https://tunnel.example/");
  g_assert_cmpstr (botbench_profile_get_certificate_pem (loaded), ==, pem);
  g_assert_null (botbench_profile_get_client_id (loaded));
}

static void
test_names (FileFixture   *f,
            gconstpointer  data)
{
  g_autoptr(BotbenchProfileManager) manager = botbench_profile_manager_new (f->path);
  g_autoptr(BotbenchProfile) dup = botbench_profile_new (BOTBENCH_PROFILE_KIND_WEBHOOK, NULL);
  g_autoptr(BotbenchProfile) unnamed = botbench_profile_new (BOTBENCH_PROFILE_KIND_WEBHOOK, NULL);
  g_autoptr(GError) error = NULL;
  BotbenchProfile *a;
  BotbenchProfile *b;

  botbench_profile_manager_load (manager, &error);
  g_assert_no_error (error);
  a = g_object_ref (add_webhook (manager, "A"));
  b = add_webhook (manager, "B");

  botbench_profile_set_name (dup, "A");
  g_assert_false (botbench_profile_manager_add (manager, dup, &error));
  g_assert_error (error, BOTBENCH_PROFILE_MANAGER_ERROR, BOTBENCH_PROFILE_MANAGER_ERROR_NAME_TAKEN);
  g_assert_cmpstr (error->message, ==, "A profile named “A” already exists");
  g_clear_error (&error);

  g_assert_false (botbench_profile_manager_add (manager, unnamed, &error));
  g_assert_error (error, BOTBENCH_PROFILE_MANAGER_ERROR, BOTBENCH_PROFILE_MANAGER_ERROR_INVALID_NAME);
  g_clear_error (&error);

  g_assert_false (botbench_profile_manager_rename (manager, b, "A", &error));
  g_assert_error (error, BOTBENCH_PROFILE_MANAGER_ERROR, BOTBENCH_PROFILE_MANAGER_ERROR_NAME_TAKEN);
  g_clear_error (&error);
  g_assert_cmpstr (botbench_profile_get_name (b), ==, "B");

  g_assert_true (botbench_profile_manager_rename (manager, b, "C", &error));
  g_assert_no_error (error);
  g_assert_true (botbench_profile_manager_lookup (manager, "C") == b);
  g_assert_null (botbench_profile_manager_lookup (manager, "B"));

  /* Removing the active profile leaves none active */
  g_assert_true (botbench_profile_manager_get_active (manager) == a);
  g_assert_true (botbench_profile_manager_remove (manager, a, &error));
  g_assert_no_error (error);
  g_assert_null (botbench_profile_manager_get_active (manager));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 1);
  g_assert_false (botbench_profile_manager_remove (manager, a, &error));
  g_assert_error (error, BOTBENCH_PROFILE_MANAGER_ERROR, BOTBENCH_PROFILE_MANAGER_ERROR_NOT_FOUND);
  g_object_unref (a);
}

typedef struct
{
  BotbenchProfileManager *manager;
  guint                   n_items;
  const char             *name;
  const char             *active_name;
} ReloadWait;

static gboolean
reload_seen (gpointer data)
{
  ReloadWait *w = data;
  BotbenchProfile *active = botbench_profile_manager_get_active (w->manager);

  return g_list_model_get_n_items (G_LIST_MODEL (w->manager)) == w->n_items &&
         (w->name == NULL || botbench_profile_manager_lookup (w->manager, w->name) != NULL) &&
         (w->active_name == NULL ||
          (active != NULL && g_strcmp0 (botbench_profile_get_name (active), w->active_name) == 0));
}

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  guint      *count)
{
  (*count)++;
}

static void
test_reload (FileFixture   *f,
             gconstpointer  data)
{
  g_autoptr(BotbenchProfileManager) window = botbench_profile_manager_new (f->path);
  g_autoptr(GError) error = NULL;
  BotbenchProfile *first;
  guint changes = 0;
  ReloadWait w = { window, 0, NULL, NULL };

  botbench_profile_manager_load (window, &error);
  g_assert_no_error (error);
  g_signal_connect (window, "items-changed", G_CALLBACK (items_changed_cb), &changes);

  /* The CLI adds a profile in another process (here: another manager) */
  {
    g_autoptr(BotbenchProfileManager) cli = botbench_profile_manager_new (f->path);

    botbench_profile_manager_load (cli, &error);
    g_assert_no_error (error);
    add_webhook (cli, "From CLI");
  }

  w.n_items = 1;
  w.name = "From CLI";
  botbench_test_assert_wait_until (reload_seen, &w, "the manager to reload the file");
  g_assert_cmpuint (changes, >=, 1);
  first = botbench_profile_manager_lookup (window, "From CLI");

  /* Rename and "profiles use" in the CLI: same object, updated in place */
  {
    g_autoptr(BotbenchProfileManager) cli = botbench_profile_manager_new (f->path);
    BotbenchProfile *p;

    botbench_profile_manager_load (cli, &error);
    g_assert_no_error (error);
    add_webhook (cli, "Second");
    p = botbench_profile_manager_lookup (cli, "From CLI");
    botbench_profile_manager_rename (cli, p, "Renamed", &error);
    g_assert_no_error (error);
    botbench_profile_manager_set_active (cli, botbench_profile_manager_lookup (cli, "Second"), &error);
    g_assert_no_error (error);
  }

  w.n_items = 2;
  w.name = "Renamed";
  w.active_name = "Second";
  botbench_test_assert_wait_until (reload_seen, &w, "the manager to reload the file");
  g_assert_true (botbench_profile_manager_lookup (window, "Renamed") == first);
}

static void
test_autosave (FileFixture   *f,
               gconstpointer  data)
{
  g_autoptr(BotbenchProfileManager) manager = botbench_profile_manager_new (f->path);
  g_autoptr(BotbenchProfileManager) reader = NULL;
  g_autoptr(GError) error = NULL;
  BotbenchProfile *profile;

  botbench_profile_manager_load (manager, &error);
  g_assert_no_error (error);
  profile = add_webhook (manager, "Auto");
  botbench_profile_set_public_base_url (profile, "https://changed.example/");
  g_clear_object (&manager);   /* flushes the pending save */

  reader = botbench_profile_manager_new (f->path);
  botbench_profile_manager_load (reader, &error);
  g_assert_no_error (error);
  profile = botbench_profile_manager_lookup (reader, "Auto");
  g_assert_nonnull (profile);
  g_assert_cmpstr (botbench_profile_get_public_base_url (profile), ==, "https://changed.example/");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (webhook_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/profile/webhook-url/%u", i);

      g_test_add_data_func (path, &webhook_cases[i], test_webhook_url);
    }
  g_test_add_func ("/profile/client-id", test_client_id);
  g_test_add_func ("/profile/notify", test_notify);
  g_test_add_func ("/profile/display-url", test_display_url);
  g_test_add ("/profile/manager/round-trip", FileFixture, NULL,
              file_setup, test_round_trip, file_teardown);
  g_test_add ("/profile/manager/names", FileFixture, NULL,
              file_setup, test_names, file_teardown);
  g_test_add ("/profile/manager/reload", FileFixture, NULL,
              file_setup, test_reload, file_teardown);
  g_test_add ("/profile/manager/autosave", FileFixture, NULL,
              file_setup, test_autosave, file_teardown);

  return g_test_run ();
}
