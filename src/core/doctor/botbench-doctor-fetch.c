/* botbench-doctor-fetch.c: the checks of one imbot.v2 fetch-mode bot
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * fetch-ownership: imbot.v2.Bot.get with the bot's botToken (a webhook
 * profile's, from the keyring; OAuth profiles call as the application):
 * BOT_OWNERSHIP_ERROR means another application's bot or a wrong token.
 * fetch-poll: from the event store (on a worker thread) the offset to send
 * next (fetch_state) and the newest fetched event of the bot (its received
 * time: the last poll that brought events), then imbot.v2.Event.get with
 * that stored offset and limit 1.  That call acknowledges only events
 * already stored (exactly what the fetcher sends next) and shows the
 * oldest event waiting: queued longer than BOTBENCH_DOCTOR_QUEUE_AGE_LIMIT_S
 * means nothing is fetching.
 */
#define G_LOG_DOMAIN "botbench-doctor"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "botbench-doctor-private.h"
#include "botbench-bot-v2.h"
#include "botbench-event.h"

#define RECENT_FETCHED 200

static BotbenchBot *
current_bot (DoctorRun *run)
{
  return g_ptr_array_index (run->v2, run->index);
}

static char *
current_label (DoctorRun *run)
{
  BotbenchBot *bot = current_bot (run);

  return _botbench_doctor_bot_label (botbench_bot_get_bot_id (bot), bot);
}

static void
step_done (DoctorRun *run)
{
  if (++run->step >= 2)
    {
      run->step = 0;
      run->index++;
      g_object_set_data (G_OBJECT (run->task), "bot-token", NULL);
    }
  _botbench_doctor_next (run);
}

static gboolean
is_webhook (DoctorRun *run)
{
  return botbench_profile_get_kind (botbench_rest_client_get_profile (run->self->client)) ==
         BOTBENCH_PROFILE_KIND_WEBHOOK;
}

static JsonObject *
bot_params (DoctorRun *run)
{
  JsonObject *params = json_object_new ();
  const char *token = g_object_get_data (G_OBJECT (run->task), "bot-token");

  json_object_set_int_member (params, "botId", botbench_bot_get_bot_id (current_bot (run)));
  if (token != NULL)
    json_object_set_string_member (params, "botToken", token);

  return params;
}

/* ------------------------------------------------------------------------ */
/* fetch-ownership                                                          */

static void
bot_get_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  DoctorRun *run = user_data;
  BotbenchBot *bot = current_bot (run);
  g_autofree char *label = current_label (run);
  g_autoptr(BotbenchRestResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  const char *code;

  response = botbench_rest_client_call_finish (BOTBENCH_REST_CLIENT (object), result, &error);
  code = error != NULL && error->domain == BOTBENCH_REST_ERROR ? botbench_rest_error_get_code (error) : NULL;

  if (response != NULL)
    {
      /* A non-owner gets the brief format: no eventMode (v2 §2.5). */
      JsonNode *node = botbench_rest_response_get_result (response);
      JsonObject *reply = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      JsonNode *member = reply != NULL ? json_object_get_member (reply, "bot") : NULL;
      JsonObject *found = member != NULL && JSON_NODE_HOLDS_OBJECT (member) ? json_node_get_object (member) : NULL;
      JsonNode *mode = found != NULL ? json_object_get_member (found, "eventMode") : NULL;
      const char *mode_text = mode != NULL && JSON_NODE_HOLDS_VALUE (mode) &&
                              json_node_get_value_type (mode) == G_TYPE_STRING ? json_node_get_string (mode) : NULL;

      if (mode_text == NULL)
        code = "BOT_OWNERSHIP_ERROR";
      else if (!g_str_equal (mode_text, "fetch"))
        {
          g_autofree char *escaped = g_strescape (mode_text, NULL);

          _botbench_doctor_add (run, "fetch-ownership", BOTBENCH_DOCTOR_STATUS_PROBLEM,
                                botbench_bot_get_bot_id (bot),
                                g_strdup_printf (_("%sthe profile owns the bot, but the portal has it in "
                                                   "“%s” mode, not fetch: nothing is queued to fetch; update "
                                                   "the bot with eventMode fetch"), label, escaped));
          step_done (run);
          return;
        }
      else
        {
          _botbench_doctor_add (run, "fetch-ownership", BOTBENCH_DOCTOR_STATUS_OK, botbench_bot_get_bot_id (bot),
                                g_strdup_printf (_("%sthe profile owns the bot, in fetch mode (imbot.v2.Bot.get)"),
                                                 label));
          step_done (run);
          return;
        }
    }

  if (g_strcmp0 (code, "BOT_OWNERSHIP_ERROR") == 0)
    _botbench_doctor_add (run, "fetch-ownership", BOTBENCH_DOCTOR_STATUS_PROBLEM, botbench_bot_get_bot_id (bot),
                          g_strdup_printf (_("%sthe portal says another application registered the bot, or its "
                                             "botToken is wrong (BOT_OWNERSHIP_ERROR): only the owner can fetch its "
                                             "events; put the token it was registered with in its definition, or "
                                             "register it again with this profile"), label));
  else if (g_strcmp0 (code, "BOT_NOT_FOUND") == 0)
    _botbench_doctor_add (run, "fetch-ownership", BOTBENCH_DOCTOR_STATUS_PROBLEM, botbench_bot_get_bot_id (bot),
                          g_strdup_printf (_("%sthe portal has no such bot (BOT_NOT_FOUND): register it again"),
                                           label));
  else
    _botbench_doctor_add (run, "fetch-ownership", BOTBENCH_DOCTOR_STATUS_PROBLEM, botbench_bot_get_bot_id (bot),
                          g_strdup_printf (_("%simbot.v2.Bot.get failed: %s"), label, error->message));

  step_done (run);
}

static void
ownership_call (DoctorRun *run)
{
  g_autoptr(JsonObject) params = bot_params (run);

  botbench_rest_client_call_async (run->self->client, "imbot.v2.Bot.get", params, run->cancellable,
                                   bot_get_cb, run);
}

static void
token_lookup_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  DoctorRun *run = user_data;
  BotbenchBot *bot = current_bot (run);
  g_autoptr(GError) error = NULL;
  char *token;

  token = botbench_secret_store_lookup_finish (BOTBENCH_SECRET_STORE (object), result, &error);
  if (token == NULL || *token == '\0')
    {
      g_autofree char *label = current_label (run);

      botbench_secret_free (token);
      _botbench_doctor_add (run, "fetch-ownership", BOTBENCH_DOCTOR_STATUS_PROBLEM, botbench_bot_get_bot_id (bot),
                            error != NULL
                            ? g_strdup_printf (_("%sits botToken cannot be read from the keyring: %s"),
                                               label, error->message)
                            : g_strdup_printf (_("%sno botToken of it is in the keyring, and a webhook calls "
                                                 "imbot.v2 with it: put the token in its definition and update "
                                                 "it"), label));
      step_done (run);
      return;
    }

  g_object_set_data_full (G_OBJECT (run->task), "bot-token", token, (GDestroyNotify)botbench_secret_free);
  ownership_call (run);
}

static void
check_ownership (DoctorRun *run)
{
  BotbenchBot *bot = current_bot (run);
  BotbenchProfile *profile = botbench_rest_client_get_profile (run->self->client);
  g_autofree char *key = NULL;

  if (!is_webhook (run))
    {
      ownership_call (run);
      return;
    }

  if (run->self->secrets == NULL)
    {
      g_autofree char *label = current_label (run);

      _botbench_doctor_add (run, "fetch-ownership", BOTBENCH_DOCTOR_STATUS_WARNING, botbench_bot_get_bot_id (bot),
                            g_strdup_printf (_("%sNot checked: no keyring to read its botToken from"), label));
      step_done (run);
      return;
    }

  key = botbench_secret_bot_token_key (botbench_profile_get_uuid (profile),
                                       botbench_bot_get_code (bot) != NULL ? botbench_bot_get_code (bot) : "");
  botbench_secret_store_lookup_async (run->self->secrets, key, BOTBENCH_SECRET_KIND_BOT_TOKEN,
                                      run->cancellable, token_lookup_cb, run);
}

/* ------------------------------------------------------------------------ */
/* fetch-poll                                                               */

typedef struct
{
  BotbenchEventStore *store;
  char               *portal;
  gint64              bot_id;
  gint64              offset;
  gint64              last_us;
} FetchState;

static void
fetch_state_free (FetchState *state)
{
  g_clear_object (&state->store);
  g_free (state->portal);
  g_free (state);
}

static void
fetch_state_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  FetchState *state = task_data;
  BotbenchEventQuery query = { .source = "fetched", .limit = RECENT_FETCHED };
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;

  if (!botbench_event_store_get_fetch_offset (state->store, state->portal, state->bot_id,
                                              &state->offset, NULL, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  events = botbench_event_store_query (state->store, &query, &error);
  if (events == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Newest first */
  for (guint i = 0; i < events->len; i++)
    {
      BotbenchEvent *event = g_ptr_array_index (events, i);

      if (botbench_event_get_fetch_bot_id (event) == state->bot_id &&
          g_strcmp0 (botbench_event_get_fetch_portal (event), state->portal) == 0)
        {
          state->last_us = botbench_event_get_received (event);
          break;
        }
    }

  g_task_return_boolean (task, TRUE);
}

static char *
age_text (gint64 seconds)
{
  if (seconds < 120)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u second", "%u seconds", (gulong)MAX (seconds, 0)),
                            (guint)MAX (seconds, 0));
  if (seconds < 2 * 3600)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u minute", "%u minutes", (gulong)(seconds / 60)),
                            (guint)(seconds / 60));
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u hour", "%u hours", (gulong)(seconds / 3600)),
                          (guint)(seconds / 3600));
}

static void
event_get_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  DoctorRun *run = user_data;
  BotbenchBot *bot = current_bot (run);
  gint64 bot_id = botbench_bot_get_bot_id (bot);
  g_autofree char *label = current_label (run);
  g_autofree char *last = NULL;
  g_autoptr(BotbenchRestResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *node;
  JsonArray *events = NULL;
  gint64 oldest_age = -1;
  gint64 now = g_get_real_time ();

  response = botbench_rest_client_call_finish (BOTBENCH_REST_CLIENT (object), result, &error);
  if (response == NULL)
    {
      _botbench_doctor_add (run, "fetch-poll", BOTBENCH_DOCTOR_STATUS_PROBLEM, bot_id,
                            g_strdup_printf (_("%simbot.v2.Event.get fails, so nothing can fetch its events: %s"),
                                             label, error->message));
      step_done (run);
      return;
    }

  node = botbench_rest_response_get_result (response);
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonNode *member = json_object_get_member (json_node_get_object (node), "events");

      if (member != NULL && JSON_NODE_HOLDS_ARRAY (member))
        events = json_node_get_array (member);
    }

  if (events != NULL && json_array_get_length (events) > 0 &&
      JSON_NODE_HOLDS_OBJECT (json_array_get_element (events, 0)))
    {
      JsonObject *first = json_array_get_object_element (events, 0);
      JsonNode *date = json_object_get_member (first, "date");
      g_autoptr(GDateTime) when = NULL;

      if (date != NULL && JSON_NODE_HOLDS_VALUE (date) && json_node_get_value_type (date) == G_TYPE_STRING)
        when = g_date_time_new_from_iso8601 (json_node_get_string (date), NULL);
      oldest_age = when != NULL ? now / G_USEC_PER_SEC - g_date_time_to_unix (when) : 0;
    }

  last = run->fetch_last_us > 0
         ? g_strdup_printf (_("the last event was fetched %s ago"),
                            age_text ((now - run->fetch_last_us) / G_USEC_PER_SEC))
         : g_strdup (_("no event of it was fetched into the event store yet"));

  if (oldest_age > BOTBENCH_DOCTOR_QUEUE_AGE_LIMIT_S)
    {
      g_autofree char *age = age_text (oldest_age);

      _botbench_doctor_add (run, "fetch-poll", BOTBENCH_DOCTOR_STATUS_PROBLEM, bot_id,
                            /* Translators: %s: "Bot 12: ", %s: "5 minutes", %s: "the last event was…" */
                            g_strdup_printf (_("%sevents wait in the portal’s queue, the oldest for %s, and %s: "
                                               "nothing is fetching them. Keep Botbench running with this profile "
                                               "or run botbench-cli fetch --follow; the portal deletes queued "
                                               "events after 24 hours"), label, age, last));
    }
  else if (oldest_age >= 0)
    _botbench_doctor_add (run, "fetch-poll", BOTBENCH_DOCTOR_STATUS_OK, bot_id,
                          g_strdup_printf (_("%sevents are queued since moments ago (to be fetched soon); %s"),
                                           label, last));
  else
    _botbench_doctor_add (run, "fetch-poll", BOTBENCH_DOCTOR_STATUS_OK, bot_id,
                          g_strdup_printf (_("%sthe portal’s queue is empty; %s"), label, last));

  step_done (run);
}

static void
fetch_state_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  DoctorRun *run = user_data;
  FetchState *state = g_task_get_task_data (G_TASK (result));
  g_autoptr(JsonObject) params = NULL;
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_autofree char *label = current_label (run);

      _botbench_doctor_add (run, "fetch-poll", BOTBENCH_DOCTOR_STATUS_WARNING, state->bot_id,
                            g_strdup_printf (_("%sthe event store cannot be read: %s"), label, error->message));
      step_done (run);
      return;
    }

  run->fetch_offset = state->offset;
  run->fetch_last_us = state->last_us;

  params = bot_params (run);
  if (state->offset > 0)
    json_object_set_int_member (params, "offset", state->offset);
  json_object_set_int_member (params, "limit", 1);
  botbench_rest_client_call_async (run->self->client, "imbot.v2.Event.get", params, run->cancellable,
                                   event_get_cb, run);
}

static void
check_poll (DoctorRun *run)
{
  BotbenchBot *bot = current_bot (run);
  BotbenchProfile *profile = botbench_rest_client_get_profile (run->self->client);
  const char *portal = botbench_profile_get_portal_url (profile);
  g_autoptr(GTask) task = NULL;
  FetchState *state;

  if (run->self->store == NULL)
    {
      g_autofree char *label = current_label (run);

      _botbench_doctor_add (run, "fetch-poll", BOTBENCH_DOCTOR_STATUS_WARNING, botbench_bot_get_bot_id (bot),
                            g_strdup_printf (_("%sNot checked: no event store"), label));
      step_done (run);
      return;
    }
  if (is_webhook (run) && g_object_get_data (G_OBJECT (run->task), "bot-token") == NULL)
    {
      g_autofree char *label = current_label (run);

      _botbench_doctor_add (run, "fetch-poll", BOTBENCH_DOCTOR_STATUS_WARNING, botbench_bot_get_bot_id (bot),
                            g_strdup_printf (_("%sNot checked: no botToken (see fetch-ownership)"), label));
      step_done (run);
      return;
    }

  state = g_new0 (FetchState, 1);
  state->store = g_object_ref (run->self->store);
  /* The fetcher's key: the portal URL without trailing slashes. */
  state->portal = g_strdup (portal != NULL ? portal : "");
  while (*state->portal != '\0' && state->portal[strlen (state->portal) - 1] == '/')
    state->portal[strlen (state->portal) - 1] = '\0';
  state->bot_id = botbench_bot_get_bot_id (bot);

  task = g_task_new (NULL, run->cancellable, fetch_state_cb, run);
  g_task_set_source_tag (task, check_poll);
  g_task_set_task_data (task, state, (GDestroyNotify)fetch_state_free);
  g_task_run_in_thread (task, fetch_state_thread);
}

void
_botbench_doctor_v2_step (DoctorRun *run)
{
  if (run->step == 0)
    check_ownership (run);
  else
    check_poll (run);
}
