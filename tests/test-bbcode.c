/* test-bbcode.c: Bitrix BB-code to Pango markup and plain text
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Table-driven: each case gives the input, the exact markup and the exact
 * plain text.  Every output (and the output of every hostile input) is
 * parsed with GMarkupParseContext, which also checks that only the
 * elements and attributes Pango knows appear.
 */
#include "config.h"

#include <string.h>

#include "botbench-core.h"

typedef struct
{
  const char *name;
  const char *input;
  const char *markup;
  const char *plain;
} Case;

static const Case cases[] = {
  { "plain", "hello", "hello", "hello" },
  { "escape", "a < b && c > \"d\" 'e'", "a &lt; b &amp;&amp; c &gt; &quot;d&quot; &#39;e&#39;",
    "a < b && c > \"d\" 'e'" },
  { "bold", "[b]bold[/b] text", "<b>bold</b> text", "bold text" },
  { "upper-case", "[B]x[/B][I]y[/i]", "<b>x</b><i>y</i>", "xy" },
  { "all-simple", "[b][i][u][s]x[/s][/u][/i][/b]", "<b><i><u><s>x</s></u></i></b>", "x" },
  { "unclosed", "[b]open", "<b>open</b>", "open" },
  { "stray-close", "text[/b]", "text[/b]", "text[/b]" },
  { "overlap", "[b]1[i]2[/b]3[/i]", "<b>1<i>2</i></b><i>3</i>", "123" },
  { "url-bare", "[url]https://example.com/?a=1&b=2[/url]",
    "<a href=\"https://example.com/?a=1&amp;b=2\">https://example.com/?a=1&amp;b=2</a>",
    "https://example.com/?a=1&b=2" },
  { "url-named", "[url=https://example.com]site[/url]", "<a href=\"https://example.com\">site</a>",
    "site (https://example.com)" },
  { "url-quoted", "[url=\"http://x.test/\"]x[/url]", "<a href=\"http://x.test/\">x</a>", "x (http://x.test/)" },
  { "url-mailto", "[url=mailto:a@b.c]mail[/url]", "<a href=\"mailto:a@b.c\">mail</a>", "mail (mailto:a@b.c)" },
  { "url-javascript", "[url=javascript:alert(1)]click[/url]", "click", "click (javascript:alert(1))" },
  { "url-bare-javascript", "[url]javascript:alert(1)[/url]", "javascript:alert(1)", "javascript:alert(1)" },
  { "url-quote-in-href", "[url=https://x.test/\"><b>]y[/url]", "<a href=\"https://x.test/&quot;&gt;&lt;b&gt;\">y</a>",
    "y (https://x.test/\"><b>)" },
  { "url-nested", "[url=https://a.test]a[url=https://b.test]b[/url][/url]",
    "<a href=\"https://a.test\">ab</a>", "ab (https://b.test) (https://a.test)" },
  { "url-unclosed", "[url]https://x.test", "[url]https://x.test", "[url]https://x.test" },
  { "user", "[user=5]Anna[/user], hi", "<b>Anna</b>, hi", "Anna, hi" },
  { "user-replace", "[USER=5 REPLACE]Anna[/USER]", "<b>Anna</b>", "Anna" },
  { "user-bad-id", "[user=x]Anna[/user]", "[user=x]Anna[/user]", "[user=x]Anna[/user]" },
  { "br", "a[br]b\nc", "a\nb\nc", "a\nb\nc" },
  { "crlf", "a\r\nb", "a\nb", "a\nb" },
  { "code", "[code][b]not bold[/b] <x>[/code]", "<tt>[b]not bold[/b] &lt;x&gt;</tt>", "[b]not bold[/b] <x>" },
  { "code-unclosed", "[code]x", "[code]x", "[code]x" },
  { "quote", "[quote]q[/quote]a", "<span style=\"italic\" fgalpha=\"60%\">q</span>a", "qa" },
  { "quote-unclosed", "[quote]q", "[quote]q", "[quote]q" },
  { "quote-lines", ">>quoted\nnot", "<span style=\"italic\" fgalpha=\"60%\">quoted</span>\nnot", "quoted\nnot" },
  { "quote-line-with-bold", ">>[b]x\ny[/b]", "<span style=\"italic\" fgalpha=\"60%\"><b>x</b></span><b>\ny</b>", "x\ny" },
  { "color", "[color=#ff0000]red[/color]", "<span foreground=\"#ff0000\">red</span>", "red" },
  { "color-short", "[color=#f00]red[/color]", "<span foreground=\"#f00\">red</span>", "red" },
  { "color-bad", "[color=red\" size=\"99]x[/color]", "[color=red&quot; size=&quot;99]x[/color]",
    "[color=red\" size=\"99]x[/color]" },
  { "size", "[size=20]big[/size]", "big", "big" },
  { "chat-send-put", "[chat=12]room[/chat] [send=hi]Say[/send] [put=/help]Put[/put]", "room Say Put",
    "room Say Put" },
  { "unknown", "[icon=x][img]y[/img]", "[icon=x][img]y[/img]", "[icon=x][img]y[/img]" },
  { "empty-tag", "[]x[=]", "[]x[=]", "[]x[=]" },
  { "bracket-inside", "[b[b]]x", "[b<b>]x</b>", "[b]x" },
  { "closing-with-value", "[b]x[/b=1]", "<b>x[/b=1]</b>", "x[/b=1]" },
  { "control-chars", "a\001b\tc", "a\357\277\275b\tc", "a\001b\tc" },
  { "empty", "", "", "" },
};

/* Markup checker */

static void
check_start (GMarkupParseContext  *context,
             const char           *element,
             const char          **names,
             const char          **values,
             gpointer              user_data,
             GError              **error)
{
  static const char * const plain[] = { "markup", "b", "i", "u", "s", "tt" };

  for (guint i = 0; i < G_N_ELEMENTS (plain); i++)
    if (g_str_equal (element, plain[i]))
      {
        g_assert_null (names[0]);
        return;
      }

  if (g_str_equal (element, "a"))
    {
      g_assert_cmpstr (names[0], ==, "href");
      g_assert_null (names[1]);
      g_assert_true (g_str_has_prefix (values[0], "http://") || g_str_has_prefix (values[0], "https://") ||
                     g_str_has_prefix (values[0], "mailto:"));
      return;
    }

  g_assert_cmpstr (element, ==, "span");
  for (guint i = 0; names[i] != NULL; i++)
    g_assert_true (g_str_equal (names[i], "style") || g_str_equal (names[i], "fgalpha") ||
                   g_str_equal (names[i], "foreground"));
}

static void
assert_valid_markup (const char *markup)
{
  static const GMarkupParser parser = { check_start, NULL, NULL, NULL, NULL };
  g_autoptr(GMarkupParseContext) context = g_markup_parse_context_new (&parser, 0, NULL, NULL);
  g_autofree char *wrapped = g_strconcat ("<markup>", markup, "</markup>", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_utf8_validate (markup, -1, NULL));
  g_markup_parse_context_parse (context, wrapped, -1, &error);
  g_assert_no_error (error);
  g_markup_parse_context_end_parse (context, &error);
  g_assert_no_error (error);
}

static void
test_case (gconstpointer data)
{
  const Case *c = data;
  g_autofree char *markup = botbench_bbcode_to_markup (c->input, 0);
  g_autofree char *plain = botbench_bbcode_to_plain (c->input);

  g_assert_cmpstr (markup, ==, c->markup);
  g_assert_cmpstr (plain, ==, c->plain);
  assert_valid_markup (markup);
}

static void
test_null (void)
{
  g_autofree char *markup = botbench_bbcode_to_markup (NULL, 10);
  g_autofree char *plain = botbench_bbcode_to_plain (NULL);

  g_assert_cmpstr (markup, ==, "");
  g_assert_cmpstr (plain, ==, "");
}

static void
test_truncate (void)
{
  g_autofree char *cut = botbench_bbcode_to_markup ("[b]héllo[/b] wörld", 4);
  g_autofree char *exact = botbench_bbcode_to_markup ("abc", 3);
  g_autofree char *escaped = botbench_bbcode_to_markup ("<<<<<", 2);
  g_autofree char *in_url = botbench_bbcode_to_markup ("[url=https://x.test]abcdef[/url]", 3);

  g_assert_cmpstr (cut, ==, "<b>héll…</b>");
  g_assert_cmpstr (exact, ==, "abc");
  g_assert_cmpstr (escaped, ==, "&lt;&lt;…");
  g_assert_cmpstr (in_url, ==, "<a href=\"https://x.test\">abc…</a>");
  assert_valid_markup (cut);
  assert_valid_markup (in_url);
}

static void
test_invalid_utf8 (void)
{
  g_autofree char *markup = botbench_bbcode_to_markup ("[b]a\xff\xfe" "b\xc3[/b]", 0);
  g_autofree char *plain = botbench_bbcode_to_plain ("x\xc0\xafy");

  assert_valid_markup (markup);
  g_assert_true (g_str_has_prefix (markup, "<b>a"));
  g_assert_true (g_utf8_validate (plain, -1, NULL));
  g_assert_true (g_str_has_prefix (plain, "x"));
  g_assert_true (g_str_has_suffix (plain, "y"));
}

/* Hostile inputs: big and weird; the point is valid markup, quickly. */

static char *
repeat (const char *piece,
        gsize       total)
{
  GString *s = g_string_sized_new (total + strlen (piece));

  while (s->len < total)
    g_string_append (s, piece);
  return g_string_free (s, FALSE);
}

static void
test_hostile (void)
{
  static const char * const pieces[] = {
    "[b]", "[/b]", "[b][i][/b][/i]", "[url]", "[url=https://x]", "[url=javascript:x]y[/url]",
    "[code]", "[quote]", "[color=#fff]", "[user=1]", "[", "]", "[/", "<&>", ">>q\n",
    "[size=1][chat=1][send=x][put=y]", "\xe2\x80\xae\xef\xbb\xbf\xf0\x9f\x98\x80", "[/url][/code][/quote]",
  };
  /* Linear, not quadratic: a quadratic scan of these (say 64 Ki unclosed
   * "[quote]") would run into the test's meson timeout. */
  for (guint i = 0; i < G_N_ELEMENTS (pieces); i++)
    {
      g_autofree char *input = repeat (pieces[i], 64 * 1024);
      g_autofree char *markup = botbench_bbcode_to_markup (input, 0);
      g_autofree char *short_markup = botbench_bbcode_to_markup (input, 1000);
      g_autofree char *plain = botbench_bbcode_to_plain (input);

      assert_valid_markup (markup);
      assert_valid_markup (short_markup);
      g_assert_cmpuint (strlen (short_markup), <, 1000 * 32 + 4096 + 64 * 64);
      g_assert_cmpuint (g_utf8_strlen (short_markup, -1), >, 0);
      g_assert_true (g_utf8_validate (plain, -1, NULL));
    }
}

/* A 1 MB message of every hostile piece mixed. */
static void
test_one_megabyte (void)
{
  static const char * const mix =
    "[b]bold [i]both[/b] italic[/i] [url=javascript:alert(1)]x[/url] [url]https://a.test/?q=<&>[/url] "
    "[user=5]Anna[/user] [code][b]<tt>[/code] [quote]q[/quote]\n>>quoted [color=#f0f]c[/color] [size=9]s "
    "[chat=1]c[/chat] [send=x]s[/send] [put=/y]p[/put] [ [/ ] [/b] \xe2\x80\xae\xf0\x9f\x98\x80 \x01 ";
  g_autofree char *input = repeat (mix, 1024 * 1024);
  g_autofree char *markup = botbench_bbcode_to_markup (input, 0);
  g_autofree char *preview = botbench_bbcode_to_markup (input, 500);
  g_autofree char *plain = botbench_bbcode_to_plain (input);

  assert_valid_markup (markup);
  assert_valid_markup (preview);
  g_assert_true (g_str_has_suffix (preview, "…") || strstr (preview, "…<") != NULL);
  g_assert_cmpuint (g_utf8_strlen (plain, -1), >, 500000);
  g_assert_null (strstr (markup, "javascript:"  "alert(1)\""));
}

static void
test_deep_nesting (void)
{
  g_autofree char *open = repeat ("[b][i]", 100000);
  g_autofree char *input = g_strconcat (open, "x", NULL);
  g_autofree char *markup = botbench_bbcode_to_markup (input, 0);

  assert_valid_markup (markup);
  /* Opening tags past the depth limit stay text. */
  g_assert_nonnull (strstr (markup, "[b][i]"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/bbcode/case/%s", cases[i].name);

      g_test_add_data_func (path, &cases[i], test_case);
    }
  g_test_add_func ("/bbcode/null", test_null);
  g_test_add_func ("/bbcode/truncate", test_truncate);
  g_test_add_func ("/bbcode/invalid-utf8", test_invalid_utf8);
  g_test_add_func ("/bbcode/hostile", test_hostile);
  g_test_add_func ("/bbcode/one-megabyte", test_one_megabyte);
  g_test_add_func ("/bbcode/deep-nesting", test_deep_nesting);

  return g_test_run ();
}
