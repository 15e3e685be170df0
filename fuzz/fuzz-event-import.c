/* fuzz-event-import.c: a line of an imported JSON Lines file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Input: one line as `botbench-cli import` reads it (the file may come from
 * anywhere).  A line that makes an event must survive export and import
 * again unchanged; its HAR entry and token check must not crash.
 * Seeds: fuzz/seeds/event-import/ (lines `botbench-cli events` wrote).
 */
#include "config.h"

#include <string.h>

#include "botbench-core.h"
#include "fuzz-common.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_init_environment ();
  return 0;
}

static void
assert_same (BotbenchEvent *a,
             BotbenchEvent *b)
{
  BotbenchForwardResult *fa = botbench_event_get_forward (a);
  BotbenchForwardResult *fb = botbench_event_get_forward (b);

  g_assert_cmpint (botbench_event_get_received (a), ==, botbench_event_get_received (b));
  g_assert_cmpstr (botbench_event_get_remote_address (a), ==, botbench_event_get_remote_address (b));
  g_assert_cmpstr (botbench_event_get_method (a), ==, botbench_event_get_method (b));
  g_assert_cmpstr (botbench_event_get_path (a), ==, botbench_event_get_path (b));
  g_assert_cmpstr (botbench_event_get_query (a), ==, botbench_event_get_query (b));
  g_assert_cmpstr (botbench_event_get_content_type (a), ==, botbench_event_get_content_type (b));
  g_assert_true (g_strv_equal ((const char * const *)botbench_event_get_headers (a),
                               (const char * const *)botbench_event_get_headers (b)));
  g_assert_true (g_bytes_equal (botbench_event_get_body (a), botbench_event_get_body (b)));
  g_assert_cmpint (botbench_event_get_token_state (a), ==, botbench_event_get_token_state (b));
  g_assert_cmpint (botbench_event_get_rejected (a), ==, botbench_event_get_rejected (b));
  g_assert_cmpint (botbench_event_get_replay_of (a), ==, botbench_event_get_replay_of (b));
  g_assert_true ((fa == NULL) == (fb == NULL));
  if (fa != NULL)
    {
      g_assert_cmpstr (botbench_forward_result_get_url (fa), ==, botbench_forward_result_get_url (fb));
      g_assert_cmpint (botbench_forward_result_get_state (fa), ==, botbench_forward_result_get_state (fb));
      g_assert_cmpuint (botbench_forward_result_get_status (fa), ==, botbench_forward_result_get_status (fb));
      g_assert_cmpstr (botbench_forward_result_get_error (fa), ==, botbench_forward_result_get_error (fb));
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(BotbenchEvent) event = NULL;
  g_autoptr(BotbenchEvent) again = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *har = NULL;

  event = botbench_event_from_json_line ((const char *)data, size, &error);
  if (event == NULL)
    {
      g_assert_nonnull (error);
      return 0;
    }
  g_assert_no_error (error);

  line = botbench_event_to_json_line (event);
  again = botbench_event_from_json_line (line, strlen (line), &error);
  g_assert_no_error (error);
  assert_same (event, again);

  botbench_token_check (event, "831c76b092f9f135d9b6b36c3a720757");
  events = g_ptr_array_new ();
  g_ptr_array_add (events, event);
  har = botbench_event_har_build (events);
  g_assert_nonnull (har);

  return 0;
}
