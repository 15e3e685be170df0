/* botbench-doctor-check.c: one check's result, and checks reported as skipped
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * BotbenchDoctorCheck (a boxed {name, status, message, bot_id}), the
 * status strings of the JSON output, and the names of a bot's checks, so
 * that checks that cannot be made are still reported, as warnings.
 */
#define G_LOG_DOMAIN "botbench-doctor"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "botbench-doctor-private.h"

G_DEFINE_BOXED_TYPE (BotbenchDoctorCheck, botbench_doctor_check,
                     botbench_doctor_check_copy, botbench_doctor_check_free)

static const char * const v1_check_names[] = {
  "handler-url", "handler-reachable", "handler-answers", "handler-set",
  "bot-type", "bot-messages", "application-token",
};
static const char * const v2_check_names[] = { "fetch-ownership", "fetch-poll" };

/* ------------------------------------------------------------------------ */
/* checks                                                                   */

BotbenchDoctorCheck *
botbench_doctor_check_copy (const BotbenchDoctorCheck *check)
{
  BotbenchDoctorCheck *copy;

  g_return_val_if_fail (check != NULL, NULL);

  copy = g_new0 (BotbenchDoctorCheck, 1);
  copy->name = g_strdup (check->name);
  copy->status = check->status;
  copy->message = g_strdup (check->message);
  copy->bot_id = check->bot_id;

  return copy;
}

void
botbench_doctor_check_free (BotbenchDoctorCheck *check)
{
  if (check == NULL)
    return;

  g_free (check->name);
  g_free (check->message);
  g_free (check);
}

const char *
botbench_doctor_status_to_string (BotbenchDoctorStatus status)
{
  switch (status)
    {
    case BOTBENCH_DOCTOR_STATUS_OK:
      return "ok";
    case BOTBENCH_DOCTOR_STATUS_WARNING:
      return "warning";
    case BOTBENCH_DOCTOR_STATUS_PROBLEM:
      return "problem";
    default:
      g_return_val_if_reached ("problem");
    }
}

gboolean
botbench_doctor_checks_have_problem (GPtrArray *checks)
{
  g_return_val_if_fail (checks != NULL, FALSE);

  for (guint i = 0; i < checks->len; i++)
    if (((BotbenchDoctorCheck *)g_ptr_array_index (checks, i))->status == BOTBENCH_DOCTOR_STATUS_PROBLEM)
      return TRUE;

  return FALSE;
}

void
_botbench_doctor_add (DoctorRun            *run,
                      const char           *name,
                      BotbenchDoctorStatus  status,
                      gint64                bot_id,
                      char                 *message)
{
  BotbenchDoctorCheck *check = g_new0 (BotbenchDoctorCheck, 1);

  check->name = g_strdup (name);
  check->status = status;
  check->message = message;
  check->bot_id = bot_id;
  g_debug ("%s %s: %s", name, botbench_doctor_status_to_string (status), message);
  g_ptr_array_add (run->checks, check);
}

char *
_botbench_doctor_bot_label (gint64       id,
                            BotbenchBot *definition)
{
  const char *code = definition != NULL ? botbench_bot_get_code (definition) : NULL;

  if (code != NULL && *code != '\0')
    /* Translators: the start of a doctor message about one bot: its id and CODE */
    return g_strdup_printf (_("Bot %lld (%s): "), (long long) id, code);

  /* Translators: the start of a doctor message about one bot */
  return g_strdup_printf (_("Bot %lld: "), (long long) id);
}

static void
skip_names (DoctorRun          *run,
            const char * const *names,
            guint               n_names,
            gint64              id,
            BotbenchBot        *definition,
            const char         *reason)
{
  g_autofree char *label = id > 0 ? _botbench_doctor_bot_label (id, definition) : g_strdup ("");

  for (guint i = 0; i < n_names; i++)
    _botbench_doctor_add (run, names[i], BOTBENCH_DOCTOR_STATUS_WARNING, id,
                          /* Translators: %s: "Bot 12: " or nothing; %s: why */
                          g_strdup_printf (_("%sNot checked: %s"), label, reason));
}

void
_botbench_doctor_skip_v1 (DoctorRun       *run,
                          const DoctorBot *bot,
                          guint            first,
                          const char      *reason)
{
  g_return_if_fail (first < G_N_ELEMENTS (v1_check_names));

  skip_names (run, v1_check_names + first, G_N_ELEMENTS (v1_check_names) - first,
              bot != NULL ? bot->id : 0, bot != NULL ? bot->definition : NULL, reason);
}

void
_botbench_doctor_skip_v2 (DoctorRun   *run,
                          gint64       id,
                          BotbenchBot *definition,
                          const char  *reason)
{
  skip_names (run, v2_check_names, G_N_ELEMENTS (v2_check_names), id, definition, reason);
}
