/* botbench-chat-rich.c: a bot message's ATTACH, parsed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The parser walks the value a fixed number of levels deep (never
 * recursively), checks every member's type, caps the number of blocks and
 * items, and describes whatever it had to leave out in `warnings`.  The
 * struct is reference counted with g_rc_box.  KEYBOARD: botbench-chat-keyboard.c.
 */
#define G_LOG_DOMAIN "botbench-chat"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "botbench-chat-json-private.h"
#include "botbench-chat-rich.h"

G_DEFINE_BOXED_TYPE (BotbenchAttach, botbench_attach, botbench_attach_ref, botbench_attach_unref)

/* ATTACH */

static void
attach_item_free (gpointer data)
{
  BotbenchAttachItem *item = data;

  g_free (item->name);
  g_free (item->value);
  g_free (item->desc);
  g_free (item->link);
  g_free (item->preview);
  g_free (item->color);
  g_free (item);
}

static void
attach_block_free (gpointer data)
{
  BotbenchAttachBlock *block = data;

  g_free (block->kind_name);
  g_free (block->text);
  g_clear_pointer (&block->items, g_ptr_array_unref);
  g_free (block->color);
  g_clear_pointer (&block->raw, json_node_unref);
  g_free (block);
}

static void
attach_clear (gpointer data)
{
  BotbenchAttach *attach = data;

  g_free (attach->color);
  g_ptr_array_unref (attach->blocks);
  g_ptr_array_unref (attach->warnings);
  g_clear_pointer (&attach->raw, json_node_unref);
}

static BotbenchAttachGridDisplay
parse_display (const char *display)
{
  if (g_ascii_strcasecmp (display, "LINE") == 0)
    return BOTBENCH_ATTACH_GRID_LINE;
  if (g_ascii_strcasecmp (display, "COLUMN") == 0)
    return BOTBENCH_ATTACH_GRID_COLUMN;
  if (g_ascii_strcasecmp (display, "ROW") == 0)
    return BOTBENCH_ATTACH_GRID_ROW;
  return BOTBENCH_ATTACH_GRID_BLOCK;
}

static BotbenchAttachItem *
parse_item (JsonObject              *object,
            BotbenchAttachBlockKind  kind,
            GPtrArray               *warnings,
            const char              *where)
{
  BotbenchAttachItem *item = g_new0 (BotbenchAttachItem, 1);
  g_autofree char *display = _botbench_chat_json_dup_string (object, "DISPLAY", "");

  item->name = _botbench_chat_json_dup_string (object, "NAME", "");
  item->value = _botbench_chat_json_dup_string (object, "VALUE", "");
  item->desc = _botbench_chat_json_dup_string (object, "DESC", "");
  item->link = _botbench_chat_json_dup_string (object, "LINK", "");
  item->preview = _botbench_chat_json_dup_string (object, kind == BOTBENCH_ATTACH_BLOCK_USER ? "AVATAR" : "PREVIEW", "");
  item->color = _botbench_chat_dup_color (object, "COLOR", warnings, where);
  item->display = parse_display (display);
  item->width = MAX (0, _botbench_chat_json_get_int (object, "WIDTH", 0));
  item->height = MAX (0, _botbench_chat_json_get_int (object, "HEIGHT", 0));
  item->size = MAX (0, _botbench_chat_json_get_int (object, "SIZE", 0));

  if (*item->link != '\0' && !_botbench_chat_link_is_safe (item->link))
    {
      _botbench_chat_warn (warnings, _("%s: the link “%s” is not http, https or mailto"), where, item->link);
      g_free (item->link);
      item->link = g_strdup ("");
    }
  if (*item->preview != '\0' && !_botbench_chat_link_is_safe (item->preview))
    {
      g_free (item->preview);
      item->preview = g_strdup ("");
    }

  return item;
}

/* IMAGE, FILE, GRID, LINK, USER: one object, or a list of objects. */
static void
parse_items (BotbenchAttachBlock *block,
             JsonNode            *value,
             gboolean             list_allowed,
             GPtrArray           *warnings,
             const char          *where)
{
  block->items = g_ptr_array_new_with_free_func (attach_item_free);

  if (JSON_NODE_HOLDS_OBJECT (value))
    {
      g_ptr_array_add (block->items, parse_item (json_node_get_object (value), block->kind, warnings, where));
      return;
    }

  if (JSON_NODE_HOLDS_ARRAY (value))
    {
      JsonArray *array = json_node_get_array (value);
      guint n = json_array_get_length (array);

      if (!list_allowed && n > 1)
        _botbench_chat_warn (warnings, _("%s: %s must be one object; only the first entry is shown"), where, block->kind_name);

      for (guint i = 0; i < n; i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (block->items->len >= BOTBENCH_ATTACH_MAX_ITEMS || (!list_allowed && block->items->len >= 1))
            {
              if (list_allowed)
                _botbench_chat_warn (warnings,
                                     g_dngettext (GETTEXT_PACKAGE, "%s: only the first %u entry is shown",
                                                  "%s: only the first %u entries are shown", BOTBENCH_ATTACH_MAX_ITEMS),
                                     where, BOTBENCH_ATTACH_MAX_ITEMS);
              break;
            }
          if (!JSON_NODE_HOLDS_OBJECT (element))
            {
              _botbench_chat_warn (warnings, _("%s: entry %u of %s is not an object"), where, i + 1, block->kind_name);
              continue;
            }
          g_ptr_array_add (block->items, parse_item (json_node_get_object (element), block->kind, warnings, where));
        }
      return;
    }

  if (list_allowed)
    _botbench_chat_warn (warnings, _("%s: %s must be an object or a list"), where, block->kind_name);
  else
    _botbench_chat_warn (warnings, _("%s: %s must be an object"), where, block->kind_name);
}

static BotbenchAttachBlock *
parse_block (const char *key,
             JsonNode   *value,
             guint       number,
             GPtrArray  *warnings)
{
  static const struct { const char *name; BotbenchAttachBlockKind kind; } kinds[] = {
    { "MESSAGE", BOTBENCH_ATTACH_BLOCK_MESSAGE },
    { "LINK", BOTBENCH_ATTACH_BLOCK_LINK },
    { "IMAGE", BOTBENCH_ATTACH_BLOCK_IMAGE },
    { "FILE", BOTBENCH_ATTACH_BLOCK_FILE },
    { "USER", BOTBENCH_ATTACH_BLOCK_USER },
    { "GRID", BOTBENCH_ATTACH_BLOCK_GRID },
    { "DELIMITER", BOTBENCH_ATTACH_BLOCK_DELIMITER },
  };
  BotbenchAttachBlock *block = g_new0 (BotbenchAttachBlock, 1);
  /* TRANSLATORS: the place a warning is about, "Block 3" */
  g_autofree char *where = g_strdup_printf (_("Block %u"), number);

  block->kind = BOTBENCH_ATTACH_BLOCK_UNKNOWN;
  block->kind_name = g_utf8_make_valid (key, -1);
  block->text = g_strdup ("");
  block->color = g_strdup ("");
  block->raw = json_node_ref (value);
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (g_ascii_strcasecmp (key, kinds[i].name) == 0)
      block->kind = kinds[i].kind;

  switch (block->kind)
    {
    case BOTBENCH_ATTACH_BLOCK_MESSAGE:
      if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) != G_TYPE_BOOLEAN)
        {
          g_autoptr(JsonObject) holder = json_object_new ();

          json_object_set_member (holder, "MESSAGE", json_node_ref (value));
          g_free (block->text);
          block->text = _botbench_chat_json_dup_string (holder, "MESSAGE", "");
        }
      else
        _botbench_chat_warn (warnings, _("%s: MESSAGE must be a string"), where);
      break;

    case BOTBENCH_ATTACH_BLOCK_LINK:
    case BOTBENCH_ATTACH_BLOCK_USER:
      parse_items (block, value, FALSE, warnings, where);
      break;

    case BOTBENCH_ATTACH_BLOCK_IMAGE:
    case BOTBENCH_ATTACH_BLOCK_FILE:
    case BOTBENCH_ATTACH_BLOCK_GRID:
      parse_items (block, value, TRUE, warnings, where);
      break;

    case BOTBENCH_ATTACH_BLOCK_DELIMITER:
      if (JSON_NODE_HOLDS_OBJECT (value))
        {
          JsonObject *object = json_node_get_object (value);

          block->size = MAX (0, _botbench_chat_json_get_int (object, "SIZE", 0));
          g_free (block->color);
          block->color = _botbench_chat_dup_color (object, "COLOR", warnings, where);
        }
      else if (!(JSON_NODE_HOLDS_ARRAY (value) && json_array_get_length (json_node_get_array (value)) == 0))
        _botbench_chat_warn (warnings, _("%s: DELIMITER must be an object"), where);
      break;

    case BOTBENCH_ATTACH_BLOCK_UNKNOWN:
      _botbench_chat_warn (warnings, _("%s: unknown block kind “%s”"), where, block->kind_name);
      break;

    default:
      g_assert_not_reached ();
    }

  return block;
}

static void
parse_blocks (BotbenchAttach *attach,
              JsonArray      *array)
{
  guint n = json_array_get_length (array);

  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObjectIter iter;
      const char *key;
      JsonNode *value;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          _botbench_chat_warn (attach->warnings, _("Block %u: a block must be an object like {\"MESSAGE\": \"text\"}"), i + 1);
          continue;
        }

      /* Each member of a block object is one block, in order. */
      json_object_iter_init_ordered (&iter, json_node_get_object (element));
      while (json_object_iter_next_ordered (&iter, &key, &value))
        {
          if (attach->blocks->len >= BOTBENCH_ATTACH_MAX_BLOCKS)
            {
              _botbench_chat_warn (attach->warnings,
                                   g_dngettext (GETTEXT_PACKAGE, "Only the first %u block is shown",
                                                "Only the first %u blocks are shown", BOTBENCH_ATTACH_MAX_BLOCKS),
                                   BOTBENCH_ATTACH_MAX_BLOCKS);
              return;
            }
          g_ptr_array_add (attach->blocks, parse_block (key, value, i + 1, attach->warnings));
        }
    }
}

static gboolean
is_block_key (const char *key)
{
  static const char * const keys[] = { "MESSAGE", "LINK", "IMAGE", "FILE", "USER", "GRID", "DELIMITER" };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    if (g_ascii_strcasecmp (key, keys[i]) == 0)
      return TRUE;
  return FALSE;
}

BotbenchAttach *
botbench_attach_parse (JsonNode *node)
{
  BotbenchAttach *attach = g_rc_box_new0 (BotbenchAttach);

  attach->color = g_strdup ("");
  attach->blocks = g_ptr_array_new_with_free_func (attach_block_free);
  attach->warnings = g_ptr_array_new_with_free_func (g_free);
  attach->raw = node != NULL ? json_node_copy (node) : json_node_new (JSON_NODE_NULL);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return attach;

  if (JSON_NODE_HOLDS_ARRAY (node))
    parse_blocks (attach, json_node_get_array (node));
  else if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      JsonNode *blocks = _botbench_chat_json_member (object, "BLOCKS");

      g_free (attach->color);
      attach->color = _botbench_chat_dup_color (object, "COLOR", attach->warnings, "ATTACH");

      if (blocks != NULL && JSON_NODE_HOLDS_ARRAY (blocks))
        parse_blocks (attach, json_node_get_array (blocks));
      else if (blocks != NULL)
        _botbench_chat_warn (attach->warnings, _("ATTACH: BLOCKS must be a list"));
      else
        {
          /* A lone block {"MESSAGE": …}, or nothing we know. */
          JsonObjectIter iter;
          const char *key;
          JsonNode *value;
          gboolean found = FALSE;

          json_object_iter_init (&iter, object);
          while (json_object_iter_next (&iter, &key, &value))
            found |= is_block_key (key);

          if (found)
            {
              g_autoptr(JsonArray) single = json_array_new ();

              json_array_add_element (single, json_node_copy (node));
              parse_blocks (attach, single);
            }
          else
            _botbench_chat_warn (attach->warnings, _("ATTACH has no BLOCKS"));
        }
    }
  else if (json_node_get_value_type (node) == G_TYPE_STRING && *json_node_get_string (node) == '\0')
    ; /* "" is no attach */
  else
    _botbench_chat_warn (attach->warnings, _("ATTACH must be a list of blocks or an object with BLOCKS"));

  return attach;
}

BotbenchAttach *
botbench_attach_ref (BotbenchAttach *attach)
{
  g_return_val_if_fail (attach != NULL, NULL);
  return g_rc_box_acquire (attach);
}

void
botbench_attach_unref (BotbenchAttach *attach)
{
  g_return_if_fail (attach != NULL);
  g_rc_box_release_full (attach, attach_clear);
}

gboolean
botbench_attach_is_empty (BotbenchAttach *attach)
{
  g_return_val_if_fail (attach != NULL, TRUE);
  return attach->blocks->len == 0 && attach->warnings->len == 0;
}

char *
botbench_attach_dup_raw (BotbenchAttach *attach)
{
  g_return_val_if_fail (attach != NULL, NULL);
  return _botbench_chat_json_node_to_string (attach->raw, TRUE);
}
