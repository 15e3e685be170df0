/* test-request-preview.c: BotbenchRequestPreview and the text masker
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "botbench-core.h"
#include "botbench-test-utils.h"

#define SECRET       "s3cretWebhookKey42"
#define ACCESS_TOKEN "acc3ssTokenValue77"
#define CLIENT_ID    "myClientId123"

static BotbenchProfile *
webhook_profile (void)
{
  BotbenchProfile *profile = botbench_profile_new (BOTBENCH_PROFILE_KIND_WEBHOOK, NULL);
  g_autoptr(BotbenchWebhookUrl) parsed = NULL;

  parsed = botbench_webhook_url_parse ("https://example.bitrix24.com/rest/5/" SECRET "/", NULL);
  g_assert_nonnull (parsed);
  botbench_profile_apply_webhook_url (profile, parsed);
  botbench_profile_set_client_id (profile, CLIENT_ID);
  return profile;
}

static BotbenchProfile *
oauth_profile (void)
{
  BotbenchProfile *profile = botbench_profile_new (BOTBENCH_PROFILE_KIND_OAUTH, NULL);

  botbench_profile_set_portal_url (profile, "https://oauth.example.com/");
  botbench_profile_set_oauth_client_id (profile, "app.1");
  return profile;
}

static JsonObject *
parse_object (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* A PERSONAL_PHOTO of @len base64 characters */
static char *
long_photo (gsize len)
{
  GString *str = g_string_new (NULL);

  while (str->len < len)
    g_string_append (str, "iVBORw0KGgo+/AAA");
  g_string_truncate (str, len);
  return g_string_free (str, FALSE);
}

static void
assert_no_secret (BotbenchRequestPreview *preview,
                  const char             *secret)
{
  g_autofree char *pretty = botbench_request_preview_dup_body_text (preview, TRUE);
  g_autofree char *compact = botbench_request_preview_dup_body_text (preview, FALSE);
  g_autofree char *curl = botbench_request_preview_dup_curl (preview);
  g_autoptr(JsonNode) json = botbench_request_preview_to_json (preview);
  g_autofree char *json_text = json_to_string (json, TRUE);

  g_assert_null (strstr (botbench_request_preview_get_url (preview), secret));
  g_assert_null (strstr (pretty, secret));
  g_assert_null (strstr (compact, secret));
  g_assert_null (strstr (curl, secret));
  g_assert_null (strstr (json_text, secret));
}

/* An imbot.v2 body: botToken masked wherever it is, no CLIENT_ID added */
static void
test_webhook_v2 (void)
{
  g_autoptr(BotbenchProfile) profile = webhook_profile ();
  g_autoptr(JsonObject) params = parse_object ("{\"botToken\":\"" SECRET "\",\"fields\":"
                                               "{\"code\":\"echo\",\"BOT_TOKEN\":\"" SECRET "\"}}");
  g_autoptr(BotbenchRequestPreview) preview = NULL;
  g_autofree char *compact = NULL;

  preview = botbench_request_preview_new (profile, "imbot.v2.Bot.register", params,
                                          BOTBENCH_REQUEST_PREVIEW_CREDENTIAL);
  compact = botbench_request_preview_dup_body_text (preview, FALSE);
  g_assert_cmpstr (compact, ==,
                   "{\"botToken\":\"" BOTBENCH_MASK "\",\"fields\":{\"code\":\"echo\",\"BOT_TOKEN\":\"" BOTBENCH_MASK "\"}}");
  assert_no_secret (preview, SECRET);
}

static void
test_webhook (void)
{
  g_autoptr(BotbenchProfile) profile = webhook_profile ();
  g_autoptr(JsonObject) params = parse_object ("{\"CODE\":\"echo\",\"password\":\"" SECRET "\"}");
  g_autoptr(BotbenchRequestPreview) preview = NULL;
  g_autofree char *compact = NULL;
  g_autofree char *curl = NULL;
  g_autofree char *base = NULL;

  preview = botbench_request_preview_new (profile, "imbot.register", params,
                                          BOTBENCH_REQUEST_PREVIEW_CREDENTIAL);
  g_assert_cmpstr (botbench_request_preview_get_method (preview), ==, "imbot.register");
  g_assert_cmpstr (botbench_request_preview_get_url (preview), ==,
                   "https://example.bitrix24.com/rest/5/" BOTBENCH_MASK "/imbot.register.json");
  compact = botbench_request_preview_dup_body_text (preview, FALSE);
  g_assert_cmpstr (compact, ==,
                   "{\"CODE\":\"echo\",\"password\":\"" BOTBENCH_MASK "\",\"CLIENT_ID\":\"" BOTBENCH_MASK "\"}");
  assert_no_secret (preview, SECRET);
  assert_no_secret (preview, CLIENT_ID);

  curl = botbench_request_preview_dup_curl (preview);
  g_assert_cmpstr (curl, ==,
                   "curl -X POST -H 'Content-Type: application/json' -d "
                   "'{\"CODE\":\"echo\",\"password\":\"" BOTBENCH_MASK "\",\"CLIENT_ID\":\"" BOTBENCH_MASK "\"}' "
                   "'https://example.bitrix24.com/rest/5/" BOTBENCH_MASK "/imbot.register.json'");

  /* The caller's parameters are left alone */
  g_assert_cmpstr (json_object_get_string_member (params, "password"), ==, SECRET);
  g_assert_false (json_object_has_member (params, "CLIENT_ID"));

  base = botbench_request_preview_dup_base_url (profile);
  g_assert_cmpstr (base, ==, "https://example.bitrix24.com/rest/5/" BOTBENCH_MASK "/");
}

static void
test_webhook_no_credential (void)
{
  g_autoptr(BotbenchProfile) profile = webhook_profile ();
  g_autoptr(JsonObject) params = parse_object ("{\"BOT_ID\":7,\"CLIENT_ID\":\"" CLIENT_ID "\"}");
  g_autoptr(BotbenchRequestPreview) preview = NULL;
  g_autoptr(BotbenchRequestPreview) scope = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autofree char *text = NULL;
  g_autofree char *scope_body = NULL;
  JsonObject *object;

  /* As --dry-run shows it: the body as given */
  preview = botbench_request_preview_new (profile, "imbot.unregister", params, BOTBENCH_REQUEST_PREVIEW_DEFAULT);
  json = botbench_request_preview_to_json (preview);
  object = json_node_get_object (json);
  g_assert_cmpuint (json_object_get_size (object), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (object, "method"), ==, "imbot.unregister");
  g_assert_cmpstr (json_object_get_string_member (object, "url"), ==,
                   "https://example.bitrix24.com/rest/5/" BOTBENCH_MASK "/imbot.unregister.json");
  text = json_to_string (json_object_get_member (object, "body"), FALSE);
  g_assert_cmpstr (text, ==, "{\"BOT_ID\":7,\"CLIENT_ID\":\"" CLIENT_ID "\"}");
  assert_no_secret (preview, SECRET);

  /* The client adds CLIENT_ID to imbot.* calls only */
  scope = botbench_request_preview_new (profile, "scope", NULL, BOTBENCH_REQUEST_PREVIEW_CREDENTIAL);
  scope_body = botbench_request_preview_dup_body_text (scope, FALSE);
  g_assert_cmpstr (scope_body, ==, "{}");
}

static void
test_oauth (void)
{
  g_autoptr(BotbenchProfile) profile = oauth_profile ();
  g_autoptr(JsonObject) params = parse_object ("{\"BOT_ID\":7,\"auth\":\"" ACCESS_TOKEN "\","
                                               "\"nested\":[{\"Access_Token\":\"" ACCESS_TOKEN "\"}]}");
  g_autoptr(BotbenchRequestPreview) preview = NULL;
  g_autoptr(BotbenchRequestPreview) plain = NULL;
  g_autofree char *compact = NULL;
  g_autofree char *plain_body = NULL;
  g_autofree char *base = NULL;

  preview = botbench_request_preview_new (profile, "imbot.update", params, BOTBENCH_REQUEST_PREVIEW_CREDENTIAL);
  g_assert_cmpstr (botbench_request_preview_get_url (preview), ==,
                   "https://oauth.example.com/rest/imbot.update.json");
  compact = botbench_request_preview_dup_body_text (preview, FALSE);
  g_assert_cmpstr (compact, ==,
                   "{\"BOT_ID\":7,\"auth\":\"" BOTBENCH_MASK "\",\"nested\":[{\"Access_Token\":\"" BOTBENCH_MASK "\"}]}");
  assert_no_secret (preview, ACCESS_TOKEN);

  json_object_unref (g_steal_pointer (&params));
  params = parse_object ("{\"BOT_ID\":7}");
  plain = botbench_request_preview_new (profile, "imbot.update", params, BOTBENCH_REQUEST_PREVIEW_DEFAULT);
  plain_body = botbench_request_preview_dup_body_text (plain, FALSE);
  g_assert_cmpstr (plain_body, ==, "{\"BOT_ID\":7}");

  base = botbench_request_preview_dup_base_url (profile);
  g_assert_cmpstr (base, ==, "https://oauth.example.com/rest/");
}

/* A portal typed without its trailing '/' is called (and so shown) with it. */
static void
test_oauth_no_slash (void)
{
  g_autoptr(BotbenchProfile) profile = oauth_profile ();
  g_autoptr(JsonObject) params = parse_object ("{\"BOT_ID\":7}");
  g_autoptr(BotbenchRequestPreview) preview = NULL;

  botbench_profile_set_portal_url (profile, "https://oauth.example.com");
  preview = botbench_request_preview_new (profile, "imbot.unregister", params, BOTBENCH_REQUEST_PREVIEW_DEFAULT);
  g_assert_cmpstr (botbench_request_preview_get_url (preview), ==,
                   "https://oauth.example.com/rest/imbot.unregister.json");
}

static void
test_abbreviate (void)
{
  g_autoptr(BotbenchProfile) profile = webhook_profile ();
  g_autofree char *photo = long_photo (4000);
  g_autofree char *short_photo = long_photo (BOTBENCH_REQUEST_PREVIEW_MAX_VALUE);
  g_autofree char *long_text = g_strnfill (500, ' ');
  g_autofree char *json = NULL;
  g_autoptr(JsonObject) params = NULL;
  g_autoptr(BotbenchRequestPreview) cut = NULL;
  g_autoptr(BotbenchRequestPreview) whole = NULL;
  g_autofree char *cut_text = NULL;
  g_autofree char *whole_text = NULL;
  g_autofree char *curl = NULL;
  g_autofree char *prefix = g_strndup (photo, 40);
  JsonObject *fields;
  JsonObject *properties;

  json = g_strdup_printf ("{\"BOT_ID\":7,\"FIELDS\":{\"PROPERTIES\":{\"PERSONAL_PHOTO\":\"%s\","
                          "\"NAME\":\"%s\",\"WORK_POSITION\":\"%s\"}}}", photo, short_photo, long_text);
  params = parse_object (json);

  /* Not asked: every value whole */
  whole = botbench_request_preview_new (profile, "imbot.update", params, BOTBENCH_REQUEST_PREVIEW_CREDENTIAL);
  whole_text = botbench_request_preview_dup_body_text (whole, TRUE);
  g_assert_nonnull (strstr (whole_text, photo));

  /* Asked: the photo is cut, short values and long text are not */
  cut = botbench_request_preview_new (profile, "imbot.update", params,
                                      BOTBENCH_REQUEST_PREVIEW_CREDENTIAL | BOTBENCH_REQUEST_PREVIEW_ABBREVIATE);
  cut_text = botbench_request_preview_dup_body_text (cut, TRUE);
  g_assert_null (strstr (cut_text, photo));
  g_assert_nonnull (strstr (cut_text, prefix));
  g_assert_nonnull (strstr (cut_text, "base64"));
  fields = json_object_get_object_member (json_node_get_object (botbench_request_preview_get_body (cut)), "FIELDS");
  properties = json_object_get_object_member (fields, "PROPERTIES");
  g_assert_cmpstr (json_object_get_string_member (properties, "NAME"), ==, short_photo);
  g_assert_cmpstr (json_object_get_string_member (properties, "WORK_POSITION"), ==, long_text);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (properties, "PERSONAL_PHOTO"), prefix));

  /* curl is for running: never cut */
  curl = botbench_request_preview_dup_curl (cut);
  g_assert_nonnull (strstr (curl, photo));
  g_assert_null (strstr (curl, CLIENT_ID));

  /* and the caller's parameters keep the photo */
  properties = json_object_get_object_member (json_object_get_object_member (params, "FIELDS"), "PROPERTIES");
  g_assert_cmpstr (json_object_get_string_member (properties, "PERSONAL_PHOTO"), ==, photo);
}

static void
test_no_portal (void)
{
  g_autoptr(BotbenchProfile) profile = botbench_profile_new (BOTBENCH_PROFILE_KIND_OAUTH, NULL);
  g_autoptr(BotbenchRequestPreview) preview = NULL;
  g_autofree char *base = botbench_request_preview_dup_base_url (profile);

  g_assert_null (base);
  preview = botbench_request_preview_new (profile, "scope", NULL, BOTBENCH_REQUEST_PREVIEW_DEFAULT);
  g_assert_cmpstr (botbench_request_preview_get_url (preview), ==, "scope.json");
}

static void
test_mask_text (void)
{
  const char *secrets[] = { SECRET, "tok/en+1", NULL };
  struct {
    const char *in;
    const char *out;
  } cases[] = {
    { "https://p/rest/1/" SECRET "/scope.json", "https://p/rest/1/" BOTBENCH_MASK "/scope.json" },
    { "{\"auth\":\"other\",\"x\":1}", "{\"auth\":\"" BOTBENCH_MASK "\",\"x\":1}" },
    { "?client_secret=zz&refresh_token=tok%2Fen%2B1", "?client_secret=" BOTBENCH_MASK "&refresh_token=" BOTBENCH_MASK },
    { "nothing secret", "nothing secret" },
  };

  g_assert_null (botbench_request_preview_mask_text (NULL, secrets));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = botbench_request_preview_mask_text (cases[i].in, secrets);

      g_assert_cmpstr (out, ==, cases[i].out);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/request-preview/webhook", test_webhook);
  g_test_add_func ("/request-preview/webhook-v2", test_webhook_v2);
  g_test_add_func ("/request-preview/webhook-no-credential", test_webhook_no_credential);
  g_test_add_func ("/request-preview/oauth", test_oauth);
  g_test_add_func ("/request-preview/oauth-no-slash", test_oauth_no_slash);
  g_test_add_func ("/request-preview/abbreviate", test_abbreviate);
  g_test_add_func ("/request-preview/no-portal", test_no_portal);
  g_test_add_func ("/request-preview/mask-text", test_mask_text);

  return g_test_run ();
}
