/* botbench-forward-settings.c: the forwarding rules kept in GSettings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reading "forward-rules" for the application's forwarder, and the field
 * checks shared with the Preferences window.
 */
#define G_LOG_DOMAIN "botbench-forward-settings"

#include "config.h"

#include <glib/gi18n.h>

#include "botbench-forward-settings.h"

char *
botbench_forward_settings_check_url (const char *url)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;
  const char *host;

  if (url == NULL || *url == '\0')
    return g_strdup (_("Enter the handler’s URL, such as http://127.0.0.1:8000/bot.php"));

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    return g_strdup (_("Not a valid URL"));

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0)
    return g_strdup (_("Only http:// and https:// URLs can be forwarded to"));

  host = g_uri_get_host (uri);
  if (host == NULL || *host == '\0')
    return g_strdup (_("The URL has no host"));

  /* What the forwarder and http-send accept (no spaces, a host name) */
  if (!botbench_forward_rule_url_is_valid (url))
    return g_strdup (_("Not a valid URL"));

  return NULL;
}

char *
botbench_forward_settings_check_prefix (const char *prefix)
{
  if (prefix == NULL || prefix[0] != '/')
    return g_strdup (_("A path prefix starts with “/”; “/” matches every path"));

  for (const char *p = prefix; *p != '\0'; p++)
    {
      if (g_ascii_isspace (*p) || g_ascii_iscntrl (*p) || *p == '?' || *p == '#')
        return g_strdup (_("A path prefix has no spaces, “?” or “#”"));
    }

  return NULL;
}

GPtrArray *
botbench_forward_settings_dup_rules (GSettings *settings)
{
  g_autoptr(GVariant) value = NULL;
  GPtrArray *rules;
  GVariantIter iter;
  gboolean enabled;
  const char *prefix;
  const char *url;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  rules = g_ptr_array_new_with_free_func ((GDestroyNotify)botbench_forward_rule_unref);
  value = g_settings_get_value (settings, "forward-rules");

  g_variant_iter_init (&iter, value);
  while (g_variant_iter_next (&iter, "(b&s&s)", &enabled, &prefix, &url))
    {
      g_autofree char *prefix_error = botbench_forward_settings_check_prefix (prefix);
      g_autofree char *url_error = botbench_forward_settings_check_url (url);

      if (prefix_error != NULL || url_error != NULL)
        {
          g_debug ("Skipping a forwarding rule that is not complete");
          continue;
        }

      g_ptr_array_add (rules, botbench_forward_rule_new (prefix, url, enabled));
    }

  return rules;
}
