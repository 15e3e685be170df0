/* botbench-ui-test-sandbox.h: the built-in sandbox portal in the window
 * tests: started, made the active profile, called over REST
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "botbench-ui-test-utils.h"

G_BEGIN_DECLS

/* Starts the application's sandbox and waits until it runs; asserts that
 * its webhook secret is held in memory (it works with no keyring, and a
 * failed keyring store asks nothing of the user). */
void        botbench_ui_test_start_sandbox         (BotbenchUiFixture *f);
/* botbench_ui_test_start_sandbox(), then makes the sandbox profile the
 * active one and waits until the listener runs. */
void        botbench_ui_test_use_sandbox           (BotbenchUiFixture *f);
/* A REST call of the sandbox profile (webhook, CLIENT_ID added) that must
 * succeed; a copy of its result, which must be there. */
JsonNode   *botbench_ui_test_rest                  (BotbenchUiFixture *f,
                                                    const char        *method,
                                                    const char        *json);
/* A REST call of the sandbox profile that must fail with the portal's
 * error @code (BOTBENCH_REST_ERROR_FAILED). */
void        botbench_ui_test_rest_error            (BotbenchUiFixture *f,
                                                    const char        *method,
                                                    const char        *json,
                                                    const char        *code);
/* GET or POST (@form, urlencoded, unless NULL) {sandbox}/_sandbox/@what;
 * asserts 200 and a JSON object without "error"; its "result" object. */
JsonObject *botbench_ui_test_sandbox_control       (BotbenchUiFixture *f,
                                                    const char        *method,
                                                    const char        *what,
                                                    const char        *form);
/* Sandbox user 1 writes @text to the bot @bot_id (POST _sandbox/message);
 * asserts the sandbox stored the message. */
void        botbench_ui_test_sandbox_user_writes   (BotbenchUiFixture *f,
                                                    gint64             bot_id,
                                                    const char        *text);

G_END_DECLS
