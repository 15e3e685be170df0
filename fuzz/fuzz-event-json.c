/* fuzz-event-json.c: a received JSON request, decoded every way Botbench reads it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Input: the body of a POST with Content-Type application/json, as the
 * listener hands it to botbench_event_new() (which derives the summary).
 * Seeds: fuzz/seeds/event-json/.
 */
#include "config.h"

#include "botbench-core.h"
#include "fuzz-common.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_init_environment ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const char * const headers[] = {
    "Host", "127.0.0.1:8024",
    "Content-Type", "application/json",
    "User-Agent", "Bitrix24 Webhook Engine",
    NULL
  };
  g_autoptr(GBytes) body = g_bytes_new (data, size);
  g_autoptr(BotbenchEvent) event = NULL;
  g_autofree char *data_json = NULL;
  g_autofree char *line = NULL;
  g_autofree char *curl = NULL;

  event = botbench_event_new (g_get_real_time (), "127.0.0.1", "POST", "/bot", "a=1&b=2",
                              headers, "application/json", body);

  g_assert_nonnull (botbench_event_get_event_name (event));
  g_assert_nonnull (botbench_event_get_bot_id (event));
  g_assert_nonnull (botbench_event_get_bot_code (event));
  g_assert_nonnull (botbench_event_get_message (event));
  botbench_event_get_json (event);
  botbench_event_get_form (event);

  data_json = botbench_event_dup_data_json (event);
  g_assert_nonnull (data_json);
  line = botbench_event_to_json_line (event);
  g_assert_nonnull (line);
  curl = botbench_event_dup_curl_command (event, "http://127.0.0.1:8024");
  g_assert_nonnull (curl);

  return 0;
}
