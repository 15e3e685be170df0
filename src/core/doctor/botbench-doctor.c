/* botbench-doctor.c: the delivery doctor: the object, the portal's checks, the bot list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A run calls `scope` (checks `profile` and `scope`), `app.info` for
 * OAuth profiles (`app-installed`), `imbot.bot.list`, then hands each v1
 * bot to botbench-doctor-handlers.c and each v2 fetch-mode bot of the bot
 * store to botbench-doctor-fetch.c.  When the portal does not answer, or
 * a call the later checks need fails, those checks are still reported,
 * as warnings saying why they were skipped.  The checks themselves:
 * botbench-doctor-check.c.
 */
#define G_LOG_DOMAIN "botbench-doctor"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "botbench-doctor-private.h"
#include "botbench-bot-v2.h"

G_DEFINE_FINAL_TYPE (BotbenchDoctor, botbench_doctor, G_TYPE_OBJECT)
/* ------------------------------------------------------------------------ */
/* the run                                                                  */

static void
doctor_run_free (DoctorRun *run)
{
  g_clear_object (&run->self);
  g_clear_object (&run->cancellable);
  if (run->session != NULL)
    soup_session_abort (run->session);
  g_clear_object (&run->session);
  g_clear_pointer (&run->checks, g_ptr_array_unref);
  g_clear_pointer (&run->skip_reason, g_free);
  g_clear_pointer (&run->scopes, g_strfreev);
  g_clear_pointer (&run->v1, g_array_unref);
  g_clear_pointer (&run->v2, g_ptr_array_unref);
  g_clear_pointer (&run->urls, g_ptr_array_unref);
  if (run->message != NULL)
    g_string_free (run->message, TRUE);
  g_free (run);
}

static void
doctor_bot_clear (DoctorBot *bot)
{
  g_clear_object (&bot->definition);
}

static gboolean
is_v2 (BotbenchBot *bot)
{
  return botbench_bot_get_api (bot) == BOTBENCH_BOT_API_V2;
}

static gboolean
is_fetch_bot (BotbenchBot *bot)
{
  return is_v2 (bot) && botbench_bot_get_effective_event_mode (bot) == BOTBENCH_BOT_EVENT_MODE_FETCH &&
         botbench_bot_get_bot_id (bot) > 0;
}

/* The profile's registered v2 fetch-mode bots (or the one asked for). */
static void
collect_v2 (DoctorRun *run)
{
  BotbenchDoctor *self = run->self;
  guint n;

  if (self->bots == NULL)
    return;

  n = g_list_model_get_n_items (G_LIST_MODEL (self->bots));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BotbenchBot) bot = g_list_model_get_item (G_LIST_MODEL (self->bots), i);

      if (is_fetch_bot (bot) && (self->bot_id == 0 || botbench_bot_get_bot_id (bot) == self->bot_id))
        g_ptr_array_add (run->v2, g_object_ref (bot));
    }
}

static BotbenchBot *
v1_definition (BotbenchDoctor *self,
               gint64          id)
{
  BotbenchBot *bot = self->bots != NULL ? botbench_bot_store_lookup_by_id (self->bots, id) : NULL;

  return bot != NULL && !is_v2 (bot) ? bot : NULL;
}

static void
add_v1 (DoctorRun *run,
        gint64     id)
{
  DoctorBot bot = { id, NULL };
  BotbenchBot *definition = v1_definition (run->self, id);

  if (definition != NULL)
    bot.definition = g_object_ref (definition);
  g_array_append_val (run->v1, bot);
}

/* Every check not made yet is reported as skipped, with @reason. */
static void
skip_rest (DoctorRun  *run,
           const char *reason)
{
  BotbenchDoctor *self = run->self;

  if (run->stage <= STAGE_PORTAL)
    _botbench_doctor_add (run, "scope", BOTBENCH_DOCTOR_STATUS_WARNING, 0,
                          g_strdup_printf (_("Not checked: %s"), reason));
  if (run->stage <= STAGE_APP)
    _botbench_doctor_add (run, "app-installed", BOTBENCH_DOCTOR_STATUS_WARNING, 0,
                          g_strdup_printf (_("Not checked: %s"), reason));

  /* The bots, as far as this machine knows them. */
  if (self->bot_id > 0)
    {
      BotbenchBot *saved = self->bots != NULL ? botbench_bot_store_lookup_by_id (self->bots, self->bot_id) : NULL;

      if (saved != NULL && is_v2 (saved))
        _botbench_doctor_skip_v2 (run, self->bot_id, saved, reason);
      else
        {
          DoctorBot bot = { self->bot_id, saved };

          _botbench_doctor_skip_v1 (run, &bot, 0, reason);
        }
    }
  else
    {
      _botbench_doctor_skip_v1 (run, NULL, 0, reason);
      _botbench_doctor_skip_v2 (run, 0, NULL, reason);
    }

  run->stage = STAGE_DONE;
}

static void
portal_failed (DoctorRun *run)
{
  skip_rest (run, run->skip_reason);
  _botbench_doctor_next (run);
}

/* ------------------------------------------------------------------------ */
/* profile, scope                                                           */

static void
scope_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  DoctorRun *run = user_data;
  g_autoptr(BotbenchRestResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  gboolean has_imbot = FALSE;
  JsonNode *node;

  response = botbench_rest_client_call_finish (BOTBENCH_REST_CLIENT (object), result, &error);
  if (response == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (run->task, g_steal_pointer (&error));
          g_object_unref (run->task);
          return;
        }
      _botbench_doctor_add (run, "profile", BOTBENCH_DOCTOR_STATUS_PROBLEM, 0, g_strdup (error->message));
      run->skip_reason = g_strdup (_("the portal does not answer (see “profile”)"));
      portal_failed (run);
      return;
    }

  node = botbench_rest_response_get_result (response);
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING)
            {
              g_strv_builder_add (builder, json_node_get_string (element));
              if (g_str_equal (json_node_get_string (element), "imbot"))
                has_imbot = TRUE;
            }
        }
    }
  run->scopes = g_strv_builder_end (builder);

  _botbench_doctor_add (run, "profile", BOTBENCH_DOCTOR_STATUS_OK, 0,
                        g_strdup_printf (_("The portal answers (%lld ms)"),
                                         (long long) (botbench_rest_response_get_duration (response) / 1000)));

  if (has_imbot)
    _botbench_doctor_add (run, "scope", BOTBENCH_DOCTOR_STATUS_OK, 0,
                          g_strdup (_("The scope includes imbot")));
  else
    {
      g_autofree char *list = g_strjoinv (", ", run->scopes);

      _botbench_doctor_add (run, "scope", BOTBENCH_DOCTOR_STATUS_PROBLEM, 0,
                            botbench_profile_get_kind (botbench_rest_client_get_profile (run->self->client)) ==
                              BOTBENCH_PROFILE_KIND_WEBHOOK
                            ? g_strdup_printf (_("The webhook’s scope (%s) lacks imbot: edit the incoming webhook "
                                                 "on the portal and tick “Chat bots (imbot)”"),
                                               *list != '\0' ? list : _("empty"))
                            : g_strdup_printf (_("The application’s scope (%s) lacks imbot: add “Chat bots "
                                                 "(imbot)” to the application’s permissions and reinstall it"),
                                               *list != '\0' ? list : _("empty")));
    }

  run->stage = STAGE_APP;
  _botbench_doctor_next (run);
}

/* ------------------------------------------------------------------------ */
/* app-installed                                                            */

static void
app_info_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  DoctorRun *run = user_data;
  g_autoptr(BotbenchRestResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *node;
  JsonNode *installed = NULL;

  response = botbench_rest_client_call_finish (BOTBENCH_REST_CLIENT (object), result, &error);
  if (response == NULL)
    {
      _botbench_doctor_add (run, "app-installed", BOTBENCH_DOCTOR_STATUS_PROBLEM, 0,
                            g_strdup_printf (_("app.info failed, so the installation cannot be checked: %s"),
                                             error->message));
      run->stage = STAGE_BOT_LIST;
      _botbench_doctor_next (run);
      return;
    }

  node = botbench_rest_response_get_result (response);
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    installed = json_object_get_member (json_node_get_object (node), "INSTALLED");

  if (installed != NULL && JSON_NODE_HOLDS_VALUE (installed) &&
      json_node_get_value_type (installed) == G_TYPE_BOOLEAN && json_node_get_boolean (installed))
    _botbench_doctor_add (run, "app-installed", BOTBENCH_DOCTOR_STATUS_OK, 0,
                          g_strdup (_("The application is installed")));
  else if (installed != NULL && JSON_NODE_HOLDS_VALUE (installed) &&
           json_node_get_value_type (installed) == G_TYPE_BOOLEAN)
    _botbench_doctor_add (run, "app-installed", BOTBENCH_DOCTOR_STATUS_PROBLEM, 0,
                          g_strdup (_("The application’s installation is not finished (app.info: INSTALLED "
                                      "false), and the portal sends no events to it: finish it (call "
                                      "BX24.installFinish() in the install page) or reinstall the application")));
  else
    _botbench_doctor_add (run, "app-installed", BOTBENCH_DOCTOR_STATUS_WARNING, 0,
                          g_strdup (_("app.info did not say whether the application is installed (no "
                                      "boolean INSTALLED): check it in the portal’s application list")));

  run->stage = STAGE_BOT_LIST;
  _botbench_doctor_next (run);
}

/* ------------------------------------------------------------------------ */
/* imbot.bot.list                                                           */

static void
bot_list_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  DoctorRun *run = user_data;
  BotbenchDoctor *self = run->self;
  g_autoptr(BotbenchRestResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *node;
  gboolean found = FALSE;

  collect_v2 (run);

  response = botbench_rest_client_call_finish (BOTBENCH_REST_CLIENT (object), result, &error);
  if (response == NULL)
    {
      g_autofree char *reason = g_strdup_printf (_("imbot.bot.list failed: %s"), error->message);

      if (self->bot_id > 0 && run->v2->len == 0)
        {
          DoctorBot bot = { self->bot_id, v1_definition (self, self->bot_id) };

          _botbench_doctor_skip_v1 (run, &bot, 0, reason);
        }
      else if (self->bot_id == 0)
        _botbench_doctor_skip_v1 (run, NULL, 0, reason);
      run->stage = STAGE_V2;
      run->index = 0;
      run->step = 0;
      _botbench_doctor_next (run);
      return;
    }

  /* A map keyed by id; PHP's empty array is []. */
  node = botbench_rest_response_get_result (response);
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *list = json_node_get_object (node);
      JsonObjectIter iter;
      const char *key;
      JsonNode *member;

      json_object_iter_init (&iter, list);
      while (json_object_iter_next (&iter, &key, &member))
        {
          gint64 id;

          if (!JSON_NODE_HOLDS_OBJECT (member))
            continue;
          id = json_object_get_int_member_with_default (json_node_get_object (member), "ID", 0);
          if (id <= 0)
            id = g_ascii_strtoll (key, NULL, 10);
          if (id <= 0)
            continue;
          if (self->bot_id > 0)
            {
              if (id == self->bot_id)
                found = TRUE;
              continue;
            }
          /* Every bot of the portal is listed (all applications): the
           * profile's own are the ones saved on this machine. */
          if (v1_definition (self, id) != NULL)
            add_v1 (run, id);
        }
    }

  if (self->bot_id > 0 && found && run->v2->len == 0)
    add_v1 (run, self->bot_id);
  else if (self->bot_id > 0 && !found && run->v2->len == 0)
    {
      DoctorBot bot = { self->bot_id, v1_definition (self, self->bot_id) };
      g_autofree char *label = _botbench_doctor_bot_label (bot.id, bot.definition);

      _botbench_doctor_add (run, "handler-url", BOTBENCH_DOCTOR_STATUS_PROBLEM, bot.id,
                            g_strdup_printf (_("%sthe portal has no such bot (imbot.bot.list): register it "
                                               "again, or check the bot id"), label));
      _botbench_doctor_skip_v1 (run, &bot, 1, _("the bot is not on the portal"));
    }

  run->stage = STAGE_V1;
  run->index = 0;
  run->step = 0;
  _botbench_doctor_next (run);
}

/* ------------------------------------------------------------------------ */
/* the chain                                                                */

void
_botbench_doctor_next (DoctorRun *run)
{
  BotbenchDoctor *self = run->self;
  BotbenchProfile *profile = botbench_rest_client_get_profile (self->client);

  if (run->stage != STAGE_DONE && g_cancellable_is_cancelled (run->cancellable))
    {
      g_task_return_new_error (run->task, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled"));
      g_object_unref (run->task);
      return;
    }

  switch (run->stage)
    {
    case STAGE_PORTAL:
      botbench_rest_client_call_async (self->client, "scope", NULL, run->cancellable, scope_cb, run);
      return;

    case STAGE_APP:
      if (botbench_profile_get_kind (profile) == BOTBENCH_PROFILE_KIND_WEBHOOK)
        {
          _botbench_doctor_add (run, "app-installed", BOTBENCH_DOCTOR_STATUS_OK, 0,
                                g_strdup (_("An incoming webhook has nothing to install")));
          run->stage = STAGE_BOT_LIST;
          _botbench_doctor_next (run);
          return;
        }
      botbench_rest_client_call_async (self->client, "app.info", NULL, run->cancellable, app_info_cb, run);
      return;

    case STAGE_BOT_LIST:
      {
        BotbenchBot *saved = self->bot_id > 0 && self->bots != NULL
                             ? botbench_bot_store_lookup_by_id (self->bots, self->bot_id) : NULL;

        /* imbot.bot.list is v1; a v2 bot asked for by id needs no list. */
        if (saved != NULL && is_v2 (saved))
          {
            collect_v2 (run);
            if (run->v2->len == 0)
              {
                g_autofree char *label = _botbench_doctor_bot_label (self->bot_id, saved);

                _botbench_doctor_add (run, "fetch-poll", BOTBENCH_DOCTOR_STATUS_OK, self->bot_id,
                                      g_strdup_printf (_("%san imbot.v2 bot in webhook mode: the portal POSTs "
                                                         "its events to its webhookUrl, nothing is fetched"),
                                                       label));
              }
            run->stage = STAGE_V2;
            run->index = 0;
            run->step = 0;
            _botbench_doctor_next (run);
            return;
          }
        botbench_rest_client_call_async (self->client, "imbot.bot.list", NULL, run->cancellable, bot_list_cb, run);
      }
      return;

    case STAGE_V1:
      if (run->index < run->v1->len)
        {
          _botbench_doctor_v1_step (run);
          return;
        }
      run->stage = STAGE_V2;
      run->index = 0;
      run->step = 0;
      _botbench_doctor_next (run);
      return;

    case STAGE_V2:
      if (run->index < run->v2->len)
        {
          _botbench_doctor_v2_step (run);
          return;
        }
      run->stage = STAGE_DONE;
      _botbench_doctor_next (run);
      return;

    case STAGE_DONE:
    default:
      g_task_return_pointer (run->task, g_ptr_array_ref (run->checks), (GDestroyNotify)g_ptr_array_unref);
      g_object_unref (run->task);
      return;
    }
}

/* ------------------------------------------------------------------------ */
/* the object                                                               */

static void
botbench_doctor_dispose (GObject *object)
{
  BotbenchDoctor *self = (BotbenchDoctor *)object;

  g_clear_object (&self->client);
  g_clear_object (&self->store);
  g_clear_object (&self->bots);
  g_clear_object (&self->secrets);

  G_OBJECT_CLASS (botbench_doctor_parent_class)->dispose (object);
}

static void
botbench_doctor_finalize (GObject *object)
{
  BotbenchDoctor *self = (BotbenchDoctor *)object;

  g_free (self->listener_url);
  g_free (self->public_url);

  G_OBJECT_CLASS (botbench_doctor_parent_class)->finalize (object);
}

static void
botbench_doctor_class_init (BotbenchDoctorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = botbench_doctor_dispose;
  object_class->finalize = botbench_doctor_finalize;
}

static void
botbench_doctor_init (BotbenchDoctor *self)
{
  self->handler_timeout_ms = BOTBENCH_DOCTOR_HANDLER_TIMEOUT_MS;
}

BotbenchDoctor *
botbench_doctor_new (BotbenchRestClient  *client,
                     BotbenchEventStore  *store,
                     BotbenchBotStore    *bots,
                     BotbenchSecretStore *secrets)
{
  BotbenchDoctor *self;

  g_return_val_if_fail (BOTBENCH_IS_REST_CLIENT (client), NULL);
  g_return_val_if_fail (store == NULL || BOTBENCH_IS_EVENT_STORE (store), NULL);
  g_return_val_if_fail (bots == NULL || BOTBENCH_IS_BOT_STORE (bots), NULL);
  g_return_val_if_fail (secrets == NULL || BOTBENCH_IS_SECRET_STORE (secrets), NULL);

  self = g_object_new (BOTBENCH_TYPE_DOCTOR, NULL);
  self->client = g_object_ref (client);
  self->store = store != NULL ? g_object_ref (store) : NULL;
  self->bots = bots != NULL ? g_object_ref (bots) : NULL;
  self->secrets = secrets != NULL ? g_object_ref (secrets) : NULL;

  return self;
}

void
botbench_doctor_set_listener_url (BotbenchDoctor *self,
                                  const char     *url)
{
  g_return_if_fail (BOTBENCH_IS_DOCTOR (self));

  g_free (self->listener_url);
  self->listener_url = url != NULL && *url != '\0' ? g_strdup (url) : NULL;
}

void
botbench_doctor_set_public_url (BotbenchDoctor *self,
                                const char     *url)
{
  g_return_if_fail (BOTBENCH_IS_DOCTOR (self));

  g_free (self->public_url);
  self->public_url = url != NULL && *url != '\0' ? g_strdup (url) : NULL;
}

void
botbench_doctor_set_bot_id (BotbenchDoctor *self,
                            gint64          bot_id)
{
  g_return_if_fail (BOTBENCH_IS_DOCTOR (self));

  self->bot_id = MAX (bot_id, 0);
}

void
botbench_doctor_set_portal (BotbenchDoctor       *self,
                            BotbenchDoctorPortal  portal)
{
  g_return_if_fail (BOTBENCH_IS_DOCTOR (self));

  self->portal = portal;
}

void
botbench_doctor_set_handler_timeout (BotbenchDoctor *self,
                                     guint           timeout_ms)
{
  g_return_if_fail (BOTBENCH_IS_DOCTOR (self));

  self->handler_timeout_ms = timeout_ms > 0 ? timeout_ms : BOTBENCH_DOCTOR_HANDLER_TIMEOUT_MS;
}

void
_botbench_doctor_set_place_func (BotbenchDoctor          *self,
                                 BotbenchDoctorPlaceFunc  func,
                                 gpointer                 user_data)
{
  g_return_if_fail (BOTBENCH_IS_DOCTOR (self));

  self->place_func = func;
  self->place_data = user_data;
}

void
botbench_doctor_run_async (BotbenchDoctor      *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  DoctorRun *run;
  GTask *task;

  g_return_if_fail (BOTBENCH_IS_DOCTOR (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, botbench_doctor_run_async);

  run = g_new0 (DoctorRun, 1);
  run->self = g_object_ref (self);
  run->task = task;   /* the chain's reference: dropped when it returns */
  run->cancellable = cancellable != NULL ? g_object_ref (cancellable) : g_cancellable_new ();
  run->session = soup_session_new_with_options ("user-agent", "Botbench delivery doctor",
                                                "max-conns-per-host", 2,
                                                NULL);
  run->checks = g_ptr_array_new_with_free_func ((GDestroyNotify)botbench_doctor_check_free);
  run->v1 = g_array_new (FALSE, TRUE, sizeof (DoctorBot));
  g_array_set_clear_func (run->v1, (GDestroyNotify)doctor_bot_clear);
  run->v2 = g_ptr_array_new_with_free_func (g_object_unref);
  run->stage = STAGE_PORTAL;
  g_task_set_task_data (task, run, (GDestroyNotify)doctor_run_free);

  _botbench_doctor_next (run);
}

GPtrArray *
botbench_doctor_run_finish (BotbenchDoctor  *self,
                            GAsyncResult    *result,
                            GError         **error)
{
  g_return_val_if_fail (BOTBENCH_IS_DOCTOR (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == botbench_doctor_run_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
