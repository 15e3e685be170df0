/* botbench-profile.c: one Bitrix24 portal connection (non-secret fields)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "botbench-profile"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "botbench-profile.h"
#include "botbench-profile-private.h"
#include "botbench-request-preview.h"

struct _BotbenchProfile
{
  GObject              parent_instance;

  char                *uuid;
  BotbenchProfileKind  kind;
  char                *name;
  char                *portal_url;
  char                *user_id;
  char                *client_id;
  char                *oauth_client_id;
  char                *token_endpoint;
  gint64               token_expires;
  gboolean             strict_token;
  char                *public_base_url;
  char                *certificate_pem;
  char                *member_id;
  gboolean             uninstalled;
  gboolean             follow_event_tokens;
};

G_DEFINE_FINAL_TYPE (BotbenchProfile, botbench_profile, G_TYPE_OBJECT)
G_DEFINE_QUARK (botbench-profile-error-quark, botbench_profile_error)

enum {
  PROP_0,
  PROP_UUID,
  PROP_KIND,
  PROP_NAME,
  PROP_PORTAL_URL,
  PROP_USER_ID,
  PROP_CLIENT_ID,
  PROP_OAUTH_CLIENT_ID,
  PROP_TOKEN_ENDPOINT,
  PROP_TOKEN_EXPIRES,
  PROP_PUBLIC_BASE_URL,
  PROP_CERTIFICATE_PEM,
  PROP_STRICT_TOKEN,
  PROP_MEMBER_ID,
  PROP_UNINSTALLED,
  PROP_FOLLOW_EVENT_TOKENS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

GType
botbench_profile_kind_get_type (void)
{
  static gsize type = 0;

  if (g_once_init_enter (&type))
    {
      static const GEnumValue values[] = {
        { BOTBENCH_PROFILE_KIND_WEBHOOK, "BOTBENCH_PROFILE_KIND_WEBHOOK", "webhook" },
        { BOTBENCH_PROFILE_KIND_OAUTH, "BOTBENCH_PROFILE_KIND_OAUTH", "oauth" },
        { 0, NULL, NULL },
      };
      GType t = g_enum_register_static ("BotbenchProfileKind", values);

      g_once_init_leave (&type, t);
    }

  return type;
}

/* Webhook URL parsing */

void
botbench_webhook_url_free (BotbenchWebhookUrl *url)
{
  if (url == NULL)
    return;

  g_free (url->portal_url);
  g_free (url->user_id);
  if (url->secret != NULL)
    memset (url->secret, 0, strlen (url->secret));
  g_free (url->secret);
  g_free (url->warning);
  g_free (url);
}

static gboolean
is_all_digits (const char *s)
{
  if (s == NULL || *s == '\0')
    return FALSE;
  for (; *s; s++)
    if (!g_ascii_isdigit (*s))
      return FALSE;
  return TRUE;
}

static gboolean
is_all_alnum (const char *s)
{
  for (; *s; s++)
    if (!g_ascii_isalnum (*s))
      return FALSE;
  return TRUE;
}

/* Translators: the shape of an incoming webhook URL; translate the words in <> only */
#define WEBHOOK_SHAPE _("https://<portal>/rest/<user id>/<secret>/")

/* Error messages never quote the whole URL or the secret segment. */
BotbenchWebhookUrl *
botbench_webhook_url_parse (const char  *url,
                            GError     **error)
{
  g_autoptr(BotbenchWebhookUrl) parsed = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autofree char *stripped = NULL;
  g_auto(GStrv) segments = NULL;
  const char *scheme;
  const char *host;
  const char *path;
  guint n_segments;
  int port;

  g_return_val_if_fail (url != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  stripped = g_strstrip (g_strdup (url));
  if (*stripped == '\0')
    {
      g_set_error (error, BOTBENCH_PROFILE_ERROR, BOTBENCH_PROFILE_ERROR_NOT_A_URL,
                   _("The webhook URL is empty: paste it from the portal (%s)"), WEBHOOK_SHAPE);
      return NULL;
    }

  if (strstr (stripped, "://") == NULL)
    {
      g_set_error (error, BOTBENCH_PROFILE_ERROR, BOTBENCH_PROFILE_ERROR_BAD_SCHEME,
                   _("The webhook URL must start with https:// (%s)"), WEBHOOK_SHAPE);
      return NULL;
    }

  uri = g_uri_parse (stripped, G_URI_FLAGS_ENCODED_PATH | G_URI_FLAGS_ENCODED_QUERY, NULL);
  if (uri == NULL)
    {
      g_set_error (error, BOTBENCH_PROFILE_ERROR, BOTBENCH_PROFILE_ERROR_NOT_A_URL,
                   _("The webhook URL is not a valid URL; copy it again from the portal (%s)"), WEBHOOK_SHAPE);
      return NULL;
    }

  parsed = g_new0 (BotbenchWebhookUrl, 1);

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "http") == 0)
    parsed->warning = g_strdup (_("The webhook URL uses plain http://: real Bitrix24 portals answer "
                                  "“Https required.” to such calls; use https://"));
  else if (g_ascii_strcasecmp (scheme, "https") != 0)
    {
      g_set_error (error, BOTBENCH_PROFILE_ERROR, BOTBENCH_PROFILE_ERROR_BAD_SCHEME,
                   _("The webhook URL must start with https://, not %s://"), scheme);
      return NULL;
    }

  host = g_uri_get_host (uri);
  if (host == NULL || *host == '\0')
    {
      g_set_error (error, BOTBENCH_PROFILE_ERROR, BOTBENCH_PROFILE_ERROR_NO_HOST,
                   _("The webhook URL has no portal address after %s://"), scheme);
      return NULL;
    }

  if (g_uri_get_query (uri) != NULL)
    {
      g_set_error (error, BOTBENCH_PROFILE_ERROR, BOTBENCH_PROFILE_ERROR_QUERY_STRING,
                   _("Remove the query string (“?…”): the webhook URL must end right after the secret"));
      return NULL;
    }
  if (g_uri_get_fragment (uri) != NULL)
    {
      g_set_error (error, BOTBENCH_PROFILE_ERROR, BOTBENCH_PROFILE_ERROR_QUERY_STRING,
                   _("Remove the “#…” part: the webhook URL must end right after the secret"));
      return NULL;
    }

  path = g_uri_get_path (uri);
  segments = g_strsplit (*path == '/' ? path + 1 : path, "/", -1);
  n_segments = g_strv_length (segments);

  if (n_segments == 0 || g_strcmp0 (segments[0], "rest") != 0)
    {
      g_set_error (error, BOTBENCH_PROFILE_ERROR, BOTBENCH_PROFILE_ERROR_NO_REST_PATH,
                   _("The webhook URL has no /rest/ right after the portal address (expected %s)"), WEBHOOK_SHAPE);
      return NULL;
    }

  if (n_segments < 2 || segments[1][0] == '\0')
    {
      g_set_error (error, BOTBENCH_PROFILE_ERROR, BOTBENCH_PROFILE_ERROR_BAD_USER_ID,
                   _("The user id is missing after /rest/ (expected %s)"), WEBHOOK_SHAPE);
      return NULL;
    }

  if (!is_all_digits (segments[1]))
    {
      /* Not quoted: people paste /rest/<secret>/ and that part is the secret. */
      g_set_error (error, BOTBENCH_PROFILE_ERROR, BOTBENCH_PROFILE_ERROR_BAD_USER_ID,
                   _("The part after /rest/ must be the user id, a number (expected %s)"), WEBHOOK_SHAPE);
      return NULL;
    }

  if (n_segments < 3 || segments[2][0] == '\0')
    {
      g_set_error (error, BOTBENCH_PROFILE_ERROR, BOTBENCH_PROFILE_ERROR_BAD_SECRET,
                   _("The webhook secret is missing after the user id (expected %s)"), WEBHOOK_SHAPE);
      return NULL;
    }

  if (!is_all_alnum (segments[2]))
    {
      g_set_error (error, BOTBENCH_PROFILE_ERROR, BOTBENCH_PROFILE_ERROR_BAD_SECRET,
                   _("The webhook secret may only contain letters and digits; copy the URL again"));
      return NULL;
    }

  if (strlen (segments[2]) < BOTBENCH_PROFILE_MIN_SECRET_LENGTH)
    {
      g_set_error (error, BOTBENCH_PROFILE_ERROR, BOTBENCH_PROFILE_ERROR_BAD_SECRET,
                   g_dngettext (GETTEXT_PACKAGE,
                                "The webhook secret is too short (%u character, at least %u expected); "
                                "copy the whole URL again",
                                "The webhook secret is too short (%u characters, at least %u expected); "
                                "copy the whole URL again",
                                strlen (segments[2])),
                   (guint)strlen (segments[2]), (guint)BOTBENCH_PROFILE_MIN_SECRET_LENGTH);
      return NULL;
    }

  if (n_segments > 4 || (n_segments == 4 && segments[3][0] != '\0'))
    {
      g_autofree char *extra = g_strjoinv ("/", segments + 3);

      g_set_error (error, BOTBENCH_PROFILE_ERROR, BOTBENCH_PROFILE_ERROR_EXTRA_PATH,
                   _("Remove “%s” after the secret: the webhook URL must end with /rest/<user id>/<secret>/"),
                   extra);
      return NULL;
    }

  port = g_uri_get_port (uri);
  if (port > 0)
    parsed->portal_url = g_strdup_printf ("%s://%s:%d/", scheme, host, port);
  else
    parsed->portal_url = g_strdup_printf ("%s://%s/", scheme, host);
  {
    char *lower = g_ascii_strdown (parsed->portal_url, -1);

    g_free (parsed->portal_url);
    parsed->portal_url = lower;
  }
  parsed->user_id = g_strdup (segments[1]);
  parsed->secret = g_strdup (segments[2]);

  return g_steal_pointer (&parsed);
}

/* The built-in sandbox */

gboolean
botbench_profile_is_builtin_sandbox (BotbenchProfile *profile)
{
  g_return_val_if_fail (BOTBENCH_IS_PROFILE (profile), FALSE);

  return g_strcmp0 (botbench_profile_get_uuid (profile), BOTBENCH_PROFILE_SANDBOX_UUID) == 0;
}

/* CLIENT_ID */

char *
botbench_profile_generate_client_id (void)
{
  static const char alphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  GString *str = g_string_sized_new (BOTBENCH_PROFILE_CLIENT_ID_LENGTH);

  for (guint i = 0; i < BOTBENCH_PROFILE_CLIENT_ID_LENGTH; i++)
    g_string_append_c (str, alphabet[g_random_int_range (0, sizeof alphabet - 1)]);

  return g_string_free (str, FALSE);
}

gboolean
botbench_profile_check_client_id (const char  *client_id,
                                  GError     **error)
{
  if (client_id == NULL || *client_id == '\0')
    {
      g_set_error (error, BOTBENCH_PROFILE_ERROR, BOTBENCH_PROFILE_ERROR_BAD_CLIENT_ID,
                   _("CLIENT_ID is empty; every imbot call in webhook mode needs it"));
      return FALSE;
    }
  if (!is_all_alnum (client_id) || strlen (client_id) > 64)
    {
      g_set_error (error, BOTBENCH_PROFILE_ERROR, BOTBENCH_PROFILE_ERROR_BAD_CLIENT_ID,
                   _("CLIENT_ID may only contain letters and digits (at most 64): "
                     "the portal appends it to handler URLs without encoding"));
      return FALSE;
    }
  return TRUE;
}

/* Helpers */

static void
set_string (BotbenchProfile  *self,
            char            **field,
            const char       *value,
            guint             prop_id)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

/* Overrides */

static void
botbench_profile_finalize (GObject *object)
{
  BotbenchProfile *self = (BotbenchProfile *)object;

  g_clear_pointer (&self->uuid, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->portal_url, g_free);
  g_clear_pointer (&self->user_id, g_free);
  g_clear_pointer (&self->client_id, g_free);
  g_clear_pointer (&self->oauth_client_id, g_free);
  g_clear_pointer (&self->token_endpoint, g_free);
  g_clear_pointer (&self->public_base_url, g_free);
  g_clear_pointer (&self->member_id, g_free);
  g_clear_pointer (&self->certificate_pem, g_free);

  G_OBJECT_CLASS (botbench_profile_parent_class)->finalize (object);
}

static void
botbench_profile_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  BotbenchProfile *self = BOTBENCH_PROFILE (object);

  switch (prop_id)
    {
    case PROP_UUID: g_value_set_string (value, self->uuid); break;
    case PROP_KIND: g_value_set_enum (value, self->kind); break;
    case PROP_NAME: g_value_set_string (value, self->name); break;
    case PROP_PORTAL_URL: g_value_set_string (value, self->portal_url); break;
    case PROP_USER_ID: g_value_set_string (value, self->user_id); break;
    case PROP_CLIENT_ID: g_value_set_string (value, self->client_id); break;
    case PROP_OAUTH_CLIENT_ID: g_value_set_string (value, self->oauth_client_id); break;
    case PROP_TOKEN_ENDPOINT: g_value_set_string (value, botbench_profile_get_token_endpoint (self)); break;
    case PROP_TOKEN_EXPIRES: g_value_set_int64 (value, self->token_expires); break;
    case PROP_PUBLIC_BASE_URL: g_value_set_string (value, self->public_base_url); break;
    case PROP_CERTIFICATE_PEM: g_value_set_string (value, self->certificate_pem); break;
    case PROP_STRICT_TOKEN: g_value_set_boolean (value, self->strict_token); break;
    case PROP_MEMBER_ID: g_value_set_string (value, self->member_id); break;
    case PROP_UNINSTALLED: g_value_set_boolean (value, self->uninstalled); break;
    case PROP_FOLLOW_EVENT_TOKENS: g_value_set_boolean (value, self->follow_event_tokens); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
botbench_profile_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  BotbenchProfile *self = BOTBENCH_PROFILE (object);

  switch (prop_id)
    {
    case PROP_UUID:
      g_assert (self->uuid == NULL);
      self->uuid = g_value_dup_string (value);
      break;
    case PROP_KIND: botbench_profile_set_kind (self, g_value_get_enum (value)); break;
    case PROP_NAME: botbench_profile_set_name (self, g_value_get_string (value)); break;
    case PROP_PORTAL_URL: botbench_profile_set_portal_url (self, g_value_get_string (value)); break;
    case PROP_USER_ID: botbench_profile_set_user_id (self, g_value_get_string (value)); break;
    case PROP_CLIENT_ID: botbench_profile_set_client_id (self, g_value_get_string (value)); break;
    case PROP_OAUTH_CLIENT_ID: botbench_profile_set_oauth_client_id (self, g_value_get_string (value)); break;
    case PROP_TOKEN_ENDPOINT: botbench_profile_set_token_endpoint (self, g_value_get_string (value)); break;
    case PROP_TOKEN_EXPIRES: botbench_profile_set_token_expires (self, g_value_get_int64 (value)); break;
    case PROP_PUBLIC_BASE_URL: botbench_profile_set_public_base_url (self, g_value_get_string (value)); break;
    case PROP_CERTIFICATE_PEM: botbench_profile_set_certificate_pem (self, g_value_get_string (value)); break;
    case PROP_STRICT_TOKEN: botbench_profile_set_strict_token (self, g_value_get_boolean (value)); break;
    case PROP_MEMBER_ID: botbench_profile_set_member_id (self, g_value_get_string (value)); break;
    case PROP_UNINSTALLED: botbench_profile_set_uninstalled (self, g_value_get_boolean (value)); break;
    case PROP_FOLLOW_EVENT_TOKENS: botbench_profile_set_follow_event_tokens (self, g_value_get_boolean (value)); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
botbench_profile_constructed (GObject *object)
{
  BotbenchProfile *self = (BotbenchProfile *)object;

  G_OBJECT_CLASS (botbench_profile_parent_class)->constructed (object);

  if (self->uuid == NULL)
    self->uuid = g_uuid_string_random ();
}

static void
botbench_profile_class_init (BotbenchProfileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = botbench_profile_finalize;
  object_class->get_property = botbench_profile_get_property;
  object_class->set_property = botbench_profile_set_property;
  object_class->constructed = botbench_profile_constructed;

  properties[PROP_UUID] =
    g_param_spec_string ("uuid", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL, BOTBENCH_TYPE_PROFILE_KIND,
                       BOTBENCH_PROFILE_KIND_WEBHOOK, rw);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, rw);
  properties[PROP_PORTAL_URL] = g_param_spec_string ("portal-url", NULL, NULL, NULL, rw);
  properties[PROP_USER_ID] = g_param_spec_string ("user-id", NULL, NULL, NULL, rw);
  properties[PROP_CLIENT_ID] = g_param_spec_string ("client-id", NULL, NULL, NULL, rw);
  properties[PROP_OAUTH_CLIENT_ID] = g_param_spec_string ("oauth-client-id", NULL, NULL, NULL, rw);
  properties[PROP_TOKEN_ENDPOINT] = g_param_spec_string ("token-endpoint", NULL, NULL, NULL, rw);
  properties[PROP_TOKEN_EXPIRES] =
    g_param_spec_int64 ("token-expires", NULL, NULL, 0, G_MAXINT64, 0, rw);
  properties[PROP_PUBLIC_BASE_URL] = g_param_spec_string ("public-base-url", NULL, NULL, NULL, rw);
  properties[PROP_CERTIFICATE_PEM] = g_param_spec_string ("certificate-pem", NULL, NULL, NULL, rw);
  properties[PROP_STRICT_TOKEN] = g_param_spec_boolean ("strict-token", NULL, NULL, FALSE, rw);
  properties[PROP_MEMBER_ID] = g_param_spec_string ("member-id", NULL, NULL, NULL, rw);
  properties[PROP_UNINSTALLED] = g_param_spec_boolean ("uninstalled", NULL, NULL, FALSE, rw);
  properties[PROP_FOLLOW_EVENT_TOKENS] = g_param_spec_boolean ("follow-event-tokens", NULL, NULL, TRUE, rw);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
botbench_profile_init (BotbenchProfile *self)
{
  self->follow_event_tokens = TRUE;
}

/* Public API */

BotbenchProfile *
botbench_profile_new (BotbenchProfileKind  kind,
                      const char          *uuid)
{
  BotbenchProfile *self;

  self = g_object_new (BOTBENCH_TYPE_PROFILE,
                       "uuid", uuid,
                       "kind", kind,
                       NULL);

  if (kind == BOTBENCH_PROFILE_KIND_WEBHOOK)
    self->client_id = botbench_profile_generate_client_id ();

  return self;
}

const char *
botbench_profile_get_uuid (BotbenchProfile *self)
{
  g_return_val_if_fail (BOTBENCH_IS_PROFILE (self), NULL);
  return self->uuid;
}

BotbenchProfileKind
botbench_profile_get_kind (BotbenchProfile *self)
{
  g_return_val_if_fail (BOTBENCH_IS_PROFILE (self), BOTBENCH_PROFILE_KIND_WEBHOOK);
  return self->kind;
}

void
botbench_profile_set_kind (BotbenchProfile     *self,
                           BotbenchProfileKind  kind)
{
  g_return_if_fail (BOTBENCH_IS_PROFILE (self));
  if (self->kind == kind)
    return;
  self->kind = kind;
  if (kind == BOTBENCH_PROFILE_KIND_WEBHOOK && self->client_id == NULL)
    {
      self->client_id = botbench_profile_generate_client_id ();
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLIENT_ID]);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KIND]);
}

#define STRING_ACCESSORS(field, PROP)                                         \
const char *                                                                  \
botbench_profile_get_##field (BotbenchProfile *self)                          \
{                                                                             \
  g_return_val_if_fail (BOTBENCH_IS_PROFILE (self), NULL);                    \
  return self->field;                                                         \
}                                                                             \
                                                                              \
void                                                                          \
botbench_profile_set_##field (BotbenchProfile *self,                          \
                              const char      *field)                         \
{                                                                             \
  g_return_if_fail (BOTBENCH_IS_PROFILE (self));                              \
  set_string (self, &self->field, field, PROP);                               \
}

STRING_ACCESSORS (name, PROP_NAME)
STRING_ACCESSORS (portal_url, PROP_PORTAL_URL)
STRING_ACCESSORS (user_id, PROP_USER_ID)
STRING_ACCESSORS (client_id, PROP_CLIENT_ID)
STRING_ACCESSORS (oauth_client_id, PROP_OAUTH_CLIENT_ID)
STRING_ACCESSORS (public_base_url, PROP_PUBLIC_BASE_URL)
STRING_ACCESSORS (certificate_pem, PROP_CERTIFICATE_PEM)
STRING_ACCESSORS (member_id, PROP_MEMBER_ID)

#undef STRING_ACCESSORS

const char *
botbench_profile_get_token_endpoint (BotbenchProfile *self)
{
  g_return_val_if_fail (BOTBENCH_IS_PROFILE (self), NULL);
  return self->token_endpoint ? self->token_endpoint : BOTBENCH_PROFILE_DEFAULT_TOKEN_ENDPOINT;
}

void
botbench_profile_set_token_endpoint (BotbenchProfile *self,
                                     const char      *token_endpoint)
{
  g_return_if_fail (BOTBENCH_IS_PROFILE (self));
  if (token_endpoint != NULL &&
      (*token_endpoint == '\0' || g_str_equal (token_endpoint, BOTBENCH_PROFILE_DEFAULT_TOKEN_ENDPOINT)))
    token_endpoint = NULL;
  set_string (self, &self->token_endpoint, token_endpoint, PROP_TOKEN_ENDPOINT);
}

gint64
botbench_profile_get_token_expires (BotbenchProfile *self)
{
  g_return_val_if_fail (BOTBENCH_IS_PROFILE (self), 0);
  return self->token_expires;
}

void
botbench_profile_set_token_expires (BotbenchProfile *self,
                                    gint64           token_expires)
{
  g_return_if_fail (BOTBENCH_IS_PROFILE (self));
  if (self->token_expires == token_expires)
    return;
  self->token_expires = token_expires;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOKEN_EXPIRES]);
}

gboolean
botbench_profile_get_strict_token (BotbenchProfile *self)
{
  g_return_val_if_fail (BOTBENCH_IS_PROFILE (self), FALSE);
  return self->strict_token;
}

void
botbench_profile_set_strict_token (BotbenchProfile *self,
                                   gboolean         strict_token)
{
  g_return_if_fail (BOTBENCH_IS_PROFILE (self));
  strict_token = !!strict_token;
  if (self->strict_token == strict_token)
    return;
  self->strict_token = strict_token;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STRICT_TOKEN]);
}

gboolean
botbench_profile_get_uninstalled (BotbenchProfile *self)
{
  g_return_val_if_fail (BOTBENCH_IS_PROFILE (self), FALSE);
  return self->uninstalled;
}

void
botbench_profile_set_uninstalled (BotbenchProfile *self,
                                  gboolean         uninstalled)
{
  g_return_if_fail (BOTBENCH_IS_PROFILE (self));

  uninstalled = !!uninstalled;
  if (self->uninstalled == uninstalled)
    return;
  self->uninstalled = uninstalled;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNINSTALLED]);
}

gboolean
botbench_profile_get_follow_event_tokens (BotbenchProfile *self)
{
  g_return_val_if_fail (BOTBENCH_IS_PROFILE (self), TRUE);
  return self->follow_event_tokens;
}

void
botbench_profile_set_follow_event_tokens (BotbenchProfile *self,
                                          gboolean         follow)
{
  g_return_if_fail (BOTBENCH_IS_PROFILE (self));

  follow = !!follow;
  if (self->follow_event_tokens == follow)
    return;
  self->follow_event_tokens = follow;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FOLLOW_EVENT_TOKENS]);
}

GTlsCertificate *
botbench_profile_dup_certificate (BotbenchProfile  *self,
                                  GError          **error)
{
  g_autoptr(GError) local_error = NULL;
  GTlsCertificate *cert;

  g_return_val_if_fail (BOTBENCH_IS_PROFILE (self), NULL);

  if (self->certificate_pem == NULL || *self->certificate_pem == '\0')
    return NULL;

  cert = g_tls_certificate_new_from_pem (self->certificate_pem, -1, &local_error);
  if (cert == NULL)
    g_set_error (error, BOTBENCH_PROFILE_ERROR, BOTBENCH_PROFILE_ERROR_BAD_CERTIFICATE,
                 _("The pinned certificate of profile “%s” cannot be read: %s"),
                 self->name ? self->name : self->uuid, local_error->message);
  return cert;
}

void
botbench_profile_apply_webhook_url (BotbenchProfile          *self,
                                    const BotbenchWebhookUrl *parsed)
{
  g_return_if_fail (BOTBENCH_IS_PROFILE (self));
  g_return_if_fail (parsed != NULL);

  g_object_freeze_notify (G_OBJECT (self));
  botbench_profile_set_kind (self, BOTBENCH_PROFILE_KIND_WEBHOOK);
  botbench_profile_set_portal_url (self, parsed->portal_url);
  botbench_profile_set_user_id (self, parsed->user_id);
  g_object_thaw_notify (G_OBJECT (self));
}

char *
botbench_profile_dup_display_url (BotbenchProfile *self)
{
  g_return_val_if_fail (BOTBENCH_IS_PROFILE (self), NULL);

  return botbench_request_preview_dup_base_url (self);
}

/* Keyfile persistence */

static void
keyfile_set_opt (GKeyFile   *keyfile,
                 const char *group,
                 const char *key,
                 const char *value)
{
  if (value != NULL)
    g_key_file_set_string (keyfile, group, key, value);
  else
    g_key_file_remove_key (keyfile, group, key, NULL);
}

void
_botbench_profile_save_to_keyfile (BotbenchProfile *self,
                                   GKeyFile        *keyfile,
                                   const char      *group)
{
  g_return_if_fail (BOTBENCH_IS_PROFILE (self));

  g_key_file_set_string (keyfile, group, "uuid", self->uuid);
  g_key_file_set_string (keyfile, group, "kind",
                         self->kind == BOTBENCH_PROFILE_KIND_OAUTH ? "oauth" : "webhook");
  keyfile_set_opt (keyfile, group, "name", self->name);
  keyfile_set_opt (keyfile, group, "portal-url", self->portal_url);
  keyfile_set_opt (keyfile, group, "user-id", self->user_id);
  keyfile_set_opt (keyfile, group, "client-id", self->client_id);
  keyfile_set_opt (keyfile, group, "oauth-client-id", self->oauth_client_id);
  keyfile_set_opt (keyfile, group, "token-endpoint", self->token_endpoint);
  if (self->token_expires != 0)
    g_key_file_set_int64 (keyfile, group, "token-expires", self->token_expires);
  keyfile_set_opt (keyfile, group, "public-base-url", self->public_base_url);
  keyfile_set_opt (keyfile, group, "certificate", self->certificate_pem);
  if (self->strict_token)
    g_key_file_set_boolean (keyfile, group, "strict-token", TRUE);
  else
    g_key_file_remove_key (keyfile, group, "strict-token", NULL);
  keyfile_set_opt (keyfile, group, "member-id", self->member_id);
  if (self->uninstalled)
    g_key_file_set_boolean (keyfile, group, "uninstalled", TRUE);
  else
    g_key_file_remove_key (keyfile, group, "uninstalled", NULL);
  if (!self->follow_event_tokens)
    g_key_file_set_boolean (keyfile, group, "follow-event-tokens", FALSE);
  else
    g_key_file_remove_key (keyfile, group, "follow-event-tokens", NULL);
}

void
_botbench_profile_load_from_keyfile (BotbenchProfile *self,
                                     GKeyFile        *keyfile,
                                     const char      *group)
{
  g_autofree char *kind = NULL;
  g_autofree char *name = NULL;
  g_autofree char *portal_url = NULL;
  g_autofree char *user_id = NULL;
  g_autofree char *client_id = NULL;
  g_autofree char *oauth_client_id = NULL;
  g_autofree char *token_endpoint = NULL;
  g_autofree char *public_base_url = NULL;
  g_autofree char *certificate = NULL;
  g_autofree char *member_id = NULL;

  g_return_if_fail (BOTBENCH_IS_PROFILE (self));

  kind = g_key_file_get_string (keyfile, group, "kind", NULL);
  name = g_key_file_get_string (keyfile, group, "name", NULL);
  portal_url = g_key_file_get_string (keyfile, group, "portal-url", NULL);
  user_id = g_key_file_get_string (keyfile, group, "user-id", NULL);
  client_id = g_key_file_get_string (keyfile, group, "client-id", NULL);
  oauth_client_id = g_key_file_get_string (keyfile, group, "oauth-client-id", NULL);
  token_endpoint = g_key_file_get_string (keyfile, group, "token-endpoint", NULL);
  public_base_url = g_key_file_get_string (keyfile, group, "public-base-url", NULL);
  certificate = g_key_file_get_string (keyfile, group, "certificate", NULL);
  member_id = g_key_file_get_string (keyfile, group, "member-id", NULL);

  g_object_freeze_notify (G_OBJECT (self));
  /* client-id first, so that set_kind (webhook) keeps it rather than generating one */
  set_string (self, &self->client_id, client_id, PROP_CLIENT_ID);
  botbench_profile_set_kind (self, g_strcmp0 (kind, "oauth") == 0
                                   ? BOTBENCH_PROFILE_KIND_OAUTH
                                   : BOTBENCH_PROFILE_KIND_WEBHOOK);
  botbench_profile_set_name (self, name);
  botbench_profile_set_portal_url (self, portal_url);
  botbench_profile_set_user_id (self, user_id);
  botbench_profile_set_oauth_client_id (self, oauth_client_id);
  botbench_profile_set_token_endpoint (self, token_endpoint);
  botbench_profile_set_token_expires (self, g_key_file_get_int64 (keyfile, group, "token-expires", NULL));
  botbench_profile_set_public_base_url (self, public_base_url);
  botbench_profile_set_certificate_pem (self, certificate);
  botbench_profile_set_strict_token (self, g_key_file_get_boolean (keyfile, group, "strict-token", NULL));
  botbench_profile_set_member_id (self, member_id);
  botbench_profile_set_uninstalled (self, g_key_file_get_boolean (keyfile, group, "uninstalled", NULL));
  botbench_profile_set_follow_event_tokens (self, !g_key_file_has_key (keyfile, group, "follow-event-tokens", NULL) ||
                                                  g_key_file_get_boolean (keyfile, group, "follow-event-tokens", NULL));
  g_object_thaw_notify (G_OBJECT (self));
}
