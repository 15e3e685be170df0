/* botbench-fetch-answer.c: an imbot.v2.Event.get answer turned into events
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The answer is {events: [{eventId, type, date, data}], nextOffset,
 * hasMore} (reference v2 §3.2).  Every value is checked: whatever the
 * portal (or something pretending to be one) sends, the poller gets either
 * events or an error.  Each event becomes a BotbenchEvent whose body is
 * JSON, {"event": type, "eventId": id, "date": date, "data": data}, so that
 * the event model decodes it as JSON (no form decoding), the list shows
 * its type, bot and message, and search, export, forward and replay treat
 * it like any other event.
 */
#define G_LOG_DOMAIN "botbench-fetch"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "botbench-fetcher-private.h"

static gboolean
get_int (JsonObject *object,
         const char *member,
         gint64     *out)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  if (json_node_get_value_type (node) == G_TYPE_INT64)
    {
      *out = json_node_get_int (node);
      return TRUE;
    }

  if (json_node_get_value_type (node) == G_TYPE_STRING)
    {
      const char *str = json_node_get_string (node);
      char *end = NULL;
      gint64 value;

      if (str == NULL || *str == '\0')
        return FALSE;
      value = g_ascii_strtoll (str, &end, 10);
      if (*end != '\0')
        return FALSE;
      *out = value;
      return TRUE;
    }

  return FALSE;
}

static BotbenchEvent *
event_from_entry (JsonObject *entry,
                  const char *portal,
                  const char *remote,
                  gint64      bot_id,
                  gint64     *event_id)
{
  static const char * const headers[] = { "Content-Type", "application/json", NULL };
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GBytes) body = NULL;
  JsonNode *type = json_object_get_member (entry, "type");
  JsonNode *date = json_object_get_member (entry, "date");
  JsonNode *data = json_object_get_member (entry, "data");
  BotbenchEvent *event;
  char *text;
  gsize len;

  if (!get_int (entry, "eventId", event_id) || *event_id <= 0 ||
      type == NULL || !JSON_NODE_HOLDS_VALUE (type) ||
      json_node_get_value_type (type) != G_TYPE_STRING)
    return NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "event");
  json_builder_add_string_value (builder, json_node_get_string (type));
  json_builder_set_member_name (builder, "eventId");
  json_builder_add_int_value (builder, *event_id);
  json_builder_set_member_name (builder, "date");
  if (date != NULL && JSON_NODE_HOLDS_VALUE (date) && json_node_get_value_type (date) == G_TYPE_STRING)
    json_builder_add_string_value (builder, json_node_get_string (date));
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "data");
  if (data != NULL && (JSON_NODE_HOLDS_OBJECT (data) || JSON_NODE_HOLDS_ARRAY (data)))
    json_builder_add_value (builder, json_node_copy (data));
  else
    {
      json_builder_begin_object (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, &len);
  body = g_bytes_new_take (text, len);

  event = botbench_event_new (g_get_real_time (), remote, "POST", "/", "",
                              headers, "application/json", body);
  botbench_event_set_fetched (event, portal, bot_id, *event_id);

  return event;
}

GPtrArray *
_botbench_fetcher_parse_answer (JsonNode    *result,
                                const char  *portal,
                                gint64       bot_id,
                                gint64       offset,
                                gint64      *next_offset,
                                gboolean    *has_more,
                                GError     **error)
{
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GUri) uri = g_uri_parse (portal, G_URI_FLAGS_NONE, NULL);
  const char *remote = uri != NULL && g_uri_get_host (uri) != NULL ? g_uri_get_host (uri) : "";
  JsonObject *object;
  JsonNode *list;
  JsonNode *more;
  JsonArray *array;
  gint64 last_id = 0;
  gint64 sent_next;

  *next_offset = offset;
  *has_more = FALSE;

  if (result == NULL || !JSON_NODE_HOLDS_OBJECT (result))
    {
      g_set_error_literal (error, BOTBENCH_REST_ERROR, BOTBENCH_REST_ERROR_BAD_RESPONSE,
                           _("The portal’s answer to imbot.v2.Event.get is not an object"));
      return NULL;
    }
  object = json_node_get_object (result);
  list = json_object_get_member (object, "events");
  if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list))
    {
      g_set_error_literal (error, BOTBENCH_REST_ERROR, BOTBENCH_REST_ERROR_BAD_RESPONSE,
                           _("The portal’s answer to imbot.v2.Event.get has no list of events"));
      return NULL;
    }

  array = json_node_get_array (list);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      BotbenchEvent *event;
      gint64 event_id = 0;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      event = event_from_entry (json_node_get_object (element), portal, remote, bot_id, &event_id);
      if (event == NULL)
        {
          g_debug ("Bot %" G_GINT64_FORMAT ": skipped an entry that is not an event", bot_id);
          continue;
        }
      last_id = MAX (last_id, event_id);
      g_ptr_array_add (events, event);
    }

  /* nextOffset acknowledges what was returned; never go back, and without
   * a usable one compute it as the portal does (§3.2 step 4). */
  if (get_int (object, "nextOffset", &sent_next) && sent_next >= offset)
    *next_offset = sent_next;
  else
    *next_offset = MAX (offset, last_id > 0 ? last_id + 1 : offset);

  more = json_object_get_member (object, "hasMore");
  if (more != NULL && JSON_NODE_HOLDS_VALUE (more) && json_node_get_value_type (more) == G_TYPE_BOOLEAN)
    *has_more = json_node_get_boolean (more);

  return g_steal_pointer (&events);
}
