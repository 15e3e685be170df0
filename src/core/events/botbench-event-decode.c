/* botbench-event-decode.c: what an event's body says
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The body decoded once, as a form (urlencoded or multipart, the way PHP
 * fills $_POST) or as checked JSON; the summary the list shows (event
 * name, bot id and code, message); and the text the full-text index gets.
 */
#define G_LOG_DOMAIN "botbench-event"

#include "config.h"

#include <string.h>

#include "botbench-event-internal.h"
#include "botbench-json.h"

static gboolean
content_type_is (const char *content_type,
                 const char *mime)
{
  gsize len;

  if (content_type == NULL)
    return FALSE;

  while (*content_type == ' ' || *content_type == '\t')
    content_type++;

  len = strlen (mime);
  if (g_ascii_strncasecmp (content_type, mime, len) != 0)
    return FALSE;

  return content_type[len] == '\0' || content_type[len] == ';' ||
         content_type[len] == ' ' || content_type[len] == '\t';
}

void
_botbench_event_decode (BotbenchEvent *self)
{
  if (g_once_init_enter (&self->decoded))
    {
      gsize len = 0;
      const char *data = self->body ? g_bytes_get_data (self->body, &len) : NULL;

      if (data == NULL)
        data = "";

      /* Checked first: json-glib would recurse once per level of
       * whatever the sender nested (and keep a second value, leaking the
       * first).  A body that fails the check is not JSON here. */
      if ((botbench_event_content_type_is_json (self->content_type) ||
           (self->content_type == NULL && len > 0 && (data[0] == '{' || data[0] == '['))) &&
          botbench_json_check (data, len, BOTBENCH_JSON_MAX_DEPTH, NULL))
        {
          g_autoptr(JsonParser) parser = json_parser_new_immutable ();

          if (json_parser_load_from_data (parser, data, len, NULL))
            self->json = json_node_ref (json_parser_get_root (parser));
        }

      if (self->json == NULL)
        {
          if (self->content_type == NULL || *self->content_type == '\0')
            self->form = botbench_post_decode_urlencoded (data, len);
          else
            self->form = botbench_post_decode (data, len, self->content_type, NULL);
        }

      g_once_init_leave (&self->decoded, 1);
    }
}

static const char *
json_lookup_string (JsonNode   *root,
                    const char *first_key,
                    ...)
{
  JsonNode *node = root;
  const char *key;
  va_list args;

  va_start (args, first_key);
  for (key = first_key; key != NULL; key = va_arg (args, const char *))
    {
      if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
        {
          node = NULL;
          break;
        }
      node = json_object_get_member (json_node_get_object (node), key);
    }
  va_end (args);

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
      json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);

  return NULL;
}

/* A positive integer (or a string) at the path, as a new string; NULL otherwise. */
static char *
json_lookup_id (JsonNode   *root,
                const char *first_key,
                ...)
{
  JsonNode *node = root;
  const char *key;
  va_list args;

  va_start (args, first_key);
  for (key = first_key; key != NULL; key = va_arg (args, const char *))
    {
      if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
        {
          node = NULL;
          break;
        }
      node = json_object_get_member (json_node_get_object (node), key);
    }
  va_end (args);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  return NULL;
}

/* data[BOT] (message, join) and data[COMMAND] (command) are keyed by bot or
 * command id; the first entry names the bot. */
static BotbenchFormNode *
first_child_array (BotbenchFormNode *node,
                   const char      **key)
{
  if (node == NULL ||
      botbench_form_node_get_node_type (node) != BOTBENCH_FORM_NODE_ARRAY ||
      botbench_form_node_get_n_children (node) == 0)
    return NULL;

  if (key != NULL)
    *key = botbench_form_node_get_child_key (node, 0);

  return botbench_form_node_get_child (node, 0);
}

void
_botbench_event_summarize (BotbenchEvent *self)
{
  const char *event_name = NULL;
  const char *bot_id = NULL;
  const char *bot_code = NULL;
  const char *message = NULL;
  g_autofree char *v2_bot_id = NULL;

  if (!g_once_init_enter (&self->summarized))
    return;

  _botbench_event_decode (self);

  if (self->form != NULL)
    {
      BotbenchFormNode *data = botbench_form_node_lookup (self->form, "data");
      BotbenchFormNode *entry;
      const char *key = NULL;

      event_name = botbench_form_node_lookup_string (self->form, "event", NULL);
      if (event_name == NULL)
        event_name = botbench_form_node_lookup_string (self->form, "EVENT", NULL);

      if ((entry = first_child_array (data ? botbench_form_node_lookup (data, "BOT") : NULL, &key)))
        {
          bot_id = botbench_form_node_lookup_string (entry, "BOT_ID", NULL);
          if (bot_id == NULL)
            bot_id = key;
          bot_code = botbench_form_node_lookup_string (entry, "BOT_CODE", NULL);
        }
      else if ((entry = first_child_array (data ? botbench_form_node_lookup (data, "COMMAND") : NULL, NULL)))
        {
          bot_id = botbench_form_node_lookup_string (entry, "BOT_ID", NULL);
          bot_code = botbench_form_node_lookup_string (entry, "BOT_CODE", NULL);
        }

      if (bot_id == NULL && data != NULL)
        bot_id = botbench_form_node_lookup_string (data, "BOT_ID", NULL);
      if (bot_id == NULL && data != NULL)
        bot_id = botbench_form_node_lookup_string (data, "PARAMS", "BOT_ID", NULL);
      if (bot_code == NULL && data != NULL)
        bot_code = botbench_form_node_lookup_string (data, "BOT_CODE", NULL);

      if (data != NULL)
        message = botbench_form_node_lookup_string (data, "PARAMS", "MESSAGE", NULL);
    }
  else if (self->json != NULL)
    {
      event_name = json_lookup_string (self->json, "event", NULL);
      bot_id = json_lookup_string (self->json, "data", "BOT_ID", NULL);
      bot_code = json_lookup_string (self->json, "data", "BOT_CODE", NULL);
      message = json_lookup_string (self->json, "data", "PARAMS", "MESSAGE", NULL);

      /* imbot.v2 (a fetched event, {"event","eventId","date","data"}):
       * data.bot is the Bot object, data.message the Message. */
      if (bot_id == NULL)
        bot_id = v2_bot_id = json_lookup_id (self->json, "data", "bot", "id", NULL);
      if (bot_code == NULL)
        bot_code = json_lookup_string (self->json, "data", "bot", "code", NULL);
      if (message == NULL)
        message = json_lookup_string (self->json, "data", "message", "text", NULL);
    }

  self->event_name = g_utf8_make_valid (event_name ? event_name : "", -1);
  self->bot_id = g_utf8_make_valid (bot_id ? bot_id : "", -1);
  self->bot_code = g_utf8_make_valid (bot_code ? bot_code : "", -1);
  self->message = g_utf8_make_valid (message ? message : "", -1);

  g_once_init_leave (&self->summarized, 1);
}

gboolean
botbench_event_content_type_is_json (const char *content_type)
{
  return content_type_is (content_type, "application/json") ||
         content_type_is (content_type, "text/json");
}


/* OAuth tokens are secrets and useless as search terms; data[BOT][id][AUTH]
 * repeats its parent's keys.  Neither goes into the search text. */
static gboolean
search_skips_key (const char *key)
{
  return g_strcmp0 (key, "access_token") == 0 ||
         g_strcmp0 (key, "refresh_token") == 0 ||
         g_strcmp0 (key, "AUTH") == 0;
}

static void
collect_form_text (BotbenchFormNode *node,
                   GString          *out)
{
  if (botbench_form_node_get_node_type (node) == BOTBENCH_FORM_NODE_STRING)
    {
      gsize len;
      const char *str = botbench_form_node_get_string (node, &len);

      if (len == 0)
        return;
      if (out->len > 0)
        g_string_append_c (out, ' ');
      g_string_append_len (out, str, len);
      return;
    }

  for (guint i = 0; i < botbench_form_node_get_n_children (node); i++)
    {
      if (search_skips_key (botbench_form_node_get_child_key (node, i)))
        continue;
      collect_form_text (botbench_form_node_get_child (node, i), out);
    }
}

static void
collect_json_text (JsonNode *node,
                   GString  *out)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        g_autoptr(GList) members = json_object_get_values (json_node_get_object (node));
        for (const GList *l = members; l != NULL; l = l->next)
          collect_json_text (l->data, out);
      }
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        for (guint i = 0; i < json_array_get_length (array); i++)
          collect_json_text (json_array_get_element (array, i), out);
      }
      break;

    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) == G_TYPE_STRING)
        {
          if (out->len > 0)
            g_string_append_c (out, ' ');
          g_string_append (out, json_node_get_string (node));
        }
      break;

    case JSON_NODE_NULL:
    default:
      break;
    }
}

char *
_botbench_event_dup_search_text (BotbenchEvent *self)
{
  GString *out = g_string_new (NULL);
  char *valid;

  _botbench_event_decode (self);

  if (self->form != NULL)
    collect_form_text (self->form, out);
  else if (self->json != NULL)
    collect_json_text (self->json, out);
  else
    {
      gsize len;
      const char *data = g_bytes_get_data (self->body, &len);
      if (data != NULL)
        g_string_append_len (out, data, len);
    }

  valid = g_utf8_make_valid (out->str, out->len);
  g_string_free (out, TRUE);
  return valid;
}
