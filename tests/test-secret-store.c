/* test-secret-store.c: secrets in a real (private) gnome-keyring, and the
 * session-only fallback when no Secret Service can be reached
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The keyring cases need tests/with-keyring.sh (a private bus and keyring);
 * run directly, they are skipped rather than touching the user's keyring.
 */
#define G_LOG_DOMAIN "test-secret-store"

#include "config.h"

#include <string.h>

#include "botbench-secret-store.h"
#include "botbench-test-utils.h"

#define SECRET_A "wh-secret-0f1e2d3c4b5a6978"
#define SECRET_B "tok-access-a1b2c3d4e5f6a7b8"

static gboolean
store (BotbenchSecretStore  *store_,
       const char           *uuid,
       BotbenchSecretKind    kind,
       const char           *secret,
       GError              **error)
{
  BotbenchTestResult w = { NULL };
  gboolean ret;

  botbench_secret_store_store_async (store_, uuid, kind, secret, NULL, botbench_test_result_cb, &w);
  botbench_test_result_wait (&w, 20000);
  ret = botbench_secret_store_store_finish (store_, w.result, error);
  botbench_test_result_clear (&w);
  return ret;
}

static char *
lookup (BotbenchSecretStore  *store_,
        const char           *uuid,
        BotbenchSecretKind    kind,
        GError              **error)
{
  BotbenchTestResult w = { NULL };
  char *ret;

  botbench_secret_store_lookup_async (store_, uuid, kind, NULL, botbench_test_result_cb, &w);
  botbench_test_result_wait (&w, 20000);
  ret = botbench_secret_store_lookup_finish (store_, w.result, error);
  botbench_test_result_clear (&w);
  return ret;
}

static gboolean
clear (BotbenchSecretStore  *store_,
       const char           *uuid,
       BotbenchSecretKind    kind,
       GError              **error)
{
  BotbenchTestResult w = { NULL };
  gboolean ret;

  botbench_secret_store_clear_async (store_, uuid, kind, NULL, botbench_test_result_cb, &w);
  botbench_test_result_wait (&w, 20000);
  ret = botbench_secret_store_clear_finish (store_, w.result, error);
  botbench_test_result_clear (&w);
  return ret;
}

static gboolean
skip_without_keyring (void)
{
  if (g_getenv ("BOTBENCH_TEST_KEYRING") == NULL)
    {
      g_test_skip ("needs a private keyring: run through tests/with-keyring.sh");
      return TRUE;
    }
  return FALSE;
}

static void
changed_cb (BotbenchSecretStore *store_,
            const char          *uuid,
            guint                kind,
            GString             *log)
{
  g_string_append_printf (log, "%s/%s;", uuid, botbench_secret_kind_to_string (kind) ?: "any");
}

/* Round trip through the store operations, for both back ends. */
static void
check_round_trip (BotbenchSecretStore *secrets)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *other = g_uuid_string_random ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) changes = g_string_new (NULL);
  g_autofree char *expected = NULL;
  gulong handler;
  char *value;

  value = lookup (secrets, uuid, BOTBENCH_SECRET_KIND_WEBHOOK_SECRET, &error);
  g_assert_no_error (error);
  g_assert_null (value);

  /* "changed" for each store and clear, not for lookups */
  handler = g_signal_connect (secrets, "changed", G_CALLBACK (changed_cb), changes);
  g_assert_true (store (secrets, uuid, BOTBENCH_SECRET_KIND_REFRESH_TOKEN, "x-refresh", &error));
  g_assert_no_error (error);
  value = lookup (secrets, uuid, BOTBENCH_SECRET_KIND_REFRESH_TOKEN, &error);
  g_assert_no_error (error);
  botbench_secret_free (value);
  g_assert_true (clear (secrets, uuid, BOTBENCH_SECRET_KIND_ANY, &error));
  g_assert_no_error (error);
  expected = g_strdup_printf ("%s/refresh-token;%s/any;", uuid, uuid);
  g_assert_cmpstr (changes->str, ==, expected);
  g_signal_handler_disconnect (secrets, handler);

  g_assert_true (store (secrets, uuid, BOTBENCH_SECRET_KIND_WEBHOOK_SECRET, "old", &error));
  g_assert_no_error (error);
  g_assert_true (store (secrets, uuid, BOTBENCH_SECRET_KIND_WEBHOOK_SECRET, SECRET_A, &error));
  g_assert_no_error (error);
  g_assert_true (store (secrets, uuid, BOTBENCH_SECRET_KIND_ACCESS_TOKEN, SECRET_B, &error));
  g_assert_no_error (error);
  g_assert_true (store (secrets, other, BOTBENCH_SECRET_KIND_WEBHOOK_SECRET, "other-secret", &error));
  g_assert_no_error (error);

  value = lookup (secrets, uuid, BOTBENCH_SECRET_KIND_WEBHOOK_SECRET, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, SECRET_A);
  botbench_secret_free (value);

  value = lookup (secrets, uuid, BOTBENCH_SECRET_KIND_ACCESS_TOKEN, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, SECRET_B);
  botbench_secret_free (value);

  value = lookup (secrets, uuid, BOTBENCH_SECRET_KIND_REFRESH_TOKEN, &error);
  g_assert_no_error (error);
  g_assert_null (value);

  /* Clearing one kind keeps the others */
  g_assert_true (clear (secrets, uuid, BOTBENCH_SECRET_KIND_ACCESS_TOKEN, &error));
  g_assert_no_error (error);
  value = lookup (secrets, uuid, BOTBENCH_SECRET_KIND_ACCESS_TOKEN, &error);
  g_assert_no_error (error);
  g_assert_null (value);
  value = lookup (secrets, uuid, BOTBENCH_SECRET_KIND_WEBHOOK_SECRET, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, SECRET_A);
  botbench_secret_free (value);

  /* Clearing a profile leaves other profiles alone */
  g_assert_true (store (secrets, uuid, BOTBENCH_SECRET_KIND_REFRESH_TOKEN, "r", &error));
  g_assert_no_error (error);
  g_assert_true (clear (secrets, uuid, BOTBENCH_SECRET_KIND_ANY, &error));
  g_assert_no_error (error);
  value = lookup (secrets, uuid, BOTBENCH_SECRET_KIND_WEBHOOK_SECRET, &error);
  g_assert_no_error (error);
  g_assert_null (value);
  value = lookup (secrets, uuid, BOTBENCH_SECRET_KIND_REFRESH_TOKEN, &error);
  g_assert_no_error (error);
  g_assert_null (value);
  value = lookup (secrets, other, BOTBENCH_SECRET_KIND_WEBHOOK_SECRET, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, "other-secret");
  botbench_secret_free (value);

  /* The blocking variants used by the CLI */
  g_assert_true (botbench_secret_store_store_sync (secrets, other, BOTBENCH_SECRET_KIND_CLIENT_SECRET,
                                                   "client-secret-value", NULL, &error));
  g_assert_no_error (error);
  value = botbench_secret_store_lookup_sync (secrets, other, BOTBENCH_SECRET_KIND_CLIENT_SECRET, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, "client-secret-value");
  botbench_secret_free (value);
  g_assert_true (clear (secrets, other, BOTBENCH_SECRET_KIND_ANY, &error));
  g_assert_no_error (error);
}

static void
test_keyring_round_trip (void)
{
  g_autoptr(BotbenchSecretStore) secrets = NULL;

  if (skip_without_keyring ())
    return;

  secrets = botbench_secret_store_new ();
  check_round_trip (secrets);
}

/* The caller's UUID string may be gone as soon as the call returns. */
static void
test_keyring_uuid_not_borrowed (void)
{
  g_autoptr(BotbenchSecretStore) secrets = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  char *value;
  char *scratch;
  BotbenchTestResult w = { NULL };

  if (skip_without_keyring ())
    return;

  secrets = botbench_secret_store_new ();
  g_assert_true (store (secrets, uuid, BOTBENCH_SECRET_KIND_WEBHOOK_SECRET, "borrowed-secret", &error));
  g_assert_no_error (error);

  scratch = g_strdup (uuid);
  botbench_secret_store_clear_async (secrets, scratch, BOTBENCH_SECRET_KIND_ANY, NULL, botbench_test_result_cb, &w);
  memset (scratch, 'x', strlen (scratch));
  g_free (scratch);
  botbench_test_result_wait (&w, 20000);
  g_assert_true (botbench_secret_store_clear_finish (secrets, w.result, &error));
  g_assert_no_error (error);
  botbench_test_result_clear (&w);

  value = lookup (secrets, uuid, BOTBENCH_SECRET_KIND_WEBHOOK_SECRET, &error);
  g_assert_no_error (error);
  g_assert_null (value);
}

static void
test_keyring_shared (void)
{
  g_autoptr(BotbenchSecretStore) writer = NULL;
  g_autoptr(BotbenchSecretStore) reader = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  g_autoptr(GError) error = NULL;
  char *value;

  if (skip_without_keyring ())
    return;

  /* What the CLI stores, the window finds: the keyring is the only copy */
  writer = botbench_secret_store_new ();
  reader = botbench_secret_store_new ();
  g_assert_true (store (writer, uuid, BOTBENCH_SECRET_KIND_REFRESH_TOKEN, SECRET_B, &error));
  g_assert_no_error (error);
  g_clear_object (&writer);
  value = lookup (reader, uuid, BOTBENCH_SECRET_KIND_REFRESH_TOKEN, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, SECRET_B);
  botbench_secret_free (value);
  g_assert_true (clear (reader, uuid, BOTBENCH_SECRET_KIND_ANY, &error));
  g_assert_no_error (error);
}

static void
assert_no_file_contains (const char *dir,
                         const char *needle)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)))
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *contents = NULL;
      gsize len;

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        assert_no_file_contains (path, needle);
      else if (g_file_get_contents (path, &contents, &len, NULL))
        g_assert_null (g_strstr_len (contents, len, needle));
    }
}

static void
no_bus_subprocess (void)
{
  g_autoptr(BotbenchSecretStore) secrets = NULL;
  g_autoptr(BotbenchSecretStore) fresh = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = botbench_test_make_tmp_dir ();
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *bus = g_strdup_printf ("unix:path=%s/no-such-bus", dir);
  char *value;

  /* No session bus, and none can be autolaunched */
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", bus, TRUE);
  g_unsetenv ("DISPLAY");
  g_setenv ("HOME", dir, TRUE);
  g_setenv ("XDG_DATA_HOME", dir, TRUE);
  g_setenv ("XDG_CONFIG_HOME", dir, TRUE);
  g_setenv ("XDG_CACHE_HOME", dir, TRUE);

  secrets = botbench_secret_store_new ();
  g_assert_false (botbench_secret_store_get_session_only (secrets));

  g_assert_false (store (secrets, uuid, BOTBENCH_SECRET_KIND_WEBHOOK_SECRET, SECRET_A, &error));
  g_assert_error (error, BOTBENCH_SECRET_STORE_ERROR, BOTBENCH_SECRET_STORE_ERROR_UNAVAILABLE);
  g_assert_null (strstr (error->message, SECRET_A));
  g_clear_error (&error);

  value = lookup (secrets, uuid, BOTBENCH_SECRET_KIND_WEBHOOK_SECRET, &error);
  g_assert_null (value);
  g_assert_error (error, BOTBENCH_SECRET_STORE_ERROR, BOTBENCH_SECRET_STORE_ERROR_UNAVAILABLE);
  g_clear_error (&error);

  /* Explicit opt-in */
  botbench_secret_store_set_session_only (secrets, TRUE);
  check_round_trip (secrets);
  g_assert_true (store (secrets, uuid, BOTBENCH_SECRET_KIND_WEBHOOK_SECRET, SECRET_A, &error));
  g_assert_no_error (error);
  value = lookup (secrets, uuid, BOTBENCH_SECRET_KIND_WEBHOOK_SECRET, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, SECRET_A);
  botbench_secret_free (value);

  /* Only in this object's memory: another store (the next run) has nothing */
  fresh = botbench_secret_store_new ();
  botbench_secret_store_set_session_only (fresh, TRUE);
  value = lookup (fresh, uuid, BOTBENCH_SECRET_KIND_WEBHOOK_SECRET, &error);
  g_assert_no_error (error);
  g_assert_null (value);

  /* and nothing was written to disk */
  assert_no_file_contains (dir, SECRET_A);

  /* Leaving session-only mode forgets the secrets */
  botbench_secret_store_set_session_only (secrets, FALSE);
  botbench_secret_store_set_session_only (secrets, TRUE);
  value = lookup (secrets, uuid, BOTBENCH_SECRET_KIND_WEBHOOK_SECRET, &error);
  g_assert_no_error (error);
  g_assert_null (value);

  botbench_test_rm_rf (dir);
}

static void
test_no_bus (void)
{
  if (g_test_subprocess ())
    {
      no_bus_subprocess ();
      return;
    }

  /* A child process, since the environment changes and GDBus caches the bus */
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC,
                          G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* No bus address and an X display that is not there: GIO tries to
 * autolaunch a bus and fails.  libsecret alone answers that with a critical
 * and a NULL error; the store must say UNAVAILABLE. */
static void
test_autolaunch_fails (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(BotbenchSecretStore) secrets = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *uuid = g_uuid_string_random ();

      g_unsetenv ("DBUS_SESSION_BUS_ADDRESS");
      g_setenv ("DISPLAY", ":54321", TRUE);
      g_setenv ("XDG_RUNTIME_DIR", "/nonexistent-botbench-runtime", TRUE);
      g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);

      secrets = botbench_secret_store_new ();
      g_assert_false (store (secrets, uuid, BOTBENCH_SECRET_KIND_WEBHOOK_SECRET, "s3cret-value", &error));
      g_assert_error (error, BOTBENCH_SECRET_STORE_ERROR, BOTBENCH_SECRET_STORE_ERROR_UNAVAILABLE);
      g_assert_null (strstr (error->message, "s3cret-value"));
      g_clear_error (&error);

      g_assert_null (lookup (secrets, uuid, BOTBENCH_SECRET_KIND_WEBHOOK_SECRET, &error));
      g_assert_error (error, BOTBENCH_SECRET_STORE_ERROR, BOTBENCH_SECRET_STORE_ERROR_UNAVAILABLE);
      return;
    }

  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* ---- held secrets ------------------------------------------------------- */

static GString *captured_log;

static GLogWriterOutput
capture_log_writer (GLogLevelFlags   log_level,
                    const GLogField *fields,
                    gsize            n_fields,
                    gpointer         user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    if (g_strcmp0 (fields[i].key, "MESSAGE") == 0)
      {
        if (fields[i].length < 0)
          g_string_append (captured_log, fields[i].value);
        else
          g_string_append_len (captured_log, fields[i].value, fields[i].length);
        g_string_append_c (captured_log, '\n');
      }
  return G_LOG_WRITER_HANDLED;
}

static void
held_no_bus_subprocess (void)
{
  g_autoptr(BotbenchSecretStore) secrets = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) changes = g_string_new (NULL);
  g_autofree char *dir = botbench_test_make_tmp_dir ();
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *bus = g_strdup_printf ("unix:path=%s/no-such-bus", dir);
  g_autofree char *expected = NULL;
  char *value;

  /* No Secret Service at all: a held secret must not need one. */
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", bus, TRUE);
  g_unsetenv ("DISPLAY");
  g_setenv ("HOME", dir, TRUE);
  g_setenv ("XDG_DATA_HOME", dir, TRUE);
  g_setenv ("XDG_CONFIG_HOME", dir, TRUE);
  g_setenv ("XDG_CACHE_HOME", dir, TRUE);
  captured_log = g_string_new (NULL);
  g_log_set_writer_func (capture_log_writer, NULL, NULL);
  g_log_set_debug_enabled (TRUE);

  secrets = botbench_secret_store_new ();
  g_signal_connect (secrets, "changed", G_CALLBACK (changed_cb), changes);
  g_assert_false (botbench_secret_store_is_held (secrets, uuid, BOTBENCH_SECRET_KIND_WEBHOOK_SECRET));
  g_assert_null (lookup (secrets, uuid, BOTBENCH_SECRET_KIND_WEBHOOK_SECRET, &error));
  g_assert_error (error, BOTBENCH_SECRET_STORE_ERROR, BOTBENCH_SECRET_STORE_ERROR_UNAVAILABLE);
  g_clear_error (&error);

  /* Holding answers lookups, async and sync, and says "changed" once. */
  botbench_secret_store_hold (secrets, uuid, BOTBENCH_SECRET_KIND_WEBHOOK_SECRET, SECRET_A);
  expected = g_strdup_printf ("%s/webhook-secret;", uuid);
  g_assert_cmpstr (changes->str, ==, expected);
  g_assert_true (botbench_secret_store_is_held (secrets, uuid, BOTBENCH_SECRET_KIND_WEBHOOK_SECRET));
  value = lookup (secrets, uuid, BOTBENCH_SECRET_KIND_WEBHOOK_SECRET, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, SECRET_A);
  botbench_secret_free (value);
  value = botbench_secret_store_lookup_sync (secrets, uuid, BOTBENCH_SECRET_KIND_WEBHOOK_SECRET, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, SECRET_A);
  botbench_secret_free (value);
  value = botbench_secret_store_dup_held (secrets, uuid, BOTBENCH_SECRET_KIND_WEBHOOK_SECRET);
  g_assert_cmpstr (value, ==, SECRET_A);
  botbench_secret_free (value);

  /* Only that kind of that profile. */
  g_assert_false (botbench_secret_store_is_held (secrets, uuid, BOTBENCH_SECRET_KIND_ACCESS_TOKEN));
  g_assert_null (lookup (secrets, uuid, BOTBENCH_SECRET_KIND_ACCESS_TOKEN, &error));
  g_assert_error (error, BOTBENCH_SECRET_STORE_ERROR, BOTBENCH_SECRET_STORE_ERROR_UNAVAILABLE);
  g_clear_error (&error);

  /* The same value again (a sandbox restart) is no change; another is. */
  botbench_secret_store_hold (secrets, uuid, BOTBENCH_SECRET_KIND_WEBHOOK_SECRET, SECRET_A);
  g_assert_cmpstr (changes->str, ==, expected);
  botbench_secret_store_hold (secrets, uuid, BOTBENCH_SECRET_KIND_WEBHOOK_SECRET, SECRET_B);
  g_free (expected);
  expected = g_strdup_printf ("%s/webhook-secret;%s/webhook-secret;", uuid, uuid);
  g_assert_cmpstr (changes->str, ==, expected);
  value = lookup (secrets, uuid, BOTBENCH_SECRET_KIND_WEBHOOK_SECRET, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, SECRET_B);
  botbench_secret_free (value);

  /* Released: the keyring answers again (here: there is none). */
  botbench_secret_store_release (secrets, uuid, BOTBENCH_SECRET_KIND_WEBHOOK_SECRET);
  g_free (expected);
  expected = g_strdup_printf ("%s/webhook-secret;%s/webhook-secret;%s/webhook-secret;", uuid, uuid, uuid);
  g_assert_cmpstr (changes->str, ==, expected);
  g_assert_false (botbench_secret_store_is_held (secrets, uuid, BOTBENCH_SECRET_KIND_WEBHOOK_SECRET));
  g_assert_null (lookup (secrets, uuid, BOTBENCH_SECRET_KIND_WEBHOOK_SECRET, &error));
  g_assert_error (error, BOTBENCH_SECRET_STORE_ERROR, BOTBENCH_SECRET_STORE_ERROR_UNAVAILABLE);
  g_clear_error (&error);
  /* Releasing what is not held is no change. */
  botbench_secret_store_release (secrets, uuid, BOTBENCH_SECRET_KIND_WEBHOOK_SECRET);
  g_assert_cmpstr (changes->str, ==, expected);

  /* Held wins over session-only memory too, and a clear releases it. */
  botbench_secret_store_set_session_only (secrets, TRUE);
  g_assert_true (store (secrets, uuid, BOTBENCH_SECRET_KIND_ACCESS_TOKEN, "in-memory-token", &error));
  g_assert_no_error (error);
  botbench_secret_store_hold (secrets, uuid, BOTBENCH_SECRET_KIND_ACCESS_TOKEN, SECRET_A);
  value = lookup (secrets, uuid, BOTBENCH_SECRET_KIND_ACCESS_TOKEN, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, SECRET_A);
  botbench_secret_free (value);
  g_assert_true (clear (secrets, uuid, BOTBENCH_SECRET_KIND_ANY, &error));
  g_assert_no_error (error);
  g_assert_false (botbench_secret_store_is_held (secrets, uuid, BOTBENCH_SECRET_KIND_ACCESS_TOKEN));
  g_assert_null (lookup (secrets, uuid, BOTBENCH_SECRET_KIND_ACCESS_TOKEN, &error));
  g_assert_no_error (error);

  /* Debug lines name the profile and kind, never the value; no file has it. */
  g_assert_nonnull (strstr (captured_log->str, uuid));
  g_assert_null (strstr (captured_log->str, SECRET_A));
  g_assert_null (strstr (captured_log->str, SECRET_B));
  assert_no_file_contains (dir, SECRET_A);
  assert_no_file_contains (dir, SECRET_B);

  g_clear_object (&secrets);
  g_string_free (g_steal_pointer (&captured_log), TRUE);
  botbench_test_rm_rf (dir);
}

static void
test_held_no_bus (void)
{
  if (g_test_subprocess ())
    {
      held_no_bus_subprocess ();
      return;
    }

  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* A held secret wins over the keyring's; a store through the same object
 * replaces the held value (and reaches the keyring); releasing it lets the
 * keyring answer again. */
static void
test_keyring_held_wins (void)
{
  g_autoptr(BotbenchSecretStore) secrets = NULL;
  g_autoptr(BotbenchSecretStore) other = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  g_autoptr(GError) error = NULL;
  char *value;

  if (skip_without_keyring ())
    return;

  secrets = botbench_secret_store_new ();
  other = botbench_secret_store_new ();
  g_assert_true (store (other, uuid, BOTBENCH_SECRET_KIND_WEBHOOK_SECRET, SECRET_B, &error));
  g_assert_no_error (error);

  botbench_secret_store_hold (secrets, uuid, BOTBENCH_SECRET_KIND_WEBHOOK_SECRET, SECRET_A);
  value = lookup (secrets, uuid, BOTBENCH_SECRET_KIND_WEBHOOK_SECRET, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, SECRET_A);
  botbench_secret_free (value);

  /* Per object (per process): the other store still reads the keyring. */
  value = lookup (other, uuid, BOTBENCH_SECRET_KIND_WEBHOOK_SECRET, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, SECRET_B);
  botbench_secret_free (value);

  /* Never written by holding. */
  botbench_secret_store_release (secrets, uuid, BOTBENCH_SECRET_KIND_WEBHOOK_SECRET);
  value = lookup (secrets, uuid, BOTBENCH_SECRET_KIND_WEBHOOK_SECRET, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, SECRET_B);
  botbench_secret_free (value);

  /* A store of a new value replaces the held one and reaches the keyring. */
  botbench_secret_store_hold (secrets, uuid, BOTBENCH_SECRET_KIND_WEBHOOK_SECRET, SECRET_A);
  g_assert_true (store (secrets, uuid, BOTBENCH_SECRET_KIND_WEBHOOK_SECRET, "newer-secret", &error));
  g_assert_no_error (error);
  value = lookup (secrets, uuid, BOTBENCH_SECRET_KIND_WEBHOOK_SECRET, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, "newer-secret");
  botbench_secret_free (value);
  value = lookup (other, uuid, BOTBENCH_SECRET_KIND_WEBHOOK_SECRET, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, "newer-secret");
  botbench_secret_free (value);

  g_assert_true (clear (secrets, uuid, BOTBENCH_SECRET_KIND_ANY, &error));
  g_assert_no_error (error);
  g_assert_false (botbench_secret_store_is_held (secrets, uuid, BOTBENCH_SECRET_KIND_WEBHOOK_SECRET));
  g_assert_null (lookup (secrets, uuid, BOTBENCH_SECRET_KIND_WEBHOOK_SECRET, &error));
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/secret-store/keyring/round-trip", test_keyring_round_trip);
  g_test_add_func ("/secret-store/keyring/shared", test_keyring_shared);
  g_test_add_func ("/secret-store/keyring/uuid-not-borrowed", test_keyring_uuid_not_borrowed);
  g_test_add_func ("/secret-store/no-bus", test_no_bus);
  g_test_add_func ("/secret-store/autolaunch-fails", test_autolaunch_fails);
  g_test_add_func ("/secret-store/held/no-bus", test_held_no_bus);
  g_test_add_func ("/secret-store/keyring/held-wins", test_keyring_held_wins);

  return g_test_run ();
}
