/* botbench-bot-v2.c: the imbot.v2 fields of a bot definition
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Accessors of the v2 fields, the names the v2 API uses (types, colours,
 * backgrounds), the botToken generator and the masker for printed
 * requests.  Reading and writing v2 definitions is in
 * botbench-bot-v2-json.c, their validation in botbench-bot-v2-validator.c.
 */
#define G_LOG_DOMAIN "botbench-bot"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "botbench-bot-private.h"
#include "botbench-bot-v2.h"
#include "botbench-request-preview.h"
#include "botbench-secret-store.h"

/* fields.type (§2.1; BotType::fromRestName, any case) */
static const char * const v2_types[] = {
  "bot", "supervisor", "personal", "openline", "network", NULL,
};

/* fields.backgroundId (§2.1) */
static const char * const v2_backgrounds[] = {
  "azure", "mint", "steel", "slate", "teal", "cornflower", "sky", "peach", "frost", NULL,
};

/* properties.color, indexed by BotbenchBotColor (chat-add table) */
static const char * const v2_colors[BOTBENCH_BOT_N_COLORS + 1] = {
  [BOTBENCH_BOT_COLOR_NONE]       = NULL,
  [BOTBENCH_BOT_COLOR_RED]        = "red",
  [BOTBENCH_BOT_COLOR_GREEN]      = "green",
  [BOTBENCH_BOT_COLOR_MINT]       = "mint",
  [BOTBENCH_BOT_COLOR_LIGHT_BLUE] = "lightBlue",
  [BOTBENCH_BOT_COLOR_DARK_BLUE]  = "darkBlue",
  [BOTBENCH_BOT_COLOR_PURPLE]     = "purple",
  [BOTBENCH_BOT_COLOR_AQUA]       = "aqua",
  [BOTBENCH_BOT_COLOR_PINK]       = "pink",
  [BOTBENCH_BOT_COLOR_LIME]       = "lime",
  [BOTBENCH_BOT_COLOR_BROWN]      = "brown",
  [BOTBENCH_BOT_COLOR_AZURE]      = "azure",
  [BOTBENCH_BOT_COLOR_KHAKI]      = "khaki",
  [BOTBENCH_BOT_COLOR_SAND]       = "sand",
  [BOTBENCH_BOT_COLOR_MARENGO]    = "marengo",
  [BOTBENCH_BOT_COLOR_GRAY]       = "gray",
  [BOTBENCH_BOT_COLOR_GRAPHITE]   = "graphite",
};

enum {
  V2_PROP_API,
  V2_PROP_TYPE,
  V2_PROP_EVENT_MODE,
  V2_PROP_WEBHOOK_URL,
  V2_PROP_BACKGROUND_ID,
  V2_PROP_IS_HIDDEN,
  V2_PROP_IS_REACTIONS_ENABLED,
  V2_PROP_IS_SUPPORT_OPENLINE,
};

G_STATIC_ASSERT (V2_PROP_IS_SUPPORT_OPENLINE + 1 == _BOTBENCH_BOT_V2_N_PROPS);

/* botbench-bot.c's table, from its class_init on */
static GParamSpec **v2_pspecs;

/* Life cycle (called by botbench-bot.c) */

void
_botbench_bot_v2_class_init (GParamSpec **pspecs)
{
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  pspecs[V2_PROP_API] = g_param_spec_uint ("api", NULL, NULL, BOTBENCH_BOT_API_V1, BOTBENCH_BOT_API_V2,
                                           BOTBENCH_BOT_API_V1, flags);
  pspecs[V2_PROP_TYPE] = g_param_spec_string ("v2-type", NULL, NULL, NULL, flags);
  pspecs[V2_PROP_EVENT_MODE] = g_param_spec_string ("event-mode", NULL, NULL, NULL, flags);
  pspecs[V2_PROP_WEBHOOK_URL] = g_param_spec_string ("webhook-url", NULL, NULL, NULL, flags);
  pspecs[V2_PROP_BACKGROUND_ID] = g_param_spec_string ("background-id", NULL, NULL, NULL, flags);
  pspecs[V2_PROP_IS_HIDDEN] = g_param_spec_boolean ("is-hidden", NULL, NULL, FALSE, flags);
  pspecs[V2_PROP_IS_REACTIONS_ENABLED] = g_param_spec_boolean ("is-reactions-enabled", NULL, NULL, TRUE, flags);
  pspecs[V2_PROP_IS_SUPPORT_OPENLINE] = g_param_spec_boolean ("is-support-openline", NULL, NULL, FALSE, flags);
  v2_pspecs = pspecs;
}

void
_botbench_bot_v2_get_property (BotbenchBot *self,
                               guint        index,
                               GValue      *value)
{
  switch (index)
    {
    case V2_PROP_API: g_value_set_uint (value, self->api); break;
    case V2_PROP_TYPE: g_value_set_string (value, self->v2.type); break;
    case V2_PROP_EVENT_MODE: g_value_set_string (value, self->v2.event_mode); break;
    case V2_PROP_WEBHOOK_URL: g_value_set_string (value, self->v2.webhook_url); break;
    case V2_PROP_BACKGROUND_ID: g_value_set_string (value, self->v2.background_id); break;
    case V2_PROP_IS_HIDDEN: g_value_set_boolean (value, self->v2.is_hidden); break;
    case V2_PROP_IS_REACTIONS_ENABLED: g_value_set_boolean (value, self->v2.is_reactions_enabled); break;
    case V2_PROP_IS_SUPPORT_OPENLINE: g_value_set_boolean (value, self->v2.is_support_openline); break;
    default: g_assert_not_reached ();
    }
}

void
_botbench_bot_v2_set_property (BotbenchBot  *self,
                               guint         index,
                               const GValue *value)
{
  switch (index)
    {
    case V2_PROP_API: botbench_bot_set_api (self, g_value_get_uint (value)); break;
    case V2_PROP_TYPE: botbench_bot_set_v2_type (self, g_value_get_string (value)); break;
    case V2_PROP_EVENT_MODE: botbench_bot_set_event_mode (self, g_value_get_string (value)); break;
    case V2_PROP_WEBHOOK_URL: botbench_bot_set_webhook_url (self, g_value_get_string (value)); break;
    case V2_PROP_BACKGROUND_ID: botbench_bot_set_background_id (self, g_value_get_string (value)); break;
    case V2_PROP_IS_HIDDEN: botbench_bot_set_is_hidden (self, g_value_get_boolean (value)); break;
    case V2_PROP_IS_REACTIONS_ENABLED: botbench_bot_set_is_reactions_enabled (self, g_value_get_boolean (value)); break;
    case V2_PROP_IS_SUPPORT_OPENLINE: botbench_bot_set_is_support_openline (self, g_value_get_boolean (value)); break;
    default: g_assert_not_reached ();
    }
}

void
_botbench_bot_v2_init (BotbenchBot *self)
{
  self->api = BOTBENCH_BOT_API_V1;
  self->v2.is_reactions_enabled = TRUE;
}

void
_botbench_bot_v2_clear (BotbenchBot *self)
{
  g_clear_pointer (&self->v2.type, g_free);
  g_clear_pointer (&self->v2.event_mode, g_free);
  g_clear_pointer (&self->v2.webhook_url, g_free);
  g_clear_pointer (&self->v2.background_id, g_free);
  g_clear_pointer (&self->v2.bot_token, botbench_secret_free);
}

void
_botbench_bot_v2_copy (BotbenchBot *self,
                       BotbenchBot *copy)
{
  _botbench_bot_v2_clear (copy);
  copy->api = self->api;
  copy->v2.type = g_strdup (self->v2.type);
  copy->v2.event_mode = g_strdup (self->v2.event_mode);
  copy->v2.webhook_url = g_strdup (self->v2.webhook_url);
  copy->v2.background_id = g_strdup (self->v2.background_id);
  copy->v2.bot_token = g_strdup (self->v2.bot_token);
  copy->v2.is_hidden = self->v2.is_hidden;
  copy->v2.is_reactions_enabled = self->v2.is_reactions_enabled;
  copy->v2.is_support_openline = self->v2.is_support_openline;
}

/* TRUE when the value changed */
static gboolean
replace_string (char       **field,
                const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

static void
notify (BotbenchBot *self,
        guint        index)
{
  g_object_notify_by_pspec (G_OBJECT (self), v2_pspecs[index]);
}

static void
set_flag (BotbenchBot *self,
          gboolean    *field,
          gboolean     value,
          guint        index)
{
  value = !!value;
  if (*field == value)
    return;
  *field = value;
  notify (self, index);
}

/* Accessors */

BotbenchBotApi
botbench_bot_get_api (BotbenchBot *self)
{
  g_return_val_if_fail (BOTBENCH_IS_BOT (self), BOTBENCH_BOT_API_V1);
  return self->api;
}

void
botbench_bot_set_api (BotbenchBot    *self,
                      BotbenchBotApi  api)
{
  g_return_if_fail (BOTBENCH_IS_BOT (self));
  g_return_if_fail (api == BOTBENCH_BOT_API_V1 || api == BOTBENCH_BOT_API_V2);
  if (self->api == api)
    return;
  self->api = api;
  notify (self, V2_PROP_API);
}

const char *
botbench_bot_get_v2_type (BotbenchBot *self)
{
  g_return_val_if_fail (BOTBENCH_IS_BOT (self), NULL);
  return self->v2.type;
}

void
botbench_bot_set_v2_type (BotbenchBot *self,
                          const char  *type)
{
  g_return_if_fail (BOTBENCH_IS_BOT (self));
  if (replace_string (&self->v2.type, type))
    notify (self, V2_PROP_TYPE);
}

gboolean
botbench_bot_v2_type_is_known (const char *type)
{
  g_autofree char *lower = NULL;

  if (type == NULL || *type == '\0')
    return TRUE;

  lower = g_ascii_strdown (type, -1);
  return g_strv_contains (v2_types, lower);
}

const char * const *
botbench_bot_v2_type_names (void)
{
  return v2_types;
}

const char *
botbench_bot_get_event_mode (BotbenchBot *self)
{
  g_return_val_if_fail (BOTBENCH_IS_BOT (self), NULL);
  return self->v2.event_mode;
}

void
botbench_bot_set_event_mode (BotbenchBot *self,
                             const char  *event_mode)
{
  g_return_if_fail (BOTBENCH_IS_BOT (self));
  if (replace_string (&self->v2.event_mode, event_mode))
    notify (self, V2_PROP_EVENT_MODE);
}

BotbenchBotEventMode
botbench_bot_get_effective_event_mode (BotbenchBot *self)
{
  g_return_val_if_fail (BOTBENCH_IS_BOT (self), BOTBENCH_BOT_EVENT_MODE_FETCH);

  if (self->v2.event_mode != NULL && g_ascii_strcasecmp (self->v2.event_mode, "webhook") == 0)
    return BOTBENCH_BOT_EVENT_MODE_WEBHOOK;
  return BOTBENCH_BOT_EVENT_MODE_FETCH;
}

const char *
botbench_bot_event_mode_to_string (BotbenchBotEventMode mode)
{
  return mode == BOTBENCH_BOT_EVENT_MODE_WEBHOOK ? "webhook" : "fetch";
}

const char *
botbench_bot_get_webhook_url (BotbenchBot *self)
{
  g_return_val_if_fail (BOTBENCH_IS_BOT (self), NULL);
  return self->v2.webhook_url;
}

void
botbench_bot_set_webhook_url (BotbenchBot *self,
                              const char  *url)
{
  g_return_if_fail (BOTBENCH_IS_BOT (self));
  if (replace_string (&self->v2.webhook_url, url))
    notify (self, V2_PROP_WEBHOOK_URL);
}

gboolean
botbench_bot_get_is_hidden (BotbenchBot *self)
{
  g_return_val_if_fail (BOTBENCH_IS_BOT (self), FALSE);
  return self->v2.is_hidden;
}

void
botbench_bot_set_is_hidden (BotbenchBot *self,
                            gboolean     hidden)
{
  g_return_if_fail (BOTBENCH_IS_BOT (self));
  set_flag (self, &self->v2.is_hidden, hidden, V2_PROP_IS_HIDDEN);
}

gboolean
botbench_bot_get_is_reactions_enabled (BotbenchBot *self)
{
  g_return_val_if_fail (BOTBENCH_IS_BOT (self), TRUE);
  return self->v2.is_reactions_enabled;
}

void
botbench_bot_set_is_reactions_enabled (BotbenchBot *self,
                                       gboolean     enabled)
{
  g_return_if_fail (BOTBENCH_IS_BOT (self));
  set_flag (self, &self->v2.is_reactions_enabled, enabled, V2_PROP_IS_REACTIONS_ENABLED);
}

gboolean
botbench_bot_get_is_support_openline (BotbenchBot *self)
{
  g_return_val_if_fail (BOTBENCH_IS_BOT (self), FALSE);
  return self->v2.is_support_openline;
}

void
botbench_bot_set_is_support_openline (BotbenchBot *self,
                                      gboolean     openline)
{
  g_return_if_fail (BOTBENCH_IS_BOT (self));
  set_flag (self, &self->v2.is_support_openline, openline, V2_PROP_IS_SUPPORT_OPENLINE);
}

const char *
botbench_bot_get_background_id (BotbenchBot *self)
{
  g_return_val_if_fail (BOTBENCH_IS_BOT (self), NULL);
  return self->v2.background_id;
}

void
botbench_bot_set_background_id (BotbenchBot *self,
                                const char  *background_id)
{
  g_return_if_fail (BOTBENCH_IS_BOT (self));
  if (replace_string (&self->v2.background_id, background_id))
    notify (self, V2_PROP_BACKGROUND_ID);
}

gboolean
botbench_bot_v2_background_is_known (const char *background_id)
{
  return background_id != NULL && g_strv_contains (v2_backgrounds, background_id);
}

/* The token */

const char *
botbench_bot_get_bot_token (BotbenchBot *self)
{
  g_return_val_if_fail (BOTBENCH_IS_BOT (self), NULL);
  return self->v2.bot_token;
}

void
botbench_bot_set_bot_token (BotbenchBot *self,
                            const char  *token)
{
  g_return_if_fail (BOTBENCH_IS_BOT (self));

  if (self->v2.bot_token == token)
    return;
  botbench_secret_free (self->v2.bot_token);
  self->v2.bot_token = g_strdup (token);
}

char *
botbench_bot_v2_generate_token (void)
{
  guint8 bytes[BOTBENCH_BOT_V2_TOKEN_MAX / 2];
  gsize have = 0;
  char *token;

  while (have < sizeof bytes)
    {
      gssize n = getrandom (bytes + have, sizeof bytes - have, 0);

      if (n < 0 && errno == EINTR)
        continue;
      /* No entropy source at all: nothing safe to fall back to. */
      if (n <= 0)
        g_error ("getrandom() failed: %s", g_strerror (errno));
      have += (gsize)n;
    }

  token = g_malloc (BOTBENCH_BOT_V2_TOKEN_MAX + 1);
  for (guint i = 0; i < sizeof bytes; i++)
    {
      token[2 * i] = "0123456789abcdef"[bytes[i] >> 4];
      token[2 * i + 1] = "0123456789abcdef"[bytes[i] & 0x0f];
    }
  token[BOTBENCH_BOT_V2_TOKEN_MAX] = '\0';
  memset (bytes, 0, sizeof bytes);

  return token;
}

gboolean
botbench_bot_ensure_bot_token (BotbenchBot *self)
{
  const char *p;

  g_return_val_if_fail (BOTBENCH_IS_BOT (self), FALSE);

  for (p = self->v2.bot_token; p != NULL && g_ascii_isspace (*p); p++)
    ;
  if (p != NULL && *p != '\0')
    return FALSE;

  botbench_secret_free (self->v2.bot_token);
  self->v2.bot_token = botbench_bot_v2_generate_token ();
  return TRUE;
}

glong
botbench_bot_v2_token_length (const char *token)
{
  if (token == NULL)
    return 0;
  if (!g_utf8_validate (token, -1, NULL))
    return (glong)strlen (token);
  return g_utf8_strlen (token, -1);
}

/* Colours */

const char *
botbench_bot_color_to_v2_name (BotbenchBotColor color)
{
  g_return_val_if_fail ((guint)color <= BOTBENCH_BOT_N_COLORS, NULL);
  return v2_colors[color];
}

gboolean
botbench_bot_color_from_v2_name (const char       *name,
                                 BotbenchBotColor *color)
{
  g_autoptr(GString) upper = NULL;

  g_return_val_if_fail (color != NULL, FALSE);

  if (name == NULL)
    return FALSE;

  /* BotController::normalizeColorCode: an upper-case letter after a
   * lower-case one starts a new word. */
  upper = g_string_new (NULL);
  for (const char *p = name; *p != '\0'; p++)
    {
      if (g_ascii_isupper (*p) && p != name && g_ascii_islower (p[-1]))
        g_string_append_c (upper, '_');
      g_string_append_c (upper, g_ascii_toupper (*p));
    }

  return botbench_bot_color_from_name (upper->str, color);
}

/* Masking */

static void mask_node (JsonNode *node);

void
botbench_bot_v2_mask_body (JsonObject *object)
{
  g_autoptr(GList) members = NULL;

  g_return_if_fail (object != NULL);

  members = json_object_get_members (object);
  for (const GList *l = members; l != NULL; l = l->next)
    {
      const char *key = l->data;

      if (g_str_equal (key, "botToken") || g_str_equal (key, "BOT_TOKEN"))
        json_object_set_string_member (object, key, BOTBENCH_MASK);
      else
        mask_node (json_object_get_member (object, key));
    }
}

static void
mask_node (JsonNode *node)
{
  if (node == NULL)
    return;

  if (JSON_NODE_HOLDS_OBJECT (node))
    botbench_bot_v2_mask_body (json_node_get_object (node));
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        mask_node (json_array_get_element (array, i));
    }
}
