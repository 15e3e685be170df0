/* botbench-chat-rich.h: a bot message's ATTACH and KEYBOARD, parsed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pure: the JSON value a bot gave (a MESSAGE object's "ATTACH" and
 * "KEYBOARD", as stored by the sandbox) -> plain structs for the window to
 * draw.  Parsing never fails and never crashes: what cannot be used is
 * skipped or kept as an UNKNOWN block, and a sentence about it is added to
 * `warnings`.  Both are reference counted (boxed types) and immutable after
 * parsing.  Field names are those of Bitrix24's imbot documentation.
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define BOTBENCH_ATTACH_MAX_BLOCKS   100  /* more: ignored, with a warning */
#define BOTBENCH_ATTACH_MAX_ITEMS    100  /* per IMAGE/FILE/GRID block */
#define BOTBENCH_KEYBOARD_MAX_BUTTONS 100

typedef enum
{
  BOTBENCH_ATTACH_BLOCK_MESSAGE,    /* text (BB-code) */
  BOTBENCH_ATTACH_BLOCK_LINK,       /* one item: NAME, DESC, LINK, PREVIEW */
  BOTBENCH_ATTACH_BLOCK_IMAGE,      /* items: NAME, LINK, PREVIEW */
  BOTBENCH_ATTACH_BLOCK_FILE,       /* items: NAME, LINK, SIZE */
  BOTBENCH_ATTACH_BLOCK_USER,       /* one item: NAME, AVATAR (in preview), LINK */
  BOTBENCH_ATTACH_BLOCK_GRID,       /* items: NAME, VALUE, DISPLAY, WIDTH, COLOR */
  BOTBENCH_ATTACH_BLOCK_DELIMITER,  /* size, color */
  BOTBENCH_ATTACH_BLOCK_UNKNOWN,    /* kind_name + raw */
} BotbenchAttachBlockKind;

typedef enum
{
  BOTBENCH_ATTACH_GRID_BLOCK,   /* default */
  BOTBENCH_ATTACH_GRID_LINE,
  BOTBENCH_ATTACH_GRID_COLUMN,
  BOTBENCH_ATTACH_GRID_ROW,
} BotbenchAttachGridDisplay;

/* One entry of a LINK, USER, IMAGE, FILE or GRID block.  Strings are never
 * NULL ("" when absent); numbers are 0 when absent. */
typedef struct
{
  char                      *name;
  char                      *value;    /* GRID */
  char                      *desc;     /* LINK */
  char                      *link;     /* only http(s)/mailto kept; else "" and a warning */
  char                      *preview;  /* LINK, IMAGE: PREVIEW; USER: AVATAR */
  char                      *color;    /* GRID: "#rrggbb" or "" */
  BotbenchAttachGridDisplay  display;  /* GRID */
  gint64                     width;    /* GRID, LINK, IMAGE */
  gint64                     height;   /* LINK, IMAGE */
  gint64                     size;     /* FILE: bytes */
} BotbenchAttachItem;

typedef struct
{
  BotbenchAttachBlockKind  kind;
  char                    *kind_name; /* the block's key as given ("MESSAGE", "HTML"…) */
  char                    *text;      /* MESSAGE: BB-code; else "" */
  GPtrArray               *items;     /* (element-type BotbenchAttachItem): LINK, USER, IMAGE, FILE, GRID */
  gint64                   size;      /* DELIMITER: line length in px, 0 when absent */
  char                    *color;     /* DELIMITER: "#rrggbb" or "" */
  JsonNode                *raw;       /* the block as given (every kind) */
} BotbenchAttachBlock;

typedef struct
{
  char       *color;     /* the attach's COLOR, "" when absent */
  GPtrArray  *blocks;    /* (element-type BotbenchAttachBlock) */
  GPtrArray  *warnings;  /* (element-type utf8) e.g. "Block 3: IMAGE must be an object or a list" */
  JsonNode   *raw;       /* the value as given (NULL node -> JSON null) */
} BotbenchAttach;

#define BOTBENCH_TYPE_ATTACH (botbench_attach_get_type ())
GType           botbench_attach_get_type  (void) G_GNUC_CONST;

/* Accepts an array of blocks, an object {"ID", "COLOR", "BLOCKS": [...]},
 * or a single block object; NULL or JSON null -> no blocks, no warnings.
 * Returns: (transfer full): never NULL. */
BotbenchAttach *botbench_attach_parse     (JsonNode       *node);
BotbenchAttach *botbench_attach_ref       (BotbenchAttach *attach);
void            botbench_attach_unref     (BotbenchAttach *attach);
/* TRUE when there is nothing to show (no blocks and no warnings). */
gboolean        botbench_attach_is_empty  (BotbenchAttach *attach);
/* The raw value as pretty-printed JSON, for "show the raw JSON". */
char           *botbench_attach_dup_raw   (BotbenchAttach *attach);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BotbenchAttach, botbench_attach_unref)

/* One keyboard button.  Strings are never NULL ("" when absent). */
typedef struct
{
  guint     index;           /* BUTTON for /_sandbox/button (NEWLINE entries not counted) */
  char     *text;            /* BB-code allowed */
  char     *command;         /* without "/" */
  char     *command_params;
  char     *link;            /* as given; the UI opens only http(s) */
  char     *action;          /* "", PUT, SEND, COPY, CALL, DIALOG */
  char     *action_value;
  char     *bg_color;        /* "#rrggbb" or "" */
  char     *text_color;      /* "#rrggbb" or "" */
  char     *display;         /* "LINE" or "BLOCK" (default "BLOCK") */
  gint64    width;           /* px, 0 when absent */
  gint64    bot_id;          /* the button's BOT_ID, 0 when absent */
  gboolean  block;           /* BLOCK=Y: lock the keyboard after a press */
  gboolean  disabled;        /* DISABLED=Y */
} BotbenchKeyboardButton;

typedef struct
{
  GPtrArray  *rows;      /* (element-type GPtrArray (element-type BotbenchKeyboardButton)) */
  guint       n_buttons;
  gint64      bot_id;    /* the keyboard's BOT_ID ({"BOT_ID", "BUTTONS"} form), 0 when absent */
  GPtrArray  *warnings;  /* (element-type utf8) */
  JsonNode   *raw;
} BotbenchKeyboard;

#define BOTBENCH_TYPE_KEYBOARD (botbench_keyboard_get_type ())
GType             botbench_keyboard_get_type   (void) G_GNUC_CONST;

/* Accepts a list of buttons and {"TYPE": "NEWLINE"} separators, or an
 * object {"BOT_ID", "BUTTONS": [...]}; "N", "", NULL or null -> no buttons.
 * Returns: (transfer full): never NULL. */
BotbenchKeyboard *botbench_keyboard_parse      (JsonNode         *node);
BotbenchKeyboard *botbench_keyboard_ref        (BotbenchKeyboard *keyboard);
void              botbench_keyboard_unref      (BotbenchKeyboard *keyboard);
gboolean          botbench_keyboard_is_empty   (BotbenchKeyboard *keyboard);
/* Button @index (as BotbenchKeyboardButton.index), NULL if none. */
const BotbenchKeyboardButton *
                  botbench_keyboard_get_button (BotbenchKeyboard *keyboard,
                                                guint             index);
char             *botbench_keyboard_dup_raw    (BotbenchKeyboard *keyboard);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BotbenchKeyboard, botbench_keyboard_unref)

G_END_DECLS
