/* botbench-bot-validator.c: checks a bot definition the way the portal will
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Rule table (reference §1.3 order for errors; then warnings):
 *
 *   step  field                 code                         message
 *   2     CLIENT_ID             ACCESS_DENIED                Access denied! Client ID not specified
 *   4     EVENT_MESSAGE_ADD     EVENT_MESSAGE_ADD_ERROR      Handler for "Message add" event isn't specified
 *   4b    EVENT_MESSAGE_ADD¹    EVENT_MESSAGE_ADD_ERROR      Wrong handler URL | Unsupported handler protocol
 *   5     EVENT_MESSAGE_UPDATE  EVENT_MESSAGE_UPDATE_ERROR   (as 4b, only when non-empty)
 *   6     EVENT_MESSAGE_DELETE  EVENT_MESSAGE_DELETE_ERROR   (as 4b, only when non-empty)
 *   7/7b  EVENT_WELCOME_MESSAGE EVENT_WELCOME_MESSAGE_ERROR  Handler for "Welcome message" event isn't specified | 4b
 *   8/8b  EVENT_BOT_DELETE      EVENT_BOT_DELETE_ERROR       Handler for "Bot delete" event isn't specified | 4b
 *   9     CODE                  CODE_ERROR                   Bot code isn't specified   ("" and "0": PHP empty())
 *   10    (whole bot)           MAX_COUNT_ERROR              Has reached the maximum number of bots for application (max: N)
 *   12    PROPERTIES.NAME       NAME_ERROR                   Bot name isn't specified
 *   13    PROPERTIES.PERSONAL_BIRTHDAY ERROR_CORE            Incorrect date/time: <value> 19:45:00
 *   15    PROPERTIES.EMAIL      WRONG_REQUEST                Bot can't be created
 *   ¹ field EVENT_HANDLER when a non-empty EVENT_HANDLER fans out over all five (one issue, not five).
 *   Update (context->previous): the URLs sent in FIELDS, NAME_ERROR when NAME and LAST_NAME are both
 *   sent empty, WRONG_REQUEST "Update fields can't be empty".
 *
 * Steps 13 and 15 follow the sandbox (botbench-sandbox-bots.c); the reference marks them [inf].
 * The avatar is checked by botbench_avatar_check_base64() (botbench-avatar.c).
 */
#define G_LOG_DOMAIN "botbench-bot-validator"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "botbench-bot-validator.h"
#include "botbench-bot-private.h"

G_DEFINE_BOXED_TYPE (BotbenchBotIssue, botbench_bot_issue, botbench_bot_issue_copy, botbench_bot_issue_free)

static const struct {
  const char *error;
  const char *missing;   /* NULL: optional */
} handler_errors[BOTBENCH_BOT_N_HANDLERS] = {
  { "EVENT_MESSAGE_ADD_ERROR", "Handler for \"Message add\" event isn't specified" },
  { "EVENT_MESSAGE_UPDATE_ERROR", NULL },
  { "EVENT_MESSAGE_DELETE_ERROR", NULL },
  { "EVENT_WELCOME_MESSAGE_ERROR", "Handler for \"Welcome message\" event isn't specified" },
  { "EVENT_BOT_DELETE_ERROR", "Handler for \"Bot delete\" event isn't specified" },
};

#define WRONG_HANDLER_URL    "Wrong handler URL"
#define UNSUPPORTED_PROTOCOL "Unsupported handler protocol"

typedef struct
{
  const BotbenchBotValidationContext *context;
  BotbenchBot                        *bot;
  GPtrArray                          *errors;
  GPtrArray                          *warnings;
} Validation;

BotbenchBotIssue *
botbench_bot_issue_copy (const BotbenchBotIssue *issue)
{
  BotbenchBotIssue *copy;

  g_return_val_if_fail (issue != NULL, NULL);

  copy = g_new0 (BotbenchBotIssue, 1);
  copy->severity = issue->severity;
  copy->field = g_strdup (issue->field);
  copy->code = g_strdup (issue->code);
  copy->message = g_strdup (issue->message);
  copy->hint = g_strdup (issue->hint);

  return copy;
}

void
botbench_bot_issue_free (BotbenchBotIssue *issue)
{
  if (issue == NULL)
    return;

  g_free (issue->field);
  g_free (issue->code);
  g_free (issue->message);
  g_free (issue->hint);
  g_free (issue);
}

BotbenchBotHandlerSet *
botbench_bot_handler_set_new (BotbenchBot *bot)
{
  BotbenchBotHandlerSet *set;

  g_return_val_if_fail (BOTBENCH_IS_BOT (bot), NULL);

  set = g_new0 (BotbenchBotHandlerSet, 1);
  set->code = g_strdup (botbench_bot_get_code (bot));
  for (guint i = 0; i < BOTBENCH_BOT_N_HANDLERS; i++)
    if (botbench_bot_handler_is_kept (bot, i))
      set->urls[i] = g_strdup (botbench_bot_get_effective_handler (bot, i));

  return set;
}

void
botbench_bot_handler_set_free (BotbenchBotHandlerSet *set)
{
  if (set == NULL)
    return;

  g_free (set->code);
  for (guint i = 0; i < BOTBENCH_BOT_N_HANDLERS; i++)
    g_free (set->urls[i]);
  g_free (set);
}

/* Appends an issue to @array (of BotbenchBotIssue); takes @message and @hint. */
void
_botbench_bot_issue_add (GPtrArray                *array,
           BotbenchBotIssueSeverity  severity,
           const char               *field,
           const char               *code,
           char                     *message,   /* taken */
           char                     *hint)      /* taken */
{
  BotbenchBotIssue *issue = g_new0 (BotbenchBotIssue, 1);

  issue->severity = severity;
  issue->field = g_strdup (field);
  issue->code = g_strdup (code);
  issue->message = message;
  issue->hint = hint;
  g_ptr_array_add (array, issue);
}

static void
add_error (Validation *v,
           const char *field,
           const char *code,
           const char *server_text,
           char       *hint)
{
  _botbench_bot_issue_add (v->errors, BOTBENCH_BOT_ISSUE_ERROR, field, code, g_strdup (server_text), hint);
}

static void
add_warning (Validation *v,
             const char *field,
             const char *code,
             char       *message)
{
  _botbench_bot_issue_add (v->warnings, BOTBENCH_BOT_ISSUE_WARNING, field, code, message, NULL);
}

/* Handler URLs (§1.4) */

/* Splits @url the way PHP parse_url() does for checkCallback: returns the
 * server's error text or NULL, and the scheme and host when it passes. */
static const char *
parse_handler_url (const char  *url,
                   char       **scheme_out,
                   char       **host_out)
{
  const char *p;
  const char *scheme_end = NULL;
  const char *authority_end;
  const char *host;
  const char *host_end;
  const char *dot;
  g_autofree char *scheme = NULL;
  g_autofree char *host_copy = NULL;

  /* a scheme is [A-Za-z0-9+.-]+ before the first ':' */
  for (const char *q = url; *q != '\0'; q++)
    {
      if (*q == ':')
        {
          if (q > url)
            scheme_end = q;
          break;
        }
      if (!g_ascii_isalnum (*q) && *q != '+' && *q != '-' && *q != '.')
        break;
    }

  if (scheme_end != NULL && strncmp (scheme_end, "://", 3) == 0)
    {
      scheme = g_strndup (url, scheme_end - url);
      p = scheme_end + 3;
    }
  else if (strncmp (url, "//", 2) == 0)
    p = url + 2;
  else
    return WRONG_HANDLER_URL;

  authority_end = p + strcspn (p, "/?#");
  host = p;
  for (const char *q = p; q < authority_end; q++)
    if (*q == '@')
      host = q + 1;

  /* the host ends at the port's ':', or after the ']' of an IPv6 literal */
  host_end = memchr (host, *host == '[' ? ']' : ':', authority_end - host);
  if (host_end == NULL)
    host_end = authority_end;
  else if (*host == '[')
    host_end++;

  host_copy = g_strndup (host, host_end - host);
  dot = strchr (host_copy, '.');
  if (*host_copy == '\0' || dot == NULL || dot == host_copy)
    return WRONG_HANDLER_URL;

  if (g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0)
    return UNSUPPORTED_PROTOCOL;

  if (scheme_out != NULL)
    *scheme_out = g_steal_pointer (&scheme);
  if (host_out != NULL)
    *host_out = g_steal_pointer (&host_copy);

  return NULL;
}

const char *
botbench_bot_check_handler_url (const char *url)
{
  g_return_val_if_fail (url != NULL, WRONG_HANDLER_URL);
  return parse_handler_url (url, NULL, NULL);
}

static char *
url_error_hint (const char *problem)
{
  if (g_str_equal (problem, UNSUPPORTED_PROTOCOL))
    return g_strdup (_("Start the URL with https:// (or http://)"));

  return g_strdup (_("Use a full URL with a public host name that contains a dot, "
                     "such as https://bot.example.com/events; “localhost” and bare host names are refused"));
}

/* Where a host is, as far as who can reach it goes. */
typedef enum
{
  HOST_PUBLIC,
  HOST_PRIVATE,    /* a private network: RFC 1918, link-local, CGNAT, fc00::/7, local names */
  HOST_LOOPBACK,   /* this machine: 127/8, ::1, localhost, the unspecified address */
} HostPlace;

static HostPlace
ipv4_place (const guint8 *b)
{
  if (b[0] == 127 || b[0] == 0)                           /* loopback, "this host" */
    return HOST_LOOPBACK;

  if (b[0] == 10 ||                                       /* 10/8 */
      (b[0] == 172 && (b[1] & 0xf0) == 16) ||             /* 172.16/12 */
      (b[0] == 192 && b[1] == 168) ||                     /* 192.168/16 */
      (b[0] == 169 && b[1] == 254) ||                     /* link-local */
      (b[0] == 100 && (b[1] & 0xc0) == 64))               /* 100.64/10, carrier-grade NAT */
    return HOST_PRIVATE;

  return HOST_PUBLIC;
}

/* The place of an IP literal ("[…]" allowed); FALSE for a host name. */
static gboolean
address_place (const char *host,
               HostPlace  *place)
{
  g_autofree char *literal = NULL;
  g_autoptr(GInetAddress) address = NULL;
  const guint8 *b;

  if (*host == '[')
    literal = g_strndup (host + 1, strlen (host) - (g_str_has_suffix (host, "]") ? 2 : 1));
  else
    literal = g_strdup (host);

  address = g_inet_address_new_from_string (literal);
  if (address == NULL)
    return FALSE;

  b = g_inet_address_to_bytes (address);
  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV4)
    {
      *place = ipv4_place (b);
      return TRUE;
    }

  if (g_inet_address_get_is_loopback (address) || g_inet_address_get_is_any (address))
    *place = HOST_LOOPBACK;
  else if ((b[0] & 0xfe) == 0xfc ||                       /* fc00::/7 */
           (b[0] == 0xfe && (b[1] & 0xc0) == 0x80))       /* fe80::/10 */
    *place = HOST_PRIVATE;
  else
    {
      /* ::ffff:a.b.c.d */
      static const guint8 mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

      *place = memcmp (b, mapped, sizeof mapped) == 0 ? ipv4_place (b + 12) : HOST_PUBLIC;
    }

  return TRUE;
}

/* Names that only resolve on the user's own machine or network. */
static HostPlace
name_place (const char *host)
{
  static const char *suffixes[] = {
    ".local", ".localdomain", ".internal", ".lan", ".home.arpa", ".test", ".invalid",
  };
  g_autofree char *lower = g_ascii_strdown (host, -1);

  while (g_str_has_suffix (lower, "."))
    lower[strlen (lower) - 1] = '\0';

  if (g_str_equal (lower, "localhost") || g_str_has_suffix (lower, ".localhost"))
    return HOST_LOOPBACK;

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    if (g_str_has_suffix (lower, suffixes[i]))
      return HOST_PRIVATE;

  return HOST_PUBLIC;
}

static HostPlace
host_place (const char *host)
{
  HostPlace place;

  if (address_place (host, &place))
    return place;

  return name_place (host);
}

/* What the portal reaches: hosts at its own place and the more public
 * ones.  No portal URL is a cloud portal. */
static HostPlace
portal_reach (const BotbenchBotValidationContext *context)
{
  g_autoptr(GUri) uri = NULL;
  const char *host;

  if (context->portal_url == NULL)
    return HOST_PUBLIC;

  uri = g_uri_parse (context->portal_url, G_URI_FLAGS_NONE, NULL);
  host = uri != NULL ? g_uri_get_host (uri) : NULL;
  if (host == NULL || *host == '\0')
    return HOST_PUBLIC;

  return host_place (host);
}

/* Errors and warnings of one handler URL field.  Returns FALSE on an error. */
static gboolean
check_url_field (Validation *v,
                 const char *field,
                 const char *error_code,
                 const char *url)
{
  g_autofree char *scheme = NULL;
  g_autofree char *host = NULL;
  const char *problem;
  HostPlace place;
  HostPlace reach;
  gboolean is_address;

  problem = parse_handler_url (url, &scheme, &host);
  if (problem != NULL)
    {
      add_error (v, field, error_code, problem, url_error_hint (problem));
      return FALSE;
    }

  is_address = address_place (host, &place);
  if (!is_address)
    place = name_place (host);
  reach = portal_reach (v->context);

  if (place > reach && is_address && reach == HOST_PUBLIC)
    add_warning (v, field, BOTBENCH_BOT_WARNING_HANDLER_PRIVATE_ADDRESS,
                 g_strdup_printf (_("%s is a loopback or private address: the portal accepts it, "
                                    "but a cloud portal cannot reach it. Use a public URL or a tunnel"),
                                  host));
  else if (place > reach && is_address)
    add_warning (v, field, BOTBENCH_BOT_WARNING_HANDLER_PRIVATE_ADDRESS,
                 g_strdup_printf (_("%s is a loopback address: the portal accepts it, but there it "
                                    "means the portal’s own machine. Use this machine’s address on "
                                    "the portal’s network"),
                                  host));
  else if (place > reach && reach == HOST_PUBLIC)
    add_warning (v, field, BOTBENCH_BOT_WARNING_HANDLER_LOCAL_HOST,
                 g_strdup_printf (_("%s only resolves on your own network: a cloud portal cannot "
                                    "reach it. Use a public host name or a tunnel"),
                                  host));
  else if (place > reach)
    add_warning (v, field, BOTBENCH_BOT_WARNING_HANDLER_LOCAL_HOST,
                 g_strdup_printf (_("%s only resolves on this machine: the portal cannot reach it. "
                                    "Use this machine’s name or address on the portal’s network"),
                                  host));

  /* Inside the portal's own machine or network, http is as good as https. */
  if (g_strcmp0 (scheme, "http") == 0 && (place == HOST_PUBLIC || place > reach))
    add_warning (v, field, BOTBENCH_BOT_WARNING_HANDLER_PLAIN_HTTP,
                 g_strdup (_("Plain http sends every event, with its access tokens, unencrypted. "
                             "Use https")));

  return TRUE;
}

void
_botbench_bot_warn_url_reach (const BotbenchBotValidationContext *context,
                              const char                         *field,
                              const char                         *url,
                              GPtrArray                          *warnings)
{
  static const BotbenchBotValidationContext default_context = { 0, };
  g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func ((GDestroyNotify)botbench_bot_issue_free);
  Validation v = { 0, };

  v.context = context != NULL ? context : &default_context;
  v.errors = errors;
  v.warnings = warnings;
  check_url_field (&v, field, "BOT_INVALID_CALLBACK", url);
}

static void
check_handlers_register (Validation *v)
{
  BotbenchBot *bot = v->bot;
  const char *event_handler = botbench_bot_get_event_handler (bot);

  /* Step 3: a non-empty EVENT_HANDLER is copied over all five, so the
   * first check decides for all of them. */
  if (!_botbench_bot_php_empty (event_handler))
    {
      check_url_field (v, "EVENT_HANDLER", handler_errors[0].error, event_handler);
      return;
    }

  for (guint i = 0; i < BOTBENCH_BOT_N_HANDLERS; i++)
    {
      const char *param = botbench_bot_handler_to_param (i);
      const char *url = botbench_bot_get_effective_handler (bot, i);

      if (url == NULL)
        {
          if (handler_errors[i].missing != NULL)
            add_error (v, param, handler_errors[i].error, handler_errors[i].missing,
                       g_strdup_printf (_("Set %s, or EVENT_HANDLER for all events"), param));
          continue;
        }

      if (check_url_field (v, param, handler_errors[i].error, url) && !botbench_bot_handler_is_kept (bot, i))
        add_warning (v, param, BOTBENCH_BOT_WARNING_HANDLER_DROPPED,
                     g_strdup_printf (_("The portal checks %s but then drops it: message update and "
                                        "delete events only reach bots of type S or O, or with Open Channel "
                                        "support (OPENLINE). Change the type, enable OPENLINE or clear the URL"),
                                      param));
    }
}

static void
check_handlers_update (Validation *v,
                       JsonObject *fields)
{
  const char *event_handler = NULL;

  if (json_object_has_member (fields, "EVENT_HANDLER"))
    event_handler = json_object_get_string_member (fields, "EVENT_HANDLER");

  if (!_botbench_bot_php_empty (event_handler))
    {
      check_url_field (v, "EVENT_HANDLER", handler_errors[0].error, event_handler);
      return;
    }

  for (guint i = 0; i < BOTBENCH_BOT_N_HANDLERS; i++)
    {
      const char *param = botbench_bot_handler_to_param (i);

      if (json_object_has_member (fields, param))
        check_url_field (v, param, handler_errors[i].error, json_object_get_string_member (fields, param));
    }
}

/* Warnings about the profile's other bots (§1.6, §1.7). */
static void
check_other_bots (Validation *v)
{
  GPtrArray *sets = v->context->other_handler_sets;
  const char *code = botbench_bot_get_code (v->bot);
  gboolean use_event_handler = !_botbench_bot_php_empty (botbench_bot_get_event_handler (v->bot));
  gboolean warned_field[BOTBENCH_BOT_N_HANDLERS] = { FALSE, };
  gboolean warned_event_handler = FALSE;

  if (sets == NULL)
    return;

  for (guint s = 0; s < sets->len; s++)
    {
      const BotbenchBotHandlerSet *set = g_ptr_array_index (sets, s);

      /* The same CODE: §1.6, the portal returns the existing bot unchanged */
      if (v->context->previous == NULL && !_botbench_bot_php_empty (code) && g_strcmp0 (set->code, code) == 0)
        {
          add_warning (v, "CODE", BOTBENCH_BOT_WARNING_CODE_TAKEN,
                       g_strdup_printf (_("Another bot of this profile already has the CODE “%s”: the portal "
                                          "returns that bot’s id and changes neither its name nor its avatar. "
                                          "Choose a new CODE, or update that bot instead"),
                                        code));
          continue;
        }

      for (guint i = 0; i < BOTBENCH_BOT_N_HANDLERS; i++)
        {
          const char *mine = NULL;
          const char *field;

          if (botbench_bot_handler_is_kept (v->bot, i))
            mine = botbench_bot_get_effective_handler (v->bot, i);
          if (mine == NULL || set->urls[i] == NULL || g_str_equal (mine, set->urls[i]))
            continue;

          field = use_event_handler ? "EVENT_HANDLER" : botbench_bot_handler_to_param (i);
          if (use_event_handler ? warned_event_handler : warned_field[i])
            continue;
          if (use_event_handler)
            warned_event_handler = TRUE;
          else
            warned_field[i] = TRUE;

          add_warning (v, field, BOTBENCH_BOT_WARNING_HANDLER_SET_CONFLICT,
                       g_strdup_printf (_("Bot “%s” of this application uses %s for %s. The portal keeps one "
                                          "set of handlers per application, so registering this bot sends "
                                          "both bots’ events to the new URL. Use the same URL for every bot "
                                          "and tell them apart by data[BOT]"),
                                        set->code ? set->code : "", set->urls[i],
                                        botbench_bot_handler_to_param (i)));
        }
    }
}

/* PERSONAL_BIRTHDAY (§1.1, step 13) */

static gboolean
birthday_is_parsable (const char *value)
{
  /* the sandbox's rule for Bitrix\Main\Type\DateTime("Y-m-d H:i:s") */
  return g_regex_match_simple ("^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}$", value, 0, 0);
}

static void
check_birthday (Validation *v)
{
  const char *value = botbench_bot_get_property_value (v->bot, BOTBENCH_BOT_PROPERTY_PERSONAL_BIRTHDAY);
  const char *field = "PROPERTIES.PERSONAL_BIRTHDAY";
  g_auto(GStrv) parts = NULL;
  guint64 year, month, day;

  if (value == NULL)
    return;

  if (!birthday_is_parsable (value))
    {
      g_autofree char *text = g_strdup_printf ("Incorrect date/time: %s 19:45:00", value);

      add_error (v, field, "ERROR_CORE", text,
                 g_strdup (_("Write the birthday as YYYY-MM-DD, or leave it out")));
      return;
    }

  if (!g_regex_match_simple ("^[0-9]{4}-[0-9]{2}-[0-9]{2}$", value, 0, 0))
    add_warning (v, field, BOTBENCH_BOT_WARNING_BIRTHDAY_FORMAT,
                 g_strdup_printf (_("“%s” is not in the documented YYYY-MM-DD form: write the month and the "
                                    "day with two digits"),
                                  value));

  parts = g_strsplit (value, "-", 3);
  year = g_ascii_strtoull (parts[0], NULL, 10);
  month = g_ascii_strtoull (parts[1], NULL, 10);
  day = g_ascii_strtoull (parts[2], NULL, 10);
  if (year < 1 || month < 1 || month > 12 || day < 1 ||
      day > g_date_get_days_in_month (month, year))
    add_warning (v, field, BOTBENCH_BOT_WARNING_BIRTHDAY_NOT_A_DATE,
                 g_strdup_printf (_("“%s” is not a real date: the portal rolls it over and stores a "
                                    "different day. Correct the month or the day"),
                                  value));
}

static void
check_email (Validation *v)
{
  const char *value = botbench_bot_get_property_value (v->bot, BOTBENCH_BOT_PROPERTY_EMAIL);

  if (value == NULL || *value == '\0')
    return;

  /* the sandbox's rule for CUser::CheckFields */
  if (!g_regex_match_simple ("^[^@\\s]+@[^@\\s]+\\.[^@\\s.]+$", value, 0, 0))
    add_error (v, "PROPERTIES.EMAIL", "WRONG_REQUEST", "Bot can't be created",
               g_strdup_printf (_("“%s” is not an e-mail address: the portal cannot create the bot’s "
                                  "user account. Correct it or leave it empty"),
                                value));
}

/* PERSONAL_PHOTO (§1.8): every problem is silent on the portal. */

/* In botbench-avatar.c: PHP's lenient base64 decode, then the formats and
 * the 5000 px limit the portal keeps; width and height are set whenever the
 * size could be read. */
extern gboolean botbench_avatar_check_base64 (const char  *base64,
                                              guint       *width,
                                              guint       *height,
                                              GError     **error);

static void
check_photo (Validation *v)
{
  const char *value = botbench_bot_get_property_value (v->bot, BOTBENCH_BOT_PROPERTY_PERSONAL_PHOTO);
  const char *field = "PROPERTIES.PERSONAL_PHOTO";
  g_autoptr(GError) error = NULL;
  const char *p;
  guint width = 0, height = 0;

  /* "" and "false": nothing is saved, on purpose */
  if (value == NULL || *value == '\0' || g_str_equal (value, "false"))
    return;

  for (p = value; g_ascii_isspace (*p); p++)
    ;
  if (g_ascii_strncasecmp (p, "data:", 5) == 0)
    {
      add_warning (v, field, BOTBENCH_BOT_WARNING_AVATAR_DATA_URI,
                   g_strdup (_("The avatar starts with a “data:” prefix, which the portal decodes as "
                               "part of the image and then silently drops the avatar. Send the base64 "
                               "text alone")));
      return;
    }

  if (botbench_avatar_check_base64 (value, &width, &height, &error))
    return;

  if (width > BOTBENCH_BOT_AVATAR_MAX_SIDE || height > BOTBENCH_BOT_AVATAR_MAX_SIDE)
    add_warning (v, field, BOTBENCH_BOT_WARNING_AVATAR_TOO_LARGE,
                 g_strdup_printf (_("The avatar is %u×%u pixels: the portal silently drops avatars larger "
                                    "than %u×%u. Scale it down"),
                                  width, height, BOTBENCH_BOT_AVATAR_MAX_SIDE, BOTBENCH_BOT_AVATAR_MAX_SIDE));
  else
    add_warning (v, field, BOTBENCH_BOT_WARNING_AVATAR_NOT_IMAGE,
                 g_strdup_printf (_("The portal will register the bot without this avatar: %s"),
                                  error != NULL ? error->message : _("it is not an image")));
}

static void
validate_register (Validation *v)
{
  const BotbenchBotValidationContext *ctx = v->context;
  BotbenchBot *bot = v->bot;
  const char *name = botbench_bot_get_name (bot);
  const char *last_name = botbench_bot_get_last_name (bot);

  /* 2 */
  if (ctx->missing_client_id)
    add_error (v, "CLIENT_ID", "ACCESS_DENIED", "Access denied! Client ID not specified",
               g_strdup (_("Webhook profiles must send a CLIENT_ID: set one in the profile")));

  /* 3–8 */
  check_handlers_register (v);

  /* 9 */
  if (_botbench_bot_php_empty (botbench_bot_get_code (bot)))
    add_error (v, "CODE", "CODE_ERROR", "Bot code isn't specified",
               g_strdup (_("Give the bot a CODE: letters or digits, not empty and not “0”")));

  /* 10 */
  if (ctx->bot_limit > 0 && ctx->owner_bot_count >= ctx->bot_limit)
    {
      g_autofree char *text = g_strdup_printf ("Has reached the maximum number of bots for application (max: %u)",
                                               ctx->bot_limit);

      add_error (v, NULL, "MAX_COUNT_ERROR", text,
                 g_strdup (_("Unregister one of the application’s bots first")));
    }
  else if (ctx->bot_limit > 0 && ctx->owner_bot_count + 1 == ctx->bot_limit)
    add_warning (v, NULL, BOTBENCH_BOT_WARNING_BOT_LIMIT_LAST,
                 g_strdup_printf (_("This is the last bot the application can register (limit %u): "
                                    "to add another later, unregister one first"),
                                  ctx->bot_limit));

  /* 12 */
  if (name == NULL && last_name == NULL)
    add_error (v, "PROPERTIES.NAME", "NAME_ERROR", "Bot name isn't specified",
               g_strdup (_("Give the bot a NAME or a LAST_NAME")));
  else if ((name == NULL || *name == '\0') && (last_name == NULL || *last_name == '\0'))
    add_warning (v, "PROPERTIES.NAME", BOTBENCH_BOT_WARNING_NAME_EMPTY,
                 g_strdup (_("NAME and LAST_NAME are empty: the portal accepts that, but the bot has no "
                             "name in chats. Give it a NAME")));

  /* 13 */
  check_birthday (v);

  /* 15 */
  check_email (v);
}

static void
validate_update (Validation *v)
{
  g_autoptr(JsonNode) body = NULL;
  JsonObject *fields;
  JsonObject *props = NULL;

  if (v->context->missing_client_id)
    add_error (v, "CLIENT_ID", "ACCESS_DENIED", "Access denied! Client ID not specified",
               g_strdup (_("Webhook profiles must send a CLIENT_ID: set one in the profile")));

  if (botbench_bot_get_bot_type (v->bot) != botbench_bot_get_bot_type (v->context->previous))
    add_warning (v, "TYPE", BOTBENCH_BOT_WARNING_TYPE_NOT_UPDATABLE,
                 g_strdup (_("imbot.update cannot change TYPE: unregister the bot and register it again")));
  if (botbench_bot_get_openline (v->bot) != botbench_bot_get_openline (v->context->previous))
    add_warning (v, "OPENLINE", BOTBENCH_BOT_WARNING_OPENLINE_NOT_UPDATABLE,
                 g_strdup (_("imbot.update cannot change OPENLINE: unregister the bot and register it again")));

  body = botbench_bot_build_update_fields (v->context->previous, v->bot, NULL);
  if (body == NULL)
    {
      add_error (v, NULL, "WRONG_REQUEST", "Update fields can't be empty",
                 g_strdup (_("Nothing that imbot.update can change differs from the registered bot")));
      return;
    }

  fields = json_object_get_object_member (json_node_get_object (body), "FIELDS");
  check_handlers_update (v, fields);

  if (json_object_has_member (fields, "PROPERTIES"))
    props = json_object_get_object_member (fields, "PROPERTIES");
  if (props != NULL && json_object_has_member (props, "NAME") && json_object_has_member (props, "LAST_NAME") &&
      _botbench_bot_php_empty (json_object_get_string_member (props, "NAME")) &&
      _botbench_bot_php_empty (json_object_get_string_member (props, "LAST_NAME")))
    add_error (v, "PROPERTIES.NAME", "NAME_ERROR", "Bot name isn't specified",
               g_strdup (_("Give the bot a NAME or a LAST_NAME")));
}

GPtrArray *
botbench_bot_validate (BotbenchBot                        *bot,
                       const BotbenchBotValidationContext *context)
{
  static const BotbenchBotValidationContext default_context = { 0, };
  Validation v = { 0, };

  g_return_val_if_fail (BOTBENCH_IS_BOT (bot), NULL);
  g_return_val_if_fail (context == NULL || context->previous == NULL || BOTBENCH_IS_BOT (context->previous), NULL);

  if (bot->api == BOTBENCH_BOT_API_V2)
    return _botbench_bot_v2_validate (bot, context != NULL ? context : &default_context);

  v.context = context != NULL ? context : &default_context;
  v.bot = bot;
  v.errors = g_ptr_array_new_with_free_func ((GDestroyNotify)botbench_bot_issue_free);
  v.warnings = g_ptr_array_new_with_free_func ((GDestroyNotify)botbench_bot_issue_free);

  if (v.context->previous != NULL)
    validate_update (&v);
  else
    validate_register (&v);

  check_other_bots (&v);
  check_photo (&v);

  /* errors first, in the server's order; then the warnings */
  g_ptr_array_extend_and_steal (v.errors, g_steal_pointer (&v.warnings));

  return v.errors;
}

gboolean
botbench_bot_issues_have_error (GPtrArray *issues)
{
  g_return_val_if_fail (issues != NULL, FALSE);

  for (guint i = 0; i < issues->len; i++)
    if (((BotbenchBotIssue *)g_ptr_array_index (issues, i))->severity == BOTBENCH_BOT_ISSUE_ERROR)
      return TRUE;

  return FALSE;
}
