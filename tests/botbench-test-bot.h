/* botbench-test-bot.h: a loopback bot handler for tests and demos
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A SoupServer on 127.0.0.1 (port 0 unless told) in the thread-default main
 * context.  Every event is decoded with the core's $_POST decoder and
 * recorded; then the bot answers as a real one would, calling the portal
 * before it answers the event's HTTP request:
 *   ONIMBOTMESSAGEADD  -> imbot.message.add "echo: " + text to data[PARAMS][DIALOG_ID]
 *   ONIMCOMMANDADD /help -> imbot.command.answer with a text, an ATTACH (MESSAGE
 *                         and GRID blocks) and a KEYBOARD (a COMMAND button
 *                         "help" with params "more", and a LINK button)
 *   ONIMBOTJOINCHAT    -> imbot.message.add "Welcome!"
 * Calls go to the webhook URL with CLIENT_ID (webhook mode), or to
 * auth[client_endpoint] with data[BOT|COMMAND][id][access_token] when the
 * event carries them (OAuth).
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define BOTBENCH_TEST_BOT_WELCOME "Welcome!"
#define BOTBENCH_TEST_BOT_HELP    "[b]Help[/b]: I echo what you write."
#define BOTBENCH_TEST_BOT_MORE    "More help: try /help again."

typedef struct _BotbenchTestBot BotbenchTestBot;

/* @webhook_url: (nullable) the portal's incoming webhook URL (ends in "/");
 * @client_id: (nullable) the CLIENT_ID sent in webhook mode.  @port 0: any. */
BotbenchTestBot *botbench_test_bot_new          (const char       *webhook_url,
                                                 const char       *client_id,
                                                 guint             port,
                                                 GError          **error);
void             botbench_test_bot_free         (BotbenchTestBot  *bot);
/* "http://127.0.0.1:PORT/bot" */
const char      *botbench_test_bot_get_url      (BotbenchTestBot  *bot);
/* The HTTP status the bot answers events with (default 200).  A status
 * >= 300 answers at once and does nothing else. */
void             botbench_test_bot_set_status   (BotbenchTestBot  *bot,
                                                 guint             status);
/* Waits @delay_ms before it calls the portal and answers (default 0). */
void             botbench_test_bot_set_delay    (BotbenchTestBot  *bot,
                                                 guint             delay_ms);
/* Stops listening: deliveries then fail with "Connection refused". */
void             botbench_test_bot_stop         (BotbenchTestBot  *bot);

/* Events received so far, in order. */
guint            botbench_test_bot_get_n_events (BotbenchTestBot  *bot);
const char      *botbench_test_bot_get_event    (BotbenchTestBot  *bot,
                                                 guint             index);
/* The decoded body ($_POST as JSON: {"event", "data": {...}, "auth": {...}}). */
JsonObject      *botbench_test_bot_get_data     (BotbenchTestBot  *bot,
                                                 guint             index);
/* Portal calls that finished (successfully or not), and the last failure. */
guint            botbench_test_bot_get_n_calls  (BotbenchTestBot  *bot);
const char      *botbench_test_bot_get_last_call_error (BotbenchTestBot *bot);
/* Spins the thread-default context until @n events arrived; FALSE after
 * @timeout_ms (0: 10 s) without them. */
gboolean         botbench_test_bot_wait_events  (BotbenchTestBot  *bot,
                                                 guint             n,
                                                 guint             timeout_ms);
/* The same for finished portal calls. */
gboolean         botbench_test_bot_wait_calls   (BotbenchTestBot  *bot,
                                                 guint             n,
                                                 guint             timeout_ms);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BotbenchTestBot, botbench_test_bot_free)

G_END_DECLS
