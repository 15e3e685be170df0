/* botbench-request-preview.c: a REST request as it may be shown, secrets masked
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two maskers live here.  The text masker replaces known secrets and the
 * values of secret keys in any text (URLs, bodies, errors): the request
 * history runs every record through it.  BotbenchRequestPreview builds the
 * URL and body of a call the way the REST client will send them, but never
 * sees a secret: the webhook secret is BOTBENCH_MASK in the URL, and the
 * member the client adds (CLIENT_ID or auth) is shown masked when asked.
 */
#define G_LOG_DOMAIN "botbench-request-preview"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "botbench-request-preview.h"
#include "botbench-rest-client-private.h"

struct _BotbenchRequestPreview
{
  GObject   parent_instance;

  char     *method;
  char     *url;
  JsonNode *body;        /* masked, abbreviated when asked */
  JsonNode *full_body;   /* masked, whole: for curl */
};

G_DEFINE_FINAL_TYPE (BotbenchRequestPreview, botbench_request_preview, G_TYPE_OBJECT)

/* Text masking */

/* Keys whose values are secrets, in JSON, query strings and JSON trees */
static const char * const secret_keys[] = {
  "auth", "access_token", "refresh_token", "client_secret", "application_token", "password",
  "botToken", "BOT_TOKEN", NULL,
};

static void
replace_all (GString    *str,
             const char *needle)
{
  gsize needle_len = strlen (needle);
  gsize mask_len = strlen (BOTBENCH_MASK);
  gsize pos = 0;
  char *hit;

  while (pos < str->len && (hit = strstr (str->str + pos, needle)) != NULL)
    {
      gsize at = hit - str->str;

      g_string_erase (str, at, needle_len);
      g_string_insert (str, at, BOTBENCH_MASK);
      pos = at + mask_len;
    }
}

char *
botbench_request_preview_mask_text (const char         *text,
                                    const char * const *secrets)
{
  g_autoptr(GString) str = NULL;
  g_autoptr(GRegex) json_regex = NULL;
  g_autoptr(GRegex) query_regex = NULL;
  g_autofree char *json_masked = NULL;
  g_autofree char *keys = NULL;
  g_autofree char *json_pattern = NULL;
  g_autofree char *query_pattern = NULL;

  if (text == NULL)
    return NULL;

  str = g_string_new (text);

  for (guint i = 0; secrets != NULL && secrets[i] != NULL; i++)
    {
      g_autofree char *escaped = NULL;

      /* Too short to be a secret, and masking it would garble the text */
      if (strlen (secrets[i]) < 4)
        continue;
      replace_all (str, secrets[i]);
      escaped = g_uri_escape_string (secrets[i], NULL, FALSE);
      if (!g_str_equal (escaped, secrets[i]))
        replace_all (str, escaped);
    }

  /* Compiled per call: masking is rare enough, and no static cache to leak. */
  keys = g_strjoinv ("|", (char **)secret_keys);
  json_pattern = g_strdup_printf ("(\"(?:%s)\"\\s*:\\s*\")(?:[^\"\\\\]|\\\\.)*(\")", keys);
  query_pattern = g_strdup_printf ("((?:^|[?&])(?:%s)=)[^&#\\s]*", keys);
  json_regex = g_regex_new (json_pattern, G_REGEX_CASELESS, 0, NULL);
  query_regex = g_regex_new (query_pattern, G_REGEX_CASELESS, 0, NULL);
  g_assert (json_regex != NULL && query_regex != NULL);

  json_masked = g_regex_replace (json_regex, str->str, -1, 0, "\\1" BOTBENCH_MASK "\\2", 0, NULL);
  if (json_masked == NULL)
    return g_strdup (BOTBENCH_MASK);
  return g_regex_replace (query_regex, json_masked, -1, 0, "\\1" BOTBENCH_MASK, 0, NULL);
}

/* Body masking */

static gboolean
is_secret_key (const char *name)
{
  for (guint i = 0; secret_keys[i] != NULL; i++)
    if (g_ascii_strcasecmp (name, secret_keys[i]) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
is_base64 (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '+' && *p != '/' && *p != '=')
      return FALSE;
  return TRUE;
}

/* A PERSONAL_PHOTO, or anything else that is a long run of base64 */
static char *
abbreviate (const char *member,
            const char *value)
{
  g_autofree char *size = NULL;

  if (strlen (value) <= BOTBENCH_REQUEST_PREVIEW_MAX_VALUE)
    return NULL;
  if (!(member != NULL && g_ascii_strcasecmp (member, "PERSONAL_PHOTO") == 0) && !is_base64 (value))
    return NULL;

  size = g_format_size (strlen (value));
  /* Translators: a long base64 value cut short in the preview */
  return g_strdup_printf (_("%.40s… (%s of base64)"), value, size);
}

/* A deep copy (json_node_copy() shares objects and arrays) with the values
 * of secret keys masked and, when asked, long values cut. */
static JsonNode *
copy_masked (JsonNode   *node,
             const char *member,
             gboolean    shorten)
{
  JsonNode *copy;

  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);
        JsonObject *out = json_object_new ();
        g_autoptr(GList) members = json_object_get_members (object);

        for (GList *l = members; l != NULL; l = l->next)
          json_object_set_member (out, l->data,
                                  copy_masked (json_object_get_member (object, l->data), l->data, shorten));
        copy = json_node_new (JSON_NODE_OBJECT);
        json_node_take_object (copy, out);
        return copy;
      }

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        JsonArray *out = json_array_sized_new (json_array_get_length (array));

        for (guint i = 0; i < json_array_get_length (array); i++)
          json_array_add_element (out, copy_masked (json_array_get_element (array, i), NULL, shorten));
        copy = json_node_new (JSON_NODE_ARRAY);
        json_node_take_array (copy, out);
        return copy;
      }

    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) == G_TYPE_STRING)
        {
          const char *value = json_node_get_string (node);
          g_autofree char *cut = NULL;

          if (member != NULL && is_secret_key (member))
            return json_node_init_string (json_node_alloc (), BOTBENCH_MASK);
          if (shorten && (cut = abbreviate (member, value)) != NULL)
            return json_node_init_string (json_node_alloc (), cut);
        }
      return json_node_copy (node);

    case JSON_NODE_NULL:
    default:
      return json_node_copy (node);
    }
}

static char *
node_to_text (JsonNode *node,
              gboolean  pretty)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, node);
  json_generator_set_pretty (generator, pretty);
  json_generator_set_indent (generator, 2);
  return json_generator_to_data (generator, NULL);
}

/* Object */

static void
botbench_request_preview_finalize (GObject *object)
{
  BotbenchRequestPreview *self = (BotbenchRequestPreview *)object;

  g_free (self->method);
  g_free (self->url);
  g_clear_pointer (&self->body, json_node_unref);
  g_clear_pointer (&self->full_body, json_node_unref);

  G_OBJECT_CLASS (botbench_request_preview_parent_class)->finalize (object);
}

static void
botbench_request_preview_class_init (BotbenchRequestPreviewClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = botbench_request_preview_finalize;
}

static void
botbench_request_preview_init (BotbenchRequestPreview *self)
{
}

/* Public API */

char *
botbench_request_preview_dup_base_url (BotbenchProfile *profile)
{
  const char *portal;
  const char *sep;

  g_return_val_if_fail (BOTBENCH_IS_PROFILE (profile), NULL);

  portal = botbench_profile_get_portal_url (profile);
  if (portal == NULL)
    return NULL;

  /* The URL the REST client calls: an OAuth portal typed without the
   * trailing '/' gets it, as the client adds it (webhook URLs are parsed
   * so that it is always there). */
  sep = g_str_has_suffix (portal, "/") ? "" : "/";
  if (botbench_profile_get_kind (profile) == BOTBENCH_PROFILE_KIND_WEBHOOK)
    {
      const char *user_id = botbench_profile_get_user_id (profile);

      return g_strdup_printf ("%s%srest/%s/" BOTBENCH_MASK "/", portal, sep, user_id ? user_id : "?");
    }
  return g_strdup_printf ("%s%srest/", portal, sep);
}

BotbenchRequestPreview *
botbench_request_preview_new (BotbenchProfile             *profile,
                              const char                  *method,
                              JsonObject                  *params,
                              BotbenchRequestPreviewFlags  flags)
{
  BotbenchRequestPreview *self;
  g_autoptr(JsonNode) params_node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *base = NULL;
  JsonObject *body;

  g_return_val_if_fail (BOTBENCH_IS_PROFILE (profile), NULL);
  g_return_val_if_fail (method != NULL, NULL);

  self = g_object_new (BOTBENCH_TYPE_REQUEST_PREVIEW, NULL);
  self->method = g_strdup (method);

  base = botbench_request_preview_dup_base_url (profile);
  self->url = g_strconcat (base ? base : "", method, ".json", NULL);

  if (params != NULL)
    json_node_set_object (params_node, params);
  else
    json_node_take_object (params_node, json_object_new ());

  self->full_body = copy_masked (params_node, NULL, FALSE);
  body = json_node_get_object (self->full_body);
  if (flags & BOTBENCH_REQUEST_PREVIEW_CREDENTIAL)
    {
      if (botbench_profile_get_kind (profile) != BOTBENCH_PROFILE_KIND_WEBHOOK)
        json_object_set_string_member (body, "auth", BOTBENCH_MASK);
      /* The client adds CLIENT_ID to a webhook's imbot calls */
      else if (_botbench_rest_client_method_takes_client_id (method))
        json_object_set_string_member (body, "CLIENT_ID", BOTBENCH_MASK);
    }

  if (flags & BOTBENCH_REQUEST_PREVIEW_ABBREVIATE)
    self->body = copy_masked (self->full_body, NULL, TRUE);
  else
    self->body = json_node_ref (self->full_body);

  return self;
}

const char *
botbench_request_preview_get_method (BotbenchRequestPreview *self)
{
  g_return_val_if_fail (BOTBENCH_IS_REQUEST_PREVIEW (self), NULL);
  return self->method;
}

const char *
botbench_request_preview_get_url (BotbenchRequestPreview *self)
{
  g_return_val_if_fail (BOTBENCH_IS_REQUEST_PREVIEW (self), NULL);
  return self->url;
}

JsonNode *
botbench_request_preview_get_body (BotbenchRequestPreview *self)
{
  g_return_val_if_fail (BOTBENCH_IS_REQUEST_PREVIEW (self), NULL);
  return self->body;
}

char *
botbench_request_preview_dup_body_text (BotbenchRequestPreview *self,
                                        gboolean                pretty)
{
  g_return_val_if_fail (BOTBENCH_IS_REQUEST_PREVIEW (self), NULL);
  return node_to_text (self->body, pretty);
}

char *
botbench_request_preview_dup_curl (BotbenchRequestPreview *self)
{
  g_autofree char *body = NULL;
  g_autofree char *quoted_url = NULL;
  g_autofree char *quoted_body = NULL;

  g_return_val_if_fail (BOTBENCH_IS_REQUEST_PREVIEW (self), NULL);

  body = node_to_text (self->full_body, FALSE);
  quoted_url = g_shell_quote (self->url);
  quoted_body = g_shell_quote (body);

  return g_strdup_printf ("curl -X POST -H 'Content-Type: application/json' -d %s %s",
                          quoted_body, quoted_url);
}

JsonNode *
botbench_request_preview_to_json (BotbenchRequestPreview *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (BOTBENCH_IS_REQUEST_PREVIEW (self), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "method");
  json_builder_add_string_value (builder, self->method);
  json_builder_set_member_name (builder, "url");
  json_builder_add_string_value (builder, self->url);
  json_builder_set_member_name (builder, "body");
  json_builder_add_value (builder, copy_masked (self->body, NULL, FALSE));
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}
