/* botbench-replay.h: replaying a stored event, with edits
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A replay is a new BotbenchEvent made from a stored one (same method,
 * path, query and headers; the body unchanged, edited, or typed in) with
 * replay_of set.  Sending it records it like a forward: when a Botbench
 * listener answered (ours or another process's), that listener stored it
 * (marked by X-Botbench-Replay-Of); otherwise the replay is inserted into
 * the store as a new event from remote "replay" and the answer is
 * recorded beside it with botbench_event_store_record_forward_async().
 */
#pragma once

#include <libsoup/soup.h>

#include "botbench-types.h"
#include "botbench-event.h"
#include "botbench-forward-result.h"

G_BEGIN_DECLS

/* The remote address a replay inserted by Botbench itself is stored with. */
#define BOTBENCH_REPLAY_REMOTE "replay"

/* A replay of original: sets is NULL or a NULL-terminated list of
 * "KEY=VALUE" assignments (PHP-style keys, botbench-form-edit.h) applied
 * to the decoded body, which is then re-encoded as
 * application/x-www-form-urlencoded.  Without sets the body is the
 * original's, byte for byte.  Fails (BOTBENCH_FORM_EDIT_ERROR, or
 * G_IO_ERROR_INVALID_DATA when the body is no form) on a bad edit. */
BotbenchEvent         *botbench_replay_build            (BotbenchEvent        *original,
                                                         const char * const   *sets,
                                                         GError              **error);
/* A replay of original with an edited tree as its body (encoded with
 * botbench_form_encode(), Content-Type application/x-www-form-urlencoded). */
BotbenchEvent         *botbench_replay_build_from_form  (BotbenchEvent        *original,
                                                         BotbenchFormNode     *form);
/* A replay of original with body as it is (raw edit), original's
 * Content-Type unless content_type is given. */
BotbenchEvent         *botbench_replay_build_from_body  (BotbenchEvent        *original,
                                                         GBytes               *body,
                                                         const char           *content_type);
/* A new event (no original: replay_of 0) with a form body, as
 * `send-event FILE` and simulated events send it. */
BotbenchEvent         *botbench_replay_build_new        (const char           *path,
                                                         GBytes               *body);

/* Sends replay to url with botbench_http_send_async() and records it (see
 * above).  store may be NULL: nothing is recorded.  The result is never a
 * transport error (that is a FAILED BotbenchForwardResult); _finish fails
 * only when storing failed, or with G_IO_ERROR_CANCELLED when cancellable
 * was cancelled before the request went out (nothing is stored then: the
 * target never saw it).  Cancelled once its headers were written, the
 * target may have acted on it: the replay is stored all the same with its
 * FAILED result ("Cancelled"), and that result is returned.
 * out_event_id: the stored replay's id (0 when nothing was stored). */
void                   botbench_replay_send_async       (BotbenchEventStore   *store,
                                                         SoupSession          *session,
                                                         BotbenchEvent        *replay,
                                                         const char           *url,
                                                         guint                 timeout_s,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
BotbenchForwardResult *botbench_replay_send_finish      (GAsyncResult         *result,
                                                         gint64               *out_event_id,
                                                         GError              **error);
/* The id a Botbench listener gave the request, from its answer
 * (Server: Botbench/…, body {"ok":true,"id":N}); 0 for other answers. */
gint64                 botbench_replay_get_listener_id  (BotbenchForwardResult *result);

/* A readable line diff of the decoded bodies (urlencoded), one
 * "key=value" per value: "- key=old\n+ key=new\n" for what changed, ""
 * when nothing did. */
char                  *botbench_replay_dup_diff         (GBytes               *original_body,
                                                         GBytes               *new_body);
/* The same for two events, decoding each by its Content-Type (a body that
 * is no form is compared as one raw line). */
char                  *botbench_replay_dup_event_diff   (BotbenchEvent        *original,
                                                         BotbenchEvent        *replay);

G_END_DECLS
