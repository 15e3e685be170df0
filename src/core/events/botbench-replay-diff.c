/* botbench-replay-diff.c: what a replay changes, as a line diff
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Both bodies are decoded ($_POST rules) and flattened to one
 * "key=value" line per value in body order (botbench_form_edit_dup_pairs);
 * the diff is the shortest edit script between the two lists (LCS),
 * printed as "- line" / "+ line", unchanged lines left out.  Values are
 * shown on one line: control characters escaped, invalid UTF-8 replaced.
 */
#define G_LOG_DOMAIN "botbench-event"

#include "config.h"

#include <string.h>

#include "botbench-event.h"
#include "botbench-form-edit.h"
#include "botbench-replay.h"

static void
append_printable (GString    *out,
                  const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);

  for (const char *p = valid; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\r':
          g_string_append (out, "\\r");
          break;
        case '\t':
          g_string_append (out, "\\t");
          break;
        case '\\':
          g_string_append (out, "\\\\");
          break;
        default:
          if ((guchar)*p < 0x20 || *p == 0x7f)
            g_string_append_printf (out, "\\x%02x", (guchar)*p);
          else
            g_string_append_c (out, *p);
        }
    }
}

/* One printable "key=value" line per value of the form. */
static GPtrArray *
form_lines (BotbenchFormNode *form)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) pairs = NULL;

  if (form == NULL)
    return lines;

  pairs = botbench_form_edit_dup_pairs (form);
  for (guint i = 0; pairs[i] != NULL && pairs[i + 1] != NULL; i += 2)
    {
      GString *line = g_string_new (NULL);

      append_printable (line, pairs[i]);
      g_string_append_c (line, '=');
      append_printable (line, pairs[i + 1]);
      g_ptr_array_add (lines, g_string_free (line, FALSE));
    }

  return lines;
}

/* The raw body as one line, for bodies that are not forms. */
static GPtrArray *
body_lines (GBytes *body)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *text = NULL;
  GString *line;

  if (body == NULL || g_bytes_get_size (body) == 0)
    return lines;

  text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  line = g_string_new ("body: ");
  append_printable (line, text);
  g_ptr_array_add (lines, g_string_free (line, FALSE));

  return lines;
}

static char *
diff_lines (GPtrArray *a,
            GPtrArray *b)
{
  GString *out = g_string_new (NULL);
  /* a form holds at most max_input_vars (1000) values: the table stays
   * under 4 MiB */
  guint n = a->len;
  guint m = b->len;
  g_autofree guint *lcs = g_new0 (guint, (gsize)(n + 1) * (m + 1));
  guint i = 0, j = 0;

#define LCS(x, y) lcs[(gsize)(x) * (m + 1) + (y)]
  /* LCS(i, j): longest common subsequence of a[i..n) and b[j..m) */
  for (guint x = n; x-- > 0;)
    for (guint y = m; y-- > 0;)
      LCS (x, y) = g_str_equal (a->pdata[x], b->pdata[y]) ? LCS (x + 1, y + 1) + 1
                                                          : MAX (LCS (x + 1, y), LCS (x, y + 1));

  while (i < n || j < m)
    {
      if (i < n && j < m && g_str_equal (a->pdata[i], b->pdata[j]))
        {
          i++, j++;
        }
      else if (j == m || (i < n && LCS (i + 1, j) >= LCS (i, j + 1)))
        {
          /* "- old" comes before "+ new" for a changed value */
          g_string_append_printf (out, "- %s\n", (const char *)a->pdata[i++]);
        }
      else
        {
          g_string_append_printf (out, "+ %s\n", (const char *)b->pdata[j++]);
        }
    }
#undef LCS

  return g_string_free (out, FALSE);
}

char *
botbench_replay_dup_diff (GBytes *original_body,
                          GBytes *new_body)
{
  g_autoptr(BotbenchFormNode) a = NULL;
  g_autoptr(BotbenchFormNode) b = NULL;
  g_autoptr(GPtrArray) a_lines = NULL;
  g_autoptr(GPtrArray) b_lines = NULL;

  if (original_body != NULL)
    a = botbench_post_decode_urlencoded (g_bytes_get_data (original_body, NULL), g_bytes_get_size (original_body));
  if (new_body != NULL)
    b = botbench_post_decode_urlencoded (g_bytes_get_data (new_body, NULL), g_bytes_get_size (new_body));

  a_lines = form_lines (a);
  b_lines = form_lines (b);

  return diff_lines (a_lines, b_lines);
}

char *
botbench_replay_dup_event_diff (BotbenchEvent *original,
                                BotbenchEvent *replay)
{
  BotbenchFormNode *a;
  BotbenchFormNode *b;
  g_autoptr(GPtrArray) a_lines = NULL;
  g_autoptr(GPtrArray) b_lines = NULL;

  g_return_val_if_fail (BOTBENCH_IS_EVENT (original), NULL);
  g_return_val_if_fail (BOTBENCH_IS_EVENT (replay), NULL);

  a = botbench_event_get_form (original);
  b = botbench_event_get_form (replay);

  if (a != NULL && b != NULL)
    {
      a_lines = form_lines (a);
      b_lines = form_lines (b);
    }
  else
    {
      a_lines = body_lines (botbench_event_get_body (original));
      b_lines = body_lines (botbench_event_get_body (replay));
    }

  return diff_lines (a_lines, b_lines);
}
