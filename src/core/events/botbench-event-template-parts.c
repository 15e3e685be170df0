/* botbench-event-template-parts.c: the parts every simulated event shares
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The OAuth credentials (auth[], data[BOT][id] and its AUTH copy),
 * data[USER] and ts in the fixtures' key order (reference §3.2), written
 * through botbench_form_edit_set() so that every key goes where PHP would
 * put it.
 */
#define G_LOG_DOMAIN "botbench-event"

#include "config.h"

#include "botbench-event-template-private.h"
#include "botbench-form-edit.h"

/* Sets PREFIX[key] (or key at the top when the prefix is empty). */
void
_botbench_template_put (Builder    *b,
                        const char *key,
                        const char *value)
{
  g_autofree char *full = NULL;
  g_autoptr(GError) error = NULL;

  if (b->prefix->len == 0)
    full = g_strdup (key);
  else
    full = g_strdup_printf ("%s[%s]", b->prefix->str, key);

  if (!botbench_form_edit_set (&b->tree, full, value, &error))
    g_warning ("Template key %s: %s", full, error->message);
}

void
_botbench_template_put_int (Builder    *b,
                            const char *key,
                            gint64      value)
{
  char buf[24];

  g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, value);
  _botbench_template_put (b, key, buf);
}

void
_botbench_template_enter (Builder    *b,
                          const char *path)
{
  g_string_assign (b->prefix, path);
}

static char *
fake_token (void)
{
  return g_strdup_printf ("%08x%08x%08x%08x%08x", g_random_int (), g_random_int (), g_random_int (),
                          g_random_int (), g_random_int ());
}

/* The OAuth credentials of §3.2, in the fixtures' order; user_id and the
 * refresh token placed as in data[BOT][id] (bot) or auth[] (user). */
static void
put_credentials (Builder    *b,
                 gboolean    bot_entry,
                 gint64      user_id,
                 const char *access_token,
                 const char *refresh_token)
{
  _botbench_template_put (b, "access_token", access_token);
  _botbench_template_put_int (b, "expires", b->now + 3600);
  _botbench_template_put (b, "expires_in", "3600");
  _botbench_template_put (b, "scope", b->scope);
  _botbench_template_put (b, "domain", b->domain);
  _botbench_template_put (b, "server_endpoint", SERVER_ENDPOINT);
  _botbench_template_put (b, "status", "L");
  _botbench_template_put (b, "client_endpoint", b->client_endpoint);
  _botbench_template_put (b, "member_id", b->member_id);
  if (bot_entry)
    {
      _botbench_template_put (b, "refresh_token", refresh_token);
      _botbench_template_put_int (b, "user_id", user_id);
      _botbench_template_put (b, "client_id", b->client_id);
    }
  else
    {
      _botbench_template_put_int (b, "user_id", user_id);
      if (refresh_token != NULL)
        _botbench_template_put (b, "refresh_token", refresh_token);
    }
  _botbench_template_put (b, "application_token", b->app_token);
}

/* data[BOT][id] or data[COMMAND][id]: the bot's credentials, AUTH (a
 * copy), BOT_ID, BOT_CODE (§3.2). */
void
_botbench_template_put_bot_entry (Builder    *b,
                                  const char *path)
{
  g_autofree char *access_token = fake_token ();
  g_autofree char *refresh_token = fake_token ();
  g_autofree char *auth_path = g_strdup_printf ("%s[AUTH]", path);

  _botbench_template_enter (b, path);
  put_credentials (b, TRUE, b->bot_id, access_token, refresh_token);
  _botbench_template_enter (b, auth_path);
  put_credentials (b, TRUE, b->bot_id, access_token, refresh_token);
  _botbench_template_enter (b, path);
  _botbench_template_put_int (b, "BOT_ID", b->bot_id);
  _botbench_template_put (b, "BOT_CODE", b->bot_code);
}

void
_botbench_template_put_bot_map (Builder *b)
{
  g_autofree char *path = g_strdup_printf ("data[BOT][%" G_GINT64_FORMAT "]", b->bot_id);

  _botbench_template_put_bot_entry (b, path);
}


/* data[USER] (§3.2) */
void
_botbench_template_put_user (Builder   *b,
                             UserShape  shape)
{
  g_autofree char *name = g_strdup_printf ("%s %s", b->first_name, b->last_name);

  _botbench_template_enter (b, "data[USER]");
  _botbench_template_put_int (b, "ID", b->user_id);
  _botbench_template_put (b, "NAME", name);
  _botbench_template_put (b, "FIRST_NAME", b->first_name);
  _botbench_template_put (b, "LAST_NAME", b->last_name);
  if (shape != USER_SHORT)
    _botbench_template_put (b, "WORK_POSITION", "");
  _botbench_template_put (b, "GENDER", b->gender);
  if (shape == USER_MESSAGE)
    {
      _botbench_template_put (b, "IS_BOT", "N");
      _botbench_template_put (b, "IS_CONNECTOR", "N");
      _botbench_template_put (b, "IS_NETWORK", "N");
      _botbench_template_put (b, "IS_EXTRANET", "N");
    }
}

/* ts and auth[] of the user (§3.2); refresh token for message and command
 * events (§3.1). */
void
_botbench_template_put_ts_auth (Builder  *b,
                                gboolean  with_refresh)
{
  g_autofree char *access_token = fake_token ();
  g_autofree char *refresh_token = with_refresh ? fake_token () : NULL;

  _botbench_template_enter (b, "");
  _botbench_template_put_int (b, "ts", b->now);
  _botbench_template_enter (b, "auth");
  put_credentials (b, FALSE, b->user_id, access_token, refresh_token);
}
