/* test-event-template.c: simulated events against the real fixtures
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every template decodes to exactly its fixture's key paths, in order;
 * the only extra keys are the ones named below (group, files, forwarded),
 * each from the reference (see botbench-event-template.c).
 */
#include "config.h"

#include <string.h>

#include "botbench-core.h"
#include "botbench-event-template.h"
#include "botbench-test-utils.h"

typedef struct
{
  const char *name;
  const char *fixture;
  const char *extras[20];      /* keys (or prefixes ending in '[') only the template has */
} TemplateCase;

static const TemplateCase cases[] = {
  { "message-add-private", "ONIMBOTMESSAGEADD", { NULL } },
  { "message-add-group-mention", "ONIMBOTMESSAGEADD", {
      "data[PARAMS][CHAT_ID]", "data[PARAMS][CHAT_TITLE]", "data[PARAMS][CHAT_AUTHOR_ID]",
      "data[PARAMS][CHAT_AVATAR]", "data[PARAMS][CHAT_COLOR]", "data[PARAMS][CHAT_ENTITY_TYPE]",
      "data[PARAMS][CHAT_ENTITY_ID]", "data[PARAMS][CHAT_ENTITY_DATA_1]", "data[PARAMS][CHAT_ENTITY_DATA_2]",
      "data[PARAMS][CHAT_ENTITY_DATA_3]", "data[PARAMS][CHAT_EXTRANET]", "data[PARAMS][CHAT_PREV_MESSAGE_ID]",
      "data[PARAMS][CHAT_CAN_POST]", "data[PARAMS][RID]", "data[PARAMS][IS_MANAGER]",
      "data[PARAMS][MENTIONED_LIST][567]", "data[PARAMS][MESSAGE_ORIGINAL]", NULL } },
  { "message-add-files", "ONIMBOTMESSAGEADD", { "data[PARAMS][FILES][5001][", NULL } },
  { "message-add-forwarded", "ONIMBOTMESSAGEADD", { "data[PARAMS][PARAMS][", NULL } },
  { "message-update", "ONIMBOTMESSAGEUPDATE", { NULL } },
  { "message-delete", "ONIMBOTMESSAGEDELETE", { NULL } },
  { "join-chat-private", "ONIMBOTJOINCHAT", { NULL } },
  { "join-chat-group", "ONIMBOTJOINCHAT", {
      "data[PARAMS][CHAT_ID]", "data[PARAMS][CHAT_AUTHOR_ID]", "data[PARAMS][CHAT_ENTITY_TYPE]",
      "data[PARAMS][CHAT_ENTITY_ID]", "data[PARAMS][ACCESS_HISTORY]", NULL } },
  { "bot-delete", "ONIMBOTDELETE", { NULL } },
  { "command-add", "ONIMCOMMANDADD", { NULL } },
  { "app-install", "ONAPPINSTALL", { NULL } },
};

static gboolean
is_extra (const TemplateCase *c,
          const char         *key)
{
  for (guint i = 0; c->extras[i] != NULL; i++)
    {
      const char *extra = c->extras[i];

      if (g_str_has_suffix (extra, "[") ? g_str_has_prefix (key, extra) : g_str_equal (key, extra))
        return TRUE;
    }

  return FALSE;
}

/* The keys of a body, in order. */
static GPtrArray *
key_paths (const char *body,
           gsize       len)
{
  g_autoptr(BotbenchFormNode) tree = botbench_post_decode_urlencoded (body, len);
  g_auto(GStrv) pairs = botbench_form_edit_dup_pairs (tree);
  GPtrArray *keys = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; pairs[i] != NULL; i += 2)
    g_ptr_array_add (keys, g_strdup (pairs[i]));

  return keys;
}

static void
test_names (void)
{
  static const char *expected[] = {
    "message-add-private", "message-add-group-mention", "message-add-files", "message-add-forwarded",
    "message-update", "message-delete", "join-chat-private", "join-chat-group", "bot-delete",
    "command-add", "app-install", NULL
  };
  const char * const *names = botbench_event_template_list ();

  g_assert_cmpstrv (names, expected);
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_assert_nonnull (botbench_event_template_get_title (names[i]));
      g_assert_true (g_str_has_prefix (botbench_event_template_get_event (names[i]), "ON"));
    }
  g_assert_null (botbench_event_template_get_event ("nope"));
  g_assert_cmpuint (G_N_ELEMENTS (cases), ==, g_strv_length ((char **)expected));
}

static void
test_fixture_key_paths (void)
{
  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *body = botbench_event_template_build (cases[c].name, NULL, NULL, &error);
      g_autoptr(GBytes) fixture = botbench_test_load_fixture (cases[c].fixture);
      g_autoptr(GPtrArray) want = NULL;
      g_autoptr(GPtrArray) got = NULL;
      g_autoptr(GPtrArray) got_common = g_ptr_array_new ();
      guint n_extras = 0;

      g_test_message ("template %s", cases[c].name);
      g_assert_no_error (error);
      g_assert_nonnull (body);

      want = key_paths (g_bytes_get_data (fixture, NULL), g_bytes_get_size (fixture));
      got = key_paths (body, strlen (body));

      for (guint i = 0; i < got->len; i++)
        {
          if (is_extra (&cases[c], got->pdata[i]))
            n_extras++;
          else
            g_ptr_array_add (got_common, got->pdata[i]);
        }

      /* the fixture's keys, in the fixture's order */
      g_assert_cmpuint (got_common->len, ==, want->len);
      for (guint i = 0; i < want->len; i++)
        g_assert_cmpstr (got_common->pdata[i], ==, want->pdata[i]);

      /* the named extras are there (a prefix at least once) */
      for (guint i = 0; cases[c].extras[i] != NULL; i++)
        {
          gboolean found = FALSE;

          for (guint j = 0; j < got->len && !found; j++)
            found = g_str_has_suffix (cases[c].extras[i], "[")
                    ? g_str_has_prefix (got->pdata[j], cases[c].extras[i])
                    : g_str_equal (got->pdata[j], cases[c].extras[i]);
          g_assert_true (found);
        }
      if (cases[c].extras[0] == NULL)
        g_assert_cmpuint (n_extras, ==, 0);
    }
}

/* Encoded like the portal: re-encoding the decoded body gives the same
 * bytes, and the encoding is http_build_query's (brackets as %5B %5D,
 * space as +). */
static void
test_encoding (void)
{
  const char * const *names = botbench_event_template_list ();

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *body = botbench_event_template_build (names[i], NULL, NULL, NULL);
      g_autoptr(BotbenchFormNode) tree = botbench_post_decode_urlencoded (body, strlen (body));
      g_autofree char *again = botbench_form_encode (tree);

      g_assert_cmpstr (body, ==, again);
      g_assert_null (strchr (body, '['));
      g_assert_null (strchr (body, ' '));
      g_assert_true (g_str_has_prefix (body, "event=ON"));
    }
}

static void
test_bot_and_context (void)
{
  g_autoptr(BotbenchBot) bot = botbench_bot_new ();
  BotbenchTemplateContext ctx = {
    .domain = "b24-test.bitrix24.de",
    .member_id = "m123",
    .application_token = "apptoken42",
    .client_id = "local.abc.123",
    .user_id = 5,
    .user_first_name = "Ann",
    .user_last_name = "Lee",
    .message = "Hi & bye",
    .chat_id = 77,
  };
  g_autofree char *body = NULL;
  g_autoptr(BotbenchFormNode) tree = NULL;
  g_autoptr(BotbenchEvent) event = NULL;
  g_autoptr(GBytes) bytes = NULL;

  botbench_bot_set_bot_id (bot, 901);
  botbench_bot_set_code (bot, "my_bot");
  botbench_bot_set_name (bot, "Helper");

  body = botbench_event_template_build ("message-add-group-mention", bot, &ctx, NULL);
  tree = botbench_post_decode_urlencoded (body, strlen (body));
  g_assert_cmpstr (botbench_form_node_lookup_string (tree, "auth", "application_token", NULL), ==, "apptoken42");
  g_assert_cmpstr (botbench_form_node_lookup_string (tree, "auth", "domain", NULL), ==, "b24-test.bitrix24.de");
  g_assert_cmpstr (botbench_form_node_lookup_string (tree, "auth", "member_id", NULL), ==, "m123");
  g_assert_cmpstr (botbench_form_node_lookup_string (tree, "auth", "client_endpoint", NULL), ==,
                   "https://b24-test.bitrix24.de/rest/");
  g_assert_cmpstr (botbench_form_node_lookup_string (tree, "auth", "user_id", NULL), ==, "5");
  g_assert_cmpstr (botbench_form_node_lookup_string (tree, "data", "BOT", "901", "BOT_CODE", NULL), ==, "my_bot");
  g_assert_cmpstr (botbench_form_node_lookup_string (tree, "data", "BOT", "901", "AUTH", "client_id", NULL), ==,
                   "local.abc.123");
  g_assert_cmpstr (botbench_form_node_lookup_string (tree, "data", "BOT", "901", "application_token", NULL), ==,
                   "apptoken42");
  g_assert_cmpstr (botbench_form_node_lookup_string (tree, "data", "PARAMS", "MESSAGE", NULL), ==, "Hi & bye");
  g_assert_cmpstr (botbench_form_node_lookup_string (tree, "data", "PARAMS", "MESSAGE_ORIGINAL", NULL), ==,
                   "[USER=901]Helper[/USER] Hi & bye");
  g_assert_cmpstr (botbench_form_node_lookup_string (tree, "data", "PARAMS", "DIALOG_ID", NULL), ==, "chat77");
  g_assert_cmpstr (botbench_form_node_lookup_string (tree, "data", "PARAMS", "MENTIONED_LIST", "901", NULL), ==, "901");
  g_assert_cmpstr (botbench_form_node_lookup_string (tree, "data", "USER", "NAME", NULL), ==, "Ann Lee");

  /* the event summary reads it like a real one */
  bytes = g_bytes_new (body, strlen (body));
  event = botbench_event_new (g_get_real_time (), "127.0.0.1", "POST", "/bot/events", "", NULL,
                              "application/x-www-form-urlencoded", bytes);
  g_assert_cmpstr (botbench_event_get_event_name (event), ==, "ONIMBOTMESSAGEADD");
  g_assert_cmpstr (botbench_event_get_bot_id (event), ==, "901");
  g_assert_cmpstr (botbench_event_get_message (event), ==, "Hi & bye");

  /* bot-delete and command-add carry the bot too */
  g_clear_pointer (&body, g_free);
  g_clear_pointer (&tree, botbench_form_node_unref);
  body = botbench_event_template_build ("bot-delete", bot, &ctx, NULL);
  tree = botbench_post_decode_urlencoded (body, strlen (body));
  g_assert_cmpstr (botbench_form_node_lookup_string (tree, "data", "BOT_ID", NULL), ==, "901");
  g_assert_cmpstr (botbench_form_node_lookup_string (tree, "data", "BOT_CODE", NULL), ==, "my_bot");
  g_assert_null (botbench_form_node_lookup_string (tree, "auth", "refresh_token", NULL));

  g_clear_pointer (&body, g_free);
  g_clear_pointer (&tree, botbench_form_node_unref);
  ctx.command = "/weather";
  ctx.command_params = "Berlin";
  ctx.command_id = 12;
  body = botbench_event_template_build ("command-add", bot, &ctx, NULL);
  tree = botbench_post_decode_urlencoded (body, strlen (body));
  g_assert_cmpstr (botbench_form_node_lookup_string (tree, "data", "COMMAND", "12", "COMMAND", NULL), ==, "weather");
  g_assert_cmpstr (botbench_form_node_lookup_string (tree, "data", "COMMAND", "12", "BOT_ID", NULL), ==, "901");
  g_assert_cmpstr (botbench_form_node_lookup_string (tree, "data", "PARAMS", "MESSAGE", NULL), ==, "/weather Berlin");
  g_assert_nonnull (botbench_form_node_lookup_string (tree, "auth", "refresh_token", NULL));
}

/* The context made from a profile with an expected token: every template
 * carries the profile's portal, client id and auth[application_token], so
 * the token check of the simulated event says "verified". */
static void
test_context_from_profile (void)
{
  const char *token = "4f7c1e0b9a2d4c6e8f1a3b5c7d9e0f12";
  g_autoptr(BotbenchProfile) profile = botbench_profile_new (BOTBENCH_PROFILE_KIND_WEBHOOK, NULL);
  g_auto(BotbenchTemplateContext) ctx = { NULL };
  g_auto(BotbenchTemplateContext) bare = { NULL };

  botbench_profile_set_portal_url (profile, "https://portal.example.org:8443");
  botbench_profile_set_client_id (profile, "local.5f0c1d2e3b4a59.12345678");
  botbench_template_context_init_from_profile (&ctx, profile, token);
  g_assert_cmpstr (ctx.domain, ==, "portal.example.org:8443");
  g_assert_cmpstr (ctx.client_endpoint, ==, "https://portal.example.org:8443/rest/");
  g_assert_cmpstr (ctx.client_id, ==, "local.5f0c1d2e3b4a59.12345678");
  g_assert_cmpstr (ctx.application_token, ==, token);

  for (const char * const *name = botbench_event_template_list (); *name != NULL; name++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *body = botbench_event_template_build (*name, NULL, &ctx, &error);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(BotbenchEvent) event = NULL;
      BotbenchFormNode *form;

      g_assert_no_error (error);
      bytes = g_bytes_new (body, strlen (body));
      event = botbench_replay_build_new ("/", bytes);
      form = botbench_event_get_form (event);
      g_assert_nonnull (form);
      g_assert_cmpstr (botbench_form_node_lookup_string (form, "auth", "application_token", NULL), ==, token);
      g_assert_cmpstr (botbench_form_node_lookup_string (form, "auth", "domain", NULL), ==,
                       "portal.example.org:8443");
      g_assert_cmpstr (botbench_form_node_lookup_string (form, "auth", "client_endpoint", NULL), ==,
                       "https://portal.example.org:8443/rest/");
      g_assert_cmpstr (botbench_token_check_find (event), ==, token);
      g_assert_cmpint (botbench_token_check (event, token), ==, BOTBENCH_TOKEN_STATE_VERIFIED);
      g_assert_cmpint (botbench_token_check (event, "another"), ==, BOTBENCH_TOKEN_STATE_WRONG);
    }

  /* No profile, no token: the fixtures' values; an empty token is none. */
  botbench_template_context_init_from_profile (&bare, NULL, "");
  g_assert_null (bare.domain);
  g_assert_null (bare.client_id);
  g_assert_null (bare.application_token);
  botbench_template_context_clear (&bare);
  g_assert_null (bare.application_token);

  /* A portal URL without a host leaves the defaults. */
  botbench_profile_set_portal_url (profile, "not a url");
  botbench_template_context_clear (&ctx);
  botbench_template_context_init_from_profile (&ctx, profile, NULL);
  g_assert_null (ctx.domain);
  g_assert_null (ctx.client_endpoint);
  g_assert_null (ctx.application_token);
}

static void
test_unknown (void)
{
  g_autoptr(GError) error = NULL;
  char *body = botbench_event_template_build ("message-add", NULL, NULL, &error);

  g_assert_null (body);
  g_assert_error (error, BOTBENCH_EVENT_TEMPLATE_ERROR, BOTBENCH_EVENT_TEMPLATE_ERROR_UNKNOWN);
  g_assert_nonnull (strstr (error->message, "message-add-private"));
  g_assert_nonnull (strstr (error->message, "app-install"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/event-template/list/names", test_names);
  g_test_add_func ("/event-template/fixtures/key-paths", test_fixture_key_paths);
  g_test_add_func ("/event-template/fixtures/encoding", test_encoding);
  g_test_add_func ("/event-template/build/bot-and-context", test_bot_and_context);
  g_test_add_func ("/event-template/build/unknown", test_unknown);
  g_test_add_func ("/event-template/build/context-from-profile", test_context_from_profile);

  return g_test_run ();
}
