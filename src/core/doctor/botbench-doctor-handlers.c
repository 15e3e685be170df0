/* botbench-doctor-handlers.c: the checks of one v1 bot
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * handler-url (the portal's dot rule, §1.4, and https), handler-reachable
 * and handler-answers (botbench-doctor-reach.c), handler-set (one handler
 * set per application, §1.7), bot-type (type B and H bots hear only
 * mentions in group chats, §3.1), bot-messages (bots never get bots'
 * messages) and application-token (the last 50 stored events of the bot,
 * read on a worker thread).  The handler URLs come from the bot's
 * definition saved on this machine: imbot.bot.list does not return them.
 */
#define G_LOG_DOMAIN "botbench-doctor"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "botbench-doctor-private.h"
#include "botbench-bot-validator.h"
#include "botbench-bot-v2.h"
#include "botbench-event.h"

#define TOKEN_EVENTS 50

enum
{
  STEP_URL,
  STEP_REACHABLE,
  STEP_ANSWERS,
  STEP_SET,
  STEP_TYPE,
  STEP_MESSAGES,
  STEP_TOKEN,
  N_STEPS
};

/* The handlers the portal binds, by their event parameter. */
static const BotbenchBotHandler bound_handlers[] = {
  BOTBENCH_BOT_HANDLER_MESSAGE_ADD,
  BOTBENCH_BOT_HANDLER_WELCOME_MESSAGE,
  BOTBENCH_BOT_HANDLER_BOT_DELETE,
  BOTBENCH_BOT_HANDLER_MESSAGE_UPDATE,
  BOTBENCH_BOT_HANDLER_MESSAGE_DELETE,
};

static DoctorBot *
current_bot (DoctorRun *run)
{
  return &g_array_index (run->v1, DoctorBot, run->index);
}

void
_botbench_doctor_v1_step_done (DoctorRun *run)
{
  if (++run->step >= N_STEPS)
    {
      run->step = 0;
      run->index++;
    }
  _botbench_doctor_next (run);
}

/* ------------------------------------------------------------------------ */
/* handler-url                                                              */

static gboolean
has_url (GPtrArray  *urls,
         const char *url)
{
  for (guint i = 0; i < urls->len; i++)
    if (g_str_equal (g_ptr_array_index (urls, i), url))
      return TRUE;

  return FALSE;
}

static gboolean
url_is_public (BotbenchDoctor *self,
               const char     *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);

  return uri != NULL && _botbench_doctor_place_of_host (self, g_uri_get_host (uri)) == DOCTOR_PLACE_PUBLIC;
}

static void
check_url (DoctorRun *run,
           DoctorBot *bot,
           char      *label)
{
  GString *problems = g_string_new (NULL);
  GString *warnings = g_string_new (NULL);
  gboolean has_http = FALSE;

  g_clear_pointer (&run->urls, g_ptr_array_unref);
  run->urls = g_ptr_array_new_with_free_func (g_free);

  if (bot->definition == NULL)
    {
      _botbench_doctor_add (run, "handler-url", BOTBENCH_DOCTOR_STATUS_WARNING, bot->id,
                            g_strdup_printf (_("%sno definition of it is saved on this machine, and the portal "
                                               "does not tell its handler URLs (imbot.bot.list): import or "
                                               "save its definition to check them"), label));
      g_string_free (problems, TRUE);
      g_string_free (warnings, TRUE);
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (bound_handlers); i++)
    {
      BotbenchBotHandler handler = bound_handlers[i];
      const char *url = botbench_bot_get_effective_handler (bot->definition, handler);
      const char *param = botbench_bot_handler_to_param (handler);
      const char *wrong;

      if (url == NULL || !botbench_bot_handler_is_kept (bot->definition, handler))
        continue;

      wrong = botbench_bot_check_handler_url (url);
      if (wrong != NULL)
        {
          if (problems->len > 0)
            g_string_append (problems, " ");
          /* Translators: %s: EVENT_MESSAGE_ADD…, %s: the URL, %s: the portal's error text */
          g_string_append_printf (problems, _("%s “%s” is refused by the portal (“%s”): use a full https:// URL "
                                              "whose host has a dot, such as the public URL of a tunnel."),
                                  param, url, wrong);
          continue;
        }
      if (!has_url (run->urls, url))
        g_ptr_array_add (run->urls, g_strdup (url));
      if (g_ascii_strncasecmp (url, "http://", 7) == 0)
        has_http = TRUE;
      /* Plain http matters where the request crosses the internet: from
       * a cloud portal, or to a public host. */
      if (g_ascii_strncasecmp (url, "http://", 7) == 0 &&
          (_botbench_doctor_portal_place (run->self) == DOCTOR_PLACE_PUBLIC || url_is_public (run->self, url)))
        {
          if (warnings->len > 0)
            g_string_append (warnings, " ");
          g_string_append_printf (warnings, _("%s “%s” is plain http: the portal accepts it, but Bitrix24 "
                                              "asks for public https handlers; use an https URL (a tunnel gives one)."),
                                  param, url);
        }
    }

  if (problems->len > 0)
    _botbench_doctor_add (run, "handler-url", BOTBENCH_DOCTOR_STATUS_PROBLEM, bot->id,
                          g_strdup_printf ("%s%s", label, problems->str));
  else if (warnings->len > 0)
    _botbench_doctor_add (run, "handler-url", BOTBENCH_DOCTOR_STATUS_WARNING, bot->id,
                          g_strdup_printf ("%s%s", label, warnings->str));
  else if (run->urls->len == 0)
    _botbench_doctor_add (run, "handler-url", BOTBENCH_DOCTOR_STATUS_PROBLEM, bot->id,
                          g_strdup_printf (_("%sits definition has no handler URL: set EVENT_MESSAGE_ADD, "
                                             "EVENT_WELCOME_MESSAGE and EVENT_BOT_DELETE and update the bot"),
                                           label));
  else
    _botbench_doctor_add (run, "handler-url", BOTBENCH_DOCTOR_STATUS_OK, bot->id,
                          has_http
                          ? g_strdup_printf (_("%shandler URLs pass the portal’s rule; plain http is fine "
                                               "here, the requests stay inside the portal’s machine or "
                                               "network"), label)
                          : g_strdup_printf (_("%shandler URLs pass the portal’s rule and use https"), label));

  g_string_free (problems, TRUE);
  g_string_free (warnings, TRUE);
}

/* ------------------------------------------------------------------------ */
/* handler-set                                                              */

/* The handlers every bot binds (§1.7: a second bot must use the same). */
static const BotbenchBotHandler shared_handlers[] = {
  BOTBENCH_BOT_HANDLER_MESSAGE_ADD,
  BOTBENCH_BOT_HANDLER_WELCOME_MESSAGE,
  BOTBENCH_BOT_HANDLER_BOT_DELETE,
};

static void
check_set (DoctorRun *run,
           DoctorBot *bot,
           char      *label)
{
  BotbenchDoctor *self = run->self;
  GString *others = g_string_new (NULL);
  guint n;

  if (bot->definition == NULL || self->bots == NULL)
    {
      _botbench_doctor_add (run, "handler-set", BOTBENCH_DOCTOR_STATUS_WARNING, bot->id,
                            g_strdup_printf (_("%sNot checked: no definition of it is saved on this machine"),
                                             label));
      g_string_free (others, TRUE);
      return;
    }

  n = g_list_model_get_n_items (G_LIST_MODEL (self->bots));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BotbenchBot) other = g_list_model_get_item (G_LIST_MODEL (self->bots), i);
      gint64 other_id = botbench_bot_get_bot_id (other);
      gboolean differs = FALSE;

      if (other_id <= 0 || other_id == bot->id || botbench_bot_get_api (other) != BOTBENCH_BOT_API_V1)
        continue;

      for (guint h = 0; h < G_N_ELEMENTS (shared_handlers); h++)
        if (g_strcmp0 (botbench_bot_get_effective_handler (other, shared_handlers[h]),
                       botbench_bot_get_effective_handler (bot->definition, shared_handlers[h])) != 0)
          differs = TRUE;

      if (differs)
        {
          const char *code = botbench_bot_get_code (other);

          if (others->len > 0)
            g_string_append (others, ", ");
          g_string_append_printf (others, "%" G_GINT64_FORMAT " (%s)", other_id, code != NULL ? code : "");
        }
    }

  if (others->len > 0)
    _botbench_doctor_add (run, "handler-set", BOTBENCH_DOCTOR_STATUS_PROBLEM, bot->id,
                          g_strdup_printf (_("%sbot %s of the same application has other handler URLs, but an "
                                             "application has one set: whichever bot was registered or updated "
                                             "last set them for all. Give every bot of the application the same "
                                             "handler URLs and tell the bots apart by data[BOT]"),
                                           label, others->str));
  else
    _botbench_doctor_add (run, "handler-set", BOTBENCH_DOCTOR_STATUS_OK, bot->id,
                          g_strdup_printf (_("%sno other bot of the application has other handler URLs"), label));

  g_string_free (others, TRUE);
}

/* ------------------------------------------------------------------------ */
/* bot-type, bot-messages                                                   */

static void
check_type (DoctorRun *run,
            DoctorBot *bot,
            char      *label)
{
  BotbenchBotType type;

  if (bot->definition == NULL)
    {
      _botbench_doctor_add (run, "bot-type", BOTBENCH_DOCTOR_STATUS_WARNING, bot->id,
                            g_strdup_printf (_("%sNot checked: no definition of it is saved on this machine "
                                               "(a type B or H bot hears only mentions in group chats)"), label));
      return;
    }

  type = botbench_bot_get_bot_type (bot->definition);
  switch (type)
    {
    case BOTBENCH_BOT_TYPE_BOT:
    case BOTBENCH_BOT_TYPE_HUMAN:
      _botbench_doctor_add (run, "bot-type", BOTBENCH_DOCTOR_STATUS_WARNING, bot->id,
                            g_strdup_printf (_("%sa type %s bot gets every message of a private chat, but in a "
                                               "group chat only the messages that mention it; mention it to "
                                               "test, or register it as type S to hear everything"),
                                             label, botbench_bot_type_to_code (type)));
      return;
    case BOTBENCH_BOT_TYPE_OPENLINE:
    case BOTBENCH_BOT_TYPE_SUPERVISOR:
    default:
      _botbench_doctor_add (run, "bot-type", BOTBENCH_DOCTOR_STATUS_OK, bot->id,
                            g_strdup_printf (_("%sa type %s bot hears every message of the chats it is in"),
                                             label, botbench_bot_type_to_code (type)));
      return;
    }
}

static void
check_messages (DoctorRun *run,
                DoctorBot *bot,
                char      *label)
{
  _botbench_doctor_add (run, "bot-messages", BOTBENCH_DOCTOR_STATUS_OK, bot->id,
                        g_strdup_printf (_("%sbots never receive messages written by bots (their own or "
                                           "others’): test by writing as a person"), label));
}

/* ------------------------------------------------------------------------ */
/* application-token                                                        */

typedef struct
{
  guint n_events;
  guint n_wrong;
  guint n_verified;
} TokenCount;

static void
token_count_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  BotbenchEventStore *store = task_data;
  g_autofree char *bot_id = g_strdup_printf ("%" G_GINT64_FORMAT,
                                             (gint64)GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (task), "bot-id")));
  BotbenchEventQuery query = { .bot_id = bot_id, .limit = TOKEN_EVENTS };
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  TokenCount *count;

  events = botbench_event_store_query (store, &query, &error);
  if (events == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  count = g_new0 (TokenCount, 1);
  count->n_events = events->len;
  for (guint i = 0; i < events->len; i++)
    {
      BotbenchTokenState state = botbench_event_get_token_state (g_ptr_array_index (events, i));

      if (state == BOTBENCH_TOKEN_STATE_WRONG)
        count->n_wrong++;
      else if (state == BOTBENCH_TOKEN_STATE_VERIFIED)
        count->n_verified++;
    }
  g_task_return_pointer (task, count, g_free);
}

static void
token_count_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  DoctorRun *run = user_data;
  DoctorBot *bot = current_bot (run);
  g_autofree char *label = _botbench_doctor_bot_label (bot->id, bot->definition);
  g_autofree TokenCount *count = NULL;
  g_autoptr(GError) error = NULL;

  count = g_task_propagate_pointer (G_TASK (result), &error);
  if (count == NULL)
    _botbench_doctor_add (run, "application-token", BOTBENCH_DOCTOR_STATUS_WARNING, bot->id,
                          g_strdup_printf (_("%sthe event store cannot be read: %s"), label, error->message));
  else if (count->n_wrong > 0)
    _botbench_doctor_add (run, "application-token", BOTBENCH_DOCTOR_STATUS_PROBLEM, bot->id,
                          g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                        "%s%u of its last %u stored events carried another "
                                                        "application_token than the profile expects: the expected "
                                                        "token is wrong (learn it again from ONAPPINSTALL, or, for "
                                                        "a webhook, it is the CLIENT_ID) or the events come from "
                                                        "another application",
                                                        "%s%u of its last %u stored events carried another "
                                                        "application_token than the profile expects: the expected "
                                                        "token is wrong (learn it again from ONAPPINSTALL, or, for "
                                                        "a webhook, it is the CLIENT_ID) or the events come from "
                                                        "another application",
                                                        count->n_events),
                                           label, count->n_wrong, count->n_events));
  else if (count->n_events == 0)
    _botbench_doctor_add (run, "application-token", BOTBENCH_DOCTOR_STATUS_OK, bot->id,
                          g_strdup_printf (_("%sno event of it is stored yet, none with a wrong application_token"),
                                           label));
  else
    _botbench_doctor_add (run, "application-token", BOTBENCH_DOCTOR_STATUS_OK, bot->id,
                          g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                        "%sits last %u stored event has no wrong application_token",
                                                        "%sits last %u stored events have no wrong application_token",
                                                        count->n_events),
                                           label, count->n_events));

  _botbench_doctor_v1_step_done (run);
}

static void
check_token (DoctorRun *run,
             DoctorBot *bot,
             char      *label)
{
  g_autoptr(GTask) task = NULL;

  if (run->self->store == NULL)
    {
      _botbench_doctor_add (run, "application-token", BOTBENCH_DOCTOR_STATUS_WARNING, bot->id,
                            g_strdup_printf (_("%sNot checked: no event store"), label));
      _botbench_doctor_v1_step_done (run);
      return;
    }

  task = g_task_new (NULL, run->cancellable, token_count_cb, run);
  g_task_set_source_tag (task, check_token);
  g_task_set_task_data (task, g_object_ref (run->self->store), g_object_unref);
  g_object_set_data (G_OBJECT (task), "bot-id", GSIZE_TO_POINTER ((gsize)bot->id));
  g_task_run_in_thread (task, token_count_thread);
}

/* ------------------------------------------------------------------------ */

void
_botbench_doctor_v1_step (DoctorRun *run)
{
  DoctorBot *bot = current_bot (run);
  g_autofree char *label = _botbench_doctor_bot_label (bot->id, bot->definition);

  switch (run->step)
    {
    case STEP_URL:
      check_url (run, bot, label);
      break;
    case STEP_REACHABLE:
      _botbench_doctor_reach_start (run);
      return;
    case STEP_ANSWERS:
      _botbench_doctor_answers_start (run);
      return;
    case STEP_SET:
      check_set (run, bot, label);
      break;
    case STEP_TYPE:
      check_type (run, bot, label);
      break;
    case STEP_MESSAGES:
      check_messages (run, bot, label);
      break;
    case STEP_TOKEN:
      check_token (run, bot, label);
      return;
    default:
      g_assert_not_reached ();
    }

  _botbench_doctor_v1_step_done (run);
}
