/* botbench-chat-keyboard.c: a bot message's KEYBOARD, parsed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A list of buttons with {"TYPE": "NEWLINE"} between rows, or an object
 * {"BOT_ID", "BUTTONS"}.  Every button object that is not a NEWLINE gets
 * the next index (what /_sandbox/button calls BUTTON); other entries are
 * skipped with a warning.  Types are checked member by member; at most
 * BOTBENCH_KEYBOARD_MAX_BUTTONS buttons are kept.
 */
#define G_LOG_DOMAIN "botbench-chat"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "botbench-chat-json-private.h"
#include "botbench-chat-rich.h"

G_DEFINE_BOXED_TYPE (BotbenchKeyboard, botbench_keyboard, botbench_keyboard_ref, botbench_keyboard_unref)

/* KEYBOARD */

static void
button_free (gpointer data)
{
  BotbenchKeyboardButton *button = data;

  g_free (button->text);
  g_free (button->command);
  g_free (button->command_params);
  g_free (button->link);
  g_free (button->action);
  g_free (button->action_value);
  g_free (button->bg_color);
  g_free (button->text_color);
  g_free (button->display);
  g_free (button);
}

static void
keyboard_clear (gpointer data)
{
  BotbenchKeyboard *keyboard = data;

  g_ptr_array_unref (keyboard->rows);
  g_ptr_array_unref (keyboard->warnings);
  g_clear_pointer (&keyboard->raw, json_node_unref);
}

static BotbenchKeyboardButton *
parse_button (JsonObject *object,
              guint       index,
              GPtrArray  *warnings)
{
  static const char * const actions[] = { "PUT", "SEND", "COPY", "CALL", "DIALOG" };
  BotbenchKeyboardButton *button = g_new0 (BotbenchKeyboardButton, 1);
  /* TRANSLATORS: the place a warning is about, "Button 3" */
  g_autofree char *where = g_strdup_printf (_("Button %u"), index + 1);
  g_autofree char *display = _botbench_chat_json_dup_string (object, "DISPLAY", "");
  gboolean known_action = FALSE;

  button->index = index;
  button->text = _botbench_chat_json_dup_string (object, "TEXT", "");
  button->command = _botbench_chat_json_dup_string (object, "COMMAND", "");
  button->command_params = _botbench_chat_json_dup_string (object, "COMMAND_PARAMS", "");
  button->link = _botbench_chat_json_dup_string (object, "LINK", "");
  button->action = _botbench_chat_json_dup_string (object, "ACTION", "");
  button->action_value = _botbench_chat_json_dup_string (object, "ACTION_VALUE", "");
  button->bg_color = _botbench_chat_dup_color (object, "BG_COLOR", warnings, where);
  button->text_color = _botbench_chat_dup_color (object, "TEXT_COLOR", warnings, where);
  button->display = g_strdup (g_ascii_strcasecmp (display, "LINE") == 0 ? "LINE" : "BLOCK");
  button->width = MAX (0, _botbench_chat_json_get_int (object, "WIDTH", 0));
  button->bot_id = MAX (0, _botbench_chat_json_get_int (object, "BOT_ID", 0));
  button->block = _botbench_chat_json_get_flag (object, "BLOCK");
  button->disabled = _botbench_chat_json_get_flag (object, "DISABLED");

  if (button->command[0] == '/')
    memmove (button->command, button->command + 1, strlen (button->command));

  if (*button->text == '\0')
    _botbench_chat_warn (warnings, _("%s has no TEXT"), where);

  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    if (g_ascii_strcasecmp (button->action, actions[i]) == 0)
      {
        g_free (button->action);
        button->action = g_strdup (actions[i]);
        known_action = TRUE;
      }
  if (*button->action != '\0' && !known_action)
    _botbench_chat_warn (warnings, _("%s: unknown ACTION “%s”"), where, button->action);

  if (*button->command == '\0' && *button->link == '\0' && *button->action == '\0')
    _botbench_chat_warn (warnings, _("%s has no COMMAND, LINK or ACTION: pressing it does nothing"), where);

  return button;
}

static void
parse_buttons (BotbenchKeyboard *keyboard,
               JsonArray        *array)
{
  guint n = json_array_get_length (array);
  GPtrArray *row = NULL;

  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *object;
      const char *type;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          _botbench_chat_warn (keyboard->warnings, _("Entry %u of KEYBOARD is not a button object"), i + 1);
          continue;
        }

      object = json_node_get_object (element);
      type = _botbench_chat_json_get_string (object, "TYPE");
      if (type != NULL && g_ascii_strcasecmp (type, "NEWLINE") == 0)
        {
          row = NULL;
          continue;
        }

      if (keyboard->n_buttons >= BOTBENCH_KEYBOARD_MAX_BUTTONS)
        {
          _botbench_chat_warn (keyboard->warnings,
                               g_dngettext (GETTEXT_PACKAGE, "Only the first %u button is shown",
                                            "Only the first %u buttons are shown", BOTBENCH_KEYBOARD_MAX_BUTTONS),
                               BOTBENCH_KEYBOARD_MAX_BUTTONS);
          return;
        }

      if (row == NULL)
        {
          row = g_ptr_array_new_with_free_func (button_free);
          g_ptr_array_add (keyboard->rows, row);
        }
      g_ptr_array_add (row, parse_button (object, keyboard->n_buttons++, keyboard->warnings));
    }
}

BotbenchKeyboard *
botbench_keyboard_parse (JsonNode *node)
{
  BotbenchKeyboard *keyboard = g_rc_box_new0 (BotbenchKeyboard);

  keyboard->rows = g_ptr_array_new_with_free_func ((GDestroyNotify)g_ptr_array_unref);
  keyboard->warnings = g_ptr_array_new_with_free_func (g_free);
  keyboard->raw = node != NULL ? json_node_copy (node) : json_node_new (JSON_NODE_NULL);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return keyboard;

  if (JSON_NODE_HOLDS_ARRAY (node))
    parse_buttons (keyboard, json_node_get_array (node));
  else if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      JsonArray *buttons = _botbench_chat_json_get_array (object, "BUTTONS");

      keyboard->bot_id = MAX (0, _botbench_chat_json_get_int (object, "BOT_ID", 0));
      if (buttons != NULL)
        parse_buttons (keyboard, buttons);
      else
        _botbench_chat_warn (keyboard->warnings, _("KEYBOARD must be a list of buttons (or an object with BUTTONS)"));
    }
  else
    {
      const char *text = json_node_get_value_type (node) == G_TYPE_STRING ? json_node_get_string (node) : NULL;
      gboolean none = (text != NULL && (*text == '\0' || g_ascii_strcasecmp (text, "N") == 0)) ||
                      (json_node_get_value_type (node) == G_TYPE_BOOLEAN && !json_node_get_boolean (node));

      if (!none)
        _botbench_chat_warn (keyboard->warnings, _("KEYBOARD must be a list of buttons (or an object with BUTTONS)"));
    }

  return keyboard;
}

BotbenchKeyboard *
botbench_keyboard_ref (BotbenchKeyboard *keyboard)
{
  g_return_val_if_fail (keyboard != NULL, NULL);
  return g_rc_box_acquire (keyboard);
}

void
botbench_keyboard_unref (BotbenchKeyboard *keyboard)
{
  g_return_if_fail (keyboard != NULL);
  g_rc_box_release_full (keyboard, keyboard_clear);
}

gboolean
botbench_keyboard_is_empty (BotbenchKeyboard *keyboard)
{
  g_return_val_if_fail (keyboard != NULL, TRUE);
  return keyboard->n_buttons == 0 && keyboard->warnings->len == 0;
}

const BotbenchKeyboardButton *
botbench_keyboard_get_button (BotbenchKeyboard *keyboard,
                              guint             index)
{
  g_return_val_if_fail (keyboard != NULL, NULL);

  for (guint r = 0; r < keyboard->rows->len; r++)
    {
      GPtrArray *row = keyboard->rows->pdata[r];

      for (guint b = 0; b < row->len; b++)
        if (((BotbenchKeyboardButton *)row->pdata[b])->index == index)
          return row->pdata[b];
    }
  return NULL;
}

char *
botbench_keyboard_dup_raw (BotbenchKeyboard *keyboard)
{
  g_return_val_if_fail (keyboard != NULL, NULL);
  return _botbench_chat_json_node_to_string (keyboard->raw, TRUE);
}
