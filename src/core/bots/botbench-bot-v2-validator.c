/* botbench-bot-v2-validator.c: checks a v2 bot definition the way the portal will
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Client-side copy of the imbot.v2 checks, in the server's order with its
 * codes and texts (reference v2 §2.0, §2.1, §2.2; the same rows the
 * sandbox's botbench-sandbox-v2-bots.c checks).  Errors come first, in
 * that order (the first is what the portal answers); warnings follow.
 *
 * Register (§2.1, newer controller):
 *   0   botToken   BOT_TOKEN_NOT_SPECIFIED   Bot token not specified (botToken is required for webhook auth)
 *   0b  botToken   BOT_TOKEN_INVALID_LENGTH  Bot token must not be longer than 40 characters
 *   1   code       BOT_CODE_REQUIRED         Bot code is required          (PHP empty(): "" and "0")
 *   2   properties.name BOT_PROPERTIES_REQUIRED Bot properties are required
 *   3   eventMode  BOT_INVALID_EVENT_MODE    Invalid event mode            (sent, not fetch/webhook in any case)
 *   4   webhookUrl BOT_WEBHOOK_URL_REQUIRED  Webhook URL is required for webhook event mode
 *   5   webhookUrl BOT_INVALID_CALLBACK      Invalid callback URL          (v1's handler URL rules)
 *   6   (code taken: only the portal knows)
 *   7   (whole)    BOT_LIMIT_EXCEEDED        Bot registration limit exceeded
 *   8   type       BOT_INVALID_TYPE          Invalid bot type
 *   9   properties.avatar BOT_AVATAR_INCORRECT_TYPE Avatar must be an image file
 *   10  properties.avatar BOT_AVATAR_INCORRECT_SIZE Avatar image exceeds maximum dimensions (5000x5000)
 * Update (§2.0 rows 1–2, then §2.2): BOT_TOKEN_NOT_SPECIFIED, BOT_ID_REQUIRED,
 *   avatar TYPE/SIZE, BOT_INVALID_EVENT_MODE, BOT_TOKEN_INVALID_LENGTH (new token),
 *   BOT_TOKEN_ROTATION_FAILED (new token with OAuth), BOT_INVALID_CALLBACK.
 *   BOT_NOT_FOUND and BOT_OWNERSHIP_ERROR need the portal.
 */
#define G_LOG_DOMAIN "botbench-bot-validator"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "botbench-bot-private.h"
#include "botbench-bot-v2.h"
#include "botbench-bot-validator.h"

/* In botbench-avatar.c */
extern gboolean botbench_avatar_check_base64 (const char  *base64,
                                              guint       *width,
                                              guint       *height,
                                              GError     **error);

typedef struct
{
  const BotbenchBotValidationContext *context;
  BotbenchBot                        *bot;
  GPtrArray                          *errors;
  GPtrArray                          *warnings;
} Validation;

static void
add_error (Validation *v,
           const char *field,
           const char *code,
           const char *server_text,
           const char *hint)
{
  _botbench_bot_issue_add (v->errors, BOTBENCH_BOT_ISSUE_ERROR, field, code, g_strdup (server_text), g_strdup (hint));
}

static void
add_warning (Validation *v,
             const char *field,
             const char *code,
             char       *message)
{
  _botbench_bot_issue_add (v->warnings, BOTBENCH_BOT_ISSUE_WARNING, field, code, message, NULL);
}

static gboolean
is_blank (const char *text)
{
  if (text == NULL)
    return TRUE;
  for (; *text != '\0'; text++)
    if (!g_ascii_isspace (*text))
      return FALSE;
  return TRUE;
}

static void
check_token_length (Validation *v,
                    const char *token)
{
  if (botbench_bot_v2_token_length (token) > BOTBENCH_BOT_V2_TOKEN_MAX)
    add_error (v, "botToken", "BOT_TOKEN_INVALID_LENGTH", "Bot token must not be longer than 40 characters",
               _("Use a botToken of at most 40 characters, or leave it empty to have one generated"));
}

static void
check_event_mode (Validation *v)
{
  const char *mode = botbench_bot_get_event_mode (v->bot);

  if (mode != NULL && g_ascii_strcasecmp (mode, "fetch") != 0 && g_ascii_strcasecmp (mode, "webhook") != 0)
    add_error (v, "eventMode", "BOT_INVALID_EVENT_MODE", "Invalid event mode",
               _("Set eventMode to “fetch” (Botbench reads the events) or “webhook” (the portal POSTs them)"));
}

static void
check_callback (Validation *v,
                const char *url)
{
  if (url == NULL)
    return;
  if (botbench_bot_check_handler_url (url) != NULL)
    add_error (v, "webhookUrl", "BOT_INVALID_CALLBACK", "Invalid callback URL",
               _("The webhook URL must be an http or https address with a host"));
  else
    _botbench_bot_warn_url_reach (v->context, "webhookUrl", url, v->warnings);
}

static void
check_avatar (Validation *v,
              const char *avatar)
{
  g_autoptr(GError) error = NULL;
  guint width = 0, height = 0;

  if (avatar == NULL || *avatar == '\0')
    return;

  if (botbench_avatar_check_base64 (avatar, &width, &height, &error))
    return;

  if (width > BOTBENCH_BOT_AVATAR_MAX_SIDE || height > BOTBENCH_BOT_AVATAR_MAX_SIDE)
    add_error (v, "properties.avatar", "BOT_AVATAR_INCORRECT_SIZE",
               "Avatar image exceeds maximum dimensions (5000x5000)",
               _("Scale the avatar down to at most 5000×5000 pixels"));
  else
    add_error (v, "properties.avatar", "BOT_AVATAR_INCORRECT_TYPE", "Avatar must be an image file",
               _("The avatar must be an image as base64 text, without a “data:” prefix"));
}

static void
validate_register (Validation *v)
{
  const BotbenchBotValidationContext *ctx = v->context;
  BotbenchBot *bot = v->bot;
  const char *token = botbench_bot_get_bot_token (bot);

  /* 0: webhook auth needs a token to own the bot */
  if (!ctx->oauth)
    {
      if (_botbench_bot_php_empty (token))
        add_error (v, "botToken", "BOT_TOKEN_NOT_SPECIFIED",
                   "Bot token not specified (botToken is required for webhook auth)",
                   _("Give the bot a botToken, or leave it empty and let Botbench generate one"));
      else
        check_token_length (v, token);
    }
  else if (!_botbench_bot_php_empty (token))
    add_warning (v, "botToken", BOTBENCH_BOT_WARNING_TOKEN_IGNORED,
                 g_strdup (_("This profile uses OAuth: the bot belongs to the application, and the botToken "
                             "is not sent")));

  /* 1 */
  if (_botbench_bot_php_empty (botbench_bot_get_code (bot)))
    add_error (v, "code", "BOT_CODE_REQUIRED", "Bot code is required",
               _("Give the bot a code: not empty and not “0”"));

  /* 2 */
  if (_botbench_bot_php_empty (botbench_bot_get_name (bot)))
    add_error (v, "properties.name", "BOT_PROPERTIES_REQUIRED", "Bot properties are required",
               _("Give the bot a name"));

  /* 3 */
  check_event_mode (v);

  /* 4, 5 */
  if (botbench_bot_get_effective_event_mode (bot) == BOTBENCH_BOT_EVENT_MODE_WEBHOOK)
    {
      if (_botbench_bot_php_empty (botbench_bot_get_webhook_url (bot)))
        add_error (v, "webhookUrl", "BOT_WEBHOOK_URL_REQUIRED", "Webhook URL is required for webhook event mode",
                   _("Give the webhook URL the portal POSTs events to, or use the fetch mode"));
      else
        check_callback (v, botbench_bot_get_webhook_url (bot));
    }
  else if (!_botbench_bot_php_empty (botbench_bot_get_webhook_url (bot)))
    add_warning (v, "webhookUrl", BOTBENCH_BOT_WARNING_WEBHOOK_URL_IGNORED,
                 g_strdup (_("In the fetch mode the portal POSTs nothing: the webhook URL is ignored")));

  /* 7 */
  if (ctx->bot_limit > 0 && ctx->owner_bot_count >= ctx->bot_limit)
    add_error (v, NULL, "BOT_LIMIT_EXCEEDED", "Bot registration limit exceeded",
               _("Unregister one of the owner’s bots first"));
  else if (ctx->bot_limit > 0 && ctx->owner_bot_count + 1 == ctx->bot_limit)
    add_warning (v, NULL, BOTBENCH_BOT_WARNING_BOT_LIMIT_LAST,
                 g_strdup_printf (_("This is the last bot the owner can register (limit %u)"), ctx->bot_limit));

  /* 8 */
  if (!botbench_bot_v2_type_is_known (botbench_bot_get_v2_type (bot)))
    add_error (v, "type", "BOT_INVALID_TYPE", "Invalid bot type",
               _("The type is one of bot, supervisor, personal, openline or network"));

  /* 9, 10 */
  check_avatar (v, botbench_bot_get_property_value (bot, BOTBENCH_BOT_PROPERTY_PERSONAL_PHOTO));
}

static void
validate_update (Validation *v)
{
  const BotbenchBotValidationContext *ctx = v->context;
  BotbenchBot *previous = ctx->previous;
  BotbenchBot *bot = v->bot;
  const char *old_token = botbench_bot_get_bot_token (previous);
  const char *new_token = botbench_bot_get_bot_token (bot);
  gint64 bot_id = botbench_bot_get_bot_id (bot) > 0 ? botbench_bot_get_bot_id (bot)
                                                     : botbench_bot_get_bot_id (previous);
  gboolean rotates = !is_blank (new_token) && g_strcmp0 (new_token, old_token) != 0 && !is_blank (old_token);
  const char *avatar = botbench_bot_get_property_value (bot, BOTBENCH_BOT_PROPERTY_PERSONAL_PHOTO);

  /* §2.0 row 1: the current token authenticates the call */
  if (!ctx->oauth && _botbench_bot_php_empty (old_token) && _botbench_bot_php_empty (new_token))
    add_error (v, "botToken", "BOT_TOKEN_NOT_SPECIFIED",
               "Bot token not specified (botToken is required for webhook auth)",
               _("The bot’s botToken is not known here: look it up in the keyring or set it"));

  /* §2.0 row 2 */
  if (bot_id <= 0)
    add_error (v, "botId", "BOT_ID_REQUIRED", "botId is required", _("Update a registered bot (with a bot id)"));

  /* §2.2: avatar (only when it changes: only then is it sent) */
  if (g_strcmp0 (avatar, botbench_bot_get_property_value (previous, BOTBENCH_BOT_PROPERTY_PERSONAL_PHOTO)) != 0)
    check_avatar (v, avatar);

  if (g_strcmp0 (botbench_bot_get_event_mode (bot), botbench_bot_get_event_mode (previous)) != 0)
    check_event_mode (v);

  if (rotates)
    {
      g_autofree char *trimmed = g_strstrip (g_strdup (new_token));

      check_token_length (v, trimmed);
      if (ctx->oauth)
        add_error (v, "botToken", "BOT_TOKEN_ROTATION_FAILED", "Bot token rotation failed",
                   _("Bots of an OAuth application have no botToken to rotate"));
    }

  if (g_strcmp0 (botbench_bot_get_webhook_url (bot), botbench_bot_get_webhook_url (previous)) != 0 &&
      !_botbench_bot_php_empty (botbench_bot_get_webhook_url (bot)))
    check_callback (v, botbench_bot_get_webhook_url (bot));

  if (g_strcmp0 (botbench_bot_get_code (bot), botbench_bot_get_code (previous)) != 0 &&
      !_botbench_bot_php_empty (botbench_bot_get_code (previous)))
    add_warning (v, "code", BOTBENCH_BOT_WARNING_CODE_NOT_UPDATABLE,
                 g_strdup (_("imbot.v2.Bot.update cannot change the code: unregister the bot and register it "
                             "again")));
  if (g_ascii_strcasecmp (botbench_bot_get_v2_type (bot) ? botbench_bot_get_v2_type (bot) : "bot",
                          botbench_bot_get_v2_type (previous) ? botbench_bot_get_v2_type (previous) : "bot") != 0)
    add_warning (v, "type", BOTBENCH_BOT_WARNING_TYPE_NOT_UPDATABLE,
                 g_strdup (_("imbot.v2.Bot.update cannot change the type: unregister the bot and register it "
                             "again")));
}

GPtrArray *
_botbench_bot_v2_validate (BotbenchBot                        *bot,
                           const BotbenchBotValidationContext *context)
{
  Validation v = { 0, };

  g_assert (BOTBENCH_IS_BOT (bot));
  g_assert (context != NULL);

  v.context = context;
  v.bot = bot;
  v.errors = g_ptr_array_new_with_free_func ((GDestroyNotify)botbench_bot_issue_free);
  v.warnings = g_ptr_array_new_with_free_func ((GDestroyNotify)botbench_bot_issue_free);

  if (context->previous != NULL)
    validate_update (&v);
  else
    validate_register (&v);

  g_ptr_array_extend_and_steal (v.errors, g_steal_pointer (&v.warnings));

  return v.errors;
}
