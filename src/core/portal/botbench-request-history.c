/* botbench-request-history.c: what the REST client sent and got back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * BotbenchRequestRecord lives here too: it is a plain immutable row of this
 * model and has no behaviour of its own.
 */
#define G_LOG_DOMAIN "botbench-request-history"

#include "config.h"

#include "botbench-request-history.h"
#include "botbench-request-history-private.h"
#include "botbench-request-preview.h"

/* Record */

struct _BotbenchRequestRecord
{
  GObject  parent_instance;

  char    *profile_uuid;
  char    *method;
  char    *http_method;
  char    *url;
  char    *request_body;
  char    *response_body;
  char    *error;
  gint64   time;
  gint64   duration;
  guint    status;
  guint    attempt;
};

G_DEFINE_FINAL_TYPE (BotbenchRequestRecord, botbench_request_record, G_TYPE_OBJECT)

static void
botbench_request_record_finalize (GObject *object)
{
  BotbenchRequestRecord *self = (BotbenchRequestRecord *)object;

  g_free (self->profile_uuid);
  g_free (self->method);
  g_free (self->http_method);
  g_free (self->url);
  g_free (self->request_body);
  g_free (self->response_body);
  g_free (self->error);

  G_OBJECT_CLASS (botbench_request_record_parent_class)->finalize (object);
}

static void
botbench_request_record_class_init (BotbenchRequestRecordClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = botbench_request_record_finalize;
}

static void
botbench_request_record_init (BotbenchRequestRecord *self)
{
}

BotbenchRequestRecord *
_botbench_request_record_new (const char         *profile_uuid,
                              const char         *method,
                              const char         *http_method,
                              const char         *url,
                              const char         *request_body,
                              const char         *response_body,
                              guint               status,
                              gint64              time,
                              gint64              duration,
                              const char         *error,
                              guint               attempt,
                              const char * const *secrets)
{
  BotbenchRequestRecord *self = g_object_new (BOTBENCH_TYPE_REQUEST_RECORD, NULL);

  self->profile_uuid = g_strdup (profile_uuid);
  self->method = g_strdup (method);
  self->http_method = g_strdup (http_method);
  self->url = botbench_request_preview_mask_text (url, secrets);
  self->request_body = botbench_request_preview_mask_text (request_body, secrets);
  self->response_body = botbench_request_preview_mask_text (response_body, secrets);
  self->error = botbench_request_preview_mask_text (error, secrets);
  self->status = status;
  self->time = time;
  self->duration = duration;
  self->attempt = attempt;

  return self;
}

#define RECORD_GETTER(type, field, fallback)                                  \
type                                                                          \
botbench_request_record_get_##field (BotbenchRequestRecord *self)             \
{                                                                             \
  g_return_val_if_fail (BOTBENCH_IS_REQUEST_RECORD (self), fallback);         \
  return self->field;                                                         \
}

RECORD_GETTER (gint64, time, 0)
RECORD_GETTER (const char *, profile_uuid, NULL)
RECORD_GETTER (const char *, method, NULL)
RECORD_GETTER (const char *, http_method, NULL)
RECORD_GETTER (const char *, url, NULL)
RECORD_GETTER (const char *, request_body, NULL)
RECORD_GETTER (const char *, response_body, NULL)
RECORD_GETTER (guint, status, 0)
RECORD_GETTER (gint64, duration, 0)
RECORD_GETTER (const char *, error, NULL)
RECORD_GETTER (guint, attempt, 0)

#undef RECORD_GETTER

JsonNode *
botbench_request_record_to_json (BotbenchRequestRecord *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GDateTime) when = NULL;
  g_autofree char *iso = NULL;

  g_return_val_if_fail (BOTBENCH_IS_REQUEST_RECORD (self), NULL);

  when = g_date_time_new_from_unix_utc (self->time / G_USEC_PER_SEC);
  if (when != NULL)
    iso = g_date_time_format_iso8601 (when);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "time");
  json_builder_add_string_value (builder, iso);
  json_builder_set_member_name (builder, "profile");
  json_builder_add_string_value (builder, self->profile_uuid);
  json_builder_set_member_name (builder, "method");
  json_builder_add_string_value (builder, self->method);
  json_builder_set_member_name (builder, "http_method");
  json_builder_add_string_value (builder, self->http_method);
  json_builder_set_member_name (builder, "url");
  json_builder_add_string_value (builder, self->url);
  json_builder_set_member_name (builder, "attempt");
  json_builder_add_int_value (builder, self->attempt);
  json_builder_set_member_name (builder, "status");
  json_builder_add_int_value (builder, self->status);
  json_builder_set_member_name (builder, "duration_ms");
  json_builder_add_double_value (builder, self->duration / 1000.0);
  json_builder_set_member_name (builder, "request_body");
  json_builder_add_string_value (builder, self->request_body);
  json_builder_set_member_name (builder, "response_body");
  json_builder_add_string_value (builder, self->response_body);
  json_builder_set_member_name (builder, "error");
  if (self->error != NULL)
    json_builder_add_string_value (builder, self->error);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* History */

struct _BotbenchRequestHistory
{
  GObject  parent_instance;

  GQueue   records;
  guint    max_entries;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (BotbenchRequestHistory, botbench_request_history, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_0,
  PROP_MAX_ENTRIES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static guint
trim (BotbenchRequestHistory *self)
{
  guint removed = 0;

  while (self->records.length > self->max_entries)
    {
      g_object_unref (g_queue_pop_head (&self->records));
      removed++;
    }
  return removed;
}

static GType
list_model_get_item_type (GListModel *model)
{
  return BOTBENCH_TYPE_REQUEST_RECORD;
}

static guint
list_model_get_n_items (GListModel *model)
{
  return BOTBENCH_REQUEST_HISTORY (model)->records.length;
}

static gpointer
list_model_get_item (GListModel *model,
                     guint       position)
{
  BotbenchRequestHistory *self = BOTBENCH_REQUEST_HISTORY (model);
  gpointer item = g_queue_peek_nth (&self->records, position);

  return item ? g_object_ref (item) : NULL;
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = list_model_get_item_type;
  iface->get_n_items = list_model_get_n_items;
  iface->get_item = list_model_get_item;
}

static void
botbench_request_history_finalize (GObject *object)
{
  BotbenchRequestHistory *self = (BotbenchRequestHistory *)object;

  g_queue_clear_full (&self->records, g_object_unref);

  G_OBJECT_CLASS (botbench_request_history_parent_class)->finalize (object);
}

static void
botbench_request_history_get_property (GObject    *object,
                                       guint       prop_id,
                                       GValue     *value,
                                       GParamSpec *pspec)
{
  BotbenchRequestHistory *self = BOTBENCH_REQUEST_HISTORY (object);

  switch (prop_id)
    {
    case PROP_MAX_ENTRIES:
      g_value_set_uint (value, self->max_entries);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
botbench_request_history_set_property (GObject      *object,
                                       guint         prop_id,
                                       const GValue *value,
                                       GParamSpec   *pspec)
{
  BotbenchRequestHistory *self = BOTBENCH_REQUEST_HISTORY (object);

  switch (prop_id)
    {
    case PROP_MAX_ENTRIES:
      botbench_request_history_set_max_entries (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
botbench_request_history_class_init (BotbenchRequestHistoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = botbench_request_history_finalize;
  object_class->get_property = botbench_request_history_get_property;
  object_class->set_property = botbench_request_history_set_property;

  properties[PROP_MAX_ENTRIES] =
    g_param_spec_uint ("max-entries", NULL, NULL, 1, G_MAXUINT,
                       BOTBENCH_REQUEST_HISTORY_DEFAULT_MAX_ENTRIES,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
botbench_request_history_init (BotbenchRequestHistory *self)
{
  g_queue_init (&self->records);
  self->max_entries = BOTBENCH_REQUEST_HISTORY_DEFAULT_MAX_ENTRIES;
}

BotbenchRequestHistory *
botbench_request_history_new (void)
{
  return g_object_new (BOTBENCH_TYPE_REQUEST_HISTORY, NULL);
}

guint
botbench_request_history_get_max_entries (BotbenchRequestHistory *self)
{
  g_return_val_if_fail (BOTBENCH_IS_REQUEST_HISTORY (self), 0);
  return self->max_entries;
}

void
botbench_request_history_set_max_entries (BotbenchRequestHistory *self,
                                          guint                   max_entries)
{
  guint removed;

  g_return_if_fail (BOTBENCH_IS_REQUEST_HISTORY (self));
  g_return_if_fail (max_entries > 0);

  if (self->max_entries == max_entries)
    return;
  self->max_entries = max_entries;
  removed = trim (self);
  if (removed > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_ENTRIES]);
}

void
botbench_request_history_append (BotbenchRequestHistory *self,
                                 BotbenchRequestRecord  *record)
{
  guint removed;

  g_return_if_fail (BOTBENCH_IS_REQUEST_HISTORY (self));
  g_return_if_fail (BOTBENCH_IS_REQUEST_RECORD (record));

  g_queue_push_tail (&self->records, g_object_ref (record));
  removed = trim (self);
  if (removed > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, 0);
  g_list_model_items_changed (G_LIST_MODEL (self), self->records.length - 1, 0, 1);
}

void
botbench_request_history_clear (BotbenchRequestHistory *self)
{
  guint n;

  g_return_if_fail (BOTBENCH_IS_REQUEST_HISTORY (self));

  n = self->records.length;
  if (n == 0)
    return;
  g_queue_clear_full (&self->records, g_object_unref);
  g_queue_init (&self->records);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, n, 0);
}

JsonNode *
botbench_request_history_to_json (BotbenchRequestHistory *self)
{
  JsonArray *array;
  JsonNode *root;

  g_return_val_if_fail (BOTBENCH_IS_REQUEST_HISTORY (self), NULL);

  array = json_array_sized_new (self->records.length);
  for (GList *l = self->records.head; l; l = l->next)
    json_array_add_element (array, botbench_request_record_to_json (l->data));

  root = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (root, array);
  return root;
}

char *
botbench_request_history_dup_json (BotbenchRequestHistory *self)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  g_return_val_if_fail (BOTBENCH_IS_REQUEST_HISTORY (self), NULL);

  root = botbench_request_history_to_json (self);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  return json_generator_to_data (generator, NULL);
}
