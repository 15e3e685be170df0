/* test-chat-rich.c: ATTACH and KEYBOARD parsing
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every block kind with Bitrix24's field names, both ATTACH shapes, and a
 * table of malformed values: each must parse (never crash, never fail)
 * into what can be shown plus the expected warning.
 */
#include "config.h"

#include <string.h>

#include "botbench-core.h"

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  return node;
}

static BotbenchAttach *
attach_from (const char *json)
{
  g_autoptr(JsonNode) node = json != NULL ? parse_json (json) : NULL;

  return botbench_attach_parse (node);
}

static BotbenchKeyboard *
keyboard_from (const char *json)
{
  g_autoptr(JsonNode) node = json != NULL ? parse_json (json) : NULL;

  return botbench_keyboard_parse (node);
}

static gboolean
has_warning (GPtrArray  *warnings,
             const char *part)
{
  for (guint i = 0; i < warnings->len; i++)
    if (strstr (warnings->pdata[i], part) != NULL)
      return TRUE;
  return FALSE;
}

static void
assert_warning (GPtrArray  *warnings,
                const char *part)
{
  if (!has_warning (warnings, part))
    {
      g_autoptr(GString) all = g_string_new (NULL);

      for (guint i = 0; i < warnings->len; i++)
        g_string_append_printf (all, "\n  %s", (char *)warnings->pdata[i]);
      g_error ("no warning containing “%s” in:%s", part, all->str);
    }
}

#define BLOCK(a, i) ((BotbenchAttachBlock *)(a)->blocks->pdata[i])
#define ITEM(b, i) ((BotbenchAttachItem *)(b)->items->pdata[i])

static void
test_attach_all_blocks (void)
{
  g_autoptr(BotbenchAttach) attach = attach_from (
    "{\"ID\": 1, \"COLOR\": \"#29619b\", \"BLOCKS\": ["
    " {\"MESSAGE\": \"[b]Hello[/b]\"},"
    " {\"LINK\": {\"NAME\": \"Ticket 1\", \"DESC\": \"Open\", \"LINK\": \"https://x.test/1\","
    "   \"PREVIEW\": \"https://x.test/1.png\", \"WIDTH\": 100, \"HEIGHT\": 50}},"
    " {\"IMAGE\": [{\"NAME\": \"a.png\", \"LINK\": \"https://x.test/a.png\", \"PREVIEW\": \"https://x.test/a-s.png\"},"
    "             {\"LINK\": \"https://x.test/b.png\"}]},"
    " {\"FILE\": [{\"NAME\": \"report.pdf\", \"LINK\": \"https://x.test/r.pdf\", \"SIZE\": 1500000}]},"
    " {\"USER\": {\"NAME\": \"Anna\", \"AVATAR\": \"https://x.test/anna.png\", \"LINK\": \"https://x.test/u/3\"}},"
    " {\"GRID\": [{\"NAME\": \"Status\", \"VALUE\": \"Open\", \"DISPLAY\": \"LINE\", \"WIDTH\": 100},"
    "            {\"NAME\": \"Owner\", \"VALUE\": \"Anna\", \"DISPLAY\": \"COLUMN\", \"COLOR\": \"#ff0000\"},"
    "            {\"NAME\": \"Row\", \"VALUE\": \"r\", \"DISPLAY\": \"ROW\"},"
    "            {\"NAME\": \"Block\", \"VALUE\": \"b\"}]},"
    " {\"DELIMITER\": {\"SIZE\": 200, \"COLOR\": \"#c2c2c2\"}}"
    "]}");

  g_assert_cmpstr (attach->color, ==, "#29619b");
  g_assert_cmpuint (attach->warnings->len, ==, 0);
  g_assert_cmpuint (attach->blocks->len, ==, 7);
  g_assert_false (botbench_attach_is_empty (attach));

  g_assert_cmpint (BLOCK (attach, 0)->kind, ==, BOTBENCH_ATTACH_BLOCK_MESSAGE);
  g_assert_cmpstr (BLOCK (attach, 0)->text, ==, "[b]Hello[/b]");

  g_assert_cmpint (BLOCK (attach, 1)->kind, ==, BOTBENCH_ATTACH_BLOCK_LINK);
  g_assert_cmpuint (BLOCK (attach, 1)->items->len, ==, 1);
  g_assert_cmpstr (ITEM (BLOCK (attach, 1), 0)->name, ==, "Ticket 1");
  g_assert_cmpstr (ITEM (BLOCK (attach, 1), 0)->desc, ==, "Open");
  g_assert_cmpstr (ITEM (BLOCK (attach, 1), 0)->link, ==, "https://x.test/1");
  g_assert_cmpstr (ITEM (BLOCK (attach, 1), 0)->preview, ==, "https://x.test/1.png");
  g_assert_cmpint (ITEM (BLOCK (attach, 1), 0)->width, ==, 100);
  g_assert_cmpint (ITEM (BLOCK (attach, 1), 0)->height, ==, 50);

  g_assert_cmpint (BLOCK (attach, 2)->kind, ==, BOTBENCH_ATTACH_BLOCK_IMAGE);
  g_assert_cmpuint (BLOCK (attach, 2)->items->len, ==, 2);
  g_assert_cmpstr (ITEM (BLOCK (attach, 2), 0)->name, ==, "a.png");
  g_assert_cmpstr (ITEM (BLOCK (attach, 2), 1)->name, ==, "");
  g_assert_cmpstr (ITEM (BLOCK (attach, 2), 1)->link, ==, "https://x.test/b.png");

  g_assert_cmpint (BLOCK (attach, 3)->kind, ==, BOTBENCH_ATTACH_BLOCK_FILE);
  g_assert_cmpint (ITEM (BLOCK (attach, 3), 0)->size, ==, 1500000);

  g_assert_cmpint (BLOCK (attach, 4)->kind, ==, BOTBENCH_ATTACH_BLOCK_USER);
  g_assert_cmpstr (ITEM (BLOCK (attach, 4), 0)->name, ==, "Anna");
  g_assert_cmpstr (ITEM (BLOCK (attach, 4), 0)->preview, ==, "https://x.test/anna.png");

  g_assert_cmpint (BLOCK (attach, 5)->kind, ==, BOTBENCH_ATTACH_BLOCK_GRID);
  g_assert_cmpuint (BLOCK (attach, 5)->items->len, ==, 4);
  g_assert_cmpint (ITEM (BLOCK (attach, 5), 0)->display, ==, BOTBENCH_ATTACH_GRID_LINE);
  g_assert_cmpint (ITEM (BLOCK (attach, 5), 1)->display, ==, BOTBENCH_ATTACH_GRID_COLUMN);
  g_assert_cmpint (ITEM (BLOCK (attach, 5), 2)->display, ==, BOTBENCH_ATTACH_GRID_ROW);
  g_assert_cmpint (ITEM (BLOCK (attach, 5), 3)->display, ==, BOTBENCH_ATTACH_GRID_BLOCK);
  g_assert_cmpstr (ITEM (BLOCK (attach, 5), 1)->color, ==, "#ff0000");
  g_assert_cmpstr (ITEM (BLOCK (attach, 5), 0)->value, ==, "Open");

  g_assert_cmpint (BLOCK (attach, 6)->kind, ==, BOTBENCH_ATTACH_BLOCK_DELIMITER);
  g_assert_cmpint (BLOCK (attach, 6)->size, ==, 200);
  g_assert_cmpstr (BLOCK (attach, 6)->color, ==, "#c2c2c2");
}

static void
test_attach_shapes (void)
{
  g_autoptr(BotbenchAttach) list = attach_from ("[{\"MESSAGE\": \"a\"}, {\"DELIMITER\": []}, {\"MESSAGE\": 42}]");
  g_autoptr(BotbenchAttach) single = attach_from ("{\"MESSAGE\": \"only\"}");
  g_autoptr(BotbenchAttach) none = attach_from (NULL);
  g_autoptr(BotbenchAttach) null = attach_from ("null");
  g_autoptr(BotbenchAttach) empty = attach_from ("\"\"");
  g_autoptr(BotbenchAttach) two_in_one = attach_from ("[{\"MESSAGE\": \"a\", \"DELIMITER\": {\"SIZE\": 1}}]");
  g_autofree char *raw = botbench_attach_dup_raw (list);

  g_assert_cmpuint (list->blocks->len, ==, 3);
  g_assert_cmpuint (list->warnings->len, ==, 0);
  g_assert_cmpstr (BLOCK (list, 2)->text, ==, "42");
  g_assert_cmpuint (single->blocks->len, ==, 1);
  g_assert_cmpstr (BLOCK (single, 0)->text, ==, "only");
  g_assert_true (botbench_attach_is_empty (none));
  g_assert_true (botbench_attach_is_empty (null));
  g_assert_true (botbench_attach_is_empty (empty));
  g_assert_cmpuint (two_in_one->blocks->len, ==, 2);
  g_assert_cmpint (BLOCK (two_in_one, 1)->kind, ==, BOTBENCH_ATTACH_BLOCK_DELIMITER);
  g_assert_nonnull (strstr (raw, "\"MESSAGE\""));
  g_assert_nonnull (strchr (raw, '\n'));
}

typedef struct
{
  const char *name;
  const char *json;
  guint       n_blocks;
  const char *warning;
} BadAttach;

static const BadAttach bad_attaches[] = {
  { "string", "\"not json\"", 0, "ATTACH must be a list of blocks" },
  { "number", "42", 0, "ATTACH must be a list of blocks" },
  { "true", "true", 0, "ATTACH must be a list of blocks" },
  { "no-blocks", "{\"ID\": 1}", 0, "ATTACH has no BLOCKS" },
  { "blocks-not-list", "{\"BLOCKS\": {\"MESSAGE\": \"x\"}}", 0, "BLOCKS must be a list" },
  { "block-not-object", "[1, \"x\", null, [], {\"MESSAGE\": \"ok\"}]", 1, "Block 1: a block must be an object" },
  { "image-string", "[{\"MESSAGE\": \"a\"}, {\"MESSAGE\": \"b\"}, {\"IMAGE\": \"https://x.test/a.png\"}]", 3,
    "Block 3: IMAGE must be an object or a list" },
  { "image-entry-number", "[{\"IMAGE\": [1, {\"LINK\": \"https://x.test/a\"}]}]", 1, "entry 1 of IMAGE is not an object" },
  { "link-list", "[{\"LINK\": [{\"NAME\": \"a\"}, {\"NAME\": \"b\"}]}]", 1, "LINK must be one object" },
  { "link-number", "[{\"LINK\": 5}]", 1, "LINK must be an object" },
  { "grid-string", "[{\"GRID\": \"x\"}]", 1, "GRID must be an object or a list" },
  { "message-object", "[{\"MESSAGE\": {\"a\": 1}}]", 1, "MESSAGE must be a string" },
  { "delimiter-string", "[{\"DELIMITER\": \"---\"}]", 1, "DELIMITER must be an object" },
  { "unknown-kind", "[{\"HTML\": \"<b>x</b>\"}]", 1, "unknown block kind “HTML”" },
  { "javascript-link", "[{\"LINK\": {\"NAME\": \"x\", \"LINK\": \"javascript:alert(1)\"}}]", 1, "is not http, https or mailto" },
  { "bad-color", "{\"COLOR\": \"red\", \"BLOCKS\": []}", 0, "COLOR “red” is not a #rrggbb colour" },
  { "grid-bad-color", "[{\"GRID\": [{\"NAME\": \"a\", \"COLOR\": 12}]}]", 1, "COLOR “12”" },
  { "wrong-types", "[{\"FILE\": {\"NAME\": [1], \"LINK\": {\"x\": 1}, \"SIZE\": \"big\"}}]", 1, NULL },
};

static void
test_attach_bad (gconstpointer data)
{
  const BadAttach *c = data;
  g_autoptr(BotbenchAttach) attach = attach_from (c->json);

  g_assert_cmpuint (attach->blocks->len, ==, c->n_blocks);
  if (c->warning != NULL)
    assert_warning (attach->warnings, c->warning);
  g_assert_false (botbench_attach_is_empty (attach) && c->warning != NULL);
}

static void
test_attach_wrong_types_read_empty (void)
{
  g_autoptr(BotbenchAttach) attach = attach_from ("[{\"FILE\": {\"NAME\": [1], \"LINK\": {\"x\": 1}, \"SIZE\": \"big\"}}]");
  BotbenchAttachItem *item = ITEM (BLOCK (attach, 0), 0);

  g_assert_cmpstr (item->name, ==, "");
  g_assert_cmpstr (item->link, ==, "");
  g_assert_cmpint (item->size, ==, 0);
}

static void
test_attach_caps (void)
{
  GString *json = g_string_new ("[");
  g_autofree char *text = NULL;
  g_autoptr(BotbenchAttach) attach = NULL;
  g_autoptr(BotbenchAttach) grid = NULL;

  for (guint i = 0; i < 5000; i++)
    g_string_append_printf (json, "%s{\"MESSAGE\": \"%u\"}", i > 0 ? "," : "", i);
  g_string_append (json, "]");
  text = g_string_free (json, FALSE);
  attach = attach_from (text);
  g_assert_cmpuint (attach->blocks->len, ==, BOTBENCH_ATTACH_MAX_BLOCKS);
  assert_warning (attach->warnings, "Only the first 100 blocks");

  json = g_string_new ("[{\"GRID\": [");
  for (guint i = 0; i < 1000; i++)
    g_string_append_printf (json, "%s{\"NAME\": \"n%u\", \"VALUE\": \"v\"}", i > 0 ? "," : "", i);
  g_string_append (json, "]}]");
  g_free (text);
  text = g_string_free (json, FALSE);
  grid = attach_from (text);
  g_assert_cmpuint (BLOCK (grid, 0)->items->len, ==, BOTBENCH_ATTACH_MAX_ITEMS);
  assert_warning (grid->warnings, "only the first 100 entries");
}

static void
test_attach_many_warnings (void)
{
  GString *json = g_string_new ("[");
  g_autofree char *text = NULL;
  g_autoptr(BotbenchAttach) attach = NULL;

  for (guint i = 0; i < 100000; i++)
    g_string_append_printf (json, "%s1", i > 0 ? "," : "");
  g_string_append (json, "]");
  text = g_string_free (json, FALSE);
  attach = attach_from (text);
  g_assert_cmpuint (attach->blocks->len, ==, 0);
  g_assert_cmpuint (attach->warnings->len, <=, 51);
  assert_warning (attach->warnings, "not listed");
}

static void
test_attach_deep (void)
{
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);
  JsonArray *array = json_array_new ();
  g_autoptr(BotbenchAttach) attach = NULL;
  g_autoptr(BotbenchAttach) copy = NULL;
  JsonObject *block = json_object_new ();
  JsonArray *inner = json_array_new ();
  JsonArray *cur = inner;
  g_autofree char *raw = NULL;

  /* {"GRID": [[[[…]]]]} 400 levels deep (the client's JSON check allows 512). */
  for (guint i = 0; i < 400; i++)
    {
      JsonArray *next = json_array_new ();

      json_array_add_array_element (cur, next);
      cur = next;
    }
  json_object_set_array_member (block, "GRID", inner);
  json_array_add_object_element (array, block);
  json_node_take_array (root, array);

  attach = botbench_attach_parse (root);
  g_assert_cmpuint (attach->blocks->len, ==, 1);
  g_assert_cmpuint (BLOCK (attach, 0)->items->len, ==, 0);
  assert_warning (attach->warnings, "entry 1 of GRID is not an object");
  raw = botbench_attach_dup_raw (attach);
  g_assert_true (g_str_has_prefix (raw, "["));
  copy = botbench_attach_ref (attach);
  g_assert_true (copy == attach);
  botbench_attach_unref (copy);
  copy = NULL;
}

/* KEYBOARD */

#define ROW(k, r) ((GPtrArray *)(k)->rows->pdata[r])
#define BUTTON(k, r, b) ((BotbenchKeyboardButton *)ROW (k, r)->pdata[b])

static void
test_keyboard_list (void)
{
  g_autoptr(BotbenchKeyboard) keyboard = keyboard_from (
    "[{\"TEXT\": \"Help\", \"COMMAND\": \"help\", \"COMMAND_PARAMS\": \"more\", \"BG_COLOR\": \"#29619b\","
    "  \"TEXT_COLOR\": \"#fff\", \"DISPLAY\": \"LINE\", \"BLOCK\": \"Y\", \"WIDTH\": 150, \"BOT_ID\": 100},"
    " {\"TEXT\": \"Docs\", \"LINK\": \"https://x.test/docs\"},"
    " {\"TYPE\": \"NEWLINE\"},"
    " {\"TEXT\": \"Say hi\", \"ACTION\": \"send\", \"ACTION_VALUE\": \"hi\", \"DISABLED\": \"Y\"},"
    " {\"TEXT\": \"Put\", \"ACTION\": \"PUT\", \"ACTION_VALUE\": \"/help \"}]");
  const BotbenchKeyboardButton *b;

  g_assert_cmpuint (keyboard->warnings->len, ==, 0);
  g_assert_cmpuint (keyboard->rows->len, ==, 2);
  g_assert_cmpuint (keyboard->n_buttons, ==, 4);
  g_assert_cmpuint (ROW (keyboard, 0)->len, ==, 2);
  g_assert_cmpuint (ROW (keyboard, 1)->len, ==, 2);

  b = BUTTON (keyboard, 0, 0);
  g_assert_cmpuint (b->index, ==, 0);
  g_assert_cmpstr (b->text, ==, "Help");
  g_assert_cmpstr (b->command, ==, "help");
  g_assert_cmpstr (b->command_params, ==, "more");
  g_assert_cmpstr (b->bg_color, ==, "#29619b");
  g_assert_cmpstr (b->text_color, ==, "#fff");
  g_assert_cmpstr (b->display, ==, "LINE");
  g_assert_true (b->block);
  g_assert_false (b->disabled);
  g_assert_cmpint (b->width, ==, 150);
  g_assert_cmpint (b->bot_id, ==, 100);

  b = BUTTON (keyboard, 0, 1);
  g_assert_cmpuint (b->index, ==, 1);
  g_assert_cmpstr (b->link, ==, "https://x.test/docs");
  g_assert_cmpstr (b->display, ==, "BLOCK");

  /* NEWLINE is not counted: the third button is index 2. */
  b = BUTTON (keyboard, 1, 0);
  g_assert_cmpuint (b->index, ==, 2);
  g_assert_cmpstr (b->action, ==, "SEND");
  g_assert_cmpstr (b->action_value, ==, "hi");
  g_assert_true (b->disabled);

  g_assert_true (botbench_keyboard_get_button (keyboard, 3) == BUTTON (keyboard, 1, 1));
  g_assert_null (botbench_keyboard_get_button (keyboard, 4));
}

static void
test_keyboard_object (void)
{
  g_autoptr(BotbenchKeyboard) keyboard = keyboard_from ("{\"BOT_ID\": 7, \"BUTTONS\": [{\"TEXT\": \"a\", \"COMMAND\": \"/x\"}]}");
  g_autoptr(BotbenchKeyboard) no = keyboard_from ("\"N\"");
  g_autoptr(BotbenchKeyboard) null = keyboard_from ("null");
  g_autoptr(BotbenchKeyboard) none = keyboard_from (NULL);
  g_autofree char *raw = botbench_keyboard_dup_raw (keyboard);

  g_assert_cmpint (keyboard->bot_id, ==, 7);
  g_assert_cmpuint (keyboard->n_buttons, ==, 1);
  g_assert_cmpstr (BUTTON (keyboard, 0, 0)->command, ==, "x");
  g_assert_true (botbench_keyboard_is_empty (no));
  g_assert_true (botbench_keyboard_is_empty (null));
  g_assert_true (botbench_keyboard_is_empty (none));
  g_assert_nonnull (strstr (raw, "BUTTONS"));
}

typedef struct
{
  const char *name;
  const char *json;
  guint       n_buttons;
  const char *warning;
} BadKeyboard;

static const BadKeyboard bad_keyboards[] = {
  { "string", "\"buttons\"", 0, "KEYBOARD must be a list of buttons" },
  { "number", "1", 0, "KEYBOARD must be a list of buttons" },
  { "object-without-buttons", "{\"TEXT\": \"x\"}", 0, "KEYBOARD must be a list of buttons" },
  { "entry-not-object", "[\"x\", {\"TEXT\": \"ok\", \"COMMAND\": \"a\"}]", 1, "Entry 1 of KEYBOARD is not a button" },
  { "no-text", "[{\"COMMAND\": \"a\"}]", 1, "Button 1 has no TEXT" },
  { "does-nothing", "[{\"TEXT\": \"x\"}]", 1, "pressing it does nothing" },
  { "bad-action", "[{\"TEXT\": \"x\", \"ACTION\": \"EXPLODE\"}]", 1, "unknown ACTION “EXPLODE”" },
  { "bad-color", "[{\"TEXT\": \"x\", \"COMMAND\": \"a\", \"BG_COLOR\": \"url(x)\"}]", 1, "BG_COLOR “url(x)”" },
  { "wrong-types", "[{\"TEXT\": {\"a\": 1}, \"COMMAND\": [1], \"BLOCK\": {}, \"WIDTH\": \"wide\"}]", 1, "has no TEXT" },
};

static void
test_keyboard_bad (gconstpointer data)
{
  const BadKeyboard *c = data;
  g_autoptr(BotbenchKeyboard) keyboard = keyboard_from (c->json);

  g_assert_cmpuint (keyboard->n_buttons, ==, c->n_buttons);
  assert_warning (keyboard->warnings, c->warning);
  g_assert_false (botbench_keyboard_is_empty (keyboard));
}

static void
test_keyboard_cap (void)
{
  GString *json = g_string_new ("[");
  g_autofree char *text = NULL;
  g_autoptr(BotbenchKeyboard) keyboard = NULL;

  for (guint i = 0; i < 10000; i++)
    g_string_append_printf (json, "%s{\"TEXT\": \"%u\", \"COMMAND\": \"c\"}%s", i > 0 ? "," : "", i,
                            i % 3 == 2 ? ",{\"TYPE\": \"NEWLINE\"}" : "");
  g_string_append (json, "]");
  text = g_string_free (json, FALSE);
  keyboard = keyboard_from (text);
  g_assert_cmpuint (keyboard->n_buttons, ==, BOTBENCH_KEYBOARD_MAX_BUTTONS);
  g_assert_cmpuint (keyboard->rows->len, ==, 34);
  assert_warning (keyboard->warnings, "Only the first 100 buttons");
  g_assert_cmpuint (botbench_keyboard_get_button (keyboard, 99)->index, ==, 99);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/chat-rich/attach/all-blocks", test_attach_all_blocks);
  g_test_add_func ("/chat-rich/attach/shapes", test_attach_shapes);
  for (guint i = 0; i < G_N_ELEMENTS (bad_attaches); i++)
    {
      g_autofree char *path = g_strdup_printf ("/chat-rich/attach/bad/%s", bad_attaches[i].name);

      g_test_add_data_func (path, &bad_attaches[i], test_attach_bad);
    }
  g_test_add_func ("/chat-rich/attach/wrong-types-read-empty", test_attach_wrong_types_read_empty);
  g_test_add_func ("/chat-rich/attach/caps", test_attach_caps);
  g_test_add_func ("/chat-rich/attach/many-warnings", test_attach_many_warnings);
  g_test_add_func ("/chat-rich/attach/deep", test_attach_deep);
  g_test_add_func ("/chat-rich/keyboard/list", test_keyboard_list);
  g_test_add_func ("/chat-rich/keyboard/object", test_keyboard_object);
  for (guint i = 0; i < G_N_ELEMENTS (bad_keyboards); i++)
    {
      g_autofree char *path = g_strdup_printf ("/chat-rich/keyboard/bad/%s", bad_keyboards[i].name);

      g_test_add_data_func (path, &bad_keyboards[i], test_keyboard_bad);
    }
  g_test_add_func ("/chat-rich/keyboard/cap", test_keyboard_cap);

  return g_test_run ();
}
