/* botbench-event-row.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "botbench-event-row"

#include "config.h"

#include <glib/gi18n.h>

#include "botbench-application-private.h"
#include "botbench-a11y.h"
#include "botbench-event-row.h"
#include "botbench-forward-format.h"

/* Longest message snippet laid out in a row, in characters: a row shows
 * about 50, and shaping the rest would only cost time. */
#define SNIPPET_MAX_CHARS 100

struct _BotbenchEventRow
{
  GtkWidget      parent_instance;

  BotbenchEvent *event;

  GtkWidget     *box;
  GtkLabel      *name_label;
  GtkLabel      *time_label;
  GtkLabel      *message_label;
  GtkLabel      *bot_label;
  GtkLabel      *size_label;
  GtkLabel      *source_label;
  GtkLabel      *token_pill;
  GtkLabel      *forward_pill;
};

G_DEFINE_FINAL_TYPE (BotbenchEventRow, botbench_event_row, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_EVENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* One line of at most SNIPPET_MAX_CHARS, whitespace runs folded to a space. */
static char *
make_snippet (const char *text)
{
  GString *out = g_string_new (NULL);
  gboolean space = FALSE;
  guint n_chars = 0;

  for (const char *p = text; *p != '\0' && n_chars < SNIPPET_MAX_CHARS; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c) || g_unichar_iscntrl (c))
        {
          space = out->len > 0;
          continue;
        }

      if (space)
        {
          g_string_append_c (out, ' ');
          n_chars++;
          space = FALSE;
        }

      g_string_append_unichar (out, c);
      n_chars++;
    }

  if (n_chars >= SNIPPET_MAX_CHARS)
    g_string_append (out, "…");

  return g_string_free (out, FALSE);
}

static GTimeZone *
get_local_time_zone (void)
{
  static GTimeZone *local_tz;

  /* g_time_zone_new_local() checks /etc/localtime on every call; rows are
   * bound by the hundred under load. */
  if (g_once_init_enter (&local_tz))
    g_once_init_leave (&local_tz, g_time_zone_new_local ());

  return local_tz;
}

static char *
format_summary (const char *name,
                const char *time,
                const char *bot,
                const char *size,
                const char *snippet)
{
  if (bot != NULL && *snippet != '\0')
    /* Translators: accessible summary of an event row: event name, time, bot, size, message */
    return g_strdup_printf (_("%s at %s for %s, %s: %s"), name, time, bot, size, snippet);

  if (bot != NULL)
    /* Translators: accessible summary of an event row: event name, time, bot, size */
    return g_strdup_printf (_("%s at %s for %s, %s"), name, time, bot, size);

  /* Translators: accessible summary of an event row: event name, time, size */
  return g_strdup_printf (_("%s at %s, %s"), name, time, size);
}

static const char * const pill_styles[] = { "success", "error", "pending" };

char *
botbench_format_event_source (BotbenchEvent  *event,
                              char          **tooltip)
{
  gint64 replay_of = botbench_event_get_replay_of (event);
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  *tooltip = NULL;
  if (replay_of > 0)
    {
      first = g_strdup_printf ("%" G_GINT64_FORMAT, replay_of);
      /* Translators: an event row's mark, %s is the id of the replayed event */
      return g_strdup_printf (_("replay of #%s"), first);
    }

  switch (botbench_event_get_source (event))
    {
    case BOTBENCH_EVENT_SOURCE_FETCHED:
      first = g_strdup_printf ("%" G_GINT64_FORMAT, botbench_event_get_fetch_bot_id (event));
      second = g_strdup_printf ("%" G_GINT64_FORMAT, botbench_event_get_fetch_event_id (event));
      /* Translators: the first %s is the bot id, the second the portal's event id */
      *tooltip = g_strdup_printf (_("Fetched with imbot.v2.Event.get for bot %s, event %s"), first, second);
      /* Translators: an event row's mark: read from the portal with imbot.v2.Event.get */
      return g_strdup (_("fetched"));

    case BOTBENCH_EVENT_SOURCE_IMPORT:
      /* Translators: an event row's mark: imported from a file */
      return g_strdup (_("imported"));

    case BOTBENCH_EVENT_SOURCE_LISTENER:
    case BOTBENCH_EVENT_SOURCE_REPLAY:
    default:
      return NULL;
    }
}

/* The source mark, token pill and forward pill; returns what they say for
 * the row's accessible summary ("" when nothing). */
static char *
botbench_event_row_update_pills (BotbenchEventRow *self)
{
  g_autofree char *forward = NULL;
  g_autofree char *mark = NULL;
  g_autofree char *mark_tooltip = NULL;
  GString *extra = g_string_new (NULL);
  const char *style = NULL;
  const char *token;

  if (self->event != NULL)
    mark = botbench_format_event_source (self->event, &mark_tooltip);
  if (mark != NULL)
    {
      gtk_label_set_label (self->source_label, mark);
      g_string_append_printf (extra, ", %s", mark);
    }
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->source_label), mark_tooltip);
  gtk_widget_set_visible (GTK_WIDGET (self->source_label), mark != NULL);

  token = self->event != NULL ? botbench_format_token_pill (botbench_event_get_token_state (self->event)) : NULL;
  if (token != NULL)
    {
      gtk_label_set_label (self->token_pill, token);
      g_string_append_printf (extra, ", %s", token);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->token_pill), token != NULL);

  for (guint i = 0; i < G_N_ELEMENTS (pill_styles); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->forward_pill), pill_styles[i]);

  if (self->event != NULL)
    forward = botbench_format_forward_pill (botbench_event_get_forward (self->event), &style);
  if (forward != NULL)
    {
      g_autofree char *summary = botbench_format_forward_summary (botbench_event_get_forward (self->event));

      gtk_label_set_label (self->forward_pill, forward);
      gtk_widget_add_css_class (GTK_WIDGET (self->forward_pill), style);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->forward_pill), summary);
      g_string_append_printf (extra, ", %s", summary);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->forward_pill), forward != NULL);

  return g_string_free (extra, FALSE);
}

static void
botbench_event_row_update (BotbenchEventRow *self)
{
  g_autofree char *pills = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *time = NULL;
  g_autofree char *bot = NULL;
  g_autofree char *size = NULL;
  g_autofree char *snippet = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *fallback = NULL;
  const char *name;

  g_assert (BOTBENCH_IS_EVENT_ROW (self));

  if (self->event == NULL)
    {
      gtk_label_set_label (self->name_label, "");
      gtk_label_set_label (self->time_label, "");
      gtk_label_set_label (self->message_label, "");
      gtk_label_set_label (self->bot_label, "");
      gtk_label_set_label (self->size_label, "");
      g_free (botbench_event_row_update_pills (self));
      botbench_a11y_label_list_item (GTK_WIDGET (self), NULL);
      return;
    }

  now = g_date_time_new_now (get_local_time_zone ());

  name = botbench_event_get_event_name (self->event);
  if (*name == '\0')
    /* Translators: shown for a request whose body has no "event" field */
    name = _("Unknown Event");
  gtk_label_set_label (self->name_label, name);

  time = botbench_format_event_time (botbench_event_get_received (self->event), now);
  gtk_label_set_label (self->time_label, time);

  snippet = make_snippet (botbench_event_get_message (self->event));
  gtk_label_set_label (self->message_label, snippet);
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), *snippet != '\0');

  bot = botbench_format_event_bot (self->event);
  if (bot == NULL)
    fallback = g_strdup_printf ("%s %s", botbench_event_get_method (self->event),
                                botbench_event_get_path (self->event));
  gtk_label_set_label (self->bot_label, bot != NULL ? bot : fallback);

  size = g_format_size (botbench_event_get_size (self->event));
  gtk_label_set_label (self->size_label, size);

  summary = format_summary (name, time, bot, size, snippet);
  pills = botbench_event_row_update_pills (self);
  if (*pills != '\0')
    {
      char *full = g_strconcat (summary, pills, NULL);

      g_free (summary);
      summary = full;
    }
  /* The list item holding the row is what is focused */
  botbench_a11y_label_list_item (GTK_WIDGET (self), summary);
}

static void
botbench_event_row_dispose (GObject *object)
{
  BotbenchEventRow *self = (BotbenchEventRow *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), BOTBENCH_TYPE_EVENT_ROW);
  g_clear_object (&self->event);

  G_OBJECT_CLASS (botbench_event_row_parent_class)->dispose (object);
}

static void
botbench_event_row_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  BotbenchEventRow *self = BOTBENCH_EVENT_ROW (object);

  switch (prop_id)
    {
    case PROP_EVENT:
      g_value_set_object (value, self->event);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
botbench_event_row_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  BotbenchEventRow *self = BOTBENCH_EVENT_ROW (object);

  switch (prop_id)
    {
    case PROP_EVENT:
      botbench_event_row_set_event (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
botbench_event_row_class_init (BotbenchEventRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = botbench_event_row_dispose;
  object_class->get_property = botbench_event_row_get_property;
  object_class->set_property = botbench_event_row_set_property;

  properties[PROP_EVENT] =
    g_param_spec_object ("event", NULL, NULL,
                         BOTBENCH_TYPE_EVENT,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  _botbench_ensure_resources ();
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/botbench/Botbench/botbench-event-row.ui");
  gtk_widget_class_bind_template_child (widget_class, BotbenchEventRow, box);
  gtk_widget_class_bind_template_child (widget_class, BotbenchEventRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, BotbenchEventRow, time_label);
  gtk_widget_class_bind_template_child (widget_class, BotbenchEventRow, message_label);
  gtk_widget_class_bind_template_child (widget_class, BotbenchEventRow, bot_label);
  gtk_widget_class_bind_template_child (widget_class, BotbenchEventRow, size_label);
  gtk_widget_class_bind_template_child (widget_class, BotbenchEventRow, source_label);
  gtk_widget_class_bind_template_child (widget_class, BotbenchEventRow, token_pill);
  gtk_widget_class_bind_template_child (widget_class, BotbenchEventRow, forward_pill);

  gtk_widget_class_set_css_name (widget_class, "eventrow");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
botbench_event_row_init (BotbenchEventRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
botbench_event_row_new (void)
{
  return g_object_new (BOTBENCH_TYPE_EVENT_ROW, NULL);
}

BotbenchEvent *
botbench_event_row_get_event (BotbenchEventRow *self)
{
  g_return_val_if_fail (BOTBENCH_IS_EVENT_ROW (self), NULL);

  return self->event;
}

void
botbench_event_row_set_event (BotbenchEventRow *self,
                              BotbenchEvent    *event)
{
  g_return_if_fail (BOTBENCH_IS_EVENT_ROW (self));
  g_return_if_fail (event == NULL || BOTBENCH_IS_EVENT (event));

  if (!g_set_object (&self->event, event))
    return;

  botbench_event_row_update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EVENT]);
}

void
botbench_event_row_release_event (BotbenchEventRow *self)
{
  g_return_if_fail (BOTBENCH_IS_EVENT_ROW (self));

  if (self->event == NULL)
    return;

  g_clear_object (&self->event);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EVENT]);
}

char *
botbench_format_event_time (gint64     received_us,
                            GDateTime *now)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;

  g_return_val_if_fail (now != NULL, NULL);

  utc = g_date_time_new_from_unix_utc (received_us / G_USEC_PER_SEC);
  if (utc == NULL)
    return g_strdup ("");
  local = g_date_time_to_timezone (utc, get_local_time_zone ());

  if (g_date_time_get_year (local) == g_date_time_get_year (now) &&
      g_date_time_get_day_of_year (local) == g_date_time_get_day_of_year (now))
    /* Translators: time of an event received today, see g_date_time_format() */
    return g_date_time_format (local, _("%H:%M:%S"));

  if (g_date_time_get_year (local) == g_date_time_get_year (now))
    /* Translators: date and time of an event received this year, see g_date_time_format() */
    return g_date_time_format (local, _("%b %-d, %H:%M:%S"));

  /* Translators: date and time of an event received in another year, see g_date_time_format() */
  return g_date_time_format (local, _("%Y-%m-%d %H:%M:%S"));
}

char *
botbench_format_event_bot (BotbenchEvent *event)
{
  const char *bot_id;
  const char *bot_code;

  g_return_val_if_fail (BOTBENCH_IS_EVENT (event), NULL);

  bot_id = botbench_event_get_bot_id (event);
  bot_code = botbench_event_get_bot_code (event);

  if (*bot_id != '\0' && *bot_code != '\0')
    /* Translators: bot code and numeric bot id, e.g. "echo_bot (bot 567)" */
    return g_strdup_printf (_("%s (bot %s)"), bot_code, bot_id);

  if (*bot_id != '\0')
    /* Translators: a numeric bot id, e.g. "bot 567" */
    return g_strdup_printf (_("bot %s"), bot_id);

  if (*bot_code != '\0')
    return g_strdup (bot_code);

  return NULL;
}
