/* botbench-bbcode.h: Bitrix24 BB-code to Pango markup and to plain text
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pure functions, no I/O.  The input is untrusted (a bot's message as it
 * called imbot.message.add): the output is always valid Pango markup, and
 * anything that is not a well-formed tag we know stays literal text.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Bitrix BB-code -> Pango markup (for a GtkLabel with use-markup).
 *
 * Always valid markup: every text character is escaped, tags are balanced
 * (an unclosed tag is closed at the end, a stray closing tag stays text,
 * overlapping tags are closed and reopened), invalid UTF-8 is made valid
 * first.  Known tags (case-insensitive):
 *   [b] [i] [u] [s]                       bold, italic, underline, strikethrough
 *   [url]x[/url], [url=x]y[/url]          <a href>, only http, https and mailto
 *                                         hrefs; other schemes: the text only
 *   [user=N]name[/user]                   the name in bold
 *   [br] and "\n"                         newline
 *   [code]..[/code]                       <tt>, tags inside are literal
 *   [quote]..[/quote], lines after ">>"   italic and dimmed
 *   [color=#rgb|#rrggbb]..[/color]        foreground colour
 *   [size=N]..[/size]                     ignored, text kept
 *   [chat=N]..[/chat], [send=..]..[/send], [put=..]..[/put]: the text
 *   [icon=...], [img...] and anything else: literal text
 *
 * @max_chars: 0 for no limit; otherwise at most that many visible
 * characters are kept, cut on a character boundary, then "…" is added.
 *
 * Returns: (transfer full): the markup, never NULL ("" for NULL @text). */
char *botbench_bbcode_to_markup (const char *text,
                                 gsize       max_chars);

/* The same text without any formatting: tags we know are removed ([br] is
 * a newline, [url=x]y[/url] is "y (x)" when y differs from x, [user=N]name
 * is the name), anything else is kept as written.  For the CLI and search.
 *
 * Returns: (transfer full): valid UTF-8, never NULL. */
char *botbench_bbcode_to_plain  (const char *text);

G_END_DECLS
