/* botbench-forward-rule.c: one forwarding rule, a path prefix and a handler URL
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An immutable refcounted boxed value; BotbenchForwarder takes a list.
 */
#define G_LOG_DOMAIN "botbench-forward"

#include "config.h"

#include <string.h>

#include "botbench-forward-rule.h"

struct _BotbenchForwardRule
{
  gatomicrefcount  ref_count;
  char            *prefix;
  char            *url;
  gboolean         enabled;
};

G_DEFINE_BOXED_TYPE (BotbenchForwardRule, botbench_forward_rule,
                     botbench_forward_rule_ref, botbench_forward_rule_unref)

BotbenchForwardRule *
botbench_forward_rule_new (const char *prefix,
                           const char *url,
                           gboolean    enabled)
{
  BotbenchForwardRule *self = g_new0 (BotbenchForwardRule, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->prefix = g_strdup (prefix != NULL && *prefix != '\0' ? prefix : "/");
  self->url = g_strdup (url ? url : "");
  self->enabled = !!enabled;

  return self;
}

BotbenchForwardRule *
botbench_forward_rule_ref (BotbenchForwardRule *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
botbench_forward_rule_unref (BotbenchForwardRule *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_free (self->prefix);
  g_free (self->url);
  g_free (self);
}

const char *
botbench_forward_rule_get_prefix (BotbenchForwardRule *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->prefix;
}

const char *
botbench_forward_rule_get_url (BotbenchForwardRule *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->url;
}

gboolean
botbench_forward_rule_get_enabled (BotbenchForwardRule *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->enabled;
}

gboolean
botbench_forward_rule_matches (BotbenchForwardRule *self,
                               const char          *path)
{
  gsize len;
  char next;

  g_return_val_if_fail (self != NULL, FALSE);

  if (path == NULL)
    path = "/";

  len = strlen (self->prefix);
  if (strncmp (path, self->prefix, len) != 0)
    return FALSE;

  /* On a segment boundary: "/bot" is not a prefix of "/bot2". */
  next = path[len];
  return next == '\0' || next == '/' || next == '?' || self->prefix[len - 1] == '/';
}

gboolean
botbench_forward_rule_url_is_valid (const char *url)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;
  const char *host;

  if (url == NULL || *url == '\0')
    return FALSE;
  /* GUri lets spaces through in a path; no URL has them. */
  for (const char *p = url; *p != '\0'; p++)
    if ((guchar)*p <= 0x20 || *p == 0x7f)
      return FALSE;

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    return FALSE;

  scheme = g_uri_get_scheme (uri);
  if (scheme == NULL ||
      (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0))
    return FALSE;

  /* GUri takes any reg-name ("exa mple"): a host is an IP address or a
   * name of letters, digits, '-', '.' and '_' (non-ASCII for an IDN). */
  host = g_uri_get_host (uri);
  if (host == NULL || *host == '\0')
    return FALSE;
  if (g_hostname_is_ip_address (host))
    return TRUE;
  for (const char *p = host; *p != '\0'; p++)
    if ((guchar)*p < 0x80 && !g_ascii_isalnum (*p) && strchr ("-._", *p) == NULL)
      return FALSE;

  return TRUE;
}
