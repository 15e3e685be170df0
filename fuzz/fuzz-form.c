/* fuzz-form.c: the PHP $_POST decoder, urlencoded and multipart
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Input: the Content-Type header value, a newline, then the body.  Without a
 * newline the whole input is an urlencoded body.  Seeds:
 * fuzz/seeds/form/ and tests/fixtures/events (given an urlencoded first line
 * by run-fuzzer.sh).
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
decode (const char *body,
        gsize       len,
        const char *content_type)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BotbenchFormNode) node = NULL;
  g_autofree char *json = NULL;

  node = botbench_post_decode (body, len, content_type, &error);
  g_assert ((node == NULL) != (error == NULL));
  if (node == NULL)
    return;

  json = botbench_form_node_to_json (node);
  g_assert_nonnull (json);
  /* The summary lookups BotbenchEvent makes */
  botbench_form_node_lookup_string (node, "event", NULL);
  botbench_form_node_lookup_string (node, "data", "PARAMS", "MESSAGE", NULL);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *nl = memchr (data, '\n', size);
  g_autofree char *content_type = NULL;
  const char *body;
  gsize len;

  if (nl == NULL)
    {
      decode ((const char *)data, size, "application/x-www-form-urlencoded");
      return 0;
    }

  len = nl - (const char *)data;
  if (len > 0 && data[len - 1] == '\r')
    len--;
  content_type = g_strndup ((const char *)data, len);
  /* The body is the tail of libFuzzer's own buffer, so reading one byte past
   * it is a heap overflow ASan sees (bodies are not NUL-terminated). */
  body = nl + 1;
  decode (body, size - (body - (const char *)data), content_type);

  return 0;
}
